//! `nianbao check`: every workbook read and checked, findings printed as text or JSON.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use crate::batch::{self, Checked, Preview};
use crate::config::Config;
use crate::finding::Finding;
use crate::messages::{check_summary, render_finding};
use crate::model::Report;
use crate::previous::Library;
use crate::rules::Context;

use super::{Format, inputs, today, toolkit};

/// What checking a batch gave: each workbook's findings, and notes about the batch as a whole.
pub struct Checks {
    pub checked: Vec<Checked>,
    pub notes: Vec<Finding>,
    /// Each workbook's agency's report of the year before, where one was found.
    pub previous: Vec<Option<Report>>,
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

pub fn check_files(
    paths: &[PathBuf],
    preview: Option<&Preview>,
    previous: &[PathBuf],
    out: &Path,
) -> Result<Checks> {
    let files = batch::discover(&inputs(paths))?;
    if files.is_empty() {
        eprintln!(
            "提示：没有找到工作簿（.xlsx、.xlsm、.xls、.ods）。请先用 nianbao new 生成，或把收回的工作簿放进 input/。"
        );
    }
    let config = Config::load(Path::new("."))?;
    let ctx = Context {
        today: today(),
        settings: config.settings().map_err(anyhow::Error::msg)?,
    };
    for p in previous {
        if p.symlink_metadata().is_err() {
            anyhow::bail!("找不到上年报告 {}。请确认 --previous 的路径。", p.display());
        }
    }
    let progress = super::progress::Progress::new("校验", files.len());
    let mut checked = batch::read_all(&files, &ctx, preview, &|| progress.tick());
    progress.finish();
    let years: Vec<i32> = checked.iter().filter_map(|c| c.report.info.year).collect();
    let library = Library::for_batch(previous, out, &years);
    batch::cross_check(&mut checked, &library, &ctx);
    let notes = batch::history_note(&checked, &library, &ctx)
        .into_iter()
        .collect();
    let previous = checked
        .iter()
        .map(|c| {
            let year = c.report.info.year?;
            library
                .find(&c.report.info.agency, year, &ctx.settings.renamed)
                .map(|p| p.report.clone())
        })
        .collect();
    Ok(Checks {
        checked,
        notes,
        previous,
    })
}

pub fn run(
    paths: &[PathBuf],
    format: Format,
    previous: &[PathBuf],
    report: Option<&Path>,
) -> Result<ExitCode> {
    // Without fonts or templates the arithmetic is still worth checking; build stops anyway.
    let kit = toolkit(paths)
        .inspect_err(|e| eprintln!("警告：未检查字符能否显示、模板能否生成（{e:#}）。"))
        .ok();
    let preview = kit
        .as_ref()
        .map(|(fonts, templates)| Preview { fonts, templates });
    let checks = check_files(paths, preview.as_ref(), previous, Path::new("output"))?;
    let findings = checks.findings();
    if let Some(path) = report {
        let bytes = crate::export::check_report::write(
            &checks.checked.iter().collect::<Vec<_>>(),
            &checks.notes,
            None,
        )
        .map_err(|e| anyhow::anyhow!("无法生成检查报告：{e}"))?;
        batch::write_atomic(path, &bytes)
            .map_err(|e| anyhow::anyhow!("无法写入 {}：{e}", path.display()))?;
        eprintln!("检查报告已写入 {}", path.display());
    }
    let mut stdout = std::io::stdout().lock();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut stdout, &findings)?;
            writeln!(stdout)?;
        }
        Format::Text => {
            for f in &findings {
                write!(stdout, "{}", render_finding(f))?;
            }
            writeln!(
                stdout,
                "{}",
                check_summary(&checks.checked, &checks.findings())
            )?;
        }
    }
    let failed = findings.iter().any(|f| f.is_error());
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
