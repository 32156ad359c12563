from django.db import migrations

DEFAULT_CRITERIA = [
    ("horaires-publies", "Horaires publiés", "Les horaires d'ouverture sont renseignés et lisibles.", "valid_hours"),
    (
        "accessibilite",
        "Informations d'accessibilité",
        "La fiche Accès libre du lieu est indiquée.",
        "accessibility",
    ),
    (
        "mediateur-forme",
        "Au moins un médiateur formé",
        "Au moins une personne formée à la médiation numérique accueille le public (déclaré par la structure).",
        "",
    ),
    ("services-renseignes", "Services renseignés", "Au moins un service proposé est indiqué.", "services"),
    ("contact-joignable", "Contact joignable", "Un numéro de téléphone ou une adresse électronique.", "contact"),
    (
        "informations-a-jour",
        "Informations à jour",
        "Les informations du lieu ont été mises à jour depuis moins de 6 mois.",
        "fresh",
    ),
    ("frais-indiques", "Gratuité ou frais indiqués", "Le lieu indique s'il est gratuit ou payant.", "fees"),
]


def seed(apps, schema_editor):
    criterion_model = apps.get_model("places", "QualityCriterion")
    for order, (code, label, description, automatic) in enumerate(DEFAULT_CRITERIA, start=1):
        criterion_model.objects.get_or_create(
            code=code,
            defaults={"label": label, "description": description, "automatic": automatic, "order": order * 10},
        )


def unseed(apps, schema_editor):
    apps.get_model("places", "QualityCriterion").objects.filter(code__in=[c[0] for c in DEFAULT_CRITERIA]).delete()


class Migration(migrations.Migration):
    dependencies = [("places", "0003_quality_referential")]

    operations = [migrations.RunPython(seed, unseed)]
