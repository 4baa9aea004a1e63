"""Join codes, membership rules and the due-date parser."""

from zoneinfo import ZoneInfo

import pytest

from classes.models import ClassMembership
from classes.models.classes import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH
from classes.services.classes import (
    ClassError,
    classroom_create,
    classroom_join,
    classroom_join_code_rotate,
    due_at_parse,
    instructor_add,
    join_code_normalise,
)

pytestmark = pytest.mark.django_db


def test_join_codes_are_random_and_use_only_unambiguous_characters(ivy):
    codes = {classroom_create(user=ivy, name=f"c{i}").join_code for i in range(30)}
    assert len(codes) == 30
    for code in codes:
        assert len(code) == JOIN_CODE_LENGTH and set(code) <= set(JOIN_CODE_ALPHABET)
    assert not set("01OIL") & set(JOIN_CODE_ALPHABET)


def test_people_can_type_a_code_in_any_case_with_spaces_or_a_hyphen():
    assert join_code_normalise(" abcd-efgh ") == "ABCDEFGH"


def test_rotating_gives_a_new_code_and_keeps_members(messaging, sam):
    old = messaging.join_code
    classroom_join_code_rotate(classroom=messaging)
    assert messaging.join_code != old
    assert ClassMembership.objects.filter(classroom=messaging, user=sam).exists()


def test_an_instructor_cannot_join_their_own_class_as_a_student(ivy, messaging):
    with pytest.raises(ClassError, match="You teach this class"):
        classroom_join(user=ivy, code=messaging.join_code)


def test_a_user_can_be_in_several_classes(tess, messaging, streams):
    assert set(ClassMembership.objects.filter(user=tess).values_list("classroom__name", flat=True)) == {"Messaging 101", "Streams"}


def test_a_co_instructor_must_hold_the_permission(messaging, olga, vic):
    with pytest.raises(ClassError, match="not an instructor yet"):
        instructor_add(classroom=messaging, username="vic")
    with pytest.raises(ClassError, match="No user is called"):
        instructor_add(classroom=messaging, username="ghost")
    assert instructor_add(classroom=messaging, username="olga").role == "instructor"


def test_a_due_date_without_an_offset_is_read_in_the_given_zone():
    parsed = due_at_parse(value="2031-07-01T09:30", tz=ZoneInfo("Europe/Paris"))
    assert parsed.isoformat() == "2031-07-01T09:30:00+02:00"


def test_a_bare_date_means_the_end_of_that_day():
    assert due_at_parse(value="2031-07-01", tz=ZoneInfo("UTC")).isoformat() == "2031-07-01T23:59:00+00:00"


def test_an_explicit_offset_wins_over_the_zone():
    assert due_at_parse(value="2031-07-01T09:30:00Z", tz=ZoneInfo("Asia/Tokyo")).isoformat() == "2031-07-01T09:30:00+00:00"
