//! The terminal's state machine: keys and arriving data in, fetches out.
//!
//! Nothing here does I/O. [`App::handle_key`] turns a key into the
//! [`Command`]s the runner must carry out, and [`App::apply`] takes what
//! came back as an [`Update`]. That keeps every behaviour a user sees
//! testable without a terminal or a server.

use newsterm_api::{
    AlertHit, AlertInfo, ClusterHealth, EntityCount, EventInfo, Headline, ReadReport, RevisionInfo,
    SearchResponse, SourceInfo, TopEntry,
};
use newsterm_story::{EventId, Story, StoryId};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use time::OffsetDateTime;

use crate::alerts::{AlertChange, AlertPane, AlertScreen, PANE_HITS, Selected};
use crate::connection::Connection;
use crate::entities::{self, EntityKind, EntityList, EntityPage, Focus};
use crate::event_page::EventPage;
use crate::function::{self, Function, ReadWindow};
use crate::reader::Reader;
use crate::rows::{Cursor, Row, WIRE_CAPACITY, Wire};
use crate::sources::{SourceChange, SourceList};

/// Lines the screen spends around a list: status bar, column header,
/// message line and command line. The reader has no column header.
pub(crate) const CHROME_LINES: u16 = 4;
/// Longest command line accepted; a query longer than this is a paste gone wrong.
const INPUT_LIMIT: usize = 256;
/// Shortest screen that gets an alert pane: below this the pane would
/// crowd out the list it sits under.
const PANE_MIN_HEIGHT: u16 = 16;

/// Something the runner must fetch or do; its answer comes back as an [`Update`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// The latest headlines (newest first), to fill the monitor before live
    /// ones arrive. Answered by [`Update::Headlines`].
    Headlines {
        /// The query typed, if any.
        query: Option<String>,
    },
    /// Replace the live subscription with one for `query` (everything when
    /// `None`). Answered by a stream of [`Update::Headline`] and
    /// [`Update::Connection`].
    Subscribe {
        /// The query typed, if any.
        query: Option<String>,
    },
    /// One page of archive search; `cursor` is `None` for the first page.
    /// Answered by [`Update::SearchResults`].
    Search {
        /// The query typed.
        query: String,
        /// Where the page starts.
        cursor: Option<String>,
    },
    /// Top stories now. Answered by [`Update::TopStories`].
    Top,
    /// The most-read stories of the window. Answered by [`Update::Read`].
    Read(ReadWindow),
    /// How many stories the server holds. Answered by [`Update::StoryCount`].
    StoryCount,
    /// The newest stories in the archive matching `query` (one page,
    /// newest first). Answered by [`Update::LatestStories`].
    LatestStories {
        /// The query typed.
        query: String,
    },
    /// The most mentioned entities of `kind`, among the stories matching
    /// `query` when there is one. Answered by [`Update::Entities`].
    Entities {
        /// Which entities.
        kind: EntityKind,
        /// The query typed, if any.
        query: Option<String>,
    },
    /// A story, at a revision or the latest. Answered by [`Update::Story`]
    /// and then, when it belongs to an event, [`Update::StoryEvent`].
    OpenStory {
        /// The story.
        id: StoryId,
        /// The revision; the latest when `None`.
        revision: Option<u32>,
    },
    /// One event: its label, times, counts, names, pace and stories.
    /// Answered by [`Update::Event`].
    OpenEvent(EventId),
    /// A story's revision history. Answered by [`Update::Revisions`].
    Revisions {
        /// The story.
        id: StoryId,
    },
    /// Follow alert hits as they fire, for as long as the terminal runs.
    /// Answered by a stream of [`Update::AlertHit`] and
    /// [`Update::AlertConnection`].
    WatchAlerts,
    /// The standing alerts and their latest hits. Answered by
    /// [`Update::Alerts`].
    Alerts,
    /// Add or remove an alert, then list the alerts again. Answered by
    /// [`Update::Alerts`] saying what was done.
    ChangeAlert(AlertChange),
    /// The feed sources with their health. Answered by [`Update::Sources`].
    Sources,
    /// Add, remove, pause, resume or poll a source, then list the sources
    /// again. Answered by [`Update::Sources`] saying what was done.
    ChangeSource(SourceChange),
    /// Leave the terminal.
    Quit,
}

/// Something that arrived for the app: data, a failure, or the time.
#[derive(Debug, Clone, PartialEq)]
pub enum Update {
    /// A headline from the live subscription.
    Headline(Headline),
    /// The latest headlines for the monitor's query.
    Headlines {
        /// The monitor's query they answer.
        query: Option<String>,
        /// Newest first.
        headlines: Vec<Headline>,
    },
    /// One page of archive search, for the query and page asked.
    SearchResults {
        /// The query searched.
        query: String,
        /// Where the page started.
        cursor: Option<String>,
        /// The hits.
        response: SearchResponse,
    },
    /// TOP: one row per event, fetched or live.
    TopStories(Vec<TopEntry>),
    /// READ: the most-read stories of `window`.
    Read {
        /// The window counted.
        window: ReadWindow,
        /// The most-read stories, most read first.
        report: ReadReport,
    },
    /// The stories the server holds, as of wire sequence `last_seq`, and
    /// where the server stands in its cluster, if it is a node of one.
    StoryCount {
        /// Distinct stories stored.
        stories: u64,
        /// The highest wire sequence.
        last_seq: u64,
        /// Where a cluster node stands in its stream; `None` on a single server.
        cluster: Option<ClusterHealth>,
        /// Stories the server is still tagging again after a tagger
        /// upgrade (0 when none).
        retag_pending: u64,
    },
    /// The newest stories matching the LATEST query.
    LatestStories {
        /// The query searched.
        query: String,
        /// The stories, newest first.
        response: SearchResponse,
    },
    /// The most mentioned entities of a kind.
    Entities {
        /// Which entities.
        kind: EntityKind,
        /// The query they were counted under, if any.
        query: Option<String>,
        /// The most mentioned first.
        entities: Vec<EntityCount>,
    },
    /// Boxed: a story is large and rare next to the headlines sharing the channel.
    Story(Box<Story>),
    /// An event, for its page.
    Event(Box<EventInfo>),
    /// The event of the story `id`, for the reader.
    StoryEvent {
        /// The story opened.
        id: StoryId,
        /// Its event.
        event: Box<EventInfo>,
    },
    /// A story's revision history.
    Revisions {
        /// The story.
        id: StoryId,
        /// Oldest first.
        revisions: Vec<RevisionInfo>,
    },
    /// An alert fired, live.
    AlertHit(AlertHit),
    /// The alert stream's state; hits stop while it is down.
    AlertConnection(Connection),
    /// `done` says what a [`Command::ChangeAlert`] did.
    Alerts {
        /// The standing alerts.
        alerts: Vec<AlertInfo>,
        /// Their latest hits, newest first.
        hits: Vec<AlertHit>,
        /// What the change did, in words.
        done: Option<String>,
    },
    /// `done` says what a [`Command::ChangeSource`] did.
    Sources {
        /// The sources with their health.
        sources: Vec<SourceInfo>,
        /// What the change did, in words.
        done: Option<String>,
    },
    /// A fetch failed; the text is shown to the user as is.
    Error(String),
    /// The live subscription's state changed.
    Connection(Connection),
    /// The time now, for the status-bar clock and row dates.
    Clock(OffsetDateTime),
}

/// The list under the reader and help: which function's rows are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum View {
    Monitor,
    First,
    Search,
    Top,
    Read,
    /// `EVT`: one event's page.
    Event,
    /// `PPL`, `ORG`, `GEO` or `NI` alone.
    Entities,
    /// `PPL <name>`, `ORG <name>`, `GEO <place>`.
    Entity,
    /// `ALRT`.
    Alerts,
    /// `SRC`.
    Sources,
}

#[derive(Debug)]
pub(crate) struct Monitor {
    pub query: Option<String>,
    /// Stories on the server, kept up to date from the unfiltered wire:
    /// the monitor shows only the newest of them.
    pub stories: Option<u64>,
    /// The wire sequence `stories` counts up to.
    pub counted_to: u64,
    pub wire: Wire,
    /// Waiting for the backfill of the latest headlines.
    pub loading: bool,
    pub cursor: Cursor,
    /// FIRST shows a subset of the same wire, with its own selection.
    pub first_cursor: Cursor,
}

#[derive(Debug, Default)]
pub(crate) struct SearchView {
    pub query: String,
    pub rows: Vec<Row>,
    pub total: u64,
    pub next_cursor: Option<String>,
    /// The page being fetched: `Some(None)` for the first one.
    pub pending: Option<Option<String>>,
    pub cursor: Cursor,
    /// The first page failed (an invalid query): there is no count to show.
    pub failed: bool,
}

#[derive(Debug, Default)]
pub(crate) struct TopView {
    pub rows: Vec<Row>,
    pub loading: bool,
    pub cursor: Cursor,
}

#[derive(Debug, Default)]
pub(crate) struct ReadView {
    pub window: ReadWindow,
    pub rows: Vec<Row>,
    pub loading: bool,
    pub cursor: Cursor,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Message {
    pub text: String,
    pub is_error: bool,
}

/// Everything the terminal shows, and how keys and data change it.
#[derive(Debug)]
pub struct App {
    pub(crate) view: View,
    pub(crate) monitor: Monitor,
    pub(crate) search: SearchView,
    pub(crate) top: TopView,
    pub(crate) read: ReadView,
    pub(crate) entity_list: EntityList,
    /// The entity page; there whenever the view is [`View::Entity`].
    pub(crate) page: Option<EntityPage>,
    /// The event page; there whenever the view is [`View::Event`].
    pub(crate) event: Option<EventPage>,
    /// Fetches that data arriving asked for (an event page falling behind
    /// the wire), for the runner to carry out after [`App::apply`].
    follow_ups: Vec<Command>,
    pub(crate) reader: Option<Reader>,
    pub(crate) alert_pane: AlertPane,
    pub(crate) alert_screen: AlertScreen,
    pub(crate) sources: SourceList,
    pub(crate) help: bool,
    pub(crate) input: String,
    /// The command line holds a function that failed to parse: the next
    /// character typed starts a new line, while Backspace edits the old.
    pub(crate) input_failed: bool,
    pub(crate) message: Option<Message>,
    pub(crate) connection: Connection,
    /// The cluster node this terminal talks to and how far behind the
    /// cluster's stream it is; `None` for a single server.
    pub(crate) cluster: Option<ClusterHealth>,
    /// Stories the server is tagging again after a tagger upgrade, as of
    /// the last count; the status bar shows them until none are left.
    pub(crate) retag_pending: u64,
    /// The address of the server's web terminal, shown in the status bar
    /// (when it fits) and on the help screen; `None` until told.
    pub(crate) web: Option<String>,
    pub(crate) now: OffsetDateTime,
    /// Terminal size, so paging moves by what is actually on screen.
    pub(crate) size: (u16, u16),
}

impl Default for App {
    fn default() -> Self {
        App::new()
    }
}

impl App {
    /// The live monitor of all headlines, empty until [`App::start`]'s
    /// commands are answered.
    pub fn new() -> App {
        App {
            view: View::Monitor,
            monitor: Monitor {
                query: None,
                stories: None,
                counted_to: 0,
                wire: Wire::new(WIRE_CAPACITY),
                loading: false,
                cursor: Cursor::default(),
                first_cursor: Cursor::default(),
            },
            search: SearchView::default(),
            top: TopView::default(),
            read: ReadView::default(),
            entity_list: EntityList::new(EntityKind::Person),
            page: None,
            event: None,
            follow_ups: Vec::new(),
            reader: None,
            alert_pane: AlertPane::default(),
            alert_screen: AlertScreen::default(),
            sources: SourceList::default(),
            help: false,
            input: String::new(),
            input_failed: false,
            message: None,
            connection: Connection::Connecting,
            cluster: None,
            retag_pending: 0,
            web: None,
            now: OffsetDateTime::now_utc(),
            size: (80, 24),
        }
    }

    /// What to fetch to fill the first screen: the latest headlines, then
    /// the live stream; and the alert hits, from now on.
    pub fn start(&mut self) -> Vec<Command> {
        self.monitor.loading = true;
        let mut commands = tuned_to(self.monitor.query.clone());
        commands.extend([Command::WatchAlerts, Command::StoryCount]);
        commands
    }

    /// Tells the app where the web terminal of its server is (every
    /// `newsterm serve` serves one at its `/`), so the user can open it.
    pub fn set_web_address(&mut self, url: impl Into<String>) {
        self.web = Some(url.into());
    }

    /// Tells the app the terminal's size, so paging and scrolling match the screen.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.size = (width, height);
    }

    /// Arrows, PgUp/PgDn, Home/End always navigate; printable keys type
    /// into the command line, except `j`/`k`/`?` (and `[`/`]` in the
    /// reader) when it is empty, since no function starts with those.
    pub fn handle_key(&mut self, key: KeyEvent) -> Vec<Command> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('c') if ctrl => vec![Command::Quit],
            KeyCode::Char('u') if ctrl => {
                self.input.clear();
                self.input_failed = false;
                Vec::new()
            }
            KeyCode::Esc => {
                self.back();
                Vec::new()
            }
            KeyCode::Enter => self.go(),
            KeyCode::Backspace => {
                self.input.pop();
                self.input_failed = false;
                Vec::new()
            }
            KeyCode::Up => self.navigate(Nav::Lines(-1)),
            KeyCode::Down => self.navigate(Nav::Lines(1)),
            KeyCode::PageUp => self.navigate(Nav::Pages(-1)),
            KeyCode::PageDown => self.navigate(Nav::Pages(1)),
            KeyCode::Home => self.navigate(Nav::Home),
            KeyCode::End => self.navigate(Nav::End),
            KeyCode::Left => self.navigate(Nav::Columns(-1)),
            KeyCode::Right => self.navigate(Nav::Columns(1)),
            KeyCode::Char(c) if !ctrl => self.type_char(c),
            _ => Vec::new(),
        }
    }

    /// Takes data, a failure or the time. Answers that no longer match what
    /// is on screen (a search replaced by another, a story closed) are
    /// dropped.
    pub fn apply(&mut self, update: Update) {
        match update {
            Update::Headline(h) => {
                if let Some(reader) = &mut self.reader
                    && reader.id == h.id
                {
                    reader.newest = reader.newest.max(h.revision);
                }
                let m = &mut self.monitor;
                if m.query.is_none()
                    && h.seq > m.counted_to
                    && let Some(stories) = &mut m.stories
                {
                    *stories += u64::from(h.revision == 1);
                    m.counted_to = h.seq;
                }
                m.wire.upsert(Row::from(&h));
                self.refresh_event_if(h.mark.event);
            }
            Update::StoryCount {
                stories,
                last_seq,
                cluster,
                retag_pending,
            } => {
                self.monitor.stories = Some(stories);
                self.monitor.counted_to = last_seq;
                self.cluster = cluster;
                self.retag_pending = retag_pending;
            }
            Update::Headlines { query, headlines } => {
                if query == self.monitor.query {
                    for h in &headlines {
                        self.monitor.wire.upsert(Row::from(h));
                    }
                    self.monitor.loading = false;
                }
            }
            Update::SearchResults {
                query,
                cursor,
                response,
            } => self.receive_search(query, cursor, response),
            Update::TopStories(entries) => {
                self.top.rows = entries.iter().map(Row::top).collect();
                self.top.loading = false;
                let behind = self.event.as_ref().filter(|e| e.is_behind(&entries));
                self.refresh_event_if(behind.map(|e| e.id));
            }
            Update::Event(info) => {
                if let Some(page) = &mut self.event {
                    page.receive(*info);
                }
            }
            Update::Read { window, report } => {
                // An answer for a window no longer asked for is stale.
                if window == self.read.window {
                    self.read.rows = report.stories.iter().map(Row::read).collect();
                    self.read.loading = false;
                }
            }
            Update::LatestStories { query, response } => {
                if let Some(page) = &mut self.page {
                    page.receive_stories(&query, response);
                }
            }
            Update::Entities {
                kind,
                query: None,
                entities,
            } => {
                if self.entity_list.kind == kind {
                    self.entity_list.receive(entities);
                }
            }
            Update::Entities {
                kind,
                query: Some(query),
                entities,
            } => {
                if let Some(page) = &mut self.page {
                    page.receive_related(kind, &query, entities);
                }
            }
            Update::Story(story) => {
                if let Some(reader) = &mut self.reader {
                    reader.receive_story(*story);
                }
            }
            Update::StoryEvent { id, event } => {
                if let Some(reader) = &mut self.reader {
                    reader.receive_event(id, *event);
                }
            }
            Update::Revisions { id, revisions } => {
                if let Some(reader) = &mut self.reader {
                    reader.receive_revisions(id, revisions);
                }
            }
            Update::AlertHit(hit) => {
                let seen = self.view == View::Alerts && self.reader.is_none() && !self.help;
                self.alert_screen.receive_live(hit.clone());
                self.alert_pane.receive(hit, seen);
            }
            Update::AlertConnection(c) => self.alert_pane.connection = c,
            Update::Alerts { alerts, hits, done } => {
                self.alert_screen.receive(alerts, hits);
                self.note(done);
            }
            Update::Sources { sources, done } => {
                let height = self.list_height();
                self.sources.receive(sources, height);
                self.note(done);
            }
            Update::Error(text) => self.fail(text),
            Update::Connection(c) => self.connection = c,
            Update::Clock(now) => self.now = now,
        }
    }

    /// What the data applied since the last call asks to fetch.
    pub fn follow_ups(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.follow_ups)
    }

    /// Fetches the open event page again when `event` is its event and
    /// no fetch is on its way already.
    fn refresh_event_if(&mut self, event: Option<EventId>) {
        if let Some(page) = &mut self.event
            && Some(page.id) == event
            && !page.loading
        {
            page.loading = true;
            self.follow_ups.push(Command::OpenEvent(page.id));
        }
    }

    fn type_char(&mut self, c: char) -> Vec<Command> {
        if self.input.is_empty() {
            match c {
                'j' => return self.navigate(Nav::Lines(1)),
                'k' => return self.navigate(Nav::Lines(-1)),
                '?' => {
                    self.help = true;
                    return Vec::new();
                }
                '[' | ']' if self.reader.is_some() && !self.help => {
                    return self.switch_revision(if c == '[' { -1 } else { 1 });
                }
                ' ' => return Vec::new(),
                _ => {}
            }
        }
        if std::mem::take(&mut self.input_failed) {
            self.input.clear();
        }
        if self.input.chars().count() < INPUT_LIMIT {
            self.input.push(c);
        }
        Vec::new()
    }

    /// Esc: close help, else close the reader, else clear the command
    /// line, else return from an entity page to the list it was opened
    /// from, else from another list to the monitor.
    fn back(&mut self) {
        self.message = None;
        if self.help {
            self.help = false;
        } else if self.reader.is_some() {
            self.reader = None;
        } else if !self.input.is_empty() {
            self.input.clear();
            self.input_failed = false;
        } else if let (View::Entity, Some(kind)) =
            (self.view, self.page.as_ref().and_then(|p| p.back))
            && kind == self.entity_list.kind
        {
            self.view = View::Entities;
        } else if let (View::Event, Some(page)) = (self.view, &self.event) {
            self.view = page.back;
        } else if self.view != View::Monitor {
            self.view = View::Monitor;
        }
    }

    /// Enter (GO): run the typed function, or open the selected row.
    fn go(&mut self) -> Vec<Command> {
        if self.input.trim().is_empty() {
            self.input.clear();
            if self.help || self.reader.is_some() {
                return Vec::new();
            }
            return self.open_selected();
        }
        match function::parse(&self.input) {
            Ok(f) => {
                self.input.clear();
                self.input_failed = false;
                self.message = None;
                self.run(f)
            }
            Err(e) => {
                // The line stays so a typo can be fixed with Backspace
                // rather than retyped; typing anything else starts afresh.
                self.input_failed = true;
                self.message = Some(Message {
                    text: e.to_string(),
                    is_error: true,
                });
                Vec::new()
            }
        }
    }

    /// Enter on an empty line: the selected story opens in the reader, the
    /// selected entity on its page (a topic, in its live monitor).
    fn open_selected(&mut self) -> Vec<Command> {
        match (self.view, self.alert_screen.selected()) {
            (View::Alerts, Some(Selected::Hit(hit))) => return self.open(hit.story.id, None),
            // An alert's query, live: what it would fire on from now.
            (View::Alerts, Some(Selected::Alert(alert))) => {
                let query = alert.query.clone();
                return self.run(Function::Monitor { query: Some(query) });
            }
            (View::Alerts, None) | (View::Sources, _) => return Vec::new(),
            _ => {}
        }
        let entity = match self.view {
            View::Entities => self
                .entity_list
                .selected()
                .map(|e| (self.entity_list.kind, e)),
            View::Entity => self.page.as_ref().and_then(EntityPage::selected_related),
            _ => None,
        };
        if let Some((kind, e)) = entity {
            let (name, detail) = (e.name.clone(), e.detail.clone());
            return self.run(match kind {
                EntityKind::Topic => Function::Topic { code: name },
                EntityKind::Place => Function::Entity {
                    kind,
                    name,
                    country: detail,
                },
                kind => Function::Entity {
                    kind,
                    name,
                    country: None,
                },
            });
        }
        let in_grid = self
            .page
            .as_ref()
            .is_some_and(|p| self.view == View::Entity && p.focus != Focus::Stories);
        if in_grid {
            return Vec::new();
        }
        if self.view == View::Top {
            let (rows, cursor) = self.list();
            let index = cursor.selected_index(&rows);
            if let Some(event) = rows.get(index).and_then(|r| r.event) {
                return self.open_event(event);
            }
        }
        let selected = {
            let (rows, cursor) = self.list();
            cursor.selected_id(&rows)
        };
        match selected {
            Some(id) => self.open(id, None),
            None => Vec::new(),
        }
    }

    fn run(&mut self, f: Function) -> Vec<Command> {
        if f == Function::Help {
            self.help = true;
            return Vec::new();
        }
        self.help = false;
        if f == Function::Event(None) {
            return self.open_story_event();
        }
        self.reader = None;
        match f {
            Function::Top => {
                self.view = View::Top;
                self.top.loading = true;
                vec![Command::Top]
            }
            Function::Read(window) => {
                self.view = View::Read;
                self.read = ReadView {
                    window,
                    loading: true,
                    ..ReadView::default()
                };
                vec![Command::Read(window)]
            }
            Function::Monitor { query } => {
                self.view = View::Monitor;
                self.tune(query)
            }
            Function::First => {
                self.view = View::First;
                self.tune(None)
            }
            Function::Search { query } => {
                self.view = View::Search;
                self.search = SearchView {
                    query: query.clone(),
                    pending: Some(None),
                    ..SearchView::default()
                };
                vec![Command::Search {
                    query,
                    cursor: None,
                }]
            }
            Function::Topic { code } => {
                if !code.contains(':') && !entities::is_known_topic(&code) {
                    self.message = Some(Message {
                        text: format!("{code} is not a topic code newsterm assigns; NI lists them"),
                        is_error: false,
                    });
                }
                self.view = View::Monitor;
                self.tune(Some(format!("topic:{code}")))
            }
            Function::Entities(kind) => {
                self.view = View::Entities;
                self.entity_list = EntityList::new(kind);
                vec![Command::Entities { kind, query: None }]
            }
            Function::Entity {
                kind,
                name,
                country,
            } => {
                let back = (self.view == View::Entities).then_some(self.entity_list.kind);
                let page = EntityPage::new(kind, name, country, back);
                let query = page.query.clone();
                self.view = View::Entity;
                self.page = Some(page);
                let mut commands = vec![Command::LatestStories {
                    query: query.clone(),
                }];
                commands.extend(EntityKind::ALL.map(|kind| Command::Entities {
                    kind,
                    query: Some(query.clone()),
                }));
                commands
            }
            Function::Alerts => {
                self.view = View::Alerts;
                self.alert_screen.loading = true;
                self.alert_pane.unread = 0;
                vec![Command::Alerts]
            }
            Function::ChangeAlert(change) => {
                self.view = View::Alerts;
                self.alert_screen.loading = true;
                self.alert_pane.unread = 0;
                self.working_on(&change);
                vec![Command::ChangeAlert(change)]
            }
            Function::Sources => {
                self.view = View::Sources;
                self.sources.loading = true;
                vec![Command::Sources]
            }
            Function::ChangeSource(change) => {
                self.view = View::Sources;
                self.sources.loading = true;
                self.working_on(&change);
                vec![Command::ChangeSource(change)]
            }
            Function::Open(id) => self.open(id, None),
            Function::Event(Some(id)) => self.open_event(id),
            Function::Event(None) => self.open_story_event(),
            Function::Quit => vec![Command::Quit],
            Function::Help => Vec::new(),
        }
    }

    /// Points the live monitor at `query`, re-subscribing only if it changed.
    fn tune(&mut self, query: Option<String>) -> Vec<Command> {
        if query == self.monitor.query {
            return Vec::new();
        }
        let m = &mut self.monitor;
        m.query = query.clone();
        m.wire.clear();
        m.loading = true;
        m.cursor = Cursor::default();
        m.first_cursor = Cursor::default();
        // The count followed only the unfiltered wire: ask again.
        let recount = query.is_none().then_some(Command::StoryCount);
        let mut commands = tuned_to(query);
        commands.extend(recount);
        commands
    }

    fn open(&mut self, id: StoryId, revision: Option<u32>) -> Vec<Command> {
        self.reader = Some(Reader::new(id, revision));
        vec![
            Command::OpenStory { id, revision },
            Command::Revisions { id },
        ]
    }

    /// `EVT` alone: the event of the story in the reader.
    fn open_story_event(&mut self) -> Vec<Command> {
        let text = match &self.reader {
            Some(reader) => match reader.story.as_ref().and_then(|s| s.mark.event) {
                Some(id) => return self.open_event(id),
                None => "this story belongs to no event",
            },
            None => {
                "EVT alone opens the event of the story you read; give an event id, or press Enter on a TOP row"
            }
        };
        self.message = Some(Message {
            text: text.into(),
            is_error: true,
        });
        Vec::new()
    }

    /// Opens an event's page; Esc returns to the list it was opened from.
    fn open_event(&mut self, id: EventId) -> Vec<Command> {
        self.reader = None;
        let back = match (self.view, &self.event) {
            (View::Event, Some(page)) => page.back,
            (view, _) => view,
        };
        self.event = Some(EventPage::new(id, back));
        self.view = View::Event;
        vec![Command::OpenEvent(id)]
    }

    fn switch_revision(&mut self, step: i32) -> Vec<Command> {
        let Some(reader) = &mut self.reader else {
            return Vec::new();
        };
        match reader.neighbour_revision(step) {
            Some(revision) => {
                reader.wanted = Some(revision);
                vec![Command::OpenStory {
                    id: reader.id,
                    revision: Some(revision),
                }]
            }
            None => {
                self.message = Some(Message {
                    text: if step < 0 {
                        "this is the first revision".into()
                    } else {
                        "this is the latest revision".into()
                    },
                    is_error: false,
                });
                Vec::new()
            }
        }
    }

    fn navigate(&mut self, nav: Nav) -> Vec<Command> {
        let page = self.list_height().max(1);
        if self.help {
            return Vec::new();
        }
        if let Some(reader) = &mut self.reader {
            let (width, page) = reader_viewport(self.size);
            let last = reader.lines(width).len().saturating_sub(page);
            reader.scroll = match nav {
                Nav::Lines(n) => reader.scroll.saturating_add_signed(n),
                Nav::Pages(n) => reader.scroll.saturating_add_signed(n * page as isize),
                Nav::Home => 0,
                Nav::End => last,
                Nav::Columns(_) => reader.scroll,
            }
            .min(last);
            return Vec::new();
        }
        match self.view {
            View::Entities => {
                let list = &mut self.entity_list;
                let len = list.entries.len();
                let at = list.selection.index;
                if let Some(target) = nav.target(at, page) {
                    list.selection.move_to(len, target, page);
                }
                return Vec::new();
            }
            View::Entity => {
                self.navigate_page(nav);
                return Vec::new();
            }
            View::Alerts => {
                let height = self.main_height();
                let screen = &mut self.alert_screen;
                let (_, hit_rows) = screen.heights(height);
                if let Some(target) = nav.target(screen.selected_index(), hit_rows.max(1)) {
                    screen.move_to(target, height);
                }
                return Vec::new();
            }
            View::Sources => {
                let list = &mut self.sources;
                if let Some(target) = nav.target(list.selection.index, page) {
                    list.selection.move_to(list.sources.len(), target, page);
                }
                return Vec::new();
            }
            _ => {}
        }
        let view = self.view;
        let (rows, cursor) = match view {
            View::Monitor => (
                visible(self.monitor.wire.rows(), false),
                &mut self.monitor.cursor,
            ),
            View::First => (
                visible(self.monitor.wire.rows(), true),
                &mut self.monitor.first_cursor,
            ),
            View::Top => (self.top.rows.iter().collect(), &mut self.top.cursor),
            View::Read => (self.read.rows.iter().collect(), &mut self.read.cursor),
            View::Search => (self.search.rows.iter().collect(), &mut self.search.cursor),
            View::Event => match &mut self.event {
                Some(page) => (page.rows.iter().collect(), &mut page.cursor),
                None => return Vec::new(),
            },
            View::Entities | View::Entity | View::Alerts | View::Sources => return Vec::new(),
        };
        let at = cursor.selected_index(&rows);
        let Some(target) = nav.target(at, page) else {
            return Vec::new();
        };
        cursor.move_to(&rows, target, page);
        let past_end = target >= rows.len() && matches!(nav, Nav::Lines(1..) | Nav::Pages(1..));
        if view == View::Search && past_end {
            return self.next_search_page();
        }
        Vec::new()
    }

    /// Moves on an entity page: through its stories, down into the grid
    /// of related entities below them, and across the grid's columns.
    fn navigate_page(&mut self, nav: Nav) {
        let main = self.main_height();
        let Some(page) = &mut self.page else { return };
        let (story_rows, related_rows) = page.heights(main);
        match (page.focus, nav) {
            (Focus::Stories, Nav::Columns(_)) => {}
            (Focus::Stories, nav) => {
                let rows: Vec<&Row> = page.stories.iter().collect();
                let at = page.cursor.selected_index(&rows);
                let down = matches!(nav, Nav::Lines(1..) | Nav::Pages(1..));
                if down && at + 1 >= rows.len() {
                    page.enter_grid();
                } else if let Some(target) = nav.target(at, story_rows.max(1)) {
                    page.cursor.move_to(&rows, target, story_rows.max(1));
                }
            }
            (Focus::Related { .. }, Nav::Columns(step)) => page.move_column(step),
            (Focus::Related { .. }, Nav::Lines(n)) => {
                page.move_in_grid(n);
            }
            (Focus::Related { .. }, Nav::Pages(n)) => {
                page.move_in_grid(n * related_rows as isize);
            }
            (Focus::Related { .. }, Nav::End) => {
                page.move_in_grid(isize::MAX);
            }
            (Focus::Related { .. }, Nav::Home) => {
                page.focus = Focus::Stories;
                let rows: Vec<&Row> = page.stories.iter().collect();
                page.cursor.move_to(&rows, 0, story_rows.max(1));
            }
        }
    }

    /// Asks for the next page of search results, once, if there is one.
    fn next_search_page(&mut self) -> Vec<Command> {
        let s = &mut self.search;
        match (&s.next_cursor, &s.pending) {
            (Some(next), None) => {
                s.pending = Some(Some(next.clone()));
                vec![Command::Search {
                    query: s.query.clone(),
                    cursor: Some(next.clone()),
                }]
            }
            _ => Vec::new(),
        }
    }

    fn receive_search(&mut self, query: String, cursor: Option<String>, response: SearchResponse) {
        let s = &mut self.search;
        if s.query != query || s.pending.as_ref() != Some(&cursor) {
            return;
        }
        if cursor.is_none() {
            s.rows.clear();
            s.cursor = Cursor::default();
        }
        for hit in response.hits {
            // Pages can overlap when stories land between requests.
            if !s.rows.iter().any(|r| r.id == hit.id) {
                s.rows.push(Row::from(hit));
            }
        }
        s.total = response.total;
        s.next_cursor = response.next_cursor;
        s.pending = None;
    }

    /// Says a change is on its way: a poll can take seconds.
    fn working_on(&mut self, change: &impl std::fmt::Display) {
        self.message = Some(Message {
            text: format!("{change}…"),
            is_error: false,
        });
    }

    /// Shows what a change did, when it says.
    fn note(&mut self, done: Option<String>) {
        if let Some(text) = done {
            self.message = Some(Message {
                text,
                is_error: false,
            });
        }
    }

    /// Lines of the alert pane under the list on screen: none until a hit
    /// arrives, and none over help, a story, or `ALRT` (which lists hits
    /// itself).
    pub(crate) fn alert_pane_lines(&self) -> u16 {
        let hidden = self.help || self.reader.is_some() || self.view == View::Alerts;
        if hidden || self.alert_pane.recent.is_empty() || self.size.1 < PANE_MIN_HEIGHT {
            return 0;
        }
        1 + self.alert_pane.recent.len().min(PANE_HITS) as u16
    }

    /// Lines between the status bar and the message line, less the alert pane.
    pub(crate) fn main_height(&self) -> usize {
        usize::from(
            self.size
                .1
                .saturating_sub(CHROME_LINES - 1)
                .saturating_sub(self.alert_pane_lines()),
        )
    }

    /// Rows of a list under its column header.
    fn list_height(&self) -> usize {
        self.main_height().saturating_sub(1)
    }

    fn fail(&mut self, text: String) {
        // Whatever was loading will not arrive: stop saying "loading".
        self.monitor.loading = false;
        self.top.loading = false;
        if self.search.pending.take() == Some(None) {
            self.search.failed = true;
        }
        self.entity_list.fail();
        self.alert_screen.fail();
        self.sources.loading = false;
        self.read.loading = false;
        if let Some(page) = &mut self.page {
            page.fail();
        }
        if let Some(page) = &mut self.event {
            page.loading = false;
        }
        if let Some(reader) = &mut self.reader {
            match &reader.story {
                None => self.reader = None,
                Some(story) => reader.wanted = Some(story.revision),
            }
        }
        self.message = Some(Message {
            text,
            is_error: true,
        });
    }

    /// The rows of the list on screen and its cursor.
    pub(crate) fn list(&self) -> (Vec<&Row>, &Cursor) {
        match self.view {
            View::Monitor => (
                visible(self.monitor.wire.rows(), false),
                &self.monitor.cursor,
            ),
            View::First => (
                visible(self.monitor.wire.rows(), true),
                &self.monitor.first_cursor,
            ),
            View::Top => (self.top.rows.iter().collect(), &self.top.cursor),
            View::Read => (self.read.rows.iter().collect(), &self.read.cursor),
            View::Search => (self.search.rows.iter().collect(), &self.search.cursor),
            View::Entity => match &self.page {
                Some(page) => (page.stories.iter().collect(), &page.cursor),
                None => (Vec::new(), &Cursor::HEAD),
            },
            View::Event => match &self.event {
                Some(page) => (page.rows.iter().collect(), &page.cursor),
                None => (Vec::new(), &Cursor::HEAD),
            },
            // Not stories: see `entity_list`, `alert_screen`, `sources`.
            View::Entities | View::Alerts | View::Sources => (Vec::new(), &Cursor::HEAD),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Nav {
    Lines(isize),
    Pages(isize),
    Home,
    End,
    /// Left or right: across the columns of an entity page's grid.
    Columns(isize),
}

impl Nav {
    /// The row to move to from row `at` with pages `page` rows long;
    /// `None` for moves that are not up or down.
    fn target(self, at: usize, page: usize) -> Option<usize> {
        Some(match self {
            Nav::Lines(n) => at.saturating_add_signed(n),
            Nav::Pages(n) => at.saturating_add_signed(n * page as isize),
            Nav::Home => 0,
            Nav::End => usize::MAX,
            Nav::Columns(_) => return None,
        })
    }
}

/// Columns and lines of reader text on a terminal of `size`: the reader
/// keeps a one-column margin each side.
pub(crate) fn reader_viewport(size: (u16, u16)) -> (usize, usize) {
    (
        usize::from(size.0.saturating_sub(2)).max(1),
        usize::from(size.1.saturating_sub(CHROME_LINES - 1)).max(1),
    )
}

fn visible(rows: &[Row], breaking_only: bool) -> Vec<&Row> {
    rows.iter()
        .filter(|r| !breaking_only || r.priority.is_breaking())
        .collect()
}

/// What tunes the live monitor to `query`: its stream, and the latest
/// headlines it backfills from.
pub(crate) fn tuned_to(query: Option<String>) -> Vec<Command> {
    vec![
        Command::Subscribe {
            query: query.clone(),
        },
        Command::Headlines { query },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{
        count, enter, headline, hit_of, key, monitor, noon, revision_info, story,
    };
    use newsterm_api::SearchHit;
    use newsterm_story::Priority;

    fn hit(n: u32) -> SearchHit {
        let h = headline(u64::from(n), Priority::Normal, &format!("Gaza story {n}"));
        hit_of(h, 1.0, &format!("<b>Gaza</b> story {n}"))
    }

    fn page(from: u32, to: u32, next: Option<&str>) -> SearchResponse {
        SearchResponse {
            total: 100,
            hits: (from..to).map(hit).collect(),
            next_cursor: next.map(str::to_string),
        }
    }

    fn selected_headline(app: &App) -> Option<String> {
        let (rows, cursor) = app.list();
        rows.get(cursor.selected_index(&rows))
            .map(|r| r.headline.clone())
    }

    #[test]
    fn start_subscribes_and_backfills_the_monitor() {
        let mut app = App::new();
        assert_eq!(
            app.start(),
            vec![
                Command::Subscribe { query: None },
                Command::Headlines { query: None },
                Command::WatchAlerts,
                Command::StoryCount
            ]
        );
    }

    #[test]
    fn typing_nse_and_enter_searches() {
        let mut app = monitor(vec![]);
        let commands = enter(&mut app, "NSE gaza");
        assert_eq!(
            commands,
            vec![Command::Search {
                query: "gaza".into(),
                cursor: None
            }]
        );
        assert_eq!(app.view, View::Search);
        assert!(app.input.is_empty());
    }

    #[test]
    fn after_a_failed_command_typing_starts_a_new_line_and_backspace_edits_the_old() {
        let mut app = monitor(vec![]);
        assert!(enter(&mut app, "FOO").is_empty());
        assert_eq!(app.input, "FOO", "the failed line stays to be fixed");
        assert!(app.message.as_ref().is_some_and(|m| m.is_error));
        let commands = enter(&mut app, "PPL x");
        assert_eq!(app.view, View::Entity, "{commands:?}");
        assert_eq!(app.page.as_ref().map(|p| p.name.as_str()), Some("x"));

        assert!(enter(&mut app, "NSEE").is_empty());
        app.handle_key(key(KeyCode::Backspace));
        let commands = enter(&mut app, " gaza");
        assert_eq!(
            commands,
            vec![Command::Search {
                query: "gaza".into(),
                cursor: None
            }],
            "Backspace edits the failed line"
        );
    }

    #[test]
    fn letters_type_even_j_and_k_once_a_line_is_started() {
        let mut app = monitor(
            (1..=5)
                .map(|n| headline(n, Priority::Normal, "x"))
                .collect(),
        );
        // On an empty line j moves the selection instead of typing.
        app.handle_key(key(KeyCode::Char('j')));
        assert!(app.input.is_empty());
        assert_eq!(app.list().1.selected_index(&app.list().0), 1);
        let commands = enter(&mut app, "nse jakarta");
        assert_eq!(
            commands,
            vec![Command::Search {
                query: "jakarta".into(),
                cursor: None
            }]
        );
    }

    #[test]
    fn live_headline_goes_on_top_and_the_selection_stays_on_its_story() {
        let mut app = monitor(
            (1..=30)
                .map(|n| headline(n, Priority::Normal, &format!("story {n}")))
                .collect(),
        );
        for _ in 0..3 {
            app.handle_key(key(KeyCode::Down));
        }
        assert_eq!(selected_headline(&app).as_deref(), Some("story 27"));

        app.apply(Update::Headline(headline(31, Priority::Normal, "story 31")));
        let (rows, _) = app.list();
        assert_eq!(rows[0].headline, "story 31");
        assert_eq!(selected_headline(&app).as_deref(), Some("story 27"));
        // And Enter opens that story, not whatever now sits in its old place.
        let (rows, cursor) = app.list();
        let id = rows[cursor.selected_index(&rows)].id;
        assert_eq!(
            app.handle_key(key(KeyCode::Enter)),
            vec![
                Command::OpenStory { id, revision: None },
                Command::Revisions { id }
            ]
        );
    }

    #[test]
    fn a_revision_on_the_wire_replaces_the_old_row() {
        let first = headline(1, Priority::Normal, "Dam bursts");
        let mut app = monitor(vec![first.clone(), headline(2, Priority::Normal, "other")]);
        let mut revised = first.clone();
        revised.seq = 3;
        revised.revision = 2;
        revised.headline = "Dam bursts, thousands flee".into();
        app.apply(Update::Headline(revised));
        let (rows, _) = app.list();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].revision, rows[0].headline.as_str()),
            (2, "Dam bursts, thousands flee")
        );
    }

    #[test]
    fn first_shows_only_flash_and_urgent() {
        let mut app = monitor(vec![
            headline(1, Priority::Normal, "calm"),
            headline(2, Priority::Urgent, "urgent one"),
            headline(3, Priority::Flash, "flash one"),
        ]);
        assert!(
            enter(&mut app, "first").is_empty(),
            "already on the unfiltered wire"
        );
        app.apply(Update::Headline(headline(
            4,
            Priority::Normal,
            "calm again",
        )));
        let shown: Vec<&str> = app.list().0.iter().map(|r| r.headline.as_str()).collect();
        assert_eq!(shown, vec!["flash one", "urgent one"]);
    }

    #[test]
    fn n_with_a_query_resubscribes_and_ignores_the_old_backfill() {
        let mut app = monitor(vec![headline(1, Priority::Normal, "old")]);
        let commands = enter(&mut app, "N ukraine");
        let query = Some("ukraine".to_string());
        assert_eq!(commands, tuned_to(query.clone()));
        assert!(app.list().0.is_empty(), "rows of the old query are gone");
        app.apply(Update::Headlines {
            query: None,
            headlines: vec![headline(2, Priority::Normal, "late, unfiltered")],
        });
        assert!(app.list().0.is_empty());
        app.apply(Update::Headlines {
            query,
            headlines: vec![headline(3, Priority::Normal, "Kyiv")],
        });
        assert_eq!(app.list().0.len(), 1);
        // Asking for the same monitor again costs nothing.
        assert!(enter(&mut app, "n ukraine").is_empty());
    }

    #[test]
    fn search_pages_on_past_the_end_and_drops_stale_answers() {
        let mut app = monitor(vec![]);
        enter(&mut app, "NSE gaza");
        // An answer to a search the user has since replaced.
        app.apply(Update::SearchResults {
            query: "rafah".into(),
            cursor: None,
            response: page(90, 95, None),
        });
        assert!(app.list().0.is_empty());
        app.apply(Update::SearchResults {
            query: "gaza".into(),
            cursor: None,
            response: page(0, 10, Some("c1")),
        });
        assert_eq!(app.list().0.len(), 10);
        assert!(app.handle_key(key(KeyCode::End)).is_empty());
        let more = app.handle_key(key(KeyCode::PageDown));
        assert_eq!(
            more,
            vec![Command::Search {
                query: "gaza".into(),
                cursor: Some("c1".into())
            }]
        );
        assert!(
            app.handle_key(key(KeyCode::Down)).is_empty(),
            "one request at a time"
        );
        app.apply(Update::SearchResults {
            query: "gaza".into(),
            cursor: Some("c1".into()),
            response: page(10, 15, None),
        });
        let (rows, _) = app.list();
        assert_eq!(rows.len(), 15);
        assert_eq!(rows[14].headline, "Gaza story 14");
        assert_eq!(selected_headline(&app).as_deref(), Some("Gaza story 9"));
    }

    #[test]
    fn a_typed_story_id_opens_it_and_brackets_walk_revisions() {
        let mut app = monitor(vec![]);
        let id = StoryId::new();
        assert_eq!(
            enter(&mut app, &id.to_string()),
            vec![
                Command::OpenStory { id, revision: None },
                Command::Revisions { id }
            ]
        );
        app.apply(Update::Story(Box::new(story(id, 3))));
        app.apply(Update::Revisions {
            id,
            revisions: (1..=3).map(revision_info).collect(),
        });
        assert!(
            app.handle_key(key(KeyCode::Char(']'))).is_empty(),
            "3 is the latest"
        );
        assert_eq!(
            app.handle_key(key(KeyCode::Char('['))),
            vec![Command::OpenStory {
                id,
                revision: Some(2)
            }]
        );
        // The latest revision answering late must not replace the one asked for.
        app.apply(Update::Story(Box::new(story(id, 3))));
        app.apply(Update::Story(Box::new(story(id, 2))));
        let shown = app
            .reader
            .as_ref()
            .and_then(|r| r.story.as_ref())
            .map(|s| s.revision);
        assert_eq!(shown, Some(2));
    }

    #[test]
    fn esc_walks_back_reader_then_command_line_then_monitor() {
        let mut app = monitor(vec![headline(1, Priority::Normal, "one")]);
        enter(&mut app, "TOP");
        let top = crate::fixtures::top_entry(headline(2, Priority::Normal, "top"), &["Wire"]);
        app.apply(Update::TopStories(vec![top.clone()]));
        // A TOP row opens its event, and the event's story the reader.
        app.handle_key(key(KeyCode::Enter));
        assert_eq!(app.view, View::Event);
        app.apply(Update::Event(Box::new(crate::fixtures::event_info(
            top.event,
            vec![top.latest.clone()],
        ))));
        app.handle_key(key(KeyCode::Enter));
        assert!(app.reader.is_some());
        app.handle_key(key(KeyCode::Char('N')));
        app.handle_key(key(KeyCode::Esc));
        assert!(app.reader.is_none(), "first Esc closes the reader");
        assert_eq!(app.view, View::Event);
        app.handle_key(key(KeyCode::Esc));
        assert!(app.input.is_empty(), "second Esc clears the command line");
        assert_eq!(app.view, View::Event);
        app.handle_key(key(KeyCode::Esc));
        assert_eq!(app.view, View::Top, "then the event goes back to TOP");
        app.handle_key(key(KeyCode::Esc));
        assert_eq!(app.view, View::Monitor);
    }

    #[test]
    fn evt_in_the_reader_opens_the_story_s_event() {
        let mut app = monitor(vec![headline(1, Priority::Normal, "one")]);
        assert!(enter(&mut app, "EVT").is_empty());
        let said = app
            .message
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default();
        assert!(said.contains("Enter on a TOP row"), "{said}");
        let id = StoryId::new();
        enter(&mut app, &id.to_string());
        // A story with no event says so, and stays open.
        app.apply(Update::Story(Box::new(story(id, 1))));
        assert!(enter(&mut app, "EVT").is_empty());
        assert!(app.reader.is_some());
        let said = app
            .message
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default();
        assert_eq!(said, "this story belongs to no event");
        let event = EventId::new_at(noon());
        app.apply(Update::Story(Box::new(Story {
            mark: newsterm_story::RevisionMark {
                event: Some(event),
                ..Default::default()
            },
            ..story(id, 1)
        })));
        assert_eq!(enter(&mut app, "evt"), vec![Command::OpenEvent(event)]);
        assert!(app.reader.is_none());
        assert_eq!(app.view, View::Event);
        app.handle_key(key(KeyCode::Esc));
        assert_eq!(app.view, View::Monitor, "back where the story was opened");
    }

    #[test]
    fn failed_fetches_explain_themselves_and_close_an_empty_reader() {
        let mut app = monitor(vec![]);
        enter(&mut app, &StoryId::new().to_string());
        app.apply(Update::Error("story not found".into()));
        assert!(app.reader.is_none());
        assert_eq!(
            app.message.as_ref().map(|m| (m.text.as_str(), m.is_error)),
            Some(("story not found", true))
        );
    }

    fn facets(app: &mut App, kind: EntityKind, query: Option<&str>, entries: Vec<EntityCount>) {
        app.apply(Update::Entities {
            kind,
            query: query.map(str::to_string),
            entities: entries,
        });
    }

    #[test]
    fn ni_with_a_code_tunes_the_monitor_to_that_topic() {
        let mut app = monitor(vec![headline(1, Priority::Normal, "old")]);
        let topic = Some("topic:CONFLICT".to_string());
        assert_eq!(enter(&mut app, "ni conflict"), tuned_to(topic));
        assert_eq!(app.view, View::Monitor);
        assert!(app.message.is_none(), "a known code needs no comment");
        enter(&mut app, "NI CONFLCT");
        let hint = app.message.as_ref().map(|m| (m.text.as_str(), m.is_error));
        assert!(
            matches!(hint, Some((text, false)) if text.contains("CONFLCT") && text.contains("NI lists")),
            "{hint:?}"
        );
    }

    #[test]
    fn ni_alone_lists_topics_and_enter_watches_one() {
        let mut app = monitor(vec![]);
        assert_eq!(
            enter(&mut app, "NI"),
            vec![Command::Entities {
                kind: EntityKind::Topic,
                query: None
            }]
        );
        facets(
            &mut app,
            EntityKind::Topic,
            None,
            vec![
                count("ELECTION", 30, Some("elections")),
                count("MARKETS", 12, None),
            ],
        );
        app.handle_key(key(KeyCode::Down));
        assert_eq!(
            app.handle_key(key(KeyCode::Enter)),
            tuned_to(Some("topic:MARKETS".into()))
        );
    }

    #[test]
    fn ppl_alone_lists_people_and_enter_opens_a_page_esc_returns() {
        let mut app = monitor(vec![]);
        assert_eq!(
            enter(&mut app, "ppl"),
            vec![Command::Entities {
                kind: EntityKind::Person,
                query: None
            }]
        );
        // People arriving for a list the user has left are not shown.
        facets(
            &mut app,
            EntityKind::Org,
            None,
            vec![count("NATO", 3, None)],
        );
        assert!(app.entity_list.entries.is_empty());
        facets(
            &mut app,
            EntityKind::Person,
            None,
            vec![count("Jane Roe", 40, None), count("John Doe", 12, None)],
        );
        app.handle_key(key(KeyCode::Char('j')));
        let query = "person:\"John Doe\"".to_string();
        let mut expected = vec![Command::LatestStories {
            query: query.clone(),
        }];
        expected.extend(EntityKind::ALL.map(|kind| Command::Entities {
            kind,
            query: Some(query.clone()),
        }));
        assert_eq!(app.handle_key(key(KeyCode::Enter)), expected);
        assert_eq!(app.view, View::Entity);
        app.handle_key(key(KeyCode::Esc));
        assert_eq!(app.view, View::Entities, "back to the people list");
        app.handle_key(key(KeyCode::Esc));
        assert_eq!(app.view, View::Monitor);
    }

    #[test]
    fn a_place_chosen_from_the_list_is_searched_in_its_country() {
        // Two places of one name are two rows; each opens its own page.
        let mut app = monitor(vec![]);
        enter(&mut app, "geo");
        facets(
            &mut app,
            EntityKind::Place,
            None,
            vec![
                count("Georgia", 8, Some("US")),
                count("Georgia", 1, Some("GE")),
            ],
        );
        app.handle_key(key(KeyCode::Char('j')));
        let commands = app.handle_key(key(KeyCode::Enter));
        assert_eq!(
            commands.first(),
            Some(&Command::LatestStories {
                query: "place:\"Georgia\" country:GE".into()
            })
        );
        assert_eq!(
            app.page.as_ref().map(|p| p.name.as_str()),
            Some("Georgia (GE)")
        );
        // Typed by name, a place is every place of that name.
        assert_eq!(
            enter(&mut app, "GEO Georgia").first(),
            Some(&Command::LatestStories {
                query: "place:\"Georgia\"".into()
            })
        );
    }

    #[test]
    fn an_entity_page_opens_stories_and_related_entities() {
        let mut app = monitor(vec![]);
        enter(&mut app, "GEO Kyiv");
        let query = "place:\"Kyiv\"".to_string();
        app.apply(Update::LatestStories {
            query: query.clone(),
            response: page(0, 2, None),
        });
        facets(
            &mut app,
            EntityKind::Place,
            Some(&query),
            vec![count("Kyiv", 2, Some("UA")), count("Lviv", 1, Some("UA"))],
        );
        facets(
            &mut app,
            EntityKind::Topic,
            Some(&query),
            vec![count("CONFLICT", 2, None)],
        );
        // Enter on the newest story reads it.
        let story_id = app.page.as_ref().map(|p| p.stories[0].id);
        let commands = app.handle_key(key(KeyCode::Enter));
        assert_eq!(
            commands.first(),
            story_id
                .map(|id| Command::OpenStory { id, revision: None })
                .as_ref()
        );
        app.handle_key(key(KeyCode::Esc));
        assert_eq!(
            app.view,
            View::Entity,
            "Esc from the story returns to the page"
        );

        // Past the last story, the selection goes into the grid: the
        // places column first: no people or orgs came back.
        for _ in 0..2 {
            app.handle_key(key(KeyCode::Down));
        }
        assert_eq!(
            app.handle_key(key(KeyCode::Enter)),
            vec![
                Command::LatestStories {
                    query: "place:\"Lviv\" country:UA".into()
                },
                Command::Entities {
                    kind: EntityKind::Person,
                    query: Some("place:\"Lviv\" country:UA".into())
                },
                Command::Entities {
                    kind: EntityKind::Org,
                    query: Some("place:\"Lviv\" country:UA".into())
                },
                Command::Entities {
                    kind: EntityKind::Place,
                    query: Some("place:\"Lviv\" country:UA".into())
                },
                Command::Entities {
                    kind: EntityKind::Topic,
                    query: Some("place:\"Lviv\" country:UA".into())
                },
            ]
        );
        // A late answer for Kyiv's page must not fill Lviv's.
        app.apply(Update::LatestStories {
            query,
            response: page(0, 5, None),
        });
        assert!(
            app.page
                .as_ref()
                .is_some_and(|p| p.stories.is_empty() && p.loading)
        );
    }

    #[test]
    fn quitting_by_function_or_ctrl_c() {
        let mut app = monitor(vec![]);
        assert_eq!(enter(&mut app, "q"), vec![Command::Quit]);
        assert_eq!(
            app.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            vec![Command::Quit]
        );
    }
}
