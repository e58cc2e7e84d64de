"""What text from outside may contain."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from regulars.core import text

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@given(
    st.text(max_size=20),
    st.sampled_from([*BIDI, "\x00", "\x1b", "\x7f", "\u200b", "\ufeff"]),
    st.text(max_size=20),
)
def test_control_and_direction_characters_never_pass(before, bad, after):
    with pytest.raises(ValueError):
        text.plain(before + bad + after)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn")), max_size=50))
def test_ordinary_text_passes_unchanged(value):
    assert text.plain(value) == value


def test_emoji_joined_by_zero_width_joiners_pass():
    assert text.plain("Thank you 👩\u200d👩\u200d👧 and see you\nsoon").startswith("Thank")


@pytest.mark.parametrize(("raw", "name"), [("  Anna   Maria ", "Anna Maria"), ("O’Neil", "O’Neil")])
def test_a_name_is_kept_as_typed_with_its_spaces_collapsed(raw, name):
    assert text.person_name(raw) == name


@pytest.mark.parametrize("raw", ["go to shop.example", "A" * 81, "   ", "-- .", "Ann 2", "Ann@home"])
def test_what_is_not_a_name(raw):
    with pytest.raises(ValueError):
        text.person_name(raw)
