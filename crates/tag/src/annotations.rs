//! What tagging a story produces. Every span is a pair of Unicode scalar (char)
//! offsets into the tagged text, end exclusive.

use serde::{Deserialize, Serialize};

/// Kind of named entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EntityType {
    #[serde(rename = "PERSON")]
    Person,
    #[serde(rename = "ORG")]
    Org,
    /// Countries, cities, regions and other places (GPEs included).
    #[serde(rename = "LOC")]
    Loc,
    /// A nationality or demonym ("Russian", "Syrians"); resolved to its country, so
    /// that it counts as a mention of that place without being a place name itself.
    #[serde(rename = "NORP")]
    Norp,
}

impl EntityType {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "PERSON",
            EntityType::Org => "ORG",
            EntityType::Loc => "LOC",
            EntityType::Norp => "NORP",
        }
    }
}

/// One entity mention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub start: usize,
    pub end: usize,
    #[serde(rename = "type")]
    pub kind: EntityType,
    pub text: String,
    /// The name this mention resolves to within the story: the full name of a person
    /// mentioned by surname, the expansion of an acronym, the gazetteer name of a place,
    /// the country of a demonym.
    pub canonical: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// ISO 3166-1 alpha-2 code of the place (or the demonym's country).
    pub country: Option<String>,
    pub geonames_id: Option<u32>,
    /// A person's title or role as the story gives it ("Foreign Minister"); never part
    /// of the name span.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// How a quote was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// Words between quotation marks.
    Direct,
    /// Attributed reported speech: "X said (that) …", "according to X, …".
    Reported,
}

/// A quote and who said it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// The quoted words (inside the quotation marks for a direct quote).
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// Canonical name of the speaker (a PERSON or ORG entity where one is found).
    pub speaker: Option<String>,
    pub kind: QuoteKind,
}

/// What a figure measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FigureKind {
    /// A number of things: "300,000 people".
    Count,
    /// "70 percent", "15%".
    Percent,
    /// An amount with a currency: "$5.5 million", "€20", "300 euros".
    Money,
    /// A length of time: "three years", "10 days".
    Duration,
}

/// A number in the text with what it counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub kind: FigureKind,
    /// The value with any scale word applied ("5.5 million" → 5500000).
    pub value: f64,
    /// ISO 4217 currency for money, "%" for percentages, the time unit for durations.
    pub unit: Option<String>,
    /// What is counted or measured: "people", "voters", "the vote".
    pub what: Option<String>,
}

/// A topic of the story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    /// An IPTC Media Topic qcode (`medtop:16000000`) or one of newsterm's mnemonic codes
    /// (`CONFLICT`, see [`crate::topics::MNEMONICS`]).
    pub code: String,
    pub label: String,
    /// Confidence in 0..=1.
    pub score: f32,
}

/// An extractive highlight: one sentence of the story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Highlight {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Everything found in one story.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Annotations {
    /// ISO 639-1 code of the detected language, or `und` when it cannot be told.
    pub language: String,
    /// False when the language is not one this tagger tags (only English is): the lists
    /// below are then empty.
    pub tagged: bool,
    pub entities: Vec<Entity>,
    pub quotes: Vec<Quote>,
    pub figures: Vec<Figure>,
    pub topics: Vec<Topic>,
    pub highlights: Vec<Highlight>,
}
