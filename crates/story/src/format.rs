//! Which form a story is written in: [`Format`] names one and hands
//! bytes to its parser or a story to its renderer.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use time::OffsetDateTime;

use crate::error::StoryError;
use crate::form::{ParsedStory, StoryView};
use crate::{markdown, ninjs};

/// A story form a publisher can send and a reader can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Markdown with a YAML front-matter header ([`crate::markdown`]).
    Markdown,
    /// IPTC ninjs 2.x JSON ([`crate::ninjs`]).
    Ninjs,
}

impl Format {
    /// The lower-case name used in `?format=` and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Ninjs => "ninjs",
        }
    }

    /// The `Content-Type` a rendered story is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Ninjs => "application/json",
        }
    }

    /// The form a `Content-Type` header names; parameters such as
    /// `charset` are ignored. `None` for anything else, a header that is
    /// not a media type included.
    pub fn from_content_type(content_type: &str) -> Option<Format> {
        // mime lower-cases type and subtype as it parses.
        let media: mime::Mime = content_type.trim().parse().ok()?;
        match (media.type_().as_str(), media.subtype().as_str()) {
            ("text", "markdown" | "x-markdown") => Some(Format::Markdown),
            ("application" | "text", "json") => Some(Format::Ninjs),
            // application/ninjs+json and vendor variants.
            ("application", _) if media.suffix() == Some(mime::JSON) => Some(Format::Ninjs),
            _ => None,
        }
    }

    /// The form a file name's extension names: `.md`/`.markdown` or `.json`.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Some(Format::Markdown),
            "json" => Some(Format::Ninjs),
            _ => None,
        }
    }

    /// Tells the forms apart by content: after an optional byte-order mark
    /// and white space, `{` or `[` is JSON; a first line `---` is Markdown.
    pub fn detect(bytes: &[u8]) -> Option<Format> {
        let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
        if bytes.starts_with(b"---") {
            return Some(Format::Markdown);
        }
        match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{' | b'[') => Some(Format::Ninjs),
            _ => None,
        }
    }

    /// Reads a story in this form from raw bytes, which must be UTF-8.
    pub fn parse(self, bytes: &[u8], now: OffsetDateTime) -> Result<ParsedStory, StoryError> {
        let text = decode_utf8(bytes, self)?;
        match self {
            Format::Markdown => markdown::parse(text, now),
            Format::Ninjs => ninjs::parse(text, now),
        }
    }

    /// Writes a story in this form.
    pub fn render<'a>(self, story: impl Into<StoryView<'a>>) -> String {
        match self {
            Format::Markdown => markdown::render(story),
            Format::Ninjs => ninjs::render(story),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = StoryError;

    /// Accepts `markdown`/`md` and `ninjs`/`json`, in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "markdown" | "md" => Ok(Format::Markdown),
            "ninjs" | "json" => Ok(Format::Ninjs),
            _ => Err(StoryError::UnknownFormat(format!(
                "`{}` (use markdown or ninjs)",
                s.chars().take(40).collect::<String>()
            ))),
        }
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The text of `bytes`, or an error naming the offset (and line and
/// column) of the first byte that is not UTF-8.
fn decode_utf8(bytes: &[u8], format: Format) -> Result<&str, StoryError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let valid = String::from_utf8_lossy(&bytes[..offset]);
        let line = valid.matches('\n').count() + 1;
        let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        StoryError::Malformed {
            format: match format {
                Format::Markdown => "Markdown",
                Format::Ninjs => "JSON",
            },
            message: format!(
                "invalid UTF-8 at byte offset {offset} (line {line}, column {column})"
            ),
            line: Some(line),
            column: Some(column),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_json_and_markdown_by_content() {
        assert_eq!(Format::detect(b"  \n {\"uri\":\"x\"}"), Some(Format::Ninjs));
        assert_eq!(Format::detect(b"[{}]"), Some(Format::Ninjs));
        assert_eq!(
            Format::detect(b"---\nheadline: x\n---\n"),
            Some(Format::Markdown)
        );
        assert_eq!(
            Format::detect(b"\xEF\xBB\xBF---\nheadline: x\n---\n"),
            Some(Format::Markdown)
        );
        assert_eq!(Format::detect(b"Just some text"), None);
        assert_eq!(Format::detect(b""), None);
    }

    #[test]
    fn content_types_and_extensions_name_formats() {
        assert_eq!(
            Format::from_content_type("text/markdown; charset=UTF-8"),
            Some(Format::Markdown)
        );
        assert_eq!(
            Format::from_content_type("Application/JSON"),
            Some(Format::Ninjs)
        );
        assert_eq!(
            Format::from_content_type("application/ninjs+json"),
            Some(Format::Ninjs)
        );
        assert_eq!(
            Format::from_content_type("application/vnd.example+JSON; v=2"),
            Some(Format::Ninjs)
        );
        assert_eq!(Format::from_content_type("text/plain"), None);
        assert_eq!(Format::from_content_type("markdown"), None);
        assert_eq!(
            Format::from_path(Path::new("a/b.MD")),
            Some(Format::Markdown)
        );
        assert_eq!(
            Format::from_path(Path::new("story.markdown")),
            Some(Format::Markdown)
        );
        assert_eq!(Format::from_path(Path::new("s.json")), Some(Format::Ninjs));
        assert_eq!(Format::from_path(Path::new("s.txt")), None);
        assert_eq!(Format::from_path(Path::new("README")), None);
    }

    #[test]
    fn format_names_parse_and_unknown_ones_are_named() {
        assert_eq!("Markdown".parse::<Format>().unwrap(), Format::Markdown);
        assert_eq!("json".parse::<Format>().unwrap(), Format::Ninjs);
        let err = "xml".parse::<Format>().unwrap_err();
        assert_eq!(err.code(), "unknown_format");
        assert!(err.to_string().contains("`xml`"), "{err}");
    }

    #[test]
    fn parse_dispatches_and_ignores_a_byte_order_mark() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let md = b"\xEF\xBB\xBF---\nheadline: From Markdown\n---\n";
        let json =
            b"\xEF\xBB\xBF{\"uri\": \"urn:x\", \"headlines\": [{\"value\": \"From ninjs\"}]}";
        let read = |f: Format, b: &[u8]| f.parse(b, now).map(|s| s.content.headline);
        assert_eq!(read(Format::Markdown, md).unwrap(), "From Markdown");
        assert_eq!(read(Format::Ninjs, json).unwrap(), "From ninjs");
        assert!(read(Format::Ninjs, md).is_err());
    }

    #[test]
    fn invalid_utf8_names_the_byte_offset() {
        let mut bytes = b"---\nheadline: Caf".to_vec();
        bytes.push(0xE9);
        bytes.extend_from_slice(b"\n---\n");
        let now = OffsetDateTime::UNIX_EPOCH;
        for format in [Format::Markdown, Format::Ninjs] {
            match format.parse(&bytes, now).unwrap_err() {
                StoryError::Malformed {
                    message,
                    line,
                    column,
                    ..
                } => {
                    assert!(message.contains("byte offset 17"), "{message}");
                    assert_eq!((line, column), (Some(2), Some(14)));
                }
                other => panic!("expected Malformed, got {other:?}"),
            }
        }
    }
}
