# Idempotency keys of API writes, with the stored response.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="IdempotencyKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("endpoint", models.CharField(max_length=200, verbose_name="point d'accès")),
                ("key", models.CharField(max_length=255, verbose_name="clé")),
                ("fingerprint", models.CharField(max_length=64, verbose_name="empreinte de la requête")),
                ("response_status", models.PositiveSmallIntegerField(null=True, verbose_name="statut de la réponse")),
                ("response_body", models.TextField(blank=True, verbose_name="corps de la réponse (JSON)")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="reçue le")),
                ("expires_at", models.DateTimeField(db_index=True, verbose_name="oubliée après le")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "clé d'idempotence",
                "verbose_name_plural": "clés d'idempotence",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "endpoint", "key"), name="api_idempotency_key_unique_per_endpoint"
                    )
                ],
            },
        ),
    ]
