//! `newsterm demo`: an embedded server on a local data directory, the
//! bundled Wikinews archive imported, the newest articles replayed as a
//! live wire (breaking events flashed first and filled in later, other
//! hard news urgent, some revised) that then keeps going with fresh
//! revisions, and the terminal UI open on it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use newsterm_client::{Client, StreamEvent};
use newsterm_story::{Format, Priority, StoryContent, jsonl};
use time::OffsetDateTime;

use crate::commands::headline_line;

/// How many of the newest articles are held back and replayed live.
const REPLAYED: usize = 80;

pub struct DemoOptions {
    pub data: Option<PathBuf>,
    pub listen: SocketAddr,
    pub interval: f64,
    pub tui: bool,
    pub stories: Option<usize>,
}

pub async fn run(opts: DemoOptions) -> Result<()> {
    let (data_dir, temporary) = match opts.data {
        Some(d) => (d, false),
        None => (
            std::env::temp_dir().join(format!("newsterm-demo-{}", std::process::id())),
            true,
        ),
    };
    let result = run_in(
        &data_dir,
        opts.listen,
        opts.interval,
        opts.tui,
        opts.stories,
    )
    .await;
    if temporary {
        let _ = std::fs::remove_dir_all(&data_dir);
    }
    result
}

async fn run_in(
    data_dir: &std::path::Path,
    listen: SocketAddr,
    interval: f64,
    tui: bool,
    limit: Option<usize>,
) -> Result<()> {
    let server = newsterm_server::start(newsterm_server::ServerConfig::new(
        newsterm_server::DataDir::new(data_dir),
        listen,
    ))
    .await?;
    let client = Client::new(&server.url())?;
    eprintln!(
        "newsterm demo: server on {} (data in {})\nweb terminal: {}/",
        server.url(),
        data_dir.display(),
        server.url()
    );

    let lines = crate::corpus::wikinews_lines()?;
    let split = lines.len().saturating_sub(REPLAYED);
    let (archive, live) = lines.split_at(split);
    let archived = import_archive(&client, archive).await?;

    let mut replay: Vec<String> = live.to_vec();
    if let Some(n) = limit {
        replay.truncate(n);
    }
    let wire = tokio::spawn(replay_wire(
        client.clone(),
        replay,
        interval,
        limit.is_some(),
    ));

    let outcome = if tui {
        newsterm_tui::run(client.clone()).await.map_err(Into::into)
    } else {
        print_wire(&client, wire, archived).await
    };
    let _ = server.stop().await;
    outcome
}

/// Imports the archive; returns the wire sequence it ends at, so the
/// printed wire starts right after it (the replay may already be sending
/// by the time the stream is open).
async fn import_archive(client: &Client, lines: &[String]) -> Result<u64> {
    let bar = ProgressBar::new(lines.len() as u64).with_style(
        ProgressStyle::with_template("importing the Wikinews archive [{bar:30}] {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let mut last_seq = 0;
    for chunk in lines.chunks(50) {
        let body = chunk
            .iter()
            .map(|l| with_short_source(l))
            .collect::<Vec<_>>()
            .join("\n");
        let report = client
            .import(body.into_bytes(), true)
            .await
            .context("demo server did not take the archive")?;
        last_seq = report.last_seq.unwrap_or(last_seq);
        for e in report.rejected {
            bar.println(format!("skipped archive line: {}", e.error));
        }
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    Ok(last_seq)
}

/// The corpus records each article's provenance in `source`; on the
/// monitor the source is simply Wikinews (the provenance is in NOTICE).
fn with_short_source(line: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(line) {
        Ok(mut v) => {
            v["source"] = serde_json::Value::from("Wikinews");
            v.to_string()
        }
        Err(_) => line.to_string(),
    }
}

/// Publishes each article as if it landed now, at a priority its news
/// deserves ([`priority_for`]): a flash is first sent as a bare headline
/// and filled in a few seconds later as urgent; every third story without
/// highlights gets a revision with them a little after it lands. Then,
/// unless `once`, the wire keeps going: the replayed stories come again,
/// round after round, as fresh revisions of themselves.
async fn replay_wire(client: Client, lines: Vec<String>, interval: f64, once: bool) -> Result<()> {
    let tagger = newsterm_tag::Tagger::load()?;
    let mut later: Vec<(tokio::time::Instant, String, StoryContent)> = Vec::new();
    let mut published: Vec<(String, StoryContent)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        pause_sending_due(&client, interval, &mut later).await;
        let Ok(parsed) = jsonl::parse_line(line, OffsetDateTime::now_utc()) else {
            continue;
        };
        let mut story = parsed.content;
        story.published = OffsetDateTime::now_utc();
        story.source = Some("Wikinews".into());
        let tags = tagger.tag_content(&story);
        story.priority = priority_for(&story.headline, tags.top_topic());
        let full = story.clone();
        let first = if story.priority == Priority::Flash {
            let mut flash = story.clone();
            flash.body.clear();
            flash.bullets.clear();
            flash
        } else {
            story
        };
        let md = Format::Markdown.render(&first).into_bytes();
        let Ok(ack) = client.publish(md, "text/markdown").await else {
            continue;
        };
        let id = ack.id.to_string();
        let now = tokio::time::Instant::now();
        if first.priority == Priority::Flash {
            let mut filled = full.clone();
            filled.priority = Priority::Urgent;
            later.push((now + Duration::from_secs(4), id.clone(), filled.clone()));
            published.push((id, filled));
        } else if i % 3 == 0 && full.bullets.is_empty() {
            let mut revised = full.clone();
            revised.bullets = lede_highlights(&full);
            revised.updated = Some(OffsetDateTime::now_utc());
            if !revised.bullets.is_empty() {
                later.push((now + Duration::from_secs(9), id.clone(), revised.clone()));
                published.push((id, revised));
            } else {
                published.push((id, full));
            }
        } else {
            published.push((id, full));
        }
    }
    for (t, id, content) in std::mem::take(&mut later) {
        tokio::time::sleep_until(t).await;
        revise(&client, &id, &content).await;
    }
    if once || published.is_empty() {
        return Ok(());
    }
    loop {
        for (id, content) in &mut published {
            pause_sending_due(&client, interval, &mut later).await;
            content.updated = Some(OffsetDateTime::now_utc());
            revise(&client, id, content).await;
        }
    }
}

/// Waits about `interval` seconds, sending the revisions in `later` that
/// come due meanwhile.
async fn pause_sending_due(
    client: &Client,
    interval: f64,
    later: &mut Vec<(tokio::time::Instant, String, StoryContent)>,
) {
    let pause = interval * (0.5 + fastrand::f64());
    let deadline = tokio::time::Instant::now() + Duration::from_secs_f64(pause.max(0.05));
    loop {
        later.sort_by_key(|(t, _, _)| *t);
        match later.first() {
            Some((t, _, _)) if *t <= deadline => {
                tokio::time::sleep_until(*t).await;
                let (_, id, content) = later.remove(0);
                revise(client, &id, &content).await;
            }
            _ => break,
        }
    }
    tokio::time::sleep_until(deadline).await;
}

async fn revise(client: &Client, id: &str, content: &StoryContent) {
    let md = Format::Markdown.render(content).into_bytes();
    // A revision the demo server refuses is not worth stopping the wire for.
    let _ = client.revise(id, md, "text/markdown", None).await;
}

/// Headline words that announce a breaking event.
const BREAKING: &[&str] = &[
    "earthquake",
    "quake",
    "tsunami",
    "eruption",
    "erupts",
    "explosion",
    "explodes",
    "blast",
    "bombing",
    "bomb",
    "attack",
    "attacks",
    "shooting",
    "gunman",
    "killed",
    "kills",
    "kill",
    "dead",
    "dies",
    "crash",
    "crashes",
    "derails",
    "hurricane",
    "typhoon",
    "cyclone",
    "tornado",
    "flood",
    "floods",
    "wildfire",
    "coup",
    "invades",
];

/// Topics that are hard news: urgent at least when they lead a story.
const HARD_NEWS: &[&str] = &[
    "CONFLICT",
    "TERROR",
    "DISASTER",
    "DIPLOMACY",
    "ELECTION",
    "POLITICS",
    "MARKETS",
    "ECONOMY",
    "CRIME",
    "JUSTICE",
    "WEATHER",
];

/// The priority a wire desk would give a story, from its headline and the
/// tagger's top topic: flash only for a breaking event (a headline word
/// such as "earthquake" or "killed" in a story about a disaster, terror
/// or conflict), urgent for other hard news, normal for the rest — an
/// interview or a feature never flashes.
fn priority_for(headline: &str, top_topic: Option<&str>) -> Priority {
    let lower = headline.to_lowercase();
    let breaking = lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| BREAKING.contains(&w));
    let topic = top_topic.unwrap_or("");
    let event_topic = matches!(topic, "DISASTER" | "TERROR" | "CONFLICT");
    if breaking && event_topic {
        Priority::Flash
    } else if breaking || HARD_NEWS.contains(&topic) {
        Priority::Urgent
    } else {
        Priority::Normal
    }
}

/// Two highlights for a revision: the first sentences of the lede that
/// are not just a date line.
fn lede_highlights(story: &StoryContent) -> Vec<String> {
    story
        .body
        .iter()
        .map(|b| b.text())
        .filter(|p| p.split_whitespace().count() > 8)
        .flat_map(newsterm_story::text::sentences)
        .filter(|s| s.len() > 30 && s.len() < 400)
        .take(2)
        .map(str::to_string)
        .collect()
}

/// Prints the wire as it lands and keeps the server up for the browser
/// after the replay ends, until Ctrl-C.
async fn print_wire(
    client: &Client,
    wire: tokio::task::JoinHandle<Result<()>>,
    after: u64,
) -> Result<()> {
    let mut stream = Box::pin(client.stream(None, Some(after)));
    let mut wire = wire;
    let mut replaying = true;
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => return Ok(()),
            done = &mut wire, if replaying => {
                replaying = false;
                done??;
                eprintln!(
                    "newsterm demo: the replayed wire has ended; the server keeps running for the web terminal (Ctrl-C stops it)"
                );
            }
            event = stream.next() => match event {
                Some(Ok(StreamEvent::Story(h))) => println!("{}", headline_line(&h)),
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_breaking_events_flash_and_features_stay_normal() {
        let cases = [
            (
                "Earthquake kills dozens in central Italy",
                Some("DISASTER"),
                Priority::Flash,
            ),
            (
                "Suicide bombing at Kabul market, 30 dead",
                Some("TERROR"),
                Priority::Flash,
            ),
            (
                "Parliament passes budget after all-night sitting",
                Some("POLITICS"),
                Priority::Urgent,
            ),
            ("Pop star dies at 67", Some("ARTS"), Priority::Urgent),
            (
                "Wikinews interviews chess grandmaster Magnus Carlsen",
                Some("SPORT"),
                Priority::Normal,
            ),
            (
                "Baby finds illegal drugs in play area",
                None,
                Priority::Normal,
            ),
            (
                "Attacker's novel wins literary prize",
                Some("ARTS"),
                Priority::Normal,
            ),
        ];
        for (headline, topic, want) in cases {
            assert_eq!(priority_for(headline, topic), want, "{headline}");
        }
    }
}
