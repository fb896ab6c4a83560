//! `nianbao status`: each agency of the roster, and each workbook not on it, in one state —
//! 未交回, 未填写, 有错误, 需重新生成, 可生成, 已生成 — with counts. Exit 0 only when every
//! agency is built from its current workbook.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use crate::messages::status_table;
use crate::roster::Roster;
use crate::status::{self, State};

use super::check::check_files;
use super::inputs;

pub fn run(paths: &[PathBuf], out: &Path) -> Result<ExitCode> {
    let dirs = inputs(paths);
    let mut roster = Roster::default();
    for d in dirs.iter().filter(|d| d.is_dir()) {
        for a in Roster::load(d).agencies {
            roster.add(&a);
        }
    }
    let checks = check_files(paths, None, &[], out)?;
    let rows = status::rows(&roster, &checks.checked, out);
    let mut stdout = std::io::stdout().lock();
    write!(
        stdout,
        "{}",
        status_table(&rows, !roster.agencies.is_empty())
    )?;
    let done = !rows.is_empty() && rows.iter().all(|r| r.state == State::Built);
    Ok(if done {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
