//! The state of a live stream (headlines or alert hits), shown in the
//! status bar and the alert pane; below the app and the screens that show it.

/// The live subscription's state, shown in the status bar.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Connection {
    /// Not yet connected.
    #[default]
    Connecting,
    /// Connected: headlines arrive as they land.
    Live,
    /// Lost; the client is reconnecting. The text says why it was lost.
    Reconnecting(String),
    /// The server refused the subscription; no live headlines until the
    /// user picks another query.
    Stopped(String),
}
