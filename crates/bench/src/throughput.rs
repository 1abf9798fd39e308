//! Publish and import throughput over HTTP, against a fresh server.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::report::{Figure, Percentiles, Report, r1};
use crate::{BenchConfig, BenchError, BenchServer, Tokens, markdown_stories, progress};

const PUBLISHES: usize = 4_000;
const IMPORT_LINES: usize = 40_000;
const IMPORT_BATCH: usize = 1_000;

/// Publishes measured while a bulk import runs against the same server.
const PUBLISHES_BESIDE_IMPORT: usize = 1_000;

/// Stories/s for one publisher sending one story at a time, then for 8
/// publishers at once (whose writes the engine groups into shared
/// transactions); each in local mode and with tokens on (every publish
/// carrying an editor's bearer token, checked and rate-counted). Then one
/// publisher again while `POST /api/import` runs without pause against
/// the same server, untagged and tagged: the ack latency beside a bulk
/// import, to read against the idle one-client row of the same run.
/// `config.stories` sets the publishes per configuration (a quarter of
/// them beside an import). Each figure is reported as it is measured.
pub fn publish(config: &BenchConfig, report: &mut Report) -> Result<(), BenchError> {
    let rt = tokio::runtime::Runtime::new()?;
    let publishes = config.stories.unwrap_or(PUBLISHES).max(1);
    let stories = Arc::new(markdown_stories(&config.corpus, publishes, ""));
    if stories.is_empty() {
        return Err(BenchError::Failed("no stories in the corpus".into()));
    }
    for (clients, tokens) in [1usize, 8]
        .into_iter()
        .flat_map(|c| Tokens::BOTH.map(|t| (c, t)))
    {
        let server = BenchServer::start_with(&config.scratch, "publish", tokens)?;
        let bar = progress(
            publishes as u64,
            &format!("publish, {clients} client(s), tokens {}", tokens.name()),
        );
        let (secs, mut lat) = rt.block_on(publish_all(&server, &stories, clients, &bar))?;
        bar.finish_and_clear();
        let p = Percentiles::of(&mut lat);
        report.add(
            Figure::new("publish")
                .with("clients", clients as u64)
                .with("tokens", tokens.name())
                .with("beside", "nothing")
                .with("stories", publishes as u64)
                .with("stories_per_s", r1(publishes as f64 / secs))
                .with("ack_p50_us", r1(p.p50))
                .with("ack_p99_us", r1(p.p99)),
        );
        drop(server);
    }
    let beside = config
        .stories
        .map_or(PUBLISHES_BESIDE_IMPORT, |n| (n / 4).max(1));
    let mine = Arc::new(markdown_stories(&config.corpus, beside, "beside-import "));
    for tag in [false, true] {
        let what = if tag {
            "import, tagged"
        } else {
            "import, untagged"
        };
        let server = BenchServer::start(&config.scratch, "publish-beside-import")?;
        let bar = progress(
            beside as u64,
            &format!("publish, 1 client, beside an {what}"),
        );
        let (secs, mut lat, imported) = rt.block_on(async {
            let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let importer = tokio::spawn(import_until(
                server.url.clone(),
                config.corpus.clone(),
                tag,
                stop.clone(),
            ));
            // The import is under way before the first publish.
            while server.progress().last_seq == 0 {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            let measured = publish_all(&server, &mine, 1, &bar).await;
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            let imported = importer
                .await
                .map_err(|e| BenchError::Failed(e.to_string()))??;
            let (secs, lat) = measured?;
            Ok::<_, BenchError>((secs, lat, imported))
        })?;
        bar.finish_and_clear();
        let p = Percentiles::of(&mut lat);
        report.add(
            Figure::new("publish")
                .with("clients", 1u64)
                .with("tokens", Tokens::Off.name())
                .with("beside", what)
                .with("stories", beside as u64)
                .with("stories_per_s", r1(beside as f64 / secs))
                .with("ack_p50_us", r1(p.p50))
                .with("ack_p99_us", r1(p.p99))
                .with("imported_meanwhile", imported),
        );
        drop(server);
    }
    Ok(())
}

/// What concurrent publishers measured.
pub(crate) struct Sent {
    /// From the first send to the last answer.
    pub secs: f64,
    /// Each send's time to its answer.
    pub latencies: Vec<Duration>,
    /// The highest number a send answered (a wire sequence).
    pub highest: u64,
}

/// `publishers` tasks at once, task `c` sending `stories[c]`,
/// `stories[c + publishers]`, … one at a time with `send(c, story)`, each
/// send timed to its answer.
pub(crate) async fn publish_concurrently<F, Fut>(
    publishers: usize,
    stories: &Arc<Vec<String>>,
    bar: &indicatif::ProgressBar,
    send: F,
) -> Result<Sent, BenchError>
where
    F: Fn(usize, String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<u64, BenchError>> + Send + 'static,
{
    let send = Arc::new(send);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..publishers {
        let (send, stories, bar) = (send.clone(), stories.clone(), bar.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut highest = 0;
            for s in stories.iter().skip(c).step_by(publishers) {
                let t = Instant::now();
                highest = highest.max(send(c, s.clone()).await?);
                latencies.push(t.elapsed());
                bar.inc(1);
            }
            Ok::<_, BenchError>((latencies, highest))
        }));
    }
    let mut sent = Sent {
        secs: 0.0,
        latencies: Vec::new(),
        highest: 0,
    };
    for t in tasks {
        let (latencies, highest) = t.await.map_err(|e| BenchError::Failed(e.to_string()))??;
        sent.latencies.extend(latencies);
        sent.highest = sent.highest.max(highest);
    }
    sent.secs = started.elapsed().as_secs_f64();
    Ok(sent)
}

/// Publishes `stories` from `clients` publishers at once, each waiting
/// for its ack before sending the next; the seconds taken and every ack
/// latency.
async fn publish_all(
    server: &BenchServer,
    stories: &Arc<Vec<String>>,
    clients: usize,
    bar: &indicatif::ProgressBar,
) -> Result<(f64, Vec<Duration>), BenchError> {
    let http = newsterm_client::http();
    let (url, token) = (server.url.clone(), server.tokens.publish.clone());
    let sent = publish_concurrently(clients, stories, bar, move |_, s| {
        let (http, url, token) = (http.clone(), url.clone(), token.clone());
        async move {
            let ack = crate::publish_markdown(&http, &url, token.as_deref(), s).await?;
            Ok(ack.seq)
        }
    })
    .await?;
    Ok((sent.secs, sent.latencies))
}

/// Imports the corpus in batches of [`IMPORT_BATCH`] lines, as `newsterm
/// import` sends them, again and again (each pass's headlines numbered
/// apart, so nothing is a repeat) until `stop`; how many were imported.
async fn import_until(
    url: String,
    corpus: Vec<String>,
    tag: bool,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> Result<u64, BenchError> {
    let http = newsterm_client::http();
    let mut imported = 0u64;
    let mut pass = 0u64;
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        let lines: Vec<String> = corpus
            .iter()
            .cycle()
            .skip((pass as usize * IMPORT_BATCH) % corpus.len().max(1))
            .take(IMPORT_BATCH)
            .enumerate()
            .filter_map(|(i, line)| numbered_line(line, &format!(" (import {pass}.{i})")))
            .collect();
        pass += 1;
        imported += import_batch(&http, &url, lines.join("\n"), tag)
            .await?
            .imported;
    }
    Ok(imported)
}

/// A JSON line with `suffix` added to its headline (`title` or
/// `headline`); `None` when the line is not a JSON object.
fn numbered_line(line: &str, suffix: &str) -> Option<String> {
    let mut value: serde_json::Value = serde_json::from_str(line).ok()?;
    let object = value.as_object_mut()?;
    for key in ["title", "headline"] {
        if let Some(serde_json::Value::String(text)) = object.get_mut(key) {
            text.push_str(suffix);
            break;
        }
    }
    Some(value.to_string())
}

/// Stories/s through `POST /api/import` in batches of 1,000 lines, as
/// `newsterm import` sends them.
pub fn import(config: &BenchConfig, tag: bool) -> Result<Figure, BenchError> {
    let rt = tokio::runtime::Runtime::new()?;
    if config.corpus.is_empty() {
        return Err(BenchError::Failed("no stories in the corpus".into()));
    }
    // Distinct stories from the search bench's archive generator: the
    // bundled 377 articles cycled would be refused as repeats after the
    // first pass, and a refused line costs far less than a stored one.
    let archive = crate::archive::Archive::new(&config.corpus, crate::search::SEED);
    let bodies: Vec<String> = (0..IMPORT_LINES as u64)
        .step_by(IMPORT_BATCH)
        .map(|first| {
            (first..first + IMPORT_BATCH as u64)
                .map(|n| archive.json_line(n))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    let server = BenchServer::start(&config.scratch, "import")?;
    let bar = progress(IMPORT_LINES as u64, "import");
    let (secs, imported, refused) = rt.block_on(async {
        let http = newsterm_client::http();
        let started = Instant::now();
        let (mut imported, mut refused) = (0u64, 0u64);
        for body in bodies {
            let report = import_batch(&http, &server.url, body, tag).await?;
            imported += report.imported;
            refused += report.rejected_total;
            bar.inc(IMPORT_BATCH as u64);
        }
        Ok::<_, BenchError>((started.elapsed().as_secs_f64(), imported, refused))
    })?;
    bar.finish_and_clear();
    // The figure is for stored and acknowledged stories; indexing goes on
    // in the background, so report how long it took to catch up too.
    let t = Instant::now();
    let last = server.progress().last_seq;
    while server.progress().indexed_seq < last {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let index_lag = t.elapsed().as_secs_f64();
    Ok(Figure::new("import")
        .with("tagging", if tag { "on" } else { "off" })
        .with("lines", IMPORT_LINES as u64)
        .with("stories", imported)
        .with("refused", refused)
        .with("stories_per_s", r1(imported as f64 / secs))
        .with("indexed_after_s", r1(secs + index_lag))
        .with(
            "indexed_stories_per_s",
            r1(imported as f64 / (secs + index_lag)),
        ))
}

/// One `POST /api/import` of JSON lines.
pub(crate) async fn import_batch(
    http: &reqwest::Client,
    url: &str,
    body: String,
    tag: bool,
) -> Result<newsterm_api::ImportReport, BenchError> {
    let resp = http
        .post(format!("{url}/api/import?tag={tag}"))
        .body(body)
        .send()
        .await?;
    if !resp.status().is_success() {
        return Err(BenchError::Failed(format!(
            "import answered {}: {}",
            resp.status(),
            resp.text().await.unwrap_or_default()
        )));
    }
    Ok(resp.json().await?)
}
