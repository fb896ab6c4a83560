//! The checks of spec §4, §6 and §7 over read reports. Pure: no files, no clock (the caller
//! passes today's date and the settings), so the same reports always give the same findings.
//!
//! One file per family; `finding::codes` lists every code with its severity, scope and documentation.
//! Report-scope checks run per workbook (`check`), batch-scope ones over all workbooks
//! (`copies::check_batch`), history-scope ones against last year's report (`history::check`).

pub mod agency;
mod arithmetic;
mod blanks;
mod content;
pub mod copies;
mod dates;
pub mod glyphs;
pub mod history;
pub mod sketch;
pub mod text;

use std::collections::BTreeMap;

use crate::finding::{Code, Finding, Severity};
use crate::model::{Date, Report};

/// The first report year the 2021 format applies to.
pub const FIRST_YEAR: i32 = 2021;

/// What the rules need besides the report: the date, and the office's settings.
#[derive(Debug, Clone)]
pub struct Context {
    pub today: Date,
    pub settings: Settings,
    /// The agencies the office handed workbooks to (`input/名单.txt`), for 汇总范围「全部」 (A5).
    pub roster: Vec<String>,
}

impl Context {
    pub fn new(today: Date) -> Self {
        Context {
            today,
            settings: Settings::default(),
            roster: Vec::new(),
        }
    }
}

/// The office's choices from `nianbao.toml`, as the rules use them.
#[derive(Debug, Clone)]
pub struct Settings {
    /// (month, day) by which a 乡镇人民政府/街道办事处 must publish; local rules vary.
    pub township_deadline: (u32, u32),
    /// Severity per code where the office changed it; `None` switches the code off.
    pub severity: BTreeMap<Code, Option<Severity>>,
    /// Old agency name → new name, for matching last year's reports after a reorganisation.
    pub renamed: BTreeMap<String, String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            township_deadline: (1, 31),
            severity: BTreeMap::new(),
            renamed: BTreeMap::new(),
        }
    }
}

impl Settings {
    /// Applies the office's severities: changes them, or drops findings switched off.
    pub fn apply(&self, findings: &mut Vec<Finding>) {
        findings.retain_mut(|f| match self.severity.get(&f.code) {
            None => true,
            Some(None) => false,
            Some(Some(s)) => {
                f.severity = *s;
                true
            }
        });
    }
}

/// All report-scope findings for `report`, in a stable order.
pub fn check(report: &Report, ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    // A workbook returned as it was handed out is one finding, not a page of blanks.
    if content::unfilled(report, &mut out) {
        return out;
    }
    content::basic_info(report, &mut out);
    dates::check(report, ctx, &mut out);
    arithmetic::check(report, &mut out);
    blanks::check(report, &mut out);
    content::check(report, &mut out);
    text::check(report, &mut out);
    copies::self_reference(report, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Value;
    use crate::schema::{self, TableId};

    #[test]
    fn a_date_where_a_count_belongs_is_named_as_a_date() {
        let mut report = Report::default();
        let t = schema::table(TableId::T2);
        let f = &t.fields[0];
        report
            .t2
            .values
            .insert((f.row, f.col), Value::Date("2025年3月1日".into()));
        let ctx = Context::new(Date::new(2026, 2, 1).expect("a date"));
        let r5: Vec<Finding> = check(&report, &ctx)
            .into_iter()
            .filter(|f| f.code == Code::R5)
            .collect();
        assert_eq!(r5.len(), 1);
        assert!(
            r5[0].message.contains("填写的是日期「2025年3月1日」"),
            "{}",
            r5[0].message
        );
        assert!(r5[0].advice().contains("常规"), "{}", r5[0].advice());
    }

    #[test]
    fn settings_change_or_drop_severities() {
        let mut s = Settings::default();
        s.severity.insert(Code::X1, Some(Severity::Error));
        s.severity.insert(Code::V1, None);
        let mut f = vec![
            Finding::new(Code::X1, "a"),
            Finding::new(Code::V1, "b"),
            Finding::new(Code::R1, "c"),
        ];
        s.apply(&mut f);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].severity, Severity::Error);
        assert_eq!(f[1].code, Code::R1);
    }
}
