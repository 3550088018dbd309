"""pyproject.toml declares ranges, requirements*.txt pins: every pin is declared and in range.

`packaging` comes with pytest (one of its own dependencies).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def pins(name: str) -> dict[str, Requirement]:
    """The requirements of a requirements file by canonical name (comments dropped)."""
    found = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip()
        if text:
            requirement = Requirement(text)
            found[canonicalize_name(requirement.name)] = requirement
    return found


def declared(entries: list[str]) -> dict[str, Requirement]:
    return {canonicalize_name(r.name): r for r in map(Requirement, entries)}


# The `distributed` extra is pinned in requirements.txt too, so that `make test` runs it.
DISTRIBUTED = declared(PROJECT["optional-dependencies"].get("distributed", []))
RUNTIME = (pins("requirements.txt"), declared(PROJECT["dependencies"]) | DISTRIBUTED)
DEV = (pins("requirements-dev.txt"), declared(PROJECT["optional-dependencies"]["dev"]))


@pytest.mark.parametrize(
    ("pinned", "ranges"), [RUNTIME, DEV], ids=["requirements.txt", "requirements-dev.txt"]
)
def test_every_pin_is_declared_and_inside_its_range(pinned, ranges):
    assert pinned, "no requirements read"
    assert sorted(set(pinned) - set(ranges)) == [], "pinned but not declared in pyproject.toml"
    assert sorted(set(ranges) - set(pinned)) == [], "declared in pyproject.toml but not pinned"
    for name, requirement in pinned.items():
        [spec] = requirement.specifier  # one exact pin: `name==version`
        assert spec.operator == "==", f"{requirement}: pin one exact version"
        allowed = ranges[name].specifier
        assert allowed.contains(spec.version, prereleases=True), (
            f"{requirement} is outside pyproject.toml's {ranges[name]}"
        )


def test_declared_ranges_are_ranges_not_pins():
    for requirement in [*RUNTIME[1].values(), *DEV[1].values()]:
        operators = {spec.operator for spec in requirement.specifier}
        why = f"{requirement}: a range with an upper bound, the pin goes in requirements*.txt"
        assert "==" not in operators, why
        assert "<" in operators, why


def test_tools_are_an_extra_not_runtime_dependencies():
    assert not set(RUNTIME[1]) & set(DEV[1])


def test_the_distributed_pieces_are_an_extra_not_core_dependencies():
    assert {"scrapy-redis", "redis", "warcio"} <= set(DISTRIBUTED)
    assert not set(declared(PROJECT["dependencies"])) & set(DISTRIBUTED)
