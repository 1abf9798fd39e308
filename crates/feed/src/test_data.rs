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
