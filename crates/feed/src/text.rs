//! Plain-text rules for feed items: white space, sentences and the
//! truncation that turns an over-long title into a headline.

/// Collapses white space runs to one space, drops control characters and
/// trims the ends.
pub(crate) fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else if !c.is_control() {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Words that end with a full stop without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "gov", "sen", "rep", "sgt", "col",
    "lt", "capt", "inc", "corp", "co", "ltd", "vs", "no", "approx", "est", "jan", "feb", "aug",
    "sept", "oct", "nov", "dec",
];

/// Splits text (already collapsed) into sentences: a `.`, `!` or `?`
/// (with any closing quotes or brackets) followed by a space ends one,
/// unless the word before it is a single letter (`U.S.`) or a common
/// abbreviation (`Mr.`).
pub(crate) fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (n, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?' | '。' | '！' | '？') {
            continue;
        }
        // Closing quotes and brackets belong to the sentence they close.
        let mut end = n + 1;
        while let Some(&(_, q)) = chars.get(end) {
            if matches!(q, '"' | '\'' | '”' | '’' | ')' | ']' | '»') {
                end += 1;
            } else {
                break;
            }
        }
        let followed_by_space = chars.get(end).is_none_or(|&(_, s)| s == ' ');
        let cjk = matches!(c, '。' | '！' | '？');
        if !(followed_by_space || cjk) || (c == '.' && is_abbreviation(&text[start..i])) {
            continue;
        }
        let end_byte = chars.get(end).map_or(text.len(), |&(b, _)| b);
        let sentence = text[start..end_byte].trim();
        if !sentence.is_empty() {
            out.push(sentence);
        }
        start = end_byte;
    }
    let tail = text[start..].trim();
    if !tail.is_empty() {
        out.push(tail);
    }
    out
}

fn is_abbreviation(before_stop: &str) -> bool {
    let word = before_stop
        .rsplit([' ', '(', '"'])
        .next()
        .unwrap_or("")
        .trim_start_matches('.');
    let last = word.rsplit('.').next().unwrap_or(word);
    last.chars().count() == 1 || ABBREVIATIONS.contains(&last.to_lowercase().as_str())
}

/// `text` cut to at most `max` characters, ending in `…` when cut; the cut
/// falls at a word boundary when one is near the end.
pub(crate) fn truncate(text: &str, max: usize) -> String {
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
    }

    #[test]
    fn truncation_ends_in_an_ellipsis_at_a_word() {
        let long = "word ".repeat(100);
        let t = truncate(long.trim(), 50);
        assert!(t.chars().count() <= 50, "{t}");
        assert!(t.ends_with("word…"), "{t}");
        assert_eq!(truncate("short", 50), "short");
        let unbroken = "x".repeat(80);
        assert_eq!(truncate(&unbroken, 10).chars().count(), 10);
    }
}
