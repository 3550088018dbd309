"""Story plans for the three arcs: the PEEL inspection, stop and search, and the precept."""

from __future__ import annotations

from demo.site.plans import Plan, opt

PEEL = "peel_inspection"
STOP_SEARCH = "stop_and_search"
PRECEPT = "precept"

# Days before today of the arc's anchor events (the storyline).
PEEL_DAY = 70  # ~10 weeks ago
STOP_SEARCH_DAY = 35  # ~5 weeks ago
PRECEPT_DAYS = (240, 21)  # ~8 months ago and ~3 weeks ago

PLANS: tuple[Plan, ...] = (
    Plan(
        key="peel_report_news",
        family="news",
        arc=PEEL,
        topics=("victim_updates", "general", "investigations"),
        when=(PEEL_DAY, PEEL_DAY, PEEL_DAY - 1, PEEL_DAY - 1),
        outlets=("gazette", "echo", "herald", "ledger"),
        titles=(
            "Watchdog criticises Wexmoor Police for failing to keep victims updated",
            "Inspectors find victims left in the dark by Wexmoor Constabulary",
            "Wexmoor force 'requires improvement' on keeping victims informed, report says",
            "Police watchdog: victims of crime in Wexmoor not told how their cases are going",
        ),
        beats=(
            (
                "Wexmoor Constabulary is failing to keep victims of crime updated about their "
                "cases, the police inspectorate has said in a report published today.",
                "Victims of crime in Wexmoor are too often left without any news of their case "
                "for weeks at a time, according to a critical inspection of the county's force.",
            ),
            (
                "HM Inspectorate of Constabulary graded the force as requiring improvement at "
                "supporting victims, one of nine areas assessed in its latest PEEL inspection. "
                "Inspectors found that in 41 of the 120 case files they reviewed, the victim had "
                "not been updated within the timescale the force had promised.",
                "In its PEEL inspection the inspectorate rated the force 'requires improvement' "
                "for how it treats victims. Of 120 case files examined, inspectors found 41 in "
                "which the victim had not been updated on time, and 17 in which there was no "
                "record of a victim needs assessment at all.",
            ),
            (
                '"Too many victims told us they had to chase the police for news," said HM '
                'Inspector of Constabulary {hmi}. "When a victim hears nothing for weeks, '
                "they lose faith that anyone is working on their case. That is not good "
                'enough and the force knows it."',
                '{hmi}, HM Inspector of Constabulary, said: "Victims are entitled to be kept '
                "informed under the Victims' Code. In Wexmoor that is not happening reliably, "
                'and it is damaging the trust people place in the force."',
            ),
            (
                "The report was not all critical. Inspectors said the force was good at "
                "preventing crime and that its neighbourhood teams knew their communities well.",
                "Inspectors did find good practice, grading the force good at crime prevention "
                "and adequate at responding to the public.",
            ),
            opt(
                "The force has been given six months to show how it will fix the problem. "
                "Inspectors also said that investigations were too often closed without "
                "enough enquiries being made, with some burglary cases filed within days.",
                "The inspectorate raised a further concern about investigations: in a "
                "quarter of the files it examined, supervisors had not reviewed the case "
                "before it was closed.",
            ),
            opt(
                "The inspection took place over three weeks in the spring. Inspectors "
                "interviewed officers and staff, listened to calls to the control room and "
                "held focus groups with victims in Castleford Wick and Ravensey.",
            ),
            opt(
                "It is the second time in three years that the force has been told to improve "
                "how it keeps victims informed. In its previous inspection the force was "
                "warned that updates were 'inconsistent and often late'.",
            ),
            (
                '"We have let some victims down, and I apologise to them," said Chief '
                'Constable {cc}, who accepted the findings in full. "We are already '
                'changing how updates are recorded and who is responsible for making them."',
                "In a statement, {cc_t} said: \"I accept the inspectorate's findings. "
                "Keeping victims informed is a basic part of the service and we have not "
                'done it consistently. That will change."',
            ),
            opt(
                "The Police and Crime Commissioner, {pcc}, said he would hold the Chief "
                "Constable to account for the improvements and would publish progress "
                "reports every quarter.",
                "According to the commissioner, {pcc}, the report made 'uncomfortable "
                "reading' and he had asked for a plan within a month.",
            ),
            opt(
                "{vv}, of the charity Wexmoor Victims' Voice, said the findings matched what "
                'victims had been telling her group for two years. "People ring us because '
                'they cannot get an answer from the police," she said.',
            ),
        ),
    ),
    Plan(
        key="peel_force_response",
        family="force",
        arc=PEEL,
        topics=("victim_updates", "general"),
        when=(PEEL_DAY,),
        titles=("Force responds to HMICFRS PEEL inspection report",),
        beats=(
            (
                "Wexmoor Constabulary has today responded to the publication of HM "
                "Inspectorate of Constabulary's PEEL inspection report.",
            ),
            (
                'Chief Constable {cc} said: "I welcome this report and I accept its '
                "findings, including those that are difficult for us to read. Victims "
                "deserve to know what is happening with their case, and in too many "
                'instances we have not told them."',
            ),
            (
                '"I am pleased that inspectors recognised the hard work of our '
                "neighbourhood teams in preventing crime, and that they found our "
                "officers and staff committed to the public they serve. But I will not "
                'let that distract us from where we must improve."',
            ),
            (
                "The force said it would introduce a new system this year that prompts "
                "investigating officers when a victim update is due, and that every "
                "victim would be given a named contact and a reference number for their "
                "case.",
            ),
            (
                'Deputy Chief Constable {dcc}, who will lead the work, said: "We will '
                "publish our improvement plan within six weeks and we will report our "
                'progress openly."',
            ),
            (
                "The full report is available on the inspectorate's website. Anyone who "
                "wants an update on their case can call 101 and quote their crime "
                "reference number.",
            ),
        ),
    ),
    Plan(
        key="peel_pcc_response",
        family="pcc",
        arc=PEEL,
        topics=("victim_updates", "general"),
        when=(PEEL_DAY,),
        titles=("Commissioner's statement on the PEEL inspection of Wexmoor Constabulary",),
        beats=(
            (
                "Police and Crime Commissioner {pcc} has responded to the inspectorate's "
                "PEEL report on Wexmoor Constabulary, published today.",
            ),
            (
                '"Victims have told me for some time that they are not kept informed," '
                "Mr Pellow said. \"Today's report confirms it. This is the single most "
                "important thing the force must fix, because a victim who hears nothing "
                'stops believing that anyone cares."',
            ),
            (
                "The commissioner said he had asked the Chief Constable for a detailed "
                "improvement plan within a month and would scrutinise progress at his "
                "public accountability meetings every quarter.",
            ),
            (
                '"There is good news in this report too," he said. "Inspectors found the '
                "force good at preventing crime, and that reflects the investment my "
                'office has made in neighbourhood policing."',
            ),
            (
                "The commissioner also announced a review of the victim services his "
                "office funds, to make sure victims who are not kept updated by the "
                "police have somewhere to turn.",
            ),
        ),
    ),
    Plan(
        key="peel_victim_stories",
        family="news",
        arc=PEEL,
        topics=("victim_updates", "investigations"),
        when=(PEEL_DAY - 2, PEEL_DAY - 4, PEEL_DAY - 6, PEEL_DAY - 9),
        slots={
            "crime": ("burglary", "car theft", "assault", "shed break-in"),
            "weeks": ("seven", "nine", "eleven", "fourteen"),
        },
        titles=(
            "'Nobody called me back': victims describe waiting months for news from police",
            "{town} {crime} victim still waiting for police update after {weeks} weeks",
            "Victims speak out after damning report on Wexmoor Police",
            "'I found out my case was closed from a letter': victims on the police report",
        ),
        beats=(
            (
                "Victims of crime in {town} have described weeks of silence from Wexmoor "
                "Police after reporting offences, following an inspection report that "
                "found the force was failing to keep victims updated.",
                "When {vic1} reported a {crime} at her home in {town}, she expected a phone "
                "call within days. It was {weeks} weeks before anyone from Wexmoor "
                "Constabulary got back to her.",
            ),
            (
                '"I rang 101 five times," {vic1} said. "Each time I was told someone would '
                "call me back. Nobody did. In the end I found out the case had been closed "
                'from a letter."',
                "{vic1} told this newspaper that she had rung the force repeatedly. \"It's not "
                'that I expected them to catch anyone," she said. "I just wanted to know '
                'someone had looked."',
            ),
            (
                "Her experience is far from unusual. Last week's inspection found that in a "
                "third of the cases examined, the victim had not been updated on time.",
                "The inspectorate's report found 41 of 120 victims had not been updated on "
                "time, and inspectors said many victims had to chase the police for news.",
            ),
            opt(
                "{vic2}, who was assaulted outside a pub in {town2} in the spring, said he "
                "was told an officer would review CCTV. \"Months later I still don't know if "
                'they ever did," he said. "It makes you wonder why you bother reporting '
                'anything."',
                "Another victim, {vic2}, said he had been given three different officers' "
                "names in two months, and none of them returned his calls.",
            ),
            opt(
                "{vv}, of Wexmoor Victims' Voice, said calls to the charity had risen since "
                'the report. "Victims feel vindicated," she said. "But they also want '
                'to see things change, not just another apology."',
            ),
            (
                'A Wexmoor Constabulary spokesperson said: "We are sorry that these '
                "victims did not receive the updates they should have. We are contacting "
                "victims whose cases are open to make sure each has a named officer, and "
                'we would encourage anyone waiting for news to contact us."',
                "The force said it was introducing automatic reminders for officers when "
                "an update is due and had apologised to the victims concerned.",
            ),
            opt(
                "Under the Victims' Code, victims are entitled to be told when a suspect is "
                "arrested, charged or released, and when an investigation is closed. "
                "Inspectors found that these updates were recorded in only two thirds of "
                "cases.",
            ),
            opt(
                "Superintendent {supt} said the force had already phoned more than 300 "
                "victims with open cases in the past fortnight to give them an update.",
            ),
        ),
    ),
    Plan(
        key="peel_mp_reaction",
        family="news",
        arc=PEEL,
        topics=("victim_updates", "general"),
        when=(PEEL_DAY - 1, PEEL_DAY - 5),
        outlets=("echo", "gazette"),
        titles=(
            "MP demands answers from police chief after victims report",
            "Threlkeld: 'Victims deserve better' from Wexmoor Constabulary",
        ),
        beats=(
            (
                "The MP for Sedgebury and Lowmarsh has written to the Chief Constable "
                "demanding to know how the force will improve after inspectors found "
                "victims were not being kept informed.",
            ),
            (
                '"My inbox has been full of constituents who have been let down," said '
                '{mp} MP. "They report a crime and then hear nothing. Confidence in '
                'the police depends on people believing their report matters."',
                '{mp}, the MP for Sedgebury and Lowmarsh, said: "This report confirms '
                "what constituents have been telling me for months. Victims deserve "
                'better, and I want to see a clear timetable for putting it right."',
            ),
            (
                "Mr Threlkeld said he had asked for a meeting with Chief Constable {cc} and "
                "the commissioner, {pcc}, and would raise the issue in Parliament.",
            ),
            opt(
                "{mp2}, the MP for Castleford Wick, said the force should be given credit "
                "for its crime prevention work but agreed that victim care had to improve.",
            ),
            (
                "The force said the Chief Constable would be happy to meet the MP and had "
                "already set out the steps being taken to make sure victims are updated.",
            ),
        ),
    ),
    Plan(
        key="peel_panel_questions",
        family="news",
        arc=PEEL,
        topics=("victim_updates", "general"),
        when=(PEEL_DAY - 8, PEEL_DAY - 13),
        outlets=("gazette", "herald"),
        titles=(
            "Panel grills commissioner over police failure to update victims",
            "Councillors question PCC on inspection findings",
        ),
        beats=(
            (
                "Members of the Wexmoor Police and Crime Panel have questioned the Police "
                "and Crime Commissioner about the inspection report that criticised the "
                "force's treatment of victims.",
            ),
            (
                'Councillor {cllr}, who chairs the panel, said: "We have been told before '
                "that victim updates would improve. What is different this time? The "
                'public will want evidence, not promises."',
            ),
            (
                "{pcc} told the panel that he shared their frustration and had asked the "
                "force for monthly figures on how many victims were updated on time.",
                "The commissioner said he accepted the panel's concerns and told members "
                "that the force had already recruited additional staff for its victim care "
                "unit.",
            ),
            (
                "Councillor {cllr2} asked why the problem had not been identified by the "
                "commissioner's own scrutiny. Mr Pellow said his office had raised it with "
                "the force last year but that progress had been too slow.",
            ),
            opt(
                "The panel agreed to receive a progress report at its next meeting, when "
                "the Deputy Chief Constable will also be invited to attend.",
            ),
        ),
    ),
    Plan(
        key="peel_action_plan_force",
        family="force",
        arc=PEEL,
        topics=("victim_updates", "investigations"),
        when=(PEEL_DAY - 28,),
        titles=("Our plan to improve how we keep victims informed",),
        beats=(
            (
                "Wexmoor Constabulary has published its plan to improve the service given "
                "to victims of crime, following the inspection earlier this year.",
            ),
            (
                "From next month every victim will receive a text message with the name of "
                "the officer dealing with their case, and an update at least every 28 days "
                "until the investigation is finished.",
            ),
            (
                'Deputy Chief Constable {dcc} said: "Victims told inspectors that they had '
                "to chase us for news. We have listened. Supervisors will now check every "
                'week that updates are being made, and we will publish the figures."',
            ),
            (
                "The force has also moved 14 officers into a new investigation support "
                "team, which will review burglary and vehicle crime cases before they are "
                "closed.",
            ),
            (
                "The plan has been shared with the Police and Crime Commissioner and will "
                "be discussed at the next meeting of the Police and Crime Panel.",
            ),
        ),
    ),
    Plan(
        key="peel_action_plan_news",
        family="news",
        arc=PEEL,
        topics=("victim_updates", "general"),
        when=(PEEL_DAY - 29, 13, 5),
        outlets=("echo", "gazette", "herald"),
        titles=(
            "Police promise texts and named officers for victims after critical report",
            "Early signs of improvement in victim updates, say police, but charity cautious",
            "Victims now updated on time in most cases, force tells commissioner",
        ),
        beats=(
            (
                "Wexmoor Constabulary says it has changed the way victims are kept "
                "informed, weeks after inspectors found too many were left in the dark.",
            ),
            (
                "Under the new system victims receive a text naming the officer on their "
                "case and an update at least every four weeks.",
                "According to figures presented to the commissioner, 78 per cent of "
                "victims were updated on time last month, up from 61 per cent before the "
                "inspection.",
                "Figures presented to the commissioner this week show 84 per cent of victims "
                "were updated on time last month, up from 61 per cent before the inspection.",
            ),
            (
                'Deputy Chief Constable {dcc} said: "This is progress, but it is not yet '
                "where it needs to be. Every victim should hear from us when we said they "
                'would."',
                '"We are not claiming the job is done," said {dcc}, the Deputy Chief '
                'Constable. "But victims are hearing from us more often, and they tell us '
                'it makes a difference."',
            ),
            (
                "{vv} of Wexmoor Victims' Voice welcomed the change but said the charity "
                "was still hearing from people who had waited weeks for a call back. "
                '"Texts are a start," she said. "What victims want is a conversation."',
            ),
            opt(
                "The commissioner, {pcc}, said the improvement showed his office's "
                "scrutiny was working, although he accepted that some victims were still "
                "being let down.",
            ),
            opt(
                "{vic1}, whose burglary case prompted calls to the paper earlier this year, "
                'said she had since received an apology from the force. "It would have '
                'been nice to get the call in the first place," she said.',
            ),
        ),
    ),
    # ---- Stop and search --------------------------------------------------------------
    Plan(
        key="ss_revealed",
        family="news",
        arc=STOP_SEARCH,
        topics=("stop_and_search", "fair_treatment", "officer_conduct"),
        when=(STOP_SEARCH_DAY, STOP_SEARCH_DAY, STOP_SEARCH_DAY - 1, STOP_SEARCH_DAY - 1),
        outlets=("gazette", "herald", "echo", "ledger"),
        titles=(
            "Police failed to record grounds for one in three stop and searches, review finds",
            "Body cameras switched off during stop and search, Wexmoor Police admits",
            "Stop and search review: officers did not record reasons in hundreds of cases",
            "Force under fire over stop and search records and body-worn video",
        ),
        beats=(
            (
                "Officers in Wexmoor failed to record the grounds for searching people in "
                "almost a third of stop and searches last year, an internal review has "
                "found.",
                "Wexmoor Constabulary has admitted that its officers did not switch on "
                "body-worn video during dozens of stop and searches, after a review of "
                "records found the grounds for searches were often missing.",
            ),
            (
                "The review, carried out by the force's professional standards department, "
                "examined 900 searches in Ravensey and Castleford Wick. In 287 of them the "
                "officer had not written down why the person was searched, which the law "
                "requires.",
                "Of 900 searches examined, 287 had no recorded grounds and in 112 the "
                "officer's body-worn camera had not been switched on, despite force policy "
                "that every search must be filmed.",
            ),
            (
                "Black people in Wexmoor were 4.8 times more likely to be stopped and "
                "searched than white people, according to the force's own figures.",
                "The figures also show that young black men in Ravensey were searched at "
                "almost five times the rate of their white neighbours, and that drugs were "
                "found in fewer than one search in five.",
            ),
            opt(
                "Officers must tell the person why they are being searched, what they are "
                "looking for and their right to a copy of the record. Recording the grounds "
                "is the main safeguard against searches based on stereotypes.",
            ),
            opt(
                "The review was ordered after a complaint from a Ravensey student who was "
                "searched three times in a month and never told why.",
            ),
            (
                '"This is not paperwork for the sake of it," said {camp} of Wexmoor Stop '
                'Watch. "If an officer cannot say why they searched someone, how do we know '
                'there was a reason at all?"',
                "{camp}, of the campaign group Wexmoor Stop Watch, said the findings were "
                "'shocking but not surprising' and called for an independent inquiry.",
            ),
            (
                'Superintendent {supt} said: "Stop and search is a vital power, but it only '
                "works if the public trusts that it is used fairly and lawfully. These "
                "findings fall short of the standards we expect. Every officer has been "
                'reminded that body-worn video must be on during every search."',
                "The force said it was 'disappointed' by the findings. Superintendent "
                "{supt} told the paper that officers who repeatedly failed to record "
                "grounds would face action.",
            ),
            opt(
                "The Independent Office for Police Conduct said it had been informed of the "
                "review and was assessing whether any complaints needed to be investigated "
                "independently.",
            ),
            opt(
                "The Police and Crime Commissioner, {pcc}, said he had asked for the review "
                "to be published in full and for an independent panel to examine a sample "
                "of body-worn video footage every month.",
            ),
        ),
    ),
    Plan(
        key="ss_force_statement",
        family="force",
        arc=STOP_SEARCH,
        topics=("stop_and_search", "fair_treatment"),
        when=(STOP_SEARCH_DAY,),
        titles=("Statement on our review of stop and search records",),
        beats=(
            (
                "Wexmoor Constabulary has today published the findings of an internal "
                "review of stop and search records.",
            ),
            (
                "The review found that the grounds for the search were not recorded in 287 "
                "of the 900 searches examined, and that body-worn video was not activated "
                "in 112 searches.",
            ),
            (
                'Superintendent {supt} said: "We commissioned this review because we want '
                "to get stop and search right. The findings are not acceptable. Recording "
                "the grounds for a search is a legal requirement and a matter of fairness "
                'to the person being searched."',
            ),
            (
                "All officers who carry out searches will receive refresher training, and "
                "supervisors will review every search record within 24 hours. Officers "
                "will not be able to submit a search record without filling in the "
                "grounds.",
            ),
            (
                "The force has referred the findings to the Independent Office for Police "
                "Conduct and will invite community members to join its stop and search "
                "scrutiny panel.",
            ),
        ),
    ),
    Plan(
        key="ss_student",
        family="news",
        arc=STOP_SEARCH,
        topics=("stop_and_search", "fair_treatment", "officer_conduct"),
        when=(STOP_SEARCH_DAY - 2, STOP_SEARCH_DAY - 6),
        outlets=("herald", "gazette"),
        titles=(
            "'I was searched three times in a month': Ravensey student speaks out",
            "Student says police gave no reason for searching him outside college",
        ),
        beats=(
            (
                "A Ravensey student says he was stopped and searched three times in a month "
                "by Wexmoor Police officers who never told him why.",
            ),
            (
                '"The first time, they said I matched a description," {stud} said. "The '
                "second and third time, nobody said anything. They just went through my "
                'bag in front of everyone outside college."',
            ),
            (
                "{stud}, 19, said he had asked one officer whether his camera was on and "
                "was told it was 'not necessary'. Nothing was found in any of the searches.",
            ),
            (
                "His account comes days after the force admitted that officers had failed "
                "to record the grounds for hundreds of searches and had not switched on "
                "body-worn video in many of them.",
            ),
            opt(
                "{camp}, of Wexmoor Stop Watch, who is supporting the student's complaint, "
                'said: "Joseph did everything right. He stayed calm, he asked the right '
                'questions. The system let him down."',
            ),
            (
                'A spokesperson for Wexmoor Constabulary said: "We are aware of the '
                "complaint and it is being investigated by our professional standards "
                'department. We would encourage anyone unhappy with a search to contact us."',
            ),
            opt(
                "Councillor {cllr2}, who represents the ward, said young people in Ravensey "
                "had told him they no longer trusted the police to treat them fairly.",
            ),
        ),
    ),
    Plan(
        key="ss_campaign",
        family="news",
        arc=STOP_SEARCH,
        topics=("stop_and_search", "fair_treatment", "community_engagement"),
        when=(STOP_SEARCH_DAY - 3, STOP_SEARCH_DAY - 8, STOP_SEARCH_DAY - 12),
        outlets=("echo", "herald", "gazette"),
        titles=(
            "Packed public meeting hears anger over stop and search in Ravensey",
            "Campaigners call for independent inquiry into stop and search",
            "Community leaders demand body camera footage be reviewed after search row",
        ),
        beats=(
            (
                "More than 150 people attended a public meeting in Ravensey on stop and "
                "search, called after the force admitted failures in how searches were "
                "recorded.",
                "Campaigners have called for an independent inquiry into Wexmoor "
                "Constabulary's use of stop and search.",
            ),
            (
                "Speakers described being searched repeatedly without explanation. One "
                "mother said her 15-year-old son had been handcuffed during a search that "
                "found nothing.",
            ),
            (
                '"People are not against the police," said {rev}, who chaired the '
                'meeting. "They are against being treated as suspects for walking home. '
                'The force has to earn back trust, and it starts with honesty."',
                "{camp} told the meeting that Wexmoor Stop Watch had collected 62 accounts "
                'of searches in which no reason was given. "We will hand every one of them '
                'to the commissioner," he said.',
            ),
            (
                "Chief Inspector {ci}, who attended, told residents that the force was "
                'listening. "I understand why people are angry," she said. "I want '
                "anyone who has been searched without being told why to tell us, so we can "
                'put it right."',
                "Chief Inspector {ci} said the force had invited campaigners to join its "
                "scrutiny panel and would start publishing search figures by ward every "
                "month.",
            ),
            opt(
                "Some residents defended the use of stop and search. {nw}, who coordinates "
                "Neighbourhood Watch in Ravensey, said searches had helped take knives off "
                "the streets, but agreed that officers must record their reasons.",
            ),
            opt(
                "The commissioner's office said {pcc} would respond to the campaigners' "
                "letter within a fortnight.",
            ),
        ),
    ),
    Plan(
        key="ss_iopc",
        family="news",
        arc=STOP_SEARCH,
        topics=("stop_and_search", "officer_conduct"),
        when=(STOP_SEARCH_DAY - 5, STOP_SEARCH_DAY - 10),
        outlets=("gazette", "ledger"),
        titles=(
            "Police watchdog to investigate stop and search complaints in Wexmoor",
            "IOPC opens investigation into Wexmoor searches after body camera failures",
        ),
        beats=(
            (
                "The Independent Office for Police Conduct will investigate complaints "
                "about stop and searches carried out by Wexmoor Constabulary officers.",
            ),
            (
                "The watchdog said it would examine five searches in Ravensey in which "
                "officers' body-worn cameras were not switched on, and whether any officer "
                "should face misconduct proceedings.",
            ),
            (
                "{iopc}, the IOPC's regional director, said: \"Stop and search can be an "
                "intrusive experience and it is vital that it is carried out lawfully. "
                "Body-worn video protects both the public and officers. We will look at "
                'whether officers followed the rules and their training."',
            ),
            (
                "Ms Okafor-Lyle said the investigation did not mean that any officer had "
                "done anything wrong, and that two officers had been served with "
                "misconduct notices.",
            ),
            (
                "Wexmoor Constabulary said it would cooperate fully. A spokesperson said the "
                "officers concerned remained on duty but had been moved away from frontline "
                "roles while the investigation continued.",
            ),
        ),
    ),
    Plan(
        key="ss_pcc",
        family="pcc",
        arc=STOP_SEARCH,
        topics=("stop_and_search", "fair_treatment"),
        when=(STOP_SEARCH_DAY - 1, STOP_SEARCH_DAY - 11),
        titles=(
            "Commissioner orders independent scrutiny of stop and search",
            "Commissioner meets campaigners and community leaders on stop and search",
        ),
        beats=(
            (
                "Police and Crime Commissioner {pcc} has set up an independent panel to "
                "scrutinise Wexmoor Constabulary's use of stop and search.",
                "The Police and Crime Commissioner met community leaders and campaigners "
                "in Ravensey this week to hear their concerns about stop and search.",
            ),
            (
                "The panel, made up of residents, youth workers and a retired magistrate, "
                "will watch a random sample of body-worn video every month and report its "
                "findings publicly.",
            ),
            (
                '"I support the police using their powers to keep people safe," Mr Pellow '
                'said. "But the review shows that in too many searches the basic '
                "safeguards were missing. If the grounds are not recorded and the camera "
                'is not on, the public has no way of knowing a search was justified."',
            ),
            (
                "Deputy Commissioner {dpcc} will chair the first meeting. She said the "
                "panel would be free to question senior officers and publish whatever it "
                "found.",
            ),
            opt(
                "The commissioner has also asked the Chief Constable to report monthly on "
                "the proportion of searches with grounds recorded and camera footage "
                "available.",
            ),
        ),
    ),
    Plan(
        key="ss_changes",
        family="news",
        arc=STOP_SEARCH,
        topics=("stop_and_search", "fair_treatment"),
        when=(STOP_SEARCH_DAY - 14, 9, 2),
        outlets=("echo", "herald", "gazette"),
        titles=(
            "Almost all stop and searches now filmed, police say",
            "Stop and search scrutiny panel publishes first findings",
            "Fewer searches, more finds: Wexmoor Police on its stop and search changes",
        ),
        beats=(
            (
                "Wexmoor Constabulary says 96 per cent of stop and searches last month were "
                "recorded on body-worn video, weeks after a review found cameras were often "
                "left off.",
                "The independent panel set up to scrutinise stop and search in Wexmoor has "
                "published its first report.",
            ),
            (
                "The number of searches has fallen by a fifth since the summer, while the "
                "proportion in which something was found has risen from 18 to 27 per cent.",
                "The panel watched 40 searches. It found the grounds were recorded properly "
                "in 37, but said officers were sometimes brusque and did not always explain "
                "people's rights.",
            ),
            (
                'Superintendent {supt} said: "We set ourselves a simple rule: no camera, no '
                "search. Officers have responded to that. We know we have more to do to "
                'rebuild trust, particularly with young black men in Ravensey."',
            ),
            (
                "{camp} of Wexmoor Stop Watch said the figures were an improvement, but "
                'that black residents were still searched far more often. "Better '
                'paperwork is not the same as fairness," he said.',
            ),
            opt(
                "{dpcc}, the deputy commissioner, said the panel would continue to meet "
                "monthly and would look next at searches of children.",
            ),
        ),
    ),
    # ---- Precept ---------------------------------------------------------------------
    Plan(
        key="precept_proposal",
        family="pcc",
        arc=PRECEPT,
        topics=("value_for_money", "general"),
        when=(PRECEPT_DAYS[0] + 6, PRECEPT_DAYS[1] + 5),
        slots={"rise": ("£13", "£14")},
        titles=(
            "Commissioner proposes police precept for next year",
            "Commissioner sets out police budget and council tax proposal",
        ),
        beats=(
            (
                "Police and Crime Commissioner {pcc} has proposed raising the policing part "
                "of council tax by {rise} a year for a Band D property.",
            ),
            (
                '"I do not ask for more money lightly," Mr Pellow said. "Households are '
                "under pressure. But without this increase the Chief Constable would have "
                'to cut around 40 officer posts, and that is not what residents want."',
            ),
            (
                "The proposal will be considered by the Wexmoor Police and Crime Panel, "
                "which can veto the rise if two thirds of its members vote against it.",
            ),
            (
                "The commissioner's office said the force had saved £6.2 million over four "
                "years through shared services with neighbouring forces, and that every "
                "penny raised would be spent on neighbourhood policing and answering 999 "
                "calls faster.",
            ),
            opt(
                "More than 2,000 people responded to the commissioner's budget survey, with "
                "54 per cent saying they would support a rise to protect police numbers.",
            ),
        ),
    ),
    Plan(
        key="precept_panel",
        family="news",
        arc=PRECEPT,
        topics=("value_for_money", "general"),
        when=(PRECEPT_DAYS[0], PRECEPT_DAYS[0] - 1, PRECEPT_DAYS[1], PRECEPT_DAYS[1] - 1),
        outlets=("gazette", "echo", "herald", "gazette"),
        slots={"rise": ("£13", "£14"), "vote": ("8 votes to 4", "7 votes to 5")},
        titles=(
            "Police council tax rise approved after heated panel debate",
            "Panel backs {rise} police precept rise despite value for money concerns",
            "Councillors clash with commissioner over police precept",
            "Police and crime panel approves precept increase by {vote}",
        ),
        beats=(
            (
                "Households in Wexmoor will pay {rise} more a year for policing after the "
                "Police and Crime Panel approved the commissioner's precept proposal.",
                "The Wexmoor Police and Crime Panel has backed a rise in the police part of "
                "council tax, after a debate in which several councillors questioned "
                "whether residents were getting value for money.",
            ),
            (
                "The panel voted by {vote} to accept the increase for a Band D home, which "
                "the commissioner, {pcc}, said was needed to protect officer numbers.",
            ),
            (
                'Councillor {cllr2} said: "People in Ravensey are paying more every year '
                "and seeing fewer officers on their streets. They want to know what they "
                'get for their money."',
                "Councillor {cllr2} told the meeting the rise was 'hard to justify' when "
                "victims were still waiting weeks for updates on their cases.",
            ),
            (
                "The panel chair, Councillor {cllr}, said the commissioner had made a "
                'reasonable case. "Nobody wants to pay more, but the alternative was '
                'fewer officers," she said.',
                "Councillor {cllr}, who chairs the panel, said she supported the rise 'with "
                "reservations' and wanted regular reports on how the money was spent.",
            ),
            (
                "{pcc} told councillors that the force was one of the lowest-cost in the "
                'country per head of population. "This is a lean force that spends '
                'carefully," he said.',
                "According to the commissioner, the force had saved millions through "
                "shared services and the extra money would go on neighbourhood officers.",
            ),
            opt(
                "The increase means the police part of a Band D council tax bill will be "
                "about £290 a year. Around half of the force's budget comes from council tax, "
                "the rest from central government.",
            ),
            opt(
                "{biz}, who runs a shop in Lowmarsh, watched the meeting from the public "
                'gallery. "I\'d pay it gladly if I saw a PCSO once a week," he said. '
                '"I haven\'t seen one in months."',
            ),
            opt(
                "Chief Constable {cc} said the increase would allow the force to keep 24 "
                "neighbourhood officers it would otherwise have lost.",
            ),
        ),
    ),
    Plan(
        key="precept_reaction",
        family="news",
        arc=PRECEPT,
        topics=("value_for_money", "community_engagement"),
        when=(PRECEPT_DAYS[0] - 4, PRECEPT_DAYS[1] - 3),
        outlets=("herald", "echo"),
        titles=(
            "What you'll pay for policing next year, and what you'll get",
            "Residents split over police council tax rise",
        ),
        beats=(
            (
                "Residents across Wexmoor are divided over the increase in the police "
                "precept, which will add around 27p a week to an average council tax bill.",
            ),
            (
                '"I don\'t mind paying if it means someone turns up when I call," said '
                '{res1}, who lives in Holme St Anne. "Last year it took them two days to '
                'come after our shed was broken into."',
            ),
            (
                "Others were less convinced. A Lowmarsh shopkeeper, {biz}, said he had "
                "reported shoplifting eleven times this year and had never seen an officer.",
            ),
            (
                "The force says the money will pay for 24 neighbourhood officers and a new "
                'rural crime team. A spokesperson said: "Every pound is spent carefully. '
                'We are among the most efficient forces in the country."',
            ),
            opt(
                "The commissioner's office points out that Wexmoor's precept remains below "
                "the national average, and that inspectors have previously praised the "
                "force for value for money.",
            ),
        ),
    ),
)
