"""Drop the cached rows whose key may belong to another address under the old normalization.

Keys used to be ``str.lower()``, which lowers non-ASCII letters too: the Kelvin sign (U+212A)
became ``k`` and the dotted ``İ`` (U+0130) became ``i`` plus U+0307, so two people's rows could
share a key. Keys are now A-Z lower-cased only (``internal.emails``). Every row whose key could
have come from such an address (any non-ASCII key, and any key with a ``k``) is deleted; the
next list of its identity writes it again under the right key. Nothing is lost but cache.
"""

from django.db import migrations

#: Rows handed to one DELETE, so a big cache is not deleted in one statement's parameters.
CHUNK = 500


def _may_be_merged(email_address):
    return not email_address.isascii() or "k" in email_address


def drop_ambiguous_keys(apps, schema_editor):
    alias = schema_editor.connection.alias
    for model_name in ("CachedOrganization", "CachedIdentity"):
        model = apps.get_model("stytch_discovery", model_name)
        manager = model.objects.using(alias)
        keys = manager.values_list("email_address", flat=True).distinct().iterator()
        ambiguous = sorted({key for key in keys if _may_be_merged(key)})
        for start in range(0, len(ambiguous), CHUNK):
            manager.filter(email_address__in=ambiguous[start : start + CHUNK]).delete()


class Migration(migrations.Migration):
    dependencies = [("stytch_discovery", "0005_cached_identity")]

    operations = [migrations.RunPython(drop_ambiguous_keys, migrations.RunPython.noop, elidable=True)]
