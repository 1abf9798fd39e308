//! Extractive highlights: two or three sentences of the story, chosen by a ranker
//! that favours the lead (news puts the gist first; LEAD-3 is the baseline) and
//! sentences that carry the story's recurring words, names and figures.

use std::borrow::Cow;
use std::ops::Range;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::annotations::{Entity, Figure, Highlight};
use crate::features::DocView;
use crate::topics::stem_lower;

/// Words that say nothing of what a sentence is about. A `match` rather than
/// a scan of a list: every word of every candidate sentence is checked.
fn is_stopword(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "a"
            | "an"
            | "of"
            | "and"
            | "or"
            | "to"
            | "in"
            | "on"
            | "at"
            | "for"
            | "with"
            | "by"
            | "from"
            | "is"
            | "are"
            | "was"
            | "were"
            | "be"
            | "been"
            | "it"
            | "its"
            | "this"
            | "that"
            | "these"
            | "those"
            | "he"
            | "she"
            | "they"
            | "we"
            | "i"
            | "you"
            | "his"
            | "her"
            | "their"
            | "our"
            | "as"
            | "has"
            | "have"
            | "had"
            | "not"
            | "but"
            | "also"
            | "which"
            | "who"
            | "said"
            | "says"
            | "will"
            | "would"
            | "can"
            | "could"
    )
}

/// Picks 2–3 highlight sentences (3 when the story has at least six candidates),
/// returned in story order.
pub(crate) fn highlights(
    view: &DocView,
    sentences: &[Range<usize>],
    entities: &[Entity],
    figures: &[Figure],
) -> Vec<Highlight> {
    // A candidate reads as a sentence: long enough, ends like one (so headlines,
    // datelines, captions and subheads are out).
    let candidates: Vec<&Range<usize>> = sentences
        .iter()
        .filter(|s| {
            let words = (s.start..s.end)
                .filter(|&i| view.word(i).chars().any(char::is_alphabetic))
                .count();
            let last = view.word(s.end - 1);
            let before_last = if s.len() >= 2 {
                view.word(s.end - 2)
            } else {
                ""
            };
            (8..=60).contains(&words)
                && (matches!(last, "." | "!" | "?") || matches!(before_last, "." | "!" | "?"))
        })
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    let content = |s: &Range<usize>| -> Vec<Cow<str>> {
        s.clone()
            .filter(|&i| view.word(i).chars().any(char::is_alphabetic))
            .map(|i| stem_lower(&view.lower[i]))
            .filter(|w| !is_stopword(w))
            .collect()
    };
    let bags: Vec<Vec<Cow<str>>> = candidates.iter().map(|s| content(s)).collect();
    let mut freq: FxHashMap<&str, f64> = FxHashMap::default();
    let mut in_bag: FxHashSet<&str> = FxHashSet::default();
    for bag in &bags {
        in_bag.clear();
        for w in bag {
            if in_bag.insert(w) {
                *freq.entry(w.as_ref()).or_default() += 1.0;
            }
        }
    }
    // How many of `starts` (sorted) lie in sentence `s`: every sentence asks,
    // and a long story has hundreds of names.
    let in_sentence = |starts: &[usize], s: &Range<usize>| {
        let a = view.tokens[s.start].cstart;
        let b = view.tokens[s.end - 1].cend;
        starts.partition_point(|&x| x < b) - starts.partition_point(|&x| x < a)
    };
    let sorted = |mut starts: Vec<usize>| {
        starts.sort_unstable();
        starts
    };
    let name_starts = sorted(entities.iter().map(|e| e.start).collect());
    let figure_starts = sorted(figures.iter().map(|f| f.start).collect());
    let n = candidates.len() as f64;
    let mut scored: Vec<(usize, f64)> = candidates
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let bag = &bags[k];
            // Centrality: how many other sentences share this one's words.
            let central = bag
                .iter()
                .map(|w| freq.get(w.as_ref()).copied().unwrap_or(0.0) - 1.0)
                .sum::<f64>()
                / (bag.len().max(1) as f64).sqrt()
                / n.max(2.0).ln();
            let names = in_sentence(&name_starts, s) as f64;
            let numbers = in_sentence(&figure_starts, s) as f64;
            let lead = 3.0 / (1.0 + k as f64);
            (
                k,
                lead + 0.5 * central + 0.15 * names.min(4.0) + 0.2 * numbers.min(2.0),
            )
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    let want = if candidates.len() >= 6 { 3 } else { 2 };
    let mut chosen: Vec<usize> = Vec::new();
    for (k, _) in scored {
        let words: FxHashSet<&Cow<str>> = bags[k].iter().collect();
        // Skip near-repeats of a sentence already chosen.
        let repeat = chosen.iter().any(|&c| {
            let other: FxHashSet<&Cow<str>> = bags[c].iter().collect();
            let shared = words.intersection(&other).count() as f64;
            shared / (words.len().min(other.len()).max(1) as f64) > 0.7
        });
        if !repeat {
            chosen.push(k);
        }
        if chosen.len() == want {
            break;
        }
    }
    chosen.sort_unstable();
    chosen
        .into_iter()
        .map(|k| {
            let s = candidates[k];
            let (a, b) = (&view.tokens[s.start], &view.tokens[s.end - 1]);
            Highlight {
                start: a.cstart,
                end: b.cend,
                text: view.text[a.start..b.end].to_string(),
            }
        })
        .collect()
}
