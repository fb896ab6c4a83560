//! X1–X3: this year's report against last year's report of the same agency (spec §4).
//! Which report is last year's is the caller's business (`batch::previous`); this only compares.

use std::path::{Path, PathBuf};

use crate::finding::{Code, Finding, Related};
use crate::model::{Report, Value};
use crate::schema::{self, TableId};

/// Last year's report of an agency, and the file it was read from.
#[derive(Debug, Clone)]
pub struct Previous {
    pub report: Report,
    pub file: PathBuf,
}

pub fn check(this: &Report, prev: &Previous, out: &mut Vec<Finding>) {
    carry_over(this, prev, out);
    documents(this, prev, out);
}

/// An integer cell: blanks and text are not compared (V1, R5 report them).
fn int(report: &Report, id: TableId, row: &'static str, col: &'static str) -> Option<i64> {
    match report.table(id).get(row, col) {
        Value::Number(d) => d.as_integer(),
        _ => None,
    }
}

fn cell(report: &Report, id: TableId, row: &'static str, col: &'static str) -> Option<String> {
    report.table(id).source(row, col).map(|s| s.a1())
}

/// Where to point the reader in last year's report. A workbook is named with its cell; a record
/// (`<year>/<机关>.json`, which has no sheets) by the PDF or XLSX published beside it, the place
/// given by the row and column the note prints rather than by a cell of a grid nobody sees.
fn in_last_year(prev: &Previous, sheet: &str, cell: Option<String>, note: String) -> Related {
    let is_record = prev.file.extension().is_some_and(|e| e == "json");
    if !is_record {
        return Related {
            file: prev.file.clone(),
            sheet: Some(sheet.to_string()),
            cell,
            message: note,
        };
    }
    let beside = ["pdf", "xlsx"]
        .iter()
        .map(|ext| prev.file.with_extension(ext))
        .find(|p| p.is_file());
    let (file, sheet) = match beside {
        Some(p) if p.extension().is_some_and(|e| e == "xlsx") => (p, Some(sheet.to_string())),
        Some(p) => (p, None),
        None => (prev.file.clone(), None),
    };
    Related {
        file,
        sheet,
        cell: None,
        message: note,
    }
}

fn year_of(prev: &Previous) -> String {
    prev.report
        .info
        .year
        .map_or("上年".to_string(), |y| format!("{y}年度"))
}

/// X1: 二、上年结转 this year = 四、结转下年度继续办理 last year, per applicant column.
fn carry_over(this: &Report, prev: &Previous, out: &mut Vec<Finding>) {
    let (carried_in, carried_out) = (schema::T3_CARRIED_IN.0, schema::T3_CARRIED_OUT.0);
    for (col, label) in &schema::T3_COLS[..6] {
        let (Some(now), Some(then)) = (
            int(this, TableId::T3, carried_in, col),
            int(&prev.report, TableId::T3, carried_out, col),
        ) else {
            continue;
        };
        if now == then {
            continue;
        }
        let mut f = Finding::new(
            Code::X1,
            format!(
                "「{label}」列：上年结转{now}件，与{}报告的结转下年度继续办理{then}件不一致，两者应相等。",
                year_of(prev)
            ),
        )
        .at("表三", cell(this, TableId::T3, carried_in, col))
        .hint("请核对本年或上年的数字。");
        f.related.push(in_last_year(
            prev,
            "表三",
            cell(&prev.report, TableId::T3, carried_out, col),
            format!(
                "{}报告表三「{}」行「{label}」列：{then}件",
                year_of(prev),
                schema::T3_CARRIED_OUT.1
            ),
        ));
        out.push(f);
    }
}

/// X2: 现行有效 = last year's 现行有效 + 制发 − 废止; X3: more repealed than there were.
fn documents(this: &Report, prev: &Previous, out: &mut Vec<Finding>) {
    let t2 = schema::table(TableId::T2);
    for row in ["rules", "normative"] {
        let label = t2.row_label(row);
        let get = |r: &Report, col| int(r, TableId::T2, row, col);
        let (Some(before), Some(issued), Some(repealed)) = (
            get(&prev.report, "in_force"),
            get(this, "issued"),
            get(this, "repealed"),
        ) else {
            continue;
        };
        let related = |mut f: Finding| {
            f.related.push(in_last_year(
                prev,
                "表二",
                cell(&prev.report, TableId::T2, row, "in_force"),
                format!(
                    "{}报告表二「{label}」行「现行有效件数」列：{before}件",
                    year_of(prev)
                ),
            ));
            f
        };
        if repealed > before + issued {
            out.push(related(
                Finding::new(
                    Code::X3,
                    format!(
                        "「{label}」：本年废止{repealed}件，多于上年现行有效{before}件与本年制发{issued}件之和 {}，废止的文件不可能比现有的多。",
                        before + issued
                    ),
                )
                .hint("请核对本年废止件数和上年现行有效件数。")
                .at("表二", cell(this, TableId::T2, row, "repealed")),
            ));
            continue;
        }
        let Some(now) = get(this, "in_force") else {
            continue;
        };
        let expected = before + issued - repealed;
        if now != expected {
            out.push(related(
                Finding::new(
                    Code::X2,
                    format!(
                        "「{label}」：上年现行有效{before}件 + 本年制发{issued}件 − 本年废止{repealed}件 = {expected}件，本年填写现行有效{now}件。"
                    ),
                )
                .hint("如有修订或自然失效，请在正文中说明；否则请核对这几个数字。")
                .at("表二", cell(this, TableId::T2, row, "in_force")),
            ));
        }
    }
}

/// X4: said once per batch when no agency's previous report was found.
pub fn none_found(year: i32, searched: &[&Path]) -> Finding {
    let places: Vec<String> = searched.iter().map(|p| p.display().to_string()).collect();
    Finding::new(
        Code::X4,
        format!(
            "没有找到{year}年度的报告数据（已查找 {}），跨年度核对（X1–X3）未进行。",
            places.join("、")
        ),
    )
    .hint("如有上年报告，请用 --previous 指定其文件或文件夹。")
}
