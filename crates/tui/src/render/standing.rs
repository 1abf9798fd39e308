//! Drawing what the server keeps standing: the `ALRT` screen (alerts over
//! their recent hits), the `SRC` screen (feed sources and their health),
//! and the alert pane that shows the newest hits under any list.

use newsterm_api::{AlertHit, AlertInfo, SourceInfo};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use time::OffsetDateTime;

use super::{empty_list_text, short_time, thousands};
use crate::alerts::delivery_label;
use crate::app::App;
use crate::connection::Connection;
use crate::sources::{age, is_failing, state};
use crate::theme;
use crate::wrap::{fit, width};

/// Columns an alert's name gets in lists.
const NAME_COLS: usize = 12;
/// Source lists show each source's last error in a column from this width
/// on; narrower screens show the selected one's on the message line.
const ERROR_COLUMN_FROM: usize = 120;

fn heading(text: &str, cols: usize) -> Line<'static> {
    Line::styled(fit(text, cols), theme::DIM.add_modifier(Modifier::BOLD))
}

fn selected_if(style: Style, selected: bool) -> Style {
    if selected {
        theme::selected(style)
    } else {
        style
    }
}

/// `12:04 · kyiv         · r2 Dam bursts upstream`: one alert hit.
fn hit_row(hit: &AlertHit, now: OffsetDateTime) -> String {
    let story = &hit.story;
    let headline = if story.revision > 1 {
        format!("r{} {}", story.revision, story.headline)
    } else {
        story.headline.clone()
    };
    format!(
        "{} · {} · {headline}",
        short_time(hit.at, now),
        fit(&hit.name, NAME_COLS)
    )
}

/// The stream's state when hits cannot arrive, for headings.
fn stream_trouble(connection: &Connection) -> Option<String> {
    match connection {
        Connection::Live => None,
        Connection::Connecting => Some("alert stream connecting…".into()),
        Connection::Reconnecting(why) | Connection::Stopped(why) => {
            Some(format!("alert stream down: {why}"))
        }
    }
}

/// The newest live hits, under the list on screen; `area` is empty until
/// an alert fires.
pub(super) fn render_alert_pane(app: &App, frame: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let cols = usize::from(area.width);
    let mut title = vec![Span::styled("ALERTS", theme::ERROR)];
    let note = match stream_trouble(&app.alert_pane.connection) {
        Some(trouble) => format!(" · {trouble}"),
        None => " · newest first · ALRT lists them all".into(),
    };
    title.push(Span::styled(
        fit(&note, cols.saturating_sub(width("ALERTS"))),
        theme::DIM,
    ));
    let mut lines = vec![Line::from(title)];
    for hit in app
        .alert_pane
        .recent
        .iter()
        .take(usize::from(area.height) - 1)
    {
        lines.push(Line::styled(
            fit(&hit_row(hit, app.now), cols),
            theme::priority(hit.story.priority),
        ));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// `ALRT`: the standing alerts, then their recent hits, newest first.
pub(super) fn render_alerts(app: &App, frame: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let screen = &app.alert_screen;
    let cols = usize::from(area.width);
    let (alert_rows, hit_rows) = screen.heights(usize::from(area.height));
    let [alerts_area, hits_area] = Layout::vertical([
        Constraint::Length(alert_rows as u16 + 1),
        Constraint::Min(0),
    ])
    .areas(area);
    let (first_alert, first_hit) = screen.windows(alert_rows, hit_rows);
    let selected = screen.selected_index();

    let delivery_cols = screen
        .alerts
        .iter()
        .map(|a| width(&delivery_label(&a.delivery)))
        .max()
        .unwrap_or(0)
        .max(width("DELIVERY"));
    let query_cols = cols.saturating_sub(5 + 3 + NAME_COLS + 3 + 3 + delivery_cols);
    let alert_line = |id: &str, name: &str, query: &str, delivery: &str| {
        format!(
            "{id:>5} · {} · {} · {delivery}",
            fit(name, NAME_COLS),
            fit(query, query_cols)
        )
    };
    let mut lines = vec![heading(
        &alert_line("ID", "NAME", "QUERY", "DELIVERY"),
        cols,
    )];
    if screen.alerts.is_empty() {
        lines.push(Line::styled(empty_list_text(app), theme::DIM));
    }
    let shown = screen.alerts.iter().enumerate().skip(first_alert);
    for (i, alert) in shown.take(alert_rows) {
        let AlertInfo {
            id,
            name,
            query,
            delivery,
            ..
        } = alert;
        let text = alert_line(&id.to_string(), name, query, &delivery_label(delivery));
        let failing = delivery.webhook.as_ref().is_some_and(|w| w.failing);
        let style = if failing { theme::FAILING } else { theme::BASE };
        lines.push(Line::styled(
            fit(&text, cols),
            selected_if(style, i == selected),
        ));
    }
    frame.render_widget(Paragraph::new(lines), alerts_area);

    let mut title = format!("UTC   · {} · LATEST HITS", fit("ALERT", NAME_COLS));
    if let Some(trouble) = stream_trouble(&app.alert_pane.connection) {
        title.push_str(&format!(" ({trouble})"));
    }
    let mut lines = vec![heading(&title, cols)];
    if screen.hits.is_empty() {
        let empty = if screen.loading {
            "loading the latest hits…"
        } else {
            "no hits yet; they appear here, in the pane under every list, and ring the bell"
        };
        lines.push(Line::styled(fit(empty, cols), theme::DIM));
    }
    let shown = screen.hits.iter().enumerate().skip(first_hit);
    for (i, hit) in shown.take(hit_rows) {
        let style = theme::priority(hit.story.priority);
        lines.push(Line::styled(
            fit(&hit_row(hit, app.now), cols),
            selected_if(style, screen.alerts.len() + i == selected),
        ));
    }
    frame.render_widget(Paragraph::new(lines), hits_area);
}

/// Widths of the source list's columns.
struct SourceColumns {
    source: usize,
    /// Whether the last error gets a column (wide screens).
    error: bool,
}

fn source_line(cells: [&str; 6], error: Option<&str>, columns: &SourceColumns) -> String {
    let [id, source, every, state, last_ok, taken] = cells;
    let mut line = format!(
        "{id:>4} · {} · {every:>5} · {} · {last_ok:>8} · {taken:>11}",
        fit(source, columns.source),
        fit(state, 10)
    );
    if let (true, Some(error)) = (columns.error, error) {
        line.push_str(" · ");
        line.push_str(error);
    }
    line
}

fn source_cells(s: &SourceInfo, now: OffsetDateTime) -> [String; 6] {
    [
        s.id.to_string(),
        s.name.clone().unwrap_or_else(|| s.url.clone()),
        s.every.clone(),
        state(s),
        s.status
            .last_success
            .map_or_else(|| "never".into(), |t| age(t, now)),
        format!(
            "{}/{}",
            thousands(s.status.items_new),
            thousands(s.status.items_seen)
        ),
    ]
}

/// `SRC`: one line per feed source, red while its polls fail.
pub(super) fn render_sources(app: &App, frame: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let cols = usize::from(area.width);
    let list = &app.sources;
    // Everything but the source's name or URL takes 53 columns.
    let fixed = 53;
    let columns = if cols >= ERROR_COLUMN_FROM {
        SourceColumns {
            source: 40,
            error: true,
        }
    } else {
        SourceColumns {
            source: cols.saturating_sub(fixed).max(8),
            error: false,
        }
    };
    let [header, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let titles = ["ID", "SOURCE", "EVERY", "STATE", "LAST OK", "NEW/SEEN"];
    frame.render_widget(
        heading(&source_line(titles, Some("LAST ERROR"), &columns), cols),
        header,
    );
    if list.sources.is_empty() {
        frame.render_widget(Line::styled(empty_list_text(app), theme::DIM), body);
        return;
    }
    let height = usize::from(body.height);
    let (first, selected) = list.selection.window(list.sources.len(), height);
    let lines: Vec<Line> = list
        .sources
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, s)| {
            let cells = source_cells(s, app.now);
            let cells = cells.each_ref().map(String::as_str);
            let text = source_line(cells, s.status.last_error.as_deref(), &columns);
            let style = if is_failing(s) {
                theme::FAILING
            } else if s.paused {
                theme::DIM
            } else {
                theme::BASE
            };
            Line::styled(fit(&text, cols), selected_if(style, i == selected))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
}
