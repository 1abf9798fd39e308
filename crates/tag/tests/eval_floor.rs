//! The tagger's scores on the gold sets (`shared/data/ner`, the labelled topic,
//! quote, figure and place samples of the bundled stories in `eval/`) may not fall below what they were
//! measured at (`newsterm eval-tags … --topics …`, figures in BENCHMARKS.md). Each
//! floor is the measured figure rounded down by about 0.01, so a change that makes
//! entities or topics visibly worse fails here, while any improvement passes (and
//! should raise the floor).

mod common;

use std::io::BufReader;

use newsterm_tag::eval::{self, GoldDoc};
use newsterm_tag::{attribution_eval, place_eval, topic_eval};

/// A gold file of `shared/data/ner`, beside the repository as for the other
/// tests that read third-party data.
fn gold(file: &str) -> Vec<GoldDoc> {
    let path = newsterm_story::test_data::shared_data()
        .join("ner")
        .join(file);
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    eval::read_gold(BufReader::new(file)).expect("gold lines")
}

fn entity_f1(file: &str) -> f64 {
    let report = eval::evaluate(common::tagger(), &gold(file));
    let (_, _, f1) = report.micro().exact_prf();
    println!("{file}:\n{report}");
    f1
}

#[test]
fn entity_f1_on_gum_news_stays_at_its_measured_level() {
    // Measured 0.690 (exact spans, PERSON/ORG/LOC micro average; tagger version 9),
    // 0.695 at version 16 (word classes two tokens away), 0.713 at version 18
    // (the census's given names in the lexicon), 0.730 at version 54 (a name
    // before "organization" or "movement" is an organisation), 0.753 at
    // version 104, 0.767 at version 106 (the language's common words; the
    // surname of someone named in full is no place).
    let f1 = entity_f1("gum_wikinews_ner.jsonl");
    assert!(f1 >= 0.755, "GUM news entity F1 fell to {f1:.3}");
}

#[test]
fn entity_f1_on_meantime_business_news_stays_at_its_measured_level() {
    // Measured 0.630 (tagger version 9; also at version 16), 0.633 at version 18.
    // The floor stays at spaCy small's 0.625 on this set: below it we are behind.
    let f1 = entity_f1("meantime_nerc.jsonl");
    assert!(f1 >= 0.625, "MEANTIME entity F1 fell to {f1:.3}");
}

/// Scores the top-level topics of the labelled stories in `eval/<file>`, printing
/// the report and each error, and returns (precision, recall).
fn topic_scores(file: &str) -> (f64, f64) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("eval")
        .join(file);
    let sample = topic_eval::read_topic_sample(BufReader::new(
        std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    ))
    .expect("topic sample lines");
    let corpus: Vec<(String, String, String)> = common::articles()
        .into_iter()
        .map(|(id, text)| {
            let (headline, body) = text.split_once("\n\n").unwrap_or((&text, ""));
            (id.clone(), headline.to_string(), body.to_string())
        })
        .collect();
    let report = topic_eval::evaluate_topics(common::tagger(), &sample, &corpus);
    println!("{file}:\n{report}");
    for e in &report.errors {
        let what = if e.wrong { "wrong" } else { "missed" };
        println!("{what} {}: {}", topic_eval::TOP_LEVEL[e.topic].1, e.id);
    }
    assert!(report.missing.is_empty(), "{:?}", report.missing);
    let all = report.micro();
    (all.precision(), all.recall())
}

#[test]
fn top_level_topics_of_the_labelled_sample_stay_precise() {
    // The sample the topic cues were tuned on. Measured precision 0.939, recall
    // 0.638 on 151 stories (tagger version 9).
    let (precision, recall) = topic_scores("topics_sample.tsv");
    assert!(precision >= 0.93, "topic precision fell to {precision:.3}");
    assert!(recall >= 0.63, "topic recall fell to {recall:.3}");
}

#[test]
fn top_level_topics_of_the_held_out_sample_stay_precise() {
    // Labelled before the tagger was run on it; the cues are not tuned on it.
    // Measured precision 0.909, recall 0.625 on 76 stories (tagger version 9);
    // 0.911, 0.637 at version 11, where "Hurricane" in a storm's name is evidence.
    let (precision, recall) = topic_scores("topics_heldout.tsv");
    assert!(
        precision >= 0.90,
        "held-out topic precision fell to {precision:.3}"
    );
    assert!(recall >= 0.625, "held-out topic recall fell to {recall:.3}");
}

/// The bundled stories as (id, headline, body).
fn corpus() -> Vec<(String, String, String)> {
    common::articles()
        .into_iter()
        .map(|(id, text)| {
            let (headline, body) = text.split_once("\n\n").unwrap_or((&text, ""));
            (id.clone(), headline.to_string(), body.to_string())
        })
        .collect()
}

fn sample_file(file: &str) -> BufReader<std::fs::File> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("eval")
        .join(file);
    BufReader::new(std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// Fails unless every labelled story was found and `pairs` scores at least
/// `precision` and `recall`.
fn assert_floor(what: &str, pairs: &attribution_eval::PairCounts, precision: f64, recall: f64) {
    assert!(pairs.missing.is_empty(), "{:?}", pairs.missing);
    let (p, r) = (pairs.precision(), pairs.recall());
    assert!(p >= precision, "{what} precision fell to {p:.3}");
    assert!(r >= recall, "{what} recall fell to {r:.3}");
}

#[test]
fn quote_speakers_of_the_labelled_sample_stay_right() {
    let sample = attribution_eval::read_quote_sample(sample_file("quotes_sample.tsv"))
        .expect("quote sample lines");
    let report = attribution_eval::evaluate_quotes(common::tagger(), &sample, &corpus());
    println!("quotes_sample.tsv:\n{report}");
    for e in &report.errors {
        println!(
            "quote {}: {:?} labelled {:?}, given {:?}",
            e.id, e.quote, e.gold, e.given
        );
    }
    // Measured precision 0.974, recall 0.771 (48 labelled pairs; tagger version
    // 15), 0.974 / 0.792 at version 16 (whose model types TfL an organisation). Version 14's model had brought it to 0.900 / 0.750 by missing or
    // mistyping names ("John Geiger of USGS told", TfL as a place, "Bloody
    // hell" as a person); version 15's attribution no longer lets a quote with
    // an unnamed speaker of its own go on with the last speaker, nor a name
    // inside a quote stand for "he", nor whoever was told speak. Version 120
    // (the sample now also labels Maninder Thind's "We looked at emissions",
    // which it had left out: 49 pairs) finds speakers across a body ("Paul
    // Green of NOAA told"), a long role and a clause before the verb, and
    // "the latter": 0.978 / 0.918, where version 119 gave 0.974 / 0.776;
    // version 122 also gives a quote to whom a sentence opens "according
    // to": 0.979 / 0.939.
    assert_floor("quote", &report.pairs, 0.96, 0.92);
}

#[test]
fn what_figures_count_in_the_labelled_sample_stays_right() {
    let sample = attribution_eval::read_figure_sample(sample_file("figures_sample.tsv"))
        .expect("figure sample lines");
    let report = attribution_eval::evaluate_figures(common::tagger(), &sample, &corpus());
    println!("figures_sample.tsv:\n{report}");
    for e in &report.errors {
        println!(
            "figure {}: {:?} labelled {:?}, given {:?}",
            e.id, e.number, e.gold, e.given
        );
    }
    // Measured precision 1.000, recall 0.762 (42 labelled pairs); 1.000 /
    // 0.810 at version 121 (numbers in words past twelve, "six of them
    // crew members"); 1.000 / 0.881 at version 160 (a bare number a verb
    // of harm is said of counts people; one that leaves out the noun of
    // the count before it counts that).
    assert_floor("figure", &report.pairs, 0.97, 0.85);
}

#[test]
fn places_of_the_labelled_sample_stay_on_the_map() {
    let sample = place_eval::read_place_sample(sample_file("places_sample.tsv"))
        .expect("place sample lines");
    let report = place_eval::evaluate_places(common::tagger(), &sample, &corpus());
    println!("places_sample.tsv:\n{report}");
    for e in &report.errors {
        println!("place {e}");
    }
    // Measured precision 0.912, recall 0.817 (164 labelled places and 46
    // names of no place in 31 stories; tagger version 17). Held out: a
    // place change is not tuned on this sample, so a fall here is news.
    assert_floor("place", &report.pairs, 0.90, 0.80);
}
