//! newsterm-tag (being written)
