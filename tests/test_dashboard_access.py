"""Access and robustness: sign-in and the allowlist, corrections' bad input, a writer's lock."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from core.config import Auth, load_config
from dashboard import auth, corrections, queries, snapshot, widgets
from demo.synthetic import build_fixture, copy_fixture

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60
OIDC = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "pcm",
    "client_secret": "secret",
    "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
}
ALLOW = Auth(
    enabled=True,
    allowed_emails=["Analyst@Partner.example"],
    allowed_domains=["norfolk.police.example"],
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_fixture(tmp_path_factory.mktemp("dash_access"))


def _use(fx, monkeypatch):
    monkeypatch.setenv("PCM_CONFIG", str(fx.config))
    monkeypatch.setenv("PCM_DB", str(fx.db))
    return fx


@pytest.mark.parametrize(
    ("email", "allowed"),
    [
        ("analyst@partner.example", True),  # listed, case ignored
        (" ANALYST@partner.example ", True),
        ("chief@norfolk.police.example", True),  # allowed domain
        ("someone@partner.example", False),  # domain of a listed email is not a domain rule
        ("chief@evil.norfolk.police.example", False),  # subdomains are not the domain
        ("chief@norfolk.police.example.evil", False),
        ("not-an-email", False),
        ("", False),
        (None, False),
    ],
)
def test_allowlist(email, allowed):
    assert auth.is_allowed(email, ALLOW, email_verified=True) is allowed


def _signed(at: AppTest, user: dict | None) -> AppTest:
    at.secrets["auth"] = OIDC
    at.user = user if user is not None else {"is_logged_in": False}
    return at.run()


def test_sign_in_required_before_any_data(built, tmp_path, monkeypatch):
    _use(copy_fixture(built, tmp_path / "wh", auth=True), monkeypatch)
    at = _signed(AppTest.from_file(APP, default_timeout=TIMEOUT), None)
    assert not at.exception
    assert [b.label for b in at.button] == ["Log in"]
    assert not at.metric
    assert not at.dataframe
    assert "Last successful run" not in "\n".join(m.value for m in at.sidebar.markdown)


def test_signed_in_but_not_allowlisted_is_refused(built, tmp_path, monkeypatch):
    _use(copy_fixture(built, tmp_path / "wh", auth=True), monkeypatch)
    user = {
        "is_logged_in": True,
        "email": "stranger@gmail.example",
        "email_verified": True,
        "name": "Stranger",
    }
    at = _signed(AppTest.from_file(APP, default_timeout=TIMEOUT), user)
    assert "stranger@gmail.example is signed in but not allowed" in at.error[0].value
    assert not at.metric
    assert not at.dataframe
    at.switch_page("dashboard/stories.py")  # a refused user gets no page at all
    assert not at.run().dataframe


def test_allowlisted_user_sees_data_and_corrects_under_their_email(built, tmp_path, monkeypatch):
    fx = _use(copy_fixture(built, tmp_path / "wh", auth=True), monkeypatch)
    user = {"is_logged_in": True, "email": "chief@norfolk.police.example", "email_verified": True}
    at = _signed(AppTest.from_file(APP, default_timeout=TIMEOUT), user)
    assert [m.value for m in at.metric if m.label == "Road safety"] == ["50% negative"]
    assert not at.sidebar.warning  # no "no authentication" banner
    pid = fx.known.criticised_first_passage
    at.query_params["passage"] = str(pid)
    at.switch_page("dashboard/review.py").run()
    assert not at.text_input  # the author is the signed-in email, nothing to type
    at.selectbox(key=f"stance_{pid}_road_safety").set_value("neutral")
    next(b for b in at.button if b.label == "Save correction").click().run()
    assert "Saved 1 correction" in at.success[0].value
    con = duckdb.connect(str(fx.db), read_only=True)
    try:
        assert con.execute("SELECT author FROM feedback").fetchall() == [
            ("chief@norfolk.police.example",)
        ]
    finally:
        con.close()


def test_auth_enabled_without_secrets_shows_no_data(built, tmp_path, monkeypatch):
    _use(copy_fixture(built, tmp_path / "wh", auth=True), monkeypatch)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert "no [auth] section" in at.error[0].value
    assert not at.metric
    assert not at.button


def test_corrections_reject_bad_values():
    topics = {"road_safety": "negative"}
    with pytest.raises(corrections.CorrectionError, match="unknown voice"):
        corrections.diff(topics, "public", {}, set(), {}, "alien")
    with pytest.raises(corrections.CorrectionError, match="unknown topic"):
        corrections.diff(topics, "public", {}, set(), {"weather": "positive"}, "public")
    with pytest.raises(corrections.CorrectionError, match="unknown stance"):
        corrections.diff(topics, "public", {"road_safety": "furious"}, set(), {}, "public")
    assert (
        corrections.diff(topics, "public", {"road_safety": "negative"}, set(), {}, "public") == []
    )
    # A topic both removed and re-stanced is only removed.
    assert corrections.diff(
        topics, "public", {"road_safety": "positive"}, {"road_safety"}, {}, "media"
    ) == [
        corrections.Change("voice", None, "public", "media"),
        corrections.Change("topic_remove", "road_safety", "negative", None),
    ]


def test_saving_needs_an_author_and_a_real_passage(built, tmp_path):
    fx = copy_fixture(built, tmp_path / "wh")
    cfg = load_config(fx.config, str(fx.db))
    change = [corrections.Change("stance", "road_safety", "negative", "neutral")]
    with pytest.raises(corrections.CorrectionError, match="say who"):
        corrections.save(cfg, fx.known.criticised_first_passage, change, "  ")
    with pytest.raises(corrections.CorrectionError, match="no passage 999999999"):
        corrections.save(cfg, 999999999, change, "Pat")


HOLD_LOCK = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])  # read-write: blocks every other process
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _hold_lock(db: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_pages_keep_working_while_a_writer_holds_the_lock(built, tmp_path, monkeypatch):
    fx = _use(copy_fixture(built, tmp_path / "wh"), monkeypatch)
    writer = _hold_lock(fx.db, 6)
    started = time.monotonic()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception  # never a stack trace
    assert [i.value for i in at.info] == [widgets.REFRESHING]
    assert not at.metric
    assert time.monotonic() - started < 6  # gave up after the reader's short retry
    writer.wait(timeout=30)
    at.run()
    assert [m.value for m in at.metric if m.label == "Road safety"] == ["50% negative"]
    assert not at.info
    # Locked again after a good read: the last data stays on screen under the notice.
    writer = _hold_lock(fx.db, 5)
    try:
        queries.clear_version()
        at.run()
        assert [i.value for i in at.info] == [widgets.REFRESHING]
        assert [m.value for m in at.metric if m.label == "Road safety"] == ["50% negative"]
    finally:
        writer.wait(timeout=30)


def test_new_data_loads_in_the_background_while_pages_show_the_last(built, tmp_path, monkeypatch):
    fx = _use(copy_fixture(built, tmp_path / "wh"), monkeypatch)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert [m.value for m in at.metric if m.label == "Road safety"] == ["50% negative"]
    # A correction written outside the dashboard (e.g. by an analyst's SQL session).
    con = duckdb.connect(str(fx.db))
    try:
        con.execute(
            "INSERT INTO feedback (passage_id, field, topic, old_value, new_value, "
            "author, created_at) VALUES (?, 'stance', 'road_safety', 'negative', "
            "'positive', 'sql', now())",
            [fx.known.criticised_first_passage],
        )
    finally:
        con.close()
    queries.clear_version()  # as if VERSION_TTL_S had passed
    at.run()
    assert widgets.UPDATING in [c.value for c in at.caption]
    assert [m.value for m in at.metric if m.label == "Road safety"] == ["50% negative"]
    newest, _ = queries.data_version(str(fx.db))
    deadline = time.monotonic() + 30
    while not snapshot.ready(str(fx.db), newest) and time.monotonic() < deadline:
        time.sleep(0.1)
    at.run()
    assert [m.value for m in at.metric if m.label == "Road safety"] == ["0% negative"]
    assert widgets.UPDATING not in [c.value for c in at.caption]
