//! Business news names companies, their products and markets: none of them is a
//! person or a place, and a headline's verb or a currency sign is no part of a
//! name. Each test is one class of mistake the tagger made on business stories.

mod common;

use common::{assert_org, tagger, types_of};
use newsterm_tag::{Entity, EntityType};

fn entities(text: &str) -> Vec<Entity> {
    tagger().tag(text).entities
}

/// The texts of the people found in `text`.
fn people(text: &str) -> Vec<String> {
    entities(text)
        .into_iter()
        .filter(|e| e.kind == EntityType::Person)
        .map(|e| e.text)
        .collect()
}

/// No reported entity's text contains `part`.
fn assert_nothing_contains(text: &str, part: &str) {
    let found: Vec<(String, EntityType)> = entities(text)
        .into_iter()
        .filter(|e| e.text.contains(part))
        .map(|e| (e.text, e.kind))
        .collect();
    assert!(found.is_empty(), "{part:?} in {found:?} from {text:?}");
}

#[test]
fn companies_listed_with_companies_are_organisations_not_people() {
    for (text, name) in [
        (
            "The contract went to Boeing and Huntington Ingalls, the shipbuilder.",
            "Huntington Ingalls",
        ),
        (
            "Investors welcomed the deal between Boeing and Pratt Whitney on Monday.",
            "Pratt Whitney",
        ),
        ("Boeing and Bell Textron won the tender.", "Bell Textron"),
    ] {
        assert_org(text, name);
    }
}

#[test]
fn a_known_company_name_followed_by_a_word_is_still_the_company() {
    assert_org(
        "Sales of Intel Capital rose in the third quarter.",
        "Intel Capital",
    );
}

#[test]
fn a_companys_short_form_keeps_the_companys_type() {
    let text = "The deal was fought over by Boeing and Pratt Whitney, with Pratt finally winning the contract.";
    assert_org(text, "Pratt");
}

#[test]
fn airlines_named_after_their_country_are_organisations() {
    for (text, name) in [
        ("Air Jamaica flew the route until 2010.", "Air Jamaica"),
        ("Air Namibia will lease two jets.", "Air Namibia"),
        (
            "Japan Southern Airlines and Vietnam Airlines placed orders.",
            "Japan Southern Airlines",
        ),
    ] {
        assert_org(text, name);
    }
}

#[test]
fn a_model_span_inside_a_known_organisation_takes_the_whole_name() {
    assert_org(
        "Shares of General Motors Company rose after the announcement on Tuesday.",
        "General Motors Company",
    );
}

#[test]
fn a_headline_verb_between_two_names_splits_them() {
    let text = "Airbus wins Oman Air order\n\nThe deal was signed on Friday.";
    assert_nothing_contains(text, "wins");
    assert_org(text, "Oman Air");
}

#[test]
fn a_legal_form_ends_a_company_name_before_a_persons_name() {
    let text =
        "The merger was announced by the chairman of Daimler AG Dieter Zetsche in Stuttgart.";
    assert_nothing_contains(text, "AG Dieter");
    assert_eq!(people(text), ["Dieter Zetsche"], "{:?}", entities(text));
}

#[test]
fn a_job_title_alone_is_no_person() {
    let text = "\"We are proud of the fleet,\" said Mary Jones, President and Chief Operating Officer of Delta Air Lines.";
    assert_eq!(people(text), ["Mary Jones"], "{:?}", entities(text));
}

#[test]
fn a_currency_code_is_no_place() {
    for text in [
        "The airline agreed to buy ten jets in a deal worth US$ 2.4 billion.",
        "Qantas reported a profit of A$ 300 million for the half year.",
        // A currency's code glued to the amount is no entity at all.
        "He promised to raise the federal minimum wage to USD15 an hour by 2025.",
        "Tickets cost EUR12 each, and the museum took EUR40,000 in a week.",
    ] {
        let places: Vec<String> = entities(text)
            .into_iter()
            .filter(|e| e.kind == EntityType::Loc || e.text.chars().any(|c| c.is_ascii_digit()))
            .map(|e| e.text)
            .collect();
        assert!(places.is_empty(), "places {places:?} in {text:?}");
    }
}

#[test]
fn aircraft_models_are_products_not_organisations() {
    let text = "The carrier will take delivery of its first Airbus A350 in May, and of two Boeing 777s later.";
    assert_nothing_contains(text, "A350");
    assert_nothing_contains(text, "777");
}

#[test]
fn market_indices_are_no_organisations() {
    for (text, name) in [
        ("The Kospi fell 30 points on Monday.", "Kospi"),
        (
            "The Dow Jones Transportation Average rose 40 points.",
            "Dow Jones Transportation Average",
        ),
    ] {
        let types = types_of(text, name);
        assert!(
            types
                .iter()
                .all(|t| *t != EntityType::Org && *t != EntityType::Person),
            "{name:?} typed {types:?} in {text:?}"
        );
    }
}

#[test]
fn a_player_who_scores_points_is_no_market_index() {
    // Points scored or awarded in a game are no index's move; only a name
    // that moves by a number of points is read as an index.
    for (text, name) in [
        (
            "LeBron James scored 30 points as the Los Angeles Lakers beat the Boston Celtics on Tuesday night.",
            "LeBron James",
        ),
        (
            "Rivals said the judges had confused the riders, awarding Ben Player the points for a ride his opponent had made.",
            "Ben Player",
        ),
    ] {
        let types = types_of(text, name);
        assert_eq!(types, vec![EntityType::Person], "{name:?} in {text:?}");
    }
}

#[test]
fn quantities_and_time_zones_are_no_names() {
    for (text, part) in [
        (
            "The MacBook ships with 2GB of memory, upgradeable to 4GB.",
            "GB",
        ),
        ("The Nano now holds 8GB.", "GB"),
        ("At 16:00 UTC, Apple shares were up.", "UTC"),
    ] {
        assert_nothing_contains(text, part);
    }
}

#[test]
fn the_maker_of_a_named_thing_is_a_firm_in_every_mention() {
    // Activision Blizzard was a person in both mentions, though the story
    // calls it the maker of a game.
    let text = "Microsoft completed its $69 billion purchase of Activision Blizzard on \
        Friday after Britain's Competition and Markets Authority approved the deal. Activision \
        Blizzard, the maker of Call of Duty, will keep its chief executive Bobby Kotick until \
        the end of the year. Shares of Sony fell 2% in Tokyo.";
    let types = types_of(text, "Activision Blizzard");
    assert_eq!(types, vec![EntityType::Org; 2], "{:?}", entities(text));
}

#[test]
fn what_shares_or_a_stake_are_in_is_a_firm() {
    // Hasbro was a place in both mentions, Volvo a person.
    let text = "Shares in Hasbro fell after the toymaker cut its forecast. Hasbro said sales \
        of Monopoly slowed. Geely bought a stake in Volvo in 2010, and Volvo said it was \
        pleased. Shares in London fell.";
    for firm in ["Hasbro", "Volvo"] {
        let types = types_of(text, firm);
        assert_eq!(
            types,
            vec![EntityType::Org; 2],
            "{firm}: {:?}",
            entities(text)
        );
    }
    assert_eq!(types_of(text, "London"), vec![EntityType::Loc]);
}

#[test]
fn a_name_whose_own_is_its_is_a_firm() {
    // "Pfizer said its vaccine" gave a person Pfizer; a family name's "its"
    // is more often another's.
    for (text, name, kind) in [
        (
            "Pfizer said its vaccine would be available next week, and BioNTech agreed.",
            "Pfizer",
            EntityType::Org,
        ),
        (
            "Smith said its decision was wrong, and Jones said it was fine.",
            "Smith",
            EntityType::Person,
        ),
    ] {
        assert_eq!(types_of(text, name), vec![kind], "{:?}", entities(text));
    }
}
