//! `nianbao build`: check, then prepare and write every agency without errors, then the
//! office's files of each year from everything the year's folder holds.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

use crate::batch::files::{Lock, sweep};
use crate::batch::manifest::Ledger;
use crate::batch::{self, Outcome, Toolkit};
use crate::format::Format;
use crate::messages::{build_summary, check_summary, render_finding};

use super::check::{Depth, check_files};
use super::setup::{Setup, separate};
use super::{inputs, office, say};

/// How `build` was asked to build.
pub struct Options {
    /// Agencies with errors too, as drafts.
    pub force: bool,
    /// Ignore the manifests: build every report anew.
    pub rebuild: bool,
    /// Formats asked for on the command line, on top of `nianbao.toml`'s (or the default).
    pub extra: Vec<Format>,
}

pub fn run(
    paths: &[PathBuf],
    out: &Path,
    previous: &[PathBuf],
    options: &Options,
) -> Result<ExitCode> {
    let started = Instant::now();
    separate(&inputs(paths), out)?;
    let setup = Setup::load(paths, &options.extra)?;
    let _lock = Lock::take(out)?;
    let mut checks = check_files(paths, &setup, previous, out, Depth::Rules)?;
    let mut text: String = checks
        .findings()
        .iter()
        .map(|f| render_finding(f))
        .collect();
    for t in &setup.templates.overridden {
        text.push_str(&format!("使用自定义模板 {t}\n"));
    }
    say(text.trim_end());
    let dirs = year_folders(out, &checks.checked);
    // What a killed run left: temporary and kept-aside files (this run holds the lock).
    for d in &dirs {
        sweep(d, 1);
    }
    let ledger = Ledger::load(&dirs);
    let progress = super::progress::Progress::new("生成", checks.checked.len());
    let tick = || progress.tick();
    let common_inputs = setup.common_inputs();
    let kit = Toolkit {
        kit: setup.kit(),
        out,
        force: options.force,
        rebuild: options.rebuild,
        tick: &tick,
        common_inputs: &common_inputs,
        ledger: &ledger,
        built_at: setup.source_date.unwrap_or_else(now),
    };
    let results = batch::build_all(&checks.checked, &kit);
    progress.finish();
    // What preparing found belongs to the workbook, for the summary and the check report; the
    // office's files need no report whole, and their memory is the whole reports' memory freed.
    for (c, b) in checks.checked.iter_mut().zip(&results) {
        c.findings.extend(b.findings.iter().cloned());
        if !c.report.info.scope.trim().is_empty() || c.slim {
            continue;
        }
        batch::check::slim(c);
    }
    let mut text: String = results
        .iter()
        .flat_map(|r| &r.findings)
        .map(render_finding)
        .collect();
    for (dir, e) in ledger.compact() {
        // The journal stays and is replayed next time: nothing is lost but tidiness.
        text.push_str(&format!(
            "警告：无法整理 {} 中的生成记录：{}\n",
            dir.display(),
            batch::files::describe(&e)
        ));
    }
    text.push_str(&check_summary(&checks.checked, &checks.findings()));
    text.push('\n');
    let manifests = ledger.manifests();
    let written = office::write_years(
        out,
        &checks,
        &results,
        &manifests,
        &setup.ctx.settings.renamed,
    );
    let office_failed = written.iter().any(Result::is_err);
    for w in written {
        match w {
            Ok(w) => {
                for p in w.paths {
                    text.push_str(&format!("已写入 {}\n", p.display()));
                }
                for n in w.notes {
                    text.push_str(&n);
                    text.push('\n');
                }
            }
            Err(e) => text.push_str(&format!("错误：{e:#}\n")),
        }
    }
    if let Some(note) = crate::messages::font_note(&setup.fonts.substitutes()) {
        text.push_str(&note);
        text.push('\n');
    }
    text.push_str(&build_summary(
        &results,
        out,
        &checks.unreturned,
        started.elapsed().as_secs_f64(),
    ));
    say(text.trim_end());
    let code = if office_failed
        || results
            .iter()
            .any(|r| matches!(r.outcome, Outcome::SystemError(_)))
    {
        2
    } else if results.iter().all(|r| r.is_written() && !r.is_draft()) {
        0
    } else {
        1
    };
    Ok(ExitCode::from(code))
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The year folders the batch's reports go to.
fn year_folders(out: &Path, checked: &[batch::Checked]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = checked
        .iter()
        .filter_map(|c| c.report.info.year)
        .map(|y| out.join(y.to_string()))
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}
