"""Passage splitting: sentences that cope with abbreviations, numbers and quotes."""

from passages.segment import passages_of, segment_article, split_paragraphs


def texts(text):
    return [s.text for s in segment_article(text, [], [])]


def test_abbreviations_and_numbers_do_not_split():
    out = texts(
        "Mr. Smith met Dr. Jones at No. 10 Downing Street on Friday morning. "
        "The bill was £3.5m, up 2.5% on the year before."
    )
    assert out == [
        "Mr. Smith met Dr. Jones at No. 10 Downing Street on Friday morning.",
        "The bill was £3.5m, up 2.5% on the year before.",
    ]


def test_quote_with_two_sentences_stays_one_passage():
    out = texts(
        "“We are delighted with the result. The team worked very hard,” said Supt Jane "
        "Doe. Officers were praised by the judge at the hearing."
    )
    assert out[0].startswith("“We are delighted")
    assert out[0].endswith("Supt Jane Doe.")
    assert out[1] == "Officers were praised by the judge at the hearing."


def test_passages_never_cross_paragraphs():
    segs = segment_article(
        "The first paragraph ends here without a full stop\n\n"
        "and the second one starts in lower case.",
        [],
        [],
    )
    assert [(s.paragraph, s.position) for s in segs] == [(0, 0), (1, 1)]


def test_short_sentence_joined_to_neighbour():
    assert passages_of("The force has promised change. Not once. It has failed to act on it.") == [
        "The force has promised change. Not once.",
        "It has failed to act on it.",
    ]


def test_paragraph_split_normalises_whitespace_and_nul():
    assert split_paragraphs("a\x00b\n  c\n \n\n d ") == ["a b c", "d"]
    assert split_paragraphs("") == []
    assert segment_article("   \n\n  ", [], []) == []
