"""The lab editor in a real browser: CodeMirror over the form's textarea,
drafts saved as you type and restored on reload, Ctrl+Enter to run, no
keyboard trap, "Start over" and leaving both ask, focus follows results, and
a first visit's history appears without a reload. Screenshots of the editor
at phone and desktop width, light and dark, go to /tmp/shots-editor/."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from labs.models import LabDraft, Submission
from tests.labs.views.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-editor")
PASSING = (
    "import boto3\n\nsqs = boto3.client('sqs')\n\n\ndef setup():\n"
    "    url = sqs.create_queue(QueueName='orders')['QueueUrl']\n"
    "    sqs.send_message(QueueUrl=url, MessageBody='{}')  # one order\n"
)


def _editor(page):
    return page.locator(".cm-content")


def _editor_text(page) -> str:
    """What CodeMirror holds, read from the textarea it keeps in step."""
    return page.locator("textarea#code").input_value()


def _replace_code(page, code: str):
    editor = _editor(page)
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.insert_text(code)  # one paste-like input: no auto-closing brackets or indents


def test_typed_code_is_saved_comes_back_on_reload_and_runs_with_ctrl_enter(in_browser, live_server, alice, lab, grading_worker):
    in_browser(lambda page: _type_reload_run(page, live_server, alice, lab))
    assert LabDraft.objects.get(user=alice, lab=lab).code.startswith("# first try\n")
    assert Submission.objects.get(user=alice, lab=lab).status == "passed"


def _type_reload_run(page, live_server, alice, lab):
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/labs/{lab.slug}/")
    editor = _editor(page)
    expect(editor).to_be_visible()
    expect(page.get_by_label("Your code")).to_have_count(1)  # the editor alone: the textarea is hidden
    expect(page.locator("#code")).to_be_hidden()
    expect(page.locator("#history")).to_be_hidden()  # a first visit: nothing to list yet
    expect(page.locator(".tok-keyword").first).to_have_text("import")  # Python highlighting

    _replace_code(page, PASSING)
    page.keyboard.press("ControlOrMeta+Home")
    page.keyboard.type("# first try")
    page.keyboard.press("Enter")
    status = page.locator("#draft-status")
    expect(status).to_have_text("Saved")
    assert _editor_text(page) == "# first try\n" + PASSING

    page.reload()
    expect(_editor(page)).to_contain_text("# first try")
    assert _editor_text(page) == "# first try\n" + PASSING
    expect(status).to_have_text("Draft saved just now")

    _editor(page).click()
    page.keyboard.press("ControlOrMeta+Enter")
    run = page.locator("#run")
    expect(run.locator(".verdict-pill")).to_have_text("✓ Passed")
    expect(page.locator("#run-announce")).to_have_text("Attempt 1 passed: 2 of 2 checkpoints passed.")
    expect(_editor(page)).to_be_focused()  # Ctrl+Enter keeps you in the editor; the verdict is announced
    assert _editor_text(page) == "# first try\n" + PASSING  # Ctrl+Enter ran the code; it added no line
    # Item 8: the first result's history appears without a reload.
    history = page.locator("#history")
    expect(history).to_be_visible()
    expect(history.get_by_role("link", name="Attempt 1")).to_be_visible()


def test_esc_then_tab_leaves_the_editor_and_tab_alone_indents(in_browser, live_server, alice, lab):
    in_browser(lambda page: _tab_then_escape(page, live_server, alice, lab))


def _tab_then_escape(page, live_server, alice, lab):
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/labs/{lab.slug}/")
    expect(page.get_by_text("To leave the editor with the keyboard, press")).to_be_visible()
    _replace_code(page, "")
    editor = _editor(page)
    page.keyboard.press("Tab")
    expect(editor).to_be_focused()
    assert _editor_text(page) == "    "
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    expect(editor).not_to_be_focused()
    assert _editor_text(page) == "    "
    # Focus went on to the next control after the editor, not back to the page.
    assert page.evaluate("document.activeElement.closest('form') && document.activeElement.closest('form').id") == "editor"
    page.keyboard.press("Shift+Tab")
    expect(editor).to_be_focused()


def test_start_over_asks_in_a_dialog_then_loads_the_starter(in_browser, live_server, alice, lab):
    in_browser(lambda page: _start_over(page, live_server, alice, lab))
    assert LabDraft.objects.get(user=alice, lab=lab).code == lab.starter_code


def _start_over(page, live_server, alice, lab):
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/labs/{lab.slug}/")
    _replace_code(page, "mine = 1\n")
    expect(page.locator("#draft-status")).to_have_text("Saved")

    page.get_by_role("link", name="Start over from the starter code").click()
    dialog = page.get_by_role("dialog", name="Start over from the starter code?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Keep my code").click()
    expect(dialog).to_be_hidden()
    assert _editor_text(page) == "mine = 1\n"

    page.get_by_role("link", name="Start over from the starter code").click()
    dialog.get_by_role("button", name="Replace my code").click()
    expect(_editor(page)).to_contain_text("def setup():")
    assert _editor_text(page) == lab.starter_code


def test_leaving_asks_only_while_a_save_is_pending_or_failed(in_browser, live_server, alice, lab):
    in_browser(lambda page: _leaving(page, live_server, alice, lab))


def _leaving(page, live_server, alice, lab):
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/labs/{lab.slug}/")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    _replace_code(page, "saved = 1\n")
    expect(page.locator("#draft-status")).to_have_text("Saved")
    page.goto(f"{live_server.url}/labs/")  # saved: leaves without a question
    assert asked == []

    page.goto(f"{live_server.url}/labs/{lab.slug}/")
    page.route("**/draft/", lambda route: route.abort())  # the server is out of reach
    _replace_code(page, "unsaved = 1\n")
    expect(page.locator("#draft-status")).to_contain_text("Not saved: the server cannot be reached")
    page.get_by_role("link", name="Labs", exact=True).first.click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    expect(page).to_have_url(re.compile(rf"/labs/{lab.slug}/$"))  # stayed, code still there
    assert _editor_text(page) == "unsaved = 1\n"


def test_a_draft_too_big_to_save_says_why(in_browser, live_server, alice, lab):
    in_browser(lambda page: _too_big(page, live_server, alice, lab))


def _too_big(page, live_server, alice, lab):
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/labs/{lab.slug}/")
    _replace_code(page, "#" * (65 * 1024))
    expect(page.locator("#draft-status")).to_have_text("Not saved: Your code is over 64 KiB; a lab solution fits in far less.")


def test_focus_moves_to_a_revealed_hint_and_to_the_verdict_after_the_run_button(in_browser, live_server, alice, lab, grading_worker):
    in_browser(lambda page: _focus(page, live_server, alice, lab))


def _focus(page, live_server, alice, lab):
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/labs/{lab.slug}/")
    page.get_by_role("button", name="Show a hint").click()
    expect(page.locator("#hint-1")).to_be_focused()
    page.get_by_role("button", name="Show the next hint").click()
    expect(page.locator("#hint-2")).to_be_focused()

    _replace_code(page, PASSING)
    page.get_by_role("button", name="Run & grade").click()
    expect(page.locator("#run .verdict-pill")).to_have_text("✓ Passed")
    expect(page.locator("#run-title")).to_be_focused()


def test_without_javascript_the_textarea_runs_and_start_over_asks_on_a_page(in_browser, live_server, alice, lab, grading_worker):
    in_browser(lambda page: _without_javascript(page, live_server, alice, lab))
    assert LabDraft.objects.get(user=alice, lab=lab).code == lab.starter_code


def _without_javascript(page, live_server, alice, lab):
    page = page.context.browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/labs/{lab.slug}/")
    expect(page.locator(".cm-editor")).to_have_count(0)
    code = page.get_by_label("Your code")
    code.fill(PASSING)
    page.get_by_role("button", name="Run & grade").click()
    # A browser without JavaScript refreshes through <noscript>'s meta refresh;
    # Playwright's script-less page still parses <noscript> as text, so reload here.
    for _ in range(60):
        if page.locator("#run .verdict-pill").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(page.locator("#run .verdict-pill")).to_have_text("✓ Passed")
    expect(page.get_by_label("Your code")).to_have_value(PASSING)
    page.get_by_role("link", name="Start over from the starter code").click()
    expect(page.get_by_role("heading", name="Start over from the starter code?")).to_be_visible()
    page.get_by_role("button", name="Replace my code").click()
    expect(page.get_by_label("Your code")).to_have_value(lab.starter_code)
    page.context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots_of_the_editor_in_both_themes_and_nothing_scrolls_sideways(in_browser, live_server, alice, lab, width):
    in_browser(lambda page: _shoot(page, live_server, alice, lab, width))


def _shoot(page, live_server, alice, lab, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, live_server, alice)
    page.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
    long_line = "    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({'order': 'o-1', 'total': 42, 'note': 'a long line'}))\n"
    for theme in ("light", "dark"):
        page.context.add_cookies([{"name": "theme", "value": theme, "url": live_server.url}])
        page.goto(f"{live_server.url}/labs/{lab.slug}/")
        _replace_code(page, f"# {theme}\n" + PASSING + long_line + "    print(f'sent {url!r}', 42, True, None)\n")
        expect(page.locator("#draft-status")).to_have_text("Saved")
        page.keyboard.press("ControlOrMeta+f")  # the search panel, to see it themed
        page.keyboard.type("orders")
        page.locator("#editor").scroll_into_view_if_needed()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
        page.screenshot(path=str(SHOTS / f"lab-{width}-{theme}.png"), full_page=True)
        page.locator("#editor").screenshot(path=str(SHOTS / f"editor-{width}-{theme}.png"))
        # Code colours against the editor's background: 4.5:1 or better (WCAG AA).
        worst = page.evaluate(CONTRAST_JS)
        assert worst["ratio"] >= 4.5, worst


CONTRAST_JS = """() => {
  const rgb = (s) => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const bg = rgb(getComputedStyle(document.querySelector('.cm-editor')).backgroundColor);
  let worst = { ratio: 99 };
  for (const el of document.querySelectorAll('.cm-line, .cm-line span, .cm-gutterElement')) {
    if (getComputedStyle(el).visibility === 'hidden' || !el.textContent.trim()) continue;  // the gutter's width probe
    const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < worst.ratio) worst = { ratio, cls: el.className, text: el.textContent.slice(0, 30) };
  }
  return worst;
}"""
