//! The in-memory matcher must find exactly what the search index finds:
//! random stories in a real tantivy index, thousands of random queries.

mod common;

use std::collections::BTreeSet;

use newsterm_query::Document;
use newsterm_search::SearchIndex;

#[test]
fn matcher_agrees_with_the_search_index() {
    let mut rng = fastrand::Rng::with_seed(2024);
    let stories: Vec<_> = (0..150).map(|_| common::story(&mut rng)).collect();
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    for story in &stories {
        index.index_story(story).unwrap();
    }
    index.commit(1).unwrap();
    let docs: Vec<Document> = stories.iter().map(Document::of).collect();

    let queries = common::queries(&mut rng, 2_000);
    let mut selective = 0;
    for (text, query) in &queries {
        let response = index.latest(query, 1_000).unwrap();
        let expected: BTreeSet<String> = response.hits.iter().map(|h| h.id.to_string()).collect();
        let found: BTreeSet<String> = stories
            .iter()
            .zip(&docs)
            .filter(|(_, doc)| doc.matches(query))
            .map(|(s, _)| s.id.to_string())
            .collect();
        assert_eq!(found, expected, "query {text:?} = {query}");
        if !found.is_empty() && found.len() < stories.len() {
            selective += 1;
        }
    }
    // The test means something only if queries split the stories.
    assert!(selective > 500, "only {selective} queries were selective");
}
