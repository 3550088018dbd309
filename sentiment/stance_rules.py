"""Three labelling conventions the model misreads on real coverage, read as rules over its stance.

The first two turn the model's reading of a passage into its mirror (P(positive) and
P(negative) swapped; the neutral probability, the topic and an abstention stay), because in
both the words the model reacts to point the other way from the stance towards the force:

- `defence`: a force (or its commissioner) defending its record against a critic. The
  conventions read it as positive ("The chief constable said the grading was not a fair
  reflection of the work of her officers"); the model reads the dispute's words
  ("inaccurate", "misleading", "angry at the report") as negative. A passage in the force's
  or the commissioner's voice that disputes and names what it disputes (a report, a grading,
  an inspection, claims, an article, criticism), and does not concede it (`accept`,
  `apologise`, `we must improve`), is mirrored when the model reads it more negative than
  positive. Other voices disputing a report ("campaigners said the report was flawed") are
  left as the model reads them: a critic of a report is not, by that, the force's defender.
- `improvement`: a passage that says the force needs to improve ("… but the force still
  needs to improve", "requires improvement in two areas", "more needs to be done"). The
  conventions read the final clause of "praise … but criticism", and an admission, as
  negative; the model reads the praise. Such a passage is mirrored when the model reads it
  more positive than negative, unless it is a defence, speaks of a grade left behind ("no
  longer requires improvement", "an improvement on last year's …") or concedes it only in a
  clause its main clause answers ("Although the force still needs to improve, …": hedges
  follow the main clause).
- `intent`: a passage in the force's or the commissioner's voice that only states intent ("We
  remain committed to …", "Protecting victims is our priority"), with nothing done, found or
  felt beside it (no "have", no figure, no "proud"), is neutral by the conventions; the model
  reads its warm words as praise. Its polar probabilities are evened out (each the smaller of
  the two, the rest neutral): label neutral, score 0, so that a force's statement of intent
  does not move a trend.

Which rules a model applies is part of the model (`stance_rules` in `model.json`), so turning
a rule on or off is a change of the scores' version; a change to a rule's patterns is not (as
with the voice rules), and is measured like one. The callers that know each passage's
voice apply them (`pcm analyse`, the warehouse's scoring, `pcm evaluate` on the corpus).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, TypeVar

import numpy as np

# `sentiment.confidence_model`'s TopicScore and PassageResult, which import this module's RULES
Score = TypeVar("Score")

RULES = ("defence", "improvement", "intent")
# the force's own voices: whose defence and whose intent the rules read
FORCE_VOICES = frozenset({"force", "pcc"})

# what a defence says of its critic; "disappointing" only with what the critic failed to see,
# since "we are disappointed by the findings" is as often a concession
_DISPUTE = re.compile(
    r"\b(?:slam(?:s|med)?|hits?\s+back|disput(?:e|es|ed|ing)|reject(?:s|ed|ing)?|"
    r"refut(?:e|es|ed|ing)|rebut(?:s|ted)?|misrepresent\w*|inaccura\w+|flawed|misleading|"
    r"untrue|unfair(?:ly)?|unbalanced|unjust(?:ified)?|"
    r"(?:angry|angered|saddened)[\"'”’]?\s+(?:by|at|with)\s+(?:the\s+|this\s+|these\s+|its\s+|"
    r"[A-Z]\w*'s\s+)?(?:report|criticism|grading|findings|article|claims|comments)|"
    r"not\s+(?:a|an)\s+(?:fair|accurate|true|balanced)\s+(?:reflection|representation|picture)|"
    r"(?:does|do|did)\s+not\s+(?:reflect|recognise|recognize|represent)|"
    r"(?:doesn't|don't|didn't)\s+(?:reflect|recognise|recognize|represent)|"
    r"(?:(?:do|does|did)\s+not|don't|doesn't|didn't)\s+(?:accept|believe\b[^.]{0,80}?"
    r"\b(?:reflects?|represents?|is\s+(?:fair|accurate|right)))|"
    r"fail(?:s|ed)?\s+to\s+(?:acknowledge|recognise|recognize|reflect|take\s+account)|"
    r"(?:strongly\s+)?disagree(?:s|d)?\s+with)\b",
    re.IGNORECASE,
)
# what a defence answers: a report or a judgement on the force, or what was said of it
_CRITIC = re.compile(
    r"\b(?:report|reports|grading|graded|rated|inspection|inspectors?|inspectorate|HMICF?R?S?|"
    r"watchdog|findings?|assessment|claims?|allegations?|article|coverage|headlines?|"
    r"criticism|critics?|comments|suggestions?|portrayal|judg(?:e)?ments?|verdict|"
    r"conclusions?|ratings?)\b",
    re.IGNORECASE,
)
# a concession: the passage accepts the criticism, whatever else it disputes
_CONCESSION = re.compile(
    r"\b(?<!not\s)(?<!n't\s)(?:accept(?:s|ed)?|apologi[sz]\w*|sorry|fell\s+short|"
    r"falls?\s+short|we\s+agree|must\s+(?:do\s+better|improve)|needs?\s+to\s+improve|"
    r"rightly|right\s+to\s+(?:say|point|highlight|criticise|criticize|raise|question)|"
    r"fair\s+(?:criticism|challenge|point|comment)|(?<!dis)agree(?:s|d)?\s+with\s+(?:the|its|"
    r"their|these|those|his|her)\s+(?:report|findings|inspectors?|inspectorate|criticism|"
    r"recommendations|conclusions?)|"
    r"lessons\s+(?:have\s+been|will\s+be|must\s+be)\s+learn[te]d?)\b",
    re.IGNORECASE,
)
# the force still has to improve: a finding, a grade or an admission
_IMPROVEMENT = re.compile(
    r"\b(?:needs?\s+to\s+(?:improve|do\s+better|be\s+improved|get\s+better)|"
    r"(?:requires?|requiring|required)\s+improvement|must\s+(?:improve|do\s+better)|"
    r"more\s+(?:still\s+)?(?:needs|has|have)\s+to\s+be\s+done|"
    r"should\s+(?:improve|do\s+better)|(?:has|have)\s+(?:a\s+)?(?:long\s+)?way\s+to\s+go|"
    r"expects?\s+(?:the\s+)?(?:force|chief\s+constable|police)\s+to\s+improve|"
    r"areas?\s+(?:for|of|requiring)\s+improvement|inadequate)\b",
    re.IGNORECASE,
)
# a grade left behind, or improvement made rather than needed
_PAST_GRADE = re.compile(
    r"\b(?:no\s+longer|previously|last\s+year|(?:an\s+)?improvement\s+on|up\s+from|"
    r"moved?\s+(?:up\s+)?from|from\s+[\"'‘“]?(?:requires|inadequate)|"
    r"out\s+of\s+(?:the\s+)?[\"'‘“]?(?:requires|inadequate|special|enhanced)|"
    r"since\s+(?:it|the\s+force|they)\s+(?:was|were)\s+(?:rated|graded|judged|found|placed))\b",
    re.IGNORECASE,
)
# a finding of improvement denied: "no areas requiring improvement", "no evidence that the
# force needs to improve", "does not need to improve"
_DENIED = re.compile(
    r"(?:\b(?:no|without)\s+(?:\w+\s+){0,3}|\bno\s+(?:evidence|suggestion|sign|indication)\s+"
    r"that\s+[^.;,]{0,40}|\b(?:does|do|did)\s+not\s+|n't\s+|\bnot\s+)$",
    re.IGNORECASE,
)


# a statement of intent: "We remain committed to …", "Protecting victims is our priority"
_INTENT = re.compile(
    r"\b(?:(?:remains?|are|is|am|stays?)\s+(?:fully\s+|absolutely\s+|firmly\s+|wholly\s+|"
    r"totally\s+|very\s+much\s+|still\s+)?(?:committed|determined|focus+ed|dedicated|resolute)|"
    r"(?:[Ii]'m|[Ww]e're)\s+(?:fully\s+|absolutely\s+|still\s+)?(?:committed|determined|focus+ed)|"
    r"(?:is|are|remains?)\s+(?:our|my)\s+(?:top\s+|number\s+one\s+|absolute\s+|first\s+)?"
    r"priorit(?:y|ies)|(?:our|my)\s+(?:top\s+|number\s+one\s+|absolute\s+|first\s+)?"
    r"priority\s+(?:is|remains|will\s+be))\b",
    re.IGNORECASE,
)
# what makes it more than intent: something done, found or felt ("we have made progress",
# "we are proud of …", a figure)
_CLAIM = re.compile(
    r"\b(?:have|has|had|was|were|pleased|proud|delighted|welcomed?|welcomes|success\w*|"
    r"achiev\w*|improved|fell|fallen|rose|risen|record|(?:are|is)\s+(?:up|down)|increased|"
    r"reduced|doubled|halved)\b|'ve\b|\d",
    re.IGNORECASE,
)


def is_intent(text: str, voice: str | None) -> bool:
    """Whether a passage in the force's or the commissioner's voice only states intent ("We
    remain committed to keeping victims informed"): neutral by the conventions, whatever its
    warm words."""
    return voice in FORCE_VOICES and bool(_INTENT.search(text)) and not _CLAIM.search(text)


def is_defence(text: str, voice: str | None) -> bool:
    """Whether a passage is the force (or its commissioner) disputing a critic of the force.

    Args:
        text: the passage.
        voice: its voice (`passages`' rules).
    """
    if voice not in FORCE_VOICES:
        return False
    return bool(_DISPUTE.search(text) and _CRITIC.search(text) and not _CONCESSION.search(text))


# a concession before the main clause: "Although the force still needs to improve, …"
_CONCESSIVE = re.compile(
    r"(?:^|[.;:]\s+|[\"“‘]\s*)(?:although|though|while|whilst|despite|even\s+if)\b[^,.;]*$",
    re.IGNORECASE,
)


def needs_improvement(text: str) -> bool:
    """Whether a passage says the force still has to improve (and not that it used to, that
    it does not, nor only in a concession that its main clause answers: hedges follow the main
    clause)."""
    if _PAST_GRADE.search(text):
        return False
    for found in _IMPROVEMENT.finditer(text):
        before, after = text[: found.start()], text[found.end() :]
        conceded = _CONCESSIVE.search(before) and re.match(r"[^.;]*,\s*\w", after)
        if not conceded and not _DENIED.search(before):
            return True
    return False


def rule_for(text: str, voice: str | None, rules: tuple[str, ...] = RULES) -> str | None:
    """Which of `rules` reads this passage: "defence", "improvement", "intent" or None."""
    if "defence" in rules and is_defence(text, voice):
        return "defence"
    if "improvement" in rules and needs_improvement(text):
        return "improvement"
    if "intent" in rules and is_intent(text, voice):
        return "intent"
    return None


def _reading(
    rule: str | None, negative: float, neutral: float, positive: float
) -> tuple[float, float, float] | None:
    """(negative, neutral, positive) as `rule` reads them, or None where the model's stand:
    the mirror of a defence read negative, or of an admission or a finding of improvement
    needed read positive; for intent, the polar probabilities evened out (each the smaller of
    the two, the rest neutral), so that its score is 0 and its label neutral."""
    if rule == "defence" and negative > positive:
        return positive, neutral, negative
    if rule == "improvement" and positive > negative:
        return positive, neutral, negative
    if rule == "intent":
        low = min(positive, negative)
        return low, neutral + abs(positive - negative), low
    return None


def ruled(score: Score, rule: str | None) -> Score:
    """One topic's stance as `rule` reads it (`_reading`)."""
    found = _reading(rule, score.p_negative, score.p_neutral, score.p_positive)
    if found is None:
        return score
    p = dict(zip(("negative", "neutral", "positive"), found, strict=True))
    label = "neutral" if score.uncertain or rule == "intent" else max(p, key=lambda s: p[s])
    return replace(
        score,
        label=label,
        score=round(p["positive"] - p["negative"], 6),
        p_positive=round(p["positive"], 6),
        p_neutral=round(p["neutral"], 6),
        p_negative=round(p["negative"], 6),
    )


def ruled_row(probs: np.ndarray, rule: str | None) -> np.ndarray:
    """A row of stance probabilities in the stance head's order (negative, neutral, positive)
    as `rule` reads it (`ruled` for a bare row)."""
    found = _reading(rule, float(probs[0]), float(probs[1]), float(probs[2]))
    return probs if found is None else np.array(found, dtype=probs.dtype)


def apply_rules(
    result: Any, text: str, voice: str | None, rules: tuple[str, ...] = RULES
) -> str | None:
    """Read one scored passage's stances by the rules, in place (its `stance_rule` says which).

    Returns:
        The rule that read it, or None.
    """
    if not rules or not getattr(result, "topics", None):
        return None
    rule = rule_for(text, voice, rules)
    if rule:
        result.topics = [ruled(t, rule) for t in result.topics]
        result.stance_rule = rule
    return rule


def apply_to_passages(
    results: list[Any],
    texts: list[str],
    voices: list[str | None],
    rules: tuple[str, ...] = RULES,
) -> None:
    """`apply_rules` over passages scored together, in place."""
    for result, text, voice in zip(results, texts, voices, strict=True):
        apply_rules(result, text, voice, rules)
