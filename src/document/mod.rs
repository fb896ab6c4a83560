//! Reports written as documents — Word and WPS drafts (.docx), portal pages (.html), published
//! PDFs — read into the same `Report` as a workbook, with the same findings.
//!
//! Each format's reader only produces a `Doc`: the paragraphs and tables in reading order, every
//! table expanded from its spans into a grid whose merged cells hold their text in the top-left
//! position, as a worksheet holds a merged range. `assemble` does the rest for every format: the
//! title gives the agency and year, the six headings the sections, and each official table is
//! located by its labels with the workbook reader's own `locate` (calamine's idea: one layer over
//! many formats, so nothing after `Report` knows where a report came from).

mod assemble;
pub mod docx;
pub mod html;
pub mod pdf;

use std::path::Path;

use crate::finding::{Code, Finding};
use crate::limits;
use crate::workbook::ReadOutcome;
use crate::workbook::read;

pub use assemble::assemble;

/// A paragraph of running text and where a clerk finds it again (`第12段`, `第3页第2段`).
#[derive(Debug, Clone, PartialEq)]
pub struct Para {
    pub text: String,
    pub place: String,
}

/// A table as a grid: `rows[r][c]` is the text of the cell whose top-left corner is there
/// (empty inside a merge). `places[r]` names row `r` as printed (`第2个表格第12行`, `第4页表格第3行`);
/// a cell is that plus `第4列`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grid {
    pub rows: Vec<Vec<String>>,
    pub places: Vec<String>,
}

impl Grid {
    pub fn place(&self, row: usize, col: usize) -> String {
        match self.places.get(row) {
            Some(p) => format!("{p}第{}列", col + 1),
            None => format!("第{}行第{}列", row + 1, col + 1),
        }
    }

    /// The number of columns of its widest row.
    pub fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }

    /// Every non-empty cell text.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.rows.iter().flatten().map(String::as_str)
    }
}

/// Drops the leading rows of `next` that repeat the leading rows of `first`: the header a word
/// processor repeats on a new page, or an author copied above the second half of a split table.
pub fn drop_repeated_header(first: &Grid, next: &mut Grid) {
    let key = |row: &[String]| -> Vec<String> {
        row.iter()
            .map(|t| crate::workbook::labels::normalize(t))
            .collect()
    };
    let mut n = 0;
    while n < next.rows.len()
        && n < first.rows.len()
        && next.rows[n].iter().any(|t| !t.trim().is_empty())
        && key(&next.rows[n]) == key(&first.rows[n])
    {
        n += 1;
    }
    next.rows.drain(..n);
    next.places.drain(..n.min(next.places.len()));
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Para(Para),
    Table(Grid),
}

/// What a format reader gives: the blocks in reading order and what it noticed on the way
/// (tracked changes, a font it could not decode …).
#[derive(Debug, Default)]
pub struct Doc {
    pub blocks: Vec<Block>,
    pub findings: Vec<Finding>,
}

/// The document formats nianbao reads, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Docx,
    Html,
    Pdf,
}

impl Kind {
    pub const EXTENSIONS: [&'static str; 4] = ["docx", "html", "htm", "pdf"];

    pub fn of(path: &Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "docx" => Some(Kind::Docx),
            "html" | "htm" => Some(Kind::Html),
            "pdf" => Some(Kind::Pdf),
            _ => None,
        }
    }
}

/// Reads the document at `path` as a report; never panics, never fails: problems are findings.
/// At most one byte past the size limit is read.
pub fn read_file(path: &Path, kind: Kind) -> ReadOutcome {
    match read::load(path) {
        Ok(bytes) => read_bytes(&bytes, kind, &read::stem(path)),
        Err(f) => refused(*f),
    }
}

/// Reads a document's bytes; `stem` (the file name without extension) gives agency and year
/// where the title does not.
pub fn read_bytes(bytes: &[u8], kind: Kind, stem: &str) -> ReadOutcome {
    if bytes.len() as u64 > limits::FILE_BYTES {
        return refused(
            Finding::new(
                Code::F4,
                format!(
                    "文件有 {}，超过年报文档的上限 {}，未读取。",
                    limits::mb(bytes.len() as u64),
                    limits::mb(limits::FILE_BYTES)
                ),
            )
            .hint("请检查文档中是否有大量图片，压缩图片或删除后另存再试。"),
        );
    }
    let doc = match kind {
        Kind::Docx => docx::read(bytes),
        Kind::Html => html::read(bytes),
        Kind::Pdf => pdf::read(bytes),
    };
    match doc {
        Ok(doc) => assemble(doc, stem),
        Err(f) => refused(*f),
    }
}

fn refused(finding: Finding) -> ReadOutcome {
    ReadOutcome {
        report: Default::default(),
        findings: vec![finding],
    }
}

/// Why a document is not read at all: one finding.
pub type Refusal = Box<Finding>;

/// Text as the reports print it: runs of white space (line ends inside a cell, `&nbsp;`,
/// ideographic spaces used for indenting) folded to one space between Latin words and removed
/// next to Chinese, so `申请人 情况` and `申请人情况` are the same words.
pub fn clean_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() || crate::workbook::sheet::is_invisible(c) {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            let prev = out.chars().last().unwrap_or(' ');
            if !is_cjk(prev) && !is_cjk(c) {
                out.push(' ');
            }
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Chinese characters and the full-width punctuation set with them.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FFF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
        || "“”‘’—…·".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_fold_as_chinese_text_has_them() {
        assert_eq!(clean_text("申请人 \n 情况"), "申请人情况");
        assert_eq!(
            clean_text("\u{3000}\u{3000}2024 年，共 12 件"),
            "2024年，共12件"
        );
        assert_eq!(clean_text("www.gov.cn  and more"), "www.gov.cn and more");
        assert_eq!(clean_text("a\u{a0}b"), "a b");
    }
}
