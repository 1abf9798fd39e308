//! Where tests find the real third-party data kept beside the
//! repository: for this crate's tests, and (feature `test-data`) for the
//! tests of every crate that reads it.

use std::path::{Path, PathBuf};

/// The `shared/data` folder beside the repository clone.
pub fn shared_data() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        manifest.join("../../../shared/data"),
        manifest.join("../../shared/data"),
    ];
    candidates
        .iter()
        .find(|p| p.is_dir())
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "test data not found: expected the shared/data folder beside the repository, at {} or {}",
                candidates[0].display(),
                candidates[1].display()
            )
        })
}
