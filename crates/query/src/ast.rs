//! The parsed query: a small tree that the index compiles and the alert
//! matcher walks, and its canonical text form.

use std::fmt;

use time::OffsetDateTime;

use crate::analysis::is_word_char;
use crate::dates::format_range;
use crate::field::Field;

/// A parsed query.
///
/// Text in the tree is already analyzed: a `Term` or `Prefix` on a text
/// field is one token from [`crate::tokenize`], a `Phrase` is two or more
/// tokens, and a value on a keyword field is [`crate::normalize_keyword`]
/// of what was typed. Trees from [`crate::parse`] are also simplified: an
/// `And` or `Or` has at least two children and none of its own kind, an
/// `And` has no `All` child, and there is no `Not(Not(_))`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Every story (the empty query).
    All,
    /// One token (text fields) or one whole value (keyword fields).
    Term {
        /// The field searched.
        field: Field,
        /// The analyzed token, or the normalized keyword value.
        text: String,
    },
    /// A token (text fields) or a whole value (keyword fields) starting
    /// with `text`.
    Prefix {
        /// The field searched.
        field: Field,
        /// What the token or value starts with, analyzed like a term.
        text: String,
    },
    /// Tokens at consecutive positions within one value of the field
    /// (a phrase never spans two bullets, two paragraphs or two tags).
    Phrase {
        /// The text field searched.
        field: Field,
        /// The analyzed tokens, in order.
        terms: Vec<String>,
    },
    /// Stories with `from <= published < to` (half-open; `None` is open),
    /// bounds in whole UTC seconds; compare against
    /// [`crate::indexed_time`] of the story's `published`.
    DateRange {
        /// First instant included.
        from: Option<OffsetDateTime>,
        /// First instant excluded.
        to: Option<OffsetDateTime>,
    },
    /// Every child matches.
    And(Vec<Query>),
    /// At least one child matches.
    Or(Vec<Query>),
    /// Every story the inner query does not match.
    Not(Box<Query>),
}

impl Query {
    /// All of `items`, flattened: nested `And`s are merged, `All` is
    /// dropped, and a single item is returned as itself.
    pub fn and(items: impl IntoIterator<Item = Query>) -> Query {
        let mut flat = Vec::new();
        for item in items {
            match item {
                Query::And(children) => flat.extend(children),
                Query::All => {}
                other => flat.push(other),
            }
        }
        match flat.len() {
            0 => Query::All,
            1 => flat.remove(0),
            _ => Query::And(flat),
        }
    }

    /// Any of `items`, flattened like [`Query::and`]; an `All` item makes
    /// the whole `All`, and no items at all match nothing.
    pub fn or(items: impl IntoIterator<Item = Query>) -> Query {
        let mut flat = Vec::new();
        for item in items {
            match item {
                Query::Or(children) => flat.extend(children),
                Query::All => return Query::All,
                other => flat.push(other),
            }
        }
        match flat.len() {
            0 => Query::All.negate(),
            1 => flat.remove(0),
            _ => Query::Or(flat),
        }
    }

    /// Everything `self` does not match; negating twice gives `self` back.
    pub fn negate(self) -> Query {
        match self {
            Query::Not(inner) => *inner,
            other => Query::Not(Box::new(other)),
        }
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, context: Precedence) -> fmt::Result {
        match self {
            Query::All => f.write_str("*"),
            Query::Term { field, text } => {
                write_field(f, *field)?;
                write_value(f, text)
            }
            Query::Prefix { field, text } => {
                write_field(f, *field)?;
                write_value(f, text)?;
                f.write_str("*")
            }
            Query::Phrase { field, terms } => {
                write_field(f, *field)?;
                write_quoted(f, &terms.join(" "))
            }
            Query::DateRange { from, to } => f.write_str(&format_range(*from, *to)),
            Query::And(items) if items.is_empty() => f.write_str("*"),
            Query::Or(items) if items.is_empty() => f.write_str("-*"),
            Query::And(items) => write_list(f, items, " ", Precedence::And, context),
            Query::Or(items) => write_list(f, items, " OR ", Precedence::Or, context),
            Query::Not(inner) => {
                f.write_str("-")?;
                inner.write(f, Precedence::Unary)
            }
        }
    }
}

/// How tightly an operator binds: NOT > AND > OR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Precedence {
    Or,
    And,
    Unary,
}

/// The canonical form: parsing it gives back the same tree.
impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, Precedence::Or)
    }
}

fn write_list(
    f: &mut fmt::Formatter<'_>,
    items: &[Query],
    separator: &str,
    own: Precedence,
    context: Precedence,
) -> fmt::Result {
    let grouped = context > own;
    if grouped {
        f.write_str("(")?;
    }
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        // A child of the same kind only exists in hand-built trees; the
        // parentheses keep its grouping visible.
        let child_context = match own {
            Precedence::Or => Precedence::And,
            _ => Precedence::Unary,
        };
        item.write(f, child_context)?;
    }
    if grouped {
        f.write_str(")")?;
    }
    Ok(())
}

fn write_field(f: &mut fmt::Formatter<'_>, field: Field) -> fmt::Result {
    if field == Field::Text {
        Ok(())
    } else {
        write!(f, "{}:", field.name())
    }
}

/// Writes a term bare when it is one plain word, quoted otherwise (keyword
/// values with spaces).
fn write_value(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    let bare =
        !text.is_empty() && text.chars().all(is_word_char) && !matches!(text, "AND" | "OR" | "NOT");
    if bare {
        f.write_str(text)
    } else {
        write_quoted(f, text)
    }
}

fn write_quoted(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    // Analyzed text never holds a quote; one in a hand-built tree would
    // end the phrase early, and the analyzer would drop it anyway.
    write!(f, "\"{}\"", text.replace('"', " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(text: &str) -> Query {
        Query::Term {
            field: Field::Text,
            text: text.into(),
        }
    }

    #[test]
    fn and_flattens_and_drops_all() {
        let q = Query::and([
            term("a"),
            Query::All,
            Query::And(vec![term("b"), term("c")]),
        ]);
        assert_eq!(q, Query::And(vec![term("a"), term("b"), term("c")]));
        assert_eq!(Query::and([Query::All]), Query::All);
        assert_eq!(Query::and([term("a")]), term("a"));
    }

    #[test]
    fn or_with_all_is_all() {
        assert_eq!(Query::or([term("a"), Query::All]), Query::All);
        assert_eq!(
            Query::or([term("a"), Query::Or(vec![term("b"), term("c")])]),
            Query::Or(vec![term("a"), term("b"), term("c")])
        );
    }

    #[test]
    fn double_negation_cancels() {
        assert_eq!(term("a").negate().negate(), term("a"));
    }

    #[test]
    fn display_uses_minimal_parentheses() {
        let q = Query::Or(vec![
            Query::And(vec![term("a"), term("b")]),
            Query::And(vec![
                Query::Or(vec![term("c"), term("d")]),
                Query::Not(Box::new(Query::And(vec![term("e"), term("f")]))),
            ]),
        ]);
        assert_eq!(q.to_string(), "a b OR (c OR d) -(e f)");
    }

    #[test]
    fn display_quotes_keyword_values_with_spaces() {
        let q = Query::And(vec![
            Query::Term {
                field: Field::Source,
                text: "example wire".into(),
            },
            Query::Prefix {
                field: Field::Source,
                text: "exa".into(),
            },
            Query::Phrase {
                field: Field::Headline,
                terms: vec!["oil".into(), "price".into()],
            },
        ]);
        assert_eq!(
            q.to_string(),
            r#"source:"example wire" source:exa* headline:"oil price""#
        );
    }
}
