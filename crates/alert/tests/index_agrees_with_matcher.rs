//! The alert index (presearch, then compiled queries) must give exactly
//! what evaluating every alert's query with the matcher gives, also after
//! alerts are removed and replaced.

mod common;

use newsterm_alert::{AlertId, AlertIndex};
use newsterm_query::{Document, Query};

fn naive(alerts: &[(AlertId, Query)], doc: &Document) -> Vec<AlertId> {
    let mut ids: Vec<AlertId> = alerts
        .iter()
        .filter(|(_, q)| doc.matches(q))
        .map(|(id, _)| *id)
        .collect();
    ids.sort_unstable();
    ids
}

#[test]
fn index_agrees_with_evaluating_every_alert() {
    let mut rng = fastrand::Rng::with_seed(77);
    let mut alerts: Vec<(AlertId, Query)> = common::queries(&mut rng, 3_000)
        .into_iter()
        .enumerate()
        .map(|(i, (_, q))| (AlertId(i as u64), q))
        .collect();
    let mut index = AlertIndex::new();
    for (id, q) in &alerts {
        index.insert(*id, q);
    }
    let docs: Vec<Document> = (0..300)
        .map(|_| Document::of(&common::story(&mut rng)))
        .collect();

    let check = |index: &AlertIndex, alerts: &[(AlertId, Query)]| {
        let mut total = 0;
        let mut evaluated = 0;
        for doc in &docs {
            let expected = naive(alerts, doc);
            assert_eq!(index.match_document(doc), expected);
            total += expected.len();
            evaluated += index.candidate_count(doc);
        }
        (total, evaluated)
    };
    let (total, evaluated) = check(&index, &alerts);
    assert!(total > docs.len() * 100, "only {total} matches");
    // The presearch must skip work even on this dense vocabulary, where
    // most stories hold most words.
    assert!(
        evaluated * 4 < docs.len() * alerts.len() * 3,
        "{evaluated} evaluated"
    );

    // Remove every third alert and give every fifth a new query.
    let replacements = common::queries(&mut rng, alerts.len());
    let mut kept = Vec::new();
    for (i, (id, q)) in alerts.drain(..).enumerate() {
        if i % 3 == 0 {
            assert!(index.remove(id));
        } else if i % 5 == 0 {
            let q = replacements[i].1.clone();
            index.insert(id, &q);
            kept.push((id, q));
        } else {
            kept.push((id, q));
        }
    }
    assert_eq!(index.len(), kept.len());
    check(&index, &kept);
}
