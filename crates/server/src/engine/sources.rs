//! Feed sources in the engine: `sources.db`, the poller that reads them on
//! their schedules, and the sink through which polled and imported items
//! take the same path as a publish (tagged, stored durably, then indexed
//! and fanned out).

use std::pin::Pin;
use std::sync::Arc;

use newsterm_feed::{Fetcher, IngestItem, Poller, SinkError, SinkResult, SourceStore};
use newsterm_store::Write;

use super::{Engine, IngestError};

/// The sources and the poller that reads them.
#[derive(Clone)]
pub struct Sources {
    pub store: Arc<SourceStore>,
    pub poller: Poller,
    pub fetcher: Fetcher,
}

/// Why feed sources could not be opened; the rest of the server serves
/// without them.
#[derive(Debug, thiserror::Error)]
pub enum SourcesUnavailable {
    #[error(transparent)]
    Store(#[from] newsterm_feed::SourcesError),
    #[error(transparent)]
    Fetcher(#[from] newsterm_feed::FetchError),
}

impl Sources {
    /// Opens `sources.db` in the engine's data directory. The poller is
    /// made but not started: the caller runs [`Poller::run`] on its
    /// runtime. A node of a cluster (`node`) names itself in the
    /// User-Agent of its fetches, so a publisher can tell which node
    /// polls.
    pub fn open(engine: &Arc<Engine>, node: Option<&str>) -> Result<Sources, SourcesUnavailable> {
        let store = Arc::new(SourceStore::open(&engine.data_dir().sources())?);
        let defaults = newsterm_feed::FetchOptions::default();
        let user_agent = match node {
            Some(node) => format!("{} (node {node})", defaults.user_agent),
            None => defaults.user_agent.clone(),
        };
        let fetcher = Fetcher::new(newsterm_feed::FetchOptions {
            reach: engine.outbound().clone(),
            user_agent,
            ..defaults
        })?;
        let poller = Poller::new(
            store.clone(),
            fetcher.clone(),
            sink(engine.clone()),
            Default::default(),
        );
        Ok(Sources {
            store,
            poller,
            fetcher,
        })
    }
}

type SinkFuture = Pin<Box<dyn Future<Output = SinkResult> + Send>>;

/// Where polled and imported items go: tagged on the blocking pool, then
/// into the engine like any publish.
pub fn sink(engine: Arc<Engine>) -> impl Fn(Vec<IngestItem>) -> SinkFuture + Send + Sync + 'static {
    move |items: Vec<IngestItem>| {
        let engine = engine.clone();
        Box::pin(async move {
            let tagging = engine.clone();
            let writes = tokio::task::spawn_blocking(move || {
                items
                    .into_iter()
                    .map(|item| match item {
                        IngestItem::New(content) => {
                            let tags = tagging.tag(&content);
                            Write::New(content, tags)
                        }
                        IngestItem::Revise(id, content) => {
                            let tags = tagging.tag(&content);
                            Write::Revise(id, content, tags)
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .await
            .map_err(|e| SinkError::Store(format!("tagging failed: {e}")))?;
            let results = engine.ingest(writes).await.map_err(sink_error)?;
            Ok(results
                .into_iter()
                .map(|r| match r {
                    Ok(s) => Ok((s.id, s.revision)),
                    // The feed sent a story its source already sent (under
                    // another guid): the item stands for that story.
                    Err(IngestError::Repeat(earlier)) => Ok((earlier, 1)),
                    Err(e) => Err(sink_error(e)),
                })
                .collect())
        }) as SinkFuture
    }
}

fn sink_error(e: IngestError) -> SinkError {
    match e {
        IngestError::NotFound(id) | IngestError::Stale { id, .. } | IngestError::Withdrawn(id) => {
            SinkError::StoryGone(id)
        }
        IngestError::Repeat(id) => SinkError::Store(format!("repeats story {id}")),
        IngestError::DiskFull => SinkError::DiskFull,
        IngestError::ShuttingDown => SinkError::ShuttingDown,
        IngestError::Store(message) => SinkError::Store(message),
        IngestError::Unavailable(message) => SinkError::Store(message),
    }
}
