"""Shared fixtures; which tests are slow; a guard that fails any connection not to loopback."""

from __future__ import annotations

import contextlib
import ipaddress
import itertools
import os
import socket
import sys
from pathlib import Path

import pytest

from demo.bench_data import model_result

TESTS = Path(__file__).resolve().parent
CRAWL_FAULTS = TESTS / "crawl_faults.py"  # a crawl child whose warehouse writes can fail

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class NetworkBlockedError(RuntimeError):
    """A test tried to reach a non-loopback address."""


def _check(sock: socket.socket, address) -> None:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return
    host = address[0] if isinstance(address, tuple) else address
    if host in ("localhost", ""):
        return
    try:
        if ipaddress.ip_address(host.split("%")[0]).is_loopback:
            return
    except ValueError:
        pass
    raise NetworkBlockedError(f"tests may only connect to loopback, not {address!r}")


def _guarded_connect(self, address):
    _check(self, address)
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    _check(self, address)
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """The model's ONNX export goes to a folder of this test run, not the user's cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PCM_CACHE_DIR", str(tmp_path_factory.mktemp("pcm-cache")))
        yield


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


# -- slow tests ---------------------------------------------------------------------------
# A test is slow when it loads the transformer model, crawls, drives a browser, or runs the
# CLI (or another long-lived process) in a child process. Such tests get the `slow` marker
# here, from the lists below, rather than by hand in each file: `make test-fast` (pytest -m
# "not slow") leaves them out, `make test` runs them. While slow tests are left out, a test not
# marked slow that starts the CLI, a crawl, streamlit or a browser, or loads the model, fails
# and says to list it here.

# Modules whose every test is slow (paths under tests/). Left out, they are not even imported.
SLOW_MODULES = {
    "test_crawler_crawl.py": "crawls the sample site, one child process per source",
    "test_backfill_warc.py": "crawls the sample site in child processes, then backfills a WARC",
    "test_crawl_redis.py": "a redis-server, a single crawl and three crawl worker processes",
    "test_dashboard_browser.py": "serves the dashboard with streamlit and drives chromium",
    "test_nightly_e2e.py": "runs `pcm run` end to end in child processes: crawls and the model",
    "test_sentiment_model.py": "loads the transformer model",
    "test_sentiment_runtime.py": "loads the transformer model in each runtime, ONNX export too",
    "test_sentiment_score.py": "loads the transformer model",
    "test_sentiment_train.py": "trains on top of the transformer model",
    "test_sentiment_labels.py": "loads copies of the transformer model",
    "test_sentiment_real_coverage.py": "imports torch for LoRA (seconds) and loads the model",
    # The Streamlit app run page by page in AppTest: seconds per page, so not a unit test.
    "test_dashboard_pages.py": "runs the dashboard's pages in Streamlit's AppTest",
    "test_dashboard_access.py": "runs the dashboard behind its sign-in in AppTest",
    "test_dashboard_overview_8am.py": "runs the Overview and Stories pages in AppTest",
    "test_change_rule.py": "builds a warehouse and runs the Overview in AppTest",
    "test_dashboard_annotations.py": "runs the Trends and Alerts pages in AppTest",
    # Lock and time-limit behaviour: each test waits for another process or a timer.
    "test_warehouse_locking.py": "waits for other processes to take and release the lock",
    "test_nightly_scheduler.py": "waits for scheduled runs and child processes",
    "test_nightly_alerts_digest.py": "a warehouse per test and a local SMTP server with TLS",
    "test_score_ray.py": "starts a local Ray cluster whose actors load the transformer model",
}

# Fixtures that make every test using them (directly or through another fixture) slow.
SLOW_FIXTURES = {
    "hostile_pair": "crawls the hostile loopback servers of tests/security/hostile.py",
    "fail_store": "crawls the sample site with a failing warehouse write",
}

# Single slow tests in modules of fast ones: module (under tests/) -> test name -> reason.
SLOW_TESTS = {
    "test_dashboard_coverage.py": {
        "test_coverage_page_for_one_topic_in_words": "runs the Coverage page in AppTest",
        "test_coverage_page_whole_period_matches_the_view_and_the_toggle": (
            "runs the Coverage page in AppTest"
        ),
    },
    "security/test_security_cli.py": {
        "test_a_mistyped_db_creates_nothing": "its `pcm score` case loads the transformer model",
    },
    "security/test_security_analyst.py": {
        "test_20m_row_query_returns_its_capped_rows_and_stays_small": "`pcm sql` in a child",
        "test_analysts_read_the_published_snapshot_and_never_block_the_writer": (
            "`pcm sql` in a child process beside a writer"
        ),
    },
    "security/test_security_limits.py": {
        "test_the_scoring_budget_stops_the_stage_and_the_run_says_so": "loads the model",
    },
    "security/test_security_runs.py": {
        "test_a_run_killed_before_its_row_is_recorded_by_the_next": "`pcm run` in a child",
    },
    "test_nightly_cli.py": {
        "test_a_failing_stage_fails_the_run_but_the_other_stages_still_run": (
            "`pcm run` scores with the transformer model"
        ),
    },
    "test_warehouse_attribution.py": {
        "test_rescore_brings_a_newly_configured_person_to_old_articles": "scores with the model",
        "test_rescore_under_the_same_model_version_replaces_its_voices": "scores with the model",
    },
}


def slow_reason(path: Path, name: str, fixtures) -> str | None:
    """Why the test `name` (without parameters) of the module at `path` is slow, or None."""
    module = path.resolve().relative_to(TESTS).as_posix()
    reason = SLOW_MODULES.get(module) or SLOW_TESTS.get(module, {}).get(name)
    return reason or next((SLOW_FIXTURES[f] for f in fixtures if f in SLOW_FIXTURES), None)


_slow_left_out = False  # set by pytest_configure: the -m expression leaves slow tests out


def leaves_slow_out(expression: str) -> bool:
    """Whether a -m expression deselects a test marked slow and nothing else."""
    if "slow" not in expression:
        return False
    try:
        from _pytest.mark.expression import Expression  # what -m itself uses

        return not Expression.compile(expression).evaluate(lambda name, **_: name == "slow")
    except (ImportError, AttributeError, TypeError):  # pytest moved it: the Makefile's form
        return expression.replace(" ", "") == "notslow"


def pytest_configure(config: pytest.Config) -> None:
    global _slow_left_out
    _slow_left_out = leaves_slow_out(config.getoption("markexpr") or "")
    if _slow_left_out:
        sys.addaudithook(_refuse_slow_processes)


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    if _slow_left_out and collection_path.suffix == ".py":
        with contextlib.suppress(ValueError):
            if collection_path.resolve().relative_to(TESTS).as_posix() in SLOW_MODULES:
                return True
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        name = getattr(item, "originalname", None) or item.name
        reason = slow_reason(item.path, name, getattr(item, "fixturenames", ()))
        if reason and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow(reason=reason))


# The guard of the fast run: `_fast_test` names the running test while slow ones are left out.
_fast_test: str | None = None
_SLOW_PROGRAMS = {"pcm", "streamlit", "chromedriver", "chromium", "google-chrome", "redis-server"}
_SLOW_MODULES_RUN = {"pcm.cli", "pcm.crawl_child", "pcm.crawl_worker", "streamlit"}


def slow_command(argv: list[str]) -> bool:
    """Whether a child process's command line is the CLI, a crawl, streamlit or a browser."""
    if not argv:
        return False
    if Path(argv[0]).name in _SLOW_PROGRAMS or str(CRAWL_FAULTS) in argv:
        return True
    for flag, value in itertools.pairwise(argv):
        if flag == "-m" and value in _SLOW_MODULES_RUN:
            return True
        if flag == "-c" and any(module in value for module in _SLOW_MODULES_RUN - {"streamlit"}):
            return True
    return False


def _refuse_slow_processes(event: str, args: tuple) -> None:
    if event != "subprocess.Popen" or _fast_test is None:
        return
    command = args[1]
    argv = [os.fsdecode(a) for a in command] if isinstance(command, list | tuple) else []
    if slow_command(argv):
        raise SlowTestError(_fast_test, f"starts `{' '.join(argv)[:120]}`")


class SlowTestError(RuntimeError):
    """A test not marked slow did something slow while slow tests are left out."""

    def __init__(self, nodeid: str, what: str):
        super().__init__(
            f"{nodeid} {what} but is not marked slow: list it in SLOW_TESTS, SLOW_MODULES or "
            "SLOW_FIXTURES in tests/conftest.py"
        )


class _RefusedModel:
    """Stands for transformers' AutoModel in sentiment.encoder during a fast test."""

    def __init__(self, nodeid: str):
        self.nodeid = nodeid

    def from_pretrained(self, *args, **kwargs):
        raise SlowTestError(self.nodeid, "loads the transformer model")


@pytest.fixture(autouse=True)
def _fast_means_fast(request, monkeypatch):
    """While slow tests are left out, the others may not start the CLI, a crawl, streamlit or a
    browser, nor load the model (checked once sentiment.encoder is imported, which collection
    does; a test importing it itself is checked from the next test on)."""
    global _fast_test
    if not _slow_left_out or request.node.get_closest_marker("slow"):
        yield
        return
    encoder = sys.modules.get("sentiment.encoder")
    if encoder is not None:
        monkeypatch.setattr(encoder, "AutoModel", _RefusedModel(request.node.nodeid))
    _fast_test = request.node.nodeid
    try:
        yield
    finally:
        _fast_test = None


# -- shared builders ----------------------------------------------------------------------
TEST_FORCE = "Test Constabulary"


@pytest.fixture(scope="session")
def make_config():
    """`make_config(db_path=None, force=TEST_FORCE, **sections)`: a validated `Config`.

    `force` is a name, a mapping or a `Force`; each section (crawl, schedule, warehouse, ...)
    a mapping or its model. Without `db_path` the config's default stays.
    """
    from core.config import Config, Force

    def make(db_path: str | os.PathLike | None = None, force=TEST_FORCE, **sections) -> Config:
        if isinstance(force, str):
            force = Force(name=force)
        if db_path is not None:
            sections["db_path"] = str(db_path)
        return Config.model_validate({"force": force, **sections})

    return make


@pytest.fixture
def tmp_config(make_config, tmp_path):
    """A `Config` for the test force whose warehouse is tmp_path / "w.duckdb" (not created)."""
    return make_config(tmp_path / "w.duckdb")


@pytest.fixture
def tiny_corpus(tmp_path):
    """A corpus folder with the first 30 passages of settings `a` and `b` and their people."""
    import shutil

    from sentiment.corpus import DATA_DIR

    folder = tmp_path / "corpus"
    folder.mkdir()
    for letter in ("a", "b"):
        lines = (DATA_DIR / f"corpus_{letter}.jsonl").read_text(encoding="utf-8").splitlines()
        (folder / f"corpus_{letter}.jsonl").write_text(
            "\n".join(lines[:30]) + "\n", encoding="utf-8"
        )
        shutil.copy(DATA_DIR / f"people_{letter}.yaml", folder)
    return folder


@pytest.fixture(scope="session")
def scored():
    """`scored(topic, label, score, topic_prob=0.9)`: one passage's model result with one topic,
    as `warehouse.scores.store_scores` takes it; its probabilities follow from `score`."""

    def result(topic: str, label: str, score: float, topic_prob: float = 0.9) -> dict:
        return model_result((topic, label, score), topic_prob=topic_prob)

    return result


# -- fault injection ----------------------------------------------------------------------
@pytest.fixture
def fail_store():
    """`with fail_store(url, ...):` crawls started inside fail to store these articles.

    Each source's crawl child is started as tests/crawl_faults.py instead of `python -m
    pcm.crawl_child`; that script makes the warehouse write of those URLs raise, then runs the
    real child. The application has no switch for it.
    """
    from pcm import crawling

    real = crawling.child_command

    @contextlib.contextmanager
    def failing(*urls: str):
        def command(*args, **kwargs) -> list[str]:
            cmd = real(*args, **kwargs)
            assert cmd[1:3] == ["-m", "pcm.crawl_child"], cmd
            flags = [flag for url in urls for flag in ("--fail-store-url", url)]
            return [cmd[0], str(CRAWL_FAULTS), *flags, "--", *cmd[3:]]

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(crawling, "child_command", command)
            yield

    return failing
