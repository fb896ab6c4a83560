//! Portal pages (.html) as CMS systems publish the report: the encoding by byte-order mark, the
//! page's declaration or sniffing (UTF-8, else GB18030, which covers GBK and GB2312); parsed by
//! html5ever (through scraper) as a browser would; the report found inside the page chrome as
//! the smallest element holding the section headings and the tables; tables expanded from
//! `rowspan`/`colspan` into the grid, with label text split over `<p>`, `<span>` and `&nbsp;`
//! joined, and the empty spacer rows and columns Word leaves in pasted tables dropped.
//! Every walk is iterative (ego-tree's `traverse`), so nesting depth costs no stack; the
//! depth itself is bounded before html5ever sees the page, whose tree building checks the open
//! elements on each start tag and so takes time quadratic in the nesting.

use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use scraper::{Html, Node};

use super::{Block, Doc, Grid, Para, Refusal, clean_text};
use crate::finding::{Code, Finding};
use crate::limits;

/// Far deeper than any CMS page (browsers themselves stop nesting at 512).
const MAX_NESTING: usize = 512;

/// Elements that never hold others, and those whose end tag pages often leave out: neither
/// deepens the nesting `nesting` counts.
const FLAT: [&str; 22] = [
    "br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source", "embed",
    "param", "track", "p", "li", "td", "th", "tr", "option", "dt", "dd",
];

/// The deepest nesting of start tags over end tags, roughly as a parser would open them.
fn nesting(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut i = 0;
    while let Some(at) = bytes[i..].iter().position(|b| *b == b'<') {
        i += at + 1;
        let rest = &bytes[i..];
        if rest.starts_with(b"!--") {
            match text[i..].find("-->") {
                Some(end) => i += end + 3,
                None => break,
            }
            continue;
        }
        if rest.first() == Some(&b'/') {
            depth = depth.saturating_sub(1);
            continue;
        }
        let name_len = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || !rest[0].is_ascii_alphabetic() {
            continue;
        }
        let name = text[i..i + name_len].to_ascii_lowercase();
        // A tag is short; looking further for its `>` would make a page of `<a<a<a` quadratic.
        let head = &rest[..rest.len().min(4096)];
        let end = head.iter().position(|b| *b == b'>').unwrap_or(head.len());
        let closed = end > 0 && rest[end - 1] == b'/';
        if !closed && !FLAT.contains(&name.as_str()) {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// Elements whose start or end ends a line of text.
const BLOCKS: [&str; 22] = [
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "center",
    "tr",
];
/// Elements whose text is never the report's.
const SKIPPED: [&str; 8] = [
    "script", "style", "noscript", "template", "head", "iframe", "svg", "select",
];

pub fn read(bytes: &[u8]) -> Result<Doc, Refusal> {
    let text = decode(bytes);
    if nesting(&text) > MAX_NESTING {
        return Err(Box::new(
            Finding::new(
                Code::F4,
                format!("网页的元素嵌套超过{MAX_NESTING}层，不是正常的报告页面，未读取。"),
            )
            .hint("请在浏览器中打开该页面，另存为「网页，仅 HTML」后再试，或改用报告的 PDF、Word 文件。"),
        ));
    }
    let html = Html::parse_document(&text);
    let root = html.tree.root();
    let content = content_root(root).unwrap_or(root);
    let mut doc = Doc::default();
    let mut tables = 0;
    let mut paras = 0;
    let mut line = String::new();
    walk(content, &mut |event| match event {
        Item::Text(t) => {
            if line.len() < limits::PARAGRAPH_CHARS * 4 {
                line.push_str(t)
            }
        }
        Item::Break => flush(&mut line, &mut paras, &mut doc),
        Item::Table(node) => {
            flush(&mut line, &mut paras, &mut doc);
            tables += 1;
            doc.blocks.push(Block::Table(grid(node, tables)));
        }
    });
    flush(&mut line, &mut paras, &mut doc);
    // The title often sits outside the article body (the CMS's own heading).
    let has_title = doc.blocks.iter().any(|b| match b {
        Block::Para(p) => p.text.contains("工作年度报告"),
        _ => false,
    });
    if !has_title && let Some(title) = title_outside(root) {
        doc.blocks.insert(
            0,
            Block::Para(Para {
                text: title,
                place: "标题".into(),
            }),
        );
    }
    Ok(doc)
}

fn flush(line: &mut String, count: &mut usize, doc: &mut Doc) {
    let text = std::mem::take(line);
    if clean_text(&text).is_empty() {
        return;
    }
    *count += 1;
    doc.blocks.push(Block::Para(Para {
        text,
        place: format!("第{count}段"),
    }));
}

/// UTF-8 or UTF-16 by byte-order mark, else the declared charset in the first 2 KB, else UTF-8
/// when the bytes are valid UTF-8, else GB18030.
fn decode(bytes: &[u8]) -> String {
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc.decode(bytes).0.into_owned();
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let declared = head.find("charset=").and_then(|i| {
        let rest = head[i + 8..].trim_start_matches(['"', '\'', ' ']);
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        encoding_rs::Encoding::for_label(&rest.as_bytes()[..end])
    });
    let enc = match declared {
        Some(e) => e,
        None if std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8,
        None => encoding_rs::GB18030,
    };
    enc.decode(bytes).0.into_owned()
}

enum Item<'a> {
    Text(&'a str),
    Break,
    Table(NodeRef<'a, Node>),
}

fn name<'a>(node: &NodeRef<'a, Node>) -> Option<&'a str> {
    match node.value() {
        Node::Element(e) => Some(e.name()),
        _ => None,
    }
}

/// The text of `root` in document order, breaks at block elements, tables whole.
fn walk<'a>(root: NodeRef<'a, Node>, emit: &mut dyn FnMut(Item<'a>)) {
    let mut skip: Option<ego_tree::NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skip.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => emit(Item::Text(t)),
                    Node::Element(e) => {
                        let n = e.name();
                        if SKIPPED.contains(&n) || hidden(e) {
                            skip = Some(node.id());
                        } else if n == "table" {
                            emit(Item::Table(node));
                            skip = Some(node.id());
                        } else if n == "br" || BLOCKS.contains(&n) {
                            emit(Item::Break);
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skip == Some(node.id()) {
                    skip = None;
                } else if skip.is_none() && name(&node).is_some_and(|n| BLOCKS.contains(&n)) {
                    emit(Item::Break);
                }
            }
        }
    }
}

fn hidden(e: &scraper::node::Element) -> bool {
    e.attr("hidden").is_some()
        || e.attr("style").is_some_and(|s| {
            let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            s.to_ascii_lowercase().contains("display:none")
        })
}

/// The smallest element that holds the section headings and the tables: the article body,
/// without the portal's menus and footer (whose 地址 and 电话 are not the report's).
fn content_root(root: NodeRef<'_, Node>) -> Option<NodeRef<'_, Node>> {
    let mut marks: Vec<NodeRef<'_, Node>> = Vec::new();
    for node in root.descendants() {
        match node.value() {
            Node::Element(e) if e.name() == "table" => marks.push(node),
            Node::Text(t) => {
                let t = crate::workbook::labels::normalize(t);
                if t.chars().count() < 40
                    && ["一、总体情况", "六、其他需要报告的事项"]
                        .iter()
                        .any(|h| t.starts_with(h))
                {
                    marks.push(node);
                }
            }
            _ => {}
        }
    }
    let first = marks.first()?;
    let mut chain: Vec<NodeRef<'_, Node>> = first.ancestors().collect();
    for m in &marks[1..] {
        let ids: Vec<_> = m.ancestors().map(|a| a.id()).collect();
        chain.retain(|a| ids.contains(&a.id()));
    }
    chain.into_iter().next()
}

/// The first heading-like text anywhere that names the report (`<h1>`, the CMS's title block,
/// at last `<title>`).
fn title_outside(root: NodeRef<'_, Node>) -> Option<String> {
    let mut fallback = None;
    for node in root.descendants() {
        if let Node::Text(t) = node.value() {
            let t = clean_text(t);
            if t.contains("政府信息公开工作年度报告") && t.chars().count() < 80 {
                let in_head = node.ancestors().any(|a| name(&a) == Some("title"));
                if !in_head {
                    return Some(t);
                }
                fallback.get_or_insert(t);
            }
        }
    }
    fallback
}

/// A `<table>` into the grid: each cell at the first free column of its row, occupying
/// `rowspan` × `colspan` positions (HTML's table model), its text in the top-left position.
/// Rows and columns that are empty throughout (Word's spacer cells) are dropped.
fn grid(table: NodeRef<'_, Node>, number: usize) -> Grid {
    let max_rows = limits::TABLE_RECT.rows as usize;
    let max_cols = limits::TABLE_RECT.cols as usize;
    let mut rows: Vec<Vec<Option<String>>> = Vec::new();
    let mut r = 0;
    for tr in table.descendants().filter(|n| name(n) == Some("tr")) {
        // Rows of a table nested in a cell belong to that cell.
        let own = tr
            .ancestors()
            .find(|a| name(a) == Some("table"))
            .is_some_and(|t| t.id() == table.id());
        if !own || r >= max_rows {
            continue;
        }
        if rows.len() <= r {
            rows.resize(r + 1, Vec::new());
        }
        let mut c = 0;
        for td in tr
            .children()
            .filter(|n| matches!(name(n), Some("td") | Some("th")))
        {
            while rows[r].get(c).is_some_and(Option::is_some) {
                c += 1;
            }
            if c >= max_cols {
                break;
            }
            let span = |attr: &str, max: usize| match td.value() {
                Node::Element(e) => e
                    .attr(attr)
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, max),
                _ => 1,
            };
            let rowspan = span("rowspan", max_rows - r);
            let colspan = span("colspan", max_cols - c);
            let text = cell_text(td);
            for dr in 0..rowspan {
                if rows.len() <= r + dr {
                    rows.resize(r + dr + 1, Vec::new());
                }
                let row = &mut rows[r + dr];
                if row.len() < c + colspan {
                    row.resize(c + colspan, None);
                }
                for dc in 0..colspan {
                    row[c + dc] = Some(if dr == 0 && dc == 0 {
                        text.clone()
                    } else {
                        String::new()
                    });
                }
            }
            c += colspan;
        }
        r += 1;
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let filled = |s: &Option<String>| s.as_deref().is_some_and(|t| !clean_text(t).is_empty());
    let keep_cols: Vec<usize> = (0..width)
        .filter(|c| rows.iter().any(|row| row.get(*c).is_some_and(filled)))
        .collect();
    let mut out = Grid::default();
    for (i, row) in rows.iter().enumerate() {
        if !row.iter().any(filled) {
            continue;
        }
        out.rows.push(
            keep_cols
                .iter()
                .map(|c| row.get(*c).cloned().flatten().unwrap_or_default())
                .collect(),
        );
        out.places.push(format!("第{number}个表格第{}行", i + 1));
    }
    out
}

/// A cell's text with its paragraphs and line breaks as line ends.
fn cell_text(td: NodeRef<'_, Node>) -> String {
    let mut out = String::new();
    walk(td, &mut |item| match item {
        Item::Text(t) => out.push_str(t),
        Item::Break => out.push('\n'),
        Item::Table(inner) => {
            for t in grid(inner, 0).texts() {
                out.push('\n');
                out.push_str(t);
            }
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::nesting;

    #[test]
    fn nesting_counts_open_elements_not_void_or_unclosed_ones() {
        assert_eq!(
            nesting("<html><body><div><p>一<br>二<p>三</div></body></html>"),
            3
        );
        assert_eq!(
            nesting("<div><img src=x /><!-- <div><div> --><span>a</span></div>"),
            2
        );
        assert_eq!(nesting(&"<div>".repeat(600)), 600);
        assert_eq!(nesting(&"<a<a".repeat(10_000)), 20_000);
    }
}
