//! Scores where the tagger puts the places of a story on the map, against
//! hand-labelled bundled stories (`eval/places_sample.tsv`, documented in
//! `eval/README.md`).
//!
//! The sample lists every place name written in each story once, as written,
//! with the place it names (ISO 3166 alpha-2 code and GeoNames name) or none
//! (a region, a building, a person named like a town). Each row is judged by
//! the tagger's **first** mention with exactly that text (case-sensitive):
//! the tagger resolves a name once per story, and the first mention (most
//! often the headline) is the one a reader sees first. A mention with a point
//! (lat/lon) is right when its country and canonical name are the labelled
//! ones; names are compared as written, as the labels take them from the same
//! GeoNames files the tagger's gazetteer is built from.
//!
//! Precision is over the rows the tagger gave a point (a point for a name
//! labelled "no place" is wrong), recall over the rows labelled with a place;
//! `found` counts labelled places the tagger tagged at all, as anything.

use std::fmt;
use std::io::BufRead;

use crate::Tagger;
use crate::annotations::{Entity, EntityType};
use crate::attribution_eval::PairCounts;
use crate::error::TagError;

/// A point on the map as the sample names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// GeoNames English name.
    pub name: String,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The tagger puts continents on the map with no country.
        if self.country.is_empty() {
            return write!(f, "{}", self.name);
        }
        write!(f, "{} {}", self.country, self.name)
    }
}

/// Reads `CC Name` ("US Georgia").
fn read_place(answer: &str) -> Result<Place, String> {
    let bad = || format!("{answer:?} is not a place \"CC Name\" (or - for none)");
    let (country, name) = answer.split_once(' ').ok_or_else(bad)?;
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(bad());
    }
    if name.trim().is_empty() {
        return Err(bad());
    }
    Ok(Place {
        country: country.to_string(),
        name: name.trim().to_string(),
    })
}

/// One labelled place name of a story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledPlace {
    /// Story id in the bundled corpus.
    pub id: String,
    /// The name as written in the story.
    pub written: String,
    /// The places it may be; empty when it is no point on the map.
    pub places: Vec<Place>,
}

/// Reads the place sample: `id<TAB>name as written<TAB>CC Name` per line
/// (alternatives split by `|`, `-` for no point on the map).
pub fn read_place_sample(input: impl BufRead) -> Result<Vec<LabelledPlace>, TagError> {
    Ok(crate::eval::read_answer_rows(input, read_place)?
        .into_iter()
        .map(|(id, written, places)| LabelledPlace {
            id,
            written,
            places,
        })
        .collect())
}

/// What the tagger made of one labelled name.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// No entity with that text.
    Missed,
    /// Tagged as something other than a place (a person, an organisation, a
    /// demonym), with no point.
    OtherType(EntityType),
    /// Tagged a place with no point; the tagger's reason, if it gives one.
    Unresolved(Option<String>),
    /// Put on the map at this place.
    Point(Place),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Missed => write!(f, "missed"),
            Outcome::OtherType(t) => write!(f, "typed {}", t.as_str()),
            Outcome::Unresolved(Some(why)) => write!(f, "unresolved ({why})"),
            Outcome::Unresolved(None) => write!(f, "unresolved"),
            Outcome::Point(p) => write!(f, "given {p}"),
        }
    }
}

/// The outcome of the first of `entities` written as `written`.
fn outcome(entities: &[Entity], written: &str) -> Outcome {
    let first = entities
        .iter()
        .filter(|e| e.text == written)
        .min_by_key(|e| e.start);
    let Some(e) = first else {
        return Outcome::Missed;
    };
    if e.lat.is_some() && e.lon.is_some() {
        return Outcome::Point(Place {
            country: e.country.clone().unwrap_or_default(),
            name: e.canonical.clone(),
        });
    }
    match e.kind {
        EntityType::Loc => Outcome::Unresolved(e.unresolved.clone()),
        other => Outcome::OtherType(other),
    }
}

/// A labelled name the tagger got wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceError {
    /// The story it is in.
    pub id: String,
    /// The name as written.
    pub written: String,
    /// The labelled places, empty for none.
    pub places: Vec<Place>,
    /// What the tagger made of it.
    pub outcome: Outcome,
}

impl fmt::Display for PlaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let labelled: Vec<String> = self.places.iter().map(Place::to_string).collect();
        let labelled = if labelled.is_empty() {
            "-".to_string()
        } else {
            labelled.join("|")
        };
        write!(
            f,
            "{}\t{:?}\tlabelled {labelled}\t{}",
            self.id, self.written, self.outcome
        )
    }
}

/// How the labelled names fared, one count per row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlaceCounts {
    /// Places given their labelled point.
    pub right: usize,
    /// Places given another point.
    pub elsewhere: usize,
    /// Places tagged a place but given no point.
    pub unresolved: usize,
    /// Places tagged as a person, organisation or demonym.
    pub other_type: usize,
    /// Places not tagged at all.
    pub missed: usize,
    /// Names labelled no place that the tagger kept off the map.
    pub kept_off: usize,
    /// Names labelled no place that the tagger put on the map.
    pub put_on: usize,
}

/// The place score: pairs are (labelled name, map point).
#[derive(Debug, Clone, Default)]
pub struct PlaceReport {
    /// Precision, recall and what was found, as for quotes and figures.
    pub pairs: PairCounts,
    /// The outcome of every row.
    pub counts: PlaceCounts,
    /// Each name the tagger got wrong, in sample order.
    pub errors: Vec<PlaceError>,
}

impl PlaceReport {
    /// Counts one labelled name with what the tagger made of it.
    fn add(&mut self, label: &LabelledPlace, outcome: Outcome) {
        let (pairs, counts) = (&mut self.pairs, &mut self.counts);
        let right = match (&outcome, label.places.is_empty()) {
            (Outcome::Point(_), true) => {
                pairs.predicted_pairs += 1;
                counts.put_on += 1;
                false
            }
            (_, true) => {
                counts.kept_off += 1;
                true
            }
            (Outcome::Point(given), false) => {
                pairs.gold_pairs += 1;
                pairs.predicted_pairs += 1;
                pairs.found += 1;
                let right = label.places.contains(given);
                if right {
                    pairs.correct += 1;
                    counts.right += 1;
                } else {
                    counts.elsewhere += 1;
                }
                right
            }
            (other, false) => {
                pairs.gold_pairs += 1;
                match other {
                    Outcome::Missed => counts.missed += 1,
                    Outcome::Unresolved(_) => counts.unresolved += 1,
                    _ => counts.other_type += 1,
                }
                pairs.found += usize::from(*other != Outcome::Missed);
                false
            }
        };
        if !right {
            self.errors.push(PlaceError {
                id: label.id.clone(),
                written: label.written.clone(),
                places: label.places.clone(),
                outcome,
            });
        }
    }
}

/// Tags each labelled story found in `corpus` (id, headline, body) and scores
/// the places of its labelled names.
pub fn evaluate_places(
    tagger: &Tagger,
    sample: &[LabelledPlace],
    corpus: &[(String, String, String)],
) -> PlaceReport {
    let mut report = PlaceReport::default();
    let ids = sample.iter().map(|p| p.id.as_str()).collect();
    for (id, headline, body) in report.pairs.stories_of(ids, corpus) {
        let entities = tagger.tag_story(headline, body).entities;
        for label in sample.iter().filter(|p| p.id == id) {
            report.add(label, outcome(&entities, &label.written));
        }
    }
    report
}

impl fmt::Display for PlaceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.pairs
            .describe(f, "place → map point", "labelled places tagged at all")?;
        let c = &self.counts;
        write!(
            f,
            "\nof {} places: {} right, {} elsewhere, {} unresolved, {} typed other, {} missed; \
             of {} names of no place: {} put on the map",
            self.pairs.gold_pairs,
            c.right,
            c.elsewhere,
            c.unresolved,
            c.other_type,
            c.missed,
            c.kept_off + c.put_on,
            c.put_on
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(country: &str, name: &str) -> Place {
        Place {
            country: country.into(),
            name: name.into(),
        }
    }

    fn at(text: &str, start: usize, kind: EntityType, point: Option<Place>) -> Entity {
        let mut e = Entity::mention(kind, start, start + text.chars().count(), text);
        if let Some(p) = point {
            e.lat = Some(1.0);
            e.lon = Some(2.0);
            e.country = Some(p.country);
            e.canonical = p.name;
        }
        e
    }

    #[test]
    fn each_row_is_judged_by_its_first_mention_and_counted_once() {
        let entities = vec![
            // Out of text order: the one at 0 is the first mention.
            at("Georgia", 40, EntityType::Loc, Some(place("GE", "Georgia"))),
            at("Georgia", 0, EntityType::Loc, Some(place("US", "Georgia"))),
            at("Paris", 10, EntityType::Person, None),
            at("Madrid", 20, EntityType::Loc, Some(place("ES", "Madrid"))),
            at("Elbow Cay", 30, EntityType::Loc, None),
            at("Mars", 50, EntityType::Loc, Some(place("US", "Mars"))),
        ];
        let sample = "# t\n\
                      s\tGeorgia\tUS Georgia\n\
                      s\tParis\t-\n\
                      s\tMadrid\tPH Madrid\n\
                      s\tElbow Cay\tBS Elbow Cay\n\
                      s\tTyler\tUS Tyler\n\
                      s\tMars\t-\n\
                      s\tBerlin\tDE Berlin|US Berlin\n";
        let labels = read_place_sample(sample.as_bytes()).unwrap();
        let mut report = PlaceReport::default();
        for l in &labels {
            report.add(l, outcome(&entities, &l.written));
        }
        let c = report.counts;
        assert_eq!(
            (c.right, c.elsewhere, c.unresolved, c.other_type, c.missed),
            (1, 1, 1, 0, 2)
        );
        assert_eq!((c.kept_off, c.put_on), (1, 1));
        // Points given: Georgia, Madrid, Mars; right: Georgia.
        assert_eq!(report.pairs.predicted_pairs, 3);
        assert_eq!(report.pairs.gold_pairs, 5);
        assert_eq!(report.pairs.found, 3);
        assert!((report.pairs.precision() - 1.0 / 3.0).abs() < 1e-9);
        assert!((report.pairs.recall() - 0.2).abs() < 1e-9);
        let wrong: Vec<&str> = report.errors.iter().map(|e| e.written.as_str()).collect();
        assert_eq!(wrong, ["Madrid", "Elbow Cay", "Tyler", "Mars", "Berlin"]);
        assert_eq!(
            report.errors[0].to_string(),
            "s\t\"Madrid\"\tlabelled PH Madrid\tgiven ES Madrid"
        );
    }

    #[test]
    fn a_name_typed_as_something_else_counts_as_found_but_not_placed() {
        let entities = vec![at("Jordan", 0, EntityType::Person, None)];
        let labels = read_place_sample("s\tJordan\tJO Jordan\n".as_bytes()).unwrap();
        let mut report = PlaceReport::default();
        report.add(&labels[0], outcome(&entities, "Jordan"));
        assert_eq!(report.counts.other_type, 1);
        assert_eq!((report.pairs.found, report.pairs.predicted_pairs), (1, 0));
    }

    #[test]
    fn bad_places_are_refused_naming_the_line() {
        for bad in [
            "s\tParis\tParis\n",
            "s\tParis\tfr Paris\n",
            "s\tParis\tFR \n",
            "s\tParis\n",
        ] {
            let text = format!("# c\n{bad}");
            let err = read_place_sample(text.as_bytes()).unwrap_err();
            assert!(err.to_string().contains("line 2"), "{bad:?}: {err}");
        }
        let ok = read_place_sample("s\tGeorgia\tUS Georgia|GE Georgia\n".as_bytes()).unwrap();
        assert_eq!(
            ok[0].places,
            [place("US", "Georgia"), place("GE", "Georgia")]
        );
    }
}
