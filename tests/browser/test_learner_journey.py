"""A newcomer signs up, reads a lesson, answers a quick check, completes it and sees progress."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_sign_up_read_answer_complete_and_see_progress(page, live_server, live_course):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password", exact=True).fill("a-long-pass-phrase-42")
    page.get_by_label("Password confirmation").fill("a-long-pass-phrase-42")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("Welcome, dana!")).to_be_visible()
    expect(page.get_by_text("0 of 3 lessons complete")).to_be_visible()

    page.get_by_role("link", name="Events and commands", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Events and commands")
    expect(page.locator("svg.flow")).to_be_visible()

    check = page.locator("#qc-qc-events-tense")
    check.get_by_label("PlaceOrder").check()
    check.get_by_role("button", name="Check answer").click()
    expect(page.locator("#qc-qc-events-tense .qc-result")).to_contain_text("Not quite")
    expect(page.locator("#qc-qc-events-tense")).to_contain_text("Past tense states a fact")
    page.locator("#qc-qc-events-tense").get_by_role("link", name="Answer again").click()
    page.locator("#qc-qc-events-tense").get_by_label("OrderPlaced").check()
    page.locator("#qc-qc-events-tense").get_by_role("button", name="Check answer").click()
    expect(page.locator("#qc-qc-events-tense .qc-result")).to_contain_text("Right")

    page.get_by_role("button", name="Mark lesson complete").click()
    expect(page.get_by_text("Lesson complete.")).to_be_visible()

    page.get_by_role("link", name="Redrive").click()
    expect(page.get_by_text("1 of 3 lessons complete")).to_be_visible()
    expect(page.get_by_role("progressbar", name="Basics progress")).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_role("link", name="Visibility timeout →")).to_be_visible()


def test_the_lesson_works_without_javascript(chromium, live_server, live_course, django_user_model):
    django_user_model.objects.create_user("erin", password="a-long-pass-phrase-42")
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password").fill("a-long-pass-phrase-42")
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/lessons/visibility/")
    page.locator("#qc-qc-visibility-expire").get_by_label("True").check()
    page.locator("#qc-qc-visibility-expire").get_by_role("button", name="Check answer").click()
    expect(page.locator("#qc-qc-visibility-expire .qc-result")).to_contain_text("Right")
    page.get_by_role("button", name="Mark lesson complete").click()
    expect(page.get_by_text("Lesson complete.")).to_be_visible()
    context.close()


def test_the_theme_switch_sets_dark_mode_and_keeps_the_page(page, live_server, live_course):
    page.goto(live_server.url + "/lessons/events/")
    page.get_by_role("button", name="Switch to dark theme").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(page.get_by_role("heading", level=1)).to_have_text("Events and commands")


def test_keyboard_users_can_skip_to_content_and_see_focus(page, live_server, live_course):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
