"""Print the README's corpus table: `kg extract` and `kg add` on every release of tests/corpus/.

    .venv/bin/python scripts/corpus_report.py

Runs in a temporary copy of the project (data/ is not touched); takes a minute or two.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "extract"))

from corpus_check import run_corpus, table

if __name__ == "__main__":
    print(table(run_corpus()))
