//! Reading documents, ms per document on one core, in this process: the real 6-page PDF
//! published by WPS, the real WPS template, and the sample report's own DOCX, web page and PDF as
//! nianbao builds them. Shared by the `documents` and `batch` benchmarks.

use std::path::Path;
use std::time::{Duration, Instant};

use nianbao::batch::prepare::{Kit, prepare};
use nianbao::document::{self, Kind};
use nianbao::format::Format;
use nianbao::layout::fonts::FontSet;
use nianbao::render::Templates;

pub fn run(rounds: usize) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs: Vec<(String, Kind, Vec<u8>)> = Vec::new();
    let real = repo.join("../shared/fixtures/real");
    for (name, what, kind) in [
        (
            "淮安市人民政府2024.pdf",
            "淮安市人民政府2024.pdf（WPS，6页）",
            Kind::Pdf,
        ),
        (
            "政务公开年报模版-WPS.docx",
            "政务公开年报模版-WPS.docx（WPS 12，空白）",
            Kind::Docx,
        ),
    ] {
        match std::fs::read(real.join(name)) {
            Ok(bytes) => docs.push((what.into(), kind, bytes)),
            Err(e) => eprintln!("{name}: {e} (skipped)"),
        }
    }
    let fonts = FontSet::discover(&[], &nianbao::config::Config::default())
        .expect("Chinese fonts (apt-get install fonts-noto-cjk)");
    let templates = Templates::load(None).expect("built-in templates");
    let sample = repo.join("input/江岚县交通运输局.xlsx");
    let report = nianbao::workbook::read_file(&sample).report;
    let kit = Kit {
        fonts: &fonts,
        templates: &templates,
        formats: &[Format::Pdf, Format::Html, Format::Docx],
        source_date: None,
        programs: &nianbao::pdf::Programs::default(),
    };
    let built = prepare(&report, &kit, false).expect("the sample builds");
    for (format, bytes) in built.outputs {
        let (name, kind) = match format {
            Format::Pdf => ("样例的 PDF（nianbao）", Kind::Pdf),
            Format::Html => ("样例的网页（nianbao）", Kind::Html),
            Format::Docx => ("样例的 DOCX（nianbao）", Kind::Docx),
            _ => continue,
        };
        docs.push((name.into(), kind, bytes));
    }
    println!("reading documents, one core, {rounds} rounds each");
    for (name, kind, bytes) in &docs {
        let read = document::read_bytes(bytes, *kind, "江岚县交通运输局");
        let errors = read.findings.iter().filter(|f| f.is_error()).count();
        let mut times: Vec<Duration> = (0..rounds)
            .map(|_| {
                let started = Instant::now();
                std::hint::black_box(document::read_bytes(bytes, *kind, "江岚县交通运输局"));
                started.elapsed()
            })
            .collect();
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let mean = times.iter().sum::<Duration>() / rounds.max(1) as u32;
        println!(
            "  {name}: {:.2} ms mean, {:.2} ms median, {:.2} ms slowest ({} KB, {errors} errors read){}",
            ms(mean),
            ms(times[times.len() / 2]),
            ms(times[times.len() - 1]),
            bytes.len() / 1024,
            if ms(mean) < 20.0 {
                ""
            } else {
                "  ← over the 20 ms target"
            }
        );
    }
}
