"""Possible duplicates in a structure's file: same alias (accents, case and punctuation ignored), same year
of birth and same commune. Only a suggestion: a person decides, and merges (``merging.merge``)."""

from collections import defaultdict

from cordee.territories.normalize import search_key


def duplicate_key(beneficiary) -> tuple:
    return (search_key(beneficiary.alias), beneficiary.birth_year, beneficiary.commune_id)


def find_duplicates(beneficiaries) -> list[list]:
    """Groups of two or more people sharing a key, among ``beneficiaries`` (not anonymised), oldest first."""
    groups = defaultdict(list)
    for person in beneficiaries.filter(anonymised_at__isnull=True).select_related("commune").order_by("pk"):
        key = duplicate_key(person)
        if key[0]:
            groups[key].append(person)
    return sorted((group for group in groups.values() if len(group) > 1), key=lambda group: group[0].pk)
