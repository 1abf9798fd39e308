//! HTML text in and out, for ninjs bodies and descriptions.
//!
//! This is not a general HTML parser: it reads the structure a news body
//! has (paragraphs, headings, line breaks, list items, divisions), drops
//! every other tag and everything inside `script`, `style` and `head`,
//! collapses white space as a browser does and decodes character
//! references. No tree is built and nothing is fetched or expanded, so
//! hostile markup costs no more than its length.
//!
//! [`escape`] writes text so that [`blocks`] reads back exactly the same
//! characters, white space included.

use std::fmt::Write;

use crate::model::Block;

/// The paragraphs and subheads (`h1`–`h6`) of an HTML fragment or page.
pub(crate) fn blocks(html: &str) -> Vec<Block> {
    let mut w = BlockWriter::default();
    let mut i = 0;
    while i < html.len() {
        let rest = &html[i..];
        if let Some(after) = rest.strip_prefix("<!--") {
            i += 4 + after.find("-->").map_or(after.len(), |end| end + 3);
            continue;
        }
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after.find("]]>").unwrap_or(after.len());
            for c in after[..end].chars() {
                w.push(c, true);
            }
            i += 9 + (end + 3).min(after.len());
            continue;
        }
        if rest.starts_with('<')
            && let Some((tag, len)) = Tag::at(rest)
        {
            w.tag(&tag);
            i += len;
            continue;
        }
        if rest.starts_with('&')
            && let Some((decoded, len)) = character_reference(rest)
        {
            w.push(decoded, false);
            i += len;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        w.push(c, true);
        i += c.len_utf8();
    }
    w.flush();
    w.out
}

/// The text of an HTML fragment on one line: its blocks joined by spaces.
pub(crate) fn text(html: &str) -> String {
    let mut out = String::new();
    for b in blocks(html) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(b.text());
    }
    out
}

/// True when a body without a declared content type looks like markup.
pub(crate) fn looks_like_html(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.trim_start().starts_with('<')
        || ["</", "<br", "<p>", "<p ", "<div"]
            .iter()
            .any(|m| lower.contains(m))
}

/// Escapes text for an HTML element so that [`blocks`] gives it back
/// unchanged: markup characters become references, and so does any white
/// space a browser would collapse or drop (a second space in a run, a
/// space at either end, tabs and line breaks).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut after_literal_space = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let is_last = chars.peek().is_none();
        let mut literal_space = false;
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            ' ' if !(after_literal_space || is_last) => {
                out.push(' ');
                literal_space = true;
            }
            ' ' | '\t' | '\n' | '\r' | '\x0C' => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            c => out.push(c),
        }
        after_literal_space = literal_space;
    }
    out
}

/// Tags whose content is not text a reader sees.
const SKIPPED: &[&str] = &["script", "style", "head", "title", "template", "noscript"];

/// Tags that end one block of text and start another.
const BLOCK_BREAKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "hr",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "nav",
    "main",
    "blockquote",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "caption",
    "pre",
    "address",
    "details",
    "summary",
    "body",
    "html",
];

/// Tags that separate words without ending a block.
const WORD_BREAKS: &[&str] = &["td", "th"];

#[derive(Default)]
struct BlockWriter {
    out: Vec<Block>,
    buf: String,
    /// The last character in `buf` is a collapsed run of white space.
    last_space: bool,
    in_heading: bool,
    /// Inside a skipped element: its name, until its end tag.
    skipping: Option<String>,
}

impl BlockWriter {
    /// Adds a character; `literal` white space (as written in the markup,
    /// not from a reference) collapses to one space between words.
    fn push(&mut self, c: char, literal: bool) {
        if self.skipping.is_some() {
            return;
        }
        if literal && is_html_space(c) {
            if !self.buf.is_empty() && !self.last_space {
                self.buf.push(' ');
                self.last_space = true;
            }
            return;
        }
        self.buf.push(c);
        self.last_space = false;
    }

    fn tag(&mut self, tag: &Tag) {
        if let Some(skipped) = &self.skipping {
            if tag.closing && tag.name == *skipped {
                self.skipping = None;
            }
            return;
        }
        let name = tag.name.as_str();
        if SKIPPED.contains(&name) {
            if !tag.closing && !tag.self_closing {
                self.skipping = Some(tag.name.clone());
            }
        } else if is_heading(name) {
            self.flush();
            self.in_heading = !tag.closing;
        } else if BLOCK_BREAKS.contains(&name) {
            self.flush();
        } else if WORD_BREAKS.contains(&name) {
            self.push(' ', true);
        }
    }

    fn flush(&mut self) {
        if self.last_space {
            self.buf.pop();
            self.last_space = false;
        }
        // A line break from a character reference reads as a space, like
        // every other line break inside a paragraph.
        let text = self.buf.replace(['\r', '\n'], " ");
        self.buf.clear();
        if text.trim().is_empty() {
            return;
        }
        self.out.push(if self.in_heading {
            Block::Subhead(text)
        } else {
            Block::Paragraph(text)
        });
    }
}

fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C')
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

struct Tag {
    /// Lower-cased; empty for `<!DOCTYPE …>` and `<?…?>`.
    name: String,
    closing: bool,
    self_closing: bool,
}

impl Tag {
    /// The tag at the start of `s` (which starts with `<`) and its length
    /// in bytes, or `None` when the `<` is just a character.
    fn at(s: &str) -> Option<(Tag, usize)> {
        let bytes = s.as_bytes();
        let (closing, name_start) = match bytes.get(1)? {
            b'/' => (true, 2),
            b'!' | b'?' => (false, 1),
            b if b.is_ascii_alphabetic() => (false, 1),
            _ => return None,
        };
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if closing && name_len == 0 {
            return None;
        }
        // Find the closing `>`, skipping any inside quoted attribute values.
        let mut quote = None;
        let mut end = None;
        for (i, &b) in bytes.iter().enumerate().skip(name_start + name_len) {
            match (quote, b) {
                (Some(q), _) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(b),
                (None, b'>') => {
                    end = Some(i);
                    break;
                }
                (None, _) => {}
            }
        }
        let end = end?;
        let name = s[name_start..name_start + name_len].to_ascii_lowercase();
        let self_closing = end > 0 && bytes[end - 1] == b'/';
        Some((
            Tag {
                name,
                closing,
                self_closing,
            },
            end + 1,
        ))
    }
}

/// Decodes the character reference at the start of `s` (which starts
/// with `&`): `&#233;`, `&#xE9;` or a named one such as `&eacute;`.
/// Unknown names and bad numbers leave the `&` as a character.
fn character_reference(s: &str) -> Option<(char, usize)> {
    let semi = s.as_bytes().iter().take(33).position(|&b| b == b';')?;
    let body = &s[1..semi];
    let c = if let Some(num) = body.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        match char::from_u32(code) {
            Some('\0') | None => char::REPLACEMENT_CHARACTER,
            Some(c) => c,
        }
    } else {
        named_reference(body)?
    };
    Some((c, semi + 1))
}

fn named_reference(name: &str) -> Option<char> {
    if let Some(i) = LATIN1.iter().position(|n| *n == name) {
        // LATIN1 lists U+00A0..=U+00FF in order; the index fits in a u32.
        return char::from_u32(0xA0 + i as u32);
    }
    OTHER_NAMED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, c)| c)
}

/// HTML 4 names of U+00A0 to U+00FF, in code-point order.
const LATIN1: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
    "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
    "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
    "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
    "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
    "uuml", "yacute", "thorn", "yuml",
];

/// The other named references news markup uses.
const OTHER_NAMED: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("OElig", 'Œ'),
    ("oelig", 'œ'),
    ("Scaron", 'Š'),
    ("scaron", 'š'),
    ("Yuml", 'Ÿ'),
    ("fnof", 'ƒ'),
    ("circ", 'ˆ'),
    ("tilde", '˜'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("thinsp", '\u{2009}'),
    ("zwnj", '\u{200C}'),
    ("zwj", '\u{200D}'),
    ("lrm", '\u{200E}'),
    ("rlm", '\u{200F}'),
    ("ndash", '–'),
    ("mdash", '—'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("sbquo", '‚'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("bdquo", '„'),
    ("dagger", '†'),
    ("Dagger", '‡'),
    ("bull", '•'),
    ("hellip", '…'),
    ("permil", '‰'),
    ("prime", '′'),
    ("Prime", '″'),
    ("lsaquo", '‹'),
    ("rsaquo", '›'),
    ("euro", '€'),
    ("trade", '™'),
    ("minus", '−'),
    ("larr", '←'),
    ("rarr", '→'),
    ("uarr", '↑'),
    ("darr", '↓'),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn para(s: &str) -> Block {
        Block::Paragraph(s.to_string())
    }

    #[test]
    fn structure_becomes_paragraphs_and_subheads() {
        let html = "<html><head><title>Ignored title</title><style>p{}</style></head>\
            <body><p>First <b>bold</b>\n   para.</p><h2>Sub&shy;head</h2>\
            <div>Line one<br/>Line two</div><ul><li>Item</li></ul>\
            <script>alert('x')</script><p>Caf&eacute; &amp; bar &#8212; &#x263A; &lt;tag&gt;</p></body></html>";
        assert_eq!(
            blocks(html),
            vec![
                para("First bold para."),
                Block::Subhead("Sub\u{AD}head".into()),
                para("Line one"),
                para("Line two"),
                para("Item"),
                para("Café & bar — ☺ <tag>"),
            ]
        );
    }

    #[test]
    fn stray_markup_characters_stay_text() {
        assert_eq!(
            blocks("a < b && c > d; x<3 &bogus; &#99999999;"),
            vec![para("a < b && c > d; x<3 &bogus; \u{FFFD}")]
        );
        assert_eq!(
            blocks("<p title=\"a>b\">quoted</p><!-- <p>hidden</p> -->"),
            vec![para("quoted")]
        );
    }

    #[test]
    fn escaped_text_reads_back_exactly() {
        let samples = [
            "Plain text.",
            "Double  spaces,\ttabs and \"quotes\" & 'apostrophes' <not tags>",
            "   leading and trailing   ",
            "Ünïcödé — “curly” 中文 😀 &amp; already escaped",
        ];
        for s in samples {
            let html = format!("<p>{}</p>", escape(s));
            assert_eq!(blocks(&html), vec![para(s)], "{html}");
        }
    }

    #[test]
    fn sniffs_markup() {
        assert!(looks_like_html("<p>x</p>"));
        assert!(looks_like_html("one<br>two"));
        assert!(!looks_like_html("a < b and c > d"));
    }
}
