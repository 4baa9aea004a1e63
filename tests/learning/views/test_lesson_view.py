from learning.models import LessonProgress, QuickCheckAnswer


def test_anyone_can_read_a_lesson(client, synced_course):
    response = client.get("/lessons/events/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1 id=\"lesson-title\">Events and commands</h1>" in body
    assert 'class="flow"' in body  # the diagram
    assert "Which name fits an event?" in body
    assert "Log in</a> or" in body


def test_an_unknown_slug_is_a_404_page(client, synced_course):
    response = client.get("/lessons/not-a-lesson/")
    assert response.status_code == 404
    assert "dead-letter queue" in response.content.decode()


def test_reading_records_progress_for_a_learner(alice_client, alice, synced_course):
    alice_client.get("/lessons/visibility/")
    progress = LessonProgress.objects.get(user=alice, lesson__slug="visibility")
    assert progress.completed_at is None


def test_previous_and_next_follow_course_order(client, synced_course):
    body = client.get("/lessons/visibility/").content.decode()
    assert 'href="/lessons/events/" rel="prev"' in body
    assert 'href="/lessons/dead-letters/" rel="next"' in body


def test_marking_complete_without_javascript_redirects_back(alice_client, alice, synced_course):
    response = alice_client.post("/lessons/events/complete/", {"completed": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/lessons/events/#complete"
    assert LessonProgress.objects.get(user=alice, lesson__slug="events").completed_at is not None


def test_marking_complete_with_htmx_returns_the_partial(alice_client, synced_course):
    response = alice_client.post("/lessons/events/complete/", {"completed": "1"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Lesson complete" in body and "<html" not in body


def test_complete_rejects_get(alice_client, synced_course):
    assert alice_client.get("/lessons/events/complete/").status_code == 405


def test_complete_requires_login(client, synced_course):
    response = client.post("/lessons/events/complete/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_answering_a_quick_check_shows_feedback_and_is_remembered(alice_client, alice, synced_course):
    response = alice_client.post("/lessons/events/checks/qc-events-tense/", {"option": "0"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Not quite" in body and "That is an instruction" in body
    answer = QuickCheckAnswer.objects.get(user=alice)
    assert answer.correct is False and answer.selected == [0]

    alice_client.post("/lessons/events/checks/qc-events-tense/", {"option": "1"})
    page = alice_client.get("/lessons/events/").content.decode()
    assert "✓ Right." in page
    assert 'value="1" checked' in page
    assert QuickCheckAnswer.objects.get(user=alice).attempts == 2


def test_multiple_choice_is_right_only_with_every_right_option(alice_client, alice, synced_course):
    alice_client.post("/lessons/visibility/checks/qc-visibility-apis/", {"option": ["0"]})
    assert QuickCheckAnswer.objects.get(user=alice).correct is False
    alice_client.post("/lessons/visibility/checks/qc-visibility-apis/", {"option": ["0", "1"]})
    assert QuickCheckAnswer.objects.get(user=alice).correct is True


def test_an_empty_or_bogus_answer_gets_a_message_and_stores_nothing(alice_client, synced_course):
    response = alice_client.post("/lessons/events/checks/qc-events-tense/", {}, headers={"HX-Request": "true"})
    assert response.status_code == 422 and "Choose an answer first." in response.content.decode()
    response = alice_client.post("/lessons/events/checks/qc-events-tense/", {"option": "9"}, headers={"HX-Request": "true"})
    assert "not one of the options" in response.content.decode()
    response = alice_client.post("/lessons/events/checks/qc-events-tense/", {"option": "x"})
    assert response.status_code == 302
    assert not QuickCheckAnswer.objects.exists()


def test_a_check_from_another_lesson_is_not_found(alice_client, synced_course):
    response = alice_client.post("/lessons/events/checks/qc-visibility-expire/", {"option": "0"})
    assert response.status_code == 404


def test_labs_of_the_lessons_module_are_offered_as_practice(client, synced_course):
    from labs.models import Lab
    from learning.models import Module

    queues = Module.objects.get(slug="queues")
    common = {"module": queues, "starter_code": "", "solution_code": "", "summary": "Catch the poison."}
    Lab.objects.create(stable_id="lab-a", slug="dlq-lab", title="Poison in the DLQ", **common)
    Lab.objects.create(stable_id="lab-b", slug="old-lab", title="Retired lab", is_active=False, **common)

    body = client.get("/lessons/visibility/").content.decode()
    assert 'href="/labs/dlq-lab/">Poison in the DLQ</a>' in body
    assert "Retired lab" not in body
    assert "Practise it in a lab" not in client.get("/lessons/events/").content.decode()


def test_a_learner_can_make_a_flashcard_from_the_lesson(alice_client, synced_course):
    from django.test import Client

    assert 'href="/flashcards/cards/new/?lesson=visibility"' in alice_client.get("/lessons/visibility/").content.decode()
    assert "/flashcards/cards/new/" not in Client().get("/lessons/visibility/").content.decode()


def test_answer_again_shows_the_check_with_nothing_chosen(alice_client, synced_course):
    alice_client.post("/lessons/events/checks/qc-events-tense/", {"option": "0"})
    page = alice_client.get("/lessons/events/").content.decode()
    assert 'value="0" checked disabled' in page  # the answer shown cannot be sent again as it is
    assert 'href="/lessons/events/?again=qc-events-tense#qc-qc-events-tense"' in page
    fresh = alice_client.get("/lessons/events/checks/qc-events-tense/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fresh and "checked" not in fresh and "disabled" not in fresh and "Check answer" in fresh
    assert alice_client.get("/lessons/events/checks/qc-events-tense/")["Location"] == "/lessons/events/?again=qc-events-tense#qc-qc-events-tense"
    again = alice_client.get("/lessons/events/?again=qc-events-tense").content.decode()
    check = again[again.index('id="qc-qc-events-tense"') :]
    check = check[: check.index("</form>")]
    assert "checked" not in check and "Check answer" in check


def test_only_a_swapped_in_result_asks_for_focus(alice_client, synced_course):
    alice_client.post("/lessons/events/complete/", {"completed": "1"})
    assert "data-focus-after-swap" not in alice_client.get("/lessons/events/").content.decode()
    swapped = alice_client.post("/lessons/events/complete/", {"completed": "0"}, headers={"HX-Request": "true"}).content.decode()
    assert "data-focus-after-swap" in swapped and "Finished reading?" in swapped


def test_options_are_shown_in_the_learners_order_and_graded_by_their_written_index(alice_client, alice, synced_course):
    import re

    from learning.models import QuickCheck
    from learning.selectors.quickchecks import quick_check_options_for

    check = QuickCheck.objects.filter(kind="multiple").first()
    page = alice_client.get(check.lesson.get_absolute_url()).content.decode()
    form = page[page.index(f'id="qc-{check.stable_id}"'):]
    form = form[: form.index("</form>")]
    shown = [int(v) for v in re.findall(r'name="option" value="(\d+)"', form)]
    assert shown == [o["index"] for o in quick_check_options_for(check=check, user=alice)]

    right = [i for i, o in enumerate(check.options) if o["correct"]]
    response = alice_client.post(
        f"/lessons/{check.lesson.slug}/checks/{check.stable_id}/", {"option": right}, HTTP_HX_REQUEST="true"
    )
    assert "Right." in response.content.decode()
