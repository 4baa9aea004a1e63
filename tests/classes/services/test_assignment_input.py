"""What an assignment's due date and card count may be: the form and the API
both pass through these services."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

import pytest

from classes.models import Assignment
from classes.services.classes import ClassError, assignment_create, deck_target_count_parse, due_at_parse, due_at_check
from flashcards.models import Deck

UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    "text",
    ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "0001-01-01", "9999-12-31", "1899-12-31T23:00:00Z", "9001-01-01T00:00Z"],
)
def test_due_dates_outside_the_years_every_layer_holds_are_refused(text):
    with pytest.raises(ClassError, match="between the years 1900 and 9000"):
        due_at_parse(value=text, tz=UTC)


@pytest.mark.parametrize("text", ["1900-01-01T00:00:00Z", "9000-12-31T23:59:59Z", "2026-03-01T17:00", "2026-03-01"])
def test_due_dates_inside_the_range_are_taken(text):
    assert due_at_parse(value=text, tz=UTC).year in (1900, 9000, 2026)


def test_the_bounds_are_in_utc_after_the_offset():
    with pytest.raises(ClassError):
        due_at_parse(value="1900-01-01T00:30:00+01:00", tz=UTC)  # 1899-12-31 23:30 UTC


def test_the_service_checks_a_date_time_it_is_handed(messaging, lab):
    far = datetime(9999, 1, 1, tzinfo=dt_timezone.utc)
    with pytest.raises(ClassError, match="between the years"):
        assignment_create(classroom=messaging, kind="lab", slug=lab.slug, due_at=far)
    with pytest.raises(ClassError, match="time zone"):
        assignment_create(classroom=messaging, kind="lab", slug=lab.slug, due_at=datetime(2026, 3, 1))
    assert not Assignment.objects.exists()


def test_due_at_check_passes_a_good_date_through():
    when = datetime(2026, 3, 1, 17, tzinfo=dt_timezone(timedelta(hours=14)))
    assert due_at_check(due_at=when) is when


@pytest.mark.parametrize("value", [None, "", "  "])
def test_no_count_means_every_card(value):
    assert deck_target_count_parse(value) is None


@pytest.mark.parametrize("value, expected", [(1, 1), ("12", 12), (" 7 ", 7), (100_000, 100_000)])
def test_whole_numbers_are_taken(value, expected):
    assert deck_target_count_parse(value) == expected


@pytest.mark.parametrize(
    "value",
    [10**30, str(10**30), "9" * 5000, float("inf"), float("-inf"), float("nan"), 1e400, 1.5, 3.0, "1.5", "3e2", True, "²", "٣", [1], {"n": 1}, 0, -3, "-3", 100_001],
)
def test_anything_else_is_refused_with_a_message(value):
    with pytest.raises(ClassError, match="number of cards"):
        deck_target_count_parse(value)


def test_a_huge_target_count_from_the_form_is_a_message_not_a_500(client, ivy, messaging, db):
    deck = Deck.objects.create(stable_id="deck-t", slug="sqs-basics", title="SQS basics")
    client.force_login(ivy)
    response = client.post(
        f"/classes/{messaging.id}/assignments/",
        {"item": f"deck:{deck.slug}", "due_at": "2026-03-01T17:00", "deck_target_count": str(10**30)},
        follow=True,
    )
    assert response.status_code == 200
    assert "The number of cards must be at most 100,000." in response.content.decode()
    assert not Assignment.objects.exists()


def test_a_far_due_date_from_the_form_is_a_message_not_a_500(client, ivy, messaging, lab):
    client.force_login(ivy)
    response = client.post(
        f"/classes/{messaging.id}/assignments/", {"item": f"lab:{lab.slug}", "due_at": "9999-12-31T23:59"}, follow=True
    )
    assert "between the years 1900 and 9000" in response.content.decode()
    assert not Assignment.objects.exists()
