from cordee.core.commands import CordeeCommand
from cordee.demo.dataset import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, PRINTED, USERS
from cordee.users.models import User


class Command(CordeeCommand):
    help = "Affiche les comptes de démonstration (un par rôle)."
    writes_data = False

    def run(self, *args, **options):
        existing = set(User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").values_list("email", flat=True))
        by_local = {user.email.split("@")[0]: user for user in USERS}
        self.stdout.write("")
        self.stdout.write("Comptes de démonstration (mot de passe commun : " + DEMO_PASSWORD + ")")
        for local in PRINTED:
            demo = by_local[local]
            mark = "" if demo.email in existing else "  (absent : lancez load_demo --wet-run)"
            self.stdout.write(f"  {demo.role_label:<70} {demo.email}{mark}")
            self.count("comptes présents", demo.email in existing)
        self.stdout.write(f"  … et {len(USERS) - len(PRINTED)} autres comptes de membres (@{DEMO_EMAIL_DOMAIN}).")
        self.stdout.write("")
