//! Titles, offices and roles: the words before or after a name that say
//! what someone is, kept as the person's role and out of the name's span;
//! and spans made only of them, which name no one.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::org_cues::ORG_CUES_BEFORE;
use super::organisations::has_org_word;
use super::spans::{Span, span_text};
use super::{BODIES, EntityTagger, LOC, ORG, PERSON};
use crate::features::{DocView, is_title_word};
use crate::gazetteer::{PlaceKind, in_capitals, kind};

/// Words that may sit inside a title run before a name without being titles
/// themselves: "Foreign Minister", "Vice President", "former Prime Minister".
pub(super) const ROLE_MODIFIERS: &[&str] = &[
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

pub(super) fn is_title(view: &DocView, i: usize) -> bool {
    // "DR Congo", "MS Estonia": short titles in capitals are something else.
    let w = view.word(i);
    let shouting = w.len() <= 3 && w.chars().all(|c| c.is_ascii_uppercase());
    is_title_word(&view.lower[i]) && !(shouting && w != "CEO")
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
    "whip",
];

/// Whether token `i` says what office someone holds: a title, a rank or
/// one of [`OFFICES`].
pub(super) fn is_office(view: &DocView, i: usize) -> bool {
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
pub(super) fn role_before(view: &DocView, first: usize) -> Option<(usize, String)> {
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
pub(super) const FOREIGN_TITLES: &[&str] = &[
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

/// Whether token `i` is a practitioner's noun by its ending, capitalised
/// ("Violinist", "Columnist").
pub(super) fn is_practitioner(view: &DocView, i: usize) -> bool {
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
pub(super) const PHOTO_CREDIT_LABELS: &[&str] = &["Image", "Photo", "Picture", "Credit"];

/// "Kamala Harris Image: Gage Skidmore": the label of a picture's credit
/// in a caption is no part of the name before it, and no name alone.
pub(super) fn drop_caption_labels(view: &DocView, spans: &mut Vec<Span>) {
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
pub(super) fn role_after(view: &DocView, end: usize) -> Option<String> {
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
    /// The model was trained on names without titles; when it still takes a title in
    /// ("President Obama"), the title becomes the role.
    pub(super) fn strip_titles(
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
}

impl EntityTagger<'_> {
    /// "The Obama administration", "the Biden campaign": a lone name before
    /// a word for what a leader leads or runs is the leader's, not a town of
    /// that name (Obama in Japan). A country, a region or a city of 100,000
    /// or more so named is still the place ("the Texas administration", "the
    /// Paris campaign"), and so is a word of the language ("the City
    /// administration").
    pub(super) fn leaders_named_for_what_they_lead(&self, view: &DocView, spans: &mut [Span]) {
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
}

/// "Chief Operating Officer": a span of titles and role words alone names no
/// one, whatever the model made of it; nor do role words before a title
/// ("Emeritus Professor John Burrows"), nor a party label or another
/// language's title alone ("the most senior Democrat").
pub(super) fn drop_role_only_people(view: &DocView, spans: &mut Vec<Span>) {
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
pub(super) fn organisations_before_an_office(view: &DocView, spans: &mut Vec<Span>) {
    const BEFORE_OFFICES: &[&str] = &[
        "press",
        "deputy",
        "assistant",
        "chief",
        "executive",
        "vice",
        "senior",
        "acting",
        // "Senate Majority Leader", "House Minority Whip".
        "majority",
        "minority",
    ];
    let office = |i: usize| is_office(view, i);
    let known_orgs: HashSet<&str> = spans
        .iter()
        .filter(|s| s.type_id == ORG)
        .map(|s| span_text(view, s))
        .collect();
    let mut dropped = Vec::new();
    for (n, s) in spans.iter_mut().enumerate() {
        if s.type_id != ORG || s.end - s.first < 2 {
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
        // A name with "of", "for" or "and" is the office's own ("Office of
        // the President") unless a body's name ends before the office
        // ("Office of Science and Technology Policy Acting Director", "Bank
        // of England Governor"): the body is cut free of it.
        if (s.first..s.end).any(|i| matches!(view.lower[i].as_str(), "of" | "for" | "and")) {
            let body_before = k > s.first
                && view.is_capitalized(k - 1)
                && has_org_word(view, rest.first, rest.end);
            if body_before {
                s.end = k;
            }
            continue;
        }
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

/// Whether token `i` opens a seat spelled out, "Member(s) of …": someone's
/// role, as an office is.
pub(super) fn opens_a_seat(view: &DocView, i: usize) -> bool {
    matches!(view.lower_at(i), "member" | "members") && view.lower_at(i + 1) == "of"
}

/// A role typed an organisation is no organisation: "Secretary of State",
/// "Supreme Leader of Iran", "Member of Parliament", "Senate Majority
/// Leader" name what someone is, and an ORG facet listing them would count
/// offices as bodies.
pub(super) fn drop_roles_typed_organisations(view: &DocView, spans: &mut Vec<Span>) {
    spans.retain(|s| {
        if s.type_id != ORG || s.end - s.first < 2 {
            return true;
        }
        let first = view.lower[s.first].as_str();
        let second = view.lower[s.first + 1].as_str();
        let last = view.lower[s.end - 1].as_str();
        let title_of = is_title(view, s.first) && second == "of";
        // "Labour Member of Parliament", "Sunni Members of Parliament".
        let member_of = (s.first..s.end - 1).any(|i| opens_a_seat(view, i));
        // "Supreme Leader of Iran": a modifier before the title.
        let modified_title_of = s.end - s.first >= 3
            && matches!(first, "supreme" | "deputy" | "acting" | "chief" | "foreign")
            && view.lower[s.first + 2].as_str() == "of"
            && (is_title(view, s.first + 1) || second == "leader");
        !(title_of || member_of || modified_title_of || matches!(last, "leader" | "whip"))
    });
}

/// "Secretary of State Mike Pompeo", "Minister of Education Stefania Giannini":
/// the model starts the name at the title's domain, and "State Mike Pompeo" was
/// a place. In a span right after "<title> of", the words before the first given
/// name that is followed by another word (or, with no known given name, the first
/// of a person's three words) go to the role, and the name left is a person's.
pub(super) fn strip_title_domains(
    view: &DocView,
    spans: &mut [Span],
    roles: &mut HashMap<usize, String>,
) {
    // "Member of Congress Ilhan Omar": a seat written as a title, before
    // the "of" at `of`, is a title too.
    let seat_before = |of: usize| matches!(view.word(of - 1), "Member" | "Members");
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
            Some(of) if s.type_id != ORG || seat_before(of) => (of, s.first),
            Some(_) => continue,
            None => match inside() {
                Some(of) => (of, of + 1),
                None => {
                    role_of_domain_before(view, s, roles);
                    continue;
                }
            },
        };
        let seat = seat_before(of);
        if !(is_title(view, of - 1) || seat) {
            continue;
        }
        // Without a known given name, a domain of one word before a name of two,
        // where the model saw a person ("Governor of New South Wales" stays).
        let Some(first) = (domain_start + 1..s.end.saturating_sub(1))
            .find(|&i| view.gaz[i].has(kind::FIRST_NAME))
            .or(((s.type_id == PERSON || seat) && s.end - domain_start == 3)
                .then_some(domain_start + 1))
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
