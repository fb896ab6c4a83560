//! Test support: reports from TOML sources, workbooks written with the crate's own writer, and
//! the real binary run in a scratch folder.
#![allow(dead_code)]

pub mod pdf;

use std::path::{Path, PathBuf};
use std::process::Command;

use nianbao::model::{Date, Decimal, Info, Paragraph, Report, TableData, Topic, Value};
use nianbao::schema::{self, TableId};
use nianbao::workbook::blank;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample_sources() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("tests/fixtures/samples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// A report from a sample's TOML source; 总计 cells are computed from their addends.
pub fn report_from_toml(path: &Path) -> Report {
    let text = std::fs::read_to_string(path).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    let info = doc["info"].as_table().unwrap();
    let s = |k: &str| {
        info.get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    let published = info
        .get("published")
        .and_then(|v| v.as_str())
        .and_then(parse_cn_date);
    let mut report = Report {
        info: Info {
            agency: s("agency"),
            year: info
                .get("year")
                .and_then(|v| v.as_integer())
                .map(|y| y as i32),
            year_text: String::new(),
            kind: s("kind"),
            scope: s("scope"),
            published,
            published_text: published.map(|d| d.chinese()).unwrap_or_default(),
            address: s("address"),
            postcode: s("postcode"),
            phone: s("phone"),
            email: s("email"),
            website: s("website"),
            cells: Default::default(),
        },
        ..Report::default()
    };
    for entry in doc["text"].as_array().unwrap() {
        let section = entry["section"].as_str().unwrap().to_string();
        let topic = Topic {
            title: entry
                .get("topic")
                .and_then(|t| t.as_str())
                .unwrap_or("")
                .to_string(),
            paragraphs: entry["paragraphs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| Paragraph {
                    text: p.as_str().unwrap().to_string(),
                    source: None,
                })
                .collect(),
        };
        report.text.entry(section).or_default().push(topic);
    }
    fill_t2(&mut report.t2, doc["t2"].as_table().unwrap());
    fill_rows(&mut report.t3, TableId::T3, doc["t3"].as_table().unwrap());
    fill_t4(&mut report.t4, doc["t4"].as_table().unwrap());
    for id in [TableId::T2, TableId::T3, TableId::T4] {
        compute_totals(report.table_mut(id), id);
        report.table_mut(id).complete = true;
    }
    report
}

fn parse_cn_date(s: &str) -> Option<Date> {
    let nums: Vec<i64> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().unwrap())
        .collect();
    Date::new(nums[0] as i32, nums[1] as u32, nums[2] as u32)
}

fn number(v: &toml::Value) -> Value {
    match v {
        toml::Value::Integer(i) => Value::Number(Decimal::from_int(*i)),
        toml::Value::String(s) => Value::Number(Decimal::parse(s).unwrap()),
        other => panic!("not a number: {other}"),
    }
}

pub fn set(data: &mut TableData, id: TableId, row: &str, col: &str, value: Value) {
    let t = schema::table(id);
    let (_, f) = t
        .field(row, col)
        .unwrap_or_else(|| panic!("no field {row}/{col}"));
    data.values.insert((f.row, f.col), value);
}

fn fill_t2(data: &mut TableData, t: &toml::Table) {
    let table = schema::table(TableId::T2);
    for (row, values) in t {
        let cols: Vec<&str> = table
            .fields
            .iter()
            .filter(|f| f.row == row)
            .map(|f| f.col)
            .collect();
        for (col, v) in cols.iter().zip(values.as_array().unwrap()) {
            set(data, TableId::T2, row, col, number(v));
        }
    }
}

fn fill_rows(data: &mut TableData, id: TableId, t: &toml::Table) {
    let cols = schema::t3_applicants();
    for (row, values) in t {
        for (col, v) in cols.iter().zip(values.as_array().unwrap()) {
            set(data, id, row, col, number(v));
        }
    }
}

fn fill_t4(data: &mut TableData, t: &toml::Table) {
    for (block, values) in t {
        for ((outcome, _), v) in schema::T4_OUTCOMES.iter().zip(values.as_array().unwrap()) {
            set(
                data,
                TableId::T4,
                schema::T4_ROW,
                schema::t4_col(block, outcome),
                number(v),
            );
        }
    }
}

/// Sets every 总计 to the sum of its addends (row totals first, so 总计/总计 is right).
pub fn compute_totals(data: &mut TableData, id: TableId) {
    let t = schema::table(id);
    let mut order: Vec<usize> = (0..t.fields.len())
        .filter(|i| t.fields[*i].is_total)
        .collect();
    order.sort_by_key(|i| (t.fields[*i].col == "total") as u8);
    for i in order {
        let sum: i64 = t
            .addends(i)
            .unwrap()
            .iter()
            .map(|j| {
                let f = &t.fields[*j];
                data.int(f.row, f.col)
            })
            .sum();
        let f = &t.fields[i];
        data.values
            .insert((f.row, f.col), Value::Number(Decimal::from_int(sum)));
    }
}

/// Every field of the three tables holds the same value in both reports.
pub fn assert_same_values(got: &Report, expected: &Report, context: &str) {
    for table in schema::tables() {
        for f in &table.fields {
            assert_eq!(
                got.table(table.id).get(f.row, f.col),
                expected.table(table.id).get(f.row, f.col),
                "{context} {} {}/{}",
                table.sheet,
                f.row,
                f.col
            );
        }
    }
}

/// The same agency, year and table values.
pub fn assert_same_report(got: &Report, expected: &Report, what: &str) {
    assert_eq!(got.info.agency, expected.info.agency, "{what}");
    assert_eq!(got.info.year, expected.info.year, "{what}");
    assert_same_values(got, expected, what);
}

/// The lines of a corpus under tests/fixtures/corpus, without comments and blank lines.
pub fn corpus(name: &str) -> Vec<String> {
    std::fs::read_to_string(repo().join("tests/fixtures/corpus").join(name))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// `files` (workbooks or documents) converted to PDF by LibreOffice into `dir`, with its own
/// `profile` (instances sharing one refuse to start beside each other): the PDFs, in order.
pub fn soffice_pdfs(files: &[PathBuf], dir: &Path, profile: &Path) -> Vec<PathBuf> {
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .args(files)
        .output()
        .expect("LibreOffice (soffice) must be installed (.ci/run installs its Writer and Calc)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    files
        .iter()
        .map(|f| {
            let pdf = dir.join(f.with_extension("pdf").file_name().unwrap());
            assert!(
                pdf.is_file(),
                "{}: {}",
                f.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            pdf
        })
        .collect()
}

/// `html` printed to `pdf` by headless Chromium, as a reader's browser prints it.
pub fn chromium_print(html: &Path, pdf: &Path) {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium must be installed (.ci/run installs it)");
    assert!(
        out.status.success() && pdf.is_file(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The input workbook for `report`, as the crate writes it.
pub fn workbook_bytes(report: &Report) -> Vec<u8> {
    blank::write_input(report).unwrap()
}

/// `report` as another agency's, with a 总计 that does not add up (an R1 error): the workbook
/// an office sends back for correction.
pub fn wrongly_totalled(mut report: Report, agency: &str) -> Report {
    report.info.agency = agency.to_string();
    set(
        &mut report.t3,
        TableId::T3,
        "new",
        "total",
        Value::Number(Decimal::from_int(99)),
    );
    report
}

/// A temporary folder with `input/<agency>.xlsx` for each report.
pub fn workspace_of(reports: &[Report]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("input")).unwrap();
    for r in reports {
        std::fs::write(
            dir.path().join(format!("input/{}.xlsx", r.info.agency)),
            workbook_bytes(r),
        )
        .unwrap();
    }
    dir
}

/// The three sample agencies' reports, from their TOML sources.
pub fn sample_reports() -> Vec<Report> {
    sample_sources()
        .iter()
        .map(|p| report_from_toml(p))
        .collect()
}

/// The three sample reports built by `nianbao build <extra>`: the workspace, the reports and
/// their year folder.
pub fn samples_built_with(extra: &[&str]) -> (tempfile::TempDir, Vec<Report>, PathBuf) {
    let reports: Vec<Report> = sample_sources()
        .iter()
        .map(|p| report_from_toml(p))
        .collect();
    let ws = workspace_of(&reports);
    let args: Vec<&str> = std::iter::once("build")
        .chain(extra.iter().copied())
        .collect();
    let (code, _, err) = run(ws.path(), &args);
    assert_eq!(code, 0, "{err}");
    let dir = ws.path().join("output/2025");
    (ws, reports, dir)
}

/// The binary, as of 1 February 2026 (the fixtures' reports are for 2025).
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_nianbao"));
    c.env("NIANBAO_TODAY", "2026-02-01");
    c
}

/// Runs the binary in `dir`; returns (exit code, stdout, stderr).
pub fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = bin().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// What `pdftotext <mode> -enc UTF-8` prints for a PDF (`-raw`, `-bbox` …).
pub fn pdftotext(pdf: &Path, mode: &str) -> String {
    let out = Command::new("pdftotext")
        .args([mode, "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed for the PDF tests");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Text of a PDF by `pdftotext -raw`, with white space removed (CJK text has none of its own).
pub fn pdf_text(pdf: &Path) -> String {
    squeeze(&pdftotext(pdf, "-raw"))
}

pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Pins a finding (as `check --format json` prints it) as its code's documented example: its
/// message and hints are exactly what docs/rules.md shows for the code (the registry), no
/// message says what to do (that is the hints' place), and what the clerk reads is snapshot
/// (`snapshots/integration__common__<code>.snap`). Each code's fixture calls it once.
pub fn pin(f: &serde_json::Value) {
    let code = f["code"].as_str().expect("a code");
    let message = f["message"].as_str().expect("a message");
    let hints: Vec<&str> = f["hints"]
        .as_array()
        .expect("hints")
        .iter()
        .map(|h| h["text"].as_str().expect("a hint's text"))
        .collect();
    // Updating the registry after a message changed: NIANBAO_PIN_LOG=file collects what the
    // fixtures give (scripts/pin-examples.py writes it into src/finding/codes.rs).
    if let Ok(log) = std::env::var("NIANBAO_PIN_LOG") {
        use std::io::Write as _;
        let line = serde_json::json!({ "code": code, "message": message, "hints": hints });
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .expect("the pin log opens");
        writeln!(file, "{line}").expect("the pin log is written");
        return;
    }
    let rule = nianbao::finding::codes::RULES
        .iter()
        .find(|r| r.code.to_string() == code)
        .expect("a registered code");
    assert!(
        !nianbao::finding::mixes_advice(message),
        "{code}: the message says what to do; move it to a hint:\n  {message}"
    );
    assert_eq!(
        (message, hints.as_slice()),
        (rule.example, rule.hints),
        "{code}: the registry's example (docs/rules.md) is not what its fixture gives"
    );
    let severity = match f["severity"].as_str() {
        Some("error") => "错误",
        Some("warning") => "警告",
        _ => "提示",
    };
    let mut shown = format!("{severity}[{code}] {}\n    {message}\n", place(f));
    for h in &hints {
        shown.push_str(&format!("    怎么改：{h}\n"));
    }
    insta::assert_snapshot!(code.to_string(), shown);
}

/// `[表三]!D6:D30` of a finding, without its (temporary) file.
fn place(f: &serde_json::Value) -> String {
    match (f["sheet"].as_str(), f["cell"].as_str()) {
        (Some(s), Some(c)) => format!("[{s}]!{c}"),
        (Some(s), None) => format!("[{s}]"),
        _ => String::new(),
    }
}

/// The findings of `nianbao check --format json <args>` in `dir`.
pub fn findings_of(dir: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let (_, out, err) = run(dir, &all);
    let parsed: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    parsed.as_array().cloned().unwrap_or_default()
}

/// The first finding with `code`.
pub fn first_of<'a>(findings: &'a [serde_json::Value], code: &str) -> &'a serde_json::Value {
    findings
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {findings:#?}"))
}

/// Every file below `dir` with its bytes, by path relative to it.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(d: &Path, root: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, root, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}
