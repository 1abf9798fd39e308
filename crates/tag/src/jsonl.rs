//! The `newsterm tag` contract: JSON lines `{"id", "text"}` in (or `"headline"` and
//! `"body"` instead of `"text"`), one annotation line out per story:
//! `{"id", "language", "tagged", "entities", "quotes", "figures", "topics", "highlights"}`.
//! A line that is not UTF-8, not JSON or has no text gets `{"line": N, "error": "…"}`
//! and the lines after it are still tagged.

use std::io::{self, BufRead, Write};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::Tagger;
use crate::annotations::Annotations;

/// Why one input line was not tagged; written into its output line.
#[derive(Debug, thiserror::Error)]
enum BadLine {
    #[error("line is longer than {MAX_LINE_BYTES} bytes")]
    TooLong,
    #[error("line is not valid UTF-8: {0}")]
    Utf8(#[from] std::str::Utf8Error),
    #[error("invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("no \"text\" (or \"headline\"/\"body\") field")]
    NoText,
}

/// Longest input line accepted (a story of several megabytes still fits).
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// What a [`tag_jsonl`] run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Non-blank input lines.
    pub lines: usize,
    /// Stories tagged and written out.
    pub tagged: usize,
    /// Lines that were not a story (reported, skipped).
    pub errors: usize,
    /// Whitespace-separated words in the tagged stories.
    pub words: usize,
    /// Time spent, in seconds.
    pub seconds: f64,
}

#[derive(Deserialize)]
struct Input {
    #[serde(default)]
    id: serde_json::Value,
    text: Option<String>,
    #[serde(alias = "title")]
    headline: Option<String>,
    body: Option<String>,
}

#[derive(Serialize)]
struct Output<'a> {
    id: &'a serde_json::Value,
    #[serde(flatten)]
    annotations: &'a Annotations,
}

#[derive(Serialize)]
struct LineError<'a> {
    line: usize,
    error: &'a str,
}

/// Reads one line into `buf` (without the line break). Returns `Ok(None)` at the end of
/// input and `Ok(Some(false))` for a line longer than `limit`, which is skipped.
fn read_line(
    input: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Option<bool>> {
    buf.clear();
    let mut seen_any = false;
    let mut too_long = false;
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            return Ok(seen_any.then_some(!too_long));
        }
        seen_any = true;
        let (used, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(p) => (p + 1, true),
            None => (chunk.len(), false),
        };
        let content = if done {
            &chunk[..used - 1]
        } else {
            &chunk[..used]
        };
        if !too_long {
            if buf.len() + content.len() > limit {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(content);
            }
        }
        input.consume(used);
        if done {
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            return Ok(Some(!too_long));
        }
    }
}

/// Tags every story of `input` and writes one JSON line per non-blank input line.
/// Only I/O errors stop the run; bad lines are reported in the output.
pub fn tag_jsonl(
    tagger: &Tagger,
    mut input: impl BufRead,
    mut output: impl Write,
) -> io::Result<Summary> {
    let started = Instant::now();
    let mut summary = Summary::default();
    let mut buf = Vec::new();
    let mut line_no = 0;
    while let Some(fits) = read_line(&mut input, &mut buf, MAX_LINE_BYTES)? {
        line_no += 1;
        if buf.iter().all(u8::is_ascii_whitespace) && fits {
            continue;
        }
        summary.lines += 1;
        let result: Result<(serde_json::Value, Annotations, usize), BadLine> = (|| {
            if !fits {
                return Err(BadLine::TooLong);
            }
            let line = std::str::from_utf8(&buf)?;
            let story: Input = serde_json::from_str(line)?;
            let (ann, words) = match (story.text, story.headline, story.body) {
                (Some(text), _, _) => (tagger.tag(&text), text.split_whitespace().count()),
                (None, None, None) => return Err(BadLine::NoText),
                (None, h, b) => {
                    let (h, b) = (h.unwrap_or_default(), b.unwrap_or_default());
                    let words = h.split_whitespace().count() + b.split_whitespace().count();
                    (tagger.tag_story(&h, &b), words)
                }
            };
            Ok((story.id, ann, words))
        })();
        match result {
            Ok((id, annotations, words)) => {
                serde_json::to_writer(
                    &mut output,
                    &Output {
                        id: &id,
                        annotations: &annotations,
                    },
                )?;
                summary.tagged += 1;
                summary.words += words;
            }
            Err(error) => {
                serde_json::to_writer(
                    &mut output,
                    &LineError {
                        line: line_no,
                        error: &error.to_string(),
                    },
                )?;
                summary.errors += 1;
            }
        }
        output.write_all(b"\n")?;
    }
    output.flush()?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_skipped_and_reading_goes_on() {
        let data = b"abcdef\nxy\r\n\nlast";
        let mut input = &data[..];
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut input, &mut buf, 4).ok(), Some(Some(false)));
        assert_eq!(read_line(&mut input, &mut buf, 4).ok(), Some(Some(true)));
        assert_eq!(buf, b"xy");
        assert_eq!(read_line(&mut input, &mut buf, 4).ok(), Some(Some(true)));
        assert!(buf.is_empty());
        assert_eq!(read_line(&mut input, &mut buf, 4).ok(), Some(Some(true)));
        assert_eq!(buf, b"last");
        assert_eq!(read_line(&mut input, &mut buf, 4).ok(), Some(None));
    }
}
