//! 汇总.xlsx: the county's figures. For each official table a sheet with a row per agency and a
//! column per table cell (labels from the schema) and a total row of live formulas with cached
//! results; the summed tables in the official layout; charts of the applications received per
//! agency and of how they were handled.

use rust_xlsxwriter::{Chart, ChartType, Formula, Workbook, Worksheet, XlsxError};

use crate::model::{Report, TableData, Value, a1};
use crate::schema::{self, Kind, Table, TableId};
use crate::xlsx::grid::{Mode, Styles, write_table};

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(d) => d.to_string().parse().ok(),
        _ => None,
    }
}

/// Sheet name of a table's per-agency sheet.
fn detail_sheet(table: &Table) -> String {
    format!("{}明细", table.sheet)
}

/// `last_year[i]`: the report of the year before of `reports[i]`'s agency, where found.
pub fn workbook(
    year: i32,
    reports: &[&Report],
    last_year: &[Option<&Report>],
) -> Result<Vec<u8>, XlsxError> {
    let styles = Styles::new();
    let mut wb = Workbook::new();
    wb.set_properties(&crate::xlsx::document_properties(
        &format!("{year}年度政府信息公开工作年度报告 汇总"),
        "nianbao",
        None,
    ));
    let total = crate::aggregate::sum(reports);
    let ws = wb.add_worksheet().set_name("汇总表")?;
    summed_tables(ws, &styles, year, reports.len(), &total)?;
    let gaps = incomplete(reports);
    if !gaps.is_empty() {
        let note = format!(
            "注意：以下 {} 个机关的表格有未填写的空白单元格，相关合计不完整：{}。",
            gaps.len(),
            gaps.join("、")
        );
        ws.merge_range(1, 0, 1, 9, &note, &styles.label.clone().set_font_size(10))?;
        ws.set_row_height(1, 30)?;
    }
    for table in schema::tables() {
        let ws = wb.add_worksheet().set_name(detail_sheet(table))?;
        detail(ws, &styles, table, reports, total.table(table.id))?;
    }
    charts(&mut wb, reports, &total)?;
    if last_year.iter().any(Option::is_some) {
        let ws = wb.add_worksheet().set_name("同比")?;
        year_over_year(ws, &styles, reports, last_year)?;
    }
    wb.save_to_buffer()
}

/// The agencies with a blank where a figure belongs (not 0: nothing was given).
pub fn incomplete<'a>(reports: &[&'a Report]) -> Vec<&'a str> {
    reports
        .iter()
        .filter(|r| {
            schema::tables().iter().any(|t| {
                t.fields
                    .iter()
                    .filter(|f| !f.is_total)
                    .any(|f| matches!(r.table(t.id).get(f.row, f.col), Value::Blank))
            })
        })
        .map(|r| r.info.agency.trim())
        .collect()
}

/// The three tables summed, in the official layout, one under another.
fn summed_tables(
    ws: &mut Worksheet,
    styles: &Styles,
    year: i32,
    agencies: usize,
    total: &Report,
) -> Result<(), XlsxError> {
    ws.merge_range(
        0,
        0,
        0,
        9,
        &format!("{year}年度政府信息公开工作年度报告汇总（{agencies} 个机关）"),
        &styles.title,
    )?;
    ws.set_row_height(0, 30)?;
    let mut top = 2;
    let mut breaks = Vec::new();
    for table in schema::tables() {
        ws.merge_range(
            top,
            0,
            top,
            table.columns as u16 - 1,
            table.heading(),
            &styles.header,
        )?;
        let end = write_table(
            ws,
            table,
            Some(total.table(table.id)),
            top + 1,
            Mode::Output,
            styles,
        )?;
        top = end + 2;
        breaks.push(top - 1);
    }
    breaks.pop();
    ws.set_page_breaks(&breaks)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

/// A row per agency, a column per field, and the total row as `=SUM(…)` with its result.
fn detail(
    ws: &mut Worksheet,
    styles: &Styles,
    table: &Table,
    reports: &[&Report],
    total: &TableData,
) -> Result<(), XlsxError> {
    let header = styles.header.clone().set_font_size(9);
    let text = styles.label.clone().set_font_size(10);
    let value = styles.value.clone().set_font_size(10);
    ws.write_string_with_format(0, 0, "机关", &header)?;
    ws.set_column_width(0, 24)?;
    ws.set_row_height(0, 90)?;
    for (c, f) in table.fields.iter().enumerate() {
        let col = c as u16 + 1;
        ws.write_string_with_format(0, col, table.field_title(f.row, f.col), &header)?;
        ws.set_column_width(col, if f.kind == Kind::Money { 12 } else { 9 })?;
    }
    for (i, r) in reports.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string_with_format(row, 0, r.info.agency.trim(), &text)?;
        for (c, f) in table.fields.iter().enumerate() {
            match number(r.table(table.id).get(f.row, f.col)) {
                Some(n) => ws.write_number_with_format(row, c as u16 + 1, n, &value)?,
                None => ws.write_blank(row, c as u16 + 1, &value)?,
            };
        }
    }
    let last = reports.len() as u32;
    let sum_row = last + 1;
    ws.write_string_with_format(sum_row, 0, "合计", &styles.header)?;
    for (c, f) in table.fields.iter().enumerate() {
        let col = c as u16 + 1;
        let cached = match total.get(f.row, f.col) {
            Value::Number(d) => d.to_string(),
            // No agency gave a figure: the total is blank, as the agencies' cells are.
            _ => {
                ws.write_blank(sum_row, col, &styles.header)?;
                continue;
            }
        };
        let formula = if last == 0 {
            Formula::new("=0").set_result("0")
        } else {
            Formula::new(format!(
                "=SUM({}:{})",
                a1(1, col as u32),
                a1(last, col as u32)
            ))
            .set_result(cached)
        };
        ws.write_formula_with_format(sum_row, col, formula, &styles.header)?;
    }
    ws.set_freeze_panes(1, 1)?;
    ws.autofilter(0, 0, last.max(1), table.fields.len() as u16)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    ws.set_repeat_columns(0, 0)?;
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

/// Applications received per agency (from 表三明细), and how the county's were handled.
fn charts(wb: &mut Workbook, reports: &[&Report], total: &Report) -> Result<(), XlsxError> {
    let t3 = schema::table(TableId::T3);
    let detail = detail_sheet(t3);
    let n = reports.len() as u32;
    let column_of = |row: &str, col: &str| {
        t3.fields
            .iter()
            .position(|f| f.row == row && f.col == col)
            .map(|i| i as u16 + 1)
    };
    // Outcomes: the groups of 三、本年度办理结果, summed over the county.
    let groups: [(&str, &[&str]); 6] = [
        ("予以公开", &["open"]),
        ("部分公开", &["partial"]),
        (
            "不予公开",
            &[
                "secret",
                "prohibited",
                "security",
                "third_party",
                "internal",
                "process",
                "enforcement",
                "query",
            ],
        ),
        ("无法提供", &["not_held", "needs_creation", "unclear"]),
        (
            "不予处理",
            &[
                "petition",
                "repeated",
                "publication",
                "vexatious",
                "confirm",
            ],
        ),
        ("其他处理", &["no_correction", "unpaid", "misc"]),
    ];
    let ws = wb.add_worksheet().set_name("图表")?;
    ws.write_string(0, 0, "办理结果")?;
    ws.write_string(0, 1, "件数（全部机关合计）")?;
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 20)?;
    for (i, (label, rows)) in groups.iter().enumerate() {
        let sum: i64 = rows.iter().map(|r| total.t3.int(r, "total")).sum();
        ws.write_string(i as u32 + 1, 0, *label)?;
        ws.write_number(i as u32 + 1, 1, sum as f64)?;
    }
    if let Some(col) = column_of(schema::T3_NEW.0, "total")
        && n > 0
    {
        let mut chart = Chart::new(ChartType::Bar);
        chart
            .add_series()
            .set_categories((detail.as_str(), 1, 0, n, 0))
            .set_values((detail.as_str(), 1, col, n, col))
            .set_name("本年新收申请");
        chart.title().set_name("各机关本年新收政府信息公开申请数量");
        chart.legend().set_hidden();
        chart.set_height(120 + 22 * n.min(60));
        ws.insert_chart(0, 3, &chart)?;
    }
    let mut pie = Chart::new(ChartType::Pie);
    pie.add_series()
        .set_categories(("图表", 1, 0, 6, 0))
        .set_values(("图表", 1, 1, 6, 1))
        .set_name("办理结果");
    pie.title().set_name("本年度办理结果（全部机关合计）");
    ws.insert_chart(9, 0, &pie)?;
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// One cell of one agency in both years.
struct Movement {
    agency: String,
    table: &'static str,
    item: String,
    before: f64,
    now: f64,
}

/// Every table cell of every agency beside last year's, the largest movements first, the
/// change shown as a data bar — what evaluators compare, for the office to see first.
fn year_over_year(
    ws: &mut Worksheet,
    styles: &Styles,
    reports: &[&Report],
    last_year: &[Option<&Report>],
) -> Result<(), XlsxError> {
    let mut rows: Vec<Movement> = Vec::new();
    for (r, prev) in reports.iter().zip(last_year) {
        let Some(prev) = prev else { continue };
        for table in schema::tables() {
            for f in &table.fields {
                let (Some(now), Some(before)) = (
                    number(r.table(table.id).get(f.row, f.col)),
                    number(prev.table(table.id).get(f.row, f.col)),
                ) else {
                    continue;
                };
                rows.push(Movement {
                    agency: r.info.agency.trim().to_string(),
                    table: table.sheet,
                    item: table.field_title(f.row, f.col),
                    before,
                    now,
                });
            }
        }
    }
    rows.sort_by(|a, b| {
        (b.now - b.before)
            .abs()
            .total_cmp(&(a.now - a.before).abs())
            .then_with(|| a.agency.cmp(&b.agency))
    });
    let columns = [
        ("机关", 22.0),
        ("表", 6.0),
        ("项目", 48.0),
        ("上年", 9.0),
        ("本年", 9.0),
        ("变化", 9.0),
        ("变化率", 9.0),
    ];
    super::list_sheet(ws, &styles.header, &columns, rows.len() as u32)?;
    let text = styles.label.clone().set_font_size(10);
    let value = styles.value.clone().set_font_size(10);
    let percent = value.clone().set_num_format("0.0%");
    for (i, m) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string_with_format(r, 0, &m.agency, &text)?;
        ws.write_string_with_format(r, 1, m.table, &text)?;
        ws.write_string_with_format(r, 2, &m.item, &text)?;
        ws.write_number_with_format(r, 3, m.before, &value)?;
        ws.write_number_with_format(r, 4, m.now, &value)?;
        ws.write_number_with_format(r, 5, m.now - m.before, &value)?;
        if m.before != 0.0 {
            ws.write_number_with_format(r, 6, (m.now - m.before) / m.before, &percent)?;
        } else {
            ws.write_blank(r, 6, &value)?;
        }
    }
    if !rows.is_empty() {
        let last = rows.len() as u32;
        ws.add_conditional_format(
            1,
            5,
            last,
            5,
            &rust_xlsxwriter::ConditionalFormatDataBar::new(),
        )?;
        ws.add_conditional_format(
            1,
            6,
            last,
            6,
            &rust_xlsxwriter::ConditionalFormat3ColorScale::new(),
        )?;
    }
    Ok(())
}
