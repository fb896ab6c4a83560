//! Batch benchmark: the release binary run as an office runs it, on N distinct workbooks, then
//! the same reports side by side with Typst, and the readers.
//!
//! Each workbook is one of the samples under its own agency name with its own prose: the
//! sample's paragraphs reordered and mixed with the corpus, plus a paragraph of characters
//! drawn for that workbook alone — so every report has its own glyph set, as agencies write
//! differently, and no cache shared between reports can flatter the figures.
//!
//!     cargo bench --bench batch                                   # build and check N = 100, 1000
//!     NIANBAO_BENCH_BUILD=1000,5000,20000 NIANBAO_BENCH_CHECK=1000,5000,20000,100000 \
//!         cargo bench --bench batch                               # the province figures
//!     NIANBAO_BENCH_TYPST=0 cargo bench --bench batch             # without the Typst peer
//!     NIANBAO_BENCH_BIN=/path/to/older/nianbao cargo bench --bench batch   # compare builds
//!
//! Prints per N: reports/s, ms per report (wall and CPU), PDF size, peak RSS; `check` per N;
//! a cold start (one report, a fresh process); where one report's time goes, stage by stage;
//! CPU per report against Typst's per PDF on the same reports (`pip install typst`; the peer is
//! compiled warm, in one process, from the same documents); and the readers, ms per document.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "common/readers.rs"]
mod readers;
#[path = "common/typst_peer.rs"]
mod typst_peer;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use rayon::prelude::*;

use nianbao::layout::fonts::FontSet;
use nianbao::model::{Paragraph, Report};
use nianbao::render::Templates;

fn sizes(var: &str, default: &[usize]) -> Vec<usize> {
    match std::env::var(var) {
        Ok(v) => v.split(',').filter_map(|n| n.trim().parse().ok()).collect(),
        Err(_) => default.to_vec(),
    }
}

fn main() {
    let builds = sizes("NIANBAO_BENCH_BUILD", &[100, 1000]);
    let checks = sizes("NIANBAO_BENCH_CHECK", &builds);
    let samples: Vec<Report> = common::sample_sources()
        .iter()
        .map(|p| common::report_from_toml(p))
        .collect();
    let corpus: Vec<String> =
        std::fs::read_to_string(common::repo().join("tests/fixtures/corpus/prose.txt"))
            .expect("the prose corpus")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(str::to_string)
            .collect();
    let most = builds.iter().chain(&checks).copied().max().unwrap_or(1);
    let scratch = tempfile::tempdir().expect("a scratch folder");
    // NIANBAO_BENCH_KEEP: the workbooks made there (and kept, for profiling by hand).
    let all = std::env::var("NIANBAO_BENCH_KEEP").map_or(scratch.path().join("all"), Into::into);
    let t = Instant::now();
    generate(&all, most, &samples, &corpus);
    println!(
        "{most} distinct workbooks generated in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let mut build_cpu = Vec::new();
    for &n in &builds {
        let dir = batch_of(scratch.path(), &all, n);
        let build = run(&dir, &["build", "input"]);
        let pdfs = pdf_sizes(&dir.join("output/2025"));
        assert_eq!(pdfs.len(), n, "every workbook builds");
        build_cpu.push((n, build.cpu * 1e3 / n as f64));
        println!(
            "build N = {n}: {:.2} s, {:.1} reports/s, {:.2} ms wall and {:.2} ms CPU per report, peak RSS {:.0} MB, PDF mean {:.1} KB",
            build.wall,
            n as f64 / build.wall,
            build.wall * 1e3 / n as f64,
            build.cpu * 1e3 / n as f64,
            build.max_rss_kb as f64 / 1024.0,
            pdfs.iter().sum::<u64>() as f64 / n as f64 / 1024.0,
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    for &n in &checks {
        let dir = batch_of(scratch.path(), &all, n);
        let check = run(&dir, &["check", "input"]);
        println!(
            "check N = {n}: {:.2} s, {:.0} workbooks/s, {:.3} ms wall and {:.3} ms CPU per workbook, peak RSS {:.0} MB",
            check.wall,
            n as f64 / check.wall,
            check.wall * 1e3 / n as f64,
            check.cpu * 1e3 / n as f64,
            check.max_rss_kb as f64 / 1024.0
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    let dir = batch_of(scratch.path(), &all, 1);
    let mut cold: Vec<f64> = (0..5)
        .map(|_| run(&dir, &["build", "input", "--rebuild"]).wall * 1e3)
        .collect();
    cold.sort_by(f64::total_cmp);
    println!(
        "cold start, one report (fresh process, median of 5): {:.0} ms",
        cold[2]
    );

    let fonts = FontSet::discover(&[], &nianbao::config::Config::default())
        .expect("Chinese fonts (apt-get install fonts-noto-cjk)");
    let templates = Templates::load(None).expect("built-in templates");
    let report = distinct(&samples, &corpus, 7);
    stages(&report, &fonts, &templates, 20);

    let peers: usize = std::env::var("NIANBAO_BENCH_TYPST")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    if peers > 0 {
        let reports: Vec<Report> = (0..peers).map(|i| distinct(&samples, &corpus, i)).collect();
        typst_peer::compare(&reports, &fonts, &templates, &build_cpu);
    }
    readers::run(20);
}

/// What one run of the binary took: wall time, CPU time (user + system) and peak RSS.
struct Measured {
    wall: f64,
    cpu: f64,
    max_rss_kb: i64,
}

fn run(dir: &Path, args: &[&str]) -> Measured {
    let t = Instant::now();
    // NIANBAO_BENCH_BIN: another build of nianbao to measure the same way (before and after).
    let bin = std::env::var("NIANBAO_BENCH_BIN").unwrap_or(env!("CARGO_BIN_EXE_nianbao").into());
    let errors = tempfile::tempfile().expect("a file for the binary's messages");
    // Reaped by `wait` (wait4), which also gives this child's own peak RSS.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(bin)
        .current_dir(dir)
        .env("NIANBAO_TODAY", "2026-02-01")
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(errors.try_clone().expect("the messages' file"))
        .spawn()
        .expect("the nianbao binary");
    let (code, usage) = wait(child.id());
    let wall = t.elapsed().as_secs_f64();
    if !(0..=1).contains(&code) {
        let mut text = String::new();
        let mut errors = errors;
        let _ = std::io::Seek::rewind(&mut errors);
        let _ = std::io::Read::read_to_string(&mut errors, &mut text);
        panic!("nianbao {args:?} ended with {code}: {text}");
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Measured {
        wall,
        cpu: secs(usage.ru_utime) + secs(usage.ru_stime),
        max_rss_kb: usage.ru_maxrss,
    }
}

/// Waits for one child and returns its exit code and its own resource usage (CPU, peak RSS),
/// not the largest of all children's as `RUSAGE_CHILDREN` would.
fn wait(pid: u32) -> (i32, libc::rusage) {
    // SAFETY: wait4 only writes the status and the struct it is given; the child is ours and
    // is reaped here, not by `Child::wait`.
    #[allow(unsafe_code)]
    unsafe {
        let mut status = 0;
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage);
        let code = if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        };
        (code, usage)
    }
}

/// `n` workbooks under `all/`, each its own agency with its own prose, made in parallel.
fn generate(all: &Path, n: usize, samples: &[Report], corpus: &[String]) {
    std::fs::create_dir_all(all).expect("workbook folder");
    (0..n).into_par_iter().for_each(|i| {
        if all.join(format!("{i:06}.xlsx")).exists() {
            return;
        }
        let report = distinct(samples, corpus, i);
        std::fs::write(
            all.join(format!("{i:06}.xlsx")),
            common::workbook_bytes(&report),
        )
        .expect("write workbook");
    });
}

/// A folder whose `input/` holds the first `n` workbooks (hard links: no copying).
fn batch_of(scratch: &Path, all: &Path, n: usize) -> std::path::PathBuf {
    let dir = scratch.join(format!("n{n}"));
    let input = dir.join("input");
    std::fs::create_dir_all(&input).expect("input folder");
    for i in 0..n {
        let name = format!("{i:06}.xlsx");
        std::fs::hard_link(all.join(&name), input.join(&name)).expect("link a workbook");
    }
    dir
}

/// Sample `i % 3` as agency `i`: its paragraphs rotated, one corpus paragraph added, and a
/// paragraph of 120 characters drawn for this workbook from the CJK block (its own glyphs).
fn distinct(samples: &[Report], corpus: &[String], i: usize) -> Report {
    let mut report = samples[i % samples.len()].clone();
    report.info.agency = format!("{}{:06}", report.info.agency, i);
    let mut seed = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for topics in report.text.values_mut() {
        for topic in topics.iter_mut() {
            let k = topic.paragraphs.len().max(1);
            topic.paragraphs.rotate_left(i % k);
        }
    }
    if let Some(topic) = report.text.get_mut("overview").and_then(|t| t.first_mut()) {
        // Common characters (U+4E00–U+7FFF) that every CJK font has, not rare ones.
        let own: String = (0..120)
            .map(|_| char::from_u32(0x4E00 + (next() % 0x3200) as u32).unwrap_or('一'))
            .collect();
        topic.paragraphs.push(Paragraph {
            text: format!("{}{own}。", corpus[i % corpus.len()]),
            source: None,
        });
    }
    report
}

fn pdf_sizes(dir: &Path) -> Vec<u64> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
                .filter_map(|e| e.metadata().ok().map(|m| m.len()))
                .collect()
        })
        .unwrap_or_default()
}

/// One report through each stage on this thread, `rounds` times: where a report's time goes.
fn stages(report: &Report, fonts: &FontSet, templates: &Templates, rounds: u32) {
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..rounds {
            f();
        }
        t.elapsed().as_secs_f64() * 1e3 / rounds as f64
    };
    let bytes = common::workbook_bytes(report);
    let read = time(&mut || {
        let _ = nianbao::workbook::read_bytes(&bytes);
    });
    let ctx = nianbao::rules::Context::new(nianbao::model::Date::new(2026, 2, 1).expect("date"));
    let rules = time(&mut || {
        let _ = nianbao::rules::check(report, &ctx);
    });
    let sketch = time(&mut || {
        let _ = nianbao::rules::sketch::Sketch::of(report);
    });
    let mut markdown = String::new();
    let render = time(&mut || markdown = templates.render(report).expect("render"));
    let mut doc = nianbao::doc::Document::default();
    let parse = time(&mut || doc = nianbao::doc::parse(&markdown, report).expect("parse"));
    let mut laid = None;
    let layout = time(&mut || laid = Some(nianbao::layout::layout(&doc, fonts)));
    let laid = laid.expect("laid out");
    let meta = nianbao::pdf::Meta {
        title: doc.title().to_string(),
        ..Default::default()
    };
    let pdf = time(&mut || {
        nianbao::pdf::write(&laid, fonts, &meta).expect("PDF");
    });
    // A later report of a batch whose glyphs earlier reports brought: subsets put together.
    let programs = nianbao::pdf::Programs::default();
    let _ = nianbao::pdf::embed(&laid, fonts, &programs);
    let pdf_known = time(&mut || {
        let embedded = nianbao::pdf::embed(&laid, fonts, &programs).expect("faces");
        nianbao::pdf::write_embedded(&laid, embedded, &meta).expect("PDF");
    });
    let xlsx = time(&mut || {
        nianbao::xlsx::write_report(report, &doc, None, None).expect("xlsx");
    });
    let html = time(&mut || {
        let view = nianbao::html::View::of(&doc, &report.info.agency, report.info.year);
        nianbao::html::render(templates, &view, nianbao::render::PAGE).expect("HTML");
    });
    let docx = time(&mut || {
        let meta = nianbao::docx::Meta {
            title: doc.title(),
            author: &report.info.agency,
        };
        nianbao::docx::write(&doc, fonts, &meta).expect("DOCX");
    });
    println!(
        "one report, one thread, ms: read {read:.2}, rules {rules:.2}, fingerprints {sketch:.2}, render {render:.2}, parse {parse:.2}, layout {layout:.2}, PDF {pdf:.2} (its glyphs known to the batch: {pdf_known:.2}), XLSX {xlsx:.2}, HTML {html:.2}, DOCX {docx:.2}"
    );
}
