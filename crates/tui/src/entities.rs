//! The tag functions: `PPL`, `ORG`, `GEO` and `NI` alone list the most
//! mentioned people, organizations, places or topics; `PPL <name>`,
//! `ORG <name>` and `GEO <place>` open a page about one entity — its
//! latest stories, and what the news mentions with it.
//!
//! This is state only; the app drives it and the renderer draws it.

use newsterm_api::{EntityCount, SearchResponse};
use newsterm_story::tags::TOPIC_CODES;

use crate::rows::{Cursor, Row, scroll_to_show};

/// A kind of tag the terminal lists and pages through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    /// People.
    Person,
    /// Organisations.
    Org,
    /// Places.
    Place,
    /// IPTC media topics.
    Topic,
}

impl EntityKind {
    /// The columns of an entity page, in the order shown.
    pub(crate) const ALL: [EntityKind; 4] = [
        EntityKind::Person,
        EntityKind::Org,
        EntityKind::Place,
        EntityKind::Topic,
    ];

    /// The name the API and the search language share: `type=person`
    /// on `/api/entities`, `person:` in a query.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Org => "org",
            EntityKind::Place => "place",
            EntityKind::Topic => "topic",
        }
    }

    /// The function that lists this kind.
    pub(crate) fn mnemonic(self) -> &'static str {
        match self {
            EntityKind::Person => "PPL",
            EntityKind::Org => "ORG",
            EntityKind::Place => "GEO",
            EntityKind::Topic => "NI",
        }
    }

    pub(crate) fn plural(self) -> &'static str {
        match self {
            EntityKind::Person => "people",
            EntityKind::Org => "organizations",
            EntityKind::Place => "places",
            EntityKind::Topic => "topics",
        }
    }

    fn column(self) -> usize {
        match self {
            EntityKind::Person => 0,
            EntityKind::Org => 1,
            EntityKind::Place => 2,
            EntityKind::Topic => 3,
        }
    }
}

/// Whether `code` is one of newsterm's [`TOPIC_CODES`] (codes are upper
/// case). `NI` falls back to that list when the server has counted none.
pub(crate) fn is_known_topic(code: &str) -> bool {
    TOPIC_CODES.iter().any(|(c, ..)| *c == code)
}

/// The search query for stories tagged with `name`: `person:"Jane Roe"`,
/// and in `country` only (see [`place_country`]), `place:"Georgia"
/// country:US`. Names reach here without double quotes (see
/// [`clean_name`]).
pub(crate) fn tag_query(kind: EntityKind, name: &str, country: Option<&str>) -> String {
    let tagged = format!("{}:\"{name}\"", kind.as_str());
    match country {
        Some(code) => format!("{tagged} country:{code}"),
        None => tagged,
    }
}

/// The country a page of `kind` keeps to: a place's, written as an ISO
/// country code is (the query language must read it as one word).
fn place_country(kind: EntityKind, country: Option<String>) -> Option<String> {
    country.filter(|code| {
        kind == EntityKind::Place
            && code.len() == 2
            && code.bytes().all(|b| b.is_ascii_alphabetic())
    })
}

/// A typed name made safe to quote: the search language has no escape
/// for `"` inside a phrase, so quotes become spaces, and whitespace runs
/// collapse so `PPL  jane   roe` and `PPL jane roe` are the same page.
pub(crate) fn clean_name(raw: &str) -> String {
    raw.replace('"', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Topic facets hold IPTC qcodes too; `NI` and the pages show only the
/// short codes a user can type.
fn is_mnemonic(name: &str) -> bool {
    !name.contains(':')
}

/// The selected row of a list that does not change under the user, and
/// the first row on screen.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Selection {
    pub index: usize,
    first: usize,
}

impl Selection {
    /// `(first row on screen, selected row)` for `len` rows in a pane
    /// `height` rows tall.
    pub fn window(&self, len: usize, height: usize) -> (usize, usize) {
        let index = self.index.min(len.saturating_sub(1));
        (scroll_to_show(self.first, index, len, height), index)
    }

    pub fn move_to(&mut self, len: usize, target: usize, height: usize) {
        let index = target.min(len.saturating_sub(1));
        let (first, _) = self.window(len, height);
        self.first = scroll_to_show(first, index, len, height);
        self.index = index;
    }
}

/// `PPL`, `ORG`, `GEO` or `NI` alone: the most mentioned of one kind.
#[derive(Debug)]
pub(crate) struct EntityList {
    pub kind: EntityKind,
    pub entries: Vec<EntityCount>,
    pub loading: bool,
    pub selection: Selection,
}

impl EntityList {
    pub fn new(kind: EntityKind) -> EntityList {
        EntityList {
            kind,
            entries: Vec::new(),
            loading: true,
            selection: Selection::default(),
        }
    }

    /// Takes the server's facets. Topics keep the short codes, the ones in
    /// the news first, then every other known code (count 0) so `NI` also
    /// teaches the codes that are quiet right now.
    pub fn receive(&mut self, entries: Vec<EntityCount>) {
        self.loading = false;
        self.selection = Selection::default();
        if self.kind != EntityKind::Topic {
            self.entries = entries;
            return;
        }
        let mut topics: Vec<EntityCount> = entries
            .into_iter()
            .filter(|e| is_mnemonic(&e.name))
            .collect();
        for (code, label, _) in TOPIC_CODES {
            if !topics.iter().any(|t| t.name.eq_ignore_ascii_case(code)) {
                topics.push(EntityCount {
                    name: code.to_string(),
                    detail: Some(label.to_string()),
                    count: 0,
                });
            }
        }
        self.entries = topics;
    }

    /// The fetch failed: topics still have the built-in codes to offer.
    pub fn fail(&mut self) {
        if self.loading && self.kind == EntityKind::Topic {
            self.receive(Vec::new());
        }
        self.loading = false;
    }

    pub fn selected(&self) -> Option<&EntityCount> {
        self.entries.get(self.selection.index)
    }
}

/// One column of what an entity page's stories also mention.
#[derive(Debug)]
pub(crate) struct Related {
    pub entries: Vec<EntityCount>,
    pub loading: bool,
}

/// Where the selection is on an entity page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Focus {
    Stories,
    /// A cell of the related grid: column in [`EntityKind::ALL`] order.
    Related {
        column: usize,
        row: usize,
    },
}

/// Most related entries kept per column: a page shows the company an
/// entity keeps, not the whole facet.
const RELATED_KEPT: usize = 20;
/// Most related rows on screen before the grid scrolls.
const RELATED_ROWS: usize = 8;

/// `PPL <name>`, `ORG <name>`, `GEO <place>`: one entity's page.
#[derive(Debug)]
pub(crate) struct EntityPage {
    pub kind: EntityKind,
    pub name: String,
    /// The query every fetch for the page uses; answers carry it back.
    pub query: String,
    pub stories: Vec<Row>,
    /// Stories matching in all, not only those fetched.
    pub total: u64,
    pub loading: bool,
    pub cursor: Cursor,
    /// People, organizations, places and topics mentioned with it.
    pub related: [Related; 4],
    pub focus: Focus,
    /// The list the page was opened from, which Esc returns to.
    pub back: Option<EntityKind>,
}

impl EntityPage {
    pub fn new(
        kind: EntityKind,
        name: String,
        country: Option<String>,
        back: Option<EntityKind>,
    ) -> EntityPage {
        let country = place_country(kind, country);
        let query = tag_query(kind, &name, country.as_deref());
        // "Georgia (US)", as the list showed it.
        let name = match country {
            Some(code) => format!("{name} ({code})"),
            None => name,
        };
        EntityPage {
            query,
            kind,
            name,
            stories: Vec::new(),
            total: 0,
            loading: true,
            cursor: Cursor::default(),
            related: std::array::from_fn(|_| Related {
                entries: Vec::new(),
                loading: true,
            }),
            focus: Focus::Stories,
            back,
        }
    }

    pub fn receive_stories(&mut self, query: &str, response: SearchResponse) {
        if query != self.query {
            return;
        }
        self.stories = response.hits.into_iter().map(Row::from).collect();
        self.total = response.total;
        self.loading = false;
    }

    /// Takes one column's facets, leaving out the entity itself (it
    /// co-occurs with every one of its stories) and IPTC qcodes.
    pub fn receive_related(&mut self, kind: EntityKind, query: &str, entries: Vec<EntityCount>) {
        if query != self.query {
            return;
        }
        let own = |e: &EntityCount| kind == self.kind && e.name.eq_ignore_ascii_case(&self.name);
        let kept: Vec<EntityCount> = entries
            .into_iter()
            .filter(|e| !own(e) && (kind != EntityKind::Topic || is_mnemonic(&e.name)))
            .take(RELATED_KEPT)
            .collect();
        let len = kept.len();
        let column = &mut self.related[kind.column()];
        column.entries = kept;
        column.loading = false;
        // The selection may sit in this column: keep it on an entry.
        if let Focus::Related { column, row } = self.focus
            && column == kind.column()
        {
            self.focus = match len {
                0 => Focus::Stories,
                len => Focus::Related {
                    column,
                    row: row.min(len - 1),
                },
            };
        }
    }

    pub fn fail(&mut self) {
        self.loading = false;
        for column in &mut self.related {
            column.loading = false;
        }
    }

    /// `(story rows, related rows)` on screen for a page `height` lines
    /// tall, each list under a one-line heading. The grid takes the rows
    /// it needs up to [`RELATED_ROWS`], never more than half the page.
    pub fn heights(&self, height: usize) -> (usize, usize) {
        let longest = self.related.iter().map(|r| r.entries.len()).max();
        let wanted = longest.unwrap_or(0).clamp(1, RELATED_ROWS);
        let related = wanted.min(height.saturating_sub(2) / 2).max(1);
        (height.saturating_sub(2 + related), related)
    }

    /// The entry under the selection, with its kind, when it is in the grid.
    pub fn selected_related(&self) -> Option<(EntityKind, &EntityCount)> {
        match self.focus {
            Focus::Stories => None,
            Focus::Related { column, row } => {
                let entry = self.related.get(column)?.entries.get(row)?;
                Some((EntityKind::ALL[column], entry))
            }
        }
    }

    /// Moves into the grid from the stories above it: the first column
    /// with anything in it.
    pub fn enter_grid(&mut self) {
        if let Some(column) = self.related.iter().position(|r| !r.entries.is_empty()) {
            self.focus = Focus::Related { column, row: 0 };
        }
    }

    /// Moves the grid selection `rows` down (negative: up); above the first
    /// row is the stories list. Returns whether the selection left the grid.
    pub fn move_in_grid(&mut self, rows: isize) -> bool {
        let Focus::Related { column, row } = self.focus else {
            return false;
        };
        if rows < 0 && row == 0 {
            self.focus = Focus::Stories;
            return true;
        }
        let len = self.related[column].entries.len();
        let row = row.saturating_add_signed(rows).min(len.saturating_sub(1));
        self.focus = Focus::Related { column, row };
        false
    }

    /// Moves the grid selection to the next column with entries `step`
    /// away, keeping the row where the column is long enough.
    pub fn move_column(&mut self, step: isize) {
        let Focus::Related { column, row } = self.focus else {
            return;
        };
        let mut next = column;
        loop {
            next = match next.checked_add_signed(step) {
                Some(n) if n < self.related.len() => n,
                _ => return,
            };
            let len = self.related[next].entries.len();
            if len > 0 {
                self.focus = Focus::Related {
                    column: next,
                    row: row.min(len - 1),
                };
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(name: &str, n: u64) -> EntityCount {
        EntityCount {
            name: name.into(),
            detail: None,
            count: n,
        }
    }

    #[test]
    fn typed_names_become_safe_quoted_queries() {
        assert_eq!(clean_name("  Jane   \"JR\" Roe "), "Jane JR Roe");
        assert_eq!(
            tag_query(EntityKind::Place, &clean_name("New  York"), None),
            "place:\"New York\""
        );
    }

    #[test]
    fn topic_list_puts_the_news_first_then_the_quiet_codes() {
        let mut list = EntityList::new(EntityKind::Topic);
        list.receive(vec![
            count("ELECTION", 9),
            count("medtop:20000574", 9),
            count("CONFLICT", 4),
        ]);
        let names: Vec<&str> = list.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(&names[..2], ["ELECTION", "CONFLICT"]);
        assert!(!names.contains(&"medtop:20000574"), "qcodes are not typed");
        assert_eq!(names.len(), TOPIC_CODES.len(), "every code once");
        let weather = list.entries.iter().find(|e| e.name == "WEATHER");
        assert_eq!(
            weather.map(|w| (w.count, w.detail.as_deref())),
            Some((0, Some("weather")))
        );
    }

    #[test]
    fn a_failed_topic_fetch_falls_back_to_the_built_in_codes() {
        let mut list = EntityList::new(EntityKind::Topic);
        list.fail();
        assert_eq!(list.entries.len(), TOPIC_CODES.len());
        let mut people = EntityList::new(EntityKind::Person);
        people.fail();
        assert!(people.entries.is_empty() && !people.loading);
    }

    #[test]
    fn a_page_leaves_its_own_entity_out_of_the_company_it_keeps() {
        let mut page = EntityPage::new(EntityKind::Person, "Jane Roe".into(), None, None);
        let query = page.query.clone();
        page.receive_related(
            EntityKind::Person,
            &query,
            vec![count("Jane Roe", 12), count("John Doe", 5)],
        );
        page.receive_related(
            EntityKind::Topic,
            &query,
            vec![count("medtop:16000000", 8), count("CONFLICT", 7)],
        );
        // An answer for a page since replaced changes nothing.
        page.receive_related(EntityKind::Org, "person:\"Other\"", vec![count("UN", 3)]);
        let names = |k: EntityKind| -> Vec<String> {
            page.related[k.column()]
                .entries
                .iter()
                .map(|e| e.name.clone())
                .collect()
        };
        assert_eq!(names(EntityKind::Person), ["John Doe"]);
        assert_eq!(names(EntityKind::Topic), ["CONFLICT"]);
        assert!(names(EntityKind::Org).is_empty());
        assert!(page.related[EntityKind::Org.column()].loading);
    }

    #[test]
    fn grid_moves_skip_empty_columns_and_leave_upwards() {
        let mut page = EntityPage::new(EntityKind::Place, "Kyiv".into(), None, None);
        let query = page.query.clone();
        page.receive_related(EntityKind::Person, &query, vec![count("A", 2)]);
        page.receive_related(EntityKind::Org, &query, vec![]);
        page.receive_related(
            EntityKind::Place,
            &query,
            vec![count("Lviv", 3), count("Odesa", 2), count("Kharkiv", 1)],
        );
        page.enter_grid();
        page.move_column(1);
        assert_eq!(page.focus, Focus::Related { column: 2, row: 0 });
        page.move_in_grid(5);
        assert_eq!(
            page.selected_related().map(|(k, e)| (k, e.name.as_str())),
            Some((EntityKind::Place, "Kharkiv"))
        );
        page.move_column(-1);
        assert_eq!(page.focus, Focus::Related { column: 0, row: 0 });
        page.move_column(-1);
        assert_eq!(page.focus, Focus::Related { column: 0, row: 0 });
        assert!(page.move_in_grid(-1));
        assert_eq!(page.focus, Focus::Stories);
    }

    #[test]
    fn a_late_answer_keeps_the_grid_selection_on_an_entry() {
        let mut page = EntityPage::new(EntityKind::Org, "UN".into(), None, None);
        let query = page.query.clone();
        let three = vec![count("A", 3), count("B", 2), count("C", 1)];
        page.receive_related(EntityKind::Place, &query, three);
        page.enter_grid();
        page.move_in_grid(2);
        page.receive_related(EntityKind::Place, &query, vec![count("A", 3)]);
        assert_eq!(page.focus, Focus::Related { column: 2, row: 0 });
        page.receive_related(EntityKind::Place, &query, vec![]);
        assert_eq!(page.focus, Focus::Stories);
    }

    #[test]
    fn page_heights_share_the_screen() {
        let mut page = EntityPage::new(EntityKind::Org, "UN".into(), None, None);
        assert_eq!(page.heights(21), (18, 1), "nothing related yet: one row");
        let query = page.query.clone();
        let many = (0..30).map(|n| count(&format!("P{n}"), 1)).collect();
        page.receive_related(EntityKind::Person, &query, many);
        let (stories, related) = page.heights(21);
        assert_eq!(stories + related + 2, 21);
        assert!(related <= 8 && stories >= related);
        let (stories, related) = page.heights(6);
        assert_eq!((stories, related), (2, 2));
    }
}
