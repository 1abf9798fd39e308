#!/usr/bin/env python3
"""What readers watching TOP cost the server while a wire runs.

Every reader on the TOP screen (the terminal UI, the web terminal) holds
a TOP stream (`/api/stream?top=1`), which the server sends the whole list
on and again at every change. For each watcher count this starts
`newsterm serve` on a fresh data directory, imports the bundled Wikinews
articles but the newest 80 (tagged), opens that many TOP streams, then
publishes stories at a steady rate for a while and reports the server's
CPU time (user + system, from /proc) per second of the run and per
publish, the TOP lists each watcher received, and the publishes' acks.

    python3 bench/top_watchers.py target/release/newsterm [--watchers 0,10,100] [--rate 20] [--seconds 15]
"""

import argparse
import gzip
import json
import os
import pathlib
import selectors
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from local_server import ARTICLES, free_port

HELD_BACK = 80


def cpu_seconds(pid):
    """User + system CPU time of process `pid` and all its threads."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_healthy(url, deadline=60):
    end = time.time() + deadline
    while time.time() < end:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as r:
                h = json.load(r)
                if h.get("indexed_seq") == h.get("last_seq"):
                    return h
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("the server did not come up")


class Watchers:
    """`n` TOP streams on raw sockets, counting the `event: top` frames."""

    def __init__(self, port, n):
        self.sel = selectors.DefaultSelector()
        self.counts = [0] * n
        self.tails = [b""] * n
        for i in range(n):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(
                f"GET /api/stream?top=1 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                "Accept: text/event-stream\r\n\r\n".encode()
            )
            s.setblocking(False)
            self.sel.register(s, selectors.EVENT_READ, i)
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop:
            for key, _ in self.sel.select(timeout=0.2):
                try:
                    data = key.fileobj.recv(1 << 16)
                except BlockingIOError:
                    continue
                i = key.data
                buf = self.tails[i] + data
                self.counts[i] += buf.count(b"event: top\n")
                # Keep a frame's start that a read split.
                self.tails[i] = buf[-16:]
                self.counts[i] -= self.tails[i].count(b"event: top\n")

    def close(self):
        self.stop = True
        self.thread.join()
        for key in list(self.sel.get_map().values()):
            key.fileobj.close()


def publish(url, md):
    req = urllib.request.Request(
        f"{url}/api/stories",
        data=md.encode(),
        headers={"content-type": "text/markdown"},
        method="POST",
    )
    t = time.perf_counter()
    with urllib.request.urlopen(req) as r:
        r.read()
    return (time.perf_counter() - t) * 1e3


def run_one(exe, watchers, rate, seconds, articles):
    with tempfile.TemporaryDirectory(prefix="newsterm-top-") as data:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [exe, "serve", "--data", data, "--listen", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_healthy(url)
            archive = "\n".join(json.dumps(a) for a in articles[:-HELD_BACK])
            req = urllib.request.Request(
                f"{url}/api/import", data=archive.encode(), method="POST",
                headers={"content-type": "application/x-ndjson"},
            )
            urllib.request.urlopen(req).read()
            wait_healthy(url)
            w = Watchers(port, watchers)
            end = time.time() + 10
            while watchers and min(w.counts) == 0 and time.time() < end:
                time.sleep(0.05)
            first = list(w.counts)
            time.sleep(1)
            cpu0, t0 = cpu_seconds(server.pid), time.time()
            acks, n = [], 0
            while time.time() - t0 < seconds:
                a = articles[-HELD_BACK + n % HELD_BACK]
                md = (f"---\nheadline: {json.dumps(a['title'] + f' ({n})')}\n---\n"
                      f"{a['body']}\n\nUpdate {n} of the top-watchers bench.\n")
                acks.append(publish(url, md))
                n += 1
                time.sleep(max(0.0, t0 + n / rate - time.time()))
            elapsed = time.time() - t0
            cpu = cpu_seconds(server.pid) - cpu0
            got = [c - f for c, f in zip(w.counts, first)]
            w.close()
        finally:
            server.terminate()
            server.wait()
    acks.sort()
    return {
        "watchers": watchers,
        "published": n,
        "stories_per_s": round(n / elapsed, 1),
        "server_cpu_per_s": round(cpu / elapsed, 3),
        "server_cpu_ms_per_publish": round(cpu * 1e3 / n, 2),
        "top_lists_per_watcher": round(statistics.mean(got), 1) if got else 0,
        "ack_p50_ms": round(acks[len(acks) // 2], 2),
        "ack_p99_ms": round(acks[int(len(acks) * 0.99)], 2),
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("newsterm")
    p.add_argument("--watchers", default="0,10,100")
    p.add_argument("--rate", type=float, default=20)
    p.add_argument("--seconds", type=float, default=15)
    args = p.parse_args()
    with gzip.open(ARTICLES, "rt") as f:
        articles = [json.loads(line) for line in f if line.strip()]
    articles.sort(key=lambda a: a.get("published", ""))
    for n in [int(x) for x in args.watchers.split(",")]:
        row = run_one(args.newsterm, n, args.rate, args.seconds, articles)
        print("  ".join(f"{k}={v}" for k, v in row.items()), flush=True)


if __name__ == "__main__":
    sys.exit(main())
