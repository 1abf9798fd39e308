//! Markdown with a YAML front-matter header: the form a person writes.
//!
//! ```text
//! ---
//! headline: 'Quake: 6.1 magnitude tremor hits Chile''s north coast'
//! source: Andes Wire
//! published: 2024-05-01T12:00:00Z
//! priority: urgent
//! byline: Ana Rojas
//! dateline: ANTOFAGASTA, Chile
//! lang: en
//! keywords: [earthquake, Chile]
//! ---
//!
//! • No tsunami warning was issued
//! • Power cut in two towns
//!
//! A magnitude 6.1 earthquake struck off Chile's northern coast on
//! Wednesday, the national seismology centre said.
//!
//! ## Damage
//!
//! Officials reported no casualties.
//! ```
//!
//! - The header sits between a first line `---` and the next line that is
//!   exactly `---` (or `...`). Its keys are `headline` (required),
//!   `source`, `published`, `updated`, `priority` (flash, urgent, normal),
//!   `byline`, `dateline`, `caption`, `credit`, `url`, `lang` (or
//!   `language`), `keywords` (a list), and `id` and `revision`, which are
//!   informational: newsterm writes them on output so a story can be
//!   recognised, and the store decides both. Any other key is an error.
//! - Before the first paragraph, lines starting with `•`, `- ` or `* ` are
//!   bullet highlights; an indented line right under a bullet continues
//!   it, and any other line starts the body.
//! - Paragraphs are separated by blank lines; the lines of one paragraph
//!   join with a space. Inline Markdown (emphasis, links) is kept as
//!   written.
//! - A line starting with `## ` or `### ` is a subhead.
//! - A paragraph that starts with a backslash has that one backslash
//!   removed, so `\## Not a subhead` or `\- not a bullet` is plain text.
//!   [`render`] writes that backslash before any paragraph that starts with
//!   `#`, `-`, `•`, `*`, `\` or `[`, so what it writes reads back unchanged.
//! - `&amp;`, `&lt;`, `&gt;` and `&#93;` in text read as `&`, `<`, `>` and
//!   `]`. [`render`] writes those references for every `&`, `<` and `>`,
//!   and for the `]` of any link whose destination is not http(s) or
//!   mailto, so the Markdown it writes carries no raw HTML and no
//!   `javascript:` link into whatever renders it.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::{FieldError, StoryError};
use crate::form::{ParsedStory, StoryView, parse_priority, validate_with};
use crate::model::{Block, StoryDraft, StoryId, format_time};

/// Reads a Markdown story. `now` fills `published` when the header has none.
pub fn parse(text: &str, now: OffsetDateTime) -> Result<ParsedStory, StoryError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let (header, body) = split_front_matter(text)?;
    let front = read_front_matter(header)?;

    let mut errors = Vec::new();
    let id = front
        .id
        .as_deref()
        .and_then(|s| match s.parse::<StoryId>() {
            Ok(id) => Some(id),
            Err(e) => {
                errors.push(FieldError::new("id", e.to_string()));
                None
            }
        });
    let priority = parse_priority(front.priority.as_deref(), &mut errors);
    let (bullets, body) = read_body(body);
    let draft = StoryDraft {
        headline: front.headline,
        bullets,
        caption: front.caption,
        credit: front.credit,
        body,
        byline: front.byline,
        dateline: front.dateline,
        source: front.source,
        url: front.url,
        language: front.lang,
        priority,
        published: front.published,
        updated: front.updated,
        keywords: front.keywords.unwrap_or_default(),
    };
    Ok(ParsedStory {
        content: validate_with(draft, now, errors)?,
        id,
        revision: front.revision,
    })
}

/// Writes a story as Markdown that [`parse`] reads back to the same
/// content, id and revision.
pub fn render<'a>(story: impl Into<StoryView<'a>>) -> String {
    let view = story.into();
    let c = view.content;
    let front = FrontMatterOut {
        id: view.id.map(|id| id.to_string()),
        revision: view.revision,
        headline: &c.headline,
        source: c.source.as_deref(),
        published: format_time(c.published),
        updated: c.updated.map(format_time),
        priority: c.priority.as_str(),
        byline: c.byline.as_deref(),
        dateline: c.dateline.as_deref(),
        caption: c.caption.as_deref(),
        credit: c.credit.as_deref(),
        url: c.url.as_deref(),
        lang: &c.language,
        keywords: &c.keywords,
    };
    let yaml = serde_yaml_ng::to_string(&front)
        .expect("a struct of strings and numbers always serializes to YAML");

    let body_len: usize = c.body.iter().map(|b| b.text().len() + 4).sum();
    let mut out = String::with_capacity(yaml.len() + body_len + 64);
    out.push_str("---\n");
    out.push_str(&yaml);
    if !yaml.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("---\n");
    if !c.bullets.is_empty() {
        out.push('\n');
        for b in &c.bullets {
            out.push_str("• ");
            escape_inline(b, &mut out);
            out.push('\n');
        }
    }
    for block in &c.body {
        out.push('\n');
        match block {
            Block::Paragraph(text) => {
                if text.starts_with(['#', '-', '•', '*', '\\', '[']) {
                    out.push('\\');
                }
                // Parsed paragraphs never hold a line break; one from
                // elsewhere would split the paragraph, so it is written
                // as the space it reads back as.
                let one_line = text.replace(['\n', '\r'], " ");
                escape_inline(&one_line, &mut out);
            }
            Block::Subhead(text) => {
                out.push_str("## ");
                escape_inline(text, &mut out);
            }
        }
        out.push('\n');
    }
    out
}

/// Writes story text so that a Markdown renderer shows it as text: `&`,
/// `<` and `>` become character references (no raw HTML, no autolinks),
/// and the `]` of a link or image whose destination has a scheme other
/// than http, https or mailto becomes `&#93;`, so `[x](javascript:…)`
/// stays text. [`unescape_inline`] reads it back exactly.
fn escape_inline(text: &str, out: &mut String) {
    for (i, ch) in text.char_indices() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            ']' if unsafe_link_destination(&text[i + 1..]) => out.push_str("&#93;"),
            ch => out.push(ch),
        }
    }
}

/// True when `rest`, the text after a `]`, opens a link destination with
/// a scheme that is not http, https or mailto.
fn unsafe_link_destination(rest: &str) -> bool {
    let Some(dest) = rest.strip_prefix('(') else {
        return false;
    };
    let dest = dest.trim_start();
    let dest = dest.strip_prefix('<').unwrap_or(dest);
    let scheme_len = dest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
        .unwrap_or(dest.len());
    if !dest[scheme_len..].starts_with(':') {
        return false;
    }
    let scheme = dest[..scheme_len].to_ascii_lowercase();
    !matches!(scheme.as_str(), "http" | "https" | "mailto")
}

/// The inverse of [`escape_inline`]: the four references it writes become
/// their characters again, in one pass, so `&amp;lt;` reads as `&lt;`.
fn unescape_inline(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>'), ("&#93;", ']')]
            .into_iter()
            .find(|(reference, _)| rest.starts_with(reference));
        match decoded {
            Some((reference, ch)) => {
                out.push(ch);
                rest = &rest[reference.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[derive(Debug, Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping of header fields such as `headline: …`"
)]
struct FrontMatterIn {
    id: Option<String>,
    revision: Option<u32>,
    headline: Option<String>,
    source: Option<String>,
    published: Option<String>,
    updated: Option<String>,
    priority: Option<String>,
    byline: Option<String>,
    dateline: Option<String>,
    caption: Option<String>,
    credit: Option<String>,
    url: Option<String>,
    #[serde(alias = "language")]
    lang: Option<String>,
    keywords: Option<Vec<String>>,
}

#[derive(Serialize)]
struct FrontMatterOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revision: Option<u32>,
    headline: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    published: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
    priority: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    byline: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dateline: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    caption: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    lang: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    keywords: &'a [String],
}

/// Splits the text into the header (with its opening `---` line, so YAML
/// errors carry the document's own line numbers) and the body after the
/// closing line.
fn split_front_matter(text: &str) -> Result<(&str, &str), StoryError> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(malformed(
            "a story must start with a front-matter header: a first line `---`, \
             then `headline: …` and the other fields, then a closing `---` line",
        ));
    }
    let mut offset = first.len();
    for line in lines {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            return Ok((&text[..offset], &text[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err(malformed(
        "the front-matter header opened on line 1 is never closed: end it with a line `---`",
    ))
}

fn malformed(message: &str) -> StoryError {
    StoryError::Malformed {
        format: "Markdown",
        message: message.to_string(),
        line: Some(1),
        column: Some(1),
    }
}

fn read_front_matter(header: &str) -> Result<FrontMatterIn, StoryError> {
    // An empty header is a YAML null, which reads as `None`.
    match serde_yaml_ng::from_str::<Option<FrontMatterIn>>(header) {
        Ok(front) => Ok(front.unwrap_or_default()),
        Err(e) => {
            let at = e.location();
            Err(StoryError::Malformed {
                format: "YAML front matter",
                message: e.to_string(),
                line: at.as_ref().map(|l| l.line()),
                column: at.as_ref().map(|l| l.column()),
            })
        }
    }
}

/// Bullet highlights and body blocks from the text under the header.
fn read_body(text: &str) -> (Vec<String>, Vec<Block>) {
    let mut bullets: Vec<String> = Vec::new();
    let mut blocks = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    // Bullets are read only until the first paragraph or subhead.
    let mut before_body = true;
    let mut in_bullet = false;
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            end_paragraph(&mut paragraph, &mut blocks);
            in_bullet = false;
            continue;
        }
        if let Some(subhead) = line
            .strip_prefix("### ")
            .or_else(|| line.strip_prefix("## "))
        {
            end_paragraph(&mut paragraph, &mut blocks);
            blocks.push(Block::Subhead(unescape_inline(subhead)));
            before_body = false;
            in_bullet = false;
            continue;
        }
        if before_body {
            let marker = line
                .strip_prefix('•')
                .or_else(|| line.strip_prefix("- "))
                .or_else(|| line.strip_prefix("* "));
            if let Some(bullet) = marker {
                bullets.push(bullet.to_string());
                in_bullet = true;
                continue;
            }
            let indented = raw.starts_with([' ', '\t']);
            if let (true, true, Some(last)) = (in_bullet, indented, bullets.last_mut()) {
                last.push(' ');
                last.push_str(line);
                continue;
            }
            before_body = false;
        }
        paragraph.push(line);
    }
    end_paragraph(&mut paragraph, &mut blocks);
    let bullets = bullets.iter().map(|b| unescape_inline(b)).collect();
    (bullets, blocks)
}

fn end_paragraph(lines: &mut Vec<&str>, blocks: &mut Vec<Block>) {
    if lines.is_empty() {
        return;
    }
    let joined = lines.join(" ");
    lines.clear();
    let text = joined.strip_prefix('\\').unwrap_or(&joined);
    blocks.push(Block::Paragraph(unescape_inline(text)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{full_content, minimal, now};
    use crate::model::{Priority, parse_time};

    #[test]
    fn written_markdown_carries_no_html_and_no_script_links() {
        let mut c = full_content();
        c.bullets = vec!["<img src=x onerror=alert(1)>".into()];
        c.body = vec![
            Block::Paragraph("<script>alert(1)</script>".into()),
            Block::Paragraph("[click](javascript:alert(1)) ![i]( <JavaScript:x>)".into()),
            Block::Paragraph("[1]: javascript:alert(1)".into()),
            Block::Subhead("<b>bold</b>".into()),
            Block::Paragraph("[fine](https://example.org/) [mail](mailto:a@b.c) [rel](/x)".into()),
        ];
        let text = render(&c);
        let body = &text[text.rfind("---\n").unwrap()..];
        assert!(!body.contains('<') && !body.contains('>'), "{body}");
        assert!(
            body.contains("• &lt;img src=x onerror=alert(1)&gt;"),
            "{body}"
        );
        assert!(
            body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{body}"
        );
        assert!(
            !body.contains("](javascript:") && !body.contains("](<"),
            "{body}"
        );
        assert!(body.contains("[click&#93;(javascript:alert(1))"), "{body}");
        assert!(body.contains("\\[1]: javascript:"), "{body}");
        assert!(body.contains("## &lt;b&gt;bold&lt;/b&gt;"), "{body}");
        assert!(
            body.contains("[fine](https://example.org/) [mail](mailto:a@b.c) [rel](/x)"),
            "{body}"
        );
        let back = parse(&text, now()).unwrap().content;
        assert_eq!(back.bullets, c.bullets);
        assert_eq!(back.body, c.body);
    }

    #[test]
    fn round_trip_keeps_every_field_id_and_revision() {
        let content = full_content();
        let view = StoryView {
            content: &content,
            id: Some(StoryId::new()),
            revision: Some(7),
            tags: None,
            ..StoryView::from(&content)
        };
        let md = render(view);
        let back = parse(&md, now()).unwrap_or_else(|e| panic!("{e}\n{md}"));
        assert_eq!(back.content, content, "{md}");
        assert_eq!(back.id, view.id);
        assert_eq!(back.revision, Some(7));
    }

    #[test]
    fn round_trip_of_minimal_story_without_identity() {
        let content = minimal();
        let md = render(&content);
        assert!(!md.contains("id:") && !md.contains("revision:"), "{md}");
        let back = parse(&md, now()).unwrap();
        assert_eq!(back.content, content);
        assert_eq!((back.id, back.revision), (None, None));
    }

    #[test]
    fn reads_hand_written_story() {
        let text = "---\r\n\
            headline: Quake hits coast\r\n\
            source: Andes Wire\r\n\
            published: 2024-05-01\r\n\
            priority: urgent\r\n\
            language: es\r\n\
            keywords:\r\n  - quake\r\n  - Chile\r\n\
            ---\r\n\
            \r\n\
            • First highlight\r\n\
            - Second highlight\r\n  wraps here\r\n\
            * Third\r\n\
            Lede line one\r\n\
            line two.\r\n\
            \r\n\
            ### Aftermath\r\n\
            Next paragraph.\r\n\
            \r\n\
            - a dash inside the body is text\r\n";
        let s = parse(text, now()).unwrap();
        let c = &s.content;
        assert_eq!(c.headline, "Quake hits coast");
        assert_eq!(c.source.as_deref(), Some("Andes Wire"));
        assert_eq!(c.priority, Priority::Urgent);
        assert_eq!(c.language, "es");
        assert_eq!(c.published, parse_time("2024-05-01T00:00:00Z").unwrap());
        assert_eq!(c.keywords, ["quake", "Chile"]);
        assert_eq!(
            c.bullets,
            ["First highlight", "Second highlight wraps here", "Third"]
        );
        assert_eq!(
            c.body,
            vec![
                Block::Paragraph("Lede line one line two.".into()),
                Block::Subhead("Aftermath".into()),
                Block::Paragraph("Next paragraph.".into()),
                Block::Paragraph("- a dash inside the body is text".into()),
            ]
        );
    }

    #[test]
    fn missing_published_takes_now() {
        let s = parse("---\nheadline: x\n---\n", now()).unwrap();
        assert_eq!(s.content.published, now());
    }

    fn malformed_at(text: &str) -> (String, Option<usize>, Option<usize>) {
        match parse(text, now()).unwrap_err() {
            StoryError::Malformed {
                message,
                line,
                column,
                ..
            } => (message, line, column),
            other => panic!("expected Malformed, got {other:?}"),
        }
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let (msg, line, _) = malformed_at("---\nheadline: x\nsubtitle: y\n---\n");
        assert!(msg.contains("unknown field `subtitle`"), "{msg}");
        assert!(msg.contains("expected one of"), "{msg}");
        assert_eq!(line, Some(3));
    }

    #[test]
    fn bad_yaml_reports_line_and_column() {
        let (msg, line, column) =
            malformed_at("---\nheadline: x\nsource: [unclosed\npriority: urgent\n---\n");
        assert!(line.is_some_and(|l| l >= 3), "{msg} {line:?}");
        assert!(column.is_some(), "{msg}");
        assert!(msg.contains("line"), "{msg}");
    }

    #[test]
    fn wrong_type_names_the_key() {
        let (msg, line, _) = malformed_at("---\nheadline: x\nkeywords: quake\n---\n");
        assert!(msg.contains("keywords"), "{msg}");
        assert_eq!(line, Some(3));
    }

    #[test]
    fn front_matter_must_exist_and_be_closed() {
        let (msg, ..) = malformed_at("# Quake\n\nText.\n");
        assert!(msg.contains("front-matter header"), "{msg}");
        let (msg, ..) = malformed_at("---\nheadline: x\n\nBody text\n");
        assert!(msg.contains("never closed"), "{msg}");
    }

    #[test]
    fn missing_headline_is_named() {
        for text in [
            "---\n---\nBody.\n",
            "---\nsource: Wire\n---\n",
            "---\nheadline: ~\n---\n",
        ] {
            let err = parse(text, now()).unwrap_err();
            assert!(
                matches!(&err, StoryError::Invalid(e) if e.iter().any(|f| f.field == "headline")),
                "{err}"
            );
        }
    }

    #[test]
    fn bad_priority_id_and_time_are_reported_together() {
        let err = parse(
            "---\nheadline: x\npriority: asap\nid: nope\npublished: soon\n---\n",
            now(),
        )
        .unwrap_err();
        let StoryError::Invalid(errors) = &err else {
            panic!("expected Invalid, got {err:?}");
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["id", "priority", "published"], "{err}");
        assert!(err.to_string().contains("asap"), "{err}");
    }
}
