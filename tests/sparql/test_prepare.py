"""Several server processes starting together load the store once, and all open that one."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from sparql_data import write_nquads

# Each process records in ``loads`` when it bulk-loads (the real loader runs after the mark), then
# waits on a barrier file so that all start prepare_store at about the same moment.
_PROCESS = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import kg.sparql.prepare as prepare

    nquads, root, loads, go = map(Path, sys.argv[1:5])
    real = prepare._load

    def counted(directory, source):
        with loads.open("a") as out:
            out.write("load\\n")
        time.sleep(0.5)  # a real load of 10^6 triples takes seconds: leave the others time to race
        real(directory, source)

    prepare._load = counted
    while not go.exists():
        time.sleep(0.01)
    path, version = prepare.prepare_store(nquads, root)
    print(path)
    """
)


def test_concurrent_starts_load_the_store_once(tmp_path: Path) -> None:
    nquads = write_nquads(tmp_path / "data.nq")
    loads, go, root = tmp_path / "loads.txt", tmp_path / "go", tmp_path / "stores"
    args = [str(nquads), str(root), str(loads), str(go)]
    processes = [
        subprocess.Popen([sys.executable, "-c", _PROCESS, *args], stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    go.touch()
    outputs = [process.communicate(timeout=60)[0].strip() for process in processes]
    assert all(process.returncode == 0 for process in processes)
    assert len(set(outputs)) == 1 and Path(outputs[0]).is_dir()
    assert loads.read_text().splitlines() == ["load"]  # one process loaded; three waited and reused it
    assert [p.name for p in root.iterdir()] == [Path(outputs[0]).name]  # no leftover loading folders
