//! The averaged perceptron behind entity tagging: BIO tags over PERSON, ORG, LOC and
//! MISC, decoded greedily left to right with the previous tags as features.
//!
//! Shipped model format (gzipped): the magic `NTNER1\n\0`, then little-endian `u32`
//! tag count, `u32` row count, `f32` scale, then per feature row a `u32` feature hash,
//! a `u16` mask of the tags with a non-zero weight and one `i16` weight (times the
//! scale) per set bit.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use rustc_hash::FxHashMap;

use crate::error::TagError;
use crate::features::{DocView, Neighbour};

/// O, then B and I for each of [`TYPES`].
pub(crate) const NTAGS: usize = 9;
/// Entity types the model tags; tag `2k+1` is B- and `2k+2` is I- of `TYPES[k]`.
pub(crate) const TYPES: [&str; 4] = ["PERSON", "ORG", "LOC", "MISC"];
/// The "tag" before the first token of a sentence.
const START: u8 = NTAGS as u8;
const MAGIC: &[u8; 8] = b"NTNER1\n\0";

/// 0 for O, else 1 + index into [`TYPES`].
pub(crate) fn tag_type(tag: u8) -> u8 {
    if tag == 0 || tag >= START {
        0
    } else {
        tag.div_ceil(2)
    }
}

pub(crate) fn is_begin(tag: u8) -> bool {
    tag % 2 == 1 && tag < START
}

/// Tag for a type id (1-based) at the beginning or inside of a span.
pub(crate) fn tag_of(type_id: u8, begin: bool) -> u8 {
    if type_id == 0 {
        0
    } else if begin {
        type_id * 2 - 1
    } else {
        type_id * 2
    }
}

/// BIO well-formedness: an I- tag continues a span of its own type.
fn allowed(prev: u8, tag: u8) -> bool {
    tag == 0 || is_begin(tag) || (prev != START && prev != 0 && tag_type(prev) == tag_type(tag))
}

/// Feature keys are already hashes: spread them over 64 bits and use them as they are.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type KeyMap<V> = HashMap<u32, V, BuildHasherDefault<KeyHasher>>;

/// Scores per token and tag of the history-free features, and per token, previous
/// tag and tag of the transition features.
trait Scorer {
    fn add_row(&self, feature: u32, into: &mut [f32; NTAGS]);
}

/// Static feature hashes of every token of one sentence, in one buffer that a
/// document's sentences reuse.
#[derive(Default)]
struct SentenceFeatures {
    feats: Vec<u32>,
    /// Where each token's features end in `feats`.
    ends: Vec<usize>,
    /// One token's features, before they join `feats`.
    one: Vec<u32>,
}

impl SentenceFeatures {
    /// The features of the tokens `range`, `histories[k]` the history of the
    /// `k`th.
    fn fill(&mut self, view: &DocView, range: std::ops::Range<usize>, histories: &[Option<u8>]) {
        self.feats.clear();
        self.ends.clear();
        for (i, &hist) in range.zip(histories) {
            view.features(i, hist, &mut self.one);
            self.feats.extend_from_slice(&self.one);
            self.ends.push(self.feats.len());
        }
    }

    /// The features of the sentence's `k`th token.
    fn token(&self, k: usize) -> &[u32] {
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.feats[start..self.ends[k]]
    }

    /// Each token's scores under `scorer`, its features summed in order.
    fn scores(&self, scorer: &impl Scorer) -> Vec<[f32; NTAGS]> {
        (0..self.ends.len())
            .map(|k| {
                let mut fixed = [0f32; NTAGS];
                for &f in self.token(k) {
                    scorer.add_row(f, &mut fixed);
                }
                fixed
            })
            .collect()
    }
}

/// Sums of a shipped model's 16-bit weights. Integer sums are exact, so a
/// token's features may be summed in parts, and the parts kept.
type Sums = [i32; NTAGS];

fn add_sums(into: &mut Sums, more: &Sums) {
    for (a, b) in into.iter_mut().zip(more) {
        *a += b;
    }
}

/// What each distinct text of a document adds to the scores of its own token
/// and of the tokens around it ([`DocView::own_features`],
/// [`DocView::neighbour_features`]), summed once per text: most of a
/// story's tokens repeat a text it has already had ("the", ",", a name),
/// and two-thirds of a token's features are these.
struct TextSums {
    /// Per text number ([`DocView::text_id`]): its own sums, then what it
    /// gives as each of [`Neighbour::ALL`].
    parts: Vec<[Sums; 5]>,
    /// What the edge of the document gives as each of [`Neighbour::ALL`].
    edges: [Sums; 4],
}

/// What the text of token `i` adds to its own scores and to those of each of
/// [`Neighbour::ALL`] around it; `feats` is a buffer, left empty.
fn text_parts(
    view: &DocView,
    i: usize,
    rows: &KeyMap<[i16; NTAGS]>,
    feats: &mut Vec<u32>,
) -> [Sums; 5] {
    let mut parts = [[0; NTAGS]; 5];
    feats.clear();
    view.own_features(i, feats);
    parts[0] = sums(rows, feats);
    for (r, role) in Neighbour::ALL.into_iter().enumerate() {
        feats.clear();
        view.neighbour_features(i as isize, role, feats);
        parts[r + 1] = sums(rows, feats);
    }
    feats.clear();
    parts
}

/// The [`text_parts`] summed in advance for text number `k` of `view`, if
/// they were.
fn known_parts<'m>(
    known: &'m [Option<[Sums; 5]>],
    view: &DocView,
    k: usize,
) -> Option<&'m [Sums; 5]> {
    let number = view.text_word_number(k)?;
    known.get(number as usize)?.as_ref()
}

impl TextSums {
    fn new(view: &DocView, rows: &QuantizedRows) -> TextSums {
        let n = view.len();
        let mut feats = Vec::with_capacity(16);
        let parts = view
            .text_firsts()
            .iter()
            .enumerate()
            .map(|(k, &i)| match known_parts(rows.known, view, k) {
                Some(known) => *known,
                None => text_parts(view, i, rows.rows, &mut feats),
            })
            .collect();
        let edges = Neighbour::ALL.map(|role| {
            feats.clear();
            let beyond = if role.offset < 0 { -1 } else { n as isize };
            view.neighbour_features(beyond, role, &mut feats);
            sums(rows.rows, &feats)
        });
        TextSums { parts, edges }
    }

    /// Token `i`'s sums over its own and its neighbours' features.
    fn of(&self, view: &DocView, i: usize) -> Sums {
        let mut s = self.parts[view.text_id(i) as usize][0];
        for (r, role) in Neighbour::ALL.iter().enumerate() {
            let j = i as isize + role.offset;
            let part = if j < 0 || j as usize >= view.len() {
                &self.edges[r]
            } else {
                &self.parts[view.text_id(j as usize) as usize][r + 1]
            };
            add_sums(&mut s, part);
        }
        s
    }
}

/// The transition scores of tokens, from every previous tag (and START) to every
/// tag, computed once per [`DocView::transition_key`]: tokens with one key have
/// the same transition features. Valid while the weights do not change.
#[derive(Default)]
struct Transitions<'v> {
    index: FxHashMap<&'v str, usize>,
    /// By [`DocView::text_id`]: the scores' place, [`UNSCORED`] before the
    /// text's first token (a key is a function of the text, so a text is
    /// keyed once).
    by_text: Vec<u32>,
    scores: Vec<[[f32; NTAGS]; NTAGS + 1]>,
}

/// A text whose transition scores are not yet placed.
const UNSCORED: u32 = u32::MAX;

impl<'v> Transitions<'v> {
    /// Scores of token `i` by previous tag (`START` last).
    fn of(
        &mut self,
        view: &'v DocView,
        i: usize,
        scorer: &impl Scorer,
    ) -> &[[f32; NTAGS]; NTAGS + 1] {
        let text = view.text_id(i) as usize;
        if self.by_text.len() <= text {
            self.by_text.resize(view.text_firsts().len(), UNSCORED);
        }
        if self.by_text[text] != UNSCORED {
            return &self.scores[self.by_text[text] as usize];
        }
        let key = view.transition_key(i);
        let k = match self.index.get(key) {
            Some(&k) => k,
            None => {
                let mut all = [[0f32; NTAGS]; NTAGS + 1];
                for (p, trans) in all.iter_mut().enumerate() {
                    for f in view.transition_features(i, p as u8) {
                        scorer.add_row(f, trans);
                    }
                }
                self.scores.push(all);
                self.index.insert(key, self.scores.len() - 1);
                self.scores.len() - 1
            }
        };
        self.by_text[text] = k as u32;
        &self.scores[k]
    }
}

/// Best tag sequence for tokens `range` of the document, `fixed` their scores
/// without the transitions, which `scorer` gives (Viterbi over BIO-consistent
/// tag pairs).
fn viterbi<'v>(
    view: &'v DocView,
    range: std::ops::Range<usize>,
    fixed: &[[f32; NTAGS]],
    scorer: &impl Scorer,
    transitions: &mut Transitions<'v>,
) -> Vec<u8> {
    let n = range.len();
    let prevs: Vec<u8> = (0..=NTAGS as u8).collect(); // NTAGS is START
    let mut best = vec![[f32::NEG_INFINITY; NTAGS]; n];
    let mut back = vec![[0u8; NTAGS]; n];
    for (k, i) in range.clone().enumerate() {
        let fixed = &fixed[k];
        let all_trans = transitions.of(view, i, scorer);
        for &p in &prevs {
            let before = if k == 0 {
                if p != START {
                    continue;
                }
                0.0
            } else {
                if p == START {
                    continue;
                }
                let b = best[k - 1][p as usize];
                if b == f32::NEG_INFINITY {
                    continue;
                }
                b
            };
            let trans = &all_trans[p as usize];
            for t in 0..NTAGS {
                if !allowed(p, t as u8) {
                    continue;
                }
                let s = before + fixed[t] + trans[t];
                if s > best[k][t] {
                    best[k][t] = s;
                    back[k][t] = p;
                }
            }
        }
    }
    let mut tags = vec![0u8; n];
    if n == 0 {
        return tags;
    }
    let mut t = (0..NTAGS)
        .max_by(|a, b| best[n - 1][*a].total_cmp(&best[n - 1][*b]))
        .unwrap_or(0) as u8;
    for k in (0..n).rev() {
        tags[k] = t;
        t = back[k][t as usize];
    }
    tags
}

/// Sentences of a document as token ranges, from the view's sentence starts.
fn sentence_ranges(view: &DocView) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=view.len() {
        if i == view.len() || view.sent_start[i] {
            if i > start {
                out.push(start..i);
            }
            start = i;
        }
    }
    out
}

/// Walks a document sentence by sentence; `decide` turns each sentence's tokens,
/// with the history of each, into their tags. Between sentences, what each
/// capitalised word was tagged feeds the history feature of later sentences.
fn walk(
    view: &DocView,
    mut decide: impl FnMut(std::ops::Range<usize>, &[Option<u8>]) -> Vec<u8>,
) -> Vec<u8> {
    let mut tags: Vec<u8> = Vec::with_capacity(view.len());
    let mut history: FxHashMap<&str, u8> = FxHashMap::default();
    let mut histories = Vec::with_capacity(64);
    for range in sentence_ranges(view) {
        histories.clear();
        histories.extend(range.clone().map(|i| {
            if view.is_capitalized(i) {
                history.get(view.lower[i].as_str()).copied()
            } else {
                None
            }
        }));
        let out = decide(range.clone(), &histories);
        for (i, &t) in range.zip(&out) {
            if view.is_capitalized(i) {
                history.insert(view.lower[i].as_str(), tag_type(t));
            }
        }
        tags.extend(out);
    }
    tags
}

/// Tags every token of the document with the weights of `scorer`.
fn tag_with(view: &DocView, scorer: &impl Scorer) -> Vec<u8> {
    let mut transitions = Transitions::default();
    let mut sf = SentenceFeatures::default();
    walk(view, |range, histories| {
        sf.fill(view, range.clone(), histories);
        viterbi(view, range, &sf.scores(scorer), scorer, &mut transitions)
    })
}

/// [`tag_with`] the shipped rows, each distinct text's share of the scores
/// summed once ([`TextSums`]).
fn tag_quantized(view: &DocView, rows: &QuantizedRows) -> Vec<u8> {
    let mut transitions = Transitions::default();
    let texts = TextSums::new(view, rows);
    let mut feats = Vec::with_capacity(32);
    walk(view, |range, histories| {
        let fixed: Vec<[f32; NTAGS]> = range
            .clone()
            .zip(histories)
            .map(|(i, &hist)| {
                let mut s = texts.of(view, i);
                feats.clear();
                view.context_features(i, hist, &mut feats);
                add_sums(&mut s, &sums(rows.rows, &feats));
                s.map(|w| w as f32 * rows.scale)
            })
            .collect();
        viterbi(view, range, &fixed, rows, &mut transitions)
    })
}

/// A trained model: per-feature weight rows, kept in the map itself so that
/// scoring a feature reads one place in memory.
pub(crate) struct Model {
    rows: Rows,
}

/// A model's weight rows: as trained, or as read from the shipped file.
enum Rows {
    /// Weights as training left them.
    Exact(KeyMap<[f32; NTAGS]>),
    /// The shipped file's 16-bit weights, kept as they are stored and scaled
    /// as they are read: a row takes 24 bytes of the map instead of 40, and
    /// the lookups (a quarter of a story's tagging time, most of it waiting
    /// for memory) touch less of it. `f32::from(w) * scale` is the value the
    /// exact row would hold, so scores are the same to the bit.
    Quantized {
        rows: KeyMap<[i16; NTAGS]>,
        scale: f32,
        /// [`text_parts`] of common texts, summed when the tagger is
        /// loaded, by the text's number in the tagger's word classes
        /// ([`crate::clusters::ClusterWord::number`]): valid only with the
        /// classes they were summed with, which the tagger keeps beside.
        known: Vec<Option<[Sums; 5]>>,
    },
}

impl Scorer for KeyMap<[f32; NTAGS]> {
    fn add_row(&self, feature: u32, into: &mut [f32; NTAGS]) {
        if let Some(w) = self.get(&feature) {
            for t in 0..NTAGS {
                into[t] += w[t];
            }
        }
    }
}

/// The shipped rows with their scale.
struct QuantizedRows<'m> {
    rows: &'m KeyMap<[i16; NTAGS]>,
    scale: f32,
    known: &'m [Option<[Sums; 5]>],
}

/// The shipped `rows` of `feats`, summed.
fn sums(rows: &KeyMap<[i16; NTAGS]>, feats: &[u32]) -> Sums {
    let mut s = [0; NTAGS];
    for f in feats {
        if let Some(w) = rows.get(f) {
            for (a, &b) in s.iter_mut().zip(w) {
                *a += i32::from(b);
            }
        }
    }
    s
}

impl Scorer for QuantizedRows<'_> {
    fn add_row(&self, feature: u32, into: &mut [f32; NTAGS]) {
        if let Some(w) = self.rows.get(&feature) {
            for t in 0..NTAGS {
                // A weight the file left out is 0: adding +0.0 leaves the
                // sum as it is, as adding the exact row's 0.0 does.
                into[t] += f32::from(w[t]) * self.scale;
            }
        }
    }
}

impl Scorer for Model {
    fn add_row(&self, feature: u32, into: &mut [f32; NTAGS]) {
        match &self.rows {
            Rows::Exact(rows) => rows.add_row(feature, into),
            Rows::Quantized { rows, scale, known } => QuantizedRows {
                rows,
                scale: *scale,
                known,
            }
            .add_row(feature, into),
        }
    }
}

impl Model {
    /// Tags every token of the document.
    pub fn tag(&self, view: &DocView) -> Vec<u8> {
        // One dispatch a document, not one a feature.
        match &self.rows {
            Rows::Exact(rows) => tag_with(view, rows),
            Rows::Quantized { rows, scale, known } => tag_quantized(
                view,
                &QuantizedRows {
                    rows,
                    scale: *scale,
                    known,
                },
            ),
        }
    }

    /// Sums, once for each distinct text of `view`, what the text adds to the
    /// scores of its own token and its neighbours, so that tagging any
    /// document finds them summed (the shipped rows only: trained rows change).
    /// Tags are the same with or without; they only come sooner.
    pub fn remember_texts(&mut self, view: &DocView) {
        let Rows::Quantized { rows, known, .. } = &mut self.rows else {
            return;
        };
        let mut feats = Vec::new();
        for (k, &i) in view.text_firsts().iter().enumerate() {
            let Some(number) = view.text_word_number(k) else {
                continue;
            };
            let number = number as usize;
            if known.len() <= number {
                known.resize(number + 1, None);
            }
            if known[number].is_none() {
                known[number] = Some(text_parts(view, i, rows, &mut feats));
            }
        }
    }

    /// [`Model::tag`] summing each token's features one by one, as the
    /// shipped rows were summed before [`TextSums`].
    #[cfg(test)]
    pub fn tag_feature_by_feature(&self, view: &DocView) -> Vec<u8> {
        tag_with(view, self)
    }

    /// How many texts [`Model::remember_texts`] holds.
    #[cfg(test)]
    pub fn remembered_texts(&self) -> usize {
        match &self.rows {
            Rows::Exact(_) => 0,
            Rows::Quantized { known, .. } => known.iter().flatten().count(),
        }
    }

    /// Every row with its weights as `f32`, in no particular order.
    fn exact_rows(&self) -> Box<dyn Iterator<Item = (u32, [f32; NTAGS])> + '_> {
        match &self.rows {
            Rows::Exact(rows) => Box::new(rows.iter().map(|(&k, w)| (k, *w))),
            Rows::Quantized { rows, scale, .. } => Box::new(
                rows.iter()
                    .map(move |(&k, q)| (k, q.map(|w| f32::from(w) * scale))),
            ),
        }
    }

    #[cfg(test)]
    fn score(&self, feats: &[u32]) -> [f32; NTAGS] {
        let mut s = [0f32; NTAGS];
        for &f in feats {
            self.add_row(f, &mut s);
        }
        s
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        match &self.rows {
            Rows::Exact(rows) => rows.len(),
            Rows::Quantized { rows, .. } => rows.len(),
        }
    }

    /// The mean of the models' weights: models trained on the same documents in
    /// different orders, averaged, vary less with the order than each alone.
    pub fn mean(models: &[Model]) -> Model {
        let mut rows: KeyMap<[f32; NTAGS]> = KeyMap::default();
        let n = models.len().max(1) as f32;
        for m in models {
            for (key, w) in m.exact_rows() {
                let sum = rows.entry(key).or_insert([0.0; NTAGS]);
                for (s, w) in sum.iter_mut().zip(w) {
                    *s += w / n;
                }
            }
        }
        Model {
            rows: Rows::Exact(rows),
        }
    }

    /// Reads a model written by [`Model::to_gz`].
    pub fn from_gz(gz: &[u8]) -> Result<Model, TagError> {
        let bad = |reason: &str| TagError::Corrupt {
            what: "entity model",
            reason: reason.into(),
        };
        let mut raw = Vec::new();
        GzDecoder::new(gz)
            .read_to_end(&mut raw)
            .map_err(|e| bad(&e.to_string()))?;
        let mut r = raw.as_slice();
        let mut take = |n: usize| -> Result<&[u8], TagError> {
            if r.len() < n {
                return Err(bad("truncated"));
            }
            let (head, tail) = r.split_at(n);
            r = tail;
            Ok(head)
        };
        if take(8)? != MAGIC {
            return Err(bad("not a newsterm entity model"));
        }
        let u32_at = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        if u32_at(take(4)?) as usize != NTAGS {
            return Err(bad("tag count differs from this build"));
        }
        let nrows = u32_at(take(4)?) as usize;
        let scale = f32::from_bits(u32_at(take(4)?));
        let mut rows = KeyMap::default();
        rows.reserve(nrows);
        for _ in 0..nrows {
            let key = u32_at(take(4)?);
            let m = take(2)?;
            let mask = u16::from_le_bytes([m[0], m[1]]);
            let mut w = [0i16; NTAGS];
            for (t, wt) in w.iter_mut().enumerate() {
                if mask & (1 << t) != 0 {
                    let b = take(2)?;
                    *wt = i16::from_le_bytes([b[0], b[1]]);
                }
            }
            rows.insert(key, w);
        }
        Ok(Model {
            rows: Rows::Quantized {
                rows,
                scale,
                known: Vec::new(),
            },
        })
    }

    /// Writes the model, weights quantised to 16 bits; rows whose every weight rounds
    /// to zero are left out.
    pub fn to_gz(&self) -> Result<Vec<u8>, TagError> {
        let mut keys: Vec<(u32, [f32; NTAGS])> = self.exact_rows().collect();
        let max = keys
            .iter()
            .flat_map(|(_, w)| w.iter())
            .fold(0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 {
            max / f32::from(i16::MAX)
        } else {
            1.0
        };
        keys.sort_unstable_by_key(|(k, _)| *k);
        let mut body = Vec::new();
        let mut nrows = 0u32;
        for (key, r) in keys {
            let q: Vec<i16> = r.iter().map(|w| (w / scale).round() as i16).collect();
            let mask = q
                .iter()
                .enumerate()
                .fold(0u16, |m, (t, v)| if *v != 0 { m | 1 << t } else { m });
            if mask == 0 {
                continue;
            }
            nrows += 1;
            body.extend_from_slice(&key.to_le_bytes());
            body.extend_from_slice(&mask.to_le_bytes());
            for v in q.iter().filter(|v| **v != 0) {
                body.extend_from_slice(&v.to_le_bytes());
            }
        }
        let mut enc = GzEncoder::new(Vec::new(), Compression::best());
        let io = |e: std::io::Error| TagError::Io {
            what: "entity model".into(),
            source: e,
        };
        enc.write_all(MAGIC).map_err(io)?;
        enc.write_all(&(NTAGS as u32).to_le_bytes()).map_err(io)?;
        enc.write_all(&nrows.to_le_bytes()).map_err(io)?;
        enc.write_all(&scale.to_bits().to_le_bytes()).map_err(io)?;
        enc.write_all(&body).map_err(io)?;
        enc.finish().map_err(io)
    }
}

#[derive(Clone)]
struct TrainRow {
    w: [f32; NTAGS],
    total: [f64; NTAGS],
    stamp: [u64; NTAGS],
}

/// Online training with weight averaging (Collins 2002), the tagger's own guesses as
/// history (so training sees the errors tagging will make).
pub(crate) struct Trainer {
    rows: KeyMap<TrainRow>,
    step: u64,
}

impl Scorer for Trainer {
    fn add_row(&self, feature: u32, into: &mut [f32; NTAGS]) {
        if let Some(r) = self.rows.get(&feature) {
            for (acc, w) in into.iter_mut().zip(&r.w) {
                *acc += w;
            }
        }
    }
}

impl Trainer {
    pub fn new() -> Trainer {
        Trainer {
            rows: KeyMap::default(),
            step: 0,
        }
    }

    fn update(&mut self, feats: &[u32], tag: u8, delta: f32) {
        let step = self.step;
        let t = tag as usize;
        for &f in feats {
            let row = self.rows.entry(f).or_insert(TrainRow {
                w: [0.0; NTAGS],
                total: [0.0; NTAGS],
                stamp: [0; NTAGS],
            });
            row.total[t] += f64::from(row.w[t]) * (step - row.stamp[t]) as f64;
            row.stamp[t] = step;
            row.w[t] += delta;
        }
    }

    /// Trains on one document, a sentence at a time (Collins' structured perceptron);
    /// returns how many tokens the decoded guess got right.
    pub fn train_doc(&mut self, view: &DocView, gold: &[u8]) -> usize {
        let mut correct = 0;
        let mut sf = SentenceFeatures::default();
        walk(view, |range, histories| {
            self.step += 1;
            sf.fill(view, range.clone(), histories);
            // The weights change after each sentence: transitions scored afresh.
            let fixed = sf.scores(self);
            let guess = viterbi(
                view,
                range.clone(),
                &fixed,
                self,
                &mut Transitions::default(),
            );
            let truth = &gold[range.clone()];
            for (k, i) in range.enumerate() {
                let (g, p) = (truth[k], guess[k]);
                if g == p {
                    correct += 1;
                } else {
                    self.update(sf.token(k), g, 1.0);
                    self.update(sf.token(k), p, -1.0);
                }
                let (gp, pp) = if k == 0 {
                    (START, START)
                } else {
                    (truth[k - 1], guess[k - 1])
                };
                if (gp, g) != (pp, p) {
                    self.update(&view.transition_features(i, gp), g, 1.0);
                    self.update(&view.transition_features(i, pp), p, -1.0);
                }
            }
            guess
        });
        correct
    }

    /// The averaged weights.
    pub fn finish(self) -> Model {
        self.averaged()
    }

    /// The weights averaged over every update so far, training left free to go on
    /// (for choosing the number of passes on held-out documents).
    pub fn averaged(&self) -> Model {
        let step = self.step.max(1);
        let mut rows = KeyMap::default();
        for (&key, r) in &self.rows {
            let mut w = [0f32; NTAGS];
            for (t, wt) in w.iter_mut().enumerate() {
                let total = r.total[t] + f64::from(r.w[t]) * (step - r.stamp[t]) as f64;
                *wt = (total / step as f64) as f32;
            }
            if w.iter().any(|x| x.abs() > 1e-4) {
                rows.insert(key, w);
            }
        }
        Model {
            rows: Rows::Exact(rows),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bio_constraints_forbid_inside_without_begin() {
        let per_i = tag_of(1, false);
        let per_b = tag_of(1, true);
        let org_i = tag_of(2, false);
        assert!(!allowed(START, per_i));
        assert!(!allowed(0, per_i));
        assert!(allowed(per_b, per_i));
        assert!(!allowed(per_b, org_i));
        assert_eq!(tag_type(org_i), 2);
    }

    #[test]
    fn model_survives_a_round_trip_through_its_file_format() {
        let mut a = [0f32; NTAGS];
        a[1] = 2.5;
        a[3] = -1.0;
        let mut b = [0f32; NTAGS];
        b[0] = 0.5;
        let mut rows = KeyMap::default();
        rows.insert(42u32, a);
        rows.insert(7u32, b);
        let model = Model {
            rows: Rows::Exact(rows),
        };
        let bytes = model.to_gz().expect("in-memory gzip");
        let back = Model::from_gz(&bytes).expect("own output reads back");
        let (len, s42, both) = (back.len(), back.score(&[42]), back.score(&[7, 42]));
        assert_eq!(len, 2);
        assert!((s42[1] - 2.5).abs() < 1e-3 && (s42[3] + 1.0).abs() < 1e-3);
        assert!((both[0] - 0.5).abs() < 1e-3);
        assert!(Model::from_gz(b"not gzip").is_err());
    }
}
