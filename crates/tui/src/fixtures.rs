//! Headlines, stories and screens for the tests.

use newsterm_api::{Headline, RevisionInfo};
use newsterm_story::{Block, Priority, Story, StoryContent, StoryId, Tags};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use time::OffsetDateTime;

use crate::{App, Command, Update, render};

/// 2024-05-03 12:00 UTC, the tests' "now".
pub fn noon() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_714_737_600).unwrap()
}

pub fn headline(seq: u64, priority: Priority, text: &str) -> Headline {
    Headline {
        seq,
        id: StoryId::new(),
        revision: 1,
        headline: text.to_string(),
        published: noon() + time::Duration::minutes(seq as i64),
        priority,
        source: Some("Wikinews".into()),
        language: "en".into(),
        topic: None,
    }
}

pub fn story(id: StoryId, revision: u32) -> Story {
    Story {
        id,
        revision,
        seq: 40 + u64::from(revision),
        content: StoryContent {
            headline: format!("Dam bursts upstream of Kherson (rev {revision})"),
            bullets: vec![
                "Thousands evacuated along the river".into(),
                "Water expected to peak on Thursday".into(),
            ],
            caption: Some("Flooded streets near the port".into()),
            credit: Some("Jane Roe".into()),
            body: vec![
                Block::Paragraph("Officials said the water rose overnight.".into()),
                Block::Subhead("Evacuations".into()),
                Block::Paragraph("Buses left the city at dawn.".into()),
            ],
            byline: Some("John Doe".into()),
            dateline: Some("KHERSON".into()),
            source: Some("Wikinews".into()),
            url: Some("https://en.wikinews.org/wiki/Dam".into()),
            language: "en".into(),
            priority: Priority::Urgent,
            published: noon(),
            updated: None,
            keywords: vec!["floods".into(), "Ukraine".into()],
        },
        tags: Tags::default(),
        received: noon(),
    }
}

pub fn revision_info(revision: u32) -> RevisionInfo {
    RevisionInfo {
        revision,
        seq: 40 + u64::from(revision),
        headline: format!("Dam bursts (rev {revision})"),
        received: noon() + time::Duration::minutes(i64::from(revision)),
    }
}

/// An app showing the monitor with `headlines` as its backfill.
pub fn monitor(headlines: Vec<Headline>) -> App {
    let mut app = App::new();
    app.start();
    app.apply(Update::Clock(noon()));
    app.apply(Update::Headlines {
        query: None,
        headlines,
    });
    app
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Types `text` and presses Enter, returning the commands Enter produced.
pub fn enter(app: &mut App, text: &str) -> Vec<Command> {
    for c in text.chars() {
        app.handle_key(key(KeyCode::Char(c)));
    }
    app.handle_key(key(KeyCode::Enter))
}

pub fn draw(app: &mut App, width: u16, height: u16) -> Buffer {
    app.resize(width, height);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| render(app, f)).unwrap();
    terminal.backend().buffer().clone()
}

/// The screen as text, one line per row, trailing spaces trimmed.
pub fn screen(buffer: &Buffer) -> Vec<String> {
    let area = buffer.area;
    (0..area.height)
        .map(|y| {
            let line: String = (0..area.width).map(|x| buffer[(x, y)].symbol()).collect();
            line.trim_end().to_string()
        })
        .collect()
}

/// The row of the screen whose text contains `needle`.
pub fn row_of(lines: &[String], needle: &str) -> usize {
    lines
        .iter()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` not on screen:\n{}", lines.join("\n")))
}
