"""grader.variants: the hidden inputs of one seed."""

import pytest

from grader.variants import VariantError, variant_inputs

DRAWN = "import random\n\n\ndef variants(seed):\n    rng = random.Random(seed)\n    return {'order': f'ord-{rng.randint(1000, 9999)}', 'seed': seed}\n"


def test_each_seed_has_its_inputs_and_the_same_seed_the_same_ones():
    files = {"variants.py": DRAWN}
    assert variant_inputs(files, 3) == variant_inputs(files, 3)
    assert variant_inputs(files, 3)["seed"] == 3 and variant_inputs(files, 4)["seed"] == 4


def test_a_lab_without_variants_has_no_inputs():
    assert variant_inputs({"grader.py": "def grade(run): pass"}, 0) == {}


def test_inputs_travel_as_json_data():
    files = {"variants.py": "def variants(seed):\n    return {'pair': (1, 2), 7: 'seven'}\n"}
    assert variant_inputs(files, 0) == {"pair": [1, 2], "7": "seven"}


@pytest.mark.parametrize(
    "source, message",
    [
        ("def variant(seed):\n    return {}\n", "defines no variants"),
        ("def variants(seed):\n    return [1]\n", "returned list, not a dict"),
        ("def variants(seed):\n    return {'when': object()}\n", "not JSON data"),
    ],
)
def test_broken_variants_are_refused_with_a_reason(source, message):
    with pytest.raises(VariantError, match=message):
        variant_inputs({"variants.py": source}, 0)


@pytest.mark.parametrize("seed", [-1, 2**31, True, "3", 1.0])
def test_a_seed_is_a_whole_number_in_range(seed):
    with pytest.raises(VariantError, match="whole number"):
        variant_inputs({"variants.py": DRAWN}, seed)
