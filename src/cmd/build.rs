//! `nianbao build`: check, then typeset every agency without errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

use crate::batch::{self, Preview, Toolkit};
use crate::messages::{check_summary, render_finding};

use super::check::check_files;
use super::toolkit;

pub fn run(paths: &[PathBuf], out: &Path, previous: &[PathBuf]) -> Result<ExitCode> {
    let started = Instant::now();
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
    let kit = Toolkit {
        fonts: &fonts,
        templates: &templates,
        out,
    };
    let results = batch::build_all(checked, &kit);
    for f in results.iter().flat_map(|r| &r.findings) {
        write!(stderr, "{}", render_finding(f))?;
    }
    let built: Vec<_> = results.iter().filter(|r| r.skipped.is_none()).collect();
    let skipped: Vec<_> = results.iter().filter(|r| r.skipped.is_some()).collect();
    writeln!(
        stderr,
        "{}",
        check_summary(&checks.checked, &checks.findings())
    )?;
    writeln!(
        stderr,
        "已生成 {} 个机关的 PDF 和 XLSX（{}），用时 {:.1} 秒。",
        built.len(),
        out.display(),
        started.elapsed().as_secs_f64()
    )?;
    if !skipped.is_empty() {
        writeln!(stderr, "未生成 {} 个：", skipped.len())?;
        for r in &skipped {
            writeln!(
                stderr,
                "  {}（{}）：{}",
                r.agency,
                r.file.display(),
                r.skipped.as_deref().unwrap_or_default()
            )?;
        }
    }
    let code = if results.iter().any(|r| r.system_error) {
        2
    } else if skipped.is_empty() && checked.iter().all(|c| !c.has_errors()) {
        0
    } else {
        1
    };
    Ok(ExitCode::from(code))
}
