"""The policy refuses nothing the site itself does: no page logs a CSP
violation in a real chromium, and the scripts moved out of the markup work."""

import pytest
from django.contrib.auth.models import Permission

from classes.services.classes import assignment_create, classroom_create
from tests.classes.conftest import due_in

pytestmark = pytest.mark.browser


def _log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct-horse-battery")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/accounts/login/" not in page.url


def test_no_page_breaks_the_policy(page, live_server, live_course, django_user_model):
    ivy = django_user_model.objects.create_user("ivy", "ivy@example.com", "correct-horse-battery")
    ivy.user_permissions.add(Permission.objects.get(codename="teach_class", content_type__app_label="classes"))
    classroom = classroom_create(user=django_user_model.objects.get(pk=ivy.pk), name="Policy 101")
    assignment_create(classroom=classroom, kind="deck", slug="basics", due_at=due_in(3))
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    _log_in(page, live_server, "ivy")
    for path in ["/", "/search/?q=queue", "/flashcards/review/", "/flashcards/cards/", "/flashcards/stats/", "/labs/", "/labs/jobs-queue/",
                 "/classes/", f"/classes/{classroom.id}/", f"/classes/{classroom.id}/gradebook/", "/accounts/", "/accounts/password/"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert "/accounts/login/" not in page.url, path
    assert violations == []


def test_the_join_link_selects_itself_on_focus(page, live_server, live_course, django_user_model):
    ivy = django_user_model.objects.create_user("ivy", "ivy@example.com", "correct-horse-battery")
    ivy.user_permissions.add(Permission.objects.get(codename="teach_class", content_type__app_label="classes"))
    classroom = classroom_create(user=django_user_model.objects.get(pk=ivy.pk), name="Policy 101")
    _log_in(page, live_server, "ivy")
    page.goto(f"{live_server.url}/classes/{classroom.id}/")
    page.focus("#join-url")
    selected = page.evaluate("() => { const i = document.querySelector('#join-url'); return [i.selectionStart, i.selectionEnd, i.value.length]; }")
    assert selected[0] == 0 and selected[1] == selected[2] > 0
