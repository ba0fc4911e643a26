//! The fuzz targets' corpora and every input that ever crashed one, on stable: each file of
//! `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/` goes through the same entry point
//! as the fuzz target (`fuzz/src/entries.rs`), which checks what must hold for any input.

use crate::common::repo;

#[path = "../fuzz/src/entries.rs"]
mod entries;

#[test]
fn fuzz_corpora_and_regressions_hold() {
    let mut fed = 0;
    for (target, entry) in entries::TARGETS {
        let mut files = 0;
        for dir in ["corpus", "regressions"] {
            let dir = repo().join("fuzz").join(dir).join(target);
            let Ok(list) = std::fs::read_dir(&dir) else {
                continue;
            };
            for file in list {
                let path = file.unwrap().path();
                let data = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| entry(&data));
                assert!(outcome.is_ok(), "fuzz input {} fails", path.display());
                files += 1;
            }
        }
        assert!(files > 0, "no corpus for the fuzz target {target}");
        fed += files;
    }
    assert!(fed >= 100, "only {fed} fuzz inputs");
}
