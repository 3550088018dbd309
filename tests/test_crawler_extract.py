"""Article extraction: golden pages with exact fields, bad input, and `pcm extract --json`."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.encoding import decode_body
from crawler.extract import ExtractionFailed, extract_article, extract_or_fail
from crawler.metadata import parse_html
from pcm.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
LONDON_BST = timezone(timedelta(hours=1))

GOLDEN = {
    "local_news_jsonld.html": dict(
        url=None,
        title="Police appeal after string of burglaries in Dereham",
        published_at=datetime(2025, 3, 14, 8, 30, tzinfo=UTC),
        author="Hannah Crowe",
        canonical_url="https://www.broadland-courier.example/news/crime/police-appeal-dereham-burglaries-1234567",
        language="en",
        date_source="jsonld",
        text=(
            "Police are appealing for information after five homes were broken into in Dereham "
            "over the weekend.\n\n"
            "Officers from Norfolk Constabulary said the burglaries happened between Friday "
            "evening and Sunday morning in streets off Norwich Road.\n\n"
            'Detective Inspector Sam Reeve said: "We understand how distressing a burglary is, '
            "and we are doing everything we can to find those responsible. Extra patrols are in "
            'place in the area."\n\n'
            "Residents said they had not been told about the break-ins until the weekend was "
            'over. One, who did not want to be named, said the response had been "slow and '
            'disappointing".\n\n'
            "Anyone with information is asked to call 101 quoting crime reference 36/1234/25, or "
            "Crimestoppers anonymously on 0800 555 111."
        ),
    ),
    "force_newsroom_meta.html": dict(
        url=None,
        title="Drivers urged to slow down as speed checks step up",
        published_at=datetime(2025, 6, 2, 14, 15, tzinfo=LONDON_BST),
        author="Norfolk Constabulary Corporate Communications",
        canonical_url="https://www.force.example/news/latest-news/drivers-urged-to-slow-down/",
        language="en",
        date_source="meta",
        text=(
            "Officers will be carrying out extra speed checks across the county throughout June "
            "as part of a national road safety campaign.\n\n"
            "The checks will focus on rural roads where most fatal and serious collisions "
            "happen, including the A47, A11 and A140.\n\n"
            'Chief Inspector Dawn Pike, head of roads policing, said: "Speed is one of the main '
            "causes of serious collisions on our roads. We would much rather educate drivers "
            'than prosecute them, but we will take action against anyone who puts lives at risk."'
            "\n\nLast year 36 people died on the county's roads.\n\n"
            "How to report dangerous driving\n\n"
            "You can report dangerous driving online or by calling 101. In an emergency always "
            "call 999."
        ),
    ),
    "pcc_time_tag.html": dict(
        url=None,
        title="Commissioner sets out police budget for next year",
        published_at=datetime(2025, 1, 28, 0, 0, tzinfo=UTC),  # a bare date: London midnight
        author="Office of the PCC",
        canonical_url=None,
        language="en",
        date_source="time",
        text=(
            "The Police and Crime Commissioner has proposed a rise of £14 a year for a Band D "
            "property in the policing part of the council tax.\n\n"
            "The money would pay for 40 more officers in neighbourhood teams and keep the "
            "county's 24 police stations open to the public.\n\n"
            '"I have listened to what residents told me in the budget survey," the Commissioner '
            'said. "People want to see officers in their communities and they want calls '
            'answered quickly."\n\n'
            "The Police and Crime Panel will consider the proposal at its meeting on 4 February."
        ),
    ),
    "url_date_cp1252.html": dict(
        url="https://news.example/2025/02/11/cafe-owner-praises-officers",
        title="Café owner praises officers after break-in",
        published_at=datetime(2025, 2, 11, 0, 0, tzinfo=UTC),
        author=None,
        canonical_url=None,
        language="en",
        date_source="url",
        text=(
            "The owner of a café in Cromer has praised police officers for their “quick and "
            "caring” response after her business was broken into.\n\n"
            "Renée Marsh said officers arrived within ten minutes of her call and stayed until a "
            "locksmith had secured the premises.\n\n"
            "“They couldn’t have been kinder,” she said. “I was shaking, and they made me a cup "
            "of tea in my own kitchen.”\n\n"
            "About £300 in cash was taken. A 19-year-old man has been arrested and released on "
            "bail."
        ),
    ),
    "text_date_malformed.html": dict(
        url=None,
        title="Village hall meeting on antisocial behaviour",
        published_at=datetime(2025, 3, 3, 14, 5, tzinfo=UTC),
        author=None,
        canonical_url=None,
        language="en",
        date_source="text",
        text=(
            "More than 80 people packed into Acle village hall on Monday night to tell police "
            "about antisocial behaviour in the town.\n\n"
            "Residents described groups of teenagers riding e-bikes on pavements and damaging bus "
            "shelters. Several said they had stopped reporting incidents because nothing "
            "happened.\n\n"
            'Sergeant Tom Baxter, of the Broadland Safer Neighbourhood Team, said: "Every report '
            'helps us decide where to patrol. Please keep telling us."\n\n'
            "The team will hold a drop-in session at the library on the first Saturday of each "
            "month."
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_page_fields(name):
    expected = dict(GOLDEN[name])
    url = expected.pop("url")
    got = extract_article((FIXTURES / name).read_bytes(), url)
    assert got is not None
    assert {key: getattr(got, key) for key in expected} == expected
    assert got.published_at.tzinfo is not None


def test_cookie_banner_navigation_related_comments_and_footer_are_removed():
    got = extract_article((FIXTURES / "local_news_jsonld.html").read_bytes())
    for boilerplate in (
        "cookies",
        "Home",
        "Related stories",
        "Read more",
        "NorfolkNed",
        "Lock your sheds",
        "All rights reserved",
        "Man charged after Swaffham",
    ):
        assert boilerplate not in got.text


def test_paywall_stub_is_no_article():
    with pytest.raises(ExtractionFailed) as caught:
        extract_or_fail((FIXTURES / "paywall_stub.html").read_bytes())
    assert caught.value.reason == "paywall_stub"
    assert extract_article((FIXTURES / "paywall_stub.html").read_bytes()) is None


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        (b"", "empty_body"),
        (b"   \n  ", "empty_body"),
        ("", "empty_body"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not_html"),
        (b"just some words, no markup at all", "not_html"),
        (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "empty_body"),
        (b"<html><body><div><p>Short.</div></body></html>", "empty_body"),
        ("<<<>>><!--", "empty_body"),
        (
            "<html><body><article><h1>Station opens</h1><p>By Jo Bloggs, 3 June 2024</p>"
            "<p>Share on Facebook Share on X Get our top stories in your inbox every "
            "morning.</p><p>Subscribe</p></article></body></html>",
            "empty_body",
        ),
    ],
)
def test_bad_input_never_raises_and_says_why(page, reason, caplog):
    caplog.set_level(logging.INFO, logger="crawler.extract")
    with pytest.raises(ExtractionFailed) as caught:
        extract_or_fail(page, "http://example.test/x")
    assert caught.value.reason == reason
    assert extract_article(page, "http://example.test/x") is None
    assert "no article" in caplog.text


def test_huge_page_is_handled():
    para = "<p>" + "Officers from Norfolk Constabulary attended. " * 20 + "</p>\n"
    page = "<html><body><article><h1>Long</h1>" + para * 12000 + "</article></body></html>"
    got = extract_article(page.encode(), None)
    assert got is None or len(got.text) > 1000


def test_unclosed_title_does_not_swallow_the_page():
    page = (
        "<html><head><title>Station opens<body><article><h1>Station opens</h1>"
        "<p>Norfolk Constabulary has opened a new police station in Thetford town centre.</p>"
        "<p>Residents said they were pleased to see officers back in the town.</p></article>"
    )
    got = extract_article(page, None)
    assert got.title == "Station opens"
    assert got.text.startswith("Norfolk Constabulary has opened")


@pytest.mark.parametrize(
    ("body", "content_type", "text", "encoding"),
    [
        ("Café £5 “ok”".encode("cp1252"), None, "Café £5 “ok”", "cp1252"),
        ("Café £5 “ok”".encode(), None, "Café £5 “ok”", "utf-8"),
        ("Café".encode(), "text/html; charset=utf-8", "Café", "utf-8"),
        ("Café".encode("cp1252"), "text/html; charset=utf-8", "Café", "cp1252"),  # a lie
        ("Café".encode("cp1252"), "text/html; charset=nonsense-8", "Café", "cp1252"),
        ("Café".encode("cp1252"), "text/html; charset=iso-8859-1", "Café", "cp1252"),
        (
            b'<meta charset="windows-1252"><p>\x93hi\x94',
            None,
            '<meta charset="windows-1252"><p>“hi”',
            "cp1252",
        ),
        (b"\xef\xbb\xbfCaf\xc3\xa9", None, "Café", "utf-8"),
        # UTF-8 under a single-byte label: read as labelled it would be "CafÃ© â€œokâ€\x9d"
        ("Café “ok”".encode(), "text/html; charset=iso-8859-1", "Café “ok”", "utf-8"),
        ("Café “ok”".encode(), "text/html; charset=windows-1252", "Café “ok”", "utf-8"),
        (
            '<meta charset="windows-1252"><p>It’s é'.encode(),
            None,
            '<meta charset="windows-1252"><p>It’s é',
            "utf-8",
        ),
        ("Café".encode("utf-16"), None, "Café", "utf-16"),  # with its byte order mark
        ("\ufeffCafé".encode("utf-16-be"), "text/html", "Café", "utf-16"),
        ("Café".encode("utf-16-le"), "text/html; charset=utf-16le", "Café", "utf-16-le"),
    ],
)
def test_decode_body(body, content_type, text, encoding):
    assert decode_body(body, content_type) == (text, encoding)


def test_utf16_page_is_extracted_not_refused_as_binary():
    page = (
        "<html><head><title>Station opens</title></head><body><article>"
        "<p>Norfolk Constabulary has opened a new police station in Thetford town centre.</p>"
        "<p>Residents said they were pleased to see officers back in the town, café owners too.</p>"
        "</article></body></html>"
    )
    got = extract_or_fail(page.encode("utf-16"), "https://news.test/a", "text/html")
    assert got.title == "Station opens"
    assert "café owners" in got.text
    with pytest.raises(ExtractionFailed, match="binary"):
        extract_or_fail(b"\x00\x01\x02<html>" * 10, "https://news.test/b", "text/html")


def test_parse_html_of_nothing_is_none():
    assert parse_html("") is None


def test_pcm_extract_json_shape(capsys):
    paths = [str(FIXTURES / "local_news_jsonld.html"), str(FIXTURES / "pcc_time_tag.html")]
    assert main(["extract", "--json", *paths]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [json.loads(line) for line in lines]
    assert [list(row) for row in rows] == [["path", "title", "published_at", "author", "text"]] * 2
    assert rows[0]["path"] == paths[0]
    assert rows[0]["title"] == GOLDEN["local_news_jsonld.html"]["title"]
    assert rows[0]["published_at"] == "2025-03-14T08:30:00+00:00"
    assert rows[0]["author"] == "Hannah Crowe"
    assert rows[0]["text"] == GOLDEN["local_news_jsonld.html"]["text"]
    assert rows[1]["published_at"] == "2025-01-28T00:00:00+00:00"


def test_pcm_extract_failure_is_one_line_and_exit_1(capsys, tmp_path):
    good = str(FIXTURES / "pcc_time_tag.html")
    missing = str(tmp_path / "nope.html")
    stub = str(FIXTURES / "paywall_stub.html")
    assert main(["extract", "--json", good, missing, stub]) == 1
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert [r["path"] for r in rows] == [good, stub]
    assert rows[1]["text"] is None
    err = captured.err.strip().splitlines()[-1]
    assert err.startswith("pcm extract: 2 of 3 files failed:")
    assert "nope.html" in err
    assert "no article found" in err
