import pytest

from accounts.usernames import username_problem


@pytest.mark.parametrize("name", ["alice", "Алиса", "Αλίκη", "alice_42", "bob.smith+tag@x", "渡辺", "zoë", "ǅemal"])
def test_names_in_one_script_are_fine(name):
    assert username_problem(name) is None


@pytest.mark.parametrize("name", ["\u0430lice", "p\u0430ypal", "\u03bfscar", "admin\u0456", "al\u0456ce_1"])
def test_latin_mixed_with_cyrillic_or_greek_look_alikes_is_refused(name):
    assert "one alphabet" in username_problem(name)
