from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("labs", "0003_labdraft"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="trace",
            field=models.JSONField(default=list),
        ),
    ]
