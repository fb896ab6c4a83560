//! The per-agency output workbook: the three official tables with their merged headers, and the
//! report text, ready to file or to paste into a portal.

pub mod grid;
pub mod width;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};

use crate::doc::{Block, Document};
use crate::model::{Date, Report};
use crate::schema;
use grid::{Mode, Styles, write_table};

/// Document properties with a fixed creation time, so rebuilds are byte-identical.
pub fn document_properties(title: &str, author: &str, date: Option<Date>) -> DocProperties {
    let d = date.unwrap_or(Date {
        year: 2000,
        month: 1,
        day: 1,
    });
    let when = ExcelDateTime::from_ymd(d.year.clamp(1900, 9999) as u16, d.month as u8, d.day as u8)
        .unwrap_or_else(|_| ExcelDateTime::from_ymd(2000, 1, 1).expect("a valid constant date"));
    DocProperties::new()
        .set_title(title)
        .set_author(author)
        .set_creation_datetime(&when)
        .set_comment(concat!("nianbao ", env!("CARGO_PKG_VERSION")))
}

/// The output workbook for one report; `title` is the report's title line; `mark`, when
/// given, is printed in the header of every page (a draft built despite errors).
pub fn write_report(
    report: &Report,
    document: &Document,
    date: Option<Date>,
    mark: Option<&str>,
) -> Result<Vec<u8>, XlsxError> {
    book(report, document, date, mark)?.save_to_buffer()
}

/// The output workbook for one report in memory, before it is packed: what
/// rust_xlsxwriter refuses of a report (a cell's text over Excel's 32,767 characters …) it
/// refuses here.
pub fn book(
    report: &Report,
    document: &Document,
    date: Option<Date>,
    mark: Option<&str>,
) -> Result<Workbook, XlsxError> {
    let title = document.title();
    let mut wb = Workbook::new();
    wb.set_properties(&document_properties(title, &report.info.agency, date));
    let styles = Styles::new();
    for table in schema::tables() {
        let ws = wb.add_worksheet().set_name(table.sheet)?;
        table_sheet(ws, &styles, table, report.table(table.id), title)?;
        if let Some(mark) = mark {
            ws.set_header(format!("&C&\"-,Bold\"&14{mark}"));
        }
    }
    write_text_sheet(&mut wb, document)?;
    Ok(wb)
}

/// One official table filled in, on a sheet of its own under `title` and the table's heading,
/// printed on A4 one page across with its header rows repeated (the agency's XLSX and the
/// county's 汇总 alike).
pub fn table_sheet(
    ws: &mut rust_xlsxwriter::Worksheet,
    styles: &Styles,
    table: &schema::Table,
    data: &crate::model::TableData,
    title: &str,
) -> Result<(), XlsxError> {
    let last = table.columns as u16 - 1;
    ws.merge_range(0, 0, 0, last, title, &styles.title)?;
    ws.merge_range(1, 0, 1, last, table.heading(), &styles.title)?;
    ws.set_row_height(0, 30)?;
    ws.set_row_height(1, 26)?;
    write_table(ws, table, Some(data), 3, Mode::Output, styles)?;
    ws.set_paper_size(9);
    if table.columns > 4 {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    if table.repeat_rows > 0 {
        ws.set_repeat_rows(3, 3 + table.repeat_rows as u32 - 1)?;
    }
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

/// The width of the text column: a portrait A4 page across at full size (LibreOffice does not
/// scale a sheet of wrapped text to fit the width, so it must fit as it is).
const TEXT_WIDTH: f64 = 72.0;

/// The report as published (the rendered document: preamble, numbered headings, paragraphs),
/// one paragraph per row, each row as tall as its wrapped text, fitted to the page's width.
fn write_text_sheet(wb: &mut Workbook, document: &Document) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(schema::SHEET_PUBLISHED)?;
    let title_format = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_text_wrap()
        .set_align(FormatAlign::Center);
    let heading = Format::new().set_bold().set_text_wrap();
    let body = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    ws.set_column_width(0, TEXT_WIDTH)?;
    let mut r = 0u32;
    let mut put = |ws: &mut rust_xlsxwriter::Worksheet, text: &str, format: &Format, size: f64| {
        let row = r;
        r += 1;
        ws.write_string_with_format(row, 0, text, format)?;
        ws.set_row_height(
            row,
            width::row_height([(text, TEXT_WIDTH * 11.0 / size)], size),
        )?;
        Ok::<(), XlsxError>(())
    };
    for block in &document.blocks {
        match block {
            Block::Title(t) => put(ws, t, &title_format, 14.0)?,
            Block::Heading { text, .. } => put(ws, text, &heading, 11.0)?,
            // No indent typed in: the text is copied from here into portals as it is.
            Block::Paragraph(p) => put(ws, p, &body, 11.0)?,
            Block::Table(grid) => {
                let sheet = schema::table(grid.id).sheet;
                put(ws, &schema::published_pointer(sheet), &body, 11.0)?
            }
            // The 落款 belongs to the printed report; the workbook's text sheet is read back as prose.
            Block::PageBreak | Block::Signature { .. } => {}
        }
    }
    ws.set_paper_size(9);
    ws.set_margins(0.79, 0.79, 0.98, 0.98, 0.5, 0.5);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}
