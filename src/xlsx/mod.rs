//! The per-agency output workbook: the three official tables with their merged headers, and the
//! report text, ready to file or to paste into a portal.

pub mod grid;
pub mod width;

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError,
};

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
    title: &str,
    date: Option<Date>,
    mark: Option<&str>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&document_properties(title, &report.info.agency, date));
    let styles = Styles::new();
    for table in schema::tables() {
        let ws = wb.add_worksheet().set_name(table.sheet)?;
        let last = table.columns as u16 - 1;
        ws.merge_range(0, 0, 0, last, title, &styles.title)?;
        ws.merge_range(1, 0, 1, last, table.heading(), &styles.title)?;
        ws.set_row_height(0, 30)?;
        ws.set_row_height(1, 26)?;
        write_table(
            ws,
            table,
            Some(report.table(table.id)),
            3,
            Mode::Output,
            &styles,
        )?;
        ws.set_paper_size(9);
        if table.columns > 4 {
            ws.set_landscape();
        }
        ws.set_print_fit_to_pages(1, 0);
        if table.repeat_rows > 0 {
            ws.set_repeat_rows(3, 3 + table.repeat_rows as u32 - 1)?;
        }
        ws.set_footer("&C第 &P 页，共 &N 页");
        if let Some(mark) = mark {
            ws.set_header(format!("&C&\"-,Bold\"&14{mark}"));
        }
    }
    write_text_sheet(&mut wb, report, title)?;
    wb.save_to_buffer()
}

/// The prose of the report, one paragraph per row under its heading.
fn write_text_sheet(wb: &mut Workbook, report: &Report, title: &str) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("报告正文")?;
    let title_format = Format::new().set_bold().set_font_size(14);
    let heading = Format::new().set_bold().set_border(FormatBorder::Thin);
    let body = Format::new()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Top);
    ws.set_column_width(0, 100)?;
    ws.write_string_with_format(0, 0, title, &title_format)?;
    let mut r = 2u32;
    for (key, section) in schema::SECTIONS {
        ws.write_string_with_format(r, 0, section, &heading)?;
        r += 1;
        for topic in report.text.get(key).into_iter().flatten() {
            if !topic.title.is_empty() {
                ws.write_string_with_format(r, 0, &topic.title, &heading)?;
                r += 1;
            }
            for p in &topic.paragraphs {
                ws.write_string_with_format(r, 0, &p.text, &body)?;
                let lines = (width::text_width(&p.text) / 98.0).ceil().max(1.0);
                ws.set_row_height(r, 15.0 * lines + 4.0)?;
                r += 1;
            }
        }
        if let Some(table) = schema::tables().iter().find(|t| t.section == key) {
            ws.write_string(r, 0, format!("（见工作表「{}」）", table.sheet))?;
            r += 1;
        }
    }
    Ok(())
}
