"""Choosing a template and filling it in.

The text comes from the first locale in the chain that has one: the client's locale, then the
salon's, then English; for each, a salon override for the exact tag (``es_MX``), then for its
language (``es``), then the default text for the language. Values must be formatted for the
locale the text was found for (:func:`compose` does both), so that a message never mixes
languages.

Substitution is literal: each ``{name}`` is replaced by its value as given, values are never
themselves read as templates, and nothing but plain names is allowed (see
:mod:`regulars.messaging.rules.templates`). Runs of spaces left by an empty value collapse to one and
the text is trimmed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from string import Formatter
from typing import Any

from regulars.messaging.rules.formatting import message_values
from regulars.messaging.rules.templates import (
    DEFAULT_LOCALE,
    DEFAULT_TEMPLATES,
    MessageKind,
    MissingTemplateValues,
    Overrides,
    TemplateError,
    language_of,
    normalize_locale,
    parse_kind,
    validate_template,
)

_SPACE_RUNS = re.compile(r" {2,}")


@dataclass(frozen=True)
class Rendered:
    kind: MessageKind
    locale: str  # the chain entry whose text was used; values are formatted for it
    text: str


def locale_chain(client_locale: str | None, salon_locale: str | None) -> tuple[str, ...]:
    """``("es_MX", "ru")`` -> ``("es_MX", "ru", "en")``: client, salon, English, without repeats
    or blanks."""
    chain: list[str] = []
    for locale in (client_locale, salon_locale, DEFAULT_LOCALE):
        if locale and locale.strip():
            tag = normalize_locale(locale)
            if tag not in chain:
                chain.append(tag)
    return tuple(chain)


def best_match(available: Iterable[str], wanted: Sequence[str | None]) -> str | None:
    """The one of ``available`` (tags as a salon wrote them) for the first of ``wanted`` that has one:
    for each wanted tag its exact region, then its language (``ru-RU`` finds ``ru_RU``, then ``ru``;
    a text for ``es_MX`` is not given to ``es``). None when none matches."""
    by_tag: dict[str, str] = {}
    for key in available:
        if key and key.strip():
            by_tag.setdefault(normalize_locale(key), key)
    for locale in wanted:
        if not locale or not locale.strip():
            continue
        for tag in (normalize_locale(locale), language_of(locale)):
            if tag in by_tag:
                return by_tag[tag]
    return None


def _lookup(texts: Mapping[str, str], locale: str) -> str | None:
    found = best_match(texts, [locale])
    return texts[found] if found is not None else None


def resolve_template(
    kind: MessageKind | str, locales: str | Sequence[str], overrides: Overrides | None = None
) -> tuple[str, str]:
    """``(locale, text)``: the first locale of the chain with a text for ``kind`` and that text.
    A single locale means ``(locale, "en")``. An override that fails validation raises
    TemplateError rather than being sent."""
    kind = parse_kind(kind)
    given = [locales] if isinstance(locales, str) else list(locales)
    chain = tuple(dict.fromkeys(normalize_locale(x) for x in [*given, DEFAULT_LOCALE] if x and x.strip()))
    salon_texts = (overrides or {}).get(kind.value, {})
    for locale in chain:
        override = _lookup(salon_texts, locale)
        if override is not None:
            validate_template(override, kind)
            return locale, override
        default = DEFAULT_TEMPLATES[kind].get(language_of(locale))
        if default is not None:
            return locale, default
    raise TemplateError.field("kind", f"no template for {kind}")  # unreachable: English always exists


def fill(text: str, values: Mapping[str, str]) -> str:
    """Substitute ``values`` into ``text`` literally; MissingTemplateValues names every
    placeholder without a value."""
    pieces = list(Formatter().parse(text))
    missing = sorted({name for _, name, _, _ in pieces if name is not None and name not in values})
    if missing:
        raise MissingTemplateValues(f"no value for {', '.join('{' + n + '}' for n in missing)}")
    out = []
    for literal, name, _spec, _conversion in pieces:
        out.append(literal)
        if name is not None:
            value = values[name]
            if not isinstance(value, str):
                raise TypeError(f"value for {{{name}}} must be text, not {type(value).__name__}")
            out.append(value)
    return _SPACE_RUNS.sub(" ", "".join(out)).strip()


def render(
    kind: MessageKind | str,
    locale: str | Sequence[str],
    values: Mapping[str, str],
    overrides: Overrides | None = None,
) -> str:
    """The message text of ``kind`` for ``locale`` (a tag or a fallback chain) with ``values``.
    TemplateError for an unknown kind or an invalid override; MissingTemplateValues when the
    chosen text needs a value that is not in ``values``."""
    _locale, text = resolve_template(kind, locale, overrides)
    return fill(text, values)


def compose(
    kind: MessageKind | str,
    *,
    client_locale: str | None,
    salon_locale: str | None,
    overrides: Overrides | None = None,
    **facts: Any,
) -> Rendered:
    """Pick the text along the chain client -> salon -> English, format the values for the locale
    it was found for, and render: ``facts`` are :func:`message_values`'s arguments (timezone,
    client_name, start, price_amount, currency, ...)."""
    kind = parse_kind(kind)
    locale, text = resolve_template(kind, locale_chain(client_locale, salon_locale), overrides)
    values = message_values(locale=locale, **facts)
    return Rendered(kind=kind, locale=locale, text=fill(text, values))
