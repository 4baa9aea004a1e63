"""sync_course upserts labs by stable id, keeps submissions across renames and retires removed labs."""

import shutil

import pytest
from django.core.management import call_command

from labs.models import Lab, Submission


def sync(root):
    call_command("sync_course", str(root), "--skip-lab-grading", verbosity=0)


@pytest.mark.django_db
def test_a_lab_is_created_with_everything_the_pages_need(synced_course):
    lab = Lab.objects.get(stable_id="lab-jobs-queue-0004")
    assert (lab.slug, lab.title, lab.module.slug, lab.difficulty, lab.time_limit_s) == ("jobs-queue", "A queue for jobs", "queues", "intro", 10)
    assert lab.services == ["sqs"] and lab.attempts_before_solution == 2 and lab.is_active
    assert "<code>jobs</code>" in lab.instructions[0]["html"]
    assert lab.hints == ['<p>Use <code>create_queue</code> with <code>Attributes={"VisibilityTimeout": "45"}</code>.</p>\n']
    assert set(lab.grader_files) == {"grader.py", "variants.py"}
    assert "VisibilityTimeout" in lab.solution_code and "TODO" in lab.starter_code
    assert lab.source_path == "course/labs/jobs-queue"


@pytest.mark.django_db
def test_renaming_a_lab_keeps_its_row_and_submissions(synced_course, alice):
    lab = Lab.objects.get(stable_id="lab-jobs-queue-0004")
    Submission.objects.create(user=alice, lab=lab, code="x", status=Submission.Status.FAILED)
    old = synced_course / "labs" / "jobs-queue"
    new = synced_course / "labs" / "job-runner"
    shutil.move(old, new)
    lab_yaml = new / "lab.yaml"
    lab_yaml.write_text(lab_yaml.read_text().replace("slug: jobs-queue", "slug: job-runner").replace("title: A queue for jobs", "title: Job runner"))
    sync(synced_course)
    renamed = Lab.objects.get(stable_id="lab-jobs-queue-0004")
    assert (renamed.pk, renamed.slug, renamed.title) == (lab.pk, "job-runner", "Job runner")
    assert renamed.submissions.count() == 1


@pytest.mark.django_db
def test_a_removed_lab_is_retired_not_deleted(synced_course, alice):
    lab = Lab.objects.get(stable_id="lab-jobs-queue-0004")
    Submission.objects.create(user=alice, lab=lab, code="x", status=Submission.Status.PASSED)
    shutil.rmtree(synced_course / "labs" / "jobs-queue")
    sync(synced_course)
    lab.refresh_from_db()
    assert not lab.is_active
    assert lab.submissions.count() == 1


@pytest.mark.django_db
def test_a_lab_that_comes_back_is_active_again(synced_course):
    saved = synced_course.parent / "saved-lab"
    shutil.move(synced_course / "labs" / "jobs-queue", saved)
    sync(synced_course)
    shutil.move(saved, synced_course / "labs" / "jobs-queue")
    sync(synced_course)
    lab = Lab.objects.get(stable_id="lab-jobs-queue-0004")
    assert lab.is_active and lab.slug == "jobs-queue"


@pytest.mark.django_db
def test_an_invalid_lab_refuses_the_whole_sync(synced_course):
    lab_yaml = synced_course / "labs" / "jobs-queue" / "lab.yaml"
    lab_yaml.write_text(lab_yaml.read_text().replace("title: A queue for jobs", "title: Renamed"))
    (synced_course / "labs" / "jobs-queue" / "grader.py").write_text("def grade(run:\n")
    with pytest.raises(Exception):
        sync(synced_course)
    assert Lab.objects.get(stable_id="lab-jobs-queue-0004").title == "A queue for jobs"


@pytest.mark.django_db
def test_a_lab_keeps_the_lessons_it_practises_and_those_lessons_offer_it_first(course_copy, client, django_user_model):
    from labs.selectors.labs import labs_for_lesson, lessons_of_lab
    from learning.models import Lesson

    lab_yaml = course_copy / "labs" / "jobs-queue" / "lab.yaml"
    lab_yaml.write_text(lab_yaml.read_text() + "lessons: [visibility, events]\n")
    sync(course_copy)
    lab = Lab.objects.get(slug="jobs-queue")
    # events sits in another module (basics): it offers the lab because the lab practises it.
    assert [lesson.slug for lesson in lessons_of_lab(lab=lab)] == ["events", "visibility"]
    assert labs_for_lesson(lesson=Lesson.objects.get(slug="events")) == [lab]
    # dead-letters is in the lab's module but not practised: still offered, after the ones practised.
    assert labs_for_lesson(lesson=Lesson.objects.get(slug="dead-letters")) == [lab]
    page = client.get("/labs/jobs-queue/").content.decode()
    assert 'Practises <a href="/lessons/events/">' in page and '<a href="/lessons/visibility/">' in page

    lab_yaml.write_text(lab_yaml.read_text().replace("lessons: [visibility, events]\n", "lessons: [visibility]\n"))
    sync(course_copy)
    assert labs_for_lesson(lesson=Lesson.objects.get(slug="events")) == []
