//! Rebuilds the shipped tagging data: the compact gazetteer and topic files and the
//! entity model, from ../shared/data (or the folder given as the first argument).
//! Trains only on documents whose licence allows commercial use.
//!
//! cargo run --release -p newsterm-tag --example train [-- SHARED_DATA [EPOCHS] [--early-stop] [--classes N] [--min-count N]]
//!
//! `--early-stop` holds out every fifth training document, trains on the others
//! for up to EPOCHS passes, and trains the shipped model on every document for
//! the pass count that tagged the held-out names best. `--classes` and
//! `--min-count` set how the word classes are learned (defaults: 256 classes of
//! the words seen 3 times or more).

use std::fs;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::time::Instant;

use newsterm_tag::eval::{self, GoldDoc};
use newsterm_tag::training::{self, TrainOptions};
use newsterm_tag::{ClusterOptions, Tagger};

fn read_docs(path: &Path) -> Result<Vec<GoldDoc>, Box<dyn std::error::Error>> {
    let file = fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(eval::read_gold(BufReader::new(file))?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut early_stop = false;
    let mut clusters = ClusterOptions::default();
    let mut orders = TrainOptions::default().orders;
    let mut positional = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--early-stop" => early_stop = true,
            "--classes" => {
                clusters.classes = args.next().ok_or("--classes needs a number")?.parse()?
            }
            "--orders" => orders = args.next().ok_or("--orders needs a number")?.parse()?,
            "--min-count" => {
                clusters.min_count = args.next().ok_or("--min-count needs a number")?.parse()?
            }
            _ => positional.push(a),
        }
    }
    let mut positional = positional.into_iter();
    let shared: PathBuf = positional
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_dir.join("../../../shared/data"));
    let epochs: usize = match positional.next() {
        Some(e) => e.parse()?,
        None => TrainOptions::default().epochs,
    };
    let out_dir = crate_dir.join("data");

    let mut docs = Vec::new();
    for name in ["gum_train.jsonl", "wikigold.jsonl"] {
        docs.extend(read_docs(&shared.join("ner-train").join(name))?);
    }
    let t0 = Instant::now();
    let given_names = training::read_given_names(&crate_dir.join(training::GIVEN_NAMES_FILE))?;
    let data = training::build_data(
        &shared,
        &crate_dir.join(training::ADMIN2_FILE),
        &docs,
        &given_names,
        &clusters,
    )?;
    fs::write(out_dir.join("places.tsv.gz"), &data.places)?;
    fs::write(out_dir.join("country_names.tsv.gz"), &data.country_names)?;
    fs::write(out_dir.join("lexicon.tsv.gz"), &data.lexicon)?;
    fs::write(out_dir.join("mediatopics.tsv.gz"), &data.topics)?;
    fs::write(out_dir.join("clusters.tsv.gz"), &data.clusters)?;
    println!(
        "gazetteer, lexicon, topics and word classes built in {:.2?}",
        t0.elapsed()
    );

    let usable = docs.iter().filter(|d| !d.noncommercial).count();
    println!(
        "{} training documents, {} usable commercially (the others are skipped)",
        docs.len(),
        usable
    );

    let options = TrainOptions {
        epochs,
        held_out_every: early_stop.then_some(5),
        orders,
        ..TrainOptions::default()
    };
    let t0 = Instant::now();
    let mut chosen = 0;
    let model = training::train(&docs, &data, &options, |r| match r.held_out_f1 {
        Some(f1) => println!(
            "held-out split, epoch {:>2}: token accuracy {:.4}, held-out span F1 {f1:.4}",
            r.epoch, r.token_accuracy
        ),
        None => {
            chosen = r.epoch;
            println!(
                "all documents, epoch {:>2}: token accuracy {:.4}",
                r.epoch, r.token_accuracy
            );
        }
    })?;
    println!("final model trained for {chosen} epochs");
    fs::write(out_dir.join("ner_model.bin.gz"), &model)?;
    println!(
        "model: {} bytes gzipped, trained in {:.2?}",
        model.len(),
        t0.elapsed()
    );

    let tagger = Tagger::from_data(&model, &data)?;
    for name in ["gum_wikinews_ner.jsonl", "meantime_nerc.jsonl"] {
        let gold = read_docs(&shared.join("ner").join(name))?;
        println!("\n{name}\n{}", eval::evaluate(&tagger, &gold));
    }
    Ok(())
}
