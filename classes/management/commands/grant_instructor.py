from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from classes.services.classes import instructor_grant


class Command(BaseCommand):
    help = "Let USERNAME create and teach classes (the classes.teach_class permission). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--revoke", action="store_true", help="take the permission away instead")

    def handle(self, *args, username, revoke, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}: they must sign up (or be created) first")
        changed = instructor_grant(user=user, grant=not revoke)
        if revoke:
            self.stdout.write(f"{username} can no longer create classes." if changed else f"{username} was not an instructor; nothing changed.")
        else:
            self.stdout.write(f"{username} can now create and teach classes." if changed else f"{username} is already an instructor; nothing changed.")
