//! The story reader: which story and revision is open, and the story laid
//! out as styled lines for a given width.
//!
//! Layout happens here rather than in the widget so the app can tell how
//! far the text scrolls: the lines are the same ones drawn.

use newsterm_api::RevisionInfo;
use newsterm_story::{Block, Story, StoryId};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use time::OffsetDateTime;

use crate::theme;
use crate::wrap::{truncate, wrap};

#[derive(Debug)]
pub(crate) struct Reader {
    pub id: StoryId,
    /// Revision asked for; `None` for the latest.
    pub wanted: Option<u32>,
    /// The revision on screen, once it has arrived.
    pub story: Option<Story>,
    pub revisions: Vec<RevisionInfo>,
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
        if !c.bullets.is_empty() {
            out.push(Line::default());
            for b in &c.bullets {
                push_wrapped(&mut out, b, width, theme::BASE, "• ", "  ");
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
        let tags = tag_summary(story);
        if !tags.is_empty() {
            if c.keywords.is_empty() {
                out.push(Line::default());
            }
            push_wrapped(
                &mut out,
                &format!("Tags: {tags}"),
                width,
                theme::DIM,
                "",
                "      ",
            );
        }
        self.push_revisions(&mut out, story.revision, width);
        out
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

/// Tags as one line: `places: Kyiv, Lviv; topics: conflict`. Tagging stores
/// free-form JSON, so only the plain values (strings, and names of objects)
/// are shown.
fn tag_summary(story: &Story) -> String {
    story
        .tags
        .fields
        .iter()
        .filter_map(|(key, value)| {
            // A value is a name, an object with a `name`, or a list of those.
            let items = value
                .as_array()
                .map_or(std::slice::from_ref(value), Vec::as_slice);
            let names: Vec<&str> = items
                .iter()
                .filter_map(|v| v.as_str().or_else(|| v.get("name")?.as_str()))
                .collect();
            (!names.is_empty()).then(|| format!("{key}: {}", names.join(", ")))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{revision_info, story};

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
    fn tags_show_names_of_any_shape() {
        let id = StoryId::new();
        let mut s = story(id, 1);
        let tags = serde_json::json!({
            "places": ["Kyiv", {"name": "Lviv", "lat": 49.8}],
            "topic": "conflict",
            "score": 0.9
        });
        if let serde_json::Value::Object(fields) = tags {
            s.tags.fields = fields;
        }
        let mut reader = Reader::new(id, None);
        reader.receive_story(s);
        let lines = text(&reader.lines(100));
        assert!(
            lines.contains(&"Tags: places: Kyiv, Lviv; topic: conflict".to_string()),
            "{lines:#?}"
        );
    }
}
