//! Scoring entity tagging against gold data in the JSONL format of
//! `shared/data/ner/*.jsonl` (one document a line: `text` plus `entities` with char
//! offsets `start`/`end`, a `type` and, for GUM, a `gpe` flag).
//!
//! Label mapping (gold → ours), also used by `bench/spacy_compare.py` for spaCy:
//!
//! | gold `type`          | scored as | why |
//! |----------------------|-----------|-----|
//! | `PERSON`             | PERSON    | |
//! | `ORG` with `gpe` set | LOC       | GUM labels countries/cities acting as agents "organization"; they are places to a reader (CoNLL calls them LOC) |
//! | `ORG`                | ORG       | |
//! | `LOC`                | LOC       | |
//! | `MISC`, `OTHER`      | —         | not scored (works, events, days…) |
//!
//! Our NORP (demonyms) is not scored either, as spaCy's NORP is not: gold calls
//! "Russian" MISC. Scores: exact = same start, end and type; lenient = a prediction
//! overlapping a not yet matched gold span of the same type (one-to-one, in text
//! order), which suits MEANTIME's phrase-level extents. Micro averages add up counts
//! over the three types. Speed is words (whitespace-separated) per second of
//! [`Tagger::tag`] — the whole annotation, not just entities — after loading.

use std::collections::HashSet;
use std::fmt;
use std::io::BufRead;
use std::time::Instant;

use serde::Deserialize;

use crate::Tagger;
use crate::annotations::EntityType;
use crate::error::TagError;

/// The types that are scored.
pub const SCORED: [EntityType; 3] = [EntityType::Person, EntityType::Org, EntityType::Loc];

/// One gold entity span.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldEntity {
    /// Character (code point) offset where the span starts, as the gold
    /// files' `start` is and as tokens and tags count.
    pub start: usize,
    /// Character offset just past its end.
    pub end: usize,
    /// `PER`, `ORG` or `LOC` (`type` in the file).
    #[serde(rename = "type")]
    pub kind: String,
    /// A place that is a political entity (country, city, state).
    #[serde(default)]
    pub gpe: bool,
}

impl GoldEntity {
    /// The type this gold span is scored as, if it is scored (see the module docs).
    pub fn scored_type(&self) -> Option<EntityType> {
        match self.kind.as_str() {
            "PERSON" | "PER" => Some(EntityType::Person),
            "ORG" if self.gpe => Some(EntityType::Loc),
            "ORG" => Some(EntityType::Org),
            "LOC" | "GPE" => Some(EntityType::Loc),
            _ => None,
        }
    }
}

/// One gold document.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldDoc {
    /// The document's id in its corpus.
    #[serde(default)]
    pub id: String,
    /// The text the spans point into.
    pub text: String,
    /// Its gold entity spans.
    #[serde(default)]
    pub entities: Vec<GoldEntity>,
    /// Set when the document's licence forbids commercial use (training skips those).
    #[serde(default)]
    pub noncommercial: bool,
}

impl GoldDoc {
    /// The gold spans that are scored, as (start, end, type).
    fn scored_spans(&self) -> impl Iterator<Item = (usize, usize, EntityType)> + '_ {
        self.entities
            .iter()
            .filter_map(|e| e.scored_type().map(|t| (e.start, e.end, t)))
    }
}

/// Reads gold documents, one JSON object a line; blank lines are skipped.
pub fn read_gold(input: impl BufRead) -> Result<Vec<GoldDoc>, TagError> {
    let mut docs = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line = line.map_err(|e| TagError::Gold {
            line: i + 1,
            reason: e.to_string(),
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let doc: GoldDoc = serde_json::from_str(&line).map_err(|e| TagError::Gold {
            line: i + 1,
            reason: e.to_string(),
        })?;
        docs.push(doc);
    }
    Ok(docs)
}

/// Span counts for one type (or all of them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Gold spans.
    pub gold: usize,
    /// Predicted spans.
    pub predicted: usize,
    /// Predictions with exactly a gold span.
    pub exact: usize,
    /// Predictions matched to an overlapping gold span (one-to-one).
    pub lenient: usize,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.gold += o.gold;
        self.predicted += o.predicted;
        self.exact += o.exact;
        self.lenient += o.lenient;
    }

    fn prf(&self, hits: usize) -> (f64, f64, f64) {
        let p = if self.predicted > 0 {
            hits as f64 / self.predicted as f64
        } else {
            0.0
        };
        let r = if self.gold > 0 {
            hits as f64 / self.gold as f64
        } else {
            0.0
        };
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f)
    }

    /// Precision, recall and F1 on exact spans.
    pub fn exact_prf(&self) -> (f64, f64, f64) {
        self.prf(self.exact)
    }

    /// Precision, recall and F1 on overlapping spans.
    pub fn lenient_prf(&self) -> (f64, f64, f64) {
        self.prf(self.lenient)
    }
}

/// The result of one evaluation run.
#[derive(Debug, Clone)]
pub struct Report {
    /// Documents tagged.
    pub documents: usize,
    /// Counts per scored type, in the order of [`SCORED`].
    pub per_type: [Counts; 3],
    /// Words tagged (whitespace-separated).
    pub words: usize,
    /// Time spent tagging (the whole annotation), in seconds.
    pub seconds: f64,
}

impl Report {
    /// Adds the counts, words and time of `other` (another part of one
    /// evaluation, such as a fold of a cross-validation).
    pub fn add(&mut self, other: &Report) {
        self.documents += other.documents;
        for (acc, c) in self.per_type.iter_mut().zip(&other.per_type) {
            acc.add(c);
        }
        self.words += other.words;
        self.seconds += other.seconds;
    }

    /// Counts added up over the types (micro average).
    pub fn micro(&self) -> Counts {
        let mut all = Counts::default();
        for c in &self.per_type {
            all.add(c);
        }
        all
    }

    /// Tagging speed over the run.
    pub fn words_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.words as f64 / self.seconds
        } else {
            0.0
        }
    }

    /// The report as JSON, in the shape `bench/spacy_compare.py` prints for spaCy.
    pub fn to_json(&self, system: &str) -> serde_json::Value {
        let row = |c: &Counts| {
            let (ep, er, ef) = c.exact_prf();
            let (lp, lr, lf) = c.lenient_prf();
            serde_json::json!({
                "gold": c.gold, "pred": c.predicted,
                "exact": {"p": ep, "r": er, "f1": ef},
                "lenient": {"p": lp, "r": lr, "f1": lf},
            })
        };
        let mut types = serde_json::Map::new();
        for (t, c) in SCORED.iter().zip(&self.per_type) {
            types.insert(t.as_str().to_string(), row(c));
        }
        types.insert("ALL".to_string(), row(&self.micro()));
        serde_json::json!({
            "system": system, "types": types, "words": self.words,
            "seconds": self.seconds, "words_per_sec": self.words_per_second(),
        })
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<8} {:>5} {:>5} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6}",
            "type", "gold", "pred", "P", "R", "F1", "P~", "R~", "F1~"
        )?;
        writeln!(f, "{}", "-".repeat(67))?;
        let rows = SCORED
            .iter()
            .map(|t| t.as_str())
            .zip(self.per_type.iter().copied());
        for (name, c) in rows.chain(std::iter::once(("micro", self.micro()))) {
            let (ep, er, ef) = c.exact_prf();
            let (lp, lr, lf) = c.lenient_prf();
            writeln!(
                f,
                "{:<8} {:>5} {:>5} | {:>6.3} {:>6.3} {:>6.3} | {:>6.3} {:>6.3} {:>6.3}",
                name, c.gold, c.predicted, ep, er, ef, lp, lr, lf
            )?;
        }
        writeln!(f, "(P/R/F1: exact span and type; ~: lenient overlap)")?;
        write!(
            f,
            "{} documents, {} words in {:.3} s: {:.0} words/s",
            self.documents,
            self.words,
            self.seconds,
            self.words_per_second()
        )
    }
}

/// Counts exact and lenient matches of predicted against gold spans, per scored type.
pub fn score_spans(
    gold: &[(usize, usize, EntityType)],
    predicted: &[(usize, usize, EntityType)],
) -> [Counts; 3] {
    let mut out = [Counts::default(); 3];
    for (k, t) in SCORED.iter().enumerate() {
        let mut g: Vec<(usize, usize)> = gold
            .iter()
            .filter(|x| x.2 == *t)
            .map(|x| (x.0, x.1))
            .collect();
        let mut p: Vec<(usize, usize)> = predicted
            .iter()
            .filter(|x| x.2 == *t)
            .map(|x| (x.0, x.1))
            .collect();
        g.sort_unstable();
        g.dedup();
        p.sort_unstable();
        p.dedup();
        let gset: HashSet<(usize, usize)> = g.iter().copied().collect();
        let c = &mut out[k];
        c.gold = g.len();
        c.predicted = p.len();
        c.exact = p.iter().filter(|x| gset.contains(x)).count();
        let mut used = vec![false; g.len()];
        for (ps, pe) in &p {
            if let Some(i) = (0..g.len()).find(|&i| !used[i] && *ps < g[i].1 && g[i].0 < *pe) {
                used[i] = true;
                c.lenient += 1;
            }
        }
    }
    out
}

/// Tags every document and scores the entities against the gold.
pub fn evaluate(tagger: &Tagger, docs: &[GoldDoc]) -> Report {
    let mut per_type = [Counts::default(); 3];
    let mut words = 0;
    let mut seconds = 0.0;
    for doc in docs {
        words += doc.text.split_whitespace().count();
        let t0 = Instant::now();
        let ann = tagger.tag(&doc.text);
        seconds += t0.elapsed().as_secs_f64();
        let gold: Vec<_> = doc.scored_spans().collect();
        let predicted: Vec<_> = ann
            .entities
            .iter()
            .map(|e| (e.start, e.end, e.kind))
            .collect();
        for (acc, c) in per_type.iter_mut().zip(score_spans(&gold, &predicted)) {
            acc.add(&c);
        }
    }
    Report {
        documents: docs.len(),
        per_type,
        words,
        seconds,
    }
}

/// Reads a hand-labelled sample: tab-separated lines, blank lines and
/// `#` comments skipped; `row` makes one entry of a line's columns, and
/// its complaint comes back naming the line.
pub(crate) fn read_labelled<T>(
    input: impl BufRead,
    mut row: impl FnMut(&[&str]) -> Result<T, String>,
) -> Result<Vec<T>, TagError> {
    let mut out = Vec::new();
    for (n, line) in input.lines().enumerate() {
        let bad = |reason: String| TagError::Gold {
            line: n + 1,
            reason,
        };
        let line = line.map_err(|e| bad(e.to_string()))?;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        out.push(row(&cols).map_err(bad)?);
    }
    Ok(out)
}

/// One labelled line of the quote, figure or place sample: story id, the
/// words it is found by, and the accepted answers (empty for `-`).
pub(crate) type AnswerRow<A> = (String, String, Vec<A>);

/// Reads `id<TAB>words<TAB>answers` lines (answers split by `|`, `-` for
/// none, each read by `answer`); `#` lines are comments.
pub(crate) fn read_answer_rows<A>(
    input: impl BufRead,
    answer: impl Fn(&str) -> Result<A, String>,
) -> Result<Vec<AnswerRow<A>>, TagError> {
    read_labelled(input, |cols| {
        let [id, words, answers] = cols[..] else {
            return Err(format!("{} columns, not 3", cols.len()));
        };
        if id.trim().is_empty() || words.trim().is_empty() {
            return Err("no story id or no words to find".into());
        }
        let answers = match answers.trim() {
            "-" => Vec::new(),
            "" => return Err("no third column (write - for none)".into()),
            a => a
                .split('|')
                .map(|s| answer(s.trim()))
                .collect::<Result<_, _>>()?,
        };
        Ok((id.trim().to_string(), words.to_string(), answers))
    })
}

/// One span the tagger got wrong in a gold document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanError {
    /// The gold document's id.
    pub doc: String,
    /// A gold span the tagger did not give exactly (else a span it gave that
    /// is no gold span).
    pub missed: bool,
    /// The span's type (gold or given).
    pub kind: EntityType,
    /// The span's text.
    pub text: String,
    /// For a missed span, the given entities overlapping it ("ORG:\"X\"").
    pub near: Vec<String>,
}

impl fmt::Display for SpanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.missed { "MISS" } else { "FALSE" };
        write!(
            f,
            "{}\t{what}\t{}\t{:?}",
            self.doc,
            self.kind.as_str(),
            self.text
        )?;
        if !self.near.is_empty() {
            write!(f, "\t{}", self.near.join(" "))?;
        }
        Ok(())
    }
}

/// The spans of `doc` the tagger misses or gives wrongly (exact span and
/// type, scored types only): gold spans first, then the given ones.
pub fn span_errors(tagger: &Tagger, doc: &GoldDoc) -> Vec<SpanError> {
    let ann = tagger.tag(&doc.text);
    let chars: Vec<char> = doc.text.chars().collect();
    let span = |s: usize, e: usize| chars.get(s..e).map(|c| c.iter().collect::<String>());
    let gold: HashSet<_> = doc.scored_spans().collect();
    let given: HashSet<_> = ann
        .entities
        .iter()
        .filter(|e| SCORED.contains(&e.kind))
        .map(|e| (e.start, e.end, e.kind))
        .collect();
    let mut missed: Vec<_> = gold.difference(&given).copied().collect();
    missed.sort_by_key(|&(start, end, _)| (start, end));
    let mut wrong: Vec<_> = given.difference(&gold).copied().collect();
    wrong.sort_by_key(|&(start, end, _)| (start, end));
    let mut out = Vec::new();
    for (start, end, kind) in missed {
        let near = ann
            .entities
            .iter()
            .filter(|e| e.start < end && start < e.end)
            .map(|e| format!("{}:{:?}", e.kind.as_str(), e.text))
            .collect();
        out.push(SpanError {
            doc: doc.id.clone(),
            missed: true,
            kind,
            text: span(start, end).unwrap_or_default(),
            near,
        });
    }
    for (start, end, kind) in wrong {
        out.push(SpanError {
            doc: doc.id.clone(),
            missed: false,
            kind,
            text: span(start, end).unwrap_or_default(),
            near: Vec::new(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpe_organisations_are_scored_as_places_and_misc_is_not_scored() {
        let docs = read_gold(
            br#"{"text":"Sweden and Acme","entities":[{"start":0,"end":6,"type":"ORG","gpe":true},{"start":11,"end":15,"type":"ORG"},{"start":0,"end":15,"type":"MISC"}]}"#
                .as_slice(),
        )
        .expect("valid gold");
        let types: Vec<_> = docs[0]
            .entities
            .iter()
            .map(GoldEntity::scored_type)
            .collect();
        assert_eq!(
            types,
            vec![Some(EntityType::Loc), Some(EntityType::Org), None]
        );
    }

    #[test]
    fn reports_of_two_parts_add_up_to_the_report_of_the_whole() {
        let docs = read_gold(
            br#"{"id":"a","text":"Angela Merkel visited Paris.","entities":[{"start":0,"end":13,"type":"PERSON"},{"start":22,"end":27,"type":"LOC"}]}
{"id":"b","text":"Acme Corp hired Jane Roe in Lyon.","entities":[{"start":0,"end":9,"type":"ORG"},{"start":16,"end":24,"type":"PERSON"}]}"#
                .as_slice(),
        )
        .expect("valid gold");
        let tagger = Tagger::load().expect("shipped data loads");
        let whole = evaluate(&tagger, &docs);
        let mut parts = evaluate(&tagger, &docs[..1]);
        parts.add(&evaluate(&tagger, &docs[1..]));
        assert_eq!(parts.documents, whole.documents);
        assert_eq!(parts.per_type, whole.per_type);
        assert_eq!(parts.words, whole.words);
        // Every gold span the tagger did not give exactly is listed as missed.
        let missed: usize = docs
            .iter()
            .flat_map(|d| span_errors(&tagger, d))
            .filter(|e| e.missed)
            .count();
        assert_eq!(missed, whole.micro().gold - whole.micro().exact);
    }

    #[test]
    fn exact_and_lenient_matching_differ_on_boundaries() {
        use EntityType::*;
        let gold = [(0, 10, Org), (20, 25, Person)];
        let predicted = [(4, 10, Org), (20, 25, Person), (30, 35, Person)];
        let c = score_spans(&gold, &predicted);
        assert_eq!(
            c[1],
            Counts {
                gold: 1,
                predicted: 1,
                exact: 0,
                lenient: 1
            }
        );
        assert_eq!(
            c[0],
            Counts {
                gold: 1,
                predicted: 2,
                exact: 1,
                lenient: 1
            }
        );
        let (p, r, _) = c[0].exact_prf();
        assert!((p - 0.5).abs() < 1e-9 && (r - 1.0).abs() < 1e-9);
    }

    #[test]
    fn a_bad_gold_line_names_its_line_number() {
        let err = read_gold(b"{\"text\":\"a\"}\n{oops\n".as_slice()).err();
        assert!(matches!(err, Some(TagError::Gold { line: 2, .. })));
    }
}
