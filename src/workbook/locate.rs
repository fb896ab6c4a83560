//! Finding the cells of an official table in a sheet by their labels, never by fixed offsets.
//!
//! A field's row is the row of its row label; its column is found by walking its header path
//! (`申请人情况` → `法人或其他组织` → `商业企业`): each label is searched below its parent and
//! inside the parent's span, which ends at the next filled cell to the right of the parent.
//! A label not found as written is looked for as a near miss (`near`), which is a V2 warning;
//! what is still missing is an S2 error that names the nearest text, and only the fields that
//! depend on it go unlocated.

use std::collections::{BTreeMap, BTreeSet};

use crate::finding::{Code, Finding};
use crate::schema::{self, Table, TableId};

use super::labels::normalize;
use super::near;
use super::sheet::Sheet;

/// Where the fields of a table are.
pub struct Located {
    /// The cell of each field (`None` where it could not be found).
    pub cells: Vec<Option<(u32, u32)>>,
    /// Fields the sheet's older format does not have, which count as 0 (2019's （六）).
    pub zeros: Vec<usize>,
    /// V2 warnings and S2/S3 errors.
    pub findings: Vec<Finding>,
}

impl Located {
    /// Whether every field was found as the official format has it.
    pub fn complete(&self) -> bool {
        self.cells
            .iter()
            .enumerate()
            .all(|(i, c)| c.is_some() || self.zeros.contains(&i))
            && !self.findings.iter().any(|f| f.is_error())
    }
}

pub fn locate(sheet: &Sheet, table: &Table) -> Located {
    let mut p = Problems::new(table);
    let sheet_end = sheet.end().0;
    let old = p.layout_2019(sheet, table);
    let rows: Vec<Option<u32>> = table
        .fields
        .iter()
        .map(|f| match (&old, f.row_label) {
            (Some(o), _) if o.zeros.contains(&f.row) => None,
            (Some(o), _) if f.row == o.misc => Some(o.row),
            (_, Some(l)) => p.unique(sheet, l),
            (_, None) => None,
        })
        .collect();
    let zeros: Vec<usize> = match &old {
        Some(o) => (0..table.fields.len())
            .filter(|i| o.zeros.contains(&table.fields[*i].row))
            .collect(),
        None => Vec::new(),
    };
    let cols: Vec<Option<(u32, u32)>> = table
        .fields
        .iter()
        .zip(&rows)
        .enumerate()
        .map(|(i, (f, row))| {
            if zeros.contains(&i) || (f.row_label.is_some() && row.is_none()) {
                return None;
            }
            let limit = row.unwrap_or(sheet_end);
            let top = match f.block {
                Some(caption) => p.last_above(sheet, caption, limit)?,
                None => 0,
            };
            p.column(sheet, &f.col_path, top, limit)
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
    let mut findings = old.map(|o| o.finding).into_iter().collect::<Vec<_>>();
    findings.extend(p.into_findings(sheet, table));
    Located {
        cells,
        zeros,
        findings,
    }
}

/// 表三 in the 2019 format: （六）其他处理 one row, its value 3.其他, the other two items 0.
struct Layout2019 {
    row: u32,
    misc: &'static str,
    zeros: Vec<&'static str>,
    finding: Finding,
}

struct Problems {
    /// The table's own labels, normalised: never taken for a near miss of another.
    labels: Vec<String>,
    missing: BTreeSet<String>,
    duplicated: BTreeSet<(String, Vec<(u32, u32)>)>,
    /// Official label → the cell that stands for it.
    near: BTreeMap<&'static str, (u32, u32)>,
}

impl Problems {
    fn new(table: &Table) -> Self {
        Problems {
            labels: table.labels().iter().map(|l| normalize(l)).collect(),
            missing: BTreeSet::new(),
            duplicated: BTreeSet::new(),
            near: BTreeMap::new(),
        }
    }

    /// The cells of `label`: as written, else its one near miss (noted for V2).
    fn find(&mut self, sheet: &Sheet, label: &'static str) -> Vec<(u32, u32)> {
        let exact = sheet.find(label);
        if !exact.is_empty() {
            return exact.to_vec();
        }
        match near::best(sheet, label, &self.labels) {
            Some(cells) => {
                if let Some(first) = cells.first() {
                    self.near.insert(label, *first);
                }
                cells.to_vec()
            }
            None => Vec::new(),
        }
    }

    fn layout_2019(&mut self, sheet: &Sheet, table: &Table) -> Option<Layout2019> {
        if table.id != TableId::T3 {
            return None;
        }
        let (group, items) = schema::t3_other_group();
        let absent = items.iter().all(|(_, label)| {
            sheet.find(label).is_empty() && near::best(sheet, label, &self.labels).is_none()
        });
        let [(r, c)] = sheet.find(group) else {
            return None;
        };
        if !absent {
            return None;
        }
        let (misc, misc_label) = items[items.len() - 1];
        let finding = Finding::new(
            Code::V2,
            format!(
                "表三使用的是2019年试行格式：「{group}」只有一行，没有2021年格式的三个细项。已把这一行的数字计入「{misc_label}」，前两项按 0 计，报告按2021年格式生成。"
            ),
        )
        .hint("请改用 nianbao new 生成的新模板。")
        .at(&sheet.name, Some(sheet.cell_name(*r, *c)));
        Some(Layout2019 {
            row: *r,
            misc,
            zeros: items[..items.len() - 1].iter().map(|(k, _)| *k).collect(),
            finding,
        })
    }

    /// The row of a label that must occur exactly once.
    fn unique(&mut self, sheet: &Sheet, label: &'static str) -> Option<u32> {
        match self.find(sheet, label).as_slice() {
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
    fn last_above(&mut self, sheet: &Sheet, label: &'static str, limit: u32) -> Option<u32> {
        let found = self
            .find(sheet, label)
            .into_iter()
            .rev()
            .find(|(r, _)| *r < limit);
        if found.is_none() {
            self.missing.insert(label.to_string());
        }
        found.map(|(r, _)| r)
    }

    /// The cell of the last label of `path`, each label searched inside its parent.
    fn column(
        &mut self,
        sheet: &Sheet,
        path: &[&'static str],
        top: u32,
        limit: u32,
    ) -> Option<(u32, u32)> {
        let (mut row_from, mut col_from, mut col_to) = (top, 0, u32::MAX);
        let mut at = None;
        for label in path {
            let hit = self
                .find(sheet, label)
                .into_iter()
                .find(|(r, c)| *r >= row_from && *r < limit && *c >= col_from && *c < col_to);
            let Some((r, c)) = hit else {
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
        for (label, (r, c)) in &self.near {
            out.push(
                Finding::new(
                    Code::V2,
                    format!(
                        "{}!{} 写的是「{}」，官方写法是「{label}」，已按官方标签读取。",
                        sheet.name,
                        sheet.cell_name(*r, *c),
                        sheet.text(*r, *c)
                    ),
                )
                .hint("请改为官方写法。")
                .at(&sheet.name, Some(sheet.cell_name(*r, *c))),
            );
        }
        for label in self.missing {
            let hint = match near::nearest(sheet, &label, &self.labels) {
                Some((r, c)) => format!(
                    "（最接近的是 {}「{}」，但差别太大，无法确定）",
                    sheet.cell_name(r, c),
                    sheet.text(r, c)
                ),
                None => String::new(),
            };
            let cell =
                near::nearest(sheet, &label, &self.labels).map(|(r, c)| sheet.cell_name(r, c));
            out.push(
                Finding::new(
                    Code::S2,
                    format!(
                        "找不到标签「{label}」{hint}。{}必须保留官方表格的全部标签；能找到的行和列仍已校验。",
                        table.sheet
                    ),
                )
                .hint("请从 nianbao new 生成的空白工作簿复制该表，或按官方格式补回该标签。")
                .at(&sheet.name, cell),
            );
        }
        for (label, positions) in self.duplicated {
            let cells: Vec<String> = positions
                .iter()
                .map(|(r, c)| sheet.cell_name(*r, *c))
                .collect();
            out.push(
                Finding::new(
                    Code::S3,
                    format!(
                        "标签「{label}」出现了{}次（{}），无法确定数据所在的行。",
                        positions.len(),
                        cells.join("、")
                    ),
                )
                .hint("请删除多余的行，每个标签只保留一处。")
                .at(&sheet.name, cells.first().cloned()),
            );
        }
        out
    }
}
