//! What the web terminal draws rather than lists: volume over time
//! (`GET /api/volume`), the places in the news (`GET /api/places`) and
//! the names moving now (`GET /api/moving`).

use axum::Json;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use newsterm_api::{Moving, Places, Volume, VolumeBucket};
use serde::Deserialize;
use time::{Duration, OffsetDateTime};

use super::{ApiError, AppState, blocking};

/// Stories a map looks through unless told otherwise, and at most.
const PLACE_STORIES: usize = 500;
const MAX_PLACE_STORIES: usize = 1_000;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/volume", get(volume))
        .route("/api/places", get(places))
        .route("/api/moving", get(moving))
}

fn time_param(name: &str, value: Option<&str>) -> Result<Option<OffsetDateTime>, ApiError> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            newsterm_story::parse_time(v)
                .map_err(|e| ApiError::bad_request("bad_parameter", format!("{name} {e}")))
        })
        .transpose()
}

/// `30m`, `6h`, `2d` as a duration.
fn duration_param(
    name: &str,
    value: Option<&str>,
    default: Duration,
) -> Result<Duration, ApiError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(default);
    };
    let bad = || {
        ApiError::bad_request(
            "bad_parameter",
            format!(
                "{name} `{}` is not a duration such as 30m, 6h or 2d",
                v.chars().take(40).collect::<String>()
            ),
        )
    };
    let split = v.len() - v.chars().last().map_or(0, char::len_utf8);
    let n: i64 = v[..split].parse().map_err(|_| bad())?;
    let unit = match &v[split..] {
        "m" => Duration::minutes(1),
        "h" => Duration::hours(1),
        "d" => Duration::days(1),
        _ => return Err(bad()),
    };
    if !(1..=100_000).contains(&n) {
        return Err(bad());
    }
    Ok(unit * n as i32)
}

#[derive(Deserialize)]
struct VolumeParams {
    #[serde(default)]
    q: String,
    bucket: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// Stories matching `q` per hour or day. Defaults: `bucket=hour`, `to`
/// now, `from` 48 hours (hourly) or 30 days (daily) before `to`.
async fn volume(
    State(st): State<AppState>,
    params: Result<Query<VolumeParams>, QueryRejection>,
) -> Result<Json<Volume>, ApiError> {
    let Query(p) = params?;
    let bucket = match p.bucket.as_deref().map(str::trim) {
        None | Some("") | Some("hour") => VolumeBucket::Hour,
        Some("day") => VolumeBucket::Day,
        Some(other) => {
            return Err(ApiError::bad_request(
                "bad_parameter",
                format!(
                    "bucket `{}` is not hour or day",
                    other.chars().take(40).collect::<String>()
                ),
            ));
        }
    };
    let query = newsterm_query::parse(&p.q)?;
    let to = time_param("to", p.to.as_deref())?.unwrap_or_else(OffsetDateTime::now_utc);
    let from = time_param("from", p.from.as_deref())?.unwrap_or_else(|| match bucket {
        VolumeBucket::Hour => to - Duration::hours(48),
        VolumeBucket::Day => to - Duration::days(30),
    });
    let engine = st.engine.clone();
    let volume = blocking(move || engine.volume(&p.q, &query, bucket, from, to)).await?;
    Ok(Json(volume))
}

#[derive(Deserialize)]
struct PlaceParams {
    q: Option<String>,
    since: Option<String>,
    limit: Option<usize>,
}

/// The places in the newest stories matching `q` (all stories when
/// absent), published since `since` when given; `limit` stories at most.
async fn places(
    State(st): State<AppState>,
    params: Result<Query<PlaceParams>, QueryRejection>,
) -> Result<Json<Places>, ApiError> {
    let Query(p) = params?;
    let query = newsterm_query::parse(p.q.as_deref().unwrap_or(""))?;
    let since = time_param("since", p.since.as_deref())?;
    let stories = p.limit.unwrap_or(PLACE_STORIES).clamp(1, MAX_PLACE_STORIES);
    let engine = st.engine.clone();
    Ok(Json(
        blocking(move || engine.places(&query, since, stories)).await?,
    ))
}

#[derive(Deserialize)]
struct MovingParams {
    window: Option<String>,
    baseline: Option<String>,
    limit: Option<usize>,
}

/// Topics and names rising fastest: mentions in the last `window`
/// (default 1h) against their rate over the `baseline` (default 24h).
async fn moving(
    State(st): State<AppState>,
    params: Result<Query<MovingParams>, QueryRejection>,
) -> Result<Json<Moving>, ApiError> {
    let Query(p) = params?;
    let window = duration_param("window", p.window.as_deref(), Duration::hours(1))?;
    let baseline = duration_param("baseline", p.baseline.as_deref(), Duration::hours(24))?;
    let limit = p.limit.unwrap_or(12).clamp(1, 100);
    let engine = st.engine.clone();
    let now = OffsetDateTime::now_utc();
    let entities = blocking(move || engine.moving(now, window, baseline, limit)).await?;
    Ok(Json(Moving {
        window_minutes: window.whole_minutes().unsigned_abs(),
        baseline_minutes: baseline.whole_minutes().unsigned_abs(),
        entities,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_minutes_hours_and_days_and_refuse_the_rest() {
        let d = |v| duration_param("window", Some(v), Duration::ZERO);
        assert_eq!(d("30m").unwrap(), Duration::minutes(30));
        assert_eq!(d("6h").unwrap(), Duration::hours(6));
        assert_eq!(d("2d").unwrap(), Duration::days(2));
        assert_eq!(
            duration_param("window", None, Duration::hours(1)).unwrap(),
            Duration::hours(1)
        );
        for bad in ["", "h", "5", "5w", "-1h", "0m", "1.5h", "3é"] {
            if bad.is_empty() {
                continue;
            }
            let e = d(bad).expect_err(bad);
            assert_eq!(e.status, 400, "{bad}");
            assert!(e.message.contains("window"), "{bad}: {}", e.message);
        }
    }
}
