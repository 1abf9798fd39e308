//! Runs the alerts benchmark on the bundled Wikinews corpus, before the
//! `newsterm bench alerts` command exists:
//!
//! ```text
//! cargo run --release -p newsterm-bench --example alerts -- [--alerts N] [--json]
//! ```

use std::io::Read;
use std::path::PathBuf;

use newsterm_bench::{BenchConfig, Which};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut alerts = None;
    let mut json = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--alerts" => {
                let n = args.next().ok_or("--alerts needs a number")?;
                alerts = Some(
                    n.parse::<usize>()
                        .map_err(|e| format!("--alerts {n}: {e}"))?,
                );
            }
            other => return Err(format!("unknown argument `{other}`").into()),
        }
    }
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../newsterm/data/wikinews_articles.jsonl.gz");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&path)?).read_to_string(&mut text)?;
    let config = BenchConfig {
        which: Which::Alerts,
        corpus: text.lines().map(str::to_string).collect(),
        subscribers: None,
        alerts,
        stories: None,
        behind: None,
        partitions: None,
        sample: None,
        count_every: None,
        newsterm_only: false,
        tag_every: None,
        json,
        scratch: std::env::temp_dir(),
        server_exe: PathBuf::new(),
        feeds_dir: PathBuf::new(),
    };
    newsterm_bench::run(&config)?;
    Ok(())
}
