//! Round trips: the PDF, HTML, DOCX and XLSX nianbao builds, read back, give the report they were
//! built from (every value, every paragraph, the topics); the same for its DOCX converted to PDF by
//! LibreOffice and its HTML printed to PDF by Chromium. For the samples and for generated reports
//! whose figures and prose vary.

use std::path::Path;

use nianbao::input::read_file;
use nianbao::model::{Decimal, Paragraph, Report, TableData, Topic, Value};
use nianbao::schema::{self, Kind, TableId};

use crate::common::*;
use crate::harness::Rng;

fn readback_matches(file: &Path, expected: &Report, prose_exact: bool) {
    let out = read_file(file);
    let what = file.display().to_string();
    assert_same_report(&out.report, expected, &what);
    assert!(
        !out.findings.iter().any(|f| f.is_error()),
        "{what}: {:#?}",
        out.findings
    );
    let flat = |t: &[Topic]| -> Vec<(String, Vec<String>)> {
        t.iter()
            .map(|t| {
                let text = |p: &Paragraph| {
                    // Chromium's Type 3 fonts map this shared glyph to 戶.
                    if prose_exact {
                        p.text.clone()
                    } else {
                        p.text.replace('戶', "户")
                    }
                };
                (t.title.clone(), t.paragraphs.iter().map(text).collect())
            })
            .collect()
    };
    for key in schema::PROSE_SECTIONS {
        let (a, b) = (&expected.text[key], &out.report.text[key]);
        assert_eq!(flat(b), flat(a), "{what} {key}");
    }
}

/// Every report of the workspace, read from its input workbook, against what was built from it:
/// the outputs themselves, LibreOffice's PDF of each DOCX and Chromium's print of each page.
fn everything_reads_back(ws: &Path, dir: &Path) {
    let lo = tempfile::tempdir().unwrap();
    let mut inputs: Vec<_> = std::fs::read_dir(ws.join("input"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    inputs.sort();
    let expected: Vec<Report> = inputs.iter().map(|p| read_file(p).report).collect();
    let docx: Vec<_> = expected
        .iter()
        .map(|r| dir.join(format!("{}.docx", r.info.agency)))
        .collect();
    let converted = soffice_pdfs(&docx, lo.path(), &lo.path().join("profile"));
    for (report, converted) in expected.iter().zip(&converted) {
        let agency = &report.info.agency;
        for ext in ["pdf", "html", "片段.html", "docx", "xlsx"] {
            readback_matches(&dir.join(format!("{agency}.{ext}")), report, true);
        }
        readback_matches(converted, report, true);
        let printed = lo.path().join(format!("{agency}-chromium.pdf"));
        chromium_print(&dir.join(format!("{agency}.html")), &printed);
        readback_matches(&printed, report, false);
    }
}

#[test]
fn a_printed_number_that_runs_into_the_next_cell_is_not_read_as_either() {
    let mut report = sample_reports().remove(0);
    put(
        &mut report.t4,
        TableId::T4,
        "cases",
        "direct_corrected",
        32387,
    );
    compute_totals(&mut report.t4, TableId::T4);
    let built = workspace_of(&[report.clone()]);
    let (code, _, err) = run(built.path(), &["build"]);
    assert_eq!(code, 0, "{err}");
    // A portal whose stylesheet fixes the columns' widths: the number is wider than its column.
    let page = built.path().join("output/2025/江岚县交通运输局.html");
    let html = std::fs::read_to_string(&page).unwrap();
    let fixed = built.path().join("fixed.html");
    std::fs::write(
        &fixed,
        html.replace("table-layout:auto", "table-layout:fixed"),
    )
    .unwrap();
    let ws = tempfile::tempdir().unwrap();
    std::fs::create_dir(ws.path().join("input")).unwrap();
    chromium_print(&fixed, &ws.path().join("input/江岚县交通运输局.pdf"));
    let found = findings_of(ws.path(), &[]);
    let d5 = first_of(&found, "D5");
    let message = d5["message"].as_str().unwrap();
    assert!(
        message.contains("32387") && message.contains("页表格第"),
        "{message}"
    );
    pin(d5);
    // As nianbao prints the page itself, every number stays in its cell.
    let own = ws.path().join("own.pdf");
    chromium_print(&page, &own);
    readback_matches(
        &own,
        &read_file(&built.path().join("input/江岚县交通运输局.xlsx")).report,
        false,
    );
}

#[test]
fn the_samples_read_back_from_every_format_they_are_built_in() {
    let (ws, _, dir) = samples_built_with(&["--docx", "--html-fragment"]);
    everything_reads_back(ws.path(), &dir);
}

const DEPARTMENTS: [&str; 8] = [
    "自然资源局",
    "卫生健康局",
    "教育局",
    "民政局",
    "水利局",
    "市场监督管理局",
    "生态环境分局",
    "住房和城乡建设局",
];
const TOWNS: [&str; 4] = [
    "白沙镇人民政府",
    "云溪乡人民政府",
    "东城街道办事处",
    "龙潭镇人民政府",
];
const TOPICS: [&str; 5] = [
    "主动公开",
    "依申请公开",
    "政府信息管理",
    "政府信息公开平台建设",
    "监督保障",
];

/// A count as offices report them: often none, mostly a few, sometimes thousands.
fn count(rng: &mut Rng) -> i64 {
    match rng.below(10) {
        0..=3 => 0,
        4..=7 => rng.below(40) as i64,
        8 => rng.below(1000) as i64,
        _ => rng.below(100_000) as i64,
    }
}

fn put(data: &mut TableData, id: TableId, row: &str, col: &str, n: i64) {
    set(data, id, row, col, Value::Number(Decimal::from_int(n)));
}

/// Every field of 表二 and 表四 filled (the fee in 万元 with cents), the totals summed.
fn fill_flat(data: &mut TableData, id: TableId, rng: &mut Rng) {
    for f in schema::table(id).fields.iter().filter(|f| !f.is_total) {
        let value = match f.kind {
            Kind::Money => {
                let cents = rng.below(1_000_000);
                Decimal::parse(&format!("{}.{:02}", cents / 100, cents % 100)).unwrap()
            }
            _ => Decimal::from_int(count(rng)),
        };
        data.values.insert((f.row, f.col), Value::Number(value));
    }
    compute_totals(data, id);
}

/// 表三 that balances (一 + 二 = 三（七） + 四) in every applicant column: what was received is
/// spread over the outcomes and what is carried over.
fn fill_t3(data: &mut TableData, rng: &mut Rng) {
    let table = schema::table(TableId::T3);
    let fixed = ["new", "carried_in", "total", "carried_out"];
    for col in schema::t3_applicants() {
        let (new, carried_in) = (count(rng) % 5000, rng.below(20) as i64);
        let carried_out = rng.below((new + carried_in) as usize / 4 + 1) as i64;
        put(data, TableId::T3, "new", col, new);
        put(data, TableId::T3, "carried_in", col, carried_in);
        put(data, TableId::T3, "carried_out", col, carried_out);
        let outcomes: Vec<&str> = table
            .fields
            .iter()
            .filter(|f| f.col == col && !f.is_total && !fixed.contains(&f.row))
            .map(|f| f.row)
            .collect();
        let mut left = new + carried_in - carried_out;
        for row in &outcomes {
            let n = rng.below(left as usize / 2 + 1) as i64;
            put(data, TableId::T3, row, col, n);
            left -= n;
        }
        let last = rng.pick(&outcomes);
        put(data, TableId::T3, last, col, data.int(last, col) + left);
    }
    compute_totals(data, TableId::T3);
}

/// 1–5 sentences of the corpus as one paragraph: a line, or most of a page.
fn paragraph(rng: &mut Rng, lines: &[String]) -> Paragraph {
    let text = (0..1 + rng.below(5))
        .map(|_| rng.pick(lines).as_str())
        .collect();
    Paragraph { text, source: None }
}

fn paragraphs(rng: &mut Rng, lines: &[String], most: usize) -> Vec<Paragraph> {
    (0..1 + rng.below(most))
        .map(|_| paragraph(rng, lines))
        .collect()
}

/// The sample's details with another agency's name, figures and prose.
fn generated(i: usize, rng: &mut Rng, lines: &[String]) -> Report {
    let mut report = sample_reports().remove(0);
    report.info.agency = if i % 3 == 2 {
        format!("江岚县{}", TOWNS[i / 3 % TOWNS.len()])
    } else {
        format!("江岚县{}", DEPARTMENTS[i % DEPARTMENTS.len()])
    };
    report.t2 = TableData::default();
    report.t3 = TableData::default();
    report.t4 = TableData::default();
    fill_flat(&mut report.t2, TableId::T2, rng);
    fill_t3(&mut report.t3, rng);
    fill_flat(&mut report.t4, TableId::T4, rng);
    // Some of the five topics of 总体情况, in order; at least one.
    let mut overview = Vec::new();
    for (k, title) in TOPICS.iter().enumerate() {
        if rng.below(4) != 0 || (k + 1 == TOPICS.len() && overview.is_empty()) {
            overview.push(Topic {
                title: title.to_string(),
                paragraphs: paragraphs(rng, lines, 3),
            });
        }
    }
    report.text.insert("overview".into(), overview);
    for key in ["problems", "other"] {
        let topic = Topic {
            title: String::new(),
            paragraphs: paragraphs(rng, lines, 4),
        };
        report.text.insert(key.into(), vec![topic]);
    }
    report
}

#[test]
fn generated_reports_read_back_from_every_format_they_are_built_in() {
    let lines = corpus("prose.txt");
    let mut rng = Rng::new(0x6e69_616e_6261_6f31);
    let reports: Vec<Report> = (0..6).map(|i| generated(i, &mut rng, &lines)).collect();
    let ws = workspace_of(&reports);
    // The prose quotes the sample's figures, which these tables do not hold (T1 warns).
    let (code, _, err) = run(ws.path(), &["build", "--docx", "--html-fragment"]);
    assert_eq!(code, 0, "{err}");
    for report in &reports {
        let path = ws.path().join(format!("input/{}.xlsx", report.info.agency));
        assert_same_report(&read_file(&path).report, report, "输入工作簿");
    }
    everything_reads_back(ws.path(), &ws.path().join("output/2025"));
}
