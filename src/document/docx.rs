//! Word and WPS documents (.docx): `word/document.xml` walked once with quick-xml.
//!
//! What the reader must get right is what authors and their tools do to a report: tables with
//! merged cells (`gridSpan`; `vMerge` written bare by Word and as `w:val="continue"` by WPS),
//! rows that start later in the grid (`gridBefore`), tracked changes (read as if accepted:
//! insertions kept, deletions and moved-away text dropped; each counted for D3), content
//! controls (`w:sdt`, read through), text boxes (Word writes each twice, as DrawingML and as a
//! VML fallback: only the first is read), field codes (the instruction is not text).
//! The container is measured by the workbook guard first (zip bombs, forged directories).

use std::io::{Cursor, Read as _};

use quick_xml::events::{BytesStart, Event};

use super::{Block, Doc, Grid, Para, Refusal};
use crate::finding::{Code, Finding};
use crate::limits;
use crate::workbook::guard::{self, Container};

/// Deeper than any document a word processor writes; a deeper one is built to hurt a reader.
const MAX_DEPTH: usize = 256;

pub fn read(bytes: &[u8]) -> Result<Doc, Refusal> {
    match guard::inspect(bytes).map_err(as_document)? {
        Container::Docx => {}
        _ => return Err(not_docx()),
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| damaged())?;
    let mut part = zip.by_name("word/document.xml").map_err(|_| damaged())?;
    let mut xml = Vec::new();
    (&mut part)
        .take(limits::PART_BYTES)
        .read_to_end(&mut xml)
        .map_err(|_| damaged())?;
    walk(&xml)
}

/// The workbook guard's refusal told as a Word document's: a clerk who gave a .docx is not
/// told about workbooks or asked to save an .xlsx.
fn as_document(mut f: Refusal) -> Refusal {
    match f.code {
        Code::F1 => damaged(),
        Code::F4 => {
            f.message = f
                .message
                .replace("年报工作簿", "年报文档")
                .replace("工作簿", "Word 文档");
            f.hints.clear();
            *f = f.hint("请确认这是年度报告本身；文档中图片很多时，压缩图片或删除后另存再试。");
            f
        }
        _ => f,
    }
}

/// F1: a .docx whose zip or document part cannot be read.
fn damaged() -> Refusal {
    Box::new(
        Finding::new(
            Code::F1,
            "文件扩展名是 .docx，但无法作为 Word 文档打开（文件已损坏或不完整）。",
        )
        .hint("请重新下载或向报送单位索取该文档，用 Word 或 WPS 打开确认无误后「另存为」Word 文档（*.docx）再试。"),
    )
}

fn not_docx() -> Refusal {
    Box::new(
        Finding::new(Code::F1, "文件扩展名是 .docx，但内容不是 Word 文档。")
            .hint("请用 Word 或 WPS 打开后「另存为」Word 文档（*.docx）再试。"),
    )
}

#[derive(Default)]
struct Cell {
    text: String,
    span: usize,
    /// `Some(true)` restarts a vertical merge, `Some(false)` continues one.
    vmerge: Option<bool>,
}

#[derive(Default)]
struct Table {
    rows: Vec<(usize, Vec<Cell>)>,
    /// The open row's `gridBefore`.
    before: usize,
}

#[derive(Default)]
struct Walker {
    doc: Doc,
    tables: Vec<Table>,
    /// Open paragraphs (a text box's paragraphs sit inside a run of another).
    paras: Vec<String>,
    /// Paragraphs of text boxes, placed after the paragraph that holds them.
    boxed: Vec<String>,
    /// Depth inside what is not read: deleted or moved-away text, a VML fallback, field codes.
    skip: usize,
    in_text: bool,
    body_paras: usize,
    revisions: usize,
    first_revision: Option<String>,
}

fn walk(xml: &[u8]) -> Result<Doc, Refusal> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut w = Walker::default();
    let mut depth = 0usize;
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|_| damaged())?;
        match event {
            Event::Start(e) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(damaged());
                }
                w.start(&e, false);
            }
            Event::Empty(e) => w.start(&e, true),
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                w.end(e.local_name().as_ref());
            }
            Event::Text(t) if w.in_text && w.skip == 0 => {
                w.push_text(&t.xml10_content());
            }
            Event::GeneralRef(r) if w.in_text && w.skip == 0 => {
                let text = match r.as_ref() {
                    "amp" => "&".to_string(),
                    "lt" => "<".to_string(),
                    "gt" => ">".to_string(),
                    "quot" => "\"".to_string(),
                    "apos" => "'".to_string(),
                    n => r
                        .resolve_char_ref()
                        .ok()
                        .flatten()
                        .map(String::from)
                        .unwrap_or_else(|| format!("&{n};")),
                };
                w.push_text(&text);
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if w.revisions > 0 {
        let at = w.first_revision.clone().unwrap_or_default();
        w.doc.findings.push(
            Finding::new(
                Code::D3,
                format!(
                    "文档中有{}处未处理的修订（插入或删除），已按接受全部修订读取，第一处在{at}。",
                    w.revisions
                ),
            )
            .hint("请在 Word 或 WPS 中点「审阅 → 接受所有修订」（或逐条处理）后保存，再发布。"),
        );
    }
    Ok(w.doc)
}

fn val(e: &BytesStart) -> Option<String> {
    e.attributes()
        .flatten()
        .find_map(|a| (a.key.local_name().as_ref() == "val").then(|| a.value.to_string()))
}

impl Walker {
    fn start(&mut self, e: &BytesStart, empty: bool) {
        let name = e.local_name();
        let name = name.as_ref();
        // Elements whose content is not read open a skipped region (not when empty).
        let skipped = matches!(
            name,
            "del" | "moveFrom" | "Fallback" | "instrText" | "delText"
        );
        if matches!(name, "ins" | "del" | "moveFrom" | "moveTo") && !empty && self.skip == 0 {
            self.revision();
        }
        if skipped {
            if !empty {
                self.skip += 1;
            }
            return;
        }
        if self.skip > 0 {
            return;
        }
        match name {
            "p" if !empty => self.paras.push(String::new()),
            "t" if !empty => self.in_text = true,
            "tab" if !self.paras.is_empty() => self.push_text("\t"),
            "br" | "cr" if !self.paras.is_empty() => self.push_text("\n"),
            "tbl" if !empty => self.tables.push(Table::default()),
            "tr" if !empty => {
                if let Some(t) = self.tables.last_mut() {
                    t.before = 0;
                    t.rows.push((0, Vec::new()));
                }
            }
            "gridBefore" => {
                let n = val(e).and_then(|v| v.parse().ok()).unwrap_or(0usize);
                if let Some(t) = self.tables.last_mut() {
                    t.before = n.min(limits::TABLE_RECT.cols as usize);
                    if let Some(row) = t.rows.last_mut() {
                        row.0 = t.before;
                    }
                }
            }
            "tc" if !empty => {
                if let Some((_, cells)) = self.tables.last_mut().and_then(|t| t.rows.last_mut()) {
                    cells.push(Cell {
                        span: 1,
                        ..Cell::default()
                    });
                }
            }
            "gridSpan" => {
                let n = val(e).and_then(|v| v.parse().ok()).unwrap_or(1usize);
                if let Some(c) = self.open_cell() {
                    c.span = n.clamp(1, limits::TABLE_RECT.cols as usize);
                }
            }
            "vMerge" => {
                let restart = val(e).is_some_and(|v| v == "restart");
                if let Some(c) = self.open_cell() {
                    c.vmerge = Some(restart);
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        if matches!(
            name,
            "del" | "moveFrom" | "Fallback" | "instrText" | "delText"
        ) {
            self.skip = self.skip.saturating_sub(1);
            return;
        }
        if self.skip > 0 {
            return;
        }
        match name {
            "t" => self.in_text = false,
            "p" => self.end_paragraph(),
            "tbl" => {
                if let Some(t) = self.tables.pop() {
                    let number = 1 + self
                        .doc
                        .blocks
                        .iter()
                        .filter(|b| matches!(b, Block::Table(_)))
                        .count();
                    let grid = expand(t, number);
                    match self.open_cell() {
                        // A table inside a cell: its text belongs to the cell.
                        Some(c) => {
                            for text in grid.texts() {
                                c.text.push('\n');
                                c.text.push_str(text);
                            }
                        }
                        None => self.doc.blocks.push(Block::Table(grid)),
                    }
                }
            }
            _ => {}
        }
    }

    fn open_cell(&mut self) -> Option<&mut Cell> {
        self.tables.last_mut()?.rows.last_mut()?.1.last_mut()
    }

    fn push_text(&mut self, text: &str) {
        if let Some(p) = self.paras.last_mut()
            && p.len() < limits::PARAGRAPH_CHARS * 4
        {
            p.push_str(text);
        }
    }

    fn end_paragraph(&mut self) {
        let Some(text) = self.paras.pop() else {
            return;
        };
        if !self.paras.is_empty() {
            // A text box's paragraph: after the one that holds it.
            self.boxed.push(text);
            return;
        }
        let mut texts = vec![text];
        texts.append(&mut self.boxed);
        for text in texts {
            if let Some(c) = self.open_cell() {
                if !c.text.is_empty() {
                    c.text.push('\n');
                }
                c.text.push_str(&text);
            } else if !text.trim().is_empty() {
                self.body_paras += 1;
                self.doc.blocks.push(Block::Para(Para {
                    text,
                    place: format!("第{}段", self.body_paras),
                }));
            }
        }
    }

    fn revision(&mut self) {
        self.revisions += 1;
        if self.first_revision.is_some() {
            return;
        }
        let tables = self
            .doc
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::Table(_)))
            .count();
        self.first_revision = Some(match self.tables.last() {
            Some(t) => {
                let row = format!("第{}个表格第{}行", tables + 1, t.rows.len().max(1));
                match t.rows.last() {
                    // The open cell is the last pushed; its grid column follows the spans before.
                    Some((before, cells)) if !cells.is_empty() => {
                        let spans: usize = cells[..cells.len() - 1].iter().map(|c| c.span).sum();
                        format!("{row}第{}列", before + spans + 1)
                    }
                    _ => row,
                }
            }
            None => format!("第{}段", self.body_paras + 1),
        });
    }
}

/// A Word table into a grid: each cell at its grid column (after `gridBefore` and the spans
/// before it), a vertically continued cell left empty as a merged worksheet cell is.
fn expand(table: Table, number: usize) -> Grid {
    let max_rows = limits::TABLE_RECT.rows as usize;
    let max_cols = limits::TABLE_RECT.cols as usize;
    let mut rows = Vec::new();
    for (before, cells) in table.rows.into_iter().take(max_rows) {
        let mut row = vec![String::new(); before.min(max_cols)];
        for cell in cells {
            if row.len() >= max_cols {
                break;
            }
            let text = if cell.vmerge == Some(false) {
                String::new()
            } else {
                cell.text
            };
            row.push(text);
            for _ in 1..cell.span {
                if row.len() < max_cols {
                    row.push(String::new());
                }
            }
        }
        rows.push(row);
    }
    let places = (0..rows.len())
        .map(|r| format!("第{number}个表格第{}行", r + 1))
        .collect();
    Grid { rows, places }
}
