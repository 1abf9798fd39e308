//! Where tests find the real third-party feed files kept beside the
//! repository (the same lookup as `newsterm-story`'s tests).

use std::path::{Path, PathBuf};

/// The `shared/data/feeds` folder beside the repository clone.
pub(crate) fn feeds() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        manifest.join("../../../shared/data/feeds"),
        manifest.join("../../shared/data/feeds"),
    ];
    candidates
        .iter()
        .find(|p| p.is_dir())
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "test data not found: expected the shared/data/feeds folder beside the repository, at {} or {}",
                candidates[0].display(),
                candidates[1].display()
            )
        })
}

/// The feed documents below `dir` (XML, JSON, RSS, Atom, RDF; not the
/// `.serde.json` expectations beside them), in a stable order.
pub(crate) fn feed_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("xml" | "json" | "rss" | "atom" | "rdf")
            ) && !p.to_string_lossy().ends_with(".serde.json")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
