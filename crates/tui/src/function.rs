//! The command line's language: a function mnemonic, then its argument.
//!
//! `NSE gaza strip` is the function `NSE` with the query `gaza strip`.
//! Mnemonics are case-insensitive; arguments are kept as typed because
//! queries may care (phrases, field names).

use newsterm_story::StoryId;

use crate::entities::{EntityKind, clean_name};

/// What the user asked for by pressing Enter (GO).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Function {
    /// `TOP`: top stories now.
    Top,
    /// `N`, `NH`, `N <query>`: the live headline monitor.
    Monitor { query: Option<String> },
    /// `FIRST`: flash and urgent headlines only, live.
    First,
    /// `NSE <query>`: archive search.
    Search { query: String },
    /// `NI <code>`: the live monitor of one topic.
    Topic { code: String },
    /// `PPL`, `ORG`, `GEO` or `NI` alone: the most mentioned of a kind.
    Entities(EntityKind),
    /// `PPL <name>`, `ORG <name>`, `GEO <place>`: a page about one entity.
    Entity { kind: EntityKind, name: String },
    /// A story id: open the reader.
    Open(StoryId),
    /// `?`, `HELP`.
    Help,
    /// `Q`, `QUIT`.
    Quit,
}

/// Functions of the product that this terminal does not offer yet; naming
/// them gets a "not available" rather than an "unknown" message.
const PLANNED: [&str; 4] = ["READ", "ALRT", "SRC", "CN"];

/// One line of the help screen per function, in the order shown; the
/// screen must fit 80×24, so related functions share a line.
pub(crate) const HELP: [(&str, &str); 10] = [
    (
        "N, N <query>",
        "live headlines, newest on top; a query filters: N source:BBC",
    ),
    ("FIRST", "flash and urgent headlines only, as they land"),
    ("TOP", "top stories now"),
    (
        "NSE <query>",
        "search the archive: words, \"phrases\", person:, place:, OR",
    ),
    (
        "NI <code>",
        "live headlines on one topic, e.g. NI CONFLICT; NI lists codes",
    ),
    (
        "PPL <name>",
        "a person: latest stories, and who and what comes up with them",
    ),
    ("ORG, GEO <name>", "the same for an organization or a place"),
    (
        "PPL, ORG, GEO",
        "alone: the most mentioned people, organizations or places",
    ),
    ("<story id>", "open a story by its 26-character id"),
    (
        "HELP, ?",
        "this screen; Q or QUIT leaves (Ctrl-C works too)",
    ),
];

/// Reads one command line; the error says what is wrong in words.
pub(crate) fn parse(line: &str) -> Result<Function, String> {
    let line = line.trim();
    let (name, arg) = match line.split_once(char::is_whitespace) {
        Some((name, rest)) => (name, Some(rest.trim()).filter(|r| !r.is_empty())),
        None => (line, None),
    };
    let mnemonic = name.to_ascii_uppercase();
    let no_argument = |f: Function| match arg {
        None => Ok(f),
        Some(_) => Err(format!("{mnemonic} takes no argument")),
    };
    match mnemonic.as_str() {
        "" => Err("type a function, e.g. N, TOP or NSE <query>; HELP lists them all".into()),
        "TOP" => no_argument(Function::Top),
        "N" | "NH" => Ok(Function::Monitor {
            query: arg.map(str::to_string),
        }),
        "FIRST" => no_argument(Function::First),
        "NSE" => match arg {
            Some(q) => Ok(Function::Search {
                query: q.to_string(),
            }),
            None => Err("NSE needs a query, e.g. NSE gaza".into()),
        },
        "NI" => match arg {
            None => Ok(Function::Entities(EntityKind::Topic)),
            Some(code) => topic_code(code).map(|code| Function::Topic { code }),
        },
        "PPL" | "ORG" | "GEO" => {
            let kind = match mnemonic.as_str() {
                "PPL" => EntityKind::Person,
                "ORG" => EntityKind::Org,
                _ => EntityKind::Place,
            };
            match arg.map(clean_name) {
                None => Ok(Function::Entities(kind)),
                Some(name) if name.is_empty() => Err(format!(
                    "{mnemonic} needs a name, e.g. {mnemonic} {}",
                    example(kind)
                )),
                Some(name) => Ok(Function::Entity { kind, name }),
            }
        }
        "?" | "HELP" => no_argument(Function::Help),
        "Q" | "QUIT" => no_argument(Function::Quit),
        m if PLANNED.contains(&m) => Err(format!("{m} is not available in this terminal yet")),
        _ => match (arg, name.parse::<StoryId>()) {
            (None, Ok(id)) if name.len() == 26 => Ok(Function::Open(id)),
            _ => Err(format!(
                "unknown function {}: type HELP for the list",
                crate::wrap::truncate(name, 30)
            )),
        },
    }
}

/// A topic code as the index holds it: newsterm's short codes in capitals
/// (`conflict` → `CONFLICT`), IPTC qcodes (`medtop:16000000`) as typed.
fn topic_code(arg: &str) -> Result<String, String> {
    let is_code_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_' | '.');
    if !arg.chars().all(is_code_char) {
        return Err(format!(
            "NI takes one topic code, e.g. NI CONFLICT, not `{}`; NI alone lists them",
            crate::wrap::truncate(arg, 30)
        ));
    }
    Ok(if arg.contains(':') {
        arg.to_string()
    } else {
        arg.to_ascii_uppercase()
    })
}

fn example(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "Jane Roe",
        EntityKind::Org => "United Nations",
        EntityKind::Place | EntityKind::Topic => "Kyiv",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mnemonics_are_case_insensitive_and_queries_keep_their_case() {
        assert_eq!(parse("top"), Ok(Function::Top));
        assert_eq!(parse("  First "), Ok(Function::First));
        assert_eq!(
            parse("nse Gaza  Strip"),
            Ok(Function::Search {
                query: "Gaza  Strip".into()
            })
        );
        assert_eq!(
            parse("n source:BBC"),
            Ok(Function::Monitor {
                query: Some("source:BBC".into())
            })
        );
        assert_eq!(parse("NH"), Ok(Function::Monitor { query: None }));
    }

    #[test]
    fn a_story_id_opens_the_reader() {
        let id = StoryId::new();
        assert_eq!(parse(&id.to_string()), Ok(Function::Open(id)));
        assert_eq!(
            parse(&id.to_string().to_lowercase()),
            Ok(Function::Open(id))
        );
    }

    #[test]
    fn mistakes_get_messages_that_name_them() {
        let unknown = parse("FOO bar").unwrap_err();
        assert!(
            unknown.contains("FOO") && unknown.contains("HELP"),
            "{unknown}"
        );
        assert!(parse("NSE").unwrap_err().contains("needs a query"));
        assert!(parse("TOP stories").unwrap_err().contains("no argument"));
        assert!(parse("alrt").unwrap_err().contains("not available"));
        assert!(parse("SRC").unwrap_err().contains("not available"));
        assert!(parse("PPL \"\"").unwrap_err().contains("needs a name"));
        let bad_code = parse("NI war OR peace").unwrap_err();
        assert!(bad_code.contains("one topic code"), "{bad_code}");
    }

    #[test]
    fn tag_functions_take_a_name_or_list_alone() {
        assert_eq!(
            parse("ni conflict"),
            Ok(Function::Topic {
                code: "CONFLICT".into()
            })
        );
        assert_eq!(
            parse("NI medtop:16000000"),
            Ok(Function::Topic {
                code: "medtop:16000000".into()
            })
        );
        assert_eq!(parse("ni"), Ok(Function::Entities(EntityKind::Topic)));
        assert_eq!(parse("Geo"), Ok(Function::Entities(EntityKind::Place)));
        assert_eq!(
            parse("ppl  Jane   Roe"),
            Ok(Function::Entity {
                kind: EntityKind::Person,
                name: "Jane Roe".into()
            })
        );
        assert_eq!(
            parse("ORG \"United Nations\""),
            Ok(Function::Entity {
                kind: EntityKind::Org,
                name: "United Nations".into()
            })
        );
    }
}
