//! From model tags to resolved entities: spans, roles, gazetteer rules, within-story
//! coreference, acronyms and place resolution.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::annotations::{Entity, EntityType};
use crate::clusters::WordClusters;
use crate::features::{DocView, is_title_word};
use crate::gazetteer::{Gazetteer, PlaceKind, entity_id, in_capitals, kind};
use crate::people::KnownPeople;
use crate::perceptron::{Model, is_begin, tag_type};
use crate::places::{
    ADJECTIVE_SUFFIXES, Dateline, FACILITY, NATURAL_FEATURE, NOT_IN_GAZETTEER, PART_OF_ELSEWHERE,
    PlaceContext, division_abbreviation, ends_a_place_name, is_designated_body, is_small_town,
    leave_unresolved, names_a_site, names_natural_feature_after, strip_article,
};
use crate::quotes::SPEECH_VERBS;
use crate::word_lists::{WordList, WordSet};

/// Words that may sit inside a title run before a name without being titles
/// themselves: "Foreign Minister", "Vice President", "former Prime Minister".
const ROLE_MODIFIERS: &[&str] = &[
    "foreign",
    "prime",
    "vice",
    "deputy",
    "defence",
    "defense",
    "finance",
    "interior",
    "home",
    "health",
    "state",
    "general",
    "executive",
    "chief",
    "senior",
    "former",
    "acting",
    "interim",
    "emeritus",
    "first",
    "lady",
    "supreme",
    "high",
    "assistant",
    "associate",
    "junior",
    "shadow",
    "labour",
    "trade",
    "justice",
    "education",
    "energy",
    "environment",
    "culture",
    "economy",
    "opposition",
    "party",
    "majority",
    "minority",
    "whip",
    "attorney",
    "managing",
    "district",
    "federal",
    "national",
    "regional",
    "county",
    "city",
    "police",
    "army",
    "navy",
    "air",
    "force",
    "foreign-affairs",
    "secretary",
    "of",
    "the",
    "and",
    "for",
    "affairs",
    "security",
    "press",
    "white",
    "house",
    "communications",
    "operating",
    "financial",
    "technology",
    "principal",
];

// Type ids: 1-based indexes into `perceptron::TYPES`.
const PERSON: u8 = 1;
const ORG: u8 = 2;
const LOC: u8 = 3;
const MISC: u8 = 4;
/// A span a rule found to be no entity, removed after the rule.
const NO_ENTITY: u8 = 0;

/// What the passes learned of mentions, by the token each starts at, for
/// `resolve`: the roles of people, the full names of organisations named
/// short ("Mahan" for "Mahan Air"), and the sides of a match.
struct Learned<'v> {
    roles: HashMap<usize, String>,
    short_names: HashMap<usize, &'v str>,
    sides: HashSet<usize>,
    /// People's full names an editor completed in brackets, by the first
    /// token of each mention ([`names_completed_in_brackets`]).
    completed: HashMap<usize, String>,
}

/// A span of tokens with a type id.
#[derive(Debug, Clone, Copy)]
struct Span {
    first: usize,
    /// Exclusive.
    end: usize,
    type_id: u8,
    /// Set when a rule, not the model, found the span.
    from_rule: bool,
}

fn spans_from_tags(view: &DocView, tags: &[u8]) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < tags.len() {
        if is_begin(tags[i]) {
            let t = tag_type(tags[i]);
            let mut end = i + 1;
            while end < tags.len()
                && !is_begin(tags[end])
                && tag_type(tags[end]) == t
                && !view.sent_start[end]
            {
                end += 1;
            }
            spans.push(Span {
                first: i,
                end,
                type_id: t,
                from_rule: false,
            });
            i = end;
        } else {
            i += 1;
        }
    }
    spans
}

/// What the entity pass needs from the tagger.
pub(crate) struct EntityTagger<'a> {
    pub model: &'a Model,
    pub gazetteer: &'a Gazetteer,
    pub clusters: &'a WordClusters,
    pub common_words: &'a WordList,
    /// The census's family names.
    pub surnames: &'a WordList,
    /// Whom other stories named, where the caller keeps them.
    pub people: Option<&'a KnownPeople>,
}

fn is_title(view: &DocView, i: usize) -> bool {
    // "DR Congo", "MS Estonia": short titles in capitals are something else.
    let w = view.word(i);
    let shouting = w.len() <= 3 && w.chars().all(|c| c.is_ascii_uppercase());
    is_title_word(&view.lower[i]) && !(shouting && w != "CEO")
}

/// "Department Of Justice" in a headline set in title case is the body's
/// "Department of Justice": the small words inside a name are written in
/// lower case, so that one body is one row of the ORG facet however a
/// headline capitalised it (a word in capitals, "END OF LIFE", is left).
fn small_words_in_lower_case(name: &str) -> String {
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

/// A person's name without the full stop of the sentence it ended, which
/// the tokenizer leaves on a word before a line that opens with no capital
/// ("… Dr Teresa Steele.", then "((WN))"): `None` when the name ends in no
/// stop, or in an initial or a suffix ("J.", "Jr.") whose stop is its own.
fn without_sentence_stop(name: &str) -> Option<&str> {
    let stripped = name.strip_suffix('.')?;
    let last = stripped.rsplit(' ').next().unwrap_or(stripped);
    let own_stop = last.chars().count() <= 2
        || last.contains('.')
        || NAME_SUFFIXES.contains(&name.rsplit(' ').next().unwrap_or(name));
    (!own_stop).then_some(stripped)
}

/// Whether token `i` is a title ([`is_title`]) or a police or military rank
/// the model's title list leaves out ("Senior Constable Kevin King").
fn is_rank(view: &DocView, i: usize) -> bool {
    is_title(view, i) || matches!(view.lower[i].as_str(), "constable" | "corporal" | "trooper")
}

/// Offices the title list leaves out, as the last word of someone's role
/// ("Divisional Railway Manager", "National Security Adviser").
const OFFICES: &[&str] = &[
    "manager",
    "adviser",
    "advisor",
    "representative",
    "member",
    "mp",
    "officer",
];

/// Whether token `i` says what office someone holds: a title, a rank or
/// one of [`OFFICES`].
fn is_office(view: &DocView, i: usize) -> bool {
    is_rank(view, i) || OFFICES.contains(&view.lower[i].as_str())
}

/// Honours, offices and degrees written after a name ("QC", "MP", "OBE").
const POST_NOMINALS: &[&str] = &[
    "QC", "KC", "SC", "MP", "MSP", "MEP", "MLA", "MPP", "OBE", "CBE", "MBE", "KBE", "DBE", "PhD",
];

/// "Senators" in "Senators Kamala Harris and Elizabeth Warren": a title shared
/// by the names after it, when a name follows, not a word that joins the
/// title into an organisation's name ("Reporters Without Borders").
fn is_plural_title(view: &DocView, i: usize) -> bool {
    const JOINERS: &[&str] = &[
        "without", "for", "of", "and", "the", "in", "on", "at", "against",
    ];
    i + 1 < view.len()
        && view.is_capitalized(i + 1)
        && !JOINERS.contains(&view.lower[i + 1].as_str())
        && view.lower[i]
            .strip_suffix('s')
            .is_some_and(|one| one.len() > 3 && is_title_word(one))
}

/// The title run right before token `first`: "Russian Foreign Minister" for
/// "Russian Foreign Minister Sergei Lavrov". Returns (start token, role text).
fn role_before(view: &DocView, first: usize) -> Option<(usize, String)> {
    let mut start = first;
    let mut has_title = false;
    while start > 0 && !view.sent_start[start] {
        let j = start - 1;
        let w = view.lower[j].as_str();
        let modifier = ROLE_MODIFIERS.contains(&w) && !matches!(w, "of" | "the" | "and" | "for");
        // A demonym in front of a title belongs to the role: "Russian Foreign Minister".
        let nationality = view.gaz[j].has(kind::DEMONYM) && has_title;
        if is_title(view, j) {
            has_title = true;
        } else if !(modifier || nationality) {
            break;
        }
        start = j;
    }
    if !has_title {
        return None;
    }
    let text = &view.text[view.tokens[start].start..view.tokens[first - 1].end];
    Some((start, text.to_string()))
}

/// Titles the model's own list (which its features use, so it changes only
/// with a retrained model) leaves out: other languages' forms of address and
/// offices, and party labels, before a name.
const FOREIGN_TITLES: &[&str] = &[
    "cde",
    "comrade",
    "mme",
    "mlle",
    "monsenor",
    "monseñor",
    "monsignor",
    "taoiseach",
    "tánaiste",
    "assemblyman",
    "assemblywoman",
    "assemblymember",
    "constable",
    "detective",
    "democrat",
    "republican",
];

/// "Internet Explorer 6", "the 787 Dreamliner", "Falcon 9": a name beside
/// a model's number is a product's, no person's. No year is a model number
/// ("In 1891 Dvořák", "In 348 Pachomius"), nor a count before a name ("13
/// Zurbarán artworks"), nor a share or a score after one ("Trump 47
/// percent", "Curry 30, Thompson 25").
fn models_are_no_people(view: &DocView, spans: &mut [Span]) {
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
fn vessels_are_things(view: &DocView, spans: &mut [Span]) {
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

/// Whether token `i` is a practitioner's noun by its ending, capitalised
/// ("Violinist", "Columnist").
fn is_practitioner(view: &DocView, i: usize) -> bool {
    view.is_capitalized(i)
        && !in_capitals(view.word(i))
        && view.lower[i].chars().count() >= 6
        && view.lower[i].ends_with("ist")
}

/// "Podcaster", "YouTuber", "Broadcaster": a capitalised word of seven
/// letters or more ending as a doer's noun does, which before a name of
/// two words says what the person does (too rare a word for the word
/// classes to know it as an ordinary one). Given names so long that end
/// so ("Christopher", "Jennifer") are asked about before this.
fn names_a_doer(view: &DocView, i: usize) -> bool {
    let lower = view.lower[i].as_str();
    view.is_capitalized(i)
        && !in_capitals(view.word(i))
        && lower.chars().count() >= 7
        && lower.chars().all(char::is_alphabetic)
        && (lower.ends_with("er") || lower.ends_with("or"))
        // "Broadcaster", "Publisher": as often a body's as a person's, and
        // a name after one is a body's to the rest of the rules.
        && !ORG_CUES_BEFORE.contains(&lower)
}

/// The labels of a caption's credit ("Image: Gage Skidmore").
const CAPTION_LABELS: &[&str] = &[
    "Image", "Photo", "Picture", "Video", "Credit", "File", "Source",
];

/// Of [`CAPTION_LABELS`], those a photographer's name follows.
const PHOTO_CREDIT_LABELS: &[&str] = &["Image", "Photo", "Picture", "Credit"];

/// "Kamala Harris Image: Gage Skidmore": the label of a picture's credit
/// in a caption is no part of the name before it, and no name alone.
fn drop_caption_labels(view: &DocView, spans: &mut Vec<Span>) {
    for s in spans.iter_mut() {
        let last = s.end - 1;
        if CAPTION_LABELS.contains(&view.word(last))
            && last + 1 < view.len()
            && view.word(last + 1) == ":"
        {
            s.end = last;
        }
    }
    spans.retain(|s| s.first < s.end);
}

/// An appositive role after the name: "Jane Roe, the foreign minister, said".
fn role_after(view: &DocView, end: usize) -> Option<String> {
    let n = view.len();
    if end >= n || view.word(end) != "," {
        return None;
    }
    let mut j = end + 1;
    if j < n && matches!(view.lower[j].as_str(), "the" | "a" | "an") {
        j += 1;
    }
    let from = j;
    let mut has_title = false;
    while j < n && j - from < 8 && !view.sent_start[j] {
        let w = view.word(j);
        if matches!(
            w,
            "," | "." | ";" | ":" | "(" | ")" | "\"" | "\u{201c}" | "\u{201d}"
        ) {
            break;
        }
        has_title |= is_title(view, j);
        j += 1;
    }
    if !has_title || j == from || j >= n || !matches!(view.word(j), "," | "." | ")") {
        return None;
    }
    Some(view.text[view.tokens[from].start..view.tokens[j - 1].end].to_string())
}

impl EntityTagger<'_> {
    /// The entities of a document; `dateline` is the place of the story's dateline
    /// field, if it has one, as context for the other places.
    pub fn entities(&self, view: &DocView, dateline: Option<&Entity>) -> Vec<Entity> {
        let tags = self.model.tag(view);
        let mut spans = spans_from_tags(view, &tags);
        trim_punctuation(view, &mut spans);
        numbers_are_no_part_of_names(view, &mut spans);
        drop_caption_labels(view, &mut spans);
        join_name_particles(view, &mut spans);
        names_go_on(view, &mut spans);
        split_at_inner_lowercase(view, &mut spans);
        split_after_legal_form(view, &mut spans);
        names_stop_at_brackets(view, &mut spans);
        self.given_names_taken_for_towns(view, &mut spans);
        self.people_after_a_persons_noun(view, &mut spans);
        places_after_their_kind(view, &mut spans);
        self.names_after_their_kind(view, &mut spans);
        self.misc_names_of_the_storys_people(view, &mut spans);
        self.people_inside_organisations(view, &mut spans);
        self.people_after_a_title_inside_an_organisation(view, &mut spans);
        names_with_a_hyphenated_given_name(view, &mut spans);
        self.full_names_left_untagged(view, &mut spans);
        let mut roles: HashMap<usize, String> = HashMap::default();
        self.strip_titles(view, &mut spans, &mut roles);
        strip_title_domains(view, &mut spans, &mut roles);
        drop_role_only_people(view, &mut spans);
        self.demonyms_are_no_one(view, &mut spans);
        drop_roles_typed_organisations(view, &mut spans);
        company_words_after(view, &mut spans);
        self.retype_by_name(view, &mut spans);
        known_bodies_are_no_places(view, &mut spans, self.gazetteer);
        places_open_with_a_saint(view, &mut spans, self.gazetteer);
        organisations_before_an_office(view, &mut spans);
        self.scores_after_places(view, &mut spans);
        self.extend_known_organisations(view, &mut spans);
        self.add_gazetteer_spans(view, &mut spans);
        self.merge_branches(view, &mut spans);
        join_places_into_org_names(view, &mut spans);
        self.teams_named_after_places(view, &mut spans);
        self.join_names_across_and(view, &mut spans);
        self.bodies_named_for_their_purpose(view, &mut spans);
        campuses_of_a_university_system(view, &mut spans);
        products_are_no_organisations(view, &mut spans);
        self.leaders_named_for_what_they_lead(view, &mut spans);
        let datelines = self.datelines(view, &mut spans);
        spans.sort_by_key(|s| s.first);
        self.companies_not_people(view, &mut spans);
        self.people_not_organisations(view, &mut spans);
        self.link_people(view, &mut spans);
        self.bodies_someone_is_of(view, &mut spans);
        self.unify_types(view, &mut spans);
        propagate(view, &mut spans);
        self.unify_types(view, &mut spans);
        // Again: giving one name one type may carry a body's type from a
        // caption that ran the name into its party's ("Wong Kwok-kin of FTU
        // In the …") to its other mentions.
        names_with_a_hyphenated_given_name(view, &mut spans);
        let mut short_names = short_names_of_organisations(view, &mut spans);
        self.organisations_named_by_what_they_are_of(view, &mut spans, &mut short_names);
        bodies_called_by_their_kind(view, &mut spans);
        self.name_spelled_out_acronyms(view, &mut spans);
        acronyms_of_terms(view, &mut spans);
        acronyms_take_their_names_type(view, &mut spans);
        self.add_web_addresses(view, &mut spans);
        self.repair_unknown_places(view, &mut spans);
        self.names_listed_with_their_kind(view, &mut spans);
        bodies_listed_with_bodies(view, &mut spans, |w| self.is_ordinary_word(w));
        parties_written_with_a_small_p(view, &mut spans);
        places_before_their_division(view, &mut spans);
        self.towns_before_their_region(view, &mut spans);
        drop_currency_codes(view, &mut spans);
        drop_quantities(view, &mut spans);
        drop_named_storms(view, &mut spans);
        self.things_named_in_ordinary_words(view, &mut spans);
        models_are_no_people(view, &mut spans);
        vessels_are_things(view, &mut spans);
        spans.sort_by_key(|s| s.first);
        self.market_indices_are_no_organisations(view, &mut spans);
        interview_speakers(view, &mut spans);
        self.lone_names_mostly_no_one(view, &mut spans);
        let no_one = self.lone_words_with_nothing_of_someone(view, &mut spans);
        self.surnames_taken_for_places(view, &mut spans);
        let sides = self.sides_of_a_match(view, &mut spans);
        let completed = names_completed_in_brackets(view, &spans);
        for s in spans.iter().filter(|s| s.type_id == PERSON) {
            if let Some((_, role)) = role_before(view, s.first) {
                roles.entry(s.first).or_insert(role);
            } else if let Some(role) = role_after(view, s.end) {
                roles.entry(s.first).or_insert(role);
            }
        }
        let learned = Learned {
            roles,
            short_names,
            sides,
            completed,
        };
        let mut entities = self.resolve(view, &spans, &learned, &datelines, dateline);
        self.misspelt_names_are_the_names(&mut entities);
        entities.retain(|e| {
            !(e.kind == EntityType::Person && e.canonical == e.text && no_one.contains(&e.text))
        });
        parties_named_by_their_word(&mut entities);
        names_keep_their_article(&mut entities);
        self.places_in_organisations_names(&mut entities);
        self.unknown_places_named_in_words(&mut entities);
        // "De La  Fuente" as written is "De La Fuente" on the PPL list, and
        // a chart's legend ("██ Green Party - 1 seat") gives ORG no "█ Green
        // Party": a canonical name has one space between its words and no
        // box-drawing glyph at either end.
        let glyph = |c: char| ('\u{2500}'..='\u{25FF}').contains(&c);
        for e in &mut entities {
            let tidy = e
                .canonical
                .trim_matches(|c: char| glyph(c) || c.is_whitespace())
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if tidy != e.canonical && !tidy.is_empty() {
                e.canonical = tidy;
            }
        }
        entities
    }

    /// "PC World", "the Drudge Report", "Vampire Slayer", "Faculty of
    /// Arts": a name the model took for a place, which the gazetteer does
    /// not hold, that ends in a word of the language saying no kind of
    /// place and holds no place's name is a title's or a body's, not a
    /// place's. It is dropped rather than listed under GEO, unresolved.
    /// Places the gazetteer lacks end in what they are ("Acland Mine",
    /// "Sandy Point") or are names of their own ("Yeoncheon").
    fn unknown_places_named_in_words(&self, entities: &mut Vec<Entity>) {
        entities.retain(|e| {
            if e.kind != EntityType::Loc || e.unresolved.as_deref() != Some(NOT_IN_GAZETTEER) {
                return true;
            }
            let words: Vec<&str> = e.text.split_whitespace().collect();
            // "The South Lawn of the White House" is a lawn: the word before
            // "of" says what a name of that form is.
            let head = words
                .iter()
                .position(|w| *w == "of")
                .unwrap_or(words.len())
                .checked_sub(1)
                .and_then(|k| words.get(k));
            // "Palais des Nations": a name in another language puts its
            // head first, before its small words.
            let foreign = words
                .iter()
                .any(|w| w.starts_with(char::is_lowercase) && !matches!(*w, "of" | "the" | "and"));
            let Some(head) = head.filter(|_| words.len() >= 2 && !foreign) else {
                return true;
            };
            // A title other stories named as a body is left to become that
            // body ([`KnownPeople::resolve`]).
            let named_in_words = self.is_ordinary_word(head)
                && !ends_a_place_name(&head.to_lowercase())
                && !self
                    .people
                    .is_some_and(|p| p.knows_organisation(&e.canonical))
                && !words.iter().any(|w| self.gazetteer.find_place(w).is_some());
            !named_in_words
        });
    }

    /// "The University of Copenhagen", "the Municipality of Livorno", "the
    /// Bank of Japan": an organisation named for the place it is of names
    /// that place too, a mention of its own inside the organisation's, so
    /// the story is on the place's page and map. Only a name that ends in
    /// "of" and a country, a state or province, or a city ("the Church of
    /// Scientology", "the Islamic State of Iraq and the Levant" name none),
    /// chosen among the places of that name by the countries the story
    /// names.
    fn places_in_organisations_names(&self, entities: &mut Vec<Entity>) {
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

    /// "Unlike Chrylser, GM will not …" in a story that names Chrysler: a
    /// lone word that neither the gazetteer nor the language knows, one
    /// slip of the keys away from a word of a name the story gives (two
    /// letters swapped, one left out, added or struck wrong, a capital
    /// missed), is that name misspelt: it takes the name's type, canonical
    /// name and place. The name must stand on its own (named more than
    /// once, or in more than one word, or known to the gazetteer), and be
    /// the only one the word could be a slip for.
    fn misspelt_names_are_the_names(&self, entities: &mut [Entity]) {
        let unknown = |w: &str| {
            w.chars().count() >= 5
                && w.chars().all(char::is_alphabetic)
                && !self.is_ordinary_word(w)
                && !is_census_given_name(w)
                && self.gazetteer.lookup(w).is_none()
        };
        let lone: Vec<usize> = (0..entities.len())
            .filter(|&m| {
                let e = &entities[m];
                !e.text.contains(' ') && e.canonical == e.text && unknown(&e.text)
            })
            .collect();
        if lone.is_empty() {
            return;
        }
        let mut mentions: HashMap<&str, usize> = HashMap::default();
        for e in entities.iter() {
            *mentions.entry(e.canonical.as_str()).or_default() += 1;
        }
        // Each name that stands on its own, once: its first mention.
        let mut names: Vec<usize> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::default();
        for (k, other) in entities.iter().enumerate() {
            if other.kind == EntityType::Norp || !seen.insert(other.canonical.as_str()) {
                continue;
            }
            if mentions.get(other.canonical.as_str()).copied().unwrap_or(0) >= 2
                || other.canonical.contains(' ')
                || self.gazetteer.lookup(&other.canonical).is_some()
            {
                names.push(k);
            }
        }
        let mut fixes: Vec<(usize, usize)> = Vec::new();
        for m in lone {
            let slip = entities[m].text.as_str();
            let found: Vec<usize> = names
                .iter()
                .copied()
                .filter(|&k| {
                    let name = &entities[k].canonical;
                    name != slip
                        && name
                            .split(' ')
                            .any(|v| v.chars().count() >= 5 && one_slip_apart(slip, v))
                })
                .collect();
            // Several spellings of one person's name ("Pedro Pierluisi",
            // "Pedro R. Pierluisi Urrutia"): the one the story gives most.
            let one_person = found.len() > 1
                && found
                    .iter()
                    .all(|&k| entities[k].kind == EntityType::Person);
            let chosen = match found.as_slice() {
                [k] => Some(*k),
                _ if one_person => found.iter().copied().max_by_key(|&k| {
                    let count = mentions.get(entities[k].canonical.as_str()).copied();
                    (count.unwrap_or(0), std::cmp::Reverse(k))
                }),
                _ => None,
            };
            if let Some(k) = chosen {
                fixes.push((m, k));
            }
        }
        for (m, k) in fixes {
            let name = entities[k].clone();
            let e = &mut entities[m];
            *e = Entity {
                start: e.start,
                end: e.end,
                text: std::mem::take(&mut e.text),
                role: e.role.take(),
                ..name
            };
        }
    }

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
    fn things_named_in_ordinary_words(&self, view: &DocView, spans: &mut [Span]) {
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

    /// "Transferred to Charité in Berlin … Charité said": a lone word the
    /// story makes a place or a body in at least as many mentions as a
    /// person, and never a word of anyone's full name, a given name or
    /// titled, is that place or body in every mention. It runs late, after
    /// the passes that place or name one mention by its neighbours.
    fn lone_names_mostly_no_one(&self, view: &DocView, spans: &mut [Span]) {
        let full_name_words = full_name_words(view, spans);
        let mut counts: HashMap<&str, [usize; 5]> = HashMap::default();
        for s in spans.iter().filter(|s| s.end - s.first == 1) {
            counts.entry(view.word(s.first)).or_default()[s.type_id as usize] += 1;
        }
        let someone = |i: usize| {
            self.is_given_name(view, i)
                || full_name_words.contains(view.word(i))
                || role_before(view, i).is_some()
                || role_after(view, i + 1).is_some()
        };
        let mut no_one: HashMap<&str, u8> = HashMap::default();
        for (w, c) in &counts {
            let persons = c[PERSON as usize];
            if persons == 0 {
                continue;
            }
            if let Some(other) = [ORG, LOC]
                .into_iter()
                .filter(|&t| c[t as usize] >= persons)
                .max_by_key(|&t| c[t as usize])
            {
                no_one.insert(w, other);
            }
        }
        if no_one.is_empty() {
            return;
        }
        // Titled or a given name in any mention: someone after all.
        for s in spans.iter().filter(|s| s.end - s.first == 1) {
            if someone(s.first) {
                no_one.remove(view.word(s.first));
            }
        }
        for s in spans
            .iter_mut()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
        {
            if let Some(&other) = no_one.get(view.word(s.first)) {
                s.type_id = other;
            }
        }
    }

    /// "Qantas plans to …", "poisoned with Novichok", "the Volvo had come
    /// from …": a lone capitalised word the model made someone shows
    /// nothing of a person when it is no census given name or surname, the
    /// story never gives it a title or a full name, in no mention does it
    /// speak, get an age, stand beside someone else or come before "he" or
    /// "she" in its sentence, and no other story named in full someone it
    /// would stand for. News names a person by one word with one of those;
    /// a company, product or drug needs none. Such a word is a thing, not
    /// someone: a body where the lexicons or other stories know it as one,
    /// otherwise no entity. The words of the second kind are returned, for
    /// the tagger to drop once [`EntityTagger::misspelt_names_are_the_names`]
    /// has had its say ("Chrylser" is Chrysler).
    fn lone_words_with_nothing_of_someone(
        &self,
        view: &DocView,
        spans: &mut [Span],
    ) -> HashSet<String> {
        const PRONOUNS: &[&str] = &["he", "she", "his", "her", "him", "himself", "herself"];
        let n = view.len();
        let full_name_words = full_name_words(view, spans);
        let people: Vec<Span> = spans
            .iter()
            .filter(|s| s.type_id == PERSON)
            .copied()
            .collect();
        let beside_someone = |s: &Span| {
            people.iter().any(|p| {
                (p.first, p.end) != (s.first, s.end)
                    && (listed_together(view, s, p) || listed_together(view, p, s))
            })
        };
        // "the Obama administration", "a Polish chef named Luckasz",
        // "Hitzig became a professor".
        let said_to_be_someone = |s: &Span| {
            let mut j = s.end;
            let becomes = matches!(
                view.lower_at(j),
                "is" | "was" | "became" | "becomes" | "remains" | "remained"
            );
            if becomes {
                j += 1;
                if matches!(view.lower_at(j), "a" | "an" | "the") {
                    j += 1;
                }
            }
            matches!(view.lower_at(s.end), "administration" | "presidency")
                || s.first >= 1 && view.lower[s.first - 1] == "named"
                || becomes && j < n && is_title_word(view.lower[j].as_str())
        };
        let speaks = |s: &Span| {
            SPEECH_VERBS.contains(&view.lower_at(s.end))
                || s.first >= 1 && SPEECH_VERBS.contains(&view.lower[s.first - 1].as_str())
                || s.first >= 2
                    && view.lower[s.first - 2] == "according"
                    && view.lower[s.first - 1] == "to"
        };
        let aged = |s: &Span| {
            s.end + 1 < n
                && view.word(s.end) == ","
                && view.word(s.end + 1).bytes().all(|b| b.is_ascii_digit())
        };
        let referred_to = |s: &Span| {
            let sentence_end = (s.end..n).find(|&j| view.sent_start[j]).unwrap_or(n);
            let next_opener = view.lower_at(sentence_end);
            (s.end..sentence_end)
                .take_while(|&j| !people.iter().any(|p| p.first == j))
                .any(|j| PRONOUNS.contains(&view.lower[j].as_str()))
                || matches!(next_opener, "he" | "she")
        };
        let mut evidence: HashMap<&str, bool> = HashMap::default();
        for s in spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
        {
            let i = s.first;
            let w = view.word(i);
            // "The Turpins", after David and Louise Turpin: a family.
            let family = w
                .strip_suffix('s')
                .is_some_and(|one| full_name_words.contains(one));
            let someone = self.is_given_name(view, i)
                || self.surnames.contains(&view.lower[i])
                || full_name_words.contains(w)
                || family
                || role_before(view, i).is_some()
                || role_after(view, s.end).is_some()
                || speaks(s)
                || said_to_be_someone(s)
                || aged(s)
                || beside_someone(s)
                || referred_to(s)
                // "Erdoğan signs new law", a flash: other stories named him.
                || self.people.is_some_and(|p| p.knows_someone_by(w));
            *evidence.entry(w).or_insert(false) |= someone;
        }
        let mut no_one = HashSet::default();
        for s in spans
            .iter_mut()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
        {
            let w = view.word(s.first);
            if evidence.get(w) == Some(&false) {
                let g = view.gaz[s.first];
                // "Qantas" where other stories named the airline a body.
                let known_body = g.position() == 1 && g.has_any(BODIES)
                    || self.people.is_some_and(|p| p.knows_organisation(w));
                if known_body {
                    s.type_id = ORG;
                } else {
                    no_one.insert(w.to_string());
                }
            }
        }
        no_one
    }

    /// "The Brennan Center for Justice", "the Center for Strategic and
    /// International Studies", "the Committee to Protect Journalists": a
    /// body's name that ends in what kind of body it is goes on through
    /// "for", or "to" and an ordinary word, into the capitalised words of
    /// its purpose, "and" and "of" among them. The model often stops at
    /// the kind, leaving a bare "Center" or splitting the name in two.
    fn bodies_named_for_their_purpose(&self, view: &DocView, spans: &mut Vec<Span>) {
        const BODIES: &[&str] = &[
            "center",
            "centre",
            "centers",
            "centres",
            "committee",
            "office",
            "institute",
            "foundation",
            "council",
            "commission",
            "fund",
            "society",
            "alliance",
            "coalition",
            "league",
            "association",
            "agency",
            "bureau",
            "network",
            "campaign",
            "project",
            "partnership",
            "movement",
            "organization",
            "organisation",
            "federation",
            "trust",
        ];
        // Bodies that sit on a matter: "the Council on Foreign Relations",
        // "the Commission on Presidential Debates".
        const DELIBERATING: &[&str] = &["committee", "commission", "council", "conference"];
        let n = view.len();
        let name_word = |i: usize| i < n && view.is_capitalized(i) && !view.sent_start[i];
        let mut extended: Vec<(usize, usize)> = Vec::new();
        for s in spans.iter().filter(|s| s.type_id == ORG) {
            let joiner = s.end;
            let body = view.lower_at(s.end - 1);
            let joined = match view.lower_at(joiner) {
                "for" => BODIES.contains(&body),
                "to" => BODIES.contains(&body) && self.is_ordinary_word(view.word(joiner + 1)),
                "on" => DELIBERATING.contains(&body),
                _ => false,
            };
            if !joined || !name_word(joiner + 1) {
                continue;
            }
            let mut end = joiner + 1;
            loop {
                while name_word(end) {
                    end += 1;
                }
                if matches!(view.lower_at(end), "and" | "of" | "&") && name_word(end + 1) {
                    end += 1;
                } else {
                    break;
                }
            }
            // Not into another name that runs on past the purpose's end.
            if spans.iter().any(|o| o.first < end && o.end > end) {
                continue;
            }
            // "The Security Council on Syria", "the committee on Monday": a
            // matter sat on is named in two words or more, no place, day or
            // month among them.
            if view.lower_at(joiner) == "on"
                && (end - joiner < 3
                    || spans
                        .iter()
                        .any(|o| o.type_id == LOC && o.first < end && o.end > joiner)
                    || (joiner + 1..end).any(|k| crate::figures::is_day_or_month(view.lower_at(k))))
            {
                continue;
            }
            extended.push((s.first, end));
        }
        organisations_over(spans, extended);
    }

    /// "The attacker, identified as Sudesh Amman … Amman had scrawled":
    /// a lone word the model took for a place that is the surname of
    /// someone the story names in full is that person, where no mention of
    /// it puts anything in, at or from it ("born in Washington" beside
    /// "George Washington" stays the place).
    fn surnames_taken_for_places(&self, view: &DocView, spans: &mut [Span]) {
        let surnames: HashSet<&str> = spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first >= 2)
            .map(|s| view.word(s.end - 1))
            .filter(|w| w.chars().count() > 2)
            .collect();
        if surnames.is_empty() {
            return;
        }
        let placed = |i: usize| {
            i.checked_sub(1)
                .is_some_and(|j| LOCATIVES.contains(&view.lower[j].as_str()))
                // "Amman, Jordan": a place its region qualifies.
                || view.lower_at(i + 1) == ","
                    && spans.iter().any(|o| o.first == i + 2 && o.type_id == LOC)
        };
        let mut places: HashSet<&str> = HashSet::default();
        let mut candidates: HashSet<&str> = HashSet::default();
        for s in spans
            .iter()
            .filter(|s| s.type_id == LOC && s.end - s.first == 1)
        {
            let w = view.word(s.first);
            if surnames.contains(w) {
                if placed(s.first) {
                    places.insert(w);
                } else {
                    candidates.insert(w);
                }
            }
        }
        for s in spans.iter_mut() {
            if s.type_id == LOC
                && s.end - s.first == 1
                && candidates.contains(view.word(s.first))
                && !places.contains(view.word(s.first))
            {
                s.type_id = PERSON;
            }
        }
    }

    /// "Caloundra coach Geoff Ingram", "Maroochydore captain Sam Marshall":
    /// a story that names a side by its coach or captain reports a match.
    /// Those names, and the lone words it has beaten, beat another or
    /// played against ("a win over Maroochydore", "against Uni"), are the
    /// sides: clubs, mostly named after their towns, not the towns and
    /// not people. A country or a state keeps its place: a national side's
    /// story names the country as a place too.
    ///
    /// Returns where the sides' mentions start, for `resolve` to keep them
    /// bodies where a city's name acting would be the city.
    fn sides_of_a_match(&self, view: &DocView, spans: &mut [Span]) -> HashSet<usize> {
        let full_name_words = full_name_words(view, spans);
        let town_or_no_one = |s: &Span| match s.type_id {
            PERSON => {
                s.end - s.first == 1
                    && !self.is_given_name(view, s.first)
                    && !full_name_words.contains(view.word(s.first))
            }
            LOC => !self.is_country_or_state(span_text(view, s)),
            _ => false,
        };
        let mut sides: HashSet<&str> = spans
            .iter()
            .filter(|s| (s.type_id == ORG || town_or_no_one(s)) && leads_a_team(view, s.end))
            .map(|s| span_text(view, s))
            .collect();
        // The side led may be a word the model left untagged.
        let a_match = !sides.is_empty()
            || (1..view.len()).any(|end| view.is_capitalized(end - 1) && leads_a_team(view, end));
        if !a_match {
            return HashSet::default();
        }
        sides.extend(
            spans
                .iter()
                .filter(|s| s.end - s.first == 1 && town_or_no_one(s))
                .filter(|s| meets_another_side(view, s.first, s.end))
                .map(|s| span_text(view, s)),
        );
        let mut starts = HashSet::default();
        for s in spans.iter_mut() {
            if sides.contains(span_text(view, s)) && (s.type_id == ORG || town_or_no_one(s)) {
                s.type_id = ORG;
                starts.insert(s.first);
            }
        }
        starts
    }

    fn retype_lone_names(&self, view: &DocView, spans: &mut Vec<Span>) {
        // Every word of the full names of the story's people ("Bruno Mars",
        // "David Turpin"): a lone word that is one, or its plural ("the
        // Turpins"), is someone of the story.
        let name_words = full_name_words(view, spans);
        let of_someone = |w: &str| {
            [Some(w), w.strip_suffix('s'), w.strip_suffix("es")]
                .into_iter()
                .flatten()
                .any(|w| name_words.contains(w))
        };
        // Where each lone name's word stands, found once (the rules below
        // ask it of every lone name); only those words are looked for, by a
        // short linear search, as hashing every word of a story costs more.
        let mut positions: Vec<(&str, Vec<usize>)> = Vec::new();
        for s in spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
        {
            let w = view.word(s.first);
            if !positions.iter().any(|(p, _)| *p == w) {
                positions.push((w, Vec::new()));
            }
        }
        if !positions.is_empty() {
            for i in 0..view.len() {
                let w = view.word(i);
                if let Some((_, at)) = positions
                    .iter_mut()
                    .find(|(p, _)| p.len() == w.len() && *p == w)
                {
                    at.push(i);
                }
            }
        }
        let occurrences = |w: &str| -> &[usize] {
            positions
                .iter()
                .find(|(p, _)| *p == w)
                .map_or(&[], |(_, at)| at.as_slice())
        };
        let after_any = |i: usize, words: &[&str]| {
            i.checked_sub(1)
                .is_some_and(|j| words.contains(&view.lower[j].as_str()))
        };
        // "The Kurds were", "five Republicans", "two Argentinians": a plural
        // the story counts or sets apart with "the" at least as often as not
        // names a people or a party, no person ("Jobs said", once "the Jobs
        // era", stays him).
        let counted = |i: usize| {
            after_any(i, GROUP_DETERMINERS)
                || i.checked_sub(1)
                    .is_some_and(|j| view.word(j).bytes().all(|b| b.is_ascii_digit()))
        };
        for s in spans
            .iter_mut()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
        {
            let w = view.word(s.first);
            if w.len() > 3
                && w.ends_with('s')
                && !w.ends_with("ss")
                && !view.gaz[s.first].has(kind::FIRST_NAME)
                && !of_someone(w)
            {
                let (all, set_apart) = occurrences(w)
                    .iter()
                    .copied()
                    .fold((0, 0), |(all, n), i| (all + 1, n + usize::from(counted(i))));
                if set_apart > 0 && 2 * set_apart >= all || self.singular_before_a_noun(view, w) {
                    s.type_id = MISC;
                }
            }
        }
        // "Life on Mars": a planet the story puts things on or in is no one,
        // unless it is a name of someone in the story ("Bruno Mars").
        spans.retain(|s| {
            let w = view.word(s.first);
            !(s.type_id == PERSON
                && s.end - s.first == 1
                && self.gazetteer.names_celestial_body(w)
                && !view.gaz[s.first].has(kind::FIRST_NAME)
                && !of_someone(w)
                && occurrences(w)
                    .iter()
                    .copied()
                    .any(|i| after_any(i, LOCATIVES) || after_any(i, &["on"])))
        });
        // Whether a lone word is someone of the story: a word of a full name
        // or titled in any of its mentions ("Jackson said" after "Michael
        // Jackson" or "Justice Jackson" stays him).
        let someone = |w: &str| {
            of_someone(w)
                || occurrences(w)
                    .iter()
                    .copied()
                    .any(|j| role_before(view, j).is_some() || role_after(view, j + 1).is_some())
        };
        let countrywide = |name: &str| self.is_country_or_state(name);
        // A city the story puts something in or at, or calls a city ("the
        // words of Kennedy" are no place).
        let placed_city = |given: bool, w: &str| {
            !given
                && self
                    .gazetteer
                    .pick_town(w, &PlaceContext::default(), None)
                    .is_some_and(|p| p.population >= 100_000)
                && occurrences(w).iter().copied().any(|j| {
                    after_any(j, LOCATIVES)
                        || after_any(j, &["of"])
                            && j >= 2
                            && matches!(view.lower[j - 2].as_str(), "city" | "town" | "capital")
                })
        };
        let followed_by = |w: &str, kinds: &dyn Fn(&str) -> bool| {
            occurrences(w)
                .iter()
                .copied()
                .any(|j| view.lower.get(j + 1).is_some_and(|next| kinds(next)))
        };
        // What a lone name is, decided once per name (and given-name
        // mark): a surname may be mentioned dozens of times.
        // `None`: someone of the story, left alone; `Some(None)`: kept.
        let mut decided: HashMap<(&str, bool), Option<Option<u8>>> = HashMap::default();
        for s in spans
            .iter_mut()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
        {
            let w = view.word(s.first);
            let given = view.gaz[s.first].has(kind::FIRST_NAME);
            let decision = *decided.entry((w, given)).or_insert_with(|| {
                // "Unlike Senators, who serve six-year terms", "Senators
                // Kamala Harris and Elizabeth Warren": a title's plural is
                // the office's holders, no one.
                if view.lower[s.first]
                    .strip_suffix('s')
                    .is_some_and(|one| one.len() > 3 && is_title_word(one))
                {
                    return Some(Some(NO_ENTITY));
                }
                if someone(w) {
                    return None;
                }
                // "ALDI said", "the ALMA observatory": a word in capitals,
                // outside a line in capitals, is an organisation's name far
                // more often than a person's; "ZMapp", two capitals and then
                // small letters, is a product's.
                let capitals =
                    in_capitals(w) && w.chars().filter(|c| c.is_alphabetic()).count() >= 3;
                let in_capitals_line = |j: usize| {
                    (j > 0 && !view.sent_start[j] && in_capitals(view.word(j - 1)))
                        || (j + 1 < view.len()
                            && !view.sent_start[j + 1]
                            && in_capitals(view.word(j + 1)))
                };
                if capitals && !occurrences(w).iter().any(|&j| in_capitals_line(j)) {
                    return Some(Some(ORG));
                }
                let mut chars = w.chars();
                let product_case = chars.next().is_some_and(char::is_uppercase)
                    && chars.next().is_some_and(char::is_uppercase)
                    && w.chars().skip(2).all(char::is_lowercase)
                    && w.chars().count() >= 4;
                if product_case {
                    return Some(Some(MISC));
                }
                // "Politico reported", "Politico quoted Tim Manning": a
                // name the story only has report or quote, and never names
                // in full or titles, is a news outlet's, ordinary word or not.
                let reports =
                    !given && followed_by(w, &|next| matches!(next, "reported" | "quoted"));
                // "A Fellow of the Royal Society", "Drug makers rose": an
                // ordinary word capitalised is no one the story names, unless
                // the story has it speak ("Jobs said").
                if !given
                    && self.is_ordinary_word(w)
                    && !followed_by(w, &|next| SPEECH_VERBS.contains(&next))
                {
                    return Some(Some(if reports { ORG } else { NO_ENTITY }));
                }
                // "Tony Evers, a Democrat, said", "a Toronto man": a word
                // the story only ever counts as one of a kind names no one;
                // a big city's name so used is the city.
                let one_of_a_kind =
                    !given && occurrences(w).iter().all(|&j| after_any(j, &["a", "an"]));
                // "Korea substituted Park Joo-Ho", "a Nevada law", "the
                // Canadian city of Toronto": a country, a US state or a
                // city of 100,000 or more is the place.
                Some(if countrywide(w) || placed_city(given, w) {
                    Some(LOC)
                } else if one_of_a_kind {
                    let city = self
                        .gazetteer
                        .pick_town(w, &PlaceContext::default(), None)
                        .is_some_and(|p| p.population >= 100_000);
                    Some(if city { LOC } else { MISC })
                // "The Fedora operating system", "Android phones", "the
                // Kīlauea volcano": a word before what kind of thing it
                // is names that thing in every mention. So does one (no
                // given name) before a kind of people or tongue: "the Olmec
                // civilization", "the Moriori people", "the Chakri dynasty".
                // "Homo sapiens … Homo": a genus the story once writes
                // before its species is a living thing's name in every
                // mention (`retype_by_name` drops the mention before the
                // species itself).
                } else if followed_by(w, &|next| PRODUCT_KINDS.contains(&next))
                    || !given
                        && (followed_by(w, &|next| {
                            PEOPLES_AND_TONGUES.contains(&next) || EVENTS_AND_RULES.contains(&next)
                        }) || occurrences(w).iter().any(|&j| {
                            j + 1 < view.len() && self.is_species_epithet(view.word(j + 1))
                        }))
                {
                    Some(MISC)
                } else if reports {
                    Some(ORG)
                } else if followed_by(w, &names_natural_feature_after) {
                    Some(LOC)
                } else {
                    None
                })
            });
            let Some(retyped) = decision else {
                continue;
            };
            // The model's "Jersey" of "New Jersey" is the whole place.
            let with_word_before = s
                .first
                .checked_sub(1)
                .filter(|&j| view.is_capitalized(j) && !view.sent_start[s.first])
                .map(|j| &view.text[view.tokens[j].start..view.tokens[s.first].end]);
            if with_word_before.is_some_and(countrywide) {
                s.first -= 1;
                s.type_id = LOC;
            } else if let Some(type_id) = retyped {
                s.type_id = type_id;
            }
        }
        spans.retain(|s| s.type_id != NO_ENTITY);
    }

    /// "Korea Republic 2, Sweden 1": a team's score after a country's or a
    /// city's name is no part of it ("Area 51", no place of the gazetteer
    /// without its number, keeps it).
    fn scores_after_places(&self, view: &DocView, spans: &mut [Span]) {
        for s in spans
            .iter_mut()
            .filter(|s| matches!(s.type_id, LOC | ORG) && s.end - s.first >= 2)
        {
            let last = view.word(s.end - 1);
            let rest = &view.text[view.tokens[s.first].start..view.tokens[s.end - 2].end];
            if last.bytes().all(|b| b.is_ascii_digit()) && self.gazetteer.find_place(rest).is_some()
            {
                s.end -= 1;
                s.type_id = LOC;
            }
        }
    }

    /// "The Life and Liberty Party", "the Securities and Exchange Commission",
    /// "the Centers for Disease Control and Prevention": the model often
    /// stops an organisation's name at an "and" inside it. Two capitalised
    /// ordinary words either side of "and", neither an organisation's own
    /// word, join the name of two words or more on one side with the words
    /// on the other. Not where the name is a plural head shared by two
    /// bodies ("the State and Homeland Security Departments"), nor where the
    /// story names the first word with the name's head ("Democratic and
    /// Republican Party" beside "the Democratic Party").
    fn join_names_across_and(&self, view: &DocView, spans: &mut Vec<Span>) {
        let n = view.len();
        // A place's kind ("New York City and State") joins no name.
        const PLACE_KINDS: &[&str] = &["city", "state", "town", "republic", "kingdom"];
        // An ordinary word, or one no name of the gazetteer or lexicon is
        // and no given name ("Securities and Exchange Commission", "National
        // Oceanic and Atmospheric Administration"); "Ford and General
        // Motors" are two.
        let plain = |w: &str| {
            self.is_ordinary_word(w)
                || !in_capitals(w) && self.gazetteer.lookup(w).is_none() && !is_census_given_name(w)
        };
        let joinable = |i: usize| {
            i < n
                && view.is_capitalized(i)
                && !view.sent_start[i]
                && plain(view.word(i))
                && !is_org_word(&view.lower[i])
                && !is_title_word(view.lower[i].as_str())
                && !PLACE_WORDS.contains(&view.lower[i].as_str())
                && !PLACE_KINDS.contains(&view.lower[i].as_str())
        };
        // "Parties", "Departments", "committees": a head two bodies share
        // ("Services" is one body's word of its own).
        let shared_plural = |i: usize| {
            let lower = view.lower_at(i);
            !is_org_word(lower)
                && (lower
                    .strip_suffix("ies")
                    .is_some_and(|stem| is_org_word(&format!("{stem}y")))
                    || lower.strip_suffix('s').is_some_and(is_org_word))
        };
        spans.sort_by_key(|s| s.first);
        let span_at =
            |spans: &[Span], i: usize| spans.iter().position(|s| s.first <= i && i < s.end);
        let mut joins: Vec<(usize, usize)> = Vec::new();
        for s in spans.iter().filter(|s| s.type_id == ORG) {
            // Backward: "Life and [Liberty Party]".
            if s.end - s.first >= 2
                && s.first >= 2
                && view.lower[s.first - 1] == "and"
                && joinable(s.first - 2)
                && joinable(s.first)
                && !shared_plural(s.end - 1)
            {
                let before = s.first - 2;
                let shared_head = format!("{} {}", view.word(before), view.word(s.end - 1));
                // Joined over a word only because no name is it: the side
                // before must not be an organisation's whole name ("Linkin
                // Park and Avenged Sevenfold" are two bands).
                let unknown_word = [before, s.first]
                    .iter()
                    .any(|&i| !self.is_ordinary_word(view.word(i)));
                if !spans.iter().any(|o| span_text(view, o) == shared_head) {
                    let first = match span_at(spans, before) {
                        // A name the model made a place or a miscellaneous
                        // one ("Pacific Gas"), not a work's title with small
                        // words in it ("Once Upon a Time").
                        Some(k)
                            if spans[k].end == before + 1
                                && spans[k].type_id != PERSON
                                // Nor a body's name whose whole would
                                // have no body's word in it ("Linkin Park
                                // and Avenged Sevenfold").
                                && !((unknown_word || !has_org_word(view, spans[k].first, s.end))
                                    && spans[k].type_id == ORG
                                    && spans[k].end - spans[k].first >= 2)
                                && (spans[k].type_id != MISC
                                    || (spans[k].first..spans[k].end)
                                        .all(|i| view.is_capitalized(i))) =>
                        {
                            spans[k].first
                        }
                        Some(_) => continue,
                        None => {
                            let mut first = before;
                            while first > 0
                                && !view.sent_start[first]
                                && view.is_capitalized(first - 1)
                                && span_at(spans, first - 1).is_none()
                            {
                                first -= 1;
                            }
                            first
                        }
                    };
                    joins.push((first, s.end));
                    continue;
                }
            }
            // Forward: "[Centers for Disease Control] and Prevention".
            if s.end - s.first >= 2
                && s.end + 1 < n
                && view.lower[s.end] == "and"
                && joinable(s.end - 1)
                && joinable(s.end + 1)
            {
                // The words after may be untagged, what the model left a
                // miscellaneous name ("Prevention"), or an ordinary word it
                // took for someone alone ("Fire and Rescue").
                let free = |i: usize| {
                    span_at(spans, i).is_none_or(|k| {
                        let o = &spans[k];
                        o.type_id == MISC
                            || o.type_id == PERSON
                                && o.end - o.first == 1
                                && self.is_ordinary_word(view.word(o.first))
                    })
                };
                let mut end = s.end + 1;
                while end < n && view.is_capitalized(end) && !view.sent_start[end] && free(end) {
                    end += 1;
                }
                if end > s.end + 1
                    && !shared_plural(end)
                    && span_at(spans, end - 1).is_none_or(|k| spans[k].end <= end)
                {
                    joins.push((s.first, end));
                }
            }
        }
        organisations_over(spans, joins);
    }

    /// Whether token `i` could be a word of someone's name: capitalised (not
    /// all in capitals), letters, hyphens and apostrophes only, and no
    /// title or ordinary word.
    fn is_plain_name_word(&self, view: &DocView, i: usize) -> bool {
        let word = view.word(i);
        view.is_capitalized(i)
            && !in_capitals(word)
            && word
                .chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
            && !is_title(view, i)
            && !self.is_ordinary_word(word)
    }

    /// "Killed Qasem Soleimani … Soleimani was arriving": a name of two or
    /// three capitalised words the model gave no reader's type (MISC), ending
    /// in a word the story names a person by alone, is that person's full
    /// name. No word of it is a title, a people's name, a place's or an
    /// organisation's word, nor an ordinary word capitalised ("Why Islam",
    /// "CentOS Stream").
    fn misc_names_of_the_storys_people(&self, view: &DocView, spans: &mut [Span]) {
        // Words the story names a person by alone, and never anything else.
        let mut lone_people: HashSet<&str> = spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
            .map(|s| view.word(s.first))
            .collect();
        for s in spans
            .iter()
            .filter(|s| s.type_id != PERSON && s.end - s.first == 1)
        {
            lone_people.remove(view.word(s.first));
        }
        let plain_name_word = |i: usize| {
            self.is_plain_name_word(view, i)
                && !MISC_WORDS.contains(&view.lower[i].as_str())
                && ![kind::DEMONYM, kind::COUNTRY, kind::STATE, kind::CITY_LARGE]
                    .iter()
                    .any(|&k| view.gaz[i].has(k))
        };
        for s in spans.iter_mut().filter(|s| s.type_id == MISC) {
            // A saint's name is as often a church's or a painting's ("St
            // Jerome in his Study").
            let saint = matches!(view.lower[s.first].as_str(), "st" | "st." | "saint");
            if (2..=3).contains(&(s.end - s.first))
                && !saint
                && lone_people.contains(view.word(s.end - 1))
                && (s.first..s.end).all(plain_name_word)
                && !has_org_word(view, s.first, s.end)
            {
                s.type_id = PERSON;
            }
        }
    }

    /// "Nancy Pelosi, the Speaker": a given name the model took for the
    /// town of that name, with a surname, is a person's first name, whether
    /// the model's place span holds the surname or stops before it. The
    /// surname is one capitalised word, ending the name, that names no
    /// place, body, title or ordinary thing ("Nancy France", "Lincoln Park"
    /// stay places), and the two words are no place's name together; a
    /// person's span the model gave the surname alone is joined.
    fn given_names_taken_for_towns(&self, view: &DocView, spans: &mut Vec<Span>) {
        let n = view.len();
        let surname = |j: usize| {
            let lower = view.lower[j].as_str();
            self.is_plain_name_word(view, j)
                && !crate::places::names_a_kind_of_place(lower)
                && !crate::figures::is_day_or_month(lower)
                && !is_org_word(lower)
                && !view.gaz[j].has_any(NAMES_NO_ONE)
                && (j + 1 >= n || view.sent_start[j + 1] || !view.is_capitalized(j + 1))
        };
        let mut k = 0;
        while k < spans.len() {
            let s = spans[k];
            // "the Hang Seng", "in Carmel Valley": an article or a
            // preposition of place before the name puts a place there.
            let placed = s
                .first
                .checked_sub(1)
                .is_some_and(|b| matches!(view.lower[b].as_str(), "the" | "in" | "at" | "near"));
            let given = s.type_id == LOC && !placed && self.is_given_name(view, s.first);
            let words = s.end - s.first;
            if given && words == 2 && surname(s.first + 1) {
                let text = span_text(view, &s);
                if self
                    .gazetteer
                    .find_place(text)
                    .is_none_or(|f| f.name != text)
                {
                    spans[k].type_id = PERSON;
                }
            } else if given && words == 1 && s.end < n && !view.sent_start[s.end] && surname(s.end)
            {
                let j = s.end;
                match spans.get(k + 1) {
                    Some(next)
                        if next.first == j && next.type_id == PERSON && next.end == j + 1 =>
                    {
                        spans.remove(k + 1);
                    }
                    Some(next) if next.first == j => {
                        k += 1;
                        continue;
                    }
                    _ => {}
                }
                spans[k] = Span {
                    end: j + 1,
                    type_id: PERSON,
                    ..s
                };
            }
            k += 1;
        }
    }

    /// "Councillors Claudia Mo of the Civic Party": a given name and one
    /// more capitalised word the model left untagged (or took the given
    /// name alone for a thing), standing alone (no capitalised word either
    /// side), are someone's full name. Neither word may be a place, a
    /// people or an organisation the gazetteer knows (a small town may
    /// share the given name), an ordinary word, a title or a faith ("Roman
    /// Catholic").
    fn full_names_left_untagged(&self, view: &DocView, spans: &mut Vec<Span>) {
        let n = view.len();
        // A lone word the model called a thing ("Claudia") is as good as
        // untagged here.
        let lone_thing = |s: &Span| s.type_id == MISC && s.end - s.first == 1;
        let named: Vec<Span> = spans.iter().filter(|s| !lone_thing(s)).copied().collect();
        let covered = covered_tokens(view, &named);
        let mut added = Vec::new();
        for given in 0..n.saturating_sub(1) {
            let family = given + 1;
            let alone_before =
                given == 0 || view.sent_start[given] || !view.is_capitalized(given - 1);
            let alone_after = family + 1 >= n || !view.is_capitalized(family + 1);
            if covered[given]
                || covered[family]
                || !view.is_capitalized(given)
                || !view.is_capitalized(family)
                || !alone_before
                || !alone_after
                || view.sent_start[family]
                || !self.is_given_name(view, given)
                || !self.is_plain_name_word(view, given)
                || !self.is_plain_name_word(view, family)
                || view.gaz[family].has_any(NAMES_NO_ONE)
                // Many given names are small towns' too ("Crystal").
                || view.gaz[given].has_any(NAMES_NO_ONE & !kind::set(&[kind::CITY_SMALL]))
                || FAITHS_AND_PEOPLES_MEMBERS.contains(&view.word(family))
                || has_org_word(view, given, family + 1)
            {
                continue;
            }
            added.push(Span {
                first: given,
                end: family + 1,
                type_id: PERSON,
                from_rule: true,
            });
        }
        spans.retain(|s| {
            !(lone_thing(s)
                && added
                    .iter()
                    .any(|a: &Span| a.first <= s.first && s.end <= a.end))
        });
        spans.extend(added);
        spans.sort_by_key(|s| s.first);
    }

    /// "The death of Antonin Scalia", "the wife of Mo Jiao": after a noun
    /// said only of people and "of", a name the model took for a place, that
    /// no gazetteer knows and that ends in no place's word, is someone's.
    fn people_after_a_persons_noun(&self, view: &DocView, spans: &mut [Span]) {
        for s in spans.iter_mut().filter(|s| s.type_id == LOC) {
            let words = s.end - s.first;
            if s.first >= 2
                && (2..=3).contains(&words)
                && view.lower[s.first - 1] == "of"
                && PERSONS_NOUNS.contains(&view.lower[s.first - 2].as_str())
                && (s.first..s.end).all(|i| self.is_plain_name_word(view, i))
                && !PLACE_WORDS.contains(&view.lower[s.end - 1].as_str())
                && self.gazetteer.find_place(span_text(view, s)).is_none()
            {
                s.type_id = PERSON;
            }
        }
    }

    /// "US-based software company Red Hat", "news agency Fars", "online
    /// supermarket Ocado": a name the model left untagged right after a
    /// noun that says only bodies are so called is a body's, and the pass
    /// that gives one name one type carries it to its other mentions. The
    /// noun is written in lower case (a headline in title case says
    /// nothing by its casing), and a name opened by a title or a given
    /// name, or a day or month, is left ("the company Monday", "the
    /// company President Ana Lima").
    fn names_after_their_kind(&self, view: &DocView, spans: &mut Vec<Span>) {
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
            let runs_on = end < n && view.is_capitalized(end) && !view.sent_start[end];
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

    /// Someone the model ran into an organisation's name: "Alvin Yeung of
    /// Civic Party" and "Abderrahman Samba of Qatar" are a person of a body
    /// or a country; "United Nations Nikki Haley" and "House Nancy Pelosi"
    /// a body (or an office) and the person after it. A given name opens
    /// the person's part, which holds no organisation's word and is two or
    /// three capitalised words; the rest keeps the organisation's type, or
    /// a place's when it is one ("of Qatar").
    fn people_inside_organisations(&self, view: &DocView, spans: &mut Vec<Span>) {
        const PLACE_KINDS: [u8; 6] = [
            kind::COUNTRY,
            kind::STATE,
            kind::CONTINENT,
            kind::REGION,
            kind::CITY_LARGE,
            kind::DEMONYM,
        ];
        // Two or three capitalised words, and a surname's particles ("Ursula
        // von der Leyen"), opened by a given name that is no place's here:
        // "America" of "Make America Great Again", "Angeles" of "Los
        // Angeles Lakers" and "France" of "Air France A330" are given names
        // too.
        let names_someone = |first: usize, end: usize| {
            let particles = (first..end)
                .filter(|&i| JOINING_PARTICLES.contains(&view.word(i)))
                .count();
            (2..=3).contains(&(end - first - particles))
                && (self.is_given_name(view, first)
                    && !PLACE_KINDS.iter().any(|&k| view.gaz[first].has(k))
                    // "Cheng Chung-tai of Civic Passion": a family name (which
                    // may be a city's other name too), then a given name of
                    // two syllables joined by a hyphen.
                    || end - first == 2 && is_hyphenated_given_name(view.word(first + 1)))
                && (first..end).all(|i| {
                    JOINING_PARTICLES.contains(&view.word(i))
                        || view.is_capitalized(i)
                            && !in_capitals(view.word(i))
                            && !view.word(i).chars().any(|c| c.is_ascii_digit())
                })
                && view.is_capitalized(end - 1)
                && !has_org_word(view, first, end)
                && !view.gaz[end - 1].has(kind::ORG_SEEN)
        };
        let mut added = Vec::new();
        // A person's span opened by a body's name ("Senate Mitch McConnell",
        // "European Commission Ursula von der Leyen") is taken apart too,
        // before the rules make any name with a body's word an
        // organisation. A title inside ("US Secretary of State Mike
        // Pompeo", "Members of Parliament") is left to the passes that take
        // titles apart.
        for s in spans.iter_mut().filter(|s| {
            (s.type_id == ORG || s.type_id == PERSON && has_org_word(view, s.first, s.end))
                && s.end - s.first >= 3
                && !(s.first..s.end).any(|i| {
                    is_title(view, i) || matches!(view.lower[i].as_str(), "member" | "members")
                })
        }) {
            let of = (s.first + 2..s.end - 1).find(|&k| view.lower[k] == "of");
            if let Some(k) = of.filter(|&k| names_someone(s.first, k)) {
                let mut rest = Span {
                    first: k + 1,
                    end: s.end,
                    type_id: ORG,
                    from_rule: true,
                };
                if !has_org_word(view, rest.first, rest.end)
                    && self.is_country_or_state(span_text(view, &rest))
                {
                    rest.type_id = LOC;
                }
                added.push(rest);
                s.end = k;
                s.type_id = PERSON;
            } else if let Some(k) = (s.first + 1..s.end - 1).find(|&k| {
                names_someone(k, s.end)
                    && !matches!(
                        view.lower[k - 1].as_str(),
                        "of" | "and" | "for" | "&" | "the"
                    )
                    && view.is_capitalized(k - 1)
            }) {
                added.push(Span {
                    first: k,
                    end: s.end,
                    type_id: PERSON,
                    from_rule: true,
                });
                s.end = k;
                s.type_id = ORG;
            }
        }
        spans.extend(added);
        spans.sort_by_key(|s| s.first);
    }

    /// "NYC Mayor de Blasio", "Board Member Jennifer Homendy", "Sultan
    /// Qaboos of Oman": a title inside a span the model made a body, with a
    /// name after it, is a person's, and the span is taken apart. The name
    /// is one to three capitalised words (and a surname's particles), none
    /// a body's word, a word of the language or a name the lexicons hold as
    /// a body's: "General Electric" and "Queen Elizabeth Hospital" stay
    /// whole. The person keeps the title, for the rules that take titles
    /// off as roles; a place after "of" ("of Oman") becomes the place, and
    /// what stands before the title stays a body only where the lexicons or
    /// the story know it as one.
    fn people_after_a_title_inside_an_organisation(&self, view: &DocView, spans: &mut Vec<Span>) {
        let known_orgs: HashSet<&str> = spans
            .iter()
            .filter(|s| s.type_id == ORG)
            .map(|s| span_text(view, s))
            .collect();
        let name_word = |i: usize| {
            JOINING_PARTICLES.contains(&view.word(i))
                || view.is_capitalized(i)
                    && !in_capitals(view.word(i))
                    && !self.is_ordinary_word(view.word(i))
                    && !is_org_word(&view.lower[i])
                    && !is_title(view, i)
                    && !view.gaz[i].has_any(BODIES)
                    && !view.gaz[i].has(kind::COUNTRY)
                    && !view.gaz[i].has(kind::STATE)
        };
        let mut added = Vec::new();
        for s in spans.iter_mut() {
            if s.end - s.first < 2 || !matches!(s.type_id, ORG | PERSON) {
                continue;
            }
            let inside = (s.first..s.end - 1).find(|&k| {
                is_title(view, k) || matches!(view.lower[k].as_str(), "member" | "members")
            });
            // "Bishop Emeritus Dinualdo Gutierrez of Marbel": the title
            // stands just before the span, a word of it inside.
            let before = (s.first > 0 && is_title(view, s.first - 1)).then(|| s.first - 1);
            let Some(title) = inside.or(before) else {
                continue;
            };
            // A person's span is taken apart only where a body's word
            // stands before the title ("Board Member Jennifer Homendy").
            if s.type_id == PERSON && !(title > s.first && has_org_word(view, s.first, title)) {
                continue;
            }
            let title = (title + 1..s.end)
                .take_while(|&k| matches!(view.lower[k].as_str(), "emeritus" | "elect"))
                .last()
                .unwrap_or(title);
            let name_end = (title + 1..s.end)
                .find(|&k| view.lower[k] == "of")
                .unwrap_or(s.end);
            let words = name_end - (title + 1);
            if !(1..=3).contains(&words)
                || !(title + 1..name_end).all(name_word)
                || !view.is_capitalized(name_end - 1)
            {
                continue;
            }
            if name_end < s.end {
                let place = Span {
                    first: name_end + 1,
                    end: s.end,
                    type_id: LOC,
                    from_rule: true,
                };
                let text = span_text(view, &place);
                let a_place =
                    self.is_country_or_state(text) || self.gazetteer.find_place(text).is_some();
                if has_org_word(view, place.first, place.end) || !a_place {
                    continue;
                }
                added.push(place);
            }
            if title > s.first {
                let before = Span {
                    end: title,
                    from_rule: true,
                    ..*s
                };
                let known = (before.first..before.end).any(|i| view.gaz[i].has_any(BODIES))
                    || known_orgs.contains(span_text(view, &before));
                if known || has_org_word(view, before.first, before.end) {
                    added.push(before);
                }
            }
            // "Mayor de Blasio" is the surname alone, as the story's other
            // "de Blasio"s are, for them all to be the "Bill de Blasio" it
            // names in full.
            let after_particles = (title + 1..name_end)
                .find(|&i| !JOINING_PARTICLES.contains(&view.word(i)))
                .unwrap_or(title + 1);
            s.first = if after_particles > title + 1 {
                after_particles
            } else {
                title
            };
            s.end = name_end;
            s.type_id = PERSON;
            s.from_rule = true;
        }
        spans.extend(added);
        spans.sort_by_key(|s| s.first);
    }

    /// "One Hong Konger said", "Ethiopians Dejene Debela and Asefa
    /// Mengstu": a person's span that is a people's name (a demonym) is
    /// the people, no one, and one that opens with it before a name of two
    /// words or more is the name alone: the people say whence someone is.
    fn demonyms_are_no_one(&self, view: &DocView, spans: &mut [Span]) {
        for s in spans.iter_mut().filter(|s| s.type_id == PERSON) {
            let text = span_text(view, s);
            if self
                .gazetteer
                .lookup(text)
                .is_some_and(|e| e.demonym_of.is_some())
            {
                s.type_id = MISC;
            } else if s.end - s.first >= 3
                && view.gaz[s.first].has(kind::DEMONYM)
                && view.gaz[s.first].position() == 1
                && self
                    .gazetteer
                    .lookup(view.word(s.first))
                    .is_some_and(|e| e.demonym_of.is_some())
            {
                s.first += 1;
            }
        }
    }

    /// "Arab countries", "Republican senators", "Latino voters": whether
    /// the story sets the singular of plural `w` before a noun, as one does
    /// a people's or a party's name ("Arabs", "Republicans", "Latinos");
    /// a given name or a surname before a verb ("Adam said") is no such.
    fn singular_before_a_noun(&self, view: &DocView, w: &str) -> bool {
        const NO_NOUNS: &[&str] = &[
            "is", "was", "has", "had", "will", "would", "and", "or", "of", "in", "to", "who",
        ];
        let singulars: Vec<&str> = [w.strip_suffix("es"), w.strip_suffix('s')]
            .into_iter()
            .flatten()
            .filter(|one| one.chars().count() >= 3)
            .collect();
        (0..view.len().saturating_sub(1)).any(|i| {
            singulars.contains(&view.word(i))
                && !self.is_given_name(view, i)
                && view.word(i + 1).starts_with(char::is_lowercase)
                && !SPEECH_VERBS.contains(&view.lower[i + 1].as_str())
                && !NO_NOUNS.contains(&view.lower[i + 1].as_str())
        })
    }

    /// Whether token `i` is a given name: the census's, or one the
    /// training annotations give.
    fn is_given_name(&self, view: &DocView, i: usize) -> bool {
        view.gaz[i].has(kind::FIRST_NAME) || is_census_given_name(view.word(i))
    }

    /// Whether token `i`, capitalised, says what someone is: an ordinary
    /// word ("Historian", "Voter"), a practitioner's noun ("Violinist"), or
    /// a title of another language or office ([`FOREIGN_TITLES`]).
    fn describes_someone(&self, view: &DocView, i: usize) -> bool {
        let word = view.word(i);
        let lower = view.lower[i].as_str();
        !in_capitals(word)
            && word.starts_with(char::is_uppercase)
            && (self.is_ordinary_word(word)
                || FOREIGN_TITLES.contains(&lower)
                || is_practitioner(view, i))
    }

    /// Whether token `i` names a country or state, or its people
    /// ("Alaska", "Ethiopians").
    fn is_place_or_its_people(&self, view: &DocView, i: usize) -> bool {
        view.gaz[i].has(kind::COUNTRY)
            || view.gaz[i].has(kind::STATE)
            || view.gaz[i].has(kind::DEMONYM)
            || self.names_a_places_people(view.word(i), None)
    }

    /// Whether a capitalised word is written in lower case often enough in
    /// unlabelled news to have a word class of its own ("Branch"), or is
    /// one of the language's common words that are never names ("Bribery").
    fn is_ordinary_word(&self, word: &str) -> bool {
        let lower = word.to_lowercase();
        lower != word
            && (self.clusters.class(&lower).is_some() || self.common_words.contains(&lower))
    }

    /// Whether the word after a capitalised one reads as a species' Latin
    /// epithet ("sapiens", "aegypti", "aethiopicus"): in lower case, no
    /// English word, with a Latin ending.
    fn is_species_epithet(&self, word: &str) -> bool {
        const ENDINGS: &[&str] = &[
            "us", "um", "is", "ae", "ii", "ti", "ens", "ex", "ix", "ata", "ica", "ina", "ias",
        ];
        word.len() >= 4
            && word.bytes().all(|b| b.is_ascii_lowercase())
            && ENDINGS.iter().any(|e| word.ends_with(e))
            && !self.common_words.contains(word)
    }

    /// Whether a capitalised word is an ordinary word of the texts the word
    /// classes were learned from. Rules about places ask this narrower
    /// question: places are named in the language's words far more often
    /// than people are ("Eureka Springs", "Wind River Reservation").
    fn is_ordinary_word_of_the_texts(&self, word: &str) -> bool {
        let lower = word.to_lowercase();
        lower != word && self.clusters.class(&lower).is_some()
    }

    /// Whether a word names a person or the people of a place by its name
    /// and an ending: a city of 100,000 or more ("Parisians", "a
    /// Londoner", "Melbournians", "Montanans") or a country or state, with the word
    /// before it when the place's name has two ("a New Zealander", "Irani
    /// athletes").
    fn names_a_places_people(&self, word: &str, before: Option<&str>) -> bool {
        const ENDINGS: &[(&str, &str)] = &[
            ("ians", ""),
            ("ians", "e"),
            ("ian", ""),
            ("ian", "e"),
            ("ers", ""),
            ("er", ""),
            ("is", ""),
            ("i", ""),
            // "Montanans", "an Iowan": a place ending in "a", and "n".
            ("ns", ""),
            ("n", ""),
        ];
        ENDINGS.iter().any(|&(ending, restored)| {
            let Some(stem) = word.strip_suffix(ending) else {
                return false;
            };
            if ending.starts_with('n') && !stem.ends_with('a') {
                return false;
            }
            let stem = format!("{stem}{restored}");
            if stem.chars().count() < 4 {
                return false;
            }
            let city = || {
                self.gazetteer
                    .pick_town(&stem, &PlaceContext::default(), None)
                    .is_some_and(|p| p.population >= 100_000)
            };
            let two_words =
                || before.is_some_and(|b| self.is_country_or_state(&format!("{b} {stem}")));
            city() || self.is_country_or_state(&stem) || two_words()
        })
    }

    /// Whether a name is that of a country or a US state (or another
    /// country's first-level division).
    fn is_country_or_state(&self, name: &str) -> bool {
        self.gazetteer.find_place(name).is_some_and(|found| {
            self.gazetteer
                .readings(found.entry)
                .any(|p| matches!(p.kind, PlaceKind::Country | PlaceKind::State))
        })
    }

    /// The model was trained on names without titles; when it still takes a title in
    /// ("President Obama"), the title becomes the role.
    fn strip_titles(
        &self,
        view: &DocView,
        spans: &mut Vec<Span>,
        roles: &mut HashMap<usize, String>,
    ) {
        // The full names of the story's people by their surnames, for
        // "Democrat Spearman" beside "Patricia Ann Spearman".
        let full_names: Vec<(&str, &str)> = spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first >= 2)
            .map(|s| (view.word(s.end - 1), span_text(view, s)))
            .collect();
        for s in spans.iter_mut().filter(|s| s.type_id == PERSON) {
            // "First Lady Melania Trump", "Attorney General Bill Barr" where
            // the model's name begins inside the title: the title run that
            // ends before the name goes on into it.
            let title_runs_in = s.first > 0
                && !view.sent_start[s.first]
                && (is_title(view, s.first - 1)
                    || ROLE_MODIFIERS.contains(&view.lower[s.first - 1].as_str())
                        && view.is_capitalized(s.first - 1));
            // "Former First Lady Laura Bush": two or more capitalised role
            // words before a given name and a surname are a role with no
            // title word in it ("Air Force ROTC" is no role).
            let role_words = (s.first..s.end)
                .take_while(|&i| {
                    view.is_capitalized(i)
                        && ROLE_MODIFIERS.contains(&view.lower[i].as_str())
                        && !matches!(view.lower[i].as_str(), "of" | "the" | "and" | "for")
                })
                .count();
            let opens_with_role = title_runs_in
                || role_words >= 2
                    && s.end - s.first - role_words >= 2
                    && self.is_given_name(view, s.first + role_words);
            let mut first = s.first;
            while first + 1 < s.end
                && (is_title(view, first)
                    || first == s.first && is_plural_title(view, first)
                    || ROLE_MODIFIERS.contains(&view.lower[first].as_str())
                        && (first > s.first || opens_with_role && view.is_capitalized(first)))
            {
                first += 1;
            }
            // "Historian Darcy Richardson", "Podcaster Spike Cohen", "Voter
            // Kitty Mak", "Alaska Sarah Palin": a word that says what or
            // whence someone is, before a given name and a surname; or before
            // the surname alone of someone the story names in full
            // ("Democrat Spearman", "Cde Mugabe").
            if first == s.first && !self.is_given_name(view, first) {
                // A given name unknown to the lists follows a word that is
                // someone's trade only by its ending ("Violinist Brigit
                // O'Regan"): no given name ends so.
                let before_full_name = s.end - s.first >= 3
                    && (self.is_given_name(view, first + 1)
                        && (self.describes_someone(view, first)
                            || self.is_place_or_its_people(view, first))
                        || is_practitioner(view, first)
                        || names_a_doer(view, first));
                // Before a surname alone, an ordinary word is as often the
                // name's own ("De Zoysa", "Faithless Hijabi").
                let before_known_surname = s.end - s.first == 2
                    && (FOREIGN_TITLES.contains(&view.lower[first].as_str())
                        || is_practitioner(view, first))
                    && !self.is_ordinary_word(view.word(first + 1))
                    && full_names.iter().any(|&(surname, name)| {
                        surname == view.word(first + 1) && name != span_text(view, s)
                    });
                if before_full_name || before_known_surname {
                    first += 1;
                }
            }
            // "Kamloops RCMP Constable Gary Gray": a rank inside the name,
            // after words that are no given name and before a given name
            // and a surname, ends the role that opens it.
            if first == s.first
                && let Some(rank) = (s.first + 1..s.end.saturating_sub(2))
                    .find(|&k| is_rank(view, k) && self.is_given_name(view, k + 1))
                && !(s.first..rank).any(|i| self.is_given_name(view, i))
            {
                first = rank + 1;
            }
            // "Judge Durham Hall QC", "Helena Kennedy KC": letters after a
            // name say what its bearer is, no part of it.
            while s.end - first > 2 && POST_NOMINALS.contains(&view.word(s.end - 1)) {
                s.end -= 1;
            }
            // "General Electric", "General Dynamics": a title before one
            // word of the language that names no one is a company's name,
            // the title in it.
            let a_word_of_the_language = |i: usize| {
                self.is_ordinary_word(view.word(i))
                    && !self.surnames.contains(&view.lower[i])
                    && !self.is_given_name(view, i)
            };
            if s.end - first == 1 && a_word_of_the_language(first) {
                if first > s.first {
                    s.type_id = ORG;
                    continue;
                }
                if title_runs_in && is_title(view, s.first - 1) {
                    s.first -= 1;
                    s.type_id = ORG;
                    continue;
                }
            }
            if first > s.first && first < s.end {
                let mut role_start = s.first;
                while title_runs_in
                    && role_start > 0
                    && !view.sent_start[role_start]
                    && (is_title(view, role_start - 1)
                        || ROLE_MODIFIERS.contains(&view.lower[role_start - 1].as_str())
                            && view.is_capitalized(role_start - 1))
                {
                    role_start -= 1;
                }
                let role = view.text[view.tokens[role_start].start..view.tokens[first - 1].end]
                    .to_string();
                s.first = first;
                roles.insert(first, role);
            }
        }
        spans.retain(|s| s.first < s.end);
    }

    /// Types that the words of a name decide, whatever the model made of it: a name
    /// with an organisation's word in it ("University of Copenhagen", "Gazeta
    /// Wyborcza", "Acme Holdings") or ending in a country ("Ford Australia") is an
    /// organisation, a web address is one, a name ending in a place word ("Times
    /// Square", "Heathrow Airport") is a place; celestial bodies are no places,
    /// and stars and other stars' planets, named by designation ("AB
    /// Aurigae", "K2-18b"), no entity at all.
    fn retype_by_name(&self, view: &DocView, spans: &mut Vec<Span>) {
        spans.retain(|s| {
            let text = span_text(view, s);
            // "The great white shark (Carcharodon carcharias)": a genus
            // before its species names no one, no body and no place.
            let genus = s.end - s.first == 1
                && s.end < view.len()
                && self.is_species_epithet(view.word(s.end));
            !(genus
                || is_designated_body(strip_article(text))
                || (matches!(s.type_id, LOC | MISC)
                    // "The Solar System", "the International Space Station":
                    // no body of people either ("Mars" alone may be the
                    // confectioner, "Sun" the computer maker).
                    || s.type_id == ORG && s.end - s.first >= 2)
                    && self.gazetteer.names_celestial_body(text)
                || s.end - s.first == 1 && PRONOUNS.contains(&text))
        });
        // "Converted to Islam", "in Islam": a faith is no place or person;
        // "they still believe in Allah": nor is a god a place; nor are a
        // doctrine ("Marxism") or the plural of an acronym ("NGOs", "SUVs").
        for s in spans.iter_mut() {
            let last = view.word(s.end - 1);
            let doctrine = last.ends_with("ism") && last.chars().count() > 5;
            let acronyms = last.strip_suffix('s').is_some_and(|one| {
                one.chars().count() >= 2 && one.chars().all(|c| c.is_ascii_uppercase())
            });
            // "Guided by the Constitution", "under the Treaty": a
            // document, no body.
            let document = matches!(
                view.lower[s.end - 1].as_str(),
                "constitution" | "treaty" | "accord" | "accords" | "protocol" | "charter"
            );
            if s.end - s.first == 1
                && (RELIGIONS.contains(&last)
                    || doctrine
                    || acronyms
                    || document
                    || DISEASES.contains(&last)
                    || names_a_faiths_or_peoples_members(view, s.first))
                || matches!(s.type_id, LOC | ORG) && s.end - s.first <= 2 && DEITIES.contains(&last)
                || names_a_disease(view, s.end)
            {
                s.type_id = MISC;
            }
        }
        // A people's name: "American", "Americans" (its country's demonym).
        let demonym = |text: &str| {
            self.gazetteer
                .lookup(text)
                .is_some_and(|e| e.demonym_of.is_some())
        };
        // "Philippine officials", "Philippine President Ferdinand Marcos": a
        // country's name without its plural ending, before a word in lower
        // case or a title, is its adjective, whatever the model made of it
        // (place resolution makes it the country's).
        for s in spans.iter_mut().filter(|s| s.end - s.first == 1) {
            let word = view.word(s.first);
            let before_a_noun = s.end < view.len()
                && (view
                    .word(s.end)
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase)
                    || is_title(view, s.end));
            // "The Libyan ambassador" in a story that also names the Libyan
            // House of Representatives: a demonym the model made a body
            // before such a word is the country's too.
            if before_a_noun
                && (s.type_id == ORG && demonym(word)
                    || self.gazetteer.country_by_adjective(word).is_some())
            {
                s.type_id = LOC;
            }
        }
        // "Crowds gathered outside": a word that opens a sentence, is written in
        // lower case in running text and nowhere else capitalised here is no
        // one's name.
        spans.retain(|s| {
            !(s.type_id == PERSON
                && s.end - s.first == 1
                && view.is_ordinary_opener(s.first)
                && !view.gaz[s.first].has(kind::FIRST_NAME))
        });
        // "Americans", "Black Americans": a people, no person; the people's name
        // is its country's demonym.
        let plural_demonym = |i: usize| {
            let w = view.word(i);
            w.len() > 3 && w.ends_with('s') && demonym(w)
        };
        for s in spans
            .iter_mut()
            .filter(|s| matches!(s.type_id, PERSON | MISC))
        {
            let last = s.end - 1;
            // No one's name ends in a people's: the words before it describe
            // the people ("Black Americans", "Ancient Egyptians").
            if s.type_id == PERSON && plural_demonym(last) {
                s.first = last;
                s.type_id = MISC;
            }
            // "American Samoans": the people of American Samoa, not of Samoa.
            if s.type_id == MISC
                && s.first == last
                && s.first > 0
                && demonym(view.word(last))
                && demonym(&view.text[view.tokens[s.first - 1].start..view.tokens[last].end])
            {
                s.first -= 1;
            }
        }
        // "Melbournians", "a Londoner", "a New Zealander": a place's people, no
        // person.
        let surnames: HashSet<&str> = spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first >= 2)
            .map(|s| view.word(s.end - 1))
            .collect();
        for s in spans
            .iter_mut()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
        {
            let w = view.word(s.first);
            let before = s
                .first
                .checked_sub(1)
                .filter(|&j| view.is_capitalized(j) && !view.sent_start[s.first])
                .map(|j| view.word(j));
            if !surnames.contains(w)
                && !view.gaz[s.first].has(kind::FIRST_NAME)
                && self.names_a_places_people(w, before)
            {
                s.type_id = MISC;
            }
        }
        self.retype_lone_names(view, spans);
        // "Unlike Chrysler, Ford …": a sentence's opening word is no part of the
        // name after it.
        // A capitalised auxiliary opens a question ("((WSS)) Did Perttu Ahola work
        // alone?"), wherever the sentence splitter put its start.
        for s in spans.iter_mut().filter(|s| s.type_id != MISC) {
            // "Make Melbourne the first city to …": a slogan's verb before a
            // place the gazetteer knows, where it does not know the whole.
            let verb_before_a_place = s.end - s.first >= 2
                && IMPERATIVES.contains(&view.lower[s.first].as_str())
                && self.gazetteer.find_place(span_text(view, s)).is_none()
                && self
                    .gazetteer
                    .find_place(
                        &view.text[view.tokens[s.first + 1].start..view.tokens[s.end - 1].end],
                    )
                    .is_some();
            let opener = view.sent_start[s.first]
                && (SENTENCE_OPENERS.contains(&view.lower[s.first].as_str())
                    || verb_before_a_place)
                || view.is_capitalized(s.first)
                    && QUESTION_OPENERS.contains(&view.lower[s.first].as_str());
            if s.end - s.first >= 2 && opener {
                s.first += 1;
            }
        }
        // "Shares of Penske Auto rose", "Officials of the Red Cross said": who or
        // what belongs to a name is no part of it.
        for s in spans.iter_mut() {
            if s.end - s.first >= 3
                && PARTS_OF.contains(&view.lower[s.first].as_str())
                && view.lower[s.first + 1] == "of"
            {
                s.first += 2;
                if s.end - s.first >= 2 && view.lower[s.first] == "the" {
                    s.first += 1;
                }
            }
        }
        // "Wong Kwok-kin", "Lee Cheuk-yan": a hyphenated given name after a surname
        // belongs to the name.
        for s in spans.iter_mut().filter(|s| s.type_id == PERSON) {
            while s.end < view.len()
                && !view.sent_start[s.end]
                && is_hyphenated_given_name(view.word(s.end))
            {
                s.end += 1;
            }
        }
        // Words the story names a person by alone ("Street said").
        let lone_people: HashSet<&str> = spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
            .map(|s| view.lower[s.first].as_str())
            .collect();
        for s in spans.iter_mut() {
            let last = view.lower[s.end - 1].as_str();
            // "Doris Day", whom the story calls "Day" alone, is no holiday.
            let surname = s.type_id == PERSON
                && lone_people.contains(last)
                && self.is_given_name(view, s.first);
            if MISC_WORDS.contains(&last)
                && s.end - s.first >= 2
                && view.is_capitalized(s.end - 1)
                && !surname
            {
                s.type_id = MISC;
                continue;
            }
            // "County Mayo": an Irish county's name opens with its kind.
            if s.type_id == PERSON && s.end - s.first >= 2 && view.lower[s.first] == "county" {
                s.type_id = LOC;
                continue;
            }
            // "Tell Tamer and Ain Issa", "the Punta Ventana rock": a word
            // for a hill, a spring, a valley or a point opens a place's
            // name in Arabic and Spanish.
            if s.end - s.first >= 2
                && s.type_id == PERSON
                && !view.gaz[s.first].has(kind::FIRST_NAME)
                && matches!(
                    view.word(s.first),
                    "Tell" | "Ain" | "Deir" | "Kafr" | "Wadi" | "Jebel" | "Jabal" | "Punta"
                )
            {
                s.type_id = LOC;
                continue;
            }
            // "The Gulf of Oman", "the Bay of Bengal", "the Isle of Man": a
            // natural feature's kind, then "of", opens a place's name.
            if s.end - s.first >= 3
                && matches!(s.type_id, ORG | PERSON | LOC)
                && matches!(
                    view.lower[s.first].as_str(),
                    "gulf" | "bay" | "sea" | "strait" | "straits" | "isle" | "cape" | "lake"
                )
                && view.lower[s.first + 1] == "of"
            {
                s.type_id = LOC;
                continue;
            }
            if PLACE_WORDS.contains(&last) && s.end - s.first >= 2 {
                // "Upper Big Branch Mine", "Hoover Dam": a place word no one
                // bears as a surname ends a place, not a person.
                let org = s.type_id == ORG && !has_org_word(view, s.first, s.end - 1);
                // A place word that is also a surname ends a person's name
                // after a given name ("Della Street") or where the story
                // names the person by it alone ("Picabo Street … Street
                // said"), not after another word ("Wall Street expected 77
                // cents").
                let surname = PLACE_WORDS_AS_SURNAMES.contains(&last)
                    && (s.end - s.first > 2
                        || view.gaz[s.first].has(kind::FIRST_NAME)
                        || lone_people.contains(last));
                if org || s.type_id == PERSON && !surname {
                    s.type_id = LOC;
                }
                continue;
            }
            if s.type_id == ORG {
                continue;
            }
            let multi = s.end - s.first >= 2;
            // A given name before an organisation's word is a person only where the
            // word is also a surname ("Robert Service", not "Douglas Police"), and
            // no one says "the" before a person's name.
            let person_name = s.type_id == PERSON
                && s.end - s.first == 2
                && view.gaz[s.first].has(kind::FIRST_NAME)
                && SURNAME_ORG_WORDS.contains(&last)
                && s.first
                    .checked_sub(1)
                    .is_none_or(|j| view.lower[j] != "the");
            let org_head = multi && view.is_capitalized(s.end - 1) && ORG_HEADS.contains(&last);
            let org_word = multi
                && !person_name
                && (org_head
                    || has_org_word(view, s.first, s.end)
                    || NATIONAL_ADJECTIVES_IN_THEIR_LANGUAGE.contains(&view.word(s.first)));
            // A lone organisation's word ("the Army said") names no one.
            let lone_org = s.type_id == PERSON
                && !multi
                && view.is_capitalized(s.first)
                && is_org_word(last)
                && !SURNAME_ORG_WORDS.contains(&last);
            let web = s.end - s.first == 1 && is_web_address(view.word(s.first));
            if org_word || lone_org || web || self.is_subsidiary(view, s) {
                s.type_id = ORG;
            }
        }
    }

    /// "Transport for London (TfL)": capitalised words whose initials are the
    /// capitals of the acronym after them are one name, an organisation unless the
    /// gazetteer knows it as a place, wherever the model missed it or took a
    /// part of it alone.
    fn name_spelled_out_acronyms(&self, view: &DocView, spans: &mut Vec<Span>) {
        let n = view.len();
        let mut added = Vec::new();
        for k in 1..n.saturating_sub(2) {
            if view.word(k) != "(" || view.word(k + 2) != ")" {
                continue;
            }
            let acronym = view.word(k + 1);
            let capitals: Vec<char> = acronym.chars().filter(|c| c.is_uppercase()).collect();
            if capitals.len() < 2 || !acronym.chars().all(char::is_alphanumeric) {
                continue;
            }
            // Back from the bracket over the name's words, matching the acronym's
            // capitals from its last; particles ("for", "of the") go between.
            let mut first = k;
            let mut left = capitals.len();
            while left > 0 && first > 0 {
                let w = view.word(first - 1);
                let initial = w.chars().next().filter(|c| c.is_uppercase());
                if initial == Some(capitals[left - 1]) {
                    left -= 1;
                } else if !NAME_PARTICLES.contains(&view.lower[first - 1].as_str()) || first == k {
                    break;
                }
                first -= 1;
                if view.sent_start[first] {
                    break;
                }
            }
            if left > 0 || k - first < 2 || spans.iter().any(|s| s.first == first && s.end == k) {
                continue;
            }
            let name = &view.text[view.tokens[first].start..view.tokens[k - 1].end];
            // "End of Life (EOL)", "High Performance Computing (HPC)": a
            // name of the language's words, none a body's, that no list
            // knows for a body, is a thing's.
            let a_things = || {
                !has_org_word(view, first, k)
                    && self.gazetteer.lookup(name).is_none_or(|e| e.org.is_none())
                    && (first..k)
                        .filter(|&i| view.is_capitalized(i))
                        .all(|i| self.is_ordinary_word(view.word(i)))
            };
            // "Divisional Railway Manager (DRM)", "Chief Operating Officer
            // (COO)": an office spelled out is someone's role, no body, and
            // so is its acronym ("the NSA" after "National Security
            // Adviser (NSA)" is no agency).
            let office = is_office(view, k - 1);
            let type_id = if self.gazetteer.find_place(name).is_some() {
                LOC
            } else if office || a_things() {
                MISC
            } else {
                ORG
            };
            added.push(Span {
                first,
                end: k,
                type_id,
                from_rule: false,
            });
        }
        if added.is_empty() {
            return;
        }
        spans.retain(|s| !added.iter().any(|a| s.first < a.end && a.first < s.end));
        spans.extend(added);
        spans.sort_by_key(|s| s.first);
    }

    /// "Dolgellau, Harlech, Barmouth and Bala": a lone word the model took
    /// for a person, listed next to a place and itself a place the
    /// gazetteer knows, is a place like the rest of its list, unless someone
    /// of the story bears the name. One the gazetteer does not know
    /// ("Harlech") needs the list to go on past it with another name.
    fn names_listed_with_their_kind(&self, view: &DocView, spans: &mut [Span]) {
        listed_among(view, spans, LOC, |w| self.gazetteer.find_place(w).is_some());
        // "Greenpeace, Oxfam, Amnesty International and Avaaz": a list of
        // organisations goes on only with organisations; no lexicon of
        // them is at hand to know one alone.
        listed_among(view, spans, ORG, |_| false);
    }

    /// "Allen, Texas", "Kamloops, British Columbia": a name before a comma and
    /// the state, province or country it names a town of is that town, where
    /// the model took it for a person (Allen is a given name) or anything else.
    fn towns_before_their_region(&self, view: &DocView, spans: &mut [Span]) {
        for k in 1..spans.len() {
            let (a, b) = (spans[k - 1], spans[k]);
            if a.type_id == LOC
                || b.type_id != LOC
                || b.first != a.end + 1
                || view.word(a.end) != ","
                || a.type_id == ORG && has_org_word(view, a.first, a.end)
                || a.first > 0 && is_title(view, a.first - 1)
            {
                continue;
            }
            if self
                .gazetteer
                .is_town_in(span_text(view, &a), span_text(view, &b))
            {
                spans[k - 1].type_id = LOC;
            }
        }
    }

    /// "Ford Australia", "Orange Polska", "Air France": a name followed by a country
    /// names a company's branch, unless the whole is a place ("South Africa"), the
    /// first words only say which part of the country ("Southern Poland"), or they
    /// are a place in that country ("Kyiv Ukraine").
    fn is_subsidiary(&self, view: &DocView, s: &Span) -> bool {
        if s.end - s.first < 2 || !view.is_capitalized(s.first) {
            return false;
        }
        let gaz = self.gazetteer;
        let last = s.end - 1;
        let g = view.gaz[last];
        if !(g.position() == 1 && g.has(kind::COUNTRY))
            || gaz.find_place(span_text(view, s)).is_some()
        {
            return false;
        }
        let Some(country) = gaz
            .find_place(view.word(last))
            .and_then(|f| gaz.country_reading(f.entry))
        else {
            return false;
        };
        let head = &view.text[view.tokens[s.first].start..view.tokens[last - 1].end];
        let in_country = gaz
            .find_place(head)
            .is_some_and(|f| gaz.readings(f.entry).any(|p| p.country == country.country));
        !crate::places::is_direction(view.word(s.first)) && !in_country
    }

    /// "Orange Polska" found as a name and a country side by side is one company's
    /// branch (see [`Self::is_subsidiary`]).
    fn merge_branches(&self, view: &DocView, spans: &mut Vec<Span>) {
        spans.sort_by_key(|s| s.first);
        let mut k = 0;
        while k + 1 < spans.len() {
            let (a, b) = (spans[k], spans[k + 1]);
            let merged = Span {
                first: a.first,
                end: b.end,
                type_id: ORG,
                from_rule: false,
            };
            if a.end == b.first
                && !view.tokens[b.first].newline_before
                && a.type_id != MISC
                && b.end - b.first == 1
                && self.is_subsidiary(view, &merged)
            {
                spans[k] = merged;
                spans.remove(k + 1);
            }
            k += 1;
        }
    }

    /// Demonyms become NORP; unmistakable place names and well-known organisations the
    /// model left untagged are added.
    fn add_gazetteer_spans(&self, view: &DocView, spans: &mut Vec<Span>) {
        let mut covered = covered_tokens(view, spans);
        let mut i = 0;
        while i < view.len() {
            let g = view.gaz[i];
            if !g.is_begin() {
                i += 1;
                continue;
            }
            let mut end = i + 1;
            while end < view.len()
                && view.gaz[end].position() == 3
                && view.gaz[end].entry == g.entry
            {
                end += 1;
            }
            let entry = self.gazetteer.entry(g.entry);
            // Provinces share their names with people ("Isabel"): one needs the
            // sentence to put something in it.
            let us_state = || {
                self.gazetteer
                    .readings(entry)
                    .any(|p| p.kind == PlaceKind::State)
            };
            let placed = end - i >= 2
                || i.checked_sub(1)
                    .is_some_and(|j| LOCATIVES.contains(&view.lower[j].as_str()));
            let strong_place = g.has(kind::COUNTRY)
                || g.has(kind::CONTINENT)
                || g.has(kind::STATE) && (placed || us_state());
            // A well-known organisation's name beats whatever the model made of the
            // words inside it ("General Motors" is no general called Motors), and so
            // does a country's name of several words ("DR Congo").
            let org = entry.org.is_some() && !strong_place;
            let country = g.has(kind::COUNTRY) && end - i >= 2;
            if (org || country) && view.is_capitalized(i) {
                let inside = |s: &Span| s.first >= i && s.end <= end;
                let spills = spans
                    .iter()
                    .any(|s| s.first < end && i < s.end && !inside(s));
                if !spills {
                    spans.retain(|s| !inside(s));
                    covered[i..end].iter_mut().for_each(|c| *c = false);
                }
            }
            let free = covered[i..end].iter().all(|c| !c);
            if free && view.is_capitalized(i) {
                let type_id = if entry.org.is_some() && !strong_place {
                    Some(ORG)
                } else if strong_place && (end - i >= 2 || !view.lower_is_common(i)) {
                    Some(LOC)
                } else if entry.demonym_of.is_some() {
                    Some(MISC)
                } else {
                    None
                };
                if let Some(type_id) = type_id {
                    spans.push(Span {
                        first: i,
                        end,
                        type_id,
                        from_rule: true,
                    });
                }
            }
            i = end;
        }
    }

    /// One name, one type: every mention of a name takes the type it was given most
    /// often, and a name the story calls an organisation somewhere ("the retailer
    /// X", "X's shares") is one everywhere, unless it is a known place.
    fn unify_types(&self, view: &DocView, spans: &mut [Span]) {
        let mut votes: HashMap<&str, [usize; 5]> = HashMap::default();
        let mut cued: HashSet<&str> = HashSet::default();
        let mut placed: HashSet<&str> = HashSet::default();
        let mut works: HashSet<&str> = HashSet::default();
        let mut teams: HashSet<&str> = HashSet::default();
        let mut personed: HashSet<&str> = HashSet::default();
        let full_name_words = full_name_words(view, spans);
        for (k, s) in spans.iter().enumerate() {
            let text = span_text(view, s);
            if !s.from_rule {
                votes.entry(text).or_default()[s.type_id as usize] += 1;
            }
            // "Demosisto's Nathan Law", "Nathan Law of Demosisto": a lone
            // word the model took for a person, that someone of the story
            // belongs to, is the body (or the place) they belong to. Not a
            // given name, nor a word of anyone's full name ("Jordan's
            // Michael Jordan" is too rare to guess at).
            // "The mayor of Denver": an office's place, given name or not.
            if s.type_id == PERSON
                && s.end - s.first == 1
                && !full_name_words.contains(view.word(s.first))
            {
                let place = self.gazetteer.find_place(text).is_some();
                let (someones, an_offices) = what_holds_someone(view, spans, k);
                if an_offices && place {
                    placed.insert(text);
                    continue;
                }
                if (someones || an_offices) && !self.is_given_name(view, s.first) {
                    if place {
                        placed.insert(text);
                    } else {
                        cued.insert(text);
                    }
                    continue;
                }
            }
            // "Chancellor Angela Merkel's spokesperson", "Elon Musk's
            // shares": the words after a person's full name the model gave
            // do not make a body of it; people have spokespeople and
            // shares too. An appositive still does ("X, a company that").
            let someones_full_name = s.type_id == PERSON
                && s.end - s.first >= 2
                && self.is_given_name(view, s.first)
                && !has_org_word(view, s.first, s.end)
                && !(s.first..s.end).any(|i| in_capitals(view.word(i)))
                // "Echo Investment": a word of trade ends a firm's name.
                && (!self.is_ordinary_word(view.word(s.end - 1))
                    || role_before(view, s.first).is_some());
            let cued_here = if someones_full_name {
                org_cue_beyond_words(view, s)
            } else {
                org_cue(view, s)
            };
            if cued_here {
                cued.insert(text);
            } else if apposition_headed_by(view, s.end, |w| APPOSITIVE_PLACE_HEADS.contains(&w)) {
                placed.insert(text);
            } else if apposition_headed_by(view, s.end, |w| APPOSITIVE_PERSON_HEADS.contains(&w))
                // "born in Paris, the daughter of": after a preposition the
                // appositive is the sentence's subject's.
                && !s.first.checked_sub(1).is_some_and(|j| {
                    matches!(
                        view.lower[j].as_str(),
                        "in" | "from" | "at" | "of" | "to" | "near" | "into" | "on"
                    )
                })
            {
                personed.insert(text);
            } else if s.type_id == LOC
                && s.first
                    .checked_sub(1)
                    .is_some_and(|j| view.lower[j] == "band")
                && self.gazetteer.find_place(text).is_none()
            {
                // "The rock band Grateful Dead", a place to the model.
                teams.insert(text);
            } else if s.type_id == PERSON && s.end - s.first == 1 {
                let before = s.first.checked_sub(1).map(|j| view.lower[j].as_str());
                if before == Some("band") || leads_a_team(view, s.end) {
                    teams.insert(text);
                } else if names_a_work(view, s.first) {
                    works.insert(text);
                }
            }
        }
        // Unless someone of the story bears the name: "Eddie Van Halen" of
        // the band Van Halen, "the film Bob Lazar" about him.
        works.retain(|w| !full_name_words.contains(w));
        teams.retain(|w| !full_name_words.contains(w));
        for s in spans.iter_mut().filter(|s| !s.from_rule) {
            let text = span_text(view, s);
            // "A movie called Argo": a title, no one, in every mention; "the
            // rock band Cream" and "Wynnum coach Matt Myers" name a band and a
            // team, even where the team bears a town's name.
            if works.contains(text) {
                s.type_id = MISC;
                continue;
            }
            if teams.contains(text) {
                s.type_id = ORG;
                continue;
            }
            if cued.contains(text) && self.gazetteer.find_place(text).is_none() {
                s.type_id = ORG;
                continue;
            }
            if placed.contains(text) && !cued.contains(text) {
                s.type_id = LOC;
                continue;
            }
            // "Valeska Paris, an Australian woman": a person in every mention.
            if personed.contains(text) && !cued.contains(text) {
                s.type_id = PERSON;
                continue;
            }
            if let Some(counts) = votes.get(text)
                && let Some((t, &c)) = counts.iter().enumerate().max_by_key(|(_, c)| **c)
                && c > counts[s.type_id as usize]
            {
                s.type_id = t as u8;
            }
        }
    }

    /// Web addresses the model left untagged ("Index.hu reported") name sites.
    fn add_web_addresses(&self, view: &DocView, spans: &mut Vec<Span>) {
        let covered = covered_tokens(view, spans);
        for i in (0..view.len()).filter(|&i| !covered[i]) {
            if view.is_capitalized(i) && is_web_address(view.word(i)) {
                spans.push(Span {
                    first: i,
                    end: i + 1,
                    type_id: ORG,
                    from_rule: true,
                });
            }
        }
    }

    /// Datelines at the start of a paragraph ("GENEVA —", "VALPARAÍSO, Chile —",
    /// "WASHINGTON (Reuters) -") are places whatever the model made of them.
    fn datelines(&self, view: &DocView, spans: &mut Vec<Span>) -> Vec<(Span, Dateline)> {
        let mut out = Vec::new();
        for i in 0..view.len() {
            if !(i == 0 || view.tokens[i].newline_before) {
                continue;
            }
            let Some((place, qualifier)) = dateline_at(view, i) else {
                continue;
            };
            let mut found = Vec::new();
            for (r, is_place) in [(Some(place), true), (qualifier, false)] {
                let Some(r) = r else { continue };
                spans.retain(|s| s.end <= r.start || s.first >= r.end);
                let s = Span {
                    first: r.start,
                    end: r.end,
                    type_id: LOC,
                    from_rule: true,
                };
                spans.push(s);
                found.push((s, is_place));
            }
            let text_of = |s: &Span| {
                (
                    view.tokens[s.first].cstart,
                    view.tokens[s.end - 1].cend,
                    span_text(view, s).to_string(),
                )
            };
            if let Some(&(place, _)) = found.first() {
                out.push((
                    place,
                    Dateline {
                        place: text_of(&place),
                        qualifier: found.get(1).map(|(q, _)| text_of(q)),
                    },
                ));
            }
        }
        out
    }

    /// A place name the gazetteer does not know is often no place: a place run
    /// into the name after it ("United States Hamdullah Mohib", a caption without
    /// punctuation) is split, a person's name ("Alice Mak") is a person, what is
    /// published or written in is a journal or a language, an organisation's
    /// name before another is its product, a plural is a group, ordinary words
    /// are no name, and a lone unknown
    /// word is kept as a place only where the sentence puts it somewhere ("in
    /// Styles", "the town of Yeoncheon"), or is someone where it speaks.
    fn repair_unknown_places(&self, view: &DocView, spans: &mut Vec<Span>) {
        let gaz = self.gazetteer;
        let mut added = Vec::new();
        // The people the story calls by one name ("Cengiz said"): an unknown
        // place with that surname ("Hatice Cengiz", "Park Won-soon") is that
        // person.
        let called_so: HashSet<&str> = spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
            .map(|s| view.word(s.first))
            .collect();
        // The story's organisations by a name of one word ("Ford", "Amazon").
        let companies: HashSet<&str> = spans
            .iter()
            .filter(|s| s.type_id == ORG && s.end - s.first == 1)
            .map(|s| view.word(s.first))
            .collect();
        // "According to Forbes", "in an interview with Forbes": a source
        // is no place, unless it is a country, a state or a city of
        // 100,000 or more ("according to Iran"); the model reads a place
        // after "to" and "with".
        for s in spans
            .iter_mut()
            .filter(|s| s.type_id == LOC && !s.from_rule)
        {
            let word_back = |k: usize| s.first.checked_sub(k).map_or("", |j| view.lower_at(j));
            // The name ends the phrase: "according to Windsor Locks police"
            // and "Windsor Locks' first selectman" are the town's.
            let ends_phrase = s.end == view.len()
                || matches!(
                    view.word(s.end),
                    "," | "." | ";" | ":" | ")" | "!" | "?" | "—" | "–"
                );
            let a_source = ends_phrase
                && matches!(
                    (word_back(2), word_back(1)),
                    ("according", "to") | ("interview", "with") | ("interviewed", "by")
                );
            let text = span_text(view, s);
            let a_place_of_note = || {
                self.is_country_or_state(text)
                    || gaz
                        .pick_town(text, &PlaceContext::default(), None)
                        .is_some_and(|p| p.population >= 100_000)
            };
            if a_source && !a_place_of_note() {
                s.type_id = ORG;
            }
        }
        spans.retain_mut(|s| {
            if s.type_id != LOC || s.from_rule || gaz.find_place(span_text(view, s)).is_some() {
                return true;
            }
            // "The iconic Ford Falcon", "the Amazon Kindle": an organisation
            // of the story, then a name, is what it makes, unless the last word
            // says a place ("Ford Field").
            if s.end - s.first >= 2
                && companies.contains(view.word(s.first))
                && !PLACE_WORDS.contains(&view.lower[s.end - 1].as_str())
            {
                s.type_id = MISC;
                return true;
            }
            // "The model was published in Nature", "a script written in
            // Python": what was published in a name the gazetteer lacks is a
            // journal or a publisher, and what is written in one a language.
            // "Published on Monday in": the verb may stand a few words back
            // in the same clause.
            let after_in = s.first >= 2 && view.lower[s.first - 1] == "in";
            let published_in = after_in
                && (s.first.saturating_sub(6)..s.first - 1)
                    .rev()
                    .take_while(|&j| !matches!(view.word(j), "," | "." | ";" | ":"))
                    .any(|j| matches!(view.lower[j].as_str(), "published" | "appeared"));
            let written_in = after_in
                && matches!(
                    view.lower[s.first - 2].as_str(),
                    "written" | "coded" | "programmed" | "implemented"
                );
            if let Some(type_id) = match (published_in, written_in) {
                (true, _) => Some(ORG),
                (_, true) => Some(MISC),
                _ => None,
            } {
                s.type_id = type_id;
                return true;
            }
            // "Marty McFly from Back to the Future", "to report to Cabinet",
            // "the adults-only Costume Ball": ordinary words capitalised,
            // none of which says a site, name no place. One word alone is
            // asked of the language's words ("the Fedora project", "alternatives
            // to Slack"); a name of several, of the texts' only, as places
            // are named in the language's words ("Eureka Springs").
            let (first, last) = (view.lower[s.first].as_str(), view.lower[s.end - 1].as_str());
            let lone = s.end - s.first == 1;
            if (s.first..s.end).all(|i| {
                let w = view.word(i);
                !in_capitals(w)
                    && if lone {
                        self.is_ordinary_word(w)
                    } else {
                        self.is_ordinary_word_of_the_texts(w)
                    }
            }) && !PLACE_WORDS.contains(&last)
                && !names_a_site(first, last)
            {
                return false;
            }
            let len = s.end - s.first;
            // "O.J. Simpson": no place is named by initials, and the credit
            // of a caption ("Image: Andrew Gray") names who took it.
            let initials = |w: &str| {
                let mut parts = w.split_terminator('.');
                w.ends_with('.')
                    && parts.clone().count() <= 3
                    && parts.all(|p| p.chars().count() == 1 && p.chars().all(char::is_uppercase))
            };
            let credited = s.first >= 2
                && view.word(s.first - 1) == ":"
                && PHOTO_CREDIT_LABELS.contains(&view.word(s.first - 2));
            if len >= 2
                && (initials(view.word(s.first)) && gaz.find_place(view.word(s.first)).is_none()
                    || credited && !has_org_word(view, s.first, s.end))
            {
                s.type_id = PERSON;
                return true;
            }
            if len == 1 {
                // "Recaptured from Houthis" beside "an anti-Houthi force",
                // "resistance from Muslims" beside "Muslim women": a plural
                // whose singular the story writes is a group of people.
                let word = view.word(s.first);
                if let Some(one) = word.strip_suffix('s')
                    && !one.ends_with('s')
                    && one.chars().count() >= 3
                    && (0..view.len()).any(|j| {
                        let w = view.word(j);
                        w == one || w.rsplit_once('-').is_some_and(|(_, tail)| tail == one)
                    })
                {
                    s.type_id = MISC;
                    return true;
                }
                // "Philippine officials": the country's adjective.
                if gaz.country_by_adjective(word).is_some() {
                    return true;
                }
                // "Bizheva said": no place speaks. A word shaped as a
                // person's name, not "PG&E".
                if word.chars().all(char::is_alphabetic)
                    && !in_capitals(word)
                    && view
                        .lower
                        .get(s.end)
                        .is_some_and(|w| SPEECH_VERBS.contains(&w.as_str()))
                {
                    s.type_id = PERSON;
                    return true;
                }
                let before = s.first.checked_sub(1).map(|j| view.lower[j].as_str());
                let after_comma_place = s.end + 1 < view.len()
                    && view.word(s.end) == ","
                    && gaz.qualifier_place(view.word(s.end + 1)).is_some();
                // "The Kīlauea volcano": the word after says what place it is.
                let feature_after = view
                    .lower
                    .get(s.end)
                    .is_some_and(|w| names_natural_feature_after(w));
                return before.is_some_and(|w| LOCATIVES.contains(&w))
                    || after_a_place_noun(view, s.first)
                    || after_comma_place
                    || feature_after;
            }
            let prefix = (s.first + 1..s.end).rev().find(|&k| {
                let head = &view.text[view.tokens[s.first].start..view.tokens[k - 1].end];
                gaz.find_place(head).is_some()
            });
            if let Some(k) = prefix
                && view.is_capitalized(k)
                && !PLACE_WORDS.contains(&view.lower[s.end - 1].as_str())
                // "Blenheim Palace", "Linwood Mosque", "Sandy Point": a word
                // saying what kind of place it is ends a place named for a
                // town, which is that place, not the town.
                && !PLACES_NAMED_FOR_TOWNS.contains(&view.lower[s.end - 1].as_str())
            {
                if s.end - k >= 2 && !has_org_word(view, k, s.end) {
                    added.push(Span {
                        first: k,
                        end: s.end,
                        type_id: PERSON,
                        from_rule: false,
                    });
                }
                s.end = k;
                return true;
            }
            // The surname last, or first before a hyphenated given name.
            let last = view.word(s.end - 1);
            let surname = if last.contains('-') {
                view.word(s.first)
            } else {
                last
            };
            let someone_called = called_so.contains(surname)
                && gaz.find_place(surname).is_none()
                && !has_org_word(view, s.first, s.end);
            let last = view.lower[s.end - 1].as_str();
            if len <= 3
                && (view.gaz[s.first].has(kind::FIRST_NAME) || someone_called)
                && !PLACE_WORDS.contains(&last)
                && !PLACES_NAMED_FOR_TOWNS.contains(&last)
            {
                s.type_id = PERSON;
            }
            true
        });
        spans.extend(added);
    }

    /// "The Obama administration", "the Biden campaign": a lone name before
    /// a word for what a leader leads or runs is the leader's, not a town of
    /// that name (Obama in Japan). A country, a region or a city of 100,000
    /// or more so named is still the place ("the Texas administration", "the
    /// Paris campaign"), and so is a word of the language ("the City
    /// administration").
    fn leaders_named_for_what_they_lead(&self, view: &DocView, spans: &mut [Span]) {
        for s in spans
            .iter_mut()
            .filter(|s| s.type_id == LOC && s.end - s.first == 1)
        {
            let led = view.lower.get(s.end).is_some_and(|w| {
                matches!(w.as_str(), "administration" | "presidency" | "campaign")
            });
            if !led {
                continue;
            }
            let word = view.word(s.first);
            let a_big_place = self.gazetteer.find_place(word).is_some_and(|found| {
                self.gazetteer.readings(found.entry).any(|p| {
                    p.population >= 100_000
                        || !matches!(
                            p.kind,
                            PlaceKind::City | PlaceKind::Town | PlaceKind::County
                        )
                })
            });
            if !a_big_place && !self.is_ordinary_word(word) {
                s.type_id = PERSON;
            }
        }
    }

    /// "Mike McCready of Pearl Jam", "Doug Miller of Milltech Marine": a
    /// name right after someone's full name and "of" is what the person
    /// belongs to, a body (or a place the gazetteer knows), not a second
    /// person.
    fn bodies_someone_is_of(&self, view: &DocView, spans: &mut [Span]) {
        for k in 1..spans.len() {
            let (a, b) = (spans[k - 1], spans[k]);
            let of = a.end + 1 == b.first && view.lower[a.end] == "of"
                || a.end + 2 == b.first
                    && view.lower[a.end] == "of"
                    && view.lower[a.end + 1] == "the";
            if !(of && a.type_id == PERSON && a.end - a.first >= 2 && b.type_id == PERSON) {
                continue;
            }
            spans[k].type_id = if self.gazetteer.find_place(span_text(view, &b)).is_some() {
                LOC
            } else {
                ORG
            };
        }
    }

    /// Within-story coreference for people: a later "Roe" (or an earlier one) is the
    /// "Jane Roe" of the story; a surname the model typed ORG/LOC, or left untagged,
    /// becomes that person.
    fn link_people(&self, view: &DocView, spans: &mut Vec<Span>) {
        let mut name_parts: HashSet<&str> = HashSet::default();
        // Surnames, which may be title words ("John Major", "Martin Luther
        // King Jr."): a later "Major said" is him, not a rank.
        let mut surnames: HashSet<&str> = HashSet::default();
        for s in spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first >= 2)
        {
            surnames.insert(surname_of(view, s));
            for part in standalone_words(view, s) {
                if part.chars().filter(|c| c.is_alphabetic()).count() >= 2
                    && !PRONOUNS.contains(&part)
                {
                    name_parts.insert(part);
                }
            }
        }
        // A country's name alone ("signed by Burma and its neighbours") is the
        // country, though the census lists it as a given name too, unless a
        // person of the story has it in their name.
        for s in spans
            .iter_mut()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
        {
            let g = view.gaz[s.first];
            if g.has(kind::COUNTRY) && g.is_begin() && !name_parts.contains(view.word(s.first)) {
                s.type_id = LOC;
            }
        }
        if name_parts.is_empty() {
            return;
        }
        // "Red Hat" in a story of the company and of a "Red Hatter": a word
        // of someone's name that opens a longer name the story gives
        // something else is that name's, which tags it further on.
        let longer_names: Vec<Vec<&str>> = spans
            .iter()
            .filter(|s| s.type_id != PERSON && s.end - s.first >= 2)
            .map(|s| (s.first..s.end).map(|j| view.word(j)).collect())
            .collect();
        let opens_a_longer_name = |i: usize| {
            longer_names.iter().any(|name| {
                i + name.len() <= view.len()
                    && name.iter().enumerate().all(|(k, w)| view.word(i + k) == *w)
            })
        };
        let mut covered = vec![false; view.len()];
        for s in spans.iter_mut() {
            if s.end - s.first == 1
                && s.type_id != PERSON
                && !s.from_rule
                && name_parts.contains(view.word(s.first))
            {
                let g = view.gaz[s.first];
                if !(g.has(kind::COUNTRY) || g.has(kind::STATE)) {
                    s.type_id = PERSON;
                }
            }
            covered[s.first..s.end].iter_mut().for_each(|c| *c = true);
        }
        for (i, &taken) in covered.iter().enumerate() {
            if !taken
                && view.is_capitalized(i)
                && name_parts.contains(view.word(i))
                && !view.lower_is_common(i)
                && !opens_a_longer_name(i)
                && (!is_title(view, i)
                    || surnames.contains(view.word(i))
                        && i.checked_sub(1).is_none_or(|p| view.lower[p] != "the"))
            {
                spans.push(Span {
                    first: i,
                    end: i + 1,
                    type_id: PERSON,
                    from_rule: true,
                });
            }
        }
    }

    fn resolve(
        &self,
        view: &DocView,
        spans: &[Span],
        learned: &Learned,
        datelines: &[(Span, Dateline)],
        dateline: Option<&Entity>,
    ) -> Vec<Entity> {
        let Learned {
            roles,
            short_names,
            sides,
            completed,
        } = learned;
        let gaz = self.gazetteer;
        // Full names of the story's people, for surname and first-name mentions.
        let mut full_names: HashMap<&str, &str> = HashMap::default();
        for s in spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first >= 2)
        {
            let full = span_text(view, s);
            for part in standalone_words(view, s) {
                full_names.entry(part).or_insert(full);
            }
            // "Rocky De La Fuente" is "De La Fuente" further on.
            if let Some(i) =
                (s.first + 1..s.end - 1).find(|&i| CAPITALISED_PARTICLES.contains(&view.word(i)))
            {
                let tail = &view.text[view.tokens[i].start..view.tokens[s.end - 1].end];
                full_names.entry(tail).or_insert(full);
            }
        }
        // "[Phil] Gramm … Gramm": a name completed in brackets is full too.
        for full in completed.values() {
            let words: Vec<&str> = full.split(' ').collect();
            for part in name_standalone_words(&words) {
                full_names.entry(part).or_insert(full);
            }
        }
        // "Ricardo Rosselló Nevares" is "Rosselló" further on: a name of
        // two surnames is shortened to the first, where no one else of the
        // story bears that word first or last.
        for s in spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first >= 3)
        {
            let first_surname = s.end - 2;
            let word = view.word(first_surname);
            if view.is_capitalized(first_surname)
                && view.is_capitalized(s.end - 1)
                && word.chars().count() > 2
                && word.chars().any(char::is_lowercase)
                && !word.ends_with('.')
                && !view.gaz[first_surname].has(kind::FIRST_NAME)
            {
                full_names.entry(word).or_insert(span_text(view, s));
            }
        }
        // "Erdogan" is "Recep Tayyip Erdoğan" further on: a name written
        // without its accents is the same person's, unless it folds to the
        // names of two people.
        let mut folded_names: HashMap<String, Option<&str>> = HashMap::default();
        for (&part, &full) in &full_names {
            folded_names
                .entry(crate::gazetteer::fold_ascii(part).into_owned())
                .and_modify(|known| {
                    if *known != Some(full) {
                        *known = None;
                    }
                })
                .or_insert(Some(full));
        }
        let full_name_of = |text: &str| {
            full_names.get(text).copied().or_else(|| {
                folded_names
                    .get(crate::gazetteer::fold_ascii(text).as_ref())
                    .copied()
                    .flatten()
            })
        };
        // Acronyms spelled out in the story: "Organization for Security and
        // Co-operation in Europe (OSCE)".
        let mut acronyms: HashMap<&str, &str> = HashMap::default();
        for s in spans.iter().filter(|s| s.type_id == ORG) {
            if s.end + 2 < view.len() && view.word(s.end) == "(" && view.word(s.end + 2) == ")" {
                let acr = view.word(s.end + 1);
                if acr
                    .chars()
                    .all(|c| c.is_uppercase() || c == '.' || c == '&')
                {
                    acronyms.insert(acr, span_text(view, s));
                }
            }
        }

        // The story's context: the dateline, then places that are clear on their own.
        let mut ctx = PlaceContext {
            dateline_country: dateline.and_then(|e| e.country.clone()),
            ..PlaceContext::default()
        };
        for (span, d) in datelines {
            let q = d.qualifier.as_ref().and_then(|q| gaz.qualifier_place(&q.2));
            if let Some(f) = gaz.find_place(span_text(view, span))
                && let Some((p, _)) = gaz.pick_place(&f, &ctx, q, true)
            {
                ctx.dateline_country
                    .get_or_insert_with(|| p.country.clone());
            }
        }
        let qualifiers = self.qualifiers(view, spans);
        // Each place name the story qualifies, with its qualifier; none
        // where two mentions qualify it differently.
        let mut qualified_names: HashMap<&str, Option<&crate::gazetteer::Place>> =
            HashMap::default();
        for s in spans.iter().filter(|s| s.type_id == LOC) {
            if let Some(&q) = qualifiers.get(&s.first) {
                qualified_names
                    .entry(span_text(view, s))
                    .and_modify(|known| {
                        if known.is_some_and(|k| !std::ptr::eq(k, q)) {
                            *known = None;
                        }
                    })
                    .or_insert(Some(q));
            }
        }
        // Names each country's places alone bear, for the corroboration below.
        let mut only_in: HashMap<&str, HashSet<&str>> = HashMap::default();
        for s in spans
            .iter()
            .filter(|s| matches!(s.type_id, LOC | MISC | ORG))
        {
            let text = span_text(view, s);
            let Some(f) = gaz.find_place(text) else {
                continue;
            };
            // The one country all the name's readings lie in, if so.
            let mut readings = gaz.readings(f.entry);
            let sole_country = readings
                .next()
                .map(|first| first.country.as_str())
                .filter(|c| readings.all(|r| r.country == *c));
            if let Some(country) = sole_country.filter(|c| !c.is_empty()) {
                only_in.entry(country).or_default().insert(text);
            }
            if let Some(d) = f.entry.demonym_of {
                ctx.add(&gaz.places[d as usize]);
            }
            let q = qualifiers.get(&s.first).copied();
            // A name all of whose readings lie in one country ("Hong Kong",
            // the territory and its city) places the story there, however
            // close its readings.
            if let Some((p, lead)) = gaz.pick_place(&f, &PlaceContext::default(), q, false)
                && (lead >= 2.5 || sole_country.is_some())
                && !gaz.rivalled_abroad(&f, p)
                && (q.is_some() || !is_small_town(p))
            {
                ctx.add(p);
            }
        }
        // Two different names that only one country's places bear put the
        // story there though neither is clear alone: "Bangalore" and
        // "Mysore", each a city's other name or a small district, are
        // India; a lone "Parkinson" is no evidence of Australia.
        for (country, names) in only_in {
            if names.len() >= 2 {
                ctx.countries.insert(country.to_string());
            }
        }

        let dateline_starts: HashSet<usize> = datelines.iter().map(|(s, _)| s.first).collect();
        // "Defunding the Police", "Time magazine", "the Liberal party": an
        // ordinary word capitalised is no small town of its name (Police in
        // Poland, Time in Norway, Liberal in Kansas) unless the story
        // qualifies it ("Mobile, Alabama"); a big city keeps it ("Reading").
        // Nor is a word in capitals outside a dateline ("the DAX", "the
        // agency ISNA"): news writes a small town's name so only there.
        let names_no_small_town = |s: &Span, text: &str| {
            let capitals = in_capitals(text) && !dateline_starts.contains(&s.first);
            s.end - s.first == 1
                && (self.is_ordinary_word_of_the_texts(text) || capitals)
                && gaz
                    .find_place(text)
                    .is_some_and(|f| !gaz.has_big_reading(&f))
        };
        let mut out = Vec::with_capacity(spans.len());
        for s in spans {
            let text = span_text(view, s);
            let t0 = &view.tokens[s.first];
            let t1 = &view.tokens[s.end - 1];
            let mut e = Entity::mention(EntityType::Person, t0.cstart, t1.cend, text);
            match s.type_id {
                PERSON => {
                    if (s.end - s.first == 1 || CAPITALISED_PARTICLES.contains(&view.word(s.first)))
                        && let Some(full) = full_name_of(text)
                    {
                        e.canonical = full.to_string();
                    }
                    if let Some(name) = without_sentence_stop(&e.canonical) {
                        e.canonical = name.to_string();
                    }
                    if let Some(full) = completed.get(&s.first) {
                        e.canonical.clone_from(full);
                    }
                    e.role = roles.get(&s.first).cloned();
                    e.id = entity_id("person", &e.canonical);
                }
                ORG => {
                    e.kind = EntityType::Org;
                    // "Mahan" alone is "Mahan Air", named in full.
                    let full = short_names.get(&s.first).copied();
                    let written = full.unwrap_or(text);
                    let name = without_legal_suffix(strip_article(written));
                    // "The Guardian" is known with its article.
                    let entry = gaz
                        .lookup(without_legal_suffix(written))
                        .filter(|en| en.org.is_some())
                        .or_else(|| gaz.lookup(name));
                    if let Some(expansion) = acronyms.get(text) {
                        e.canonical = expansion.to_string();
                    } else if let Some(org) = entry.and_then(|en| en.org) {
                        e.canonical = org.to_string();
                    } else if let Some(f) = gaz.find_place(name)
                        && f.entry.org.is_none()
                        // "Mahan" of "Mahan Air" is no town in Iran.
                        && full.is_none()
                        // "Maroochydore defeated Caboolture": the clubs.
                        && !sides.contains(&s.first)
                        // "The news agency Fars" is no province.
                        && !s.first.checked_sub(1).is_some_and(|j| {
                            ORG_CUES_BEFORE.contains(&view.lower[j].as_str())
                                && !view.is_capitalized(j)
                        })
                        // "Northwestern University" is no part of a town
                        // called University ("College Station" is a city).
                        && !is_org_word(&name.to_lowercase())
                        && (f.name == name || !has_org_word(view, s.first, s.end))
                        // "The Liberal party" is no town called Liberal.
                        && !names_no_small_town(s, name)
                        && let Some((p, _)) =
                            gaz.pick_place(&f, &ctx, qualifiers.get(&s.first).copied(), false)
                        && !matches!(p.kind, PlaceKind::Town | PlaceKind::County)
                    {
                        // A country or city acting as an agent ("Sweden said", "Moscow
                        // denied") is still a place to a reader.
                        e.kind = EntityType::Loc;
                        gaz.fill_place(&mut e, p);
                        out.push(e);
                        continue;
                    } else {
                        e.canonical = small_words_in_lower_case(&gaz.org_name(name));
                    }
                    if let Some(one) = one_of_bodies_sharing_a_head(view, s, &e.canonical) {
                        e.canonical = one;
                    } else if names_with_its_article(view, s)
                        && !e.canonical.contains(' ')
                        && !acronyms.contains_key(text)
                    {
                        e.canonical = format!("The {}", e.canonical);
                    }
                    e.id = entity_id("org", &e.canonical);
                }
                LOC => {
                    e.kind = EntityType::Loc;
                    // "The Rio Grande river", "the Ottawa river": the river, not
                    // the town of its name, which may lie a continent away;
                    // "the Kīlauea volcano" is a natural feature though the
                    // gazetteer lacks it.
                    // "Preston, Victoria, Australia … the Melbourne suburb
                    // of Preston": a name the story qualifies once is that
                    // place wherever it stands alone.
                    let q = qualifiers
                        .get(&s.first)
                        .copied()
                        .or_else(|| qualified_names.get(text).copied().flatten());
                    let next = view.lower_at(s.end);
                    let town = || gaz.pick_town(text, &ctx, q);
                    // "Victoria station" in a London story: the station, not
                    // Victoria in Hong Kong; "Paris airport" in a French story is
                    // at Paris.
                    let reason = if names_natural_feature_after(next)
                        && (town().is_some() || gaz.find_place(text).is_none())
                    {
                        Some(NATURAL_FEATURE)
                    } else if matches!(next, "station" | "airport" | "stadium")
                        && town().is_some_and(|p| !ctx.admits(p))
                    {
                        Some(FACILITY)
                    } else {
                        None
                    };
                    if q.is_none() && names_no_small_town(s, text) {
                        continue;
                    }
                    // "The Hang Seng index": a word cut from a longer name
                    // the model did not take whole (the capitalised word
                    // after it is in no name of a person, organisation or
                    // place), which only some town's other name is, is no
                    // place.
                    if s.end < view.len()
                        && view.is_capitalized(s.end)
                        && !spans
                            .iter()
                            .any(|o| o.type_id != MISC && o.first <= s.end && s.end < o.end)
                        && gaz.only_other_names(text)
                    {
                        continue;
                    }
                    if let Some(reason) = reason {
                        leave_unresolved(&mut e, reason);
                    } else {
                        gaz.resolve_place(&mut e, &ctx, q, dateline_starts.contains(&s.first));
                        // "The Northern District of Texas", "the Southern
                        // District of New York": a part of a US state is not
                        // Israel's district of that name, and has no point
                        // of its own.
                        if e.unresolved.is_none()
                            && let Some(whole) = self.place_it_is_part_of(view, spans, s.end, &ctx)
                            && e.country.as_deref() != Some(whole.country.as_str())
                        {
                            leave_unresolved(&mut e, PART_OF_ELSEWHERE);
                            e.country = Some(whole.country.clone());
                        }
                    }
                }
                _ => {
                    // MISC is not reported, except demonyms, which name their place,
                    // and the names of countries, states and continents.
                    let g = view.gaz[s.first];
                    let whole = g.position() == 1 || s.end - s.first >= 2;
                    let strong =
                        g.has(kind::COUNTRY) || g.has(kind::STATE) || g.has(kind::CONTINENT);
                    if let Some(d) = gaz.lookup(text).and_then(|en| en.demonym_of) {
                        e.kind = EntityType::Norp;
                        gaz.fill_place(&mut e, &gaz.places[d as usize]);
                    } else if strong && whole && gaz.lookup(text).is_some() {
                        e.kind = EntityType::Loc;
                        gaz.resolve_place(&mut e, &ctx, None, false);
                    } else {
                        continue;
                    }
                }
            }
            out.push(e);
        }
        link_short_company_names(&mut out);
        let mentions = CountryMentions::new(&out, ctx.dateline_country.as_deref());
        name_bare_institutions(&mut out, &mentions);
        name_national_bodies(gaz, &mut out, &mentions);
        name_generic_bodies(gaz, &mut out, &mentions);
        out
    }

    /// The country, state or province a place is said to be part of by "of"
    /// after it ("the Northern District of Texas").
    fn place_it_is_part_of<'g>(
        &'g self,
        view: &DocView,
        spans: &[Span],
        end: usize,
        ctx: &PlaceContext,
    ) -> Option<&'g crate::gazetteer::Place> {
        if view.lower.get(end).is_none_or(|w| w.as_str() != "of") {
            return None;
        }
        let next = spans
            .iter()
            .find(|s| s.first == end + 1 && s.type_id == LOC)?;
        let found = self.gazetteer.find_place(span_text(view, next))?;
        // A country, state or province of the name, in a country of the
        // story's if it has one there: "Georgia" after US places is the
        // state, "New York" the state, not the city.
        self.gazetteer
            .readings(found.entry)
            .filter(|p| {
                matches!(
                    p.kind,
                    PlaceKind::Country | PlaceKind::State | PlaceKind::Province
                )
            })
            .max_by_key(|p| (ctx.countries.contains(&p.country), p.population))
    }

    /// Places qualified by the place after them ("Paris, Texas", "Perth,
    /// Scotland"), unless both are items of a list, or by a place's
    /// possessive before them ("London's Hyde Park", which lies in London's
    /// country).
    fn qualifiers<'g>(
        &'g self,
        view: &DocView,
        spans: &[Span],
    ) -> HashMap<usize, &'g crate::gazetteer::Place> {
        let gaz = &self.gazetteer;
        let mut out = HashMap::default();
        // "Boston, Chicago, Los Angeles, Dubai, and": a place between two
        // commas of a list, and the one after it, are two of the list.
        let in_a_list = |a: &Span, b: &Span| {
            a.first > 0
                && view.word(a.first - 1) == ","
                && b.end < view.len()
                && matches!(view.lower[b.end].as_str(), "," | "and" | "or" | "&")
        };
        for w in spans.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            if matches!(a.type_id, LOC | ORG)
                && b.type_id == LOC
                && b.first == a.end + 1
                && view.word(a.end) == ","
                && !in_a_list(a, b)
                && let Some(q) = gaz.qualifier_place(span_text(view, b))
            {
                out.insert(a.first, q);
            } else if a.type_id == LOC
                && b.type_id == LOC
                && b.first == a.end + 1
                && after_possessive(view, a.end) == b.first
            {
                let owner = span_text(view, a);
                let q = gaz.qualifier_place(owner).or_else(|| {
                    let found = gaz.find_place(owner)?;
                    let (p, _) = gaz.pick_place(&found, &PlaceContext::default(), None, false)?;
                    gaz.country(&p.country)
                });
                if let Some(q) = q {
                    out.insert(b.first, q);
                }
            }
        }
        out
    }
}

/// Legal forms that the same company is named with and without: "Apple Inc."
/// and "Apple" are one organisation.
const LEGAL_SUFFIXES: &[&str] = &[
    "Inc.", "Inc", "Corp.", "Corp", "Co.", "Ltd.", "Ltd", "Limited", "plc", "PLC", "Plc", "LLC",
    "LLP", "AG", "SA", "S.A.", "NV", "N.V.", "BV", "B.V.", "GmbH", "SE", "A/S", "ASA", "AB", "Oyj",
    "SpA", "S.p.A.", "Bhd", "PJSC",
];

/// Words a company's full name ends with that its short form leaves out:
/// "Salling Group" is "Salling" further on, "General Motors Corporation"
/// "General Motors", "Apple Computer" "Apple", "Tesla Motors" "Tesla".
const COMPANY_WORDS: &[&str] = &[
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
fn link_short_company_names(entities: &mut [Entity]) {
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
struct CountryMentions {
    by_country: HashMap<String, usize>,
    all: usize,
}

impl CountryMentions {
    fn new(entities: &[Entity], dateline_country: Option<&str>) -> Self {
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
fn name_bare_institutions(entities: &mut [Entity], mentions: &CountryMentions) {
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
fn name_national_bodies(
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
const KINDS_OF_BODY: &[&str] = &[
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
fn name_generic_bodies(gazetteer: &Gazetteer, entities: &mut [Entity], mentions: &CountryMentions) {
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
fn without_legal_suffix(name: &str) -> &str {
    let Some((head, last)) = name.rsplit_once(' ') else {
        return name;
    };
    if LEGAL_SUFFIXES.contains(&last) {
        head.trim_end_matches([',', ' '])
    } else {
        name
    }
}

fn span_text<'t>(view: &DocView<'t>, s: &Span) -> &'t str {
    &view.text[view.tokens[s.first].start..view.tokens[s.end - 1].end]
}

/// A dateline starting at token `i`: an all-capitals place ("GENEVA", "NEW YORK"),
/// an optional qualifier after a comma ("Chile"), an optional agency in brackets,
/// then a dash. Returns the token ranges of the place and the qualifier.
fn dateline_at(
    view: &DocView,
    i: usize,
) -> Option<(std::ops::Range<usize>, Option<std::ops::Range<usize>>)> {
    let n = view.len();
    let caps = |j: usize| {
        let w = view.word(j);
        w.chars().any(char::is_alphabetic) && !w.chars().any(char::is_lowercase)
    };
    let mut j = i;
    while j < n && j - i < 5 && caps(j) && !view.tokens[j].newline_before || j == i && caps(j) {
        j += 1;
    }
    if j == i || view.word(i).chars().filter(|c| c.is_alphabetic()).count() < 2 {
        return None;
    }
    let place = i..j;
    let mut qualifier = None;
    let is_month = |k: usize| crate::figures::MONTHS.contains(&view.lower[k].as_str());
    if j < n && view.word(j) == "," && j + 1 < n && !is_month(j + 1) {
        let q0 = j + 1;
        let mut q1 = q0;
        while q1 < n && q1 - q0 < 4 && view.is_capitalized(q1) && !view.tokens[q1].newline_before {
            q1 += 1;
        }
        if q1 > q0 {
            qualifier = Some(q0..q1);
            j = q1;
            // "SPRINGFIELD, Ill. —": the abbreviation's period.
            if j < n && view.word(j) == "." && !view.tokens[j].space_before {
                j += 1;
            }
        }
    }
    // "NEW YORK, March 3 (AP) —": a date may follow.
    if j + 1 < n && view.word(j) == "," && is_month(j + 1) {
        j += 2;
        while j < n && (view.word(j).chars().all(|c| c.is_ascii_digit()) || view.word(j) == ",") {
            j += 1;
        }
    }
    if j < n && view.word(j) == "(" {
        let close = (j + 1..n.min(j + 5)).find(|&k| view.word(k) == ")")?;
        j = close + 1;
    }
    let dash = j < n
        && matches!(view.word(j), "—" | "–" | "-" | "--" | "―")
        && !view.tokens[j].newline_before;
    dash.then_some((place, qualifier))
}

/// The world's faiths by name, which the model takes for places ("in
/// Islam") as often as for anything.
const RELIGIONS: &[&str] = &[
    "Islam",
    "Christianity",
    "Judaism",
    "Hinduism",
    "Buddhism",
    "Sikhism",
    "Jainism",
    "Taoism",
    "Shinto",
    "Catholicism",
    "Protestantism",
    "Zoroastrianism",
];

/// The members of a faith or of a people with no country of its name, in
/// the singular: no one's name in the plural ("between Jews and Arabs",
/// "sacred by Hindus").
const FAITHS_AND_PEOPLES_MEMBERS: &[&str] = &[
    "Arab",
    "Jew",
    "Muslim",
    "Hindu",
    "Christian",
    "Buddhist",
    "Sikh",
    "Jain",
    "Catholic",
    "Protestant",
    "Mormon",
    "Evangelical",
    "Sunni",
    "Shia",
    "Kurd",
    "Berber",
    "Pashtun",
    "Uyghur",
    "Yazidi",
    "Bedouin",
];

/// Whether token `i` names the members of a faith or a people: the plural
/// of one ("Hindus"), or the singular after a word that makes it one of
/// them ("a Christian male friend", "any good Christian"), not a given
/// name ("Christian said").
fn names_a_faiths_or_peoples_members(view: &DocView, i: usize) -> bool {
    let word = view.word(i);
    if word
        .strip_suffix('s')
        .is_some_and(|one| FAITHS_AND_PEOPLES_MEMBERS.contains(&one))
    {
        return true;
    }
    FAITHS_AND_PEOPLES_MEMBERS.contains(&word)
        && i.checked_sub(1).is_some_and(|j| {
            matches!(
                view.lower[j].as_str(),
                "a" | "an"
                    | "any"
                    | "every"
                    | "each"
                    | "good"
                    | "devout"
                    | "practising"
                    | "practicing"
                    | "fellow"
            )
        })
}

/// Names of God, which the model takes for places after "in" and "from".
const DEITIES: &[&str] = &["God", "Allah", "Jehovah", "Yahweh"];

/// What the gazetteer may know a word as that names a place or a people.
const PLACES_AND_PEOPLES: u16 = kind::set(&[
    kind::COUNTRY,
    kind::STATE,
    kind::CONTINENT,
    kind::REGION,
    kind::CITY_LARGE,
    kind::CITY_MEDIUM,
    kind::CITY_SMALL,
    kind::DEMONYM,
]);

/// What the lexicons may know a word as that names an organisation: one
/// of the well-known bodies, or a body the training annotations named.
const BODIES: u16 = kind::set(&[kind::ORG, kind::ORG_SEEN]);

/// What the gazetteer may know a word as that makes it no part of a
/// person's name: a place, a people, or an organisation.
const NAMES_NO_ONE: u16 = PLACES_AND_PEOPLES | BODIES;

/// Capitalised pronouns the model may take for a name ("I" starts many answers).
const PRONOUNS: &[&str] = &[
    "I", "We", "He", "She", "It", "They", "You", "Me", "Us", "Him", "Her", "Them",
];

/// "FTU's Kwok Wai-keung", "Lau Siu-lai", "Kim Jong-un": a family name of
/// one syllable, then a given name of two joined by a hyphen, is how
/// Cantonese, Korean and some Mandarin names are written in English. The
/// model often leaves the pair untagged, takes the given name alone, or
/// calls the pair a body it read in a list of bodies; all three become the
/// person. Both words must read as romanised syllables, which "Blu-ray",
/// "Co-author" and "Long-term" do not.
fn names_with_a_hyphenated_given_name(view: &DocView, spans: &mut Vec<Span>) {
    let n = view.len();
    let mut added = Vec::new();
    for given in 1..n {
        let family = given - 1;
        let word = view.word(given);
        if view.sent_start[given]
            || !view.is_capitalized(given)
            || !is_hyphenated_given_name(word)
            || !word.to_lowercase().split('-').all(is_romanised_syllable)
            || view.tokens[family].end + 1 != view.tokens[given].start
            || !view.is_capitalized(family)
            || in_capitals(view.word(family))
            || !is_romanised_syllable(&view.lower[family])
        {
            continue;
        }
        let holding = |i: usize| spans.iter().position(|s| s.first <= i && i < s.end);
        match (holding(family), holding(given)) {
            (None, None) => added.push(Span {
                first: family,
                end: given + 1,
                type_id: PERSON,
                from_rule: true,
            }),
            (None, Some(k)) if spans[k].first == given => {
                spans[k].first = family;
                spans[k].type_id = PERSON;
            }
            (Some(k), None) if spans[k].end == given => {
                spans[k].end = given + 1;
                spans[k].type_id = PERSON;
            }
            (Some(k), Some(m))
                if k == m && spans[k].first == family && spans[k].end == given + 1 =>
            {
                spans[k].type_id = PERSON;
            }
            _ => {}
        }
    }
    spans.extend(added);
    spans.sort_by_key(|s| s.first);
}

/// One syllable of a romanised Chinese or Korean name, in lower case: an
/// initial consonant or two, a glide, one to three vowels and a final
/// ("keung", "chun", "siu", "park", "jong", "un").
fn is_romanised_syllable(syllable: &str) -> bool {
    const INITIALS: &[&str] = &[
        "ch", "ts", "sh", "kw", "gw", "ng", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n",
        "p", "q", "r", "s", "t", "w", "x", "y", "z", "",
    ];
    const FINALS: &[&str] = &["ng", "rk", "n", "m", "k", "p", "t", "h", "r", "l", "w", ""];
    let vowels = |s: &str| (1..=3).contains(&s.len()) && s.chars().all(|c| "aeiouy".contains(c));
    INITIALS
        .iter()
        .filter_map(|i| syllable.strip_prefix(i))
        .any(|rest| {
            let rest = rest
                .strip_prefix('w')
                .filter(|r| !r.is_empty())
                .unwrap_or(rest);
            FINALS
                .iter()
                .filter_map(|f| rest.strip_suffix(f))
                .any(vowels)
        })
}

/// "Kwok-kin", "Cheuk-yan": capitalised, then a hyphen and a lower-case syllable.
fn is_hyphenated_given_name(word: &str) -> bool {
    let Some((a, b)) = word.split_once('-') else {
        return false;
    };
    a.chars().next().is_some_and(char::is_uppercase)
        && a.chars().skip(1).all(char::is_lowercase)
        && !b.is_empty()
        // A syllable: "chung", "cheung", "zhuang"; not "Sanders-backed".
        && b.len() <= 6
        && b.chars().all(char::is_lowercase)
        && !ADJECTIVE_SUFFIXES.iter().any(|suffix| suffix.strip_prefix('-') == Some(b))
}

/// Words that make a name an organisation's wherever they sit in it (with
/// [`COMPANY_TAILS`]).
const ORG_WORDS: &[&str] = &[
    "university",
    "college",
    "school",
    "academy",
    "institute",
    "institution",
    "hospital",
    "museum",
    "church",
    "ministry",
    "department",
    "agency",
    "council",
    "committee",
    "commission",
    "party",
    "union",
    "association",
    "federation",
    "foundation",
    "trust",
    "society",
    "league",
    "club",
    "corporation",
    "company",
    "bank",
    "bureau",
    "office",
    "authority",
    "administration",
    "board",
    "assembly",
    "court",
    "tribunal",
    "centre",
    "center",
    "municipality",
    "government",
    "army",
    "navy",
    "police",
    "guard",
    "patrol",
    "service",
    "services",
    "network",
    "motors",
    "automobile",
    "co.",
    "ag",
    "financial",
    "partners",
    "systems",
    "media",
    "news",
    "times",
    "post",
    "press",
    "herald",
    "tribune",
    "journal",
    "gazette",
    "gazeta",
    "zeitung",
    "daily",
    "weekly",
    "magazine",
    "telegraph",
    "observer",
    "chronicle",
    "radio",
    "television",
    "tv",
    "records",
    "studios",
    "pictures",
    "entertainment",
    "labs",
    "brotherhood",
    "coalition",
    "alliance",
    "movement",
    "front",
    "brigade",
    "forces",
    "senate",
    "congress",
    "parliament",
    "embassy",
    "consulate",
    "representatives",
    "survey",
    "railway",
    "railways",
    "reserve",
    "sabha",
    "corps",
    "squadron",
    "team",
];

/// Plural words for the people or holdings of an organisation or place, which
/// the model sometimes takes into the name after them with "of".
const PARTS_OF: &[&str] = &[
    "shares",
    "stocks",
    "officials",
    "members",
    "residents",
    "employees",
    "workers",
    "staff",
    "supporters",
    "fans",
    "executives",
    "customers",
    "investors",
    "shareholders",
    "owners",
    "leaders",
    "representatives",
    "spokespeople",
    "students",
    "citizens",
    "thousands",
    "hundreds",
    "millions",
    "dozens",
    "most",
    "many",
    "some",
    "all",
    "both",
    "each",
    "none",
];

/// Words that open a sentence before a name without being part of it: "Unlike
/// Chrysler, Ford …", "Despite Smith's objections …".
const SENTENCE_OPENERS: &[&str] = &[
    "unlike",
    "like",
    "despite",
    "although",
    "though",
    "while",
    "whilst",
    "after",
    "before",
    "meanwhile",
    "however",
    "including",
    "since",
    "following",
    "during",
    "without",
    "unless",
    "until",
    "besides",
    "whereas",
    "yesterday",
    "today",
    "tonight",
    "moreover",
    "furthermore",
    "nevertheless",
    "nonetheless",
    "instead",
    "perhaps",
    "because",
    "when",
    "if",
];

/// Verbs that open a slogan or a plan's points before a place: "Make
/// Melbourne the first …", "Keep Austin weird".
const IMPERATIVES: &[&str] = &[
    "make", "keep", "let", "help", "save", "visit", "support", "build", "bring", "put", "take",
    "stop", "protect", "defend", "unite", "give", "turn",
];

/// Auxiliaries that open a question before a name ("Did Perttu Ahola work
/// alone?"); "Will", also a given name, is left out.
const QUESTION_OPENERS: &[&str] = &[
    "did", "does", "do", "is", "was", "were", "are", "has", "have", "had", "would", "could",
    "should", "can",
];

/// Words of [`ORG_WORDS`] that are also surnames: after a given name they end a
/// person's name ("Robert Service", "Charlotte Church", "Margaret Court").
const SURNAME_ORG_WORDS: &[&str] = &["church", "court", "service", "post", "press"];

/// Last words that make a name an organisation's where they end it ("Cal Fire",
/// "Penske Auto", "Duke Energy"), though not where they lead it ("Fire Emblem").
const ORG_HEADS: &[&str] = &[
    "fire",
    "rescue",
    "auto",
    "automotive",
    "foods",
    "pharma",
    "telecom",
    "insurance",
    "logistics",
    "energy",
    "aviation",
    "shipping",
    "aircraft",
    "airplanes",
    "aerospace",
    "computer",
    "computers",
    "express",
];

/// Last words that make a name something other than a person, organisation or
/// place: an event, a prize, a law ("Chicago Marathon", "Paris Climate Accord").
const MISC_WORDS: &[&str] = &[
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

/// Words before a name that place it somewhere: "in Styles", "near Taikoo".
const LOCATIVES: &[&str] = &[
    "in",
    "at",
    "near",
    "from",
    "outside",
    "inside",
    "across",
    "around",
    "through",
    "to",
    "into",
    "towards",
    "toward",
    "via",
    "throughout",
    "within",
];

/// Makes each token range `first..end` one organisation's name, in the
/// order given, unless an earlier range already overlaps it: the spans it
/// covers are dropped. How the passes that join a body's words the model
/// split ("Securities and Exchange Commission", "Center for Biological
/// Diversity") put their names in.
fn organisations_over(spans: &mut Vec<Span>, ranges: Vec<(usize, usize)>) {
    if ranges.is_empty() {
        return;
    }
    let mut taken: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (first, end) in ranges {
        if taken.iter().any(|&(f, e)| first < e && f < end) {
            continue;
        }
        taken.push((first, end));
        spans.retain(|s| s.end <= first || s.first >= end);
        spans.push(Span {
            first,
            end,
            type_id: ORG,
            from_rule: false,
        });
    }
    spans.sort_by_key(|s| s.first);
}

/// Retypes to `type_id` each lone word the model took for a person that
/// stands in a list next to a name of that type: where the list goes on
/// past it with another capitalised item, or where `known` says the word
/// is one of that type. A word of a full name of the story, or a given
/// name, stays someone.
fn listed_among(view: &DocView, spans: &mut [Span], type_id: u8, known: impl Fn(&str) -> bool) {
    let name_words = full_name_words(view, spans);
    let n = view.len();
    let is_separator = |j: usize| matches!(view.word(j), "," | "and" | "or");
    let mut listed = Vec::new();
    for (k, s) in spans.iter().enumerate() {
        if s.type_id != PERSON
            || s.end - s.first != 1
            || view.gaz[s.first].has(kind::FIRST_NAME)
            || name_words.contains(view.word(s.first))
        {
            continue;
        }
        // The item before ends one or two separators before the word
        // (", and"), the item after starts as far after it.
        let kin_before = k.checked_sub(1).is_some_and(|p| {
            let prev = &spans[p];
            prev.type_id == type_id
                && (1..=2).contains(&(s.first - prev.end.min(s.first)))
                && (prev.end..s.first).all(is_separator)
        });
        let kin_after = spans.get(k + 1).is_some_and(|next| {
            next.type_id == type_id
                && (1..=2).contains(&(next.first.saturating_sub(s.end)))
                && (s.end..next.first).all(is_separator)
        });
        let listed_on = |j: Option<usize>| {
            j.is_some_and(|j| j < n && view.is_capitalized(j) && !view.sent_start[j])
        };
        let list_goes_on = kin_before
            && listed_on((s.end < n && is_separator(s.end)).then_some(s.end + 1))
            || kin_after && listed_on(s.first.checked_sub(2).filter(|_| is_separator(s.first - 1)));
        if (kin_before || kin_after) && (list_goes_on || known(view.word(s.first))) {
            listed.push(k);
        }
    }
    for k in listed {
        spans[k].type_id = type_id;
    }
}

/// Every word of the full names (two words or more) of the story's people:
/// "Bruno", "Mars", "David", "Turpin".
fn full_name_words<'v>(view: &'v DocView, spans: &[Span]) -> HashSet<&'v str> {
    spans
        .iter()
        .filter(|s| s.type_id == PERSON && s.end - s.first >= 2)
        .flat_map(|s| (s.first..s.end).map(|i| view.word(i)))
        .collect()
}

/// Whether `b` follows `a` in a list: "a and b", "a, b", "a, and b".
fn listed_together(view: &DocView, a: &Span, b: &Span) -> bool {
    b.first == a.end + 1 && matches!(view.lower[a.end].as_str(), "and" | "or" | "&" | ",")
        || b.first == a.end + 2
            && view.word(a.end) == ","
            && matches!(view.lower[a.end + 1].as_str(), "and" | "or")
}

/// Surname particles written capitalised inside a name ("Rocky De La
/// Fuente", "Vincent Van Gogh").
const CAPITALISED_PARTICLES: &[&str] = &[
    "De", "Del", "Della", "Da", "Das", "Dos", "Di", "Du", "La", "Le", "Van", "Von", "Bin", "Al",
    "El",
];

/// Kinds of work whose title may follow them: "the film Argo", "a movie
/// called Argo", "the album Abbey Road".
const WORKS: &[&str] = &[
    "film",
    "movie",
    "album",
    "song",
    "single",
    "novel",
    "documentary",
    "musical",
    "opera",
    "sitcom",
];

/// Whether the words before token `first` say a work's title begins there:
/// a kind of work, maybe with "called", "named" or "titled" between.
fn names_a_work(view: &DocView, first: usize) -> bool {
    let mut j = first;
    if j > 0
        && matches!(
            view.lower[j - 1].as_str(),
            "called" | "named" | "titled" | "entitled"
        )
    {
        j -= 1;
    }
    j > 0 && WORKS.contains(&view.lower[j - 1].as_str())
}

/// Kinds of product a name before them names: "the Fedora operating
/// system", "Android phones", "Godiva chocolate". Kinds a person's name
/// comes before as often ("album", "campaign", "game") are left out.
const PRODUCT_KINDS: &[&str] = &[
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
];

/// Nouns after a name that make it an event's, a rule's or a kind's: "the
/// Gukurahundi massacres", "the Brexit deadline", "Sharia law", "the Soyuz
/// mission", "Pokemon species".
const EVENTS_AND_RULES: &[&str] = &[
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

/// Nouns said of a person, before "of" and the person's name: "the death
/// of", "the wife of", "the nomination of".
const PERSONS_NOUNS: &[&str] = &[
    "death",
    "funeral",
    "widow",
    "widower",
    "wife",
    "husband",
    "son",
    "daughter",
    "mother",
    "father",
    "brother",
    "sister",
    "grandson",
    "granddaughter",
    "murder",
    "assassination",
    "killing",
    "arrest",
    "nomination",
    "resignation",
    "impeachment",
    "biography",
    "memoir",
    "birthday",
];

/// Nouns after a name that make it a people's, a faith's or a tongue's:
/// "the Moriori people", "the Olmec civilization", "the Chakri dynasty".
const PEOPLES_AND_TONGUES: &[&str] = &[
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

/// Words before a plural that make it a group of people rather than a
/// person's name: "the Kurds", "five Republicans", "many Arabs".
const GROUP_DETERMINERS: &[&str] = &[
    "the",
    "these",
    "those",
    "many",
    "most",
    "some",
    "all",
    "other",
    "few",
    "fewer",
    "several",
    "fellow",
    "more",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "dozen",
    "dozens",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
];

/// Last words that make a name a place's: "Times Square", "Heathrow Airport".
const PLACE_WORDS: &[&str] = &[
    "airport",
    "facility",
    "square",
    "street",
    "avenue",
    "road",
    "boulevard",
    "bridge",
    "stadium",
    "arena",
    "river",
    "lake",
    "island",
    "islands",
    "bay",
    "sea",
    "ocean",
    "mountain",
    "mountains",
    "valley",
    "beach",
    "peninsula",
    "desert",
    "canal",
    "strait",
    "gulf",
    "coast",
    "county",
    "parish",
    "borough",
    "township",
    "province",
    "district",
    "mine",
    "dam",
    "canyon",
    "glacier",
    "estuary",
    "trench",
    "fault",
    "heights",
    "lane",
    "mall",
    "reservoir",
    "harbour",
    "harbor",
    "oblast",
    "krai",
    "governorate",
    "voivodeship",
];

/// Last words of a place named for a town it is in or near ("Blenheim
/// Palace", "Linwood Mosque", "Sandy Point") that the [`PLACE_WORDS`] leave
/// out, as they end organisations' names too ("Crystal Palace", "West
/// Point").
const PLACES_NAMED_FOR_TOWNS: &[&str] = &[
    "market",
    "mosque",
    "church",
    "cathedral",
    "temple",
    "palace",
    "castle",
    "point",
    "park",
    "hall",
    "tower",
    "station",
    "gardens",
    "falls",
    "springs",
];

/// The [`PLACE_WORDS`] that are also people's surnames ("Chris Bridge",
/// "Michael Bay"): a person's name may end with them.
const PLACE_WORDS_AS_SURNAMES: &[&str] = &[
    "street", "road", "bridge", "river", "lake", "bay", "sea", "beach", "mountain", "valley",
    "coast", "lane",
];

fn has_org_word(view: &DocView, first: usize, end: usize) -> bool {
    (first..end).any(|i| view.is_capitalized(i) && is_org_word(&view.lower[i]))
        || (first..end).any(|i| {
            // Corporate forms in capitals: "AG", "SA", "LLC", "S.A.".
            matches!(
                view.word(i),
                "SA" | "AG"
                    | "NV"
                    | "SpA"
                    | "LLC"
                    | "PLC"
                    | "A/S"
                    | "S.A."
                    | "N.V."
                    | "B.V."
                    | "S.p.A."
                    | "Pty"
                    | "Bhd"
            )
        })
}

/// A nation's adjective in its own language opens the names of its
/// companies, broadcasters and papers, never a person's: "Deutsche Welle",
/// "Danske Bank", "Svenska Dagbladet", "Magyar Telekom".
const NATIONAL_ADJECTIVES_IN_THEIR_LANGUAGE: &[&str] = &[
    "Deutsche",
    "Deutscher",
    "Deutsches",
    "Österreichische",
    "Schweizerische",
    "Française",
    "Français",
    "Española",
    "Español",
    "Italiana",
    "Italiano",
    "Portuguesa",
    "Nederlandse",
    "Danske",
    "Dansk",
    "Norske",
    "Norsk",
    "Svenska",
    "Svensk",
    "Suomen",
    "Polski",
    "Polskie",
    "Polska",
    "Česká",
    "České",
    "Český",
    "Slovenská",
    "Magyar",
    "Hrvatska",
    "Srpska",
    "Türk",
    "Ellinikí",
];

/// "Portfolio.hu", "example.com": a web address names a site, an organisation.
fn is_web_address(word: &str) -> bool {
    const TLDS: &[&str] = &[
        "com", "org", "net", "gov", "edu", "info", "io", "co", "uk", "de", "fr", "pl", "hu", "ru",
        "it", "es", "nl", "eu", "tv", "news", "au", "ca", "in", "jp", "cn",
    ];
    // A country's second level: "UOL.com.br", "Stuff.co.nz".
    const SECOND_LEVELS: &[&str] = &["com", "co", "org", "net", "gov", "ac", "edu"];
    word.rsplit_once('.').is_some_and(|(name, tld)| {
        let country_level = tld.len() == 2
            && tld.bytes().all(|b| b.is_ascii_lowercase())
            && name
                .rsplit_once('.')
                .is_some_and(|(site, second)| !site.is_empty() && SECOND_LEVELS.contains(&second));
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
            && (TLDS.contains(&tld.to_lowercase().as_str()) || country_level)
    })
}

/// Nouns that say the name next to them is an organisation's: "retailer Tesco",
/// "the newspaper X", "X's shares".
const ORG_CUES_BEFORE: &[&str] = &[
    "retailer",
    "company",
    "firm",
    "carrier",
    "airline",
    "newspaper",
    "daily",
    "tabloid",
    "broadcaster",
    "network",
    "agency",
    "maker",
    "automaker",
    "carmaker",
    "manufacturer",
    "chain",
    "supermarket",
    "website",
    "magazine",
    "publication",
    "blog",
    "outlet",
    "lender",
    "insurer",
    "startup",
    "conglomerate",
    "operator",
    "brand",
    "giant",
    "publisher",
    "studio",
    "label",
    "developer",
    "provider",
    "wholesaler",
    "subsidiary",
    "regulator",
    "charity",
    "organisation",
    "organization",
    "nonprofit",
    "non-profit",
    "group",
    "party",
    "club",
];

/// Whether a noun heading an appositive says the name before it is an
/// organisation's: "Airbnb, a company that …", "Bilka, a Danish supermarket
/// chain,". The organisation nouns that are just as often a person's trade ("a
/// developer", "an operator") or a word of other kinds ("a daily walk", "a
/// group of") do not count; some nouns count here only, as they follow a name
/// in an appositive but not before it.
fn heads_org_appositive(noun: &str) -> bool {
    const NOT_AFTER_A_NAME: &[&str] = &[
        "daily",
        "network",
        "maker",
        "outlet",
        "operator",
        "brand",
        "giant",
        "studio",
        "label",
        "developer",
        "provider",
        "group",
        "party",
        "club",
    ];
    const ONLY_AFTER_A_NAME: &[&str] = &[
        "start-up",
        "bank",
        "corporation",
        "foundation",
        "institute",
        "university",
        "band",
    ];
    ORG_CUES_BEFORE.contains(&noun) && !NOT_AFTER_A_NAME.contains(&noun)
        || ONLY_AFTER_A_NAME.contains(&noun)
}

/// Words that may follow an appositive's head and end it: "a company that",
/// "a retailer based in", "a bank, said".
const APPOSITIVE_HEAD_ENDS: &[&str] = &[
    ",",
    ".",
    ";",
    ":",
    ")",
    "that",
    "which",
    "whose",
    "based",
    "headquartered",
    "in",
    "with",
    "founded",
    "owned",
    "from",
    "of",
    "known",
    "listed",
    "and",
    "operating",
    "on",
    "off",
    "near",
    "where",
    "—",
    "–",
];

/// Nouns heading an appositive that say the name before it is a place's:
/// "Socotra, an island off Yemen", "Hadibo, the capital of".
const APPOSITIVE_PLACE_HEADS: &[&str] = &[
    "town",
    "village",
    "city",
    "island",
    "archipelago",
    "province",
    "region",
    "district",
    "county",
    "suburb",
    "port",
    "peninsula",
    "municipality",
    "neighbourhood",
    "neighborhood",
    "resort",
    "valley",
    "capital",
    "country",
];

/// Nouns heading an appositive that say the name before it is a person's:
/// "Valeska Paris, an Australian woman", "Ana Lima, a 34-year-old mother".
const APPOSITIVE_PERSON_HEADS: &[&str] = &[
    "man",
    "woman",
    "boy",
    "girl",
    "teenager",
    "mother",
    "father",
    "son",
    "daughter",
    "wife",
    "husband",
    "widow",
    "widower",
    "grandmother",
    "grandfather",
];

/// Whether the name ending before `end` is followed by an appositive whose
/// head is a noun `heads` knows: ", a/an/the" then up to four modifiers
/// (lower-case words, demonyms, hyphenated words) and the noun, which ends
/// the phrase ("a company that", "a Danish supermarket chain,").
fn apposition_headed_by(view: &DocView, end: usize, heads: impl Fn(&str) -> bool) -> bool {
    end + 2 < view.len()
        && view.word(end) == ","
        && matches!(view.lower[end + 1].as_str(), "a" | "an" | "the")
        && noun_phrase_headed_by(view, end + 2, heads)
}

/// Whether the name ending before `end` is said to be one of a kind of
/// thing `heads` knows: "Faithless Hijabi is an organisation which",
/// "Ashodaya was a charity founded in" (not "is a company director").
fn described_as(view: &DocView, end: usize, heads: impl Fn(&str) -> bool) -> bool {
    end + 2 < view.len()
        && matches!(view.lower[end].as_str(), "is" | "was")
        && matches!(view.lower[end + 1].as_str(), "a" | "an")
        && noun_phrase_headed_by(view, end + 2, heads)
}

/// Whether the words from `start` are up to four modifiers (lower-case
/// words, demonyms, hyphenated words) and a noun `heads` knows, which a
/// word of [`APPOSITIVE_HEAD_ENDS`] ends.
fn noun_phrase_headed_by(view: &DocView, start: usize, heads: impl Fn(&str) -> bool) -> bool {
    let n = view.len();
    for j in start..(start + 5).min(n) {
        if view.sent_start[j] {
            return false;
        }
        let lower = view.lower[j].as_str();
        // "a supermarket chain": the last noun is the head.
        if heads(lower) && j + 1 < n && APPOSITIVE_HEAD_ENDS.contains(&view.lower[j + 1].as_str()) {
            return true;
        }
        // "a security official from the port of": a preposition or article
        // ends the head's phrase, and the head was not found in it.
        if APPOSITIVE_HEAD_ENDS.contains(&lower)
            || matches!(
                lower,
                "the" | "a" | "an" | "for" | "at" | "to" | "by" | "who"
            )
        {
            return false;
        }
        let word = view.word(j);
        let modifier = word.chars().all(|c| c.is_lowercase() || c == '-')
            || view.gaz[j].has(kind::DEMONYM)
            || word.contains('-') && word.chars().any(char::is_alphabetic);
        if !modifier {
            return false;
        }
    }
    false
}

const ORG_CUES_AFTER: &[&str] = &[
    "shares",
    "stock",
    "stores",
    "subsidiary",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "executives",
    "employees",
    "headquarters",
    "shareholders",
    "ceo",
    "fleet",
    "flights",
    "flight",
    "operations",
    "plant",
    "factory",
    "factories",
    "inc",
    "inc.",
    "corp.",
    "outlets",
    "customers",
    "movement",
    "organization",
    "organisation",
    "militia",
    "rebels",
    "militants",
];

/// Whether the words after a name make it a team's: its coach or captain
/// ("Wynnum coach Matt Myers", "Maroochydore's assistant coach").
fn leads_a_team(view: &DocView, end: usize) -> bool {
    let mut j = after_possessive(view, end);
    if view
        .lower
        .get(j)
        .is_some_and(|w| matches!(w.as_str(), "assistant" | "head"))
    {
        j += 1;
    }
    view.lower
        .get(j)
        .is_some_and(|w| matches!(w.as_str(), "coach" | "captain" | "skipper"))
        // "Ruby from RWBY Captain America": a title of a name, no side's.
        && !view.is_capitalized(j)
}

/// Whether the name at tokens `first..end` is a side of a match by the words
/// around it: played against or beaten ("against Uni", "[against] Noosa",
/// "defeated Wynnum", "a win over Maroochydore", "lost to Noosa"), or beating
/// another ("Maroochydore defeated Caboolture").
fn meets_another_side(view: &DocView, first: usize, end: usize) -> bool {
    const BEATEN_AFTER: &[&str] = &[
        "against", "defeated", "defeat", "defeats", "beat", "beats", "beating", "edged",
        "thrashed", "downed", "trounced",
    ];
    const BEATING_BEFORE: &[&str] = &[
        "defeated", "defeat", "defeats", "beat", "beats", "edged", "thrashed", "downed",
        "trounced", "drew",
    ];
    // A word the writer set in brackets reads as the text's own: "[against] Noosa".
    let before = match first.checked_sub(1) {
        Some(j) if view.word(j) == "]" => j.checked_sub(2),
        j => j,
    };
    let beaten = before.is_some_and(|j| {
        let w = view.lower[j].as_str();
        BEATEN_AFTER.contains(&w)
            || w == "over"
                && (j.saturating_sub(3)..j)
                    .any(|k| matches!(view.lower[k].as_str(), "win" | "victory" | "triumph"))
            || w == "to"
                && j.checked_sub(1)
                    .is_some_and(|k| matches!(view.lower[k].as_str(), "lost" | "lose" | "loss"))
    });
    beaten
        || view
            .lower
            .get(end)
            .is_some_and(|w| BEATING_BEFORE.contains(&w.as_str()))
}

/// Whether the words around a span say it names an organisation.
fn org_cue(view: &DocView, s: &Span) -> bool {
    org_cue_word(view, s) || org_cue_beyond_words(view, s)
}

/// The word before or after a name that is said of bodies: "the retailer
/// X", "X's shares", "X's spokesperson".
fn org_cue_word(view: &DocView, s: &Span) -> bool {
    let before = s.first.checked_sub(1).map(|j| view.lower[j].as_str());
    if before.is_some_and(|w| ORG_CUES_BEFORE.contains(&w))
        || s.type_id != LOC && produces_a_commodity(view, s.first)
        || named_among_bodies(view, s.first)
    {
        return true;
    }
    let j = after_possessive(view, s.end);
    j < view.len() && ORG_CUES_AFTER.contains(&view.lower[j].as_str())
        || moves_like_a_share(view, j)
}

/// Whether the words before token `first` call what it names a producer
/// of a commodity: "the Greek gas producer Energean", "oil producers".
/// "Producer" alone is as often a film's or a record's maker, a person;
/// a country so called ("oil producer Russia") is left to the caller.
fn produces_a_commodity(view: &DocView, first: usize) -> bool {
    const COMMODITIES: &[&str] = &[
        "oil",
        "gas",
        "steel",
        "coal",
        "copper",
        "gold",
        "iron",
        "aluminium",
        "aluminum",
        "lithium",
        "uranium",
        "nickel",
        "zinc",
        "cement",
        "chip",
        "chemicals",
        "energy",
        "power",
        "electricity",
        "dairy",
        "meat",
        "poultry",
        "food",
        "sugar",
        "cocoa",
        "coffee",
        "paper",
        "fertiliser",
        "fertilizer",
        "drug",
        "vaccine",
        "wine",
        "beer",
    ];
    first >= 2
        && matches!(
            view.lower[first - 1].as_str(),
            "producer" | "miner" | "exporter" | "supplier" | "refiner"
        )
        && COMMODITIES.contains(&view.lower[first - 2].as_str())
}

/// Whether token `first` opens an example of a kind of body: "carriers,
/// such as Verizon", "airlines including Qantas", "firms like Apple". The
/// kind is the plural of a noun said before a body's name.
fn named_among_bodies(view: &DocView, first: usize) -> bool {
    let word = |j: usize| view.lower_at(j);
    let Some(mut j) = first.checked_sub(1) else {
        return false;
    };
    match word(j) {
        "as" if j >= 1 && word(j - 1) == "such" => j -= 1,
        "including" | "like" => {}
        _ => return false,
    }
    let Some(mut k) = j.checked_sub(1) else {
        return false;
    };
    if word(k) == "," {
        let Some(before) = k.checked_sub(1) else {
            return false;
        };
        k = before;
    }
    let kind = word(k);
    ORG_CUES_BEFORE.iter().any(|cue| {
        kind.strip_suffix('s') == Some(cue)
            || cue
                .strip_suffix('y')
                .is_some_and(|stem| kind.strip_suffix("ies") == Some(stem))
        // "Groups such as the Kurds" are peoples as often.
    }) && kind != "groups"
}

/// The story's names of two words or more of the types `kept`, by their
/// last word: "Linux" → {"CentOS Linux", "Oracle Linux"}.
fn names_by_last_word<'v>(
    view: &'v DocView,
    spans: &[Span],
    kept: impl Fn(u8) -> bool,
) -> HashMap<&'v str, HashSet<&'v str>> {
    let mut names: HashMap<&str, HashSet<&str>> = HashMap::default();
    for s in spans
        .iter()
        .filter(|s| kept(s.type_id) && s.end - s.first >= 2)
    {
        names
            .entry(view.word(s.end - 1))
            .or_default()
            .insert(span_text(view, s));
    }
    names
}

/// Whether the words from `j` say a share price moved, as a listed
/// company's does: "fell 2.1 percent", "rose by 3%", "gained 40 cents",
/// "slipped $1.20". Points are left out: candidates rise in polls by them.
fn moves_like_a_share(view: &DocView, mut j: usize) -> bool {
    const MOVES: &[&str] = &[
        "rose", "fell", "gained", "lost", "climbed", "slid", "dropped", "jumped", "declined",
        "advanced", "tumbled", "plunged", "surged", "soared", "sank", "slipped", "rallied",
        "edged", "shed", "added",
    ];
    let word = |j: usize| view.lower_at(j);
    if !MOVES.contains(&word(j)) {
        return false;
    }
    j += 1;
    // "by", "more than", "as much as", "nearly".
    while matches!(
        word(j),
        "by" | "up"
            | "down"
            | "nearly"
            | "almost"
            | "about"
            | "around"
            | "over"
            | "more"
            | "than"
            | "as"
            | "much"
            | "some"
    ) {
        j += 1;
    }
    let currency = matches!(word(j), "$" | "€" | "£" | "¥");
    if currency {
        j += 1;
    }
    let number = |w: &str| {
        w.starts_with(|c: char| c.is_ascii_digit())
            && w.chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    };
    if !number(word(j)) {
        return false;
    }
    currency
        || matches!(
            word(j + 1),
            "%" | "percent" | "pct" | "cents" | "pence" | "per"
        )
}

/// What a story says only of bodies: that the name "was formed", or an
/// appositive ("X, a company that …").
fn org_cue_beyond_words(view: &DocView, s: &Span) -> bool {
    let n = view.len();
    let j = after_possessive(view, s.end);
    // "When Ashodaya was formed": people are born, bodies formed.
    let formed = j + 1 < n
        && matches!(view.lower[j].as_str(), "was" | "is" | "were")
        && matches!(
            view.lower[j + 1].as_str(),
            "formed" | "founded" | "established" | "incorporated"
        );
    formed
        || apposition_headed_by(view, s.end, heads_org_appositive)
        || described_as(view, s.end, heads_org_appositive)
}

/// Whether span `k`, a lone name, is what a person of the story (a full
/// name, the model's) belongs to ("X's Jane Roe", "Jane Roe of X"), and
/// whether it is what an office belongs to ("the mayor of X"); the name
/// ends its phrase there.
fn what_holds_someone(view: &DocView, spans: &[Span], k: usize) -> (bool, bool) {
    let s = &spans[k];
    let full_person = |o: &Span| o.type_id == PERSON && o.end - o.first >= 2 && !o.from_rule;
    let owns = after_possessive(view, s.end) > s.end
        && spans
            .get(k + 1)
            .is_some_and(|o| o.first == s.end + 1 && full_person(o));
    let of = s.first >= 2
        && view.lower[s.first - 1] == "of"
        && !(s.end < view.len() && view.is_capitalized(s.end));
    let someones_of = of
        && k.checked_sub(1)
            .is_some_and(|p| spans[p].end == s.first - 1 && full_person(&spans[p]));
    (owns || someones_of, of && is_title(view, s.first - 2))
}

/// The token after `end`, past a possessive "'s".
fn after_possessive(view: &DocView, end: usize) -> usize {
    // Lower case: "'S" of a headline in capitals is one too.
    if view
        .lower
        .get(end)
        .is_some_and(|w| matches!(w.as_str(), "'s" | "\u{2019}s"))
    {
        end + 1
    } else {
        end
    }
}

/// One name, one type within a story: a name the model tagged somewhere is tagged
/// wherever else it occurs untagged, with the type it was given most often.
fn propagate(view: &DocView, spans: &mut Vec<Span>) {
    let mut votes: HashMap<Vec<&str>, [usize; 5]> = HashMap::default();
    for s in spans.iter().filter(|s| !s.from_rule) {
        let words: Vec<&str> = (s.first..s.end).map(|i| view.word(i)).collect();
        votes.entry(words).or_default()[s.type_id as usize] += 1;
    }
    let mut by_first: HashMap<&str, Vec<(Vec<&str>, u8)>> = HashMap::default();
    for (words, counts) in votes {
        let Some((t, _)) = counts.iter().enumerate().max_by_key(|(_, c)| **c) else {
            continue;
        };
        // A lone capitalised word at a sentence start or in lower case elsewhere is
        // too likely an ordinary word to tag on this evidence alone.
        if t as u8 == MISC {
            continue;
        }
        by_first.entry(words[0]).or_default().push((words, t as u8));
    }
    // Where names share a first word ("CentOS" and "CentOS 8"), the longest that
    // fits is taken, the same one every time (not in the map's random order).
    for cands in by_first.values_mut() {
        cands.sort_unstable_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    }
    let covered = covered_tokens(view, spans);
    let mut added = Vec::new();
    let mut i = 0;
    while i < view.len() {
        let mut advanced = false;
        if !covered[i]
            && let Some(cands) = by_first.get(view.word(i))
        {
            for (words, t) in cands {
                let end = i + words.len();
                let fits = end <= view.len()
                    && (i..end).all(|j| !covered[j] && view.word(j) == words[j - i])
                    && (words.len() > 1 || !view.lower_is_common(i));
                if fits {
                    // Typed like the model's own spans, so one name keeps one type.
                    added.push(Span {
                        first: i,
                        end,
                        type_id: *t,
                        from_rule: false,
                    });
                    i = end;
                    advanced = true;
                    break;
                }
            }
        }
        if !advanced {
            i += 1;
        }
    }
    spans.extend(added);
    spans.sort_by_key(|s| s.first);
}

/// Small words an acronym's letters pass over: "Organisation of Islamic
/// Cooperation (OIC)".
const ACRONYM_SKIPS: &[&str] = &["of", "and", "the", "for", "&", "-", "on", "in", "to", "a"];

/// An acronym of capitals (and digits) alone: "EVD", "HPC", "G7".
fn is_acronym(word: &str) -> bool {
    word.chars().filter(|c| c.is_ascii_uppercase()).count() >= 2
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// Whether the words `range` of `view` are spelled by `acronym`'s capitals
/// as their initials, each part of a hyphenated word one letter
/// ("anti-retroviral therapy" is ART), a small word with or without its
/// letter ("End of Life" is EOL, "Organisation of Islamic Cooperation" OIC).
fn spells(view: &DocView, range: std::ops::Range<usize>, acronym: &str) -> bool {
    // Each part's initial, and whether it may go without a letter.
    let parts: Vec<(char, bool)> = range
        .flat_map(|j| {
            let small = ACRONYM_SKIPS.contains(&view.lower_at(j));
            view.word(j)
                .split('-')
                .filter_map(move |p| p.chars().next().map(|c| (c, small)))
        })
        .collect();
    let letters: Vec<char> = acronym.chars().filter(char::is_ascii_uppercase).collect();
    fn fits(parts: &[(char, bool)], letters: &[char]) -> bool {
        match (parts.split_first(), letters.split_first()) {
            (None, None) => true,
            (None, Some(_)) => false,
            (Some((&(_, small), rest)), None) => small && fits(rest, letters),
            (Some((&(c, small), rest)), Some((&l, more))) => {
                (c.to_uppercase().eq(std::iter::once(l)) && fits(rest, more))
                    || (small && fits(rest, letters))
            }
        }
    }
    parts.first().is_some_and(|&(_, small)| !small) && fits(&parts, &letters)
}

/// "Marburg virus disease (MVD)", "ART [anti-retroviral therapy]",
/// "exclusive economic zone (EEZ)": an acronym spelled out, on
/// either side of its bracket, by words that are no name is a term,
/// wherever the story uses it, and no organisation. Words are no name
/// where their last is in lower case ("Notes from Poland" is a name),
/// or where the story writes them all in lower case elsewhere ("End of
/// Life (EOL)" … "before the end of life of CentOS 8"), however the
/// model typed them. Capitalised ordinary words alone say nothing:
/// "All Elite Wrestling (AEW)" is a company.
fn acronyms_of_terms(view: &DocView, spans: &mut Vec<Span>) {
    let n = view.len();
    let names_nothing = |range: std::ops::Range<usize>| {
        let Some(last) = range
            .clone()
            .rev()
            .find(|&j| !ACRONYM_SKIPS.contains(&view.lower_at(j)))
        else {
            return false;
        };
        // "the ministry of health (MOH)" is a body, however written.
        if range.clone().any(|j| ORG_WORDS.contains(&view.lower_at(j))) {
            return false;
        }
        let len = range.len();
        view.word(last).starts_with(char::is_lowercase)
            || (0..(n + 1).saturating_sub(len)).any(|at| {
                (at + len <= range.start || at >= range.end)
                    && (0..len).all(|k| {
                        let j = at + k;
                        view.lower_at(j) == view.lower_at(range.start + k)
                            && view.word(j) == view.lower_at(j)
                    })
            })
    };
    let mut terms: Vec<&str> = Vec::new();
    // The words too: a term is no body, however the model typed it.
    let mut spelled_out: Vec<std::ops::Range<usize>> = Vec::new();
    for i in 1..n.saturating_sub(2) {
        let close = match view.word(i) {
            "(" => ")",
            "[" => "]",
            _ => continue,
        };
        // "words (ACR)": the words are the ones right before the bracket.
        let inside = view.word(i + 1);
        if view.word(i + 2) == close && is_acronym(inside) {
            let letters = inside.chars().filter(char::is_ascii_uppercase).count();
            let spelled = (i.saturating_sub(2 * letters + 2)..i)
                .find(|&first| spells(view, first..i, inside));
            if let Some(first) = spelled.filter(|&first| names_nothing(first..i)) {
                terms.push(inside);
                spelled_out.push(first..i);
            }
        }
        // "ACR (words)": the words are the bracket's, all of them.
        let before = view.word(i - 1);
        if is_acronym(before)
            && let Some(end) = (i + 1..n.min(i + 16)).find(|&j| view.word(j) == close)
            && spells(view, i + 1..end, before)
            && names_nothing(i + 1..end)
        {
            terms.push(before);
            spelled_out.push(i + 1..end);
        }
    }
    let is_term = |s: &Span| {
        (s.end - s.first == 1 && terms.contains(&view.word(s.first)))
            || (s.type_id == ORG
                && spelled_out
                    .iter()
                    .any(|r| r.start <= s.first && s.end <= r.end))
    };
    spans.retain(|s| !is_term(s));
}

/// A name spelled out with its acronym, "Transport for London (TfL)",
/// "Philippine Institute of Volcanology and Seismology (Phivolcs)": the
/// acronym is the same organisation or place wherever the story uses it,
/// whatever the model made of it alone.
fn acronyms_take_their_names_type(view: &DocView, spans: &mut Vec<Span>) {
    let n = view.len();
    let mut types: HashMap<&str, u8> = HashMap::default();
    let mut widened: Vec<(usize, usize)> = Vec::new();
    for (k, s) in spans.iter().enumerate() {
        // A thing's name too: "the Digital Millennium Copyright Act (DMCA)"
        // makes "the DMCA" no body.
        if !matches!(s.type_id, ORG | LOC | MISC) || s.end - s.first < 2 {
            continue;
        }
        // The model may stop a name at its "and" ("Philippine Institute of
        // Volcanology | and Seismology (Phivolcs)"): the capitalised words
        // after it up to the bracket are the name's.
        let mut end = s.end;
        if end + 1 < n && matches!(view.lower[end].as_str(), "and" | "&") {
            let mut j = end + 1;
            while j < n && j - end <= 3 && view.is_capitalized(j) {
                j += 1;
            }
            if j > end + 1 && j < n && view.word(j) == "(" {
                end = j;
            }
        }
        if end + 2 >= n || view.word(end) != "(" || view.word(end + 2) != ")" {
            continue;
        }
        let acronym = view.word(end + 1);
        let capitals = acronym.chars().filter(|c| c.is_uppercase()).count();
        let initial = view.word(s.first).chars().next();
        let whole = &view.text[view.tokens[s.first].start..view.tokens[end - 1].end];
        // "Phivolcs": a short form of one capital is its name's letters, in
        // order.
        let letters_of_name = || {
            let mut name = whole.chars().flat_map(char::to_lowercase);
            acronym
                .chars()
                .flat_map(char::to_lowercase)
                .all(|c| name.any(|n| n == c))
        };
        if (capitals >= 2 || letters_of_name())
            && acronym.chars().all(char::is_alphanumeric)
            && acronym.chars().next() == initial
        {
            types.entry(acronym).or_insert(s.type_id);
            if end > s.end {
                widened.push((k, end));
            }
        }
    }
    for &(k, end) in &widened {
        let from = spans[k].end;
        spans[k].end = end;
        // Whatever the model made of the words taken in is gone.
        for s in spans.iter_mut() {
            if s.first >= from && s.end <= end {
                s.end = s.first;
            }
        }
    }
    spans.retain(|s| s.first < s.end);
    if types.is_empty() {
        return;
    }
    let mut covered = vec![false; n];
    for s in spans.iter_mut() {
        if s.end - s.first == 1
            && let Some(&t) = types.get(view.word(s.first))
        {
            s.type_id = t;
        }
        covered[s.first..s.end].iter_mut().for_each(|c| *c = true);
    }
    for (i, &taken) in covered.iter().enumerate() {
        if let Some(&type_id) = types.get(view.word(i)).filter(|_| !taken) {
            spans.push(Span {
                first: i,
                end: i + 1,
                type_id,
                from_rule: true,
            });
        }
    }
    spans.sort_by_key(|s| s.first);
}

/// Lower-case words that may sit inside a name: "Bank of Japan", "Ludwig van
/// Beethoven", "Osama bin Laden", "Stratford upon Avon".
const NAME_PARTICLES: &[&str] = &[
    "of", "and", "the", "for", "on", "upon", "in", "at", "de", "del", "della", "der", "den", "des",
    "du", "da", "das", "dos", "di", "van", "von", "la", "le", "el", "al", "bin", "ibn", "y", "e",
    "und", "et", "zu", "af", "ter", "ten", "op", "to", "&",
];

/// Name particles written joined to the name after them ("al-Assad",
/// "el-Sisi", "bin-Salman"); the name is also said without them ("Assad").
const JOINED_PARTICLES: &[&str] = &["al-", "el-", "ul-", "bin-", "ibn-", "abu-", "abd-"];

/// A person's surname without a particle joined to it: "al-Assad" is
/// "Assad" further on.
fn without_joined_particle(word: &str) -> Option<&str> {
    JOINED_PARTICLES.iter().find_map(|p| {
        word.strip_prefix(p)
            .filter(|rest| rest.chars().next().is_some_and(char::is_uppercase))
    })
}

/// Generational suffixes, part of a person's name.
pub(crate) const NAME_SUFFIXES: &[&str] = &["Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"];

/// The surname of a person's name of two words or more: its last word, or
/// the word before a generational suffix ("King" of "Martin Luther King
/// Jr.").
fn surname_of<'t>(view: &DocView<'t>, s: &Span) -> &'t str {
    let last = s.end - 1;
    if last > s.first + 1 && NAME_SUFFIXES.contains(&view.word(last)) {
        &view.text[view.tokens[last - 1].start..view.tokens[last - 1].end]
    } else {
        &view.text[view.tokens[last].start..view.tokens[last].end]
    }
}

/// The words that may stand alone for a person named in full by `words`
/// (two or more): the surname (the word before a generational suffix, "King"
/// of "Martin Luther King Jr."), and it without a joined particle ("Assad" of
/// "Bashar al-Assad"), the last word and the first ("Xi" of "Xi Jinping").
/// Within a story ([`standalone_words`]) and across stories
/// ([`crate::people::KnownPeople`]) alike.
pub(crate) fn name_standalone_words<'a>(
    words: &[&'a str],
) -> impl Iterator<Item = &'a str> + use<'a> {
    let n = words.len();
    let first = words.first().copied().unwrap_or_default();
    let last = words.last().copied().unwrap_or_default();
    let surname = if n > 2 && NAME_SUFFIXES.contains(&last) {
        words[n - 2]
    } else {
        last
    };
    [surname, last, first]
        .into_iter()
        .chain(without_joined_particle(surname))
}

/// The words that may stand alone, later in a story, for a person it names
/// in full in span `s` ([`name_standalone_words`]).
fn standalone_words<'v>(view: &'v DocView, s: &Span) -> impl Iterator<Item = &'v str> + use<'v> {
    let words: Vec<&'v str> = (s.first..s.end).map(|i| view.word(i)).collect();
    name_standalone_words(&words)
}

/// A person's name goes on where the model stopped short: over a surname
/// with a joined particle ("Bashar al-Assad"), a title word that is a
/// surname because no name follows it ("John Major said", "Martin Luther
/// King Jr."), and a generational suffix.
fn names_go_on(view: &DocView, spans: &mut [Span]) {
    let n = view.len();
    let is_suffix = |i: usize| i < n && NAME_SUFFIXES.contains(&view.word(i));
    let starts: HashSet<usize> = spans.iter().map(|s| s.first).collect();
    for s in spans.iter_mut().filter(|s| s.type_id == PERSON) {
        let j = s.end;
        if j >= n || view.sent_start[j] || starts.contains(&j) {
            continue;
        }
        // A title word no name follows: "John Major said", "King Jr.", but
        // not "Mary Queen of Scots".
        let surname_title = is_title(view, j)
            && view.is_capitalized(j)
            && view.lower.get(j + 1).is_none_or(|w| w.as_str() != "of")
            && (is_suffix(j + 1) || j + 1 >= n || !view.is_capitalized(j + 1));
        if without_joined_particle(view.word(j)).is_some() || surname_title {
            s.end = j + 1;
        }
        if is_suffix(s.end) && !starts.contains(&s.end) {
            s.end += 1;
        }
    }
}

/// "Airbus wins Qatar Airways": a lower-case word inside a span that is no name
/// particle (a verb of a title-case headline) ends one name and starts another.
fn split_at_inner_lowercase(view: &DocView, spans: &mut Vec<Span>) {
    let mut out = Vec::with_capacity(spans.len());
    for s in spans.drain(..) {
        let mut first = s.first;
        for k in s.first + 1..s.end.saturating_sub(1) {
            let w = view.word(k);
            let ordinary = w.chars().next().is_some_and(char::is_lowercase)
                && w.chars().count() >= 3
                && w.chars().all(char::is_alphabetic)
                && !NAME_PARTICLES.contains(&w);
            if ordinary && view.is_capitalized(k - 1) && view.is_capitalized(k + 1) {
                if k > first {
                    out.push(Span { end: k, first, ..s });
                }
                first = k + 1;
            }
        }
        out.push(Span { first, ..s });
    }
    *spans = out;
}

/// "The Guardian drew comparisons" opens a sentence, where "according to
/// The Guardian" keeps the paper's article: an organisation the story
/// names with its article once is named so in every mention.
fn names_keep_their_article(entities: &mut [Entity]) {
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
fn parties_named_by_their_word(entities: &mut [Entity]) {
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

/// Whether `a` and `b` differ by one slip of the keys: two neighbouring
/// letters swapped, one letter left out, added or replaced, or only in
/// case; both start with the same letter, as a misspelling keeps.
fn one_slip_apart(a: &str, b: &str) -> bool {
    let first = |w: &str| w.chars().next().map(|c| c.to_lowercase().next());
    if a == b || a.len().abs_diff(b.len()) > 3 || first(a) != first(b) {
        return false;
    }
    let lower = |w: &str| {
        w.chars()
            .flat_map(char::to_lowercase)
            .collect::<Vec<char>>()
    };
    let (a, b) = (lower(a), lower(b));
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    let prefix = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    match long.len() - short.len() {
        // One added or left out, not at the end: "Slovenian" and
        // "Turpins" are other words formed from the name.
        1 => prefix < short.len() && short[prefix..] == long[prefix + 1..],
        0 => {
            // Replaced: the rest lines up after it; swapped: the two after
            // the prefix trade places and the rest lines up.
            short[prefix + 1..] == long[prefix + 1..]
                || prefix + 1 < short.len()
                    && short[prefix] == long[prefix + 1]
                    && short[prefix + 1] == long[prefix]
                    && short[prefix + 2..] == long[prefix + 2..]
        }
        _ => false,
    }
}

/// "CEMB [Council of Ex-Muslims of Britain]": a name of the model's that
/// runs into a bracket and stops inside it ends before the bracket (or,
/// running out of one, starts after it).
fn names_stop_at_brackets(view: &DocView, spans: &mut Vec<Span>) {
    for s in spans.iter_mut() {
        let opened = (s.first..s.end).find(|&k| view.word(k) == "[");
        let closed = (s.first..s.end).rfind(|&k| view.word(k) == "]");
        match (opened, closed) {
            (Some(o), None) if o > s.first => s.end = o,
            (None, Some(c)) if c + 1 < s.end => s.first = c + 1,
            _ => {}
        }
    }
    spans.retain(|s| s.end > s.first);
}

/// "[Phil] Gramm", "[Prime Minister Narendra] Modi", "Jeff [Drake]": in a
/// quote, an editor supplies in square brackets the part of a name its
/// speaker left out. Each mention on either side of the bracket is the
/// person named across it: returns that full name, by the first token of
/// each mention. The mentions keep their own spans (the words as the
/// speaker or the editor wrote them; the gold sets mark them so).
fn names_completed_in_brackets(view: &DocView, spans: &[Span]) -> HashMap<usize, String> {
    let n = view.len();
    let word = |i: usize| view.word(i);
    let mut completed = HashMap::default();
    if !view.text.contains('[') {
        return completed;
    }
    // A word of a name: capitalised with lower-case letters ("Drake", not
    // "GM", a chess title), or an initial ("W."), and no word the story
    // makes something else alone ("Rocky [Linux]").
    let no_one: HashSet<&str> = spans
        .iter()
        .filter(|s| s.type_id != PERSON && s.end - s.first == 1)
        .map(|s| word(s.first))
        .collect();
    let name_word = |i: usize| {
        let w = word(i);
        view.is_capitalized(i)
            && !is_title(view, i)
            && !is_org_word(&view.lower[i])
            && !no_one.contains(w)
            && (w.chars().any(char::is_lowercase)
                || w.chars().filter(|c| c.is_alphabetic()).count() == 1)
    };
    let people_in = |first: usize, end: usize| {
        spans
            .iter()
            .filter(move |s| s.type_id == PERSON && s.first < end && s.end > first)
    };
    let other_in = |first: usize, end: usize| {
        spans
            .iter()
            .any(|s| s.type_id != PERSON && s.first < end && s.end > first)
    };
    let text_of =
        |first: usize, end: usize| &view.text[view.tokens[first].start..view.tokens[end - 1].end];
    let mut i = 0;
    while i < n {
        if word(i) != "[" {
            i += 1;
            continue;
        }
        let Some(close) = (i + 1..n.min(i + 8))
            .take_while(|&k| word(k) != "[" && !view.tokens[k].newline_before)
            .find(|&k| word(k) == "]")
        else {
            i += 1;
            continue;
        };
        // The name words that end the bracket: "Narendra" of "[Prime
        // Minister Narendra]", "Bashir al" of "[Bashir al]".
        let mut inner = close;
        while inner > i + 1
            && (name_word(inner - 1)
                || inner - 1 > i + 1 && NAME_PARTICLES.contains(&view.lower[inner - 1].as_str()))
        {
            inner -= 1;
        }
        while inner < close && !name_word(inner) {
            inner += 1;
        }
        let after = close + 1;
        // "[George W.] Bush": the surname follows the bracket.
        if inner < close && after < n && name_word(after) && !other_in(inner, after + 1) {
            let someone = people_in(inner, close).next().is_some()
                || people_in(after, after + 1).next().is_some()
                || view.gaz[inner].has(kind::FIRST_NAME);
            if someone {
                let full = format!("{} {}", text_of(inner, close), word(after));
                for s in people_in(inner, after + 1) {
                    completed.insert(s.first, full.clone());
                }
                i = after;
                continue;
            }
        }
        // "Jeff [Drake]": the bracket holds the rest of a given name's name.
        let whole = close > i + 1
            && close - i <= 4
            && (i + 1..close).all(|k| {
                name_word(k) || k > i + 1 && NAME_PARTICLES.contains(&view.lower[k].as_str())
            });
        if whole
            && !other_in(i + 1, close)
            && let Some(given) = spans.iter().find(|s| {
                s.type_id == PERSON
                    && s.end == i
                    && s.end - s.first == 1
                    && view.gaz[s.first].has(kind::FIRST_NAME)
            })
        {
            let full = format!("{} {}", word(given.first), text_of(i + 1, close));
            for s in people_in(given.first, close) {
                completed.insert(s.first, full.clone());
            }
        }
        i = close + 1;
    }
    completed
}

/// "Chrysler LLC Jim Press": a company's legal form ends its name; a person's
/// name after it is a person of their own.
fn split_after_legal_form(view: &DocView, spans: &mut Vec<Span>) {
    let mut added = Vec::new();
    for s in spans.iter_mut().filter(|s| s.type_id != MISC) {
        let Some(k) = (s.first + 1..s.end.saturating_sub(1))
            .find(|&k| LEGAL_SUFFIXES.contains(&view.word(k)) && view.is_capitalized(k + 1))
        else {
            continue;
        };
        s.type_id = ORG;
        let person = s.end - (k + 1) >= 2
            && (k + 1..s.end).all(|i| view.is_capitalized(i))
            && !has_org_word(view, k + 1, s.end);
        if person {
            added.push(Span {
                first: k + 1,
                end: s.end,
                type_id: PERSON,
                from_rule: false,
            });
        }
        s.end = k + 1;
    }
    spans.extend(added);
    spans.sort_by_key(|s| s.first);
}

/// "Chief Operating Officer": a span of titles and role words alone names no
/// one, whatever the model made of it; nor do role words before a title
/// ("Emeritus Professor John Burrows"), nor a party label or another
/// language's title alone ("the most senior Democrat").
fn drop_role_only_people(view: &DocView, spans: &mut Vec<Span>) {
    spans.retain(|s| {
        let titled = (s.first..s.end).any(|i| is_title(view, i))
            || s.end < view.len() && is_title(view, s.end);
        let role_only = titled
            && (s.first..s.end)
                .all(|i| is_title(view, i) || ROLE_MODIFIERS.contains(&view.lower[i].as_str()));
        let other_title_only =
            (s.first..s.end).all(|i| FOREIGN_TITLES.contains(&view.lower[i].as_str()));
        s.type_id != PERSON || !(role_only || other_title_only || is_style_of_address(view, s))
    });
}

/// "Her Majesty", "His Excellency", "Your Honour": a style of address,
/// with or without its possessive, stands for someone it does not name.
fn is_style_of_address(view: &DocView, s: &Span) -> bool {
    const STYLES: &[&str] = &[
        "majesty",
        "highness",
        "excellency",
        "holiness",
        "lordship",
        "ladyship",
        "honour",
        "honor",
        "eminence",
    ];
    const OWNERS: &[&str] = &["his", "her", "their", "your"];
    let words = &view.lower[s.first..s.end];
    let styled = |w: &str| {
        let w = w
            .strip_suffix("’s")
            .or_else(|| w.strip_suffix("'s"))
            .unwrap_or(w);
        STYLES.contains(&w)
    };
    match words {
        [style] => styled(style),
        [owner, style] => OWNERS.contains(&owner.as_str()) && styled(style),
        _ => false,
    }
}

/// "Ryanair CEO", "Labour MP", "National Security Adviser", "White House
/// Press [Secretary]": a name ending in an office, or in the words before
/// one that follows it, is someone's role, no body. What comes before the
/// office stays an organisation where the gazetteer, the training
/// annotations or the story know it as one ("Ryanair"); otherwise the span
/// is no name. "Office of the President" names its office after "of" and
/// stays whole.
fn organisations_before_an_office(view: &DocView, spans: &mut Vec<Span>) {
    const BEFORE_OFFICES: &[&str] = &[
        "press",
        "deputy",
        "assistant",
        "chief",
        "executive",
        "vice",
        "senior",
        "acting",
    ];
    let office = |i: usize| is_office(view, i);
    let known_orgs: HashSet<&str> = spans
        .iter()
        .filter(|s| s.type_id == ORG)
        .map(|s| span_text(view, s))
        .collect();
    let mut dropped = Vec::new();
    for (n, s) in spans.iter_mut().enumerate() {
        if s.type_id != ORG
            || s.end - s.first < 2
            || (s.first..s.end).any(|i| matches!(view.lower[i].as_str(), "of" | "for" | "and"))
        {
            continue;
        }
        // "White House Press" before "Secretary": the office's own words
        // the model left in the body's name.
        let office_after = s.end < view.len() && office(s.end);
        let ends_in_office = office(s.end - 1)
            || office_after && BEFORE_OFFICES.contains(&view.lower[s.end - 1].as_str());
        if !ends_in_office {
            continue;
        }
        let mut k = s.end;
        while k > s.first && (office(k - 1) || BEFORE_OFFICES.contains(&view.lower[k - 1].as_str()))
        {
            k -= 1;
        }
        let rest = Span { end: k, ..*s };
        let known = k > s.first
            && ((rest.first..rest.end).any(|i| view.gaz[i].has_any(BODIES))
                || known_orgs.contains(span_text(view, &rest)));
        if known {
            s.end = k;
        } else {
            dropped.push(n);
        }
    }
    for n in dropped.into_iter().rev() {
        spans.remove(n);
    }
}

/// A role typed an organisation is no organisation: "Secretary of State",
/// "Supreme Leader of Iran", "Member of Parliament", "Senate Majority
/// Leader" name what someone is, and an ORG facet listing them would count
/// offices as bodies.
fn drop_roles_typed_organisations(view: &DocView, spans: &mut Vec<Span>) {
    spans.retain(|s| {
        if s.type_id != ORG || s.end - s.first < 2 {
            return true;
        }
        let first = view.lower[s.first].as_str();
        let second = view.lower[s.first + 1].as_str();
        let last = view.lower[s.end - 1].as_str();
        let title_of = is_title(view, s.first) && second == "of";
        // "Labour Member of Parliament", "Sunni Members of Parliament".
        let member_of = (s.first..s.end - 1).any(|i| {
            matches!(view.lower[i].as_str(), "member" | "members") && view.lower[i + 1] == "of"
        });
        // "Supreme Leader of Iran": a modifier before the title.
        let modified_title_of = s.end - s.first >= 3
            && matches!(first, "supreme" | "deputy" | "acting" | "chief" | "foreign")
            && view.lower[s.first + 2].as_str() == "of"
            && (is_title(view, s.first + 1) || second == "leader");
        !(title_of || member_of || modified_title_of || matches!(last, "leader" | "whip"))
    });
}

/// Whether a word (in lower case) is one of an organisation's name: one of
/// [`ORG_WORDS`] or [`COMPANY_TAILS`].
fn is_org_word(lower: &str) -> bool {
    static WORDS: WordSet = WordSet::of(&[ORG_WORDS, COMPANY_TAILS]);
    WORDS.contains(lower)
}

/// "The Democratic and Republican Parties", "Harvard and Yale
/// Universities": the last of two bodies that share a plural head is one
/// body, named with the head in the singular ("Republican Party"), so it
/// is the row its other mentions make.
fn one_of_bodies_sharing_a_head(view: &DocView, s: &Span, canonical: &str) -> Option<String> {
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
fn names_with_its_article(view: &DocView, s: &Span) -> bool {
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

/// Words that end a company's name, never a person's or a place's.
const COMPANY_TAILS: &[&str] = &[
    "inc",
    "inc.",
    "ltd",
    "ltd.",
    "corp",
    "corp.",
    "llc",
    "plc",
    "gmbh",
    "holdings",
    "group",
    "pharmaceuticals",
    "industries",
    "technologies",
    "enterprises",
    "laboratories",
    "airlines",
    "airways",
    "petroleum",
    "brothers",
    "bros",
    "bros.",
    "gaming",
    "entertainment",
    "studios",
    "productions",
    "pictures",
    "records",
    "motors",
    "systems",
    "instruments",
    "software",
    "kft",
    "kft.",
    "zrt",
    "zrt.",
];

/// Nouns after a name that make it a disease's: "Powassan virus", "Lyme
/// disease", "Parkinson's disease" ("outbreak" is not one: "the Wuhan
/// outbreak" is the city's).
const DISEASE_WORDS: &[&str] = &["virus", "disease", "syndrome", "fever", "disorder", "flu"];

/// Whether the words from token `end` on say that the name before them is
/// a disease's: a disease noun, after a possessive or not.
/// Diseases news names by a word of their own, not by "X disease": "dying
/// from AIDS" puts no one anywhere.
const DISEASES: &[&str] = &[
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

fn names_a_disease(view: &DocView, end: usize) -> bool {
    view.lower
        .get(after_possessive(view, end))
        .is_some_and(|noun| DISEASE_WORDS.contains(&noun.as_str()))
}

/// The 1990 US Census's given names, one a line. The lexicon leaves out
/// those that are ordinary words too ("Bill", "Mark", "Will"), so that the
/// model's features do not fire on the words; a rule that must not take
/// "Bill Gates" for a thing asks this list.
const CENSUS_GIVEN_NAMES: &str = include_str!("../sources/us_census_1990_first_names.txt");

/// Whether `word` (as written, title case) is one of [`CENSUS_GIVEN_NAMES`].
fn is_census_given_name(word: &str) -> bool {
    static NAMES: std::sync::OnceLock<HashSet<&'static str>> = std::sync::OnceLock::new();
    NAMES
        .get_or_init(|| {
            CENSUS_GIVEN_NAMES
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect()
        })
        .contains(word)
}

/// "St. Bernard Parish", "Ste. Genevieve County": a place the model read
/// from after the saint's title takes it back in, where the gazetteer
/// knows the whole name (so "St. John said Paris …" keeps Paris alone).
fn places_open_with_a_saint(view: &DocView, spans: &mut [Span], gazetteer: &Gazetteer) {
    let covered = covered_tokens(view, spans);
    for s in spans.iter_mut().filter(|s| s.type_id == LOC && s.first > 0) {
        let saint = s.first - 1;
        if covered[saint]
            || !matches!(
                view.word(saint),
                "St." | "St" | "Ste." | "Ste" | "Saint" | "Sainte"
            )
        {
            continue;
        }
        let whole = &view.text[view.tokens[saint].start..view.tokens[s.end - 1].end];
        if gazetteer.find_place(whole).is_some() {
            s.first = saint;
        }
    }
}

/// "Content from Disney, Pixar's distributor": a name the model took for
/// a place that the lexicon knows only as an organisation's, and no list
/// of places holds, is the organisation; the pass that gives one name one
/// type carries it to the name's other mentions.
fn known_bodies_are_no_places(view: &DocView, spans: &mut [Span], gazetteer: &Gazetteer) {
    const PLACE_KINDS: u16 = PLACES_AND_PEOPLES | kind::set(&[kind::CAPITAL]);
    for s in spans.iter_mut().filter(|s| s.type_id == LOC) {
        let g = view.gaz[s.first];
        let whole = if s.end - s.first == 1 {
            g.position() == 1
        } else {
            g.position() == 2
                && (s.first + 1..s.end)
                    .all(|i| view.gaz[i].position() == 3 && view.gaz[i].entry == g.entry)
                && view
                    .gaz
                    .get(s.end)
                    .is_none_or(|after| !(after.position() == 3 && after.entry == g.entry))
        };
        if whole
            && g.has_any(BODIES)
            && !g.has_any(PLACE_KINDS)
            && gazetteer.find_place(span_text(view, s)).is_none()
        {
            s.type_id = ORG;
        }
    }
}

/// "My ties to the Republican party", "the Raksa Chart party": a party's
/// name the model ended before "party" in lower case goes on over it, as
/// it does over "Party".
fn parties_written_with_a_small_p(view: &DocView, spans: &mut [Span]) {
    let n = view.len();
    let starts: HashSet<usize> = spans.iter().map(|s| s.first).collect();
    for s in spans
        .iter_mut()
        .filter(|s| s.type_id == ORG && s.end - s.first <= 3)
    {
        if s.end < n
            && view.word(s.end) == "party"
            && !starts.contains(&s.end)
            && view.is_capitalized(s.end - 1)
            && !in_capitals(view.word(s.end - 1))
        {
            s.end += 1;
        }
    }
}

/// "Newsweek, Politico, The Hill, Time Magazine, Mediaite and TMZ
/// published stories": in a list of names of which two or more are bodies
/// and none is anything else, a name the model left untagged is a body
/// too. A list item is a run of capitalised words (after a capital "The",
/// which stays outside the name), the items parted by commas and a last
/// "and" or "or".
fn bodies_listed_with_bodies(
    view: &DocView,
    spans: &mut Vec<Span>,
    is_ordinary_word: impl Fn(&str) -> bool,
) {
    let n = view.len();
    let covered = covered_tokens(view, spans);
    let span_at = |first: usize, end: usize| {
        spans
            .iter()
            .find(|s| s.first <= first && end <= s.end || first <= s.first && s.end <= end)
            .map(|s| s.type_id)
    };
    // A list item starting at token j: a run of capitalised words, after
    // a capital "The" kept outside it (then the item is "titled": its
    // words may be the language's, "The Hill").
    let item_at = |j: usize| -> Option<(usize, usize, bool)> {
        let first = if j + 1 < n && view.word(j) == "The" && view.is_capitalized(j + 1) {
            j + 1
        } else {
            j
        };
        let mut end = first;
        while end < n && view.is_capitalized(end) && !(end > first && view.sent_start[end]) {
            end += 1;
        }
        (end > first).then_some((first, end, first > j))
    };
    let mut added = Vec::new();
    let mut retyped = Vec::new();
    let mut i = 0;
    while i < n {
        // The items of a list starting at token i.
        let mut items: Vec<(usize, usize, bool)> = Vec::new();
        let mut j = i;
        while let Some(item) = item_at(j) {
            items.push(item);
            // ", ", ", and ", " and ", " or ".
            let mut k = item.1;
            let comma = k < n && view.word(k) == ",";
            if comma {
                k += 1;
            }
            let last = k < n && matches!(view.lower[k].as_str(), "and" | "or");
            if last {
                k += 1;
            }
            if !(comma || last) || k >= n {
                break;
            }
            if last {
                // One more item, which opens no sentence, then the list ends.
                items.extend(item_at(k).filter(|&(first, ..)| !view.sent_start[first]));
                break;
            }
            j = k;
        }
        let next = items.last().map_or(i + 1, |&(_, end, _)| end.max(i + 1));
        if items.len() >= 3 {
            let types: Vec<Option<u8>> = items.iter().map(|&(a, b, _)| span_at(a, b)).collect();
            let count = |kind: u8| types.iter().filter(|t| **t == Some(kind)).count();
            let (bodies, things) = (count(ORG), count(MISC));
            // A name the model called a thing ("The Independent") is a body
            // too where bodies are as many in the list; a person or a place
            // makes it a list of something else.
            if bodies >= 2 && bodies >= things && bodies + things == types.iter().flatten().count()
            {
                for (&(first, end, titled), t) in items.iter().zip(&types) {
                    // Words of the language ("Robotics, AI Systems and
                    // Smart Financial Services"), and a people's plural
                    // ("the Cacons, Caquins and Gafets"), name no body.
                    let ordinary = !titled && (first..end).all(|k| is_ordinary_word(view.word(k)))
                        || end - first == 1
                            && view.word(first).ends_with('s')
                            && !in_capitals(view.word(first));
                    if ordinary {
                        continue;
                    }
                    if t.is_none() && !(first..end).any(|k| covered[k]) {
                        added.push(Span {
                            first,
                            end,
                            type_id: ORG,
                            from_rule: true,
                        });
                    } else if *t == Some(MISC) {
                        retyped.push((first, end));
                    }
                }
            }
        }
        i = next;
    }
    for s in spans.iter_mut().filter(|s| s.type_id == MISC) {
        if retyped.contains(&(s.first, s.end)) {
            s.type_id = ORG;
        }
    }
    spans.extend(added);
    spans.sort_by_key(|s| s.first);
}

/// Which tokens of the story some span already covers.
fn covered_tokens(view: &DocView, spans: &[Span]) -> Vec<bool> {
    let mut covered = vec![false; view.len()];
    for s in spans {
        covered[s.first..s.end].iter_mut().for_each(|c| *c = true);
    }
    covered
}

/// Nouns said only of places, which "the … of" puts before a place's name.
const PLACE_NOUNS: &[&str] = &[
    "town",
    "city",
    "village",
    "hamlet",
    "municipality",
    "commune",
    "suburb",
    "province",
    "region",
    "island",
    "port",
];

/// Whether token `i` follows "the", a noun said only of places (in lower
/// case) and "of": "the town of Yeoncheon".
fn after_a_place_noun(view: &DocView, i: usize) -> bool {
    i >= 3
        && view.lower[i - 1] == "of"
        && PLACE_NOUNS.contains(&view.word(i - 2))
        && view.lower[i - 3] == "the"
}

/// "The town of Yeoncheon", "the village of Kfar Aza": a name after "the",
/// a noun said only of places and "of" is a place's, whether the model
/// left it untagged or took it for someone or a thing. The noun is in lower
/// case: "the City of London" is a name of its own.
fn places_after_their_kind(view: &DocView, spans: &mut Vec<Span>) {
    const MOST_WORDS: usize = 4;
    let n = view.len();
    let mut added = Vec::new();
    for first in 3..n {
        if !after_a_place_noun(view, first)
            || !view.is_capitalized(first)
            || view.sent_start[first]
            || in_capitals(view.word(first))
        {
            continue;
        }
        match spans.iter_mut().find(|s| s.first <= first && first < s.end) {
            Some(s) if s.first == first && matches!(s.type_id, PERSON | MISC) => s.type_id = LOC,
            Some(_) => {}
            None => {
                let mut end = first;
                while end < n
                    && end - first < MOST_WORDS
                    && view.is_capitalized(end)
                    && !view.sent_start[end]
                    && !in_capitals(view.word(end))
                {
                    end += 1;
                }
                added.push(Span {
                    first,
                    end,
                    type_id: LOC,
                    from_rule: true,
                });
            }
        }
    }
    spans.extend(added);
    spans.sort_by_key(|s| s.first);
}

/// "Regeneron Pharmaceuticals", "Fort Pitt Capital Group": a company's word
/// the model left after a name it took for a person's or a place's belongs
/// to that name, which is a company's.
fn company_words_after(view: &DocView, spans: &mut [Span]) {
    let covered = covered_tokens(view, spans);
    for s in spans
        .iter_mut()
        .filter(|s| matches!(s.type_id, PERSON | LOC))
    {
        let mut end = s.end;
        while end < view.len()
            && !covered[end]
            && !view.sent_start[end]
            && view.is_capitalized(end)
            && COMPANY_TAILS.contains(&view.lower[end].as_str())
        {
            end += 1;
        }
        if end > s.end {
            s.end = end;
            s.type_id = ORG;
        }
    }
}

/// A question's or a list's punctuation is no part of a name: "… than President
/// Trump?" names Trump, the same person as everywhere else in the story; nor is
/// a verb of saying after it.
fn trim_punctuation(view: &DocView, spans: &mut Vec<Span>) {
    let is_edge = |i: usize| {
        matches!(
            view.word(i),
            "?" | "!" | "," | ";" | ":" | "\"" | "\u{201c}" | "\u{201d}"
        )
    };
    for s in spans.iter_mut() {
        // A closing bracket without its opening one ends the name: "((Sara
        // Seager)) No." is an interview's speaker mark and her answer.
        if let Some(close) = (s.first..s.end).find(|&i| view.word(i) == ")")
            && !(s.first..close).any(|i| view.word(i) == "(")
        {
            s.end = close;
        }
        while s.first < s.end && is_edge(s.end - 1) {
            s.end -= 1;
        }
        while s.first < s.end && is_edge(s.first) {
            s.first += 1;
        }
        // "Bizheva said: …": no name ends in a verb of saying; the model
        // sometimes takes the verb after a name it has seen little of.
        while s.end - s.first >= 2 && SPEECH_VERBS.contains(&view.word(s.end - 1)) {
            s.end -= 1;
            while s.first < s.end && is_edge(s.end - 1) {
                s.end -= 1;
            }
        }
    }
    spans.retain(|s| s.first < s.end);
    // "Norfolk, Virginia * River Rouge Plant of Dearborn": a list's bullet
    // parts two names however close the model saw them.
    // "zoviet*france" is a band's one name.
    let is_bullet = |i: usize| {
        matches!(view.word(i), "*" | "•" | "|")
            && i > 0
            && view.tokens[i - 1].end < view.tokens[i].start
            && view
                .tokens
                .get(i + 1)
                .is_none_or(|next| view.tokens[i].end < next.start)
    };
    if spans.iter().any(|s| (s.first..s.end).any(is_bullet)) {
        let mut parted = Vec::with_capacity(spans.len() + 1);
        for s in spans.drain(..) {
            let mut first = s.first;
            for i in s.first..=s.end {
                if i == s.end || is_bullet(i) {
                    if first < i {
                        parted.push(Span { first, end: i, ..s });
                    }
                    first = i + 1;
                }
            }
        }
        *spans = parted;
    }
}

/// Wikinews interviews mark each speaker as "((Sara Seager))" and the
/// interviewer as "((WN))" or "((WSS))": a full name in that mark is a person
/// wherever it is named in the interview (the model saw organisations in
/// some), and a mark of capitals only is initials, no entity.
fn interview_speakers(view: &DocView, spans: &mut Vec<Span>) {
    let marked = |s: &Span| {
        s.first >= 2
            && s.end + 1 < view.len()
            && view.word(s.first - 2) == "("
            && view.word(s.first - 1) == "("
            && view.word(s.end) == ")"
            && view.word(s.end + 1) == ")"
    };
    spans.retain(|s| {
        !(marked(s)
            && s.end - s.first == 1
            && view.word(s.first).chars().all(|c| c.is_ascii_uppercase()))
    });
    let text_of = |s: &Span| &view.text[view.tokens[s.first].start..view.tokens[s.end - 1].end];
    // A one-word mark may be the publication ("((Wikinews))"): only full
    // names are taken for people.
    let speakers: Vec<&str> = spans
        .iter()
        .filter(|s| marked(s) && s.end - s.first >= 2)
        .map(text_of)
        .collect();
    if speakers.is_empty() {
        return;
    }
    for s in spans.iter_mut() {
        if speakers.contains(&text_of(s)) {
            s.type_id = PERSON;
        }
    }
}

/// "Secretary of State Mike Pompeo", "Minister of Education Stefania Giannini":
/// the model starts the name at the title's domain, and "State Mike Pompeo" was
/// a place. In a span right after "<title> of", the words before the first given
/// name that is followed by another word (or, with no known given name, the first
/// of a person's three words) go to the role, and the name left is a person's.
fn strip_title_domains(view: &DocView, spans: &mut [Span], roles: &mut HashMap<usize, String>) {
    for s in spans.iter_mut() {
        let before = s
            .first
            .checked_sub(1)
            .filter(|&of| of > 0 && view.lower[of] == "of" && !view.sent_start[s.first]);
        // The model may take the title into the span as well ("US Secretary of
        // State Mike Pompeo" as one organisation): the same title, inside.
        let inside = || (s.first + 1..s.end).find(|&i| view.lower[i] == "of");
        let (of, domain_start) = match before {
            // "Chief Operating Officer of Delta Air Lines": an organisation after
            // the title is where the person works.
            Some(of) if s.type_id != ORG => (of, s.first),
            Some(_) => continue,
            None => match inside() {
                Some(of) => (of, of + 1),
                None => {
                    role_of_domain_before(view, s, roles);
                    continue;
                }
            },
        };
        if !is_title(view, of - 1) {
            continue;
        }
        // Without a known given name, a domain of one word before a name of two,
        // where the model saw a person ("Governor of New South Wales" stays).
        let Some(first) = (domain_start + 1..s.end.saturating_sub(1))
            .find(|&i| view.gaz[i].has(kind::FIRST_NAME))
            .or((s.type_id == PERSON && s.end - domain_start == 3).then_some(domain_start + 1))
        else {
            continue;
        };
        let start = if before.is_some() {
            role_before(view, of).map_or(of - 1, |(start, _)| start)
        } else {
            s.first
        };
        let role = &view.text[view.tokens[start].start..view.tokens[first - 1].end];
        roles.insert(first, role.to_string());
        s.first = first;
        s.type_id = PERSON;
    }
}

/// "Kamloops, B.C.", "Toowoomba, Qld", "Springfield, Ill.": a name before a
/// comma and a state's or province's abbreviation is a place in it, whatever
/// the model made of either (it took Kamloops for a person and B.C. for an
/// organisation). Two-letter postal codes ("OR", "IN") are words too often to
/// count here.
fn places_before_their_division(view: &DocView, spans: &mut Vec<Span>) {
    let n = view.len();
    let mut added = Vec::new();
    for comma in 1..n.saturating_sub(1) {
        let abbreviation = view.word(comma + 1);
        if view.word(comma) != ","
            || !(abbreviation.contains('.') || abbreviation.len() > 2)
            || !abbreviation.starts_with(|c: char| c.is_uppercase())
            || division_abbreviation(abbreviation).is_none()
        {
            continue;
        }
        let mut placed = false;
        for s in spans.iter_mut() {
            if s.first == comma + 1 && s.end == comma + 2 {
                s.type_id = LOC;
            } else if s.end == comma && !(s.type_id == ORG && has_org_word(view, s.first, s.end)) {
                s.type_id = LOC;
                placed = true;
            }
        }
        if !spans
            .iter()
            .any(|s| s.first <= comma + 1 && comma + 1 < s.end)
        {
            added.push(Span {
                first: comma + 1,
                end: comma + 2,
                type_id: LOC,
                from_rule: true,
            });
        }
        let before = comma - 1;
        if !placed
            && !spans.iter().any(|s| s.first <= before && before < s.end)
            && view.is_capitalized(before)
            && !view.sent_start[before]
            && !view.lower_is_common(before)
        {
            added.push(Span {
                first: before,
                end: comma,
                type_id: LOC,
                from_rule: true,
            });
        }
    }
    spans.extend(added);
    spans.sort_by_key(|s| s.first);
}

/// Lowercase particles that join the parts of a person's or a place's name
/// (a narrower set than the words inside organisations' names).
const JOINING_PARTICLES: &[&str] = &[
    "de", "des", "du", "del", "della", "di", "da", "van", "von", "der", "den", "dos", "das",
];

impl EntityTagger<'_> {
    /// "The Church of Scientology … a war that Scientology has been
    /// waging": an organisation named "X of Y", where X names no state or
    /// place ("the Republic of Artsakh") and Y is one word that names
    /// nothing else (no place, people, faith, title, ordinary word or
    /// given name), is called Y alone too. Y's mentions the model left
    /// untagged or took for a thing are the organisation, and carry its
    /// full name.
    fn organisations_named_by_what_they_are_of<'v>(
        &self,
        view: &'v DocView,
        spans: &mut Vec<Span>,
        full_names: &mut HashMap<usize, &'v str>,
    ) {
        // "The Republic of Artsakh" is a country, "Artsakh" its name.
        const STATES_HEADS: &[&str] = &[
            "republic",
            "kingdom",
            "state",
            "commonwealth",
            "principality",
            "emirate",
            "sultanate",
            "duchy",
            "federation",
            "city",
            "town",
            "municipality",
        ];
        let mut named_of: HashMap<&str, &str> = HashMap::default();
        for s in spans
            .iter()
            .filter(|s| s.type_id == ORG && s.end - s.first == 3)
        {
            let of = view.word(s.first + 1);
            let i = s.end - 1;
            let word = view.word(i);
            let head = view.lower[s.first].as_str();
            if of == "of"
                && view.is_capitalized(s.first)
                && !STATES_HEADS.contains(&head)
                && !PLACE_WORDS.contains(&head)
                && self.is_plain_name_word(view, i)
                && !view.gaz[i].has_any(NAMES_NO_ONE | kind::set(&[kind::CAPITAL]))
                && !RELIGIONS.contains(&word)
                && !self.is_given_name(view, i)
                && self.gazetteer.find_place(word).is_none()
            {
                named_of.insert(word, span_text(view, s));
            }
        }
        if named_of.is_empty() {
            return;
        }
        let named: Vec<Span> = spans
            .iter()
            .filter(|s| s.type_id != MISC)
            .copied()
            .collect();
        let covered = covered_tokens(view, &named);
        let mut added = Vec::new();
        for i in (0..view.len()).filter(|&i| !covered[i]) {
            let Some(&full) = named_of.get(view.word(i)) else {
                continue;
            };
            let alone = (i == 0 || !view.is_capitalized(i - 1) || view.sent_start[i])
                && (i + 1 >= view.len() || !view.is_capitalized(i + 1));
            if alone {
                added.push(Span {
                    first: i,
                    end: i + 1,
                    type_id: ORG,
                    from_rule: true,
                });
                full_names.insert(i, full);
            }
        }
        spans.retain(|s| {
            !(s.type_id == MISC && added.iter().any(|a| s.first <= a.first && a.first < s.end))
        });
        spans.extend(added);
        spans.sort_by_key(|s| s.first);
    }
}

/// "The Church of Scientology … the Church's website", "the Centre for
/// Social Evolution … the Centre": a body the story has named in full is
/// called by its kind alone, capitalised after "the". Where a body of the
/// story's has that kind as its first or last word, the lone word the
/// model left untagged is a body too, which [`name_generic_bodies`] ties to
/// the one the story names in full.
fn bodies_called_by_their_kind(view: &DocView, spans: &mut Vec<Span>) {
    let mut kinds: HashSet<&str> = HashSet::default();
    for s in spans
        .iter()
        .filter(|s| s.type_id == ORG && s.end - s.first >= 2)
    {
        for i in [s.first, s.end - 1] {
            if KINDS_OF_BODY.contains(&view.lower[i].as_str()) && view.is_capitalized(i) {
                kinds.insert(view.word(i));
            }
        }
    }
    if kinds.is_empty() {
        return;
    }
    let n = view.len();
    let covered = covered_tokens(view, spans);
    let added: Vec<Span> = (1..n)
        .filter(|&i| {
            !covered[i]
                && kinds.contains(view.word(i))
                && view.lower[i - 1] == "the"
                // "The School of Open Africa" the model missed is a name
                // of its own.
                && (i + 1 >= n
                    || !view.is_capitalized(i + 1)
                        && !matches!(view.lower[i + 1].as_str(), "of" | "for"))
        })
        .map(|i| Span {
            first: i,
            end: i + 1,
            type_id: ORG,
            from_rule: true,
        })
        .collect();
    spans.extend(added);
    spans.sort_by_key(|s| s.first);
}

/// "Mahan Air … Mahan has been sanctioned": a word the model took for a
/// person alone is the organisation whose name the story opens with it
/// ([`organisation_openers`]). Returns the organisation's full name by
/// the first token of each mention so retyped.
fn short_names_of_organisations<'v>(
    view: &'v DocView,
    spans: &mut [Span],
) -> HashMap<usize, &'v str> {
    let openers = organisation_openers(view, spans);
    let mut full_names = HashMap::default();
    for s in spans
        .iter_mut()
        .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
    {
        if let Some(&full) = openers.get(view.word(s.first)) {
            s.type_id = ORG;
            full_names.insert(s.first, full);
        }
    }
    full_names
}

/// The first words of the story's organisations' names of two words or
/// more that name nothing else alone, each with the shortest such name it
/// opens: no person of the story bears the word in a longer name ("Henry
/// Ford" keeps "Ford" a person's), and it is no place's ("Qatar Airways"
/// leaves "Qatar" the country), people's, title or organisation's word. A
/// name with a place after its first word ("Netto Poland") is a part of
/// the organisation, whose name the word stays.
fn organisation_openers<'v>(view: &'v DocView, spans: &[Span]) -> HashMap<&'v str, &'v str> {
    const PLACE_KINDS: [u8; 5] = [
        kind::COUNTRY,
        kind::STATE,
        kind::CONTINENT,
        kind::CITY_LARGE,
        kind::DEMONYM,
    ];
    let place = |i: usize| PLACE_KINDS.iter().any(|&k| view.gaz[i].has(k));
    let mut openers: HashMap<&str, &str> = HashMap::default();
    for s in spans
        .iter()
        .filter(|s| s.type_id == ORG && s.end - s.first >= 2)
    {
        let i = s.first;
        if view.is_capitalized(i)
            && !in_capitals(view.word(i))
            && !is_title(view, i)
            && !is_org_word(&view.lower[i])
            && !(i..s.end).any(place)
        {
            let name = span_text(view, s);
            openers
                .entry(view.word(i))
                .and_modify(|known| {
                    if (name.len(), name) < (known.len(), *known) {
                        *known = name;
                    }
                })
                .or_insert(name);
        }
    }
    for s in spans
        .iter()
        .filter(|s| s.type_id == PERSON && s.end - s.first >= 2)
    {
        for i in s.first..s.end {
            openers.remove(view.word(i));
        }
    }
    openers
}

/// "Palais des Nations", "Ursula von der Leyen": a name goes on across its
/// lowercase particles when a capitalised word follows them, where the model
/// stopped before the particle. A one-word "person" that is no known given
/// name and goes on so is a place's name ("Palais" in "Palais des Nations").
fn join_name_particles(view: &DocView, spans: &mut Vec<Span>) {
    let n = view.len();
    let capitalised = |i: usize| view.word(i).starts_with(|c: char| c.is_uppercase());
    let mut i = 0;
    while i < spans.len() {
        let s = &spans[i];
        // "Qaboos bin Said", "Osama bin Laden": a patronymic's particle
        // joins a person's name only.
        let particle = |w: &str| {
            JOINING_PARTICLES.contains(&w)
                || s.type_id == PERSON && matches!(w, "bin" | "ibn" | "bint")
        };
        let mut j = s.end;
        while j < n && particle(view.word(j)) {
            j += 1;
        }
        if j == s.end || j >= n || j - s.end > 2 || !capitalised(j) || view.sent_start[j] {
            i += 1;
            continue;
        }
        let mut end = j;
        while end < n && capitalised(end) && !view.sent_start[end] {
            end += 1;
        }
        let one_unknown_word = s.end - s.first == 1 && !view.gaz[s.first].has(kind::FIRST_NAME);
        let patronymic = (s.end..j).any(|k| !JOINING_PARTICLES.contains(&view.word(k)));
        let (first, type_id) = (s.first, s.type_id);
        spans.retain(|o| o.first == first || o.end <= first || o.first >= end);
        let s = spans
            .iter_mut()
            .find(|o| o.first == first)
            .expect("the span being joined stays");
        s.end = end;
        if type_id == PERSON && one_unknown_word && !patronymic {
            s.type_id = LOC;
        }
        i += 1;
    }
}

/// "Minister of Education Stefania Giannini" where the model saw only the
/// name: the title and its domain before it are the person's role.
fn role_of_domain_before(view: &DocView, s: &Span, roles: &mut HashMap<usize, String>) {
    if s.type_id != PERSON || roles.contains_key(&s.first) {
        return;
    }
    let capitalised = |i: usize| view.word(i).starts_with(|c: char| c.is_uppercase());
    let mut j = s.first;
    while j > s.first.saturating_sub(4) && j > 1 && !view.sent_start[j] {
        j -= 1;
        if view.lower[j] == "of" {
            if j + 1 < s.first && is_title(view, j - 1) {
                let start = role_before(view, j).map_or(j - 1, |(start, _)| start);
                let role = &view.text[view.tokens[start].start..view.tokens[s.first - 1].end];
                roles.insert(s.first, role.to_string());
            }
            return;
        }
        if !capitalised(j) {
            return;
        }
    }
}

/// "Hurricane Dorian", "Typhoon Hagibis", "Tropical Storm Imelda": a storm's
/// name is an event's, not a person's or a place's, though it looks like one,
/// and so is the name alone later in the story ("Dorian turned north").
fn drop_named_storms(view: &DocView, spans: &mut Vec<Span>) {
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

/// "US$ 40 billion", "A$5", "HK$ 10": a country's code glued to a currency sign
/// names money, not a place; and three capitals glued to a number, a
/// currency's code and an amount ("USD15", "EUR2.5") or a flight's number
/// ("AXB1344"), name nothing.
fn drop_currency_codes(view: &DocView, spans: &mut Vec<Span>) {
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
fn drop_quantities(view: &DocView, spans: &mut Vec<Span>) {
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

/// "22-year-old Rangoli Patil", "Humberto 785": no person's name holds a
/// number. A word with digits before or after a person's name is cut off it;
/// one inside ("Movimento 5 Stelle") makes it no person's name at all.
fn numbers_are_no_part_of_names(view: &DocView, spans: &mut Vec<Span>) {
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

/// Plurals after a place that say what the place is or hold an event, not
/// a team: "the Falkland Islands", "the London Olympics".
const PLACE_PLURALS: &[&str] = &[
    "islands",
    "isles",
    "islanders",
    "mountains",
    "falls",
    "heights",
    "lakes",
    "keys",
    "alps",
    "highlands",
    "lowlands",
    "territories",
    "olympics",
    "paralympics",
    "games",
    "championships",
    "awards",
    "series",
];

impl EntityTagger<'_> {
    /// "The United States Marines", "the Bowling Green Falcons", "the Boston
    /// Red Sox": a place run into a capitalised plural, one word or two whose
    /// first is a word of the language, names a force, a team or a club, not
    /// the place, where the story never writes that plural in lower case
    /// ("the Paris Catacombs … other catacombs"), it says no kind of place
    /// ("the Falkland Islands") and no more capitalised words follow. A
    /// title is no such plural ("US Senators"), so "the Kansas City Chiefs"
    /// is left to the model.
    fn teams_named_after_places(&self, view: &DocView, spans: &mut [Span]) {
        let n = view.len();
        let mut taken = vec![false; n];
        for s in spans.iter() {
            taken[s.first..s.end].iter_mut().for_each(|t| *t = true);
        }
        let nickname = |i: usize| {
            i < n
                && view.is_capitalized(i)
                && !view.sent_start[i]
                && !view.tokens[i].newline_before
                && view.word(i).chars().all(char::is_alphabetic)
                && !is_title(view, i)
                && !taken[i]
        };
        for s in spans.iter_mut().filter(|s| s.type_id == LOC) {
            let first = s.end;
            if !nickname(first) {
                continue;
            }
            let last = if view.word(first).ends_with('s') {
                first
            } else if nickname(first + 1)
                && view.word(first + 1).ends_with('s')
                && self.is_ordinary_word(view.word(first))
            {
                first + 1
            } else {
                continue;
            };
            let lower = view.lower_at(last);
            if view.lower_is_common(last)
                || PLACE_PLURALS.contains(&lower)
                || ends_a_place_name(lower)
                || (last + 1 < n && view.is_capitalized(last + 1) && !view.sent_start[last + 1])
            {
                continue;
            }
            s.end = last + 1;
            s.type_id = ORG;
        }
    }
}

/// Airlines and companies named after their country: "Air China" ("Air" before a
/// place), "China Eastern Airlines" (a place run into an organisation's name that
/// ends in an organisation's word).
fn join_places_into_org_names(view: &DocView, spans: &mut Vec<Span>) {
    spans.sort_by_key(|s| s.first);
    let covered = |spans: &[Span], i: usize| spans.iter().any(|s| s.first <= i && i < s.end);
    let mut k = 0;
    while k < spans.len() {
        let s = spans[k];
        if s.type_id == LOC
            && s.first > 0
            && view.word(s.first - 1) == "Air"
            && !view.tokens[s.first].newline_before
            && !covered(spans, s.first - 1)
        {
            spans[k].first -= 1;
            spans[k].type_id = ORG;
        }
        k += 1;
    }
    let mut k = 0;
    while k + 1 < spans.len() {
        let (a, b) = (spans[k], spans[k + 1]);
        let org_name = b.type_id == ORG
            && b.end - b.first >= 2
            && (has_org_word(view, b.first + 1, b.end)
                || ORG_HEADS.contains(&view.lower[b.end - 1].as_str()));
        if a.type_id == LOC
            && a.end == b.first
            && !view.tokens[b.first].newline_before
            && org_name
            && !view.sent_start[b.first]
        {
            spans[k] = Span {
                first: a.first,
                end: b.end,
                type_id: ORG,
                from_rule: false,
            };
            spans.remove(k + 1);
        }
        k += 1;
    }
}

/// "UC Davis", "CU Boulder", "UH Mānoa", "UT Austin": a campus of a
/// university system goes by the system's initials and the campus's town.
/// The model took the town alone for a person ("scientists from UC Davis"
/// gave a person Davis) or a place. The initials and the town's words are
/// one organisation, unless a longer name already holds them ("UC Berkeley
/// School of Law").
fn campuses_of_a_university_system(view: &DocView, spans: &mut Vec<Span>) {
    const SYSTEMS: &[&str] = &[
        "UC", "CU", "UH", "UW", "UT", "UNC", "SUNY", "CUNY", "UMass", "UConn",
    ];
    let n = view.len();
    let mut campuses: Vec<(usize, usize)> = Vec::new();
    for i in 0..n.saturating_sub(1) {
        if !SYSTEMS.contains(&view.word(i)) || !view.is_capitalized(i + 1) || is_title(view, i + 1)
        {
            continue;
        }
        let mut end = i + 1;
        while end < n && end - i <= 2 && view.is_capitalized(end) && !view.sent_start[end] {
            end += 1;
        }
        // A longer name that holds the campus stays as it is.
        if spans
            .iter()
            .any(|s| s.first <= i && s.end >= end && s.end - s.first > end - i)
        {
            continue;
        }
        campuses.push((i, end));
    }
    organisations_over(spans, campuses);
}

/// "Airbus A380", "Boeing 787", "Airbus A400M": a maker's name with a model
/// number names a product, not the organisation.
fn products_are_no_organisations(view: &DocView, spans: &mut [Span]) {
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
        if (s.first + 1..s.end).any(|i| model(view.word(i))) {
            s.type_id = MISC;
        }
    }
}

/// Words that end a story's sentence about a market index: "the Nasdaq fell 82
/// points", "the Hang Seng index".
const INDEX_WORDS: &[&str] = &["index", "indices", "indexes"];

impl EntityTagger<'_> {
    /// "General Motors Corporation": a span of the model that starts inside a
    /// well-known organisation's name and runs past it takes the whole name in.
    ///
    /// "The Islamic State of Iraq and the Levant": a span that starts a
    /// well-known organisation's name and stops inside it takes the rest
    /// in, and whatever the model made of the words taken in is gone.
    fn extend_known_organisations(&self, view: &DocView, spans: &mut Vec<Span>) {
        let n = view.len();
        let mut whole: Vec<(usize, usize)> = Vec::new();
        for s in spans.iter_mut().filter(|s| s.type_id == ORG) {
            let g = view.gaz[s.first];
            if g.position() == 3 && self.gazetteer.entry(g.entry).org.is_some() {
                let mut start = s.first;
                while start > 0
                    && view.gaz[start].position() == 3
                    && view.gaz[start].entry == g.entry
                {
                    start -= 1;
                }
                if view.gaz[start].position() == 2
                    && view.gaz[start].entry == g.entry
                    && !view.sent_start[s.first]
                {
                    s.first = start;
                }
            }
            let g = view.gaz[s.first];
            if g.position() == 2 && self.gazetteer.entry(g.entry).org.is_some() {
                let same = |i: usize| view.gaz[i].position() == 3 && view.gaz[i].entry == g.entry;
                if (s.first + 1..s.end).all(same) && s.end < n && same(s.end) {
                    let mut end = s.end;
                    while end < n && same(end) {
                        end += 1;
                    }
                    whole.push((s.first, end));
                }
            }
        }
        organisations_over(spans, whole);
    }

    /// People the model typed an organisation, which the story shows are
    /// people: a name whose last word the story titles or has speak alone
    /// ("teacher Amar Patel … Patel said"), or a name whose second word is a
    /// surname particle ("businessman Rocky De La Fuente"). A name
    /// with a word of organisations in it ("Patel Engineering") stays one.
    fn people_not_organisations(&self, view: &DocView, spans: &mut [Span]) {
        // Lone names the model calls a person more than once, or that the
        // story titles or has speak ("Patel said").
        let mut lone_people: HashMap<&str, (usize, bool)> = HashMap::default();
        for s in spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
        {
            let someone = role_before(view, s.first).is_some()
                || role_after(view, s.end).is_some()
                || view
                    .lower
                    .get(s.end)
                    .is_some_and(|next| SPEECH_VERBS.contains(&next.as_str()));
            let seen = lone_people.entry(view.word(s.first)).or_default();
            seen.0 += 1;
            seen.1 |= someone;
        }
        let lone_person = |w: &str| {
            lone_people
                .get(w)
                .is_some_and(|&(times, someone)| times >= 2 || someone)
        };
        let lone_orgs: HashSet<&str> = spans
            .iter()
            .filter(|s| s.type_id == ORG && s.end - s.first == 1)
            .map(|s| view.word(s.first))
            .collect();
        // A word that ends several organisations' names ("Oracle Linux",
        // "Enterprise Linux") is a family's name, not a person's.
        let names_ending = names_by_last_word(view, spans, |t| t == ORG);
        for s in spans
            .iter_mut()
            .filter(|s| s.type_id == ORG && s.end - s.first >= 2)
        {
            // Written as names are ("Amar Patel", not "CentOS Linux").
            let names_like_a_person = (s.first..s.end).all(|i| {
                let w = view.word(i);
                let mut letters = w.chars().filter(|c| c.is_alphabetic());
                letters.next().is_some_and(char::is_uppercase)
                    && (letters.all(char::is_lowercase) || CAPITALISED_PARTICLES.contains(&w))
                    && !is_org_word(&view.lower[i])
                    && !ORG_HEADS.contains(&view.lower[i].as_str())
                    && !COMPANY_WORDS.contains(&view.word(i))
                    && !LEGAL_SUFFIXES.contains(&view.word(i))
            });
            if !names_like_a_person {
                continue;
            }
            let last = view.word(s.end - 1);
            let surname_alone = lone_person(last)
                && !lone_orgs.contains(last)
                && names_ending.get(last).is_none_or(|names| names.len() == 1);
            let particle_surname =
                CAPITALISED_PARTICLES.contains(&view.word(s.first + 1)) && s.end - s.first >= 3;
            // "Leung Yiu-chung", "Moon Jae-in": a family name, then a given
            // name of two syllables joined by a hyphen, as Chinese and Korean
            // names are romanised.
            let hyphenated_given =
                s.end - s.first == 2 && is_hyphenated_given_name(view.word(s.end - 1));
            // "Hearings for Amy Coney Barrett": a given name, a middle
            // name and a surname, none of them a word of the language or a
            // place's name, nor a name the lexicon holds as a body's. (Two
            // words are too often a place and its kind: "Florence Place",
            // "Cleveland Orchestra".)
            let given_middle_surname = s.end - s.first == 3
                && self.is_given_name(view, s.first)
                && (s.first..s.end).all(|i| {
                    !self.is_ordinary_word(view.word(i))
                        && !view.gaz[i].has_any(BODIES)
                        && (i == s.first || self.gazetteer.find_place(view.word(i)).is_none())
                });
            let in_lexicon = (s.first..s.end).any(|i| view.gaz[i].has_any(BODIES));
            // "Chuck Jones", "Nikki Holland": a given name, then a family
            // name the census counts, that no lexicon holds as a body's
            // ("Morgan Stanley" stays a bank).
            let given_and_family_name = s.end - s.first == 2
                && self.is_given_name(view, s.first)
                && !is_title(view, s.first)
                // "Mister America" is a film's name.
                && !view.gaz[s.end - 1].has(kind::COUNTRY)
                && !view.gaz[s.end - 1].has(kind::CONTINENT)
                && self.surnames.contains(&view.lower[s.end - 1])
                && !in_lexicon;
            // "Vladimir Putin, president of Russia, said", "said Tedros
            // Adhanom Ghebreyesus, the Director-General of the WHO": the
            // mention itself gives the name an office. (Speaking alone is
            // no sign: companies speak as often.)
            let given_an_office = s.end - s.first <= 3
                && !in_lexicon
                && (role_before(view, s.first).is_some() || role_after(view, s.end).is_some());
            if surname_alone
                || particle_surname
                || hyphenated_given
                || given_middle_surname
                || given_and_family_name
                || given_an_office
            {
                s.type_id = PERSON;
                // "Bishop Emeritus Dinualdo Gutierrez": a title before the
                // name is no part of it.
                while s.end - s.first > 2 {
                    let w = view.lower[s.first].as_str();
                    if is_title_word(w) || ROLE_MODIFIERS.contains(&w) {
                        s.first += 1;
                    } else {
                        break;
                    }
                }
            }
        }
    }

    /// Companies named like people ("Northrop Grumman", "Lockheed Martin",
    /// "Apple Computer"): a name whose first word is no given name is an
    /// organisation where it is listed with organisations ("X and Boeing",
    /// "between Boeing and X") or starts with a known organisation's name; its
    /// short form ("Lockheed") follows.
    fn companies_not_people(&self, view: &DocView, spans: &mut Vec<Span>) {
        spans.sort_by_key(|s| s.first);
        // "Rocky Linux" beside "CentOS Linux" and "Red Hat Enterprise
        // Linux", and "Linux" alone: a would-be person's last word that
        // ends two or more other names the story gives bodies or things
        // is a family of products', and so is the name, where no one else
        // of the story bears it. Not a family of people's ("Luigi Caloi",
        // "Guido Caloi" and the firm "Irmãos Caloi").
        // The full names first, so that a lone "Linux" counts "Rocky
        // Linux" among the products; a lone given name ("Jerome" of the
        // "Church of St. Jerome") stays someone.
        for lone in [false, true] {
            let endings = names_by_last_word(view, spans, |t| matches!(t, ORG | MISC));
            let bearers = names_by_last_word(view, spans, |t| t == PERSON);
            for s in spans
                .iter_mut()
                .filter(|s| s.type_id == PERSON && (s.end - s.first == 1) == lone)
            {
                let last = view.word(s.end - 1);
                let own = span_text(view, s);
                let people = bearers.get(last);
                // A full name is among the bearers itself.
                let others_bearing = people.map_or(0, HashSet::len) - usize::from(!lone);
                // Other names, not of people: the model gives a name one
                // type in one mention and another in the next.
                let others_ending = endings.get(last).map_or(0, |names| {
                    let others: Vec<&str> = names
                        .iter()
                        .copied()
                        .filter(|n| {
                            // "Casa Luiz Caloi" beside "Luiz Caloi" is his.
                            let its_own = if lone { *n == own } else { n.ends_with(own) };
                            !its_own && !people.is_some_and(|p| p.contains(n))
                        })
                        .collect();
                    // "Kermie Worm & Mr. Marbles" is "Mr. Marbles" again,
                    // and "Red Hat Enterprise Linux" "Enterprise Linux".
                    let ends_with_name = |n: &str, m: &str| {
                        n.strip_suffix(m).is_some_and(|rest| rest.ends_with(' '))
                    };
                    others
                        .iter()
                        .filter(|n| !others.iter().any(|m| ends_with_name(n, m)))
                        .count()
                });
                if others_ending >= 2
                    && others_bearing == 0
                    && !(lone && view.gaz[s.first].has(kind::FIRST_NAME))
                {
                    s.type_id = ORG;
                }
            }
        }
        let mut added = Vec::new();
        let not_given_name = |s: &Span| {
            !view.gaz[s.first].has(kind::FIRST_NAME)
                && role_before(view, s.first).is_none()
                && role_after(view, s.end).is_none()
        };
        let known_org = |i: usize| {
            let g = view.gaz[i];
            g.position() == 1 && g.has_any(BODIES) && !g.has(kind::FIRST_NAME)
        };
        // A lone word is someone's only if it is no word of a full name of
        // the story's people ("Isabel and I" after "Isabel Hernandez").
        let full_name_words = full_name_words(view, spans);
        for k in 0..spans.len() {
            let s = spans[k];
            let lone_someone = s.end - s.first == 1 && full_name_words.contains(view.word(s.first));
            // "General Motors and Berkshire Hathaway": a place the gazetteer
            // does not know, of no place's word, is listed the same way.
            // Not where a place is put ("tours in Taasinge or …"), nor
            // after "the" ("the Newfoundland and Labrador Court").
            let unknown_place = s.type_id == LOC
                && !PLACE_WORDS.contains(&view.lower[s.end - 1].as_str())
                && !s.first.checked_sub(1).is_some_and(|j| {
                    let w = view.lower[j].as_str();
                    w == "the" || LOCATIVES.contains(&w)
                })
                && self.gazetteer.find_place(span_text(view, &s)).is_none();
            if !(s.type_id == PERSON || unknown_place) || lone_someone || !not_given_name(&s) {
                continue;
            }
            // An organisation in a phrase of its own ("Jane Roe of DAB and …")
            // is no item of the list.
            let org_beside = |j: usize| {
                let o = &spans[j];
                let mut b = o.first;
                if b > 0 && view.lower[b - 1] == "the" {
                    b -= 1;
                }
                let affiliation =
                    b > 0 && matches!(view.lower[b - 1].as_str(), "of" | "from" | "at");
                // A place the gazetteer lacks needs a body beside it that is
                // surely one (an island of "Petite Terre, Les Saintes" is no
                // company because the model took one island for one).
                let sure = !unknown_place
                    || (o.first..o.end).all(|i| {
                        let g = view.gaz[i];
                        g.has_any(BODIES)
                    })
                    || has_org_word(view, o.first, o.end);
                // "Don Blankenship, U.S. Constitution Party presidential
                // nominee": a body before a role is the person's appositive.
                let role_follows = (o.end..(o.end + 3).min(view.len()))
                    .take_while(|&i| view.word(i).starts_with(char::is_lowercase))
                    .any(|i| is_title(view, i));
                o.type_id == ORG && o.end - o.first <= 4 && !affiliation && sure && !role_follows
            };
            let joined_before = k > 0 && listed_together(view, &spans[k - 1], &s);
            let joined_after = k + 1 < spans.len() && listed_together(view, &s, &spans[k + 1]);
            let before = joined_before && org_beside(k - 1);
            let after = joined_after && org_beside(k + 1);
            // A lone word after a bare comma may open a clause ("According
            // to the Herald, Emeritus Professor …"): it needs a list on its
            // other side too, or an "and" of its own.
            let comma_only = |a: &Span, b: &Span| b.first == a.end + 1 && view.word(a.end) == ",";
            let listed = if s.end - s.first == 1 {
                before && (joined_after || !comma_only(&spans[k - 1], &s))
                    || after && (joined_before || !comma_only(&s, &spans[k + 1]))
            } else {
                before || after
            };
            // Retyped at once, so that a list's next item has an
            // organisation before it ("Deutsche Telekom, Daimler, and
            // Siemens").
            // "Exxon Mobil, Chevron and Total all fell 2 percent": a list
            // of names whose shares moved.
            let shares_moved = || {
                let mut last = k;
                while last + 1 < spans.len()
                    && listed_together(view, &spans[last], &spans[last + 1])
                {
                    last += 1;
                }
                let mut after = after_possessive(view, spans[last].end);
                if matches!(
                    view.lower.get(after).map(|w| w.as_str()),
                    Some("all" | "both")
                ) {
                    after += 1;
                }
                moves_like_a_share(view, after)
            };
            if listed || s.type_id == PERSON && (known_org(s.first) || shares_moved()) {
                spans[k].type_id = ORG;
            }
        }
        // Their short forms: "Lockheed" of "Lockheed Martin", unless a person of
        // the story bears that name.
        let org_firsts: HashSet<&str> = spans
            .iter()
            .filter(|s| s.type_id == ORG && s.end - s.first >= 2)
            .map(|s| view.word(s.first))
            .collect();
        let person_parts: HashSet<&str> = spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first >= 2)
            .flat_map(|s| [view.word(s.first), view.word(s.end - 1)])
            .collect();
        let mut covered = vec![false; view.len()];
        for s in spans.iter_mut() {
            covered[s.first..s.end].iter_mut().for_each(|c| *c = true);
            let w = view.word(s.first);
            if s.type_id == PERSON
                && s.end - s.first == 1
                && org_firsts.contains(w)
                && !person_parts.contains(w)
            {
                s.type_id = ORG;
            }
        }
        // A short form the model left untagged ("…, Lockheed ultimately winning"),
        // where the word is no known name of its own, no title and no common word.
        for (i, _) in covered.iter().enumerate().filter(|(_, c)| !**c) {
            let w = view.word(i);
            let alone = i + 1 >= view.len() || !view.is_capitalized(i + 1);
            if alone
                && view.is_capitalized(i)
                && !view.sent_start[i]
                && org_firsts.contains(w)
                && !person_parts.contains(w)
                && !view.lower_is_common(i)
                && !is_title(view, i)
                && !ROLE_MODIFIERS.contains(&view.lower[i].as_str())
                && self.gazetteer.lookup(w).is_none()
            {
                added.push(Span {
                    first: i,
                    end: i + 1,
                    type_id: ORG,
                    from_rule: true,
                });
            }
        }
        spans.extend(added);
        spans.sort_by_key(|s| s.first);
    }

    /// Market indices ("the Dow Jones Industrial Average", "the Nasdaq fell 82
    /// points", "the FTSE 100 index") are no organisations: every mention of a
    /// name the story uses as an index is left unreported, like other MISC names.
    fn market_indices_are_no_organisations(&self, view: &DocView, spans: &mut [Span]) {
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
            // "the Nasdaq fell 82.65 points".
            let acronym = s.end + 2 < n && view.word(s.end) == "(" && view.word(s.end + 2) == ")";
            let from = if acronym { s.end + 3 } else { s.end };
            let points = (from..n.min(from + 16))
                .take_while(|&i| !covered[i] && !view.sent_start[i])
                .any(|i| view.lower[i] == "points");
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

#[cfg(test)]
mod tests {
    use super::one_slip_apart;

    #[test]
    fn one_slip_is_a_swap_a_letter_too_many_or_few_a_wrong_one_or_a_capital() {
        for (a, b) in [
            ("Chrylser", "Chrysler"),
            ("Lousiana", "Louisiana"),
            ("Missisippi", "Mississippi"),
            ("Magnitigorsk", "Magnitogorsk"),
            ("Github", "GitHub"),
        ] {
            assert!(one_slip_apart(a, b), "{a} {b}");
            assert!(one_slip_apart(b, a), "{b} {a}");
        }
        for (a, b) in [
            ("Chrysler", "Chrysler"),
            // Another word made from the name, at its end.
            ("Slovenian", "Slovenia"),
            ("Turpins", "Turpin"),
            // Two slips, or a different first letter.
            ("Chrylsre", "Chrysler"),
            ("Bitcoin", "Mitcoin"),
            ("Pittsburgh", "Pittsbur"),
        ] {
            assert!(!one_slip_apart(a, b), "{a} {b}");
        }
    }
}
