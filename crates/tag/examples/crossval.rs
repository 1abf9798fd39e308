//! Cross-validation of the whole entity tagger (model and rules) on the
//! training documents only, so that changes can be judged without looking at
//! the evaluation gold: the commercially usable training documents are split
//! into folds (document i goes to fold i mod FOLDS), and for each fold a model
//! and lexicon are built from the other folds and the tagger scored on it.
//!
//! cargo run --release -p newsterm-tag --example crossval -- [SHARED_DATA] [--folds N] [--orders N] [--epochs N] [--seed N] [--errors] [--doc ID] [--silver FILE [--silver-docs N]]
//!
//! The word classes are the shipped ones (learned from unlabelled text, held-out
//! documents' texts among them; no labels). `--errors` lists each fold's
//! missed and wrongly predicted spans. `--doc ID` runs only the fold that
//! holds document ID and prints what its tagger finds there, in order: the
//! way to see a fold model's reading of one text. `--seed` sets the first training
//! shuffle's seed (default 7): the spread of a few seeds shows how much of a
//! difference between two variants is the shuffle's. `--silver FILE`
//! (JSON lines with `id` and `text`, the first N with `--silver-docs`) tries
//! self-training: in each fold the texts are tagged by that fold's tagger
//! (model and rules), and a second model is trained on the fold's training
//! documents and those labels together, and scored.

use std::fs;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use newsterm_tag::eval::{self, GoldDoc, Report};
use newsterm_tag::training::{self, TrainOptions};
use newsterm_tag::{DataFiles, EntityType, Tagger};

fn read_docs(path: &Path) -> Result<Vec<GoldDoc>, Box<dyn std::error::Error>> {
    let file = fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(eval::read_gold(BufReader::new(file))?)
}

/// `doc`'s text labelled by `tagger` (model and rules): names as its
/// people, bodies and places, nationalities as MISC, as the training gold
/// marks them.
fn silver_labels(tagger: &Tagger, doc: &GoldDoc) -> GoldDoc {
    let entities = tagger
        .tag(&doc.text)
        .entities
        .iter()
        .map(|e| {
            let kind = match e.kind {
                EntityType::Norp => "MISC",
                kind => kind.as_str(),
            };
            eval::GoldEntity {
                start: e.start,
                end: e.end,
                kind: kind.to_string(),
                gpe: false,
            }
        })
        .collect();
    GoldDoc {
        id: doc.id.clone(),
        text: doc.text.clone(),
        entities,
        noncommercial: false,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut options = TrainOptions::default();
    let mut folds = 5usize;
    let mut errors = false;
    let mut silver: Option<PathBuf> = None;
    let mut silver_docs = usize::MAX;
    let mut only_doc: Option<String> = None;
    let mut shared = crate_dir.join("../../../shared/data");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut number = |what: &str| -> Result<usize, Box<dyn std::error::Error>> {
            Ok(args
                .next()
                .ok_or_else(|| format!("{what} needs a number"))?
                .parse()?)
        };
        match a.as_str() {
            "--folds" => folds = number("--folds")?.max(2),
            "--orders" => options.orders = number("--orders")?,
            "--epochs" => options.epochs = number("--epochs")?,
            "--seed" => options.seed = number("--seed")? as u64,
            "--errors" => errors = true,
            "--silver" => silver = Some(PathBuf::from(args.next().ok_or("--silver needs a file")?)),
            "--silver-docs" => silver_docs = number("--silver-docs")?,
            "--doc" => only_doc = Some(args.next().ok_or("--doc needs a document id")?),
            _ => shared = PathBuf::from(a),
        }
    }
    let data_dir = crate_dir.join("data");
    let read = |name: &str| fs::read(data_dir.join(name)).map_err(|e| format!("{name}: {e}"));

    let mut docs = Vec::new();
    for name in ["gum_train.jsonl", "wikigold.jsonl"] {
        docs.extend(read_docs(&shared.join("ner-train").join(name))?);
    }
    docs.retain(|d| !d.noncommercial);
    let silver_texts = match &silver {
        Some(path) => {
            let mut texts = read_docs(path)?;
            texts.truncate(silver_docs);
            texts
        }
        None => Vec::new(),
    };
    let given_names = training::read_given_names(&crate_dir.join(training::GIVEN_NAMES_FILE))?;
    let mut total: Option<Report> = None;
    let only_fold = match &only_doc {
        Some(id) => Some(
            docs.iter()
                .position(|d| &d.id == id)
                .ok_or_else(|| format!("no training document {id}"))?
                % folds,
        ),
        None => None,
    };
    for fold in (0..folds).filter(|f| only_fold.is_none_or(|o| o == *f)) {
        let (mut held, mut train) = (Vec::new(), Vec::new());
        for (i, d) in docs.iter().enumerate() {
            if i % folds == fold {
                held.push(d.clone());
            } else {
                train.push(d.clone());
            }
        }
        let data = DataFiles {
            places: read("places.tsv.gz")?,
            country_names: read("country_names.tsv.gz")?,
            lexicon: training::lexicon_file(&train, &given_names)?,
            topics: read("mediatopics.tsv.gz")?,
            clusters: read("clusters.tsv.gz")?,
        };
        let mut model = training::train(&train, &data, &options, |_| {})?;
        let mut tagger = Tagger::from_data(&model, &data)?;
        if !silver_texts.is_empty() {
            let mut more = train.clone();
            more.extend(silver_texts.iter().map(|d| silver_labels(&tagger, d)));
            model = training::train(&more, &data, &options, |_| {})?;
            tagger = Tagger::from_data(&model, &data)?;
        }
        if let Some(id) = &only_doc {
            for doc in held.iter().filter(|d| &d.id == id) {
                for e in &tagger.tag(&doc.text).entities {
                    println!("{}\t{}\t{}", e.start, e.kind.as_str(), e.text);
                }
            }
        }
        let report = eval::evaluate(&tagger, &held);
        let (p, r, f) = report.micro().exact_prf();
        println!(
            "fold {fold}: {} documents held out, P {p:.3} R {r:.3} F1 {f:.3}",
            held.len()
        );
        if errors {
            for doc in &held {
                for e in eval::span_errors(&tagger, doc) {
                    println!("{e}");
                }
            }
        }
        match &mut total {
            Some(t) => t.add(&report),
            None => total = Some(report),
        }
    }
    let total = total.ok_or("no fold ran")?;
    println!("\nall folds\n{total}");
    Ok(())
}
