//! R1–R4, the sums of the official tables (勾稽关系), and R5, the types of their cells.
//! R1/R2/R4 come from the schema's identities, so a revised format brings its own sums.

use crate::finding::{Code, Finding};
use crate::model::{CellRef, MAX_COUNT, Report, TableData, Value, a1_ranges};
use crate::schema::{self, Along, Identity, Kind, Table, TableId};

pub fn check(report: &Report, out: &mut Vec<Finding>) {
    for table in schema::tables() {
        let data = report.table(table.id);
        types(table, data, out);
        // Where labels are missing (S2), every sum whose cells were all located is still checked.
        let read = |i: &usize| {
            let f = &table.fields[*i];
            data.values.contains_key(&(f.row, f.col))
        };
        let identities = table.identities();
        let wrong: Vec<(Finding, &Identity)> = identities
            .iter()
            .filter(|i| read(&i.total) && i.addends.iter().all(read))
            .filter_map(|i| sum(table, data, i).map(|f| (f, i)))
            .collect();
        // 表三's 总计 column is the formula `=SUM(D:I)` of each row: beside an R2 on another
        // column, its own R2 is that column's mistake again, in a cell nobody types in.
        let on_formula = |i: &Identity| {
            table.id == TableId::T3
                && i.along == Along::Column
                && table.fields[i.total].col == "total"
        };
        let others = wrong
            .iter()
            .any(|(_, i)| i.along == Along::Column && !on_formula(i));
        out.extend(
            wrong
                .into_iter()
                .filter(|(_, i)| !(others && on_formula(i)))
                .map(|(f, _)| f),
        );
        if table.id == TableId::T3 {
            balance(table, data, out);
        }
    }
}

fn cell_of(data: &TableData, row: &'static str, col: &'static str) -> Option<String> {
    data.source(row, col).map(CellRef::a1)
}

/// R1 (a row of 表三), R2 (a column of 表三), R4 (a block of 表四): a 总计 that is not the sum
/// of what it totals. The template holds a `=SUM(…)` there; the hint restores it.
fn sum(table: &Table, data: &TableData, identity: &Identity) -> Option<Finding> {
    let field = &table.fields[identity.total];
    let value = |i: &usize| data.int(table.fields[*i].row, table.fields[*i].col);
    let expected: i64 = identity.addends.iter().map(value).sum();
    let total = data.int(field.row, field.col);
    if expected == total {
        return None;
    }
    let (code, message, hint) = match (table.id, identity.along) {
        (TableId::T4, _) => {
            let block = field.col_path[..field.col_path.len() - 1].join("/");
            (
                Code::R4,
                format!(
                    "「{block}」的总计应为结果维持、结果纠正、其他结果、尚未审结之和 {expected}，实际填写 {total}（派生勾稽关系）。"
                ),
                "请核对该栏目各项结果和总计。",
            )
        }
        (_, Along::Row) => (
            Code::R1,
            format!(
                "「{}」行：总计应为自然人至其他六列之和 {expected}，实际填写 {total}（派生勾稽关系）。",
                table.row_label(field.row)
            ),
            "请核对各列数字和总计。",
        ),
        (_, Along::Column) => (
            Code::R2,
            format!(
                "「{}」列：（七）总计应为（一）至（六）各项办理结果之和 {expected}，实际填写 {total}（派生勾稽关系）。",
                table.col_label(field.col)
            ),
            "请核对各项办理结果和总计。",
        ),
    };
    let cell = cell_of(data, field.row, field.col);
    let mut finding = Finding::new(code, message)
        .at(table.sheet, cell.clone())
        .hint(hint);
    let addends: Option<Vec<(u32, u32)>> = identity
        .addends
        .iter()
        .map(|i| {
            let f = &table.fields[*i];
            data.source(f.row, f.col).map(|c| (c.row, c.col))
        })
        .collect();
    if let Some(cells) = addends {
        finding = finding.related(
            None,
            table.sheet,
            cell,
            format!(
                "模板中这一格是公式 =SUM({})。如果公式被手工填写的数字覆盖了，请重新输入该公式，或从 nianbao new 生成的空白工作簿复制这一格。",
                a1_ranges(&cells)
            ),
        );
    }
    Some(finding)
}

/// R3, the rule the format prints: 一 + 二 = 三（七）总计 + 四, column by column.
fn balance(table: &Table, data: &TableData, out: &mut Vec<Finding>) {
    let (new, carried_in, carried_out) = (
        schema::T3_NEW.0,
        schema::T3_CARRIED_IN.0,
        schema::T3_CARRIED_OUT.0,
    );
    let read = |col: &str| {
        [new, carried_in, "total", carried_out]
            .iter()
            .all(|row| data.values.contains_key(&(*row, col)))
    };
    // The 总计 column is a formula over the other six: when they were all read, its balance
    // follows from theirs and from R1, so an R3 there names nothing the clerk could change.
    let derived = schema::T3_COLS[..6].iter().all(|(col, _)| read(col));
    for (col, label) in schema::T3_COLS {
        if !read(col) || (col == "total" && derived) {
            continue;
        }
        let left = data.int(new, col) + data.int(carried_in, col);
        let done = data.int("total", col);
        let next = data.int(carried_out, col);
        if left != done + next {
            let range = match (cell_of(data, new, col), cell_of(data, carried_out, col)) {
                (Some(a), Some(b)) => Some(format!("{a}:{b}")),
                (a, _) => a,
            };
            let message = format!(
                "「{label}」列：第一项加第二项之和为 {} + {} = {left}，第三项（七）总计加第四项之和为 {done} + {next} = {}，两者应相等。",
                data.int(new, col),
                data.int(carried_in, col),
                done + next
            );
            out.push(
                Finding::new(Code::R3, message)
                    .at(table.sheet, range)
                    .hint("请核对这一列新收、上年结转、办理结果和结转下年度的数字。"),
            );
        }
    }
}

/// R5: counts are whole numbers ≥ 0, the fee a number ≥ 0.
fn types(table: &Table, data: &TableData, out: &mut Vec<Finding>) {
    for field in &table.fields {
        let value = data.get(field.row, field.col);
        let (what, hint) = match (value, field.kind) {
            (Value::Blank, _) => continue,
            (Value::Invalid(text), Kind::Count) => (
                format!("「{text}」不是数字"),
                "请填写整数，没有发生的情形填 0。",
            ),
            (Value::Date(text), _) => (
                format!("填写的是日期「{text}」，不是数字，单元格可能被设成了日期格式"),
                "请把单元格格式改为「常规」或「数值」后重新填写。",
            ),
            (Value::Invalid(text), Kind::Money) => (
                format!("「{text}」不是数字"),
                "请填写金额（单位：万元），没有收费填 0。",
            ),
            (Value::Number(d), _) if d.is_negative() => {
                (format!("{d} 是负数"), "请填写大于或等于 0 的数。")
            }
            (Value::Number(d), Kind::Count) if d.as_integer().is_none() && d.scale > 0 => (
                format!("{d} 不是整数，件数、数量只能是整数"),
                "请核对这一格的件数。",
            ),
            (Value::Number(d), Kind::Count) if d.as_integer().is_none_or(|i| i > MAX_COUNT) => {
                (format!("{d} 数字过大"), "请核对是否多输入了数字。")
            }
            _ => continue,
        };
        let message = format!("{}：{what}。", describe(table, field.row, field.col));
        out.push(
            Finding::new(Code::R5, message)
                .at(table.sheet, cell_of(data, field.row, field.col))
                .hint(hint),
        );
    }
}

/// `「一、本年新收政府信息公开申请数量」行「自然人」列` — how a message names a cell.
pub fn describe(table: &Table, row: &str, col: &str) -> String {
    match table.row_label(row) {
        "" => format!("「{}」", table.col_title(col)),
        label => format!("「{label}」行「{}」列", table.col_label(col)),
    }
}
