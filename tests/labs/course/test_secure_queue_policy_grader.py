import pytest

from tests.labs.course.conftest import checkpoint, source

SLUG = "secure-queue-policy"


@pytest.mark.parametrize("seed", [0, 7, 19])
def test_the_solution_scores_full_marks_and_the_rogue_topic_is_turned_away(grade_lab_code, seed):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"), seed)
    assert verdict["status"] == "passed", verdict["checkpoints"]
    assert {e["outcome"] for e in verdict["trace"]} == {"ok"}
    refused = [h for e in verdict["trace"] for h in e["hops"] if h["action"] == "undeliverable"]
    assert refused and all(h["resource"] == "invoice-inbox" and "queue policy does not let topic invoice-events" in h["detail"] for h in refused)


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["score"] < 1.0
    assert checkpoint(verdict, "resources")["passed"]
    assert "has no queue policy, so SNS may not send to it" in checkpoint(verdict, "topic-delivers")["feedback"]


@pytest.mark.parametrize(
    "answer, failed",
    [
        ("wrong/principal_star_no_condition.py", "rogue-blocked"),
        ("wrong/source_account_only.py", "rogue-blocked"),
        ("wrong/wildcard_source_arn.py", "rogue-blocked"),
        ("wrong/string_equals_wildcard.py", "topic-delivers"),
        ("wrong/all_actions_any_principal.py", "least-privilege"),
        ("wrong/sse_turned_off.py", "encryption"),
        ("wrong/aws_managed_key.py", "topic-delivers"),
        ("wrong/policy_as_dict.py", "topic-delivers"),
        ("wrong/no_tls_deny.py", "tls-only"),
        ("wrong/tls_deny_inverted.py", "topic-delivers"),
    ],
)
def test_each_wrong_answer_fails_its_checkpoint(grade_lab_code, answer, failed):
    verdict = grade_lab_code(SLUG, source(SLUG, answer), 3)
    assert not checkpoint(verdict, failed)["passed"]


@pytest.mark.parametrize("answer", ["right/policy_at_create_any_principal.py", "right/separate_calls_string_like.py"])
def test_the_right_answers_pass(grade_lab_code, answer):
    assert grade_lab_code(SLUG, source(SLUG, answer), 11)["status"] == "passed"


def test_a_source_account_condition_names_the_rogue_topic_and_the_fix(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/source_account_only.py"))
    feedback = checkpoint(verdict, "rogue-blocked")["feedback"]
    assert "another topic of your account, got in" in feedback
    assert 'statement "OnlyInvoiceEventsMaySend" allows it' in feedback
    assert "not the account (aws:SourceAccount) or a wildcard" in feedback


def test_sqs_star_names_what_sns_could_also_do(grade_lab_code):
    feedback = checkpoint(grade_lab_code(SLUG, source(SLUG, "wrong/all_actions_any_principal.py")), "least-privilege")["feedback"]
    assert feedback.startswith("The policy should allow exactly one thing")
    assert "SNS, as invoice-events, calling " in feedback


def test_a_literal_wildcard_and_the_managed_key_are_explained(grade_lab_code):
    feedback = checkpoint(grade_lab_code(SLUG, source(SLUG, "wrong/string_equals_wildcard.py")), "topic-delivers")["feedback"]
    assert "StringEquals compares literally" in feedback
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/aws_managed_key.py"))
    assert "SNS cannot use that key" in checkpoint(verdict, "encryption")["feedback"]
    assert "KMS key alias/aws/sqs does not let SNS encrypt" in checkpoint(verdict, "topic-delivers")["feedback"]


def test_a_missing_tls_deny_is_explained(grade_lab_code):
    feedback = checkpoint(grade_lab_code(SLUG, source(SLUG, "wrong/no_tls_deny.py")), "tls-only")["feedback"]
    assert "your own roles need no queue policy to get in" in feedback and "without TLS" in feedback
