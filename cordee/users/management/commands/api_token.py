from django.core.management.base import BaseCommand, CommandError

from cordee.core.errors import DomainError
from cordee.users.models import User
from cordee.users.tokens import create_api_token

OPERATOR_TOKEN_NAME = "Créé par l'exploitation"


class Command(BaseCommand):
    help = (
        "Crée un jeton d'API pour un compte et l'affiche, une seule fois (seule son empreinte est gardée). "
        "Le jeton seul est écrit sur la sortie standard, pour les scripts. Journalisé."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="Adresse électronique du compte.")
        parser.add_argument("--name", default=OPERATOR_TOKEN_NAME, help="Nom du jeton (le logiciel qui l'utilise).")

    def handle(self, *args, email, name, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"Aucun compte n'a l'adresse {email}.")
        if not user.is_active:
            raise CommandError(f"Le compte {email} est désactivé : un jeton ne fonctionnerait pas.")
        try:
            token, key = create_api_token(user, name)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stderr.write(f"Jeton « {token.name} » créé pour {user.email} ; il ne sera plus affiché :")
        self.stdout.write(key)
