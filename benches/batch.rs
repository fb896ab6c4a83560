//! Batch benchmark: N filled workbooks (the samples under N agency names) checked and built in
//! parallel through the library, as `nianbao build` does. Prints the time of each stage, the
//! time per report and the PDF sizes.
//!
//!     cargo bench --bench batch            # 300 workbooks
//!     NIANBAO_BENCH_N=3000 cargo bench --bench batch

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::time::Instant;

use nianbao::batch::{self, Toolkit};
use nianbao::layout::fonts::FontSet;
use nianbao::model::Date;
use nianbao::render::Templates;
use nianbao::rules::Context;

fn main() {
    let n: usize = std::env::var("NIANBAO_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let dir = tempfile::tempdir().expect("a scratch folder");
    let input = dir.path().join("input");
    std::fs::create_dir(&input).expect("input folder");
    let samples: Vec<_> = common::sample_sources()
        .iter()
        .map(|p| common::report_from_toml(p))
        .collect();
    let started = Instant::now();
    for i in 0..n {
        let mut report = samples[i % samples.len()].clone();
        report.info.agency = format!("{}{:04}", report.info.agency, i);
        let bytes = common::workbook_bytes(&report);
        std::fs::write(input.join(format!("{i:04}.xlsx")), bytes).expect("write workbook");
    }
    println!(
        "prepared {n} workbooks in {:.2} s",
        started.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let fonts = FontSet::discover(&[], &nianbao::config::Config::default())
        .expect("Chinese fonts (apt-get install fonts-noto-cjk)");
    let font_time = t.elapsed().as_secs_f64();
    let templates = Templates::load(None).expect("built-in templates");

    let t = Instant::now();
    let files = batch::discover(&[input]).expect("discover");
    let ctx = Context::new(Date::new(2026, 2, 1).expect("date"));
    let preview = batch::Preview {
        fonts: &fonts,
        templates: &templates,
    };
    let checked = batch::check_all(
        &files,
        &ctx,
        Some(&preview),
        &nianbao::previous::Library::default(),
    );
    let check_time = t.elapsed().as_secs_f64();
    assert!(
        checked.iter().all(|c| !c.has_errors()),
        "bench workbooks must be valid"
    );

    let out = dir.path().join("output");
    let kit = Toolkit {
        fonts: &fonts,
        templates: &templates,
        out: &out,
        force: false,
    };
    let t = Instant::now();
    let built = batch::build_all(&checked, &kit);
    let build_time = t.elapsed().as_secs_f64();
    assert!(
        built.iter().all(|b| b.is_written()),
        "every workbook builds"
    );

    stages(&checked[0].report, &fonts, &templates, 20);

    let sizes: Vec<u64> = built
        .iter()
        .flat_map(|b| b.outputs())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .map(|p| size(p))
        .collect();
    let threads = rayon::current_num_threads();
    println!("fonts: discovered and parsed once in {font_time:.2} s");
    println!(
        "check: {n} workbooks in {check_time:.2} s ({:.2} ms each, {threads} threads)",
        check_time * 1e3 / n as f64
    );
    println!(
        "build: {n} reports (PDF + XLSX) in {build_time:.2} s ({:.1} ms each, {threads} threads)",
        build_time * 1e3 / n as f64
    );
    println!(
        "PDF size: mean {:.0} KB, max {:.0} KB",
        sizes.iter().sum::<u64>() as f64 / sizes.len() as f64 / 1024.0,
        *sizes.iter().max().unwrap_or(&0) as f64 / 1024.0
    );
}

/// One report through each stage on this thread, `rounds` times: where a report's time goes.
fn stages(report: &nianbao::model::Report, fonts: &FontSet, templates: &Templates, rounds: u32) {
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..rounds {
            f();
        }
        t.elapsed().as_secs_f64() * 1e3 / rounds as f64
    };
    let mut markdown = String::new();
    let render = time(&mut || markdown = templates.render(report).expect("render"));
    let mut doc = nianbao::doc::Document::default();
    let parse = time(&mut || doc = nianbao::doc::parse(&markdown).expect("parse"));
    let mut laid = None;
    let layout = time(&mut || laid = Some(nianbao::layout::layout(&doc, report, fonts)));
    let laid = laid.expect("laid out");
    let meta = nianbao::pdf::Meta {
        title: doc.title().to_string(),
        ..Default::default()
    };
    let pdf = time(&mut || {
        nianbao::pdf::write(&laid, fonts, &meta);
    });
    let xlsx = time(&mut || {
        nianbao::xlsx::write_report(report, "t", None, None).expect("xlsx");
    });
    println!(
        "one report, one thread: render {render:.2} ms, parse {parse:.2} ms, layout {layout:.2} ms, PDF {pdf:.2} ms, XLSX {xlsx:.2} ms"
    );
}

fn size(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}
