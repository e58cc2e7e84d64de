"""In-bound replies: what a client's short text message asks for.

The rule, in order:

1. The text is normalised: Unicode-compatibility folded, accents dropped (``SÍ`` = ``SI``,
   ``ARRÊT`` = ``ARRET``, ``Ё`` = ``Е``), case folded, punctuation, symbols and emoji turned into
   spaces, whitespace collapsed and trimmed. In a word that mixes Cyrillic and Latin letters the
   Latin look-alikes are read as Cyrillic (``CТОП`` typed with a Latin ``C`` is ``СТОП``).
2. **Opt-out wins.** It is an opt-out (``stop``) when the text is or begins with an opt-out
   keyword (``STOP``, ``Stop please``, ``Стоп, не пишите``, ``Remove me``), after any leading
   "please" (``Please stop``, ``Пожалуйста, отпишите``). That is the carriers' rule ("a message
   that begins with a keyword"), so our records agree with the provider's opt-out list; it is
   the only intent read from part of a message, because opting out must work by any reasonable
   means and a missed opt-out is the costly mistake.
3. Opt-in (``start``), confirmation (``confirm``) and cancellation of the visit (``cancel``)
   count only when the keyword is the whole text: ``Yes`` confirms, ``Yes but can we move it?``
   is a free-text reply for a person (``None``).
4. Every word that means "cancel" (``CANCEL``, ``CANCELAR``, ``ОТМЕНА``...) is an opt-out,
   never a visit cancellation: SNS itself opts a number out on ``CANCEL``, and our records must
   agree with the provider's. A visit is cancelled by reply only with the explicit negative
   words that the confirmation hint asks for: ``NO``/``N``/``2``, ``НЕТ``/``Н``, ``NO`` in
   Spanish; confirmed with ``YES``/``Y``/``1``/``OK``, ``ДА``/``Д``, ``SÍ``/``SI``.

Every language's words are recognised whatever the locale (a Spanish speaker at a Russian salon
may answer ``SÍ``); ``locale_hint`` only orders the look-up, so that a word with different
meanings in two languages takes the meaning of the hinted one. The tables below have no such
word today (a test keeps them consistent).
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from functools import lru_cache


class Reply(StrEnum):
    STOP = "stop"
    START = "start"
    CONFIRM = "confirm"
    CANCEL = "cancel"


# The opt-out keywords SNS and AWS End User Messaging act on by themselves.
PROVIDER_OPT_OUT = (
    "ARRET",
    "CANCEL",
    "END",
    "OPT-OUT",
    "OPTOUT",
    "QUIT",
    "REMOVE",
    "STOP",
    "TD",
    "UNSUBSCRIBE",
)
PROVIDER_OPT_IN = ("START", "UNSTOP")

KEYWORDS: dict[str, dict[Reply, tuple[str, ...]]] = {
    "en": {
        Reply.STOP: (*PROVIDER_OPT_OUT, "STOPALL", "OPT OUT", "REVOKE"),
        Reply.START: (*PROVIDER_OPT_IN, "SUBSCRIBE", "RESUBSCRIBE"),
        Reply.CONFIRM: ("YES", "Y", "1", "OK", "OKAY", "CONFIRM", "CONFIRMED"),
        Reply.CANCEL: ("NO", "N", "2"),
    },
    "ru": {
        Reply.STOP: (
            "СТОП",
            "ОТПИСАТЬСЯ",
            "ОТПИСКА",
            "ОТПИШИТЕ",
            "ОТМЕНА",
            "ОТМЕНИТЬ",
            "ОТМЕНИТЕ",
            "ХВАТИТ",
            "НЕ ПИШИТЕ",
            "БОЛЬШЕ НЕ ПИШИТЕ",
        ),
        Reply.START: ("СТАРТ", "ПОДПИСАТЬСЯ", "ВОЗОБНОВИТЬ"),
        Reply.CONFIRM: ("ДА", "Д", "ОК", "ПОДТВЕРЖДАЮ", "ПОДТВЕРДИТЬ", "DA"),
        Reply.CANCEL: ("НЕТ", "Н", "NET"),
    },
    "es": {
        Reply.STOP: ("BAJA", "DARME DE BAJA", "ALTO", "PARAR", "DETENER", "CANCELAR"),
        Reply.START: ("ALTA", "INICIAR", "SUSCRIBIR"),
        Reply.CONFIRM: ("SÍ", "SI", "S", "CONFIRMAR", "CONFIRMO", "VALE"),
        Reply.CANCEL: ("NO",),
    },
}

# Leading words skipped before looking for an opt-out keyword.
POLITE_WORDS = ("PLEASE", "PLS", "PLZ", "ПОЖАЛУЙСТА", "ПЛИЗ", "POR FAVOR", "PORFA")

# The words the confirmation hint asks for, per language: (confirm, cancel the visit).
REPLY_WORDS: dict[str, tuple[str, str]] = {"en": ("YES", "NO"), "ru": ("ДА", "НЕТ"), "es": ("SI", "NO")}

_LATIN_TO_CYRILLIC = str.maketrans("aceopxykmthb", "асеорхукмтнв")


def normalize(text: str) -> str:
    """The comparable form of a reply or keyword (see the module's notes, step 1)."""
    folded = unicodedata.normalize("NFKD", text)
    kept = []
    for char in folded:
        category = unicodedata.category(char)
        if category == "Mn":
            continue
        kept.append(char if category[0] in "LN" else " ")
    words = "".join(kept).casefold().split()
    return " ".join(_fold_homoglyphs(w) for w in words)


def _fold_homoglyphs(word: str) -> str:
    if any("а" <= c <= "я" or c == "ё" for c in word) and any("a" <= c <= "z" for c in word):
        return word.translate(_LATIN_TO_CYRILLIC)
    return word


@lru_cache(maxsize=8)
def _table(order: tuple[str, ...]) -> list[tuple[Reply, frozenset[str]]]:
    return [
        (reply, frozenset(normalize(w) for w in KEYWORDS[lang][reply])) for lang in order for reply in Reply
    ]


def _language(locale: str | None) -> str | None:
    if not locale:
        return None
    return locale.replace("-", "_").split("_")[0].lower()


def classify(text: str, locale_hint: str | None = None) -> Reply | None:
    """What the reply asks for, or ``None`` for anything else (a message for a person)."""
    words = normalize(text).split()
    if not words:
        return None
    hint = _language(locale_hint)
    order = tuple(sorted(KEYWORDS, key=lambda lang: lang != hint))
    table = _table(order)
    if _begins_with_opt_out(words, table):
        return Reply.STOP
    whole = " ".join(words)
    for reply, keywords in table:
        if whole in keywords:
            return reply
    return None


def _begins_with_opt_out(words: list[str], table: list[tuple[Reply, frozenset[str]]]) -> bool:
    polite = frozenset(normalize(w) for w in POLITE_WORDS)
    stop_words = frozenset().union(*(keywords for reply, keywords in table if reply is Reply.STOP))
    longest = max(len(k.split()) for k in stop_words)
    start = 0
    while start < len(words):
        if words[start] in polite:
            start += 1
        elif " ".join(words[start : start + 2]) in polite:
            start += 2
        else:
            break
    rest = words[start:]
    return any(" ".join(rest[:n]) in stop_words for n in range(1, min(longest, len(rest)) + 1))
