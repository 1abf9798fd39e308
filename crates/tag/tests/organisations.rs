//! Organisations are not people or places: newspapers, companies, their national
//! branches and web sites keep the organisation type wherever the model would have
//! guessed a person or a place from the look of the name.

mod common;

use common::tagger;
use newsterm_tag::EntityType;

/// The types `name` was given in `text` (every mention).
fn types_of(text: &str, name: &str) -> Vec<EntityType> {
    tagger()
        .tag(text)
        .entities
        .iter()
        .filter(|e| e.text == name)
        .map(|e| e.kind)
        .collect()
}

fn assert_org(text: &str, name: &str) {
    let types = types_of(text, name);
    assert!(!types.is_empty(), "{name:?} not found in {text:?}");
    assert!(
        types.iter().all(|t| *t == EntityType::Org),
        "{name:?} typed {types:?} in {text:?}"
    );
}

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
    let types = types_of(text, "Zarnow");
    assert!(types.len() >= 3, "{types:?}");
    assert!(types.iter().all(|t| *t == EntityType::Org), "{types:?}");
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
