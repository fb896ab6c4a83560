//! Aggregate reports (汇总报告): a report whose 基本信息 declares `汇总范围` — `全部`, or a list
//! of agency names — has its tables computed as the sum of those agencies' tables, never typed.
//! A city government publishing city-wide figures does exactly this. Its prose stays its own.
//!
//! This module only plans and sums; `batch` reads every workbook, checks the members, then
//! replaces each aggregate's tables (in dependency order, so an aggregate may sum aggregates).

use std::collections::{BTreeSet, HashMap};

use crate::finding::{Code, Finding};
use crate::model::{Decimal, Report, TableData, Value};
use crate::schema::{self, input};

/// What `汇总范围` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every other agency of the same year in the batch (aggregates excepted).
    All,
    /// These agencies, by the name in their 基本信息.
    Named(Vec<String>),
}

/// Words that mean every agency of the batch.
const ALL: [&str; 4] = ["全部", "全部机关", "全部单位", "所有机关"];

/// What separates names in `汇总范围`.
fn is_separator(c: char) -> bool {
    "、，,；;|/".contains(c) || c.is_whitespace()
}

impl Scope {
    /// `None` when the cell is blank: an ordinary report.
    pub fn parse(text: &str) -> Option<Scope> {
        Scope::parse_knowing(text, &[])
    }

    /// As `parse`, but a name of `known` (the batch's agencies) is taken whole wherever it
    /// stands between separators, even when it contains one itself (「县委、县政府信访局」).
    pub fn parse_knowing(text: &str, known: &[&str]) -> Option<Scope> {
        // Most reports state no scope: no need to look through a province's names.
        if text.trim().is_empty() {
            return None;
        }
        let mut rest = text.to_string();
        let mut names: Vec<(usize, String)> = Vec::new();
        let mut whole: Vec<&str> = known
            .iter()
            .copied()
            .filter(|k| k.chars().any(is_separator))
            .collect();
        whole.sort_by_key(|k| std::cmp::Reverse(k.len()));
        for k in whole {
            while let Some(at) = find_whole(&rest, k) {
                names.push((at, k.to_string()));
                let blank: String = " ".repeat(k.len());
                rest.replace_range(at..at + k.len(), &blank);
            }
        }
        for part in rest.split(is_separator) {
            if !part.trim().is_empty() {
                // Where the part stands in `rest`, in bytes, to keep the names in their order.
                let at = part.as_ptr() as usize - rest.as_ptr() as usize;
                names.push((at, part.trim().to_string()));
            }
        }
        names.sort_by_key(|(at, _)| *at);
        let names: Vec<String> = names.into_iter().map(|(_, n)| n).collect();
        match names.as_slice() {
            [] => None,
            [one] if ALL.contains(&one.as_str()) => Some(Scope::All),
            _ => {
                let mut seen = BTreeSet::new();
                Some(Scope::Named(
                    names
                        .into_iter()
                        .filter(|n| seen.insert(n.clone()))
                        .collect(),
                ))
            }
        }
    }
}

/// Where `name` stands in `text` with a separator (or the end) on each side.
fn find_whole(text: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(name) {
        let at = from + i;
        let before = text[..at].chars().next_back().is_none_or(is_separator);
        let after = text[at + name.len()..]
            .chars()
            .next()
            .is_none_or(is_separator);
        if before && after {
            return Some(at);
        }
        from = at + name.len();
    }
    None
}

/// Whether `report` declares itself the sum of others (its figures are counted in theirs).
pub fn is_aggregate(report: &Report) -> bool {
    Scope::parse(&report.info.scope).is_some()
}

/// One workbook of the batch as planning sees it.
pub struct Entry<'a> {
    /// The agency's name from 基本信息 (trimmed), empty when unknown.
    pub agency: &'a str,
    pub year: Option<i32>,
    /// Whether the workbook was read at all.
    pub readable: bool,
    pub scope: Option<Scope>,
}

/// How to compute the batch's aggregates.
#[derive(Debug, Default)]
pub struct Plan {
    /// (aggregate, its members) in an order where every member comes before the aggregates
    /// that sum it.
    pub steps: Vec<(usize, Vec<usize>)>,
    /// Findings about the declarations (A3), by entry.
    pub findings: Vec<(usize, Finding)>,
    /// Entries that declare a scope, whether or not it could be resolved.
    pub aggregates: BTreeSet<usize>,
}

/// Resolves every `汇总范围` of the batch to the entries it sums.
pub fn plan(entries: &[Entry]) -> Plan {
    let mut plan = Plan::default();
    let by_name: HashMap<&str, Vec<usize>> =
        entries
            .iter()
            .enumerate()
            .fold(HashMap::new(), |mut m, (i, e)| {
                if !e.agency.is_empty() {
                    m.entry(e.agency).or_insert_with(Vec::new).push(i);
                }
                m
            });
    let mut members: Vec<(usize, Vec<usize>)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let Some(scope) = &e.scope else { continue };
        plan.aggregates.insert(i);
        let found = match scope {
            Scope::All => everyone(entries, i),
            Scope::Named(names) => {
                let mut found = Vec::new();
                for name in names {
                    match named(entries, &by_name, i, name) {
                        Ok(j) => found.push(j),
                        Err((message, hint)) => plan.findings.push((
                            i,
                            Finding::new(Code::A3, message)
                                .at(input::SHEET_INFO, None)
                                .hint(hint),
                        )),
                    }
                }
                found
            }
        };
        if found.is_empty() && plan.findings.iter().all(|(k, _)| *k != i) {
            plan.findings.push((
                i,
                Finding::new(
                    Code::A3,
                    "汇总范围是「全部」，但本批没有同一年度的其他机关的工作簿可以汇总。",
                )
                .at(input::SHEET_INFO, None)
                .hint("请把各机关的工作簿与本工作簿放在一起再运行。"),
            ));
        }
        members.push((i, found));
    }
    order(members, &mut plan);
    overlaps(entries, &mut plan);
    plan
}

/// A3: an agency counted twice by one aggregate — listed itself and again inside an aggregate
/// the same scope lists (or inside two of them). Each way it is reached is named.
fn overlaps(entries: &[Entry], plan: &mut Plan) {
    let mut leaves: HashMap<usize, Vec<(usize, Vec<usize>)>> = HashMap::new();
    for (i, members) in &plan.steps {
        let mut mine: Vec<(usize, Vec<usize>)> = Vec::new();
        for &m in members {
            match leaves.get(&m) {
                Some(inner) => mine.extend(inner.iter().map(|(leaf, path)| {
                    let mut p = vec![m];
                    p.extend(path);
                    (*leaf, p)
                })),
                None => mine.push((m, Vec::new())),
            }
        }
        let mut seen: HashMap<usize, &Vec<usize>> = HashMap::new();
        let mut reported = BTreeSet::new();
        for (leaf, path) in &mine {
            match seen.get(leaf) {
                Some(first) if reported.insert(*leaf) => {
                    let way = |p: &Vec<usize>| match p.as_slice() {
                        [] => "直接列入汇总范围".to_string(),
                        via => format!(
                            "通过{}计入",
                            via.iter()
                                .map(|v| format!("「{}」", entries[*v].agency))
                                .collect::<Vec<_>>()
                                .join("中的")
                        ),
                    };
                    let name = entries[*leaf].agency;
                    plan.findings.push((
                        *i,
                        Finding::new(
                            Code::A3,
                            format!(
                                "「{name}」被汇总了两次：{}，又{}，它的数字会重复相加。",
                                way(first),
                                way(path)
                            ),
                        )
                        .hint("请从汇总范围中删去其中一处。")
                        .at(input::SHEET_INFO, None),
                    ));
                }
                Some(_) => {}
                None => {
                    seen.insert(*leaf, path);
                }
            }
        }
        leaves.insert(*i, mine);
    }
}

/// `全部`: every readable non-aggregate workbook of the same year.
fn everyone(entries: &[Entry], me: usize) -> Vec<usize> {
    let year = entries[me].year;
    (0..entries.len())
        .filter(|&j| j != me)
        .filter(|&j| {
            let e = &entries[j];
            e.readable && e.scope.is_none() && e.year == year && !e.agency.is_empty()
        })
        .collect()
}

/// The entry of the batch a name in `汇总范围` means, or why there is none (A3's message).
fn named(
    entries: &[Entry],
    by_name: &HashMap<&str, Vec<usize>>,
    me: usize,
    name: &str,
) -> Result<usize, (String, String)> {
    let year = entries[me].year;
    if name == entries[me].agency {
        return Err((
            format!("汇总范围列出了本机关「{name}」自己，而汇总报告的表格由所列机关相加得出。"),
            "请删去本机关的名称。".to_string(),
        ));
    }
    let Some(candidates) = by_name.get(name) else {
        let near = nearest(entries, name);
        let (guess, hint) = match near {
            Some(n) => (
                format!("是否指「{n}」？"),
                "请按该机关工作簿「基本信息」中的机关名称填写。",
            ),
            None => (
                String::new(),
                "请把该机关的工作簿放进本批，或核对名称与其工作簿「基本信息」中的机关名称是否一致。",
            ),
        };
        return Err((
            format!("汇总范围中的「{name}」在本批工作簿中没有找到。{guess}"),
            hint.to_string(),
        ));
    };
    match candidates.iter().find(|&&j| entries[j].year == year) {
        Some(&j) => Ok(j),
        None => {
            let other = entries[candidates[0]]
                .year
                .map_or("未填写".to_string(), |y| format!("{y}年度"));
            Err((
                format!(
                    "汇总范围中的「{name}」在本批只有{other}的报告，与本报告的年度不同，无法汇总。"
                ),
                "请放入该机关本年度的工作簿。".to_string(),
            ))
        }
    }
}

/// The batch's agency name closest to a name not found (a typo, a short form).
fn nearest<'a>(entries: &'a [Entry], name: &str) -> Option<&'a str> {
    entries
        .iter()
        .map(|e| e.agency)
        .filter(|a| !a.is_empty())
        .filter_map(|a| {
            let d = crate::workbook::near::distance(a, name);
            let close = d <= 2 || a.contains(name) || name.contains(a);
            close.then_some((d, a))
        })
        .min()
        .map(|(_, a)| a)
}

/// Orders the aggregates so that members come first; those in a cycle get A3 instead.
fn order(mut pending: Vec<(usize, Vec<usize>)>, plan: &mut Plan) {
    let mut done: BTreeSet<usize> = BTreeSet::new();
    loop {
        let ready = pending.iter().position(|(_, ms)| {
            ms.iter()
                .all(|m| !plan.aggregates.contains(m) || done.contains(m))
        });
        let Some(k) = ready else { break };
        let step = pending.remove(k);
        done.insert(step.0);
        plan.steps.push(step);
    }
    for (i, _) in pending {
        plan.findings.push((
            i,
            Finding::new(
                Code::A3,
                "汇总范围互相包含（甲汇总乙，乙又汇总甲），无法计算。",
            )
            .at(input::SHEET_INFO, None)
            .hint("请检查各汇总报告的汇总范围。"),
        ));
    }
}

/// The sum of `reports`' tables, field by field. Blanks and text add nothing: each member's
/// own findings (V1, R5) say what is missing there. A field no member gave a number for is
/// blank in the sum, not 0.
pub fn sum(reports: &[&Report]) -> Report {
    let mut total = Report::default();
    for table in schema::tables() {
        let data = total.table_mut(table.id);
        data.complete = true;
        for f in &table.fields {
            let mut acc = Decimal::from_int(0);
            let mut any = reports.is_empty();
            for r in reports {
                if let Value::Number(d) = r.table(table.id).get(f.row, f.col) {
                    acc = acc.checked_add(*d).unwrap_or(acc);
                    any = true;
                }
            }
            let value = if any {
                Value::Number(acc)
            } else {
                Value::Blank
            };
            data.values.insert((f.row, f.col), value);
        }
    }
    total
}

/// Replaces `report`'s tables with `sums`, keeping the cells they were read from (findings on
/// the aggregate still point into its own workbook). Returns A2 for each table where a typed
/// value disagrees with the sum: the typed values are not used.
pub fn apply(report: &mut Report, sums: Report) -> Vec<Finding> {
    let mut found = Vec::new();
    for table in schema::tables() {
        let typed = report.table(table.id);
        let mut wrong = Vec::new();
        // 总计 cells are the input workbook's formulas over the typed cells: only what a
        // person typed is compared.
        for f in table.fields.iter().filter(|f| !f.is_total) {
            let sum = sums.table(table.id).get(f.row, f.col);
            let differs = match (typed.get(f.row, f.col), sum) {
                (Value::Blank, _) => false,
                (Value::Number(a), Value::Number(b)) => !a.same_number(*b),
                _ => true,
            };
            if differs {
                wrong.push((f, typed.source(f.row, f.col).cloned()));
            }
        }
        if let Some(f) = disagreement(table, typed, &sums, &wrong) {
            found.push(f);
        }
        let TableData { values, .. } = sums.table(table.id).clone();
        let data = report.table_mut(table.id);
        data.values = values;
        data.complete = true;
    }
    found
}

/// A2 for one table: the first few cells where the typed value is not the sum.
fn disagreement(
    table: &schema::Table,
    typed: &TableData,
    sums: &Report,
    wrong: &[(&schema::Field, Option<crate::model::CellRef>)],
) -> Option<Finding> {
    let (first, cell) = wrong.first()?;
    let show = |f: &schema::Field| {
        let typed = crate::model::display_value(typed.get(f.row, f.col), f.kind);
        let sum = crate::model::display_value(sums.table(table.id).get(f.row, f.col), f.kind);
        format!(
            "「{}」填写 {typed}，所汇总机关合计 {sum}",
            table.field_title(f.row, f.col)
        )
    };
    let more = match wrong.len() {
        1 => String::new(),
        n => format!("（共{n}处不符）"),
    };
    let cells: Vec<(u32, u32)> = wrong
        .iter()
        .filter_map(|(_, c)| c.as_ref().map(|c| (c.row, c.col)))
        .collect();
    let mut f = Finding::new(
        Code::A2,
        format!(
            "本报告是汇总报告，{}的数字由所汇总机关相加得出；{}{more}，已按合计生成，填写的数字不会使用。",
            table.sheet,
            show(first)
        ),
    )
    .hint("可以清空汇总报告中填写的数字，或核对各机关的工作簿。");
    let sheet = cell
        .as_ref()
        .map_or(table.sheet.to_string(), |c| c.sheet.clone());
    f = f.at(
        &sheet,
        (!cells.is_empty()).then(|| crate::model::a1_ranges(&cells)),
    );
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_name_with_a_separator_is_taken_whole_in_its_place() {
        let scope = Scope::parse_knowing(
            "江岚县甲局、县委、县政府信访局，江岚县乙局",
            &["县委、县政府信访局", "江岚县甲局"],
        );
        let names = ["江岚县甲局", "县委、县政府信访局", "江岚县乙局"];
        assert_eq!(scope, Some(Scope::Named(names.map(String::from).to_vec())));
    }

    fn entry(agency: &str, scope: Option<Scope>) -> Entry<'_> {
        Entry {
            agency,
            year: Some(2025),
            readable: true,
            scope,
        }
    }

    #[test]
    fn scopes_are_read_with_every_separator_offices_use() {
        assert_eq!(Scope::parse("  "), None);
        assert_eq!(Scope::parse("全部"), Some(Scope::All));
        assert_eq!(
            Scope::parse("甲局、乙局，乙局\n丙镇人民政府"),
            Some(Scope::Named(vec![
                "甲局".into(),
                "乙局".into(),
                "丙镇人民政府".into()
            ]))
        );
    }

    #[test]
    fn nested_aggregates_come_after_their_members_and_cycles_are_findings() {
        let named = |n: &[&str]| Some(Scope::Named(n.iter().map(|s| s.to_string()).collect()));
        let entries = vec![
            entry("市政府", named(&["甲县", "乙局"])),
            entry("甲县", named(&["丙镇"])),
            entry("丙镇", None),
            entry("乙局", None),
            entry("丁", named(&["戊"])),
            entry("戊", named(&["丁"])),
        ];
        let p = plan(&entries);
        let order: Vec<usize> = p.steps.iter().map(|s| s.0).collect();
        assert_eq!(order, vec![1, 0]);
        assert_eq!(p.steps[1].1, vec![1, 3]);
        let cyc: Vec<usize> = p.findings.iter().map(|(i, _)| *i).collect();
        assert_eq!(cyc, vec![4, 5]);
    }

    #[test]
    fn all_means_the_other_ordinary_workbooks_of_the_year() {
        let mut entries = vec![
            entry("县政府", Some(Scope::All)),
            entry("甲局", None),
            entry("乙局", None),
            entry("另一汇总", Some(Scope::Named(vec!["甲局".into()]))),
        ];
        entries[2].year = Some(2024);
        let p = plan(&entries);
        assert_eq!(p.steps[0], (0, vec![1]));
    }

    #[test]
    fn a_name_not_in_the_batch_suggests_the_nearest() {
        let entries = vec![
            entry("县政府", Some(Scope::Named(vec!["县交通局".into()]))),
            entry("县交通运输局", None),
        ];
        let p = plan(&entries);
        assert_eq!(p.findings.len(), 1);
        assert!(
            p.findings[0].1.message.contains("是否指「县交通运输局」"),
            "{}",
            p.findings[0].1.message
        );
    }
}
