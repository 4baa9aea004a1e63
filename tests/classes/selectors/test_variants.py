"""Which lab variant a learner gets: their own, or the one their class chose."""

import pytest

from classes.services.classes import assignment_create, classroom_lab_variant_set
from labs.selectors.variants import lab_seed, learner_own_seed
from tests.classes.conftest import due_in

pytestmark = pytest.mark.django_db


def test_a_learner_keeps_their_own_variant_when_no_class_chooses(sam, vic, lab):
    assert lab_seed(user=vic, lab=lab) == learner_own_seed(user_id=vic.pk, lab=lab)
    assert lab_seed(user=vic, lab=lab) == lab_seed(user=vic, lab=lab)
    assert 0 <= lab_seed(user=vic, lab=lab) < 1000


def test_learners_mostly_get_different_variants(make_lab):
    lab = make_lab()
    seeds = {learner_own_seed(user_id=user_id, lab=lab) for user_id in range(1, 201)}
    assert len(seeds) > 150  # 200 draws from 1000: a few collide, most do not


def test_a_class_that_chose_one_variant_gives_it_to_its_students_for_the_labs_it_assigns(messaging, sam, ivy, vic, lab, make_lab):
    assignment_create(classroom=messaging, kind="lab", slug=lab.slug, due_at=due_in(3))
    classroom_lab_variant_set(classroom=messaging, value="417")
    assert lab_seed(user=sam, lab=lab) == 417
    # Not for a lab the class does not assign, nor for its instructor, nor outside it.
    other = make_lab()
    assert lab_seed(user=sam, lab=other) == learner_own_seed(user_id=sam.pk, lab=other)
    assert lab_seed(user=ivy, lab=lab) == learner_own_seed(user_id=ivy.pk, lab=lab)
    assert lab_seed(user=vic, lab=lab) == learner_own_seed(user_id=vic.pk, lab=lab)


def test_clearing_the_class_variant_gives_students_their_own_again(messaging, sam, lab):
    assignment_create(classroom=messaging, kind="lab", slug=lab.slug, due_at=due_in(3))
    classroom_lab_variant_set(classroom=messaging, value="5")
    classroom_lab_variant_set(classroom=messaging, value="  ")
    assert messaging.lab_variant is None
    assert lab_seed(user=sam, lab=lab) == learner_own_seed(user_id=sam.pk, lab=lab)


def test_the_oldest_class_wins_when_two_choose(messaging, streams, tess, lab):
    for classroom, variant in ((messaging, "7"), (streams, "9")):
        assignment_create(classroom=classroom, kind="lab", slug=lab.slug, due_at=due_in(3))
        classroom_lab_variant_set(classroom=classroom, value=variant)
    assert lab_seed(user=tess, lab=lab) == 7
