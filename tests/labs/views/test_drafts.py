"""labs/views/pages.py's draft and start_over views, and the lab page's
choice of code: the learner's draft comes back on any device."""

import json

from django.test import Client

from labs.models import LabDraft
from labs.services.drafts import draft_save
from labs.services.submissions import MAX_CODE_BYTES


def _editor_text(body: str) -> str:
    return body.split('<textarea id="code"', 1)[1].split(">", 1)[1].split("</textarea>")[0]


def test_it_saves_the_draft_and_answers_204(alice_client, alice, lab):
    response = alice_client.post(f"/labs/{lab.slug}/draft/", {"code": "typed = 1\r\nmore = 2\r\n"})
    assert response.status_code == 204 and response.content == b""
    draft = LabDraft.objects.get()
    assert (draft.user, draft.lab, draft.code) == (alice, lab, "typed = 1\nmore = 2\n")  # newlines as a run stores them


def test_too_much_code_is_a_400_with_a_reason_and_keeps_the_last_draft(alice_client, lab):
    alice_client.post(f"/labs/{lab.slug}/draft/", {"code": "kept = 1"})
    response = alice_client.post(f"/labs/{lab.slug}/draft/", {"code": "#" * (MAX_CODE_BYTES + 1)})
    assert response.status_code == 400
    assert json.loads(response.content) == {"error": "Your code is over 64 KiB; a lab solution fits in far less."}
    assert LabDraft.objects.get().code == "kept = 1"


def test_saving_needs_a_login_a_post_and_the_csrf_token(client, alice, lab):
    response = client.post(f"/labs/{lab.slug}/draft/", {"code": "x = 1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(alice)
    assert client.get(f"/labs/{lab.slug}/draft/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post(f"/labs/{lab.slug}/draft/", {"code": "x = 1"}).status_code == 403
    assert not LabDraft.objects.exists()


def test_an_inactive_or_unknown_lab_takes_no_draft(alice_client, make_lab):
    hidden = make_lab(is_active=False)
    assert alice_client.post(f"/labs/{hidden.slug}/draft/", {"code": "x = 1"}).status_code == 404
    assert alice_client.post("/labs/nope/draft/", {"code": "x = 1"}).status_code == 404
    assert not LabDraft.objects.exists()


def test_bob_saving_the_same_lab_never_touches_alices_draft(client, alice, bob, lab):
    draft_save(user=alice, lab=lab, code="alice = 1")
    client.force_login(bob)
    assert client.post(f"/labs/{lab.slug}/draft/", {"code": "bob = 1"}).status_code == 204
    assert LabDraft.objects.get(user=alice).code == "alice = 1"
    client.force_login(alice)
    assert _editor_text(client.get(f"/labs/{lab.slug}/").content.decode()) == "alice = 1"


def test_the_page_opens_the_draft_saved_after_the_last_run(alice_client, alice, lab, make_submission):
    make_submission(user=alice, lab=lab, status="failed", code="ran = 1")
    alice_client.post(f"/labs/{lab.slug}/draft/", {"code": "typed_since = 1"})
    body = alice_client.get(f"/labs/{lab.slug}/").content.decode()
    assert _editor_text(body) == "typed_since = 1"
    assert "Draft saved just now" in body


def test_a_run_after_the_draft_opens_the_run(alice_client, alice, lab, make_submission):
    alice_client.post(f"/labs/{lab.slug}/draft/", {"code": "typed = 1"})
    LabDraft.objects.update(updated_at=LabDraft.objects.get().updated_at.replace(year=2020))
    make_submission(user=alice, lab=lab, status="failed", code="ran_later = 1")
    body = alice_client.get(f"/labs/{lab.slug}/").content.decode()
    assert _editor_text(body) == "ran_later = 1"
    assert "Draft saved" not in body


def test_a_past_attempt_opens_its_own_code_not_the_draft(alice_client, alice, lab, make_submission):
    first = make_submission(user=alice, lab=lab, status="failed", code="first = 1")
    alice_client.post(f"/labs/{lab.slug}/draft/", {"code": "draft = 1"})
    assert _editor_text(alice_client.get(f"/labs/{lab.slug}/attempts/{first.id}/").content.decode()) == "first = 1"


def test_the_page_tells_the_editor_where_to_save_only_when_logged_in(client, alice, lab):
    body = client.get(f"/labs/{lab.slug}/").content.decode()
    assert "data-draft-url" not in body and 'id="draft-status"' not in body
    client.force_login(alice)
    assert f'data-draft-url="/labs/{lab.slug}/draft/"' in client.get(f"/labs/{lab.slug}/").content.decode()


# --- start_over -----------------------------------------------------------


def test_start_over_asks_first_on_a_page_of_its_own(alice_client, alice, lab, make_submission):
    make_submission(user=alice, lab=lab, status="failed", code="mine = 1")
    page = alice_client.get(f"/labs/{lab.slug}/").content.decode()
    assert f'href="/labs/{lab.slug}/start-over/" data-start-over' in page  # the link asks; it does not reset
    assert '<dialog id="start-over-dialog"' in page  # the same question, for JavaScript to open in place
    confirm = alice_client.get(f"/labs/{lab.slug}/start-over/")
    body = confirm.content.decode()
    assert confirm.status_code == 200 and "Start over from the starter code?" in body
    assert f'action="/labs/{lab.slug}/start-over/"' in body and f'href="/labs/{lab.slug}/#editor">Keep my code' in body
    assert _editor_text(alice_client.get(f"/labs/{lab.slug}/").content.decode()) == "mine = 1"  # asking changed nothing


def test_confirming_start_over_opens_the_starter_here_and_on_other_devices(client, alice, lab, make_submission):
    make_submission(user=alice, lab=lab, status="failed", code="mine = 1")
    client.force_login(alice)
    response = client.post(f"/labs/{lab.slug}/start-over/")
    assert response.status_code == 302 and response["Location"] == f"/labs/{lab.slug}/#editor"
    assert _editor_text(client.get(f"/labs/{lab.slug}/").content.decode()) == "import boto3\n\n\ndef setup():\n    pass\n"
    other_device = Client()
    other_device.force_login(alice)
    assert "def setup():\n    pass" in _editor_text(other_device.get(f"/labs/{lab.slug}/").content.decode())


def test_start_over_needs_a_login(client, lab):
    assert client.post(f"/labs/{lab.slug}/start-over/").status_code == 302
    assert not LabDraft.objects.exists()
