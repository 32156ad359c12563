from django.db import migrations, models


def mark_orders_naming_places(apps, schema_editor):
    """Orders that name accepted places today keep to them, even once those places are gone."""
    order_model = apps.get_model("pass_numerique", "Order")
    through = order_model.accepted_places.through
    named = through.objects.values_list("order_id", flat=True).distinct()
    order_model.objects.filter(pk__in=named).update(named_places_only=True)


class Migration(migrations.Migration):
    dependencies = [
        ("pass_numerique", "0003_append_only_ledger"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="named_places_only",
            field=models.BooleanField(default=False, editable=False, verbose_name="seulement les lieux nommés"),
        ),
        migrations.RunPython(mark_orders_naming_places, migrations.RunPython.noop),
    ]
