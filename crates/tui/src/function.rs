//! The command line's language: a function mnemonic, then its argument.
//!
//! `NSE gaza strip` is the function `NSE` with the query `gaza strip`.
//! Mnemonics are case-insensitive; arguments are kept as typed because
//! queries may care (phrases, field names).

use newsterm_story::StoryId;

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
    /// A story id: open the reader.
    Open(StoryId),
    /// `?`, `HELP`.
    Help,
    /// `Q`, `QUIT`.
    Quit,
}

/// Functions of the product that this terminal does not offer yet; naming
/// them gets a "not available" rather than an "unknown" message.
const PLANNED: [&str; 7] = ["NI", "READ", "ALRT", "PPL", "ORG", "GEO", "CN"];

/// One line of the help screen per function, in the order shown.
pub(crate) const HELP: [(&str, &str); 8] = [
    ("N, NH", "live headline monitor, newest on top"),
    (
        "N <query>",
        "live monitor filtered by a query, e.g. N source:BBC",
    ),
    ("FIRST", "flash and urgent headlines only, as they land"),
    ("TOP", "top stories now"),
    (
        "NSE <query>",
        "search the archive: words, \"phrases\", source:, place:, AND/OR/NOT",
    ),
    ("<story id>", "open a story by its 26-character id"),
    ("HELP, ?", "this screen"),
    ("Q, QUIT", "leave the terminal (Ctrl-C works too)"),
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
    }
}
