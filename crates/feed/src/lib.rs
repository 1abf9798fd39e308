//! Feeds in and out of newsterm.
//!
//! In: [`parse`] reads RSS 0.9x/1.0/2.0, Atom 1.0, JSON Feed 1.x and ninjs
//! into stories, one result per item; [`fetch`] gets feeds over HTTP with
//! conditional requests and hard limits; [`schedule`] decides when each
//! source is due and backs off from failing ones; [`sources`] keeps the
//! sources, their status and the items already seen in `sources.db`;
//! [`poller`] runs it all and hands new and changed items to a sink the
//! caller provides (the server's ingest path).
//!
//! Out: [`write`] renders stories as Atom 1.0, RSS 2.0 and JSON Feed 1.1.
//!
//! Invariants:
//! - **Nothing from a broken item is stored.** A document that fails a
//!   check (size, encoding, entity declarations, syntax) yields no item at
//!   all; an item that cannot become a valid story is reported and never
//!   reaches the sink, and its key is not recorded, so it is tried afresh.
//! - **A slow source never blocks the others.** Each due source is polled
//!   in its own task under an overall timeout, and the scheduler never
//!   waits for one source before starting the next.

pub mod error;
pub mod fetch;
pub mod parse;
pub mod poller;
pub mod schedule;
pub mod sources;
pub mod write;

#[cfg(test)]
mod conformance;
mod digest;
mod guard;
mod html;
#[cfg(test)]
mod test_data;
#[cfg(test)]
mod test_server;

pub use error::FeedError;
pub use fetch::{FetchError, FetchOptions, FetchOutcome, Fetched, Fetcher, Validators};
pub use parse::{
    DEFAULT_MAX_BYTES, FeedFormat, FeedItem, ItemError, ParseOptions, ParsedFeed, parse,
};
pub use poller::{
    FeedInput, ImportOptions, IngestItem, ItemFailure, PollError, PollReport, Poller,
    PollerOptions, SharedPolling, Sink, SinkError, SinkResult, import_feed,
};
pub use schedule::{
    BadSourceId, Every, IntervalError, Source, SourceId, SourceSpec, SourceStatus, parse_duration,
};
pub use sources::{NewSource, Seen, SourceStore, SourcesError, source_scope, spec_of};
pub use write::{FeedKind, FeedMeta, etag};
