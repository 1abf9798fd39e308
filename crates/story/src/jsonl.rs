//! JSON lines for bulk import: one story as one JSON object a line.
//!
//! Both newsterm's own field names and those of the Wikinews dump in
//! `shared/data/news` are read:
//!
//! - `headline` (or `title`), `bullets` (a list), `caption`, `credit`,
//!   `byline` (or `by`), `dateline`, `source`, `url`, `language` (or
//!   `lang`), `priority` (flash, urgent, normal), `published`, `updated`,
//!   `keywords` (a list);
//! - `body`: a string whose paragraphs are separated by blank lines, or a
//!   list whose items are paragraph strings or `{"type": "paragraph" |
//!   "subhead", "text": …}` blocks;
//! - `id` and `revision` are reported when `id` is a newsterm id (a ULID);
//!   other ids, such as `wikinews:…`, and every unknown field (`license`)
//!   are ignored, since bulk data comes from elsewhere.
//!
//! A body's leading date line (Wikinews bodies start with one such as
//! `Friday, January 4, 2019`) stays the first paragraph: it is a date, not
//! the place `dateline` names and `place:` searches.

use serde::Deserialize;
use serde_json::Value;
use time::OffsetDateTime;

use crate::error::{FieldError, StoryError};
use crate::form::{ParsedStory, parse_priority, validate_with};
use crate::model::{Block, StoryDraft, StoryId};
use crate::plaintext;

/// Reads one line of a JSON-lines file. Positions in errors are columns
/// of this line; the caller knows the line number. Skip blank lines
/// before calling: an empty line is an error here.
pub fn parse_line(line: &str, now: OffsetDateTime) -> Result<ParsedStory, StoryError> {
    let line = line.strip_prefix('\u{FEFF}').unwrap_or(line);
    let line = line.trim_end_matches(['\r', '\n']);
    match line.trim_start().chars().next() {
        Some('{') => {}
        None => return Err(malformed("the line is empty".to_string(), None)),
        Some(_) => {
            return Err(malformed(
                "a line must hold one JSON object `{…}`".to_string(),
                Some(1 + line.len() - line.trim_start().len()),
            ));
        }
    }
    let row: Row = serde_json::from_str(line).map_err(|e| {
        // The message ends in "at line 1 column N"; the line number is the
        // caller's to give, so only the column is kept.
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = match message.strip_suffix(&suffix) {
            Some(m) => format!("{m} at column {}", e.column()),
            None => message,
        };
        malformed(message, Some(e.column()))
    })?;

    let mut errors = Vec::new();
    let priority = parse_priority(row.priority.as_deref(), &mut errors);
    let body = read_body(row.body).unwrap_or_else(|e| {
        errors.push(e);
        Vec::new()
    });
    let id = row
        .id
        .as_ref()
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<StoryId>().ok());
    let revision = id.and(
        row.revision
            .as_ref()
            .and_then(Value::as_u64)
            .and_then(|r| u32::try_from(r).ok()),
    );
    // Foreign data may wrap one-line fields; a line break reads as a space.
    let one_line = |field: Option<String>| field.as_deref().map(plaintext::join_lines);
    let draft = StoryDraft {
        headline: one_line(row.headline),
        bullets: row
            .bullets
            .unwrap_or_default()
            .iter()
            .map(|b| plaintext::join_lines(b))
            .collect(),
        caption: one_line(row.caption),
        credit: one_line(row.credit),
        body,
        byline: one_line(row.byline),
        dateline: one_line(row.dateline),
        source: one_line(row.source),
        url: row.url,
        language: row.language,
        priority,
        published: row.published,
        updated: row.updated,
        keywords: row.keywords.unwrap_or_default(),
    };
    Ok(ParsedStory {
        content: validate_with(draft, now, errors)?,
        id,
        revision,
    })
}

#[derive(Debug, Deserialize)]
struct Row {
    #[serde(alias = "title")]
    headline: Option<String>,
    bullets: Option<Vec<String>>,
    caption: Option<String>,
    credit: Option<String>,
    #[serde(alias = "by")]
    byline: Option<String>,
    dateline: Option<String>,
    source: Option<String>,
    url: Option<String>,
    #[serde(alias = "lang")]
    language: Option<String>,
    priority: Option<String>,
    published: Option<String>,
    updated: Option<String>,
    keywords: Option<Vec<String>>,
    body: Option<Value>,
    // Foreign ids and revisions may be of any type; only ours are used.
    id: Option<Value>,
    revision: Option<Value>,
}

fn malformed(message: String, column: Option<usize>) -> StoryError {
    StoryError::Malformed {
        format: "JSON line",
        message,
        line: None,
        column,
    }
}

fn read_body(body: Option<Value>) -> Result<Vec<Block>, FieldError> {
    let paragraphs = |text: &str| {
        plaintext::paragraphs(text)
            .into_iter()
            .map(Block::Paragraph)
            .collect::<Vec<_>>()
    };
    let items = match body {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::String(text)) => return Ok(paragraphs(&text)),
        Some(Value::Array(items)) => items,
        Some(_) => {
            return Err(FieldError::new(
                "body",
                "must be a string or a list of paragraphs",
            ));
        }
    };
    let mut blocks = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        match item {
            Value::String(text) => blocks.extend(paragraphs(&text)),
            item @ Value::Object(_) => match serde_json::from_value::<Block>(item) {
                Ok(Block::Paragraph(t)) => blocks.push(Block::Paragraph(plaintext::join_lines(&t))),
                Ok(Block::Subhead(t)) => blocks.push(Block::Subhead(plaintext::join_lines(&t))),
                Err(e) => return Err(FieldError::new("body", format!("item {i}: {e}"))),
            },
            _ => {
                return Err(FieldError::new(
                    "body",
                    format!(
                        "item {i} is neither a paragraph string nor a {{\"type\", \"text\"}} block"
                    ),
                ));
            }
        }
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Priority, parse_time};
    use crate::test_data::shared_data;

    fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
    }

    #[test]
    fn reads_a_wikinews_row() {
        let line = r#"{"id": "wikinews:Quake", "title": "Quake hits \"coast\": 6.1", "published": "2019-01-04", "body": "Friday, January 4, 2019\n\nA quake struck.\nIt was felt widely.\n\nNo damage.", "source": "Wikinews", "url": "https://en.wikinews.org/wiki/Quake", "license": "CC BY 2.5"}"#;
        let story = parse_line(line, now()).unwrap();
        let c = &story.content;
        assert_eq!(c.headline, "Quake hits \"coast\": 6.1");
        assert_eq!(c.published, parse_time("2019-01-04").unwrap());
        assert_eq!(
            c.body,
            vec![
                Block::Paragraph("Friday, January 4, 2019".into()),
                Block::Paragraph("A quake struck. It was felt widely.".into()),
                Block::Paragraph("No damage.".into()),
            ]
        );
        assert_eq!(c.dateline, None);
        assert_eq!(c.source.as_deref(), Some("Wikinews"));
        assert_eq!(c.url.as_deref(), Some("https://en.wikinews.org/wiki/Quake"));
        assert_eq!((story.id, story.revision), (None, None));
    }

    #[test]
    fn reads_our_own_field_names() {
        let id = StoryId::new();
        let line = serde_json::json!({
            "id": id.to_string(),
            "revision": 2,
            "headline": "Ünïcödé: \"quoted\" headline",
            "bullets": ["One", "Two"],
            "byline": "Ana\nRojas",
            "dateline": "SANTIAGO",
            "priority": "urgent",
            "lang": "ES",
            "keywords": ["quake"],
            "updated": "2024-05-01T13:00:00Z",
            "body": ["Lede\nwraps.", {"type": "subhead", "text": "Sub"}, {"type": "paragraph", "text": "Next"}]
        })
        .to_string();
        let story = parse_line(&line, now()).unwrap();
        let c = &story.content;
        assert_eq!(c.headline, "Ünïcödé: \"quoted\" headline");
        assert_eq!(c.bullets, ["One", "Two"]);
        assert_eq!(c.byline.as_deref(), Some("Ana Rojas"));
        assert_eq!(c.dateline.as_deref(), Some("SANTIAGO"));
        assert_eq!(c.priority, Priority::Urgent);
        assert_eq!(c.language, "es");
        assert_eq!(c.keywords, ["quake"]);
        assert_eq!(c.published, now());
        assert_eq!(c.updated, Some(parse_time("2024-05-01T13:00:00Z").unwrap()));
        assert_eq!(
            c.body,
            vec![
                Block::Paragraph("Lede wraps.".into()),
                Block::Subhead("Sub".into()),
                Block::Paragraph("Next".into()),
            ]
        );
        assert_eq!((story.id, story.revision), (Some(id), Some(2)));
    }

    #[test]
    fn malformed_json_gives_the_column_only() {
        let err = parse_line(r#"{"title": "x", "body": }"#, now()).unwrap_err();
        let StoryError::Malformed {
            message,
            line,
            column,
            ..
        } = &err
        else {
            panic!("expected Malformed, got {err:?}");
        };
        assert_eq!((*line, *column), (None, Some(24)));
        assert!(message.ends_with("at column 24"), "{message}");
        assert!(!message.contains("line"), "{message}");
    }

    #[test]
    fn non_objects_and_empty_lines_are_named() {
        let err = parse_line("[1, 2]", now()).unwrap_err();
        assert!(err.to_string().contains("one JSON object"), "{err}");
        let err = parse_line("   \r\n", now()).unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
    }

    #[test]
    fn field_problems_are_named_together() {
        let err = parse_line(r#"{"body": 5, "priority": "soon"}"#, now()).unwrap_err();
        let StoryError::Invalid(errors) = &err else {
            panic!("expected Invalid, got {err:?}");
        };
        let mut fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["body", "headline", "priority"], "{err}");
    }

    #[test]
    fn wrong_field_type_gives_the_column() {
        let err = parse_line(r#"{"title": "x", "bullets": "one"}"#, now()).unwrap_err();
        assert!(
            matches!(&err, StoryError::Malformed { column: Some(_), message, .. } if message.contains("sequence")),
            "{err:?}"
        );
    }

    #[test]
    fn every_wikinews_article_imports() {
        let path = shared_data().join("news/wikinews_articles.jsonl");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut count = 0;
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let story = parse_line(line, now()).unwrap_or_else(|e| panic!("line {}: {e}", n + 1));
            let row: Value = serde_json::from_str(line).unwrap();
            assert_eq!(
                Some(story.content.headline.as_str()),
                row["title"].as_str().map(str::trim)
            );
            assert!(!story.content.body.is_empty(), "line {}", n + 1);
            count += 1;
        }
        assert!(count >= 300, "only {count} articles");
    }
}
