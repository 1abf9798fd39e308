//! newsterm's search language: query text parsed into a [`Query`] tree,
//! and the analyzer that turns text into searchable tokens.
//!
//! The search index compiles a [`Query`] to its own queries, and standing
//! alerts walk the same tree against single stories; both analyze story
//! text with [`tokenize`] and take field values from [`story_values`], so
//! a query means the same thing everywhere. This crate does no I/O.
//!
//! # The language
//!
//! | written | means |
//! |---|---|
//! | `oil prices` | both words (implicit AND), in headline, bullets or body |
//! | `oil AND prices`, `+oil +prices` | the same |
//! | `oil OR gas` | either word |
//! | `NOT opec`, `-opec` | without the word; a query of only negations means "everything except" |
//! | `(oil OR gas) -opec` | grouping |
//! | `"oil prices"` | the words next to each other, in that order |
//! | `elect*` | a word starting with `elect` (at least 2 characters before `*`) |
//! | `headline:oil`, `body:"oil prices"`, `place:lis*`, `person:(putin OR biden)` | restricted to one field |
//! | `published:2024-05-01` | published that day (UTC) |
//! | `published:[2024-01-01 TO 2024-01-31]` | inclusive range; `*` leaves an end open |
//! | `published:>=2024-01-01`, `>`, `<`, `<=` | open ranges; RFC 3339 times work too |
//! | `*` | every story (so does the empty query) |
//!
//! `AND`, `OR` and `NOT` are keywords only in capitals. NOT binds tighter
//! than AND, and AND tighter than OR: `a b OR c` is `(a AND b) OR c`.
//!
//! Fields: `headline`, `bullets`, `body`, `byline`, `place`, `person`,
//! `org`, `keyword` are text fields, matched word by word like the
//! default. `source`, `lang` (or `language`), `priority`, `id`, `topic`
//! and `country` are keyword fields: the value must equal the story's
//! whole value after [`normalize_keyword`] (case, accents, spacing and
//! punctuation do not matter), so `source:"Example Wire"` and
//! `source:example-wire` both match a story from "Example Wire", and
//! `source:exa*` matches it as a prefix, but `source:example` does not.
//!
//! Words are analyzed as story text is (see [`tokenize`]): a word that
//! analyzes to several tokens, such as `U.S.` or `Putin's`, is searched as
//! a phrase, and a quoted phrase of one token is a plain term. Words made
//! only of punctuation (`&`, `—`) are skipped.
//!
//! Errors carry the character position at fault ([`QueryError`]). Queries
//! longer than [`MAX_QUERY_CHARS`] or nested deeper than [`MAX_DEPTH`]
//! are refused to protect the server.

mod analysis;
mod ast;
mod dates;
mod document;
mod field;
mod folding;
pub mod matcher;
mod parser;

pub use analysis::{MAX_TOKEN_BYTES, Token, Tokens, normalize_keyword, tokenize};
pub use ast::Query;
pub use dates::indexed_time;
pub use document::{FieldValue, story_values};
pub use field::{Field, FieldKind};
pub use matcher::{Document, matches};
pub use parser::{MAX_DEPTH, MAX_QUERY_CHARS, MIN_PREFIX_CHARS, QueryError, parse};
