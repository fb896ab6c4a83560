//! A look at a workbook's bytes before any parser sees them.
//!
//! Parsers trust what a file declares: calamine reserves the shared-string count a file states
//! and builds one dense grid from a sheet's first to its last cell, so a single value at
//! XFD1048576 or a 5 MB file that expands to gigabytes aborts the process (an allocation failure
//! is not a panic). Here the container is opened with the zip or compound-file reader alone, every
//! part is expanded into a counter with a cap (declared sizes are not believed), and the things
//! that size a parser's allocations (string counts, the extent of .ods and .xls sheets) are
//! measured. A workbook over a limit is refused with one finding and never parsed.

use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};

use crate::finding::{Code, Finding};
use crate::model::a1;

use crate::limits::{self, mb};

/// Why a workbook is not read: one finding, boxed (it travels in `Err` through every check).
pub type Refusal = Box<Finding>;

/// What the bytes are, as far as the reader cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// An Office Open XML workbook (xlsx, xlsm).
    Xlsx,
    /// An OpenDocument spreadsheet.
    Ods,
    /// A BIFF workbook in a compound file (.xls, and WPS .et saved in that form).
    Xls,
    /// A Word document (.docx): a report written in Word or WPS (`document::docx`).
    Docx,
}

/// The container of `bytes` if it is within every limit, else the finding that says why not.
pub fn inspect(bytes: &[u8]) -> Result<Container, Refusal> {
    if bytes.len() as u64 > limits::FILE_BYTES {
        return Err(too_big(format!(
            "文件有 {}，超过年报工作簿的上限 {}",
            mb(bytes.len() as u64),
            mb(limits::FILE_BYTES)
        )));
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        inspect_zip(bytes)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        inspect_cfb(bytes)
    } else {
        Err(not_a_workbook(bytes))
    }
}

fn too_big(what: String) -> Refusal {
    Box::new(
        Finding::new(
            Code::F4,
            format!("{what}，未读取。正常填写的年报工作簿只有几十 KB。"),
        )
        .hint("请检查是否误存了大量数据、图片或公式，删除多余内容后另存为 .xlsx 再试。"),
    )
}

/// F1 with the parser's own words appended, for the support desk.
pub fn unreadable(detail: impl std::fmt::Display) -> Refusal {
    Box::new(
        Finding::new(
            Code::F1,
            format!(
                "无法识别为 Excel/WPS/LibreOffice 工作簿，文件可能已损坏（技术信息：{detail}）。"
            ),
        )
        .hint("请用 Excel 或 WPS 打开后另存为 .xlsx 再试。"),
    )
}

/// Text files and other formats by their first bytes, so the message can say what the file is.
fn not_a_workbook(bytes: &[u8]) -> Refusal {
    let head = &bytes[..bytes.len().min(512)];
    let what = if bytes.is_empty() {
        "文件是空的（0字节）"
    } else if head.starts_with(b"%PDF") {
        "这是 PDF 文件，不是工作簿"
    } else if std::str::from_utf8(head).is_ok() || head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        "这是文本文件（可能是 CSV 或网页另存的表格），不是工作簿"
    } else {
        "文件内容不是 Excel/WPS/LibreOffice 工作簿"
    };
    Box::new(
        Finding::new(Code::F1, format!("{what}。"))
            .hint("请用 nianbao new 生成的模板填写，用 Excel 或 WPS 打开后另存为 .xlsx 再试。"),
    )
}

/// Expands every part of a zip container into a counter, refusing it past the limits, and
/// measures the parts that size the parser's allocations.
fn inspect_zip(bytes: &[u8]) -> Result<Container, Refusal> {
    zip_directory(bytes)?;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    if zip.len() > limits::PARTS {
        return Err(too_big(format!(
            "工作簿由{}个部件组成，超过上限 {}",
            zip.len(),
            limits::PARTS
        )));
    }
    let mut total = 0u64;
    let mut container = None;
    let mut ods_content = None;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(unreadable)?;
        if part.encrypted() {
            return Err(password());
        }
        let name = part.name().map(|n| n.to_string()).unwrap_or_default();
        let keep =
            name == "mimetype" || name == "content.xml" || name.ends_with("sharedStrings.xml");
        let mut data = Vec::new();
        let size = if keep {
            (&mut part)
                .take(limits::PART_BYTES + 1)
                .read_to_end(&mut data)
                .map_err(unreadable)? as u64
        } else {
            std::io::copy(
                &mut (&mut part).take(limits::PART_BYTES + 1),
                &mut std::io::sink(),
            )
            .map_err(unreadable)?
        };
        if size > limits::PART_BYTES {
            return Err(too_big(format!(
                "工作簿中的「{name}」解压后超过 {}",
                mb(limits::PART_BYTES)
            )));
        }
        total += size;
        if total > limits::TOTAL_BYTES {
            return Err(too_big(format!(
                "工作簿解压后超过 {}",
                mb(limits::TOTAL_BYTES)
            )));
        }
        if name == "mimetype" && data.starts_with(b"application/vnd.oasis.opendocument.spreadsheet")
        {
            container = Some(Container::Ods);
        } else if name == "word/document.xml" {
            container = Some(Container::Docx);
        } else if name == "[Content_Types].xml" || name.starts_with("xl/") {
            container.get_or_insert(Container::Xlsx);
        }
        if name.ends_with("sharedStrings.xml") {
            shared_strings(&data)?;
        } else if name == "content.xml" {
            ods_content = Some(data);
        }
    }
    match container {
        Some(Container::Ods) => {
            ods_extent(ods_content.as_deref().unwrap_or_default())?;
            Ok(Container::Ods)
        }
        Some(c) => Ok(c),
        None => Err(unreadable("压缩包中没有工作簿内容")),
    }
}

/// The zip reader sizes its tables from the end-of-central-directory record's entry count and
/// directory size; a forged record (zip64 allows 2^64) would make it reserve without bound.
/// Those numbers must agree with the file: no more entries than the limit, a directory inside it.
fn zip_directory(bytes: &[u8]) -> Result<(), Refusal> {
    let u16_at = |i: usize| {
        bytes
            .get(i..i + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]) as u64)
    };
    let u32_at = |i: usize| {
        bytes
            .get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as u64)
    };
    let u64_at = |i: usize| {
        bytes
            .get(i..i + 8)
            .and_then(|b| b.try_into().ok())
            .map(u64::from_le_bytes)
    };
    let broken = || unreadable("压缩包目录异常");
    // The record is 22 bytes plus a comment of at most 65,535.
    let from = bytes.len().saturating_sub(22 + 65_535);
    let eocd = (from..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| bytes[i..i + 4] == *b"PK\x05\x06")
        .ok_or_else(broken)?;
    let (mut entries, mut size, mut start) = (
        u16_at(eocd + 10).ok_or_else(broken)?,
        u32_at(eocd + 12).ok_or_else(broken)?,
        u32_at(eocd + 16).ok_or_else(broken)?,
    );
    // zip64: a locator just before the record points at the real numbers.
    if (entries == 0xFFFF || size == 0xFFFF_FFFF || start == 0xFFFF_FFFF)
        && eocd >= 20
        && bytes[eocd - 20..eocd - 16] == *b"PK\x06\x07"
    {
        let record = u64_at(eocd - 12).ok_or_else(broken)? as usize;
        if bytes.get(record..record + 4) != Some(b"PK\x06\x06") {
            return Err(broken());
        }
        entries = u64_at(record + 32).ok_or_else(broken)?;
        size = u64_at(record + 40).ok_or_else(broken)?;
        start = u64_at(record + 48).ok_or_else(broken)?;
    }
    if entries > limits::PARTS as u64 {
        return Err(too_big(format!(
            "工作簿声明由{entries}个部件组成，超过上限 {}",
            limits::PARTS
        )));
    }
    if start.saturating_add(size) > bytes.len() as u64 {
        return Err(broken());
    }
    Ok(())
}

fn password() -> Refusal {
    Box::new(Finding::new(
        Code::F3,
        "工作簿设置了打开密码，无法读取。",
    )
    .hint("请在 Excel 中依次点「文件 → 信息 → 保护工作簿 → 用密码进行加密」，清空密码后保存（WPS：「文件 → 文档加密 → 密码加密」）；或另存一份不加密的 .xlsx 再提交。"))
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .map(|a| a.value.into_owned())
}

/// The shared-string table: calamine reserves its declared count up front and then keeps every
/// string, so both the declared and the actual count must be bounded.
fn shared_strings(xml: &[u8]) -> Result<(), Refusal> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut count = 0u64;
    let over = |n: u64| {
        too_big(format!(
            "工作簿的共享字符串表有{n}项，超过上限 {}",
            limits::SHARED_STRINGS
        ))
    };
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "sst" => {
                    for key in ["uniqueCount", "count"] {
                        let declared = attr(&e, key).and_then(|v| v.trim().parse::<u64>().ok());
                        match (key, declared) {
                            // `count` may legitimately exceed the cap (every use of a string).
                            ("uniqueCount", Some(n)) if n > limits::SHARED_STRINGS => {
                                return Err(over(n));
                            }
                            ("uniqueCount", None) if attr(&e, key).is_some() => {
                                return Err(unreadable("共享字符串表的数量不是数字"));
                            }
                            _ => {}
                        }
                    }
                }
                "si" => {
                    count += 1;
                    if count > limits::SHARED_STRINGS {
                        return Err(over(count));
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) => return Ok(()),
            // Malformed XML is the parser's to report, with its own message.
            Err(_) => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

/// How far a sheet reaches: rows and columns from A1 to its farthest filled cell, and the cells
/// a whole-sheet reader would allocate for it.
#[derive(Debug, Default, Clone, Copy)]
struct Extent {
    last_row: Option<u64>,
    last_col: u64,
    first_row: Option<u64>,
    /// Cells the reader materialises before it trims (repeats expanded).
    raw_cells: u64,
}

impl Extent {
    fn dense_cells(&self) -> u64 {
        match (self.first_row, self.last_row) {
            (Some(first), Some(last)) => (last - first + 1).saturating_mul(self.last_col + 1),
            _ => 0,
        }
    }

    fn check(&self, sheet: &str) -> Result<(), Refusal> {
        let cells = self.dense_cells().max(self.raw_cells);
        if cells <= limits::SHEET_CELLS {
            return Ok(());
        }
        let far = a1(
            self.last_row.unwrap_or(0).min(u32::MAX as u64) as u32,
            self.last_col.min(u32::MAX as u64) as u32,
        );
        Err(Box::new(Finding::new(
            Code::F4,
            format!(
                "工作表「{sheet}」的内容一直延伸到 {far}，读取需要展开约{cells}个单元格（上限 {}），未读取。",
                limits::SHEET_CELLS
            ),
        )
        .hint("请删除表格范围之外的内容（选中多余的行和列后删除，不只是清除内容），另存为 .xlsx 再试。")
        .at(sheet, Some(far))))
    }
}

/// OpenDocument sheets repeat rows and cells by attribute; calamine expands the repeats of filled
/// cells and of empty rows between filled ones, so measure what it would build.
fn ods_extent(xml: &[u8]) -> Result<(), Refusal> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut sheet = String::new();
    let mut extent = Extent::default();
    let mut row = 0u64;
    let mut row_repeat = 1u64;
    let mut col = 0u64;
    let mut row_len = 0u64;
    // Inside a cell: its column repeat and whether it holds anything.
    let mut cell: Option<(u64, bool)> = None;
    let repeat = |e: &BytesStart, key: &str| {
        attr(e, key)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(1)
            .max(1)
    };
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(_) => return Ok(()),
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.name().as_ref() {
                    "table:table" => {
                        sheet = attr(e, "table:name").unwrap_or_default();
                        extent = Extent::default();
                        row = 0;
                    }
                    "table:table-row" => {
                        row_repeat = repeat(e, "table:number-rows-repeated");
                        col = 0;
                        row_len = 0;
                        if empty {
                            row += row_repeat;
                        }
                    }
                    "table:table-cell" | "table:covered-table-cell" => {
                        let n = repeat(e, "table:number-columns-repeated").min(1 << 20);
                        let filled = e
                            .try_get_attribute("office:value-type")
                            .ok()
                            .flatten()
                            .is_some();
                        if empty {
                            end_cell(n, filled, &mut col, &mut row_len);
                        } else {
                            cell = Some((n, filled));
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(ref t) => {
                if let Some((_, filled)) = cell.as_mut()
                    && t.as_ref().chars().any(|c: char| !c.is_whitespace())
                {
                    *filled = true;
                }
            }
            Event::End(ref e) => match e.name().as_ref() {
                "table:table-cell" | "table:covered-table-cell" => {
                    if let Some((n, filled)) = cell.take() {
                        end_cell(n, filled, &mut col, &mut row_len);
                    }
                }
                "table:table-row" => {
                    if row_len > 0 {
                        extent.first_row.get_or_insert(row);
                        extent.last_row = Some(row + row_repeat - 1);
                        extent.last_col = extent.last_col.max(row_len - 1);
                        extent.raw_cells = extent.raw_cells.saturating_add(row_len);
                        extent.check(&sheet)?;
                    }
                    row += row_repeat;
                }
                "table:table" => extent.check(&sheet)?,
                _ => {}
            },
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

/// Moves past a cell repeated `n` times; a filled one extends the row to its end.
fn end_cell(n: u64, filled: bool, col: &mut u64, row_len: &mut u64) {
    *col = col.saturating_add(n);
    if filled {
        *row_len = *col;
    }
}

/// Compound files: a password-protected xlsx (Office stores those encrypted inside one), or a
/// BIFF workbook whose sheets are measured record by record.
fn inspect_cfb(bytes: &[u8]) -> Result<Container, Refusal> {
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(unreadable)?;
    if cfb.is_stream("EncryptionInfo") || cfb.is_stream("EncryptedPackage") {
        return Err(password());
    }
    let name = ["Workbook", "Book", "WorkBook"]
        .into_iter()
        .find(|n| cfb.is_stream(n));
    let Some(name) = name else {
        return Err(Box::new(
            Finding::new(
                Code::F1,
                "这是 Office 文件，但不是工作簿（可能是 Word 文档）。",
            )
            .hint("请用 nianbao new 生成的模板填写，另存为 .xlsx 再试。"),
        ));
    };
    let mut stream = Vec::new();
    cfb.open_stream(name)
        .and_then(|s| s.take(limits::FILE_BYTES * 4).read_to_end(&mut stream))
        .map_err(unreadable)?;
    biff_extent(&stream)?;
    Ok(Container::Xls)
}

/// Walks the BIFF records: FILEPASS means a password, cell records give each sheet's extent.
fn biff_extent(stream: &[u8]) -> Result<(), Refusal> {
    let mut names: Vec<String> = Vec::new();
    let mut sheet: Option<usize> = None;
    let mut extent = Extent::default();
    let mut at = 0usize;
    let sheet_name = |names: &Vec<String>, i: Option<usize>| {
        i.and_then(|i| names.get(i).cloned())
            .unwrap_or_else(|| format!("第{}个工作表", i.unwrap_or(0) + 1))
    };
    let mut substream = 0usize;
    while at + 4 <= stream.len() {
        let kind = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let len = u16::from_le_bytes([stream[at + 2], stream[at + 3]]) as usize;
        let data = &stream[(at + 4).min(stream.len())..(at + 4 + len).min(stream.len())];
        at += 4 + len;
        let u16_at = |i: usize| {
            data.get(i..i + 2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]) as u64)
        };
        match kind {
            0x002F if u16_at(0).unwrap_or(0) != 0 => return Err(password()),
            0x0085 => names.push(boundsheet_name(data)),
            0x0809 => {
                // Each BOF after the globals opens the next sheet's substream.
                if substream > 0 {
                    extent.check(&sheet_name(&names, sheet))?;
                    sheet = Some(substream - 1);
                    extent = Extent::default();
                }
                substream += 1;
            }
            0x0006 | 0x0203 | 0x0204 | 0x0205 | 0x00D6 | 0x00FD | 0x027E | 0x00BD => {
                let (Some(r), Some(c)) = (u16_at(0), u16_at(2)) else {
                    continue;
                };
                let last_col = if kind == 0x00BD {
                    u16_at(data.len().saturating_sub(2)).unwrap_or(c)
                } else {
                    c
                };
                extent.first_row = Some(extent.first_row.map_or(r, |f| f.min(r)));
                extent.last_row = Some(extent.last_row.map_or(r, |l| l.max(r)));
                extent.last_col = extent.last_col.max(last_col);
            }
            _ => {}
        }
    }
    extent.check(&sheet_name(&names, sheet))
}

/// The sheet name in a BOUNDSHEET8 record: 6 bytes, then a length, a flag and the characters.
fn boundsheet_name(data: &[u8]) -> String {
    let (Some(&len), Some(&flag)) = (data.get(6), data.get(7)) else {
        return String::new();
    };
    let chars = &data[8.min(data.len())..];
    if flag & 1 == 1 {
        let units: Vec<u16> = chars
            .chunks_exact(2)
            .take(len as usize)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        chars
            .iter()
            .take(len as usize)
            .map(|&b| b as char)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_empty_files_say_what_they_are() {
        let f = inspect(b"").unwrap_err();
        assert!(f.message.contains("空的"), "{}", f.message);
        let f = inspect("机关名称,报告年度\n".as_bytes()).unwrap_err();
        assert!(f.message.contains("文本文件"), "{}", f.message);
        assert_eq!(f.code, Code::F1);
    }

    /// A forged end-of-directory record must not size the zip reader's tables.
    #[test]
    fn forged_zip_directories_are_refused() {
        let record = |entries: u16, size: u32| {
            let mut eocd = b"PK\x05\x06".to_vec();
            eocd.extend([0, 0, 0, 0]);
            eocd.extend([entries.to_le_bytes(), entries.to_le_bytes()].concat());
            eocd.extend(size.to_le_bytes());
            eocd.extend(0u32.to_le_bytes());
            eocd.extend([0, 0]);
            eocd
        };
        // A directory that would reach past the end of the file.
        let mut file = b"PK\x03\x04".to_vec();
        file.extend(record(3, 0xFFFF_FFF0));
        assert_eq!(inspect(&file).unwrap_err().code, Code::F1);
        let eocd = record(0xFFFF, 0xFFFF_FFFF);
        // zip64: a locator pointing at a record that claims 2^40 entries.
        let mut record = b"PK\x06\x06".to_vec();
        record.extend([0u8; 28]);
        record.extend((1u64 << 40).to_le_bytes());
        record.extend(16u64.to_le_bytes());
        record.extend(0u64.to_le_bytes());
        let mut file = b"PK\x03\x04".to_vec();
        let at = file.len() as u64;
        file.extend(&record);
        file.extend(b"PK\x06\x07");
        file.extend(0u32.to_le_bytes());
        file.extend(at.to_le_bytes());
        file.extend(1u32.to_le_bytes());
        file.extend(&eocd);
        assert_eq!(inspect(&file).unwrap_err().code, Code::F4);
    }

    #[test]
    fn ods_repeats_are_measured_before_expansion() {
        let row = |repeat: u64| {
            format!(
                r#"<table:table-row table:number-rows-repeated="{repeat}"><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#
            )
        };
        let doc = |rows: String| {
            format!(
                r#"<office:document-content><table:table table:name="表三">{rows}</table:table></office:document-content>"#
            )
        };
        assert!(ods_extent(doc(row(1000)).as_bytes()).is_ok());
        let f = ods_extent(doc(row(5_000_000)).as_bytes()).unwrap_err();
        assert_eq!(f.code, Code::F4);
        assert_eq!(f.sheet.as_deref(), Some("表三"));
        assert_eq!(f.cell.as_deref(), Some("A5000000"));
        // Trailing empty rows, as LibreOffice writes them, cost nothing.
        let trailing = format!(
            "{}<table:table-row table:number-rows-repeated=\"1048000\"><table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>",
            row(1)
        );
        assert!(ods_extent(doc(trailing).as_bytes()).is_ok());
    }

    #[test]
    fn biff_cells_far_away_are_refused() {
        let record = |kind: u16, data: &[u8]| {
            let mut r = kind.to_le_bytes().to_vec();
            r.extend((data.len() as u16).to_le_bytes());
            r.extend(data);
            r
        };
        let mut s = record(0x0809, &[0; 16]);
        s.extend(record(0x0085, &[0, 0, 0, 0, 0, 0, 2, 0, b'T', b'3']));
        s.extend(record(0x0809, &[0; 16]));
        s.extend(record(0x0203, &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
        assert!(biff_extent(&s).is_ok());
        s.extend(record(
            0x0203,
            &[0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ));
        let f = biff_extent(&s).unwrap_err();
        assert_eq!(f.sheet.as_deref(), Some("T3"));
        assert_eq!(f.cell.as_deref(), Some("IV65536"));
        let mut locked = record(0x0809, &[0; 16]);
        locked.extend(record(0x002F, &[1, 0]));
        assert_eq!(biff_extent(&locked).unwrap_err().code, Code::F3);
    }
}
