//! Long fuzzing runs of the whole pipeline (tests/fuzz/harness.rs), in release mode:
//!
//!     scripts/fuzz.sh [cases] [seed]      # default 10000 cases, seed 1
//!
//! Offending files are saved in fuzz-out/; the exit code is 1 if any case failed.

#[path = "../tests/fuzz/harness.rs"]
mod harness;

use std::path::Path;
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let limits = harness::Limits {
        time: Duration::from_secs(2),
        memory: 200 << 20,
    };
    let started = Instant::now();
    let summary = harness::run(n, seed, Path::new("fuzz-out"), &limits, true);
    println!(
        "{} cases (seed {seed}) in {:.0} s: {} problems",
        summary.cases,
        started.elapsed().as_secs_f64(),
        summary.problems.len()
    );
    println!(
        "slowest case {:.3} s ({}); most memory {} MB ({})",
        summary.slowest.0.as_secs_f64(),
        summary.slowest.1,
        summary.most_memory.0 >> 20,
        summary.most_memory.1
    );
    for p in &summary.problems {
        println!(
            "case {}: {} — {} — {}",
            p.case,
            p.what,
            p.mutation,
            p.file.display()
        );
    }
    if !summary.problems.is_empty() {
        std::process::exit(1);
    }
}
