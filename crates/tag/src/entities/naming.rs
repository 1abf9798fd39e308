//! One body, one name: the canonical name an organisation mention is
//! listed under once resolved (a legal form dropped, a country's bare
//! "Parliament" given its country, a kind of body tied to the one body
//! the story names in full).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::EntityTagger;
use super::organisations::is_org_word;
use super::spans::Span;
use crate::annotations::{Entity, EntityType};
use crate::features::DocView;
use crate::gazetteer::{Gazetteer, PlaceKind, entity_id};
use crate::places::{PlaceContext, strip_article};
use crate::word_lists::WordSet;

/// "Department Of Justice" in a headline set in title case is the body's
/// "Department of Justice": the small words inside a name are written in
/// lower case, so that one body is one row of the ORG facet however a
/// headline capitalised it (a word in capitals, "END OF LIFE", is left).
pub(super) fn small_words_in_lower_case(name: &str) -> String {
    const SMALL: &[&str] = &["of", "and", "the", "for", "in", "on", "at", "to", "a", "an"];
    let mut out = String::with_capacity(name.len());
    for (n, word) in name.split(' ').enumerate() {
        if n > 0 {
            out.push(' ');
        }
        let lower = word.to_lowercase();
        let title_case = word.chars().next().is_some_and(char::is_uppercase)
            && word.chars().skip(1).all(char::is_lowercase);
        if n > 0 && title_case && SMALL.contains(&lower.as_str()) {
            out.push_str(&lower);
        } else {
            out.push_str(word);
        }
    }
    out
}

impl EntityTagger<'_> {
    /// "The University of Copenhagen", "the Municipality of Livorno", "the
    /// Bank of Japan": an organisation named for the place it is of names
    /// that place too, a mention of its own inside the organisation's, so
    /// the story is on the place's page and map. Only a name that ends in
    /// "of" and a country, a state or province, or a city ("the Church of
    /// Scientology", "the Islamic State of Iraq and the Levant" name none),
    /// chosen among the places of that name by the countries the story
    /// names.
    pub(super) fn places_in_organisations_names(&self, entities: &mut Vec<Entity>) {
        let gaz = self.gazetteer;
        let mut ctx = PlaceContext::default();
        ctx.countries.extend(
            entities
                .iter()
                .filter(|e| matches!(e.kind, EntityType::Loc | EntityType::Norp))
                .filter_map(|e| e.country.clone()),
        );
        let mut places = Vec::new();
        for e in entities.iter().filter(|e| e.kind == EntityType::Org) {
            let Some(at) = e.text.rfind(" of ") else {
                continue;
            };
            let tail = &e.text[at + 4..];
            let tail = tail.strip_prefix("the ").unwrap_or(tail);
            if !tail.starts_with(char::is_uppercase) {
                continue;
            }
            let Some(found) = gaz.find_place(tail) else {
                continue;
            };
            let Some((place, _)) = gaz.pick_place(&found, &ctx, None, false) else {
                continue;
            };
            // A city only where the story is in its country or the name
            // has no other reading: "the University of Essex" in a story
            // that names no country is no town of Essex in Maryland.
            let sure = match place.kind {
                PlaceKind::Country | PlaceKind::State | PlaceKind::Province => true,
                PlaceKind::City => {
                    ctx.countries.contains(&place.country) || gaz.readings(found.entry).count() == 1
                }
                _ => false,
            };
            if !sure {
                continue;
            }
            let chars = tail.chars().count();
            let mut mention = Entity::mention(EntityType::Loc, e.end - chars, e.end, tail);
            gaz.fill_place(&mut mention, place);
            places.push(mention);
        }
        if places.is_empty() {
            return;
        }
        entities.extend(places);
        // The organisation first, then the place inside it.
        entities.sort_by_key(|e| (e.start, std::cmp::Reverse(e.end)));
    }
}

/// Legal forms that the same company is named with and without: "Apple Inc."
/// and "Apple" are one organisation.
pub(super) const LEGAL_SUFFIXES: &[&str] = &[
    "Inc.", "Inc", "Corp.", "Corp", "Co.", "Ltd.", "Ltd", "Limited", "plc", "PLC", "Plc", "LLC",
    "LLP", "AG", "SA", "S.A.", "NV", "N.V.", "BV", "B.V.", "GmbH", "SE", "A/S", "ASA", "AB", "Oyj",
    "SpA", "S.p.A.", "Bhd", "PJSC",
];

/// Words a company's full name ends with that its short form leaves out:
/// "Salling Group" is "Salling" further on, "General Motors Corporation"
/// "General Motors", "Apple Computer" "Apple", "Tesla Motors" "Tesla".
pub(super) const COMPANY_WORDS: &[&str] = &[
    "Computer",
    "Computers",
    "Motor",
    "Motors",
    "Group",
    "Holding",
    "Holdings",
    "Corporation",
    "Company",
    "Companies",
    "Incorporated",
    "Enterprises",
    "Industries",
];

/// One organisation, one name: a company named in full ("Salling Group",
/// "General Motors Corporation") and by its first words ("Salling",
/// "General Motors") in the same story is one organisation, under the short
/// name, which is how other stories most often name it. Only a full name
/// ending in a word such as "Group" or "Corporation" counts ("Netto" stays
/// apart from "Netto Poland", a part of it).
pub(super) fn link_short_company_names(entities: &mut [Entity]) {
    let orgs: HashSet<&str> = entities
        .iter()
        .filter(|e| e.kind == EntityType::Org)
        .map(|e| e.canonical.as_str())
        .collect();
    let mut short_of: HashMap<String, String> = HashMap::default();
    for &full in &orgs {
        let Some((_, last)) = full.rsplit_once(' ') else {
            continue;
        };
        if !COMPANY_WORDS.contains(&last) {
            continue;
        }
        // The longest of its first words the story names it by.
        let short = full
            .rmatch_indices(' ')
            .map(|(at, _)| &full[..at])
            .find(|prefix| orgs.contains(prefix));
        if let Some(short) = short {
            short_of.insert(full.to_string(), short.to_string());
        }
    }
    for e in entities.iter_mut().filter(|e| e.kind == EntityType::Org) {
        if let Some(short) = short_of.get(&e.canonical) {
            e.id = entity_id("org", short);
            e.canonical = short.clone();
        }
    }
}

/// A legislature, court or party a story names bare, and the full name it
/// has in the United States, where English-language news most often names
/// it so; with the other countries that have a body of that name
/// (`None`: nearly every country has one).
const BARE_INSTITUTIONS: &[(&str, &str, Option<&[&str]>)] = &[
    (
        "Senate",
        "United States Senate",
        Some(&[
            "AU", "CA", "PH", "IT", "FR", "MX", "BR", "AR", "CL", "CO", "PL", "CZ", "RO", "NG",
            "KE", "ES", "BE", "NL", "PK", "MY", "TH", "IE", "HT", "BO", "PY", "UY", "DO", "LR",
            "JM", "PR", "AS", "MP",
        ]),
    ),
    (
        "House of Representatives",
        "United States House of Representatives",
        Some(&[
            "AU", "PH", "JP", "NZ", "NG", "NL", "BE", "CO", "TH", "MY", "LR", "JM", "IN", "ID",
            "PR", "AS", "MP",
        ]),
    ),
    (
        "House",
        "United States House of Representatives",
        Some(&[
            "GB", "CA", "AU", "NZ", "IE", "IN", "PH", "JP", "NG", "MY", "JM", "BS", "BB", "TT",
            "PR", "AS", "MP",
        ]),
    ),
    (
        "Congress",
        "United States Congress",
        Some(&[
            "PH", "MX", "ES", "PE", "CO", "AR", "BR", "CL", "GT", "HN", "PY", "IN", "BO", "EC",
            "SV", "NI", "DO",
        ]),
    ),
    ("Supreme Court", "United States Supreme Court", None),
    ("Democratic", "Democratic Party", Some(&[])),
    ("Republican", "Republican Party", Some(&[])),
];

/// How many of a story's place mentions (places, peoples and the dateline)
/// lie in each country. Counted once for the passes that name a story's
/// bodies, which rename organisations and leave places as they are.
pub(super) struct CountryMentions {
    pub(super) by_country: HashMap<String, usize>,
    pub(super) all: usize,
}

impl CountryMentions {
    pub(super) fn new(entities: &[Entity], dateline_country: Option<&str>) -> Self {
        let mut by_country: HashMap<String, usize> = HashMap::default();
        let mut all = 0;
        for c in entities
            .iter()
            .filter(|e| matches!(e.kind, EntityType::Loc | EntityType::Norp))
            .filter_map(|e| e.country.as_deref())
            .chain(dateline_country)
        {
            *by_country.entry(c.to_string()).or_default() += 1;
            all += 1;
        }
        CountryMentions { by_country, all }
    }

    /// The country a story is about: at least two and four in five of its
    /// place mentions lie there.
    fn dominant(&self) -> Option<&str> {
        self.by_country
            .iter()
            .find(|&(_, &n)| n >= 2 && n * 5 >= self.all * 4)
            .map(|(c, _)| c.as_str())
    }
}

/// One body, one name: "the Senate", "the House" or "Congress" in a story
/// is the United States body when the story names that body in full or
/// has the United States among its places (a US state or city, the
/// dateline), and no other country or territory it names has a body of
/// that name; a bare "Democratic" or "Republican" is then the party, and
/// "U.S. Libertarian Party" the Libertarian Party.
/// Otherwise the bare name stays apart ("the Senate" of a story from
/// Canberra or San Juan is not the US Senate), so ORG facets and `org:`
/// searches count each body once without merging two countries' bodies.
pub(super) fn name_bare_institutions(entities: &mut [Entity], mentions: &CountryMentions) {
    // A story most of whose places lie in the United States means its
    // bodies even where it names a foreign place or two ("Congress" in a
    // campaign story that mentions Russia once).
    let mostly_us = mentions.dominant() == Some("US");
    let named: HashSet<&str> = entities
        .iter()
        .filter(|e| e.kind == EntityType::Org)
        .map(|e| e.canonical.as_str())
        .collect();
    let mut full_of: HashMap<&str, &str> = HashMap::default();
    for &(bare, full, elsewhere) in BARE_INSTITUTIONS {
        let mut countries = mentions.by_country.keys().map(String::as_str);
        let no_other = match elsewhere {
            Some(others) => !countries.any(|c| others.contains(&c)),
            None => countries.all(|c| c == "US"),
        };
        if mostly_us || no_other && (named.contains(full) || mentions.by_country.contains_key("US"))
        {
            full_of.insert(bare, full);
        }
    }
    for e in entities.iter_mut().filter(|e| e.kind == EntityType::Org) {
        if let Some(&full) = full_of.get(e.canonical.as_str()) {
            e.canonical = full.to_string();
            e.id = entity_id("org", full);
        } else if let Some(&(_, full, _)) =
            e.canonical.strip_prefix("United States ").and_then(|bare| {
                BARE_INSTITUTIONS
                    .iter()
                    .find(|(b, full, _)| *b == bare && full.starts_with("United States "))
            })
        {
            // "U.S. House" is the House of Representatives its bare name is.
            e.canonical = full.to_string();
            e.id = entity_id("org", full);
        } else if let Some(party) = e
            .canonical
            .strip_prefix("United States ")
            .filter(|rest| rest.ends_with(" Party"))
        {
            // "U.S. Democratic Party", "US Green Party": the country's
            // parties go by their names alone, whatever the story's places.
            let party = party.to_string();
            e.id = entity_id("org", &party);
            e.canonical = party;
        }
    }
}

/// Bodies most countries have one of, named the same way in English.
pub(crate) const NATIONAL_BODIES: &[&str] = &[
    "Parliament",
    "Supreme Court",
    "Constitutional Court",
    "High Court",
    "Senate",
    "House of Representatives",
    "House of Commons",
    "House of Lords",
    "National Assembly",
    "Chamber of Deputies",
    "Legislative Assembly",
    "Congress",
];

/// One country's body, one name: "Parliament of Iraq", "the Iraqi
/// Parliament" and "Iraq's Parliament" are all "Iraq Parliament", as "UK
/// Parliament" is "United Kingdom Parliament". A body named bare ("the
/// Parliament", "the Supreme Court") is its country's when the story is
/// about one country: four in five of its places lie there, it names the
/// country at least as often as the country's states and provinces (which
/// have parliaments, senates and courts of their own: a New South Wales
/// story's Parliament is the state's), and it names no other body of the
/// kind in full ("the U.S. Senate" in a Puerto Rico story). The United
/// States' bodies are [`name_bare_institutions`]'s; a bare "Congress" or
/// "Legislative Assembly" is left alone (in an Indian story the one is
/// most often a party, the other a state's).
pub(super) fn name_national_bodies(
    gazetteer: &Gazetteer,
    entities: &mut [Entity],
    mentions: &CountryMentions,
) {
    let country_name = |code: &str| gazetteer.country(code).map(|p| p.name.as_str());
    // The country a word names, as its name or its people's ("Iraq",
    // "Iraqi").
    let country_named = |word: &str| -> Option<&str> {
        let entry = gazetteer.lookup(word)?;
        if let Some(d) = entry.demonym_of {
            let p = &gazetteer.places[d as usize];
            return (p.kind == PlaceKind::Country).then_some(p.name.as_str());
        }
        gazetteer.country_reading(entry).map(|p| p.name.as_str())
    };
    // Mentions of the story's states and provinces, and of countries by
    // their own name: a story that names a state more often than its
    // country is the state's ("New South Wales decriminalises abortion").
    let is_division = |e: &Entity| {
        gazetteer.find_place(&e.canonical).is_some_and(|f| {
            gazetteer.readings(f.entry).any(|p| {
                p.geonames_id == e.geonames_id
                    && e.country.as_deref() == Some(p.country.as_str())
                    && matches!(p.kind, PlaceKind::State | PlaceKind::Province)
            })
        })
    };
    let places = || entities.iter().filter(|e| e.kind == EntityType::Loc);
    let divisions = places().filter(|e| is_division(e)).count();
    let countries = places()
        .filter(|e| e.country.as_deref().and_then(country_name) == Some(e.canonical.as_str()))
        .count();
    let story_country = mentions
        .dominant()
        .filter(|&c| c != "US" && divisions <= countries)
        .and_then(country_name)
        .map(str::to_string);
    // Names written out in full, in one form: "the Iraqi Parliament" and
    // "Parliament of Iraq" are "Iraq Parliament".
    let in_full = |name: &str| -> Option<String> {
        if let Some((body, place)) = name.split_once(" of ")
            && NATIONAL_BODIES.contains(&body)
        {
            return country_named(strip_article(place)).map(|country| format!("{country} {body}"));
        }
        NATIONAL_BODIES.iter().find_map(|&body| {
            let before = name.strip_suffix(body)?.strip_suffix(' ')?;
            let before = before
                .strip_suffix("'s")
                .or_else(|| before.strip_suffix("\u{2019}s"))
                .unwrap_or(before);
            let country = country_named(before)?;
            Some(format!("{country} {body}"))
        })
    };
    let mut renamed: Vec<(usize, String)> = Vec::new();
    // Each body's full names in the story ("New South Wales Parliament").
    let mut full_names: HashMap<&str, HashSet<String>> = HashMap::default();
    for (k, e) in entities.iter().enumerate() {
        if e.kind != EntityType::Org || NATIONAL_BODIES.contains(&e.canonical.as_str()) {
            continue;
        }
        let full = in_full(&e.canonical);
        let name = full.as_deref().unwrap_or(&e.canonical);
        // A place's body ("New South Wales Parliament"), not a title or
        // another name that ends the same way ("Member of Parliament").
        if let Some(&body) = NATIONAL_BODIES.iter().find(|&&body| {
            name.strip_suffix(body)
                .and_then(|b| b.strip_suffix(' '))
                .is_some_and(|place| gazetteer.find_place(place).is_some())
        }) {
            full_names.entry(body).or_default().insert(name.to_string());
        }
        if let Some(full) = full.filter(|f| *f != e.canonical) {
            renamed.push((k, full));
        }
    }
    // A bare name is its country's, when the story is about one country.
    for (k, e) in entities.iter().enumerate() {
        let name = e.canonical.as_str();
        if e.kind != EntityType::Org || !NATIONAL_BODIES.contains(&name) {
            continue;
        }
        let full = story_country
            .as_deref()
            .filter(|_| !matches!(name, "Congress" | "Legislative Assembly"))
            .map(|country| format!("{country} {name}"))
            // A story that names another body of the kind in full ("the
            // U.S. Senate" in a Puerto Rico story) leaves the bare one open.
            .filter(|full| {
                full_names
                    .get(name)
                    .is_none_or(|names| names.iter().all(|n| n == full))
            });
        if let Some(full) = full {
            renamed.push((k, full));
        }
    }
    for (k, full) in renamed {
        entities[k].id = entity_id("org", &full);
        entities[k].canonical = full;
    }
}

/// Why an organisation mention names no one body.
pub(crate) const KIND_OF_BODY: &str =
    "a kind of body named bare, which the story does not tie to one body it names in full";

/// Nouns for a kind of body, which a story uses bare for the one it has
/// named ("the Court" after "the Supreme Court of Canada"), besides the
/// [`STATE_BODIES`] ([`is_kind_of_body_word`]).
pub(super) const KINDS_OF_BODY: &[&str] = &[
    "house",
    "representatives",
    "tribunal",
    "department",
    "ministry",
    "agency",
    "bureau",
    "office",
    "authority",
    "administration",
    "commission",
    "committee",
    "council",
    "board",
    "center",
    "centre",
    "institute",
    "university",
    "college",
    "school",
    "academy",
    "hospital",
    "museum",
    "church",
    "brotherhood",
    "embassy",
    "consulate",
    "foundation",
    "association",
    "society",
    "alliance",
    "coalition",
    "party",
    "union",
    "league",
    "federation",
    "company",
    "corporation",
    "group",
    "bank",
    "club",
    "team",
];

/// Whether a word (in lower case) names a kind of body: one of
/// [`STATE_BODIES`] or [`KINDS_OF_BODY`].
fn is_kind_of_body_word(lower: &str) -> bool {
    static WORDS: WordSet = WordSet::of(&[STATE_BODIES, KINDS_OF_BODY]);
    WORDS.contains(lower)
}

/// Words before a kind of body that say only which of a country's bodies of
/// that kind it is ("the Supreme Court", "the Armed Forces").
const WHICH_BODY: &[&str] = &[
    "supreme",
    "high",
    "constitutional",
    "federal",
    "national",
    "legislative",
    "general",
    "armed",
    "central",
    "air",
];

/// Kinds of body that a country or state has one of, so that a place or
/// its people before the kind names the body ("Puerto Rico's Senate", "the
/// Chilean Navy"); a university or council so named has a name of its own
/// ("the Chinese University", "the European Council").
const STATE_BODIES: &[&str] = &[
    "court",
    "senate",
    "congress",
    "parliament",
    "assembly",
    "legislature",
    "cabinet",
    "government",
    "army",
    "navy",
    "force",
    "forces",
    "police",
];

/// One body, one name, and no name for a kind of body: an organisation the
/// story names only by what kind of body it is ("the Court", "the
/// Department", "the University", "the Air Force") is the one body of that
/// kind the story names in full ("the Court" of a story that names the
/// United States Supreme Court). When the story names none, or several
/// ("the University" beside the University of Bristol and Johns Hopkins
/// University), the mention stays an organisation but names no one body:
/// it has no id, and the facets, which would otherwise count every court of
/// every story as one "Court", leave it out. A kind of body right after a
/// place or its people is that place's ("Puerto Rico's Senate" is "Puerto
/// Rico Senate", as "the Iraqi Parliament" is "Iraq Parliament"). Runs
/// after the passes that give a country's legislature or court its full
/// name.
pub(super) fn name_generic_bodies(
    gazetteer: &Gazetteer,
    entities: &mut [Entity],
    mentions: &CountryMentions,
) {
    let words = |name: &str| -> Vec<String> {
        strip_article(name)
            .split_whitespace()
            .map(|w| {
                w.strip_suffix("'s")
                    .or_else(|| w.strip_suffix("\u{2019}s"))
                    .unwrap_or(w)
                    .to_lowercase()
            })
            .collect()
    };
    // One kind of body, capitalised, after words saying which.
    let is_kind_of_body = |name: &str| {
        let name = strip_article(name);
        let mut words = name.split_whitespace().rev();
        words.next().is_some_and(|last| {
            last.chars().next().is_some_and(char::is_uppercase)
                && is_kind_of_body_word(&last.to_lowercase())
        }) && words.all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && WHICH_BODY.contains(&w.to_lowercase().as_str())
        })
    };
    // "Puerto Rico's Senate", "the Chilean Navy": a kind of body right
    // after a place or its people is that place's body.
    let placed: Vec<(usize, String)> = entities
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EntityType::Org && is_kind_of_body(&e.canonical))
        .filter_map(|(k, e)| {
            let kind = strip_article(&e.canonical)
                .rsplit(' ')
                .next()?
                .to_lowercase();
            if !STATE_BODIES.contains(&kind.as_str()) {
                return None;
            }
            let place = entities.iter().find(|p| {
                matches!(p.kind, EntityType::Loc | EntityType::Norp)
                    && p.country.is_some()
                    && (p.end + 1 == e.start || p.end + 3 == e.start)
            })?;
            Some((
                k,
                format!("{} {}", place.canonical, strip_article(&e.canonical)),
            ))
        })
        .collect();
    for (k, name) in placed {
        entities[k].id = entity_id("org", &name);
        entities[k].canonical = name;
    }
    let full_names: Vec<(&str, &str, Vec<String>)> = entities
        .iter()
        .filter(|e| e.kind == EntityType::Org && !is_kind_of_body(&e.canonical))
        .map(|e| (e.canonical.as_str(), e.id.as_str(), words(&e.canonical)))
        .collect();
    // The bare name ends the full one or is followed by what the body is
    // of or for ("the Department of Justice"): "the Navy" is not the Navy
    // Information Agency.
    let heads = |full: &[String], bare: &[String]| {
        (0..full.len().saturating_sub(bare.len()) + 1).any(|at| {
            full.get(at..at + bare.len()) == Some(bare)
                && full
                    .get(at + bare.len())
                    .is_none_or(|next| matches!(next.as_str(), "of" | "for"))
        })
    };
    // A legislature or court of a country named bare is one the story
    // names in full only when that is the body of the country the story is
    // about: "the Senate" of a Puerto Rico story that also names the U.S.
    // Senate is Puerto Rico's.
    let national = |bare: &str| {
        NATIONAL_BODIES.contains(&bare) || BARE_INSTITUTIONS.iter().any(|(b, _, _)| *b == bare)
    };
    let about = mentions
        .dominant()
        .and_then(|code| gazetteer.country(code))
        .map(|p| format!("{} ", p.name));
    let mut named: Vec<(usize, Option<(String, String)>)> = Vec::new();
    for (k, e) in entities.iter().enumerate() {
        if e.kind != EntityType::Org || !is_kind_of_body(&e.canonical) {
            continue;
        }
        let bare = words(&e.canonical);
        let is_national = national(strip_article(&e.canonical));
        let mut bodies: Vec<(&str, &str)> = full_names
            .iter()
            .filter(|(canonical, _, full)| {
                heads(full, &bare)
                    && (!is_national || about.as_deref().is_some_and(|c| canonical.starts_with(c)))
            })
            .map(|&(canonical, id, _)| (canonical, id))
            .collect();
        bodies.sort_unstable();
        bodies.dedup();
        named.push((
            k,
            match bodies.as_slice() {
                [(canonical, id)] => Some((canonical.to_string(), id.to_string())),
                _ => None,
            },
        ));
    }
    for (k, body) in named {
        let e = &mut entities[k];
        match body {
            Some((canonical, id)) => {
                e.canonical = canonical;
                e.id = id;
            }
            None => {
                e.canonical = strip_article(&e.canonical).to_string();
                e.id = String::new();
                e.unresolved = Some(KIND_OF_BODY.to_string());
            }
        }
    }
}

/// An organisation's name without its legal form ("Apple Inc." → "Apple"),
/// unless nothing would be left.
pub(super) fn without_legal_suffix(name: &str) -> &str {
    let Some((head, last)) = name.rsplit_once(' ') else {
        return name;
    };
    if LEGAL_SUFFIXES.contains(&last) {
        head.trim_end_matches([',', ' '])
    } else {
        name
    }
}

/// "The Guardian drew comparisons" opens a sentence, where "according to
/// The Guardian" keeps the paper's article: an organisation the story
/// names with its article once is named so in every mention.
pub(super) fn names_keep_their_article(entities: &mut [Entity]) {
    let with_article: HashSet<String> = entities
        .iter()
        .filter(|e| e.kind == EntityType::Org)
        .filter_map(|e| e.canonical.strip_prefix("The "))
        .filter(|rest| !rest.contains(' '))
        .map(str::to_string)
        .collect();
    if with_article.is_empty() {
        return;
    }
    for e in entities.iter_mut().filter(|e| e.kind == EntityType::Org) {
        if with_article.contains(&e.canonical) {
            e.canonical = format!("The {}", e.canonical);
            e.id = entity_id("org", &e.canonical);
        }
    }
}

/// "Boris Johnson elected Conservative leader" in a story that names the
/// Conservative Party, "Liberal National MP John McVeigh" in one that names
/// the Liberal National Party: a party named by its words alone is that
/// party, so that the ORG facet counts one row for it, not "Conservative"
/// beside "Conservative Party"; nor "Republican party" beside it.
pub(super) fn parties_named_by_their_word(entities: &mut [Entity]) {
    // "The Republican party" is the Republican Party.
    for e in entities.iter_mut().filter(|e| e.kind == EntityType::Org) {
        if let Some(word) = e.canonical.strip_suffix(" party") {
            e.canonical = format!("{word} Party");
            e.id = entity_id("org", &e.canonical);
        }
    }
    // Each party's word, with the party's canonical name and id.
    let parties: Vec<(String, String, String)> = entities
        .iter()
        .filter(|e| e.kind == EntityType::Org)
        .filter_map(|e| {
            let word = e.canonical.strip_suffix(" Party")?;
            Some((word.to_string(), e.canonical.clone(), e.id.clone()))
        })
        .collect();
    if parties.is_empty() {
        return;
    }
    for e in entities
        .iter_mut()
        .filter(|e| e.kind == EntityType::Org && e.canonical == e.text)
    {
        if let Some((_, canonical, id)) = parties.iter().find(|(word, ..)| *word == e.text) {
            e.canonical.clone_from(canonical);
            e.id.clone_from(id);
        }
    }
}

/// "The Democratic and Republican Parties", "Harvard and Yale
/// Universities": the last of two bodies that share a plural head is one
/// body, named with the head in the singular ("Republican Party"), so it
/// is the row its other mentions make.
pub(super) fn one_of_bodies_sharing_a_head(
    view: &DocView,
    s: &Span,
    canonical: &str,
) -> Option<String> {
    let shared = s.first >= 2
        && matches!(view.lower[s.first - 1].as_str(), "and" | "or" | "&")
        && view.is_capitalized(s.first - 2);
    if !shared || s.end - s.first < 2 {
        return None;
    }
    let (rest, head) = canonical.rsplit_once(' ')?;
    let lower = head.to_lowercase();
    let singular = if let Some(stem) = lower.strip_suffix("ies") {
        format!("{stem}y")
    } else {
        lower.strip_suffix('s')?.to_string()
    };
    if !is_org_word(&singular) || is_org_word(&lower) {
        return None;
    }
    let mut one = String::with_capacity(canonical.len());
    one.push_str(rest);
    one.push(' ');
    let mut letters = singular.chars();
    if let Some(c) = letters.next() {
        one.extend(c.to_uppercase());
        one.extend(letters);
    }
    Some(one)
}

/// "According to The Guardian", "a report from The Hill": a one-word
/// name after "The" written in capitals inside a sentence has the article
/// as part of its name (a paper's, a magazine's), where "Guardian" or
/// "Hill" alone would name something else. Not in a headline set in
/// title case, where every word is capitalised.
pub(super) fn names_with_its_article(view: &DocView, s: &Span) -> bool {
    let word = if view.word(s.first) == "The" {
        s.first + 1
    } else {
        s.first
    };
    let the = word.wrapping_sub(1);
    // What follows ends the name: no capitalised word or number
    // ("The Boeing 737-800"), nor a name going on ("The Bernie and Sid
    // Show").
    let next = if s.end < view.len() {
        view.word(s.end)
    } else {
        ""
    };
    let ends = next
        .chars()
        .next()
        .is_none_or(|c| !c.is_uppercase() && !c.is_ascii_digit())
        && !matches!(view.lower_at(s.end), "and" | "&" | "of");
    // A quotation or a bracket opens a sentence of its own ("[The
    // Ashodaya volunteer …").
    let opens = |w: &str| matches!(w, "\"" | "\u{201c}" | "'" | "\u{2018}" | "(" | "[");
    word + 1 == s.end
        && word >= 2
        && view.word(the) == "The"
        && !view.sent_start[the]
        && !view.is_capitalized(the - 1)
        && !opens(view.word(the - 1))
        && ends
}
