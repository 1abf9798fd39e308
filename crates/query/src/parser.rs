//! The query language: text to [`Query`], with errors that point at the
//! character at fault.

use crate::analysis::{MAX_TOKEN_BYTES, is_word_char, normalize_keyword, tokenize};
use crate::ast::Query;
use crate::dates;
use crate::field::Field;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 2_000;
/// Deepest nesting of parentheses and negations accepted.
pub const MAX_DEPTH: usize = 32;
/// Shortest prefix before `*`, in characters: shorter ones would expand
/// to a large share of the vocabulary.
pub const MIN_PREFIX_CHARS: usize = 2;

/// Why a query could not be parsed, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid query at position {position}: {message}")]
pub struct QueryError {
    /// 0-based character (not byte) offset into the query.
    pub position: usize,
    /// What is wrong, for the person who typed the query.
    pub message: String,
}

fn error(position: usize, message: impl Into<String>) -> QueryError {
    QueryError {
        position,
        message: message.into(),
    }
}

/// Parses a query. See the crate docs for the language.
///
/// An empty (or all-whitespace) query is [`Query::All`], so an unfiltered
/// monitor and an empty search both mean "every story".
pub fn parse(input: &str) -> Result<Query, QueryError> {
    let chars: Vec<char> = input.chars().collect();
    if chars.len() > MAX_QUERY_CHARS {
        return Err(error(
            MAX_QUERY_CHARS,
            format!(
                "the query is {} characters long; the limit is {MAX_QUERY_CHARS}",
                chars.len()
            ),
        ));
    }
    let lexemes = lex(&chars)?;
    if lexemes.is_empty() {
        return if input.trim().is_empty() {
            Ok(Query::All)
        } else {
            Err(error(0, "the query has no letters or digits to search for"))
        };
    }
    let mut parser = Parser {
        lexemes,
        next: 0,
        depth: 0,
    };
    let query = parser.or(Scope::Field(Field::Text))?;
    match parser.peek() {
        None => Ok(query),
        Some(l) => Err(error(l.pos, "unmatched `)`")),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Open,
    Close,
    And,
    Or,
    Not,
    Minus,
    Plus,
    Word(String),
    Phrase {
        text: String,
        star: bool,
    },
    /// `name:` — the value follows with no space.
    Field(String),
    /// The inside of `[…]` after `published:`.
    Range(String),
}

#[derive(Debug, Clone)]
struct Lexeme {
    kind: Kind,
    pos: usize,
    /// Starts right where the previous lexeme ended.
    glued: bool,
}

fn lex(chars: &[char]) -> Result<Vec<Lexeme>, QueryError> {
    let mut out: Vec<Lexeme> = Vec::new();
    let mut i = 0;
    let mut prev_end = None;
    let mut field_value_next = false;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            field_value_next = false;
            continue;
        }
        let start = i;
        let kind = if field_value_next {
            field_value_next = false;
            match c {
                '[' => {
                    let close = find(chars, i + 1, ']')
                        .ok_or_else(|| error(start, "unclosed `[` in a date range"))?;
                    i = close + 1;
                    Some(Kind::Range(chars[start + 1..close].iter().collect()))
                }
                '(' | ')' | '"' => Some(lex_punctuation(chars, &mut i)?),
                _ => {
                    i = word_end(chars, i);
                    Some(Kind::Word(chars[start..i].iter().collect()))
                }
            }
        } else if matches!(c, '(' | ')' | '"') {
            Some(lex_punctuation(chars, &mut i)?)
        } else if matches!(c, '-' | '+')
            && chars
                .get(i + 1)
                .is_some_and(|n| !n.is_whitespace() && *n != ')')
        {
            i += 1;
            Some(if c == '-' { Kind::Minus } else { Kind::Plus })
        } else {
            let end = word_end(chars, i);
            let word: String = chars[start..end].iter().collect();
            i = end;
            match word.as_str() {
                "AND" => Some(Kind::And),
                "OR" => Some(Kind::Or),
                "NOT" => Some(Kind::Not),
                _ => match field_name(&word) {
                    Some(name) => {
                        i = start + name.chars().count() + 1;
                        field_value_next = true;
                        Some(Kind::Field(name.to_string()))
                    }
                    // Punctuation between words ("U.S. & Canada", a dash)
                    // separates words in stories too, so it is skipped.
                    None if word != "*" && !word.chars().any(is_word_char) => None,
                    None => Some(Kind::Word(word)),
                },
            }
        };
        if let Some(kind) = kind {
            out.push(Lexeme {
                kind,
                pos: start,
                glued: prev_end == Some(start),
            });
            prev_end = Some(i);
        }
    }
    Ok(out)
}

/// Lexes `(`, `)` or a quoted phrase (with an optional `*` after it).
fn lex_punctuation(chars: &[char], i: &mut usize) -> Result<Kind, QueryError> {
    let start = *i;
    let kind = match chars[start] {
        '(' => Kind::Open,
        ')' => Kind::Close,
        _ => {
            let close =
                find(chars, start + 1, '"').ok_or_else(|| error(start, "unclosed quote `\"`"))?;
            let text = chars[start + 1..close].iter().collect();
            let star = chars.get(close + 1) == Some(&'*');
            *i = close + 1 + usize::from(star);
            return Ok(Kind::Phrase { text, star });
        }
    };
    *i = start + 1;
    Ok(kind)
}

fn find(chars: &[char], from: usize, wanted: char) -> Option<usize> {
    (from..chars.len()).find(|&j| chars[j] == wanted)
}

fn word_end(chars: &[char], from: usize) -> usize {
    (from..chars.len())
        .find(|&j| chars[j].is_whitespace() || matches!(chars[j], '(' | ')' | '"'))
        .unwrap_or(chars.len())
}

/// `name` of a word written `name:…`, when `name` is made of ASCII letters.
fn field_name(word: &str) -> Option<&str> {
    let (name, _) = word.split_once(':')?;
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic())).then_some(name)
}

/// What bare words mean where they stand.
#[derive(Debug, Clone, Copy)]
enum Scope {
    Field(Field),
    Published,
}

struct Parser {
    lexemes: Vec<Lexeme>,
    next: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Lexeme> {
        self.lexemes.get(self.next)
    }

    fn bump(&mut self) -> Option<Lexeme> {
        let lexeme = self.lexemes.get(self.next).cloned();
        self.next += 1;
        lexeme
    }

    fn starts_operand(&self) -> bool {
        self.peek()
            .is_some_and(|l| !matches!(l.kind, Kind::Close | Kind::And | Kind::Or | Kind::Range(_)))
    }

    fn expect_operand(&self, operator_pos: usize, operator: &str) -> Result<(), QueryError> {
        if self.starts_operand() {
            Ok(())
        } else {
            Err(error(
                operator_pos,
                format!("`{operator}` needs a term after it"),
            ))
        }
    }

    fn enter(&mut self, pos: usize) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(error(
                pos,
                format!("the query nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        Ok(())
    }

    fn or(&mut self, scope: Scope) -> Result<Query, QueryError> {
        let mut items = vec![self.and(scope)?];
        while let Some(l) = self.peek().filter(|l| l.kind == Kind::Or) {
            let pos = l.pos;
            self.bump();
            self.expect_operand(pos, "OR")?;
            items.push(self.and(scope)?);
        }
        Ok(Query::or(items))
    }

    fn and(&mut self, scope: Scope) -> Result<Query, QueryError> {
        let mut items = vec![self.unary(scope)?];
        loop {
            match self.peek() {
                Some(l) if l.kind == Kind::And => {
                    let pos = l.pos;
                    self.bump();
                    self.expect_operand(pos, "AND")?;
                }
                _ if self.starts_operand() => {}
                _ => break,
            }
            items.push(self.unary(scope)?);
        }
        Ok(Query::and(items))
    }

    fn unary(&mut self, scope: Scope) -> Result<Query, QueryError> {
        let Some(l) = self.peek() else {
            return Err(error(0, "expected a term"));
        };
        let (pos, kind) = (l.pos, l.kind.clone());
        let operator = match kind {
            Kind::Not => "NOT",
            Kind::Minus => "-",
            Kind::Plus => "+",
            _ => return self.primary(scope),
        };
        self.bump();
        self.expect_operand(pos, operator)?;
        self.enter(pos)?;
        let inner = self.unary(scope)?;
        self.depth -= 1;
        // `+` marks a required term, which every term already is: words
        // side by side are joined with AND.
        Ok(if kind == Kind::Plus {
            inner
        } else {
            inner.negate()
        })
    }

    fn primary(&mut self, scope: Scope) -> Result<Query, QueryError> {
        let Some(l) = self.bump() else {
            return Err(error(0, "expected a term"));
        };
        match l.kind {
            Kind::Open => self.group(l.pos, scope),
            Kind::Close => Err(error(l.pos, "unmatched `)`")),
            Kind::And => Err(error(l.pos, "`AND` needs a term before it")),
            Kind::Or => Err(error(l.pos, "`OR` needs a term before it")),
            Kind::Word(word) => word_query(&word, l.pos, scope),
            Kind::Phrase { text, star } => phrase_query(&text, star, l.pos, scope),
            Kind::Field(name) => self.field(&name, l.pos),
            Kind::Range(_) | Kind::Not | Kind::Minus | Kind::Plus => {
                Err(error(l.pos, "expected a term"))
            }
        }
    }

    fn group(&mut self, open_pos: usize, scope: Scope) -> Result<Query, QueryError> {
        self.enter(open_pos)?;
        match self.peek() {
            None => return Err(error(open_pos, "unclosed `(`")),
            Some(l) if l.kind == Kind::Close => {
                return Err(error(open_pos, "empty parentheses `()`"));
            }
            Some(_) => {}
        }
        let query = self.or(scope)?;
        match self.bump() {
            Some(l) if l.kind == Kind::Close => {}
            _ => return Err(error(open_pos, "unclosed `(`")),
        }
        self.depth -= 1;
        Ok(query)
    }

    fn field(&mut self, name: &str, pos: usize) -> Result<Query, QueryError> {
        let scope = if name.eq_ignore_ascii_case("published") {
            Scope::Published
        } else {
            let field = Field::from_name(name).ok_or_else(|| {
                let names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
                error(
                    pos,
                    format!(
                        "unknown field `{name}` (fields: {}, published)",
                        names.join(", ")
                    ),
                )
            })?;
            Scope::Field(field)
        };
        let needs_value = || {
            error(
                pos,
                format!("`{name}:` needs a value right after the colon"),
            )
        };
        let Some(value) = self.peek().filter(|l| l.glued).cloned() else {
            return Err(needs_value());
        };
        self.bump();
        match value.kind {
            Kind::Open => self.group(value.pos, scope),
            Kind::Word(word) => word_query(&word, value.pos, scope),
            Kind::Phrase { text, star } => phrase_query(&text, star, value.pos, scope),
            Kind::Range(inner) => match scope {
                Scope::Published => dates::parse_range(&inner)
                    .map(date_range)
                    .map_err(|e| error(value.pos, e.to_string())),
                Scope::Field(_) => Err(error(
                    value.pos,
                    "`[… TO …]` ranges are only for published:",
                )),
            },
            _ => Err(needs_value()),
        }
    }
}

fn date_range((from, to): dates::Bounds) -> Query {
    Query::DateRange { from, to }
}

fn word_query(word: &str, pos: usize, scope: Scope) -> Result<Query, QueryError> {
    let field = match scope {
        Scope::Published => {
            return dates::parse_value(word)
                .map(date_range)
                .map_err(|e| error(pos, e.to_string()));
        }
        Scope::Field(field) => field,
    };
    if word == "*" {
        return if field == Field::Text {
            Ok(Query::All)
        } else {
            Err(error(
                pos,
                format!("`{field}:*` is not supported; give a prefix such as `{field}:ab*`"),
            ))
        };
    }
    let (base, star) = match word.strip_suffix('*') {
        Some(base) => (base, true),
        None => (word, false),
    };
    if let Some(i) = base.chars().position(|c| c == '*') {
        return Err(error(pos + i, "`*` can only end a word, as in `elect*`"));
    }
    value_query(field, base, star, pos)
}

fn phrase_query(text: &str, star: bool, pos: usize, scope: Scope) -> Result<Query, QueryError> {
    match scope {
        Scope::Published if star => Err(error(pos, "a date cannot end with `*`")),
        // Past the opening quote.
        Scope::Published => word_query(text.trim(), pos + 1, scope),
        Scope::Field(field) => value_query(field, text, star, pos),
    }
}

/// The query for one typed value of a field (a word or a quoted phrase),
/// with `star` when it ended in `*`.
fn value_query(field: Field, text: &str, star: bool, pos: usize) -> Result<Query, QueryError> {
    let shown: String = text.chars().take(40).collect();
    if field.is_keyword() {
        let value = normalize_keyword(text);
        if value.is_empty() {
            return Err(error(
                pos,
                format!("`{field}:` needs letters or digits, not `{shown}`"),
            ));
        }
        if star {
            check_prefix(&value, pos)?;
            return Ok(Query::Prefix { field, text: value });
        }
        let value = if field == Field::Priority {
            priority_value(&value).ok_or_else(|| {
                error(
                    pos,
                    format!("priority is flash, urgent or normal, not `{shown}`"),
                )
            })?
        } else {
            value
        };
        return Ok(Query::Term { field, text: value });
    }
    let mut terms: Vec<String> = tokenize(text).map(|t| t.text).collect();
    match terms.len() {
        0 if text.chars().any(is_word_char) => Err(error(
            pos,
            format!("`{shown}` is longer than a word can be ({MAX_TOKEN_BYTES} bytes)"),
        )),
        0 => Err(error(
            pos,
            format!("`{shown}` has no letters or digits to search for"),
        )),
        1 => {
            let text = terms.remove(0);
            if star {
                check_prefix(&text, pos)?;
                Ok(Query::Prefix { field, text })
            } else {
                Ok(Query::Term { field, text })
            }
        }
        _ if star => Err(error(
            pos,
            format!("only a single word can end with `*`, and `{shown}` is several words"),
        )),
        _ => Ok(Query::Phrase { field, terms }),
    }
}

fn check_prefix(text: &str, pos: usize) -> Result<(), QueryError> {
    if text.chars().count() < MIN_PREFIX_CHARS {
        return Err(error(
            pos,
            format!("a prefix needs at least {MIN_PREFIX_CHARS} letters or digits before `*`"),
        ));
    }
    Ok(())
}

fn priority_value(value: &str) -> Option<String> {
    match value {
        "flash" | "urgent" | "normal" => Some(value.to_string()),
        "routine" => Some("normal".to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn term(field: Field, text: &str) -> Query {
        Query::Term {
            field,
            text: text.into(),
        }
    }

    fn word(text: &str) -> Query {
        term(Field::Text, text)
    }

    fn not(q: Query) -> Query {
        Query::Not(Box::new(q))
    }

    fn err(input: &str) -> QueryError {
        parse(input).expect_err(input)
    }

    #[test]
    fn empty_query_matches_everything() {
        assert_eq!(parse("").unwrap(), Query::All);
        assert_eq!(parse("   ").unwrap(), Query::All);
        assert_eq!(parse("*").unwrap(), Query::All);
    }

    #[test]
    fn words_are_analyzed_and_joined_with_and() {
        assert_eq!(
            parse("Oil  PRICES Café").unwrap(),
            Query::And(vec![word("oil"), word("prices"), word("cafe")])
        );
        assert_eq!(
            parse("oil AND prices").unwrap(),
            parse("oil prices").unwrap()
        );
        assert_eq!(parse("+oil +prices").unwrap(), parse("oil prices").unwrap());
    }

    #[test]
    fn not_binds_tighter_than_and_tighter_than_or() {
        assert_eq!(
            parse("a b OR c -d").unwrap(),
            Query::Or(vec![
                Query::And(vec![word("a"), word("b")]),
                Query::And(vec![word("c"), not(word("d"))]),
            ])
        );
        assert_eq!(
            parse("NOT a OR b").unwrap(),
            Query::Or(vec![not(word("a")), word("b")])
        );
        assert_eq!(
            parse("(a OR b) c").unwrap(),
            Query::And(vec![Query::Or(vec![word("a"), word("b")]), word("c")])
        );
    }

    #[test]
    fn lower_case_operators_are_plain_words() {
        assert_eq!(
            parse("war and peace").unwrap(),
            Query::And(vec![word("war"), word("and"), word("peace")])
        );
    }

    #[test]
    fn only_negations_mean_everything_except() {
        assert_eq!(parse("-sports").unwrap(), not(word("sports")));
        assert_eq!(
            parse("NOT sports -weather").unwrap(),
            Query::And(vec![not(word("sports")), not(word("weather"))])
        );
        assert_eq!(parse("NOT NOT a").unwrap(), word("a"));
    }

    #[test]
    fn phrases_and_multi_token_words() {
        assert_eq!(
            parse(r#""Oil prices""#).unwrap(),
            Query::Phrase {
                field: Field::Text,
                terms: vec!["oil".into(), "prices".into()]
            }
        );
        assert_eq!(parse(r#""oil""#).unwrap(), word("oil"));
        assert_eq!(
            parse("Putin's").unwrap(),
            Query::Phrase {
                field: Field::Text,
                terms: vec!["putin".into(), "s".into()]
            }
        );
    }

    #[test]
    fn punctuation_between_words_is_skipped() {
        assert_eq!(
            parse("oil & gas — prices").unwrap(),
            parse("oil gas prices").unwrap()
        );
        assert_eq!(parse("oil - gas").unwrap(), parse("oil gas").unwrap());
    }

    #[test]
    fn prefixes() {
        assert_eq!(
            parse("Elect*").unwrap(),
            Query::Prefix {
                field: Field::Text,
                text: "elect".into()
            }
        );
        assert_eq!(
            parse("place:Lis*").unwrap(),
            Query::Prefix {
                field: Field::Place,
                text: "lis".into()
            }
        );
        assert_eq!(err("e*").position, 0);
        assert!(err("e*").message.contains("at least 2"), "{}", err("e*"));
        assert_eq!(err("ab pr*s").position, 5);
        assert!(err("U.S*").message.contains("single word"));
    }

    #[test]
    fn fields_restrict_terms_phrases_and_groups() {
        assert_eq!(parse("headline:Oil").unwrap(), term(Field::Headline, "oil"));
        assert_eq!(
            parse(r#"byline:"Ana Lima""#).unwrap(),
            Query::Phrase {
                field: Field::Byline,
                terms: vec!["ana".into(), "lima".into()]
            }
        );
        assert_eq!(
            parse("person:(putin OR biden) war").unwrap(),
            Query::And(vec![
                Query::Or(vec![
                    term(Field::Person, "putin"),
                    term(Field::Person, "biden")
                ]),
                word("war"),
            ])
        );
        assert_eq!(parse("LANGUAGE:EN").unwrap(), term(Field::Lang, "en"));
    }

    #[test]
    fn keyword_fields_match_whole_normalized_values() {
        assert_eq!(
            parse(r#"source:"Example  Wire""#).unwrap(),
            term(Field::Source, "example wire")
        );
        assert_eq!(
            parse("source:Example-Wire").unwrap(),
            term(Field::Source, "example wire")
        );
        assert_eq!(
            parse("topic:medtop:04000000").unwrap(),
            term(Field::Topic, "medtop 04000000")
        );
        assert_eq!(
            parse(r#"source:"example w"*"#).unwrap(),
            Query::Prefix {
                field: Field::Source,
                text: "example w".into()
            }
        );
        assert_eq!(
            parse("priority:ROUTINE").unwrap(),
            term(Field::Priority, "normal")
        );
        assert!(
            err("priority:hot")
                .message
                .contains("flash, urgent or normal")
        );
    }

    #[test]
    fn published_dates_and_ranges() {
        assert_eq!(
            parse("published:2024-05-01").unwrap(),
            Query::DateRange {
                from: Some(datetime!(2024-05-01 0:00 UTC)),
                to: Some(datetime!(2024-05-02 0:00 UTC)),
            }
        );
        assert_eq!(
            parse("published:[2024-01-01 TO *]").unwrap(),
            Query::DateRange {
                from: Some(datetime!(2024-01-01 0:00 UTC)),
                to: None,
            }
        );
        assert_eq!(
            parse("published:<2024-02-01T10:00:00+01:00").unwrap(),
            Query::DateRange {
                from: None,
                to: Some(datetime!(2024-02-01 9:00 UTC)),
            }
        );
        assert_eq!(
            parse("published:(2024-05-01 OR 2024-05-03)").unwrap(),
            Query::Or(vec![
                parse("published:2024-05-01").unwrap(),
                parse("published:2024-05-03").unwrap(),
            ])
        );
    }

    #[test]
    fn errors_name_the_problem_and_its_position() {
        let e = err("war place:Paris plase:Lisbon");
        assert_eq!(e.position, 16);
        assert!(
            e.message
                .starts_with("unknown field `plase` (fields: text, headline")
        );
        assert!(
            e.to_string()
                .starts_with("invalid query at position 16: unknown field")
        );

        assert_eq!(err(r#"oil "gas"#).position, 4);
        assert!(err(r#"oil "gas"#).message.contains("unclosed quote"));
        assert_eq!(err("(oil OR gas").position, 0);
        assert!(err("(oil OR gas").message.contains("unclosed `(`"));
        assert_eq!(err("oil)").position, 3);
        assert!(err("oil)").message.contains("unmatched `)`"));
        assert!(err("oil ()").message.contains("empty parentheses"));

        assert_eq!(err("oil AND").position, 4);
        assert!(
            err("oil AND")
                .message
                .contains("`AND` needs a term after it")
        );
        assert!(
            err("oil AND OR gas")
                .message
                .contains("`AND` needs a term after it")
        );
        assert!(err("OR gas").message.contains("before it"));
        assert!(
            err("oil NOT")
                .message
                .contains("`NOT` needs a term after it")
        );

        assert!(err("published:2024-02-30").message.contains("2024-02-30"));
        assert!(
            err("published:[2024-02-01 TO 2024-01-01]")
                .message
                .contains("before it starts")
        );
        assert!(err("place:[a TO b]").message.contains("only for published"));
        assert_eq!(err("oil place: paris").position, 4);
        assert!(err("oil place: paris").message.contains("needs a value"));
        assert!(err("source:&&").message.contains("letters or digits"));
        assert!(err("&&").message.contains("no letters or digits"));
        assert!(err(r#""…""#).message.contains("no letters or digits"));
        assert!(
            err(&"x".repeat(MAX_TOKEN_BYTES + 1))
                .message
                .contains("longer than a word")
        );
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        assert_eq!(err("éé plase:x").position, 3);
    }

    #[test]
    fn oversized_and_overdeep_queries_are_refused() {
        let long = "a ".repeat(MAX_QUERY_CHARS);
        assert!(err(&long).message.contains("limit is 2000"));
        let deep = format!(
            "{}a{}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        assert_eq!(err(&deep).position, MAX_DEPTH);
        let ok = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert_eq!(parse(&ok).unwrap(), word("a"));
        let negations = format!("{}a", "NOT ".repeat(MAX_DEPTH + 1));
        assert!(err(&negations).message.contains("nests deeper"));
        assert_eq!(
            parse(&format!("{}a", "-".repeat(MAX_DEPTH))).unwrap(),
            word("a")
        );
    }

    /// Random queries from the grammar, some deliberately broken.
    fn random_query(rng: &mut fastrand::Rng, depth: usize) -> String {
        const WORDS: [&str; 10] = [
            "oil",
            "Prices",
            "café",
            "U.S.",
            "putin's",
            "2024",
            "élection",
            "war",
            "東京",
            "gas",
        ];
        const FIELDS: [&str; 8] = [
            "headline", "body", "place", "person", "source", "priority", "lang", "byline",
        ];
        let w = |rng: &mut fastrand::Rng| WORDS[rng.usize(..WORDS.len())];
        let atom = match rng.usize(..11) {
            0 if depth < 3 => format!("({})", random_query(rng, depth + 1)),
            1 => format!("\"{} {}\"", w(rng), w(rng)),
            2 => format!("{}*", &w(rng)[..3.min(w(rng).len())].replace('.', "x")),
            3 => {
                let field = FIELDS[rng.usize(..FIELDS.len())];
                let value = match field {
                    "priority" => ["flash", "urgent", "Normal"][rng.usize(..3)].to_string(),
                    _ => w(rng).to_string(),
                };
                format!("{field}:{value}")
            }
            4 => "published:2024-05-01".to_string(),
            5 => "published:[2024-01-01 TO 2024-01-31T12:00:00Z]".to_string(),
            6 => "published:>=2024-03-01T08:30:00+02:00".to_string(),
            7 => format!("source:\"{} wire\"", w(rng)),
            _ => w(rng).to_string(),
        };
        let mut out = match rng.usize(..6) {
            0 => format!("-{atom}"),
            1 => format!("NOT {atom}"),
            _ => atom,
        };
        let extra = if depth < 3 { rng.usize(..3) } else { 0 };
        for _ in 0..extra {
            let op = [" ", " AND ", " OR ", " "][rng.usize(..4)];
            out = format!("{out}{op}{}", random_query(rng, depth + 1));
        }
        out
    }

    #[test]
    fn canonical_form_parses_back_to_the_same_tree() {
        let mut rng = fastrand::Rng::with_seed(42);
        let mut parsed = 0;
        for _ in 0..3_000 {
            let input = random_query(&mut rng, 0);
            let Ok(query) = parse(&input) else { continue };
            parsed += 1;
            let canonical = query.to_string();
            let again =
                parse(&canonical).unwrap_or_else(|e| panic!("{input:?} -> {canonical:?}: {e}"));
            assert_eq!(again, query, "{input:?} -> {canonical:?}");
            assert_eq!(again.to_string(), canonical);
        }
        assert!(parsed > 2_000, "only {parsed} generated queries parsed");
    }

    #[test]
    fn arbitrary_input_never_panics() {
        let mut rng = fastrand::Rng::with_seed(9);
        let alphabet: Vec<char> = "ab (\")*:-+[]TO ANDORNOT published:2024-01-01 é东\\"
            .chars()
            .collect();
        for _ in 0..20_000 {
            let len = rng.usize(0..30);
            let input: String = (0..len)
                .map(|_| alphabet[rng.usize(..alphabet.len())])
                .collect();
            if let Err(e) = parse(&input) {
                assert!(e.position <= input.chars().count(), "{input:?}: {e}");
            }
        }
    }
}
