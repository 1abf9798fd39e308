//! Headlines, stories and screens for the tests.

use newsterm_api::{
    AlertDelivery, AlertHit, AlertInfo, EntityCount, Headline, RevisionInfo, SearchHit,
    SourceHealth, SourceInfo,
};
use newsterm_story::tags::{Entity, EntityType, Figure, FigureKind, Quote, QuoteKind, Topic};
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

/// A search hit for the story of a headline row.
pub fn hit_of(h: Headline, score: f32, snippet: &str) -> SearchHit {
    SearchHit {
        id: h.id,
        revision: h.revision,
        headline: h.headline,
        published: h.published,
        priority: h.priority,
        source: h.source,
        score,
        snippet: snippet.to_string(),
        topic: h.topic,
    }
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
        revised: None,
        mark: newsterm_story::RevisionMark::default(),
        carried_by: Vec::new(),
        places: Vec::new(),
    }
}

pub fn story(id: StoryId, revision: u32) -> Story {
    Story {
        id,
        revision,
        seq: 40 + u64::from(revision),
        ..Story::new(
            StoryContent {
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
            noon(),
        )
    }
}

pub fn entity(kind: EntityType, text: &str, canonical: &str) -> Entity {
    Entity {
        canonical: canonical.into(),
        ..Entity::mention(kind, 0, 1, text)
    }
}

/// The fixture story, tagged: a minister, the UN, Kyiv and a demonym,
/// two quotes, two figures and two topics.
pub fn tagged_story(id: StoryId) -> Story {
    let mut s = story(id, 1);
    let mut minister = entity(EntityType::Person, "Jane Roe", "Jane Roe");
    minister.role = Some("Foreign Minister".into());
    let mut kyiv = entity(EntityType::Loc, "Kyiv", "Kyiv");
    kyiv.country = Some("UA".into());
    let mut ukrainian = entity(EntityType::Norp, "Ukrainian", "Ukraine");
    ukrainian.country = Some("UA".into());
    s.tags = Tags {
        language: "en".into(),
        tagged: true,
        entities: vec![
            entity(EntityType::Person, "Roe", "Jane Roe"),
            minister,
            entity(EntityType::Org, "UN", "United Nations"),
            kyiv,
            ukrainian,
        ],
        quotes: vec![
            Quote {
                start: 0,
                end: 1,
                text: "We will rebuild every bridge".into(),
                speaker: Some("Jane Roe".into()),
                kind: QuoteKind::Direct,
            },
            Quote {
                start: 2,
                end: 3,
                text: "the dam had been weakened for months".into(),
                speaker: Some("United Nations".into()),
                kind: QuoteKind::Reported,
            },
        ],
        figures: vec![
            Figure {
                start: 0,
                end: 1,
                text: "300,000".into(),
                kind: FigureKind::Count,
                value: 300_000.0,
                unit: None,
                what: Some("people".into()),
            },
            Figure {
                start: 0,
                end: 1,
                text: "70 percent".into(),
                kind: FigureKind::Percent,
                value: 70.0,
                unit: Some("%".into()),
                what: Some("the city".into()),
            },
        ],
        topics: vec![
            Topic {
                code: "medtop:06000000".into(),
                label: "environment".into(),
                score: 0.9,
            },
            Topic {
                code: "DISASTER".into(),
                label: "disasters and accidents".into(),
                score: 0.8,
            },
        ],
        highlights: Vec::new(),
        ..Tags::default()
    };
    s
}

/// A facet entry: `name` in `count` stories.
pub fn count(name: &str, count: u64, detail: Option<&str>) -> EntityCount {
    EntityCount {
        name: name.into(),
        detail: detail.map(str::to_string),
        count,
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

/// Alert `id`, delivered to terminals and its feed.
pub fn alert(id: u64, name: &str, query: &str) -> AlertInfo {
    AlertInfo {
        id,
        name: name.into(),
        query: query.into(),
        delivery: AlertDelivery {
            stream: true,
            webhook: None,
            feed: true,
        },
        created: noon(),
    }
}

/// Alert `alert` firing on `story` as it was published.
pub fn alert_hit(alert: u64, name: &str, story: Headline) -> AlertHit {
    AlertHit {
        alert,
        name: name.into(),
        at: story.published,
        story,
    }
}

/// A source at `url` polled every 5 minutes, never polled yet.
pub fn source(id: i64, url: &str) -> SourceInfo {
    SourceInfo {
        id,
        url: url.into(),
        name: None,
        every: "5m".into(),
        priority: Priority::Normal,
        paused: false,
        status: SourceHealth::default(),
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

/// A TOP row for `latest`, carried by `sources`.
pub fn top_entry(latest: Headline, sources: &[&str]) -> newsterm_api::TopEntry {
    newsterm_api::TopEntry {
        event: newsterm_story::EventId::new_at(latest.published),
        label: latest.headline.clone(),
        priority: latest.priority,
        stories: sources.len() as u64,
        sources: sources.iter().map(|s| s.to_string()).collect(),
        first: latest.published,
        last: latest.published,
        velocity: Default::default(),
        score: 1.0,
        latest,
    }
}

/// An event made of `stories`, as `GET /api/events/{id}` answers.
pub fn event_info(
    event: newsterm_story::EventId,
    stories: Vec<Headline>,
) -> newsterm_api::EventInfo {
    let mut sources: Vec<String> = Vec::new();
    for s in stories.iter().filter_map(|s| s.source.clone()) {
        if !sources.contains(&s) {
            sources.push(s);
        }
    }
    newsterm_api::EventInfo {
        event,
        label: stories
            .first()
            .map(|s| s.headline.clone())
            .unwrap_or_default(),
        first: stories.first().map_or_else(noon, |s| s.published),
        last: stories.last().map_or_else(noon, |s| s.published),
        stories,
        sources,
        people: Vec::new(),
        organisations: Vec::new(),
        places: Vec::new(),
        topics: Vec::new(),
        velocity: Default::default(),
    }
}
