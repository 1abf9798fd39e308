//! The story reader: which story and revision is open, and the story laid
//! out as styled lines for a given width.
//!
//! Layout happens here rather than in the widget so the app can tell how
//! far the text scrolls: the lines are the same ones drawn.

use newsterm_api::{EventInfo, RevisionInfo};
use newsterm_story::tags::{EntityType, FigureKind, QuoteKind, Tags};
use newsterm_story::{Block, Story, StoryId};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use time::OffsetDateTime;

use crate::theme;
use crate::wrap::{fit, truncate, wrap};

#[derive(Debug)]
pub(crate) struct Reader {
    pub id: StoryId,
    /// Revision asked for; `None` for the latest.
    pub wanted: Option<u32>,
    /// The revision on screen, once it has arrived.
    pub story: Option<Story>,
    pub revisions: Vec<RevisionInfo>,
    /// The event the story reports, with its other stories.
    pub event: Option<EventInfo>,
    /// Newest revision known to exist, from the story, its history or the
    /// live wire — so "revision 2 of 3" is right even before a re-fetch.
    pub newest: u32,
    /// First line shown.
    pub scroll: usize,
}

impl Reader {
    pub fn new(id: StoryId, wanted: Option<u32>) -> Reader {
        Reader {
            id,
            wanted,
            story: None,
            revisions: Vec::new(),
            event: None,
            newest: 0,
            scroll: 0,
        }
    }

    /// Takes a fetched revision if it is the one asked for.
    pub fn receive_story(&mut self, story: Story) -> bool {
        if story.id != self.id || self.wanted.is_some_and(|w| w != story.revision) {
            return false;
        }
        if self.story.as_ref().map(|s| s.revision) != Some(story.revision) {
            self.scroll = 0;
        }
        self.newest = self.newest.max(story.revision);
        self.wanted = Some(story.revision);
        self.story = Some(story);
        true
    }

    pub fn receive_revisions(&mut self, id: StoryId, mut revisions: Vec<RevisionInfo>) -> bool {
        if id != self.id {
            return false;
        }
        revisions.sort_by_key(|r| r.revision);
        if let Some(last) = revisions.last() {
            self.newest = self.newest.max(last.revision);
        }
        self.revisions = revisions;
        true
    }

    /// Takes the event of the story `id` if that story is open.
    pub fn receive_event(&mut self, id: StoryId, event: EventInfo) -> bool {
        if id != self.id {
            return false;
        }
        self.event = Some(event);
        true
    }

    /// The revision `step` away from the one shown (negative is older), if
    /// it exists.
    pub fn neighbour_revision(&self, step: i32) -> Option<u32> {
        let shown = self.story.as_ref()?.revision;
        let target = shown.checked_add_signed(step)?;
        (1..=self.newest).contains(&target).then_some(target)
    }

    /// The story as styled lines `width` columns wide.
    pub fn lines(&self, width: usize) -> Vec<Line<'static>> {
        let Some(story) = &self.story else {
            return vec![Line::styled(
                format!("loading story {}…", self.id),
                theme::DIM,
            )];
        };
        let c = &story.content;
        let mut out = Vec::new();
        if self.wanted.is_some_and(|w| w != story.revision) {
            out.push(Line::styled("loading another revision…", theme::DIM));
        }
        let headline_style = theme::priority(c.priority).add_modifier(Modifier::BOLD);
        push_wrapped(&mut out, &c.headline, width, headline_style, "", "");
        if let Some(notice) = story.notice() {
            out.push(Line::default());
            push_wrapped(&mut out, &notice, width, theme::ERROR, "", "");
        }
        if !c.bullets.is_empty() {
            out.push(Line::default());
            for b in &c.bullets {
                push_wrapped(&mut out, b, width, theme::BASE, "• ", "  ");
            }
        } else if !story.tags.highlights.is_empty() {
            // A story sent without bullets gets the tagger's extractive
            // highlights in their place, dimmed and marked as made here.
            out.push(Line::default());
            out.push(Line::styled("highlights (newsterm):", theme::DIM));
            for h in story.tags.highlights.iter().take(3) {
                push_wrapped(&mut out, &h.text, width, theme::DIM, "• ", "  ");
            }
        }
        if c.caption.is_some() || c.credit.is_some() {
            out.push(Line::default());
            if let Some(caption) = &c.caption {
                push_wrapped(&mut out, caption, width, theme::DIM, "", "");
            }
            if let Some(credit) = &c.credit {
                push_wrapped(
                    &mut out,
                    &format!("Photo: {credit}"),
                    width,
                    theme::DIM,
                    "",
                    "",
                );
            }
        }
        out.push(Line::default());
        let mut meta: Vec<String> = [&c.byline, &c.dateline, &c.source]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        meta.push(format!("published {}", datetime(c.published)));
        if let Some(updated) = c.updated {
            meta.push(format!("updated {}", datetime(updated)));
        }
        meta.push(format!(
            "revision {} (of {})",
            story.revision,
            self.newest.max(story.revision)
        ));
        for line in join_wrapped(&meta, " · ", width) {
            out.push(Line::styled(line, theme::BASE));
        }
        if let Some(url) = &c.url {
            push_wrapped(&mut out, url, width, theme::URL, "", "");
        }
        if let Some(line) = self.carried_by(story) {
            push_wrapped(&mut out, &line, width, theme::BOLD, "", "  ");
        }
        for block in &c.body {
            out.push(Line::default());
            match block {
                Block::Paragraph(t) => push_wrapped(&mut out, t, width, theme::BASE, "", ""),
                Block::Subhead(t) => push_wrapped(&mut out, t, width, theme::SUBHEAD, "", ""),
            }
        }
        if !c.keywords.is_empty() {
            out.push(Line::default());
            push_wrapped(
                &mut out,
                &format!("Keywords: {}", c.keywords.join(" · ")),
                width,
                theme::DIM,
                "",
                "          ",
            );
        }
        push_tags(&mut out, &story.tags, width);
        self.push_event(&mut out, story, width);
        self.push_revisions(&mut out, story.revision, width);
        out
    }

    /// The sources folded into this story's row, unfolded: "also carried
    /// by" the other sources whose copies repeat it, or whose copy this is.
    fn carried_by(&self, story: &Story) -> Option<String> {
        let event = self.event.as_ref()?;
        let source = |h: &newsterm_api::Headline| h.source.clone().unwrap_or_else(|| "?".into());
        if let Some(original) = story.mark.duplicate_of {
            let of = event.stories.iter().find(|h| h.id == original);
            return Some(match of {
                Some(h) => format!("A copy of {}'s story: {}", source(h), h.headline),
                None => "A copy of another source's story".to_string(),
            });
        }
        let mut copies: Vec<String> = Vec::new();
        for h in event
            .stories
            .iter()
            .filter(|h| h.mark.duplicate_of == Some(story.id))
        {
            let name = source(h);
            if !copies.contains(&name) {
                copies.push(name);
            }
        }
        (!copies.is_empty()).then(|| format!("Also carried by {}", copies.join(", ")))
    }

    /// The event the story reports: how many stories and sources, how
    /// fast it moves, and its other stories, copies marked.
    fn push_event(&self, out: &mut Vec<Line<'static>>, story: &Story, width: usize) {
        let Some(event) = &self.event else {
            return;
        };
        out.push(Line::default());
        out.push(Line::from(vec![
            Span::styled("Event", theme::BOLD),
            Span::styled(format!("   {}", event.label), theme::BASE),
        ]));
        let summary = format!(
            "{} {} from {} {}, {} to {}; {} in the last hour, {} in its first",
            event.stories.len(),
            if event.stories.len() == 1 {
                "story"
            } else {
                "stories"
            },
            event.sources.len(),
            if event.sources.len() == 1 {
                "source"
            } else {
                "sources"
            },
            datetime(event.first),
            datetime(event.last),
            event.velocity.last_hour,
            event.velocity.first_hour,
        );
        push_wrapped(out, &summary, width, theme::DIM, "", "");
        for h in event.stories.iter().filter(|h| h.id != story.id) {
            let copy = if h.mark.duplicate_of.is_some() {
                " (copy)"
            } else {
                ""
            };
            let text = format!(
                "  {}  {}  {}{copy}",
                datetime(h.published),
                h.source.as_deref().unwrap_or("?"),
                h.headline
            );
            out.push(Line::styled(truncate(&text, width), theme::BASE));
        }
    }

    fn push_revisions(&self, out: &mut Vec<Line<'static>>, shown: u32, width: usize) {
        out.push(Line::default());
        out.push(Line::from(vec![
            Span::styled("Revisions", theme::BOLD),
            Span::styled("   [ older · ] newer", theme::DIM),
        ]));
        let listed = self.revisions.last().map_or(0, |r| r.revision);
        for r in &self.revisions {
            let mark = if r.revision == shown { "▸" } else { " " };
            let text = format!(
                "{mark} r{:<3} {}  {}",
                r.revision,
                datetime(r.received),
                r.headline
            );
            let style = if r.revision == shown {
                theme::BOLD
            } else {
                theme::BASE
            };
            out.push(Line::styled(truncate(&text, width), style));
        }
        if self.revisions.is_empty() {
            let all: Vec<String> = (1..=self.newest.max(shown))
                .map(|n| format!("r{n}"))
                .collect();
            out.push(Line::styled(truncate(&all.join(" "), width), theme::BASE));
        } else if self.newest > listed {
            let text = format!("  r{:<3} new on the wire — press ] to read it", self.newest);
            out.push(Line::styled(truncate(&text, width), theme::BOLD));
        }
    }
}

fn push_wrapped(
    out: &mut Vec<Line<'static>>,
    text: &str,
    width: usize,
    style: Style,
    first_prefix: &str,
    rest_prefix: &str,
) {
    let prefix_w = crate::wrap::width(first_prefix).max(crate::wrap::width(rest_prefix));
    for (i, line) in wrap(text, width.saturating_sub(prefix_w))
        .into_iter()
        .enumerate()
    {
        let prefix = if i == 0 { first_prefix } else { rest_prefix };
        out.push(Line::styled(format!("{prefix}{line}"), style));
    }
}

/// `parts` joined by `separator` into lines of at most `width` columns,
/// breaking between parts so "revision 2 (of 3)" stays on one line; a part
/// too long for a line of its own is word-wrapped.
fn join_wrapped(parts: &[String], separator: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for part in parts {
        let joined = if line.is_empty() {
            part.clone()
        } else {
            format!("{line}{separator}{part}")
        };
        if crate::wrap::width(&joined) <= width {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut pieces = wrap(part, width);
        line = pieces.pop().unwrap_or_default();
        lines.extend(pieces);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `2024-05-03 14:03 UTC`.
pub(crate) fn datetime(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// Columns the label of a tag section takes ("Organizations ").
const TAG_LABEL_COLS: usize = 14;

/// The story's tags under it, one labelled section per kind, empty ones
/// left out: people with their roles, organizations, places with their
/// country, topics with their labels, quotes with their speakers, and
/// figures with what they count.
fn push_tags(out: &mut Vec<Line<'static>>, tags: &Tags, width: usize) {
    if !tags.tagged {
        if !tags.language.is_empty() {
            out.push(Line::default());
            let note = format!("not tagged (language {})", tags.language);
            push_labeled(out, "Tags", &note, width, theme::DIM);
        }
        return;
    }
    let mut sections: Vec<(&str, Vec<String>)> = vec![
        ("People", people(tags)),
        ("Organizations", distinct(tags, &[EntityType::Org], false)),
        (
            "Places",
            distinct(tags, &[EntityType::Loc, EntityType::Norp], true),
        ),
    ];
    // Newsterm's short codes first: they are what `NI` takes.
    // A Media Topic a code stands for is that code again: shown once.
    let mut topics: Vec<_> = tags.distinct_topics().collect();
    topics.sort_by_key(|t| !t.is_mnemonic());
    sections.push((
        "Topics",
        topics
            .iter()
            .map(|t| format!("{} ({})", t.code, t.label))
            .collect(),
    ));
    let figures = tags.figures.iter().map(|f| match (f.kind, &f.what) {
        (FigureKind::Count, Some(what)) => format!("{} {what}", f.text),
        (FigureKind::Percent, Some(what)) => format!("{} of {what}", f.text),
        (_, Some(what)) => format!("{} ({what})", f.text),
        (_, None) => f.text.clone(),
    });
    let figures: Vec<String> = figures.collect();
    let quotes: Vec<String> = tags
        .quotes
        .iter()
        .map(|q| {
            let text = match q.kind {
                QuoteKind::Direct => format!("“{}”", q.text.trim()),
                QuoteKind::Reported => q.text.trim().to_string(),
            };
            match (&q.speaker, q.kind) {
                (Some(who), QuoteKind::Direct) => format!("{text} — {who}"),
                (Some(who), QuoteKind::Reported) => format!("{text} — {who} (reported)"),
                (None, _) => text,
            }
        })
        .collect();
    if sections.iter().all(|(_, items)| items.is_empty()) && quotes.is_empty() && figures.is_empty()
    {
        return;
    }
    out.push(Line::default());
    for (label, items) in sections {
        if !items.is_empty() {
            push_labeled(out, label, &items.join(" · "), width, theme::BASE);
        }
    }
    // One quote per line: they are sentences, not names.
    for (i, quote) in quotes.iter().enumerate() {
        let label = if i == 0 { "Quotes" } else { "" };
        push_labeled(out, label, quote, width, theme::BASE);
    }
    if !figures.is_empty() {
        push_labeled(out, "Figures", &figures.join(" · "), width, theme::BASE);
    }
}

/// People by name, each with the role the story gives them.
fn people(tags: &Tags) -> Vec<String> {
    tags.names(EntityType::Person)
        .into_iter()
        .map(|name| {
            let role = tags
                .entities
                .iter()
                .filter(|e| e.kind == EntityType::Person && e.canonical == name)
                .find_map(|e| e.role.as_deref());
            match role {
                Some(role) => format!("{name} ({role})"),
                None => name.to_string(),
            }
        })
        .collect()
}

/// Distinct names of entities of `kinds`, in order of first mention,
/// with their country code when `with_country`.
fn distinct(tags: &Tags, kinds: &[EntityType], with_country: bool) -> Vec<String> {
    let mut names: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for e in tags
        .entities
        .iter()
        .filter(|e| kinds.contains(&e.kind) && e.names_one_thing())
    {
        if names.contains(&e.canonical.as_str()) {
            continue;
        }
        names.push(&e.canonical);
        // A later mention may be the one resolved to a country.
        let country = tags
            .entities
            .iter()
            .filter(|o| kinds.contains(&o.kind) && o.canonical == e.canonical)
            .find_map(|o| o.country.as_deref());
        out.push(match country {
            Some(c) if with_country => format!("{} ({c})", e.canonical),
            _ => e.canonical.clone(),
        });
    }
    out
}

/// `text` wrapped beside a bold `label`, continuation lines indented
/// under the text so the labels stand in a column.
fn push_labeled(out: &mut Vec<Line<'static>>, label: &str, text: &str, width: usize, style: Style) {
    let text_width = width.saturating_sub(TAG_LABEL_COLS).max(1);
    for (i, line) in wrap(text, text_width).into_iter().enumerate() {
        let label = if i == 0 { label } else { "" };
        out.push(Line::from(vec![
            Span::styled(fit(label, TAG_LABEL_COLS), theme::BOLD),
            Span::styled(line, style),
        ]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{entity, revision_info, story, tagged_story};

    fn text(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn metadata_breaks_between_parts() {
        let parts: Vec<String> = ["By Jane Roe", "KHERSON", "revision 2 (of 3)"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            join_wrapped(&parts, " · ", 30),
            vec!["By Jane Roe · KHERSON", "revision 2 (of 3)"]
        );
    }

    #[test]
    fn revision_count_includes_revisions_seen_on_the_wire() {
        let id = StoryId::new();
        let mut reader = Reader::new(id, None);
        assert!(reader.receive_story(story(id, 1)));
        assert!(reader.receive_revisions(id, vec![revision_info(1)]));
        assert_eq!(reader.neighbour_revision(1), None);
        // A second revision lands live while the reader is open.
        reader.newest = 2;
        let lines = text(&reader.lines(100));
        assert!(
            lines.iter().any(|l| l.contains("revision 1 (of 2)")),
            "{lines:#?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("r2") && l.contains("press ]"))
        );
        assert_eq!(reader.neighbour_revision(1), Some(2));
    }

    #[test]
    fn a_story_for_another_id_is_refused() {
        let mut reader = Reader::new(StoryId::new(), None);
        assert!(!reader.receive_story(story(StoryId::new(), 1)));
        assert!(reader.story.is_none());
    }

    #[test]
    fn a_topic_code_and_the_media_topic_it_stands_for_show_once() {
        use newsterm_story::tags::Topic;
        let id = StoryId::new();
        let mut tagged = tagged_story(id);
        let topic = |code: &str, label: &str| Topic {
            code: code.into(),
            label: label.into(),
            score: 0.9,
        };
        tagged.tags.topics = vec![
            topic("medtop:16000000", "conflict, war and peace"),
            topic("CONFLICT", "war and armed conflict"),
            topic("medtop:20000053", "act of terror"),
        ];
        let mut reader = Reader::new(id, None);
        reader.receive_story(tagged);
        let lines = text(&reader.lines(120));
        let topics = lines
            .iter()
            .find(|l| l.starts_with("Topics"))
            .expect("a topics line");
        assert_eq!(
            topics,
            "Topics        CONFLICT (war and armed conflict) · medtop:20000053 (act of terror)"
        );
    }

    #[test]
    fn tags_show_under_the_story_section_by_section() {
        let id = StoryId::new();
        let mut reader = Reader::new(id, None);
        reader.receive_story(tagged_story(id));
        let lines = text(&reader.lines(78));
        for expected in [
            "People        Jane Roe (Foreign Minister)",
            "Organizations United Nations",
            "Places        Kyiv (UA) · Ukraine (UA)",
            // Wrapped at 78 columns, the continuation under the text.
            "Topics        DISASTER (disasters and accidents) · medtop:06000000",
            "              (environment)",
            "Quotes        “We will rebuild every bridge” — Jane Roe",
            "              the dam had been weakened for months — United Nations (reported)",
            "Figures       300,000 people · 70 percent of the city",
        ] {
            assert!(
                lines.iter().any(|l| l == expected),
                "no `{expected}` in {lines:#?}"
            );
        }
        let people = lines.iter().position(|l| l.starts_with("People"));
        let body = lines.iter().position(|l| l.contains("Buses left"));
        assert!(people > body, "tags come after the story text");
    }

    #[test]
    fn tags_wrap_under_their_text_and_skip_empty_sections() {
        let id = StoryId::new();
        let mut s = tagged_story(id);
        s.tags.quotes.clear();
        s.tags.figures.clear();
        s.tags.entities.retain(|e| e.kind == EntityType::Loc);
        s.tags.entities.extend((1..=12).map(|n| {
            let name = format!("Village{n}");
            entity(EntityType::Loc, &name, &name)
        }));
        let mut reader = Reader::new(id, None);
        reader.receive_story(s);
        let lines = text(&reader.lines(40));
        let places = lines
            .iter()
            .position(|l| l.starts_with("Places"))
            .expect("a places section");
        assert!(
            lines[places + 1].starts_with("              Village"),
            "{lines:#?}"
        );
        assert!(lines.iter().all(|l| crate::wrap::width(l) <= 40));
        for absent in ["People", "Organizations", "Quotes", "Figures"] {
            assert!(
                !lines.iter().any(|l| l.starts_with(absent)),
                "{absent}: {lines:#?}"
            );
        }
    }

    #[test]
    fn a_story_without_bullets_shows_the_tagger_highlights_instead() {
        use newsterm_story::tags::Highlight;
        let id = StoryId::new();
        let mut s = story(id, 1);
        s.content.bullets.clear();
        s.tags.highlights = vec![Highlight {
            start: 0,
            end: 10,
            text: "The river burst its banks overnight.".into(),
        }];
        let mut reader = Reader::new(id, None);
        reader.receive_story(s.clone());
        let lines = text(&reader.lines(100));
        assert!(
            lines.contains(&"highlights (newsterm):".to_string()),
            "{lines:#?}"
        );
        assert!(
            lines.contains(&"• The river burst its banks overnight.".to_string()),
            "{lines:#?}"
        );

        // Publisher bullets win over highlights.
        s.content.bullets = vec!["Bridge closed".into()];
        let mut reader = Reader::new(id, None);
        reader.receive_story(s);
        let lines = text(&reader.lines(100));
        assert!(
            !lines.iter().any(|l| l.contains("highlights (newsterm)")),
            "{lines:#?}"
        );
    }

    #[test]
    fn the_reader_unfolds_the_sources_carrying_a_story_and_its_event() {
        use crate::fixtures::headline;
        use newsterm_story::Priority;
        let id = StoryId::new();
        let mut own = headline(1, Priority::Urgent, "Dam bursts upstream of Kherson");
        own.id = id;
        let copy = |seq: u64, source: &str| {
            let mut h = headline(seq, Priority::Urgent, "Kherson dam breached");
            h.source = Some(source.into());
            h.mark.duplicate_of = Some(id);
            h
        };
        let mut follow_up = headline(9, Priority::Normal, "Kherson flood waters recede");
        follow_up.source = Some("River Post".into());
        let event = EventInfo {
            event: newsterm_story::EventId::new_at(own.published),
            label: "Dam bursts upstream of Kherson".into(),
            first: own.published,
            last: follow_up.published,
            stories: vec![
                own,
                copy(2, "Northern Post"),
                copy(3, "Iberia Daily"),
                follow_up,
            ],
            sources: vec![
                "Wikinews".into(),
                "Northern Post".into(),
                "Iberia Daily".into(),
                "River Post".into(),
            ],
            people: Vec::new(),
            organisations: Vec::new(),
            places: Vec::new(),
            topics: Vec::new(),
            velocity: newsterm_api::Velocity {
                last_hour: 1,
                first_hour: 3,
            },
        };
        let mut reader = Reader::new(id, None);
        reader.receive_story(story(id, 1));
        let before = text(&reader.lines(120));
        assert!(!before.iter().any(|l| l.starts_with("Also carried by")));
        // Another story's event is not this one's.
        assert!(!reader.receive_event(StoryId::new(), event.clone()));
        assert!(reader.receive_event(id, event.clone()));
        let lines = text(&reader.lines(120));
        let carried = lines
            .iter()
            .position(|l| l == "Also carried by Northern Post, Iberia Daily")
            .unwrap_or_else(|| panic!("{lines:#?}"));
        let body = lines.iter().position(|l| l.contains("Buses left")).unwrap();
        assert!(carried < body, "the sources come before the body");
        let at = lines
            .iter()
            .position(|l| l.starts_with("Event   Dam bursts upstream of Kherson"))
            .unwrap_or_else(|| panic!("{lines:#?}"));
        assert!(
            lines[at + 1].starts_with("4 stories from 4 sources"),
            "{}",
            lines[at + 1]
        );
        assert!(lines[at + 1].ends_with("1 in the last hour, 3 in its first"));
        let listed: Vec<&String> = lines[at + 2..at + 5].iter().collect();
        assert!(listed[0].contains("Northern Post  Kherson dam breached (copy)"));
        assert!(listed[2].contains("River Post  Kherson flood waters recede"));
        assert!(!listed[2].contains("(copy)"));

        // Opened from a copy, the reader names the story it repeats.
        let copy_id = event.stories[1].id;
        let mut from_copy = Reader::new(copy_id, None);
        from_copy.receive_story(Story {
            mark: newsterm_story::RevisionMark {
                duplicate_of: Some(id),
                ..Default::default()
            },
            ..story(copy_id, 1)
        });
        from_copy.receive_event(copy_id, event);
        assert!(
            text(&from_copy.lines(120)).contains(
                &"A copy of Wikinews's story: Dam bursts upstream of Kherson".to_string()
            )
        );
    }

    #[test]
    fn a_correction_note_and_a_withdrawal_reason_come_above_the_body() {
        let id = StoryId::new();
        let mut s = story(id, 2);
        s.mark.kind = newsterm_story::RevisionKind::Correction;
        s.mark.note = Some("An earlier version gave the wrong river.".into());
        let mut reader = Reader::new(id, None);
        reader.receive_story(s.clone());
        let lines = text(&reader.lines(100));
        let note = lines
            .iter()
            .position(|l| l == "Correction: An earlier version gave the wrong river.")
            .unwrap_or_else(|| panic!("{lines:#?}"));
        let body = lines.iter().position(|l| l.contains("Buses left")).unwrap();
        assert!(note < body);

        s.mark.kind = newsterm_story::RevisionKind::Withdrawal;
        s.mark.note = Some("Legal reasons".into());
        let mut reader = Reader::new(id, None);
        reader.receive_story(s);
        assert!(text(&reader.lines(100)).contains(&"WITHDRAWN: Legal reasons".to_string()));
        // An update says nothing of the kind.
        let mut reader = Reader::new(id, None);
        reader.receive_story(story(id, 2));
        assert!(
            !text(&reader.lines(100))
                .iter()
                .any(|l| l.starts_with("Correction") || l.starts_with("WITHDRAWN"))
        );
    }

    #[test]
    fn an_untagged_language_says_so() {
        let id = StoryId::new();
        let mut s = story(id, 1);
        s.tags.language = "de".into();
        let mut reader = Reader::new(id, None);
        reader.receive_story(s);
        let lines = text(&reader.lines(78));
        assert!(
            lines
                .iter()
                .any(|l| l == "Tags          not tagged (language de)"),
            "{lines:#?}"
        );
        // A story never tagged at all says nothing about tags.
        let mut reader = Reader::new(id, None);
        reader.receive_story(story(id, 1));
        assert!(!text(&reader.lines(78)).iter().any(|l| l.contains("tagged")));
    }
}
