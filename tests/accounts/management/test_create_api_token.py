import pytest
from django.core.management import CommandError, call_command

from accounts.models import ApiToken


def test_it_prints_the_token_as_the_last_word(alice, capsys):
    call_command("create_api_token", "alice")
    secret = capsys.readouterr().out.split()[-1]
    assert ApiToken.objects.get(user=alice).digest == ApiToken.digest_for(secret)


def test_an_unknown_user_is_an_error(db):
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        call_command("create_api_token", "nobody")
