//! The I/O around the app: the terminal, the keyboard, the server.
//!
//! One loop owns the [`App`]. Keys (read on their own thread, since
//! crossterm's reader blocks), fetch results, live headlines and alert
//! hits (from tokio tasks) all arrive on one channel; the loop applies
//! everything waiting, then draws once.

use std::io::Write;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use newsterm_api::{AlertDelivery, NewAlert, NewSource};
use newsterm_client::{Client, ClientError, Sort, StreamEvent};
use newsterm_story::Priority;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{self, Event, KeyEvent};
use time::OffsetDateTime;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

use crate::TuiError;
use crate::alerts::AlertChange;
use crate::app::{App, Command, Update};
use crate::connection::Connection;
use crate::render::render;
use crate::sources::SourceChange;

/// Headlines fetched to fill the monitor before live ones arrive.
const BACKFILL: usize = 100;
/// Search hits per page.
const SEARCH_PAGE: usize = 50;
const TOP_STORIES: usize = 50;
/// Stories READ lists.
const READ_STORIES: usize = 50;
/// Stories on an entity page.
const LATEST_STORIES: usize = 50;
/// Entities asked for per list or per column of an entity page.
const ENTITIES: usize = 100;
/// Recent hits the `ALRT` screen shows.
const ALERT_HITS: usize = 50;
/// Most bells rung between two redraws: a burst of hits is one event to
/// the ear, and a hundred bells in a row only hold the terminal up.
const BELLS_AT_ONCE: usize = 5;
/// Most messages handled between two redraws, so a burst on the wire
/// cannot freeze the screen.
const BATCH: usize = 512;
/// Seconds between asking a cluster node how far behind it is, or a
/// retagging server how many stories it has left.
const CLUSTER_EVERY_SECS: u64 = 5;

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
    /// From the alert stream, which lives as long as the terminal.
    Alert(Update),
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
    app.set_web_address(format!("{}/", client.base_url().trim_end_matches('/')));
    let size = terminal.size()?;
    app.resize(size.width, size.height);
    let mut io = Fetcher {
        client,
        tx,
        live: None,
        alerts: None,
        top: None,
        generation: 0,
    };
    let start = app.start();
    let mut outcome = io.execute_all(&mut app, start);

    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut ticks = 0u64;
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    while outcome.is_ok() {
        terminal.draw(|frame| render(&app, frame))?;
        let first = tokio::select! {
            msg = rx.recv() => msg,
            _ = tick.tick() => Some(Inbox::Fetched(Update::Clock(OffsetDateTime::now_utc()))),
        };
        let mut next = first;
        let mut bells = 0;
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
                    let clock = matches!(update, Update::Clock(_));
                    app.apply(update);
                    ticks += u64::from(clock);
                    let mut more = app.follow_ups();
                    // A cluster node's lag and a retag's progress move on
                    // their own: asked again now and then while the status
                    // bar shows them.
                    let moving = app.cluster.is_some() || app.retag_pending > 0;
                    if clock && moving && ticks.is_multiple_of(CLUSTER_EVERY_SECS) {
                        more.push(Command::StoryCount);
                    }
                    io.execute_all(&mut app, more)
                }
                Inbox::Live { generation, update } => {
                    // Headlines still queued from a replaced subscription
                    // belong to another query.
                    if generation == io.generation {
                        bells += usize::from(rings_bell(&update));
                        app.apply(update);
                    }
                    let more = app.follow_ups();
                    io.execute_all(&mut app, more)
                }
                Inbox::Alert(update) => {
                    bells += usize::from(rings_bell(&update));
                    app.apply(update);
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
        if bells > 0 {
            let ring = b"\x07".repeat(bells.min(BELLS_AT_ONCE));
            terminal.backend_mut().write_all(&ring)?;
            terminal.backend_mut().flush()?;
        }
        if matches!(outcome, Ok(Flow::Quit)) {
            break;
        }
    }
    for task in [io.live.take(), io.alerts.take()].into_iter().flatten() {
        task.abort();
    }
    stop_input.store(true, Ordering::Relaxed);
    // The reader thread polls with a short timeout, so this returns promptly.
    let _ = input.join();
    outcome.map(|_| ())
}

/// A flash landing live and every alert hit ring the terminal bell: the
/// stories a reader must not miss while looking elsewhere.
fn rings_bell(update: &Update) -> bool {
    match update {
        Update::Headline(h) => h.priority == Priority::Flash,
        Update::AlertHit(_) => true,
        _ => false,
    }
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
    /// The alert stream's task.
    alerts: Option<JoinHandle<()>>,
    /// The TOP stream's task, from the first TOP on.
    top: Option<JoinHandle<()>>,
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
            Command::StoryCount => self.fetch(async move {
                match client.health().await {
                    Ok(h) => Update::StoryCount {
                        stories: h.stories,
                        last_seq: h.last_seq,
                        cluster: h.cluster,
                        retag_pending: h.retag_pending,
                    },
                    Err(e) => Update::Error(format!("story count: {e}")),
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
            Command::Top if self.top.is_none() => self.watch_top(),
            Command::Top => self.fetch(async move {
                match client.top(TOP_STORIES).await {
                    Ok(entries) => Update::TopStories(entries),
                    Err(e) => Update::Error(format!("TOP: {e}")),
                }
            }),
            Command::Read(window) => self.fetch(async move {
                match client.read(window.as_str(), READ_STORIES).await {
                    Ok(report) => Update::Read { window, report },
                    Err(e) => Update::Error(format!("READ: {e}")),
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
            Command::OpenStory { id, revision } => {
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let story = match client.story(&id.to_string(), revision).await {
                        Ok(story) => story,
                        Err(e) => {
                            let _ =
                                tx.send(Inbox::Fetched(Update::Error(format!("story {id}: {e}"))));
                            return;
                        }
                    };
                    let event = story.mark.event;
                    // A closed channel means the terminal is shutting down.
                    if tx
                        .send(Inbox::Fetched(Update::Story(Box::new(story))))
                        .is_err()
                    {
                        return;
                    }
                    // The story shows at once; its event follows. A story
                    // with no event to show simply shows none.
                    if let Some(event) = event
                        && let Ok(info) = client.event(&event.to_string()).await
                    {
                        let _ = tx.send(Inbox::Fetched(Update::StoryEvent {
                            id,
                            event: Box::new(info),
                        }));
                    }
                });
            }
            Command::OpenEvent(id) => self.fetch(async move {
                match client.event(&id.to_string()).await {
                    Ok(info) => Update::Event(Box::new(info)),
                    Err(e) => Update::Error(format!("event {id}: {e}")),
                }
            }),
            Command::Revisions { id } => self.fetch(async move {
                match client.revisions(&id.to_string()).await {
                    Ok(revisions) => Update::Revisions { id, revisions },
                    Err(e) => Update::Error(format!("revisions of {id}: {e}")),
                }
            }),
            Command::WatchAlerts => self.watch_alerts(),
            Command::Alerts => self.fetch(async move { list_alerts(&client, None).await }),
            Command::ChangeAlert(change) => self.fetch(async move {
                match change_alert(&client, &change).await {
                    Ok(done) => list_alerts(&client, Some(done)).await,
                    Err(e) => Update::Error(format!("{change}: {e}")),
                }
            }),
            Command::Sources => self.fetch(async move { list_sources(&client, None).await }),
            Command::ChangeSource(change) => self.fetch(async move {
                match change_source(&client, &change).await {
                    Ok(done) => list_sources(&client, Some(done)).await,
                    Err(e) => Update::Error(format!("{change}: {e}")),
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

    /// Follows alert hits for the rest of the session. The client
    /// reconnects by itself; each failed attempt reports why, so the pane
    /// can say hits are not arriving.
    fn watch_alerts(&mut self) {
        if let Some(old) = self.alerts.take() {
            old.abort();
        }
        let tx = self.tx.clone();
        let stream = self.client.alert_stream();
        self.alerts = Some(tokio::spawn(async move {
            let mut stream = pin!(stream);
            while let Some(event) = stream.next().await {
                let update = match event {
                    Ok(Some(hit)) => Update::AlertHit(hit),
                    Ok(None) => Update::AlertConnection(Connection::Live),
                    Err(e) => Update::AlertConnection(Connection::Reconnecting(e.to_string())),
                };
                if tx.send(Inbox::Alert(update)).is_err() {
                    break;
                }
            }
        }));
    }

    /// Follows TOP: the server sends the whole list at once and again on
    /// every change, so TOP on screen lives without a keypress.
    fn watch_top(&mut self) {
        let tx = self.tx.clone();
        let stream = self.client.top_stream();
        self.top = Some(tokio::spawn(async move {
            let mut stream = pin!(stream);
            while let Some(event) = stream.next().await {
                let update = match event {
                    Ok(Some(entries)) => Update::TopStories(entries),
                    Ok(None) => continue,
                    Err(e) => Update::Error(format!("TOP: {e}")),
                };
                if tx.send(Inbox::Fetched(update)).is_err() {
                    break;
                }
            }
        }));
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
                    Ok(StreamEvent::Story(h)) => (Update::Headline(*h), false),
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

/// The standing alerts and their latest hits; `done` says what a change
/// did, and is kept in the error when the listing after it fails.
async fn list_alerts(client: &Client, done: Option<String>) -> Update {
    let (alerts, hits) = tokio::join!(client.alerts(), client.alert_hits(None, ALERT_HITS));
    match (alerts, hits) {
        (Ok(alerts), Ok(hits)) => Update::Alerts { alerts, hits, done },
        (Err(e), _) | (_, Err(e)) => Update::Error(match done {
            Some(done) => format!("{done}, but listing alerts failed: {e}"),
            None => format!("ALRT: {e}"),
        }),
    }
}

/// Adds or removes an alert; says what was done.
async fn change_alert(client: &Client, change: &AlertChange) -> Result<String, ClientError> {
    Ok(match change {
        AlertChange::Add { name, query } => {
            let alert = client
                .add_alert(&NewAlert {
                    name: name.clone(),
                    query: query.clone(),
                    delivery: terminal_delivery(),
                })
                .await?;
            format!("alert {} added: {} · {}", alert.id, alert.name, alert.query)
        }
        AlertChange::Remove { id } => {
            client.remove_alert(*id).await?;
            format!("alert {id} removed")
        }
    })
}

/// Alerts added from the terminal ring in terminals and keep a feed, as
/// the CLI's do by default; webhooks take a URL and secret the CLI asks for.
fn terminal_delivery() -> AlertDelivery {
    AlertDelivery {
        stream: true,
        webhook: None,
        feed: true,
    }
}

async fn list_sources(client: &Client, done: Option<String>) -> Update {
    match client.sources().await {
        Ok(sources) => Update::Sources { sources, done },
        Err(e) => Update::Error(match done {
            Some(done) => format!("{done}, but listing sources failed: {e}"),
            None => format!("SRC: {e}"),
        }),
    }
}

/// Carries out a change to the feed sources; says what was done.
async fn change_source(client: &Client, change: &SourceChange) -> Result<String, ClientError> {
    Ok(match change {
        SourceChange::Add { url, every } => {
            let new = NewSource {
                url: url.clone(),
                name: None,
                every: every.clone(),
                priority: None,
            };
            let s = client.add_source(&new).await?;
            format!("source {} added: {}, polled every {}", s.id, s.url, s.every)
        }
        SourceChange::Remove { id } => {
            client.remove_source(*id).await?;
            format!("source {id} removed")
        }
        SourceChange::Pause { id } => {
            client.pause_source(*id).await?;
            format!("source {id} paused")
        }
        SourceChange::Resume { id } => {
            client.resume_source(*id).await?;
            format!("source {id} resumed")
        }
        SourceChange::Poll { id } => {
            let report = client.poll_source(*id).await?;
            format!("source {id} polled: {}", report.summary())
        }
    })
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
            revised: None,
            mark: newsterm_story::RevisionMark::default(),
            carried_by: Vec::new(),
            places: Vec::new(),
        }
    }

    #[test]
    fn live_flashes_and_alert_hits_ring_the_bell() {
        assert!(rings_bell(&Update::Headline(headline(Priority::Flash))));
        assert!(!rings_bell(&Update::Headline(headline(Priority::Urgent))));
        assert!(!rings_bell(&Update::Headlines {
            query: None,
            headlines: vec![headline(Priority::Flash)],
        }));
        let hit = newsterm_api::AlertHit {
            alert: 1,
            name: "quiet".into(),
            story: headline(Priority::Normal),
            at: OffsetDateTime::UNIX_EPOCH,
        };
        assert!(rings_bell(&Update::AlertHit(hit.clone())));
        // Fetched hits are history: listing them on ALRT is silent.
        assert!(!rings_bell(&Update::Alerts {
            alerts: Vec::new(),
            hits: vec![hit],
            done: None,
        }));
    }
}
