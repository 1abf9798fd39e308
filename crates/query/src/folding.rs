//! ASCII folding of Latin letters: the table behind "é matches e".
//!
//! Only letters with an obvious ASCII spelling are folded (accented Latin
//! letters, Latin ligatures, fullwidth ASCII). Greek, Cyrillic and other
//! scripts are left as they are: transliterating them would merge words
//! a reader never thinks of as the same.
//!
//! Measured against the kept crates that could replace the table
//! (`cargo test --release -p newsterm-query folding -- --ignored
//! --nocapture`; release, 2 shared cores, 2026-12-02): on the IPTC media
//! topic definitions in French, German, Spanish, Portuguese, Danish,
//! Norwegian and Swedish (0.56 MB, 13,256 accented words) the table and
//! `deunicode` fold every word alike (13,249 to plain ASCII), while
//! decomposing and dropping the marks (`unicode-normalization`) leaves
//! 1,769 words unfolded (ß, æ, ø, ł, đ, œ have no decomposition). Of the
//! 367 lower-case letters of the Latin blocks, the table folds 336,
//! `deunicode` 341 (it also spells rarities such as ŋ → ng and ǣ → ae,
//! but turns ƅ into "6" and ǃ into "!", and leaves fullwidth letters,
//! which the table folds), decomposition 246. Speed, as analysis calls it
//! (ASCII never reaches a folder): table 104 MB/s, `deunicode` 56 MB/s,
//! decomposition 31 MB/s. The table stays; the two crates are
//! dev-dependencies of the measurement only.

/// Lower-case Latin letters (Latin-1 Supplement, Latin Extended-A/B,
/// Latin Extended Additional) and their ASCII spelling, sorted by char.
///
/// Built from each letter's Unicode canonical decomposition with the
/// combining marks removed, plus the letters that have no decomposition
/// but an established ASCII spelling (ß → ss, æ → ae, ø → o, ł → l, …).
const LATIN: &[(char, &str)] = &[
    ('ß', "ss"),
    ('à', "a"),
    ('á', "a"),
    ('â', "a"),
    ('ã', "a"),
    ('ä', "a"),
    ('å', "a"),
    ('æ', "ae"),
    ('ç', "c"),
    ('è', "e"),
    ('é', "e"),
    ('ê', "e"),
    ('ë', "e"),
    ('ì', "i"),
    ('í', "i"),
    ('î', "i"),
    ('ï', "i"),
    ('ð', "d"),
    ('ñ', "n"),
    ('ò', "o"),
    ('ó', "o"),
    ('ô', "o"),
    ('õ', "o"),
    ('ö', "o"),
    ('ø', "o"),
    ('ù', "u"),
    ('ú', "u"),
    ('û', "u"),
    ('ü', "u"),
    ('ý', "y"),
    ('þ', "th"),
    ('ÿ', "y"),
    ('ā', "a"),
    ('ă', "a"),
    ('ą', "a"),
    ('ć', "c"),
    ('ĉ', "c"),
    ('ċ', "c"),
    ('č', "c"),
    ('ď', "d"),
    ('đ', "d"),
    ('ē', "e"),
    ('ĕ', "e"),
    ('ė', "e"),
    ('ę', "e"),
    ('ě', "e"),
    ('ĝ', "g"),
    ('ğ', "g"),
    ('ġ', "g"),
    ('ģ', "g"),
    ('ĥ', "h"),
    ('ħ', "h"),
    ('ĩ', "i"),
    ('ī', "i"),
    ('ĭ', "i"),
    ('į', "i"),
    ('ı', "i"),
    ('ĳ', "ij"),
    ('ĵ', "j"),
    ('ķ', "k"),
    ('ĸ', "k"),
    ('ĺ', "l"),
    ('ļ', "l"),
    ('ľ', "l"),
    ('ŀ', "l"),
    ('ł', "l"),
    ('ń', "n"),
    ('ņ', "n"),
    ('ň', "n"),
    ('ŉ', "n"),
    ('ŋ', "n"),
    ('ō', "o"),
    ('ŏ', "o"),
    ('ő', "o"),
    ('œ', "oe"),
    ('ŕ', "r"),
    ('ŗ', "r"),
    ('ř', "r"),
    ('ś', "s"),
    ('ŝ', "s"),
    ('ş', "s"),
    ('š', "s"),
    ('ţ', "t"),
    ('ť', "t"),
    ('ŧ', "t"),
    ('ũ', "u"),
    ('ū', "u"),
    ('ŭ', "u"),
    ('ů', "u"),
    ('ű', "u"),
    ('ų', "u"),
    ('ŵ', "w"),
    ('ŷ', "y"),
    ('ź', "z"),
    ('ż', "z"),
    ('ž', "z"),
    ('ſ', "s"),
    ('ƀ', "b"),
    ('ƃ', "b"),
    ('ƈ', "c"),
    ('ƌ', "d"),
    ('ƒ', "f"),
    ('ƕ', "hv"),
    ('ƙ', "k"),
    ('ƚ', "l"),
    ('ƞ', "n"),
    ('ơ', "o"),
    ('ƣ', "oi"),
    ('ƥ', "p"),
    ('ƫ', "t"),
    ('ƭ', "t"),
    ('ư', "u"),
    ('ƴ', "y"),
    ('ƶ', "z"),
    ('ǆ', "dz"),
    ('ǉ', "lj"),
    ('ǌ', "nj"),
    ('ǎ', "a"),
    ('ǐ', "i"),
    ('ǒ', "o"),
    ('ǔ', "u"),
    ('ǖ', "u"),
    ('ǘ', "u"),
    ('ǚ', "u"),
    ('ǜ', "u"),
    ('ǟ', "a"),
    ('ǡ', "a"),
    ('ǥ', "g"),
    ('ǧ', "g"),
    ('ǩ', "k"),
    ('ǫ', "o"),
    ('ǭ', "o"),
    ('ǰ', "j"),
    ('ǳ', "dz"),
    ('ǵ', "g"),
    ('ǹ', "n"),
    ('ǻ', "a"),
    ('ȁ', "a"),
    ('ȃ', "a"),
    ('ȅ', "e"),
    ('ȇ', "e"),
    ('ȉ', "i"),
    ('ȋ', "i"),
    ('ȍ', "o"),
    ('ȏ', "o"),
    ('ȑ', "r"),
    ('ȓ', "r"),
    ('ȕ', "u"),
    ('ȗ', "u"),
    ('ș', "s"),
    ('ț', "t"),
    ('ȟ', "h"),
    ('ȡ', "d"),
    ('ȣ', "ou"),
    ('ȥ', "z"),
    ('ȧ', "a"),
    ('ȩ', "e"),
    ('ȫ', "o"),
    ('ȭ', "o"),
    ('ȯ', "o"),
    ('ȱ', "o"),
    ('ȳ', "y"),
    ('ȴ', "l"),
    ('ȵ', "n"),
    ('ȶ', "t"),
    ('ȷ', "j"),
    ('ȸ', "db"),
    ('ȹ', "qp"),
    ('ȼ', "c"),
    ('ȿ', "s"),
    ('ɀ', "z"),
    ('ɇ', "e"),
    ('ɉ', "j"),
    ('ɋ', "q"),
    ('ɍ', "r"),
    ('ɏ', "y"),
    ('ɓ', "b"),
    ('ɔ', "o"),
    ('ɗ', "d"),
    ('ɛ', "e"),
    ('ɠ', "g"),
    ('ɦ', "h"),
    ('ɨ', "i"),
    ('ɫ', "l"),
    ('ɱ', "m"),
    ('ɲ', "n"),
    ('ɵ', "o"),
    ('ɽ', "r"),
    ('ʂ', "s"),
    ('ʈ', "t"),
    ('ʉ', "u"),
    ('ʋ', "v"),
    ('ʐ', "z"),
    ('ḁ', "a"),
    ('ḃ', "b"),
    ('ḅ', "b"),
    ('ḇ', "b"),
    ('ḉ', "c"),
    ('ḋ', "d"),
    ('ḍ', "d"),
    ('ḏ', "d"),
    ('ḑ', "d"),
    ('ḓ', "d"),
    ('ḕ', "e"),
    ('ḗ', "e"),
    ('ḙ', "e"),
    ('ḛ', "e"),
    ('ḝ', "e"),
    ('ḟ', "f"),
    ('ḡ', "g"),
    ('ḣ', "h"),
    ('ḥ', "h"),
    ('ḧ', "h"),
    ('ḩ', "h"),
    ('ḫ', "h"),
    ('ḭ', "i"),
    ('ḯ', "i"),
    ('ḱ', "k"),
    ('ḳ', "k"),
    ('ḵ', "k"),
    ('ḷ', "l"),
    ('ḹ', "l"),
    ('ḻ', "l"),
    ('ḽ', "l"),
    ('ḿ', "m"),
    ('ṁ', "m"),
    ('ṃ', "m"),
    ('ṅ', "n"),
    ('ṇ', "n"),
    ('ṉ', "n"),
    ('ṋ', "n"),
    ('ṍ', "o"),
    ('ṏ', "o"),
    ('ṑ', "o"),
    ('ṓ', "o"),
    ('ṕ', "p"),
    ('ṗ', "p"),
    ('ṙ', "r"),
    ('ṛ', "r"),
    ('ṝ', "r"),
    ('ṟ', "r"),
    ('ṡ', "s"),
    ('ṣ', "s"),
    ('ṥ', "s"),
    ('ṧ', "s"),
    ('ṩ', "s"),
    ('ṫ', "t"),
    ('ṭ', "t"),
    ('ṯ', "t"),
    ('ṱ', "t"),
    ('ṳ', "u"),
    ('ṵ', "u"),
    ('ṷ', "u"),
    ('ṹ', "u"),
    ('ṻ', "u"),
    ('ṽ', "v"),
    ('ṿ', "v"),
    ('ẁ', "w"),
    ('ẃ', "w"),
    ('ẅ', "w"),
    ('ẇ', "w"),
    ('ẉ', "w"),
    ('ẋ', "x"),
    ('ẍ', "x"),
    ('ẏ', "y"),
    ('ẑ', "z"),
    ('ẓ', "z"),
    ('ẕ', "z"),
    ('ẖ', "h"),
    ('ẗ', "t"),
    ('ẘ', "w"),
    ('ẙ', "y"),
    ('ẜ', "s"),
    ('ẝ', "s"),
    ('ạ', "a"),
    ('ả', "a"),
    ('ấ', "a"),
    ('ầ', "a"),
    ('ẩ', "a"),
    ('ẫ', "a"),
    ('ậ', "a"),
    ('ắ', "a"),
    ('ằ', "a"),
    ('ẳ', "a"),
    ('ẵ', "a"),
    ('ặ', "a"),
    ('ẹ', "e"),
    ('ẻ', "e"),
    ('ẽ', "e"),
    ('ế', "e"),
    ('ề', "e"),
    ('ể', "e"),
    ('ễ', "e"),
    ('ệ', "e"),
    ('ỉ', "i"),
    ('ị', "i"),
    ('ọ', "o"),
    ('ỏ', "o"),
    ('ố', "o"),
    ('ồ', "o"),
    ('ổ', "o"),
    ('ỗ', "o"),
    ('ộ', "o"),
    ('ớ', "o"),
    ('ờ', "o"),
    ('ở', "o"),
    ('ỡ', "o"),
    ('ợ', "o"),
    ('ụ', "u"),
    ('ủ', "u"),
    ('ứ', "u"),
    ('ừ', "u"),
    ('ử', "u"),
    ('ữ', "u"),
    ('ự', "u"),
    ('ỳ', "y"),
    ('ỵ', "y"),
    ('ỷ', "y"),
    ('ỹ', "y"),
    ('ỻ', "ll"),
    ('ﬀ', "ff"),
    ('ﬁ', "fi"),
    ('ﬂ', "fl"),
    ('ﬃ', "ffi"),
    ('ﬄ', "ffl"),
    ('ﬅ', "st"),
    ('ﬆ', "st"),
];

/// Appends the ASCII form of a lower-case char, or the char itself when
/// it has none.
pub(crate) fn push_folded(c: char, out: &mut String) {
    match c {
        // Fullwidth digits and (already lower-cased) letters, as typed with
        // East Asian input methods.
        '\u{FF10}'..='\u{FF19}' | '\u{FF41}'..='\u{FF5A}' => {
            out.push(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c));
        }
        _ => match LATIN.binary_search_by_key(&c, |&(k, _)| k) {
            Ok(i) => out.push_str(LATIN[i].1),
            Err(_) => out.push(c),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            push_folded(c, &mut out);
        }
        out
    }

    #[test]
    fn table_is_sorted_so_binary_search_finds_every_entry() {
        assert!(LATIN.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn accented_and_special_latin_letters_fold() {
        assert_eq!(fold("éèêëàçñøåœæßłđ"), "eeeeacnoaoeaessld");
        assert_eq!(fold("ąćęłńóśźż"), "acelnoszz");
        assert_eq!(fold("ệướỳ"), "euoy");
        assert_eq!(fold("ﬁ１ａ"), "fi1a");
    }

    #[test]
    fn other_scripts_are_kept() {
        assert_eq!(fold("москва αθήνα 東京"), "москва αθήνα 東京");
    }

    /// Every lower-case letter of the blocks the table covers.
    fn latin_letters() -> Vec<char> {
        let blocks = [
            0xC0..=0x24F,
            0x1E00..=0x1EFF,
            0xFB00..=0xFB06,
            0xFF41..=0xFF5A,
        ];
        blocks
            .into_iter()
            .flatten()
            .filter_map(char::from_u32)
            .filter(|c| c.is_lowercase() || (c.is_alphabetic() && !c.is_uppercase()))
            .collect()
    }

    /// True for the letters the table is about (deunicode would also
    /// transliterate Cyrillic, Greek and Han, which folding refuses).
    fn in_latin_blocks(c: char) -> bool {
        matches!(c, '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}' | '\u{FB00}'..='\u{FB06}')
    }

    /// The table against the two kept crates that could replace it; the
    /// figures are in the module comment. Run with
    /// `cargo test --release -p newsterm-query folding -- --ignored --nocapture`.
    #[test]
    #[ignore = "measurement over ../shared/data; prints figures"]
    fn measured_against_deunicode_and_decomposition() {
        use unicode_normalization::UnicodeNormalization;
        use unicode_normalization::char::is_combining_mark;

        let decomposed = |c: char, out: &mut String| {
            out.extend(c.to_string().nfd().filter(|m| !is_combining_mark(*m)));
        };
        let transliterated = |c: char, out: &mut String| {
            if in_latin_blocks(c) {
                out.push_str(&deunicode::deunicode_char(c).unwrap_or("").to_lowercase());
            } else {
                out.push(c);
            }
        };
        type Folder<'a> = (&'a str, &'a dyn Fn(char, &mut String));
        let folders: [Folder; 3] = [
            ("table", &push_folded),
            ("deunicode", &transliterated),
            ("decomposition", &decomposed),
        ];
        let fold_with = |f: &dyn Fn(char, &mut String), text: &str| {
            let mut out = String::new();
            for c in text.chars() {
                f(c, &mut out);
            }
            out
        };

        // Letter by letter: how many of the covered letters each makes ASCII.
        let letters = latin_letters();
        for (name, f) in folders {
            let ascii = letters
                .iter()
                .filter(|c| fold_with(f, &c.to_string()).is_ascii())
                .count();
            println!(
                "{name}: {ascii} of {} Latin letters to ASCII",
                letters.len()
            );
        }
        let differ: Vec<String> = letters
            .iter()
            .map(|c| c.to_string())
            .filter(|c| fold_with(&push_folded, c) != fold_with(&transliterated, c))
            .map(|c| {
                format!(
                    "{c}→{} (deunicode {})",
                    fold_with(&push_folded, &c),
                    fold_with(&transliterated, &c)
                )
            })
            .collect();
        println!(
            "table and deunicode differ on {}: {}",
            differ.len(),
            differ.join(", ")
        );

        // Word by word on real accented news text: a reader typing the
        // word without accents finds it when the fold is plain ASCII.
        let text = iptc_definitions_not_english();
        let words: Vec<&str> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_ascii())
            .collect();
        for (name, f) in folders {
            let ascii = words.iter().filter(|w| fold_with(f, w).is_ascii()).count();
            let as_table = words
                .iter()
                .filter(|w| fold_with(f, w) == fold_with(&push_folded, w))
                .count();
            println!(
                "{name}: {ascii} of {} accented words to ASCII, {as_table} folded as the table does",
                words.len()
            );
        }
        // Folding exists for what readers type without accents: the table
        // folds every letter decomposition folds, and the same way.
        for c in &letters {
            let mut d = String::new();
            decomposed(*c, &mut d);
            if d.is_ascii() && !d.is_empty() {
                assert_eq!(fold_with(&push_folded, &c.to_string()), d, "{c}");
            }
        }

        // As analysis calls it: ASCII is lower-cased in place and never
        // reaches a folder.
        let mb = text.len() as f64 / 1e6;
        for (name, f) in folders {
            let start = std::time::Instant::now();
            let mut bytes = 0;
            for _ in 0..10 {
                let mut out = String::with_capacity(text.len());
                for c in text.chars() {
                    if c.is_ascii() {
                        out.push(c);
                    } else {
                        f(c, &mut out);
                    }
                }
                bytes += out.len();
            }
            let secs = start.elapsed().as_secs_f64() / 10.0;
            println!(
                "{name}: {:.0} MB/s over {mb:.2} MB ({bytes} bytes out)",
                mb / secs
            );
        }
    }

    /// The IPTC media topic definitions in every language but English
    /// (fr, de, es, pt, da, no, sv), lower-cased: real accented news
    /// vocabulary.
    fn iptc_definitions_not_english() -> String {
        let path =
            newsterm_story::test_data::shared_data().join("iptc/mediatopics_multilingual.json.gz");
        let file = std::fs::File::open(&path).expect("IPTC media topics in shared data");
        let json: serde_json::Value =
            serde_json::from_reader(flate2::read::GzDecoder::new(file)).expect("IPTC JSON");
        let mut text = String::new();
        for concept in json["concepts"].as_array().into_iter().flatten() {
            for lang in ["fr", "de", "es", "pt-PT", "dk", "no-NB", "se"] {
                if let Some(d) = concept["definition"][lang].as_str() {
                    text.push_str(&d.to_lowercase());
                    text.push('\n');
                }
            }
        }
        text
    }
}
