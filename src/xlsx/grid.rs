//! Writes an official table (schema grid with merged cells) into a worksheet. Used by the blank
//! input workbook and by the per-report output workbook, so both print the same headers.

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, Format, FormatAlign, FormatBorder, Formula,
    Worksheet, XlsxError,
};

use crate::model::{TableData, Value, a1_ranges};
use crate::schema::{Content, GridCell, Kind, RowKind, Table};

use super::width::{column_width, text_width};

/// Input workbooks have tinted, unlocked, validated input cells and formula totals; output
/// workbooks hold plain values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Input,
    Output,
}

pub struct Styles {
    pub header: Format,
    pub label: Format,
    pub value: Format,
    input: Format,
    total: Format,
    pub title: Format,
}

impl Styles {
    pub fn new() -> Self {
        let base = Format::new()
            .set_font_name("宋体")
            .set_font_size(10.5)
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter);
        Styles {
            header: base.clone().set_bold().set_align(FormatAlign::Center),
            label: base.clone().set_align(FormatAlign::Left),
            value: base.clone().set_align(FormatAlign::Center),
            input: base
                .clone()
                .set_align(FormatAlign::Center)
                .set_unlocked()
                .set_background_color(Color::RGB(0xFFF2CC)),
            total: base
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xE7E6E6)),
            title: Format::new()
                .set_font_name("黑体")
                .set_font_size(14)
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
        }
    }
}

impl Default for Styles {
    fn default() -> Self {
        Self::new()
    }
}

/// Writes `table` with its top-left corner at row `top`, column 0. Returns the row after it.
pub fn write_table(
    ws: &mut Worksheet,
    table: &Table,
    data: Option<&TableData>,
    top: u32,
    mode: Mode,
    styles: &Styles,
) -> Result<u32, XlsxError> {
    let at = |row: usize, col: usize| (top + row as u32, col as u16);
    for cell in &table.grid {
        let (r1, c1) = at(cell.row, cell.col);
        let (r2, c2) = at(cell.row + cell.rows - 1, cell.col + cell.cols - 1);
        let merged = r1 != r2 || c1 != c2;
        match &cell.content {
            Content::Label(text) => {
                let vertical;
                let format = match table.row_kinds[cell.row] {
                    RowKind::Data if is_vertical(cell) => {
                        vertical = styles
                            .label
                            .clone()
                            .set_rotation(270)
                            .set_align(FormatAlign::Center);
                        &vertical
                    }
                    RowKind::Data => &styles.label,
                    _ => &styles.header,
                };
                if merged {
                    ws.merge_range(r1, c1, r2, c2, text, format)?;
                } else {
                    ws.write_string_with_format(r1, c1, *text, format)?;
                }
            }
            Content::Field(index) => {
                let field = &table.fields[*index];
                let value = data
                    .map(|d| d.get(field.row, field.col).clone())
                    .unwrap_or(Value::Blank);
                let format = match (mode, field.is_total) {
                    (Mode::Input, true) => &styles.total,
                    (Mode::Input, false) => &styles.input,
                    (Mode::Output, _) => &styles.value,
                };
                if merged {
                    ws.merge_range(r1, c1, r2, c2, "", format)?;
                }
                // A total that disagrees with its addends was typed over the formula: keep it,
                // so the workbook says what the report says.
                let formula = table
                    .addends(*index)
                    .filter(|_| mode == Mode::Input)
                    .map(|addends| sum_formula(table, &addends, top, data))
                    .filter(|(_, sum)| !typed_over(&value, *sum));
                match formula {
                    Some((formula, _)) => {
                        ws.write_formula_with_format(r1, c1, formula, format)?;
                    }
                    None => write_value(ws, (r1, c1), &value, format)?,
                }
                if mode == Mode::Input && !field.is_total {
                    ws.add_data_validation(r1, c1, r1, c1, &validation(field.kind)?)?;
                }
            }
        }
    }
    let widths = set_widths(ws, table)?;
    for (i, kind) in table.row_kinds.iter().enumerate() {
        let base = match kind {
            RowKind::Data => 24.0,
            _ => 30.0,
        };
        ws.set_row_height(top + i as u32, row_height(table, i, &widths, base))?;
    }
    Ok(top + table.rows() as u32)
}

fn write_value(
    ws: &mut Worksheet,
    (row, col): (u32, u16),
    value: &Value,
    format: &Format,
) -> Result<(), XlsxError> {
    match value {
        Value::Blank => {
            ws.write_blank(row, col, format)?;
        }
        Value::Number(d) => {
            // The nearest f64 to the decimal as entered; its shortest print is that decimal again.
            let n: f64 = d.to_string().parse().unwrap_or(0.0);
            ws.write_number_with_format(row, col, n, format)?;
        }
        Value::Invalid(text) | Value::Date(text) => {
            ws.write_string_with_format(row, col, text, format)?;
        }
    }
    Ok(())
}

/// A total whose value is not what its formula would give.
fn typed_over(value: &Value, sum: i64) -> bool {
    match value {
        Value::Blank => false,
        Value::Number(d) => d.as_integer() != Some(sum),
        Value::Invalid(_) | Value::Date(_) => true,
    }
}

/// `=SUM(D4:I4)` over the addends' cells, with the result cached so readers that do not
/// recalculate (calamine, previews) see the right number.
fn sum_formula(
    table: &Table,
    addends: &[usize],
    top: u32,
    data: Option<&TableData>,
) -> (Formula, i64) {
    let cells: Vec<(u32, u32)> = addends
        .iter()
        .filter_map(|i| table.field_cell(*i))
        .map(|c| (top + c.row as u32, c.col as u32))
        .collect();
    let result: i64 = data
        .map(|d| {
            addends
                .iter()
                .map(|i| {
                    let f = &table.fields[*i];
                    d.int(f.row, f.col)
                })
                .sum()
        })
        .unwrap_or(0);
    let formula =
        Formula::new(format!("=SUM({})", a1_ranges(&cells))).set_result(result.to_string());
    (formula, result)
}

fn validation(kind: Kind) -> Result<DataValidation, XlsxError> {
    let dv = match kind {
        Kind::Count => DataValidation::new()
            .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
            .set_error_message("请填写大于或等于 0 的整数；没有发生的情形请填 0。")?,
        Kind::Money => DataValidation::new()
            .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
            .set_error_message("请填写大于或等于 0 的金额（单位：万元）；没有收费请填 0。")?,
    };
    dv.set_error_title("数字不符合要求")
}

/// Label columns as wide as their longest single-column label; number columns as their heads.
/// Column widths (in characters) from the labels and the schema's weights; returned so that
/// row heights can follow the labels that wrap.
fn set_widths(ws: &mut Worksheet, table: &Table) -> Result<Vec<f64>, XlsxError> {
    let total_weight: f32 = table.col_weights.iter().sum();
    let mut widths = Vec::new();
    for col in 0..table.columns {
        let texts = table.grid.iter().filter_map(|c| match c.content {
            // A label set vertically takes no width.
            Content::Label(t) if c.col == col && c.cols == 1 && !is_vertical(c) => Some(t),
            _ => None,
        });
        let natural = column_width(texts, 6.0, 40.0);
        let share = 110.0 * table.col_weights[col] as f64 / total_weight as f64;
        let width = natural.min(share.max(6.0));
        ws.set_column_width(col as u16, width)?;
        widths.push(width);
    }
    Ok(widths)
}

/// A label in one narrow column spanning many rows (三、本年度办理结果): set vertically, as
/// the printed format has it.
fn is_vertical(cell: &GridCell) -> bool {
    cell.col == 0 && cell.cols == 1 && cell.rows >= 4 && matches!(cell.content, Content::Label(_))
}

/// The height a row needs for its labels to wrap inside their cells (10.5 pt text).
fn row_height(table: &Table, row: usize, widths: &[f64], base: f64) -> f64 {
    let lines = table
        .grid
        .iter()
        .filter(|c| c.row == row && c.rows == 1 && !is_vertical(c))
        .filter_map(|c| match c.content {
            Content::Label(t) => {
                let width: f64 = widths[c.col..c.col + c.cols].iter().sum();
                // Printed CJK runs a little wider than the nominal two units a character.
                Some((1.15 * text_width(t) / (width - 1.0).max(1.0)).ceil())
            }
            Content::Field(_) => None,
        })
        .fold(1.0, f64::max);
    base.max(15.0 * lines + 6.0)
}
