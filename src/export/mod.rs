//! Workbooks over the whole batch, beside the per-report XLSX writer and sharing its styles:
//! the check report an office forwards to each agency, the publication list.

pub mod check_report;
pub mod publication;
pub mod summary;

use rust_xlsxwriter::{Format, Worksheet, XlsxError};

/// A list sheet: bold header row, frozen, filtered, columns of the given widths, A4 landscape,
/// one page wide, the header repeated on every printed page.
pub fn list_sheet(
    ws: &mut Worksheet,
    header: &Format,
    columns: &[(&str, f64)],
    rows: u32,
) -> Result<(), XlsxError> {
    for (c, (title, width)) in columns.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *title, header)?;
        ws.set_column_width(c as u16, *width)?;
    }
    let last = columns.len().saturating_sub(1) as u16;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, rows.max(1), last)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}
