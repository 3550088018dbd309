"""Force mentions as character spans, and the token masks the stance head pools over."""

import torch

from sentiment.targets import force_pattern, force_spans, token_mask


def test_force_spans_find_names_and_generic_police_words():
    pattern = force_pattern(["Norfolk Constabulary"])
    text = "Norfolk Constabulary said officers had attended; the council did not comment."
    spans = force_spans(text, pattern)
    assert [text[s:e] for s, e in spans] == ["Norfolk Constabulary", "officers"]
    assert force_spans("The council did not comment.", pattern) == []


def test_token_mask_marks_tokens_overlapping_a_span_and_skips_special_tokens():
    # [CLS] "police" "said" "yes" [SEP] with a mention at characters 0-6
    offsets = [(0, 0), (0, 6), (7, 11), (12, 15), (0, 0)]
    mask = token_mask(offsets, [(0, 6)])
    assert mask.dtype == torch.float32
    assert mask.tolist() == [0.0, 1.0, 0.0, 0.0, 0.0]
    # a span that ends inside a token still marks it; two spans mark two tokens
    assert token_mask(offsets, [(8, 9), (12, 13)]).tolist() == [0.0, 0.0, 1.0, 1.0, 0.0]


def test_token_mask_without_a_mention_pools_the_whole_passage():
    offsets = [(0, 0), (0, 3), (4, 8), (0, 0)]
    assert token_mask(offsets, []).tolist() == [1.0, 1.0, 1.0, 1.0]
    assert token_mask([], []).tolist() == []
