//! Times the store's writer alone: tagged stories placed in slices as an
//! import's are, one durable transaction a slice, with no tagging, HTTP or
//! indexing beside it. Prints µs a story, for A/B runs of store changes.
//! Then times what a list of 30 (TOP's page) costs to read: the newest 30
//! stories read whole, one by one, against their heads read in one call.
//!
//! cargo run --release -p newsterm-store --example place_speed -- [stories] [slice]

use std::time::Instant;

use newsterm_store::{Placed, Reader, Write, Writer};
use newsterm_story::tags::{Entity, EntityType, Tags, Topic};
use newsterm_story::{Block, StoryDraft};
use time::OffsetDateTime;

/// A name index from a pool of `n`, skewed to the low ones as news names
/// are (a few very common, most rare).
fn skewed(rng: &mut fastrand::Rng, n: u64) -> u64 {
    ((n as f64).powf(rng.f64()) as u64).saturating_sub(1)
}

fn story(
    rng: &mut fastrand::Rng,
    now: OffsetDateTime,
) -> Result<Write, Box<dyn std::error::Error>> {
    let words: Vec<String> = (0..450)
        .map(|_| format!("w{}", skewed(rng, 50_000)))
        .collect();
    let content = StoryDraft {
        headline: Some(format!("Story {} {}", words[0], words[1])),
        body: words
            .chunks(90)
            .map(|c| Block::Paragraph(c.join(" ")))
            .collect(),
        ..Default::default()
    }
    .validate(now)
    .map_err(|e| format!("{e:?}"))?;
    let kinds = [EntityType::Person, EntityType::Org, EntityType::Loc];
    let entities = (0..25)
        .map(|i| {
            let kind = kinds[i % 3];
            let name = format!("{kind:?} {}", skewed(rng, 20_000));
            let mut e = Entity::mention(kind, 0, 1, &name);
            if kind == EntityType::Loc {
                e.country = Some("GB".into());
            }
            e
        })
        .collect();
    let topics = (0..3)
        .map(|_| {
            let code = format!("medtop:{:08}", skewed(rng, 1_000));
            Topic {
                label: code.clone(),
                code,
                score: 0.8,
            }
        })
        .collect();
    let tags = Tags {
        tagged: true,
        language: "en".into(),
        entities,
        topics,
        ..Tags::default()
    };
    Ok(Write::New(content, tags))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let stories: usize = args.next().map_or(Ok(20_000), |a| a.parse())?;
    let slice: usize = args.next().map_or(Ok(64), |a| a.parse())?;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("store.db");
    let mut writer = Writer::open(&path)?;
    // Seeded: every run stores the same stories.
    let mut rng = fastrand::Rng::with_seed(7);
    let now = OffsetDateTime::now_utc();
    let mut writes = Vec::with_capacity(stories);
    for _ in 0..stories {
        writes.push(story(&mut rng, now)?);
    }
    let started = Instant::now();
    let mut placed = 0;
    let mut writes = writes.into_iter();
    loop {
        let batch: Vec<Placed> = writes
            .by_ref()
            .take(slice)
            .map(|w| Placed::next(w, now))
            .collect();
        if batch.is_empty() {
            break;
        }
        placed += writer.place(batch)?.iter().filter(|r| r.is_ok()).count();
        if placed % 5_000 < slice {
            eprint!("\r{placed} stored");
        }
    }
    let took = started.elapsed();
    eprintln!();
    println!(
        "{placed} tagged stories in slices of {slice}: {:.1} s, {:.0} µs a story, {:.0} stories/s",
        took.as_secs_f64(),
        took.as_secs_f64() * 1e6 / placed as f64,
        placed as f64 / took.as_secs_f64()
    );
    let reader = Reader::open(&path, 1)?;
    let ids: Vec<_> = reader.recent_heads(30)?.iter().map(|h| h.id).collect();
    const ROUNDS: u32 = 300;
    let started = Instant::now();
    for _ in 0..ROUNDS {
        for &id in &ids {
            std::hint::black_box(reader.latest(id)?);
        }
    }
    let whole = started.elapsed() / ROUNDS;
    let started = Instant::now();
    for _ in 0..ROUNDS {
        std::hint::black_box(reader.heads(&ids)?);
    }
    let heads = started.elapsed() / ROUNDS;
    println!(
        "a page of {} read whole: {:.0} µs; as heads: {:.0} µs",
        ids.len(),
        whole.as_secs_f64() * 1e6,
        heads.as_secs_f64() * 1e6
    );
    Ok(())
}
