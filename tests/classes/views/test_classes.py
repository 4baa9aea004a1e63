"""The class pages a learner and an instructor click through."""

import pytest
from django.urls import reverse

from classes.models import ClassMembership, Classroom, UserTimezone
from classes.services.classes import assignment_create, user_timezone_set
from tests.classes.conftest import due_in

pytestmark = pytest.mark.django_db


def test_my_classes_lists_late_due_and_done_work_in_due_order(client, messaging, sam, lab, lesson, make_lab, submit):
    later_lab = make_lab(title="Later lab")
    assignment_create(classroom=messaging, kind="lab", slug=later_lab.slug, due_at=due_in(9))
    assignment_create(classroom=messaging, kind="lab", slug=lab.slug, due_at=due_in(2))
    assignment_create(classroom=messaging, kind="lesson", slug=lesson.slug, due_at=due_in(-1))
    submit(user=sam, lab=later_lab, score=1.0)
    client.force_login(sam)
    page = client.get(reverse("classes:mine")).content.decode()
    late, due, done = page.index('id="group-late"'), page.index('id="group-due"'), page.index('id="group-done"')
    assert late < due < done
    assert page.index("Fan-out", late) < due  # the overdue lesson is late
    assert due < page.index("DLQ basics", due) < done
    assert page.index("Later lab", done)
    assert "Messaging 101" in page


def test_due_dates_are_shown_in_the_learners_timezone(client, messaging, sam, lab):
    from datetime import datetime, timezone as dt_timezone

    assignment_create(classroom=messaging, kind="lab", slug=lab.slug, due_at=datetime(2031, 3, 1, 17, 0, tzinfo=dt_timezone.utc))
    client.force_login(sam)
    assert "17:00" in client.get(reverse("classes:mine")).content.decode()  # UTC by default
    user_timezone_set(user=sam, name="Asia/Tokyo")
    page = client.get(reverse("classes:mine")).content.decode()
    assert "Sun 2 Mar, 02:00" in page and "Asia/Tokyo" in page


def test_the_browser_timezone_is_stored_on_join_but_never_overrides_a_choice(client, ivy, sam):
    classroom = Classroom.objects.create(name="X", join_code="ABCDEFGH")
    client.force_login(sam)
    client.post(reverse("classes:join"), {"join_code": "abcd efgh", "tz": "Europe/Paris"})
    assert UserTimezone.objects.get(user=sam).name == "Europe/Paris"
    user_timezone_set(user=sam, name="America/Chicago")
    client.post(reverse("classes:join"), {"join_code": classroom.join_code, "tz": "Europe/Paris"})
    assert UserTimezone.objects.get(user=sam).name == "America/Chicago"


def test_an_unknown_timezone_choice_is_refused_with_a_message(client, sam):
    client.force_login(sam)
    response = client.post(reverse("classes:timezone"), {"timezone": "Mars/Olympus"}, follow=True)
    assert "not a time zone name" in response.content.decode()
    assert not UserTimezone.objects.filter(user=sam).exists()


def test_the_join_link_asks_before_joining(client, messaging, vic):
    client.force_login(vic)
    url = reverse("classes:join-link", args=[messaging.join_code])
    page = client.get(url)
    assert "Join “Messaging 101”" in page.content.decode()
    assert not ClassMembership.objects.filter(user=vic).exists()
    response = client.post(reverse("classes:join"), {"join_code": messaging.join_code})
    assert response.status_code == 302
    assert ClassMembership.objects.get(user=vic).role == "student"


def test_the_join_link_sends_anonymous_visitors_to_log_in_first(client, messaging):
    url = reverse("classes:join-link", args=[messaging.join_code])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"] and "next=" in response["Location"]


def test_a_wrong_join_code_explains_itself(client, vic):
    client.force_login(vic)
    response = client.post(reverse("classes:join"), {"join_code": "NOPENOPE"})
    assert response.status_code == 400
    assert "No class has that join code" in response.content.decode()


def test_a_closed_class_link_says_it_is_closed(client, ivy, messaging, vic):
    client.force_login(ivy)
    client.post(reverse("classes:join-open", args=[messaging.id]), {"open": "0"})
    client.force_login(vic)
    page = client.get(reverse("classes:join-link", args=[messaging.join_code])).content.decode()
    assert "closed to new students" in page
    response = client.post(reverse("classes:join"), {"join_code": messaging.join_code})
    assert response.status_code == 400
    assert not ClassMembership.objects.filter(user=vic).exists()


def test_an_instructor_creates_a_class_and_lands_on_its_page_with_the_code(client, ivy):
    client.force_login(ivy)
    response = client.post(reverse("classes:new"), {"name": "  Queues   in depth "}, follow=True)
    classroom = Classroom.objects.get()
    assert classroom.name == "Queues in depth"
    page = response.content.decode()
    assert classroom.join_code in page and "/classes/join/" + classroom.join_code in page


def test_a_learner_without_the_permission_cannot_create_a_class(client, sam):
    client.force_login(sam)
    assert "Only instructors can start classes" in client.get(reverse("classes:new")).content.decode()
    response = client.post(reverse("classes:new"), {"name": "Mine"})
    assert response.status_code == 403
    assert not Classroom.objects.exists()


def test_an_instructor_assigns_a_lab_with_a_due_date_in_their_timezone(client, ivy, messaging, lab):
    user_timezone_set(user=ivy, name="America/New_York")
    client.force_login(ivy)
    client.post(reverse("classes:assignment-add", args=[messaging.id]), {"item": f"lab:{lab.slug}", "due_at": "2031-01-10T09:00"})
    assignment = messaging.assignments.get()
    assert assignment.lab == lab
    assert assignment.due_at.isoformat() == "2031-01-10T14:00:00+00:00"


def test_assigning_with_a_bad_date_shows_the_reason(client, ivy, messaging, lab):
    client.force_login(ivy)
    response = client.post(
        reverse("classes:assignment-add", args=[messaging.id]), {"item": f"lab:{lab.slug}", "due_at": "next tuesday"}, follow=True
    )
    assert "is not a date and time" in response.content.decode()
    assert not messaging.assignments.exists()


def test_an_instructor_rotates_the_code_and_the_old_one_stops_working(client, ivy, messaging, vic):
    old = messaging.join_code
    client.force_login(ivy)
    client.post(reverse("classes:code-rotate", args=[messaging.id]))
    messaging.refresh_from_db()
    assert messaging.join_code != old
    client.force_login(vic)
    assert client.post(reverse("classes:join"), {"join_code": old}).status_code == 400


def test_an_instructor_removes_a_student_who_then_loses_the_class(client, ivy, messaging, sam):
    client.force_login(ivy)
    client.post(reverse("classes:student-remove", args=[messaging.id, sam.id]))
    assert not ClassMembership.objects.filter(user=sam, classroom=messaging).exists()
    client.force_login(sam)
    assert client.get(reverse("classes:detail", args=[messaging.id])).status_code == 404


def test_the_class_page_shows_a_student_only_their_own_standing(client, messaging, sam, tess, lab_assignment, lab, submit):
    submit(user=tess, lab=lab, score=0.5)
    client.force_login(sam)
    page = client.get(reverse("classes:detail", args=[messaging.id])).content.decode()
    assert "DLQ basics" in page and "no attempts yet" in page
    assert "tess" not in page and "50%" not in page


def test_the_nav_shows_classes_to_logged_in_users(client, sam):
    client.force_login(sam)
    page = client.get("/").content.decode()
    assert 'href="/classes/"' in page
