//! Errors that name the field or the place in the input at fault.

use std::fmt;

/// One rule a field broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field at fault, as the input names it (`headline`, `published`).
    pub field: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl FieldError {
    /// `field` broke a rule, described by `message`.
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
        /// The format, as a person names it ("JSON", "YAML front matter", "Markdown", "JSON line").
        format: &'static str,
        /// What the parser said.
        message: String,
        /// 1-based line and column, where the parser knows them.
        line: Option<usize>,
        /// See `line`.
        column: Option<usize>,
    },
    /// The input is well-formed JSON but fails the ninjs schema.
    #[error("not valid ninjs {version}: {}", .errors.join("; "))]
    Schema {
        /// The ninjs version the input claims (`2.0`, `2.1`, `2.2`).
        version: String,
        /// Each schema violation, with the path at fault.
        errors: Vec<String>,
    },
    /// The input's format is not one newsterm reads.
    #[error("unknown story format: {0}")]
    UnknownFormat(String),
    /// A story id that is not a ULID.
    #[error("`{0}` is not a story id (expected a 26-character ULID)")]
    InvalidId(String),
}

impl StoryError {
    /// One field broke one rule.
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
