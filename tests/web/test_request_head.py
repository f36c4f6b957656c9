"""``kg.web.request_head``: header fields read as RFC 9112 §5 says, with gunicorn's limits."""

from __future__ import annotations

import io

import pytest

from kg.web.request_head import HeadError, read_fields


def _read(head: bytes) -> object:
    return read_fields(io.BytesIO(head), max_line=100, max_fields=3)


def test_fields_keep_order_and_repetitions_and_ignore_case() -> None:
    fields = read_fields(
        io.BytesIO(b"Host: a\r\nAccept:  x/y \t\r\naccept: z\n\r\nbody"), max_line=100, max_fields=3
    )
    assert fields.items() == [("Host", "a"), ("Accept", "x/y"), ("accept", "z")]
    assert fields.get("ACCEPT") == "x/y" and fields["accept"] == "x/y"
    assert fields.get_all("Accept") == ["x/y", "z"] and fields.get_all("X", []) == []
    assert fields.get("Missing") is None and fields.get("Missing", "d") == "d" and fields["Missing"] is None
    assert "host" in fields and "Missing" not in fields and len(fields) == 3
    assert list(fields) == fields.keys() == ["Host", "Accept", "accept"]
    assert fields.values() == ["a", "x/y", "z"]


def test_the_stream_is_left_at_the_body() -> None:
    stream = io.BytesIO(b"Content-Length: 4\r\n\r\nbody")
    assert read_fields(stream, max_line=100, max_fields=3).get("content-length") == "4"
    assert stream.read() == b"body"


def test_the_end_of_the_stream_ends_the_fields() -> None:
    assert read_fields(io.BytesIO(b"Host: a\r\n"), max_line=100, max_fields=3).items() == [("Host", "a")]


def test_a_value_keeps_latin_1_and_a_repeated_equal_length() -> None:
    fields = read_fields(
        io.BytesIO(b"X: caf\xe9\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n"),
        max_line=100,
        max_fields=3,
    )
    assert fields.get("x") == "café" and fields.get_all("content-length") == ["5", "5"]


@pytest.mark.parametrize(
    ("head", "status"),
    [
        (b"Host : a\r\n\r\n", 400),  # §5.1
        (b"Host: a\r\n b\r\n\r\n", 400),  # §5.2 obs-fold
        (b"\tHost: a\r\n\r\n", 400),
        (b"Ho st: a\r\n\r\n", 400),
        (b": a\r\n\r\n", 400),
        (b"Host a\r\n\r\n", 400),
        (b"X: a\x00b\r\n\r\n", 400),  # RFC 9110 §5.5
        (b"X: a\rb\r\n\r\n", 400),
        (b"Content-Length: 5\r\ncontent-length: 6\r\n\r\n", 400),  # RFC 9112 §6.3
        (b"X: " + b"a" * 100 + b"\r\n\r\n", 431),
        (b"A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", 431),
    ],
)
def test_a_bad_field_is_refused(head: bytes, status: int) -> None:
    with pytest.raises(HeadError) as caught:
        _read(head)
    assert caught.value.status == status
    assert "\r" not in caught.value.message and "\x00" not in caught.value.message


def test_limits_are_inclusive() -> None:
    line = b"X: " + b"a" * 95 + b"\r\n"  # 100 bytes with its CRLF
    assert len(read_fields(io.BytesIO(line + b"A: 1\r\nB: 2\r\n\r\n"), max_line=100, max_fields=3)) == 3
