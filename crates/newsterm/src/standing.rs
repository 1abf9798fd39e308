//! `newsterm alert …` and `newsterm source …`: the standing things a
//! server keeps — alerts it matches every story against, feeds it polls —
//! and `newsterm import-feed`.

use std::path::Path;

use crate::ServerArg;
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use newsterm_api::{
    AlertDelivery, ImportFeedParams, NewAlert, NewSource, SourceState, WebhookTarget,
};

use crate::commands::headline_line;

#[derive(Subcommand)]
pub enum AlertCommand {
    /// Add an alert: a name and a query in the search language.
    Add {
        name: String,
        /// The query. Options may follow it, so a query whose first word
        /// starts with `-` goes after `--`: `alert add quakes -- -drill quake`.
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// POST each hit to this URL (signed with HMAC-SHA256).
        #[arg(long)]
        webhook: Option<String>,
        /// The webhook's signing secret (a random one when absent).
        #[arg(long, requires = "webhook")]
        secret: Option<String>,
        /// Do not show hits in terminals and on the alert stream.
        #[arg(long)]
        no_stream: bool,
        /// Do not keep an Atom feed of the hits.
        #[arg(long)]
        no_feed: bool,
    },
    /// List alerts.
    List,
    /// Remove an alert.
    Rm { id: u64 },
    /// Show which of the latest stories a query would fire on.
    Test {
        /// The query; words may start with `-` (options go before it).
        #[arg(required = true, num_args = 1.., allow_hyphen_values = true)]
        query: Vec<String>,
    },
    /// Show the latest hits (of one alert, or of all).
    Hits { id: Option<u64> },
}

#[derive(Subcommand)]
pub enum SourceCommand {
    /// Poll a feed (RSS, Atom, JSON Feed or ninjs) on a schedule.
    Add {
        url: String,
        /// How often: 30s, 5m, 1h…
        #[arg(long)]
        every: Option<String>,
        /// Shown as each story's source (default: the feed's title).
        #[arg(long)]
        name: Option<String>,
        /// Priority of its stories: flash, urgent or normal.
        #[arg(long)]
        priority: Option<newsterm_story::Priority>,
    },
    /// List sources with their status.
    List,
    Rm {
        id: i64,
    },
    Pause {
        id: i64,
    },
    Resume {
        id: i64,
    },
    /// Poll now and say what was taken.
    Poll {
        id: i64,
    },
}

pub async fn alert(server: &ServerArg, cmd: AlertCommand) -> Result<()> {
    let client = server.client()?;
    match cmd {
        AlertCommand::Add {
            name,
            query,
            webhook,
            secret,
            no_stream,
            no_feed,
        } => {
            let alert = client
                .add_alert(&NewAlert {
                    name,
                    query: query.join(" "),
                    delivery: AlertDelivery {
                        stream: !no_stream,
                        webhook: webhook.map(|url| WebhookTarget {
                            url,
                            secret,
                            failing: false,
                        }),
                        feed: !no_feed,
                    },
                })
                .await?;
            say!("alert {}\t{}\t{}", alert.id, alert.name, alert.query);
            if let Some(secret) = alert.delivery.webhook.and_then(|w| w.secret) {
                say!(
                    "webhook secret (shown once, keep it where the receiver checks signatures): {secret}"
                );
            }
        }
        AlertCommand::List => {
            for a in client.alerts().await? {
                let mut to = Vec::new();
                if a.delivery.stream {
                    to.push("stream".to_string());
                }
                if let Some(w) = &a.delivery.webhook {
                    to.push(format!(
                        "webhook {}{}",
                        w.url,
                        if w.failing { " (failing)" } else { "" }
                    ));
                }
                if a.delivery.feed {
                    to.push(format!("feed /feeds/alerts/{}.atom", a.id));
                }
                say!("{}\t{}\t{}\t[{}]", a.id, a.name, a.query, to.join(", "));
            }
        }
        AlertCommand::Rm { id } => {
            client.remove_alert(id).await?;
            say!("removed alert {id}");
        }
        AlertCommand::Test { query } => {
            let hits = client.test_alert(&query.join(" "), 50).await?;
            say!("{} of the latest stories match", hits.len());
            for h in hits {
                say!("{}", headline_line(&h));
            }
        }
        AlertCommand::Hits { id } => {
            for hit in client.alert_hits(id, 50).await? {
                say!("{}\t{}", hit.name, headline_line(&hit.story));
            }
        }
    }
    Ok(())
}

pub async fn source(server: &ServerArg, cmd: SourceCommand) -> Result<()> {
    let client = server.client()?;
    match cmd {
        SourceCommand::Add {
            url,
            every,
            name,
            priority,
        } => {
            let new = NewSource {
                url,
                name,
                every,
                priority,
            };
            let s = client.add_source(&new).await?;
            say!("source {}\t{}\tevery {}", s.id, s.url, s.every);
        }
        SourceCommand::List => {
            for s in client.sources().await? {
                let state = match s.state() {
                    SourceState::Paused => "paused".to_string(),
                    SourceState::Failing { in_a_row, error } => {
                        format!("failing ({in_a_row} in a row): {error}")
                    }
                    SourceState::Ok { at } => format!("ok at {}", newsterm_story::format_time(at)),
                    SourceState::Waiting => "not polled yet".to_string(),
                };
                say!(
                    "{}\t{}\tevery {}\t{} new / {} seen, {} taken\t{}",
                    s.id,
                    s.name.as_deref().unwrap_or(&s.url),
                    s.every,
                    s.status.items_new,
                    s.status.items_seen,
                    s.status.total_taken,
                    state
                );
            }
        }
        SourceCommand::Rm { id } => {
            client.remove_source(id).await?;
            say!("removed source {id}");
        }
        SourceCommand::Pause { id } => {
            client.pause_source(id).await?;
            say!("paused source {id}");
        }
        SourceCommand::Resume { id } => {
            client.resume_source(id).await?;
            say!("resumed source {id}");
        }
        SourceCommand::Poll { id } => {
            say!("{}", client.poll_source(id).await?.summary());
        }
    }
    Ok(())
}

/// Imports one feed file or URL once, through the server.
pub async fn import_feed(server: &ServerArg, input: &str, source: Option<&str>) -> Result<()> {
    let client = server.client()?;
    let lower = input.to_ascii_lowercase();
    let mut params = ImportFeedParams {
        source: source.map(str::to_string),
        ..ImportFeedParams::default()
    };
    let report = if lower.starts_with("http://") || lower.starts_with("https://") {
        params.url = Some(input.to_string());
        client.import_feed(&params, Vec::new()).await?
    } else {
        let bytes =
            std::fs::read(Path::new(input)).with_context(|| format!("cannot read {input}"))?;
        if bytes.is_empty() {
            bail!("{input} is empty");
        }
        client.import_feed(&params, bytes).await?
    };
    say!("{}", report.summary());
    for f in &report.failed {
        say_err!("skipped {}: {}", f.key, f.reason);
    }
    Ok(())
}
