//! Where a name's span starts and ends: the model's tags read as spans,
//! and the punctuation, brackets and lower-case words that end a name.

use super::person_names::NAME_PARTICLES;
use crate::features::DocView;
use crate::perceptron::{is_begin, tag_type};
use crate::quotes::SPEECH_VERBS;

/// A span of tokens with a type id.
#[derive(Debug, Clone, Copy)]
pub(super) struct Span {
    pub(super) first: usize,
    /// Exclusive.
    pub(super) end: usize,
    pub(super) type_id: u8,
    /// Set when a rule, not the model, found the span.
    pub(super) from_rule: bool,
}

pub(super) fn spans_from_tags(view: &DocView, tags: &[u8]) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < tags.len() {
        if is_begin(tags[i]) {
            let t = tag_type(tags[i]);
            let mut end = i + 1;
            while end < tags.len()
                && !is_begin(tags[end])
                && tag_type(tags[end]) == t
                && !view.sent_start[end]
            {
                end += 1;
            }
            spans.push(Span {
                first: i,
                end,
                type_id: t,
                from_rule: false,
            });
            i = end;
        } else {
            i += 1;
        }
    }
    spans
}

pub(super) fn span_text<'t>(view: &DocView<'t>, s: &Span) -> &'t str {
    &view.text[view.tokens[s.first].start..view.tokens[s.end - 1].end]
}

/// The token after `end`, past a possessive "'s".
pub(super) fn after_possessive(view: &DocView, end: usize) -> usize {
    // Lower case: "'S" of a headline in capitals is one too.
    if view
        .lower
        .get(end)
        .is_some_and(|w| matches!(w.as_str(), "'s" | "\u{2019}s"))
    {
        end + 1
    } else {
        end
    }
}

/// "Airbus wins Qatar Airways": a lower-case word inside a span that is no name
/// particle (a verb of a title-case headline) ends one name and starts another;
/// so do "on" and "in" between names ("Jezero Crater on Mars"), unless the
/// gazetteer holds the whole name ("Stoke on Trent").
pub(super) fn split_at_inner_lowercase(view: &DocView, spans: &mut Vec<Span>) {
    let mut out = Vec::with_capacity(spans.len());
    for s in spans.drain(..) {
        let mut first = s.first;
        let a_place_whole = view.gaz_match_end(s.first) == Some(s.end);
        for k in s.first + 1..s.end.saturating_sub(1) {
            let w = view.word(k);
            let ordinary = w.chars().next().is_some_and(char::is_lowercase)
                && w.chars().count() >= 3
                && w.chars().all(char::is_alphabetic)
                && !NAME_PARTICLES.contains(&w)
                || matches!(w, "on" | "in") && !a_place_whole;
            if ordinary && view.is_capitalized(k - 1) && view.is_capitalized(k + 1) {
                if k > first {
                    out.push(Span { end: k, first, ..s });
                }
                first = k + 1;
            }
        }
        out.push(Span { first, ..s });
    }
    *spans = out;
}

/// "CEMB [Council of Ex-Muslims of Britain]": a name of the model's that
/// runs into a bracket and stops inside it ends before the bracket (or,
/// running out of one, starts after it).
pub(super) fn names_stop_at_brackets(view: &DocView, spans: &mut Vec<Span>) {
    for s in spans.iter_mut() {
        let opened = (s.first..s.end).find(|&k| view.word(k) == "[");
        let closed = (s.first..s.end).rfind(|&k| view.word(k) == "]");
        match (opened, closed) {
            (Some(o), None) if o > s.first => s.end = o,
            (None, Some(c)) if c + 1 < s.end => s.first = c + 1,
            _ => {}
        }
    }
    spans.retain(|s| s.end > s.first);
}

/// Which tokens of the story some span already covers.
pub(super) fn covered_tokens(view: &DocView, spans: &[Span]) -> Vec<bool> {
    let mut covered = vec![false; view.len()];
    for s in spans {
        covered[s.first..s.end].iter_mut().for_each(|c| *c = true);
    }
    covered
}

/// A question's or a list's punctuation is no part of a name: "… than President
/// Trump?" names Trump, the same person as everywhere else in the story; nor is
/// a verb of saying after it.
pub(super) fn trim_punctuation(view: &DocView, spans: &mut Vec<Span>) {
    let is_edge = |i: usize| {
        matches!(
            view.word(i),
            "?" | "!" | "," | ";" | ":" | "\"" | "\u{201c}" | "\u{201d}"
        )
    };
    for s in spans.iter_mut() {
        // A closing bracket without its opening one ends the name: "((Sara
        // Seager)) No." is an interview's speaker mark and her answer.
        if let Some(close) = (s.first..s.end).find(|&i| view.word(i) == ")")
            && !(s.first..close).any(|i| view.word(i) == "(")
        {
            s.end = close;
        }
        while s.first < s.end && is_edge(s.end - 1) {
            s.end -= 1;
        }
        while s.first < s.end && is_edge(s.first) {
            s.first += 1;
        }
        // "Bizheva said: …": no name ends in a verb of saying; the model
        // sometimes takes the verb after a name it has seen little of.
        while s.end - s.first >= 2 && SPEECH_VERBS.contains(&view.word(s.end - 1)) {
            s.end -= 1;
            while s.first < s.end && is_edge(s.end - 1) {
                s.end -= 1;
            }
        }
    }
    spans.retain(|s| s.first < s.end);
    // "Norfolk, Virginia * River Rouge Plant of Dearborn": a list's bullet
    // parts two names however close the model saw them.
    // "zoviet*france" is a band's one name.
    let is_bullet = |i: usize| {
        matches!(view.word(i), "*" | "•" | "|")
            && i > 0
            && view.tokens[i - 1].end < view.tokens[i].start
            && view
                .tokens
                .get(i + 1)
                .is_none_or(|next| view.tokens[i].end < next.start)
    };
    if spans.iter().any(|s| (s.first..s.end).any(is_bullet)) {
        let mut parted = Vec::with_capacity(spans.len() + 1);
        for s in spans.drain(..) {
            let mut first = s.first;
            for i in s.first..=s.end {
                if i == s.end || is_bullet(i) {
                    if first < i {
                        parted.push(Span { first, end: i, ..s });
                    }
                    first = i + 1;
                }
            }
        }
        *spans = parted;
    }
}

/// Test spans over `view`'s text: each name the next place it is written
/// after the one before, with its type, as the model would give it.
#[cfg(test)]
pub(super) fn spans_named(view: &DocView, names: &[(&str, u8)]) -> Vec<Span> {
    let text = view.text;
    let mut from = 0;
    names
        .iter()
        .map(|&(name, type_id)| {
            let start = from + text[from..].find(name).expect("name in text");
            from = start + name.len();
            let first = (0..view.len())
                .find(|&i| view.tokens[i].start == start)
                .expect("name starts a token");
            let last = (first..view.len())
                .find(|&i| view.tokens[i].end == start + name.len())
                .expect("name ends a token");
            Span {
                first,
                end: last + 1,
                type_id,
                from_rule: false,
            }
        })
        .collect()
}
