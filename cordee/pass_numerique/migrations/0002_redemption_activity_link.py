"""``Redemption.activity_id`` (a plain identifier) becomes a foreign key to the activity, in the same column.

Identifiers pointing to no activity are set to null first, so that the database accepts the link.
"""

import django.db.models.deletion
from django.db import migrations, models


def forget_missing_activities(apps, schema_editor):
    Redemption = apps.get_model("pass_numerique", "Redemption")
    Activity = apps.get_model("activities", "Activity")
    linked = Redemption.objects.filter(activity_id__isnull=False)
    linked.exclude(activity_id__in=Activity.objects.values("pk")).update(activity_id=None)


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_activities"),
        ("pass_numerique", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forget_missing_activities, migrations.RunPython.noop),
        # Name the column explicitly, rename the field (the column stays), then make it a foreign key.
        migrations.AlterField(
            model_name="redemption",
            name="activity_id",
            field=models.PositiveBigIntegerField("accompagnement", null=True, blank=True, db_column="activity_id"),
        ),
        migrations.RenameField(model_name="redemption", old_name="activity_id", new_name="activity"),
        migrations.AlterField(
            model_name="redemption",
            name="activity",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pass_redemptions",
                to="activities.activity",
                verbose_name="accompagnement",
            ),
        ),
    ]
