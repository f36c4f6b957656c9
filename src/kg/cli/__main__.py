"""``python -m kg.cli``: the ``kg`` command, as ``python -m kg``."""

from kg.cli import main

main()
