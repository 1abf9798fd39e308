//! newsterm's full-text search: a tantivy index derived from the story
//! store, searched with [`newsterm_query`] queries.
//!
//! The store is the source of truth; this index can always be rebuilt from
//! it. It holds the words of the latest revision of each story, a few
//! small stored fields (id, revision, sequence, published, priority,
//! source, topic) and, in each commit, the highest wire sequence it
//! includes ([`SearchIndex::indexed_seq`]) so a restarted server knows
//! where to catch up from. The text of a hit (headline, snippet) is read
//! from the store through [`StoryTexts`]: keeping it in the index too
//! doubled the disk a story takes.
//!
//! Text is analyzed with [`newsterm_query::tokenize`], registered as the
//! index's tokenizer, so index, queries and alerts agree on every word.
//! Field values come from [`newsterm_query::story_values`]; publication
//! times are indexed to the second.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use newsterm_search::{SearchIndex, SearchOptions, Sort};
//! let index = SearchIndex::open(std::path::Path::new("data/index"))?;
//! let query = newsterm_query::parse("oil -opec published:>=2024-01-01")?;
//! let page = index.search(&query, &SearchOptions { sort: Sort::Time, ..Default::default() })?;
//! println!("{} stories", page.total);
//! # Ok(()) }
//! ```

mod analyzer;
mod compile;
mod error;
mod index;
mod pair_phrase;
mod ranking;
mod scatter;
mod schema;
mod score;
mod snippet;
mod staged;
mod volume;
mod window;

pub use error::SearchError;
pub use index::{
    MAX_LIMIT, MAX_RELEVANCE_OFFSET, MAX_STAGED, SearchIndex, SearchOptions, Sort, StoryTexts,
};
pub use scatter::{QueryStats, StatsTally, gather, published_bounds};
pub use volume::Buckets;
