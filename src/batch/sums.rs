//! The batch's aggregate reports (`aggregate`): planned from what every workbook declares, then
//! summed once their members are checked, so that a member's errors are known to its aggregate.

use crate::aggregate::{self, Entry, Plan, Scope};
use crate::finding::{Code, Finding, attribute};
use crate::model::Report;

use super::Checked;
use super::check::readable;

/// Which workbooks are aggregates and what each sums.
pub fn plan(checked: &[Checked]) -> Plan {
    let known: Vec<&str> = checked
        .iter()
        .map(|c| c.report.info.agency.trim())
        .collect();
    let entries: Vec<Entry> = checked
        .iter()
        .map(|c| Entry {
            agency: c.report.info.agency.trim(),
            year: c.report.info.year,
            readable: readable(c),
            scope: declared(c, &known),
        })
        .collect();
    aggregate::plan(&entries)
}

fn declared(c: &Checked, known: &[&str]) -> Option<Scope> {
    if !readable(c) {
        return None;
    }
    Scope::parse_knowing(&c.report.info.scope, known)
}

/// Replaces each aggregate's tables with its members' sums, in the plan's order, with A1–A4;
/// `check` then runs the rules on it (members have been checked already). Aggregates that
/// could not be ordered (a cycle) are checked as typed.
pub fn compute(
    checked: &mut [Checked],
    plan: &Plan,
    roster: &[String],
    check: impl Fn(&mut Checked),
) {
    for (i, f) in &plan.findings {
        push(&mut checked[*i], vec![f.clone()]);
    }
    let unreturned = unreturned(checked, roster);
    for (i, members) in &plan.steps {
        let mut found = troubles(checked, *i, members);
        if !unreturned.is_empty() && declared(&checked[*i], &[]) == Some(Scope::All) {
            found.push(roster_gap(&unreturned));
        }
        let sums = {
            // Members done with are slimmed: their tables are read again, one aggregate at a time.
            let mut reports = Vec::new();
            for &m in members {
                match super::check::load(&checked[m]) {
                    Ok(r) => reports.push(r),
                    Err(f) => found.push(*f),
                }
            }
            let refs: Vec<&Report> = reports.iter().map(|r| r.as_ref()).collect();
            aggregate::sum(&refs)
        };
        let names: Vec<String> = members.iter().map(|&m| checked[m].agency()).collect();
        if !members.is_empty() {
            found.push(members_note(&names));
        }
        let files: Vec<_> = members.iter().map(|&m| checked[m].file.clone()).collect();
        let c = &mut checked[*i];
        c.members = files;
        c.report.members = names;
        // The typed figures are not used, so what the reader said of them does not apply.
        c.findings
            .retain(|f| !matches!(f.code, Code::V4 | Code::V5));
        found.extend(aggregate::apply(&mut c.report, sums));
        push(c, found);
        check(c);
    }
    let stepped: Vec<usize> = plan.steps.iter().map(|s| s.0).collect();
    for &i in plan.aggregates.iter().filter(|i| !stepped.contains(i)) {
        check(&mut checked[i]);
    }
}

fn push(c: &mut Checked, mut found: Vec<Finding>) {
    attribute(&mut found, &c.file, &c.agency());
    c.findings.extend(found);
}

/// A1: which agencies the tables add up.
fn members_note(names: &[String]) -> Finding {
    const SHOWN: usize = 12;
    let listed = match names.len() {
        n if n > SHOWN => format!("{}等", names[..SHOWN].join("、")),
        _ => names.join("、"),
    };
    Finding::new(
        Code::A1,
        format!(
            "本报告是汇总报告，表二至表四由{}个机关的报告相加得出：{listed}。",
            names.len()
        ),
    )
    .at(crate::schema::input::SHEET_INFO, None)
}

/// A4: members whose figures cannot be trusted yet, and — for `全部` — workbooks of the batch
/// that could not be read and so are missing from the sum.
fn troubles(checked: &[Checked], me: usize, members: &[usize]) -> Vec<Finding> {
    let mut found = Vec::new();
    for &m in members {
        let c = &checked[m];
        let errors = c.findings.iter().filter(|f| f.is_error()).count();
        if errors == 0 {
            continue;
        }
        found.push(
            Finding::new(
                Code::A4,
                format!(
                    "所汇总的「{}」（{}）有{errors}个错误，汇总结果在其更正之前不可靠。",
                    c.agency(),
                    c.file.display()
                ),
            )
            .hint("请先更正该机关的工作簿。")
            .at(crate::schema::input::SHEET_INFO, None)
            .related(
                Some(&c.file),
                crate::schema::input::SHEET_INFO,
                None,
                "所汇总机关的工作簿",
            ),
        );
    }
    if declared(&checked[me], &[]) == Some(Scope::All) {
        for c in checked.iter().filter(|c| !readable(c)) {
            found.push(
                Finding::new(
                    Code::A4,
                    format!(
                        "本批的 {} 无法读取，没有计入「全部」的汇总。",
                        c.file.display()
                    ),
                )
                .hint("请先更正该文件，或把它移出本批。")
                .at(crate::schema::input::SHEET_INFO, None),
            );
        }
    }
    found
}

/// The roster's agencies that have returned no workbook to this batch.
pub fn unreturned(checked: &[Checked], roster: &[String]) -> Vec<String> {
    use crate::workbook::labels::normalize;
    let present: std::collections::HashSet<String> = checked
        .iter()
        .map(|c| normalize(c.report.info.agency.trim()))
        .collect();
    roster
        .iter()
        .filter(|a| !present.contains(&normalize(a.trim())))
        .cloned()
        .collect()
}

/// A5: an aggregate of 「全部」 while agencies of the roster have not returned a workbook:
/// the county's figures would go out without them. Found with the aggregate's other findings,
/// so an aggregate that sums it sees it (A4).
fn roster_gap(unreturned: &[String]) -> Finding {
    Finding::new(
        Code::A5,
        format!(
            "汇总范围为「全部」，但名单（input/名单.txt）上的{}个机关没有交回工作簿，不在汇总之内：{}。",
            unreturned.len(),
            unreturned.join("、")
        ),
    )
    .hint("请等这些机关交回后再生成；确需先发布的，可在 nianbao.toml 的 [severity] 中写 A5 = \"warning\"，报告会写明汇总了哪些机关。")
    .at(crate::schema::input::SHEET_INFO, None)
}
