//! `Document` → HTML for the portal: a self-contained page (`report.html.tera`) and a fragment
//! for a CMS editor (`fragment.html.tera`), both rendered by tera from the same view, so a user
//! overrides them by file name like the Markdown templates.
//!
//! Tables keep the schema's spans (`rowspan`/`colspan`); every label is a `<th>`, and every
//! figure names its headers (`headers` → the `id`s of its column and row labels), which is how
//! WCAG 2.1 (technique H43) wants a table with multi-level headers marked up.

use anyhow::Result;
use serde::Serialize;

use crate::doc::{Block, Document, Grid, Scope};
use crate::render::Templates;

/// What the HTML templates see.
#[derive(Serialize)]
pub struct View {
    pub title: String,
    pub agency: String,
    pub year: String,
    pub blocks: Vec<HtmlBlock>,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HtmlBlock {
    Title {
        text: String,
    },
    /// `level` 1 is `一、` (an `<h2>`: the title is the page's `<h1>`).
    Heading {
        level: u8,
        text: String,
        id: String,
    },
    Paragraph {
        text: String,
    },
    Table(HtmlTable),
    /// 落款: the agency, and the date two characters further right, set right.
    Signature {
        agency: String,
        date: String,
    },
}

#[derive(Serialize)]
pub struct HtmlTable {
    pub key: &'static str,
    pub caption: &'static str,
    /// Header rows (repeated on each printed page).
    pub head: Vec<Vec<HtmlCell>>,
    pub body: Vec<Vec<HtmlCell>>,
    /// Relative column widths in percent.
    pub widths: Vec<f32>,
    /// Short enough to print on one page: kept from breaking, so a caption row is never left
    /// alone at the foot of a page.
    pub keep_together: bool,
}

/// Rows a table may have and still be kept on one printed page (表二 has 17, 表四 4).
const ONE_PAGE_ROWS: usize = 24;

#[derive(Serialize)]
pub struct HtmlCell {
    pub text: String,
    pub header: bool,
    pub rowspan: usize,
    pub colspan: usize,
    /// `col`, `colgroup`, `row` or `rowgroup` for a header cell.
    pub scope: &'static str,
    pub id: String,
    /// For a figure: the ids of its headers, space-separated.
    pub headers: String,
    /// A row label sits left, everything else centred.
    pub left: bool,
}

impl View {
    pub fn of(doc: &Document, agency: &str, year: Option<i32>) -> View {
        let mut headings = 0;
        let blocks = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Title(t) => Some(HtmlBlock::Title { text: t.clone() }),
                Block::Heading { level, text } => {
                    headings += 1;
                    Some(HtmlBlock::Heading {
                        level: *level,
                        text: text.clone(),
                        id: format!("nb-s{headings}"),
                    })
                }
                Block::Paragraph(t) => Some(HtmlBlock::Paragraph { text: t.clone() }),
                Block::Table(grid) => Some(HtmlBlock::Table(table(grid))),
                Block::PageBreak => None,
                Block::Signature { agency, date } => Some(HtmlBlock::Signature {
                    agency: agency.clone(),
                    date: date.clone(),
                }),
            })
            .collect();
        View {
            title: doc.title().to_string(),
            agency: agency.trim().to_string(),
            year: year.map(|y| y.to_string()).unwrap_or_default(),
            blocks,
        }
    }
}

/// The page (`Format::Html`) or the fragment (`Format::HtmlFragment`).
pub fn render(templates: &Templates, view: &View, entry: &str) -> Result<Vec<u8>> {
    Ok(templates.render_view(entry, view)?.into_bytes())
}

fn table(grid: &Grid) -> HtmlTable {
    let t = grid.table();
    let id = |i: usize| format!("nb-{}-h{i}", t.key);
    let rows = |n: usize| (0..n).map(|_| Vec::new()).collect::<Vec<Vec<HtmlCell>>>();
    let mut head = rows(t.repeat_rows.min(t.rows()));
    let mut body = rows(t.rows() - head.len());
    // HTML lists a row's cells left to right, whatever order the schema declares them in.
    let mut order: Vec<usize> = (0..grid.cells.len()).collect();
    order.sort_by_key(|i| (grid.cells[*i].row, grid.cells[*i].col));
    for i in order {
        let c = &grid.cells[i];
        let scope = match grid.scope(i) {
            None => "",
            Some(Scope::Column) if c.cols > 1 => "colgroup",
            Some(Scope::Column) => "col",
            Some(Scope::Row) if c.rows > 1 => "rowgroup",
            Some(Scope::Row) => "row",
        };
        let cell = HtmlCell {
            text: c.text.clone(),
            header: c.label,
            rowspan: c.rows,
            colspan: c.cols,
            scope,
            id: if c.label { id(i) } else { String::new() },
            headers: if c.label {
                String::new()
            } else {
                grid.headers_of(i)
                    .into_iter()
                    .map(id)
                    .collect::<Vec<_>>()
                    .join(" ")
            },
            left: grid.is_row_label(c),
        };
        match head.get_mut(c.row) {
            Some(row) => row.push(cell),
            None => body[c.row - head.len()].push(cell),
        }
    }
    let total: f32 = t.col_weights.iter().sum();
    HtmlTable {
        key: t.key,
        caption: t.heading(),
        keep_together: head.len() + body.len() <= ONE_PAGE_ROWS,
        head,
        body,
        widths: t
            .col_weights
            .iter()
            .map(|w| (w / total * 1000.0).round() / 10.0)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Report;
    use crate::schema;

    #[test]
    fn headings_nest_and_text_is_escaped() {
        let doc = Document {
            blocks: vec![
                Block::Title("标题".into()),
                Block::Heading {
                    level: 1,
                    text: "一、总体情况".into(),
                },
                Block::Heading {
                    level: 3,
                    text: "1.分项".into(),
                },
                Block::Paragraph("<script>alert(1)</script> & “引号”".into()),
            ],
        };
        let templates = Templates::load(None).unwrap();
        let view = View::of(&doc, "机关", Some(2025));
        let page =
            String::from_utf8(render(&templates, &view, crate::render::PAGE).unwrap()).unwrap();
        assert!(page.contains("<h2 id=\"nb-s1\""), "{page}");
        assert!(page.contains("<h4 id=\"nb-s2\""), "{page}");
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; “引号”"),
            "{page}"
        );
        assert!(!page.contains("<script>"));
    }

    #[test]
    fn every_figure_has_a_column_and_a_row_header() {
        let report = Report::default();
        for t in schema::tables() {
            let grid = Grid::of(t, &report);
            for (i, c) in grid.cells.iter().enumerate().filter(|(_, c)| !c.label) {
                let h = grid.headers_of(i);
                let above = h.iter().any(|j| grid.cells[*j].row < c.row);
                let left = h.iter().any(|j| grid.cells[*j].col < c.col);
                let at = format!("{} cell at {},{}", t.key, c.row, c.col);
                assert!(above, "{at} has no column header");
                // 表四 has one unlabelled data row: its figures have column headers only.
                assert!(left || t.key == "t4", "{at} has no row header");
            }
        }
    }
}
