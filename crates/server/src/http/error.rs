//! Every failure a request can meet, as the HTTP status and the
//! `{"error":{"code","message"}}` body a client sees. The status always
//! comes from the error's variant, never from its text.

use axum::Json;
use axum::extract::rejection::{BytesRejection, JsonRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use newsterm_accounts::AuthError;
use newsterm_alert::AlertError;
use newsterm_api::{ErrorBody, ErrorDetail};
use newsterm_feed::{FeedError, FetchError, PollError, SinkError, SourcesError};
use newsterm_search::SearchError;
use newsterm_story::StoryError;

use super::access::GateError;
use crate::engine::{AggregateError, IngestError};

/// An error answer: a status, a stable code and a message in words.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds to wait before trying again (`Retry-After`), for 429 and
    /// 503 answers that know it.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    /// A request body axum could not read, most often one over `limit`.
    pub fn body(e: BytesRejection, limit: usize) -> Self {
        let status = e.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                status,
                "body_too_large",
                format!("request body is larger than the limit of {limit} bytes"),
            )
        } else {
            ApiError::new(status, "bad_body", e.body_text())
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message,
            },
        };
        let mut res = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"newsterm\""),
            );
        }
        res
    }
}

impl From<GateError> for ApiError {
    fn from(e: GateError) -> Self {
        use StatusCode as S;
        let (status, code, retry_after) = match &e {
            GateError::NoUsers => (S::FORBIDDEN, "no_users", None),
            GateError::LocalMode => (S::CONFLICT, "local_mode", None),
            GateError::NoCredential(_) => (S::UNAUTHORIZED, "unauthorized", None),
            GateError::MissingScope { .. } => (S::FORBIDDEN, "forbidden", None),
            GateError::MalformedAuthorization => (S::UNAUTHORIZED, "invalid_token", None),
            GateError::Credential(AuthError::InvalidToken) => {
                (S::UNAUTHORIZED, "invalid_token", None)
            }
            GateError::Credential(AuthError::ExpiredToken) => {
                (S::UNAUTHORIZED, "expired_token", None)
            }
            GateError::Credential(AuthError::InvalidSession) => {
                (S::UNAUTHORIZED, "invalid_session", None)
            }
            GateError::Credential(AuthError::WrongPassword) => {
                (S::UNAUTHORIZED, "wrong_password", None)
            }
            GateError::Credential(AuthError::Accounts(_)) | GateError::Accounts(_) => {
                (S::INTERNAL_SERVER_ERROR, "internal", None)
            }
            GateError::Csrf => (S::FORBIDDEN, "csrf", None),
            GateError::WrongHost { .. } => (S::MISDIRECTED_REQUEST, "wrong_host", None),
            GateError::WrongOrigin(_) => (S::FORBIDDEN, "wrong_origin", None),
            GateError::BodyTooLarge { .. } => (S::PAYLOAD_TOO_LARGE, "body_too_large", None),
            GateError::RateLimited { retry_after, .. } => {
                (S::TOO_MANY_REQUESTS, "rate_limited", Some(*retry_after))
            }
            GateError::TooManyStreams { retry_after, .. } => (
                S::SERVICE_UNAVAILABLE,
                "too_many_streams",
                Some(*retry_after),
            ),
            GateError::Timeout(_) => (S::REQUEST_TIMEOUT, "timeout", None),
        };
        if status == S::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %e, "accounts failed");
        }
        ApiError {
            retry_after,
            ..ApiError::new(status, code, e.to_string())
        }
    }
}

impl From<StoryError> for ApiError {
    fn from(e: StoryError) -> Self {
        let status = match e {
            StoryError::UnknownFormat(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            StoryError::Invalid(_)
            | StoryError::Malformed { .. }
            | StoryError::Schema { .. }
            | StoryError::InvalidId(_) => StatusCode::BAD_REQUEST,
        };
        ApiError::new(status, e.code(), e.to_string())
    }
}

impl From<IngestError> for ApiError {
    fn from(e: IngestError) -> Self {
        let (status, code) = match e {
            IngestError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            IngestError::Stale { .. } => (StatusCode::PRECONDITION_FAILED, "stale_revision"),
            IngestError::Withdrawn(_) => (StatusCode::CONFLICT, "withdrawn"),
            IngestError::Repeat(_) => (StatusCode::CONFLICT, "repeat"),
            IngestError::DiskFull => (StatusCode::INSUFFICIENT_STORAGE, "disk_full"),
            IngestError::ShuttingDown => (StatusCode::SERVICE_UNAVAILABLE, "shutting_down"),
            IngestError::Store(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            IngestError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "cluster_unavailable"),
        };
        ApiError::new(status, code, e.to_string())
    }
}

impl From<newsterm_store::StoreError> for ApiError {
    fn from(e: newsterm_store::StoreError) -> Self {
        ApiError::from(IngestError::from(e))
    }
}

impl From<newsterm_query::QueryError> for ApiError {
    fn from(e: newsterm_query::QueryError) -> Self {
        ApiError::bad_request("invalid_query", e.to_string())
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::InvalidCursor(_) => ApiError::bad_request("bad_parameter", e.to_string()),
            SearchError::SchemaMismatch { .. }
            | SearchError::Io { .. }
            | SearchError::Index(_)
            | SearchError::Damaged(_)
            | SearchError::Texts(_) => ApiError::internal(format!("search failed: {e}")),
        }
    }
}

impl From<AlertError> for ApiError {
    fn from(e: AlertError) -> Self {
        let status = match e {
            AlertError::InvalidName(_)
            | AlertError::InvalidQuery(_)
            | AlertError::InvalidWebhook(_)
            | AlertError::InvalidId(_) => StatusCode::BAD_REQUEST,
            AlertError::Storage(_) | AlertError::Open { .. } | AlertError::Damaged(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        ApiError::new(status, e.code(), e.to_string())
    }
}

impl From<crate::shared::RecordsError> for ApiError {
    fn from(e: crate::shared::RecordsError) -> Self {
        use crate::shared::RecordsError;
        match e {
            RecordsError::Alert(e) => e.into(),
            RecordsError::Sources(e) => e.into(),
            // The cluster's bucket did not take the change: nothing was
            // made, and trying again later may work.
            RecordsError::Cluster(_) | RecordsError::Raced => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "cluster_unavailable",
                e.to_string(),
            ),
            RecordsError::Accounts(_) | RecordsError::ClusterFile { .. } => {
                ApiError::internal(e.to_string())
            }
        }
    }
}

impl From<SourcesError> for ApiError {
    fn from(e: SourcesError) -> Self {
        let (status, code) = match e {
            SourcesError::DuplicateUrl { .. } => (StatusCode::CONFLICT, "duplicate_source"),
            SourcesError::UnknownId(_) => (StatusCode::NOT_FOUND, "not_found"),
            SourcesError::BadUrl(_) => (StatusCode::BAD_REQUEST, "bad_url"),
            SourcesError::BadName(_) => (StatusCode::BAD_REQUEST, "bad_name"),
            SourcesError::Database { .. } | SourcesError::Open(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        };
        ApiError::new(status, code, e.to_string())
    }
}

impl From<FetchError> for ApiError {
    fn from(e: FetchError) -> Self {
        let (status, code) = match e {
            FetchError::BadUrl(_) => (StatusCode::BAD_REQUEST, "bad_url"),
            FetchError::Status { .. }
            | FetchError::Timeout { .. }
            | FetchError::Stalled { .. }
            | FetchError::TooManyRedirects { .. }
            | FetchError::TooLarge { .. }
            | FetchError::Unreachable { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "bad_feed"),
            FetchError::Client(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        ApiError::new(status, code, e.to_string())
    }
}

impl From<FeedError> for ApiError {
    fn from(e: FeedError) -> Self {
        let status = match e {
            FeedError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            FeedError::EntityDeclarations
            | FeedError::Encoding(_)
            | FeedError::Malformed(_)
            | FeedError::NotAFeed(_)
            | FeedError::Read { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, "bad_feed", e.to_string())
    }
}

impl From<SinkError> for ApiError {
    fn from(e: SinkError) -> Self {
        ApiError::from(match e {
            SinkError::StoryGone(id) => IngestError::NotFound(id),
            SinkError::DiskFull => IngestError::DiskFull,
            SinkError::ShuttingDown => IngestError::ShuttingDown,
            SinkError::Store(message) => IngestError::Store(message),
        })
    }
}

impl From<PollError> for ApiError {
    fn from(e: PollError) -> Self {
        match e {
            PollError::Fetch(e) => e.into(),
            PollError::Feed(e) => e.into(),
            PollError::Sink(e) => e.into(),
            PollError::Sources(e) => e.into(),
            other @ PollError::Elsewhere(_) => {
                ApiError::new(StatusCode::CONFLICT, "polled_elsewhere", other.to_string())
            }
            other @ PollError::Internal(_) => ApiError::internal(other.to_string()),
        }
    }
}

impl From<AggregateError> for ApiError {
    fn from(e: AggregateError) -> Self {
        match e {
            AggregateError::Search(e) => e.into(),
            AggregateError::Store(e) => e.into(),
            AggregateError::Range(message) => ApiError::bad_request("bad_parameter", message),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(e: QueryRejection) -> Self {
        ApiError::bad_request("bad_parameter", e.body_text())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(e: JsonRejection) -> Self {
        ApiError::bad_request("bad_body", e.body_text())
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::Duration;

    use newsterm_alert::AlertId;
    use newsterm_feed::SourceId;
    use newsterm_story::StoryId;

    use super::*;

    fn status(e: impl Into<ApiError>) -> u16 {
        e.into().status.as_u16()
    }

    fn sqlite_error() -> rusqlite::Error {
        rusqlite::Error::InvalidQuery
    }

    #[test]
    fn every_engine_error_has_its_status() {
        let id = StoryId::new();
        assert_eq!(status(IngestError::NotFound(id)), 404);
        let stale = IngestError::Stale {
            id,
            expected: 1,
            latest: 2,
        };
        assert_eq!(status(stale), 412);
        assert_eq!(status(IngestError::DiskFull), 507);
        assert_eq!(status(IngestError::ShuttingDown), 503);
        assert_eq!(status(IngestError::Store("x".into())), 500);
        assert_eq!(status(IngestError::Unavailable("no quorum".into())), 503);
        assert_eq!(status(newsterm_store::StoreError::DiskFull), 507);
    }

    #[test]
    fn every_gate_error_has_its_status() {
        use newsterm_accounts::{AccountsError, Scope};
        let cases = [
            (GateError::NoUsers, 403),
            (GateError::LocalMode, 409),
            (GateError::NoCredential(Some(Scope::Publish)), 401),
            (GateError::NoCredential(None), 401),
            (
                GateError::MissingScope {
                    scope: Scope::Publish,
                    user: "bo".into(),
                    role: "reader".into(),
                    by: "token",
                },
                403,
            ),
            (GateError::MalformedAuthorization, 401),
            (GateError::Credential(AuthError::InvalidToken), 401),
            (GateError::Credential(AuthError::ExpiredToken), 401),
            (GateError::Credential(AuthError::InvalidSession), 401),
            (GateError::Credential(AuthError::WrongPassword), 401),
            (
                GateError::Credential(AuthError::Accounts(AccountsError::Random("x".into()))),
                500,
            ),
            (GateError::Accounts(AccountsError::Random("x".into())), 500),
            (GateError::Csrf, 403),
            (
                GateError::WrongHost {
                    got: "evil.example".into(),
                    want: "localhost:1".into(),
                },
                421,
            ),
            (GateError::WrongOrigin("https://evil.example".into()), 403),
            (
                GateError::BodyTooLarge {
                    declared: 2,
                    limit: 1,
                },
                413,
            ),
            (
                GateError::RateLimited {
                    what: "writes",
                    retry_after: 3,
                },
                429,
            ),
            (
                GateError::TooManyStreams {
                    scope: "server",
                    limit: 1,
                    retry_after: 5,
                },
                503,
            ),
            (GateError::Timeout(60), 408),
        ];
        for (e, want) in cases {
            let text = e.to_string();
            let api = ApiError::from(e);
            assert_eq!(api.status.as_u16(), want, "{text}");
            let res = api.into_response();
            if want == 429 || want == 503 {
                assert!(res.headers().contains_key(header::RETRY_AFTER), "{text}");
            }
            if want == 401 {
                assert!(
                    res.headers().contains_key(header::WWW_AUTHENTICATE),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn every_story_error_has_its_status() {
        assert_eq!(status(StoryError::field("headline", "is empty")), 400);
        let malformed = StoryError::Malformed {
            format: "JSON",
            message: "x".into(),
            line: None,
            column: None,
        };
        assert_eq!(status(malformed), 400);
        let schema = StoryError::Schema {
            version: "2.1".into(),
            errors: vec![],
        };
        assert_eq!(status(schema), 400);
        assert_eq!(status(StoryError::UnknownFormat("x".into())), 415);
        assert_eq!(status(StoryError::InvalidId("x".into())), 400);
    }

    #[test]
    fn every_search_error_has_its_status() {
        assert_eq!(status(SearchError::InvalidCursor("x".into())), 400);
        let path = PathBuf::from("index");
        assert_eq!(
            status(SearchError::SchemaMismatch { path: path.clone() }),
            500
        );
        let io = std::io::Error::other("x");
        assert_eq!(status(SearchError::Io { path, source: io }), 500);
        assert_eq!(status(SearchError::Damaged("x".into())), 500);
        assert_eq!(status(SearchError::Texts("x".into())), 500);
        let query = newsterm_query::parse("(").expect_err("unbalanced");
        assert_eq!(status(query), 400);
    }

    #[test]
    fn every_aggregate_error_has_its_status() {
        assert_eq!(status(AggregateError::Range("x".into())), 400);
        let cursor = SearchError::InvalidCursor("x".into());
        assert_eq!(status(AggregateError::Search(cursor)), 400);
        assert_eq!(
            status(AggregateError::Search(SearchError::Damaged("x".into()))),
            500
        );
        assert_eq!(
            status(AggregateError::Store(newsterm_store::StoreError::DiskFull)),
            507
        );
    }

    #[test]
    fn every_alert_error_has_its_status() {
        assert_eq!(status(AlertError::InvalidName("x".into())), 400);
        let query = newsterm_query::parse("(").expect_err("unbalanced");
        assert_eq!(status(AlertError::InvalidQuery(query)), 400);
        assert_eq!(status(AlertError::InvalidWebhook("x".into())), 400);
        assert_eq!(status(AlertError::InvalidId("x".into())), 400);
        assert_eq!(status(AlertError::Storage(sqlite_error())), 500);
        assert_eq!(status(AlertError::from(unopenable("alerts.db"))), 500);
        assert_eq!(status(AlertError::Damaged("x".into())), 500);
        assert_eq!(AlertId(1).0, 1);
    }

    #[test]
    fn every_source_error_has_its_status() {
        let duplicate = SourcesError::DuplicateUrl {
            url: "https://example.org/".into(),
            id: SourceId(1),
        };
        assert_eq!(status(duplicate), 409);
        assert_eq!(status(SourcesError::UnknownId(SourceId(9))), 404);
        assert_eq!(status(SourcesError::BadUrl("http://".into())), 400);
        assert_eq!(status(SourcesError::BadName("x".into())), 400);
        let db = SourcesError::Database {
            path: PathBuf::from("sources.db"),
            message: "x".into(),
        };
        assert_eq!(status(db), 500);
        assert_eq!(status(SourcesError::from(unopenable("sources.db"))), 500);
    }

    /// A database file that could not be created.
    fn unopenable(file: &str) -> newsterm_sqlite::OpenError {
        newsterm_sqlite::OpenError::Create {
            name: "test",
            path: PathBuf::from(file),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        }
    }

    #[test]
    fn every_feed_error_has_its_status() {
        let url = || "https://example.org/feed".to_string();
        let after = Duration::from_secs(20);
        assert_eq!(status(FetchError::BadUrl(url())), 400);
        for e in [
            FetchError::Status {
                status: 500,
                url: url(),
            },
            FetchError::Timeout { after, url: url() },
            FetchError::Stalled { after, url: url() },
            FetchError::TooManyRedirects {
                limit: 5,
                url: url(),
            },
            FetchError::TooLarge {
                url: url(),
                bytes: None,
                limit: 1,
            },
            FetchError::Unreachable { url: url() },
        ] {
            assert_eq!(status(e), 422);
        }
        assert_eq!(status(FetchError::Client("x".into())), 500);
        let too_large = FeedError::TooLarge {
            bytes: None,
            limit: 1,
        };
        assert_eq!(status(too_large), 413);
        for e in [
            FeedError::EntityDeclarations,
            FeedError::Encoding("x".into()),
            FeedError::Malformed("x".into()),
            FeedError::NotAFeed("x".into()),
            FeedError::Read {
                path: "f".into(),
                message: "x".into(),
            },
        ] {
            assert_eq!(status(e), 422);
        }
        assert_eq!(status(SinkError::StoryGone(StoryId::new())), 404);
        assert_eq!(status(SinkError::DiskFull), 507);
        assert_eq!(status(SinkError::ShuttingDown), 503);
        assert_eq!(status(SinkError::Store("x".into())), 500);
        assert_eq!(status(PollError::Sink(SinkError::DiskFull)), 507);
        assert_eq!(
            status(PollError::Sources(SourcesError::UnknownId(SourceId(1)))),
            404
        );
        assert_eq!(status(PollError::Fetch(FetchError::BadUrl(url()))), 400);
        assert_eq!(status(PollError::Feed(FeedError::EntityDeclarations)), 422);
        assert_eq!(status(PollError::Elsewhere(SourceId(1))), 409);
    }
}
