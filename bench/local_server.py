"""What the Python benchmarks here share: where the bundled articles are,
and a free loopback port for a `newsterm serve` of their own."""

import pathlib
import socket

ROOT = pathlib.Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "crates/newsterm/data/wikinews_articles.jsonl.gz"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
