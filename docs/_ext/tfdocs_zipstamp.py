"""Give the gallery's zip downloads fixed timestamps, so builds are byte-identical.

sphinx-gallery zips each example's ``.py`` and ``.ipynb`` for download, and a
zip entry records its file's modification time: a fresh build writes fresh
files, so the same example would give a different zip every time. After the
gallery is generated, every entry is rewritten with the zip format's earliest
date (1980-01-01), the same contents and the same order. Written here because
sphinx-gallery has no option for it and the standard library's ``zipfile``
takes the time from each ``ZipInfo``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from tfdocs_fingerprint import gallery_folders

__all__ = ["EPOCH", "stamp_zip"]

EPOCH = (1980, 1, 1, 0, 0, 0)


def stamp_zip(path: Path) -> bool:
    """Rewrite the zip at ``path`` with every entry dated ``EPOCH``; False if already.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with zipfile.ZipFile(folder / "a.zip", "w") as z:
    ...     z.writestr("a.py", "print(1)")
    >>> stamp_zip(folder / "a.zip"), stamp_zip(folder / "a.zip")
    (True, False)
    """
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    if all(info.date_time == EPOCH for info, _ in entries):
        return False
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            stamped = zipfile.ZipInfo(info.filename, date_time=EPOCH)
            stamped.compress_type = info.compress_type
            stamped.external_attr = 0o644 << 16
            archive.writestr(stamped, data)
    return True


def stamp_gallery_zips(app: Sphinx) -> None:
    """After sphinx-gallery (builder-inited, priority 500) wrote its zips."""
    for folder in gallery_folders(app):
        for path in sorted(folder.rglob("*.zip")):
            stamp_zip(path)


def setup(app: Sphinx) -> dict[str, Any]:
    """Run after the gallery has been generated."""
    app.connect("builder-inited", stamp_gallery_zips, priority=600)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
