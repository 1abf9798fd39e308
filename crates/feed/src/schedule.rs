//! When each source is polled: its interval, its next due time, and
//! exponential backoff while it fails. Pure logic over times the caller
//! passes in, so every rule is testable without a clock.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use newsterm_api::SourceHealth;
use newsterm_story::Priority;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::fetch::Validators;

/// Longest wait after failures, unless the interval itself is longer.
pub const MAX_BACKOFF: Duration = Duration::from_secs(3600);

/// A source's number in `sources.db`; never reused after removal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SourceId(pub i64);

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Text that is not a source id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a source id (a number)")]
pub struct BadSourceId(pub String);

impl FromStr for SourceId {
    type Err = BadSourceId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim()
            .parse()
            .map(SourceId)
            .map_err(|_| BadSourceId(s.trim().chars().take(40).collect()))
    }
}

/// How often a source is polled: written `30s`, `5m`, `1h` or combined,
/// `1h30m`; between 10 seconds and 7 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Every(Duration);

/// Why an interval was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a polling interval: {reason}")]
pub struct IntervalError {
    /// The interval as given.
    pub input: String,
    /// Why it is not accepted.
    pub reason: String,
}

impl Every {
    /// The shortest interval: ten seconds.
    pub const MIN: Duration = Duration::from_secs(10);
    /// The longest interval: a week.
    pub const MAX: Duration = Duration::from_secs(7 * 24 * 3600);
    /// Five minutes: polite to publishers, fresh enough for most feeds.
    pub const DEFAULT: Every = Every(Duration::from_secs(300));

    /// An interval of `d`, between [`Every::MIN`] and [`Every::MAX`].
    pub fn new(d: Duration) -> Result<Every, IntervalError> {
        if d < Self::MIN || d > Self::MAX {
            return Err(IntervalError {
                input: Every(d).to_string(),
                reason: "it must be between 10s and 7d".into(),
            });
        }
        Ok(Every(d))
    }

    /// The interval.
    pub fn duration(self) -> Duration {
        self.0
    }

    /// The wait before the next poll after `failures` failures in a row:
    /// the interval doubled per failure, capped at [`MAX_BACKOFF`] (or at
    /// the interval, when that is longer).
    pub fn backoff(self, failures: u32) -> Duration {
        let cap = MAX_BACKOFF.max(self.0);
        let factor = 2u32.saturating_pow(failures.min(20));
        self.0.saturating_mul(factor).min(cap)
    }
}

impl Default for Every {
    fn default() -> Self {
        Every::DEFAULT
    }
}

impl fmt::Display for Every {
    /// humantime's form without spaces: `5m`, `1h30m`, `1m30s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            &humantime::format_duration(self.0)
                .to_string()
                .replace(' ', ""),
        )
    }
}

impl FromStr for Every {
    type Err = IntervalError;

    /// humantime's durations (`30s`, `5m`, `1h30m`, `2 hours`), any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let d = parse_duration(s)?;
        Every::new(d).map_err(|e| IntervalError {
            input: s.chars().take(40).collect(),
            reason: e.reason,
        })
    }
}

/// Reads a span as humantime writes it (`30s`, `5m`, `1h30m`, `7d`,
/// `2 hours`), any case: how a source interval or a retention is written.
pub fn parse_duration(s: &str) -> Result<Duration, IntervalError> {
    humantime::parse_duration(&s.trim().to_ascii_lowercase()).map_err(|e| IntervalError {
        input: s.chars().take(40).collect(),
        reason: format!("{e}; write e.g. 30s, 5m or 1h"),
    })
}

impl Serialize for Every {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Every {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// A source as its owner configured it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceSpec {
    /// The source's id, given when it was added.
    pub id: SourceId,
    /// http(s) URL of the feed.
    pub url: String,
    /// Shown as each story's source; the feed's title when absent.
    pub name: Option<String>,
    /// How often it is polled.
    pub every: Every,
    /// Given to every story from this source.
    pub priority: Priority,
    /// True while polling is paused.
    pub paused: bool,
}

/// What polling a source has found so far: the health the API shows
/// ([`SourceHealth`], one contract type owned by the api crate), plus what
/// stays on the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceStatus {
    /// When a poll last succeeded, the last problem, failures in a row,
    /// the next poll and the item counts, as `GET /api/sources` lists them.
    #[serde(flatten)]
    pub health: SourceHealth,
    /// When it was last polled.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub last_attempt: Option<OffsetDateTime>,
    /// To make the next fetch conditional.
    #[serde(default)]
    pub validators: Validators,
}

impl SourceStatus {
    /// A poll that got content (or `304`): failures reset, next poll one
    /// interval from now. `counts` is `(items seen, items new)`, absent for
    /// `304`; `problem` names items that could not be taken.
    pub fn succeeded(
        &mut self,
        now: OffsetDateTime,
        every: Every,
        counts: Option<(u64, u64)>,
        problem: Option<String>,
    ) {
        self.last_attempt = Some(now);
        let health = &mut self.health;
        health.last_success = Some(now);
        health.last_error = problem;
        health.consecutive_failures = 0;
        health.next_due = Some(now + every.duration());
        if let Some((seen, new)) = counts {
            health.items_seen = seen;
            health.items_new = new;
            health.total_taken += new;
        }
    }

    /// A failed poll: the error is kept in words and the next poll backs
    /// off exponentially.
    pub fn failed(&mut self, now: OffsetDateTime, every: Every, error: String) {
        self.last_attempt = Some(now);
        let health = &mut self.health;
        health.last_error = Some(error);
        health.consecutive_failures = health.consecutive_failures.saturating_add(1);
        health.next_due = Some(now + every.backoff(health.consecutive_failures));
    }
}

/// A source and its status, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// How the source is configured.
    #[serde(flatten)]
    pub spec: SourceSpec,
    /// How polling it has gone.
    pub status: SourceStatus,
}

impl Source {
    /// True when the source is not paused and its time has come.
    pub fn is_due(&self, now: OffsetDateTime) -> bool {
        !self.spec.paused && self.status.health.next_due.is_none_or(|due| due <= now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_700_000_000 + secs).unwrap()
    }

    fn every(s: &str) -> Every {
        s.parse().unwrap()
    }

    #[test]
    fn intervals_parse_and_print() {
        assert_eq!(every("30s").duration(), Duration::from_secs(30));
        assert_eq!(every("5m").duration(), Duration::from_secs(300));
        assert_eq!(every(" 1H ").duration(), Duration::from_secs(3600));
        assert_eq!(every("1h30m").duration(), Duration::from_secs(5400));
        assert_eq!(every("1h30m").to_string(), "1h30m");
        assert_eq!(every("90s").to_string(), "1m30s");
        assert_eq!(every("2 hours").to_string(), "2h");
    }

    #[test]
    fn bad_intervals_say_why() {
        for (input, why) in [
            ("", "write e.g. 30s"),
            ("5", "write e.g. 30s"),
            ("5x", "write e.g. 30s"),
            ("m", "write e.g. 30s"),
            ("1s", "between 10s and 7d"),
            ("8d", "between 10s and 7d"),
            ("99999999999999999999h", "write e.g. 30s"),
        ] {
            let e = input.parse::<Every>().unwrap_err().to_string();
            assert!(e.contains(why), "{input}: {e}");
        }
    }

    #[test]
    fn backoff_doubles_up_to_an_hour_and_resets_on_success() {
        let e = every("5m");
        let mut s = SourceStatus::default();
        let mut waits = Vec::new();
        for i in 0..6 {
            s.failed(at(i), e, "HTTP 500 from x".into());
            waits.push((s.health.next_due.unwrap() - at(i)).whole_minutes());
        }
        assert_eq!(waits, [10, 20, 40, 60, 60, 60]);
        assert_eq!(s.health.consecutive_failures, 6);
        assert_eq!(s.health.last_error.as_deref(), Some("HTTP 500 from x"));
        s.succeeded(at(100), e, Some((20, 3)), None);
        assert_eq!(s.health.consecutive_failures, 0);
        assert_eq!(s.health.last_error, None);
        assert_eq!(s.health.next_due, Some(at(100) + Duration::from_secs(300)));
        assert_eq!(
            (
                s.health.items_seen,
                s.health.items_new,
                s.health.total_taken
            ),
            (20, 3, 3)
        );
        // A long interval is never shortened by the cap.
        assert_eq!(every("2h").backoff(3), Duration::from_secs(7200));
    }

    #[test]
    fn a_source_is_due_when_its_time_comes_unless_paused() {
        let mut source = Source {
            spec: SourceSpec {
                id: SourceId(1),
                url: "http://x.invalid/feed".into(),
                name: None,
                every: every("1m"),
                priority: Priority::Normal,
                paused: false,
            },
            status: SourceStatus::default(),
        };
        assert!(source.is_due(at(0)), "a new source is due at once");
        source
            .status
            .succeeded(at(0), source.spec.every, None, None);
        assert!(!source.is_due(at(59)));
        assert!(source.is_due(at(60)));
        source.spec.paused = true;
        assert!(!source.is_due(at(600)));
    }

    #[test]
    fn status_round_trips_through_json() {
        let mut s = SourceStatus::default();
        s.failed(at(0), every("1m"), "timed out after 20 s".into());
        s.validators.etag = Some("\"abc\"".into());
        let back: SourceStatus = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
    }
}
