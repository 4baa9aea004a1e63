import json

from labs.models import Submission
from accounts.services.tokens import api_token_create
from tests.labs.conftest import verdict


def _bearer(user):
    _token, secret = api_token_create(user=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def test_posting_code_with_a_token_gives_202_and_the_verdict_url(client, alice, lab, broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/labs/{lab.slug}/submissions/", json.dumps({"code": "x = 1"}), content_type="application/json", headers=_bearer(alice)
        )
    assert response.status_code == 202
    data = response.json()
    submission = Submission.objects.get(id=data["id"])
    assert data["url"] == f"http://testserver/api/submissions/{submission.id}/" == response["Location"]
    assert submission.user == alice and broker.sent == [submission.id]


def test_the_owner_reads_the_verdict(client, alice, lab, make_submission):
    data = verdict(passed=False).to_dict()
    submission = make_submission(user=alice, lab=lab, status="failed", score=0.5, checkpoints=data["checkpoints"], duration_ms=400, output="out")
    body = client.get(f"/api/submissions/{submission.id}/", headers=_bearer(alice)).json()
    assert body["status"] == "failed" and body["score"] == 0.5 and body["finished"] is True
    assert body["checkpoints"][1] == data["checkpoints"][1]
    assert (body["output"], body["duration_ms"], body["lab"]) == ("out", 400, lab.slug)


def test_bob_gets_404_for_alices_submission(client, alice, bob, lab, make_submission):
    submission = make_submission(user=alice, lab=lab)
    response = client.get(f"/api/submissions/{submission.id}/", headers=_bearer(bob))
    assert response.status_code == 404
    assert "checkpoints" not in response.content.decode()


def test_an_unknown_submission_is_the_same_404(client, bob):
    assert client.get("/api/submissions/999999/", headers=_bearer(bob)).status_code == 404


def test_without_credentials_it_is_401(client, lab):
    assert client.get("/api/submissions/1/").status_code == 401
    assert client.post(f"/api/labs/{lab.slug}/submissions/", {"code": "x"}).status_code == 401


def test_a_second_active_submission_is_409_and_a_burst_is_429(client, alice, lab, make_lab, make_submission, settings):
    headers = _bearer(alice)
    make_submission(user=alice, lab=lab, status="queued")
    response = client.post(f"/api/labs/{lab.slug}/submissions/", json.dumps({"code": "x"}), content_type="application/json", headers=headers)
    assert response.status_code == 409 and "still being graded" in response.json()["error"]
    settings.LAB_RATE_LIMIT_PER_MINUTE = 1
    response = client.post(f"/api/labs/{make_lab().slug}/submissions/", json.dumps({"code": "x"}), content_type="application/json", headers=headers)
    assert response.status_code == 429 and response["Retry-After"] == "60"


def test_a_bad_body_is_400_and_an_unknown_lab_404(client, alice, lab):
    headers = _bearer(alice)
    assert client.post(f"/api/labs/{lab.slug}/submissions/", "{not json", content_type="application/json", headers=headers).status_code == 400
    assert client.post(f"/api/labs/{lab.slug}/submissions/", json.dumps({"code": 3}), content_type="application/json", headers=headers).status_code == 400
    assert client.post(f"/api/labs/{lab.slug}/submissions/", json.dumps({"code": " "}), content_type="application/json", headers=headers).status_code == 400
    assert client.post("/api/labs/nope/submissions/", json.dumps({"code": "x"}), content_type="application/json", headers=headers).status_code == 404
