//! The I/O around the app: the terminal, the keyboard, the server.
//!
//! One loop owns the [`App`]. Keys (read on their own thread, since
//! crossterm's reader blocks), fetch results and live headlines (from
//! tokio tasks) all arrive on one channel; the loop applies everything
//! waiting, then draws once.

use std::io::Write;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use newsterm_client::{Client, ClientError, Sort, StreamEvent};
use newsterm_story::Priority;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{self, Event, KeyEvent};
use time::OffsetDateTime;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

use crate::TuiError;
use crate::app::{App, Command, Connection, Update};
use crate::render::render;

/// Headlines fetched to fill the monitor before live ones arrive.
const BACKFILL: usize = 100;
/// Search hits per page.
const SEARCH_PAGE: usize = 50;
const TOP_STORIES: usize = 50;
/// Stories on an entity page.
const LATEST_STORIES: usize = 50;
/// Entities asked for per list or per column of an entity page.
const ENTITIES: usize = 100;
/// Most messages handled between two redraws, so a burst on the wire
/// cannot freeze the screen.
const BATCH: usize = 512;

/// Runs the terminal UI against `client`'s server until the user quits.
///
/// The terminal is put in raw mode on the alternate screen and restored
/// on return, on error, and on panic.
pub async fn run(client: Client) -> Result<(), TuiError> {
    // `try_init` also installs a panic hook that restores the terminal.
    let _restore = RestoreOnDrop;
    let mut terminal = ratatui::try_init()?;
    event_loop(&mut terminal, client).await
}

struct RestoreOnDrop;

impl Drop for RestoreOnDrop {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

enum Inbox {
    Key(KeyEvent),
    Resize(u16, u16),
    /// The answer to a fetch.
    Fetched(Update),
    /// From the live subscription numbered `generation`.
    Live {
        generation: u64,
        update: Update,
    },
    InputFailed(std::io::Error),
}

async fn event_loop(terminal: &mut DefaultTerminal, client: Client) -> Result<(), TuiError> {
    let (tx, mut rx) = unbounded_channel();
    let stop_input = Arc::new(AtomicBool::new(false));
    let input = spawn_input_reader(tx.clone(), Arc::clone(&stop_input));
    let mut app = App::new();
    let size = terminal.size()?;
    app.resize(size.width, size.height);
    let mut io = Fetcher {
        client,
        tx,
        live: None,
        generation: 0,
    };
    let start = app.start();
    let mut outcome = io.execute_all(&mut app, start);

    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    while outcome.is_ok() {
        terminal.draw(|frame| render(&app, frame))?;
        let first = tokio::select! {
            msg = rx.recv() => msg,
            _ = tick.tick() => Some(Inbox::Fetched(Update::Clock(OffsetDateTime::now_utc()))),
        };
        let mut next = first;
        let mut bell = false;
        let mut handled = 0;
        while let Some(msg) = next {
            outcome = match msg {
                Inbox::Key(key) => {
                    let commands = app.handle_key(key);
                    io.execute_all(&mut app, commands)
                }
                Inbox::Resize(w, h) => {
                    app.resize(w, h);
                    Ok(Flow::Continue)
                }
                Inbox::Fetched(update) => {
                    app.apply(update);
                    Ok(Flow::Continue)
                }
                Inbox::Live { generation, update } => {
                    // Headlines still queued from a replaced subscription
                    // belong to another query.
                    if generation == io.generation {
                        bell |= rings_bell(&update);
                        app.apply(update);
                    }
                    Ok(Flow::Continue)
                }
                Inbox::InputFailed(e) => Err(TuiError::Terminal(e)),
            };
            handled += 1;
            if !matches!(outcome, Ok(Flow::Continue)) || handled >= BATCH {
                break;
            }
            next = rx.try_recv().ok();
        }
        if bell {
            terminal.backend_mut().write_all(b"\x07")?;
            terminal.backend_mut().flush()?;
        }
        if matches!(outcome, Ok(Flow::Quit)) {
            break;
        }
    }
    if let Some(live) = io.live.take() {
        live.abort();
    }
    stop_input.store(true, Ordering::Relaxed);
    // The reader thread polls with a short timeout, so this returns promptly.
    let _ = input.join();
    outcome.map(|_| ())
}

/// A flash landing live rings the terminal bell: the one story a reader
/// must not miss while looking elsewhere.
fn rings_bell(update: &Update) -> bool {
    matches!(update, Update::Headline(h) if h.priority == Priority::Flash)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Continue,
    Quit,
}

/// Carries out commands: one task per fetch, one for the live stream.
struct Fetcher {
    client: Client,
    tx: UnboundedSender<Inbox>,
    live: Option<JoinHandle<()>>,
    /// Numbers subscriptions so the loop can drop a replaced one's leftovers.
    generation: u64,
}

impl Fetcher {
    fn execute_all(&mut self, app: &mut App, commands: Vec<Command>) -> Result<Flow, TuiError> {
        for command in commands {
            if self.execute(app, command) == Flow::Quit {
                return Ok(Flow::Quit);
            }
        }
        Ok(Flow::Continue)
    }

    fn execute(&mut self, app: &mut App, command: Command) -> Flow {
        let client = self.client.clone();
        match command {
            Command::Quit => return Flow::Quit,
            Command::Subscribe { query } => {
                app.apply(Update::Connection(Connection::Connecting));
                self.subscribe(query);
            }
            Command::Headlines { query } => self.fetch(async move {
                match client.headlines(query.as_deref(), BACKFILL).await {
                    Ok(headlines) => Update::Headlines { query, headlines },
                    Err(e) => Update::Error(format!("latest headlines: {e}")),
                }
            }),
            Command::Search { query, cursor } => self.fetch(async move {
                match client
                    .search(&query, SEARCH_PAGE, Sort::Relevance, cursor.as_deref())
                    .await
                {
                    Ok(response) => Update::SearchResults {
                        query,
                        cursor,
                        response,
                    },
                    Err(e) => Update::Error(format!("NSE {query}: {e}")),
                }
            }),
            Command::Top => self.fetch(async move {
                match client.top(TOP_STORIES).await {
                    Ok(headlines) => Update::TopStories(headlines),
                    Err(e) => Update::Error(format!("TOP: {e}")),
                }
            }),
            Command::LatestStories { query } => self.fetch(async move {
                match client
                    .search(&query, LATEST_STORIES, Sort::Time, None)
                    .await
                {
                    Ok(response) => Update::LatestStories { query, response },
                    Err(e) => Update::Error(format!("stories for {query}: {e}")),
                }
            }),
            Command::Entities { kind, query } => self.fetch(async move {
                match client
                    .entities(kind.as_str(), query.as_deref(), None, ENTITIES)
                    .await
                {
                    Ok(facets) => Update::Entities {
                        kind,
                        query,
                        entities: facets.entities,
                    },
                    Err(e) => Update::Error(match query {
                        Some(q) => format!("{} mentioned with {q}: {e}", kind.plural()),
                        None => format!("{}: {e}", kind.mnemonic()),
                    }),
                }
            }),
            Command::OpenStory { id, revision } => self.fetch(async move {
                match client.story(&id.to_string(), revision).await {
                    Ok(story) => Update::Story(Box::new(story)),
                    Err(e) => Update::Error(format!("story {id}: {e}")),
                }
            }),
            Command::Revisions { id } => self.fetch(async move {
                match client.revisions(&id.to_string()).await {
                    Ok(revisions) => Update::Revisions { id, revisions },
                    Err(e) => Update::Error(format!("revisions of {id}: {e}")),
                }
            }),
        }
        Flow::Continue
    }

    fn fetch(&self, work: impl Future<Output = Update> + Send + 'static) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            // A closed channel means the terminal is shutting down.
            let _ = tx.send(Inbox::Fetched(work.await));
        });
    }

    fn subscribe(&mut self, query: Option<String>) {
        if let Some(old) = self.live.take() {
            old.abort();
        }
        self.generation += 1;
        let generation = self.generation;
        let tx = self.tx.clone();
        let stream = self.client.stream(query.as_deref(), None);
        self.live = Some(tokio::spawn(async move {
            let mut stream = pin!(stream);
            while let Some(event) = stream.next().await {
                let (update, last) = match event {
                    Ok(StreamEvent::Connected) => (Update::Connection(Connection::Live), false),
                    Ok(StreamEvent::Story(h)) => (Update::Headline(h), false),
                    Ok(StreamEvent::Lagged(l)) => (
                        Update::Connection(Connection::Reconnecting(format!(
                            "fell behind the wire; resuming after #{}",
                            l.resume_from
                        ))),
                        false,
                    ),
                    Ok(StreamEvent::Disconnected(why)) => {
                        (Update::Connection(Connection::Reconnecting(why)), false)
                    }
                    // The server refused the subscription (a bad query):
                    // retrying cannot help, so stop and say why.
                    Err(e @ ClientError::Api { .. }) => {
                        let _ = tx.send(Inbox::Live {
                            generation,
                            update: Update::Connection(Connection::Stopped(e.to_string())),
                        });
                        (Update::Error(format!("live headlines: {e}")), true)
                    }
                    Err(e) => (Update::Error(format!("live headlines: {e}")), false),
                };
                if tx.send(Inbox::Live { generation, update }).is_err() || last {
                    break;
                }
            }
        }));
    }
}

fn spawn_input_reader(
    tx: UnboundedSender<Inbox>,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            let msg = match event::poll(Duration::from_millis(100)) {
                Ok(false) => continue,
                Ok(true) => match event::read() {
                    Ok(Event::Key(key)) => Inbox::Key(key),
                    Ok(Event::Resize(w, h)) => Inbox::Resize(w, h),
                    Ok(_) => continue,
                    Err(e) => Inbox::InputFailed(e),
                },
                Err(e) => Inbox::InputFailed(e),
            };
            let failed = matches!(msg, Inbox::InputFailed(_));
            if tx.send(msg).is_err() || failed {
                break;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsterm_api::Headline;
    use newsterm_story::StoryId;

    fn headline(priority: Priority) -> Headline {
        Headline {
            seq: 1,
            id: StoryId::new(),
            revision: 1,
            headline: "h".into(),
            published: OffsetDateTime::UNIX_EPOCH,
            priority,
            source: None,
            language: "en".into(),
            topic: None,
        }
    }

    #[test]
    fn only_live_flashes_ring_the_bell() {
        assert!(rings_bell(&Update::Headline(headline(Priority::Flash))));
        assert!(!rings_bell(&Update::Headline(headline(Priority::Urgent))));
        assert!(!rings_bell(&Update::Headlines {
            query: None,
            headlines: vec![headline(Priority::Flash)],
        }));
    }
}
