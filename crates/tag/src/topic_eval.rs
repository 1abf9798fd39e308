//! Scores the tagger's top-level Media Topics against a hand-labelled sample of
//! stories (`eval/topics_sample.tsv`, documented in `eval/README.md`).
//!
//! The sample lists, for each story, every top-level topic a reader would accept
//! for it. A predicted top-level topic outside that list is a false positive; a
//! listed topic the tagger does not give is a miss. Because the lists are
//! generous (all acceptable topics, not just the main one), recall is a lower
//! bound of what a reader would call recall, and precision is the figure that
//! matters: how often a shown topic is wrong.

use std::collections::HashSet;
use std::fmt;
use std::io::BufRead;

use crate::Tagger;
use crate::error::TagError;

/// The 17 top-level IPTC Media Topics: (two-digit number, short name).
pub const TOP_LEVEL: [(&str, &str); 17] = [
    ("01", "arts, culture, media"),
    ("02", "crime, law, justice"),
    ("03", "disaster, accident"),
    ("04", "economy, business"),
    ("05", "education"),
    ("06", "environment"),
    ("07", "health"),
    ("08", "human interest"),
    ("09", "labour"),
    ("10", "lifestyle, leisure"),
    ("11", "politics"),
    ("12", "religion"),
    ("13", "science, technology"),
    ("14", "society"),
    ("15", "sport"),
    ("16", "conflict, war, peace"),
    ("17", "weather"),
];

/// One labelled story: its id in the bundled corpus and the indexes (into
/// [`TOP_LEVEL`]) of its acceptable top-level topics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledStory {
    /// The story's id in the bundled corpus.
    pub id: String,
    /// Indexes into [`TOP_LEVEL`] of its acceptable topics.
    pub topics: Vec<usize>,
}

/// Reads the sample: `id<TAB>numbers<TAB>headline` per line (numbers: two-digit
/// top-level topics separated by spaces, possibly none), `#` lines are comments.
pub fn read_topic_sample(input: impl BufRead) -> Result<Vec<LabelledStory>, TagError> {
    crate::eval::read_labelled(input, |cols| {
        let id = cols.first().copied().unwrap_or_default().trim();
        if id.is_empty() {
            return Err("no story id".into());
        }
        let numbers = cols.get(1).ok_or_else(|| "no topics column".to_string())?;
        let topics = numbers
            .split_whitespace()
            .map(|t| {
                TOP_LEVEL
                    .iter()
                    .position(|(code, _)| *code == t)
                    .ok_or_else(|| format!("{t:?} is not a top-level topic number"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(LabelledStory {
            id: id.to_string(),
            topics,
        })
    })
}

/// The index into [`TOP_LEVEL`] of a top-level Media Topic qcode
/// (`medtop:04000000`); `None` for finer topics and mnemonic codes.
pub fn top_level_index(code: &str) -> Option<usize> {
    let number = code.strip_prefix("medtop:")?.strip_suffix("000000")?;
    TOP_LEVEL.iter().position(|(n, _)| *n == number)
}

/// Per top-level topic: stories labelled with it, stories tagged with it, and
/// tagged stories labelled with it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TopicCounts {
    /// Stories labelled with the topic.
    pub gold: usize,
    /// Stories tagged with it.
    pub predicted: usize,
    /// Stories both labelled and tagged with it.
    pub correct: usize,
}

impl TopicCounts {
    /// Share of the tagged stories that were labelled so.
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }

    /// Share of the labelled stories that were tagged so.
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.gold)
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b > 0 { a as f64 / b as f64 } else { 0.0 }
}

/// A wrong or missed topic of one story, for reading what went wrong.
#[derive(Debug, Clone)]
pub struct TopicError {
    /// The story's id.
    pub id: String,
    /// The topic, an index into [`TOP_LEVEL`].
    pub topic: usize,
    /// `true`: tagged but not acceptable; `false`: acceptable and missed.
    pub wrong: bool,
}

/// The result of scoring topics on a labelled sample.
#[derive(Debug, Clone)]
pub struct TopicReport {
    /// Stories scored.
    pub stories: usize,
    /// Stories of the sample not found in the corpus (not scored).
    pub missing: Vec<String>,
    /// Counts per top-level topic, in the order of [`TOP_LEVEL`].
    pub per_topic: [TopicCounts; 17],
    /// Every wrong or missed topic, for reading.
    pub errors: Vec<TopicError>,
}

impl TopicReport {
    /// Counts added up over the topics (micro average).
    pub fn micro(&self) -> TopicCounts {
        let mut all = TopicCounts::default();
        for c in &self.per_topic {
            all.gold += c.gold;
            all.predicted += c.predicted;
            all.correct += c.correct;
        }
        all
    }
}

/// Tags each labelled story found in `corpus` (id, headline, body) and counts its
/// top-level topics against the labels.
pub fn evaluate_topics(
    tagger: &Tagger,
    sample: &[LabelledStory],
    corpus: &[(String, String, String)],
) -> TopicReport {
    let mut report = TopicReport {
        stories: 0,
        missing: Vec::new(),
        per_topic: [TopicCounts::default(); 17],
        errors: Vec::new(),
    };
    for story in sample {
        let Some((_, headline, body)) = corpus.iter().find(|(id, _, _)| *id == story.id) else {
            report.missing.push(story.id.clone());
            continue;
        };
        report.stories += 1;
        let tagged: HashSet<usize> = tagger
            .tag_story(headline, body)
            .topics
            .iter()
            .filter_map(|t| top_level_index(&t.code))
            .collect();
        let gold: HashSet<usize> = story.topics.iter().copied().collect();
        for &t in &gold {
            report.per_topic[t].gold += 1;
            if !tagged.contains(&t) {
                report.errors.push(TopicError {
                    id: story.id.clone(),
                    topic: t,
                    wrong: false,
                });
            }
        }
        for &t in &tagged {
            report.per_topic[t].predicted += 1;
            if gold.contains(&t) {
                report.per_topic[t].correct += 1;
            } else {
                report.errors.push(TopicError {
                    id: story.id.clone(),
                    topic: t,
                    wrong: true,
                });
            }
        }
    }
    report
}

impl fmt::Display for TopicReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<24} {:>5} {:>5} | {:>6} {:>6} {:>6}",
            "top-level topic", "gold", "pred", "P", "R", "F1"
        )?;
        writeln!(f, "{}", "-".repeat(58))?;
        let rows = TOP_LEVEL
            .iter()
            .map(|(n, name)| format!("{n} {name}"))
            .zip(self.per_topic.iter().copied());
        for (name, c) in rows.chain(std::iter::once(("micro".to_string(), self.micro()))) {
            writeln!(
                f,
                "{:<24} {:>5} {:>5} | {:>6.3} {:>6.3} {:>6.3}",
                name,
                c.gold,
                c.predicted,
                c.precision(),
                c.recall(),
                c.f1()
            )?;
        }
        write!(f, "{} labelled stories scored", self.stories)?;
        if !self.missing.is_empty() {
            write!(f, " ({} not in the corpus)", self.missing.len())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_codes_map_to_their_number_and_finer_ones_to_none() {
        assert_eq!(top_level_index("medtop:04000000"), Some(3));
        assert_eq!(top_level_index("medtop:17000000"), Some(16));
        assert_eq!(top_level_index("medtop:20000385"), None);
        assert_eq!(top_level_index("ECON"), None);
    }

    #[test]
    fn a_bad_topic_number_names_its_line() {
        let text = "# comment\na\t04 11\tHeadline\nb\t\tNo topic\nc\t4\tBad\n";
        let err = read_topic_sample(text.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("line 4"), "{err}");
        let ok = read_topic_sample("a\t04 11\tH\nb\t\tNone\n".as_bytes()).unwrap();
        assert_eq!(ok[0].topics, vec![3, 10]);
        assert!(ok[1].topics.is_empty());
    }
}
