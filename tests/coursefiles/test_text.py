import pytest

from coursefiles.text import bad_character, bad_character_position


@pytest.mark.parametrize("text", ["", "plain", "emoji \U0001F600", "\ufffd", "tab\tand\nnewline", "\\u0000 written out"])
def test_ordinary_text_has_no_bad_character(text):
    assert bad_character(text) is None and bad_character_position(text) is None


def test_nul_and_lone_surrogates_are_named():
    assert "NUL character" in bad_character("a\x00b")
    assert "U+D800" in bad_character("x\ud800")
    assert "U+DC00" in bad_character("\udc00")
    assert bad_character_position("ab\x00") == 2
