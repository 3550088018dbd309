"""Story plans for the steady background coverage of every topic, and the praise stories."""

from __future__ import annotations

from demo.site.plans import Plan, opt, spread

PRAISE = "praise"

PLANS: tuple[Plan, ...] = (
    # ---- Praise: value for money and crime prevention --------------------------------
    Plan(
        key="vfm_praise",
        family="news",
        arc=PRAISE,
        topics=("value_for_money", "general"),
        when=(152, 96, 44),
        outlets=("gazette", "echo", "herald"),
        titles=(
            "Wexmoor Police among most efficient forces in the country, report finds",
            "Shared back office saves Wexmoor Police £1.4m a year",
            "Auditors praise force for value for money as savings top £6m",
        ),
        beats=(
            (
                "Wexmoor Constabulary has been praised for giving taxpayers value for money "
                "after an independent review found it was one of the most efficient forces "
                "in England and Wales.",
                "A shared back-office arrangement with two neighbouring forces is saving "
                "Wexmoor Constabulary £1.4 million a year, according to the commissioner's "
                "annual report.",
            ),
            (
                "The report found the force spent £178 per resident on policing, below the "
                "national average, while keeping more officers in neighbourhood roles than "
                "most similar forces.",
                "Savings from sharing payroll, vehicle fleet and IT services have been "
                "reinvested in 30 additional officers, the report says.",
            ),
            (
                '"This is a force that looks after public money," said the Police and '
                'Crime Commissioner, {pcc}. "Every pound saved in the back office is a '
                'pound we can spend on officers in {town}."',
                "The commissioner said the findings showed that residents' council tax was "
                "being spent wisely.",
            ),
            (
                'Chief Constable {cc} said: "Our staff have worked hard to find better ways '
                "of doing things without cutting the service the public sees. I am proud "
                'that it has been recognised."',
            ),
            opt(
                "Councillor {cllr}, chair of the Police and Crime Panel, said the panel "
                "would continue to press for savings, but that the findings were 'genuinely "
                "good news for Wexmoor taxpayers'.",
                "Not everyone was persuaded. Councillor {cllr2} said efficiency figures "
                "meant little to residents who could not get through on 101.",
            ),
            opt(
                "The review did identify one weakness: the force's estates strategy, with "
                "several police stations costing more to run than they should.",
            ),
        ),
    ),
    Plan(
        key="prevention_praise",
        family="news",
        arc=PRAISE,
        topics=("crime_prevention", "community_engagement"),
        when=(181, 123, 48, 16),
        slots={"pct": ("27", "31", "22", "35")},
        titles=(
            "Burglaries fall by {pct} per cent in {town} after police prevention scheme",
            "Secure Homes scheme credited with sharp drop in break-ins",
            "Police praised for crime prevention work as burglary hits ten-year low",
            "'It works': residents back police crime prevention drive in {town}",
        ),
        beats=(
            (
                "Burglaries in {town} have fallen by {pct} per cent in a year after Wexmoor "
                "Police and the council offered free door locks, window alarms and "
                "security advice to thousands of homes.",
                "A crime prevention scheme run by Wexmoor Constabulary has been credited "
                "with a {pct} per cent fall in burglaries in {town}.",
            ),
            (
                "Under the Secure Homes Wexmoor scheme, crime prevention officers visited "
                "more than 3,000 homes in areas where burglaries had been rising, fitting "
                "locks and marking property.",
            ),
            (
                '"Prevention is always better than investigating after the event," said '
                'Chief Inspector {ci}. "Our officers and volunteers have knocked on '
                'thousands of doors, and the results speak for themselves."',
                "Chief Inspector {ci} said the scheme showed what could be done when "
                "police, councils and residents worked together to prevent crime.",
            ),
            (
                '{res1}, whose home in Holme St Anne was one of those visited, said: "The '
                "officer spent an hour with us and fitted new locks. I feel safer, and "
                "it's nice to see the police doing something before a crime, not after.\"",
                'Residents praised the scheme. "They were brilliant," said {nw} of '
                'Ravensey Neighbourhood Watch. "Prevention like this is exactly what '
                'people want to see."',
            ),
            opt(
                "The inspectorate singled the scheme out for praise in its last inspection, "
                "grading the force good at preventing crime.",
            ),
            opt(
                "The commissioner, {pcc}, who funds the scheme, said it would be extended to "
                "Lowmarsh and Sedgebury next year.",
            ),
        ),
    ),
    Plan(
        key="prevention_force",
        family="force",
        topics=("crime_prevention",),
        when=spread("prevention_force", 5, 3, 340),
        slots={
            "advice": (
                "lock sheds and outbuildings and use timer switches on lights",
                "mark bikes with a postcode and use a D-lock",
                "close windows and lock doors, even when at home in the garden",
                "check that callers are who they say they are",
                "park in well-lit places and have catalytic converters marked",
            ),
        },
        titles=(
            "Crime prevention advice as darker evenings arrive",
            "Free bike marking events across {town}",
            "Protect your home this summer: our crime prevention advice",
            "Rogue traders: how to protect yourself and your family",
            "Catalytic converter thefts: free marking kits for {town} drivers",
        ),
        beats=(
            (
                "Wexmoor Constabulary is reminding residents in {town} of simple steps to "
                "prevent crime, after a rise in thefts in the area.",
                "Our neighbourhood team in {town} will be out this week offering free crime "
                "prevention advice.",
            ),
            (
                "Officers are urging people to {advice}. Most of the thefts reported in the "
                "past month could have been prevented by simple measures.",
            ),
            (
                'Sergeant {sgt} said: "Thieves look for easy opportunities. A few minutes '
                "spent making your home and vehicle more secure can save you a lot of "
                'heartache."',
                'Chief Inspector {ci} said: "Preventing crime is at the heart of '
                "neighbourhood policing. Come and talk to us; we are happy to give "
                'advice."',
            ),
            (
                "Crime prevention officers will be at {town} library on Saturday from 10am, "
                "and advice is also available on our website.",
            ),
            opt(
                "If you see anything suspicious, call 101 or report online. In an "
                "emergency, always call 999.",
            ),
        ),
    ),
    # ---- Investigations ---------------------------------------------------------------
    Plan(
        key="burglary_arrests",
        family="news",
        topics=("investigations", "crime_prevention"),
        when=(1, *spread("burglary_arrests", 3, 1, 350)),
        slots={
            "n": ("three", "four", "two", "five"),
            "count": ("14", "22", "9", "31"),
        },
        titles=(
            "{n} arrested over spate of burglaries in {town}",
            "Arrests after {count} break-ins across {town} and {town2}",
            "Detectives make arrests in {town} burglary investigation",
            "Police smash burglary gang targeting {town} and {town2} homes",
        ),
        beats=(
            (
                "{n} people have been arrested by detectives investigating a series of "
                "burglaries in {town}.",
                "Police investigating {count} burglaries in {town} and {town2} have made "
                "{n} arrests after raids on addresses early on Tuesday.",
            ),
            (
                "Officers searched properties in {town2} and recovered jewellery, power "
                "tools and a number of bank cards which are believed to have been stolen.",
                "The break-ins, mostly at night while families slept, had left residents "
                "of the estate frightened to go to bed.",
            ),
            (
                'Detective Superintendent {dsupt} said: "This was a painstaking '
                "investigation involving CCTV, forensic work and information from the "
                "public. I want to thank residents who came forward. These arrests should "
                'send a clear message."',
                "Detective Superintendent {dsupt} said the arrests followed weeks of work by "
                "the force's burglary team, and praised the residents who had passed on "
                "information.",
            ),
            opt(
                "One resident, who asked not to be named, said she was relieved. \"We'd "
                'been broken into twice," she said. "The detective kept us updated all the '
                "way through, which I didn't expect.\"",
                "{vic1}, whose home was among those targeted, said she had been kept "
                'informed by the investigating officer throughout. "They were brilliant," '
                "she said.",
                "But {vic1}, whose home was burgled in the spring, said she had not heard "
                "from the police since giving a statement. \"I'm glad they've got someone, "
                "but nobody has told me if it's connected to mine,\" she said.",
            ),
            (
                "All {n} remain in police custody. Anyone with information is asked to call 101.",
                "A spokesperson for Wexmoor Police said enquiries were continuing and that "
                "further arrests were possible.",
            ),
            opt(
                "Figures from the Home Office show that only around one burglary in twenty "
                "in England and Wales results in a charge, and Wexmoor's rate is slightly "
                "above the national average.",
            ),
        ),
    ),
    Plan(
        key="court_case",
        family="news",
        topics=("investigations", "victim_updates"),
        when=spread("court_case", 6, 4, 355),
        slots={
            "crime": (
                "a string of robberies",
                "a £400,000 fraud",
                "an arson attack",
                "drug dealing",
                "a violent robbery at a petrol station",
            ),
            "years": ("six", "nine", "four", "eleven", "seven"),
        },
        titles=(
            "Man jailed for {years} years after police investigation into {crime}",
            "Jailed: detectives praised after {crime} trial",
            "Sentence handed down for {crime} in {town}",
        ),
        beats=(
            (
                "A {town} man has been jailed for {years} years for {crime}, following an "
                "investigation by Wexmoor Constabulary.",
                "A man convicted of {crime} in {town} has been sentenced to {years} years "
                "in prison at Wexmoor Crown Court.",
            ),
            (
                "The court heard how the defendant had been identified through CCTV and "
                "phone records after a months-long inquiry by the force's major crime team.",
                "Prosecutors told the court that detectives had examined more than 200 "
                "hours of CCTV and traced the defendant through a hire car.",
            ),
            (
                "Passing sentence, the judge commended the officers involved for a "
                "'thorough and meticulous investigation'.",
                "The judge said the investigation had been 'exemplary' and singled out the "
                "officer in the case for praise.",
            ),
            (
                'Detective Chief Inspector {dci} said: "I hope this sentence gives some '
                "comfort to the victims. We kept in touch with them throughout and I want to "
                'thank them for their courage in giving evidence."',
                "Speaking outside court, Detective Superintendent {dsupt} said the result "
                "was down to the persistence of a small team of detectives.",
            ),
            opt(
                'One of the victims, {vic2}, said: "The officers were fantastic. They rang '
                "me every couple of weeks, even when there wasn't much to say. That made a "
                'huge difference."',
                "In a statement read to the court, one victim said she had been unable to "
                "sleep for months, and thanked the police for never giving up.",
            ),
            opt(
                "The force said a proceeds of crime investigation was under way to recover "
                "money from the defendant.",
            ),
        ),
    ),
    Plan(
        key="fraud_victims",
        family="news",
        topics=("investigations", "victim_updates", "vulnerable_people"),
        when=spread("fraud_victims", 3, 20, 330),
        outlets=("echo", "gazette", "herald"),
        titles=(
            "Pensioner conned out of savings says police 'gave up' on her case",
            "Fraud victims feel forgotten as cases go unsolved",
            "Courier fraud warning after {town} woman loses £12,000",
        ),
        beats=(
            (
                "A {town} pensioner who lost £12,000 to fraudsters posing as police "
                "officers says she feels the real police gave up on her case.",
            ),
            (
                "{vic3}, 81, was phoned by a man claiming to be a detective, who persuaded "
                "her to hand over cash to a courier to 'help an investigation'.",
            ),
            (
                '"I reported it straight away," {vic3} said. "They took a statement and '
                "then I heard nothing for three months. Then a letter saying the case was "
                'closed."',
            ),
            (
                "Wexmoor Police said fraud investigations were often complex and involved "
                'suspects outside the county. "We understand how upsetting this is," a '
                'spokesperson said. "We will contact {vic3_s} to explain what enquiries '
                'were made."',
            ),
            opt(
                "Detective Chief Inspector {dci} urged people to remember that police will "
                'never ask for cash or bank cards. "If in doubt, hang up and call 101 from '
                'a different phone," he said.',
            ),
            opt(
                "{vv} of Wexmoor Victims' Voice said older victims of fraud were among "
                "those most likely to be left without updates.",
            ),
        ),
    ),
    # ---- Domestic abuse ---------------------------------------------------------------
    Plan(
        key="da_campaign",
        family="force",
        topics=("domestic_abuse", "vulnerable_people"),
        when=spread("da_campaign", 4, 6, 330),
        titles=(
            "Domestic abuse: help is available, and we will listen",
            "New domestic abuse officers for {town}",
            "Christmas campaign: domestic abuse is never acceptable",
            "Specialist officers to support domestic abuse victims in {town}",
        ),
        beats=(
            (
                "Wexmoor Constabulary is reminding anyone experiencing domestic abuse that "
                "help is available and that reports will be taken seriously.",
                "Specialist domestic abuse officers will now be based in {town}, as part "
                "of our commitment to supporting victims.",
            ),
            (
                "Domestic abuse accounts for around one in six crimes reported to us. Many "
                "victims suffer for years before they come forward.",
            ),
            (
                'Detective Chief Inspector {dci} said: "Domestic abuse is not only physical. '
                "Controlling someone's money, their phone, who they see: that is abuse "
                'too, and it is a crime. If it is happening to you, we will listen."',
            ),
            (
                "We work closely with Wexmoor Refuge Partnership and other charities so "
                "that victims get support whether or not they want to make a police report.",
            ),
            opt(
                "Officers now carry body-worn cameras at every domestic abuse call, so "
                "that evidence can be gathered even when a victim feels unable to support "
                "a prosecution.",
            ),
            (
                "In an emergency call 999. If you cannot speak, press 55 when prompted. "
                "You can also call 101 or contact the National Domestic Abuse Helpline.",
            ),
        ),
    ),
    Plan(
        key="da_news",
        family="news",
        topics=("domestic_abuse", "emergency_response", "victim_updates"),
        when=(3, *spread("da_news", 2, 1, 345)),
        titles=(
            "Domestic abuse charity says victims waiting too long for police",
            "Police praised for domestic abuse response as arrests rise",
            "Domestic abuse reports rise in {town} as victims gain confidence",
        ),
        beats=(
            (
                "A charity supporting victims of domestic abuse in Wexmoor says women are "
                "waiting too long for police to respond when they call for help.",
                "Wexmoor Police has been praised for its response to domestic abuse after "
                "arrests rose by a fifth in a year.",
                "Reports of domestic abuse to Wexmoor Police in {town} have risen, which "
                "the force and charities say reflects growing confidence among victims to "
                "come forward.",
            ),
            (
                '{dv}, chief executive of Wexmoor Refuge Partnership, said: "When a woman '
                "finally calls the police, that moment matters. If nobody comes for hours, "
                'she may never call again."',
                "{dv}, who leads Wexmoor Refuge Partnership, said the force's specialist "
                "officers had made 'a real difference', and that survivors now told the "
                "charity they felt believed.",
                '{dv}, of Wexmoor Refuge Partnership, said the rise was "a sign that women '
                "believe they will be listened to\", but warned that the charity's refuges were "
                "full.",
            ),
            (
                "One woman from {town}, who asked not to be named, said she waited nine "
                "hours for officers after reporting that her former partner had broken into "
                'her home. "I sat up all night with a chair against the door," she said.',
                'One survivor told the paper: "The officer who came was kind and patient. '
                "She didn't make me feel stupid for staying so long.\"",
                "One woman from {town} said she had called the police for the first time after "
                'eight years. "The officer sat with me for two hours," she said. "I wish I had '
                'done it sooner."',
            ),
            (
                "Detective Chief Inspector {dci} said domestic abuse calls were graded by "
                'risk and that the most urgent were attended within minutes. "Nine hours '
                'is not acceptable and we are looking into what happened," he said.',
                "Detective Chief Inspector {dci} said officers now attend every domestic "
                "abuse call with a body-worn camera switched on and make an arrest whenever "
                "there is evidence to do so.",
                'Detective Chief Inspector {dci} said: "More reports is not more abuse. It '
                "means more victims trust us to act, and we want every one of them to come "
                'forward."',
            ),
            opt(
                "Figures obtained by the paper show domestic abuse cases make up 17 per "
                "cent of crimes recorded by the force, but fewer than one in ten ends in a "
                "charge.",
            ),
            opt(
                "The Police and Crime Commissioner, {pcc}, said his office had increased "
                "funding for independent domestic violence advisers by £300,000.",
            ),
        ),
    ),
    # ---- Emergency response ----------------------------------------------------------
    Plan(
        key="emergency_999",
        family="news",
        topics=("emergency_response", "general"),
        when=(2, *spread("emergency_999", 3, 2, 340)),
        slots={"secs": ("eight", "six", "eleven", "nine"), "pct": ("91", "88", "94", "79")},
        titles=(
            "{pct} per cent of 999 calls answered within ten seconds",
            "Concern over 101 waiting times as callers give up",
            "Rural residents wait longest for police to arrive",
            "Police answering 999 calls faster than ever, figures show",
            "Callers wait 14 minutes on police non-emergency number",
            "Force misses emergency response target in rural areas",
        ),
        beats=(
            (
                "Wexmoor Police answered {pct} per cent of 999 calls within ten seconds last "
                "month, putting it among the best-performing forces in the country.",
                "People calling Wexmoor Police on the non-emergency 101 number are waiting "
                "an average of 14 minutes, and one in four gives up before they get through.",
                "Residents in rural parts of Wexmoor are waiting almost twice as long for "
                "police to arrive at emergencies as those in towns, figures show.",
            ),
            (
                "The average time to answer an emergency call was {secs} seconds, according "
                "to national figures published this week.",
                "Figures released by the force show that 101 waits are longest on Friday and "
                "Saturday evenings, when they can exceed half an hour.",
                "In Lowmarsh and the villages around Holme St Anne the average response "
                "time to an emergency was 19 minutes, against a target of 15.",
            ),
            (
                'Superintendent {supt} said: "When someone calls 999 they need us quickly, '
                "and our call handlers do an exceptional job. We know 101 is too slow and "
                'we are recruiting more staff."',
                "The force said it had recruited 22 new call handlers and was launching an "
                "online chat service to take pressure off the phone lines.",
                "A spokesperson for the force said emergency response times had improved over "
                "the year, but accepted that rural areas remained a challenge because of the "
                "distances involved.",
            ),
            (
                '{biz}, who runs a shop in Lowmarsh, said: "When we had a break-in they '
                "came within ten minutes. I couldn't fault them.\"",
                '"I waited 40 minutes on 101 to report a car dumped outside my house," said '
                '{res1}. "In the end I gave up and did it online."',
                '"Out here you are on your own," said {res1}, who lives in a village near Holme'
                ' St Anne. "When my neighbour was attacked it was half an hour before anyone '
                'came."',
            ),
            opt(
                "The commissioner, {pcc}, said cutting 101 waiting times was one of his "
                "priorities and that an online chat service would launch next year.",
            ),
        ),
    ),
    Plan(
        key="response_force",
        family="force",
        topics=("emergency_response",),
        when=spread("response_force", 3, 10, 300),
        titles=(
            "Busiest weekend of the year for our control room",
            "New call handlers join our force control room",
            "Please use 999 only in an emergency",
        ),
        beats=(
            (
                "Our force control room handled more than 1,800 calls over the weekend, "
                "the busiest of the year so far.",
                "Twenty-two new call handlers have completed their training and started "
                "work in our force control room.",
            ),
            (
                "Some of those calls were not emergencies, including a report of a "
                "neighbour's hedge and a complaint about a takeaway order. Calls like these "
                "can delay our response to people in genuine danger.",
                "They will help us answer 999 and 101 calls more quickly, particularly at "
                "the busiest times on Friday and Saturday nights.",
            ),
            (
                'Superintendent {supt} said: "Our call handlers are often the first voice '
                "someone hears on the worst day of their life. I am grateful for the work "
                'they do."',
            ),
            (
                "Please call 999 if a crime is happening now, if someone is in danger, or "
                "if someone has been hurt. For everything else, use 101 or our website.",
            ),
        ),
    ),
    # ---- Officer conduct -------------------------------------------------------------
    Plan(
        key="misconduct",
        family="news",
        topics=("officer_conduct", "general"),
        when=spread("misconduct", 6, 3, 350),
        slots={
            "rank": ("constable", "sergeant", "constable", "detective constable"),
            "act": (
                "sending offensive messages in a WhatsApp group",
                "using a police computer to look up an ex-partner",
                "lying about his whereabouts while on duty",
                "an inappropriate relationship with a vulnerable victim",
                "driving a police car at 90mph without justification",
            ),
        },
        titles=(
            "Wexmoor police {rank} sacked for {act}",
            "Officer dismissed after misconduct hearing",
            "Misconduct panel finds officer breached standards",
            "Police officer would have been sacked for {act}, hearing told",
            "Constable guilty of gross misconduct over {act}",
            "Former officer barred from policing after misconduct hearing",
        ),
        beats=(
            (
                "A Wexmoor Police {rank} has been dismissed without notice for {act}.",
                "A former Wexmoor Constabulary {rank} would have been dismissed for {act}, "
                "a misconduct hearing has found.",
            ),
            (
                "The officer, who was based in {town}, was found to have committed gross "
                "misconduct by a panel chaired by an independent legally qualified person.",
            ),
            (
                "The hearing was told that the officer had been reported by colleagues, "
                "who raised their concerns with the force's professional standards "
                "department.",
                "The panel heard that the behaviour came to light after a member of the "
                "public made a complaint.",
            ),
            (
                'Deputy Chief Constable {dcc} said: "The public rightly expect the highest '
                "standards from police officers. This officer fell far below them. There "
                'is no place for this behaviour in Wexmoor Constabulary."',
                "In a statement, Deputy Chief Constable {dcc} said the officer's conduct "
                "had 'betrayed the trust of the public and of colleagues', and thanked "
                "those who had reported it.",
            ),
            opt(
                "The officer will be added to the College of Policing's barred list, "
                "meaning they cannot work in policing again.",
            ),
            opt(
                "It is the fourth dismissal from the force this year. The commissioner, "
                "{pcc}, said the figures showed the force was 'rooting out' officers who "
                "were not fit to serve.",
                "Campaigners said the case showed why vetting must be tightened. {dv} of "
                "Wexmoor Refuge Partnership said women needed to know that officers could "
                "be trusted.",
            ),
        ),
    ),
    Plan(
        key="conduct_iopc",
        family="news",
        topics=("officer_conduct", "emergency_response"),
        when=spread("conduct_iopc", 2, 30, 320),
        outlets=("herald", "echo", "gazette"),
        titles=(
            "IOPC investigates police contact before man's death in {town}",
            "Watchdog finds officers acted appropriately during arrest",
        ),
        beats=(
            (
                "The Independent Office for Police Conduct is investigating Wexmoor Police's "
                "contact with a man who died after a welfare check in {town}.",
                "The police watchdog has concluded that Wexmoor officers acted "
                "appropriately during the arrest of a man in {town} last year.",
            ),
            (
                "Officers had visited the man's home earlier in the day after a call from "
                "a relative. He was found dead the following morning.",
                "The man had complained that he was injured during the arrest. Body-worn "
                "video showed that officers used proportionate force, the watchdog said.",
            ),
            (
                '{iopc}, the IOPC regional director, said: "Our thoughts are with the '
                "man's family. We will establish what happened and whether the police "
                'response was appropriate."',
                "The IOPC's regional director, {iopc}, said the officers' body-worn video "
                "had been 'invaluable' in establishing the facts.",
            ),
            (
                "Wexmoor Constabulary said it had referred the matter to the watchdog "
                "itself, as it is required to do, and would cooperate fully.",
            ),
        ),
    ),
    # ---- Fair treatment --------------------------------------------------------------
    Plan(
        key="fair_treatment",
        family="news",
        topics=("fair_treatment", "community_engagement"),
        when=spread("fair_treatment", 3, 25, 330),
        titles=(
            "Police launch race action plan after community consultation",
            "Disabled man says officers treated him 'like a drunk'",
            "Force apologises to family over handling of hate crime report",
        ),
        beats=(
            (
                "Wexmoor Constabulary has published a race action plan, promising to "
                "explain its use of force and stop and search to black communities.",
                "A disabled man from {town} says Wexmoor Police officers treated him as if he "
                "was drunk when he was having a medical episode in the street.",
                "Wexmoor Police has apologised to a family in {town} after officers failed "
                "to record a racially motivated attack on their home as a hate crime.",
            ),
            (
                "The plan was drawn up after meetings with community groups in Ravensey "
                "and Castleford Wick, where residents said they did not feel treated "
                "fairly by the police.",
                "The man, who has cerebral palsy, said he was handcuffed and held for 40 "
                "minutes before an ambulance was called.",
                "The family said their windows had been smashed and racist graffiti "
                "painted on their door, but the officer who attended treated it as "
                "criminal damage.",
            ),
            (
                '{rev}, chair of Sedgebury Community Forum, said: "People want to be '
                "treated with respect, whoever they are. This plan says the right things; "
                'now we need to see it in practice."',
                '"I felt humiliated," he said. "Nobody listened when I tried to explain."',
                '"We were made to feel it was our fault," the mother said. "It was obvious why '
                'we had been targeted, and nobody wanted to say it."',
            ),
            (
                'Chief Constable {cc} said: "I want everyone in Wexmoor to be confident '
                "that they will be treated fairly by my officers, whatever their race, "
                "disability, faith or background. Where we have fallen short, we will "
                'say so and put it right."',
                'A force spokesperson said: "We are sorry for the distress caused. Our '
                "officers should treat everyone fairly and with dignity, and we are "
                'reviewing what happened."',
                "The force said it had re-recorded the incident as a hate crime, arrested a "
                "suspect and apologised to the family. Chief Constable {cc} said every officer "
                "would receive refresher training on recognising hate crime.",
            ),
            opt(
                "The force says it will publish data on use of force by ethnicity every "
                "quarter and has appointed an independent adviser.",
            ),
        ),
    ),
    # ---- Community engagement --------------------------------------------------------
    Plan(
        key="community_meetings",
        family="news",
        topics=("community_engagement", "crime_prevention"),
        when=(0, *spread("community_meetings", 2, 1, 345)),
        titles=(
            "Residents tell police: we want to see more officers in {town}",
            "Police beat surgeries return to {town} after two years",
            "Anti-social behaviour top concern at {town} community meeting",
        ),
        beats=(
            (
                "Residents in {town} have told police that they want to see more officers "
                "on foot in the town centre, at a community meeting attended by more than "
                "80 people.",
                "Police beat surgeries are returning to {town}, with officers holding "
                "drop-in sessions at the library every fortnight.",
                "Anti-social behaviour by groups of teenagers was the main concern raised "
                "at a community meeting with police in {town} this week.",
            ),
            (
                "Chief Inspector {ci} told the meeting that two extra PCSOs would be based "
                "in {town} from next month. \"We can't be everywhere, but we want to be "
                'where you need us," she said.',
                "Sergeant {sgt} said the sessions would let people raise concerns "
                'face to face. "Not everyone wants to fill in a form online," he said.',
            ),
            (
                '"We hardly ever see a police officer any more," said {res1}. "When we do, '
                "they're friendly enough. There just aren't enough of them.\"",
                '{nw} welcomed the move. "Having a familiar face makes a difference. People '
                "will tell an officer they know things they'd never report online.\"",
            ),
            opt(
                "Councillor {cllr2} said residents had waited too long for a visible police "
                "presence and called on the commissioner to keep his promise of more "
                "neighbourhood officers.",
            ),
            opt(
                "The force said it had carried out 14 dispersal orders in the town this "
                "year and had worked with youth services to open a Friday night club.",
            ),
            (
                "The next meeting will be held at {town} community centre next month.",
                "Details of the sessions are on Wexmoor Police's website.",
            ),
        ),
    ),
    Plan(
        key="community_force",
        family="force",
        topics=("community_engagement",),
        when=spread("community_force", 3, 0, 330),
        titles=(
            "Meet your neighbourhood team in {town}",
            "Volunteer with us: special constables wanted",
            "Officers join {town} youth football tournament",
        ),
        beats=(
            (
                "Our neighbourhood policing team in {town} is inviting residents to meet "
                "them and help set local priorities for the next three months.",
                "We are looking for volunteers to join our special constabulary and help "
                "keep communities across Wexmoor safe.",
                "Officers and PCSOs from {town} took part in a youth football tournament "
                "at the weekend, playing alongside young people from the area.",
            ),
            (
                "At the last meeting residents chose speeding, drug dealing and "
                "anti-social behaviour as priorities, and officers have reported back on "
                "what they did about each.",
                "Special constables are volunteers with the same powers as regular "
                "officers. They give at least 16 hours a month.",
                "The tournament, organised with the {town} Youth Trust, is one of a series of "
                "events designed to build trust between officers and young people.",
            ),
            (
                'Chief Inspector {ci} said: "Policing works best when it is done with '
                "communities, not to them. Tell us what matters to you and we will tell "
                'you what we are doing about it."',
                'Special Constable {sc} said: "I joined because I wanted to give something '
                'back to the community I grew up in. Every shift is different."',
                'Sergeant {sgt} said: "These events break down barriers. A young person '
                "who has played football with an officer is more likely to talk to us "
                'when something is wrong."',
            ),
            ("You can find your neighbourhood team and its priorities on our website.",),
        ),
    ),
    # ---- Road safety -----------------------------------------------------------------
    Plan(
        key="road_safety_news",
        family="news",
        topics=("road_safety", "investigations"),
        when=spread("road_safety_news", 3, 2, 350),
        slots={"rd": ("A38", "A4012", "B3170", "Lowmarsh Road", "A606")},
        titles=(
            "Campaigners call for speed cameras after fatal crash on the {rd}",
            "Speeding drivers caught doing 100mph on the {rd}",
            "Family of crash victim criticise police investigation",
        ),
        beats=(
            (
                "Road safety campaigners have called for average speed cameras on the "
                "{rd} near {town} after the third fatal crash on the road in two years.",
                "Wexmoor Police caught more than 200 drivers speeding on the {rd} in a "
                "single week, including one travelling at 104mph.",
                "The family of a man killed in a crash on the {rd} say police took too "
                "long to investigate and told them little about its progress.",
            ),
            (
                '"How many more people have to die?" said the road safety campaigner '
                '{road}. "We have been asking for cameras for years."',
                'Inspector {insp}, of the roads policing unit, said: "Speeding is a choice. '
                'Drivers who put others at risk should expect to be caught."',
                '"We waited four months to be told anything," the man\'s sister said. "We '
                'had to find out about the inquest from the newspaper."',
            ),
            (
                "Inspector {insp} said the force shared residents' concerns. \"Every death "
                'on our roads is a tragedy," she said. "We will keep up enforcement on '
                'the {rd} and we support the case for cameras."',
                "The operation, part of the force's road safety campaign, also found "
                "drivers using mobile phones and not wearing seatbelts.",
                "Inspector {insp} said collision investigations were complex and could take "
                "months, but apologised that the family had not been kept better informed.",
            ),
            opt(
                '{road} of the campaign group Slower Roads Wexmoor said: "Enforcement '
                'works, but only while the police are there. We need cameras."',
            ),
            opt(
                "The county council, which is responsible for cameras, said it would "
                "consider the request at its next highways meeting.",
            ),
        ),
    ),
    Plan(
        key="road_safety_force",
        family="force",
        topics=("road_safety",),
        when=(0, *spread("road_safety_force", 2, 0, 340)),
        titles=(
            "Fatal collision: witness appeal",
            "Christmas drink and drug drive campaign launches",
            "Operation targets speeding near schools in {town}",
        ),
        beats=(
            (
                "We are appealing for witnesses after a collision near {town} in which a "
                "man in his 40s died.",
                "Our annual campaign against drink and drug driving starts today and runs "
                "throughout the festive period.",
                "Officers will be carrying out speed checks near schools in {town} "
                "throughout the month.",
            ),
            (
                "The collision, involving a car and a van, happened at about 6.20pm on "
                "Thursday. The road was closed for nine hours while collision "
                "investigators worked at the scene.",
                "Last year officers arrested 146 drivers over the festive period. Anyone "
                "caught faces a ban, a fine and possibly prison.",
                "Officers will use speed guns and a mobile camera van at the start and end "
                "of the school day.",
            ),
            (
                "Inspector {insp} said: \"Our thoughts are with the man's family. We "
                "would like to hear from anyone who saw the collision or has dashcam "
                'footage."',
                'Inspector {insp} said: "Drink and drug driving ruins lives. Plan how you '
                "will get home. If you suspect someone is driving under the influence, "
                'call 999."',
                'Inspector {insp} said: "Children should be able to walk to school safely. '
                'Drivers who speed near schools can expect to be stopped."',
            ),
            ("Anyone with information should call 101, quoting Operation Larkspur.",),
        ),
    ),
    # ---- Vulnerable people -----------------------------------------------------------
    Plan(
        key="vulnerable_news",
        family="news",
        topics=("vulnerable_people", "emergency_response"),
        when=(2, *spread("vulnerable_news", 2, 0, 340)),
        slots={"age": ("14", "15", "16")},
        titles=(
            "Missing {town} teenager found safe after police search",
            "Mental health nurses join police in control room",
            "Officers spending thousands of hours on mental health calls",
        ),
        beats=(
            (
                "A {age}-year-old who went missing from {town} has been found safe and "
                "well after a search involving the police helicopter and a drone team.",
                "Mental health nurses are now working alongside call handlers in Wexmoor "
                "Police's control room, in a scheme designed to get people in crisis the "
                "right help.",
                "Officers in Wexmoor spent more than 9,000 hours last year dealing with "
                "people in mental health crisis, figures show.",
            ),
            (
                "The family thanked officers and the public for their help. \"We can't "
                'thank the police enough," they said. "They kept us informed every step '
                'of the way."',
                "Chief Inspector {ci} said officers were often the first and only service "
                "available at night. \"We will always respond when someone's life is at "
                'risk, but a police cell is not the place for someone who is unwell."',
                "Chief Inspector {ci} said officers often waited hours in hospital with "
                'patients. "That is time they are not on patrol," she said.',
            ),
            (
                'Detective Chief Inspector {dci} said: "Missing people are often '
                "vulnerable, and every case is treated seriously. I want to thank "
                'everyone who shared our appeal."',
                "The commissioner, {pcc}, said the scheme was a good example of agencies "
                "working together to protect vulnerable people.",
                "The force says it has asked the NHS to provide more crisis beds so that "
                "officers are not left waiting with patients.",
            ),
            opt(
                "Charities have raised concerns about the number of children who go "
                "missing repeatedly from care homes in the county and are at risk of "
                "exploitation by drug gangs.",
            ),
            opt(
                '{res1}, whose husband has dementia, said: "When he wandered off last '
                "winter the officers were wonderful with him. They treated him with such "
                'dignity."',
            ),
        ),
    ),
    Plan(
        key="vulnerable_force",
        family="force",
        topics=("vulnerable_people",),
        when=spread("vulnerable_force", 3, 1, 320),
        titles=(
            "Missing: have you seen {town} teenager?",
            "Herbert Protocol: helping us find people with dementia",
            "Update: missing {town} man found",
        ),
        beats=(
            (
                "We are concerned for the welfare of a 15-year-old girl from {town} who "
                "has been missing since Tuesday evening.",
                "Families and carers of people living with dementia are being encouraged "
                "to fill in a Herbert Protocol form.",
                "We are pleased to say that the {town} man reported missing yesterday has "
                "been found safe.",
            ),
            (
                "She was last seen near the bus station wearing a black puffer jacket.",
                "The form records useful information such as places a person has lived or "
                "worked, which can save vital time if they go missing.",
                "He was found by officers on a footpath near the river and has been checked "
                "over by paramedics.",
            ),
            (
                'Sergeant {sgt} said: "We would ask anyone who has seen her to call us. '
                'We just want to know she is safe."',
                'Sergeant {sgt} said: "The form takes ten minutes to fill in and could make '
                'all the difference."',
                'Detective Chief Inspector {dci} said: "Thank you to everyone who shared '
                'our appeal."',
            ),
            ("Call 101 quoting the reference in this appeal, or 999 in an emergency.",),
        ),
    ),
    # ---- General: the force as a whole ---------------------------------------------------
    Plan(
        key="general_news",
        family="news",
        topics=("general",),
        when=spread("general_news", 3, 1, 345),
        titles=(
            "Public confidence in Wexmoor Police falls, survey suggests",
            "Chief Constable sets out five-year plan for Wexmoor Constabulary",
            "Police officer numbers in Wexmoor reach record high",
        ),
        beats=(
            (
                "Fewer people in Wexmoor say they have confidence in their local police "
                "than a year ago, according to the commissioner's annual survey.",
                "Wexmoor Constabulary's Chief Constable has set out her vision for the "
                "force over the next five years, promising to 'get the basics right'.",
                "Wexmoor Constabulary now has more police officers than at any time in its "
                "history, according to Home Office figures.",
            ),
            (
                "The survey of 3,000 residents found 64 per cent agreed that the police "
                "did a good job in their area, down from 69 per cent.",
                "The plan promises faster answers on 101, a named officer for every victim "
                "and more officers in neighbourhood teams.",
                "The force has 1,912 officers, up from 1,640 five years ago, although many "
                "of the new recruits are still in training.",
            ),
            (
                'In an interview, Chief Constable {cc} said: "Trust in policing is not '
                "something we can take for granted. We have to earn it every day, in every "
                'contact with the public."',
                'Chief Constable {cc} said: "People want us to answer the phone, turn up '
                "when they need us and deal with the crime that affects their daily "
                'lives. That is what we will focus on."',
            ),
            (
                "The commissioner, {pcc}, said he was encouraged by some of the findings "
                "but concerned that younger residents were less likely to trust the force.",
                "{mp} MP said the figures were 'a wake-up call' and that constituents "
                "wanted a more visible police presence.",
                "The commissioner, {pcc}, said the extra officers had been paid for partly "
                "through the precept and would be visible in neighbourhoods within a year.",
            ),
            opt(
                '"I\'ve always backed the police," said {res1}. "But you hear so many '
                "stories now. They need to show they're on our side.\"",
            ),
        ),
    ),
    Plan(
        key="pcc_general",
        family="pcc",
        topics=("general", "community_engagement"),
        when=(1, *spread("pcc_general", 3, 1, 350)),
        titles=(
            "Commissioner awards £250,000 to community safety projects",
            "Public accountability meeting: questions to the Chief Constable",
            "Commissioner's annual report published",
            "Commissioner launches police and crime survey",
        ),
        beats=(
            (
                "Police and Crime Commissioner {pcc} has awarded £250,000 to 31 community "
                "projects across Wexmoor.",
                "The Commissioner held his quarterly public accountability meeting with "
                "the Chief Constable this week.",
                "The Police and Crime Commissioner's annual report for last year has been "
                "published.",
                "Residents are being asked for their views on policing in Wexmoor in the "
                "commissioner's annual survey.",
            ),
            (
                "Projects include a youth boxing club in Ravensey, a scheme to fit "
                "doorbell cameras for older people in {town} and a rural crime watch in "
                "Lowmarsh.",
                "Questions covered response times in rural areas, progress on victim "
                "updates and the use of stop and search.",
                "The report sets out progress against the Police and Crime Plan, including "
                "more neighbourhood officers and a new victim care service.",
                "The survey takes ten minutes and asks about feeling safe, contact with the "
                "police and priorities for the year ahead.",
            ),
            (
                '"Local people know best what their communities need," Mr Pellow said. '
                '"These projects will prevent crime and give young people somewhere to go."',
                '"It is my job to hold the Chief Constable to account on behalf of the '
                'public," said the commissioner. "These meetings are public so that '
                'residents can see that happening."',
                '"The report shows real progress, but also where we must do better," Mr '
                'Pellow said. "Victims must be kept informed, and 101 must be answered."',
                'Deputy Commissioner {dpcc} said: "We want to hear from as many people '
                'as possible, especially those who do not usually give their views."',
            ),
            (
                "The first projects will start in the new year, and a second round of "
                "grants will open in the spring.",
                "The Chief Constable, {cc}, told the meeting that she was confident the "
                "force was heading in the right direction but accepted that 101 waiting "
                "times remained too long.",
                "The report will be presented to the Police and Crime Panel next month.",
                "The commissioner will publish a summary of the responses in the spring.",
            ),
            opt(
                "Recordings of the meeting and the papers are available on the "
                "commissioner's website.",
            ),
        ),
    ),
    Plan(
        key="force_appeals",
        family="force",
        topics=("investigations",),
        when=(0, 1, *spread("force_appeals", 7, 0, 350)),
        slots={
            "what": (
                "a burglary at a jewellers",
                "an assault outside a nightclub",
                "the theft of farm machinery",
                "a robbery at a convenience store",
                "criminal damage to cars",
            ),
        },
        titles=(
            "Appeal for information after {what} in {town}",
            "CCTV released following {what}",
            "Charged: man to appear in court after {what}",
        ),
        beats=(
            (
                "We are appealing for information after {what} in {town} on Saturday night.",
                "Officers investigating {what} in {town} have released CCTV images of a "
                "man they would like to speak to.",
                "A 34-year-old man has been charged following {what} in {town} last week.",
            ),
            (
                "Officers attended and carried out enquiries in the area, including "
                "house-to-house visits and a review of CCTV.",
                "The images were taken from a camera near the scene shortly before the incident.",
                "He has been remanded in custody and will appear before Wexmoor "
                "Magistrates' Court on Monday.",
            ),
            (
                'Detective Constable {dc} said: "We are keen to hear from anyone who '
                "was in the area and may have seen something, or who has doorbell or "
                'dashcam footage."',
                'Detective Constable {dc} said: "Do you recognise this man? He may have '
                'information that could help our investigation."',
                'Detective Superintendent {dsupt} said: "I would like to thank the public '
                'for their help with this investigation."',
            ),
            opt(
                "The victim has been offered support and is being kept updated by the "
                "investigating officer.",
            ),
            ("Anyone with information is asked to call 101 or contact Crimestoppers anonymously.",),
        ),
    ),
)
