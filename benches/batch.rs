//! Batch benchmark: the release binary run as an office runs it, on N distinct workbooks.
//!
//! Each workbook is one of the samples under its own agency name with its own prose: the
//! sample's paragraphs reordered and mixed with the corpus, plus a paragraph of characters
//! drawn for that workbook alone — so every report has its own glyph set, as agencies write
//! differently, and no cache shared between reports can flatter the figures.
//!
//!     cargo bench --bench batch                       # N = 100 and N = 1000
//!     NIANBAO_BENCH_N=300 cargo bench --bench batch   # one N
//!     NIANBAO_BENCH_BIN=/path/to/older/nianbao cargo bench --bench batch   # compare builds
//!
//! Prints per N: reports/s, ms per report (wall and CPU), PDF size (mean, max), peak RSS;
//! `check` of the same workbooks; a cold start (one report, a fresh process); and where one
//! report's time goes, stage by stage, in this process.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use nianbao::layout::fonts::FontSet;
use nianbao::model::{Paragraph, Report};
use nianbao::render::Templates;

fn main() {
    let sizes: Vec<usize> = match std::env::var("NIANBAO_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        Some(n) => vec![n],
        None => vec![100, 1000],
    };
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

    let mut per_report = Vec::new();
    for &n in &sizes {
        let dir = tempfile::tempdir().expect("a scratch folder");
        prepare(dir.path(), n, &samples, &corpus);
        if let Ok(keep) = std::env::var("NIANBAO_BENCH_KEEP") {
            // For profiling by hand: the workbooks stay in this folder.
            prepare(Path::new(&keep), n, &samples, &corpus);
        }
        let build = run(dir.path(), &["build", "input"]);
        let check = run(dir.path(), &["check", "input"]);
        let pdfs = pdf_sizes(&dir.path().join("output/2025"));
        assert_eq!(pdfs.len(), n, "every workbook builds");
        let ms = build.wall * 1e3 / n as f64;
        per_report.push(ms);
        println!(
            "N = {n}: build {:.2} s, {:.1} reports/s, {ms:.2} ms wall and {:.2} ms CPU per report, peak RSS {:.0} MB",
            build.wall,
            n as f64 / build.wall,
            build.cpu * 1e3 / n as f64,
            build.max_rss_kb as f64 / 1024.0
        );
        println!(
            "N = {n}: PDF mean {:.1} KB, max {:.1} KB; check {:.2} s ({:.2} ms per workbook)",
            pdfs.iter().sum::<u64>() as f64 / n as f64 / 1024.0,
            *pdfs.iter().max().unwrap_or(&0) as f64 / 1024.0,
            check.wall,
            check.wall * 1e3 / n as f64
        );
    }
    if let [small, large] = per_report[..] {
        println!(
            "linearity: {:.2} ms per report at N = {}, {:.2} at N = {} ({:+.0}%)",
            small,
            sizes[0],
            large,
            sizes[1],
            (large / small - 1.0) * 100.0
        );
    }

    let dir = tempfile::tempdir().expect("a scratch folder");
    prepare(dir.path(), 1, &samples, &corpus);
    let mut cold: Vec<f64> = (0..5)
        .map(|_| run(dir.path(), &["build", "input"]).wall * 1e3)
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
}

/// What one run of the binary took: wall time, CPU time (user + system) and peak RSS.
struct Measured {
    wall: f64,
    cpu: f64,
    max_rss_kb: i64,
}

fn run(dir: &Path, args: &[&str]) -> Measured {
    let before = children();
    let t = Instant::now();
    // NIANBAO_BENCH_BIN: another build of nianbao to measure the same way (before and after).
    let bin = std::env::var("NIANBAO_BENCH_BIN").unwrap_or(env!("CARGO_BIN_EXE_nianbao").into());
    let out = Command::new(bin)
        .current_dir(dir)
        .env("NIANBAO_TODAY", "2026-02-01")
        .args(args)
        .output()
        .expect("the nianbao binary");
    let wall = t.elapsed().as_secs_f64();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = children();
    Measured {
        wall,
        cpu: after.0 - before.0,
        max_rss_kb: after.1,
    }
}

/// CPU seconds of all waited-for children so far, and the largest peak RSS among them (KB).
fn children() -> (f64, i64) {
    // SAFETY: getrusage only writes the struct it is given.
    #[allow(unsafe_code)]
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut u);
        u
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (secs(usage.ru_utime) + secs(usage.ru_stime), usage.ru_maxrss)
}

/// `n` workbooks under `dir/input`, each its own agency with its own prose.
fn prepare(dir: &Path, n: usize, samples: &[Report], corpus: &[String]) {
    let input = dir.join("input");
    std::fs::create_dir_all(&input).expect("input folder");
    for i in 0..n {
        let report = distinct(samples, corpus, i);
        std::fs::write(
            input.join(format!("{i:04}.xlsx")),
            common::workbook_bytes(&report),
        )
        .expect("write workbook");
    }
}

/// Sample `i % 3` as agency `i`: its paragraphs rotated, one corpus paragraph added, and a
/// paragraph of 120 characters drawn for this workbook from the CJK block (its own glyphs).
fn distinct(samples: &[Report], corpus: &[String], i: usize) -> Report {
    let mut report = samples[i % samples.len()].clone();
    report.info.agency = format!("{}{:04}", report.info.agency, i);
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
        "one report, one thread, ms: read {read:.2}, rules {rules:.2}, render {render:.2}, parse {parse:.2}, layout {layout:.2}, PDF {pdf:.2}, XLSX {xlsx:.2}, HTML {html:.2}, DOCX {docx:.2}"
    );
}
