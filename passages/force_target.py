"""Which force a passage is about: the configured one, another named force, all forces, or none.

A passage counts for the configured force's scores only when its target is `force`. The
rules read the passage and, for a passage that names no force, the one before it in the
same paragraph:
- it names the configured force (an alias, or an area name followed by a police word):
  `force`, even when other forces are named beside it;
- it names only other forces ("Suffolk Constabulary", "the Met", "Police Scotland"):
  `other_force`;
- it speaks of forces in general ("forces across England and Wales", "every force",
  "nationally"): `national`, except for a config of the police in general (a force named
  just "Police"), which they are about;
- it has no topic: `none`;
- otherwise `force` (an article about the force is about it unless a passage says not).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from core.vocabulary import TARGETS
from passages.names import with_ampersands

logger = logging.getLogger(__name__)

FORCE, OTHER_FORCE, NATIONAL, NONE = TARGETS

_CAP = r"[A-Z][\w'’\-]+"
# "Suffolk Constabulary", "Devon and Cornwall Police", "Police Service of Northern Ireland".
NAMED_FORCE = re.compile(
    rf"\b(?:{_CAP}(?:\s+(?:and|&)\s+{_CAP}|\s+{_CAP}){{0,3}})\s+(?:Police|Constabulary)"
    rf"(?!\s+(?:Federation|Association|Staff|Network|and Crime|Fire|Officers?|Chiefs?|"
    # a station, a building or a watchdog is not a force ("Leyland Police Station",
    # "Independent Police Complaints Commission")
    rf"Scotland|Service of|Stations?|Headquarters|HQ|Complaints|Conduct|Cadets|Museum))\b"
)
# Forces whose names do not follow the "<place> Police" pattern.
FIXED_FORCE = re.compile(
    r"\bPolice Scotland\b|\bPolice Service of Northern Ireland\b|\bPSNI\b|\b[Tt]he Met\b|"
    r"\bMetropolitan Police(?: Service)?\b|\bBritish Transport Police\b|\bBTP\b|\bRUC\b"
)
# Capitalised words that precede "Police" without naming a force.
NOT_A_FORCE_NAME = re.compile(
    r"^(?:The|A|An|His|Her|Their|Its|Our|Local|Neighbourhood|Community|Traffic|Transport|"
    r"Military|Armed|Specialist|Senior|Chief|Deputy|Rural|Roads|Response|Mounted|Riot|Secret|"
    r"Federation|Home|UK|British|English|Welsh|Scottish|National|Every|All|Other|Some|Many|"
    r"Most|Each|Which|What|Why|How|When|Where|Police|Said|Says|Say)$"
)
NATIONAL_WORDS = re.compile(
    r"\b(?:(?:all|every|each|most|many|some|other|several|\d+|forty[- ]three|\d+ of the)\s+"
    r"(?:\w+\s+)?(?:police\s+)?forces\b|forces\s+(?:across|in|throughout)\s+(?:england|wales|"
    r"the uk|the country|britain|scotland)|across\s+(?:england and wales|the country|the uk|"
    r"britain)|nationally|nationwide|national (?:average|picture|figures|data|rate|total|"
    r"level|statistics)|(?:in|across) england and wales|police forces\b|every force\b|"
    r"the police service\b)",
    re.IGNORECASE,
)
# The force ranked or measured against the country ("the best crime-solving rate in England
# and Wales", "one of the safest places in the UK", "one per cent more than on a national
# level"): about the force, not about all forces.
COMPARED_WITH_NATIONAL = re.compile(
    r"\b(?:best|worst|lowest|highest|safest|fastest|slowest|biggest|largest|smallest|"
    r"strongest|weakest|poorest|most\s+\w+|least\s+\w+|top|bottom)\b[^.;]{0,60}?\b(?:in|across)"
    r"\s+(?:england and wales|the uk|the country|britain|scotland)\b|"
    r"\b(?:above|below|in line with|higher than|lower than|more than|less than|better than|"
    r"worse than|compared (?:with|to))\s+(?:the\s+|on\s+a\s+)?national\b",
    re.IGNORECASE,
)
# What all forces do, said as such: never one force's ranking.
ALL_FORCES = re.compile(r"\b(?:nationally|forces)\b", re.IGNORECASE)
# A passage that names no force but points back at one ("the force", "it", "its officers").
ANAPHOR = re.compile(r"\b(?:the force|it|its|they|their|the constabulary)\b", re.IGNORECASE)


class ForceTargeter:
    """Decides each passage's target force for one configured force.

    Args:
        name: the force's name ("Norfolk Constabulary").
        aliases: its other names ("Norfolk Police").
        area: place names; "police" right after one counts as the force ("Norfolk police").
    """

    def __init__(self, name: str | None, aliases: Iterable[str] = (), area: Iterable[str] = ()):
        names = set(with_ampersands(n.strip() for n in [name or "", *aliases] if n and n.strip()))
        places = {a.strip() for a in area if a and a.strip()}
        for n in names:  # "Norfolk Constabulary" -> "Norfolk" as a place
            place = re.sub(r"\s+(?:Police|Constabulary|Police Service)$", "", n).strip()
            if place and place != n:
                places.add(place)
        parts = [re.escape(n) for n in sorted(names, key=len, reverse=True)]
        parts += [
            rf"{re.escape(p)}(?:'s|’s)?\s+(?:police|constabulary|force|officers)"
            for p in sorted(places, key=len, reverse=True)
        ]
        self._own = (
            re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE) if parts else None
        )
        self._names = {n.lower() for n in names}
        self._places = {p.lower() for p in places}
        # a config for the police in general ("Police", no aliases): what all forces do is
        # what it is about
        self._general = self._names == {"police"} and not places
        # the force's place named alone, as the force is in comparisons ("Dorset is one of 18
        # out of 43 forces to …", "Norfolk was among the best forces for …")
        self._place_alone = (
            re.compile(
                r"\b(?:"
                + "|".join(re.escape(p) for p in sorted(places, key=len, reverse=True))
                + r")\b(?!\s*(?i:county|council|coast|fire))"
            )
            if places
            else None
        )

    def names_own(self, text: str) -> bool:
        """True when the passage names the configured force."""
        return bool(self._own and self._own.search(text))

    def _compared(self, text: str) -> bool:
        """Whether a passage about forces in general names the force's place as one of them."""
        return bool(self._place_alone and self._place_alone.search(text))

    def other_forces(self, text: str) -> list[str]:
        """Forces the passage names that are not the configured one."""
        found_names = [m.group(0) for m in FIXED_FORCE.finditer(text)]
        for m in NAMED_FORCE.finditer(text):
            words = m.group(0).split()
            while words and (NOT_A_FORCE_NAME.match(words[0]) or words[0] in ("and", "&")):
                words = words[1:]
            if len(words) >= 2:
                found_names.append(" ".join(words))
        out = []
        for found in found_names:
            low = found.lower()
            if low in self._names or any(low.startswith(p + " ") for p in self._places):
                continue
            if self._own and self._own.search(found) and not self._general:
                continue
            out.append(found)
        return out

    def target(self, text: str, has_topics: bool, previous: str | None = None) -> str:
        """The passage's target (one of `TARGETS`).

        Args:
            text: the passage.
            has_topics: whether the model found a topic in it.
            previous: the target of the passage before it in the same paragraph, if any.

        Returns:
            "force", "other_force", "national" or "none".
        """
        if self._general:
            # "police" is every passage's word: a passage naming a force is about that force
            if self.other_forces(text):
                return OTHER_FORCE
            if has_topics:
                return FORCE
            return NATIONAL if NATIONAL_WORDS.search(text) else NONE
        if self.names_own(text):
            return FORCE
        if self.other_forces(text):
            return OTHER_FORCE
        if has_topics and COMPARED_WITH_NATIONAL.search(text) and not ALL_FORCES.search(text):
            return FORCE
        if NATIONAL_WORDS.search(text):
            if has_topics and self._compared(text):
                return FORCE
            return NATIONAL
        if previous in (OTHER_FORCE, NATIONAL) and ANAPHOR.search(text):
            return previous
        return FORCE if has_topics else NONE
