//! Reading a filled input workbook into a `Report`.
//!
//! The reader judges structure (sheets and labels present) and records values exactly as found;
//! whether the values are right is the rules' business.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use crate::finding::{Code, Finding, Severity};
use crate::model::{CellRef, Date, Decimal, Paragraph, Report, TableData, Topic, Value, a1};
use crate::schema::{self, input};

use super::labels::{normalize, strip_outline_number};
use super::locate::locate;
use super::sheet::Sheet;

/// What reading one workbook gave: the report (as far as it could be read) and findings.
#[derive(Debug)]
pub struct ReadOutcome {
    pub report: Report,
    pub findings: Vec<Finding>,
}

/// Reads the workbook at `path`; never panics and never fails: problems become findings.
pub fn read_file(path: &Path) -> ReadOutcome {
    match std::fs::read(path) {
        Ok(bytes) => read_bytes(&bytes),
        Err(e) => unreadable(format!(
            "无法读取文件：{e}。请确认文件存在且未被其他程序占用。"
        )),
    }
}

pub fn read_bytes(bytes: &[u8]) -> ReadOutcome {
    let mut workbook = match open_workbook_auto_from_rs(Cursor::new(bytes)) {
        Ok(wb) => wb,
        Err(e) => {
            return unreadable(format!(
                "无法识别为 Excel/WPS/LibreOffice 工作簿。请用 Excel 或 WPS 打开后另存为 .xlsx 再试。（技术信息：{e}）"
            ));
        }
    };
    let mut findings = Vec::new();
    let mut report = Report::default();
    let names = workbook.sheet_names();
    let mut open = |wanted: &str, findings: &mut Vec<Finding>| -> Option<Sheet> {
        let name = names.iter().find(|n| normalize(n) == normalize(wanted))?;
        match workbook.worksheet_range(name) {
            Ok(range) => Some(Sheet::new(name, range)),
            Err(e) => {
                findings.push(
                    Finding::new(
                        Code::F1,
                        format!(
                            "工作表「{wanted}」无法读取（{e}）。请用 Excel 或 WPS 另存后再试。"
                        ),
                    )
                    .at(wanted, None),
                );
                None
            }
        }
    };
    let missing = |sheet: &str| {
        Finding::new(
            Code::S1,
            format!(
                "缺少工作表「{sheet}」。请使用 nianbao new 生成的模板填写，不要删除或重命名工作表。"
            ),
        )
        .at(sheet, None)
    };

    match open(input::SHEET_INFO, &mut findings) {
        Some(sheet) => read_info(&sheet, &mut report, &mut findings),
        None => findings.push(missing(input::SHEET_INFO)),
    }
    match open(input::SHEET_TEXT, &mut findings) {
        Some(sheet) => read_text(&sheet, &mut report, &mut findings),
        None => findings.push(missing(input::SHEET_TEXT)),
    }
    for table in schema::tables() {
        match open(table.sheet, &mut findings) {
            Some(sheet) => {
                let data = read_table(&sheet, table, &mut findings);
                *report.table_mut(table.id) = data;
            }
            None => findings.push(missing(table.sheet)),
        }
    }
    ReadOutcome { report, findings }
}

fn unreadable(message: String) -> ReadOutcome {
    ReadOutcome {
        report: Report::default(),
        findings: vec![Finding::new(Code::F1, message)],
    }
}

fn read_info(sheet: &Sheet, report: &mut Report, findings: &mut Vec<Finding>) {
    let info = &mut report.info;
    for (key, label, _) in input::INFO_FIELDS {
        let Some(&(r, c)) = sheet.find(label).first() else {
            if key == "agency" || key == "year" {
                findings.push(
                    Finding::new(
                        Code::S2,
                        format!("找不到「{label}」一行。请在第一列写「{label}」，第二列填写内容。"),
                    )
                    .at(&sheet.name, None),
                );
            }
            continue;
        };
        let Some((vr, vc)) = sheet.value_right_of(r, c) else {
            continue;
        };
        let text = sheet.text(vr, vc);
        let cell = a1(vr, vc);
        if key == "year" {
            info.year_text = text.clone();
        }
        match key {
            "agency" => info.agency = text,
            "year" => match parse_year(sheet.get(vr, vc)) {
                Some(y) => info.year = Some(y),
                None => findings.push(
                    Finding::new(
                        Code::V3,
                        format!("报告年度「{text}」不是年份。请填写四位数字年份，例如 2025。"),
                    )
                    .at(&sheet.name, Some(cell)),
                ),
            },
            "published" => match parse_date(sheet.get(vr, vc)) {
                Some(d) => {
                    info.published = Some(d);
                    info.published_text = d.chinese();
                }
                None => findings.push(
                    Finding::new(
                        Code::V3,
                        format!("发布日期「{text}」无法识别为日期。请填写如「2026年1月20日」或「2026-01-20」。"),
                    )
                    .at(&sheet.name, Some(cell))
                    .severity(Severity::Warning),
                ),
            },
            "address" => info.address = text,
            "postcode" => info.postcode = text,
            "phone" => info.phone = text,
            "email" => info.email = text,
            "website" => info.website = text,
            _ => {}
        }
    }
}

fn parse_year(value: &Data) -> Option<i32> {
    let n = match value {
        Data::Int(i) => *i,
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e6 => *f as i64,
        Data::String(s) => {
            let t = s.trim().trim_end_matches(['年', '度']).trim();
            let t = normalize(t);
            t.parse::<i64>().ok()?
        }
        _ => return None,
    };
    i32::try_from(n).ok()
}

fn parse_date(value: &Data) -> Option<Date> {
    match value {
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            Date::new(y as i32, m as u32, d as u32)
        }
        // A date typed into a general cell is a serial number since 1899-12-30.
        Data::Float(f) if *f > 1.0 && *f < 2_958_466.0 => {
            Date::from_unix_days(f.floor() as i64 - 25_569)
        }
        Data::String(s) | Data::DateTimeIso(s) => parse_date_text(s),
        _ => None,
    }
}

/// `2026年1月20日`, `2026-01-20`, `2026/1/20`, `2026.1.20`.
fn parse_date_text(text: &str) -> Option<Date> {
    let t = normalize(text);
    let parts: Vec<&str> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [y, m, d, ..] if y.len() == 4 => {
            Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
        }
        _ => None,
    }
}

fn read_text(sheet: &Sheet, report: &mut Report, findings: &mut Vec<Finding>) {
    let header = [input::TEXT_SECTION, input::TEXT_TOPIC, input::TEXT_BODY]
        .map(|label| sheet.find(label).first().copied());
    let [Some((hr, sc)), topic_col, Some((_, bc))] = header else {
        findings.push(
            Finding::new(
                Code::S2,
                format!(
                    "找不到表头「{}」「{}」「{}」。请保留模板第一行的表头。",
                    input::TEXT_SECTION,
                    input::TEXT_TOPIC,
                    input::TEXT_BODY
                ),
            )
            .at(&sheet.name, None),
        );
        return;
    };
    let mut section: Option<&'static str> = None;
    let mut topic = String::new();
    for r in hr + 1..sheet.end().0 {
        let section_text = sheet.text(r, sc);
        if !section_text.is_empty() {
            section = match_section(&section_text);
            if section.is_none() {
                findings.push(
                    Finding::new(
                        Code::S2,
                        format!(
                            "无法识别章节「{section_text}」。请从下拉列表中选择，例如「一、总体情况」。本行的段落不会进入报告。"
                        ),
                    )
                    .at(&sheet.name, Some(a1(r, sc))),
                );
            }
            topic.clear();
        }
        if let Some((_, tc)) = topic_col {
            let t = sheet.text(r, tc);
            if !t.is_empty() {
                topic = strip_outline_number(&t).to_string();
            }
        }
        let body = sheet.text(r, bc);
        let Some(key) = section else { continue };
        if body.is_empty() {
            continue;
        }
        let topics = report.text.entry(key.to_string()).or_default();
        if topics.last().is_none_or(|t| t.title != topic) {
            topics.push(Topic {
                title: topic.clone(),
                paragraphs: Vec::new(),
            });
        }
        if let Some(t) = topics.last_mut() {
            // Line breaks inside a cell (Alt+Enter) separate paragraphs.
            for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
                t.paragraphs.push(Paragraph {
                    text: line.to_string(),
                    source: Some(CellRef::new(&sheet.name, r, bc)),
                });
            }
        }
    }
}

/// The section key of a 章节 cell: the full heading, or its numeral (`五`, `五、`).
fn match_section(text: &str) -> Option<&'static str> {
    let t = normalize(text);
    schema::SECTIONS.iter().find_map(|(key, heading)| {
        let h = normalize(heading);
        let numeral = h.split('、').next().unwrap_or_default();
        (t == h || t == numeral || t == format!("{numeral}、")).then_some(*key)
    })
}

fn read_table(sheet: &Sheet, table: &schema::Table, findings: &mut Vec<Finding>) -> TableData {
    let (cells, mut problems) = locate(sheet, table);
    let mut data = TableData {
        complete: problems.is_empty() && cells.iter().all(Option::is_some),
        ..TableData::default()
    };
    findings.append(&mut problems);
    for (field, cell) in table.fields.iter().zip(cells) {
        let Some((r, c)) = cell else { continue };
        let value = read_value(sheet.get(r, c));
        if let Value::Number(_) = value
            && let Data::String(s) = sheet.get(r, c)
        {
            findings.push(
                Finding::new(
                    Code::V4,
                    format!(
                        "「{}」是以文本形式存储的数字，已按数值读取。建议改为数值格式。",
                        s.trim()
                    ),
                )
                .at(&sheet.name, Some(a1(r, c))),
            );
        }
        data.values.insert((field.row, field.col), value);
        data.sources
            .insert((field.row, field.col), CellRef::new(&sheet.name, r, c));
    }
    data
}

fn read_value(value: &Data) -> Value {
    match value {
        Data::Empty => Value::Blank,
        Data::Int(i) => Value::Number(Decimal::from_int(*i)),
        Data::Float(f) => Decimal::from_f64(*f)
            .map(Value::Number)
            .unwrap_or_else(|| Value::Invalid(f.to_string())),
        Data::String(s) if s.trim().is_empty() => Value::Blank,
        Data::String(s) => Decimal::parse(&normalize(s))
            .map(Value::Number)
            .unwrap_or_else(|| Value::Invalid(s.trim().to_string())),
        other => Value::Invalid(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_common_spellings() {
        let d = Date::new(2026, 1, 20);
        assert_eq!(parse_date_text("2026年1月20日"), d);
        assert_eq!(parse_date_text("2026-01-20"), d);
        assert_eq!(parse_date_text("２０２６/1/20"), d);
        assert_eq!(parse_date_text("2026年13月1日"), None);
        assert_eq!(parse_date_text("一月"), None);
        assert_eq!(parse_date(&Data::Float(46042.0)), Date::new(2026, 1, 20));
    }

    #[test]
    fn years() {
        assert_eq!(parse_year(&Data::Float(2025.0)), Some(2025));
        assert_eq!(parse_year(&Data::String("2025年度".into())), Some(2025));
        assert_eq!(parse_year(&Data::String("去年".into())), None);
        assert_eq!(parse_year(&Data::Float(2025.5)), None);
    }

    #[test]
    fn sections_by_heading_or_numeral() {
        assert_eq!(match_section("一、总体情况"), Some("overview"));
        assert_eq!(match_section("五"), Some("problems"));
        assert_eq!(match_section("六、"), Some("other"));
        assert_eq!(match_section("七、附则"), None);
    }

    #[test]
    fn garbage_is_a_finding_not_a_panic() {
        for bytes in [&b""[..], b"not a workbook", b"PK\x03\x04garbage"] {
            let out = read_bytes(bytes);
            assert_eq!(out.findings.len(), 1);
            assert_eq!(out.findings[0].code, Code::F1);
        }
    }
}
