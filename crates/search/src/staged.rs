//! Stories acknowledged but not yet in an index commit, searchable from
//! memory.
//!
//! Committing a tantivy index costs a segment flush and an fsync, so the
//! indexer commits every few hundred milliseconds; a story would be
//! missing from searches until then. Instead every stored revision is
//! *staged* here before its publish is acknowledged, analyzed once into a
//! [`newsterm_query::Document`], and searches evaluate the query against
//! the staged stories with the query crate's matcher (held equal to the
//! index by a differential test), merging them into results, totals and
//! cursors. A commit that covers a staged revision drops it.
//!
//! The tier also keeps the BM25 statistics of what it holds (documents,
//! tokens per field, document frequencies), which are added to the
//! index's own: a staged story scores as it will once indexed, so a
//! relevance ranking does not change when a commit moves stories from
//! here into the index.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use newsterm_query::{Document, Field};
use newsterm_story::{Story, StoryId};
use rustc_hash::FxHashMap;

const FIELDS: usize = Field::ALL.len();

/// One staged change to a story: its latest revision, or its withdrawal.
#[derive(Debug)]
pub(crate) struct Staged {
    pub seq: u64,
    pub id: StoryId,
    /// `None` when the story was withdrawn: it matches nothing and hides
    /// the indexed copy.
    pub story: Option<(Arc<Story>, Arc<Document>)>,
}

/// The staged stories and their statistics.
#[derive(Debug, Default)]
pub(crate) struct Tier {
    by_seq: BTreeMap<u64, Arc<Staged>>,
    by_id: HashMap<StoryId, u64>,
    stats: TierStats,
}

/// BM25 statistics of the staged documents.
#[derive(Debug, Default, Clone)]
pub(crate) struct TierStats {
    pub docs: u64,
    pub tokens: [u64; FIELDS],
    /// Fx, not SipHash: every word of every staged story is counted here
    /// on the writer's thread, and the hashing was most of that.
    doc_freq: [FxHashMap<Box<str>, u64>; FIELDS],
}

impl TierStats {
    pub fn doc_freq(&self, field: Field, term: &str) -> u64 {
        self.doc_freq[field as usize]
            .get(term)
            .copied()
            .unwrap_or(0)
    }

    /// The document and token counts, without document frequencies.
    pub fn counts(&self) -> TierStats {
        TierStats {
            docs: self.docs,
            tokens: self.tokens,
            doc_freq: Default::default(),
        }
    }

    pub fn set_doc_freq(&mut self, field: Field, term: &str, n: u64) {
        self.doc_freq[field as usize].insert(term.into(), n);
    }

    /// Adds `other`'s documents, tokens and document frequencies, as if
    /// its documents were counted here too.
    pub fn merge(&mut self, other: &TierStats) {
        self.docs += other.docs;
        for (mine, theirs) in self.tokens.iter_mut().zip(other.tokens) {
            *mine += theirs;
        }
        for (mine, theirs) in self.doc_freq.iter_mut().zip(&other.doc_freq) {
            for (term, n) in theirs {
                *mine.entry(term.clone()).or_default() += n;
            }
        }
    }

    fn add(&mut self, doc: &Document) {
        self.docs += 1;
        for field in scored_fields() {
            self.tokens[field as usize] += u64::from(doc.field_len(field));
            let freq = &mut self.doc_freq[field as usize];
            for term in doc.terms(field) {
                match freq.get_mut(term) {
                    Some(n) => *n += 1,
                    None => {
                        freq.insert(term.into(), 1);
                    }
                }
            }
        }
    }

    /// Takes `other`'s documents, tokens and document frequencies out,
    /// as if its documents had never been counted here. Costs one look-up
    /// per distinct word of `other`, not one per word of each document.
    fn subtract(&mut self, other: &TierStats) {
        self.docs = self.docs.saturating_sub(other.docs);
        for (mine, theirs) in self.tokens.iter_mut().zip(other.tokens) {
            *mine = mine.saturating_sub(theirs);
        }
        for (mine, theirs) in self.doc_freq.iter_mut().zip(&other.doc_freq) {
            for (term, n) in theirs {
                if let Some(m) = mine.get_mut(term) {
                    *m = m.saturating_sub(*n);
                    if *m == 0 {
                        mine.remove(term);
                    }
                }
            }
        }
    }

    fn remove(&mut self, doc: &Document) {
        self.docs = self.docs.saturating_sub(1);
        for field in scored_fields() {
            let tokens = &mut self.tokens[field as usize];
            *tokens = tokens.saturating_sub(u64::from(doc.field_len(field)));
            let freq = &mut self.doc_freq[field as usize];
            for term in doc.terms(field) {
                if let Some(n) = freq.get_mut(term) {
                    *n -= 1;
                    if *n == 0 {
                        freq.remove(term);
                    }
                }
            }
        }
    }
}

/// Staged changes and their statistics, counted apart from the tier
/// (see [`Tier::commit_counted`]).
pub(crate) struct Counted {
    changes: Vec<Arc<Staged>>,
    stats: TierStats,
}

impl Counted {
    pub fn of(changes: Vec<Arc<Staged>>) -> Counted {
        let mut stats = TierStats::default();
        for change in &changes {
            if let Some((_, doc)) = &change.story {
                stats.add(doc);
            }
        }
        Counted { changes, stats }
    }
}

/// The fields the index scores: every field but the merged
/// [`Field::Text`], which the index holds as its parts.
pub(crate) fn scored_fields() -> impl Iterator<Item = Field> {
    Field::ALL.into_iter().filter(|f| *f != Field::Text)
}

impl Tier {
    /// Stages `staged`, replacing what was staged for the same story.
    /// Calls come in wire order.
    pub fn insert(&mut self, staged: Staged) {
        if let Some(old_seq) = self.by_id.insert(staged.id, staged.seq) {
            self.drop_seq(old_seq);
        }
        if let Some((_, doc)) = &staged.story {
            self.stats.add(doc);
        }
        self.by_seq.insert(staged.seq, Arc::new(staged));
    }

    /// Drops everything staged at or below `seq`: an index commit holds it.
    #[cfg(test)]
    pub fn commit(&mut self, seq: u64) {
        let counted = Counted::of(self.upto(seq));
        drop(self.commit_counted(seq, counted));
    }

    /// The changes staged at or below `seq`: what a commit up to it drops.
    pub fn upto(&self, seq: u64) -> Vec<Arc<Staged>> {
        self.by_seq.range(..=seq).map(|(_, s)| s.clone()).collect()
    }

    /// [`Tier::commit`] with the dropped changes' statistics counted
    /// beforehand ([`Counted::of`] [`Tier::upto`]), so that the caller
    /// can count them without holding the lock searches and staging wait
    /// for: what is left to do here costs one look-up per distinct word
    /// (taking each document's words out one by one held that lock for
    /// hundreds of milliseconds after a commit of thousands of stories).
    /// A change replaced since it was counted, or staged since, is
    /// accounted for here. Returns what was dropped, for the caller to
    /// free after it lets the lock go.
    pub fn commit_counted(&mut self, seq: u64, counted: Counted) -> BTreeMap<u64, Arc<Staged>> {
        let kept = self.by_seq.split_off(&(seq.saturating_add(1)));
        let dropped = std::mem::replace(&mut self.by_seq, kept);
        let Counted { changes, mut stats } = counted;
        let mut seen = std::collections::HashSet::with_capacity(changes.len());
        for change in &changes {
            let still_staged = dropped
                .get(&change.seq)
                .is_some_and(|d| Arc::ptr_eq(d, change));
            if still_staged {
                seen.insert(change.seq);
            } else if let Some((_, doc)) = &change.story {
                // Replaced by a later revision, which took it out already.
                stats.remove(doc);
            }
        }
        for staged in dropped.values() {
            if self.by_id.get(&staged.id) == Some(&staged.seq) {
                self.by_id.remove(&staged.id);
            }
            if !seen.contains(&staged.seq)
                && let Some((_, doc)) = &staged.story
            {
                stats.add(doc);
            }
        }
        self.stats.subtract(&stats);
        dropped
    }

    /// Drops everything.
    pub fn clear(&mut self) {
        *self = Tier::default();
    }

    fn drop_seq(&mut self, seq: u64) {
        if let Some(staged) = self.by_seq.remove(&seq)
            && let Some((_, doc)) = &staged.story
        {
            self.stats.remove(doc);
        }
    }

    pub fn len(&self) -> usize {
        self.by_seq.len()
    }

    /// The highest staged sequence.
    pub fn last_seq(&self) -> Option<u64> {
        self.by_seq.keys().next_back().copied()
    }

    /// Every staged change, in wire order.
    pub fn entries(&self) -> Vec<Arc<Staged>> {
        self.by_seq.values().cloned().collect()
    }

    pub fn stats(&self) -> &TierStats {
        &self.stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsterm_story::{StoryDraft, Tags};
    use time::macros::datetime;

    fn staged(seq: u64, id: StoryId, headline: &str) -> Staged {
        let content = StoryDraft {
            headline: Some(headline.into()),
            ..Default::default()
        }
        .validate(datetime!(2024-05-01 12:00 UTC))
        .unwrap();
        let story = Story {
            id,
            revision: 1,
            seq,
            content,
            tags: Tags::default(),
            received: datetime!(2024-05-01 12:00 UTC),
            mark: newsterm_story::RevisionMark::default(),
        };
        let doc = Document::of(&story);
        Staged {
            seq,
            id,
            story: Some((Arc::new(story), Arc::new(doc))),
        }
    }

    #[test]
    fn statistics_follow_inserts_replacements_and_commits() {
        let mut tier = Tier::default();
        let (a, b) = (StoryId::new(), StoryId::new());
        tier.insert(staged(1, a, "quake hits coast"));
        tier.insert(staged(2, b, "quake quake aftershock"));
        assert_eq!(tier.stats().docs, 2);
        assert_eq!(tier.stats().doc_freq(Field::Headline, "quake"), 2);
        assert_eq!(tier.stats().tokens[Field::Headline as usize], 6);
        // A revision replaces the staged one.
        tier.insert(staged(3, a, "storm"));
        assert_eq!(tier.len(), 2);
        assert_eq!(tier.stats().doc_freq(Field::Headline, "quake"), 1);
        assert_eq!(tier.stats().doc_freq(Field::Headline, "storm"), 1);
        tier.commit(2);
        assert_eq!(tier.len(), 1);
        assert_eq!(tier.stats().docs, 1);
        assert_eq!(tier.stats().doc_freq(Field::Headline, "quake"), 0);
        assert_eq!(tier.stats().tokens[Field::Headline as usize], 1);
        tier.commit(3);
        assert_eq!((tier.len(), tier.stats().docs), (0, 0));
        assert!(tier.stats().doc_freq[Field::Headline as usize].is_empty());
    }

    #[test]
    fn a_commit_counted_apart_leaves_the_statistics_a_commit_leaves() {
        let (a, b, c) = (StoryId::new(), StoryId::new(), StoryId::new());
        let mut tier = Tier::default();
        tier.insert(staged(1, a, "quake hits coast"));
        tier.insert(staged(2, b, "quake aftershock"));
        let counted = Counted::of(tier.upto(3));
        // Between the count and the commit: a story is staged that the
        // commit covers, and revisions replace both stories counted.
        tier.insert(staged(3, c, "storm coast"));
        tier.insert(staged(4, b, "flood coast"));
        tier.insert(staged(5, a, "quake again"));
        let dropped = tier.commit_counted(3, counted);
        assert_eq!(dropped.len(), 1);

        let mut expected = Tier::default();
        expected.insert(staged(4, b, "flood coast"));
        expected.insert(staged(5, a, "quake again"));
        assert_eq!(tier.len(), 2);
        assert_eq!(tier.stats().docs, expected.stats().docs);
        assert_eq!(tier.stats().tokens, expected.stats().tokens);
        for word in [
            "quake",
            "hits",
            "coast",
            "aftershock",
            "storm",
            "flood",
            "again",
        ] {
            assert_eq!(
                tier.stats().doc_freq(Field::Headline, word),
                expected.stats().doc_freq(Field::Headline, word),
                "{word}"
            );
        }
        assert_eq!(
            tier.stats().doc_freq[Field::Headline as usize].len(),
            expected.stats().doc_freq[Field::Headline as usize].len()
        );
    }
}
