//! 汇总.xlsx: the county's figures. For each official table a sheet with a row per table cell
//! (labels from the schema) and a column per agency, and a total column of live formulas with
//! cached results; the summed tables in the official layout, a sheet each; charts of the applications received per
//! agency and of how they were handled.

use rust_xlsxwriter::{Chart, ChartType, Formula, Workbook, Worksheet, XlsxError};

use crate::model::{Report, TableData, Value, a1};
use crate::schema::{self, Kind, Table, TableId};
use crate::xlsx::grid::Styles;

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

/// The year's reports `range` (of `count`, in the summary's order), each with its agency's
/// report of the year before: what `workbook_from` asks for, one detail sheet's worth at a time.
pub type Source<'a> = dyn FnMut(std::ops::Range<usize>) -> Vec<(Report, Option<Report>)> + 'a;

/// 汇总.xlsx from `count` reports taken `per_sheet` at a time from `source`, so that a province's
/// reports are never all in memory: each batch is added to the totals, written to its detail
/// sheets (to disk, constant memory) and dropped; the summed sheets, made first so that they
/// lead the workbook, are filled at the end.
pub fn workbook_from(
    year: i32,
    count: usize,
    source: &mut Source,
    per_sheet: usize,
) -> Result<Vec<u8>, XlsxError> {
    let styles = Styles::new();
    let mut wb = Workbook::new();
    wb.set_properties(&crate::xlsx::document_properties(
        &format!("{year}年度政府信息公开工作年度报告 汇总"),
        "nianbao",
        None,
    ));
    for table in schema::tables() {
        // Each on its own sheet: stacked on one, the last table's column widths would squeeze
        // the others' labels.
        wb.add_worksheet().set_name(summed_sheet(table))?;
    }
    // A province's agencies do not fit one sheet's columns: the detail goes on in sheets of
    // `DETAIL_AGENCIES`, each with its own 小计.
    let per_sheet = per_sheet.max(1);
    let sheets = count.div_ceil(per_sheet).max(1);
    let (mut total, mut gaps, mut moves) = (Report::default(), Vec::new(), Vec::new());
    let mut agencies = 0;
    for k in 0..sheets {
        let pairs = source(k * per_sheet..(k + 1) * per_sheet);
        let reports: Vec<&Report> = pairs.iter().map(|(r, _)| r).collect();
        let last: Vec<Option<&Report>> = pairs.iter().map(|(_, l)| l.as_ref()).collect();
        agencies += reports.len();
        let sum = crate::aggregate::sum(&reports);
        // Sums of sums, as a blank stays blank only where every agency left it blank; a batch
        // with no reports (all aggregates) adds nothing.
        total = match k {
            0 => sum.clone(),
            _ if reports.is_empty() => total,
            _ => crate::aggregate::sum(&[&total, &sum]),
        };
        gaps.extend(incomplete(&reports).into_iter().map(str::to_string));
        moves.extend(movements(&reports, &last));
        for table in schema::tables() {
            let name = match k {
                0 => detail_sheet(table),
                _ => format!("{}（续{}）", detail_sheet(table), k + 1),
            };
            let ws = wb.add_worksheet_with_constant_memory()?.set_name(name)?;
            let label = if sheets == 1 { "合计" } else { "小计" };
            detail(ws, &styles, table, &reports, sum.table(table.id), label)?;
        }
    }
    let title = format!("{year}年度政府信息公开工作年度报告汇总（{agencies}个机关）");
    for table in schema::tables() {
        let ws = wb.worksheet_from_name(&summed_sheet(table))?;
        crate::xlsx::table_sheet(ws, &styles, table, total.table(table.id), &title)?;
        if !gaps.is_empty() {
            let note = format!(
                "注意：以下{}个机关的表格有未填写的空白单元格，相关合计不完整：{}。",
                gaps.len(),
                gaps.join("、")
            );
            let last = table.columns as u16 - 1;
            let format = styles.label.clone().set_font_size(10);
            ws.merge_range(2, 0, 2, last, &note, &format)?;
            let width = 12.0 * table.columns as f64;
            ws.set_row_height(2, crate::xlsx::width::row_height([(&*note, width)], 10.0))?;
        }
    }
    charts(&mut wb, agencies.min(per_sheet), &total)?;
    if !moves.is_empty() {
        // What moved first, on its own sheet; what stayed the same apart, for completeness.
        moves.sort_by(by_movement);
        let (moved, same): (Vec<Movement>, Vec<Movement>) =
            moves.into_iter().partition(|m| m.now != m.before);
        let ws = wb.add_worksheet().set_name("同比")?;
        movement_sheet(ws, &styles, &moved)?;
        let ws = wb.add_worksheet().set_name("同比未变化")?;
        movement_sheet(ws, &styles, &same)?;
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

/// The sheet of a summed table: `汇总表三`.
fn summed_sheet(table: &Table) -> String {
    format!("汇总{}", table.sheet)
}

/// Agencies on one detail sheet (Excel has 16,384 columns): a county's on one sheet, a
/// province's a sheet at a time, each sheet's reports the only ones in memory.
pub const DETAIL_AGENCIES: usize = 2_000;

/// The width of the 项目 column of a detail sheet, and of each agency's column.
const ITEM_WIDTH: f64 = 40.0;
const AGENCY_WIDTH: f64 = 10.0;

/// A row per table cell (its official title) and a column per agency, the last column the
/// total as `=SUM(…)` with its result. Printed, every page repeats the titles and the agency
/// names, and holds as many agencies as fit across a landscape A4 page at full size.
fn detail(
    ws: &mut Worksheet,
    styles: &Styles,
    table: &Table,
    reports: &[&Report],
    total: &TableData,
    total_label: &str,
) -> Result<(), XlsxError> {
    let header = styles.header.clone().set_font_size(10);
    let text = styles.label.clone().set_font_size(10);
    let value = styles.value.clone().set_font_size(10);
    ws.write_string_with_format(0, 0, "项目", &header)?;
    ws.set_column_width(0, ITEM_WIDTH)?;
    let names: Vec<&str> = reports.iter().map(|r| r.info.agency.trim()).collect();
    for (i, name) in names.iter().chain([total_label].iter()).enumerate() {
        let col = i as u16 + 1;
        ws.write_string_with_format(0, col, *name, &header)?;
        ws.set_column_width(col, AGENCY_WIDTH)?;
    }
    let tallest = names.iter().map(|n| (*n, AGENCY_WIDTH));
    ws.set_row_height(0, crate::xlsx::width::row_height(tallest, 10.0))?;
    let sum_col = names.len() as u16 + 1;
    for (i, f) in table.fields.iter().enumerate() {
        let row = i as u32 + 1;
        let title = table.field_title(f.row, f.col);
        ws.write_string_with_format(row, 0, &title, &text)?;
        ws.set_row_height(
            row,
            crate::xlsx::width::row_height([(&*title, ITEM_WIDTH)], 10.0),
        )?;
        let money = f.kind == Kind::Money;
        let format = if money {
            value.clone().set_num_format("0.####")
        } else {
            value.clone()
        };
        for (c, r) in reports.iter().enumerate() {
            match number(r.table(table.id).get(f.row, f.col)) {
                Some(n) => ws.write_number_with_format(row, c as u16 + 1, n, &format)?,
                None => ws.write_blank(row, c as u16 + 1, &format)?,
            };
        }
        let cached = match total.get(f.row, f.col) {
            Value::Number(d) => d.to_string(),
            // No agency gave a figure: the total is blank, as the agencies' cells are.
            _ => {
                ws.write_blank(row, sum_col, &styles.header)?;
                continue;
            }
        };
        let formula = if reports.is_empty() {
            Formula::new("=0").set_result("0")
        } else {
            Formula::new(format!(
                "=SUM({}:{})",
                a1(row, 1),
                a1(row, reports.len() as u32)
            ))
            .set_result(cached)
        };
        ws.write_formula_with_format(row, sum_col, formula, &styles.header)?;
    }
    ws.set_freeze_panes(1, 1)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_repeat_rows(0, 0)?;
    ws.set_repeat_columns(0, 0)?;
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

/// Applications received per agency (from 表三明细), and how the county's were handled.
/// `shown`: the agencies of the first detail sheet, which the bar chart draws.
fn charts(wb: &mut Workbook, shown: usize, total: &Report) -> Result<(), XlsxError> {
    let t3 = schema::table(TableId::T3);
    let detail = detail_sheet(t3);
    let n = shown as u32;
    let row_of = |row: &str, col: &str| {
        t3.fields
            .iter()
            .position(|f| f.row == row && f.col == col)
            .map(|i| i as u32 + 1)
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
    if let Some(row) = row_of(schema::T3_NEW.0, "total")
        && n > 0
    {
        let last = n as u16;
        let mut chart = Chart::new(ChartType::Bar);
        chart
            .add_series()
            .set_categories((detail.as_str(), 0, 1, 0, last))
            .set_values((detail.as_str(), row, 1, row, last))
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

/// Every table cell of every agency beside last year's, the largest movements first — what
/// evaluators compare, for the office to see first.
fn movements(reports: &[&Report], last_year: &[Option<&Report>]) -> Vec<Movement> {
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
    rows.sort_by(by_movement);
    rows
}

/// The largest movement first, then by agency.
fn by_movement(a: &Movement, b: &Movement) -> std::cmp::Ordering {
    (b.now - b.before)
        .abs()
        .total_cmp(&(a.now - a.before).abs())
        .then_with(|| a.agency.cmp(&b.agency))
}

/// The movements as a list, the change shown as a data bar.
fn movement_sheet(ws: &mut Worksheet, styles: &Styles, rows: &[Movement]) -> Result<(), XlsxError> {
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
        let cells = [
            (m.agency.as_str(), columns[0].1),
            (m.item.as_str(), columns[2].1),
        ];
        ws.set_row_height(r, crate::xlsx::width::row_height(cells, 10.0))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Decimal;
    use calamine::Reader as _;

    /// Past a sheet's columns the detail goes on in 续 sheets, each with its own 小计, and the
    /// figures are all there once.
    #[test]
    fn a_province_s_detail_goes_on_in_more_sheets() {
        let t3 = schema::table(TableId::T3);
        let field = &t3.fields[0];
        let reports: Vec<Report> = (1..=5)
            .map(|i| {
                let mut r = Report::default();
                r.info.agency = format!("第{i}局");
                r.t3.values
                    .insert((field.row, field.col), Value::Number(Decimal::from_int(i)));
                r
            })
            .collect();
        let mut source = |range: std::ops::Range<usize>| {
            let end = range.end.min(reports.len());
            reports[range.start.min(end)..end]
                .iter()
                .map(|r| (r.clone(), None))
                .collect()
        };
        let bytes = workbook_from(2025, reports.len(), &mut source, 2).unwrap();
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let names = wb.sheet_names();
        for name in ["表三明细", "表三明细（续2）", "表三明细（续3）"] {
            assert!(names.iter().any(|n| n == name), "{names:?}");
        }
        let last = wb.worksheet_range("表三明细（续3）").unwrap();
        assert_eq!(
            last.get((0, 1)).map(|c| c.to_string()),
            Some("第5局".into())
        );
        assert_eq!(last.get((0, 2)).map(|c| c.to_string()), Some("小计".into()));
        assert_eq!(last.get((1, 2)).map(|c| c.to_string()), Some("5".into()));
        let first = wb.worksheet_range("表三明细").unwrap();
        assert_eq!(first.get((1, 3)).map(|c| c.to_string()), Some("3".into()));
    }
}
