//! The latest headlines (`GET /api/headlines`), copies folded into the
//! story they repeat, and TOP (`GET /api/top`), one row per event.

use axum::Json;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use newsterm_api::{Headline, TopEntry};
use newsterm_story::Story;
use serde::Deserialize;

use super::search::optional_query;
use super::{ApiError, AppState, blocking, page_size};
use crate::engine::Engine;

/// How many of a filtered list's newest matches are read for each row it
/// shows: other sources' copies fold into the row of the story they
/// repeat, so a page needs more matches than rows.
const FOLD_ROOM: usize = 4;

/// The most matches a filtered headline list reads from the store.
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
    let engine = st.engine.clone();
    let stories = blocking(move || -> Result<Vec<Story>, ApiError> {
        let Some(query) = matcher else {
            return Ok(engine.reader().recent(limit)?);
        };
        // The index finds the newest matches however deep in the archive
        // they are (scanning the newest stories would miss older ones and
        // read thousands that do not match); staged stories are in it too.
        let mut found = newest_matching(
            &engine,
            &query,
            limit.saturating_mul(FOLD_ROOM).min(MATCHES_READ),
        )?;
        // Newest revision first, as the unfiltered list and the live
        // stream order them (a revised story moves up).
        found.sort_by_key(|s| std::cmp::Reverse(s.seq));
        Ok(found)
    })
    .await?;
    let rows = if p.fold.unwrap_or(true) {
        fold(stories.iter(), limit)
    } else {
        stories.iter().take(limit).map(Headline::of).collect()
    };
    Ok(Json(rows))
}

/// The latest revisions of the newest `limit` stories matching `query`
/// (newest published first), found through the index, staged stories
/// included, and read from the store.
pub(super) fn newest_matching(
    engine: &Engine,
    query: &newsterm_query::Query,
    limit: usize,
) -> Result<Vec<Story>, ApiError> {
    let ids = engine.index().latest_ids(query, limit)?;
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(story) = engine.reader().latest(id)? {
            found.push(story);
        }
    }
    Ok(found)
}

/// Headlines with each copy folded into the row of the story it repeats
/// when that story is listed too (its source joins `carried_by`), newest
/// first, at most `limit` rows.
fn fold<'a>(stories: impl Iterator<Item = &'a Story>, limit: usize) -> Vec<Headline> {
    let (originals, copies) = split_copies(stories);
    let mut rows: Vec<Headline> = originals.into_iter().map(Headline::of).collect();
    rows.truncate(limit);
    // Oldest copy first, as the sources carried it.
    for copy in copies.into_iter().rev() {
        if let Some(row) = rows
            .iter_mut()
            .find(|r| Some(r.id) == copy.mark.duplicate_of)
        {
            row.carried_by
                .push(copy.content.source.clone().unwrap_or_else(|| "?".into()));
        }
    }
    rows
}

/// Splits a list into the stories that get rows of their own and the
/// copies of stories listed too (which fold into those rows), each part
/// in the list's order. A copy whose original is not listed keeps a row.
pub(super) fn split_copies<'a>(
    stories: impl IntoIterator<Item = &'a Story>,
) -> (Vec<&'a Story>, Vec<&'a Story>) {
    let stories: Vec<&Story> = stories.into_iter().collect();
    let listed: std::collections::HashSet<newsterm_story::StoryId> =
        stories.iter().map(|s| s.id).collect();
    stories.into_iter().partition(|s| {
        s.mark
            .duplicate_of
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
    Ok(rows.iter().map(|(row, story)| row.entry(story)).collect())
}
