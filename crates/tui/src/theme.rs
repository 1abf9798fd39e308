//! Colours and text styles: amber on black, as on the terminals this one
//! is modelled on, with red reserved for flashes and errors.
//!
//! Colours are from the 256-colour palette rather than 24-bit RGB so they
//! look the same on terminals without true colour.

use newsterm_story::Priority;
use ratatui::style::{Color, Modifier, Style};

/// The amber every ordinary line is drawn in.
pub const AMBER: Color = Color::Indexed(214);
/// A brighter amber for urgent stories and subheads.
pub const BRIGHT_AMBER: Color = Color::Indexed(220);
/// Flash headlines and error messages.
pub const RED: Color = Color::LightRed;

/// The whole screen's default: amber on black.
pub const BASE: Style = Style::new().fg(AMBER).bg(Color::Black);
/// Status bar: black on amber, so it reads as chrome, not content.
pub const STATUS: Style = Style::new().fg(Color::Black).bg(AMBER);
/// Column headings, hints, photo captions and other secondary text.
pub const DIM: Style = Style::new().fg(AMBER).add_modifier(Modifier::DIM);
pub const BOLD: Style = Style::new().fg(AMBER).add_modifier(Modifier::BOLD);
pub const SUBHEAD: Style = Style::new()
    .fg(BRIGHT_AMBER)
    .add_modifier(Modifier::BOLD.union(Modifier::UNDERLINED));
pub const ERROR: Style = Style::new().fg(RED).add_modifier(Modifier::BOLD);
/// The unread-alert count in the status bar: it must catch the eye.
pub const UNREAD: Style = Style::new()
    .fg(Color::Black)
    .bg(RED)
    .add_modifier(Modifier::BOLD);
/// A feed source whose last poll failed.
pub const FAILING: Style = Style::new().fg(RED);
pub const URL: Style = Style::new()
    .fg(AMBER)
    .add_modifier(Modifier::DIM.union(Modifier::UNDERLINED));

/// How a headline of this priority is drawn in lists and in the reader.
pub fn priority(p: Priority) -> Style {
    match p {
        Priority::Flash => Style::new().fg(RED).add_modifier(Modifier::BOLD),
        Priority::Urgent => Style::new().fg(BRIGHT_AMBER).add_modifier(Modifier::BOLD),
        Priority::Normal => Style::new().fg(AMBER),
    }
}

/// The selected row: the row's own colours, reversed.
pub fn selected(row_style: Style) -> Style {
    row_style.add_modifier(Modifier::REVERSED)
}
