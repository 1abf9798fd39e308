//! The `newsterm tag` contract on stdin/stdout: JSON lines `{"id","text"}` in,
//! annotations out; a summary goes to stderr.
//!
//! cargo run --release -p newsterm-tag --example tag < stories.jsonl

use std::io::{self, BufWriter};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tagger = newsterm_tag::Tagger::load()?;
    let summary = newsterm_tag::tag_jsonl(
        &tagger,
        io::stdin().lock(),
        BufWriter::new(io::stdout().lock()),
    )?;
    eprintln!(
        "{} lines: {} tagged, {} errors; {} words in {:.3} s",
        summary.lines, summary.tagged, summary.errors, summary.words, summary.seconds
    );
    Ok(())
}
