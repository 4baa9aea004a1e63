from django.db import connection


def test_search_ranks_title_hits_first_and_highlights(client, synced_course):
    response = client.get("/search/", {"q": "visibility"})
    body = response.content.decode()
    assert response.status_code == 200
    first = body.index("/lessons/visibility/")
    assert "<mark>" in body.lower() or "<mark>" in body
    assert first < body.find("/lessons/events/") or body.find("/lessons/events/") == -1


def test_search_finds_words_in_the_body(client, synced_course):
    body = client.get("/search/", {"q": "maxReceiveCount"}).content.decode()
    assert "/lessons/dead-letters/" in body


def test_search_with_no_hits_says_so(client, synced_course):
    body = client.get("/search/", {"q": "zebra"}).content.decode()
    assert "0 lessons" in body and "No lesson mentions that" in body


def test_search_escapes_the_query(client, synced_course):
    body = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in body


def test_search_uses_the_database_engine_it_has(client, synced_course):
    # On PostgreSQL this goes through full-text search (stemming finds "queues" for "queue").
    body = client.get("/search/", {"q": "queue"}).content.decode()
    assert "/lessons/dead-letters/" in body
    assert connection.vendor in ("sqlite", "postgresql")
