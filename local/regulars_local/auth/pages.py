"""The pages of the local sign-in (:mod:`regulars_local.auth.oidc`), in English, Russian and Spanish:
the e-mail and password form, the new password an invited user chooses, and the pages that say why a
sign-in cannot go on. Self-contained (no script, no external resource), labelled, with each error in
words beside its field, a visible focus, and a layout that fits a 390 px phone."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

LANGUAGES = ("en", "ru", "es")
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "es": "Español"}

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Sign in",
        "heading": "Sign in to Regulars",
        "local": "Local sign-in: it stands in for the sign-in page of the deployed app.",
        "email": "E-mail",
        "password": "Password",
        "submit": "Sign in",
        "email_required": "Enter your e-mail address.",
        "password_required": "Enter your password.",
        "incorrect": "The e-mail or password is incorrect.",
        "new_title": "Choose a new password",
        "new_intro": "You signed in with a temporary password. Choose your own password to continue.",
        "new_password": "New password",
        "new_password_again": "Repeat the new password",
        "new_submit": "Save and continue",
        "new_required": "Enter a new password.",
        "mismatch": "The two passwords are not the same.",
        "rule": "At least {n} characters",
        "rule_with": ", with {needs}",
        "upper": "an upper-case letter",
        "lower": "a lower-case letter",
        "digit": "a digit",
        "symbol": "a symbol",
        "and": " and ",
        "language": "Language",
        "expired_title": "This sign-in page has expired",
        "expired": "Go back to the app and sign in again.",
        "refused_title": "This sign-in cannot start",
        "refused": "The app that sent you here asked for something this sign-in does not allow:",
        "signed_out_title": "You are signed out",
        "signed_out": "You can close this page.",
    },
    "ru": {
        "title": "Вход",
        "heading": "Вход в Regulars",
        "local": "Локальный вход: он заменяет страницу входа развёрнутого приложения.",
        "email": "Электронная почта",
        "password": "Пароль",
        "submit": "Войти",
        "email_required": "Введите адрес электронной почты.",
        "password_required": "Введите пароль.",
        "incorrect": "Неверный адрес электронной почты или пароль.",
        "new_title": "Придумайте новый пароль",
        "new_intro": "Вы вошли с временным паролем. Чтобы продолжить, задайте свой пароль.",
        "new_password": "Новый пароль",
        "new_password_again": "Повторите новый пароль",
        "new_submit": "Сохранить и продолжить",
        "new_required": "Введите новый пароль.",
        "mismatch": "Пароли не совпадают.",
        "rule": "Не менее {n} символов",
        "rule_with": ", в том числе {needs}",
        "upper": "заглавная буква",
        "lower": "строчная буква",
        "digit": "цифра",
        "symbol": "символ",
        "and": " и ",
        "language": "Язык",
        "expired_title": "Срок действия этой страницы входа истёк",
        "expired": "Вернитесь в приложение и войдите снова.",
        "refused_title": "Вход невозможен",
        "refused": "Приложение, которое направило вас сюда, запросило то, чего этот вход не допускает:",
        "signed_out_title": "Вы вышли",
        "signed_out": "Эту страницу можно закрыть.",
    },
    "es": {
        "title": "Iniciar sesión",
        "heading": "Inicia sesión en Regulars",
        "local": "Inicio de sesión local: sustituye a la página de inicio de sesión de la app desplegada.",
        "email": "Correo electrónico",
        "password": "Contraseña",
        "submit": "Iniciar sesión",
        "email_required": "Escribe tu correo electrónico.",
        "password_required": "Escribe tu contraseña.",
        "incorrect": "El correo electrónico o la contraseña no son correctos.",
        "new_title": "Elige una contraseña nueva",
        "new_intro": "Has entrado con una contraseña temporal. Elige tu propia contraseña para continuar.",
        "new_password": "Contraseña nueva",
        "new_password_again": "Repite la contraseña nueva",
        "new_submit": "Guardar y continuar",
        "new_required": "Escribe una contraseña nueva.",
        "mismatch": "Las dos contraseñas no coinciden.",
        "rule": "Al menos {n} caracteres",
        "rule_with": ", con {needs}",
        "upper": "una mayúscula",
        "lower": "una minúscula",
        "digit": "un número",
        "symbol": "un símbolo",
        "and": " y ",
        "language": "Idioma",
        "expired_title": "Esta página de inicio de sesión ha caducado",
        "expired": "Vuelve a la app e inicia sesión de nuevo.",
        "refused_title": "No se puede iniciar sesión",
        "refused": "La app que te ha traído aquí ha pedido algo que este inicio de sesión no permite:",
        "signed_out_title": "Has cerrado la sesión",
        "signed_out": "Puedes cerrar esta página.",
    },
}

STYLE = """
*{box-sizing:border-box}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c1c1c;background:#f4f4f2}
main{max-width:26rem;margin:0 auto;padding:1.5rem 1rem}
h1{font-size:1.5rem;margin:0 0 .5rem}
.note{color:#555;font-size:.875rem;margin:0 0 1.5rem}
.field{margin:0 0 1rem}
label{display:block;font-weight:600;margin:0 0 .25rem}
input{display:block;width:100%;font:inherit;padding:.625rem .75rem;border:1px solid #767676;border-radius:.375rem;background:#fff;color:inherit}
input[aria-invalid=true]{border:2px solid #b00020}
.hint{color:#555;font-size:.875rem;margin:.25rem 0 0}
.error{color:#b00020;font-weight:600;margin:.25rem 0 0}
button{display:block;width:100%;font:inherit;font-weight:600;padding:.75rem;border:0;border-radius:.375rem;background:#1a5fb4;color:#fff;cursor:pointer}
a{color:#1a5fb4}
:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
nav{margin:2rem 0 0;font-size:.875rem}
nav ul{list-style:none;margin:0;padding:0;display:flex;gap:1rem;flex-wrap:wrap}
"""
STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()


def choose_language(
    lang: str | None, ui_locales: str | None, accept_language: str | None, default: str = "en"
) -> str:
    """``lang`` if it is one of ours, else the first of ``ui_locales`` (space-separated, in order of
    preference) that is, else the best of Accept-Language, else ``default``."""
    if lang and lang.strip().lower() in LANGUAGES:
        return lang.strip().lower()
    for tag in (ui_locales or "").split():
        if (primary := tag.split("-")[0].lower()) in LANGUAGES:
            return primary
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if (primary := tag.split("-")[0].strip().lower()) in LANGUAGES and quality > 0:
            ranked.append((-quality, index, primary))
    return min(ranked)[2] if ranked else default


def password_rule(policy: Mapping[str, Any], lang: str) -> str:
    """The pool's password policy in words."""
    text = TEXT[lang]
    needs = [
        text[word]
        for flag, word in (
            ("RequireUppercase", "upper"),
            ("RequireLowercase", "lower"),
            ("RequireNumbers", "digit"),
            ("RequireSymbols", "symbol"),
        )
        if policy.get(flag)
    ]
    rule = text["rule"].format(n=policy.get("MinimumLength", 8))
    if needs:
        listed = ", ".join(needs[:-1]) + text["and"] + needs[-1] if len(needs) > 1 else needs[0]
        rule += text["rule_with"].format(needs=listed)
    return rule + "."


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str  # the input's type
    autocomplete: str
    value: str = ""
    error: str = ""
    hint: str = ""


def _field(field: Field, focus: bool) -> str:
    if field.error == field.hint:  # the rule, now as the error: said once
        field = Field(field.name, field.label, field.kind, field.autocomplete, field.value, field.error)
    described = " ".join(
        part
        for part, present in ((f"{field.name}-hint", field.hint), (f"{field.name}-error", field.error))
        if present
    )
    attributes = [
        f'id="{field.name}"',
        f'name="{field.name}"',
        f'type="{field.kind}"',
        f'autocomplete="{field.autocomplete}"',
        "required",
    ]
    if field.kind == "email":
        attributes += ['inputmode="email"', 'autocapitalize="none"', 'spellcheck="false"']
    if field.value:
        attributes.append(f'value="{escape(field.value)}"')
    if field.error:
        attributes.append('aria-invalid="true"')
    if described:
        attributes.append(f'aria-describedby="{described}"')
    if focus:
        attributes.append("autofocus")
    parts = [
        '<div class="field">',
        f'<label for="{field.name}">{escape(field.label)}</label>',
        f"<input {' '.join(attributes)}>",
    ]
    if field.hint:
        parts.append(f'<p class="hint" id="{field.name}-hint">{escape(field.hint)}</p>')
    if field.error:
        parts.append(f'<p class="error" id="{field.name}-error">{escape(field.error)}</p>')
    parts.append("</div>")
    return "\n".join(parts)


def form_page(
    lang: str,
    heading: str,
    intro: str,
    action: str,
    hidden: Mapping[str, str],
    fields: Sequence[Field],
    submit: str,
    languages: Mapping[str, str] | None = None,
) -> str:
    """A form of ``fields`` that posts to ``action``; the first field with an error (else the first
    field) has the focus. ``languages``: links to this page in each language."""
    focused = next((f for f in fields if f.error), fields[0] if fields else None)
    inputs = "\n".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in hidden.items()
    )
    body = [
        f"<h1>{escape(heading)}</h1>",
        f'<p class="note">{escape(intro)}</p>',
        f'<form method="post" action="{escape(action)}" novalidate>',
        inputs,
        *(_field(f, f is focused) for f in fields),
        f'<button type="submit">{escape(submit)}</button>',
        "</form>",
    ]
    if languages:
        links = "".join(
            f'<li><a href="{escape(href)}" lang="{code}" hreflang="{code}"'
            + (' aria-current="page"' if code == lang else "")
            + f">{escape(LANGUAGE_NAMES[code])}</a></li>"
            for code, href in languages.items()
        )
        body.append(f'<nav aria-label="{escape(TEXT[lang]["language"])}"><ul>{links}</ul></nav>')
    return document(lang, heading, "\n".join(body))


def message_page(lang: str, heading: str, message: str, detail: str = "") -> str:
    body = f"<h1>{escape(heading)}</h1>\n<p>{escape(message)}</p>"
    if detail:
        body += f"\n<p><code>{escape(detail)}</code></p>"
    return document(lang, heading, body)


def document(lang: str, title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · Regulars</title>
<style>{STYLE}</style>
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"""
