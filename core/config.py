"""The configuration object: YAML on disk, validated by pydantic, built once and passed down."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import yaml
from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from core.errors import ConfigError
from core.forces import Force, Strict, read_forces_dir
from core.forces import Person as Person  # re-exported: callers build configs from here
from core.vocabulary import SourceKind

logger = logging.getLogger(__name__)

DEFAULT_CONFIG = "config/norfolk.yaml"
# The project folder: the default config is looked up here when the working folder has none,
# so that `pcm analyse` run from another folder still finds the force's names and people.
PROJECT_ROOT = Path(__file__).resolve().parents[1]
MAX_DAYS = 100_000  # day counts (retention, purge --days): far from the calendar's overflow
MAX_QUERY_TIMEOUT_S = 600.0  # the hard ceiling of an analyst query's time limit
MIN_QUERY_MEMORY = 32 * 1000**2
MAX_SIZE = 1024**4  # 1 TiB
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)
_UNITS = {
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "tb": 1000**4,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
}


def size_bytes(text: str) -> int:
    """The number of bytes in a DuckDB size such as "1GB", "512MiB" or "1.5 GB".

    Args:
        text: a number and a unit (KB, MB, GB, TB in powers of 1000; KiB ... TiB of 1024).

    Returns:
        The size in bytes.

    Raises:
        ValueError: not a number followed by one of those units.
    """
    match = _SIZE.match(str(text))
    if not match:
        raise ValueError(f"expected a size such as 1GB or 512MiB, got {text!r}")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


DEFAULT_DB = "data/pcm.duckdb"


class _Strict(BaseModel):
    model_config = Strict.model_config  # no unknown keys, no inf or nan (core/forces.py)


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
    # One article's passages are capped (the rest dropped, `articles.passages_dropped` says how
    # many): a 1 MB page of text would otherwise make tens of thousands of passages to score.
    max_passages_per_article: int = Field(400, gt=0)
    # The whole crawl stage (every source) stops starting sources after this many seconds and
    # gives the sources still running only what is left; must fit in schedule.run_timeout_s.
    stage_budget_s: float = Field(2 * 3600, gt=0)
    # The Redis server of the distributed crawl (`pcm crawl --workers N`, the `distributed`
    # extra): shared request queues, duplicate filter and the items on their way to the one
    # warehouse writer. Unset: every crawl runs on this machine alone.
    redis_url: str | None = None

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, url: str | None) -> str | None:
        if url is None:
            return None
        url = url.strip()
        try:
            parts = urlsplit(url)
            port_ok = parts.port is None or parts.port > 0
        except ValueError:
            parts, port_ok = urlsplit(""), False
        scheme = parts.scheme.lower()
        where = parts.path if scheme == "unix" else parts.hostname
        if scheme not in ("redis", "rediss", "unix") or not where or not port_ok:
            raise ValueError(
                "expected redis://HOST:PORT/DB, rediss://HOST:PORT/DB (TLS) or "
                f"unix:///PATH/redis.sock, got {url!r}"
            )
        return url


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
    # The ids of the forces this source covers (its articles must be about one of them);
    # empty: any configured force. Each passage is still attributed to the force it is about.
    forces: list[str] = []

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
    text_days: int = Field(400, gt=0, le=MAX_DAYS)


class Warehouse(_Strict):
    lock_timeout_s: float = Field(60.0, ge=0, le=3600)  # how long a writer waits for the lock
    # Analyst queries are interrupted after this; `pcm sql --timeout` has the same ceiling.
    query_timeout_s: float = Field(30.0, gt=0, le=MAX_QUERY_TIMEOUT_S)
    query_memory_limit: str = "1GB"  # DuckDB memory limit of an analyst query, 32MB to 1TiB
    # Disk an analyst query may spill to, in a private temporary folder; "0": no spilling.
    query_temp_limit: str = "1GB"

    @field_validator("query_memory_limit")
    @classmethod
    def _memory(cls, text: str) -> str:
        size = size_bytes(text)
        if not MIN_QUERY_MEMORY <= size <= MAX_SIZE:
            raise ValueError(f"must be from 32MB to 1TiB, got {text!r}")
        return text.strip()

    @field_validator("query_temp_limit")
    @classmethod
    def _temp(cls, text: str) -> str:
        text = str(text).strip()
        if text == "0":
            return text
        if not 0 <= size_bytes(text) <= MAX_SIZE:
            raise ValueError(f"must be 0 (no spilling) or a size up to 1TiB, got {text!r}")
        return text


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
    baseline_days: int = Field(28, ge=7, le=3660)
    # Retired with the story-based change rule (below); still accepted so that older config
    # files load, with a warning that says to remove them.
    sensitivity: float | None = Field(None, gt=0, le=100)
    min_negative: int | None = Field(None, ge=1, le=1_000_000)
    # A topic is "improving"/"worsening" only with this many stories in the week (from at
    # least 2 outlets): warehouse/views/10_topic_change.sql, read by dashboard, digest, alerts.
    min_stories: int = Field(3, ge=1, le=1_000_000)

    @model_validator(mode="after")
    def _retired(self) -> Alerts:
        for name in ("sensitivity", "min_negative"):
            if getattr(self, name) is not None:
                logger.warning(
                    "alerts.%s is no longer used (alerts follow the story rule set by "
                    "alerts.min_stories); remove it from the config",
                    name,
                )
        return self


class Schedule(_Strict):
    at: str = Field("02:30", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    timezone: str = "Europe/London"
    run_timeout_s: float = Field(4 * 3600, gt=0, le=7 * 24 * 3600)
    # The nightly scoring stage stops after this many seconds; the rest waits for the next run.
    score_budget_s: float = Field(1.5 * 3600, gt=0)


SMTP_TLS_PORTS = {"starttls": 587, "implicit": 465, "none": 25}


class Smtp(_Strict):
    host: str = Field(min_length=1)
    port: int | None = Field(None, ge=1, le=65535)  # default: 587 starttls, 465 implicit, 25 none
    sender: str
    recipients: list[str] = Field(min_length=1)
    username: str | None = None
    password_env: str | None = None  # name of an environment variable holding the password
    # starttls: upgrade a plain connection before anything else is said; implicit: TLS from the
    # first byte (SMTPS); none: plaintext, refused when a username is set. The server's
    # certificate and host name are always verified (the system's CAs, or ca_file).
    tls: Literal["starttls", "implicit", "none"] = "starttls"
    ca_file: str | None = None  # PEM file of CA certificates for a private relay
    starttls: bool | None = None  # before `tls`: true is tls starttls, false is tls none

    @model_validator(mode="after")
    def _safe_transport(self) -> Smtp:
        if self.starttls is not None:
            legacy: Literal["starttls", "none"] = "starttls" if self.starttls else "none"
            if "tls" in self.model_fields_set and self.tls != legacy:
                raise ValueError(f"starttls: {self.starttls} contradicts tls: {self.tls}; keep tls")
            self.tls = legacy
        if self.username and self.tls == "none":
            raise ValueError(
                "username is set but tls is none: the password would cross the network in "
                "clear; use tls: starttls or tls: implicit"
            )
        if self.username and not self.password_env:
            raise ValueError(
                "username is set but password_env is not: name the environment variable "
                "that holds the SMTP password"
            )
        if self.ca_file and not Path(self.ca_file).is_file():
            raise ValueError(f"ca_file {self.ca_file!r} is not a file")
        return self

    @property
    def effective_port(self) -> int:
        """`port`, else the usual port of the `tls` mode (587, 465 or 25)."""
        return self.port or SMTP_TLS_PORTS[self.tls]


class Digest(_Strict):
    out_dir: str = "reports"
    smtp: Smtp | None = None
    # Where readers open the dashboard ("https://confidence.example.org"): the digest then
    # links each alert and topic to its page there. None: no dashboard links.
    dashboard_url: str | None = None

    @field_validator("dashboard_url")
    @classmethod
    def _dashboard_url(cls, url: str | None) -> str | None:
        if url is None:
            return None
        url = url.strip().rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                f"expected the dashboard's http(s) address such as "
                f"https://confidence.example.org, got {url!r}"
            )
        return url


class Auth(_Strict):
    enabled: bool = False
    allowed_emails: list[str] = []  # full addresses: a local part, "@", a domain
    allowed_domains: list[str] = []

    @field_validator("allowed_emails")
    @classmethod
    def _emails(cls, emails: list[str]) -> list[str]:
        for email in emails:
            local, _, domain = email.strip().rpartition("@")
            if not local or not domain or "." not in domain:
                raise ValueError(f"expected a full email address (name@domain), got {email!r}")
        return emails

    @field_validator("allowed_domains")
    @classmethod
    def _domains(cls, domains: list[str]) -> list[str]:
        for domain in domains:
            name = domain.strip().lstrip("@")
            if not name or "@" in name or "." not in name:
                raise ValueError(f"expected a domain such as example.org, got {domain!r}")
        return domains


class Config(_Strict):
    # One force (`force:`) or several (`forces:`, or `forces_dir:` naming a folder of force
    # files, read by `load_config`); after validation `forces` lists them all and `force` is
    # the first, the default one (core/forces.py).
    force: Force | None = None
    forces: list[Force] = []
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

    @model_validator(mode="after")
    def _budgets_fit_the_run(self) -> Config:
        budgets = self.crawl.stage_budget_s + self.schedule.score_budget_s
        if budgets >= self.schedule.run_timeout_s:
            raise ValueError(
                f"crawl.stage_budget_s ({self.crawl.stage_budget_s:g}) + "
                f"schedule.score_budget_s ({self.schedule.score_budget_s:g}) must be less than "
                f"schedule.run_timeout_s ({self.schedule.run_timeout_s:g}), leaving time for "
                "alerts and the digest"
            )
        return self

    @model_validator(mode="after")
    def _one_list_of_forces(self) -> Config:
        if self.force is not None and self.forces and self.forces[0] != self.force:
            raise ValueError("give either 'force' or 'forces', not both")
        if not self.forces:
            if self.force is None:
                raise ValueError("name the force watched: a 'force' section, or 'forces' (a list)")
            self.forces = [self.force]
        self.force = self.forces[0]
        ids = [f.id for f in self.forces]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(
                f"force ids must be unique, repeated: {', '.join(dupes)} (set 'id' on each force)"
            )
        for source in self.sources:
            unknown = sorted(set(source.forces) - set(ids))
            if unknown:
                raise ValueError(
                    f"source {source.name!r} names unknown force id(s) {', '.join(unknown)}; "
                    f"configured: {', '.join(ids)}"
                )
        return self

    def force_by_id(self, force_id: str | None) -> Force:
        """The configured force with this id; None: the default (first) one.

        Raises:
            ConfigError: no configured force has that id.
        """
        if force_id is None:
            return self.forces[0]
        for force in self.forces:
            if force.id == force_id:
                return force
        known = ", ".join(f.id for f in self.forces)
        raise ConfigError(f"no force with id {force_id!r} in the config; configured: {known}")

    def source_forces(self, source_name: str) -> list[Force]:
        """The forces a source covers: those it lists, else every configured force."""
        for source in self.sources:
            if source.name == source_name and source.forces:
                return [f for f in self.forces if f.id in source.forces]
        return list(self.forces)

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
        msg = "unknown field (check the spelling against docs/configuration.md)"
    elif first["type"] == "missing":
        msg = "required field is missing"
    return f"{where}: {msg}"


def default_config_path() -> Path:
    """`config/norfolk.yaml` in the working folder, else in the project folder."""
    here = Path(DEFAULT_CONFIG)
    return here if here.is_file() else PROJECT_ROOT / DEFAULT_CONFIG


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
    path = Path(path or env.get("PCM_CONFIG") or default_config_path())
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: config file not found; pass --config FILE or set PCM_CONFIG"
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save the config as UTF-8") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder; pass the config YAML file itself") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "somewhere"
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{path}: YAML syntax error at {where}: {problem}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a YAML mapping with a 'force' section at the top")
    if "forces_dir" in raw:
        raw = dict(raw)
        folder = Path(str(raw.pop("forces_dir")))
        if raw.get("forces") or raw.get("force"):
            raise ConfigError(f"{path}: give forces_dir or forces/force, not both")
        raw["forces"] = read_forces_dir(folder if folder.is_absolute() else path.parent / folder)
    raw = {
        **raw,
        "db_path": db or env.get("PCM_DB") or raw.get("db_path") or DEFAULT_DB,
        "config_path": str(path),
    }
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_describe(exc)}") from None
