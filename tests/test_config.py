"""Config loading: a valid file loads; each kind of mistake gets one line naming file and field."""

from pathlib import Path

import pytest

from core.config import load_config
from core.errors import ConfigError
from core.vocabulary import TOPICS
from pcm.cli import main

ROOT = Path(__file__).resolve().parents[1]

GOOD = """
force:
  name: Wexmoor Constabulary
  aliases: [Wexmoor Police]
  people:
    - {name: Ada Quill, role: force}
sources:
  - name: Gazette
    kind: local_news
    feeds: [https://example.org/feed.xml]
"""


def write(tmp_path: Path, text: str, name: str = "c.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_config_loads_with_defaults(tmp_path):
    cfg = load_config(write(tmp_path, GOOD), db=str(tmp_path / "x.duckdb"), environ={})
    assert cfg.force.people[0].role == "force"
    assert cfg.crawl.download_delay == 2.0
    assert cfg.retention.text_days == 400
    assert cfg.schedule.timezone == "Europe/London"
    assert cfg.db_path == str(tmp_path / "x.duckdb")


def test_environment_gives_defaults_and_flags_override(tmp_path):
    path = write(tmp_path, GOOD)
    env = {"PCM_CONFIG": str(path), "PCM_DB": "from-env.duckdb"}
    assert load_config(environ=env).db_path == "from-env.duckdb"
    assert load_config(db="flag.duckdb", environ=env).db_path == "flag.duckdb"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("force: [unclosed", "YAML syntax error at line"),
        ("- just\n- a list\n", "expected a YAML mapping"),
        ("sources: []\n", "name the force watched"),
        (GOOD.replace("role: force", "role: chief"), "force.people.0.role: Input should be"),
        (GOOD.replace("kind: local_news", "kind: blog"), "sources.0.kind: Input should be"),
        (GOOD.replace("https://example.org/feed.xml", "ftp://x"), "sources.0.feeds: Value error"),
        (GOOD + "crawl: {download_delay: -1}\n", "crawl.download_delay: Input should be greater"),
        (GOOD + "schedule: {at: '25:00'}\n", "schedule.at: String should match pattern"),
        (GOOD + "crawl: {dwonload_delay: 1}\n", "crawl.dwonload_delay: unknown field"),
        (GOOD + "  - {name: Gazette, kind: local_news}\n", "source names must be unique"),
        (GOOD + "digest: {dashboard_url: confidence.example}\n", "digest.dashboard_url"),
    ],
)
def test_each_mistake_gets_one_line_naming_file_and_field(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


def test_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml", environ={})
    bad = tmp_path / "latin.yaml"
    bad.write_bytes(b"force:\n  name: Caf\xe9\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(bad, environ={})


def test_cli_reports_a_bad_config_in_one_line_and_exit_1(tmp_path, capsys):
    path = write(tmp_path, GOOD.replace("kind: local_news", "kind: blog"))
    code = main(["init", "--config", str(path), "--db", str(tmp_path / "w.duckdb")])
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert err.startswith("pcm init: ")
    assert "sources.0.kind" in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("name", ["norfolk.yaml", "sample.yaml"])
def test_shipped_configs_validate(name):
    cfg = load_config(ROOT / "config" / name, environ={})
    assert cfg.sources, "a shipped config lists its sources"
    assert cfg.force.people


def test_topic_ids_are_the_contract():
    assert len(TOPICS) == 13
    assert "victim_updates" in TOPICS
    assert "general" in TOPICS


def test_the_force_names_are_its_name_then_its_aliases():
    from core.config import Force

    force = Force(name="Wexbridge Constabulary", aliases=["Wexbridge Police", "WXP"])
    assert force.names == ["Wexbridge Constabulary", "Wexbridge Police", "WXP"]
