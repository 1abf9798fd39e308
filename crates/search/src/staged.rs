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

use newsterm_query::{Document, Field, Query};
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
    postings: Postings,
}

/// Which staged revisions hold each word, by field: the sequences in
/// ascending order. A search scores only the staged stories that hold
/// its words ([`Tier::candidates`]); with a publisher at a few hundred
/// stories a second the tier holds hundreds of stories, and looking each
/// query word up in every one of them (a binary search over its words)
/// was a quarter of a search's time.
#[derive(Debug, Default)]
struct Postings([FxHashMap<Box<str>, Vec<u64>>; FIELDS]);

impl Postings {
    fn add(&mut self, seq: u64, doc: &Document) {
        for field in scored_fields() {
            let lists = &mut self.0[field as usize];
            for term in doc.terms(field) {
                match lists.get_mut(term) {
                    Some(seqs) => seqs.push(seq),
                    None => {
                        lists.insert(term.into(), vec![seq]);
                    }
                }
            }
        }
    }

    fn remove(&mut self, seq: u64, doc: &Document) {
        for field in scored_fields() {
            let lists = &mut self.0[field as usize];
            for term in doc.terms(field) {
                if let Some(seqs) = lists.get_mut(term) {
                    seqs.retain(|s| *s != seq);
                    if seqs.is_empty() {
                        lists.remove(term);
                    }
                }
            }
        }
    }

    /// Drops every sequence up to `seq` from the lists of `words` (the
    /// distinct words of what a commit drops).
    fn drop_upto(&mut self, seq: u64, words: &TierStats) {
        for (lists, terms) in self.0.iter_mut().zip(&words.doc_freq) {
            for term in terms.keys() {
                let Some(seqs) = lists.get_mut(term) else {
                    continue;
                };
                if seqs.last().is_none_or(|last| *last <= seq) {
                    lists.remove(term);
                } else {
                    seqs.retain(|s| *s > seq);
                }
            }
        }
    }

    fn list(&self, field: Field, term: &str) -> &[u64] {
        self.0[field as usize]
            .get(term)
            .map_or(&[], |seqs| seqs.as_slice())
    }

    /// The sequences of the staged stories that can match `query`, in
    /// ascending order, or `None` when any story can (a query without
    /// words to look up: a prefix, a date range, a negation on its own).
    /// Every story the query matches is among them; not every one of them
    /// matches (a phrase is looked up by one of its words).
    fn candidates(&self, query: &Query) -> Option<Vec<u64>> {
        match query {
            Query::All | Query::Prefix { .. } | Query::DateRange { .. } | Query::Not(_) => None,
            Query::Term { field, text } => Some(self.word(*field, text)),
            Query::Phrase { field, terms } if field.is_keyword() => {
                Some(self.word(*field, &terms.join(" ")))
            }
            // Every word of the phrase is in a matching story: the word
            // held by the fewest stories stands for the phrase.
            Query::Phrase { field, terms } => Some(
                terms
                    .iter()
                    .map(|term| self.word(*field, term))
                    .min_by_key(Vec::len)
                    .unwrap_or_default(),
            ),
            Query::And(items) => items
                .iter()
                .filter(|item| !matches!(item, Query::Not(_)))
                .filter_map(|item| self.candidates(item))
                .reduce(|a, b| intersection(&a, &b)),
            Query::Or(items) => {
                let mut all = Vec::new();
                for item in items {
                    all = union(&all, &self.candidates(item)?);
                }
                Some(all)
            }
        }
    }

    /// The stories holding `term` in `field`; in any of its parts for
    /// [`Field::Text`], which the tier does not count on its own.
    fn word(&self, field: Field, term: &str) -> Vec<u64> {
        if field == Field::Text {
            Field::TEXT_PARTS
                .iter()
                .fold(Vec::new(), |all, part| union(&all, self.list(*part, term)))
        } else {
            self.list(field, term).to_vec()
        }
    }
}

fn union(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

fn intersection(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
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
            self.postings.add(staged.seq, doc);
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
        self.postings.drop_upto(seq, &stats);
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
            self.postings.remove(seq, doc);
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

    /// The staged changes that can match `query`, in wire order: every
    /// one it matches, and withdrawals never (see [`Postings::candidates`]).
    pub fn candidates(&self, query: &Query) -> Vec<Arc<Staged>> {
        match self.postings.candidates(query) {
            None => self
                .by_seq
                .values()
                .filter(|s| s.story.is_some())
                .cloned()
                .collect(),
            Some(seqs) => seqs
                .iter()
                .filter_map(|seq| self.by_seq.get(seq).cloned())
                .collect(),
        }
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
        staged_draft(
            seq,
            id,
            StoryDraft {
                headline: Some(headline.into()),
                ..Default::default()
            },
        )
    }

    fn staged_draft(seq: u64, id: StoryId, draft: StoryDraft) -> Staged {
        let content = draft.validate(datetime!(2024-05-01 12:00 UTC)).unwrap();
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

    fn seqs(changes: &[Arc<Staged>]) -> Vec<u64> {
        changes.iter().map(|c| c.seq).collect()
    }

    #[test]
    fn candidates_hold_every_staged_story_a_query_matches_and_few_others() {
        use newsterm_story::Block;
        let texts = [
            (
                "Quake hits the coast",
                "The quake hit Lisbon at dawn.",
                "Energy",
            ),
            (
                "Storm over Lisbon",
                "A storm and a quake warning.",
                "Weather",
            ),
            (
                "Markets calm",
                "Traders in Tokyo shrugged off the storm.",
                "Energy",
            ),
            (
                "Coast guard rescue",
                "Fishermen rescued off the coast of Lisbon.",
                "Sea",
            ),
            ("Withdrawn quake story", "Quake.", "Energy"),
        ];
        let mut tier = Tier::default();
        let mut ids = Vec::new();
        for (n, (headline, body, keyword)) in texts.iter().enumerate() {
            let id = StoryId::new();
            ids.push(id);
            let draft = StoryDraft {
                headline: Some((*headline).into()),
                body: vec![Block::Paragraph((*body).into())],
                keywords: vec![(*keyword).into()],
                ..Default::default()
            };
            tier.insert(staged_draft(n as u64 + 1, id, draft));
        }
        // A withdrawal: matches nothing, is no candidate.
        tier.insert(Staged {
            seq: 6,
            id: ids[4],
            story: None,
        });
        // A revision: its old words are gone, its new ones found.
        tier.insert(staged(7, ids[2], "Markets rally in Tokyo"));

        let queries = [
            "quake",
            "lisbon",
            "headline:quake",
            "\"the coast\"",
            "\"quake warning\"",
            "\"lisbon at dawn\"",
            "quake lisbon",
            "quake OR rally",
            "quake -storm",
            "-quake",
            "coa*",
            "keyword:energy",
            "keyword:weather OR tokyo",
            "storm",
            "shrugged",
            "absentword",
            "",
        ];
        for text in queries {
            let query = newsterm_query::parse(text).unwrap();
            let candidates = tier.candidates(&query);
            let matching: Vec<u64> = tier
                .entries()
                .iter()
                .filter(|c| c.story.as_ref().is_some_and(|(_, d)| d.matches(&query)))
                .map(|c| c.seq)
                .collect();
            let found = seqs(&candidates);
            for seq in &matching {
                assert!(
                    found.contains(seq),
                    "{text}: {seq} matches, not a candidate"
                );
            }
            assert!(!found.contains(&6), "{text}: the withdrawal is a candidate");
            assert!(found.windows(2).all(|w| w[0] < w[1]), "{text}: {found:?}");
        }
        // Words look up only the stories holding them.
        let of =
            |tier: &Tier, text: &str| seqs(&tier.candidates(&newsterm_query::parse(text).unwrap()));
        assert_eq!(of(&tier, "lisbon"), vec![1, 2, 4]);
        assert_eq!(of(&tier, "quake lisbon"), vec![1, 2]);
        assert_eq!(of(&tier, "shrugged"), Vec::<u64>::new());
        assert_eq!(of(&tier, "rally"), vec![7]);
        assert_eq!(of(&tier, "keyword:energy"), vec![1]);
        assert_eq!(of(&tier, "absentword OR coast"), vec![1, 4]);

        // A commit drops what it covers from the lists, and only that.
        tier.commit(2);
        assert_eq!(of(&tier, "lisbon"), vec![4]);
        tier.commit(7);
        assert_eq!(of(&tier, "lisbon"), Vec::<u64>::new());
        assert!(tier.postings.0.iter().all(|lists| lists.is_empty()));
    }
}
