"""README.md documents every `pcm` command and every config field, and every --help works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from pcm.cli import build_parser, main
from pcm.config import Config

README = Path(__file__).resolve().parents[1] / "README.md"


def commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sorted(sub.choices)


def field_names(model: type[BaseModel]) -> set[str]:
    names = set()
    for name, field in model.model_fields.items():
        names.add(name)
        for kind in (field.annotation, *getattr(field.annotation, "__args__", ())):
            for inner in (kind, *getattr(kind, "__args__", ())):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    names |= field_names(inner)
    return names


def readme_text() -> str:
    if not README.exists():
        pytest.fail("README.md does not exist yet")
    return README.read_text(encoding="utf-8")


@pytest.mark.parametrize("command", commands())
def test_every_command_has_working_help(command, capsys):
    with pytest.raises(SystemExit) as caught:
        main([command, "--help"])
    assert caught.value.code == 0
    assert f"pcm {command}" in capsys.readouterr().out


@pytest.mark.parametrize("command", commands())
def test_every_command_is_in_the_readme(command):
    assert re.search(rf"\bpcm {re.escape(command)}\b", readme_text()), (
        f"README.md does not mention `pcm {command}`"
    )


def test_every_config_field_is_in_the_readme():
    text = readme_text()
    # config_path is filled in by load_config and cannot be set in YAML; db_path can.
    names = field_names(Config) - {"config_path"}
    assert {"lock_timeout_s", "text_days", "recipients", "name"} <= names  # nested ones too
    missing = sorted(n for n in names if not re.search(rf"\b{re.escape(n)}\b", text))
    assert not missing, f"README.md does not mention these config fields: {', '.join(missing)}"
