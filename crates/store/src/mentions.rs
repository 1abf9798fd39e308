//! The names a story's tags mention, kept per revision and as totals, for
//! the PPL, ORG and GEO facets and their trends.

use crate::StoreError;
use newsterm_story::Tags;
use rusqlite::params;
use time::OffsetDateTime;

/// Which entities a facet counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentionKind {
    /// People.
    Person,
    /// Organisations.
    Org,
    /// Places.
    Place,
    /// IPTC media topics.
    Topic,
}

impl MentionKind {
    /// Its name in the `mentions` table and in `/api/facets`.
    pub fn as_str(self) -> &'static str {
        match self {
            MentionKind::Person => "person",
            MentionKind::Org => "org",
            MentionKind::Place => "place",
            MentionKind::Topic => "topic",
        }
    }

    /// The kind named `s`, as written by [`MentionKind::as_str`].
    pub fn parse(s: &str) -> Option<MentionKind> {
        [
            MentionKind::Person,
            MentionKind::Org,
            MentionKind::Place,
            MentionKind::Topic,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One row of a facet: a name, what else is known of it, and in how many
/// stories it appears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionCount {
    /// The name as tagged.
    pub name: String,
    /// What else is known of it (a place's country, a topic's label).
    pub detail: Option<String>,
    /// Stories mentioning it.
    pub count: u64,
}

/// One name's mentions in a recent window and in the baseline before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionTrend {
    /// Person, organisation, place or topic.
    pub kind: MentionKind,
    /// The name as tagged.
    pub name: String,
    /// What else is known of it (a place's country, a topic's label).
    pub detail: Option<String>,
    /// Stories in the recent window.
    pub recent: u64,
    /// Stories in the baseline before the window.
    pub before: u64,
}

/// The distinct (kind, name, detail) mentions of a story's tags, which the
/// facets count: two places of one name in different countries are two.
/// No detail is `""`, as the tables keep it.
pub(crate) fn mentions(tags: &Tags) -> Vec<(MentionKind, &str, &str)> {
    use newsterm_story::tags::EntityType;
    let entities = tags
        .entities
        .iter()
        .filter(|e| e.names_one_thing())
        .map(|e| {
            let kind = match e.kind {
                EntityType::Person => MentionKind::Person,
                EntityType::Org => MentionKind::Org,
                EntityType::Loc | EntityType::Norp => MentionKind::Place,
            };
            (
                kind,
                e.canonical.as_str(),
                e.country.as_deref().unwrap_or(""),
            )
        });
    let topics = tags
        .topics
        .iter()
        .map(|t| (MentionKind::Topic, t.code.as_str(), t.label.as_str()));
    let mut out: Vec<(MentionKind, &str, &str)> = Vec::new();
    for mention in entities.chain(topics) {
        if !out.contains(&mention) {
            out.push(mention);
        }
    }
    out
}

/// Replaces the facet mentions of story `id` with those of `tags`. A new
/// story (`first`) has none to take out.
pub(crate) fn replace_mentions(
    tx: &rusqlite::Connection,
    id: &str,
    published: OffsetDateTime,
    tags: &Tags,
    first: bool,
) -> Result<(), StoreError> {
    if !first {
        drop_mentions(tx, id)?;
    }
    // A row a statement, each a prepared single-row insert: SQLite keeps no
    // statement journal for those, where one statement for all the rows
    // (from a JSON array) kept one and cost the JSON's writing and reading.
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO mentions (story_id, kind, name, detail, published)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    // Only rows stored are counted, so the totals count exactly the
    // table's rows.
    let mut count = tx.prepare_cached(
        "INSERT INTO mention_totals (kind, name, detail, stories) VALUES (?1, ?2, ?3, 1)
         ON CONFLICT (kind, name, detail) DO UPDATE SET stories = stories + 1",
    )?;
    let published = published.unix_timestamp();
    for (kind, name, detail) in mentions(tags) {
        let kind = kind.as_str();
        if insert.execute(params![id, kind, name, detail, published])? == 1 {
            count.execute(params![kind, name, detail])?;
        }
    }
    Ok(())
}

/// Takes a story's mentions out of the facets, their totals first while
/// the rows still say which names they are.
pub(crate) fn drop_mentions(tx: &rusqlite::Connection, id: &str) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE mention_totals SET stories = stories - 1
         WHERE (kind, name, detail) IN
             (SELECT kind, name, detail FROM mentions WHERE story_id = ?1)",
    )?
    .execute([id])?;
    tx.prepare_cached(
        "DELETE FROM mention_totals
         WHERE stories <= 0
           AND (kind, name, detail) IN
               (SELECT kind, name, detail FROM mentions WHERE story_id = ?1)",
    )?
    .execute([id])?;
    tx.prepare_cached("DELETE FROM mentions WHERE story_id = ?1")?
        .execute([id])?;
    Ok(())
}

/// The all-time top names of kind `?1` (`limit` `?4`) in three stories or
/// more, read from their partial index: the condition is written as the
/// index's is, so that the planner can use it. `?2` and `?3` are the other
/// forms' window and story set, unused.
pub(crate) const TOP_REPEATED_NAMES: &str =
    "SELECT name, NULLIF(detail, ''), stories FROM mention_totals
     WHERE kind = +?1 AND stories >= 3 AND ?2 = ?2 AND ?3 IS NULL
     ORDER BY stories DESC, name, detail LIMIT +?4";

/// [`TOP_REPEATED_NAMES`] among every name of the kind.
pub(crate) const TOP_NAMES: &str = "SELECT name, NULLIF(detail, ''), stories FROM mention_totals
     WHERE kind = +?1 AND ?2 = ?2 AND ?3 IS NULL
     ORDER BY stories DESC, name, detail LIMIT +?4";

/// The top names of kind `?1` among the mentions published at or after
/// `?2`, read from the time index (`?3` unused, `?4` the limit).
pub(crate) const WINDOW_NAMES: &str = "SELECT name, NULLIF(detail, ''), COUNT(*) AS n FROM mentions
     WHERE kind = +?1 AND published >= ?2 AND ?3 IS NULL
     GROUP BY name, detail ORDER BY n DESC, name, detail LIMIT +?4";
