# API tokens stored as SHA-256 digests, several named tokens per person; the clear tokens are hashed.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, verbose_name="nom")),
                (
                    "prefix",
                    models.CharField(
                        help_text="Pour reconnaître le jeton, sans le révéler.",
                        max_length=16,
                        verbose_name="début du jeton",
                    ),
                ),
                ("digest", models.CharField(editable=False, max_length=64, unique=True, verbose_name="empreinte")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="créé le")),
                ("last_used_at", models.DateTimeField(blank=True, null=True, verbose_name="dernière utilisation")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_tokens",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="personne",
                    ),
                ),
            ],
            options={
                "verbose_name": "jeton d'API",
                "verbose_name_plural": "jetons d'API",
            },
        ),
    ]


OLD_TABLE = "authtoken_token"


def hash_clear_tokens(apps, schema_editor):
    """Tokens of the former clear-text table (rest_framework.authtoken) become digests, then the table goes:
    integrations keep working, and no key stays readable in the database."""
    import datetime as dt
    import hashlib

    from django.utils.dateparse import parse_datetime

    def aware(value):
        value = parse_datetime(value) if isinstance(value, str) else value
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value

    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("users", "ApiToken")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {OLD_TABLE}")
        rows = cursor.fetchall()
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id,
            name="Jeton créé avant les jetons nommés",
            prefix=key[:10],
            digest=hashlib.sha256(key.encode()).hexdigest(),
            created_at=aware(created),
        )
        for key, user_id, created in rows
    )
    schema_editor.execute(f"DROP TABLE {OLD_TABLE}")


Migration.operations.append(migrations.RunPython(hash_clear_tokens, migrations.RunPython.noop))
