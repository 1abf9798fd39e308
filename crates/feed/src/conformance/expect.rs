//! feedparser's `Expect:` lines: the small part of Python they are
//! written in, parsed into clauses a test can check one by one.
//!
//! An expectation is a conjunction such as
//! `not bozo and entries[0]['title'] == u'Example \u00e9'`; a clause is a
//! comparison of paths into feedparser's result with literals, `not bozo`,
//! or something else (a length, a membership test, an `is` check), which
//! is kept as text so the caller can say why it does not check it.

/// A Python literal, as the suite writes them.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Int(i64),
    Float(f64),
    Tuple(Vec<Literal>),
    Bool(bool),
    None,
    /// A dict or anything else this reader does not evaluate.
    Other(String),
}

/// One step into feedparser's result: `['title']`, `.title` or `[0]`.
#[derive(Debug, Clone, PartialEq)]
pub enum Key {
    Name(String),
    Index(i64),
}

/// A path such as `entries[0]['title_detail']['value']`: a root name
/// (`feed`, `entries`, `version`, `bozo`, …) and the keys after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub root: String,
    pub keys: Vec<Key>,
}

impl Path {
    /// The keys as names, `[0]` written as `0`: `["0", "title"]`.
    pub fn names(&self) -> Vec<String> {
        self.keys
            .iter()
            .map(|k| match k {
                Key::Name(n) => n.clone(),
                Key::Index(i) => i.to_string(),
            })
            .collect()
    }
}

/// One conjunct of an expectation.
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    /// `not bozo`: the document is well-formed.
    NotBozo,
    /// `a == b == LITERAL`: every path equals the literal.
    Equal(Vec<Path>, Literal),
    /// Any of these alternatives (`x or y`), each a conjunction.
    AnyOf(Vec<Vec<Clause>>),
    /// Anything else, as written.
    Other(String),
}

/// Splits an expectation into its top-level conjuncts.
pub fn parse(expect: &str) -> Vec<Clause> {
    let tokens = match tokenize(expect) {
        Some(t) => t,
        None => return vec![Clause::Other(expect.trim().to_string())],
    };
    let mut parser = Parser { tokens, at: 0 };
    let clauses = parser.disjunction();
    if parser.at == parser.tokens.len() {
        clauses
    } else {
        vec![Clause::Other(expect.trim().to_string())]
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Str(String),
    Int(i64),
    Float(f64),
    Punct(&'static str),
}

fn tokenize(text: &str) -> Option<Vec<Token>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        // u'…', b'…', r'…' prefixes.
        let prefixed = matches!(c, 'u' | 'b' | 'r')
            && matches!(chars.get(i + 1), Some('\'' | '"'))
            && (i == 0 || !chars[i - 1].is_alphanumeric());
        if c == '\'' || c == '"' || prefixed {
            let raw = c == 'r';
            if prefixed {
                i += 1;
            }
            let quote = chars[i];
            i += 1;
            let mut literal = String::new();
            while i < chars.len() && chars[i] != quote {
                if chars[i] == '\\' && !raw && i + 1 < chars.len() {
                    literal.push('\\');
                    literal.push(chars[i + 1]);
                    i += 2;
                } else {
                    literal.push(chars[i]);
                    i += 1;
                }
            }
            if i == chars.len() {
                return None;
            }
            i += 1;
            out.push(Token::Str(if raw {
                literal
            } else {
                python_string(&literal)?
            }));
            continue;
        }
        if c.is_ascii_digit() || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let number: String = chars[start..i].iter().collect();
            out.push(if number.contains('.') {
                Token::Float(number.parse().ok()?)
            } else {
                Token::Int(number.parse().ok()?)
            });
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Token::Name(chars[start..i].iter().collect()));
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let punct = match two.as_str() {
            "==" => "==",
            "!=" => "!=",
            _ => match c {
                '[' => "[",
                ']' => "]",
                '(' => "(",
                ')' => ")",
                '{' => "{",
                '}' => "}",
                ',' => ",",
                ':' => ":",
                '.' => ".",
                '+' => "+",
                '-' => "-",
                _ => return None,
            },
        };
        i += punct.len();
        out.push(Token::Punct(punct));
    }
    Some(out)
}

/// The value of a Python string literal's escapes (`\xe9`, `\u00e9`,
/// `\n`, `\'` …), as feedparser's cases write them.
pub(crate) fn python_string(literal: &str) -> Option<String> {
    fn hex(chars: &mut std::str::Chars<'_>, n: usize) -> Option<char> {
        let h: String = chars.take(n).collect();
        u32::from_str_radix(&h, 16).ok().and_then(char::from_u32)
    }
    let mut out = String::new();
    let mut chars = literal.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'x' => out.push(hex(&mut chars, 2)?),
            'u' => out.push(hex(&mut chars, 4)?),
            'U' => out.push(hex(&mut chars, 8)?),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            other @ ('\\' | '\'' | '"') => out.push(other),
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Some(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat_name(&mut self, name: &str) -> bool {
        if self.peek() == Some(&Token::Name(name.to_string())) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn eat(&mut self, punct: &str) -> bool {
        if matches!(self.peek(), Some(Token::Punct(p)) if *p == punct) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// `a and b or c and d`: alternatives of conjunctions.
    fn disjunction(&mut self) -> Vec<Clause> {
        let mut alternatives = vec![self.conjunction()];
        while self.eat_name("or") {
            alternatives.push(self.conjunction());
        }
        if alternatives.len() == 1 {
            alternatives.pop().unwrap_or_default()
        } else {
            // `not bozo and x or y`: Python reads `(not bozo and x) or y`.
            vec![Clause::AnyOf(alternatives)]
        }
    }

    fn conjunction(&mut self) -> Vec<Clause> {
        let mut clauses = vec![self.clause()];
        while self.eat_name("and") {
            clauses.push(self.clause());
        }
        clauses
    }

    /// One comparison; what it cannot read is kept as text up to the next
    /// top-level `and` / `or`.
    fn clause(&mut self) -> Clause {
        let start = self.at;
        if let Some(clause) = self.comparison() {
            return clause;
        }
        self.at = start;
        let mut depth = 0i32;
        let mut text = Vec::new();
        while let Some(t) = self.peek().cloned() {
            match &t {
                Token::Punct("(" | "[" | "{") => depth += 1,
                Token::Punct(")" | "]" | "}") => depth -= 1,
                Token::Name(n) if depth == 0 && (n == "and" || n == "or") => break,
                _ => {}
            }
            if depth < 0 {
                break;
            }
            text.push(t);
            self.at += 1;
        }
        Clause::Other(format!("{text:?}"))
    }

    fn comparison(&mut self) -> Option<Clause> {
        if self.eat_name("not") {
            return self.eat_name("bozo").then_some(Clause::NotBozo);
        }
        if self.eat("(") {
            let inner = self.disjunction();
            if !self.eat(")") {
                return None;
            }
            return match <[Clause; 1]>::try_from(inner) {
                Ok([one]) => Some(one),
                Err(many) => Some(Clause::AnyOf(vec![many])),
            };
        }
        let mut paths = vec![self.path()?];
        let mut literal = None;
        while self.eat("==") {
            match self.peek() {
                Some(Token::Name(n)) if !matches!(n.as_str(), "True" | "False" | "None") => {
                    paths.push(self.path()?)
                }
                _ => literal = Some(self.literal()?),
            }
        }
        let literal = literal?;
        matches!(
            self.peek(),
            None | Some(Token::Punct(")")) | Some(Token::Name(_))
        )
        .then_some(Clause::Equal(paths, literal))
    }

    fn path(&mut self) -> Option<Path> {
        let Some(Token::Name(root)) = self.peek().cloned() else {
            return None;
        };
        if matches!(root.as_str(), "not" | "and" | "or" | "len" | "in" | "is") {
            return None;
        }
        self.at += 1;
        let mut keys = Vec::new();
        loop {
            if self.eat("[") {
                let key = match self.peek().cloned() {
                    Some(Token::Str(s)) => Key::Name(s),
                    Some(Token::Int(i)) => Key::Index(i),
                    _ => return None,
                };
                self.at += 1;
                if !self.eat("]") {
                    return None;
                }
                keys.push(key);
            } else if self.eat(".") {
                let Some(Token::Name(n)) = self.peek().cloned() else {
                    return None;
                };
                self.at += 1;
                // A method call (`has_key(…)`, `get(…)`) is not a path.
                if matches!(self.peek(), Some(Token::Punct("("))) {
                    return None;
                }
                keys.push(Key::Name(n));
            } else {
                return Some(Path { root, keys });
            }
        }
    }

    fn literal(&mut self) -> Option<Literal> {
        let first = self.single_literal()?;
        if let Literal::Str(mut s) = first {
            // 'a' + 'b': the suite splits `--` so its comments stay valid.
            while self.eat("+") {
                match self.single_literal()? {
                    Literal::Str(more) => s.push_str(&more),
                    _ => return None,
                }
            }
            return Some(Literal::Str(s));
        }
        Some(first)
    }

    fn single_literal(&mut self) -> Option<Literal> {
        let token = self.peek()?.clone();
        self.at += 1;
        Some(match token {
            Token::Str(s) => Literal::Str(s),
            Token::Int(i) => Literal::Int(i),
            Token::Float(f) => Literal::Float(f),
            Token::Name(n) if n == "True" => Literal::Bool(true),
            Token::Name(n) if n == "False" => Literal::Bool(false),
            Token::Name(n) if n == "None" => Literal::None,
            Token::Punct("(") => {
                let mut items = Vec::new();
                while !self.eat(")") {
                    items.push(self.literal()?);
                    if !self.eat(",") && !matches!(self.peek(), Some(Token::Punct(")"))) {
                        return None;
                    }
                }
                Literal::Tuple(items)
            }
            Token::Punct("{") => {
                let mut depth = 1;
                while depth > 0 {
                    match self.peek()? {
                        Token::Punct("{") => depth += 1,
                        Token::Punct("}") => depth -= 1,
                        _ => {}
                    }
                    self.at += 1;
                }
                Literal::Other("dict".into())
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(root: &str, keys: &[&str]) -> Path {
        Path {
            root: root.into(),
            keys: keys
                .iter()
                .map(|k| match k.parse::<i64>() {
                    Ok(i) => Key::Index(i),
                    Err(_) => Key::Name(k.to_string()),
                })
                .collect(),
        }
    }

    #[test]
    fn reads_the_forms_the_suite_uses() {
        assert_eq!(
            parse(r"not bozo and entries[0]['title'] == u'caf\u00e9 \'x\''"),
            vec![
                Clause::NotBozo,
                Clause::Equal(
                    vec![path("entries", &["0", "title"])],
                    Literal::Str("café 'x'".into())
                )
            ]
        );
        assert_eq!(
            parse("entries[0]['link'] == entries[1]['link'] == 'http://x/'"),
            vec![Clause::Equal(
                vec![
                    path("entries", &["0", "link"]),
                    path("entries", &["1", "link"])
                ],
                Literal::Str("http://x/".into())
            )]
        );
        assert_eq!(
            parse("not bozo and feed['updated_parsed'] == (2004, 1, 1, 19, 48, 21, 3, 1, 0)"),
            vec![
                Clause::NotBozo,
                Clause::Equal(
                    vec![path("feed", &["updated_parsed"])],
                    Literal::Tuple(
                        [2004, 1, 1, 19, 48, 21, 3, 1, 0]
                            .into_iter()
                            .map(Literal::Int)
                            .collect()
                    )
                )
            ]
        );
        assert_eq!(
            parse("not bozo and feed['title'] == 'a -' + '- b'"),
            vec![
                Clause::NotBozo,
                Clause::Equal(
                    vec![path("feed", &["title"])],
                    Literal::Str("a -- b".into())
                )
            ]
        );
        assert!(matches!(
            &parse("not bozo and feed['title'] == 'x' or feed['title'] == \"y\"")[..],
            [Clause::AnyOf(alternatives)] if alternatives.len() == 2
        ));
        assert!(matches!(
            &parse("not bozo and len(feed['tags']) == 1")[..],
            [Clause::NotBozo, Clause::Other(_)]
        ));
        assert!(matches!(
            &parse("not bozo and feed.link == 'http://x/'")[..],
            [Clause::NotBozo, Clause::Equal(p, _)] if p[0] == path("feed", &["link"])
        ));
    }
}
