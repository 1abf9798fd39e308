#!/usr/bin/env bash
# How long the search index takes to catch up at start with a store it
# lacks 8,000 stories of: what a restart after kill -9 in the middle of an
# import does (the engine stages them again, then the indexer commits them).
#
# usage: bench/index_catchup.sh NEWSTERM
#   NEWSTERM: a release build of newsterm
# Builds the store once (8,000 generated stories, imported untagged, the
# index directory then removed) in $TMPDIR/newsterm-catchup, then times a
# fresh copy of it from `serve` until /healthz says indexed_seq 8000.
set -euo pipefail

bin=$(realpath "$1")
work="${TMPDIR:-/tmp}/newsterm-catchup"
stories=8000
mkdir -p "$work"

wait_up() {
  until curl -sf "http://127.0.0.1:$1/healthz" > /dev/null; do sleep 0.1; done
}

if [ ! -d "$work/base" ]; then
  python3 - "$work/stories.jsonl" "$stories" <<'EOF'
import json, random, string, sys
random.seed(7)
words = ["".join(random.choice(string.ascii_lowercase) for _ in range(random.randint(3, 9))) for _ in range(30000)]
def name(i):
    # Letters only: texts that differ in numbers alone are one story repeated.
    s = ""
    while True:
        s += string.ascii_lowercase[i % 26]; i //= 26
        if i == 0:
            return s
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        body = " ".join(random.choice(words) for _ in range(120))
        f.write(json.dumps({"title": f"Restart story {name(i)}", "body": f"{body} uniq{name(i)}q."}) + "\n")
EOF
  rm -rf "$work/build"
  "$bin" serve --data "$work/build" --listen 127.0.0.1:7191 > "$work/build.log" 2>&1 &
  pid=$!
  wait_up 7191
  "$bin" import --server http://127.0.0.1:7191 --no-tag "$work/stories.jsonl"
  kill "$pid"; wait "$pid" || true
  rm -rf "$work/build/index"
  mv "$work/build" "$work/base"
fi

rm -rf "$work/run"; cp -a "$work/base" "$work/run"
start=$(date +%s.%N)
"$bin" serve --data "$work/run" --listen 127.0.0.1:7192 > "$work/run.log" 2>&1 &
pid=$!
wait_up 7192
serving=$(date +%s.%N)
until curl -s http://127.0.0.1:7192/healthz \
  | python3 -c "import json, sys; sys.exit(0 if json.load(sys.stdin).get('indexed_seq', 0) >= $stories else 1)"; do
  sleep 0.2
done
done_at=$(date +%s.%N)
kill "$pid"; wait "$pid" || true
echo "serving after $(echo "$serving - $start" | bc) s; index caught up with $stories stories $(echo "$done_at - $start" | bc) s after start"
