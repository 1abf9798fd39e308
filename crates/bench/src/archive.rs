//! A synthetic news archive of any size made from the bundled Wikinews
//! articles, and search queries drawn from its vocabulary: the corpus of
//! `newsterm bench search`.
//!
//! Story `i` is a pure function of the seed and `i`, so the same archive
//! can be generated again for each system measured without keeping it on
//! disk. A story takes a base article (hot articles more often than cold
//! ones, Zipf-like), keeps its headline and swaps about half of its
//! paragraphs for paragraphs of other articles, replaces some names by
//! other names of the corpus and every number by another of the same
//! length, so posting lists and co-occurrences look like a real archive's
//! rather than 377 articles repeated. Publication times spread over ten
//! years; 1 % of stories are flash, 9 % urgent.

use std::collections::{HashMap, HashSet};

use serde_json::json;

/// Ten years of publication times, ending here (2026-01-01T00:00:00Z).
const END: i64 = 1_767_225_600;
const SPAN: i64 = 10 * 365 * 86_400;
const SOURCES: [&str; 12] = [
    "Wikinews",
    "Coastal Wire",
    "Metro Desk",
    "Capital Report",
    "Harbour Times",
    "Northern Post",
    "Valley Gazette",
    "Evening Ledger",
    "Global Wire",
    "Union Courier",
    "Prairie Herald",
    "Island Daily",
];

struct Article {
    headline: String,
    paragraphs: Vec<String>,
    /// What varying the headline draws from the generator.
    headline_draws: Vec<Draw>,
    /// What varying each paragraph draws.
    paragraph_draws: Vec<Vec<Draw>>,
}

/// What [`Archive::vary`] draws from the generator for one token: a
/// name's roll (and the name it is swapped for, on a roll of 0), or one
/// digit for each digit of a number.
#[derive(Debug, Clone, Copy)]
enum Draw {
    Name,
    Digits(u32),
}

/// The generator.
pub struct Archive {
    articles: Vec<Article>,
    names: Vec<String>,
    name_set: HashSet<String>,
    seed: u64,
}

/// One generated story.
pub struct GenStory {
    pub headline: String,
    pub paragraphs: Vec<String>,
    /// Unix seconds.
    pub published: i64,
    pub priority: &'static str,
    pub source: &'static str,
}

impl Archive {
    /// From the bundled corpus's JSON lines.
    pub fn new(lines: &[String], seed: u64) -> Archive {
        let now = time::OffsetDateTime::now_utc();
        let articles: Vec<Article> = lines
            .iter()
            .filter_map(|l| newsterm_story::jsonl::parse_line(l, now).ok())
            .map(|p| Article {
                headline: p.content.headline.clone(),
                paragraphs: p
                    .content
                    .body
                    .iter()
                    .map(|b| b.text().to_string())
                    .filter(|t| !t.is_empty())
                    .collect(),
                headline_draws: Vec::new(),
                paragraph_draws: Vec::new(),
            })
            .filter(|a| !a.paragraphs.is_empty())
            .collect();
        // Names: capitalized words inside sentences.
        let mut name_set = HashSet::new();
        for a in &articles {
            for p in &a.paragraphs {
                let mut previous_ends_sentence = true;
                for token in p.split_whitespace() {
                    let word = token.trim_end_matches(|c: char| !c.is_alphanumeric());
                    if !previous_ends_sentence
                        && word.len() >= 4
                        && word.chars().next().is_some_and(char::is_uppercase)
                        && word.chars().all(char::is_alphabetic)
                    {
                        name_set.insert(word.to_string());
                    }
                    previous_ends_sentence = token.ends_with('.');
                }
            }
        }
        let mut names: Vec<String> = name_set.iter().cloned().collect();
        names.sort();
        let mut archive = Archive {
            articles,
            names,
            name_set,
            seed,
        };
        let draws: Vec<(Vec<Draw>, Vec<Vec<Draw>>)> = archive
            .articles
            .iter()
            .map(|a| {
                (
                    archive.draws(&a.headline),
                    a.paragraphs.iter().map(|p| archive.draws(p)).collect(),
                )
            })
            .collect();
        for (article, (headline, paragraphs)) in archive.articles.iter_mut().zip(draws) {
            article.headline_draws = headline;
            article.paragraph_draws = paragraphs;
        }
        archive
    }

    /// The publication times stories get: `[start, end)`, Unix seconds.
    pub fn span() -> (i64, i64) {
        (END - SPAN, END)
    }

    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }

    /// Story `i`.
    pub fn story(&self, i: u64) -> GenStory {
        let mut rng = fastrand::Rng::with_seed(self.seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let n = self.articles.len();
        // Zipf-like: low indexes (hot articles) far more often.
        let hot = |rng: &mut fastrand::Rng| ((rng.f64().powi(3)) * n as f64) as usize % n;
        let base = &self.articles[hot(&mut rng)];
        let headline = self.vary(&base.headline, &mut rng);
        let mut paragraphs = Vec::with_capacity(base.paragraphs.len());
        for p in &base.paragraphs {
            let text = if rng.bool() {
                p.as_str()
            } else {
                let other = &self.articles[rng.usize(..n)];
                other.paragraphs[rng.usize(..other.paragraphs.len())].as_str()
            };
            paragraphs.push(self.vary(text, &mut rng));
        }
        let roll = rng.u32(..100);
        GenStory {
            headline,
            paragraphs,
            published: END - rng.i64(0..SPAN),
            priority: match roll {
                0 => "flash",
                1..=9 => "urgent",
                _ => "normal",
            },
            source: SOURCES[rng.usize(..SOURCES.len())],
        }
    }

    /// The publication time of story `i` (Unix seconds), as
    /// [`Archive::story`] makes it, without making its text: the same
    /// draws from the generator, replayed from what each text draws.
    /// Finding which stories a time partition holds costs this, not
    /// the generation of every story.
    pub fn published(&self, i: u64) -> i64 {
        let mut rng = fastrand::Rng::with_seed(self.seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let n = self.articles.len();
        let hot = |rng: &mut fastrand::Rng| ((rng.f64().powi(3)) * n as f64) as usize % n;
        let base = &self.articles[hot(&mut rng)];
        self.replay(&base.headline_draws, &mut rng);
        for own in &base.paragraph_draws {
            let draws = if rng.bool() {
                own
            } else {
                let other = &self.articles[rng.usize(..n)];
                &other.paragraph_draws[rng.usize(..other.paragraphs.len())]
            };
            self.replay(draws, &mut rng);
        }
        let _priority = rng.u32(..100);
        END - rng.i64(0..SPAN)
    }

    /// What [`Archive::vary`] draws for `text`, token by token.
    fn draws(&self, text: &str) -> Vec<Draw> {
        text.split(' ')
            .filter_map(|token| {
                let word_end = token
                    .char_indices()
                    .rev()
                    .find(|(_, c)| c.is_alphanumeric())
                    .map_or(0, |(at, c)| at + c.len_utf8());
                let word = &token[..word_end];
                let digits = token.bytes().filter(u8::is_ascii_digit).count();
                if !self.names.is_empty() && self.name_set.contains(word) {
                    // A name is letters only: never a number too.
                    Some(Draw::Name)
                } else if digits > 0 {
                    Some(Draw::Digits(u32::try_from(digits).unwrap_or(u32::MAX)))
                } else {
                    None
                }
            })
            .collect()
    }

    /// Makes `draws` from `rng` as [`Archive::vary`] does.
    fn replay(&self, draws: &[Draw], rng: &mut fastrand::Rng) {
        for draw in draws {
            match *draw {
                Draw::Name => {
                    if rng.u8(..4) == 0 {
                        rng.usize(..self.names.len());
                    }
                }
                Draw::Digits(k) => {
                    for _ in 0..k {
                        rng.u8(..10);
                    }
                }
            }
        }
    }

    /// Story `i` as a JSON line of `newsterm import`.
    pub fn json_line(&self, i: u64) -> String {
        let s = self.story(i);
        json!({
            "headline": s.headline,
            "published": time::OffsetDateTime::from_unix_timestamp(s.published)
                .ok()
                .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok()),
            "priority": s.priority,
            "source": s.source,
            "body": s.paragraphs,
        })
        .to_string()
    }

    /// Names swapped for other names a quarter of the time, every digit
    /// for another digit.
    fn vary(&self, text: &str, rng: &mut fastrand::Rng) -> String {
        let mut out = String::with_capacity(text.len() + 16);
        for (i, token) in text.split(' ').enumerate() {
            if i > 0 {
                out.push(' ');
            }
            let word_end = token
                .char_indices()
                .rev()
                .find(|(_, c)| c.is_alphanumeric())
                .map_or(0, |(at, c)| at + c.len_utf8());
            let (word, rest) = token.split_at(word_end);
            if !self.names.is_empty() && self.name_set.contains(word) && rng.u8(..4) == 0 {
                out.push_str(&self.names[rng.usize(..self.names.len())]);
                out.push_str(rest);
            } else if token.bytes().any(|b| b.is_ascii_digit()) {
                out.extend(token.chars().map(|c| {
                    if c.is_ascii_digit() {
                        char::from(b'0' + rng.u8(..10))
                    } else {
                        c
                    }
                }));
            } else {
                out.push_str(token);
            }
        }
        out
    }
}

/// The six query classes of the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    Rare,
    Common,
    And,
    Phrase,
    Not,
    Date,
}

impl Class {
    pub const ALL: [Class; 6] = [
        Class::Rare,
        Class::Common,
        Class::And,
        Class::Phrase,
        Class::Not,
        Class::Date,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Class::Rare => "rare word",
            Class::Common => "common word",
            Class::And => "two words (AND)",
            Class::Phrase => "phrase",
            Class::Not => "word NOT word",
            Class::Date => "word + date range",
        }
    }
}

/// One query, in a form each system's syntax is written from.
#[derive(Debug, Clone)]
pub struct BenchQuery {
    pub class: Class,
    /// Words that must all occur (consecutively when `phrase`).
    pub words: Vec<String>,
    pub phrase: bool,
    pub not: Option<String>,
    /// Unix seconds, `from <= published < to`.
    pub range: Option<(i64, i64)>,
}

fn day(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .map(|d| d.date().to_string())
        .unwrap_or_default()
}

impl BenchQuery {
    /// newsterm's query language.
    pub fn newsterm(&self) -> String {
        let mut q = if self.phrase {
            format!("\"{}\"", self.words.join(" "))
        } else {
            self.words.join(" ")
        };
        if let Some(not) = &self.not {
            q.push_str(&format!(" -{not}"));
        }
        if let Some((from, to)) = self.range {
            // Inclusive days: the last day is the one before `to`.
            q.push_str(&format!(
                " published:[{} TO {}]",
                day(from),
                day(to - 86_400)
            ));
        }
        q
    }

    /// An FTS5 MATCH expression (the date range goes in SQL).
    pub fn fts5(&self) -> String {
        let quoted = |w: &str| format!("\"{w}\"");
        let mut q = if self.phrase {
            quoted(&self.words.join(" "))
        } else {
            self.words
                .iter()
                .map(|w| quoted(w))
                .collect::<Vec<_>>()
                .join(" AND ")
        };
        if let Some(not) = &self.not {
            q = format!("{q} NOT {}", quoted(not));
        }
        q
    }

    /// A PostgreSQL tsquery (`to_tsquery('simple', …)`).
    pub fn tsquery(&self) -> String {
        let joiner = if self.phrase { " <-> " } else { " & " };
        let mut q = self.words.join(joiner);
        if let Some(not) = &self.not {
            q = format!("({q}) & !{not}");
        }
        q
    }
}

/// Words a query may use: ASCII letters only, so every system's
/// tokenizer reads them the same way.
fn plain_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3)
        .map(str::to_ascii_lowercase)
}

/// `len` consecutive words of `text`, each of ASCII letters only (so no
/// punctuation or number sits between them in any tokenizer).
fn phrase_in(text: &str, len: usize, rng: &mut fastrand::Rng) -> Option<Vec<String>> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let plain = |t: &&str| t.bytes().all(|b| b.is_ascii_alphabetic());
    let starts: Vec<usize> = (0..tokens.len().saturating_sub(len - 1))
        .filter(|&i| tokens[i..i + len].iter().all(plain))
        .collect();
    if starts.is_empty() {
        return None;
    }
    let at = starts[rng.usize(..starts.len())];
    Some(
        tokens[at..at + len]
            .iter()
            .map(|t| t.to_ascii_lowercase())
            .collect(),
    )
}

/// `n` queries, the six classes in turn, from the vocabulary of a sample
/// of the first stories.
pub fn queries(archive: &Archive, stories: u64, n: usize, seed: u64) -> Vec<BenchQuery> {
    let sample = stories.clamp(1, 5_000);
    let mut df: HashMap<String, u32> = HashMap::new();
    let mut docs: Vec<Vec<String>> = Vec::new();
    let mut paragraphs: Vec<String> = Vec::new();
    for i in 0..sample {
        let s = archive.story(i);
        let mut words: Vec<String> = plain_words(&s.headline)
            .chain(s.paragraphs.iter().flat_map(|p| plain_words(p)))
            .collect();
        let mut distinct = words.clone();
        distinct.sort();
        distinct.dedup();
        for w in &distinct {
            *df.entry(w.clone()).or_default() += 1;
        }
        words.truncate(2_000);
        docs.push(words);
        paragraphs.extend(s.paragraphs.into_iter().take(3));
    }
    let mut by_df: Vec<(&String, u32)> = df.iter().map(|(w, n)| (w, *n)).collect();
    by_df.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let common: Vec<&String> = by_df.iter().take(150).map(|(w, _)| *w).collect();
    let rare: Vec<&String> = by_df
        .iter()
        .filter(|(_, n)| (1..=2).contains(n))
        .map(|(w, _)| *w)
        .collect();
    let mid_band = (sample as u32 / 200).max(2)..=(sample as u32 / 10).max(3);
    let mut rng = fastrand::Rng::with_seed(seed ^ 0x5EA2C4);
    let pick = |rng: &mut fastrand::Rng, words: &[&String]| -> String {
        if words.is_empty() {
            "news".to_string()
        } else {
            words[rng.usize(..words.len())].clone()
        }
    };
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let class = Class::ALL[i % Class::ALL.len()];
        let doc = &docs[rng.usize(..docs.len())];
        let mids: Vec<&String> = doc
            .iter()
            .filter(|w| df.get(*w).is_some_and(|n| mid_band.contains(n)))
            .collect();
        let mid = |rng: &mut fastrand::Rng| pick(rng, &mids);
        let query = match class {
            Class::Rare => BenchQuery::words(class, vec![pick(&mut rng, &rare)]),
            Class::Common => BenchQuery::words(class, vec![pick(&mut rng, &common)]),
            Class::And => BenchQuery::words(class, vec![mid(&mut rng), mid(&mut rng)]),
            Class::Phrase => {
                let len = 2 + rng.usize(..2);
                let words = phrase_in(&paragraphs[rng.usize(..paragraphs.len())], len, &mut rng)
                    .unwrap_or_else(|| vec![pick(&mut rng, &common)]);
                BenchQuery {
                    phrase: true,
                    ..BenchQuery::words(class, words)
                }
            }
            Class::Not => BenchQuery {
                not: Some(mid(&mut rng)),
                ..BenchQuery::words(class, vec![pick(&mut rng, &common)])
            },
            Class::Date => {
                let length = 86_400 * (30 + rng.i64(0..335));
                let from = (END - SPAN + rng.i64(0..SPAN - length)) / 86_400 * 86_400;
                BenchQuery {
                    range: Some((from, from + length)),
                    ..BenchQuery::words(class, vec![mid(&mut rng)])
                }
            }
        };
        out.push(query);
    }
    out
}

impl BenchQuery {
    fn words(class: Class, words: Vec<String>) -> BenchQuery {
        BenchQuery {
            class,
            words,
            phrase: false,
            not: None,
            range: None,
        }
    }
}
