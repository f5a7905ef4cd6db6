"""Rename the cache model to ``CachedOrganization`` (``types.DiscoveredOrganization`` is Stytch's answer).

The table follows the model's name; its indexes, constraint and storage settings (0002) are
kept as they are. Django renames the content type itself; permissions created for the old name
stay behind unused (the package had no release yet).
"""

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("stytch_discovery", "0002_refresh_in_place"),
    ]

    operations = [
        migrations.RenameModel("DiscoveredOrganization", "CachedOrganization"),
    ]
