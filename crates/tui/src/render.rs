//! Drawing the app: status bar, the list, reader or help in the middle,
//! a message line, and the command line at the bottom.
//!
//! Lists truncate with `…` rather than wrap so one story is one line, and
//! every line fits 80 columns. Once alerts fire, the newest of their hits
//! sit in a pane under the list.

mod standing;

use newsterm_story::Priority;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use time::OffsetDateTime;

use crate::app::{App, View, reader_viewport};
use crate::connection::Connection;
use crate::entities::{EntityKind, EntityPage, Focus};
use crate::event_page::{EventPage, is_rising};
use crate::function::{self, ReadWindow};
use crate::rows::Row;
use crate::theme;
use crate::wrap::{fit, truncate, width};

/// Draws the whole screen for `app`.
pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    frame.buffer_mut().set_style(area, theme::BASE);
    let [status, main, pane, message, prompt] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(app.alert_pane_lines()),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(status_line(app, status.width), status);
    if app.help {
        frame.render_widget(
            Paragraph::new(help_lines(main.width, app.web.as_deref())),
            main,
        );
    } else if app.reader.is_some() {
        render_reader(app, frame, main);
    } else if app.view == View::Entities {
        render_entity_list(app, frame, main);
    } else if let (View::Entity, Some(page)) = (app.view, &app.page) {
        render_page(app, page, frame, main);
    } else if let (View::Event, Some(page)) = (app.view, &app.event) {
        render_event(app, page, frame, main);
    } else if app.view == View::Alerts {
        standing::render_alerts(app, frame, main);
    } else if app.view == View::Sources {
        standing::render_sources(app, frame, main);
    } else {
        render_list(app, frame, main, true);
    }
    standing::render_alert_pane(app, frame, pane);
    frame.render_widget(message_line(app, message.width), message);
    render_prompt(app, frame, prompt);
}

fn status_line(app: &App, cols: u16) -> Line<'static> {
    let label = if app.help {
        "HELP".to_string()
    } else if let Some(reader) = &app.reader {
        format!("READ {}", reader.id)
    } else {
        match app.view {
            View::Monitor => match &app.monitor.query {
                // `NI CONFLICT` is how the user asked for it.
                Some(q) => match q.strip_prefix("topic:") {
                    Some(code) if !code.contains(char::is_whitespace) => format!("NI {code}"),
                    _ => format!("N {q}"),
                },
                None => "N".to_string(),
            },
            View::First => "FIRST".to_string(),
            View::Search => format!("NSE {}", app.search.query),
            View::Top => "TOP".to_string(),
            View::Read => match app.read.window {
                ReadWindow::Hour => "READ".to_string(),
                ReadWindow::Day => "READ DAY".to_string(),
            },
            View::Entities => app.entity_list.kind.mnemonic().to_string(),
            View::Entity => match &app.page {
                Some(page) => format!("{} {}", page.kind.mnemonic(), page.name),
                None => String::new(),
            },
            View::Event => match &app.event {
                Some(page) => format!("EVT {}", page.id),
                None => "EVT".to_string(),
            },
            View::Alerts => "ALRT".to_string(),
            View::Sources => "SRC".to_string(),
        }
    };
    let (rows, _) = app.list();
    let shown = rows.len() as u64;
    let count = match app.view {
        View::Search if app.search.failed => "search failed".to_string(),
        View::Search => format!("{} of {}", thousands(shown), thousands(app.search.total)),
        View::First => format!("{} flash/urgent", thousands(shown)),
        // The monitor keeps the newest stories; the server holds them all.
        View::Monitor => match app.monitor.stories {
            Some(total) if app.monitor.query.is_none() && total > shown => {
                format!(
                    "{} of {}",
                    thousands(shown),
                    plural(total, "story", "stories")
                )
            }
            _ => plural(shown, "story", "stories"),
        },
        View::Top => plural(shown, "top story", "top stories"),
        View::Event => plural(shown, "story", "stories"),
        View::Read => format!(
            "{} read in the last {}",
            plural(shown, "story", "stories"),
            app.read.window.as_str()
        ),
        View::Entities => format!(
            "{} {}",
            thousands(app.entity_list.entries.len() as u64),
            app.entity_list.kind.plural()
        ),
        View::Entity => plural(app.page.as_ref().map_or(0, |p| p.total), "story", "stories"),
        View::Alerts => plural(app.alert_screen.alerts.len() as u64, "alert", "alerts"),
        View::Sources => {
            let sources = plural(app.sources.sources.len() as u64, "source", "sources");
            match app.sources.failing() {
                0 => sources,
                failing => format!("{sources}, {failing} failing"),
            }
        }
    };
    let connection = match &app.connection {
        Connection::Connecting => "○ connecting",
        Connection::Live => "● live",
        Connection::Reconnecting(_) => "○ reconnecting",
        Connection::Stopped(_) => "✕ not live",
    };
    // On a cluster node: which node, and how far it trails the stream.
    let node = match &app.cluster {
        Some(c) if c.behind > 0 => format!("{} {} behind  ", c.node, thousands(c.behind)),
        Some(c) => format!("{}  ", c.node),
        None => String::new(),
    };
    // After a tagger upgrade: how many stories still carry the old tags.
    let retag = match app.retag_pending {
        0 => String::new(),
        n => format!("retagging {} left  ", thousands(n)),
    };
    let now = app.now.to_offset(time::UtcOffset::UTC);
    let right = format!(
        "{retag}{node}{connection}  {count}  {:02}:{:02}:{:02} UTC ",
        now.hour(),
        now.minute(),
        now.second()
    );
    // Unread alerts stand out, left of the rest, until the user opens ALRT.
    let unread = match app.alert_pane.unread {
        0 => String::new(),
        n => format!(" {} ", plural(n as u64, "new alert", "new alerts")),
    };
    let right = if unread.is_empty() {
        right
    } else {
        format!(" {right}")
    };
    let cols = usize::from(cols);
    // Where the web terminal is, when the bar has room for it beside the
    // whole label (the help screen always says).
    let right = match &app.web {
        Some(url)
            if width(&label) + 2 + width(&unread) + width(&right) + width(url) + 6 <= cols =>
        {
            format!("web {url}  {right}")
        }
        _ => right,
    };
    let left_cols = cols.saturating_sub(width(&right) + width(&unread));
    Line::from(vec![
        Span::styled(
            fit(&format!(" {label}"), left_cols),
            theme::STATUS.add_modifier(Modifier::BOLD),
        ),
        Span::styled(truncate(&unread, cols), theme::UNREAD),
        Span::styled(
            truncate(&right, cols.saturating_sub(width(&unread))),
            theme::STATUS,
        ),
    ])
}

/// `1 story`, `1,302 stories`.
fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// The list of story rows on screen, with the selected one reversed
/// when `highlight` (an entity page moves it off its stories).
fn render_list(app: &App, frame: &mut Frame, area: Rect, highlight: bool) {
    if area.height == 0 {
        return;
    }
    let cols = usize::from(area.width);
    // Story lists show topics; the entity lists and pages have columns
    // of their own.
    let topics = matches!(
        app.view,
        View::Monitor | View::First | View::Top | View::Read | View::Search | View::Event
    );
    let (rows, cursor) = app.list();
    let columns = Columns {
        // As wide as the widest time in the list, so rows line up whether
        // it holds only today's stories or last year's too.
        time: rows
            .iter()
            .map(|r| width(&short_time(r.shown_time(), app.now)))
            .max()
            .unwrap_or(0)
            .max(TIME_COLS),
        source: match (cols >= 120, topics) {
            (true, _) => 18,
            (false, true) => 10,
            (false, false) => 12,
        },
        topic: topics,
    };
    let [header, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let heading = row_text("UTC", "PRI", "SOURCE", Some("TOPIC"), "HEADLINE", columns);
    frame.render_widget(
        Line::styled(fit(&heading, cols), theme::DIM.add_modifier(Modifier::BOLD)),
        header,
    );

    if rows.is_empty() {
        frame.render_widget(Line::styled(empty_list_text(app), theme::DIM), body);
        return;
    }
    let height = usize::from(body.height);
    let (first, selected) = cursor.window(&rows, height);
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, row)| {
            let style = if row.withdrawn.is_some() {
                theme::DIM.add_modifier(Modifier::CROSSED_OUT)
            } else {
                theme::priority(row.priority)
            };
            let style = if i == selected && highlight {
                theme::selected(style)
            } else {
                style
            };
            Line::styled(fit(&list_row(row, app.now, columns), cols), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
}

fn empty_list_text(app: &App) -> String {
    match app.view {
        View::Monitor if app.monitor.loading => "loading the latest headlines…".into(),
        View::Monitor => match &app.monitor.query {
            Some(q) => format!("no headlines match {q} yet; new ones appear here as they land"),
            None => "no headlines yet; new ones appear here as they land".into(),
        },
        View::First if app.monitor.loading => "loading the latest headlines…".into(),
        View::First => "no flash or urgent headlines yet; they appear here as they land".into(),
        View::Search if app.search.pending.is_some() => "searching…".into(),
        View::Search if app.search.failed => {
            format!(
                "the search for {} failed; the reason is below",
                app.search.query
            )
        }
        View::Search => format!("no stories match {}", app.search.query),
        View::Top if app.top.loading => "loading top stories…".into(),
        View::Top => "no top stories right now".into(),
        View::Event if app.event.as_ref().is_some_and(|e| e.loading) => {
            "loading the event's stories…".into()
        }
        View::Event => "every story of this event was withdrawn".into(),
        View::Read if app.read.loading => "counting what readers opened…".into(),
        View::Read => format!(
            "no story opened in the last {}; READ DAY looks back a day",
            app.read.window.as_str()
        ),
        View::Entities if app.entity_list.loading => {
            format!(
                "loading the most mentioned {}…",
                app.entity_list.kind.plural()
            )
        }
        View::Entities => format!("no {} tagged yet", app.entity_list.kind.plural()),
        View::Entity => match &app.page {
            Some(p) if p.loading => format!("loading stories about {}…", p.name),
            Some(p) => format!("no stories mention {}", p.name),
            None => String::new(),
        },
        View::Alerts if app.alert_screen.loading => "loading alerts…".into(),
        View::Alerts => "no alerts yet: ALRT ADD <name> <query> adds one".into(),
        View::Sources if app.sources.loading => "loading feed sources…".into(),
        View::Sources => "no feed sources yet: SRC ADD <url> [every] adds one".into(),
    }
}

/// `PPL`, `ORG`, `GEO`, `NI` alone: entities with their story counts,
/// most mentioned first.
fn render_entity_list(app: &App, frame: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let cols = usize::from(area.width);
    let list = &app.entity_list;
    let [header, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let singular = match list.kind {
        EntityKind::Person => "PERSON",
        EntityKind::Org => "ORGANIZATION",
        EntityKind::Place => "PLACE (COUNTRY)",
        EntityKind::Topic => "TOPIC",
    };
    frame.render_widget(
        Line::styled(
            fit(&format!("{:>7} · {singular}", "STORIES"), cols),
            theme::DIM.add_modifier(Modifier::BOLD),
        ),
        header,
    );
    if list.entries.is_empty() {
        frame.render_widget(Line::styled(empty_list_text(app), theme::DIM), body);
        return;
    }
    let height = usize::from(body.height);
    let (first, selected) = list.selection.window(list.entries.len(), height);
    let lines: Vec<Line> = list
        .entries
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, e)| {
            let count = if e.count > 0 {
                thousands(e.count)
            } else {
                String::new()
            };
            let label = match (list.kind, &e.detail) {
                (EntityKind::Topic, Some(label)) => format!("{} {label}", fit(&e.name, 10)),
                _ => entity_label(list.kind, &e.name, e.detail.as_deref()),
            };
            let style = if i == selected {
                theme::selected(theme::BASE)
            } else {
                theme::BASE
            };
            Line::styled(fit(&format!("{count:>7} · {label}"), cols), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
}

/// How an entity reads in a list: places with their country code.
fn entity_label(kind: EntityKind, name: &str, detail: Option<&str>) -> String {
    match (kind, detail) {
        (EntityKind::Place, Some(country)) => format!("{name} ({country})"),
        _ => name.to_string(),
    }
}

/// An entity page: its latest stories on top, and below them four
/// columns of the people, organizations, places and topics its stories
/// also mention.
fn render_page(app: &App, page: &EntityPage, frame: &mut Frame, area: Rect) {
    let (story_rows, related_rows) = page.heights(usize::from(area.height));
    let [stories, grid] = Layout::vertical([
        Constraint::Length(story_rows as u16 + 1),
        Constraint::Min(0),
    ])
    .areas(area);
    render_list(app, frame, stories, page.focus == Focus::Stories);
    if grid.height == 0 {
        return;
    }
    let cols = usize::from(grid.width);
    let width = |column: usize| {
        let base = cols / EntityKind::ALL.len();
        // The last column takes what division leaves over.
        if column + 1 == EntityKind::ALL.len() {
            cols - base * column
        } else {
            base
        }
    };
    let heading: String = EntityKind::ALL
        .iter()
        .enumerate()
        .map(|(column, kind)| fit(&kind.plural().to_uppercase(), width(column)))
        .collect();
    let mut lines = vec![Line::styled(
        heading,
        theme::DIM.add_modifier(Modifier::BOLD),
    )];
    let (focus_column, focus_row) = match page.focus {
        Focus::Related { column, row } => (Some(column), row),
        Focus::Stories => (None, 0),
    };
    let first = (focus_row + 1).saturating_sub(related_rows);
    for row in first..first + related_rows {
        let spans = EntityKind::ALL
            .iter()
            .enumerate()
            .map(|(column, &kind)| {
                let w = width(column);
                let related = &page.related[column];
                let Some(e) = related.entries.get(row) else {
                    let note = match (row, related.loading) {
                        (0, true) => "loading…",
                        (0, false) => "—",
                        _ => "",
                    };
                    return Span::styled(fit(note, w), theme::DIM);
                };
                let label = entity_label(kind, &e.name, e.detail.as_deref());
                let count = format!("{:>5} ", thousands(e.count));
                let text = if w > count.len() + 2 {
                    format!("{}{count}", fit(&label, w - count.len()))
                } else {
                    fit(&label, w)
                };
                let style = if focus_column == Some(column) && focus_row == row {
                    theme::selected(theme::BASE)
                } else {
                    theme::BASE
                };
                Span::styled(text, style)
            })
            .collect::<Vec<_>>();
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), grid);
}

/// An event's page: what it is, how big and how fast, what it names,
/// then its stories, newest first.
fn render_event(app: &App, page: &EventPage, frame: &mut Frame, area: Rect) {
    let mut header = page.header(usize::from(area.width));
    // The list keeps at least half the screen.
    header.truncate(usize::from(area.height / 2).saturating_sub(1));
    header.push(Line::default());
    let [top, list] =
        Layout::vertical([Constraint::Length(header.len() as u16), Constraint::Min(0)]).areas(area);
    frame.render_widget(Paragraph::new(header), top);
    render_list(app, frame, list, true);
}

/// Widths of a story list's columns.
#[derive(Debug, Clone, Copy)]
struct Columns {
    time: usize,
    source: usize,
    /// Whether the list shows each story's topic code.
    topic: bool,
}

/// Columns a topic code gets: `CONFLICT`, `DIPLOMAC…`.
const TOPIC_COLS: usize = 8;

/// `HH:MM · PRIORITY · SOURCE · TOPIC · rN Headline`, before fitting to the screen.
fn list_row(row: &Row, now: OffsetDateTime, columns: Columns) -> String {
    let priority = match row.priority {
        Priority::Flash => "FLASH",
        Priority::Urgent => "URGENT",
        // Most stories are normal: a blank column lets the others stand out.
        Priority::Normal => "",
    };
    let mut headline = if row.revision > 1 {
        format!("r{} {}", row.revision, row.headline)
    } else {
        row.headline.clone()
    };
    if let Some(reason) = &row.withdrawn {
        headline = format!("WITHDRAWN {headline}: {reason}");
    }
    if let Some(readers) = row.readers {
        headline = format!("{} · {headline}", plural(readers, "reader", "readers"));
    }
    match row.carried_by.len() {
        0 => {}
        1 => headline.push_str("  +1 source"),
        n => headline.push_str(&format!("  +{n} sources")),
    }
    // TOP: stories in the last hour, and whether the event is speeding up.
    if let Some(v) = row.velocity.filter(|v| v.last_hour > 0) {
        let rising = if is_rising(v) { "▲" } else { "" };
        headline.push_str(&format!("  {rising}{}/h", v.last_hour));
    }
    row_text(
        &short_time(row.shown_time(), now),
        priority,
        row.source.as_deref().unwrap_or("—"),
        Some(row.topic.as_deref().unwrap_or("")),
        &headline,
        columns,
    )
}

fn row_text(
    time: &str,
    priority: &str,
    source: &str,
    topic: Option<&str>,
    headline: &str,
    columns: Columns,
) -> String {
    let topic = match topic {
        Some(t) if columns.topic => format!("{} · ", fit(t, TOPIC_COLS)),
        _ => String::new(),
    };
    format!(
        "{} · {} · {} · {topic}{headline}",
        fit(time, columns.time),
        fit(priority, 6),
        fit(source, columns.source)
    )
}

/// Columns of the time column at least: `HH:MM`.
const TIME_COLS: usize = 5;

/// `19:04` for today (UTC), `15 Jul` earlier this year, `15 Jul 2024`
/// for other years: a date never reads as a time, nor a year as this one.
pub(crate) fn short_time(t: OffsetDateTime, now: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let now = now.to_offset(time::UtcOffset::UTC);
    let month = &t.month().to_string()[..3];
    if t.date() == now.date() {
        format!("{:02}:{:02}", t.hour(), t.minute())
    } else if t.year() == now.year() {
        format!("{:02} {month}", t.day())
    } else {
        format!("{:02} {month} {}", t.day(), t.year())
    }
}

fn render_reader(app: &App, frame: &mut Frame, area: Rect) {
    let Some(reader) = &app.reader else { return };
    let (cols, _) = reader_viewport((area.width, area.height));
    let lines = reader.lines(cols);
    let height = usize::from(area.height);
    let scroll = reader.scroll.min(lines.len().saturating_sub(height));
    let text: Vec<Line> = lines.into_iter().skip(scroll).take(height).collect();
    let inner = Rect {
        x: area.x + 1,
        width: area.width.saturating_sub(2),
        ..area
    };
    frame.render_widget(Paragraph::new(text), inner);
}

/// Columns the help screen gives a function's or a key's name.
const HELP_NAME_COLS: usize = 15;

/// The help screen: the functions, where the web terminal is (between
/// the functions and the keys, so the screen fits 24 rows), the keys.
fn help_lines(cols: u16, web: Option<&str>) -> Vec<Line<'static>> {
    let cols = usize::from(cols);
    let mut lines = vec![Line::styled(
        truncate(
            " Functions: type one on the command line, Enter is GO (case does not matter)",
            cols,
        ),
        theme::BOLD,
    )];
    for (name, what) in function::HELP {
        lines.push(Line::styled(
            truncate(&format!("   {} {what}", fit(name, HELP_NAME_COLS)), cols),
            theme::BASE,
        ));
    }
    lines.push(match web {
        Some(url) => Line::from(vec![
            Span::styled(" Web terminal ", theme::BOLD),
            Span::styled(
                truncate(
                    &format!("{url}  the same functions in a browser"),
                    cols.saturating_sub(14),
                ),
                theme::BASE,
            ),
        ]),
        None => Line::default(),
    });
    lines.push(Line::styled(" Keys", theme::BOLD));
    let keys = [
        (
            "↑ ↓  j k",
            "select a row or scroll (j/k when the command line is empty)",
        ),
        (
            "PgUp PgDn",
            "page; Home/End jump; PgDn past the last NSE hit loads more",
        ),
        (
            "Enter",
            "run the command line; on an empty line open the selected row",
        ),
        (
            "← →",
            "on a PPL/ORG/GEO page: across the columns of related names",
        ),
        (
            "Esc",
            "back: help/reader → command line → PPL/ORG/GEO list → N",
        ),
        (
            "[ ]  Ctrl-U",
            "older / newer revision in a story · Ctrl-U clears the line",
        ),
    ];
    for (key, what) in keys {
        lines.push(Line::styled(
            truncate(&format!("   {} {what}", fit(key, HELP_NAME_COLS)), cols),
            theme::BASE,
        ));
    }
    lines.push(Line::from(vec![
        Span::styled(" Times are UTC. ", theme::DIM),
        Span::styled("FLASH", theme::priority(Priority::Flash)),
        Span::styled(" bold red, ", theme::DIM),
        Span::styled("URGENT", theme::priority(Priority::Urgent)),
        Span::styled(" bold bright amber; r2 = revision 2.", theme::DIM),
    ]));
    lines
}

fn message_line(app: &App, cols: u16) -> Line<'static> {
    let cols = usize::from(cols);
    if let Some(m) = &app.message {
        let style = if m.is_error {
            theme::ERROR
        } else {
            theme::BOLD
        };
        return Line::styled(truncate(&format!(" {}", m.text), cols), style);
    }
    let hint = if app.help {
        " Esc back".to_string()
    } else if let Some(reader) = &app.reader {
        let (text_cols, height) = reader_viewport((cols as u16, app.size.1));
        let total = reader.lines(text_cols).len();
        let shown = (reader.scroll + height).min(total);
        format!(" ↑↓ PgUp PgDn scroll · [ ] revisions · Esc back   {shown}/{total}")
    } else {
        if app.view == View::Search {
            let (rows, cursor) = app.list();
            let snippet = rows
                .get(cursor.selected_index(&rows))
                .and_then(|r| r.snippet.as_deref());
            if let Some(snippet) = snippet {
                return snippet_line(snippet, cols);
            }
        }
        if app.view == View::Sources
            && let Some(source) = app.sources.selected()
            && let Some(error) = &source.status.last_error
        {
            return Line::styled(
                truncate(&format!(" {}: {error}", source.id), cols),
                theme::ERROR,
            );
        }
        if app.view == View::Entity {
            " ↑↓ select · ←→ columns · Enter open · Esc back · ? help".to_string()
        } else if app.view == View::Alerts {
            " Enter: a hit's story, an alert's live headlines · ALRT DEL <id> · Esc back"
                .to_string()
        } else if app.view == View::Sources {
            " SRC POLL <id> polls now · SRC PAUSE, RESUME, DEL <id> · Esc back".to_string()
        } else {
            " ↑↓ select · Enter open · Esc back · ? help · Ctrl-C quit".to_string()
        }
    };
    Line::styled(truncate(&hint, cols), theme::DIM)
}

/// A search snippet with its `<b>` matches in bold, as one line.
fn snippet_line(snippet: &str, cols: usize) -> Line<'static> {
    let mut spans = vec![Span::styled(" ", theme::DIM)];
    let mut used = 1;
    let mut bold = false;
    let mut rest = snippet;
    while !rest.is_empty() && used < cols {
        let next_tag = [("<b>", true), ("</b>", false)]
            .into_iter()
            .filter_map(|(tag, opens)| rest.find(tag).map(|at| (at, tag.len(), opens)))
            .min_by_key(|&(at, _, _)| at);
        let (piece, after, next_bold) = match next_tag {
            Some((at, len, opens)) => (&rest[..at], &rest[at + len..], opens),
            None => (rest, "", bold),
        };
        let text = truncate(&unescape_html(&piece.replace('\n', " ")), cols - used);
        used += width(&text);
        let style: Style = if bold { theme::BOLD } else { theme::DIM };
        spans.push(Span::styled(text, style));
        bold = next_bold;
        rest = after;
    }
    Line::from(spans)
}

/// Undoes the escaping the server applies to snippets; a piece that does
/// not unescape is shown as it came.
fn unescape_html(s: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::unescape(s).unwrap_or(std::borrow::Cow::Borrowed(s))
}

fn render_prompt(app: &App, frame: &mut Frame, area: Rect) {
    const PROMPT: &str = "GO> ";
    let room = usize::from(area.width).saturating_sub(PROMPT.len() + 1);
    // Show the end of a long line: that is where the user is typing.
    let mut shown = app.input.as_str();
    while width(shown) > room {
        let mut chars = shown.chars();
        chars.next();
        shown = chars.as_str();
    }
    frame.render_widget(
        Line::from(vec![
            Span::styled(PROMPT, theme::BOLD),
            Span::styled(shown.to_string(), theme::BASE),
        ]),
        area,
    );
    let x = area.x + (PROMPT.len() + width(shown)) as u16;
    if x < area.right() {
        frame.set_cursor_position((x, area.y));
    }
}

/// `12,345`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Update;
    use crate::app::tuned_to;
    use crate::fixtures::{
        alert, alert_hit, count, draw, enter, headline, hit_of, key, monitor, noon, revision_info,
        row_of, screen, source, story, tagged_story,
    };
    use crate::{Command, Connection};
    use newsterm_api::Headline;
    use newsterm_story::StoryId;
    use ratatui::crossterm::event::KeyCode;

    fn wire() -> App {
        let mut revised = headline(3, Priority::Normal, "Parliament passes budget");
        revised.revision = 2;
        monitor(vec![
            headline(1, Priority::Normal, "Markets open higher"),
            headline(2, Priority::Urgent, "Storm makes landfall"),
            revised,
            headline(4, Priority::Flash, "Earthquake strikes capital"),
        ])
    }

    #[test]
    fn read_lists_the_most_read_stories_with_their_readers_and_opens_one() {
        use newsterm_api::{ReadReport, ReadStory};
        let mut app = wire();
        let window = crate::function::ReadWindow::Hour;
        assert_eq!(enter(&mut app, "READ"), vec![Command::Read(window)]);
        let lines = screen(&draw(&mut app, 80, 24));
        assert!(lines[0].starts_with(" READ "), "{}", lines[0]);
        assert!(lines[2].contains("counting"), "{}", lines[2]);
        let most = headline(7, Priority::Normal, "Dam bursts upstream");
        let most_id = most.id;
        let report = ReadReport {
            window: "hour".into(),
            stories: vec![
                ReadStory {
                    story: most,
                    readers: 3,
                },
                ReadStory {
                    story: headline(5, Priority::Urgent, "Storm makes landfall"),
                    readers: 1,
                },
            ],
            events: Vec::new(),
        };
        // An answer for the day, asked for before READ, is not this list.
        app.apply(Update::Read {
            window: crate::function::ReadWindow::Day,
            report: report.clone(),
        });
        assert!(app.read.rows.is_empty());
        app.apply(Update::Read { window, report });
        let lines = screen(&draw(&mut app, 80, 24));
        assert!(
            lines[0].contains("2 stories read in the last hour"),
            "{}",
            lines[0]
        );
        let first = row_of(&lines, "3 readers · Dam bursts upstream");
        assert!(first < row_of(&lines, "1 reader · Storm makes landfall"));
        assert_eq!(
            app.handle_key(key(KeyCode::Enter)),
            vec![
                Command::OpenStory {
                    id: most_id,
                    revision: None
                },
                Command::Revisions { id: most_id }
            ]
        );
        app.handle_key(key(KeyCode::Esc));
        app.handle_key(key(KeyCode::Esc));
        assert_eq!(app.view, View::Monitor);
        assert_eq!(
            enter(&mut app, "read day"),
            vec![Command::Read(crate::function::ReadWindow::Day)]
        );
        assert!(screen(&draw(&mut app, 80, 24))[0].starts_with(" READ DAY "));
    }

    /// The Porto hotel fire as three sources and a follow-up carried it.
    fn porto_fire() -> (
        newsterm_story::EventId,
        Vec<Headline>,
        newsterm_api::EventInfo,
    ) {
        use newsterm_api::{EventInfo, NameCount, Velocity};
        let event = newsterm_story::EventId::new_at(noon());
        let mut stories = Vec::new();
        for (seq, source, text) in [
            (1, "Coastal Wire", "Fire forces evacuation of Porto hotel"),
            (
                2,
                "Northern Post",
                "Hundreds evacuated as blaze hits Porto hotel",
            ),
            (3, "Iberia Daily", "Porto hotel fire: 300 guests evacuated"),
            (
                70,
                "Coastal Wire",
                "Porto hotel fire was started by a kitchen fault",
            ),
        ] {
            let mut h = headline(seq, Priority::Urgent, text);
            h.source = Some(source.into());
            h.mark.event = Some(event);
            stories.push(h);
        }
        stories[2].mark.duplicate_of = Some(stories[0].id);
        let name = |name: &str, count| NameCount {
            name: name.into(),
            count,
        };
        let info = EventInfo {
            event,
            label: "Fire forces evacuation of Porto hotel".into(),
            first: stories[0].published,
            last: stories[3].published,
            stories: stories.clone(),
            sources: vec![
                "Coastal Wire".into(),
                "Northern Post".into(),
                "Iberia Daily".into(),
            ],
            people: vec![name("Rui Moreira", 2)],
            organisations: vec![name("Civil Protection Agency", 3)],
            places: vec![name("Porto", 4), name("Portugal", 2)],
            topics: vec![name("DISASTER", 4)],
            velocity: Velocity {
                last_hour: 3,
                first_hour: 1,
            },
        };
        (event, stories, info)
    }

    #[test]
    fn a_top_row_shows_its_pace_and_opens_its_event_page() {
        let (event, stories, info) = porto_fire();
        let mut app = wire();
        enter(&mut app, "TOP");
        let mut entry = crate::fixtures::top_entry(
            stories[3].clone(),
            &["Coastal Wire", "Northern Post", "Iberia Daily"],
        );
        entry.event = event;
        entry.stories = 4;
        entry.last = info.last;
        entry.velocity = info.velocity;
        let calm = {
            let mut calm = crate::fixtures::top_entry(
                headline(5, Priority::Normal, "Markets open higher"),
                &["Wikinews"],
            );
            calm.velocity = newsterm_api::Velocity {
                last_hour: 1,
                first_hour: 2,
            };
            calm
        };
        app.apply(Update::TopStories(vec![entry.clone(), calm]));
        let lines = screen(&draw(&mut app, 120, 24));
        let row = row_of(&lines, "Porto hotel fire was started");
        assert!(lines[row].ends_with("+2 sources  ▲3/h"), "{}", lines[row]);
        let calm = row_of(&lines, "Markets open higher");
        assert!(
            lines[calm].ends_with("Markets open higher  1/h"),
            "{}",
            lines[calm]
        );

        // Enter on a TOP row opens its event, not one of its stories.
        assert_eq!(
            app.handle_key(key(KeyCode::Enter)),
            vec![Command::OpenEvent(event)]
        );
        let lines = screen(&draw(&mut app, 100, 24));
        assert!(
            lines[0].starts_with(&format!(" EVT {event}")),
            "{}",
            lines[0]
        );
        assert!(lines[1].starts_with("loading event"), "{}", lines[1]);
        // Another event's answer is not this page's.
        let mut other = info.clone();
        other.event = newsterm_story::EventId::new_at(noon());
        app.apply(Update::Event(Box::new(other)));
        assert!(app.event.as_ref().is_some_and(|e| e.info.is_none()));

        app.apply(Update::Event(Box::new(info.clone())));
        let lines = screen(&draw(&mut app, 120, 24));
        assert_eq!(lines[1], "Fire forces evacuation of Porto hotel");
        assert_eq!(
            lines[2],
            "4 stories from 3 sources · 2024-05-03 12:01 UTC → 2024-05-03 13:10 UTC"
        );
        assert_eq!(
            lines[3],
            "Pace    3 stories in the last hour, 1 in its first ▲ rising"
        );
        assert_eq!(
            lines[4],
            "Sources Coastal Wire, Northern Post, Iberia Daily"
        );
        assert_eq!(lines[5], "People  Rui Moreira 2");
        assert_eq!(lines[6], "Orgs    Civil Protection Agency 3");
        assert_eq!(lines[7], "Places  Porto 4, Portugal 2");
        assert_eq!(lines[8], "Topics  DISASTER 4");
        assert!(lines[0].contains(" 4 stories "), "{}", lines[0]);
        // Its stories, newest first, the copy unfolded with its own source.
        let newest = row_of(&lines, "Porto hotel fire was started");
        let copy = row_of(&lines, "Porto hotel fire: 300 guests");
        assert!(lines[copy].contains(" Iberia Daily "), "{}", lines[copy]);
        let first = lines
            .iter()
            .position(|l| l.ends_with("· Fire forces evacuation of Porto hotel"))
            .unwrap_or_else(|| panic!("{}", lines.join("\n")));
        assert!(newest < copy && copy < first, "{}", lines.join("\n"));
        assert!(newest > 9, "the list comes under the header");

        // Enter opens the selected story; Esc comes back to the event,
        // then to TOP.
        assert_eq!(
            app.handle_key(key(KeyCode::Enter)),
            vec![
                Command::OpenStory {
                    id: stories[3].id,
                    revision: None
                },
                Command::Revisions { id: stories[3].id }
            ]
        );
        app.handle_key(key(KeyCode::Esc));
        assert_eq!(app.view, View::Event);
        app.handle_key(key(KeyCode::Esc));
        assert_eq!(app.view, View::Top);
    }

    #[test]
    fn top_on_screen_follows_each_update_without_a_key() {
        let mut app = wire();
        assert_eq!(enter(&mut app, "TOP"), vec![Command::Top]);
        let fire = headline(5, Priority::Urgent, "Fire forces evacuation of Porto hotel");
        app.apply(Update::TopStories(vec![crate::fixtures::top_entry(
            fire.clone(),
            &["Coastal Wire"],
        )]));
        let lines = screen(&draw(&mut app, 120, 24));
        assert!(lines[2].contains("Fire forces evacuation of Porto hotel"));
        assert!(!lines[2].contains("+"), "{}", lines[2]);
        // The live stream sends the whole list again: another source now
        // carries the fire, and a flash leads.
        let flash = headline(6, Priority::Flash, "Volcano erupts near Reykjavik airport");
        app.apply(Update::TopStories(vec![
            crate::fixtures::top_entry(flash, &["Arctic Wire"]),
            crate::fixtures::top_entry(fire, &["Coastal Wire", "Northern Post"]),
        ]));
        let lines = screen(&draw(&mut app, 120, 24));
        assert!(lines[0].contains(" 2 top stories "), "{}", lines[0]);
        assert!(lines[2].contains("Volcano erupts"), "{}", lines[2]);
        assert!(
            lines[3].ends_with("Fire forces evacuation of Porto hotel  +1 source"),
            "{}",
            lines[3]
        );
    }

    #[test]
    fn an_event_page_fetches_itself_again_when_its_event_moves() {
        let (event, stories, info) = porto_fire();
        let mut app = wire();
        enter(&mut app, &format!("EVT {event}"));
        app.apply(Update::Event(Box::new(info.clone())));
        assert!(app.follow_ups().is_empty());
        // A story of another event landing changes nothing here.
        app.apply(Update::Headline(headline(
            80,
            Priority::Normal,
            "Unrelated",
        )));
        assert!(app.follow_ups().is_empty());
        let mut landed = headline(81, Priority::Normal, "Porto hotel reopens");
        landed.mark.event = Some(event);
        app.apply(Update::Headline(landed.clone()));
        assert_eq!(app.follow_ups(), vec![Command::OpenEvent(event)]);
        // Once asked, not again until the answer is in.
        app.apply(Update::Headline(landed));
        assert!(app.follow_ups().is_empty());
        app.apply(Update::Event(Box::new(info.clone())));
        // TOP saying the event has a story more (a filtered monitor may
        // not carry it) asks too; TOP agreeing with the page does not.
        let mut entry = crate::fixtures::top_entry(stories[3].clone(), &["Coastal Wire"]);
        entry.event = event;
        entry.stories = 4;
        entry.last = info.last;
        app.apply(Update::TopStories(vec![entry.clone()]));
        assert!(app.follow_ups().is_empty());
        entry.stories = 5;
        app.apply(Update::TopStories(vec![entry]));
        assert_eq!(app.follow_ups(), vec![Command::OpenEvent(event)]);
    }

    #[test]
    fn copies_fold_into_one_row_and_a_withdrawal_is_struck_through() {
        let original = headline(1, Priority::Urgent, "Fire forces evacuation of Porto hotel");
        let mut app = monitor(vec![
            headline(0, Priority::Normal, "Markets open higher"),
            original.clone(),
        ]);
        for (seq, source) in [(2, "Northern Post"), (3, "Iberia Daily")] {
            let mut copy = headline(seq, Priority::Urgent, "Hundreds evacuated in Porto");
            copy.source = Some(source.into());
            copy.mark.duplicate_of = Some(original.id);
            app.apply(Update::Headline(copy));
        }
        let lines = screen(&draw(&mut app, 160, 24));
        let row = row_of(&lines, "Fire forces evacuation");
        assert!(lines[row].ends_with("+2 sources"), "{}", lines[row]);
        assert!(
            !lines.iter().any(|l| l.contains("Hundreds evacuated")),
            "copies get no rows of their own:\n{}",
            lines.join("\n")
        );

        let mut killed = original.clone();
        killed.seq = 4;
        killed.revision = 2;
        killed.mark.kind = newsterm_story::RevisionKind::Withdrawal;
        killed.mark.note = Some("The hotel was not evacuated".into());
        app.apply(Update::Headline(killed));
        let buffer = draw(&mut app, 160, 24);
        let lines = screen(&buffer);
        let row = row_of(&lines, "WITHDRAWN r2 Fire forces evacuation");
        assert!(
            lines[row].contains(": The hotel was not evacuated"),
            "{}",
            lines[row]
        );
        assert!(
            buffer[(40, row as u16)]
                .modifier
                .contains(Modifier::CROSSED_OUT)
        );
        let other = row_of(&lines, "Markets open higher");
        assert!(
            !buffer[(40, other as u16)]
                .modifier
                .contains(Modifier::CROSSED_OUT)
        );
    }

    #[test]
    fn monitor_lists_newest_first_with_priority_styles_at_80x24() {
        let mut app = wire();
        let buffer = draw(&mut app, 80, 24);
        let lines = screen(&buffer);
        assert!(
            lines[0].contains(" N ") && lines[0].contains("12:00:00 UTC"),
            "{}",
            lines[0]
        );
        assert!(lines[0].contains("4 stories"));
        assert!(lines[1].starts_with("UTC"), "the header says times are UTC");
        let flash = row_of(&lines, "Earthquake strikes capital");
        let revised = row_of(&lines, "r2 Parliament passes budget");
        let urgent = row_of(&lines, "Storm makes landfall");
        let normal = row_of(&lines, "Markets open higher");
        assert!(flash < revised && revised < urgent && urgent < normal);
        assert!(
            lines[flash].starts_with("12:04 · FLASH  · Wikinews"),
            "{}",
            lines[flash]
        );

        let cell = |row: usize| &buffer[(40, row as u16)];
        assert_eq!(cell(flash).fg, theme::RED);
        assert_eq!(cell(urgent).fg, theme::BRIGHT_AMBER);
        assert!(cell(urgent).modifier.contains(Modifier::BOLD));
        assert_eq!(cell(normal).fg, theme::AMBER);
        assert_eq!(cell(normal).bg, ratatui::style::Color::Black);
        // The newest row is selected until the user moves.
        assert!(cell(flash).modifier.contains(Modifier::REVERSED));
        assert!(!cell(normal).modifier.contains(Modifier::REVERSED));
        assert!(lines[23].starts_with("GO>"));
    }

    #[test]
    fn long_headlines_are_cut_with_an_ellipsis_not_wrapped() {
        let long = "A very long headline ".repeat(10);
        let mut app = monitor(vec![headline(1, Priority::Normal, &long)]);
        let lines = screen(&draw(&mut app, 80, 24));
        let row = row_of(&lines, "A very long headline");
        assert!(lines[row].ends_with('…'), "{}", lines[row]);
        assert!(!lines[row + 1].contains("headline"), "no second line");
    }

    #[test]
    fn larger_screens_fit_more_rows_and_wider_sources() {
        let headlines = (1..=60)
            .map(|n| {
                let mut h = headline(n, Priority::Normal, &format!("Story number {n}"));
                h.source = Some("Agence France-Presse".into());
                h
            })
            .collect();
        let mut app = monitor(headlines);
        let small = screen(&draw(&mut app, 80, 24));
        let large = screen(&draw(&mut app, 160, 50));
        let count = |lines: &[String]| lines.iter().filter(|l| l.contains("Story number")).count();
        assert_eq!(count(&small), 20);
        assert_eq!(count(&large), 46);
        assert!(large[2].contains("Agence France-Pre") && !small[2].contains("Agence France-Pre"));
        assert!(large[2].contains("Story number 60"));
    }

    #[test]
    fn reader_shows_the_whole_story_and_its_revisions() {
        let mut app = wire();
        let id = StoryId::new();
        enter(&mut app, &id.to_string());
        app.apply(Update::Story(Box::new(story(id, 2))));
        app.apply(Update::Revisions {
            id,
            revisions: (1..=3).map(revision_info).collect(),
        });
        let buffer = draw(&mut app, 80, 40);
        let lines = screen(&buffer);
        let text = lines.join("\n");
        for expected in [
            "Dam bursts upstream of Kherson (rev 2)",
            "• Thousands evacuated along the river",
            "Flooded streets near the port",
            "Photo: Jane Roe",
            "John Doe · KHERSON · Wikinews · published 2024-05-03 12:00 UTC",
            "revision 2 (of 3)",
            "https://en.wikinews.org/wiki/Dam",
            "Officials said the water rose overnight.",
            "Evacuations",
            "Keywords: floods · Ukraine",
            "▸ r2",
        ] {
            assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
        }
        assert!(lines[0].contains(&format!("READ {id}")));
        let headline_row = row_of(&lines, "Dam bursts upstream");
        assert!(
            buffer[(2, headline_row as u16)]
                .modifier
                .contains(Modifier::BOLD)
        );
        let subhead_row = row_of(&lines, "Evacuations");
        let subhead = &buffer[(2, subhead_row as u16)];
        assert!(subhead.modifier.contains(Modifier::UNDERLINED));
        let body_row = row_of(&lines, "Officials said");
        assert!(
            !buffer[(2, body_row as u16)]
                .modifier
                .contains(Modifier::UNDERLINED)
        );
        assert!(subhead_row > body_row && subhead_row < row_of(&lines, "Buses left"));
    }

    #[test]
    fn reader_scrolls_on_a_small_screen() {
        let mut app = wire();
        let id = StoryId::new();
        enter(&mut app, &id.to_string());
        app.apply(Update::Story(Box::new(story(id, 1))));
        let before = screen(&draw(&mut app, 40, 12));
        assert!(before[1].contains("Dam bursts"));
        app.handle_key(key(KeyCode::PageDown));
        let after = screen(&draw(&mut app, 40, 12));
        assert!(!after.iter().any(|l| l.contains("Dam bursts upstream")));
        app.handle_key(key(KeyCode::Home));
        assert_eq!(screen(&draw(&mut app, 40, 12)), before);
    }

    #[test]
    fn help_lists_the_functions() {
        let mut app = wire();
        app.handle_key(key(KeyCode::Char('?')));
        let text = screen(&draw(&mut app, 80, 24)).join("\n");
        for function in [
            "N <query>",
            "NSE <query>",
            "FIRST",
            "TOP",
            "<story id>",
            "Esc",
        ] {
            assert!(text.contains(function), "missing {function}:\n{text}");
        }
        app.handle_key(key(KeyCode::Esc));
        let text = screen(&draw(&mut app, 80, 24)).join("\n");
        assert!(
            text.contains("Earthquake strikes capital"),
            "Esc returns to the monitor"
        );
    }

    #[test]
    fn first_screen_hides_normal_stories() {
        let mut app = wire();
        enter(&mut app, "FIRST");
        let lines = screen(&draw(&mut app, 80, 24));
        assert!(lines[0].contains("FIRST") && lines[0].contains("2 flash/urgent"));
        row_of(&lines, "Earthquake strikes capital");
        row_of(&lines, "Storm makes landfall");
        assert!(!lines.iter().any(|l| l.contains("Markets open higher")));
    }

    #[test]
    fn unknown_function_is_reported_in_red() {
        let mut app = wire();
        enter(&mut app, "XYZZY");
        let buffer = draw(&mut app, 80, 24);
        let lines = screen(&buffer);
        assert!(
            lines[22].contains("unknown function XYZZY"),
            "{}",
            lines[22]
        );
        assert_eq!(buffer[(3, 22)].fg, theme::RED);
        assert!(lines[23].contains("XYZZY"), "the line stays for fixing");
        row_of(&lines, "Earthquake strikes capital");
    }

    #[test]
    fn search_results_show_the_selected_snippet() {
        let mut app = wire();
        enter(&mut app, "NSE gaza");
        assert!(screen(&draw(&mut app, 80, 24))[2].contains("searching…"));
        let h = headline(9, Priority::Normal, "Aid reaches Gaza");
        app.apply(Update::SearchResults {
            query: "gaza".into(),
            cursor: None,
            response: newsterm_api::SearchResponse {
                total: 1,
                hits: vec![newsterm_api::SearchHit {
                    published: noon() - time::Duration::days(3),
                    ..hit_of(h, 2.0, "trucks entered <b>Gaza</b> &amp; Rafah")
                }],
                next_cursor: None,
            },
        });
        let buffer = draw(&mut app, 80, 24);
        let lines = screen(&buffer);
        assert!(lines[0].contains("NSE gaza") && lines[0].contains("1 of 1"));
        assert!(
            lines[2].starts_with("30 Apr ·"),
            "older stories show their date: {}",
            lines[2]
        );
        assert_eq!(lines[22], " trucks entered Gaza & Rafah");
        assert!(
            buffer[(16, 22)].modifier.contains(Modifier::BOLD),
            "the match is bold"
        );
    }

    fn with_topic(seq: u64, priority: Priority, text: &str, topic: Option<&str>) -> Headline {
        let mut h = headline(seq, priority, text);
        h.topic = topic.map(str::to_string);
        h
    }

    #[test]
    fn monitor_shows_each_story_top_topic_within_80_columns() {
        let mut app = monitor(vec![
            with_topic(
                1,
                Priority::Normal,
                "Talks resume in Geneva",
                Some("DIPLOMACY"),
            ),
            with_topic(
                2,
                Priority::Normal,
                "Shelling resumes overnight",
                Some("CONFLICT"),
            ),
            with_topic(3, Priority::Normal, "Local fair opens", None),
        ]);
        let lines = screen(&draw(&mut app, 80, 24));
        assert!(lines[1].contains("· TOPIC    ·"), "{}", lines[1]);
        let conflict = row_of(&lines, "Shelling resumes");
        assert_eq!(
            lines[conflict],
            "12:02 ·        · Wikinews   · CONFLICT · Shelling resumes overnight"
        );
        let long = row_of(&lines, "Talks resume");
        assert!(
            lines[long].contains("· DIPLOMA… · Talks"),
            "{}",
            lines[long]
        );
        let none = row_of(&lines, "Local fair");
        assert!(
            lines[none].contains("·          · Local fair"),
            "{}",
            lines[none]
        );
        // Search results show the topic column too (hits carry it).
        enter(&mut app, "NSE fair");
        let lines = screen(&draw(&mut app, 80, 24));
        assert!(lines[1].contains("TOPIC"), "{}", lines[1]);
    }

    #[test]
    fn ni_code_is_named_in_the_status_bar() {
        let mut app = wire();
        enter(&mut app, "ni election");
        let lines = screen(&draw(&mut app, 80, 24));
        assert!(lines[0].starts_with(" NI ELECTION "), "{}", lines[0]);
        assert!(lines[2].contains("loading"), "{}", lines[2]);
    }

    #[test]
    fn reader_shows_the_story_tags_at_80x24() {
        let mut app = wire();
        let id = StoryId::new();
        enter(&mut app, &id.to_string());
        app.apply(Update::Story(Box::new(tagged_story(id))));
        app.handle_key(key(KeyCode::End));
        let lines = screen(&draw(&mut app, 80, 24));
        for expected in [
            " People        Jane Roe (Foreign Minister)",
            " Places        Kyiv (UA) · Ukraine (UA)",
            " Quotes        “We will rebuild every bridge” — Jane Roe",
            " Figures       300,000 people · 70 percent of the city",
        ] {
            row_of(&lines, expected);
        }
        assert!(lines.iter().all(|l| width(l) <= 80));
    }

    #[test]
    fn ni_alone_lists_codes_in_the_news_first() {
        let mut app = wire();
        enter(&mut app, "NI");
        assert!(screen(&draw(&mut app, 80, 24))[2].contains("loading the most mentioned topics"));
        app.apply(Update::Entities {
            kind: EntityKind::Topic,
            query: None,
            entities: vec![
                count("ELECTION", 1234, Some("elections")),
                count("CONFLICT", 30, Some("war and armed conflict")),
            ],
        });
        let buffer = draw(&mut app, 80, 24);
        let lines = screen(&buffer);
        assert!(lines[0].starts_with(" NI ") && lines[0].contains("24 topics"));
        assert_eq!(lines[2], "  1,234 · ELECTION   elections");
        assert_eq!(lines[3], "     30 · CONFLICT   war and armed conflict");
        row_of(&lines, "        · TERROR     terrorism");
        assert!(buffer[(12, 2)].modifier.contains(Modifier::REVERSED));
        assert!(!buffer[(12, 3)].modifier.contains(Modifier::REVERSED));
    }

    /// A PPL page with `n` stories, two people and a place with it.
    fn person_page(n: u32) -> App {
        let mut app = wire();
        enter(&mut app, "PPL Jane Roe");
        let query = "person:\"Jane Roe\"".to_string();
        let hits = (0..n)
            .map(|i| {
                let h = headline(u64::from(i), Priority::Normal, &format!("Roe story {i}"));
                hit_of(h, 1.0, "")
            })
            .collect();
        app.apply(Update::LatestStories {
            query: query.clone(),
            response: newsterm_api::SearchResponse {
                total: 120,
                hits,
                next_cursor: None,
            },
        });
        let related = [
            (
                EntityKind::Person,
                vec![count("Jane Roe", 120, None), count("John Doe", 14, None)],
            ),
            (EntityKind::Org, vec![]),
            (EntityKind::Place, vec![count("Kyiv", 1234, Some("UA"))]),
        ];
        for (kind, entities) in related {
            app.apply(Update::Entities {
                kind,
                query: Some(query.clone()),
                entities,
            });
        }
        app
    }

    #[test]
    fn entity_page_shows_stories_over_the_company_they_keep() {
        let mut app = person_page(30);
        let buffer = draw(&mut app, 80, 24);
        let lines = screen(&buffer);
        assert!(lines[0].starts_with(" PPL Jane Roe ") && lines[0].contains("120 stories"));
        assert!(lines[2].contains("Roe story 0"));
        let grid = row_of(&lines, "PEOPLE");
        assert_eq!(
            lines[grid],
            "PEOPLE              ORGANIZATIONS       PLACES              TOPICS"
        );
        assert_eq!(
            lines[grid + 1],
            "John Doe         14 —                   Kyiv (UA)     1,234 loading…"
        );
        assert!(grid > 10, "most of the page is stories: {grid}");
        assert!(buffer[(30, 2)].modifier.contains(Modifier::REVERSED));

        // End, then down: out of the stories into the grid, across to places.
        app.handle_key(key(KeyCode::End));
        app.handle_key(key(KeyCode::Down));
        app.handle_key(key(KeyCode::Right));
        let buffer = draw(&mut app, 80, 24);
        let lines = screen(&buffer);
        let grid = row_of(&lines, "PEOPLE");
        assert!(
            lines[grid - 1].contains("Roe story 29"),
            "scrolled to the end"
        );
        assert!(
            buffer[(42, grid as u16 + 1)]
                .modifier
                .contains(Modifier::REVERSED)
        );
        assert!(
            !buffer[(2, grid as u16 + 1)]
                .modifier
                .contains(Modifier::REVERSED)
        );
        assert!(
            !buffer[(30, grid as u16 - 1)]
                .modifier
                .contains(Modifier::REVERSED)
        );
        assert!(lines[22].contains("←→ columns"), "{}", lines[22]);
    }

    #[test]
    fn help_fits_80x24_without_cutting_a_line() {
        let mut app = wire();
        app.handle_key(key(KeyCode::Char('?')));
        let lines = screen(&draw(&mut app, 80, 24));
        for needle in [
            "NI <code>",
            "PPL <name>",
            "ORG, GEO <name>",
            "ALRT ",
            "SRC ",
            "← →",
            "Ctrl-U",
            "Times are UTC",
        ] {
            row_of(&lines, needle);
        }
        assert!(!lines[1..22].iter().any(|l| l.ends_with('…')), "{lines:#?}");
    }

    /// The monitor after hits of alert 1 (`kyiv`) on stories 1..=n, each
    /// story published a minute after noon times its number.
    fn alerted(n: u64) -> App {
        let mut app = wire();
        app.apply(Update::AlertConnection(Connection::Live));
        for seq in 1..=n {
            let story = headline(seq + 10, Priority::Normal, &format!("Kyiv story {seq}"));
            app.apply(Update::AlertHit(alert_hit(1, "kyiv", story)));
        }
        app
    }

    #[test]
    fn alert_hits_land_in_a_pane_over_the_command_line_at_80x24() {
        let before = screen(&draw(&mut wire(), 80, 24));
        assert!(
            !before.iter().any(|l| l.contains("ALERTS")),
            "no pane before a hit"
        );
        let mut app = alerted(5);
        let buffer = draw(&mut app, 80, 24);
        let lines = screen(&buffer);
        assert!(lines[18].starts_with("ALERTS · "), "{lines:#?}");
        assert_eq!(lines[19], "12:15 · kyiv         · Kyiv story 5");
        assert_eq!(lines[21], "12:13 · kyiv         · Kyiv story 3");
        assert!(
            !lines.iter().any(|l| l.contains("Kyiv story 2")),
            "the newest 3 only"
        );
        assert!(lines[23].starts_with("GO>"));
        // The list gave up the pane's lines and still shows its stories.
        row_of(&lines[..18], "Earthquake strikes capital");
        assert!(lines[0].contains(" 5 new alerts "), "{}", lines[0]);
        assert!(lines[0].ends_with("12:00:00 UTC"), "{}", lines[0]);
        let count = lines[0].find(" 5 new alerts").unwrap_or(0) as u16 + 1;
        assert_eq!(buffer[(count, 0)].bg, theme::RED);
        assert!(lines.iter().all(|l| width(l) <= 80));
    }

    #[test]
    fn the_pane_says_when_the_alert_stream_is_down() {
        let mut app = alerted(1);
        app.apply(Update::AlertConnection(Connection::Reconnecting(
            "connection refused".into(),
        )));
        let lines = screen(&draw(&mut app, 80, 24));
        let pane = row_of(&lines, "ALERTS");
        assert!(
            lines[pane].contains("alert stream down: connection refused"),
            "{}",
            lines[pane]
        );
    }

    #[test]
    fn alrt_lists_alerts_over_hits_clears_unread_and_opens_a_hit() {
        let mut app = alerted(2);
        assert_eq!(enter(&mut app, "ALRT"), vec![Command::Alerts]);
        let mut hooked = alert(7, "jane", "person:\"Jane Roe\" AND NOT sport");
        hooked.delivery.webhook = Some(newsterm_api::WebhookTarget {
            url: "http://127.0.0.1:9/hook".into(),
            secret: None,
            failing: true,
        });
        let kyiv = headline(30, Priority::Urgent, "Kyiv fetched story");
        let fetched = alert_hit(1, "kyiv", kyiv.clone());
        app.apply(Update::Alerts {
            alerts: vec![alert(1, "kyiv", "place:Kyiv"), hooked],
            hits: vec![fetched],
            done: None,
        });
        let buffer = draw(&mut app, 80, 24);
        let lines = screen(&buffer);
        assert!(lines[0].starts_with(" ALRT ") && lines[0].contains("2 alerts"));
        assert!(!lines[0].contains("new alert"), "opening ALRT reads them");
        assert_eq!(
            lines[1],
            "   ID · NAME         · QUERY                         · DELIVERY"
        );
        assert_eq!(
            lines[2],
            "    1 · kyiv         · place:Kyiv                    · tui feed"
        );
        assert_eq!(
            lines[3],
            "    7 · jane         · person:\"Jane Roe\" AND NOT sp… · tui webhook(failing) feed"
        );
        assert_eq!(buffer[(10, 3)].fg, theme::RED, "a failing webhook is red");
        let hits = row_of(&lines, "LATEST HITS");
        assert_eq!(hits, 4);
        // Newest first: the fetched hit at 12:30, then the live ones.
        assert_eq!(lines[5], "12:30 · kyiv         · Kyiv fetched story");
        assert_eq!(lines[6], "12:12 · kyiv         · Kyiv story 2");
        assert!(buffer[(30, 5)].modifier.contains(Modifier::REVERSED));
        assert!(
            !lines.iter().any(|l| l.starts_with("ALERTS")),
            "no pane here"
        );
        assert_eq!(
            app.handle_key(key(KeyCode::Enter)),
            vec![
                Command::OpenStory {
                    id: kyiv.id,
                    revision: None
                },
                Command::Revisions { id: kyiv.id }
            ]
        );
        app.handle_key(key(KeyCode::Esc));
        // Up from the newest hit: the alerts; Enter watches one live.
        app.handle_key(key(KeyCode::Up));
        let lines = screen(&draw(&mut app, 80, 24));
        assert!(lines[22].contains("ALRT DEL <id>"), "{}", lines[22]);
        assert_eq!(
            app.handle_key(key(KeyCode::Enter)),
            tuned_to(Some("person:\"Jane Roe\" AND NOT sport".into()))
        );
    }

    #[test]
    fn a_hit_arriving_on_alrt_shows_at_once_and_is_not_unread() {
        let mut app = wire();
        enter(&mut app, "alrt");
        app.apply(Update::Alerts {
            alerts: vec![alert(1, "kyiv", "place:Kyiv")],
            hits: Vec::new(),
            done: None,
        });
        assert!(screen(&draw(&mut app, 80, 24))[4].contains("no hits yet"));
        let story = headline(40, Priority::Flash, "Kyiv flash");
        app.apply(Update::AlertHit(alert_hit(1, "kyiv", story)));
        let buffer = draw(&mut app, 80, 24);
        let lines = screen(&buffer);
        assert_eq!(lines[4], "12:40 · kyiv         · Kyiv flash");
        assert_eq!(buffer[(30, 4)].fg, theme::RED, "a flash hit is red");
        assert!(!lines[0].contains("new alert"));
    }

    #[test]
    fn a_refused_alert_query_is_reported_with_the_server_position() {
        let mut app = wire();
        let commands = enter(&mut app, "ALRT ADD broken person:(");
        assert_eq!(
            commands,
            vec![Command::ChangeAlert(crate::AlertChange::Add {
                name: "broken".into(),
                query: "person:(".into()
            })]
        );
        assert!(screen(&draw(&mut app, 80, 24))[22].contains("ALRT ADD broken…"));
        app.apply(Update::Error(
            "ALRT ADD broken: unexpected end of query at position 8 (invalid_query, HTTP 400)"
                .into(),
        ));
        let buffer = draw(&mut app, 80, 24);
        let lines = screen(&buffer);
        assert!(lines[22].contains("at position 8"), "{}", lines[22]);
        assert_eq!(buffer[(2, 22)].fg, theme::RED);
        assert!(lines[2].contains("no alerts yet"), "{}", lines[2]);
    }

    fn sources() -> Vec<newsterm_api::SourceInfo> {
        let mut bbc = source(1, "https://feeds.bbci.co.uk/news/world/rss.xml");
        bbc.name = Some("BBC World".into());
        bbc.status.last_success = Some(noon() - time::Duration::minutes(3));
        bbc.status.items_new = 4;
        bbc.status.items_seen = 1234;
        let mut broken = source(2, "http://127.0.0.1:9/broken.xml");
        broken.status.last_success = Some(noon() - time::Duration::hours(5));
        broken.status.last_error = Some("HTTP 500 Internal Server Error".into());
        broken.status.consecutive_failures = 3;
        let mut paused = source(3, "https://example.org/atom.xml");
        paused.paused = true;
        paused.every = "1h".into();
        // Paused after a failed poll: paused, not failing.
        paused.status.last_error = Some("HTTP 404 Not Found".into());
        vec![bbc, broken, paused]
    }

    #[test]
    fn src_lists_sources_with_their_health_and_failing_ones_in_red() {
        let mut app = wire();
        assert_eq!(enter(&mut app, "SRC"), vec![Command::Sources]);
        assert!(screen(&draw(&mut app, 80, 24))[2].contains("loading feed sources"));
        app.apply(Update::Sources {
            sources: sources(),
            done: None,
        });
        let buffer = draw(&mut app, 80, 24);
        let lines = screen(&buffer);
        assert!(lines[0].starts_with(" SRC ") && lines[0].contains("3 sources, 1 failing"));
        assert_eq!(
            lines[1],
            "  ID · SOURCE                      · EVERY · STATE      ·  LAST OK ·    NEW/SEEN"
        );
        assert_eq!(
            lines[2],
            "   1 · BBC World                   ·    5m · ok         ·   3m ago ·     4/1,234"
        );
        assert_eq!(
            lines[3],
            "   2 · http://127.0.0.1:9/broken.… ·    5m · failing ×3 ·   5h ago ·         0/0"
        );
        assert_eq!(
            lines[4],
            "   3 · https://example.org/atom.x… ·    1h · paused     ·    never ·         0/0"
        );
        assert_eq!(buffer[(10, 3)].fg, theme::RED);
        assert_eq!(buffer[(10, 2)].fg, theme::AMBER);
        assert_eq!(buffer[(10, 4)].fg, theme::AMBER, "paused is not red");
        assert!(lines[22].contains("SRC POLL <id>"), "{}", lines[22]);
        // The selected failing source's error, in words, on the message line.
        app.handle_key(key(KeyCode::Down));
        let buffer = draw(&mut app, 80, 24);
        assert_eq!(screen(&buffer)[22], " 2: HTTP 500 Internal Server Error");
        assert_eq!(buffer[(4, 22)].fg, theme::RED);
        // Wide screens give the error its own column.
        let wide = screen(&draw(&mut app, 140, 30));
        assert!(
            wide[3].ends_with("· HTTP 500 Internal Server Error"),
            "{}",
            wide[3]
        );
    }

    #[test]
    fn src_poll_reports_what_the_poll_took_and_keeps_the_selection() {
        let mut app = wire();
        enter(&mut app, "SRC");
        app.apply(Update::Sources {
            sources: sources(),
            done: None,
        });
        app.handle_key(key(KeyCode::Down));
        assert_eq!(
            enter(&mut app, "src poll 2"),
            vec![Command::ChangeSource(crate::SourceChange::Poll { id: 2 })]
        );
        app.apply(Update::Sources {
            sources: sources(),
            done: Some(
                "source 2 polled: 12 items: 3 new, 1 revised, 8 already seen, 0 failed".into(),
            ),
        });
        let buffer = draw(&mut app, 80, 24);
        let lines = screen(&buffer);
        assert_eq!(
            lines[22],
            " source 2 polled: 12 items: 3 new, 1 revised, 8 already seen, 0 failed"
        );
        assert_ne!(buffer[(2, 22)].fg, theme::RED);
        assert!(buffer[(10, 3)].modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn older_dates_show_day_and_month_and_the_year_when_not_this_year() {
        let at = |y: i32, m: time::Month, d: u8, h: u8| {
            time::Date::from_calendar_date(y, m, d)
                .unwrap()
                .with_hms(h, 7, 0)
                .unwrap()
                .assume_utc()
        };
        assert_eq!(
            short_time(at(2024, time::Month::May, 3, 9), noon()),
            "09:07"
        );
        assert_eq!(
            short_time(at(2024, time::Month::May, 2, 23), noon()),
            "02 May"
        );
        assert_eq!(
            short_time(at(2023, time::Month::July, 15, 19), noon()),
            "15 Jul 2023"
        );

        let mut old = headline(1, Priority::Normal, "Archive story");
        old.published = at(2023, time::Month::July, 15, 19);
        let mut app = monitor(vec![old, headline(2, Priority::Normal, "Today's story")]);
        let lines = screen(&draw(&mut app, 80, 24));
        let today = &lines[row_of(&lines, "Today's story")];
        let archive = &lines[row_of(&lines, "Archive story")];
        assert!(today.starts_with("12:02       · "), "{today}");
        assert!(archive.starts_with("15 Jul 2023 · "), "{archive}");
    }

    #[test]
    fn the_status_bar_counts_what_the_server_holds_in_good_english() {
        let mut app = monitor(vec![headline(1, Priority::Normal, "Only one")]);
        let status = |app: &mut App| screen(&draw(app, 80, 24))[0].clone();
        assert!(
            status(&mut app).contains(" 1 story "),
            "{}",
            status(&mut app)
        );
        app.apply(Update::StoryCount {
            stories: 302,
            last_seq: 1,
            cluster: None,
            retag_pending: 0,
        });
        assert!(
            status(&mut app).contains(" 1 of 302 stories "),
            "{}",
            status(&mut app)
        );
        // A new story on the wire counts; a revision of one does not.
        app.apply(Update::Headline(headline(2, Priority::Normal, "Second")));
        let mut revision = headline(3, Priority::Normal, "Second, revised");
        revision.revision = 2;
        app.apply(Update::Headline(revision));
        assert!(
            status(&mut app).contains(" 3 of 303 stories "),
            "{}",
            status(&mut app)
        );
        assert_eq!(enter(&mut app, "TOP"), vec![Command::Top]);
        app.apply(Update::TopStories(vec![crate::fixtures::top_entry(
            headline(4, Priority::Normal, "Top"),
            &["Wire"],
        )]));
        assert!(
            status(&mut app).contains(" 1 top story "),
            "{}",
            status(&mut app)
        );
    }

    #[test]
    fn the_status_bar_names_the_cluster_node_and_how_far_behind_it_is() {
        let mut app = monitor(vec![headline(1, Priority::Normal, "Only one")]);
        let status = |app: &mut App| screen(&draw(app, 100, 24))[0].clone();
        let node = |behind| newsterm_api::ClusterHealth {
            node: "node2".into(),
            nodes: vec!["node1".into(), "node2".into()],
            stream_seq: 1_250 + behind,
            applied_seq: 1_250,
            behind,
            problem: None,
        };
        assert!(!status(&mut app).contains("node2"), "a single server");
        app.apply(Update::StoryCount {
            stories: 1_000,
            last_seq: 1_250,
            cluster: Some(node(1_200)),
            retag_pending: 0,
        });
        let line = status(&mut app);
        assert!(line.contains(" node2 1,200 behind "), "{line}");
        app.apply(Update::StoryCount {
            stories: 1_000,
            last_seq: 1_250,
            cluster: Some(node(0)),
            retag_pending: 0,
        });
        let line = status(&mut app);
        assert!(
            line.contains(" node2 ") && !line.contains("behind"),
            "{line}"
        );
    }

    #[test]
    fn the_status_bar_shows_how_many_stories_are_left_to_retag() {
        let mut app = monitor(vec![headline(1, Priority::Normal, "Only one")]);
        let status = |app: &mut App| screen(&draw(app, 100, 24))[0].clone();
        let count = |pending| Update::StoryCount {
            stories: 20_000,
            last_seq: 20_000,
            cluster: None,
            retag_pending: pending,
        };
        app.apply(count(12_345));
        let line = status(&mut app);
        assert!(line.contains(" retagging 12,345 left "), "{line}");
        app.apply(count(0));
        let line = status(&mut app);
        assert!(!line.contains("retagging"), "done: {line}");
    }

    #[test]
    fn the_status_bar_and_help_say_where_the_web_terminal_is() {
        let mut app = monitor(vec![headline(1, Priority::Normal, "Only one")]);
        let status = |app: &mut App, cols| screen(&draw(app, cols, 24))[0].clone();
        assert!(!status(&mut app, 100).contains("web "), "not told yet");
        app.set_web_address("http://127.0.0.1:43117/");
        let line = status(&mut app, 100);
        assert!(
            line.starts_with(" N ") && line.contains(" web http://127.0.0.1:43117/  ○ connecting "),
            "{line}"
        );
        // Too narrow for the address beside a long label: the label stays
        // whole, the help screen still says.
        enter(&mut app, "NSE ceasefire talks in geneva");
        let line = status(&mut app, 80);
        assert!(
            line.contains("NSE ceasefire talks in geneva") && !line.contains("web "),
            "{line}"
        );
        app.handle_key(key(KeyCode::Char('?')));
        let lines = screen(&draw(&mut app, 80, 24));
        let web = &lines[row_of(&lines, "Web terminal")];
        assert!(
            web.contains(" Web terminal http://127.0.0.1:43117/  the same functions"),
            "{web}"
        );
    }

    #[test]
    fn a_refused_search_says_so_instead_of_counting_nothing() {
        let mut app = monitor(vec![]);
        enter(&mut app, "NSE (unclosed");
        app.apply(Update::Error(
            "search: unbalanced parenthesis at position 1 (invalid_query, HTTP 400)".into(),
        ));
        let lines = screen(&draw(&mut app, 80, 24));
        assert!(lines[0].contains("search failed"), "{}", lines[0]);
        assert!(!lines[0].contains("0 of 0"), "{}", lines[0]);
        assert!(lines[2].contains("failed"), "{}", lines[2]);
        assert!(
            lines[22].contains("unbalanced parenthesis"),
            "{}",
            lines[22]
        );
    }

    #[test]
    fn a_revision_shows_when_it_landed_so_times_run_in_wire_order() {
        let first = headline(1, Priority::Normal, "Older story");
        let mut revised = headline(2, Priority::Normal, "Revised story");
        revised.revision = 2;
        revised.published = noon() - time::Duration::hours(3);
        revised.revised = Some(noon() + time::Duration::minutes(5));
        let mut app = monitor(vec![first, revised]);
        let lines = screen(&draw(&mut app, 80, 24));
        let row = &lines[row_of(&lines, "r2 Revised story")];
        assert!(row.starts_with("12:05 "), "{row}");
        assert!(row_of(&lines, "r2 Revised story") < row_of(&lines, "Older story"));
    }
}
