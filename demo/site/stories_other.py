"""More background plans, the irrelevant stories the crawler must skip, and the PEEL report."""

from __future__ import annotations

from demo.site.plans import Plan, opt, spread

PLANS: tuple[Plan, ...] = (
    Plan(
        key="rural_crime",
        family="news",
        topics=("crime_prevention", "investigations", "community_engagement"),
        when=spread("rural_crime", 3, 8, 340),
        titles=(
            "Farmers say rural crime is being ignored as thefts rise",
            "New rural crime team to tackle thefts of farm machinery",
            "Quad bikes worth £80,000 recovered by police rural crime team",
        ),
        beats=(
            (
                "Farmers around {town} say thefts of machinery, fuel and livestock are "
                "rising, and that they rarely see the police.",
                "A dedicated rural crime team has been set up by Wexmoor Constabulary, with "
                "six officers covering the farms and villages of the county.",
                "Police have recovered stolen quad bikes and trailers worth £80,000 from a "
                "farm near {town}.",
            ),
            (
                '"We had £20,000 of equipment taken from one shed," said one farmer near '
                'Lowmarsh. "An officer came two days later, took some photos and we never '
                'heard another thing."',
                "The team will use drones, number plate cameras and a network of farm "
                "watch volunteers to prevent crime and catch offenders.",
                "The vehicles had been taken from three farms in the spring and were found "
                "hidden under tarpaulins in a barn.",
            ),
            (
                'Sergeant {sgt}, who leads the team, said: "Rural crime has a huge impact '
                "on isolated communities. Farmers have told us they feel forgotten. We "
                'want to change that."',
                'Sergeant {sgt}, who leads the team, said: "Farmers have told us they '
                'feel forgotten. We want to prevent crime, not just respond to it."',
                "Sergeant {sgt} said the recovery followed information from the public "
                "and a joint operation with a neighbouring force.",
            ),
            opt(
                "The commissioner, {pcc}, said the team was funded from this year's "
                "precept and showed that residents' money was being spent where it was "
                "needed.",
            ),
            opt(
                "The National Farmers' Union in the county welcomed the team but said it "
                "would judge it on results.",
            ),
        ),
    ),
    Plan(
        key="shoplifting",
        family="news",
        topics=("investigations", "emergency_response", "community_engagement"),
        when=spread("shoplifting", 2, 12, 300),
        outlets=("echo", "herald", "gazette"),
        titles=(
            "Shopkeepers say police do not turn up to shoplifting reports",
            "Retailers and police sign pact to tackle shop theft in {town}",
        ),
        beats=(
            (
                "Shop owners in {town} say they have given up reporting shoplifting because "
                "police rarely attend.",
                "Retailers in {town} have signed an agreement with Wexmoor Police to share "
                "CCTV and intelligence on prolific shoplifters.",
            ),
            (
                '"I\'ve had the same man in four times this month," said {biz}, who runs a '
                "shop in Lowmarsh. \"I call 101, wait half an hour, and nobody comes. What's "
                'the point?"',
                "Under the scheme, shops will be able to upload footage directly to the "
                "force, and officers will aim to attend when an offender is detained by "
                "staff.",
            ),
            (
                'Chief Inspector {ci} said: "Shoplifting is not a victimless crime. We '
                "are prioritising repeat offenders and those who use violence against "
                'staff."',
                "A spokesperson for the force said that every report was assessed, and that "
                "officers attended where there was a realistic chance of catching the "
                "offender.",
            ),
            opt(
                'Councillor {cllr2} said small businesses felt abandoned. "These are the '
                'people who keep our high streets going," he said.',
            ),
        ),
    ),
    Plan(
        key="knife_crime",
        family="news",
        topics=("crime_prevention", "community_engagement", "stop_and_search"),
        when=(0, *spread("knife_crime", 2, 40, 300)),
        outlets=("herald", "gazette", "echo"),
        titles=(
            "Knife amnesty bins collect 300 blades in a month",
            "Mother of stabbing victim backs police schools campaign",
            "Police step up patrols after stabbing in {town}",
        ),
        beats=(
            (
                "More than 300 knives were handed in during a month-long amnesty run by "
                "Wexmoor Police, including machetes and a samurai sword.",
                "The mother of a teenager who was stabbed in {town} has backed a police "
                "campaign to warn school pupils about the dangers of carrying knives.",
                "Extra officers are patrolling {town} town centre after a man was stabbed "
                "outside a takeaway on Friday night.",
            ),
            (
                'Superintendent {supt} said: "Every knife handed in is one that cannot be '
                "used to hurt someone. Prevention and education matter as much as "
                'enforcement."',
                'Superintendent {supt} said: "Young people listen to a mother who has lost '
                'her son in a way they will never listen to a police officer."',
                "The force said officers would use stop and search where they had grounds, "
                "and that the extra patrols would remain in place over the weekend.",
            ),
            (
                "{nw}, of Ravensey Neighbourhood Watch, said the amnesty was worthwhile. "
                '"Every knife handed in is one less tragedy waiting to happen," he said.',
                '"If one child leaves a knife at home because of this, it will have been '
                'worth it," the mother said. "I would not wish what we went through on anyone."',
                "{nw}, of Ravensey Neighbourhood Watch, said the patrols were reassuring, but "
                "campaigner {camp} warned that they must not become an excuse for more "
                "unrecorded searches.",
            ),
            opt(
                "Officers have visited 40 schools this year to talk to pupils about knife "
                "crime, working with youth workers and families who have lost children.",
            ),
        ),
    ),
)

# ---- Irrelevant stories: no Wexmoor police content; the crawler must skip them. ----------
IRRELEVANT: tuple[Plan, ...] = (
    Plan(
        key="sport",
        family="news",
        relevant=False,
        topics=(),
        when=(3, 121),
        outlets=("gazette", "herald"),
        titles=(
            "Sedgebury Town snatch late winner in derby",
            "Ravensey Rovers sign striker on loan",
        ),
        beats=(
            (
                "A stoppage-time header gave Sedgebury Town a 2-1 win over their rivals in "
                "front of a crowd of 2,400 on Saturday.",
                "Ravensey Rovers have signed a 20-year-old striker on a season-long loan.",
            ),
            (
                "The manager said his side had shown character after falling behind early "
                'in the first half. "The lads never stopped running," he said.',
                "The club's chairman said the signing showed the club's ambition to "
                "challenge for promotion this season.",
            ),
            (
                "The result lifts the club to fourth in the table, two points off the "
                "play-off places.",
                "Tickets for the next home match go on sale on Monday.",
            ),
            ("Next up is a trip to the league leaders, who have not lost at home all season.",),
        ),
    ),
    Plan(
        key="weather",
        family="news",
        relevant=False,
        topics=(),
        when=(1, 200),
        outlets=("echo", "herald", "gazette"),
        titles=(
            "Yellow weather warning for wind and rain across Wexmoor",
            "Hottest day of the year as temperatures reach 31C",
        ),
        beats=(
            (
                "A yellow weather warning for wind and heavy rain is in place across "
                "Wexmoor from Thursday evening until Saturday morning.",
                "Wexmoor recorded its hottest day of the year on Tuesday, with 31C measured "
                "at the weather station near Sedgebury.",
            ),
            (
                "Forecasters say gusts could reach 60mph on exposed coasts, with up to 40mm "
                "of rain on high ground.",
                "Forecasters expect temperatures to fall back to the low twenties by the weekend.",
            ),
            (
                "The county council said gritters and tree surgeons were on standby and "
                "advised residents to secure garden furniture.",
                "Water companies have asked people to use water carefully and avoid "
                "hosepipes in the evenings.",
            ),
            ("Updates on school closures will be posted on the council's website.",),
        ),
    ),
    Plan(
        key="other_force",
        family="news",
        relevant=False,
        topics=(),
        when=(4, 58, 190),
        outlets=("ledger", "gazette", "ledger"),
        titles=(
            "Northmere Police chief apologises over missed 999 calls",
            "Northmere officer charged with misconduct in public office",
            "Northmere Police 999 fault: review ordered",
        ),
        beats=(
            (
                "The chief constable of Northmere Police has apologised after a computer "
                "fault meant dozens of 999 calls went unanswered for up to four minutes.",
                "A Northmere Police officer has been charged with misconduct in public "
                "office following an investigation by the police watchdog.",
            ),
            (
                "The fault affected the force's control room in Brackenford for six hours "
                "on Sunday night. Calls were eventually diverted to a neighbouring force.",
                "The officer, who served in Brackenford, will appear at Northmere Crown "
                "Court next month.",
            ),
            (
                '"This should not have happened and I am sorry," Northmere\'s chief '
                'constable said. "We are working with our supplier to make sure it '
                'cannot happen again."',
            ),
            (
                "Northmere's police and crime commissioner said she had asked for an "
                "independent review of the incident.",
            ),
        ),
    ),
    Plan(
        key="council_other",
        family="news",
        relevant=False,
        topics=(),
        when=(2, 150),
        outlets=("herald", "echo"),
        titles=(
            "Plans for 400 homes on edge of Ravensey approved",
            "New library opens in Sedgebury after £3m refurbishment",
        ),
        beats=(
            (
                "Plans for 400 new homes on farmland at the edge of Ravensey have been "
                "approved by the county council's planning committee.",
                "Sedgebury's library has reopened after an 18-month, £3 million refurbishment.",
            ),
            (
                "Residents had objected to the scheme, saying the roads and the town's GP "
                "surgery could not cope.",
                "The building now has a café, a makerspace and a local history room.",
            ),
            (
                "The developer says 30 per cent of the homes will be affordable and it will "
                "pay towards a new primary school.",
                "The council said visitor numbers had doubled in the first week.",
            ),
            ("Work is expected to start next spring.",),
        ),
    ),
)

# ---- The inspectorate's PEEL report: the HTML page and the PDF's text. ------------------
PEEL_REPORT_TITLE = "PEEL 2025–27: An inspection of Wexmoor Constabulary"
PEEL_REPORT_SUMMARY = (
    "This report sets out our findings from the PEEL inspection of Wexmoor Constabulary. "
    "We assessed how well the force provides police services in nine areas.",
    "We found that the force is good at preventing crime. Its neighbourhood teams know their "
    "communities, work well with partners and solve local problems. The Secure Homes scheme "
    "has reduced burglary in the areas where it has run.",
    "But the force requires improvement at supporting victims. Too many victims are not kept "
    "updated about their cases. In 41 of the 120 case files we reviewed, the victim had not "
    "been updated within the timescale the force had agreed with them.",
    "HM Inspector of Constabulary Roland Fairbairn said: “Victims told us they had to chase "
    "the police for news. When a victim hears nothing for weeks, they lose confidence that "
    "their case matters. The force accepts this and must act quickly.”",
    "We also found that investigations were sometimes closed without supervisory review, and "
    "that the force responds to emergency calls adequately, although it is slow to answer "
    "non-emergency calls.",
    "The force is good at managing its resources and gives the public value for money. It "
    "has made significant savings through collaboration with neighbouring forces.",
)
PEEL_REPORT_GRADES = (
    ("Providing a service to victims of crime", "Requires improvement"),
    ("Engaging with and treating the public with fairness and respect", "Adequate"),
    ("Preventing crime", "Good"),
    ("Responding to the public", "Adequate"),
    ("Investigating crime", "Requires improvement"),
    ("Protecting vulnerable people", "Adequate"),
    ("Managing offenders", "Adequate"),
    ("Developing a positive workplace", "Adequate"),
    ("Leadership and force management", "Good"),
)
PEEL_PDF_SECTIONS = (
    (
        "About this inspection",
        (
            "This report is one of a series of PEEL inspections of police forces in England "
            "and Wales. PEEL stands for police effectiveness, efficiency and legitimacy. We "
            "inspected Wexmoor Constabulary over a period of three weeks and examined 120 "
            "case files, interviewed officers and staff, and held focus groups with victims.",
        ),
    ),
    (
        "Providing a service to victims of crime: requires improvement",
        (
            "The force does not consistently keep victims updated about their cases. In 41 "
            "of the 120 case files we reviewed, the victim had not been updated within the "
            "agreed timescale. In 17 files there was no record that the victim's needs had "
            "been assessed.",
            "Victims told us they often had to chase the police for news, and several found "
            "out that their case had been closed only when they received a letter. This "
            "falls short of the Victims' Code.",
            "Cause of concern: the force should make sure that victims are updated in line "
            "with the Victims' Code and that this is recorded on its systems.",
        ),
    ),
    (
        "Preventing crime: good",
        (
            "The force is good at preventing crime and anti-social behaviour. Neighbourhood "
            "teams have a good understanding of their communities and use problem-solving "
            "approaches. The Secure Homes Wexmoor scheme is an example of innovative "
            "practice that has reduced burglary.",
        ),
    ),
    (
        "Investigating crime: requires improvement",
        (
            "In a quarter of the investigations we examined, a supervisor had not reviewed "
            "the case before it was closed. Some burglary investigations were filed within "
            "days without all reasonable lines of enquiry being followed.",
        ),
    ),
    (
        "Fairness and respect",
        (
            "The force uses stop and search powers and records most searches, but it should "
            "improve its understanding of why black people are more likely to be searched "
            "than white people, and make sure body-worn video is used.",
        ),
    ),
    (
        "Value for money",
        (
            "The force manages its resources well and gives the public value for money. It "
            "has saved over six million pounds through collaboration with neighbouring "
            "forces and has reinvested the savings in neighbourhood policing.",
        ),
    ),
    (
        "HM Inspector's foreword",
        (
            "Roland Fairbairn, HM Inspector of Constabulary, said: Victims deserve to know "
            "what is happening with their case. I am encouraged that the Chief Constable "
            "accepted our findings and has committed to act. We will revisit the force "
            "within six months to assess its progress.",
        ),
    ),
)

# A short note on another force's report, listed by the inspectorate: irrelevant to Wexmoor.
OTHER_REPORT_TITLE = "PEEL 2025–27: An inspection of Northmere Police"
OTHER_REPORT_SUMMARY = (
    "This report sets out our findings from the PEEL inspection of Northmere Police.",
    "We found the force good at protecting vulnerable people and at responding to the public, "
    "and adequate in the other areas we inspected.",
    "The force's chief constable has welcomed the report and published an action plan.",
)
