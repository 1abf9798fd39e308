//! One name, one type within a story: the type a name gets from the
//! gazetteer, its other mentions and the names listed beside it.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::org_cues::{
    APPOSITIVE_PERSON_HEADS, APPOSITIVE_PLACE_HEADS, apposition_headed_by, leads_a_team, org_cue,
    org_cue_beyond_words, what_holds_someone,
};
use super::organisations::{
    NATIONAL_ADJECTIVES_IN_THEIR_LANGUAGE, ORG_HEADS, PARTS_OF, SURNAME_ORG_WORDS, has_org_word,
    is_org_word, is_web_address, organisations_over,
};
use super::person_names::{
    PRONOUNS, full_name_words, is_census_given_name, is_hyphenated_given_name,
};
use super::place_names::{
    DEITIES, DIVISION_WORDS, LOCATIVES, PLACE_WORDS_AS_SURNAMES, RELIGIONS, is_place_word,
    names_a_faiths_or_peoples_members,
};
use super::spans::{Span, covered_tokens, span_text};
use super::things::{
    DISEASES, EVENTS_AND_RULES, MISC_WORDS, PEOPLES_AND_TONGUES, PRODUCT_KINDS, names_a_disease,
};
use super::titles::{ROLE_MODIFIERS, is_title, role_after, role_before};
use super::{
    EntityTagger, GROUP_DETERMINERS, IMPERATIVES, LOC, MISC, NO_ENTITY, ORG, PERSON,
    QUESTION_OPENERS, SENTENCE_OPENERS,
};
use crate::features::{DocView, is_title_word};
use crate::gazetteer::{PlaceKind, in_capitals, kind};
use crate::places::{PlaceContext, is_designated_body, names_natural_feature_after, strip_article};
use crate::quotes::SPEECH_VERBS;

impl EntityTagger<'_> {
    fn retype_lone_names(&self, view: &DocView, spans: &mut Vec<Span>) {
        // Every word of the full names of the story's people ("Bruno Mars",
        // "David Turpin"): a lone word that is one, or its plural ("the
        // Turpins"), is someone of the story.
        let name_words = full_name_words(view, spans);
        let of_someone = |w: &str| {
            [Some(w), w.strip_suffix('s'), w.strip_suffix("es")]
                .into_iter()
                .flatten()
                .any(|w| name_words.contains(w))
        };
        // Where each lone name's word stands, found once (the rules below
        // ask it of every lone name); only those words are looked for, by a
        // short linear search, as hashing every word of a story costs more.
        let mut positions: Vec<(&str, Vec<usize>)> = Vec::new();
        for s in spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
        {
            let w = view.word(s.first);
            if !positions.iter().any(|(p, _)| *p == w) {
                positions.push((w, Vec::new()));
            }
        }
        if !positions.is_empty() {
            for i in 0..view.len() {
                let w = view.word(i);
                if let Some((_, at)) = positions
                    .iter_mut()
                    .find(|(p, _)| p.len() == w.len() && *p == w)
                {
                    at.push(i);
                }
            }
        }
        let occurrences = |w: &str| -> &[usize] {
            positions
                .iter()
                .find(|(p, _)| *p == w)
                .map_or(&[], |(_, at)| at.as_slice())
        };
        let after_any = |i: usize, words: &[&str]| {
            i.checked_sub(1)
                .is_some_and(|j| words.contains(&view.lower[j].as_str()))
        };
        // "The Kurds were", "five Republicans", "two Argentinians": a plural
        // the story counts or sets apart with "the" at least as often as not
        // names a people or a party, no person ("Jobs said", once "the Jobs
        // era", stays him).
        let counted = |i: usize| {
            after_any(i, GROUP_DETERMINERS)
                || i.checked_sub(1)
                    .is_some_and(|j| view.word(j).bytes().all(|b| b.is_ascii_digit()))
        };
        for s in spans
            .iter_mut()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
        {
            let w = view.word(s.first);
            if w.len() > 3
                && w.ends_with('s')
                && !w.ends_with("ss")
                && !view.gaz[s.first].has(kind::FIRST_NAME)
                && !of_someone(w)
            {
                let (all, set_apart) = occurrences(w)
                    .iter()
                    .copied()
                    .fold((0, 0), |(all, n), i| (all + 1, n + usize::from(counted(i))));
                if set_apart > 0 && 2 * set_apart >= all || self.singular_before_a_noun(view, w) {
                    s.type_id = MISC;
                }
            }
        }
        // "Life on Mars": a planet the story puts things on or in is no one,
        // unless it is a name of someone in the story ("Bruno Mars").
        spans.retain(|s| {
            let w = view.word(s.first);
            !(s.type_id == PERSON
                && s.end - s.first == 1
                && self.gazetteer.names_celestial_body(w)
                && !view.gaz[s.first].has(kind::FIRST_NAME)
                && !of_someone(w)
                && occurrences(w)
                    .iter()
                    .copied()
                    .any(|i| after_any(i, LOCATIVES) || after_any(i, &["on"])))
        });
        // Whether a lone word is someone of the story: a word of a full name
        // or titled in any of its mentions ("Jackson said" after "Michael
        // Jackson" or "Justice Jackson" stays him).
        let someone = |w: &str| {
            of_someone(w)
                || occurrences(w)
                    .iter()
                    .copied()
                    .any(|j| role_before(view, j).is_some() || role_after(view, j + 1).is_some())
        };
        let countrywide = |name: &str| self.is_country_or_state(name);
        // A city the story puts something in or at, or calls a city ("the
        // words of Kennedy" are no place).
        let placed_city = |given: bool, w: &str| {
            !given
                && self
                    .gazetteer
                    .pick_town(w, &PlaceContext::default(), None)
                    .is_some_and(|p| p.population >= 100_000)
                && occurrences(w).iter().copied().any(|j| {
                    after_any(j, LOCATIVES)
                        || after_any(j, &["of"])
                            && j >= 2
                            && matches!(view.lower[j - 2].as_str(), "city" | "town" | "capital")
                })
        };
        let followed_by = |w: &str, kinds: &dyn Fn(&str) -> bool| {
            occurrences(w)
                .iter()
                .copied()
                .any(|j| view.lower.get(j + 1).is_some_and(|next| kinds(next)))
        };
        // What a lone name is, decided once per name (and given-name
        // mark): a surname may be mentioned dozens of times.
        // `None`: someone of the story, left alone; `Some(None)`: kept.
        let mut decided: HashMap<(&str, bool), Option<Option<u8>>> = HashMap::default();
        for s in spans
            .iter_mut()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
        {
            let w = view.word(s.first);
            let given = view.gaz[s.first].has(kind::FIRST_NAME);
            let decision = *decided.entry((w, given)).or_insert_with(|| {
                // "Unlike Senators, who serve six-year terms", "Senators
                // Kamala Harris and Elizabeth Warren": a title's plural is
                // the office's holders, no one.
                if view.lower[s.first]
                    .strip_suffix('s')
                    .is_some_and(|one| one.len() > 3 && is_title_word(one))
                {
                    return Some(Some(NO_ENTITY));
                }
                if someone(w) {
                    return None;
                }
                // "ALDI said", "the ALMA observatory": a word in capitals,
                // outside a line in capitals, is an organisation's name far
                // more often than a person's; "ZMapp", two capitals and then
                // small letters, is a product's.
                let capitals =
                    in_capitals(w) && w.chars().filter(|c| c.is_alphabetic()).count() >= 3;
                let in_capitals_line = |j: usize| {
                    (j > 0 && !view.sent_start[j] && in_capitals(view.word(j - 1)))
                        || (j + 1 < view.len()
                            && !view.sent_start[j + 1]
                            && in_capitals(view.word(j + 1)))
                };
                if capitals && !occurrences(w).iter().any(|&j| in_capitals_line(j)) {
                    return Some(Some(ORG));
                }
                let mut chars = w.chars();
                let product_case = chars.next().is_some_and(char::is_uppercase)
                    && chars.next().is_some_and(char::is_uppercase)
                    && w.chars().skip(2).all(char::is_lowercase)
                    && w.chars().count() >= 4;
                if product_case {
                    return Some(Some(MISC));
                }
                // "Politico reported", "Politico quoted Tim Manning": a
                // name the story only has report or quote, and never names
                // in full or titles, is a news outlet's, ordinary word or not.
                let reports =
                    !given && followed_by(w, &|next| matches!(next, "reported" | "quoted"));
                // "A Fellow of the Royal Society", "Drug makers rose": an
                // ordinary word capitalised is no one the story names, unless
                // the story has it speak ("Jobs said").
                if !given
                    && self.is_ordinary_word(w)
                    && !followed_by(w, &|next| SPEECH_VERBS.contains(&next))
                {
                    return Some(Some(if reports { ORG } else { NO_ENTITY }));
                }
                // "Tony Evers, a Democrat, said", "a Toronto man": a word
                // the story only ever counts as one of a kind names no one;
                // a big city's name so used is the city.
                let one_of_a_kind =
                    !given && occurrences(w).iter().all(|&j| after_any(j, &["a", "an"]));
                // "Korea substituted Park Joo-Ho", "a Nevada law", "the
                // Canadian city of Toronto": a country, a US state or a
                // city of 100,000 or more is the place.
                Some(if countrywide(w) || placed_city(given, w) {
                    Some(LOC)
                } else if one_of_a_kind {
                    let city = self
                        .gazetteer
                        .pick_town(w, &PlaceContext::default(), None)
                        .is_some_and(|p| p.population >= 100_000);
                    Some(if city { LOC } else { MISC })
                // "The Fedora operating system", "Android phones", "the
                // Kīlauea volcano": a word before what kind of thing it
                // is names that thing in every mention. So does one (no
                // given name) before a kind of people or tongue: "the Olmec
                // civilization", "the Moriori people", "the Chakri dynasty".
                // "Homo sapiens … Homo": a genus the story once writes
                // before its species is a living thing's name in every
                // mention (`retype_by_name` drops the mention before the
                // species itself).
                } else if followed_by(w, &|next| PRODUCT_KINDS.contains(&next))
                    || !given
                        && (followed_by(w, &|next| {
                            PEOPLES_AND_TONGUES.contains(&next) || EVENTS_AND_RULES.contains(&next)
                        }) || occurrences(w).iter().any(|&j| {
                            j + 1 < view.len() && self.is_species_epithet(view.word(j + 1))
                        }))
                {
                    Some(MISC)
                } else if reports {
                    Some(ORG)
                } else if followed_by(w, &names_natural_feature_after) {
                    Some(LOC)
                } else {
                    None
                })
            });
            let Some(retyped) = decision else {
                continue;
            };
            // The model's "Jersey" of "New Jersey" is the whole place.
            let with_word_before = s
                .first
                .checked_sub(1)
                .filter(|&j| view.is_capitalized(j) && !view.sent_start[s.first])
                .map(|j| &view.text[view.tokens[j].start..view.tokens[s.first].end]);
            if with_word_before.is_some_and(countrywide) {
                s.first -= 1;
                s.type_id = LOC;
            } else if let Some(type_id) = retyped {
                s.type_id = type_id;
            }
        }
        spans.retain(|s| s.type_id != NO_ENTITY);
    }
}

impl EntityTagger<'_> {
    /// "The Life and Liberty Party", "the Securities and Exchange Commission",
    /// "the Centers for Disease Control and Prevention": the model often
    /// stops an organisation's name at an "and" inside it. Two capitalised
    /// ordinary words either side of "and", neither an organisation's own
    /// word, join the name of two words or more on one side with the words
    /// on the other. Not where the name is a plural head shared by two
    /// bodies ("the State and Homeland Security Departments"), nor where the
    /// story names the first word with the name's head ("Democratic and
    /// Republican Party" beside "the Democratic Party").
    pub(super) fn join_names_across_and(&self, view: &DocView, spans: &mut Vec<Span>) {
        let n = view.len();
        // A place's kind ("New York City and State") joins no name.
        const PLACE_KINDS: &[&str] = &["city", "state", "town", "republic", "kingdom"];
        // An ordinary word, or one no name of the gazetteer or lexicon is
        // and no given name ("Securities and Exchange Commission", "National
        // Oceanic and Atmospheric Administration"); "Ford and General
        // Motors" are two.
        let plain = |w: &str| {
            self.is_ordinary_word(w)
                || !in_capitals(w) && self.gazetteer.lookup(w).is_none() && !is_census_given_name(w)
        };
        let joinable = |i: usize| {
            i < n
                && view.is_capitalized(i)
                && !view.sent_start[i]
                && plain(view.word(i))
                && !is_org_word(&view.lower[i])
                && !is_title_word(view.lower[i].as_str())
                && !is_place_word(view.lower[i].as_str())
                && !PLACE_KINDS.contains(&view.lower[i].as_str())
        };
        // "Parties", "Departments", "committees": a head two bodies share
        // ("Services" is one body's word of its own).
        let shared_plural = |i: usize| {
            let lower = view.lower_at(i);
            !is_org_word(lower)
                && (lower
                    .strip_suffix("ies")
                    .is_some_and(|stem| is_org_word(&format!("{stem}y")))
                    || lower.strip_suffix('s').is_some_and(is_org_word))
        };
        spans.sort_by_key(|s| s.first);
        let span_at =
            |spans: &[Span], i: usize| spans.iter().position(|s| s.first <= i && i < s.end);
        let mut joins: Vec<(usize, usize)> = Vec::new();
        for s in spans.iter().filter(|s| s.type_id == ORG) {
            // Backward: "Life and [Liberty Party]".
            if s.end - s.first >= 2
                && s.first >= 2
                && view.lower[s.first - 1] == "and"
                && joinable(s.first - 2)
                && joinable(s.first)
                && !shared_plural(s.end - 1)
            {
                let before = s.first - 2;
                let shared_head = format!("{} {}", view.word(before), view.word(s.end - 1));
                // Joined over a word only because no name is it: the side
                // before must not be an organisation's whole name ("Linkin
                // Park and Avenged Sevenfold" are two bands).
                let unknown_word = [before, s.first]
                    .iter()
                    .any(|&i| !self.is_ordinary_word(view.word(i)));
                if !spans.iter().any(|o| span_text(view, o) == shared_head) {
                    let first = match span_at(spans, before) {
                        // A name the model made a place or a miscellaneous
                        // one ("Pacific Gas"), not a work's title with small
                        // words in it ("Once Upon a Time").
                        Some(k)
                            if spans[k].end == before + 1
                                && spans[k].type_id != PERSON
                                // Nor a body's name whose whole would
                                // have no body's word in it ("Linkin Park
                                // and Avenged Sevenfold").
                                && !((unknown_word || !has_org_word(view, spans[k].first, s.end))
                                    && spans[k].type_id == ORG
                                    && spans[k].end - spans[k].first >= 2)
                                && (spans[k].type_id != MISC
                                    || (spans[k].first..spans[k].end)
                                        .all(|i| view.is_capitalized(i))) =>
                        {
                            spans[k].first
                        }
                        Some(_) => continue,
                        None => {
                            let mut first = before;
                            while first > 0
                                && !view.sent_start[first]
                                && view.is_capitalized(first - 1)
                                && span_at(spans, first - 1).is_none()
                            {
                                first -= 1;
                            }
                            first
                        }
                    };
                    joins.push((first, s.end));
                    continue;
                }
            }
            // Forward: "[Centers for Disease Control] and Prevention".
            if s.end - s.first >= 2
                && s.end + 1 < n
                && view.lower[s.end] == "and"
                && joinable(s.end - 1)
                && joinable(s.end + 1)
            {
                // The words after may be untagged, what the model left a
                // miscellaneous name ("Prevention"), or an ordinary word it
                // took for someone alone ("Fire and Rescue").
                let free = |i: usize| {
                    span_at(spans, i).is_none_or(|k| {
                        let o = &spans[k];
                        o.type_id == MISC
                            || o.type_id == PERSON
                                && o.end - o.first == 1
                                && self.is_ordinary_word(view.word(o.first))
                    })
                };
                // "Office of Science and Technology Policy Acting Director
                // Kei Koizumi": an office after the name is someone's.
                let opens_an_office = |i: usize| {
                    is_title(view, i)
                        || i + 1 < n
                            && ROLE_MODIFIERS.contains(&view.lower[i].as_str())
                            && is_title(view, i + 1)
                };
                let mut end = s.end + 1;
                while view.is_capitalized_in_sentence(end) && free(end) && !opens_an_office(end) {
                    end += 1;
                }
                if end > s.end + 1
                    && !shared_plural(end)
                    && span_at(spans, end - 1).is_none_or(|k| spans[k].end <= end)
                {
                    joins.push((s.first, end));
                }
            }
        }
        organisations_over(spans, joins);
    }
}

impl EntityTagger<'_> {
    /// Types that the words of a name decide, whatever the model made of it: a name
    /// with an organisation's word in it ("University of Copenhagen", "Gazeta
    /// Wyborcza", "Acme Holdings") or ending in a country ("Ford Australia") is an
    /// organisation, a web address is one, a name ending in a place word ("Times
    /// Square", "Heathrow Airport") is a place; celestial bodies are no places,
    /// and stars and other stars' planets, named by designation ("AB
    /// Aurigae", "K2-18b"), no entity at all.
    pub(super) fn retype_by_name(&self, view: &DocView, spans: &mut Vec<Span>) {
        spans.retain(|s| {
            let text = span_text(view, s);
            // "The great white shark (Carcharodon carcharias)": a genus
            // before its species names no one, no body and no place.
            let genus = s.end - s.first == 1
                && s.end < view.len()
                && self.is_species_epithet(view.word(s.end));
            !(genus
                || is_designated_body(strip_article(text))
                || (matches!(s.type_id, LOC | MISC)
                    // "The Solar System", "the International Space Station":
                    // no body of people either ("Mars" alone may be the
                    // confectioner, "Sun" the computer maker).
                    || s.type_id == ORG && s.end - s.first >= 2
                    // "A crater on Mars": something is on the planet, not
                    // on the confectioner.
                    || s.first.checked_sub(1).is_some_and(|j| view.lower[j] == "on"))
                    && self.gazetteer.names_celestial_body(text)
                || s.end - s.first == 1 && PRONOUNS.contains(&text))
        });
        // "Converted to Islam", "in Islam": a faith is no place or person;
        // "they still believe in Allah": nor is a god a place; nor are a
        // doctrine ("Marxism") or the plural of an acronym ("NGOs", "SUVs").
        for s in spans.iter_mut() {
            let last = view.word(s.end - 1);
            let doctrine = last.ends_with("ism") && last.chars().count() > 5;
            let acronyms = last.strip_suffix('s').is_some_and(|one| {
                one.chars().count() >= 2 && one.chars().all(|c| c.is_ascii_uppercase())
            });
            // "Guided by the Constitution", "under the Treaty": a
            // document, no body.
            let document = matches!(
                view.lower[s.end - 1].as_str(),
                "constitution" | "treaty" | "accord" | "accords" | "protocol" | "charter"
            );
            if s.end - s.first == 1
                && (RELIGIONS.contains(&last)
                    || doctrine
                    || acronyms
                    || document
                    || DISEASES.contains(&last)
                    || names_a_faiths_or_peoples_members(view, s.first))
                || matches!(s.type_id, LOC | ORG) && s.end - s.first <= 2 && DEITIES.contains(&last)
                || names_a_disease(view, s.end)
                // "Republicans would pass the bill": a party's members are
                // no one person (nor the party, "the Republicans" of a
                // story may be a chamber's or a state's).
                || s.type_id == PERSON && s.end - s.first == 1 && names_a_partys_members(last)
            {
                s.type_id = MISC;
            }
        }
        // A people's name: "American", "Americans" (its country's demonym).
        let demonym = |text: &str| {
            self.gazetteer
                .lookup(text)
                .is_some_and(|e| e.demonym_of.is_some())
        };
        // "Philippine officials", "Philippine President Ferdinand Marcos": a
        // country's name without its plural ending, before a word in lower
        // case or a title, is its adjective, whatever the model made of it
        // (place resolution makes it the country's).
        for s in spans.iter_mut().filter(|s| s.end - s.first == 1) {
            let word = view.word(s.first);
            let before_a_noun = s.end < view.len()
                && (view
                    .word(s.end)
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase)
                    || is_title(view, s.end));
            // "The Libyan ambassador" in a story that also names the Libyan
            // House of Representatives: a demonym the model made a body
            // before such a word is the country's too.
            if before_a_noun
                && (s.type_id == ORG && demonym(word)
                    || self.gazetteer.country_by_adjective(word).is_some())
            {
                s.type_id = LOC;
            }
        }
        // "Crowds gathered outside": a word that opens a sentence, is written in
        // lower case in running text and nowhere else capitalised here is no
        // one's name.
        spans.retain(|s| {
            !(s.type_id == PERSON
                && s.end - s.first == 1
                && view.is_ordinary_opener(s.first)
                && !view.gaz[s.first].has(kind::FIRST_NAME))
        });
        // "Americans", "Black Americans": a people, no person; the people's name
        // is its country's demonym.
        let plural_demonym = |i: usize| {
            let w = view.word(i);
            w.len() > 3 && w.ends_with('s') && demonym(w)
        };
        for s in spans
            .iter_mut()
            .filter(|s| matches!(s.type_id, PERSON | MISC))
        {
            let last = s.end - 1;
            // No one's name ends in a people's: the words before it describe
            // the people ("Black Americans", "Ancient Egyptians").
            if s.type_id == PERSON && plural_demonym(last) {
                s.first = last;
                s.type_id = MISC;
            }
            // "American Samoans": the people of American Samoa, not of Samoa.
            if s.type_id == MISC
                && s.first == last
                && s.first > 0
                && demonym(view.word(last))
                && demonym(&view.text[view.tokens[s.first - 1].start..view.tokens[last].end])
            {
                s.first -= 1;
            }
        }
        // "Melbournians", "a Londoner", "a New Zealander": a place's people, no
        // person.
        let surnames: HashSet<&str> = spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first >= 2)
            .map(|s| view.word(s.end - 1))
            .collect();
        for s in spans
            .iter_mut()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
        {
            let w = view.word(s.first);
            let before = s
                .first
                .checked_sub(1)
                .filter(|&j| view.is_capitalized(j) && !view.sent_start[s.first])
                .map(|j| view.word(j));
            if !surnames.contains(w)
                && !view.gaz[s.first].has(kind::FIRST_NAME)
                && self.names_a_places_people(w, before)
            {
                s.type_id = MISC;
            }
        }
        self.retype_lone_names(view, spans);
        // "Unlike Chrysler, Ford …": a sentence's opening word is no part of the
        // name after it.
        // A capitalised auxiliary opens a question ("((WSS)) Did Perttu Ahola work
        // alone?"), wherever the sentence splitter put its start.
        for s in spans.iter_mut().filter(|s| s.type_id != MISC) {
            // "Make Melbourne the first city to …": a slogan's verb before a
            // place the gazetteer knows, where it does not know the whole.
            let verb_before_a_place = s.end - s.first >= 2
                && IMPERATIVES.contains(&view.lower[s.first].as_str())
                && self.gazetteer.find_place(span_text(view, s)).is_none()
                && self
                    .gazetteer
                    .find_place(
                        &view.text[view.tokens[s.first + 1].start..view.tokens[s.end - 1].end],
                    )
                    .is_some();
            let opener = view.sent_start[s.first]
                && (SENTENCE_OPENERS.contains(&view.lower[s.first].as_str())
                    || verb_before_a_place)
                || view.is_capitalized(s.first)
                    && QUESTION_OPENERS.contains(&view.lower[s.first].as_str());
            if s.end - s.first >= 2 && opener {
                s.first += 1;
            }
        }
        // "Shares of Penske Auto rose", "Officials of the Red Cross said": who or
        // what belongs to a name is no part of it.
        for s in spans.iter_mut() {
            if s.end - s.first >= 3
                && PARTS_OF.contains(&view.lower[s.first].as_str())
                && view.lower[s.first + 1] == "of"
            {
                s.first += 2;
                if s.end - s.first >= 2 && view.lower[s.first] == "the" {
                    s.first += 1;
                }
            }
        }
        // "Wong Kwok-kin", "Lee Cheuk-yan": a hyphenated given name after a surname
        // belongs to the name.
        for s in spans.iter_mut().filter(|s| s.type_id == PERSON) {
            while s.end < view.len()
                && !view.sent_start[s.end]
                && is_hyphenated_given_name(view.word(s.end))
            {
                s.end += 1;
            }
        }
        // Words the story names a person by alone ("Street said").
        let lone_people: HashSet<&str> = spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
            .map(|s| view.lower[s.first].as_str())
            .collect();
        for s in spans.iter_mut() {
            let last = view.lower[s.end - 1].as_str();
            // "Doris Day", whom the story calls "Day" alone, is no holiday.
            let surname = s.type_id == PERSON
                && lone_people.contains(last)
                && self.is_given_name(view, s.first);
            if MISC_WORDS.contains(&last)
                && s.end - s.first >= 2
                && view.is_capitalized(s.end - 1)
                && !surname
            {
                s.type_id = MISC;
                continue;
            }
            // "County Mayo": an Irish county's name opens with its kind.
            if s.type_id == PERSON && s.end - s.first >= 2 && view.lower[s.first] == "county" {
                s.type_id = LOC;
                continue;
            }
            // "Tell Tamer and Ain Issa", "the Punta Ventana rock": a word
            // for a hill, a spring, a valley or a point opens a place's
            // name in Arabic and Spanish, and "Mount" one in English
            // ("the summit of Mount Everest").
            if s.end - s.first >= 2
                && s.type_id == PERSON
                && !view.gaz[s.first].has(kind::FIRST_NAME)
                && matches!(
                    view.word(s.first),
                    "Tell"
                        | "Ain"
                        | "Deir"
                        | "Kafr"
                        | "Wadi"
                        | "Jebel"
                        | "Jabal"
                        | "Punta"
                        | "Mount"
                        | "Mt."
                )
            {
                s.type_id = LOC;
                continue;
            }
            // "The Gulf of Oman", "the Bay of Bengal", "the Isle of Man": a
            // natural feature's kind, then "of", opens a place's name.
            if s.end - s.first >= 3
                && matches!(s.type_id, ORG | PERSON | LOC)
                && matches!(
                    view.lower[s.first].as_str(),
                    "gulf" | "bay" | "sea" | "strait" | "straits" | "isle" | "cape" | "lake"
                )
                && view.lower[s.first + 1] == "of"
            {
                s.type_id = LOC;
                continue;
            }
            // "Henga Scenic Reserve", "the Maasai Mara National Reserve": a
            // reserve of land or sea is a place, though "reserve" ends the
            // names of bodies too ("the Federal Reserve", "Army Reserve").
            if last == "reserve"
                && s.end - s.first >= 2
                && LAND_RESERVE_KINDS.contains(&view.lower[s.end - 2].as_str())
            {
                s.type_id = LOC;
                continue;
            }
            if is_place_word(last) && s.end - s.first >= 2 {
                // "Upper Big Branch Mine", "Hoover Dam": a place word no one
                // bears as a surname ends a place, not a person.
                let org = s.type_id == ORG && !has_org_word(view, s.first, s.end - 1);
                // A place word that is also a surname ends a person's name
                // after a given name ("Della Street") or where the story
                // names the person by it alone ("Picabo Street … Street
                // said"), not after another word ("Wall Street expected 77
                // cents").
                let surname = PLACE_WORDS_AS_SURNAMES.contains(&last)
                    && (s.end - s.first > 2
                        || view.gaz[s.first].has(kind::FIRST_NAME)
                        || lone_people.contains(last));
                if org || s.type_id == PERSON && !surname {
                    s.type_id = LOC;
                }
                continue;
            }
            if s.type_id == ORG {
                continue;
            }
            let multi = s.end - s.first >= 2;
            // A given name before an organisation's word is a person only where the
            // word is also a surname ("Robert Service", not "Douglas Police"), and
            // no one says "the" before a person's name.
            let person_name = s.type_id == PERSON
                && s.end - s.first == 2
                && view.gaz[s.first].has(kind::FIRST_NAME)
                && SURNAME_ORG_WORDS.contains(&last)
                && s.first
                    .checked_sub(1)
                    .is_none_or(|j| view.lower[j] != "the");
            let org_head = multi && view.is_capitalized(s.end - 1) && ORG_HEADS.contains(&last);
            let org_word = multi
                && !person_name
                && (org_head
                    || has_org_word(view, s.first, s.end)
                    || NATIONAL_ADJECTIVES_IN_THEIR_LANGUAGE.contains(&view.word(s.first)));
            // A lone organisation's word ("the Army said") names no one.
            let lone_org = s.type_id == PERSON
                && !multi
                && view.is_capitalized(s.first)
                && is_org_word(last)
                && !SURNAME_ORG_WORDS.contains(&last);
            let web = s.end - s.first == 1 && is_web_address(view.word(s.first));
            if org_word || lone_org || web || self.is_subsidiary(view, s) {
                s.type_id = ORG;
            }
        }
    }
}

impl EntityTagger<'_> {
    /// Demonyms become NORP; unmistakable place names and well-known organisations the
    /// model left untagged are added.
    pub(super) fn add_gazetteer_spans(&self, view: &DocView, spans: &mut Vec<Span>) {
        // "Amazon rainforest": a name the story sets before a natural
        // feature ([`names_before_a_natural_feature`]) means the place in
        // every mention, not the body the lexicon knows by it.
        let named_for_a_feature: HashSet<&str> = spans
            .iter()
            .filter(|s| s.type_id == LOC && names_natural_feature_after(view.lower_at(s.end)))
            .map(|s| span_text(view, s))
            .collect();
        let mut covered = covered_tokens(view, spans);
        let mut i = 0;
        while i < view.len() {
            let g = view.gaz[i];
            let Some(end) = view.gaz_match_end(i) else {
                i += 1;
                continue;
            };
            let entry = self.gazetteer.entry(g.entry);
            // Provinces share their names with people ("Isabel"): one needs the
            // sentence to put something in it.
            let us_state = || {
                self.gazetteer
                    .readings(entry)
                    .any(|p| p.kind == PlaceKind::State)
            };
            let after_a_locative = |j: usize| LOCATIVES.contains(&view.lower[j].as_str());
            let placed = end - i >= 2 || i.checked_sub(1).is_some_and(after_a_locative);
            // "Migrants landed on Lesbos", "across the English Channel": a
            // natural feature or a region the sentence puts something in or
            // on, where the name does not go on ("Thames Water").
            let on_or_along = |j: usize| {
                after_a_locative(j)
                    || matches!(
                        view.lower[j].as_str(),
                        "on" | "along"
                            | "off"
                            | "over"
                            | "up"
                            | "down"
                            | "crossing"
                            | "crossed"
                            // What storms and earthquakes do to places.
                            | "hit"
                            | "struck"
                            | "battered"
                            | "lashed"
                            | "rocked"
                    )
            };
            // "Mallorca and Ibiza": listed with a place the story tags.
            let listed_with_a_place = |j: usize| {
                matches!(view.word(j), "," | "and" | "or")
                    && spans.iter().any(|s| s.type_id == LOC && s.end == j)
            };
            let listed_before_a_place = || {
                end + 1 < view.len()
                    && matches!(view.word(end), "," | "and" | "or")
                    && spans.iter().any(|s| s.type_id == LOC && s.first == end + 1)
            };
            // A region of one word is as often an adjective ("the
            // Mediterranean coastal town", "Antarctic mountain ranges"),
            // which the model leaves alone; "The" capitalised makes a title
            // ("reported in The Atlantic").
            let placed_feature = (g.has(kind::FEATURE) || g.has(kind::REGION) && end - i >= 2)
                && (i.checked_sub(1).is_some_and(on_or_along)
                    || i >= 2 && view.word(i - 1) == "the" && on_or_along(i - 2)
                    || g.has(kind::FEATURE)
                        && (i.checked_sub(1).is_some_and(listed_with_a_place)
                            || listed_before_a_place()))
                && !view.is_capitalized_in_sentence(end)
                && !(end - i == 1 && view.lower_is_common(i));
            let strong_place = g.has(kind::COUNTRY)
                || g.has(kind::CONTINENT)
                || g.has(kind::STATE) && (placed || us_state());
            // A well-known organisation's name beats whatever the model made of the
            // words inside it ("General Motors" is no general called Motors), and so
            // does a country's name of several words ("DR Congo").
            let org = entry.org.is_some()
                && !strong_place
                && !named_for_a_feature
                    .contains(&view.text[view.tokens[i].start..view.tokens[end - 1].end]);
            let country = g.has(kind::COUNTRY) && end - i >= 2;
            let inside = |s: &Span| s.first >= i && s.end <= end;
            // The model took "Santorini" for someone and "English" of
            // "English Channel" for a people's word.
            let feature_over_the_model = placed_feature
                && spans
                    .iter()
                    .filter(|s| inside(s))
                    .all(|s| matches!(s.type_id, PERSON | MISC));
            if (org || country || feature_over_the_model) && view.is_capitalized(i) {
                let spills = spans
                    .iter()
                    .any(|s| s.first < end && i < s.end && !inside(s));
                if !spills {
                    spans.retain(|s| !inside(s));
                    covered[i..end].iter_mut().for_each(|c| *c = false);
                }
            }
            let free = covered[i..end].iter().all(|c| !c);
            if free && view.is_capitalized(i) {
                let type_id = if entry.org.is_some() && !strong_place {
                    Some(ORG)
                } else if strong_place && (end - i >= 2 || !view.lower_is_common(i))
                    || placed_feature
                {
                    Some(LOC)
                } else if entry.demonym_of.is_some() {
                    Some(MISC)
                } else {
                    None
                };
                if let Some(type_id) = type_id {
                    spans.push(Span {
                        first: i,
                        end,
                        type_id,
                        from_rule: true,
                    });
                }
            }
            i = end;
        }
    }

    /// One name, one type: every mention of a name takes the type it was given most
    /// often, and a name the story calls an organisation somewhere ("the retailer
    /// X", "X's shares") is one everywhere, unless it is a known place.
    pub(super) fn unify_types(&self, view: &DocView, spans: &mut [Span]) {
        let mut votes: HashMap<&str, [usize; 5]> = HashMap::default();
        let mut cued: HashSet<&str> = HashSet::default();
        let mut placed: HashSet<&str> = HashSet::default();
        let mut teams: HashSet<&str> = HashSet::default();
        let mut personed: HashSet<&str> = HashSet::default();
        let full_name_words = full_name_words(view, spans);
        for (k, s) in spans.iter().enumerate() {
            let text = span_text(view, s);
            if !s.from_rule {
                votes.entry(text).or_default()[s.type_id as usize] += 1;
            }
            // "Demosisto's Nathan Law", "Nathan Law of Demosisto": a lone
            // word the model took for a person, that someone of the story
            // belongs to, is the body (or the place) they belong to. Not a
            // given name, nor a word of anyone's full name ("Jordan's
            // Michael Jordan" is too rare to guess at).
            // "The mayor of Denver": an office's place, given name or not.
            if s.type_id == PERSON
                && s.end - s.first == 1
                && !full_name_words.contains(view.word(s.first))
            {
                let place = self.gazetteer.find_place(text).is_some();
                let (someones, an_offices) = what_holds_someone(view, spans, k);
                if an_offices && place {
                    placed.insert(text);
                    continue;
                }
                if (someones || an_offices) && !self.is_given_name(view, s.first) {
                    if place {
                        placed.insert(text);
                    } else {
                        cued.insert(text);
                    }
                    continue;
                }
            }
            // "Chancellor Angela Merkel's spokesperson", "Elon Musk's
            // shares": the words after a person's full name the model gave
            // do not make a body of it; people have spokespeople and
            // shares too. An appositive still does ("X, a company that").
            let someones_full_name = s.type_id == PERSON
                && s.end - s.first >= 2
                && self.is_given_name(view, s.first)
                && !has_org_word(view, s.first, s.end)
                && !(s.first..s.end).any(|i| in_capitals(view.word(i)))
                // "Echo Investment": a word of trade ends a firm's name.
                && (!self.is_ordinary_word(view.word(s.end - 1))
                    || role_before(view, s.first).is_some());
            let cued_here = if someones_full_name {
                org_cue_beyond_words(view, s)
            } else {
                org_cue(view, s) || self.owns_as_a_body(view, s)
            };
            if cued_here {
                cued.insert(text);
            } else if apposition_headed_by(view, s.end, |w| APPOSITIVE_PLACE_HEADS.contains(&w))
                // "The Amazon basin … the Amazon lost": see
                // [`names_before_a_natural_feature`].
                || s.type_id == LOC && names_natural_feature_after(view.lower_at(s.end))
            {
                placed.insert(text);
            } else if apposition_headed_by(view, s.end, |w| APPOSITIVE_PERSON_HEADS.contains(&w))
                // "born in Paris, the daughter of": after a preposition the
                // appositive is the sentence's subject's.
                && !s.first.checked_sub(1).is_some_and(|j| {
                    matches!(
                        view.lower[j].as_str(),
                        "in" | "from" | "at" | "of" | "to" | "near" | "into" | "on"
                    )
                })
            {
                personed.insert(text);
            } else if s.type_id == LOC
                && s.first
                    .checked_sub(1)
                    .is_some_and(|j| view.lower[j] == "band")
                && self.gazetteer.find_place(text).is_none()
            {
                // "The rock band Grateful Dead", a place to the model.
                teams.insert(text);
            } else if s.type_id == PERSON && s.end - s.first == 1 {
                let before = s.first.checked_sub(1).map(|j| view.lower[j].as_str());
                if before == Some("band") || leads_a_team(view, s.end) {
                    teams.insert(text);
                }
            }
        }
        // Unless someone of the story bears the name: "Eddie Van Halen" of
        // the band Van Halen.
        teams.retain(|w| !full_name_words.contains(w));
        for s in spans.iter_mut() {
            let text = span_text(view, s);
            // A rule's span keeps the type the rule gave it, unless the story
            // calls the name a body ("Activision Blizzard, the maker of …"
            // against a mention a rule linked to it as someone's).
            let called_a_body = || cued.contains(text) && self.gazetteer.find_place(text).is_none();
            if s.from_rule {
                if s.type_id == PERSON && called_a_body() {
                    s.type_id = ORG;
                }
                continue;
            }
            // "The rock band Cream" and "Wynnum coach Matt Myers" name a band
            // and a team, even where the team bears a town's name.
            if teams.contains(text) {
                s.type_id = ORG;
                continue;
            }
            // "Aabenraa County was established in 1920 … merged": what is
            // said of bodies is said of counties and provinces too, and a
            // name ending in its kind of division stays the place.
            if called_a_body()
                && !(s.type_id == LOC
                    && s.end - s.first >= 2
                    && DIVISION_WORDS.contains(&view.lower[s.end - 1].as_str()))
            {
                s.type_id = ORG;
                continue;
            }
            if placed.contains(text) && !cued.contains(text) {
                s.type_id = LOC;
                continue;
            }
            // "Valeska Paris, an Australian woman": a person in every mention.
            if personed.contains(text) && !cued.contains(text) {
                s.type_id = PERSON;
                continue;
            }
            if let Some(counts) = votes.get(text)
                && let Some((t, &c)) = counts.iter().enumerate().max_by_key(|(_, c)| **c)
                && c > counts[s.type_id as usize]
            {
                s.type_id = t as u8;
            }
        }
    }
}

impl EntityTagger<'_> {
    /// "Dolgellau, Harlech, Barmouth and Bala": a lone word the model took
    /// for a person, listed next to a place and itself a place the
    /// gazetteer knows, is a place like the rest of its list, unless someone
    /// of the story bears the name. One the gazetteer does not know
    /// ("Harlech") needs the list to go on past it with another name.
    pub(super) fn names_listed_with_their_kind(&self, view: &DocView, spans: &mut [Span]) {
        listed_among(view, spans, LOC, |w| self.gazetteer.find_place(w).is_some());
        // "Greenpeace, Oxfam, Amnesty International and Avaaz": a list of
        // organisations goes on only with organisations; no lexicon of
        // them is at hand to know one alone.
        listed_among(view, spans, ORG, |_| false);
    }
}

/// Retypes to `type_id` each lone word the model took for a person that
/// stands in a list next to a name of that type: where the list goes on
/// past it with another capitalised item, or where `known` says the word
/// is one of that type. A word of a full name of the story stays someone,
/// and so does a given name, unless both hold: the list goes on past it
/// and `known` says it is one of the type ("Madrid, Carmen, Lanuza").
fn listed_among(view: &DocView, spans: &mut [Span], type_id: u8, known: impl Fn(&str) -> bool) {
    let name_words = full_name_words(view, spans);
    let n = view.len();
    let is_separator = |j: usize| matches!(view.word(j), "," | "and" | "or");
    let mut listed = Vec::new();
    for (k, s) in spans.iter().enumerate() {
        if s.type_id != PERSON || s.end - s.first != 1 || name_words.contains(view.word(s.first)) {
            continue;
        }
        // The item before ends one or two separators before the word
        // (", and"), the item after starts as far after it.
        let kin_before = k.checked_sub(1).is_some_and(|p| {
            let prev = &spans[p];
            prev.type_id == type_id
                && (1..=2).contains(&(s.first - prev.end.min(s.first)))
                && (prev.end..s.first).all(is_separator)
        });
        let kin_after = spans.get(k + 1).is_some_and(|next| {
            next.type_id == type_id
                && (1..=2).contains(&(next.first.saturating_sub(s.end)))
                && (s.end..next.first).all(is_separator)
        });
        let listed_on = |j: Option<usize>| j.is_some_and(|j| view.is_capitalized_in_sentence(j));
        let list_goes_on = kin_before
            && listed_on((s.end < n && is_separator(s.end)).then_some(s.end + 1))
            || kin_after && listed_on(s.first.checked_sub(2).filter(|_| is_separator(s.first - 1)));
        let given_name = view.gaz[s.first].has(kind::FIRST_NAME);
        let listed_here = if given_name {
            (kin_before || kin_after) && list_goes_on && known(view.word(s.first))
        } else {
            (kin_before || kin_after) && (list_goes_on || known(view.word(s.first)))
        };
        if listed_here {
            listed.push(k);
        }
    }
    for k in listed {
        spans[k].type_id = type_id;
    }
}

/// Whether `b` follows `a` in a list: "a and b", "a, b", "a, and b".
pub(super) fn listed_together(view: &DocView, a: &Span, b: &Span) -> bool {
    b.first == a.end + 1 && matches!(view.lower[a.end].as_str(), "and" | "or" | "&" | ",")
        || b.first == a.end + 2
            && view.word(a.end) == ","
            && matches!(view.lower[a.end + 1].as_str(), "and" | "or")
}

/// The story's names of two words or more of the types `kept`, by their
/// last word: "Linux" → {"CentOS Linux", "Oracle Linux"}.
pub(super) fn names_by_last_word<'v>(
    view: &'v DocView,
    spans: &[Span],
    kept: impl Fn(u8) -> bool,
) -> HashMap<&'v str, HashSet<&'v str>> {
    let mut names: HashMap<&str, HashSet<&str>> = HashMap::default();
    for s in spans
        .iter()
        .filter(|s| kept(s.type_id) && s.end - s.first >= 2)
    {
        names
            .entry(view.word(s.end - 1))
            .or_default()
            .insert(span_text(view, s));
    }
    names
}

/// One name, one type within a story: a name the model tagged somewhere is tagged
/// wherever else it occurs untagged, with the type it was given most often.
pub(super) fn propagate(view: &DocView, spans: &mut Vec<Span>) {
    let mut votes: HashMap<Vec<&str>, [usize; 5]> = HashMap::default();
    for s in spans.iter().filter(|s| !s.from_rule) {
        let words: Vec<&str> = (s.first..s.end).map(|i| view.word(i)).collect();
        votes.entry(words).or_default()[s.type_id as usize] += 1;
    }
    let mut by_first: HashMap<&str, Vec<(Vec<&str>, u8)>> = HashMap::default();
    for (words, counts) in votes {
        let Some((t, _)) = counts.iter().enumerate().max_by_key(|(_, c)| **c) else {
            continue;
        };
        // A lone capitalised word at a sentence start or in lower case elsewhere is
        // too likely an ordinary word to tag on this evidence alone.
        if t as u8 == MISC {
            continue;
        }
        by_first.entry(words[0]).or_default().push((words, t as u8));
    }
    // Where names share a first word ("CentOS" and "CentOS 8"), the longest that
    // fits is taken, the same one every time (not in the map's random order).
    for cands in by_first.values_mut() {
        cands.sort_unstable_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    }
    let covered = covered_tokens(view, spans);
    let mut added = Vec::new();
    let mut i = 0;
    while i < view.len() {
        let mut advanced = false;
        if !covered[i]
            && let Some(cands) = by_first.get(view.word(i))
        {
            for (words, t) in cands {
                let end = i + words.len();
                let fits = end <= view.len()
                    && (i..end).all(|j| !covered[j] && view.word(j) == words[j - i])
                    && (words.len() > 1 || !view.lower_is_common(i));
                if fits {
                    // Typed like the model's own spans, so one name keeps one type.
                    added.push(Span {
                        first: i,
                        end,
                        type_id: *t,
                        from_rule: false,
                    });
                    i = end;
                    advanced = true;
                    break;
                }
            }
        }
        if !advanced {
            i += 1;
        }
    }
    spans.extend(added);
    spans.sort_by_key(|s| s.first);
}

/// The words before "Reserve" that make it land or sea set aside, not a
/// body's reserve force or bank.
const LAND_RESERVE_KINDS: &[&str] = &[
    "nature",
    "natural",
    "scenic",
    "game",
    "wildlife",
    "marine",
    "forest",
    "biosphere",
    "national",
    "ecological",
    "wilderness",
    "private",
    "provincial",
    "historic",
    "recreation",
];

/// Whether `word` names the members of a party or a political camp in the
/// plural: "Republicans", "Democrats", "Tories", "Socialists".
fn names_a_partys_members(word: &str) -> bool {
    const MEMBERS: &[&str] = &[
        "Republican",
        "Democrat",
        "Conservative",
        "Liberal",
        "Socialist",
        "Communist",
        "Nationalist",
        "Unionist",
        "Loyalist",
        "Separatist",
        "Royalist",
        "Tory",
    ];
    word == "Tories"
        || word
            .strip_suffix('s')
            .is_some_and(|one| MEMBERS.contains(&one))
}

#[cfg(test)]
mod tests {
    use super::{LOC, PERSON};
    use crate::Tagger;
    use crate::entities::spans::spans_named;
    use crate::features::DocView;

    #[test]
    fn a_name_ending_in_a_place_word_is_a_place_unless_it_is_someones() {
        let t = Tagger::load().expect("shipped data loads");
        let retyped = |text: &str, name: &str| {
            let view = DocView::new(text, &t.gazetteer, &t.clusters);
            let mut spans = spans_named(&view, &[(name, PERSON)]);
            t.entity_tagger(None).retype_by_name(&view, &mut spans);
            spans.first().map(|s| s.type_id)
        };
        // A fold's model took the alley for a person.
        assert_eq!(
            retyped("We walked down Diagon Alley to the shop.", "Diagon Alley"),
            Some(LOC)
        );
        // After a given name the place word is a surname.
        assert_eq!(
            retyped("Karen Alley said the shop was closed.", "Karen Alley"),
            Some(PERSON)
        );
    }
}
