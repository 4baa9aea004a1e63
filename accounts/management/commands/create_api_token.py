from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.services.tokens import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME and print it as the last word of the output."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="a label to recognise the token by")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        _token, secret = api_token_create(user=user, name=name)
        self.stdout.write(f"Token for {username} (shown once, store it now): {secret}")
