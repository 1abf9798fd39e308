//! What each field holds for a given story: the one mapping the search
//! index and the alert matcher both use, so a query matches a story the
//! same way in a search and in an alert.

use std::borrow::Cow;

use newsterm_story::Story;
use newsterm_story::tags::EntityType;

use crate::analysis::normalize_keyword;
use crate::field::Field;

/// One value of one field of a story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldValue<'a> {
    /// The field the value belongs to.
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
    if let Some(event) = story.mark.event {
        push_keyword(&mut values, Field::Event, &event.to_string());
    }

    // Tags: people, organizations and places by their canonical names
    // (a demonym counts as its country), countries by ISO code, topics by
    // code (IPTC qcodes and newsterm's mnemonics alike).
    let tags = &story.tags;
    values.extend(
        tags.names(EntityType::Person)
            .into_iter()
            .map(|n| text(Field::Person, n)),
    );
    values.extend(
        tags.names(EntityType::Org)
            .into_iter()
            .map(|n| text(Field::Org, n)),
    );
    values.extend(
        tags.names(EntityType::Loc)
            .into_iter()
            .map(|n| text(Field::Place, n)),
    );
    values.extend(
        tags.names(EntityType::Norp)
            .into_iter()
            .map(|n| text(Field::Place, n)),
    );
    for code in tags.countries() {
        push_keyword(&mut values, Field::Country, code);
    }
    for topic in &tags.topics {
        push_keyword(&mut values, Field::Topic, &topic.code);
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

#[cfg(test)]
mod tests {
    use super::*;
    use newsterm_story::tags::{Entity, Topic};
    use newsterm_story::{Block, Priority, StoryDraft, Tags};
    use time::macros::datetime;

    fn story(tags: Tags) -> Story {
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
        Story {
            seq: 1,
            tags,
            ..Story::new(content, datetime!(2024-05-01 12:00 UTC))
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
        let s = story(Tags::default());
        let values = story_values(&s);
        assert_eq!(of(&values, Field::Headline), ["Quake hits coast"]);
        assert_eq!(of(&values, Field::Body), ["First para.", "Aftermath"]);
        assert_eq!(of(&values, Field::Place), ["LISBON"]);
        assert_eq!(of(&values, Field::Source), ["example wire"]);
        assert_eq!(of(&values, Field::Priority), ["urgent"]);
        assert_eq!(of(&values, Field::Lang), ["en"]);
        assert_eq!(of(&values, Field::Id), [s.id.to_string().to_lowercase()]);
        assert!(of(&values, Field::Person).is_empty());
        assert!(of(&values, Field::Event).is_empty());
        let event = newsterm_story::EventId::new_at(datetime!(2024-05-01 12:00 UTC));
        let grouped = Story {
            mark: newsterm_story::RevisionMark {
                event: Some(event),
                ..s.mark.clone()
            },
            ..s
        };
        assert_eq!(
            of(&story_values(&grouped), Field::Event),
            [event.to_string().to_lowercase()]
        );
    }

    fn entity(kind: EntityType, canonical: &str, country: Option<&str>) -> Entity {
        Entity {
            country: country.map(str::to_string),
            ..Entity::mention(kind, 0, 1, canonical)
        }
    }

    #[test]
    fn tags_feed_people_orgs_places_countries_and_topics() {
        let tags = Tags {
            language: "en".into(),
            tagged: true,
            entities: vec![
                entity(EntityType::Person, "Vladimir Putin", None),
                entity(EntityType::Person, "Vladimir Putin", None),
                entity(EntityType::Org, "United Nations", None),
                entity(EntityType::Loc, "Kyiv", Some("UA")),
                entity(EntityType::Norp, "Russia", Some("RU")),
            ],
            topics: vec![Topic {
                code: "CONFLICT".into(),
                label: "War and conflict".into(),
                score: 0.9,
            }],
            ..Tags::default()
        };
        let s = story(tags);
        let values = story_values(&s);
        assert_eq!(of(&values, Field::Person), ["Vladimir Putin"]);
        assert_eq!(of(&values, Field::Org), ["United Nations"]);
        assert_eq!(of(&values, Field::Place), ["LISBON", "Kyiv", "Russia"]);
        assert_eq!(of(&values, Field::Country), ["ua", "ru"]);
        assert_eq!(of(&values, Field::Topic), ["conflict"]);
    }
}
