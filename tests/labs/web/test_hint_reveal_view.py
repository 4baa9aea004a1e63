def test_hints_are_revealed_one_at_a_time_without_javascript(alice_client, lab):
    page = alice_client.get(f"/labs/{lab.slug}/").content.decode()
    assert "Use <code>create_queue</code>" not in page and "2 hints left" in page
    response = alice_client.post(f"/labs/{lab.slug}/hints/")
    assert response.status_code == 302 and response["Location"] == f"/labs/{lab.slug}/#hint-1"
    page = alice_client.get(f"/labs/{lab.slug}/").content.decode()
    assert "Use <code>create_queue</code>" in page and "case-sensitive" not in page and "1 hint left" in page
    alice_client.post(f"/labs/{lab.slug}/hints/")
    alice_client.post(f"/labs/{lab.slug}/hints/")  # past the last: stays at the last
    page = alice_client.get(f"/labs/{lab.slug}/").content.decode()
    assert "case-sensitive" in page and "That is every hint" in page


def test_with_htmx_it_returns_the_hints_region_and_moves_focus_to_the_new_hint(alice_client, lab):
    body = alice_client.post(f"/labs/{lab.slug}/hints/", headers={"HX-Request": "true"}).content.decode()
    assert body.lstrip().startswith('<section id="hints"')
    assert 'id="hint-1" tabindex="-1" data-focus-after-swap' in body


def test_revealed_hints_are_remembered_per_lab(alice_client, lab, make_lab):
    other = make_lab()
    alice_client.post(f"/labs/{lab.slug}/hints/")
    assert "2 hints left" in alice_client.get(f"/labs/{other.slug}/").content.decode()


def test_revealing_needs_a_login_and_a_post(client, alice_client, lab):
    assert client.post(f"/labs/{lab.slug}/hints/").status_code == 302
    assert alice_client.get(f"/labs/{lab.slug}/hints/").status_code == 405
