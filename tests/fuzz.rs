//! 300 mutated workbooks through the whole pipeline (see tests/fuzz/harness.rs): no panic, no
//! abort, none over the memory limit. Long runs: scripts/fuzz.sh.

use crate::harness;

use std::time::Duration;

#[test]
fn three_hundred_mutated_workbooks_neither_crash_nor_run_away() {
    let out = tempfile::tempdir().unwrap();
    // A runaway case takes minutes; the 2 s target itself is held by the long release run
    // (scripts/fuzz.sh), not by a timed test on a shared machine.
    let limits = harness::Limits {
        time: Duration::from_secs(30),
        memory: 200 << 20,
    };
    let summary = harness::run(300, 2026, out.path(), &limits, false);
    assert_eq!(summary.cases, 300);
    assert!(summary.problems.is_empty(), "{:#?}", summary.problems);
}
