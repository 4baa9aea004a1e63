"""The "add to my cards" link a lesson page includes."""

from django.template.loader import render_to_string
from django.test import RequestFactory

from learning.models import Lesson


def test_it_links_to_the_card_form_for_the_lesson(alice, decks):
    request = RequestFactory().get("/lessons/events/")
    request.user = alice
    html = render_to_string("flashcards/_add_from_lesson.html", {"lesson": Lesson.objects.get(slug="events"), "user": alice}, request=request)
    assert 'href="/flashcards/cards/new/?lesson=events"' in html
