//! `newsterm tag` and `newsterm eval-tags`: the tagger on its own, for
//! scripts and for measuring it against gold data.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use newsterm_tag::{Tagger, attribution_eval, eval, place_eval, topic_eval};
use serde_json::Value;

/// Reads `{"id","text"}` lines on stdin and writes one line of tags per
/// line on stdout; a bad line gets `{"line":N,"error":…}` and the rest
/// carry on.
pub fn tag_stdin() -> Result<()> {
    let tagger = Tagger::load()?;
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let summary = newsterm_tag::tag_jsonl(
        &tagger,
        stdin.lock(),
        std::io::BufWriter::new(stdout.lock()),
    )
    .context("cannot write tags")?;
    eprintln!(
        "tagged {} of {} lines ({} with errors), {:.0} words/s",
        summary.tagged,
        summary.lines,
        summary.errors,
        summary.words as f64 / summary.seconds.max(1e-9)
    );
    Ok(())
}

/// The labelled samples of bundled stories to score besides the entity gold.
pub struct Samples {
    pub topics: Option<PathBuf>,
    pub quotes: Option<PathBuf>,
    pub figures: Option<PathBuf>,
    pub places: Option<PathBuf>,
}

pub fn eval(gold: &Path, samples: &Samples, json: bool) -> Result<()> {
    let started = Instant::now();
    let tagger = Tagger::load()?;
    let load = started.elapsed();
    let file =
        std::fs::File::open(gold).with_context(|| format!("cannot open {}", gold.display()))?;
    let docs = eval::read_gold(std::io::BufReader::new(file))
        .with_context(|| format!("{} is not gold JSON lines", gold.display()))?;
    if docs.is_empty() {
        bail!("{} holds no documents", gold.display());
    }
    let report = eval::evaluate(&tagger, &docs);
    if json {
        println!("{}", report.to_json("newsterm-tag"));
    } else {
        println!("{}\n{report}\ntagger loaded in {load:.2?}", gold.display());
    }
    if let Some(sample) = &samples.topics {
        eval_topics(&tagger, sample, json)?;
    }
    if let Some(sample) = &samples.quotes {
        let labelled = attribution_eval::read_quote_sample(open_sample(sample)?)
            .with_context(|| format!("{} is not a quote sample", sample.display()))?;
        let r = attribution_eval::evaluate_quotes(&tagger, &labelled, &bundled_corpus()?);
        print_pairs(sample, json, "quotes", &r, &r.pairs, Value::Null)?;
    }
    if let Some(sample) = &samples.figures {
        let labelled = attribution_eval::read_figure_sample(open_sample(sample)?)
            .with_context(|| format!("{} is not a figure sample", sample.display()))?;
        let r = attribution_eval::evaluate_figures(&tagger, &labelled, &bundled_corpus()?);
        print_pairs(sample, json, "figures", &r, &r.pairs, Value::Null)?;
    }
    if let Some(sample) = &samples.places {
        let labelled = place_eval::read_place_sample(open_sample(sample)?)
            .with_context(|| format!("{} is not a place sample", sample.display()))?;
        let r = place_eval::evaluate_places(&tagger, &labelled, &bundled_corpus()?);
        let c = &r.counts;
        let errors: Vec<String> = r.errors.iter().map(ToString::to_string).collect();
        let extra = serde_json::json!({
            "right": c.right, "elsewhere": c.elsewhere, "unresolved": c.unresolved,
            "other_type": c.other_type, "missed": c.missed,
            "no_place": c.kept_off + c.put_on, "no_place_put_on_map": c.put_on,
            "errors": errors,
        });
        print_pairs(sample, json, "places", &r, &r.pairs, extra)?;
    }
    Ok(())
}

fn open_sample(sample: &Path) -> Result<std::io::BufReader<std::fs::File>> {
    let file =
        std::fs::File::open(sample).with_context(|| format!("cannot open {}", sample.display()))?;
    Ok(std::io::BufReader::new(file))
}

/// Prints a pair score (quotes, figures or places): a table line, or a JSON
/// object of the pair counts and the fields of `extra` (an object, or null
/// for none).
fn print_pairs(
    sample: &Path,
    json: bool,
    what: &str,
    report: &dyn std::fmt::Display,
    pairs: &attribution_eval::PairCounts,
    extra: Value,
) -> Result<()> {
    if pairs.stories == 0 {
        bail!("none of the stories of {} is bundled", sample.display());
    }
    if json {
        let mut out = extra;
        out["gold"] = pairs.gold_pairs.into();
        out["pred"] = pairs.predicted_pairs.into();
        out["correct"] = pairs.correct.into();
        out["p"] = pairs.precision().into();
        out["r"] = pairs.recall().into();
        println!("{}", serde_json::json!({ what: out }));
    } else {
        println!("\n{}\n{report}", sample.display());
    }
    Ok(())
}

/// The bundled Wikinews stories as (id, headline, body).
fn bundled_corpus() -> Result<Vec<(String, String, String)>> {
    crate::corpus::wikinews_lines()?
        .iter()
        .map(|line| {
            let v: serde_json::Value =
                serde_json::from_str(line).context("bundled Wikinews corpus is damaged")?;
            let field = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            Ok((field("id"), field("title"), field("body")))
        })
        .collect()
}

/// Scores top-level topics on a labelled sample of the bundled stories.
fn eval_topics(tagger: &Tagger, sample: &Path, json: bool) -> Result<()> {
    let labelled = topic_eval::read_topic_sample(open_sample(sample)?)
        .with_context(|| format!("{} is not a topic sample", sample.display()))?;
    let corpus = bundled_corpus()?;
    let report = topic_eval::evaluate_topics(tagger, &labelled, &corpus);
    if report.stories == 0 {
        bail!(
            "none of the stories of {} is in the bundled corpus",
            sample.display()
        );
    }
    if json {
        let topics: serde_json::Map<String, serde_json::Value> = topic_eval::TOP_LEVEL
            .iter()
            .zip(report.per_topic.iter())
            .chain(std::iter::once((&("micro", "all topics"), &report.micro())))
            .map(|((n, _), c)| {
                let row = serde_json::json!({
                    "gold": c.gold, "pred": c.predicted, "p": c.precision(),
                    "r": c.recall(), "f1": c.f1(),
                });
                (n.to_string(), row)
            })
            .collect();
        println!(
            "{}",
            serde_json::json!({"stories": report.stories, "topics": topics})
        );
    } else {
        println!("\n{}\n{report}", sample.display());
    }
    Ok(())
}
