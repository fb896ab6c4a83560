//! Finding the cells of an official table in a sheet by their labels, never by fixed offsets.
//!
//! A field's row is the row of its row label; its column is found by walking its header path
//! (`申请人情况` → `法人或其他组织` → `商业企业`): each label is searched below its parent and
//! inside the parent's span, which ends at the next filled cell to the right of the parent.

use std::collections::BTreeSet;

use crate::finding::{Code, Finding};
use crate::schema::Table;

use super::sheet::Sheet;

/// Where each field of `table` sits in `sheet` (`None` where it could not be found), and the
/// structural findings that explain every `None`.
pub fn locate(sheet: &Sheet, table: &Table) -> (Vec<Option<(u32, u32)>>, Vec<Finding>) {
    let mut problems = Problems::default();
    let sheet_end = sheet.end().0;
    let rows: Vec<Option<u32>> = table
        .fields
        .iter()
        .map(|f| f.row_label.and_then(|l| problems.unique(sheet, l)))
        .collect();
    let cols: Vec<Option<(u32, u32)>> = table
        .fields
        .iter()
        .zip(&rows)
        .map(|(f, row)| {
            if f.row_label.is_some() && row.is_none() {
                return None;
            }
            let limit = row.unwrap_or(sheet_end);
            let top = match f.block {
                Some(caption) => problems.last_above(sheet, caption, limit)?,
                None => 0,
            };
            problems.column(sheet, &f.col_path, top, limit)
        })
        .collect();
    // A table without row labels (四) has its data row right below its deepest header.
    let header_bottom = cols.iter().flatten().map(|(r, _)| *r).max();
    let cells = table
        .fields
        .iter()
        .zip(rows.iter().zip(&cols))
        .map(|(f, (row, col))| {
            let (_, c) = (*col)?;
            match f.row_label {
                Some(_) => Some(((*row)?, c)),
                None => Some((header_bottom? + 1, c)),
            }
        })
        .collect();
    let findings = problems.into_findings(sheet, table);
    (cells, findings)
}

#[derive(Default)]
struct Problems {
    missing: BTreeSet<String>,
    duplicated: BTreeSet<(String, Vec<(u32, u32)>)>,
}

impl Problems {
    /// The row of a label that must occur exactly once.
    fn unique(&mut self, sheet: &Sheet, label: &str) -> Option<u32> {
        match sheet.find(label) {
            [] => {
                self.missing.insert(label.to_string());
                None
            }
            [(r, _)] => Some(*r),
            many => {
                self.duplicated.insert((label.to_string(), many.to_vec()));
                None
            }
        }
    }

    /// The row of the last occurrence of `label` above `limit`.
    fn last_above(&mut self, sheet: &Sheet, label: &str, limit: u32) -> Option<u32> {
        let found = sheet.find(label).iter().rev().find(|(r, _)| *r < limit);
        if found.is_none() {
            self.missing.insert(label.to_string());
        }
        found.map(|(r, _)| *r)
    }

    /// The cell of the last label of `path`, each label searched inside its parent.
    fn column(&mut self, sheet: &Sheet, path: &[&str], top: u32, limit: u32) -> Option<(u32, u32)> {
        let (mut row_from, mut col_from, mut col_to) = (top, 0, u32::MAX);
        let mut at = None;
        for label in path {
            let hit = sheet
                .find(label)
                .iter()
                .find(|(r, c)| *r >= row_from && *r < limit && *c >= col_from && *c < col_to);
            let Some(&(r, c)) = hit else {
                self.missing.insert(label.to_string());
                return None;
            };
            at = Some((r, c));
            row_from = r + 1;
            col_from = c;
            col_to = sheet.next_filled_col(r, c);
        }
        at
    }

    fn into_findings(self, sheet: &Sheet, table: &Table) -> Vec<Finding> {
        let mut out = Vec::new();
        for label in self.missing {
            out.push(
                Finding::new(
                    Code::S2,
                    format!(
                        "找不到标签「{label}」。{}必须保留官方表格的全部标签，请从 nianbao new 生成的空白工作簿复制该表，或按官方格式补回该标签。",
                        table.sheet
                    ),
                )
                .at(&sheet.name, None),
            );
        }
        for (label, positions) in self.duplicated {
            let cells: Vec<String> = positions
                .iter()
                .map(|(r, c)| crate::model::a1(*r, *c))
                .collect();
            out.push(
                Finding::new(
                    Code::S3,
                    format!(
                        "标签「{label}」出现了 {} 次（{}），无法确定数据所在的行。请删除多余的行，每个标签只保留一处。",
                        positions.len(),
                        cells.join("、")
                    ),
                )
                .at(&sheet.name, cells.first().cloned()),
            );
        }
        out
    }
}
