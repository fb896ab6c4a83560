//! 发布清单: what an office uploads to the portal and files — per published agency the report
//! title, every file built as a link (PDF, XLSX, HTML, DOCX …), pages, size, SHA-256, when it
//! was built — as a workbook and as a plain `index.html` that opens from the folder or an
//! intranet share.

use rust_xlsxwriter::{Format, Url, Workbook, XlsxError};

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
    /// `2026-01-20 09:30 UTC`, when the report was built.
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
            built_at: utc(e.built_at),
        });
    }
    out.sort_by(|a, b| a.agency.cmp(&b.agency));
    out
}

fn utc(secs: i64) -> String {
    let day = crate::model::Date::from_unix_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    match day {
        Some(d) => format!(
            "{}-{:02}-{:02} {:02}:{:02} UTC",
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

/// The columns: agency and title, a link per format, then pages, size, hash and time.
fn columns(formats: &[FileFormat]) -> Vec<(&'static str, f64)> {
    let mut out = vec![("机关", 24.0), ("报告标题", 40.0)];
    out.extend(formats.iter().map(|f| (f.label(), 28.0)));
    out.extend([
        ("页数", 6.0),
        ("PDF 大小（KB）", 10.0),
        ("SHA-256（PDF）", 36.0),
        ("生成时间", 18.0),
    ]);
    out
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
    let formats = formats(entries);
    list_sheet(ws, &styles.header, &columns(&formats), entries.len() as u32)?;
    let text = styles.label.clone().set_font_size(10);
    let link = Format::new()
        .set_font_color(rust_xlsxwriter::Color::Blue)
        .set_underline(rust_xlsxwriter::FormatUnderline::Single)
        .set_font_size(10);
    for (i, e) in entries.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string_with_format(r, 0, &e.agency, &text)?;
        ws.write_string_with_format(r, 1, &e.title, &text)?;
        for (k, format) in formats.iter().enumerate() {
            if let Some(n) = file(e, *format) {
                let url = Url::new(format!("file:///{n}")).set_text(n);
                ws.write_url_with_format(r, 2 + k as u16, url, &link)?;
            }
        }
        let c = 2 + formats.len() as u16;
        ws.write_number_with_format(r, c, e.pages as f64, &text)?;
        ws.write_number_with_format(r, c + 1, (e.pdf_bytes as f64 / 1024.0).round(), &text)?;
        ws.write_string_with_format(r, c + 2, &e.sha256, &text)?;
        ws.write_string_with_format(r, c + 3, &e.built_at, &text)?;
    }
    wb.save_to_buffer()
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
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{year}年度政府信息公开工作年度报告 发布清单</title>\n<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}th,td{{border:1px solid #999;padding:4px 8px;font-size:14px}}th{{background:#eee}}td.hash{{font-family:monospace;font-size:12px}}</style>\n</head>\n<body>\n<h1>{year}年度政府信息公开工作年度报告 发布清单</h1>\n<p>共 {} 份报告。</p>\n<table>\n<tr>",
        entries.len()
    );
    let formats = formats(entries);
    for (title, _) in columns(&formats) {
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
            "<tr><td>{}</td><td>{}</td>{links}<td>{}</td><td>{}</td><td class=\"hash\">{}</td><td>{}</td></tr>\n",
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
