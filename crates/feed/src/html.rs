//! Feed HTML and text into story paragraphs: the reader is
//! [`newsterm_story::html`]; feeds add plain-text bodies split at blank
//! lines, and collapse every kind of white space (a no-break space
//! included) and drop control characters, since feed text is messy.

use newsterm_story::Block;
use newsterm_story::text::collapse;

pub(crate) use newsterm_story::html::{join, looks_like_html};

/// The paragraphs and subheads of an HTML fragment, feed-clean.
pub(crate) fn blocks(html: &str) -> Vec<Block> {
    newsterm_story::html::blocks(html)
        .into_iter()
        .filter_map(|b| {
            let text = collapse(b.text());
            match b {
                _ if text.is_empty() => None,
                Block::Paragraph(_) => Some(Block::Paragraph(text)),
                Block::Subhead(_) => Some(Block::Subhead(text)),
            }
        })
        .collect()
}

/// Paragraphs of plain text: split at blank lines, white space collapsed.
pub(crate) fn plain_blocks(text: &str) -> Vec<Block> {
    text.split("\n\n")
        .flat_map(|chunk| chunk.split("\r\n\r\n"))
        .map(collapse)
        .filter(|p| !p.is_empty())
        .map(Block::Paragraph)
        .collect()
}

/// Paragraphs of text that is declared plain: split like
/// [`plain_blocks`], with character references decoded but `<` and `>`
/// kept as the characters they are.
pub(crate) fn text_blocks(text: &str) -> Vec<Block> {
    plain_blocks(text)
        .into_iter()
        .map(|b| {
            let t = b.text();
            if !t.contains('&') {
                return b;
            }
            let escaped = t.replace('<', "&lt;").replace('>', "&gt;");
            Block::Paragraph(join(&blocks(&escaped)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(s: &str) -> Block {
        Block::Paragraph(s.into())
    }

    #[test]
    fn feed_html_loses_no_break_spaces_and_controls() {
        let html = "<p>AT&amp;T &nbsp;x\u{1}y</p><p>&nbsp;</p><h2>Sub&nbsp;head</h2>";
        assert_eq!(
            blocks(html),
            vec![para("AT&T xy"), Block::Subhead("Sub head".into())]
        );
    }

    #[test]
    fn plain_text_splits_at_blank_lines() {
        assert_eq!(
            plain_blocks("One\nline.\n\n  Two\t here \n\n\n"),
            vec![para("One line."), para("Two here")]
        );
    }

    #[test]
    fn declared_text_keeps_angle_brackets_but_decodes_references() {
        assert_eq!(
            text_blocks("Use <b> for bold&nbsp;&amp; &lt;i&gt;\n\nNext"),
            vec![para("Use <b> for bold & <i>"), para("Next")]
        );
    }
}
