"""Load a build into a remote store: one Graph Store ``PUT`` per named graph that changed.

Each ``PUT`` replaces one graph whole in one request (SPARQL 1.1 Graph Store HTTP Protocol §5.3), so a
reader sees a graph as it was or as it is, never half of it; graphs the build no longer has are deleted
(§5.4) after the new ones are in. What was pushed is recorded beside the build's stores (the SHA-256 of
each graph's N-Triples, per store URL), so the next ``kg add`` sends only the graphs it changed: one
release's graph and the catalog's, not the whole dataset. A graph the record lists but the store lacks
(the store was emptied) is sent again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.errors import StoreError
from kg.fragments import nquads_files
from kg.settings import Settings
from kg.store.remote import RemoteStore
from kg.store.terms import graphs_in


@dataclass(frozen=True)
class Pushed:
    """What a push did: graphs replaced, graphs deleted, graphs left as they were."""

    replaced: tuple[str, ...]
    deleted: tuple[str, ...]
    unchanged: int

    def summary(self, url: str) -> str:
        return (
            f"Loaded into {url}: {len(self.replaced)} graph(s) replaced, {len(self.deleted)} deleted, "
            f"{self.unchanged} unchanged"
        )


def push_nquads(store: RemoteStore, nquads: Path | Sequence[Path], record: Path | None = None) -> Pushed:
    """Make the store's served graphs those of ``nquads`` (a build's ``kg.nq``, or the fragments it joins:
    ``kg.fragments.nquads_files``).

    :raises StoreError: the file cannot be read, it has default-graph triples (nothing is sent), or the store
        refused a graph (the graphs sent before stay; nothing is recorded, so the next push resends them).
    :raises StoreUnavailable: the store is down (nothing is recorded either).
    """
    graphs = graphs_in(nquads)
    where = nquads if isinstance(nquads, Path) else nquads[0].parent if nquads else "no file"
    if "" in graphs:
        raise StoreError(f"{where}: triples in the default graph; a remote store takes named graphs only")
    outside = sorted(g for g in graphs if not g.startswith(store.graph_prefix))
    if outside:
        raise StoreError(f"{where}: graph <{outside[0]}> is not under {store.graph_prefix}")
    digests = {g: hashlib.sha256(data).hexdigest() for g, data in graphs.items()}
    before = _read(record, store.url)
    present = set(store.graphs())
    replaced = []
    for graph in sorted(graphs):
        if before.get(graph) != digests[graph] or graph not in present:
            store.replace_graph(graph, graphs[graph])
            replaced.append(graph)
    deleted = sorted(present - set(graphs))
    for graph in deleted:
        store.delete_graph(graph)
    if record is not None:
        _write(record, store.url, digests)
    return Pushed(tuple(replaced), tuple(deleted), len(graphs) - len(replaced))


def push_configured(settings: Settings, environ: dict[str, str] | None = None) -> str | None:
    """After ``kg build`` or ``kg add``: load ``dist/kg.nq`` into the store ``KG_STORE`` names, if any.

    :returns: a line saying what was loaded, or None without ``KG_STORE``.
    """
    env = dict(os.environ if environ is None else environ)
    url = env.get("KG_STORE", "")
    if not url:
        return None
    store = RemoteStore(
        url, graph_prefix=f"{settings.base_iri}graph/", allow_remote=env.get("KG_STORE_ALLOW_REMOTE") == "1"
    )
    # Beside the embedded stores of `kg serve` (KG_STORE_DIR, else $XDG_CACHE_HOME/kg/stores).
    cache = Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kg" / "stores"
    folder = Path(env["KG_STORE_DIR"]) if env.get("KG_STORE_DIR") else cache
    record = folder / f"pushed-{hashlib.sha256(url.encode()).hexdigest()[:16]}.json"
    return push_nquads(store, nquads_files(settings.dist_dir), record).summary(url)


def _read(record: Path | None, url: str) -> dict[str, str]:
    if record is None:
        return {}
    try:
        found = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no record, or a broken one: send every graph
    graphs = found.get("graphs") if isinstance(found, dict) and found.get("store") == url else None
    return {str(k): str(v) for k, v in graphs.items()} if isinstance(graphs, dict) else {}


def _write(record: Path, url: str, digests: dict[str, str]) -> None:
    record.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".pushed-", dir=record.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump({"store": url, "graphs": digests}, out, indent=1, sort_keys=True)
    os.replace(name, record)
