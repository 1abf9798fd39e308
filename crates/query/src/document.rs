//! What each field holds for a given story: the one mapping the search
//! index and the alert matcher both use, so a query matches a story the
//! same way in a search and in an alert.

use std::borrow::Cow;

use newsterm_story::Story;
use serde_json::Value;

use crate::analysis::normalize_keyword;
use crate::field::Field;

/// Keys of `story.tags.fields` read for tag-fed fields. Each may hold a
/// string, or an array of strings or of objects with a `"name"` string.
const TAG_FIELDS: [(&str, Field); 6] = [
    ("place", Field::Place),
    ("person", Field::Person),
    ("org", Field::Org),
    ("keyword", Field::Keyword),
    ("topic", Field::Topic),
    ("country", Field::Country),
];

/// One value of one field of a story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldValue<'a> {
    pub field: Field,
    /// For text fields, the text as written (analyze it with
    /// [`crate::tokenize`]); for keyword fields, already normalized with
    /// [`crate::normalize_keyword`] and never empty.
    pub text: Cow<'a, str>,
}

/// Every field value of a story, in a stable order.
///
/// A field can have several values (each bullet, each body paragraph or
/// subhead, each tag); a phrase matches within one value only.
/// [`Field::Text`] has no values of its own: it searches the values of
/// [`Field::TEXT_PARTS`]. The publication time is not here: see
/// [`crate::indexed_time`].
pub fn story_values(story: &Story) -> Vec<FieldValue<'_>> {
    let content = &story.content;
    let mut values = Vec::new();
    values.push(text(Field::Headline, &content.headline));
    values.extend(content.bullets.iter().map(|b| text(Field::Bullets, b)));
    values.extend(content.body.iter().map(|b| text(Field::Body, b.text())));
    values.extend(content.byline.iter().map(|b| text(Field::Byline, b)));
    values.extend(content.dateline.iter().map(|d| text(Field::Place, d)));
    values.extend(content.keywords.iter().map(|k| text(Field::Keyword, k)));

    let keywords = [
        (Field::Source, content.source.as_deref().unwrap_or("")),
        (Field::Lang, content.language.as_str()),
        (Field::Priority, content.priority.as_str()),
    ];
    for (field, value) in keywords {
        push_keyword(&mut values, field, value);
    }
    push_keyword(&mut values, Field::Id, &story.id.to_string());

    for (key, field) in TAG_FIELDS {
        for value in story.tags.fields.get(key).into_iter().flat_map(tag_strings) {
            if field.is_keyword() {
                push_keyword(&mut values, field, value);
            } else {
                values.push(text(field, value));
            }
        }
    }
    values
}

fn text(field: Field, text: &str) -> FieldValue<'_> {
    FieldValue {
        field,
        text: Cow::Borrowed(text),
    }
}

fn push_keyword(values: &mut Vec<FieldValue<'_>>, field: Field, raw: &str) {
    let value = normalize_keyword(raw);
    if !value.is_empty() {
        values.push(FieldValue {
            field,
            text: Cow::Owned(value),
        });
    }
}

fn tag_strings(value: &Value) -> Vec<&str> {
    fn one(value: &Value) -> Option<&str> {
        match value {
            Value::String(s) => Some(s),
            Value::Object(o) => o.get("name").and_then(Value::as_str),
            _ => None,
        }
    }
    match value {
        Value::Array(items) => items.iter().filter_map(one).collect(),
        other => one(other).into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsterm_story::{Block, Priority, StoryDraft, StoryId, Tags};
    use time::macros::datetime;

    fn story(tags: serde_json::Value) -> Story {
        let content = StoryDraft {
            headline: Some("Quake hits coast".into()),
            bullets: vec!["Magnitude 6".into()],
            body: vec![
                Block::Paragraph("First para.".into()),
                Block::Subhead("Aftermath".into()),
            ],
            byline: Some("Ana Lima".into()),
            dateline: Some("LISBON".into()),
            source: Some("Example  Wire".into()),
            priority: Some(Priority::Urgent),
            keywords: vec!["earthquake".into()],
            ..Default::default()
        }
        .validate(datetime!(2024-05-01 12:00 UTC))
        .unwrap();
        let fields = match tags {
            Value::Object(map) => map,
            _ => Default::default(),
        };
        Story {
            id: StoryId::new(),
            revision: 1,
            seq: 1,
            content,
            tags: Tags { fields },
            received: datetime!(2024-05-01 12:00 UTC),
        }
    }

    fn of(values: &[FieldValue<'_>], field: Field) -> Vec<String> {
        values
            .iter()
            .filter(|v| v.field == field)
            .map(|v| v.text.to_string())
            .collect()
    }

    #[test]
    fn content_fills_text_and_keyword_fields() {
        let s = story(Value::Null);
        let values = story_values(&s);
        assert_eq!(of(&values, Field::Headline), ["Quake hits coast"]);
        assert_eq!(of(&values, Field::Body), ["First para.", "Aftermath"]);
        assert_eq!(of(&values, Field::Place), ["LISBON"]);
        assert_eq!(of(&values, Field::Source), ["example wire"]);
        assert_eq!(of(&values, Field::Priority), ["urgent"]);
        assert_eq!(of(&values, Field::Lang), ["en"]);
        assert_eq!(of(&values, Field::Id), [s.id.to_string().to_lowercase()]);
        assert!(of(&values, Field::Person).is_empty());
    }

    #[test]
    fn tags_feed_their_fields_in_any_tolerated_shape() {
        let s = story(serde_json::json!({
            "person": ["Vladimir Putin", {"name": "Joe Biden"}, 42],
            "place": "Kyiv",
            "country": ["UA"],
            "topic": {"code": "x"},
        }));
        let values = story_values(&s);
        assert_eq!(of(&values, Field::Person), ["Vladimir Putin", "Joe Biden"]);
        assert_eq!(of(&values, Field::Place), ["LISBON", "Kyiv"]);
        assert_eq!(of(&values, Field::Country), ["ua"]);
        assert!(of(&values, Field::Topic).is_empty());
    }
}
