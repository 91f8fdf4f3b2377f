"""Links to the API reference (tfdocs_sphinx.publish.apilinks, .apimap)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from sitebuild import FIXTURE_OPTIONS, ROOT, SITES, SiteBuild, build_site
from tfdocs_sphinx.locations import sphinx_build_args
from tfdocs_sphinx.publish.apilinks import MAPS, import_aliases, load_index

NOT_EXECUTED = {"TFDOCS_ONLY": "^$"}  # pages are read, not run: links need no kernel


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    pages = sorted((SITES / "apilinks").glob("*.*"))
    return build_site(tmp_path_factory.mktemp("apilinks"), *pages, env=NOT_EXECUTED)


def _links(html: str) -> dict[str, str]:
    """Map the text of each API link of ``html`` to its href."""
    found = re.findall(
        r'<a class="[^"]*tfdocs-apilink[^"]*" href="([^"]+)"[^>]*>(.*?)</a>', html
    )
    return {re.sub(r"<[^>]+>", "", text): href for href, text in found}


def test_the_site_builds_strictly(site: SiteBuild) -> None:
    assert site.returncode == 0, site.output


def test_prose_names_link_to_their_reference(site: SiteBuild) -> None:
    links = _links((site.html / "linked.html").read_text(encoding="utf-8"))
    assert (
        links["tf.function"] == "https://www.tensorflow.org/api_docs/python/tf/function"
    )
    assert links["keras.layers.Dense()"] == (
        "https://keras.io/api/layers/core_layers/dense/#dense-class"
    )
    assert links["layers.Dropout"].startswith("https://keras.io/api/layers/")


def test_prose_links_have_a_title(site: SiteBuild) -> None:
    html = (site.html / "linked.html").read_text(encoding="utf-8")
    assert 'title="tf.function in the TensorFlow API reference"' in html


def test_code_cells_link_chains_and_import_aliases(site: SiteBuild) -> None:
    links = _links((site.html / "linked.html").read_text(encoding="utf-8"))
    assert links["tf.data.Dataset.from_tensor_slices"] == (
        "https://www.tensorflow.org/api_docs/python/tf/data/Dataset#from_tensor_slices"
    )
    assert links["layers.Dense"] == links["keras.layers.Dense()"]


def test_gallery_code_links(site: SiteBuild) -> None:
    page = site.html / "auto_examples" / "plot_linked.html"
    links = _links(page.read_text(encoding="utf-8"))
    assert links["keras.Sequential"] == (
        "https://keras.io/api/models/sequential/#sequential-class"
    )
    assert "keras.layers.Dense" in links


def test_unknown_names_and_existing_links_are_left_alone(site: SiteBuild) -> None:
    html = (site.html / "linked.html").read_text(encoding="utf-8")
    links = _links(html)
    assert not any("not_a_name" in text for text in links)
    assert "print" not in links
    assert "tf.constant" not in links
    assert 'href="https://example.org/mine"' in html


def test_sphinx_never_imports_tensorflow(site: SiteBuild) -> None:
    # Build the fixture again in this process's twin and look at its modules.
    script = (
        "import sys\n"
        "from sphinx.cmd.build import build_main\n"
        f"code = build_main({_build_args(site)!r})\n"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules, code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, **NOT_EXECUTED},
    )
    assert result.stdout.strip().splitlines()[-1] == "False False 0", result.stderr


def _build_args(site: SiteBuild) -> list[str]:
    args = sphinx_build_args(
        confdir=ROOT,
        srcdir=site.root / "docs",
        outdir=site.root / "_build" / "again",
        doctreedir=site.doctrees,
    )
    return ["-q", *args, *FIXTURE_OPTIONS]


def test_import_aliases_survive_magics() -> None:
    code = (
        "%matplotlib inline\nimport tensorflow as tfx\nfrom tensorflow import keras\n"
    )
    aliases = import_aliases(code)
    assert aliases["tfx"] == "tf"
    assert aliases["keras"] == "tf.keras"
    assert load_index().url("tf.keras.layers.Dense") == load_index().url(
        "keras.layers.Dense"
    )


@pytest.mark.parametrize("stem", ["tensorflow", "keras"])
def test_shipped_urls_are_well_formed(stem: str) -> None:
    data = json.loads((MAPS / f"{stem}.json").read_text(encoding="utf-8"))
    hosts = {"www.tensorflow.org", "keras.io"}
    for name, url in load_index().urls.items():
        if name not in data["names"]:
            continue
        parts = urlsplit(url)
        assert parts.scheme == "https", (name, url)
        assert parts.netloc in hosts, (name, url)
        assert re.fullmatch(r"[\w/.-]*", parts.path), (name, url)
        assert re.fullmatch(r"[\w-]*", parts.fragment), (name, url)
        assert " " not in url


def test_shipped_maps_match_the_installed_libraries() -> None:
    from tfdocs_sphinx.publish.apimap import keras_map, tensorflow_map

    for stem, build in (("tensorflow", tensorflow_map), ("keras", keras_map)):
        shipped = json.loads((MAPS / f"{stem}.json").read_text(encoding="utf-8"))
        assert shipped == build(), f"run `nox -s apilinks`: {stem}.json is stale"


def test_tf_keras_is_keras() -> None:
    # The maps send tf.keras.* to keras.* pages because they are the same objects.
    import keras
    import tensorflow as tf

    assert tf.keras.layers.Dense is keras.layers.Dense
