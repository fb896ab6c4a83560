//! `nianbao new --from`: this year's input workbook started from last year's report — the
//! agency's details, 二、上年结转 from last year's 四、结转下年度继续办理 column by column, and last
//! year's prose beside the input column for reference (never as this year's text: copying it is
//! what Y8 and K2 warn about).

use std::collections::BTreeMap;

use crate::model::{Report, Value};
use crate::schema::{self, TableId};

/// What a workbook started from last year's report carries besides the report itself.
#[derive(Debug, Default)]
pub struct Carried {
    /// Last year's file, named in the notes.
    pub source: String,
    /// 表三 columns whose 上年结转 was filled in, by key.
    pub columns: Vec<&'static str>,
    /// Last year's paragraphs by section key and topic title.
    pub prose: BTreeMap<(String, String), Vec<String>>,
}

/// This year's blank report for `agency` filled from `last`, and what was carried.
pub fn from_last_year(mut report: Report, last: &Report, source: &str) -> (Report, Carried) {
    let info = &last.info;
    report.info.kind = info.kind.clone();
    report.info.address = info.address.clone();
    report.info.postcode = info.postcode.clone();
    report.info.phone = info.phone.clone();
    report.info.email = info.email.clone();
    report.info.website = info.website.clone();
    report.info.scope = info.scope.clone();
    let mut carried = Carried {
        source: source.to_string(),
        ..Carried::default()
    };
    let t3 = schema::table(TableId::T3);
    for col in schema::t3_applicants() {
        // Only a number is carried: a blank or a text last year says nothing about this year.
        if let Value::Number(n) = last.t3.get("carried_out", col)
            && let Some((_, f)) = t3.field("carried_in", col)
        {
            report.t3.values.insert((f.row, f.col), Value::Number(*n));
            carried.columns.push(col);
        }
    }
    for (key, topics) in &last.text {
        for topic in topics {
            let texts: Vec<String> = topic
                .paragraphs
                .iter()
                .map(|p| p.text.clone())
                .filter(|t| !t.trim().is_empty())
                .collect();
            if !texts.is_empty() {
                carried
                    .prose
                    .entry((key.clone(), topic.title.clone()))
                    .or_default()
                    .extend(texts);
            }
        }
    }
    (report, carried)
}

/// The note on a carried 上年结转 cell.
pub fn note(carried: &Carried, value: &Value) -> String {
    let shown = match value {
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    format!(
        "按上年报告（{}）表三「四、结转下年度继续办理」预填为 {shown}，请核对。",
        carried.source
    )
}
