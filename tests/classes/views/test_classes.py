"""The class pages a learner and an instructor click through."""

import html
import re

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
    assert "Sun 2 Mar 2031, 02:00" in page and "Asia/Tokyo" in page  # another year: with its year


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


def test_classes_you_teach_shows_the_number_of_students(client, ivy, messaging):
    client.force_login(ivy)
    assert "2 students · 0 assignments" in client.get("/classes/").content.decode()


def test_a_new_student_signs_up_from_a_join_link_and_lands_in_that_class_join(client, messaging):
    join_url = reverse("classes:join-link", args=[messaging.join_code])
    login_page = client.get(client.get(join_url)["Location"]).content.decode()
    signup_href = re.search(r'href="(/accounts/signup/[^"]*)"', login_page).group(1)
    form = client.get(html.unescape(signup_href)).content.decode()
    # The last: the nav's theme toggle has a `next` of its own, before the form.
    next_value = html.unescape(re.findall(r'name="next" value="([^"]*)"', form)[-1])
    response = client.post(
        "/accounts/signup/", {"username": "wendy", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42", "next": next_value}, follow=True
    )
    assert response.redirect_chain[-1][0] == join_url
    assert "Join “Messaging 101”" in response.content.decode()


def _section(page: str, section: str) -> str:
    """The HTML of one <section id=...> of the class page."""
    start = page.index(f'id="{section}"')
    return page[start : page.index("</section>", start)]


def test_removing_a_student_asks_first_on_a_page_that_works_without_javascript(client, ivy, messaging, sam):
    client.force_login(ivy)
    url = reverse("classes:student-remove", args=[messaging.id, sam.id])
    assert f'href="{url}"' in client.get(reverse("classes:detail", args=[messaging.id])).content.decode()
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Remove sam from “Messaging 101”?" in confirm.content.decode()
    assert '<form method="post"' in confirm.content.decode()
    assert ClassMembership.objects.filter(user=sam, classroom=messaging).exists()
    page = client.post(url, follow=True).content.decode()
    assert not ClassMembership.objects.filter(user=sam, classroom=messaging).exists()
    assert "sam was removed from the class" in _section(page, "students")


def test_removing_an_assignment_asks_first(client, ivy, messaging, lesson):
    assignment = assignment_create(classroom=messaging, kind="lesson", slug=lesson.slug, due_at=due_in(3))
    client.force_login(ivy)
    url = reverse("classes:assignment-delete", args=[messaging.id, assignment.id])
    assert "Remove “Fan-out” from the class?" in client.get(url).content.decode()
    assert messaging.assignments.exists()
    client.post(url)
    assert not messaging.assignments.exists()


def test_an_instructor_moves_a_due_date_in_their_timezone(client, ivy, messaging, lab_assignment):
    user_timezone_set(user=ivy, name="Europe/Paris")
    client.force_login(ivy)
    url = reverse("classes:assignment-edit", args=[messaging.id, lab_assignment.id])
    assert f'href="{url}"' in client.get(reverse("classes:detail", args=[messaging.id])).content.decode()
    assert client.get(url).status_code == 200
    response = client.post(url, {"due_at": "2030-06-01T17:00"}, follow=True)
    lab_assignment.refresh_from_db()
    assert lab_assignment.due_at.isoformat() == "2030-06-01T15:00:00+00:00"
    assert "is now due Sat 1 Jun 2030, 17:00 (Europe/Paris)" in _section(response.content.decode(), "assignments")
    refused = client.post(url, {"due_at": "soon"})
    assert refused.status_code == 400 and "is not a date and time" in refused.content.decode()


def test_a_student_cannot_move_a_due_date(client, sam, messaging, lab_assignment):
    client.force_login(sam)
    assert client.post(reverse("classes:assignment-edit", args=[messaging.id, lab_assignment.id]), {"due_at": "2030-06-01T17:00"}).status_code == 404


def test_messages_about_a_section_show_inside_it_not_at_the_top(client, ivy, messaging, lab):
    client.force_login(ivy)
    response = client.post(reverse("classes:assignment-add", args=[messaging.id]), {"item": f"lab:{lab.slug}", "due_at": "2031-01-10T09:00"})
    assert response["Location"].endswith("#assignments")
    page = client.get(response["Location"]).content.decode()
    assert "Assigned “DLQ basics”." in _section(page, "assignments")
    assert page.count("Assigned “DLQ basics”.") == 1


def test_lessons_and_decks_in_the_assignment_table_are_links(client, ivy, messaging, lesson):
    from flashcards.models import Deck

    deck = Deck.objects.create(stable_id="deck-link", slug="sqs-cards", title="SQS cards")
    assignment_create(classroom=messaging, kind="lesson", slug=lesson.slug, due_at=due_in(3))
    assignment_create(classroom=messaging, kind="deck", slug=deck.slug, due_at=due_in(4))
    client.force_login(ivy)
    table = _section(client.get(reverse("classes:detail", args=[messaging.id])).content.decode(), "assignments")
    assert '<a href="/lessons/fan-out/">Fan-out</a>' in table
    assert '<a href="/flashcards/cards/?deck=sqs-cards">SQS cards</a>' in table


def test_a_far_future_due_date_shows_its_year(client, messaging, sam, lesson):
    from datetime import datetime, timezone as dt_timezone

    assignment_create(classroom=messaging, kind="lesson", slug=lesson.slug, due_at=datetime(2099, 3, 6, 17, 0, tzinfo=dt_timezone.utc))
    client.force_login(sam)
    assert "Fri 6 Mar 2099, 17:00" in client.get(reverse("classes:mine")).content.decode()


def test_the_time_zone_menu_shows_the_zone_the_heading_names(client, sam):
    client.force_login(sam)
    page = client.get(reverse("classes:mine")).content.decode()
    assert "Due dates in <strong>UTC</strong>" in page
    assert '<option value="UTC" selected>' in page
    assert "data-browser-default" not in page  # the browser's zone is named beside the menu, not selected in it


def test_an_instructor_gives_the_class_one_lab_variant_and_sees_it_confirmed(client, ivy, messaging):
    client.force_login(ivy)
    page = client.post(reverse("classes:lab-variant", args=[messaging.id]), {"variant": "42"}, follow=True).content.decode()
    assert "Every student of the class now gets lab variant 42." in page
    assert 'name="variant" type="text" inputmode="numeric" pattern="[0-9]*" maxlength="3" size="4" value="42"' in page
    messaging.refresh_from_db()
    assert messaging.lab_variant == 42


@pytest.mark.parametrize("value", ["1000", "-1", "abc", "4.5"])
def test_a_lab_variant_out_of_range_is_explained_and_changes_nothing(client, ivy, messaging, value):
    client.force_login(ivy)
    page = client.post(reverse("classes:lab-variant", args=[messaging.id]), {"variant": value}, follow=True).content.decode()
    assert "A lab variant is a whole number from 0 to 999, or empty for one per student." in page
    messaging.refresh_from_db()
    assert messaging.lab_variant is None


def test_a_student_cannot_set_the_class_lab_variant(client, sam, messaging):
    client.force_login(sam)
    response = client.post(reverse("classes:lab-variant", args=[messaging.id]), {"variant": "3"})
    assert response.status_code in (403, 404)
    messaging.refresh_from_db()
    assert messaging.lab_variant is None
