"""One row per cached identity: when a list last refreshed it, and a digest of what it wrote.

A list whose answer matches the digest only moves this row's ``refreshed_at`` instead of
rewriting every organization row of the identity. On PostgreSQL the table keeps its pages half
empty, as 0002 does for the organization rows, so that update stays heap-only (no index holds
``refreshed_at``) and the table does not grow with the number of lists.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

TABLE = "stytch_discovery_cachedidentity"


def half_empty_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(TABLE)} SET (fillfactor = 50)")


class Migration(migrations.Migration):

    dependencies = [
        ("stytch_discovery", "0004_stytch_member"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CachedIdentity",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("email_address", models.CharField(help_text="Lower-cased.", max_length=254, unique=True, verbose_name="email address")),
                ("digest", models.CharField(blank=True, max_length=64, verbose_name="digest of the cached rows")),
                ("organization_count", models.PositiveIntegerField(default=0, verbose_name="organizations")),
                ("refreshed_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="refreshed")),
                ("user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="user")),
            ],
            options={
                "verbose_name": "cached identity",
                "verbose_name_plural": "cached identities",
            },
        ),
        # Dropping the table drops its storage setting: nothing to undo.
        migrations.RunPython(half_empty_pages, migrations.RunPython.noop, elidable=False),
    ]
