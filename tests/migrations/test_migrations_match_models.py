"""The migrations describe the models exactly, and their order is clean: no
app's migrations wait on a later migration of an app above it."""

from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

# The order of the arrows (docs/architecture.md): an app's migrations may
# depend only on apps before it here, and on Django's own.
ORDER = ["accounts", "learning", "flashcards", "labs", "classes"]


def test_no_model_change_lacks_a_migration(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_each_app_s_migrations_depend_only_on_apps_below_it(db):
    loader = MigrationLoader(connection)
    wrong = []
    for (app, name), node in loader.graph.node_map.items():
        if app not in ORDER:
            continue
        for parent in node.parents:
            if parent.key[0] in ORDER and ORDER.index(parent.key[0]) > ORDER.index(app):
                wrong.append(f"{app}.{name} depends on {parent.key[0]}.{parent.key[1]}")
    assert not wrong, wrong
