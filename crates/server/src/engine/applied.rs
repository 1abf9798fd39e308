//! How far this node has applied the replicated log, and what each
//! recent entry became: what a publish waits on before it answers, so a
//! publisher reads its own write on the node that took it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use newsterm_story::Story;
use tokio::sync::watch;

use super::IngestError;

/// Outcomes kept for publishers still waiting; an older one is read back
/// from the store.
const RECENT: usize = 16_384;

/// What an entry became on this node.
pub(crate) type Outcome = Result<Arc<Story>, IngestError>;

pub(crate) struct Applied {
    /// The position applied, and whether applying has stopped for good.
    position: watch::Sender<(u64, bool)>,
    recent: Mutex<BTreeMap<u64, Outcome>>,
    /// Why this node stopped applying, if it did.
    stalled: Mutex<Option<String>>,
}

impl Applied {
    pub(crate) fn new(position: u64) -> Applied {
        Applied {
            position: watch::Sender::new((position, false)),
            recent: Mutex::new(BTreeMap::new()),
            stalled: Mutex::new(None),
        }
    }

    /// Records what entries became and the log position now applied.
    pub(crate) fn record(&self, outcomes: Vec<(u64, Outcome)>, position: u64) {
        {
            let mut recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
            recent.extend(outcomes);
            while recent.len() > RECENT {
                recent.pop_first();
            }
        }
        self.position.send_if_modified(|(p, _)| {
            let moved = position > *p;
            *p = (*p).max(position);
            moved
        });
    }

    pub(crate) fn position(&self) -> u64 {
        self.position.borrow().0
    }

    /// Waits until the log is applied up to `seq`; fails if this node has
    /// stopped applying it.
    pub(crate) async fn reach(&self, seq: u64) -> Result<(), IngestError> {
        let mut rx = self.position.subscribe();
        let reached = rx
            .wait_for(|(p, stalled)| *p >= seq || *stalled)
            .await
            .map(|state| state.0 >= seq)
            .unwrap_or(false);
        if reached {
            return Ok(());
        }
        Err(IngestError::Unavailable(self.stalled().unwrap_or_else(
            || "this node stopped applying the cluster's log".into(),
        )))
    }

    /// Waits until entry `seq` is applied, then what it became; `None`
    /// when it is too old to be remembered here.
    pub(crate) async fn outcome(&self, seq: u64) -> Result<Option<Outcome>, IngestError> {
        self.reach(seq).await?;
        Ok(self
            .recent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&seq)
            .cloned())
    }

    pub(crate) fn stall(&self, why: String) {
        tracing::error!("{why}");
        *self.stalled.lock().unwrap_or_else(PoisonError::into_inner) = Some(why);
        self.position.send_modify(|(_, stalled)| *stalled = true);
    }

    pub(crate) fn stalled(&self) -> Option<String> {
        self.stalled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}
