"""What the machine's cores deliver at once (tools/bench_capacity.py)."""

from __future__ import annotations

import pytest

from bench_capacity import Capacity, measure


def test_capacity_is_the_cores_work_at_once_in_cores_alone() -> None:
    assert Capacity(200, (200, 200)).capacity == 2.0
    # Two busy cores that each did a third less than one alone.
    assert Capacity(300, (200, 200)).capacity == 1.33
    assert Capacity(300, (200, 200)).to_json()["together"] == [200, 200]


def test_a_real_measure_counts_one_loop_per_core() -> None:
    found = measure(cores=2, seconds=0.3)
    assert found.alone > 0
    assert len(found.together) == 2
    assert all(count > 0 for count in found.together)
    # However loaded the machine running the tests, two loops at once did some
    # of one alone's work, and no loop did ten times more in the same time.
    assert 0 < found.capacity < 20


@pytest.mark.parametrize(
    ("options", "named"),
    [({"cores": 0}, "cores"), ({"cores": 2, "seconds": 0}, "seconds")],
)
def test_bad_options_are_named(options: dict[str, float], named: str) -> None:
    with pytest.raises(ValueError, match=named):
        measure(**options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("alone", "together", "named"),
    [(0, (1, 1), "alone"), (5, (), "together"), (5, (1, -1), "together")],
)
def test_bad_counts_are_named(
    alone: int, together: tuple[int, ...], named: str
) -> None:
    with pytest.raises(ValueError, match=named):
        Capacity(alone, together)
