//! Headline rows and the lists that hold them: the live wire (newest
//! first, one row per story, bounded) and a selection that stays on its
//! story while rows arrive above it.

use newsterm_api::{Headline, ReadStory, SearchHit, TopEntry, Velocity};
use newsterm_story::{EventId, Priority, StoryId};
use time::OffsetDateTime;

/// Most rows the live monitor keeps; older ones fall off the bottom.
pub(crate) const WIRE_CAPACITY: usize = 2_000;

/// One line of a headline list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub id: StoryId,
    pub revision: u32,
    /// Wire sequence; 0 for rows that did not come off the wire (search hits).
    pub seq: u64,
    pub headline: String,
    pub published: OffsetDateTime,
    /// When a revision after the first landed: what the time column shows.
    pub revised: Option<OffsetDateTime>,
    pub priority: Priority,
    pub source: Option<String>,
    /// Top mnemonic topic code (`CONFLICT`).
    pub topic: Option<String>,
    /// Search snippet with `<b>…</b>` around matched terms.
    pub snippet: Option<String>,
    /// The story this one is a copy of (another source carrying the same
    /// text): a monitor folds it into that story's row.
    pub duplicate_of: Option<StoryId>,
    /// Sources of the copies folded into this row, in arrival order.
    pub carried_by: Vec<String>,
    /// Why the story was withdrawn, once it was.
    pub withdrawn: Option<String>,
    /// On READ: the distinct readers who opened the story in the window.
    pub readers: Option<u64>,
    /// The event the story reports, when known: Enter on a TOP row opens it.
    pub event: Option<EventId>,
    /// On TOP: the event's pace.
    pub velocity: Option<Velocity>,
}

impl Row {
    /// A story's row with nothing known beyond its headline: no source,
    /// topic, snippet, copy link, folded sources, withdrawal, readers,
    /// event or pace. The other constructors start from it.
    pub fn plain(
        id: StoryId,
        revision: u32,
        seq: u64,
        headline: String,
        published: OffsetDateTime,
        priority: Priority,
    ) -> Row {
        Row {
            id,
            revision,
            seq,
            headline,
            published,
            revised: None,
            priority,
            source: None,
            topic: None,
            snippet: None,
            duplicate_of: None,
            carried_by: Vec::new(),
            withdrawn: None,
            readers: None,
            event: None,
            velocity: None,
        }
    }

    /// The time a list shows: when a revision landed, else when the story
    /// was published.
    pub fn shown_time(&self) -> OffsetDateTime {
        self.revised.unwrap_or(self.published)
    }
}

impl From<&Headline> for Row {
    fn from(h: &Headline) -> Row {
        Row {
            revised: h.revised,
            source: h.source.clone(),
            topic: h.topic.clone(),
            duplicate_of: h.mark.duplicate_of,
            carried_by: h.carried_by.clone(),
            withdrawn: h
                .is_withdrawn()
                .then(|| h.mark.note.clone().unwrap_or_default()),
            event: h.mark.event,
            ..Row::plain(
                h.id,
                h.revision,
                h.seq,
                h.headline.clone(),
                h.published,
                h.priority,
            )
        }
    }
}

impl Row {
    /// A TOP row: the event's latest story, and the other sources that
    /// carry the event.
    pub fn top(entry: &TopEntry) -> Row {
        let mut row = Row::from(&entry.latest);
        row.event = Some(entry.event);
        row.velocity = Some(entry.velocity);
        row.carried_by = entry
            .sources
            .iter()
            .filter(|s| row.source.as_ref() != Some(*s))
            .cloned()
            .collect();
        if row.carried_by.len() == entry.sources.len() {
            // The latest story names no source of the list: it is one of them.
            row.carried_by
                .truncate(entry.sources.len().saturating_sub(1));
        }
        row
    }

    /// A READ row: the story, and how many readers opened it.
    pub fn read(entry: &ReadStory) -> Row {
        Row {
            readers: Some(entry.readers),
            ..Row::from(&entry.story)
        }
    }
}

impl From<SearchHit> for Row {
    fn from(h: SearchHit) -> Row {
        Row {
            source: h.source,
            topic: h.topic,
            snippet: Some(h.snippet).filter(|s| !s.is_empty()),
            ..Row::plain(h.id, h.revision, 0, h.headline, h.published, h.priority)
        }
    }
}

/// The live wire as a monitor shows it: ordered by wire sequence, newest
/// first, one row per story (its latest revision), at most `capacity` rows.
#[derive(Debug)]
pub(crate) struct Wire {
    rows: Vec<Row>,
    capacity: usize,
}

impl Wire {
    pub fn new(capacity: usize) -> Wire {
        Wire {
            rows: Vec::new(),
            capacity,
        }
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    pub fn clear(&mut self) {
        self.rows.clear();
    }

    /// Puts a headline in its place by sequence. A newer revision of a
    /// story already listed replaces it (and so moves up, as on a wire);
    /// an older or repeated one — a backfill overlapping the live stream —
    /// is ignored. A copy of a listed story folds into that story's row,
    /// its source counted once. Returns whether anything changed.
    pub fn upsert(&mut self, mut row: Row) -> bool {
        if let Some(original) = row.duplicate_of
            && let Some(target) = self.rows.iter_mut().find(|r| r.id == original)
        {
            let source = row.source.unwrap_or_else(|| "?".into());
            if target.carried_by.contains(&source) {
                return false;
            }
            target.carried_by.push(source);
            return true;
        }
        if let Some(i) = self.rows.iter().position(|r| r.id == row.id) {
            if self.rows[i].seq >= row.seq {
                return false;
            }
            let old = self.rows.remove(i);
            // A revision keeps the copies already folded into its row.
            for source in old.carried_by {
                if !row.carried_by.contains(&source) {
                    row.carried_by.push(source);
                }
            }
        }
        let at = self.rows.partition_point(|r| r.seq > row.seq);
        if at >= self.capacity {
            return false;
        }
        self.rows.insert(at, row);
        self.rows.truncate(self.capacity);
        true
    }
}

/// Where the user is in a list: the selected story and the first story on
/// screen, both held by id so rows arriving above leave them in place.
///
/// With nothing selected the list follows its head: the top row is
/// selected and new rows take its place, which is what a reader watching
/// the wire expects. Once the user moves down, the selection is pinned.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Cursor {
    selected: Option<StoryId>,
    first_shown: Option<StoryId>,
}

impl Cursor {
    /// At the head of a list, following it.
    pub const HEAD: Cursor = Cursor {
        selected: None,
        first_shown: None,
    };

    /// Index of the selected row in `rows`.
    pub fn selected_index(&self, rows: &[&Row]) -> usize {
        match self.selected {
            None => 0,
            // The pinned row fell off the end of a bounded list: the
            // nearest row still there is the last one.
            Some(id) => position(rows, id).unwrap_or(rows.len().saturating_sub(1)),
        }
    }

    /// `(first row on screen, selected row)` for a pane `height` rows tall,
    /// keeping the selection visible.
    pub fn window(&self, rows: &[&Row], height: usize) -> (usize, usize) {
        let selected = self.selected_index(rows);
        let first = self
            .first_shown
            .and_then(|id| position(rows, id))
            .unwrap_or(0);
        (
            scroll_to_show(first, selected, rows.len(), height),
            selected,
        )
    }

    /// Selects row `index` (clamped to the list), scrolling to show it.
    pub fn move_to(&mut self, rows: &[&Row], index: usize, height: usize) {
        if rows.is_empty() {
            *self = Cursor::default();
            return;
        }
        let index = index.min(rows.len() - 1);
        let (first, _) = self.window(rows, height);
        let first = scroll_to_show(first, index, rows.len(), height);
        self.selected = (index > 0).then(|| rows[index].id);
        self.first_shown = (first > 0).then(|| rows[first].id);
    }

    pub fn selected_id(&self, rows: &[&Row]) -> Option<StoryId> {
        rows.get(self.selected_index(rows)).map(|r| r.id)
    }
}

fn position(rows: &[&Row], id: StoryId) -> Option<usize> {
    rows.iter().position(|r| r.id == id)
}

/// The first row to show so that `selected` is on screen and the pane is
/// not left half empty when the list is long enough to fill it.
pub(crate) fn scroll_to_show(first: usize, selected: usize, len: usize, height: usize) -> usize {
    let height = height.max(1);
    let mut first = first.min(len.saturating_sub(height));
    if selected < first {
        first = selected;
    } else if selected >= first + height {
        first = selected + 1 - height;
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(seq: u64, id: StoryId, revision: u32) -> Row {
        Row::plain(
            id,
            revision,
            seq,
            format!("story {seq}"),
            OffsetDateTime::UNIX_EPOCH,
            Priority::Normal,
        )
    }

    #[test]
    fn copies_fold_into_their_original_and_stay_folded_across_its_revisions() {
        let mut w = Wire::new(10);
        let original = StoryId::new();
        w.upsert(row(1, original, 1));
        let copy = |seq: u64, source: &str| Row {
            duplicate_of: Some(original),
            source: Some(source.into()),
            ..row(seq, StoryId::new(), 1)
        };
        assert!(w.upsert(copy(2, "Northern Post")));
        assert!(w.upsert(copy(3, "Iberia Daily")));
        assert!(!w.upsert(copy(4, "Iberia Daily")), "a source counts once");
        assert_eq!(seqs(&w), vec![1]);
        assert_eq!(w.rows()[0].carried_by, ["Northern Post", "Iberia Daily"]);
        w.upsert(row(5, original, 2));
        assert_eq!(seqs(&w), vec![5]);
        assert_eq!(w.rows()[0].carried_by, ["Northern Post", "Iberia Daily"]);
        // A copy whose original is not listed is a row of its own.
        let orphan = Row {
            duplicate_of: Some(StoryId::new()),
            ..row(6, StoryId::new(), 1)
        };
        w.upsert(orphan);
        assert_eq!(seqs(&w), vec![6, 5]);
    }

    fn seqs(w: &Wire) -> Vec<u64> {
        w.rows().iter().map(|r| r.seq).collect()
    }

    #[test]
    fn wire_orders_by_sequence_whatever_the_arrival_order() {
        let mut w = Wire::new(10);
        for seq in [5, 9, 1, 7] {
            w.upsert(row(seq, StoryId::new(), 1));
        }
        assert_eq!(seqs(&w), vec![9, 7, 5, 1]);
    }

    #[test]
    fn a_new_revision_replaces_and_moves_up_but_a_repeat_is_ignored() {
        let mut w = Wire::new(10);
        let a = StoryId::new();
        w.upsert(row(1, a, 1));
        w.upsert(row(2, StoryId::new(), 1));
        assert!(w.upsert(row(3, a, 2)));
        assert_eq!(seqs(&w), vec![3, 2]);
        assert_eq!(w.rows()[0].revision, 2);
        // The backfill delivering revision 1 again must not bring it back.
        assert!(!w.upsert(row(1, a, 1)));
        assert_eq!(w.rows().len(), 2);
    }

    #[test]
    fn wire_is_bounded_and_drops_the_oldest() {
        let mut w = Wire::new(3);
        for seq in 1..=5 {
            w.upsert(row(seq, StoryId::new(), 1));
        }
        assert_eq!(seqs(&w), vec![5, 4, 3]);
        assert!(!w.upsert(row(2, StoryId::new(), 1)), "older than all kept");
    }

    #[test]
    fn pinned_selection_and_scroll_survive_rows_arriving_above() {
        let mut w = Wire::new(100);
        for seq in 1..=30 {
            w.upsert(row(seq, StoryId::new(), 1));
        }
        let mut c = Cursor::default();
        let rows: Vec<&Row> = w.rows().iter().collect();
        c.move_to(&rows, 15, 10);
        let picked = c.selected_id(&rows);
        let (first_before, _) = c.window(&rows, 10);
        let first_story = rows[first_before].id;

        w.upsert(row(31, StoryId::new(), 1));
        let rows: Vec<&Row> = w.rows().iter().collect();
        assert_eq!(c.selected_id(&rows), picked);
        let (first_after, sel) = c.window(&rows, 10);
        assert_eq!(sel, 16);
        assert_eq!(rows[first_after].id, first_story, "the view did not jump");
    }

    #[test]
    fn unmoved_selection_follows_the_newest_row() {
        let mut w = Wire::new(100);
        w.upsert(row(1, StoryId::new(), 1));
        let c = Cursor::default();
        let newest = StoryId::new();
        w.upsert(row(2, newest, 1));
        let rows: Vec<&Row> = w.rows().iter().collect();
        assert_eq!(c.selected_id(&rows), Some(newest));
    }

    #[test]
    fn selection_is_clamped_to_the_list() {
        let mut w = Wire::new(100);
        for seq in 1..=5 {
            w.upsert(row(seq, StoryId::new(), 1));
        }
        let rows: Vec<&Row> = w.rows().iter().collect();
        let mut c = Cursor::default();
        c.move_to(&rows, 50, 3);
        assert_eq!(c.window(&rows, 3), (2, 4));
        c.move_to(&rows, 0, 3);
        assert_eq!(c.window(&rows, 3), (0, 0));
    }
}
