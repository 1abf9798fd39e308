//! Publish and import throughput over HTTP, against a fresh server.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::report::{Figure, Percentiles, r1};
use crate::{BenchConfig, BenchError, BenchServer, Tokens, markdown_stories, progress};

const PUBLISHES: usize = 4_000;
const IMPORT_LINES: usize = 40_000;
const IMPORT_BATCH: usize = 1_000;

/// Stories/s for one publisher sending one story at a time, then for 8
/// publishers at once (whose writes the engine groups into shared
/// transactions); each in local mode and with tokens on (every publish
/// carrying an editor's bearer token, checked and rate-counted).
pub fn publish(config: &BenchConfig) -> Result<Vec<Figure>, BenchError> {
    let rt = tokio::runtime::Runtime::new()?;
    let stories = Arc::new(markdown_stories(&config.corpus, PUBLISHES, ""));
    if stories.is_empty() {
        return Err(BenchError::Failed("no stories in the corpus".into()));
    }
    let mut figures = Vec::new();
    for (clients, tokens) in [1usize, 8]
        .into_iter()
        .flat_map(|c| Tokens::BOTH.map(|t| (c, t)))
    {
        let server = BenchServer::start_with(&config.scratch, "publish", tokens)?;
        let bar = progress(
            PUBLISHES as u64,
            &format!("publish, {clients} client(s), tokens {}", tokens.name()),
        );
        let http = newsterm_client::http();
        let (url, token) = (server.url.clone(), server.tokens.publish.clone());
        let sent = rt.block_on(publish_concurrently(
            clients,
            &stories,
            &bar,
            move |_, s| {
                let (http, url, token) = (http.clone(), url.clone(), token.clone());
                async move {
                    let ack = crate::publish_markdown(&http, &url, token.as_deref(), s).await?;
                    Ok(ack.seq)
                }
            },
        ))?;
        let (secs, mut lat) = (sent.secs, sent.latencies);
        bar.finish_and_clear();
        let p = Percentiles::of(&mut lat);
        figures.push(
            Figure::new("publish")
                .with("clients", clients as u64)
                .with("tokens", tokens.name())
                .with("stories", PUBLISHES as u64)
                .with("stories_per_s", r1(PUBLISHES as f64 / secs))
                .with("ack_p50_us", r1(p.p50))
                .with("ack_p99_us", r1(p.p99)),
        );
        drop(server);
    }
    Ok(figures)
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

/// Stories/s through `POST /api/import` in batches of 1,000 lines, as
/// `newsterm import` sends them.
pub fn import(config: &BenchConfig, tag: bool) -> Result<Figure, BenchError> {
    let rt = tokio::runtime::Runtime::new()?;
    if config.corpus.is_empty() {
        return Err(BenchError::Failed("no stories in the corpus".into()));
    }
    let lines: Vec<&String> = config.corpus.iter().cycle().take(IMPORT_LINES).collect();
    let bodies: Vec<String> = lines
        .chunks(IMPORT_BATCH)
        .map(|c| c.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n"))
        .collect();
    let server = BenchServer::start(&config.scratch, "import")?;
    let bar = progress(IMPORT_LINES as u64, "import");
    let (secs, imported) = rt.block_on(async {
        let http = newsterm_client::http();
        let started = Instant::now();
        let mut imported = 0u64;
        for body in bodies {
            let report = import_batch(&http, &server.url, body, tag).await?;
            imported += report.imported;
            bar.inc(IMPORT_BATCH as u64);
        }
        Ok::<_, BenchError>((started.elapsed().as_secs_f64(), imported))
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
        .with("stories", imported)
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
    Ok(http
        .post(format!("{url}/api/import?tag={tag}"))
        .body(body)
        .send()
        .await?
        .json()
        .await?)
}
