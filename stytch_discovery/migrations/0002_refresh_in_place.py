"""Let a refresh rewrite its rows in place on PostgreSQL (heap-only updates).

Every refresh updates every row of an identity, ``refreshed_at`` included. With an index on
``refreshed_at`` each of those updates also rewrote all of the row's index entries, and with
full pages the new row versions went to other pages: in a benchmark of repeated 500-row
refreshes only 14% of updates were heap-only and the table grew by its size every refresh
(57 MB of dead rows for 500 live ones). Without that index and with pages half empty, every
update is heap-only and PostgreSQL reclaims the old versions in the page itself.
"""

from django.db import migrations

TABLE = "stytch_discovery_discoveredorganization"


def half_empty_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Room on each page for one new version of each row, until pruning frees the old one.
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(TABLE)} SET (fillfactor = 50)")


def full_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(TABLE)} RESET (fillfactor)")


class Migration(migrations.Migration):

    dependencies = [
        ("stytch_discovery", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="discoveredorganization",
            name="stytch_disc_refreshed_idx",
        ),
        migrations.RunPython(half_empty_pages, full_pages, elidable=False),
    ]
