//! What tagging finds in a story: people, organizations and places (places
//! resolved to coordinates and a country), quotes with their speakers,
//! figures, topics and highlights.
//!
//! The story model owns these types so every part of newsterm (store,
//! index, API, terminal) reads the same tags; the tagger
//! (`newsterm-tag`) fills them. Every span is a pair of Unicode scalar
//! (char) offsets, end exclusive, into [`crate::Story::tagging_text`] — the
//! headline, then each bullet, paragraph and subhead, separated by blank
//! lines.

use serde::{Deserialize, Serialize};

/// Kind of named entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EntityType {
    /// A person.
    #[serde(rename = "PERSON")]
    Person,
    /// An organisation: company, party, agency, team.
    #[serde(rename = "ORG")]
    Org,
    /// Countries, cities, regions and other places (GPEs included).
    #[serde(rename = "LOC")]
    Loc,
    /// A nationality or demonym ("Russian", "Syrians"), resolved to its
    /// country: a mention of that country without being a place name.
    #[serde(rename = "NORP")]
    Norp,
}

impl EntityType {
    /// The type's name as written in tags (`PERSON`, `ORG`, `LOC`, `NORP`).
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "PERSON",
            EntityType::Org => "ORG",
            EntityType::Loc => "LOC",
            EntityType::Norp => "NORP",
        }
    }
}

/// One entity mention. Mentions come in the order of the text and may
/// nest: the place an organisation is named for ("the Bank of Japan") is
/// a mention of its own inside the organisation's, after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// Char offset of the mention's start.
    pub start: usize,
    /// Char offset just past its end.
    pub end: usize,
    /// What kind of thing it names.
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// The mention as written.
    pub text: String,
    /// What the mention resolves to within the story: a person's full
    /// name for a surname, an acronym's expansion, a place's gazetteer
    /// name, a demonym's country.
    pub canonical: String,
    /// Latitude of a resolved place.
    pub lat: Option<f64>,
    /// Longitude of a resolved place.
    pub lon: Option<f64>,
    /// ISO 3166-1 alpha-2 code of the place (or the demonym's country).
    pub country: Option<String>,
    /// The GeoNames id of a resolved place.
    pub geonames_id: Option<u32>,
    /// A person's title or role as the story gives it ("Foreign
    /// Minister"); never part of the name span.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// One id per real thing, the same in every story, so that "US",
    /// "U.S." and "America" count as one place: `geonames:6252001` for a
    /// gazetteer place (a demonym takes its country's), `admin1:AU:victoria`
    /// for a province the GeoNames files here give no id, `place:middle-east` for a
    /// region without one point, `org:united-nations`, `person:jane-roe`.
    /// Empty in tags written before ids existed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// For a place (LOC) that has no point on the map, why: it is not in
    /// the gazetteer, or it is a region spanning several countries. For an
    /// organisation (ORG), why it names no one body: the story calls it only
    /// by its kind ("the Court") and names no single body of that kind in
    /// full; such a mention has no id and is left out of facets and lists
    /// ([`Entity::names_one_thing`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unresolved: Option<String>,
}

impl Entity {
    /// A mention of `text` at `start..end`, not yet resolved: its
    /// canonical name is the text itself, with no place or role.
    pub fn mention(kind: EntityType, start: usize, end: usize, text: &str) -> Entity {
        Entity {
            start,
            end,
            kind,
            text: text.to_string(),
            canonical: text.to_string(),
            lat: None,
            lon: None,
            country: None,
            geonames_id: None,
            role: None,
            id: String::new(),
            unresolved: None,
        }
    }

    /// Whether the mention has a point on the map.
    pub fn is_mapped(&self) -> bool {
        self.lat.is_some() && self.lon.is_some()
    }

    /// Whether the mention names one thing a reader can follow from story
    /// to story: every mention but an organisation called only by its kind
    /// ("the Court", "the University") that the story ties to no one body.
    pub fn names_one_thing(&self) -> bool {
        !(self.kind == EntityType::Org && self.unresolved.is_some())
    }
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
    /// Char offset of the quote's start.
    pub start: usize,
    /// Char offset just past its end.
    pub end: usize,
    /// The quoted words.
    pub text: String,
    /// Canonical name of the speaker (a PERSON or ORG entity where found).
    pub speaker: Option<String>,
    /// Direct quotation or reported speech.
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
    /// An amount with a currency: "$5.5 million", "€20".
    Money,
    /// A length of time: "three years".
    Duration,
}

/// A number in the text with what it counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// Char offset of the figure's start.
    pub start: usize,
    /// Char offset just past its end.
    pub end: usize,
    /// The figure as written.
    pub text: String,
    /// What it measures.
    pub kind: FigureKind,
    /// The value with any scale word applied ("5.5 million" → 5500000).
    pub value: f64,
    /// ISO 4217 currency for money, "%" for percentages, the time unit
    /// for durations.
    pub unit: Option<String>,
    /// What is counted or measured: "people", "the vote".
    pub what: Option<String>,
}

/// A topic of the story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    /// An IPTC Media Topic qcode (`medtop:16000000`) or one of newsterm's
    /// mnemonic codes (`CONFLICT`).
    pub code: String,
    /// The topic's name in English.
    pub label: String,
    /// Confidence in 0..=1.
    pub score: f32,
}

impl Topic {
    /// True for newsterm's short codes (`NI CONFLICT`), false for IPTC qcodes.
    pub fn is_mnemonic(&self) -> bool {
        !self.code.contains(':')
    }
}

/// The best-scoring mnemonic topic code among `topics`.
pub(crate) fn top_topic(topics: &[Topic]) -> Option<&str> {
    topics
        .iter()
        .filter(|t| t.is_mnemonic())
        .max_by(|a, b| a.score.total_cmp(&b.score))
        .map(|t| t.code.as_str())
}

/// An extractive highlight: one sentence of the story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Highlight {
    /// Char offset of the sentence's start.
    pub start: usize,
    /// Char offset just past its end.
    pub end: usize,
    /// The sentence.
    pub text: String,
}

/// Everything tagging found in one revision. Empty until tagged.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Tags {
    /// Version of the tagger that wrote these tags (0: written before
    /// versions were recorded), so stories tagged by an older tagger can
    /// be found and tagged again.
    #[serde(default)]
    pub version: u32,
    /// ISO 639-1 code of the detected language, or `und`; empty when the
    /// story was never tagged.
    #[serde(default)]
    pub language: String,
    /// False when the language is not one newsterm tags (only English
    /// is); the lists are then empty.
    #[serde(default)]
    pub tagged: bool,
    /// People, organisations, places and nationalities named.
    #[serde(default)]
    pub entities: Vec<Entity>,
    /// Quotes and their speakers.
    #[serde(default)]
    pub quotes: Vec<Quote>,
    /// Numbers and what they count.
    #[serde(default)]
    pub figures: Vec<Figure>,
    /// Topics, the strongest first.
    #[serde(default)]
    pub topics: Vec<Topic>,
    /// Sentences that sum the story up.
    #[serde(default)]
    pub highlights: Vec<Highlight>,
    /// The place of the story's dateline field ("VALPARAÍSO, Chile"),
    /// resolved like any place; its span counts chars of the dateline,
    /// not of the tagging text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dateline: Option<Entity>,
}

/// newsterm's topic codes (`NI CONFLICT`), each with its label and the
/// IPTC Media Topic it stands for. The tagger assigns them (its cue
/// phrases live in newsterm-tag, whose list a test holds equal to this
/// one) and gives a story the Media Topic beside its code; a terminal
/// lists them for `NI`.
pub const TOPIC_CODES: [(&str, &str, &str); 24] = [
    ("CONFLICT", "war and armed conflict", "medtop:16000000"),
    ("TERROR", "terrorism", "medtop:20000053"),
    (
        "DIPLOMACY",
        "diplomacy and international relations",
        "medtop:20000639",
    ),
    ("ELECTION", "elections", "medtop:20000574"),
    ("POLITICS", "politics and government", "medtop:11000000"),
    ("MARKETS", "financial markets", "medtop:20000385"),
    ("ECONOMY", "economy", "medtop:20000344"),
    ("BUSINESS", "companies and business", "medtop:20000349"),
    ("TECH", "technology and computing", "medtop:20000756"),
    ("SCIENCE", "science and research", "medtop:13000000"),
    ("HEALTH", "health", "medtop:07000000"),
    ("CRIME", "crime", "medtop:20000082"),
    ("JUSTICE", "courts and justice", "medtop:20000106"),
    ("DISASTER", "disasters and accidents", "medtop:03000000"),
    ("CLIMATE", "climate change", "medtop:20000418"),
    ("ENERGY", "energy", "medtop:20000256"),
    ("TRANSPORT", "transport", "medtop:20000337"),
    ("SPORT", "sport", "medtop:15000000"),
    ("ARTS", "arts, culture and media", "medtop:01000000"),
    ("RELIGION", "religion", "medtop:12000000"),
    ("LABOUR", "labour and employment", "medtop:09000000"),
    ("EDUCATION", "education", "medtop:05000000"),
    ("WEATHER", "weather", "medtop:17000000"),
    ("MIGRATION", "immigration and refugees", "medtop:20000771"),
];

/// The IPTC Media Topic a topic code stands for (`CONFLICT` →
/// `medtop:16000000`): its twin among a story's topics.
pub fn iptc_twin(code: &str) -> Option<&'static str> {
    TOPIC_CODES
        .iter()
        .find(|(c, ..)| *c == code)
        .map(|(_, _, qcode)| *qcode)
}

impl Tags {
    /// The story's topics, leaving out each Media Topic that a topic code
    /// among them stands for: one entry per topic, as a reader sees them.
    pub fn distinct_topics(&self) -> impl Iterator<Item = &Topic> {
        self.topics.iter().filter(|t| {
            !self
                .topics
                .iter()
                .any(|code| iptc_twin(&code.code) == Some(t.code.as_str()))
        })
    }

    /// True for a story that was never tagged.
    pub fn is_empty(&self) -> bool {
        self.language.is_empty()
            && !self.tagged
            && self.entities.is_empty()
            && self.topics.is_empty()
    }

    /// Every entity mention, the dateline's place first.
    pub fn mentions(&self) -> impl Iterator<Item = &Entity> {
        self.dateline.iter().chain(&self.entities)
    }

    /// Distinct canonical names of the entities of one kind, in order of
    /// first mention (the dateline's place first), of the mentions that name
    /// one thing ([`Entity::names_one_thing`]).
    pub fn names(&self, kind: EntityType) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for e in self
            .mentions()
            .filter(|e| e.kind == kind && e.names_one_thing())
        {
            if !out.contains(&e.canonical.as_str()) {
                out.push(&e.canonical);
            }
        }
        out
    }

    /// ISO country codes of every place and demonym mentioned.
    pub fn countries(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for c in self.mentions().filter_map(|e| e.country.as_deref()) {
            if !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }

    /// The best-scoring mnemonic topic code (what the monitor shows).
    pub fn top_topic(&self) -> Option<&str> {
        top_topic(&self.topics)
    }
}
