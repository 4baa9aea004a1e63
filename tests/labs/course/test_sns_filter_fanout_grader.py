import json

import pytest

from tests.labs.course.conftest import checkpoint, lab_inputs, source

SLUG = "sns-filter-fanout"


def _messages(seed):
    return lab_inputs(SLUG, seed)["messages"]


def test_the_solution_scores_full_marks(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"))
    assert verdict["status"] == "passed", verdict["checkpoints"]


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and 0 < verdict["score"] < 1.0


@pytest.mark.parametrize("seed", [0, 1])
def test_greater_than_instead_of_at_least_misses_the_boundary(grade_lab_code, seed):
    code = source(SLUG, "solution.py").replace('[">=", 100]', '[">", 100]')
    verdict = grade_lab_code(SLUG, code, seed)
    [boundary] = [m for m in _messages(seed) if m["attributes"].get("amount") == 100]
    assert boundary["label"].startswith("created, amount 100 exactly, ")
    payments = checkpoint(verdict, "payments-messages")
    assert not payments["passed"] and payments["feedback"].endswith(f"missing: {boundary['label']}.")
    assert checkpoint(verdict, "shipping-messages")["passed"]


def test_a_policy_open_to_everyone_is_refused(grade_lab_code):
    code = source(SLUG, "solution.py").replace(
        '"Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},', ""
    ).replace('"Principal": {"Service": "sns.amazonaws.com"}', '"Principal": "*"')
    verdict = grade_lab_code(SLUG, code)
    policies = checkpoint(verdict, "queue-policies")
    assert not policies["passed"] and "without an aws:SourceArn condition" in policies["feedback"]


@pytest.mark.parametrize("seed", [0, 1])
def test_a_region_filter_on_exact_values_misses_other_eu_regions(grade_lab_code, seed):
    to_shipping = [m for m in _messages(seed) if "shipping" in m["to"]]
    exact = to_shipping[0]["attributes"]["region"]
    others = [m["label"] for m in to_shipping[1:]]
    assert len(others) == 2 and all(m["attributes"]["region"] != exact for m in to_shipping[1:])
    code = source(SLUG, "solution.py").replace('[{"prefix": "eu-"}]', f'["{exact}"]')
    verdict = grade_lab_code(SLUG, code, seed)
    shipping = checkpoint(verdict, "shipping-messages")
    assert shipping["feedback"].endswith("missing: " + "; ".join(others) + ".")


def test_audit_without_raw_delivery_is_named(grade_lab_code):
    code = source(SLUG, "solution.py").replace('"audit": {"RawMessageDelivery": "true"}', '"audit": {}')
    verdict = grade_lab_code(SLUG, code)
    assert checkpoint(verdict, "audit-messages")["passed"]
    count = len(_messages(0))
    assert f"{count} arrived wrapped in SNS's JSON envelope" in checkpoint(verdict, "audit-raw")["feedback"]


def test_policy_checker_accepts_a_list_of_actions_and_arn_like():
    from tests.labs.course.conftest import LABS_DIR

    namespace = {}
    exec((LABS_DIR / SLUG / "grader.py").read_text(), namespace)
    policy = {"Statement": {"Effect": "Allow", "Principal": "*", "Action": ["sqs:SendMessage", "sqs:GetQueueUrl"],
                            "Resource": "arn:q", "Condition": {"ArnLike": {"aws:SourceArn": "arn:t"}}}}
    assert namespace["policy_problem"](json.dumps(policy), "arn:q", "arn:t") is None
    assert "should be arn:other-topic; it is arn:t" in namespace["policy_problem"](json.dumps(policy), "arn:q", "arn:other-topic")
