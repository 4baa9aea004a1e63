"""A quick check and Mark complete, as a keyboard or screen-reader user meets
them: the server's message for an empty answer is shown, "Answer again" starts
afresh, and focus follows each swap instead of falling to <body>."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def lesson_page(page, live_server, live_course, django_user_model):
    django_user_model.objects.create_user("dana", "dana@example.com", "a-long-pass-phrase-42")
    page.goto(live_server.url + "/accounts/login/?next=/lessons/events/")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill("a-long-pass-phrase-42")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Events and commands")
    return page


def _focused(page) -> str:
    return page.evaluate("document.activeElement === document.body ? 'BODY' : document.activeElement.outerHTML")


def test_checking_with_nothing_chosen_shows_the_servers_message_and_focuses_it(lesson_page):
    check = lesson_page.locator("#qc-qc-events-tense")
    check.get_by_role("button", name="Check answer").click()
    expect(check.locator(".qc-result")).to_have_text("Choose an answer first.")
    assert "Choose an answer first." in _focused(lesson_page)


def test_answer_again_clears_the_choice_and_focus_follows_the_result(lesson_page):
    check = lesson_page.locator("#qc-qc-events-tense")
    check.get_by_label("PlaceOrder").check()
    check.get_by_role("button", name="Check answer").click()
    expect(check.locator(".qc-result")).to_contain_text("Not quite")
    assert "Not quite" in _focused(lesson_page)
    check.get_by_role("link", name="Answer again").click()
    expect(check.get_by_role("button", name="Check answer")).to_be_visible()
    expect(check.get_by_label("PlaceOrder")).not_to_be_checked()
    expect(check.locator(".qc-result")).to_have_count(0)
    assert 'name="option"' in _focused(lesson_page)  # the first option, ready for the keyboard
    check.get_by_role("button", name="Check answer").click()  # nothing chosen: not the old choice resent
    expect(check.locator(".qc-result")).to_have_text("Choose an answer first.")


def test_mark_complete_moves_focus_to_the_result(lesson_page):
    lesson_page.get_by_role("button", name="Mark lesson complete").click()
    expect(lesson_page.get_by_text("Lesson complete.")).to_be_visible()
    assert "Lesson complete." in _focused(lesson_page)
    lesson_page.get_by_role("button", name="Mark as not complete").click()
    expect(lesson_page.get_by_text("Finished reading?")).to_be_visible()
    assert "Finished reading?" in _focused(lesson_page)
