from learning.models import Lesson
from learning.services.lessons import lesson_complete, lesson_view_record


def test_home_lists_modules_and_lessons_in_order(client, synced_course):
    body = client.get("/").content.decode()
    assert "Fixture Course" in body
    assert body.index("Basics") < body.index("Queues")
    assert body.index("Visibility timeout") < body.index("Dead-letter queues")


def test_home_shows_progress_and_where_to_continue(alice_client, alice, synced_course):
    lesson_complete(user=alice, lesson=Lesson.objects.get(slug="events"))
    lesson_view_record(user=alice, lesson=Lesson.objects.get(slug="dead-letters"))
    body = alice_client.get("/").content.decode()
    assert "1 of 3 lessons complete" in body
    assert 'aria-valuenow="100"' in body  # Basics: 1 of 1
    assert 'href="/lessons/dead-letters/">Dead-letter queues →' in body


def test_another_learners_progress_is_not_shown(client, alice, bob, synced_course):
    lesson_complete(user=alice, lesson=Lesson.objects.get(slug="events"))
    client.force_login(bob)
    assert "0 of 3 lessons complete" in client.get("/").content.decode()


def test_home_without_a_course_says_how_to_load_one(client, db):
    body = client.get("/").content.decode()
    assert "sync_course" in body
