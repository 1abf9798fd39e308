//! The words around a name that say it is an organisation's: nouns
//! before and after it, appositives, share prices, sides of a match.

use rustc_hash::FxHashSet as HashSet;

use super::person_names::{PRONOUNS, full_name_words};
use super::place_names::is_place_word;
use super::spans::{Span, after_possessive, covered_tokens, span_text};
use super::titles::is_title;
use super::{EntityTagger, LOC, ORG, PERSON};
use crate::features::DocView;
use crate::gazetteer::{in_capitals, kind};
use crate::quotes::SPEECH_VERBS;

impl EntityTagger<'_> {
    /// "Caloundra coach Geoff Ingram", "Maroochydore captain Sam Marshall",
    /// "Arsenal beat Chelsea 2-1": a story that names a side by its coach,
    /// captain or manager, or gives a score beside a side it has beaten or
    /// was beaten by, reports a match. Those names, and the lone words it
    /// has beaten, beat another or played against ("a win over
    /// Maroochydore", "against Uni"), are the sides: clubs, mostly named
    /// after their towns, not the towns and not people. A country or a
    /// state keeps its place: a national side's story names the country as
    /// a place too. A side named by a given name ("Chelsea") is a side only
    /// where the score or its manager is beside it, and a surname of
    /// someone the story names in full ("Williams beat Osaka 6-3") is never
    /// one. A side the model left untagged is named where a score says so,
    /// and at each of its other mentions.
    ///
    /// Returns where the sides' mentions start, for `resolve` to keep them
    /// bodies where a city's name acting would be the city.
    pub(super) fn sides_of_a_match(&self, view: &DocView, spans: &mut Vec<Span>) -> HashSet<usize> {
        let full_name_words = full_name_words(view, spans);
        // Someone the story gives a title ("President Trump") is no side,
        // whatever the score beside the name ("Biden beat Trump 306-232").
        let titled = |w: &str| (1..view.len()).any(|i| view.word(i) == w && is_title(view, i - 1));
        let lone_name = |first: usize, end: usize, given_names_too: bool| {
            end - first == 1
                && (given_names_too || !self.is_given_name(view, first))
                && !full_name_words.contains(view.word(first))
                && !titled(view.word(first))
        };
        // A side beside a score is named like one: after a town
        // ("Liverpool") or with a given name ("Chelsea"), not by a surname
        // alone.
        let named_like_a_side = |s: &Span| {
            if s.end - s.first == 1 {
                self.names_a_side(view, s.first)
            } else {
                s.type_id == ORG || self.gazetteer.find_place(span_text(view, s)).is_some()
            }
        };
        let town_or_no_one = |s: &Span, given_names_too: bool| match s.type_id {
            PERSON => lone_name(s.first, s.end, given_names_too),
            LOC => !self.is_country_or_state(span_text(view, s)),
            _ => false,
        };
        let scored = |s: &Span| meets_another_side(view, s.first, s.end) && score_near(view, s.end);
        let mut sides: HashSet<&str> = spans
            .iter()
            .filter(|s| {
                let led = leads_a_team(view, s.end);
                let named_manager = led && view.is_capitalized_in_sentence(after_role(view, s.end));
                let scored = scored(s) && named_like_a_side(s);
                (s.type_id == ORG || town_or_no_one(s, named_manager || scored)) && (led || scored)
            })
            .map(|s| span_text(view, s))
            .collect();
        // A side the model left untagged: "Arsenal beat Chelsea 2-1".
        let covered = covered_tokens(view, spans);
        let untagged: Vec<usize> = (0..view.len())
            .filter(|&i| {
                !covered[i]
                    && view.is_capitalized(i)
                    && meets_another_side(view, i, i + 1)
                    && !in_capitals(view.word(i))
                    && view.word(i).chars().all(char::is_alphabetic)
                    && score_near(view, i + 1)
                    && lone_name(i, i + 1, true)
                    && !is_title(view, i)
                    && self.names_a_side(view, i)
            })
            .collect();
        sides.extend(untagged.iter().map(|&i| view.word(i)));
        // The side led may be a word the model left untagged.
        let a_match = !sides.is_empty()
            || (1..view.len()).any(|end| view.is_capitalized(end - 1) && leads_a_team(view, end));
        if !a_match {
            return HashSet::default();
        }
        sides.extend(
            spans
                .iter()
                .filter(|s| s.end - s.first == 1 && town_or_no_one(s, false))
                .filter(|s| meets_another_side(view, s.first, s.end))
                .map(|s| span_text(view, s)),
        );
        let mut starts = HashSet::default();
        for s in spans.iter_mut() {
            if sides.contains(span_text(view, s)) && (s.type_id == ORG || town_or_no_one(s, true)) {
                s.type_id = ORG;
                starts.insert(s.first);
            }
        }
        let untagged_sides: HashSet<&str> = untagged.iter().map(|&i| view.word(i)).collect();
        let before = spans.len();
        for i in (0..view.len()).filter(|&i| !covered[i] && view.is_capitalized(i)) {
            if untagged_sides.contains(view.word(i)) {
                spans.push(Span {
                    first: i,
                    end: i + 1,
                    type_id: ORG,
                    from_rule: true,
                });
                starts.insert(i);
            }
        }
        if spans.len() > before {
            spans.sort_by_key(|s| s.first);
        }
        starts
    }
}

impl EntityTagger<'_> {
    /// Whether the word at `i`, beside a score, reads as a side's name: a
    /// town's ("Liverpool"), a given name ("Chelsea"), or an ordinary word
    /// the story writes capitalised inside a sentence ("Arsenal"); a
    /// surname alone ("Biden beat Trump 306-232") is someone's.
    fn names_a_side(&self, view: &DocView, i: usize) -> bool {
        // Words that open a sentence and name no side: "They beat Chelsea
        // 2-1", "The hosts beat".
        const NO_SIDES: &[&str] = &[
            "The", "This", "That", "These", "Those", "Our", "Their", "His", "Its", "My", "Your",
            "Both", "All", "Everyone", "Nobody", "Who", "Which",
        ];
        let word = view.word(i);
        // "Arsenal beat Chelsea 2-1" opening a story that writes Arsenal
        // nowhere else inside a sentence: a word beating a named side.
        let beats_a_named_side = view.sent_start[i]
            && !PRONOUNS.contains(&word)
            && !NO_SIDES.contains(&word)
            && view
                .lower
                .get(i + 1)
                .is_some_and(|w| BEATING_BEFORE.contains(&w.as_str()))
            && view.is_capitalized_in_sentence(i + 2);
        self.is_given_name(view, i)
            || self.gazetteer.find_place(word).is_some()
            || self.common_words.contains(&view.lower[i])
                && (beats_a_named_side
                    || (0..view.len()).any(|k| {
                        k != i && view.word(k) == word && view.is_capitalized_in_sentence(k)
                    }))
    }
}

impl EntityTagger<'_> {
    /// "Pfizer said its vaccine …", "Pfizer and its partner": a lone name
    /// whose own is "its" is a body's (people's is "his", "her" or
    /// "their"). Not a given name, nor a family name of the census, whose
    /// "its" is more often another's ("Smith said its decision was wrong").
    pub(super) fn owns_as_a_body(&self, view: &DocView, s: &Span) -> bool {
        let its = |k: usize| view.lower_at(k) == "its";
        s.end - s.first == 1
            && !self.is_given_name(view, s.first)
            && !self.surnames.contains(&view.lower[s.first])
            && its(s.end + 1)
            && (SPEECH_VERBS.contains(&view.lower_at(s.end))
                || matches!(view.lower_at(s.end), "and" | ","))
    }
}

/// Verbs after a side that has beaten another, or drawn with it.
const BEATING_BEFORE: &[&str] = &[
    "defeated", "defeat", "defeats", "beat", "beats", "edged", "thrashed", "downed", "trounced",
    "drew",
];

/// Whether a score ("2-1", "45–12") stands within the few words after a
/// name: "beat Chelsea 2-1", "Arsenal beat Chelsea 2-1", "drew 1-1 with".
/// Sets of a tennis match ("6-3, 6-4") are no side's score: their players
/// are people.
fn score_near(view: &DocView, end: usize) -> bool {
    (end..view.len().min(end + 4))
        .take_while(|&i| i == end || !view.sent_start[i])
        .find(|&i| is_score(view.word(i)))
        .is_some_and(|i| {
            let sets = |k: usize| k < view.len() && is_score(view.word(k));
            let set_after = i + 2 < view.len() && view.word(i + 1) == "," && sets(i + 2);
            let set_before = i >= 2 && view.word(i - 1) == "," && sets(i - 2);
            !set_after && !set_before
        })
}

/// "2-1", "45–12": two counts of points joined by a dash.
fn is_score(word: &str) -> bool {
    let Some((a, b)) = word.split_once(['-', '–']) else {
        return false;
    };
    let count = |p: &str| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    count(a) && count(b)
}

/// The token after a side's role word ("coach", "head coach", "manager"),
/// where the person who holds it is named.
fn after_role(view: &DocView, end: usize) -> usize {
    let mut j = after_possessive(view, end);
    if view
        .lower
        .get(j)
        .is_some_and(|w| matches!(w.as_str(), "assistant" | "head"))
    {
        j += 1;
    }
    j + 1
}

/// Nouns that say the name next to them is an organisation's: "retailer Tesco",
/// "the newspaper X", "X's shares".
pub(super) const ORG_CUES_BEFORE: &[&str] = &[
    "retailer",
    "company",
    "firm",
    "carrier",
    "airline",
    "newspaper",
    "daily",
    "tabloid",
    "broadcaster",
    "network",
    "agency",
    "maker",
    "automaker",
    "carmaker",
    "manufacturer",
    "chain",
    "supermarket",
    "website",
    "magazine",
    "publication",
    "blog",
    "outlet",
    "lender",
    "insurer",
    "startup",
    "conglomerate",
    "operator",
    "brand",
    "giant",
    "publisher",
    "studio",
    "label",
    "developer",
    "provider",
    "wholesaler",
    "subsidiary",
    "regulator",
    "charity",
    "organisation",
    "organization",
    "nonprofit",
    "non-profit",
    "group",
    "party",
    "club",
];

/// Whether a noun heading an appositive says the name before it is an
/// organisation's: "Airbnb, a company that …", "Bilka, a Danish supermarket
/// chain,". The organisation nouns that are just as often a person's trade ("a
/// developer", "an operator") or a word of other kinds ("a daily walk", "a
/// group of") do not count; some nouns count here only, as they follow a name
/// in an appositive but not before it.
fn heads_org_appositive(noun: &str) -> bool {
    const NOT_AFTER_A_NAME: &[&str] = &[
        "daily",
        "network",
        "maker",
        "outlet",
        "operator",
        "brand",
        "giant",
        "studio",
        "label",
        "developer",
        "provider",
        "group",
        "party",
        "club",
    ];
    const ONLY_AFTER_A_NAME: &[&str] = &[
        "start-up",
        "bank",
        "corporation",
        "foundation",
        "institute",
        "university",
        "band",
    ];
    ORG_CUES_BEFORE.contains(&noun) && !NOT_AFTER_A_NAME.contains(&noun)
        || ONLY_AFTER_A_NAME.contains(&noun)
}

/// Words that may follow an appositive's head and end it: "a company that",
/// "a retailer based in", "a bank, said".
const APPOSITIVE_HEAD_ENDS: &[&str] = &[
    ",",
    ".",
    ";",
    ":",
    ")",
    "that",
    "which",
    "whose",
    "based",
    "headquartered",
    "in",
    "with",
    "founded",
    "owned",
    "from",
    "of",
    "known",
    "listed",
    "and",
    "operating",
    "on",
    "off",
    "near",
    "where",
    "—",
    "–",
];

/// Nouns heading an appositive that say the name before it is a place's:
/// "Socotra, an island off Yemen", "Hadibo, the capital of".
pub(super) const APPOSITIVE_PLACE_HEADS: &[&str] = &[
    "town",
    "village",
    "city",
    "island",
    "archipelago",
    "province",
    "region",
    "district",
    "county",
    "suburb",
    "port",
    "peninsula",
    "municipality",
    "neighbourhood",
    "neighborhood",
    "resort",
    "valley",
    "capital",
    "country",
];

/// Nouns heading an appositive that say the name before it is a person's:
/// "Valeska Paris, an Australian woman", "Ana Lima, a 34-year-old mother".
pub(super) const APPOSITIVE_PERSON_HEADS: &[&str] = &[
    "man",
    "woman",
    "boy",
    "girl",
    "teenager",
    "mother",
    "father",
    "son",
    "daughter",
    "wife",
    "husband",
    "widow",
    "widower",
    "grandmother",
    "grandfather",
];

/// Whether the name ending before `end` is followed by an appositive whose
/// head is a noun `heads` knows: ", a/an/the" then up to four modifiers
/// (lower-case words, demonyms, hyphenated words) and the noun, which ends
/// the phrase ("a company that", "a Danish supermarket chain,").
pub(super) fn apposition_headed_by(
    view: &DocView,
    end: usize,
    heads: impl Fn(&str) -> bool,
) -> bool {
    end + 2 < view.len()
        && view.word(end) == ","
        && matches!(view.lower[end + 1].as_str(), "a" | "an" | "the")
        && noun_phrase_headed_by(view, end + 2, heads)
}

/// Whether the name ending before `end` is said to be one of a kind of
/// thing `heads` knows: "Faithless Hijabi is an organisation which",
/// "Ashodaya was a charity founded in" (not "is a company director").
fn described_as(view: &DocView, end: usize, heads: impl Fn(&str) -> bool) -> bool {
    end + 2 < view.len()
        && matches!(view.lower[end].as_str(), "is" | "was")
        && matches!(view.lower[end + 1].as_str(), "a" | "an")
        && noun_phrase_headed_by(view, end + 2, heads)
}

/// Whether the words from `start` are up to four modifiers (lower-case
/// words, demonyms, hyphenated words) and a noun `heads` knows, which a
/// word of [`APPOSITIVE_HEAD_ENDS`] ends.
fn noun_phrase_headed_by(view: &DocView, start: usize, heads: impl Fn(&str) -> bool) -> bool {
    let n = view.len();
    for j in start..(start + 5).min(n) {
        if view.sent_start[j] {
            return false;
        }
        let lower = view.lower[j].as_str();
        // "a supermarket chain": the last noun is the head.
        if heads(lower) && j + 1 < n && APPOSITIVE_HEAD_ENDS.contains(&view.lower[j + 1].as_str()) {
            return true;
        }
        // "a security official from the port of": a preposition or article
        // ends the head's phrase, and the head was not found in it.
        if APPOSITIVE_HEAD_ENDS.contains(&lower)
            || matches!(
                lower,
                "the" | "a" | "an" | "for" | "at" | "to" | "by" | "who"
            )
        {
            return false;
        }
        let word = view.word(j);
        let modifier = word.chars().all(|c| c.is_lowercase() || c == '-')
            || view.gaz[j].has(kind::DEMONYM)
            || word.contains('-') && word.chars().any(char::is_alphabetic);
        if !modifier {
            return false;
        }
    }
    false
}

const ORG_CUES_AFTER: &[&str] = &[
    "shares",
    "stock",
    "stores",
    "subsidiary",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "executives",
    "employees",
    "headquarters",
    "shareholders",
    "ceo",
    "fleet",
    "flights",
    "flight",
    "operations",
    "plant",
    "factory",
    "factories",
    "inc",
    "inc.",
    "corp.",
    "outlets",
    "customers",
    "movement",
    "organization",
    "organisation",
    "militia",
    "rebels",
    "militants",
];

/// Whether the words after a name make it a team's: its coach or captain
/// ("Wynnum coach Matt Myers", "Maroochydore's assistant coach").
pub(super) fn leads_a_team(view: &DocView, end: usize) -> bool {
    let named = after_role(view, end);
    let j = named - 1;
    view.lower.get(j).is_some_and(|w| match w.as_str() {
        "coach" | "captain" | "skipper" => true,
        // "Chelsea manager Mauricio Pochettino"; a manager of no side is
        // rarely named after a body's name with no "the" before it.
        "manager" | "boss" => view.is_capitalized_in_sentence(named),
        _ => false,
    })
        // "Ruby from RWBY Captain America": a title of a name, no side's.
        && !view.is_capitalized(j)
}

/// Whether the name at tokens `first..end` is a side of a match by the words
/// around it: played against or beaten ("against Uni", "[against] Noosa",
/// "defeated Wynnum", "a win over Maroochydore", "lost to Noosa", "beaten
/// 2-0 by Aston Villa"), or beating another ("Maroochydore defeated
/// Caboolture") or beaten by one ("Manchester City were beaten").
fn meets_another_side(view: &DocView, first: usize, end: usize) -> bool {
    const BEATEN_AFTER: &[&str] = &[
        "against", "defeated", "defeat", "defeats", "beat", "beats", "beating", "edged",
        "thrashed", "downed", "trounced",
    ];
    // A word the writer set in brackets reads as the text's own: "[against] Noosa".
    let before = match first.checked_sub(1) {
        Some(j) if view.word(j) == "]" => j.checked_sub(2),
        j => j,
    };
    let beaten = before.is_some_and(|j| {
        let w = view.lower[j].as_str();
        BEATEN_AFTER.contains(&w)
            || w == "over"
                && (j.saturating_sub(3)..j)
                    .any(|k| matches!(view.lower[k].as_str(), "win" | "victory" | "triumph"))
            || w == "to"
                && j.checked_sub(1)
                    .is_some_and(|k| matches!(view.lower[k].as_str(), "lost" | "lose" | "loss"))
            // "drew 1-1 with Everton", "a draw with Everton".
            || w == "with"
                && j.checked_sub(1).is_some_and(|k| {
                    is_score(view.word(k)) || matches!(view.lower[k].as_str(), "drew" | "draw")
                })
            // "were beaten 2-0 by Aston Villa", "lost 2-0 to Villa".
            || matches!(w, "by" | "to")
                && j.checked_sub(1).is_some_and(|k| {
                    is_score(view.word(k))
                        && k.checked_sub(1).is_some_and(|v| {
                            matches!(
                                view.lower[v].as_str(),
                                "beaten" | "defeated" | "thrashed" | "lost" | "edged"
                            )
                        })
                        || w == "by" && matches!(view.lower[k].as_str(), "beaten" | "defeated")
                })
    });
    // "Manchester City were beaten 2-0 by Aston Villa".
    let beaten_by_another = matches!(view.lower_at(end), "were" | "was")
        && matches!(view.lower_at(end + 1), "beaten" | "defeated" | "thrashed");
    // "Liverpool, who drew 1-1 with Everton".
    let verb = if view.word(end.min(view.len().saturating_sub(1))) == ","
        && view.lower.get(end + 1).is_some_and(|w| w == "who")
    {
        end + 2
    } else {
        end
    };
    beaten
        || beaten_by_another
        || view
            .lower
            .get(verb)
            .is_some_and(|w| BEATING_BEFORE.contains(&w.as_str()))
}

/// Whether the words around a span say it names an organisation.
pub(super) fn org_cue(view: &DocView, s: &Span) -> bool {
    org_cue_word(view, s) || org_cue_beyond_words(view, s)
}

/// The word before or after a name that is said of bodies: "the retailer
/// X", "X's shares", "X's spokesperson".
fn org_cue_word(view: &DocView, s: &Span) -> bool {
    let before = s.first.checked_sub(1).map(|j| view.lower[j].as_str());
    // "Shares in Hasbro", "a stake in Volvo", "shares of Sony".
    let holding_in = s.first >= 2
        && matches!(before, Some("in" | "of"))
        && matches!(
            view.lower[s.first - 2].as_str(),
            "shares" | "stake" | "stakes" | "stock" | "holding" | "holdings"
        );
    if before.is_some_and(|w| ORG_CUES_BEFORE.contains(&w))
        || holding_in
        || s.type_id != LOC && produces_a_commodity(view, s.first)
        || named_among_bodies(view, s.first)
    {
        return true;
    }
    let j = after_possessive(view, s.end);
    // "McDonnell Douglas merged with Boeing": firms merge, and of places
    // only those whose names say what they are ("Sønderborg County").
    let merged = view.lower.get(j).is_some_and(|w| w == "merged")
        && !(s.first..s.end).any(|i| is_place_word(view.lower_at(i)));
    j < view.len() && ORG_CUES_AFTER.contains(&view.lower[j].as_str())
        || merged
        || moves_like_a_share(view, j)
}

/// Whether the words before token `first` call what it names a producer
/// of a commodity: "the Greek gas producer Energean", "oil producers".
/// "Producer" alone is as often a film's or a record's maker, a person;
/// a country so called ("oil producer Russia") is left to the caller.
fn produces_a_commodity(view: &DocView, first: usize) -> bool {
    const COMMODITIES: &[&str] = &[
        "oil",
        "gas",
        "steel",
        "coal",
        "copper",
        "gold",
        "iron",
        "aluminium",
        "aluminum",
        "lithium",
        "uranium",
        "nickel",
        "zinc",
        "cement",
        "chip",
        "chemicals",
        "energy",
        "power",
        "electricity",
        "dairy",
        "meat",
        "poultry",
        "food",
        "sugar",
        "cocoa",
        "coffee",
        "paper",
        "fertiliser",
        "fertilizer",
        "drug",
        "vaccine",
        "wine",
        "beer",
    ];
    first >= 2
        && matches!(
            view.lower[first - 1].as_str(),
            "producer" | "miner" | "exporter" | "supplier" | "refiner"
        )
        && COMMODITIES.contains(&view.lower[first - 2].as_str())
}

/// Whether token `first` opens an example of a kind of body: "carriers,
/// such as Verizon", "airlines including Qantas", "firms like Apple". The
/// kind is the plural of a noun said before a body's name.
fn named_among_bodies(view: &DocView, first: usize) -> bool {
    let word = |j: usize| view.lower_at(j);
    let Some(mut j) = first.checked_sub(1) else {
        return false;
    };
    match word(j) {
        "as" if j >= 1 && word(j - 1) == "such" => j -= 1,
        "including" | "like" => {}
        _ => return false,
    }
    let Some(mut k) = j.checked_sub(1) else {
        return false;
    };
    if word(k) == "," {
        let Some(before) = k.checked_sub(1) else {
            return false;
        };
        k = before;
    }
    let kind = word(k);
    ORG_CUES_BEFORE.iter().any(|cue| {
        kind.strip_suffix('s') == Some(cue)
            || cue
                .strip_suffix('y')
                .is_some_and(|stem| kind.strip_suffix("ies") == Some(stem))
        // "Groups such as the Kurds" are peoples as often.
    }) && kind != "groups"
}

/// Whether the words from `j` say a share price moved, as a listed
/// company's does: "fell 2.1 percent", "rose by 3%", "gained 40 cents",
/// "slipped $1.20". Points are left out: candidates rise in polls by them.
pub(super) fn moves_like_a_share(view: &DocView, mut j: usize) -> bool {
    const MOVES: &[&str] = &[
        "rose", "fell", "gained", "lost", "climbed", "slid", "dropped", "jumped", "declined",
        "advanced", "tumbled", "plunged", "surged", "soared", "sank", "slipped", "rallied",
        "edged", "shed", "added",
    ];
    let word = |j: usize| view.lower_at(j);
    if !MOVES.contains(&word(j)) {
        return false;
    }
    j += 1;
    // "by", "more than", "as much as", "nearly".
    while matches!(
        word(j),
        "by" | "up"
            | "down"
            | "nearly"
            | "almost"
            | "about"
            | "around"
            | "over"
            | "more"
            | "than"
            | "as"
            | "much"
            | "some"
    ) {
        j += 1;
    }
    let currency = matches!(word(j), "$" | "€" | "£" | "¥");
    if currency {
        j += 1;
    }
    let number = |w: &str| {
        w.starts_with(|c: char| c.is_ascii_digit())
            && w.chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    };
    if !number(word(j)) {
        return false;
    }
    currency
        || matches!(
            word(j + 1),
            "%" | "percent" | "pct" | "cents" | "pence" | "per"
        )
}

/// What a story says only of bodies: that the name "was formed", or an
/// appositive ("X, a company that …").
pub(super) fn org_cue_beyond_words(view: &DocView, s: &Span) -> bool {
    let n = view.len();
    let j = after_possessive(view, s.end);
    // "When Ashodaya was formed": people are born, bodies formed.
    let formed = j + 1 < n
        && matches!(view.lower[j].as_str(), "was" | "is" | "were")
        && matches!(
            view.lower[j + 1].as_str(),
            "formed" | "founded" | "established" | "incorporated"
        );
    // "Activision Blizzard, the maker of Call of Duty": a firm is named
    // the maker of a named thing, as a person is not ("a film maker").
    let maker_of_a_name = s.end + 4 < n
        && view.word(s.end) == ","
        && view.lower[s.end + 1] == "the"
        && matches!(view.lower[s.end + 2].as_str(), "maker" | "makers")
        && view.lower[s.end + 3] == "of"
        && view.is_capitalized(s.end + 4);
    formed
        || maker_of_a_name
        || apposition_headed_by(view, s.end, heads_org_appositive)
        || described_as(view, s.end, heads_org_appositive)
}

/// Whether span `k`, a lone name, is what a person of the story (a full
/// name, the model's) belongs to ("X's Jane Roe", "Jane Roe of X"), and
/// whether it is what an office belongs to ("the mayor of X"); the name
/// ends its phrase there.
pub(super) fn what_holds_someone(view: &DocView, spans: &[Span], k: usize) -> (bool, bool) {
    let s = &spans[k];
    let full_person = |o: &Span| o.type_id == PERSON && o.end - o.first >= 2 && !o.from_rule;
    let owns = after_possessive(view, s.end) > s.end
        && spans
            .get(k + 1)
            .is_some_and(|o| o.first == s.end + 1 && full_person(o));
    let of = s.first >= 2
        && view.lower[s.first - 1] == "of"
        && !(s.end < view.len() && view.is_capitalized(s.end));
    let someones_of = of
        && k.checked_sub(1)
            .is_some_and(|p| spans[p].end == s.first - 1 && full_person(&spans[p]));
    (owns || someones_of, of && is_title(view, s.first - 2))
}
