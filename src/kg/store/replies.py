"""What a remote store's answer to a query means: the answer, a timeout, a cut answer, a refusal.

The two servers say "stopped at my time limit" and "cut" in their own ways (``kg.store.remote`` sends the
queries): Oxigraph server ends an answer it has begun with ``The SPARQL operation has been cancelled``;
Virtuoso 7 sends what it found with ``X-SQL-State: S1TAT``, or a 500 whose body ends with its ``S1TAT``
error when its limit struck while it was writing, or ``SR177`` inside a sort, and says its
``ResultSetMaxRows`` (or the ``maxrows`` parameter) cut an answer only in ``X-SPARQL-MaxRows``. Each is
read here as a timeout or an error, never as a whole answer.
"""

from __future__ import annotations

import re
from typing import Any

from kg.errors import KgError, QueryCrashed, QueryError, QueryTimeout, StoreUnavailable
from kg.store.http import Reply
from kg.store.terms import one_line, wire_bindings

_CANCELLED = b"The SPARQL operation has been cancelled"  # Oxigraph server 0.5, at its --timeout-s
_VIRTUOSO_TIMEOUT = b"Virtuoso S1TAT Error"


def refusal(reply: Reply, kind: str, timeout_s: float, elapsed: float, max_rows: int) -> KgError | None:
    """None when ``reply`` is a whole answer (or one cut after ``max_rows`` rows, which the caller flags);
    else the error to raise: ``QueryTimeout``, ``QueryCrashed`` (the store's row limit is below ours),
    ``StoreUnavailable`` (503: the caller marks the store down) or ``QueryError``."""
    stopped = QueryTimeout(f"the query ran past the store's time limit ({timeout_s:g} s) and was stopped")
    if (
        reply.headers.get("x-sql-state") == "S1TAT"
        or reply.body.endswith(_CANCELLED)
        or (reply.status == 500 and _VIRTUOSO_TIMEOUT in reply.body[-4096:])
    ):
        return stopped
    cut_at = reply.headers.get("x-sparql-maxrows", "")
    if reply.status == 200 and cut_at.isdigit() and (not max_rows or int(cut_at) <= max_rows):
        need = f"at least {max_rows + 1}" if max_rows else f"above {cut_at} and KG_MAX_ROWS"
        return QueryCrashed(
            f"the store cut the answer at {cut_at} rows: set Virtuoso's [SPARQL] ResultSetMaxRows to "
            f"{need} (docs/serving.md)"
        )
    if reply.status == 200:
        return None
    message = status_line(reply)
    if kind == "virtuoso" and "SR177" in message and elapsed >= timeout_s / 2:
        # Virtuoso stops a query inside a sort at its limit with "SR177: Misc Transaction Error" (seen
        # on 7.2.5 with ORDER BY): at the limit, that is the timeout it is.
        return stopped
    if reply.status == 503:
        return StoreUnavailable(f"the store is unavailable: {message}")
    if reply.status in (500, 504) and re.search(r"time ?out|timed out", message, re.IGNORECASE):
        return QueryTimeout(f"the store stopped the query at its time limit: {message}")
    return QueryError(one_line(f"the store refused the query: {message}"))


def boolean(doc: Any) -> bool:
    """An ASK answer in SPARQL JSON."""
    if isinstance(doc, dict) and isinstance(doc.get("boolean"), bool):
        return bool(doc["boolean"])
    # Virtuoso 7 answers ASK in JSON as one row of ``__ASK_RETVAL`` (1 or 0).
    names, rows = wire_bindings(doc)
    if names == ["__ASK_RETVAL"]:
        return bool(rows) and str(rows[0].get("__ASK_RETVAL", {}).get("value")) == "1"
    raise QueryError("the store sent no boolean for an ASK query")


def status_line(reply: Reply) -> str:
    text = reply.body[:300].decode("utf-8", "replace")
    return one_line(f"HTTP {reply.status}: {text}" if text.strip() else f"HTTP {reply.status}")
