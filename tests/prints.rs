//! What an office prints: every workbook nianbao writes — the blank input workbook, each
//! agency's XLSX, 检查报告, 汇总 and 发布清单 — printed by LibreOffice headless (as a clerk's
//! 打印 does) and measured with pdftotext -bbox: no word outside its page, no two words on top
//! of each other (text spilling into the next row or cell), no word smaller than 6 pt.

use std::path::{Path, PathBuf};

use crate::common::pdf::{Line, pages};
use crate::common::*;

/// Points two boxes may share (the ink of adjacent glyphs touches).
const TOUCH: f64 = 1.0;
/// The smallest legible printed text: a word's box at least this tall (pt).
const LEGIBLE: f64 = 6.0;

fn overlap(a: &Line, b: &Line) -> bool {
    let x = a.x_max.min(b.x_max) - a.x_min.max(b.x_min);
    let y = a.y_max.min(b.y_max) - a.y_min.max(b.y_min);
    x > TOUCH && y > TOUCH
}

/// What is wrong with the print of `pdf`, one line per problem (empty when it prints well).
fn measure(pdf: &Path) -> Vec<String> {
    let name = pdf.file_name().unwrap().to_string_lossy().to_string();
    let mut wrong = Vec::new();
    let printed = pages(pdf);
    assert!(!printed.is_empty(), "{name}: no pages");
    for (n, page) in printed.iter().enumerate() {
        let n = n + 1;
        for w in &page.words {
            if w.x_min < 0.0 || w.y_min < 0.0 || w.x_max > page.width || w.y_max > page.height {
                wrong.push(format!("{name} 第{n}页：「{}」在页面之外 {w:?}", w.text));
            }
            if w.y_max - w.y_min < LEGIBLE {
                wrong.push(format!("{name} 第{n}页：「{}」小于 {LEGIBLE} pt", w.text));
            }
        }
        for (i, a) in page.words.iter().enumerate() {
            for b in &page.words[i + 1..] {
                if overlap(a, b) {
                    wrong.push(format!(
                        "{name} 第{n}页：「{}」与「{}」重叠",
                        a.text, b.text
                    ));
                }
            }
        }
    }
    wrong
}

#[test]
fn every_workbook_nianbao_writes_prints_legibly() {
    let num = |n: i64| nianbao::model::Value::Number(nianbao::model::Decimal::from_int(n));
    let ws = tempfile::tempdir().unwrap();
    let input = ws.path().join("input");
    std::fs::create_dir(&input).unwrap();
    let mut reports = sample_reports();
    // Last year's reports first, with other figures, so that 汇总 has its 同比 sheets.
    for r in &reports {
        let mut last = r.clone();
        last.info.year = Some(2024);
        let new = last.t3.int("new", "natural");
        set(
            &mut last.t3,
            nianbao::schema::TableId::T3,
            "new",
            "natural",
            num(new + 3),
        );
        compute_totals(&mut last.t3, nianbao::schema::TableId::T3);
        std::fs::write(
            input.join(format!("{}.xlsx", r.info.agency)),
            workbook_bytes(&last),
        )
        .unwrap();
    }
    run(ws.path(), &["build", "--force"]);
    // An agency with errors gives the check report long rows; one on the roster never answers.
    reports.push(wrongly_totalled(reports[0].clone(), "江岚县水务局"));
    for r in &reports {
        std::fs::write(
            input.join(format!("{}.xlsx", r.info.agency)),
            workbook_bytes(r),
        )
        .unwrap();
    }
    let mut roster: Vec<String> = reports.iter().map(|r| r.info.agency.clone()).collect();
    roster.push("江岚县民政局".into());
    std::fs::write(input.join("名单.txt"), roster.join("\n")).unwrap();
    let (code, _, err) = run(ws.path(), &["build"]);
    assert_eq!(code, 1, "the 水务局 has errors: {err}");
    let blank = ws.path().join("blank");
    let (code, _, err) = run(ws.path(), &["new", "江岚县空白局", "--dir", "blank"]);
    assert_eq!(code, 0, "{err}");

    let year = ws.path().join("output/2025");
    let mut workbooks: Vec<PathBuf> = std::fs::read_dir(&year)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    workbooks.extend(
        std::fs::read_dir(&blank)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "xlsx")),
    );
    workbooks.sort();
    for name in [
        "检查报告.xlsx",
        "汇总.xlsx",
        "发布清单.xlsx",
        "江岚县交通运输局.xlsx",
    ] {
        assert!(
            workbooks.iter().any(|w| w.ends_with(name)),
            "{name}: {workbooks:?}"
        );
    }
    let printed = ws.path().join("printed");
    let pdfs = soffice_pdfs(&workbooks, &printed, &ws.path().join("lo-profile"));
    let wrong: Vec<String> = pdfs.iter().flat_map(|p| measure(p)).collect();
    let summary: Vec<String> = pdfs
        .iter()
        .map(|p| {
            let pages = pages(p);
            let words: usize = pages.iter().map(|p| p.words.len()).sum();
            format!(
                "{}: {}页，{words}个词",
                p.file_name().unwrap().to_string_lossy(),
                pages.len()
            )
        })
        .collect();
    eprintln!("{}", summary.join("\n"));
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
