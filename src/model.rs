//! The report as data: what an agency filled in, independent of any output.
//!
//! `Report` serialises to the tera context: `{{ t3.new.total }}`, `{{ info.agency }}`,
//! `{{ overview[0].paragraphs }}`. Where each number came from is kept beside it (`sources`)
//! but not serialised into the template context.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use crate::schema::{self, Kind, TableId};

/// A cell address in a sheet: `表三!D12`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CellRef {
    pub sheet: String,
    /// 0-based row and column.
    pub row: u32,
    pub col: u32,
    /// In a document, the place as printed (`第2个表格第12行第4列`, `第3页第2段`), which stands
    /// for the cell in every message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
}

impl CellRef {
    pub fn new(sheet: &str, row: u32, col: u32) -> Self {
        CellRef {
            sheet: sheet.to_string(),
            row,
            col,
            place: None,
        }
    }

    /// A place in a document that has no cells: a paragraph, a page.
    pub fn placed(sheet: &str, place: &str) -> Self {
        CellRef {
            place: Some(place.to_string()),
            ..CellRef::new(sheet, 0, 0)
        }
    }

    /// The cell as findings name it: A1 notation, or the document's place.
    pub fn a1(&self) -> String {
        match &self.place {
            Some(p) => p.clone(),
            None => a1(self.row, self.col),
        }
    }
}

/// A1 notation of a 0-based (row, col).
pub fn a1(row: u32, col: u32) -> String {
    format!("{}{}", column_name(col), row + 1)
}

/// 0-based cells as A1 ranges: consecutive cells in one row or one column become `D4:I4`.
pub fn a1_ranges(cells: &[(u32, u32)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < cells.len() {
        let start = cells[i];
        let mut end = start;
        let mut j = i + 1;
        while j < cells.len() {
            let next = cells[j];
            let same_row = next.0 == start.0 && next.0 == end.0 && next.1 == end.1 + 1;
            let same_col = next.1 == start.1 && next.1 == end.1 && next.0 == end.0 + 1;
            if !(same_row || same_col) {
                break;
            }
            end = next;
            j += 1;
        }
        if start == end {
            parts.push(a1(start.0, start.1));
        } else {
            parts.push(format!("{}:{}", a1(start.0, start.1), a1(end.0, end.1)));
        }
        i = j;
    }
    parts.join(",")
}

pub fn column_name(col: u32) -> String {
    let mut n = col + 1;
    let mut name = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        name.push(b'A' + r);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// An exact decimal: `mantissa × 10^-scale`. Kept as entered, never printed through f64.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    pub mantissa: i128,
    pub scale: u32,
}

impl Decimal {
    pub fn from_int(n: i64) -> Self {
        Decimal {
            mantissa: n as i128,
            scale: 0,
        }
    }

    /// Parses `12`, `-3.50`, `4068.208`; rejects exponents, separators and anything else.
    pub fn parse(text: &str) -> Option<Decimal> {
        let t = text.trim();
        let (neg, digits) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
            return None;
        }
        if int.len() + frac.len() > 30 {
            return None;
        }
        let mut mantissa: i128 = 0;
        for c in int.chars().chain(frac.chars()) {
            mantissa = mantissa * 10 + (c as u8 - b'0') as i128;
        }
        Some(Decimal {
            mantissa: if neg { -mantissa } else { mantissa },
            scale: frac.len() as u32,
        })
    }

    /// The decimal a spreadsheet number stands for: the shortest text that reads back as `f`.
    pub fn from_f64(f: f64) -> Option<Decimal> {
        if !f.is_finite() || f.abs() >= 1e27 {
            return None;
        }
        Decimal::parse(&format!("{f}"))
    }

    /// The mantissa at a larger `scale` (`36.85` at 3 is 36850), `None` on overflow.
    fn at_scale(self, scale: u32) -> Option<i128> {
        self.mantissa
            .checked_mul(10i128.checked_pow(scale.checked_sub(self.scale)?)?)
    }

    /// The exact sum, `None` on overflow.
    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        Some(Decimal {
            mantissa: self.at_scale(scale)?.checked_add(other.at_scale(scale)?)?,
            scale,
        })
    }

    /// Whether both are the same number however written (`36.85` = `36.850`).
    pub fn same_number(self, other: Decimal) -> bool {
        let scale = self.scale.max(other.scale);
        matches!((self.at_scale(scale), other.at_scale(scale)), (Some(a), Some(b)) if a == b)
    }

    pub fn is_negative(&self) -> bool {
        self.mantissa < 0
    }

    /// The whole number this is, if it has no fractional part (`3.0` counts as 3).
    pub fn as_integer(&self) -> Option<i64> {
        let p = 10i128.checked_pow(self.scale)?;
        if self.mantissa % p != 0 {
            return None;
        }
        i64::try_from(self.mantissa / p).ok()
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let digits = self.mantissa.unsigned_abs().to_string();
        let scale = self.scale as usize;
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (int, frac) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{int}.{frac}")
    }
}

/// What one numeric cell of a table holds. A blank is not a zero.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Blank,
    Number(Decimal),
    /// Not a number: text, an error value … kept as found for the message.
    Invalid(String),
    /// A date where a number belongs (the cell was formatted as a date), as the user sees it.
    Date(String),
}

/// No count in these tables comes near this; a larger one is a typo (R5 says so).
pub const MAX_COUNT: i64 = 1_000_000_000;

impl Value {
    /// The value for arithmetic rules: blanks, invalid cells and absurd magnitudes (which R5
    /// reports) count as 0, so sums can neither mislead nor overflow.
    pub fn as_int_or_zero(&self) -> i64 {
        match self {
            Value::Number(d) => d.as_integer().filter(|i| i.abs() <= MAX_COUNT).unwrap_or(0),
            _ => 0,
        }
    }

    pub fn is_blank(&self) -> bool {
        matches!(self, Value::Blank)
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Blank => s.serialize_none(),
            Value::Number(d) => match d.as_integer() {
                Some(i) if d.scale == 0 => s.serialize_i64(i),
                _ => s.serialize_str(&d.to_string()),
            },
            Value::Invalid(text) | Value::Date(text) => s.serialize_str(text),
        }
    }
}

/// One official table as read: values by (row key, column key), plus where each came from.
#[derive(Debug, Clone, Default)]
pub struct TableData {
    pub values: BTreeMap<(&'static str, &'static str), Value>,
    pub sources: BTreeMap<(&'static str, &'static str), CellRef>,
    /// False when the reader could not locate every field (a structural finding says why).
    pub complete: bool,
}

impl TableData {
    pub fn get(&self, row: &'static str, col: &'static str) -> &Value {
        self.values.get(&(row, col)).unwrap_or(&Value::Blank)
    }

    pub fn source(&self, row: &'static str, col: &'static str) -> Option<&CellRef> {
        self.sources.get(&(row, col))
    }

    pub fn int(&self, row: &'static str, col: &'static str) -> i64 {
        self.get(row, col).as_int_or_zero()
    }
}

impl Serialize for TableData {
    /// `{ row: { col: value } }`, the shape templates index into.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut rows: BTreeMap<&str, BTreeMap<&str, &Value>> = BTreeMap::new();
        for ((r, c), v) in &self.values {
            rows.entry(r).or_default().insert(c, v);
        }
        rows.serialize(s)
    }
}

/// A calendar date as written in 基本信息.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (proleptic Gregorian).
    pub fn to_unix_days(self) -> i64 {
        let (y, m, d) = (self.year as i64, self.month as i64, self.day as i64);
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146097 + doe - 719468
    }

    pub fn from_unix_days(days: i64) -> Option<Date> {
        let z = days + 719468;
        let era = z.div_euclid(146097);
        let doe = z - era * 146097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
        Date::new(i32::try_from(year).ok()?, month, day)
    }

    /// `2025年1月20日`: Arabic numerals, no zero padding (GB/T 9704 7.3.5).
    pub fn chinese(&self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

/// 基本信息 of the workbook.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Info {
    pub agency: String,
    /// `None` when blank or unreadable (Y1, Y2 say which).
    pub year: Option<i32>,
    /// The 报告年度 cell as written, to tell a blank from a typo.
    #[serde(skip)]
    pub year_text: String,
    /// 机关类别 as written (one of `schema::input::AGENCY_KINDS`), empty when not given.
    pub kind: String,
    /// 汇总范围 as written: empty for an ordinary report, else `全部` or the agencies whose
    /// tables this report sums (`aggregate::Scope`).
    pub scope: String,
    pub published: Option<Date>,
    /// `2025年1月20日`, empty when no date was given.
    pub published_text: String,
    pub address: String,
    pub postcode: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    /// Where each field was read (`published` → `B5`), for findings that name the cell.
    #[serde(skip)]
    pub cells: std::collections::BTreeMap<String, String>,
}

/// A paragraph of the agency's prose and the cell it came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Paragraph {
    pub text: String,
    #[serde(skip)]
    pub source: Option<CellRef>,
}

/// A run of paragraphs under one (optional) sub-heading.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Topic {
    /// The sub-heading without its number (`主动公开`); empty for paragraphs without one.
    pub title: String,
    pub paragraphs: Vec<Paragraph>,
}

/// The report of one agency for one year.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub info: Info,
    /// Prose by section key (`overview`, `problems`, `other`, and optional text before tables).
    pub text: BTreeMap<String, Vec<Topic>>,
    pub t2: TableData,
    pub t3: TableData,
    pub t4: TableData,
    /// For an aggregate report (汇总范围), the agencies its tables add up, as the report says.
    pub members: Vec<String>,
}

impl Report {
    pub fn table(&self, id: TableId) -> &TableData {
        match id {
            TableId::T2 => &self.t2,
            TableId::T3 => &self.t3,
            TableId::T4 => &self.t4,
        }
    }

    pub fn table_mut(&mut self, id: TableId) -> &mut TableData {
        match id {
            TableId::T2 => &mut self.t2,
            TableId::T3 => &mut self.t3,
            TableId::T4 => &mut self.t4,
        }
    }

    /// Every paragraph of the report in printed order.
    pub fn paragraphs(&self) -> impl Iterator<Item = &Paragraph> {
        schema::SECTIONS.iter().flat_map(move |(key, _)| {
            self.text
                .get(*key)
                .into_iter()
                .flatten()
                .flat_map(|t| t.paragraphs.iter())
        })
    }
}

/// How a value of `kind` prints in a table: counts as integers, money as entered.
pub fn display_value(value: &Value, kind: Kind) -> String {
    match (value, kind) {
        (Value::Blank, _) => String::new(),
        (Value::Number(d), Kind::Count) => match d.as_integer() {
            Some(i) => i.to_string(),
            None => d.to_string(),
        },
        (Value::Number(d), Kind::Money) => d.to_string(),
        (Value::Invalid(text), _) | (Value::Date(text), _) => text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_print_as_entered() {
        for s in ["0", "12", "4068.208", "7730.28", "0.05", "96171.6", "-3.5"] {
            assert_eq!(Decimal::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(Decimal::from_f64(4068.208).unwrap().to_string(), "4068.208");
        assert_eq!(Decimal::from_f64(3.0).unwrap().as_integer(), Some(3));
        assert_eq!(Decimal::from_f64(0.1 + 0.2).unwrap().as_integer(), None);
        assert!(Decimal::parse("1e5").is_none());
        assert!(Decimal::parse("1,000").is_none());
        assert!(Decimal::parse(".").is_none());
        assert!(Decimal::from_f64(f64::NAN).is_none());
    }

    #[test]
    fn ranges_compress_runs() {
        assert_eq!(a1_ranges(&[(3, 3), (3, 4), (3, 5)]), "D4:F4");
        assert_eq!(a1_ranges(&[(4, 3), (5, 3), (9, 3)]), "D5:D6,D10");
        assert_eq!(a1_ranges(&[(0, 0)]), "A1");
    }

    #[test]
    fn column_names() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(11, 3), "D12");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
    }

    #[test]
    fn dates_round_trip_through_days() {
        let d = Date::new(2025, 1, 20).unwrap();
        assert_eq!(Date::from_unix_days(d.to_unix_days()), Some(d));
        assert_eq!(Date::new(1970, 1, 1).unwrap().to_unix_days(), 0);
        assert!(Date::new(2023, 2, 29).is_none());
        assert_eq!(d.chinese(), "2025年1月20日");
    }
}
