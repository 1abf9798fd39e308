//! When an alert fires: once per matching story, and again for a revision
//! only when the revision changes whether the story matches.
//!
//! A correction that fixes a typo in a story an alert already fired for
//! must not ring the terminal again; an update that makes a story match
//! (a place added, a headline rewritten) must.

use newsterm_query::Document;

use crate::alert::AlertId;
use crate::index::AlertIndex;

/// True when an alert fires for a revision: it matches this revision and
/// did not match the previous one (`None` for a first revision).
///
/// A revision that stops matching fires nothing, and a later one that
/// matches again fires anew.
pub fn should_fire(matched_now: bool, matched_previous_revision: Option<bool>) -> bool {
    matched_now && matched_previous_revision != Some(true)
}

impl AlertIndex {
    /// The alerts that fire for a revision: those matching `now` that did
    /// not match `previous`, the story's revision before it (`None` for a
    /// first revision). Ascending id order.
    pub fn firing(&self, now: &Document, previous: Option<&Document>) -> Vec<AlertId> {
        let matched = self.match_document(now);
        let Some(previous) = previous else {
            return matched;
        };
        let before = self.match_document(previous);
        matched
            .into_iter()
            .filter(|id| should_fire(true, Some(before.binary_search(id).is_ok())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsterm_story::{Story, StoryDraft, StoryId};
    use time::macros::datetime;

    #[test]
    fn fires_on_a_first_match_and_on_a_change_to_matching() {
        assert!(should_fire(true, None));
        assert!(!should_fire(false, None));
        assert!(should_fire(true, Some(false)));
        assert!(!should_fire(true, Some(true)));
        assert!(!should_fire(false, Some(true)));
        assert!(!should_fire(false, Some(false)));
    }

    fn revision(id: StoryId, revision: u32, headline: &str) -> Document {
        let content = StoryDraft {
            headline: Some(headline.into()),
            ..Default::default()
        }
        .validate(datetime!(2024-05-01 12:00 UTC))
        .unwrap();
        Document::of(&Story {
            id,
            revision,
            seq: u64::from(revision),
            ..Story::new(content, datetime!(2024-05-01 12:00 UTC))
        })
    }

    #[test]
    fn revisions_fire_only_when_they_change_the_match() {
        let mut index = AlertIndex::new();
        index.insert(AlertId(1), &newsterm_query::parse("quake").unwrap());
        index.insert(AlertId(2), &newsterm_query::parse("tsunami").unwrap());
        let id = StoryId::new();
        let r1 = revision(id, 1, "Quake hits coast");
        let r2 = revision(id, 2, "Quake hits coast, killing two");
        let r3 = revision(id, 3, "Quake and tsunami hit coast");
        let r4 = revision(id, 4, "Storm hits coast");
        let r5 = revision(id, 5, "Quake hits coast again");

        let fired: Vec<Vec<AlertId>> = vec![
            index.firing(&r1, None),
            index.firing(&r2, Some(&r1)),
            index.firing(&r3, Some(&r2)),
            index.firing(&r4, Some(&r3)),
            index.firing(&r5, Some(&r4)),
        ];
        assert_eq!(
            fired,
            [
                vec![AlertId(1)],
                vec![],
                vec![AlertId(2)],
                vec![],
                vec![AlertId(1)],
            ]
        );
    }
}
