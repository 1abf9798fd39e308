//! Acronyms: an acronym spelled out in the story takes its name's type
//! in every mention, and the acronym of a term names no one.

use std::ops::Range;

use rustc_hash::FxHashMap as HashMap;

use super::organisations::{ORG_WORDS, has_org_word};
use super::person_names::NAME_PARTICLES;
use super::spans::Span;
use super::titles::{is_office, opens_a_seat};
use super::{EntityTagger, LOC, MISC, ORG};
use crate::features::DocView;

/// An acronym and the words beside it that spell it out: "Transport for
/// London (TfL)", "ART [anti-retroviral therapy]". The one place the
/// story's acronym brackets are read; the passes below decide what the
/// words and the acronym name.
pub(super) struct SpelledOut {
    /// The acronym's token.
    acronym: usize,
    /// The words it stands for, on either side of its bracket.
    words: Range<usize>,
}

/// Every acronym of the story spelled out beside its bracket, either way
/// round: "words (ACR)", where the words are the nearest run before the
/// bracket that spells it, within its sentence, and "ACR (words)", where
/// they are all of the bracket's.
pub(super) fn spelled_out(view: &DocView) -> Vec<SpelledOut> {
    let n = view.len();
    let mut found = Vec::new();
    for i in 1..n.saturating_sub(2) {
        let close = match view.word(i) {
            "(" => ")",
            "[" => "]",
            _ => continue,
        };
        let inside = view.word(i + 1);
        if view.word(i + 2) == close && is_acronym(inside) {
            let letters = inside.chars().filter(|c| c.is_uppercase()).count();
            let nearest = (i.saturating_sub(2 * letters + 2)..i)
                .rev()
                .take_while(|&first| first + 1 == i || !view.sent_start[first + 1])
                .find(|&first| spells(view, first..i, inside));
            if let Some(first) = nearest {
                found.push(SpelledOut {
                    acronym: i + 1,
                    words: first..i,
                });
            }
        }
        // "ACR (words)", "ROS [Reactive Oxygen Species, the group of …]":
        // the bracket's words up to its close, or up to a comma or a
        // semicolon where what follows says more of them.
        let before = view.word(i - 1);
        if is_acronym(before)
            && let Some(close_at) = (i + 1..n.min(i + 24)).find(|&j| view.word(j) == close)
            && let Some(end) = (i + 2..=close_at)
                .filter(|&j| j == close_at || matches!(view.word(j), "," | ";"))
                .find(|&end| spells(view, i + 1..end, before))
        {
            found.push(SpelledOut {
                acronym: i - 1,
                words: i + 1..end,
            });
        }
    }
    found
}

impl EntityTagger<'_> {
    /// "Transport for London (TfL)": capitalised words spelled out before
    /// their acronym's bracket are one name, an organisation unless the
    /// gazetteer knows it as a place or they name an office or a thing,
    /// wherever the model missed it or took a part of it alone. Words in
    /// the bracket after an acronym are left as the model read them: there
    /// a gloss ("CV (Curriculum Vitæ)", "NGOs (Non-Governmental
    /// Organizations)") is as common as a name.
    pub(super) fn name_spelled_out_acronyms(
        &self,
        view: &DocView,
        spans: &mut Vec<Span>,
        brackets: &[SpelledOut],
    ) {
        let mut added = Vec::new();
        for &SpelledOut { acronym, ref words } in brackets {
            let (first, k) = (words.start, words.end);
            let a_name =
                (first..k).all(|j| view.is_capitalized(j) || passes_over(view.lower_at(j)));
            if acronym != k + 1 || view.word(k) != "(" || k - first < 2 || !a_name {
                continue;
            }
            // "Member of Parliament (MP)": a seat spelled out is someone's
            // role, whatever the model made of it.
            let a_seat = opens_a_seat(view, first);
            if let Some(s) = spans.iter_mut().find(|s| s.first == first && s.end == k) {
                if a_seat {
                    s.type_id = MISC;
                }
                continue;
            }
            let name = &view.text[view.tokens[first].start..view.tokens[k - 1].end];
            // "End of Life (EOL)", "High Performance Computing (HPC)": a
            // name of the language's words, none a body's, that no list
            // knows for a body, is a thing's.
            let a_things = || {
                !has_org_word(view, first, k)
                    && self.gazetteer.lookup(name).is_none_or(|e| e.org.is_none())
                    && (first..k)
                        .filter(|&i| view.is_capitalized(i))
                        .all(|i| self.is_ordinary_word(view.word(i)))
            };
            // "Divisional Railway Manager (DRM)", "Chief Operating Officer
            // (COO)": an office spelled out is someone's role, no body, and
            // so is its acronym ("the NSA" after "National Security
            // Adviser (NSA)" is no agency).
            let office = is_office(view, k - 1) || a_seat;
            let type_id = if self.gazetteer.find_place(name).is_some() {
                LOC
            } else if office || a_things() {
                MISC
            } else {
                ORG
            };
            added.push(Span {
                first,
                end: k,
                type_id,
                from_rule: false,
            });
        }
        if added.is_empty() {
            return;
        }
        spans.retain(|s| !added.iter().any(|a| s.first < a.end && a.first < s.end));
        spans.extend(added);
        spans.sort_by_key(|s| s.first);
    }
}

/// Whether an acronym's letters may pass over a word (in lower case): a
/// particle of a name ("Organisation of Islamic Cooperation (OIC)",
/// "Transport for London (TfL)"), a hyphen, an article or the comma of a
/// list ("Galleries, Libraries, Archives and Museums").
fn passes_over(lower: &str) -> bool {
    NAME_PARTICLES.contains(&lower) || matches!(lower, "-" | "a" | ",")
}

/// An acronym: two capitals or more, and letters and digits alone ("EVD",
/// "G7", "TfL").
fn is_acronym(word: &str) -> bool {
    word.chars().filter(|c| c.is_uppercase()).count() >= 2
        && word.chars().all(char::is_alphanumeric)
}

/// Whether the words `range` of `view` are spelled by `acronym`'s capitals
/// as their initials, each part of a hyphenated word one letter
/// ("anti-retroviral therapy" is ART), a small word with or without its
/// letter ("End of Life" is EOL, "Organisation of Islamic Cooperation"
/// OIC, "Department of Defense" DOD); the first and last words are no
/// small word.
fn spells(view: &DocView, range: Range<usize>, acronym: &str) -> bool {
    // Each part's initial, and whether it may go without a letter.
    let parts: Vec<(char, bool)> = range
        .flat_map(|j| {
            let small = passes_over(view.lower_at(j));
            view.word(j)
                .split('-')
                .filter_map(move |p| p.chars().next().map(|c| (c, small)))
        })
        .collect();
    let letters: Vec<char> = acronym.chars().filter(|c| c.is_uppercase()).collect();
    // Which prefixes of the letters the parts read so far can spell, part
    // by part: a table, not a search over which small words give a letter,
    // which a story of many small words and a long acronym would make
    // exponential.
    let mut spelt = vec![false; letters.len() + 1];
    spelt[0] = true;
    for &(c, small) in &parts {
        for k in (0..letters.len()).rev() {
            // A part's letter, or (small) none: from the last letter back,
            // so that one part gives at most one letter.
            let gives = spelt[k] && c.to_uppercase().eq(std::iter::once(letters[k]));
            spelt[k + 1] = gives || (small && spelt[k + 1]);
        }
        spelt[0] = small && spelt[0];
    }
    let open = |part: Option<&(char, bool)>| part.is_some_and(|&(_, small)| !small);
    open(parts.first()) && open(parts.last()) && spelt[letters.len()]
}

/// Acronyms of everyday terms, things and measures, which news writes
/// without spelling out and which name no body, person or place. None is
/// also a US state's code ("ID", "IN", "OR") or a body's common short name
/// ("AA", "BC" as British Columbia, "LSD" as Hong Kong's League of Social
/// Democrats, "CCTV" as China's broadcaster); titles ("CEO") are the
/// titles' pass's.
#[rustfmt::skip]
const TERM_ACRONYMS: &[&str] = &[
    // Science and medicine.
    "DNA", "RNA", "HIV", "MRI", "ECG", "EKG", "EEG", "ICU", "IVF", "PPE", "PCR", "BMI", "ADHD",
    "PTSD", "OCD", "STD", "STI", "UV", "CO2", "GMO", "CFC", "ATP", "TB", "CPR", "DDT",
    // Computing and devices.
    "AI", "API", "CPU", "GPU", "RAM", "ROM", "USB", "URL", "HTML", "HTTP", "HTTPS", "PDF", "GIF",
    "JPEG", "PNG", "SQL", "XML", "JSON", "OS", "PC", "LED", "LCD", "OLED", "HDMI", "HDTV", "TV",
    "DVD", "CD", "VHS", "VCR", "DVR", "GPS", "GIS", "SMS", "MMS", "IP", "VPN", "ISP", "FAQ",
    "EULA", "IRC", "SSD", "HDD", "RFID", "NFC", "QR", "ATM", "PIN", "SIM", "LTE", "3G", "4G",
    "5G", "VR", "3D", "FM", "UHF", "VHF",
    // Vehicles and weapons.
    "UFO", "SUV", "ATV", "EV", "ICBM", "IED", "WMD", "UAV",
    // Money and trade.
    "GDP", "GNP", "CPI", "IPO", "VAT", "ETF", "ROI", "FDI",
    // People's standing, trades, schooling and offences; a fight's end.
    "VIP", "MVP", "LGBT", "LGBTQ", "MBA", "GPA", "IQ", "POW", "DUI", "DWI", "AWOL", "DJ",
    "KO", "TKO",
    // Eras.
    "BCE", "CE",
];

/// "Marburg virus disease (MVD)", "ART [anti-retroviral therapy]",
/// "exclusive economic zone (EEZ)", "HM [Her Majesty]": an acronym spelled
/// out, on either side of its bracket, by words that are no name (or an
/// honorific, opening with "Her", "His", "Your"…) is a term,
/// wherever the story uses it, and no organisation. Words are no name
/// where their last is in lower case ("Notes from Poland" is a name),
/// or where the story writes them all in lower case elsewhere ("End of
/// Life (EOL)" … "before the end of life of CentOS 8"), however the
/// model typed them. Capitalised ordinary words alone say nothing:
/// "All Elite Wrestling (AEW)" is a company.
///
/// Two more kinds of capitals name nothing unless the story spells them
/// out as a name: the acronyms of everyday terms ([`TERM_ACRONYMS`]:
/// "circular DNA", "the GPS", "BCE"), and a word of the language
/// shouted ("TRIAL solutions", "PETITIONERS"), which `is_common_word`
/// tells, where it is not taken for a place.
pub(super) fn acronyms_of_terms(
    view: &DocView,
    spans: &mut Vec<Span>,
    brackets: &[SpelledOut],
    is_common_word: impl Fn(&str) -> bool,
) {
    let n = view.len();
    let names_nothing = |range: &Range<usize>| {
        let Some(last) = range
            .clone()
            .rev()
            .find(|&j| !passes_over(view.lower_at(j)))
        else {
            return false;
        };
        // "the ministry of health (MOH)" is a body, however written.
        if range.clone().any(|j| ORG_WORDS.contains(&view.lower_at(j))) {
            return false;
        }
        // "HM [Her Majesty]", "HE (His Excellency)": an honorific is a way
        // of addressing someone, no name of its own.
        if matches!(
            view.lower_at(range.start),
            "her" | "his" | "their" | "your" | "our"
        ) {
            return true;
        }
        let len = range.len();
        view.word(last).starts_with(char::is_lowercase)
            || (0..(n + 1).saturating_sub(len)).any(|at| {
                (at + len <= range.start || at >= range.end)
                    && (0..len).all(|k| {
                        let j = at + k;
                        view.lower_at(j) == view.lower_at(range.start + k)
                            && view.word(j) == view.lower_at(j)
                    })
            })
    };
    // "Geographic Information Systems (GIS)": a term's capitalised words
    // make no name of it, nor a body's word that also names what a body
    // deals in; "Popular Defence Forces (PDF)" is a body.
    const ALSO_THINGS: &[&str] = &[
        "systems",
        "services",
        "network",
        "media",
        "news",
        "radio",
        "television",
        "tv",
        "financial",
        "records",
        "pictures",
    ];
    let names_a_body = |range: &Range<usize>| {
        range.clone().any(|j| {
            let w = view.lower_at(j);
            ORG_WORDS.contains(&w) && !ALSO_THINGS.contains(&w)
        })
    };
    let is_term = |b: &SpelledOut| {
        names_nothing(&b.words)
            || TERM_ACRONYMS.contains(&view.word(b.acronym)) && !names_a_body(&b.words)
    };
    let (term_brackets, named): (Vec<&SpelledOut>, Vec<&SpelledOut>) =
        brackets.iter().partition(|b| is_term(b));
    let (terms, spelled_out): (Vec<&str>, Vec<&Range<usize>>) = term_brackets
        .iter()
        .map(|b| (view.word(b.acronym), &b.words))
        .unzip();
    let names: Vec<&str> = named.iter().map(|b| view.word(b.acronym)).collect();
    // A dateline's place is written in capitals ("READING, England"), so
    // a shouted word is no place's name only where it is no place.
    let names_nothing_in_capitals = |s: &Span| {
        let w = view.word(s.first);
        let shouted = s.type_id != LOC
            && w.len() >= 4
            && w.bytes().all(|b| b.is_ascii_uppercase())
            && is_common_word(&w.to_ascii_lowercase());
        !names.contains(&w) && (TERM_ACRONYMS.contains(&w) || shouted)
    };
    // The words too: a term is no body, however the model typed it.
    let names_a_term = |s: &Span| {
        (s.end - s.first == 1
            && (terms.contains(&view.word(s.first)) || names_nothing_in_capitals(s)))
            || (s.type_id == ORG
                && spelled_out
                    .iter()
                    .any(|r| r.start <= s.first && s.end <= r.end))
    };
    spans.retain(|s| !names_a_term(s));
}

/// A name spelled out with its acronym, "Transport for London (TfL)",
/// "Philippine Institute of Volcanology and Seismology (Phivolcs)": the
/// acronym is the same organisation or place wherever the story uses it,
/// whatever the model made of it alone.
pub(super) fn acronyms_take_their_names_type(view: &DocView, spans: &mut Vec<Span>) {
    let n = view.len();
    let mut types: HashMap<&str, u8> = HashMap::default();
    let mut widened: Vec<(usize, usize)> = Vec::new();
    for (k, s) in spans.iter().enumerate() {
        // A thing's name too: "the Digital Millennium Copyright Act (DMCA)"
        // makes "the DMCA" no body.
        if !matches!(s.type_id, ORG | LOC | MISC) || s.end - s.first < 2 {
            continue;
        }
        // The model may stop a name at its "and" ("Philippine Institute of
        // Volcanology | and Seismology (Phivolcs)"): the capitalised words
        // after it up to the bracket are the name's.
        let mut end = s.end;
        if end + 1 < n && matches!(view.lower[end].as_str(), "and" | "&") {
            let mut j = end + 1;
            while j < n && j - end <= 3 && view.is_capitalized(j) {
                j += 1;
            }
            if j > end + 1 && j < n && view.word(j) == "(" {
                end = j;
            }
        }
        if end + 2 >= n || view.word(end) != "(" || view.word(end + 2) != ")" {
            continue;
        }
        let acronym = view.word(end + 1);
        let capitals = acronym.chars().filter(|c| c.is_uppercase()).count();
        let initial = view.word(s.first).chars().next();
        let whole = &view.text[view.tokens[s.first].start..view.tokens[end - 1].end];
        // "Phivolcs": a short form of one capital is its name's letters, in
        // order.
        let letters_of_name = || {
            let mut name = whole.chars().flat_map(char::to_lowercase);
            acronym
                .chars()
                .flat_map(char::to_lowercase)
                .all(|c| name.any(|n| n == c))
        };
        if (capitals >= 2 || letters_of_name())
            && acronym.chars().all(char::is_alphanumeric)
            && acronym.chars().next() == initial
        {
            types.entry(acronym).or_insert(s.type_id);
            if end > s.end {
                widened.push((k, end));
            }
        }
    }
    for &(k, end) in &widened {
        let from = spans[k].end;
        spans[k].end = end;
        // Whatever the model made of the words taken in is gone.
        for s in spans.iter_mut() {
            if s.first >= from && s.end <= end {
                s.end = s.first;
            }
        }
    }
    spans.retain(|s| s.first < s.end);
    if types.is_empty() {
        return;
    }
    let mut covered = vec![false; n];
    for s in spans.iter_mut() {
        if s.end - s.first == 1
            && let Some(&t) = types.get(view.word(s.first))
        {
            s.type_id = t;
        }
        covered[s.first..s.end].iter_mut().for_each(|c| *c = true);
    }
    for (i, &taken) in covered.iter().enumerate() {
        if let Some(&type_id) = types.get(view.word(i)).filter(|_| !taken) {
            spans.push(Span {
                first: i,
                end: i + 1,
                type_id,
                from_rule: true,
            });
        }
    }
    spans.sort_by_key(|s| s.first);
}

#[cfg(test)]
mod tests {
    use super::spelled_out;
    use crate::Tagger;
    use crate::features::DocView;

    /// The acronym and the words found for it, as written.
    fn brackets(text: &str) -> Vec<(String, String)> {
        let t = Tagger::load().expect("shipped data loads");
        let view = DocView::new(text, &t.gazetteer, &t.clusters);
        spelled_out(&view)
            .into_iter()
            .map(|b| {
                let words =
                    &view.text[view.tokens[b.words.start].start..view.tokens[b.words.end - 1].end];
                (view.word(b.acronym).to_string(), words.to_string())
            })
            .collect()
    }

    #[test]
    fn an_acronyms_words_are_found_on_either_side_of_its_bracket() {
        let found = |text: &str, acronym: &str, words: &str| {
            assert_eq!(
                brackets(text),
                [(acronym.to_string(), words.to_string())],
                "{text}"
            );
        };
        // A small word gives its letter or not; each part of a hyphenated
        // word gives one; capitals of a mixed-case acronym alone count.
        found(
            "Officials at the Department of Defense (DOD) said so.",
            "DOD",
            "Department of Defense",
        );
        found(
            "Organisation of Islamic Cooperation (OIC) members met.",
            "OIC",
            "Organisation of Islamic Cooperation",
        );
        found(
            "The Anti-Corruption Commission (ACC) charged him.",
            "ACC",
            "Anti-Corruption Commission",
        );
        found(
            "Fares set by Transport for London (TfL) rose.",
            "TfL",
            "Transport for London",
        );
        found(
            "Patients on ART [anti-retroviral therapy] lived longer.",
            "ART",
            "anti-retroviral therapy",
        );
        found(
            "Patients on ART [anti-retroviral therapy, the drugs that keep them well] lived.",
            "ART",
            "anti-retroviral therapy",
        );
        // A list's commas inside a name.
        found(
            "The Institute of Epidemiology, Disease Control and Research (IEDCR) said so.",
            "IEDCR",
            "Institute of Epidemiology, Disease Control and Research",
        );
        found(
            "She joined the WHO (World Health Organization) in 2001.",
            "WHO",
            "World Health Organization",
        );
        // The nearest run that spells it, not one reaching further back.
        found(
            "Health officials said Marburg virus disease (MVD) had spread.",
            "MVD",
            "Marburg virus disease",
        );
        // Many small words before a long acronym are read in one pass, not
        // tried every way they could give or skip a letter.
        let small = "a ".repeat(40);
        let acronym = format!("{}B", "A".repeat(30));
        assert!(brackets(&format!("Alpha {small}Alpha ({acronym}) met.")).is_empty());
        // A bracket that spells nothing, and a ticker, are no acronym's words.
        assert!(brackets("Shares of Apple (AAPL) fell.").is_empty());
        assert!(brackets("The film (PG) opens on Friday.").is_empty());
    }
}
