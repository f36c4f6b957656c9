"""A loopback listener for the hostile-input tests: any connection to it is an outbound request kg made."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .support import Listener, listening


@pytest.fixture
def listener() -> Iterator[Listener]:
    with listening() as record:
        yield record
