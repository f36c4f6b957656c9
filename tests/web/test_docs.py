"""docs/serving.md documents every route, every serve option and every KG_* web setting."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from flask import Flask

from kg.web.config import WebOptions

DOC = (Path(__file__).resolve().parents[2] / "docs" / "serving.md").read_text(encoding="utf-8")


def test_every_route_is_documented(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        static = rule.rule.split("<", 1)[0].rstrip(".")
        if static in ("/", ""):
            continue
        assert f"`{static}" in DOC, f"{rule.rule} is not in docs/serving.md"
    assert "`/{kind}/{key}`" in DOC


def test_every_option_is_documented() -> None:
    for option in ("--host", "--port", "--timeout", "--workers", "--public-url"):
        assert f"`{option}`" in DOC
    for field in fields(WebOptions):
        if field.name in ("incoming_page", "count_cap"):
            continue
        assert f"KG_{field.name.upper()}" in DOC, field.name
