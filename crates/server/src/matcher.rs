//! Evaluates a query against one story in memory, for filtered live
//! streams: `N <query>` must show exactly the stories a search for
//! `<query>` would find, the moment they land.

use std::collections::HashMap;

use newsterm_query::{Field, Query, indexed_time, story_values, tokenize};
use newsterm_story::Story;

/// A query ready to test stories against.
#[derive(Debug, Clone)]
pub struct StoryMatcher {
    query: Query,
}

impl StoryMatcher {
    pub fn new(query: Query) -> Self {
        StoryMatcher { query }
    }

    pub fn matches(&self, story: &Story) -> bool {
        let doc = Document::of(story);
        eval(&self.query, &doc)
    }
}

/// A story's values per field, analyzed as the index analyzes them: text
/// fields as token lists (one per value, so phrases never span values),
/// keyword fields as normalized whole values.
struct Document {
    values: HashMap<Field, Vec<Vec<String>>>,
    published: time::OffsetDateTime,
}

impl Document {
    fn of(story: &Story) -> Document {
        let mut doc = Document {
            values: HashMap::new(),
            published: indexed_time(story.content.published),
        };
        for value in story_values(story) {
            let analyzed = if value.field.is_keyword() {
                vec![value.text.into_owned()]
            } else {
                tokenize(&value.text).map(|t| t.text).collect()
            };
            doc.values.entry(value.field).or_default().push(analyzed);
        }
        doc
    }

    fn values(&self, field: Field) -> impl Iterator<Item = &Vec<String>> {
        let parts: &[Field] = if field == Field::Text {
            &Field::TEXT_PARTS
        } else {
            std::slice::from_ref(&field)
        };
        parts
            .iter()
            .flat_map(|f| self.values.get(f).into_iter().flatten())
            .collect::<Vec<_>>()
            .into_iter()
    }
}

fn eval(q: &Query, doc: &Document) -> bool {
    match q {
        Query::All => true,
        Query::Term { field, text } => doc.values(*field).any(|v| v.iter().any(|t| t == text)),
        Query::Prefix { field, text } => doc
            .values(*field)
            .any(|v| v.iter().any(|t| t.starts_with(text.as_str()))),
        Query::Phrase { field, terms } => doc.values(*field).any(|v| {
            !terms.is_empty()
                && v.windows(terms.len())
                    .any(|w| w.iter().zip(terms).all(|(a, b)| a == b))
        }),
        Query::DateRange { from, to } => {
            from.is_none_or(|f| doc.published >= f) && to.is_none_or(|t| doc.published < t)
        }
        Query::And(items) => items.iter().all(|i| eval(i, doc)),
        Query::Or(items) => items.iter().any(|i| eval(i, doc)),
        Query::Not(inner) => !eval(inner, doc),
    }
}
