//! One worksheet as the reader sees it: the cells inside the sheet's rectangle (limits.rs), in
//! absolute coordinates, with a label index. Cells are kept sparse, so a sheet costs what it
//! holds, never what its farthest cell implies.

use std::collections::{BTreeSet, HashMap};

use calamine::Data;

use super::labels::normalize;
use crate::limits::Rect;

/// Filled cells found outside the rectangle: how many, and the first in reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outside {
    pub count: u64,
    pub first: (u32, u32),
}

pub struct Sheet {
    pub name: String,
    rect: Rect,
    cells: HashMap<(u32, u32), Data>,
    /// Cells that hold an element but no value: a formula saved without its result.
    unvalued: BTreeSet<(u32, u32)>,
    /// Cells whose text lost invisible characters on reading.
    pub cleaned: BTreeSet<(u32, u32)>,
    /// Normalised text of every text cell → positions, in reading order.
    index: HashMap<String, Vec<(u32, u32)>>,
    /// One past the last filled row and column inside the rectangle.
    end: (u32, u32),
    pub outside: Option<Outside>,
    /// For a table read from a document: each row as printed (`第2个表格第12行`), so places are
    /// named the way a clerk finds them in the document; empty for a worksheet (A1 names).
    pub row_places: Vec<String>,
    /// Every value is text (a document has no cell types): a number written as text is no
    /// V4 here.
    pub untyped: bool,
}

/// What a reader hands over for one cell.
pub struct RawCell {
    pub pos: (u32, u32),
    pub value: Data,
    /// The cell element was there but held no value (see `Sheet::unvalued`).
    pub unvalued: bool,
}

impl Sheet {
    /// An empty sheet that will keep the cells inside `rect`.
    pub fn new(name: &str, rect: Rect) -> Sheet {
        Sheet {
            name: name.to_string(),
            rect,
            cells: HashMap::new(),
            unvalued: BTreeSet::new(),
            cleaned: BTreeSet::new(),
            index: HashMap::new(),
            end: (0, 0),
            outside: None,
            row_places: Vec::new(),
            untyped: false,
        }
    }

    /// Keeps `cell` if it lies inside the rectangle, else counts it.
    pub fn add(&mut self, cell: RawCell) {
        let (r, c) = cell.pos;
        let filled = !matches!(cell.value, Data::Empty);
        if r >= self.rect.rows || c >= self.rect.cols {
            if filled {
                let o = self.outside.get_or_insert(Outside {
                    count: 0,
                    first: (r, c),
                });
                o.count += 1;
                o.first = o.first.min((r, c));
            }
            return;
        }
        if cell.unvalued && !filled {
            self.unvalued.insert((r, c));
        }
        if !filled {
            return;
        }
        let value = match cell.value {
            Data::String(s) => {
                let clean = if s.chars().any(is_invisible) {
                    self.cleaned.insert((r, c));
                    s.chars().filter(|c| !is_invisible(*c)).collect()
                } else {
                    s
                };
                let key = normalize(&clean);
                if !key.is_empty() {
                    self.index.entry(key).or_default().push((r, c));
                }
                Data::String(clean)
            }
            other => other,
        };
        self.end = (self.end.0.max(r + 1), self.end.1.max(c + 1));
        self.cells.insert((r, c), value);
    }

    /// The sheet ready for lookups: label positions in reading order.
    pub fn finish(mut self) -> Sheet {
        for positions in self.index.values_mut() {
            positions.sort();
        }
        self
    }

    #[cfg(test)]
    fn collect(name: &str, rect: Rect, cells: impl IntoIterator<Item = RawCell>) -> Sheet {
        let mut sheet = Sheet::new(name, rect);
        for cell in cells {
            sheet.add(cell);
        }
        sheet.finish()
    }

    /// The cell as a clerk finds it again: `D12` in a worksheet, `第2个表格第12行第4列` in a
    /// document.
    pub fn cell_name(&self, row: u32, col: u32) -> String {
        match self.row_places.get(row as usize) {
            Some(p) => format!("{p}第{}列", col + 1),
            None => crate::model::a1(row, col),
        }
    }

    /// Where a value was read, for the report's sources.
    pub fn cell_ref(&self, row: u32, col: u32) -> crate::model::CellRef {
        let mut r = crate::model::CellRef::new(&self.name, row, col);
        if !self.row_places.is_empty() {
            r.place = Some(self.cell_name(row, col));
        }
        r
    }

    pub fn get(&self, row: u32, col: u32) -> &Data {
        self.cells.get(&(row, col)).unwrap_or(&Data::Empty)
    }

    /// Whether the cell held a formula (or an empty value element) without a value.
    pub fn is_unvalued(&self, row: u32, col: u32) -> bool {
        self.unvalued.contains(&(row, col))
    }

    /// Text of a cell as the user sees it (numbers as their shortest form), trimmed.
    pub fn text(&self, row: u32, col: u32) -> String {
        match self.get(row, col) {
            Data::Empty => String::new(),
            Data::String(s) => s.trim().to_string(),
            Data::Float(f) => format!("{f}"),
            Data::Int(i) => i.to_string(),
            other => other.to_string().trim().to_string(),
        }
    }

    /// Every filled cell of `row`, left to right.
    pub fn row_cells(&self, row: u32) -> impl Iterator<Item = u32> + '_ {
        (0..self.end.1).filter(move |c| self.cells.contains_key(&(row, *c)))
    }

    /// Every position whose text equals `label` after normalisation.
    pub fn find(&self, label: &str) -> &[(u32, u32)] {
        self.index
            .get(&normalize(label))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Every distinct normalised text and where it occurs.
    pub fn keys(&self) -> impl Iterator<Item = (&str, &[(u32, u32)])> {
        self.index.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// One past the last used row and column.
    pub fn end(&self) -> (u32, u32) {
        self.end
    }

    /// The first column right of `col` in `row` that holds anything, or the sheet's end.
    pub fn next_filled_col(&self, row: u32, col: u32) -> u32 {
        let end = self.end.1;
        (col + 1..end)
            .find(|c| self.cells.contains_key(&(row, *c)))
            .unwrap_or(end)
    }

    /// The first non-empty cell right of `col` in `row`.
    pub fn value_right_of(&self, row: u32, col: u32) -> Option<(u32, u32)> {
        let c = self.next_filled_col(row, col);
        (c < self.end.1).then_some((row, c))
    }
}

/// Characters that print nothing and mean nothing in a report, pasted in from web pages and
/// chat apps: zero-width spaces and joiners, soft hyphens, byte-order marks, direction marks,
/// variation selectors, tag characters, and control characters other than line breaks and tabs.
pub fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0x7F..=0x9F
        | 0xAD | 0x34F | 0x61C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164
        | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8
        | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(r: u32, c: u32, v: &str) -> RawCell {
        RawCell {
            pos: (r, c),
            value: Data::String(v.into()),
            unvalued: false,
        }
    }

    #[test]
    fn far_cells_are_counted_not_kept() {
        let rect = Rect { rows: 10, cols: 5 };
        let sheet = Sheet::collect(
            "表三",
            rect,
            [
                cell(0, 0, "总计"),
                cell(1_048_575, 16_383, "x"),
                cell(3, 7, "y"),
            ],
        );
        assert_eq!(sheet.end(), (1, 1));
        assert_eq!(
            sheet.outside,
            Some(Outside {
                count: 2,
                first: (3, 7)
            })
        );
    }

    #[test]
    fn invisible_characters_are_removed_and_noted() {
        let rect = Rect { rows: 10, cols: 5 };
        let sheet = Sheet::collect(
            "正文",
            rect,
            [
                cell(1, 2, "政\u{200B}府\u{FEFF}信息\u{00AD}公开\u{2060}"),
                cell(2, 2, "第一行\n第二行"),
            ],
        );
        assert_eq!(sheet.text(1, 2), "政府信息公开");
        assert_eq!(sheet.text(2, 2), "第一行\n第二行");
        assert_eq!(sheet.cleaned.iter().copied().collect::<Vec<_>>(), [(1, 2)]);
    }
}
