//! `nianbao fonts`: which font each role uses, and why.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use crate::config::Config;
use crate::layout::fonts::FontSet;

use super::setup::font_dirs;

pub fn run() -> Result<ExitCode> {
    let dirs = font_dirs(&[]);
    let dirs: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
    let set = FontSet::discover(&dirs, &Config::load(Path::new("."))?)?;
    let mut out = std::io::stdout().lock();
    for choice in &set.choices {
        writeln!(out, "{}：{}", choice.role.chinese(), choice.family)?;
        writeln!(
            out,
            "    文件：{}（第 {} 个字面）",
            choice.path.display(),
            choice.index
        )?;
        writeln!(out, "    原因：{}", choice.reason)?;
        let fallbacks: Vec<&str> = set
            .chain(choice.role)
            .iter()
            .skip(1)
            .map(|i| set.faces[*i].family.as_str())
            .collect();
        if !fallbacks.is_empty() {
            writeln!(out, "    缺字时依次改用：{}", fallbacks.join("、"))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
