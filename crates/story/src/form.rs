//! The shapes every story form shares, below the forms themselves:
//! [`ParsedStory`] out of a parser, [`StoryView`] into a renderer, and the
//! validation step every parser ends with.

use time::OffsetDateTime;

use crate::error::{FieldError, StoryError};
use crate::lifecycle::{EventId, RevisionKind};
use crate::model::{Priority, Story, StoryContent, StoryDraft, StoryId};
use crate::tags::Tags;

/// What a parser read: validated content, plus the identity the input
/// carried, if any.
///
/// `id` and `revision` are informational: they let a story read back from
/// newsterm's own output be recognised, but the store decides both.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedStory {
    /// The story, checked against every rule.
    pub content: StoryContent,
    /// The id the input carried (newsterm's own output does).
    pub id: Option<StoryId>,
    /// The revision the input carried.
    pub revision: Option<u32>,
}

/// What a renderer writes: content, and the identity to write with it
/// when known. Made from a [`Story`], a [`ParsedStory`] or bare
/// [`StoryContent`] with `.into()`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoryView<'a> {
    /// The story.
    pub content: &'a StoryContent,
    /// Its id, when it has one.
    pub id: Option<StoryId>,
    /// Its revision, when it has one.
    pub revision: Option<u32>,
    /// Tags found by newsterm, written where the form has a place for
    /// them (ninjs people, organisations, places and subjects).
    pub tags: Option<&'a Tags>,
    /// The event the story reports (ninjs `events`).
    pub event: Option<EventId>,
    /// What the revision is, and its correction note or withdrawal
    /// reason (ninjs `pubstatus` and `descriptions`).
    pub kind: RevisionKind,
    /// The correction's note or the withdrawal's reason.
    pub note: Option<&'a str>,
}

impl<'a> From<&'a Story> for StoryView<'a> {
    fn from(story: &'a Story) -> Self {
        StoryView {
            content: &story.content,
            id: Some(story.id),
            revision: Some(story.revision),
            tags: Some(&story.tags),
            event: story.mark.event,
            kind: story.mark.kind,
            note: story.mark.note.as_deref(),
        }
    }
}

impl<'a> From<&'a ParsedStory> for StoryView<'a> {
    fn from(story: &'a ParsedStory) -> Self {
        StoryView {
            content: &story.content,
            id: story.id,
            revision: story.revision,
            tags: None,
            event: None,
            kind: RevisionKind::Update,
            note: None,
        }
    }
}

impl<'a> From<&'a StoryContent> for StoryView<'a> {
    fn from(content: &'a StoryContent) -> Self {
        StoryView {
            content,
            id: None,
            revision: None,
            tags: None,
            event: None,
            kind: RevisionKind::Update,
            note: None,
        }
    }
}

/// Validates `draft`, reporting `extra` problems the parser found (fields
/// it could not even put in the draft) together with the draft's own.
pub(crate) fn validate_with(
    draft: StoryDraft,
    now: OffsetDateTime,
    mut extra: Vec<FieldError>,
) -> Result<StoryContent, StoryError> {
    match draft.validate(now) {
        Ok(content) if extra.is_empty() => Ok(content),
        Ok(_) => Err(StoryError::Invalid(extra)),
        Err(StoryError::Invalid(errors)) => {
            extra.extend(errors);
            Err(StoryError::Invalid(extra))
        }
        Err(other) => Err(other),
    }
}

/// Collects a priority's parse error as a field error.
pub(crate) fn parse_priority(
    value: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Option<Priority> {
    match value?.parse() {
        Ok(p) => Some(p),
        Err(StoryError::Invalid(e)) => {
            errors.extend(e);
            None
        }
        Err(other) => {
            errors.push(FieldError::new("priority", other.to_string()));
            None
        }
    }
}
