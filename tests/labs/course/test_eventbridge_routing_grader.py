import pytest

from tests.labs.course.conftest import checkpoint, lab_inputs, source

SLUG = "eventbridge-routing"


def _event(seed, **wanted):
    """The one hidden event of variant `seed` whose fields have these values."""
    [event] = [e for e in lab_inputs(SLUG, seed)["events"] if all(e.get(k) == v for k, v in wanted.items())]
    return event


def test_the_solution_scores_full_marks(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"))
    assert verdict["status"] == "passed", verdict["checkpoints"]


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and verdict["score"] < 1.0


@pytest.mark.parametrize("seed", [0, 1])
def test_rules_on_the_default_bus_are_named(grade_lab_code, seed):
    code = source(SLUG, "solution.py").replace("EventBusName=BUS, ", "")
    verdict = grade_lab_code(SLUG, code, seed)
    rules = checkpoint(verdict, "rules")
    assert not rules["passed"] and "Rule high-value-orders is on the default bus; it must be on orders-bus" in rules["feedback"]
    on_default = _event(seed, bus="default")
    assert on_default["label"].endswith(", on the default bus")
    assert f"should not have arrived: {on_default['label']}" in checkpoint(verdict, "high-value-routing")["feedback"]


@pytest.mark.parametrize("seed", [0, 1])
def test_at_least_instead_of_greater_than_lets_the_boundary_through(grade_lab_code, seed):
    code = source(SLUG, "solution.py").replace('[">", 1000]', '[">=", 1000]')
    verdict = grade_lab_code(SLUG, code, seed)
    routing = checkpoint(verdict, "high-value-routing")
    boundary = _event(seed, total=1000)
    assert boundary["label"].startswith("total 1000 exactly, ") and boundary["tier"] in ("premium", "enterprise")
    assert routing["feedback"].endswith(f"should not have arrived: {boundary['label']}.")


def test_an_extra_field_in_the_template_fails_the_shape(grade_lab_code):
    code = source(SLUG, "solution.py").replace(
        """'{"orderId": <orderId>, "region": <region>}'""", """'{"orderId": <orderId>, "region": <region>, "source": "shop"}'"""
    )
    verdict = grade_lab_code(SLUG, code)
    shape = checkpoint(verdict, "transformed-shape")
    assert not shape["passed"] and '"source": "shop"' in shape["feedback"]
    assert checkpoint(verdict, "eu-routing")["passed"]


def test_no_transformer_delivers_whole_events_to_eu_orders(grade_lab_code):
    code = source(SLUG, "solution.py").replace('"InputTransformer": {', '"_unused": {')
    code = code.replace('"_unused": {\n                    "InputPathsMap": {"orderId": "$.detail.orderId", "region": "$.detail.region"},\n                    "InputTemplate": \'{"orderId": <orderId>, "region": <region>}\',\n                },\n', "")
    verdict = grade_lab_code(SLUG, code)
    assert "Rule eu-orders's target has no InputTransformer" in checkpoint(verdict, "rules")["feedback"]
    assert not checkpoint(verdict, "transformed-shape")["passed"]
