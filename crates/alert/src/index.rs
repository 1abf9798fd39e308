//! The alert index: every standing alert, indexed by the terms its query
//! requires, so a new story finds its matching alerts by looking up its
//! own terms (the approach of Lucene Monitor / Luwak).

use std::collections::{BTreeMap, HashMap};

use newsterm_query::{Document, Field, Query};
use newsterm_story::Story;

use crate::alert::AlertId;
use crate::presearch::{Key, Required, required};
use crate::program::{self, Program, Vocabulary};

const FIELDS: usize = Field::ALL.len();

/// Where an alert lives in the index.
type Slot = u32;

/// Standing queries, matched against one story at a time.
///
/// [`AlertIndex::insert`] and [`AlertIndex::remove`] take effect for the
/// next story; nothing is ever rebuilt. Matching takes `&self`, so one
/// index behind a read-write lock serves many matchers at once.
#[derive(Debug, Default)]
pub struct AlertIndex {
    vocab: Vocabulary,
    alerts: Vec<Option<Entry>>,
    free: Vec<Slot>,
    slots: HashMap<AlertId, Slot>,
    /// Per field: a required term → alerts indexed under it.
    terms: [HashMap<Box<str>, Vec<Slot>>; FIELDS],
    /// Per field: a required prefix → alerts indexed under it.
    prefixes: [HashMap<Box<str>, Vec<Slot>>; FIELDS],
    /// Per field: byte length of required prefixes → how many, so a
    /// story's terms are cut only at lengths some alert asks for.
    prefix_lengths: [BTreeMap<usize, usize>; FIELDS],
    /// Alerts with no required term, evaluated for every story.
    always: Vec<Slot>,
}

#[derive(Debug)]
struct Entry {
    id: AlertId,
    program: Program,
}

impl AlertIndex {
    pub fn new() -> AlertIndex {
        AlertIndex::default()
    }

    /// Number of alerts held.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub fn contains(&self, id: AlertId) -> bool {
        self.slots.contains_key(&id)
    }

    /// Adds an alert, replacing any alert already held under `id`.
    pub fn insert(&mut self, id: AlertId, query: &Query) {
        self.remove(id);
        let program = program::compile(query, &mut self.vocab);
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.alerts.push(None);
                Slot::try_from(self.alerts.len() - 1).unwrap_or(Slot::MAX)
            }
        };
        match required(&program, &self.vocab) {
            Required::Always => self.always.push(slot),
            Required::AnyOf(keys) => {
                for key in keys {
                    self.post(key, slot);
                }
            }
        }
        self.alerts[slot as usize] = Some(Entry { id, program });
        self.slots.insert(id, slot);
    }

    /// Removes an alert; false when none was held under `id`.
    pub fn remove(&mut self, id: AlertId) -> bool {
        let Some(slot) = self.slots.remove(&id) else {
            return false;
        };
        let Some(entry) = self.alerts.get_mut(slot as usize).and_then(Option::take) else {
            return false;
        };
        // The vocabulary never forgets, so the keys extracted now are the
        // ones the alert was posted under.
        match required(&entry.program, &self.vocab) {
            Required::Always => unpost(&mut self.always, slot),
            Required::AnyOf(keys) => {
                for key in keys {
                    self.unpost(key, slot);
                }
            }
        }
        self.free.push(slot);
        true
    }

    fn post(&mut self, key: Key, slot: Slot) {
        match key {
            Key::Term(field, sym) => {
                let text = self.vocab.text(sym);
                let list = self.terms[field as usize].entry(text.into()).or_default();
                list.push(slot);
            }
            Key::Prefix(field, sym) => {
                let text = self.vocab.text(sym);
                let list = self.prefixes[field as usize]
                    .entry(text.into())
                    .or_default();
                list.push(slot);
                *self.prefix_lengths[field as usize]
                    .entry(text.len())
                    .or_default() += 1;
            }
        }
    }

    fn unpost(&mut self, key: Key, slot: Slot) {
        let (map, sym) = match key {
            Key::Term(field, sym) => (&mut self.terms[field as usize], sym),
            Key::Prefix(field, sym) => (&mut self.prefixes[field as usize], sym),
        };
        let text = self.vocab.text(sym);
        if let Some(list) = map.get_mut(text) {
            unpost(list, slot);
            if list.is_empty() {
                map.remove(text);
            }
        }
        if let Key::Prefix(field, _) = key {
            let lengths = &mut self.prefix_lengths[field as usize];
            if let Some(count) = lengths.get_mut(&text.len()) {
                *count -= 1;
                if *count == 0 {
                    lengths.remove(&text.len());
                }
            }
        }
    }

    /// The alerts whose queries match the story, in ascending id order.
    pub fn match_story(&self, story: &Story) -> Vec<AlertId> {
        self.match_document(&Document::of(story))
    }

    /// Like [`AlertIndex::match_story`], for a story already analyzed
    /// (analyze once, then match, stream-filter and fire from it).
    pub fn match_document(&self, doc: &Document) -> Vec<AlertId> {
        let mut matched: Vec<AlertId> = self
            .candidates(doc)
            .into_iter()
            .filter_map(|slot| self.alerts.get(slot as usize)?.as_ref())
            .filter(|entry| program::matches(&entry.program, &self.vocab, doc))
            .map(|entry| entry.id)
            .collect();
        matched.sort_unstable();
        matched
    }

    /// How many alerts [`AlertIndex::match_document`] evaluates for this
    /// story: what the presearch leaves of [`AlertIndex::len`].
    pub fn candidate_count(&self, doc: &Document) -> usize {
        self.candidates(doc).len()
    }

    /// Slots of every alert that may match: those indexed under a term
    /// or prefix of the story, and those with no required term. Probes
    /// the story's few hundred distinct terms against the index, never
    /// the index's terms against the story.
    fn candidates(&self, doc: &Document) -> Vec<Slot> {
        let mut found: Vec<Slot> = self.always.clone();
        for field in Field::ALL {
            let i = field as usize;
            let terms = &self.terms[i];
            let prefixes = &self.prefixes[i];
            if terms.is_empty() && prefixes.is_empty() {
                continue;
            }
            for term in doc.terms(field) {
                if let Some(list) = terms.get(term) {
                    found.extend_from_slice(list);
                }
                for &len in self.prefix_lengths[i].keys() {
                    if len > term.len() {
                        break;
                    }
                    let Some(cut) = term.get(..len) else {
                        continue;
                    };
                    if let Some(list) = prefixes.get(cut) {
                        found.extend_from_slice(list);
                    }
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

fn unpost(list: &mut Vec<Slot>, slot: Slot) {
    if let Some(at) = list.iter().position(|&s| s == slot) {
        list.swap_remove(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsterm_story::{Priority, StoryDraft, StoryId, Tags};
    use time::macros::datetime;

    fn story(headline: &str, priority: Priority) -> Story {
        let content = StoryDraft {
            headline: Some(headline.into()),
            priority: Some(priority),
            published: Some("2024-05-01T12:00:00Z".into()),
            ..Default::default()
        }
        .validate(datetime!(2024-05-01 12:00 UTC))
        .unwrap();
        Story {
            id: StoryId::new(),
            revision: 1,
            seq: 1,
            content,
            tags: Tags::default(),
            received: datetime!(2024-05-01 12:00 UTC),
        }
    }

    fn index(queries: &[&str]) -> AlertIndex {
        let mut index = AlertIndex::new();
        for (i, q) in queries.iter().enumerate() {
            index.insert(AlertId(i as u64 + 1), &newsterm_query::parse(q).unwrap());
        }
        index
    }

    fn ids(ids: &[u64]) -> Vec<AlertId> {
        ids.iter().copied().map(AlertId).collect()
    }

    #[test]
    fn a_story_matches_exactly_the_alerts_whose_queries_it_satisfies() {
        let index = index(&[
            "earthquake",
            "earthquake -japan",
            "\"oil prices\"",
            "quake* OR tsunami",
            "-sports",
            "priority:urgent",
            "published:<2024-01-01",
        ]);
        let s = story("Earthquake shakes Chile", Priority::Urgent);
        assert_eq!(index.match_story(&s), ids(&[1, 2, 5, 6]));
        let s = story("Japan earthquake: oil prices fall", Priority::Normal);
        assert_eq!(index.match_story(&s), ids(&[1, 3, 5]));
        let s = story("Sports: quakers win", Priority::Normal);
        assert_eq!(index.match_story(&s), ids(&[4]));
    }

    #[test]
    fn presearch_skips_alerts_whose_terms_are_absent() {
        let index = index(&["earthquake", "tsunami", "oil prices", "-sports"]);
        let doc = Document::of(&story("Tsunami warning", Priority::Normal));
        assert_eq!(index.candidate_count(&doc), 2);
    }

    #[test]
    fn insert_and_remove_take_effect_for_the_next_story() {
        let mut index = index(&["earthquake", "elect*"]);
        let s = story("Earthquake before elections", Priority::Normal);
        assert_eq!(index.match_story(&s), ids(&[1, 2]));
        assert!(index.remove(AlertId(2)));
        assert!(!index.remove(AlertId(2)));
        assert_eq!(index.match_story(&s), ids(&[1]));
        index.insert(AlertId(3), &newsterm_query::parse("before").unwrap());
        // Replacing an alert drops its old query.
        index.insert(AlertId(1), &newsterm_query::parse("flood").unwrap());
        assert_eq!(index.match_story(&s), ids(&[3]));
        assert_eq!(index.len(), 2);
        // A removed prefix alert's length no longer cuts story terms.
        assert!(index.prefix_lengths.iter().all(BTreeMap::is_empty));
    }

    #[test]
    fn freed_slots_are_reused() {
        let mut index = index(&["a1", "b2", "c3"]);
        index.remove(AlertId(2));
        index.insert(AlertId(9), &newsterm_query::parse("d4").unwrap());
        assert_eq!(index.alerts.len(), 3);
        let s = story("d4 b2", Priority::Normal);
        assert_eq!(index.match_story(&s), ids(&[9]));
    }
}
