//! Names that are neither people, bodies nor places: products, vessels,
//! works, diseases, storms, currencies, quantities and market indices.

use rustc_hash::FxHashSet as HashSet;

use super::one_type::listed_together;
use super::org_cues::ORG_CUES_BEFORE;
use super::organisations::is_numbered_nickname;
use super::person_names::{NAME_SUFFIXES, full_name_words, is_census_given_name};
use super::spans::{Span, after_possessive, covered_tokens, span_text};
use super::titles::is_title;
use super::{EntityTagger, LOC, MISC, NO_ENTITY, ORG, PERSON};
use crate::features::DocView;
use crate::figures::is_day_or_month;
use crate::gazetteer::in_capitals;
use crate::word_lists::WordSet;

/// "Internet Explorer 6", "the 787 Dreamliner", "Falcon 9": a name beside
/// a model's number is a product's, no person's. No year is a model number
/// ("In 1891 Dvořák", "In 348 Pachomius"), nor a count before a name ("13
/// Zurbarán artworks"), nor a share or a score after one ("Trump 47
/// percent", "Curry 30, Thompson 25").
pub(super) fn models_are_no_people(view: &DocView, spans: &mut [Span]) {
    const MEASURES: &[&str] = &[
        "percent", "per", "points", "pts", "votes", "seats", "to", "of", "years",
    ];
    let number = |i: usize| {
        let w = view.word(i);
        !w.is_empty() && w.len() <= 4 && w.bytes().all(|b| b.is_ascii_digit())
    };
    let after_ok = |i: usize| {
        let w = view.word(i);
        let year = w.len() == 4 && (w.starts_with('1') || w.starts_with("20"));
        number(i)
            && !year
            && view.lower.get(i + 1).is_none_or(|next| {
                !MEASURES.contains(&next.as_str())
                    && !matches!(next.as_str(), "," | "-" | "–" | "—" | ":" | "%")
            })
    };
    let before_ok = |i: usize| {
        number(i)
            && view.word(i).len() == 3
            && !i.checked_sub(1).is_some_and(|j| {
                matches!(
                    view.lower[j].as_str(),
                    "in" | "on" | "by" | "since" | "from" | "until" | "of" | "to" | "about"
                )
            })
    };
    for s in spans.iter_mut().filter(|s| s.type_id == PERSON) {
        let after = s.end < view.len() && !view.sent_start[s.end] && after_ok(s.end);
        let before = s.first > 0
            && !view.sent_start[s.first]
            && before_ok(s.first - 1)
            && !is_census_given_name(view.word(s.first));
        if after || before {
            s.type_id = MISC;
        }
    }
    // "Mac OS X", "Windows XP": a word in capitals right after a name's
    // first word is a product's, no person's. A name in capitals
    // throughout ("KAMALA HARRIS"), an honour after a full name ("Zaha
    // Hadid DBE") and a regnal number ("Elizabeth II") are people's.
    let product_word = |i: usize| {
        let w = view.word(i);
        w.len() >= 2
            && in_capitals(w)
            && w.chars().all(char::is_alphabetic)
            && !NAME_SUFFIXES.contains(&w)
            && !w.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
    };
    let mut products: HashSet<&str> = HashSet::default();
    for s in spans.iter_mut().filter(|s| s.type_id == PERSON) {
        if s.end - s.first >= 2 && !in_capitals(view.word(s.first)) && product_word(s.first + 1) {
            s.type_id = MISC;
            products.extend((s.first..s.end).map(|i| view.word(i)));
        }
    }
    // Its other mentions too, "OS X" and "the Mac" after "Mac OS X": a
    // person's name made of a product's words.
    if !products.is_empty() {
        for s in spans.iter_mut().filter(|s| s.type_id == PERSON) {
            if (s.first..s.end).all(|i| products.contains(view.word(i))) {
                s.type_id = MISC;
            }
        }
    }
}

/// "Indonesian cargo ship Namse Bangdzod", "MV Namse Bangdzod", "HMS
/// Belfast": a name a ship's prefix opens or a kind of ship comes before
/// is a vessel's, a thing, in every mention of the story, with or without
/// its prefix, and so is a word of it the model tagged alone; the model
/// takes it for a person or a body. A ship named for someone ("the ship
/// Alan Kurdi", "USS Ronald Reagan") is the ship only where it is called
/// one: the story may name the person too.
pub(super) fn vessels_are_things(view: &DocView, spans: &mut [Span]) {
    // Not "MS" ("MS Dhoni"), "MT" (Montana) or "INS" (the immigration
    // service), which name other things before a name as often.
    const PREFIXES: &[&str] = &[
        "MV", "M/V", "SS", "RMS", "HMS", "HMAS", "HMCS", "HMNZS", "USS", "USNS", "FV", "KRI",
        "PNS", "BRP",
    ];
    const KINDS: &[&str] = &[
        "ship",
        "vessel",
        "tanker",
        "freighter",
        "ferry",
        "yacht",
        "frigate",
        "destroyer",
        "submarine",
        "trawler",
        "cruiser",
        "warship",
    ];
    let prefix = |i: usize| PREFIXES.contains(&view.word(i));
    // "MV Namse Bangdzod": a prefix, then a name.
    let opens = |s: &Span| prefix(s.first) && s.end - s.first >= 2;
    // A span's name without a ship's prefix.
    let name = |s: &Span| {
        let first = s.first + usize::from(opens(s));
        (
            first,
            &view.text[view.tokens[first].start..view.tokens[s.end - 1].end],
        )
    };
    let mut vessels: HashSet<&str> = HashSet::default();
    let mut words: HashSet<&str> = HashSet::default();
    for s in spans.iter_mut().filter(|s| s.type_id != LOC) {
        let named_after = s.first.checked_sub(1).is_some_and(|j| {
            prefix(j) || KINDS.contains(&view.lower[j].as_str()) && !view.sent_start[s.first]
        });
        if !(opens(s) || named_after) {
            continue;
        }
        s.type_id = MISC;
        let (first, text) = name(s);
        if !is_census_given_name(view.word(first)) {
            vessels.insert(text);
            words.extend((first..s.end).map(|i| view.word(i)));
        }
    }
    for s in spans
        .iter_mut()
        .filter(|s| matches!(s.type_id, PERSON | ORG))
    {
        let lone_word = s.end - s.first == 1 && words.contains(view.word(s.first));
        if lone_word || vessels.contains(name(s).1) {
            s.type_id = MISC;
        }
    }
}

impl EntityTagger<'_> {
    /// One-word names the model typed a person that the story shows are no
    /// one: a group it counts ("the Kurds"), a planet ("life on Mars"), a
    /// country, state or city ("a Nevada law"), a product ("the Fedora
    /// operating system") or a natural feature ("the Kīlauea volcano"),
    /// unless someone of the story bears or is titled by the name.
    /// "Middle East Respiratory Syndrome", "the Iran Hostage Crisis", "the
    /// Atacama Large Millimeter Array": a name of two or more capitalised
    /// ordinary words, none a given name, is a thing's, no person's ("Bill
    /// Gates" and "Will Smith" open with given names). It runs after the
    /// passes that make such names a place's or an organisation's by their
    /// last word ("Wall Street", "Rolling Stone").
    pub(super) fn things_named_in_ordinary_words(&self, view: &DocView, spans: &mut [Span]) {
        for s in spans
            .iter_mut()
            .filter(|s| s.type_id == PERSON && s.end - s.first >= 2)
        {
            if (s.first..s.end).all(|i| {
                let w = view.word(i);
                self.is_ordinary_word(w) && !in_capitals(w) && !self.is_given_name(view, i)
            }) {
                s.type_id = MISC;
            }
        }
    }
}

impl EntityTagger<'_> {
    /// "US-based software company Red Hat", "news agency Fars", "online
    /// supermarket Ocado": a name the model left untagged right after a
    /// noun that says only bodies are so called is a body's, and the pass
    /// that gives one name one type carries it to its other mentions. The
    /// noun is written in lower case (a headline in title case says
    /// nothing by its casing), and a name opened by a title or a given
    /// name, or a day or month, is left ("the company Monday", "the
    /// company President Ana Lima").
    pub(super) fn names_after_their_kind(&self, view: &DocView, spans: &mut Vec<Span>) {
        // Only the nouns said of bodies and nothing else: a "developer",
        // "group" or "label" is as often a person, a band or a record's.
        const ALSO_OF_OTHERS: &[&str] = &[
            "daily",
            "chain",
            "publication",
            "blog",
            "operator",
            "brand",
            "giant",
            "studio",
            "label",
            "developer",
            "provider",
            "organisation",
            "organization",
            "group",
            "party",
            "club",
        ];
        let names_a_body = |w: &str| ORG_CUES_BEFORE.contains(&w) && !ALSO_OF_OTHERS.contains(&w);
        const MOST_WORDS: usize = 4;
        let n = view.len();
        let covered = covered_tokens(view, spans);
        let mut found = Vec::new();
        for j in 0..n.saturating_sub(1) {
            let first = j + 1;
            // The cheap tests first: this runs at every word.
            if covered[first]
                || !view.is_capitalized(first)
                || view.sent_start[first]
                || view.is_capitalized(j)
                || !names_a_body(view.lower[j].as_str())
                || is_title(view, first)
                || self.is_given_name(view, first)
                || crate::figures::is_day_or_month(view.lower_at(first))
            {
                continue;
            }
            // Capitalised words, and a hyphen or ampersand between two
            // ("Sea-Eye", "AT&T"), up to the first other word.
            let mut end = first;
            let mut words = 0;
            while end < n && !covered[end] && words < MOST_WORDS {
                if view.is_capitalized(end) && !(end > first && view.sent_start[end]) {
                    words += 1;
                    end += 1;
                } else if matches!(view.word(end), "-" | "&")
                    && end + 1 < n
                    && view.tokens[end - 1].end == view.tokens[end].start
                    && view.tokens[end].end == view.tokens[end + 1].start
                    && view.is_capitalized(end + 1)
                {
                    end += 1;
                } else {
                    break;
                }
            }
            // A run that goes on past the words a name may have is
            // something else's (a title in capitals).
            let runs_on = view.is_capitalized_in_sentence(end);
            let ordinary = end - first == 1 && view.lower_is_common(first);
            if !runs_on && !ordinary {
                found.push(Span {
                    first,
                    end,
                    type_id: ORG,
                    from_rule: false,
                });
            }
        }
        spans.extend(found);
        spans.sort_by_key(|s| s.first);
    }
}

/// Last words that make a name something other than a person, organisation or
/// place: an event, a prize, a law ("Chicago Marathon", "Paris Climate Accord").
pub(super) const MISC_WORDS: &[&str] = &[
    "marathon",
    "accord",
    "accords",
    "agreement",
    "constitution",
    "act",
    "award",
    "awards",
    "prize",
    "festival",
    "championship",
    "championships",
    "cup",
    "games",
    "olympics",
    "paralympics",
    "tournament",
    "war",
    "treaty",
    "protocol",
    "faire",
    "fair",
    "day",
    "fame",
    "open",
    "expo",
    "show",
    "summit",
    "series",
    "trophy",
    "grand prix",
    "derby",
];

/// Kinds of work whose title may follow them: "the film Argo", "a movie
/// called Argo", "the album Abbey Road", "the talk show Morning Joe".
const WORKS: &[&str] = &[
    "film",
    "movie",
    "album",
    "song",
    "single",
    "novel",
    "book",
    "poem",
    "painting",
    "documentary",
    "musical",
    "opera",
    "sitcom",
    "show",
    "series",
    "miniseries",
    "programme",
    "program",
    "podcast",
    "comedy",
    "drama",
    "anime",
    "telenovela",
    "panel",
    "exhibition",
];

/// [`WORKS`] in the plural: "the films New York Minute and House of Wax".
const WORKS_PLURAL: &[&str] = &[
    "films",
    "movies",
    "albums",
    "songs",
    "singles",
    "novels",
    "books",
    "documentaries",
    "musicals",
    "operas",
    "sitcoms",
    "shows",
    "programmes",
    "programs",
    "podcasts",
    "comedies",
    "dramas",
];

/// Small words a work's title holds between its capitalised words ("Game
/// of Thrones", "Shang-Chi and the Legend of the Ten Rings").
const TITLE_SMALL_WORDS: &[&str] = &["of", "the", "and", "in", "on", "a", "to", "for", "at"];

/// "The romantic comedy Chasing Liberty", "the television series Gilmore
/// Girls", "the talk show Morning Joe … Morning Joe host Joe Scarborough":
/// the capitalised words right after a kind of work (maybe "called" or a
/// quotation mark between) are the work's title, in every place the story
/// writes them, however the model split or typed them. Not a day or a month
/// ("said on the show Sunday"), nor a name the story gives someone
/// elsewhere ("the film Spielberg made" of "Steven Spielberg", "the film
/// Bob Lazar" about Bob Lazar).
pub(super) fn titles_of_works(view: &DocView, spans: &mut Vec<Span>) {
    static KINDS: WordSet = WordSet::of(&[WORKS]);
    static KINDS_OF_MANY: WordSet = WordSet::of(&[WORKS_PLURAL]);
    static SMALL: WordSet = WordSet::of(&[TITLE_SMALL_WORDS]);
    // A date's word opens no title, nor its words after a small word ("the
    // show Evening Frank on Tuesday").
    let opens_a_title =
        |i: usize| view.is_capitalized_in_sentence(i) && !is_day_or_month(view.lower[i].as_str());
    let mut titles: Vec<std::ops::Range<usize>> = Vec::new();
    for i in 0..view.len().saturating_sub(1) {
        let many = KINDS_OF_MANY.contains(view.lower[i].as_str());
        if !(many || KINDS.contains(view.lower[i].as_str())) || view.is_capitalized(i) {
            continue;
        }
        let mut first = i + 1;
        if matches!(
            view.lower[first].as_str(),
            "called" | "named" | "titled" | "entitled"
        ) {
            first += 1;
        }
        if first < view.len() && matches!(view.word(first), "\"" | "\u{201c}" | "'" | "\u{2018}") {
            first += 1;
        }
        // "The films New York Minute and House of Wax": after a plural, an
        // "and" or a comma ends one title and opens the next.
        while opens_a_title(first) {
            let mut end = first + 1;
            loop {
                // "The song Gloomy Sunday": a date's word goes on a title
                // only right after its capitalised words.
                if view.is_capitalized_in_sentence(end) {
                    end += 1;
                } else if SMALL.contains(view.lower_at(end))
                    && !(many && view.lower[end] == "and")
                    && !view.is_capitalized(end)
                    && opens_a_title(end + 1)
                {
                    end += 2;
                } else {
                    break;
                }
            }
            titles.push(first..end);
            if !many {
                break;
            }
            first = end;
            if first < view.len() && view.word(first) == "," {
                first += 1;
            }
            if first < view.len() && view.lower[first] == "and" {
                first += 1;
            } else if first == end {
                break;
            }
        }
    }
    if titles.is_empty() {
        return;
    }
    let full_name_words = full_name_words(view, spans);
    let words =
        |r: &std::ops::Range<usize>| -> Vec<&str> { r.clone().map(|i| view.word(i)).collect() };
    let mut known: Vec<Vec<&str>> = Vec::new();
    for r in &titles {
        let title = words(r);
        // A title of several words is someone's only when it opens with a
        // given name and the story names that person elsewhere: "Morning
        // Joe host Joe Scarborough" names the show again.
        let someones = if title.len() == 1 {
            full_name_words.contains(title[0])
        } else {
            is_census_given_name(title[0])
                && spans.iter().any(|s| {
                    s.type_id == PERSON
                        && !titles.iter().any(|t| t.start == s.first)
                        && s.end - s.first == title.len()
                        && (s.first..s.end)
                            .map(|i| view.word(i))
                            .eq(title.iter().copied())
                })
        };
        if !someones && !known.contains(&title) {
            known.push(title);
        }
    }
    if known.is_empty() {
        return;
    }
    // A name that goes on past the title's words is another name ("Black
    // Panther Party" beside the film "Black Panther").
    let mut mentions: Vec<std::ops::Range<usize>> = Vec::new();
    let mut i = 0;
    while i < view.len() {
        match known.iter().find(|t| {
            i + t.len() <= view.len()
                && (i..i + t.len()).map(|k| view.word(k)).eq(t.iter().copied())
                && !view.is_capitalized_in_sentence(i + t.len())
                && !(i > 0 && view.is_capitalized_in_sentence(i) && view.is_capitalized(i - 1))
        }) {
            Some(t) => {
                mentions.push(i..i + t.len());
                i += t.len();
            }
            None => i += 1,
        }
    }
    spans.retain(|s| !mentions.iter().any(|m| s.first < m.end && m.start < s.end));
    spans.extend(mentions.into_iter().map(|m| Span {
        first: m.start,
        end: m.end,
        type_id: MISC,
        from_rule: false,
    }));
    spans.sort_by_key(|s| s.first);
}

/// Kinds of product a name before them names: "the Fedora operating
/// system", "Android phones", "Godiva chocolate". Kinds a person's name
/// comes before as often ("album", "campaign", "game") are left out.
pub(super) const PRODUCT_KINDS: &[&str] = &[
    "operating",
    "browser",
    "phone",
    "phones",
    "smartphone",
    "smartphones",
    "tablet",
    "tablets",
    "laptop",
    "laptops",
    "console",
    "app",
    "apps",
    "software",
    "chocolate",
    "bitters",
    "vaccine",
    "soap",
    "sedan",
    "sedans",
    "airliner",
    "airliners",
    "truck",
    "trucks",
    "van",
    "vans",
    "pickup",
    "suv",
    "tractor",
    "tractors",
    "motorcycle",
    "motorcycles",
];

/// Nouns after a name that make it an event's, a rule's or a kind's: "the
/// Gukurahundi massacres", "the Brexit deadline", "Sharia law", "the Soyuz
/// mission", "Pokemon species".
pub(super) const EVENTS_AND_RULES: &[&str] = &[
    "massacre",
    "massacres",
    "deadline",
    "referendum",
    "scandal",
    "mission",
    "missions",
    "law",
    "species",
];

/// Nouns after a name that make it a people's, a faith's or a tongue's:
/// "the Moriori people", "the Olmec civilization", "the Chakri dynasty".
pub(super) const PEOPLES_AND_TONGUES: &[&str] = &[
    "people",
    "peoples",
    "language",
    "languages",
    "dialect",
    "dialects",
    "civilization",
    "civilisation",
    "civilizations",
    "civilisations",
    "culture",
    "cultures",
    "tribe",
    "tribes",
    "dynasty",
    "clan",
    "clans",
    "cuisine",
    "diaspora",
    "mythology",
    "community",
    "communities",
];

/// Nouns after a name that make it a disease's: "Powassan virus", "Lyme
/// disease", "Parkinson's disease" ("outbreak" is not one: "the Wuhan
/// outbreak" is the city's).
const DISEASE_WORDS: &[&str] = &["virus", "disease", "syndrome", "fever", "disorder", "flu"];

/// Whether the words from token `end` on say that the name before them is
/// a disease's: a disease noun, after a possessive or not.
/// Diseases news names by a word of their own, not by "X disease": "dying
/// from AIDS" puts no one anywhere.
pub(super) const DISEASES: &[&str] = &[
    "AIDS",
    "HIV",
    "SARS",
    "MERS",
    "Ebola",
    "Zika",
    "COVID-19",
    "COVID",
    "Covid-19",
    "Covid",
    "Mpox",
    "Tuberculosis",
    "Malaria",
    "Cholera",
    "Measles",
];

pub(super) fn names_a_disease(view: &DocView, end: usize) -> bool {
    view.lower
        .get(after_possessive(view, end))
        .is_some_and(|noun| DISEASE_WORDS.contains(&noun.as_str()))
}

/// "Hurricane Dorian", "Typhoon Hagibis", "Tropical Storm Imelda": a storm's
/// name is an event's, not a person's or a place's, though it looks like one,
/// and so is the name alone later in the story ("Dorian turned north").
pub(super) fn drop_named_storms(view: &DocView, spans: &mut Vec<Span>) {
    const STORMS: &[&str] = &["hurricane", "typhoon", "cyclone", "storm", "tropical"];
    let is_storm_word = |i: usize| {
        STORMS.contains(&view.lower[i].as_str())
            && view.word(i).starts_with(|c: char| c.is_uppercase())
    };
    let text_of =
        |first: usize, end: usize| &view.text[view.tokens[first].start..view.tokens[end - 1].end];
    let mut names: Vec<&str> = Vec::new();
    for s in spans.iter() {
        let mut first = s.first;
        while first < s.end && is_storm_word(first) {
            first += 1;
        }
        let named_in_span = first > s.first && first < s.end;
        let after_word = s.first > 0 && is_storm_word(s.first - 1) && !view.sent_start[s.first];
        if named_in_span || after_word {
            names.push(text_of(first, s.end));
        }
    }
    if names.is_empty() {
        return;
    }
    spans.retain(|s| {
        let mut first = s.first;
        while first < s.end && is_storm_word(first) {
            first += 1;
        }
        first == s.end || !names.contains(&text_of(first, s.end))
    });
}

/// Holidays and feasts news names, in lower case; "Eid" opens several
/// ("Eid al-Adha", "Eid al-Fitr").
const HOLIDAYS: &[&str] = &[
    "eid",
    "diwali",
    "deepavali",
    "ramadan",
    "ramazan",
    "hanukkah",
    "chanukah",
    "passover",
    "pesach",
    "yom kippur",
    "rosh hashanah",
    "sukkot",
    "purim",
    "ashura",
    "holi",
    "navratri",
    "nowruz",
    "vesak",
    "songkran",
    "lunar new year",
    "chinese new year",
    "thanksgiving",
    "easter",
    "christmas",
    "christmas eve",
    "christmas day",
    "boxing day",
    "hogmanay",
    "kwanzaa",
    "juneteenth",
    "mardi gras",
    "halloween",
];

/// "We could not even celebrate the Eid", "schools closed for Yom Kippur":
/// a holiday's name is no one and nowhere, whatever the model made of it.
pub(super) fn holidays_are_no_one(view: &DocView, spans: &mut Vec<Span>) {
    spans.retain(|s| {
        let text = span_text(view, s);
        !(view.lower[s.first] == "eid" || HOLIDAYS.iter().any(|h| h.eq_ignore_ascii_case(text)))
    });
}

/// "US$ 40 billion", "A$5", "HK$ 10": a country's code glued to a currency sign
/// names money, not a place; and three capitals glued to a number, a
/// currency's code and an amount ("USD15", "EUR2.5") or a flight's number
/// ("AXB1344"), name nothing.
pub(super) fn drop_currency_codes(view: &DocView, spans: &mut Vec<Span>) {
    spans.retain(|s| {
        let sign_after = s.end < view.len()
            && matches!(view.word(s.end), "$" | "\u{a3}" | "\u{20ac}" | "\u{a5}")
            && !view.tokens[s.end].space_before;
        let word = view.word(s.first);
        let code_and_amount = s.end - s.first == 1
            && word.len() > 3
            && word.is_char_boundary(3)
            && word[..3].bytes().all(|b| b.is_ascii_uppercase())
            && word[3..].starts_with(|c: char| c.is_ascii_digit())
            && word[3..]
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | ','));
        !(s.type_id == LOC && sign_after || code_and_amount)
    });
}

/// Units of measure glued to a number ("4GB", "2.5GHz", "300km").
const UNITS: &[&str] = &[
    "gb", "mb", "tb", "kb", "ghz", "mhz", "khz", "hz", "km", "mm", "cm", "kg", "mg", "kw", "mw",
    "gw", "kwh", "mph", "bn", "m", "k",
];

/// Time zones after a clock time ("18:00 UTC").
const TIME_ZONES: &[&str] = &[
    "UTC", "GMT", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "CET", "CEST", "BST",
    "JST", "IST", "AEST", "AEDT", "HKT", "SGT",
];

/// "4GB", "300km": a number with its unit is a quantity; "18:00 UTC": a time
/// zone after a clock time is part of a time. Neither is a name.
pub(super) fn drop_quantities(view: &DocView, spans: &mut Vec<Span>) {
    let quantity = |w: &str| {
        let unit = w.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ',');
        unit.len() < w.len() && UNITS.contains(&unit.to_lowercase().as_str())
    };
    let clock = |i: usize| {
        let w = view.word(i);
        w.contains(':') && w.chars().all(|c| c.is_ascii_digit() || c == ':')
    };
    spans.retain(|s| {
        let one = s.end - s.first == 1;
        let w = view.word(s.first);
        !(one && quantity(w) || one && TIME_ZONES.contains(&w) && s.first > 0 && clock(s.first - 1))
    });
}

/// "Title IX", "Article 50", "Section 230": a part of a law, a treaty or a
/// book, named by its kind and its number, is no one's name, though the
/// model reads a capitalised word and a Roman numeral as a king's. The
/// span goes where it holds only such a part, with or without its kind
/// ("IX" alone after "Title").
pub(super) fn parts_of_documents_are_no_names(view: &DocView, spans: &mut Vec<Span>) {
    const PARTS: &[&str] = &[
        "Title",
        "Article",
        "Chapter",
        "Section",
        "Part",
        "Schedule",
        "Clause",
        "Paragraph",
        "Annex",
        "Appendix",
        "Amendment",
        "Rule",
        "Volume",
    ];
    let numbered = |w: &str| {
        let roman = w.chars().all(|c| "IVXLCDM".contains(c));
        let arabic = w.starts_with(|c: char| c.is_ascii_digit())
            && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
        !w.is_empty() && (roman || arabic)
    };
    spans.retain(|s| {
        let last = s.end - 1;
        let part_before = |i: usize| {
            i.checked_sub(1)
                .is_some_and(|p| PARTS.contains(&view.word(p)))
        };
        let whole = s.end - s.first == 2 && PARTS.contains(&view.word(s.first));
        let number_alone = s.end - s.first == 1 && part_before(s.first);
        !((whole || number_alone) && numbered(view.word(last)))
    });
}

/// "22-year-old Rangoli Patil", "Humberto 785": no person's name holds a
/// number. A word with digits before or after a person's name is cut off it;
/// one inside ("Movimento 5 Stelle") makes it no person's name at all.
pub(super) fn numbers_are_no_part_of_names(view: &DocView, spans: &mut Vec<Span>) {
    let has_digit = |i: usize| view.word(i).bytes().any(|b| b.is_ascii_digit());
    for s in spans.iter_mut().filter(|s| s.type_id == PERSON) {
        while s.first < s.end && has_digit(s.first) {
            s.first += 1;
        }
        while s.first < s.end && has_digit(s.end - 1) {
            s.end -= 1;
        }
        if s.first == s.end || (s.first..s.end).any(has_digit) {
            s.type_id = NO_ENTITY;
        }
    }
    spans.retain(|s| s.type_id != NO_ENTITY);
}

/// "Airbus A380", "Boeing 787", "Airbus A400M": a maker's name with a model
/// number names a product, not the organisation.
pub(super) fn products_are_no_organisations(view: &DocView, spans: &mut [Span]) {
    for s in spans
        .iter_mut()
        .filter(|s| s.type_id == ORG && s.end - s.first >= 2)
    {
        let model = |w: &str| {
            w.chars().count() >= 3
                && w.chars().any(|c| c.is_ascii_digit())
                && w.chars().all(|c| c.is_ascii_alphanumeric())
                && w.chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit() || c.is_uppercase())
        };
        // "The San Francisco 49ers" is a team, not a model.
        if (s.first + 1..s.end).any(|i| model(view.word(i)) && !is_numbered_nickname(view.word(i)))
        {
            s.type_id = MISC;
        }
    }
}

/// Plural kinds of made things that a list of models goes before: "the
/// Crown Victoria and Grand Marquis cars", "Patriot missiles".
const PRODUCTS_PLURAL: &[&str] = &[
    "cars",
    "vehicles",
    "models",
    "sedans",
    "trucks",
    "vans",
    "phones",
    "smartphones",
    "handsets",
    "tablets",
    "laptops",
    "computers",
    "consoles",
    "aircraft",
    "airliners",
    "jets",
    "planes",
    "helicopters",
    "missiles",
    "rifles",
    "engines",
];

impl EntityTagger<'_> {
    /// "The plant makes the Crown Victoria and Grand Marquis cars": names
    /// listed right before a plural kind of made thing are its models, no
    /// place or person, though the model read "Crown Victoria" as a place
    /// and "Grand Marquis" as a titled man. A body stays one ("Ford and GM
    /// cars" are the makers'), and so does a place the gazetteer knows
    /// ("Turkey drones", "Israel jets").
    pub(super) fn products_listed_before_their_kind(&self, view: &DocView, spans: &mut [Span]) {
        spans.sort_by_key(|s| s.first);
        let mut k = 0;
        while k < spans.len() {
            // The list from span k: each next span joined by "and", "or" or a comma.
            let mut m = k;
            while m + 1 < spans.len() && listed_together(view, &spans[m], &spans[m + 1]) {
                m += 1;
            }
            let kind_after = view
                .lower
                .get(spans[m].end)
                .is_some_and(|w| PRODUCTS_PLURAL.contains(&w.as_str()));
            if kind_after {
                for s in &mut spans[k..=m] {
                    let known_place =
                        s.type_id == LOC && self.gazetteer.find_place(span_text(view, s)).is_some();
                    if matches!(s.type_id, PERSON | LOC) && !known_place {
                        s.type_id = MISC;
                    }
                }
            }
            k = m + 1;
        }
    }
}

/// Words that end a story's sentence about a market index: "the Nasdaq fell 82
/// points", "the Hang Seng index".
const INDEX_WORDS: &[&str] = &["index", "indices", "indexes"];

/// Words that say an index moved, read before "N points".
const INDEX_MOVES: &[&str] = &[
    "fell",
    "fall",
    "falls",
    "falling",
    "rose",
    "rise",
    "rises",
    "rising",
    "gained",
    "gains",
    "gaining",
    "gain",
    "lost",
    "loses",
    "losing",
    "loss",
    "dropped",
    "drops",
    "dropping",
    "drop",
    "climbed",
    "climbs",
    "climbing",
    "slipped",
    "slips",
    "added",
    "adds",
    "shed",
    "sheds",
    "closed",
    "closes",
    "closing",
    "ended",
    "ends",
    "ending",
    "jumped",
    "jumps",
    "slid",
    "slides",
    "tumbled",
    "plunged",
    "plummeted",
    "surged",
    "soared",
    "sank",
    "rallied",
    "edged",
    "declined",
    "increased",
    "decreased",
    "advanced",
    "retreated",
    "rebounded",
    "recovered",
    "recovers",
    "rebounds",
    "surges",
    "tumbles",
    "plunges",
    "sinks",
    "rallies",
    "soars",
    "advances",
    "declines",
    "retreats",
    "increases",
    "up",
    "down",
    "lower",
    "higher",
];

/// Counts written as words, which may stand before "points".
const COUNT_WORDS: &[&str] = &[
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "dozen",
    "dozens",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
];

impl EntityTagger<'_> {
    /// Market indices ("the Dow Jones Industrial Average", "the Nasdaq fell 82
    /// points", "the FTSE 100 index") are no organisations: every mention of a
    /// name the story uses as an index is left unreported, like other MISC names.
    pub(super) fn market_indices_are_no_organisations(&self, view: &DocView, spans: &mut [Span]) {
        let n = view.len();
        let mut covered = vec![false; n];
        for s in spans.iter() {
            covered[s.first..s.end].iter_mut().for_each(|c| *c = true);
        }
        let plain = |i: usize| !covered[i] && !view.is_capitalized(i) && !view.sent_start[i];
        let mut indices: HashSet<&str> = HashSet::default();
        for s in spans.iter().filter(|s| matches!(s.type_id, ORG | PERSON)) {
            let text = span_text(view, s);
            if self.gazetteer.find_place(text).is_some() {
                continue;
            }
            let last = view.lower[s.end - 1].as_str();
            let named = view.is_capitalized(s.end - 1) && matches!(last, "average" | "index");
            // "the Hang Seng index", "the FTSE 100 index", "the stock index FTSE".
            let after = (s.end..n.min(s.end + 3))
                .take_while(|&i| plain(i))
                .any(|i| INDEX_WORDS.contains(&view.lower[i].as_str()));
            let before = (s.first.saturating_sub(2)..s.first)
                .rev()
                .take_while(|&i| plain(i))
                .any(|i| INDEX_WORDS.contains(&view.lower[i].as_str()));
            // "the Nasdaq fell 82.65 points", "the Kospi closed up 30 points";
            // but not a player who "scored 30 points", nor one awarded them:
            // an index moves by a number of points, and a person named with a
            // given name is never an index.
            let acronym = s.end + 2 < n && view.word(s.end) == "(" && view.word(s.end + 2) == ")";
            let from = if acronym { s.end + 3 } else { s.end };
            let someone = s.type_id == PERSON && self.is_given_name(view, s.first);
            let window: Vec<usize> = (from..n.min(from + 16))
                .take_while(|&i| !covered[i] && !view.sent_start[i])
                .collect();
            let points = !someone
                && window.iter().enumerate().any(|(k, &i)| {
                    view.lower[i] == "points"
                        && i > 0
                        && (view.word(i - 1).starts_with(|c: char| c.is_ascii_digit())
                            || COUNT_WORDS.contains(&view.lower[i - 1].as_str())
                            || view.lower[i - 1] == "of")
                        && window[..k]
                            .iter()
                            .any(|&j| INDEX_MOVES.contains(&view.lower[j].as_str()))
                });
            if named || after || before || points {
                indices.insert(text);
                // Its abbreviation: "the Dow Jones Industrial Average (DJIA)".
                if acronym {
                    indices.insert(view.word(s.end + 1));
                }
            }
        }
        for s in spans.iter_mut() {
            if s.type_id != LOC && indices.contains(span_text(view, s)) {
                s.type_id = MISC;
            }
        }
    }
}
