//! Every failure a request can meet, as the HTTP status and the
//! `{"error":{"code","message"}}` body a client sees.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use newsterm_api::{ErrorBody, ErrorDetail};
use newsterm_story::StoryError;

use crate::engine::IngestError;

/// An error answer: a status, a stable code and a message in words.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
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
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<StoryError> for ApiError {
    fn from(e: StoryError) -> Self {
        let status = match e {
            StoryError::UnknownFormat(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            _ => StatusCode::BAD_REQUEST,
        };
        ApiError::new(status, e.code(), e.to_string())
    }
}

impl From<IngestError> for ApiError {
    fn from(e: IngestError) -> Self {
        match e {
            IngestError::NotFound(_) => ApiError::not_found(e.to_string()),
            IngestError::DiskFull => {
                ApiError::new(StatusCode::INSUFFICIENT_STORAGE, "disk_full", e.to_string())
            }
            IngestError::ShuttingDown => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "shutting_down",
                e.to_string(),
            ),
            IngestError::Store(_) => ApiError::internal(e.to_string()),
        }
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

impl From<newsterm_search::SearchError> for ApiError {
    fn from(e: newsterm_search::SearchError) -> Self {
        ApiError::internal(format!("search failed: {e}"))
    }
}

impl ApiError {
    /// A request body axum could not read, most often one over `limit`.
    pub fn body(e: axum::extract::rejection::BytesRejection, limit: usize) -> Self {
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

impl From<axum::extract::rejection::QueryRejection> for ApiError {
    fn from(e: axum::extract::rejection::QueryRejection) -> Self {
        ApiError::bad_request("bad_parameter", e.body_text())
    }
}
