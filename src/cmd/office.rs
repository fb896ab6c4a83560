//! The office's files of each year a build touched — 检查报告.xlsx, 汇总.xlsx, 发布清单.xlsx and
//! index.html in `<out>/<year>/` — made from everything the year's folder holds (its manifest),
//! not only from this run's workbooks: a build of one workbook, or a stray workbook of another
//! year, never shrinks a year's list to the agencies of one run.

use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::batch::manifest::{Entry, Manifest};
use crate::batch::{self, Built, Checked, Outcome};
use crate::export::{check_report, publication, summary};
use crate::finding::Finding;
use crate::model::Report;
use crate::record::Record;

use super::check::Checks;

/// The files written for each year (or why a year's could not be), and what was left out.
pub struct Written {
    pub paths: Vec<PathBuf>,
    /// Lines to say: published files that are no longer as written, left out of the lists.
    pub notes: Vec<String>,
}

/// The office files of every year of the batch; workbooks without a year go with the latest.
pub fn write_years(
    out: &Path,
    checks: &Checks,
    results: &[Built],
    manifests: &BTreeMap<PathBuf, Manifest>,
    renamed: &BTreeMap<String, String>,
) -> Vec<Result<Written>> {
    let latest = checks
        .checked
        .iter()
        .filter_map(|c| c.report.info.year)
        .max();
    let Some(latest) = latest else {
        return Vec::new();
    };
    let mut years: Vec<i32> = checks
        .checked
        .iter()
        .filter_map(|c| c.report.info.year)
        .collect();
    years.sort_unstable();
    years.dedup();
    let empty = Manifest::default();
    years
        .into_iter()
        .map(|year| {
            let dir = out.join(year.to_string());
            let manifest = manifests.get(&dir).unwrap_or(&empty);
            write_year(
                year,
                year == latest,
                &dir,
                manifest,
                checks,
                results,
                renamed,
            )
        })
        .collect()
}

fn write_year(
    year: i32,
    latest: bool,
    dir: &Path,
    manifest: &Manifest,
    checks: &Checks,
    results: &[Built],
    renamed: &BTreeMap<String, String>,
) -> Result<Written> {
    let of_year = |c: &Checked| c.report.info.year.map_or(latest, |y| y == year);
    let mut checked: Vec<&Checked> = checks.checked.iter().filter(|c| of_year(c)).collect();
    let files: HashSet<&Path> = checked.iter().map(|c| c.file.as_path()).collect();
    let mut built: Vec<&Built> = results
        .iter()
        .filter(|b| files.contains(b.file.as_path()))
        .collect();
    // Every file hashed once: reports whose files are no longer as written are left out.
    let all: Vec<(&String, &Entry)> = manifest.reports.iter().collect();
    let intact: Vec<bool> = all.par_iter().map(|(_, e)| e.intact(dir)).collect();
    let (sound, changed): (Vec<_>, Vec<_>) =
        all.into_iter().zip(intact).partition(|(_, intact)| *intact);
    let sound: Vec<&Entry> = sound.into_iter().map(|((_, e), _)| e).collect();
    let changed: Vec<(&String, &Entry)> = changed.into_iter().map(|(r, _)| r).collect();
    // The year's reports not in this run, as they were when built.
    let (earlier_checked, earlier_built) = earlier(&sound, dir, &checked);
    checked.extend(earlier_checked.iter());
    built.extend(earlier_built.iter());
    let notes: &[Finding] = if latest { &checks.notes } else { &[] };
    let missing: &[String] = if latest { &checks.unreturned } else { &[] };
    // The three workbooks are made side by side: each is a few hundred milliseconds at a
    // thousand agencies, and the batch's reports are all written by now.
    let records = records(&sound);
    let ((report, list), sums) = rayon::join(
        || {
            rayon::join(
                || {
                    check_report::write(&checked, notes, missing, Some(&built))
                        .map_err(|e| anyhow::anyhow!("无法生成检查报告：{e}"))
                },
                || {
                    let entries = publication::entries(&sound);
                    publication::workbook(&entries)
                        .map(|list| (list, publication::html(&entries, year)))
                        .map_err(|e| anyhow::anyhow!("无法生成发布清单：{e}"))
                },
            )
        },
        || {
            let mut source = |range: std::ops::Range<usize>| {
                published(&records, range, dir, year, checks, renamed)
            };
            summary::workbook_from(year, records.len(), &mut source, summary::DETAIL_AGENCIES)
                .map_err(|e| anyhow::anyhow!("无法生成汇总：{e}"))
        },
    );
    let (report, (list, html), sums) = (report?, list?, sums?);
    let files = [
        (dir.join("检查报告.xlsx"), report),
        (dir.join("汇总.xlsx"), sums),
        (dir.join("发布清单.xlsx"), list),
        (dir.join("index.html"), html.into_bytes()),
    ];
    let refs: Vec<(&Path, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_path(), b.as_slice()))
        .collect();
    batch::write_all(&refs)?;
    let notes = changed
        .iter()
        .filter(|(_, e)| !e.draft)
        .map(|(name, _)| {
            format!(
                "警告：{} 与生成时不同（被改动、替换或删除了），未列入发布清单和汇总。请运行 nianbao build --rebuild 重新生成。",
                dir.join(name).display()
            )
        })
        .collect();
    Ok(Written {
        paths: files.into_iter().map(|(p, _)| p).collect(),
        notes,
    })
}

/// The reports of the year's folder that this run did not check (another run's workbooks),
/// as a check and a build result each, from their manifest entries.
fn earlier(sound: &[&Entry], dir: &Path, checked: &[&Checked]) -> (Vec<Checked>, Vec<Built>) {
    let mut cs = Vec::new();
    let mut bs = Vec::new();
    let files: HashSet<&Path> = checked.iter().map(|c| c.file.as_path()).collect();
    let agencies: HashSet<String> = checked.iter().map(|c| c.agency()).collect();
    for e in sound.iter().copied() {
        let in_run = files.contains(e.source.as_path()) || agencies.contains(&e.agency);
        if in_run {
            continue;
        }
        let mut report = Report::default();
        report.info.agency = e.agency.clone();
        cs.push(Checked {
            file: e.source.clone(),
            report,
            findings: e.findings.clone(),
            ..Checked::default()
        });
        bs.push(built_of(e, dir));
    }
    (cs, bs)
}

fn built_of(e: &Entry, dir: &Path) -> Built {
    Built {
        file: e.source.clone(),
        agency: e.agency.clone(),
        outcome: Outcome::Written {
            outputs: e.paths(dir),
            title: e.title.clone(),
            pages: e.pages,
            draft: e.draft,
        },
        findings: Vec::new(),
        reused: true,
    }
}

/// The records of the year's published reports, in the summary's order (by agency).
fn records<'a>(sound: &[&'a Entry]) -> Vec<(&'a str, &'a str)> {
    let mut records: Vec<(&str, &str)> = sound
        .iter()
        .filter(|e| !e.draft)
        .filter_map(|e| {
            let record = e.outputs.iter().find(|o| o.name.ends_with(".json"))?;
            Some((e.agency.as_str(), record.name.as_str()))
        })
        .collect();
    records.sort();
    records
}

/// The published reports of `records[range]` read back, without aggregates (their figures are
/// already their members'), each with its agency's report of the year before. Their text and
/// where each figure was read are dropped: the summary adds up figures.
fn published(
    records: &[(&str, &str)],
    range: std::ops::Range<usize>,
    dir: &Path,
    year: i32,
    checks: &Checks,
    renamed: &BTreeMap<String, String>,
) -> Vec<(Report, Option<Report>)> {
    let end = range.end.min(records.len());
    records[range.start.min(end)..end]
        .iter()
        .filter_map(|(_, name)| Record::load(&dir.join(name)))
        .filter(|r| !crate::aggregate::is_aggregate(r))
        .map(|mut report| {
            report.text.clear();
            for table in crate::schema::tables() {
                report.table_mut(table.id).sources.clear();
            }
            let last = checks
                .library
                .find(&report.info.agency, year, renamed)
                .map(|p| p.report.clone());
            (report, last)
        })
        .collect()
}
