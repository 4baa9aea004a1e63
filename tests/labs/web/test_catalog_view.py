def test_anyone_can_see_the_catalog(client, lab, make_lab):
    make_lab(title="Hidden lab", is_active=False)
    body = client.get("/labs/").content.decode()
    assert f'href="/labs/{lab.slug}/"' in body and "Queue basics" in body
    assert "Hidden lab" not in body
    assert "Not started" not in body  # no per-learner status for visitors


def test_it_shows_each_labs_status_for_the_learner(alice_client, alice, bob, lab, make_lab, make_submission):
    passed_lab = make_lab(title="Passed lab")
    make_lab(title="Untouched lab")
    make_submission(user=alice, lab=lab, status="failed", score=0.5)
    make_submission(user=alice, lab=passed_lab, status="failed", score=0.25)
    make_submission(user=alice, lab=passed_lab, status="passed", score=1.0)
    make_submission(user=bob, lab=lab, status="passed", score=1.0)  # bob's pass is not alice's
    body = alice_client.get("/labs/").content.decode()
    assert "1 of 3 labs passed" in body
    assert body.count("✓ Passed") == 1 and "In progress" in body and "Not started" in body
    assert "best score 50%" in body and "best score 100%" in body


def test_a_lab_being_graded_shows_as_grading(alice_client, alice, lab, make_submission):
    make_submission(user=alice, lab=lab, status="running")
    assert "Grading" in alice_client.get("/labs/").content.decode()


def test_the_catalog_uses_a_fixed_number_of_queries(alice_client, alice, make_lab, make_submission, django_assert_max_num_queries):
    for _ in range(5):
        make_submission(user=alice, lab=make_lab(), status="failed", score=0.1)
    with django_assert_max_num_queries(8):
        alice_client.get("/labs/")
