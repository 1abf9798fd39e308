//! The JSON shapes newsterm's HTTP API speaks, shared by the server that
//! writes them and the clients (CLI, TUI, benchmarks) that read them.
//!
//! Only plain data lives here: no I/O and no behaviour beyond
//! conversions, so a shape change shows up as a compile error on both
//! sides of the wire.

use newsterm_story::tags::EntityType;
use newsterm_story::{EventId, Priority, RevisionMark, Story, StoryHead, StoryId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Most rejected lines an import answer lists; the rest are counted in
/// [`ImportReport::rejected_total`].
pub const MAX_REJECTED_LISTED: usize = 100;

/// Answer to a publish (`POST /api/stories`) or revision (`PUT`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishAck {
    /// The story: a new one, or the one revised.
    pub id: StoryId,
    /// The revision just stored.
    pub revision: u32,
    /// The revision's place on the wire.
    pub seq: u64,
    /// True when the same source had already sent this exact story: the
    /// answer names that story, and nothing new was stored.
    #[serde(default, skip_serializing_if = "is_false")]
    pub repeat: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One line of the live wire: what a headline monitor shows.
///
/// This is the `data` of every `event: story` on `/api/stream`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Headline {
    /// The revision's place on the wire.
    pub seq: u64,
    /// The story.
    pub id: StoryId,
    /// Its revision number.
    pub revision: u32,
    /// Its headline.
    pub headline: String,
    /// When the publisher published it.
    #[serde(with = "time::serde::rfc3339")]
    pub published: OffsetDateTime,
    /// FLASH, URGENT or normal.
    pub priority: Priority,
    /// The publisher or feed it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Its language tag (`en`).
    pub language: String,
    /// Top topic code, once tagging has assigned one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// When newsterm received this revision, for revisions after the
    /// first: the time a monitor shows beside a revised headline, so its
    /// times run in wire order.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub revised: Option<OffsetDateTime>,
    /// What the revision is (correction, withdrawal), the story's event
    /// and the story whose copy this is (a monitor folds it into that row).
    #[serde(flatten)]
    pub mark: RevisionMark,
    /// Sources of the copies folded into this row (`GET /api/headlines`
    /// folds them unless asked not to).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carried_by: Vec<String>,
    /// The places on the map the story names, so that a live map marks a
    /// new story's places from the wire without reading the story. Made
    /// where the headline comes from the whole story (the wire, alert
    /// hits, an event's stories); lists read from the store's heads
    /// leave it empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<MapPlace>,
}

/// A place a story names that has coordinates: a gazetteer place, once
/// per story however often it is named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapPlace {
    /// The place's one name (the entity's canonical name).
    pub name: String,
    /// ISO 3166-1 alpha-2 code of its country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
}

/// Most places a headline carries: a story naming more is rare, and the
/// wire event stays small.
const MAP_PLACES: usize = 16;

impl MapPlace {
    /// The places of `story` with coordinates, each once, in the order
    /// first named.
    pub fn of(story: &Story) -> impl Iterator<Item = MapPlace> + '_ {
        let mut seen: Vec<&str> = Vec::new();
        story.tags.entities.iter().filter_map(move |e| {
            let (EntityType::Loc, Some(lat), Some(lon)) = (e.kind, e.lat, e.lon) else {
                return None;
            };
            if seen.contains(&e.canonical.as_str()) {
                return None;
            }
            seen.push(&e.canonical);
            Some(MapPlace {
                name: e.canonical.clone(),
                country: e.country.clone(),
                lat,
                lon,
            })
        })
    }
}

impl Headline {
    /// True when this revision withdrew the story.
    pub fn is_withdrawn(&self) -> bool {
        self.mark.is_withdrawn()
    }

    /// The headline row of one stored revision.
    pub fn of(story: &Story) -> Headline {
        Headline {
            places: MapPlace::of(story).take(MAP_PLACES).collect(),
            ..Headline::of_head(StoryHead::of(story))
        }
    }

    /// The headline row of a stored revision read as its head.
    pub fn of_head(head: StoryHead) -> Headline {
        Headline {
            seq: head.seq,
            id: head.id,
            revision: head.revision,
            headline: head.headline,
            published: head.published,
            priority: head.priority,
            source: head.source,
            language: head.language,
            topic: head.top_topic,
            revised: (head.revision > 1).then_some(head.received),
            mark: head.mark,
            carried_by: Vec::new(),
            places: Vec::new(),
        }
    }
}

/// One row of TOP (`GET /api/top`, and `event: top` on
/// `/api/stream?top=1`): an event, with its latest story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopEntry {
    /// The event.
    pub event: EventId,
    /// The event's best headline: the one most sources carried.
    pub label: String,
    /// Its latest story.
    pub latest: Headline,
    /// The highest priority among its stories of the last twelve hours.
    pub priority: Priority,
    /// Live stories (withdrawn ones left out).
    pub stories: u64,
    /// Distinct sources carrying it, in the order they did.
    pub sources: Vec<String>,
    /// When its first story was published.
    #[serde(with = "time::serde::rfc3339")]
    pub first: OffsetDateTime,
    /// When its latest story was published.
    #[serde(with = "time::serde::rfc3339")]
    pub last: OffsetDateTime,
    /// Its pace: stories per hour now against its first hour.
    pub velocity: Velocity,
    /// Its rank: priority × recency (halving every six hours) × sources ×
    /// pace.
    pub score: f64,
}

/// Stories per hour now against the event's own first hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Velocity {
    /// Stories in the last hour.
    pub last_hour: u64,
    /// Stories in the event's first hour.
    pub first_hour: u64,
}

/// `GET /api/events/{id}`: one event, from its stored stories.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventInfo {
    /// The event.
    pub event: EventId,
    /// Its best headline: the one most sources carried.
    pub label: String,
    /// When its first story was published.
    #[serde(with = "time::serde::rfc3339")]
    pub first: OffsetDateTime,
    /// When its latest story was published.
    #[serde(with = "time::serde::rfc3339")]
    pub last: OffsetDateTime,
    /// Live stories, oldest first.
    pub stories: Vec<Headline>,
    /// Distinct sources, in the order they first carried it.
    pub sources: Vec<String>,
    /// People most mentioned, most first.
    pub people: Vec<NameCount>,
    /// Organisations most mentioned, most first.
    pub organisations: Vec<NameCount>,
    /// Places most mentioned, most first.
    pub places: Vec<NameCount>,
    /// Topic codes.
    pub topics: Vec<NameCount>,
    /// Its pace: stories per hour now against its first hour.
    pub velocity: Velocity,
}

/// A name and how many of an event's stories mention it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameCount {
    /// The name (a topic's code for topics).
    pub name: String,
    /// Stories mentioning it.
    pub count: u64,
}

/// The body of `POST /api/stories/{id}/withdraw`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    /// Why the story is withdrawn; kept in its history and sent to every
    /// reader.
    pub reason: String,
}

/// `GET /api/read`: the most-read stories and events of the last hour
/// or day, each reader counted once per story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadReport {
    /// `hour` or `day`.
    pub window: String,
    /// The most-read stories, most read first.
    pub stories: Vec<ReadStory>,
    /// The most-read events, most read first.
    pub events: Vec<ReadEvent>,
}

/// One story of `GET /api/read`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadStory {
    /// The story's latest headline.
    pub story: Headline,
    /// Distinct readers who opened it in the window.
    pub readers: u64,
}

/// One event of `GET /api/read`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadEvent {
    /// The event.
    pub event: EventId,
    /// Its best headline.
    pub label: String,
    /// Distinct readers who opened any of its stories in the window.
    pub readers: u64,
}

/// `GET /api/search` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResponse {
    /// Stories matching the query in all (not only this page).
    pub total: u64,
    /// This page's hits, best (or newest) first.
    pub hits: Vec<SearchHit>,
    /// Pass as `cursor=` to get the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// One story found by a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The story.
    pub id: StoryId,
    /// The revision found (its latest).
    pub revision: u32,
    /// Its headline.
    pub headline: String,
    /// When it was published.
    #[serde(with = "time::serde::rfc3339")]
    pub published: OffsetDateTime,
    /// FLASH, URGENT or normal.
    pub priority: Priority,
    /// The publisher or feed it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Relevance score: higher matches better.
    pub score: f32,
    /// Matched text with `<b>…</b>` around each hit term; HTML-escaped.
    pub snippet: String,
    /// Top topic code, as on the wire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
}

/// One entry of `GET /api/stories/{id}/revisions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevisionInfo {
    /// The revision number, from 1.
    pub revision: u32,
    /// Its place on the wire.
    pub seq: u64,
    /// Its headline.
    pub headline: String,
    /// When newsterm received it.
    #[serde(with = "time::serde::rfc3339")]
    pub received: OffsetDateTime,
}

/// Every error answer: `{"error":{"code","message"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The code and the message.
    pub error: ErrorDetail,
}

/// What went wrong, for programs and for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable, machine-readable (`invalid_story`, `invalid_query`, …).
    pub code: String,
    /// Says what is wrong in words, naming the field or position.
    pub message: String,
}

/// `data` of an `event: lagged` on the stream: the subscriber fell too
/// far behind and was dropped; reconnect with `since=resume_from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lagged {
    /// The last sequence number delivered; resume after it.
    pub resume_from: u64,
}

/// `GET /healthz` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// `ok` while the server serves.
    pub status: String,
    /// Distinct stories stored.
    pub stories: u64,
    /// Highest wire sequence stored.
    pub last_seq: u64,
    /// Highest wire sequence the search index has committed.
    pub indexed_seq: u64,
    /// Live stream subscribers (SSE and WebSocket) attached right now.
    #[serde(default)]
    pub subscribers: u64,
    /// Stored revisions waiting for the indexer (it reads any it misses
    /// from the store, so this stays bounded).
    #[serde(default)]
    pub index_queue: u64,
    /// Stored revisions waiting to be matched against standing alerts.
    #[serde(default)]
    pub alert_queue: u64,
    /// Stories tagged by an older tagger version that the server is
    /// tagging again in the background (0 when all are current).
    #[serde(default)]
    pub retag_pending: u64,
    /// Where this node stands in its cluster; absent on a single server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<ClusterHealth>,
}

/// One cluster node's view, in `/healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ClusterHealth {
    /// This node's name.
    pub node: String,
    /// The live nodes, this one included.
    #[serde(default)]
    pub nodes: Vec<String>,
    /// The highest wire sequence in the cluster's stream, as far as this
    /// node knows.
    pub stream_seq: u64,
    /// The highest wire sequence this node has applied to its store.
    pub applied_seq: u64,
    /// Entries this node has still to apply: `stream_seq - applied_seq`.
    pub behind: u64,
    /// Why this node is not following the stream, when it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// `POST /api/import` answer: what a batch of JSON lines became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ImportReport {
    /// Stories stored.
    pub imported: u64,
    /// The first lines not imported (at most [`MAX_REJECTED_LISTED`]),
    /// each with its 1-based line number in the request body and the
    /// reason.
    #[serde(default)]
    pub rejected: Vec<LineError>,
    /// How many lines were not imported in all.
    #[serde(default)]
    pub rejected_total: u64,
    /// Wire sequences of the first and last story imported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seq: Option<u64>,
    /// See `first_seq`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seq: Option<u64>,
}

/// One line of an import that was not taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineError {
    /// Its 1-based line number in the request body.
    pub line: u64,
    /// Why it was not taken.
    pub error: String,
}

/// `GET /api/entities` answer: the most mentioned entities of one kind,
/// each counted once per story (latest revisions only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityFacets {
    /// `person`, `org`, `place` or `topic`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The most mentioned first.
    pub entities: Vec<EntityCount>,
}

/// One entity of a facet and how many stories mention it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityCount {
    /// Canonical name (topics: the code).
    pub name: String,
    /// Topic label, a place's country code, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stories mentioning it.
    pub count: u64,
}

/// Width of one bucket of a volume series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VolumeBucket {
    /// One hour.
    Hour,
    /// One day.
    Day,
}

impl VolumeBucket {
    /// The bucket's width in seconds.
    pub fn seconds(self) -> i64 {
        match self {
            VolumeBucket::Hour => 3_600,
            VolumeBucket::Day => 86_400,
        }
    }
}

/// `GET /api/volume` answer: stories matching a query per hour or day,
/// every bucket of the range present (zero where none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volume {
    /// The query as given (empty: every story).
    pub q: String,
    /// Hour or day.
    pub bucket: VolumeBucket,
    /// Start of the first bucket (UTC, aligned to the bucket).
    #[serde(with = "time::serde::rfc3339")]
    pub from: OffsetDateTime,
    /// End of the last bucket (exclusive).
    #[serde(with = "time::serde::rfc3339")]
    pub to: OffsetDateTime,
    /// One point a bucket, oldest first.
    pub points: Vec<VolumePoint>,
}

/// One bucket of a volume series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumePoint {
    /// Start of the bucket.
    #[serde(with = "time::serde::rfc3339")]
    pub t: OffsetDateTime,
    /// Stories in it.
    pub count: u64,
}

/// `GET /api/places` answer: the places tagged in the newest stories
/// matching a query, with coordinates, for a map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Places {
    /// Stories looked at (the newest matching ones, up to `limit`).
    pub stories: u64,
    /// Most mentioned first.
    pub places: Vec<PlaceCount>,
}

/// One place on the map and the stories naming it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceCount {
    /// The place: its name (what `place:` and `GEO` take), country and
    /// point, as a wire event's headline carries it.
    #[serde(flatten)]
    pub place: MapPlace,
    /// Stories mentioning it.
    pub count: u64,
    /// The highest priority among those stories.
    pub priority: Priority,
    /// When the newest of them was published.
    #[serde(with = "time::serde::rfc3339")]
    pub latest: OffsetDateTime,
}

/// `GET /api/moving` answer: the topics and names whose mentions rise
/// fastest in the recent window against their own baseline before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Moving {
    /// Length of the recent window and of the whole baseline, in minutes.
    pub window_minutes: u64,
    /// See `window_minutes`.
    pub baseline_minutes: u64,
    /// Fastest rising first.
    pub entities: Vec<MovingEntity>,
}

/// One topic or name on the move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovingEntity {
    /// `person`, `org`, `place` or `topic`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its canonical name (a topic's code).
    pub name: String,
    /// Topic label, a place's country code, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stories mentioning it in the recent window.
    pub recent: u64,
    /// Stories the baseline rate predicts for a window of that length.
    pub expected: f64,
    /// How far above its baseline it runs (the order of the list).
    pub score: f64,
}

/// A standing alert as `GET /api/alerts` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertInfo {
    /// The alert's id.
    pub id: u64,
    /// What its owner called it.
    pub name: String,
    /// The query in the search language, as written.
    pub query: String,
    /// Where its matches go.
    pub delivery: AlertDelivery,
    /// When it was added.
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
}

/// Where an alert's matches go. `POST /api/alerts` takes the same shape
/// (with a webhook `secret`, which is never written back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertDelivery {
    /// The terminal's alert pane and `/api/stream?alerts=1`.
    #[serde(default = "default_true")]
    pub stream: bool,
    /// POSTs each match to a URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<WebhookTarget>,
    /// The alert's Atom feed, `/feeds/alerts/{id}.atom`.
    #[serde(default = "default_true")]
    pub feed: bool,
}

fn default_true() -> bool {
    true
}

/// A webhook: where matches are POSTed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookTarget {
    /// The https URL.
    pub url: String,
    /// Signs each delivery (HMAC-SHA256). Given on input; on output only
    /// in the answer to the `POST` that made the alert, and only when the
    /// server chose it (no secret was sent): never listed or shown again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Only on output: true while deliveries to this target keep failing.
    #[serde(default)]
    pub failing: bool,
}

/// The body of `POST /api/alerts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAlert {
    /// What to call the alert.
    pub name: String,
    /// The query, in the search language.
    pub query: String,
    /// Where matches go (stream and feed when absent).
    #[serde(default = "default_delivery")]
    pub delivery: AlertDelivery,
}

fn default_delivery() -> AlertDelivery {
    AlertDelivery {
        stream: true,
        webhook: None,
        feed: true,
    }
}

/// One alert firing: the `data` of an `event: alert` on
/// `/api/stream?alerts=1`, and an entry of `GET /api/alerts/{id}/hits`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertHit {
    /// The alert's id.
    pub alert: u64,
    /// The alert's name.
    pub name: String,
    /// The story revision that matched.
    pub story: Headline,
    /// When it fired.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// The body of `POST /api/sources`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSource {
    /// The feed's http(s) URL.
    pub url: String,
    /// Shown as each story's source; the feed's title when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Poll interval (`30s`, `5m`, `1h30m`); 15 minutes when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<String>,
    /// Given to every story from this source; normal when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
}

/// The query of `POST /api/import-feed`: the feed is the request body,
/// or fetched from `url`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportFeedParams {
    /// Fetch the feed from this URL (else the request body is the feed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Source name for its stories (default: the feed's title).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Given to every story imported; normal when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
}

/// What one poll (`POST /api/sources/{id}/poll`) or feed import
/// (`POST /api/import-feed`) took.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PollReport {
    /// The server answered `304 Not Modified`: nothing was read.
    pub not_modified: bool,
    /// Items in the feed.
    pub items: u64,
    /// Stored as new stories.
    pub new: u64,
    /// Stored as new revisions of stories taken before.
    pub revised: u64,
    /// Seen before with the same content, or repeated within the feed.
    pub skipped_duplicate: u64,
    /// Items not taken, and why.
    #[serde(default)]
    pub failed: Vec<ItemFailure>,
    /// Changes made on the way in (future times set to now …).
    #[serde(default)]
    pub notes: Vec<String>,
}

impl PollReport {
    /// The report in one line: counts, and the first failure's reason.
    pub fn summary(&self) -> String {
        if self.not_modified {
            return "not modified since the last poll".into();
        }
        let mut line = format!(
            "{} items: {} new, {} revised, {} already seen, {} failed",
            self.items,
            self.new,
            self.revised,
            self.skipped_duplicate,
            self.failed.len()
        );
        if let Some(first) = self.failed.first() {
            line.push_str("; first: ");
            line.push_str(&first.reason);
        }
        line
    }
}

/// A feed item that was not taken, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFailure {
    /// The item's de-duplication key (`id:…`, `link:…` or `hash:…`).
    pub key: String,
    /// Why it was not taken.
    pub reason: String,
}

/// A polled feed source as `GET /api/sources` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// The source's id.
    pub id: i64,
    /// The feed's URL.
    pub url: String,
    /// Shown as each story's source; the feed's title when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// Poll interval, e.g. `5m`.
    pub every: String,
    /// Given to every story from it.
    pub priority: Priority,
    /// True while polling is paused.
    pub paused: bool,
    /// How polling it has gone.
    pub status: SourceHealth,
}

impl SourceInfo {
    /// Where the source stands, decided in one order for every client: a
    /// paused source is paused whatever its last poll said, then failing,
    /// then ok, then not polled yet.
    pub fn state(&self) -> SourceState<'_> {
        let status = &self.status;
        if self.paused {
            SourceState::Paused
        } else if let Some(error) = &status.last_error {
            SourceState::Failing {
                in_a_row: status.consecutive_failures,
                error,
            }
        } else if let Some(at) = status.last_success {
            SourceState::Ok { at }
        } else {
            SourceState::Waiting
        }
    }
}

/// Where a polled source stands ([`SourceInfo::state`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceState<'a> {
    /// Not polled until resumed.
    Paused,
    /// Its last poll went wrong.
    Failing {
        /// Polls failed in a row.
        in_a_row: u32,
        /// The last poll's problem in words.
        error: &'a str,
    },
    /// Its last poll went well.
    Ok {
        /// When.
        at: OffsetDateTime,
    },
    /// Not polled yet.
    Waiting,
}

/// How a polled source has been doing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SourceHealth {
    /// When a poll last succeeded.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub last_success: Option<OffsetDateTime>,
    /// The last poll's problem in words; absent after a clean poll.
    #[serde(default)]
    pub last_error: Option<String>,
    /// Polls failed in a row (0 after a success).
    #[serde(default)]
    pub consecutive_failures: u32,
    /// When it is polled next; absent means now.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub next_due: Option<OffsetDateTime>,
    /// Items in the feed at the last fetch that returned content.
    #[serde(default)]
    pub items_seen: u64,
    /// New stories and revisions that fetch brought.
    #[serde(default)]
    pub items_new: u64,
    /// New stories and revisions taken from it in all.
    #[serde(default)]
    pub total_taken: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_headline_says_when_a_revision_landed_and_only_for_revisions() {
        let content = newsterm_story::StoryDraft {
            headline: Some("Quake".into()),
            ..Default::default()
        }
        .validate(OffsetDateTime::UNIX_EPOCH)
        .unwrap();
        let received = OffsetDateTime::UNIX_EPOCH + time::Duration::hours(2);
        let mut story = Story::new(content, received);
        assert_eq!(Headline::of(&story).revised, None);
        let json = serde_json::to_value(Headline::of(&story)).unwrap();
        assert!(json.get("revised").is_none(), "{json}");
        story.revision = 2;
        assert_eq!(Headline::of(&story).revised, Some(received));
    }

    #[test]
    fn a_poll_report_reads_as_counts_and_the_first_failure() {
        let report = PollReport {
            items: 12,
            new: 3,
            revised: 1,
            skipped_duplicate: 7,
            failed: vec![ItemFailure {
                key: "id:9".into(),
                reason: "no title or content".into(),
            }],
            ..PollReport::default()
        };
        assert_eq!(
            report.summary(),
            "12 items: 3 new, 1 revised, 7 already seen, 1 failed; first: no title or content"
        );
        let not_modified = PollReport {
            not_modified: true,
            ..PollReport::default()
        };
        assert_eq!(not_modified.summary(), "not modified since the last poll");
        let two_new = PollReport {
            new: 2,
            ..PollReport::default()
        };
        assert_eq!(
            two_new.summary(),
            "0 items: 2 new, 0 revised, 0 already seen, 0 failed"
        );
    }
}

/// `POST /api/login` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    /// The user name.
    pub user: String,
    /// The password.
    pub password: String,
}

/// Who the caller is: the answer to `POST /api/login` and
/// `GET /api/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// The signed-in user; none in local mode.
    pub user: Option<UserInfo>,
    /// The token a browser session's writes carry in `X-CSRF-Token`;
    /// none for a bearer token or in local mode.
    pub csrf: Option<String>,
    /// True when the server has no users (local mode, loopback only):
    /// everything is open and there is nothing to log in to.
    pub local: bool,
    /// True when reading needs no credential (`serve --public-read`).
    pub public_read: bool,
}

/// A user as a session shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    /// The user name.
    pub name: String,
    /// `admin`, `editor` or `reader`.
    pub role: String,
    /// What this credential may do: `publish`, `read`, `alerts`,
    /// `sources`, `admin`.
    pub scopes: Vec<String>,
}
