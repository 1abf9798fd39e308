//! Organisations' spans: the words that make a name a body's, bodies the
//! model took for people or places, split or left untagged, and the
//! short names a story uses for a body it named in full.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::naming::{KINDS_OF_BODY, LEGAL_SUFFIXES};
use super::one_type::{listed_together, names_by_last_word};
use super::org_cues::moves_like_a_share;
use super::person_names::full_name_words;
use super::place_names::{LOCATIVES, RELIGIONS, is_place_word};
use super::spans::{Span, after_possessive, covered_tokens, span_text};
use super::titles::{ROLE_MODIFIERS, is_title, role_after, role_before};
use super::{BODIES, EntityTagger, LOC, MISC, NAMES_NO_ONE, ORG, PERSON, PLACES_AND_PEOPLES};
use crate::features::DocView;
use crate::gazetteer::{Gazetteer, in_capitals, kind};
use crate::places::ends_a_place_name;
use crate::word_lists::WordSet;

impl EntityTagger<'_> {
    /// "The Brennan Center for Justice", "the Center for Strategic and
    /// International Studies", "the Committee to Protect Journalists": a
    /// body's name that ends in what kind of body it is goes on through
    /// "for", or "to" and an ordinary word, into the capitalised words of
    /// its purpose, "and" and "of" among them. The model often stops at
    /// the kind, leaving a bare "Center" or splitting the name in two.
    pub(super) fn bodies_named_for_their_purpose(&self, view: &DocView, spans: &mut Vec<Span>) {
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
        let name_word = |i: usize| view.is_capitalized_in_sentence(i);
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
}

impl EntityTagger<'_> {
    /// "Ford Australia", "Orange Polska", "Air France": a name followed by a country
    /// names a company's branch, unless the whole is a place ("South Africa"), the
    /// first words only say which part of the country ("Southern Poland"), or they
    /// are a place in that country ("Kyiv Ukraine").
    pub(super) fn is_subsidiary(&self, view: &DocView, s: &Span) -> bool {
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
    pub(super) fn merge_branches(&self, view: &DocView, spans: &mut Vec<Span>) {
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
}

impl EntityTagger<'_> {
    /// Web addresses the model left untagged ("Index.hu reported") name sites.
    pub(super) fn add_web_addresses(&self, view: &DocView, spans: &mut Vec<Span>) {
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
}

impl EntityTagger<'_> {
    /// "Mike McCready of Pearl Jam", "Doug Miller of Milltech Marine": a
    /// name right after someone's full name and "of" is what the person
    /// belongs to, a body (or a place the gazetteer knows), not a second
    /// person. The model may run the two into one person ("Lewis Hamilton
    /// of Mercedes"), which is split first where the name before "of"
    /// opens with a given name and does not end in a title ("Mary Queen of
    /// Scots" is one person, as is "Catherine of Aragon").
    ///
    /// Returns where the bodies start, for `resolve` to keep them bodies
    /// where a town of their name would be the town.
    pub(super) fn bodies_someone_is_of(
        &self,
        view: &DocView,
        spans: &mut Vec<Span>,
    ) -> HashSet<usize> {
        let mut split = Vec::new();
        for s in spans.iter_mut().filter(|s| s.type_id == PERSON) {
            let Some(of) = (s.first + 2..s.end.saturating_sub(1)).find(|&i| view.lower[i] == "of")
            else {
                continue;
            };
            let rest = if view.lower[of + 1] == "the" {
                of + 2
            } else {
                of + 1
            };
            if rest < s.end
                && self.is_given_name(view, s.first)
                && !is_title(view, of - 1)
                && (rest..s.end).all(|i| view.is_capitalized(i))
            {
                split.push(Span {
                    first: rest,
                    end: s.end,
                    type_id: PERSON,
                    from_rule: true,
                });
                s.end = of;
            }
        }
        if !split.is_empty() {
            spans.extend(split);
            spans.sort_by_key(|s| s.first);
        }
        let mut bodies = HashSet::default();
        for k in 1..spans.len() {
            let (a, b) = (spans[k - 1], spans[k]);
            let of = a.end + 1 == b.first && view.lower[a.end] == "of"
                || a.end + 2 == b.first
                    && view.lower[a.end] == "of"
                    && view.lower[a.end + 1] == "the";
            if !(of && a.type_id == PERSON && a.end - a.first >= 2 && b.type_id == PERSON) {
                continue;
            }
            // A place of note, or one the story qualifies ("of Springfield,
            // Illinois"); not a small town abroad named like a body ("Lewis
            // Hamilton of Mercedes").
            let text = span_text(view, &b);
            let a_place = self.is_a_place_of_note(text)
                || self.qualified_after(view, b.end) && self.gazetteer.find_place(text).is_some();
            spans[k].type_id = if a_place { LOC } else { ORG };
            if !a_place {
                bodies.insert(b.first);
            }
        }
        bodies
    }
}

/// Words that make a name an organisation's wherever they sit in it (with
/// [`COMPANY_TAILS`]).
pub(super) const ORG_WORDS: &[&str] = &[
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
    "organisation",
    "organization",
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
    // Assemblies, unions and movements of South Asia and the Muslim world
    // ("Akhil Bharat Hindu Mahasabha", "Khoja Shi'a Ithna Asheri Jamaat",
    // "Rashtriya Swayamsevak Sangh").
    "mahasabha",
    "jamaat",
    "jamiat",
    "sangh",
    "parishad",
    "samiti",
    "samaj",
    "morcha",
    "sangathan",
    "tehreek",
    "tehrik",
    "majlis",
    "corps",
    "squadron",
    "team",
];

/// Plural words for the people or holdings of an organisation or place, which
/// the model sometimes takes into the name after them with "of".
pub(super) const PARTS_OF: &[&str] = &[
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

/// Words of [`ORG_WORDS`] that are also surnames: after a given name they end a
/// person's name ("Robert Service", "Charlotte Church", "Margaret Court").
pub(super) const SURNAME_ORG_WORDS: &[&str] = &["church", "court", "service", "post", "press"];

/// Last words that make a name an organisation's where they end it ("Cal Fire",
/// "Penske Auto", "Duke Energy"), though not where they lead it ("Fire Emblem").
pub(super) const ORG_HEADS: &[&str] = &[
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

/// Makes each token range `first..end` one organisation's name, in the
/// order given, unless an earlier range already overlaps it: the spans it
/// covers are dropped. How the passes that join a body's words the model
/// split ("Securities and Exchange Commission", "Center for Biological
/// Diversity") put their names in.
pub(super) fn organisations_over(spans: &mut Vec<Span>, ranges: Vec<(usize, usize)>) {
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

pub(super) fn has_org_word(view: &DocView, first: usize, end: usize) -> bool {
    (first..end).any(|i| view.is_capitalized(i) && is_org_word(&view.lower[i]))
        // "Air Force ROTC", "the Eighth Air Force", "Task Force 141": a
        // force of arms or of police, not "The Force Awakens".
        || (first + 1..end).any(|i| {
            view.lower[i] == "force"
                && view.is_capitalized(i)
                && matches!(
                    view.lower[i - 1].as_str(),
                    "air" | "task" | "police" | "defense" | "defence" | "space" | "security"
                        | "border" | "marine" | "strike" | "joint" | "expeditionary"
                )
        })
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
pub(super) const NATIONAL_ADJECTIVES_IN_THEIR_LANGUAGE: &[&str] = &[
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
pub(super) fn is_web_address(word: &str) -> bool {
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

/// "Chrysler LLC Jim Press": a company's legal form ends its name; a person's
/// name after it is a person of their own.
pub(super) fn split_after_legal_form(view: &DocView, spans: &mut Vec<Span>) {
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

/// Whether a word (in lower case) is one of an organisation's name: one of
/// [`ORG_WORDS`] or [`COMPANY_TAILS`].
pub(super) fn is_org_word(lower: &str) -> bool {
    static WORDS: WordSet = WordSet::of(&[ORG_WORDS, COMPANY_TAILS]);
    WORDS.contains(lower)
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
    "comics",
    "publishing",
    "publishers",
    "cosmetics",
    "foods",
    "brewing",
    "brewery",
    "logistics",
    "telecom",
    "telecommunications",
    "networks",
    "semiconductor",
    "semiconductors",
    "electronics",
    "robotics",
    "therapeutics",
    "biosciences",
    "ventures",
    "investments",
    "insurance",
    "bancorp",
    "mining",
    "kft",
    "kft.",
    "zrt",
    "zrt.",
];

/// "Content from Disney, Pixar's distributor": a name the model took for
/// a place that the lexicon knows only as an organisation's, and no list
/// of places holds, is the organisation; the pass that gives one name one
/// type carries it to the name's other mentions.
pub(super) fn known_bodies_are_no_places(
    view: &DocView,
    spans: &mut [Span],
    gazetteer: &Gazetteer,
) {
    const PLACE_KINDS: u16 = PLACES_AND_PEOPLES | kind::set(&[kind::CAPITAL]);
    for s in spans.iter_mut().filter(|s| s.type_id == LOC) {
        let g = view.gaz[s.first];
        if view.gaz_match_end(s.first) == Some(s.end)
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
pub(super) fn parties_written_with_a_small_p(view: &DocView, spans: &mut [Span]) {
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
pub(super) fn bodies_listed_with_bodies(
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

/// "Regeneron Pharmaceuticals", "Fort Pitt Capital Group": a company's word
/// the model left after a name it took for a person's or a place's belongs
/// to that name, which is a company's.
pub(super) fn company_words_after(view: &DocView, spans: &mut [Span]) {
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

/// Legal forms that end only a company's name: not "Co." ("Co. Cork"),
/// "Limited", nor the capitals that are also places' and states' codes
/// ("SA", "NV", "AB").
const UNMISTAKABLE_LEGAL_FORMS: &[&str] = &[
    "Inc.", "Inc", "Corp.", "Ltd.", "Ltd", "plc", "PLC", "Plc", "LLC", "LLP", "GmbH", "S.A.",
    "N.V.", "B.V.", "S.p.A.", "SpA", "Bhd", "PJSC", "Pty", "Oyj",
];

/// "Red Hat Inc. said", "shares of Acme Ltd fell", "CBS, Inc.": the
/// capitalised words before a company's legal form name a company, the
/// form with them, where the model drew no name over them; and the words
/// alone name it wherever else the story writes them so ("Red Hat will
/// stop updating CentOS"). The model knows a company by the words around
/// it, and a short story of a company with a name of ordinary words gives
/// it none.
pub(super) fn legal_forms_make_bodies(
    view: &DocView,
    spans: &mut Vec<Span>,
    is_ordinary_word: impl Fn(&str) -> bool,
) {
    let n = view.len();
    let covered = covered_tokens(view, spans);
    let mut added: Vec<Span> = Vec::new();
    let mut names: Vec<(usize, usize)> = Vec::new();
    for i in 1..n {
        if covered[i] || !UNMISTAKABLE_LEGAL_FORMS.contains(&view.word(i)) {
            continue;
        }
        let end = name_end_before(view, i);
        let mut first = end;
        while first > 0
            && end - first < 5
            && !covered[first - 1]
            && (view.is_capitalized(first - 1) || view.word(first - 1) == "&")
        {
            first -= 1;
            if view.sent_start[first] {
                break;
            }
        }
        // An article opening a sentence is no part of the name.
        while first < end && matches!(view.lower[first].as_str(), "the" | "a" | "an") {
            first += 1;
        }
        if first == end || view.word(first) == "&" {
            continue;
        }
        added.push(Span {
            first,
            end: i + 1,
            type_id: ORG,
            from_rule: true,
        });
        names.push((first, end));
    }
    // Names the model already ran on over the form, whatever it took them
    // for ("Golden Harvest Ltd" read as someone's), are companies too.
    for s in spans.iter_mut() {
        if let Some(end) = company_name_end(view, s) {
            s.type_id = ORG;
            names.push((s.first, end));
        }
    }
    if names.is_empty() {
        return;
    }
    let taken = |j: usize| covered[j] || added.iter().any(|a| a.first <= j && j < a.end);
    let mut alone = Vec::new();
    let mut retyped = Vec::new();
    // One word of the language alone is that word ("According to Wrestling
    // Inc" … "Wrestling sportswriter Dave Meltzer").
    for (from, to) in names
        .into_iter()
        .filter(|&(from, to)| to - from > 1 || !is_ordinary_word(view.word(from)))
    {
        let len = to - from;
        // Words of a name of two or more the model gave another type
        // alone ("Golden Harvest blamed the weather" read as someone's);
        // one word may be a place's or a person's as well ("Boston Ltd").
        if len > 1 {
            retyped.extend(spans.iter().enumerate().filter_map(|(k, s)| {
                let same = s.end - s.first == len
                    && (0..len).all(|m| view.word(s.first + m) == view.word(from + m));
                (same && s.type_id != ORG).then_some(k)
            }));
        }
        for j in 0..(n + 1).saturating_sub(len) {
            let written =
                (0..len).all(|k| view.word(j + k) == view.word(from + k) && !taken(j + k));
            let bounded = (j == 0 || view.sent_start[j] || !view.is_capitalized(j - 1))
                && (j + len >= n || !view.is_capitalized(j + len));
            if written && bounded && !alone.iter().any(|a: &Span| a.first == j) {
                alone.push(Span {
                    first: j,
                    end: j + len,
                    type_id: ORG,
                    from_rule: true,
                });
            }
        }
    }
    for k in retyped {
        spans[k].type_id = ORG;
    }
    spans.extend(added);
    spans.extend(alone);
    spans.sort_by_key(|s| s.first);
}

/// Where the name before the legal form at token `form` ends: "CBS, Inc."
/// leaves its comma out.
fn name_end_before(view: &DocView, form: usize) -> usize {
    if form > 0 && view.word(form - 1) == "," {
        form - 1
    } else {
        form
    }
}

/// Where the company's name of span `s` ends, when the span ends in a
/// legal form after one word or more ("Golden Harvest Ltd").
fn company_name_end(view: &DocView, s: &Span) -> Option<usize> {
    let form = s.end - 1;
    let end = name_end_before(view, form);
    (UNMISTAKABLE_LEGAL_FORMS.contains(&view.word(form)) && end > s.first).then_some(end)
}

/// The names of the story's spans that end in a company's legal form,
/// without the form: "Golden Harvest" of "Golden Harvest Ltd".
pub(super) fn names_with_a_legal_form<'v>(view: &'v DocView, spans: &[Span]) -> HashSet<&'v str> {
    spans
        .iter()
        .filter_map(|s| {
            let end = company_name_end(view, s)?;
            Some(&view.text[view.tokens[s.first].start..view.tokens[end - 1].end])
        })
        .collect()
}

impl EntityTagger<'_> {
    /// "The Church of Scientology … a war that Scientology has been
    /// waging": an organisation named "X of Y", where X names no state or
    /// place ("the Republic of Artsakh") and Y is one word that names
    /// nothing else (no place, people, faith, title, ordinary word or
    /// given name), is called Y alone too. Y's mentions the model left
    /// untagged or took for a thing are the organisation, and carry its
    /// full name.
    pub(super) fn organisations_named_by_what_they_are_of<'v>(
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
                && !is_place_word(head)
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
/// model left untagged is a body too, which [`name_generic_bodies`](super::naming::name_generic_bodies) ties to
/// the one the story names in full.
pub(super) fn bodies_called_by_their_kind(view: &DocView, spans: &mut Vec<Span>) {
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
pub(super) fn short_names_of_organisations<'v>(
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

/// Plurals after a place that say what the place is or hold an event, not
/// a team: "the Falkland Islands", "the London Olympics", "the Santa Cruz
/// Lectures".
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
    "lectures",
];

impl EntityTagger<'_> {
    /// "The United States Marines", "the Bowling Green Falcons", "the Boston
    /// Red Sox": a place run into a capitalised plural, one word or two whose
    /// first is a word of the language, names a force, a team or a club, not
    /// the place, where the story never writes that plural in lower case
    /// ("the Paris Catacombs … other catacombs"), it says no kind of place
    /// ("the Falkland Islands") and no more capitalised words follow. A
    /// title is no such plural ("US Senators"), so "the Kansas City Chiefs"
    /// is left to the model. A count run into a plural ("the San Francisco
    /// 49ers") is a team's nickname as well.
    pub(super) fn teams_named_after_places(&self, view: &DocView, spans: &mut [Span]) {
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
        // "The San Francisco 49ers", "the Philadelphia 76ers": a count run
        // into a plural is a team's nickname too.
        let numbered_nickname = |i: usize| i < n && !taken[i] && is_numbered_nickname(view.word(i));
        for s in spans.iter_mut().filter(|s| s.type_id == LOC) {
            let first = s.end;
            if numbered_nickname(first) {
                s.end = first + 1;
                s.type_id = ORG;
                continue;
            }
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
            if !self.is_a_teams_nickname(view, first, last + 1)
                || view.is_capitalized_in_sentence(last + 1)
            {
                continue;
            }
            s.end = last + 1;
            s.type_id = ORG;
        }
    }

    /// Whether words `first..end`, after a place's name, are what a team,
    /// a club or a force is called ("Rays", "Red Sox", "Marines"): a
    /// capitalised plural, alone or after a word of the language, that the
    /// story never writes in lower case and that says no kind of place.
    pub(super) fn is_a_teams_nickname(&self, view: &DocView, first: usize, end: usize) -> bool {
        let shaped = match end - first {
            1 => true,
            2 => self.is_ordinary_word(view.word(first)),
            _ => false,
        };
        let last = end - 1;
        let lower = view.lower_at(last);
        // A plural, not "Crisis", "Gas" or "Congress".
        let plural = lower.chars().count() >= 4
            && lower.ends_with('s')
            && !["ss", "is", "us", "as"].iter().any(|e| lower.ends_with(e));
        shaped
            && plural
            && !view.lower_is_common(last)
            && !PLACE_PLURALS.contains(&lower)
            && !ends_a_place_name(lower)
            // "Flanders Fields", "the Rio Grande Rivers".
            && !lower.strip_suffix('s').is_some_and(ends_a_place_name)
    }
}

/// "49ers", "76ers": a count run into a plural, as some teams are called.
pub(super) fn is_numbered_nickname(word: &str) -> bool {
    let letters = word.trim_start_matches(|c: char| c.is_ascii_digit());
    letters.len() < word.len()
        && letters.len() >= 3
        && letters.ends_with('s')
        && letters.chars().all(|c| c.is_ascii_lowercase())
}

/// Airlines and companies named after their country: "Air China" ("Air" before a
/// place), "China Eastern Airlines" (a place run into an organisation's name that
/// ends in an organisation's word).
pub(super) fn join_places_into_org_names(view: &DocView, spans: &mut Vec<Span>) {
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
pub(super) fn campuses_of_a_university_system(view: &DocView, spans: &mut Vec<Span>) {
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
        while end - i <= 2 && view.is_capitalized_in_sentence(end) {
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

impl EntityTagger<'_> {
    /// "General Motors Corporation": a span of the model that starts inside a
    /// well-known organisation's name and runs past it takes the whole name in.
    ///
    /// "The Islamic State of Iraq and the Levant": a span that starts a
    /// well-known organisation's name and stops inside it takes the rest
    /// in, and whatever the model made of the words taken in is gone.
    pub(super) fn extend_known_organisations(&self, view: &DocView, spans: &mut Vec<Span>) {
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
}

impl EntityTagger<'_> {
    /// Companies named like people ("Northrop Grumman", "Lockheed Martin",
    /// "Apple Computer"): a name whose first word is no given name is an
    /// organisation where it is listed with organisations ("X and Boeing",
    /// "between Boeing and X") or starts with a known organisation's name; its
    /// short form ("Lockheed") follows.
    pub(super) fn companies_not_people(&self, view: &DocView, spans: &mut Vec<Span>) {
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
                && !is_place_word(view.lower[s.end - 1].as_str())
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
}

/// Words that open a sports club's name before the club's town in the
/// club's own language or custom: "Real Madrid", "Atlético Madrid",
/// "Dynamo Kyiv", "Olympique Marseille", "Inter Milan", "Hapoel Tel Aviv".
const CLUB_WORDS_BEFORE_A_TOWN: &[&str] = &[
    "Real",
    "Atlético",
    "Atletico",
    "Athletic",
    "Sporting",
    "Dynamo",
    "Dinamo",
    "Olympique",
    "Inter",
    "Borussia",
    "Bayern",
    "Eintracht",
    "Werder",
    "Hertha",
    "Fortuna",
    "Racing",
    "Deportivo",
    "Rapid",
    "Sparta",
    "Slavia",
    "Spartak",
    "Lokomotiv",
    "Zenit",
    "Hapoel",
    "Maccabi",
    "Beitar",
    "Partizan",
    "Universitatea",
    "Steaua",
];

impl EntityTagger<'_> {
    /// "Real Madrid", "Bayern Munich", "Hapoel Tel Aviv": a club's word
    /// before a town's name is the club, which the model read as the town
    /// (or as the town and a stray word) or left untagged. A name the
    /// gazetteer holds whole is the place it names ("Rapid City").
    pub(super) fn clubs_named_before_their_town(&self, view: &DocView, spans: &mut Vec<Span>) {
        let mut clubs = Vec::new();
        for i in 0..view.len().saturating_sub(1) {
            let Some(end) = view.gaz_match_end(i + 1) else {
                continue;
            };
            if !view.is_capitalized(i) || !CLUB_WORDS_BEFORE_A_TOWN.contains(&view.word(i)) {
                continue;
            }
            let town = &view.text[view.tokens[i + 1].start..view.tokens[end - 1].end];
            let whole = &view.text[view.tokens[i].start..view.tokens[end - 1].end];
            if self.gazetteer.find_place(town).is_some()
                && !self.is_country_or_state(town)
                && self.gazetteer.find_place(whole).is_none()
            {
                clubs.push((i, end));
            }
        }
        if clubs.is_empty() {
            return;
        }
        spans.retain(|s| {
            !clubs
                .iter()
                .any(|&(first, end)| s.first < end && first < s.end)
        });
        spans.extend(clubs.into_iter().map(|(first, end)| Span {
            first,
            end,
            type_id: ORG,
            from_rule: true,
        }));
        spans.sort_by_key(|s| s.first);
    }
}
