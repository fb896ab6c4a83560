//! One worksheet as a grid of cells in absolute coordinates, with a label index.

use std::collections::HashMap;

use calamine::{Data, Range};

use super::labels::normalize;

pub struct Sheet {
    pub name: String,
    range: Range<Data>,
    /// Normalised text of every text cell → positions, in reading order.
    index: HashMap<String, Vec<(u32, u32)>>,
}

impl Sheet {
    pub fn new(name: &str, range: Range<Data>) -> Self {
        let mut index: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, value) in range.used_cells() {
            if let Data::String(s) = value {
                let key = normalize(s);
                if !key.is_empty() {
                    index
                        .entry(key)
                        .or_default()
                        .push((r0 + r as u32, c0 + c as u32));
                }
            }
        }
        for positions in index.values_mut() {
            positions.sort();
        }
        Sheet {
            name: name.to_string(),
            range,
            index,
        }
    }

    pub fn get(&self, row: u32, col: u32) -> &Data {
        self.range.get_value((row, col)).unwrap_or(&Data::Empty)
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

    /// Every position whose text equals `label` after normalisation.
    pub fn find(&self, label: &str) -> &[(u32, u32)] {
        self.index
            .get(&normalize(label))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// One past the last used row and column.
    pub fn end(&self) -> (u32, u32) {
        self.range
            .end()
            .map(|(r, c)| (r + 1, c + 1))
            .unwrap_or((0, 0))
    }

    /// The first column right of `col` in `row` that holds anything, or the sheet's end.
    pub fn next_filled_col(&self, row: u32, col: u32) -> u32 {
        let end = self.end().1;
        (col + 1..end)
            .find(|c| !matches!(self.get(row, *c), Data::Empty))
            .unwrap_or(end)
    }

    /// The first non-empty cell right of `col` in `row`.
    pub fn value_right_of(&self, row: u32, col: u32) -> Option<(u32, u32)> {
        let c = self.next_filled_col(row, col);
        (c < self.end().1).then_some((row, c))
    }
}
