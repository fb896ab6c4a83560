//! Reports as documents: the real files in circulation, the WPS template filled in the test,
//! nianbao's own PDF, HTML and DOCX read back (also through LibreOffice and Chromium), documents
//! that are not reports, and hostile ones.

use std::io::Write as _;
use std::path::PathBuf;

use nianbao::input::read_file;
use nianbao::model::{Decimal, Report, Value};
use nianbao::schema::{self, TableId};

use crate::common::*;

fn real(name: &str) -> PathBuf {
    repo().join("../shared/fixtures/real").join(name)
}

fn codes(findings: &[nianbao::finding::Finding]) -> Vec<String> {
    findings.iter().map(|f| f.code.to_string()).collect()
}

/// My transcription of 淮安市人民政府2024.pdf, checked against the printed pages 3–5: 表三 row by
/// row (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计).
const HUAIAN_T3: [(&str, [i64; 7]); 25] = [
    ("new", [3001, 53, 0, 0, 61, 4, 3119]),
    ("carried_in", [34, 0, 0, 0, 0, 0, 34]),
    ("open", [1288, 21, 0, 0, 50, 3, 1362]),
    ("partial", [447, 7, 0, 0, 0, 0, 454]),
    ("secret", [2, 0, 0, 0, 0, 0, 2]),
    ("prohibited", [30, 1, 0, 0, 0, 0, 31]),
    ("security", [5, 0, 0, 0, 0, 0, 5]),
    ("third_party", [6, 0, 0, 0, 0, 0, 6]),
    ("internal", [7, 1, 0, 0, 0, 0, 8]),
    ("process", [12, 0, 0, 0, 0, 0, 12]),
    ("enforcement", [9, 0, 0, 0, 0, 0, 9]),
    ("query", [105, 0, 0, 0, 0, 0, 105]),
    ("not_held", [746, 12, 0, 0, 10, 1, 769]),
    ("needs_creation", [11, 0, 0, 0, 0, 0, 11]),
    ("unclear", [1, 0, 0, 0, 0, 0, 1]),
    ("petition", [56, 6, 0, 0, 0, 0, 62]),
    ("repeated", [25, 0, 0, 0, 0, 0, 25]),
    ("publication", [0, 0, 0, 0, 0, 0, 0]),
    ("vexatious", [0, 0, 0, 0, 0, 0, 0]),
    ("confirm", [1, 0, 0, 0, 0, 0, 1]),
    ("no_correction", [67, 3, 0, 0, 1, 0, 71]),
    ("unpaid", [6, 0, 0, 0, 0, 0, 6]),
    ("misc", [108, 2, 0, 0, 0, 0, 110]),
    ("total", [2932, 53, 0, 0, 61, 4, 3050]),
    ("carried_out", [103, 0, 0, 0, 0, 0, 103]),
];
const T3_COLS: [&str; 7] = [
    "natural",
    "business",
    "research",
    "nonprofit",
    "legal",
    "other",
    "total",
];
/// 表四: 行政复议 (维持, 纠正, 其他, 尚未审结, 总计), 未经复议直接起诉 (…), 复议后起诉 (…).
const HUAIAN_T4: [i64; 15] = [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20];

fn int(report: &Report, id: TableId, row: &str, col: &str) -> Value {
    let table = schema::table(id);
    let (_, f) = table.field(row, col).unwrap();
    report.table(id).get(f.row, f.col).clone()
}

fn n(v: i64) -> Value {
    Value::Number(Decimal::from_int(v))
}

#[test]
fn the_published_huaian_pdf_reads_cell_by_cell() {
    let out = read_file(&real("淮安市人民政府2024.pdf"));
    let r = &out.report;
    assert_eq!(r.info.agency, "淮安市人民政府");
    assert_eq!(r.info.year, Some(2024));
    assert_eq!(r.info.phone, "0517-83605210");
    for (row, values) in HUAIAN_T3 {
        for (col, v) in T3_COLS.iter().zip(values) {
            assert_eq!(int(r, TableId::T3, row, col), n(v), "表三 {row}/{col}");
        }
    }
    let t4 = schema::table(TableId::T4);
    for (f, v) in t4.fields.iter().zip(HUAIAN_T4) {
        assert_eq!(r.t4.get(f.row, f.col), &n(v), "表四 {}", f.col);
    }
    let t2 = [
        ("rules", "issued", 1),
        ("rules", "repealed", 0),
        ("rules", "in_force", 11),
        ("normative", "issued", 8),
        ("normative", "repealed", 26),
        ("normative", "in_force", 66),
        ("licensing", "decisions", 447228),
        ("penalty", "decisions", 3985758),
        ("coercion", "decisions", 88283),
    ];
    for (row, col, v) in t2 {
        assert_eq!(int(r, TableId::T2, row, col), n(v), "表二 {row}/{col}");
    }
    assert_eq!(
        int(r, TableId::T2, "fees", "amount"),
        Value::Number(Decimal::parse("96171.6").unwrap())
    );
    // The five topics of 一 as the report titles them, each paragraph whole across page breaks.
    let topics: Vec<&str> = r.text["overview"]
        .iter()
        .map(|t| t.title.as_str())
        .collect();
    assert_eq!(
        topics,
        [
            "",
            "主动公开情况",
            "依申请公开情况",
            "政府信息管理情况",
            "政府信息公开平台建设情况",
            "政府信息公开监督保障情况"
        ]
    );
    let platform = &r.text["overview"][4].paragraphs;
    assert_eq!(platform.len(), 1);
    assert!(
        platform[0]
            .text
            .contains("将栏目不更新、政策解读不通俗易懂")
    );
    assert!(!platform[0].text.contains("-2-"));
    assert_eq!(r.text["problems"][0].paragraphs.len(), 2);
    // Only the three labels the report writes 1、 instead of 1. are near misses.
    assert_eq!(
        codes(&out.findings),
        ["V2", "V2", "V2"],
        "{:#?}",
        out.findings
    );
    assert!(
        out.findings[0]
            .cell
            .as_deref()
            .unwrap()
            .starts_with("第5页表格第")
    );
}

/// The WPS template's `word/document.xml` with every value cell of the three tables filled, in
/// the printed order, from `report`, its title and its 「（文字描述）」 placeholders replaced.
fn fill_template(report: &Report, revise: bool) -> Vec<u8> {
    let bytes = std::fs::read(real("政务公开年报模版-WPS.docx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    let title = format!(
        "{}{}年政府信息公开工作年度报告",
        report.info.agency,
        report.info.year.unwrap()
    );
    xml = xml.replacen("政府信息公开工作年度报告格式模板", &title, 1);
    for (i, key) in ["overview", "problems", "other"].iter().enumerate() {
        let text = &report.text[*key][0].paragraphs[0].text;
        let placeholder = if i == 2 {
            "（文字描述，收取信息处理费情况在此处报告。）"
        } else {
            "（文字描述）"
        };
        xml = xml.replacen(placeholder, text, 1);
    }
    let mut out = String::new();
    let mut rest = xml.as_str();
    let mut revised = false;
    for id in [TableId::T2, TableId::T3, TableId::T4] {
        let start = rest.find("<w:tbl>").unwrap();
        let end = rest.find("</w:tbl>").unwrap() + "</w:tbl>".len();
        out.push_str(&rest[..start]);
        let table = schema::table(id);
        let values: Vec<String> = table
            .fields
            .iter()
            .map(|f| nianbao::model::display_value(report.table(id).get(f.row, f.col), f.kind))
            .collect();
        let mut values = values.into_iter();
        let mut tbl = &rest[start..end];
        while let Some(s) = tbl.find("<w:tc>") {
            let e = tbl.find("</w:tc>").unwrap() + "</w:tc>".len();
            out.push_str(&tbl[..s]);
            let cell = &tbl[s..e];
            let text = run_text(cell);
            let empty = text.trim_matches([' ', '\u{3000}']).is_empty();
            if empty && !cell.contains("w:val=\"continue\"") {
                let v = values.next().expect("more value cells than fields");
                let run = if revise && !revised {
                    revised = true;
                    format!(
                        "<w:del w:id=\"90\" w:author=\"审核\"><w:r><w:delText>9999</w:delText></w:r></w:del><w:ins w:id=\"91\" w:author=\"审核\"><w:r><w:t>{v}</w:t></w:r></w:ins>"
                    )
                } else {
                    format!("<w:r><w:t>{v}</w:t></w:r>")
                };
                let p = cell.rfind("</w:p>").unwrap();
                // Drop the ideographic spaces WPS leaves in some blank cells.
                let head = cell[..p].replace("\u{3000}", "");
                out.push_str(&head);
                out.push_str(&run);
                out.push_str(&cell[p..]);
            } else {
                out.push_str(cell);
            }
            tbl = &tbl[e..];
        }
        out.push_str(tbl);
        assert!(values.next().is_none(), "{} has cells left", table.sheet);
        rest = &rest[end..];
    }
    out.push_str(rest);
    repack(&bytes, &out)
}

/// The text of a cell's `<w:t>` runs (not `<w:tc>`, `<w:tbl>` or `<w:tcPr>`).
fn run_text(cell: &str) -> String {
    let mut text = String::new();
    let mut rest = cell;
    while let Some(i) = rest.find("<w:t") {
        rest = &rest[i + 4..];
        if !(rest.starts_with('>') || rest.starts_with(' ')) {
            continue;
        }
        let Some((_, t)) = rest.split_once('>') else {
            break;
        };
        if let Some((t, _)) = t.split_once("</w:t>") {
            text.push_str(t);
        }
    }
    text
}

/// The same package with `document.xml` replaced.
fn repack(original: &[u8], document: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(original)).unwrap();
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            w.start_file(&name, opts).unwrap();
            if name == "word/document.xml" {
                w.write_all(document.as_bytes()).unwrap();
            } else {
                std::io::copy(&mut f, &mut w).unwrap();
            }
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}

fn sample() -> Report {
    sample_reports().remove(0)
}

#[test]
fn the_wps_template_filled_reads_exactly() {
    let report = sample();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("填好的模板.docx");
    std::fs::write(&file, fill_template(&report, false)).unwrap();
    let out = read_file(&file);
    assert_same_report(&out.report, &report, "WPS 模板");
    assert!(
        !out.findings.iter().any(|f| f.is_error()),
        "{:#?}",
        out.findings
    );
    assert_eq!(
        out.report.text["overview"][0].paragraphs[0].text,
        report.text["overview"][0].paragraphs[0].text
    );
}

#[test]
fn tracked_changes_are_read_as_accepted_and_said() {
    let report = sample();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("修订.docx"), fill_template(&report, true)).unwrap();
    let out = read_file(&dir.path().join("修订.docx"));
    assert_same_report(&out.report, &report, "修订");
    let f = out
        .findings
        .iter()
        .find(|f| f.code.to_string() == "D3")
        .unwrap();
    assert!(f.message.contains("第1个表格"), "{}", f.message);
    // In a batch, as a clerk sees it.
    std::fs::create_dir(dir.path().join("input")).unwrap();
    std::fs::rename(
        dir.path().join("修订.docx"),
        dir.path().join("input/修订.docx"),
    )
    .unwrap();
    let found = findings_of(dir.path(), &[]);
    let d3 = first_of(&found, "D3");
    pin(d3);
}

/// The `word/document.xml` of a DOCX.
fn document_xml(docx: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    xml
}

/// The byte ranges of the `<w:tr>` rows of `xml`, with each row's text.
fn rows(xml: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(s) = xml[at..].find("<w:tr").map(|i| i + at) {
        let e = xml[s..].find("</w:tr>").unwrap() + s + "</w:tr>".len();
        out.push((s, e, run_text(&xml[s..e])));
        at = e;
    }
    out
}

#[test]
fn the_template_saved_with_the_2019_table_reads_with_one_finding() {
    let report = sample();
    let docx = fill_template(&report, false);
    let xml = document_xml(&docx);
    let rows = rows(&xml);
    let first = rows
        .iter()
        .position(|r| r.2.contains("（六）其他处理"))
        .unwrap();
    let total = rows
        .iter()
        .position(|r| r.2.contains("（七）总计"))
        .unwrap();
    assert_eq!(total, first + 3);
    // The 2019 table: （六）其他处理 one row across both label columns, as （七）总计 is drawn.
    let drawn = xml[rows[total].0..rows[total].1].replace("（七）总计", "（六）其他处理");
    // Its figures, column by column in the order they are drawn.
    let mut one = String::new();
    let mut rest = drawn.as_str();
    for col in schema::t3_applicants().into_iter().chain(["total"]) {
        let old = format!("<w:t>{}</w:t>", report.t3.int("total", col));
        let sum: i64 = ["no_correction", "unpaid", "misc"]
            .iter()
            .map(|r| report.t3.int(r, col))
            .sum();
        let at = rest.find(&old).unwrap();
        one.push_str(&rest[..at]);
        one.push_str(&format!("<w:t>{sum}</w:t>"));
        rest = &rest[at + old.len()..];
    }
    one.push_str(rest);
    let edited = format!("{}{one}{}", &xml[..rows[first].0], &xml[rows[total].0..]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("2019表格.docx");
    std::fs::write(&file, repack(&docx, &edited)).unwrap();
    let out = read_file(&file);
    assert_eq!(codes(&out.findings), ["V2"], "{:#?}", out.findings);
    assert!(out.findings[0].message.contains("2019年试行格式"));
    for col in schema::t3_applicants() {
        let sum: i64 = ["no_correction", "unpaid", "misc"]
            .iter()
            .map(|r| report.t3.int(r, col))
            .sum();
        assert_eq!(out.report.t3.int("misc", col), sum, "{col}");
        assert_eq!(out.report.t3.int("no_correction", col), 0, "{col}");
    }
}

#[test]
fn a_table_the_author_split_in_two_reads_as_one() {
    let report = sample();
    let docx = fill_template(&report, false);
    let xml = document_xml(&docx);
    let tbl_start = |before: usize| xml[..before].rfind("<w:tbl>").unwrap();
    // Split 表三 before 四、结转下年度继续办理 and again inside 三、本年度办理结果 (its merged
    // first column continued in the second part), an empty paragraph between the parts.
    for label in ["四、结转下年度继续办理", "（四）无法提供"] {
        let rows = rows(&xml);
        let row = rows.iter().find(|r| r.2.contains(label)).unwrap();
        let start = tbl_start(row.0);
        let head_end = xml[start..].find("<w:tr").unwrap() + start;
        let props = &xml[start + "<w:tbl>".len()..head_end];
        let edited = format!(
            "{}</w:tbl><w:p/><w:tbl>{props}{}",
            &xml[..row.0],
            &xml[row.0..]
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("拆开的表.docx");
        std::fs::write(&file, repack(&docx, &edited)).unwrap();
        let out = read_file(&file);
        assert_same_report(&out.report, &report, label);
        assert!(
            !out.findings.iter().any(|f| f.is_error()),
            "{label}: {:#?}",
            out.findings
        );
    }
}

#[test]
fn a_folder_of_documents_is_checked_and_built_like_workbooks() {
    let report = sample();
    let ws = tempfile::tempdir().unwrap();
    std::fs::create_dir(ws.path().join("input")).unwrap();
    std::fs::write(
        ws.path().join("input/交通运输局.docx"),
        fill_template(&report, false),
    )
    .unwrap();
    std::fs::copy(
        real("淮安市人民政府2024.pdf"),
        ws.path().join("input/淮安市人民政府2024.pdf"),
    )
    .unwrap();
    let (code, _, err) = run(ws.path(), &["build"]);
    assert_eq!(code, 0, "{err}");
    let built = ws
        .path()
        .join(format!("output/2025/{}.pdf", report.info.agency));
    assert!(built.exists(), "{err}");
    assert!(ws.path().join("output/2024/淮安市人民政府.xlsx").exists());
    // The PDF built from the published one holds the same tables.
    let again = read_file(&ws.path().join("output/2024/淮安市人民政府.pdf"));
    let first = read_file(&real("淮安市人民政府2024.pdf"));
    assert_same_values(&again.report, &first.report, "淮安 again");
}

#[test]
fn last_years_published_pdf_serves_the_cross_year_checks() {
    let (_ws, reports, dir) = samples_built_with(&[]);
    let mut next = reports[0].clone();
    next.info.year = Some(2026);
    // 二、上年结转 that is not last year's 四、结转下年度继续办理.
    set(
        &mut next.t3,
        TableId::T3,
        "carried_in",
        "natural",
        Value::Number(Decimal::from_int(40)),
    );
    compute_totals(&mut next.t3, TableId::T3);
    let ws = workspace_of(&[next.clone()]);
    let prev = tempfile::tempdir().unwrap();
    let pdf = format!("{}.pdf", next.info.agency);
    std::fs::copy(dir.join(&pdf), prev.path().join(&pdf)).unwrap();
    let found = findings_of(ws.path(), &["--previous", prev.path().to_str().unwrap()]);
    let x1 = first_of(&found, "X1");
    assert!(
        x1["related"][0]["file"].as_str().unwrap().ends_with(".pdf"),
        "{x1:#}"
    );
}

fn minimal_docx(paragraphs: &[&str]) -> Vec<u8> {
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<w:p><w:r><w:t>{p}</w:t></w:r></w:p>"))
        .collect();
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        w.start_file("[Content_Types].xml", opts).unwrap();
        w.write_all(b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>").unwrap();
        w.start_file("word/document.xml", opts).unwrap();
        w.write_all(document.as_bytes()).unwrap();
        w.finish().unwrap();
    }
    buf.into_inner()
}

#[test]
fn documents_that_are_not_reports_say_what_they_are() {
    let ws = tempfile::tempdir().unwrap();
    std::fs::create_dir(ws.path().join("input")).unwrap();
    std::fs::write(
        ws.path().join("input/通知.docx"),
        minimal_docx(&[
            "关于召开2025年度工作总结会的通知",
            "各科室：",
            "定于1月10日召开总结会。",
        ]),
    )
    .unwrap();
    let found = findings_of(ws.path(), &[]);
    let d1 = first_of(&found, "D1");
    pin(d1);
    assert_eq!(
        found
            .iter()
            .filter(|f| f["file"].as_str().unwrap().ends_with("通知.docx"))
            .count(),
        1
    );
}

#[test]
fn a_page_without_table_four_names_it() {
    let (_ws, reports, dir) = samples_built_with(&[]);
    let html =
        std::fs::read_to_string(dir.join(format!("{}.html", reports[0].info.agency))).unwrap();
    let last = html.rfind("<table").unwrap();
    let end = html.rfind("</table>").unwrap() + "</table>".len();
    let cut = format!("{}{}", &html[..last], &html[end..]);
    let ws = tempfile::tempdir().unwrap();
    std::fs::create_dir(ws.path().join("input")).unwrap();
    std::fs::write(ws.path().join("input/网页.html"), cut).unwrap();
    let found = findings_of(ws.path(), &[]);
    let d2 = first_of(&found, "D2");
    pin(d2);
}

/// A PDF of blank pages with a drawn box: what a scan without OCR looks like to a reader.
fn pdf_without_text(pages: usize) -> Vec<u8> {
    let square = || {
        lopdf::Stream::new(
            lopdf::dictionary! {},
            b"0 0 0 RG 100 100 300 300 re S".to_vec(),
        )
    };
    pdf_of(
        (0..pages).map(|_| square()).collect(),
        |_| lopdf::dictionary! {},
    )
}

/// A PDF of A4 pages drawn by `contents`; `resources` adds what they name and returns the
/// pages' resource dictionary.
fn pdf_of(
    contents: Vec<lopdf::Stream>,
    resources: impl FnOnce(&mut lopdf::Document) -> lopdf::Dictionary,
) -> Vec<u8> {
    use lopdf::{Document, Object, dictionary};
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let resources = resources(&mut doc);
    let mut kids = Vec::new();
    for content in contents {
        let content = doc.add_object(content);
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Contents" => content,
            "Resources" => resources.clone(),
        });
        kids.push(Object::Reference(page));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn a_scanned_pdf_is_one_finding() {
    let ws = tempfile::tempdir().unwrap();
    std::fs::create_dir(ws.path().join("input")).unwrap();
    std::fs::write(ws.path().join("input/扫描件.pdf"), pdf_without_text(2)).unwrap();
    let found = findings_of(ws.path(), &[]);
    assert_eq!(
        found
            .iter()
            .filter(|f| f["file"].as_str().unwrap().ends_with(".pdf"))
            .count(),
        1
    );
    let d4 = first_of(&found, "D4");
    pin(d4);
}

#[test]
fn hostile_documents_end_in_findings() {
    let dir = tempfile::tempdir().unwrap();
    let mut cases: Vec<(&str, Vec<u8>)> = Vec::new();
    // 200,000 nested elements: no stack is spent on depth.
    let deep = format!(
        "<html><body>{}一、总体情况{}</body></html>",
        "<div>".repeat(200_000),
        "</div>".repeat(200_000)
    );
    cases.push(("deep.html", deep.into_bytes()));
    // A PDF cut in half (no xref, no trailer) and one whose xref points nowhere.
    let good = std::fs::read(real("淮安市人民政府2024.pdf")).unwrap();
    cases.push(("half.pdf", good[..good.len() / 2].to_vec()));
    let mut broken = good.clone();
    if let Some(i) = broken.windows(9).rposition(|w| w == b"startxref") {
        broken.truncate(i);
        broken.extend_from_slice(b"startxref\n999999999\n%%EOF\n");
    }
    cases.push(("xref.pdf", broken));
    // A form XObject that draws itself: followed to a fixed depth, not forever.
    cases.push(("loop.pdf", self_drawing_pdf()));
    // A content stream of three million operators (a million strokes): read a chunk at a time.
    cases.push(("huge.pdf", huge_content_pdf()));
    cases.push(("garbage.docx", b"PK\x03\x04 not really a zip".to_vec()));
    // 64 MB of document.xml in a few kilobytes of zip.
    let template = fill_template(&sample(), false);
    let bomb = crate::harness::patch(&template, "word/document.xml", |xml| {
        xml.replacen("<w:body>", &format!("<w:body>{}", " ".repeat(64 << 20)), 1)
    });
    cases.push(("bomb.docx", bomb));
    // A password to open it, and a font without its map to text everywhere.
    let (_, own) = own_pdf();
    cases.push(("password.pdf", encrypted(&own, "user")));
    cases.push(("unmapped.pdf", without_to_unicode(&own, |_| true)));
    cases.push(("empty.pdf", Vec::new()));
    cases.push(("text.pdf", b"%PDF-1.7 nothing else".to_vec()));
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = read_file(&path);
        let codes: Vec<String> = out.findings.iter().map(|f| f.code.to_string()).collect();
        // Too deep to parse is over a limit; a form loop or a million strokes hold no text.
        let expected = match name {
            "deep.html" | "bomb.docx" => "F4",
            "loop.pdf" | "huge.pdf" | "unmapped.pdf" => "D4",
            "password.pdf" => "F3",
            _ => "F1",
        };
        assert_eq!(codes, [expected], "{name}");
        // Told as what the clerk gave: a Word document is not called a workbook.
        if name.ends_with(".docx") {
            let f = &out.findings[0];
            let said = format!("{} {:?}", f.message, f.hints);
            assert!(
                !said.contains("工作簿") && !said.contains(".xlsx"),
                "{name}: {said}"
            );
        }
    }
}

/// The first sample (江岚县交通运输局) as read from its input workbook, and its PDF as nianbao
/// builds it.
fn own_pdf() -> (Report, Vec<u8>) {
    let (ws, reports, dir) = samples_built_with(&[]);
    let agency = &reports[0].info.agency;
    let expected = read_file(&ws.path().join(format!("input/{agency}.xlsx"))).report;
    let pdf = std::fs::read(dir.join(format!("{agency}.pdf"))).unwrap();
    (expected, pdf)
}

/// `pdf` encrypted by qpdf with AES-256: `user` the password to open it ("" opens without one,
/// with copying and printing forbidden, as portals publish them).
fn encrypted(pdf: &[u8], user: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.pdf"), pdf).unwrap();
    let out = std::process::Command::new("qpdf")
        .args([
            "--encrypt",
            user,
            "owner",
            "256",
            "--print=none",
            "--extract=n",
            "--",
        ])
        .arg(dir.path().join("in.pdf"))
        .arg(dir.path().join("out.pdf"))
        .output()
        .expect("qpdf (.ci/run installs it)");
    assert!(out.status.success(), "{out:?}");
    std::fs::read(dir.path().join("out.pdf")).unwrap()
}

/// `pdf` with the ToUnicode map taken out of every font whose BaseFont `pick` chooses.
fn without_to_unicode(pdf: &[u8], pick: impl Fn(&str) -> bool) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(pdf).unwrap();
    for object in doc.objects.values_mut() {
        if let Ok(dict) = object.as_dict_mut()
            && dict.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"Font")
        {
            let name = dict
                .get(b"BaseFont")
                .and_then(|b| b.as_name())
                .map(|b| String::from_utf8_lossy(b).to_string())
                .unwrap_or_default();
            if pick(&name) {
                dict.remove(b"ToUnicode");
            }
        }
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn a_pdf_that_forbids_copying_reads_and_one_font_without_its_map_is_said() {
    let (expected, own) = own_pdf();
    let out = tempfile::tempdir().unwrap();
    let locked = out.path().join("江岚县交通运输局.pdf");
    std::fs::write(&locked, encrypted(&own, "")).unwrap();
    let read = read_file(&locked);
    assert_same_report(&read.report, &expected, "禁止复制的 PDF");
    assert!(read.findings.is_empty(), "{:#?}", read.findings);
    // The title's font (bold) without its map: its characters are counted, never guessed.
    let fonts: Vec<String> = {
        let doc = lopdf::Document::load_mem(&own).unwrap();
        doc.objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .filter(|d| d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"Font"))
            .filter_map(|d| d.get(b"BaseFont").and_then(|b| b.as_name()).ok())
            .map(|b| String::from_utf8_lossy(b).to_string())
            .collect()
    };
    let bold = fonts
        .iter()
        .find(|f| f.contains("Bold"))
        .expect("a bold font");
    let ws2 = tempfile::tempdir().unwrap();
    std::fs::create_dir(ws2.path().join("input")).unwrap();
    std::fs::write(
        ws2.path().join("input/江岚县交通运输局.pdf"),
        without_to_unicode(&own, |f| f == bold),
    )
    .unwrap();
    let found = findings_of(ws2.path(), &[]);
    let d6 = first_of(&found, "D6");
    assert!(d6["message"].as_str().unwrap().contains("第1页"), "{d6}");
    pin(d6);
}

/// `pdf` with a vertical stamp in the right margin of page 1 (a CID font in Identity-V with
/// its ToUnicode, as a seal's legend or a vertical note is set).
fn with_vertical_stamp(pdf: &[u8], text: &str) -> Vec<u8> {
    use lopdf::{Object, Stream, dictionary};
    let mut doc = lopdf::Document::load_mem(pdf).unwrap();
    let chars: Vec<char> = text.chars().collect();
    let bf: String = chars
        .iter()
        .enumerate()
        .map(|(i, c)| format!("<{:04X}> <{:04X}>\n", i + 1, *c as u32))
        .collect();
    let cmap = format!(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /V def\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n{} beginbfchar\n{bf}endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end",
        chars.len()
    );
    let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.into_bytes()));
    let descendant = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "VStamp",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "DW" => 1000,
    });
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "VStamp",
        "Encoding" => "Identity-V", "DescendantFonts" => vec![descendant.into()],
        "ToUnicode" => to_unicode,
    });
    let codes: String = (1..=chars.len()).map(|i| format!("{i:04X}")).collect();
    let content = format!("q BT /VStamp 10 Tf 570 600 Td <{codes}> Tj ET Q");
    let stamp = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
    let page = *doc.get_pages().get(&1).unwrap();
    // The page's resources and its font dictionary, inline or referenced, resolved and copied.
    let resolve = |doc: &lopdf::Document, o: &Object| -> lopdf::Dictionary {
        match o {
            Object::Reference(id) => doc.get_dictionary(*id).unwrap().clone(),
            other => other.as_dict().unwrap().clone(),
        }
    };
    let page_dict = doc.get_dictionary(page).unwrap();
    let mut resources = resolve(&doc, page_dict.get(b"Resources").unwrap());
    let mut fonts = resolve(&doc, resources.get(b"Font").unwrap());
    fonts.set("VStamp", font);
    resources.set("Font", fonts);
    let page_dict = doc.get_object_mut(page).unwrap().as_dict_mut().unwrap();
    page_dict.set("Resources", resources);
    let mut contents = match page_dict.get(b"Contents").unwrap().clone() {
        Object::Array(a) => a,
        other => vec![other],
    };
    contents.push(stamp.into());
    page_dict.set("Contents", contents);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn a_vertical_stamp_in_the_margin_does_not_break_reading() {
    let (expected, own) = own_pdf();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("江岚县交通运输局.pdf");
    std::fs::write(&file, with_vertical_stamp(&own, "政务公开专用章")).unwrap();
    let read = read_file(&file);
    assert_same_report(&read.report, &expected, "竖排印章");
    assert!(
        !read.findings.iter().any(|f| f.is_error()),
        "{:#?}",
        read.findings
    );
    // The stamp is on the page (poppler reads it) and in a margin: it is not report text, and
    // nothing of it is spliced into the report's paragraphs.
    assert!(squeeze(&pdf_text(&file)).contains("政务公开专用章"));
    let prose: Vec<&str> = read.report.paragraphs().map(|p| p.text.as_str()).collect();
    let clean: Vec<&str> = expected.paragraphs().map(|p| p.text.as_str()).collect();
    assert_eq!(prose, clean);
}

fn self_drawing_pdf() -> Vec<u8> {
    use lopdf::{Object, Stream, dictionary};
    let page = Stream::new(dictionary! {}, b"/F Do".to_vec());
    pdf_of(vec![page], |doc| {
        let form_id = doc.new_object_id();
        let resources = dictionary! { "XObject" => dictionary! { "F" => form_id } };
        let bbox = vec![0.into(), 0.into(), 10.into(), 10.into()];
        let form = dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => bbox, "Resources" => resources.clone() };
        let drawn_twice = Stream::new(form, b"/F Do /F Do".to_vec());
        doc.objects.insert(form_id, Object::Stream(drawn_twice));
        resources
    })
}

fn huge_content_pdf() -> Vec<u8> {
    let mut stream =
        lopdf::Stream::new(lopdf::dictionary! {}, b"0 0 m 1 1 l S\n".repeat(1_000_000));
    stream.compress().unwrap();
    pdf_of(vec![stream], |_| lopdf::dictionary! {})
}
