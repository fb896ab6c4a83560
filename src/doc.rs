//! Markdown (the rendered template) → `Document`, the output-independent shape of a report:
//! a title, headings of four levels, paragraphs, tables and page breaks. Every output (PDF,
//! HTML, DOCX) is made from a `Document`, so their words and numbers cannot differ.
//!
//! Tables are written in templates as `<!-- table:t3 -->`, page breaks as `<!-- pagebreak -->`
//! and the 落款 (agency and 发布日期, if the report has one) as `<!-- signature -->`; the table itself comes from the schema and the report, not from text,
//! and is resolved here once — every cell with its text and spans — so that no output walks
//! the schema grid against the report again.

use anyhow::{Result, bail};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::model::{Report, display_value};
use crate::schema::{self, Content, RowKind, Table, TableId};

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Title(String),
    /// Level 1 is `一、`, 2 `（一）`, 3 `1.`, 4 `（1）`.
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(String),
    Table(Grid),
    PageBreak,
    /// 落款: the agency and the date at the report's end, set right (GB/T 9704 7.3.5.2).
    Signature {
        agency: String,
        date: String,
    },
}

/// What a header cell heads (HTML `scope`, PDF's `/Scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Column,
    Row,
}

/// An official table filled in: the schema's printed grid with each cell's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub id: TableId,
    pub cells: Vec<Cell>,
}

/// One cell of a resolved table, spans included (row and column 0-based).
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub row: usize,
    pub col: usize,
    pub rows: usize,
    pub cols: usize,
    pub text: String,
    /// An official label (a header); otherwise a figure of the report.
    pub label: bool,
}

impl Grid {
    /// `table` filled from `report`: labels as the schema spells them, figures as entered.
    pub fn of(table: &Table, report: &Report) -> Grid {
        let data = report.table(table.id);
        let cells = table
            .grid
            .iter()
            .map(|c| {
                let (text, label) = match &c.content {
                    Content::Label(t) => (t.to_string(), true),
                    Content::Field(i) => {
                        let f = &table.fields[*i];
                        (display_value(data.get(f.row, f.col), f.kind), false)
                    }
                };
                Cell {
                    row: c.row,
                    col: c.col,
                    rows: c.rows,
                    cols: c.cols,
                    text,
                    label,
                }
            })
            .collect();
        Grid {
            id: table.id,
            cells,
        }
    }

    /// The schema's table: row kinds, column weights, repeated header rows.
    pub fn table(&self) -> &'static Table {
        schema::table(self.id)
    }

    pub fn rows(&self) -> usize {
        self.table().rows()
    }

    pub fn row_kind(&self, row: usize) -> RowKind {
        self.table().row_kinds[row]
    }

    /// What a label heads: the columns below it in header rows, the row right of it elsewhere;
    /// `None` for a figure.
    pub fn scope(&self, cell: usize) -> Option<Scope> {
        let c = &self.cells[cell];
        c.label.then(|| {
            if self.row_kind(c.row) != RowKind::Data {
                Scope::Column
            } else {
                Scope::Row
            }
        })
    }

    /// The label cells a figure belongs to: the column labels above it, in the band of header rows
    /// nearest above its own rows (表二 has a band per block), and the row labels left of it.
    pub fn headers_of(&self, figure: usize) -> Vec<usize> {
        let grid = self;
        let f = &grid.cells[figure];
        let covers_col = |c: &Cell| c.col <= f.col && f.col < c.col + c.cols;
        let covers_row = |c: &Cell| c.row <= f.row && f.row < c.row + c.rows;
        // The band: the run of header rows nearest above the figure's row.
        let mut band_end = f.row;
        while band_end > 0 && grid.row_kind(band_end - 1) == RowKind::Data {
            band_end -= 1;
        }
        let mut band_start = band_end;
        while band_start > 0 && grid.row_kind(band_start - 1) != RowKind::Data {
            band_start -= 1;
        }
        grid.cells
            .iter()
            .enumerate()
            .filter(|(_, c)| c.label)
            .filter(|(_, c)| {
                let column_label = covers_col(c) && c.row < band_end && c.row + c.rows > band_start;
                let row_label = covers_row(c) && c.col + c.cols <= f.col;
                column_label || row_label
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// A label that names a data row (not a header, not a full-width line): set flush left in
    /// reflowed outputs, everything else centred.
    pub fn is_row_label(&self, cell: &Cell) -> bool {
        cell.label && self.row_kind(cell.row) == RowKind::Data && cell.cols < self.table().columns
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub blocks: Vec<Block>,
}

impl Document {
    /// The report title (the first `#` heading), empty when the template has none.
    pub fn title(&self) -> &str {
        self.blocks
            .iter()
            .find_map(|b| match b {
                Block::Title(t) => Some(t.as_str()),
                _ => None,
            })
            .unwrap_or("")
    }
}

/// Parses rendered Markdown, its tables filled from `report`. Unknown table keys are errors (a
/// template typo must not silently drop an official table).
pub fn parse(markdown: &str, report: &Report) -> Result<Document> {
    let mut blocks = Vec::new();
    let mut text = String::new();
    let mut open: Option<Open> = None;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                open = Some(Open::Heading(level));
                text.clear();
            }
            Event::Start(Tag::Paragraph) => {
                open = Some(Open::Paragraph);
                text.clear();
            }
            Event::End(TagEnd::Heading(_)) | Event::End(TagEnd::Paragraph) => {
                let t = text.trim().to_string();
                match open.take() {
                    Some(Open::Heading(HeadingLevel::H1)) => blocks.push(Block::Title(t)),
                    Some(Open::Heading(level)) => blocks.push(Block::Heading {
                        level: (level as u8 - 1).min(4),
                        text: t,
                    }),
                    Some(Open::Paragraph) if !t.is_empty() => blocks.push(Block::Paragraph(t)),
                    _ => {}
                }
                text.clear();
            }
            Event::Text(s) | Event::Code(s) => text.push_str(&s),
            Event::SoftBreak | Event::HardBreak => join_break(&mut text),
            Event::Html(html) | Event::InlineHtml(html) => {
                if let Some(block) = directive(&html, report)? {
                    blocks.push(block);
                }
            }
            _ => {}
        }
    }
    Ok(Document { blocks })
}

enum Open {
    Heading(HeadingLevel),
    Paragraph,
}

/// A line break inside a paragraph: nothing between Chinese characters, a space between words.
fn join_break(text: &mut String) {
    if text
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphanumeric())
    {
        text.push(' ');
    }
}

fn directive(html: &str, report: &Report) -> Result<Option<Block>> {
    let Some(inner) = html
        .trim()
        .strip_prefix("<!--")
        .and_then(|s| s.strip_suffix("-->"))
    else {
        return Ok(None);
    };
    let inner = inner.trim();
    if inner == "pagebreak" {
        return Ok(Some(Block::PageBreak));
    }
    if inner == "signature" {
        // Only a report with its 发布日期 is signed: an undated 落款 is no 落款.
        return Ok(report.info.published.map(|date| Block::Signature {
            agency: report.info.agency.trim().to_string(),
            date: date.chinese(),
        }));
    }
    if let Some(key) = inner.strip_prefix("table:") {
        let key = key.trim();
        return match schema::table_by_key(key) {
            Some(t) => Ok(Some(Block::Table(Grid::of(t, report)))),
            None => bail!("模板中的表格「{key}」不存在，可用的表格是 t2、t3、t4"),
        };
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_in_order() {
        let report = Report::default();
        let doc = parse(
            "# 标题\n\n序言第一行\n第二行\n\n## 一、总体情况\n\n### （一）主动公开\n\n正文\\*\n\n<!-- table:t3 -->\n\n<!-- pagebreak -->\n",
            &report,
        )
        .unwrap();
        assert_eq!(
            doc.blocks,
            vec![
                Block::Title("标题".into()),
                Block::Paragraph("序言第一行第二行".into()),
                Block::Heading {
                    level: 1,
                    text: "一、总体情况".into()
                },
                Block::Heading {
                    level: 2,
                    text: "（一）主动公开".into()
                },
                Block::Paragraph("正文*".into()),
                Block::Table(Grid::of(schema::table(TableId::T3), &report)),
                Block::PageBreak,
            ]
        );
        assert_eq!(doc.title(), "标题");
    }

    #[test]
    fn unknown_table_is_an_error() {
        assert!(parse("<!-- table:t9 -->", &Report::default()).is_err());
    }
}
