//! Where users, tokens and alerts live: [`Records`], the one type the
//! CLI and the HTTP handlers change them through.
//!
//! - A single server: in its data directory's files (`accounts.db`,
//!   `alerts.db`), written directly, as always.
//! - A node of a cluster: in the cluster's key-value buckets
//!   (`newsterm_cluster::shared`). A change is written to the bucket
//!   first, then to this node's files; every other node's files take it
//!   from its watch of the bucket ([`follow`]), so a token made or an
//!   alert added on one node works on all, and a revocation or removal
//!   on one takes effect on all. The files are the node's view of the
//!   buckets: at start the view is made equal to them
//!   (a removal made while the node was down is applied then).
//!
//! Feed sources are shared the same way (`sources.rs`), their polling
//! status and seen items included.
//!
//! A cluster node's data directory holds `cluster.json` (the NATS URLs),
//! so `newsterm user …` and `newsterm token …` on that directory change
//! the cluster's accounts, not only the node's copy.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use futures_util::StreamExt;
use newsterm_accounts::{
    AccountRecord, Accounts, AccountsError, NewToken, Role, Scopes, User, token_key, user_key,
};
use newsterm_alert::{Alert, AlertError, AlertId, AlertRecord, AlertSpec, Whose};
use newsterm_cluster::shared::{self, Change, SharedBucket};
use newsterm_cluster::{ClusterError, Nats};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio::sync::watch;

use crate::engine::{DataDir, Engine};

mod sources;

/// The file in a cluster node's data directory that names its NATS
/// servers.
pub const CLUSTER_FILE: &str = "cluster.json";
/// The counter user ids come from in a cluster.
const USER_COUNTER: &str = "next.user";
/// The counter alert ids come from in a cluster.
const ALERT_COUNTER: &str = "next.alert";

/// Why a change to users, tokens or alerts was not made.
#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    /// The accounts refused it or could not be read.
    #[error(transparent)]
    Accounts(#[from] AccountsError),
    /// The alerts refused it or could not be read.
    #[error(transparent)]
    Alert(#[from] AlertError),
    /// The feed sources refused it or could not be read.
    #[error(transparent)]
    Sources(#[from] newsterm_feed::SourcesError),
    /// The cluster's buckets could not be reached.
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    /// `cluster.json` could not be read or written.
    #[error("{path}: {message}")]
    ClusterFile {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Another node made a user at the same moment under the same name.
    #[error("another node added a user at the same moment; try again")]
    Raced,
}

/// What `cluster.json` holds.
#[derive(Serialize, Deserialize)]
struct ClusterFile {
    /// The NATS server URLs the node was started with.
    urls: Vec<String>,
}

/// Where users, tokens and alerts live (see the module's text). Cheap to
/// clone.
#[derive(Clone)]
pub struct Records {
    cluster: Option<Buckets>,
}

#[derive(Clone)]
struct Buckets {
    accounts: SharedBucket,
    alerts: SharedBucket,
    sources: SharedBucket,
}

fn alert_key(id: AlertId) -> String {
    format!("alert.{id}")
}

fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    // Plain structs of strings and numbers always serialize.
    serde_json::to_vec(value).unwrap_or_default()
}

/// Runs blocking file work (SQLite) off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, RecordsError> + Send + 'static,
) -> Result<T, RecordsError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| RecordsError::Accounts(AccountsError::Hash(format!("a worker failed: {e}"))))?
}

impl Records {
    /// A single server's: its own files only.
    pub fn local() -> Records {
        Records { cluster: None }
    }

    /// The cluster's buckets, reached through `nats`.
    pub(crate) async fn in_cluster(nats: &Nats) -> Result<Records, ClusterError> {
        Ok(Records {
            cluster: Some(Buckets {
                accounts: SharedBucket::open(nats, shared::ACCOUNTS).await?,
                alerts: SharedBucket::open(nats, shared::ALERTS).await?,
                sources: SharedBucket::open(nats, shared::SOURCES).await?,
            }),
        })
    }

    /// The records of `data_dir` as the CLI changes them: its cluster's
    /// when a node was started on it with `--nats` (it holds
    /// `cluster.json`), its own files otherwise. A cluster's accounts are
    /// copied into `accounts` first, so the CLI lists and checks what the
    /// cluster holds.
    pub async fn of_data_dir(
        data_dir: &DataDir,
        accounts: Arc<Accounts>,
    ) -> Result<Records, RecordsError> {
        let path = data_dir.path().join(CLUSTER_FILE);
        let text = match std::fs::read(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Records::local()),
            Err(e) => {
                return Err(RecordsError::ClusterFile {
                    path,
                    message: e.to_string(),
                });
            }
        };
        let file: ClusterFile =
            serde_json::from_slice(&text).map_err(|e| RecordsError::ClusterFile {
                path: path.clone(),
                message: e.to_string(),
            })?;
        let nats = Nats::connect(&file.urls, "newsterm-cli", None).await?;
        let records = Records::in_cluster(&nats).await?;
        if let Some(b) = &records.cluster {
            let current = b.accounts.follow().await?.current;
            sync_accounts(&b.accounts, &current, accounts).await?;
        }
        Ok(records)
    }

    /// Notes in `data_dir` which cluster it belongs to (`urls`), or, with
    /// none, that it belongs to none.
    pub(crate) fn mark(data_dir: &DataDir, urls: Option<&[String]>) -> Result<(), RecordsError> {
        let path = data_dir.path().join(CLUSTER_FILE);
        let failed = |e: std::io::Error| RecordsError::ClusterFile {
            path: path.clone(),
            message: e.to_string(),
        };
        match urls {
            Some(urls) => std::fs::write(
                &path,
                to_json(&ClusterFile {
                    urls: urls.to_vec(),
                }),
            )
            .map_err(failed),
            None => match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(failed(e)),
                _ => Ok(()),
            },
        }
    }

    /// Adds a user.
    pub async fn add_user(
        &self,
        accounts: Arc<Accounts>,
        name: String,
        role: Role,
        password: Option<String>,
    ) -> Result<User, RecordsError> {
        let Some(b) = &self.cluster else {
            return blocking(move || Ok(accounts.add_user(&name, role, password.as_deref())?))
                .await;
        };
        let floor = {
            let accounts = accounts.clone();
            blocking(move || Ok(accounts.last_user_id()?)).await?
        };
        let id = b
            .accounts
            .next_id(USER_COUNTER, floor.unsigned_abs())
            .await?;
        let id = i64::try_from(id).map_err(|_| RecordsError::Raced)?;
        let record = {
            let accounts = accounts.clone();
            blocking(move || {
                Ok(AccountRecord::User(accounts.new_user_record(
                    id,
                    &name,
                    role,
                    password.as_deref(),
                )?))
            })
            .await?
        };
        match b.accounts.create(&record.key(), to_json(&record)).await {
            Ok(_) => {}
            Err(ClusterError::Taken { .. }) => return Err(RecordsError::Raced),
            Err(e) => return Err(e.into()),
        }
        blocking(move || {
            accounts.apply(&record)?;
            let AccountRecord::User(u) = &record else {
                return Err(RecordsError::Raced);
            };
            let user = accounts
                .users()?
                .into_iter()
                .find(|x| x.id == u.id)
                .ok_or_else(|| AccountsError::NoSuchUser(u.name.clone()))?;
            Ok(user)
        })
        .await
    }

    /// Removes a user with their tokens and sessions.
    pub async fn remove_user(
        &self,
        accounts: Arc<Accounts>,
        name: String,
    ) -> Result<(), RecordsError> {
        if let Some(b) = &self.cluster {
            let (user, tokens) = {
                let accounts = accounts.clone();
                let name = name.clone();
                blocking(move || {
                    let user = accounts.user_record(&name)?;
                    let tokens = accounts.tokens(Some(&user.name))?;
                    Ok((user, tokens))
                })
                .await?
            };
            for token in tokens {
                b.accounts.delete(&token_key(&token.id)).await?;
            }
            b.accounts.delete(&user_key(user.id)).await?;
            // A server on this directory may have applied the removal
            // from its watch already.
            return blocking(move || match accounts.remove_user(&name) {
                Ok(()) | Err(AccountsError::NoSuchUser(_)) => Ok(()),
                Err(e) => Err(e.into()),
            })
            .await;
        }
        blocking(move || Ok(accounts.remove_user(&name)?)).await
    }

    /// Sets a user's password (ending their sessions on this node).
    pub async fn set_password(
        &self,
        accounts: Arc<Accounts>,
        name: String,
        password: String,
    ) -> Result<(), RecordsError> {
        let record = {
            let accounts = accounts.clone();
            blocking(move || {
                accounts.set_password(&name, &password)?;
                Ok(AccountRecord::User(accounts.user_record(&name)?))
            })
            .await?
        };
        if let Some(b) = &self.cluster {
            b.accounts.put(&record.key(), to_json(&record)).await?;
        }
        Ok(())
    }

    /// Creates an API token.
    pub async fn create_token(
        &self,
        accounts: Arc<Accounts>,
        user: String,
        scopes: Option<Scopes>,
        lifetime: Option<time::Duration>,
        name: Option<String>,
    ) -> Result<NewToken, RecordsError> {
        let (new, record) = {
            let accounts = accounts.clone();
            blocking(move || {
                let new = accounts.create_token(&user, scopes, lifetime, name.as_deref())?;
                let record = AccountRecord::Token(accounts.token_record(&new.info.id)?);
                Ok((new, record))
            })
            .await?
        };
        if let Some(b) = &self.cluster
            && let Err(e) = b.accounts.put(&record.key(), to_json(&record)).await
        {
            // Not shared, so not made: nothing half-done stays behind.
            let id = new.info.id.clone();
            blocking(move || Ok(accounts.revoke_token(&id)?)).await?;
            return Err(e.into());
        }
        Ok(new)
    }

    /// Revokes a token (by id, or given whole).
    pub async fn revoke_token(
        &self,
        accounts: Arc<Accounts>,
        id_or_token: String,
    ) -> Result<(), RecordsError> {
        if let Some(b) = &self.cluster {
            let id = id_or_token
                .rsplit_once('_')
                .and_then(|(head, _)| head.strip_prefix(newsterm_accounts::TOKEN_PREFIX))
                .unwrap_or(id_or_token.trim())
                .to_string();
            let known = {
                let accounts = accounts.clone();
                let id = id.clone();
                blocking(move || Ok(accounts.token_record(&id).is_ok())).await?
            };
            if known {
                b.accounts.delete(&token_key(&id)).await?;
                // A server on this directory may have applied the
                // revocation from its watch already.
                return blocking(move || match accounts.revoke_token(&id) {
                    Ok(()) | Err(AccountsError::NoSuchToken(_)) => Ok(()),
                    Err(e) => Err(e.into()),
                })
                .await;
            }
        }
        blocking(move || Ok(accounts.revoke_token(&id_or_token)?)).await
    }

    /// Adds an alert of `owner` (a user id; `None` in local mode).
    pub(crate) async fn add_alert(
        &self,
        engine: Arc<Engine>,
        spec: AlertSpec,
        owner: Option<i64>,
    ) -> Result<Alert, RecordsError> {
        let Some(b) = &self.cluster else {
            return blocking(move || Ok(engine.alerts().add(spec, owner)?)).await;
        };
        let query = spec.validate()?;
        let floor = {
            let engine = engine.clone();
            blocking(move || Ok(engine.alerts().last_id()?)).await?
        };
        let id = AlertId(b.alerts.next_id(ALERT_COUNTER, floor).await?);
        let now = OffsetDateTime::now_utc();
        let alert = Alert {
            id,
            name: spec.name.trim().to_string(),
            query_text: spec.query.clone(),
            query,
            delivery: spec.delivery.clone(),
            created: OffsetDateTime::from_unix_timestamp(now.unix_timestamp()).unwrap_or(now),
            owner,
        };
        b.alerts
            .create(&alert_key(id), to_json(&AlertRecord::of(&alert)?))
            .await?;
        let taken = alert.clone();
        blocking(move || Ok(engine.alerts().put(taken)?)).await?;
        Ok(alert)
    }

    /// Gives alert `id` a new name, query and delivery, keeping its owner
    /// and creation time; `None` when there is no such alert. In a cluster
    /// the bucket takes the change first, as for a new alert, so every
    /// node's copy follows.
    pub(crate) async fn replace_alert(
        &self,
        engine: Arc<Engine>,
        id: AlertId,
        spec: AlertSpec,
    ) -> Result<Option<Alert>, RecordsError> {
        let Some(b) = &self.cluster else {
            return blocking(move || Ok(engine.alerts().replace(id, spec)?)).await;
        };
        let query = spec.validate()?;
        let Some(before) = engine.alerts().get(id, Whose::Everyone) else {
            return Ok(None);
        };
        let alert = Alert {
            name: spec.name.trim().to_string(),
            query_text: spec.query.clone(),
            query,
            delivery: spec.delivery.clone(),
            ..before
        };
        b.alerts
            .put(&alert_key(id), to_json(&AlertRecord::of(&alert)?))
            .await?;
        let taken = alert.clone();
        blocking(move || Ok(engine.alerts().put(taken)?)).await?;
        Ok(Some(alert))
    }

    /// Removes an alert; false when there was none.
    pub(crate) async fn remove_alert(
        &self,
        engine: Arc<Engine>,
        id: AlertId,
    ) -> Result<bool, RecordsError> {
        let Some(b) = &self.cluster else {
            return blocking(move || Ok(engine.alerts().remove(id)?)).await;
        };
        if b.alerts.get(&alert_key(id)).await?.is_none() {
            return Ok(false);
        }
        b.alerts.delete(&alert_key(id)).await?;
        // This node's watch may have removed it already.
        blocking(move || Ok(engine.alerts().remove(id)?)).await?;
        Ok(true)
    }

    /// Brings this node's accounts and alerts to what the cluster holds
    /// and keeps them there until `stop` turns true. Does nothing for a
    /// single server.
    pub(crate) async fn follow(
        &self,
        accounts: Arc<Accounts>,
        engine: Arc<Engine>,
        stop: watch::Receiver<bool>,
    ) -> Result<(), RecordsError> {
        let Some(b) = &self.cluster else {
            return Ok(());
        };
        let following = b.accounts.follow().await?;
        sync_accounts(&b.accounts, &following.current, accounts.clone()).await?;
        tokio::spawn(apply_changes(following.changes, stop.clone(), {
            let accounts = accounts.clone();
            move |change| {
                let accounts = accounts.clone();
                blocking(move || {
                    match change {
                        Change::Put { value, .. } => {
                            if let Ok(record) = serde_json::from_slice::<AccountRecord>(&value) {
                                accounts.apply(&record)?;
                            }
                        }
                        Change::Delete { key } => accounts.forget(&key)?,
                    }
                    Ok(())
                })
            }
        }));
        let following = b.alerts.follow().await?;
        sync_alerts(&b.alerts, &following.current, engine.clone()).await?;
        tokio::spawn(apply_changes(following.changes, stop, move |change| {
            let engine = engine.clone();
            blocking(move || {
                match change {
                    Change::Put { value, .. } => {
                        if let Some(alert) = decode_alert(&value) {
                            engine.alerts().put(alert)?;
                        }
                    }
                    Change::Delete { key } => {
                        if let Some(id) = key.strip_prefix("alert.").and_then(|i| i.parse().ok()) {
                            engine.alerts().remove(AlertId(id))?;
                        }
                    }
                }
                Ok(())
            })
        }));
        Ok(())
    }
}

fn decode_alert(value: &[u8]) -> Option<Alert> {
    let record: AlertRecord = serde_json::from_slice(value).ok()?;
    let id = record.id;
    match record.into_alert() {
        Ok(alert) => Some(alert),
        Err(e) => {
            tracing::warn!(alert = id, error = %e, "a shared alert cannot be read; skipped");
            None
        }
    }
}

/// Applies each change of a bucket, in order, until `stop`.
async fn apply_changes<F, Fut>(
    mut changes: futures_util::stream::BoxStream<'static, Change>,
    mut stop: watch::Receiver<bool>,
    apply: F,
) where
    F: Fn(Change) -> Fut,
    Fut: Future<Output = Result<(), RecordsError>>,
{
    loop {
        let change = tokio::select! {
            change = changes.next() => change,
            _ = stop.wait_for(|s| *s) => return,
        };
        let Some(change) = change else { return };
        if let Err(e) = apply(change).await {
            tracing::error!(error = %e, "cannot apply a shared change to this node's files");
        }
    }
}

/// Makes `accounts` hold what the bucket holds. A bucket that was never
/// written to takes this node's accounts first, so the users made before
/// the cluster existed are kept (its id counter, written then, marks the
/// bucket as written even once every user is removed again).
async fn sync_accounts(
    bucket: &SharedBucket,
    current: &BTreeMap<String, bytes::Bytes>,
    accounts: Arc<Accounts>,
) -> Result<(), RecordsError> {
    let records = if current.is_empty() {
        let accounts = accounts.clone();
        blocking(move || Ok(accounts.records()?)).await?
    } else {
        Vec::new()
    };
    if !records.is_empty() {
        for record in &records {
            match bucket.create(&record.key(), to_json(record)).await {
                Ok(_) | Err(ClusterError::Taken { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let floor = {
            let accounts = accounts.clone();
            blocking(move || Ok(accounts.last_user_id()?)).await?
        };
        // Marks the bucket as written, even with no user yet.
        bucket.next_id(USER_COUNTER, floor.unsigned_abs()).await?;
    }
    let current = bucket.follow().await?.current;
    let records: Vec<AccountRecord> = current
        .values()
        .filter_map(|v| serde_json::from_slice(v).ok())
        .collect();
    blocking(move || Ok(accounts.replace_all(&records)?)).await
}

/// Makes this node's alerts what the bucket holds, as
/// [`sync_accounts`] does for accounts.
async fn sync_alerts(
    bucket: &SharedBucket,
    current: &BTreeMap<String, bytes::Bytes>,
    engine: Arc<Engine>,
) -> Result<(), RecordsError> {
    let alerts = if current.is_empty() {
        engine.alerts().list(Whose::Everyone)
    } else {
        Vec::new()
    };
    if !alerts.is_empty() {
        for alert in &alerts {
            match bucket
                .create(&alert_key(alert.id), to_json(&AlertRecord::of(alert)?))
                .await
            {
                Ok(_) | Err(ClusterError::Taken { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let floor = {
            let engine = engine.clone();
            blocking(move || Ok(engine.alerts().last_id()?)).await?
        };
        bucket.next_id(ALERT_COUNTER, floor).await?;
    }
    let current = bucket.follow().await?.current;
    let wanted: BTreeMap<AlertId, Alert> = current
        .values()
        .filter_map(|v| decode_alert(v))
        .map(|a| (a.id, a))
        .collect();
    blocking(move || {
        let alerts = engine.alerts();
        for alert in alerts.list(Whose::Everyone) {
            if !wanted.contains_key(&alert.id) {
                alerts.remove(alert.id)?;
            }
        }
        for alert in wanted.into_values() {
            alerts.put(alert)?;
        }
        Ok(())
    })
    .await
}
