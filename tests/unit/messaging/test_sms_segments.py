"""SMS encoding and billed parts: known counts and the invariants of splitting."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from regulars.messaging.rules.sms_parts import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    fold_to_gsm,
    sms_encoding,
    sms_fits,
    sms_info,
    sms_parts,
    sms_segments,
    sms_text,
    sms_units,
)

BASIC = "".join(sorted(GSM7_BASIC))
EXTENSION = "".join(sorted(GSM7_EXTENSION))


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Hello, Anna! See you @ 10:00 (£25).", "GSM-7"),
        ("Привет", "UCS-2"),
        ("Ç and é are GSM", "GSM-7"),
        ("ç is not", "UCS-2"),
        ("sáb", "UCS-2"),
        ("mañana, señor, ¿qué tal? ¡Sí!", "UCS-2"),
        ("mañana ¿que tal? ¡Si!", "GSM-7"),
        ("€ [ ] { } \\ ^ ~ | \f", "GSM-7"),
        ("see you 😀", "UCS-2"),
        ("no\u00a0break", "UCS-2"),
        ("", "GSM-7"),
    ],
)
def test_encoding(text, encoding):
    assert sms_encoding(text) == encoding


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("ж" * 70, 1),
        ("ж" * 71, 2),
        ("ж" * 134, 2),
        ("ж" * 135, 3),
        ("a" * 69 + "ж", 1),
        ("a" * 159 + "ж", 3),  # one Cyrillic letter makes the whole text UCS-2
        ("€" * 80, 1),
        ("€" * 81, 2),
        ("a" * 159 + "€", 2),
        ("a" * 158 + "€", 1),
        ("😀" * 35, 1),
        ("😀" * 36, 2),
        ("", 0),
    ],
)
def test_known_segment_counts(text, segments):
    assert sms_segments(text) == segments


def test_extension_characters_take_two_septets():
    assert sms_units("€") == 2
    assert sms_units("a€[]") == 7
    assert sms_units("\f") == 2


def test_characters_outside_the_bmp_take_two_utf16_units():
    assert sms_units("😀") == 2
    assert sms_units("ж😀") == 3


def test_an_escape_sequence_is_never_split_across_parts():
    text = "a" * 152 + "€" + "a" * 10
    parts = sms_parts(text)
    assert parts == ["a" * 152, "€" + "a" * 10]


def test_a_surrogate_pair_is_never_split_across_parts():
    text = "ж" * 66 + "😀" + "ж" * 10
    assert sms_parts(text) == ["ж" * 66, "😀" + "ж" * 10]


def test_sns_publish_limit_is_1600_utf8_bytes():
    assert sms_fits("a" * 1600)
    assert not sms_fits("a" * 1601)
    assert sms_fits("ж" * 800)
    assert not sms_fits("ж" * 801)
    assert not sms_fits("")


def test_info_sums_it_up():
    info = sms_info("Привет, Анна!")
    assert (info.encoding, info.units, info.segments, info.utf8_bytes, info.fits) == (
        "UCS-2",
        13,
        1,
        23,
        True,
    )


def test_folding_to_gsm_keeps_latin_text_in_gsm7_and_leaves_cyrillic_alone():
    assert (
        fold_to_gsm("sáb, 24 nov, 10:00\u00a0a.\u202fm. — “hasta mañana”")
        == 'sab, 24 nov, 10:00 a. m. - "hasta mañana"'
    )
    assert sms_encoding(fold_to_gsm("Bogotá, João, François, Ørsted")) == "GSM-7"
    assert fold_to_gsm("Привет, Анна") == "Привет, Анна"


texts = st.text(alphabet=st.sampled_from(BASIC + EXTENSION + "жЯé😀ç"), max_size=500)
gsm_texts = st.text(alphabet=st.sampled_from(BASIC + EXTENSION), max_size=700)


@settings(max_examples=300)
@given(text=texts, suffix=texts)
def test_segments_never_decrease_as_text_grows(text, suffix):
    assert sms_segments(text) <= sms_segments(text + suffix)


@settings(max_examples=200)
@given(n=st.integers(min_value=161, max_value=2000), char=st.sampled_from(BASIC))
def test_a_basic_gsm_text_over_160_septets_takes_ceil_n_over_153_parts(n, char):
    assert sms_segments(char * n) == math.ceil(n / 153)


@settings(max_examples=300)
@given(text=gsm_texts)
def test_gsm_parts_are_bounded_by_the_septet_count(text):
    n = sms_units(text)
    if n <= 160:
        assert sms_segments(text) == (1 if text else 0)
    else:
        # at most one septet per part is lost to an escape sequence that starts the next part
        assert math.ceil(n / 153) <= sms_segments(text) <= math.ceil(n / 152)


@settings(max_examples=300)
@given(text=texts)
def test_parts_rebuild_the_text_and_respect_the_part_size(text):
    parts = sms_parts(text)
    assert "".join(parts) == text
    limit = 153 if sms_encoding(text) == "GSM-7" else 67
    if len(parts) > 1:
        for part in parts:
            assert part
            assert (
                sum(2 if (c in GSM7_EXTENSION if limit == 153 else ord(c) > 0xFFFF) else 1 for c in part)
                <= limit
            )


@given(text=gsm_texts, char=st.sampled_from("жЯ😀çáí\u00a0"), at=st.integers(min_value=0))
def test_one_ucs2_only_character_switches_the_encoding(text, char, at):
    assert sms_encoding(text) == "GSM-7"
    position = at % (len(text) + 1)
    assert sms_encoding(text[:position] + char + text[position:]) == "UCS-2"


@given(text=st.text(max_size=300))
def test_folding_is_idempotent_and_keeps_gsm7_text_as_it_is(text):
    once = fold_to_gsm(text)
    assert fold_to_gsm(once) == once
    if sms_encoding(text) == "GSM-7":
        assert once == text


LATIN_TYPOGRAPHY = "aáàâäãåæçéèêëíìîïñóòôöõøúùûüýÿAÁÀÂÄÃÅÆÇÉÈÊËÍÌÎÏÑÓÒÔÖÕØÚÙÛÜÝ ,.-\u00a0\u202f«»“”‘’–—…"


@given(text=st.text(alphabet=st.sampled_from(LATIN_TYPOGRAPHY), max_size=300))
def test_folding_makes_accented_latin_text_gsm7(text):
    assert sms_encoding(fold_to_gsm(text)) == "GSM-7"


@pytest.mark.parametrize(
    ("text", "sent"),
    [
        ("sáb", "sab"),
        ("Mañana a las 10, ¿sí?", "Mañana a las 10, ¿si?"),
        ("you\u2019re booked \u2013 Zoë", "you're booked - Zoe"),
        ("no\u00a0break\u2026", "no break..."),
        ("María, привет", "María, привет"),  # UCS-2 anyway: every character kept
        ("see you 😀 café", "see you 😀 café"),
        ("Anna, €35", "Anna, €35"),
        ("\u2026" * 60, "\u2026" * 60),  # 180 septets in two parts: one part of UCS-2 is cheaper
    ],
)
def test_a_text_goes_by_sms_folded_only_when_that_makes_it_gsm7(text, sent):
    assert sms_text(text) == sent
    assert sent == text or sms_encoding(sent) == "GSM-7"


@given(st.text(max_size=200))
def test_what_goes_by_sms_never_takes_more_parts(text):
    sent = sms_text(text)
    assert sms_segments(sent) <= sms_segments(text)
    assert sent == text or sms_encoding(sent) == "GSM-7"
