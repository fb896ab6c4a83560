//! The same reports through Typst: each report's document (the blocks nianbao typesets) written
//! as Typst markup in the same typography — A4 with GB/T 9704's margins, 三号 Noto Serif CJK,
//! justified paragraphs indented two characters, the official tables with their merged headers —
//! and compiled to PDF/A-2b + PDF/UA-1 by a warm Typst in one process (`typst_peer.py`), beside
//! nianbao making the complete report (PDF, XLSX, HTML) of each in this process.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use nianbao::batch::prepare::{Kit, prepare};
use nianbao::doc::{Block, Document};
use nianbao::format::Format;
use nianbao::layout::fonts::FontSet;
use nianbao::model::Report;
use nianbao::render::Templates;

pub fn compare(
    reports: &[Report],
    fonts: &FontSet,
    templates: &Templates,
    batches: &[(usize, f64)],
) {
    let scratch = tempfile::tempdir().expect("a scratch folder");
    // NIANBAO_BENCH_TYPST_DIR: keep the Typst sources there, to look at.
    let dir =
        std::env::var("NIANBAO_BENCH_TYPST_DIR").map_or(scratch.path().to_path_buf(), Into::into);
    std::fs::create_dir_all(&dir).expect("the Typst folder");
    let kit = Kit {
        fonts,
        templates,
        formats: &[Format::Pdf, Format::Xlsx, Format::Html],
        source_date: None,
        programs: &nianbao::pdf::Programs::default(),
    };
    let mut documents = Vec::new();
    for (i, r) in reports.iter().enumerate() {
        let markdown = templates.render(r).expect("render");
        let doc = nianbao::doc::parse(&markdown, r).expect("parse");
        std::fs::write(dir.as_path().join(format!("{i:04}.typ")), typst_of(&doc))
            .expect("write the Typst source");
        documents.push(doc);
    }
    // Warm, as the peer is: the first report once before the clock starts.
    let _ = prepare(&reports[0], &kit, false);
    let cpu = thread_cpu();
    for r in reports {
        prepare(r, &kit, false).expect("the report builds");
    }
    let ours = (thread_cpu() - cpu) * 1e3 / reports.len() as f64;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/typst_peer.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(dir.as_path())
        .output();
    let peer = match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).to_string(),
        Ok(o) => {
            println!(
                "Typst peer skipped: {}",
                String::from_utf8_lossy(&o.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            );
            return;
        }
        Err(e) => {
            println!("Typst peer skipped (python3: {e}); pip install typst");
            return;
        }
    };
    let v: serde_json::Value = serde_json::from_str(peer.trim()).expect("the peer's figures");
    let typst = v["cpu_ms"].as_f64().unwrap_or(f64::NAN);
    println!(
        "side by side, {} reports, warm, one process each: nianbao {ours:.2} ms CPU per complete report (PDF, XLSX, HTML), Typst {typst:.2} ms CPU per PDF ({:.2} ms wall, {:.0} KB): {:.2}×",
        reports.len(),
        v["wall_ms"].as_f64().unwrap_or(f64::NAN),
        v["kb"].as_f64().unwrap_or(f64::NAN),
        ours / typst
    );
    for (n, cpu) in batches {
        println!(
            "  the build of N = {n}, whole process (reading, checks, records, office files): {cpu:.2} ms CPU per report: {:.2}× Typst's per PDF",
            cpu / typst
        );
    }
}

/// CPU seconds this thread has used.
fn thread_cpu() -> f64 {
    // SAFETY: clock_gettime only writes the struct it is given.
    #[allow(unsafe_code)]
    let t = unsafe {
        let mut t: libc::timespec = std::mem::zeroed();
        libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t);
        t
    };
    t.tv_sec as f64 + t.tv_nsec as f64 / 1e9
}

/// A string as Typst code: a string literal, so that no character of the text is markup.
fn lit(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn typst_of(doc: &Document) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "#set document(title: {})", lit(doc.title()));
    t.push_str(
        "#set page(paper: \"a4\", margin: (top: 37mm, bottom: 35mm, left: 28mm, right: 26mm), numbering: \"— 1 —\")\n\
         #set text(font: \"Noto Serif CJK SC\", size: 16pt, lang: \"zh\", region: \"cn\")\n\
         #set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 0.75em)\n\
         #show heading: set text(font: \"Noto Sans CJK SC\", size: 16pt, weight: \"regular\")\n\
         #show heading: set block(above: 0.75em, below: 0.75em)\n\
         #set table(stroke: 0.5pt)\n",
    );
    for block in &doc.blocks {
        match block {
            Block::Title(s) => {
                let _ = writeln!(
                    t,
                    "#align(center, text(size: 22pt, font: \"Noto Serif CJK SC\", {}))\n",
                    lit(s)
                );
            }
            Block::Heading { level, text } => {
                let _ = writeln!(t, "#heading(level: {level}, {})\n", lit(text));
            }
            Block::Paragraph(s) => {
                let _ = writeln!(t, "#{}\n", lit(s));
            }
            Block::Table(grid) => {
                let columns = grid.cells.iter().map(|c| c.col + c.cols).max().unwrap_or(1);
                let _ = write!(
                    t,
                    "#text(size: 10.5pt, table(columns: {columns}, align: center + horizon,"
                );
                for c in &grid.cells {
                    let _ = write!(
                        t,
                        " table.cell(x: {}, y: {}, rowspan: {}, colspan: {}, {}),",
                        c.col,
                        c.row,
                        c.rows,
                        c.cols,
                        lit(&c.text)
                    );
                }
                t.push_str("))\n\n");
            }
            Block::PageBreak => t.push_str("#pagebreak()\n"),
            Block::Signature { agency, date } => {
                let _ = writeln!(
                    t,
                    "#align(right, {{ {}; linebreak(); {} }})\n",
                    lit(agency),
                    lit(date)
                );
            }
        }
    }
    t
}
