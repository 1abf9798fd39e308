//! Places a reader can trust: every way of writing a place resolves to one gazetteer
//! entry with one id, ambiguous names follow the story, datelines are always places,
//! and what is not a point on the map (the Moon, the Middle East) is not shown as one.

mod common;

use common::{article, articles, assert_typed_in_every_mention, story, tagger, types_of};
use newsterm_tag::{Annotations, Entity, EntityType, KnownPeople};

/// The place entity whose text is `written` in a tagging of `text`.
fn place<'a>(tags: &'a newsterm_tag::Annotations, written: &str) -> Option<&'a Entity> {
    tags.entities
        .iter()
        .find(|e| e.text == written && matches!(e.kind, EntityType::Loc | EntityType::Norp))
}

/// Tags `text`, checking that `written` is no place in it.
fn assert_no_place(text: &str, written: &str) -> newsterm_tag::Annotations {
    let tags = tagger().tag(text);
    assert!(
        place(&tags, written).is_none(),
        "{written:?} is a place in {text:?}: {:?}",
        tags.entities
    );
    tags
}

fn resolved(text: &str, written: &str) -> Entity {
    let tags = tagger().tag(text);
    let e = place(&tags, written)
        .unwrap_or_else(|| panic!("{written:?} is no place in {text:?}: {:?}", tags.entities))
        .clone();
    assert!(
        e.lat.is_some() && e.lon.is_some(),
        "{written:?} has no point: {e:?}"
    );
    e
}

/// Sentences a country name is found in, from different parts of a story.
const FRAMES: &[&str] = &[
    "Officials in {} said on Monday that talks would resume next week.",
    "The agreement was signed by {} and its neighbours after years of talks.",
    "Exports from {} fell by a tenth last year, the ministry said.",
];

#[test]
fn every_way_of_writing_a_country_is_one_place_with_one_id() {
    let groups: &[(&str, &[&str])] = &[
        (
            "US",
            &[
                "the US",
                "the U.S.",
                "the USA",
                "America",
                "the United States",
            ],
        ),
        (
            "GB",
            &["the UK", "the U.K.", "Britain", "the United Kingdom"],
        ),
        ("AE", &["the UAE", "the United Arab Emirates"]),
        (
            "CD",
            &[
                "the DRC",
                "DR Congo",
                "the Democratic Republic of the Congo",
            ],
        ),
        ("NL", &["Holland", "the Netherlands"]),
        ("CI", &["Ivory Coast", "Côte d'Ivoire"]),
        ("MM", &["Burma", "Myanmar"]),
        ("CZ", &["Czechia", "the Czech Republic"]),
    ];
    for (iso, variants) in groups {
        let mut ids = Vec::new();
        for v in *variants {
            for frame in FRAMES {
                let text = frame.replace("{}", v);
                let written = v.strip_prefix("the ").unwrap_or(v);
                let e = resolved(&text, written);
                assert_eq!(e.country.as_deref(), Some(*iso), "{text}: {e:?}");
                ids.push((e.id.clone(), e.canonical.clone()));
            }
        }
        ids.dedup();
        assert_eq!(ids.len(), 1, "{iso} split into {ids:?}");
        assert!(ids[0].0.starts_with("geonames:"), "{ids:?}");
        // The name a GEO list shows is no "The Netherlands" beside a
        // "Gambia": GeoNames' article is left to the sentence.
        assert!(!ids[0].1.starts_with("The "), "{ids:?}");
    }
}

/// "Korea" alone is a country, not a person: South Korea, or North Korea
/// where the story's places are the North's.
#[test]
fn korea_alone_is_the_korea_the_story_is_in() {
    for (text, country) in [
        (
            "Officials in Korea said on Monday that talks would resume.",
            "KR",
        ),
        (
            "Korea beat Sweden 2-0 on Monday. Korea's Kim Shin-Wook was shown a yellow card.",
            "KR",
        ),
        (
            "Pyongyang said on Monday that Korea would never again be divided by foreign powers.",
            "KP",
        ),
    ] {
        let e = resolved(text, "Korea");
        assert_eq!(e.country.as_deref(), Some(country), "{text}: {e:?}");
    }
}

#[test]
fn demonyms_count_as_their_country_with_the_same_id() {
    let tags = tagger().tag(
        "Emirati, Dutch and Ivorian diplomats met Russian envoys on Monday. \
         Russia and the Netherlands said the talks went well.",
    );
    for (demonym, country) in [("Emirati", "AE"), ("Dutch", "NL"), ("Ivorian", "CI")] {
        let e = place(&tags, demonym).expect("demonym found");
        assert_eq!(e.kind, EntityType::Norp);
        assert_eq!(e.country.as_deref(), Some(country));
    }
    let id = |w: &str| place(&tags, w).map(|e| e.id.clone());
    assert_eq!(id("Russian"), id("Russia"));
    assert_eq!(id("Dutch"), id("Netherlands"));
    // A demonym the country-name file also lists among the country's other
    // names is still a demonym: "Thai officials" are no place.
    let tags = tagger().tag(
        "Thai officials met Togolese envoys in Bangkok. A Thai court later \
         ruled on the case.",
    );
    for (demonym, country) in [("Thai", "TH"), ("Togolese", "TG")] {
        let e = place(&tags, demonym).expect("demonym found");
        assert_eq!(e.kind, EntityType::Norp, "{e:?}");
        assert_eq!(e.country.as_deref(), Some(country));
    }
    // The Vatican is a demonym in that file too, and the state.
    let e = resolved("The Vatican said the pope would travel in May.", "Vatican");
    assert_eq!(
        (e.kind, e.country.as_deref()),
        (EntityType::Loc, Some("VA"))
    );
}

#[test]
fn city_names_with_city_are_the_city() {
    let plain = resolved("Rents in New York rose again in March.", "New York");
    let long = resolved(
        "Rents in New York City rose again in March.",
        "New York City",
    );
    assert_eq!(plain.id, long.id);
    assert_eq!(plain.country.as_deref(), Some("US"));
    let gt = resolved(
        "Protesters marched through Guatemala City on Sunday.",
        "Guatemala City",
    );
    assert_eq!(gt.country.as_deref(), Some("GT"));
}

/// Counties, districts and the provinces of Italy or the Philippines are on
/// the map too, with their country, a county of a name shared across US
/// states by the state the story names; a city keeps its name over the
/// district of the same name.
#[test]
fn counties_and_districts_resolve_with_their_country() {
    for (text, written, iso) in [
        (
            "Storm surge warnings were issued for Palm Beach County on Friday.",
            "Palm Beach County",
            "US",
        ),
        (
            "Police in Cambridgeshire closed the road after the crash.",
            "Cambridgeshire",
            "GB",
        ),
        (
            "Heavy rain flooded homes in County Galway overnight.",
            "County Galway",
            "IE",
        ),
        (
            "The quake was felt across Surigao del Sur on Tuesday.",
            "Surigao del Sur",
            "PH",
        ),
    ] {
        let e = resolved(text, written);
        assert_eq!(e.country.as_deref(), Some(iso), "{text}: {e:?}");
        assert!(e.lat.is_some() && e.unresolved.is_none(), "{e:?}");
    }
    // Every Irish county under its English name, whatever GeoNames calls
    // it ("Maigh Eo", "Ciarraí"); Louisiana's parishes and a saint's name
    // shortened as news writes it.
    let counties = [
        "County Mayo",
        "County Clare",
        "County Kerry",
        "County Louth",
        "County Kildare",
        "County Wexford",
        "County Galway",
    ];
    let text = format!(
        "The orange warning issued by the weather service applied to {} and {}.",
        counties[..counties.len() - 1].join(", "),
        counties[counties.len() - 1]
    );
    for written in counties {
        let e = resolved(&text, written);
        assert_eq!(e.country.as_deref(), Some("IE"), "{e:?}");
        assert_eq!(e.canonical, written, "{e:?}");
    }
    for (text, written, canonical) in [
        (
            "Residents of some areas, such as Jefferson Parish, were told to leave.",
            "Jefferson Parish",
            "Jefferson Parish",
        ),
        (
            "Officials in St. Tammany Parish and St. Bernard Parish ordered evacuations.",
            "St. Bernard Parish",
            "Saint Bernard Parish",
        ),
        (
            "Flooding closed roads in Ste. Genevieve County on Monday.",
            "Ste. Genevieve County",
            "Sainte Genevieve County",
        ),
    ] {
        let e = resolved(text, written);
        assert_eq!(e.country.as_deref(), Some("US"), "{text}: {e:?}");
        assert_eq!(e.canonical, canonical, "{text}: {e:?}");
    }
    let e = resolved(
        "A small plane crashed in Middlesex County, Connecticut, on Wednesday.",
        "Middlesex County",
    );
    let (lat, lon) = (e.lat.unwrap_or_default(), e.lon.unwrap_or_default());
    // Connecticut's Middlesex County, not Massachusetts' or Virginia's.
    assert!(
        (41.0..42.1).contains(&lat) && (-73.0..-72.0).contains(&lon),
        "{e:?}"
    );
    let e = resolved(
        "The flight from Bangalore to Mysore was cancelled.",
        "Mysore",
    );
    assert_eq!(e.canonical, "Mysuru", "{e:?}");
}

#[test]
fn states_and_provinces_resolve_with_their_country() {
    for (text, written, iso) in [
        (
            "Wildfires spread across Queensland on Tuesday.",
            "Queensland",
            "AU",
        ),
        ("Snow closed roads in Bavaria overnight.", "Bavaria", "DE"),
        (
            "Floods forced thousands from their homes in Ontario.",
            "Ontario",
            "CA",
        ),
        (
            "An earthquake struck Sichuan Province early on Monday.",
            "Sichuan Province",
            "CN",
        ),
        (
            "Voters in Pennsylvania went to the polls on Tuesday.",
            "Pennsylvania",
            "US",
        ),
    ] {
        let e = resolved(text, written);
        assert_eq!(e.country.as_deref(), Some(iso), "{text}: {e:?}");
        assert!(e.unresolved.is_none());
    }
}

#[test]
fn ambiguous_names_are_settled_by_the_places_around_them() {
    let alone = resolved("Birmingham's council met on Monday.", "Birmingham");
    assert_eq!(alone.country.as_deref(), Some("GB"));
    let qualified = resolved(
        "The storm reached Birmingham, Alabama, on Monday.",
        "Birmingham",
    );
    assert_eq!(qualified.country.as_deref(), Some("US"));

    let au = resolved(
        "Melbourne and the rest of Victoria went into lockdown as Australia recorded new cases.",
        "Victoria",
    );
    assert_eq!(au.country.as_deref(), Some("AU"));
    let ca = resolved(
        "Tourists in Victoria, British Columbia, watched whales on Sunday.",
        "Victoria",
    );
    assert_eq!(ca.country.as_deref(), Some("CA"));

    let pk = resolved(
        "Heavy rain flooded Lahore, and officials across Punjab ordered schools shut.",
        "Punjab",
    );
    assert_eq!(pk.country.as_deref(), Some("PK"));
    let india = resolved(
        "Heavy rain flooded Amritsar, and officials across Punjab ordered schools shut.",
        "Punjab",
    );
    assert_eq!(india.country.as_deref(), Some("IN"));

    // A name that is a country and another country's state is neither
    // until the story's other places choose: "Georgia" among US states or
    // beside US senators is the state (it was the country in eight bundled
    // American stories), beside Tbilisi or alone the country.
    for text in [
        "Biden made stops in Pennsylvania, Georgia, Florida and Iowa on Friday.",
        "Senators Marco Rubio of Florida, Mike Lee of Utah and David Perdue of \
         Georgia voted against the bill.",
    ] {
        let state = resolved(text, "Georgia");
        assert_eq!(state.country.as_deref(), Some("US"), "{text}: {state:?}");
    }
    for text in [
        "Protesters filled the streets of Tbilisi as Georgia's parliament voted.",
        "Georgia and Armenia signed a trade deal on Friday.",
    ] {
        let country = resolved(text, "Georgia");
        assert_eq!(
            country.country.as_deref(),
            Some("GE"),
            "{text}: {country:?}"
        );
    }
}

#[test]
fn datelines_at_the_top_of_a_story_are_always_places() {
    for (text, written, iso) in [
        (
            "Talks resume\n\nGENEVA — Negotiators met again on Monday.",
            "GENEVA",
            "CH",
        ),
        (
            "Dock strike\n\nVALPARAÍSO, Chile — Cranes stood idle for a third day.",
            "VALPARAÍSO",
            "CL",
        ),
        (
            "Senate vote\n\nWASHINGTON (Reuters) - The Senate voted on Tuesday.",
            "WASHINGTON",
            "US",
        ),
        (
            "Stocks fall\n\nNEW YORK, March 3 (AP) — Shares fell sharply on Monday as investors \
             took fright at the rise in interest rates.",
            "NEW YORK",
            "US",
        ),
        (
            "Budget\n\nSPRINGFIELD, Ill. — The governor signed the budget.",
            "SPRINGFIELD",
            "US",
        ),
        (
            "Storm\n\nPORTLAND, Maine — Snow fell all night.",
            "PORTLAND",
            "US",
        ),
    ] {
        let e = resolved(text, written);
        assert_eq!(e.kind, EntityType::Loc);
        assert_eq!(e.country.as_deref(), Some(iso), "{text}: {e:?}");
    }
    // A qualifier picks the right one of several places of the name.
    let maine = resolved(
        "Storm\n\nPORTLAND, Maine — Snow fell all night.",
        "PORTLAND",
    );
    let oregon = resolved("Storm\n\nPORTLAND, Ore. — Rain fell all night.", "PORTLAND");
    assert_ne!(maine.id, oregon.id);
    assert!(maine.lon.unwrap_or_default() > oregon.lon.unwrap_or_default());
    // The capital, not the state, heads a Washington dateline.
    let dc = resolved("Vote\n\nWASHINGTON — The House voted.", "WASHINGTON");
    assert!((38.0..39.5).contains(&dc.lat.unwrap_or_default()), "{dc:?}");
}

#[test]
fn the_dateline_field_is_a_resolved_place_and_context_for_the_story() {
    let draft = newsterm_story::StoryDraft {
        headline: Some("Harbour cranes stand idle".into()),
        dateline: Some("VALPARAÍSO, Chile".into()),
        body: vec![newsterm_story::Block::Paragraph(
            "Cranes at the port stood still for a third day on Wednesday.".into(),
        )],
        ..Default::default()
    };
    let content = draft
        .validate(time::OffsetDateTime::now_utc())
        .expect("valid story");
    let tags = tagger().tag_content(&content);
    let d = tags.dateline.as_ref().expect("dateline place");
    assert_eq!(d.canonical, "Valparaíso");
    assert_eq!(d.country.as_deref(), Some("CL"));
    assert!(d.lat.is_some());
    assert_eq!((d.start, d.end), (0, 10));
    assert!(tags.countries().contains(&"CL"));
    assert!(tags.names(EntityType::Loc).contains(&"Valparaíso"));
}

#[test]
fn celestial_bodies_and_vague_regions_are_not_points_on_the_map() {
    let tags = tagger().tag(
        "The probe is the first to land on Mars since 2021. It sends images back to Earth \
         every day, and will study the Moon next year. Its maker is based in Toulouse.",
    );
    for body in ["Mars", "Earth", "Moon"] {
        assert!(
            !tags
                .entities
                .iter()
                .any(|e| e.text == body && e.kind == EntityType::Loc),
            "{body} tagged as a place: {:?}",
            tags.entities
        );
    }
    // Stars are named in their constellation, planets of other stars by
    // their catalogue names: none is a place.
    let tags = tagger().tag(
        "Astronomers watched a planet forming around AB Aurigae, 520 light years away. \
         Water vapour was found on K2-18b last year, and Proxima Centauri is the \
         nearest star to the Sun. The team works in Chile.",
    );
    for body in ["AB Aurigae", "K2-18b", "Proxima Centauri"] {
        assert!(
            !tags.entities.iter().any(|e| e.text.contains(body)),
            "{body} tagged: {:?}",
            tags.entities
        );
    }
    assert!(place(&tags, "Chile").is_some(), "{:?}", tags.entities);
    // A person whose surname is a genitive too is still a person.
    let tags = tagger().tag("Labour minister Carlos Lupi resigned on Sunday.");
    assert!(
        tags.entities
            .iter()
            .any(|e| e.text == "Carlos Lupi" && e.kind == EntityType::Person),
        "{:?}",
        tags.entities
    );
    let tags = tagger().tag("Tensions rose across the Middle East after the strike.");
    let me = place(&tags, "Middle East").expect("region found");
    assert!(me.lat.is_none() && me.unresolved.is_some(), "{me:?}");
    // A continent is a place a reader can follow (GEO, facets) but no point:
    // its middle is some country's land.
    let tags = tagger().tag(
        "Ministers from Europe, Asia and South America met in Geneva. \
         Scientists in Antarctica reported the first cases.",
    );
    for continent in ["Europe", "Asia", "South America"] {
        let c = place(&tags, continent).unwrap_or_else(|| panic!("{continent} not found"));
        assert!(
            c.lat.is_none() && c.lon.is_none() && c.unresolved.is_some(),
            "{c:?}"
        );
        assert_eq!(c.canonical, continent);
    }
    // Antarctica is a continent and a country too (AQ), and on the map.
    let aq = place(&tags, "Antarctica").expect("Antarctica found");
    assert_eq!(aq.country.as_deref(), Some("AQ"), "{aq:?}");
    assert!(aq.lat.is_some(), "{aq:?}");
}

#[test]
fn every_place_in_the_bundled_news_is_on_the_map_or_says_why() {
    let mut places = 0;
    let mut mapped = 0;
    let mut canonical_of: std::collections::HashMap<String, String> = Default::default();
    for (_, text) in articles() {
        let tags = tagger().tag(&text);
        for e in tags
            .entities
            .iter()
            .filter(|e| matches!(e.kind, EntityType::Loc | EntityType::Norp))
        {
            assert!(!e.id.is_empty(), "{e:?}");
            if e.kind == EntityType::Loc {
                places += 1;
                if e.lat.is_some() && e.lon.is_some() {
                    mapped += 1;
                } else {
                    assert!(e.unresolved.is_some(), "unmapped without a reason: {e:?}");
                }
            }
            // One id, one name: facets and `place:` searches never split (a name
            // the gazetteer lacks keeps its spelling, case aside).
            let name = canonical_of
                .entry(e.id.clone())
                .or_insert(e.canonical.clone());
            assert!(
                name.to_lowercase() == e.canonical.to_lowercase()
                    && (e.unresolved.is_some() || *name == e.canonical),
                "{} has two names: {name}, {}",
                e.id,
                e.canonical
            );
        }
    }
    let share = mapped as f64 / places as f64;
    println!("{mapped} of {places} place mentions on the map ({share:.3})");
    assert!(share >= 0.85, "only {share:.3} of places resolved");
}

/// People whose given names the training annotations never showed were tagged
/// as places nobody could find ("lost the state to Hillary Clinton", "Sally
/// Capp is the Lord Mayor"); a list of given names tells them from places.
#[test]
fn people_with_given_names_unseen_in_training_are_no_places() {
    let cases = [
        (
            "In 2016 Sanders lost the caucuses to Hillary Clinton, securing 34% of votes.",
            "Hillary Clinton",
        ),
        (
            "Currently, Sally Capp is the Lord Mayor of Melbourne.",
            "Sally Capp",
        ),
        (
            "The award went to Priscilla Hargreave of Leeds on Tuesday.",
            "Priscilla Hargreave",
        ),
        (
            "Speaking after the vote, Gwendolyn Achterberg thanked her staff.",
            "Gwendolyn Achterberg",
        ),
    ];
    for (text, name) in cases {
        let tags = tagger().tag(text);
        assert!(
            place(&tags, name).is_none()
                && tags
                    .entities
                    .iter()
                    .any(|e| e.text == name && e.kind == EntityType::Person),
            "{name:?} is no person in {text:?}: {:?}",
            tags.entities
        );
    }
    // A name the story goes on to call its holder by: "Hatice Cengiz" was a
    // place three times in a bundled story that says "Cengiz said", and
    // "Park Won-soon" (surname first) in another.
    for (headline, name) in [
        (
            "Fiancée of murdered Saudi journalist demands justice",
            "Hatice Cengiz",
        ),
        ("Seoul city Mayor Park Won-soon found dead", "Park Won-soon"),
    ] {
        let mentions = mentions_in(headline, |t| t == name);
        assert!(!mentions.is_empty(), "no {name} in {headline}");
        assert!(
            mentions.iter().all(|e| e.kind == EntityType::Person),
            "{mentions:?}"
        );
    }
}

/// "Kamloops, B.C.": the abbreviation of a state or province after a town is
/// that state or province on the map, and the town is a place in its country,
/// for US states, Canadian provinces and Australian states alike.
#[test]
fn state_and_province_abbreviations_after_a_town_are_places() {
    for (text, town, abbreviation, division, country) in [
        (
            "Police in Kamloops, B.C., said a child found drugs in a playground.",
            "Kamloops",
            "B.C.",
            "British Columbia",
            "CA",
        ),
        (
            "Residents of Halifax, N.S. were told to stay home.",
            "Halifax",
            "N.S.",
            "Nova Scotia",
            "CA",
        ),
        (
            "The flood reached Toowoomba, Qld on Monday.",
            "Toowoomba",
            "Qld",
            "Queensland",
            "AU",
        ),
        (
            "He was born in Peoria, Ill., in 1950.",
            "Peoria",
            "Ill",
            "Illinois",
            "US",
        ),
    ] {
        let d = resolved(text, abbreviation);
        assert_eq!(
            (d.canonical.as_str(), d.country.as_deref()),
            (division, Some(country)),
            "{text}"
        );
        let t = resolved(text, town);
        assert_eq!(t.country.as_deref(), Some(country), "{text}");
    }
}

/// A capital is the city of the capital's name: "New Delhi" was Delhi, which
/// GeoNames lists with New Delhi among its other names (and whose id the
/// countries file gives as India's capital).
#[test]
fn a_capital_is_the_city_of_its_own_name() {
    let text = "A fire in a hotel in New Delhi killed 17 people, and Delhi's fire service said the blaze spread fast.";
    let capital = resolved(text, "New Delhi");
    let city = resolved(text, "Delhi");
    assert_eq!(capital.canonical, "New Delhi", "{capital:?}");
    assert_eq!(capital.country.as_deref(), Some("IN"));
    assert_ne!(capital.id, city.id, "{capital:?} {city:?}");
}

/// "from Allen, Texas": a name before a comma and the state, province or
/// country the gazetteer knows a town of that name in is the town, though the
/// model took it for a person (Allen is a given name too); a titled person
/// before a state ("Mr Allen, Texas governor") stays a person.
#[test]
fn a_town_before_its_state_or_country_is_that_town() {
    for (text, town, country) in [
        (
            "Officials identified the suspect as 21-year-old Patrick Crusius of Allen, Texas, near the city of Dallas.",
            "Allen",
            "US",
        ),
        (
            "A mother called the police in Kamloops, British Columbia (B.C.), Canada on Sunday.",
            "Kamloops",
            "CA",
        ),
        (
            "The border crossing between El Paso and Ciudad Juárez, Mexico, is separated by the Rio Grande.",
            "Ciudad Juárez",
            "MX",
        ),
        (
            "Students compete in the second Neurosurgery Olympiad in Tyumen, Russia.",
            "Tyumen",
            "RU",
        ),
    ] {
        let t = resolved(text, town);
        assert_eq!(t.country.as_deref(), Some(country), "{text}: {t:?}");
    }
    let tags = tagger().tag("Mr Allen, Texas governor, said he would not run again.");
    assert!(place(&tags, "Allen").is_none(), "{:?}", tags.entities);
}

/// "London's Hyde Park": a place the story puts in another by a
/// possessive lies in that place's country, whichever reading abroad is
/// bigger.
#[test]
fn a_place_after_a_places_possessive_lies_in_that_places_country() {
    let text = article("Influential rock drummer Ginger Baker dies");
    let park = resolved(&text, "Hyde Park");
    assert_eq!(park.country.as_deref(), Some("GB"), "{park:?}");
    for (text, town, country) in [
        (
            "Blind Faith played a free concert in London's Hyde Park before a crowd of thousands.",
            "Hyde Park",
            "GB",
        ),
        (
            "Crowds gathered in Massachusetts's Hyde Park on Sunday.",
            "Hyde Park",
            "US",
        ),
    ] {
        let t = resolved(text, town);
        assert_eq!(t.country.as_deref(), Some(country), "{text}: {t:?}");
    }
}

#[test]
fn what_an_appositive_calls_a_place_is_a_place_in_every_mention() {
    let text = "Fishermen were stranded in Varnek Kell, a small fishing village on the \
        northern coast, after the storm. Varnek Kell has had no power since Sunday.";
    assert_typed_in_every_mention(text, "Varnek Kell", EntityType::Loc, 2);
    // A port named in a person's appositive says nothing of the person.
    let text = "Baslan Damang, a security official from the port of departure, said the \
        crew had left.";
    assert_eq!(types_of(text, "Baslan Damang"), [EntityType::Person]);
}

/// The mentions of the bundled article headed `headline` whose text `names`
/// accepts.
fn mentions_in(headline: &str, names: impl Fn(&str) -> bool) -> Vec<Entity> {
    tagger()
        .tag(&article(headline))
        .entities
        .into_iter()
        .filter(|e| names(&e.text))
        .collect()
}

#[test]
fn a_people_named_by_its_demonym_is_no_person() {
    // A story about American Samoans' citizenship: the model took "Samoans"
    // for a person's name in most of its mentions.
    let mentions = mentions_in("US Federal judge rules American Samoans", |t| {
        t.contains("Samoan")
    });
    assert!(
        mentions.iter().all(|e| e.kind == EntityType::Norp),
        "{mentions:?}"
    );
    // The people of American Samoa, not of Samoa.
    let american: Vec<&Entity> = mentions
        .iter()
        .filter(|e| e.text == "American Samoans")
        .collect();
    assert!(american.len() >= 4, "{mentions:?}");
    assert!(
        american.iter().all(|e| e.country.as_deref() == Some("AS")),
        "{american:?}"
    );
    // A people of two words ("South Sudanese", "Hong Kongers") and one of
    // them ("one Hong Konger") are the people too, and a people before a
    // runner's name ("Ethiopians Dejene Debela") is no part of it.
    for (headline, people) in [
        (
            "South Sudanese politician John Luk Jok dies aged about 68",
            "South Sudanese",
        ),
        (
            "Hundreds of Hong Kong district council seats go to pro-democracy candidates",
            "Hong Kongers",
        ),
        (
            "Police shoot teenage protester as Hong Kong demonstrations continue",
            "Hong Konger",
        ),
    ] {
        let mentions = mentions_in(headline, |t| t == people);
        assert!(
            !mentions.is_empty() && mentions.iter().all(|e| e.kind == EntityType::Norp),
            "{people}: {mentions:?}"
        );
    }
    let runners = mentions_in(
        "Kenya's Brigid Kosgei sets new world record at Chicago Marathon",
        |t| t.contains("Dejene Debela"),
    );
    assert!(
        !runners.is_empty()
            && runners
                .iter()
                .all(|e| e.kind == EntityType::Person && e.text == "Dejene Debela"),
        "{runners:?}"
    );
    // A city's people: "Melbournians" was a person 16 times in an interview
    // with a candidate for Melbourne's council.
    let melbournians = mentions_in(
        "Wikinews interviews 2020 Melbourne Lord Mayor Candidate",
        |t| t == "Melbournians",
    );
    assert!(
        melbournians.iter().all(|e| e.kind != EntityType::Person),
        "{melbournians:?}"
    );
    // Whatever describes the people before its name: "Ancient Egyptians".
    let egyptians = mentions_in("Ancient Egyptians collected wild ibis", |t| {
        t.ends_with("Egyptians")
    });
    assert!(!egyptians.is_empty());
    assert!(
        egyptians.iter().all(|e| e.kind == EntityType::Norp),
        "{egyptians:?}"
    );
}

#[test]
fn a_people_or_party_the_story_counts_or_sets_apart_is_no_person() {
    // "The Kurds were instrumental…": five mentions, each after "the", were
    // a person in a bundled story on the withdrawal from Syria; "five
    // Republicans, five Democrats" and "Other Republicans" in another.
    for (headline, people) in [
        (
            "US President Trump announces troop withdrawal from Syria",
            "Kurds",
        ),
        (
            "On the campaign trail in the USA, September 2020",
            "Republicans",
        ),
        ("State-run bus crashes in Cuba", "Argentinians"),
    ] {
        let mentions = mentions_in(headline, |t| t == people);
        assert!(
            mentions.iter().all(|e| e.kind != EntityType::Person),
            "{mentions:?}"
        );
    }
    // A person's name ending in s stays the person: once after "the" is not
    // enough, nor is the plural of someone's surname (a family).
    let text = "Jobs said Apple would sell the phone in June. Jobs showed the \
        device to developers. In the Jobs era, Apple grew. Jobs left in 2011.";
    assert_typed_in_every_mention(text, "Jobs", EntityType::Person, 3);
    let text = "David Turpin and Louise Turpin were sentenced on Friday. The \
        Turpins had kept their children indoors, and the Turpins will be \
        eligible for parole in 25 years.";
    assert_typed_in_every_mention(text, "Turpins", EntityType::Person, 2);
}

#[test]
fn a_planet_is_no_person() {
    // An interview about life on Mars: "Mars" was a person 11 times.
    let mentions = mentions_in("Simple animals could live in Martian brines", |t| {
        t == "Mars"
    });
    assert!(mentions.is_empty(), "{mentions:?}");
    // The singer keeps his name, whatever word comes before it.
    let text = "Bruno Mars won three awards on Sunday. His band played a tribute \
        to Mars, and Mars thanked them.";
    assert_typed_in_every_mention(text, "Mars", EntityType::Person, 1);
}

/// "Philippine President Ferdinand Marcos": a country's adjective before a
/// title is the country, not a person of that name.
#[test]
fn a_countrys_adjective_before_a_title_is_the_country() {
    let text = "The network was last shut down under martial law imposed by former \
                Philippine President Ferdinand Marcos back in 1972.";
    let tags = tagger().tag(text);
    let e = place(&tags, "Philippine")
        .unwrap_or_else(|| panic!("Philippine is no place: {:?}", tags.entities));
    assert_eq!(e.country.as_deref(), Some("PH"), "{e:?}");
    assert!(!types_of(text, "Philippine").contains(&EntityType::Person));
}

#[test]
fn a_country_state_or_city_typed_a_person_is_the_place() {
    // "a Nevada law", "called Nevada for Biden", "the Canadian city of
    // Toronto", and the model's "Jersey" of "New Jersey had the lowest
    // rate" were people in bundled stories.
    for (headline, name, country) in [
        (
            "On the campaign trail in the USA, August 2020",
            "Nevada",
            "US",
        ),
        ("Joe Biden projected US president-elect", "Nevada", "US"),
        ("Fan Expo Canada 2019", "Toronto", "CA"),
        (
            "US study finds correlation between youth suicide",
            "New Jersey",
            "US",
        ),
    ] {
        let mentions = mentions_in(headline, |t| t == name);
        assert!(!mentions.is_empty(), "no {name} in {headline}");
        assert!(
            mentions
                .iter()
                .all(|e| e.kind == EntityType::Loc && e.country.as_deref() == Some(country)),
            "{mentions:?}"
        );
    }
    // A name a title gives to someone in the story stays that person in
    // every mention, even where a sentence puts something in it.
    let text = "Chief Justice Kennedy opened the hearing. The case went up from \
        the state courts and the federal circuits in Kennedy versus Washington.";
    let types = types_of(text, "Kennedy");
    assert!(!types.contains(&EntityType::Loc), "{types:?}");
}

#[test]
fn a_name_before_the_kind_of_thing_it_is_names_that_thing() {
    // "Red Hat also sponsors the Fedora operating system": Fedora was a
    // person 23 times in two bundled interviews; "Android phones",
    // "Godiva chocolate" and "the Mack truck" were people too.
    for (headline, name) in [
        ("Red Hat to move focus away from CentOS", "Fedora"),
        ("Apple unveils iPhone 4", "Android"),
        (
            "Wikinews interviews New York bar owner on Santorum cocktail",
            "Godiva",
        ),
        // "flipped the Mack truck he had been driving": a maker's name.
        (
            "Driver in New Hampshire multi-motorcycle crash pleads not guilty",
            "Mack",
        ),
    ] {
        let mentions = mentions_in(headline, |t| t == name);
        assert!(
            mentions.iter().all(|e| e.kind != EntityType::Person),
            "{mentions:?}"
        );
    }
    // "The Kīlauea volcano" is the volcano, not a person.
    let mentions = mentions_in("Scientists report skyrocketing phytoplankton", |t| {
        t == "Kīlauea"
    });
    assert!(!mentions.is_empty());
    for e in &mentions {
        assert_eq!(e.kind, EntityType::Loc, "{e:?}");
    }
    // A person's name stays so before a word that is no kind of thing.
    let text = "Jane Okafor launched a phone app on Monday. Okafor said the app \
        would be free.";
    assert_typed_in_every_mention(text, "Okafor", EntityType::Person, 1);
}

/// The mention of `name` in `text`.
fn mention(text: &str, name: &str) -> Entity {
    let entities = tagger().tag(text).entities;
    entities
        .iter()
        .find(|e| e.text == name)
        .cloned()
        .unwrap_or_else(|| panic!("no {name} in {entities:?}"))
}

#[test]
fn facilities_and_natural_features_say_why_they_are_not_on_the_map() {
    let text = "Crowds gathered outside the Royal Albert Hall in London on Sunday, \
        while divers searched the Velliyar River and boats waited off Skorpios Island.";
    for (name, kind) in [
        ("Royal Albert Hall", "facility"),
        ("Velliyar River", "natural feature"),
        ("Skorpios Island", "natural feature"),
    ] {
        let e = mention(text, name);
        assert_eq!(e.kind, EntityType::Loc, "{e:?}");
        assert!(e.lat.is_none(), "{e:?}");
        let reason = e.unresolved.unwrap_or_default();
        assert!(reason.contains(kind), "{name}: {reason:?}");
    }
}

#[test]
fn a_venue_named_for_its_city_is_on_the_map_at_the_city() {
    let e = mention(
        "The match was played at the Volgograd Arena before 40,000 fans.",
        "Volgograd Arena",
    );
    assert_eq!(e.country.as_deref(), Some("RU"), "{e:?}");
    assert!(e.lat.is_some(), "{e:?}");
    // A town of the airport's name in another country is not its place.
    let e = mention(
        "Flights were cancelled at Heathrow Airport after snow fell across London.",
        "Heathrow Airport",
    );
    assert_ne!(e.country.as_deref(), Some("US"), "{e:?}");
}

#[test]
fn a_river_named_for_a_town_is_not_the_town() {
    let text = "The Rio Grande river burst its banks near El Paso, Texas, on Friday.";
    let e = mention(text, "Rio Grande");
    assert!(e.lat.is_none() && e.country.is_none(), "{e:?}");
    assert!(
        e.unresolved.unwrap_or_default().contains("natural feature"),
        "{text}"
    );
}

#[test]
fn a_station_named_for_a_town_abroad_is_not_that_town() {
    // The bundled story of an engineer killed at London's Waterloo station had
    // the station in Waterloo, Ontario.
    let waterloo = mentions_in("Engineer killed while working on travelator", |t| {
        t.starts_with("Waterloo")
    });
    assert!(!waterloo.is_empty());
    assert!(
        waterloo.iter().all(|e| e.country.as_deref() != Some("CA")),
        "{waterloo:?}"
    );
    let e = mention("Police closed Victoria station in London.", "Victoria");
    assert_ne!(e.country.as_deref(), Some("HK"), "{e:?}");
    // A city's airport in a story of its country is at the city.
    let e = mention(
        "Flights left Paris airport late, French officials said.",
        "Paris",
    );
    assert_eq!(e.country.as_deref(), Some("FR"), "{e:?}");
}

#[test]
fn an_ordinary_word_capitalised_is_no_small_town_of_its_name() {
    // "Defunding the Police" was Police in Poland in a bundled story, "Time
    // magazine" Time in Norway six times, "the Cathedral" a town in Canada.
    for (text, written) in [
        (
            "He called for the Green New Deal and for defunding the Police.",
            "Police",
        ),
        (
            "In an interview with Time magazine, the chief executive said sales would recover.",
            "Time",
        ),
        (
            "The Cathedral was under renovation when the fire broke out.",
            "Cathedral",
        ),
        // Words the model typed an organisation, and capitals outside a
        // dateline: Liberal in Kansas and Dax in France were meant in
        // bundled stories.
        (
            "Canada's general election produces a Liberal minority government",
            "Liberal",
        ),
        (
            "You ran as a representative of the Liberal party in 2010.",
            "Liberal",
        ),
        (
            "In Europe, the DAX was up over 54 points and the CAC 40 was up nearly 15 points.",
            "DAX",
        ),
    ] {
        assert_no_place(text, written);
    }
    // A big city of such a name stays the city, and a qualified town the town.
    let reading = resolved(
        "Reports named him as a Reading resident, and police in Reading said he was held.",
        "Reading",
    );
    assert_eq!(reading.country.as_deref(), Some("GB"));
    let mobile = resolved(
        "The execution will be carried out in Mobile, Alabama.",
        "Mobile",
    );
    assert_eq!(mobile.country.as_deref(), Some("US"));
}

#[test]
fn a_part_of_a_place_is_no_place_of_its_name_abroad() {
    // "The Northern District of Texas" and "the Southern District of New
    // York" (federal court districts) were Israel's districts, and "the
    // Eastern District of Virginia" a district of American Samoa, in
    // bundled stories.
    let text = "She was convicted in 2006 in the Northern District of Texas. He was \
        tried in the Southern District of New York, and a third case went to the Eastern \
        District of Virginia.";
    let tags = tagger().tag(text);
    for written in ["Northern District", "Southern District", "Eastern District"] {
        let e = place(&tags, written)
            .unwrap_or_else(|| panic!("{written:?} is no place: {:?}", tags.entities));
        assert_eq!(e.country.as_deref(), Some("US"), "{e:?}");
        assert!(e.lat.is_none() && e.unresolved.is_some(), "{e:?}");
    }
    // A part named of the country it lies in keeps its point.
    let israel = resolved(
        "Protests in the Northern District of Israel grew on Sunday.",
        "Northern District",
    );
    assert_eq!(israel.country.as_deref(), Some("IL"));
}

#[test]
fn a_result_line_names_its_countries() {
    // A football result, as federations write it: "Korea Republic" and a
    // score after each side were places the gazetteer lacked.
    let text = "In Group F, Korea Republic beat Sweden 1-0, and England drew with Tunisia 1 \
        on Monday.";
    let tags = tagger().tag(text);
    for (written, iso) in [("Korea Republic", "KR"), ("Tunisia", "TN")] {
        let e = place(&tags, written)
            .unwrap_or_else(|| panic!("{written:?} is no place: {:?}", tags.entities));
        assert_eq!(e.country.as_deref(), Some(iso), "{e:?}");
    }
    let text = "Tourists drove past Sweden 1 to the border.";
    assert!(place(&tagger().tag(text), "Sweden").is_some());
    // A place named with its number keeps it.
    let text = "The base known as Area 51 lies in the Nevada desert.";
    assert!(
        tagger().tag(text).entities.iter().all(|e| e.text != "Area"),
        "{:?}",
        tagger().tag(text).entities
    );
}

#[test]
fn an_organisation_named_with_a_direction_is_no_town() {
    // "Northwestern University" was the town of University, Florida, and
    // "the Metropolitan Police" Police in Poland, read as a part of them.
    for (text, written) in [
        (
            "He studied law at Northwestern University in Chicago, Illinois.",
            "Northwestern University",
        ),
        (
            "Officers of the Metropolitan Police were called to Croydon on Friday.",
            "Metropolitan Police",
        ),
    ] {
        let tags = assert_no_place(text, written);
        assert!(
            tags.entities
                .iter()
                .all(|e| e.canonical != "University" && e.canonical != "Police"),
            "{text:?}: {:?}",
            tags.entities
        );
    }
    // A city whose name holds such a word stays the city.
    let city = resolved(
        "The team flew home to College Station, Texas, on Sunday.",
        "College Station",
    );
    assert_eq!(city.country.as_deref(), Some("US"));
}

#[test]
fn a_faith_is_no_place() {
    // "Converted to Islam" and "free speech in Islam" put Islam in the GEO
    // facet of three bundled stories.
    for text in [
        "According to sources close to the investigation, the man had converted to Islam a \
         year and a half ago.",
        "She joined protests against the restrictions on free speech in Islam.",
    ] {
        assert_no_place(text, "Islam");
    }
}

/// A place's official style ("the City of Perth", "the Commonwealth of
/// Kentucky") and an adjective made of its name ("a France-based firm",
/// "Philippine troops") are that place, with its point and its id.
#[test]
fn official_styles_and_adjectives_of_a_place_are_the_place() {
    for (text, written, name, country) in [
        (
            "Parking fees set by the City of Melbourne will rise in July, the council said.",
            "City of Melbourne",
            "Melbourne",
            "AU",
        ),
        (
            "He was charged under the laws of the State of Virginia after the crash.",
            "State of Virginia",
            "Virginia",
            "US",
        ),
        (
            "Ballot access was won in all fifty states and the District of Columbia.",
            "District of Columbia",
            "Washington",
            "US",
        ),
    ] {
        let e = resolved(text, written);
        assert_eq!(
            (e.canonical.as_str(), e.country.as_deref()),
            (name, Some(country)),
            "{e:?}"
        );
    }
    for (text, written, country) in [
        // "An outspoken opponent of the United States-led Iraq War".
        (
            article("Former president of France Jacques Chirac dies"),
            "United States-led",
            "US",
        ),
        (
            "Damage to roads was reported by Philippine officials on Tuesday.".to_string(),
            "Philippine",
            "PH",
        ),
        // A railway's side of a line.
        (
            "At the station in Mysuru, India, we were not able to receive trains from \
             Hassan-side and Mandya-side at once. If a train from Bangalore-side is coming, \
             that would stop."
                .to_string(),
            "Bangalore-side",
            "IN",
        ),
    ] {
        let tags = tagger().tag(&text);
        let e = place(&tags, written)
            .unwrap_or_else(|| panic!("{written:?} is no place in {text:?}: {:?}", tags.entities));
        assert_eq!(
            (e.kind, e.country.as_deref()),
            (EntityType::Norp, Some(country)),
            "{e:?}"
        );
    }
}

/// Names the gazetteer lacks that the model took for places, where the
/// sentence says what they are: a journal one publishes in, a language one
/// writes in, a god, a group of people the story also names in the
/// singular, a company's product, a band, ordinary words capitalised. None
/// of them is in GEO.
#[test]
fn what_the_sentence_says_an_unknown_place_is_it_is() {
    // A language is no entity of the kinds the tagger reports.
    for (text, written, kinds) in [
        (
            "The findings were published in Nature on Thursday and drew wide notice.",
            "Nature",
            &[EntityType::Org][..],
        ),
        (
            "The study was published last week in Nature Sustainability by a team in Oslo.",
            "Nature Sustainability",
            &[EntityType::Org][..],
        ),
        (
            "The downloader is a small program written in Python by two students.",
            "Python",
            &[][..],
        ),
    ] {
        let tags = assert_no_place(text, written);
        let found: Vec<_> = tags.entities.iter().filter(|e| e.text == written).collect();
        assert!(
            found.len() == kinds.len() && found.iter().zip(kinds).all(|(e, k)| e.kind == *k),
            "{written:?} in {text:?}: {found:?}"
        );
    }
    // The bundled stories where the model had each of these as a place.
    for (headline, written) in [
        ("Zara Kay tells Wikinews", "Allah"),
        ("Zara Kay tells Wikinews", "Muslims"),
        ("Mokha, Yemen bomb kills", "Houthis"),
        ("Singer-songwriter Robert Hunter dies", "Grateful Dead"),
        ("Wikinews discusses DRM and DMCA", "Amazon Kindle"),
        ("Wikinews discusses DRM and DMCA", "Python"),
        // Ordinary words capitalised: "Marty McFly from Back to the Future",
        // "the Order in Council", "to report to Cabinet".
        ("Toronto Comicon 2019 welcomes fans", "Back"),
        ("Toronto Comicon 2019 welcomes fans", "Beauty"),
        ("UK Supreme Court rules prorogation", "Council"),
        ("New Zealand mosque murder suspect", "Cabinet"),
    ] {
        assert_no_place(&article(headline), written);
    }
    // Ordinary words that end as a site does are still places, off the map
    // with the reason.
    for (headline, written) in [
        ("Violence breaks out in Washington, DC", "Freedom Plaza"),
        (
            "Northern Arapaho Tribe welcomes buffalo herd",
            "National Bison Range",
        ),
    ] {
        let tags = tagger().tag(&article(headline));
        let e = place(&tags, written).unwrap_or_else(|| panic!("{written:?} is no place"));
        assert!(e.unresolved.is_some(), "{e:?}");
    }
    assert_typed_in_every_mention(
        &article("Singer-songwriter Robert Hunter dies"),
        "Grateful Dead",
        EntityType::Org,
        3,
    );
}

/// The countries `written` was put in by a tagging of `text`, every
/// mention, and whether it was found at all.
fn countries_of(text: &str, written: &str) -> Vec<Option<String>> {
    let tags = tagger().tag(text);
    let found: Vec<Option<String>> = tags
        .entities
        .iter()
        .filter(|e| e.text == written)
        .map(|e| e.country.clone())
        .collect();
    assert!(
        !found.is_empty(),
        "{written:?} is not found in {text:?}: {:?}",
        tags.entities
    );
    found
}

#[test]
fn a_towns_other_name_is_that_town_only_where_the_story_puts_it() {
    // Names GeoNames lists among a town's foreign, former or local names,
    // in stories that name nothing of that town's country.
    for (text, written, abroad) in [
        (
            "Fire crews were sent from Dolgellau, Harlech, Barmouth, Bala and Blaenau \
             Ffestiniog, the Welsh fire service said.",
            "Bala",
            "CH",
        ),
        (
            "According to the semi-official news agency ISNA, the prosecutor general \
             of Tehran said 36 people were wanted.",
            "ISNA",
            "EG",
        ),
        (
            "I have wanted to be a marine scientist since I was a child, when I would \
             collect sand crabs (Emerita talpoida) from local beaches in New York.",
            "Emerita",
            "MX",
        ),
    ] {
        for country in countries_of(text, written) {
            assert_ne!(country.as_deref(), Some(abroad), "{written:?} in {text:?}");
        }
    }
    // Nor where it is a word of a longer name, though the story names the
    // town's country: the model took only the first word of the index.
    let text = "Shares fell in Shanghai and Tokyo, and the Hang Seng index in Hong \
        Kong lost 5.5 percent, its biggest fall since 1987.";
    let tags = tagger().tag(text);
    assert!(
        tags.entities
            .iter()
            .all(|e| !(e.text == "Hang" && e.country.as_deref() == Some("CN"))),
        "{:?}",
        tags.entities
    );
    assert!(
        place(&tags, "Shanghai").is_some_and(|e| e.country.as_deref() == Some("CN")),
        "{:?}",
        tags.entities
    );
    // The same kind of name where the story puts the town in its country.
    for (text, written, canonical) in [
        (
            "Rescue teams reached Calicut in the state of Kerala, India, on Friday \
             after the plane overshot the runway.",
            "Calicut",
            "Kozhikode",
        ),
        (
            "The Dutch ruled the islands from Batavia until Indonesia declared \
             independence in 1945.",
            "Batavia",
            "Jakarta",
        ),
        (
            "An all-women crew drove the train from Mysore to Bengaluru in \
             Karnataka, India, on Sunday.",
            "Mysore",
            "Mysuru",
        ),
    ] {
        let e = resolved(text, written);
        assert_eq!(e.canonical, canonical, "{text}: {e:?}");
    }
    // Forms of a town's own name need no support: shortened, or written out
    // by the gazetteer itself.
    for (written, canonical) in [
        ("Frankfurt", "Frankfurt am Main"),
        ("New York", "New York City"),
        ("Bombay", "Mumbai"),
    ] {
        let text = format!("Shares fell sharply in {written} on Monday, traders said.");
        let e = resolved(&text, written);
        assert_eq!(e.canonical, canonical, "{text}: {e:?}");
    }
}

#[test]
fn a_country_is_meant_before_a_city_abroad_called_by_its_name() {
    let text = article("Benin, Nigeria join African Union");
    let tags = tagger().tag(&text);
    let benin: Vec<&Entity> = tags.entities.iter().filter(|e| e.text == "Benin").collect();
    assert!(benin.len() >= 2, "{:?}", tags.entities);
    for e in benin {
        assert_eq!(e.canonical, "Benin", "{e:?}");
        assert_eq!(e.country.as_deref(), Some("BJ"), "{e:?}");
    }
    // A country's own city of its name is not abroad, and the city's full
    // name is the city.
    for (text, written, canonical) in [
        (
            "Delegates met in Benin City, Nigeria, on Tuesday.",
            "Benin City",
            "Benin City",
        ),
        (
            "Protesters gathered in Kuwait City on Tuesday.",
            "Kuwait City",
            "Kuwait City",
        ),
    ] {
        let e = resolved(text, written);
        assert_eq!(e.canonical, canonical, "{text}: {e:?}");
    }
}

#[test]
fn a_small_town_abroad_is_not_the_storys_unless_the_story_says_so() {
    // Each name is only some small town's in a country the story names
    // nothing else of.
    let notre_dame = article("Notre Dame in Paris catches fire");
    for (text, written, abroad) in [
        (notre_dame.as_str(), "Notre Dame", "US"),
        (
            "In an interview with Forbes, West outlined his campaign, which he said \
             would start in Wyoming, United States.",
            "Forbes",
            "AU",
        ),
        (
            "Attributions of responsibility were made by the Yemeni state news firm \
             Saba after the bombing in Mokha, Yemen.",
            "Saba",
            "HN",
        ),
    ] {
        for country in countries_of(text, written) {
            assert_ne!(country.as_deref(), Some(abroad), "{written:?} in {text:?}");
        }
    }
    // A small town in a country the story names, after its state, or in a
    // territory whose every reading is one country's.
    for (text, written, country) in [
        (
            "Officials in Texas said a tornado struck the town of Tyler late on \
             Sunday, and schools in Tyler will be closed.",
            "Tyler",
            "US",
        ),
        (
            "A pickup truck hit seven motorcyclists in Keene, New Hampshire.",
            "Keene",
            "US",
        ),
        (
            "Protesters marched from Victoria Park to Causeway Bay in Hong Kong on \
             Sunday.",
            "Causeway Bay",
            "HK",
        ),
    ] {
        let e = resolved(text, written);
        assert_eq!(e.country.as_deref(), Some(country), "{text}: {e:?}");
    }
}

#[test]
fn a_disease_named_for_a_place_or_a_person_is_neither() {
    for (text, name) in [
        (
            "Mendez died of Parkinson's disease at 78, his publicist said.",
            "Parkinson",
        ),
        (
            "She died from Powassan virus, a flavivirus spread by ticks, in October.",
            "Powassan",
        ),
        (
            "He had lived with Alzheimer's disease for a decade.",
            "Alzheimer",
        ),
        ("The Zika virus spread across Brazil in 2015.", "Zika"),
    ] {
        let tags = tagger().tag(text);
        assert!(
            tags.entities.iter().all(|e| e.text != name),
            "{name:?} in {text:?}: {:?}",
            tags.entities
        );
    }
    // The same names as a person's and a town's.
    assert_typed_in_every_mention(
        "Michael Parkinson said on Monday that he would retire. Parkinson is 84.",
        "Parkinson",
        EntityType::Person,
        1,
    );
    let e = resolved(
        "Floods closed roads in Parkinson, Queensland, on Sunday.",
        "Parkinson",
    );
    assert_eq!(e.country.as_deref(), Some("AU"), "{e:?}");
}

#[test]
fn a_lists_bullet_or_a_slogans_verb_is_no_part_of_a_place() {
    // A bullet between two items parts their names, however close the
    // model saw them; the place before it stays a place.
    let tags = tagger().tag(
        "Ford said the plants to close are Cleveland Engine of Brook Park, Ohio * \
         Brampton Assembly of Brampton, Ontario * Norfolk Assembly of Norfolk, Virginia * \
         Twin Cities Assembly of St. Paul, Minnesota.",
    );
    assert!(
        tags.entities.iter().all(|e| !e.text.contains('*')),
        "{:?}",
        tags.entities
    );
    for name in ["Ontario", "Virginia"] {
        assert!(place(&tags, name).is_some(), "{name}: {:?}", tags.entities);
    }
    // "Make Brisbane the first city …": a plan's verb before a place is no
    // part of its name, and the place is on the map in every mention.
    let text = "The candidate set out her plan on Tuesday. Make Brisbane the first city \
                in the country to run its buses on hydrogen. Keep Brisbane affordable for renters.";
    let tags = tagger().tag(text);
    assert!(
        tags.entities
            .iter()
            .all(|e| !e.text.starts_with("Make") && !e.text.starts_with("Keep")),
        "{:?}",
        tags.entities
    );
    assert_typed_in_every_mention(text, "Brisbane", EntityType::Loc, 2);
    assert!(
        tags.entities
            .iter()
            .filter(|e| e.text == "Brisbane")
            .all(|e| e.country.as_deref() == Some("AU")),
        "{:?}",
        tags.entities
    );
}

#[test]
fn a_province_outweighs_a_middling_city_of_its_name_abroad() {
    // Ontario has 14 million people, Ontario in California 175,000: a
    // story whose other places are American still means the province
    // unless it puts the city in California.
    let tags = tagger().tag(
        "Ford will close plants in Cleveland, Ohio and in Dearborn, Michigan, \
         and one in Ontario next year.",
    );
    let ontario = place(&tags, "Ontario").expect("Ontario is a place");
    assert_eq!(ontario.country.as_deref(), Some("CA"), "{ontario:?}");
}

#[test]
fn a_province_abroad_named_for_a_natural_feature_is_the_feature() {
    // Sudan has a state called Red Sea and Somalia a region called Bay:
    // neither is meant by a story set elsewhere.
    for (text, name) in [
        (
            "Saudi-led aircraft struck the Red Sea port of Hodeidah, Yemen, \
             and the fighting spread to Taiz.",
            "Red Sea",
        ),
        (
            "Rents rose again across the Bay Area, and Oakland, California saw \
             the steepest climb since 2015.",
            "Bay",
        ),
    ] {
        let tags = tagger().tag(text);
        assert!(
            tags.entities
                .iter()
                .filter(|e| e.text == name)
                .all(|e| !matches!(e.country.as_deref(), Some("SD" | "SO"))),
            "{text}: {:?}",
            tags.entities
        );
    }
}

#[test]
fn a_natural_features_name_is_a_place_not_a_body() {
    // "Gulf of", "Estuary", "Trench": the model, or the rule that makes a
    // name with a body's word a body's, had made each an organisation.
    for (text, name) in [
        (
            "He announced a security plan for the Red Sea, the Gulf of Aden and the Strait \
             of Hormuz, to be unveiled at the United Nations.",
            "Gulf of Aden",
        ),
        (
            "The hotel, off the A496, overlooks the Dovey Estuary in Snowdonia National Park.",
            "Dovey Estuary",
        ),
        (
            "The fault makes the province seismically active, while the nearby Manila \
             Trench adds to earthquakes regionally.",
            "Manila Trench",
        ),
    ] {
        assert_typed_in_every_mention(text, name, EntityType::Loc, 1);
    }
}

#[test]
fn demonyms_news_writes_resolve_to_their_country() {
    // Variants the country list lacks: "Argentinian", "Briton", "Azeri",
    // "Ecuadorian", "Nepali".
    for (text, demonym, country) in [
        (
            "The Argentinian government sent aid on Monday.",
            "Argentinian",
            "AR",
        ),
        (
            "Two Britons were among the injured, police said.",
            "Britons",
            "GB",
        ),
        ("An Azeri court jailed the journalist.", "Azeri", "AZ"),
        (
            "Ecuadorian officials closed the border.",
            "Ecuadorian",
            "EC",
        ),
        ("The Nepali army joined the search.", "Nepali", "NP"),
    ] {
        let tags = tagger().tag(text);
        let found = place(&tags, demonym);
        assert_eq!(
            found.and_then(|e| e.country.as_deref()),
            Some(country),
            "{text:?}: {:?}",
            tags.entities
        );
    }
}

#[test]
fn a_word_of_the_language_alone_is_no_unknown_place() {
    // "A sponsorship from Slack" and "participating in Fedora" put a chat
    // service and a Linux distribution in the GEO list, with no point.
    for (text, word) in [
        (
            "The team moved its chat from Discord to Slack last year, a developer said.",
            "Discord",
        ),
        ("Contributors to Fedora and Debian met in Brno.", "Fedora"),
        (
            "The company, which specialises in Robotics, was sold.",
            "Robotics",
        ),
    ] {
        assert_no_place(text, word);
    }
    // A place the gazetteer knows keeps its name, word or not.
    let text = "She lives in Reading and works in Bath.";
    for town in ["Reading", "Bath"] {
        resolved(text, town);
    }
}

#[test]
fn an_organisation_named_for_its_place_names_the_place_too() {
    // "Researchers at the University of Copenhagen" left Copenhagen off the
    // story's GEO list and map; GUM's annotators mark such a place as a
    // mention of its own inside the organisation's name.
    for (text, written, country) in [
        (
            "Researchers at the University of Copenhagen in Denmark found the ants.",
            "Copenhagen",
            "DK",
        ),
        (
            "The Bank of Japan injected a trillion yen into the markets.",
            "Japan",
            "JP",
        ),
        (
            "The Municipality of Livorno said the Italian port would reopen.",
            "Livorno",
            "IT",
        ),
    ] {
        let tags = tagger().tag(text);
        let org = tags
            .entities
            .iter()
            .find(|e| e.kind == EntityType::Org && e.text.ends_with(written));
        let place = resolved(text, written);
        assert!(org.is_some(), "{text:?}: {:?}", tags.entities);
        assert_eq!(place.country.as_deref(), Some(country), "{place:?}");
    }
    // A name whose end is no place, or a town the story does not place.
    assert_no_place("He left the Church of Scientology in 2010.", "Scientology");
    let tags = tagger().tag("She teaches at the University of Essex, her office said.");
    assert!(
        tags.entities
            .iter()
            .all(|e| !(e.kind == EntityType::Loc && e.country.as_deref() == Some("US"))),
        "{:?}",
        tags.entities
    );
}

#[test]
fn a_place_named_for_a_town_is_that_place_not_the_town() {
    // "Stolen from Blenheim Palace in Oxfordshire" had put Blenheim, New
    // Zealand, on the map; "the attack in Linwood Mosque" had made a
    // person of the mosque.
    let tags = tagger().tag(
        "A gold toilet was stolen from Blenheim Palace in Oxfordshire. The \
         second attack was in Linwood Mosque.",
    );
    for name in ["Blenheim Palace", "Linwood Mosque"] {
        let e = place(&tags, name)
            .unwrap_or_else(|| panic!("{name:?} is no place: {:?}", tags.entities));
        assert!(e.lat.is_none() && e.unresolved.is_some(), "{e:?}");
    }
    assert!(
        tags.entities
            .iter()
            .all(|e| e.country.as_deref() != Some("NZ") && e.kind != EntityType::Person),
        "{:?}",
        tags.entities
    );
}

#[test]
fn a_name_after_the_town_of_is_a_place_known_or_not() {
    // "evacuated about 80 people in the town of Yeoncheon" lost the town,
    // which no gazetteer entry backed, and "the village of Kfar Aza" was a
    // person.
    let text = "South Korea evacuated about 80 people from the town of Yeoncheon after \
                a shell landed. Police later reached the village of Kfar Aza and the \
                city of Zhytomyr.";
    let tags = tagger().tag(text);
    for written in ["Yeoncheon", "Kfar Aza", "Zhytomyr"] {
        let found = place(&tags, written);
        assert!(found.is_some(), "{written}: {:?}", tags.entities);
    }
    assert_eq!(types_of(text, "Kfar Aza"), vec![EntityType::Loc]);
    // Known, it is on the map; unknown, it says why it is not.
    assert!(place(&tags, "Zhytomyr").is_some_and(|e| e.lat.is_some()));
    assert!(place(&tags, "Yeoncheon").is_some_and(|e| e.lat.is_some() || e.unresolved.is_some()));
}

#[test]
fn a_town_qualified_by_a_state_it_is_not_in_stays_off_the_map() {
    // "On Route 2 in Randolph, New Hampshire" put the story on the map at
    // Randolph, Massachusetts: the gazetteer lacks the small town, and a
    // bigger one of its name in another state won.
    let text = "On Friday, on Route 2 in Randolph, New Hampshire, a pickup truck hit a \
                group of riders. A ceremony was held in Columbia, New Hampshire.";
    let tags = tagger().tag(text);
    for written in ["Randolph", "Columbia"] {
        let town = place(&tags, written);
        assert!(
            town.is_some_and(|e| e.lat.is_none()
                && e.unresolved.is_some()
                && e.country.as_deref() == Some("US")),
            "{written}: {:?}",
            tags.entities
        );
    }
    // A town of the state named is found there, and places listed one
    // after another qualify none of each other ("Los Angeles, Dubai").
    let paris = resolved("Paris, Texas hosted the fair on Saturday.", "Paris");
    assert_eq!(paris.country.as_deref(), Some("US"));
    let listed = resolved(
        "The airline flies to New York, Boston, Chicago, Los Angeles, Dubai, and Perth.",
        "Los Angeles",
    );
    assert_eq!(listed.country.as_deref(), Some("US"));
}

#[test]
fn a_place_the_story_qualifies_once_is_that_place_in_every_mention() {
    // "Preston, Victoria, Australia" opens the story, and "the leafy
    // Melbourne suburb of Preston" later put a second Preston on its map,
    // in England.
    let text = article("Wikinews interviews Australian wheelchair basketball player Tina McKenzie");
    let tags = tagger().tag(&text);
    let prestons: Vec<_> = tags
        .entities
        .iter()
        .filter(|e| e.text == "Preston")
        .map(|e| (e.country.as_deref(), e.geonames_id))
        .collect();
    assert!(prestons.len() >= 2, "{:?}", tags.entities);
    assert!(
        prestons
            .iter()
            .all(|p| *p == prestons[0] && p.0 == Some("AU")),
        "{prestons:?}"
    );
}

#[test]
fn a_city_state_and_its_capital_are_one_place() {
    // "Pope Francis spoke in Vatican City … the Vatican said" gave GEO two
    // rows, the GeoNames city and the country, for one place.
    let text = "Pope Francis spoke in Vatican City on Sunday. The Vatican said the \
                talks would go on. Officials in Kuwait City and Kuwait agreed.";
    let city = resolved(text, "Vatican City");
    let country = resolved(text, "Vatican");
    assert_eq!(
        (&city.id, &city.canonical),
        (&country.id, &country.canonical)
    );
    // A capital that holds a small part of its country is a place of its own.
    assert_ne!(
        resolved(text, "Kuwait City").id,
        resolved(text, "Kuwait").id
    );
}

#[test]
fn a_title_or_a_body_named_in_words_is_no_place() {
    // GEO listed a magazine, a news site, a television series, a
    // university faculty and a tribe, unresolved, among the places.
    for (headline, name) in [
        (
            "Microsoft waits for death of Internet Explorer 6",
            "PC World",
        ),
        (
            "On the campaign trail in the USA, September 2020",
            "Drudge Report",
        ),
        (
            "Toronto Comicon 2019 welcomes fans with celebrities, creativity, cosplay",
            "Vampire Slayer",
        ),
        (
            "New Zealand mosque murder suspect appears in court at Christchurch",
            "Faculty of Arts",
        ),
        (
            "Native American groups sue US state of Montana over ballot law",
            "Crow Tribe",
        ),
    ] {
        let places = mentions_in(headline, |t| t == name);
        assert!(
            places.iter().all(|e| e.kind != EntityType::Loc),
            "{name}: {places:?}"
        );
    }
    // Places the gazetteer lacks stay places where their names say what
    // they are: a lawn, a constituency's point of the compass.
    for (headline, name) in [
        (
            "On the campaign trail in the USA, August 2020",
            "South Lawn of the White House",
        ),
        (
            "Conservative Party wins majority in 2019 UK general election",
            "Dunbartonshire East",
        ),
    ] {
        let places = mentions_in(headline, |t| t == name);
        assert!(
            !places.is_empty() && places.iter().all(|e| e.kind == EntityType::Loc),
            "{name}: {places:?}"
        );
    }
}

#[test]
fn what_other_stories_named_as_a_body_stays_that_body() {
    // Where the archive knows "Drudge Report" and "Qantas" as bodies (two
    // stories named each so), a story that took one for an unknown place
    // or for a lone name with nothing of a person names the body, as the
    // server's imports and publishes see it.
    let known = KnownPeople::default();
    for _ in 0..2 {
        known.observe(&Annotations {
            entities: vec![
                Entity::mention(EntityType::Org, 0, 13, "Drudge Report"),
                Entity::mention(EntityType::Org, 14, 20, "Qantas"),
            ],
            ..Annotations::default()
        });
    }
    for (headline, name) in [
        (
            "On the campaign trail in the USA, September 2020",
            "Drudge Report",
        ),
        ("Engine troubles delay Airbus superjumbo tour", "Qantas"),
    ] {
        let tags = tagger().tag_content_known(&story(headline, &article(headline)), &known);
        let body: Vec<_> = tags.entities.iter().filter(|e| e.text == name).collect();
        assert!(
            !body.is_empty() && body.iter().all(|e| e.kind == EntityType::Org),
            "{name}: {body:?}"
        );
    }
}

#[test]
fn a_name_written_with_an_okina_is_the_place() {
    // "the 2006 pro-democracy riots in Nukuʻalofa": the ʻokina is a letter
    // to Unicode, GeoNames writes "Nuku‘alofa", and Tonga's capital was
    // off the map. Every mention is now on it, in Tonga.
    let text = article("Sitting Tongan Prime Minister Akilisi Pohiva dies aged 78");
    let tags = tagger().tag(&text);
    let capital: Vec<_> = tags
        .entities
        .iter()
        .filter(|e| e.text == "Nukuʻalofa")
        .collect();
    assert!(!capital.is_empty(), "{:?}", tags.entities);
    assert!(
        capital
            .iter()
            .all(|e| e.country.as_deref() == Some("TO") && e.lat.is_some()),
        "{capital:?}"
    );
}

#[test]
fn a_given_name_in_a_list_of_places_is_one_of_the_places() {
    // A town that is also a given name, in a list of towns that goes on
    // past it, is a town like the rest, not a person.
    for (text, town) in [
        (
            "Homes were damaged in Carrascal, Cantilan, Madrid, Carmen, Lanuza and \
             Cortes, the provincial disaster office said.",
            "Carmen",
        ),
        (
            "Power was cut in Hinatuan, Bislig, Lingig, Carmen and Tandag after the \
             storm, officials said.",
            "Carmen",
        ),
    ] {
        assert_eq!(types_of(text, town), [EntityType::Loc], "{town} in {text}");
    }
    // Where the list ends at the name, the name may be someone's.
    let text = "The mayor thanked the rescuers of Madrid, Carmen said on Monday.";
    assert_eq!(types_of(text, "Carmen"), [EntityType::Person], "{text}");
}

#[test]
fn a_place_named_for_a_saint_is_the_place_however_the_saint_is_written() {
    // "her life in Saint Louis" gave a person Louis, and "Saint Louis"
    // written out was a town in Michigan of that name: after a word that
    // places something, a saint's name the gazetteer holds is the place,
    // and written out it is the place it shortens to, as mostly written.
    for text in [
        "He moved to Saint Louis in 1990 and opened a bakery.",
        "She spoke of her chess, and of her life in Saint Louis with a correspondent.",
    ] {
        let e = resolved(text, "Saint Louis");
        assert_eq!(e.canonical, "St. Louis", "{text}");
        assert_eq!(e.country.as_deref(), Some("US"));
        assert!(
            e.lat.is_some_and(|lat| (38.0..39.0).contains(&lat)),
            "{e:?}"
        );
        assert!(types_of(text, "Louis").is_empty(), "{text}");
    }
    // A hospital's short name stays the body's, not a small town of the
    // name ("Saint Francis", Wisconsin).
    assert_no_place(
        "Patients went to Hartford Hospital and Saint Francis Hospital. A doctor at \
         Saint Francis said the wards were full.",
        "Saint Francis",
    );
}

#[test]
fn a_regions_name_with_its_article_capitalised_is_a_title() {
    // "According to a recent report by The Atlantic" put the magazine on
    // GEO as the ocean: "The" capitalised inside a sentence makes a sea's
    // or a region's name a title's; "the Atlantic" stays the ocean.
    for (text, title, region) in [
        (
            "According to a recent report by The Atlantic, the agency kept a database of \
             complaints. Storms formed over the Atlantic.",
            "The Atlantic",
            "Atlantic",
        ),
        (
            "Voter Kitty Mak told The Mediterranean, a monthly, that turnout was high. \
             Ships crossed the Mediterranean all week.",
            "The Mediterranean",
            "Mediterranean",
        ),
    ] {
        assert_eq!(types_of(text, title), [EntityType::Org], "{text}");
        assert_eq!(types_of(text, region), [EntityType::Loc], "{text}");
    }
}

#[test]
fn a_name_before_a_landforms_noun_is_the_place() {
    // "address Amazon rainforest fires" filed the rainforest under ORG, as
    // the company, in every mention of the story: a name a noun of land or
    // water follows in lower case is that place, and the story's other
    // mentions of it are too. A body that says something stays one.
    let text = article("World leaders call to address Amazon rainforest fires");
    assert_typed_in_every_mention(&text, "Amazon", EntityType::Loc, 5);
    for (text, name) in [
        (
            "Loggers cleared a record area of the Congo basin this year. Scientists said \
             the Congo would lose its last intact forest by 2100.",
            "Congo",
        ),
        (
            "Farmers along the Mekong delta lost their rice to salt water. Fishermen on \
             the Mekong said the catch had halved.",
            "Mekong",
        ),
    ] {
        assert_typed_in_every_mention(text, name, EntityType::Loc, 2);
    }
    let text = "Amazon said on Tuesday it would hire 100,000 workers for its warehouses.";
    assert_typed_in_every_mention(text, "Amazon", EntityType::Org, 1);
}

#[test]
fn a_name_ending_in_region_is_a_place() {
    // "the Bangsamoro Autonomous Region in Muslim Mindanao" and "the
    // Xinjiang Uyghur Autonomous Region" were ORG: a name whose last word
    // is "Region" is a place, like one ending in "Province" or "County".
    for (text, name) in [
        (
            "Reports said the quake affected the Bangsamoro Autonomous Region in Muslim \
             Mindanao, where many homes collapsed.",
            "Bangsamoro Autonomous Region",
        ),
        (
            "Camps in the Xinjiang Uyghur Autonomous Region hold many people.",
            "Xinjiang Uyghur Autonomous Region",
        ),
    ] {
        assert_typed_in_every_mention(text, name, EntityType::Loc, 1);
    }
}

#[test]
fn a_places_first_word_alone_is_the_place() {
    // "The Bangsamoro Autonomous Region … Bangsamoro is to include them"
    // and "the new region, to be called Bangsamoro" listed Bangsamoro among
    // people: a lone word opening the name of a place of the story is that
    // place, unless it is someone's name, and so is what a place is called.
    let text = "The quake struck the Bangsamoro Autonomous Region on Sunday. The \
                government said the new region, to be called Bangsamoro, would govern \
                itself from 2022.";
    assert_typed_in_every_mention(text, "Bangsamoro", EntityType::Loc, 1);
    // What a place noun says a name is called is the place, named in full
    // in the story or not.
    let text = article("Bombs kill at least 20 at cathedral in Mindanao");
    assert_typed_in_every_mention(&text, "Bangsamoro", EntityType::Loc, 2);
    // A given name opening a county's name stays the person's.
    let text = "Voters in Marion County backed the measure. Ann Marion, its sheriff, said \
                Marion was proud.";
    assert!(
        types_of(text, "Marion")
            .iter()
            .all(|t| *t == EntityType::Person),
        "{text}"
    );
}

#[test]
fn islands_mountains_and_rivers_the_story_names_are_resolved() {
    // "Easter Island" (seven mentions in one bundled story), "Luzon",
    // "Mount Everest" and "Lake Baikal" were left off the map as natural
    // features the gazetteer does not hold: the well-known ones are on it,
    // in their country, and one across countries or a river is resolved
    // to its own name and id, off the map with the reason.
    for (text, name, country, lat) in [
        (
            "Scientists studied the statues of Easter Island for a decade.",
            "Easter Island",
            "CL",
            -27.1,
        ),
        (
            "Heavy rain fell across Luzon on Monday, and officials in Luzon closed schools.",
            "Luzon",
            "PH",
            16.0,
        ),
        (
            "The climbers reached the summit of Mount Everest on Tuesday.",
            "Mount Everest",
            "NP",
            28.0,
        ),
        (
            "Ice on Lake Baikal was thinner than ever this winter.",
            "Lake Baikal",
            "RU",
            53.5,
        ),
    ] {
        let e = resolved(text, name);
        assert_eq!(e.country.as_deref(), Some(country), "{e:?}");
        assert!(e.lat.is_some_and(|l| (l - lat).abs() < 1.0), "{e:?}");
        assert!(e.unresolved.is_none(), "{e:?}");
    }
    let text = "Floods along the Danube forced Budapest to close its quays.";
    let danube = mention(text, "Danube");
    assert_eq!(danube.kind, EntityType::Loc);
    assert_eq!(danube.id, "place:danube");
    assert!(
        danube.lat.is_none() && danube.unresolved.is_some(),
        "{danube:?}"
    );
}

#[test]
fn a_feature_the_sentence_puts_something_on_or_in_is_found() {
    // "Migrants landed on Lesbos overnight" and "crossed the English
    // Channel" gave GEO nothing: a well-known feature or a region of two
    // words after a word that places something is a place, found where the
    // model missed it or took it for someone.
    for (text, name) in [
        ("Migrants landed on Lesbos overnight.", "Lesbos"),
        (
            "Tourists returned to resorts in Santorini this summer.",
            "Santorini",
        ),
        ("Farmers along the Nile lost their crops.", "Nile"),
        ("An earthquake struck Mindanao on Tuesday.", "Mindanao"),
        ("A storm hit the coast of Mallorca and Ibiza.", "Mallorca"),
        (
            "French inventor Franky Zapata crossed the English Channel on a jet-powered board.",
            "English Channel",
        ),
    ] {
        assert_typed_in_every_mention(text, name, EntityType::Loc, 1);
    }
    // A region of one word used as an adjective, and a title, stay as the
    // model left them.
    for (text, name) in [
        (
            "No cause had been released for the fire by authorities in the Mediterranean \
             coastal town.",
            "Mediterranean",
        ),
        (
            "After the comment reported in The Atlantic, Trump brought up Biden's son.",
            "Atlantic",
        ),
    ] {
        assert!(!types_of(text, name).contains(&EntityType::Loc), "{text}");
    }
}

#[test]
fn a_division_named_with_its_kind_stays_a_place_where_things_are_said_of_it() {
    // A county "was established" and "merged": words the tagger reads as
    // a body's made every mention of a county named with its kind an
    // organisation, in a training document of cross-validation.
    for (text, name) in [
        (
            "Vestholm County is a former province in Denmark. Vestholm County was established \
             in 1920 and merged with two other counties in 1970.",
            "Vestholm County",
        ),
        (
            "Ostrava Province was created in 1949. Ostrava Province was later merged into a \
             larger region.",
            "Ostrava Province",
        ),
    ] {
        assert_typed_in_every_mention(text, name, EntityType::Loc, 2);
    }
}

#[test]
fn a_name_listed_among_small_towns_of_one_country_is_no_city_abroad() {
    // "Carrascal, Cantilan, Madrid, Carmen, Lanuza, and Cortes" in a
    // bundled story of an earthquake in the Philippines put Madrid in
    // Spain and Cortes in Honduras on the map; the Philippine town of
    // Madrid is too small for the gazetteer.
    let text = "Flooding hit several towns of the province, among them Hinatuan, Lianga, \
                Madrid, Barobo and Tago, officials said. The hospital in the town of Madrid \
                took in dozens of patients.";
    let madrids: Vec<Entity> = tagger()
        .tag(text)
        .entities
        .into_iter()
        .filter(|e| e.text == "Madrid")
        .collect();
    assert_eq!(madrids.len(), 2, "{madrids:?}");
    for e in &madrids {
        assert_eq!(
            (e.country.as_deref(), e.lat, e.unresolved.is_some()),
            (Some("PH"), None, true),
            "{e:?}"
        );
    }
    assert_eq!(resolved(text, "Hinatuan").country.as_deref(), Some("PH"));
    // Lists of places abroad keep their readings where the sentence does
    // not call them towns (routes list places of several countries), and
    // a country the story names elsewhere keeps its places.
    let text = "The airline flies from Boston to New York, Chicago, Los Angeles and Dubai.";
    assert_eq!(resolved(text, "Dubai").country.as_deref(), Some("AE"));
    let text = "Buses leave Galway every day for Ennis, Tralee, Killarney and London.";
    assert_eq!(resolved(text, "London").country.as_deref(), Some("GB"));
    let text = "Floods reached the towns of Hinatuan, Lianga and Barobo, and Tokyo, where \
                Japan's aid agency is based, sent help.";
    assert_eq!(resolved(text, "Tokyo").country.as_deref(), Some("JP"));
}

#[test]
fn a_place_named_with_a_possessive_is_one_place() {
    // "Sergeant Ratana, from Hawke's Bay, New Zealand" put a place "Hawke"
    // in a bundled story: the name was cut at its possessive.
    let text = "The constable, who grew up in Hawke's Bay, joined the force in 1991.";
    assert_eq!(resolved(text, "Hawke's Bay").country.as_deref(), Some("NZ"));
    // A place's own place stays apart from it.
    let text = "Flights were cancelled at London's Heathrow Airport on Monday.";
    assert_eq!(resolved(text, "London").country.as_deref(), Some("GB"));
    assert!(
        !tagger()
            .tag(text)
            .entities
            .iter()
            .any(|e| e.text.starts_with("London's")),
        "{:?}",
        tagger().tag(text).entities
    );
}

#[test]
fn a_reserve_of_land_is_a_place_and_a_reserve_force_a_body() {
    let text = "We walked through the Henga Scenic Reserve and camped near the \
                Tongariro Nature Reserve. The Federal Reserve raised rates, and \
                the Army Reserve sent troops.";
    for (name, kind) in [
        ("Henga Scenic Reserve", EntityType::Loc),
        ("Tongariro Nature Reserve", EntityType::Loc),
        ("Federal Reserve", EntityType::Org),
        ("Army Reserve", EntityType::Org),
    ] {
        assert_eq!(types_of(text, name), [kind], "{name}");
    }
}

#[test]
fn models_listed_before_their_kind_and_an_honorific_are_no_places() {
    // Bundled stories: "Crown Victoria" was a place and "Grand Marquis" a
    // person; "HM" a place.
    let cars = "The plant in St. Thomas makes the Crown Victoria and Grand Marquis cars.";
    let tags = assert_no_place(cars, "Crown Victoria");
    assert!(
        !tags.entities.iter().any(|e| e.text == "Grand Marquis"),
        "{:?}",
        tags.entities
    );
    assert_no_place(
        "The court held that advice to HM [Her Majesty] the Queen was unlawful.",
        "HM",
    );
    // A known place before such a word is still the place, and a maker a body.
    assert_eq!(
        types_of("Turkey drones and Ford cars were seen.", "Turkey"),
        [EntityType::Loc]
    );
}

#[test]
fn a_town_listed_beside_a_town_of_its_country_is_a_place() {
    // A bundled story: the model left Yonkers untagged.
    let text = "The outbreak centred on Westchester County, New York, which is also home \
                to the cities New Rochelle and Yonkers which formed the epicenter.";
    let yonkers = resolved(text, "Yonkers");
    assert_eq!(yonkers.country.as_deref(), Some("US"), "{yonkers:?}");
    // A word of the language beside a town stays a word.
    assert_no_place(
        "Flights leave Denver and Phoenix daily, or Monday.",
        "Monday",
    );
}

#[test]
fn the_americas_are_a_region_off_the_map() {
    // The model left "the Americas" untagged; a fold's model took it for
    // a body.
    let tags = tagger().tag(
        "People first came to the Americas across Beringia. Maize spread \
         across Mesoamerica long before the Spanish arrived.",
    );
    for region in ["Americas", "Mesoamerica"] {
        let r = place(&tags, region).unwrap_or_else(|| panic!("{region}: {:?}", tags.entities));
        assert!(r.lat.is_none() && r.unresolved.is_some(), "{r:?}");
    }
}

#[test]
fn a_qualifier_is_the_state_or_province_it_qualifies_with() {
    // Bundled stories: "New York" after a town or county was the city, and
    // "Quebec" after Montreal Quebec City.
    for (text, name, id) in [
        (
            "A water main broke in White Plains, New York, on Monday.",
            "New York",
            "geonames:5128638",
        ),
        (
            "Harris moved to Montreal, Quebec, Canada with her mother.",
            "Quebec",
            "admin1:CA:quebec",
        ),
    ] {
        let e = resolved(text, name);
        assert_eq!(e.id, id, "{text}: {e:?}");
    }
    // Items of a list of states are no qualifiers: Georgia is the state.
    let georgia = resolved(
        "Trump made stops in Pennsylvania, Georgia, Florida and Iowa.",
        "Georgia",
    );
    assert_eq!(georgia.country.as_deref(), Some("US"), "{georgia:?}");
    // A possessive qualifies the place after it, and nothing further on.
    let paris = resolved(
        "Crowds gathered in London's Hyde Park and Paris on Saturday.",
        "Paris",
    );
    assert_eq!(paris.country.as_deref(), Some("FR"), "{paris:?}");
}

#[test]
fn an_acronym_spelled_like_a_small_place_is_no_place() {
    // "The chief market strategist at IG Index": IG was Ig, a Slovenian
    // municipality, on the map.
    let text = article("British FTSE index reaches one-year high");
    assert_no_place(&text, "IG");
    // A dateline writes a town in capitals, and an abbreviation is its
    // place's.
    let tags = tagger().tag("ELY, England — Floods hit the town. The UAE sent aid.");
    for written in ["ELY", "UAE"] {
        assert!(
            place(&tags, written).is_some(),
            "{written}: {:?}",
            tags.entities
        );
    }
}

#[test]
fn a_name_stops_at_on_or_in_before_another() {
    // "Jezero Crater on Mars" was one body: a crater is a place, and Mars,
    // the planet, is no place on the map.
    let text = "NASA's Perseverance rover has found organic molecules in a rock sample from \
        Jezero Crater on Mars, scientists at the Jet Propulsion Laboratory said.";
    let tags = tagger().tag(text);
    assert!(
        tags.entities
            .iter()
            .any(|e| e.text == "Jezero Crater" && e.kind == EntityType::Loc),
        "{:?}",
        tags.entities
    );
    assert!(
        tags.entities.iter().all(|e| !e.text.contains("Mars")),
        "{:?}",
        tags.entities
    );
}

#[test]
fn a_place_after_then_or_ex_is_the_whole_place() {
    // "then-New Jersey Governor" put the story on Jersey, in the Channel
    // Islands, and "then-New York Governor" on York, England.
    let text = "The decision was made by then-New York Governor Andrew Cuomo and then-New \
        Jersey Governor Chris Christie, with ex-Texas senator Phil Gramm.";
    for (written, country) in [("New York", "US"), ("New Jersey", "US"), ("Texas", "US")] {
        let e = resolved(text, written);
        assert_eq!(e.country.as_deref(), Some(country), "{e:?}");
    }
    assert_no_place(text, "Jersey");
}

#[test]
fn a_qualifier_is_read_where_its_town_lies() {
    // "Atlanta, Georgia" put Atlanta, unresolved, in the country Georgia:
    // a qualifier was read as its biggest reading, a country before a state.
    for (text, town, country) in [
        ("He flew to Atlanta, Georgia on Monday.", "Atlanta", "US"),
        ("The plant in Savannah, Georgia closed.", "Savannah", "US"),
        ("He visited Tbilisi, Georgia on Monday.", "Tbilisi", "GE"),
    ] {
        let e = resolved(text, town);
        assert_eq!(e.country.as_deref(), Some(country), "{e:?}");
        let q = resolved(text, "Georgia");
        assert_eq!(q.country.as_deref(), Some(country), "{q:?}");
    }
}

#[test]
fn a_name_listed_only_with_countries_is_the_country() {
    // At a summit in Washington, Georgia among Armenia and Azerbaijan was
    // the US state; "Atlanta, Georgia" in the same story stays the state.
    let text = "The summit in Washington brought together leaders from Georgia, Armenia and \
        Azerbaijan. Georgia's prime minister spoke first. Later, he flew to Atlanta, Georgia.";
    let tags = tagger().tag(text);
    let georgias: Vec<Option<&str>> = tags
        .entities
        .iter()
        .filter(|e| e.text == "Georgia")
        .map(|e| e.country.as_deref())
        .collect();
    assert_eq!(
        georgias,
        vec![Some("GE"), Some("GE"), Some("US")],
        "{:?}",
        tags.entities
    );
    // After a country and its comma, Georgia is an item of the list, not
    // a place that country qualifies.
    let text = "The summit in Washington brought together leaders from Armenia, Georgia and \
        Azerbaijan.";
    let e = resolved(text, "Georgia");
    assert_eq!(e.country.as_deref(), Some("GE"), "{e:?}");
}

#[test]
fn where_a_body_is_based_is_a_place() {
    // "The Cambridge, Massachusetts-based company" put Cambridge in England
    // and named no Massachusetts; "the Chicago-based Boeing" no Chicago.
    let text = "The Cambridge, Massachusetts-based company Moderna said on Monday that the \
        Chicago-based Boeing had ordered its vaccine.";
    for written in ["Cambridge", "Massachusetts", "Chicago"] {
        let e = resolved(text, written);
        assert_eq!(e.country.as_deref(), Some("US"), "{e:?}");
    }
}
