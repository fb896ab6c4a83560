//! Reading a filled input workbook into a `Report`.
//!
//! The reader judges structure (sheets and labels present) and records values exactly as found;
//! whether the values are right is the rules' business.

use std::io::{Cursor, Read as _};
use std::path::Path;

use calamine::{Data, Reader, Sheets, Xlsx, open_workbook_auto_from_rs};

use crate::finding::{Code, Finding, Severity};
use crate::model::{CellRef, Date, Decimal, Paragraph, Report, TableData, Topic, Value, a1};
use crate::schema::{self, input};

use super::guard::{self, Container};
use super::labels::{normalize, strip_outline_number};
use super::locate::locate;
use super::sheet::{RawCell, Sheet};
use crate::limits::{self, Rect};

/// What reading one workbook gave: the report (as far as it could be read) and findings.
#[derive(Debug)]
pub struct ReadOutcome {
    pub report: Report,
    pub findings: Vec<Finding>,
}

/// Reads the workbook at `path`; never panics and never fails: problems become findings.
/// Only regular files are opened (see `batch::discover`), and at most one byte past the size
/// limit is read, so a huge file costs no more memory than the limit.
pub fn read_file(path: &Path) -> ReadOutcome {
    match load(path) {
        Ok(bytes) => read_named(&bytes, &stem(path)),
        Err(f) => refused(*f),
    }
}

/// The bytes of any input file (workbook or document), at most one past the size limit, or
/// the F1 that says why the file could not be read.
pub(crate) fn load(path: &Path) -> Result<Vec<u8>, Box<Finding>> {
    let read = std::fs::File::open(path).and_then(|f| {
        let mut bytes = Vec::new();
        f.take(limits::FILE_BYTES + 1).read_to_end(&mut bytes)?;
        Ok(bytes)
    });
    read.map_err(|e| {
        Box::new(
            Finding::new(
                Code::F1,
                format!("无法读取文件：{}。", crate::os::describe(&e)),
            )
            .hint("请确认文件存在且未被其他程序占用。"),
        )
    })
}

pub fn read_bytes(bytes: &[u8]) -> ReadOutcome {
    read_named(bytes, "")
}

/// Reads a workbook's bytes; `stem` (the file name without extension) names the agency and year
/// of a published workbook whose text has no title.
pub fn read_named(bytes: &[u8], stem: &str) -> ReadOutcome {
    let mut book = match guard::inspect(bytes).and_then(|c| Book::open(bytes, c)) {
        Ok(book) => book,
        Err(f) => return refused(*f),
    };
    let mut findings = Vec::new();
    let mut report = Report::default();
    let names = book.names();
    if let Some(doc) = published(&mut book, &names) {
        return crate::document::assemble(doc, stem);
    }
    let mut open = |wanted: &str, rect: Rect, findings: &mut Vec<Finding>| -> Option<Sheet> {
        let Some(name) = names.iter().find(|n| normalize(n) == normalize(wanted)) else {
            findings.push(
                Finding::new(Code::S1, format!("缺少工作表「{wanted}」。"))
                    .hint("请使用 nianbao new 生成的模板填写，不要删除或重命名工作表。")
                    .at(wanted, None),
            );
            return None;
        };
        match book.sheet(name, rect) {
            Ok(sheet) => {
                findings.extend(sheet_notes(&sheet, rect, wanted == input::SHEET_TEXT));
                Some(sheet)
            }
            Err(e) => {
                findings.push(
                    Finding::new(Code::F1, format!("工作表「{wanted}」无法读取（{e}）。"))
                        .hint("请用 Excel 或 WPS 另存后再试。")
                        .at(wanted, None),
                );
                None
            }
        }
    };

    if let Some(sheet) = open(input::SHEET_INFO, limits::INFO_RECT, &mut findings) {
        read_info(&sheet, &mut report, &mut findings);
    }
    if let Some(sheet) = open(input::SHEET_TEXT, limits::TEXT_RECT, &mut findings) {
        read_text(&sheet, &mut report, &mut findings);
    }
    for table in schema::tables() {
        if let Some(sheet) = open(table.sheet, limits::TABLE_RECT, &mut findings) {
            let data = read_table(&sheet, table, &mut findings);
            *report.table_mut(table.id) = data;
        }
    }
    ReadOutcome { report, findings }
}

/// The file name without its extension: whose report a file is when its text does not say.
pub(crate) fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// A workbook laid out as the published report (nianbao's own output: the text sheet and the
/// table sheets, no input sheets) as a document, so it reads back like the report's PDF does.
fn published(book: &mut Book, names: &[String]) -> Option<crate::document::Doc> {
    let has = |wanted: &str| names.iter().any(|n| normalize(n) == normalize(wanted));
    if has(input::SHEET_INFO) || has(input::SHEET_TEXT) || !has(schema::SHEET_PUBLISHED) {
        return None;
    }
    let mut sheets = Vec::new();
    for name in names {
        let rect = if normalize(name) == normalize(schema::SHEET_PUBLISHED) {
            limits::TEXT_RECT
        } else {
            limits::TABLE_RECT
        };
        // A sheet that cannot be read is one the document lacks: assemble says what is missing.
        if let Ok(sheet) = book.sheet(name, rect) {
            sheets.push(sheet);
        }
    }
    Some(super::published::document(&sheets))
}

/// A workbook opened by the reader its container calls for.
enum Book<'a> {
    /// Streamed cell by cell, so a sheet's far cells are counted, never allocated.
    Xlsx(Box<Xlsx<Cursor<&'a [u8]>>>),
    /// Read whole by calamine; `guard` has bounded each sheet's extent.
    Whole(Box<Sheets<Cursor<&'a [u8]>>>),
}

impl<'a> Book<'a> {
    fn open(bytes: &'a [u8], container: Container) -> Result<Book<'a>, guard::Refusal> {
        match container {
            Container::Xlsx => Xlsx::new(Cursor::new(bytes))
                .map(|x| Book::Xlsx(Box::new(x)))
                .map_err(guard::unreadable),
            Container::Ods | Container::Xls => open_workbook_auto_from_rs(Cursor::new(bytes))
                .map(|w| Book::Whole(Box::new(w)))
                .map_err(guard::unreadable),
            Container::Docx => Err(Box::new(
                Finding::new(Code::F1, "这是 Word 文档，不是工作簿。")
                    .hint("请把扩展名改为 .docx（nianbao 能读取 Word 写的年报），或用 nianbao new 生成的工作簿填写。"),
            )),
        }
    }

    fn names(&self) -> Vec<String> {
        match self {
            Book::Xlsx(x) => x.sheet_names(),
            Book::Whole(w) => w.sheet_names(),
        }
    }

    fn sheet(&mut self, name: &str, rect: Rect) -> Result<Sheet, String> {
        let mut sheet = Sheet::new(name, rect);
        match self {
            Book::Xlsx(x) => {
                let mut cells = x.worksheet_cells_reader(name).map_err(|e| e.to_string())?;
                while let Some(cell) = cells.next_cell().map_err(|e| e.to_string())? {
                    let value = Data::from(cell.get_value().clone());
                    // A cell element that yields no value held a formula without its result.
                    let unvalued = matches!(value, Data::Empty);
                    sheet.add(RawCell {
                        pos: cell.get_position(),
                        value,
                        unvalued,
                    });
                }
            }
            Book::Whole(w) => {
                let range = w.worksheet_range(name).map_err(|e| e.to_string())?;
                let (r0, c0) = range.start().unwrap_or((0, 0));
                for (r, c, value) in range.used_cells() {
                    sheet.add(RawCell {
                        pos: (r0 + r as u32, c0 + c as u32),
                        value: value.clone(),
                        unvalued: false,
                    });
                }
            }
        }
        Ok(sheet.finish())
    }
}

fn refused(finding: Finding) -> ReadOutcome {
    ReadOutcome {
        report: Report::default(),
        findings: vec![finding],
    }
}

/// What reading a sheet changed or left out: content beyond its rectangle (in 正文 that is
/// text the report would lose, so an error) and cells that lost invisible characters.
fn sheet_notes(sheet: &Sheet, rect: Rect, is_text: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(o) = sheet.outside {
        let cell = a1(o.first.0, o.first.1);
        let more = if o.count > 1 {
            format!("等{}个单元格", o.count)
        } else {
            String::new()
        };
        let mut f = Finding::new(
            Code::S4,
            format!(
                "{}!{cell} {more}在读取范围 A1:{} 之外，已忽略{}。",
                sheet.name,
                a1(rect.rows - 1, rect.cols - 1),
                if is_text {
                    "，这些文字不会进入报告"
                } else {
                    ""
                }
            ),
        )
        .hint(if is_text {
            "请把正文移到「段落内容」列，每段一行。"
        } else {
            "请删除表格之外的内容，或确认其中没有需要填报的数字。"
        })
        .at(&sheet.name, Some(cell));
        if is_text {
            f = f.severity(Severity::Error);
        }
        out.push(f);
    }
    for &(r, c) in &sheet.cleaned {
        out.push(
            Finding::new(
                Code::C2,
                "单元格中有看不见的字符（零宽空格、软连字符、字节顺序标记等，多见于从网页或聊天软件复制的文字），已删除。",
            )
            .at(&sheet.name, Some(a1(r, c))),
        );
    }
    out
}

fn read_info(sheet: &Sheet, report: &mut Report, findings: &mut Vec<Finding>) {
    let info = &mut report.info;
    for (key, label, _) in input::INFO_FIELDS {
        let Some(&(r, c)) = sheet.find(label).first() else {
            if key == "agency" || key == "year" {
                findings.push(
                    Finding::new(Code::S2, format!("找不到「{label}」一行。"))
                        .hint(format!("请在第一列写「{label}」，第二列填写内容。"))
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
        info.cells.insert(key.to_string(), cell.clone());
        match key {
            "agency" => info.agency = text,
            "year" => match parse_year(sheet.get(vr, vc)) {
                Some(y) => info.year = Some(y),
                None => findings.push(
                    Finding::new(Code::Y2, format!("报告年度「{text}」不是年份。"))
                        .hint("请填写四位数字年份，例如 2025。")
                        .at(&sheet.name, Some(cell)),
                ),
            },
            "published" => match parse_date(sheet.get(vr, vc)) {
                Some(d) => {
                    info.published = Some(d);
                    info.published_text = d.chinese();
                }
                None if let Some(d) = super::typed::chinese_date(&text) => {
                    info.published = Some(d);
                    info.published_text = d.chinese();
                    findings.push(
                        Finding::new(
                            Code::V6,
                            format!(
                                "发布日期「{text}」已按 {} 读取，报告中按公文的写法用阿拉伯数字。",
                                d.chinese()
                            ),
                        )
                        .at(&sheet.name, Some(cell)),
                    );
                }
                None => findings.push(
                    Finding::new(Code::Y6, format!("发布日期「{text}」无法识别为日期。"))
                        .hint("请填写如「2026年1月20日」或「2026-01-20」。")
                        .at(&sheet.name, Some(cell)),
                ),
            },
            "kind" => info.kind = text,
            "scope" => info.scope = text,
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
pub fn parse_date_text(text: &str) -> Option<Date> {
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
                    "找不到表头「{}」「{}」「{}」。",
                    input::TEXT_SECTION,
                    input::TEXT_TOPIC,
                    input::TEXT_BODY
                ),
            )
            .hint("请保留模板第一行的表头。")
            .at(&sheet.name, None),
        );
        return;
    };
    let mut section: Option<&'static str> = None;
    let mut seen_section = false;
    let mut unknown = std::collections::HashSet::new();
    let mut topic = String::new();
    stray_text(
        sheet,
        hr,
        [Some(sc), topic_col.map(|(_, c)| c), Some(bc)],
        findings,
    );
    for r in hr + 1..sheet.end().0 {
        let section_text = sheet.text(r, sc);
        if !section_text.is_empty() {
            seen_section = true;
            let matched = match_section(&section_text);
            section = matched.map(|(key, _)| key);
            if let Some((key, false)) = matched
                && unknown.insert(section_text.clone())
            {
                let official = schema::section_heading(key).unwrap_or_default();
                findings.push(
                    Finding::new(
                        Code::V2,
                        format!(
                            "章节写的是「{section_text}」，官方标题是「{official}」，已按编号归入该部分，报告中使用官方标题。"
                        ),
                    )
                    .hint("请从下拉列表中选择官方标题。")
                    .at(&sheet.name, Some(a1(r, sc))),
                );
            }
            // One finding per unrecognised heading, at its first cell, not one per row.
            if section.is_none() && unknown.insert(section_text.clone()) {
                findings.push(
                    Finding::new(
                        Code::S2,
                        format!(
                            "无法识别章节「{section_text}」，写着这个章节的各行段落都不会进入报告。"
                        ),
                    )
                    .hint("请从下拉列表中选择，例如「一、总体情况」。")
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
        if body.is_empty() {
            continue;
        }
        let Some(key) = section else {
            if !seen_section {
                findings.push(
                    Finding::new(
                        Code::C3,
                        format!(
                            "这段文字在第一个「{}」之前，不属于任何章节，不会进入报告。",
                            input::TEXT_SECTION,
                        ),
                    )
                    .hint(format!(
                        "请在本行的「{}」列选择所属部分，例如「一、总体情况」。",
                        input::TEXT_SECTION
                    ))
                    .at(&sheet.name, Some(a1(r, bc)))
                    .severity(Severity::Error),
                );
            }
            continue;
        };
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

/// C3: text in 正文 outside the three columns the report is made of (one finding per row).
fn stray_text(sheet: &Sheet, header_row: u32, columns: [Option<u32>; 3], out: &mut Vec<Finding>) {
    // Last year's text that `new --from` put beside the input column is there to be read by
    // the clerk, not by nianbao.
    let reference = sheet
        .find(input::TEXT_REFERENCE)
        .iter()
        .find(|(r, _)| *r == header_row)
        .map(|(_, c)| *c);
    let read_or_beside = |c: u32| columns.contains(&Some(c)) || reference == Some(c);
    for r in 0..sheet.end().0 {
        let stray = sheet
            .row_cells(r)
            .find(|c| r != header_row && (r < header_row || !read_or_beside(*c)));
        if let Some(c) = stray {
            out.push(
                Finding::new(
                    Code::C3,
                    format!(
                        "「{}」写在{}三列之外，不会进入报告。",
                        sheet.text(r, c).chars().take(20).collect::<String>(),
                        format_args!(
                            "「{}」「{}」「{}」",
                            input::TEXT_SECTION,
                            input::TEXT_TOPIC,
                            input::TEXT_BODY
                        ),
                    ),
                )
                .hint(format!(
                    "请把正文写在「{}」列（每段一行），小标题写在「{}」列。",
                    input::TEXT_BODY,
                    input::TEXT_TOPIC
                ))
                .at(&sheet.name, Some(a1(r, c))),
            );
        }
    }
}

/// The section key of a 章节 cell, and whether it is written as the format has it: the full
/// heading, its numeral (`五`, `五、`, `（五）`), or its words without the numeral are exact; a
/// known numeral with other words (`五、存在的主要问题及整改措施`) maps by the numeral, inexact.
pub(crate) fn match_section(text: &str) -> Option<(&'static str, bool)> {
    let t = normalize(text);
    let rest = strip_outline_number(&t);
    let numeral: String = t
        .chars()
        .take_while(|c| "一二三四五六".contains(*c))
        .collect();
    let numeral = if numeral.is_empty() {
        // `(五)…`: the numeral inside the brackets.
        t.trim_start_matches(['(', '（'])
            .chars()
            .take_while(|c| "一二三四五六".contains(*c))
            .collect()
    } else {
        numeral
    };
    schema::SECTIONS.iter().find_map(|(key, heading)| {
        let h = normalize(heading);
        let (n, words) = h.split_once('、').unwrap_or((&h, ""));
        let exact = t == h
            || t == n
            || t == format!("{n}、")
            || rest == words
            || (rest.is_empty() && numeral == n);
        let by_numeral = numeral == n && rest != t;
        (exact || by_numeral).then_some((*key, exact))
    })
}

pub(crate) fn read_table(
    sheet: &Sheet,
    table: &schema::Table,
    findings: &mut Vec<Finding>,
) -> TableData {
    if let Some(f) = outdated(sheet, table) {
        findings.push(f);
        return TableData::default();
    }
    let located = locate(sheet, table);
    let mut data = TableData {
        complete: located.complete(),
        ..TableData::default()
    };
    let cells = located.cells;
    findings.extend(located.findings);
    for i in located.zeros {
        let f = &table.fields[i];
        data.values
            .insert((f.row, f.col), Value::Number(Decimal::from_int(0)));
    }
    for (field, cell) in table.fields.iter().zip(&cells) {
        let Some((r, c)) = *cell else { continue };
        let mut value = read_value(sheet.get(r, c));
        if let Value::Invalid(text) = &value
            && let Some(d) = super::typed::ungrouped(text)
        {
            findings.push(
                Finding::new(
                    Code::V6,
                    format!("「{text}」中的逗号是千位分隔符，已按 {d} 读取。"),
                )
                .hint(format!("请直接填写 {d}，不加逗号。"))
                .at(&sheet.name, Some(sheet.cell_name(r, c))),
            );
            value = Value::Number(d);
        } else if let Value::Number(_) = value
            && !sheet.untyped
            && let Data::String(s) = sheet.get(r, c)
        {
            findings.push(
                Finding::new(
                    Code::V4,
                    format!("「{}」是以文本形式存储的数字，已按数值读取。", s.trim()),
                )
                .hint("请把单元格改为数值格式（选中后点单元格旁的感叹号，选「转换为数字」）。")
                .at(&sheet.name, Some(sheet.cell_name(r, c))),
            );
        }
        data.values.insert((field.row, field.col), value);
        data.sources
            .insert((field.row, field.col), sheet.cell_ref(r, c));
    }
    findings.extend(compute_unvalued_totals(sheet, table, &cells, &mut data));
    blank_totals_over_blanks(table, &mut data);
    data
}

/// A 总计 over nothing but blanks is blank, not the 0 its formula gives (Excel's SUM of empty
/// cells): a table left unfilled must not print totals of 0 beside empty cells, nor count as
/// zeros in the county's sums. A total the clerk typed as a number over blanks stays (R1–R4
/// then say it does not add up).
pub fn blank_totals_over_blanks(table: &schema::Table, data: &mut TableData) {
    let mut totals: Vec<usize> = (0..table.fields.len())
        .filter(|i| table.fields[*i].is_total)
        .collect();
    totals.sort_by_key(|i| (table.fields[*i].col == "total", *i));
    for i in totals {
        let all_blank = table.addends(i).unwrap_or_default().iter().all(|j| {
            let g = &table.fields[*j];
            matches!(data.get(g.row, g.col), Value::Blank)
        });
        let f = &table.fields[i];
        let zero = match data.get(f.row, f.col) {
            Value::Number(d) => d.mantissa == 0,
            _ => false,
        };
        if all_blank && zero {
            data.values.insert((f.row, f.col), Value::Blank);
        }
    }
}

/// A table in a format older than 2021 that cannot be read as it: the pre-2019 indicator
/// tables (S5), or 表二 of 2019 with its other columns (S2). One finding, not one per label.
fn outdated(sheet: &Sheet, table: &schema::Table) -> Option<Finding> {
    let first = |labels: &[&'static str]| {
        labels
            .iter()
            .find_map(|l| sheet.find(l).first().map(|p| (*l, *p)))
    };
    if let Some((label, (r, c))) = first(&schema::old::PRE_2019) {
        return Some(
            Finding::new(
                Code::S5,
                format!(
                    "{}是2019年以前的统计表格式（{} 有「{label}」），不是国办公开办函〔2021〕30号规定的格式，未做数字校验。",
                    table.sheet,
                    sheet.cell_name(r, c)
                ),
            )
            .hint("请用 nianbao new 生成的新模板重新填写。")
            .at(&sheet.name, Some(sheet.cell_name(r, c))),
        );
    }
    if table.id != schema::TableId::T2 {
        return None;
    }
    let (label, (r, c)) = first(&schema::old::T2_2019)?;
    Some(
        Finding::new(
            Code::S2,
            format!(
                "表二是2019年试行格式（{} 有「{label}」），各栏含义与2021年格式不同，不能换算。",
                sheet.cell_name(r, c)
            ),
        )
        .hint("请用 nianbao new 生成的新模板按2021年格式重新填写表二（本年制发件数、本年废止件数、现行有效件数、本年处理决定数量、本年收费金额）。")
        .at(&sheet.name, Some(sheet.cell_name(r, c))),
    )
}

/// V5: a workbook written by a script (openpyxl and the like) keeps its 总计 formulas but no
/// results, which would read as blanks and fail every sum. Such a total is what the official
/// format defines it to be, the sum of its addends; say so once per sheet.
fn compute_unvalued_totals(
    sheet: &Sheet,
    table: &schema::Table,
    cells: &[Option<(u32, u32)>],
    data: &mut TableData,
) -> Option<Finding> {
    // Column totals before row totals: 总计/总计 adds the column totals of its row.
    let mut totals: Vec<usize> = (0..table.fields.len())
        .filter(|i| table.fields[*i].is_total)
        .filter(|i| cells[*i].is_some_and(|(r, c)| sheet.is_unvalued(r, c)))
        .collect();
    totals.sort_by_key(|i| (table.fields[*i].col == "total", *i));
    let first = totals.first().and_then(|i| cells[*i])?;
    for &i in &totals {
        let sum: i64 = table
            .addends(i)
            .unwrap_or_default()
            .iter()
            .map(|j| data.int(table.fields[*j].row, table.fields[*j].col))
            .sum();
        let f = &table.fields[i];
        data.values
            .insert((f.row, f.col), Value::Number(Decimal::from_int(sum)));
    }
    Some(
        Finding::new(
            Code::V5,
            format!(
                "{}个「总计」单元格（{} 等）有公式但没有保存计算结果（由程序生成、未在 Excel 或 WPS 中打开保存过的工作簿常见），已按官方口径用各项之和计算。",
                totals.len(),
                sheet.cell_name(first.0, first.1)
            ),
        )
        .hint("在 Excel 或 WPS 中打开并保存一次即可消除本提示。")
        .at(&sheet.name, Some(sheet.cell_name(first.0, first.1))),
    )
}

fn read_value(value: &Data) -> Value {
    match value {
        Data::Empty => Value::Blank,
        Data::Int(i) => Value::Number(Decimal::from_int(*i)),
        Data::Float(f) => Decimal::from_f64(*f)
            .map(Value::Number)
            .unwrap_or_else(|| Value::Invalid(f.to_string())),
        Data::String(s) if s.trim().is_empty() => Value::Blank,
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            Value::Date(format!("{y}年{m}月{d}日"))
        }
        Data::DateTimeIso(s) => Value::Date(s.clone()),
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

    /// A count typed into a cell formatted as a date used to read "「45717」不是数字".
    #[test]
    fn a_date_in_a_count_cell_is_read_as_a_date() {
        use calamine::{ExcelDateTime, ExcelDateTimeType};
        let cell = Data::DateTime(ExcelDateTime::new(
            45717.0,
            ExcelDateTimeType::DateTime,
            false,
        ));
        assert_eq!(read_value(&cell), Value::Date("2025年3月1日".into()));
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
        assert_eq!(match_section("一、总体情况"), Some(("overview", true)));
        assert_eq!(match_section("五"), Some(("problems", true)));
        assert_eq!(match_section("六、"), Some(("other", true)));
        assert_eq!(match_section("（五）"), Some(("problems", true)));
        assert_eq!(match_section("总体情况"), Some(("overview", true)));
        assert_eq!(
            match_section("五.存在的主要问题及改进情况"),
            Some(("problems", true))
        );
        assert_eq!(
            match_section("五、存在的主要问题及整改措施"),
            Some(("problems", false))
        );
        assert_eq!(match_section("七、附则"), None);
        assert_eq!(match_section("附则"), None);
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
