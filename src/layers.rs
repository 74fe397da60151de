//! The layering, checked: reads every source file under `src/`, finds the
//! files each one names through `crate::`, `super::` and `self::` paths
//! (its unit tests and comments left out), and fails on a path against
//! the layers' directions or on two files that import each other, directly
//! or through others. The allowed directions are drawn in
//! `docs/architecture.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A module path: `["domain", "intake"]`; the crate root is empty.
type Module = Vec<String>;

/// Which layers a top-level module may name, besides itself. Modules not
/// listed are the server's wiring (state, web, config, main's helpers):
/// they may name any layer but the tools.
const MAY_NAME: &[(&str, &[&str])] = &[
    ("cxml", &[]),
    ("oci", &["cxml"]),
    ("domain", &["cxml", "oci", "i18n"]),
    ("i18n", &[]),
    ("store", &["domain", "cxml", "oci", "i18n"]),
    ("clock", &[]),
    ("process", &[]),
];

/// Who may name the tools, the reference buyer and the fixtures: the
/// server's own modules never do.
const ONLY_NAMED_BY: &[(&str, &[&str])] = &[
    ("tools", &["tools"]),
    ("buyer", &["buyer", "tools", "fixtures"]),
    ("fixtures", &["tools"]),
];

/// What the store may not name: it records, it does not answer.
const STORE_MAY_NOT_NAME: &[&str] = &["cxml::write", "cxml::Status", "status_document"];

/// The crate root's items and the modules that define them.
const ROOT_ITEMS: &[(&str, &str)] = &[
    ("AppState", "state"),
    ("Inner", "state"),
    ("DEFAULT_GROUP", "state"),
    ("Outbox", "state"),
    ("Settings", "config"),
    ("app", "web"),
];

#[test]
fn every_file_names_only_the_layers_below_it() {
    let files = source_files();
    let mut broken = Vec::new();
    for (module, text) in &files {
        let top = top_of(module);
        for named in names(module, text, &files) {
            let to = top_of(&named);
            if to == top || to.is_empty() {
                continue;
            }
            if let Some((_, allowed)) = MAY_NAME.iter().find(|(m, _)| *m == top)
                && !allowed.contains(&to.as_str())
            {
                broken.push(format!("{} names {}", show(module), show(&named)));
            }
            if let Some((_, by)) = ONLY_NAMED_BY.iter().find(|(m, _)| *m == to)
                && !by.contains(&top.as_str())
            {
                broken.push(format!("{} names {}", show(module), show(&named)));
            }
        }
        if top == "store" {
            for word in STORE_MAY_NOT_NAME {
                if text.contains(word) {
                    broken.push(format!("{} builds protocol answers ({word})", show(module)));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "against the layers:\n{}",
        broken.join("\n")
    );
}

#[test]
fn no_two_files_import_each_other() {
    let files = source_files();
    let edges: BTreeMap<&Module, BTreeSet<Module>> = files
        .iter()
        .map(|(m, text)| (m, names(m, text, &files)))
        .collect();
    let mut circles = Vec::new();
    for (from, to) in &edges {
        for next in to {
            if reaches(&edges, next, from, &mut BTreeSet::new()) {
                circles.push(format!("{} -> {} -> ... -> {0}", show(from), show(next)));
            }
        }
    }
    assert!(circles.is_empty(), "circles:\n{}", circles.join("\n"));
}

#[test]
fn the_checks_see_paths_in_use_groups_and_code() {
    let files: BTreeMap<Module, String> = [
        (vec!["a".to_owned()], String::new()),
        (vec!["a".to_owned(), "b".to_owned()], String::new()),
        (vec!["a".to_owned(), "d".to_owned()], String::new()),
        (vec!["c".to_owned()], String::new()),
    ]
    .into_iter()
    .collect();
    // From a::d: a sibling, the file itself, another layer; not a comment,
    // a string or a test.
    let text = "use super::{b::X, d::Y};\n// crate::ignored::Y\nfn f() { crate::c::go(\"crate::no\"); }\n#[cfg(test)]\nmod tests { use crate::z; }";
    let named = names(&vec!["a".to_owned(), "d".to_owned()], text, &files);
    let shown: Vec<String> = named.iter().map(show).collect();
    assert_eq!(shown, ["a::b", "c"]);
}

/// Whether `from` reaches `to` through the edges.
fn reaches(
    edges: &BTreeMap<&Module, BTreeSet<Module>>,
    from: &Module,
    to: &Module,
    seen: &mut BTreeSet<Module>,
) -> bool {
    if from == to {
        return true;
    }
    if !seen.insert(from.clone()) {
        return false;
    }
    edges
        .get(from)
        .is_some_and(|next| next.iter().any(|n| reaches(edges, n, to, seen)))
}

fn top_of(m: &Module) -> String {
    m.first().cloned().unwrap_or_default()
}

fn show(m: &Module) -> String {
    if m.is_empty() {
        "lib".to_owned()
    } else {
        m.join("::")
    }
}

/// Every module file under `src/` with its code (unit tests and comments
/// left out). `main.rs`, test-only files and this file are not layers.
fn source_files() -> BTreeMap<Module, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if let Some(module) = module_of(&root, &path) {
                let text = std::fs::read_to_string(&path).expect("a source file");
                out.insert(module, code_of(&text));
            }
        }
    }
    out
}

fn module_of(root: &Path, path: &Path) -> Option<Module> {
    let rel = path.strip_prefix(root).ok()?.with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.last()?.clone();
    if path.extension()? != "rs" || ["main", "tests", "layers"].contains(&last.as_str()) {
        return None;
    }
    if last == "mod" || (parts.len() == 1 && last == "lib") {
        parts.pop();
    }
    Some(parts)
}

/// The code of a file: `//` comments and `#[cfg(test)]` items removed.
fn code_of(text: &str) -> String {
    let mut code = String::with_capacity(text.len());
    for line in text.lines() {
        let cut = comment_start(line).unwrap_or(line.len());
        code.push_str(&line[..cut]);
        code.push('\n');
    }
    while let Some(at) = code.find("#[cfg(test)]") {
        let end = item_end(&code, at);
        code.replace_range(at..end, "");
    }
    code
}

/// Where a line's comment starts, outside string literals.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The end of the item starting at `at`: its `;` or its closing brace.
fn item_end(code: &str, at: usize) -> usize {
    let mut depth = 0;
    for (i, c) in code[at..].char_indices() {
        match c {
            ';' if depth == 0 => return at + i + 1,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return at + i + 1;
                }
            }
            _ => {}
        }
    }
    code.len()
}

/// The module files `module`'s code names.
fn names(module: &Module, code: &str, files: &BTreeMap<Module, String>) -> BTreeSet<Module> {
    let mut out = BTreeSet::new();
    let bytes = code.as_bytes();
    for start in ["crate::", "super::", "self::"] {
        for (at, _) in code.match_indices(start) {
            let word_start =
                at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_');
            if !word_start || in_string(code, at) {
                continue;
            }
            let base: Module = match start {
                "crate::" => Vec::new(),
                // A file's parent module: `a` for `a/b.rs` and for `a/b/mod.rs`.
                "super::" => module[..module.len().saturating_sub(1)].to_vec(),
                _ => module.clone(),
            };
            for path in paths_at(&code[at + start.len()..]) {
                let mut full = base.clone();
                full.extend(path);
                if let Some(found) = resolve(&full, files)
                    && &found != module
                    && !(found.is_empty() && module.is_empty())
                {
                    out.insert(found);
                }
            }
        }
    }
    out
}

/// Whether `at` is inside a string literal on its line.
fn in_string(code: &str, at: usize) -> bool {
    let line_start = code[..at].rfind('\n').map_or(0, |i| i + 1);
    code[line_start..at].matches('"').count() % 2 == 1
}

/// The paths written at the start of `text`: `a::b::C`, or a use group
/// `a::{b, c::d}` as one path per member.
fn paths_at(text: &str) -> Vec<Vec<String>> {
    if let Some(group) = text.strip_prefix('{') {
        return group_members(group)
            .into_iter()
            .flat_map(paths_at)
            .collect();
    }
    let mut segments = Vec::new();
    let mut rest = text;
    loop {
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if len > 0 {
            segments.push(rest[..len].to_owned());
        }
        rest = &rest[len..];
        if let Some(after) = rest.strip_prefix("::") {
            if let Some(group) = after.strip_prefix('{') {
                return group_members(group)
                    .into_iter()
                    .flat_map(paths_at)
                    .map(|p| segments.iter().cloned().chain(p).collect())
                    .collect();
            }
            rest = after;
        } else {
            return vec![segments];
        }
    }
}

/// The members of a use group, up to its closing brace.
fn group_members(text: &str) -> Vec<&str> {
    let (mut depth, mut from, mut out) = (0, 0, Vec::new());
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                out.push(text[from..i].trim());
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(text[from..i].trim());
                from = i + 1;
            }
            _ => {}
        }
    }
    out.into_iter()
        .filter(|m| !m.is_empty() && *m != "self")
        .collect()
}

/// The module file a path names: its longest prefix that is a file, or the
/// module defining a root item.
fn resolve(path: &[String], files: &BTreeMap<Module, String>) -> Option<Module> {
    if path.len() == 1
        && let Some((_, module)) = ROOT_ITEMS.iter().find(|(item, _)| *item == path[0])
    {
        return Some(vec![(*module).to_owned()]);
    }
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|prefix| files.contains_key(prefix))
}
