//! One person, one name across stories. Within a story the entity pass already
//! gives "Biden" and "Mr. Biden" the canonical name of the story's "Joe Biden";
//! a story that names someone only by surname ("Biden signs bill", a flash
//! headline) cannot know that on its own. [`KnownPeople`] remembers the full
//! names other stories gave, by surname (and by first word, for names written
//! surname first: "Xi" of "Xi Jinping"), and rewrites such a lone name to the
//! full name when the remembered names leave no doubt, so that its canonical
//! name and id are the same as in every other story about that person.

use std::collections::HashMap;
use std::sync::RwLock;

use crate::annotations::{Annotations, Entity, EntityType};
use crate::entities::{NAME_SUFFIXES, name_standalone_words};
use crate::gazetteer::{entity_id, slug};

/// The share of the full names remembered for a word that one of them must
/// hold before a lone mention of that word is taken to be it: "Johnson" shared
/// by several people in the news stays "Johnson".
const DOMINANT_SHARE: f64 = 0.8;

/// Distinct full names remembered at most, so that a long-running server's
/// memory stays bounded; names seen after that are not learnt.
pub const MAX_KNOWN_NAMES: usize = 500_000;

/// Full names of people, as tagged in stories, by the words that can stand
/// alone for them. Shared by every thread (`&self` methods behind a lock).
#[derive(Debug, Default)]
pub struct KnownPeople {
    inner: RwLock<Names>,
}

#[derive(Debug, Default)]
struct Names {
    /// Slug of a name word → full name → stories that named it.
    by_word: HashMap<String, HashMap<String, u32>>,
    distinct: usize,
    /// Slug of an organisation's name ("Qantas", "Angela Merkel" where a
    /// story took her for one) → stories that named it as an organisation.
    organisations: HashMap<String, u32>,
}

/// Stories that must have named someone before a place the gazetteer put
/// nowhere, or an organisation, that has their name is taken to be them.
const PERSON_STORIES: u32 = 2;

/// Stories that must have named a name as an organisation before a lone
/// mention of it that a story took for a person, or a place of that name
/// the gazetteer put nowhere, is taken to be it.
const ORGANISATION_STORIES: u32 = 2;

impl KnownPeople {
    /// Remembers the full names (two words or more) of the people in one
    /// story's tags, once per story.
    pub fn observe(&self, tags: &Annotations) {
        let mut full: Vec<&str> = tags
            .entities
            .iter()
            .filter(|e| e.kind == EntityType::Person && e.canonical.contains(' '))
            .map(|e| e.canonical.as_str())
            .collect();
        full.sort_unstable();
        full.dedup();
        let mut organisations: Vec<String> = tags
            .entities
            .iter()
            .filter(|e| e.kind == EntityType::Org && e.names_one_thing())
            .map(|e| slug(&e.canonical))
            .collect();
        organisations.sort_unstable();
        organisations.dedup();
        if full.is_empty() && organisations.is_empty() {
            return;
        }
        let mut guard = self.inner.write().unwrap_or_else(|p| p.into_inner());
        let names = &mut *guard;
        for word in organisations {
            if !names.organisations.contains_key(&word) && names.distinct >= MAX_KNOWN_NAMES {
                continue;
            }
            let count = names.organisations.entry(word).or_insert(0);
            names.distinct += usize::from(*count == 0);
            *count += 1;
        }
        for name in full {
            for word in standalone_words(name) {
                let known = names
                    .by_word
                    .get(&word)
                    .is_some_and(|m| m.contains_key(name));
                if !known && names.distinct >= MAX_KNOWN_NAMES {
                    continue;
                }
                let count = names
                    .by_word
                    .entry(word)
                    .or_default()
                    .entry(name.to_string())
                    .or_insert(0);
                names.distinct += usize::from(*count == 0);
                *count += 1;
            }
        }
    }

    /// Whether stories named someone in full whom `word` alone would stand
    /// for, beyond doubt: a lone word the archive knows as a person's is
    /// evidence that a story naming no one else by it means that person.
    pub(crate) fn knows_someone_by(&self, word: &str) -> bool {
        let names = self.inner.read().unwrap_or_else(|p| p.into_inner());
        names.dominant(&slug(word)).is_some()
    }

    /// Whether stories named `name` as an organisation often enough for a
    /// place put nowhere of that name to be taken for it.
    pub(crate) fn knows_organisation(&self, name: &str) -> bool {
        let names = self.inner.read().unwrap_or_else(|p| p.into_inner());
        names.stories_naming_organisation(name) >= ORGANISATION_STORIES
    }

    /// Rewrites each person named by one word alone (no full name in the
    /// story) to the full name remembered for that word, when one name holds
    /// most of what is remembered for it, and a full name to the spelling
    /// of it that stories gave more often; quotes follow their speaker. A
    /// lone word no one's remembered name holds, untitled, that other
    /// stories named as an organisation ("Qantas", "Volvo") is that
    /// organisation, and a place put nowhere that stories named as someone
    /// (or as an organisation) is that person (or organisation).
    pub fn resolve(&self, tags: &mut Annotations) {
        let names = self.inner.read().unwrap_or_else(|p| p.into_inner());
        let mut renamed: Vec<(String, String)> = Vec::new();
        // A full name other stories spell otherwise more often, with or
        // without accents or a middle name ("Jaroslaw Kaczynski" and
        // "Jarosław Kaczyński", "John R. Bolton" and "John Bolton"), takes
        // their spelling, in every mention of the story that has it.
        let mut respelt: Vec<(String, String)> = Vec::new();
        for e in tags
            .entities
            .iter()
            .filter(|e| e.kind == EntityType::Person && e.canonical.contains(' '))
        {
            if respelt.iter().any(|(old, _)| *old == e.canonical) {
                continue;
            }
            if let Some(usual) = names.usual_spelling(&e.canonical) {
                respelt.push((e.canonical.clone(), usual.to_string()));
            }
        }
        for e in tags
            .entities
            .iter_mut()
            .filter(|e| e.kind == EntityType::Person)
        {
            if let Some((_, usual)) = respelt.iter().find(|(old, _)| *old == e.canonical) {
                e.canonical = usual.clone();
                e.id = entity_id("person", usual);
            }
        }
        renamed.extend(respelt);
        for e in tags
            .entities
            .iter_mut()
            .filter(|e| e.kind == EntityType::Person && !e.canonical.contains(' '))
        {
            let word = slug(&e.canonical);
            if e.role.is_none()
                && !names.by_word.contains_key(&word)
                && names.stories_naming_organisation(&e.canonical) >= ORGANISATION_STORIES
            {
                e.kind = EntityType::Org;
                e.id = entity_id("org", &e.canonical);
                continue;
            }
            let Some(full) = names.dominant(&word) else {
                continue;
            };
            renamed.push((e.canonical.clone(), full.to_string()));
            e.canonical = full.to_string();
            e.id = entity_id("person", full);
        }
        // A place the gazetteer put nowhere ("the killing of Qasem
        // Soleimani", "the Obama administration" read as Obama, Japan, a
        // small town abroad) that stories named as someone, twice or more,
        // is that person.
        for e in tags
            .entities
            .iter_mut()
            .filter(|e| e.kind == EntityType::Loc && e.unresolved.is_some() && !e.is_mapped())
        {
            let full = if e.canonical.contains(' ') {
                names.known_full(&e.canonical).map(|(full, _)| full)
            } else {
                names.dominant(&slug(&e.canonical))
            };
            if let Some(full) = full.filter(|full| names.stories_naming(full) >= PERSON_STORIES) {
                *e = the_person(e, full);
                continue;
            }
            // "the Drudge Report", "a post on LiveLeak": a place put nowhere
            // that stories named as an organisation, twice or more, is one.
            if names.stories_naming_organisation(&e.canonical) >= ORGANISATION_STORIES {
                *e = Entity {
                    id: entity_id("org", &e.canonical),
                    ..Entity::mention(EntityType::Org, e.start, e.end, &e.text)
                };
            }
        }
        // A full name a story took for an organisation ("German Chancellor
        // Angela Merkel's spokesperson") that stories named as someone, twice
        // or more and more often than as an organisation, is that person.
        for e in tags.entities.iter_mut().filter(|e| {
            e.kind == EntityType::Org && e.names_one_thing() && e.canonical.contains(' ')
        }) {
            let Some((full, as_person)) = names.known_full(&e.canonical) else {
                continue;
            };
            if as_person >= PERSON_STORIES
                && as_person > names.stories_naming_organisation(&e.canonical)
            {
                *e = the_person(e, full);
            }
        }
        for q in &mut tags.quotes {
            if let Some(speaker) = &q.speaker
                && let Some((_, full)) = renamed.iter().find(|(lone, _)| lone == speaker)
            {
                q.speaker = Some(full.clone());
            }
        }
    }

    /// How many distinct full names are remembered.
    pub fn len(&self) -> usize {
        self.inner
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .distinct
    }

    /// True when no full name is remembered yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Names {
    /// The spelling of full name `name` that stories gave more often than
    /// `name` itself, if any: the same given name and surname (accents
    /// aside) and generational suffix, and middle names that do not differ
    /// ("John R. Bolton" and "John Bolton", "Richard K. Guy" and "Richard
    /// Kenneth Guy"; never "George H. W. Bush" and "George W. Bush").
    ///
    /// Between spellings given as often, the one with more letters beyond
    /// ASCII (the accents kept) is the usual one, and on a full tie another
    /// story's: the second of two spellings seen once each ("Abdel Fattah
    /// el-Sisi", then "Abdel Fattah al-Sisi") takes the first, whose
    /// stories are already stored so. The article joined to a surname is
    /// no part of the comparison (`without_article`).
    fn usual_spelling(&self, name: &str) -> Option<&str> {
        let own = NameParts::of(name)?;
        let spellings = self.by_word.get(&own.surname)?;
        let rank = |spelling: &str| {
            let count = spellings.get(spelling).copied().unwrap_or(0);
            (count, spelling.chars().filter(|c| !c.is_ascii()).count())
        };
        let own_rank = rank(name);
        spellings
            .keys()
            .filter(|other| {
                *other != name
                    && rank(other) >= own_rank
                    && NameParts::of(other).is_some_and(|o| o.same_person_as(&own))
            })
            .max_by(|a, b| rank(a).cmp(&rank(b)).then(b.cmp(a)))
            .map(String::as_str)
    }

    /// `name` as remembered, if it is a full name some story gave, with
    /// the stories that gave it (counted under its first standalone word;
    /// every word of a name counts the same stories).
    fn known_full(&self, name: &str) -> Option<(&str, u32)> {
        let word = standalone_words(name).into_iter().next()?;
        self.by_word
            .get(&word)?
            .get_key_value(name)
            .map(|(k, &n)| (k.as_str(), n))
    }

    /// How many stories named the full name `name`.
    fn stories_naming(&self, name: &str) -> u32 {
        self.known_full(name).map_or(0, |(_, n)| n)
    }

    /// How many stories named `name` as an organisation.
    fn stories_naming_organisation(&self, name: &str) -> u32 {
        self.organisations.get(&slug(name)).copied().unwrap_or(0)
    }

    fn dominant(&self, word: &str) -> Option<&str> {
        let names = self.by_word.get(word)?;
        let total: u32 = names.values().sum();
        let (name, &count) = names
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
        (f64::from(count) >= DOMINANT_SHARE * f64::from(total)).then_some(name.as_str())
    }
}

/// Mention `e`, another type's, as the person `full` names.
fn the_person(e: &Entity, full: &str) -> Entity {
    Entity {
        canonical: full.to_string(),
        id: entity_id("person", full),
        ..Entity::mention(EntityType::Person, e.start, e.end, &e.text)
    }
}

/// A full name's parts as slugs (accents folded): given name, the initials
/// of the middle names, surname and generational suffix.
struct NameParts {
    given: String,
    middle_initials: Vec<char>,
    surname: String,
    suffix: Option<String>,
}

impl NameParts {
    fn of(name: &str) -> Option<NameParts> {
        let mut words: Vec<&str> = name.split_whitespace().collect();
        let suffix = match words.last() {
            Some(last) if words.len() > 2 && NAME_SUFFIXES.contains(last) => words.pop().map(slug),
            _ => None,
        };
        let (&first, rest) = words.split_first()?;
        let (&last, middle) = rest.split_last()?;
        Some(NameParts {
            given: slug(first),
            middle_initials: middle
                .iter()
                .filter_map(|w| slug(w).chars().next())
                .collect(),
            surname: without_article(slug(last)),
            suffix,
        })
    }

    fn same_person_as(&self, other: &NameParts) -> bool {
        self.given == other.given
            && self.surname == other.surname
            && self.suffix == other.suffix
            && (self.middle_initials.is_empty()
                || other.middle_initials.is_empty()
                || self.middle_initials == other.middle_initials)
    }
}

/// A surname's slug without the Arabic article joined to it, however it
/// was transliterated ("al-sisi", "el-sisi" → "sisi"): the key under which
/// [`Names::by_word`] also holds it.
fn without_article(surname: String) -> String {
    ["al-", "el-", "ul-"]
        .iter()
        .find_map(|article| surname.strip_prefix(article))
        .filter(|rest| rest.len() >= 2)
        .map_or(surname.clone(), str::to_string)
}

/// The words of a full name that a story may use alone for the person, as
/// slugs: those a story itself links to the full name
/// ([`name_standalone_words`]: the surname, before a generational suffix and
/// without a joined particle, the last word and the first).
fn standalone_words(name: &str) -> Vec<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    let mut out = Vec::new();
    for w in name_standalone_words(&words) {
        let s = slug(w);
        if s.len() >= 2 && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::{Entity, Quote, QuoteKind};

    fn person(text: &str, canonical: &str) -> Entity {
        Entity {
            canonical: canonical.to_string(),
            id: entity_id("person", canonical),
            ..Entity::mention(EntityType::Person, 0, text.len(), text)
        }
    }

    fn tags(people: &[(&str, &str)]) -> Annotations {
        Annotations {
            entities: people.iter().map(|(t, c)| person(t, c)).collect(),
            ..Annotations::default()
        }
    }

    #[test]
    fn a_lone_surname_takes_the_full_name_other_stories_gave() {
        let known = KnownPeople::default();
        known.observe(&tags(&[("Joe Biden", "Joe Biden"), ("Biden", "Joe Biden")]));
        let mut flash = tags(&[("Biden", "Biden")]);
        flash.quotes.push(Quote {
            start: 0,
            end: 1,
            text: "x".into(),
            speaker: Some("Biden".into()),
            kind: QuoteKind::Direct,
        });
        known.resolve(&mut flash);
        assert_eq!(flash.entities[0].canonical, "Joe Biden");
        assert_eq!(flash.entities[0].id, "person:joe-biden");
        assert_eq!(flash.quotes[0].speaker.as_deref(), Some("Joe Biden"));
    }

    #[test]
    fn a_surname_several_people_share_stays_as_written() {
        let known = KnownPeople::default();
        known.observe(&tags(&[("Boris Johnson", "Boris Johnson")]));
        known.observe(&tags(&[("Dwayne Johnson", "Dwayne Johnson")]));
        let mut lone = tags(&[("Johnson", "Johnson")]);
        known.resolve(&mut lone);
        assert_eq!(lone.entities[0].canonical, "Johnson");
        assert_eq!(lone.entities[0].id, "person:johnson");
    }

    #[test]
    fn a_name_written_surname_first_is_found_by_its_first_word() {
        let known = KnownPeople::default();
        known.observe(&tags(&[("Xi Jinping", "Xi Jinping")]));
        let mut lone = tags(&[("Xi", "Xi")]);
        known.resolve(&mut lone);
        assert_eq!(lone.entities[0].id, "person:xi-jinping");
    }

    #[test]
    fn a_surname_is_found_without_its_particle_or_suffix() {
        let known = KnownPeople::default();
        known.observe(&tags(&[("Bashar al-Assad", "Bashar al-Assad")]));
        known.observe(&tags(&[(
            "Martin Luther King Jr.",
            "Martin Luther King Jr.",
        )]));
        let mut lone = tags(&[("Assad", "Assad"), ("King", "King")]);
        known.resolve(&mut lone);
        assert_eq!(lone.entities[0].id, "person:bashar-al-assad");
        assert_eq!(lone.entities[1].id, "person:martin-luther-king-jr");
    }

    fn org(canonical: &str) -> Entity {
        Entity {
            canonical: canonical.to_string(),
            id: entity_id("org", canonical),
            ..Entity::mention(EntityType::Org, 0, canonical.len(), canonical)
        }
    }

    #[test]
    fn a_lone_name_other_stories_call_an_organisation_is_one() {
        let known = KnownPeople::default();
        for _ in 0..2 {
            known.observe(&Annotations {
                entities: vec![org("Qantas"), org("Ford")],
                ..Annotations::default()
            });
        }
        known.observe(&tags(&[("Gerald Ford", "Gerald Ford")]));
        let mut lone = tags(&[("Qantas", "Qantas"), ("Ford", "Ford")]);
        known.resolve(&mut lone);
        assert_eq!(
            (lone.entities[0].kind, lone.entities[0].id.as_str()),
            (EntityType::Org, "org:qantas")
        );
        // A word a remembered person's name holds stays a person, and so
        // does a titled mention.
        assert_eq!(lone.entities[1].kind, EntityType::Person);
        let mut titled = tags(&[("Qantas", "Qantas")]);
        titled.entities[0].role = Some("coach".into());
        known.resolve(&mut titled);
        assert_eq!(titled.entities[0].kind, EntityType::Person);
        // One story is not enough.
        let known = KnownPeople::default();
        known.observe(&Annotations {
            entities: vec![org("Volvo")],
            ..Annotations::default()
        });
        let mut lone = tags(&[("Volvo", "Volvo")]);
        known.resolve(&mut lone);
        assert_eq!(lone.entities[0].kind, EntityType::Person);
    }

    fn kinds_and_ids(tags: &Annotations) -> Vec<(EntityType, &str)> {
        tags.entities
            .iter()
            .map(|e| (e.kind, e.id.as_str()))
            .collect()
    }

    fn unplaced(text: &str) -> Entity {
        Entity {
            unresolved: Some("not in the gazetteer".into()),
            id: entity_id("place", text),
            ..Entity::mention(EntityType::Loc, 0, text.len(), text)
        }
    }

    #[test]
    fn a_place_put_nowhere_that_stories_name_as_someone_is_them() {
        let known = KnownPeople::default();
        for _ in 0..2 {
            known.observe(&tags(&[
                ("Qasem Soleimani", "Qasem Soleimani"),
                ("Barack Obama", "Barack Obama"),
            ]));
        }
        known.observe(&tags(&[("Antonin Scalia", "Antonin Scalia")]));
        let mut story = Annotations {
            entities: vec![
                unplaced("Qasem Soleimani"),
                unplaced("Obama"),
                unplaced("Antonin Scalia"),
            ],
            ..Annotations::default()
        };
        known.resolve(&mut story);
        let got = kinds_and_ids(&story);
        assert_eq!(
            got,
            [
                (EntityType::Person, "person:qasem-soleimani"),
                (EntityType::Person, "person:barack-obama"),
                // Named once elsewhere: not enough.
                (EntityType::Loc, "place:antonin-scalia"),
            ]
        );
        // A place on the map stays one, whoever bears its name.
        let mut mapped = Annotations {
            entities: vec![Entity {
                lat: Some(1.0),
                lon: Some(2.0),
                unresolved: None,
                ..unplaced("Obama")
            }],
            ..Annotations::default()
        };
        known.resolve(&mut mapped);
        assert_eq!(mapped.entities[0].kind, EntityType::Loc);
    }

    #[test]
    fn a_place_put_nowhere_that_stories_name_as_an_organisation_is_one() {
        let known = KnownPeople::default();
        for _ in 0..2 {
            known.observe(&Annotations {
                entities: vec![org("Drudge Report"), org("LiveLeak")],
                ..Annotations::default()
            });
        }
        let mut story = Annotations {
            entities: vec![unplaced("Drudge Report"), unplaced("Forbes")],
            ..Annotations::default()
        };
        known.resolve(&mut story);
        assert_eq!(
            kinds_and_ids(&story),
            [
                (EntityType::Org, "org:drudge-report"),
                (EntityType::Loc, "place:forbes"),
            ]
        );
    }

    #[test]
    fn a_full_name_a_story_took_for_an_organisation_is_the_person_others_named() {
        let known = KnownPeople::default();
        for _ in 0..2 {
            known.observe(&tags(&[("Angela Merkel", "Angela Merkel")]));
        }
        for _ in 0..2 {
            known.observe(&tags(&[("Morgan Stanley", "Morgan Stanley")]));
        }
        for _ in 0..3 {
            known.observe(&Annotations {
                entities: vec![org("Morgan Stanley")],
                ..Annotations::default()
            });
        }
        let mut story = Annotations {
            entities: vec![org("Angela Merkel"), org("Morgan Stanley")],
            ..Annotations::default()
        };
        known.observe(&story);
        known.resolve(&mut story);
        let got = kinds_and_ids(&story);
        // A bank a story once took for someone stays the bank the others named.
        assert_eq!(
            got,
            [
                (EntityType::Person, "person:angela-merkel"),
                (EntityType::Org, "org:morgan-stanley"),
            ]
        );
    }

    #[test]
    fn a_full_name_takes_the_spelling_most_stories_gave() {
        let known = KnownPeople::default();
        for _ in 0..2 {
            known.observe(&tags(&[
                ("Jarosław Kaczyński", "Jarosław Kaczyński"),
                ("John Bolton", "John Bolton"),
                ("George W. Bush", "George W. Bush"),
            ]));
        }
        let mut story = tags(&[
            ("Jaroslaw Kaczynski", "Jaroslaw Kaczynski"),
            ("John R. Bolton", "John R. Bolton"),
            ("Bolton", "John R. Bolton"),
            ("George H. W. Bush", "George H. W. Bush"),
            ("John Bolton Jr.", "John Bolton Jr."),
        ]);
        known.observe(&story);
        known.resolve(&mut story);
        let got: Vec<&str> = story
            .entities
            .iter()
            .map(|e| e.canonical.as_str())
            .collect();
        assert_eq!(
            got,
            [
                "Jarosław Kaczyński",
                "John Bolton",
                "John Bolton",
                // Other middle names, another generation: someone else.
                "George H. W. Bush",
                "John Bolton Jr.",
            ]
        );
        assert_eq!(story.entities[1].id, "person:john-bolton");
    }

    #[test]
    fn spellings_given_as_often_become_one_name() {
        let known = KnownPeople::default();
        let mut first = tags(&[("Abdel Fattah el-Sisi", "Abdel Fattah el-Sisi")]);
        known.observe(&first);
        known.resolve(&mut first);
        let mut second = tags(&[("Abdel Fattah al-Sisi", "Abdel Fattah al-Sisi")]);
        known.observe(&second);
        known.resolve(&mut second);
        assert_eq!(first.entities[0].canonical, "Abdel Fattah el-Sisi");
        assert_eq!(second.entities[0].canonical, "Abdel Fattah el-Sisi");
        assert_eq!(second.entities[0].id, first.entities[0].id);
        // Seen once each, the spelling with its accents is the name.
        let known = KnownPeople::default();
        let mut plain = tags(&[("Lech Walesa", "Lech Walesa")]);
        known.observe(&tags(&[("Lech Wałęsa", "Lech Wałęsa")]));
        known.observe(&plain);
        known.resolve(&mut plain);
        assert_eq!(plain.entities[0].canonical, "Lech Wałęsa");
    }

    #[test]
    fn a_full_name_is_never_taken_for_anothers() {
        let known = KnownPeople::default();
        known.observe(&tags(&[("Joe Biden", "Joe Biden")]));
        let mut other = tags(&[("Hunter Biden", "Hunter Biden")]);
        known.resolve(&mut other);
        assert_eq!(other.entities[0].canonical, "Hunter Biden");
    }
}
