//! A seeded mutation fuzzer for the whole pipeline, on stable Rust (cargo-fuzz needs nightly).
//!
//! It takes the sample workbooks, breaks them at the zip level (truncation, flipped bytes,
//! swapped or dropped parts, lying sizes, a part that expands to more than the cap) and at the
//! XML level (far cell references, huge and odd numbers, wrong cell types, deep nesting, random
//! text in labels and prose, formulas without results, string indices out of range); one case in
//! three is a document instead (the sample's own DOCX, page and PDF, and the real files in
//! circulation: a DOCX broken like a workbook, a page in its markup, a PDF in its bytes and its
//! numbers), and it runs read → check → render → layout → PDF → XLSX on each in this process.
//! A panic, a case over the time or memory limit is recorded and its file saved; before each case
//! the file is written to `current.<ext>`, so an abort (which no handler survives) leaves the
//! culprit behind.
//!
//! Used by tests/fuzz.rs (300 cases in `cargo test`), examples/fuzz.rs (long runs, see
//! scripts/fuzz.sh) and tests/hostile.rs (the zip helpers).
#![allow(dead_code)]

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nianbao::batch::prepare::{Kit, prepare};
use nianbao::document::{self, Kind};
use nianbao::format::Format;
use nianbao::layout::fonts::FontSet;
use nianbao::model::Date;
use nianbao::render::Templates;
use nianbao::rules::Context;
use nianbao::{rules, workbook};

/// The parts of a zip file, in order, uncompressed.
pub fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip file");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).expect("a part");
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("part data");
            (f.name().expect("a name").to_string(), data)
        })
        .collect()
}

/// A zip file of `parts`, deflated.
pub fn zip(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    for (name, data) in parts {
        w.start_file(name.as_str(), options).expect("start part");
        w.write_all(data).expect("write part");
    }
    w.finish().expect("finish zip").into_inner()
}

/// `bytes` with part `name` replaced by `f` of its text.
pub fn patch(bytes: &[u8], name: &str, f: impl FnOnce(String) -> String) -> Vec<u8> {
    let mut parts = parts(bytes);
    let part = parts
        .iter_mut()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no part {name}"));
    part.1 = f(String::from_utf8(std::mem::take(&mut part.1)).expect("XML is UTF-8")).into_bytes();
    zip(&parts)
}

/// The worksheet part of the input workbook's sheet `sheet` (by its order in `blank.rs`).
pub fn sheet_part(sheet: &str) -> String {
    let order = ["填表说明", "基本信息", "正文", "表二", "表三", "表四"];
    let i = order
        .iter()
        .position(|s| *s == sheet)
        .expect("a sheet of the input workbook");
    format!("xl/worksheets/sheet{}.xml", i + 1)
}

/// splitmix64: small, seedable, good enough to pick mutations.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Text that has broken things before or could: punctuation runs, invisible and right-to-left
/// characters, characters outside every font, long words, markup.
fn nasty_text(rng: &mut Rng) -> String {
    let pieces = [
        "—".repeat(40 + rng.below(200)),
        "…".repeat(30 + rng.below(100)),
        "～".repeat(30 + rng.below(100)),
        "。".repeat(50 + rng.below(100)),
        "（".repeat(20 + rng.below(50)),
        "\u{200B}\u{200D}\u{FEFF}\u{00AD}\u{2060}".into(),
        "\u{202E}反转\u{202C}".into(),
        "\u{E000}\u{10FFFD}".into(),
        "😀👍🏽".into(),
        "https://".to_string() + &"a".repeat(200 + rng.below(400)),
        "9".repeat(1 + rng.below(40)),
        "# 标题 *强调* <b>html</b> {{ info.agency }} {% if %}".into(),
        "政府信息公开".repeat(1 + rng.below(3000)),
        "\t\r\n\u{0}\u{7}".into(),
        "𠀀𪚥".into(),
    ];
    let mut s = String::new();
    for _ in 0..1 + rng.below(3) {
        let piece: &String = rng.pick(&pieces);
        s.push_str(piece);
    }
    s
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .chars()
        .filter(|c| !matches!(*c as u32, 0..=8 | 11 | 12 | 14..=31))
        .collect()
}

/// Replaces the `n`-th match of `needle` (cycling) in `text` with `with`.
fn replace_nth(text: &str, needle: &str, n: usize, with: &str) -> String {
    let hits: Vec<usize> = text.match_indices(needle).map(|(i, _)| i).collect();
    if hits.is_empty() {
        return text.to_string();
    }
    let at = hits[n % hits.len()];
    format!("{}{with}{}", &text[..at], &text[at + needle.len()..])
}

/// One XML-level mutation of a part's text.
fn mutate_xml(xml: &str, rng: &mut Rng) -> (String, String) {
    let n = rng.below(1000);
    match rng.below(11) {
        0 => {
            let far = *rng.pick(&["XFD1048576", "A1048576", "XFD1", "ZZ9999", "AAA100000"]);
            (
                format!("far cell {far}"),
                replace_nth(xml, "<c r=\"", n, &format!("<c r=\"{far}\" x=\"")),
            )
        }
        1 => {
            let v = *rng.pick(&[
                "1e308",
                "-5",
                "1e400",
                "NaN",
                "99999999999999999999",
                "0.1",
                "-0",
                "4.5e-7",
                "",
            ]);
            (
                format!("number {v}"),
                replace_nth(xml, "<v>", n, &format!("<v>{v}</v><v>")),
            )
        }
        2 => {
            let t = *rng.pick(&["e", "b", "str", "d", "x", "inlineStr", "s"]);
            (
                format!("type {t}"),
                replace_nth(xml, "<c r=", n, &format!("<c t=\"{t}\" r=")),
            )
        }
        3 => {
            let depth = 1 + rng.below(20_000);
            let deep = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
            (
                format!("nesting {depth}"),
                replace_nth(xml, "</row>", n, &format!("{deep}</row>")),
            )
        }
        4 => {
            let text = xml_escape(&nasty_text(rng));
            (
                "nasty text".into(),
                replace_nth(xml, "<t>", n, &format!("<t>{text}")),
            )
        }
        5 => (
            "formula without value".into(),
            xml.replace("</f><v>", "</f><w>")
                .replace("</v></c>", "</w></c>"),
        ),
        6 => {
            let idx = *rng.pick(&["999999", "-1", "4294967296", "abc"]);
            (
                format!("string index {idx}"),
                replace_nth(xml, "t=\"s\"><v>", n, &format!("t=\"s\"><v>{idx}</v><v>")),
            )
        }
        7 => {
            let si = *rng.pick(&["4000000000", "18446744073709551615", "0"]);
            (
                format!("shared formula si {si}"),
                replace_nth(
                    xml,
                    "<v>",
                    n,
                    &format!("<f t=\"shared\" si=\"{si}\" ref=\"A1:XFD1048576\">A1</f><v>"),
                ),
            )
        }
        8 => {
            let count = *rng.pick(&["99999999999", "-1", "1e9"]);
            (
                "sst uniqueCount".into(),
                xml.replacen(
                    "uniqueCount=\"",
                    &format!("uniqueCount=\"{count}\" x=\""),
                    1,
                ),
            )
        }
        9 => {
            let cut = rng.below(xml.len().max(1));
            let cut = (0..=cut)
                .rev()
                .find(|i| xml.is_char_boundary(*i))
                .unwrap_or(0);
            ("xml truncated".into(), xml[..cut].to_string())
        }
        _ => {
            let rows = 1 + rng.below(5000);
            let row = xml
                .find("<row ")
                .and_then(|s| {
                    xml[s..]
                        .find("</row>")
                        .map(|e| xml[s..s + e + 6].to_string())
                })
                .unwrap_or_default();
            (
                format!("{rows} duplicated rows"),
                replace_nth(
                    xml,
                    "</sheetData>",
                    0,
                    &format!("{}</sheetData>", row.repeat(rows)),
                ),
            )
        }
    }
}

/// One mutated workbook from `seeds`, with what was done to it.
pub fn mutate(seeds: &[Vec<u8>], bomb: &[u8], rng: &mut Rng) -> (String, Vec<u8>) {
    let seed = rng.pick(seeds).clone();
    mutate_zip(seed, bomb, rng)
}

/// What a case is read as: a workbook, or a document of a kind.
#[derive(Clone, Copy, Debug)]
pub enum Input {
    Workbook,
    Document(Kind),
}

impl Input {
    pub fn ext(self) -> &'static str {
        match self {
            Input::Workbook => "xlsx",
            Input::Document(Kind::Docx) => "docx",
            Input::Document(Kind::Html) => "html",
            Input::Document(Kind::Pdf) => "pdf",
        }
    }
}

/// A document seed: its kind, its bytes and the bomb made of it (for a DOCX; else empty).
pub struct DocSeed {
    pub kind: Kind,
    pub bytes: Vec<u8>,
    pub bomb: Vec<u8>,
}

/// One mutated document: a DOCX at the zip and XML level like a workbook, a page in its markup
/// (nesting, entities, tags cut), a PDF in its bytes and its numbers (offsets, lengths, counts).
pub fn mutate_document(seed: &DocSeed, rng: &mut Rng) -> (String, Vec<u8>) {
    let bytes = seed.bytes.clone();
    match seed.kind {
        Kind::Docx => mutate_zip(bytes, &seed.bomb, rng),
        _ if rng.below(3) == 0 => mutate_bytes(bytes, rng),
        Kind::Html => {
            let text = String::from_utf8_lossy(&bytes).to_string();
            let (what, text) = mutate_markup(&text, rng);
            (what, text.into_bytes())
        }
        Kind::Pdf => inflate_number(bytes, rng),
    }
}

/// Truncation or flipped bits: what a broken download does.
fn mutate_bytes(seed: Vec<u8>, rng: &mut Rng) -> (String, Vec<u8>) {
    if rng.below(2) == 0 {
        truncate(seed, rng)
    } else {
        flip(seed, rng)
    }
}

fn truncate(seed: Vec<u8>, rng: &mut Rng) -> (String, Vec<u8>) {
    let at = rng.below(seed.len());
    (format!("truncated at {at}"), seed[..at].to_vec())
}

fn flip(seed: Vec<u8>, rng: &mut Rng) -> (String, Vec<u8>) {
    let mut b = seed;
    let flips = 1 + rng.below(20);
    for _ in 0..flips {
        let i = rng.below(b.len());
        b[i] ^= 1 << rng.below(8);
    }
    (format!("{flips} bits flipped"), b)
}

/// One markup-level mutation of a page.
fn mutate_markup(html: &str, rng: &mut Rng) -> (String, String) {
    let n = rng.below(1000);
    match rng.below(6) {
        0 => {
            let depth = 1 + rng.below(100_000);
            let deep = format!(
                "{}深{}",
                "<td><table><tr>".repeat(depth),
                "</tr></table></td>"
            );
            ("deep tables".into(), replace_nth(html, "<td", n, &deep))
        }
        1 => {
            let span = *rng.pick(&["0", "-1", "65534", "99999999", "1e9", "x"]);
            let attr = *rng.pick(&["rowspan", "colspan"]);
            (
                format!("{attr}={span}"),
                replace_nth(html, "<td", n, &format!("<td {attr}=\"{span}\"")),
            )
        }
        2 => (
            "text".into(),
            replace_nth(html, "<td", n, &format!("<td>{}", nasty_text(rng))),
        ),
        3 => {
            let cut = rng.below(html.len());
            let cut = (0..=cut)
                .rev()
                .find(|i| html.is_char_boundary(*i))
                .unwrap_or(0);
            ("tag cut".into(), format!("{}<", &html[..cut]))
        }
        4 => {
            let charset = *rng.pick(&["gbk", "gb18030", "utf-16", "x-unknown", "big5"]);
            (
                format!("charset {charset}"),
                html.replacen("charset=", &format!("charset={charset} x="), 1),
            )
        }
        _ => {
            let entity = *rng.pick(&["&#0;", "&#x10FFFF;", "&#99999999;", "&nbsp", "&amp;&lt;"]);
            (
                entity.to_string(),
                replace_nth(
                    html,
                    "<td>",
                    n,
                    &format!("<td>{}", entity.repeat(1 + rng.below(5000))),
                ),
            )
        }
    }
}

/// A number of the PDF's syntax (an offset, a /Length, a /Count, a coordinate) made huge,
/// negative or odd.
fn inflate_number(seed: Vec<u8>, rng: &mut Rng) -> (String, Vec<u8>) {
    let starts: Vec<usize> = (1..seed.len())
        .filter(|i| seed[*i].is_ascii_digit() && !seed[i - 1].is_ascii_digit())
        .collect();
    let Some(&at) = starts.get(rng.below(starts.len())) else {
        return mutate_bytes(seed, rng);
    };
    let end = (at..seed.len())
        .find(|i| !seed[*i].is_ascii_digit())
        .unwrap_or(seed.len());
    let with = *rng.pick(&["99999999999", "2147483648", "0", "-1", "1e38", "4294967295"]);
    let mut b = seed[..at].to_vec();
    b.extend_from_slice(with.as_bytes());
    b.extend_from_slice(&seed[end..]);
    (format!("number at {at} → {with}"), b)
}

fn mutate_zip(seed: Vec<u8>, bomb: &[u8], rng: &mut Rng) -> (String, Vec<u8>) {
    // A compound file (.xls) has no parts to swap or XML to edit: bytes only.
    let kinds = if seed.starts_with(b"PK") { 10 } else { 2 };
    match rng.below(kinds) {
        0 => truncate(seed, rng),
        1 => flip(seed, rng),
        2 => {
            let mut p = parts(&seed);
            let (i, j) = (rng.below(p.len()), rng.below(p.len()));
            let (a, b) = (p[i].1.clone(), p[j].1.clone());
            p[i].1 = b;
            p[j].1 = a;
            (format!("parts {i} and {j} swapped"), zip(&p))
        }
        3 => {
            let mut p = parts(&seed);
            let i = rng.below(p.len());
            let name = p.remove(i).0;
            (format!("part {name} dropped"), zip(&p))
        }
        4 => ("declared sizes lie".into(), lie_about_sizes(&seed, rng)),
        5 => ("bomb".into(), bomb.to_vec()),
        _ => {
            let mut p = parts(&seed);
            let xml_parts: Vec<usize> =
                (0..p.len()).filter(|i| p[*i].0.ends_with(".xml")).collect();
            let i = *rng.pick(&xml_parts);
            let text = String::from_utf8_lossy(&p[i].1).to_string();
            let (what, text) = mutate_xml(&text, rng);
            let what = format!("{} in {}", what, p[i].0);
            p[i].1 = text.into_bytes();
            (what, zip(&p))
        }
    }
}

/// Overwrites the uncompressed size of every central-directory entry with a random claim.
fn lie_about_sizes(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut b = bytes.to_vec();
    let mut i = 0;
    while i + 28 <= b.len() {
        if b[i..i + 4] == *b"PK\x01\x02" {
            let claim = *rng.pick(&[0u32, 1, 0x7FFF_FFFF, 0xFFFF_FFFF]);
            b[i + 24..i + 28].copy_from_slice(&claim.to_le_bytes());
        }
        i += 1;
    }
    b
}

/// A sample whose 表三 sheet expands to more than the part limit (about 64 MB of blanks).
pub fn bomb(seed: &[u8]) -> Vec<u8> {
    patch(seed, &sheet_part("表三"), |xml| {
        xml.replacen(
            "<sheetData>",
            &format!("<sheetData>{}", " ".repeat(64 << 20)),
            1,
        )
    })
}

/// The sample's own DOCX, page and PDF as nianbao builds them, and the real documents in
/// circulation (../shared/fixtures/real) where they are present.
pub fn document_seeds(fonts: &FontSet, templates: &Templates) -> Vec<DocSeed> {
    let report = workbook::read_bytes(&seeds()[0]).report;
    let kit = Kit {
        fonts,
        templates,
        formats: &[Format::Pdf, Format::Html, Format::Docx],
        source_date: None,
        programs: &nianbao::pdf::Programs::default(),
    };
    let built = prepare(&report, &kit, false).expect("the sample builds");
    let mut out: Vec<DocSeed> = built
        .outputs
        .into_iter()
        .filter_map(|(format, bytes)| {
            let kind = match format {
                Format::Pdf => Kind::Pdf,
                Format::Html => Kind::Html,
                Format::Docx => Kind::Docx,
                _ => return None,
            };
            Some(DocSeed {
                kind,
                bytes,
                bomb: Vec::new(),
            })
        })
        .collect();
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/real");
    for (name, kind) in [
        ("淮安市人民政府2024.pdf", Kind::Pdf),
        ("政务公开年报模版-WPS.docx", Kind::Docx),
    ] {
        if let Ok(bytes) = std::fs::read(real.join(name)) {
            out.push(DocSeed {
                kind,
                bytes,
                bomb: Vec::new(),
            });
        }
    }
    for seed in out.iter_mut().filter(|s| matches!(s.kind, Kind::Docx)) {
        seed.bomb = patch(&seed.bytes, "word/document.xml", |xml| {
            xml.replacen("<w:body>", &format!("<w:body>{}", " ".repeat(64 << 20)), 1)
        });
    }
    out
}

/// The three sample workbooks of the repository.
pub fn seeds() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("input");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("input/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read(f).expect("a sample"))
        .collect()
}

/// Everything the pipeline does with one workbook, in this process: read, the rules, then the
/// preparation `check` and `build` share, into every format (PDF, XLSX, HTML, fragment, DOCX),
/// as a publishable report and as a draft.
pub fn pipeline(input: Input, bytes: &[u8], fonts: &FontSet, templates: &Templates) {
    let read = match input {
        Input::Workbook => workbook::read_bytes(bytes),
        Input::Document(kind) => document::read_bytes(bytes, kind, "江岚县交通运输局"),
    };
    let ctx = Context::new(Date::new(2026, 2, 1).expect("a date"));
    let _ = rules::check(&read.report, &ctx);
    let kit = Kit {
        fonts,
        templates,
        formats: &Format::ALL,
        source_date: None,
        programs: &nianbao::pdf::Programs::default(),
    };
    for draft in [false, true] {
        let _ = prepare(&read.report, &kit, draft);
    }
}

/// Resident memory now and at its peak since the last reset, in bytes (Linux; 0 elsewhere).
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            * 1024
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

#[derive(Debug)]
pub struct Problem {
    pub case: usize,
    pub what: String,
    pub mutation: String,
    pub file: PathBuf,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub cases: usize,
    pub problems: Vec<Problem>,
    pub slowest: (Duration, String),
    pub most_memory: (u64, String),
}

pub struct Limits {
    pub time: Duration,
    pub memory: u64,
}

/// Runs `n` mutated cases from `seed`, saving offending files in `out`.
pub fn run(n: usize, seed: u64, out: &Path, limits: &Limits, progress: bool) -> Summary {
    std::fs::create_dir_all(out).expect("fuzz output folder");
    let fonts = FontSet::discover(&[], &nianbao::config::Config::default())
        .expect("Chinese fonts (apt-get install fonts-noto-cjk)");
    let templates = Templates::load(None).expect("built-in templates");
    let seeds = seeds();
    let bomb = bomb(&seeds[0]);
    let documents = document_seeds(&fonts, &templates);
    let mut rng = Rng::new(seed);
    let mut summary = Summary::default();
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for case in 0..n {
        // One case in three is a document.
        let (input, (mutation, bytes)) = if rng.below(3) == 0 {
            let seed = rng.pick(&documents);
            (Input::Document(seed.kind), mutate_document(seed, &mut rng))
        } else {
            (Input::Workbook, mutate(&seeds, &bomb, &mut rng))
        };
        let current = out.join(format!("current.{}", input.ext()));
        std::fs::write(&current, &bytes).expect("save the current case");
        let (baseline, _) = memory();
        reset_peak();
        let started = Instant::now();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pipeline(input, &bytes, &fonts, &templates)
        }));
        let took = started.elapsed();
        let (_, peak) = memory();
        let used = peak.saturating_sub(baseline);
        let mut problem = |what: String| {
            let file = out.join(format!("case-{seed}-{case}.{}", input.ext()));
            std::fs::write(&file, &bytes).expect("save the offending case");
            summary.problems.push(Problem {
                case,
                what,
                mutation: mutation.clone(),
                file,
            });
        };
        if let Err(panic) = result {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            problem(format!("panic: {message}"));
        }
        if took > limits.time {
            problem(format!("took {:.2} s", took.as_secs_f64()));
        }
        if used > limits.memory {
            problem(format!("used {} MB", used >> 20));
        }
        if took > summary.slowest.0 {
            summary.slowest = (took, mutation.clone());
        }
        if used > summary.most_memory.0 {
            summary.most_memory = (used, mutation.clone());
        }
        summary.cases += 1;
        if progress && (case + 1) % 500 == 0 {
            eprintln!("{} cases, {} problems", case + 1, summary.problems.len());
        }
    }
    std::panic::set_hook(previous_hook);
    for input in [
        Input::Workbook,
        Input::Document(Kind::Docx),
        Input::Document(Kind::Html),
        Input::Document(Kind::Pdf),
    ] {
        let _ = std::fs::remove_file(out.join(format!("current.{}", input.ext())));
    }
    summary
}
