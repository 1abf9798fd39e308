//! Plain text into story text: paragraphs split at blank lines, and line
//! breaks inside a paragraph or a one-line field read as spaces.
//!
//! Every parser in this crate passes its text through here, so no
//! paragraph it produces contains a line break — which is what lets every
//! form write a paragraph on one line and read it back unchanged.

/// Joins the lines of `text` with single spaces, dropping the white space
/// at each line's ends and blank lines.
pub(crate) fn join_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// Splits `text` into paragraphs at blank (or white-space-only) lines;
/// each paragraph's lines are joined with [`join_lines`].
pub(crate) fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_split_and_single_newlines_join() {
        let text = "Friday, January 4, 2019\n\nFirst line\r\nsecond  line\n \t\nLast.\n";
        assert_eq!(
            paragraphs(text),
            [
                "Friday, January 4, 2019",
                "First line second  line",
                "Last."
            ]
        );
        assert_eq!(join_lines(" a \n\n b\n"), "a b");
        assert!(paragraphs("\n \n").is_empty());
    }
}
