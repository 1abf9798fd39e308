//! The alert index: every standing alert, indexed by the terms its query
//! requires, so a new story finds its matching alerts by looking up its
//! own terms (the approach of Lucene Monitor / Luwak).

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use newsterm_query::{Document, Field, Query};
use newsterm_story::Story;

use crate::alert::AlertId;
use crate::presearch::{Key, Required, required};
use crate::program::{self, Node, Program, StoryTerms, Subject, Vocabulary, key};

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
    /// A required term ([`key`] of field and string) → alerts indexed
    /// under it.
    terms: HashMap<u64, Posting, BuildHasherDefault<KeyHasher>>,
    /// A required prefix ([`key`] of field and string) → alerts indexed
    /// under it.
    prefixes: HashMap<u64, Posting, BuildHasherDefault<KeyHasher>>,
    /// Per field: byte length of required prefixes → how many, so a
    /// story's terms are cut only at lengths some alert asks for.
    prefix_lengths: [BTreeMap<usize, usize>; FIELDS],
    /// Alerts with no required term, evaluated for every story.
    always: Vec<Slot>,
}

/// The alerts indexed under one term or prefix.
#[derive(Debug, Default)]
struct Posting {
    /// Alerts whose query is that term (or any of several terms): finding
    /// them is matching them, so their ids are kept right here and no
    /// query is read. Most alerts are of this kind, and at a million
    /// alerts reading each candidate's query is what costs.
    exact: Vec<AlertId>,
    /// Alerts whose query must be evaluated.
    check: Vec<Slot>,
}

impl Posting {
    fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.check.is_empty()
    }
}

/// Hashes the [`key`]s of postings: numbers handed out in sequence, not
/// chosen by users, so a multiplicative hash spreads them well and costs
/// a multiplication instead of SipHash's rounds.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }
}

#[derive(Debug)]
struct Entry {
    id: AlertId,
    program: Program,
}

/// True when a story holding any required term of the program matches
/// it: a term, a prefix, or an OR of them.
fn is_exact(program: &[Node]) -> bool {
    let leaf = |n: &Node| matches!(n, Node::Term { .. } | Node::Prefix { .. });
    match program {
        [only] => leaf(only),
        [Node::Or { span }, rest @ ..] => rest.len() + 1 == *span as usize && rest.iter().all(leaf),
        _ => false,
    }
}

/// Where an alert is posted: its id when finding it is matching it, its
/// slot when its query must be evaluated.
#[derive(Clone, Copy)]
enum Posted {
    Exact(AlertId),
    Check(Slot),
}

impl AlertIndex {
    /// An index with no alerts.
    pub fn new() -> AlertIndex {
        AlertIndex::default()
    }

    /// Number of alerts held.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True when it holds no alert.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// True when the alert `id` is held.
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
        let posted = if is_exact(&program) {
            Posted::Exact(id)
        } else {
            Posted::Check(slot)
        };
        match required(&program, &self.vocab) {
            Required::Always => self.always.push(slot),
            Required::AnyOf(keys) => {
                for key in keys {
                    self.post(key, posted);
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
        let posted = if is_exact(&entry.program) {
            Posted::Exact(id)
        } else {
            Posted::Check(slot)
        };
        // The vocabulary never forgets, so the keys extracted now are the
        // ones the alert was posted under.
        match required(&entry.program, &self.vocab) {
            Required::Always => remove_from(&mut self.always, &slot),
            Required::AnyOf(keys) => {
                for key in keys {
                    self.unpost(key, posted);
                }
            }
        }
        self.free.push(slot);
        true
    }

    fn post(&mut self, required: Key, posted: Posted) {
        let posting = match required {
            Key::Term(field, sym) => self.terms.entry(key(field, sym)).or_default(),
            Key::Prefix(field, sym) => {
                *self.prefix_lengths[field as usize]
                    .entry(self.vocab.text(sym).len())
                    .or_default() += 1;
                self.prefixes.entry(key(field, sym)).or_default()
            }
        };
        match posted {
            Posted::Exact(id) => posting.exact.push(id),
            Posted::Check(slot) => posting.check.push(slot),
        }
    }

    fn unpost(&mut self, required: Key, posted: Posted) {
        let (postings, field, sym) = match required {
            Key::Term(field, sym) => (&mut self.terms, field, sym),
            Key::Prefix(field, sym) => (&mut self.prefixes, field, sym),
        };
        if let Some(posting) = postings.get_mut(&key(field, sym)) {
            match posted {
                Posted::Exact(id) => remove_from(&mut posting.exact, &id),
                Posted::Check(slot) => remove_from(&mut posting.check, &slot),
            }
            if posting.is_empty() {
                postings.remove(&key(field, sym));
            }
        }
        if let Key::Prefix(field, sym) = required {
            let len = self.vocab.text(sym).len();
            let lengths = &mut self.prefix_lengths[field as usize];
            if let Some(count) = lengths.get_mut(&len) {
                *count -= 1;
                if *count == 0 {
                    lengths.remove(&len);
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
        let terms = StoryTerms::of(doc, &self.vocab);
        let subject = Subject {
            doc,
            terms: &terms,
            vocab: &self.vocab,
        };
        let found = self.candidates(&subject);
        let mut matched = found.exact;
        matched.extend(
            found
                .check
                .into_iter()
                .filter_map(|slot| self.alerts.get(slot as usize)?.as_ref())
                .filter(|entry| program::matches(&entry.program, &subject))
                .map(|entry| entry.id),
        );
        matched.sort_unstable();
        // An OR of terms, or a prefix, is found once per story term it
        // matches.
        matched.dedup();
        matched
    }

    /// How many alerts [`AlertIndex::match_document`] finds by presearch
    /// for this story, counting each once: what is left of
    /// [`AlertIndex::len`] to consider.
    pub fn candidate_count(&self, doc: &Document) -> usize {
        let terms = StoryTerms::of(doc, &self.vocab);
        let mut found = self.candidates(&Subject {
            doc,
            terms: &terms,
            vocab: &self.vocab,
        });
        found.exact.sort_unstable();
        found.exact.dedup();
        found.exact.len() + found.check.len()
    }

    /// Every alert that may match: those indexed under a term or prefix
    /// of the story, and those with no required term. Probes the story's
    /// few hundred distinct terms against the index, never the index's
    /// terms against the story.
    fn candidates(&self, subject: &Subject<'_>) -> Candidates {
        let mut found = Candidates {
            exact: Vec::new(),
            check: self.always.clone(),
        };
        for k in subject.terms.keys() {
            if let Some(posting) = self.terms.get(k) {
                found.add(posting);
            }
        }
        for field in Field::ALL {
            let lengths = &self.prefix_lengths[field as usize];
            if lengths.is_empty() {
                continue;
            }
            for term in subject.doc.terms(field) {
                for &len in lengths.keys() {
                    if len > term.len() {
                        break;
                    }
                    let Some(sym) = term.get(..len).and_then(|cut| self.vocab.lookup(cut)) else {
                        continue;
                    };
                    if let Some(posting) = self.prefixes.get(&key(field, sym)) {
                        found.add(posting);
                    }
                }
            }
        }
        found.check.sort_unstable();
        found.check.dedup();
        found
    }
}

/// What presearch finds for one story.
struct Candidates {
    /// Matching alerts, possibly repeated.
    exact: Vec<AlertId>,
    /// Alerts to evaluate, each once after [`AlertIndex::candidates`].
    check: Vec<Slot>,
}

impl Candidates {
    fn add(&mut self, posting: &Posting) {
        self.exact.extend_from_slice(&posting.exact);
        self.check.extend_from_slice(&posting.check);
    }
}

fn remove_from<T: PartialEq>(list: &mut Vec<T>, item: &T) {
    if let Some(at) = list.iter().position(|x| x == item) {
        list.swap_remove(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsterm_story::{Priority, StoryDraft};
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
            seq: 1,
            ..Story::new(content, datetime!(2024-05-01 12:00 UTC))
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
    fn exact_alerts_are_found_once_however_many_terms_they_match() {
        let index = index(&["elect*", "vote OR ballot OR elect*", "\"vote count\""]);
        let s = story(
            "Elected: vote and ballot count before election",
            Priority::Normal,
        );
        assert_eq!(index.match_story(&s), ids(&[1, 2]));
        let doc = Document::of(&s);
        assert_eq!(index.candidate_count(&doc), 3);
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
