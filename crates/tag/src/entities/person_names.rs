//! People's names: given names and surnames, particles and suffixes,
//! names the model split, left out or took for something else, and one
//! person for a full name and the short forms a story uses after it.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::naming::{COMPANY_WORDS, LEGAL_SUFFIXES};
use super::one_type::{listed_together, names_by_last_word};
use super::org_cues::org_cue;
use super::organisations::{ORG_HEADS, has_org_word, is_org_word, names_with_a_legal_form};
use super::place_names::{FAITHS_AND_PEOPLES_MEMBERS, LOCATIVES, is_place_word};
use super::spans::{Span, covered_tokens, span_text};
use super::things::MISC_WORDS;
use super::titles::{
    FOREIGN_TITLES, ROLE_MODIFIERS, is_practitioner, is_title, role_after, role_before,
};
use super::{BODIES, EntityTagger, LOC, MISC, NAMES_NO_ONE, ORG, PERSON};
use crate::annotations::{Entity, EntityType};
use crate::features::{DocView, is_title_word};
use crate::gazetteer::{in_capitals, kind};
use crate::places::ADJECTIVE_SUFFIXES;
use crate::quotes::SPEECH_VERBS;
use crate::word_lists::WordSet;

/// A person's name without the full stop of the sentence it ended, which
/// the tokenizer leaves on a word before a line that opens with no capital
/// ("… Dr Teresa Steele.", then "((WN))"): `None` when the name ends in no
/// stop, or in an initial or a suffix ("J.", "Jr.") whose stop is its own.
pub(super) fn without_sentence_stop(name: &str) -> Option<&str> {
    let stripped = name.strip_suffix('.')?;
    let last = stripped.rsplit(' ').next().unwrap_or(stripped);
    let own_stop = last.chars().count() <= 2
        || last.contains('.')
        || NAME_SUFFIXES.contains(&name.rsplit(' ').next().unwrap_or(name));
    (!own_stop).then_some(stripped)
}

impl EntityTagger<'_> {
    /// "Unlike Chrylser, GM will not …" in a story that names Chrysler: a
    /// lone word that neither the gazetteer nor the language knows, one
    /// slip of the keys away from a word of a name the story gives (two
    /// letters swapped, one left out, added or struck wrong, a capital
    /// missed), is that name misspelt: it takes the name's type, canonical
    /// name and place. The name must stand on its own (named more than
    /// once, or in more than one word, or known to the gazetteer), and be
    /// the only one the word could be a slip for.
    pub(super) fn misspelt_names_are_the_names(&self, entities: &mut [Entity]) {
        let unknown = |w: &str| {
            w.chars().count() >= 5
                && w.chars().all(char::is_alphabetic)
                && !self.is_ordinary_word(w)
                && !is_census_given_name(w)
                && self.gazetteer.lookup(w).is_none()
        };
        let lone: Vec<usize> = (0..entities.len())
            .filter(|&m| {
                let e = &entities[m];
                !e.text.contains(' ') && e.canonical == e.text && unknown(&e.text)
            })
            .collect();
        if lone.is_empty() {
            return;
        }
        let mut mentions: HashMap<&str, usize> = HashMap::default();
        for e in entities.iter() {
            *mentions.entry(e.canonical.as_str()).or_default() += 1;
        }
        // Each name that stands on its own, once: its first mention.
        let mut names: Vec<usize> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::default();
        for (k, other) in entities.iter().enumerate() {
            if other.kind == EntityType::Norp || !seen.insert(other.canonical.as_str()) {
                continue;
            }
            if mentions.get(other.canonical.as_str()).copied().unwrap_or(0) >= 2
                || other.canonical.contains(' ')
                || self.gazetteer.lookup(&other.canonical).is_some()
            {
                names.push(k);
            }
        }
        let mut fixes: Vec<(usize, usize)> = Vec::new();
        for m in lone {
            let slip = entities[m].text.as_str();
            let found: Vec<usize> = names
                .iter()
                .copied()
                .filter(|&k| {
                    let name = &entities[k].canonical;
                    name != slip
                        && name
                            .split(' ')
                            .any(|v| v.chars().count() >= 5 && one_slip_apart(slip, v))
                })
                .collect();
            // Several spellings of one person's name ("Pedro Pierluisi",
            // "Pedro R. Pierluisi Urrutia"): the one the story gives most.
            let one_person = found.len() > 1
                && found
                    .iter()
                    .all(|&k| entities[k].kind == EntityType::Person);
            let chosen = match found.as_slice() {
                [k] => Some(*k),
                _ if one_person => found.iter().copied().max_by_key(|&k| {
                    let count = mentions.get(entities[k].canonical.as_str()).copied();
                    (count.unwrap_or(0), std::cmp::Reverse(k))
                }),
                _ => None,
            };
            if let Some(k) = chosen {
                fixes.push((m, k));
            }
        }
        for (m, k) in fixes {
            let name = entities[k].clone();
            let e = &mut entities[m];
            *e = Entity {
                start: e.start,
                end: e.end,
                text: std::mem::take(&mut e.text),
                role: e.role.take(),
                ..name
            };
        }
    }
}

impl EntityTagger<'_> {
    /// "Transferred to Charité in Berlin … Charité said": a lone word the
    /// story makes a place or a body in at least as many mentions as a
    /// person, and never a word of anyone's full name, a given name or
    /// titled, is that place or body in every mention. It runs late, after
    /// the passes that place or name one mention by its neighbours.
    pub(super) fn lone_names_mostly_no_one(&self, view: &DocView, spans: &mut [Span]) {
        let full_name_words = full_name_words(view, spans);
        let mut counts: HashMap<&str, [usize; 5]> = HashMap::default();
        for s in spans.iter().filter(|s| s.end - s.first == 1) {
            counts.entry(view.word(s.first)).or_default()[s.type_id as usize] += 1;
        }
        let someone = |i: usize| {
            self.is_given_name(view, i)
                || full_name_words.contains(view.word(i))
                || role_before(view, i).is_some()
                || role_after(view, i + 1).is_some()
        };
        let mut no_one: HashMap<&str, u8> = HashMap::default();
        for (w, c) in &counts {
            let persons = c[PERSON as usize];
            if persons == 0 {
                continue;
            }
            if let Some(other) = [ORG, LOC]
                .into_iter()
                .filter(|&t| c[t as usize] >= persons)
                .max_by_key(|&t| c[t as usize])
            {
                no_one.insert(w, other);
            }
        }
        if no_one.is_empty() {
            return;
        }
        // Titled or a given name in any mention: someone after all.
        for s in spans.iter().filter(|s| s.end - s.first == 1) {
            if someone(s.first) {
                no_one.remove(view.word(s.first));
            }
        }
        for s in spans
            .iter_mut()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
        {
            if let Some(&other) = no_one.get(view.word(s.first)) {
                s.type_id = other;
            }
        }
    }

    /// "Qantas plans to …", "poisoned with Novichok", "the Volvo had come
    /// from …": a lone capitalised word the model made someone shows
    /// nothing of a person when it is no census given name or surname, the
    /// story never gives it a title or a full name, in no mention does it
    /// speak, get an age, stand beside someone else or come before "he" or
    /// "she" in its sentence, and no other story named in full someone it
    /// would stand for. News names a person by one word with one of those;
    /// a company, product or drug needs none. Such a word is a thing, not
    /// someone: a body where the lexicons or other stories know it as one,
    /// otherwise no entity. The words of the second kind are returned, for
    /// the tagger to drop once [`EntityTagger::misspelt_names_are_the_names`]
    /// has had its say ("Chrylser" is Chrysler).
    pub(super) fn lone_words_with_nothing_of_someone(
        &self,
        view: &DocView,
        spans: &mut [Span],
    ) -> HashSet<String> {
        const PRONOUNS: &[&str] = &["he", "she", "his", "her", "him", "himself", "herself"];
        let n = view.len();
        let full_name_words = full_name_words(view, spans);
        let people: Vec<Span> = spans
            .iter()
            .filter(|s| s.type_id == PERSON)
            .copied()
            .collect();
        let beside_someone = |s: &Span| {
            people.iter().any(|p| {
                (p.first, p.end) != (s.first, s.end)
                    && (listed_together(view, s, p) || listed_together(view, p, s))
            })
        };
        // "the Obama administration", "a Polish chef named Luckasz",
        // "Hitzig became a professor".
        let said_to_be_someone = |s: &Span| {
            let mut j = s.end;
            let becomes = matches!(
                view.lower_at(j),
                "is" | "was" | "became" | "becomes" | "remains" | "remained"
            );
            if becomes {
                j += 1;
                if matches!(view.lower_at(j), "a" | "an" | "the") {
                    j += 1;
                }
            }
            matches!(view.lower_at(s.end), "administration" | "presidency")
                || s.first >= 1 && view.lower[s.first - 1] == "named"
                || becomes && j < n && is_title_word(view.lower[j].as_str())
        };
        let speaks = |s: &Span| {
            SPEECH_VERBS.contains(&view.lower_at(s.end))
                || s.first >= 1 && SPEECH_VERBS.contains(&view.lower[s.first - 1].as_str())
                || s.first >= 2
                    && view.lower[s.first - 2] == "according"
                    && view.lower[s.first - 1] == "to"
        };
        let aged = |s: &Span| {
            s.end + 1 < n
                && view.word(s.end) == ","
                && view.word(s.end + 1).bytes().all(|b| b.is_ascii_digit())
        };
        let referred_to = |s: &Span| {
            let sentence_end = (s.end..n).find(|&j| view.sent_start[j]).unwrap_or(n);
            let next_opener = view.lower_at(sentence_end);
            (s.end..sentence_end)
                .take_while(|&j| !people.iter().any(|p| p.first == j))
                .any(|j| PRONOUNS.contains(&view.lower[j].as_str()))
                || matches!(next_opener, "he" | "she")
        };
        let mut evidence: HashMap<&str, bool> = HashMap::default();
        for s in spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
        {
            let i = s.first;
            let w = view.word(i);
            // "The Turpins", after David and Louise Turpin: a family.
            let family = w
                .strip_suffix('s')
                .is_some_and(|one| full_name_words.contains(one));
            let someone = self.is_given_name(view, i)
                || self.surnames.contains(&view.lower[i])
                || full_name_words.contains(w)
                || family
                || role_before(view, i).is_some()
                || role_after(view, s.end).is_some()
                || speaks(s)
                || said_to_be_someone(s)
                || aged(s)
                || beside_someone(s)
                || referred_to(s)
                // "Erdoğan signs new law", a flash: other stories named him.
                || self.people.is_some_and(|p| p.knows_someone_by(w));
            *evidence.entry(w).or_insert(false) |= someone;
        }
        let mut no_one = HashSet::default();
        for s in spans
            .iter_mut()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
        {
            let w = view.word(s.first);
            if evidence.get(w) == Some(&false) {
                let g = view.gaz[s.first];
                // "Qantas" where other stories named the airline a body.
                let known_body = g.position() == 1 && g.has_any(BODIES)
                    || self.people.is_some_and(|p| p.knows_organisation(w));
                if known_body {
                    s.type_id = ORG;
                } else {
                    no_one.insert(w.to_string());
                }
            }
        }
        no_one
    }
}

impl EntityTagger<'_> {
    /// "The attacker, identified as Sudesh Amman … Amman had scrawled":
    /// a lone word the model took for a place that is the surname of
    /// someone the story names in full is that person, where no mention of
    /// it puts anything in, at or from it ("born in Washington" beside
    /// "George Washington" stays the place).
    pub(super) fn surnames_taken_for_places(&self, view: &DocView, spans: &mut [Span]) {
        let surnames: HashSet<&str> = spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first >= 2)
            .map(|s| view.word(s.end - 1))
            .filter(|w| w.chars().count() > 2)
            .collect();
        if surnames.is_empty() {
            return;
        }
        let placed = |i: usize| {
            i.checked_sub(1)
                .is_some_and(|j| LOCATIVES.contains(&view.lower[j].as_str()))
                // "Amman, Jordan": a place its region qualifies.
                || view.lower_at(i + 1) == ","
                    && spans.iter().any(|o| o.first == i + 2 && o.type_id == LOC)
        };
        let mut places: HashSet<&str> = HashSet::default();
        let mut candidates: HashSet<&str> = HashSet::default();
        for s in spans
            .iter()
            .filter(|s| s.type_id == LOC && s.end - s.first == 1)
        {
            let w = view.word(s.first);
            if surnames.contains(w) {
                if placed(s.first) {
                    places.insert(w);
                } else {
                    candidates.insert(w);
                }
            }
        }
        for s in spans.iter_mut() {
            if s.type_id == LOC
                && s.end - s.first == 1
                && candidates.contains(view.word(s.first))
                && !places.contains(view.word(s.first))
            {
                s.type_id = PERSON;
            }
        }
    }
}

impl EntityTagger<'_> {
    /// "Killed Qasem Soleimani … Soleimani was arriving": a name of two or
    /// three capitalised words the model gave no reader's type (MISC), ending
    /// in a word the story names a person by alone, is that person's full
    /// name. No word of it is a title, a people's name, a place's or an
    /// organisation's word, nor an ordinary word capitalised ("Why Islam",
    /// "CentOS Stream").
    pub(super) fn misc_names_of_the_storys_people(&self, view: &DocView, spans: &mut [Span]) {
        // Words the story names a person by alone, and never anything else.
        let mut lone_people: HashSet<&str> = spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
            .map(|s| view.word(s.first))
            .collect();
        for s in spans
            .iter()
            .filter(|s| s.type_id != PERSON && s.end - s.first == 1)
        {
            lone_people.remove(view.word(s.first));
        }
        let plain_name_word = |i: usize| {
            self.is_plain_name_word(view, i)
                && !MISC_WORDS.contains(&view.lower[i].as_str())
                && ![kind::DEMONYM, kind::COUNTRY, kind::STATE, kind::CITY_LARGE]
                    .iter()
                    .any(|&k| view.gaz[i].has(k))
        };
        for s in spans.iter_mut().filter(|s| s.type_id == MISC) {
            // A saint's name is as often a church's or a painting's ("St
            // Jerome in his Study").
            let saint = matches!(view.lower[s.first].as_str(), "st" | "st." | "saint");
            if (2..=3).contains(&(s.end - s.first))
                && !saint
                && lone_people.contains(view.word(s.end - 1))
                && (s.first..s.end).all(plain_name_word)
                && !has_org_word(view, s.first, s.end)
            {
                s.type_id = PERSON;
            }
        }
    }

    /// "Nancy Pelosi, the Speaker": a given name the model took for the
    /// town of that name, with a surname, is a person's first name, whether
    /// the model's place span holds the surname or stops before it. The
    /// surname is one capitalised word, ending the name, that names no
    /// place, body, title or ordinary thing ("Nancy France", "Lincoln Park"
    /// stay places), and the two words are no place's name together; a
    /// person's span the model gave the surname alone is joined.
    pub(super) fn given_names_taken_for_towns(&self, view: &DocView, spans: &mut Vec<Span>) {
        let n = view.len();
        let surname = |j: usize| {
            let lower = view.lower[j].as_str();
            self.is_plain_name_word(view, j)
                && !crate::places::names_a_kind_of_place(lower)
                && !crate::figures::is_day_or_month(lower)
                && !is_org_word(lower)
                && !view.gaz[j].has_any(NAMES_NO_ONE)
                && (j + 1 >= n || view.sent_start[j + 1] || !view.is_capitalized(j + 1))
        };
        let mut k = 0;
        while k < spans.len() {
            let s = spans[k];
            // "the Hang Seng", "in Carmel Valley": an article or a
            // preposition of place before the name puts a place there.
            let placed = s
                .first
                .checked_sub(1)
                .is_some_and(|b| matches!(view.lower[b].as_str(), "the" | "in" | "at" | "near"));
            let given = s.type_id == LOC && !placed && self.is_given_name(view, s.first);
            let words = s.end - s.first;
            if given && words == 2 && surname(s.first + 1) {
                let text = span_text(view, &s);
                if self
                    .gazetteer
                    .find_place(text)
                    .is_none_or(|f| f.name != text)
                {
                    spans[k].type_id = PERSON;
                }
            } else if given && words == 1 && s.end < n && !view.sent_start[s.end] && surname(s.end)
            {
                let j = s.end;
                match spans.get(k + 1) {
                    Some(next)
                        if next.first == j && next.type_id == PERSON && next.end == j + 1 =>
                    {
                        spans.remove(k + 1);
                    }
                    Some(next) if next.first == j => {
                        k += 1;
                        continue;
                    }
                    _ => {}
                }
                spans[k] = Span {
                    end: j + 1,
                    type_id: PERSON,
                    ..s
                };
            }
            k += 1;
        }
    }

    /// "Councillors Claudia Mo of the Civic Party": a given name and one
    /// more capitalised word the model left untagged (or took the given
    /// name alone for a thing), standing alone (no capitalised word either
    /// side), are someone's full name. Neither word may be a place, a
    /// people or an organisation the gazetteer knows (a small town may
    /// share the given name), an ordinary word, a title or a faith ("Roman
    /// Catholic").
    pub(super) fn full_names_left_untagged(&self, view: &DocView, spans: &mut Vec<Span>) {
        let n = view.len();
        // A lone word the model called a thing ("Claudia") is as good as
        // untagged here.
        let lone_thing = |s: &Span| s.type_id == MISC && s.end - s.first == 1;
        let named: Vec<Span> = spans.iter().filter(|s| !lone_thing(s)).copied().collect();
        let covered = covered_tokens(view, &named);
        let mut added = Vec::new();
        for given in 0..n.saturating_sub(1) {
            let family = given + 1;
            let alone_before =
                given == 0 || view.sent_start[given] || !view.is_capitalized(given - 1);
            let alone_after = family + 1 >= n || !view.is_capitalized(family + 1);
            if covered[given]
                || covered[family]
                || !view.is_capitalized(given)
                || !view.is_capitalized(family)
                || !alone_before
                || !alone_after
                || view.sent_start[family]
                || !self.is_given_name(view, given)
                || !self.is_plain_name_word(view, given)
                || !self.is_plain_name_word(view, family)
                || view.gaz[family].has_any(NAMES_NO_ONE)
                // Many given names are small towns' too ("Crystal").
                || view.gaz[given].has_any(NAMES_NO_ONE & !kind::set(&[kind::CITY_SMALL]))
                || FAITHS_AND_PEOPLES_MEMBERS.contains(&view.word(family))
                || has_org_word(view, given, family + 1)
            {
                continue;
            }
            added.push(Span {
                first: given,
                end: family + 1,
                type_id: PERSON,
                from_rule: true,
            });
        }
        spans.retain(|s| {
            !(lone_thing(s)
                && added
                    .iter()
                    .any(|a: &Span| a.first <= s.first && s.end <= a.end))
        });
        spans.extend(added);
        spans.sort_by_key(|s| s.first);
    }

    /// "The death of Antonin Scalia", "the wife of Mo Jiao": after a noun
    /// said only of people and "of", a name the model took for a place, that
    /// no gazetteer knows and that ends in no place's word, is someone's.
    pub(super) fn people_after_a_persons_noun(&self, view: &DocView, spans: &mut [Span]) {
        for s in spans.iter_mut().filter(|s| s.type_id == LOC) {
            let words = s.end - s.first;
            if s.first >= 2
                && (2..=3).contains(&words)
                && view.lower[s.first - 1] == "of"
                && PERSONS_NOUNS.contains(&view.lower[s.first - 2])
                && (s.first..s.end).all(|i| self.is_plain_name_word(view, i))
                && !is_place_word(view.lower[s.end - 1].as_str())
                && self.gazetteer.find_place(span_text(view, s)).is_none()
            {
                s.type_id = PERSON;
            }
        }
    }
}

impl EntityTagger<'_> {
    /// Someone the model ran into an organisation's name: "Alvin Yeung of
    /// Civic Party" and "Abderrahman Samba of Qatar" are a person of a body
    /// or a country; "United Nations Nikki Haley" and "House Nancy Pelosi"
    /// a body (or an office) and the person after it. A given name opens
    /// the person's part, which holds no organisation's word and is two or
    /// three capitalised words; the rest keeps the organisation's type, or
    /// a place's when it is one ("of Qatar"). Before "of" and a country's
    /// name, a person's name needs no given name a list holds, and the
    /// model may have made the whole a place.
    pub(super) fn people_inside_organisations(&self, view: &DocView, spans: &mut Vec<Span>) {
        const PLACE_KINDS: [u8; 6] = [
            kind::COUNTRY,
            kind::STATE,
            kind::CONTINENT,
            kind::REGION,
            kind::CITY_LARGE,
            kind::DEMONYM,
        ];
        // Two or three capitalised words, and a surname's particles ("Ursula
        // von der Leyen"), opened by a given name that is no place's here:
        // "America" of "Make America Great Again", "Angeles" of "Los
        // Angeles Lakers" and "France" of "Air France A330" are given names
        // too.
        let names_someone = |first: usize, end: usize| {
            let particles = (first..end)
                .filter(|&i| JOINING_PARTICLES.contains(&view.word(i)))
                .count();
            (2..=3).contains(&(end - first - particles))
                && (self.is_given_name(view, first)
                    && !PLACE_KINDS.iter().any(|&k| view.gaz[first].has(k))
                    // "Cheng Chung-tai of Civic Passion": a family name (which
                    // may be a city's other name too), then a given name of
                    // two syllables joined by a hyphen.
                    || end - first == 2 && is_hyphenated_given_name(view.word(first + 1)))
                && (first..end).all(|i| {
                    JOINING_PARTICLES.contains(&view.word(i))
                        || view.is_capitalized(i)
                            && !in_capitals(view.word(i))
                            && !view.word(i).chars().any(|c| c.is_ascii_digit())
                })
                && view.is_capitalized(end - 1)
                && !has_org_word(view, first, end)
                && !view.gaz[end - 1].has(kind::ORG_SEEN)
        };
        // "Karsten Warholm of Norway", "Sadio Mane of Senegal": results
        // and reports name athletes, envoys and laureates by their country,
        // and the model reads the whole as a body's name ("Bank of
        // England") or a place's ("Gulf of Mexico"). A name whose given
        // name no list holds is someone's there too where its words are
        // written as a person's name, its first is no word of the language
        // ("National Bank of Egypt"; a surname may be one, "Mane"), and the
        // story does not give it alone as a body's ("Boko Haram of
        // Nigeria … Boko Haram said").
        let bodies_alone: HashSet<&str> = spans
            .iter()
            .filter(|s| s.type_id == ORG)
            .map(|s| span_text(view, s))
            .collect();
        let someone_of_a_country = |first: usize, of: usize, end: usize| {
            let country = of + 1 + usize::from(view.word(of + 1) == "the");
            let name = &view.text[view.tokens[first].start..view.tokens[of - 1].end];
            (2..=3).contains(&(of - first))
                && country < end
                && view.gaz[country].has(kind::COUNTRY)
                && view.gaz_match_end(country) == Some(end)
                && !self.is_ordinary_word(view.word(first))
                && (first..of)
                    .all(|i| written_as_a_persons_name(view, i) && !view.gaz[i].has_any(BODIES))
                && !bodies_alone.contains(name)
        };
        let mut added = Vec::new();
        // A person's span opened by a body's name ("Senate Mitch McConnell",
        // "European Commission Ursula von der Leyen") is taken apart too,
        // before the rules make any name with a body's word an
        // organisation. A title inside ("US Secretary of State Mike
        // Pompeo", "Members of Parliament") is left to the passes that take
        // titles apart.
        for s in spans.iter_mut().filter(|s| {
            (matches!(s.type_id, ORG | LOC)
                || s.type_id == PERSON && has_org_word(view, s.first, s.end))
                && s.end - s.first >= 3
                && !(s.first..s.end).any(|i| {
                    is_title(view, i) || matches!(view.lower[i].as_str(), "member" | "members")
                })
        }) {
            let of = (s.first + 2..s.end - 1).find(|&k| view.lower[k] == "of");
            let of_a_country = of.filter(|&k| someone_of_a_country(s.first, k, s.end));
            if let Some(k) =
                of_a_country.or(of.filter(|&k| s.type_id != LOC && names_someone(s.first, k)))
            {
                let mut rest = Span {
                    first: k + 1 + usize::from(of_a_country.is_some() && view.word(k + 1) == "the"),
                    end: s.end,
                    type_id: ORG,
                    from_rule: true,
                };
                if !has_org_word(view, rest.first, rest.end)
                    && self.is_country_or_state(span_text(view, &rest))
                {
                    rest.type_id = LOC;
                }
                added.push(rest);
                s.end = k;
                s.type_id = PERSON;
            } else if let Some(k) = (s.first + 1..s.end - 1).find(|&k| {
                s.type_id != LOC
                    && names_someone(k, s.end)
                    && !matches!(
                        view.lower[k - 1].as_str(),
                        "of" | "and" | "for" | "&" | "the"
                    )
                    && view.is_capitalized(k - 1)
            }) {
                added.push(Span {
                    first: k,
                    end: s.end,
                    type_id: PERSON,
                    from_rule: true,
                });
                s.end = k;
                s.type_id = ORG;
            }
        }
        spans.extend(added);
        spans.sort_by_key(|s| s.first);
    }

    /// "NYC Mayor de Blasio", "Board Member Jennifer Homendy", "Sultan
    /// Qaboos of Oman": a title inside a span the model made a body, with a
    /// name after it, is a person's, and the span is taken apart. The name
    /// is one to three capitalised words (and a surname's particles), none
    /// a body's word, a word of the language or a name the lexicons hold as
    /// a body's: "General Electric" and "Queen Elizabeth Hospital" stay
    /// whole. The person keeps the title, for the rules that take titles
    /// off as roles; a place after "of" ("of Oman") becomes the place, and
    /// what stands before the title stays a body only where the lexicons or
    /// the story know it as one.
    pub(super) fn people_after_a_title_inside_an_organisation(
        &self,
        view: &DocView,
        spans: &mut Vec<Span>,
    ) {
        let known_orgs: HashSet<&str> = spans
            .iter()
            .filter(|s| s.type_id == ORG)
            .map(|s| span_text(view, s))
            .collect();
        let name_word = |i: usize| {
            JOINING_PARTICLES.contains(&view.word(i))
                || view.is_capitalized(i)
                    && !in_capitals(view.word(i))
                    && !self.is_ordinary_word(view.word(i))
                    && !is_org_word(&view.lower[i])
                    && !is_title(view, i)
                    && !view.gaz[i].has_any(BODIES)
                    && !view.gaz[i].has(kind::COUNTRY)
                    && !view.gaz[i].has(kind::STATE)
        };
        let mut added = Vec::new();
        for s in spans.iter_mut() {
            if s.end - s.first < 2 || !matches!(s.type_id, ORG | PERSON) {
                continue;
            }
            let inside = (s.first..s.end - 1).find(|&k| {
                is_title(view, k) || matches!(view.lower[k].as_str(), "member" | "members")
            });
            // "Bishop Emeritus Dinualdo Gutierrez of Marbel": the title
            // stands just before the span, a word of it inside.
            let before = (s.first > 0 && is_title(view, s.first - 1)).then(|| s.first - 1);
            let Some(title) = inside.or(before) else {
                continue;
            };
            // A person's span is taken apart only where a body's word
            // stands before the title ("Board Member Jennifer Homendy").
            if s.type_id == PERSON && !(title > s.first && has_org_word(view, s.first, title)) {
                continue;
            }
            let title = (title + 1..s.end)
                .take_while(|&k| matches!(view.lower[k].as_str(), "emeritus" | "elect"))
                .last()
                .unwrap_or(title);
            let name_end = (title + 1..s.end)
                .find(|&k| view.lower[k] == "of")
                .unwrap_or(s.end);
            let words = name_end - (title + 1);
            if !(1..=3).contains(&words)
                || !(title + 1..name_end).all(name_word)
                || !view.is_capitalized(name_end - 1)
            {
                continue;
            }
            if name_end < s.end {
                let place = Span {
                    first: name_end + 1,
                    end: s.end,
                    type_id: LOC,
                    from_rule: true,
                };
                let text = span_text(view, &place);
                let a_place =
                    self.is_country_or_state(text) || self.gazetteer.find_place(text).is_some();
                if has_org_word(view, place.first, place.end) || !a_place {
                    continue;
                }
                added.push(place);
            }
            if title > s.first {
                let before = Span {
                    end: title,
                    from_rule: true,
                    ..*s
                };
                let known = (before.first..before.end).any(|i| view.gaz[i].has_any(BODIES))
                    || known_orgs.contains(span_text(view, &before));
                if known || has_org_word(view, before.first, before.end) {
                    added.push(before);
                }
            }
            // "Mayor de Blasio" is the surname alone, as the story's other
            // "de Blasio"s are, for them all to be the "Bill de Blasio" it
            // names in full.
            let after_particles = (title + 1..name_end)
                .find(|&i| !JOINING_PARTICLES.contains(&view.word(i)))
                .unwrap_or(title + 1);
            s.first = if after_particles > title + 1 {
                after_particles
            } else {
                title
            };
            s.end = name_end;
            s.type_id = PERSON;
            s.from_rule = true;
        }
        spans.extend(added);
        spans.sort_by_key(|s| s.first);
    }
}

impl EntityTagger<'_> {
    /// Whether token `i` is a given name: the census's, or one the
    /// training annotations give.
    pub(super) fn is_given_name(&self, view: &DocView, i: usize) -> bool {
        is_given_name_at(view, i)
    }

    /// Whether token `i`, capitalised, says what someone is: an ordinary
    /// word ("Historian", "Voter"), a practitioner's noun ("Violinist"), or
    /// a title of another language or office ([`FOREIGN_TITLES`]).
    pub(super) fn describes_someone(&self, view: &DocView, i: usize) -> bool {
        let word = view.word(i);
        let lower = view.lower[i].as_str();
        !in_capitals(word)
            && word.starts_with(char::is_uppercase)
            && (self.is_ordinary_word(word)
                || FOREIGN_TITLES.contains(&lower)
                || is_practitioner(view, i))
    }
}

impl EntityTagger<'_> {
    /// Within-story coreference for people: a later "Roe" (or an earlier one) is the
    /// "Jane Roe" of the story; a surname the model typed ORG/LOC, or left untagged,
    /// becomes that person.
    pub(super) fn link_people(&self, view: &DocView, spans: &mut Vec<Span>) {
        let mut name_parts: HashSet<&str> = HashSet::default();
        // Surnames, which may be title words ("John Major", "Martin Luther
        // King Jr."): a later "Major said" is him, not a rank.
        let surnames = surnames_of_full_names(view, spans);
        for s in spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first >= 2)
        {
            for part in standalone_words(view, s) {
                if part.chars().filter(|c| c.is_alphabetic()).count() >= 2
                    && !PRONOUNS.contains(&part)
                {
                    name_parts.insert(part);
                }
            }
        }
        // A country's name alone ("signed by Burma and its neighbours") is the
        // country, though the census lists it as a given name too, unless a
        // person of the story has it in their name.
        for s in spans
            .iter_mut()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
        {
            let g = view.gaz[s.first];
            if g.has(kind::COUNTRY) && g.is_begin() && !name_parts.contains(view.word(s.first)) {
                s.type_id = LOC;
            }
        }
        if name_parts.is_empty() {
            return;
        }
        // "Red Hat" in a story of the company and of a "Red Hatter": a word
        // of someone's name that opens a longer name the story gives
        // something else is that name's, which tags it further on.
        let longer_names: Vec<Vec<&str>> = spans
            .iter()
            .filter(|s| s.type_id != PERSON && s.end - s.first >= 2)
            .map(|s| (s.first..s.end).map(|j| view.word(j)).collect())
            .collect();
        let opens_a_longer_name = |i: usize| {
            longer_names.iter().any(|name| {
                i + name.len() <= view.len()
                    && name.iter().enumerate().all(|(k, w)| view.word(i + k) == *w)
            })
        };
        let mut covered = vec![false; view.len()];
        for s in spans.iter_mut() {
            if s.end - s.first == 1
                && s.type_id != PERSON
                && !s.from_rule
                && name_parts.contains(view.word(s.first))
            {
                let g = view.gaz[s.first];
                if !(g.has(kind::COUNTRY) || g.has(kind::STATE)) {
                    s.type_id = PERSON;
                }
            }
            covered[s.first..s.end].iter_mut().for_each(|c| *c = true);
        }
        for (i, &taken) in covered.iter().enumerate() {
            if !taken
                && view.is_capitalized(i)
                && name_parts.contains(view.word(i))
                && !view.lower_is_common(i)
                && !opens_a_longer_name(i)
                && (!is_title(view, i)
                    || surnames.contains(view.word(i))
                        && i.checked_sub(1).is_none_or(|p| view.lower[p] != "the"))
            {
                spans.push(Span {
                    first: i,
                    end: i + 1,
                    type_id: PERSON,
                    from_rule: true,
                });
            }
        }
    }
}

/// "… the George Floyd Justice in Policing Act" in a story that names
/// George Floyd: where the model read the name of a law or a place as two
/// people side by side, "George" and then "Floyd" (the second often found by
/// [`EntityTagger::link_people`]), the two are the one person the story
/// names in full. People next to each other merge only when nothing but
/// a space parts them and together they are a full name the story gives
/// elsewhere, so "Smith, Jones" and "told Anna Maria" stay as they are.
pub(super) fn parts_of_a_full_name_joined(view: &DocView, spans: &mut Vec<Span>) {
    let words = |first: usize, end: usize| (first..end).map(|i| view.word(i)).collect::<Vec<_>>();
    let full_names: HashSet<Vec<&str>> = spans
        .iter()
        .filter(|s| s.type_id == PERSON && s.end - s.first >= 2)
        .map(|s| words(s.first, s.end))
        .collect();
    if full_names.is_empty() {
        return;
    }
    spans.sort_by_key(|s| s.first);
    let mut k = 0;
    while k + 1 < spans.len() {
        let (a, b) = (&spans[k], &spans[k + 1]);
        let joined = a.type_id == PERSON
            && b.type_id == PERSON
            && a.end == b.first
            && view.tokens[a.end - 1].end + 1 == view.tokens[b.first].start
            && view.text.as_bytes()[view.tokens[a.end - 1].end] == b' '
            && full_names.contains(&words(a.first, b.end));
        if joined {
            spans[k].end = spans[k + 1].end;
            spans.remove(k + 1);
        } else {
            k += 1;
        }
    }
}

/// Capitalised pronouns the model may take for a name ("I" starts many answers).
pub(super) const PRONOUNS: &[&str] = &[
    "I", "We", "He", "She", "It", "They", "You", "Me", "Us", "Him", "Her", "Them",
];

/// "FTU's Kwok Wai-keung", "Lau Siu-lai", "Kim Jong-un": a family name of
/// one syllable, then a given name of two joined by a hyphen, is how
/// Cantonese, Korean and some Mandarin names are written in English. The
/// model often leaves the pair untagged, takes the given name alone, or
/// calls the pair a body it read in a list of bodies; all three become the
/// person. Both words must read as romanised syllables, which "Blu-ray",
/// "Co-author" and "Long-term" do not.
pub(super) fn names_with_a_hyphenated_given_name(view: &DocView, spans: &mut Vec<Span>) {
    let n = view.len();
    let mut added = Vec::new();
    for given in 1..n {
        let family = given - 1;
        let word = view.word(given);
        if view.sent_start[given]
            || !view.is_capitalized(given)
            || !is_hyphenated_given_name(word)
            || !word.to_lowercase().split('-').all(is_romanised_syllable)
            || view.tokens[family].end + 1 != view.tokens[given].start
            || !view.is_capitalized(family)
            || in_capitals(view.word(family))
            || !is_romanised_syllable(&view.lower[family])
        {
            continue;
        }
        let holding = |i: usize| spans.iter().position(|s| s.first <= i && i < s.end);
        match (holding(family), holding(given)) {
            (None, None) => added.push(Span {
                first: family,
                end: given + 1,
                type_id: PERSON,
                from_rule: true,
            }),
            (None, Some(k)) if spans[k].first == given => {
                spans[k].first = family;
                spans[k].type_id = PERSON;
            }
            (Some(k), None) if spans[k].end == given => {
                spans[k].end = given + 1;
                spans[k].type_id = PERSON;
            }
            (Some(k), Some(m))
                if k == m && spans[k].first == family && spans[k].end == given + 1 =>
            {
                spans[k].type_id = PERSON;
            }
            _ => {}
        }
    }
    spans.extend(added);
    spans.sort_by_key(|s| s.first);
}

/// One syllable of a romanised Chinese or Korean name, in lower case: an
/// initial consonant or two, a glide, one to three vowels and a final
/// ("keung", "chun", "siu", "park", "jong", "un").
fn is_romanised_syllable(syllable: &str) -> bool {
    const INITIALS: &[&str] = &[
        "ch", "ts", "sh", "kw", "gw", "ng", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n",
        "p", "q", "r", "s", "t", "w", "x", "y", "z", "",
    ];
    const FINALS: &[&str] = &["ng", "rk", "n", "m", "k", "p", "t", "h", "r", "l", "w", ""];
    let vowels = |s: &str| (1..=3).contains(&s.len()) && s.chars().all(|c| "aeiouy".contains(c));
    INITIALS
        .iter()
        .filter_map(|i| syllable.strip_prefix(i))
        .any(|rest| {
            let rest = rest
                .strip_prefix('w')
                .filter(|r| !r.is_empty())
                .unwrap_or(rest);
            FINALS
                .iter()
                .filter_map(|f| rest.strip_suffix(f))
                .any(vowels)
        })
}

/// "Kwok-kin", "Cheuk-yan": capitalised, then a hyphen and a lower-case syllable.
pub(super) fn is_hyphenated_given_name(word: &str) -> bool {
    let Some((a, b)) = word.split_once('-') else {
        return false;
    };
    a.chars().next().is_some_and(char::is_uppercase)
        && a.chars().skip(1).all(char::is_lowercase)
        && !b.is_empty()
        // A syllable: "chung", "cheung", "zhuang"; not "Sanders-backed".
        && b.len() <= 6
        && b.chars().all(char::is_lowercase)
        && !ADJECTIVE_SUFFIXES.iter().any(|suffix| suffix.strip_prefix('-') == Some(b))
}

/// Every word of the full names (two words or more) of the story's people:
/// "Bruno", "Mars", "David", "Turpin".
pub(super) fn full_name_words<'v>(view: &'v DocView, spans: &[Span]) -> HashSet<&'v str> {
    spans
        .iter()
        .filter(|s| s.type_id == PERSON && s.end - s.first >= 2)
        .flat_map(|s| (s.first..s.end).map(|i| view.word(i)))
        .collect()
}

/// The surnames of the people the story names in full ("Biden" of "Joe
/// Biden", "King" of "Martin Luther King Jr.").
fn surnames_of_full_names<'v>(view: &'v DocView, spans: &[Span]) -> HashSet<&'v str> {
    spans
        .iter()
        .filter(|s| s.type_id == PERSON && s.end - s.first >= 2)
        .map(|s| surname_of(view, s))
        .collect()
}

/// Surname particles written capitalised inside a name ("Rocky De La
/// Fuente", "Vincent Van Gogh").
pub(super) const CAPITALISED_PARTICLES: &[&str] = &[
    "De", "Del", "Della", "Da", "Das", "Dos", "Di", "Du", "La", "Le", "Van", "Von", "Bin", "Al",
    "El",
];

/// Kin, said of a person both before "of" ("the wife of") and before the
/// name ("his wife Melania").
const KIN: &[&str] = &[
    "widow",
    "wife",
    "husband",
    "son",
    "daughter",
    "mother",
    "father",
    "brother",
    "sister",
    "grandson",
    "granddaughter",
];

/// Nouns said of a person, before "of" and the person's name: "the death
/// of", "the wife of", "the nomination of".
static PERSONS_NOUNS: WordSet = WordSet::of(&[KIN, NOUNS_OF_A_PERSON]);

const NOUNS_OF_A_PERSON: &[&str] = &[
    "death",
    "funeral",
    "widower",
    "murder",
    "assassination",
    "killing",
    "arrest",
    "nomination",
    "resignation",
    "impeachment",
    "biography",
    "memoir",
    "birthday",
];

/// Lower-case words that may sit inside a name: "Bank of Japan", "Ludwig van
/// Beethoven", "Osama bin Laden", "Stratford upon Avon".
pub(super) const NAME_PARTICLES: &[&str] = &[
    "of", "and", "the", "for", "on", "upon", "in", "at", "de", "del", "della", "der", "den", "des",
    "du", "da", "das", "dos", "di", "van", "von", "la", "le", "el", "al", "bin", "ibn", "y", "e",
    "und", "et", "zu", "af", "ter", "ten", "op", "to", "&",
];

/// Particles a surname opens with ("Ludwig van Beethoven", "Bill de
/// Blasio"), which the surname keeps when said alone ("Van Beethoven").
const SURNAME_PARTICLES: &[&str] = &[
    "van", "von", "de", "del", "della", "der", "den", "des", "du", "da", "das", "dos", "di", "la",
    "le", "bin", "ibn", "ter", "ten",
];

/// Whether `word` is a surname's particle written in lower case ("van",
/// "de", "bin").
pub(super) fn is_surname_particle(word: &str) -> bool {
    static PARTICLES: WordSet = WordSet::of(&[SURNAME_PARTICLES]);
    PARTICLES.contains(word)
}

/// "Leon van Biljon … Van Biljon was seventy … unable to save van
/// Biljon": a surname with its particle, or after it, of someone the story
/// names in full, is that person in every mention, whatever the model made
/// of it. It runs after the passes that find such a full name late (a
/// name the model took for an unknown place). Not where the story calls
/// the name a body's or a band's ("the band Van Halen").
pub(super) fn surnames_with_a_particle(view: &DocView, spans: &mut [Span]) {
    let lower_words =
        |r: std::ops::Range<usize>| -> Vec<&str> { r.map(|i| view.lower[i].as_str()).collect() };
    let surnames: Vec<Vec<&str>> = spans
        .iter()
        .filter(|s| s.type_id == PERSON && s.end - s.first >= 3)
        .filter_map(|s| {
            (s.first + 1..s.end - 1)
                .find(|&k| is_surname_particle(view.word(k)))
                .map(|k| lower_words(k..s.end))
        })
        .collect();
    if surnames.is_empty() {
        return;
    }
    for s in spans.iter_mut().filter(|s| matches!(s.type_id, ORG | LOC)) {
        let before = s.first.checked_sub(1);
        let particle_before = before.filter(|&j| is_surname_particle(view.word(j)));
        let with_particle = match particle_before {
            Some(j) => lower_words(j..s.end),
            None => lower_words(s.first..s.end),
        };
        if surnames.contains(&with_particle)
            && before.is_none_or(|j| view.lower[j] != "band")
            && !org_cue(view, s)
        {
            s.type_id = PERSON;
        }
    }
}

/// Name particles written joined to the name after them ("al-Assad",
/// "el-Sisi", "bin-Salman"); the name is also said without them ("Assad").
const JOINED_PARTICLES: &[&str] = &["al-", "el-", "ul-", "bin-", "ibn-", "abu-", "abd-"];

/// A person's surname without a particle joined to it: "al-Assad" is
/// "Assad" further on.
fn without_joined_particle(word: &str) -> Option<&str> {
    JOINED_PARTICLES.iter().find_map(|p| {
        word.strip_prefix(p)
            .filter(|rest| rest.chars().next().is_some_and(char::is_uppercase))
    })
}

/// Generational suffixes, part of a person's name.
pub(crate) const NAME_SUFFIXES: &[&str] = &["Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"];

/// The surname of a person's name of two words or more: its last word, or
/// the word before a generational suffix ("King" of "Martin Luther King
/// Jr.").
fn surname_of<'t>(view: &DocView<'t>, s: &Span) -> &'t str {
    let last = s.end - 1;
    if last > s.first + 1 && NAME_SUFFIXES.contains(&view.word(last)) {
        &view.text[view.tokens[last - 1].start..view.tokens[last - 1].end]
    } else {
        &view.text[view.tokens[last].start..view.tokens[last].end]
    }
}

/// The words that may stand alone for a person named in full by `words`
/// (two or more): the surname (the word before a generational suffix, "King"
/// of "Martin Luther King Jr."), and it without a joined particle ("Assad" of
/// "Bashar al-Assad"), the last word and the first ("Xi" of "Xi Jinping").
/// Within a story ([`standalone_words`]) and across stories
/// ([`crate::people::KnownPeople`]) alike.
pub(crate) fn name_standalone_words<'a>(
    words: &[&'a str],
) -> impl Iterator<Item = &'a str> + use<'a> {
    let n = words.len();
    let first = words.first().copied().unwrap_or_default();
    let last = words.last().copied().unwrap_or_default();
    let surname = if n > 2 && NAME_SUFFIXES.contains(&last) {
        words[n - 2]
    } else {
        last
    };
    [surname, last, first]
        .into_iter()
        .chain(without_joined_particle(surname))
}

/// The words that may stand alone, later in a story, for a person it names
/// in full in span `s` ([`name_standalone_words`]).
pub(super) fn standalone_words<'v>(
    view: &'v DocView,
    s: &Span,
) -> impl Iterator<Item = &'v str> + use<'v> {
    let words: Vec<&'v str> = (s.first..s.end).map(|i| view.word(i)).collect();
    name_standalone_words(&words)
}

/// "When I was a young man in Air Force ROTC I was chosen": the model ran
/// the pronoun "I" into the name before it, as if a monarch's numeral
/// ("Charles I"). An "I" that ends a name, where a word in lower case
/// follows and the name before it is no lone given name or titled name
/// ("Elizabeth I was crowned", "Shah Abbas I built"), is the speaker, and
/// the name ends before it.
pub(super) fn the_pronoun_i_ends_no_name(
    view: &DocView,
    spans: &mut [Span],
    is_given_name: impl Fn(usize) -> bool,
) {
    // "Shah Abbas I built": rulers' titles that are no office of today.
    const RULERS: &[&str] = &[
        "shah", "tsar", "czar", "sultan", "emperor", "empress", "pharaoh", "kaiser", "caliph",
        "emir", "khan", "negus",
    ];
    for s in spans.iter_mut() {
        let last = s.end - 1;
        if s.end - s.first < 2 || view.word(last) != "I" {
            continue;
        }
        let verb_after = s.end < view.len() && view.word(s.end).starts_with(char::is_lowercase);
        // "Charles I", "King Edward I".
        let titled = (s.first.saturating_sub(1)..last)
            .any(|i| is_title(view, i) || RULERS.contains(&view.lower[i].as_str()));
        let monarch = s.end - s.first == 2 && is_given_name(s.first) || titled;
        if verb_after && !monarch {
            s.end = last;
        }
    }
}

/// Whether token `i` is a given name: the census's, or one the training
/// annotations give.
fn is_given_name_at(view: &DocView, i: usize) -> bool {
    view.gaz[i].has(kind::FIRST_NAME) || is_census_given_name(view.word(i))
}

/// "Bankman-Fried", "Zeta-Jones": a double-barrelled surname, two or more
/// capitalised parts of letters joined by hyphens.
fn is_double_barrelled(word: &str) -> bool {
    let mut parts = 0;
    for part in word.split('-') {
        let mut chars = part.chars();
        let capitalised = chars.next().is_some_and(char::is_uppercase)
            && chars.clone().next().is_some()
            && chars.all(char::is_lowercase);
        if !capitalised {
            return false;
        }
        parts += 1;
    }
    parts >= 2
}

/// A person's name goes on where the model stopped short: over a surname
/// with a joined particle ("Bashar al-Assad"), a title word that is a
/// surname because no name follows it ("John Major said", "Martin Luther
/// King Jr."), a double-barrelled surname after a given name alone ("Sam
/// Bankman-Fried", which the model read as "Sam"), and a generational
/// suffix.
pub(super) fn names_go_on(view: &DocView, spans: &mut [Span]) {
    let n = view.len();
    let is_suffix = |i: usize| i < n && NAME_SUFFIXES.contains(&view.word(i));
    let starts: HashSet<usize> = spans.iter().map(|s| s.first).collect();
    for s in spans.iter_mut().filter(|s| s.type_id == PERSON) {
        let j = s.end;
        if j >= n || view.sent_start[j] || starts.contains(&j) {
            continue;
        }
        // A title word no name follows: "John Major said", "King Jr.", but
        // not "Mary Queen of Scots".
        let surname_title = is_title(view, j)
            && view.is_capitalized(j)
            && view.lower.get(j + 1).is_none_or(|w| w.as_str() != "of")
            && (is_suffix(j + 1) || j + 1 >= n || !view.is_capitalized(j + 1));
        let double_barrelled = s.end - s.first == 1
            && is_given_name_at(view, s.first)
            && is_double_barrelled(view.word(j));
        if without_joined_particle(view.word(j)).is_some() || surname_title || double_barrelled {
            s.end = j + 1;
        }
        if is_suffix(s.end) && !starts.contains(&s.end) {
            s.end += 1;
        }
    }
}

/// Whether `a` and `b` differ by one slip of the keys: two neighbouring
/// letters swapped, one letter left out, added or replaced, or only in
/// case; both start with the same letter, as a misspelling keeps.
fn one_slip_apart(a: &str, b: &str) -> bool {
    let first = |w: &str| w.chars().next().map(|c| c.to_lowercase().next());
    if a == b || a.len().abs_diff(b.len()) > 3 || first(a) != first(b) {
        return false;
    }
    let lower = |w: &str| {
        w.chars()
            .flat_map(char::to_lowercase)
            .collect::<Vec<char>>()
    };
    let (a, b) = (lower(a), lower(b));
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    let prefix = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    match long.len() - short.len() {
        // One added or left out, not at the end: "Slovenian" and
        // "Turpins" are other words formed from the name.
        1 => prefix < short.len() && short[prefix..] == long[prefix + 1..],
        0 => {
            // Replaced: the rest lines up after it; swapped: the two after
            // the prefix trade places and the rest lines up.
            short[prefix + 1..] == long[prefix + 1..]
                || prefix + 1 < short.len()
                    && short[prefix] == long[prefix + 1]
                    && short[prefix + 1] == long[prefix]
                    && short[prefix + 2..] == long[prefix + 2..]
        }
        _ => false,
    }
}

/// "[Phil] Gramm", "[Prime Minister Narendra] Modi", "Jeff [Drake]": in a
/// quote, an editor supplies in square brackets the part of a name its
/// speaker left out. Each mention on either side of the bracket is the
/// person named across it: returns that full name, by the first token of
/// each mention. The mentions keep their own spans (the words as the
/// speaker or the editor wrote them; the gold sets mark them so).
pub(super) fn names_completed_in_brackets(
    view: &DocView,
    spans: &[Span],
) -> HashMap<usize, String> {
    let n = view.len();
    let word = |i: usize| view.word(i);
    let mut completed = HashMap::default();
    if !view.text.contains('[') {
        return completed;
    }
    // A word of a name: capitalised with lower-case letters ("Drake", not
    // "GM", a chess title), or an initial ("W."), and no word the story
    // makes something else alone ("Rocky [Linux]").
    let no_one: HashSet<&str> = spans
        .iter()
        .filter(|s| s.type_id != PERSON && s.end - s.first == 1)
        .map(|s| word(s.first))
        .collect();
    let name_word = |i: usize| {
        let w = word(i);
        view.is_capitalized(i)
            && !is_title(view, i)
            && !is_org_word(&view.lower[i])
            && !no_one.contains(w)
            && (w.chars().any(char::is_lowercase)
                || w.chars().filter(|c| c.is_alphabetic()).count() == 1)
    };
    let people_in = |first: usize, end: usize| {
        spans
            .iter()
            .filter(move |s| s.type_id == PERSON && s.first < end && s.end > first)
    };
    let other_in = |first: usize, end: usize| {
        spans
            .iter()
            .any(|s| s.type_id != PERSON && s.first < end && s.end > first)
    };
    let text_of =
        |first: usize, end: usize| &view.text[view.tokens[first].start..view.tokens[end - 1].end];
    let mut i = 0;
    while i < n {
        if word(i) != "[" {
            i += 1;
            continue;
        }
        let Some(close) = (i + 1..n.min(i + 8))
            .take_while(|&k| word(k) != "[" && !view.tokens[k].newline_before)
            .find(|&k| word(k) == "]")
        else {
            i += 1;
            continue;
        };
        // The name words that end the bracket: "Narendra" of "[Prime
        // Minister Narendra]", "Bashir al" of "[Bashir al]".
        let mut inner = close;
        while inner > i + 1
            && (name_word(inner - 1)
                || inner - 1 > i + 1 && NAME_PARTICLES.contains(&view.lower[inner - 1].as_str()))
        {
            inner -= 1;
        }
        while inner < close && !name_word(inner) {
            inner += 1;
        }
        let after = close + 1;
        // "[George W.] Bush": the surname follows the bracket.
        if inner < close && after < n && name_word(after) && !other_in(inner, after + 1) {
            let someone = people_in(inner, close).next().is_some()
                || people_in(after, after + 1).next().is_some()
                || view.gaz[inner].has(kind::FIRST_NAME);
            if someone {
                let full = format!("{} {}", text_of(inner, close), word(after));
                for s in people_in(inner, after + 1) {
                    completed.insert(s.first, full.clone());
                }
                i = after;
                continue;
            }
        }
        // "Jeff [Drake]": the bracket holds the rest of a given name's name.
        let whole = close > i + 1
            && close - i <= 4
            && (i + 1..close).all(|k| {
                name_word(k) || k > i + 1 && NAME_PARTICLES.contains(&view.lower[k].as_str())
            });
        if whole
            && !other_in(i + 1, close)
            && let Some(given) = spans.iter().find(|s| {
                s.type_id == PERSON
                    && s.end == i
                    && s.end - s.first == 1
                    && view.gaz[s.first].has(kind::FIRST_NAME)
            })
        {
            let full = format!("{} {}", word(given.first), text_of(i + 1, close));
            for s in people_in(given.first, close) {
                completed.insert(s.first, full.clone());
            }
        }
        i = close + 1;
    }
    completed
}

/// The 1990 US Census's given names, one a line. The lexicon leaves out
/// those that are ordinary words too ("Bill", "Mark", "Will"), so that the
/// model's features do not fire on the words; a rule that must not take
/// "Bill Gates" for a thing asks this list.
const CENSUS_GIVEN_NAMES: &str = include_str!("../../sources/us_census_1990_first_names.txt");

/// Whether `word` (as written, title case) is one of [`CENSUS_GIVEN_NAMES`].
pub(super) fn is_census_given_name(word: &str) -> bool {
    static NAMES: std::sync::OnceLock<HashSet<&'static str>> = std::sync::OnceLock::new();
    NAMES
        .get_or_init(|| {
            CENSUS_GIVEN_NAMES
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect()
        })
        .contains(word)
}

/// Wikinews interviews mark each speaker as "((Sara Seager))" and the
/// interviewer as "((WN))" or "((WSS))": a full name in that mark is a person
/// wherever it is named in the interview (the model saw organisations in
/// some), and a mark of capitals only is initials, no entity.
pub(super) fn interview_speakers(view: &DocView, spans: &mut Vec<Span>) {
    let marked = |s: &Span| {
        s.first >= 2
            && s.end + 1 < view.len()
            && view.word(s.first - 2) == "("
            && view.word(s.first - 1) == "("
            && view.word(s.end) == ")"
            && view.word(s.end + 1) == ")"
    };
    spans.retain(|s| {
        !(marked(s)
            && s.end - s.first == 1
            && view.word(s.first).chars().all(|c| c.is_ascii_uppercase()))
    });
    let text_of = |s: &Span| &view.text[view.tokens[s.first].start..view.tokens[s.end - 1].end];
    // A one-word mark may be the publication ("((Wikinews))"): only full
    // names are taken for people.
    let speakers: Vec<&str> = spans
        .iter()
        .filter(|s| marked(s) && s.end - s.first >= 2)
        .map(text_of)
        .collect();
    if speakers.is_empty() {
        return;
    }
    for s in spans.iter_mut() {
        if speakers.contains(&text_of(s)) {
            s.type_id = PERSON;
        }
    }
}

/// Lowercase particles that join the parts of a person's or a place's name
/// (a narrower set than the words inside organisations' names).
const JOINING_PARTICLES: &[&str] = &[
    "de", "des", "du", "del", "della", "di", "da", "van", "von", "der", "den", "dos", "das",
];

/// "Palais des Nations", "Ursula von der Leyen": a name goes on across its
/// lowercase particles when a capitalised word follows them, where the model
/// stopped before the particle. A one-word "person" that is no known given
/// name and goes on so is a place's name ("Palais" in "Palais des Nations").
pub(super) fn join_name_particles(view: &DocView, spans: &mut Vec<Span>) {
    let n = view.len();
    let capitalised = |i: usize| view.word(i).starts_with(|c: char| c.is_uppercase());
    let mut i = 0;
    while i < spans.len() {
        let s = &spans[i];
        // "Qaboos bin Said", "Osama bin Laden": a patronymic's particle
        // joins a person's name only.
        let particle = |w: &str| {
            JOINING_PARTICLES.contains(&w)
                || s.type_id == PERSON && matches!(w, "bin" | "ibn" | "bint")
        };
        let mut j = s.end;
        while j < n && particle(view.word(j)) {
            j += 1;
        }
        if j == s.end || j >= n || j - s.end > 2 || !capitalised(j) || view.sent_start[j] {
            i += 1;
            continue;
        }
        let mut end = j;
        while end < n && capitalised(end) && !view.sent_start[end] {
            end += 1;
        }
        let one_unknown_word = s.end - s.first == 1 && !view.gaz[s.first].has(kind::FIRST_NAME);
        let patronymic = (s.end..j).any(|k| !JOINING_PARTICLES.contains(&view.word(k)));
        let (first, type_id) = (s.first, s.type_id);
        spans.retain(|o| o.first == first || o.end <= first || o.first >= end);
        let s = spans
            .iter_mut()
            .find(|o| o.first == first)
            .expect("the span being joined stays");
        s.end = end;
        if type_id == PERSON && one_unknown_word && !patronymic {
            s.type_id = LOC;
        }
        i += 1;
    }
}

/// Nouns said only of a person, by trade, standing or kin, which news
/// sets in lower case before the person's name ("fellow teacher Amar
/// Patel", "his wife Melania"). Titles and offices are the titles' pass's;
/// nouns also said of bodies or bands ("partner", "group", "act") are
/// left out.
static PERSONS_TRADES: WordSet = WordSet::of(&[KIN, TRADES_AND_STANDING]);

const TRADES_AND_STANDING: &[&str] = &[
    "teacher",
    "lawyer",
    "attorney",
    "businessman",
    "businesswoman",
    "farmer",
    "nurse",
    "student",
    "actor",
    "actress",
    "singer",
    "songwriter",
    "writer",
    "author",
    "poet",
    "rapper",
    "comedian",
    "filmmaker",
    "photographer",
    "engineer",
    "architect",
    "researcher",
    "blogger",
    "entrepreneur",
    "banker",
    "pilot",
    "soldier",
    "surgeon",
    "athlete",
    "striker",
    "goalkeeper",
    "midfielder",
    "defender",
    "boxer",
    "wrestler",
    "swimmer",
    "sprinter",
    "golfer",
    "chef",
    "dancer",
    "musician",
    "drummer",
    "reporter",
    "correspondent",
    "historian",
    "teenager",
    "schoolgirl",
    "schoolboy",
    "resident",
    "victim",
    "suspect",
    "survivor",
    "nominee",
    "uncle",
    "aunt",
    "cousin",
    "grandmother",
    "grandfather",
    "fiancée",
    "fiance",
    "fiancé",
    "girlfriend",
    "boyfriend",
];

/// Whether a lower-case noun of [`PERSONS_TRADES`] stands right before
/// token `first`, in its sentence.
fn after_a_persons_trade(view: &DocView, first: usize) -> bool {
    first > 0 && !view.sent_start[first] && PERSONS_TRADES.contains(view.word(first - 1))
}

/// Whether token `i` is written as a word of a person's name is: a capital,
/// then lower case ("Patel", not "CentOS"), a double-barrelled name
/// ("Zeta-Jones") or a capitalised particle ("De"); no word of bodies or
/// companies ("Engineering", "Linux", "Inc").
fn written_as_a_persons_name(view: &DocView, i: usize) -> bool {
    let w = view.word(i);
    let mut letters = w.chars().filter(|c| c.is_alphabetic());
    letters.next().is_some_and(char::is_uppercase)
        && (letters.all(char::is_lowercase)
            || is_double_barrelled(w)
            || CAPITALISED_PARTICLES.contains(&w))
        && !is_org_word(&view.lower[i])
        && !ORG_HEADS.contains(&view.lower[i].as_str())
        && !COMPANY_WORDS.contains(&w)
        && !LEGAL_SUFFIXES.contains(&w)
}

impl EntityTagger<'_> {
    /// People the model typed an organisation, which the story shows are
    /// people: a name whose last word the story titles or has speak alone
    /// ("teacher Amar Patel … Patel said"), or a name whose second word is a
    /// surname particle ("businessman Rocky De La Fuente"). A name
    /// with a word of organisations in it ("Patel Engineering") stays one.
    pub(super) fn people_not_organisations(&self, view: &DocView, spans: &mut [Span]) {
        // Lone names the model calls a person more than once, or that the
        // story titles or has speak ("Patel said").
        let mut lone_people: HashMap<&str, (usize, bool)> = HashMap::default();
        for s in spans
            .iter()
            .filter(|s| s.type_id == PERSON && s.end - s.first == 1)
        {
            let someone = role_before(view, s.first).is_some()
                || role_after(view, s.end).is_some()
                || view
                    .lower
                    .get(s.end)
                    .is_some_and(|next| SPEECH_VERBS.contains(&next.as_str()));
            let seen = lone_people.entry(view.word(s.first)).or_default();
            seen.0 += 1;
            seen.1 |= someone;
        }
        let lone_person = |w: &str| {
            lone_people
                .get(w)
                .is_some_and(|&(times, someone)| times >= 2 || someone)
        };
        let lone_orgs: HashSet<&str> = spans
            .iter()
            .filter(|s| s.type_id == ORG && s.end - s.first == 1)
            .map(|s| view.word(s.first))
            .collect();
        // A word that ends several organisations' names ("Oracle Linux",
        // "Enterprise Linux") is a family's name, not a person's.
        let names_ending = names_by_last_word(view, spans, |t| t == ORG);
        // Names the story also writes with a company's legal form
        // ("Golden Harvest Ltd … Golden Harvest blamed").
        let companies = names_with_a_legal_form(view, spans);
        let surnames = surnames_of_full_names(view, spans);
        for s in spans
            .iter_mut()
            .filter(|s| s.type_id == ORG && s.end - s.first >= 2)
        {
            // Written as names are ("Amar Patel", not "CentOS Linux").
            let names_like_a_person = (s.first..s.end).all(|i| written_as_a_persons_name(view, i));
            if !names_like_a_person || companies.contains(span_text(view, s)) {
                continue;
            }
            let last = view.word(s.end - 1);
            let surname_alone = lone_person(last)
                && !lone_orgs.contains(last)
                && names_ending.get(last).is_none_or(|names| names.len() == 1);
            let particle_surname =
                CAPITALISED_PARTICLES.contains(&view.word(s.first + 1)) && s.end - s.first >= 3;
            // "Leung Yiu-chung", "Moon Jae-in": a family name, then a given
            // name of two syllables joined by a hyphen, as Chinese and Korean
            // names are romanised.
            let hyphenated_given =
                s.end - s.first == 2 && is_hyphenated_given_name(view.word(s.end - 1));
            // "Hearings for Amy Coney Barrett": a given name, a middle
            // name and a surname, none of them a word of the language or a
            // place's name, nor a name the lexicon holds as a body's. (Two
            // words are too often a place and its kind: "Florence Place",
            // "Cleveland Orchestra".)
            let given_middle_surname = s.end - s.first == 3
                && self.is_given_name(view, s.first)
                && (s.first..s.end).all(|i| {
                    !self.is_ordinary_word(view.word(i))
                        && !view.gaz[i].has_any(BODIES)
                        && (i == s.first || self.gazetteer.find_place(view.word(i)).is_none())
                });
            let in_lexicon = (s.first..s.end).any(|i| view.gaz[i].has_any(BODIES));
            // "Chuck Jones", "Nikki Holland", "Catherine Zeta-Jones": a given
            // name, then a family name the census counts (the last of a
            // double-barrelled one), that no lexicon holds as a body's
            // ("Morgan Stanley" stays a bank).
            let family_name = &view.lower[s.end - 1];
            let family_name = if is_double_barrelled(view.word(s.end - 1)) {
                family_name.rsplit('-').next().unwrap_or(family_name)
            } else {
                family_name
            };
            let given_and_family_name = s.end - s.first == 2
                && self.is_given_name(view, s.first)
                && !is_title(view, s.first)
                // "Mister America" is a film's name.
                && !view.gaz[s.end - 1].has(kind::COUNTRY)
                && !view.gaz[s.end - 1].has(kind::CONTINENT)
                && self.surnames.contains(family_name)
                && !in_lexicon;
            // "Vladimir Putin, president of Russia, said", "said Tedros
            // Adhanom Ghebreyesus, the Director-General of the WHO": the
            // mention itself gives the name an office. (Speaking alone is
            // no sign: companies speak as often.)
            let given_an_office = s.end - s.first <= 3
                && !in_lexicon
                && (role_before(view, s.first).is_some()
                    || role_after(view, s.end).is_some()
                    || after_a_persons_trade(view, s.first));
            // "Mohandas Gandhi, sometimes called Mahatma Gandhi": a name
            // that ends in the surname of someone the story names in full
            // is that person under another name, or one of the family.
            let someones_surname = s.end - s.first <= 3
                && !in_lexicon
                && surnames.contains(last)
                && !self.is_ordinary_word(last)
                && !lone_orgs.contains(last)
                && names_ending.get(last).is_none_or(|names| names.len() == 1);
            if surname_alone
                || someones_surname
                || particle_surname
                || hyphenated_given
                || given_middle_surname
                || given_and_family_name
                || given_an_office
            {
                s.type_id = PERSON;
                // "Bishop Emeritus Dinualdo Gutierrez": a title before the
                // name is no part of it.
                while s.end - s.first > 2 {
                    let w = view.lower[s.first].as_str();
                    if is_title_word(w) || ROLE_MODIFIERS.contains(&w) {
                        s.first += 1;
                    } else {
                        break;
                    }
                }
            }
        }
    }
}

/// Lower-case words that join the capitalised words of a law's title:
/// "Justice in Policing", "Americans with Disabilities".
const TITLE_JOINERS: &[&str] = &["in", "for", "of", "and", "on", "against", "with", "to"];

impl EntityTagger<'_> {
    /// "The George Floyd Justice in Policing Act", "the John Lewis Voting
    /// Rights Advancement Act": a law named for someone opens with their
    /// name, and the model ran the name into the title's first words
    /// ("George Floyd Justice"). A person's name inside the title of a law
    /// ends before the ordinary words that follow it.
    pub(super) fn people_a_laws_title_is_named_for(&self, view: &DocView, spans: &mut [Span]) {
        for act in 1..view.len() {
            if view.word(act) != "Act" || view.sent_start[act] {
                continue;
            }
            // The title's words back from "Act", to the article before it.
            let mut first = act;
            while first > 0 && !view.sent_start[first] {
                let j = first - 1;
                let word = view.word(j);
                if view.is_capitalized(j) || TITLE_JOINERS.contains(&word) || word == "-" {
                    first = j;
                } else {
                    break;
                }
            }
            let Some(article) = first.checked_sub(1) else {
                continue;
            };
            let the_before = view.lower[article] == "the";
            let the_first = view.word(first) == "The" && view.sent_start[first];
            if !(the_before || the_first) {
                continue;
            }
            for s in spans
                .iter_mut()
                .filter(|s| s.type_id == PERSON && first <= s.first && s.end < act)
            {
                while s.end - s.first > 1 && self.is_ordinary_word(view.word(s.end - 1)) {
                    s.end -= 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ORG, PERSON, one_slip_apart, parts_of_a_full_name_joined};
    use crate::Tagger;
    use crate::entities::spans::{span_text, spans_named};
    use crate::features::DocView;

    #[test]
    fn two_people_side_by_side_are_one_when_the_story_names_them_so() {
        let t = Tagger::load().expect("shipped data loads");
        let text = "The George Floyd Act passed. George Floyd died. Smith Jones left.";
        let view = DocView::new(text, &t.gazetteer, &t.clusters);
        let mut spans = spans_named(
            &view,
            &[
                ("George", PERSON),
                ("Floyd", PERSON),
                ("George Floyd", PERSON),
                ("Smith", PERSON),
                ("Jones", PERSON),
            ],
        );
        parts_of_a_full_name_joined(&view, &mut spans);
        let names: Vec<&str> = spans.iter().map(|s| span_text(&view, s)).collect();
        assert_eq!(names, ["George Floyd", "George Floyd", "Smith", "Jones"]);
    }

    #[test]
    fn one_slip_is_a_swap_a_letter_too_many_or_few_a_wrong_one_or_a_capital() {
        for (a, b) in [
            ("Chrylser", "Chrysler"),
            ("Lousiana", "Louisiana"),
            ("Missisippi", "Mississippi"),
            ("Magnitigorsk", "Magnitogorsk"),
            ("Github", "GitHub"),
        ] {
            assert!(one_slip_apart(a, b), "{a} {b}");
            assert!(one_slip_apart(b, a), "{b} {a}");
        }
        for (a, b) in [
            ("Chrysler", "Chrysler"),
            // Another word made from the name, at its end.
            ("Slovenian", "Slovenia"),
            ("Turpins", "Turpin"),
            // Two slips, or a different first letter.
            ("Chrylsre", "Chrysler"),
            ("Bitcoin", "Mitcoin"),
            ("Pittsburgh", "Pittsbur"),
        ] {
            assert!(!one_slip_apart(a, b), "{a} {b}");
        }
    }

    #[test]
    fn a_body_named_with_the_surname_of_someone_of_the_story_is_someone() {
        let t = Tagger::load().expect("shipped data loads");
        let types = |text: &str, names: &[(&str, u8)]| {
            let view = DocView::new(text, &t.gazetteer, &t.clusters);
            let mut spans = spans_named(&view, names);
            t.entity_tagger(None)
                .people_not_organisations(&view, &mut spans);
            spans.iter().map(|s| s.type_id).collect::<Vec<_>>()
        };
        // A fold's model typed "Mohandas Gandhi" a body beside "Mahatma
        // Gandhi", a person; the shipped lists know "Mohandas", so the
        // names here are ones no list holds.
        assert_eq!(
            types(
                "Quorvath Zelinsk, sometimes called Mahatma Zelinsk, led the march.",
                &[("Quorvath Zelinsk", ORG), ("Mahatma Zelinsk", PERSON)],
            ),
            [PERSON, PERSON]
        );
        // A word of the language is no one's surname for this: "Orlando
        // Rays", a team taken for a person, makes no person of the "Devil
        // Rays".
        assert_eq!(
            types(
                "He pitched for the Orlando Rays and then the Devil Rays.",
                &[("Orlando Rays", PERSON), ("Devil Rays", ORG)],
            ),
            [PERSON, ORG]
        );
    }
}
