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
pub mod attribution_eval;
mod clusters;
mod entities;
pub mod error;
pub mod eval;
mod features;
mod figures;
mod gazetteer;
mod highlights;
mod jsonl;
mod language;
mod people;
mod perceptron;
pub mod place_eval;
mod places;
mod quotes;
mod token;
pub mod topic_eval;
pub mod topics;
pub mod training;
mod word_lists;

pub use annotations::{
    Annotations, Entity, EntityType, Figure, FigureKind, Highlight, Quote, QuoteKind, Topic,
};
pub use clusters::ClusterOptions;
pub use error::TagError;
pub use jsonl::{MAX_LINE_BYTES, Summary, tag_jsonl};
pub use people::{KnownPeople, MAX_KNOWN_NAMES};

use clusters::WordClusters;
use entities::EntityTagger;
use features::DocView;
use gazetteer::Gazetteer;
use newsterm_story::StoryContent;
use perceptron::Model;
use topics::{TopicModel, TopicWord};
use word_lists::WordList;

/// Version of the tagger's output: raised whenever the model, the gazetteer or the
/// rules change what a story is tagged with, so that stories tagged by an older
/// version can be found (`Tags::version`) and tagged again.
pub const VERSION: u32 = 217;

/// A loaded tagger. Loading takes a few tens of milliseconds; tagging is `&self`, so
/// one tagger can serve many threads.
pub struct Tagger {
    model: Model,
    gazetteer: Gazetteer,
    clusters: WordClusters,
    topics: TopicModel,
    common_words: WordList,
    surnames: WordList,
}

/// The shipped data, compiled in so that the binary needs no files at run time.
const MODEL: &[u8] = include_bytes!("../data/ner_model.bin.gz");
const PLACES: &[u8] = include_bytes!("../data/places.tsv.gz");
const COUNTRY_NAMES: &[u8] = include_bytes!("../data/country_names.tsv.gz");
const LEXICON: &[u8] = include_bytes!("../data/lexicon.tsv.gz");
const MEDIA_TOPICS: &[u8] = include_bytes!("../data/mediatopics.tsv.gz");
const CLUSTERS: &[u8] = include_bytes!("../data/clusters.tsv.gz");
const COMMON_WORDS: &[u8] = include_bytes!("../data/common_words.txt.gz");
const SURNAMES: &[u8] = include_bytes!("../sources/us_census_1990_surnames.txt.gz");

/// The shipped data files, each gzipped, as [`Tagger::from_data`] reads them.
pub struct DataFiles {
    /// GeoNames places (`places.tsv.gz`).
    pub places: Vec<u8>,
    /// mledoze country names and demonyms (`country_names.tsv.gz`).
    pub country_names: Vec<u8>,
    /// Organisation names and first names from the training annotations
    /// (`lexicon.tsv.gz`).
    pub lexicon: Vec<u8>,
    /// Active IPTC Media Topics (`mediatopics.tsv.gz`).
    pub topics: Vec<u8>,
    /// Word classes learned from unlabelled text (`clusters.tsv.gz`).
    pub clusters: Vec<u8>,
}

impl Tagger {
    /// Loads the shipped model, gazetteer and topics.
    pub fn load() -> Result<Tagger, TagError> {
        Tagger::read(
            MODEL,
            PLACES,
            COUNTRY_NAMES,
            LEXICON,
            MEDIA_TOPICS,
            CLUSTERS,
        )
    }

    /// Builds a tagger from an entity model and data files in the shipped formats.
    pub fn from_data(model: &[u8], data: &DataFiles) -> Result<Tagger, TagError> {
        Tagger::read(
            model,
            &data.places,
            &data.country_names,
            &data.lexicon,
            &data.topics,
            &data.clusters,
        )
    }

    /// Reads the parts from their files. The gazetteer is most of the
    /// work (three quarters of a load): it is built on a thread of its own
    /// beside the rest, since every server start and command waits for it.
    fn read(
        model: &[u8],
        places: &[u8],
        country_names: &[u8],
        lexicon: &[u8],
        topics: &[u8],
        clusters: &[u8],
    ) -> Result<Tagger, TagError> {
        std::thread::scope(|scope| {
            let gazetteer = scope.spawn(|| Gazetteer::from_gz(places, country_names, lexicon));
            let mut model = Model::from_gz(model)?;
            let clusters = WordClusters::from_gz(clusters)?;
            let topics = TopicModel::from_gz(topics)?;
            let common_words = WordList::from_gz("common words", COMMON_WORDS)?;
            let surnames = WordList::from_gz("surnames", SURNAMES)?;
            let gazetteer = match gazetteer.join() {
                Ok(built) => built?,
                // A panic while reading shipped data is a bug: the caller's
                // thread goes on with it.
                Err(panic) => std::panic::resume_unwind(panic),
            };
            // The model's share of the scores of every word the word
            // classes know, summed in advance ([`Model::remember_texts`]).
            let words = clusters.words().collect::<Vec<_>>().join("\n");
            model.remember_texts(&DocView::new(&words, &gazetteer, &clusters));
            Ok(Tagger {
                model,
                gazetteer,
                clusters,
                topics,
                common_words,
                surnames,
            })
        })
    }

    /// Tags one text (for a story: the headline, a blank line, then the body; a
    /// first paragraph of one short line is taken for the headline).
    pub fn tag(&self, text: &str) -> Annotations {
        let headline = text
            .find("\n\n")
            .filter(|&i| i <= 300 && !text[..i].contains('\n'))
            .unwrap_or(0);
        self.annotate(text, headline, None, None)
    }

    /// Tags a story given as headline and body. Offsets refer to the text
    /// `headline + "\n\n" + body`; headline words weigh double for topics.
    pub fn tag_story(&self, headline: &str, body: &str) -> Annotations {
        let text = format!("{headline}\n\n{body}");
        self.annotate(&text, headline.len(), None, None)
    }

    /// Tags a story's content. Spans point into [`StoryContent::tagging_text`]:
    /// the headline, then the bullets, paragraphs and subheads, each after a blank
    /// line. The place of its dateline field goes to `Tags::dateline` and also
    /// settles ambiguous places in the text.
    pub fn tag_content(&self, content: &StoryContent) -> Annotations {
        self.tag_content_with(content, None)
    }

    /// [`Tagger::tag_content`], the rules asking `people` whom other stories
    /// named, where given.
    fn tag_content_with(
        &self,
        content: &StoryContent,
        people: Option<&KnownPeople>,
    ) -> Annotations {
        let text = content.tagging_text();
        let dateline = content
            .dateline
            .as_deref()
            .and_then(|d| self.gazetteer.dateline_place(d));
        let mut tags = self.annotate(&text, content.headline.len(), dateline.as_ref(), people);
        tags.dateline = dateline;
        tags
    }

    /// [`Tagger::tag_content`], with people named by one word alone resolved
    /// through the full names other stories gave them (and this story's full
    /// names remembered for the next), so one person has one canonical name and
    /// id across stories (see [`KnownPeople`]).
    pub fn tag_content_known(&self, content: &StoryContent, people: &KnownPeople) -> Annotations {
        let mut tags = self.tag_content_with(content, Some(people));
        people.observe(&tags);
        people.resolve(&mut tags);
        tags
    }

    /// The entity passes over this tagger's model and word lists.
    fn entity_tagger<'a>(&'a self, people: Option<&'a KnownPeople>) -> EntityTagger<'a> {
        EntityTagger {
            model: &self.model,
            gazetteer: &self.gazetteer,
            clusters: &self.clusters,
            common_words: &self.common_words,
            surnames: &self.surnames,
            people,
        }
    }

    /// `headline_bytes`: how much of the start of `text` is headline;
    /// `people`, whom other stories named, where the caller keeps them.
    fn annotate(
        &self,
        text: &str,
        headline_bytes: usize,
        dateline: Option<&Entity>,
        people: Option<&KnownPeople>,
    ) -> Annotations {
        let language = language::detect(text);
        if language != "en" {
            return Annotations {
                version: VERSION,
                language: language.to_string(),
                tagged: false,
                ..Annotations::default()
            };
        }
        let view = DocView::new(text, &self.gazetteer, &self.clusters);
        let entities = self.entity_tagger(people).entities(&view, dateline);
        let quotes = quotes::quotes(&view, &view.sentences, &entities);
        let figures = figures::figures(&view);
        let highlights = highlights::highlights(&view, &view.sentences, &entities, &figures);
        let topics = self.topics(&view, &entities, headline_bytes);
        Annotations {
            version: VERSION,
            language: language.to_string(),
            tagged: true,
            entities,
            quotes,
            figures,
            topics,
            highlights,
            dateline: None,
        }
    }
}

impl Tagger {
    /// The topics of a document: its words, names marked (they are no evidence
    /// except for cues that are names), with where the headline and the lede end.
    fn topics(&self, view: &DocView, entities: &[Entity], headline_bytes: usize) -> Vec<Topic> {
        let mut in_name = vec![false; view.len()];
        for e in entities {
            for (i, t) in view.tokens.iter().enumerate().skip(view.token_at(e.start)) {
                if t.cstart >= e.end {
                    break;
                }
                in_name[i] = true;
            }
        }
        let mut headline = 0;
        let words: Vec<TopicWord> = (0..view.len())
            .filter(|&i| {
                view.word(i)
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric)
            })
            .inspect(|&i| headline += usize::from(view.tokens[i].end <= headline_bytes))
            .map(|i| TopicWord {
                stem: topics::stem_lower(&view.lower[i]),
                in_name: in_name[i],
            })
            .collect();
        // The lede: the first words after the headline, where news puts the gist.
        let lede_end = (headline + LEDE_WORDS).min(words.len());
        self.topics.topics(&words, headline, lede_end)
    }
}

/// How many words after the headline count as the lede for topics.
const LEDE_WORDS: usize = 60;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn tagger() -> &'static Tagger {
        static TAGGER: OnceLock<Tagger> = OnceLock::new();
        TAGGER.get_or_init(|| Tagger::load().expect("shipped data loads"))
    }

    fn entity<'a>(ann: &'a Annotations, text: &str) -> Option<&'a Entity> {
        ann.entities.iter().find(|e| e.text == text)
    }

    const STORY: &str = "Ruritania and Borduria resume talks in Geneva\n\n\
        Foreign Minister Jane Halloway of Ruritania met Bordurian officials in Geneva on Monday. \
        \"We are ready to discuss a ceasefire, but not at any price,\" Halloway told reporters. \
        Russian troops have massed near the border, and more than 300,000 people have fled the fighting, \
        according to the United Nations. About 70 percent of the refugees are children. \
        The European Union pledged $5.5 million in aid, Halloway said.";

    /// Texts the summed-in-advance tables must treat as any other: an empty
    /// one, one token, names at both edges, repeats, words the word classes
    /// do not know.
    const EDGE_TEXTS: [&str; 5] = [
        "",
        "Reuters",
        "Zyxquor Blenheim-Vatz met Qorvath in Ulaanbaatar, said Zyxquor",
        "The the THE the. \"Quoted,\" she said -- 3,000 (U.S.) !",
        STORY,
    ];

    #[test]
    fn a_tokens_features_are_its_own_its_neighbours_and_its_contexts() {
        let t = tagger();
        let (mut whole, mut parts, mut one) = (Vec::new(), Vec::new(), Vec::new());
        for text in EDGE_TEXTS {
            let view = DocView::new(text, &t.gazetteer, &t.clusters);
            for i in 0..view.len() {
                for history in [None, Some(1)] {
                    view.features(i, history, &mut whole);
                    parts.clear();
                    view.own_features(i, &mut parts);
                    for role in features::Neighbour::ALL {
                        one.clear();
                        view.neighbour_features(i as isize + role.offset, role, &mut one);
                        parts.extend_from_slice(&one);
                    }
                    view.context_features(i, history, &mut parts);
                    whole.sort_unstable();
                    parts.sort_unstable();
                    assert_eq!(whole, parts, "token {i} of {text:?}");
                }
            }
        }
    }

    #[test]
    fn texts_summed_in_advance_change_no_tag() {
        let t = tagger();
        let fresh = Model::from_gz(MODEL).expect("shipped model loads");
        for text in EDGE_TEXTS {
            let view = DocView::new(text, &t.gazetteer, &t.clusters);
            let each = t.model.tag_feature_by_feature(&view);
            assert_eq!(t.model.tag(&view), each, "{text:?}");
            assert_eq!(fresh.tag(&view), each, "{text:?}");
        }
        assert!(t.model.remembered_texts() > 10_000);
        assert_eq!(fresh.remembered_texts(), 0);
    }

    #[test]
    fn a_title_becomes_the_role_and_stays_out_of_the_name() {
        let ann = tagger().tag(STORY);
        let jane = entity(&ann, "Jane Halloway").expect("the full name is a PERSON");
        assert_eq!(jane.kind, EntityType::Person);
        assert_eq!(jane.role.as_deref(), Some("Foreign Minister"));
        assert!(entity(&ann, "Foreign Minister Jane Halloway").is_none());
    }

    #[test]
    fn a_surname_mention_resolves_to_the_full_name() {
        let ann = tagger().tag(STORY);
        let later: Vec<&Entity> = ann
            .entities
            .iter()
            .filter(|e| e.text == "Halloway")
            .collect();
        assert!(!later.is_empty());
        assert!(
            later
                .iter()
                .all(|e| e.kind == EntityType::Person && e.canonical == "Jane Halloway")
        );
    }

    #[test]
    fn demonyms_resolve_to_their_country() {
        let ann = tagger().tag(STORY);
        let russian = entity(&ann, "Russian").expect("demonym found");
        assert_eq!(russian.kind, EntityType::Norp);
        assert_eq!(russian.canonical, "Russia");
        assert_eq!(russian.country.as_deref(), Some("RU"));
        assert!(russian.lat.is_some() && russian.lon.is_some());
    }

    #[test]
    fn places_carry_gazetteer_data() {
        let ann = tagger().tag(STORY);
        let geneva = entity(&ann, "Geneva").expect("city found");
        assert_eq!(geneva.kind, EntityType::Loc);
        assert_eq!(geneva.country.as_deref(), Some("CH"));
        assert!(geneva.geonames_id.is_some());
        let lat = geneva.lat.unwrap_or_default();
        assert!((46.0..46.5).contains(&lat), "Geneva's latitude, got {lat}");
    }

    #[test]
    fn ambiguous_place_names_follow_the_story_context() {
        let alone = tagger().tag("Protesters gathered in Paris on Saturday, police said.");
        assert_eq!(
            entity(&alone, "Paris").and_then(|e| e.country.as_deref()),
            Some("FR")
        );
        let texas = tagger()
            .tag("A tornado struck Paris, Texas, on Saturday, destroying homes across Texas.");
        assert_eq!(
            entity(&texas, "Paris").and_then(|e| e.country.as_deref()),
            Some("US")
        );

        let state = tagger().tag("Flooding hit Atlanta and Savannah in Georgia, where the governor declared an emergency.");
        let georgia = entity(&state, "Georgia").expect("Georgia found");
        assert_eq!(georgia.country.as_deref(), Some("US"));
        let country = tagger().tag(
            "Protesters filled the streets of Tbilisi as Georgia's parliament voted on the law.",
        );
        assert_eq!(
            entity(&country, "Georgia").and_then(|e| e.country.as_deref()),
            Some("GE")
        );
    }

    #[test]
    fn quotes_get_their_speakers() {
        let ann = tagger().tag(STORY);
        let direct = ann
            .quotes
            .iter()
            .find(|q| q.kind == QuoteKind::Direct)
            .expect("direct quote");
        assert!(direct.text.starts_with("We are ready"));
        assert_eq!(direct.speaker.as_deref(), Some("Jane Halloway"));
        let reported = ann
            .quotes
            .iter()
            .find(|q| q.kind == QuoteKind::Reported && q.text.contains("pledged"));
        assert_eq!(
            reported.and_then(|q| q.speaker.as_deref()),
            Some("Jane Halloway")
        );
    }

    #[test]
    fn reported_speech_starts_after_its_that() {
        let ann = tagger().tag(
            "Talks go on\n\nForeign Minister Jane Halloway said in Geneva on Monday that the \
             talks would continue. Halloway said the plan that was agreed would hold.",
        );
        let texts: Vec<&str> = ann.quotes.iter().map(|q| q.text.as_str()).collect();
        assert!(texts.contains(&"the talks would continue"), "{texts:?}");
        // A relative "that" is part of what was said, not its start.
        assert!(
            texts.contains(&"the plan that was agreed would hold"),
            "{texts:?}"
        );
    }

    #[test]
    fn figures_have_values_units_and_what_they_count() {
        let ann = tagger().tag(STORY);
        let find = |t: &str| ann.figures.iter().find(|f| f.text == t);
        let people = find("300,000").expect("count");
        assert_eq!(
            (people.kind, people.value, people.what.as_deref()),
            (FigureKind::Count, 300_000.0, Some("people"))
        );
        let share = find("70 percent").expect("percentage");
        assert_eq!(
            (share.kind, share.what.as_deref()),
            (FigureKind::Percent, Some("refugees"))
        );
        let money = find("$5.5 million").expect("money");
        assert_eq!(
            (money.kind, money.value, money.unit.as_deref()),
            (FigureKind::Money, 5_500_000.0, Some("USD"))
        );
    }

    #[test]
    fn topics_follow_the_story() {
        let war = tagger().tag(STORY);
        let codes: Vec<&str> = war.topics.iter().map(|t| t.code.as_str()).collect();
        assert!(codes.contains(&"CONFLICT"), "{codes:?}");
        assert!(codes.contains(&"medtop:16000000"), "{codes:?}");
        assert!(!codes.contains(&"SPORT"));
        let vote = tagger().tag(
            "Voters head to the polls\n\nMillions of voters cast their ballots on Sunday in a presidential election. \
             The two candidates campaigned until late on Saturday, and polling stations close at 8 pm.",
        );
        let top = vote.topics.first().map(|t| t.code.as_str());
        assert!(
            vote.topics.iter().any(|t| t.code == "ELECTION"),
            "{:?}",
            vote.topics
        );
        assert!(vote.topics.iter().all(|t| (0.0..=1.0).contains(&t.score)));
        assert_ne!(top, Some("CONFLICT"));
    }

    #[test]
    fn highlights_are_two_or_three_sentences_in_story_order() {
        let ann = tagger().tag(STORY);
        assert!(
            (2..=3).contains(&ann.highlights.len()),
            "{:?}",
            ann.highlights
        );
        assert!(ann.highlights.windows(2).all(|w| w[0].start < w[1].start));
        assert!(
            ann.highlights[0]
                .text
                .starts_with("Foreign Minister Jane Halloway")
        );
        assert!(ann.highlights.iter().all(|h| !h.text.contains('\n')));
    }

    #[test]
    fn other_languages_are_detected_and_left_untagged() {
        let ann = tagger().tag("Le gouvernement a annoncé lundi que les négociations avec les syndicats ont échoué à Paris.");
        assert_eq!(ann.language, "fr");
        assert!(!ann.tagged);
        assert!(ann.entities.is_empty());
        assert!(tagger().tag(STORY).tagged);
    }

    #[test]
    fn offsets_count_chars_not_bytes() {
        let text = "Café owners in Zürich said Angela Merkel visited Berlin.";
        let ann = tagger().tag(text);
        let chars: Vec<char> = text.chars().collect();
        assert!(!ann.entities.is_empty());
        for e in &ann.entities {
            assert_eq!(chars[e.start..e.end].iter().collect::<String>(), e.text);
        }
        assert!(entity(&ann, "Berlin").is_some());
    }

    #[test]
    fn tag_story_offsets_cover_headline_and_body() {
        let ann = tagger().tag_story(
            "Storm hits Atlanta",
            "A storm hit Atlanta on Tuesday, killing three people.",
        );
        let text = "Storm hits Atlanta\n\nA storm hit Atlanta on Tuesday, killing three people.";
        let chars: Vec<char> = text.chars().collect();
        for e in &ann.entities {
            assert_eq!(chars[e.start..e.end].iter().collect::<String>(), e.text);
        }
        assert!(
            ann.entities
                .iter()
                .any(|e| e.start > 20 && e.text == "Atlanta")
        );
    }

    #[test]
    fn the_jsonl_contract_reports_bad_lines_and_carries_on() {
        let mut input = Vec::new();
        input.extend_from_slice(b"{\"id\":\"a\",\"text\":\"Angela Merkel visited Paris.\"}\n");
        input.extend_from_slice(b"not json\n\n");
        input.extend_from_slice(b"\xff\xfe\n");
        input.extend_from_slice(b"{\"id\":7}\n");
        let big = "The minister visited Paris and said the talks went well. ".repeat(18_000);
        input.extend_from_slice(
            serde_json::json!({"id": "big", "text": big})
                .to_string()
                .as_bytes(),
        );
        input.push(b'\n');
        let mut out = Vec::new();
        let summary = tag_jsonl(tagger(), input.as_slice(), &mut out).expect("in-memory I/O");
        assert_eq!((summary.lines, summary.tagged, summary.errors), (5, 2, 3));
        let lines: Vec<serde_json::Value> = out
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).expect("every output line is JSON"))
            .collect();
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[0]["id"], "a");
        assert!(
            lines[0]["entities"]
                .as_array()
                .is_some_and(|e| !e.is_empty())
        );
        assert_eq!(lines[1]["line"], 2);
        assert_eq!(lines[2]["line"], 4);
        assert!(
            lines[2]["error"]
                .as_str()
                .is_some_and(|e| e.contains("UTF-8"))
        );
        assert_eq!(lines[3]["line"], 5);
        assert_eq!(lines[4]["id"], "big");
        assert!(big.len() > 1_000_000);
        assert!(
            lines[4]["entities"]
                .as_array()
                .is_some_and(|e| e.len() >= 18_000)
        );
    }
}
