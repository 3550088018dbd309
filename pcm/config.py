"""The configuration object: YAML on disk, validated by pydantic, built once and passed down."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pcm.errors import ConfigError

logger = logging.getLogger(__name__)

VOICES = ("force", "pcc", "inspectorate", "government", "public", "media")
SOURCE_KINDS = ("local_news", "national_news", "force_statement", "pcc_statement", "inspectorate")
TOPICS = (
    "victim_updates",
    "stop_and_search",
    "value_for_money",
    "crime_prevention",
    "investigations",
    "domestic_abuse",
    "emergency_response",
    "officer_conduct",
    "fair_treatment",
    "community_engagement",
    "road_safety",
    "vulnerable_people",
    "general",
)

Voice = Literal["force", "pcc", "inspectorate", "government", "public", "media"]
SourceKind = Literal[
    "local_news", "national_news", "force_statement", "pcc_statement", "inspectorate"
]

DEFAULT_CONFIG = "config/norfolk.yaml"
DEFAULT_DB = "data/pcm.duckdb"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Person(_Strict):
    name: str = Field(min_length=2)
    role: Voice
    aliases: list[str] = []  # other spellings seen in print


class Force(_Strict):
    name: str = Field(min_length=2)
    aliases: list[str] = []
    # Place names: "police" near one of these counts as a mention of the force.
    area: list[str] = []
    people: list[Person] = []


class Crawl(_Strict):
    download_delay: float = Field(2.0, ge=0)
    user_agent: str = "PublicConfidenceMonitor/0.1 (+https://example.org/pcm-crawler)"
    timeout_s: float = Field(30.0, gt=0)
    max_page_bytes: int = Field(10 * 1024 * 1024, gt=0)  # 10 MB download cap
    retry_after_cap_s: float = Field(300.0, ge=0)  # never wait longer than this on Retry-After
    source_time_budget_s: float = Field(900.0, gt=0)  # a source's crawl is cut off after this
    max_depth: int = Field(2, ge=0)  # link hops followed from a listing page
    max_articles_per_source: int = Field(500, gt=0)
    autothrottle: bool = True
    # Hosts on loopback, private, link-local, multicast or reserved addresses are refused
    # (crawler/urlpolicy.py) unless this is true: the offline sample site and the tests only.
    allow_private_networks: bool = False
    # Host names fetched whatever address they resolve to (one intranet source, say).
    allowed_private_hosts: list[str] = []


class Source(_Strict):
    name: str = Field(min_length=1)
    kind: SourceKind
    feeds: list[str] = []
    sitemaps: list[str] = []
    start_urls: list[str] = []
    # URL regexes: on listing pages only links matching one of these are followed as articles.
    article_patterns: list[str] = []
    enabled: bool = True
    unverified: bool = False  # true where the URL could not be checked from the build machine

    @field_validator("feeds", "sitemaps", "start_urls")
    @classmethod
    def _urls(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"expected an http(s) URL, got {url!r}")
        return urls

    @field_validator("article_patterns")
    @classmethod
    def _patterns(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
        return patterns


class Retention(_Strict):
    text_days: int = Field(400, gt=0)


class Warehouse(_Strict):
    lock_timeout_s: float = Field(60.0, ge=0)  # how long a writer waits for the file lock
    query_timeout_s: float = Field(30.0, gt=0)  # analyst queries are interrupted after this
    query_memory_limit: str = "1GB"


class Model(_Strict):
    path: str | None = None  # a trained model folder; default: the one shipped in sentiment/model
    batch_size: int = Field(32, gt=0)
    max_tokens: int = Field(128, gt=8)
    # auto: bf16 on CPUs with bf16 matrix units (AMX), else int8. bf16: torch with bfloat16
    # dense layers; int8: the encoder exported once to ONNX Runtime and quantised
    # (sentiment/quantize.py); both fast, scores move slightly. onnx: the same fp32 weights as
    # torch, same scores; torch. Falls back bf16 -> int8 -> onnx -> torch with a warning.
    runtime: Literal["auto", "bf16", "int8", "onnx", "torch"] = "auto"
    cache_dir: str | None = None  # the ONNX exports' folder; default $PCM_CACHE_DIR, ~/.cache/pcm


class Alerts(_Strict):
    baseline_days: int = Field(28, ge=7)
    sensitivity: float = Field(2.0, gt=0)  # standard deviations above the baseline
    min_negative: int = Field(3, ge=1)  # never alert on fewer negative passages than this


class Schedule(_Strict):
    at: str = Field("02:30", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    timezone: str = "Europe/London"
    run_timeout_s: float = Field(4 * 3600, gt=0)


class Smtp(_Strict):
    host: str
    port: int = 25
    sender: str
    recipients: list[str] = Field(min_length=1)
    username: str | None = None
    password_env: str | None = None  # name of an environment variable holding the password
    starttls: bool = False


class Digest(_Strict):
    out_dir: str = "reports"
    smtp: Smtp | None = None


class Auth(_Strict):
    enabled: bool = False
    allowed_emails: list[str] = []
    allowed_domains: list[str] = []


class Config(_Strict):
    force: Force
    crawl: Crawl = Crawl()
    sources: list[Source] = []
    retention: Retention = Retention()
    warehouse: Warehouse = Warehouse()
    model: Model = Model()
    alerts: Alerts = Alerts()
    schedule: Schedule = Schedule()
    digest: Digest = Digest()
    auth: Auth = Auth()
    # Not part of the YAML schema proper: filled in by `load_config` from --db / PCM_DB.
    db_path: str = DEFAULT_DB
    config_path: str | None = None

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, sources: list[Source]) -> list[Source]:
        names = [s.name for s in sources]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"source names must be unique, repeated: {', '.join(dupes)}")
        return sources


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(top level)"
    msg = first["msg"]
    if first["type"] == "extra_forbidden":
        msg = "unknown field (check the spelling against README's config section)"
    elif first["type"] == "missing":
        msg = "required field is missing"
    return f"{where}: {msg}"


def load_config(
    path: str | os.PathLike | None = None,
    db: str | None = None,
    environ: dict[str, str] | None = None,
) -> Config:
    """Read and validate the config.

    Args:
        path: the YAML file; default `PCM_CONFIG`, then `config/norfolk.yaml`.
        db: the DuckDB file; default `PCM_DB`, then `data/pcm.duckdb`.
        environ: the environment to read defaults from (default `os.environ`).

    Returns:
        The validated `Config`, with `db_path` and `config_path` filled in.

    Raises:
        ConfigError: one line naming the file, the field and what was expected.
    """
    env = os.environ if environ is None else environ
    path = Path(path or env.get("PCM_CONFIG") or DEFAULT_CONFIG)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: config file not found; pass --config FILE or set PCM_CONFIG"
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save the config as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "somewhere"
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{path}: YAML syntax error at {where}: {problem}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a YAML mapping with a 'force' section at the top")
    raw = {
        **raw,
        "db_path": db or env.get("PCM_DB") or raw.get("db_path") or DEFAULT_DB,
        "config_path": str(path),
    }
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_describe(exc)}") from None
