"""The synthetic site with replicated pages, and the bench's options (tools/bench_scale.py)."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest

import bench
from bench_scale import (
    Scale,
    add_front_matter,
    flat,
    mark_copy,
    replicate_site,
    slopes,
)

if TYPE_CHECKING:
    from pathlib import Path

GALLERY = {"examples_dirs": "../examples", "gallery_dirs": "auto_examples"}

PAGE = """---
file_format: mystnb
kernelspec:
  name: python3
---
# A page

See [the other page](other.md).

```{code-cell} ipython3
:tags: [remove-cell]
x = 1
```

```{code-cell} ipython3
x + 1
```
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    docs, examples = tmp_path / "docs", tmp_path / "examples"
    (docs / "keras").mkdir(parents=True)
    (docs / "auto_examples").mkdir()
    (docs / "auto_examples" / "generated.md").write_text("# Generated\n")
    (docs / "index.md").write_text("# Index\n")
    (docs / "page.md").write_text(PAGE)
    (docs / "keras" / "deep.md").write_text(PAGE)
    examples.mkdir()
    (examples / "plot_x.py").write_text('"""X\n=\n"""\n')
    return tmp_path


def test_each_page_is_replicated_beside_itself_as_a_marked_orphan(
    site: Path, tmp_path: Path
) -> None:
    units = bench.find_units(site / "docs", GALLERY)
    pages = [unit.path for unit in units if unit.is_page]
    dest = tmp_path / "scaled"
    assert replicate_site(site / "docs", site / "examples", pages, dest, k=3) == 6
    found = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*.*"))
    assert found == [
        "docs/index.md",
        "docs/keras/deep-copy2.md", "docs/keras/deep-copy3.md", "docs/keras/deep.md",
        "docs/page-copy2.md", "docs/page-copy3.md", "docs/page.md",
        "examples/plot_x.py",
    ]  # fmt: skip
    copy = (dest / "docs" / "page-copy3.md").read_text()
    assert copy.startswith("---\norphan: true\nfile_format: mystnb\n")
    # Read as myst-nb reads it: the copy's code differs from the original's.
    assert bench.page_code(copy) == ["_copy = 3\nx = 1", "x + 1"]
    assert bench.page_code(PAGE) == ["x = 1", "x + 1"]
    assert (dest / "docs" / "page.md").read_text() == PAGE
    # Written again from nothing: k = 1 is the site itself.
    assert replicate_site(site / "docs", site / "examples", pages, dest, k=1) == 2
    assert not list(dest.rglob("*-copy*"))


def test_bad_input_is_refused_naming_the_argument(site: Path) -> None:
    with pytest.raises(ValueError, match="k: 0"):
        replicate_site(site / "docs", site / "examples", [], site / "out", k=0)
    with pytest.raises(ValueError, match="text: the page has no front matter"):
        add_front_matter("# T\n", "orphan: true")
    with pytest.raises(ValueError, match="text: the page has no code cell"):
        mark_copy("# T\n", 2)


def test_per_unit_seconds_and_slopes() -> None:
    scales = [Scale(1, 34, 102.0), Scale(2, 55, 160.8)]
    assert scales[0].per_unit_s == pytest.approx(3.0)
    assert slopes(scales) == [pytest.approx(2.8)]
    assert slopes(scales[:1]) == []


def test_scale_is_opt_in() -> None:
    default = bench._arguments(["all"])
    assert not default.scale
    assert bench._arguments([]).command == "all"
    assert bench._arguments([]).repeat == 2
    alone = bench._arguments(["scale", "--scale-max", "4"])
    assert (alone.command, alone.scale_max) == ("scale", 4)
    assert bench._arguments(["all", "--scale"]).scale_max == 2
    assert bench._arguments(["all", "--scale", "--scale-max", "4"]).scale_max == 4
    with pytest.raises(SystemExit):
        bench._arguments(["all", "--scale-max", "3"])


def test_cpu_per_unit_and_cpu_slopes() -> None:
    scales = [Scale(1, 40, 300.0, cpu_s=280.0), Scale(2, 70, 900.0, cpu_s=490.0)]
    assert scales[1].per_unit_cpu_s == pytest.approx(7.0)
    # Wall time doubled by a busy machine; the CPU an added unit costs did not.
    assert slopes(scales) == [pytest.approx(20.0)]
    assert slopes(scales, of="cpu_s") == [pytest.approx(7.0)]
    with pytest.raises(ValueError, match="of must be one of seconds, cpu_s"):
        slopes(scales, of="cpu")


def test_the_machinery_is_followed_apart_from_the_kernels() -> None:
    # The copies' kernels cost what the originals did; the Sphinx process's
    # own CPU is what would grow faster than the pages if a step did.
    scales = [
        Scale(1, 43, 300.0, cpu_s=600.0, sphinx_cpu_s=30.0, pages_s=200.0),
        Scale(2, 73, 520.0, cpu_s=1050.0, sphinx_cpu_s=39.0, pages_s=420.0),
        Scale(4, 133, 1100.0, cpu_s=1950.0, sphinx_cpu_s=75.0, pages_s=860.0),
    ]
    assert slopes(scales, of="sphinx_cpu_s") == [pytest.approx(0.3), pytest.approx(0.6)]
    assert slopes(scales, of="pages_s") == [
        pytest.approx(7.33, abs=0.01),
        pytest.approx(7.33, abs=0.01),
    ]
    assert flat(slopes(scales, of="sphinx_cpu_s")) is False  # twice as dear
    assert [round(s.sphinx_share, 3) for s in scales] == [0.05, 0.037, 0.038]
    assert Scale(1, 1, 1.0).sphinx_share == 0.0  # no CPU figures


def test_the_slope_is_flat_while_an_added_page_costs_what_it_did() -> None:
    # 7 December, k = 1, 2: an added page cost 19.3 CPU s, more than a unit's
    # average at k = 1 (16.3: examples and fixed costs in it), which the first
    # criterion compared it with, and failed.
    scales = [
        Scale(1, 43, 376.6, cpu_s=700.9),
        Scale(2, 73, 683.2, cpu_s=1280.2),
        Scale(4, 133, 1300.0, cpu_s=2440.0),
    ]
    steps = slopes(scales, of="cpu_s")
    assert steps == [pytest.approx(19.31, abs=0.01), pytest.approx(19.33, abs=0.01)]
    assert flat(steps) is True
    assert flat([19.3, 22.3]) is False  # 16 % dearer from k = 2 to 4
    assert flat([19.3, 22.3], within=0.2) is True
    assert flat(steps[:1]) is None  # k = 1, 2 only: nothing to compare
    with pytest.raises(ValueError, match="within"):
        flat(steps, within=-0.1)


@pytest.mark.parametrize(
    ("within", "verdict"),
    [(True, "met"), (False, "MISSED"), (None, "one slope only (--scale-max 4)")],
)
def test_the_scale_table_shows_peak_memory_and_the_verdict(
    capsys: pytest.CaptureFixture[str], within: bool | None, verdict: str
) -> None:
    row = {
        "k": 1,
        "units": 43,
        "seconds": 376.6,
        "per_unit_s": 8.76,
        "cpu_s": 700.9,
        "per_unit_cpu_s": 16.3,
        "peak_pss_mb": 2798,
        "peak_rss_mb": 4679,
        "sphinx_cpu_s": 41.2,
        "sphinx_share": 0.059,
        "sphinx_peak_mb": 612,
        "phases": {
            "writing": {
                "start_s": 300.0,
                "seconds": 9.1,
                "cpu_s": 15.2,
                "idle_core_s": 3.0,
            }
        },
    }
    bench._print_scale(
        {
            "builds": [row],
            "slopes_s_per_unit": [],
            "slopes_cpu_s_per_unit": [],
            "slopes_sphinx_cpu_s_per_unit": [],
            "slope_flat_within_15pct": within,
            "sphinx_slope_flat_within_15pct": not within
            if within is not None
            else None,
        }
    )
    printed = capsys.readouterr().out
    assert (
        "| 1 | 43 | 376.6 | 8.76 | 700.9 | 16.3 | 2798 MB | 41.2 | 0.059 | 612 MB |"
        in printed
    )
    assert "| 1 | writing | 9.1 | 15.2 | 3.0 |" in printed
    assert printed.rstrip().endswith(f"its first slope: {verdict}")
    sphinx_verdict = {"met": "MISSED", "MISSED": "met"}.get(verdict, verdict)
    assert f"Sphinx CPU per added page <= 1.15 x its first slope: {sphinx_verdict}" in (
        printed
    )


def test_each_scale_build_starts_from_empty_caches(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A run stopped mid-build left its executed pages in scale-4/.jupyter_cache;
    # the next k = 4 build found them all there and executed none.
    monkeypatch.setattr(bench, "BENCH", tmp_path / "bench")
    monkeypatch.setattr(bench, "DOCS", site / "docs")
    stale = tmp_path / "bench" / "scale-1" / ".jupyter_cache"
    stale.mkdir(parents=True)
    seen = []

    def build(label: str, *, root: Path, out: Path, strict: bool) -> object:
        seen.append(sorted(path.name for path in out.iterdir()))
        measured = SimpleNamespace(
            cpu_s=3.0, tree_pss_mb=1.0, tree_rss_mb=2.0, phases=[]
        )
        run = SimpleNamespace(seconds=0.5)
        return SimpleNamespace(
            pages={"page": run, "keras/deep": run},
            examples={"x": run},
            seconds=2.0,
            measured=measured,
            sphinx_cpu_s=1.0,
            sphinx_peak_mb=90.0,
        )

    monkeypatch.setattr(bench, "_build", build)
    units = bench.find_units(site / "docs", GALLERY)
    scaled = bench._scale([1], units)
    assert seen == [["site"]]  # the site written afresh, and nothing beside it
    assert scaled["builds"][0]["units"] == 3
    assert scaled["builds"][0]["pages_s"] == 1.0
    assert scaled["builds"][0]["sphinx_share"] == pytest.approx(0.333)


def test_the_probe_counts_the_sphinx_process_alone(tmp_path: Path) -> None:
    # A conf.py whose child burns 3 CPU s: the tree's CPU holds them, the
    # Sphinx process's own (what scale and cold_sphinx_cpu_s report) does not.
    source = tmp_path / "source"
    source.mkdir()
    burn = "import time\nend = time.process_time() + 3\nwhile time.process_time() < end: pass"
    (source / "conf.py").write_text(
        f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {burn!r}], check=True)\n"
    )
    (source / "index.rst").write_text("Title\n=====\n\nText.\n")
    probe = tmp_path / "probe.json"
    args = ["-q", "-b", "html", str(source), str(tmp_path / "html")]
    measured = bench._timed(bench.sphinx_command(probe, args))
    found = json.loads(probe.read_text(encoding="utf-8"))
    assert measured.cpu_s > 3.0
    assert 0.05 < found["cpu_s"] <= measured.cpu_s - 3.0
    assert 20 < found["peak_mb"] < measured.peak_mb + 1
    assert found["tensorflow_imported"] is False
    assert (tmp_path / "html" / "index.html").is_file()
