//! Fitting text into terminal columns: truncation with `…` for list rows,
//! word wrapping for the reader.
//!
//! Widths are display columns (a CJK character takes two), so rows line
//! up whatever script a headline is written in.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display columns `s` takes.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` cut to at most `max` columns, ending in `…` when something was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        // Keep one column for the ellipsis.
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `s` truncated to `cols` columns and padded with spaces to exactly `cols`.
pub fn fit(s: &str, cols: usize) -> String {
    let mut out = truncate(s, cols);
    let w = width(&out);
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    out
}

/// Word-wraps `text` into lines of at most `cols` columns.
///
/// Whitespace runs (newlines included) collapse to one space; a word longer
/// than a whole line is split mid-word rather than overflowing the screen.
pub fn wrap(text: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_w = 0;
    for word in text.split_whitespace() {
        let word_w = width(word);
        let needed = if line.is_empty() {
            word_w
        } else {
            line_w + 1 + word_w
        };
        if needed <= cols {
            if !line.is_empty() {
                line.push(' ');
                line_w += 1;
            }
            line.push_str(word);
            line_w += word_w;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line_w = 0;
        }
        if word_w <= cols {
            line.push_str(word);
            line_w = word_w;
            continue;
        }
        for c in word.chars() {
            let w = c.width().unwrap_or(0);
            if line_w + w > cols && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_w = 0;
            }
            line.push(c);
            line_w += w;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_marks_the_cut_and_respects_width() {
        assert_eq!(truncate("Quake hits coast", 8), "Quake h…");
        assert_eq!(truncate("short", 8), "short");
        // Wide characters count double: three of them need six columns.
        let t = truncate("東京都庁舎", 6);
        assert!(width(&t) <= 6, "{t}");
        assert!(t.ends_with('…'));
    }

    #[test]
    fn fit_pads_to_exact_width() {
        assert_eq!(fit("BBC", 6), "BBC   ");
        assert_eq!(width(&fit("Associated Press", 6)), 6);
    }

    #[test]
    fn wrap_breaks_at_words_and_never_overflows() {
        let text = "The quick brown fox jumps over the lazy dog near the riverbank";
        let lines = wrap(text, 20);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| width(l) <= 20), "{lines:?}");
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn wrap_splits_words_longer_than_a_line() {
        let lines = wrap("https://example.com/a/very/long/path/indeed", 10);
        assert!(lines.iter().all(|l| width(l) <= 10), "{lines:?}");
        assert_eq!(
            lines.concat(),
            "https://example.com/a/very/long/path/indeed"
        );
    }
}
