#!/usr/bin/env python3
"""How many pages one tagged publish writes to the story store's WAL, and
into which tables and indexes.

Starts `newsterm serve` on a fresh data directory, imports the bundled
Wikinews articles (tagged) but the last few, then publishes those one at
a time and reads each commit's frames from the end of store.db-wal,
naming each page's b-tree with SQLite's dbstat.

    python3 bench/wal_pages.py target/release/newsterm [PUBLISHES] [--now]

With --now the publishes carry no date of their own, so the server dates
them as it receives them, as a live wire's stories are; without it each
keeps its article's date (years apart).

Needs Debian's sqlite3 (dbstat is compiled in).
"""

import collections
import gzip
import json
import pathlib
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

from local_server import ARTICLES, free_port

PAGE = 8192


def last_commit(wal):
    """Page numbers of the frames of the WAL's last commit."""
    data = wal.read_bytes()
    salts = struct.unpack(">II", data[16:24])
    frames, commits, off = [], [], 32
    while off + 24 <= len(data):
        page, commit, s1, s2 = struct.unpack(">IIII", data[off : off + 16])
        if (s1, s2) != salts:
            break
        frames.append(page)
        if commit:
            commits.append(len(frames))
        off += 24 + PAGE
    start = commits[-2] if len(commits) > 1 else 0
    return frames[start : commits[-1]]


def main():
    args = [a for a in sys.argv[1:] if a != "--now"]
    live = "--now" in sys.argv[1:]
    binary = pathlib.Path(args[0]).resolve()
    publishes = int(args[1]) if len(args) > 1 else 10
    articles = [json.loads(l) for l in gzip.open(ARTICLES, "rt")]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        lines = tmp / "articles.jsonl"
        lines.write_text(
            "".join(
                json.dumps({"headline": a["title"], "body": a["body"],
                            "published": a["published"] + "T12:00:00Z"}) + "\n"
                for a in articles[:-publishes]
            )
        )
        server = f"http://127.0.0.1:{free_port()}"
        data = tmp / "data"
        serve = subprocess.Popen(
            [binary, "serve", "--data", data, "--listen", server[7:]],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(server + "/healthz")
                    break
                except OSError:
                    time.sleep(0.1)
            subprocess.run([binary, "import", "--server", server, lines],
                           check=True, stdout=subprocess.DEVNULL)
            time.sleep(2)
            db = data / "store.db"
            commits = []
            for a in articles[-publishes:]:
                dated = "" if live else "published: %sT12:00:00Z\n" % a["published"]
                story = "---\nheadline: %s\n%s---\n%s\n" % (
                    json.dumps(a["title"]), dated, a["body"])
                urllib.request.urlopen(urllib.request.Request(
                    server + "/api/stories", data=story.encode(),
                    headers={"content-type": "text/markdown"}))
                commits.append(last_commit(pathlib.Path(str(db) + "-wal")))
            # Named after the publishes, so that the pages they added have
            # their b-tree too.
            names = dict(
                line.split("|")
                for line in subprocess.run(
                    ["sqlite3", "-readonly", db, "SELECT pageno, name FROM dbstat"],
                    capture_output=True, text=True, check=True,
                ).stdout.split()
            )
            totals = [len(pages) for pages in commits]
            by_tree = collections.Counter(
                names.get(str(p), "(freed since)") for pages in commits for p in pages)
        finally:
            serve.terminate()
            serve.wait()
    print(f"pages per publish: mean {sum(totals) / len(totals):.1f}, "
          f"min {min(totals)}, max {max(totals)} ({PAGE // 1024} KiB each)")
    for tree, n in by_tree.most_common():
        print(f"  {tree:32} {n / len(totals):5.1f}")


if __name__ == "__main__":
    main()
