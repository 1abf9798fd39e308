//! Where tests find the real third-party feed files kept beside the
//! repository (found by `newsterm-story`'s lookup).

use std::path::{Path, PathBuf};

/// The `shared/data/feeds` folder beside the repository clone.
pub(crate) fn feeds() -> PathBuf {
    newsterm_story::test_data::shared_data().join("feeds")
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
