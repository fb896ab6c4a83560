//! 发布清单: what an office uploads to the portal and files — per published agency the report
//! title, every file built as a link (PDF, XLSX, HTML, DOCX …), pages, size, SHA-256, when it
//! was built — as a workbook and as a plain `index.html` that opens from the folder or an
//! intranet share.

use rust_xlsxwriter::{Url, Workbook, XlsxError};

use crate::batch::manifest;
use crate::format::Format as FileFormat;
use crate::xlsx::grid::Styles;

use super::list_sheet;

/// One published report.
#[derive(Debug, Clone)]
pub struct Entry {
    pub agency: String,
    pub title: String,
    /// File names relative to the list's folder, by format (the PDF first).
    pub files: Vec<(FileFormat, String)>,
    pub pages: usize,
    pub pdf_bytes: u64,
    pub sha256: String,
    /// `2026-01-20 17:30`, when the report was built, in Beijing time (offices read it so).
    pub built_at: String,
}

/// The entries of the published reports among a year's manifest entries whose files are as
/// written (drafts are not published), in agency order.
pub fn entries(recorded: &[&manifest::Entry]) -> Vec<Entry> {
    let mut out = Vec::new();
    for e in recorded.iter().filter(|e| !e.draft) {
        let Some(pdf) = e.outputs.first() else {
            continue;
        };
        out.push(Entry {
            agency: e.agency.clone(),
            title: e.title.clone(),
            files: e
                .outputs
                .iter()
                .filter_map(|o| FileFormat::of_file(&o.name).map(|f| (f, o.name.clone())))
                .collect(),
            pages: e.pages,
            pdf_bytes: pdf.bytes,
            sha256: pdf.sha256.clone(),
            built_at: beijing(e.built_at),
        });
    }
    out.sort_by(|a, b| a.agency.cmp(&b.agency));
    out
}

/// China Standard Time, UTC+8 all year (no daylight saving).
const BEIJING: i64 = 8 * 3600;

/// `2026-01-20 17:30`: a Unix time as the clock on an office wall in China shows it.
pub fn beijing(secs: i64) -> String {
    let secs = secs + BEIJING;
    let day = crate::model::Date::from_unix_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    match day {
        Some(d) => format!(
            "{}-{:02}-{:02} {:02}:{:02}",
            d.year,
            d.month,
            d.day,
            s / 3600,
            s % 3600 / 60
        ),
        None => String::new(),
    }
}

/// The formats some entry has, in `Format` order: one link column each.
fn formats(entries: &[Entry]) -> Vec<FileFormat> {
    crate::format::normalise(entries.iter().flat_map(|e| e.files.iter().map(|(f, _)| *f)))
}

/// The time column's title, saying which clock it is.
const BUILT_AT: &str = "生成时间（北京时间）";

/// The columns of index.html: agency and title, a link per format, then pages, size, hash
/// and time.
fn columns(formats: &[FileFormat]) -> Vec<&'static str> {
    let mut out = vec!["机关", "报告标题"];
    out.extend(formats.iter().map(|f| f.label()));
    out.extend(["页数", "PDF大小（KB）", "SHA-256（PDF）", BUILT_AT]);
    out
}

/// The columns of the workbook, with widths that print on one landscape A4 page across: the
/// PDF (what is uploaded) as a link, the other formats' files listed in one cell, the hash in
/// two lines of 32 digits.
const SHEET_COLUMNS: [(&str, f64); 8] = [
    ("机关", 20.0),
    ("报告标题", 34.0),
    ("PDF", 24.0),
    ("其他格式", 24.0),
    ("页数", 5.0),
    ("PDF大小（KB）", 9.0),
    ("SHA-256（PDF）", 30.0),
    (BUILT_AT, 16.0),
];

/// A file name as the target of a relative link in a workbook: `#` would start an anchor and
/// `%` an escape, so both are escaped (the visible text keeps the name).
fn link_target(name: &str) -> String {
    format!("file:///{}", name.replace('%', "%25").replace('#', "%23"))
}

/// rust_xlsxwriter escapes the `%` of an escaped `#` once more unless the link holds one of the
/// escapes it knows (`%25` among them): the link to `江岚县#1局.pdf` would point at
/// `江岚县%231局.pdf`. The sheets' link targets are put right after saving.
fn unescape_anchors(bytes: Vec<u8>) -> Result<Vec<u8>, XlsxError> {
    use std::io::{Read as _, Write as _};
    let bad = |e: zip::result::ZipError| XlsxError::ParameterError(e.to_string());
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).map_err(bad)?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(bad)?;
        if !entry
            .name()
            .map_err(bad)?
            .starts_with("xl/worksheets/_rels/")
        {
            out.raw_copy_file(entry).map_err(bad)?;
            continue;
        }
        drop(entry);
        let mut part = zip.by_index(i).map_err(bad)?;
        let name = part.name().map_err(bad)?.to_string();
        let mut xml = String::new();
        part.read_to_string(&mut xml)?;
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(part.last_modified().unwrap_or_default());
        out.start_file(name, options).map_err(bad)?;
        out.write_all(xml.replace("%2523", "%23").as_bytes())?;
    }
    Ok(out.finish().map_err(bad)?.into_inner())
}

fn file(e: &Entry, format: FileFormat) -> Option<&str> {
    e.files
        .iter()
        .find(|(f, _)| *f == format)
        .map(|(_, n)| n.as_str())
}

pub fn workbook(entries: &[Entry]) -> Result<Vec<u8>, XlsxError> {
    let styles = Styles::new();
    let mut wb = Workbook::new();
    // A fixed date: the same reports give the same bytes (the list says when each was built).
    wb.set_properties(&crate::xlsx::document_properties(
        "发布清单",
        "nianbao",
        None,
    ));
    let ws = wb.add_worksheet().set_name("发布清单")?;
    list_sheet(ws, &styles.header, &SHEET_COLUMNS, entries.len() as u32)?;
    let text = styles.label.clone().set_font_size(10);
    let hash = text.clone().set_font_name("Courier New").set_font_size(9);
    let link = text
        .clone()
        .set_font_color(rust_xlsxwriter::Color::Blue)
        .set_underline(rust_xlsxwriter::FormatUnderline::Single);
    for (i, e) in entries.iter().enumerate() {
        let r = i as u32 + 1;
        let pdf = file(e, FileFormat::Pdf).unwrap_or("");
        let others: Vec<&str> = e
            .files
            .iter()
            .filter(|(f, _)| *f != FileFormat::Pdf)
            .map(|(_, n)| n.as_str())
            .collect();
        let others = others.join("\n");
        let sha = match e.sha256.len() {
            64 => format!("{}\n{}", &e.sha256[..32], &e.sha256[32..]),
            _ => e.sha256.clone(),
        };
        ws.write_string_with_format(r, 0, &e.agency, &text)?;
        ws.write_string_with_format(r, 1, &e.title, &text)?;
        if !pdf.is_empty() {
            ws.write_url_with_format(r, 2, Url::new(link_target(pdf)).set_text(pdf), &link)?;
        }
        ws.write_string_with_format(r, 3, &others, &text)?;
        ws.write_number_with_format(r, 4, e.pages as f64, &text)?;
        ws.write_number_with_format(r, 5, (e.pdf_bytes as f64 / 1024.0).round(), &text)?;
        ws.write_string_with_format(r, 6, &sha, &hash)?;
        ws.write_string_with_format(r, 7, &e.built_at, &text)?;
        let cells = [
            &e.agency,
            &e.title,
            &pdf.to_string(),
            &others,
            &sha,
            &e.built_at,
        ];
        let widths = [0, 1, 2, 3, 6, 7].map(|c| SHEET_COLUMNS[c].1);
        let cells = cells.iter().map(|t| t.as_str()).zip(widths);
        ws.set_row_height(r, crate::xlsx::width::row_height(cells, 10.0))?;
    }
    let bytes = wb.save_to_buffer()?;
    let hashed = |e: &Entry| {
        e.files
            .iter()
            .any(|(_, n)| n.contains('#') && !n.contains('%'))
    };
    match entries.iter().any(hashed) {
        true => unescape_anchors(bytes),
        false => Ok(bytes),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Percent-encoding for a file name in an `href` (CJK names and spaces stay valid links).
fn href(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn html(entries: &[Entry], year: i32) -> String {
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{year}年度政府信息公开工作年度报告 发布清单</title>\n<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}th,td{{border:1px solid #999;padding:4px 8px;font-size:14px}}th{{background:#eee}}td.hash{{font-family:monospace;font-size:12px;word-break:break-all;min-width:12em;max-width:18em}}td.name{{min-width:8em}}td.title{{min-width:14em}}td.time{{white-space:nowrap}}</style>\n</head>\n<body>\n<h1>{year}年度政府信息公开工作年度报告 发布清单</h1>\n<p>共{}份报告。</p>\n<table>\n<tr>",
        entries.len()
    );
    let formats = formats(entries);
    for title in columns(&formats) {
        s.push_str(&format!("<th>{}</th>", escape(title)));
    }
    s.push_str("</tr>\n");
    for e in entries {
        let links: String = formats
            .iter()
            .map(|f| match file(e, *f) {
                Some(n) => format!("<td><a href=\"{}\">{}</a></td>", href(n), escape(n)),
                None => "<td></td>".to_string(),
            })
            .collect();
        s.push_str(&format!(
            "<tr><td class=\"name\">{}</td><td class=\"title\">{}</td>{links}<td>{}</td><td>{}</td><td class=\"hash\">{}</td><td class=\"time\">{}</td></tr>\n",
            escape(&e.agency),
            escape(&e.title),
            e.pages,
            (e.pdf_bytes as f64 / 1024.0).round(),
            e.sha256,
            escape(&e.built_at)
        ));
    }
    s.push_str("</table>\n</body>\n</html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    fn entry(agency: &str) -> Entry {
        Entry {
            agency: agency.into(),
            title: format!("{agency}2025年政府信息公开工作年度报告"),
            files: vec![
                (FileFormat::Pdf, format!("{agency}.pdf")),
                (FileFormat::Xlsx, format!("{agency}.xlsx")),
            ],
            pages: 5,
            pdf_bytes: 120_000,
            sha256: "ab".repeat(32),
            built_at: beijing(0),
        }
    }

    #[test]
    fn times_are_beijing_time() {
        assert_eq!(beijing(0), "1970-01-01 08:00");
        // 2026-12-02 20:30 UTC is the next morning in Beijing.
        assert_eq!(beijing(1_796_243_400), "2026-12-03 04:30");
    }

    /// A `#` in an agency's name is part of the file name, not the start of an anchor.
    #[test]
    fn a_hash_in_a_name_links_to_the_file() {
        let bytes = workbook(&[entry("江岚县#1局")]).expect("a workbook");
        // Still a workbook after its links are put right.
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).expect("opens");
        use calamine::Reader as _;
        let sheet = book.worksheet_range("发布清单").expect("the list");
        assert_eq!(
            sheet.get_value((1, 2)).map(|v| v.to_string()),
            Some("江岚县#1局.pdf".into())
        );
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        let mut rels = String::new();
        zip.by_name("xl/worksheets/_rels/sheet1.xml.rels")
            .expect("the sheet's links")
            .read_to_string(&mut rels)
            .expect("text");
        assert!(rels.contains("Target=\"江岚县%231局.pdf\""), "{rels}");
        let mut sheet = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .expect("the sheet")
            .read_to_string(&mut sheet)
            .expect("text");
        assert!(!sheet.contains("location="), "no anchor: {sheet}");
    }
}
