//! The checks every feed document passes before a parser sees it: a size
//! cap, a known encoding that the bytes really are in, and no entity
//! declarations.
//!
//! Encoding: the byte-order mark decides first (UTF-8, UTF-16 LE/BE), then
//! UTF-16 recognised from its first bytes, then the XML declaration's
//! `encoding`, else UTF-8. The document is transcoded to UTF-8 here,
//! strictly — a byte that is not valid in the encoding is an error naming
//! its offset, never a silent replacement character — and the XML
//! declaration is dropped so the parser reads the text as the UTF-8 it now
//! is. (feed-rs would decode the declared encoding itself, but lossily.)
//! A `charset` from HTTP is not consulted: feeds on the open web declare
//! their encoding in the document far more reliably than servers label it.
//! UTF-32 is refused.
//!
//! Entities: quick-xml, under feed-rs, neither expands declared entities
//! nor fetches external ones — an undeclared reference comes through as
//! its literal `&name;`. A DOCTYPE that declares entities is refused all
//! the same, so that no future parser change can turn a feed into a
//! billion-laughs bomb or a file read, and no `&name;` soup reaches text.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use crate::error::FeedError;

/// Which grammar the checked text is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    Xml,
    Json,
}

/// A document that passed every check: UTF-8 text without a byte-order
/// mark or an XML declaration.
#[derive(Debug)]
pub(crate) struct Checked {
    pub text: String,
    pub syntax: Syntax,
}

/// Runs every check on `bytes`, refusing documents over `max_bytes`.
pub(crate) fn check(bytes: &[u8], max_bytes: usize) -> Result<Checked, FeedError> {
    if bytes.len() > max_bytes {
        return Err(FeedError::TooLarge {
            bytes: Some(bytes.len() as u64),
            limit: max_bytes as u64,
        });
    }
    let text = decode(bytes)?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    let syntax = match text.trim_start().chars().next() {
        Some('<') => Syntax::Xml,
        Some('{' | '[') => Syntax::Json,
        Some(_) => {
            return Err(FeedError::NotAFeed(
                "it is neither XML nor JSON (it does not start with `<`, `{` or `[`)".into(),
            ));
        }
        None => return Err(FeedError::NotAFeed("the document is empty".into())),
    };
    if syntax == Syntax::Json {
        return Ok(Checked {
            text: text.to_string(),
            syntax,
        });
    }
    let text = without_xml_declaration(text.trim_start());
    if declares_entities(text) {
        return Err(FeedError::EntityDeclarations);
    }
    Ok(Checked {
        text: text.to_string(),
        syntax,
    })
}

/// The document as UTF-8, or an error naming the encoding and the offset
/// of the first byte that is not valid in it.
fn decode(bytes: &[u8]) -> Result<String, FeedError> {
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0])
        || bytes.starts_with(&[0, 0, 0xFE, 0xFF])
        || bytes.starts_with(&[0x3C, 0, 0, 0])
        || bytes.starts_with(&[0, 0, 0, 0x3C])
    {
        return Err(FeedError::Encoding(
            "feed is in UTF-32, which is not supported: send UTF-8 or UTF-16".into(),
        ));
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return strict(
            encoding,
            &bytes[bom_len..],
            bom_len,
            "its byte-order mark says",
        );
    }
    if bytes.starts_with(&[0, 0x3C]) {
        return strict(UTF_16BE, bytes, 0, "its first bytes say");
    }
    if bytes.starts_with(&[0x3C, 0]) {
        return strict(UTF_16LE, bytes, 0, "its first bytes say");
    }
    let Some(label) = declared_encoding(bytes) else {
        return strict(UTF_8, bytes, 0, "it declares no encoding, so it must be");
    };
    let Some(encoding) = Encoding::for_label(label.as_bytes()) else {
        let hint = if label.to_ascii_lowercase().contains("32") {
            ", and UTF-32 is not supported"
        } else {
            ""
        };
        return Err(FeedError::Encoding(format!(
            "feed declares encoding `{}`, which is not an encoding newsterm knows{hint}",
            label.chars().take(40).collect::<String>()
        )));
    };
    if encoding == UTF_16LE || encoding == UTF_16BE {
        return Err(FeedError::Encoding(format!(
            "feed declares encoding `{label}` but is not UTF-16 (it has no byte-order mark and its first bytes are ASCII)"
        )));
    }
    strict(encoding, bytes, 0, "it declares")
}

/// Decodes without replacement characters: the first invalid byte is an
/// error naming where it is. `skipped` is the length of a byte-order mark
/// already removed, so offsets count from the start of the file.
fn strict(
    encoding: &'static Encoding,
    bytes: &[u8],
    skipped: usize,
    why: &str,
) -> Result<String, FeedError> {
    if encoding == UTF_8 {
        return match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_string()),
            Err(e) => Err(invalid(encoding, bytes, e.valid_up_to(), skipped, why)),
        };
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .ok_or_else(|| FeedError::Encoding("feed is too large to transcode".into()))?;
    let mut out = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(out),
        encoding_rs::DecoderResult::Malformed(bad, after) => {
            let at = read.saturating_sub(usize::from(bad) + usize::from(after));
            Err(invalid(encoding, bytes, at, skipped, why))
        }
        // The buffer was sized for the worst case, so this cannot happen;
        // refuse rather than return half a document.
        encoding_rs::DecoderResult::OutputFull => Err(FeedError::Encoding(format!(
            "feed could not be transcoded from {}",
            encoding.name()
        ))),
    }
}

fn invalid(
    encoding: &'static Encoding,
    bytes: &[u8],
    at: usize,
    skipped: usize,
    why: &str,
) -> FeedError {
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let byte = bytes.get(at).copied().unwrap_or_default();
    FeedError::Encoding(format!(
        "feed is not valid {name} ({why} {name}): byte 0x{byte:02X} at offset {offset} (line {line}) is not {name} text",
        name = encoding.name(),
        offset = at + skipped,
    ))
}

/// The `encoding` of an XML declaration at the start of an
/// ASCII-compatible document.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = bytes[start..].strip_prefix(b"<?xml")?;
    let end = rest.windows(2).take(512).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&rest[..end]).ok()?;
    let after = &decl[decl.find("encoding")? + "encoding".len()..];
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &after[1..];
    Some(value[..value.find(quote)?].trim().to_string())
}

/// Drops `<?xml …?>`: the text is UTF-8 now, whatever it declared.
fn without_xml_declaration(text: &str) -> &str {
    match text.strip_prefix("<?xml") {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_whitespace() || c == '?') => {
            rest.find("?>").map_or(text, |end| &rest[end + 2..])
        }
        _ => text,
    }
}

/// True when the prolog holds a DOCTYPE whose internal subset declares
/// an entity (general or parameter, internal or external).
fn declares_entities(text: &str) -> bool {
    match prolog_item(text) {
        PrologItem::Doctype(at) => doctype_declares_entities(&text.as_bytes()[at + 9..]),
        PrologItem::Root(_) | PrologItem::Nothing => false,
    }
}

/// Where the root element's start tag begins, after the prolog.
pub(crate) fn root_start(text: &str) -> Option<usize> {
    let mut offset = 0;
    loop {
        match prolog_item(&text[offset..]) {
            PrologItem::Root(at) => return Some(offset + at),
            PrologItem::Doctype(at) => {
                let doctype = &text.as_bytes()[offset + at..];
                offset += at + doctype_len(doctype)?;
            }
            PrologItem::Nothing => return None,
        }
    }
}

enum PrologItem {
    /// A DOCTYPE starts at this byte offset.
    Doctype(usize),
    /// The root element starts at this byte offset.
    Root(usize),
    Nothing,
}

/// Skips white space, processing instructions and comments to the first
/// DOCTYPE or element.
fn prolog_item(text: &str) -> PrologItem {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        let at = text.len() - rest.len();
        if let Some(r) = rest.strip_prefix("<?") {
            match r.find("?>") {
                Some(end) => rest = &r[end + 2..],
                None => return PrologItem::Nothing,
            }
        } else if let Some(r) = rest.strip_prefix("<!--") {
            match r.find("-->") {
                Some(end) => rest = &r[end + 3..],
                None => return PrologItem::Nothing,
            }
        } else if starts_with_ignore_case(rest.as_bytes(), b"<!DOCTYPE") {
            return PrologItem::Doctype(at);
        } else if rest.starts_with('<') {
            return PrologItem::Root(at);
        } else {
            return PrologItem::Nothing;
        }
    }
}

/// Length of the DOCTYPE declaration at the start of `doctype`.
fn doctype_len(doctype: &[u8]) -> Option<usize> {
    let mut in_subset = false;
    let mut i = 0;
    while i < doctype.len() {
        match doctype[i] {
            q @ (b'"' | b'\'') => i += doctype[i + 1..].iter().position(|&b| b == q)? + 1,
            b'[' if !in_subset => in_subset = true,
            b']' if in_subset => in_subset = false,
            b'>' if !in_subset => return Some(i + 1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn doctype_declares_entities(doctype: &[u8]) -> bool {
    let mut in_subset = false;
    let mut i = 0;
    while i < doctype.len() {
        match doctype[i] {
            q @ (b'"' | b'\'') => {
                // A quoted literal: skip it whole, whatever it contains.
                match doctype[i + 1..].iter().position(|&b| b == q) {
                    Some(len) => i += len + 1,
                    None => return false,
                }
            }
            b'[' if !in_subset => in_subset = true,
            b']' if in_subset => in_subset = false,
            b'>' if !in_subset => return false,
            b'<' if in_subset => {
                let here = &doctype[i..];
                if here.starts_with(b"<!--") {
                    match here.windows(3).position(|w| w == b"-->") {
                        Some(end) => i += end + 2,
                        None => return false,
                    }
                } else if starts_with_ignore_case(here, b"<!ENTITY") {
                    return true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

fn starts_with_ignore_case(haystack: &[u8], prefix: &[u8]) -> bool {
    haystack.len() >= prefix.len() && haystack[..prefix.len()].eq_ignore_ascii_case(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAP: usize = 10 * 1024 * 1024;

    fn err(bytes: &[u8]) -> String {
        check(bytes, CAP).unwrap_err().to_string()
    }

    #[test]
    fn size_cap_is_checked_before_anything_else() {
        let e = check(&[b' '; 2000], 1000).unwrap_err();
        assert_eq!(
            e,
            FeedError::TooLarge {
                bytes: Some(2000),
                limit: 1000
            }
        );
    }

    #[test]
    fn billion_laughs_and_xxe_are_refused() {
        let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss version="2.0"><channel><title>&lol3;</title></channel></rss>"#;
        assert!(err(laughs.as_bytes()).contains("entity declarations are not allowed"));
        let xxe = "<!-- c --><!doctype rss [<!entity xxe SYSTEM \"file:///etc/passwd\">]><rss/>";
        assert!(err(xxe.as_bytes()).contains("entity declarations are not allowed"));
        let parameter = "<!DOCTYPE r [ <!ENTITY % p SYSTEM \"http://x.invalid/e.dtd\"> %p; ]><r/>";
        assert!(err(parameter.as_bytes()).contains("entity declarations"));
    }

    #[test]
    fn harmless_doctypes_pass() {
        let netscape = r#"<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>t</title></channel></rss>"#;
        assert!(check(netscape.as_bytes(), CAP).is_ok());
        // An entity declaration mentioned inside a literal or a comment,
        // or in the body after the prolog, declares nothing.
        let literal = r#"<!DOCTYPE x PUBLIC "<!ENTITY in a literal" "u" [ <!-- <!ENTITY no> --> ]><x><![CDATA[<!ENTITY text>]]></x>"#;
        assert!(check(literal.as_bytes(), CAP).is_ok());
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        let mut bytes = b"<rss version=\"2.0\">\n<title>Caf".to_vec();
        bytes.push(0xE9);
        bytes.extend_from_slice(b"</title></rss>");
        let e = err(&bytes);
        assert!(e.contains("not valid UTF-8"), "{e}");
        assert!(e.contains("0xE9 at offset 30 (line 2)"), "{e}");
    }

    #[test]
    fn declared_encodings_are_transcoded() {
        let mut bytes = b"<?xml version='1.0' encoding='ISO-8859-1'?><rss><title>Caf".to_vec();
        bytes.push(0xE9);
        bytes.extend_from_slice(b"</title></rss>");
        let checked = check(&bytes, CAP).unwrap();
        assert_eq!(checked.text, "<rss><title>Café</title></rss>");
        assert_eq!(checked.syntax, Syntax::Xml);
    }

    #[test]
    fn a_wrong_declared_encoding_is_named() {
        // Latin-1 bytes declared as Shift_JIS: 0xE9 0x3C is no Shift_JIS pair.
        let mut bytes = b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><rss><title>Caf".to_vec();
        bytes.push(0xE9);
        bytes.extend_from_slice(b"</title></rss>");
        let e = err(&bytes);
        assert!(e.contains("not valid Shift_JIS"), "{e}");
        let e = err(b"<?xml version=\"1.0\" encoding=\"klingon-8\"?><rss/>");
        assert!(e.contains("`klingon-8`"), "{e}");
        let e = err(b"<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss/>");
        assert!(e.contains("is not UTF-16"), "{e}");
    }

    #[test]
    fn utf16_is_read_with_or_without_a_byte_order_mark() {
        let doc = "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss><title>Ünï</title></rss>";
        let le: Vec<u8> = doc.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = doc.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let mut le_bom = vec![0xFF, 0xFE];
        le_bom.extend_from_slice(&le);
        for bytes in [le, be, le_bom] {
            assert_eq!(
                check(&bytes, CAP).unwrap().text,
                "<rss><title>Ünï</title></rss>"
            );
        }
        assert!(err(&[0xFF, 0xFE, 0, 0, b'<', 0, 0, 0]).contains("UTF-32"));
    }

    #[test]
    fn feedparser_encoding_cases_decode_or_name_the_problem() {
        let dir = crate::test_data::feeds().join("feedparser/encoding");
        let mut decoded = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            // Cases whose right answer depends on an HTTP charset header,
            // which newsterm does not consult.
            if name.starts_with("http_") || name.starts_with("bozo_http") {
                continue;
            }
            let result = check(&std::fs::read(&path).unwrap(), CAP);
            if name.contains("32") {
                assert!(result.unwrap_err().to_string().contains("UTF-32"), "{name}");
            } else if name.starts_with("bozo_") && name != "bozo_double-encoded-html.xml" {
                assert!(
                    matches!(result, Err(FeedError::Encoding(_))),
                    "{name}: {result:?}"
                );
            } else {
                let text = result.unwrap_or_else(|e| panic!("{name}: {e}")).text;
                assert!(!text.contains('\u{FFFD}'), "{name}");
                decoded += 1;
            }
        }
        assert!(decoded >= 20, "only {decoded} decoded");
        // Legacy-charset files that declare no encoding are not UTF-8.
        let chardet = crate::test_data::feeds().join("feedparser/illformed/chardet");
        for entry in std::fs::read_dir(chardet).unwrap() {
            let e = check(&std::fs::read(entry.unwrap().path()).unwrap(), CAP).unwrap_err();
            assert!(e.to_string().contains("not valid UTF-8"), "{e}");
        }
    }

    #[test]
    fn json_and_garbage_are_told_apart() {
        assert_eq!(
            check(b"\xEF\xBB\xBF [{}]", CAP).unwrap().syntax,
            Syntax::Json
        );
        assert!(err(b"hello").contains("neither XML nor JSON"));
        assert!(err(b"  \n").contains("empty"));
    }
}
