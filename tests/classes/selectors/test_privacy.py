"""Issue item 6: a student sees only their own work; an instructor sees only
their own classes' students, and of their lab work only labs their class
assigns; everyone else gets 404. ivy teaches sam and tess, olga teaches uma
and tess; vic is in no class."""

import pytest
from django.urls import reverse

from classes.selectors.classes import instructor_can_view_submission
from classes.services.classes import assignment_create, student_remove
from tests.classes.conftest import due_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(messaging, streams, lab, make_lab, submit, sam, tess, uma):
    stream_lab = make_lab(slug="kinesis-shards", title="Kinesis shards")
    unassigned = make_lab(slug="free-practice", title="Free practice")
    assignment_create(classroom=messaging, kind="lab", slug=lab.slug, due_at=due_in(3))
    assignment_create(classroom=streams, kind="lab", slug=stream_lab.slug, due_at=due_in(3))
    return {
        "sam_lab": submit(user=sam, lab=lab, score=0.5, code="# sam secret attempt"),
        "sam_free": submit(user=sam, lab=unassigned, score=1.0, code="# sam practising alone"),
        "tess_lab": submit(user=tess, lab=lab, score=1.0, code="# tess for messaging"),
        "tess_stream": submit(user=tess, lab=stream_lab, score=1.0, code="# tess for streams"),
        "uma_stream": submit(user=uma, lab=stream_lab, score=0.5, code="# uma for streams"),
    }


def instructor_pages(classroom, student, slug):
    return [
        reverse("classes:gradebook", args=[classroom.id]),
        reverse("classes:gradebook-csv", args=[classroom.id]),
        reverse("classes:lab", args=[classroom.id, slug]),
        reverse("classes:student", args=[classroom.id, student.id]),
    ]


def test_the_instructor_reads_every_instructor_page_of_their_class(client, ivy, messaging, sam, lab, world):
    client.force_login(ivy)
    for url in instructor_pages(messaging, sam, lab.slug):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["olga", "sam", "tess", "vic"])
def test_everyone_else_gets_404_on_a_classes_instructor_pages(client, request, messaging, sam, lab, world, who):
    client.force_login(request.getfixturevalue(who))
    for url in instructor_pages(messaging, sam, lab.slug):
        assert client.get(url).status_code == 404, (who, url)


@pytest.mark.parametrize("who", ["olga", "uma", "vic"])
def test_non_members_get_404_on_the_class_page(client, request, messaging, world, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("classes:detail", args=[messaging.id])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, messaging, sam, lab, world):
    for url in instructor_pages(messaging, sam, lab.slug):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_instructor_cannot_reach_another_classes_student_through_their_own_class(client, ivy, messaging, uma, world):
    client.force_login(ivy)
    assert client.get(reverse("classes:student", args=[messaging.id, uma.id])).status_code == 404


def test_the_gradebook_lists_only_the_classes_students(client, ivy, messaging, world):
    client.force_login(ivy)
    page = client.get(reverse("classes:gradebook", args=[messaging.id])).content.decode()
    assert ">sam<" in page or "Sam Student" in page
    assert "tess" in page and "uma" not in page


def test_a_shared_student_shows_each_instructor_only_their_classes_labs(client, ivy, olga, messaging, streams, tess, world):
    client.force_login(ivy)
    page = client.get(reverse("classes:student", args=[messaging.id, tess.id])).content.decode()
    assert "# tess for messaging" in page and "# tess for streams" not in page
    client.force_login(olga)
    page = client.get(reverse("classes:student", args=[streams.id, tess.id])).content.decode()
    assert "# tess for streams" in page and "# tess for messaging" not in page


def test_practice_outside_the_classes_assignments_stays_private(client, ivy, messaging, sam, world):
    client.force_login(ivy)
    page = client.get(reverse("classes:student", args=[messaging.id, sam.id])).content.decode()
    assert "# sam secret attempt" in page
    assert "# sam practising alone" not in page


def test_the_selector_allows_exactly_the_instructor_of_an_assigned_lab(ivy, olga, sam, tess, uma, vic, world):
    allowed = {
        ("ivy", "sam_lab"), ("ivy", "tess_lab"), ("olga", "tess_stream"), ("olga", "uma_stream"),
    }
    users = {"ivy": ivy, "olga": olga, "sam": sam, "tess": tess, "uma": uma, "vic": vic}
    for name, user in users.items():
        for key, submission in world.items():
            expected = (name, key) in allowed
            assert instructor_can_view_submission(user=user, submission=submission) is expected, (name, key)


def test_the_labs_api_lets_the_instructor_read_a_students_submission(client, ivy, world):
    client.force_login(ivy)
    response = client.get(f"/api/submissions/{world['sam_lab'].id}/")
    assert response.status_code == 200 and response.json()["score"] == 0.5


@pytest.mark.parametrize(
    "who,key",
    [("olga", "sam_lab"), ("tess", "sam_lab"), ("vic", "sam_lab"), ("ivy", "sam_free"), ("ivy", "tess_stream"), ("ivy", "uma_stream"), ("sam", "tess_lab")],
)
def test_the_labs_api_hides_other_submissions_with_404(client, request, world, who, key):
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/api/submissions/{world[key].id}/").status_code == 404


def test_the_lab_attempt_page_opens_for_the_instructor_and_no_one_else(client, ivy, olga, lab, world):
    url = reverse("labs:attempt", args=[lab.slug, world["sam_lab"].id])
    client.force_login(ivy)
    assert client.get(url).status_code == 200
    client.force_login(olga)
    assert client.get(url).status_code == 404


def test_removing_a_student_ends_the_instructors_access(client, ivy, messaging, sam, world):
    student_remove(classroom=messaging, user_id=sam.id)
    client.force_login(ivy)
    assert client.get(f"/api/submissions/{world['sam_lab'].id}/").status_code == 404
    assert client.get(reverse("classes:student", args=[messaging.id, sam.id])).status_code == 404


def test_a_student_reads_their_own_submission_but_not_a_classmates(client, sam, world):
    client.force_login(sam)
    assert client.get(f"/api/submissions/{world['sam_lab'].id}/").status_code == 200
    assert client.get(f"/api/submissions/{world['tess_lab'].id}/").status_code == 404


def test_the_classes_api_gives_other_instructors_404(client, olga, messaging, lab, world):
    client.force_login(olga)
    assert client.get(f"/api/classes/{messaging.id}/gradebook/").status_code == 404
    response = client.post(
        f"/api/classes/{messaging.id}/assignments/", {"kind": "lab", "slug": lab.slug, "due_at": "2031-01-01"}, content_type="application/json"
    )
    assert response.status_code == 404 and response.json() == {"error": "not found", "detail": [{"field": None, "message": "not found"}]}
