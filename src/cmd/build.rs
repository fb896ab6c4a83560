//! `nianbao build`: check, then typeset every agency without errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

use crate::batch::{self, Outcome, Preview, Toolkit};
use crate::messages::{build_summary, check_summary, render_finding};

use super::check::check_files;
use super::toolkit;

pub fn run(paths: &[PathBuf], out: &Path, previous: &[PathBuf], force: bool) -> Result<ExitCode> {
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
        force,
    };
    let results = batch::build_all(checked, &kit);
    for f in results.iter().flat_map(|r| &r.findings) {
        write!(stderr, "{}", render_finding(f))?;
    }
    writeln!(
        stderr,
        "{}",
        check_summary(&checks.checked, &checks.findings())
    )?;
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
