//! HTML in and out, for every story form and feed: the one reader that
//! turns a fragment or page into paragraphs and subheads, and the one
//! escape that writes text into it.
//!
//! Every piece of HTML goes through ammonia (html5ever's HTML5 parser)
//! first, configured to keep only the elements that give a body its
//! structure, with no attributes, and to drop `script`, `style`,
//! `iframe` and the like together with their content. What ammonia
//! serialises is regular — bare tags and text escaped with a handful of
//! references — so reading paragraphs and subheads out of it is exact,
//! no tag or entity from the input survives into story text, and hostile
//! markup costs no more than html5ever's parse of it.
//!
//! Structure: `h1`–`h4` become subheads; `p`, `li`, `blockquote`, `div`
//! and the other block elements end a paragraph; `br` is a paragraph
//! break; table cells are separated by a space. Runs of HTML white space
//! collapse to one space as a browser shows them; a no-break space stays.
//! Story text never holds such runs ([`crate::StoryDraft::validate`]
//! collapses them), so [`escape`]d text reads back exactly.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::model::Block;
use crate::text::collapse_html_space;

/// Elements that end one paragraph and start the next.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "h5",
    "h6",
    "hr",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "main",
    "nav",
    "figure",
    "figcaption",
    "table",
    "caption",
    "tr",
    "address",
    "details",
    "summary",
];

/// Headings that become subheads.
const SUBHEADS: &[&str] = &["h1", "h2", "h3", "h4"];

/// Elements dropped with everything inside them.
const DROPPED: &[&str] = &[
    "script", "style", "iframe", "noscript", "template", "object", "embed", "applet", "svg",
    "math", "head", "title", "audio", "video", "canvas", "select", "textarea", "button", "form",
];

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut keep: HashSet<&'static str> = BLOCKS.iter().chain(SUBHEADS).copied().collect();
    keep.extend(["br", "td", "th"]);
    let mut b = ammonia::Builder::empty();
    b.tags(keep)
        .clean_content_tags(DROPPED.iter().copied().collect())
        .generic_attributes(HashSet::new())
        .tag_attributes(Default::default())
        .link_rel(None)
        .strip_comments(true);
    b
});

/// The paragraphs and subheads of an HTML fragment or page.
pub fn blocks(html: &str) -> Vec<Block> {
    let clean = CLEANER.clean(html).to_string();
    let mut w = BlockWriter::default();
    let mut rest = clean.as_str();
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(end) = rest.find('>')
        {
            w.tag(&rest[1..end]);
            rest = &rest[end + 1..];
        } else if c == '&'
            && let Some((decoded, len)) = reference(rest)
        {
            w.push(decoded);
            rest = &rest[len..];
        } else {
            w.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    w.flush();
    w.out
}

/// Blocks joined by single spaces.
pub fn join(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(b.text());
    }
    out
}

/// True when text that should be plain carries markup or character
/// references — which RSS titles, ninjs bodies without a content type and
/// feed descriptions often do.
pub fn looks_like_html(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| match b {
        b'<' => {
            let rest = &bytes[i + 1..];
            let rest = rest.strip_prefix(b"/").unwrap_or(rest);
            let name = rest
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
            name > 0
                && rest[0].is_ascii_alphabetic()
                && matches!(rest.get(name), Some(b'>' | b' ' | b'/' | b'\t' | b'\n'))
        }
        b'&' => reference_name_len(&bytes[i + 1..]).is_some(),
        _ => false,
    })
}

/// `&name;`, `&#123;` or `&#x1F;` at the start of `bytes` (after the `&`):
/// its length up to and including the `;`.
fn reference_name_len(bytes: &[u8]) -> Option<usize> {
    let semi = bytes.iter().take(12).position(|&b| b == b';')?;
    let body = &bytes[..semi];
    let ok = match body {
        [b'#', b'x' | b'X', hex @ ..] => !hex.is_empty() && hex.iter().all(u8::is_ascii_hexdigit),
        [b'#', digits @ ..] => !digits.is_empty() && digits.iter().all(u8::is_ascii_digit),
        name => name.len() >= 2 && name.iter().all(u8::is_ascii_alphanumeric),
    };
    ok.then_some(semi + 1)
}

/// Decodes the references html5ever's serialiser writes in text.
fn reference(s: &str) -> Option<(char, usize)> {
    const KNOWN: &[(&str, char)] = &[
        ("&amp;", '&'),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&nbsp;", '\u{A0}'),
        ("&#39;", '\''),
    ];
    KNOWN
        .iter()
        .find(|(name, _)| s.starts_with(name))
        .map(|&(name, c)| (c, name.len()))
}

#[derive(Default)]
struct BlockWriter {
    out: Vec<Block>,
    buf: String,
    in_subhead: bool,
}

impl BlockWriter {
    fn push(&mut self, c: char) {
        self.buf.push(c);
    }

    /// `inner` is what lies between `<` and `>`: `p`, `/h2`, `br` …
    fn tag(&mut self, inner: &str) {
        let closing = inner.starts_with('/');
        let name = inner
            .trim_start_matches('/')
            .split(|c: char| c.is_ascii_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if SUBHEADS.contains(&name.as_str()) {
            self.flush();
            self.in_subhead = !closing;
        } else if name == "td" || name == "th" {
            self.buf.push(' ');
        } else {
            // Every other element ammonia lets through is a block or `br`.
            self.flush();
        }
    }

    fn flush(&mut self) {
        let text = collapse_html_space(&self.buf);
        self.buf.clear();
        if text.is_empty() {
            return;
        }
        self.out.push(if self.in_subhead {
            Block::Subhead(text)
        } else {
            Block::Paragraph(text)
        });
    }
}

/// The text of an HTML fragment on one line: its blocks joined by spaces.
pub fn text(html: &str) -> String {
    join(&blocks(html))
}

/// Escapes text for an HTML element: `&`, `<` and `>` become references
/// (quick-xml's escaping), so [`blocks`] reads the text back unchanged.
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::partial_escape(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(s: &str) -> Block {
        Block::Paragraph(s.into())
    }

    #[test]
    fn structure_becomes_paragraphs_and_subheads() {
        let html = "<html><head><title>Ignored title</title><style>p{}</style></head><body>\
            <p>First <b>bold</b>\n  para.</p><h2 class=x>Sub <i>head</i></h2>\
            <div>Line one<br/>Line two</div><ul><li>Item one</li><li>Item two</li></ul>\
            <blockquote>Quoted</blockquote><h5>Small heading</h5>\
            <table><tr><td>a</td><td>b</td></tr></table></body></html>";
        assert_eq!(
            blocks(html),
            vec![
                para("First bold para."),
                Block::Subhead("Sub head".into()),
                para("Line one"),
                para("Line two"),
                para("Item one"),
                para("Item two"),
                para("Quoted"),
                para("Small heading"),
                para("a b"),
            ]
        );
    }

    #[test]
    fn scripts_styles_and_iframes_vanish_with_their_content() {
        let html = "<p>Before<script>alert('x')</script><style>p{color:red}</style>\
            <iframe src=\"https://evil.invalid\">frame text</iframe> after</p>\
            <img src=x onerror=alert(1)><svg><text>svg text</text></svg>";
        assert_eq!(blocks(html), vec![para("Before after")]);
    }

    #[test]
    fn references_are_decoded_and_no_markup_survives() {
        let html =
            "<p>Caf&eacute; &amp; bar &#8212; &#x263A; &lt;tag&gt; AT&amp;T 10&nbsp;km &shy;</p>";
        assert_eq!(
            blocks(html),
            vec![para("Café & bar — ☺ <tag> AT&T 10\u{A0}km \u{AD}")]
        );
        // Broken markup and stray markup characters still yield only text.
        let soup = "<p>unclosed <b>bold <a href='javascript:x'>link <p>next";
        assert_eq!(blocks(soup), vec![para("unclosed bold link"), para("next")]);
        assert_eq!(
            blocks("a < b && c > d; x<3 &bogus; <!-- <p>hidden</p> -->"),
            vec![para("a < b && c > d; x<3 &bogus;")]
        );
    }

    #[test]
    fn escaped_text_reads_back_exactly() {
        let samples = [
            "Plain text.",
            "Single spaces, \"quotes\" & 'apostrophes' <not tags> &amp; already escaped",
            "Ünïcödé — “curly” 中文 😀 10\u{A0}km",
        ];
        for s in samples {
            let html = format!("<p>{}</p>", escape(s));
            assert_eq!(blocks(&html), vec![para(s)], "{html}");
        }
    }

    #[test]
    fn markup_is_sniffed_in_would_be_plain_text() {
        assert!(looks_like_html("<p>x</p>"));
        assert!(looks_like_html("one<br>two"));
        assert!(looks_like_html("Blog &#8211; InfluxData"));
        assert!(looks_like_html("a <b>bold</b> claim"));
        assert!(looks_like_html("Caf&eacute;"));
        assert!(!looks_like_html("AT&T rises 5% & x<y"));
        assert!(!looks_like_html("3 < 4 and 5 > 2"));
    }
}
