//! Top stories: which of the latest revisions lead the TOP screen.

use newsterm_story::{Priority, Story};
use time::OffsetDateTime;

/// How many of the most recently stored stories are ranked.
pub(super) const CANDIDATES: usize = 500;

/// The `limit` highest-scoring of `candidates`, best first; ties go to the
/// later revision on the wire.
pub(super) fn rank(candidates: Vec<Story>, limit: usize) -> Vec<Story> {
    let now = OffsetDateTime::now_utc();
    let mut scored: Vec<(f64, Story)> = candidates
        .into_iter()
        .map(|s| (score(&s, now), s))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.seq.cmp(&a.1.seq)));
    scored.into_iter().take(limit).map(|(_, s)| s).collect()
}

/// Priority weight × freshness (half-life six hours since newsterm
/// received the revision) × a small bonus for stories revised often,
/// which on a wire means a developing story.
fn score(story: &Story, now: OffsetDateTime) -> f64 {
    let weight = match story.content.priority {
        Priority::Flash => 4.0,
        Priority::Urgent => 2.5,
        Priority::Normal => 1.0,
    };
    let age_hours = ((now - story.received).as_seconds_f64() / 3600.0).max(0.0);
    let freshness = 0.5f64.powf(age_hours / 6.0);
    let developing = 1.0 + 0.1 * f64::from(story.revision.saturating_sub(1).min(5));
    weight * freshness * developing
}
