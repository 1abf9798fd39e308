//! Fuzzing on the stable toolchain: every reader of outside input — the
//! Markdown, ninjs and JSON-lines story readers, the feed parser, the
//! query parser and the event-stream parser clients resume with — is fed
//! real inputs from `shared/data` (beside the repository clone) under
//! random edits, with [proptest]. Each must answer every input with a
//! value or an error: a panic is a failure, and proptest shrinks it to
//! the smallest edit list that still fails. A case found this way becomes
//! a regression test beside the reader it broke.
//!
//! The targets live in `tests/targets.rs`. The budget is proptest's case
//! count per target: `cargo test -p newsterm-fuzz` runs a few hundred
//! each; `PROPTEST_CASES=200000 cargo test --release -p newsterm-fuzz`
//! runs for as long as one likes.

use std::path::Path;
use std::sync::Arc;

use proptest::prelude::*;

/// The `shared/data` folder beside the repository clone.
pub use newsterm_story::test_data::shared_data;

/// A target's seed inputs, shared by every case.
pub type Seeds = Arc<Vec<Vec<u8>>>;

/// Seeds larger than this are cut: the targets look for parser bugs, not
/// throughput, and every case should take milliseconds.
const MAX_SEED_BYTES: usize = 64 * 1024;

/// Every file under `dir` (recursively) whose name ends in one of
/// `extensions`, cut to [`MAX_SEED_BYTES`], in a stable order.
pub fn files_under(dir: &Path, extensions: &[&str]) -> Vec<Vec<u8>> {
    let mut paths = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| extensions.contains(&e))
            {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .map(|mut bytes| {
            bytes.truncate(MAX_SEED_BYTES);
            bytes
        })
        .collect()
}

/// The first `n` lines of the Wikinews articles, as JSON lines.
pub fn news_lines(n: usize) -> Vec<String> {
    let path = shared_data().join("news/wikinews_articles.jsonl");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines().take(n).map(str::to_string).collect()
}

/// The same articles read as stories and written as Markdown and as
/// ninjs: seeds that reach past the front matter into every field.
pub fn rendered_stories(n: usize) -> (Vec<String>, Vec<String>) {
    let now = time::OffsetDateTime::now_utc();
    news_lines(n)
        .iter()
        .filter_map(|line| newsterm_story::jsonl::parse_line(line, now).ok())
        .map(|s| {
            (
                newsterm_story::markdown::render(&s),
                newsterm_story::ninjs::render(&s),
            )
        })
        .unzip()
}

/// Byte strings that parsers treat specially somewhere: front matter
/// fences, quoting, markup, entities, escapes, controls and bidi
/// overrides, invalid UTF-8, numbers at their edges.
const TOKENS: &[&[u8]] = &[
    b"---\n",
    b"\n\n",
    b"\r\n",
    b"\"",
    b"\\",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b",",
    b"<",
    b">",
    b"&amp;",
    b"&#x0;",
    b"<![CDATA[",
    b"]]>",
    b"<!ENTITY x \"y\">",
    b"<!DOCTYPE",
    b"\x00",
    b"\x1b]0;x\x07",
    b"\xe2\x80\xae",
    b"\xff\xfe",
    b"\xc3",
    b"\xef\xbb\xbf",
    b"99999999999999999999",
    b"-1",
    b"1e400",
    b"null",
    b"(",
    b")",
    b"*",
    b"~",
    b"^",
    b"AND NOT ",
    b"place:",
    b"\t",
    b"#",
    b"**",
    b"[x](javascript:alert(1))",
    b"data: ",
    b"id: ",
    b"event: ",
];

/// One random change to an input.
#[derive(Debug, Clone)]
pub enum Edit {
    /// Overwrite the byte at a position (taken modulo the length).
    Set(usize, u8),
    /// Remove up to `len` bytes from a position.
    Cut(usize, usize),
    /// Insert one of [`TOKENS`] at a position.
    Token(usize, usize),
    /// Insert random bytes at a position.
    Bytes(usize, Vec<u8>),
    /// Repeat a stretch of the input right after itself.
    Repeat(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Edit::Set(p, b)),
        (any::<usize>(), 1usize..64).prop_map(|(p, n)| Edit::Cut(p, n)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(p, t)| Edit::Token(p, t)),
        (
            any::<usize>(),
            proptest::collection::vec(any::<u8>(), 1..16)
        )
            .prop_map(|(p, b)| Edit::Bytes(p, b)),
        (any::<usize>(), 1usize..256).prop_map(|(p, n)| Edit::Repeat(p, n)),
    ]
}

/// Applies `edits` to `input` in order.
pub fn apply(input: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut out = input.to_vec();
    for e in edits {
        let at = |p: usize, len: usize| if len == 0 { 0 } else { p % (len + 1) };
        match e {
            Edit::Set(p, b) => {
                if !out.is_empty() {
                    let i = p % out.len();
                    out[i] = *b;
                }
            }
            Edit::Cut(p, n) => {
                let i = at(*p, out.len());
                let end = (i + n).min(out.len());
                out.drain(i..end);
            }
            Edit::Token(p, t) => {
                let i = at(*p, out.len());
                out.splice(i..i, TOKENS[*t].iter().copied());
            }
            Edit::Bytes(p, bytes) => {
                let i = at(*p, out.len());
                out.splice(i..i, bytes.iter().copied());
            }
            Edit::Repeat(p, n) => {
                let i = at(*p, out.len());
                let end = (i + n).min(out.len());
                let stretch = out[i..end].to_vec();
                out.splice(end..end, stretch);
            }
        }
    }
    out
}

/// A seed picked from `seeds` with up to 8 edits: what every target is
/// fed. Shrinking drops edits, then simplifies the ones left.
pub fn mutated(seeds: Seeds) -> impl Strategy<Value = Vec<u8>> {
    assert!(!seeds.is_empty(), "a fuzz target needs at least one seed");
    (0..seeds.len(), proptest::collection::vec(edit(), 0..8))
        .prop_map(move |(i, edits)| apply(&seeds[i], &edits))
}

/// [`mutated`] for readers that take text: invalid UTF-8 is read lossily,
/// as the server's body extractors would refuse it before any reader.
pub fn mutated_text(seeds: Seeds) -> impl Strategy<Value = String> {
    mutated(seeds).prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_land_anywhere_and_never_panic_on_short_inputs() {
        assert_eq!(apply(b"", &[Edit::Set(5, b'x')]), b"");
        assert_eq!(apply(b"ab", &[Edit::Token(2, 0)]), b"ab---\n");
        assert_eq!(apply(b"abc", &[Edit::Cut(1, 100)]), b"a");
        assert_eq!(apply(b"abc", &[Edit::Repeat(0, 2)]), b"ababc");
        assert_eq!(apply(b"abc", &[Edit::Bytes(5, vec![b'!'])]), b"a!bc");
    }
}
