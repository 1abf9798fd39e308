//! Figures: counts, percentages, money and durations, each with its value and, where
//! the text says it, what it counts.

use crate::annotations::{Figure, FigureKind};
use crate::features::DocView;

/// The days of the week, in lower case.
const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

pub(crate) const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan.",
    "feb.",
    "mar.",
    "apr.",
    "jun.",
    "jul.",
    "aug.",
    "sep.",
    "sept.",
    "oct.",
    "nov.",
    "dec.",
];

/// Words that end the description of what a number counts.
const PHRASE_STOP: &[&str] = &[
    "of", "in", "on", "at", "for", "to", "from", "by", "with", "and", "or", "but", "than", "said",
    "says", "is", "are", "was", "were", "be", "been", "have", "has", "had", "who", "that", "which",
    "the", "a", "an", "this", "these", "their", "his", "her", "its", "as", "per", "more", "less",
    "will", "would", "could", "can", "may", "did", "do", "not", "each", "ago", "old", "later",
    "earlier", "after", "before", "since", "into", "during", "when", "near", "around", "among",
    "across", "against", "over", "under", "within", "without", "between", "through", "about",
    "outside", "inside", "while", "where",
];

/// Whether `word` (lower case) is a plural noun: "people", "pilgrims",
/// "others", "schoolchildren" — not "news", "series" or "status".
fn is_plural_head(word: &str) -> bool {
    matches!(word, "men" | "police")
        || ["people", "children", "women"]
            .iter()
            .any(|end| word.ends_with(end))
        || word.len() > 3
            && word.ends_with('s')
            && !["ss", "us", "is", "news", "series", "species"]
                .iter()
                .any(|end| word.ends_with(end))
}

fn scale_of(word: &str) -> Option<f64> {
    Some(match word {
        "thousand" | "k" => 1e3,
        "million" | "millions" | "m" | "mn" | "mln" => 1e6,
        "billion" | "billions" | "bn" | "b" => 1e9,
        "trillion" | "tn" => 1e12,
        _ => return None,
    })
}

/// Whether `lower` (a word in lower case) names a day of the week or a
/// month: a date's word, which opens no name ("the company Monday").
pub(crate) fn is_day_or_month(lower: &str) -> bool {
    WEEKDAYS.contains(&lower) || MONTHS.contains(&lower)
}

fn number_word(word: &str) -> Option<f64> {
    const WORDS: &[&str] = &[
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: &[&str] = &[
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    if let Some(i) = WORDS.iter().position(|w| *w == word) {
        return Some(i as f64 + 2.0);
    }
    if let Some(i) = TENS.iter().position(|w| *w == word) {
        return Some((i as f64 + 2.0) * 10.0);
    }
    // "Twenty-five": tens and a unit.
    if let Some((tens, unit)) = word.split_once('-')
        && let Some(i) = TENS.iter().position(|w| *w == tens)
        && let Some(u) = WORDS.iter().take(8).position(|w| *w == unit)
    {
        return Some((i as f64 + 2.0) * 10.0 + u as f64 + 2.0);
    }
    match word {
        "dozen" => Some(12.0),
        "hundred" => Some(100.0),
        _ => None,
    }
}

fn currency_symbol(sym: &str, prefix: Option<&str>) -> Option<&'static str> {
    Some(match (sym, prefix) {
        ("$", Some("US")) | ("$", None) => "USD",
        ("$", Some("A" | "AU")) => "AUD",
        ("$", Some("C" | "CA")) => "CAD",
        ("$", Some("NZ")) => "NZD",
        ("$", Some("HK")) => "HKD",
        ("$", Some("S")) => "SGD",
        ("$", Some(_)) => "USD",
        ("€", _) => "EUR",
        ("£", _) => "GBP",
        ("¥", _) => "JPY",
        ("₹", _) => "INR",
        ("₽", _) => "RUB",
        ("₩", _) => "KRW",
        _ => return None,
    })
}

fn currency_word(word: &str) -> Option<&'static str> {
    Some(match word {
        "dollar" | "dollars" | "usd" => "USD",
        "euro" | "euros" | "eur" => "EUR",
        "pound" | "pounds" | "gbp" => "GBP",
        "yen" | "jpy" => "JPY",
        "yuan" | "renminbi" | "cny" => "CNY",
        "rupee" | "rupees" | "inr" => "INR",
        "ruble" | "rubles" | "rouble" | "roubles" | "rub" => "RUB",
        "franc" | "francs" | "chf" => "CHF",
        _ => return None,
    })
}

fn time_unit(word: &str) -> Option<&'static str> {
    Some(match word {
        "second" | "seconds" => "second",
        "minute" | "minutes" => "minute",
        "hour" | "hours" => "hour",
        "day" | "days" => "day",
        "week" | "weeks" => "week",
        "month" | "months" => "month",
        "year" | "years" => "year",
        "decade" | "decades" => "decade",
        "century" | "centuries" => "century",
        _ => return None,
    })
}

fn parse_number(word: &str) -> Option<f64> {
    if !word.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let plain: String = word.chars().filter(|c| *c != ',').collect();
    plain.parse().ok()
}

/// The number token `j` writes, in digits or in words, and whether it is
/// spelled in words.
fn number_at(view: &DocView, j: usize) -> Option<(f64, bool)> {
    parse_number(view.word(j))
        .map(|v| (v, false))
        .or_else(|| number_word(&view.lower[j]).map(|v| (v, true)))
}

/// Finds the figures of a document.
pub(crate) fn figures(view: &DocView) -> Vec<Figure> {
    let n = view.len();
    let lw = |i: usize| view.lower[i].as_str();
    let mut out = Vec::new();
    let mut last_count: Option<Counted> = None;
    let mut i = 0;
    while i < n {
        let Some((mut value, spelled)) = number_at(view, i) else {
            i += 1;
            continue;
        };
        let mut first = i;
        let mut last = i;
        let mut currency = None;
        // A currency sign (maybe with a country prefix) or code right before.
        if i > 0 {
            let prefix = (i >= 2 && !view.tokens[i - 1].space_before).then(|| view.word(i - 2));
            if let Some(c) = currency_symbol(view.word(i - 1), prefix) {
                currency = Some(c);
                first = if prefix.is_some_and(|p| p.chars().all(char::is_uppercase)) {
                    i - 2
                } else {
                    i - 1
                };
            } else if view.word(i - 1).len() == 3
                && view.word(i - 1).chars().all(|c| c.is_ascii_uppercase())
                && let Some(c) = currency_word(lw(i - 1))
            {
                currency = Some(c);
                first = i - 1;
            }
        }
        let near_month =
            (i > 0 && MONTHS.contains(&lw(i - 1))) || (i + 1 < n && MONTHS.contains(&lw(i + 1)));
        let looks_like_year =
            !spelled && view.word(i).len() == 4 && (1800.0..=2100.0).contains(&value);
        if currency.is_none() && (near_month || looks_like_year || view.word(i).contains(':')) {
            i += 1;
            continue;
        }
        if last + 1 < n
            && let Some(s) = scale_of(lw(last + 1))
        {
            value *= s;
            last += 1;
        }
        let next = |k: usize| (k < n).then(|| lw(k));
        let kind;
        let mut unit = currency.map(str::to_string);
        let mut what_from = None;
        let mut of_them = false;
        if currency.is_some() {
            kind = FigureKind::Money;
        } else if let Some(c) = next(last + 1).and_then(currency_word) {
            kind = FigureKind::Money;
            unit = Some(c.to_string());
            last += 1;
        } else if next(last + 1) == Some("%") || next(last + 1) == Some("percent") {
            kind = FigureKind::Percent;
            unit = Some("%".into());
            last += 1;
            if next(last + 1) == Some("of") {
                what_from = Some(last + 2);
            }
        } else if next(last + 1) == Some("per") && next(last + 2) == Some("cent") {
            kind = FigureKind::Percent;
            unit = Some("%".into());
            last += 2;
            if next(last + 1) == Some("of") {
                what_from = Some(last + 2);
            }
        } else if let Some(u) = next(last + 1).and_then(time_unit) {
            kind = FigureKind::Duration;
            unit = Some(u.to_string());
            last += 1;
        } else if next(last + 1) == Some("of") && matches!(next(last + 2), Some("them" | "whom")) {
            // "190 people on board, six of them crew members" (but not "two
            // of them visible": a plural noun must end what is counted).
            kind = FigureKind::Count;
            what_from = Some(last + 3);
            of_them = true;
        } else if next(last + 1) == Some("of") && !spelled {
            kind = FigureKind::Count;
            what_from = Some(last + 2);
        } else {
            kind = FigureKind::Count;
            what_from = Some(last + 1);
        }
        let what = what_from.and_then(|mut from| {
            // "70 percent of the vote": the article is not what is counted.
            if from < n && matches!(lw(from), "the" | "a" | "an" | "its" | "their" | "all") {
                from += 1;
            }
            let mut end = from;
            while end < n
                && end - from < 3
                && view
                    .word(end)
                    .chars()
                    .all(|c| c.is_alphabetic() || c == '-')
                && !PHRASE_STOP.contains(&lw(end))
                && !view.sent_start[end]
            {
                end += 1;
                // A plural noun is the head of what is counted: "22 people
                // dead", "25 others injured", "eleven people clemency" count
                // people and others.
                if is_plural_head(lw(end - 1)) {
                    break;
                }
            }
            (end > from && (!of_them || is_plural_head(lw(end - 1))))
                .then(|| view.text[view.tokens[from].start..view.tokens[end - 1].end].to_string())
        });
        // A bare number with nothing counted is not a figure worth reporting,
        // unless it counts what the count before it counted.
        let what = if kind == FigureKind::Count && what.is_none() {
            let Some(what) = casualties(view, first, last, value)
                .or_else(|| elided(view, first, last, value, last_count.as_ref()))
            else {
                i = last + 1;
                continue;
            };
            Some(what)
        } else {
            what
        };
        if kind == FigureKind::Count
            && let Some(what) = &what
        {
            last_count = Some(Counted {
                token: last,
                value,
                what: what.clone(),
            });
        }
        out.push(Figure {
            start: view.tokens[first].cstart,
            end: view.tokens[last].cend,
            text: view.text[view.tokens[first].start..view.tokens[last].end].to_string(),
            kind,
            value,
            unit,
            what,
        });
        i = last + 1;
    }
    out
}

/// The last count the text gave with what it counts.
struct Counted {
    /// Its number's last token.
    token: usize,
    value: f64,
    what: String,
}

/// Words after which a bare number is no count: an age, a label, a model,
/// the end of a range, a rate.
const NOT_A_COUNT_AFTER: &[&str] = &[
    "aged", "age", "ages", "no.", "number", "page", "chapter", "section", "article", "to", "per",
    "under", "turning", "#", "the", "a", "an",
];

/// Whether the bare number at tokens `first..=last`, of `value`, may be a
/// count whose noun the text leaves out: a whole number, in digits or in
/// lower-case words, with no word before it that makes it an age, a
/// label, a model or the end of a range ("aged 13", "Route 2", "iPhone 4",
/// "the 787", "May 24 to 26", "between 14 and 18", "a brother, 22,").
fn may_count(view: &DocView, first: usize, last: usize, value: f64) -> bool {
    let n = view.len();
    let next = (last + 1 < n).then(|| view.lower[last + 1].as_str());
    let whole = value >= 1.0 && value.fract() == 0.0;
    let named = view.is_capitalized_in_sentence(first);
    let labelled = first.checked_sub(1).is_some_and(|k| {
        let (word, lower) = (view.word(k), view.lower[k].as_str());
        NOT_A_COUNT_AFTER.contains(&lower)
            || (word.chars().any(char::is_uppercase) && !view.sent_start[k])
            || (word == "," && next == Some(","))
            || (matches!(lower, "and" | "or" | "-")
                && k.checked_sub(1)
                    .is_some_and(|j| number_at(view, j).is_some()))
    });
    whole && !named && !labelled
}

/// Verbs of harm or rescue said of people, before a number that counts
/// them ("killing three", "injured sixteen").
const DONE_TO_PEOPLE: &[&str] = &[
    "killed",
    "killing",
    "kills",
    "kill",
    "injured",
    "injuring",
    "injures",
    "injure",
    "wounded",
    "wounding",
    "wounds",
    "hurt",
    "hurting",
    "rescued",
    "evacuated",
    "arrested",
    "hospitalized",
    "hospitalised",
];

/// What a story says of people after the number that counts them ("35
/// died", "20 were killed", "four are missing").
const SAID_OF_PEOPLE: &[&str] = &[
    "killed",
    "dead",
    "died",
    "injured",
    "wounded",
    "hurt",
    "missing",
    "rescued",
    "arrested",
    "hospitalized",
    "hospitalised",
    "evacuated",
    "survived",
];

/// "The blaze killed three, including a 92-year-old woman, and injured
/// sixteen", "at least 20 were killed": a bare number that a verb of harm
/// or rescue is said of counts people.
fn casualties(view: &DocView, first: usize, last: usize, value: f64) -> Option<String> {
    let n = view.len();
    let lower = |k: usize| (k < n).then(|| view.lower[k].as_str());
    let done_to = first
        .checked_sub(1)
        .and_then(lower)
        .is_some_and(|w| DONE_TO_PEOPLE.contains(&w));
    // "20 were killed", "35 were rescued", "two have been arrested", "12
    // were still missing".
    let mut k = last + 1;
    if lower(k).is_some_and(|w| matches!(w, "were" | "are" | "was" | "have" | "had")) {
        k += 1;
        if lower(k) == Some("been") {
            k += 1;
        }
    }
    if lower(k).is_some_and(|w| matches!(w, "still" | "reportedly" | "also" | "now" | "later")) {
        k += 1;
    }
    let said_of = lower(k).is_some_and(|w| SAID_OF_PEOPLE.contains(&w));
    ((done_to || said_of) && may_count(view, first, last, value)).then(|| "people".to_string())
}

/// What a bare count at tokens `first..=last` counts when its noun is left
/// out because the count before it gave it: "Pelosi won with 220 votes.
/// McCarthy received 192.", "a total of 1,124 delegates; Sanders trailed
/// with a total of 815". The number may count ([`may_count`]) and ends its
/// clause (a stop, a comma, a semicolon or a verb "to be" or "to have"
/// follows); the count before it is in its sentence or the one before, of
/// like size (within ten times), and counts things: a plural noun in lower
/// case that is no measure ("ten kilometres from Barcelona. The blaze
/// killed three" counts no kilometres).
fn elided(
    view: &DocView,
    first: usize,
    last: usize,
    value: f64,
    before: Option<&Counted>,
) -> Option<String> {
    const MEASURES: &[&str] = &[
        "kilometres",
        "kilometers",
        "km",
        "miles",
        "metres",
        "meters",
        "feet",
        "inches",
        "pounds",
        "kg",
        "kilograms",
        "tonnes",
        "tons",
        "megapixels",
        "degrees",
        "acres",
        "hectares",
        "litres",
        "liters",
        "gallons",
        "barrels",
    ];
    let before = before?;
    let n = view.len();
    let head = before.what.rsplit(' ').next().unwrap_or_default();
    let counts_things =
        head.starts_with(char::is_lowercase) && is_plural_head(head) && !MEASURES.contains(&head);
    let next = (last + 1 < n).then(|| view.lower[last + 1].as_str());
    let ends_clause = matches!(
        next,
        None | Some("." | ";" | "," | "is" | "are" | "was" | "were" | "has" | "have" | "had")
    );
    let sentences_between = (before.token + 1..=first)
        .filter(|&k| view.sent_start[k])
        .count();
    let like_size = (value / before.value).log10().abs() <= 1.0;
    (counts_things
        && ends_clause
        && sentences_between <= 1
        && like_size
        && may_count(view, first, last, value))
    .then(|| before.what.clone())
}
