"""A site running the code from before accounts/ and classes/ split from
learning/ upgrades in place: every row is still there after `migrate`, and
still works (grants, tokens, sessions, memberships, class pages).

The database is built with the migrations of that time
(tests/migrations/before_split/), filled through the models of that time,
then migrated by `manage.py migrate` with today's migrations.
"""

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import ApiToken
from accounts.token_cache import token_cache_forget

OUR_APPS = ["classes", "accounts", "labs", "flashcards", "learning"]
BEFORE = "tests.migrations.before_split"
OLD_LEAVES = [("learning", "0004_assignment_deck"), ("flashcards", "0007_review_tallies"), ("labs", "0001_initial")]
OLD_MODULES = {
    "learning": f"{BEFORE}.learning",
    "flashcards": f"{BEFORE}.flashcards",
    "labs": f"{BEFORE}.labs",
    # Did not exist: their models were learning's.
    "accounts": None,
    "classes": None,
}
SECRET = "rdv_made-before-the-split"
# Tables whose rows must all survive: the three apps' own and those holding grants and logins.
KEPT_TABLES = ("auth_user", "auth_group", "auth_user_groups", "auth_user_user_permissions", "auth_group_permissions", "django_session")


def _row_counts() -> dict[str, int]:
    tables = [
        t
        for t in connection.introspection.table_names()
        if t.startswith(("learning_", "flashcards_", "labs_")) or t in KEPT_TABLES
    ]
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(tables):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _build_the_old_database():
    """Today's schema down to nothing, then the old one up to its leaves, with
    the content types and permissions its `migrate` made (post_migrate)."""
    executor = MigrationExecutor(connection)
    executor.migrate([(app, None) for app in OUR_APPS])
    ContentType.objects.filter(app_label__in=OUR_APPS).delete()  # and their permissions
    with override_settings(MIGRATION_MODULES=OLD_MODULES):
        executor = MigrationExecutor(connection)
        executor.migrate(OLD_LEAVES)
        old_apps = executor.loader.project_state(OLD_LEAVES).apps
        for label in ("learning", "flashcards", "labs"):
            create_permissions(global_apps.get_app_config(label), verbosity=0, apps=old_apps)
    ContentType.objects.clear_cache()
    return old_apps


def _fill(old):
    """One or more rows in every table of the three apps, through the old models."""
    now = timezone.now()
    User, Group, Permission = old.get_model("auth", "User"), old.get_model("auth", "Group"), old.get_model("auth", "Permission")
    teach = Permission.objects.get(content_type__app_label="learning", codename="teach_class")
    direct = User.objects.create(username="ines", password="!", is_active=True)  # holds the permission herself
    grouped = User.objects.create(username="gus", password="!", is_active=True)  # through a group
    student = User.objects.create(username="sam", password="!", is_active=True)
    direct.user_permissions.add(teach)
    teachers = Group.objects.create(name="teachers")
    teachers.permissions.add(teach)
    grouped.groups.add(teachers)

    L = lambda name: old.get_model("learning", name)  # noqa: E731
    L("Course").objects.create(title="Messaging", summary="", synced_at=now)
    module = L("Module").objects.create(stable_id="mod-1", slug="basics", title="Basics")
    lesson = L("Lesson").objects.create(stable_id="les-1", slug="events", module=module, title="Events", segments=[], toc=[])
    check = L("QuickCheck").objects.create(stable_id="qc-1", lesson=lesson, kind="single", question="Q?", options=[{"text": "a", "correct": True}])
    L("LessonProgress").objects.create(user=student, lesson=lesson, first_viewed_at=now, last_viewed_at=now, completed_at=now)
    L("QuickCheckAnswer").objects.create(user=student, quick_check=check, selected=[0], correct=True, answered_at=now)
    L("ApiToken").objects.create(user=direct, name="script", prefix=SECRET[:12], digest=ApiToken.digest_for(SECRET))

    F = lambda name: old.get_model("flashcards", name)  # noqa: E731
    deck = F("Deck").objects.create(stable_id="deck-1", slug="basics-deck", title="Basics deck", module=module)
    card = F("Card").objects.create(stable_id="card-1", deck=deck, front="f", front_html="<p>f</p>", back="b", back_html="<p>b</p>", lesson=lesson)
    F("CardState").objects.create(user=student, card=card, state=2, stability=30.0, difficulty=5.0, due=now, last_review=now, reps=3, studied=True)
    F("ReviewLog").objects.create(
        user=student, card=card, rating=3, reviewed_at=now, state_before=1, state_after=2, due_after=now, before={}
    )
    F("StudyPreferences").objects.create(user=student)
    F("DeckPause").objects.create(user=grouped, deck=deck)

    lab = old.get_model("labs", "Lab").objects.create(
        stable_id="lab-1", slug="queue-basics", title="Queue basics", starter_code="", solution_code="", module=module
    )
    old.get_model("labs", "Submission").objects.create(
        user=student, lab=lab, code="print(1)", status="passed", score=1.0, checkpoints=[{"id": "c1", "title": "Queue", "passed": True}]
    )

    classroom = L("Classroom").objects.create(name="Monday group", join_code="ABCDEFGH", created_by=direct)
    for user, role in ((direct, "instructor"), (grouped, "instructor"), (student, "student")):
        L("ClassMembership").objects.create(classroom=classroom, user=user, role=role)
    due = now + timezone.timedelta(days=7)
    L("Assignment").objects.create(classroom=classroom, kind="lesson", lesson=lesson, due_at=due)
    L("Assignment").objects.create(classroom=classroom, kind="lab", lab=lab, due_at=due)
    L("Assignment").objects.create(classroom=classroom, kind="deck", deck=deck, due_at=due, deck_target="reviewed")
    L("UserTimezone").objects.create(user=direct, name="Europe/Paris")
    return classroom.id, student.id


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_split_upgrades_in_place_and_keeps_working(django_user_model):
    # The cache outlives test databases and this token's secret is fixed: a
    # previous run's look-up must not answer for this run's rows.
    token_cache_forget([ApiToken.digest_for(SECRET)])
    old = _build_the_old_database()
    class_id, student_id = _fill(old)
    # Logged in before the upgrade: the session row is made now, with the old code's tables.
    instructor_browser, student_browser = Client(), Client()
    instructor_browser.force_login(django_user_model.objects.get(username="ines"))
    student_browser.force_login(django_user_model.objects.get(username="sam"))
    before = _row_counts()
    assert all(before.values()), {t: n for t, n in before.items() if not n}  # something in every table

    call_command("migrate", verbosity=0)  # today's migrations, then post_migrate, as an operator runs it
    ContentType.objects.clear_cache()

    after = _row_counts()
    assert {t: after.get(t) for t in before} == before
    # Tables that later migrations add (labs_labdraft, ...) start empty.
    assert {t: n for t, n in after.items() if t not in before and n} == {}
    # The permission and its grants moved with the content type; nothing is left under learning.
    assert not ContentType.objects.filter(app_label="learning", model__in=["classroom", "apitoken"]).exists()
    users = {u.username: u for u in django_user_model.objects.all()}
    assert users["ines"].has_perm("classes.teach_class")
    assert users["gus"].has_perm("classes.teach_class")
    assert not users["sam"].has_perm("classes.teach_class")

    # The token made before authenticates the API, and the sessions still log in.
    gradebook = Client().get(f"/api/classes/{class_id}/gradebook/", HTTP_AUTHORIZATION=f"Bearer {SECRET}")
    assert gradebook.status_code == 200, gradebook.content
    (row,) = gradebook.json()["students"]
    assert row["username"] == "sam"
    # The gradebook reads the old progress, reviews and submissions: lesson, lab and deck all done.
    assert [r["done"] for r in row["results"]] == [True, True, True]
    assert [a["title"] for a in gradebook.json()["assignments"]] == ["Events", "Queue basics", "Basics deck"]
    page = instructor_browser.get(f"/classes/{class_id}/")
    assert page.status_code == 200 and "Monday group" in page.content.decode()
    assert "sam" in instructor_browser.get(f"/classes/{class_id}/gradebook/").content.decode()
    assert instructor_browser.get(f"/classes/{class_id}/students/{student_id}/").status_code == 200
    assert "Monday group" in student_browser.get("/classes/").content.decode()
    # Teaching still works for the instructor who holds the permission through a group.
    gus = Client()
    gus.force_login(users["gus"])
    created = gus.post("/classes/new/", {"name": "Tuesday group"})
    assert created.status_code == 302
