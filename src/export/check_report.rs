//! 检查报告.xlsx: every finding of a batch, one row each (机关, 级别, 代码, 工作表, 单元格, 问题,
//! 怎么改, 相关位置, 文件), filtered and coloured by severity, and one row per agency (errors,
//! warnings, built or not and why). Sorted by agency, so an office can forward each its rows.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Color, FormatAlign, Workbook, XlsxError};

use crate::batch::{Built, Checked};
use crate::finding::{Finding, Severity};
use crate::xlsx::grid::Styles;
use crate::xlsx::width::row_height;

use super::list_sheet;

/// The custom document property that says a workbook is a check report nianbao wrote.
const MARK: (&str, &str) = ("nianbao", "检查报告");

/// Refuses a `--report` path that is not for a check report: not an .xlsx, inside an input
/// folder (the next check would read it as a workbook), or a file that is there already and
/// is not a check report nianbao wrote (an agency's workbook, a PDF).
pub fn may_write(path: &Path, inputs: &[PathBuf]) -> anyhow::Result<()> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ext != "xlsx" {
        anyhow::bail!(
            "检查报告是 Excel 工作簿，文件名应以 .xlsx 结尾（--report {}）。例如 --report 检查报告.xlsx。",
            path.display()
        );
    }
    let target = crate::batch::files::absolute(path);
    for input in inputs {
        if target.starts_with(crate::batch::files::absolute(input)) {
            anyhow::bail!(
                "--report {} 在工作簿文件夹 {} 之内：检查报告会被当作工作簿读取。请写到别处，例如 --report 检查报告.xlsx。",
                path.display(),
                input.display()
            );
        }
    }
    match std::fs::symlink_metadata(path) {
        Err(_) => Ok(()),
        Ok(m) if m.is_file() && is_check_report(path) => Ok(()),
        Ok(_) => anyhow::bail!(
            "{} 已经存在，而且不是 nianbao 写的检查报告，不会覆盖。请换一个文件名，或先移走该文件。",
            path.display()
        ),
    }
}

/// Whether the file at `path` is a check report nianbao wrote (its document property says so).
fn is_check_report(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    if file
        .metadata()
        .map_or(true, |m| m.len() > crate::limits::FILE_BYTES)
    {
        return false;
    }
    let Ok(mut zip) = zip::ZipArchive::new(file) else {
        return false;
    };
    let Ok(part) = zip.by_name("docProps/custom.xml") else {
        return false;
    };
    let mut xml = String::new();
    if part.take(64 * 1024).read_to_string(&mut xml).is_err() {
        return false;
    }
    xml.contains(&format!("name=\"{}\"", MARK.0)) && xml.contains(MARK.1)
}

/// The columns of 问题清单, with their widths.
const FINDING_COLUMNS: [(&str, f64); 9] = [
    ("机关", 16.0),
    ("级别", 5.0),
    ("代码", 5.0),
    ("工作表", 7.0),
    ("单元格", 9.0),
    ("问题", 44.0),
    ("怎么改", 34.0),
    ("相关位置", 24.0),
    ("文件", 20.0),
];

/// The columns of 机关汇总.
const AGENCY_COLUMNS: [(&str, f64); 7] = [
    ("机关", 22.0),
    ("错误", 6.0),
    ("警告", 6.0),
    ("提示", 6.0),
    ("是否生成", 10.0),
    ("说明", 44.0),
    ("文件", 30.0),
];

/// The font size of the rows (points).
const SIZE: f64 = 10.0;

/// The check report for `checked` (and `notes` about the batch); `missing` are the roster's
/// agencies that returned no workbook; `built`, when the report comes from a build, says for
/// each agency whether it was built.
pub fn write(
    checked: &[&Checked],
    notes: &[Finding],
    missing: &[String],
    built: Option<&[&Built]>,
) -> Result<Vec<u8>, XlsxError> {
    let styles = Styles::new();
    let mut wb = Workbook::new();
    let props = crate::xlsx::document_properties("检查报告", "nianbao", None)
        .set_custom_property(MARK.0, MARK.1);
    wb.set_properties(&props);
    let mut findings: Vec<&Finding> = checked
        .iter()
        .flat_map(|c| &c.findings)
        .chain(notes)
        .chain(built.into_iter().flatten().flat_map(|b| &b.findings))
        .collect();
    findings.sort_by(|a, b| (&a.agency, &a.file).cmp(&(&b.agency, &b.file)));
    let colour = |s: Severity| {
        let fill = match s {
            Severity::Error => 0xF8CBAD,
            Severity::Warning => 0xFFE699,
            Severity::Info => 0xDDEBF7,
        };
        styles
            .label
            .clone()
            .set_font_size(10)
            .set_background_color(Color::RGB(fill))
    };
    let ws = wb.add_worksheet().set_name("问题清单")?;
    list_sheet(ws, &styles.header, &FINDING_COLUMNS, findings.len() as u32)?;
    for (i, f) in findings.iter().enumerate() {
        let r = i as u32 + 1;
        let how = f.advice();
        let related: Vec<String> = f
            .related
            .iter()
            .map(|x| format!("{}：{}", x.location(), x.message))
            .collect();
        let row = [
            f.agency.as_str(),
            f.severity.chinese(),
            &f.code.to_string(),
            f.sheet.as_deref().unwrap_or(""),
            f.cell.as_deref().unwrap_or(""),
            &f.message,
            &how,
            &related.join("\n"),
            &f.file.display().to_string(),
        ]
        .map(str::to_string);
        let format = colour(f.severity);
        for (c, text) in row.iter().enumerate() {
            ws.write_string_with_format(r, c as u16, text, &format)?;
        }
        let cells = row
            .iter()
            .map(String::as_str)
            .zip(FINDING_COLUMNS.map(|c| c.1));
        ws.set_row_height(r, row_height(cells, SIZE))?;
    }
    agencies(&mut wb, &styles, checked, missing, built)?;
    wb.save_to_buffer()
}

fn agencies(
    wb: &mut Workbook,
    styles: &Styles,
    checked: &[&Checked],
    missing: &[String],
    built: Option<&[&Built]>,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("机关汇总")?;
    let rows = (checked.len() + missing.len()) as u32;
    list_sheet(ws, &styles.header, &AGENCY_COLUMNS, rows)?;
    let text = styles.label.clone().set_font_size(10);
    let number = styles
        .value
        .clone()
        .set_font_size(10)
        .set_align(FormatAlign::Center);
    let mut order: Vec<usize> = (0..checked.len()).collect();
    order.sort_by_key(|i| checked[*i].agency());
    for (r, i) in order.into_iter().enumerate() {
        let c = &checked[i];
        let r = r as u32 + 1;
        let count = |s: Severity| c.findings.iter().filter(|f| f.severity == s).count() as f64;
        let result = built.and_then(|b| b.iter().find(|b| b.file == c.file).copied());
        let (state, why) = match result {
            None => ("（仅检查）".to_string(), String::new()),
            Some(b) if b.is_draft() => ("草稿".to_string(), crate::batch::DRAFT_MARK.to_string()),
            Some(b) if b.is_written() => ("已生成".to_string(), String::new()),
            Some(b) => ("未生成".to_string(), b.reason().unwrap_or_default()),
        };
        ws.write_string_with_format(r, 0, c.agency(), &text)?;
        ws.write_number_with_format(r, 1, count(Severity::Error), &number)?;
        ws.write_number_with_format(r, 2, count(Severity::Warning), &number)?;
        ws.write_number_with_format(r, 3, count(Severity::Info), &number)?;
        ws.write_string_with_format(r, 4, &state, &text)?;
        ws.write_string_with_format(r, 5, &why, &text)?;
        let file = c.file.display().to_string();
        ws.write_string_with_format(r, 6, &file, &text)?;
        let cells = [
            (c.agency(), AGENCY_COLUMNS[0].1),
            (why, AGENCY_COLUMNS[5].1),
            (file, AGENCY_COLUMNS[6].1),
        ];
        ws.set_row_height(
            r,
            row_height(cells.iter().map(|(t, w)| (t.as_str(), *w)), SIZE),
        )?;
    }
    // The roster's agencies that never returned a workbook, after those that did.
    let first = checked.len() as u32 + 1;
    for (k, agency) in missing.iter().enumerate() {
        let r = first + k as u32;
        ws.write_string_with_format(r, 0, agency, &text)?;
        ws.write_string_with_format(r, 4, "未交回", &text)?;
        ws.write_string_with_format(r, 5, "名单（input/名单.txt）上有，但没有交回工作簿", &text)?;
        let cells = [(agency.as_str(), AGENCY_COLUMNS[0].1)];
        ws.set_row_height(r, row_height(cells, SIZE))?;
    }
    Ok(())
}
