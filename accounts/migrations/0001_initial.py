# ApiToken lived in learning/ until accounts/ split from it, and
# learning/migrations/0001_initial.py created its table. A database from those
# days has the table and its rows: this migration then only records the model
# in accounts' state. A new database gets the table here.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class CreateModelUnlessTableExists(migrations.CreateModel):
    """CreateModel that leaves an existing table (the same name, made by the
    learning migration of before the split) as it is."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.name)
        if model._meta.db_table in schema_editor.connection.introspection.table_names():
            return
        super().database_forwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModelUnlessTableExists(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100)),
                ('prefix', models.CharField(help_text='First characters, to tell tokens apart', max_length=12)),
                ('digest', models.CharField(max_length=64, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('last_used_at', models.DateTimeField(blank=True, null=True)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'learning_apitoken',
                'ordering': ['-created_at'],
            },
        ),
    ]
