//! The presearcher: for each query, terms of which every matching story
//! must contain at least one.
//!
//! This is what lets a million alerts be checked against a story without
//! evaluating a million queries: alerts are indexed under their required
//! terms, a story looks up its own terms, and only the alerts found are
//! evaluated. The extraction must never miss a match (a story matching the
//! query always holds one of its terms); it may over-select, which costs
//! only time.

use newsterm_query::Field;

use crate::program::{Node, Sym, Vocabulary, children};

/// One term an alert is indexed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    /// The field holds this token (text fields) or whole value (keyword
    /// fields). [`Field::Text`] keys are looked up among the merged
    /// headline, bullet and body tokens.
    Term(Field, Sym),
    /// A term of the field starts with this text.
    Prefix(Field, Sym),
}

/// What a story needs to be a candidate for an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Required {
    /// Nothing can be required (an `All`, a date range, a negation on its
    /// own): evaluate the alert for every story.
    Always,
    /// At least one of these; none at all means no story can match.
    AnyOf(Vec<Key>),
}

/// The required terms of a compiled query.
pub(crate) fn required(nodes: &[Node], vocab: &Vocabulary) -> Required {
    match extract(nodes, 0, vocab) {
        None => Required::Always,
        Some(choice) => Required::AnyOf(choice.keys),
    }
}

/// A disjunction of keys and how many stories it is expected to let
/// through (relative, for choosing between alternatives).
struct Choice {
    keys: Vec<Key>,
    cost: f64,
}

/// `None` when the subtree at `at` can match a story without any term.
fn extract(nodes: &[Node], at: usize, vocab: &Vocabulary) -> Option<Choice> {
    match *nodes.get(at)? {
        Node::All | Node::Published(_) | Node::Not | Node::Word(_) => None,
        Node::Term { field, sym } => Some(one(Key::Term(field, sym), vocab)),
        Node::Prefix { field, sym } => Some(one(Key::Prefix(field, sym), vocab)),
        // Every word of a phrase must be there; the rarest one will do.
        Node::Phrase { field, words } => nodes
            .get(at + 1..at + 1 + words as usize)?
            .iter()
            .filter_map(|n| match n {
                Node::Word(sym) => Some(one(Key::Term(field, *sym), vocab)),
                _ => None,
            })
            .min_by(|a, b| a.cost.total_cmp(&b.cost)),
        // Every child must match: any one child's terms are required, so
        // take the most selective.
        Node::And { span } => children(nodes, at, span)
            .filter_map(|c| extract(nodes, c, vocab))
            .min_by(|a, b| a.cost.total_cmp(&b.cost)),
        // Some child must match: the union of all children's terms, and
        // nothing at all when one child needs none.
        Node::Or { span } => {
            let mut union = Choice {
                keys: Vec::new(),
                cost: 0.0,
            };
            for child in children(nodes, at, span) {
                let choice = extract(nodes, child, vocab)?;
                for key in choice.keys {
                    if !union.keys.contains(&key) {
                        union.keys.push(key);
                    }
                }
                union.cost += choice.cost;
            }
            Some(union)
        }
    }
}

fn one(key: Key, vocab: &Vocabulary) -> Choice {
    Choice {
        keys: vec![key],
        cost: expected_frequency(key, vocab),
    }
}

/// A rough, static guess at how common a key is in news. Only its order
/// matters: keyword fields such as `lang:` and `priority:` hold a value
/// for nearly every story, named fields are sparser than running text,
/// short words are common, and prefixes cover several words.
fn expected_frequency(key: Key, vocab: &Vocabulary) -> f64 {
    let (field, sym, prefix) = match key {
        Key::Term(field, sym) => (field, sym, false),
        Key::Prefix(field, sym) => (field, sym, true),
    };
    let field_share = match field {
        Field::Lang | Field::Priority => 1_000_000.0,
        Field::Source | Field::Topic | Field::Country => 1_000.0,
        // An event holds a handful of stories.
        Field::Id | Field::Event => 1.0,
        Field::Text => 100.0,
        Field::Body => 80.0,
        Field::Headline | Field::Bullets | Field::Keyword => 10.0,
        Field::Byline | Field::Place | Field::Person | Field::Org => 5.0,
    };
    let chars = vocab.text(sym).chars().count();
    let shortness = match chars {
        0..=2 => 30.0,
        3 => 10.0,
        4 => 4.0,
        5 | 6 => 2.0,
        _ => 1.0,
    };
    let breadth = if prefix { 4.0 } else { 1.0 };
    field_share * shortness * breadth
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::compile;

    fn keys(query: &str) -> (Required, Vocabulary) {
        let mut vocab = Vocabulary::default();
        let program = compile(&newsterm_query::parse(query).unwrap(), &mut vocab);
        (required(&program, &vocab), vocab)
    }

    fn texts(query: &str) -> Option<Vec<String>> {
        let (required, vocab) = keys(query);
        match required {
            Required::Always => None,
            Required::AnyOf(keys) => Some(
                keys.into_iter()
                    .map(|k| match k {
                        Key::Term(f, s) => format!("{f}:{}", vocab.text(s)),
                        Key::Prefix(f, s) => format!("{f}:{}*", vocab.text(s)),
                    })
                    .collect(),
            ),
        }
    }

    #[test]
    fn and_keeps_the_most_selective_child() {
        assert_eq!(
            texts("priority:flash earthquake").unwrap(),
            ["text:earthquake"]
        );
        assert_eq!(texts("the earthquake").unwrap(), ["text:earthquake"]);
        assert_eq!(texts("person:putin war").unwrap(), ["person:putin"]);
        assert_eq!(texts("earthquake -tsunami").unwrap(), ["text:earthquake"]);
    }

    #[test]
    fn or_needs_every_branch() {
        assert_eq!(
            texts("putin OR place:kyiv OR elect*").unwrap(),
            ["text:putin", "place:kyiv", "text:elect*"]
        );
        assert_eq!(texts("putin OR -kyiv"), None);
    }

    #[test]
    fn phrases_need_their_rarest_word() {
        assert_eq!(
            texts("\"prime minister of japan\"").unwrap(),
            ["text:minister"]
        );
    }

    #[test]
    fn queries_without_required_terms_are_always_candidates() {
        assert_eq!(texts("-sports"), None);
        assert_eq!(texts("*"), None);
        assert_eq!(texts("published:>=2024-01-01"), None);
        assert_eq!(texts("published:>=2024-01-01 oil").unwrap(), ["text:oil"]);
    }
}
