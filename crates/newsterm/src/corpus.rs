//! The bundled real news: 377 Wikinews articles (CC BY 2.5, see NOTICE),
//! compressed into the binary so the demo runs with no files around it.

use std::io::Read;

use anyhow::{Context, Result};

const WIKINEWS_GZ: &[u8] = include_bytes!("../data/wikinews_articles.jsonl.gz");

/// The articles as JSON lines, oldest first.
pub fn wikinews_lines() -> Result<Vec<String>> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(WIKINEWS_GZ)
        .read_to_string(&mut text)
        .context("bundled Wikinews corpus is damaged")?;
    Ok(text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect())
}
