//! Two years of one agency: last year's build in `output/2024/`, this year's workbook in input/,
//! and the cross-year findings (X1–X4) `nianbao check` gives — with both years' cells.

use std::path::Path;

use crate::common::*;
use nianbao::model::{Date, Decimal, Report, Value};
use nianbao::schema::TableId;
use serde_json::Value as Json;

const AGENCY: &str = "江岚县交通运输局";

fn num(n: i64) -> Value {
    Value::Number(Decimal::from_int(n))
}

fn this_year() -> Report {
    report_from_toml(&repo().join(format!("tests/fixtures/samples/{AGENCY}.toml")))
}

/// Last year's report of the agency, consistent with this year's: one application carried
/// into 2025 (自然人), nine normative documents in force after this year's 2 made and 1 repealed.
fn last_year() -> Report {
    let mut r = this_year();
    r.info.year = Some(2024);
    r.info.published = Date::new(2025, 1, 20);
    r.info.published_text = "2025年1月20日".into();
    for topic in r.text.values_mut().flatten() {
        for p in &mut topic.paragraphs {
            p.text = p.text.replace("2025年", "2024年");
        }
    }
    set(&mut r.t2, TableId::T2, "normative", "in_force", num(8));
    r
}

/// A folder with this year's workbook in input/ and last year's built into output/2024/.
fn two_years(last: &Report, this: &Report) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    std::fs::create_dir(&input).unwrap();
    let previous = dir.path().join("previous");
    std::fs::create_dir(&previous).unwrap();
    std::fs::write(
        previous.join(format!("{AGENCY}.xlsx")),
        workbook_bytes(last),
    )
    .unwrap();
    let (code, _, err) = run(dir.path(), &["build", "previous"]);
    assert_eq!(code, 0, "last year's build: {err}");
    assert!(
        dir.path()
            .join(format!("output/2024/{AGENCY}.json"))
            .is_file()
    );
    std::fs::write(input.join(format!("{AGENCY}.xlsx")), workbook_bytes(this)).unwrap();
    dir
}

fn check(dir: &Path, args: &[&str]) -> Vec<Json> {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let (_, out, err) = run(dir, &all);
    let parsed: Json = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    parsed.as_array().unwrap().clone()
}

fn codes(findings: &[Json], prefix: &str) -> Vec<String> {
    findings
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .filter(|c| c.starts_with(prefix))
        .collect()
}

#[test]
fn a_matching_carry_over_says_nothing() {
    let ws = two_years(&last_year(), &this_year());
    let findings = check(ws.path(), &[]);
    assert!(codes(&findings, "X").is_empty(), "{findings:#?}");
}

#[test]
fn a_broken_carry_over_is_x1_with_both_cells() {
    // Last year carried nothing over for 自然人 (it was answered in time instead).
    let mut last = last_year();
    set(&mut last.t3, TableId::T3, "carried_out", "natural", num(0));
    set(&mut last.t3, TableId::T3, "open", "natural", num(10));
    compute_totals(&mut last.t3, TableId::T3);
    let ws = two_years(&last, &this_year());
    let findings = check(ws.path(), &[]);
    assert_eq!(codes(&findings, "X"), ["X1"], "{findings:#?}");
    let x1 = &findings.iter().find(|f| f["code"] == "X1").unwrap();
    pin(x1);
    assert_eq!(x1["severity"], "warning");
    assert_eq!(
        (x1["sheet"].as_str(), x1["cell"].as_str()),
        (Some("表三"), Some("D7"))
    );
    let message = x1["message"].as_str().unwrap();
    assert!(
        message.contains("上年结转1件") && message.contains("2024年度报告的结转下年度继续办理0件"),
        "{message}"
    );
    let related = &x1["related"][0];
    assert!(
        related["file"]
            .as_str()
            .unwrap()
            .ends_with(&format!("output/2024/{AGENCY}.pdf")),
        "a record is named by the PDF published beside it: {related}"
    );
    assert_eq!(
        (related["sheet"].as_str(), related["cell"].as_str()),
        (None, None),
        "a PDF has no sheets: the place is the printed row and column"
    );
    assert!(
        related["message"]
            .as_str()
            .unwrap()
            .contains("表三「四、结转下年度继续办理」行「自然人」列：0件"),
        "{related}"
    );

    // The office can make X1 an error; then check fails.
    std::fs::write(
        ws.path().join("nianbao.toml"),
        "[severity]\nX1 = \"error\"\n",
    )
    .unwrap();
    let (code, out, _) = run(ws.path(), &["check"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("错误[X1] input/江岚县交通运输局.xlsx [表三]!D7"),
        "{out}"
    );
    assert!(
        out.contains("参见 output/2024/江岚县交通运输局.pdf：2024年度报告表三「四、结转下年度继续办理」行「自然人」列：0件"),
        "{out}"
    );
}

#[test]
fn documents_in_force_continue_from_last_year() {
    let mut last = last_year();
    set(&mut last.t2, TableId::T2, "normative", "in_force", num(5));
    let mut this = this_year();
    set(&mut this.t2, TableId::T2, "rules", "repealed", num(3));
    let ws = two_years(&last, &this);
    let findings = check(ws.path(), &[]);
    let mut got: Vec<(String, String)> = findings
        .iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with('X'))
        .map(|f| {
            (
                f["code"].as_str().unwrap().into(),
                f["cell"].as_str().unwrap().into(),
            )
        })
        .collect();
    got.sort();
    // 5 + 2 − 1 ≠ 9 (X2, a warning only); 3 规章 repealed of 0 + 0 (X3).
    assert_eq!(
        got,
        [("X2".into(), "D6".into()), ("X3".into(), "C5".into())],
        "{findings:#?}"
    );
    pin(first_of(&findings, "X2"));
    pin(first_of(&findings, "X3"));
}

#[test]
fn renamed_agencies_and_workbooks_given_as_previous() {
    let mut last = last_year();
    last.info.agency = "江岚县交通局".into();
    set(&mut last.t3, TableId::T3, "carried_out", "natural", num(0));
    set(&mut last.t3, TableId::T3, "open", "natural", num(10));
    compute_totals(&mut last.t3, TableId::T3);
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("input")).unwrap();
    std::fs::create_dir(dir.path().join("2024")).unwrap();
    std::fs::write(dir.path().join("2024/交通局.xlsx"), workbook_bytes(&last)).unwrap();
    std::fs::write(
        dir.path().join(format!("input/{AGENCY}.xlsx")),
        workbook_bytes(&this_year()),
    )
    .unwrap();
    // Under another name, last year's report is not this agency's: X4 for the batch.
    let findings = check(dir.path(), &["--previous", "2024"]);
    assert_eq!(codes(&findings, "X"), ["X4"], "{findings:#?}");
    std::fs::write(
        dir.path().join("nianbao.toml"),
        "[renamed]\n\"江岚县交通局\" = \"江岚县交通运输局\"\n",
    )
    .unwrap();
    let findings = check(dir.path(), &["--previous", "2024"]);
    assert_eq!(codes(&findings, "X"), ["X1"], "{findings:#?}");
    let related = &findings.iter().find(|f| f["code"] == "X1").unwrap()["related"][0];
    assert!(
        related["file"]
            .as_str()
            .unwrap()
            .ends_with("2024/交通局.xlsx"),
        "{related}"
    );
}

#[test]
fn no_history_is_said_once_per_batch() {
    let ws = tempfile::tempdir().unwrap();
    std::fs::create_dir(ws.path().join("input")).unwrap();
    for source in sample_sources() {
        let r = report_from_toml(&source);
        std::fs::write(
            ws.path().join(format!("input/{}.xlsx", r.info.agency)),
            workbook_bytes(&r),
        )
        .unwrap();
    }
    let findings = check(ws.path(), &[]);
    assert_eq!(codes(&findings, "X"), ["X4"], "{findings:#?}");
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["severity"], "info");
    pin(&findings[0]);
    let (code, _, err) = run(ws.path(), &["check", "--previous", "nowhere"]);
    assert_eq!(code, 2);
    assert!(err.contains("找不到上年报告 nowhere"), "{err}");
}

/// The 汇总 compares every cell with last year's, the largest movements first.
#[test]
fn the_summary_compares_with_last_year() {
    use calamine::{Reader, open_workbook_auto};
    let mut last = last_year();
    set(&mut last.t2, TableId::T2, "penalty", "decisions", num(300));
    let ws = two_years(&last, &this_year());
    let (code, _, err) = run(ws.path(), &["build"]);
    assert_eq!(code, 0, "{err}");
    let mut wb = open_workbook_auto(ws.path().join("output/2025/汇总.xlsx")).unwrap();
    let sheet = wb.worksheet_range("同比").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0][..6], ["机关", "表", "项目", "上年", "本年", "变化"]);
    // 行政处罚 342 against 300 moved most; 行政规范性文件 in force 9 against 8 next.
    assert_eq!(rows[1][0], AGENCY);
    assert!(rows[1][2].starts_with("行政处罚"), "{:?}", rows[1]);
    assert_eq!(rows[1][3..6], ["300", "342", "42"]);
    assert!(rows[2][2].starts_with("行政规范性文件"), "{:?}", rows[2]);
    assert_eq!(rows[2][3..6], ["8", "9", "1"]);
}

/// The text of a workbook's part (`xl/comments1.xml` …), or "" when it has none.
fn part_text(xlsx: &Path, name: &str) -> String {
    let bytes = std::fs::read(xlsx).unwrap();
    crate::harness::parts(&bytes)
        .into_iter()
        .filter(|(n, _)| n.starts_with(name))
        .map(|(_, data)| String::from_utf8_lossy(&data).to_string())
        .collect()
}

#[test]
fn a_year_starts_from_last_years_reports() {
    let (ws, reports, dir) = samples_built_with(&[]);
    let office = tempfile::tempdir().unwrap();
    // Every agency of last year's output folder (records beside the office's own workbooks).
    let from = dir.display().to_string();
    // What `new` says goes to standard error, as every progress message does.
    let (code, _, out) = run(office.path(), &["new", "--from", &from, "--year", "2026"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("6列上年结转"), "{out}");
    assert!(!out.contains("发布清单") && !out.contains("汇总"), "{out}");
    for last in &reports {
        let agency = &last.info.agency;
        let file = office.path().join(format!("input/{agency}.xlsx"));
        let read = nianbao::workbook::read_file(&file);
        let this = &read.report;
        assert_eq!(this.info.year, Some(2026));
        assert_eq!(this.info.address, last.info.address, "{agency}");
        assert_eq!(this.info.phone, last.info.phone, "{agency}");
        for col in nianbao::schema::t3_applicants() {
            assert_eq!(
                this.t3.get("carried_in", col),
                last.t3.get("carried_out", col),
                "{agency} {col}"
            );
            assert!(this.t3.get("new", col).is_blank());
        }
        // Last year's text is beside the input column, never in it; nothing is said about it.
        assert!(this.paragraphs().all(|p| p.text.is_empty()), "{agency}");
        assert!(!read.findings.iter().any(|f| f.code.to_string() == "C3"));
        let first = &last.text["overview"][0].paragraphs[0].text;
        assert!(part_text(&file, "xl/sharedStrings").contains(first.as_str()));
        assert!(part_text(&file, "xl/comments").contains("结转下年度继续办理"));
    }
    // Handed out and not yet filled in: 未填写, as a blank workbook is.
    let found = findings_of(office.path(), &[]);
    let b3: Vec<&Json> = found.iter().filter(|f| f["code"] == "B3").collect();
    assert_eq!(b3.len(), 3, "{found:#?}");
    assert!(b3[0]["message"].as_str().unwrap().contains("除预填的"));
    // From last year's published PDF alone, for one agency; an agency it does not hold is
    // made blank and said so.
    let pdf = dir.join("江岚县交通运输局.pdf");
    let second = tempfile::tempdir().unwrap();
    let (code, _, out) = run(
        second.path(),
        &[
            "new",
            "江岚县交通运输局",
            "江岚县民政局",
            "--from",
            &pdf.display().to_string(),
            "--year",
            "2026",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("江岚县民政局.xlsx（2026年度），没有找到"),
        "{out}"
    );
    let read = nianbao::workbook::read_file(&second.path().join("input/江岚县交通运输局.xlsx"));
    assert_eq!(
        read.report.t3.get("carried_in", "natural"),
        reports[0].t3.get("carried_out", "natural")
    );
    drop(ws);
}

#[test]
fn starting_from_nothing_readable_says_where_it_looked() {
    let office = tempfile::tempdir().unwrap();
    std::fs::create_dir(office.path().join("空")).unwrap();
    let (code, _, err) = run(office.path(), &["new", "--from", "空"]);
    assert_eq!(code, 2);
    assert!(err.contains("在 空 中没有找到可读取的上年报告"), "{err}");
    assert!(!office.path().join("input").exists());
}
