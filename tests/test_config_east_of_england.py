"""The shipped East of England example: six forces, every source tied to forces that exist.

The schema tests load the file through `load_config` (the many-force schema: `forces`, a
force's `id`, a source's `forces`); the YAML tests check the same facts on the raw mapping, so
they hold whatever the schema does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core.config import load_config

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config" / "east-of-england.yaml"
IDS = ["norfolk", "bedfordshire", "cambridgeshire", "essex", "hertfordshire", "suffolk"]
# Sources that speak for one force only: every article they publish counts for it.
ONE_FORCE_KINDS = ("force_statement", "pcc_statement")


def served(source_forces: list[str] | None, all_ids: list[str]) -> set[str]:
    """The forces a source feeds: those it lists, or every force when it lists none."""
    return set(source_forces or all_ids)


def shared_area_names(areas: dict[str, list[str]]) -> dict[str, list[str]]:
    """Place names (compared without case, as the crawl matches them) listed by two forces."""
    owners: dict[str, list[str]] = {}
    for force_id, names in areas.items():
        for name in {n.strip().casefold() for n in names}:
            owners.setdefault(name, []).append(force_id)
    return {name: ids for name, ids in owners.items() if len(ids) > 1}


# ---- through the schema (passes once `forces` is part of core/config.py) ---------------------


@pytest.fixture(scope="module")
def cfg():
    return load_config(CONFIG, db="east-of-england-test.duckdb", environ={})


def test_schema_six_forces_norfolk_first(cfg):
    ids = [force.id for force in cfg.forces]
    assert sorted(ids) == sorted(IDS)
    assert ids[0] == "norfolk"
    assert cfg.forces[0].name == "Norfolk Constabulary"
    names = [force.name for force in cfg.forces]
    assert len(set(names)) == len(names)


def test_schema_sources_name_configured_forces(cfg):
    ids = {force.id for force in cfg.forces}
    for source in cfg.sources:
        assert set(source.forces) <= ids, source.name
        if source.kind in ONE_FORCE_KINDS:
            assert len(source.forces) == 1, source.name


def test_schema_every_force_has_a_newsroom_and_a_local_paper(cfg):
    ids = [force.id for force in cfg.forces]
    for kind in ("force_statement", "local_news"):
        covered = set().union(*(served(s.forces, ids) for s in cfg.sources if s.kind == kind))
        assert covered == set(ids), kind


def test_schema_every_source_is_marked_unverified(cfg):
    assert cfg.sources
    assert [s.name for s in cfg.sources if not s.unverified] == []


def test_schema_no_place_name_belongs_to_two_forces(cfg):
    assert shared_area_names({force.id: force.area for force in cfg.forces}) == {}


# ---- the raw YAML (no schema needed) ---------------------------------------------------------


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load(CONFIG.read_text(encoding="utf-8"))


def test_yaml_forces_ids_and_order(raw):
    assert "force" not in raw  # a many-force file: `forces` only
    ids = [force["id"] for force in raw["forces"]]
    assert ids == IDS
    names = [force["name"] for force in raw["forces"]]
    assert len(set(names)) == len(names)
    for force in raw["forces"]:
        assert force["area"], force["id"]
        assert force["name"] in force["aliases"], force["id"]


def test_yaml_source_forces_exist_and_every_force_is_served(raw):
    ids = [force["id"] for force in raw["forces"]]
    for source in raw["sources"]:
        assert set(source.get("forces") or []) <= set(ids), source["name"]
        if source["kind"] in ONE_FORCE_KINDS:
            assert len(source.get("forces") or []) == 1, source["name"]
    for kind in ("force_statement", "local_news"):
        covered = set().union(
            *(served(s.get("forces"), ids) for s in raw["sources"] if s["kind"] == kind)
        )
        assert covered == set(ids), kind


def test_yaml_sources_unverified_and_areas_disjoint(raw):
    assert [s["name"] for s in raw["sources"] if s.get("unverified") is not True] == []
    names = [s["name"] for s in raw["sources"]]
    assert len(set(names)) == len(names)
    areas = {force["id"]: force["area"] for force in raw["forces"]}
    assert shared_area_names(areas) == {}


def test_yaml_area_check_sees_a_clash_whatever_the_case():
    assert shared_area_names({"a": ["Luton", "Thetford"], "b": ["luton "]}) == {"luton": ["a", "b"]}
    assert shared_area_names({"a": ["Luton"], "b": ["Bedford"]}) == {}
