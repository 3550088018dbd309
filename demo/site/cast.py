"""The fictional setting of the sample site: the force, its people, the outlets and the towns."""

from __future__ import annotations

import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)

FORCE_NAME = "Wexmoor Constabulary"
FORCE_ALIASES = ("Wexmoor Constabulary", "Wexmoor Police")
COUNTY = "Wexmoor"
TOWNS = ("Castleford Wick", "Sedgebury", "Holme St Anne", "Ravensey", "Lowmarsh")


@dataclass(frozen=True)
class Character:
    """One named fictional person who is quoted or writes on the sample site."""

    key: str  # placeholder name used in the story plans, e.g. {cc}
    name: str
    voice: str  # one of core.config.VOICES
    title: str  # the role as a journalist would write it
    aliases: tuple[str, ...] = ()

    @property
    def surname(self) -> str:
        """The last word of the name, as used on second mention ("Ms Halloway")."""
        return self.name.split()[-1]


CAST: tuple[Character, ...] = (
    # The force.
    Character("cc", "Miriam Halloway", "force", "Chief Constable", ("Chief Constable Halloway",)),
    Character("dcc", "Tobias Wrenfield", "force", "Deputy Chief Constable"),
    Character("supt", "Daniel Ashcombe", "force", "Superintendent"),
    Character("ci", "Priya Lansdell", "force", "Chief Inspector"),
    Character("dsupt", "Colin Marwood", "force", "Detective Superintendent"),
    Character("dci", "Owen Castellane", "force", "Detective Chief Inspector"),
    Character("insp", "Ffion Rudd", "force", "Inspector"),
    Character("sgt", "Luke Brannigan", "force", "Sergeant"),
    Character("dc", "Rhian Moss", "force", "Detective Constable"),
    Character("sc", "Amy Turnbull", "force", "Special Constable"),
    # The police and crime commissioner's office.
    Character("pcc", "Graham Pellow", "pcc", "Police and Crime Commissioner", ("Mr Pellow",)),
    Character("dpcc", "Sunita Vale", "pcc", "Deputy Police and Crime Commissioner"),
    # Watchdogs.
    Character("hmi", "Roland Fairbairn", "inspectorate", "HM Inspector of Constabulary"),
    Character("iopc", "Janet Okafor-Lyle", "inspectorate", "IOPC regional director"),
    # Government: MPs and councillors.
    Character("mp", "Simon Threlkeld", "government", "MP for Sedgebury and Lowmarsh"),
    Character("mp2", "Alison Kettering", "government", "MP for Castleford Wick"),
    Character("cllr", "Beverley Stannard", "government", "chair of the Police and Crime Panel"),
    Character("cllr2", "Amir Haddow", "government", "Ravensey county councillor"),
    Character("cllr3", "Rosalind Peverell", "government", "leader of Wexmoor County Council"),
    # The public: residents, victims, campaigners, businesses.
    Character("res1", "Margaret Foyle", "public", "Holme St Anne resident"),
    Character("biz", "Kevin Draycott", "public", "Lowmarsh shopkeeper"),
    Character("vic1", "Lauren Bexley", "public", "burglary victim"),
    Character("vic2", "Tom Pengelly", "public", "assault victim"),
    Character("camp", "Desmond Achebe-Ward", "public", "campaigner with Wexmoor Stop Watch"),
    Character("dv", "Hannah Cresswell", "public", "chief executive of Wexmoor Refuge Partnership"),
    Character("vv", "Aileen Marchbank", "public", "coordinator of Wexmoor Victims' Voice"),
    Character("stud", "Joseph Nwankwo-Hale", "public", "Ravensey student"),
    Character("road", "Pauline Crathorne", "public", "road safety campaigner"),
    Character("rev", "David Ormesby", "public", "chair of Sedgebury Community Forum"),
    Character("nw", "Neil Sutcombe", "public", "Ravensey Neighbourhood Watch coordinator"),
    Character("vic3", "Carol Whitlam", "public", "fraud victim"),
    # Journalists (bylines; their own narration is the media voice).
    Character("j_gaz1", "Jess Tolland", "media", "Wexmoor Gazette crime reporter"),
    Character("j_gaz2", "Mark Huxtable", "media", "Wexmoor Gazette chief reporter"),
    Character("j_echo1", "Ruth Alderney", "media", "Sedgebury Echo reporter"),
    Character("j_echo2", "Sam Feltham", "media", "Sedgebury Echo reporter"),
    Character("j_her1", "Peter Lomax", "media", "Ravensey Herald editor"),
    Character("j_her2", "Nadia Fenwick", "media", "Ravensey Herald reporter"),
    Character(
        "j_led", "Clare Whitcombe", "media", "The National Ledger home affairs correspondent"
    ),
)

BY_KEY = {c.key: c for c in CAST}


@dataclass(frozen=True)
class Outlet:
    """One site on the sample host: a news outlet or an official publisher."""

    key: str
    name: str  # the source name in config/sample.yaml
    kind: str  # one of core.config.SOURCE_KINDS
    prefix: str  # URL path prefix on the sample host
    authors: tuple[str, ...]  # Character keys used as bylines ("" = no byline)


OUTLETS: tuple[Outlet, ...] = (
    Outlet("gazette", "Wexmoor Gazette", "local_news", "/gazette/", ("j_gaz1", "j_gaz2")),
    Outlet("echo", "Sedgebury Echo", "local_news", "/echo/", ("j_echo1", "j_echo2")),
    Outlet("herald", "Ravensey Herald", "local_news", "/herald/", ("j_her1", "j_her2")),
    Outlet("ledger", "The National Ledger", "national_news", "/ledger/", ("j_led",)),
    Outlet("force", "Wexmoor Constabulary newsroom", "force_statement", "/force/", ("",)),
    Outlet(
        "pcc",
        "Office of the Wexmoor Police and Crime Commissioner",
        "pcc_statement",
        "/pcc/",
        ("",),
    ),
    Outlet("hmic", "HM Inspectorate of Constabulary", "inspectorate", "/hmic/", ("",)),
)

OUTLET_BY_KEY = {o.key: o for o in OUTLETS}


def placeholders() -> dict[str, str]:
    """Names for the story plans: {cc} full name, {cc_s} surname, {cc_t} title and name.

    Returns:
        A mapping from placeholder to text, for `str.format_map`.
    """
    out: dict[str, str] = {"force": FORCE_NAME, "force_alt": FORCE_ALIASES[1]}
    for c in CAST:
        out[c.key] = c.name
        out[f"{c.key}_s"] = c.surname
        out[f"{c.key}_t"] = f"{c.title} {c.name}"
    return out
