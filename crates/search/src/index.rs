//! The search index: one document per story (its latest revision), one
//! writer, any number of concurrent searches, and the staged tier that
//! makes a story searchable before the index commits it.

use std::fs;
use std::ops::Bound;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use newsterm_api::{SearchHit, SearchResponse};
use newsterm_query::{Document, Query};
use newsterm_story::{Priority, Story, StoryId};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, RangeQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument,
    TantivyError, Term,
};

use crate::analyzer;
use crate::compile::{compile, counts_apart};
use crate::error::SearchError;
use crate::ranking::{Cursor, Rank, Ranker};
use crate::scatter::QueryStats;
use crate::schema::{Fields, SEQ, id_key, published_day};
use crate::score::{Plan, Stats};
use crate::snippet::Snippets;
use crate::staged::{Counted, Staged, Tier, TierStats};
use crate::volume::{Buckets, VolumeCollector};
use crate::window::{DayCountCache, Days, MAX_WINDOWS, Windows};
use tantivy::collector::{SegmentSortKeyComputer, SortKeyComputer};

/// Most hits returned in one page; larger limits are lowered to this.
pub const MAX_LIMIT: usize = 1_000;
/// Deepest offset a relevance-sorted search pages to; time-sorted
/// searches page without limit.
pub const MAX_RELEVANCE_OFFSET: usize = 10_000;
/// Most changes meant to be staged in memory at once: a writer faster
/// than the indexer (a bulk import) holds back its next writes while the
/// tier is near it, so it goes at the indexer's pace instead of growing
/// memory and search time. [`SearchIndex::stage`] itself never waits: a
/// revision is staged after it is stored, and a wait there would hold up
/// every publish behind it.
pub const MAX_STAGED: usize = 16_384;

/// Extra hits a relevance search collects by score alone, to tell a tie
/// at the end of the page from one that continues past it.
const TIE_SLACK: usize = 16;
/// Index hits in rank order, best first.
type Ranked = Vec<(Rank, DocAddress)>;

/// Writer memory per indexing thread (tantivy needs at least 15 MB).
const WRITER_BYTES_PER_THREAD: usize = 32_000_000;
/// Commit payload prefix recording the wire sequence the index holds.
const SEQ_PAYLOAD: &str = "newsterm-seq=";

/// How hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first (BM25; ties newest first).
    #[default]
    Relevance,
    /// Newest `published` first (ties by story id, newest first); hits
    /// carry a score of 0.
    Time,
}

/// One page of a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchOptions {
    /// Hits per page, at most [`MAX_LIMIT`]; 0 only counts.
    pub limit: usize,
    /// Relevance or newest first.
    pub sort: Sort,
    /// `next_cursor` of the previous page, with the same query and sort.
    pub cursor: Option<String>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 20,
            sort: Sort::Relevance,
            cursor: None,
        }
    }
}

/// What a search reads: the last commit and what is staged above it,
/// taken together so no story is seen twice or missed.
struct Live {
    searcher: Searcher,
    tier: Tier,
}

/// Where the index reads the stories it finds. It keeps their words for
/// matching and ranking, but not their text: the store holds it already,
/// and keeping it twice cost more disk per story than the words did.
pub trait StoryTexts: Send + Sync {
    /// The revisions at these wire sequence numbers, in the same order,
    /// `None` where there is none. Of their tags only the topics are
    /// needed: a hit shows its top topic and no other tag.
    fn at_seqs(&self, seqs: &[u64]) -> Result<Vec<Option<Story>>, SearchError>;
}

/// The tantivy index derived from the store, with the stories not yet
/// committed to it staged in memory.
///
/// Holds the latest revision of each story and, in its last commit, the
/// highest wire sequence it includes. Safe to share between threads:
/// writes are serialized inside, and searches run concurrently with them
/// on the last committed state plus the staged stories.
pub struct SearchIndex {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    indexed_seq: AtomicU64,
    live: RwLock<Live>,
    /// Where hits' headlines and snippets are read from.
    texts: std::sync::OnceLock<Arc<dyn StoryTexts>>,
    /// Stories a day, for lists of the newest matches.
    day_counts: DayCountCache,
}

/// A hit before it is rendered: where its story is.
enum Found {
    Indexed(DocAddress),
    Staged(Arc<Staged>),
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the directory and an empty index
    /// if there is none; [`SearchError::SchemaMismatch`] when the index
    /// there was built with another schema or analyzer.
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        fs::create_dir_all(dir).map_err(|source| SearchError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let (schema, fields) = Fields::build();
        let directory = MmapDirectory::open(dir)?;
        let index = if Index::exists(&directory).map_err(TantivyError::from)? {
            let index = Index::open(directory)?;
            if index.schema() != schema {
                return Err(SearchError::SchemaMismatch {
                    path: dir.to_path_buf(),
                });
            }
            index
        } else {
            Index::create(directory, schema, Default::default())?
        };
        analyzer::register(index.tokenizers());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
        let writer = index.writer_with_num_threads(threads, threads * WRITER_BYTES_PER_THREAD)?;
        let indexed_seq = seq_from_payload(index.load_metas()?.payload.as_deref());
        let live = Live {
            searcher: reader.searcher(),
            tier: Tier::default(),
        };
        Ok(SearchIndex {
            reader,
            writer: Mutex::new(writer),
            fields,
            indexed_seq: AtomicU64::new(indexed_seq),
            live: RwLock::new(live),
            texts: std::sync::OnceLock::new(),
            day_counts: DayCountCache::default(),
        })
    }

    /// Reads the text of indexed hits (headline, snippet) from `texts`,
    /// the store the index is derived from. Without it indexed hits carry
    /// their id, time, priority, source and topic but no headline or
    /// snippet. Only the first call counts.
    pub fn set_texts(&self, texts: Arc<dyn StoryTexts>) {
        let _ = self.texts.set(texts);
    }

    /// Like [`SearchIndex::open`], but an index with another schema, or
    /// one tantivy reports as corrupt or incompatible, is deleted and
    /// recreated empty; the flag is `true` when that happened, and the
    /// caller should then reindex from the store (its
    /// [`SearchIndex::indexed_seq`] is 0).
    pub fn open_or_recreate(dir: &Path) -> Result<(SearchIndex, bool), SearchError> {
        match SearchIndex::open(dir) {
            Ok(index) => Ok((index, false)),
            Err(
                SearchError::SchemaMismatch { .. }
                | SearchError::Index(
                    TantivyError::DataCorruption(_) | TantivyError::IncompatibleIndex(_),
                ),
            ) => {
                remove_index_files(dir)?;
                Ok((SearchIndex::open(dir)?, true))
            }
            Err(e) => Err(e),
        }
    }

    /// Makes a stored revision searchable at once, from memory, until a
    /// commit covering its sequence holds it. `doc` is
    /// [`Document::of`] the story (analyzed once by the caller and shared
    /// with whatever else matches it). Call in wire order, before
    /// acknowledging the write; the story still has to be given to
    /// [`SearchIndex::index_story`].
    ///
    /// Never waits, however many changes are staged: holding back writes
    /// while the tier is full is the writer's part (see [`MAX_STAGED`]).
    pub fn stage(&self, story: Arc<Story>, doc: Arc<Document>) {
        // A withdrawal takes the story out of search at once.
        if story.is_withdrawn() {
            self.stage_withdrawal(story.id, story.seq);
            return;
        }
        let staged = Staged {
            seq: story.seq,
            id: story.id,
            story: Some((story, doc)),
        };
        self.stage_change(staged);
    }

    /// Makes a withdrawal visible at once: the story matches nothing from
    /// now on, though the index still holds it until a commit after
    /// [`SearchIndex::delete_story`]. `seq` is the withdrawal's wire
    /// sequence.
    pub fn stage_withdrawal(&self, id: StoryId, seq: u64) {
        self.stage_change(Staged {
            seq,
            id,
            story: None,
        });
    }

    fn stage_change(&self, staged: Staged) {
        let mut live = self.live_mut();
        if staged.seq > self.indexed_seq() {
            live.tier.insert(staged);
        }
    }

    /// Changes staged in memory, waiting for a commit.
    pub fn staged_len(&self) -> usize {
        self.live().tier.len()
    }

    /// The highest wire sequence searches see: committed or staged.
    pub fn searchable_seq(&self) -> u64 {
        let live = self.live();
        live.tier.last_seq().unwrap_or(0).max(self.indexed_seq())
    }

    /// Adds a story, replacing any revision of it already indexed.
    ///
    /// Call in wire order: the last revision indexed is the one kept.
    /// Visible to searches after the next [`SearchIndex::commit`] (or at
    /// once, when it was staged).
    pub fn index_story(&self, story: &Story) -> Result<(), SearchError> {
        let writer = self.writer();
        writer.delete_term(Term::from_field_text(self.fields.id, &id_key(&story.id)));
        // A withdrawn story leaves search: its revision only removes it.
        if !story.is_withdrawn() {
            writer.add_document(self.fields.document(story))?;
        }
        Ok(())
    }

    /// Removes a story from the index (a withdrawal), from the next commit.
    pub fn delete_story(&self, id: StoryId) {
        self.writer()
            .delete_term(Term::from_field_text(self.fields.id, &id_key(&id)));
    }

    /// Makes everything indexed so far durable and visible to searches,
    /// recording `upto_seq` as the highest wire sequence it includes, and
    /// drops what is staged up to it.
    pub fn commit(&self, upto_seq: u64) -> Result<(), SearchError> {
        let mut writer = self.writer();
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&format!("{SEQ_PAYLOAD}{upto_seq}"));
        prepared.commit()?;
        drop(writer);
        self.reader.reload()?;
        let searcher = self.reader.searcher();
        // Counting what leaves the tier reads every word of every story
        // committed: done here, without the lock that every search and
        // every publish's staging waits for. This thread runs at a lower
        // priority, so holding that lock through such work made
        // publishes and searches wait on it for hundreds of ms.
        let dropping = self.live().tier.upto(upto_seq);
        let counted = Counted::of(dropping);
        let dropped = {
            // The new searcher and the trimmed tier change together: a
            // search sees the old pair or the new one, never a gap.
            let mut live = self.live_mut();
            live.searcher = searcher;
            self.indexed_seq.store(upto_seq, Ordering::SeqCst);
            live.tier.commit_counted(upto_seq, counted)
        };
        // Freed after the lock is let go.
        drop(dropped);
        Ok(())
    }

    /// Empties the index and commits at once, with an indexed sequence of
    /// 0, so a rebuild interrupted by a crash restarts from the beginning.
    pub fn clear(&self) -> Result<(), SearchError> {
        self.writer().delete_all_documents()?;
        self.live_mut().tier.clear();
        self.commit(0)
    }

    /// The wire sequence recorded by the last commit (0 for a new index):
    /// every story up to it is indexed, catch up from the next one.
    pub fn indexed_seq(&self) -> u64 {
        self.indexed_seq.load(Ordering::SeqCst)
    }

    /// Stories in the last commit.
    pub fn num_docs(&self) -> u64 {
        self.live().searcher.num_docs()
    }

    /// Runs a query: one page of hits, the total number of matches, and a
    /// cursor to the next page when there is one.
    ///
    /// Sees every revision staged or committed when it starts: the last
    /// commit, minus the stories staged since (their newer revision or
    /// withdrawal stands in), plus the staged stories.
    pub fn search(
        &self,
        query: &Query,
        opts: &SearchOptions,
    ) -> Result<SearchResponse, SearchError> {
        self.search_scored(query, opts, None)
    }

    /// The ids of the newest `limit` stories matching `query`, newest
    /// first: the stories [`SearchIndex::latest`] finds, without reading
    /// their text from the store or making snippets (for callers that
    /// read the stories themselves, such as facets and feeds).
    pub fn latest_ids(&self, query: &Query, limit: usize) -> Result<Vec<StoryId>, SearchError> {
        let opts = SearchOptions {
            limit,
            sort: Sort::Time,
            cursor: None,
        };
        // The ids are the ranks' own (the index keeps them in columns to
        // sort by), so no stored document is read.
        let page = self.newest_page(query, &opts, None, Total::Window)?;
        Ok(page
            .hits
            .iter()
            .map(|(rank, found)| match found {
                Found::Indexed(_) => StoryId::from(rank.id),
                Found::Staged(change) => change.id,
            })
            .collect())
    }

    /// The statistics relevance reads for `query` here (committed and
    /// staged stories): the first phase of a search scattered over
    /// partitions, which sum them ([`QueryStats::add`]) so every
    /// partition scores with the statistics of the whole archive.
    pub fn query_stats(&self, query: &Query) -> Result<QueryStats, SearchError> {
        use tantivy::query::Bm25StatisticsProvider;
        let (searcher, mut stats) = {
            let live = self.live();
            (live.searcher.clone(), live.tier.stats().for_query(query))
        };
        stats.docs += Bm25StatisticsProvider::total_num_docs(&searcher)?;
        for field in newsterm_query::Field::ALL {
            if let Some(index_field) = self.fields.get(field) {
                stats.tokens[field as usize] += searcher.total_num_tokens(index_field)?;
            }
        }
        let mut words = Vec::new();
        query_words(query, &mut words);
        words.sort();
        words.dedup();
        for (field, word) in words {
            if let Some(index_field) = self.fields.get(field) {
                let indexed = searcher.doc_freq(&Term::from_field_text(index_field, &word))?;
                let staged = stats.doc_freq(field, &word);
                stats.set_doc_freq(field, &word, staged + indexed);
            }
        }
        Ok(QueryStats(stats))
    }

    /// [`SearchIndex::search`], scoring as if the stories `elsewhere`
    /// counts (the other partitions' [`SearchIndex::query_stats`], summed)
    /// were in this index too: the second phase of a scattered search,
    /// whose pages [`crate::gather`] merges into the page one index
    /// holding every partition would answer.
    pub fn search_with_stats(
        &self,
        query: &Query,
        opts: &SearchOptions,
        elsewhere: &QueryStats,
    ) -> Result<SearchResponse, SearchError> {
        self.search_scored(query, opts, Some(&elsewhere.0))
    }

    /// The page of `query`'s newest hits (`opts` sorts by time), looked
    /// for in recent windows first ([`Windows`]); past a cursor, in the
    /// days up to its story's. With [`Total::Whole`], the page's `total`
    /// and `more` are those of the whole archive, as a search answers
    /// them; with [`Total::Window`], `total` counts only the matches of
    /// the window the page was found in, which lists of ids need not know.
    fn newest_page(
        &self,
        query: &Query,
        opts: &SearchOptions,
        elsewhere: Option<&TierStats>,
        total: Total,
    ) -> Result<Page, SearchError> {
        // A page holds at most MAX_LIMIT hits, however many are asked for:
        // a window holding that many is full. To know whether more hits
        // follow, a window must hold one more than the page.
        let limit = opts.limit.min(MAX_LIMIT);
        let want = match total {
            Total::Whole => limit + 1,
            Total::Window => limit,
        };
        // Stories ranked after a cursor were published on its day or
        // before; a cursor that does not decode is page()'s to refuse.
        let before = match opts.cursor.as_deref().map(Cursor::decode) {
            None => None,
            Some(Ok(Cursor::After { published, .. })) => Some(published_day(published)),
            Some(_) => return self.page(query, opts, elsewhere, None),
        };
        let searcher = self.live().searcher.clone();
        let counts = self.day_counts.of(&searcher, &self.fields)?;
        if limit > 0
            && let Some(mut windows) =
                Windows::plan(query, &searcher, &self.fields, counts, want, before)?
        {
            for _ in 0..MAX_WINDOWS {
                let Some(days) = windows.next_window() else {
                    break;
                };
                let mut page = self.page(query, opts, elsewhere, Some(days))?;
                // Every story outside the window was published before
                // every story in it: a full page is the newest there is.
                let full = match total {
                    Total::Whole => page.more,
                    Total::Window => page.hits.len() >= limit,
                };
                if full {
                    if total == Total::Whole {
                        // Counted in a view taken a moment later: a story
                        // acknowledged in between is counted though this
                        // page was ranked without it, as if the search had
                        // started a moment later.
                        page.total = self.count(query)?;
                    }
                    return Ok(page);
                }
                windows.widen(page.hits.len(), want);
            }
        }
        self.page(query, opts, elsewhere, None)
    }

    /// Every match of `query`, staged or committed: a count alone, with
    /// no hit ranked.
    fn count(&self, query: &Query) -> Result<u64, SearchError> {
        let opts = SearchOptions {
            limit: 0,
            sort: Sort::Time,
            cursor: None,
        };
        Ok(self.page(query, &opts, None, None)?.total)
    }

    /// Index segments in the last commit (each is searched in turn).
    pub fn segments(&self) -> usize {
        self.live().searcher.segment_readers().len()
    }

    /// The page of `query`'s hits that `opts` asks for, ranked, and the
    /// count of every hit: what a search answers before it reads a hit's
    /// text. With `window`, only the stories published on its days are
    /// hits.
    fn page(
        &self,
        query: &Query,
        opts: &SearchOptions,
        elsewhere: Option<&TierStats>,
        window: Option<Days>,
    ) -> Result<Page, SearchError> {
        let limit = opts.limit.min(MAX_LIMIT);
        let cursor = opts.cursor.as_deref().map(Cursor::decode).transpose()?;
        let (offset, after) = match (opts.sort, cursor) {
            (_, None) => (0, None),
            (Sort::Relevance, Some(Cursor::Offset(n))) if n <= MAX_RELEVANCE_OFFSET => (n, None),
            (Sort::Time, Some(Cursor::After { published, id })) => (
                0,
                Some(Rank {
                    score: 0.0,
                    published,
                    id,
                }),
            ),
            (_, Some(_)) => {
                return Err(SearchError::InvalidCursor(
                    opts.cursor.clone().unwrap_or_default(),
                ));
            }
        };
        let by_score = opts.sort == Sort::Relevance;

        // One short read lock: the searcher, the staged changes, and the
        // staged statistics of the query's words.
        let (searcher, staged, candidates, mut tier_stats) = {
            let live = self.live();
            (
                live.searcher.clone(),
                live.tier.entries(),
                live.tier.candidates(query),
                live.tier.stats().for_query(query),
            )
        };
        if let Some(elsewhere) = elsewhere {
            tier_stats.merge(elsewhere);
        }
        let stats = Stats {
            searcher: &searcher,
            tier: &tier_stats,
            fields: &self.fields,
        };

        // Staged stories that hold the query's words: evaluated in memory.
        let plan = if by_score {
            Some(Plan::new(query, &stats)?)
        } else {
            None
        };
        let mut ranked: Vec<(Rank, Found)> = Vec::new();
        let mut staged_total = 0u64;
        for change in &candidates {
            let Some((_, doc)) = &change.story else {
                continue;
            };
            if window.is_some_and(|w| !w.holds(published_day(doc.published().unix_timestamp()))) {
                continue;
            }
            let score = match &plan {
                Some(plan) => plan.score(doc),
                None => doc.matches(query).then_some(0.0),
            };
            let Some(score) = score else { continue };
            staged_total += 1;
            let rank = Rank {
                score,
                published: doc.published().unix_timestamp(),
                id: change.id.into(),
            };
            if after.is_none_or(|a| rank < a) {
                ranked.push((rank, Found::Staged(change.clone())));
            }
        }

        // The index, without the stories whose staged change stands in
        // for the indexed copy.
        let shadowed = shadowed(&staged);
        let compiled = match window {
            Some(days) => self.within(compile(query, &self.fields), days),
            None => compile(query, &self.fields),
        };
        let shadowed_total = match self.among(compiled.as_ref(), &shadowed) {
            Some(both) => searcher.search(&both, &Count)? as u64,
            None => 0,
        };
        let index_total = if limit == 0 {
            searcher.search(&compiled, &Count)? as u64
        } else {
            // Enough to fill the page after dropping shadowed stories,
            // and one more, to know whether another page follows.
            let want = offset + limit + 1 + shadowed.len();
            // A lone word's best hits are found without visiting every
            // match (block-WAND) and its matches counted from its posting
            // lists: two short passes. Any other query's top pass visits
            // every match anyway, so it counts them as it goes instead of
            // a second pass repeating the work (a phrase's positions, an
            // intersection).
            let count_along = !(by_score && counts_apart(query));
            let (top, counted) = if by_score {
                match exclusion(query).filter(|_| window.is_none()) {
                    Some((kept, left_out)) => self.top_excluding(
                        &searcher,
                        compiled.as_ref(),
                        kept,
                        &left_out,
                        &stats,
                        want,
                    )?,
                    None => {
                        self.top_by_score(&searcher, compiled.as_ref(), &stats, want, count_along)?
                    }
                }
            } else {
                let top = TopDocs::with_limit(want).order_by(Ranker { by_score, after });
                let (top, count) = searcher.search(&compiled, &(top, Count))?;
                let top = top
                    .into_iter()
                    .filter_map(|(rank, address)| rank.map(|r| (r, address)))
                    .collect();
                (top, Some(count))
            };
            let total = match counted {
                Some(count) => count,
                None => searcher.search(&compiled, &Count)?,
            };
            let shadowed_keys: std::collections::HashSet<u128> =
                shadowed.iter().map(|s| u128::from(s.id)).collect();
            ranked.extend(
                top.into_iter()
                    .filter(|(rank, _)| !shadowed_keys.contains(&rank.id))
                    .map(|(rank, address)| (rank, Found::Indexed(address))),
            );
            total as u64
        };
        let total = index_total.saturating_sub(shadowed_total) + staged_total;
        if limit == 0 {
            // Only counted: the staged matches ranked above make no page.
            ranked.clear();
        }
        ranked.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        let mut hits: Vec<(Rank, Found)> =
            ranked.into_iter().skip(offset).take(limit + 1).collect();
        let more = hits.len() > limit;
        hits.truncate(limit);
        Ok(Page {
            searcher,
            tier_stats,
            hits,
            total,
            more,
            offset,
        })
    }

    fn search_scored(
        &self,
        query: &Query,
        opts: &SearchOptions,
        elsewhere: Option<&TierStats>,
    ) -> Result<SearchResponse, SearchError> {
        // Newest first, a page is looked for among recent stories before
        // every match is ranked by time.
        let page = match opts.sort {
            Sort::Time => self.newest_page(query, opts, elsewhere, Total::Whole)?,
            Sort::Relevance => self.page(query, opts, elsewhere, None)?,
        };
        self.respond(query, opts, page)
    }

    /// A search's answer from its page: each hit's story and snippets,
    /// the total and the cursor to the next page.
    fn respond(
        &self,
        query: &Query,
        opts: &SearchOptions,
        page: Page,
    ) -> Result<SearchResponse, SearchError> {
        let Page {
            searcher,
            tier_stats,
            hits: page,
            total,
            more,
            offset,
        } = page;
        let mut hits = Vec::with_capacity(page.len());
        if !page.is_empty() {
            let staged_docs: Vec<&Document> = page
                .iter()
                .filter_map(|(_, found)| match found {
                    Found::Staged(change) => change.story.as_ref().map(|(_, d)| d.as_ref()),
                    Found::Indexed(_) => None,
                })
                .collect();
            let snippets =
                Snippets::new(&searcher, query, &self.fields, &tier_stats, &staged_docs)?;
            // The indexed hits' stories, read from the store in one go by
            // the wire sequence the index keeps in a column: no stored
            // document is read unless the store lacks a story.
            let mut seq_columns = SeqColumns::default();
            let mut seqs = Vec::new();
            for (_, found) in &page {
                if let Found::Indexed(address) = found {
                    seqs.push(seq_columns.seq(&searcher, *address)?);
                }
            }
            let mut stories = match self.texts.get() {
                Some(texts) => texts.at_seqs(&seqs)?,
                None => Vec::new(),
            }
            .into_iter();
            for (rank, found) in &page {
                hits.push(match found {
                    Found::Indexed(address) => match stories.next().flatten() {
                        Some(story) => story_hit(&story, rank.score, Some(&snippets)),
                        None => {
                            let doc = searcher.doc::<TantivyDocument>(*address)?;
                            self.hit(&doc, rank.score)?
                        }
                    },
                    Found::Staged(change) => match &change.story {
                        Some((story, _)) => story_hit(story, rank.score, Some(&snippets)),
                        None => continue,
                    },
                });
            }
        }
        let next_cursor = match page.last() {
            Some((last, _)) if more => Some(
                match opts.sort {
                    Sort::Relevance => Cursor::Offset(offset + page.len()),
                    Sort::Time => Cursor::After {
                        published: last.published,
                        id: last.id,
                    },
                }
                .encode(),
            ),
            _ => None,
        };
        Ok(SearchResponse {
            total,
            hits,
            next_cursor,
        })
    }

    /// How many stories matching `query` were published in each of
    /// `buckets` (one count per bucket, oldest first).
    ///
    /// Sees what [`SearchIndex::search`] sees: the last commit, minus the
    /// stories staged since, plus the staged stories; so a story counts
    /// from the moment its publish is acknowledged, as it is found.
    pub fn volume(&self, query: &Query, buckets: Buckets) -> Result<Vec<u64>, SearchError> {
        let (searcher, staged, candidates) = {
            let live = self.live();
            (
                live.searcher.clone(),
                live.tier.entries(),
                live.tier.candidates(query),
            )
        };
        let compiled = compile(query, &self.fields);
        let mut counts = searcher.search(&compiled, &VolumeCollector(buckets))?;
        if let Some(both) = self.among(compiled.as_ref(), &shadowed(&staged)) {
            let gone = searcher.search(&both, &VolumeCollector(buckets))?;
            for (count, gone) in counts.iter_mut().zip(gone) {
                *count = count.saturating_sub(gone);
            }
        }
        for change in &candidates {
            let Some((_, doc)) = &change.story else {
                continue;
            };
            if let Some(i) = buckets
                .index(doc.published().unix_timestamp())
                .filter(|_| doc.matches(query))
            {
                counts[i] += 1;
            }
        }
        Ok(counts)
    }

    /// `query` restricted to the stories published on `days`, which add
    /// nothing to its scores. The days are one term per story, so the
    /// restriction reads only those days' postings and, when they are
    /// fewer than the query's matches, leads the search.
    fn within(
        &self,
        query: Box<dyn tantivy::query::Query>,
        days: Days,
    ) -> Box<dyn tantivy::query::Query> {
        let day = |d: i64| Term::from_field_i64(self.fields.published_day, d);
        let within = RangeQuery::new(
            Bound::Included(day(days.first)),
            days.last
                .map_or(Bound::Unbounded, |last| Bound::Included(day(last))),
        );
        Box::new(BooleanQuery::new(vec![
            (Occur::Must, query),
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(within), 0.0)),
            ),
        ]))
    }

    /// `query` restricted to the indexed copies of `stories`; `None` when
    /// there are none.
    fn among(
        &self,
        query: &dyn tantivy::query::Query,
        stories: &[&Staged],
    ) -> Option<BooleanQuery> {
        if stories.is_empty() {
            return None;
        }
        let ids = stories
            .iter()
            .map(|s| {
                let term = Term::from_field_text(self.fields.id, &id_key(&s.id));
                let id: Box<dyn tantivy::query::Query> =
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                (Occur::Should, id)
            })
            .collect();
        Some(BooleanQuery::new(vec![
            (Occur::Must, query.box_clone()),
            (Occur::Must, Box::new(BooleanQuery::new(ids))),
        ]))
    }

    /// The newest `limit` stories matching `query`.
    pub fn latest(&self, query: &Query, limit: usize) -> Result<SearchResponse, SearchError> {
        self.search(
            query,
            &SearchOptions {
                limit,
                sort: Sort::Time,
                cursor: None,
            },
        )
    }

    /// The best `want` indexed stories by relevance, as [`Rank`]s.
    ///
    /// Collected by score alone first, which lets tantivy skip blocks of
    /// postings that cannot reach the top (block-max WAND) instead of
    /// scoring every match; then ranked with the tie-breaks. That is exact
    /// unless a tie at the cut continues past what was collected: then,
    /// and only then, every match is ranked. With `count_along`, the
    /// first pass also counts every match, which it visits anyway unless
    /// the query is one [`counts_apart`] leaves to a pass of its own.
    fn top_by_score(
        &self,
        searcher: &Searcher,
        query: &dyn tantivy::query::Query,
        stats: &Stats<'_>,
        want: usize,
        count_along: bool,
    ) -> Result<(Ranked, Option<usize>), SearchError> {
        let fetch = want + TIE_SLACK;
        let by_score = TopDocs::with_limit(fetch).order_by_score();
        let (scored, counted) = if count_along {
            let (scored, count) =
                searcher.search_with_statistics_provider(query, &(by_score, Count), stats)?;
            (scored, Some(count))
        } else {
            let scored = searcher.search_with_statistics_provider(query, &by_score, stats)?;
            (scored, None)
        };
        let complete = scored.len() < fetch
            || match (scored.get(want.saturating_sub(1)), scored.last()) {
                (Some((cut, _)), Some((last, _))) => last < cut,
                _ => true,
            };
        if !complete {
            let top = TopDocs::with_limit(want).order_by(Ranker {
                by_score: true,
                after: None,
            });
            let ranked = searcher.search_with_statistics_provider(query, &top, stats)?;
            let ranked = ranked
                .into_iter()
                .filter_map(|(rank, address)| rank.map(|r| (r, address)))
                .collect();
            return Ok((ranked, counted));
        }
        let mut columns = std::collections::HashMap::new();
        let mut ranked = Vec::with_capacity(scored.len());
        for (score, address) in scored {
            let ranker = match columns.entry(address.segment_ord) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let reader = searcher.segment_reader(address.segment_ord);
                    e.insert(
                        Ranker {
                            by_score: true,
                            after: None,
                        }
                        .segment_sort_key_computer(reader)?,
                    )
                }
            };
            if let Some(rank) = ranker.segment_sort_key(address.doc_id, score) {
                ranked.push((rank, address));
            }
        }
        ranked.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        ranked.truncate(want);
        Ok((ranked, counted))
    }

    /// The best `want` indexed stories matching `kept` and none of
    /// `left_out`, by relevance, and how many match: what
    /// [`SearchIndex::top_by_score`] gives for `kept -left_out…`, found
    /// without scoring every match of `kept`.
    ///
    /// A left-out query only removes stories; it adds nothing to a
    /// story's score, so the stories of `kept`'s own ranking that none of
    /// `left_out` matches are the ranking of the whole query, score for
    /// score. `kept`'s best are found by block-WAND (a lone word's
    /// postings, skipped where they cannot reach the top), more of them
    /// each time too few are left; its matches are counted from its
    /// postings without scoring, less those that a left-out query also
    /// matches (an intersection, led by the shorter list). `whole` is the
    /// whole query compiled, ranked in one pass when most of `kept`'s
    /// best are left out.
    fn top_excluding(
        &self,
        searcher: &Searcher,
        whole: &dyn tantivy::query::Query,
        kept: &Query,
        left_out: &[Query],
        stats: &Stats<'_>,
        want: usize,
    ) -> Result<(Ranked, Option<usize>), SearchError> {
        let kept_query = compile(kept, &self.fields);
        let out = Query::Or(left_out.to_vec());
        let out_query = compile(&out, &self.fields);
        let mut fetch = want.max(1) * 2;
        let top = loop {
            let (top, _) = self.top_by_score(searcher, kept_query.as_ref(), stats, fetch, false)?;
            let exhausted = top.len() < fetch;
            let mut left = without(searcher, out_query.as_ref(), top)?;
            if left.len() >= want || exhausted {
                left.truncate(want);
                break left;
            }
            if fetch >= EXCLUSION_FETCH_MAX {
                // Most of `kept`'s best are left out: rank the whole
                // query's matches in one pass instead.
                return self.top_by_score(searcher, whole, stats, want, true);
            }
            fetch *= 4;
        };
        let both = compile(&Query::And(vec![kept.clone(), out]), &self.fields);
        let count = searcher.search(&kept_query, &Count)? - searcher.search(&both, &Count)?;
        Ok((top, Some(count)))
    }

    /// A hit from what the index stores, for a story whose text could not
    /// be read: no headline, no snippet.
    fn hit(&self, doc: &TantivyDocument, score: f32) -> Result<SearchHit, SearchError> {
        let f = &self.fields;
        let text = |field| doc.get_first(field).and_then(|v| v.as_str());
        let number = |field| doc.get_first(field).and_then(|v| v.as_u64());
        let damaged = |what: &str| SearchError::Damaged(format!("a document has no valid {what}"));
        let id: StoryId = text(f.id)
            .and_then(|id| id.parse().ok())
            .ok_or_else(|| damaged("id"))?;
        let published = doc
            .get_first(f.published)
            .and_then(|v| v.as_datetime())
            .ok_or_else(|| damaged("published time"))?
            .into_utc();
        let priority: Priority = text(f.priority)
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| damaged("priority"))?;
        Ok(SearchHit {
            id,
            revision: number(f.revision)
                .and_then(|r| u32::try_from(r).ok())
                .ok_or_else(|| damaged("revision"))?,
            headline: String::new(),
            published,
            priority,
            source: text(f.source_name).map(str::to_string),
            score,
            snippet: String::new(),
            topic: text(f.top_topic).map(str::to_string),
        })
    }

    fn writer(&self) -> MutexGuard<'_, IndexWriter> {
        // Tantivy's writer keeps no half-done state across calls, so a
        // panic in another thread holding the lock leaves it usable.
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn live(&self) -> std::sync::RwLockReadGuard<'_, Live> {
        // Every change to `Live` is a single assignment or a tier update
        // that leaves it consistent, so a poisoned lock is still sound.
        self.live.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn live_mut(&self) -> std::sync::RwLockWriteGuard<'_, Live> {
        self.live.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// How many of a word's best stories [`SearchIndex::top_excluding`]
/// looks among before it ranks every match of the whole query instead
/// (few in tests, so that their small archives reach that fall-back too).
#[cfg(not(test))]
const EXCLUSION_FETCH_MAX: usize = 4_096;
#[cfg(test)]
const EXCLUSION_FETCH_MAX: usize = 64;

/// `query` as one word to keep and the queries whose matches leave it
/// (`oil -shell -bp`), when it is that: the shape
/// [`SearchIndex::top_excluding`] ranks without scoring every match.
fn exclusion(query: &Query) -> Option<(&Query, Vec<Query>)> {
    let Query::And(items) = query else {
        return None;
    };
    let mut kept = None;
    let mut left_out = Vec::new();
    for item in items {
        match item {
            Query::Not(inner) => left_out.push(inner.as_ref().clone()),
            term @ Query::Term { .. } if kept.is_none() => kept = Some(term),
            _ => return None,
        }
    }
    kept.filter(|_| !left_out.is_empty())
        .map(|kept| (kept, left_out))
}

/// The stories of `ranked` that `query` does not match, in order.
fn without(
    searcher: &Searcher,
    query: &dyn tantivy::query::Query,
    ranked: Ranked,
) -> Result<Ranked, SearchError> {
    use tantivy::DocSet;
    let weight = query.weight(tantivy::query::EnableScoring::disabled_from_searcher(
        searcher,
    ))?;
    let mut by_segment: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
    for (_, address) in &ranked {
        by_segment
            .entry(address.segment_ord)
            .or_default()
            .push(address.doc_id);
    }
    let mut matched = std::collections::HashSet::new();
    for (segment, mut docs) in by_segment {
        docs.sort_unstable();
        let mut scorer = weight.scorer(searcher.segment_reader(segment), 1.0)?;
        for doc in docs {
            if scorer.doc() < doc {
                scorer.seek(doc);
            }
            if scorer.doc() == doc {
                matched.insert(DocAddress::new(segment, doc));
            }
        }
    }
    Ok(ranked
        .into_iter()
        .filter(|(_, address)| !matched.contains(address))
        .collect())
}

/// The staged changes that stand in for an indexed copy of their story:
/// revisions after the first, and withdrawals.
fn shadowed(staged: &[Arc<Staged>]) -> Vec<&Staged> {
    staged
        .iter()
        .map(Arc::as_ref)
        .filter(|s| s.story.as_ref().is_none_or(|(story, _)| story.revision > 1))
        .collect()
}

/// What a page of the newest hits counts ([`SearchIndex::newest_page`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Total {
    /// Every match in the archive, and whether hits follow the page.
    Whole,
    /// Only the matches in the window the page was found in.
    Window,
}

/// A ranked page of hits, before their text is read.
struct Page {
    /// The index as the page was ranked in it.
    searcher: Searcher,
    /// The staged tier's statistics of the query's words (snippets and
    /// scores read them).
    tier_stats: TierStats,
    /// Best first; none when the search only counts.
    hits: Vec<(Rank, Found)>,
    /// Every hit of the query, on this page or not.
    total: u64,
    /// Whether hits follow this page.
    more: bool,
    /// Hits skipped before this page (relevance paging).
    offset: usize,
}

/// The `seq` column of each segment a page has hits in, opened once a
/// search.
#[derive(Default)]
struct SeqColumns {
    seq: std::collections::HashMap<u32, Arc<dyn tantivy::columnar::ColumnValues<u64>>>,
}

impl SeqColumns {
    /// The wire sequence of the indexed story at `address`.
    fn seq(&mut self, searcher: &Searcher, address: DocAddress) -> Result<u64, SearchError> {
        let column = match self.seq.entry(address.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(
                searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .u64(SEQ)?
                    .first_or_default_col(0),
            ),
        };
        Ok(column.get_val(address.doc_id))
    }
}

/// A hit read from its story: staged, or indexed and read from the store;
/// with no snippet when there are no `snippets` to make one.
fn story_hit(story: &Story, score: f32, snippets: Option<&Snippets>) -> SearchHit {
    let c = &story.content;
    SearchHit {
        id: story.id,
        revision: story.revision,
        headline: c.headline.clone(),
        published: c.published,
        priority: c.priority,
        source: c.source.clone(),
        score,
        snippet: snippets.map(|s| s.of_story(story)).unwrap_or_default(),
        topic: story.tags.top_topic().map(str::to_string),
    }
}

impl TierStats {
    /// The statistics a search for `query` reads: document and token
    /// counts, and the document frequencies of its words only.
    fn for_query(&self, query: &Query) -> TierStats {
        let mut out = self.counts();
        let mut words = Vec::new();
        query_words(query, &mut words);
        for (field, word) in words {
            out.set_doc_freq(field, &word, self.doc_freq(field, &word));
        }
        out
    }
}

/// Every (field, word) whose document frequency scoring or highlighting
/// a query can ask for; [`Field::Text`] stands for its parts.
pub(crate) fn query_words(query: &Query, out: &mut Vec<(newsterm_query::Field, String)>) {
    use newsterm_query::Field;
    let mut push = |field: Field, word: String| {
        for &part in field.parts() {
            out.push((part, word.clone()));
        }
    };
    match query {
        Query::Term { field, text } => push(*field, text.clone()),
        Query::Phrase { field, terms } if field.is_keyword() => push(*field, terms.join(" ")),
        Query::Phrase { field, terms } => {
            for t in terms {
                push(*field, t.clone());
            }
        }
        Query::And(items) | Query::Or(items) => {
            for item in items {
                query_words(item, out);
            }
        }
        Query::Not(inner) => query_words(inner, out),
        Query::All | Query::Prefix { .. } | Query::DateRange { .. } => {}
    }
}

fn seq_from_payload(payload: Option<&str>) -> u64 {
    payload
        .and_then(|p| p.strip_prefix(SEQ_PAYLOAD))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Deletes the files tantivy keeps in `dir` (its metadata and segment
/// files, named by 32-hex-digit segment ids), leaving anything else.
fn remove_index_files(dir: &Path) -> Result<(), SearchError> {
    let io = |source| SearchError::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let segment_file = name.split_once('.').is_some_and(|(stem, _)| {
            stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit())
        });
        if segment_file || name == "meta.json" || name == ".managed.json" {
            fs::remove_file(entry.path()).map_err(io)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Arc;
    use std::time::Instant;

    use newsterm_query::{Field, parse};
    use newsterm_story::{Block, StoryDraft, Tags};
    use time::OffsetDateTime;
    use time::macros::datetime;

    use super::*;

    fn now() -> OffsetDateTime {
        datetime!(2024-06-01 0:00 UTC)
    }

    fn draft(headline: &str, body: &str, published: &str) -> StoryDraft {
        StoryDraft {
            headline: Some(headline.into()),
            body: vec![Block::Paragraph(body.into())],
            published: Some(published.into()),
            ..Default::default()
        }
    }

    /// Tags as the tagger would make them, from a compact spec:
    /// `{"person": [...], "org": [...], "place": [...], "country": [...],
    /// "topic": [...]}`; countries go to the places in order, any left
    /// over to demonym entities.
    fn tags_of(spec: &serde_json::Value) -> Tags {
        use newsterm_story::tags::{Entity, EntityType, Topic};
        let names = |key: &str| -> Vec<String> {
            spec.get(key)
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let entity = |kind, name: &str, country: Option<String>| Entity {
            country,
            ..Entity::mention(kind, 0, 1, name)
        };
        let mut countries = names("country").into_iter();
        let mut tags = Tags::default();
        for (key, kind) in [("person", EntityType::Person), ("org", EntityType::Org)] {
            for n in names(key) {
                tags.entities.push(entity(kind, &n, None));
            }
        }
        for n in names("place") {
            tags.entities
                .push(entity(EntityType::Loc, &n, countries.next()));
        }
        for c in countries {
            tags.entities
                .push(entity(EntityType::Norp, &c, Some(c.clone())));
        }
        for code in names("topic") {
            tags.topics.push(Topic {
                code,
                label: String::new(),
                score: 1.0,
            });
        }
        tags
    }

    fn story(seq: u64, draft: StoryDraft, tags: serde_json::Value) -> Story {
        Story {
            seq,
            tags: tags_of(&tags),
            ..Story::new(
                draft.validate(now()).expect("test stories are valid"),
                now(),
            )
        }
    }

    /// Ten hand-made stories, each with a short name.
    fn corpus() -> Vec<(&'static str, Story)> {
        let none = serde_json::Value::Null;
        let drafts = vec![
            (
                "oil",
                StoryDraft {
                    source: Some("Example Wire".into()),
                    priority: Some(Priority::Urgent),
                    dateline: Some("LONDON".into()),
                    byline: Some("Ana Lima".into()),
                    keywords: vec!["Energy".into()],
                    ..draft(
                        "Oil prices surge as OPEC cuts output",
                        "Crude oil rose sharply on Monday after the cartel announced cuts.",
                        "2024-05-01T10:00:00Z",
                    )
                },
                none.clone(),
            ),
            (
                "gas",
                StoryDraft {
                    source: Some("Reuters".into()),
                    dateline: Some("BRUSSELS".into()),
                    ..draft(
                        "Gas prices fall in Europe",
                        "Natural gas fell for a third week as storage filled.",
                        "2024-05-02T08:00:00Z",
                    )
                },
                none.clone(),
            ),
            (
                "quake",
                StoryDraft {
                    source: Some("example-wire".into()),
                    priority: Some(Priority::Flash),
                    dateline: Some("LISBON".into()),
                    byline: Some("João Silva".into()),
                    bullets: vec!["No casualties reported".into()],
                    ..draft(
                        "Earthquake hits Lisbon coast",
                        "A magnitude 6 earthquake struck off the coast before dawn.",
                        "2024-04-15T04:00:00Z",
                    )
                },
                none.clone(),
            ),
            (
                "election_fr",
                StoryDraft {
                    source: Some("Agence France-Presse".into()),
                    language: Some("fr".into()),
                    dateline: Some("PARIS".into()),
                    ..draft(
                        "Élection présidentielle : premier tour",
                        "Les électeurs votent dimanche dans toute la France.",
                        "2024-04-21T06:00:00Z",
                    )
                },
                none.clone(),
            ),
            (
                "putin",
                StoryDraft {
                    dateline: Some("MOSCOW".into()),
                    ..draft(
                        "Putin's visit to Beijing",
                        "The Russian president arrived for two days of talks.",
                        "2024-05-16T09:00:00Z",
                    )
                },
                serde_json::json!({
                    "person": ["Vladimir Putin", "Xi Jinping"],
                    "place": ["Beijing"],
                    "country": ["CN", "RU"],
                    "topic": ["politics"],
                }),
            ),
            (
                "election_us",
                StoryDraft {
                    source: Some("Reuters".into()),
                    ..draft(
                        "Presidential race heats up",
                        "The election campaign turned to the economy.",
                        "2024-03-01T12:00:00Z",
                    )
                },
                none.clone(),
            ),
            (
                "stocks",
                draft(
                    "Stocks rally on tech earnings",
                    "Tech shares rose while bond prices held steady.",
                    "2024-05-01T15:00:00Z",
                ),
                none.clone(),
            ),
            (
                "bank",
                draft(
                    "Central bank holds rates",
                    "The central bank kept interest rates unchanged.",
                    "2024-01-10T13:00:00Z",
                ),
                none.clone(),
            ),
            (
                "flood",
                StoryDraft {
                    priority: Some(Priority::Urgent),
                    ..draft(
                        "Flood warning for river towns",
                        "Officials said <script>alert(1)</script> a.b* (C++) [regex] flood.",
                        "2024-02-20T18:00:00Z",
                    )
                },
                none.clone(),
            ),
            (
                "oilgas",
                draft(
                    "Prices of oil and gas",
                    "A year-end look at energy markets.",
                    "2023-12-31T23:59:59Z",
                ),
                none,
            ),
        ];
        drafts
            .into_iter()
            .enumerate()
            .map(|(i, (name, d, tags))| (name, story(i as u64 + 1, d, tags)))
            .collect()
    }

    /// The store a test index reads its hits' text from: every revision
    /// given to it, by sequence.
    #[derive(Default)]
    struct Kept(Mutex<std::collections::HashMap<u64, Story>>);

    impl Kept {
        fn keep(&self, story: &Story) {
            self.0.lock().unwrap().insert(story.seq, story.clone());
        }
    }

    impl StoryTexts for Kept {
        fn at_seqs(&self, seqs: &[u64]) -> Result<Vec<Option<Story>>, SearchError> {
            let kept = self.0.lock().unwrap();
            Ok(seqs.iter().map(|s| kept.get(s).cloned()).collect())
        }
    }

    struct Fixture {
        _dir: tempfile::TempDir,
        index: SearchIndex,
        texts: Arc<Kept>,
        stories: Vec<(&'static str, Story)>,
    }

    impl Fixture {
        fn new() -> Fixture {
            let dir = tempfile::tempdir().expect("tempdir");
            let index = SearchIndex::open(dir.path()).expect("open");
            let texts = Arc::new(Kept::default());
            index.set_texts(texts.clone());
            let stories = corpus();
            for (_, s) in &stories {
                texts.keep(s);
                index.index_story(s).expect("index");
            }
            index.commit(stories.len() as u64).expect("commit");
            Fixture {
                _dir: dir,
                index,
                texts,
                stories,
            }
        }

        /// Stores and indexes a revision, as the server does.
        fn index_story(&self, story: &Story) -> Result<(), SearchError> {
            self.texts.keep(story);
            self.index.index_story(story)
        }

        fn name(&self, id: StoryId) -> &'static str {
            self.stories
                .iter()
                .find(|(_, s)| s.id == id)
                .map_or("?", |(n, _)| n)
        }

        fn names(&self, response: &SearchResponse) -> Vec<&'static str> {
            response.hits.iter().map(|h| self.name(h.id)).collect()
        }

        fn run(&self, query: &Query, opts: &SearchOptions) -> SearchResponse {
            self.index.search(query, opts).expect("search")
        }

        /// The names of every story `query` finds.
        fn find(&self, query: &str) -> BTreeSet<&'static str> {
            let parsed = parse(query).expect(query);
            let all = SearchOptions {
                limit: 100,
                ..Default::default()
            };
            let response = self.run(&parsed, &all);
            assert_eq!(response.total as usize, response.hits.len(), "{query}");
            self.names(&response).into_iter().collect()
        }
    }

    fn set(names: &[&'static str]) -> BTreeSet<&'static str> {
        names.iter().copied().collect()
    }

    #[test]
    fn volume_counts_matching_stories_per_bucket() {
        let f = Fixture::new();
        let day = 86_400;
        // May 2024, one bucket a day: "prices" in oil and stocks (1 May)
        // and gas (2 May).
        let may = Buckets {
            from: datetime!(2024-05-01 0:00 UTC).unix_timestamp(),
            width: day,
            count: 31,
        };
        let counts = f.index.volume(&parse("prices").unwrap(), may).unwrap();
        assert_eq!(counts.len(), 31);
        assert_eq!(&counts[..3], &[2, 1, 0]);
        assert_eq!(counts.iter().sum::<u64>(), 3);
        // Everything in May: oil, stocks (1st), gas (2nd), putin (16th).
        let all = f.index.volume(&Query::All, may).unwrap();
        assert_eq!((all[0], all[1], all[15]), (2, 1, 1));
        assert_eq!(all.iter().sum::<u64>(), 4);
    }

    #[test]
    fn volume_counts_staged_stories_before_the_commit_as_search_finds_them() {
        let f = Fixture::new();
        let may = Buckets {
            from: datetime!(2024-05-01 0:00 UTC).unix_timestamp(),
            width: 86_400,
            count: 31,
        };
        let prices = parse("prices").unwrap();
        let volume = || f.index.volume(&prices, may).unwrap()[..3].to_vec();
        assert_eq!(volume(), [2, 1, 0]);
        // A new story, staged: counted at once.
        let fresh = story(
            11,
            draft("Bread prices climb", "Bakers raised prices.", "2024-05-03"),
            serde_json::Value::Null,
        );
        staged(&f, &fresh);
        assert_eq!(volume(), [2, 1, 1]);
        // A staged revision stands in for the indexed copy: no longer about prices.
        let revised = second_revision(&f.stories[0].1, "Oil output steady");
        staged(&f, &revised);
        assert_eq!(volume(), [1, 1, 1]);
        // A withdrawal takes its story out.
        f.index.stage_withdrawal(f.stories[1].1.id, 13);
        f.index.delete_story(f.stories[1].1.id);
        assert_eq!(volume(), [1, 0, 1]);
        // The commit changes nothing a reader sees.
        f.index.commit(13).unwrap();
        assert_eq!(f.index.staged_len(), 0);
        assert_eq!(volume(), [1, 0, 1]);
    }

    #[test]
    fn words_phrases_and_prefixes() {
        let f = Fixture::new();
        assert_eq!(f.find("oil"), set(&["oil", "oilgas"]));
        assert_eq!(f.find("OIL Prices"), set(&["oil", "oilgas"]));
        assert_eq!(f.find("\"oil prices\""), set(&["oil"]));
        assert_eq!(f.find("\"prices oil\""), set(&[]));
        assert_eq!(f.find("elect*"), set(&["election_fr", "election_us"]));
        assert_eq!(f.find("election"), set(&["election_fr", "election_us"]));
        assert_eq!(f.find("putin"), set(&["putin"]));
        assert_eq!(f.find("casualties"), set(&["quake"]));
        assert_eq!(f.find("nothingmatches"), set(&[]));
    }

    #[test]
    fn field_filters() {
        let f = Fixture::new();
        assert_eq!(f.find("source:\"Example Wire\""), set(&["oil", "quake"]));
        assert_eq!(f.find("source:EXAMPLE-WIRE"), set(&["oil", "quake"]));
        assert_eq!(f.find("source:example"), set(&[]));
        assert_eq!(f.find("source:exa*"), set(&["oil", "quake"]));
        assert_eq!(
            f.find("source:\"agence france presse\""),
            set(&["election_fr"])
        );
        assert_eq!(f.find("lang:fr"), set(&["election_fr"]));
        assert_eq!(f.find("priority:urgent"), set(&["oil", "flood"]));
        assert_eq!(f.find("priority:flash"), set(&["quake"]));
        assert_eq!(f.find("byline:lima"), set(&["oil"]));
        assert_eq!(f.find("byline:\"joao silva\""), set(&["quake"]));
        assert_eq!(f.find("place:lisbon"), set(&["quake"]));
        assert_eq!(f.find("place:beijing"), set(&["putin"]));
        assert_eq!(
            f.find("place:(moscow OR paris)"),
            set(&["putin", "election_fr"])
        );
        assert_eq!(f.find("person:\"vladimir putin\""), set(&["putin"]));
        assert_eq!(
            f.find("person:\"putin xi\""),
            set(&[]),
            "phrases stay inside one tag"
        );
        assert_eq!(f.find("country:cn topic:politics"), set(&["putin"]));
        assert_eq!(f.find("keyword:energy"), set(&["oil"]));
        assert_eq!(f.find("headline:gas"), set(&["gas", "oilgas"]));
        assert_eq!(f.find("body:gas"), set(&["gas"]));
        assert_eq!(f.find("bullets:casualties"), set(&["quake"]));
        let id = f.stories[1].1.id;
        assert_eq!(f.find(&format!("id:{id}")), set(&["gas"]));
    }

    #[test]
    fn date_ranges() {
        let f = Fixture::new();
        assert_eq!(f.find("published:2024-05-01"), set(&["oil", "stocks"]));
        assert_eq!(
            f.find("published:[2024-04-01 TO 2024-04-30]"),
            set(&["quake", "election_fr"])
        );
        assert_eq!(f.find("published:<2024-01-01"), set(&["oilgas"]));
        assert_eq!(f.find("published:<=2023-12-31T23:59:59Z"), set(&["oilgas"]));
        assert_eq!(f.find("published:<2023-12-31T23:59:59Z"), set(&[]));
        assert_eq!(f.find("published:>=2024-05-02"), set(&["gas", "putin"]));
        assert_eq!(
            f.find("published:>2024-05-01T10:00:00Z"),
            set(&["stocks", "gas", "putin"])
        );
        assert_eq!(
            f.find("prices published:[* TO 2024-05-01]"),
            set(&["oil", "stocks", "oilgas"])
        );
    }

    #[test]
    fn boolean_operators_and_pure_negation() {
        let f = Fixture::new();
        assert_eq!(f.find("oil OR gas"), set(&["oil", "gas", "oilgas"]));
        assert_eq!(f.find("prices -oil"), set(&["gas", "stocks"]));
        assert_eq!(f.find("prices AND NOT (oil OR gas)"), set(&["stocks"]));
        assert_eq!(
            f.find("-prices"),
            set(&[
                "quake",
                "election_fr",
                "putin",
                "election_us",
                "bank",
                "flood"
            ])
        );
        assert_eq!(
            f.find("NOT source:reuters NOT priority:normal"),
            set(&["oil", "quake", "flood"])
        );
        assert_eq!(f.find("oil OR -prices").len(), 8);
        assert_eq!(f.find("").len(), 10);
        assert_eq!(f.find("-*"), set(&[]));
    }

    #[test]
    fn a_new_revision_replaces_the_old_text() {
        let f = Fixture::new();
        let mut revised = f.stories[2].1.clone();
        revised.revision = 2;
        revised.seq = 11;
        revised.content.headline = "Strong earthquake hits Lisbon".into();
        revised.content.body = vec![Block::Paragraph("Buildings shook across the city.".into())];
        f.index_story(&revised).unwrap();
        f.index.commit(11).unwrap();
        assert_eq!(f.find("coast"), set(&[]));
        assert_eq!(f.find("strong buildings"), set(&["quake"]));
        assert_eq!(f.index.num_docs(), 10);
        let hits = f
            .run(&parse("strong").unwrap(), &SearchOptions::default())
            .hits;
        assert_eq!(hits[0].revision, 2);
        assert_eq!(hits[0].headline, "Strong earthquake hits Lisbon");
    }

    #[test]
    fn events_are_searchable_and_a_withdrawal_leaves_search() {
        let f = Fixture::new();
        let event = newsterm_story::EventId::new_at(now());
        let mut grouped = f.stories[2].1.clone();
        grouped.revision = 2;
        grouped.seq = 11;
        grouped.mark.event = Some(event);
        f.index_story(&grouped).unwrap();
        f.index.commit(11).unwrap();
        assert_eq!(f.find(&format!("event:{event}")), set(&["quake"]));
        let mut withdrawn = grouped.clone();
        withdrawn.revision = 3;
        withdrawn.seq = 12;
        withdrawn.mark.kind = newsterm_story::RevisionKind::Withdrawal;
        withdrawn.mark.note = Some("wrong town".into());
        f.index_story(&withdrawn).unwrap();
        f.index.commit(12).unwrap();
        assert_eq!(f.find(&format!("event:{event}")), set(&[]));
        assert_eq!(f.find("coast"), set(&[]));
        assert_eq!(f.index.num_docs(), 9);
    }

    #[test]
    fn time_sort_is_newest_first_and_relevance_ties_too() {
        let f = Fixture::new();
        let mut expected: Vec<&Story> = f.stories.iter().map(|(_, s)| s).collect();
        expected.sort_by_key(|s| std::cmp::Reverse(s.content.published));
        let expected: Vec<&str> = expected.iter().map(|s| f.name(s.id)).collect();
        let latest = f.index.latest(&Query::All, 100).unwrap();
        assert_eq!(f.names(&latest), expected);
        let by_relevance = f.run(
            &Query::All,
            &SearchOptions {
                limit: 100,
                ..Default::default()
            },
        );
        assert_eq!(f.names(&by_relevance), expected);
    }

    #[test]
    fn relevance_puts_headline_matches_first() {
        let dir = tempfile::tempdir().unwrap();
        let index = SearchIndex::open(dir.path()).unwrap();
        let body_only = story(
            1,
            draft(
                "Markets today",
                "Traders watched the drought.",
                "2024-05-02",
            ),
            serde_json::Value::Null,
        );
        let in_headline = story(
            2,
            draft("Drought deepens", "Farmers wait for rain.", "2024-05-01"),
            serde_json::Value::Null,
        );
        index.index_story(&body_only).unwrap();
        index.index_story(&in_headline).unwrap();
        index.commit(2).unwrap();
        let hits = index
            .search(&parse("drought").unwrap(), &SearchOptions::default())
            .unwrap()
            .hits;
        assert_eq!(
            hits.iter().map(|h| h.id).collect::<Vec<_>>(),
            [in_headline.id, body_only.id]
        );
        assert!(hits[0].score > hits[1].score);
    }

    fn page_through(f: &Fixture, query: &Query, sort: Sort, limit: usize) -> Vec<StoryId> {
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = f.run(
                query,
                &SearchOptions {
                    limit,
                    sort,
                    cursor,
                },
            );
            assert!(page.hits.len() <= limit);
            assert_eq!(page.total, 10);
            seen.extend(page.hits.iter().map(|h| h.id));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return seen,
            }
        }
    }

    #[test]
    fn cursor_paging_yields_every_hit_once() {
        let f = Fixture::new();
        for sort in [Sort::Time, Sort::Relevance] {
            for limit in [1, 3, 4, 10, 11] {
                let paged = page_through(&f, &Query::All, sort, limit);
                let whole = f.run(
                    &Query::All,
                    &SearchOptions {
                        limit: 100,
                        sort,
                        cursor: None,
                    },
                );
                let whole: Vec<StoryId> = whole.hits.iter().map(|h| h.id).collect();
                assert_eq!(paged, whole, "{sort:?} by {limit}");
            }
        }
    }

    /// Ranking and counting share a pass for most queries and not for a
    /// lone word: every page, whatever the query, sort and page size,
    /// counts exactly the stories paging through finds, with a revision's
    /// replaced text deleted in the committed segment and a story staged
    /// but not committed.
    #[test]
    fn every_page_counts_every_match_whatever_the_query() {
        let f = Fixture::new();
        let revised = second_revision(&f.stories[2].1, "Strong prices hit Lisbon");
        f.index_story(&revised).unwrap();
        f.index.commit(12).unwrap();
        let pending = story(
            13,
            draft("Oil prices climb again", "Traders sold oil.", "2024-05-20"),
            serde_json::Value::Null,
        );
        staged(&f, &pending);
        let queries = [
            "*",
            "oil",
            "prices",
            "\"oil prices\"",
            "oil prices",
            "oil OR election",
            "prices AND NOT oil",
            "NOT oil",
            "elect*",
            "priority:urgent",
            "oil published:[2024-05-01 TO 2024-05-31]",
            "nothingmatches",
        ];
        for text in queries {
            let query = parse(text).expect(text);
            for sort in [Sort::Time, Sort::Relevance] {
                let whole = f.run(
                    &query,
                    &SearchOptions {
                        limit: 100,
                        sort,
                        cursor: None,
                    },
                );
                let found: BTreeSet<StoryId> = whole.hits.iter().map(|h| h.id).collect();
                assert_eq!(whole.total as usize, found.len(), "{text} {sort:?}");
                for limit in [0, 1, 3] {
                    let mut cursor = None;
                    let mut seen = BTreeSet::new();
                    loop {
                        let page = f.run(
                            &query,
                            &SearchOptions {
                                limit,
                                sort,
                                cursor,
                            },
                        );
                        assert_eq!(page.total, whole.total, "{text} {sort:?} by {limit}");
                        seen.extend(page.hits.iter().map(|h| h.id));
                        match page.next_cursor {
                            Some(next) if limit > 0 => cursor = Some(next),
                            _ => break,
                        }
                    }
                    if limit > 0 {
                        assert_eq!(seen, found, "{text} {sort:?} by {limit}");
                    }
                }
            }
        }
    }

    #[test]
    fn time_cursor_is_stable_when_new_stories_arrive() {
        let f = Fixture::new();
        let opts = SearchOptions {
            limit: 4,
            sort: Sort::Time,
            cursor: None,
        };
        let first = f.run(&Query::All, &opts);
        let newer = story(
            11,
            draft("Breaking late news", "Just in.", "2024-05-31"),
            serde_json::Value::Null,
        );
        f.index_story(&newer).unwrap();
        f.index.commit(11).unwrap();
        let mut ids: Vec<StoryId> = first.hits.iter().map(|h| h.id).collect();
        let mut cursor = first.next_cursor;
        while let Some(c) = cursor {
            let page = f.run(
                &Query::All,
                &SearchOptions {
                    cursor: Some(c),
                    ..opts.clone()
                },
            );
            ids.extend(page.hits.iter().map(|h| h.id));
            cursor = page.next_cursor;
        }
        let unique: BTreeSet<StoryId> = ids.iter().copied().collect();
        assert_eq!(ids.len(), 10);
        assert_eq!(unique.len(), 10);
        assert!(!unique.contains(&newer.id));
    }

    #[test]
    fn cursors_from_elsewhere_are_refused() {
        let f = Fixture::new();
        let page = f.run(
            &Query::All,
            &SearchOptions {
                limit: 2,
                sort: Sort::Time,
                cursor: None,
            },
        );
        let wrong_sort = SearchOptions {
            cursor: page.next_cursor,
            ..Default::default()
        };
        assert!(matches!(
            f.index.search(&Query::All, &wrong_sort),
            Err(SearchError::InvalidCursor(_))
        ));
        let garbage = SearchOptions {
            cursor: Some("zzz".into()),
            ..Default::default()
        };
        assert!(matches!(
            f.index.search(&Query::All, &garbage),
            Err(SearchError::InvalidCursor(_))
        ));
        let too_deep = SearchOptions {
            cursor: Some(format!("r{}", MAX_RELEVANCE_OFFSET + 1)),
            ..Default::default()
        };
        assert!(matches!(
            f.index.search(&Query::All, &too_deep),
            Err(SearchError::InvalidCursor(_))
        ));
    }

    #[test]
    fn snippets_highlight_matches_and_escape_html() {
        let f = Fixture::new();
        let hits = f
            .run(&parse("earthquake").unwrap(), &SearchOptions::default())
            .hits;
        assert!(
            hits[0].snippet.contains("<b>earthquake</b>"),
            "{}",
            hits[0].snippet
        );
        // The word is only in the headline and bullets: they stand in.
        let hits = f
            .run(&parse("casualties").unwrap(), &SearchOptions::default())
            .hits;
        assert_eq!(hits[0].snippet, "No <b>casualties</b> reported");
        let hits = f
            .run(&parse("flood").unwrap(), &SearchOptions::default())
            .hits;
        let snippet = &hits[0].snippet;
        assert!(
            snippet.contains("&lt;script&gt;") && !snippet.contains("<script>"),
            "{snippet}"
        );
        assert!(snippet.contains("<b>flood</b>"), "{snippet}");
        let hits = f
            .run(&parse("electeur*").unwrap(), &SearchOptions::default())
            .hits;
        assert!(
            hits[0].snippet.contains("<b>électeurs</b>"),
            "{}",
            hits[0].snippet
        );
        // Nothing to highlight: the start of the body.
        let hits = f
            .run(&parse("priority:flash").unwrap(), &SearchOptions::default())
            .hits;
        assert!(
            hits[0].snippet.starts_with("A magnitude 6 earthquake"),
            "{}",
            hits[0].snippet
        );
    }

    #[test]
    fn a_long_story_is_highlighted_where_its_word_is() {
        let f = Fixture::new();
        let filler = "The committee met again and discussed the budget. ".repeat(1_000);
        let story = story(
            900,
            draft(
                "Budget talks",
                &format!("{filler}Then the zanzibarite delegate spoke. {filler}"),
                "2026-11-01T10:00:00Z",
            ),
            serde_json::json!({}),
        );
        f.index_story(&story).unwrap();
        f.index.commit(900).unwrap();
        let hits = f
            .run(&parse("zanzibarite").unwrap(), &SearchOptions::default())
            .hits;
        assert_eq!(hits.len(), 1);
        assert!(
            hits[0]
                .snippet
                .contains("<b>zanzibarite</b> delegate spoke"),
            "{}",
            hits[0].snippet
        );
        assert!(
            hits[0].snippet.chars().count() <= 220,
            "{}",
            hits[0].snippet
        );
    }

    #[test]
    fn hits_carry_what_a_result_list_shows() {
        let f = Fixture::new();
        let hit = &f
            .run(&parse("opec").unwrap(), &SearchOptions::default())
            .hits[0];
        let oil = &f.stories[0].1;
        assert_eq!(hit.id, oil.id);
        assert_eq!(hit.revision, 1);
        assert_eq!(hit.headline, oil.content.headline);
        assert_eq!(hit.published, oil.content.published);
        assert_eq!(hit.priority, Priority::Urgent);
        assert_eq!(hit.source.as_deref(), Some("Example Wire"));
        assert!(hit.score > 0.0);
    }

    #[test]
    fn hostile_terms_are_taken_literally() {
        let f = Fixture::new();
        for text in ["a.b", ".*", "(c++", "[regex]", "\\", "fl"] {
            for query in [
                Query::Prefix {
                    field: Field::Text,
                    text: text.into(),
                },
                Query::Term {
                    field: Field::Body,
                    text: text.into(),
                },
                Query::Prefix {
                    field: Field::Source,
                    text: text.into(),
                },
            ] {
                let found = f.run(&query, &SearchOptions::default());
                let expected = usize::from(
                    text == "fl"
                        && matches!(
                            query,
                            Query::Prefix {
                                field: Field::Text,
                                ..
                            }
                        ),
                );
                assert_eq!(found.total as usize, expected, "{query:?}");
            }
        }
        assert_eq!(f.find("(C++) \"a.b\" [regex]"), set(&["flood"]));
    }

    #[test]
    fn a_limit_of_zero_only_counts() {
        let f = Fixture::new();
        let page = f.run(
            &parse("prices").unwrap(),
            &SearchOptions {
                limit: 0,
                ..Default::default()
            },
        );
        assert_eq!(
            (page.total, page.hits.len(), page.next_cursor),
            (4, 0, None)
        );
    }

    #[test]
    fn indexed_seq_survives_reopening_and_clear_resets_it() {
        let dir = tempfile::tempdir().unwrap();
        {
            let index = SearchIndex::open(dir.path()).unwrap();
            assert_eq!(index.indexed_seq(), 0);
            for (_, s) in corpus() {
                index.index_story(&s).unwrap();
            }
            index.commit(41).unwrap();
            // Nothing new: the commit still records the sequence.
            index.commit(42).unwrap();
            assert_eq!(index.indexed_seq(), 42);
        }
        let index = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(index.indexed_seq(), 42);
        assert_eq!(index.num_docs(), 10);
        index.clear().unwrap();
        assert_eq!((index.indexed_seq(), index.num_docs()), (0, 0));
    }

    #[test]
    fn uncommitted_stories_are_not_searchable() {
        let dir = tempfile::tempdir().unwrap();
        let index = SearchIndex::open(dir.path()).unwrap();
        let s = story(
            1,
            draft("Pending story", "Text.", "2024-05-01"),
            serde_json::Value::Null,
        );
        index.index_story(&s).unwrap();
        assert_eq!(
            index
                .search(&parse("pending").unwrap(), &SearchOptions::default())
                .unwrap()
                .total,
            0
        );
        index.commit(1).unwrap();
        assert_eq!(
            index
                .search(&parse("pending").unwrap(), &SearchOptions::default())
                .unwrap()
                .total,
            1
        );
    }

    /// `story`'s second revision (wire sequence 12): a new headline over
    /// a body that says nothing.
    fn second_revision(story: &Story, headline: &str) -> Story {
        let mut revised = story.clone();
        revised.revision = 2;
        revised.seq = 12;
        revised.content.headline = headline.into();
        revised.content.body = vec![Block::Paragraph("Nothing changed.".into())];
        revised
    }

    fn staged(f: &Fixture, story: &Story) {
        f.texts.keep(story);
        let story = Arc::new(story.clone());
        f.index.stage(story.clone(), Arc::new(Document::of(&story)));
        f.index_story(&story).unwrap();
    }

    /// Staging runs on the writer after a revision is stored, so it must
    /// not wait for the indexer: past [`MAX_STAGED`] it once waited up to
    /// 30 s a story for a commit, and every publish queued behind it.
    /// Holding a bulk import back is the writer's part.
    #[test]
    fn staging_past_the_bound_never_waits_for_a_commit() {
        const STAGED: usize = MAX_STAGED + 20;
        let f = Fixture::new();
        let first = f.stories.len() as u64 + 1;
        for seq in first..first + STAGED as u64 {
            let s = story(
                seq,
                draft(&format!("Staged story w{seq}q"), "Text.", "2024-05-04"),
                serde_json::Value::Null,
            );
            f.texts.keep(&s);
            let s = Arc::new(s);
            f.index.stage(s.clone(), Arc::new(Document::of(&s)));
        }
        let last = first + STAGED as u64 - 1;
        assert_eq!(f.index.staged_len(), STAGED);
        assert_eq!(f.index.searchable_seq(), last);
        let query = parse(&format!("w{last}q")).unwrap();
        assert_eq!(f.run(&query, &SearchOptions::default()).total, 1);
        f.index.commit(last).unwrap();
        assert_eq!(f.index.staged_len(), 0);
    }

    #[test]
    fn latest_ids_are_the_ids_latest_finds_staged_and_indexed() {
        let f = Fixture::new();
        let fresh = story(
            11,
            draft(
                "Volcano erupts",
                "Ash reached the earthquake valley.",
                "2024-05-03",
            ),
            serde_json::Value::Null,
        );
        staged(&f, &fresh);
        let (_, first) = &f.stories[0];
        staged(&f, &second_revision(first, "Earthquake revised"));
        for q in [
            "earthquake",
            "priority:flash",
            "-earthquake",
            "published:[2020-01-01 TO 2030-01-01]",
            "nosuchwordanywhere",
        ] {
            let query = parse(q).unwrap();
            let latest = f.index.latest(&query, 50).unwrap();
            let ids = f.index.latest_ids(&query, 50).unwrap();
            let expected: Vec<StoryId> = latest.hits.iter().map(|h| h.id).collect();
            assert_eq!(ids, expected, "{q}");
        }
        let found = f
            .index
            .latest_ids(&parse("earthquake").unwrap(), 50)
            .unwrap();
        assert!(found.contains(&fresh.id) && found.contains(&first.id));
    }

    /// Newest-first lists look for their matches among recent stories
    /// first, in windows of days; whatever the windows, they list what
    /// one pass over every match lists: ties, gaps in the archive, date
    /// ranges, staged and backdated stories, and revisions that change
    /// the words included.
    #[test]
    fn newest_matches_from_recent_windows_are_the_whole_archives_newest() {
        let f = Fixture::new();
        let mut rng = fastrand::Rng::with_seed(5);
        let start = datetime!(2022-06-01 0:00 UTC);
        let day = 86_400;
        let two_years = 2 * 365 * day;
        let mut at = start;
        let mut make = |rng: &mut fastrand::Rng, seq: u64| {
            // One story in twenty shares the time of the one before; a
            // fifth are from a last month after half a year with none.
            if rng.usize(..20) != 0 {
                at = start
                    + time::Duration::seconds(if rng.usize(..5) == 0 {
                        two_years - 40 * day + rng.i64(0..30 * day)
                    } else {
                        rng.i64(0..two_years / 2)
                    });
            }
            let mut words = vec![format!("story{seq}")];
            for (word, one_in) in [
                ("copper", 2),
                ("harbour", 10),
                ("senate", 50),
                ("drought", 300),
            ] {
                if rng.usize(..one_in) == 0 {
                    words.push(word.to_string());
                }
            }
            let published = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                at.year(),
                u8::from(at.month()),
                at.day(),
                at.hour(),
                at.minute(),
                at.second()
            );
            let mut d = draft(&words.join(" "), "Reported today.", &published);
            if rng.usize(..11) == 0 {
                d.priority = Some(Priority::Urgent);
            }
            story(seq, d, serde_json::Value::Null)
        };
        let mut seq = 100;
        let mut indexed = Vec::new();
        for _ in 0..4 {
            for _ in 0..600 {
                seq += 1;
                let s = make(&mut rng, seq);
                f.index_story(&s).expect("index");
                indexed.push(s);
            }
            f.index.commit(seq).expect("commit");
        }
        // Staged above the commit: new stories (some backdated into the
        // archive's past) and revisions that gain or lose words.
        for i in 0..60 {
            seq += 1;
            let s = if i % 3 == 0 {
                let mut revised = indexed[rng.usize(..indexed.len())].clone();
                revised.revision += 1;
                revised.seq = seq;
                revised.content.headline = if i % 2 == 0 {
                    "drought senate".into()
                } else {
                    "nothing left".into()
                };
                revised
            } else if i % 3 == 1 {
                // Newer than every committed story.
                let mut fresh = make(&mut rng, seq);
                fresh.content.published =
                    start + time::Duration::seconds(two_years - rng.i64(1..5 * day));
                fresh
            } else {
                make(&mut rng, seq)
            };
            staged(&f, &s);
        }
        let queries = [
            "copper",
            "harbour",
            "senate",
            "drought",
            "priority:urgent",
            "copper harbour",
            "copper -harbour",
            "harbour OR senate",
            "\"copper harbour\"",
            "published:[2023-01-01 TO 2023-03-01]",
            "copper published:[2023-01-01 TO 2023-06-01]",
            "-copper",
            "nosuchwordanywhere",
        ];
        let mut windowed = 0;
        for q in queries {
            let query = parse(q).expect(q);
            for limit in [1, 7, 40, 200] {
                let whole: Vec<StoryId> = f
                    .index
                    .latest(&query, limit)
                    .expect("latest")
                    .hits
                    .iter()
                    .map(|h| h.id)
                    .collect();
                let ids = f.index.latest_ids(&query, limit).expect("latest ids");
                assert_eq!(ids, whole, "{q}, {limit}");
                let searcher = f.index.live().searcher.clone();
                let counts = f
                    .index
                    .day_counts
                    .of(&searcher, &f.index.fields)
                    .expect("counts");
                windowed += usize::from(
                    Windows::plan(&query, &searcher, &f.index.fields, counts, limit, None)
                        .expect("plan")
                        .is_some(),
                );
                // Searches newest first page through what one pass over
                // every match gives: the same hits, totals and cursors.
                let mut opts = SearchOptions {
                    limit,
                    sort: Sort::Time,
                    cursor: None,
                };
                for _ in 0..4 {
                    let got = f.index.search(&query, &opts).expect("search");
                    let one_pass = f
                        .index
                        .page(&query, &opts, None, None)
                        .and_then(|page| f.index.respond(&query, &opts, page))
                        .expect("one pass");
                    let ids = |r: &SearchResponse| r.hits.iter().map(|h| h.id).collect::<Vec<_>>();
                    assert_eq!(ids(&got), ids(&one_pass), "{q}, {limit}, {:?}", opts.cursor);
                    assert_eq!(got.total, one_pass.total, "{q}, {limit}");
                    assert_eq!(got.next_cursor, one_pass.next_cursor, "{q}, {limit}");
                    let Some(next) = got.next_cursor else { break };
                    opts.cursor = Some(next);
                }
            }
        }
        // Most of these lists are looked for in windows, so the windows
        // are what was compared.
        assert!(windowed > 25, "only {windowed} lists used windows");
    }

    #[test]
    fn a_word_less_left_out_words_ranks_as_the_whole_query_does() {
        let f = Fixture::new();
        let mut rng = fastrand::Rng::with_seed(9);
        let mut seq = 100;
        let mut indexed = Vec::new();
        for commit in 0..3 {
            for _ in 0..500 {
                seq += 1;
                // `oil` one to six times; `shell` in nearly every story
                // with much oil, so a word's best are mostly left out.
                let oil = 1 + rng.usize(..6);
                let mut words: Vec<&str> = vec!["oil"; oil];
                if oil >= 4 && rng.usize(..10) != 0 {
                    words.push("shell");
                }
                if rng.usize(..3) == 0 {
                    words.push("bp");
                }
                words.extend(["filler"; 3].iter().take(rng.usize(..3)));
                let headline = if rng.usize(..4) == 0 {
                    "oil prices"
                } else {
                    "markets"
                };
                let mut d = draft(headline, &words.join(" "), "2024-03-01");
                if rng.usize(..7) == 0 {
                    d.priority = Some(Priority::Urgent);
                }
                let s = story(seq, d, serde_json::Value::Null);
                f.index_story(&s).expect("index");
                indexed.push(s);
            }
            // Revisions replace their indexed copy (deletes in segments).
            if commit > 0 {
                for _ in 0..40 {
                    seq += 1;
                    let mut revised = indexed[rng.usize(..indexed.len())].clone();
                    revised.revision += 1;
                    revised.seq = seq;
                    revised.content.headline = "oil shell bp".into();
                    f.index_story(&revised).expect("revise");
                }
            }
            f.index.commit(seq).expect("commit");
        }
        let searcher = f.index.live().searcher.clone();
        let mut narrowed = 0;
        for q in [
            "oil -shell",
            "oil -bp",
            "oil -shell -bp",
            "oil -nosuchword",
            "oil -oil",
            "headline:oil -bp",
            "priority:urgent -shell",
            "oil -\"oil shell\"",
        ] {
            let query = parse(q).expect(q);
            let (kept, left_out) = exclusion(&query).expect(q);
            let tier = f.index.live().tier.stats().for_query(&query);
            let stats = Stats {
                searcher: &searcher,
                tier: &tier,
                fields: &f.index.fields,
            };
            let whole = compile(&query, &f.index.fields);
            for want in [1, 10, 100, 1_000] {
                let (expected, count) = f
                    .index
                    .top_by_score(&searcher, whole.as_ref(), &stats, want, true)
                    .expect("whole");
                let count = count.expect("counted");
                let (got, got_count) = f
                    .index
                    .top_excluding(&searcher, whole.as_ref(), kept, &left_out, &stats, want)
                    .expect("excluding");
                assert_eq!(got_count, Some(count), "{q}, {want}");
                assert_eq!(got.len(), expected.len(), "{q}, {want}");
                for (g, e) in got.iter().zip(&expected) {
                    // Score for score, bit for bit, and the same stories.
                    assert_eq!(g.0.score.to_bits(), e.0.score.to_bits(), "{q}, {want}");
                    assert_eq!((g.0.id, g.1), (e.0.id, e.1), "{q}, {want}");
                }
                narrowed += usize::from(count > want);
            }
        }
        assert!(
            narrowed > 10,
            "only {narrowed} rankings had more matches than places"
        );
        // Shapes that are not a word less others rank in one pass.
        for q in [
            "oil",
            "oil bp -shell",
            "-shell",
            "\"oil prices\" -bp",
            "oil OR bp -shell",
        ] {
            assert!(exclusion(&parse(q).expect(q)).is_none(), "{q}");
        }
    }

    #[test]
    fn staged_stories_are_searchable_before_the_commit_and_once_after() {
        let f = Fixture::new();
        let fresh = story(
            11,
            draft(
                "Volcano erupts",
                "Ash reached the zyxwordq valley.",
                "2024-05-03",
            ),
            serde_json::Value::Null,
        );
        staged(&f, &fresh);
        let found = f.run(&parse("zyxwordq").unwrap(), &SearchOptions::default());
        assert_eq!((found.total, found.hits[0].id), (1, fresh.id));
        assert!(
            found.hits[0].snippet.contains("<b>zyxwordq</b>"),
            "{}",
            found.hits[0].snippet
        );
        assert_eq!(f.run(&Query::All, &SearchOptions::default()).total, 11);
        // A staged revision replaces the indexed text at once.
        let revised = second_revision(&f.stories[0].1, "Oil output qqsteady");
        staged(&f, &revised);
        assert_eq!(f.find("surge"), set(&[]));
        assert_eq!(f.find("qqsteady"), set(&["oil"]));
        assert_eq!(f.run(&Query::All, &SearchOptions::default()).total, 11);
        // A withdrawal hides the story.
        f.index.stage_withdrawal(f.stories[1].1.id, 13);
        f.index.delete_story(f.stories[1].1.id);
        assert!(!f.find("gas").contains("gas"));
        assert_eq!(f.run(&Query::All, &SearchOptions::default()).total, 10);
        // So does a withdrawal revision staged as the writer stages it.
        let mut killed = f.stories[2].1.clone();
        killed.revision = 2;
        killed.seq = 14;
        killed.mark.kind = newsterm_story::RevisionKind::Withdrawal;
        assert_eq!(f.find("coast"), set(&["quake"]));
        staged(&f, &killed);
        assert_eq!(f.find("coast"), set(&[]));
        assert_eq!(f.run(&Query::All, &SearchOptions::default()).total, 9);
        assert_eq!(f.index.staged_len(), 4);
        assert_eq!(f.index.searchable_seq(), 14);
        f.index.commit(14).unwrap();
        assert_eq!(f.index.staged_len(), 0);
        assert_eq!(f.find("zyxwordq qqsteady"), set(&[]));
        assert_eq!(
            f.run(&parse("zyxwordq").unwrap(), &SearchOptions::default())
                .total,
            1
        );
        assert_eq!(f.find("qqsteady"), set(&["oil"]));
        assert!(!f.find("gas").contains("gas"));
        assert_eq!(f.find("coast"), set(&[]));
        assert_eq!(f.run(&Query::All, &SearchOptions::default()).total, 9);
    }

    #[test]
    fn cursors_hold_when_a_commit_moves_staged_stories_into_the_index() {
        for sort in [Sort::Time, Sort::Relevance] {
            let f = Fixture::new();
            for seq in 11..=16u64 {
                let s = story(
                    seq,
                    draft(
                        &format!("Staged prices story {seq}"),
                        "Prices moved.",
                        "2024-05-04",
                    ),
                    serde_json::Value::Null,
                );
                staged(&f, &s);
            }
            let query = parse("prices").unwrap();
            let whole: Vec<StoryId> = f
                .run(
                    &query,
                    &SearchOptions {
                        limit: 100,
                        sort,
                        cursor: None,
                    },
                )
                .hits
                .iter()
                .map(|h| h.id)
                .collect();
            let opts = SearchOptions {
                limit: 3,
                sort,
                cursor: None,
            };
            let first = f.run(&query, &opts);
            // Between the pages, the indexer commits the staged stories.
            f.index.commit(16).unwrap();
            let mut ids: Vec<StoryId> = first.hits.iter().map(|h| h.id).collect();
            let mut cursor = first.next_cursor;
            while let Some(c) = cursor {
                let page = f.run(
                    &query,
                    &SearchOptions {
                        cursor: Some(c),
                        ..opts.clone()
                    },
                );
                ids.extend(page.hits.iter().map(|h| h.id));
                cursor = page.next_cursor;
            }
            assert_eq!(ids, whole, "{sort:?}");
        }
    }

    #[test]
    fn another_schema_is_reported_and_can_be_recreated() {
        let dir = tempfile::tempdir().unwrap();
        let keep = dir.path().join("notes.txt");
        std::fs::write(&keep, "not the index's").unwrap();
        {
            let mut builder = tantivy::schema::Schema::builder();
            builder.add_text_field("title", tantivy::schema::TEXT);
            Index::create_in_dir(dir.path(), builder.build()).unwrap();
        }
        assert!(matches!(
            SearchIndex::open(dir.path()),
            Err(SearchError::SchemaMismatch { .. })
        ));
        let (index, reset) = SearchIndex::open_or_recreate(dir.path()).unwrap();
        assert!(reset);
        assert_eq!((index.num_docs(), index.indexed_seq()), (0, 0));
        assert!(keep.exists());
        drop(index);
        let (_, reset) = SearchIndex::open_or_recreate(dir.path()).unwrap();
        assert!(!reset);
    }

    #[test]
    fn searches_run_while_another_thread_writes() {
        let dir = tempfile::tempdir().unwrap();
        let index = Arc::new(SearchIndex::open(dir.path()).unwrap());
        let writer = {
            let index = Arc::clone(&index);
            std::thread::spawn(move || {
                for seq in 1..=50u64 {
                    let s = story(
                        seq,
                        draft("Concurrent wire story", "Body.", "2024-05-01"),
                        serde_json::Value::Null,
                    );
                    index.index_story(&s).unwrap();
                    if seq.is_multiple_of(10) {
                        index.commit(seq).unwrap();
                    }
                }
            })
        };
        let query = parse("concurrent").unwrap();
        let mut last = 0;
        while !writer.is_finished() {
            let total = index
                .search(&query, &SearchOptions::default())
                .unwrap()
                .total;
            assert!(
                total >= last && total.is_multiple_of(10),
                "{total} after {last}"
            );
            last = total;
        }
        writer.join().unwrap();
        assert_eq!(
            index
                .search(&query, &SearchOptions::default())
                .unwrap()
                .total,
            50
        );
    }

    #[test]
    fn a_thousand_stories_indexed_and_committed_are_all_in_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let index = SearchIndex::open(dir.path()).unwrap();
        let body = "The quick brown fox jumps over the lazy dog near the river bank. ".repeat(20);
        let stories: Vec<Story> = (1..=1_000u64)
            .map(|seq| {
                story(
                    seq,
                    draft(
                        &format!("Story number {seq} about markets"),
                        &body,
                        "2024-05-01",
                    ),
                    serde_json::Value::Null,
                )
            })
            .collect();
        let start = Instant::now();
        for s in &stories {
            index.index_story(s).unwrap();
        }
        index.commit(1_000).unwrap();
        let elapsed = start.elapsed();
        println!(
            "indexed and committed 1,000 stories in {elapsed:?} ({:.0} stories/s, debug build)",
            1_000.0 / elapsed.as_secs_f64()
        );
        assert_eq!(index.num_docs(), 1_000);
    }
}
