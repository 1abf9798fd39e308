//! Errors that name the field or the place in the input at fault.

use std::fmt;

/// One rule a field broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field, self.message)
    }
}

/// Why a story could not be read or accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoryError {
    /// The fields were read but break the story's rules.
    #[error("invalid story: {}", join(.0))]
    Invalid(Vec<FieldError>),
    /// The input is not well-formed in its format (JSON, YAML, Markdown).
    #[error("malformed {format}: {message}")]
    Malformed {
        format: &'static str,
        message: String,
        /// 1-based line and column, where the parser knows them.
        line: Option<usize>,
        column: Option<usize>,
    },
    /// The input is well-formed JSON but fails the ninjs schema.
    #[error("not valid ninjs {version}: {}", .errors.join("; "))]
    Schema {
        version: String,
        errors: Vec<String>,
    },
    /// The input's format is not one newsterm reads.
    #[error("unknown story format: {0}")]
    UnknownFormat(String),
    #[error("`{0}` is not a story id (expected a 26-character ULID)")]
    InvalidId(String),
}

impl StoryError {
    pub fn field(field: &'static str, message: impl Into<String>) -> Self {
        StoryError::Invalid(vec![FieldError::new(field, message)])
    }

    /// A short machine-readable code for API error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            StoryError::Invalid(_) => "invalid_story",
            StoryError::Malformed { .. } => "malformed_input",
            StoryError::Schema { .. } => "schema_violation",
            StoryError::UnknownFormat(_) => "unknown_format",
            StoryError::InvalidId(_) => "invalid_id",
        }
    }
}

fn join(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
