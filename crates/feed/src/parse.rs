//! Feed bytes into stories: RSS 0.9x / 1.0 (RDF) / 2.0, Atom 1.0 and
//! JSON Feed 1.x through feed-rs, and ninjs documents or arrays of them
//! through [`newsterm_story::ninjs`].
//!
//! Every document first passes [`crate::guard`] (size cap, encoding, no
//! entity declarations). Then each item is mapped on its own, so one
//! broken item never sinks the rest:
//!
//! | story | feed item |
//! |---|---|
//! | headline | title as text (markup stripped, references decoded, white space collapsed), cut to the headline limit with `…`; without a title, the first sentence of the summary (else of the content) |
//! | bullets | the summary, when it is short: one paragraph of at most 2 sentences and 300 characters, and not the headline again |
//! | body | content HTML as paragraphs and subheads (see [`crate::html`]); a longer summary becomes the first paragraph, unless the content already starts with it; without content, the summary is the body |
//! | url | the item's alternate (else first) link, resolved against the feed's URL; http and https only |
//! | byline | the item's authors (else the feed's), by name or e-mail |
//! | source | the caller's source name, else the feed's title |
//! | published / updated | published (else updated) / updated when it differs; a time more than a day in the future is set to now, with a note |
//! | keywords | categories (label, else term), first 64 |
//! | language | the item's, else the feed's, when it is a language tag |
//! | priority | the caller's (a source's priority) |
//!
//! Text that should be plain (RSS and JSON Feed titles, say) but carries
//! tags or character references is read as HTML, which is what such feeds
//! mean by it. Atom types its text: `type="text"` is taken at its word
//! (`<b>` stays two characters and a letter), but character references
//! in it are still decoded, since a double-escaped `&amp;nbsp;` is never
//! meant literally.
//!
//! Each item gets a **dedupe key** — `id:<guid or id>`, else
//! `link:<link>`, else `hash:<content hash>` (values over 512 bytes are
//! replaced by their digest, `id#…` / `link#…`) — and a **content hash**
//! over what it says (not over the source's name or priority, nor over a
//! clamped time), so a poller can tell an item it has seen from one whose
//! content changed.

use feed_rs::model::{Entry, Feed, FeedType, Person, Text};
use newsterm_story::{Block, Priority, StoryContent, StoryDraft, StoryError, format_time, limits};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use crate::digest::digest;
use crate::error::FeedError;
use crate::guard::{self, Syntax};
use crate::html;
use newsterm_story::text::{collapse, sentences, truncate};

/// The default cap on a feed document: 10 MiB.
pub const DEFAULT_MAX_BYTES: usize = 10 * 1024 * 1024;

/// Longest summary that still becomes a bullet, in characters.
const BULLET_MAX_CHARS: usize = 300;
/// Most sentences a summary may have to become a bullet.
const BULLET_MAX_SENTENCES: usize = 2;
/// How far in the future a feed's time may be before it is not believed.
const FUTURE_SLACK: Duration = Duration::days(1);
/// Keys and ids longer than this are stored as their digest.
const KEY_MAX_BYTES: usize = 512;

/// What the caller knows about a feed that the feed does not say.
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// The source's name; overrides the feed's title as each story's source.
    pub source_name: Option<String>,
    /// Where the feed came from, to resolve relative links.
    pub base_url: Option<String>,
    /// Priority given to every feed item (ninjs items keep their own).
    pub priority: Priority,
    /// Documents larger than this are refused.
    pub max_bytes: usize,
    /// "Now": fills missing times and bounds future ones.
    pub now: OffsetDateTime,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            source_name: None,
            base_url: None,
            priority: Priority::Normal,
            max_bytes: DEFAULT_MAX_BYTES,
            now: OffsetDateTime::now_utc(),
        }
    }
}

/// The format a document was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedFormat {
    /// RSS 0.91 / 0.92.
    Rss0,
    /// RSS 1.0 (RDF).
    Rss1,
    /// RSS 2.0.
    Rss2,
    /// Atom 1.0.
    Atom,
    /// JSON Feed 1.0 or 1.1.
    JsonFeed,
    /// A ninjs document or an array of them.
    Ninjs,
}

impl FeedFormat {
    /// The format's usual name ("RSS 2.0", "Atom").
    pub fn as_str(self) -> &'static str {
        match self {
            FeedFormat::Rss0 => "RSS 0.9x",
            FeedFormat::Rss1 => "RSS 1.0",
            FeedFormat::Rss2 => "RSS 2.0",
            FeedFormat::Atom => "Atom",
            FeedFormat::JsonFeed => "JSON Feed",
            FeedFormat::Ninjs => "ninjs",
        }
    }
}

/// A feed document, read.
#[derive(Debug, Clone)]
pub struct ParsedFeed {
    /// Which format the document is in.
    pub format: FeedFormat,
    /// The feed's own title, as plain text.
    pub title: Option<String>,
    /// Its items, in document order.
    pub items: Vec<FeedItem>,
}

/// Why one item of a feed makes no story.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ItemError {
    /// Nothing in the item could be its headline.
    #[error("item has no title, summary or content to take a headline from")]
    NoHeadline,
    /// The item's story breaks a rule of the story model.
    #[error(transparent)]
    Invalid(#[from] StoryError),
    /// A document of a ninjs feed does not read as ninjs.
    #[error("ninjs document {number}: {error}")]
    Ninjs {
        /// 1-based place of the document in the feed.
        number: usize,
        /// Why it does not read.
        error: StoryError,
    },
}

/// One item of a feed: how to recognise it, and the story it makes — or
/// why it makes none.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedItem {
    /// Stable across polls: see the module documentation.
    pub key: String,
    /// Changes exactly when what the item says changes.
    pub hash: String,
    /// The story, or why this item cannot be one (the rest still can).
    pub content: Result<StoryContent, ItemError>,
    /// Things changed on the way in, such as a future time set to now.
    pub notes: Vec<String>,
}

/// Reads a feed document: RSS, Atom, JSON Feed or ninjs, told apart by
/// content.
pub fn parse(bytes: &[u8], options: &ParseOptions) -> Result<ParsedFeed, FeedError> {
    let checked = guard::check(bytes, options.max_bytes)?;
    match checked.syntax {
        Syntax::Xml => parse_syndication(&checked.text, options),
        Syntax::Json => parse_json(&checked.text, options),
    }
}

fn parse_json(text: &str, options: &ParseOptions) -> Result<ParsedFeed, FeedError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| FeedError::Malformed(format!("invalid JSON: {e}")))?;
    let is_json_feed = value
        .get("version")
        .and_then(Value::as_str)
        .is_some_and(|v| v.contains("jsonfeed.org/version/"));
    match value {
        _ if is_json_feed => parse_syndication(text, options),
        Value::Array(docs) => Ok(ninjs_feed(&docs, options)),
        Value::Object(ref map) if map.contains_key("uri") || map.contains_key("headlines") => {
            Ok(ninjs_feed(std::slice::from_ref(&value), options))
        }
        _ => Err(FeedError::NotAFeed(
            "JSON that is neither a JSON Feed (`version` https://jsonfeed.org/version/…) nor ninjs (`uri`, `headlines`)".into(),
        )),
    }
}

fn ninjs_feed(docs: &[Value], options: &ParseOptions) -> ParsedFeed {
    let items = docs
        .iter()
        .enumerate()
        .map(|(i, doc)| ninjs_item(i, doc, options))
        .collect();
    ParsedFeed {
        format: FeedFormat::Ninjs,
        title: None,
        items,
    }
}

fn ninjs_item(index: usize, doc: &Value, options: &ParseOptions) -> FeedItem {
    let text = doc.to_string();
    let hash = digest([text.as_bytes()]);
    let key = match doc.get("uri").and_then(Value::as_str) {
        Some(uri) if !uri.trim().is_empty() => bounded_key("id", uri.trim()),
        _ => format!("hash:{hash}"),
    };
    let mut notes = Vec::new();
    let content = newsterm_story::ninjs::parse(&text, options.now)
        .map_err(|error| ItemError::Ninjs {
            number: index + 1,
            error,
        })
        .and_then(|parsed| {
            let mut draft = StoryDraft::from(parsed.content);
            if draft.source.is_none() {
                draft.source = options.source_name.clone();
            }
            clamp_future(&mut draft, options.now, &mut notes);
            Ok(draft.validate(options.now)?)
        });
    FeedItem {
        key,
        hash,
        content,
        notes,
    }
}

/// An XML declaration anywhere but at the start of the document (two feeds
/// run together, say) is malformed XML; quick-xml, under feed-rs, panics on
/// a second declaration naming an encoding, so it is refused before them.
fn refuse_inner_declaration(text: &str) -> Result<(), FeedError> {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    let inner = body
        .match_indices("<?xml")
        .filter(|&(at, _)| at > 0)
        .any(|(at, _)| body[at + 5..].starts_with(|c: char| c.is_ascii_whitespace() || c == '?'));
    if inner {
        return Err(FeedError::Malformed(
            "an XML declaration (<?xml …?>) may only open the document".into(),
        ));
    }
    Ok(())
}

/// feed-rs's answer for a document, its panics caught. feed-rs 3.0 panics
/// on some names it should read: it slices an author or contact line ("Name
/// <desk@example.org>") one byte beside the e-mail address it found, which
/// falls inside a character when a non-ASCII one (a no-break space, say)
/// touches the address. One odd byline must neither stop the poller nor
/// lose the feed, so the document is read again with such addresses spaced
/// apart from their neighbours, and only if that panics too is it refused.
fn read_with_feed_rs(
    parser: &feed_rs::parser::Parser,
    text: &str,
) -> Result<Result<Feed, feed_rs::parser::ParseFeedError>, FeedError> {
    let attempt = |t: &str| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse(t.as_bytes())))
    };
    let first = match attempt(text) {
        Ok(answer) => return Ok(answer),
        Err(panic) => panic,
    };
    attempt(&space_out_addresses(text)).map_err(|_| {
        let why = first
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| first.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        FeedError::Malformed(format!(
            "the feed parser (feed-rs) failed on this document: {why}"
        ))
    })
}

/// A copy of `text` with a space put between every e-mail address (with
/// its `mailto:` and brackets) and a non-ASCII character or character
/// reference touching it: the form of contact line feed-rs can slice.
/// JSON's `\u` escapes are left alone (a space would break them).
fn space_out_addresses(text: &str) -> String {
    let in_address = |c: char| c.is_ascii_alphanumeric() || "._%+-@:<>[]()".contains(c);
    let chars: Vec<char> = text.chars().collect();
    let mut gap_before = vec![false; chars.len() + 1];
    for at in (0..chars.len()).filter(|&i| chars[i] == '@') {
        let start = (0..at)
            .rev()
            .take_while(|&i| in_address(chars[i]))
            .last()
            .unwrap_or(at);
        let end = (at + 1..chars.len())
            .take_while(|&i| in_address(chars[i]))
            .last()
            .map_or(at + 1, |i| i + 1);
        // A character reference (`&#8225;`) becomes such a character
        // once the XML is read.
        if start > 0 && (!chars[start - 1].is_ascii() || chars[start - 1] == ';') {
            gap_before[start] = true;
        }
        if end < chars.len() && (!chars[end].is_ascii() || chars[end] == '&') {
            gap_before[end] = true;
        }
    }
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if gap_before[i] {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn parse_syndication(text: &str, options: &ParseOptions) -> Result<ParsedFeed, FeedError> {
    refuse_inner_declaration(text)?;
    let parser = feed_rs::parser::Builder::new()
        // An empty id means "the feed gave none": the key falls back to
        // the link or the content hash, never to a random UUID.
        .id_generator(|_, _, _| String::new())
        .base_uri(options.base_url.as_deref())
        .sanitize_content(false)
        .build();
    let feed = match read_with_feed_rs(&parser, text)? {
        Err(feed_rs::parser::ParseFeedError::ParseError(
            feed_rs::parser::ParseErrorKind::NoFeedRoot,
        )) if has_rss_root(text) => {
            // feed-rs reads `<rss>` only with version 2.0, 0.91 or 0.92;
            // one without a version (or with 0.93, 2.01 …) is RSS 2.0 in
            // all but name.
            let retry = as_rss2(text)
                .and_then(|t| read_with_feed_rs(&parser, &t).ok())
                .and_then(Result::ok);
            retry.ok_or_else(|| FeedError::NotAFeed("its <rss> element has no <channel>".into()))?
        }
        other => other.map_err(from_feed_rs)?,
    };
    let format = match feed.feed_type {
        FeedType::Atom => FeedFormat::Atom,
        FeedType::JSON => FeedFormat::JsonFeed,
        FeedType::RSS0 => FeedFormat::Rss0,
        FeedType::RSS1 => FeedFormat::Rss1,
        FeedType::RSS2 => FeedFormat::Rss2,
    };
    let plain_is_plain = format == FeedFormat::Atom;
    let title = feed
        .title
        .as_ref()
        .map(|t| {
            if plain_is_plain && !is_html_type(&essence(t.content_type.as_str())) {
                html::join(&html::text_blocks(&t.content))
            } else {
                html::join(&blocks_of_plain_or_html(t))
            }
        })
        .filter(|t| !t.is_empty())
        .map(|t| truncate(&t, limits::LINE_CHARS));
    let source = options
        .source_name
        .clone()
        .or_else(|| title.clone())
        .map(|s| truncate(&collapse(&s), limits::LINE_CHARS));
    let context = FeedContext {
        feed: &feed,
        source,
        options,
        plain_is_plain,
    };
    let items = feed.entries.iter().map(|e| context.item(e)).collect();
    Ok(ParsedFeed {
        format,
        title,
        items,
    })
}

fn has_rss_root(text: &str) -> bool {
    guard::root_start(text).is_some_and(|start| {
        text[start..].strip_prefix("<rss").is_some_and(|rest| {
            rest.starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
        })
    })
}

/// The document with its `<rss>` root declared as version 2.0, when it
/// does not already say 2.0.
fn as_rss2(text: &str) -> Option<String> {
    let start = guard::root_start(text)?;
    let tag = &text[start..];
    let end = tag.find('>')?;
    let attributes = &tag[4..end];
    let attributes = match attributes.find("version") {
        Some(v) => {
            let value = &attributes[v..];
            let quote_open = value.find(['"', '\''])?;
            let quote = value[quote_open..].chars().next()?;
            let quote_close = value[quote_open + 1..].find(quote)? + quote_open + 1;
            let version = &value[quote_open + 1..quote_close];
            if version == "2.0" {
                return None;
            }
            format!("{}{}", &attributes[..v], &value[quote_close + 1..])
        }
        None => attributes.to_string(),
    };
    Some(format!(
        "{}<rss version=\"2.0\"{attributes}{}",
        &text[..start],
        &text[start + end..]
    ))
}

fn from_feed_rs(e: feed_rs::parser::ParseFeedError) -> FeedError {
    use feed_rs::parser::{ParseErrorKind, ParseFeedError};
    match e {
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => FeedError::NotAFeed(
            "no RSS (with a version), Atom, RDF or JSON Feed root element".into(),
        ),
        ParseFeedError::JsonUnsupportedVersion(v) => {
            FeedError::NotAFeed(format!("JSON Feed version `{v}` is not supported"))
        }
        ParseFeedError::XmlReader(e) => FeedError::Malformed(format!("XML: {e}")),
        ParseFeedError::JsonSerde(e) => FeedError::Malformed(format!("JSON Feed: {e}")),
        other => FeedError::Malformed(other.to_string()),
    }
}

struct FeedContext<'a> {
    feed: &'a Feed,
    source: Option<String>,
    options: &'a ParseOptions,
    /// Atom declares its text constructs' types, so plain text is taken
    /// at its word; RSS and JSON Feed plain text is sniffed for markup.
    plain_is_plain: bool,
}

impl FeedContext<'_> {
    fn item(&self, entry: &Entry) -> FeedItem {
        let now = self.options.now;
        let title = entry
            .title
            .as_ref()
            .map(|t| html::join(&self.blocks_of(t)))
            .unwrap_or_default();
        let summary = entry
            .summary
            .as_ref()
            .or_else(|| entry.media.iter().find_map(|m| m.description.as_ref()))
            .map(|t| self.blocks_of(t))
            .unwrap_or_default();
        let content = entry.content.as_ref().map_or_else(Vec::new, |c| {
            let kind = essence(c.content_type.as_str());
            match c.body.as_deref() {
                Some(body) if is_html_type(&kind) => html::blocks(body),
                Some(body) if kind.starts_with("text/") => blocks_of_plain(body),
                _ => Vec::new(),
            }
        });
        let link = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or_else(|| entry.links.first())
            .map(|l| l.href.trim().to_string());
        let mut draft = StoryDraft {
            source: self.source.clone(),
            priority: Some(self.options.priority),
            url: link.as_deref().and_then(web_url),
            byline: byline(&entry.authors).or_else(|| byline(&self.feed.authors)),
            language: entry
                .language
                .as_deref()
                .or(self.feed.language.as_deref())
                .and_then(language_tag),
            published: entry
                .published
                .or(entry.updated)
                .map(|t| rfc3339(t.timestamp(), t.timestamp_subsec_nanos())),
            updated: entry
                .updated
                .filter(|u| entry.published.is_some_and(|p| p != *u))
                .map(|t| rfc3339(t.timestamp(), t.timestamp_subsec_nanos())),
            keywords: keywords(entry),
            ..StoryDraft::default()
        };
        let headline = Some(title)
            .filter(|t| !t.is_empty())
            .or_else(|| first_sentence(&summary))
            .or_else(|| first_sentence(&content))
            .map(|h| truncate(&h, limits::HEADLINE_CHARS));
        let (bullets, body) = bullets_and_body(headline.as_deref(), summary, content);
        draft.headline = headline;
        draft.bullets = bullets;
        draft.body = body;

        let hash = content_hash(&draft);
        let key = if !entry.id.trim().is_empty() {
            bounded_key("id", entry.id.trim())
        } else if let Some(link) = link.filter(|l| !l.is_empty()) {
            bounded_key("link", &link)
        } else {
            format!("hash:{hash}")
        };
        let mut notes = Vec::new();
        let content = if draft.headline.is_none() {
            Err(ItemError::NoHeadline)
        } else {
            clamp_future(&mut draft, now, &mut notes);
            draft.validate(now).map_err(ItemError::from)
        };
        FeedItem {
            key,
            hash,
            content,
            notes,
        }
    }
}

/// Splits a summary into bullets or lede, and joins it with the content.
fn bullets_and_body(
    headline: Option<&str>,
    summary: Vec<Block>,
    content: Vec<Block>,
) -> (Vec<String>, Vec<Block>) {
    let summary_text = html::join(&summary);
    if summary_text.is_empty() {
        return (Vec::new(), content);
    }
    let is_short = summary.len() == 1
        && summary_text.chars().count() <= BULLET_MAX_CHARS
        && sentences(&summary_text).len() <= BULLET_MAX_SENTENCES;
    if is_short {
        let repeats_headline =
            headline.is_some_and(|h| summary_text.eq_ignore_ascii_case(h.trim_end_matches('…')));
        let bullets = if repeats_headline {
            Vec::new()
        } else {
            vec![summary_text]
        };
        return (bullets, content);
    }
    if content.is_empty() {
        return (Vec::new(), summary);
    }
    // A teaser the content repeats is dropped; anything else leads.
    let probe: String = summary_text.chars().take(60).collect();
    if html::join(&content).contains(&probe) {
        (Vec::new(), content)
    } else {
        (Vec::new(), summary.into_iter().chain(content).collect())
    }
}

impl FeedContext<'_> {
    /// A text construct as blocks: HTML when it is typed so, or (outside
    /// Atom) when it looks so.
    fn blocks_of(&self, text: &Text) -> Vec<Block> {
        if is_html_type(&essence(text.content_type.as_str())) {
            html::blocks(&text.content)
        } else if self.plain_is_plain {
            html::text_blocks(&text.content)
        } else {
            blocks_of_plain(&text.content)
        }
    }
}

/// Plain text, unless it carries markup after all.
fn blocks_of_plain(text: &str) -> Vec<Block> {
    if html::looks_like_html(text) {
        html::blocks(text)
    } else {
        html::plain_blocks(text)
    }
}

/// A text construct as blocks: HTML when typed so or when it looks so.
fn blocks_of_plain_or_html(text: &Text) -> Vec<Block> {
    if is_html_type(&essence(text.content_type.as_str())) {
        html::blocks(&text.content)
    } else {
        blocks_of_plain(&text.content)
    }
}

fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn is_html_type(essence: &str) -> bool {
    matches!(
        essence,
        "text/html" | "html" | "application/xhtml+xml" | "application/xhtml" | "xhtml"
    )
}

fn first_sentence(blocks: &[Block]) -> Option<String> {
    let text = html::join(blocks);
    sentences(&text).first().map(|s| s.to_string())
}

/// The link as an absolute http(s) URL within the length limit, or none.
fn web_url(href: &str) -> Option<String> {
    let url = url::Url::parse(href).ok()?;
    let s = url.as_str();
    (matches!(url.scheme(), "http" | "https") && s.len() <= limits::URL_CHARS)
        .then(|| s.to_string())
}

fn byline(people: &[Person]) -> Option<String> {
    let names: Vec<String> = people
        .iter()
        .filter_map(|p| p.name.as_deref().or(p.email.as_deref()))
        .map(collapse)
        .filter(|n| !n.is_empty())
        .collect();
    (!names.is_empty()).then(|| truncate(&names.join(", "), limits::LINE_CHARS))
}

/// A BCP 47 tag such as `en` or `pt-br`, from `en-US`, `pt_BR` …; other
/// values (`English`) are dropped rather than failing the item.
fn language_tag(lang: &str) -> Option<String> {
    let tag = lang.trim().replace('_', "-").to_ascii_lowercase();
    let mut parts = tag.split('-');
    let primary = parts.next()?;
    let ok = (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_lowercase())
        && parts
            .all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    ok.then_some(tag)
}

fn keywords(entry: &Entry) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in &entry.categories {
        let k = collapse(c.label.as_deref().unwrap_or(&c.term));
        if k.is_empty()
            || k.chars().count() > limits::LINE_CHARS
            || out.iter().any(|o| o.eq_ignore_ascii_case(&k))
        {
            continue;
        }
        out.push(k);
        if out.len() == limits::KEYWORDS {
            break;
        }
    }
    out
}

/// A feed-rs time (chrono, whose type this crate does not name) as
/// RFC 3339, from its Unix seconds and nanoseconds.
fn rfc3339(seconds: i64, nanos: u32) -> String {
    let total = i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
    OffsetDateTime::from_unix_timestamp_nanos(total)
        .map(format_time)
        .unwrap_or_default()
}

/// Sets times more than a day ahead of `now` to `now`, noting each.
fn clamp_future(draft: &mut StoryDraft, now: OffsetDateTime, notes: &mut Vec<String>) {
    for (field, value) in [
        ("published", &mut draft.published),
        ("updated", &mut draft.updated),
    ] {
        let Some(t) = value
            .as_deref()
            .and_then(|v| newsterm_story::parse_time(v).ok())
        else {
            continue;
        };
        if t > now + FUTURE_SLACK {
            notes.push(format!(
                "{field} time {} is more than a day in the future; set to now",
                format_time(t)
            ));
            *value = Some(format_time(now));
        }
    }
}

/// A digest of what the item says, over the fields in a fixed order.
fn content_hash(draft: &StoryDraft) -> String {
    let body: Vec<Value> = draft
        .body
        .iter()
        .map(|b| match b {
            Block::Paragraph(t) => json!(["p", t]),
            Block::Subhead(t) => json!(["h", t]),
        })
        .collect();
    let canonical = json!([
        draft.headline,
        draft.bullets,
        body,
        draft.byline,
        draft.url,
        draft.language,
        draft.published,
        draft.updated,
        draft.keywords,
        draft.caption,
        draft.credit,
        draft.dateline,
    ]);
    digest([canonical.to_string().as_bytes()])
}

fn bounded_key(kind: &str, value: &str) -> String {
    if value.len() <= KEY_MAX_BYTES {
        format!("{kind}:{value}")
    } else {
        format!("{kind}#{}", digest([value.as_bytes()]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::expect::python_string;
    use crate::test_data::{feed_files as files, feeds};

    fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
    }

    fn options() -> ParseOptions {
        ParseOptions {
            now: now(),
            ..ParseOptions::default()
        }
    }

    fn read(bytes: &[u8]) -> ParsedFeed {
        parse(bytes, &options()).unwrap()
    }

    fn story(item: &FeedItem) -> &StoryContent {
        item.content.as_ref().unwrap()
    }

    /// A `&name;`, `&#123;` or `&#x7B;` left undecoded in text.
    fn has_reference(text: &str) -> bool {
        let b = text.as_bytes();
        (0..b.len()).any(|i| {
            b[i] == b'&' && html::looks_like_html(&text[i..]) && {
                let rest = &text[i + 1..];
                rest.find(';').is_some_and(|end| {
                    end <= 10
                        && rest[..end]
                            .trim_start_matches('#')
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric())
                        && end > 1
                })
            }
        })
    }

    #[test]
    fn feed_rs_fixtures_match_the_expected_results_beside_them() {
        let dir = feeds().join("feed-rs");
        let mut checked = 0;
        for path in files(&dir) {
            let expected_path = path.with_extension("serde.json");
            let Ok(expected) = std::fs::read_to_string(&expected_path) else {
                continue;
            };
            let expected: Value = serde_json::from_str(&expected).unwrap();
            let name = path.display().to_string();
            let feed = parse(&std::fs::read(&path).unwrap(), &options())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let entries = expected["entries"].as_array().unwrap();
            assert_eq!(feed.items.len(), entries.len(), "{name}: item count");
            let plain = |v: &Value| v["content"].as_str().map(collapse);
            if let Some(title) = plain(&expected["title"]).filter(|t| !html::looks_like_html(t)) {
                assert_eq!(feed.title.as_deref(), Some(title.as_str()), "{name}");
            }
            for (item, entry) in feed.items.iter().zip(entries) {
                let content = item
                    .content
                    .as_ref()
                    .unwrap_or_else(|e| panic!("{name}: item {}: {e}", item.key));
                if let Some(title) = plain(&entry["title"]) {
                    if html::looks_like_html(&title) {
                        assert!(
                            !has_reference(&content.headline),
                            "{name}: {}",
                            content.headline
                        );
                        assert!(!content.headline.contains("</"), "{name}");
                    } else {
                        assert_eq!(
                            content.headline,
                            truncate(&title, limits::HEADLINE_CHARS),
                            "{name}"
                        );
                    }
                }
                let id = entry["id"].as_str().unwrap_or("");
                // feed-rs makes up ids the feed lacks; newsterm does not.
                if !id.is_empty() && item.key.starts_with("id:") {
                    assert_eq!(item.key, format!("id:{id}"), "{name}");
                }
                if let Some(source) = plain(&expected["title"]) {
                    assert!(content.source.is_some(), "{name}: source from {source}");
                }
                checked += 1;
            }
        }
        assert!(checked >= 60, "only {checked} items checked");
    }

    #[test]
    fn an_encoded_feed_reads_as_the_expected_text() {
        // Declared ISO-8859-1; feed-rs's expected title has the umlaut.
        let bytes = std::fs::read(feeds().join("feed-rs/rss1/rss_1.0_iso8859.xml")).unwrap();
        let feed = read(&bytes);
        assert_eq!(feed.format, FeedFormat::Rss1);
        assert_eq!(
            story(&feed.items[0]).headline,
            "Digitalministerium: Neue Glasfaserförderung mit Schnellkasse"
        );
    }

    #[test]
    fn a_non_ascii_character_touching_a_contacts_address_loses_no_story() {
        // feed-rs 3.0 panics on such contact lines (see read_with_feed_rs).
        for contact in [
            "Redaktion\u{a0}desk@example.de",
            "desk@example.de\u{2021}",
            "\u{2021}mailto:desk@example.de",
            "&#8225;desk@example.de",
        ] {
            let rss = format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Desk</title>\
                 <managingEditor>{contact}</managingEditor><item><title>Harbour reopens</title>\
                 <link>https://example.de/a</link><author>{contact}</author></item></channel></rss>"
            );
            let feed = read(rss.as_bytes());
            assert_eq!(
                story(&feed.items[0]).headline,
                "Harbour reopens",
                "{contact:?}"
            );
        }
        // Where the address cannot be spaced apart, the feed is refused
        // with a reason, not a crash.
        let json = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "Desk",
            "authors": [{"name": "\u2021desk@example.de"}],
            "items": [{"id": "1", "title": "Harbour reopens", "content_text": "The harbour reopened."}]}"#;
        match parse(json.as_bytes(), &options()) {
            Err(FeedError::Malformed(why)) => assert!(why.contains("feed-rs"), "{why}"),
            other => panic!("expected a malformed feed, got {other:?}"),
        }
    }

    #[test]
    fn malformed_cases_give_a_clear_error_or_no_story() {
        let invalid = feeds().join("feed-rs/rss2/rss_2.0_invalid_1.xml");
        let e = parse(&std::fs::read(invalid).unwrap(), &options()).unwrap_err();
        assert!(matches!(e, FeedError::Malformed(_)), "{e}");
        assert!(e.to_string().contains("not closed"), "{e}");
        for path in files(&feeds().join("feedparser/illformed")) {
            match parse(&std::fs::read(&path).unwrap(), &options()) {
                Err(e) => assert!(e.to_string().len() > 15, "{}: {e}", path.display()),
                // feed-rs is lenient with some (an undeclared namespace
                // prefix, a missing final `>`): what it reads must still
                // not become a story.
                Ok(feed) => {
                    for item in feed.items {
                        assert!(item.content.is_err(), "{}: {:?}", path.display(), item);
                    }
                }
            }
        }
    }

    #[test]
    fn feedparser_wellformed_cases_parse_or_hit_a_named_limit() {
        let mut parsed = 0;
        for path in files(&feeds().join("feedparser/wellformed")) {
            let name = path.display().to_string();
            match parse(&std::fs::read(&path).unwrap(), &options()) {
                Ok(feed) => {
                    parsed += 1;
                    for content in feed.items.iter().filter_map(|i| i.content.as_ref().ok()) {
                        for text in std::iter::once(&content.headline)
                            .chain(&content.bullets)
                            .chain(content.body.iter().map(|b| match b {
                                Block::Paragraph(t) | Block::Subhead(t) => t,
                            }))
                        {
                            assert!(!has_reference(text), "{name}: {text}");
                            assert!(!text.contains("<script"), "{name}: {text}");
                        }
                    }
                }
                // Channel Definition Format and `<rss>` without a channel
                // are not feeds; one case declares an entity in its DOCTYPE;
                // feed-rs reads no base64 text constructs.
                Err(FeedError::NotAFeed(_) | FeedError::EntityDeclarations) => {}
                Err(FeedError::Malformed(m)) if m.contains("unsupported content type") => {}
                Err(e) => panic!("{name}: {e}"),
            }
        }
        assert!(parsed > 1600, "only {parsed} well-formed cases parsed");
    }

    #[test]
    fn feedparser_entity_cases_decode_to_the_expected_characters() {
        let mut compared = 0;
        for path in files(&feeds().join("feedparser/entities")) {
            let text = std::fs::read_to_string(&path).unwrap();
            let Some(expect) = text.lines().find_map(|l| l.strip_prefix("Expect:")) else {
                continue;
            };
            let Some(literal) = expect
                .split_once("feed['title'] == ")
                .map(|(_, l)| l.trim().trim_start_matches('u'))
                .and_then(|l| l.strip_prefix('\'')?.strip_suffix('\''))
            else {
                continue;
            };
            // White space (the nbsp and friends) collapses in headlines and
            // titles, so compare the rest.
            // HTML5 (html5ever) moved `&lang;` and `&rang;` from U+2329/A
            // to U+27E8/9; feedparser's cases expect HTML 4.
            let visible = |s: &str| {
                s.chars()
                    .filter(|c| !c.is_whitespace())
                    .map(|c| match c {
                        '\u{2329}' => '\u{27E8}',
                        '\u{232A}' => '\u{27E9}',
                        c => c,
                    })
                    .collect::<String>()
            };
            let name = path.display().to_string();
            match parse(text.as_bytes(), &options()) {
                Ok(feed) => {
                    let title = feed.title.unwrap_or_default();
                    let expected = python_string(literal)
                        .unwrap_or_else(|| panic!("{name}: bad literal {literal}"));
                    assert_eq!(visible(&title), visible(&expected), "{name}");
                    compared += 1;
                }
                // quick-xml refuses a few references XML forbids.
                Err(FeedError::Malformed(m)) => assert!(m.contains("XML"), "{name}: {m}"),
                Err(e) => panic!("{name}: {e}"),
            }
        }
        assert!(compared > 240, "only {compared} entity cases compared");
    }

    const RSS_HEAD: &str = "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>Wire &amp; Co</title><language>en-GB</language><link>http://wire.example/</link>";

    fn rss(items: &str) -> Vec<u8> {
        format!("{RSS_HEAD}{items}</channel></rss>").into_bytes()
    }

    #[test]
    fn an_rss_item_maps_to_every_story_field() {
        let feed = read(&rss(r#"<item>
            <title>Quake &lt;b&gt;hits&lt;/b&gt;   coast</title>
            <link>/news/quake?a=1&amp;b=2</link>
            <guid isPermaLink="false">quake-1</guid>
            <description>A strong quake hit the coast. No tsunami warning was issued.</description>
            <content:encoded><![CDATA[<p>The quake struck at dawn.</p><h2>Damage</h2><p>Roads cracked.<br>Power failed.</p><script>track()</script><iframe src="x">no</iframe><ul><li>Item</li></ul><blockquote>“We felt it,” she said.</blockquote>]]></content:encoded>
            <dc:creator>Ana Ruiz</dc:creator>
            <category>Disasters</category><category>disasters</category><category>Chile</category>
            <pubDate>Tue, 14 Nov 2023 22:13:20 GMT</pubDate>
        </item>"#));
        assert_eq!(feed.format, FeedFormat::Rss2);
        assert_eq!(feed.title.as_deref(), Some("Wire & Co"));
        let item = &feed.items[0];
        assert_eq!(item.key, "id:quake-1");
        let s = story(item);
        assert_eq!(s.headline, "Quake hits coast");
        assert_eq!(
            s.bullets,
            ["A strong quake hit the coast. No tsunami warning was issued."]
        );
        assert_eq!(
            s.body,
            vec![
                Block::Paragraph("The quake struck at dawn.".into()),
                Block::Subhead("Damage".into()),
                Block::Paragraph("Roads cracked.".into()),
                Block::Paragraph("Power failed.".into()),
                Block::Paragraph("Item".into()),
                Block::Paragraph("“We felt it,” she said.".into()),
            ]
        );
        assert_eq!(s.byline.as_deref(), Some("Ana Ruiz"));
        assert_eq!(s.source.as_deref(), Some("Wire & Co"));
        assert_eq!(s.keywords, ["Disasters", "Chile"]);
        assert_eq!(s.language, "en-gb");
        assert_eq!(
            s.published,
            newsterm_story::parse_time("2023-11-14T22:13:20Z").unwrap()
        );
        // A relative link without a base is not a URL a reader can open.
        assert_eq!(s.url, None);
        let with_base = parse(
            &rss(r#"<item><title>t</title><link>/news/quake?a=1&amp;b=2</link></item>"#),
            &ParseOptions {
                base_url: Some("https://wire.example/feed.xml".into()),
                source_name: Some("My wire".into()),
                priority: Priority::Urgent,
                ..options()
            },
        )
        .unwrap();
        let s = story(&with_base.items[0]);
        assert_eq!(
            s.url.as_deref(),
            Some("https://wire.example/news/quake?a=1&b=2")
        );
        assert_eq!(s.source.as_deref(), Some("My wire"));
        assert_eq!(s.priority, Priority::Urgent);
        assert_eq!(
            with_base.items[0].key,
            "link:https://wire.example/news/quake?a=1&b=2"
        );
    }

    #[test]
    fn headlines_are_cut_or_made_from_the_summary() {
        let long = "Word ".repeat(100);
        let feed = read(&rss(&format!(
            "<item><title>{long}</title></item>\
             <item><description>Mr. Li arrived in the U.S. on Monday. Talks start today.</description></item>\
             <item><link>javascript:alert(1)</link></item>"
        )));
        let cut = &story(&feed.items[0]).headline;
        assert!(
            cut.chars().count() <= limits::HEADLINE_CHARS && cut.ends_with('…'),
            "{cut}"
        );
        let made = story(&feed.items[1]);
        assert_eq!(made.headline, "Mr. Li arrived in the U.S. on Monday.");
        assert_eq!(
            made.bullets,
            ["Mr. Li arrived in the U.S. on Monday. Talks start today."]
        );
        let e = feed.items[2].content.as_ref().unwrap_err();
        assert_eq!(e, &ItemError::NoHeadline);
        assert!(
            e.to_string().contains("no title, summary or content"),
            "{e}"
        );
    }

    #[test]
    fn a_long_summary_leads_the_body_unless_the_content_repeats_it() {
        let long = "First sentence here. Second one follows. A third makes it long.";
        let feed = read(&rss(&format!(
            "<item><title>a</title><description>{long}</description></item>\
             <item><title>b</title><description>{long}</description>\
               <content:encoded>&lt;p&gt;{long}&lt;/p&gt;&lt;p&gt;More.&lt;/p&gt;</content:encoded></item>\
             <item><title>c</title><description>{long}</description>\
               <content:encoded>&lt;p&gt;Other text.&lt;/p&gt;</content:encoded></item>"
        )));
        let body = |i: usize| story(&feed.items[i]).body.clone();
        assert_eq!(body(0), vec![Block::Paragraph(long.into())]);
        assert_eq!(
            body(1),
            vec![
                Block::Paragraph(long.into()),
                Block::Paragraph("More.".into())
            ]
        );
        assert_eq!(
            body(2),
            vec![
                Block::Paragraph(long.into()),
                Block::Paragraph("Other text.".into())
            ]
        );
        assert!(feed.items.iter().all(|i| story(i).bullets.is_empty()));
    }

    #[test]
    fn one_broken_item_does_not_sink_the_others() {
        let huge = "<p>x</p>".repeat(limits::BODY_BLOCKS + 1);
        let feed = read(&rss(&format!(
            "<item><title>Good one</title><guid>1</guid></item>\
             <item><title>Too many paragraphs</title><guid>2</guid><content:encoded><![CDATA[{huge}]]></content:encoded></item>\
             <item><title>Good two</title><guid>3</guid></item>"
        )));
        assert_eq!(feed.items.len(), 3);
        assert_eq!(story(&feed.items[0]).headline, "Good one");
        let e = feed.items[1].content.as_ref().unwrap_err();
        assert!(matches!(e, ItemError::Invalid(_)), "{e:?}");
        assert!(e.to_string().contains("body"), "{e}");
        assert_eq!(story(&feed.items[2]).headline, "Good two");
    }

    #[test]
    fn keys_fall_back_from_guid_to_link_to_hash() {
        let feed = read(&rss(
            "<item><title>a</title><guid>g</guid><link>http://x.example/a</link></item>\
             <item><title>b</title><link>http://x.example/b</link></item>\
             <item><title>c</title></item>",
        ));
        let keys: Vec<&str> = feed.items.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys[..2], ["id:g", "link:http://x.example/b"]);
        assert_eq!(keys[2], format!("hash:{}", feed.items[2].hash));
        let long_guid = "g".repeat(2000);
        let feed = read(&rss(&format!(
            "<item><title>a</title><guid>{long_guid}</guid></item>"
        )));
        assert!(feed.items[0].key.starts_with("id#") && feed.items[0].key.len() < 64);
    }

    #[test]
    fn the_hash_follows_content_not_source_settings() {
        let item = |title: &str| {
            rss(&format!(
                "<item><guid>1</guid><title>{title}</title></item>"
            ))
        };
        let a = read(&item("Quake")).items[0].hash.clone();
        assert_eq!(a, read(&item("Quake")).items[0].hash);
        assert_ne!(a, read(&item("Quake kills 3")).items[0].hash);
        let renamed = parse(
            &item("Quake"),
            &ParseOptions {
                source_name: Some("Renamed".into()),
                priority: Priority::Flash,
                ..options()
            },
        )
        .unwrap();
        assert_eq!(renamed.items[0].hash, a);
    }

    #[test]
    fn future_times_are_set_to_now_and_noted() {
        let feed = read(&rss(
            "<item><title>From the future</title><pubDate>Sat, 01 Jan 2950 00:00:00 GMT</pubDate></item>\
             <item><title>Slightly ahead</title><pubDate>Wed, 15 Nov 2023 10:00:00 GMT</pubDate></item>",
        ));
        assert_eq!(story(&feed.items[0]).published, now());
        assert!(
            feed.items[0].notes[0]
                .contains("2950-01-01T00:00:00Z is more than a day in the future")
        );
        // Under a day ahead is clock skew, not a lie.
        assert!(story(&feed.items[1]).published > now());
        assert!(feed.items[1].notes.is_empty());
        let again = read(&rss(
            "<item><title>From the future</title><pubDate>Sat, 01 Jan 2950 00:00:00 GMT</pubDate></item>",
        ));
        assert_eq!(
            again.items[0].hash, feed.items[0].hash,
            "clamping must not change the hash"
        );
    }

    #[test]
    fn atom_text_types_and_authors_are_honoured() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
          <title>Fil</title><id>urn:f</id><updated>2023-11-14T00:00:00Z</updated>
          <author><name>Desk</name></author>
          <entry><id>urn:e1</id><title type="html">Caf&amp;eacute; &lt;i&gt;ouvert&lt;/i&gt;</title>
            <updated>2023-11-14T10:00:00Z</updated><published>2023-11-14T09:00:00Z</published>
            <link rel="alternate" href="https://fil.example/e1"/><link rel="enclosure" href="https://fil.example/e1.mp3"/>
            <category term="eco" label="Économie"/>
            <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Un <b>texte</b>.</p></div></content>
          </entry></feed>"#;
        let feed = read(atom.as_bytes());
        assert_eq!(feed.format, FeedFormat::Atom);
        let s = story(&feed.items[0]);
        assert_eq!(s.headline, "Café ouvert");
        assert_eq!(s.url.as_deref(), Some("https://fil.example/e1"));
        assert_eq!(s.byline.as_deref(), Some("Desk"));
        assert_eq!(s.keywords, ["Économie"]);
        assert_eq!(s.language, "fr");
        assert_eq!(s.body, vec![Block::Paragraph("Un texte.".into())]);
        assert_eq!(
            s.updated,
            Some(newsterm_story::parse_time("2023-11-14T10:00:00Z").unwrap())
        );
    }

    #[test]
    fn json_feed_and_ninjs_are_read() {
        let json_feed = br#"{"version": "https://jsonfeed.org/version/1.1", "title": "JF",
            "items": [{"id": "1", "title": "Blog &#8211; post", "content_html": "<p>Hi</p>",
                       "url": "https://jf.example/1", "tags": ["a"]}]}"#;
        let feed = read(json_feed);
        assert_eq!(feed.format, FeedFormat::JsonFeed);
        assert_eq!(story(&feed.items[0]).headline, "Blog – post");
        assert_eq!(feed.items[0].key, "id:1");

        let ninjs = br#"[{"uri": "urn:a", "headlines": [{"value": "First"}]},
                         {"uri": "urn:b"},
                         {"uri": "urn:c", "headlines": [{"value": "Third"}], "firstcreated": "2999-01-01T00:00:00Z"}]"#;
        let feed = parse(
            ninjs,
            &ParseOptions {
                source_name: Some("Desk".into()),
                ..options()
            },
        )
        .unwrap();
        assert_eq!(feed.format, FeedFormat::Ninjs);
        assert_eq!(feed.items[0].key, "id:urn:a");
        assert_eq!(story(&feed.items[0]).source.as_deref(), Some("Desk"));
        assert!(
            feed.items[1]
                .content
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("ninjs document 2")
        );
        assert_eq!(story(&feed.items[2]).published, now());
        assert_eq!(feed.items[2].notes.len(), 1);
        let single = read(br#"{"uri": "urn:x", "headlines": [{"value": "Only"}]}"#);
        assert_eq!(story(&single.items[0]).headline, "Only");
        let e = parse(br#"{"hello": 1}"#, &options()).unwrap_err();
        assert!(e.to_string().contains("neither a JSON Feed"), "{e}");
        let e = parse(b"{\"uri\": ", &options()).unwrap_err();
        assert!(e.to_string().contains("invalid JSON"), "{e}");
    }

    #[test]
    fn rss_without_a_version_is_read_as_rss2() {
        let feed = read(b"<rss xmlns:x=\"urn:x\"><channel><title>T</title><item><title>I</title></item></channel></rss>");
        assert_eq!(story(&feed.items[0]).headline, "I");
        let feed = read(
            b"<!-- c --><rss version='0.94'><channel><item><title>J</title></item></channel></rss>",
        );
        assert_eq!(story(&feed.items[0]).headline, "J");
        let e = parse(b"<rss version=\"2.0\"></rss>", &options()).unwrap_err();
        assert!(e.to_string().contains("no <channel>"), "{e}");
    }

    #[test]
    fn two_documents_run_together_are_malformed_not_a_crash() {
        let one = "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n<rss version=\"2.0\"><channel><title>t</title></channel></rss>";
        let two = format!("{one}{one}");
        let err = parse_syndication(&two, &ParseOptions::default()).unwrap_err();
        assert!(matches!(err, FeedError::Malformed(_)), "{err}");
        assert!(parse_syndication(one, &ParseOptions::default()).is_ok());
    }

    #[test]
    fn feed_rs_alone_neither_expands_nor_fetches_entities() {
        // The reason guard's refusal is defence in depth, proven here.
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("secret.txt");
        std::fs::write(&secret, "TOP-SECRET").unwrap();
        let laughs = format!(
            "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a \"aaaaaaaaaa\">{}<!ENTITY xxe SYSTEM \"file://{}\">]>\
             <rss version=\"2.0\"><channel><title>&a9;&xxe;</title></channel></rss>",
            (1..10)
                .map(|i| format!(
                    "<!ENTITY a{i} \"{}\">",
                    format!(
                        "&a{};",
                        if i == 1 {
                            String::new()
                        } else {
                            (i - 1).to_string()
                        }
                    )
                    .repeat(10)
                ))
                .collect::<String>(),
            secret.display()
        );
        let started = std::time::Instant::now();
        let raw = feed_rs::parser::parse(laughs.as_bytes()).unwrap();
        let title = raw.title.unwrap().content;
        assert_eq!(title, "&a9;&xxe;");
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        // newsterm refuses the document outright.
        let e = parse(laughs.as_bytes(), &options()).unwrap_err();
        assert_eq!(e, FeedError::EntityDeclarations);
        assert!(
            e.to_string()
                .contains("entity declarations are not allowed")
        );
    }

    #[test]
    fn invalid_bytes_and_oversized_documents_are_refused_whole() {
        let mut bytes = rss("<item><title>Caf");
        bytes.push(0xE9);
        bytes.extend_from_slice(b"</title></item>");
        let e = parse(&bytes, &options()).unwrap_err();
        assert!(matches!(e, FeedError::Encoding(_)), "{e}");
        let big = rss(&"<item><title>x</title></item>".repeat(1000));
        let e = parse(
            &big,
            &ParseOptions {
                max_bytes: 10_000,
                ..options()
            },
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("feed is {} bytes, over the 10000 bytes limit", big.len())
        );
    }
}
