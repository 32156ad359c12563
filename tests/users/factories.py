import factory

from cordee.users.models import User

DEFAULT_PASSWORD = "mot-de-passe-de-test"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    class Params:
        national_admin = factory.Trait(is_national_admin=True)
        inactive = factory.Trait(is_active=False)

    @factory.post_generation
    def _save_password(self, create, extracted, **kwargs):
        if create:
            self.save()
