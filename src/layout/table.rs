//! Official tables: the schema's header grid with merged cells, cell text wrapped inside its
//! cell and centred vertically, rows measured so that the tallest cell fits.

use crate::doc::Grid;
use crate::schema::RowKind;

use super::fonts::{FontSet, Role};
use super::page::baseline;
use super::structure::Tag;
use super::text::{Line, Style, break_balanced, break_lines, measure};
use super::{Item, MissingChar};

const PAD_X: f32 = 2.5;
const PAD_Y: f32 = 3.0;
const MIN_ROW: f32 = 20.0;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Align {
    Left,
    Center,
}

struct CellBox {
    row: usize,
    col: usize,
    rows: usize,
    cols: usize,
    lines: Vec<Line>,
    align: Align,
    /// Type size: the table's, or smaller for a number too wide for its column.
    size: f32,
}

/// The largest size up to `size`, in steps of a quarter point, at which `text` fits `width`
/// on one line; no smaller than `MIN_SIZE`.
fn fit_size(fonts: &FontSet, text: &str, size: f32, width: f32) -> f32 {
    let natural = measure(fonts, text, Role::Table, size);
    if natural <= width {
        return size;
    }
    let fitted = (size * width / natural * 4.0).floor() / 4.0;
    fitted.max(MIN_SIZE)
}

/// Numbers are not set smaller than this (6 pt, still legible in print).
const MIN_SIZE: f32 = 6.0;

/// A table measured for a given width; drawn band by band by the paginator.
pub struct TableLayout {
    pub row_heights: Vec<f32>,
    pub repeat_rows: usize,
    col_x: Vec<f32>,
    cells: Vec<CellBox>,
    line_height: f32,
}

impl TableLayout {
    pub fn new(
        fonts: &FontSet,
        grid: &Grid,
        measure: f32,
        size: f32,
        missing: &mut Vec<MissingChar>,
    ) -> Self {
        let table = grid.table();
        let total: f32 = table.col_weights.iter().sum();
        let mut col_x = vec![0.0];
        for w in &table.col_weights {
            let last = *col_x.last().unwrap_or(&0.0);
            col_x.push(last + measure * w / total);
        }
        let line_height = size * 1.3;
        let cells: Vec<CellBox> = grid
            .cells
            .iter()
            .map(|c| {
                let text = &c.text;
                let narrow = col_x[c.col + c.cols] - col_x[c.col] < size * 3.0;
                let align = match table.row_kinds[c.row] {
                    RowKind::Data if c.label && !narrow => Align::Left,
                    _ => Align::Center,
                };
                let width = col_x[c.col + c.cols] - col_x[c.col] - 2.0 * PAD_X;
                // A number is never broken across lines: one too wide for its column is set
                // smaller, down to what the widest count (ten digits) needs in 表三's columns.
                let cell_size = if c.label {
                    size
                } else {
                    fit_size(fonts, text, size, width)
                };
                let style = Style::new(Role::Table, cell_size);
                let (lines, lacking) = match align {
                    Align::Center => break_balanced(fonts, text, style, width),
                    Align::Left => break_lines(fonts, text, style, width),
                };
                missing.extend(lacking.into_iter().map(|c| MissingChar {
                    c,
                    context: text.to_string(),
                }));
                CellBox {
                    row: c.row,
                    col: c.col,
                    rows: c.rows,
                    cols: c.cols,
                    lines,
                    align,
                    size: cell_size,
                }
            })
            .collect();
        let mut row_heights = vec![MIN_ROW; table.rows()];
        let need = |c: &CellBox| c.lines.len() as f32 * line_height + 2.0 * PAD_Y;
        for c in cells.iter().filter(|c| c.rows == 1) {
            row_heights[c.row] = row_heights[c.row].max(need(c));
        }
        // A merged cell taller than its rows grows its last row.
        for c in cells.iter().filter(|c| c.rows > 1) {
            let have: f32 = row_heights[c.row..c.row + c.rows].iter().sum();
            if need(c) > have {
                row_heights[c.row + c.rows - 1] += need(c) - have;
            }
        }
        TableLayout {
            row_heights,
            repeat_rows: table.repeat_rows,
            col_x,
            cells,
            line_height,
        }
    }

    pub fn height(&self, rows: std::ops::Range<usize>) -> f32 {
        self.row_heights[rows].iter().sum()
    }

    /// Draws rows `rows` with their top at `top`, the table's left edge at `left`. Merged cells
    /// cut by the band are drawn as far as the band goes, their text only if all of it fits.
    pub fn draw_band(
        &self,
        rows: std::ops::Range<usize>,
        left: f32,
        top: f32,
        out: &mut Vec<Item>,
        tag: &mut dyn FnMut(usize) -> Tag,
    ) {
        let row_top = |r: usize| top - self.height(rows.start..r);
        // The rules first, then the text: one artifact and one run of text per band in the
        // PDF, rather than switching between them at every cell.
        let mut texts = Vec::new();
        for (i, c) in self.cells.iter().enumerate() {
            let first = c.row.max(rows.start);
            let end = (c.row + c.rows).min(rows.end);
            if first >= end {
                continue;
            }
            let (y0, y1) = (row_top(first), row_top(end));
            let (x0, x1) = (left + self.col_x[c.col], left + self.col_x[c.col + c.cols]);
            out.push(Item::Rect {
                x: x0,
                y: y1,
                width: x1 - x0,
                height: y0 - y1,
            });
            // A merged cell cut by a page break shows its text only where all of it fits.
            let room = ((y0 - y1 - 2.0 * PAD_Y) / self.line_height + 0.01).floor() as usize;
            if c.lines.len() > room {
                continue;
            }
            let shown = &c.lines[..];
            let cell_tag = tag(i);
            let text_height = shown.len() as f32 * self.line_height;
            let mut line_top = y0 - (y0 - y1 - text_height) / 2.0;
            for line in shown {
                let x = match c.align {
                    Align::Left => x0 + PAD_X,
                    Align::Center => x0 + (x1 - x0 - line.width) / 2.0,
                };
                let y = baseline(line_top, self.line_height, c.size);
                for run in &line.runs {
                    texts.push(Item::Text {
                        face: run.face,
                        size: c.size,
                        x: x + run.x,
                        y,
                        text: run.text.clone(),
                        spacing: run.spacing,
                        kerns: run.kerns.clone(),
                        tag: cell_tag,
                    });
                }
                line_top -= self.line_height;
            }
        }
        out.extend(texts);
    }
}
