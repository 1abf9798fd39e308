//! Word classes learned from unlabelled text, as features for the entity model.
//!
//! The training annotations name only a few thousand entities; running text names
//! many more. Words that occur in the same contexts ("Santorum said", "Mr.
//! Santorum") fall into one class, so a surname the annotations never saw shares
//! weights with the ones they did. Classes are learned by the exchange algorithm
//! (Kneser & Ney 1993; Martin, Liermann & Ney 1998): every word of a vocabulary
//! starts in a class of its own rank modulo the class count and is moved, pass
//! after pass, to the class that most raises the likelihood of the text under a
//! class bigram model, until no word moves. It is deterministic: the same texts
//! give the same table.
//!
//! Shipped as `clusters.tsv.gz`: a header, then `word TAB class` per word,
//! case kept (capitalisation is most of what tells a name).

use rustc_hash::FxHashMap;

use crate::error::TagError;
use crate::gazetteer::{corrupt, gunzip, gzip};
use crate::token;

/// Word → class, for the words seen often enough in the unlabelled text.
#[derive(Debug, Default)]
pub(crate) struct WordClusters {
    /// Each word's class and number ([`ClusterWord`]).
    class_of: FxHashMap<Box<str>, ClusterWord>,
}

/// What the classes know of a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ClusterWord {
    /// The word's class.
    pub class: u16,
    /// The word's number, from 0 up to the number of words: what keeps for
    /// a word is kept in a table by it, so that a story's words are
    /// looked up by their text once (a lookup of a text misses the cache on
    /// the table, the key and the text).
    pub number: u32,
}

/// How to learn the classes.
#[derive(Debug, Clone, Copy)]
pub struct ClusterOptions {
    /// Number of classes.
    pub classes: usize,
    /// Words seen fewer times than this get no class.
    pub min_count: u32,
    /// Most passes over the vocabulary.
    pub passes: usize,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            classes: 256,
            min_count: 3,
            passes: 12,
        }
    }
}

impl WordClusters {
    /// Reads the shipped table.
    pub fn from_gz(gz: &[u8]) -> Result<WordClusters, TagError> {
        let mut class_of = FxHashMap::default();
        for line in gunzip("clusters", gz)?.lines().skip(1) {
            let bad = || corrupt("clusters", format!("bad row: {line}"));
            let (word, class) = line.split_once('\t').ok_or_else(bad)?;
            let class: u16 = class.parse().map_err(|_| bad())?;
            let number = u32::try_from(class_of.len()).map_err(|_| bad())?;
            class_of
                .entry(word.into())
                .or_insert(ClusterWord { class, number })
                .class = class;
        }
        Ok(WordClusters { class_of })
    }

    /// The class of `word` (as written), if it has one.
    pub fn class(&self, word: &str) -> Option<u16> {
        self.word(word).map(|w| w.class)
    }

    /// The class and number of `word` (as written), if it has a class.
    pub fn word(&self, word: &str) -> Option<ClusterWord> {
        self.class_of.get(word).copied()
    }

    /// Every word with a class, in no particular order.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.class_of.keys().map(|w| &**w)
    }
}

/// Learns word classes from `texts` and returns the table in the shipped format.
pub fn learn_file(texts: &[&str], options: &ClusterOptions) -> Result<Vec<u8>, TagError> {
    let mut rows = learn(texts, options);
    rows.sort();
    let mut out = String::from("word\tclass\n");
    for (word, class) in rows {
        out.push_str(&format!("{word}\t{class}\n"));
    }
    gzip(&out)
}

fn xlogx(x: i64) -> f64 {
    if x <= 0 {
        0.0
    } else {
        let x = x as f64;
        x * x.ln()
    }
}

/// The exchange algorithm over the tokens of `texts` (see the module docs).
fn learn(texts: &[&str], options: &ClusterOptions) -> Vec<(String, u16)> {
    let k = options.classes.max(2);
    // Word ids: 0 is a text's edge, 1 any word below `min_count`, then the
    // vocabulary by falling count. The first two have fixed classes of their own.
    let mut counts: FxHashMap<&str, u32> = FxHashMap::default();
    let tokenized: Vec<Vec<&str>> = texts
        .iter()
        .map(|t| token::tokenize(t).iter().map(|tok| tok.text(t)).collect())
        .collect();
    for words in &tokenized {
        for w in words {
            *counts.entry(w).or_default() += 1;
        }
    }
    let mut vocab: Vec<(&str, u32)> = counts
        .into_iter()
        .filter(|&(_, c)| c >= options.min_count)
        .collect();
    vocab.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let id_of: FxHashMap<&str, u32> = vocab
        .iter()
        .enumerate()
        .map(|(i, (w, _))| (*w, i as u32 + 2))
        .collect();
    let nwords = vocab.len() + 2;

    let mut bigrams: FxHashMap<(u32, u32), i64> = FxHashMap::default();
    for words in &tokenized {
        let mut prev = 0u32;
        for w in words {
            let id = id_of.get(w).copied().unwrap_or(1);
            *bigrams.entry((prev, id)).or_default() += 1;
            prev = id;
        }
        *bigrams.entry((prev, 0)).or_default() += 1;
    }
    let mut right: Vec<Vec<(u32, i64)>> = vec![Vec::new(); nwords];
    let mut left: Vec<Vec<(u32, i64)>> = vec![Vec::new(); nwords];
    let mut sorted: Vec<((u32, u32), i64)> = bigrams.into_iter().collect();
    sorted.sort_unstable();
    for &((a, b), c) in &sorted {
        right[a as usize].push((b, c));
        left[b as usize].push((a, c));
    }

    // Classes 0..k for the vocabulary; k and k+1 for the edge and rare words.
    let nclasses = k + 2;
    let mut class: Vec<usize> = (0..nwords)
        .map(|w| match w {
            0 => k,
            1 => k + 1,
            w => (w - 2) % k,
        })
        .collect();
    let mut m = vec![0i64; nclasses * nclasses];
    let mut as_left = vec![0i64; nclasses];
    let mut as_right = vec![0i64; nclasses];
    for &((a, b), c) in &sorted {
        let (ca, cb) = (class[a as usize], class[b as usize]);
        m[ca * nclasses + cb] += c;
        as_left[ca] += c;
        as_right[cb] += c;
    }

    let mut r = vec![0i64; nclasses];
    let mut l = vec![0i64; nclasses];
    let mut r_touched: Vec<usize> = Vec::new();
    let mut l_touched: Vec<usize> = Vec::new();
    for _ in 0..options.passes {
        let mut moved = 0;
        for w in 2..nwords {
            let a = class[w];
            let mut own = 0i64;
            let (mut n_left, mut n_right) = (0i64, 0i64);
            for &(x, c) in &right[w] {
                n_left += c;
                if x as usize == w {
                    own += c;
                    continue;
                }
                let cx = class[x as usize];
                if r[cx] == 0 {
                    r_touched.push(cx);
                }
                r[cx] += c;
            }
            for &(x, c) in &left[w] {
                n_right += c;
                if x as usize == w {
                    continue;
                }
                let cx = class[x as usize];
                if l[cx] == 0 {
                    l_touched.push(cx);
                }
                l[cx] += c;
            }
            // Take the word out of its class…
            let shift = |m: &mut [i64], al: &mut [i64], ar: &mut [i64], to: usize, sign: i64| {
                for &c in &r_touched {
                    m[to * nclasses + c] += sign * r[c];
                }
                for &c in &l_touched {
                    m[c * nclasses + to] += sign * l[c];
                }
                m[to * nclasses + to] += sign * own;
                al[to] += sign * n_left;
                ar[to] += sign * n_right;
            };
            shift(&mut m, &mut as_left, &mut as_right, a, -1);
            // …and into the one where the text is likeliest (staying on a tie).
            let gain = |b: usize| -> f64 {
                let mut d = 0.0;
                for &c in &r_touched {
                    if c != b {
                        let old = m[b * nclasses + c];
                        d += xlogx(old + r[c]) - xlogx(old);
                    }
                }
                for &c in &l_touched {
                    if c != b {
                        let old = m[c * nclasses + b];
                        d += xlogx(old + l[c]) - xlogx(old);
                    }
                }
                let old = m[b * nclasses + b];
                d += xlogx(old + r[b] + l[b] + own) - xlogx(old);
                d -= xlogx(as_left[b] + n_left) - xlogx(as_left[b]);
                d -= xlogx(as_right[b] + n_right) - xlogx(as_right[b]);
                d
            };
            let mut best = (a, gain(a));
            for b in 0..k {
                if b != a {
                    let g = gain(b);
                    if g > best.1 + 1e-9 {
                        best = (b, g);
                    }
                }
            }
            shift(&mut m, &mut as_left, &mut as_right, best.0, 1);
            if best.0 != a {
                class[w] = best.0;
                moved += 1;
            }
            for c in r_touched.drain(..) {
                r[c] = 0;
            }
            for c in l_touched.drain(..) {
                l[c] = 0;
            }
        }
        if moved == 0 {
            break;
        }
    }
    vocab
        .iter()
        .enumerate()
        .map(|(i, (word, _))| (word.to_string(), class[i + 2] as u16))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_used_alike_share_a_class() {
        // Surnames after "Mr." and before "said"; cities after "in" and before "today".
        let mut text = String::new();
        for (name, city) in [
            ("Smith", "Paris"),
            ("Jones", "Berlin"),
            ("Brown", "Madrid"),
            ("Green", "Rome"),
        ] {
            for _ in 0..5 {
                text.push_str(&format!(
                    "Mr. {name} said it rained in {city} today. Mr. {name} said so. \
                     It rained in {city} today. "
                ));
            }
        }
        let options = ClusterOptions {
            classes: 6,
            min_count: 2,
            passes: 20,
        };
        let table: FxHashMap<String, u16> = learn(&[text.as_str()], &options).into_iter().collect();
        assert_eq!(table["Smith"], table["Green"]);
        assert_eq!(table["Paris"], table["Rome"]);
        assert_ne!(table["Smith"], table["Paris"]);
    }

    #[test]
    fn the_table_reads_back() {
        let text = "a b a b a b c c c";
        let gz = learn_file(&[text], &ClusterOptions::default()).expect("gzip");
        let clusters = WordClusters::from_gz(&gz).expect("read back");
        assert!(clusters.class("a").is_some());
        assert_eq!(clusters.class("zebra"), None);
        assert!(WordClusters::from_gz(b"not gzip").is_err());
    }
}
