from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("labs", "0002_submission_dispatched_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="trace",
            field=models.JSONField(default=list),
        ),
    ]
