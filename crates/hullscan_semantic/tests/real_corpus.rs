//! Builds the semantic model for every file of `../shared/corpus/real/` and exercises every
//! query on every instruction: nothing may panic, and the structure must be consistent.

#![allow(clippy::print_stdout)] // the test reports what it covered, or that it skipped

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hullscan_dockerfile::{Keyword, parse_bytes};
use hullscan_semantic::{Base, SemanticModel};

#[test]
fn model_builds_for_every_real_dockerfile() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real");
    if !dir.is_dir() {
        println!("skipping: ../shared not found ({})", dir.display());
        return;
    }
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read corpus dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();

    let (mut files, mut stages, mut images, mut bad_refs, mut unresolved) = (0, 0, 0, 0, 0);
    let mut build_time = Duration::ZERO;
    for path in &paths {
        let bytes = std::fs::read(path).expect("read corpus file");
        let parse = parse_bytes(&bytes);
        let df = &parse.dockerfile;
        let start = Instant::now();
        let model = SemanticModel::new(df);
        build_time += start.elapsed();
        files += 1;

        let from_count = df
            .instructions
            .iter()
            .filter(|i| i.keyword == Keyword::From)
            .count();
        assert_eq!(model.stages().len(), from_count, "{}", path.display());
        if let Some(last) = model.final_stage() {
            assert!(model.is_reachable(last.index), "{}", path.display());
            assert_eq!(last.instructions.end, df.instructions.len());
        }
        for stage in model.stages() {
            stages += 1;
            assert_eq!(df.instructions[stage.from_index].keyword, Keyword::From);
            assert!(stage.instructions.contains(&stage.from_index));
            if let Some(parent) = stage.parent() {
                assert!(parent < stage.index, "{}", path.display());
            }
            match stage.base {
                Base::Image => {
                    images += 1;
                    if stage.image_ref().is_some_and(|r| r.is_err()) {
                        bad_refs += 1;
                    }
                }
                Base::Unresolved => unresolved += 1,
                Base::Scratch | Base::Stage(_) => {}
            }
            let _ = model.stage_shell(stage.index);
            let _ = model.stage_user(stage.index);
            let _ = model.stage_workdir(stage.index);
        }
        for (index, instruction) in df.instructions.iter().enumerate() {
            let _ = model.shell_at(index).args();
            let _ = model.user_at(index);
            let _ = model.workdir_at(index);
            let _ = model.lookup(index, "PATH");
            let _ = model.expand(index, &instruction.original);
            let _ = model.expand_words(index, &instruction.original);
        }
    }
    println!(
        "{files} files, {stages} stages ({images} image bases, {bad_refs} not valid references, \
         {unresolved} unresolved); model build time {build_time:?} (debug build)"
    );
    assert!(files > 0, "no files in {}", dir.display());
}
