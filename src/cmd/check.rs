//! `nianbao check`: every workbook read, checked and prepared as `build` would prepare it,
//! findings printed as text or JSON.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use std::collections::BTreeMap;

use crate::batch::manifest::Manifest;
use crate::batch::{self, Checked};
use crate::finding::Finding;
use crate::messages::{check_summary, render_finding};
use crate::previous::Library;

use super::setup::Setup;
use super::{Format, inputs, say, say_out};

/// What checking a batch gave: each workbook's findings, and notes about the batch as a whole.
pub struct Checks {
    pub checked: Vec<Checked>,
    pub notes: Vec<Finding>,
    /// Last year's reports of the batch's years, for the county summary's 同比.
    pub library: Library,
    /// The roster's agencies (`input/名单.txt`) that returned no workbook.
    pub unreturned: Vec<String>,
}

impl Checks {
    pub fn findings(&self) -> Vec<&Finding> {
        self.checked
            .iter()
            .flat_map(|c| &c.findings)
            .chain(&self.notes)
            .collect()
    }
}

/// How far `check_files` goes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Read and check: what `build` does before it prepares each report itself.
    Rules,
    /// Every report that would be built also prepared in memory (P1, G1), as `check` does.
    Prepared,
}

pub fn check_files(
    paths: &[PathBuf],
    setup: &Setup,
    previous: &[PathBuf],
    out: &Path,
    depth: Depth,
) -> Result<Checks> {
    let files = batch::discover(&inputs(paths))?;
    if files.is_empty() {
        say(
            "提示：没有找到工作簿（.xlsx、.xlsm、.xls、.ods）。请先用 nianbao new 生成，或把收回的工作簿放进 input/。",
        );
    }
    let ctx = &setup.ctx;
    for p in previous {
        if p.symlink_metadata().is_err() {
            anyhow::bail!("找不到上年报告 {}。请确认 --previous 的路径。", p.display());
        }
    }
    let progress = super::progress::Progress::new("校验", files.len());
    let mut checked = batch::read_all(&files, ctx, &|| progress.tick());
    progress.finish();
    let years: Vec<i32> = checked.iter().filter_map(|c| c.report.info.year).collect();
    let library = Library::for_batch(previous, out, &years);
    batch::cross_check(&mut checked, ctx);
    // The second pass reads each report again, one at a time: K1, last year's, and for
    // `check`, what building it would find.
    let kit = setup.kit();
    let manifests = manifests(out, &checked);
    let common = setup.common_inputs();
    let made = |c: &Checked| {
        let dir = batch::year_dir(out, &c.report);
        manifests
            .get(&dir)
            .is_some_and(|m| batch::files_of(c, m, &dir, &common) == crate::status::Files::Current)
    };
    let proven = crate::pdf::Proven::default();
    let trial = batch::Trial {
        kit: &kit,
        proven: &proven,
        made: &made,
    };
    let trial = (depth == Depth::Prepared).then_some(&trial);
    let label = if trial.is_some() { "排版" } else { "核对" };
    let progress = super::progress::Progress::new(label, checked.len());
    batch::complete_all(&mut checked, &library, ctx, trial, &|| progress.tick());
    progress.finish();
    let mut notes: Vec<Finding> = batch::history_note(&checked, &library, ctx)
        .into_iter()
        .collect();
    let mut problems = library.problems.clone();
    ctx.settings.apply(&mut problems);
    notes.extend(problems);
    // Each workbook's errors first, then warnings, then notes (V5, C2 …), each kind in the
    // order found: what keeps a report from being built is read first.
    for c in checked.iter_mut() {
        c.findings.sort_by_key(|f| f.severity);
    }
    let unreturned = batch::unreturned(&checked, &ctx.roster);
    Ok(Checks {
        checked,
        notes,
        library,
        unreturned,
    })
}

/// The manifests of the year folders the batch's reports go to.
fn manifests(out: &Path, checked: &[Checked]) -> BTreeMap<PathBuf, Manifest> {
    checked
        .iter()
        .filter(|c| c.report.info.year.is_some())
        .map(|c| batch::year_dir(out, &c.report))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|dir| {
            let m = Manifest::load(&dir);
            (dir, m)
        })
        .collect()
}

pub fn run(
    paths: &[PathBuf],
    format: Format,
    out: &Path,
    previous: &[PathBuf],
    report: Option<&Path>,
) -> Result<ExitCode> {
    let setup = Setup::load(paths, &[])?;
    if let Some(path) = report {
        crate::export::check_report::may_write(path, &inputs(paths))?;
    }
    let checks = check_files(paths, &setup, previous, out, Depth::Prepared)?;
    let findings = checks.findings();
    if let Some(path) = report {
        let bytes = crate::export::check_report::write(
            &checks.checked.iter().collect::<Vec<_>>(),
            &checks.notes,
            &checks.unreturned,
            None,
        )
        .map_err(|e| anyhow::anyhow!("无法生成检查报告：{e}"))?;
        batch::write_atomic(path, &bytes)?;
        say(format!("检查报告已写入 {}", path.display()));
    }
    match format {
        Format::Json => {
            let json = serde_json::to_string_pretty(&findings)?;
            say_out(&json);
        }
        Format::Text => {
            let mut text: String = findings.iter().map(|f| render_finding(f)).collect();
            text.push_str(&check_summary(&checks.checked, &checks.findings()));
            say_out(&text);
        }
    }
    let failed = findings.iter().any(|f| f.is_error());
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
