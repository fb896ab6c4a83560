//! Checking a batch: every workbook read in parallel, aggregates summed from their members,
//! the rules run, then the checks across workbooks and against last year's reports.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rayon::prelude::*;

use crate::finding::{Code, Finding, attribute};
use crate::model::Report;
use crate::previous::Library;
use crate::rules::sketch::Sketch;
use crate::rules::{self, Context, agency, copies};
use crate::workbook;

use super::prepare::{Kit, trial};
use super::{Checked, file_stem, fold_name, unopenable};

/// Every file read and checked on its own (aggregates summed from their members): what the
/// batch checks then compare, and what says which years' reports of the year before to load.
/// Each report but an aggregate is slimmed as soon as its rules have run. `tick` is called
/// once per file read (for progress; from worker threads).
pub fn read_all(files: &[PathBuf], ctx: &Context, tick: &(dyn Fn() + Sync)) -> Vec<Checked> {
    let resident = Resident::new();
    let mut checked: Vec<Checked> = files
        .par_iter()
        .map(|f| {
            let mut c = read(f);
            // Only a report that states a 汇总范围 can be an aggregate: the others are done.
            if c.report.info.scope.trim().is_empty() {
                run_rules(&mut c, ctx);
                resident.keep_or_slim(&mut c);
            }
            tick();
            c
        })
        .collect();
    let plan = super::sums::plan(&checked);
    let stated: Vec<usize> = (0..checked.len())
        .filter(|i| !checked[*i].report.info.scope.trim().is_empty())
        .filter(|i| !plan.aggregates.contains(i))
        .collect();
    for i in stated {
        run_rules(&mut checked[i], ctx);
        resident.keep_or_slim(&mut checked[i]);
    }
    super::sums::compute(&mut checked, &plan, &ctx.roster, |c| run_rules(c, ctx));
    checked
}

/// The checks across the batch's workbooks that need no report's text (B2, N1, Y9, K2), then
/// the office's severities. K1 and the checks against last year's reports need each report's
/// text again: `complete_all` runs them.
pub fn cross_check(checked: &mut [Checked], ctx: &Context) {
    clashes(checked);
    other_years(checked);
    copies_of(checked);
    for c in checked.iter_mut() {
        ctx.settings.apply(&mut c.findings);
    }
}

/// Whether a workbook was read at all (the batch and history checks need its report).
pub fn readable(c: &Checked) -> bool {
    !c.findings.iter().any(Finding::refuses_file)
}

/// The batch's readable workbooks as the copy checks see them, and each workbook's place
/// among them.
fn entries(checked: &[Checked]) -> (Vec<copies::Entry<'_>>, Vec<Option<usize>>) {
    let mut place = vec![None; checked.len()];
    let mut entries = Vec::new();
    for (i, c) in checked.iter().enumerate().filter(|(_, c)| readable(c)) {
        place[i] = Some(entries.len());
        entries.push(copies::Entry {
            agency: c.report.info.agency.trim(),
            kind: agency::kind(&c.report.info),
            file: &c.file,
            sketch: &c.sketch,
        });
    }
    (entries, place)
}

/// K2: the batch's reports compared with one another, from their fingerprints. K1 will go
/// before these findings (`k1_at`), where it stood when the batch's reports were all in memory.
fn copies_of(checked: &mut [Checked]) {
    let found = {
        let (entries, place) = entries(checked);
        let found = copies::similar_sections(&entries);
        let back: Vec<usize> = (0..checked.len()).filter(|i| place[*i].is_some()).collect();
        found
            .into_iter()
            .map(|(k, f)| (back[k], f))
            .collect::<Vec<_>>()
    };
    for c in checked.iter_mut() {
        c.k1_at = c.findings.len();
    }
    for (i, mut f) in found {
        let c = &mut checked[i];
        attribute(std::slice::from_mut(&mut f), &c.file, &c.agency());
        c.findings.push(f);
    }
}

/// How the second pass makes each report in memory, as `build` would, for what that finds.
pub struct Trial<'a> {
    pub kit: &'a Kit<'a>,
    /// The glyphs this run has shown embeddable (`pdf::prove`).
    pub proven: &'a crate::pdf::Proven,
    /// Whether the output folder holds this report as built from these very inputs (the
    /// manifest's hash of workbook, templates, settings, fonts and formats): making it again
    /// would find what it found then, which is nothing.
    pub made: &'a (dyn Fn(&Checked) -> bool + Sync),
}

/// The second pass, one report at a time, each read again if slimmed and dropped: K1 (the
/// batch's other agencies named in its prose), X1–X3 (against its agency's report of the year
/// before), the office's severities, and with `trial`, what `build` would find making it (P1, G1).
pub fn complete_all(
    checked: &mut [Checked],
    previous: &Library,
    ctx: &Context,
    trial: Option<&Trial>,
    tick: &(dyn Fn() + Sync),
) {
    let done: Vec<Option<Vec<Finding>>> = {
        let (entries, place) = entries(checked);
        let names = copies::Names::of(&entries);
        checked
            .par_iter()
            .zip(place)
            .map(|(c, at)| {
                let f = complete(c, at, &names, previous, ctx, trial);
                tick();
                f
            })
            .collect()
    };
    for (c, found) in checked.iter_mut().zip(done) {
        if let Some(found) = found {
            c.findings = found;
        }
    }
}

/// The findings of `c` once the second pass is done with it; `None` for a workbook not read.
fn complete(
    c: &Checked,
    at: Option<usize>,
    names: &copies::Names,
    previous: &Library,
    ctx: &Context,
    trial: Option<&Trial>,
) -> Option<Vec<Finding>> {
    if !readable(c) {
        return None;
    }
    let mut findings = c.findings.clone();
    let report = match load(c) {
        Ok(r) => r,
        Err(f) => {
            findings.push(*f);
            return Some(findings);
        }
    };
    let mut named = at.map(|i| names.named_in(i, &report)).unwrap_or_default();
    attribute(&mut named, &c.file, &c.agency());
    let k1_at = c.k1_at.min(findings.len());
    findings.splice(k1_at..k1_at, named);
    findings.extend(history(c, &report, previous, ctx));
    ctx.settings.apply(&mut findings);
    let trial = trial.filter(|t| !findings.iter().any(Finding::is_error) && !(t.made)(c));
    if let Some(t) = trial {
        findings.extend(prepare_findings(c, &report, t.kit, t.proven));
        ctx.settings.apply(&mut findings);
    }
    Some(findings)
}

/// X1–X3: a report against its agency's report of the year before, where there is one.
fn history(c: &Checked, report: &Report, previous: &Library, ctx: &Context) -> Vec<Finding> {
    let mut found = Vec::new();
    let Some(year) = report.info.year else {
        return found;
    };
    if let Some(prev) = previous.find(&report.info.agency, year, &ctx.settings.renamed) {
        rules::history::check(report, prev, &mut found);
        attribute(&mut found, &c.file, &c.agency());
    }
    found
}

/// X4, once for the batch: no agency's report of the year before was found.
pub fn history_note(checked: &[Checked], previous: &Library, ctx: &Context) -> Option<Finding> {
    let years: Vec<i32> = checked.iter().filter_map(|c| c.report.info.year).collect();
    let year = *years.iter().max()?;
    let any = checked.iter().any(|c| {
        c.report.info.year.is_some_and(|y| {
            previous
                .find(&c.report.info.agency, y, &ctx.settings.renamed)
                .is_some()
        })
    });
    if any {
        return None;
    }
    let searched: Vec<&Path> = previous.searched.iter().map(PathBuf::as_path).collect();
    let mut note = rules::history::none_found(year - 1, &searched);
    note.file = searched
        .first()
        .map(|p| p.to_path_buf())
        .unwrap_or_default();
    let mut notes = vec![note];
    ctx.settings.apply(&mut notes);
    notes.pop()
}

/// Reads and checks one file on its own (no batch: an aggregate is checked as typed).
pub fn check_file(file: &Path, ctx: &Context) -> Checked {
    let mut c = read(file);
    run_rules(&mut c, ctx);
    c
}

/// What `build` would find making `c`, if it would try (readable, no errors), added to its
/// findings with the office's severities.
pub fn prepare_checked(c: &mut Checked, kit: &Kit, proven: &crate::pdf::Proven, ctx: &Context) {
    if readable(c) && !c.has_errors() {
        let found = match load(c) {
            Ok(report) => prepare_findings(c, &report, kit, proven),
            Err(f) => vec![*f],
        };
        c.findings.extend(found);
        ctx.settings.apply(&mut c.findings);
    }
}

/// The findings `prepare` gives for `c`, attributed to its workbook; none when it can be made.
fn prepare_findings(
    c: &Checked,
    report: &Report,
    kit: &Kit,
    proven: &crate::pdf::Proven,
) -> Vec<Finding> {
    let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Some(trial(report, kit, proven)).filter(|f| !f.is_empty())
    }));
    let mut found = made
        .unwrap_or_else(|_| {
            Some(vec![
                Finding::new(Code::P1, "排版这份报告时发生了内部错误。")
                    .hint("请把该工作簿发给技术支持。"),
            ])
        })
        .unwrap_or_default();
    attribute(&mut found, &c.file, &c.agency());
    found
}

/// A file's size and modification time when it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(file: &Path) -> Option<Stamp> {
        let m = std::fs::metadata(file).ok()?;
        Some(Stamp {
            len: m.len(),
            modified: m.modified().ok(),
        })
    }
}

/// The whole report of `c`: itself, or for a slimmed one, its file read again — refused (F1)
/// when the file is no longer the one that was checked.
pub fn load(c: &Checked) -> Result<Cow<'_, Report>, Box<Finding>> {
    if !c.slim {
        return Ok(Cow::Borrowed(&c.report));
    }
    let changed = || {
        let mut f = Finding::new(
            Code::F1,
            "检查之后这个文件被改动、替换或删除了，未按改动前的内容继续处理。",
        )
        .hint("请在 nianbao 运行结束前不要改动 input/ 中的文件，然后重新运行。");
        attribute(std::slice::from_mut(&mut f), &c.file, &c.agency());
        Box::new(f)
    };
    if Stamp::of(&c.file) != c.stamp {
        return Err(changed());
    }
    let again = read(&c.file);
    if again.report.info.agency != c.report.info.agency || again.stamp != c.stamp {
        return Err(changed());
    }
    Ok(Cow::Owned(again.report))
}

/// The whole reports a batch keeps, up to `limits::RESIDENT_REPORTS_BYTES`.
struct Resident {
    held: std::sync::atomic::AtomicUsize,
    bound: usize,
}

impl Resident {
    fn new() -> Resident {
        Resident {
            held: Default::default(),
            bound: crate::limits::resident_reports_bytes(),
        }
    }

    /// Keeps `c`'s whole report while the batch's fit in the bound, else slims it.
    fn keep_or_slim(&self, c: &mut Checked) {
        use std::sync::atomic::Ordering::Relaxed;
        let size = footprint(&c.report);
        let held = self.held.fetch_add(size, Relaxed);
        if held + size > self.bound {
            self.held.fetch_sub(size, Relaxed);
            slim(c);
        }
    }
}

/// A report's heap, roughly, as measured on the samples (about 90 KB each): its text, and each
/// figure with where it was read, in two ordered maps.
fn footprint(report: &Report) -> usize {
    let text: usize = report.paragraphs().map(|p| 2 * p.text.len() + 96).sum();
    let cells: usize = crate::schema::tables()
        .iter()
        .map(|t| report.table(t.id).values.len() * 400)
        .sum();
    4096 + text + cells
}

/// Keeps only what the batch needs of a report whose own rules have run.
pub fn slim(c: &mut Checked) {
    let report = std::mem::take(&mut c.report);
    c.report = Report {
        info: report.info,
        members: report.members,
        ..Report::default()
    };
    c.slim = true;
}

/// Reads one file. A panic inside a dependency on a malformed file is caught and becomes
/// finding F1 for that file, so one bad workbook cannot stop a batch.
fn read(file: &Path) -> Checked {
    let stamp = Stamp::of(file);
    let read = match unopenable(file) {
        Some(f) => workbook::ReadOutcome {
            report: Report::default(),
            findings: vec![f],
        },
        None => std::panic::catch_unwind(|| crate::input::read_file(file)).unwrap_or_else(|_| {
            workbook::ReadOutcome {
                report: Report::default(),
                findings: vec![
                    Finding::new(Code::F1, "读取此文件时发生内部错误，文件可能已损坏。")
                        .hint("请用 Excel 或 WPS 打开后另存为 .xlsx 再试。"),
                ],
            }
        }),
    };
    let mut checked = Checked {
        file: file.to_path_buf(),
        sketch: Sketch::of(&read.report),
        report: read.report,
        findings: read.findings,
        stamp,
        ..Checked::default()
    };
    let agency = checked.agency();
    attribute(&mut checked.findings, file, &agency);
    checked
}

/// The report-scope rules on a read workbook; with the office's severities, so that an
/// aggregate sees its members' findings as the office does.
fn run_rules(c: &mut Checked, ctx: &Context) {
    if !readable(c) {
        return;
    }
    let mut found = rules::check(&c.report, ctx);
    if !c.members.is_empty() {
        found.retain(|f| !consequence_of_members(f, &c.findings));
    }
    attribute(&mut found, &c.file, &c.agency());
    c.findings.extend(found);
    ctx.settings.apply(&mut c.findings);
}

/// Whether a finding on an aggregate's summed tables only repeats what its members' findings
/// say: nobody fills an aggregate's cells, so a blank there (V1) is a member's blank, and a sum
/// that does not add up (R1–R4) follows from a member's errors, which A4 already names.
fn consequence_of_members(f: &Finding, known: &[Finding]) -> bool {
    match f.code {
        Code::V1 => true,
        Code::R1 | Code::R2 | Code::R3 | Code::R4 => known.iter().any(|k| k.code == Code::A4),
        _ => false,
    }
}

/// B2 and N1: two workbooks whose reports would land in one file. The same agency and year
/// twice is B2; different names that a file system cannot tell apart — they differ only in
/// characters a file name cannot hold, in case, or in Unicode composition (Windows and macOS
/// fold both) — is N1. The later workbook is refused, naming the earlier.
fn clashes(checked: &mut [Checked]) {
    let mut seen: HashMap<(i32, String), (String, PathBuf)> = HashMap::new();
    for c in checked.iter_mut() {
        let agency = c.report.info.agency.trim().to_string();
        let Some(year) = c.report.info.year else {
            continue;
        };
        if agency.is_empty() {
            continue;
        }
        let stem = file_stem(&agency);
        let Some((first, file)) = seen.get(&(year, fold_name(&stem))) else {
            seen.insert((year, fold_name(&stem)), (agency, c.file.clone()));
            continue;
        };
        let mut f = if *first == agency {
            Finding::new(
                Code::B2,
                format!(
                    "「{agency}」{year}年度的报告已由 {} 提供，本工作簿重复。",
                    file.display()
                ),
            )
            .hint("请核对机关名称是否复制自其他单位，或删除重复的工作簿。")
        } else {
            Finding::new(
                Code::N1,
                format!(
                    "机关名称「{agency}」与 {} 中的「{first}」生成的文件名相同（{stem}.pdf：文件名不能含有 / \\ : * ? \" < > | 等字符，且不区分大小写），两份报告会互相覆盖。",
                    file.display()
                ),
            )
            .hint("请核对两个工作簿的机关名称，使用规范全称。")
        }
        .at(crate::schema::input::SHEET_INFO, None);
        f.file = c.file.clone();
        f.agency = agency;
        c.findings.push(f);
    }
}

/// Y9: a workbook whose 报告年度 differs from the batch's (the year most of its workbooks
/// give; the latest of equally common ones). Its report is filed under its own year, whose
/// office files then change too, so the office hears of it before that happens.
fn other_years(checked: &mut [Checked]) {
    let mut counts: HashMap<i32, usize> = HashMap::new();
    for c in checked.iter().filter(|c| readable(c)) {
        if let Some(y) = c.report.info.year {
            *counts.entry(y).or_default() += 1;
        }
    }
    let Some((&main, _)) = counts.iter().max_by_key(|(y, n)| (**n, **y)) else {
        return;
    };
    if counts.len() < 2 {
        return;
    }
    for c in checked.iter_mut().filter(|c| readable(c)) {
        let Some(year) = c.report.info.year.filter(|y| *y != main) else {
            continue;
        };
        let mut f = Finding::new(
            Code::Y9,
            format!(
                "报告年度是{year}年，本批其他工作簿是{main}年度。这份报告将生成到{year}年度的文件夹（output/{year}/），该年度的发布清单、汇总和检查报告也会随之更新。"
            ),
        )
        .hint("如果是上年的工作簿误放进来，请把它移出 input/；如果年度填错了，请改正「基本信息」中的报告年度。")
        .at(crate::schema::input::SHEET_INFO, None);
        attribute(std::slice::from_mut(&mut f), &c.file.clone(), &c.agency());
        c.findings.push(f);
    }
}
