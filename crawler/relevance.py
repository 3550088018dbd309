"""Is an article about the force (or one of the forces)? Aliases, its people, or "police"
together with one of its area names."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

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
    """Decides relevance for one force, or for any of several; build once per crawl (or once
    per source, for the forces the source covers)."""

    def __init__(self, force: Force | Sequence[Force]):
        """Args: force: a config force (name, aliases, area, people), or a list of them: an
        article about any of them is relevant."""
        forces = [force] if isinstance(force, Force) else list(force)
        self._alias = _phrase([n for f in forces for n in f.names])
        chosen = [p for f in forces for p in f.people if p.role in ("force", "pcc")]
        self._people = _phrase([p.name for p in chosen] + [a for p in chosen for a in p.aliases])
        self._area = _phrase([a for f in forces for a in f.area])

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
