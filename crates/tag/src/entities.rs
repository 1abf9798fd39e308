//! From model tags to resolved entities: spans, roles, gazetteer rules, within-story
//! coreference, acronyms and place resolution.

use std::collections::{HashMap, HashSet};

use crate::annotations::{Entity, EntityType};
use crate::features::{DocView, TITLE_WORDS};
use crate::gazetteer::{Gazetteer, PlaceKind, kind};
use crate::perceptron::{Model, TYPES, is_begin, tag_type};

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

/// A span of tokens with a type id (1-based index into [`TYPES`]).
#[derive(Debug, Clone, Copy)]
struct Span {
    first: usize,
    /// Exclusive.
    end: usize,
    type_id: u8,
    /// Set when a rule, not the model, found the span.
    from_rule: bool,
}

fn type_id(name: &str) -> u8 {
    TYPES
        .iter()
        .position(|t| *t == name)
        .map_or(0, |i| i as u8 + 1)
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
}

fn is_title(view: &DocView, i: usize) -> bool {
    TITLE_WORDS.contains(&view.lower[i].as_str())
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
    pub fn entities(&self, view: &DocView) -> Vec<Entity> {
        let tags = self.model.tag(view);
        let mut spans = spans_from_tags(view, &tags);
        let mut roles: HashMap<usize, String> = HashMap::new();
        retype_companies(view, &mut spans);
        self.strip_titles(view, &mut spans, &mut roles);
        self.add_gazetteer_spans(view, &mut spans);
        spans.sort_by_key(|s| s.first);
        self.link_people(view, &mut spans);
        propagate(view, &mut spans);
        spans.sort_by_key(|s| s.first);
        for s in &spans {
            if TYPES[s.type_id as usize - 1] == "PERSON" {
                if let Some((_, role)) = role_before(view, s.first) {
                    roles.entry(s.first).or_insert(role);
                } else if let Some(role) = role_after(view, s.end) {
                    roles.entry(s.first).or_insert(role);
                }
            }
        }
        self.resolve(view, &spans, &roles)
    }

    /// The model was trained on names without titles; when it still takes a title in
    /// ("President Obama"), the title becomes the role.
    fn strip_titles(
        &self,
        view: &DocView,
        spans: &mut Vec<Span>,
        roles: &mut HashMap<usize, String>,
    ) {
        let person = type_id("PERSON");
        for s in spans.iter_mut().filter(|s| s.type_id == person) {
            let mut first = s.first;
            while first + 1 < s.end
                && (is_title(view, first)
                    || ROLE_MODIFIERS.contains(&view.lower[first].as_str()) && first > s.first)
            {
                first += 1;
            }
            if first > s.first && first < s.end {
                let role =
                    view.text[view.tokens[s.first].start..view.tokens[first - 1].end].to_string();
                s.first = first;
                roles.insert(first, role);
            }
        }
        spans.retain(|s| s.first < s.end);
    }

    /// Demonyms become NORP; unmistakable place names and well-known organisations the
    /// model left untagged are added.
    fn add_gazetteer_spans(&self, view: &DocView, spans: &mut Vec<Span>) {
        let mut covered = vec![false; view.len()];
        for s in spans.iter() {
            covered[s.first..s.end].iter_mut().for_each(|c| *c = true);
        }
        let misc = type_id("MISC");
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
            let strong_place = g.has(kind::COUNTRY) || g.has(kind::STATE) || g.has(kind::CONTINENT);
            // A well-known organisation's name beats whatever the model made of the
            // words inside it ("General Motors" is no general called Motors).
            if entry.org.is_some() && !strong_place && view.is_capitalized(i) {
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
                if entry.org.is_some() && !strong_place {
                    spans.push(Span {
                        first: i,
                        end,
                        type_id: type_id("ORG"),
                        from_rule: true,
                    });
                } else if strong_place && !view.lower_is_common(i) {
                    spans.push(Span {
                        first: i,
                        end,
                        type_id: type_id("LOC"),
                        from_rule: true,
                    });
                } else if entry.demonym_of.is_some() {
                    spans.push(Span {
                        first: i,
                        end,
                        type_id: misc,
                        from_rule: true,
                    });
                }
            }
            i = end;
        }
    }

    /// Within-story coreference for people: a later "Roe" (or an earlier one) is the
    /// "Jane Roe" of the story; a surname the model typed ORG/LOC, or left untagged,
    /// becomes that person.
    fn link_people(&self, view: &DocView, spans: &mut Vec<Span>) {
        let person = type_id("PERSON");
        let mut name_parts: HashSet<&str> = HashSet::new();
        for s in spans
            .iter()
            .filter(|s| s.type_id == person && s.end - s.first >= 2)
        {
            name_parts.insert(view.word(s.end - 1));
            name_parts.insert(view.word(s.first));
        }
        if name_parts.is_empty() {
            return;
        }
        let mut covered = vec![false; view.len()];
        for s in spans.iter_mut() {
            if s.end - s.first == 1
                && s.type_id != person
                && name_parts.contains(view.word(s.first))
            {
                let g = view.gaz[s.first];
                if !(g.has(kind::COUNTRY) || g.has(kind::STATE)) {
                    s.type_id = person;
                }
            }
            covered[s.first..s.end].iter_mut().for_each(|c| *c = true);
        }
        for (i, &taken) in covered.iter().enumerate() {
            if !taken
                && view.is_capitalized(i)
                && name_parts.contains(view.word(i))
                && !view.lower_is_common(i)
                && !is_title(view, i)
            {
                spans.push(Span {
                    first: i,
                    end: i + 1,
                    type_id: person,
                    from_rule: true,
                });
            }
        }
    }

    fn resolve(
        &self,
        view: &DocView,
        spans: &[Span],
        roles: &HashMap<usize, String>,
    ) -> Vec<Entity> {
        let person = type_id("PERSON");
        let org = type_id("ORG");
        let loc = type_id("LOC");
        let misc = type_id("MISC");
        let span_text =
            |s: &Span| &view.text[view.tokens[s.first].start..view.tokens[s.end - 1].end];

        // Full names of the story's people, for surname and first-name mentions.
        let mut full_names: HashMap<&str, &str> = HashMap::new();
        for s in spans
            .iter()
            .filter(|s| s.type_id == person && s.end - s.first >= 2)
        {
            let full = span_text(s);
            for part in [view.word(s.end - 1), view.word(s.first)] {
                full_names.entry(part).or_insert(full);
            }
        }
        // Acronyms spelled out in the story: "Organization for Security and
        // Co-operation in Europe (OSCE)".
        let mut acronyms: HashMap<&str, &str> = HashMap::new();
        for s in spans.iter().filter(|s| s.type_id == org) {
            if s.end + 2 < view.len() && view.word(s.end) == "(" && view.word(s.end + 2) == ")" {
                let acr = view.word(s.end + 1);
                if acr
                    .chars()
                    .all(|c| c.is_uppercase() || c == '.' || c == '&')
                {
                    acronyms.insert(acr, span_text(s));
                }
            }
        }

        // Places: first those with one reading, to give context for the others.
        let mut context_countries: HashSet<String> = HashSet::new();
        let mut context_states: HashSet<String> = HashSet::new();
        for s in spans
            .iter()
            .filter(|s| s.type_id == loc || s.type_id == misc)
        {
            if let Some(entry) = self.gazetteer.lookup(strip_article(span_text(s))) {
                if let Some(ci) = entry.demonym_of {
                    context_countries.insert(self.gazetteer.places[ci as usize].country.clone());
                }
                if let [only] = entry.places.as_slice() {
                    let p = &self.gazetteer.places[*only as usize];
                    context_countries.insert(p.country.clone());
                    if p.kind == PlaceKind::State {
                        context_states.insert(p.admin1.clone());
                    }
                }
            }
        }

        let mut out = Vec::with_capacity(spans.len());
        for s in spans {
            let text = span_text(s);
            let t0 = &view.tokens[s.first];
            let t1 = &view.tokens[s.end - 1];
            let mut e = Entity::mention(EntityType::Person, t0.cstart, t1.cend, text);
            if s.type_id == person {
                if s.end - s.first == 1
                    && let Some(full) = full_names.get(text)
                {
                    e.canonical = full.to_string();
                }
                e.role = roles.get(&s.first).cloned();
            } else if s.type_id == org {
                e.kind = EntityType::Org;
                let entry = self.gazetteer.lookup(strip_article(text));
                if let Some(name) = acronyms.get(text) {
                    e.canonical = name.to_string();
                } else if let Some(name) = entry.and_then(|en| en.org) {
                    e.canonical = name.to_string();
                } else if let Some(place) = entry
                    .and_then(|en| self.pick_place(&en.places, &context_countries, &context_states))
                {
                    // A country or city acting as an agent ("Sweden said", "Moscow
                    // denied") is still a place to a reader.
                    e.kind = EntityType::Loc;
                    self.fill_place(&mut e, place);
                }
            } else if s.type_id == loc {
                e.kind = EntityType::Loc;
                let name = strip_article(text);
                match self.gazetteer.lookup(name) {
                    Some(entry) => {
                        if let Some(place) =
                            self.pick_place(&entry.places, &context_countries, &context_states)
                        {
                            self.fill_place(&mut e, place);
                        } else if let Some(ci) = entry.demonym_of {
                            e.kind = EntityType::Norp;
                            self.fill_place(&mut e, &self.gazetteer.places[ci as usize]);
                        }
                    }
                    None => e.canonical = name.to_string(),
                }
            } else {
                // MISC is not reported, except demonyms, which name their country.
                let Some(ci) = self.gazetteer.lookup(text).and_then(|en| en.demonym_of) else {
                    continue;
                };
                e.kind = EntityType::Norp;
                self.fill_place(&mut e, &self.gazetteer.places[ci as usize]);
            }
            out.push(e);
        }
        out
    }

    fn fill_place(&self, e: &mut Entity, p: &crate::gazetteer::Place) {
        e.canonical = p.name.clone();
        e.lat = p.lat;
        e.lon = p.lon;
        e.country = (!p.country.is_empty()).then(|| p.country.clone());
        e.geonames_id = p.geonames_id;
    }

    /// Chooses among places of one name: by population, kind, and whether the story
    /// mentions the candidate's country or US state elsewhere.
    fn pick_place(
        &self,
        candidates: &[u32],
        countries: &HashSet<String>,
        states: &HashSet<String>,
    ) -> Option<&crate::gazetteer::Place> {
        candidates
            .iter()
            .map(|&i| &self.gazetteer.places[i as usize])
            .map(|p| {
                let mut score = ((p.population + 1) as f64).ln();
                score += match p.kind {
                    PlaceKind::Country | PlaceKind::Continent => 2.0,
                    PlaceKind::State => 1.5,
                    PlaceKind::Region => 12.0,
                    PlaceKind::City => 0.0,
                };
                if p.kind != PlaceKind::Country && countries.contains(&p.country) {
                    score += 3.0;
                }
                if p.kind == PlaceKind::City && p.country == "US" && states.contains(&p.admin1) {
                    score += 4.0;
                }
                (p, score)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(p, _)| p)
    }
}

/// Last words that make a name a company's or an institution's.
const ORG_SUFFIXES: &[&str] = &[
    "inc",
    "inc.",
    "corp",
    "corp.",
    "corporation",
    "ltd",
    "ltd.",
    "llc",
    "plc",
    "co.",
    "company",
    "group",
    "ag",
    "sa",
    "spa",
    "gmbh",
    "nv",
    "n.v.",
    "holdings",
    "motors",
    "airlines",
    "airways",
    "bank",
    "university",
    "institute",
    "party",
    "association",
    "foundation",
    "agency",
    "council",
    "committee",
    "commission",
    "ministry",
    "department",
    "organization",
    "organisation",
    "fund",
    "union",
    "club",
    "fc",
    "news",
    "times",
    "post",
    "press",
    "magazine",
    "records",
    "studios",
];

/// A PERSON span ending in a corporate or institutional word is an organisation.
fn retype_companies(view: &DocView, spans: &mut [Span]) {
    let person = type_id("PERSON");
    for s in spans
        .iter_mut()
        .filter(|s| s.type_id == person && s.end - s.first >= 2)
    {
        if ORG_SUFFIXES.contains(&view.lower[s.end - 1].as_str()) {
            s.type_id = type_id("ORG");
        }
    }
}

/// One name, one type within a story: a name the model tagged somewhere is tagged
/// wherever else it occurs untagged, with the type it was given most often.
fn propagate(view: &DocView, spans: &mut Vec<Span>) {
    let misc = type_id("MISC");
    let mut votes: HashMap<Vec<&str>, [usize; TYPES.len() + 1]> = HashMap::new();
    for s in spans.iter().filter(|s| !s.from_rule) {
        let words: Vec<&str> = (s.first..s.end).map(|i| view.word(i)).collect();
        votes.entry(words).or_default()[s.type_id as usize] += 1;
    }
    let mut by_first: HashMap<&str, Vec<(Vec<&str>, u8)>> = HashMap::new();
    for (words, counts) in votes {
        let Some((t, _)) = counts.iter().enumerate().max_by_key(|(_, c)| **c) else {
            continue;
        };
        // A lone capitalised word at a sentence start or in lower case elsewhere is
        // too likely an ordinary word to tag on this evidence alone.
        if t as u8 == misc {
            continue;
        }
        by_first.entry(words[0]).or_default().push((words, t as u8));
    }
    let mut covered = vec![false; view.len()];
    for s in spans.iter() {
        covered[s.first..s.end].iter_mut().for_each(|c| *c = true);
    }
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
                    && (words.len() > 1 || !(view.sent_start[i] || view.lower_is_common(i)));
                if fits {
                    added.push(Span {
                        first: i,
                        end,
                        type_id: *t,
                        from_rule: true,
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

fn strip_article(s: &str) -> &str {
    s.strip_prefix("the ")
        .or_else(|| s.strip_prefix("The "))
        .unwrap_or(s)
}
