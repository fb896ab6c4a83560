//! The office's files: the check report re-read (one row per finding, the same codes and cells
//! as `check --format json`), and the publication list whose hashes match the files.

use crate::common::*;
use calamine::{Data, Reader, open_workbook_auto};
use nianbao::model::{Report, Value};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("input")).unwrap();
    let mut reports: Vec<Report> = sample_sources()
        .iter()
        .map(|p| report_from_toml(p))
        .collect();
    let mut broken = wrongly_totalled(reports[0].clone(), "江岚县水务局");
    broken.t4.values.remove(&("cases", "review_upheld"));
    reports.push(broken);
    for r in &reports {
        std::fs::write(
            dir.path().join(format!("input/{}.xlsx", r.info.agency)),
            workbook_bytes(r),
        )
        .unwrap();
    }
    dir
}

fn rows(path: &std::path::Path, sheet: &str) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_check_report_has_a_row_per_finding_and_per_agency() {
    let ws = workspace();
    let (code, out, err) = run(
        ws.path(),
        &["check", "--format", "json", "--report", "报告.xlsx"],
    );
    assert_eq!(code, 1, "{err}");
    let json: Json = serde_json::from_str(&out).unwrap();
    let mut want: Vec<(String, String, String, String)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
            (s("agency"), s("code"), s("sheet"), s("cell"))
        })
        .collect();
    let table = rows(&ws.path().join("报告.xlsx"), "问题清单");
    assert_eq!(
        table[0],
        [
            "机关",
            "级别",
            "代码",
            "工作表",
            "单元格",
            "问题",
            "怎么改",
            "相关位置",
            "文件"
        ]
    );
    let mut got: Vec<(String, String, String, String)> = table[1..]
        .iter()
        .map(|r| (r[0].clone(), r[2].clone(), r[3].clone(), r[4].clone()))
        .collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    assert!(
        got.iter()
            .any(|(a, c, ..)| a == "江岚县水务局" && c == "R1")
    );
    // 问题 is each finding's whole message, 怎么改 its hints: no sentence cut in two, no row
    // whose text says what to do with an empty 怎么改.
    for f in json.as_array().unwrap() {
        let message = f["message"].as_str().unwrap();
        let hints: String = f["hints"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["text"].as_str().unwrap())
            .collect();
        let row = table[1..]
            .iter()
            .find(|r| r[5] == message)
            .unwrap_or_else(|| panic!("no row whose 问题 is「{message}」"));
        assert_eq!(row[6], hints, "{row:?}");
        assert!(message.ends_with('。'), "a whole sentence: {message}");
        assert!(!nianbao::finding::mixes_advice(message), "{message}");
        if f["severity"] != "info" {
            assert!(!row[6].is_empty(), "what to do: {row:?}");
        }
    }
    // Rows sorted by agency, so each agency's rows can be forwarded together.
    let agencies: Vec<&String> = table[1..].iter().map(|r| &r[0]).collect();
    let mut sorted = agencies.clone();
    sorted.sort();
    assert_eq!(agencies, sorted);
    let per_agency = rows(&ws.path().join("报告.xlsx"), "机关汇总");
    assert_eq!(per_agency.len(), 1 + 4);
    let water = per_agency.iter().find(|r| r[0] == "江岚县水务局").unwrap();
    assert_ne!(water[1], "0", "errors counted: {water:?}");
}

#[test]
fn build_writes_the_check_report_and_a_publication_list_whose_hashes_match() {
    let ws = workspace();
    let (code, _, err) = run(ws.path(), &["build"]);
    assert_eq!(code, 1, "{err}");
    let dir = ws.path().join("output/2025");
    let agencies = rows(&dir.join("检查报告.xlsx"), "机关汇总");
    let water = agencies.iter().find(|r| r[0] == "江岚县水务局").unwrap();
    assert_eq!(water[4], "未生成", "{water:?}");
    let list = rows(&dir.join("发布清单.xlsx"), "发布清单");
    assert_eq!(
        list.len(),
        1 + 3,
        "the three samples, not the rejected one: {list:?}"
    );
    let col = |name: &str| list[0].iter().position(|h| h == name).unwrap();
    // The PDF as a link, the other files the default build makes (XLSX, HTML) listed beside
    // it; the hash printed in two lines of 32 digits.
    let (pdf, others) = (col("PDF"), col("其他格式"));
    let (pages, hash) = (col("页数"), col("SHA-256（PDF）"));
    assert!(
        list[0].iter().any(|h| h == "生成时间（北京时间）"),
        "{:?}",
        list[0]
    );
    for row in &list[1..] {
        let bytes = std::fs::read(dir.join(&row[pdf])).unwrap();
        assert_eq!(
            row[hash].replace('\n', ""),
            format!("{:x}", Sha256::digest(&bytes)),
            "{}",
            row[pdf]
        );
        assert!(row[1].contains("政府信息公开工作年度报告"), "{row:?}");
        let files: Vec<&str> = row[others].lines().collect();
        assert_eq!(files.len(), 2, "{row:?}");
        for f in files.iter().chain([&row[pdf].as_str()]) {
            assert!(dir.join(f).is_file(), "{row:?}");
        }
        assert!(row[pages].parse::<u32>().unwrap() >= 3, "pages: {row:?}");
    }
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    for row in &list[1..] {
        assert!(
            html.contains(&row[hash].replace('\n', "")),
            "the page lists {}",
            row[0]
        );
        assert!(html.contains(".html\">"), "the page links the web pages");
    }
    assert!(!html.contains("江岚县水务局"));
}

/// 汇总.xlsx: each agency's figures in its column, the total column equal to their sums (the formulas'
/// cached results, as calamine reads them), the rejected agency left out.
#[test]
fn the_county_summary_adds_up_the_published_agencies() {
    let ws = workspace();
    let (code, _, err) = run(ws.path(), &["build"]);
    assert_eq!(code, 1, "{err}");
    let path = ws.path().join("output/2025/汇总.xlsx");
    let reports: Vec<Report> = sample_sources()
        .iter()
        .map(|p| report_from_toml(p))
        .collect();
    for table in nianbao::schema::tables() {
        // A row per table cell, a column per agency, the total column last.
        let sheet = rows(&path, &format!("{}明细", table.sheet));
        assert_eq!(sheet.len(), 1 + table.fields.len(), "{}", table.sheet);
        let head = &sheet[0];
        assert_eq!(
            head.len(),
            1 + 3 + 1,
            "item, three agencies, total: {head:?}"
        );
        assert_eq!(head[0], "项目");
        assert_eq!(head[4], "合计");
        assert!(!head.iter().any(|c| c == "江岚县水务局"));
        for (i, f) in table.fields.iter().enumerate() {
            let row = &sheet[i + 1];
            assert_eq!(row[0], table.field_title(f.row, f.col));
            let mut want = 0.0;
            for r in &reports {
                let c = head.iter().position(|h| *h == r.info.agency).unwrap();
                let v = match r.table(table.id).get(f.row, f.col) {
                    Value::Number(d) => d.to_string().parse::<f64>().unwrap(),
                    _ => 0.0,
                };
                assert_eq!(
                    row[c].parse::<f64>().unwrap_or(0.0),
                    v,
                    "{} {}",
                    r.info.agency,
                    row[0]
                );
                want += v;
            }
            let got: f64 = row[4].parse().unwrap();
            assert!((got - want).abs() < 1e-9, "{}: {got} ≠ {want}", row[0]);
        }
    }
    // The summed tables in the official layout: 表三's (七)总计/总计 is the county's closed total.
    let summed = rows(&path, "汇总表三");
    let closed: i64 = reports.iter().map(|r| r.t3.int("total", "total")).sum();
    let row = summed
        .iter()
        .find(|r| r.iter().any(|c| c == "（七）总计"))
        .expect("the （七）总计 row");
    assert_eq!(row[9], closed.to_string(), "{row:?}");
}
