"""Writes for classes: create, join, leave or remove, assign work, set a timezone.

Every function raises ClassError (or its 403 subclass NotAllowed) with a
sentence a person can act on; views and the API show it as is.
"""

import secrets
from datetime import datetime
from datetime import timezone as dt_timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from classes.models import Assignment, ClassMembership, Classroom, UserTimezone
from classes.models.classes import DECK_TARGET_COUNT_MAX, DUE_AT_MAX, DUE_AT_MIN, JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH
from flashcards.selectors.decks import deck_for_slug
from labs.selectors.labs import lab_for_slug
from labs.selectors.variants import SEED_SPACE
from learning.selectors.course import lesson_for_slug

TEACH_PERMISSION = "classes.teach_class"
NAME_MAX = Classroom._meta.get_field("name").max_length


class ClassError(ValueError):
    http_status = 400


class NotAllowed(ClassError):
    http_status = 403


@lru_cache(maxsize=1)
def timezone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def can_teach(user) -> bool:
    return bool(user.is_authenticated and user.has_perm(TEACH_PERMISSION))


def join_code_normalise(code: str) -> str:
    """What people type: any case, with spaces or a hyphen in the middle."""
    return "".join(ch for ch in str(code).upper() if ch not in " -\t")


def _new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def _save_with_fresh_code(classroom: Classroom) -> Classroom:
    # A collision is a one-in-5e11 event; retry rather than check-then-insert, which races.
    for _ in range(5):
        classroom.join_code = _new_join_code()
        try:
            with transaction.atomic():
                classroom.save()
            return classroom
        except IntegrityError:
            continue
    raise ClassError("Could not find a free join code; try again.")


def classroom_create(*, user, name: str) -> Classroom:
    if not can_teach(user):
        raise NotAllowed("Only instructors can create classes. Ask an administrator to run grant_instructor for you.")
    name = " ".join(str(name or "").split())
    if not name:
        raise ClassError("Give the class a name, for example “Messaging 101, spring”.")
    if len(name) > NAME_MAX:
        raise ClassError(f"Keep the class name under {NAME_MAX} characters.")
    with transaction.atomic():
        classroom = _save_with_fresh_code(Classroom(name=name, created_by=user))
        ClassMembership.objects.create(classroom=classroom, user=user, role=ClassMembership.Role.INSTRUCTOR)
    return classroom


def classroom_join_code_rotate(*, classroom: Classroom) -> Classroom:
    """A new code; the old one stops working at once. Members are unaffected."""
    return _save_with_fresh_code(classroom)


def classroom_join_set_open(*, classroom: Classroom, is_open: bool) -> Classroom:
    Classroom.objects.filter(pk=classroom.pk).update(join_open=is_open)
    classroom.join_open = is_open
    return classroom


def classroom_lab_variant_set(*, classroom: Classroom, value: str) -> Classroom:
    """"" (empty) gives each student their own variant of every lab; a number
    from 0 to SEED_SPACE - 1 gives the whole class that one."""
    value = (value or "").strip()
    if not value:
        variant = None
    else:
        if not value.isdigit() or int(value) >= SEED_SPACE:
            raise ClassError(f"A lab variant is a whole number from 0 to {SEED_SPACE - 1}, or empty for one per student.")
        variant = int(value)
    Classroom.objects.filter(pk=classroom.pk).update(lab_variant=variant)
    classroom.lab_variant = variant
    return classroom


def classroom_join(*, user, code: str) -> tuple[ClassMembership, bool]:
    """Join as a student. Returns the membership and whether it is new; joining
    twice is harmless."""
    normalised = join_code_normalise(code)
    if not normalised:
        raise ClassError("Enter the join code your instructor gave you.")
    classroom = Classroom.objects.filter(join_code=normalised).first()
    if classroom is None:
        raise ClassError("No class has that join code. Check it with your instructor; codes can be changed.")
    existing = ClassMembership.objects.filter(classroom=classroom, user=user).first()
    if existing is not None:
        if existing.role == ClassMembership.Role.INSTRUCTOR:
            raise ClassError("You teach this class, so you cannot join it as a student.")
        return existing, False
    if not classroom.join_open:
        raise ClassError("This class is closed to new students. Ask your instructor to open it.")
    try:
        with transaction.atomic():
            membership = ClassMembership.objects.create(classroom=classroom, user=user, role=ClassMembership.Role.STUDENT)
    except IntegrityError:  # a double-click raced us
        return ClassMembership.objects.get(classroom=classroom, user=user), False
    return membership, True


def student_remove(*, classroom: Classroom, user_id: int) -> bool:
    """Remove a student (never an instructor). Their own work stays theirs."""
    deleted, _ = ClassMembership.objects.filter(
        classroom=classroom, user_id=user_id, role=ClassMembership.Role.STUDENT
    ).delete()
    return deleted > 0


def instructor_add(*, classroom: Classroom, username: str) -> ClassMembership:
    user = get_user_model().objects.filter(username=str(username).strip()).first()
    if user is None or not user.is_active:
        raise ClassError(f"No user is called “{username}”.")
    if not can_teach(user):
        raise ClassError(f"{user.username} is not an instructor yet: run `manage.py grant_instructor {user.username}` first.")
    membership, created = ClassMembership.objects.get_or_create(
        classroom=classroom, user=user, defaults={"role": ClassMembership.Role.INSTRUCTOR}
    )
    if not created and membership.role != ClassMembership.Role.INSTRUCTOR:
        membership.role = ClassMembership.Role.INSTRUCTOR  # a student promoted to co-teach
        membership.save(update_fields=["role"])
    return membership


def due_at_parse(*, value, tz: ZoneInfo) -> datetime:
    """An ISO 8601 date-time. Without an offset it is read in `tz` (the
    instructor's zone); a bare date means the end of that day."""
    text = str(value or "").strip()
    if not text:
        raise ClassError("Give a due date, for example 2026-03-01T17:00.")
    try:
        parsed = parse_datetime(text + "T23:59" if len(text) == 10 else text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ClassError(f"“{text}” is not a date and time; use ISO 8601, for example 2026-03-01T17:00 or 2026-03-01T17:00:00Z.")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, tz)
    return due_at_check(due_at=parsed)


def due_at_check(*, due_at) -> datetime:
    """`due_at` if it is an aware date-time every layer can store and read back
    (DUE_AT_MIN..DUE_AT_MAX in UTC), else ClassError. The form and the API both
    come through here (assignment_create calls it)."""
    if not isinstance(due_at, datetime) or timezone.is_naive(due_at):
        raise ClassError("Give the due date with its time zone, for example 2026-03-01T17:00:00Z.")
    try:
        in_utc = due_at.astimezone(dt_timezone.utc)
    except (OverflowError, ValueError):  # year 1 at +14:00 is year 0 in UTC, which Python has not
        in_utc = None
    if in_utc is None or not DUE_AT_MIN <= in_utc <= DUE_AT_MAX:
        raise ClassError(f"Give a due date between the years {DUE_AT_MIN.year} and {DUE_AT_MAX.year}.")
    return due_at


def deck_target_count_parse(value) -> int | None:
    """The number of cards a deck assignment asks for: None (every card) for
    nothing or an empty string, else a whole number 1..DECK_TARGET_COUNT_MAX
    given as an int or as digits (what a form sends). Floats, booleans and
    anything else are refused rather than rounded."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ClassError("The number of cards must be a whole number.")
    if isinstance(value, str):
        text = value.strip()
        # ASCII digits only, and few enough that int() cannot be made slow or refuse.
        if not (text.isascii() and text.isdigit() and len(text) <= 9):
            raise ClassError(
                "The number of cards must be a whole number."
                if not (text.isascii() and text.isdigit())
                else f"The number of cards must be at most {DECK_TARGET_COUNT_MAX:,}."
            )
        value = int(text)
    if value < 1:
        raise ClassError("The number of cards must be at least 1.")
    if value > DECK_TARGET_COUNT_MAX:
        raise ClassError(f"The number of cards must be at most {DECK_TARGET_COUNT_MAX:,}.")
    return value


def _item_for(kind: str, slug: str):
    slug = str(slug or "").strip()
    if not slug:
        raise ClassError(f"Give the {kind}'s slug (the last part of its address).")
    if kind == Assignment.Kind.LESSON:
        item = lesson_for_slug(slug=slug)
    elif kind == Assignment.Kind.LAB:
        item = lab_for_slug(slug=slug)
    else:
        item = deck_for_slug(slug=slug)
    if item is None:
        raise ClassError(f"No {kind} has the slug “{slug}”.")
    return item


def assignment_create(
    *, classroom: Classroom, kind: str, slug: str, due_at: datetime, deck_target: str = "", deck_target_count=None
) -> Assignment:
    if kind not in Assignment.Kind.values:
        raise ClassError(f"kind must be one of lesson, deck or lab, not “{kind}”.")
    item = _item_for(kind, slug)
    fields = {"classroom": classroom, "kind": kind, "due_at": due_at_check(due_at=due_at), kind: item}
    if kind == Assignment.Kind.DECK:
        deck_target = deck_target or Assignment.DeckTarget.REVIEWED
        if deck_target not in Assignment.DeckTarget.values:
            raise ClassError("A deck's target is either “reviewed” or “mastered”.")
        fields.update(deck_target=deck_target, deck_target_count=deck_target_count_parse(deck_target_count))
    if Assignment.objects.filter(classroom=classroom, kind=kind, **{kind: item}).exists():
        raise ClassError(f"“{item.title}” is already assigned in this class.")
    try:
        with transaction.atomic():
            return Assignment.objects.create(**fields)
    except IntegrityError:
        raise ClassError(f"“{item.title}” is already assigned in this class.") from None


def assignment_due_set(*, classroom: Classroom, assignment_id: int, due_at: datetime) -> Assignment | None:
    """Move an assignment's due date; None if the class has no such assignment.
    Lateness is computed from the due date on every read, so nothing else changes."""
    assignment = Assignment.objects.select_related("lesson", "lab", "deck").filter(classroom=classroom, id=assignment_id).first()
    if assignment is None:
        return None
    assignment.due_at = due_at
    assignment.save(update_fields=["due_at"])
    return assignment


def assignment_delete(*, classroom: Classroom, assignment_id: int) -> bool:
    deleted, _ = Assignment.objects.filter(classroom=classroom, id=assignment_id).delete()
    return deleted > 0


def user_timezone_set(*, user, name: str) -> UserTimezone:
    name = str(name or "").strip()
    if name not in timezone_names():
        raise ClassError(f"“{name}” is not a time zone name; pick one such as Europe/Paris or America/Chicago.")
    pref, _ = UserTimezone.objects.update_or_create(user=user, defaults={"name": name})
    return pref


def user_timezone_remember(*, user, name: str) -> None:
    """Store the browser's zone the first time we hear it; an explicit choice is
    never overwritten, and junk from the hidden field is ignored."""
    if name in timezone_names() and not UserTimezone.objects.filter(user=user).exists():
        try:
            with transaction.atomic():
                UserTimezone.objects.create(user=user, name=name)
        except IntegrityError:
            pass


def instructor_grant(*, user, grant: bool = True) -> bool:
    """Give (or take away) the permission to create classes. Returns whether
    anything changed, so running it twice is harmless. Classes the user already
    teaches are unaffected by a revoke."""
    from django.contrib.auth.models import Permission

    permission = Permission.objects.get(content_type__app_label="classes", codename="teach_class")
    has = user.user_permissions.filter(pk=permission.pk).exists()
    if grant and not has:
        user.user_permissions.add(permission)
    elif not grant and has:
        user.user_permissions.remove(permission)
    return has != grant
