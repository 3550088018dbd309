"""The documentation: README.md and docs/ cover every `pcm` command and config field.

Every command is in the README's table, in INTERFACES.md and on a docs page; every config field
is on docs/configuration.md; every --help works; the README stays short; and every relative
link in the README and in docs/ points at a file (and heading) that exists.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from core.config import Config
from pcm.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
CONFIG_DOC = DOCS / "configuration.md"
INTERFACES = DOCS / "INTERFACES.md"
README_MAX_LINES = 250
# Pages that list everything by design; a command must also be explained on a topic page.
INDEX_PAGES = {"README.md", "INTERFACES.md"}


def commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sorted(sub.choices)


def _model_of(annotation) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as `Smtp | None` or `list[Source]`."""
    for kind in (annotation, *getattr(annotation, "__args__", ())):
        for inner in (kind, *getattr(kind, "__args__", ())):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return None


def field_names(model: type[BaseModel]) -> set[str]:
    names = set()
    for name, field in model.model_fields.items():
        names.add(name)
        inner = _model_of(field.annotation)
        if inner is not None:
            names |= field_names(inner)
    return names


def setting_paths(model: type[BaseModel] = Config, prefix: str = "") -> set[str]:
    """The dotted name of every setting: `crawl.timeout_s`, `sources[].kind` (the list of
    sources), `digest.smtp` and `digest.smtp.host` (an optional block and its fields),
    `force.people` (a list inside a section, documented with its fields in one row), `db_path`.
    """
    paths = set()
    for name, field in model.model_fields.items():
        inner = _model_of(field.annotation)
        is_list = getattr(field.annotation, "__origin__", None) is list
        if inner is None or (prefix and is_list):
            paths.add(prefix + name)
        elif not prefix:  # a section of the file: its fields, not the section itself
            paths |= setting_paths(inner, f"{name}[]." if is_list else f"{name}.")
        else:
            paths |= {prefix + name} | setting_paths(inner, f"{prefix}{name}.")
    # config_path is filled in by load_config and cannot be set in YAML; db_path can.
    return paths - {"config_path"}


def read(path: Path) -> str:
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} does not exist")
    return path.read_text(encoding="utf-8")


def doc_pages() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def test_the_docs_pages_are_there():
    expected = {
        "README.md",
        "INTERFACES.md",
        "configuration.md",
        "crawling.md",
        "model.md",
        "warehouse.md",
        "operations.md",
        "dashboard.md",
        "development.md",
    }
    assert expected <= {p.name for p in doc_pages()}


@pytest.mark.parametrize("command", commands())
def test_every_command_has_working_help(command, capsys):
    with pytest.raises(SystemExit) as caught:
        main([command, "--help"])
    assert caught.value.code == 0
    assert f"pcm {command}" in capsys.readouterr().out


@pytest.mark.parametrize("command", commands())
def test_every_command_is_in_the_readme(command):
    assert re.search(rf"\bpcm {re.escape(command)}\b", read(README)), (
        f"README.md does not mention `pcm {command}`"
    )


@pytest.mark.parametrize("command", commands())
def test_every_command_is_in_the_interfaces(command):
    assert re.search(rf"`pcm {re.escape(command)}\b", read(INTERFACES)), (
        f"docs/INTERFACES.md does not list `pcm {command}`"
    )


@pytest.mark.parametrize("command", commands())
def test_every_command_is_explained_on_a_docs_page(command):
    pages = [p for p in doc_pages() if p.name not in INDEX_PAGES]
    found = [p.name for p in pages if re.search(rf"\bpcm {re.escape(command)}\b", read(p))]
    assert found, f"no page in docs/ explains `pcm {command}`"


def test_every_config_field_is_in_the_configuration_page():
    text = read(CONFIG_DOC)
    names = field_names(Config) - {"config_path"}
    assert {"lock_timeout_s", "text_days", "recipients", "name"} <= names  # nested ones too
    missing = sorted(n for n in names if not re.search(rf"\b{re.escape(n)}\b", text))
    assert not missing, f"docs/configuration.md does not mention: {', '.join(missing)}"


def test_every_config_setting_has_its_dotted_name_on_the_configuration_page():
    text = read(CONFIG_DOC)
    paths = setting_paths()
    assert {"crawl.timeout_s", "sources[].kind", "digest.smtp.tls", "force.people"} <= paths
    missing = sorted(p for p in paths if f"`{p}`" not in text)
    assert not missing, f"docs/configuration.md has no row for: {', '.join(missing)}"


def test_the_readme_is_short():
    lines = read(README).splitlines()
    assert len(lines) <= README_MAX_LINES, (
        f"README.md has {len(lines)} lines; keep it to {README_MAX_LINES} and move detail "
        "into docs/"
    )


FENCE = re.compile(r"^\s*(```|~~~)")
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks, with inline code spans removed."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(re.sub(r"`+[^`]*`+", "", line))
    return lines


def anchors(text: str) -> set[str]:
    """GitHub's anchors for the headings of a Markdown page (repeats get -1, -2 ...)."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    fenced = False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if fenced or not heading:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def test_the_anchor_rule_matches_github():
    text = (
        "# Warehouse (DuckDB)\n## The nightly job: `pcm run`\n"
        "```\n# not a heading\n```\n# Warehouse (DuckDB)\n"
    )
    assert anchors(text) == {"warehouse-duckdb", "the-nightly-job-pcm-run", "warehouse-duckdb-1"}


def links(path: Path) -> list[str]:
    return [m.group(1) for line in prose_lines(read(path)) for m in LINK.finditer(line)]


def test_the_link_finder_skips_code():
    assert links(README)  # the README links its docs pages
    lines = prose_lines("see [a](a.md) and `[b](b.md)`\n```\n[c](c.md)\n```\n![d](d.png)")
    assert [m.group(1) for line in lines for m in LINK.finditer(line)] == ["a.md", "d.png"]


@pytest.mark.parametrize("page", [README, *doc_pages()], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_at_a_file_that_exists(page):
    broken = []
    for target in links(page):
        if SCHEME.match(target):
            continue  # http(s), mailto: not checked here
        file_part, _, anchor = target.partition("#")
        dest = (page.parent / file_part).resolve() if file_part else page
        if not dest.is_relative_to(ROOT) or not dest.exists():
            broken.append(f"{target} (no such file in the repository)")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(read(dest)):
            broken.append(f"{target} (no heading #{anchor} in {dest.relative_to(ROOT)})")
    assert not broken, f"{page.relative_to(ROOT)}: broken links: {'; '.join(broken)}"
