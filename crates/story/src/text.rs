//! Plain-text rules every crate shares: white space, sentences, the
//! abbreviations a full stop does not end a sentence after, and cutting
//! text to a length.
//!
//! The feed reader splits summaries into sentences here and the tagger
//! groups its tokens into sentences by the same ends, so the two never
//! disagree about where a sentence stops.

/// Collapses runs of white space (any Unicode white space, a no-break
/// space included) to one space, drops control characters and trims the
/// ends: for text from feeds, where all of these are noise.
pub fn collapse(text: &str) -> String {
    collapse_where(text, char::is_whitespace, char::is_control)
}

/// Collapses runs of HTML white space (space, tab, line feed, form feed,
/// carriage return) to one space and trims the ends, keeping every other
/// character: how a browser shows text, and how story paragraphs are kept.
pub fn collapse_html_space(text: &str) -> String {
    collapse_where(text, is_html_space, |_| false)
}

fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0C' | '\r')
}

fn collapse_where(text: &str, is_space: fn(char) -> bool, is_dropped: fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if is_space(c) {
            space = !out.is_empty();
        } else if !is_dropped(c) {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Words written with a full stop that does not end a sentence: titles,
/// company forms, months, and a few Latin and English shorthands. Matched
/// as written (a lower-case `no.` at the end of a sentence is a word).
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Ste", "Jr", "Sr", "Inc", "Corp", "Ltd", "Co", "Gen",
    "Lt", "Col", "Sgt", "Capt", "Cmdr", "Adm", "Gov", "Sen", "Rep", "Rev", "Mt", "Ft", "Jan",
    "Feb", "Mar", "Apr", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "vs", "etc", "No", "Nos",
    "Dept", "Univ", "approx", "est", "Messrs", "Pres", "Hon", "Gov't", "Bros", "Ave", "Blvd",
];

/// True when a full stop right after `word` belongs to it rather than
/// ending a sentence: an initial (`F.`), dotted short pieces (`U.S`,
/// `e.g`, `Ph.D`), or one of the known abbreviations (`Mr`, `Inc`, `Sept`).
pub fn is_abbreviation(word: &str) -> bool {
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_alphabetic();
    }
    if word.contains('.') {
        return word.split('.').all(|p| {
            !p.is_empty() && p.chars().count() <= 3 && p.chars().all(char::is_alphabetic)
        });
    }
    ABBREVIATIONS.contains(&word)
}

/// Characters that end a sentence.
fn is_stop(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '。' | '！' | '？')
}

/// Closing quotes and brackets: they belong to the sentence they close.
fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»')
}

/// Byte offsets where the sentences of `text` end (exclusive), the last
/// being `text.len()` when text remains after the last stop.
///
/// A sentence ends at a line break, or at `.`, `!` or `?` (with any
/// closing quotes or brackets right after it) followed by white space
/// and then something that can start a sentence — a capital, a digit or
/// a sign such as a quote — but not at a full stop after an
/// [abbreviation](is_abbreviation). The full-width stops of Chinese and
/// Japanese end a sentence wherever they stand.
pub fn sentence_ends(text: &str) -> Vec<usize> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte_at = |n: usize| chars.get(n).map_or(text.len(), |&(b, _)| b);
    let mut ends = Vec::new();
    let mut n = 0;
    while n < chars.len() {
        let (i, c) = chars[n];
        if c == '\n' || c == '\u{2029}' {
            ends.push(i);
            n += 1;
            continue;
        }
        if !is_stop(c) {
            n += 1;
            continue;
        }
        let mut end = n + 1;
        while chars.get(end).is_some_and(|&(_, q)| is_closing(q)) {
            end += 1;
        }
        let wide = matches!(c, '。' | '！' | '？');
        let next_word = chars[end..]
            .iter()
            .position(|&(_, s)| !s.is_whitespace())
            .map(|skip| (skip, chars[end + skip].1));
        let ends_here = wide
            || match next_word {
                None => true,
                Some((0, _)) => false,
                Some((_, s)) => s.is_uppercase() || s.is_numeric() || !s.is_alphanumeric(),
            };
        if ends_here && !(c == '.' && is_abbreviation(word_before(&text[..i]))) {
            ends.push(byte_at(end));
        }
        n = end;
    }
    if ends.last().is_none_or(|&e| !text[e..].trim().is_empty()) {
        ends.push(text.len());
    }
    ends.dedup();
    ends
}

/// The word that ends `text`: what follows its last space, bracket or
/// quote, without leading stops.
fn word_before(text: &str) -> &str {
    text.rsplit(|c: char| c.is_whitespace() || matches!(c, '(' | '[' | '"' | '“' | '‘'))
        .next()
        .unwrap_or("")
        .trim_start_matches('.')
}

/// The sentences of `text`, trimmed, empty ones left out.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut start = 0;
    let mut out = Vec::new();
    for end in sentence_ends(text) {
        let s = text[start..end].trim();
        if !s.is_empty() {
            out.push(s);
        }
        start = end;
    }
    out
}

/// `text` cut to at most `max` characters, ending in `…` when cut; the cut
/// falls at a word boundary when one is near the end.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let keep: String = text.chars().take(max.saturating_sub(1)).collect();
    let cut = match keep.rfind(' ') {
        Some(space) if keep[..space].chars().count() >= max * 2 / 3 => &keep[..space],
        _ => keep.as_str(),
    };
    format!("{}…", cut.trim_end_matches([' ', ',', ';', ':', '-']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapse_drops_controls_and_runs_of_space() {
        assert_eq!(collapse(" a\u{0}\u{7} \n\u{A0} b "), "a b");
        assert_eq!(
            collapse_html_space(" a \t\r\n b\u{A0} c\u{7} "),
            "a b\u{A0} c\u{7}"
        );
    }

    #[test]
    fn sentences_split_at_stops_not_abbreviations() {
        assert_eq!(
            sentences("Mr. Smith went to the U.S. yesterday. He said: \"No!\" Then left? Yes"),
            vec![
                "Mr. Smith went to the U.S. yesterday.",
                "He said: \"No!\"",
                "Then left?",
                "Yes"
            ]
        );
        assert_eq!(
            sentences("Version 3.5 is out."),
            vec!["Version 3.5 is out."]
        );
        assert_eq!(
            sentences("地震が発生。被害なし。"),
            vec!["地震が発生。", "被害なし。"]
        );
        assert!(sentences("").is_empty());
        assert!(sentences("  ").is_empty());
    }

    #[test]
    fn a_stop_before_a_lower_case_word_or_after_a_title_ends_nothing() {
        assert_eq!(
            sentences("Gen. Mills spoke. approx. ten left. He said no. Then he went."),
            vec![
                "Gen. Mills spoke. approx. ten left.",
                "He said no.",
                "Then he went."
            ]
        );
        assert_eq!(
            sentences("It rose 5. Then fell."),
            vec!["It rose 5.", "Then fell."]
        );
    }

    #[test]
    fn a_line_break_ends_a_sentence() {
        assert_eq!(
            sentences("Headline here\n\nHe left. \"We won.\" She said Mr. Roe came."),
            vec![
                "Headline here",
                "He left.",
                "\"We won.\"",
                "She said Mr. Roe came."
            ]
        );
    }

    #[test]
    fn abbreviations_are_initials_dotted_pieces_and_the_list() {
        for word in ["F", "U.S", "e.g", "Ph.D", "Mr", "Inc", "Sept"] {
            assert!(is_abbreviation(word), "{word}");
        }
        for word in ["5", "said", "no", "USA.X1", "London"] {
            assert!(!is_abbreviation(word), "{word}");
        }
    }

    #[test]
    fn truncation_keeps_at_most_max_characters_ending_in_an_ellipsis_at_a_word() {
        let long = "word ".repeat(100);
        let t = truncate(long.trim(), 50);
        assert!(t.chars().count() <= 50, "{t}");
        assert!(t.ends_with("word…"), "{t}");
        assert_eq!(truncate("short", 50), "short");
        let unbroken = "x".repeat(80);
        assert_eq!(truncate(&unbroken, 10).chars().count(), 10);
    }
}
