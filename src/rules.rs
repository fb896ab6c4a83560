//! The checks of spec §4 over a `Report`: arithmetic (勾稽) R1–R4, types R5, blanks V1, years
//! V3, plus required basic information and prose. Pure: no files, no clock (the caller passes
//! today's date), so the same report always gives the same findings.

use crate::finding::{Code, Finding, Severity};
use crate::limits;
use crate::model::{CellRef, Date, MAX_COUNT, Report, TableData, Value};
use crate::schema::{self, Kind, Table, TableId};

/// The first report year the 2021 format applies to.
pub const FIRST_YEAR: i32 = 2021;

pub struct Context {
    pub today: Date,
}

/// All findings for `report`, in a stable order.
pub fn check(report: &Report, ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    basic_info(report, ctx, &mut out);
    for table in schema::tables() {
        let data = report.table(table.id);
        types(table, data, &mut out);
        if !data.complete {
            continue;
        }
        blanks(table, data, &mut out);
        match table.id {
            TableId::T3 => {
                row_totals(table, data, &mut out);
                column_totals(table, data, &mut out);
                balance(table, data, &mut out);
            }
            TableId::T4 => appeal_totals(table, data, &mut out),
            TableId::T2 => {}
        }
    }
    prose(report, &mut out);
    prose_length(report, &mut out);
    out
}

fn cell_of(data: &TableData, row: &'static str, col: &'static str) -> Option<String> {
    data.source(row, col).map(CellRef::a1)
}

fn at(table: &Table, cell: Option<String>, f: Finding) -> Finding {
    f.at(table.sheet, cell)
}

/// R1: in every row of table 三, 总计 = the six applicant columns.
fn row_totals(table: &Table, data: &TableData, out: &mut Vec<Finding>) {
    let cols = schema::t3_applicants();
    for row in table.row_keys() {
        let sum: i64 = cols.iter().map(|c| data.int(row, c)).sum();
        let total = data.int(row, "total");
        if sum != total {
            let message = format!(
                "「{}」行：总计应为自然人至其他六列之和 {sum}，实际填写 {total}。请核对各列数字和总计（派生勾稽关系）。",
                table.row_label(row)
            );
            out.push(at(
                table,
                cell_of(data, row, "total"),
                Finding::new(Code::R1, message),
            ));
        }
    }
}

/// R2: in every column of table 三, （七）总计 = the 21 outcome rows.
fn column_totals(table: &Table, data: &TableData, out: &mut Vec<Finding>) {
    let leaves = schema::t3_leaves();
    for (col, label) in schema::T3_COLS {
        let sum: i64 = leaves.iter().map(|r| data.int(r, col)).sum();
        let total = data.int("total", col);
        if sum != total {
            let message = format!(
                "「{label}」列：（七）总计应为（一）至（六）各项办理结果之和 {sum}，实际填写 {total}。请核对各项办理结果（派生勾稽关系）。"
            );
            out.push(at(
                table,
                cell_of(data, "total", col),
                Finding::new(Code::R2, message),
            ));
        }
    }
}

/// R3, the rule the format prints: 一 + 二 = 三（七）总计 + 四, column by column.
fn balance(table: &Table, data: &TableData, out: &mut Vec<Finding>) {
    let (new, carried_in, carried_out) = (
        schema::T3_NEW.0,
        schema::T3_CARRIED_IN.0,
        schema::T3_CARRIED_OUT.0,
    );
    for (col, label) in schema::T3_COLS {
        let left = data.int(new, col) + data.int(carried_in, col);
        let done = data.int("total", col);
        let next = data.int(carried_out, col);
        if left != done + next {
            let range = match (cell_of(data, new, col), cell_of(data, carried_out, col)) {
                (Some(a), Some(b)) => Some(format!("{a}:{b}")),
                (a, _) => a,
            };
            let message = format!(
                "「{label}」列：第一项加第二项之和为 {} + {} = {left}，第三项（七）总计加第四项之和为 {done} + {next} = {}，两者应相等。请核对新收、上年结转、办理结果和结转下年度的数字。",
                data.int(new, col),
                data.int(carried_in, col),
                done + next
            );
            out.push(at(table, range, Finding::new(Code::R3, message)));
        }
    }
}

/// R4: each block of table 四: 总计 = 维持 + 纠正 + 其他 + 尚未审结.
fn appeal_totals(table: &Table, data: &TableData, out: &mut Vec<Finding>) {
    for (index, field) in table.fields.iter().enumerate() {
        let Some(addends) = table.addends(index) else {
            continue;
        };
        let sum: i64 = addends
            .iter()
            .map(|i| data.int(table.fields[*i].row, table.fields[*i].col))
            .sum();
        let total = data.int(field.row, field.col);
        if sum != total {
            let block = field.col_path[..field.col_path.len() - 1].join("/");
            let message = format!(
                "「{block}」的总计应为结果维持、结果纠正、其他结果、尚未审结之和 {sum}，实际填写 {total}。请核对（派生勾稽关系）。"
            );
            out.push(at(
                table,
                cell_of(data, field.row, field.col),
                Finding::new(Code::R4, message),
            ));
        }
    }
}

/// R5: counts are whole numbers ≥ 0, the fee a number ≥ 0.
fn types(table: &Table, data: &TableData, out: &mut Vec<Finding>) {
    for field in &table.fields {
        let value = data.get(field.row, field.col);
        let what = match (value, field.kind) {
            (Value::Blank, _) => continue,
            (Value::Invalid(text), Kind::Count) => {
                format!("「{text}」不是数字。请填写整数，没有发生的情形填 0")
            }
            (Value::Date(text), _) => format!(
                "填写的是日期「{text}」，不是数字。单元格可能被设成了日期格式：请把格式改为「常规」或「数值」后重新填写"
            ),
            (Value::Invalid(text), Kind::Money) => {
                format!("「{text}」不是数字。请填写金额（单位：万元），没有收费填 0")
            }
            (Value::Number(d), _) if d.is_negative() => {
                format!("{d} 是负数。请填写大于或等于 0 的数")
            }
            (Value::Number(d), Kind::Count) if d.as_integer().is_none() && d.scale > 0 => {
                format!("{d} 不是整数。件数、数量只能是整数")
            }
            (Value::Number(d), Kind::Count) if d.as_integer().is_none_or(|i| i > MAX_COUNT) => {
                format!("{d} 数字过大，请核对是否多输入了数字")
            }
            _ => continue,
        };
        let message = format!("{}：{what}。", describe(table, field.row, field.col));
        out.push(at(
            table,
            cell_of(data, field.row, field.col),
            Finding::new(Code::R5, message),
        ));
    }
}

/// `「一、本年新收政府信息公开申请数量」行「自然人」列` — how a message names a cell.
fn describe(table: &Table, row: &str, col: &str) -> String {
    match table.row_label(row) {
        "" => format!("「{}」", table.col_title(col)),
        label => format!("「{label}」行「{}」列", table.col_label(col)),
    }
}

/// V1: blank cells are not zeros. One finding per run of blanks in a row, or one for a table
/// whose input cells are all blank (its formula totals may still show 0).
fn blanks(table: &Table, data: &TableData, out: &mut Vec<Finding>) {
    let blank = |row: &'static str, col: &'static str| data.get(row, col).is_blank();
    let inputs = table.fields.iter().filter(|f| !f.is_total);
    if inputs.clone().all(|f| blank(f.row, f.col)) {
        let first = table.fields.first().and_then(|f| data.source(f.row, f.col));
        let last = table.fields.last().and_then(|f| data.source(f.row, f.col));
        let range = first
            .zip(last)
            .map(|(a, b)| format!("{}:{}", a.a1(), b.a1()));
        let message = format!(
            "{}整张表没有填写。请填写全部数字，没有发生的情形填 0。",
            table.sheet
        );
        out.push(at(table, range, Finding::new(Code::V1, message)));
        return;
    }
    for row in table.row_keys() {
        let cells: Vec<(&'static str, &CellRef)> = table
            .fields
            .iter()
            .filter(|f| f.row == row && blank(f.row, f.col))
            .filter_map(|f| data.source(f.row, f.col).map(|s| (f.col, s)))
            .collect();
        for run in runs(&cells) {
            let (first, last) = (run[0], run[run.len() - 1]);
            let range = if run.len() == 1 {
                first.1.a1()
            } else {
                format!("{}:{}", first.1.a1(), last.1.a1())
            };
            let cols: Vec<&str> = run.iter().map(|(c, _)| table.col_label(c)).collect();
            let place = match table.row_label(row) {
                "" => {
                    let path = &table.col_title(first.0);
                    let group = path.rsplit_once('/').map_or("", |(g, _)| g).to_string();
                    format!("「{group}」的")
                }
                label => format!("「{label}」行的"),
            };
            let message = format!(
                "{place}{}未填写。空白不等于 0：没有发生的情形请填 0。",
                cols.join("、")
            );
            out.push(at(table, Some(range), Finding::new(Code::V1, message)));
        }
    }
}

/// Splits cells into runs of horizontally adjacent cells.
fn runs<'a, T>(cells: &'a [(T, &'a CellRef)]) -> Vec<&'a [(T, &'a CellRef)]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=cells.len() {
        let breaks = i == cells.len()
            || cells[i].1.row != cells[i - 1].1.row
            || cells[i].1.col != cells[i - 1].1.col + 1;
        if breaks {
            out.push(&cells[start..i]);
            start = i;
        }
    }
    out
}

fn basic_info(report: &Report, ctx: &Context, out: &mut Vec<Finding>) {
    let sheet = schema::input::SHEET_INFO;
    let info = &report.info;
    if info.agency.trim().is_empty() {
        out.push(
            Finding::new(
                Code::B1,
                "机关名称未填写。报告标题和输出文件名都需要机关名称，请在「基本信息」中填写。",
            )
            .at(sheet, None),
        );
    }
    let this_year = ctx.today.year;
    match info.year {
        None if info.year_text.is_empty() => out.push(
            Finding::new(Code::V3, "报告年度未填写。请在「基本信息」中填写四位数字年份，例如 2025。")
                .at(sheet, None),
        ),
        None => {}
        Some(y) if y < FIRST_YEAR => out.push(
            Finding::new(
                Code::V3,
                format!("报告年度 {y} 早于 {FIRST_YEAR} 年。本工具按国办公开办函〔2021〕30号格式编制 {FIRST_YEAR} 年度及以后的报告，请核对年度。"),
            )
            .at(sheet, None),
        ),
        Some(y) if y > this_year => out.push(
            Finding::new(Code::V3, format!("报告年度 {y} 晚于今年（{this_year} 年），统计期尚未开始。请核对年度。"))
                .at(sheet, None),
        ),
        Some(y) if y == this_year => out.push(
            Finding::new(
                Code::V3,
                format!("报告年度为今年（{y} 年），统计期到 12 月 31 日才结束。年度报告通常在次年 1 月编制上一年度的情况，请确认年度。"),
            )
            .at(sheet, None)
            .severity(Severity::Warning),
        ),
        Some(_) => {}
    }
    if let (Some(y), Some(d)) = (info.year, info.published) {
        let end = Date {
            year: y,
            month: 12,
            day: 31,
        };
        if d <= end {
            out.push(
                Finding::new(
                    Code::V3,
                    format!("发布日期 {} 不晚于统计期结束（{}）。年度报告应在统计期结束后发布，请核对日期或报告年度。", d.chinese(), end.chinese()),
                )
                .at(sheet, None)
                .severity(Severity::Warning),
            );
        } else if d
            > (Date {
                year: y + 1,
                month: 3,
                day: 31,
            })
        {
            out.push(
                Finding::new(
                    Code::V3,
                    format!("发布日期 {} 晚于 {} 年 3 月 31 日。条例第四十九条要求部门于 1 月 31 日前、政府于 3 月 31 日前公布上一年度报告。", d.chinese(), y + 1),
                )
                .at(sheet, None)
                .severity(Severity::Warning),
            );
        }
    }
}

/// The prose sections the format requires must say something.
fn prose(report: &Report, out: &mut Vec<Finding>) {
    for key in schema::PROSE_SECTIONS {
        let empty = report.text.get(key).is_none_or(|topics| {
            topics
                .iter()
                .all(|t| t.paragraphs.iter().all(|p| p.text.trim().is_empty()))
        });
        if empty {
            let heading = schema::section_heading(key).unwrap_or_default();
            out.push(
                Finding::new(
                    Code::C1,
                    format!(
                        "「{heading}」没有内容。条例第五十条要求报告这一部分，请在「正文」中补写。"
                    ),
                )
                .at(schema::input::SHEET_TEXT, None),
            );
        }
    }
}

/// C4: prose no report can hold — one paragraph longer than `limits::PARAGRAPH_CHARS` (text
/// pasted twice, a whole document in one cell) or more than `limits::PROSE_CHARS` in all.
fn prose_length(report: &Report, out: &mut Vec<Finding>) {
    let mut total = 0;
    for p in report.paragraphs() {
        let n = p.text.chars().count();
        total += n;
        if n > limits::PARAGRAPH_CHARS {
            let start: String = p.text.chars().take(15).collect();
            let mut f = Finding::new(
                Code::C4,
                format!(
                    "段落「{start}…」有 {n} 个字，超过一段的上限 {} 字（报告一页约 600 字）。请检查是否重复粘贴，或把它分成多段、每段一行。",
                    limits::PARAGRAPH_CHARS
                ),
            );
            if let Some(src) = &p.source {
                f = f.at(&src.sheet, Some(src.a1()));
            }
            out.push(f);
        }
    }
    if total > limits::PROSE_CHARS {
        out.push(
            Finding::new(
                Code::C4,
                format!(
                    "正文共 {total} 个字，超过一份年度报告的上限 {} 字。请检查是否误粘贴了其他文件的内容。",
                    limits::PROSE_CHARS
                ),
            )
            .at(schema::input::SHEET_TEXT, None),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_where_a_count_belongs_is_named_as_a_date() {
        let mut report = Report::default();
        let t = schema::table(TableId::T2);
        let f = &t.fields[0];
        report
            .t2
            .values
            .insert((f.row, f.col), Value::Date("2025年3月1日".into()));
        let ctx = Context {
            today: Date::new(2026, 2, 1).expect("a date"),
        };
        let r5: Vec<Finding> = check(&report, &ctx)
            .into_iter()
            .filter(|f| f.code == Code::R5)
            .collect();
        assert_eq!(r5.len(), 1);
        assert!(
            r5[0].message.contains("填写的是日期「2025年3月1日」"),
            "{}",
            r5[0].message
        );
        assert!(r5[0].message.contains("常规"), "{}", r5[0].message);
    }
}
