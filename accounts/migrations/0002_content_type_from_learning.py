"""The API token's content type moves from learning to accounts, with the
permissions tied to it (staff may hold "can view api token" and the like).

Renaming the content type in place keeps every grant (user and group
permissions point at Permission rows, which point at the content type) and
every admin log entry. A new database has no such type: post_migrate creates it.
Each app's move is written out in its own migration, which stays frozen; the
twin is classes/migrations/0003_content_types_from_learning.py.
"""

from django.db import migrations

MODELS = ["apitoken"]


def _move(apps, schema_editor, *, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    for model in MODELS:
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.using(db).filter(app_label=target, model=model).first()
        if new is None:
            old.app_label = target
            old.save(update_fields=["app_label"])
            continue
        # Both exist when post_migrate ran with the new code before this
        # migration did (for example `migrate` of another app first): keep the
        # new type and hand it the old one's grants.
        for permission in Permission.objects.using(db).filter(content_type=old):
            twin = Permission.objects.using(db).filter(content_type=new, codename=permission.codename).first()
            if twin is None:
                permission.content_type = new
                permission.save(update_fields=["content_type"])
            else:
                twin.user_set.add(*permission.user_set.all())
                twin.group_set.add(*permission.group_set.all())
                permission.delete()


def forwards(apps, schema_editor):
    _move(apps, schema_editor, source="learning", target="accounts")


def backwards(apps, schema_editor):
    _move(apps, schema_editor, source="accounts", target="learning")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
