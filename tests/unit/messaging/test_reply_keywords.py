"""In-bound reply keywords: the tables, the normalisation, and the opt-out-first rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from regulars.messaging.rules.keywords import (
    KEYWORDS,
    PROVIDER_OPT_OUT,
    REPLY_WORDS,
    Reply,
    classify,
    normalize,
)
from regulars.messaging.rules.templates import confirm_hint

STOP, START, CONFIRM, CANCEL = Reply.STOP, Reply.START, Reply.CONFIRM, Reply.CANCEL


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # opt-out: the SNS list, local words, any case, accents, punctuation
        ("STOP", STOP),
        ("stop", STOP),
        (" Stop. ", STOP),
        ("ARRET", STOP),
        ("Arrêt", STOP),
        ("CANCEL", STOP),
        ("END", STOP),
        ("OPT-OUT", STOP),
        ("opt out", STOP),
        ("OptOut", STOP),
        ("QUIT", STOP),
        ("REMOVE", STOP),
        ("TD", STOP),
        ("Unsubscribe", STOP),
        ("СТОП", STOP),
        ("стоп!", STOP),
        ("Отписаться", STOP),
        ("ОТПИСКА", STOP),
        ("Отмена", STOP),
        ("BAJA", STOP),
        ("Alto", STOP),
        ("parar", STOP),
        ("Cancelar", STOP),
        # opt-out: the message begins with the keyword, after any "please"
        ("STOP please", STOP),
        ("Please stop", STOP),
        ("Stop sending me these", STOP),
        ("Стоп, не пишите мне", STOP),
        ("Пожалуйста, отпишите меня", STOP),
        ("Не пишите мне больше", STOP),
        ("Por favor, BAJA", STOP),
        ("Cancel my appointment", STOP),
        # a Latin look-alike inside a Cyrillic word
        ("CТОП", STOP),
        ("Дa", CONFIRM),
        # opt back in
        ("START", START),
        ("unstop", START),
        ("Старт", START),
        ("ALTA", START),
        # confirmations
        ("YES", CONFIRM),
        ("y", CONFIRM),
        ("1", CONFIRM),
        ("1.", CONFIRM),
        ("OK", CONFIRM),
        ("Confirm", CONFIRM),
        ("ДА", CONFIRM),
        ("да", CONFIRM),
        ("Да!", CONFIRM),
        ("ок", CONFIRM),
        ("Подтверждаю", CONFIRM),
        ("SÍ", CONFIRM),
        ("Si", CONFIRM),
        ("sí.", CONFIRM),
        ("confirmo", CONFIRM),
        ("DA", CONFIRM),
        # cancellations of the visit
        ("NO", CANCEL),
        ("n", CANCEL),
        ("2", CANCEL),
        ("НЕТ", CANCEL),
        ("нет.", CANCEL),
        ("No!", CANCEL),
        # anything else is for a person
        ("Yes, but can we move it to 11?", None),
        ("No problem, see you", None),
        ("Нет, перенесите", None),
        ("Para mañana está bien", None),
        ("see you at the end", None),
        ("thanks", None),
        ("", None),
        ("  ...  ", None),
        ("👍", None),
        ("12", None),
    ],
)
def test_reply_table(text, expected):
    assert classify(text) == expected


def test_every_keyword_in_every_table_classifies_as_its_intent():
    for lang, table in KEYWORDS.items():
        for reply, words in table.items():
            for word in words:
                assert classify(word) == reply, (lang, word)
                assert classify(word, locale_hint=lang) == reply, (lang, word)


def test_every_provider_opt_out_keyword_is_an_opt_out():
    for word in PROVIDER_OPT_OUT:
        assert classify(word) == STOP


def test_no_word_means_two_things_across_languages():
    meaning: dict[str, Reply] = {}
    for table in KEYWORDS.values():
        for reply, words in table.items():
            for word in words:
                key = normalize(word)
                assert meaning.setdefault(key, reply) == reply, word


def test_no_other_keyword_begins_with_an_opt_out_keyword():
    # otherwise the opt-out-first rule would make it unreachable
    stops = {normalize(w) for t in KEYWORDS.values() for w in t[STOP]}
    for table in KEYWORDS.values():
        for reply, words in table.items():
            if reply is STOP:
                continue
            for word in words:
                first = normalize(word).split()
                assert not any(" ".join(first[:n]) in stops for n in range(1, len(first) + 1)), word


@pytest.mark.parametrize("language", sorted(REPLY_WORDS))
def test_the_confirmation_hint_asks_for_words_that_classify_as_asked(language):
    yes, no = REPLY_WORDS[language]
    assert classify(yes, locale_hint=language) == CONFIRM
    assert classify(no, locale_hint=language) == CANCEL
    hint = confirm_hint(language)
    assert yes in hint and no in hint


def test_locale_hint_accepts_any_tag_form():
    assert classify("да", locale_hint="ru-RU") == CONFIRM
    assert classify("SÍ", locale_hint="es_MX") == CONFIRM
    assert classify("YES", locale_hint=None) == CONFIRM


ALL_WORDS = sorted({w for t in KEYWORDS.values() for ws in t.values() for w in ws})
noise = st.text(alphabet=st.sampled_from(" \t\n.,!?;:()-\"'…"), max_size=4)


@given(
    word=st.sampled_from(ALL_WORDS),
    before=noise,
    after=noise,
    case=st.sampled_from(["upper", "lower", "title"]),
)
def test_case_punctuation_and_whitespace_do_not_matter(word, before, after, case):
    styled = getattr(word, case)()
    assert classify(before + styled + after) == classify(word)


@given(
    word=st.sampled_from(sorted({w for t in KEYWORDS.values() for w in t[STOP]})), rest=st.text(max_size=40)
)
def test_a_message_that_begins_with_an_opt_out_keyword_is_an_opt_out(word, rest):
    assert classify(f"{word} {rest}") == STOP


@given(text=st.text(max_size=60), hint=st.sampled_from([None, "en", "ru", "es", "de"]))
def test_classify_never_fails(text, hint):
    assert classify(text, locale_hint=hint) in (None, *Reply)
