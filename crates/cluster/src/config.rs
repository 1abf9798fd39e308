//! What a node is told about its cluster: where NATS is, its own name,
//! and how long the wire stream keeps entries.

use std::time::Duration;

/// Longest node name, in characters.
pub const MAX_NODE_NAME: usize = 64;

/// How a node joins the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterConfig {
    /// NATS server URLs (`nats://host:port`); any reachable one will do,
    /// the client learns the rest of the cluster from it.
    pub urls: Vec<String>,
    /// This node's name, unique in the cluster.
    pub node: String,
    /// Replicas of the wire stream and buckets; `None`: the NATS cluster's
    /// size, at most 3.
    pub replicas: Option<usize>,
    /// How much of the wire the stream keeps.
    pub retention: Retention,
    /// How long JetStream remembers a publish's message id to drop a
    /// repeat of it.
    pub dedup_window: Duration,
}

/// How much of the wire the stream keeps. A node further behind than
/// this re-seeds its store from a snapshot instead of replaying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Retention {
    /// Drop entries older than this.
    pub max_age: Option<Duration>,
    /// Keep at most this many entries.
    pub max_msgs: Option<u64>,
    /// Keep at most this many bytes of entries.
    pub max_bytes: Option<u64>,
}

/// Why a cluster setting was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// `--nats` named no server.
    #[error("--nats needs at least one URL such as nats://127.0.0.1:4222")]
    NoUrls,
    /// A URL that is not `nats://HOST:PORT`.
    #[error("`{0}` is not a NATS URL: write nats://HOST:PORT")]
    BadUrl(String),
    #[error(
        "node name `{0}` must be 1 to {MAX_NODE_NAME} letters, digits, `-` or `_` (it names NATS subjects and keys)"
    )]
    /// A node name unfit for a NATS subject or key.
    BadNode(String),
}

impl ClusterConfig {
    /// A config from `--nats` (comma-separated URLs) and `--node`, with
    /// the stream kept whole and JetStream's default duplicate window.
    pub fn new(urls: &str, node: &str) -> Result<ClusterConfig, ConfigError> {
        let urls: Vec<String> = urls
            .split(',')
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(|u| {
                let rest = u
                    .strip_prefix("nats://")
                    .ok_or_else(|| ConfigError::BadUrl(u.to_string()))?;
                let (host, port) = rest
                    .rsplit_once(':')
                    .ok_or_else(|| ConfigError::BadUrl(u.to_string()))?;
                if host.is_empty() || port.parse::<u16>().is_err() {
                    return Err(ConfigError::BadUrl(u.to_string()));
                }
                Ok(u.to_string())
            })
            .collect::<Result<_, _>>()?;
        if urls.is_empty() {
            return Err(ConfigError::NoUrls);
        }
        let node = node.trim();
        let valid = !node.is_empty()
            && node.chars().count() <= MAX_NODE_NAME
            && node
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(ConfigError::BadNode(node.chars().take(80).collect()));
        }
        Ok(ClusterConfig {
            urls,
            node: node.to_string(),
            replicas: None,
            retention: Retention::default(),
            dedup_window: Duration::from_secs(120),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_node_names_are_checked() {
        let c = ClusterConfig::new("nats://127.0.0.1:4222, nats://h2:4223", "node-1").unwrap();
        assert_eq!(c.urls, ["nats://127.0.0.1:4222", "nats://h2:4223"]);
        assert_eq!(c.node, "node-1");
        assert_eq!(
            ClusterConfig::new("", "a"),
            Err(ConfigError::NoUrls),
            "an empty --nats is refused"
        );
        assert_eq!(
            ClusterConfig::new("http://x:1", "a"),
            Err(ConfigError::BadUrl("http://x:1".into()))
        );
        assert_eq!(
            ClusterConfig::new("nats://x:port", "a"),
            Err(ConfigError::BadUrl("nats://x:port".into()))
        );
        assert!(matches!(
            ClusterConfig::new("nats://x:1", "a.b"),
            Err(ConfigError::BadNode(_))
        ));
        assert!(matches!(
            ClusterConfig::new("nats://x:1", " "),
            Err(ConfigError::BadNode(_))
        ));
    }
}
