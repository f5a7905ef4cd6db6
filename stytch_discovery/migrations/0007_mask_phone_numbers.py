"""Mask the member phone numbers the cache already holds, as every write now does.

``mfa_required.member_options.mfa_phone_number`` used to be stored as Stytch sent it, the
member's full number, in a table staff browse in the admin. Writes now keep only its masked form
(``internal.phones``: ``+•••••••0006``); this masks the rows written before. The identities'
digests stay as they are: a digest is over the rows as stored, so an identity whose rows held a
full number no longer matches and its next list rewrites it (masked already, the same content),
while every other identity's next unchanged list is still one ``UPDATE``.

Unapplying it changes nothing: the full numbers are gone, and the next list of each identity
writes what the code of that time stores.
"""

from django.db import migrations

from stytch_discovery.internal.phones import masked_mfa_required

#: Rows read and written per batch, so a big cache is neither read nor updated at once.
CHUNK = 500


def mask_phone_numbers(apps, schema_editor):
    model = apps.get_model("stytch_discovery", "CachedOrganization")
    manager = model.objects.using(schema_editor.connection.alias)
    # Only rows whose MFA requirement names a member's number (SQLite's JSON1 and PostgreSQL's
    # jsonb both answer this), read in primary-key order: no cursor stays open while writing.
    rows = manager.filter(mfa_required__member_options__has_key="mfa_phone_number").order_by("pk")
    found = list(rows.values_list("pk", "mfa_required")[:CHUNK])
    while found:
        masked = [
            model(pk=pk, mfa_required=fixed)
            for pk, stored in found
            if (fixed := masked_mfa_required(stored)) is not stored
        ]
        manager.bulk_update(masked, ["mfa_required"])
        found = list(rows.filter(pk__gt=found[-1][0]).values_list("pk", "mfa_required")[:CHUNK])


class Migration(migrations.Migration):
    dependencies = [("stytch_discovery", "0006_ascii_email_keys")]

    operations = [migrations.RunPython(mask_phone_numbers, migrations.RunPython.noop, elidable=True)]
