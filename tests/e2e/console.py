"""Driving the salon console in Chromium: a page signed in as a role, in a language, at a screen size;
the checks every screen passes (axe-core, no untranslated words, no raw ids); screenshots to look at.

A test signs in by handing the console the session oidc-client-ts would have stored after the local
sign-in (a real ID token of the local issuer); one test goes through the sign-in pages themselves."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots" / "console"  # looked at by a person, not asserted
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CATALOGS = ROOT / "console" / "src"
CLIENT_ID = "regulars-local-client"
DESKTOP = (1366, 900)
PHONE = (390, 844)


def authority(base_url: str) -> str:
    return f"{base_url}/local/oidc"


def open_console(
    browser: Any,
    rt: Any,
    *,
    lang: str = "en",
    size: tuple[int, int] = DESKTOP,
    role: str = "owner",
    path: str = "/calendar",
    token: str | None = None,
) -> Any:
    """A page of the console at ``path``, signed in to the demo salon as ``role``, in ``lang``."""
    token = token or rt.token("demo", role=role)
    user = {
        "id_token": token,
        "access_token": token,
        "token_type": "Bearer",
        "scope": "openid email",
        "profile": {"sub": "console-test"},
        "expires_at": int(time.time()) + 3600,
    }
    key = f"oidc.user:{authority(rt.base_url)}:{CLIENT_ID}"
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]},
        locale={"en": "en-GB", "ru": "ru-RU", "es": "es-ES"}[lang],
        timezone_id="America/New_York",  # not the salon's: every time shown must still be the salon's
        accept_downloads=True,
    )
    context.add_init_script(
        f"sessionStorage.setItem({json.dumps(key)}, {json.dumps(json.dumps(user))});"
        f"localStorage.setItem('regulars.language', {json.dumps(lang)});"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors  # type: ignore[attr-defined]
    page.goto(rt.base_url + path)
    page.wait_for_selector("header.top")
    return page


def close(page: Any) -> None:
    errors = page.console_errors
    page.context.close()
    assert errors == [], errors


def shoot(page: Any, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=full_page)


def axe_violations(page: Any, include: str | None = None) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now (open dialogs included)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async (include) => {
            const r = await axe.run(include ? document.querySelector(include) : document,
                {resultTypes: ['violations'], runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
            return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
                .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""",
        include,
    )
    return list(found)


def english_messages() -> dict[str, str]:
    """Every English message of the console, from its catalogs."""
    out: dict[str, str] = {}
    for file in CATALOGS.rglob("en.json"):
        out.update(json.loads(file.read_text(encoding="utf-8")))
    return out


def _literal_runs(message: str) -> Iterable[str]:
    """The words of a message outside its placeholders and plural branches' syntax."""
    text = re.sub(r"\{[^{}]*\{", "{", message)  # the opening of a plural/select
    for run in re.split(r"[{}#]|\b(?:plural|select|one|other|few|many|=0|=1)\b", text):
        run = run.strip(" ,.:;·–—()“”\"'")
        if len(run) >= 8 and re.search(r"[a-z]{3}", run) and " " in run:
            yield run


def untranslated(page: Any, lang: str) -> list[str]:
    """English phrases of the console's own messages found on a ru or es screen."""
    if lang == "en":
        return []
    own = {json.dumps(m) for m in json.loads(json.dumps(_catalog(lang))).values()}
    text = page.evaluate("document.body.innerText")
    found = []
    for key, message in english_messages().items():
        if json.dumps(message) in own:
            continue  # the same in both languages (a brand name)
        found += [f"{key}: {run}" for run in _literal_runs(message) if run in text]
    return found


def _catalog(lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for file in CATALOGS.rglob(f"{lang}.json"):
        out.update(json.loads(file.read_text(encoding="utf-8")))
    return out


RAW_ID = re.compile(
    r"\b(?:01[0-9a-hjkmnp-tv-z]{20,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b"
)


def raw_ids(page: Any) -> list[str]:
    """Identifiers shown to a person (ULIDs, UUIDs): a screen names things, it never shows their ids."""
    return RAW_ID.findall(page.evaluate("document.body.innerText"))


def check_screen(page: Any, lang: str, name: str, include: str | None = None) -> None:
    """What every screen must be: axe-clean, in its language, without ids; then a screenshot."""
    shoot(page, f"{name}-{lang}", full_page=include is None)  # a dialog is on the screen as it is
    violations = axe_violations(page, include)
    assert violations == [], (name, violations)
    words = untranslated(page, lang)
    assert words == [], (name, words)
    ids = raw_ids(page)
    assert ids == [], (name, ids)
