"""``cordee.core.sql.Loader`` builds from a hand-written SELECT the same instances as the ORM."""

import datetime as dt

import pytest
from django.db import connection

from cordee.core.sql import Loader, insert_row, update_row
from cordee.journal.models import Entry
from cordee.pass_numerique.models import Order
from cordee.places.models import Place
from cordee.users.models import ApiToken, User
from cordee.users.tokens import create_api_token
from tests.pass_numerique.factories import build_world
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def _fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _values(instance, names):
    return {name: getattr(instance, name) for name in names}


def test_a_whole_row_gives_the_orm_instance_with_converted_values():
    world = build_world(books=1, passes_per_book=1, allocate=0, distribute=0)
    loader = Loader(Order, "o")
    row = _fetch(f"SELECT {loader.columns} FROM {loader.table} o WHERE {loader.column('id')} = %s", [world.order.pk])
    loaded = loader.load(row)
    expected = Order.objects.get(pk=world.order.pk)
    names = [field.attname for field in Order._meta.concrete_fields]
    assert _values(loaded, names) == _values(expected, names)
    # Converted as the ORM does: JSON to a list, dates to dates, times aware (SQLite returns text for all of them).
    assert loaded.territories == ["departement:23"]
    assert loaded.valid_until == expected.valid_until and loaded.created_at.tzinfo is not None
    assert loaded == expected and not loaded._state.adding and loaded._state.db == "default"


def test_a_joined_row_gives_both_instances_and_the_user_can_be_saved():
    user = build_world(books=1, passes_per_book=1, allocate=0, distribute=0).mediateur
    create_api_token(user, "Caisse")
    token_loader, user_loader = Loader(ApiToken, "t"), Loader(User, "u")
    row = _fetch(
        f"SELECT {token_loader.columns}, {user_loader.columns} FROM {token_loader.table} t "
        f"JOIN {user_loader.table} u ON {user_loader.column('id')} = {token_loader.column('user_id')} "
        f"WHERE {token_loader.column('user_id')} = %s",
        [user.pk],
    )
    token, person = token_loader.load(row), user_loader.load(row, token_loader.width)
    assert token == ApiToken.objects.get(user=user) and person == user
    assert person.is_active is True and person.email == user.email
    person.first_name = "Camille"
    person.save(update_fields=["first_name"])
    assert User.objects.get(pk=user.pk).first_name == "Camille"


def test_only_the_fields_asked_for_are_loaded_the_others_read_on_access():
    place = PlaceFactory(pass_numerique=True)
    loader = Loader(Place, "p", ["id", "name", "accepts_pass_numerique"])
    row = _fetch(f"SELECT {loader.columns} FROM {loader.table} p WHERE {loader.column('id')} = %s", [place.pk])
    assert len(row) == 3
    loaded = loader.load(row)
    assert loaded.get_deferred_fields() >= {"address", "services"}
    assert loaded.accepts_pass_numerique is True and loaded.name == place.name
    assert loaded.address == place.address  # deferred: one more query, as with QuerySet.only


def test_an_outer_join_that_found_nothing_gives_none():
    loader = Loader(Place, "p", ["id", "name"])
    assert loader.load((None, None)) is None


def test_an_unknown_field_is_refused_at_once():
    with pytest.raises(ValueError, match="inconnus"):
        Loader(Place, "p", ["id", "nom"])


def test_update_row_changes_one_row_only_while_it_matches_the_conditions():
    world = build_world(books=1, passes_per_book=1, allocate=0, distribute=0)
    order = world.order
    later = order.created_at + dt.timedelta(days=3)
    assert (
        update_row(Order, order.pk, {"eligibility": "Habitants", "closed_at": later}, where={"state": "confirmed"})
        == 1
    )
    order.refresh_from_db()
    assert (order.eligibility, order.closed_at) == ("Habitants", later)
    # The condition no longer holds: nothing changes.
    assert update_row(Order, order.pk, {"eligibility": "Autre"}, where={"state": "draft"}) == 0
    assert update_row(Order, order.pk + 1000, {"eligibility": "Autre"}) == 0
    order.refresh_from_db()
    assert order.eligibility == "Habitants"


def test_update_row_prepares_values_as_the_orm_does():
    world = build_world(books=1, passes_per_book=1, allocate=0, distribute=0)
    assert update_row(Order, world.order.pk, {"territories": ["commune:23096", "epci:200067213"]}) == 1
    assert Order.objects.get(pk=world.order.pk).territories == ["commune:23096", "epci:200067213"]


def test_insert_row_writes_what_save_would_write():
    world = build_world(books=1, passes_per_book=1, allocate=0, distribute=0)
    entry = insert_row(Entry(action="essai.insert", details={"order_id": world.order.pk}, actor_label="x"))
    stored = Entry.objects.get(pk=entry.pk)
    assert not entry._state.adding and stored.action == "essai.insert"
    assert stored.details == {"order_id": world.order.pk} and stored.at == entry.at and stored.at.tzinfo is not None


def test_insert_row_without_insert_returning_takes_the_last_row_id(monkeypatch):
    """SQLite before 3.35 has no RETURNING: the key comes from lastrowid, and switching back and forth uses the
    right statement each time (the statement is cached per mode)."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL always returns the inserted key")
    first = insert_row(Entry(action="essai.avec", actor_label="x"))
    monkeypatch.setattr(connection.features, "can_return_columns_from_insert", False)
    second = insert_row(Entry(action="essai.sans", actor_label="x"))
    monkeypatch.undo()
    third = insert_row(Entry(action="essai.avec", actor_label="x"))
    assert first.pk < second.pk < third.pk
    assert Entry.objects.get(pk=second.pk).action == "essai.sans"


def _prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_the_hand_written_statements_are_prepared_once_per_connection():
    place = PlaceFactory(name="Avant")
    connection.connection.execute("DEALLOCATE ALL")
    connection.connection._prepared.clear()  # psycopg's own list of what it prepared on this connection
    for name in ("Après", "Encore"):
        assert update_row(Place, place.pk, {"name": name}) == 1
    prepared = _prepared_statements()
    assert len([statement for statement in prepared if statement.startswith('UPDATE "places_place"')]) == 1
    place.refresh_from_db()
    assert place.name == "Encore"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_prepared_statements_can_be_turned_off_for_a_pooler(settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    place = PlaceFactory(name="Avant")
    connection.connection.execute("DEALLOCATE ALL")
    connection.connection._prepared.clear()
    assert update_row(Place, place.pk, {"name": "Après"}) == 1
    assert _prepared_statements() == []
