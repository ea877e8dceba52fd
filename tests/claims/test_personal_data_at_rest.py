"""The NIK, the heir NIK and the phone numbers are encrypted at rest and found through blind indexes
(issue 15, point 8)."""

import base64
import datetime as dt
import io

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from claims.models import Claim
from claims.selectors import claims_with_nik, contact_phone_q
from core.crypto import KeyMissing
from privacy.retention import claim_anonymise
from tests.factories import VALID_NIK, make_claim

HEIR_NIK = "3273015506850002"
OTHER_NIK = "3174015205900003"


def _key(label: str) -> str:
    return base64.urlsafe_b64encode(label.encode().ljust(32, b"!")[:32]).decode()


OLD, NEW = _key("data-key-old"), _key("data-key-new")
OLD_INDEX, NEW_INDEX = _key("index-key-old"), _key("index-key-new")


def _raw_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM claims_claim")
        return cursor.fetchall()


def _raw(claim: Claim, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM claims_claim WHERE id = %s", [claim.pk])  # noqa: S608
        return cursor.fetchone()[0]


def _digit_runs(text: str, length: int = 6) -> bool:
    return any(text[i : i + length].isdigit() for i in range(len(text) - length + 1))


@pytest.mark.django_db
def test_a_raw_sql_read_of_the_claims_table_shows_no_nik_digits():
    make_claim(nik=VALID_NIK)
    make_claim(programme="JKM", nik=OTHER_NIK, heir_nik=HEIR_NIK)

    rows = _raw_rows()

    assert len(rows) == 2
    text = " ".join(str(value) for row in rows for value in row)
    for nik in (VALID_NIK, OTHER_NIK, HEIR_NIK):
        assert nik not in text
        # Not even the region code and birth date part (the first 12 digits), nor its end.
        assert nik[:12] not in text
        assert nik[-6:] not in text


@pytest.mark.django_db
def test_the_nik_reads_back_and_is_found_only_through_its_index():
    claim = make_claim(programme="JKM", nik=VALID_NIK, heir_nik=HEIR_NIK)
    make_claim(nik=OTHER_NIK)

    fresh = Claim.objects.get(pk=claim.pk)

    assert (fresh.nik, fresh.heir_nik) == (VALID_NIK, HEIR_NIK)
    assert list(claims_with_nik(VALID_NIK)) == [claim]
    assert list(claims_with_nik(HEIR_NIK)) == []  # the heir's NIK is not the claimant's
    assert _raw(claim, "nik_index") not in (VALID_NIK, "")
    assert len(_raw(claim, "nik_index")) == 64
    # A comparison in SQL cannot work on a token: it fails loudly, never matches nothing.
    with pytest.raises(FieldError, match="blind index"):
        list(Claim.objects.filter(nik=VALID_NIK))
    with pytest.raises(FieldError, match="blind index"):
        list(Claim.objects.filter(nik__startswith="3174"))
    assert Claim.objects.filter(heir_nik="").count() == 1


@pytest.mark.django_db
def test_each_save_encrypts_anew_and_a_changed_byte_does_not_open(settings):
    # (One open claim per NIK and programme: the same person in two programmes.)
    first, second = make_claim(nik=VALID_NIK), make_claim(programme="JKM", nik=VALID_NIK)
    # Same NIK, different tokens: the table does not show which claims share a person...
    assert _raw(first, "nik") != _raw(second, "nik")
    # ...while the index does, for the service only (it holds the index key).
    assert _raw(first, "nik_index") == _raw(second, "nik_index")

    token = _raw(first, "nik")
    forged = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE claims_claim SET nik = %s WHERE id = %s", [forged, first.pk])
    with pytest.raises(KeyMissing):
        Claim.objects.get(pk=first.pk)


@pytest.mark.django_db
def test_saving_only_the_nik_keeps_its_index_in_step():
    claim = make_claim(nik=VALID_NIK)
    claim.nik = OTHER_NIK
    claim.save(update_fields=["nik"])

    assert list(claims_with_nik(OTHER_NIK)) == [claim]
    assert not claims_with_nik(VALID_NIK).exists()


@pytest.mark.django_db
def test_keys_rotate_without_losing_a_claim(settings):
    settings.PERSONAL_DATA_KEYS = [OLD]
    settings.PERSONAL_DATA_INDEX_KEYS = [OLD_INDEX]
    claims = [make_claim(nik=VALID_NIK), make_claim(programme="JKM", nik=OTHER_NIK, heir_nik=HEIR_NIK)]
    before = {claim.pk: (_raw(claim, "nik"), _raw(claim, "nik_index")) for claim in claims}

    # Step 1: the new keys go first, the old ones stay: everything opens and is found.
    settings.PERSONAL_DATA_KEYS = [NEW, OLD]
    settings.PERSONAL_DATA_INDEX_KEYS = [NEW_INDEX, OLD_INDEX]
    assert list(claims_with_nik(VALID_NIK)) == [claims[0]]
    # Step 2: the command moves every row to the first keys.
    out = io.StringIO()
    call_command("rotate_keys", batch_size=1, stdout=out)
    assert "claims.Claim: 2 rows under the first keys" in out.getvalue()
    for claim in claims:
        token, index = before[claim.pk]
        assert _raw(claim, "nik") != token
        assert _raw(claim, "nik_index") != index

    # Step 3: the old keys go; nothing is lost.
    settings.PERSONAL_DATA_KEYS = [NEW]
    settings.PERSONAL_DATA_INDEX_KEYS = [NEW_INDEX]
    fresh = Claim.objects.get(pk=claims[1].pk)
    assert (fresh.nik, fresh.heir_nik) == (OTHER_NIK, HEIR_NIK)
    assert list(claims_with_nik(VALID_NIK)) == [claims[0]]
    assert list(claims_with_nik(OTHER_NIK)) == [claims[1]]

    # Without the command, the old keys' rows would be lost: that is why it must run first.
    settings.PERSONAL_DATA_KEYS = [OLD]
    with pytest.raises(KeyMissing):
        Claim.objects.get(pk=claims[0].pk)


@pytest.mark.django_db
def test_the_index_key_is_its_own():
    """The same NIK indexed under another key gives another digest: the index key decides."""
    claim = make_claim(nik=VALID_NIK)
    index = Claim._meta.get_field("nik_index").index
    assert index.current(VALID_NIK) == _raw(claim, "nik_index")
    assert index.current(VALID_NIK) != index.current(OTHER_NIK)
    assert index.current("") == ""
    assert index.candidates("") == []


@pytest.mark.django_db
def test_anonymising_a_closed_claim_clears_its_index_too():
    from claims.models import CancelReason
    from claims.services import claim_cancel

    claim = claim_cancel(claim=make_claim(nik=VALID_NIK), reason=CancelReason.CLAIMANT_REQUEST)

    claim_anonymise(claim_id=claim.pk, now=claim.closed_at + dt.timedelta(days=10_000))

    assert (_raw(claim, "nik"), _raw(claim, "nik_index")) == ("", "")
    assert not claims_with_nik(VALID_NIK).exists()


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_encrypts_existing_rows_and_back(seeded_catalogue):
    before, after = [("claims", "0010_programme_payment_days")], [("claims", "0011_encrypt_personal_data")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldClaim = old.get_model("claims", "Claim")
    claim = OldClaim.objects.create(
        programme=old.get_model("claims", "Programme").objects.get(code="JKM"),
        reason=old.get_model("claims", "ClaimReason").objects.filter(programme__code="JKM").first(),
        branch=old.get_model("claims", "Branch").objects.create(
            code="MIG",
            name="Cabang Migrasi",
            region=old.get_model("claims", "Region").objects.create(code="R", name="R"),
        ),
        nik=VALID_NIK,
        heir_nik=HEIR_NIK,
        phone="+6281234567890",
        heir_phone="+6285712345678",
        kpj_number="12345678901",
        full_name="Siti Aminah",
        date_of_birth=dt.date(1990, 5, 12),
    )
    assert _raw(claim, "nik") == VALID_NIK

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    assert VALID_NIK not in _raw(claim, "nik")
    assert HEIR_NIK not in _raw(claim, "heir_nik")
    assert [c.pk for c in claims_with_nik(VALID_NIK)] == [claim.pk]
    assert "81234567890" not in _raw(claim, "phone")
    assert Claim.objects.filter(contact_phone_q("+6285712345678")).get().pk == claim.pk
    migrated = Claim.objects.get(pk=claim.pk)
    assert (migrated.nik, migrated.heir_nik) == (VALID_NIK, HEIR_NIK)
    assert (migrated.phone, migrated.heir_phone) == ("+6281234567890", "+6285712345678")

    executor = MigrationExecutor(connection)
    executor.migrate(before)
    assert (_raw(claim, "nik"), _raw(claim, "heir_nik")) == (VALID_NIK, HEIR_NIK)
    assert _raw(claim, "phone") == "+6281234567890"
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_messages_of_a_claim_are_found_by_their_number_through_the_phone_index():
    own = make_claim(phone="+6281234567890")
    heir = make_claim(programme="JKM", phone="+6281111111111", heir_phone="+6285712345678")

    def found(phone: str) -> list[Claim]:
        return list(Claim.objects.filter(contact_phone_q(phone)).order_by("pk"))

    assert found("+6281234567890") == [own]
    assert found("+6285712345678") == [heir]
    # The worker who died no longer gets the messages of the heir's claim.
    assert found("+6281111111111") == []
    with pytest.raises(FieldError, match="blind index"):
        list(Claim.objects.filter(phone="+6281234567890"))

    heir.heir_phone = "+6285700000000"
    heir.save(update_fields=["heir_phone"])
    assert found("+6285700000000") == [heir]
    assert found("+6285712345678") == []
