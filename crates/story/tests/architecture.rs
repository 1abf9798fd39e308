//! The module layering ARCHITECTURE.md promises, checked from the
//! sources of this crate and the server's (it lives here because this
//! crate builds in seconds): no import cycle between sibling modules of the server crate
//! (the engine below the HTTP layer, each resource on its own) or of the
//! story crate (the model above the lifecycle and the shared ids).
//!
//! A module's uses are the `crate::…`, `super::…` and `self::…` paths in
//! its files (test modules and comments left out), each taken to the
//! deepest module it names. A use between two modules counts for the
//! siblings that hold them under their closest common parent; a child
//! using its parent, or a parent its child, is no cycle.
//!
//! It also holds ARCHITECTURE.md's "Where it happens" index to the code:
//! every file a row names exists, and so does every name after it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module's path from the crate root (`["engine", "writer"]`).
type Module = Vec<String>;

/// Every module of the crate whose `src` is `root`, with its source.
fn modules(root: &Path) -> BTreeMap<Module, String> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let mut module: Module = path
                .strip_prefix(root)
                .expect("under src")
                .with_extension("")
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if matches!(
                module.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                module.pop();
            }
            let text = std::fs::read_to_string(&path).expect("read source");
            out.insert(module, production_code(&text));
        }
    }
    out
}

/// The source without comments and without its `#[cfg(test)]` module
/// (test code may reach anywhere).
fn production_code(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The module paths a source names, relative to `at`: each `crate::`,
/// `super::` or `self::` path, and each path of a `use` group after one.
fn named_paths(at: &Module, text: &str) -> Vec<Module> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        let preceded_by_ident = i > 0 && {
            let c = bytes[i - 1] as char;
            c.is_alphanumeric() || c == '_' || c == ':'
        };
        let start: Option<(Module, usize)> = if preceded_by_ident {
            None
        } else if rest.starts_with("crate::") {
            Some((Vec::new(), "crate::".len()))
        } else if rest.starts_with("self::") {
            Some((at.clone(), "self::".len()))
        } else if rest.starts_with("super::") {
            let mut base = at.clone();
            let mut len = 0;
            while text[i + len..].starts_with("super::") {
                base.pop();
                len += "super::".len();
            }
            Some((base, len))
        } else {
            None
        };
        match start {
            Some((base, len)) => {
                let end = tree(&text[i + len..], base, &mut out);
                i += len + end;
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    out
}

/// Reads a path tree (`a::b::{c, d::e}`) from the start of `text` below
/// `base`, pushing each path it names; returns how much it read.
fn tree(text: &str, base: Module, out: &mut Vec<Module>) -> usize {
    let mut path = base;
    let mut i = 0;
    loop {
        let ident: String = text[i..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        i += ident.len();
        let named = !ident.is_empty();
        if named {
            path.push(ident);
        }
        if text[i..].starts_with("::{") {
            i += 3;
            loop {
                i += text[i..].len() - text[i..].trim_start().len();
                if text[i..].starts_with('}') {
                    return i + 1;
                }
                i += tree(&text[i..], path.clone(), out);
                i += text[i..].len() - text[i..].trim_start().len();
                if text[i..].starts_with(',') {
                    i += 1;
                } else if text[i..].starts_with('}') {
                    return i + 1;
                } else if text[i..].starts_with(" as ") || text[i..].starts_with("as ") {
                    continue;
                } else {
                    return i;
                }
            }
        }
        if text[i..].starts_with("::") && named {
            i += 2;
            continue;
        }
        out.push(path);
        return i;
    }
}

/// Cycles between sibling modules of the crate at `src`, each written
/// `a → b → a` with the files that make each step.
fn sibling_cycles(src: &Path) -> Vec<String> {
    let modules = modules(src);
    // Edges between siblings, with one use that makes each.
    let mut edges: BTreeMap<Module, BTreeMap<Module, String>> = BTreeMap::new();
    for (from, text) in &modules {
        for named in named_paths(from, text) {
            // The deepest module the path names.
            let to = (0..=named.len())
                .rev()
                .map(|n| named[..n].to_vec())
                .find(|m| modules.contains_key(m))
                .unwrap_or_default();
            let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
            if common == from.len() || common == to.len() {
                continue; // a parent and its child
            }
            let a = from[..=common].to_vec();
            let b = to[..=common].to_vec();
            edges
                .entry(a)
                .or_default()
                .entry(b)
                .or_insert_with(|| format!("{} uses {}", from.join("::"), named.join("::")));
        }
    }
    let mut cycles = BTreeSet::new();
    for start in edges.keys() {
        // Depth-first from each module, looking for a way back to it.
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, path)) = stack.pop() {
            for next in edges.get(&at).into_iter().flat_map(|e| e.keys()) {
                if next == start {
                    let mut steps: Vec<String> = path
                        .windows(2)
                        .map(|w| edges[&w[0]][&w[1]].clone())
                        .collect();
                    steps.push(edges[&at][next].clone());
                    let mut names: Vec<String> = path.iter().map(|m| m.join("::")).collect();
                    let min = names.iter().min().cloned().unwrap_or_default();
                    let turn = names.iter().position(|n| *n == min).unwrap_or(0);
                    names.rotate_left(turn);
                    steps.rotate_left(turn);
                    cycles.insert(format!("{} ({})", names.join(" → "), steps.join("; ")));
                } else if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    cycles.into_iter().collect()
}

fn crate_src(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(name)
        .join("src")
}

#[test]
fn the_server_crate_has_no_import_cycle() {
    let cycles = sibling_cycles(&crate_src("server"));
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_story_crate_has_no_import_cycle() {
    let cycles = sibling_cycles(&crate_src("story"));
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn a_cycle_is_found_and_named() {
    let src = std::env::temp_dir().join(format!("newsterm-architecture-{}", std::process::id()));
    std::fs::create_dir_all(&src).expect("temp dir");
    let src = src.as_path();
    std::fs::write(src.join("lib.rs"), "mod model;\nmod lifecycle;\n").expect("write");
    std::fs::write(
        src.join("model.rs"),
        "use crate::lifecycle::{EventId, RevisionKind};\n",
    )
    .expect("write");
    std::fs::write(
        src.join("lifecycle.rs"),
        "crate::model::ulid_text!(EventId);\n#[cfg(test)]\nmod tests { use crate::x; }\n",
    )
    .expect("write");
    let cycles = sibling_cycles(src);
    std::fs::remove_dir_all(src).expect("remove temp dir");
    assert_eq!(
        cycles,
        ["lifecycle → model (lifecycle uses model::ulid_text; model uses lifecycle::EventId)"]
    );
}

/// What ARCHITECTURE.md's "Where it happens" index names that does not
/// exist: each `crates/…` file a row names, and each name after a file
/// (`Type::function`, `function`), every identifier of which must stand in
/// that file's code (comments left out). Names of another crate's items
/// (`story::Format::parse`) and phrases with spaces are not looked up.
fn stale_in_index(map: &str, crates: &Path) -> Vec<String> {
    let Some(start) = map.find("## Where it happens") else {
        return vec!["no \"Where it happens\" section".to_string()];
    };
    let section = &map[start..];
    let section = section[2..]
        .find("\n## ")
        .map_or(section, |end| &section[..end + 2]);
    let mut stale = Vec::new();
    for row in section.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = row.split('|').collect();
        let (Some(behaviour), Some(place)) = (cells.get(1), cells.get(2)) else {
            continue;
        };
        let behaviour = behaviour.trim();
        if behaviour == "behaviour" || behaviour.starts_with("---") {
            continue;
        }
        let mut file: Option<(String, String)> = None;
        for name in place.split('`').skip(1).step_by(2) {
            if name.ends_with(".rs") && !name.contains(' ') {
                match std::fs::read_to_string(crates.join(name)) {
                    Ok(text) => file = Some((name.to_string(), code_only(&text))),
                    Err(_) => {
                        stale.push(format!("{behaviour}: no file crates/{name}"));
                        file = None;
                    }
                }
                continue;
            }
            let looked_up = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == ':')
                && !name.split("::").next().is_some_and(|first| {
                    name.contains("::") && first.starts_with(char::is_lowercase)
                });
            let Some((path, code)) = file.as_ref().filter(|_| looked_up) else {
                continue;
            };
            for ident in name.split("::") {
                if !has_word(code, ident) {
                    stale.push(format!("{behaviour}: `{name}` is not in crates/{path}"));
                }
            }
        }
    }
    stale
}

/// A source without its comments.
fn code_only(text: &str) -> String {
    text.lines()
        .map(|l| l.find("//").map_or(l, |i| &l[..i]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `word` stands in `text` as a whole identifier.
fn has_word(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

#[test]
fn the_where_it_happens_index_names_only_what_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let map = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("read ARCHITECTURE.md");
    let stale = stale_in_index(&map, &root.join("crates"));
    assert!(stale.is_empty(), "ARCHITECTURE.md:\n{}", stale.join("\n"));
}

#[test]
fn a_stale_file_or_name_in_the_index_is_named() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let map = "## Where it happens\n\n| behaviour | where |\n|---|---|\n\
               | ok | `story/src/text.rs` `truncate` |\n\
               | renamed | `story/src/text.rs` `no_such_function` |\n\
               | moved | `story/src/no_such_file.rs` `truncate` |\n\n## Next\n";
    let stale = stale_in_index(map, &root.join("crates"));
    assert_eq!(
        stale,
        vec![
            "renamed: `no_such_function` is not in crates/story/src/text.rs",
            "moved: no file crates/story/src/no_such_file.rs",
        ]
    );
}
