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
