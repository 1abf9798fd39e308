//! The latest headlines (`GET /api/headlines`), copies folded into the
//! story they repeat, and TOP (`GET /api/top`), one row per event.

use std::collections::HashSet;

use axum::Json;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use newsterm_api::{Headline, TopEntry};
use newsterm_store::ListMark;
use newsterm_story::{Story, StoryHead, StoryId};
use serde::Deserialize;

use super::search::optional_query;
use super::{ApiError, AppState, blocking, page_size};
use crate::engine::Engine;

/// How many of a filtered list's newest matches are looked at for each row
/// it shows: other sources' copies fold into the row of the story they
/// repeat, so a page needs more matches than rows. Only the stories the
/// rows show, and the copies folded into them, are read whole.
const FOLD_ROOM: usize = 4;

/// The most matches a filtered headline list looks at.
const MATCHES_READ: usize = 5_000;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/headlines", get(headlines))
        .route("/api/top", get(top))
}

#[derive(Deserialize)]
struct HeadlineParams {
    q: Option<String>,
    limit: Option<usize>,
    /// `fold=false` lists other sources' copies as rows of their own.
    fold: Option<bool>,
}

/// The latest headlines (latest revision of each story), newest first,
/// filtered as a live stream with the same query would be; a filtered
/// list finds its matches anywhere in the archive, through the index.
async fn headlines(
    State(st): State<AppState>,
    params: Result<Query<HeadlineParams>, QueryRejection>,
) -> Result<Json<Vec<Headline>>, ApiError> {
    let Query(p) = params?;
    let limit = page_size(p.limit, 100)?;
    let matcher = optional_query(p.q.as_deref())?;
    let fold_copies = p.fold.unwrap_or(true);
    let engine = st.engine.clone();
    let rows = blocking(move || -> Result<Vec<Headline>, ApiError> {
        let reader = engine.reader();
        let Some(query) = matcher else {
            let recent = reader.recent_heads(limit)?;
            return Ok(if fold_copies {
                let (rows, copies) = split_copies(recent);
                fold(rows, copies)
            } else {
                recent.into_iter().map(Headline::of_head).collect()
            });
        };
        // The index finds the newest matches however deep in the archive
        // they are (scanning the newest stories would miss older ones and
        // read thousands that do not match); staged stories are in it too.
        // Of those, only the stories the rows show are read.
        let ids = engine
            .index()
            .latest_ids(&query, limit.saturating_mul(FOLD_ROOM).min(MATCHES_READ))?;
        let mut marks = reader.list_marks(&ids)?;
        // Newest revision first, as the unfiltered list and the live
        // stream order them (a revised story moves up).
        marks.sort_by_key(|m| std::cmp::Reverse(m.seq));
        let ids_of = |marks: &[ListMark]| marks.iter().map(|m| m.id).collect::<Vec<_>>();
        if !fold_copies {
            marks.truncate(limit);
            return Ok(reader
                .heads(&ids_of(&marks))?
                .into_iter()
                .map(Headline::of_head)
                .collect());
        }
        let (mut rows, copies) = split_copies(marks);
        rows.truncate(limit);
        let shown: HashSet<StoryId> = rows.iter().map(|m| m.id).collect();
        let copies: Vec<ListMark> = copies
            .into_iter()
            .filter(|c| c.duplicate_of.is_some_and(|o| shown.contains(&o)))
            .collect();
        Ok(fold(
            reader.heads(&ids_of(&rows))?,
            reader.heads(&ids_of(&copies))?,
        ))
    })
    .await?;
    Ok(Json(rows))
}

/// The latest revisions of the stories `ids`, in that order (a story gone
/// since is left out).
fn read_latest(engine: &Engine, ids: Vec<StoryId>) -> Result<Vec<Story>, ApiError> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(story) = engine.reader().latest(id)? {
            out.push(story);
        }
    }
    Ok(out)
}

/// The latest revisions of the newest `limit` stories matching `query`
/// (newest published first), found through the index, staged stories
/// included, and read from the store.
pub(super) fn newest_matching(
    engine: &Engine,
    query: &newsterm_query::Query,
    limit: usize,
) -> Result<Vec<Story>, ApiError> {
    read_latest(engine, engine.index().latest_ids(query, limit)?)
}

/// Headlines of `rows`, in their order, each with the sources of the
/// `copies` that repeat it (`carried_by`).
fn fold(rows: Vec<StoryHead>, copies: Vec<StoryHead>) -> Vec<Headline> {
    let mut rows: Vec<Headline> = rows.into_iter().map(Headline::of_head).collect();
    // Oldest copy first, as the sources carried it.
    for copy in copies.into_iter().rev() {
        if let Some(row) = rows
            .iter_mut()
            .find(|r| Some(r.id) == copy.mark.duplicate_of)
        {
            row.carried_by
                .push(copy.source.unwrap_or_else(|| "?".into()));
        }
    }
    rows
}

/// An entry of a list whose copies fold into the stories they repeat: a
/// story, or its [`ListMark`] before the story is read.
pub(super) trait Listed {
    fn id(&self) -> StoryId;
    /// The story this one copies, if any.
    fn duplicate_of(&self) -> Option<StoryId>;
}

impl Listed for &Story {
    fn id(&self) -> StoryId {
        self.id
    }
    fn duplicate_of(&self) -> Option<StoryId> {
        self.mark.duplicate_of
    }
}

impl Listed for StoryHead {
    fn id(&self) -> StoryId {
        self.id
    }
    fn duplicate_of(&self) -> Option<StoryId> {
        self.mark.duplicate_of
    }
}

impl Listed for ListMark {
    fn id(&self) -> StoryId {
        self.id
    }
    fn duplicate_of(&self) -> Option<StoryId> {
        self.duplicate_of
    }
}

/// Splits a list into the entries that get rows of their own and the
/// copies of stories listed too (which fold into those rows), each part
/// in the list's order. A copy whose original is not listed keeps a row.
pub(super) fn split_copies<T: Listed>(entries: impl IntoIterator<Item = T>) -> (Vec<T>, Vec<T>) {
    let entries: Vec<T> = entries.into_iter().collect();
    let listed: HashSet<StoryId> = entries.iter().map(Listed::id).collect();
    entries.into_iter().partition(|e| {
        e.duplicate_of()
            .is_none_or(|original| !listed.contains(&original))
    })
}

#[derive(Deserialize)]
struct TopParams {
    limit: Option<usize>,
}

/// `GET /api/top`: one row per event, best first.
async fn top(
    State(st): State<AppState>,
    params: Result<Query<TopParams>, QueryRejection>,
) -> Result<Json<Vec<TopEntry>>, ApiError> {
    let Query(p) = params?;
    let limit = page_size(p.limit, 30)?;
    Ok(Json(top_entries(&st, limit).await?))
}

/// TOP as the API shows it (also what the TOP stream sends).
pub(super) async fn top_entries(st: &AppState, limit: usize) -> Result<Vec<TopEntry>, ApiError> {
    let engine = st.engine.clone();
    let rows = blocking(move || engine.top(limit)).await?;
    Ok(rows
        .into_iter()
        .map(|(row, head)| row.entry(head))
        .collect())
}
