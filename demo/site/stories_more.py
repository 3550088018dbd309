"""More background plans, each told three different ways, so that volume comes without repeats."""

from __future__ import annotations

from demo.site.plans import Plan, opt, spread

PLANS: tuple[Plan, ...] = (
    Plan(
        key="youth_engagement",
        family="news",
        topics=("community_engagement", "fair_treatment", "crime_prevention"),
        when=spread("youth_engagement", 3, 15, 300),
        outlets=("herald", "echo", "gazette"),
        titles=(
            "Young people quiz senior officers at Ravensey youth forum",
            "Police cadets scheme doubles in size as teenagers sign up",
            "School police officers to be withdrawn, parents told",
        ),
        beats=(
            (
                "Teenagers in Ravensey have put senior Wexmoor Police officers on the spot at "
                "a youth forum, asking why they are stopped more often than adults and what "
                "happens to complaints.",
                "The number of young people in Wexmoor Police's volunteer cadets scheme has "
                "doubled in a year, with new units opening in {town} and {town2}.",
                "Parents at two {town} secondary schools have been told that the police "
                "officers based in their children's schools will be withdrawn at Easter.",
            ),
            (
                "About 60 young people attended the event at Ravensey youth centre, organised "
                "with the council's youth service.",
                "Cadets aged 13 to 17 meet weekly and help at community events, learning "
                "first aid and about the law.",
                "The force says the officers are needed back on neighbourhood teams, and that "
                "schools will instead have a named contact at the local station.",
            ),
            (
                '"They listened, which surprised me," said {stud}, who asked a question '
                'about stop and search. "Whether anything changes is another thing."',
                'Sergeant {sgt}, who runs the {town} unit, said: "Some of our cadets have '
                "never had a positive conversation with a police officer before they join. "
                'By the end they are explaining the law to their friends."',
                "One mother, whose son is in Year 9, said the school officer had helped the "
                'family when he was being bullied online. "She knew the kids by name," '
                'she said. "You can\'t replace that with a phone number."',
            ),
            (
                "Chief Inspector {ci} told the forum that she wanted young people to hold the "
                'force to account. "If we get it wrong with you, you will remember it for the '
                'rest of your life, and so will your friends," she said.',
                "According to the force, a third of this year's cadets come from black, Asian "
                "or mixed heritage backgrounds, compared with one in ten officers.",
                'Chief Inspector {ci} said the decision had not been taken lightly. "We have '
                'to put officers where the demand is," she said. "We will still be in '
                'schools, just not every day."',
            ),
            opt(
                "Councillor {cllr2} said the forum should become a regular event and that "
                "young people's views should be reported to the commissioner.",
                "The commissioner's office, which part-funds the scheme, said it would pay for "
                "two more units next year.",
                'Councillor {cllr2} said the move was short-sighted. "Prevention in schools '
                'saves money later," he said.',
            ),
            opt(
                "The force has promised to publish a summary of the questions and its answers "
                "on its website.",
            ),
        ),
    ),
    Plan(
        key="county_lines",
        family="news",
        topics=("investigations", "vulnerable_people", "crime_prevention"),
        when=(1, *spread("county_lines", 2, 60, 330)),
        outlets=("gazette", "echo", "herald"),
        titles=(
            "Dawn raids target county lines drug gang in {town}",
            "'Cuckooed': vulnerable man's flat taken over by drug dealers",
            "County lines gang leader jailed after two-year police operation",
        ),
        beats=(
            (
                "Police officers raided eleven addresses in {town} and {town2} at dawn on "
                "Wednesday as part of an operation against a county lines drug gang.",
                "A vulnerable man in {town} says drug dealers took over his flat for three "
                "months, and that it took repeated calls before police acted.",
                "The leader of a drug gang that used teenagers to sell heroin and crack "
                "cocaine in {town} has been jailed for fourteen years.",
            ),
            (
                "Nine people were arrested and officers seized cash, phones and drugs with an "
                "estimated street value of £40,000.",
                "The man, who has learning difficulties and asked not to be named, said the "
                "dealers arrived with a friend he had met at a bus stop and never left.",
                "The gang ran a phone line known as the 'Kingsley line' from the city, sending "
                "children as young as 14 to stay in rented rooms in {town}.",
            ),
            (
                'Detective Superintendent {dsupt} said: "County lines gangs exploit children '
                "and vulnerable adults and bring violence to our towns. Today's action is the "
                'result of months of investigation, and it is not the end."',
                '"I told them what was happening," he said. "They came round once and said '
                "they couldn't do anything unless I made a statement. I was too frightened.\"",
                "Detective Chief Inspector {dci} said the investigation had been one of the "
                "most complex the force had carried out, with detectives analysing more than "
                "a million phone messages.",
            ),
            (
                "Officers also visited the homes of several young people thought to have "
                "been exploited by the gang, to make sure they were safe.",
                "Wexmoor Police said it had since closed the flat under a court order and "
                'arrested two men. A spokesperson said: "We know victims of cuckooing can be '
                'too scared to speak to us. We are reviewing how these calls were handled."',
                "The children who were exploited have been treated as victims rather than "
                "offenders, the force said.",
            ),
            opt(
                "{res1}, who lives near one of the raided houses, said: \"We've had cars "
                "coming and going all night for months. It's a relief to see the police "
                'finally doing something."',
                "{dv}, whose charity also supports vulnerable adults, said cuckooing was "
                "'hidden in plain sight' and that neighbours should report concerns.",
                "Passing sentence, the judge praised the 'tenacity' of the investigation team.",
            ),
            opt(
                "Signs of county lines activity include frequent visitors at odd hours, "
                "young people with unexplained cash or phones, and neighbours who seem to "
                "have new 'friends' staying. Concerns can be reported to 101 or anonymously "
                "to Crimestoppers.",
            ),
        ),
    ),
    Plan(
        key="station_closures",
        family="news",
        topics=("value_for_money", "community_engagement", "general"),
        when=spread("station_closures", 3, 50, 320),
        outlets=("echo", "herald", "gazette"),
        titles=(
            "Lowmarsh police station front desk to close to the public",
            "Campaign to save {town} police station gathers 3,000 signatures",
            "Police to share council offices as old stations are sold",
        ),
        beats=(
            (
                "The public front desk at Lowmarsh police station will close next month, "
                "leaving the town without anywhere to report a crime in person.",
                "More than 3,000 people have signed a petition against plans to close "
                "{town} police station.",
                "Wexmoor Constabulary is to sell three police stations and move officers into "
                "council buildings, saving £900,000 a year.",
            ),
            (
                "The force says only four people a day used the desk, and that most reports "
                "are now made online or by phone.",
                "The Victorian building needs £2 million of repairs, according to the "
                "commissioner's estates review.",
                "The stations in {town}, {town2} and Lowmarsh cost more to run than any other "
                "buildings on the force's estate, the review found.",
            ),
            (
                '"For older people that desk was a lifeline," said {biz}, who runs a shop '
                '200 yards away. "Not everyone can do things online."',
                '"A police station is a statement that the police are here," said '
                '{res1}, who started the petition. "Close it and people will feel abandoned."',
                "The commissioner, {pcc}, said the savings would be spent on officers rather "
                'than buildings. "Residents want police on the streets, not in expensive '
                'old buildings," he said.',
            ),
            (
                "Chief Inspector {ci} said officers would hold weekly drop-in sessions in the "
                'town library instead. "We are not leaving Lowmarsh," she said.',
                "The commissioner's office said no decision had been made and that residents' "
                "views would be taken into account.",
                "Councillor {cllr}, who chairs the Police and Crime Panel, said the plan "
                "appeared to offer value for money but that the panel would want assurances "
                "about response times.",
            ),
            opt(
                '{mp} MP said he had asked the commissioner to reconsider. "Savings matter, '
                'but so does confidence," he said.',
                "Councillor {cllr2} told the paper that the closure was 'the thin end of the "
                "wedge' for rural policing.",
            ),
        ),
    ),
    Plan(
        key="night_safety",
        family="news",
        topics=("vulnerable_people", "domestic_abuse", "crime_prevention", "fair_treatment"),
        when=(0, *spread("night_safety", 2, 30, 300)),
        outlets=("echo", "gazette", "herald"),
        titles=(
            "Police and bar staff team up to keep women safe on nights out",
            "Women 'don't feel believed' when reporting harassment, survey finds",
            "Spiking reports: police urge victims to come forward quickly",
        ),
        beats=(
            (
                "Plain-clothes officers will patrol {town} town centre on Friday and Saturday "
                "nights as part of a scheme to protect women from predatory men.",
                "Almost half of the women who reported sexual harassment to police in Wexmoor "
                "did not feel they were believed, according to a survey by a women's group.",
                "Wexmoor Police has received 46 reports of drink spiking in the past six "
                "months, and is urging anyone who thinks they have been spiked to report it "
                "as soon as possible.",
            ),
            (
                "Bar and door staff have been trained to spot worrying behaviour, and venues "
                "will display posters explaining how to ask for help discreetly.",
                "The survey of 400 women, carried out by Wexmoor Women's Network, found that "
                "many did not report incidents at all because they did not expect action.",
                "Testing for spiking drugs is only possible for a short time, which is why "
                "officers want victims to come forward the same night.",
            ),
            (
                'Chief Inspector {ci} said: "Women should be able to enjoy a night out '
                "without fear. Our officers are there to spot the warning signs and step in "
                'before something happens."',
                '"I was told it was just banter," one woman said. "The officer didn\'t even '
                'write it down."',
                'Detective Chief Inspector {dci} said: "We take every report seriously. '
                'Even if we cannot prove who did it, your report helps us protect others."',
            ),
            (
                '{dv} of Wexmoor Refuge Partnership welcomed the scheme but said: "The '
                "problem is not women's behaviour. It is men's.\"",
                "The force said it had since trained 600 officers on how to respond to "
                "harassment reports and apologised to women who had been let down.",
                "{res1} said her daughter had been spiked at a club in Sedgebury last year. "
                '"The police were kind, but by the time she was tested it was too late," '
                "she said.",
            ),
            opt(
                "The commissioner, {pcc}, who is funding the patrols, said they would be "
                "evaluated after six months.",
                "The commissioner's office said the survey findings would be discussed at "
                "his next accountability meeting with the Chief Constable.",
                "The commissioner, {pcc}, said he had paid for testing kits in hospitals and "
                "custody suites so that evidence was not lost.",
            ),
            opt(
                "Anyone who feels unsafe on a night out can ask bar staff for help, or call "
                "999 in an emergency.",
            ),
        ),
    ),
    Plan(
        key="antisocial_bikes",
        family="news",
        topics=("crime_prevention", "community_engagement", "emergency_response"),
        when=spread("antisocial_bikes", 3, 20, 280),
        outlets=("herald", "gazette", "echo"),
        titles=(
            "Off-road bikers terrorising Ravensey estate, residents say",
            "Police seize 14 nuisance bikes in a month",
            "Drone team helps police catch off-road bikers",
        ),
        beats=(
            (
                "Residents of the Marsh Lane estate in Ravensey say off-road motorbikes are "
                "being ridden across playing fields and pavements every evening, and that "
                "calls to the police go unanswered.",
                "Wexmoor Police seized 14 off-road bikes and quad bikes in a month as part of "
                "a crackdown on anti-social riding in {town} and Ravensey.",
                "A police drone has been used to track off-road bikers to the garages where "
                "they hide their machines, leading to six arrests.",
            ),
            (
                '"One of them nearly hit my grandson," said {nw}. "We ring 101 and we\'re '
                "told it's logged. Then nothing.\"",
                "Riders can be prosecuted for riding without insurance or a licence, and the "
                "bikes are crushed if not claimed.",
                "Officers are not allowed to chase the riders because of the danger to the "
                "public, so the drone follows from the air.",
            ),
            (
                'Sergeant {sgt} said officers had been to the estate 22 times this year. "We '
                "will not chase riders on foot paths, it is too dangerous. But we are "
                'gathering intelligence and we will seize bikes," he said.',
                'Inspector {insp} said: "These bikes cause misery. Every one we take off the '
                'road is a quieter evening for residents."',
                "Inspector {insp} said the drone had 'changed the game'. \"They can outrun a "
                'police car, but they cannot outrun a camera in the sky," she said.',
            ),
            opt(
                "Councillor {cllr2} said the estate had been 'left to fend for itself' and "
                "called for barriers on the playing fields.",
                "Residents have welcomed the seizures. \"It's the first quiet summer we've had "
                'in years," one said.',
                "Residents said the arrests had brought some relief, but that the noise had "
                "returned within weeks.",
            ),
            opt(
                "The force urged residents to report where bikes are stored, anonymously if "
                "they prefer.",
            ),
        ),
    ),
    Plan(
        key="complaints",
        family="news",
        topics=("officer_conduct", "general", "fair_treatment"),
        when=spread("complaints", 3, 25, 330),
        outlets=("gazette", "echo", "herald"),
        titles=(
            "Complaints against Wexmoor Police rise by a quarter",
            "Officers under investigation for sexual misconduct, figures reveal",
            "Force praised by watchdog for handling of public complaints",
        ),
        beats=(
            (
                "Complaints about Wexmoor Police officers rose by a quarter last year, "
                "according to figures published by the police watchdog.",
                "Seven Wexmoor Police officers are under investigation for sexual misconduct, "
                "figures released under the Freedom of Information Act show.",
                "The police watchdog has praised Wexmoor Constabulary for how quickly and "
                "fairly it deals with complaints from the public.",
            ),
            (
                "There were 1,240 complaints in total. The most common concerned delays, "
                "officers' attitude and the handling of investigations.",
                "Three of the officers are suspended and four are on restricted duties. Two "
                "of the cases involve allegations from members of the public.",
                "The IOPC's annual figures show the force resolved complaints in an average "
                "of 19 working days, among the fastest in the country.",
            ),
            (
                'Deputy Chief Constable {dcc} said: "A rise in complaints is not always a bad '
                "sign. It can mean people are more confident that they will be listened to. "
                'But every complaint is someone who feels we let them down."',
                "Deputy Chief Constable {dcc} said the force was determined to 'root out' "
                'officers who abused their position. "The public must be able to trust every '
                'officer who wears our uniform," he said.',
                '{iopc}, of the IOPC, said: "The force takes complaints seriously and '
                "learns from them. Other forces could learn from its approach to resolving "
                'concerns early."',
            ),
            (
                "{camp} of Wexmoor Stop Watch said many people still did not complain because "
                "they did not believe it would make a difference.",
                "{dv} said the figures were 'deeply worrying'. \"Women need to know that the "
                'officers they call for help are safe," she said.',
                "The commissioner, {pcc}, whose office reviews complaint appeals, said the "
                "praise was deserved, but that he still upheld one appeal in five.",
            ),
            opt(
                "The commissioner's office said it would publish its own review of complaint "
                "appeals later this year.",
                "The force said all officers and staff were being re-vetted over the next two "
                "years.",
            ),
        ),
    ),
)

MORE_PLANS: tuple[Plan, ...] = (
    Plan(
        key="pcc_victim_services",
        family="pcc",
        topics=("victim_updates", "vulnerable_people", "domestic_abuse"),
        when=spread("pcc_victim_services", 3, 5, 330),
        titles=(
            "Commissioner launches new victim care service",
            "£1.1m for domestic abuse and sexual violence support",
            "Victims' panel to tell the commissioner what it is really like",
        ),
        beats=(
            (
                "A new service to support victims of crime in Wexmoor has been launched by "
                "Police and Crime Commissioner {pcc}.",
                "The Commissioner has confirmed £1.1 million of funding for services that "
                "support victims of domestic abuse and sexual violence over the next two "
                "years.",
                "Victims of crime are being invited to join a panel that will meet the "
                "Commissioner every three months to describe their experience of the police "
                "and courts.",
            ),
            (
                "Wexmoor Victim Care will contact every victim within two days of a crime "
                "being reported, offering emotional and practical support whether or not "
                "anyone is charged.",
                "The money will pay for independent domestic violence advisers, a 24-hour "
                "helpline and counselling for children who have witnessed abuse.",
                "The panel will include people who have been victims of burglary, fraud, "
                "assault and domestic abuse, and will be chaired independently.",
            ),
            (
                '"Victims have told me, again and again, that they feel forgotten once they '
                'have reported a crime," the Commissioner said. "This service is my answer."',
                '"Behind every one of these numbers is a person trying to rebuild their '
                'life," said Deputy Commissioner {dpcc}.',
                '"I can read every report there is," Mr Pellow said. "But nothing tells me '
                'more than hearing it from victims themselves."',
            ),
            (
                "The service will also help victims who are waiting for updates from the "
                "police to get answers, and will report to the Commissioner on how often "
                "victims are kept informed.",
                "Services will be commissioned from local charities including Wexmoor Refuge "
                "Partnership.",
                "The Commissioner said he would share the panel's findings with the Chief "
                "Constable and publish them.",
            ),
            opt(
                "Victims can contact the service directly by phone or online, or be referred "
                "by the police.",
            ),
        ),
    ),
    Plan(
        key="force_victim_care",
        family="force",
        topics=("victim_updates", "investigations"),
        when=spread("force_victim_care", 3, 4, 300),
        titles=(
            "Track your crime report online with our new service",
            "Victim satisfaction: what you told us",
            "Our victim care unit: here to keep you informed",
        ),
        beats=(
            (
                "Victims of crime in Wexmoor can now check the progress of their case online, "
                "at any time, using our new Track My Crime service.",
                "We have published the results of our latest victim satisfaction survey, "
                "which asked 1,500 people about their experience of reporting a crime.",
                "Our victim care unit has grown to 28 staff, whose job is to make sure every "
                "victim hears from us when we said they would.",
            ),
            (
                "Victims receive a link by text when their crime is recorded. They can see "
                "who is dealing with it, what has happened so far and send a message to the "
                "officer.",
                "Overall, 74 per cent were satisfied with the service they received. "
                "Satisfaction was highest for how officers treated people, and lowest for "
                "being kept informed of progress.",
                "The unit contacts victims whose officer has not updated them within the "
                "agreed time, and chases the investigation on their behalf.",
            ),
            (
                'Deputy Chief Constable {dcc} said: "Victims told us they did not want to '
                "have to chase us for news. Now they can see what is happening whenever they "
                'want."',
                'Deputy Chief Constable {dcc} said: "The message is clear. People are '
                "satisfied with how our officers treat them, but not with how we keep them "
                'updated. That is where we are putting our effort."',
                'Detective Chief Inspector {dci} said: "No victim should be left wondering '
                'whether anyone is working on their case."',
            ),
            (
                "Track My Crime is available for most crimes, but not for domestic abuse or "
                "sexual offences, where officers will stay in touch in the way the victim "
                "prefers.",
                "The full survey results are available on our website.",
                "If you are waiting for an update, call 101 and ask for the victim care unit.",
            ),
        ),
    ),
    Plan(
        key="force_statements",
        family="force",
        topics=("officer_conduct", "general", "emergency_response"),
        when=spread("force_statements", 3, 12, 310),
        titles=(
            "Statement following gross misconduct hearing",
            "Our response to this year's 101 and 999 figures",
            "Chief Constable: thank you to our officers and staff",
        ),
        beats=(
            (
                "A former constable who was based in {town} would have been dismissed for "
                "gross misconduct had they not resigned, a hearing has found.",
                "Figures published today show that we answered 90 per cent of 999 calls "
                "within ten seconds this year, but that people calling 101 waited too long.",
                "Chief Constable {cc} has thanked officers, staff and volunteers after one of "
                "the busiest summers the force has known.",
            ),
            (
                "The hearing found that the officer had used a police database to look up "
                "information about people they knew, for no policing purpose.",
                "We have recruited 22 new call handlers and introduced an online chat "
                "service, and waiting times have fallen in the past two months.",
                "Officers dealt with more than 60,000 incidents between June and August, "
                "including large events, flooding and a major search in {town}.",
            ),
            (
                'Deputy Chief Constable {dcc} said: "Misusing police systems is a serious '
                "breach of trust. People give us their information to keep them safe, not "
                'so that officers can satisfy their curiosity."',
                'Superintendent {supt} said: "We know 101 is too slow, and we are sorry to '
                "everyone who has hung up in frustration. It is getting better, and it "
                'will keep getting better."',
                '"I am immensely proud of the people who work for this force," the Chief '
                'Constable said. "They go towards danger when everyone else is walking away."',
            ),
            (
                "The former officer will be placed on the barred list.",
                "In an emergency, always call 999. You can also report online at any time.",
                "Chief Constable Halloway also thanked the public for their patience and support.",
            ),
        ),
    ),
    Plan(
        key="ledger_national",
        family="national",
        topics=("victim_updates", "stop_and_search", "value_for_money", "general"),
        when=spread("ledger_national", 3, 10, 200),
        titles=(
            "Victims of crime 'left in the dark' by police across England, watchdog warns",
            "Body cameras left off in stop and searches, forces admit",
            "Police precepts rise again as forces warn of cuts",
        ),
        beats=(
            (
                "Victims of crime across England are too often left without news of their "
                "cases, the police inspectorate has warned, naming several forces including "
                "Wexmoor Constabulary.",
                "Officers in at least five police forces, including Wexmoor Constabulary, "
                "failed to switch on body-worn cameras during stop and searches, an analysis "
                "by the Ledger has found.",
                "Council tax bills for policing will rise again next year in almost every "
                "part of England, as police and crime commissioners warn that the "
                "alternative is fewer officers.",
            ),
            (
                "The inspectorate's annual assessment found that a third of forces required "
                "improvement at keeping victims updated.",
                "Forces are expected to record every search on camera, but the rule is not "
                "law and compliance varies widely.",
                "In Wexmoor, the precept will rise by £14 for a Band D home after the police "
                "and crime panel narrowly backed the commissioner.",
            ),
            (
                '"Victims who hear nothing lose faith in the whole system," said {hmi}, one '
                "of HM Inspectors of Constabulary.",
                "In Wexmoor, an internal review found the grounds for searches had not been "
                "recorded in 287 of 900 cases. The force says it has since made recording "
                "compulsory.",
                "Wexmoor's commissioner, {pcc}, told the Ledger that his force was one of "
                'the most efficient in the country. "We have squeezed every penny," he said.',
            ),
            (
                "Campaigners said the findings should prompt a change in the law to give "
                "victims an enforceable right to updates.",
                "{camp}, of the campaign group Wexmoor Stop Watch, said the national picture "
                "showed that body cameras alone were not enough to guarantee fairness.",
                "Critics say the rises hit poorer households hardest and that spending "
                "decisions should be more transparent.",
            ),
            opt(
                "The Home Office said it expected every force to meet the standards in the "
                "Victims' Code.",
                "The National Police Chiefs' Council said new national guidance on body-worn "
                "video would be published in the spring.",
                "The Home Office said police forces had received the largest funding increase "
                "in a decade.",
            ),
        ),
    ),
    Plan(
        key="da_court",
        family="news",
        topics=("domestic_abuse", "investigations", "victim_updates"),
        when=spread("da_court", 3, 8, 320),
        outlets=("echo", "herald", "gazette"),
        titles=(
            "Coercive control: {town} man jailed after wife's evidence",
            "Clare's Law requests double as women check partners' pasts",
            "Domestic abuse victim says police 'dropped' her case without telling her",
        ),
        beats=(
            (
                "A {town} man who controlled his wife's money, phone and friendships for "
                "eleven years has been jailed for three years.",
                "The number of women asking Wexmoor Police whether a partner has a history of "
                "violence has doubled in two years.",
                "A woman from {town} who reported her former partner for domestic abuse says "
                "she only found out the case had been dropped when she saw him in the street.",
            ),
            (
                "The court heard that he tracked her car, read her messages and stopped her "
                "seeing her family.",
                "Under the Domestic Violence Disclosure Scheme, known as Clare's Law, people "
                "can ask the police about a partner's past.",
                "She said she had given a statement and photographs of her injuries, and had "
                "been told an officer would be in touch.",
            ),
            (
                "Detective Chief Inspector {dci} said the victim had shown 'enormous courage'. "
                '"Coercive control can be harder to see than bruises, but it is just as '
                'dangerous, and we will pursue it," he said.',
                '{dv} said: "Every request is someone trying to keep themselves safe. The '
                'police have been good at responding quickly."',
                '"Nobody rang me," she said. "I felt like I didn\'t matter. If it happens '
                "again, I don't know if I would call them.\"",
            ),
            (
                "Her family said officers had kept in touch throughout the investigation and "
                "'never made her feel like a nuisance'.",
                "The force said it made 640 disclosures last year and aimed to respond to "
                "every request within 28 days.",
                "Wexmoor Police said it was sorry she had not been told and that the officer's "
                "supervisor would contact her. A spokesperson said victims of domestic abuse "
                "should always be updated in person.",
            ),
            opt(
                "Wexmoor Refuge Partnership said coercive control prosecutions in the county "
                "had risen, but remained rare.",
                "Wexmoor Refuge Partnership said anyone worried about a partner could also ask "
                "the charity for advice in confidence.",
                "{vv}, of Wexmoor Victims' Voice, said the charity heard from domestic abuse "
                "victims every week who had not been told what was happening with their case.",
            ),
        ),
    ),
    Plan(
        key="emergency_incidents",
        family="news",
        topics=("emergency_response", "vulnerable_people", "general"),
        when=spread("emergency_incidents", 3, 6, 300),
        outlets=("gazette", "echo", "herald"),
        titles=(
            "Officers praised for pulling man from River Wex",
            "'They never came': family waited two hours as burglars ransacked home",
            "Police officers waiting hours with patients as ambulances delayed",
        ),
        beats=(
            (
                "Two Wexmoor Police officers have been praised for wading into the River Wex "
                "in {town} to rescue a man who had fallen in.",
                "A family in {town} say they waited two hours for police after dialling 999 "
                "while burglars were in their home.",
                "Police officers in Wexmoor are spending hours waiting with injured or ill "
                "people because ambulances are delayed, the force says.",
            ),
            (
                "The officers were first on the scene just after 11pm and went into "
                "chest-deep water to reach the man, who was clinging to a branch.",
                "The couple and their two children hid in an upstairs bedroom while the "
                "intruders took car keys, laptops and jewellery.",
                "Last month officers spent more than 1,100 hours at incidents waiting for an "
                "ambulance, up from 400 a year earlier.",
            ),
            (
                'Superintendent {supt} said: "Their quick thinking and bravery saved a life. '
                'They are a credit to the force."',
                '"We were whispering to the call handler for twenty minutes," the father '
                "said. \"When officers arrived the next morning, they apologised. That's not "
                'good enough."',
                'Superintendent {supt} said: "Our officers will never leave a vulnerable '
                "person alone. But every hour they spend waiting is an hour they are not "
                'answering 999 calls."',
            ),
            (
                "The man was taken to hospital and is expected to make a full recovery. "
                'His sister thanked the officers: "They didn\'t hesitate."',
                "Wexmoor Police said the call had been wrongly graded and that it had "
                'referred itself to the IOPC. A spokesperson said: "We let this family down '
                'and we are deeply sorry."',
                "The ambulance service said it was working with hospitals to reduce handover "
                "delays.",
            ),
            opt(
                "Both officers have been nominated for a Royal Humane Society award.",
                "{mp2} MP said she had written to the Chief Constable asking how the "
                "mistake had happened.",
                "The commissioner, {pcc}, said he had raised the issue with the local health "
                "board.",
            ),
        ),
    ),
)
