//! The index schema, and how a story becomes an index document.

use newsterm_query::{Field, indexed_time, normalize_keyword, story_values};
use newsterm_story::Story;
use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::{DateTime, TantivyDocument};

use crate::analyzer::{ANALYZER, PAIRS_ANALYZER};

/// Handles of every field in the schema.
#[derive(Debug, Clone)]
pub(crate) struct Fields {
    /// Normalized story id: the key revisions replace each other by.
    pub id: tantivy::schema::Field,
    /// The id as a number, split in two for u64 fast fields: the time
    /// sort's tie-breaker.
    pub id_hi: tantivy::schema::Field,
    pub id_lo: tantivy::schema::Field,
    pub revision: tantivy::schema::Field,
    pub seq: tantivy::schema::Field,
    pub published: tantivy::schema::Field,
    /// The day of publication (whole days since the Unix epoch, UTC),
    /// one term per story: what a search for the newest matches reads to
    /// look only at recent stories ([`published_day`]). A range of
    /// `published` itself reads its column for every story, or one term
    /// per second.
    pub published_day: tantivy::schema::Field,
    /// The source as written, for hits (the `source` field is normalized).
    pub source_name: tantivy::schema::Field,
    /// The story's top mnemonic topic, stored for hits.
    pub top_topic: tantivy::schema::Field,
    pub headline: tantivy::schema::Field,
    pub bullets: tantivy::schema::Field,
    pub body: tantivy::schema::Field,
    /// Each two neighbouring words of the headline, bullets and body that
    /// are both among the most frequent words, as one term, with its
    /// count per story and no positions: what a phrase of two such words
    /// reads instead of their positions.
    headline_pairs: tantivy::schema::Field,
    bullets_pairs: tantivy::schema::Field,
    body_pairs: tantivy::schema::Field,
    byline: tantivy::schema::Field,
    place: tantivy::schema::Field,
    person: tantivy::schema::Field,
    org: tantivy::schema::Field,
    keyword: tantivy::schema::Field,
    source: tantivy::schema::Field,
    lang: tantivy::schema::Field,
    pub priority: tantivy::schema::Field,
    topic: tantivy::schema::Field,
    country: tantivy::schema::Field,
    event: tantivy::schema::Field,
}

pub(crate) const PUBLISHED: &str = "published";
pub(crate) const ID_HI: &str = "id_hi";
pub(crate) const ID_LO: &str = "id_lo";
pub(crate) const SEQ: &str = "seq";

impl Fields {
    /// The schema of a newsterm index and its field handles.
    pub fn build() -> (Schema, Fields) {
        let mut b = Schema::builder();
        // Words only: a hit's text is read from the store.
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        // Phrases score with the words' own field lengths, so the pair
        // fields keep none.
        let pairs = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(PAIRS_ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqs)
                .set_fieldnorms(false),
        );
        let fields = Fields {
            id: b.add_text_field("id", STRING | STORED),
            id_hi: b.add_u64_field(ID_HI, FAST),
            id_lo: b.add_u64_field(ID_LO, FAST),
            revision: b.add_u64_field("revision", STORED),
            seq: b.add_u64_field(SEQ, FAST | STORED),
            published: b.add_date_field(
                PUBLISHED,
                DateOptions::from(INDEXED | FAST | STORED)
                    .set_precision(DateTimePrecision::Seconds),
            ),
            published_day: b.add_i64_field("published_day", INDEXED),
            source_name: b.add_text_field("source_name", STORED),
            top_topic: b.add_text_field("top_topic", STORED),
            headline: b.add_text_field("headline", text.clone()),
            bullets: b.add_text_field("bullets", text.clone()),
            body: b.add_text_field("body", text.clone()),
            headline_pairs: b.add_text_field("headline_pairs", pairs.clone()),
            bullets_pairs: b.add_text_field("bullets_pairs", pairs.clone()),
            body_pairs: b.add_text_field("body_pairs", pairs),
            byline: b.add_text_field("byline", text.clone()),
            place: b.add_text_field("place", text.clone()),
            person: b.add_text_field("person", text.clone()),
            org: b.add_text_field("org", text.clone()),
            keyword: b.add_text_field("keyword", text),
            source: b.add_text_field("source", STRING),
            lang: b.add_text_field("lang", STRING),
            priority: b.add_text_field("priority", STRING | STORED),
            topic: b.add_text_field("topic", STRING),
            country: b.add_text_field("country", STRING),
            event: b.add_text_field("event", STRING),
        };
        (b.build(), fields)
    }

    /// The index field holding a query field; `None` for [`Field::Text`],
    /// which stands for [`Field::TEXT_PARTS`].
    pub fn get(&self, field: Field) -> Option<tantivy::schema::Field> {
        Some(match field {
            Field::Text => return None,
            Field::Headline => self.headline,
            Field::Bullets => self.bullets,
            Field::Body => self.body,
            Field::Byline => self.byline,
            Field::Place => self.place,
            Field::Person => self.person,
            Field::Org => self.org,
            Field::Keyword => self.keyword,
            Field::Source => self.source,
            Field::Lang => self.lang,
            Field::Priority => self.priority,
            Field::Id => self.id,
            Field::Topic => self.topic,
            Field::Country => self.country,
            Field::Event => self.event,
        })
    }

    /// The index field holding the word pairs of a query field: headline,
    /// bullets and body have one.
    pub fn pairs(&self, field: Field) -> Option<tantivy::schema::Field> {
        match field {
            Field::Headline => Some(self.headline_pairs),
            Field::Bullets => Some(self.bullets_pairs),
            Field::Body => Some(self.body_pairs),
            _ => None,
        }
    }

    /// The query field an index field holds, `None` for the fields only
    /// results read (ids as numbers, sequence, times, stored names).
    pub fn query_field(&self, index_field: tantivy::schema::Field) -> Option<Field> {
        Field::ALL
            .into_iter()
            .find(|&f| self.get(f) == Some(index_field))
    }

    /// The index document for a story's latest revision.
    pub fn document(&self, story: &Story) -> TantivyDocument {
        let mut doc = TantivyDocument::new();
        for value in story_values(story) {
            if let Some(field) = self.get(value.field) {
                doc.add_text(field, &value.text);
            }
            if let Some(pairs) = self.pairs(value.field) {
                doc.add_text(pairs, &value.text);
            }
        }
        let id = u128::from(story.id);
        doc.add_u64(self.id_hi, (id >> 64) as u64);
        doc.add_u64(self.id_lo, id as u64);
        doc.add_u64(self.revision, u64::from(story.revision));
        doc.add_u64(self.seq, story.seq);
        let published = indexed_time(story.content.published);
        doc.add_date(self.published, DateTime::from_utc(published));
        doc.add_i64(
            self.published_day,
            published_day(published.unix_timestamp()),
        );
        if let Some(source) = &story.content.source {
            doc.add_text(self.source_name, source);
        }
        if let Some(topic) = story.tags.top_topic() {
            doc.add_text(self.top_topic, topic);
        }
        doc
    }
}

/// Seconds in a day of [`Fields::published_day`].
const DAY_SECS: i64 = 86_400;

/// The day (since the Unix epoch, UTC, rounded down) of `published`, a
/// Unix time in seconds: `published >= day * DAY_SECS` exactly when
/// `published_day(published) >= day`.
pub(crate) fn published_day(published: i64) -> i64 {
    published.div_euclid(DAY_SECS)
}

/// The normalized id a story is stored under in the `id` field.
pub(crate) fn id_key(id: &newsterm_story::StoryId) -> String {
    normalize_keyword(&id.to_string())
}

/// An index in memory with newsterm's schema and analyzers, and a writer
/// of one thread, for tests that index by hand.
#[cfg(test)]
pub(crate) fn test_index() -> (tantivy::Index, Fields, tantivy::IndexWriter) {
    let (schema, fields) = Fields::build();
    let index = tantivy::Index::create_in_ram(schema);
    crate::analyzer::register(index.tokenizers());
    let writer = index
        .writer_with_num_threads(1, 15_000_000)
        .expect("a test index writer");
    (index, fields, writer)
}
