"""What the publication tests share: run ``kg`` (with faults) in a subprocess, and look at what it left."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from kg.fragments import nquads_files

FAULTS = Path(__file__).with_name("faults.py")
ROOT = Path(__file__).resolve().parents[2]


def kg(
    work: Path, *args: str, faults: tuple[str, ...] = (), umask: int | None = None
) -> subprocess.CompletedProcess[str]:
    """``kg --data-dir work/data --dist-dir work/dist ARGS`` in a fresh process, through ``faults.py``."""
    command = [sys.executable, str(FAULTS), *faults, "--"]
    command += ["--data-dir", str(work / "data"), "--dist-dir", str(work / "dist"), *args]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env["KG_FINISH"] = "wait"  # `kg add` finishes its build before it returns: every step is traced
    return subprocess.run(
        command,
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
    )


def dist_is_whole(work: Path) -> bool:
    """``dist/`` exists and holds every file its manifest lists, with the listed SHA-256."""
    try:
        manifest = json.loads((work / "dist" / "manifest.json").read_text(encoding="utf-8"))
        return all(
            hashlib.sha256((work / "dist" / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
            for entry in manifest["files"]
        )
    except (OSError, ValueError):
        return False


def release_in_dist(work: Path, release_id: str) -> bool:
    # kg.nq, or the fragments it joins while `kg build --finish` has not written it
    return any(f"/{release_id}>" in path.read_text(encoding="utf-8") for path in nquads_files(work / "dist"))


def leftovers(work: Path) -> list[str]:
    """Anything a run leaves besides data/, dist/ and the one build dist/ links to: hidden temporary
    records and source texts, journals, staging builds, unlinked builds."""
    found = [str(p.relative_to(work)) for p in (work / "data").rglob(".*")]
    found += [p.name for p in work.iterdir() if p.name not in ("data", "dist", ".dist.builds")]
    builds = work / ".dist.builds"
    if builds.is_dir():
        linked = (work / "dist").resolve()
        found += [str(p.relative_to(work)) for p in builds.iterdir() if p != linked]
    return sorted(found)


def tree(work: Path) -> dict[str, str]:
    """Every file under work/ (hidden ones too, through dist/'s link) with its SHA-256."""
    files = {}
    for folder in (work / "data", work / "dist"):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                files[str(path.relative_to(work))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def start(work: Path, *args: str, faults: tuple[str, ...] = ()) -> subprocess.Popen[str]:
    """``kg`` as ``kg()`` runs it, without waiting for it."""
    command = [sys.executable, str(FAULTS), *faults, "--"]
    command += ["--data-dir", str(work / "data"), "--dist-dir", str(work / "dist"), *args]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env["KG_FINISH"] = "wait"
    return subprocess.Popen(
        command, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
