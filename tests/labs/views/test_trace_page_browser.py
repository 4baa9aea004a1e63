"""The lab page after a wrong answer, with the flow drawn from a real trace
(the lab's own grader, in-process, on one of its wrong/ answers), in a real
browser: at phone width the drawing scrolls inside its figure, never the page.
Screenshots at 390 and 1280 px, light and dark, go to $TRACE_SHOTS (default
var/screenshots/labs-trace/)."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from moto import mock_aws

from grader.inprocess import grade_in_process
from labs.models import Lab
from tests.labs.course.conftest import LABS_DIR, lab_dict
from tests.labs.views.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("TRACE_SHOTS") or Path(__file__).resolve().parents[3] / "var" / "screenshots" / "labs-trace")
WRONG = {
    "sns-filter-fanout": "amount_greater_than_100.py",
    "sqs-dlq": "bool_is_int.py",
    "eventbridge-routing": "tier_anything_but_standard.py",
    "sqs-dlq-redrive": None,  # the first of its wrong/ answers
    "idempotent-consumer": "check_then_act.py",  # the race the held reads make: the faults, said
    "sqs-fifo-ordering": None,
    "saga-choreography": "no_queue_policy.py",  # undeliverable: the queue policy's refusal, said
}


def _wrong_answer(slug):
    folder = LABS_DIR / slug / "wrong"
    name = WRONG[slug] or sorted(p.name for p in folder.glob("*.py"))[0]
    path = folder / name
    if not path.exists():
        pytest.fail(f"{slug}/wrong/{name} is gone: pick another wrong answer")
    return path.read_text()


def _graded(alice, slug):
    with mock_aws():
        verdict = grade_in_process(lab_dict(slug), _wrong_answer(slug)).to_dict()
    lab = Lab.objects.get(slug=slug)
    lab.submissions.create(user=alice, attempt=1, code="# wrong", **{k: verdict[k] for k in ("status", "score", "checkpoints", "trace", "faults", "output", "error", "duration_ms")})
    return lab


@pytest.mark.parametrize("slug", list(WRONG))
def test_the_trace_drawn_flow_after_a_wrong_answer_fits_a_phone(in_browser, live_server, alice, slug):
    call_command("sync_course", str(settings.COURSE_DIR), "--skip-lab-grading")
    lab = _graded(alice, slug)
    SHOTS.mkdir(parents=True, exist_ok=True)

    def body(page):
        log_in(page, live_server, alice)
        url = f"{live_server.url}/labs/{lab.slug}/"
        for width, height in ((1280, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            for theme in ("light", "dark"):
                page.context.add_cookies([{"name": "theme", "value": theme, "url": live_server.url}])
                page.goto(url)
                assert page.locator("section.flow-view svg.flow").count() == 1
                if slug == "idempotent-consumer":
                    assert page.get_by_text("until the other invocations running at the same time had caught up").first.is_visible()
                assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), f"page overflows at {width} px"
                # The page after a verdict holds WCAG 2.2 AA like every other page (tests/browser/test_surface.py).
                serious = [
                    f"{v['id']}: {v['help']}" for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")
                ]
                assert not serious, f"{slug} at {width} px, {theme}: {serious}"
                # The section alone, with the site's sticky header out of the way (through
                # the CSSOM: the site's CSP refuses an injected <style>).
                page.evaluate("""() => document.querySelectorAll('body > header, .site-header')
                    .forEach((el) => el.style.setProperty('position', 'static', 'important'))""")
                page.locator("section.flow-view").screenshot(path=str(SHOTS / f"{slug}-{width}-{theme}.png"))
            if width == 390:
                scroller = page.locator("section.flow-view figure.diagram [data-scroll-x]")
                assert scroller.evaluate("f => f.scrollWidth > f.clientWidth"), "the drawing should scroll inside its figure"

    in_browser(body)
