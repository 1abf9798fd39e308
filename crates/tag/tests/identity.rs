//! One entity per real thing: every mention of one person, organisation or place
//! in a story carries one canonical name and id, and the same thing gets the same
//! id in every story, whichever form of its name a story uses.

mod common;

use std::collections::BTreeSet;

use common::{article, assert_lone_name_is, canonical_names, story, tagger};
use newsterm_tag::{EntityType, KnownPeople};

/// The distinct ids of the entities of one kind in `text`.
fn ids(text: &str, kind: EntityType) -> BTreeSet<String> {
    tagger()
        .tag(text)
        .entities
        .iter()
        .filter(|e| e.kind == kind)
        .map(|e| e.id.clone())
        .collect()
}

#[test]
fn a_person_named_in_full_then_by_surname_and_title_is_one_person() {
    let text = "Biden meets Xi in Bali\n\nPresident Joe Biden met Chinese leader Xi Jinping \
                on Monday. Biden said the talks were frank. Mr. Biden later flew home, and \
                Xi returned to Beijing.";
    let people = ids(text, EntityType::Person);
    assert_eq!(people.len(), 2, "{people:?}");
}

#[test]
fn a_company_with_and_without_its_legal_form_is_one_organisation() {
    for (long, short) in [("Apple Inc.", "Apple"), ("Tesco PLC", "Tesco")] {
        let a = ids(
            &format!("{long} said profits rose in the quarter."),
            EntityType::Org,
        );
        let b = ids(
            &format!("{short} shares gained 3% on Monday after the company raised its forecast."),
            EntityType::Org,
        );
        assert_eq!(a.len(), 1, "{long}: {a:?}");
        assert_eq!(a, b, "{long} / {short}");
    }
}

#[test]
fn a_company_named_with_its_group_then_by_its_short_name_is_one_organisation() {
    // A Nordic legal form is a legal form too, and the short name further on
    // ("Orkla") is the company named in full before.
    for (full, short) in [
        ("Vestas Wind Systems A/S", "Vestas Wind Systems"),
        ("Orkla Group ASA", "Orkla"),
        ("Hafslund Holdings AB", "Hafslund"),
        ("General Motors Corporation", "General Motors"),
        ("Burberry Group", "Burberry"),
    ] {
        let text = format!(
            "{full} agreed on Tuesday to buy 300 shops from a rival. {short} will pay \
             2.1 billion euros for them, {short} said in a statement."
        );
        let orgs = ids(&text, EntityType::Org);
        assert_eq!(orgs.len(), 1, "{full} / {short}: {orgs:?}");
    }
    // Under the id a story naming it by its short name alone gives it.
    let text = "General Motors Corporation cut 2,000 jobs on Monday. General Motors said \
                demand had fallen.";
    let alone = "General Motors cut 2,000 jobs on Monday. It said demand had fallen.";
    let (both, alone) = (ids(text, EntityType::Org), ids(alone, EntityType::Org));
    assert_eq!(both.len(), 1, "{both:?}");
    assert_eq!(both, alone);
    // A part of a company, named with its country, is not the company.
    let text = "Netto said on Monday that Netto Poland would open 40 shops this year.";
    let orgs = ids(text, EntityType::Org);
    assert_eq!(orgs.len(), 2, "{orgs:?}");
}

/// Asserts that every text of `written` names one organisation, the same one.
fn one_organisation(written: &[&str]) {
    let all: Vec<_> = written.iter().map(|t| ids(t, EntityType::Org)).collect();
    assert!(all.iter().all(|a| a == &all[0] && a.len() == 1), "{all:?}");
}

#[test]
fn an_organisation_with_an_abbreviated_country_or_body_in_its_name_is_one_organisation() {
    one_organisation(&[
        "The U.N. Security Council will meet on Friday.",
        "The UN Security Council will meet on Friday.",
        "The United Nations Security Council will meet on Friday.",
    ]);
    one_organisation(&[
        "The U.S. Congress passed the bill.",
        "The US Congress passed the bill.",
        "The United States Congress passed the bill.",
    ]);
    // A country before an organisation that is one the world over adds
    // nothing: "the U.S. Federal Reserve" is the Federal Reserve.
    one_organisation(&[
        "Markets rose after the U.S. Federal Reserve held rates on Wednesday.",
        "Markets rose after the US Federal Reserve held rates on Wednesday.",
        "Markets rose after the Federal Reserve held rates on Wednesday.",
    ]);
    // The United States' parties go by their names alone.
    one_organisation(&[
        "The U.S. Libertarian Party chose its nominee in May.",
        "The US Libertarian Party chose its nominee in May.",
        "The Libertarian Party chose its nominee in May.",
    ]);
    // "The House" of a story in the United States, and "the U.S. House",
    // are its House of Representatives.
    one_organisation(&[
        "The U.S. House voted 232 to 196 to pass the measure.",
        "The U.S. House of Representatives voted 232 to 196 to pass the measure.",
    ]);
}

#[test]
fn a_name_that_opens_with_usa_keeps_it() {
    // "USA Today" is a newspaper's name, not the United States' "Today".
    let tags = tagger()
        .tag("According to the USA Today Washington Bureau, the senator will not run again.");
    let org = tags
        .entities
        .iter()
        .find(|e| e.kind == EntityType::Org && e.text.starts_with("USA Today"))
        .unwrap_or_else(|| panic!("{:?}", tags.entities));
    assert!(org.canonical.starts_with("USA Today"), "{org:?}");
}

#[test]
fn the_country_under_any_of_its_names_is_one_place() {
    let places: BTreeSet<String> = [
        "Officials in the United States said so.",
        "Officials in the US said so.",
        "Officials in the U.S. said so.",
        "Officials in America said so.",
        "Officials in the USA said so.",
    ]
    .iter()
    .flat_map(|t| ids(t, EntityType::Loc))
    .collect();
    assert_eq!(places.len(), 1, "{places:?}");
}

#[test]
fn a_story_naming_a_person_by_surname_alone_gets_the_id_other_stories_gave_them() {
    let known = KnownPeople::default();
    let full = tagger().tag_content_known(
        &story(
            "Biden meets Xi",
            "President Joe Biden met Chinese leader Xi Jinping on Monday. Biden said the talks were frank.",
        ),
        &known,
    );
    let flash = tagger().tag_content_known(
        &story(
            "Biden signs climate bill",
            "Mr. Biden signed the climate bill on Tuesday, the White House said.",
        ),
        &known,
    );
    let person_ids = |t: &newsterm_story::Tags| -> BTreeSet<String> {
        t.entities
            .iter()
            .filter(|e| e.kind == EntityType::Person)
            .map(|e| e.id.clone())
            .collect()
    };
    assert!(person_ids(&full).contains("person:joe-biden"));
    assert_eq!(
        person_ids(&flash),
        BTreeSet::from(["person:joe-biden".to_string()])
    );
    assert_eq!(flash.names(EntityType::Person), ["Joe Biden"]);
}

#[test]
fn a_surname_alone_with_nothing_else_of_a_person_is_the_person_other_stories_named() {
    // A flash that names someone by a surname the census does not count,
    // with no title, speech or pronoun: on its own it shows nothing of a
    // person, but the archive knows who it is.
    let known = KnownPeople::default();
    let full = tagger().tag_content_known(
        &story(
            "Turkey's president visits Moscow",
            "Turkish President Recep Tayyip Erdoğan met Vladimir Putin in Moscow on Monday. \
             Erdoğan said the talks went well.",
        ),
        &known,
    );
    let his = full
        .entities
        .iter()
        .find(|e| e.kind == EntityType::Person && e.canonical.ends_with("Erdoğan"))
        .map(|e| e.id.clone())
        .expect("the full story names him");
    let flash = tagger().tag_content_known(
        &story(
            "Erdoğan signs new media law",
            "Erdoğan signed the media law on Tuesday.",
        ),
        &known,
    );
    let ids: Vec<&str> = flash
        .entities
        .iter()
        .filter(|e| e.kind == EntityType::Person)
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(ids, [his.as_str(), his.as_str()], "{:?}", flash.entities);
}

/// The speakers of the quotes in `text`.
fn speakers(text: &str) -> Vec<Option<String>> {
    tagger()
        .tag(text)
        .quotes
        .into_iter()
        .map(|q| q.speaker)
        .collect()
}

#[test]
fn the_president_is_the_storys_one_president_and_nobody_when_there_are_two() {
    let one = speakers(
        "Biden meets Xi\n\nPresident Joe Biden met Chinese leader Xi Jinping on Monday. \
         \"The talks were frank and useful,\" the president told reporters.",
    );
    assert_eq!(one, [Some("Joe Biden".to_string())]);
    let two = speakers(
        "Biden meets Macron\n\nPresident Joe Biden met French President Emmanuel Macron on \
         Monday. \"The talks were frank and useful,\" the president told reporters.",
    );
    assert!(two.iter().all(Option::is_none), "{two:?}");
}

#[test]
fn a_name_ending_a_question_is_the_same_person_as_elsewhere() {
    // An interview as Wikinews prints it, where the model ran the names into the
    // question mark before the next speaker's mark.
    let text = "Interview with a candidate\n\n((WN)) How do you compare to the leadership \
                styles of President Donald Trump and former President Barack Obama?\n\n\
                ((WSS)) : I would listen more.\n\n((WN)) How would you have handled the \
                pandemic differently than President Trump?\n\n((WSS)) : I would have acted at once.";
    let tags = tagger().tag(text);
    let people: BTreeSet<&str> = tags
        .entities
        .iter()
        .filter(|e| e.kind == EntityType::Person)
        .map(|e| e.canonical.as_str())
        .collect();
    assert_eq!(
        people,
        BTreeSet::from(["Barack Obama", "Donald Trump"]),
        "{:?}",
        tags.entities
    );
    assert!(
        tags.entities
            .iter()
            .all(|e| e.text.chars().last().is_some_and(char::is_alphanumeric)),
        "{:?}",
        tags.entities
    );
}

#[test]
fn the_domain_of_a_title_is_no_part_of_the_name_after_it() {
    for (text, name, domain) in [
        (
            "The decision was welcomed in a tweet on Monday by US Secretary of State Mike \
             Pompeo, who called it historic.",
            "Mike Pompeo",
            "State",
        ),
        (
            "Minister of Education Stefania Giannini said a more general reflection was \
             needed before the reform.",
            "Stefania Giannini",
            "Education",
        ),
    ] {
        let tags = tagger().tag(text);
        let person = tags
            .entities
            .iter()
            .find(|e| e.kind == EntityType::Person && e.canonical == name)
            .unwrap_or_else(|| panic!("{name} not a person in {:?}", tags.entities));
        assert!(
            person.role.as_deref().is_some_and(|r| r.contains(domain)),
            "{person:?}"
        );
        assert!(
            tags.entities.iter().all(|e| !e.text.starts_with(domain)),
            "{:?}",
            tags.entities
        );
    }
}

#[test]
fn an_organisation_or_a_place_after_a_title_keeps_its_whole_name() {
    let text = "Mary Jones, Chief Operating Officer of Delta Air Lines, met the Governor of \
                New South Wales on Monday.";
    let tags = tagger().tag(text);
    let names: BTreeSet<(&str, EntityType)> = tags
        .entities
        .iter()
        .map(|e| (e.text.as_str(), e.kind))
        .collect();
    assert!(
        names.contains(&("Delta Air Lines", EntityType::Org)),
        "{names:?}"
    );
    assert!(
        names.contains(&("New South Wales", EntityType::Loc)),
        "{names:?}"
    );
}

#[test]
fn a_named_storm_is_no_person_and_no_place() {
    let text = "Hurricane Dorian strengthens near the Bahamas\n\nHurricane Dorian reached \
                category 5 on Sunday as it neared the Bahamas. Forecasters said Dorian could \
                turn north toward Florida, as Hurricane Maria did two years ago.";
    let tags = tagger().tag(text);
    assert!(
        tags.entities.iter().all(|e| !matches!(
            e.canonical.as_str(),
            "Dorian" | "Hurricane Dorian" | "Maria" | "Hurricane Maria"
        ) || e.kind == EntityType::Norp),
        "{:?}",
        tags.entities
    );
    assert!(
        tags.entities
            .iter()
            .any(|e| e.canonical == "Bahamas" && e.kind == EntityType::Loc),
        "{:?}",
        tags.entities
    );
}

#[test]
fn an_interviews_speaker_marks_give_people_and_no_initials() {
    let text = "Wikinews interviews a games designer\n\n((WSS))  What got you started?\n\n\
                ((Perttu Ahola))  No. I was in school when I wrote the first version.\n\n\
                ((WSS))  Did Perttu Ahola work alone?\n\n((Perttu Ahola))  Yes, for years.";
    let tags = tagger().tag(text);
    let named: Vec<(&str, EntityType)> = tags
        .entities
        .iter()
        .map(|e| (e.text.as_str(), e.kind))
        .collect();
    assert!(
        named
            .iter()
            .filter(|(t, _)| t.contains("Perttu"))
            .all(|n| *n == ("Perttu Ahola", EntityType::Person)),
        "{named:?}"
    );
    assert!(named.iter().any(|(t, _)| *t == "Perttu Ahola"), "{named:?}");
    assert!(named.iter().all(|(t, _)| *t != "WSS"), "{named:?}");
}

#[test]
fn a_plural_title_is_no_part_of_the_first_name_after_it() {
    let text = "The shortlist included New Mexico governor Michelle Lujan Grisham, and \
                Senators Kamala Harris and Elizabeth Warren, the campaign said.";
    let tags = tagger().tag(text);
    let harris = tags
        .entities
        .iter()
        .find(|e| e.text.ends_with("Kamala Harris"))
        .unwrap_or_else(|| panic!("Kamala Harris not found in {:?}", tags.entities));
    assert_eq!(harris.text, "Kamala Harris", "{harris:?}");
    assert_eq!(harris.kind, EntityType::Person, "{harris:?}");
}

#[test]
fn a_name_goes_on_across_its_lowercase_particles() {
    let tags = tagger().tag(
        "Geneva talks\n\nEnvoys from both sides met at the Palais des Nations\n\nForeign \
         Minister Annalena Baerbock said in Geneva on Monday that the talks would continue.",
    );
    assert!(
        tags.entities
            .iter()
            .all(|e| e.kind != EntityType::Person || !e.text.contains("Palais")),
        "a building's name is no person: {:?}",
        tags.entities
    );
    assert!(
        tags.entities.iter().any(|e| e.text == "Palais des Nations"),
        "{:?}",
        tags.entities
    );
}

#[test]
fn a_surname_with_its_particle_is_the_person_named_in_full() {
    // A bundled story named "Leon van Biljon" (a place to the model until
    // a late pass), then "Van Biljon" and "van Biljon": those four mentions
    // were an organisation, two of them under a name of their own.
    let text = article("South African 'Lion Man' killed by his lions");
    assert_lone_name_is(&text, "Van Biljon", "Leon van Biljon", 2);
    assert_lone_name_is(&text, "Biljon", "Leon van Biljon", 2);
    let text = "Pieter de Klerk, who farms near Tzaneen, was charged on Monday. De Klerk \
                denied the charge, and friends of de Klerk raised his bail.";
    for e in tagger()
        .tag(text)
        .entities
        .iter()
        .filter(|e| e.text.ends_with("Klerk"))
    {
        assert_eq!(
            (e.kind, e.canonical.as_str()),
            (EntityType::Person, "Pieter de Klerk"),
            "{e:?}"
        );
    }
}

#[test]
fn a_captions_credit_label_is_no_part_of_a_name() {
    // The bundled story's captions credit each picture: "Kamala Harris Image:
    // U.S. Senate."
    let text = article("On the campaign trail in the USA, June 2020");
    assert!(text.contains("Kamala Harris Image: U.S. Senate."));
    let entities = tagger().tag(&text).entities;
    assert!(
        !entities.iter().any(|e| e.text.contains("Image")),
        "{:?}",
        entities
            .iter()
            .filter(|e| e.text.contains("Image"))
            .collect::<Vec<_>>()
    );
    for name in [
        "Kamala Harris",
        "Elizabeth Warren",
        "Michelle Lujan Grisham",
    ] {
        assert!(
            entities
                .iter()
                .any(|e| e.text == name && e.kind == EntityType::Person),
            "{name}"
        );
    }
    // Some captions' labels are glued to the name before them in the source:
    // "Jo JorgensenImage: Jo Jorgensen for President."
    let text = "Libertarian Party nominee Jo Jorgensen spoke on Monday.\n\nJo JorgensenImage: \
                Jo Jorgensen for President.\n\nJorgensen said she would win.";
    let people: BTreeSet<String> = tagger()
        .tag(text)
        .entities
        .into_iter()
        .filter(|e| e.kind == EntityType::Person)
        .map(|e| e.canonical)
        .collect();
    assert_eq!(people, BTreeSet::from(["Jo Jorgensen".to_string()]));
}

#[test]
fn an_ordinary_word_opening_a_sentence_is_no_person() {
    for text in [
        "Crowds gathered outside the Royal Albert Hall in London on Sunday.",
        "Dozens were hurt when the stand collapsed in Leeds.",
    ] {
        let entities = tagger().tag(text).entities;
        assert!(
            !entities.iter().any(|e| e.kind == EntityType::Person),
            "{text}: {entities:?}"
        );
    }
    // A surname that is also a word, opening a sentence, is still the person
    // the story names in full.
    let text = "Apple's chief executive Tim Cook spoke first. Cook said the phone would \
        ship in May.";
    let cooks: Vec<EntityType> = tagger()
        .tag(text)
        .entities
        .iter()
        .filter(|e| e.text.ends_with("Cook"))
        .map(|e| e.kind)
        .collect();
    assert_eq!(cooks, [EntityType::Person, EntityType::Person], "{text}");
}

/// A legislature, court or party named bare is the one of the story's
/// country: the same entity as its full name where the story is American,
/// and apart from it where the story is about another country with a body
/// of that name, or about two such countries.
#[test]
fn a_legislature_court_or_party_named_bare_is_the_body_of_the_story_s_country() {
    let orgs = |text: &str| ids(text, EntityType::Org);
    let bare = orgs(
        "Senate passes budget\n\nThe Senate passed the bill on Tuesday in Washington, D.C., \
         sending it to President Joe Biden. The Supreme Court is expected to hear a challenge, \
         and the House votes next week. Congress must act by Friday.",
    );
    let full = orgs(
        "Budget passes\n\nThe United States Senate passed the bill on Tuesday, sending it to \
         President Joe Biden. The United States Supreme Court is expected to hear a challenge, \
         and the United States House of Representatives votes next week. The United States \
         Congress must act by Friday.",
    );
    assert_eq!(full.len(), 4, "{full:?}");
    assert_eq!(bare, full);
    // The headline's bare name is the body the story names in full.
    let headlined = orgs(
        "Senate passes budget\n\nThe United States Senate passed the bill on Tuesday, sending \
         it to President Joe Biden.",
    );
    assert_eq!(headlined.len(), 1, "{headlined:?}");
    assert!(headlined.is_subset(&full), "{headlined:?}");

    // A story of the United States that names a foreign place once still
    // means the US body (the two stories below differ only in Mexico City,
    // whose country has a congress of its own).
    let us_only = orgs(
        "Sixteen states sued in California, Texas and Ohio, saying Congress had not \
         approved the money. Officials in Florida and Nevada agreed.",
    );
    let with_mexico = orgs(
        "Sixteen states sued in California, Texas and Ohio, saying Congress had not \
         approved the money. Officials in Florida, Nevada and Mexico City agreed.",
    );
    assert_eq!(us_only.len(), 1, "{us_only:?}");
    assert_eq!(with_mexico, us_only);

    // A party named with its country is the party.
    let party = orgs("The Democratic Party met in Chicago, Illinois.");
    assert_eq!(party.len(), 1, "{party:?}");
    for text in [
        "Joe Biden won the U.S. Democratic Party primary in Chicago.",
        "The US Democratic Party met in Paris, France.",
    ] {
        assert_eq!(orgs(text), party, "{text}");
    }

    let us_senate = orgs("The United States Senate met on Monday.");
    for elsewhere in [
        "The Senate passed the bill in Canberra on Tuesday, Prime Minister Anthony Albanese \
         said.",
        "The Senate passed the bill in Canberra on Tuesday. A similar bill is stuck in \
         Washington, D.C., and in Ohio.",
    ] {
        let found = orgs(elsewhere);
        assert_eq!(found.len(), 1, "{elsewhere}: {found:?}");
        assert!(found.is_disjoint(&us_senate), "{elsewhere}: {found:?}");
    }
}

#[test]
fn a_countrys_parliament_or_court_is_one_body_however_named() {
    let orgs = |text: &str| ids(text, EntityType::Org);
    // Two ways of naming Iraq's parliament, and the bare name in a story
    // about Iraq, are one body.
    let written_out = orgs("The Parliament of Iraq voted on Sunday.");
    assert_eq!(written_out.len(), 1, "{written_out:?}");
    for text in [
        "The Iraqi Parliament voted on Sunday.",
        "Lawmakers in Baghdad met on Sunday, and Parliament voted to expel the troops. Iraq's \
         prime minister, speaking in Basra, welcomed the vote.",
    ] {
        assert_eq!(orgs(text), written_out, "{text}");
    }
    // "UK Parliament" and a British story's bare Parliament and Supreme Court
    // are the United Kingdom's, as "Supreme Court of the United Kingdom" is.
    let uk = orgs(
        "The UK Parliament sat late in London. The Supreme Court of the United Kingdom ruled.",
    );
    assert_eq!(uk.len(), 2, "{uk:?}");
    let bare = orgs(
        "Prime Minister Boris Johnson asked the Queen in London to suspend Parliament. In \
         Edinburgh and London, campaigners asked the Supreme Court to rule, and the United \
         Kingdom waited.",
    );
    assert_eq!(bare, uk);

    // A bare name stays apart where the story does not settle it: a story of
    // a state (its own parliament), a story of two countries, a story that
    // names another country's body of the kind in full.
    let australia = orgs("The Parliament of Australia sat on Monday.");
    let us_senate = orgs("The United States Senate met on Monday.");
    for (text, bare, other) in [
        (
            "Abortion was decriminalised in New South Wales after Parliament voted in Sydney. \
             New South Wales joins Queensland; Australia has no federal law.",
            "Parliament",
            &australia,
        ),
        (
            "Parliament in Paris met as German and French ministers talked in Berlin.",
            "Parliament",
            &orgs("The French Parliament met."),
        ),
        (
            "The governor of Puerto Rico resigned in San Juan. The Senate will confirm his \
             successor, a former member of the U.S. Senate. Puerto Rico's Senate meets today.",
            "Senate",
            &us_senate,
        ),
    ] {
        let found: BTreeSet<String> = tagger()
            .tag(text)
            .entities
            .into_iter()
            .filter(|e| e.kind == EntityType::Org && e.text == bare)
            .map(|e| e.id)
            .collect();
        assert!(!found.is_empty(), "{text}");
        assert!(found.is_disjoint(other), "{text}: {found:?}");
    }
}

#[test]
fn a_person_named_by_the_first_of_two_surnames_is_that_person() {
    let people = |text: &str| ids(text, EntityType::Person);
    for (text, full) in [
        (
            "Governor Ricardo Rosselló Nevares resigned on Wednesday. Rosselló said he would \
             leave office next week.",
            "Ricardo Rosselló Nevares",
        ),
        (
            "Actor Robert Downey Jr. paid tribute. During the broadcast, Downey said he was \
             heartbroken.",
            "Robert Downey Jr.",
        ),
    ] {
        let found = people(text);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        assert_eq!(found, people(full), "{text}");
    }
    // An initial is no surname: "W." of "George W. Bush" names no one alone.
    let tags = tagger().tag("George W. Bush spoke. Later W. Smith and Bush met.");
    assert!(
        tags.entities
            .iter()
            .filter(|e| e.text == "W.")
            .all(|e| e.canonical != "George W. Bush"),
        "{:?}",
        tags.entities
    );
}

#[test]
fn a_word_saying_what_someone_is_is_no_part_of_their_name() {
    let people = |text: &str| ids(text, EntityType::Person);
    for (text, name) in [
        (
            "Astronomer Anthony Boccaletti discussed the discovery with reporters.",
            "Anthony Boccaletti",
        ),
        (
            "Guitarist Eddie Van Halen died on Tuesday at 65.",
            "Eddie Van Halen",
        ),
        (
            "Historian Darcy Richardson was nominated for vice president.",
            "Darcy Richardson",
        ),
    ] {
        let found = people(text);
        assert_eq!(found, people(name), "{text}");
    }
    // A given name that is also a word opens the name ("Bill de Blasio").
    let found = people("Mayor Bill de Blasio spoke on Monday.");
    assert_eq!(found, people("Bill de Blasio"));
}

#[test]
fn a_trade_a_party_a_home_or_a_foreign_title_is_no_part_of_a_name() {
    let people = |text: &str| ids(text, EntityType::Person);
    // Words the model never saw as titles: a trade known by its ending, an
    // ordinary word before a given name, a party, a state.
    for (text, name) in [
        (
            "Columnist Nadia Okafor wrote that the plan would fail.",
            "Nadia Okafor",
        ),
        (
            "Voter Mary Chen said she had waited an hour to cast her ballot.",
            "Mary Chen",
        ),
        (
            "On Tuesday, Republican Susan Collins said she would vote against the bill.",
            "Susan Collins",
        ),
        (
            "In 2000, the then-governor of Texas Rick Perry signed the law.",
            "Rick Perry",
        ),
        // A doer's noun too rare for the word classes, before a name whose
        // given name no list has.
        (
            "The campaign named Podcaster Rafe Okonjo as its running mate on Saturday. \
             Okonjo thanked the delegates.",
            "Rafe Okonjo",
        ),
        (
            "Vlogger Tamsin Arkwright will host the show.",
            "Tamsin Arkwright",
        ),
    ] {
        let found = people(text);
        assert_eq!(found, people(name), "{text}");
    }
    // Another language's form of address before the surname of someone the
    // story names in full is that person.
    for (text, full, short) in [
        (
            "Claire Dupont testified on Monday. The court found that Mme Dupont told the truth.",
            "Claire Dupont",
            "Mme Dupont",
        ),
        (
            "President Emmerson Mnangagwa spoke at the funeral. Cde Mnangagwa praised the \
             liberation fighters.",
            "Emmerson Mnangagwa",
            "Cde Mnangagwa",
        ),
    ] {
        // The texts are ASCII: byte offsets are char offsets.
        let at = text.find(short).expect("the short form is in the text");
        let tags = tagger().tag(text);
        let later: BTreeSet<String> = tags
            .entities
            .iter()
            .filter(|e| e.start >= at && e.kind == EntityType::Person)
            .map(|e| e.id.clone())
            .collect();
        assert_eq!(later, people(full), "{text}: {:?}", tags.entities);
    }
    // A party alone names no one.
    let tags =
        tagger().tag("Maxine Waters, the most senior Democrat on the committee, spoke first.");
    assert!(
        !tags
            .entities
            .iter()
            .any(|e| e.text == "Democrat" && e.kind == EntityType::Person),
        "{:?}",
        tags.entities
    );
    // A surname's own particle stays ("De Zoysa" is Louis De Zoysa).
    let text = "Louis De Zoysa was charged on Monday. De Zoysa appeared in court.";
    let tags = tagger().tag(text);
    assert!(
        tags.entities
            .iter()
            .any(|e| e.text == "De Zoysa" && e.canonical == "Louis De Zoysa"),
        "{:?}",
        tags.entities
    );
}

#[test]
fn a_surname_that_is_a_title_or_has_a_joined_particle_is_the_person() {
    let people = |text: &str| ids(text, EntityType::Person);
    // "Bashar al-Assad" was "Bashar" in bundled stories, "Martin Luther King
    // Jr." "Martin Luther", and the later "Assad" and "King" no one.
    for (text, full, short) in [
        (
            "The United States opposes Syrian President Bashar al-Assad. Assad said the war \
             was over.",
            "Bashar al-Assad",
            "Assad",
        ),
        (
            "The former leader John Major said the deal was bad. Major later left the party.",
            "John Major",
            "Major",
        ),
        (
            "He quoted Martin Luther King Jr. in his speech. King was killed in 1968.",
            "Martin Luther King Jr.",
            "King",
        ),
    ] {
        let tags = tagger().tag(text);
        let found = |name: &str| {
            tags.entities
                .iter()
                .find(|e| e.text == name && e.kind == EntityType::Person)
                .unwrap_or_else(|| panic!("{name:?} not found in {text:?}: {:?}", tags.entities))
                .id
                .clone()
        };
        assert_eq!(found(full), found(short), "{text}");
    }
    // A title before a name is still a title, and "the King of Spain" is
    // not Stephen King.
    let tags = tagger()
        .tag("Stephen King wrote a new novel. King said it was scary. The King of Spain read it.");
    let kings: Vec<_> = tags.entities.iter().filter(|e| e.text == "King").collect();
    assert_eq!(kings.len(), 1, "{:?}", tags.entities);
    assert_eq!(
        people("Major General Mark Smith spoke."),
        people("Mark Smith")
    );
}

#[test]
fn a_body_called_only_by_its_kind_is_the_one_body_the_story_names_or_none() {
    let orgs = |text: &str| -> Vec<(String, String, bool)> {
        tagger()
            .tag(text)
            .entities
            .into_iter()
            .filter(|e| e.kind == EntityType::Org)
            .map(|e| (e.text, e.id, e.unresolved.is_some()))
            .collect()
    };
    let id_of = |found: &[(String, String, bool)], text: &str| -> Vec<String> {
        found
            .iter()
            .filter(|(t, _, _)| t == text)
            .map(|(_, id, _)| id.clone())
            .collect()
    };
    // The bare kind is the one body of that kind the story names in full,
    // whether the full name ends with the kind or goes on with "of".
    for (text, full, bare) in [
        (
            "The Supreme Court of Canada ruled on Friday. The Court said the law stands.",
            "Supreme Court of Canada",
            "Court",
        ),
        (
            "The Department of Justice opened an inquiry. The Department said it would report \
             in May.",
            "Department of Justice",
            "Department",
        ),
        (
            "Officers of the Chilean Air Force met in Santiago. Pilots of Sky Airline were \
             briefed by the Air Force on Monday.",
            "Chilean Air Force",
            "Air Force",
        ),
    ] {
        let found = orgs(text);
        let full_id = id_of(&found, full);
        assert_eq!(full_id.len(), 1, "{text}: {found:?}");
        assert!(!full_id[0].is_empty(), "{text}: {found:?}");
        let bare_ids = id_of(&found, bare);
        assert!(!bare_ids.is_empty(), "{text}: {found:?}");
        assert!(
            bare_ids.iter().all(|id| *id == full_id[0]),
            "{text}: {found:?}"
        );
    }
    // With no body of its kind named, or two, the bare kind names no one
    // body: it is still an organisation, with no id, and the story's names
    // (which facets and lists count) leave it out.
    for (text, bare) in [
        (
            "The Court ruled on Friday that the election must be held again.",
            "Court",
        ),
        (
            "Although the House approved the measures, the vote was delayed.",
            "House",
        ),
        (
            "Researchers of the University of Bristol and of Johns Hopkins University took \
             part. The University said the results were clear.",
            "University",
        ),
        (
            "The paper also spoke to the Navy Information Agency. The Navy said it had no \
             record of the ship.",
            "Navy",
        ),
    ] {
        let found = orgs(text);
        let bare_found: Vec<_> = found.iter().filter(|(t, _, _)| t == bare).collect();
        assert!(!bare_found.is_empty(), "{text}: {found:?}");
        assert!(
            bare_found
                .iter()
                .all(|(_, id, unresolved)| id.is_empty() && *unresolved),
            "{text}: {found:?}"
        );
        let tags = tagger().tag(text);
        assert!(
            !tags.names(EntityType::Org).contains(&bare),
            "{text}: {:?}",
            tags.names(EntityType::Org)
        );
    }
    // A name of two kinds of body is a body's own name.
    let party = orgs("The Alliance Party won two seats in the election on Thursday.");
    assert!(
        party
            .iter()
            .any(|(t, id, unresolved)| t == "Alliance Party" && !id.is_empty() && !unresolved),
        "{party:?}"
    );
}

/// Every mention of someone a story names in full is that person: "Erdogan"
/// beside "Recep Tayyip Erdoğan" (the accents left out), and "Day" beside
/// "Doris Day", whose surname ends holidays' names too. A holiday of a given
/// name stays no one.
#[test]
fn a_person_named_by_surname_alone_is_one_person_however_it_is_spelled_or_what_it_ends() {
    for (headline, full, lone) in [
        (
            "Turkey's President Erdogan proposes converting Hagia Sophia",
            "Recep Tayyip Erdoğan",
            "Erdogan",
        ),
        ("Actor Doris Day dies at 97", "Doris Day", "Day"),
    ] {
        assert_lone_name_is(&article(headline), lone, full, 2);
    }
    let tags = tagger().tag("Crowds marked Victoria Day with fireworks in Toronto.");
    assert!(
        tags.entities.iter().all(|e| e.kind != EntityType::Person),
        "{:?}",
        tags.entities
    );
}

/// A word alone that opens an organisation's name in the story, and that
/// the model took for a person, is that organisation under its full name
/// ("Mahan" of "Mahan Air"); a country opening one ("Qatar Airways")
/// stays the country.
#[test]
fn an_organisation_named_by_its_first_word_alone_is_the_organisation() {
    let tags = tagger().tag(&article("Germany bans Mahan Air of Iran"));
    let alone: Vec<_> = tags.entities.iter().filter(|e| e.text == "Mahan").collect();
    assert!(!alone.is_empty(), "{:?}", tags.entities);
    for e in alone {
        assert_eq!(
            (e.kind, e.canonical.as_str()),
            (EntityType::Org, "Mahan Air"),
            "{e:?}"
        );
    }
    let tags = tagger()
        .tag("Qatar Airways ordered ten jets on Monday. Qatar said the deal would create jobs.");
    let qatar = tags.entities.iter().find(|e| e.text == "Qatar");
    assert!(
        qatar.is_some_and(|e| e.kind == EntityType::Loc),
        "{:?}",
        tags.entities
    );
}

#[test]
fn a_headline_in_title_case_names_the_body_the_text_does() {
    // The facets count names: "Church Of England" in a headline and "Church
    // of England" in the text were two rows for one body.
    let text = "Church Of England Apologises\n\nThe Church of England said the report was damning.";
    let names: BTreeSet<String> = canonical_names(text, EntityType::Org).into_iter().collect();
    assert_eq!(
        names,
        BTreeSet::from(["Church of England".to_string()]),
        "{text:?}"
    );
}

#[test]
fn a_name_misspelt_once_is_the_name_the_story_gives() {
    // Bundled stories wrote "Chrylser", "Chriac", "Lousiana" and "Github"
    // once beside the right spelling: a person, a person, a place with no
    // point on the map and a place called Github.
    let cases = [
        (
            "Volkswagen said sales fell in May. Unlike Volkswagne, Toyota expects growth \
             this year, analysts said.",
            "Volkswagne",
            EntityType::Org,
            "Volkswagen",
        ),
        (
            "Angela Merkel met reporters in Berlin on Monday. Later, Merkle said the talks \
             would go on.",
            "Merkle",
            EntityType::Person,
            "Angela Merkel",
        ),
        (
            "Floods hit Mississippi on Monday. The governor of Missisippi declared an \
             emergency on Tuesday.",
            "Missisippi",
            EntityType::Loc,
            "Mississippi",
        ),
    ];
    for (text, slip, kind, name) in cases {
        let entities = tagger().tag(text).entities;
        let right = entities
            .iter()
            .find(|e| e.text == name)
            .unwrap_or_else(|| panic!("{name:?} untagged in {text:?}: {entities:?}"));
        let e = entities
            .iter()
            .find(|e| e.text == slip)
            .unwrap_or_else(|| panic!("{slip:?} untagged in {text:?}: {entities:?}"));
        assert_eq!(
            (e.kind, e.canonical.as_str(), &e.id, e.lat),
            (kind, right.canonical.as_str(), &right.id, right.lat),
            "{text:?}"
        );
    }
    // A slip near several spellings of one person's name takes the one
    // the story gives most ("Pierliusi" beside Pedro Pierluisi's names).
    let text = "Governor Pedro Pierluisi was sworn in on Friday. The oath of Pedro R. \
        Pierluisi Urrutia was taken before a judge. Pierluisi said he would serve. Senators \
        filed a lawsuit against Pierliusi on Sunday.";
    let entities = tagger().tag(text).entities;
    let slip = entities.iter().find(|e| e.text == "Pierliusi");
    assert_eq!(
        slip.map(|e| e.canonical.as_str()),
        Some("Pedro Pierluisi"),
        "{entities:?}"
    );
    // Two real places one letter apart stay two.
    let text = "The fair moved from Pittsburg, Kansas, to Pittsburgh this year, the \
        organisers said.";
    let names = canonical_names(text, EntityType::Loc);
    assert!(
        names.iter().any(|n| n == "Pittsburg") && names.iter().any(|n| n == "Pittsburgh"),
        "{names:?}"
    );
}

#[test]
fn a_party_named_by_its_words_alone_is_the_party() {
    // "Boris Johnson elected Conservative leader" gave the ORG facet a row
    // "Conservative" beside "Conservative Party".
    for (text, word) in [
        (
            "The Conservative Party held its vote on Friday. Members elected Ana Lopez as the \
             new Conservative leader, and the party thanked her rival.",
            "Conservative",
        ),
        (
            "The Labour Party lost 42 seats. The Blyth Valley seat had always elected a Labour \
             member.",
            "Labour",
        ),
        // A party's name of two words: "Liberal National MP John McVeigh"
        // had given a row "Liberal National".
        (
            "Voters go to the polls after the resignation of Liberal National MP John \
             McVeigh. The Liberal National Party has held the seat since 2009.",
            "Liberal National",
        ),
    ] {
        let entities = tagger().tag(text).entities;
        let lone = entities
            .iter()
            .find(|e| e.text == word && e.kind == EntityType::Org);
        let party = entities.iter().find(|e| e.text == format!("{word} Party"));
        assert!(lone.is_some() && party.is_some(), "{entities:?}");
        assert_eq!(
            lone.map(|e| (&e.canonical, &e.id)),
            party.map(|e| (&e.canonical, &e.id)),
            "{entities:?}"
        );
    }
}

#[test]
fn a_party_written_with_a_small_p_is_the_party() {
    // "My ties to the Republican party" gave "Republican" alone, and
    // "the Liberal party" a row "Liberal party" beside "Liberal Party".
    let text = "Why did you choose to run in the Republican Party? My ties to the \
                Republican party date back to 1979, and I will back the nominee of the \
                Republican party. The Sustainable Australia party stood in Groom.";
    let entities = tagger().tag(text).entities;
    let parties: Vec<_> = entities
        .iter()
        .filter(|e| e.text.starts_with("Republican"))
        .collect();
    assert_eq!(parties.len(), 3, "{entities:?}");
    for e in parties {
        // The name goes on over "party", whatever its case, and is the party.
        assert!(e.text.ends_with("arty"), "{entities:?}");
        assert_eq!(
            (e.canonical.as_str(), e.kind),
            ("Republican Party", EntityType::Org),
            "{entities:?}"
        );
    }
    assert_eq!(
        org_canonicals(text, "Sustainable Australia party"),
        BTreeSet::from(["Sustainable Australia Party".to_string()])
    );
}

/// The canonical names `text` gives the organisations written `written`.
fn org_canonicals(text: &str, written: &str) -> BTreeSet<String> {
    tagger()
        .tag(text)
        .entities
        .into_iter()
        .filter(|e| e.kind == EntityType::Org && e.text == written)
        .map(|e| e.canonical)
        .collect()
}

#[test]
fn a_company_named_with_and_without_its_trade_is_one() {
    // "Apple Computer CEO Steve Jobs … Apple" gave the ORG facet a row
    // "Apple Computer" beside "Apple" in three stories, and "Ford Motors"
    // beside "Ford" in one.
    for (text, full, short) in [
        (
            "Apple Computer is planning to sell films on iTunes. Apple said the films would \
             cost $9.99.",
            "Apple Computer",
            "Apple",
        ),
        (
            "Hyundai Motors posted a profit on Tuesday. Hyundai said sales rose in Europe.",
            "Hyundai Motors",
            "Hyundai",
        ),
    ] {
        assert_eq!(
            org_canonicals(text, full),
            org_canonicals(text, short),
            "{text:?}: {:?}",
            tagger().tag(text).entities
        );
        assert!(!org_canonicals(text, short).is_empty(), "{text:?}");
    }
}

#[test]
fn the_last_of_two_bodies_sharing_a_plural_head_is_one_body() {
    // "The Democratic and Republican Parties use primary elections" gave
    // the ORG facet a row "Republican Parties".
    let text = "The Democratic and Republican Parties use primary elections to pick their \
                nominees. The Republican Party met in Ohio.";
    let canonicals = canonical_names(text, EntityType::Org);
    assert!(
        canonicals.iter().all(|c| !c.ends_with("Parties")),
        "{canonicals:?}"
    );
    assert!(
        canonicals
            .iter()
            .filter(|c| *c == "Republican Party")
            .count()
            >= 2,
        "{canonicals:?}"
    );
}

#[test]
fn a_paper_named_with_its_article_keeps_it_in_every_mention() {
    // "a report from The Hill" and "according to The Guardian" gave rows
    // "Hill" and "Guardian"; a sentence that opens with the paper's name
    // gives no clue, so the story's other mentions decide.
    let text = "Matt Drudge posted a report from The Hill about the tweet. The Hill said the \
                president was well. Fighters of the Taliban left the city.";
    let canonicals = canonical_names(text, EntityType::Org);
    assert!(
        canonicals.iter().filter(|c| *c == "The Hill").count() >= 2,
        "{canonicals:?}"
    );
    assert!(
        canonicals.iter().all(|c| c != "Hill" && c != "The Taliban"),
        "{canonicals:?}"
    );
}

#[test]
fn a_canonical_name_is_written_tidily() {
    // A bundled results chart ("██ Green Party - 1 seat") gave ORG a row
    // "█ Green Party", and a quote's double space a person "De La  Fuente".
    let text = "Election results\n\n██ Conservative Party - 365 seats ██ Green \
                Party - 1 seat\n\nThe Green Party kept its seat in Brighton.";
    let tags = tagger().tag(text);
    let glyph = |c: char| ('\u{2500}'..='\u{25FF}').contains(&c);
    for e in &tags.entities {
        assert!(
            !e.canonical.contains(glyph) && !e.canonical.contains("  "),
            "{e:?}"
        );
    }
    let text = article("On the campaign trail in the USA, August 2020");
    let tags = tagger().tag(&text);
    assert!(
        tags.entities.iter().any(|e| e.text == "De La  Fuente"),
        "the bundled story still writes the double space"
    );
    for e in &tags.entities {
        assert!(!e.canonical.contains("  "), "{e:?}");
    }
}
