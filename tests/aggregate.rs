//! Aggregate reports: a report whose 基本信息 says `汇总范围` is built from the sum of its
//! members' tables (never from typed figures), with its own prose; what cannot be summed is
//! an error that keeps it from being built.

use std::path::Path;

use crate::common::*;
use calamine::{Data, Reader, open_workbook_auto};
use nianbao::model::{Decimal, Paragraph, Report, Topic, Value};
use nianbao::schema::{self, TableId};
use serde_json::Value as Json;

const CITY: &str = "江岚县人民政府";

fn members() -> Vec<Report> {
    sample_sources()
        .iter()
        .map(|p| report_from_toml(p))
        .collect()
}

fn int(r: &Report, id: TableId, row: &str, col: &str) -> i64 {
    let t = schema::table(id);
    let (_, f) = t.field(row, col).unwrap();
    r.table(id).int(f.row, f.col)
}

/// The county government's report: tables left blank but for one wrong typed figure, prose
/// that quotes the county-wide number of applications.
fn county(scope: &str, applications: i64) -> Report {
    let mut r = members()[0].clone();
    r.info.agency = CITY.into();
    r.info.scope = scope.into();
    for table in schema::tables() {
        r.table_mut(table.id).values.clear();
    }
    set(
        &mut r.t3,
        TableId::T3,
        "new",
        "natural",
        Value::Number(Decimal::from_int(5)),
    );
    r.text.clear();
    r.text.insert(
        "overview".into(),
        vec![Topic {
            title: "依申请公开".into(),
            paragraphs: vec![Paragraph {
                text: format!(
                    "2025年，全县共新收政府信息公开申请{applications}件，均在法定期限内答复。"
                ),
                source: None,
            }],
        }],
    );
    r
}

fn findings(dir: &Path) -> (i32, Vec<Json>) {
    let (code, out, err) = run(dir, &["check", "--format", "json", "input"]);
    let json: Json = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, json.as_array().unwrap().clone())
}

fn of<'a>(found: &'a [Json], agency: &str, code: &str) -> Vec<&'a Json> {
    found
        .iter()
        .filter(|f| f["agency"] == agency && f["code"] == code)
        .collect()
}

/// Every field of the three tables in `got` is the sum of that field over `parts`.
fn assert_sums(got: &Report, parts: &[&Report]) {
    for table in schema::tables() {
        for f in &table.fields {
            let expected: f64 = parts
                .iter()
                .filter_map(|p| match p.table(table.id).get(f.row, f.col) {
                    Value::Number(d) => d.to_string().parse::<f64>().ok(),
                    _ => None,
                })
                .sum();
            let value = match got.table(table.id).get(f.row, f.col) {
                Value::Number(d) => d.to_string().parse::<f64>().unwrap(),
                other => panic!("{} {}/{}: {other:?}", table.sheet, f.row, f.col),
            };
            assert!(
                (value - expected).abs() < 1e-9,
                "{} {}/{}: {value} ≠ {expected}",
                table.sheet,
                f.row,
                f.col
            );
        }
    }
}

#[test]
fn the_whole_county_is_summed_from_every_member() {
    let parts = members();
    let applications: i64 = parts
        .iter()
        .map(|r| int(r, TableId::T3, "new", "total"))
        .sum();
    let mut all = parts.clone();
    all.push(county("全部", applications));
    let ws = workspace_of(&all);

    let (code, found) = findings(ws.path());
    assert_eq!(code, 0, "{found:#?}");
    let a1 = of(&found, CITY, "A1");
    assert_eq!(a1.len(), 1, "{found:#?}");
    pin(a1[0]);
    let note = a1[0]["message"].as_str().unwrap();
    assert!(note.contains("由3个机关的报告相加得出"), "{note}");
    for p in &parts {
        assert!(note.contains(&p.info.agency), "{note}");
    }
    // The typed 5 is named where it stands, with the sum that replaces it.
    let a2 = of(&found, CITY, "A2");
    assert_eq!(a2.len(), 1, "{found:#?}");
    pin(a2[0]);
    let natural: i64 = parts
        .iter()
        .map(|r| int(r, TableId::T3, "new", "natural"))
        .sum();
    let message = a2[0]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("填写 5，所汇总机关合计 {natural}")),
        "{message}"
    );
    assert_eq!(a2[0]["sheet"], "表三");
    assert!(a2[0]["cell"].as_str().is_some_and(|c| !c.is_empty()));
    // Blank tables are not blanks to fill in, and the prose is compared with the sums.
    for code in ["V1", "R1", "R2", "R3", "R4", "T1", "B3"] {
        assert!(of(&found, CITY, code).is_empty(), "{code}: {found:#?}");
    }

    let (code, _, err) = run(ws.path(), &["build", "input"]);
    assert_eq!(code, 0, "{err}");
    let year = ws.path().join("output/2025");
    let xlsx = nianbao::workbook::read_file(&year.join(format!("{CITY}.xlsx")));
    let refs: Vec<&Report> = parts.iter().collect();
    assert_sums(&xlsx.report, &refs);
    let text = pdf_text(&year.join(format!("{CITY}.pdf")));
    assert!(
        text.contains(&format!("全县共新收政府信息公开申请{applications}件")),
        "{text}"
    );

    // The county's 汇总 counts each agency once: the aggregate is not added to its members.
    let mut wb = open_workbook_auto(year.join("汇总.xlsx")).unwrap();
    let detail = wb.worksheet_range("表三明细").unwrap();
    let names: Vec<String> = detail
        .rows()
        .next()
        .into_iter()
        .flatten()
        .skip(1)
        .filter_map(|c| match c {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert!(!names.iter().any(|n| n == CITY), "{names:?}");
    assert_eq!(names.iter().filter(|n| n.contains("江岚县")).count(), 3);
}

#[test]
fn a_list_of_names_sums_only_those_agencies() {
    let parts = members();
    let chosen: Vec<&Report> = vec![&parts[0], &parts[2]];
    let applications: i64 = chosen
        .iter()
        .map(|r| int(r, TableId::T3, "new", "total"))
        .sum();
    let scope = format!("{}、{}", chosen[0].info.agency, chosen[1].info.agency);
    let mut all = parts.clone();
    all.push(county(&scope, applications));
    let ws = workspace_of(&all);
    let (code, _, err) = run(ws.path(), &["build", "input"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("由2个机关的报告相加得出"), "{err}");
    let year = ws.path().join("output/2025");
    let record = nianbao::workbook::read_file(&year.join(format!("{CITY}.xlsx")));
    assert_sums(&record.report, &chosen);

    // A member's workbook changes after the build: the aggregate must be built again too,
    // while an agency it does not sum stays current.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut changed = parts[2].clone();
    changed.info.phone = "0755-86150099".into();
    std::fs::write(
        ws.path()
            .join(format!("input/{}.xlsx", changed.info.agency)),
        workbook_bytes(&changed),
    )
    .unwrap();
    let (_, out, _) = run(ws.path(), &["status"]);
    let line = |name: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("{name}: {out}"))
            .to_string()
    };
    assert!(line(CITY).contains("需重新生成"), "{out}");
    assert!(line(&parts[1].info.agency).contains("已生成"), "{out}");

    // The next build makes the changed member and the aggregate anew, and reuses the other two.
    let (code, _, err) = run(ws.path(), &["build", "input"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("其中2个机关的工作簿"), "{err}");
    let (_, out, _) = run(ws.path(), &["status"]);
    let city = out
        .lines()
        .find(|l| l.split_whitespace().next() == Some(CITY))
        .unwrap_or_default();
    assert!(city.contains("已生成"), "{out}");
}

#[test]
fn what_cannot_be_summed_keeps_the_aggregate_from_being_built() {
    let parts = members();
    // A name that is nearly right: A3 suggests the agency meant.
    let mut all = parts.clone();
    let typo = format!("江岚县交通局、{}", parts[2].info.agency);
    all.push(county(&typo, 0));
    let ws = workspace_of(&all);
    let (code, found) = findings(ws.path());
    assert_eq!(code, 1);
    let a3 = of(&found, CITY, "A3");
    assert_eq!(a3.len(), 1, "{found:#?}");
    pin(a3[0]);
    let message = a3[0]["message"].as_str().unwrap();
    assert!(
        message.contains("「江岚县交通局」在本批工作簿中没有找到"),
        "{message}"
    );
    assert!(message.contains("是否指「江岚县交通运输局」"), "{message}");
    let (code, _, _) = run(ws.path(), &["build", "input"]);
    assert_eq!(code, 1);
    assert!(!ws.path().join(format!("output/2025/{CITY}.pdf")).exists());

    // A member with an error: the sum cannot be trusted until it is corrected.
    let mut all = parts.clone();
    set(
        &mut all[1].t3,
        TableId::T3,
        "new",
        "total",
        Value::Number(Decimal::from_int(99_999)),
    );
    all.push(county("全部", 0));
    let ws = workspace_of(&all);
    let (code, found) = findings(ws.path());
    assert_eq!(code, 1);
    let a4 = of(&found, CITY, "A4");
    assert_eq!(a4.len(), 1, "{found:#?}");
    pin(a4[0]);
    let message = a4[0]["message"].as_str().unwrap();
    assert!(message.contains(&parts[1].info.agency), "{message}");
    assert!(message.contains("个错误"), "{message}");
    let (_, _, err) = run(ws.path(), &["build", "input"]);
    assert!(
        !ws.path().join(format!("output/2025/{CITY}.pdf")).exists(),
        "{err}"
    );
    assert!(
        ws.path()
            .join(format!("output/2025/{}.pdf", parts[0].info.agency))
            .exists()
    );
}

#[test]
fn an_aggregate_of_itself_or_of_another_year_is_refused() {
    let parts = members();
    let mut all = parts.clone();
    all[2].info.year = Some(2024);
    let scope = format!("{CITY}、{}", parts[2].info.agency);
    all.push(county(&scope, 0));
    let ws = workspace_of(&all);
    let (_, found) = findings(ws.path());
    let a3: Vec<&str> = of(&found, CITY, "A3")
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(a3.len(), 2, "{a3:#?}");
    assert!(
        a3.iter()
            .any(|m| m.contains("本机关「江岚县人民政府」自己"))
    );
    assert!(a3.iter().any(|m| m.contains("只有2024年度的报告")));
}
