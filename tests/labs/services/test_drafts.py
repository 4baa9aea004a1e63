"""labs/services/drafts.py and labs/selectors/drafts.py: saving the editor's
code as the learner types, and which code the lab page opens with."""

from datetime import timedelta

import pytest

from labs.models import LabDraft, Submission
from labs.selectors.drafts import editor_code_for
from labs.services.drafts import draft_save, draft_start_over
from labs.services.submissions import MAX_CODE_BYTES, InvalidCode


def test_it_creates_then_replaces_the_one_draft_per_learner_and_lab(alice, lab):
    first = draft_save(user=alice, lab=lab, code="x = 1\n")
    second = draft_save(user=alice, lab=lab, code="x = 2\n")
    draft = LabDraft.objects.get()
    assert (draft.user, draft.lab, draft.code) == (alice, lab, "x = 2\n")
    assert draft.updated_at == second and second >= first


def test_an_empty_editor_is_a_draft_too(alice, lab):
    draft_save(user=alice, lab=lab, code="")
    assert LabDraft.objects.get().code == ""


def test_it_refuses_code_over_the_submissions_size_limit(alice, lab):
    draft_save(user=alice, lab=lab, code="kept = 1\n")
    with pytest.raises(InvalidCode, match="over 64 KiB"):
        draft_save(user=alice, lab=lab, code="#" * (MAX_CODE_BYTES + 1))
    assert LabDraft.objects.get().code == "kept = 1\n"  # the last good draft stays
    draft_save(user=alice, lab=lab, code="#" * MAX_CODE_BYTES)  # at the limit is fine
    # The limit is in bytes, as for a submission: 'é' is two.
    with pytest.raises(InvalidCode):
        draft_save(user=alice, lab=lab, code="é" * (MAX_CODE_BYTES // 2 + 1))


def test_each_learner_and_lab_has_its_own_draft(alice, bob, lab, make_lab):
    other = make_lab()
    draft_save(user=alice, lab=lab, code="alice = 1")
    draft_save(user=bob, lab=lab, code="bob = 1")
    draft_save(user=alice, lab=other, code="alice_other = 1")
    assert sorted(LabDraft.objects.values_list("user__username", "lab__slug", "code")) == sorted(
        [("alice", lab.slug, "alice = 1"), ("bob", lab.slug, "bob = 1"), ("alice", other.slug, "alice_other = 1")]
    )


def test_saving_again_is_one_query(alice, lab, django_assert_num_queries):
    """Autosave calls this about once a second per typing learner."""
    draft_save(user=alice, lab=lab, code="x = 1")
    with django_assert_num_queries(1):
        draft_save(user=alice, lab=lab, code="x = 2")


def test_starting_over_puts_the_starter_code_in_the_draft_and_keeps_submissions(alice, lab, make_submission):
    make_submission(user=alice, lab=lab, status="failed", code="mine = 1")
    draft_save(user=alice, lab=lab, code="edited = 1")
    draft_start_over(user=alice, lab=lab)
    assert LabDraft.objects.get().code == lab.starter_code
    assert Submission.objects.get().code == "mine = 1"


# --- editor_code_for ------------------------------------------------------


def test_with_nothing_saved_the_editor_opens_with_the_starter(alice, lab):
    shown = editor_code_for(user=alice, lab=lab, latest=None)
    assert (shown.code, shown.source) == (lab.starter_code, "starter")


def test_a_draft_newer_than_the_last_submission_wins(alice, lab, make_submission):
    latest = make_submission(user=alice, lab=lab, status="failed", code="submitted = 1")
    draft_save(user=alice, lab=lab, code="typed_after = 1")
    shown = editor_code_for(user=alice, lab=lab, latest=latest)
    assert (shown.code, shown.source) == ("typed_after = 1", "draft")
    assert shown.saved_at == LabDraft.objects.get().updated_at


def test_a_submission_newer_than_the_draft_wins(alice, lab, make_submission):
    draft_save(user=alice, lab=lab, code="typed_before = 1")
    LabDraft.objects.update(updated_at=LabDraft.objects.get().updated_at - timedelta(minutes=5))
    latest = make_submission(user=alice, lab=lab, status="failed", code="submitted = 1")
    shown = editor_code_for(user=alice, lab=lab, latest=latest)
    assert (shown.code, shown.source) == ("submitted = 1", "submission")


def test_a_draft_with_no_submission_wins_over_the_starter(alice, lab):
    draft_save(user=alice, lab=lab, code="first_try = 1")
    assert editor_code_for(user=alice, lab=lab, latest=None).code == "first_try = 1"


def test_someone_elses_draft_never_opens(alice, bob, lab):
    draft_save(user=bob, lab=lab, code="bobs = 1")
    assert editor_code_for(user=alice, lab=lab, latest=None).source == "starter"


def test_a_visitor_gets_the_starter_without_a_query(lab, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(0):
        assert editor_code_for(user=AnonymousUser(), lab=lab, latest=None).source == "starter"
