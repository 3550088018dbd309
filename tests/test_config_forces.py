"""Many forces in one config: `forces:`, `forces_dir:`, ids, and the sources that serve them."""

from __future__ import annotations

import pytest

from core.config import Config, load_config
from core.errors import ConfigError
from core.forces import Force, force_id

TWO = """
forces:
  - {id: north, name: Northshire Police, area: [Northton]}
  - {name: Southshire Constabulary, aliases: [Southshire Police]}
sources:
  - {name: North Gazette, kind: local_news, forces: [north], feeds: [https://example.org/n.xml]}
  - {name: Region News, kind: local_news, feeds: [https://example.org/r.xml]}
"""


def write(folder, text, name="pcm.yaml"):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Norfolk Constabulary", "norfolk"),
        ("Devon and Cornwall Police", "devon-and-cornwall"),
        ("Police Service of Northern Ireland", "northern-ireland"),
        ("The Met", "met"),
        ("Police", "police"),
    ],
)
def test_a_force_id_is_made_from_its_name(name, expected):
    assert force_id(name) == expected
    assert Force(name=name).id == expected


def test_forces_list_gives_every_force_and_the_first_as_default(tmp_path):
    cfg = load_config(write(tmp_path, TWO), environ={})
    assert [f.id for f in cfg.forces] == ["north", "southshire"]
    assert cfg.force.id == "north"
    assert cfg.force_by_id(None).id == "north"
    assert cfg.force_by_id("southshire").name == "Southshire Constabulary"
    assert [f.id for f in cfg.source_forces("North Gazette")] == ["north"]
    assert [f.id for f in cfg.source_forces("Region News")] == ["north", "southshire"]
    with pytest.raises(ConfigError) as info:
        cfg.force_by_id("east")
    assert str(info.value) == "no force with id 'east' in the config; configured: north, southshire"


def test_one_force_config_is_a_list_of_one():
    cfg = Config(force=Force(name="Wexmoor Constabulary"))
    assert [f.id for f in cfg.forces] == ["wexmoor"]
    # a dumped config validates again (force and forces agree)
    assert Config.model_validate(cfg.model_dump()).forces == cfg.forces


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            TWO.replace("id: north", "id: southshire"),
            "force ids must be unique, repeated: southshire",
        ),
        (TWO.replace("forces: [north]", "forces: [east]"), "names unknown force id(s) east"),
        (TWO.replace("id: north", "id: North Shire"), "forces.0.id: String should match"),
        (TWO + "force: {name: Other Police}\n", "give either 'force' or 'forces', not both"),
        ("forces: []\n", "name the force watched"),
    ],
)
def test_force_mistakes_get_one_line(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    assert str(info.value).startswith(f"{path}: ")
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_forces_dir_reads_one_file_per_force_in_name_order(tmp_path):
    folder = tmp_path / "forces"
    folder.mkdir()
    write(folder, "name: Westshire Police\narea: [Westby]\n", "20-west.yaml")
    write(folder, "id: east\nname: Eastshire Constabulary\n", "10-east.yml")
    write(folder, "not a force file", "README.txt")
    path = write(tmp_path, "forces_dir: forces\n")
    cfg = load_config(path, environ={})
    assert [f.id for f in cfg.forces] == ["east", "westshire"]
    assert cfg.force.area == []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({}, "forces_dir holds no .yaml force files"),
        ({"a.yaml": "name: X\n"}, "a.yaml: name: String should have at least 2 characters"),
        ({"b.yaml": "name: [unclosed\n  - x: : y\n"}, "b.yaml: cannot read this force file"),
    ],
)
def test_forces_dir_mistakes_name_the_file(tmp_path, files, expected):
    folder = tmp_path / "forces"
    folder.mkdir()
    for name, text in files.items():
        write(folder, text, name)
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, "forces_dir: forces\n"), environ={})
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_forces_dir_missing_or_beside_forces(tmp_path):
    with pytest.raises(ConfigError, match="forces_dir is not a folder"):
        load_config(write(tmp_path, "forces_dir: nowhere\n"), environ={})
    (tmp_path / "f").mkdir()
    with pytest.raises(ConfigError, match="give forces_dir or forces/force, not both"):
        load_config(write(tmp_path, "forces_dir: f\n" + TWO), environ={})
