"""A ``kg build`` or ``kg add`` killed at any step leaves ``data/`` and ``dist/`` both old or both new, and
``dist/`` whole at every moment; the next run finishes or undoes the crashed one and removes what it left.

Each command runs in a subprocess (``faults.py``) that numbers every call changing a folder and kills itself
with SIGKILL just before step N, for every N of a whole run: not random moments, every one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from kg.publication import locked
from kg.settings import Settings

from .support import dist_is_whole, kg, leftovers, release_in_dist


def _steps(work: Path, tmp_path: Path, *args: str) -> list[str]:
    """The numbered steps of one whole run of ``kg ARGS`` on a copy of ``work``."""
    copy = tmp_path / "traced"
    shutil.copytree(work, copy, symlinks=True)
    trace = tmp_path / "trace.txt"
    done = kg(copy, *args, faults=("--trace", str(trace)))
    assert done.returncode == 0, done.stderr
    return trace.read_text(encoding="utf-8").splitlines()


def test_kg_build_killed_at_every_step_always_leaves_a_whole_dist(work: Path, tmp_path: Path) -> None:
    """Killed between the two renames that swapped dist/, an older kg left no dist/ at all."""
    assert kg(work, "build").returncode == 0  # a build over a build: the swap of a linked dist/
    steps = _steps(work, tmp_path, "build")
    assert len(steps) >= 3, steps
    problems: list[str] = []  # every step is tried, and every problem reported
    for n, step in enumerate(steps, start=1):
        copy = tmp_path / f"crash-{n}"
        shutil.copytree(work, copy, symlinks=True)
        crashed = kg(copy, "build", faults=("--crash-at", str(n)))
        assert crashed.returncode == -9, (step, crashed.stderr)
        if not dist_is_whole(copy):
            problems.append(f"killed before {step}: dist/ is missing or torn")
        again = kg(copy, "build")
        if again.returncode != 0 or not dist_is_whole(copy):
            problems.append(f"killed before {step}: the next build failed: {again.stderr}")
        if left := leftovers(copy):
            problems.append(f"killed before {step}: the next build left {left}")
        shutil.rmtree(copy)
    assert not problems, "\n".join(problems)


def test_kg_add_killed_at_every_step_leaves_data_and_dist_both_old_or_both_new(
    work: Path, incoming: Path, tmp_path: Path
) -> None:
    """Killed after dist/ was swapped but before the record was moved into data/, an older kg served the
    release, refused it again as a duplicate, and the next ``kg build`` dropped it. Its kills also left
    hidden records, source texts and staging builds that nothing removed."""
    release = incoming.stem
    record = Path("data") / "releases" / incoming.name
    source = Path("data") / "sources" / f"{release}.txt"
    steps = _steps(work, tmp_path, "add", str(incoming))
    assert len(steps) >= 5, steps
    problems: list[str] = []  # every step is tried, and every problem reported
    for n, step in enumerate(steps, start=1):
        copy = tmp_path / f"crash-{n}"
        shutil.copytree(work, copy, symlinks=True)
        crashed = kg(copy, "add", str(incoming), faults=("--crash-at", str(n)))
        assert crashed.returncode == -9, (step, crashed.stderr)
        if not dist_is_whole(copy):
            problems.append(f"killed before {step}: dist/ is missing or torn")
            continue
        with locked(Settings(data_dir=copy / "data", dist_dir=copy / "dist")):  # what every next run does
            if (copy / record).is_file() != release_in_dist(copy, release):
                problems.append(f"killed before {step}: data/ and dist/ differ on the release")
        # The next run (here the same `kg add`, retried) first finishes or undoes the crashed one: the
        # release is then added now, or was already (and is refused as a duplicate).
        again = kg(copy, "add", str(incoming))
        if again.returncode != 0 and "Duplicate" not in again.stdout:
            problems.append(f"killed before {step}: the retried add failed: {again.stderr}")
        # In data/ too, so no later `kg build` (which builds dist/ from data/ alone) can drop it.
        if not ((copy / record).is_file() and (copy / source).is_file()):
            problems.append(f"killed before {step}: after the retry, the release is not in data/")
        if not release_in_dist(copy, release):
            problems.append(f"killed before {step}: after the retry, the release is not in dist/")
        if left := leftovers(copy):
            problems.append(f"killed before {step}: the next run left {left}")
        shutil.rmtree(copy)
    assert not problems, "\n".join(problems)


def test_the_next_run_removes_what_older_crashed_runs_left(work: Path) -> None:
    """Hidden records and source texts, staging builds and half-swapped dist/ folders of killed runs."""
    hidden = [
        work / "data" / "releases" / ".news-release-1.yaml.k2j3.adding",
        work / "data" / "sources" / ".news-release-1.txt.x8d1.adding",
    ]
    for path in hidden:
        path.write_text("left by a killed kg add\n", encoding="utf-8")
    for name in (".dist-k2j3abcd", ".dist-old-4242"):  # what older kg versions named their staging builds
        (work / name).mkdir()
        (work / name / "kg.nq").write_text("", encoding="utf-8")
    assert kg(work, "build").returncode == 0
    assert not leftovers(work)
    assert dist_is_whole(work)
