//! Telling English from other languages, by script and by the share of each
//! language's commonest function words.

/// Function words of the Latin-script languages we can tell apart.
const STOPWORDS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "the", "of", "and", "to", "in", "is", "that", "for", "it", "was", "on", "with", "he",
            "as", "at", "by", "this", "from", "have", "are", "said", "has", "not", "but", "they",
            "his", "be", "were", "an", "which",
        ],
    ),
    (
        "fr",
        &[
            "le", "la", "les", "de", "des", "et", "est", "un", "une", "du", "dans", "que", "qui",
            "pour", "pas", "au", "sur", "avec", "il", "sont", "par", "ce", "elle", "ont", "aux",
        ],
    ),
    (
        "de",
        &[
            "der", "die", "das", "und", "ist", "nicht", "ein", "eine", "den", "mit", "von", "zu",
            "sich", "auf", "für", "im", "dem", "des", "auch", "es", "sie", "wird", "wurde", "nach",
            "bei",
        ],
    ),
    (
        "es",
        &[
            "el", "la", "los", "las", "de", "y", "que", "en", "un", "una", "por", "con", "para",
            "es", "del", "se", "su", "al", "lo", "como", "más", "pero", "sus", "fue", "ha",
        ],
    ),
    (
        "it",
        &[
            "il", "lo", "la", "gli", "le", "di", "che", "è", "un", "una", "per", "con", "non",
            "del", "della", "dei", "sono", "nel", "alla", "anche", "ha", "si", "come", "più", "ma",
        ],
    ),
    (
        "pt",
        &[
            "o", "a", "os", "as", "de", "do", "da", "dos", "das", "que", "em", "um", "uma", "para",
            "com", "não", "se", "por", "mais", "foi", "ao", "no", "na", "é", "seu",
        ],
    ),
    (
        "nl",
        &[
            "de", "het", "een", "en", "van", "is", "dat", "op", "te", "in", "zijn", "voor", "met",
            "niet", "aan", "er", "ook", "als", "bij", "door", "werd", "naar", "om", "maar",
            "wordt",
        ],
    ),
];

/// Detects the language of `text`: an ISO 639-1 code, or `und` for Latin-script
/// text of no language known here. Short texts with no clear evidence count as
/// English, the language newsterm tags.
pub(crate) fn detect(text: &str) -> &'static str {
    // Non-Latin scripts first: counting letters is enough to name them.
    let mut latin = 0usize;
    let mut by_script: [(usize, &str); 8] = [
        (0, "ru"),
        (0, "ar"),
        (0, "zh"),
        (0, "ja"),
        (0, "ko"),
        (0, "el"),
        (0, "he"),
        (0, "hi"),
    ];
    for c in text.chars().take(20_000) {
        let slot = match c {
            'a'..='z' | 'A'..='Z' | '\u{c0}'..='\u{24f}' => {
                latin += 1;
                continue;
            }
            '\u{400}'..='\u{4ff}' => 0,
            '\u{600}'..='\u{6ff}' => 1,
            '\u{4e00}'..='\u{9fff}' => 2,
            '\u{3040}'..='\u{30ff}' => 3,
            '\u{ac00}'..='\u{d7af}' => 4,
            '\u{370}'..='\u{3ff}' => 5,
            '\u{590}'..='\u{5ff}' => 6,
            '\u{900}'..='\u{97f}' => 7,
            _ => continue,
        };
        by_script[slot].0 += 1;
    }
    let (other, code) = by_script
        .iter()
        .copied()
        .max_by_key(|s| s.0)
        .unwrap_or((0, "und"));
    if other > latin {
        // Kana next to Han characters means Japanese.
        return if code == "zh" && by_script[3].0 > 0 {
            "ja"
        } else {
            code
        };
    }
    let mut counts = [0usize; STOPWORDS.len()];
    let mut words = 0usize;
    for w in text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(2_000)
    {
        words += 1;
        let lw = w.to_lowercase();
        for (k, (_, list)) in STOPWORDS.iter().enumerate() {
            if list.contains(&lw.as_str()) {
                counts[k] += 1;
            }
        }
    }
    // English is the newsroom default: another language must show clear evidence.
    let english = counts[0];
    let best = counts.iter().enumerate().skip(1).max_by_key(|(_, c)| **c);
    match best {
        Some((k, &c)) if c >= 3 && c > 2 * english => STOPWORDS[k].0,
        _ if english > 0 || words < 8 => "en",
        _ => "und",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_english_is_english() {
        assert_eq!(detect("Angela Merkel visited Paris."), "en");
        assert_eq!(
            detect("A storm hit Atlanta on Tuesday, killing three people."),
            "en"
        );
    }

    #[test]
    fn tells_english_from_other_languages() {
        assert_eq!(
            detect("The minister said on Monday that the talks with the rebels had failed."),
            "en"
        );
        assert_eq!(
            detect(
                "Le ministre a déclaré lundi que les négociations avec les rebelles ont échoué."
            ),
            "fr"
        );
        assert_eq!(
            detect(
                "Der Minister sagte am Montag, dass die Gespräche mit den Rebellen gescheitert sind."
            ),
            "de"
        );
        assert_eq!(
            detect("El ministro dijo el lunes que las conversaciones con los rebeldes fracasaron."),
            "es"
        );
        assert_eq!(
            detect("Министр заявил в понедельник, что переговоры с повстанцами провалились."),
            "ru"
        );
    }
}
