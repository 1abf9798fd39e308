//! Topics a reader would call blunders: a word that is ambiguous, or part of a
//! name, is not enough for a topic; the story's real topic still comes through.

mod common;

use newsterm_tag::Topic;

fn topics(headline: &str, body: &str) -> Vec<Topic> {
    common::tagger().tag_story(headline, body).topics
}

/// Whether `topics` holds the mnemonic `code` or the top-level Media Topic
/// `medtop`.
fn has(topics: &[Topic], code: &str, medtop: &str) -> bool {
    topics.iter().any(|t| t.code == code || t.code == medtop)
}

#[test]
fn breaking_news_in_a_headline_is_not_breakdance() {
    let t = topics(
        "Breaking: parliament passes the budget after a night of debate",
        "Lawmakers approved the government's spending plan early on Friday by 312 votes \
         to 280, after the opposition failed to delay the vote. The finance minister said \
         the budget would cut the deficit. The bill now goes to the senate, where the \
         governing coalition holds a narrow majority.",
    );
    assert!(!has(&t, "SPORT", "medtop:15000000"), "{t:?}");
    assert!(has(&t, "POLITICS", "medtop:11000000"), "{t:?}");
}

#[test]
fn a_pandemic_emergency_is_health_and_not_religion() {
    let t = topics(
        "President declares national emergency over COVID-19 pandemic",
        "The president declared a national emergency on Friday to free federal money \
         for the fight against the coronavirus pandemic. Hospitals in several states \
         reported a shortage of tests, and health officials urged people to avoid large \
         gatherings. The World Health Organization said the outbreak could be slowed if \
         countries tested and isolated every case. Schools and churches were asked to \
         stay closed for two weeks.",
    );
    assert!(!has(&t, "RELIGION", "medtop:12000000"), "{t:?}");
    assert!(has(&t, "HEALTH", "medtop:07000000"), "{t:?}");
}

#[test]
fn religious_words_inside_names_are_no_religion() {
    let t = topics(
        "Catholic University of America wins basketball title at Christ Church Arena",
        "The Catholic University of America beat Trinity College 78-71 on Saturday to win \
         its first conference basketball championship. Guard Mark Evans scored 24 points \
         in front of a sold-out crowd at Christ Church Arena, and the team's coach said the \
         players had earned the title. The team now plays in the national tournament.",
    );
    assert!(!has(&t, "RELIGION", "medtop:12000000"), "{t:?}");
    assert!(has(&t, "SPORT", "medtop:15000000"), "{t:?}");
}

#[test]
fn christmas_in_a_shopping_story_is_no_religion() {
    let t = topics(
        "Retail sales rise as shoppers return for Christmas",
        "Retailers reported their best December in five years as shoppers spent more on \
         Christmas gifts, food and clothing. Sales at department stores rose 4.2 percent \
         on the year, and online sales grew faster still. The company behind the country's \
         largest chain of supermarkets said its quarterly revenue beat analysts' forecasts.",
    );
    assert!(!has(&t, "RELIGION", "medtop:12000000"), "{t:?}");
    assert!(has(&t, "BUSINESS", "medtop:04000000"), "{t:?}");
}

#[test]
fn the_vehicle_of_an_accident_is_not_business_news() {
    let t = topics(
        "Small plane crashes near regional airport, killing two",
        "A light aircraft crashed shortly after take-off from the regional airport on \
         Sunday, killing the pilot and a passenger. The plane, a twin-engine jet on a \
         private flight, came down in a field and caught fire. Firefighters put out the \
         blaze, and investigators recovered the flight recorder. A third person was \
         injured and taken to hospital.",
    );
    assert!(has(&t, "DISASTER", "medtop:03000000"), "{t:?}");
    assert!(!has(&t, "BUSINESS", "medtop:04000000"), "{t:?}");
    // Without a calamity, an airline buying planes is business news.
    let t = topics(
        "Regional airline orders twenty new jets",
        "The airline agreed on Tuesday to buy twenty passenger jets from the aircraft \
         maker, its largest order in a decade. The aircraft will replace older planes on \
         domestic flights from next year, and the company said the deal would let it add \
         routes. Its shares rose four percent.",
    );
    assert!(has(&t, "TRANSPORT", "medtop:04000000"), "{t:?}");
}

#[test]
fn an_aside_deep_in_a_story_is_not_its_topic() {
    // An obituary of a scientist whose body mentions the war he served in.
    let t = topics(
        "Pioneering chemist dies aged 91",
        "The chemist, whose research on catalysts changed how fertiliser is made, died \
         at his home on Tuesday, his family said. He was 91. Colleagues remembered a \
         patient teacher who published more than 300 papers and trained a generation of \
         scientists at the university, where he led the laboratory for thirty years. \
         Born in a small town, he studied chemistry after school and won a scholarship \
         to study abroad, where he met his wife. Their four children survive him. \
         In his youth he had served two years as a soldier in the army during the war, \
         and was wounded in the fighting, an experience he rarely spoke about. His last paper appeared in a journal this spring.",
    );
    assert!(has(&t, "SCIENCE", "medtop:13000000"), "{t:?}");
    assert!(!has(&t, "CONFLICT", "medtop:16000000"), "{t:?}");
}

#[test]
fn an_impeachment_trial_is_politics_not_crime() {
    let t = topics(
        "Senate sets rules for the president's impeachment trial",
        "The Senate voted on Tuesday on the rules of the impeachment trial of the \
         president, who is accused of abuse of power and obstruction of Congress. \
         Senators will hear opening arguments from the House managers this week, and the \
         majority leader said the Senate trial could end within two weeks.",
    );
    assert!(has(&t, "POLITICS", "medtop:11000000"), "{t:?}");
    assert!(!has(&t, "CRIME", "medtop:02000000"), "{t:?}");
}

#[test]
fn a_topic_word_naming_a_civic_thing_in_a_compound_is_not_that_topic() {
    // "church" in "church hall": a venue, here of a planning dispute.
    let t = topics(
        "Residents object to plan to sell church hall for flats",
        "Residents packed a meeting on Thursday to object to the plan to sell the church \
         hall to a developer, who wants to build twelve flats on the site. The council's \
         planning committee will decide next month.",
    );
    assert!(!has(&t, "RELIGION", "medtop:12000000"), "{t:?}");
    // "parish" in "parish council": local government, not religion.
    let t = topics(
        "Parish council approves new bus shelter",
        "The parish council voted on Tuesday to build a bus shelter on the main road \
         after residents complained about waiting in the rain. The shelter will cost \
         12,000 pounds, paid from the council's budget, and should be finished by the \
         spring, the council's chairman said.",
    );
    assert!(!has(&t, "RELIGION", "medtop:12000000"), "{t:?}");
    // The same word heading its own topic's story still counts.
    let t = topics(
        "Parish priest leads prayers for flood victims",
        "The parish priest led a special service of prayer at the church on Sunday for \
         the families who lost their homes in the floods, and the diocese opened a fund \
         for them.",
    );
    assert!(has(&t, "RELIGION", "medtop:12000000"), "{t:?}");
}

#[test]
fn a_peaceful_protest_march_is_politics_not_war() {
    let t = topics(
        "Thousands march in protest against pension reform",
        "Tens of thousands of protesters marched through the capital on Saturday in a \
         protest against the government's plan to raise the pension age. Demonstrators \
         carried placards and banners to parliament, where opposition lawmakers spoke to \
         the crowd. Organisers said the protest was the largest in a decade; the march \
         ended peacefully in the evening.",
    );
    assert!(!has(&t, "CONFLICT", "medtop:16000000"), "{t:?}");
    assert!(has(&t, "POLITICS", "medtop:11000000"), "{t:?}");
    // Riots and clashes with riot police are still civil unrest, under conflict.
    let t = topics(
        "Riots spread as protesters clash with riot police",
        "Riots broke out in three cities overnight as protesters clashed with riot police, \
         who fired tear gas. Rioters set cars alight and looted shops, and the clashes \
         went on until dawn.",
    );
    assert!(has(&t, "CONFLICT", "medtop:16000000"), "{t:?}");
}

#[test]
fn body_words_alone_do_not_make_the_topic_of_a_story_whose_opening_names_none() {
    // The opening says what happened (a man crossed the sea on a hoverboard);
    // the fuel, the flight and the jets of the body are its details.
    let t = topics(
        "Inventor crosses the sea standing on his own hoverboard",
        "On Sunday morning the inventor crossed the sea standing on a small board of his \
         own design, which he steered with his feet, and landed on a beach on the far side \
         to the cheers of a crowd that had waited there since dawn. His wife and his two \
         children were among the first to greet him. \"I am very happy, and very tired,\" \
         he told the people around him, before he sat down on the sand for a long time. \
         The crossing took twenty-two minutes, with one stop halfway, on a boat, to take \
         on more fuel. It was his second \
         attempt: in July he fell into the water. The board is lifted by five small jet \
         engines. He said the flight had been exhausting. A plane and several boats \
         followed him across. Several jet makers had shown interest, he said.",
    );
    assert!(!has(&t, "TRANSPORT", "medtop:04000000"), "{t:?}");
}

#[test]
fn what_a_person_died_of_does_not_make_an_obituary_a_health_story() {
    let t = topics(
        "Radio host dies aged 79",
        "The radio host, known to millions of listeners for his morning show, died on \
         Friday in hospital after a long lung disease, his family said. He was 79. He \
         had been treated for cancer a decade ago and returned to the air within months.",
    );
    assert!(!has(&t, "HEALTH", "medtop:07000000"), "{t:?}");
    // When the headline says the death is about an illness, health stays.
    let t = topics(
        "Radio host dies of coronavirus aged 79",
        "The radio host, known to millions of listeners for his morning show, died on \
         Friday in hospital of coronavirus, his family said. He was 79.",
    );
    assert!(has(&t, "HEALTH", "medtop:07000000"), "{t:?}");
}

#[test]
fn words_used_in_their_other_sense_are_no_topic() {
    // "in a similar fashion" is no fashion story.
    let t = topics(
        "Music company launches video player",
        "The company launched a music and video player on Wednesday, and its chief \
         executive said it would change the film industry in a similar fashion to the \
         music industry before it.",
    );
    assert!(!has(&t, "LIFESTYLE", "medtop:10000000"), "{t:?}");
    // People who try to storm a building bring no storm.
    let t = topics(
        "Protesters try to storm parliament",
        "Protesters tried to storm the parliament building on Friday night, and several \
         were injured when police pushed them back.",
    );
    assert!(!has(&t, "WEATHER", "medtop:17000000"), "{t:?}");
    assert!(!has(&t, "DISASTER", "medtop:03000000"), "{t:?}");
}

#[test]
fn an_attack_counter_terror_police_take_on_is_an_act_of_terror() {
    // A stabbing that counter-terrorism police investigate, by an attacker
    // said to be radicalised, is terrorism (conflict, war and peace) as
    // well as crime, though the story never calls it a terror attack.
    let t = topics(
        "Two killed in knife attack at railway station",
        "A man stabbed passengers at the main railway station on Saturday evening, \
         killing two and wounding four before officers detained him. Counter-terrorism \
         police took over the investigation on Sunday, and a senior officer said the \
         suspect had been radicalised online. Detectives searched an address in the \
         north of the city and arrested a second man. Police said there was no wider \
         threat to the public.",
    );
    assert!(has(&t, "TERROR", "medtop:16000000"), "{t:?}");
    assert!(has(&t, "CRIME", "medtop:02000000"), "{t:?}");
}
