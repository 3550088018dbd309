"""The forces a deployment watches: names, area, people, and the folder of force files.

A config names one force (`force:`), several (`forces:`), or a folder of force files
(`forces_dir:`, one YAML mapping per file, read in file-name order). Each force has an `id`, a
short slug every per-force table and view is keyed on (`norfolk`); without one it is made from
the name ("Norfolk Constabulary" -> `norfolk`). The first force is the default one: the
dashboard opens on it and `pcm analyse` reads for it unless told otherwise.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.errors import ConfigError
from core.vocabulary import Voice

logger = logging.getLogger(__name__)

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"
_ID_OR_UNSET = r"^(?:[a-z0-9][a-z0-9-]{0,39})?$"  # "" (unset): made from the name
# Words of a force's name that say it is a police force, dropped when its id is made from it.
_POLICE_WORDS = re.compile(r"\b(?:police(?: service)?|constabulary|of|the)\b", re.IGNORECASE)


class Strict(BaseModel):
    # No inf or nan in any number of the config: every range check means what it says.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Person(Strict):
    name: str = Field(min_length=2)
    role: Voice
    aliases: list[str] = []  # other spellings seen in print


def force_id(name: str) -> str:
    """A force's default id: its name without the police words, as a lower-case slug.

    "Norfolk Constabulary" -> "norfolk"; "Devon and Cornwall Police" -> "devon-and-cornwall";
    a name of police words only ("Police") keeps them ("police").
    """
    core = _POLICE_WORDS.sub(" ", name)
    slug = re.sub(r"[^a-z0-9]+", "-", core.lower()).strip("-")
    return (slug or re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "force")[:40]


class Force(Strict):
    id: str = Field("", pattern=_ID_OR_UNSET)
    name: str = Field(min_length=2)
    aliases: list[str] = []
    # Place names: "police" near one of these counts as a mention of the force.
    area: list[str] = []
    people: list[Person] = []

    @model_validator(mode="after")
    def _default_id(self) -> Force:
        if not self.id:
            self.id = force_id(self.name)
        return self

    @property
    def names(self) -> list[str]:
        """The force's name and aliases: what speakers and mentions are matched against (the
        crawl, scoring and `pcm analyse` attribute voices with the same list)."""
        return [self.name, *self.aliases]


def read_forces_dir(folder: Path) -> list[dict]:
    """The force mappings of every `*.yaml` / `*.yml` file in `folder`, in file-name order.

    Each file is validated as a force here, so a mistake names its own file.

    Raises:
        ConfigError: the folder is missing or empty, or a file is not a valid force.
    """
    if not folder.is_dir():
        raise ConfigError(f"{folder}: forces_dir is not a folder; create it or fix the path")
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise ConfigError(f"{folder}: forces_dir holds no .yaml force files; add one per force")
    forces = []
    for path in files:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            Force.model_validate(raw)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else "somewhere"
            raise ConfigError(
                f"{path}: cannot read this force file: YAML error at {where}"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(
                f"{path}: cannot read this force file: {type(exc).__name__}; save it as UTF-8"
            ) from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(top level)"
            raise ConfigError(
                f"{path}: {where}: {first['msg']} (a force file holds one force's "
                "id, name, aliases, area and people)"
            ) from None
        forces.append(raw)
    logger.info("read %d force file(s) from %s", len(forces), folder)
    return forces
