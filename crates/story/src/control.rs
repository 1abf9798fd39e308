//! Characters that must never reach a reader's terminal or browser from a
//! story: C0 and C1 control characters (an `ESC ] 0;… BEL` retitles a
//! terminal, `ESC [2J` clears it) and the bidirectional embedding,
//! override and isolate controls that make text display in an order other
//! than the one it is stored in.
//!
//! Ingest drops them ([`clean_line`], [`clean_block`], called by
//! [`crate::StoryDraft::validate`] for every input form); outputs that go
//! to a terminal escape whatever is left, say from data stored before
//! this rule ([`escape_controls`]).

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::error::FieldError;

/// True for a C0 control (U+0000–U+001F), DEL, a C1 control
/// (U+0080–U+009F), or a bidi embedding, override or isolate
/// (U+202A–U+202E, U+2066–U+2069).
pub fn is_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A one-line field as stored: tabs become spaces, every other control
/// character is dropped. Line breaks are the caller's to refuse first.
pub(crate) fn clean_line(s: &str) -> Cow<'_, str> {
    clean(s, false)
}

/// Body text as stored: line breaks stay, tabs become spaces, a carriage
/// return before a line feed goes, every other control character is
/// dropped.
pub(crate) fn clean_block(s: &str) -> Cow<'_, str> {
    clean(s, true)
}

fn clean(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .filter_map(|c| match c {
                '\t' => Some(' '),
                '\n' if keep_newlines => Some('\n'),
                c if is_control(c) => None,
                c => Some(c),
            })
            .collect(),
    )
}

/// `s` with every control character written as a visible escape (`\x1b`,
/// `\u{202e}`), for printing to a terminal. With `keep_layout`, line feeds
/// and tabs pass through: the layout the printing program chose.
pub fn escape_controls(s: &str, keep_layout: bool) -> Cow<'_, str> {
    let kept = |c: char| keep_layout && matches!(c, '\n' | '\t');
    if !s.chars().any(|c| is_control(c) && !kept(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if kept(c) => out.push(c),
            c if (c as u32) < 0x100 && is_control(c) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_control(c) => {
                let _ = write!(out, "\\u{{{:04x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A one-line field as stored: refused when it holds a line break or is
/// too long, and without control characters (see [`clean_line`]).
pub(crate) fn checked_line(
    field: &'static str,
    value: &str,
    max_chars: usize,
    errors: &mut Vec<FieldError>,
) -> String {
    if value.trim().contains(['\n', '\r']) {
        errors.push(FieldError::new(field, "must be a single line"));
    }
    let value = clean_line(value).trim().to_string();
    let n = value.chars().count();
    if n > max_chars {
        errors.push(FieldError::new(
            field,
            format!("is {n} characters; the limit is {max_chars}"),
        ));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_and_bidi_overrides_are_dropped_from_lines() {
        assert_eq!(
            clean_line("\u{1b}]0;pwned\u{7}Quake\u{1b}[2J hits\tcoast \u{202e}txt.exe"),
            "]0;pwnedQuake[2J hits coast txt.exe"
        );
        assert_eq!(clean_line("a\u{85}b\u{9b}c\u{2066}d\u{2069}"), "abcd");
        assert!(matches!(
            clean_line("Plain — “text” 中文"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn body_text_keeps_line_feeds_only() {
        assert_eq!(
            clean_block("one\r\ntwo\u{1b}[2J\n\tthree"),
            "one\ntwo[2J\n three"
        );
    }

    #[test]
    fn escaping_makes_controls_visible() {
        assert_eq!(
            escape_controls("\u{1b}[2Jx\u{7}\u{202e}y\nz", false),
            "\\x1b[2Jx\\x07\\u{202e}y\\x0az"
        );
        assert_eq!(escape_controls("a\nb\u{9b}\tc", true), "a\nb\\x9b\tc");
        assert!(matches!(escape_controls("fine", false), Cow::Borrowed(_)));
    }
}
