//! Stories out as feeds: Atom 1.0 (RFC 4287), RSS 2.0 and JSON Feed 1.1,
//! as pure functions over stored stories.
//!
//! Every feed links to itself (`atom:link rel="self"` in RSS too), every
//! item has a stable id — `urn:newsterm:story:<ULID>`, the same for every
//! revision, so a reader updates an entry instead of adding one — and
//! times: Atom `updated` / JSON `date_modified` is when newsterm accepted
//! the revision, `published` the story's publication time. Categories are
//! the story's keywords plus the topics tagging gave it (Atom: `term` is
//! the topic code, `label` its label; RSS and JSON Feed: the label). The summary is the bullets; the content is HTML built from
//! the story's plain text (bullets as a list, paragraphs, `h2` subheads),
//! every character escaped, so no markup from anywhere reaches a reader.
//! Characters XML 1.0 cannot carry (most C0 controls) are dropped.

use newsterm_story::{Block, Story, format_time};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::digest::digest;

/// The feed as a whole: what the server knows about the URL it serves.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedMeta {
    /// The feed's title.
    pub title: String,
    /// The absolute URL this feed is served at.
    pub self_url: String,
    /// A page showing the same stories (the web UI), if any.
    pub alternate_url: Option<String>,
    /// Items whose story has no URL link to this prefix + the story id
    /// (e.g. `http://host/api/stories/`), so every item has a link. What
    /// it serves is newsterm's JSON for the story, and Atom says so.
    pub story_url_base: Option<String>,
    /// When the feed last changed; the newest revision's time when absent.
    pub updated: Option<OffsetDateTime>,
}

/// The feed formats newsterm serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedKind {
    /// Atom 1.0 (`.atom`).
    Atom,
    /// RSS 2.0 (`.rss`).
    Rss,
    /// JSON Feed 1.1 (`.json`).
    JsonFeed,
}

impl FeedKind {
    /// `atom`, `rss`, `json` (as in `/feeds/search.atom`).
    pub fn from_extension(ext: &str) -> Option<FeedKind> {
        match ext.to_ascii_lowercase().as_str() {
            "atom" => Some(FeedKind::Atom),
            "rss" => Some(FeedKind::Rss),
            "json" => Some(FeedKind::JsonFeed),
            _ => None,
        }
    }

    /// The `Content-Type` to serve it with.
    pub fn content_type(self) -> &'static str {
        match self {
            FeedKind::Atom => "application/atom+xml; charset=utf-8",
            FeedKind::Rss => "application/rss+xml; charset=utf-8",
            FeedKind::JsonFeed => "application/feed+json; charset=utf-8",
        }
    }

    /// The feed document for `stories`, in the order given.
    pub fn render(self, meta: &FeedMeta, stories: &[Story]) -> String {
        match self {
            FeedKind::Atom => atom(meta, stories),
            FeedKind::Rss => rss(meta, stories),
            FeedKind::JsonFeed => json_feed(meta, stories),
        }
    }
}

/// A strong ETag for the feed of `stories` at `meta.self_url`: it changes
/// when any story, revision or the feed's title or URL does.
pub fn etag(meta: &FeedMeta, stories: &[Story]) -> String {
    let ids: Vec<String> = stories
        .iter()
        .map(|s| format!("{}/{}", s.id, s.revision))
        .collect();
    let parts = [meta.title.as_bytes(), meta.self_url.as_bytes()]
        .into_iter()
        .chain(ids.iter().map(|s| s.as_bytes()));
    format!("\"{}\"", digest(parts))
}

const GENERATOR: &str = "newsterm";

fn story_uri(story: &Story) -> String {
    format!("urn:newsterm:story:{}", story.id)
}

fn feed_updated(meta: &FeedMeta, stories: &[Story]) -> OffsetDateTime {
    meta.updated
        .or_else(|| stories.iter().map(|s| s.received).max())
        .unwrap_or_else(OffsetDateTime::now_utc)
}

/// An item's link and the media type of what it opens: the story's own
/// page, or else newsterm's JSON for the story.
fn link(meta: &FeedMeta, story: &Story) -> Option<(String, &'static str)> {
    match &story.content.url {
        Some(url) => Some((url.clone(), "text/html")),
        None => meta
            .story_url_base
            .as_ref()
            .map(|base| (format!("{base}{}", story.id), "application/json")),
    }
}

/// A category: a term, and a human label when the term is a code.
struct Category {
    term: String,
    label: Option<String>,
}

impl Category {
    /// What a reader shows: the label, else the term.
    fn name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.term)
    }
}

/// Keywords, then the topics tagging gave the story, without repeats.
fn categories(story: &Story) -> Vec<Category> {
    let mut out: Vec<Category> = Vec::new();
    let keywords = story.content.keywords.iter().map(|k| (k.as_str(), None));
    let topics = story
        .tags
        .topics
        .iter()
        .map(|t| (t.code.as_str(), Some(t.label.as_str())));
    for (term, label) in keywords.chain(topics) {
        let term = term.trim();
        if term.is_empty() || out.iter().any(|o| o.term.eq_ignore_ascii_case(term)) {
            continue;
        }
        out.push(Category {
            term: term.to_string(),
            label: label
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string),
        });
    }
    out
}

fn summary(story: &Story) -> Option<String> {
    (!story.content.bullets.is_empty()).then(|| story.content.bullets.join(" • "))
}

/// The story as HTML: bullets, body, caption; every text escaped.
fn content_html(story: &Story) -> String {
    let c = &story.content;
    let mut out = String::new();
    if !c.bullets.is_empty() {
        out.push_str("<ul>");
        for b in &c.bullets {
            out.push_str(&format!("<li>{}</li>", escape_html(b)));
        }
        out.push_str("</ul>");
    }
    for block in &c.body {
        match block {
            Block::Paragraph(t) => out.push_str(&format!("<p>{}</p>", escape_html(t))),
            Block::Subhead(t) => out.push_str(&format!("<h2>{}</h2>", escape_html(t))),
        }
    }
    if let Some(caption) = &c.caption {
        let credit = c
            .credit
            .as_deref()
            .map(|cr| format!(" ({})", escape_html(cr)))
            .unwrap_or_default();
        out.push_str(&format!("<p><em>{}</em>{credit}</p>", escape_html(caption)));
    }
    if out.is_empty() {
        out = format!("<p>{}</p>", escape_html(&c.headline));
    }
    out
}

fn atom(meta: &FeedMeta, stories: &[Story]) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    // RFC 6721 tombstones: a withdrawn story is announced as deleted.
    x.push_str(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:at=\"http://purl.org/atompub/tombstones/1.0\">\n",
    );
    element(&mut x, 1, "id", &meta.self_url);
    x.push_str(&format!(
        "  <title type=\"text\">{}</title>\n",
        xml(&meta.title)
    ));
    element(
        &mut x,
        1,
        "updated",
        &format_time(feed_updated(meta, stories)),
    );
    x.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml(&meta.self_url)
    ));
    if let Some(alt) = &meta.alternate_url {
        x.push_str(&format!(
            "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml(alt)
        ));
    }
    // Required at feed level unless every entry has an author.
    x.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml(&meta.title)
    ));
    x.push_str(&format!(
        "  <generator version=\"{}\">{GENERATOR}</generator>\n",
        env!("CARGO_PKG_VERSION")
    ));
    for s in stories {
        let c = &s.content;
        if s.is_withdrawn() {
            x.push_str(&format!(
                "  <at:deleted-entry ref=\"{}\" when=\"{}\">\n",
                xml(&story_uri(s)),
                format_time(s.received)
            ));
            if let Some(reason) = &s.mark.note {
                x.push_str(&format!("    <at:comment>{}</at:comment>\n", xml(reason)));
            }
            x.push_str("  </at:deleted-entry>\n");
            continue;
        }
        x.push_str(&format!("  <entry xml:lang=\"{}\">\n", xml(&c.language)));
        element(&mut x, 2, "id", &story_uri(s));
        x.push_str(&format!(
            "    <title type=\"text\">{}</title>\n",
            xml(&c.headline)
        ));
        element(&mut x, 2, "updated", &format_time(s.received));
        element(&mut x, 2, "published", &format_time(c.published));
        if let Some((href, media_type)) = link(meta, s) {
            x.push_str(&format!(
                "    <link rel=\"alternate\" type=\"{media_type}\" href=\"{}\"/>\n",
                xml(&href)
            ));
        }
        if let Some(by) = &c.byline {
            x.push_str(&format!("    <author><name>{}</name></author>\n", xml(by)));
        }
        for cat in categories(s) {
            match &cat.label {
                Some(label) => x.push_str(&format!(
                    "    <category term=\"{}\" label=\"{}\"/>\n",
                    xml(&cat.term),
                    xml(label)
                )),
                None => x.push_str(&format!("    <category term=\"{}\"/>\n", xml(&cat.term))),
            }
        }
        if let Some(sum) = summary(s) {
            x.push_str(&format!(
                "    <summary type=\"text\">{}</summary>\n",
                xml(&sum)
            ));
        }
        x.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            xml(&content_html(s))
        ));
        if let Some(source) = &c.source {
            x.push_str(&format!(
                "    <source><title>{}</title></source>\n",
                xml(source)
            ));
        }
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

fn rss(meta: &FeedMeta, stories: &[Story]) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str(
        "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n",
    );
    element(&mut x, 1, "title", &meta.title);
    element(
        &mut x,
        1,
        "link",
        meta.alternate_url.as_deref().unwrap_or(&meta.self_url),
    );
    element(&mut x, 1, "description", &meta.title);
    x.push_str(&format!(
        "  <atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
        xml(&meta.self_url)
    ));
    element(
        &mut x,
        1,
        "lastBuildDate",
        &rfc2822(feed_updated(meta, stories)),
    );
    element(&mut x, 1, "generator", GENERATOR);
    // RSS has no way to say an item was deleted: a withdrawn story is
    // simply no longer listed.
    for s in stories.iter().filter(|s| !s.is_withdrawn()) {
        let c = &s.content;
        x.push_str("  <item>\n");
        element(&mut x, 2, "title", &c.headline);
        if let Some((href, _)) = link(meta, s) {
            element(&mut x, 2, "link", &href);
        }
        x.push_str(&format!(
            "    <guid isPermaLink=\"false\">{}</guid>\n",
            xml(&story_uri(s))
        ));
        element(&mut x, 2, "pubDate", &rfc2822(c.published));
        if let Some(by) = &c.byline {
            element(&mut x, 2, "dc:creator", by);
        }
        for cat in categories(s) {
            element(&mut x, 2, "category", cat.name());
        }
        element(&mut x, 2, "description", &content_html(s));
        x.push_str("  </item>\n");
    }
    x.push_str("</channel>\n</rss>\n");
    x
}

fn json_feed(meta: &FeedMeta, stories: &[Story]) -> String {
    // Nor has JSON Feed.
    let items: Vec<Value> = stories
        .iter()
        .filter(|s| !s.is_withdrawn())
        .map(|s| {
            let c = &s.content;
            let mut item = json!({
                "id": story_uri(s),
                "title": printable(&c.headline),
                "content_html": content_html(s),
                "date_published": format_time(c.published),
                "date_modified": format_time(s.received),
                "language": c.language,
            });
            let obj = item.as_object_mut();
            if let Some(obj) = obj {
                if let Some((href, _)) = link(meta, s) {
                    obj.insert("url".into(), json!(href));
                }
                if let Some(sum) = summary(s) {
                    obj.insert("summary".into(), json!(printable(&sum)));
                }
                if let Some(by) = &c.byline {
                    obj.insert("authors".into(), json!([{ "name": printable(by) }]));
                }
                let tags: Vec<String> = categories(s).iter().map(|c| printable(c.name())).collect();
                if !tags.is_empty() {
                    obj.insert("tags".into(), json!(tags));
                }
            }
            item
        })
        .collect();
    let mut feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": printable(&meta.title),
        "feed_url": meta.self_url,
        "items": items,
    });
    if let (Some(alt), Some(obj)) = (&meta.alternate_url, feed.as_object_mut()) {
        obj.insert("home_page_url".into(), json!(alt));
    }
    serde_json::to_string_pretty(&feed).unwrap_or_else(|_| feed.to_string())
}

/// `<name>text</name>` on its own line, indented `depth` levels.
fn element(out: &mut String, depth: usize, name: &str, text: &str) {
    out.push_str(&"  ".repeat(depth));
    out.push_str(&format!("<{name}>{}</{name}>\n", xml(text)));
}

/// False for the characters XML 1.0 cannot carry at all; every format
/// drops them, so all three say the same.
fn is_representable(c: char) -> bool {
    !((c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') || c == '\u{FFFE}' || c == '\u{FFFF}')
}

/// Text without the characters [`is_representable`] refuses.
fn printable(text: &str) -> String {
    text.chars().filter(|&c| is_representable(c)).collect()
}

/// Escapes text for XML content and attribute values (quick-xml's
/// escaping), dropping what XML cannot carry.
fn xml(text: &str) -> String {
    quick_xml::escape::escape(printable(text)).into_owned()
}

/// Escapes text for HTML (which is then escaped again as XML text).
fn escape_html(text: &str) -> String {
    newsterm_story::html::escape(&printable(text)).into_owned()
}

/// RFC 822/2822 date as RSS wants it, in UTC: `Tue, 07 May 2024 12:00:00 +0000`.
fn rfc2822(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} +0000",
        DAYS[usize::from(t.weekday().number_days_from_monday())],
        t.day(),
        MONTHS[usize::from(u8::from(t.month())) - 1],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use newsterm_story::tags::Topic;
    use newsterm_story::{StoryDraft, Tags, parse_time};

    use super::*;
    use crate::parse::{ParseOptions, parse};

    fn story(headline: &str, url: Option<&str>) -> Story {
        let content = StoryDraft {
            headline: Some(headline.into()),
            bullets: vec!["Talks <resume> & \"continue\"".into()],
            body: vec![
                Block::Paragraph("Leaders met on Monday.".into()),
                Block::Subhead("Next steps".into()),
                Block::Paragraph("A second round is due in May; ]]> nothing breaks.".into()),
            ],
            byline: Some("Ana Ruiz".into()),
            url: url.map(str::to_string),
            source: Some("Wire".into()),
            published: Some("2024-05-01T12:00:00Z".into()),
            keywords: vec!["Diplomacy".into()],
            ..StoryDraft::default()
        }
        .validate(OffsetDateTime::UNIX_EPOCH)
        .unwrap();
        Story {
            revision: 2,
            seq: 7,
            tags: Tags {
                topics: vec![Topic {
                    code: "medtop:11000000".into(),
                    label: "politics".into(),
                    score: 0.9,
                }],
                ..Tags::default()
            },
            ..Story::new(content, parse_time("2024-05-01T13:00:00Z").unwrap())
        }
    }

    fn meta() -> FeedMeta {
        FeedMeta {
            title: "newsterm: search \"talks\" & <more>".into(),
            self_url: "http://127.0.0.1:7878/feeds/search.atom?q=talks&limit=20".into(),
            alternate_url: Some("http://127.0.0.1:7878/".into()),
            story_url_base: Some("http://127.0.0.1:7878/api/stories/".into()),
            updated: None,
        }
    }

    fn stories() -> Vec<Story> {
        vec![
            story(
                "Talks <b>resume</b> in Geneva & Vienna",
                Some("https://wire.example/a?x=1&y=2"),
            ),
            story("Control\u{1}characters\u{0} vanish", None),
        ]
    }

    #[test]
    fn every_format_reads_back_with_feed_rs_with_the_same_items() {
        let stories = stories();
        for kind in [FeedKind::Atom, FeedKind::Rss, FeedKind::JsonFeed] {
            let doc = kind.render(&meta(), &stories);
            let feed = feed_rs::parser::parse(doc.as_bytes())
                .unwrap_or_else(|e| panic!("{kind:?}: {e}\n{doc}"));
            assert_eq!(feed.title.unwrap().content, meta().title, "{kind:?}");
            assert_eq!(feed.entries.len(), 2, "{kind:?}");
            for (entry, s) in feed.entries.iter().zip(&stories) {
                assert_eq!(entry.id, format!("urn:newsterm:story:{}", s.id), "{kind:?}");
                let title = entry.title.as_ref().unwrap().content.clone();
                let expected: String = s
                    .content
                    .headline
                    .chars()
                    .filter(|c| !c.is_control())
                    .collect();
                assert_eq!(title, expected, "{kind:?}");
                assert_eq!(
                    entry.published.map(|t| t.timestamp()),
                    Some(s.content.published.unix_timestamp()),
                    "{kind:?}"
                );
                let terms: Vec<&str> = entry.categories.iter().map(|c| c.term.as_str()).collect();
                assert!(terms.contains(&"Diplomacy"), "{kind:?}: {terms:?}");
                assert!(
                    terms.contains(&"politics") || terms.contains(&"medtop:11000000"),
                    "{kind:?}: {terms:?}"
                );
            }
            let links: Vec<String> = feed
                .entries
                .iter()
                .map(|e| e.links[0].href.clone())
                .collect();
            assert_eq!(links[0], "https://wire.example/a?x=1&y=2", "{kind:?}");
            assert_eq!(
                links[1],
                format!("http://127.0.0.1:7878/api/stories/{}", stories[1].id)
            );
        }
        // Atom says what a link opens: the story's page, or newsterm's JSON.
        let atom =
            feed_rs::parser::parse(FeedKind::Atom.render(&meta(), &stories).as_bytes()).unwrap();
        let types: Vec<Option<String>> = atom
            .entries
            .iter()
            .map(|e| e.links[0].media_type.clone())
            .collect();
        assert_eq!(
            types,
            [Some("text/html".into()), Some("application/json".into())]
        );
    }

    #[test]
    fn feeds_link_to_themselves_and_carry_times() {
        let stories = stories();
        let atom = FeedKind::Atom.render(&meta(), &stories);
        let feed = feed_rs::parser::parse(atom.as_bytes()).unwrap();
        assert!(
            feed.links
                .iter()
                .any(|l| l.rel.as_deref() == Some("self") && l.href == meta().self_url)
        );
        assert_eq!(
            feed.updated.map(|t| t.timestamp()),
            Some(stories[0].received.unix_timestamp())
        );
        let rss = FeedKind::Rss.render(&meta(), &stories);
        assert!(rss.contains(
            "<atom:link href=\"http://127.0.0.1:7878/feeds/search.atom?q=talks&amp;limit=20\" rel=\"self\" type=\"application/rss+xml\"/>"
        ));
        assert!(
            rss.contains("<pubDate>Wed, 01 May 2024 12:00:00 +0000</pubDate>"),
            "{rss}"
        );
        let json: Value =
            serde_json::from_str(&FeedKind::JsonFeed.render(&meta(), &stories)).unwrap();
        assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
        assert_eq!(json["feed_url"], meta().self_url);
        assert_eq!(json["items"][0]["date_modified"], "2024-05-01T13:00:00Z");
    }

    #[test]
    fn newsterms_own_parser_reads_its_feeds_back_to_the_same_stories() {
        let stories = stories();
        for kind in [FeedKind::Atom, FeedKind::Rss, FeedKind::JsonFeed] {
            let doc = kind.render(&meta(), &stories);
            let feed = parse(doc.as_bytes(), &ParseOptions::default()).unwrap();
            let back = feed.items[0].content.as_ref().unwrap();
            let s = &stories[0].content;
            if kind == FeedKind::Atom {
                // Atom says its title is text, and it is read as such.
                assert_eq!(back.headline, s.headline);
            } else {
                // RSS and JSON Feed titles with markup are read as HTML,
                // which is what such feeds in the wild mean by it.
                assert_eq!(back.headline, "Talks resume in Geneva & Vienna", "{kind:?}");
            }
            assert_eq!(back.url, s.url, "{kind:?}");
            assert_eq!(back.byline, s.byline, "{kind:?}");
            assert_eq!(back.published, s.published, "{kind:?}");
            for block in &s.body {
                assert!(
                    back.body.contains(block),
                    "{kind:?}: {block:?} not in {:?}",
                    back.body
                );
            }
            assert_eq!(
                feed.items[0].key,
                format!("id:urn:newsterm:story:{}", stories[0].id)
            );
        }
    }

    #[test]
    fn markup_in_text_is_escaped_never_passed_through() {
        let doc = FeedKind::Atom.render(&meta(), &stories());
        assert!(!doc.contains("<b>resume</b>"));
        assert!(doc.contains("Talks &lt;b&gt;resume&lt;/b&gt;"));
        // Inside HTML content, escaped twice: once for HTML, once for XML.
        assert!(
            doc.contains("&lt;li&gt;Talks &amp;lt;resume&amp;gt; &amp;amp;"),
            "{doc}"
        );
        assert!(!doc.contains('\u{1}') && !doc.contains('\u{0}'));
    }

    #[test]
    fn the_etag_changes_with_any_revision_and_only_then() {
        let mut stories = stories();
        let a = etag(&meta(), &stories);
        assert_eq!(a, etag(&meta(), &stories));
        assert!(a.starts_with('"') && a.ends_with('"'));
        stories[1].revision += 1;
        assert_ne!(a, etag(&meta(), &stories));
        assert_ne!(etag(&meta(), &stories[..1]), etag(&meta(), &stories));
    }

    #[test]
    fn extensions_name_kinds() {
        assert_eq!(FeedKind::from_extension("ATOM"), Some(FeedKind::Atom));
        assert_eq!(FeedKind::from_extension("rss"), Some(FeedKind::Rss));
        assert_eq!(FeedKind::from_extension("json"), Some(FeedKind::JsonFeed));
        assert_eq!(FeedKind::from_extension("xml"), None);
        assert!(
            FeedKind::JsonFeed
                .content_type()
                .starts_with("application/feed+json")
        );
    }
}
