//! Published PDFs with a text layer (WPS, Word, LibreOffice, Chromium, nianbao): positioned
//! glyphs and ruling lines from each page's content stream (`content`), the official tables
//! rebuilt from the rules that draw their cells (`lattice`: a number belongs to the cell whose
//! box holds it), and the running text rejoined into paragraphs across lines and pages with page
//! numbers, headers and footers taken out (`flow`). A table that runs over a page break is
//! joined with its continuation (columns matched by position, repeated header rows dropped).
//!
//! Everything a hostile file could inflate is bounded (`Budget`): the objects lopdf decodes on
//! load, each content stream, the operators and glyphs of the document, the pages read.

mod content;
mod flow;
mod lattice;

use lopdf::{Document, Object};

use super::{Block, Doc, Refusal};
use crate::finding::{Code, Finding};
use crate::workbook::guard;

/// Far more pages than any annual report has.
const MAX_PAGES: usize = 200;
/// Decoded bytes of one stream (a page's content, a form, a font map).
const STREAM_BYTES: usize = 16 * 1024 * 1024;
/// Operators interpreted over the whole document.
const OPERATORS: usize = 4_000_000;
/// Glyphs and rules kept over the whole document.
const GLYPHS: usize = 2_000_000;

/// What interpreting a document may spend.
pub struct Budget {
    ops: usize,
    glyphs: usize,
    pub exhausted: bool,
}

impl Budget {
    fn new() -> Budget {
        Budget {
            ops: OPERATORS,
            glyphs: GLYPHS,
            exhausted: false,
        }
    }

    fn op(&mut self) -> bool {
        self.take(|b| &mut b.ops)
    }

    fn glyph(&mut self) -> bool {
        self.take(|b| &mut b.glyphs)
    }

    fn take(&mut self, pick: impl Fn(&mut Budget) -> &mut usize) -> bool {
        let n = pick(self);
        if *n == 0 {
            self.exhausted = true;
            return false;
        }
        *n -= 1;
        true
    }

    fn stream_limit(&self) -> usize {
        STREAM_BYTES
    }

    fn content(&mut self, stream: &lopdf::Stream) -> Option<Vec<u8>> {
        stream.get_plain_content_with_limit(STREAM_BYTES).ok()
    }
}

pub fn read(bytes: &[u8]) -> Result<Doc, Refusal> {
    if !bytes.starts_with(b"%PDF")
        && !bytes[..bytes.len().min(1024)]
            .windows(5)
            .any(|w| w == b"%PDF-")
    {
        return Err(Box::new(
            Finding::new(Code::F1, "文件扩展名是 .pdf，但内容不是 PDF 文件。")
                .hint("请重新下载或向发布单位索取该报告的 PDF 文件。"),
        ));
    }
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(STREAM_BYTES),
        ..Default::default()
    };
    let doc = match Document::load_mem_with_options(bytes, options) {
        Ok(doc) => doc,
        Err(e) => {
            let detail = e.to_string();
            if detail.to_ascii_lowercase().contains("encrypt")
                || detail.to_ascii_lowercase().contains("password")
            {
                return Err(encrypted());
            }
            return Err(guard::unreadable(detail));
        }
    };
    if doc.is_encrypted() || doc.trailer.get(b"Encrypt").is_ok() && doc.encryption_state.is_none() {
        return Err(encrypted());
    }
    let mut budget = Budget::new();
    let mut pages = Vec::new();
    let page_ids: Vec<_> = doc.get_pages().into_values().take(MAX_PAGES).collect();
    for id in &page_ids {
        let (w, h) = page_size(&doc, *id);
        let content = doc
            .get_page_content_with_limit(*id, STREAM_BYTES)
            .unwrap_or_default();
        let resources = page_resources(&doc, *id);
        let mut interp = content::Interpreter::new(&doc, h, &mut budget);
        interp.run(&content, resources, [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], 0);
        pages.push((interp.page, w, h));
    }
    let glyphs: usize = pages.iter().map(|(p, ..)| p.glyphs.len()).sum();
    let unmapped: usize = pages.iter().map(|(p, ..)| p.unmapped).sum();
    if glyphs == 0 || unmapped > glyphs {
        return Err(no_text(page_ids.len(), glyphs, unmapped));
    }
    let mut out = Doc::default();
    let pages_unmapped: Vec<usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, (p, ..))| p.unmapped > 0)
        .map(|(n, _)| n + 1)
        .collect();
    if let Some(first) = pages_unmapped.first() {
        out.findings
            .push(partly_unmapped(unmapped, *first, pages_unmapped.len()));
    }
    let mut tables: Vec<(usize, lattice::Table)> = Vec::new();
    let mut lines: Vec<flow::Line> = Vec::new();
    let mut found: Vec<Vec<lattice::Table>> = pages
        .iter()
        .map(|(p, ..)| lattice::tables(&p.rules))
        .collect();
    keep_cut_rows(&mut found);
    for (n, ((page, w, h), found)) in pages.into_iter().zip(found).enumerate() {
        let (inside, outside) = lattice::split_glyphs(page.glyphs, &found);
        for (mut t, glyphs) in found.into_iter().zip(inside) {
            let crossings = t.fill(glyphs);
            out.findings
                .extend(crossings.iter().map(|c| crossing(n, c)));
            tables.push((n, t));
        }
        let outside: Vec<_> = outside.into_iter().filter(|g| !g.vertical).collect();
        lines.extend(flow::lines(outside, n, w, h, &tables_tops(&tables, n)));
    }
    let lines = flow::without_furniture(lines);
    out.blocks = interleave(flow::paragraphs(&lines), tables);
    if budget.exhausted {
        out.findings.push(
            Finding::new(
                Code::F4,
                "PDF 的内容超过读取上限（文字或图形过多），只读取了前面的部分。",
            )
            .hint("请确认这是年度报告本身，而不是合订本或图片很多的文件。"),
        );
    }
    Ok(out)
}

/// A single framed cell is a table only where a page break cut a table after its first row
/// (a caption row spanning it, alone at the foot of the page): the page's last table, continued
/// at the top of the next page between the same edges. Any other box is left to the text.
fn keep_cut_rows(found: &mut [Vec<lattice::Table>]) {
    for n in 0..found.len() {
        let next_first_edges = |t: &lattice::Table| {
            found
                .get(n + 1)
                .and_then(|next| next.first())
                .is_some_and(|f| t.edges_match(f))
        };
        let last = found[n].len().saturating_sub(1);
        let keep: Vec<bool> = found[n]
            .iter()
            .enumerate()
            .map(|(i, t)| !t.is_box() || (i == last && next_first_edges(t)))
            .collect();
        let mut keep = keep.into_iter();
        found[n].retain(|_| keep.next().unwrap_or(false));
    }
}

/// Where on page `n` each table starts, so text above and below it keeps its order.
fn tables_tops(tables: &[(usize, lattice::Table)], n: usize) -> Vec<f32> {
    tables
        .iter()
        .filter(|(p, _)| *p == n)
        .map(|(_, t)| t.top())
        .collect()
}

/// Paragraphs and tables in reading order (page, then top), each continued table joined.
fn interleave(paras: Vec<flow::Paragraph>, tables: Vec<(usize, lattice::Table)>) -> Vec<Block> {
    let mut items: Vec<((usize, f32), Block)> = paras
        .into_iter()
        .map(|p| ((p.page, p.top), Block::Para(p.para)))
        .collect();
    let joined =
        lattice::join_continued(tables, &items.iter().map(|(k, _)| *k).collect::<Vec<_>>());
    for (key, grid) in joined {
        items.push((key, Block::Table(grid)));
    }
    items.sort_by(|a, b| a.0.0.cmp(&b.0.0).then(a.0.1.total_cmp(&b.0.1)));
    items.into_iter().map(|(_, b)| b).collect()
}

fn page_size(doc: &Document, id: lopdf::ObjectId) -> (f32, f32) {
    let mut node = doc.get_dictionary(id).ok();
    for _ in 0..32 {
        let Some(d) = node else { break };
        if let Ok(b) = d.get(b"MediaBox").and_then(Object::as_array)
            && b.len() == 4
        {
            let v: Vec<f32> = b
                .iter()
                .map(|o| {
                    doc.dereference(o)
                        .ok()
                        .and_then(|(_, o)| o.as_float().ok())
                        .unwrap_or(0.0)
                })
                .collect();
            return ((v[2] - v[0]).abs(), (v[3] - v[1]).abs());
        }
        node = d
            .get(b"Parent")
            .and_then(Object::as_reference)
            .ok()
            .and_then(|p| doc.get_dictionary(p).ok());
    }
    (595.0, 842.0)
}

fn page_resources(doc: &Document, id: lopdf::ObjectId) -> Option<&lopdf::Dictionary> {
    let mut node = doc.get_dictionary(id).ok();
    for _ in 0..32 {
        let d = node?;
        if let Ok(r) = d.get_deref(b"Resources", doc).and_then(Object::as_dict) {
            return Some(r);
        }
        node = d
            .get(b"Parent")
            .and_then(Object::as_reference)
            .ok()
            .and_then(|p| doc.get_dictionary(p).ok());
    }
    None
}

/// D5: a word printed across a column rule of a table on page `page` (0-based).
fn crossing(page: usize, (row, col, word): &lattice::Crossing) -> Finding {
    Finding::new(
        Code::D5,
        format!(
            "第{}页表格第{}行，「{word}」越过第{}列与第{}列之间的边线，印到了相邻的格里，这两格的数字无法确定，读出的数字不可靠。",
            page + 1,
            row + 1,
            col + 1,
            col + 2
        ),
    )
    .hint("请加宽该列或缩小表格字号，让每个数字都在自己的格内，重新生成 PDF 后再发布；核对时以原始数据为准。")
}

/// D6: some characters (fewer than half) are in fonts without a map to text.
fn partly_unmapped(count: usize, first: usize, pages: usize) -> Finding {
    let where_ = if pages > 1 {
        format!("第{first}页等{pages}页")
    } else {
        format!("第{first}页")
    };
    Finding::new(
        Code::D6,
        format!(
            "{where_}有{count}个字符的字体缺少文字映射（ToUnicode），无法提取；这些字符所在的数字和文字没有读出，读出的内容可能不全。"
        ),
    )
    .hint("请向发布单位索取 Word 原文件，或用 WPS、Word「另存为 PDF」重新生成（嵌入字体时保留文字信息）后再核对。")
}

/// F3: only a PDF that needs a password to open; one that restricts copying or printing but
/// opens without one (common on portals) is decrypted and read.
fn encrypted() -> Refusal {
    Box::new(
        Finding::new(Code::F3, "PDF 设置了打开密码，无法读取其中的文字。")
            .hint("请向发布单位索取不加密的 PDF，或输入密码打开后「另存为」不加密的 PDF。"),
    )
}

fn no_text(pages: usize, glyphs: usize, unmapped: usize) -> Refusal {
    let why = if glyphs == 0 && unmapped == 0 {
        "没有可提取的文字（可能是扫描件或图片）".to_string()
    } else {
        format!("有{unmapped}个字符的字体缺少文字映射（ToUnicode），文字无法提取")
    };
    Box::new(
        Finding::new(Code::D4, format!("PDF 共{pages}页，{why}，无法读取其中的数字。")).hint(
            "请向发布单位索取 Word 原文件或有文字层的 PDF（WPS、Word 中「另存为 PDF」），不要用扫描件。",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::content::Rule;
    use super::*;

    fn boxed(x0: f32, x1: f32, y0: f32, y1: f32) -> Vec<Rule> {
        let h = |pos| Rule {
            horizontal: true,
            pos,
            from: x0,
            to: x1,
        };
        let v = |pos| Rule {
            horizontal: false,
            pos,
            from: y0,
            to: y1,
        };
        vec![h(y0), h(y1), v(x0), v(x1)]
    }

    fn two_cells(x0: f32, x1: f32, y0: f32, y1: f32) -> Vec<Rule> {
        let mut rules = boxed(x0, x1, y0, y1);
        rules.push(Rule {
            horizontal: false,
            pos: (x0 + x1) / 2.0,
            from: y0,
            to: y1,
        });
        rules
    }

    #[test]
    fn a_caption_row_cut_off_by_the_page_break_stays_a_table() {
        let mut found = vec![
            lattice::tables(&boxed(90.0, 500.0, 780.0, 800.0)),
            lattice::tables(&two_cells(90.0, 500.0, 60.0, 90.0)),
        ];
        keep_cut_rows(&mut found);
        assert_eq!((found[0].len(), found[1].len()), (1, 1));
    }

    #[test]
    fn other_framed_boxes_are_left_to_the_text() {
        let mut mid = lattice::tables(&boxed(90.0, 500.0, 300.0, 340.0));
        mid.extend(lattice::tables(&two_cells(90.0, 500.0, 400.0, 440.0)));
        let mut found = vec![
            mid,
            // Last on its page, but the next page's table has other edges.
            lattice::tables(&boxed(90.0, 500.0, 780.0, 800.0)),
            lattice::tables(&two_cells(120.0, 480.0, 60.0, 90.0)),
        ];
        keep_cut_rows(&mut found);
        let boxes: usize = found.iter().flatten().filter(|t| t.is_box()).count();
        assert_eq!(boxes, 0);
        assert_eq!(found[0].len(), 1);
    }
}
