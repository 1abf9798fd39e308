//! Random stories and queries over one small vocabulary, so that random
//! queries match random stories often enough to test anything.

use newsterm_story::tags::{Entity, EntityType, Topic};
use newsterm_story::{Block, Priority, Story, StoryDraft, Tags};
use time::macros::datetime;

const WORDS: [&str; 24] = [
    "oil",
    "prices",
    "opec",
    "quake",
    "lisbon",
    "election",
    "elections",
    "elected",
    "putin",
    "russia",
    "kyiv",
    "café",
    "zürich",
    "minister",
    "prime",
    "the",
    "of",
    "war",
    "peace",
    "U.S.",
    "Putin's",
    "2024",
    "東京",
    "re-elected",
];
const PLACES: [&str; 5] = ["LISBON", "Kyiv", "New York", "São Paulo", "Zürich"];
const PEOPLE: [&str; 4] = ["Vladimir Putin", "Ana Lima", "Joe Biden", "Lima Ana"];
const SOURCES: [&str; 3] = ["Example Wire", "Agence France-Presse", "Wikinews"];
const TOPICS: [&str; 3] = ["medtop:04000000", "medtop:11000000", "ECON"];
const ENTITIES: [(EntityType, &str, Option<&str>); 7] = [
    (EntityType::Person, "Vladimir Putin", None),
    (EntityType::Person, "Ana Lima", None),
    (EntityType::Person, "Joe Biden", None),
    (EntityType::Org, "OPEC", None),
    (EntityType::Org, "United Nations", None),
    (EntityType::Loc, "Kyiv", Some("UA")),
    (EntityType::Norp, "Portugal", Some("PT")),
];

fn pick<'a>(rng: &mut fastrand::Rng, items: &[&'a str]) -> &'a str {
    items[rng.usize(..items.len())]
}

fn sentence(rng: &mut fastrand::Rng, min: usize, max: usize) -> String {
    let n = rng.usize(min..=max);
    (0..n)
        .map(|_| pick(rng, &WORDS))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A random valid story published in the first days of 2024.
pub fn story(rng: &mut fastrand::Rng) -> Story {
    let published = datetime!(2024-01-01 00:00 UTC)
        + time::Duration::seconds(rng.i64(0..5 * 86_400))
        + time::Duration::milliseconds(rng.i64(0..1_000));
    let content = StoryDraft {
        headline: Some(sentence(rng, 1, 6)),
        bullets: (0..rng.usize(0..=3)).map(|_| sentence(rng, 1, 5)).collect(),
        body: (0..rng.usize(0..=4))
            .map(|_| {
                if rng.u8(..5) == 0 {
                    Block::Subhead(sentence(rng, 1, 3))
                } else {
                    Block::Paragraph(sentence(rng, 3, 12))
                }
            })
            .collect(),
        byline: rng.bool().then(|| pick(rng, &PEOPLE).to_string()),
        dateline: rng.bool().then(|| pick(rng, &PLACES).to_string()),
        source: rng.bool().then(|| pick(rng, &SOURCES).to_string()),
        priority: Some(Priority::ALL[rng.usize(..3)]),
        published: Some(
            published
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
        ),
        keywords: (0..rng.usize(0..=2))
            .map(|_| pick(rng, &WORDS).to_string())
            .collect(),
        ..Default::default()
    }
    .validate(published)
    .expect("generated stories are valid");
    let mut tags = Tags::default();
    for _ in 0..rng.usize(0..=4) {
        let (kind, name, country) = ENTITIES[rng.usize(..ENTITIES.len())];
        tags.entities.push(Entity {
            country: country.map(str::to_string),
            ..Entity::mention(kind, 0, 0, name)
        });
    }
    for _ in 0..rng.usize(0..=2) {
        tags.topics.push(Topic {
            code: pick(rng, &TOPICS).into(),
            label: String::new(),
            score: 0.5,
        });
    }
    Story {
        seq: 1,
        tags,
        ..Story::new(content, published)
    }
}

fn atom(rng: &mut fastrand::Rng, depth: usize) -> String {
    let word = |rng: &mut fastrand::Rng| pick(rng, &WORDS).to_string();
    match rng.usize(..16) {
        0 | 1 if depth < 3 => format!("({})", query_text(rng, depth + 1)),
        2 | 3 => format!("\"{} {}\"", word(rng), word(rng)),
        4 => {
            let w = pick(
                rng,
                &["oil", "prices", "election", "putin", "minister", "zürich"],
            );
            let cut: String = w.chars().take(rng.usize(2..=w.chars().count())).collect();
            format!("{cut}*")
        }
        5 => format!(
            "{}:{}",
            pick(rng, &["headline", "bullets", "body", "keyword"]),
            word(rng)
        ),
        6 => format!(
            "person:{}",
            pick(rng, &["putin", "lima", "\"ana lima\"", "bid*"])
        ),
        7 => format!(
            "place:{}",
            pick(rng, &["lisbon", "kyiv", "\"new york\"", "sao*"])
        ),
        8 => pick(
            rng,
            &[
                "source:\"example wire\"",
                "source:wikinews",
                "source:agence*",
                "source:example",
                "topic:medtop:04000000",
                "topic:medtop*",
                "topic:econ",
                "country:pt",
                "country:ua",
                "org:opec",
                "byline:ana",
                "lang:en",
            ],
        )
        .to_string(),
        9 => format!("priority:{}", pick(rng, &["flash", "urgent", "normal"])),
        10 => {
            let day = rng.u8(1..=6);
            match rng.usize(..4) {
                0 => format!("published:2024-01-0{day}"),
                1 => format!("published:>=2024-01-0{day}T{:02}:00:00Z", rng.u8(..24)),
                2 => format!("published:<2024-01-0{day}T12:{:02}:30+01:00", rng.u8(..60)),
                _ => format!("published:[2024-01-0{day} TO 2024-01-0{}]", day.min(5) + 1),
            }
        }
        _ => word(rng),
    }
}

/// A random query in the search language (it may fail to parse).
pub fn query_text(rng: &mut fastrand::Rng, depth: usize) -> String {
    let first = atom(rng, depth);
    let mut out = match rng.usize(..7) {
        0 => format!("-{first}"),
        1 => format!("NOT {first}"),
        _ => first,
    };
    let extra = if depth < 3 { rng.usize(..3) } else { 0 };
    for _ in 0..extra {
        let op = pick(rng, &[" ", " AND ", " OR ", " OR ", " -"]);
        out = format!("{out}{op}{}", atom(rng, depth + 1));
    }
    out
}

/// `n` random queries that parse.
pub fn queries(rng: &mut fastrand::Rng, n: usize) -> Vec<(String, newsterm_query::Query)> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let text = query_text(rng, 0);
        if let Ok(q) = newsterm_query::parse(&text) {
            out.push((text, q));
        }
    }
    out
}
