from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from classes.services.classes import can_teach

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("grant_instructor", *args, stdout=out)
    return out.getvalue()


def test_it_grants_the_teach_permission(sam, django_user_model):
    assert "can now create and teach classes" in run("sam")
    assert can_teach(django_user_model.objects.get(pk=sam.pk))


def test_running_it_twice_changes_nothing_and_says_so(sam):
    run("sam")
    assert "already an instructor; nothing changed" in run("sam")
    assert sam.user_permissions.count() == 1


def test_it_names_an_unknown_user(db):
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        run("nobody")


def test_revoke_takes_the_permission_away(ivy, django_user_model):
    assert "can no longer create classes" in run("ivy", "--revoke")
    assert not can_teach(django_user_model.objects.get(pk=ivy.pk))
