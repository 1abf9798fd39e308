//! From model tags to resolved entities: spans, roles, gazetteer rules, within-story
//! coreference, acronyms and place resolution.

mod acronyms;
mod naming;
mod one_type;
mod org_cues;
mod organisations;
mod person_names;
mod place_names;
mod resolve;
mod spans;
mod things;
mod titles;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::annotations::{Entity, EntityType};
use crate::clusters::WordClusters;
use crate::features::DocView;
use crate::gazetteer::{Gazetteer, in_capitals, kind};
use crate::people::KnownPeople;
use crate::perceptron::Model;
use crate::quotes::SPEECH_VERBS;
use crate::word_lists::WordList;
use acronyms::{acronyms_of_terms, acronyms_take_their_names_type};
pub(crate) use naming::NATIONAL_BODIES;
use naming::{names_keep_their_article, parties_named_by_their_word};
use one_type::propagate;
use organisations::{
    bodies_called_by_their_kind, bodies_listed_with_bodies, campuses_of_a_university_system,
    company_words_after, join_places_into_org_names, known_bodies_are_no_places,
    legal_forms_make_bodies, parties_written_with_a_small_p, short_names_of_organisations,
    split_after_legal_form,
};
pub(crate) use person_names::{NAME_SUFFIXES, name_standalone_words};
use person_names::{
    interview_speakers, join_name_particles, names_completed_in_brackets, names_go_on,
    names_with_a_hyphenated_given_name, parts_of_a_full_name_joined, surnames_with_a_particle,
    the_pronoun_i_ends_no_name,
};
use place_names::{
    names_before_a_natural_feature, places_after_their_kind, places_before_their_division,
    places_open_with_a_saint, titles_named_for_a_region,
};
use spans::{names_stop_at_brackets, spans_from_tags, split_at_inner_lowercase, trim_punctuation};
use things::{
    drop_currency_codes, drop_named_storms, drop_quantities, holidays_are_no_one,
    models_are_no_people, numbers_are_no_part_of_names, parts_of_documents_are_no_names,
    products_are_no_organisations, titles_of_works, vessels_are_things,
};
use titles::{
    drop_caption_labels, drop_role_only_people, drop_roles_typed_organisations, is_title,
    organisations_before_an_office, role_after, role_before, strip_title_domains,
};

// Type ids: 1-based indexes into `perceptron::TYPES`.
const PERSON: u8 = 1;

const ORG: u8 = 2;

const LOC: u8 = 3;

const MISC: u8 = 4;

/// A span a rule found to be no entity, removed after the rule.
const NO_ENTITY: u8 = 0;

/// What the passes learned of mentions, by the token each starts at, for
/// `resolve`: the roles of people, the full names of organisations named
/// short ("Mahan" for "Mahan Air"), and the bodies the words around them
/// make so, which stay bodies though a town bears their name: the sides of
/// a match and what someone is of ("Lewis Hamilton of Mercedes").
struct Learned<'v> {
    roles: HashMap<usize, String>,
    short_names: HashMap<usize, &'v str>,
    bodies_by_context: HashSet<usize>,
    /// People's full names an editor completed in brackets, by the first
    /// token of each mention ([`names_completed_in_brackets`]).
    completed: HashMap<usize, String>,
}

/// What the entity pass needs from the tagger.
pub(crate) struct EntityTagger<'a> {
    pub model: &'a Model,
    pub gazetteer: &'a Gazetteer,
    pub clusters: &'a WordClusters,
    pub common_words: &'a WordList,
    /// The census's family names.
    pub surnames: &'a WordList,
    /// Whom other stories named, where the caller keeps them.
    pub people: Option<&'a KnownPeople>,
}

impl EntityTagger<'_> {
    /// The entities of a document; `dateline` is the place of the story's dateline
    /// field, if it has one, as context for the other places.
    pub fn entities(&self, view: &DocView, dateline: Option<&Entity>) -> Vec<Entity> {
        let tags = self.model.tag(view);
        let mut spans = spans_from_tags(view, &tags);
        trim_punctuation(view, &mut spans);
        numbers_are_no_part_of_names(view, &mut spans);
        the_pronoun_i_ends_no_name(view, &mut spans, |i| self.is_given_name(view, i));
        drop_caption_labels(view, &mut spans);
        join_name_particles(view, &mut spans);
        names_go_on(view, &mut spans);
        split_at_inner_lowercase(view, &mut spans);
        split_after_legal_form(view, &mut spans);
        names_stop_at_brackets(view, &mut spans);
        self.given_names_taken_for_towns(view, &mut spans);
        self.people_after_a_persons_noun(view, &mut spans);
        places_after_their_kind(view, &mut spans);
        self.names_after_their_kind(view, &mut spans);
        self.misc_names_of_the_storys_people(view, &mut spans);
        self.people_inside_organisations(view, &mut spans);
        self.people_after_a_title_inside_an_organisation(view, &mut spans);
        names_with_a_hyphenated_given_name(view, &mut spans);
        self.full_names_left_untagged(view, &mut spans);
        let mut roles: HashMap<usize, String> = HashMap::default();
        self.strip_titles(view, &mut spans, &mut roles);
        strip_title_domains(view, &mut spans, &mut roles);
        drop_role_only_people(view, &mut spans);
        self.demonyms_are_no_one(view, &mut spans);
        drop_roles_typed_organisations(view, &mut spans);
        company_words_after(view, &mut spans);
        legal_forms_make_bodies(view, &mut spans, |w| self.is_ordinary_word(w));
        self.retype_by_name(view, &mut spans);
        known_bodies_are_no_places(view, &mut spans, self.gazetteer);
        places_open_with_a_saint(view, &mut spans, self.gazetteer);
        titles_named_for_a_region(view, &mut spans);
        names_before_a_natural_feature(view, &mut spans);
        self.places_named_with_a_possessive(view, &mut spans);
        organisations_before_an_office(view, &mut spans);
        self.scores_after_places(view, &mut spans);
        self.extend_known_organisations(view, &mut spans);
        self.add_gazetteer_spans(view, &mut spans);
        self.merge_branches(view, &mut spans);
        join_places_into_org_names(view, &mut spans);
        self.teams_named_after_places(view, &mut spans);
        self.join_names_across_and(view, &mut spans);
        self.bodies_named_for_their_purpose(view, &mut spans);
        campuses_of_a_university_system(view, &mut spans);
        products_are_no_organisations(view, &mut spans);
        self.people_a_laws_title_is_named_for(view, &mut spans);
        self.leaders_named_for_what_they_lead(view, &mut spans);
        let datelines = self.datelines(view, &mut spans);
        spans.sort_by_key(|s| s.first);
        self.companies_not_people(view, &mut spans);
        self.people_not_organisations(view, &mut spans);
        self.link_people(view, &mut spans);
        parts_of_a_full_name_joined(view, &mut spans);
        let bodies_someone_is_of = self.bodies_someone_is_of(view, &mut spans);
        titles_of_works(view, &mut spans);
        self.unify_types(view, &mut spans);
        propagate(view, &mut spans);
        self.unify_types(view, &mut spans);
        // Again: giving one name one type may carry a body's type from a
        // caption that ran the name into its party's ("Wong Kwok-kin of FTU
        // In the …") to its other mentions.
        names_with_a_hyphenated_given_name(view, &mut spans);
        let mut short_names = short_names_of_organisations(view, &mut spans);
        self.organisations_named_by_what_they_are_of(view, &mut spans, &mut short_names);
        bodies_called_by_their_kind(view, &mut spans);
        let brackets = acronyms::spelled_out(view);
        self.name_spelled_out_acronyms(view, &mut spans, &brackets);
        acronyms_of_terms(view, &mut spans, &brackets, |w| {
            self.common_words.contains(w)
        });
        acronyms_take_their_names_type(view, &mut spans);
        self.add_web_addresses(view, &mut spans);
        self.clubs_named_before_their_town(view, &mut spans);
        self.repair_unknown_places(view, &mut spans);
        surnames_with_a_particle(view, &mut spans);
        self.names_listed_with_their_kind(view, &mut spans);
        bodies_listed_with_bodies(view, &mut spans, |w| self.is_ordinary_word(w));
        parties_written_with_a_small_p(view, &mut spans);
        places_before_their_division(view, &mut spans);
        self.towns_before_their_region(view, &mut spans);
        self.towns_listed_with_a_town(view, &mut spans);
        self.short_names_of_places(view, &mut spans);
        drop_currency_codes(view, &mut spans);
        drop_quantities(view, &mut spans);
        parts_of_documents_are_no_names(view, &mut spans);
        drop_named_storms(view, &mut spans);
        holidays_are_no_one(view, &mut spans);
        self.things_named_in_ordinary_words(view, &mut spans);
        self.products_listed_before_their_kind(view, &mut spans);
        models_are_no_people(view, &mut spans);
        vessels_are_things(view, &mut spans);
        spans.sort_by_key(|s| s.first);
        self.market_indices_are_no_organisations(view, &mut spans);
        interview_speakers(view, &mut spans);
        self.lone_names_mostly_no_one(view, &mut spans);
        let no_one = self.lone_words_with_nothing_of_someone(view, &mut spans);
        self.surnames_taken_for_places(view, &mut spans);
        let mut bodies_by_context = self.sides_of_a_match(view, &mut spans);
        bodies_by_context.extend(bodies_someone_is_of);
        let completed = names_completed_in_brackets(view, &spans);
        for s in spans.iter().filter(|s| s.type_id == PERSON) {
            if let Some((_, role)) = role_before(view, s.first) {
                roles.entry(s.first).or_insert(role);
            } else if let Some(role) = role_after(view, s.end) {
                roles.entry(s.first).or_insert(role);
            }
        }
        let learned = Learned {
            roles,
            short_names,
            bodies_by_context,
            completed,
        };
        let mut entities = self.resolve(view, &spans, &learned, &datelines, dateline);
        self.misspelt_names_are_the_names(&mut entities);
        entities.retain(|e| {
            !(e.kind == EntityType::Person && e.canonical == e.text && no_one.contains(&e.text))
        });
        parties_named_by_their_word(&mut entities);
        names_keep_their_article(&mut entities);
        self.places_in_organisations_names(&mut entities);
        self.unknown_places_named_in_words(&mut entities);
        // "De La  Fuente" as written is "De La Fuente" on the PPL list, and
        // a chart's legend ("██ Green Party - 1 seat") gives ORG no "█ Green
        // Party": a canonical name has one space between its words and no
        // box-drawing glyph at either end.
        let glyph = |c: char| ('\u{2500}'..='\u{25FF}').contains(&c);
        for e in &mut entities {
            let tidy = e
                .canonical
                .trim_matches(|c: char| glyph(c) || c.is_whitespace())
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if tidy != e.canonical && !tidy.is_empty() {
                e.canonical = tidy;
            }
        }
        entities
    }
}

impl EntityTagger<'_> {
    /// Whether token `i` could be a word of someone's name: capitalised (not
    /// all in capitals), letters, hyphens and apostrophes only, and no
    /// title or ordinary word.
    fn is_plain_name_word(&self, view: &DocView, i: usize) -> bool {
        let word = view.word(i);
        view.is_capitalized(i)
            && !in_capitals(word)
            && word
                .chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
            && !is_title(view, i)
            && !self.is_ordinary_word(word)
    }
}

impl EntityTagger<'_> {
    /// "Arab countries", "Republican senators", "Latino voters": whether
    /// the story sets the singular of plural `w` before a noun, as one does
    /// a people's or a party's name ("Arabs", "Republicans", "Latinos");
    /// a given name or a surname before a verb ("Adam said") is no such.
    fn singular_before_a_noun(&self, view: &DocView, w: &str) -> bool {
        const NO_NOUNS: &[&str] = &[
            "is", "was", "has", "had", "will", "would", "and", "or", "of", "in", "to", "who",
        ];
        let singulars: Vec<&str> = [w.strip_suffix("es"), w.strip_suffix('s')]
            .into_iter()
            .flatten()
            .filter(|one| one.chars().count() >= 3)
            .collect();
        (0..view.len().saturating_sub(1)).any(|i| {
            singulars.contains(&view.word(i))
                && !self.is_given_name(view, i)
                && view.word(i + 1).starts_with(char::is_lowercase)
                && !SPEECH_VERBS.contains(&view.lower[i + 1].as_str())
                && !NO_NOUNS.contains(&view.lower[i + 1].as_str())
        })
    }
}

impl EntityTagger<'_> {
    /// Whether a capitalised word is written in lower case often enough in
    /// unlabelled news to have a word class of its own ("Branch"), or is
    /// one of the language's common words that are never names ("Bribery").
    fn is_ordinary_word(&self, word: &str) -> bool {
        let lower = word.to_lowercase();
        lower != word
            && (self.clusters.class(&lower).is_some() || self.common_words.contains(&lower))
    }

    /// Whether the word after a capitalised one reads as a species' Latin
    /// epithet ("sapiens", "aegypti", "aethiopicus"): in lower case, no
    /// English word, with a Latin ending.
    fn is_species_epithet(&self, word: &str) -> bool {
        const ENDINGS: &[&str] = &[
            "us", "um", "is", "ae", "ii", "ti", "ens", "ex", "ix", "ata", "ica", "ina", "ias",
        ];
        word.len() >= 4
            && word.bytes().all(|b| b.is_ascii_lowercase())
            && ENDINGS.iter().any(|e| word.ends_with(e))
            && !self.common_words.contains(word)
    }

    /// Whether a capitalised word is an ordinary word of the texts the word
    /// classes were learned from. Rules about places ask this narrower
    /// question: places are named in the language's words far more often
    /// than people are ("Eureka Springs", "Wind River Reservation").
    fn is_ordinary_word_of_the_texts(&self, word: &str) -> bool {
        let lower = word.to_lowercase();
        lower != word && self.clusters.class(&lower).is_some()
    }
}

/// What the gazetteer may know a word as that names a place or a people.
const PLACES_AND_PEOPLES: u16 = kind::set(&[
    kind::COUNTRY,
    kind::STATE,
    kind::CONTINENT,
    kind::REGION,
    kind::CITY_LARGE,
    kind::CITY_MEDIUM,
    kind::CITY_SMALL,
    kind::DEMONYM,
]);

/// What the lexicons may know a word as that names an organisation: one
/// of the well-known bodies, or a body the training annotations named.
const BODIES: u16 = kind::set(&[kind::ORG, kind::ORG_SEEN]);

/// What the gazetteer may know a word as that makes it no part of a
/// person's name: a place, a people, or an organisation.
const NAMES_NO_ONE: u16 = PLACES_AND_PEOPLES | BODIES;

/// Words that open a sentence before a name without being part of it: "Unlike
/// Chrysler, Ford …", "Despite Smith's objections …".
const SENTENCE_OPENERS: &[&str] = &[
    "unlike",
    "like",
    "despite",
    "although",
    "though",
    "while",
    "whilst",
    "after",
    "before",
    "meanwhile",
    "however",
    "including",
    "since",
    "following",
    "during",
    "without",
    "unless",
    "until",
    "besides",
    "whereas",
    "yesterday",
    "today",
    "tonight",
    "moreover",
    "furthermore",
    "nevertheless",
    "nonetheless",
    "instead",
    "perhaps",
    "because",
    "when",
    "if",
];

/// Verbs that open a slogan or a plan's points before a place: "Make
/// Melbourne the first …", "Keep Austin weird".
const IMPERATIVES: &[&str] = &[
    "make", "keep", "let", "help", "save", "visit", "support", "build", "bring", "put", "take",
    "stop", "protect", "defend", "unite", "give", "turn",
];

/// Auxiliaries that open a question before a name ("Did Perttu Ahola work
/// alone?"); "Will", also a given name, is left out.
const QUESTION_OPENERS: &[&str] = &[
    "did", "does", "do", "is", "was", "were", "are", "has", "have", "had", "would", "could",
    "should", "can",
];

/// Words before a plural that make it a group of people rather than a
/// person's name: "the Kurds", "five Republicans", "many Arabs".
const GROUP_DETERMINERS: &[&str] = &[
    "the",
    "these",
    "those",
    "many",
    "most",
    "some",
    "all",
    "other",
    "few",
    "fewer",
    "several",
    "fellow",
    "more",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "dozen",
    "dozens",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
];
