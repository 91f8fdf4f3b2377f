"""Project URLs of the tfdocs_helpers wheel, from the site that builds it.

The helpers ship with the tfdocs site, whose address is known only where it is
built: the site's build and the release workflow set ``TFDOCS_BASE_URL`` (and
``TFDOCS_REPO_URL``), and the wheel links to that site. Without them the wheel
carries no URLs rather than invented ones.
"""

from __future__ import annotations

import os
from typing import Any

from hatchling.metadata.plugin.interface import MetadataHookInterface


class CustomMetadataHook(MetadataHookInterface):
    """Fill ``project.urls`` from the build's environment."""

    def update(self, metadata: dict[str, Any]) -> None:
        """Add the Documentation and Source URLs that the environment names."""
        urls = {}
        if site := os.environ.get("TFDOCS_BASE_URL"):
            urls["Documentation"] = site
        if repo := os.environ.get("TFDOCS_REPO_URL"):
            urls["Source"] = f"{repo.rstrip('/')}/tree/main/helpers"
            urls["Issues"] = f"{repo.rstrip('/')}/issues"
        metadata["urls"] = urls
