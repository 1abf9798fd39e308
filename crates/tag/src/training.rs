//! Building the shipped data: the compact gazetteer and topic files from
//! `shared/data`, and the entity model from gold training documents. Run by
//! `cargo run --release -p newsterm-tag --example train`.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use crate::DataFiles;
use crate::clusters::{self, ClusterOptions, WordClusters};
use crate::error::TagError;
use crate::eval::GoldDoc;
use crate::features::DocView;
use crate::gazetteer::{self, Gazetteer, LexiconNames, kind};
use crate::perceptron::{Model, TYPES, Trainer, is_begin, tag_of, tag_type};
use crate::topics;

/// Where the given names of the 1990 US Census are kept, relative to the
/// crate (public domain; see `sources/README.md`).
pub const GIVEN_NAMES_FILE: &str = "sources/us_census_1990_first_names.txt";

/// Where the second-level divisions (counties, districts) are kept,
/// relative to the crate (GeoNames, CC BY 4.0; see `sources/README.md`).
pub const ADMIN2_FILE: &str = "sources/admin2.tsv.gz";

/// Reads a list of given names, one a line.
pub fn read_given_names(path: &Path) -> Result<Vec<String>, TagError> {
    let text = std::fs::read_to_string(path).map_err(|source| TagError::Io {
        what: path.display().to_string(),
        source,
    })?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// The lexicon file (`lexicon.tsv.gz`): the organisation names and first names
/// of the commercially usable training documents, and the `given_names` of a
/// list (the census's).
pub fn lexicon_file(docs: &[GoldDoc], given_names: &[String]) -> Result<Vec<u8>, TagError> {
    let mut lexicon = String::from("kind\tname\n");
    for (k, name, _) in lexicon_names(&usable(docs), given_names) {
        let k = if k == kind::ORG_SEEN { "ORG" } else { "FIRST" };
        lexicon.push_str(&format!("{k}\t{name}\n"));
    }
    gazetteer::gzip(&lexicon)
}

/// Builds the gazetteer, lexicon, topic and word-class files from `shared/data` (its
/// `gazetteer/`, `iptc/` and `news/` folders), the second-level divisions at
/// `admin2` and the training documents.
pub fn build_data(
    shared_data: &Path,
    admin2: &Path,
    docs: &[GoldDoc],
    given_names: &[String],
    cluster_options: &ClusterOptions,
) -> Result<DataFiles, TagError> {
    let (places, country_names) = gazetteer::build_files(&shared_data.join("gazetteer"), admin2)?;
    let topics = topics::build_file(&shared_data.join("iptc").join("mediatopics.tsv"))?;
    let news = unlabelled_news(&shared_data.join("news").join("wikinews_articles.jsonl"))?;
    let mut texts: Vec<&str> = news.iter().map(String::as_str).collect();
    texts.extend(usable(docs).iter().map(|d| d.text.as_str()));
    Ok(DataFiles {
        places,
        country_names,
        lexicon: lexicon_file(docs, given_names)?,
        topics,
        clusters: clusters::learn_file(&texts, cluster_options)?,
    })
}

/// The bundled articles' headlines and bodies, for word classes: only those from
/// Wikinews at large (`wikinews:` ids). The `gum:` and `meantime:` ones are the
/// texts of the evaluation gold, which nothing may be learned from.
fn unlabelled_news(path: &Path) -> Result<Vec<String>, TagError> {
    #[derive(serde::Deserialize)]
    struct Article {
        id: String,
        #[serde(default)]
        title: String,
        #[serde(default)]
        body: String,
    }
    let text = std::fs::read_to_string(path).map_err(|source| TagError::Io {
        what: path.display().to_string(),
        source,
    })?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let a: Article = serde_json::from_str(line)
            .map_err(|e| gazetteer::corrupt("bundled news", format!("line {}: {e}", i + 1)))?;
        if a.id.starts_with("wikinews:") {
            out.push(format!("{}\n\n{}", a.title, a.body));
        }
    }
    Ok(out)
}

/// The documents whose licence allows commercial use: the only ones trained on.
fn usable(docs: &[GoldDoc]) -> Vec<&GoldDoc> {
    docs.iter().filter(|d| !d.noncommercial).collect()
}

/// Organisation names and first names of the training annotations, with the
/// documents each was seen in, and the `given_names` of a list (seen in none). A
/// one-word name also written in lower case in the training text ("Union", "Will")
/// is left out: it would fire on the ordinary word.
fn lexicon_names(docs: &[&GoldDoc], given_names: &[String]) -> LexiconNames {
    let mut lower_words: HashSet<&str> = HashSet::new();
    for d in docs {
        for w in d.text.split(|c: char| !c.is_alphanumeric()) {
            if w.chars().next().is_some_and(char::is_lowercase) {
                lower_words.insert(w);
            }
        }
    }
    let mut names: BTreeMap<(u8, String), Vec<u32>> = BTreeMap::new();
    for (di, d) in docs.iter().enumerate() {
        let chars: Vec<char> = d.text.chars().collect();
        for e in &d.entities {
            let Some(text) = chars
                .get(e.start..e.end)
                .map(|c| c.iter().collect::<String>())
            else {
                continue;
            };
            let entry = match e.kind.as_str() {
                "ORG" if !e.gpe => Some((kind::ORG_SEEN, text.clone())),
                "PERSON" | "PER" => {
                    let mut words = text.split_whitespace();
                    match (words.next(), words.next()) {
                        (Some(first), Some(_))
                            if first.chars().all(char::is_alphabetic)
                                && first.chars().count() >= 2 =>
                        {
                            Some((kind::FIRST_NAME, first.to_string()))
                        }
                        _ => None,
                    }
                }
                _ => None,
            };
            let Some((k, name)) = entry else { continue };
            let one_word = !name.contains(' ');
            if one_word && lower_words.contains(name.to_lowercase().as_str()) {
                continue;
            }
            let seen = names.entry((k, name)).or_default();
            if !seen.contains(&(di as u32)) {
                seen.push(di as u32);
            }
        }
    }
    for name in given_names {
        let word = name.chars().count() >= 2 && name.chars().all(char::is_alphabetic);
        if word && !lower_words.contains(name.to_lowercase().as_str()) {
            names.entry((kind::FIRST_NAME, name.clone())).or_default();
        }
    }
    names.into_iter().map(|((k, n), d)| (k, n, d)).collect()
}

/// The names of the lexicon file the model is trained for, each with the
/// training documents it was seen in: a name is left out of the features of a
/// document that alone holds it, as it would be of a story never seen.
fn lexicon_seen_in(lexicon_gz: &[u8], docs: &[&GoldDoc]) -> Result<LexiconNames, TagError> {
    let mut seen: BTreeMap<(u8, String), Vec<u32>> = lexicon_names(docs, &[])
        .into_iter()
        .map(|(k, n, d)| ((k, n), d))
        .collect();
    Ok(gazetteer::read_lexicon(lexicon_gz)?
        .into_iter()
        .map(|(k, n, _)| {
            let docs = seen.remove(&(k, n.clone())).unwrap_or_default();
            (k, n, docs)
        })
        .collect())
}

/// How to train.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Passes over the training documents: the most tried when
    /// `held_out_every` is set, else exactly this many.
    pub epochs: usize,
    /// Seed of the per-epoch document shuffle, so that runs are reproducible.
    pub seed: u64,
    /// How many models, each trained with its own shuffle (seeds `seed`,
    /// `seed + 1`, …), are averaged into the shipped one.
    pub orders: usize,
    /// Early stopping: every n-th training document (none of the evaluation gold)
    /// is held out, the model is trained on the others for up to `epochs` passes,
    /// and the pass count whose averaged model tags the held-out names best is
    /// the one the final model is trained with, on every document.
    pub held_out_every: Option<usize>,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 12,
            seed: 7,
            orders: 5,
            held_out_every: None,
        }
    }
}

/// What one training pass achieved.
#[derive(Debug, Clone, Copy)]
pub struct EpochReport {
    /// 1-based pass number.
    pub epoch: usize,
    /// Share of the trained-on tokens whose tag the pass's own guess got right.
    pub token_accuracy: f64,
    /// Exact-span F1 (PERSON, ORG, LOC) of the averaged model so far on the
    /// held-out training documents, while passes are being chosen.
    pub held_out_f1: Option<f64>,
}

/// Gold BIO tags for the tokens of a document. Nested gold spans are flattened by
/// keeping the longest; GUM's place-like organisations train as LOC, as they are
/// scored; OTHER trains as O.
fn gold_tags(view: &DocView, doc: &GoldDoc) -> Vec<u8> {
    let mut spans: Vec<(usize, usize, u8)> = doc
        .entities
        .iter()
        .filter_map(|e| {
            let name = match (e.kind.as_str(), e.gpe) {
                ("ORG", true) => "LOC",
                ("PER", _) => "PERSON",
                (k, _) => k,
            };
            let t = TYPES.iter().position(|x| *x == name)? as u8 + 1;
            Some((e.start, e.end, t))
        })
        .collect();
    // Longest first, so that "New York Press" wins over the "New York" inside it; at
    // equal extent a name type beats MISC.
    spans.sort_by_key(|s| (std::cmp::Reverse(s.1 - s.0), s.2));
    let mut tags = vec![0u8; view.len()];
    for (start, end, t) in spans {
        // Tokens mostly inside the span.
        let inside: Vec<usize> = (0..view.len())
            .filter(|&i| {
                let tok = &view.tokens[i];
                let overlap = tok.cend.min(end).saturating_sub(tok.cstart.max(start));
                overlap * 2 > tok.cend - tok.cstart
            })
            .collect();
        if inside.is_empty() || inside.iter().any(|&i| tags[i] != 0) {
            continue;
        }
        for (k, &i) in inside.iter().enumerate() {
            tags[i] = tag_of(t, k == 0);
        }
    }
    tags
}

/// A small deterministic generator for the shuffle (no dependency for one use).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Trains the entity model on the documents whose licence allows commercial use and
/// returns it in the shipped format. With [`TrainOptions::held_out_every`] the
/// number of passes is chosen first on held-out training documents
/// ([`choose_epochs`]). `on_epoch` hears each pass.
pub fn train(
    docs: &[GoldDoc],
    data: &DataFiles,
    options: &TrainOptions,
    mut on_epoch: impl FnMut(EpochReport),
) -> Result<Vec<u8>, TagError> {
    let usable = usable(docs);
    let lexicon = lexicon_seen_in(&data.lexicon, &usable)?;
    let gaz = Gazetteer::build(&data.places, &data.country_names, lexicon)?;
    let word_clusters = WordClusters::from_gz(&data.clusters)?;
    let prepared: Vec<(DocView, Vec<u8>)> = usable
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let view = DocView::for_training(&d.text, &gaz, &word_clusters, i as u32);
            let tags = gold_tags(&view, d);
            (view, tags)
        })
        .collect();
    let epochs = match options.held_out_every {
        Some(every) => choose_epochs(&prepared, every, options, &mut on_epoch),
        None => options.epochs,
    };
    let all: Vec<usize> = (0..prepared.len()).collect();
    let mut models = Vec::new();
    for k in 0..options.orders.max(1) {
        let mut trainer = Trainer::new();
        run_epochs(
            &mut trainer,
            &prepared,
            &all,
            epochs,
            options.seed + k as u64,
            |epoch, acc, _| {
                on_epoch(EpochReport {
                    epoch,
                    token_accuracy: acc,
                    held_out_f1: None,
                });
            },
        );
        models.push(trainer.finish());
    }
    Model::mean(&models).to_gz()
}

/// Early stopping on a split of the training documents: every `every`-th one is
/// held out, the rest trained on for up to `options.epochs` passes, and the pass
/// after which the averaged model's exact-span F1 on the held-out documents was
/// best is returned (the first of equals; at least 1).
fn choose_epochs(
    prepared: &[(DocView, Vec<u8>)],
    every: usize,
    options: &TrainOptions,
    on_epoch: &mut impl FnMut(EpochReport),
) -> usize {
    let every = every.max(2);
    let (held, train): (Vec<usize>, Vec<usize>) =
        (0..prepared.len()).partition(|i| i % every == every - 1);
    let mut trainer = Trainer::new();
    let mut best = (1, f64::NEG_INFINITY);
    run_epochs(
        &mut trainer,
        prepared,
        &train,
        options.epochs,
        options.seed,
        |epoch, acc, trainer| {
            let model = trainer.averaged();
            let mut counts = SpanCounts::default();
            for &k in &held {
                let (view, gold) = &prepared[k];
                counts.add(gold, &model.tag(view));
            }
            let f1 = counts.f1();
            if f1 > best.1 {
                best = (epoch, f1);
            }
            on_epoch(EpochReport {
                epoch,
                token_accuracy: acc,
                held_out_f1: Some(f1),
            });
        },
    );
    best.0
}

/// Passes over documents `order` of `prepared`, shuffled each pass; `after` hears
/// each pass's number, token accuracy and the trainer.
fn run_epochs(
    trainer: &mut Trainer,
    prepared: &[(DocView, Vec<u8>)],
    order: &[usize],
    epochs: usize,
    seed: u64,
    mut after: impl FnMut(usize, f64, &Trainer),
) {
    let total: usize = order.iter().map(|&k| prepared[k].1.len()).sum();
    let mut order = order.to_vec();
    let mut rng = SplitMix(seed);
    for epoch in 0..epochs {
        for i in (1..order.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        let mut correct = 0;
        for &k in &order {
            let (view, tags) = &prepared[k];
            correct += trainer.train_doc(view, tags);
        }
        after(epoch + 1, correct as f64 / total.max(1) as f64, trainer);
    }
}

/// Exact-span matches of BIO tag sequences over PERSON, ORG and LOC.
#[derive(Default)]
struct SpanCounts {
    gold: usize,
    predicted: usize,
    hits: usize,
}

impl SpanCounts {
    fn add(&mut self, gold: &[u8], predicted: &[u8]) {
        let g = bio_spans(gold);
        let p = bio_spans(predicted);
        self.gold += g.len();
        self.predicted += p.len();
        self.hits += p.iter().filter(|s| g.contains(s)).count();
    }

    fn f1(&self) -> f64 {
        if self.hits == 0 {
            return 0.0;
        }
        let p = self.hits as f64 / self.predicted as f64;
        let r = self.hits as f64 / self.gold as f64;
        2.0 * p * r / (p + r)
    }
}

/// (first, end, type) of the PERSON, ORG and LOC spans of a BIO tag sequence.
fn bio_spans(tags: &[u8]) -> Vec<(usize, usize, u8)> {
    let misc = TYPES.iter().position(|t| *t == "MISC").map(|i| i as u8 + 1);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tags.len() {
        if !is_begin(tags[i]) {
            i += 1;
            continue;
        }
        let t = tag_type(tags[i]);
        let mut end = i + 1;
        while end < tags.len() && !is_begin(tags[end]) && tag_type(tags[end]) == t {
            end += 1;
        }
        if Some(t) != misc {
            out.push((i, end, t));
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_out_spans_score_exact_matches_of_names_only() {
        // PERSON B I, O, MISC B; against PERSON B alone and the same MISC.
        let gold = [tag_of(1, true), tag_of(1, false), 0, tag_of(4, true)];
        let guess = [tag_of(1, true), 0, 0, tag_of(4, true)];
        let mut c = SpanCounts::default();
        c.add(&gold, &gold);
        assert!((c.f1() - 1.0).abs() < 1e-9);
        c.add(&gold, &guess);
        assert_eq!((c.gold, c.predicted, c.hits), (2, 2, 1));
    }

    #[test]
    fn shuffle_generator_is_deterministic() {
        let a: Vec<u64> = {
            let mut r = SplitMix(1);
            (0..3).map(|_| r.next()).collect()
        };
        let b: Vec<u64> = {
            let mut r = SplitMix(1);
            (0..3).map(|_| r.next()).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a[0], a[1]);
    }
}
