//! Organisations are not people or places: newspapers, companies, their national
//! branches and web sites keep the organisation type wherever the model would have
//! guessed a person or a place from the look of the name.

mod common;

use common::{
    article, assert_no_entity, assert_no_org_written, assert_no_person_written, assert_org,
    assert_typed_in_every_mention, canonical_names, tagger, types_of,
};
use newsterm_tag::EntityType;

#[test]
fn newspapers_are_organisations() {
    for (text, name) in [
        (
            "The report was first published by Gazeta Polska on Monday, and other papers followed.",
            "Gazeta Polska",
        ),
        (
            "According to the Kyiv Post, the bridge was closed for repairs.",
            "Kyiv Post",
        ),
        (
            "The Sydney Morning Herald said the minister would resign.",
            "Sydney Morning Herald",
        ),
        (
            "Die Welt and the Frankfurter Zeitung both ran the story.",
            "Frankfurter Zeitung",
        ),
    ] {
        assert_org(text, name);
    }
}

#[test]
fn a_company_name_followed_by_a_country_is_its_branch() {
    for (text, name) in [
        (
            "Lidl Polska said it would open forty new shops this year.",
            "Lidl Polska",
        ),
        (
            "Customers of Orange Polska saw prices cut again on Tuesday.",
            "Orange Polska",
        ),
        (
            "A spokesman for Netto Sverige declined to comment on the plans.",
            "Netto Sverige",
        ),
    ] {
        assert_org(text, name);
    }
    // Which part of a country a story means is still the country.
    let tags = tagger().tag("Storms swept across Southern Poland and Eastern Ukraine.");
    let south = tags
        .entities
        .iter()
        .find(|e| e.text == "Southern Poland")
        .expect("found");
    assert_eq!(south.kind, EntityType::Loc);
    assert_eq!(south.country.as_deref(), Some("PL"));
}

#[test]
fn web_sites_are_organisations() {
    for (text, name) in [
        (
            "The news site Index.hu reported that the deal was close.",
            "Index.hu",
        ),
        (
            "Onet.pl first reported the resignation on Friday.",
            "Onet.pl",
        ),
    ] {
        assert_org(text, name);
    }
}

#[test]
fn what_a_story_calls_a_company_is_a_company_in_every_mention() {
    let text = "Zarnow said on Thursday it would sell its Hungarian business. \
        The discount retailer Zarnow has lost money there for years. \
        Zarnow's stores in Budapest will close by June, and Zarnow will keep its \
        warehouses in Debrecen.";
    assert_typed_in_every_mention(text, "Zarnow", EntityType::Org, 3);
}

#[test]
fn an_acronym_spelled_out_is_the_organisation_in_every_mention() {
    let text = "Pipes burst in the night\n\nThe Tarrow Valley Water Authority (TVWa) \
        closed the road on Monday. An engineer from TVWa stated that repairs would take \
        a week, and TVWa later apologised to drivers.";
    assert_typed_in_every_mention(text, "TVWa", EntityType::Org, 3);
    // A short form of one capital made of the name's letters, and a name the
    // model stopped at its "and": "Phivolcs" was a person through two
    // bundled stories, and the institute "Philippine Institute of
    // Volcanology".
    let text = article("Aftershocks increase death toll of magnitude 6.3 earthquake");
    assert_typed_in_every_mention(&text, "Phivolcs", EntityType::Org, 3);
    assert_org(&text, "Philippine Institute of Volcanology and Seismology");
    let text = article("Power firm helicopter strikes cables");
    assert_org(
        &text,
        "California Department of Forestry and Fire Protection",
    );
}

#[test]
fn names_with_an_organisations_word_are_organisations() {
    for (text, name) in [
        (
            "Shares in Northwind Airlines fell after the crash.",
            "Northwind Airlines",
        ),
        (
            "Researchers at the University of Tartu published the study.",
            "University of Tartu",
        ),
        (
            "The Brightwater Holdings board met on Monday.",
            "Brightwater Holdings",
        ),
    ] {
        assert_org(text, name);
    }
    // A place word at the end makes a place of it: squares and airports are on maps.
    let tags = tagger().tag("Crowds gathered in Times Square on New Year's Eve.");
    assert!(
        tags.entities
            .iter()
            .any(|e| e.text == "Times Square" && e.kind == EntityType::Loc),
        "{:?}",
        tags.entities
    );
}

#[test]
fn a_first_name_before_an_organisations_noun_is_no_person() {
    // A first word that could be a given name ("Cal", "Douglas", "Ryan") does not
    // make a person of an agency, a force, a council or a company.
    for (text, name) in [
        (
            "Cal Fire said the blaze had burned 5,000 acres by Tuesday.",
            "Cal Fire",
        ),
        (
            "Evacuations were ordered on Monday, said Cal Fire.",
            "Cal Fire",
        ),
        (
            "Officers from Douglas Police arrested two men on Friday.",
            "Douglas Police",
        ),
        (
            "Jack Council voted on Tuesday to close the library.",
            "Jack Council",
        ),
        (
            "Shares of Penske Auto rose 4 percent on Monday.",
            "Penske Auto",
        ),
        (
            "The contract went to Ryan Air Services, the ministry said.",
            "Ryan Air Services",
        ),
    ] {
        assert_org(text, name);
    }
    // People whose surname is such a noun stay people.
    for (text, name) in [
        (
            "Robert Service wrote poems about the Yukon.",
            "Robert Service",
        ),
        ("Senator Frank Church led the committee.", "Frank Church"),
    ] {
        let types = types_of(text, name);
        assert_eq!(types, [EntityType::Person], "{name:?} in {text:?}");
    }
}

#[test]
fn an_organisations_noun_is_no_person_when_it_stands_alone() {
    // "People's Army": the possessive splits the name, and the head left on its
    // own is still an army, not someone called Army; a saint's name before a
    // hospital or a university names the institution.
    for (text, noun) in [
        (
            "Pyongyang said the Korean People's Army [KPA] was on alert. \"Officers of the \
             Korean People's Army were sent to the border,\" it said.",
            "Army",
        ),
        (
            "Patients were taken to St. Francis Hospital in Hartford.",
            "Francis Hospital",
        ),
        (
            "She studies at Saint Louis University and plays for the chess team.",
            "Louis University",
        ),
    ] {
        let tags = tagger().tag(text);
        assert!(
            !tags
                .entities
                .iter()
                .any(|e| e.text == noun && e.kind == EntityType::Person),
            "{noun:?} taken for a person in {text:?}: {:?}",
            tags.entities
        );
    }
}

#[test]
fn a_sentences_opening_word_is_no_part_of_the_name_after_it() {
    let tags = tagger().tag("Unlike Chrysler, Ford did not ask the government for a loan.");
    assert!(
        tags.entities.iter().all(|e| !e.text.starts_with("Unlike")),
        "{:?}",
        tags.entities
    );
    assert!(
        tags.entities.iter().any(|e| e.text == "Chrysler"),
        "{:?}",
        tags.entities
    );
}

/// A name spelled out before its acronym is one name even where the model
/// missed it or took only its place word ("Transport for London (TfL)" was
/// "London" alone, and TfL a place, in tagger version 18's model).
#[test]
fn a_name_spelled_out_before_its_acronym_is_one_organisation() {
    for (text, name, acronym) in [
        (
            "Transport for London (TfL) told passengers to take another route. An official from TfL stated the line would reopen.",
            "Transport for London",
            "TfL",
        ),
        (
            "The Northern Rivers Water Authority (NRWA) said supplies were safe. NRWA staff tested the reservoir.",
            "Northern Rivers Water Authority",
            "NRWA",
        ),
        (
            "Inspectors from the Office of Rail and Road (ORR) visited the site on Monday.",
            "Office of Rail and Road",
            "ORR",
        ),
    ] {
        assert_org(text, name);
        assert_org(text, acronym);
    }
}

/// "Shares of Penske Auto rose": who or what belongs to a name is no part of it.
#[test]
fn the_people_or_shares_of_a_name_are_no_part_of_it() {
    for (text, name) in [
        (
            "Shares of Penske Auto rose 4 percent on Monday.",
            "Penske Auto",
        ),
        (
            "Officials of the Red Cross said aid had arrived.",
            "Red Cross",
        ),
        (
            "Employees of Hartwell Logistics walked out on Friday.",
            "Hartwell Logistics",
        ),
    ] {
        assert_org(text, name);
        let tags = tagger().tag(text);
        assert!(
            tags.entities.iter().all(|e| !e.text.contains(" of ")),
            "{:?}",
            tags.entities
        );
    }
}

#[test]
fn what_an_appositive_calls_a_company_is_a_company_in_every_mention() {
    for (text, name) in [
        (
            "Hollis Venner, a company that builds ferries, said on Monday it would cut \
             200 jobs. Hollis Venner had warned of losses in March.",
            "Hollis Venner",
        ),
        (
            "Shoppers queued outside Brannock, a Danish supermarket chain, before dawn. \
             Brannock said its prices would stay frozen until spring.",
            "Brannock",
        ),
    ] {
        assert_typed_in_every_mention(text, name, EntityType::Org, 2);
    }
    // A person's trade after the name says nothing of the kind.
    for (text, name) in [
        (
            "Hollis Venner, a company spokeswoman, said the ferries would sail again.",
            "Hollis Venner",
        ),
        (
            "Tom Brannock, a developer in Leeds, said the flats were sold.",
            "Tom Brannock",
        ),
    ] {
        let types = types_of(text, name);
        assert_eq!(types, [EntityType::Person], "{name}");
    }
}

#[test]
fn a_name_opening_with_a_nations_adjective_in_its_language_is_an_organisation() {
    for (text, name) in [
        (
            "Deutsche Welle reported that the talks had failed.",
            "Deutsche Welle",
        ),
        (
            "Trains ran late all week, and Deutsche Bahn apologised on Friday.",
            "Deutsche Bahn",
        ),
        (
            "Magyar Vasút said it would buy forty new trains.",
            "Magyar Vasút",
        ),
    ] {
        assert_org(text, name);
    }
}

#[test]
fn a_one_word_name_listed_with_organisations_is_one() {
    // "German firms including Deutsche Bahn, Deutsche Telekom, Daimler, and
    // Siemens": Daimler and Siemens were people in a bundled story, as were
    // "ExxonMobil and Chevron" and "IRC, Reddit and CentOS" in others.
    for (headline, name) in [
        ("Germany bans Mahan Air of Iran", "Daimler"),
        ("Germany bans Mahan Air of Iran", "Siemens"),
        ("Dow falls 340 points", "Chevron"),
        ("Red Hat to move focus away from CentOS", "Reddit"),
    ] {
        assert_org(&article(headline), name);
    }
    // A lone word after a bare comma may open a clause, and a word of
    // someone's full name in the story is that person.
    let text = "According to the Herald, Emeritus Professor John Burrows said the \
        work would finish in May.";
    assert!(
        !types_of(text, "Emeritus").contains(&EntityType::Org),
        "{:?}",
        tagger().tag(text).entities
    );
    let text = "Tim Cook held positions at Compaq before Apple. IBM and Cook \
        signed a deal in 2014.";
    assert_typed_in_every_mention(text, "Cook", EntityType::Person, 1);
}

#[test]
fn a_band_or_a_title_the_story_names_so_is_no_person() {
    // "The rock band Cream" was a person four times in a bundled story, and
    // "a supposed movie called Argo" four times in another.
    assert_typed_in_every_mention(
        &article("Influential rock drummer Ginger Baker dies"),
        "Cream",
        EntityType::Org,
        4,
    );
    let text = article("Former U.S. intelligence agent Tony Mendez");
    assert!(
        types_of(&text, "Argo").is_empty(),
        "{:?}",
        tagger().tag(&text).entities
    );
    // A band named after someone of the story stays that person where it
    // is him: "lead guitarist of US rock band Van Halen" is also "Eddie
    // Van Halen".
    let text = article("Guitarist Eddie Van Halen dies");
    assert!(
        types_of(&text, "Van Halen").contains(&EntityType::Person),
        "{:?}",
        tagger().tag(&text).entities
    );
}

#[test]
fn a_works_title_is_no_one_in_any_of_its_mentions() {
    // A talk show was a person ("Morning Joe", split into "Morning" and
    // "Joe", the latter linked to Joe Biden), a reality show a place
    // ("Terrace"), a film a body ("Black Panther", six mentions) in bundled
    // stories: the capitalised words after a kind of work are its title,
    // wherever the story writes them again.
    for (text, title) in [
        (
            "The senator spoke on the cable talk show Evening Frank on Tuesday. Later, \
             Evening Frank host Dana Whitfield pressed him on the vote.",
            "Evening Frank",
        ),
        (
            "She starred in the romantic comedy Chasing Liberty before the television series \
             Gilmore Girls made her famous.",
            "Chasing Liberty",
        ),
        (
            "She starred in the romantic comedy Chasing Liberty before the television series \
             Gilmore Girls made her famous.",
            "Gilmore Girls",
        ),
        (
            "Kimura was one of the stars of the reality show Lake Cabin, which streams weekly.",
            "Lake Cabin",
        ),
        (
            "He is best known for the films Winter Harbour and House of Wax, both shot abroad.",
            "House of Wax",
        ),
        (
            "The actor played the lead in the superhero film Black Panther. Black Panther \
             earned over a billion dollars.",
            "Black Panther",
        ),
        (
            "At the panel \"Breaking Into Publishing,\" editors shared their advice.",
            "Breaking Into Publishing",
        ),
    ] {
        assert_no_entity(text, |e| title.contains(e.text.as_str()));
    }
    // A person the story names stays that person after a kind of work: the
    // film is about him, or he made it.
    let text = "Michael Moore spoke at the premiere. The documentary Michael Moore made in \
                2004 won the top prize.";
    assert!(
        types_of(text, "Michael Moore").contains(&EntityType::Person),
        "{:?}",
        tagger().tag(text).entities
    );
    // A longer name holding a title's words is another name.
    let text = "She starred in the film Black Panther. Her grandfather had been a member \
                of the Black Panther Party in Oakland.";
    assert!(
        types_of(text, "Black Panther Party").contains(&EntityType::Org),
        "{:?}",
        tagger().tag(text).entities
    );
    // A day after a show is a date, and the name after it is still a person.
    let text = "Speaking on the show Sunday, Senator Maria Alvarez defended the bill.";
    assert!(
        types_of(text, "Maria Alvarez").contains(&EntityType::Person),
        "{:?}",
        tagger().tag(text).entities
    );
}

#[test]
fn a_role_is_no_organisation() {
    // "Member of Parliament", "Senate Majority Leader", "Secretary of
    // Defense" and "Supreme Leader of Iran" were ORG facet entries in
    // bundled stories.
    for (text, role) in [
        (
            "Tulip Siddiq, the Labour Member of Parliament for Hampstead, spoke at the rally.",
            "Member of Parliament",
        ),
        (
            "Mitch McConnell, the Republican Senate Majority Leader, said the trial would be fair.",
            "Senate Majority Leader",
        ),
        (
            "The Secretary of Defense flew to Brussels on Monday.",
            "Secretary of Defense",
        ),
        (
            "Ali Khamenei, the Supreme Leader of Iran, vowed revenge.",
            "Supreme Leader of Iran",
        ),
    ] {
        let orgs: Vec<String> = tagger()
            .tag(text)
            .entities
            .into_iter()
            .filter(|e| e.kind == EntityType::Org)
            .map(|e| e.text)
            .collect();
        assert!(
            orgs.iter().all(|o| !o.contains(role)),
            "{role:?} is an organisation in {text:?}: {orgs:?}"
        );
    }
    // An organisation whose name has a title word in it stays one.
    for (text, name) in [
        (
            "The European Court of Justice ruled on Monday.",
            "European Court of Justice",
        ),
        ("General Motors said sales rose in March.", "General Motors"),
    ] {
        assert_org(text, name);
    }
}

#[test]
fn a_name_formed_or_with_plants_and_flights_is_an_organisation() {
    // "When Ashodaya was formed" (an interview, 18 mentions) and "Renault's
    // Dacia plant" gave people named Ashodaya and Dacia.
    for (text, name) in [
        (
            "I have worked with Ashodaya since day one. When Ashodaya was formed, I became a \
             part of it, and Ashodaya now helps thousands.",
            "Ashodaya",
        ),
        (
            "Output rose at Renault's Dacia plant. The vice president of Dacia, Constantin \
             Stroe, said sales would grow.",
            "Dacia",
        ),
    ] {
        assert_org(text, name);
    }
}

/// A company's word the model left after a name it took for a person or a
/// place, a legal form written with dots, and a web address under a
/// country's second level make the name an organisation's.
#[test]
fn company_words_legal_forms_and_country_web_addresses_make_organisations() {
    for (text, name) in [
        (
            "Patients were given a drug developed by Regeneron Pharmaceuticals last year.",
            "Regeneron Pharmaceuticals",
        ),
        (
            "He had worked for Cipriani S.A., which owns the restaurant, for ten years.",
            "Cipriani S.A.",
        ),
        // "A Marvel Comics character" had a person Marvel in a bundled story.
        (
            "Squirrel Girl, a Marvel Comics character, was her favourite role.",
            "Marvel Comics",
        ),
        (
            "The poems were printed by Hollis Publishing in a small run.",
            "Hollis Publishing",
        ),
        (
            "Shares of Keller Therapeutics fell after the trial was halted.",
            "Keller Therapeutics",
        ),
        (
            "In remarks to Folha.com.br, the director said the fires were man-made.",
            "Folha.com.br",
        ),
    ] {
        assert_org(text, name);
    }
}

/// An organisation's name with "and" inside is one name: the model often
/// stopped at the "and" ("the Securities and [Exchange Commission]"), which
/// split one body into a fragment and nothing, story after story. Two bodies
/// joined by "and" stay two.
#[test]
fn an_organisations_name_with_and_inside_is_one_name() {
    for (text, name) in [
        (
            "A spokesman for the Centers for Disease Control and Prevention said cases had doubled.",
            "Centers for Disease Control and Prevention",
        ),
        (
            "The United States Department of Health and Human Services declared an emergency.",
            "United States Department of Health and Human Services",
        ),
        // Words no name is, either side of "and".
        (
            "The Securities and Exchange Commission fined the bank on Monday.",
            "Securities and Exchange Commission",
        ),
        (
            "Data from the National Oceanic and Atmospheric Administration showed the \
             storm strengthening.",
            "National Oceanic and Atmospheric Administration",
        ),
    ] {
        assert_org(text, name);
    }
    // Two organisations' whole names either side of "and" stay two.
    let tags = tagger().tag("Fans of Linkin Park and Avenged Sevenfold queued overnight.");
    assert!(
        tags.entities.iter().all(|e| !e.text.contains(" and ")),
        "{:?}",
        tags.entities
    );
    for (headline, name) in [
        (
            "On the campaign trail in the USA, June 2020",
            "Life and Liberty Party",
        ),
        (
            "Scheduled power outages in Northern California",
            "Pacific Gas and Electric Company",
        ),
        (
            "US Representative Elijah Cummings",
            "House Oversight and Reform Committee",
        ),
    ] {
        assert_org(&article(headline), name);
    }
    // Two bodies, a shared plural head, and a work's title stay apart.
    for (text, apart) in [
        (
            "The Democratic and Republican Parties use primary elections to pick nominees, \
             and the Democratic Party votes first.",
            "Democratic and Republican",
        ),
        (
            "Term limits for service in the Senate and House of Representatives were debated.",
            "Senate and House",
        ),
        (
            "She wrote the memoirs Once Upon a Time and Black Knight, White Knight.",
            "Time and Black",
        ),
    ] {
        let tags = tagger().tag(text);
        assert!(
            tags.entities.iter().all(|e| !e.text.contains(apart)),
            "{apart:?} joined in {text:?}: {:?}",
            tags.entities
        );
    }
}

/// Someone the model ran into an organisation's name is a person, and the
/// body beside them stays one: "X of Civic Party", "United Nations X",
/// "European Commission X".
#[test]
fn a_person_inside_an_organisations_name_is_a_person() {
    for (text, person, body) in [
        (
            "Other winners included Alan Leong of Civic Party and Emily Lau of Democratic Party.",
            "Emily Lau",
            "Democratic Party",
        ),
        (
            "The film was reviewed by Dana Stevens of Slate Magazine, who called it a triumph.",
            "Dana Stevens",
            "Slate Magazine",
        ),
        (
            "Speaking for the administration, United Nations Linda Thomas-Greenfield said \
             the vote was historic.",
            "Linda Thomas-Greenfield",
            "United Nations",
        ),
        (
            "Senate Mitch McConnell blocked the bill on Thursday.",
            "Mitch McConnell",
            "Senate",
        ),
        (
            "European Commission Ursula von der Leyen called for talks.",
            "Ursula von der Leyen",
            "European Commission",
        ),
    ] {
        let entities = tagger().tag(text).entities;
        let typed = |name: &str, kind: EntityType| {
            entities.iter().any(|e| e.text == name && e.kind == kind)
        };
        assert!(
            typed(person, EntityType::Person) && typed(body, EntityType::Org),
            "{text}: {entities:?}"
        );
    }
    // A body named for someone keeps the name ("Los Angeles Lakers", "Make
    // America Great Again": "Angeles" and "America" are given names too).
    for (text, name) in [
        (
            "Kobe Bryant played for the Los Angeles Lakers for twenty seasons.",
            "Los Angeles Lakers",
        ),
        (
            "Supporters wore Make America Great Again hats at the rally.",
            "Make America Great Again",
        ),
    ] {
        let entities = tagger().tag(text).entities;
        assert!(
            !entities
                .iter()
                .any(|e| e.kind == EntityType::Person && name.contains(e.text.as_str())),
            "{text}: {entities:?}"
        );
    }
}

/// An office after a body's name is someone's role, no part of the body:
/// "White House Press Secretary", "National Security Adviser".
#[test]
fn an_office_after_a_bodys_name_is_no_part_of_it() {
    let tags = tagger().tag("White House Press Secretary Jen Psaki said the talks would go on.");
    assert!(
        tags.entities
            .iter()
            .any(|e| e.text == "White House" && e.kind == EntityType::Org)
            && !tags.entities.iter().any(|e| e.text.contains("Press")),
        "{:?}",
        tags.entities
    );
    let tags = tagger().tag("Former National Security Adviser Susan Rice was named to the post.");
    assert!(
        !tags
            .entities
            .iter()
            .any(|e| e.kind == EntityType::Org && e.text.contains("Adviser")),
        "{:?}",
        tags.entities
    );
    // A body named with "and" inside: its name ends where the office
    // begins ("Office of Science and Technology Policy Acting Director" was
    // one organisation in a cross-validation document).
    let tags = tagger().tag(
        "The telescope is ready, Office of Science and Technology Policy Acting Director \
         Kei Koizumi said on Monday.",
    );
    assert!(
        tags.entities
            .iter()
            .any(|e| e.text == "Office of Science and Technology Policy"
                && e.kind == EntityType::Org)
            && !tags.entities.iter().any(|e| e.text.contains("Director")),
        "{:?}",
        tags.entities
    );
}

#[test]
fn a_lone_name_someone_belongs_to_is_their_body_or_place() {
    // What a person of the story is "of", or what owns them by a
    // possessive, is a body (or a place the gazetteer knows), however the
    // name looks to the model; so is what an office is of.
    for (text, name, kind, mentions) in [
        (
            "Results came in overnight. Vortrax's Helena Marsh took the second seat, \
             and Helena Marsh of Vortrax thanked her volunteers.",
            "Vortrax",
            EntityType::Org,
            2,
        ),
        (
            "Among the winners were Brevanta's Peter Abernathy and Samuel Ortez of Brevanta, \
             both first elected in 2016.",
            "Brevanta",
            EntityType::Org,
            2,
        ),
        (
            "Before running for the Senate, Garner served two terms as mayor of Austin \
             and then as governor of Texas.",
            "Austin",
            EntityType::Loc,
            1,
        ),
    ] {
        assert_typed_in_every_mention(text, name, kind, mentions);
    }
}

#[test]
fn a_name_no_gazetteer_knows_listed_with_companies_is_a_company() {
    // The model took these for places; no gazetteer has them, and the
    // story lists them with companies.
    for (headline, name) in [
        (
            "US stock markets have their best week since November",
            "Berkshire Hathaway",
        ),
        ("Markets dragged down by credit crisis", "Washington Mutual"),
    ] {
        assert_org(&article(headline), name);
    }
}

#[test]
fn a_name_whose_share_price_moves_is_a_company() {
    // Shares move by percents, cents and currency; a candidate moves in a
    // poll by points, and a person named in full keeps being one.
    let text = "Oil stocks slid on Friday. Exxon Mobil, Chevron and Rockhaven Quarry all \
                fell more than 2 percent, and Halvorsen dropped 40 cents.";
    for name in ["Exxon Mobil", "Chevron", "Rockhaven Quarry", "Halvorsen"] {
        assert_org(text, name);
    }
    let poll = "Mira Dellacourt, the Green candidate, gained 4 percent in the latest poll, \
                and her rival Tomas Okonkwo rose 3 points. Okonkwo said he was pleased.";
    for name in ["Mira Dellacourt", "Okonkwo"] {
        assert_typed_in_every_mention(poll, name, EntityType::Person, 1);
    }
}

#[test]
fn a_bodys_name_with_and_before_a_word_taken_for_someone_is_one_name() {
    // The model stops at "and" and takes the ordinary word after it for a
    // person ("Rescue") or a body of its own.
    for (text, name, mentions) in [
        (
            "Kari Nordmann of Hordaland Fire and Rescue said late on Tuesday no one was hurt. \
             Hordaland Fire and Rescue asked for help from Voss Fire and Rescue.",
            "Hordaland Fire and Rescue",
            2,
        ),
        (
            "A spokesman for Devon Fire and Rescue said crews were called at 2am. \
             Devon Fire and Rescue later closed the road.",
            "Devon Fire and Rescue",
            2,
        ),
    ] {
        assert_typed_in_every_mention(text, name, EntityType::Org, mentions);
        let tags = tagger().tag(text);
        assert!(
            tags.entities.iter().all(|e| e.text != "Rescue"),
            "{:?}",
            tags.entities
        );
    }
}

#[test]
fn a_demonym_before_a_noun_is_its_country_not_a_body() {
    // A story that names "the Libyan House of Representatives" does not
    // make "the Libyan ambassador" an organisation.
    let text = "The Libyan House of Representatives rejected the deal on Monday. Athens then \
                expelled the Libyan ambassador to Greece, and Libyan officials protested.";
    let tags = tagger().tag(text);
    let libyan: Vec<_> = tags
        .entities
        .iter()
        .filter(|e| e.text == "Libyan")
        .collect();
    assert_eq!(libyan.len(), 2, "{:?}", tags.entities);
    for e in libyan {
        assert_eq!(
            (e.kind, e.country.as_deref()),
            (EntityType::Norp, Some("LY")),
            "{e:?}"
        );
    }
}

#[test]
fn a_name_the_story_calls_a_producer_a_carrier_or_a_brand_is_no_one() {
    // A commodity's producer, an example of a kind of company and a name
    // before a flight's or a product's noun: the model took each for a
    // person. A country called a producer stays the place, and a film's
    // producer stays a person.
    for (text, name, mentions) in [
        (
            "Earlier that day, the Cypriot gas producer Kerasean signed a letter of intent. \
             Kerasean has committed 1.7 billion dollars to the field.",
            "Kerasean",
            2,
        ),
        (
            "Regulators asked Apple to let the phone be used on other carriers, such as \
             Telvanta. Competition is fierce.",
            "Telvanta",
            1,
        ),
        (
            "Small lenders, including Brandvik, have cut rates twice this year.",
            "Brandvik",
            1,
        ),
        (
            "The tour will be branded as a Velair flight from Frankfurt to Los Angeles, \
             Velair said.",
            "Velair",
            2,
        ),
    ] {
        assert_typed_in_every_mention(text, name, EntityType::Org, mentions);
    }
    assert_no_person_written(
        "Volunteers gave us Dettol. Dettol soap was all they sent.",
        |_| true,
    );
    let producers = "Russia, the world's second oil producer, and top oil producer Saudi Arabia \
                     agreed to cut output. The film producer Bruckheimer said no.";
    assert_typed_in_every_mention(producers, "Saudi Arabia", EntityType::Loc, 1);
    assert_typed_in_every_mention(producers, "Bruckheimer", EntityType::Person, 1);
}

#[test]
fn a_word_of_someones_name_that_opens_a_bodys_name_is_the_bodys() {
    // A story of a company and of one of its staff named after it (a "Red
    // Hatter"): the company's name, where the model missed it, had been
    // taken for that person by their first word.
    let text = "On Tuesday, software company Red Hat announced its plans. Chris Wright, \
                the Chief Technology Officer of Red Hat, said Red Hat had informed the board. \
                ((WN)) How has it evolved since IBM acquired Red Hat last year? \
                ((Rich Bowen)) The biggest change when CentOS came to Red Hat was that \
                people who were working on it were now paid. I've been at Red Hat for \
                almost 8 years. ((WN)) Is every Red Hatter happy with the announcement? \
                ((Rich Bowen)) Of course not. A big part of Red Hat's culture is the ability \
                to voice an opinion. Red Hat will never prevent its employees from working \
                on open source projects.";
    assert_no_person_written(text, |written| written == "Red");
    assert_typed_in_every_mention(text, "Red Hat", EntityType::Org, 7);
}

#[test]
fn a_name_ending_as_a_family_of_products_does_is_no_persons() {
    // A distribution named like a person ("Rocky Linux") in a story of
    // other distributions; a family of people sharing a surname with a
    // firm stays people.
    let text = "Gregory Kurtzer announced Rocky Linux on Tuesday, after the software \
                company Red Hat moved its focus from CentOS Linux. Users of Oracle Linux and \
                Scientific Linux were unaffected. Kurtzer said Rocky Linux would be free, and \
                that Linux users had asked for it.";
    assert_typed_in_every_mention(text, "Rocky Linux", EntityType::Org, 2);
    assert_no_person_written(text, |written| written.contains("Linux"));
    let family = "Luigi Caloi founded the bicycle maker Irmãos Caloi with his brother Guido \
                  Caloi. Later Bruno Caloi ran Caloi Bicicletas.";
    assert_typed_in_every_mention(family, "Luigi Caloi", EntityType::Person, 1);
}

#[test]
fn a_ship_is_no_person_and_no_body() {
    // A vessel named after its kind or its prefix, in every mention; one
    // named for someone is the ship only where it is called one.
    let text = "Wikinews investigates disappearance of Indonesian cargo ship Sinar Bangkodo. \
                In late December, cargo ship MV Sinar Bangkodo vanished in local waters. \
                Authorities asked fishing vessels to look out for MV Sinar Bangkodo. Smith \
                had one more theory: Sinar Bangkodo could be the victim of identity theft. \
                Like all vessels over 300 tons, Sinar Bangkodo must transmit its position.";
    assert_no_person_written(text, |written| {
        written.contains("Sinar") || written.contains("Bangkodo")
    });
    let tags = tagger().tag(text);
    assert!(
        tags.entities
            .iter()
            .all(|e| !e.text.contains("Bangkodo") || e.kind != EntityType::Org),
        "{:?}",
        tags.entities
    );
    let named = "The charity renamed its rescue ship Alan Kurdi. Alan Kurdi drowned in 2015, \
                 and his father Abdullah Kurdi welcomed the name.";
    // The ship is no one; the boy, the second "Alan Kurdi", is himself.
    assert_eq!(types_of(named, "Alan Kurdi"), [EntityType::Person]);
    // Not every prefix-like capitals are a ship's.
    let captain = "India's captain MS Dhoni scored 50. Dhoni said the pitch was slow.";
    assert_typed_in_every_mention(captain, "Dhoni", EntityType::Person, 1);
}

#[test]
fn a_name_called_an_organisation_is_one() {
    // "The far right organization X", "X is an organisation which": the
    // model had taken each for a person.
    for (text, name) in [
        (
            "Trump made a confusing statement about the far right organization Proud \
             Boys, when asked to condemn them.",
            "Proud Boys",
        ),
        (
            "She spoke of her work. Faithess Hijabi is an organisation which helps women \
             who have left their faith.",
            "Faithess Hijabi",
        ),
    ] {
        assert_typed_in_every_mention(text, name, EntityType::Org, 1);
    }
    // A person said to be someone of a body's trade is still a person.
    let director = "Marta Okafor is a company director from Lagos.";
    assert_typed_in_every_mention(director, "Marta Okafor", EntityType::Person, 1);
}

#[test]
fn a_source_the_story_quotes_is_no_place() {
    // "According to X," and "in an interview with X," name a source: the
    // model had read a place after "to" and "with". A country or a big
    // city so named stays the place.
    for (text, name) in [
        (
            "In an interview with Forbes, West outlined his campaign. According to Forbes, \
             West claimed to be in touch with officials.",
            "Forbes",
        ),
        (
            "The boat sank before dawn, according to USA Today.",
            "USA Today",
        ),
    ] {
        assert_typed_in_every_mention(text, name, EntityType::Org, 1);
    }
    let country = "The talks failed, according to Iran, and resumed on Monday.";
    assert_typed_in_every_mention(country, "Iran", EntityType::Loc, 1);
}

#[test]
fn a_name_listed_among_organisations_is_one() {
    // "Western Native Voice, Montana Native Vote, Assiniboine and Sioux
    // Tribes" gave a person named Assiniboine.
    let text = article("Native American groups sue US state of Montana");
    assert_typed_in_every_mention(&text, "Assiniboine", EntityType::Org, 1);
    let text = "The coalition of Greenpeace, Oxfam, Amnesty International and Avaaz wrote \
        to the minister.";
    assert_typed_in_every_mention(text, "Oxfam", EntityType::Org, 1);
}

#[test]
fn the_solar_system_and_a_space_station_are_no_organisations() {
    for text in [
        "The probe left the Solar System in 2012, NASA said.",
        "Crew members returned from the International Space Station on Friday.",
    ] {
        assert_no_org_written(text, |name| {
            name.contains("System") || name.contains("Station")
        });
    }
}

#[test]
fn a_body_named_for_its_purpose_is_one_name() {
    // "UH Mānoa's Center for Microbial Oceanography" and "the Center for
    // Biological Diversity" gave organisations called "Center", and the
    // Johns Hopkins dashboard's source two organisations.
    for (text, name) in [
        (
            "Data from the Johns Hopkins Center for Systems Science and Engineering showed a rise.",
            "Johns Hopkins Center for Systems Science and Engineering",
        ),
        (
            "A report by the Brennan Center for Justice found the law unfair.",
            "Brennan Center for Justice",
        ),
        (
            "Analysts at the Center for Strategic and International Studies disagreed.",
            "Center for Strategic and International Studies",
        ),
        (
            "The Committee to Protect Journalists condemned the arrest.",
            "Committee to Protect Journalists",
        ),
    ] {
        assert_org(text, name);
    }
    // "For" and a name after something else's name joins nothing.
    let text = "The Center paid for Microsoft Office licences, a spokesman said.";
    assert_no_org_written(text, |name| name.contains("for"));
}

#[test]
fn a_body_named_for_the_matter_it_sits_on_is_one_name() {
    // "The Commission on Presidential Debates" and "the International
    // Committee on Taxonomy of Viruses" gave organisations called
    // "Commission" and "International Committee" in bundled stories.
    assert_org(
        "The report went to the Senate Committee on Armed Services last week, aides said.",
        "Senate Committee on Armed Services",
    );
    assert_org(
        "The Global Commission on Drug Policy urged governments to change course.",
        "Global Commission on Drug Policy",
    );
    // What a body met on, or when, is no part of its name.
    for text in [
        "The United Nations Security Council on Syria held another meeting, diplomats said.",
        "The European Commission on Monday fined the company 2 billion euros.",
        "The ethics committee on Tuesday cleared the senator.",
    ] {
        assert_no_org_written(text, |name| name.contains(" on "));
    }
}

#[test]
fn a_document_and_a_genus_are_no_organisations() {
    // "The Adoption of this Constitution" and "the great white shark
    // (Carcharodon carcharias)" gave organisations in bundled stories.
    for (text, name) in [
        (
            "Both countries signed the Treaty in 1990 and the Accord a year later.",
            "Accord",
        ),
        (
            "The great white shark (Carcharodon carcharias) has vanished from the bay, the \
             study found.",
            "Carcharodon",
        ),
    ] {
        assert_no_org_written(text, |written| written == name);
    }
    assert_no_org_written(
        &article("On the campaign trail in the USA, August 2020"),
        |written| written == "Constitution",
    );
}

#[test]
fn a_disease_is_no_body_and_no_place() {
    // "Deteriorating from AIDS" put AIDS in the GEO list, and "the SARS
    // outbreak" made SARS an organisation.
    for (text, name) in [
        (
            "The actor, visibly deteriorating from AIDS, appeared on television with her.",
            "AIDS",
        ),
        (
            "Efforts to contain the SARS outbreak, which took place in 2003, were praised.",
            "SARS",
        ),
    ] {
        assert_no_entity(text, |e| {
            e.text == name && matches!(e.kind, EntityType::Org | EntityType::Loc)
        });
    }
}

#[test]
fn a_things_name_spelled_out_makes_its_acronym_no_organisation() {
    // The youtube-dl stories counted "the DMCA" as an organisation 32
    // times: a law's name spelled out before its acronym is a thing's, and
    // so is the acronym wherever the story uses it.
    for (text, acronym) in [
        (
            "GitHub received a Digital Millennium Copyright Act (DMCA) take-down notice on \
             Friday. The DMCA notice alleged the code broke the law.",
            "DMCA",
        ),
        (
            "The Ballot Interference Prevention Act (BIPA) limits who may collect ballots. \
             Groups sued over BIPA on Thursday.",
            "BIPA",
        ),
    ] {
        assert_no_org_written(text, |written| {
            written == acronym || written.ends_with("Act")
        });
    }
    // A body's name spelled out keeps its acronym a body.
    let text = "Researchers at the Centers for Disease Control and Prevention (CDC) said the \
        CDC would publish the data.";
    assert_typed_in_every_mention(text, "CDC", EntityType::Org, 2);
}

#[test]
fn everyday_acronyms_and_shouted_words_name_nothing() {
    // ORG listed DNA, PPE, DVD, UFO, EULA and URL from the bundled
    // stories, and "TRIAL" and "ABSTAINS" from words written in capitals:
    // the acronym of an everyday term, and a word of the language
    // shouted, name nothing.
    for (text, written) in [
        (
            "She spliced the genes into circular DNA rings called plasmids. The DNA was \
             then put into yeast cells, the lab in Boston said.",
            "DNA",
        ),
        (
            "Think again: masks along with PPE when mandated, and distancing, are what \
             keeps nurses safe, said Dr. Patel.",
            "PPE",
        ),
        (
            "Producer Joshua Winch was on hand offering DVD's of his films, and a stall \
             sold UFO models and LED lamps.",
            "UFO",
        ),
        (
            "Our agreement is the EULA of the software and the licence of the code.",
            "EULA",
        ),
        (
            "He said they must work together, find out solutions, TRIAL solutions, hold \
             forums and see what works.",
            "TRIAL",
        ),
        (
            "The mayor, who was polling at a solid ZERO but had room to grow, dropped out \
             on Monday.",
            "ZERO",
        ),
        (
            "We apply the operators to the domain of Geographic Information Systems \
             (GIS) applications. GIS tools are popular.",
            "GIS",
        ),
    ] {
        assert_no_org_written(text, |w| w.contains(written) || w.contains("Geographic"));
    }
    // Nor a trade's ("the DJ"), whatever type the model gave it.
    assert_no_entity(
        "Moreno beat Silva in the second round, and then the DJ played on.",
        |e| e.text == "DJ",
    );
    // A body spelled out keeps such an acronym a body.
    let text = "Fighters of the Popular Defence Forces (PDF) entered the town on Monday. \
        The PDF said it lost four men.";
    assert_typed_in_every_mention(text, "PDF", EntityType::Org, 2);
}

#[test]
fn an_office_spelled_out_and_its_acronym_are_no_organisation() {
    // The Mysuru railway interview had an organisation called "Divisional
    // Railway Manager" in four mentions, two of them "DRM".
    for (text, acronym) in [
        (
            "She has been the Divisional Railway Manager (DRM) for the division since 2019. \
             Few women have become DRM.",
            "DRM",
        ),
        (
            "He served as Chief Operating Officer (COO) until May. The COO oversaw the plants.",
            "COO",
        ),
        (
            "The National Security Adviser (NSA) briefed reporters. The NSA said talks would \
             resume.",
            "NSA",
        ),
    ] {
        assert_no_entity(text, |e| {
            e.kind == EntityType::Org && (e.text == acronym || e.text.contains(' '))
        });
    }
}

#[test]
fn a_name_ends_at_a_bracket_it_does_not_close() {
    // "CEMB [Council" was a body of the demo's ORG list: the model ran an
    // acronym on into the bracket spelling it out, and stopped inside.
    for text in [
        "Members of CEMB [Council of Ex-Muslims of Britain] and EXMNA [Ex-Muslims of \
         North America] met in London.",
        "\"The review by CERT [Computer Emergency Response Team Australia] found \
         nothing,\" he said.",
    ] {
        let entities = tagger().tag(text).entities;
        for e in &entities {
            assert_eq!(
                e.text.matches('[').count(),
                e.text.matches(']').count(),
                "{text:?}: {entities:?}"
            );
        }
        assert!(
            entities.iter().any(|e| e.kind == EntityType::Org),
            "{text:?}: {entities:?}"
        );
    }
}

#[test]
fn a_campus_of_a_university_system_is_one_organisation() {
    // "Scientists from the University of Bristol and UC Davis say …" gave
    // the demo's PPL list a person called Davis, in two stories.
    for (text, name) in [
        (
            "Scientists from the University of Bristol and UC Riverside say the birds learn \
             their songs.",
            "UC Riverside",
        ),
        (
            "A team at UT Austin measured the ice, said lead author Maria Gomez.",
            "UT Austin",
        ),
    ] {
        assert_org(text, name);
        let last = name.rsplit(' ').next().unwrap_or(name);
        assert_no_person_written(text, |n| n == last);
    }
    // A longer name that holds the campus keeps its own words.
    assert_org(
        "The UC Berkeley School of Law hosted the debate on Friday.",
        "UC Berkeley School of Law",
    );
}

#[test]
fn a_name_after_a_noun_only_bodies_bear_is_a_body_in_every_mention() {
    // "US-based software company Red Hat announced …" left the story's
    // company untagged in all 24 of its mentions the model did not know.
    assert_typed_in_every_mention(
        "On Tuesday, US-based software company Quillon Hat announced plans to \
         stop selling its servers. Customers of Quillon Hat were told on Monday. \
         Quillon Hat said the change would save money.",
        "Quillon Hat",
        EntityType::Org,
        3,
    );
    assert_org(
        "German migrant rescue charity Sea-Orla on Sunday renamed its ship.",
        "Sea-Orla",
    );
    // A body called by its kind is a body though a province shares its name.
    assert_org(
        "On Monday, state-owned Iranian news agency Fars reported the arrests.",
        "Fars",
    );
    // Not a title or a day after the noun.
    assert_no_org_written(
        "The company President Ana Lima spoke. The website Monday said nothing.",
        |n| n.contains("President") || n.contains("Monday"),
    );
}

#[test]
fn a_name_the_lexicon_knows_only_as_a_body_is_no_place() {
    // "Content from Disney, Pixar's distributor" put Disney on the GEO
    // list of two stories: the model reads "from X" as a place's context.
    for name in ["Disney", "Telemundo", "Wachovia", "Staedtler"] {
        let text = format!(
            "There are also plans to distribute content from {name}, the group said. \
             {name} said it was pleased."
        );
        assert_typed_in_every_mention(&text, name, EntityType::Org, 2);
    }
    // A place the lexicon also knows as a club stays a place.
    assert_typed_in_every_mention(
        "The team flew in from Sydney on Monday.",
        "Sydney",
        EntityType::Loc,
        1,
    );
}

#[test]
fn a_name_that_stops_inside_a_known_organisations_name_takes_the_rest() {
    // "The Islamic State of Iraq and the Levant" gave the ORG facet a row
    // "Islamic State of Iraq" (three stories) and GEO a row "Levant".
    for text in [
        "The militant organisation, the Islamic State of Iraq and the Levant, claimed \
         responsibility for the attacks.",
        "The SDF said hundreds of ISIS (Islamic State of Iraq and Syria) fighters escaped.",
    ] {
        let entities = tagger().tag(text).entities;
        assert!(
            entities
                .iter()
                .any(|e| e.kind == EntityType::Org
                    && e.text.starts_with("Islamic State of Iraq and")),
            "{text:?}: {entities:?}"
        );
        assert!(
            entities
                .iter()
                .all(|e| e.kind != EntityType::Loc && e.canonical != "Islamic State of Iraq"),
            "{text:?}: {entities:?}"
        );
    }
}

#[test]
fn a_name_after_someone_and_of_is_what_they_belong_to() {
    // "Mike McCready of Pearl Jam" had listed the band among the story's
    // people.
    for (text, name) in [
        (
            "Mike McCready of Pearl Jam likened his first time hearing the solo to a revelation.",
            "Pearl Jam",
        ),
        (
            "Doug Miller of Milltech Marine said the pattern of contact was rather hectic.",
            "Milltech Marine",
        ),
    ] {
        assert_org(text, name);
    }
}

#[test]
fn a_word_of_trade_after_a_name_makes_it_a_companys() {
    // "Heaven Sent Gaming" had lost its last word to the model, which left
    // "Heaven Sent" a person.
    for (text, name) in [
        (
            "Mario Lucero and Isabel Ruiz of Heaven Sent Gaming talked to us.",
            "Heaven Sent Gaming",
        ),
        (
            "The puppets were made by Jim Henson Productions for the film.",
            "Jim Henson Productions",
        ),
        (
            "The band signed with London Records in 1965.",
            "London Records",
        ),
    ] {
        assert_org(text, name);
    }
}

#[test]
fn a_name_listed_among_bodies_is_a_body() {
    // "Newsweek, Politico, The Hill, Time Magazine, Mediaite, The
    // Independent, and TMZ" had listed two organisations and left the
    // rest untagged or a thing.
    let text = "Following the tweet, Newsweek, Politico, The Hill, Time Magazine, \
                Mediaite, The Independent, and TMZ, among others, published stories.";
    for name in ["Newsweek", "Hill", "Mediaite", "Independent", "TMZ"] {
        assert_typed_in_every_mention(text, name, EntityType::Org, 1);
    }
    // Words of the language listed beside bodies are none.
    let text = "The fund holds shares of Google, Microsoft, Robotics and Biotechnology.";
    assert_no_org_written(text, |n| ["Robotics", "Biotechnology"].contains(&n));
}

#[test]
fn an_organisation_of_something_is_called_by_that_word_alone_too() {
    // "Critics of Scientology", "a war that Scientology has been waging":
    // the Church of Scientology's short name was left untagged, so its ORG
    // count missed most of the story.
    let text = "Members of the Church of Scientology protested outside the building \
                on Friday. Critics of Scientology said the protest was small, and a \
                spokesman said Scientology would respond. The Republic of Artsakh \
                declared independence; Artsakh has its own army.";
    let tags = tagger().tag(text);
    let scientology: Vec<_> = tags
        .entities
        .iter()
        .filter(|e| e.text == "Scientology")
        .collect();
    assert_eq!(scientology.len(), 2, "{:?}", tags.entities);
    for e in scientology {
        assert_eq!(e.kind, EntityType::Org);
        assert_eq!(e.canonical, "Church of Scientology");
    }
    // A country named "Republic of" is no organisation by its name alone.
    assert_no_org_written(text, |n| n == "Artsakh");
}

#[test]
fn a_body_called_by_its_kind_alone_is_the_body_named_in_full() {
    // "…which the Church describes as a religious retreat", "the Church
    // denied these allegations": the model left most of these untagged,
    // and those it tagged were a row "Church" of their own.
    for headline in [
        "Australian woman claims Church of Scientology imprisoned her",
        "Hackers attack Church of Scientology website",
    ] {
        let text = article(headline);
        let written = text
            .match_indices("he Church")
            .filter(|(at, _)| !text[at + 9..].starts_with(" of"))
            .count();
        let tags = tagger().tag(&text);
        let lone: Vec<_> = tags
            .entities
            .iter()
            .filter(|e| e.text == "Church")
            .map(|e| (e.kind, e.canonical.as_str()))
            .collect();
        assert_eq!(
            lone,
            vec![(EntityType::Org, "Church of Scientology"); written],
            "{headline}"
        );
    }
}

#[test]
fn someone_after_a_title_inside_a_body_is_that_person() {
    // The ORG facet of the bundled stories listed "NYC Mayor de Blasio",
    // "Board Member Jennifer Homendy", "Sultan Qaboos of Oman" and "Emeritus
    // Dinualdo Gutierrez of Marbel" as bodies.
    for (headline, name, person) in [
        (
            "NYC Mayor de Blasio ends US presidential campaign",
            "de Blasio",
            "Bill de Blasio",
        ),
        (
            "World War II era plane crashes in Connecticut, US, killing at least seven",
            "Jennifer Homendy",
            "Jennifer Homendy",
        ),
        ("Sultan Qaboos of Oman dies", "Qaboos", "Qaboos bin Said"),
        (
            "Bishop Emeritus Dinualdo Gutierrez of Marbel, Philippines dies",
            "Dinualdo Gutierrez",
            "Dinualdo Gutierrez",
        ),
    ] {
        let text = article(headline);
        assert_no_org_written(&text, |n| n.contains(name));
        // The headline's mention is the person the story names in full.
        // The name's last letter, in characters as entities count them.
        let byte = text.find(name).expect("the headline names them") + name.len() - 1;
        let at = text[..byte].chars().count();
        let tags = tagger().tag(&text);
        let first = tags.entities.iter().find(|e| e.start <= at && at < e.end);
        assert!(
            first.is_some_and(|e| e.kind == EntityType::Person && e.canonical == person),
            "{name}: {first:?}"
        );
    }
    // The place after "of" is the place.
    let text = article("Sultan Qaboos of Oman dies");
    assert!(canonical_names(&text, EntityType::Loc).contains(&"Oman".to_string()));
    // A body named for someone with a title stays the body.
    for name in ["General Electric", "Queen Elizabeth Hospital"] {
        let text = format!("Shares of {name} rose on Monday, and {name} said profits grew.");
        assert_no_person_written(&text, |n| name.contains(n));
    }
}

#[test]
fn an_acronym_of_a_term_is_no_name() {
    // A treatment, a disease, a zone of the sea or a kind of computing
    // spelled out beside its acronym names no one: the acronym is a term
    // wherever the story uses it, whichever side of the bracket it stands.
    for (text, acronym) in [
        (
            "Clinics register patients for ART [anti-retroviral therapy] within a week. \
             ART has kept thousands alive, and ART supplies ran short in May.",
            "ART",
        ),
        (
            "Cases of Marburg virus disease (MVD) rose to twelve on Sunday. MVD kills half \
             of those it infects, officials said.",
            "MVD",
        ),
        (
            "Both states claim the waters as part of their exclusive economic zone (EEZ). \
             Ankara said the EEZ was drawn unfairly.",
            "EEZ",
        ),
        (
            "Users must move before the software reaches End of Support (EOS) in June. \
             After end of support no fixes will be shipped, and EOS dates are listed \
             online.",
            "EOS",
        ),
    ] {
        assert_no_entity(text, |e| e.text == acronym);
    }
    // A body spelled out keeps its acronym a body, on either side of the
    // bracket, whether its words are ordinary or not, or in lower case.
    for (text, acronym) in [
        (
            "The bout was shown by AEW (All Elite Wrestling) on Wednesday. AEW said \
             tickets had sold out.",
            "AEW",
        ),
        (
            "Figures from the ministry of health (MOH) show 40 new cases. The MOH said \
             testing would be doubled.",
            "MOH",
        ),
        (
            "Funding came from NIAID (National Institute of Allergy and Infectious \
             Diseases) this year. NIAID said the trial would go on.",
            "NIAID",
        ),
        (
            "The Federal Aviation Administration (FAA) grounded the jets. The FAA said \
             checks would take weeks.",
            "FAA",
        ),
    ] {
        assert_typed_in_every_mention(text, acronym, EntityType::Org, 2);
    }
}

#[test]
fn a_body_whose_name_lists_its_fields_is_one_body_under_its_whole_name() {
    // "United Nations Educational, Scientific and Cultural Organization
    // (UNESCO)": the commas of a list inside a body's name are part of
    // it; the acronym and the name are one body, named in full, not
    // "Scientific and Cultural Organization" cut at the last comma.
    let text = "The plan drew criticism from the Greek foreign minister and the United \
                Nations Educational, Scientific and Cultural Organization (UNESCO) on \
                Friday. UNESCO said it regretted the decision, and UNESCO will meet in June.";
    assert_typed_in_every_mention(text, "UNESCO", EntityType::Org, 2);
    let full = "United Nations Educational, Scientific and Cultural Organization";
    let names = canonical_names(text, EntityType::Org);
    assert!(names.iter().all(|n| n == full), "{names:?}");
}

#[test]
fn a_place_run_into_a_plural_names_a_body_not_the_place() {
    // "Veterans of the United States Marines" put the story on the map of
    // the United States and gave ORG nothing: a place run into a
    // capitalised plural is a force, a team or a club.
    for (text, name) in [
        (
            "Veterans of the United States Marines marched past the memorial.",
            "United States Marines",
        ),
        (
            "Fans of the Bowling Green Falcons filled the stadium on Saturday.",
            "Bowling Green Falcons",
        ),
    ] {
        assert_org(text, name);
    }
    // A plural that says what the place is, or one the story also writes in
    // lower case, leaves the place alone.
    assert_eq!(
        types_of(
            "Ships sailed to the Falkland Islands in April.",
            "Falkland Islands"
        ),
        vec![EntityType::Loc]
    );
    for (text, plural) in [
        (
            "Tourists crowded the Paris Catacombs while other catacombs stayed shut.",
            "Catacombs",
        ),
        (
            "The storm hit Florida Keys residents hardest, officials said.",
            "Keys",
        ),
    ] {
        assert_no_org_written(text, |written| written.contains(plural));
    }
}

#[test]
fn words_before_a_legal_form_are_a_company_in_every_mention() {
    // A company whose name is ordinary words, in a story too short to say
    // more of it, is still a company where the story gives its legal form,
    // and so are its words alone in the story's other mentions.
    for (text, full, short) in [
        (
            "Red Hat Inc. said on Tuesday it would stop updating the software. Red Hat \
             will move its users to a new release.",
            "Red Hat Inc.",
            "Red Hat",
        ),
        (
            "Shares of Golden Harvest Ltd fell on Monday. Golden Harvest blamed the weather.",
            "Golden Harvest Ltd",
            "Golden Harvest",
        ),
    ] {
        assert_eq!(types_of(text, full), [EntityType::Org], "{full} in {text}");
        assert_eq!(
            types_of(text, short),
            [EntityType::Org],
            "{short} in {text}"
        );
    }
}

#[test]
fn a_name_that_merged_with_another_is_a_firm() {
    // "McDonnell Douglas merged with Boeing in 1996" left McDonnell Douglas
    // a place in four mentions: firms merge; of places, only those whose
    // names say what they are (counties, districts) do.
    for (text, firm) in [
        (
            "The plant was the home of Douglas Aircraft and later of Hawker Siddeley. In \
             1977 Hawker Siddeley merged with British Aerospace, and the site closed.",
            "Hawker Siddeley",
        ),
        (
            "Production of Fokker Breda jets ended in 1996, when Fokker Breda merged with a \
             Dutch rival.",
            "Fokker Breda",
        ),
    ] {
        assert_typed_in_every_mention(text, firm, EntityType::Org, 2);
    }
    let text = "In 1970 Tønder County merged with Aabenraa County to form a new county in \
        the south of Denmark.";
    assert_eq!(types_of(text, "Tønder County"), [EntityType::Loc]);
}

#[test]
fn a_seat_in_a_house_is_someones_role_not_a_body() {
    // "Member of Parliament (MP) Yvette Cooper" put "Member of Parliament"
    // and "MP" on ORG, and "Member of Congress Ilhan Omar" gave a body
    // "Congress Ilhan Omar": a seat, spelled out or not, is a role.
    let text = "Member of Parliament (MP) Yvette Cooper said the bill was flawed. The MP \
                added that she would vote against it.";
    assert_no_org_written(text, |t| matches!(t, "Member of Parliament" | "MP"));
    let tags = tagger().tag("Member of Congress Ilhan Omar spoke on Tuesday.");
    let omar = tags
        .entities
        .iter()
        .find(|e| e.text == "Ilhan Omar")
        .unwrap_or_else(|| panic!("no Ilhan Omar in {:?}", tags.entities));
    assert_eq!(omar.kind, EntityType::Person);
    assert_eq!(omar.role.as_deref(), Some("Member of Congress"));
}

#[test]
fn a_body_named_in_a_language_of_south_asia_or_islam_is_a_body() {
    // Bundled stories: the model took both for people.
    assert_org(
        "The party was organised by Akhil Bharat Hindu Mahasabha president Chakrapani.",
        "Akhil Bharat Hindu Mahasabha",
    );
    let text = "((WN)) What is your community?\n\nThe specific community is called the Khoja \
                Shi'a Ithna Asheri Jamaat.\n\n((WN)) How old are you?";
    let tags = tagger().tag(text);
    let jamaat = tags
        .entities
        .iter()
        .find(|e| e.text.starts_with("Khoja"))
        .unwrap_or_else(|| panic!("no Jamaat in {:?}", tags.entities));
    assert_eq!(jamaat.kind, EntityType::Org, "{jamaat:?}");
    // The stop the tokenizer left on its last word is no part of its name.
    assert_eq!(jamaat.canonical, "Khoja Shi'a Ithna Asheri Jamaat");
}

#[test]
fn a_club_named_before_its_town_is_the_club() {
    // "Real Madrid" was the town with a stray word, then nothing.
    let text = "Kylian Mbappé has joined Real Madrid on a five-year contract, the Spanish \
        club said on Monday. Real Madrid president Florentino Pérez welcomed him. Inter Milan \
        beat Bayern Munich 2-0, and Hapoel Tel Aviv drew with Sporting Lisbon.";
    assert_typed_in_every_mention(text, "Real Madrid", EntityType::Org, 2);
    for club in [
        "Inter Milan",
        "Bayern Munich",
        "Hapoel Tel Aviv",
        "Sporting Lisbon",
    ] {
        assert_org(text, club);
    }
    // A place named so whole stays the place.
    let text = "Police in Rapid City said the crash closed the road on Monday.";
    assert!(
        types_of(text, "Rapid City").contains(&EntityType::Loc),
        "{:?}",
        tagger().tag(text).entities
    );
}

#[test]
fn what_someone_is_of_is_no_part_of_their_name() {
    // "Lewis Hamilton of Mercedes" was one person; Mercedes is his team,
    // though towns in Uruguay and Argentina bear its name.
    let text = "Max Verstappen won the Hungarian Grand Prix for Red Bull on Sunday, ahead of \
        Lewis Hamilton of Mercedes and Lando Norris of McLaren. Jane Doe of Chicago watched.";
    assert_typed_in_every_mention(text, "Lewis Hamilton", EntityType::Person, 1);
    assert_org(text, "Mercedes");
    assert_typed_in_every_mention(text, "Jane Doe", EntityType::Person, 1);
    assert_typed_in_every_mention(text, "Chicago", EntityType::Loc, 1);
}

#[test]
fn a_team_called_by_a_count_is_the_team() {
    // "The San Francisco 49ers" was the city: a count is no part of a name
    // to most passes, and a maker's name with a number is its product.
    let text = "The Kansas City Chiefs beat the San Francisco 49ers 25-22 in overtime. The \
        Philadelphia 76ers lost to the Boston Celtics on Friday.";
    for team in ["San Francisco 49ers", "Philadelphia 76ers"] {
        assert_org(text, team);
    }
}

#[test]
fn a_majority_or_minority_leaders_chamber_is_the_body() {
    // "Senate Majority Leader Chuck Schumer" gave a body "Senate Majority".
    let text = "House Speaker Mike Johnson said Republicans would pass the bill, as Senate \
        Majority Leader Chuck Schumer warned of a shutdown and House Minority Whip Katherine \
        Clark said Democrats would vote against it.";
    let tags = tagger().tag(text);
    assert!(
        !tags.entities.iter().any(|e| e.text.contains("ority")),
        "{:?}",
        tags.entities
    );
    assert_typed_in_every_mention(text, "Senate", EntityType::Org, 1);
}
