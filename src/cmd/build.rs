//! `nianbao build`: check, then typeset every agency without errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context as _, Result};

use crate::batch::manifest::{self, Manifest};
use crate::batch::{self, Built, Checked, Outcome, Preview, Toolkit};
use crate::export::{check_report, publication, summary};
use crate::finding::Finding;
use crate::format::{self, Format};
use crate::messages::{build_summary, check_summary, render_finding};
use crate::model::Report;

use super::check::{Checks, check_files};
use super::toolkit;

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
    let Options { force, rebuild, .. } = *options;
    let formats = formats(&options.extra)?;
    let (fonts, templates) = toolkit(paths)?;
    let checks = check_files(
        paths,
        Some(&Preview {
            fonts: &fonts,
            templates: &templates,
        }),
        previous,
        out,
    )?;
    let mut stderr = std::io::stderr().lock();
    for f in checks.findings() {
        write!(stderr, "{}", render_finding(f))?;
    }
    let checked = &checks.checked;
    for t in &templates.overridden {
        writeln!(stderr, "使用自定义模板 {t}")?;
    }
    let source_date = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse().ok());
    let config = std::fs::read(crate::config::FILE).unwrap_or_default();
    let common_inputs = manifest::common_inputs(
        &templates.fingerprint,
        &config,
        &fonts.fingerprint(),
        source_date,
        &formats,
    );
    let manifests = year_folders(out, checked)
        .into_iter()
        .map(|dir| {
            let m = if rebuild {
                Manifest::default()
            } else {
                Manifest::load(&dir)
            };
            (dir, m)
        })
        .collect();
    let progress = super::progress::Progress::new("生成", checked.len());
    let tick = || progress.tick();
    let kit = Toolkit {
        fonts: &fonts,
        templates: &templates,
        out,
        formats: &formats,
        force,
        source_date,
        tick: &tick,
        common_inputs: &common_inputs,
        manifests: &manifests,
    };
    // Not held while building: a dependency that prints a warning from a worker thread would
    // wait for it forever.
    drop(stderr);
    let results = batch::build_all(checked, &kit);
    progress.finish();
    for (dir, m) in batch::updated_manifests(manifests, &results) {
        // Without its manifest the next build makes everything anew: worth a warning only.
        if !m.reports.is_empty()
            && let Err(e) = m.save(&dir)
        {
            eprintln!("警告：无法写入 {} 中的生成记录：{e}", dir.display());
        }
    }
    let mut stderr = std::io::stderr().lock();
    for f in results.iter().flat_map(|r| &r.findings) {
        write!(stderr, "{}", render_finding(f))?;
    }
    writeln!(
        stderr,
        "{}",
        check_summary(&checks.checked, &checks.findings())
    )?;
    for path in office_files(out, &checks, &results)? {
        writeln!(stderr, "已写入 {}", path.display())?;
    }
    write!(
        stderr,
        "{}",
        build_summary(&results, out, started.elapsed().as_secs_f64())
    )?;
    let code = if results
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

/// `nianbao.toml`'s `formats` (or the default set) with the command line's additions.
fn formats(extra: &[Format]) -> Result<Vec<Format>> {
    let config = crate::config::Config::load(Path::new("."))?;
    let configured = match &config.formats {
        Some(keys) => format::parse_list(keys)
            .map_err(|e| anyhow::anyhow!("{} 有误：{e}", crate::config::FILE))?,
        None => Format::DEFAULT.to_vec(),
    };
    Ok(format::normalise(
        configured.into_iter().chain(extra.iter().copied()),
    ))
}

/// The year folders the batch's reports go to.
fn year_folders(out: &Path, checked: &[Checked]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = checked
        .iter()
        .filter_map(|c| c.report.info.year)
        .map(|y| out.join(y.to_string()))
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

/// The office's files for each year of the batch, in `<out>/<year>/`: the check report of its
/// workbooks (those without a year go with the latest), and the publication list of its reports.
fn office_files(out: &Path, checks: &Checks, results: &[Built]) -> Result<Vec<PathBuf>> {
    let latest = checks
        .checked
        .iter()
        .filter_map(|c| c.report.info.year)
        .max();
    let Some(latest) = latest else {
        return Ok(Vec::new());
    };
    let mut years: Vec<i32> = checks
        .checked
        .iter()
        .filter_map(|c| c.report.info.year)
        .collect();
    years.sort_unstable();
    years.dedup();
    let mut written = Vec::new();
    for year in years {
        let of_year = |c: &Checked| c.report.info.year.unwrap_or(latest) == year;
        let checked: Vec<&Checked> = checks.checked.iter().filter(|c| of_year(c)).collect();
        let built: Vec<&Built> = results
            .iter()
            .filter(|b| checked.iter().any(|c| c.file == b.file))
            .collect();
        let notes: &[Finding] = if year == latest { &checks.notes } else { &[] };
        let dir = out.join(year.to_string());
        let report = check_report::write(&checked, notes, Some(&built))
            .map_err(|e| anyhow::anyhow!("无法生成检查报告：{e}"))?;
        let entries = publication::entries(&built);
        let list = publication::workbook(&entries)
            .map_err(|e| anyhow::anyhow!("无法生成发布清单：{e}"))?;
        let html = publication::html(&entries, year);
        // The county's figures: the reports that can be published, with last year's; an
        // aggregate report's figures are already its members', so it is not added again.
        let is_published = |c: &Checked| {
            !crate::aggregate::is_aggregate(&c.report)
                && built
                    .iter()
                    .any(|b| b.file == c.file && b.is_written() && !b.is_draft())
        };
        let (published, last_year): (Vec<&Report>, Vec<Option<&Report>>) = checks
            .checked
            .iter()
            .zip(&checks.previous)
            .filter(|(c, _)| of_year(c) && is_published(c))
            .map(|(c, p)| (&c.report, p.as_ref()))
            .unzip();
        let sums = summary::workbook(year, &published, &last_year)
            .map_err(|e| anyhow::anyhow!("无法生成汇总：{e}"))?;
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
        batch::write_all(&refs).with_context(|| format!("无法写入 {}", dir.display()))?;
        written.extend(files.into_iter().map(|(p, _)| p));
    }
    Ok(written)
}
