"""server/README.md stays honest: every setting and every route is documented."""

from __future__ import annotations

from pathlib import Path

from server.config import SETTINGS

pytest_plugins = ["tests.server_fixtures"]

README = (Path(__file__).resolve().parents[1] / "server" / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme():
    for setting in SETTINGS:
        assert f"`{setting.name}`" in README, setting.name
        assert f"`{setting.env}`" in README, setting.env


def test_every_route_is_in_the_readme(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            assert f"`{rule.rule}`" in README, rule.rule


def test_every_module_is_in_the_readme():
    for module in (Path(__file__).resolve().parents[1] / "server").glob("*.py"):
        assert f"`{module.name}`" in README, module.name
