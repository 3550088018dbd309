"""Article stance is defined once, in `warehouse/views/05_article_topic_voices.sql`; `pcm
analyse` runs that file over one document's passages, and the warehouse's views agree."""

from __future__ import annotations

import pytest

from warehouse.article_stance import article_stances

P, N, Z = "positive", "negative", "neutral"


def _rows(labels: list[str], voice: str = "public") -> list[tuple[str, str, float, str]]:
    score = {P: 0.7, N: -0.7, Z: 0.0}
    return [("general", voice, score[lab], lab) for lab in labels]


@pytest.mark.parametrize(
    ("labels", "stance"),
    [
        ([P, P], P),
        ([N, N, N, P], N),  # the rarer polarity under half the commoner: the commoner wins
        ([N, N, P], "mixed"),  # 1 is half of 2
        ([N, N, P, P], "mixed"),
        ([N, P], "mixed"),
        ([N, N, N, N, P, P], "mixed"),  # 2 is half of 4
        ([N, N, N, N, N, P, P], N),
        ([N, Z, Z, Z], Z),  # 25% polar: neutral
        ([N, Z, Z], N),  # 33% polar
        ([N, P, Z, Z, Z, Z, Z, Z], Z),  # 25% polar, however mixed
        ([Z, Z], Z),
    ],
)
def test_the_rule_counts_passage_labels(labels, stance):
    found = article_stances(_rows(labels))
    passages, mean, got = found[("all", "general")]
    assert (passages, got) == (len(labels), stance)
    scores = [score for _, _, score, _ in _rows(labels)]
    assert mean == pytest.approx(sum(scores) / len(scores))


def test_external_leaves_the_force_out():
    rows = _rows([P, P, P], voice="force") + _rows([N])
    found = article_stances(rows)
    assert found[("all", "general")][2] == P
    assert found[("external", "general")] == (1, pytest.approx(-0.7), N)


def test_no_passages_no_stances():
    assert article_stances([]) == {}


def test_topics_are_kept_apart():
    rows = [*_rows([P, P]), ("stop_and_search", "public", -0.9, N)]
    found = article_stances(rows)
    assert found[("all", "general")][2] == P
    assert found[("all", "stop_and_search")] == (1, pytest.approx(-0.9), N)
