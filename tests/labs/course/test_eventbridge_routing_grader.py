from tests.labs.course.conftest import checkpoint, source

SLUG = "eventbridge-routing"


def test_the_solution_scores_full_marks(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"))
    assert verdict["status"] == "passed", verdict["checkpoints"]


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and verdict["score"] < 1.0


def test_rules_on_the_default_bus_are_named(grade_lab_code):
    code = source(SLUG, "solution.py").replace("EventBusName=BUS, ", "")
    verdict = grade_lab_code(SLUG, code)
    rules = checkpoint(verdict, "rules")
    assert not rules["passed"] and "Rule high-value-orders is on the default bus; it must be on orders-bus" in rules["feedback"]
    assert "should not have arrived: total 3100, premium, eu-west-1, on the default bus" in checkpoint(verdict, "high-value-routing")["feedback"]


def test_at_least_instead_of_greater_than_lets_the_boundary_through(grade_lab_code):
    code = source(SLUG, "solution.py").replace('[">", 1000]', '[">=", 1000]')
    verdict = grade_lab_code(SLUG, code)
    routing = checkpoint(verdict, "high-value-routing")
    assert "should not have arrived: total 1000 exactly, enterprise, eu-west-3" in routing["feedback"]


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
