//! The server and client subcommands: each reads its arguments, makes one
//! or a few API calls and prints the answer for a person (or `--json`).

use std::io::{BufRead, Write as _};
use std::path::{Path, PathBuf};

use crate::ServerArg;
use anyhow::{Context, Result, bail};
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use newsterm_api::{Headline, ImportReport};
use newsterm_client::{Client, Sort, StreamEvent};
use newsterm_story::control::escape_controls;
use newsterm_story::{Block, Format, Story};

pub async fn serve(
    config: newsterm_server::ServerConfig,
    cluster: crate::ClusterArgs,
) -> Result<()> {
    let server = match cluster_config(cluster)? {
        None => newsterm_server::start(config).await?,
        Some(cluster) => newsterm_server::start_clustered(config, cluster).await?,
    };
    // Tests and scripts read this line to find the port.
    say!("newsterm listening on http://{}", server.addr());
    let _ = std::io::stdout().flush();
    let stop = server.stopper();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing in-flight publishes");
        let _ = stop.send(true);
    });
    server.wait().await?;
    tracing::info!("stopped");
    Ok(())
}

/// The cluster to join, from `serve`'s flags; `None` without `--nats`.
fn cluster_config(args: crate::ClusterArgs) -> Result<Option<newsterm_server::ClusterConfig>> {
    let Some(urls) = args.nats else {
        return Ok(None);
    };
    let Some(node) = args.node else {
        bail!("--nats needs --node NAME: every node of a cluster has its own name");
    };
    let mut config = newsterm_server::ClusterConfig::new(&urls, &node)?;
    config.replicas = args.replicas;
    let span = |flag: &str, text: &str| {
        newsterm_feed::parse_duration(text).with_context(|| format!("{flag} {text}"))
    };
    if let Some(age) = args.retain_age {
        config.retention.max_age = Some(span("--retain-age", &age)?);
    }
    config.retention.max_msgs = args.retain_entries;
    if let Some(window) = args.dedup_window {
        config.dedup_window = span("--dedup-window", &window)?;
    }
    Ok(Some(config))
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// The form of a story file: by extension, else by content.
fn file_format(path: &Path, bytes: &[u8]) -> Result<Format> {
    Format::from_path(path)
        .or_else(|| Format::detect(bytes))
        .with_context(|| {
            format!(
                "{}: cannot tell the story's form; use a .md (Markdown with front matter) or .json (ninjs) file",
                path.display()
            )
        })
}

pub async fn publish(
    server: &ServerArg,
    update: Option<&str>,
    correction: Option<&str>,
    files: &[PathBuf],
) -> Result<()> {
    if correction.is_some() && update.is_none() {
        bail!("--correction marks a revision: give the story with --update ID");
    }
    let client = server.client()?;
    let mut failed = 0;
    for path in files {
        let result = async {
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let format = file_format(path, &bytes)?;
            let content_type = match format {
                Format::Markdown => "text/markdown",
                Format::Ninjs => "application/json",
            };
            let ack = match update {
                Some(id) => client.revise(id, bytes, content_type, correction).await,
                None => client.publish(bytes, content_type).await,
            }
            .with_context(|| format!("{}", path.display()))?;
            say!(
                "{}\t{} revision {} seq {}{}",
                path.display(),
                ack.id,
                ack.revision,
                ack.seq,
                if ack.repeat {
                    " (already sent by this source: not stored again)"
                } else {
                    ""
                }
            );
            anyhow::Ok(())
        }
        .await;
        if let Err(e) = result {
            say_err!("error: {e:#}");
            failed += 1;
        }
    }
    if failed > 0 {
        bail!("{failed} of {} files were not published", files.len());
    }
    Ok(())
}

/// `newsterm withdraw ID --reason …`: kills a story.
pub async fn withdraw(server: &ServerArg, id: &str, reason: &str) -> Result<()> {
    let client = server.client()?;
    let ack = client.withdraw(id, reason).await?;
    say!(
        "{} withdrawn (revision {} seq {})",
        ack.id,
        ack.revision,
        ack.seq
    );
    Ok(())
}

pub async fn import(server: &ServerArg, file: &Path, batch: usize, tag: bool) -> Result<()> {
    let client = server.client()?;
    let size = std::fs::metadata(file)
        .with_context(|| format!("cannot read {}", file.display()))?
        .len();
    let reader = open_maybe_gzip(file)?;
    let bar = ProgressBar::new(size).with_style(
        ProgressStyle::with_template(
            "{spinner} importing [{bar:30}] {bytes}/{total_bytes} {msg} ({elapsed})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let batch = batch.max(1);
    let mut total = ImportReport::default();
    let mut chunk = Vec::new();
    let mut chunk_lines = 0usize;
    let mut first_line = 1u64;
    let mut line_no = 0u64;
    let started = std::time::Instant::now();
    for line in reader.split(b'\n') {
        let line = line.with_context(|| format!("cannot read {}", file.display()))?;
        line_no += 1;
        bar.inc(line.len() as u64 + 1);
        chunk.extend_from_slice(&line);
        chunk.push(b'\n');
        chunk_lines += 1;
        if chunk_lines >= batch {
            send_import(&client, &mut chunk, first_line, tag, &mut total).await?;
            bar.set_message(format!("{} stories", total.imported));
            chunk_lines = 0;
            first_line = line_no + 1;
        }
    }
    if chunk_lines > 0 {
        send_import(&client, &mut chunk, first_line, tag, &mut total).await?;
    }
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    for e in &total.rejected {
        say_err!("{}:{}: {}", file.display(), e.line, e.error);
    }
    let unlisted = total
        .rejected_total
        .saturating_sub(total.rejected.len() as u64);
    if unlisted > 0 {
        say_err!(
            "{}: … and {} more rejected",
            file.display(),
            lines(unlisted)
        );
    }
    say!(
        "imported {} in {:.2}s ({:.0} stories/s); {} rejected{}",
        stories(total.imported),
        secs,
        total.imported as f64 / secs.max(1e-9),
        lines(total.rejected_total),
        match (total.first_seq, total.last_seq) {
            (Some(a), Some(b)) => format!("; wire seq {a}..{b}"),
            _ => String::new(),
        }
    );
    Ok(())
}

/// Sends one chunk of lines to `/api/import` and folds the answer into
/// `total`, turning chunk-relative line numbers into file line numbers.
async fn send_import(
    client: &Client,
    chunk: &mut Vec<u8>,
    first_line: u64,
    tag: bool,
    total: &mut ImportReport,
) -> Result<()> {
    let report = client
        .import(std::mem::take(chunk), tag)
        .await
        .context("import failed")?;
    total.imported += report.imported;
    total.rejected_total += report.rejected_total;
    total.first_seq = total.first_seq.or(report.first_seq);
    total.last_seq = report.last_seq.or(total.last_seq);
    total
        .rejected
        .extend(report.rejected.into_iter().map(|mut e| {
            e.line += first_line - 1;
            e
        }));
    Ok(())
}

/// Opens a file for line reading, decompressing `.gz` files.
pub fn open_maybe_gzip(path: &Path) -> Result<Box<dyn BufRead>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    if path.extension().is_some_and(|e| e == "gz") {
        Ok(Box::new(std::io::BufReader::new(
            flate2::read::GzDecoder::new(file),
        )))
    } else {
        Ok(Box::new(std::io::BufReader::new(file)))
    }
}

pub async fn search(
    server: &ServerArg,
    query: &str,
    limit: usize,
    sort: &str,
    json: bool,
) -> Result<()> {
    let client = server.client()?;
    let sort = match sort {
        "relevance" => Sort::Relevance,
        "time" => Sort::Time,
        other => bail!("--sort `{other}` is not relevance or time"),
    };
    let resp = client.search(query, limit, sort, None).await?;
    if json {
        say!("{}", serde_json::to_string_pretty(&resp)?);
        return Ok(());
    }
    say!(
        "{} {}",
        stories(resp.total),
        if resp.total == 1 { "matches" } else { "match" }
    );
    for hit in &resp.hits {
        say!(
            "{}  {}  {:<6}  {}  [{}]",
            hit.id,
            hit.published.date(),
            hit.priority,
            hit.headline,
            hit.source.as_deref().unwrap_or("-")
        );
        let snippet = strip_tags(&hit.snippet);
        if !snippet.is_empty() {
            say!("    {snippet}");
        }
    }
    Ok(())
}

/// Snippets come with `<b>` marks and HTML escapes; a terminal wants text.
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

pub async fn show(server: &ServerArg, id: &str, rev: Option<u32>, format: &str) -> Result<()> {
    let client = server.client()?;
    match format {
        "text" => {
            let story = client.story(id, rev).await?;
            let revisions = client.revisions(id).await?;
            say!(
                "{}",
                story_text(&story, revisions.len()).trim_end_matches('\n')
            );
        }
        "json" => {
            let story = client.story(id, rev).await?;
            say!("{}", serde_json::to_string_pretty(&story)?);
        }
        "markdown" | "ninjs" => {
            say!(
                "{}",
                client
                    .story_formatted(id, rev, format)
                    .await?
                    .trim_end_matches('\n')
            );
        }
        other => bail!("--format `{other}` is not text, markdown, ninjs or json"),
    }
    Ok(())
}

fn story_text(story: &Story, revisions: usize) -> String {
    let c = &story.content;
    let mut out = format!("{}\n", c.headline);
    for b in &c.bullets {
        out.push_str(&format!("  • {b}\n"));
    }
    let meta: Vec<String> = [
        c.byline.clone(),
        c.dateline.clone(),
        c.source.clone(),
        Some(newsterm_story::format_time(c.published)),
        Some(c.priority.to_string()),
        Some(format!("revision {} of {}", story.revision, revisions)),
    ]
    .into_iter()
    .flatten()
    .collect();
    out.push_str(&format!("{}\n", meta.join(" · ")));
    if let Some(notice) = story.notice() {
        out.push_str(&format!("{notice}\n"));
    }
    if let Some(caption) = &c.caption {
        out.push_str(&format!(
            "[photo] {caption}{}\n",
            c.credit
                .as_ref()
                .map(|cr| format!(" ({cr})"))
                .unwrap_or_default()
        ));
    }
    out.push('\n');
    for block in &c.body {
        match block {
            Block::Paragraph(p) => out.push_str(&format!("{p}\n\n")),
            Block::Subhead(h) => out.push_str(&format!("## {h}\n\n")),
        }
    }
    if let Some(url) = &c.url {
        out.push_str(&format!("{url}\n"));
    }
    out.push_str(&format!("id {}\n", story.id));
    out
}

pub fn headline_line(h: &Headline) -> String {
    let t = h.published;
    format!(
        "{:>6}  {:02}:{:02}  {:<6}  {:<16}  {}{}",
        h.seq,
        t.hour(),
        t.minute(),
        h.priority.as_str().to_uppercase(),
        h.source
            .as_deref()
            .unwrap_or("-")
            .chars()
            .take(16)
            .collect::<String>(),
        h.headline,
        match (h.mark.kind, h.mark.note.as_deref()) {
            (newsterm_story::RevisionKind::Withdrawal, note) => {
                format!("  WITHDRAWN: {}", note.unwrap_or("no reason given"))
            }
            (newsterm_story::RevisionKind::Correction, note) =>
                format!("  (r{}, correction: {})", h.revision, note.unwrap_or("")),
            _ if h.revision > 1 => format!("  (r{})", h.revision),
            _ => String::new(),
        }
    )
}

pub async fn watch(server: &ServerArg, query: &str, since: Option<u64>) -> Result<()> {
    let client = server.client()?;
    let q = (!query.trim().is_empty()).then_some(query);
    let mut stream = Box::pin(client.stream(q, since));
    let mut stdout = std::io::stdout();
    while let Some(event) = stream.next().await {
        match event? {
            StreamEvent::Story(h) => {
                writeln!(stdout, "{}", escape_controls(&headline_line(&h), false))?;
                stdout.flush()?;
            }
            StreamEvent::Connected => say_err!("-- connected to {}", server.server),
            StreamEvent::Disconnected(why) => say_err!("-- disconnected ({why}); reconnecting"),
            StreamEvent::Lagged(l) => {
                say_err!("-- fell behind; resuming after seq {}", l.resume_from)
            }
        }
    }
    Ok(())
}

/// "1 story", "2 stories".
pub fn stories(n: u64) -> String {
    format!("{n} {}", if n == 1 { "story" } else { "stories" })
}

fn lines(n: u64) -> String {
    format!("{n} {}", if n == 1 { "line" } else { "lines" })
}
