"""Is an article about the force? Aliases, or "police" together with one of its area names."""

from __future__ import annotations

import logging
import re

from core.config import Force

logger = logging.getLogger(__name__)

# Sources that publish only about the force: its own newsroom and its PCC. An inspectorate
# publishes on every force, so its pages must still name ours (its Norfolk page lists reports
# that all do).
ALWAYS_RELEVANT_KINDS = frozenset({"force_statement", "pcc_statement"})
_POLICE = re.compile(r"\b(?:police|policing|constabulary)\b", re.I)


def _phrase(names: list[str]) -> re.Pattern[str] | None:
    names = [n.strip() for n in names if n and n.strip()]
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.I)


class RelevanceFilter:
    """Decides relevance for one force; build once per crawl."""

    def __init__(self, force: Force):
        """Args: force: the config's force section (name, aliases, area, people)."""
        self._alias = _phrase(force.names)
        people = [p.name for p in force.people if p.role in ("force", "pcc")]
        people += [a for p in force.people if p.role in ("force", "pcc") for a in p.aliases]
        self._people = _phrase(people)
        self._area = _phrase(force.area)

    def reason(self, text: str, title: str | None, source_kind: str) -> str | None:
        """Why the article is relevant (kind, alias, person, police_in_area), or None.

        Args:
            text: the article body.
            title: the headline, if any.
            source_kind: the config source kind.
        """
        if source_kind in ALWAYS_RELEVANT_KINDS:
            return "source_kind"
        whole = f"{title or ''}\n{text}"
        if self._alias and self._alias.search(whole):
            return "alias"
        if self._people and self._people.search(whole):
            return "person"
        if self._area and _POLICE.search(whole) and self._area.search(whole):
            return "police_in_area"
        return None

    def is_relevant(self, text: str, title: str | None, source_kind: str) -> bool:
        """True when `reason` finds one."""
        return self.reason(text, title, source_kind) is not None
