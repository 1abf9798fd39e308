//! The story as newsterm keeps it, and the rules every story obeys.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ulid::Ulid;

use crate::control::{self, checked_line};
use crate::error::{FieldError, StoryError};
use crate::lifecycle::{EventId, RevisionKind};
use crate::limits;
use crate::tags::{Tags, Topic};
use crate::text::{collapse_html_space, truncate};

/// A story's identity: a ULID, so ids sort by the time they were minted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StoryId(Ulid);

impl StoryId {
    /// Mints a new id for a story first seen now.
    pub fn new() -> Self {
        StoryId(Ulid::new())
    }

    /// Milliseconds since the Unix epoch encoded in the id.
    pub fn timestamp_ms(&self) -> u64 {
        self.0.timestamp_ms()
    }
}

impl Default for StoryId {
    fn default() -> Self {
        Self::new()
    }
}

crate::ids::ulid_text!(StoryId);

/// How urgently a story must reach readers.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// A first short alert: a headline, often before any text exists.
    Flash,
    /// Breaking news that readers must see now.
    Urgent,
    /// Everything else.
    #[default]
    Normal,
}

impl Priority {
    /// Every priority, highest first.
    pub const ALL: [Priority; 3] = [Priority::Flash, Priority::Urgent, Priority::Normal];

    /// The priority's name in the API and in queries (`priority:flash`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Priority::Flash => "flash",
            Priority::Urgent => "urgent",
            Priority::Normal => "normal",
        }
    }

    /// IPTC urgency (1 highest … 9 lowest) for this priority.
    pub fn iptc_urgency(&self) -> u8 {
        match self {
            Priority::Flash => 1,
            Priority::Urgent => 2,
            Priority::Normal => 5,
        }
    }

    /// The priority an IPTC urgency maps to: 1 flash, 2–3 urgent, else normal.
    pub fn from_iptc_urgency(urgency: f64) -> Priority {
        if urgency <= 1.0 {
            Priority::Flash
        } else if urgency <= 3.0 {
            Priority::Urgent
        } else {
            Priority::Normal
        }
    }

    /// True for flash and urgent stories, the ones FIRST shows.
    pub fn is_breaking(&self) -> bool {
        !matches!(self, Priority::Normal)
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Priority {
    type Err = StoryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "flash" => Ok(Priority::Flash),
            "urgent" => Ok(Priority::Urgent),
            "normal" | "routine" => Ok(Priority::Normal),
            _ => Err(StoryError::field(
                "priority",
                format!("`{}` is not one of flash, urgent, normal", truncate(s, 40)),
            )),
        }
    }
}

/// One block of a story's body, in reading order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "text", rename_all = "lowercase")]
pub enum Block {
    /// A paragraph of running text (the first one is the lede).
    Paragraph(String),
    /// A short subhead splitting the body into sections.
    Subhead(String),
}

impl Block {
    /// The block's text, paragraph or subhead.
    pub fn text(&self) -> &str {
        match self {
            Block::Paragraph(t) | Block::Subhead(t) => t,
        }
    }
}

/// What a publisher says about a story: everything but its identity.
///
/// A `StoryContent` can only be made through [`StoryDraft::validate`]
/// (or by a format parser that calls it), so one that exists is known to
/// keep every rule in [`limits`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryContent {
    /// One line, the story's title.
    pub headline: String,
    /// Short summary points shown under the headline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bullets: Vec<String>,
    /// The caption of the story's photo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Who the photo is by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
    /// Paragraphs and subheads, in order; the first paragraph is the lede.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub body: Vec<Block>,
    /// Who wrote the story.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byline: Option<String>,
    /// Where it was filed from ("GENEVA"), as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dateline: Option<String>,
    /// The publisher or feed it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Where the story can be read at its source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// BCP 47 language tag, lower-cased primary subtag (e.g. `en`, `pt-br`).
    pub language: String,
    /// FLASH, URGENT or normal.
    #[serde(default)]
    pub priority: Priority,
    /// When the publisher published it.
    #[serde(with = "time::serde::rfc3339")]
    pub published: OffsetDateTime,
    /// When the publisher last changed it, if it says.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated: Option<OffsetDateTime>,
    /// Keywords the publisher attached.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
}

impl StoryContent {
    /// See [`Story::tagging_text`].
    pub fn tagging_text(&self) -> String {
        let mut out = self.headline.clone();
        let blocks = self
            .bullets
            .iter()
            .map(String::as_str)
            .chain(self.body.iter().map(Block::text));
        for b in blocks {
            out.push_str("\n\n");
            out.push_str(b);
        }
        out
    }
}

/// Fields as a parser found them, before the rules are checked.
///
/// Every input form (Markdown, ninjs, JSON lines, feeds) fills one of
/// these and calls [`StoryDraft::validate`], so the rules live in one place.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoryDraft {
    /// See [`StoryContent::headline`].
    pub headline: Option<String>,
    /// See [`StoryContent::bullets`].
    pub bullets: Vec<String>,
    /// See [`StoryContent::caption`].
    pub caption: Option<String>,
    /// See [`StoryContent::credit`].
    pub credit: Option<String>,
    /// See [`StoryContent::body`].
    pub body: Vec<Block>,
    /// See [`StoryContent::byline`].
    pub byline: Option<String>,
    /// See [`StoryContent::dateline`].
    pub dateline: Option<String>,
    /// See [`StoryContent::source`].
    pub source: Option<String>,
    /// See [`StoryContent::url`].
    pub url: Option<String>,
    /// As written; normalized during validation (`en` when absent).
    pub language: Option<String>,
    /// See [`StoryContent::priority`].
    pub priority: Option<Priority>,
    /// As written; parsed by [`parse_time`] during validation.
    pub published: Option<String>,
    /// As written; parsed like `published`.
    pub updated: Option<String>,
    /// See [`StoryContent::keywords`].
    pub keywords: Vec<String>,
}

impl StoryDraft {
    /// Checks every rule and returns the content, or every problem found.
    ///
    /// `now` fills `published` when the draft has none.
    pub fn validate(self, now: OffsetDateTime) -> Result<StoryContent, StoryError> {
        let mut errors = Vec::new();
        let headline = match self
            .headline
            .map(|h| checked_line("headline", &h, limits::HEADLINE_CHARS, &mut errors))
        {
            Some(h) if !h.is_empty() => h,
            _ => {
                errors.push(FieldError::new(
                    "headline",
                    "is required and must not be empty",
                ));
                String::new()
            }
        };
        let bullets: Vec<String> = self
            .bullets
            .iter()
            .map(|b| checked_line("bullets", b, limits::LINE_CHARS, &mut errors))
            .filter(|b| !b.is_empty())
            .collect();
        if bullets.len() > limits::BULLETS {
            errors.push(FieldError::new(
                "bullets",
                format!(
                    "has {} highlights; at most {} are allowed",
                    bullets.len(),
                    limits::BULLETS
                ),
            ));
        }
        let caption = optional_line("caption", self.caption, limits::LINE_CHARS, &mut errors);
        let credit = optional_line("credit", self.credit, limits::LINE_CHARS, &mut errors);
        let byline = optional_line("byline", self.byline, limits::LINE_CHARS, &mut errors);
        let dateline = optional_line("dateline", self.dateline, limits::LINE_CHARS, &mut errors);
        let source = optional_line("source", self.source, limits::LINE_CHARS, &mut errors);
        let url = optional_line("url", self.url, limits::URL_CHARS, &mut errors).and_then(|u| {
            match normalize_url(&u) {
                Ok(u) => Some(u),
                Err(why) => {
                    errors.push(FieldError::new(
                        "url",
                        format!(
                            "`{}` is not an absolute http(s) URL: {why}",
                            truncate(&u, 80)
                        ),
                    ));
                    None
                }
            }
        });
        let body: Vec<Block> = self
            .body
            .into_iter()
            // Runs of white space read as one space, as in HTML, so every
            // form (ninjs HTML bodies included) gives the same text back.
            .filter_map(|b| match b {
                Block::Paragraph(t) => {
                    let t = collapse_html_space(&control::clean_block(&t));
                    (!t.is_empty()).then_some(Block::Paragraph(t))
                }
                Block::Subhead(t) => {
                    let t = checked_line(
                        "body",
                        &collapse_html_space(&t),
                        limits::LINE_CHARS,
                        &mut errors,
                    );
                    (!t.is_empty()).then_some(Block::Subhead(t))
                }
            })
            .collect();
        let body_bytes: usize = body.iter().map(|b| b.text().len()).sum();
        if body_bytes > limits::BODY_BYTES {
            errors.push(FieldError::new(
                "body",
                format!(
                    "is {body_bytes} bytes; the limit is {} bytes",
                    limits::BODY_BYTES
                ),
            ));
        }
        if body.len() > limits::BODY_BLOCKS {
            errors.push(FieldError::new(
                "body",
                format!(
                    "has {} paragraphs and subheads; the limit is {}",
                    body.len(),
                    limits::BODY_BLOCKS
                ),
            ));
        }
        let language = match self.language.map(|l| l.trim().to_ascii_lowercase()) {
            None => "en".to_string(),
            Some(l) if is_language_tag(&l) => l,
            Some(l) => {
                errors.push(FieldError::new(
                    "language",
                    format!(
                        "`{}` is not a language tag such as en or pt-br",
                        truncate(&l, 40)
                    ),
                ));
                l
            }
        };
        let published = match self.published.as_deref().map(str::trim) {
            None | Some("") => now,
            Some(p) => parse_time(p).unwrap_or_else(|e| {
                errors.push(FieldError::new("published", e.to_string()));
                now
            }),
        };
        let updated = match self.updated.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(p) => match parse_time(p) {
                Ok(t) => Some(t),
                Err(e) => {
                    errors.push(FieldError::new("updated", e.to_string()));
                    None
                }
            },
        };
        let keywords: Vec<String> = self
            .keywords
            .iter()
            .map(|k| checked_line("keywords", k, limits::LINE_CHARS, &mut errors))
            .filter(|k| !k.is_empty())
            .collect();
        if keywords.len() > limits::KEYWORDS {
            errors.push(FieldError::new(
                "keywords",
                format!(
                    "has {}; at most {} are allowed",
                    keywords.len(),
                    limits::KEYWORDS
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(StoryError::Invalid(errors));
        }
        Ok(StoryContent {
            headline,
            bullets,
            caption,
            credit,
            body,
            byline,
            dateline,
            source,
            url,
            language,
            priority: self.priority.unwrap_or_default(),
            published,
            updated,
            keywords,
        })
    }
}

impl From<StoryContent> for StoryDraft {
    fn from(c: StoryContent) -> Self {
        StoryDraft {
            headline: Some(c.headline),
            bullets: c.bullets,
            caption: c.caption,
            credit: c.credit,
            body: c.body,
            byline: c.byline,
            dateline: c.dateline,
            source: c.source,
            url: c.url,
            language: Some(c.language),
            priority: Some(c.priority),
            published: Some(format_time(c.published)),
            updated: c.updated.map(format_time),
            keywords: c.keywords,
        }
    }
}

/// What a revision is to its story and where the story stands: the
/// revision's kind and note, the story's event and the story it copies.
/// A stored [`Story`] and the API's headline row both carry it, flattened
/// into their JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionMark {
    /// An update (the first publication too), a correction or a
    /// withdrawal.
    #[serde(default, skip_serializing_if = "RevisionKind::is_update")]
    pub kind: RevisionKind,
    /// The correction's note or the withdrawal's reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The event the story reports, once newsterm has grouped it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<EventId>,
    /// The story whose text this one nearly repeats (another feed
    /// carrying the same copy): readers see it folded into that one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<StoryId>,
}

impl RevisionMark {
    /// True when the revision withdrew the story.
    pub fn is_withdrawn(&self) -> bool {
        self.kind == RevisionKind::Withdrawal
    }
}

/// One stored revision of a story: identity, content and enrichment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Story {
    /// The story's id, the same for every revision.
    pub id: StoryId,
    /// 1 for the first publication, then +1 for each update.
    pub revision: u32,
    /// Position of this revision on the wire (gap-free, global).
    pub seq: u64,
    /// What the publisher sent with this revision.
    #[serde(flatten)]
    pub content: StoryContent,
    /// What tagging found in it (empty until tagged).
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
    /// When newsterm accepted this revision.
    #[serde(with = "time::serde::rfc3339")]
    pub received: OffsetDateTime,
    /// What this revision is to its story and where the story stands.
    #[serde(flatten)]
    pub mark: RevisionMark,
}

impl Story {
    /// A first revision of `content`, received at `received`: a new id,
    /// revision 1, wire sequence 0 (not stored yet), no tags, an update
    /// with no note, event or duplicate. Set anything else with struct
    /// update syntax: `Story { seq, tags, ..Story::new(content, at) }`.
    pub fn new(content: StoryContent, received: OffsetDateTime) -> Story {
        Story {
            id: StoryId::new(),
            revision: 1,
            seq: 0,
            content,
            tags: Tags::default(),
            received,
            mark: RevisionMark::default(),
        }
    }

    /// The text tagging reads and every tag span points into: the
    /// headline, then each bullet, paragraph and subhead, separated by
    /// blank lines.
    pub fn tagging_text(&self) -> String {
        self.content.tagging_text()
    }

    /// True when this revision withdrew the story.
    pub fn is_withdrawn(&self) -> bool {
        self.mark.is_withdrawn()
    }

    /// What a reader is told above the body of a correction or a
    /// withdrawal (see [`crate::lifecycle::notice`]).
    pub fn notice(&self) -> Option<String> {
        crate::lifecycle::notice(self.mark.kind, self.mark.note.as_deref())
    }

    /// Paragraphs and subheads as plain text, one block per line.
    pub fn body_text(&self) -> String {
        let mut out = String::new();
        for b in &self.content.body {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(b.text());
        }
        out
    }
}

/// What a headline row shows of one stored revision: its identity, its
/// headline line and its top topic, without its body or its other tags.
///
/// Lists (TOP, the latest headlines, a story's revisions) read this much
/// of each story they show; [`StoryHead::of`] takes it from a whole story,
/// and a store reads it from the JSON of a [`StoryContent`] and of its
/// [`Tags`] through [`ContentHead`] and [`TagTopics`] without building the
/// rest.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryHead {
    /// The story's id.
    pub id: StoryId,
    /// The revision's number.
    pub revision: u32,
    /// The revision's place on the wire.
    pub seq: u64,
    /// Its headline.
    pub headline: String,
    /// When the publisher published it.
    pub published: OffsetDateTime,
    /// FLASH, URGENT or normal.
    pub priority: Priority,
    /// The publisher or feed it came from.
    pub source: Option<String>,
    /// Its language tag.
    pub language: String,
    /// Its best mnemonic topic code ([`Tags::top_topic`]).
    pub top_topic: Option<String>,
    /// When newsterm accepted this revision.
    pub received: OffsetDateTime,
    /// What the revision is and where the story stands.
    pub mark: RevisionMark,
}

impl StoryHead {
    /// The head of a whole story.
    pub fn of(story: &Story) -> StoryHead {
        let c = &story.content;
        StoryHead {
            id: story.id,
            revision: story.revision,
            seq: story.seq,
            headline: c.headline.clone(),
            published: c.published,
            priority: c.priority,
            source: c.source.clone(),
            language: c.language.clone(),
            top_topic: story.tags.top_topic().map(str::to_string),
            received: story.received,
            mark: story.mark.clone(),
        }
    }

    /// The head of a stored revision whose content and tags were read
    /// from their JSON as [`ContentHead`] and [`TagTopics`].
    pub fn from_parts(
        id: StoryId,
        revision: u32,
        seq: u64,
        content: ContentHead,
        tags: TagTopics,
        received: OffsetDateTime,
        mark: RevisionMark,
    ) -> StoryHead {
        StoryHead {
            id,
            revision,
            seq,
            headline: content.headline,
            published: content.published,
            priority: content.priority,
            source: content.source,
            language: content.language,
            top_topic: tags.top_topic().map(str::to_string),
            received,
            mark,
        }
    }

    /// True when this revision withdrew the story.
    pub fn is_withdrawn(&self) -> bool {
        self.mark.is_withdrawn()
    }
}

/// The fields of a [`StoryContent`]'s JSON that a [`StoryHead`] shows;
/// deserializing it skips the body, bullets and the rest unbuilt. Its
/// fields are read under the names and forms `StoryContent` writes them.
#[derive(Debug, Deserialize)]
pub struct ContentHead {
    headline: String,
    #[serde(default)]
    source: Option<String>,
    language: String,
    #[serde(default)]
    priority: Priority,
    #[serde(with = "time::serde::rfc3339")]
    published: OffsetDateTime,
}

/// The topics of a [`Tags`]' JSON, its entities, quotes and the rest
/// skipped unbuilt: all a [`StoryHead`] needs of the tags.
#[derive(Debug, Default, Deserialize)]
pub struct TagTopics {
    #[serde(default)]
    topics: Vec<Topic>,
}

impl TagTopics {
    fn top_topic(&self) -> Option<&str> {
        crate::tags::top_topic(&self.topics)
    }
}

/// Tags holding these topics and nothing else.
impl From<TagTopics> for Tags {
    fn from(topics: TagTopics) -> Tags {
        Tags {
            topics: topics.topics,
            ..Tags::default()
        }
    }
}

/// The entities of a [`Tags`]' JSON, its quotes, figures, topics and
/// highlights skipped unbuilt: what the map reads of a story's tags.
#[derive(Debug, Default, Deserialize)]
pub struct TagEntities {
    #[serde(default)]
    entities: Vec<crate::tags::Entity>,
}

/// Tags holding these entities and nothing else.
impl From<TagEntities> for Tags {
    fn from(entities: TagEntities) -> Tags {
        Tags {
            entities: entities.entities,
            ..Tags::default()
        }
    }
}

/// A time written in none of the forms [`parse_time`] reads; carries the
/// text (cut short).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a time: use RFC 3339 such as 2024-05-01T12:00:00Z, or a date such as 2024-05-01"
)]
pub struct TimeError(String);

/// Parses RFC 3339 (`2024-05-01T12:00:00Z`, with or without seconds or
/// offset) or a bare date (`2024-05-01`, taken as midnight UTC).
pub fn parse_time(s: &str) -> Result<OffsetDateTime, TimeError> {
    use time::format_description::well_known::Rfc3339;
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(t);
    }
    let date_fmt = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(d) = time::Date::parse(s, &date_fmt) {
        return Ok(d.midnight().assume_utc());
    }
    let no_secs =
        time::macros::format_description!("[year]-[month]-[day][first [T][ ]][hour]:[minute]");
    if let Ok(t) = time::PrimitiveDateTime::parse(s, &no_secs) {
        return Ok(t.assume_utc());
    }
    let no_zone = time::macros::format_description!(
        "[year]-[month]-[day][first [T][ ]][hour]:[minute]:[second]"
    );
    if let Ok(t) = time::PrimitiveDateTime::parse(s, &no_zone) {
        return Ok(t.assume_utc());
    }
    Err(TimeError(truncate(s, 60)))
}

/// Formats a time as RFC 3339 in UTC, the form every output uses.
pub fn format_time(t: OffsetDateTime) -> String {
    use time::format_description::well_known::Rfc3339;
    t.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

fn is_language_tag(l: &str) -> bool {
    let mut parts = l.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn optional_line(
    field: &'static str,
    value: Option<String>,
    max_chars: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    Some(checked_line(field, &value?, max_chars, errors)).filter(|v| !v.is_empty())
}

/// `url` parsed as an absolute http(s) URL and written in its normal form
/// (lower-case scheme and host, markup characters percent-encoded), so
/// that no feed or page that links to it can be broken out of.
fn normalize_url(url: &str) -> Result<String, &'static str> {
    let parsed = url::Url::parse(url).map_err(|e| match e {
        url::ParseError::RelativeUrlWithoutBase => "it is relative",
        url::ParseError::EmptyHost => "it has no host",
        url::ParseError::InvalidPort => "its port is invalid",
        _ => "it does not parse",
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("only http and https are allowed");
    }
    if parsed.host().is_none() {
        return Err("it has no host");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("it must not carry a user name or password");
    }
    Ok(parsed.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
    }

    #[test]
    fn runs_of_white_space_in_the_body_read_as_one_space() {
        let content = StoryDraft {
            headline: Some("Body spacing".into()),
            body: vec![
                Block::Paragraph("  Two  spaces,\ttab\r\nand\u{A0}no-break ".into()),
                Block::Subhead("Sub \t head".into()),
                Block::Paragraph(" \t ".into()),
            ],
            ..StoryDraft::default()
        }
        .validate(OffsetDateTime::UNIX_EPOCH)
        .unwrap();
        assert_eq!(
            content.body,
            [
                Block::Paragraph("Two spaces, tab and\u{A0}no-break".into()),
                Block::Subhead("Sub head".into()),
            ]
        );
    }

    #[test]
    fn missing_headline_is_named() {
        let err = StoryDraft::default().validate(now()).unwrap_err();
        assert!(err.to_string().contains("headline"), "{err}");
    }

    #[test]
    fn multi_line_headline_is_rejected() {
        let d = StoryDraft {
            headline: Some("one\ntwo".into()),
            ..Default::default()
        };
        let err = d.validate(now()).unwrap_err();
        assert!(err.to_string().contains("single line"), "{err}");
    }

    #[test]
    fn control_characters_and_bidi_overrides_are_dropped_on_ingest() {
        let c = StoryDraft {
            headline: Some("\u{1b}]0;owned\u{7}Quake\u{1b}[2J hits \u{202e}coast".into()),
            source: Some("Wire\u{9b}31m".into()),
            byline: Some("\u{2066}Ana\u{2069}".into()),
            dateline: Some("LIMA\u{0}".into()),
            caption: Some("a\tb".into()),
            credit: Some("\u{85}x".into()),
            bullets: vec!["\u{1b}[1mbold".into()],
            keywords: vec!["k\u{7f}".into()],
            body: vec![
                Block::Paragraph("line one\r\nline\u{1b}[2J two\u{202d}".into()),
                Block::Subhead("\u{1b}Sub".into()),
            ],
            ..Default::default()
        }
        .validate(now())
        .unwrap();
        assert_eq!(c.headline, "]0;ownedQuake[2J hits coast");
        assert_eq!(c.source.as_deref(), Some("Wire31m"));
        assert_eq!(c.byline.as_deref(), Some("Ana"));
        assert_eq!(c.dateline.as_deref(), Some("LIMA"));
        assert_eq!(c.caption.as_deref(), Some("a b"));
        assert_eq!(c.credit.as_deref(), Some("x"));
        assert_eq!(c.bullets, ["[1mbold"]);
        assert_eq!(c.keywords, ["k"]);
        assert_eq!(
            c.body,
            [
                Block::Paragraph("line one line[2J two".into()),
                Block::Subhead("Sub".into())
            ]
        );
    }

    #[test]
    fn a_headline_of_control_characters_only_is_empty() {
        let err = StoryDraft {
            headline: Some("\u{1b}\u{7}".into()),
            ..Default::default()
        }
        .validate(now())
        .unwrap_err();
        assert!(err.to_string().contains("headline"), "{err}");
    }

    #[test]
    fn urls_must_be_absolute_http_and_are_stored_normalized() {
        let url = |u: &str| {
            StoryDraft {
                headline: Some("h".into()),
                url: Some(u.into()),
                ..Default::default()
            }
            .validate(now())
            .map(|c| c.url.unwrap_or_default())
            .map_err(|e| e.to_string())
        };
        assert_eq!(
            url("HTTPS://Example.ORG/a b?q=\"><script>").unwrap(),
            "https://example.org/a%20b?q=%22%3E%3Cscript%3E"
        );
        assert_eq!(url("http://example.org").unwrap(), "http://example.org/");
        for bad in [
            "javascript:alert(1)",
            "/relative/path",
            "example.org/x",
            "ftp://example.org/",
            "http://",
            "https://user:pw@example.org/",
            "data:text/html,<script>",
        ] {
            let e = url(bad).unwrap_err();
            assert!(
                e.contains("url") && e.contains("absolute http(s) URL"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn five_bullets_are_too_many() {
        let d = StoryDraft {
            headline: Some("h".into()),
            bullets: vec!["a".into(); 5],
            ..Default::default()
        };
        assert!(
            d.validate(now())
                .unwrap_err()
                .to_string()
                .contains("bullets")
        );
    }

    #[test]
    fn bad_time_names_field_and_value() {
        let d = StoryDraft {
            headline: Some("h".into()),
            published: Some("yesterday".into()),
            ..Default::default()
        };
        let msg = d.validate(now()).unwrap_err().to_string();
        assert!(
            msg.contains("published") && msg.contains("yesterday"),
            "{msg}"
        );
    }

    #[test]
    fn defaults_fill_language_priority_and_time() {
        let c = StoryDraft {
            headline: Some("  Quake hits coast ".into()),
            ..Default::default()
        }
        .validate(now())
        .unwrap();
        assert_eq!(c.headline, "Quake hits coast");
        assert_eq!(c.language, "en");
        assert_eq!(c.priority, Priority::Normal);
        assert_eq!(c.published, now());
    }

    #[test]
    fn times_parse_in_several_forms() {
        assert_eq!(
            parse_time("2024-05-01").unwrap(),
            parse_time("2024-05-01T00:00:00Z").unwrap()
        );
        assert_eq!(
            parse_time("2024-05-01 12:30").unwrap(),
            parse_time("2024-05-01T12:30:00+00:00").unwrap()
        );
        assert!(parse_time("2024-13-01").is_err());
    }

    #[test]
    fn story_id_round_trips_and_rejects_garbage() {
        let id = StoryId::new();
        assert_eq!(id.to_string().parse::<StoryId>().unwrap(), id);
        assert!("not-an-id".parse::<StoryId>().is_err());
        assert_eq!(StoryId::from(u128::from(id)), id);
        // As a number an id sorts as its text does: by time first.
        let earlier: StoryId = "01HZ0000000000000000000000".parse().unwrap();
        let later: StoryId = "01HZ0000010000000000000000".parse().unwrap();
        assert!(u128::from(earlier) < u128::from(later));
        assert_eq!(
            StoryId::from(u128::from(later)).to_string(),
            later.to_string()
        );
    }

    #[test]
    fn urgency_maps_both_ways() {
        for p in Priority::ALL {
            assert_eq!(Priority::from_iptc_urgency(p.iptc_urgency() as f64), p);
        }
    }
    #[test]
    fn a_head_read_from_the_stored_json_is_the_head_of_the_whole_story() {
        use crate::fixtures::{full_content, minimal};
        let topic = |code: &str, score: f32| Topic {
            code: code.into(),
            label: code.into(),
            score,
        };
        let tagged = Tags {
            tagged: true,
            topics: vec![
                topic("medtop:04000000", 0.9),
                topic("ECONOMY", 0.4),
                topic("QUAKE", 0.7),
            ],
            ..Tags::default()
        };
        let stories = [
            Story {
                seq: 7,
                revision: 3,
                tags: tagged,
                mark: RevisionMark {
                    kind: RevisionKind::Withdrawal,
                    note: Some("wrong town".into()),
                    event: Some(EventId::new_at(now())),
                    duplicate_of: Some(StoryId::new()),
                },
                ..Story::new(full_content(), now())
            },
            Story::new(minimal(), now()),
        ];
        for story in stories {
            let content: ContentHead =
                serde_json::from_str(&serde_json::to_string(&story.content).unwrap()).unwrap();
            let tags: TagTopics =
                serde_json::from_str(&serde_json::to_string(&story.tags).unwrap()).unwrap();
            let head = StoryHead::from_parts(
                story.id,
                story.revision,
                story.seq,
                content,
                tags,
                story.received,
                story.mark.clone(),
            );
            assert_eq!(head, StoryHead::of(&story));
        }
        let quake = StoryHead::of(&Story {
            tags: Tags {
                topics: vec![topic("medtop:04000000", 0.9), topic("QUAKE", 0.7)],
                ..Tags::default()
            },
            ..Story::new(full_content(), now())
        });
        assert_eq!(
            (quake.top_topic.as_deref(), quake.source.as_deref()),
            (Some("QUAKE"), Some("null"))
        );
    }
}
