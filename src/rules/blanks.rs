//! V1: blank cells are not zeros (spec §4). One finding per table, however many blanks: the
//! message counts them and names their ranges, the related places say which rows they are in.

use std::collections::BTreeMap;

use crate::finding::{Code, Finding};
use crate::model::{Report, TableData, a1};
use crate::schema::{self, Table};

pub fn check(report: &Report, out: &mut Vec<Finding>) {
    for table in schema::tables() {
        let data = report.table(table.id);
        if data.complete {
            blanks(table, data, out);
        }
    }
}

fn blanks(table: &Table, data: &TableData, out: &mut Vec<Finding>) {
    let blank = |row: &'static str, col: &'static str| data.get(row, col).is_blank();
    let inputs = table.fields.iter().filter(|f| !f.is_total);
    if inputs.clone().all(|f| blank(f.row, f.col)) {
        let first = table.fields.first().and_then(|f| data.source(f.row, f.col));
        let last = table.fields.last().and_then(|f| data.source(f.row, f.col));
        let range = first
            .zip(last)
            .map(|(a, b)| format!("{}:{}", a.a1(), b.a1()));
        let message = format!("{}整张表没有填写。", table.sheet);
        out.push(
            Finding::new(Code::V1, message)
                .at(table.sheet, range)
                .hint("请填写全部数字，没有发生的情形填 0。"),
        );
        return;
    }
    // Blank cells by row (and, in a table without row labels, by column group), in order.
    type Group = (&'static str, Vec<(u32, u32)>, Vec<&'static str>);
    let mut by_row: BTreeMap<(usize, usize), Group> = BTreeMap::new();
    let rows = table.row_keys();
    for f in table.fields.iter().filter(|f| blank(f.row, f.col)) {
        let Some(src) = data.source(f.row, f.col) else {
            continue;
        };
        let order = rows.iter().position(|r| *r == f.row).unwrap_or(usize::MAX);
        let group = match f.row_label {
            Some(_) => 0,
            None => group_index(table, f.col),
        };
        let entry = by_row
            .entry((order, group))
            .or_insert((f.row, Vec::new(), Vec::new()));
        entry.1.push((src.row, src.col));
        entry.2.push(f.col);
    }
    if by_row.is_empty() {
        return;
    }
    let cells: Vec<(u32, u32)> = by_row.values().flat_map(|(_, c, _)| c.clone()).collect();
    let ranges = rectangles(&cells);
    let rows: Vec<(String, String)> = by_row
        .values()
        .map(|(row, cells, cols)| (rectangles(cells).join(","), describe(table, row, cols)))
        .collect();
    const AFTER: &str = "空白不等于 0。";
    const HINT: &str = "没有发生的情形请填 0。";
    let finding = if let [(range, what)] = rows.as_slice() {
        Finding::new(Code::V1, format!("{what}（{range}）。{AFTER}"))
            .at(table.sheet, Some(range.clone()))
            .hint(HINT)
    } else {
        let shown: Vec<&str> = ranges.iter().take(8).map(String::as_str).collect();
        let more = if ranges.len() > shown.len() {
            " 等"
        } else {
            ""
        };
        let message = format!(
            "{} 共{}格空白，分布在{}行：{}{more}。{AFTER}",
            table.sheet,
            cells.len(),
            rows.len(),
            shown.join("、")
        );
        rows.into_iter().fold(
            Finding::new(Code::V1, message)
                .at(table.sheet, Some(ranges.join(",")))
                .hint(HINT),
            |f, (range, what)| f.related(None, table.sheet, Some(range), what),
        )
    };
    out.push(finding);
}

/// The index of a column's header group (its path without the last label) among the table's.
fn group_index(table: &Table, col: &str) -> usize {
    let mut groups: Vec<&[&str]> = Vec::new();
    for f in &table.fields {
        let g = &f.col_path[..f.col_path.len().saturating_sub(1)];
        if !groups.contains(&g) {
            groups.push(g);
        }
        if f.col == col {
            return groups.len() - 1;
        }
    }
    0
}

/// `「（一）予以公开」行的自然人、商业企业未填写`: which blanks of one row.
fn describe(table: &Table, row: &str, cols: &[&'static str]) -> String {
    let labels: Vec<&str> = cols.iter().map(|c| table.col_label(c)).collect();
    let place = match table.row_label(row) {
        "" => {
            let title = table.col_title(cols[0]);
            let group = title.rsplit_once('/').map_or("", |(g, _)| g).to_string();
            format!("「{group}」的")
        }
        label => format!("「{label}」行的"),
    };
    format!("{place}{}未填写", labels.join("、"))
}

/// Cells as A1 rectangles: runs along a row, then runs with the same columns in consecutive
/// rows merged (`E6:I30` for a block of 125 blanks).
pub fn rectangles(cells: &[(u32, u32)]) -> Vec<String> {
    let mut sorted = cells.to_vec();
    sorted.sort();
    sorted.dedup();
    // (row, first col, last col)
    let mut runs: Vec<(u32, u32, u32)> = Vec::new();
    for (r, c) in sorted {
        match runs.last_mut() {
            Some(run) if run.0 == r && run.2 + 1 == c => run.2 = c,
            _ => runs.push((r, c, c)),
        }
    }
    // (first row, last row, first col, last col)
    let mut rects: Vec<(u32, u32, u32, u32)> = Vec::new();
    for (r, c0, c1) in runs {
        let merged = rects
            .iter_mut()
            .find(|q| q.1 + 1 == r && q.2 == c0 && q.3 == c1);
        match merged {
            Some(q) => q.1 = r,
            None => rects.push((r, r, c0, c1)),
        }
    }
    rects
        .into_iter()
        .map(|(r0, r1, c0, c1)| {
            if (r0, c0) == (r1, c1) {
                a1(r0, c0)
            } else {
                format!("{}:{}", a1(r0, c0), a1(r1, c1))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_rectangles() {
        let mut cells = Vec::new();
        for r in 5..30 {
            for c in 4..9 {
                cells.push((r, c));
            }
        }
        cells.push((20, 3));
        assert_eq!(rectangles(&cells), ["E6:I20", "D21:I21", "E22:I30"]);
        assert_eq!(rectangles(&[(0, 0)]), ["A1"]);
    }
}
