//! Places' spans before resolution: datelines, the words that make a
//! name a place's, towns before their region, and names the model took
//! for places that are no place.

use rustc_hash::FxHashSet as HashSet;

use super::organisations::has_org_word;
use super::person_names::full_name_words;
use super::spans::{Span, covered_tokens, span_text};
use super::titles::{PHOTO_CREDIT_LABELS, is_title};
use super::{BODIES, EntityTagger, LOC, MISC, ORG, PERSON};
use crate::annotations::{Entity, EntityType};
use crate::features::DocView;
use crate::gazetteer::{Gazetteer, PlaceKind, in_capitals, kind};
use crate::places::{
    Dateline, NOT_IN_GAZETTEER, PlaceContext, division_abbreviation, ends_a_place_name,
    names_a_site, names_natural_feature_after,
};
use crate::quotes::SPEECH_VERBS;
use crate::word_lists::WordSet;

impl EntityTagger<'_> {
    /// "PC World", "the Drudge Report", "Vampire Slayer", "Faculty of
    /// Arts": a name the model took for a place, which the gazetteer does
    /// not hold, that ends in a word of the language saying no kind of
    /// place and holds no place's name is a title's or a body's, not a
    /// place's. It is dropped rather than listed under GEO, unresolved.
    /// Places the gazetteer lacks end in what they are ("Acland Mine",
    /// "Sandy Point") or are names of their own ("Yeoncheon").
    pub(super) fn unknown_places_named_in_words(&self, entities: &mut Vec<Entity>) {
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
}

impl EntityTagger<'_> {
    /// "Korea Republic 2, Sweden 1": a team's score after a country's or a
    /// city's name is no part of it ("Area 51", no place of the gazetteer
    /// without its number, keeps it).
    pub(super) fn scores_after_places(&self, view: &DocView, spans: &mut [Span]) {
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
}

impl EntityTagger<'_> {
    /// "One Hong Konger said", "Ethiopians Dejene Debela and Asefa
    /// Mengstu": a person's span that is a people's name (a demonym) is
    /// the people, no one, and one that opens with it before a name of two
    /// words or more is the name alone: the people say whence someone is.
    pub(super) fn demonyms_are_no_one(&self, view: &DocView, spans: &mut [Span]) {
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
}

impl EntityTagger<'_> {
    /// Whether token `i` names a country or state, or its people
    /// ("Alaska", "Ethiopians").
    pub(super) fn is_place_or_its_people(&self, view: &DocView, i: usize) -> bool {
        view.gaz[i].has(kind::COUNTRY)
            || view.gaz[i].has(kind::STATE)
            || view.gaz[i].has(kind::DEMONYM)
            || self.names_a_places_people(view.word(i), None)
    }
}

impl EntityTagger<'_> {
    /// Whether a word names a person or the people of a place by its name
    /// and an ending: a city of 100,000 or more ("Parisians", "a
    /// Londoner", "Melbournians", "Montanans") or a country or state, with the word
    /// before it when the place's name has two ("a New Zealander", "Irani
    /// athletes").
    pub(super) fn names_a_places_people(&self, word: &str, before: Option<&str>) -> bool {
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

    /// Whether a name is a place of note: a country, a state or province,
    /// or a town of 100,000 people or more ("according to Iran" is the
    /// country; "according to Forbes" no town).
    pub(super) fn is_a_place_of_note(&self, name: &str) -> bool {
        self.is_country_or_state(name)
            || self
                .gazetteer
                .pick_town(name, &PlaceContext::default(), None)
                .is_some_and(|p| p.population >= 100_000)
    }

    /// Whether a comma and a qualifier (a state, province or country)
    /// follow the name that ends before `end`: "Springfield, Illinois".
    pub(super) fn qualified_after(&self, view: &DocView, end: usize) -> bool {
        end + 1 < view.len()
            && view.word(end) == ","
            && self.gazetteer.qualifier_place(view.word(end + 1)).is_some()
    }

    /// Whether a name is that of a country or a US state (or another
    /// country's first-level division).
    pub(super) fn is_country_or_state(&self, name: &str) -> bool {
        self.gazetteer.find_place(name).is_some_and(|found| {
            self.gazetteer
                .readings(found.entry)
                .any(|p| matches!(p.kind, PlaceKind::Country | PlaceKind::State))
        })
    }
}

impl EntityTagger<'_> {
    /// "Renting a bike in Svendborg or Faaborg": a capitalised word the
    /// model left untagged or took for a people's or a thing's name (MISC),
    /// listed right beside a place (by "and", "or" or a comma), is a place
    /// where the gazetteer holds a town of that name in the country of the
    /// place beside it. One word alone, inside its sentence, no word of the
    /// language, no given name and no people's name.
    pub(super) fn towns_listed_with_a_town(&self, view: &DocView, spans: &mut Vec<Span>) {
        let n = view.len();
        // What holds each token: `None` untagged, `Some(k)` span k.
        let mut holder: Vec<Option<usize>> = vec![None; n];
        for (k, s) in spans.iter().enumerate() {
            holder[s.first..s.end].iter_mut().for_each(|h| *h = Some(k));
        }
        let open = |i: usize| match holder[i] {
            None => true,
            Some(k) => spans[k].type_id == MISC && spans[k].end - spans[k].first == 1,
        };
        let lone_word = |i: usize| {
            view.is_capitalized_in_sentence(i)
                && open(i)
                && !view.is_capitalized_in_sentence(i + 1)
                && i.checked_sub(1)
                    .is_none_or(|p| !view.is_capitalized_in_sentence(p))
                && !view.lower_is_common(i)
                && !self.is_given_name(view, i)
                && view.word(i).chars().all(char::is_alphabetic)
        };
        let mut towns: Vec<usize> = Vec::new();
        for s in spans.iter().filter(|s| s.type_id == LOC) {
            let Some(country) = self
                .gazetteer
                .pick_town(span_text(view, s), &PlaceContext::default(), None)
                .filter(|p| !p.country.is_empty())
                .map(|p| p.country.as_str())
            else {
                continue;
            };
            let separator = |j: usize| matches!(view.word(j), "," | "and" | "or");
            let beside = [
                (s.end + 1 < n && separator(s.end)).then_some(s.end + 1),
                (s.first >= 2 && separator(s.first - 1)).then(|| s.first - 2),
            ];
            for i in beside.into_iter().flatten() {
                let a_town_there = lone_word(i)
                    && self
                        .gazetteer
                        .find_place(view.word(i))
                        .is_some_and(|found| {
                            found.entry.demonym_of.is_none()
                                && self
                                    .gazetteer
                                    .readings(found.entry)
                                    .any(|p| p.country == country)
                        });
                if a_town_there && !towns.contains(&i) {
                    towns.push(i);
                }
            }
        }
        for i in towns {
            match holder[i] {
                Some(k) => spans[k].type_id = LOC,
                None => spans.push(Span {
                    first: i,
                    end: i + 1,
                    type_id: LOC,
                    from_rule: true,
                }),
            }
        }
        spans.sort_by_key(|s| s.first);
    }

    /// "Allen, Texas", "Kamloops, British Columbia": a name before a comma and
    /// the state, province or country it names a town of is that town, where
    /// the model took it for a person (Allen is a given name) or anything else.
    pub(super) fn towns_before_their_region(&self, view: &DocView, spans: &mut [Span]) {
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
}

impl EntityTagger<'_> {
    /// Datelines at the start of a paragraph ("GENEVA —", "VALPARAÍSO, Chile —",
    /// "WASHINGTON (Reuters) -") are places whatever the model made of them.
    pub(super) fn datelines(&self, view: &DocView, spans: &mut Vec<Span>) -> Vec<(Span, Dateline)> {
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
    pub(super) fn repair_unknown_places(&self, view: &DocView, spans: &mut Vec<Span>) {
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
            if a_source && !self.is_a_place_of_note(text) {
                s.type_id = ORG;
            }
        }
        // "The Boston Red Sox … the Red Sox": the story's bodies by every
        // name it gives them.
        let bodies: HashSet<&str> = spans
            .iter()
            .filter(|s| s.type_id == ORG)
            .map(|s| span_text(view, s))
            .collect();
        spans.retain_mut(|s| {
            if s.type_id != LOC || s.from_rule || gaz.find_place(span_text(view, s)).is_some() {
                return true;
            }
            // A town's name before a body's name the story gives is that
            // body's full name: a team ("Boston Red Sox", "Tampa Bay Rays")
            // or a town's own body. Asked before the rule for a company's
            // products, since a team's town is often a body of the story
            // too ("Boston won").
            let bodys_name_after_a_town = (s.first + 1..s.end).any(|k| {
                let head = &view.text[view.tokens[s.first].start..view.tokens[k - 1].end];
                let tail = &view.text[view.tokens[k].start..view.tokens[s.end - 1].end];
                bodies.contains(tail) && gaz.find_place(head).is_some()
            });
            if bodys_name_after_a_town {
                s.type_id = ORG;
                return true;
            }
            // "The iconic Ford Falcon", "the Amazon Kindle": an organisation
            // of the story, then a name, is what it makes, unless the last word
            // says a place ("Ford Field").
            if s.end - s.first >= 2
                && companies.contains(view.word(s.first))
                && !is_place_word(view.lower[s.end - 1].as_str())
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
            }) && !is_place_word(last)
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
                let after_comma_place = self.qualified_after(view, s.end);
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
                && !is_place_word(view.lower[s.end - 1].as_str())
                // "Blenheim Palace", "Linwood Mosque", "Sandy Point": a word
                // saying what kind of place it is ends a place named for a
                // town, which is that place, not the town.
                && !PLACES_NAMED_FOR_TOWNS.contains(&view.lower[s.end - 1].as_str())
            {
                // "The Tampa Bay Rays", a place to the model: a town's team.
                if self.is_a_teams_nickname(view, k, s.end) {
                    s.type_id = ORG;
                    return true;
                }
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
                && !is_place_word(last)
                && !PLACES_NAMED_FOR_TOWNS.contains(&last)
            {
                s.type_id = PERSON;
            }
            true
        });
        spans.extend(added);
    }
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
pub(super) const RELIGIONS: &[&str] = &[
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
pub(super) const FAITHS_AND_PEOPLES_MEMBERS: &[&str] = &[
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
pub(super) fn names_a_faiths_or_peoples_members(view: &DocView, i: usize) -> bool {
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
pub(super) const DEITIES: &[&str] = &["God", "Allah", "Jehovah", "Yahweh"];

/// Words before a name that place it somewhere: "in Styles", "near Taikoo".
pub(super) const LOCATIVES: &[&str] = &[
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

/// Last words that make a name a site's or a feature's: "Times Square",
/// "Heathrow Airport", "Lake Chad".
const SITE_AND_FEATURE_WORDS: &[&str] = &[
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
    "mine",
    "dam",
    "canyon",
    "crater",
    "glacier",
    "estuary",
    "trench",
    "fault",
    "heights",
    "lane",
    "alley",
    "mall",
    "reservoir",
    "harbour",
    "harbor",
];

/// Whether `lower` (a word in lower case) is a last word that makes a name a
/// place's: a site's, a feature's or a division's ("Times Square", "Lake
/// Chad", "Kent County").
pub(super) fn is_place_word(lower: &str) -> bool {
    static WORDS: WordSet = WordSet::of(&[SITE_AND_FEATURE_WORDS, DIVISION_WORDS]);
    WORDS.contains(lower)
}

/// Last words of a place named for a town it is in or near ("Blenheim
/// Palace", "Linwood Mosque", "Sandy Point") that the place words
/// ([`is_place_word`]) leave out, as they end organisations' names too
/// ("Crystal Palace", "West Point").
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

/// Last words that make a name a country's division's: "Kent County".
pub(super) const DIVISION_WORDS: &[&str] = &[
    "county",
    "parish",
    "borough",
    "township",
    "province",
    "district",
    "oblast",
    "krai",
    "governorate",
    "voivodeship",
    "region",
];

/// The place words ([`is_place_word`]) that are also people's surnames
/// ("Chris Bridge", "Michael Bay"): a person's name may end with them.
pub(super) const PLACE_WORDS_AS_SURNAMES: &[&str] = &[
    "street", "road", "bridge", "river", "lake", "bay", "sea", "beach", "mountain", "valley",
    "coast", "lane", "alley",
];

/// "St. Bernard Parish", "Ste. Genevieve County": a place the model read
/// from after the saint's title takes it back in, where the gazetteer
/// knows the whole name (so "St. John said Paris …" keeps Paris alone).
/// The model may read the name after the title as the saint's ("her life
/// in Saint Louis" gave a person Louis): after a word that places things
/// ("in", "to", "from"), the whole is the place, unless it is the short
/// name of a body the story names ("Saint Francis Hospital … at Saint
/// Francis").
pub(super) fn places_open_with_a_saint(view: &DocView, spans: &mut [Span], gazetteer: &Gazetteer) {
    let covered = covered_tokens(view, spans);
    let bodies: Vec<&str> = spans
        .iter()
        .filter(|s| s.type_id == ORG)
        .map(|s| span_text(view, s))
        .collect();
    for s in spans
        .iter_mut()
        .filter(|s| matches!(s.type_id, LOC | PERSON) && s.first > 0)
    {
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
        let Some(found) = gazetteer.find_place(whole) else {
            continue;
        };
        // A city is the place even where a body is named after it ("Saint
        // Louis University … her life in Saint Louis").
        let city = gazetteer
            .readings(found.entry)
            .any(|p| p.kind == PlaceKind::City && p.population >= 100_000);
        let short_name_of_a_body = bodies.iter().any(|b| {
            b.starts_with(whole)
                || b.strip_prefix(span_text(view, s))
                    .is_some_and(|rest| rest.starts_with(' '))
        });
        let placed = saint > 0
            && LOCATIVES.contains(&view.word(saint - 1))
            && (city || !short_name_of_a_body);
        if s.type_id == LOC || placed {
            s.first = saint;
            s.type_id = LOC;
        }
    }
}

/// "according to a report by The Atlantic", "told The Atlantic": a sea's
/// or a region's name after "The" capitalised inside a sentence is a
/// title's (a magazine's, a body's), not the place, which news writes
/// "the Atlantic". The article is part of the name, as with "The Guardian".
pub(super) fn titles_named_for_a_region(view: &DocView, spans: &mut [Span]) {
    for s in spans
        .iter_mut()
        .filter(|s| matches!(s.type_id, LOC | ORG) && s.first > 0)
    {
        let the = s.first - 1;
        let whole_region =
            view.gaz[s.first].has(kind::REGION) && view.gaz_match_end(s.first) == Some(s.end);
        if whole_region && view.word(the) == "The" && !view.sent_start[the] {
            s.first = the;
            s.type_id = ORG;
        }
    }
}

impl EntityTagger<'_> {
    /// "The Bangsamoro Autonomous Region … Bangsamoro is to include them":
    /// a lone word the model took for a person is the place whose name the
    /// story opens with it, where that name ends in what kind of place it
    /// is ("Region", "County") and the word is no one's name: no given
    /// name, no census surname ("Lincoln County … Lincoln said"), no word
    /// of a full name of the story.
    pub(super) fn short_names_of_places(&self, view: &DocView, spans: &mut [Span]) {
        let openers: HashSet<&str> = spans
            .iter()
            .filter(|s| {
                s.type_id == LOC
                    && s.end - s.first >= 2
                    && view.is_capitalized(s.end - 1)
                    && is_place_word(view.lower[s.end - 1].as_str())
            })
            .map(|s| view.word(s.first))
            .collect();
        if openers.is_empty() {
            return;
        }
        let people = full_name_words(view, spans);
        for s in spans
            .iter_mut()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
        {
            let word = view.word(s.first);
            if openers.contains(word)
                && !people.contains(word)
                && !self.is_given_name(view, s.first)
                && !self.surnames.contains(&view.lower[s.first])
            {
                s.type_id = LOC;
            }
        }
    }
}

impl EntityTagger<'_> {
    /// "Hawke's Bay", "Ingall's Road", "Grauman's Egyptian Theatre": a
    /// name, a possessive and capitalised words ending in a word that makes
    /// a place ("Bay", "Road") are one place, which the model cut at the
    /// possessive (a place "Hawke", an organisation "Grauman"). Not where
    /// the possessor is a place, a body or someone of the story: "London's
    /// Heathrow Airport", "Epstein's Little Saint James Island".
    pub(super) fn places_named_with_a_possessive(&self, view: &DocView, spans: &mut Vec<Span>) {
        let n = view.len();
        let mut joins: Vec<(usize, usize)> = Vec::new();
        let mut people: Option<HashSet<&str>> = None;
        for i in 0..n.saturating_sub(3) {
            if !matches!(view.lower[i + 1].as_str(), "'s" | "\u{2019}s")
                || !view.is_capitalized(i)
                || view.sent_start[i + 1]
            {
                continue;
            }
            // The possessor: a span ending here, or one capitalised word.
            let first = spans
                .iter()
                .find(|s| s.end == i + 1 && !s.from_rule)
                .map_or(i, |s| s.first);
            let mut end = i + 2;
            while view.is_capitalized_in_sentence(end) {
                end += 1;
            }
            if end == i + 2 || !is_place_word(view.lower[end - 1].as_str()) {
                continue;
            }
            let possessor = &view.text[view.tokens[first].start..view.tokens[i].end];
            let someone = people
                .get_or_insert_with(|| full_name_words(view, spans))
                .contains(view.word(i));
            // Named for someone: a surname or a given name ("Mesoamerica's
            // Gulf Coast" is a place's coast), unless the gazetteer knows the
            // whole name.
            let named_for_someone = first == i
                && (self.surnames.contains(&view.lower[i]) || self.is_given_name(view, i));
            let known_whole = self
                .gazetteer
                .find_place(&view.text[view.tokens[first].start..view.tokens[end - 1].end])
                .is_some();
            if someone
                || !(named_for_someone || known_whole)
                || self.gazetteer.find_place(possessor).is_some()
                || (first..=i).any(|k| view.gaz[k].has_any(BODIES))
                || self.is_ordinary_word(possessor)
            {
                continue;
            }
            joins.push((first, end));
        }
        for (first, end) in joins {
            spans.retain(|s| s.end <= first || s.first >= end);
            spans.push(Span {
                first,
                end,
                type_id: LOC,
                from_rule: false,
            });
        }
        spans.sort_by_key(|s| s.first);
    }
}

/// "Address Amazon rainforest fires", "the Okavango delta": a name a noun
/// of land or water follows in lower case is that place, whatever the
/// model made of it (the company, for Amazon) or left untagged, and its
/// other mentions follow it by one type per name. A name with a body's
/// word ("the Amazon Conservation Team delta") is left as it is.
pub(super) fn names_before_a_natural_feature(view: &DocView, spans: &mut Vec<Span>) {
    const MOST_WORDS: usize = 3;
    let covered = covered_tokens(view, spans);
    let mut added = Vec::new();
    for feature in 1..view.len() {
        if !names_natural_feature_after(view.word(feature)) {
            continue;
        }
        if let Some(s) = spans.iter_mut().find(|s| s.end == feature) {
            if s.type_id != LOC && !has_org_word(view, s.first, s.end) {
                s.type_id = LOC;
            }
            continue;
        }
        // Capitalised words, and hyphens between them ("Murray-Darling"),
        // none an ordinary word's or opening its sentence.
        let mut first = feature;
        let mut words = 0;
        while first > 0 && words < MOST_WORDS && !covered[first - 1] {
            let j = first - 1;
            if view.word(j) == "-" && j > 0 && view.is_capitalized(j - 1) && words > 0 {
                first = j;
            } else if view.is_capitalized(j)
                && !view.sent_start[j]
                && !in_capitals(view.word(j))
                && !view.lower_is_common(j)
            {
                first = j;
                words += 1;
            } else {
                break;
            }
        }
        if words > 0 && view.word(first) != "-" {
            // Voted like the model's own, so that its other mentions follow.
            added.push(Span {
                first,
                end: feature,
                type_id: LOC,
                from_rule: false,
            });
        }
    }
    spans.extend(added);
    spans.sort_by_key(|s| s.first);
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
/// case) and "of" ("the town of Yeoncheon"), or such a noun and what it is
/// called ("a village called Bree", "the new region, to be called
/// Bangsamoro").
fn after_a_place_noun(view: &DocView, i: usize) -> bool {
    let of_form = i >= 3
        && view.lower[i - 1] == "of"
        && PLACE_NOUNS.contains(&view.word(i - 2))
        && view.lower[i - 3] == "the";
    of_form || called_after_a_place_noun(view, i)
}

fn called_after_a_place_noun(view: &DocView, i: usize) -> bool {
    let mut j = i;
    if !(j > 0 && matches!(view.lower[j - 1].as_str(), "called" | "named" | "dubbed")) {
        return false;
    }
    j -= 1;
    if j >= 2 && view.lower[j - 1] == "be" && view.lower[j - 2] == "to" {
        j -= 2;
    }
    if j >= 1 && view.word(j - 1) == "," {
        j -= 1;
    }
    j >= 1 && PLACE_NOUNS.contains(&view.word(j - 1))
}

/// "The town of Yeoncheon", "the village of Kfar Aza": a name after "the",
/// a noun said only of places and "of" is a place's, whether the model
/// left it untagged or took it for someone or a thing. The noun is in lower
/// case: "the City of London" is a name of its own.
pub(super) fn places_after_their_kind(view: &DocView, spans: &mut Vec<Span>) {
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

/// "Kamloops, B.C.", "Toowoomba, Qld", "Springfield, Ill.": a name before a
/// comma and a state's or province's abbreviation is a place in it, whatever
/// the model made of either (it took Kamloops for a person and B.C. for an
/// organisation). Two-letter postal codes ("OR", "IN") are words too often to
/// count here.
pub(super) fn places_before_their_division(view: &DocView, spans: &mut Vec<Span>) {
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

#[cfg(test)]
mod tests {
    use super::{LOC, ORG};
    use crate::Tagger;
    use crate::entities::spans::{span_text, spans_named};
    use crate::features::DocView;

    /// What `repair_unknown_places` makes of `spans` over `text`: each
    /// span's words and type, in the order of the text.
    fn repaired(text: &str, spans: &[(&str, u8)]) -> Vec<(String, u8)> {
        let t = Tagger::load().expect("shipped data loads");
        let view = DocView::new(text, &t.gazetteer, &t.clusters);
        let mut spans = spans_named(&view, spans);
        t.entity_tagger(None)
            .repair_unknown_places(&view, &mut spans);
        spans.sort_by_key(|s| s.first);
        spans
            .iter()
            .map(|s| (span_text(&view, s).to_string(), s.type_id))
            .collect()
    }

    #[test]
    fn a_towns_name_before_a_bodys_name_of_the_story_is_the_body() {
        // The model took the team for a place and its town for a body
        // ("Boston won"): the team is still a body, not the town's product.
        assert_eq!(
            repaired(
                "He joined the Boston Red Sox in 2013. Boston won, and the Red Sox paid him.",
                &[("Boston Red Sox", LOC), ("Boston", ORG), ("Red Sox", ORG)],
            ),
            [
                ("Boston Red Sox".to_string(), ORG),
                ("Boston".to_string(), ORG),
                ("Red Sox".to_string(), ORG),
            ]
        );
        // No body of that name in the story: a body's name, then another
        // name, is still what the body makes.
        let product = repaired(
            "Ford sold the Ford Falcon for years.",
            &[("Ford", ORG), ("Ford Falcon", LOC)],
        );
        assert_ne!(product[1], ("Ford Falcon".to_string(), ORG));
        assert_ne!(product[1], ("Ford Falcon".to_string(), LOC));
    }

    #[test]
    fn a_towns_team_taken_for_a_place_is_the_team() {
        let typed = |text: &str, name: &str| repaired(text, &[(name, LOC)]);
        assert_eq!(
            typed(
                "He pitched for the Jacksonville Suns in 2004.",
                "Jacksonville Suns"
            ),
            [("Jacksonville Suns".to_string(), ORG)]
        );
        // A plural that says a kind of place, a singular ending in "s",
        // and an event are no team.
        for (text, name) in [
            ("Poppies grow in Flanders Fields.", "Flanders Fields"),
            (
                "They hid during the Iran Hostage Crisis.",
                "Iran Hostage Crisis",
            ),
            (
                "She gave the Santa Cruz Lectures in 1994.",
                "Santa Cruz Lectures",
            ),
        ] {
            assert!(
                typed(text, name).iter().all(|(_, type_id)| *type_id != ORG),
                "{text}"
            );
        }
    }
}
