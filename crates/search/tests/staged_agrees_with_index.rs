//! A staged story must be found, counted, ranked and scored exactly as it
//! will be once the index commits it: the same random stories searched in
//! an index that committed all of them and in one that committed some and
//! staged the rest give the same hits, totals and scores.

#[path = "../../alert/tests/common/mod.rs"]
mod common;

use std::sync::Arc;

use newsterm_query::{Document, Query};
use newsterm_search::{SearchIndex, SearchOptions, Sort};
use newsterm_story::Story;

/// True when the query holds a negation that is not beside a positive
/// clause of an AND: tantivy scores those through its match-all
/// optimizations (a constant that depends on how the clauses nest), so
/// only their hits and totals are compared. Every other query must score
/// exactly alike.
fn has_bare_negation(q: &Query) -> bool {
    match q {
        Query::Not(_) => true,
        Query::And(items) => {
            let positive = items.iter().any(|i| !matches!(i, Query::Not(_)));
            !positive
                || items.iter().any(|i| match i {
                    Query::Not(inner) => has_bare_negation(inner),
                    other => has_bare_negation(other),
                })
        }
        Query::Or(items) => items.iter().any(has_bare_negation),
        _ => false,
    }
}

fn revised(story: &Story, seq: u64, rng: &mut fastrand::Rng) -> Story {
    let mut other = common::story(rng);
    other.id = story.id;
    other.revision = story.revision + 1;
    other.seq = seq;
    other
}

#[test]
fn staged_stories_rank_and_score_as_indexed_ones() {
    compare(false);
}

/// With revisions, hits and totals must still agree exactly; scores may
/// not: tantivy drops a segment whose documents are all deleted at
/// commit, and merges drop deleted documents, which shifts the BM25
/// statistics of everything (staged or not) a little.
#[test]
fn staged_revisions_hide_the_indexed_copy() {
    compare(true);
}

fn compare(revisions: bool) {
    let mut rng = fastrand::Rng::with_seed(7);
    let mut stories: Vec<Story> = (1..=120u64)
        .map(|seq| {
            let mut s = common::story(&mut rng);
            s.seq = seq;
            s
        })
        .collect();
    // Some later revisions of earlier stories, so staged revisions must
    // hide the indexed copy.
    let revised_count = if revisions { 20 } else { 0 };
    for (i, seq) in (121..=140u64).take(revised_count).enumerate() {
        let r = revised(&stories[i * 3], seq, &mut rng);
        stories.push(r);
    }

    let all_dir = tempfile::tempdir().unwrap();
    let all = SearchIndex::open(all_dir.path()).unwrap();
    for s in &stories {
        all.index_story(s).unwrap();
    }
    let last = stories.len() as u64;
    all.commit(last).unwrap();

    let part_dir = tempfile::tempdir().unwrap();
    let part = SearchIndex::open(part_dir.path()).unwrap();
    for s in &stories[..80] {
        part.index_story(s).unwrap();
    }
    part.commit(80).unwrap();
    for s in &stories[80..] {
        let s = Arc::new(s.clone());
        part.stage(s.clone(), Arc::new(Document::of(&s)));
        // Indexed but not committed: what the indexer thread holds.
        part.index_story(&s).unwrap();
    }
    assert_eq!(part.staged_len(), stories.len() - 80);

    let queries = common::queries(&mut rng, 600);
    let mut compared = 0;
    let mut scored = 0;
    let mut selective = 0;
    for (text, query) in &queries {
        for sort in [Sort::Relevance, Sort::Time] {
            let opts = SearchOptions {
                limit: 1_000,
                sort,
                cursor: None,
            };
            let want = all.search(query, &opts).unwrap();
            let got = part.search(query, &opts).unwrap();
            compared += 1;
            assert_eq!(got.total, want.total, "total of {text:?} ({sort:?})");
            let ids = |r: &newsterm_api::SearchResponse| -> Vec<(String, u32)> {
                r.hits
                    .iter()
                    .map(|h| (h.id.to_string(), h.revision))
                    .collect()
            };
            if sort == Sort::Time {
                assert_eq!(ids(&got), ids(&want), "hits of {text:?} ({sort:?})");
            } else {
                // Equal scores may tie-break differently only if the
                // scores differ; compare scores story by story.
                let mut w: Vec<(String, u32, f32)> = want
                    .hits
                    .iter()
                    .map(|h| (h.id.to_string(), h.revision, h.score))
                    .collect();
                let mut g: Vec<(String, u32, f32)> = got
                    .hits
                    .iter()
                    .map(|h| (h.id.to_string(), h.revision, h.score))
                    .collect();
                if !revisions && !has_bare_negation(query) && !w.is_empty() {
                    scored += 1;
                }
                w.sort_by(|a, b| a.0.cmp(&b.0));
                g.sort_by(|a, b| a.0.cmp(&b.0));
                assert_eq!(g.len(), w.len(), "{text:?}");
                for (a, b) in g.iter().zip(&w) {
                    assert_eq!((&a.0, a.1), (&b.0, b.1), "{text:?}");
                    assert!(
                        revisions
                            || has_bare_negation(query)
                            || (a.2 - b.2).abs() <= 1e-4 * b.2.abs().max(1.0),
                        "score of {} for {text:?}: staged {} indexed {}",
                        a.0,
                        a.2,
                        b.2
                    );
                }
            }
            if want.total > 0 && (want.total as usize) < 120 {
                selective += 1;
            }
        }
    }
    assert!(compared > 1_000, "only {compared} searches compared");
    assert!(selective > 300, "only {selective} selective searches");
    assert!(
        revisions || scored > 150,
        "only {scored} searches had their scores compared"
    );

    // Once committed, nothing is staged and everything is still found.
    part.commit(last).unwrap();
    assert_eq!(part.staged_len(), 0);
    let every = part.search(&Query::All, &SearchOptions::default()).unwrap();
    assert_eq!(every.total, 120);
}
