from django.conf import settings

from cordee.www.home.entries import main_menu


def site(request):
    return {
        "SITE_NAME": "Cordée",
        "SITE_TAGLINE": "L'inclusion numérique, de l'orientation à l'accompagnement",
        "SITE_URL": settings.SITE_URL,
        "main_menu": main_menu(),
    }
