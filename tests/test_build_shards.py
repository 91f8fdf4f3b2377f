"""Two shard builds, merged: the final build executes nothing and matches one machine's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from repro import compare_sites
from sitebuild import SITES, build_site, site_command
from tfdocs_sphinx.execute import order, shards

pytestmark = pytest.mark.slow

#: Two notebook pages (MyST and .ipynb) and two gallery examples with figures.
UNITS = (
    SITES / "shards" / "first.md",
    SITES / "ipynb" / "notebook_page.ipynb",
    SITES / "shards" / "plot_first.py",
    SITES / "shards" / "plot_second.py",
)
EXECUTED = {
    "first",
    "notebook_page",
    "auto_examples/plot_first",
    "auto_examples/plot_second",
}


def test_two_shards_merged_build_the_site_of_one_machine(tmp_path: Path) -> None:
    one = build_site(tmp_path / "one", *UNITS)
    assert one.returncode == 0, one.output
    assert set(one.runs.executed()) == EXECUTED

    shares = []
    for index in (1, 2):
        shard = build_site(
            tmp_path / f"shard{index}", *UNITS, env={"TFDOCS_SHARD": f"{index}/2"}
        )
        assert shard.returncode == 0, shard.output
        shares.append(set(shard.runs.executed()))
    assert shares[0] | shares[1] == EXECUTED
    assert not shares[0] & shares[1]
    assert all(len(share) == 2 for share in shares)  # balanced: one page, one example

    merged = tmp_path / "merged"
    site_command(merged, *UNITS)  # a clone of the same sources, never built
    added = shards.merge(merged, [tmp_path / "shard1", tmp_path / "shard2"])
    assert len(added) == len(EXECUTED), added
    final = build_site(merged, *UNITS)
    assert final.returncode == 0, final.output
    assert not final.runs.executed(), final.output
    assert set(final.runs.runs) >= EXECUTED  # every run came with its outputs
    assert compare_sites(one.html, final.html) == []


def test_plan_counts_shards_from_the_run_record_or_the_committed_seconds(
    tmp_path: Path,
) -> None:
    root = tmp_path / "site"
    site_command(root, *UNITS)
    doctrees = root / "_build" / "doctrees"
    doctrees.mkdir(parents=True)
    runs = {name: {"kind": "page", "seconds": 30, "peak_mb": 1} for name in EXECUTED}
    (doctrees / "tfdocs-runs.json").write_text(
        json.dumps({"build": "b", "runs": runs}), encoding="utf-8"
    )
    gallery = {"examples_dirs": "../examples", "gallery_dirs": "auto_examples"}
    units = shards.site_units(root / "docs", gallery)
    assert set(units) == EXECUTED
    assert shards.plan(doctrees, root / "docs", gallery, seconds=60) == 2
    assert shards.plan(doctrees, root / "docs", gallery, seconds=1000) == 1
    shutil.rmtree(doctrees)  # no record: a second per unit
    assert shards.plan(doctrees, root / "docs", gallery, seconds=1) == 4
    # No record, but the site's committed seconds (a CI runner's fresh clone).
    committed = dict.fromkeys(EXECUTED, 100)
    (root / "docs" / order.DURATIONS).write_text(
        json.dumps(committed), encoding="utf-8"
    )
    assert shards.plan(doctrees, root / "docs", gallery, seconds=100) == len(EXECUTED)


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0"])
def test_a_shard_is_i_of_n(text: str) -> None:
    with pytest.raises(ValueError, match="tfdocs_shard"):
        shards.parse_shard(text)
