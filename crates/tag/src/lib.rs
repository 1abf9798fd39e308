//! Tagging for newsterm: finds the people, organisations and places in a story
//! (places resolved to GeoNames entries with coordinates; demonyms to their country),
//! its quotes with their speakers, its figures, its topics (IPTC Media Topics plus
//! newsterm's mnemonic codes), extractive highlights and its language.
//!
//! Everything runs offline and synchronously: the entity model (an averaged
//! perceptron trained by `examples/train.rs`) and the compact gazetteer are compiled
//! into the binary and loaded by [`Tagger::load`]. [`eval`] scores the tagger against
//! gold data and [`tag_jsonl`] is the `newsterm tag` stdin/stdout contract.

pub mod annotations;
mod entities;
pub mod error;
pub mod eval;
mod features;
mod gazetteer;
mod perceptron;
mod token;
pub mod topics;
pub mod training;

pub use annotations::{
    Annotations, Entity, EntityType, Figure, FigureKind, Highlight, Quote, QuoteKind, Topic,
};
pub use error::TagError;

use entities::EntityTagger;
use features::DocView;
use gazetteer::Gazetteer;
use perceptron::Model;
use topics::TopicModel;

/// A loaded tagger. Loading takes a few tens of milliseconds; tagging is `&self`, so
/// one tagger can serve many threads.
pub struct Tagger {
    model: Model,
    gazetteer: Gazetteer,
    topics: TopicModel,
}

impl Tagger {
    /// Builds a tagger from data files in the shipped formats (all gzipped): the entity
    /// model, `places.tsv.gz`, `country_names.tsv.gz` and `mediatopics.tsv.gz`.
    pub fn from_data(
        model: &[u8],
        places: &[u8],
        country_names: &[u8],
        topics: &[u8],
    ) -> Result<Tagger, TagError> {
        Ok(Tagger {
            model: Model::from_gz(model)?,
            gazetteer: Gazetteer::from_gz(places, country_names)?,
            topics: TopicModel::from_gz(topics)?,
        })
    }

    /// Tags one text (a headline, a blank line and the body, as stories are written).
    pub fn tag(&self, text: &str) -> Annotations {
        let view = DocView::new(text, &self.gazetteer);
        let entities = EntityTagger {
            model: &self.model,
            gazetteer: &self.gazetteer,
        }
        .entities(&view);
        let words: Vec<String> = (0..view.len())
            .filter(|&i| {
                view.word(i)
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric)
            })
            .map(|i| topics::stem(view.word(i)))
            .collect();
        let topics = self.topics.topics(&words, 0);
        Annotations {
            language: "en".into(),
            tagged: true,
            entities,
            topics,
            ..Annotations::default()
        }
    }
}
