//! The command line's language: a function mnemonic, then its argument.
//!
//! `NSE gaza strip` is the function `NSE` with the query `gaza strip`.
//! Mnemonics are case-insensitive; arguments are kept as typed because
//! queries may care (phrases, field names).

use newsterm_story::{EventId, StoryId};

use crate::alerts::AlertChange;
use crate::entities::{EntityKind, clean_name};
use crate::sources::SourceChange;

/// What the user asked for by pressing Enter (GO).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Function {
    /// `TOP`: top stories now.
    Top,
    /// `READ`, `READ DAY`: the most-read stories of the last hour or day.
    Read(ReadWindow),
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
    /// A place chosen from a list comes with its country (ISO code), which
    /// tells apart places of one name: Georgia in the US and the country.
    Entity {
        kind: EntityKind,
        name: String,
        country: Option<String>,
    },
    /// `ALRT`: standing alerts and their recent hits.
    Alerts,
    /// `ALRT ADD <name> <query>`, `ALRT DEL <id>`.
    ChangeAlert(AlertChange),
    /// `SRC`: feed sources and their health.
    Sources,
    /// `SRC ADD <url> [every]`, `SRC DEL|PAUSE|RESUME|POLL <id>`.
    ChangeSource(SourceChange),
    /// A story id: open the reader.
    Open(StoryId),
    /// `EVT <event id>`: one event, its stories and what they name;
    /// `EVT` alone: the event of the story in the reader.
    Event(Option<EventId>),
    /// `?`, `HELP`.
    Help,
    /// `Q`, `QUIT`.
    Quit,
}

/// How far back `READ` counts opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReadWindow {
    /// The last hour.
    #[default]
    Hour,
    /// The last 24 hours.
    Day,
}

impl ReadWindow {
    /// As `GET /api/read?window=` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ReadWindow::Hour => "hour",
            ReadWindow::Day => "day",
        }
    }
}

/// Functions of the product that this terminal does not offer yet; naming
/// them gets a "not available" rather than an "unknown" message.
const PLANNED: [&str; 1] = ["CN"];

/// One line of the help screen per function, in the order shown; the
/// screen must fit 80×24, so related functions share a line.
pub(crate) const HELP: [(&str, &str); 11] = [
    (
        "N, N <query>",
        "live headlines, newest on top; a query filters: N source:BBC",
    ),
    (
        "FIRST TOP READ",
        "flash/urgent live; top events now; most read (READ DAY)",
    ),
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
    (
        "ALRT",
        "alerts and their hits; ADD <name> <query>, DEL <id>",
    ),
    (
        "SRC",
        "feed sources; ADD <url> [every], DEL|PAUSE|RESUME|POLL <id>",
    ),
    (
        "<story id>, EVT",
        "open a story by its id; EVT: its event (Enter on a TOP row)",
    ),
    (
        "HELP, ?",
        "this screen; Q or QUIT leaves (Ctrl-C works too)",
    ),
];

/// What is wrong with a command line, in words the user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FunctionError {
    #[error("type a function, e.g. N, TOP or NSE <query>; HELP lists them all")]
    Empty,
    #[error("{0} takes no argument")]
    TakesNoArgument(String),
    #[error("NSE needs a query, e.g. NSE gaza")]
    NeedsQuery,
    #[error("{mnemonic} needs a name, e.g. {mnemonic} {example}")]
    NeedsName {
        mnemonic: String,
        example: &'static str,
    },
    #[error("{0} is not available in this terminal yet")]
    Planned(String),
    #[error("unknown function {0}: type HELP for the list")]
    Unknown(String),
    #[error("READ takes HOUR or DAY (the last hour by default), not `{0}`")]
    ReadWindow(String),
    #[error("EVT takes an event's 26-character id (or nothing, in a story), not `{0}`")]
    EventId(String),
    #[error("NI takes one topic code, e.g. NI CONFLICT, not `{0}`; NI alone lists them")]
    TopicCode(String),
    #[error("ALRT ADD: the name's closing \" is missing")]
    AlertNameUnclosed,
    #[error("ALRT ADD needs a name and a query: {ALERT_USAGE}")]
    AlertNameAndQuery,
    #[error("ALRT alone lists alerts; to change them: {ALERT_USAGE}")]
    AlertUsage,
    #[error(
        "SRC ADD takes a feed URL and how often to poll it, e.g. SRC ADD https://example.org/feed.xml 5m"
    )]
    SourceAdd,
    #[error(
        "SRC alone lists sources; then SRC ADD <url> [every], or SRC DEL, PAUSE, RESUME or POLL <id>"
    )]
    SourceUsage,
    #[error("{function} needs an id: the number {listing} lists")]
    NeedsId {
        function: String,
        listing: &'static str,
    },
    #[error("{function} takes an id, the number {listing} lists, not `{arg}`")]
    BadId {
        function: String,
        listing: &'static str,
        arg: String,
    },
}

const ALERT_USAGE: &str =
    "ALRT ADD <name> <query>, e.g. ALRT ADD kyiv place:Kyiv, or ALRT DEL <id>";

/// Reads one command line; the error says what is wrong in words.
pub(crate) fn parse(line: &str) -> Result<Function, FunctionError> {
    let line = line.trim();
    let (name, arg) = match line.split_once(char::is_whitespace) {
        Some((name, rest)) => (name, Some(rest.trim()).filter(|r| !r.is_empty())),
        None => (line, None),
    };
    let mnemonic = name.to_ascii_uppercase();
    let no_argument = |f: Function| match arg {
        None => Ok(f),
        Some(_) => Err(FunctionError::TakesNoArgument(mnemonic.clone())),
    };
    match mnemonic.as_str() {
        "" => Err(FunctionError::Empty),
        "TOP" => no_argument(Function::Top),
        "READ" => match arg.map(str::to_ascii_uppercase).as_deref() {
            None | Some("HOUR") => Ok(Function::Read(ReadWindow::Hour)),
            Some("DAY") => Ok(Function::Read(ReadWindow::Day)),
            Some(_) => Err(FunctionError::ReadWindow(crate::wrap::truncate(
                arg.unwrap_or_default(),
                30,
            ))),
        },
        "N" | "NH" => Ok(Function::Monitor {
            query: arg.map(str::to_string),
        }),
        "FIRST" => no_argument(Function::First),
        "NSE" => match arg {
            Some(q) => Ok(Function::Search {
                query: q.to_string(),
            }),
            None => Err(FunctionError::NeedsQuery),
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
                Some(name) if name.is_empty() => Err(FunctionError::NeedsName {
                    mnemonic: mnemonic.clone(),
                    example: example(kind),
                }),
                Some(name) => Ok(Function::Entity {
                    kind,
                    name,
                    country: None,
                }),
            }
        }
        "ALRT" => match arg {
            None => Ok(Function::Alerts),
            Some(arg) => alert_change(arg).map(Function::ChangeAlert),
        },
        "SRC" => match arg {
            None => Ok(Function::Sources),
            Some(arg) => source_change(arg).map(Function::ChangeSource),
        },
        "EVT" => match arg {
            None => Ok(Function::Event(None)),
            Some(id) => match id.parse::<EventId>() {
                Ok(id) => Ok(Function::Event(Some(id))),
                Err(_) => Err(FunctionError::EventId(crate::wrap::truncate(id, 30))),
            },
        },
        "?" | "HELP" => no_argument(Function::Help),
        "Q" | "QUIT" => no_argument(Function::Quit),
        m if PLANNED.contains(&m) => Err(FunctionError::Planned(m.to_string())),
        _ => match (arg, name.parse::<StoryId>()) {
            (None, Ok(id)) if name.len() == 26 => Ok(Function::Open(id)),
            _ => Err(FunctionError::Unknown(crate::wrap::truncate(name, 30))),
        },
    }
}

/// A topic code as the index holds it: newsterm's short codes in capitals
/// (`conflict` → `CONFLICT`), IPTC qcodes (`medtop:16000000`) as typed.
fn topic_code(arg: &str) -> Result<String, FunctionError> {
    let is_code_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_' | '.');
    if !arg.chars().all(is_code_char) {
        return Err(FunctionError::TopicCode(crate::wrap::truncate(arg, 30)));
    }
    Ok(if arg.contains(':') {
        arg.to_string()
    } else {
        arg.to_ascii_uppercase()
    })
}

/// `ADD <name> <query…>` or `DEL <id>`. A name is one word, or several
/// in double quotes; the query is the rest of the line, as typed.
fn alert_change(arg: &str) -> Result<AlertChange, FunctionError> {
    let (verb, rest) = split_word(arg);
    match verb.to_ascii_uppercase().as_str() {
        "ADD" => {
            let (name, query) = match rest.strip_prefix('"') {
                Some(quoted) => match quoted.split_once('"') {
                    Some((name, query)) => (clean_name(name), query.trim()),
                    None => return Err(FunctionError::AlertNameUnclosed),
                },
                None => {
                    let (name, query) = split_word(rest);
                    (name.to_string(), query)
                }
            };
            if name.is_empty() || query.is_empty() {
                return Err(FunctionError::AlertNameAndQuery);
            }
            Ok(AlertChange::Add {
                name,
                query: query.to_string(),
            })
        }
        "DEL" => id_argument("ALRT DEL", "ALRT", rest).map(|id| AlertChange::Remove { id }),
        _ => Err(FunctionError::AlertUsage),
    }
}

/// `ADD <url> [every]`, or `DEL`, `PAUSE`, `RESUME`, `POLL` with an id.
fn source_change(arg: &str) -> Result<SourceChange, FunctionError> {
    let (verb, rest) = split_word(arg);
    let verb = verb.to_ascii_uppercase();
    let id = || id_argument(&format!("SRC {verb}"), "SRC", rest);
    match verb.as_str() {
        "ADD" => {
            let words: Vec<&str> = rest.split_whitespace().collect();
            match words[..] {
                [url] => Ok(SourceChange::Add {
                    url: url.to_string(),
                    every: None,
                }),
                [url, every] => Ok(SourceChange::Add {
                    url: url.to_string(),
                    every: Some(every.to_string()),
                }),
                _ => Err(FunctionError::SourceAdd),
            }
        }
        "DEL" => id().map(|id| SourceChange::Remove { id }),
        "PAUSE" => id().map(|id| SourceChange::Pause { id }),
        "RESUME" => id().map(|id| SourceChange::Resume { id }),
        "POLL" => id().map(|id| SourceChange::Poll { id }),
        _ => Err(FunctionError::SourceUsage),
    }
}

/// The first word of `s` and the rest, trimmed.
fn split_word(s: &str) -> (&str, &str) {
    match s.trim().split_once(char::is_whitespace) {
        Some((word, rest)) => (word, rest.trim()),
        None => (s.trim(), ""),
    }
}

/// The id `function` takes: the number its listing (`ALRT`, `SRC`)
/// shows; alert ids are unsigned, source ids signed.
fn id_argument<T: std::str::FromStr>(
    function: &str,
    listing: &'static str,
    arg: &str,
) -> Result<T, FunctionError> {
    arg.parse().map_err(|_| match arg {
        "" => FunctionError::NeedsId {
            function: function.to_string(),
            listing,
        },
        _ => FunctionError::BadId {
            function: function.to_string(),
            listing,
            arg: crate::wrap::truncate(arg, 30),
        },
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
    fn evt_opens_an_event_by_id_or_the_story_s_own() {
        let id = EventId::from_u128(7);
        assert_eq!(parse("EVT"), Ok(Function::Event(None)));
        assert_eq!(parse(&format!("evt {id}")), Ok(Function::Event(Some(id))));
        let bad = parse("EVT kherson").unwrap_err().to_string();
        assert!(bad.contains("event's 26-character id"), "{bad}");
    }

    #[test]
    fn read_counts_the_last_hour_unless_told_day() {
        assert_eq!(parse("read"), Ok(Function::Read(ReadWindow::Hour)));
        assert_eq!(parse("READ hour"), Ok(Function::Read(ReadWindow::Hour)));
        assert_eq!(parse("READ Day"), Ok(Function::Read(ReadWindow::Day)));
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
        let unknown = parse("FOO bar").unwrap_err().to_string();
        assert!(
            unknown.contains("FOO") && unknown.contains("HELP"),
            "{unknown}"
        );
        assert!(
            parse("NSE")
                .unwrap_err()
                .to_string()
                .contains("needs a query")
        );
        assert!(
            parse("TOP stories")
                .unwrap_err()
                .to_string()
                .contains("no argument")
        );
        assert!(
            parse("cn")
                .unwrap_err()
                .to_string()
                .contains("not available")
        );
        let window = parse("READ week").unwrap_err().to_string();
        assert!(window.contains("HOUR or DAY"), "{window}");
        assert!(
            parse("PPL \"\"")
                .unwrap_err()
                .to_string()
                .contains("needs a name")
        );
        let bad_code = parse("NI war OR peace").unwrap_err().to_string();
        assert!(bad_code.contains("one topic code"), "{bad_code}");
    }

    #[test]
    fn alrt_adds_with_a_one_word_or_quoted_name_and_the_rest_as_query() {
        assert_eq!(parse("alrt"), Ok(Function::Alerts));
        assert_eq!(
            parse("ALRT add kyiv place:Kyiv AND topic:CONFLICT"),
            Ok(Function::ChangeAlert(AlertChange::Add {
                name: "kyiv".into(),
                query: "place:Kyiv AND topic:CONFLICT".into()
            }))
        );
        assert_eq!(
            parse("ALRT ADD \"Jane  watch\" person:\"Jane Roe\""),
            Ok(Function::ChangeAlert(AlertChange::Add {
                name: "Jane watch".into(),
                query: "person:\"Jane Roe\"".into()
            }))
        );
        assert_eq!(
            parse("alrt del 12"),
            Ok(Function::ChangeAlert(AlertChange::Remove { id: 12 }))
        );
        let no_query = parse("ALRT ADD lonely").unwrap_err().to_string();
        assert!(no_query.contains("needs a name and a query"), "{no_query}");
        let bad_id = parse("ALRT DEL kyiv").unwrap_err().to_string();
        assert!(
            bad_id.contains("takes an id") && bad_id.contains("kyiv"),
            "{bad_id}"
        );
        assert!(
            parse("ALRT LIST")
                .unwrap_err()
                .to_string()
                .contains("ALRT ADD")
        );
    }

    #[test]
    fn src_takes_a_url_and_interval_or_a_verb_and_id() {
        assert_eq!(parse("src"), Ok(Function::Sources));
        assert_eq!(
            parse("SRC ADD https://example.org/feed.xml 5m"),
            Ok(Function::ChangeSource(SourceChange::Add {
                url: "https://example.org/feed.xml".into(),
                every: Some("5m".into())
            }))
        );
        assert_eq!(
            parse("src add http://x/rss"),
            Ok(Function::ChangeSource(SourceChange::Add {
                url: "http://x/rss".into(),
                every: None
            }))
        );
        for (line, change) in [
            ("SRC DEL 3", SourceChange::Remove { id: 3 }),
            ("src pause 3", SourceChange::Pause { id: 3 }),
            ("Src Resume 3", SourceChange::Resume { id: 3 }),
            ("SRC POLL 3", SourceChange::Poll { id: 3 }),
        ] {
            assert_eq!(parse(line), Ok(Function::ChangeSource(change)), "{line}");
        }
        assert!(
            parse("SRC ADD")
                .unwrap_err()
                .to_string()
                .contains("feed URL")
        );
        assert!(
            parse("SRC ADD a b c")
                .unwrap_err()
                .to_string()
                .contains("feed URL")
        );
        assert!(
            parse("SRC POLL")
                .unwrap_err()
                .to_string()
                .contains("needs an id")
        );
        assert!(
            parse("SRC KICK 3")
                .unwrap_err()
                .to_string()
                .contains("SRC alone lists")
        );
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
                name: "Jane Roe".into(),
                country: None,
            })
        );
        assert_eq!(
            parse("ORG \"United Nations\""),
            Ok(Function::Entity {
                kind: EntityKind::Org,
                name: "United Nations".into(),
                country: None,
            })
        );
    }
}
