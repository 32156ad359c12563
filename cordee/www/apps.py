from django.apps import AppConfig
from django.urls import reverse


class WwwConfig(AppConfig):
    name = "cordee.www"
    label = "www"
    verbose_name = "Web"

    def ready(self):
        from cordee.core import links

        links.register(
            links.INVITATION_ACCEPT, lambda token: reverse("www:structures:invitation_accept", kwargs={"token": token})
        )
        links.register(links.PLACE_MANAGE, lambda pk: reverse("www:places_manage:detail", kwargs={"pk": pk}))
        links.register(
            links.PASSWORD_RESET_CONFIRM,
            lambda uidb64, token: reverse(
                "www:accounts:password_reset_confirm", kwargs={"uidb64": uidb64, "token": token}
            ),
        )
        links.register(links.PASS_CHECK, lambda code: reverse("www:pass_numerique:check", kwargs={"code": code}))
        links.register(links.PASS_STOCK, lambda: reverse("www:pass_numerique:stock"))
        links.register(links.PASS_STATEMENT, lambda pk: reverse("www:pass_numerique:statement", kwargs={"pk": pk}))
