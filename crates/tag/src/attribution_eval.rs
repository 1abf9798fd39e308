//! Scores what the tagger attributes: quotes to their speakers
//! (`eval/quotes_sample.tsv`) and figures to what they count
//! (`eval/figures_sample.tsv`), against hand-labelled bundled stories
//! (both documented in `eval/README.md`).
//!
//! Quotes: the sample lists every quotation (words between quotation marks) of each
//! story by its first words, with the speaker the story names, or none (a scare
//! quote, a title, an unnamed source). The tagger's direct quotes are matched
//! to it by those first words. A pair is correct when the tagger names the
//! labelled speaker (the full name, or the same name without its first words,
//! as "Ardern" for "Jacinda Ardern"). Precision is over the tagger's direct
//! quotes that name a speaker, recall over labelled quotations that have one;
//! `found` counts labelled quotations with a speaker that the tagger took for
//! a quote at all, whoever it gave them to.

use std::fmt;
use std::io::BufRead;

use crate::Tagger;
use crate::annotations::QuoteKind;
use crate::error::TagError;

/// One labelled quotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledQuote {
    /// Story id in the bundled corpus.
    pub id: String,
    /// The first words inside the quotation marks, as written.
    pub opening: String,
    /// The names the speaker may be given; empty when the story names none.
    pub speakers: Vec<String>,
}

/// Reads the quote sample: `id<TAB>opening words<TAB>speaker` per line
/// (speaker alternatives split by `|`, `-` for none).
pub fn read_quote_sample(input: impl BufRead) -> Result<Vec<LabelledQuote>, TagError> {
    Ok(crate::eval::read_answer_rows(input, |a| Ok(a.to_string()))?
        .into_iter()
        .map(|(id, opening, speakers)| LabelledQuote {
            id,
            opening,
            speakers,
        })
        .collect())
}

/// Whether `given` names the labelled speaker `gold`: the same name, or its
/// last words ("Ardern" for "Jacinda Ardern"), case aside.
fn same_speaker(given: &str, gold: &str) -> bool {
    let given = given.to_lowercase();
    let gold = gold.to_lowercase();
    given == gold
        || gold
            .strip_suffix(given.as_str())
            .is_some_and(|head| head.ends_with(' '))
}

/// What went wrong with one quotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteError {
    /// The story the quotation is in.
    pub id: String,
    /// The opening words (labelled) or the quote text (a tagger quote matched to
    /// no labelled quotation).
    pub quote: String,
    /// The speakers of the label, empty for none.
    pub gold: Vec<String>,
    /// The speaker the tagger gave, if it found the quote and named one.
    pub given: Option<String>,
}

/// Counts of (item, label) pairs over a labelled sample: what the quote,
/// the figure and the place (`crate::place_eval`) scores have in common.
#[derive(Debug, Clone, Default)]
pub struct PairCounts {
    /// Labelled stories read.
    pub stories: usize,
    /// Labelled items with a label (a quotation with a named speaker, a
    /// number with what it counts).
    pub gold_pairs: usize,
    /// Pairs the tagger gave in the labelled part.
    pub predicted_pairs: usize,
    /// Of those, the ones that say what the label says.
    pub correct: usize,
    /// Labelled items with a label that the tagger found at all.
    pub found: usize,
    /// Story ids not in the corpus.
    pub missing: Vec<String>,
}

impl PairCounts {
    /// Correct pairs among those the tagger gave.
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted_pairs)
    }

    /// Correct pairs among the labelled ones.
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.gold_pairs)
    }

    /// The stories of `ids` (in order, each taken once, as its labels are
    /// all scored with it) found in `corpus` (id, headline, body), counted
    /// as scored; the ids not found are listed as missing.
    pub(crate) fn stories_of<'c>(
        &mut self,
        mut ids: Vec<&str>,
        corpus: &'c [(String, String, String)],
    ) -> Vec<(&'c str, &'c str, &'c str)> {
        let mut seen = std::collections::HashSet::new();
        ids.retain(|id| seen.insert(*id));
        let mut found = Vec::new();
        for id in ids {
            match corpus.iter().find(|(c, _, _)| c == id) {
                Some((c, headline, body)) => {
                    self.stories += 1;
                    found.push((c.as_str(), headline.as_str(), body.as_str()));
                }
                None => self.missing.push(id.to_string()),
            }
        }
        found
    }

    /// Two lines: the pairs scored (`pairs` names them) and how many
    /// labelled items were `found` at all.
    pub(crate) fn describe(
        &self,
        f: &mut fmt::Formatter<'_>,
        pairs: &str,
        found: &str,
    ) -> fmt::Result {
        writeln!(
            f,
            "{pairs}: gold {}, given {}, correct {} | P {:.3} R {:.3}",
            self.gold_pairs,
            self.predicted_pairs,
            self.correct,
            self.precision(),
            self.recall()
        )?;
        write!(
            f,
            "{found}: {} of {}; {} labelled stories scored",
            self.found, self.gold_pairs, self.stories
        )?;
        if !self.missing.is_empty() {
            write!(f, " ({} not in the corpus)", self.missing.len())?;
        }
        Ok(())
    }
}

/// The quote score: pairs are (direct quote, speaker), found counts
/// labelled quotations the tagger took for a quote.
#[derive(Debug, Clone, Default)]
pub struct QuoteReport {
    /// The counts.
    pub pairs: PairCounts,
    /// Each quotation the tagger got wrong or missed.
    pub errors: Vec<QuoteError>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Tags each labelled story found in `corpus` (id, headline, body) and scores
/// its direct quotes against the labels.
pub fn evaluate_quotes(
    tagger: &Tagger,
    sample: &[LabelledQuote],
    corpus: &[(String, String, String)],
) -> QuoteReport {
    let mut report = QuoteReport::default();
    let ids = sample.iter().map(|q| q.id.as_str()).collect();
    for (id, headline, body) in report.pairs.stories_of(ids, corpus) {
        let labels: Vec<&LabelledQuote> = sample.iter().filter(|q| q.id == id).collect();
        let quotes = tagger.tag_story(headline, body).quotes;
        let direct: Vec<_> = quotes
            .iter()
            .filter(|q| q.kind == QuoteKind::Direct)
            .collect();
        // The labelled quotation a tagger quote is, by its opening words.
        let label_of = |text: &str| labels.iter().find(|l| text.contains(l.opening.as_str()));
        for q in &direct {
            let Some(speaker) = q.speaker.as_deref() else {
                continue;
            };
            report.pairs.predicted_pairs += 1;
            match label_of(&q.text) {
                Some(l) if l.speakers.iter().any(|g| same_speaker(speaker, g)) => {
                    report.pairs.correct += 1;
                }
                Some(_) => {} // counted below, with the label
                None => report.errors.push(QuoteError {
                    id: id.to_string(),
                    quote: q.text.clone(),
                    gold: Vec::new(),
                    given: Some(speaker.to_string()),
                }),
            }
        }
        for l in &labels {
            let given = direct
                .iter()
                .find(|q| q.text.contains(l.opening.as_str()))
                .map(|q| q.speaker.clone());
            if !l.speakers.is_empty() {
                report.pairs.gold_pairs += 1;
                report.pairs.found += usize::from(given.is_some());
            }
            let given = given.flatten();
            let right = match &given {
                Some(s) => l.speakers.iter().any(|g| same_speaker(s, g)),
                None => l.speakers.is_empty(),
            };
            if !right {
                report.errors.push(QuoteError {
                    id: id.to_string(),
                    quote: l.opening.clone(),
                    gold: l.speakers.clone(),
                    given,
                });
            }
        }
    }
    report
}

impl fmt::Display for QuoteReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.pairs.describe(
            f,
            "quote → speaker pairs",
            "quotations with a speaker taken for a quote",
        )
    }
}

/// One labelled number of the figure sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledFigure {
    /// Story id in the bundled corpus.
    pub id: String,
    /// The number as written ("38,000", "seventeen", "15%").
    pub number: String,
    /// What it counts; empty for a number the tagger may take or leave.
    pub what: Vec<String>,
}

/// How many body paragraphs after the headline the figure sample covers.
pub const FIGURE_PARAGRAPHS: usize = 3;

/// Reads the figure sample: `id<TAB>number<TAB>what it counts` per line, in
/// text order (alternatives split by `|`, `-` for a number that may be taken
/// or left).
pub fn read_figure_sample(input: impl BufRead) -> Result<Vec<LabelledFigure>, TagError> {
    Ok(crate::eval::read_answer_rows(input, |a| Ok(a.to_string()))?
        .into_iter()
        .map(|(id, number, what)| LabelledFigure { id, number, what })
        .collect())
}

/// Whether `given` says what `gold` counts: the same head noun (last word),
/// case aside ("Buddhist pilgrims" for "pilgrims", "the vote" for "vote").
fn same_thing(given: &str, gold: &str) -> bool {
    let head = |s: &str| {
        s.split_whitespace()
            .last()
            .unwrap_or_default()
            .to_lowercase()
    };
    head(given) == head(gold)
}

/// The char offset of the next occurrence of `number` at or after char
/// `from` in `text` that stands on its own (not inside "42.195" or "116th").
fn find_number(text: &[char], number: &str, from: usize) -> Option<usize> {
    let n: Vec<char> = number.chars().collect();
    (from..text.len()).find(|&i| {
        let after = i + n.len();
        // "42" in "42.195" or "1,991" goes on as a number.
        let continues = |c: char| {
            c.is_alphanumeric()
                || matches!(c, '.' | ',' | ':')
                    && text.get(after + 1).is_some_and(char::is_ascii_digit)
        };
        text.get(i..after) == Some(&n[..])
            && (i == 0 || !text[i - 1].is_alphanumeric())
            && !text.get(after).is_some_and(|&c| continues(c))
    })
}

/// A figure the tagger got wrong or missed.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureError {
    /// The story the figure is in.
    pub id: String,
    /// The labelled number, or the tagger's figure text when it matched none.
    pub number: String,
    /// What it counts per the label (empty: not labelled).
    pub gold: Vec<String>,
    /// Whether the tagger found a figure there, and what it said it counts.
    pub given: Option<Option<String>>,
}

/// The figure score: pairs are (figure, what it counts) in the headline
/// and first [`FIGURE_PARAGRAPHS`] paragraphs, except on numbers labelled
/// `-`; found counts labelled numbers the tagger took for a figure.
#[derive(Debug, Clone, Default)]
pub struct FigureReport {
    /// The counts.
    pub pairs: PairCounts,
    /// Each figure the tagger got wrong or missed.
    pub errors: Vec<FigureError>,
}

/// Tags each labelled story found in `corpus` (id, headline, body) and scores
/// the figures of its headline and first [`FIGURE_PARAGRAPHS`] body paragraphs.
pub fn evaluate_figures(
    tagger: &Tagger,
    sample: &[LabelledFigure],
    corpus: &[(String, String, String)],
) -> FigureReport {
    let mut report = FigureReport::default();
    let ids = sample.iter().map(|f| f.id.as_str()).collect();
    for (id, headline, body) in report.pairs.stories_of(ids, corpus) {
        let part: Vec<&str> = body.split("\n\n").take(FIGURE_PARAGRAPHS).collect();
        let region: Vec<char> = format!("{headline}\n\n{}", part.join("\n\n"))
            .chars()
            .collect();
        let figures: Vec<_> = tagger
            .tag_story(headline, body)
            .figures
            .into_iter()
            .filter(|f| f.start < region.len())
            .collect();
        let mut used = vec![false; figures.len()];
        let mut at = 0;
        for label in sample.iter().filter(|f| f.id == id) {
            let Some(pos) = find_number(&region, &label.number, at) else {
                report.errors.push(FigureError {
                    id: id.to_string(),
                    number: format!("{} (not in the text)", label.number),
                    gold: label.what.clone(),
                    given: None,
                });
                continue;
            };
            at = pos + 1;
            let hit = figures.iter().position(|f| f.start <= pos && pos < f.end);
            if let Some(k) = hit {
                used[k] = true;
            }
            if label.what.is_empty() {
                continue;
            }
            report.pairs.gold_pairs += 1;
            let given = hit.map(|k| figures[k].what.clone());
            report.pairs.found += usize::from(given.is_some());
            if let Some(Some(what)) = &given {
                report.pairs.predicted_pairs += 1;
                if label.what.iter().any(|g| same_thing(what, g)) {
                    report.pairs.correct += 1;
                    continue;
                }
            }
            report.errors.push(FigureError {
                id: id.to_string(),
                number: label.number.clone(),
                gold: label.what.clone(),
                given,
            });
        }
        for (f, _) in figures.iter().zip(&used).filter(|(_, u)| !**u) {
            if let Some(what) = &f.what {
                report.pairs.predicted_pairs += 1;
                report.errors.push(FigureError {
                    id: id.to_string(),
                    number: f.text.clone(),
                    gold: Vec::new(),
                    given: Some(Some(what.clone())),
                });
            }
        }
    }
    report
}

impl fmt::Display for FigureReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.pairs.describe(
            f,
            "figure → what it counts",
            "labelled numbers taken for a figure",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_surname_names_the_speaker_but_another_name_does_not() {
        assert!(same_speaker("Ardern", "Jacinda Ardern"));
        assert!(same_speaker("Jacinda Ardern", "jacinda ardern"));
        assert!(!same_speaker("Dern", "Jacinda Ardern"));
        assert!(!same_speaker("Jacinda", "Jacinda Ardern"));
    }

    #[test]
    fn numbers_are_found_on_their_own_and_in_order() {
        let text: Vec<char> = "ran 42.195 km with 42 pacemakers, 42 in all"
            .chars()
            .collect();
        assert_eq!(find_number(&text, "42", 0), Some(19));
        assert_eq!(find_number(&text, "42", 20), Some(34));
        assert!(same_thing("Buddhist pilgrims", "pilgrims"));
        assert!(!same_thing("people", "pilgrims"));
    }

    #[test]
    fn the_sample_reads_alternatives_and_no_speaker_and_names_bad_lines() {
        let text = "# c\na\tWe are\tTfL|Transport for London\na\tsilenced\t-\n";
        let s = read_quote_sample(text.as_bytes()).unwrap();
        assert_eq!(s[0].speakers, vec!["TfL", "Transport for London"]);
        assert!(s[1].speakers.is_empty());
        let err = read_quote_sample("a\tWe are\n".as_bytes()).unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
    }
}
