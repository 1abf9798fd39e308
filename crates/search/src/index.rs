//! The search index: one document per story (its latest revision), one
//! writer, any number of concurrent searches.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use newsterm_api::{SearchHit, SearchResponse};
use newsterm_query::Query;
use newsterm_story::{Priority, Story, StoryId};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::schema::Value;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError, Term,
};

use crate::analyzer::{ANALYZER, NewstermTokenizer};
use crate::compile::compile;
use crate::error::SearchError;
use crate::ranking::{Cursor, Rank, Ranker};
use crate::schema::{Fields, id_key};
use crate::snippet::Snippets;

/// Most hits returned in one page; larger limits are lowered to this.
pub const MAX_LIMIT: usize = 1_000;
/// Deepest offset a relevance-sorted search pages to; time-sorted
/// searches page without limit.
pub const MAX_RELEVANCE_OFFSET: usize = 10_000;

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
    /// Newest `published` first (ties by story id, newest first).
    Time,
}

/// One page of a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchOptions {
    /// Hits per page, at most [`MAX_LIMIT`]; 0 only counts.
    pub limit: usize,
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

/// The tantivy index derived from the store.
///
/// Holds the latest revision of each story and, in its last commit, the
/// highest wire sequence it includes. Safe to share between threads:
/// writes are serialized inside, and searches run concurrently with them
/// on the last committed state.
pub struct SearchIndex {
    path: PathBuf,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    indexed_seq: AtomicU64,
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
        index
            .tokenizers()
            .register(ANALYZER, TextAnalyzer::from(NewstermTokenizer::default()));
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
        let writer = index.writer_with_num_threads(threads, threads * WRITER_BYTES_PER_THREAD)?;
        let indexed_seq = seq_from_payload(index.load_metas()?.payload.as_deref());
        Ok(SearchIndex {
            path: dir.to_path_buf(),
            reader,
            writer: Mutex::new(writer),
            fields,
            indexed_seq: AtomicU64::new(indexed_seq),
        })
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

    /// Adds a story, replacing any revision of it already indexed.
    ///
    /// Call in wire order: the last revision indexed is the one kept.
    /// Visible to searches after the next [`SearchIndex::commit`].
    pub fn index_story(&self, story: &Story) -> Result<(), SearchError> {
        let doc = self.fields.document(story);
        let writer = self.writer();
        writer.delete_term(Term::from_field_text(self.fields.id, &id_key(&story.id)));
        writer.add_document(doc)?;
        Ok(())
    }

    /// Makes everything indexed so far durable and visible to searches,
    /// recording `upto_seq` as the highest wire sequence it includes.
    pub fn commit(&self, upto_seq: u64) -> Result<(), SearchError> {
        let mut writer = self.writer();
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&format!("{SEQ_PAYLOAD}{upto_seq}"));
        prepared.commit()?;
        self.indexed_seq.store(upto_seq, Ordering::SeqCst);
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Empties the index and commits at once, with an indexed sequence of
    /// 0, so a rebuild interrupted by a crash restarts from the beginning.
    pub fn clear(&self) -> Result<(), SearchError> {
        self.writer().delete_all_documents()?;
        self.commit(0)
    }

    /// The wire sequence recorded by the last commit (0 for a new index):
    /// every story up to it is indexed, catch up from the next one.
    pub fn indexed_seq(&self) -> u64 {
        self.indexed_seq.load(Ordering::SeqCst)
    }

    /// Stories in the last commit.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The directory the index lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs a query: one page of hits, the total number of matches, and a
    /// cursor to the next page when there is one.
    pub fn search(
        &self,
        query: &Query,
        opts: &SearchOptions,
    ) -> Result<SearchResponse, SearchError> {
        let searcher = self.reader.searcher();
        let compiled = compile(query, &self.fields);
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
        if limit == 0 {
            let total = searcher.search(&compiled, &Count)? as u64;
            return Ok(SearchResponse {
                total,
                hits: Vec::new(),
                next_cursor: None,
            });
        }
        let by_score = opts.sort == Sort::Relevance;
        // One more than a page, to know whether another page follows.
        let top = TopDocs::with_limit(limit + 1)
            .and_offset(offset)
            .order_by(Ranker { by_score, after });
        let (total, ranked) = searcher.search(&compiled, &(Count, top))?;
        let mut ranked: Vec<(Rank, DocAddress)> = ranked
            .into_iter()
            .filter_map(|(rank, address)| rank.map(|r| (r, address)))
            .collect();
        let more = ranked.len() > limit;
        ranked.truncate(limit);

        let snippets = Snippets::new(&searcher, query, &self.fields)?;
        let mut hits = Vec::with_capacity(ranked.len());
        for (rank, address) in &ranked {
            let doc: TantivyDocument = searcher.doc(*address)?;
            hits.push(self.hit(&doc, rank.score, &snippets)?);
        }
        let next_cursor = match ranked.last() {
            Some((last, _)) if more => Some(
                match opts.sort {
                    Sort::Relevance => Cursor::Offset(offset + ranked.len()),
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
            total: total as u64,
            hits,
            next_cursor,
        })
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

    fn hit(
        &self,
        doc: &TantivyDocument,
        score: f32,
        snippets: &Snippets,
    ) -> Result<SearchHit, SearchError> {
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
            headline: text(f.headline).unwrap_or_default().to_string(),
            published,
            priority,
            source: text(f.source_name).map(str::to_string),
            score,
            snippet: snippets.of(doc),
        })
    }

    fn writer(&self) -> MutexGuard<'_, IndexWriter> {
        // Tantivy's writer keeps no half-done state across calls, so a
        // panic in another thread holding the lock leaves it usable.
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
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
