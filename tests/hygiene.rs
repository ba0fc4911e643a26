//! Checks on the repository itself: it stands on its own (nothing refers to files beside it),
//! the core never imports the command line, and the modules have no import cycles.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::common::repo;

/// Every file of the repository that is not build output or a local environment.
fn repository_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            if !matches!(name.as_str(), "target" | ".git" | ".venv" | "node_modules") {
                repository_files(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

#[test]
fn nothing_refers_to_files_outside_the_repository() {
    // Built from parts so that this file does not name it itself.
    let outside = ["..", "shared"].join("/");
    let mut files = Vec::new();
    repository_files(&repo(), &mut files);
    let offenders: Vec<String> = files
        .iter()
        .filter(|p| {
            std::fs::read(p)
                .map(|b| b.windows(outside.len()).any(|w| w == outside.as_bytes()))
                .unwrap_or(false)
        })
        .map(|p| p.strip_prefix(repo()).unwrap().display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "these files refer to {outside}: {offenders:?}"
    );
}

type Module = Vec<String>;

/// The module of each source file of `src/` (`src/format/yaml/mod.rs` is `format::yaml`).
fn modules() -> BTreeMap<Module, String> {
    let mut files = Vec::new();
    repository_files(&repo().join("src"), &mut files);
    let mut out = BTreeMap::new();
    for f in files
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
    {
        let rel = f
            .strip_prefix(repo().join("src"))
            .unwrap()
            .with_extension("");
        let mut parts: Module = rel
            .iter()
            .map(|c| c.to_string_lossy().to_string())
            .collect();
        if matches!(
            parts.last().map(String::as_str),
            Some("mod" | "lib" | "main")
        ) {
            parts.pop();
        }
        out.insert(parts, std::fs::read_to_string(&f).unwrap());
    }
    out
}

/// The modules a source file refers to through `crate::` and `super::` paths, resolved to the
/// longest module prefix. References to a module's own ancestors are left out: a child may use
/// its parent's items.
fn imports(module: &Module, source: &str, all: &BTreeMap<Module, String>) -> BTreeSet<Module> {
    let resolve = |path: Vec<String>| -> Option<Module> {
        (1..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|p| all.contains_key(p))
    };
    let code: String = source
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    let mut out = BTreeSet::new();
    for (prefix, base) in [
        ("crate::", Vec::new()),
        ("super::", module[..module.len().saturating_sub(1)].to_vec()),
    ] {
        let mut rest = code.as_str();
        while let Some(i) = rest.find(prefix) {
            let before_ok = rest[..i].chars().last().is_none_or(|c| !ident(c));
            rest = &rest[i + prefix.len()..];
            if !before_ok {
                continue;
            }
            let end = rest.find(|c: char| !ident(c)).unwrap_or(rest.len());
            let mut path = base.clone();
            path.extend(
                rest[..end]
                    .split("::")
                    .filter(|s| !s.is_empty() && s.chars().next().unwrap().is_ascii_lowercase())
                    .map(String::from),
            );
            if let Some(target) = resolve(path) {
                let ancestor = target.len() < module.len() && module[..target.len()] == target[..];
                if &target != module && !ancestor {
                    out.insert(target);
                }
            }
        }
    }
    out
}

#[test]
fn the_core_never_imports_the_command_line() {
    let all = modules();
    let mut offenders = Vec::new();
    for (module, source) in &all {
        if module.first().is_some_and(|m| m == "cli" || m == "main") {
            continue;
        }
        for target in imports(module, source, &all) {
            if target.first().is_some_and(|m| m == "cli") {
                offenders.push(format!("{} -> {}", module.join("::"), target.join("::")));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "modules outside cli/ import cli/: {offenders:?}"
    );
}

#[test]
fn no_import_cycles_between_modules() {
    let all = modules();
    let graph: BTreeMap<&Module, BTreeSet<Module>> =
        all.iter().map(|(m, s)| (m, imports(m, s, &all))).collect();
    // A cycle exists when a module reaches itself; report each module on one.
    let mut on_cycle = Vec::new();
    for start in graph.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&Module> = graph[start].iter().collect();
        while let Some(m) = stack.pop() {
            if m == *start {
                on_cycle.push(start.join("::"));
                break;
            }
            if seen.insert(m.clone())
                && let Some(next) = graph.get(m)
            {
                stack.extend(next.iter());
            }
        }
    }
    assert!(
        on_cycle.is_empty(),
        "modules on an import cycle: {on_cycle:?}"
    );
}
