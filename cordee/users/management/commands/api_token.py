from cordee.core.commands import CommandFailed, CordeeCommand
from cordee.users.models import User
from cordee.users.tokens import create_api_token

OPERATOR_TOKEN_NAME = "Créé par l'exploitation"


class Command(CordeeCommand):
    # It creates one token and changes nothing else: no --wet-run (operators' scripts call it as is);
    # the key alone goes to standard output, the report to standard error.
    writes_data = False
    report_on_stderr = True

    help = (
        "Crée un jeton d'API pour un compte et l'affiche, une seule fois (seule son empreinte est gardée). "
        "Le jeton seul est écrit sur la sortie standard, pour les scripts. Journalisé."
    )

    def add_options(self, parser):
        parser.add_argument("email", help="Adresse électronique du compte.")
        parser.add_argument("--name", default=OPERATOR_TOKEN_NAME, help="Nom du jeton (le logiciel qui l'utilise).")

    def run(self, *args, email, name, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandFailed(f"Aucun compte n'a l'adresse {email}.")
        if not user.is_active:
            raise CommandFailed(f"Le compte {email} est désactivé : un jeton ne fonctionnerait pas.")
        token, key = create_api_token(user, name)
        self.count("jeton créé")
        self.stderr.write(f"Jeton « {token.name} » créé pour {user.email} ; il ne sera plus affiché :")
        self.stdout.write(key)
