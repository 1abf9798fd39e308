//! newsterm's terminal UI: a live headline monitor (also by topic),
//! archive search, top stories, pages about people, organizations and
//! places, and a story reader with its tags, driven from a command line
//! of function mnemonics (`N`, `NSE <query>`, `TOP`, `READ`, `EVT`,
//! `FIRST`, `NI <code>`, `PPL <name>`, `ORG <name>`, `GEO <place>`,
//! `ALRT`, `SRC`, a story id…) where Enter is GO. Standing alerts fire into a pane under the
//! lists and ring the terminal bell.
//!
//! The core is pure: [`App`] takes keys ([`App::handle_key`]) and arriving
//! data ([`App::apply`]) and says what to fetch ([`Command`]); [`render`]
//! draws it. [`run`] wires that to a real terminal and a
//! [`newsterm_client::Client`].

mod alerts;
mod app;
mod connection;
mod entities;
mod event_page;
#[cfg(test)]
mod fixtures;
mod function;
mod reader;
mod render;
mod rows;
mod runner;
mod sources;
mod theme;
mod wrap;

pub use alerts::AlertChange;
pub use app::{App, Command, Update};
pub use connection::Connection;
pub use entities::EntityKind;
pub use function::ReadWindow;
pub use render::render;
pub use runner::run;
pub use sources::SourceChange;

/// Why the terminal UI stopped other than by the user quitting.
#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    /// The terminal could not be set up, drawn on, or read from.
    #[error("terminal error: {0}")]
    Terminal(#[from] std::io::Error),
}
