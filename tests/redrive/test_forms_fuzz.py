"""Every HTML form and query parameter of the site, fed random text: NUL,
lone surrogates (sent as the bytes a client would send: their UTF-8-style
encoding, which is not UTF-8), huge and odd numbers, long strings. The promise:
no input gives a 500 (the test client re-raises a view's exception, so a crash
fails here as well as a 500 would).

Bounded: MAX_EXAMPLES per endpoint keeps the whole file near a minute."""

from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings as hypothesis_settings
from hypothesis import strategies as st

from classes.services.classes import assignment_create, classroom_create
from flashcards.models import Card
from learning.models import QuickCheck
from tests.classes.conftest import due_in

MAX_EXAMPLES = 20

SPECIAL = [
    "\x00", "a\x00b", "\ud800", "x\udfff", "\ud83d\ude00", "Infinity", "-Infinity", "NaN", "1e400", "-1e400",
    "1" * 30, "9" * 5000, "-1", "0", "1.5", "3.0", "²", "٣", "a²", "a" + "1" * 5000, "[1]", '{"a": 1}', "null", "true",
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-02-30", "0000-00-00", "x" * 20_000,
    "'; DROP TABLE auth_user; --", "<script>alert(1)</script>", "../../etc/passwd", " ", "\r\n", "\u202e", "ａｌｉｃｅ", "\u0430lice",
]

text = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=20),  # surrogates included
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.lists(st.sampled_from(SPECIAL), max_size=3).map("".join),
)


def _encode(pairs: dict) -> str:
    """As a browser or script sends a form: UTF-8, with lone surrogates as the
    (invalid) bytes of their UTF-8-style encoding."""
    return "&".join(f"{quote(k)}={quote(v.encode('utf-8', 'surrogatepass'))}" for k, v in pairs.items())


@pytest.fixture
def site(synced_course, client, alice, django_user_model):
    """alice, an instructor with a class (a lab and a deck assigned), logged in."""
    alice.user_permissions.add(Permission.objects.get(codename="teach_class", content_type__app_label="classes"))
    alice = django_user_model.objects.get(pk=alice.pk)
    classroom = classroom_create(user=alice, name="Fuzz 101")
    assignment_create(classroom=classroom, kind="deck", slug="basics", due_at=due_in(3))
    client.force_login(alice)
    check = QuickCheck.objects.filter(is_active=True).select_related("lesson").first()
    return {
        "class_id": classroom.id,
        "card_id": Card.objects.filter(is_active=True).first().id,
        "lesson": check.lesson.slug if check else "",
        "check": check.stable_id if check else "",
        "lab": "jobs-queue",
    }


# (method, path template, fields): every field gets fuzzed text.
ENDPOINTS = [
    ("get", "/search/", ["q"]),
    ("get", "/flashcards/cards/", ["q", "deck", "show", "page"]),
    ("get", "/flashcards/review/", ["card", "answer", "shown"]),
    ("get", "/classes/{class_id}/gradebook/", ["sort", "dir", "q", "show", "kind"]),
    ("get", "/labs/{lab}/", ["code"]),
    ("get", "/flashcards/cards/new/", ["lesson"]),
    ("post", "/accounts/signup/", ["username", "email", "password1", "password2"]),
    ("post", "/accounts/login/", ["username", "password", "next"]),
    ("post", "/accounts/", ["name"]),
    ("post", "/accounts/password/", ["old_password", "new_password1", "new_password2", "keep_api_tokens"]),
    ("post", "/classes/new/", ["name", "tz"]),
    ("post", "/classes/join/", ["join_code", "tz"]),
    ("post", "/classes/timezone/", ["timezone"]),
    ("post", "/classes/{class_id}/assignments/", ["item", "due_at", "deck_target", "deck_target_count", "tz"]),
    ("post", "/classes/{class_id}/instructors/", ["username"]),
    ("post", "/flashcards/cards/new/", ["deck", "front", "back", "tags", "lesson"]),
    ("post", "/flashcards/settings/", ["desired_retention", "learning_steps", "relearning_steps", "new_per_day", "reviews_per_day", "maximum_interval", "leech_threshold", "key_show", "key_again"]),
    ("post", "/flashcards/review/rate/", ["card_id", "rating", "shown"]),
    ("post", "/flashcards/review/undo/", ["card_id"]),
    ("post", "/labs/{lab}/run/", ["code"]),
    ("post", "/lessons/{lesson}/checks/{check}/", ["option"]),
    ("post", "/theme/", ["theme", "next"]),
]


@pytest.mark.parametrize("method, path, fields", ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS])
@hypothesis_settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_form_or_query_input_gives_a_500(site, client, method, path, fields, data):
    url = path.format(**site)
    values = {field: data.draw(text, label=field) for field in fields}
    if method == "get":
        response = client.get(url + "?" + _encode(values))
    else:
        response = client.post(url, _encode(values), content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, (url, values, response.status_code)


@hypothesis_settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(header=st.lists(text, min_size=1, max_size=4), rows=st.lists(st.lists(text, max_size=4), max_size=4), raw=st.binary(max_size=200))
def test_no_csv_import_gives_a_500(site, client, header, rows, raw):
    lines = [",".join(header)] + [",".join(row) for row in rows]
    for body in ("\n".join(lines).encode("utf-8", "surrogatepass"), raw, b"front,back\n" + raw):
        upload = SimpleUploadedFile("cards.csv", body, content_type="text/csv")
        response = client.post("/flashcards/import/", {"deck": "basics", "file": upload})
        assert response.status_code < 500
