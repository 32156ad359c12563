"""How places are shown on the public pages: distances, phone numbers, labels in plain French."""

from dataclasses import dataclass

from cordee.places import enums
from cordee.places.models import Place
from cordee.www.templatetags import cordee_text


def distance_text(distance_km: float | None) -> str:
    """2.4 → « à 2,4 km », 0.35 → « à 350 m », 12.6 → « à 13 km »."""
    if distance_km is None:
        return ""
    if distance_km < 1:
        metres = max(10, round(distance_km * 1000, -1))
        return f"à {int(metres)} m"
    if distance_km < 10:
        return "à " + f"{distance_km:.1f}".replace(".", ",") + " km"
    return f"à {round(distance_km)} km"


def phone_text(number: str) -> str:
    """E.164 numbers read as people write them: +33555520000 → « 05 55 52 00 00 »."""
    return cordee_text.phone_text(number)


def opening_label(open_now: bool | None, asked_moment: str = "") -> dict:
    """The open/closed badge of a result: text and DSFR badge kind."""
    if open_now is None:
        return {"text": "Horaires non renseignés", "kind": "info", "known": False}
    if asked_moment:
        return {
            "text": f"Ouvert {asked_moment}" if open_now else f"Fermé {asked_moment}",
            "kind": "success" if open_now else "warning",
            "known": True,
        }
    return {
        "text": "Ouvert maintenant" if open_now else "Fermé maintenant",
        "kind": "success" if open_now else "warning",
        "known": True,
    }


@dataclass
class HitRow:
    place: Place
    distance: str
    opening: dict
    address: str


def address_text(place: Place) -> str:
    street = ", ".join(part for part in (place.address, place.address_complement) if part)
    town = " ".join(part for part in (place.postal_code, place.commune_name) if part)
    return ", ".join(part for part in (street, town) if part)


def hit_rows(hits, *, asked_moment: str = "") -> list[HitRow]:
    return [
        HitRow(
            place=hit.place,
            distance=distance_text(hit.distance_km),
            opening=opening_label(hit.open_now, asked_moment),
            address=address_text(hit.place),
        )
        for hit in hits
    ]


@dataclass
class Phone:
    number: str
    text: str


def describe_place(place: Place) -> dict:
    """What the place page shows, in plain French."""
    return {
        "address": address_text(place),
        "phones": [Phone(number=number, text=phone_text(number)) for number in place.phones],
        "is_qualified": place.qualification_state == enums.QualificationState.QUALIFIED,
        "position_is_approximate": place.coordinates_precision != enums.CoordinatesPrecision.ADDRESS,
        "lists": [
            (title, values)
            for title, values in (
                ("Services proposés", place.services),
                ("Publics accueillis en priorité", place.publics),
                ("Aide adaptée à un besoin particulier", place.specific_support),
                ("Prix", place.fees),
                ("Comment être aidé", place.support_modes),
                ("Comment venir ou prendre contact", place.access_modes),
                ("Dispositifs et programmes nationaux", place.national_programmes),
                ("Formations et labels", place.training_labels),
                ("Type de lieu", place.typologies),
                ("Itinérance", place.mobility),
            )
            if values
        ],
    }
