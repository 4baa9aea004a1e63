import importlib

from django.conf import settings
from django.db import migrations, models

# Adding a column with a default makes Django rebuild the table on SQLite
# (create, copy, drop, rename), and the rebuilt table has none of the triggers
# 0007 put on it: put them back, so the tallies keep counting. PostgreSQL adds
# the column in place and keeps its triggers.
_tallies = importlib.import_module("flashcards.migrations.0007_review_tallies")
_CARDSTATE_TRIGGERS = [
    statement.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1)
    for statement in _tallies.SQLITE
    if statement.startswith("CREATE TRIGGER flashcards_cardstate_")
]


def restore_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _CARDSTATE_TRIGGERS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('flashcards', '0007_review_tallies'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Run backwards after the column is removed (another rebuild).
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_triggers),
        migrations.AddField(
            model_name='cardstate',
            name='version',
            field=models.PositiveIntegerField(db_default=0, default=0),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='reviewlog',
            index=models.Index(fields=['user', 'id'], name='reviewlog_user_seq'),
        ),
    ]
