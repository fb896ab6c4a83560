//! `nianbao status`: each agency of the roster, and each workbook not on it, in one state —
//! 未交回, 未填写, 有错误, 仅有草稿, 需重新生成, 可生成, 已生成 — with counts. Exit 0 only when
//! every agency is built from its current workbook. "Current" is what `build` means by it: the
//! manifest's hash of everything the files are made from, and the files as recorded.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use crate::batch::{self, manifest::Manifest};
use crate::messages::status_table;
use crate::roster::Roster;
use crate::status::{self, Files, State};

use super::check::{Depth, check_files};
use super::setup::Setup;
use super::{inputs, say_out};

pub fn run(paths: &[PathBuf], out: &Path, previous: &[PathBuf]) -> Result<ExitCode> {
    let dirs = inputs(paths);
    let mut roster = Roster::default();
    for d in dirs.iter().filter(|d| d.is_dir()) {
        for a in Roster::load(d).agencies {
            roster.add(&a);
        }
    }
    let setup = Setup::load(paths, &[])?;
    let mut checks = check_files(paths, &setup, previous, out, Depth::Rules)?;
    let common = setup.common_inputs();
    let mut manifests: BTreeMap<PathBuf, Manifest> = BTreeMap::new();
    let mut files = Vec::new();
    let kit = setup.kit();
    let proven = crate::pdf::Proven::default();
    for c in checks.checked.iter_mut() {
        let dir = batch::year_dir(out, &c.report);
        let m = manifests
            .entry(dir.clone())
            .or_insert_with(|| Manifest::load(&dir));
        let f = batch::files_of(c, m, &dir, &common);
        // What build would find preparing a report it has not built from this workbook yet.
        if f != Files::Current {
            batch::prepare_checked(c, &kit, &proven, &setup.ctx);
        }
        files.push(f);
    }
    let rows = status::rows(&roster, &checks.checked, &files);
    say_out(status_table(&rows, !roster.agencies.is_empty()));
    let done = !rows.is_empty() && rows.iter().all(|r| r.state == State::Built);
    Ok(if done {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
