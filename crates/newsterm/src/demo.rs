//! `newsterm demo`: an embedded server on a local data directory, the
//! bundled Wikinews archive imported, the newest articles replayed as a
//! live wire (some urgent, some flashed first and filled in later, some
//! revised), and the terminal UI open on it.

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
    let server = newsterm_server::start(newsterm_server::ServerConfig {
        data_dir: newsterm_server::DataDir::new(data_dir),
        listen,
    })
    .await?;
    let client = Client::new(&server.url())?;
    eprintln!(
        "newsterm demo: server on {} (data in {})",
        server.url(),
        data_dir.display()
    );

    let lines = crate::corpus::wikinews_lines()?;
    let split = lines.len().saturating_sub(REPLAYED);
    let (archive, live) = lines.split_at(split);
    import_archive(&client, archive).await?;

    let mut replay: Vec<String> = live.to_vec();
    if let Some(n) = limit {
        replay.truncate(n);
    }
    let wire = tokio::spawn(replay_wire(client.clone(), replay, interval));

    let outcome = if tui {
        newsterm_tui::run(client.clone()).await.map_err(Into::into)
    } else {
        print_wire(&client, wire).await
    };
    let _ = server.stop().await;
    outcome
}

async fn import_archive(client: &Client, lines: &[String]) -> Result<()> {
    let bar = ProgressBar::new(lines.len() as u64).with_style(
        ProgressStyle::with_template("importing the Wikinews archive [{bar:30}] {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
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
        for e in report.rejected {
            bar.println(format!("skipped archive line: {}", e.error));
        }
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    Ok(())
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

/// Publishes each article as if it landed now. Every fourth one is
/// urgent; every seventh is first sent as a bare flash headline and
/// filled in a few seconds later; every third gets a revision with
/// highlights a little after it lands.
async fn replay_wire(client: Client, lines: Vec<String>, interval: f64) -> Result<()> {
    let mut later: Vec<(tokio::time::Instant, String, StoryContent)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let pause = interval * (0.5 + fastrand::f64());
        let deadline = tokio::time::Instant::now() + Duration::from_secs_f64(pause.max(0.05));
        // Send any revision that has come due while waiting.
        loop {
            later.sort_by_key(|(t, _, _)| *t);
            match later.first() {
                Some((t, _, _)) if *t <= deadline => {
                    tokio::time::sleep_until(*t).await;
                    let (_, id, content) = later.remove(0);
                    let md = Format::Markdown.render(&content).into_bytes();
                    let _ = client.revise(&id, md, "text/markdown").await;
                }
                _ => break,
            }
        }
        tokio::time::sleep_until(deadline).await;
        let Ok(parsed) = jsonl::parse_line(line, OffsetDateTime::now_utc()) else {
            continue;
        };
        let mut story = parsed.content;
        story.published = OffsetDateTime::now_utc();
        story.source = Some("Wikinews".into());
        story.priority = if i % 4 == 1 {
            Priority::Urgent
        } else {
            Priority::Normal
        };
        let full = story.clone();
        let first = if i % 7 == 3 {
            let mut flash = story.clone();
            flash.priority = Priority::Flash;
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
            later.push((now + Duration::from_secs(4), id.clone(), filled));
        } else if i % 3 == 0 && full.bullets.is_empty() {
            let mut revised = full.clone();
            revised.bullets = lede_highlights(&full);
            revised.updated = Some(OffsetDateTime::now_utc());
            if !revised.bullets.is_empty() {
                later.push((now + Duration::from_secs(9), id, revised));
            }
        }
    }
    for (t, id, content) in later {
        tokio::time::sleep_until(t).await;
        let md = Format::Markdown.render(&content).into_bytes();
        let _ = client.revise(&id, md, "text/markdown").await;
    }
    Ok(())
}

/// Two highlights for a revision: the first sentences of the lede that
/// are not just a date line.
fn lede_highlights(story: &StoryContent) -> Vec<String> {
    story
        .body
        .iter()
        .map(|b| b.text())
        .filter(|p| p.split_whitespace().count() > 8)
        .flat_map(|p| p.split_inclusive(". "))
        .map(str::trim)
        .filter(|s| s.len() > 30 && s.len() < 400)
        .take(2)
        .map(str::to_string)
        .collect()
}

async fn print_wire(client: &Client, wire: tokio::task::JoinHandle<Result<()>>) -> Result<()> {
    let mut stream = Box::pin(client.stream(None, None));
    let mut wire = wire;
    loop {
        tokio::select! {
            done = &mut wire => {
                done??;
                // Let the last revisions reach the screen.
                tokio::time::sleep(Duration::from_millis(300)).await;
                return Ok(());
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
