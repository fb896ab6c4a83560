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
            "    文件：{}{}",
            choice.path.display(),
            face_in(choice)
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

/// `（字体集合中的第 3 个字体，nianbao.toml 中写 index = 2）` for a face of a .ttc/.otc
/// collection: counted from one as people count, with the zero-based index the file takes.
fn face_in(choice: &crate::layout::fonts::Choice) -> String {
    let ext = choice
        .path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if choice.index == 0 && ext != "ttc" && ext != "otc" {
        return String::new();
    }
    format!(
        "（字体集合中的第{}个字体，nianbao.toml 中写 index = {}）",
        choice.index + 1,
        choice.index
    )
}
