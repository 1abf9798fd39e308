//! Queries stored compactly: a flat tree of 8-byte nodes whose strings
//! and date ranges live once in a shared [`Vocabulary`].
//!
//! A million alerts as [`Query`] trees would hold a million small heap
//! allocations per level and a string per word; as programs they are one
//! allocation each, and the words they share ("election", `priority:flash`)
//! are stored once.

use std::collections::HashMap;

use newsterm_query::{Document, Field, Query};
use time::OffsetDateTime;

/// A string's number in a [`Vocabulary`].
pub(crate) type Sym = u32;

/// One node of a program, in pre-order: a composite node is followed by
/// its children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Node {
    All,
    Term {
        field: Field,
        sym: Sym,
    },
    Prefix {
        field: Field,
        sym: Sym,
    },
    /// Followed by `words` [`Node::Word`]s, the phrase's tokens in order.
    Phrase {
        field: Field,
        words: u32,
    },
    Word(Sym),
    /// A `published` range, by its number in the vocabulary.
    Published(u32),
    /// `span` counts the nodes of the whole subtree, this one included.
    And {
        span: u32,
    },
    Or {
        span: u32,
    },
    /// Followed by the one negated subtree.
    Not,
}

// Programs are most of an alert's memory: keep nodes at 8 bytes.
const _: () = assert!(std::mem::size_of::<Node>() == 8);

/// A compiled query.
pub(crate) type Program = Box<[Node]>;

/// Strings and date ranges of every program, each stored once.
///
/// Entries are never removed: the words of removed alerts stay, which
/// bounds the vocabulary by the words ever used, not by the alerts held.
#[derive(Debug, Default)]
pub(crate) struct Vocabulary {
    syms: HashMap<Box<str>, Sym>,
    strings: Vec<Box<str>>,
    range_numbers: HashMap<(i64, i64), u32>,
    /// `from <= published < to` in Unix seconds; open ends are
    /// `i64::MIN` and `i64::MAX`.
    ranges: Vec<(i64, i64)>,
}

impl Vocabulary {
    pub fn intern(&mut self, text: &str) -> Sym {
        if let Some(&sym) = self.syms.get(text) {
            return sym;
        }
        let sym = Sym::try_from(self.strings.len()).unwrap_or(Sym::MAX);
        self.strings.push(text.into());
        self.syms.insert(text.into(), sym);
        sym
    }

    /// The number of `text`, when some program uses it.
    pub fn lookup(&self, text: &str) -> Option<Sym> {
        self.syms.get(text).copied()
    }

    pub fn text(&self, sym: Sym) -> &str {
        self.strings.get(sym as usize).map_or("", |s| s)
    }

    fn intern_range(&mut self, from: i64, to: i64) -> u32 {
        *self.range_numbers.entry((from, to)).or_insert_with(|| {
            self.ranges.push((from, to));
            u32::try_from(self.ranges.len() - 1).unwrap_or(u32::MAX)
        })
    }

    fn range(&self, number: u32) -> (i64, i64) {
        self.ranges
            .get(number as usize)
            .copied()
            .unwrap_or((i64::MAX, i64::MIN))
    }
}

/// A field and a vocabulary string as one number: an index key.
pub(crate) fn key(field: Field, sym: Sym) -> u64 {
    (field as u64) << 32 | u64::from(sym)
}

/// The terms of one story that the vocabulary knows, per field, as
/// [`key`]s: what terms of programs are tested against, as integers.
///
/// Built once per story with one hash lookup per distinct term; a story
/// term no alert uses can match no [`Node::Term`] and is left out.
pub(crate) struct StoryTerms<'a> {
    /// Sorted.
    keys: Vec<u64>,
    /// Positions of each key's term, in the order of `keys`.
    positions: Vec<&'a [u32]>,
}

impl<'a> StoryTerms<'a> {
    pub fn of(doc: &'a Document, vocab: &Vocabulary) -> StoryTerms<'a> {
        let mut known: Vec<(u64, &'a [u32])> = Vec::new();
        for field in Field::ALL {
            known.extend(
                doc.term_positions(field)
                    .filter_map(|(t, p)| Some((key(field, vocab.lookup(t)?), p))),
            );
        }
        known.sort_unstable_by_key(|&(k, _)| k);
        let (keys, positions) = known.into_iter().unzip();
        StoryTerms { keys, positions }
    }

    pub fn keys(&self) -> &[u64] {
        &self.keys
    }

    fn contains(&self, field: Field, sym: Sym) -> bool {
        self.keys.binary_search(&key(field, sym)).is_ok()
    }

    fn positions(&self, field: Field, sym: Sym) -> Option<&'a [u32]> {
        let at = self.keys.binary_search(&key(field, sym)).ok()?;
        self.positions.get(at).copied()
    }

    /// True when `words` occur at consecutive positions of the field.
    fn has_phrase(&self, field: Field, words: &[Node]) -> bool {
        let sym = |node: &Node| match *node {
            Node::Word(sym) => Some(sym),
            _ => None,
        };
        let Some((first, rest)) = words.split_first() else {
            return false;
        };
        let Some(starts) = sym(first).and_then(|s| self.positions(field, s)) else {
            return false;
        };
        starts.iter().any(|&start| {
            rest.iter().zip(1u32..).all(|(word, offset)| {
                let list = sym(word).and_then(|s| self.positions(field, s));
                match (list, start.checked_add(offset)) {
                    (Some(list), Some(p)) => list.binary_search(&p).is_ok(),
                    _ => false,
                }
            })
        })
    }
}

/// Compiles `query` into a program over `vocab`, keeping its meaning
/// exactly (degenerate hand-built trees included).
pub(crate) fn compile(query: &Query, vocab: &mut Vocabulary) -> Program {
    let mut nodes = Vec::new();
    emit(query, vocab, &mut nodes);
    nodes.into_boxed_slice()
}

/// Matches nothing: an `Or` without children.
const NOTHING: Node = Node::Or { span: 1 };

fn emit(query: &Query, vocab: &mut Vocabulary, out: &mut Vec<Node>) {
    match query {
        Query::All => out.push(Node::All),
        Query::Term { field, text } => out.push(Node::Term {
            field: *field,
            sym: vocab.intern(text),
        }),
        Query::Prefix { field, text } => out.push(Node::Prefix {
            field: *field,
            sym: vocab.intern(text),
        }),
        Query::Phrase { field, terms } if field.is_keyword() => {
            if terms.is_empty() {
                out.push(NOTHING);
            } else {
                out.push(Node::Term {
                    field: *field,
                    sym: vocab.intern(&terms.join(" ")),
                });
            }
        }
        Query::Phrase { field, terms } => match terms.as_slice() {
            [] => out.push(NOTHING),
            [one] => out.push(Node::Term {
                field: *field,
                sym: vocab.intern(one),
            }),
            words => {
                out.push(Node::Phrase {
                    field: *field,
                    words: u32::try_from(words.len()).unwrap_or(u32::MAX),
                });
                for word in words {
                    out.push(Node::Word(vocab.intern(word)));
                }
            }
        },
        Query::DateRange { from, to } => {
            let from = from.map_or(i64::MIN, ceil_seconds);
            let to = to.map_or(i64::MAX, ceil_seconds);
            if from == i64::MIN && to == i64::MAX {
                out.push(Node::All);
            } else {
                out.push(Node::Published(vocab.intern_range(from, to)));
            }
        }
        Query::And(items) | Query::Or(items) => {
            let start = out.len();
            out.push(NOTHING);
            for item in items {
                emit(item, vocab, out);
            }
            let span = u32::try_from(out.len() - start).unwrap_or(u32::MAX);
            out[start] = match query {
                Query::And(_) => Node::And { span },
                _ => Node::Or { span },
            };
        }
        Query::Not(inner) => {
            out.push(Node::Not);
            emit(inner, vocab, out);
        }
    }
}

/// The first whole second at or after `t`: stories are compared in whole
/// seconds, so `published >= t` is `published >= ceil(t)` and likewise
/// for `<`.
fn ceil_seconds(t: OffsetDateTime) -> i64 {
    t.unix_timestamp() + i64::from(t.nanosecond() > 0)
}

/// Number of nodes in the subtree starting at `at`.
pub(crate) fn subtree_len(nodes: &[Node], at: usize) -> usize {
    match nodes.get(at) {
        Some(Node::And { span } | Node::Or { span }) => *span as usize,
        Some(Node::Phrase { words, .. }) => 1 + *words as usize,
        Some(Node::Not) => 1 + subtree_len(nodes, at + 1),
        Some(_) => 1,
        None => 0,
    }
}

/// Evaluates a program against a story, with the meaning of
/// [`newsterm_query::matches`].
pub(crate) fn matches(nodes: &[Node], subject: &Subject<'_>) -> bool {
    !nodes.is_empty() && eval(nodes, 0, subject)
}

/// A story as programs see it: its analyzed document and its known terms.
pub(crate) struct Subject<'a> {
    pub doc: &'a Document,
    pub terms: &'a StoryTerms<'a>,
    pub vocab: &'a Vocabulary,
}

fn eval(nodes: &[Node], at: usize, subject: &Subject<'_>) -> bool {
    let Subject { doc, terms, vocab } = *subject;
    let Some(node) = nodes.get(at) else {
        return false;
    };
    match *node {
        Node::All => true,
        Node::Term { field, sym } => terms.contains(field, sym),
        Node::Prefix { field, sym } => doc.contains_prefix(field, vocab.text(sym)),
        Node::Phrase { field, words } => {
            let end = (at + 1 + words as usize).min(nodes.len());
            terms.has_phrase(field, &nodes[at + 1..end])
        }
        Node::Word(_) => false,
        Node::Published(range) => {
            let (from, to) = vocab.range(range);
            let published = doc.published().unix_timestamp();
            from <= published && published < to
        }
        Node::And { span } => children(nodes, at, span).all(|c| eval(nodes, c, subject)),
        Node::Or { span } => children(nodes, at, span).any(|c| eval(nodes, c, subject)),
        Node::Not => !eval(nodes, at + 1, subject),
    }
}

/// Positions of the children of the composite node at `at`.
pub(crate) fn children(nodes: &[Node], at: usize, span: u32) -> impl Iterator<Item = usize> + '_ {
    let end = (at + span as usize).min(nodes.len());
    let mut next = at + 1;
    std::iter::from_fn(move || {
        if next >= end {
            return None;
        }
        let child = next;
        // At least one, so a truncated program cannot loop forever.
        next += subtree_len(nodes, child).max(1);
        Some(child)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsterm_story::{Story, StoryDraft};
    use time::macros::datetime;

    fn doc() -> Document {
        let content = StoryDraft {
            headline: Some("Oil prices jump as OPEC cuts output".into()),
            source: Some("Example Wire".into()),
            published: Some("2024-05-01T12:00:00Z".into()),
            ..Default::default()
        }
        .validate(datetime!(2024-05-01 12:00 UTC))
        .unwrap();
        Document::of(&Story {
            seq: 1,
            ..Story::new(content, datetime!(2024-05-01 12:00 UTC))
        })
    }

    fn run(program: &[Node], vocab: &Vocabulary, doc: &Document) -> bool {
        let terms = StoryTerms::of(doc, vocab);
        matches(
            program,
            &Subject {
                doc,
                terms: &terms,
                vocab,
            },
        )
    }

    #[test]
    fn programs_agree_with_the_query_matcher() {
        let doc = doc();
        let mut vocab = Vocabulary::default();
        for text in [
            "oil",
            "gas",
            "\"oil prices\"",
            "\"prices oil\"",
            "opec -gas",
            "-(oil OR gas)",
            "(gas OR opec) (cuts -jump)",
            "pri*",
            "source:\"example wire\"",
            "source:exa* -headline:gas",
            "published:2024-05-01",
            "published:<2024-05-01T12:00:00Z",
            "NOT NOT oil",
        ] {
            let query = newsterm_query::parse(text).unwrap();
            let program = compile(&query, &mut vocab);
            assert_eq!(run(&program, &vocab, &doc), doc.matches(&query), "{text}");
        }
    }

    #[test]
    fn shared_words_are_stored_once() {
        let mut vocab = Vocabulary::default();
        let a = compile(&newsterm_query::parse("oil prices").unwrap(), &mut vocab);
        let b = compile(&newsterm_query::parse("oil OR prices").unwrap(), &mut vocab);
        assert_eq!(vocab.strings.len(), 2);
        assert_eq!(a.len(), 3);
        assert_eq!(a[1..], b[1..]);
    }

    #[test]
    fn fractional_date_bounds_round_up_to_whole_seconds() {
        let doc = doc();
        let mut vocab = Vocabulary::default();
        let noon = datetime!(2024-05-01 12:00 UTC);
        for (from, to) in [
            (Some(noon - time::Duration::milliseconds(500)), None),
            (Some(noon + time::Duration::milliseconds(1)), None),
            (None, Some(noon + time::Duration::milliseconds(1))),
            (None, Some(noon)),
            (None, None),
        ] {
            let query = Query::DateRange { from, to };
            let program = compile(&query, &mut vocab);
            assert_eq!(
                run(&program, &vocab, &doc),
                doc.matches(&query),
                "{from:?} {to:?}"
            );
        }
    }
}
