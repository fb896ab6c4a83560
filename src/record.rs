//! The record of a built report kept beside its PDF and XLSX (`<机关名称>.json`): everything the
//! report said, every number with the cell it came from, so next year's checks (X1–X3) read
//! last year exactly as nianbao knew it rather than re-reading a workbook by its labels.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{CellRef, Decimal, Info, Report, Topic, Value};
use crate::schema;

/// Bumped when the shape changes; older records are read as far as they go.
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
pub struct Record {
    pub nianbao_record: u32,
    pub info: Info,
    pub text: BTreeMap<String, Vec<Topic>>,
    pub cells: Vec<RecordCell>,
}

/// One field of an official table: `value` as entered (a decimal, or the text found), `None`
/// for a blank; `sheet`/`cell` where it was read.
#[derive(Debug, Serialize, Deserialize)]
pub struct RecordCell {
    pub table: String,
    pub row: String,
    pub col: String,
    pub value: Option<RecordValue>,
    pub sheet: Option<String>,
    pub cell: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordValue {
    Number(String),
    Text(String),
    Date(String),
}

impl Record {
    pub fn of(report: &Report) -> Record {
        let mut cells = Vec::new();
        for table in schema::tables() {
            let data = report.table(table.id);
            for f in &table.fields {
                let value = match data.get(f.row, f.col) {
                    Value::Blank => None,
                    Value::Number(d) => Some(RecordValue::Number(d.to_string())),
                    Value::Invalid(t) => Some(RecordValue::Text(t.clone())),
                    Value::Date(t) => Some(RecordValue::Date(t.clone())),
                };
                let source = data.source(f.row, f.col);
                cells.push(RecordCell {
                    table: table.key.to_string(),
                    row: f.row.to_string(),
                    col: f.col.to_string(),
                    value,
                    sheet: source.map(|s| s.sheet.clone()),
                    cell: source.map(CellRef::a1),
                });
            }
        }
        Record {
            nianbao_record: VERSION,
            info: report.info.clone(),
            text: report.text.clone(),
            cells,
        }
    }

    /// The report of the record file at `path`, if it is one (at most `limits::FILE_BYTES`).
    pub fn load(path: &std::path::Path) -> Option<Report> {
        use std::io::Read as _;
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .ok()?
            .take(crate::limits::FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .ok()?;
        if bytes.len() as u64 > crate::limits::FILE_BYTES {
            return None;
        }
        Some(serde_json::from_slice::<Record>(&bytes).ok()?.into_report())
    }

    /// The report the record describes; fields the current schema does not have are dropped.
    pub fn into_report(self) -> Report {
        let mut report = Report {
            info: self.info,
            text: self.text,
            ..Report::default()
        };
        for c in self.cells {
            let Some(table) = schema::table_by_key(&c.table) else {
                continue;
            };
            let Some((_, f)) = table.field(&c.row, &c.col) else {
                continue;
            };
            let value = match c.value {
                None => Value::Blank,
                Some(RecordValue::Number(n)) => {
                    Decimal::parse(&n).map_or(Value::Invalid(n), Value::Number)
                }
                Some(RecordValue::Text(t)) => Value::Invalid(t),
                Some(RecordValue::Date(t)) => Value::Date(t),
            };
            let data = report.table_mut(table.id);
            data.values.insert((f.row, f.col), value);
            if let (Some(sheet), Some(cell)) = (c.sheet, c.cell) {
                // A document's place (`第2个表格第12行第4列`) is kept as written.
                let source = match parse_a1(&cell) {
                    Some((row, col)) => CellRef::new(&sheet, row, col),
                    None => CellRef::placed(&sheet, &cell),
                };
                data.sources.insert((f.row, f.col), source);
            }
        }
        for table in schema::tables() {
            let data = report.table_mut(table.id);
            data.complete = table
                .fields
                .iter()
                .all(|f| data.values.contains_key(&(f.row, f.col)));
        }
        report
    }
}

/// `D12` → (11, 3).
pub fn parse_a1(a1: &str) -> Option<(u32, u32)> {
    let split = a1.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = a1.split_at(split);
    if letters.is_empty() || !letters.chars().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    let col = letters.bytes().try_fold(0u32, |n, b| {
        n.checked_mul(26)?.checked_add((b - b'A' + 1) as u32)
    })?;
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::a1;

    #[test]
    fn a1_round_trips() {
        for (r, c) in [(0, 0), (11, 3), (499, 99), (0, 26)] {
            assert_eq!(parse_a1(&a1(r, c)), Some((r, c)));
        }
        assert_eq!(parse_a1("12"), None);
        assert_eq!(parse_a1("A0"), None);
    }

    #[test]
    fn a_report_survives_its_record() {
        let mut report = Report::default();
        report.info.agency = "某局".into();
        report.info.year = Some(2025);
        for table in schema::tables() {
            let data = report.table_mut(table.id);
            for (i, f) in table.fields.iter().enumerate() {
                data.values
                    .insert((f.row, f.col), Value::Number(Decimal::from_int(i as i64)));
                data.sources
                    .insert((f.row, f.col), CellRef::new(table.sheet, i as u32 + 5, 3));
            }
        }
        let json = serde_json::to_string(&Record::of(&report)).unwrap();
        let back: Record = serde_json::from_str(&json).unwrap();
        let back = back.into_report();
        assert_eq!(back.info.agency, "某局");
        for table in schema::tables() {
            assert!(back.table(table.id).complete);
            assert_eq!(back.table(table.id).values, report.table(table.id).values);
            assert_eq!(back.table(table.id).sources, report.table(table.id).sources);
        }
    }
}
