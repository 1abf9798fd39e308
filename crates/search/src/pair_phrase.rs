//! A phrase of two frequent words answered from the word-pair fields.
//!
//! Tantivy answers a phrase by intersecting its words' posting lists and
//! reading their positions in every story holding them all: for a phrase
//! of the most frequent words ("of the", "said the") that is nearly every
//! story of the archive, and the slowest query there is. The pair fields
//! index each two neighbouring words that are both such words as one
//! term ([`crate::analyzer::PairsTokenizer`]), so their phrase is one
//! posting list: the stories holding the pair are exactly those the
//! phrase matches, and the pair's count in a story is the phrase's count
//! there. [`PairPhraseQuery`] scores them with the phrase's own BM25
//! weight (its words' statistics) and the words' field lengths, so each
//! story gets the score tantivy's `PhraseQuery` gives it, bit for bit,
//! and the staged tier ([`crate::score`]) agrees with both.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term};

/// Matches the stories holding `pair` in the pair field, scored as the
/// phrase of `words` in their own field.
#[derive(Clone, Debug)]
pub(crate) struct PairPhraseQuery {
    pair: Term,
    words: [Term; 2],
}

impl PairPhraseQuery {
    /// `pair` is the two words' pair term; `words` the two words, in order,
    /// in the field the phrase is about.
    pub fn new(pair: Term, words: [Term; 2]) -> PairPhraseQuery {
        PairPhraseQuery { pair, words }
    }
}

impl Query for PairPhraseQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let bm25 = match scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => Some(Bm25Weight::for_terms(statistics_provider, &self.words)?),
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(PairPhraseWeight {
            pair: self.pair.clone(),
            words_field: self.words[0].field(),
            bm25,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for word in &self.words {
            visitor(word, true);
        }
    }
}

struct PairPhraseWeight {
    pair: Term,
    words_field: tantivy::schema::Field,
    /// `None` when the search does not score.
    bm25: Option<Bm25Weight>,
}

impl PairPhraseWeight {
    fn pair_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<PairPhraseScorer>> {
        let Some(postings) = reader
            .inverted_index(self.pair.field())?
            .read_postings(&self.pair, IndexRecordOption::WithFreqs)?
        else {
            return Ok(None);
        };
        // As tantivy's phrase weight: the words' field lengths, or a
        // constant where the field keeps none.
        let fieldnorms = match reader.fieldnorms_readers().get_field(self.words_field)? {
            Some(fieldnorms) if self.bm25.is_some() => fieldnorms,
            _ => FieldNormReader::constant(reader.max_doc(), 1),
        };
        Ok(Some(PairPhraseScorer {
            postings,
            fieldnorms,
            bm25: self.bm25.as_ref().map(|w| w.boost_by(boost)),
        }))
    }
}

impl Weight for PairPhraseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.pair_scorer(reader, boost)? {
            Some(scorer) => Box::new(scorer),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let not_matching =
            || TantivyError::InvalidArgument(format!("document #{doc} does not match"));
        let mut scorer = self.pair_scorer(reader, 1.0)?.ok_or_else(not_matching)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(not_matching());
        }
        Ok(Explanation::new("phrase, by its word pair", scorer.score()))
    }
}

struct PairPhraseScorer {
    postings: SegmentPostings,
    fieldnorms: FieldNormReader,
    bm25: Option<Bm25Weight>,
}

impl DocSet for PairPhraseScorer {
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for PairPhraseScorer {
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(bm25) => {
                let norm = self.fieldnorms.fieldnorm_id(self.postings.doc());
                bm25.score(norm, self.postings.term_freq())
            }
            None => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use newsterm_query::Field;
    use newsterm_story::{Block, Story, StoryDraft};
    use tantivy::collector::TopDocs;
    use tantivy::query::PhraseQuery;
    use tantivy::{DocAddress, Term};
    use time::macros::datetime;

    use crate::compile::compile;

    /// Words from a small vocabulary, so that phrases repeat inside a
    /// story, words repeat beside themselves and pairs span the end of
    /// one bullet and the start of the next.
    fn text(rng: &mut fastrand::Rng, most: usize) -> String {
        const VOCABULARY: [&str; 6] = ["the", "of", "oil", "said", "Oil", "price"];
        (0..1 + rng.usize(..most))
            .map(|_| VOCABULARY[rng.usize(..VOCABULARY.len())])
            .collect::<Vec<_>>()
            .join(if rng.bool() { " " } else { ", " })
    }

    fn story(rng: &mut fastrand::Rng, seq: u64) -> Story {
        let now = datetime!(2024-06-01 0:00 UTC);
        let draft = StoryDraft {
            headline: Some(text(rng, 6)),
            bullets: (0..rng.usize(..3)).map(|_| text(rng, 4)).collect(),
            body: (0..1 + rng.usize(..3))
                .map(|_| Block::Paragraph(text(rng, 30)))
                .collect(),
            published: Some("2024-05-01T10:00:00Z".into()),
            ..Default::default()
        };
        Story {
            seq,
            ..Story::new(draft.validate(now).expect("valid test story"), now)
        }
    }

    #[test]
    fn phrases_read_from_pairs_match_and_score_as_positions_do() {
        let (index, fields, mut writer) = crate::schema::test_index();
        let mut rng = fastrand::Rng::with_seed(11);
        for seq in 1..=300 {
            writer
                .add_document(fields.document(&story(&mut rng, seq)))
                .expect("add");
            // Several segments, so the statistics span them.
            if seq % 100 == 0 {
                writer.commit().expect("commit");
            }
        }
        let searcher = index.reader().expect("reader").searcher();
        let top = |query: &dyn tantivy::query::Query| -> Vec<(DocAddress, u32)> {
            let mut hits: Vec<(DocAddress, u32)> = searcher
                .search(query, &TopDocs::with_limit(1_000).order_by_score())
                .expect("search")
                .into_iter()
                .map(|(score, address)| (address, score.to_bits()))
                .collect();
            hits.sort();
            hits
        };
        let vocabulary = ["the", "of", "oil", "said", "price"];
        let mut phrases_with_hits = 0;
        for len in 2..=4 {
            for _ in 0..40 {
                let terms: Vec<String> = (0..len)
                    .map(|_| vocabulary[rng.usize(..vocabulary.len())].to_string())
                    .collect();
                for field in Field::TEXT_PARTS {
                    let query = newsterm_query::Query::Phrase {
                        field,
                        terms: terms.clone(),
                    };
                    let by_pairs = top(compile(&query, &fields).as_ref());
                    let words = fields.get(field).expect("a text part has its field");
                    let by_positions = top(&PhraseQuery::new(
                        terms
                            .iter()
                            .map(|t| Term::from_field_text(words, t))
                            .collect(),
                    ));
                    assert_eq!(by_pairs, by_positions, "{terms:?} in {field:?}");
                    phrases_with_hits += usize::from(!by_pairs.is_empty());
                }
            }
        }
        assert!(
            phrases_with_hits > 150,
            "only {phrases_with_hits} phrases matched anything"
        );
    }
}
