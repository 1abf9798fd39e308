//! The same event from many sources: near-duplicate detection, online
//! event grouping, TOP ranked by event, and the evaluation of both.
//!
//! - [`Features`] reads a story: weighted words, the named things the
//!   tagger found, a MinHash signature of its four-word shingles and a
//!   key of its exact text.
//! - [`Grouper`] places each new story, as it arrives, into the event it
//!   reports (or a new one), links near-duplicates to the story they
//!   repeat, and spots a source sending the same text twice. Work per
//!   story is bounded whatever the archive's size; memory is bounded by
//!   [`Config::max_stories`].
//! - [`Grouper::top`] ranks events for TOP ([`TopEvent::entry`] is a
//!   row as the API shows it); [`summarize`] describes one event from its
//!   stored stories as the API's `EventInfo`.
//!
//! MinHash is written here rather than taken from a crate: the one
//! maintained crate of the field (gaoya) brings nine crates this
//! workspace does not build (a pre-release smallvec among them) and an
//! LSH index keyed by its own random state, while what newsterm needs —
//! 64 multiply-shift hashes over shingles and a comparison — is
//! forty lines. Candidates come from the event index instead of an LSH
//! table: a near-duplicate shares most of its words with the story it
//! repeats, so that story's event is always among the candidates.
//!
//! **Invariant:** plain synchronous code with no I/O; the same stories
//! in the same order give the same groups (event ids aside, which are
//! minted).

mod features;
mod grouper;
mod top;

pub mod eval;

pub use features::{Features, SIGNATURE_LEN, Signature};
pub use grouper::{Config, Grouper, MemberView, Placement};
pub use top::{TopEvent, summarize};
