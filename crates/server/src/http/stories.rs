//! Stories: publish (`POST /api/stories`), revise (`PUT`, a correction
//! with `?correction=`), withdraw (`POST …/withdraw`), read one and its
//! history, and bulk import (`POST /api/import`).

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use newsterm_api::{
    ImportReport, LineError, MAX_REJECTED_LISTED, PublishAck, RevisionInfo, Withdrawal,
};
use newsterm_store::{NewRevision, Write};
use newsterm_story::{
    Format, ParsedStory, RevisionKind, RevisionMark, StoryContent, StoryId, Tags, jsonl, lifecycle,
};
use serde::Deserialize;
use time::OffsetDateTime;

use super::events::ReaderKey;
use super::limits::{IMPORT_BODY_LIMIT, STORY_BODY_LIMIT, STORY_READ_LIMIT};
use super::{ApiError, AppState, blocking, idempotency_key};
use crate::engine::{Engine, IngestError};

pub(super) fn routes() -> Router<AppState> {
    let stories = Router::new()
        .route("/api/stories", post(publish))
        .route("/api/stories/{id}", get(get_story).put(revise))
        .layer(DefaultBodyLimit::max(STORY_READ_LIMIT));
    let import = Router::new()
        .route("/api/import", post(import))
        .layer(DefaultBodyLimit::max(IMPORT_BODY_LIMIT));
    Router::new()
        .merge(stories)
        .merge(import)
        .route("/api/stories/{id}/revisions", get(revisions))
        .route("/api/stories/{id}/withdraw", post(withdraw))
}

/// Reads a story body in the form its `Content-Type` names, or the form
/// its content shows when the header is absent.
fn parse_story(headers: &HeaderMap, body: &[u8]) -> Result<ParsedStory, ApiError> {
    let declared = headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or("(not text)").to_string());
    let format = match declared.as_deref() {
        None => Format::detect(body).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unknown_format",
                "cannot tell the story's form: send Content-Type text/markdown or application/json",
            )
        })?,
        Some(ct) => Format::from_content_type(ct).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unknown_format",
                format!(
                    "Content-Type `{}` is not a story form: use text/markdown or application/json (ninjs)",
                    ct.chars().take(80).collect::<String>()
                ),
            )
        })?,
    };
    Ok(format.parse(body, OffsetDateTime::now_utc())?)
}

async fn publish(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<PublishAck>), ApiError> {
    let body = story_body(body)?;
    let key = idempotency_key(&headers)?;
    let stored = match key {
        Some(key) => {
            let (parsed, tags) = parse_and_tag(&st.engine, headers, body).await?;
            ingest_story(&st.engine, Write::New(parsed.content, tags), Some(key)).await?
        }
        None => publish_unkeyed(&st.engine, headers, body).await?,
    };
    match stored {
        Ok(story) => Ok((StatusCode::CREATED, Json(ack(&story, false)))),
        // A publisher retrying a story it already sent gets that story's
        // answer back, and nothing is stored twice.
        Err(IngestError::Repeat(earlier)) => {
            let engine = st.engine.clone();
            let story = blocking(move || engine.reader().latest(earlier))
                .await?
                .ok_or_else(|| ApiError::not_found(format!("story {earlier} does not exist")))?;
            Ok((StatusCode::OK, Json(ack(&story, true))))
        }
        Err(e) => Err(e.into()),
    }
}

/// A publish without an idempotency key: the thread that parses and
/// tags it hands it to the writer itself, and the worker only waits for
/// the answer (one hop fewer than [`parse_and_tag`] then
/// [`ingest_story`]).
async fn publish_unkeyed(
    engine: &Arc<Engine>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Result<Arc<newsterm_story::Story>, IngestError>, ApiError> {
    let tagger = engine.clone();
    let received = std::time::Instant::now();
    let queued = blocking(move || {
        let started = received.elapsed();
        let parsed = parse_story(&headers, &body)?;
        let tags = tagger.tag(&parsed.content);
        tracing::debug!(
            pool_wait_us = started.as_micros() as u64,
            tag_us = (received.elapsed() - started).as_micros() as u64,
            "publish parsed and tagged"
        );
        Ok::<_, ApiError>(tagger.queue_blocking(vec![Write::New(parsed.content, tags)]))
    })
    .await?;
    let mut results = match queued {
        Ok(queued) => queued.answer().await?,
        Err(writes) => engine.ingest(writes).await?,
    };
    results
        .pop()
        .ok_or_else(|| ApiError::internal("store returned no result"))
}

#[derive(Deserialize)]
struct ReviseParams {
    /// Marks the revision a correction, with this note.
    correction: Option<String>,
}

/// `PUT /api/stories/{id}`: a new revision. With `If-Match: "<revision>"`
/// it is stored only if the story is still at that revision (412 when
/// someone revised it first); an id in the story's own header must be
/// the one in the path.
async fn revise(
    State(st): State<AppState>,
    Path(id): Path<String>,
    params: Result<Query<ReviseParams>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(HeaderMap, Json<PublishAck>), ApiError> {
    let Query(params) = params?;
    let id: StoryId = id.parse()?;
    let base = if_match(&headers)?;
    let note = params
        .correction
        .as_deref()
        .map(|n| lifecycle::validate_note("correction", n))
        .transpose()?;
    let body = story_body(body)?;
    let key = idempotency_key(&headers)?;
    let (parsed, tags) = parse_and_tag(&st.engine, headers, body).await?;
    if let Some(named) = parsed.id
        && named != id
    {
        return Err(ApiError::bad_request(
            "id_mismatch",
            format!("the story's header names story {named}, but the path names {id}"),
        ));
    }
    let kind = if note.is_some() {
        RevisionKind::Correction
    } else {
        RevisionKind::Update
    };
    let write = Write::Revision(Box::new(NewRevision {
        mark: RevisionMark {
            kind,
            note,
            ..RevisionMark::default()
        },
        base,
        ..NewRevision::update(id, false, parsed.content, tags)
    }));
    let ack = ingest_one(&st.engine, write, key).await?;
    Ok((revision_tag(ack.revision), Json(ack)))
}

/// The revision an `If-Match` header names (`"3"`; `*` names none).
fn if_match(headers: &HeaderMap) -> Result<Option<u32>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("").trim();
    if text == "*" {
        return Ok(None);
    }
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .and_then(|t| t.parse::<u32>().ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad_request(
                "bad_parameter",
                "If-Match must name a revision in quotes, such as \"3\" (the ETag of GET /api/stories/{id})",
            )
        })
}

/// A revision as an entity tag, for `If-Match` on the next revision.
fn revision_tag(revision: u32) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(v) = format!("\"{revision}\"").parse() {
        headers.insert(header::ETAG, v);
    }
    headers
}

/// `POST /api/stories/{id}/withdraw` with `{"reason": …}`: the story is
/// killed. Its history keeps it, with the reason; search, TOP, READ and
/// feeds drop it; every subscriber gets an `event: withdrawn`.
async fn withdraw(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<Withdrawal>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<PublishAck>, ApiError> {
    let id: StoryId = id.parse()?;
    let key = idempotency_key(&headers)?;
    let Json(w) = body?;
    let reason = lifecycle::validate_note("reason", &w.reason)?;
    Ok(Json(
        ingest_one(&st.engine, Write::Withdraw { id, reason }, key).await?,
    ))
}

fn story_body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    let body = body.map_err(|e| ApiError::body(e, STORY_BODY_LIMIT))?;
    if body.len() > STORY_BODY_LIMIT {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!(
                "request body is {} bytes, over the limit of {STORY_BODY_LIMIT} bytes",
                body.len()
            ),
        ));
    }
    Ok(body)
}

/// Parsing, schema validation and tagging are CPU work: they run on the
/// blocking pool so they never stall the connections sharing this worker.
async fn parse_and_tag(
    engine: &Arc<Engine>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(ParsedStory, Tags), ApiError> {
    let engine = engine.clone();
    blocking(move || {
        let parsed = parse_story(&headers, &body)?;
        let tags = engine.tag(&parsed.content);
        Ok::<_, ApiError>((parsed, tags))
    })
    .await
}

/// Stores one write: the outer error when nothing could be stored, the
/// inner one when this write was refused. A publisher's idempotency key
/// makes a repeat of the request answer what the first one made.
async fn ingest_story(
    engine: &Engine,
    write: Write,
    key: Option<String>,
) -> Result<Result<Arc<newsterm_story::Story>, IngestError>, ApiError> {
    let mut results = engine.ingest_keyed(vec![write], key.as_deref()).await?;
    results
        .pop()
        .ok_or_else(|| ApiError::internal("store returned no result"))
}

async fn ingest_one(
    engine: &Engine,
    write: Write,
    key: Option<String>,
) -> Result<PublishAck, ApiError> {
    let story = ingest_story(engine, write, key).await??;
    Ok(ack(&story, false))
}

fn ack(story: &newsterm_story::Story, repeat: bool) -> PublishAck {
    PublishAck {
        id: story.id,
        revision: story.revision,
        seq: story.seq,
        repeat,
    }
}

#[derive(Deserialize)]
struct StoryParams {
    rev: Option<u32>,
    format: Option<String>,
}

/// `GET /api/stories/{id}`: a story, whole. Reading its latest revision
/// is an open READ counts.
async fn get_story(
    State(st): State<AppState>,
    Path(id): Path<String>,
    reader: ReaderKey,
    params: Result<Query<StoryParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params?;
    let id: StoryId = id.parse()?;
    let format = params
        .format
        .as_deref()
        .filter(|f| !f.eq_ignore_ascii_case("json"))
        .map(str::parse::<Format>)
        .transpose()?;
    let engine = st.engine.clone();
    let story = blocking(move || match params.rev {
        Some(rev) => engine.reader().revision(id, rev),
        None => engine.reader().latest(id),
    })
    .await?;
    let story = story.ok_or_else(|| match params.rev {
        Some(rev) => ApiError::not_found(format!("story {id} has no revision {rev}")),
        None => ApiError::not_found(format!("story {id} does not exist")),
    })?;
    let etag = revision_tag(story.revision);
    if params.rev.is_none() && !story.is_withdrawn() {
        st.engine.readership().open(
            story.id,
            story.mark.event,
            &reader.0,
            OffsetDateTime::now_utc(),
        );
    }
    Ok(match format {
        None => (etag, Json(story)).into_response(),
        Some(f) => (
            etag,
            [(header::CONTENT_TYPE, f.content_type())],
            f.render(&story),
        )
            .into_response(),
    })
}

async fn revisions(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<RevisionInfo>>, ApiError> {
    let id: StoryId = id.parse()?;
    let engine = st.engine.clone();
    let revs = blocking(move || engine.reader().revisions(id)).await?;
    if revs.is_empty() {
        return Err(ApiError::not_found(format!("story {id} does not exist")));
    }
    Ok(Json(
        revs.into_iter()
            .map(|r| RevisionInfo {
                revision: r.revision,
                seq: r.seq,
                headline: r.headline,
                received: r.received,
            })
            .collect(),
    ))
}

#[derive(Deserialize)]
struct ImportParams {
    /// `tag=false` stores the stories untagged, for loading an archive
    /// fast and tagging it afterwards with `newsterm reindex --retag`.
    tag: Option<bool>,
}

/// Bulk import: one JSON object a line. Lines that fail are reported
/// with their line number; every other line is stored, in order, in
/// durable transactions of a slice each (publishes are stored between
/// slices). Tagging and storing overlap: while the writer stores one
/// part of the import, the next part is tagged on the other cores.
/// Should the store fail part-way (a full disk), the lines stored before
/// are reported imported and the rest rejected with the store's error;
/// should it fail before storing anything, the request fails with that
/// error.
async fn import(
    State(st): State<AppState>,
    params: Result<Query<ImportParams>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ImportReport>, ApiError> {
    let Query(p) = params?;
    let key = idempotency_key(&headers)?;
    let tag = p.tag.unwrap_or(true);
    let body = body.map_err(|e| ApiError::body(e, IMPORT_BODY_LIMIT))?;
    let parsed = blocking(move || Ok::<_, ApiError>(parse_import(&body))).await?;
    let ParsedImport {
        lines,
        contents,
        mut rejected,
        mut rejected_total,
    } = parsed;
    let keys = crate::engine::write_keys(key.as_deref(), contents.len());
    let all_lines = lines.clone();
    let stories: Vec<Pending> = lines
        .into_iter()
        .zip(contents)
        .zip(keys)
        .map(|((line, content), key)| Pending { line, content, key })
        .collect();
    let mut parts = tag_in_parts(st.engine.clone(), stories, tag);
    let mut report = ImportReport::default();
    let mut failed: Option<(IngestError, Vec<u64>)> = None;
    let mut received = 0;
    while let Some(part) = parts.recv().await {
        received += part.len();
        let mut lines = Vec::with_capacity(part.len());
        let mut writes = Vec::with_capacity(part.len());
        for (story, tags) in part {
            match tags {
                Some(tags) => {
                    lines.push(story.line);
                    writes.push((Write::New(story.content, tags), story.key));
                }
                None => {
                    rejected_total += 1;
                    rejected.push(LineError {
                        line: story.line,
                        error: "tagging failed on this story; it was not stored".into(),
                    });
                }
            }
        }
        if writes.is_empty() {
            continue;
        }
        match st.engine.ingest_with_keys(writes).await {
            Ok(results) => {
                let mut stopped = None;
                for (line, result) in lines.into_iter().zip(results) {
                    match result {
                        Ok(story) => {
                            report.imported += 1;
                            report.first_seq.get_or_insert(story.seq);
                            report.last_seq = Some(story.seq);
                        }
                        Err(e) => {
                            if !e.refused_alone() && stopped.is_none() {
                                stopped = Some(e.clone());
                            }
                            rejected_total += 1;
                            rejected.push(LineError {
                                line,
                                error: e.to_string(),
                            });
                        }
                    }
                }
                // The store stopped part-way through this part (a full
                // disk): the parts after it are not stored either, so the
                // import stays the lines before the failure, with no hole.
                if let Some(e) = stopped {
                    failed = Some((e, all_lines.get(received..).unwrap_or_default().to_vec()));
                    break;
                }
            }
            // Nothing more is stored: the lines of this part and of those
            // not yet tagged are refused, and the tagging stops as the
            // parts are dropped.
            Err(e) => {
                lines.extend(all_lines.get(received..).unwrap_or_default());
                failed = Some((e, lines));
                break;
            }
        }
    }
    drop(parts);
    if let Some((e, lines)) = failed {
        if report.imported == 0 {
            return Err(e.into());
        }
        let error = e.to_string();
        rejected_total += lines.len() as u64;
        rejected.extend(lines.into_iter().map(|line| LineError {
            line,
            error: error.clone(),
        }));
    }
    rejected.sort_by_key(|e| e.line);
    rejected.truncate(MAX_REJECTED_LISTED);
    report.rejected_total = rejected_total;
    report.rejected = rejected;
    Ok(Json(report))
}

/// The lines of an import that parsed, with their line numbers, in the
/// body's order, the first bad lines with their reasons, and how many
/// lines were bad in all. Only the first reasons are kept, so a body of a
/// million bad lines costs no more memory than one of a hundred.
struct ParsedImport {
    lines: Vec<u64>,
    contents: Vec<StoryContent>,
    rejected: Vec<LineError>,
    rejected_total: u64,
}

fn parse_import(body: &[u8]) -> ParsedImport {
    let now = OffsetDateTime::now_utc();
    let mut parsed = ParsedImport {
        lines: Vec::new(),
        contents: Vec::new(),
        rejected: Vec::new(),
        rejected_total: 0,
    };
    for (i, raw) in body.split(|&b| b == b'\n').enumerate() {
        let line = i as u64 + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let content = std::str::from_utf8(raw)
            .map_err(|e| format!("invalid UTF-8 at byte {}", e.valid_up_to()))
            .and_then(|text| {
                jsonl::parse_line(text, now)
                    .map(|p| p.content)
                    .map_err(|e| e.to_string())
            });
        match content {
            Ok(content) => {
                parsed.lines.push(line);
                parsed.contents.push(content);
            }
            Err(error) => {
                parsed.rejected_total += 1;
                if parsed.rejected.len() < MAX_REJECTED_LISTED {
                    parsed.rejected.push(LineError { line, error });
                }
            }
        }
    }
    parsed
}

/// A parsed line of an import on its way to the tagger.
struct Pending {
    line: u64,
    content: StoryContent,
    key: Option<String>,
}

/// Stories of an import tagged this many at a time: small enough that
/// the writer is soon given work and the cores are not left idle at the
/// start and end of each request, large enough that each part's tagging
/// threads are worth starting.
const TAGGED_PART: usize = 64;

/// Tags `stories` a part at a time on a blocking thread, handing each
/// part on as soon as it is tagged, in order; the next part is tagged
/// while the one before is stored. Untagged imports go on as one part.
/// Each story comes with its tags, or none when the tagger failed on it.
/// At most one part waits tagged ahead of the store, and tagging stops
/// when the receiver is dropped.
fn tag_in_parts(
    engine: Arc<Engine>,
    stories: Vec<Pending>,
    tag: bool,
) -> tokio::sync::mpsc::Receiver<Vec<(Pending, Option<Tags>)>> {
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    tokio::task::spawn_blocking(move || {
        let part_len = if tag {
            TAGGED_PART
        } else {
            stories.len().max(1)
        };
        let mut stories = stories.into_iter().peekable();
        while stories.peek().is_some() {
            let part: Vec<Pending> = stories.by_ref().take(part_len).collect();
            let tags = if tag {
                let contents: Vec<&StoryContent> = part.iter().map(|p| &p.content).collect();
                tag_all(&contents, |c| engine.tag(c))
            } else {
                vec![Some(Tags::default()); part.len()]
            };
            if tx
                .blocking_send(part.into_iter().zip(tags).collect())
                .is_err()
            {
                break;
            }
        }
    });
    rx
}

/// Tags every story, split across the machine's cores; the tags come back
/// in the stories' order, one per story: none for a story the tagger
/// failed on (a bug in it), which must not take the other stories with
/// it, nor attach one story's tags to another.
fn tag_all(
    contents: &[&StoryContent],
    tag: impl Fn(&StoryContent) -> Tags + Sync,
) -> Vec<Option<Tags>> {
    // A bulk import's tagging yields to publishes.
    crate::engine::background::map_in_background(contents, |c| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| tag(c))).ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents(n: usize) -> Vec<StoryContent> {
        (0..n)
            .map(|i| {
                jsonl::parse_line(
                    &format!(r#"{{"title":"Story {i}","body":"Text {i}."}}"#),
                    OffsetDateTime::now_utc(),
                )
                .map(|p| p.content)
                .expect("a valid line")
            })
            .collect()
    }

    /// The tags of story *i* name *i*, so a shift would show.
    fn numbered(c: &StoryContent) -> Tags {
        Tags {
            language: c.headline.clone(),
            ..Tags::default()
        }
    }

    #[test]
    fn tags_come_back_in_story_order() {
        let stories = contents(9);
        let refs: Vec<&StoryContent> = stories.iter().collect();
        let tags = tag_all(&refs, numbered);
        let got: Vec<Option<&str>> = tags
            .iter()
            .map(|t| t.as_ref().map(|t| t.language.as_str()))
            .collect();
        let want: Vec<Option<&str>> = stories.iter().map(|c| Some(c.headline.as_str())).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_panic_while_tagging_loses_only_that_story() {
        let stories = contents(9);
        let refs: Vec<&StoryContent> = stories.iter().collect();
        let tags = tag_all(&refs, |c| {
            assert!(c.headline != "Story 1", "tagger bug");
            numbered(c)
        });
        let got: Vec<Option<&str>> = tags
            .iter()
            .map(|t| t.as_ref().map(|t| t.language.as_str()))
            .collect();
        let want: Vec<Option<&str>> = stories
            .iter()
            .map(|c| (c.headline != "Story 1").then_some(c.headline.as_str()))
            .collect();
        assert_eq!(
            got, want,
            "the failed story has no tags, the others their own"
        );
    }
}
