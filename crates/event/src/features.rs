//! What the grouper reads of a story: its weighted words, the named
//! things the tagger found in it, a MinHash signature of its word
//! shingles, and a key for its exact text.
//!
//! Words and shingles come from [`newsterm_query::tokenize`], the analyzer
//! search uses, so "São Paulo" and "Sao Paulo" are the same words here as
//! in a query.

use std::hash::{Hash, Hasher};

use newsterm_query::tokenize;
use newsterm_story::tags::EntityType;
use newsterm_story::{StoryContent, Tags};
use rustc_hash::FxHasher;

/// Values in a MinHash signature. 64 of them estimate a Jaccard
/// similarity to within about ±0.06, enough to tell a rewrite of one
/// wire copy (0.4–0.9) from another outlet's own report (under 0.1).
pub const SIGNATURE_LEN: usize = 64;

/// Words in a shingle. Four-word runs survive a reworded headline or a
/// dropped sentence elsewhere but not paraphrase.
const SHINGLE_WORDS: usize = 4;

/// Words of a long story that count: the top of a news story carries
/// its event, and reading all of a 10,000-word feature would cost more
/// than it tells.
const MAX_BODY_WORDS: usize = 400;
const MAX_SHINGLE_WORDS: usize = 3_000;
/// Distinct words kept per story, the heaviest first.
pub const MAX_TERMS: usize = 32;

/// A feature (word or named thing) as the grouper indexes it.
pub type FeatureKey = u32;

/// A story's MinHash: for each of [`SIGNATURE_LEN`] hash functions, the
/// lowest value over its shingles (low 16 bits kept: a chance match of
/// two unrelated values is 1 in 65,536).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(pub [u16; SIGNATURE_LEN]);

impl Signature {
    /// Estimated Jaccard similarity of the two shingle sets.
    pub fn jaccard(&self, other: &Signature) -> f32 {
        let same = self
            .0
            .iter()
            .zip(other.0.iter())
            .filter(|(a, b)| a == b)
            .count();
        same as f32 / SIGNATURE_LEN as f32
    }
}

/// Everything the grouper keeps of one story's text and tags.
#[derive(Debug, Clone)]
pub struct Features {
    /// Words with their weights in the story (headline words count three
    /// times, lede words twice), before weighting by rarity; sorted by
    /// key.
    pub words: Vec<(FeatureKey, f32)>,
    /// Named things: people, organisations, places (by GeoNames id where
    /// resolved) and countries (demonyms count as theirs), weighted by
    /// kind and by how often the story names them.
    pub names: Vec<(FeatureKey, f32)>,
    /// The people named, the most mentioned first: who a story is about.
    pub people: Vec<FeatureKey>,
    /// MinHash of the story's word shingles: near-duplicate text.
    pub signature: Signature,
    /// Distinct shingles: with two signatures, turns a Jaccard estimate
    /// into the share of the shorter text found in the longer.
    pub shingles: u32,
    /// The source and every word of the text, in order: equal keys are the
    /// same story sent twice.
    pub exact_key: u64,
}

/// Common English words and the furniture of news copy: they say nothing
/// about which event a story reports.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "according",
    "added",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "among",
    "an",
    "and",
    "another",
    "any",
    "april",
    "are",
    "around",
    "as",
    "at",
    "august",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "day",
    "days",
    "december",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "february",
    "few",
    "first",
    "for",
    "friday",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "including",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "january",
    "july",
    "june",
    "just",
    "last",
    "made",
    "make",
    "many",
    "march",
    "may",
    "me",
    "might",
    "monday",
    "more",
    "most",
    "mr",
    "mrs",
    "ms",
    "must",
    "my",
    "myself",
    "new",
    "news",
    "no",
    "nor",
    "not",
    "november",
    "now",
    "october",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "people",
    "percent",
    "report",
    "reported",
    "reports",
    "s",
    "said",
    "same",
    "saturday",
    "say",
    "says",
    "september",
    "she",
    "should",
    "since",
    "so",
    "some",
    "still",
    "such",
    "sunday",
    "t",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "three",
    "through",
    "thursday",
    "time",
    "to",
    "today",
    "told",
    "tomorrow",
    "too",
    "tuesday",
    "two",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "wednesday",
    "week",
    "weeks",
    "well",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "wikinews",
    "will",
    "with",
    "within",
    "without",
    "would",
    "year",
    "years",
    "yesterday",
    "you",
    "your",
    "yours",
    "yourself",
];

fn is_stopword(word: &str) -> bool {
    STOPWORDS.binary_search(&word).is_ok()
}

fn key_of(text: &str, space: u8) -> FeatureKey {
    let mut h = FxHasher::default();
    space.hash(&mut h);
    text.hash(&mut h);
    let v = h.finish();
    (v ^ (v >> 32)) as u32
}

fn hash64(text: &str) -> u64 {
    let mut h = FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

/// Folds a plural onto its singular ("elections" → "election",
/// "casualties" → "casualty"), the one inflection news headlines vary
/// most.
fn fold_plural(word: &str) -> &str {
    if word.len() > 4
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
    {
        &word[..word.len() - 1]
    } else {
        word
    }
}

/// Kinds of feature keys, so a word and a name never share a key.
const WORD_SPACE: u8 = 1;
const NAME_SPACE: u8 = 2;

impl Features {
    /// Reads a story's content and tags.
    pub fn of(content: &StoryContent, tags: &Tags) -> Features {
        let mut words: Vec<(FeatureKey, f32)> = Vec::new();
        let mut add_words = |text: &str, weight: f32, budget: &mut usize| {
            for token in tokenize(text) {
                if *budget == 0 {
                    return;
                }
                *budget -= 1;
                let w = token.text.as_str();
                if w.len() < 3
                    || is_stopword(w)
                    || (w.len() < 4 && w.bytes().all(|b| b.is_ascii_digit()))
                {
                    continue;
                }
                words.push((key_of(fold_plural(w), WORD_SPACE), weight));
            }
        };
        let mut budget = usize::MAX;
        add_words(&content.headline, 3.0, &mut budget);
        for b in &content.bullets {
            add_words(b, 2.0, &mut budget);
        }
        let mut budget = MAX_BODY_WORDS;
        let mut paragraphs = content.body.iter().map(|b| b.text());
        // A Wikinews body opens with its date line; the lede is the first
        // paragraph with a sentence in it.
        for p in paragraphs.by_ref() {
            let is_date_line = p.len() < 60 && !p.contains('.');
            add_words(p, if is_date_line { 1.0 } else { 2.0 }, &mut budget);
            if !is_date_line {
                break;
            }
        }
        for p in paragraphs {
            add_words(p, 1.0, &mut budget);
        }
        words.sort_unstable_by_key(|w| w.0);
        let mut merged: Vec<(FeatureKey, f32)> = Vec::with_capacity(words.len());
        for (k, w) in words {
            match merged.last_mut() {
                Some(last) if last.0 == k => last.1 += w,
                _ => merged.push((k, w)),
            }
        }
        // Repetition counts, but less than linearly.
        for w in &mut merged {
            w.1 = 1.0 + w.1.ln();
        }

        // One reading of the whole text serves the exact key (every word)
        // and the shingles (the first MAX_SHINGLE_WORDS).
        let mut exact = FxHasher::default();
        content
            .source
            .as_deref()
            .map(newsterm_query::normalize_keyword)
            .hash(&mut exact);
        let mut word_hashes = Vec::new();
        for token in tokenize(&content.tagging_text()) {
            token.text.hash(&mut exact);
            if word_hashes.len() < MAX_SHINGLE_WORDS {
                word_hashes.push(hash64(&token.text));
            }
        }
        let (signature, shingles) = minhash(word_hashes);
        let (names, people) = names_of(tags);
        Features {
            words: merged,
            names,
            people,
            signature,
            shingles,
            exact_key: exact.finish(),
        }
    }

    /// True when this story's text nearly repeats `other`'s: most of the
    /// shorter one's four-word runs are in the longer one. A rewritten
    /// headline, dropped or reordered sentences and an added line keep a
    /// story a near-duplicate; another outlet's own report of the same
    /// facts is not.
    pub fn nearly_repeats(&self, other: &Features) -> bool {
        nearly_repeats(
            (&self.signature, self.shingles),
            (&other.signature, other.shingles),
        )
    }
}

/// [`Features::nearly_repeats`] of two texts given by their signatures
/// and how many distinct shingles each had.
pub(crate) fn nearly_repeats(this: (&Signature, u32), other: (&Signature, u32)) -> bool {
    let j = this.0.jaccard(other.0);
    if j >= 0.5 {
        return true;
    }
    let (a, b) = (this.1 as f32, other.1 as f32);
    // Too short to tell a shared headline from shared copy.
    if a.min(b) < 20.0 || j <= 0.0 {
        return false;
    }
    // |A∩B| = J(|A|+|B|)/(1+J); the share of the shorter text that
    // the longer one holds.
    let shared = j * (a + b) / (1.0 + j);
    shared / a.min(b) >= 0.8
}

/// Named things with a weight per kind: a person or organisation says
/// more about which event a story reports than a city, and a city more
/// than a country.
fn names_of(tags: &Tags) -> (Vec<(FeatureKey, f32)>, Vec<FeatureKey>) {
    let mut names: Vec<(FeatureKey, f32, u32)> = Vec::new();
    let mut people: Vec<(FeatureKey, u32)> = Vec::new();
    let mut add = |key: FeatureKey, weight: f32| match names.iter_mut().find(|n| n.0 == key) {
        Some(n) => n.2 += 1,
        None => names.push((key, weight, 1)),
    };
    for e in &tags.entities {
        let canonical = e.canonical.to_lowercase();
        match e.kind {
            EntityType::Person => {
                let key = key_of(&format!("p:{canonical}"), NAME_SPACE);
                add(key, 1.0);
                match people.iter_mut().find(|p| p.0 == key) {
                    Some(p) => p.1 += 1,
                    None => people.push((key, 1)),
                }
            }
            EntityType::Org => add(key_of(&format!("o:{canonical}"), NAME_SPACE), 0.8),
            EntityType::Loc => {
                let key = match e.geonames_id {
                    Some(id) => format!("g:{id}"),
                    None => format!("l:{canonical}"),
                };
                add(key_of(&key, NAME_SPACE), 0.5);
                if let Some(c) = &e.country {
                    add(key_of(&format!("c:{}", c.to_lowercase()), NAME_SPACE), 0.2);
                }
            }
            EntityType::Norp => {
                if let Some(c) = &e.country {
                    add(key_of(&format!("c:{}", c.to_lowercase()), NAME_SPACE), 0.2);
                }
            }
        }
    }
    let mut out: Vec<(FeatureKey, f32)> = names
        .into_iter()
        .map(|(k, w, n)| (k, w * (1.0 + 0.3 * (n as f32).ln()).min(2.0)))
        .collect();
    out.sort_unstable_by_key(|n| n.0);
    // Stable: among people mentioned as often, the first named leads.
    people.sort_by_key(|p| std::cmp::Reverse(p.1));
    (out, people.into_iter().map(|p| p.0).collect())
}

/// Multipliers of the hash functions: odd 64-bit constants from a fixed
/// generator, so signatures are the same on every run and machine.
fn multipliers() -> &'static [u64; SIGNATURE_LEN] {
    static M: std::sync::OnceLock<[u64; SIGNATURE_LEN]> = std::sync::OnceLock::new();
    M.get_or_init(|| {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut out = [0u64; SIGNATURE_LEN];
        for m in &mut out {
            // splitmix64
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            *m = (z ^ (z >> 31)) | 1;
        }
        out
    })
}

/// The MinHash of the four-word shingles of a text's words (given as
/// their hashes), and how many distinct shingles there were.
fn minhash(words: Vec<u64>) -> (Signature, u32) {
    let mut shingles: Vec<u64> = if words.len() < SHINGLE_WORDS {
        words
    } else {
        words
            .windows(SHINGLE_WORDS)
            .map(|w| {
                w.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, x| {
                    (h ^ x).wrapping_mul(0x100_0000_01b3)
                })
            })
            .collect()
    };
    shingles.sort_unstable();
    shingles.dedup();
    let m = multipliers();
    let mut mins = [u64::MAX; SIGNATURE_LEN];
    for s in &shingles {
        for (min, mult) in mins.iter_mut().zip(m.iter()) {
            // Multiply-shift hashing: the high bits of an odd multiple.
            let v = s.wrapping_mul(*mult);
            if v < *min {
                *min = v;
            }
        }
    }
    let mut sig = [0u16; SIGNATURE_LEN];
    for (out, min) in sig.iter_mut().zip(mins.iter()) {
        *out = (min >> 48) as u16;
    }
    (Signature(sig), shingles.len() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsterm_story::{Block, StoryDraft};
    use time::macros::datetime;

    fn content(headline: &str, body: &[&str], source: &str) -> StoryContent {
        StoryDraft {
            headline: Some(headline.into()),
            body: body
                .iter()
                .map(|p| Block::Paragraph(p.to_string()))
                .collect(),
            source: Some(source.into()),
            ..Default::default()
        }
        .validate(datetime!(2024-05-01 12:00 UTC))
        .unwrap()
    }

    const BODY: [&str; 4] = [
        "Firefighters battled a blaze at the Grand Hotel in Porto on Tuesday night, forcing the evacuation of some 300 guests.",
        "The fire started in a kitchen on the ground floor shortly after 10 pm and spread to the upper floors, the civil protection agency said.",
        "Two guests were taken to hospital with smoke inhalation; no deaths were reported.",
        "The hotel, built in 1880, was renovated in 2015 and reopened to the public last spring.",
    ];

    #[test]
    fn stopword_list_is_sorted_for_binary_search() {
        let mut sorted = STOPWORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut given = STOPWORDS.to_vec();
        given.sort_unstable();
        assert_eq!(sorted.len(), given.len(), "no duplicates");
        assert!(
            STOPWORDS.windows(2).all(|w| w[0] < w[1]),
            "keep STOPWORDS sorted"
        );
    }

    #[test]
    fn a_rewrite_of_the_same_copy_nearly_repeats_it() {
        let a = Features::of(
            &content("Fire forces evacuation of Porto hotel", &BODY, "A"),
            &Tags::default(),
        );
        let rewrite = content(
            "Hundreds evacuated as blaze hits historic Porto hotel",
            &[
                BODY[1],
                BODY[0],
                BODY[2],
                "(Reporting by Ana Lima; editing by Bo Chen)",
            ],
            "B",
        );
        let b = Features::of(&rewrite, &Tags::default());
        assert!(a.nearly_repeats(&b) && b.nearly_repeats(&a));
        assert_ne!(a.exact_key, b.exact_key);
    }

    #[test]
    fn another_report_of_the_same_event_does_not() {
        let a = Features::of(
            &content("Fire forces evacuation of Porto hotel", &BODY, "A"),
            &Tags::default(),
        );
        let other = content(
            "Porto hotel blaze: guests describe night of smoke",
            &[
                "Guests forced from the Grand Hotel in Porto by Tuesday's fire spent the night in a sports hall.",
                "One woman said alarms sounded only after smoke reached the third floor.",
                "The civil protection agency has opened an inquiry into the kitchen fire.",
            ],
            "C",
        );
        let c = Features::of(&other, &Tags::default());
        assert!(
            !a.nearly_repeats(&c),
            "jaccard {}",
            a.signature.jaccard(&c.signature)
        );
    }

    #[test]
    fn the_same_text_from_the_same_source_has_the_same_exact_key() {
        let a = Features::of(&content("Fire in Porto", &BODY, "Wire A"), &Tags::default());
        let again = Features::of(
            &content("Fire  in Porto", &BODY, "wire-a"),
            &Tags::default(),
        );
        let other_source =
            Features::of(&content("Fire in Porto", &BODY, "Wire B"), &Tags::default());
        assert_eq!(a.exact_key, again.exact_key);
        assert_ne!(a.exact_key, other_source.exact_key);
        assert_eq!(a.signature, other_source.signature);
    }

    #[test]
    fn headline_words_weigh_more_and_stopwords_are_dropped() {
        let f = Features::of(
            &content("Porto hotel fire", &["The fire was in the kitchen."], "A"),
            &Tags::default(),
        );
        let w = |word: &str| {
            let k = key_of(word, WORD_SPACE);
            f.words.iter().find(|x| x.0 == k).map(|x| x.1)
        };
        assert!(w("porto").unwrap() > w("kitchen").unwrap());
        assert!(w("the").is_none() && w("was").is_none());
        assert_eq!(fold_plural("elections"), "election");
        assert_eq!(fold_plural("crisis"), "crisis");
    }
}
