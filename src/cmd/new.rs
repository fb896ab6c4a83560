//! `nianbao new`: a blank input workbook per agency, or with `--from` one started from the
//! agency's report of last year.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};

use crate::batch;
use crate::previous::Library;
use crate::roster::{self, Roster};
use crate::workbook::{blank, carry};

use super::{say, today};

pub fn run(
    agencies: &[String],
    year: Option<i32>,
    dir: &Path,
    from: &[PathBuf],
    force: bool,
) -> Result<ExitCode> {
    let year = year.unwrap_or(today().year - 1);
    let library = (!from.is_empty()).then(|| Library::load(from, false));
    let named: Vec<String> = agencies.iter().map(|a| a.trim().to_string()).collect();
    let agencies = match &library {
        Some(lib) => agencies_from(named, lib, year, from)?,
        None => named,
    };
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建文件夹 {}", dir.display()))?;
    let mut code = ExitCode::SUCCESS;
    let mut roster = Roster::load(dir);
    for agency in &agencies {
        roster.add(agency);
        let path = dir.join(format!("{}.xlsx", batch::file_stem(agency)));
        if path.exists() && !force {
            say(format!(
                "跳过：{} 已存在，未覆盖。如需重新生成请加 --force。",
                path.display()
            ));
            code = ExitCode::from(1);
            continue;
        }
        let blank = blank::blank_report(agency, year);
        let last = library
            .as_ref()
            .and_then(|lib| lib.find(agency, year, &BTreeMap::new()));
        let (bytes, said) = match last {
            Some(prev) => {
                let source = prev.file.display().to_string();
                let (report, carried) = carry::from_last_year(blank, &prev.report, &source);
                let said = format!(
                    "，已按上年报告 {source} 预填机关信息、{}列上年结转和上年原文",
                    carried.columns.len()
                );
                (blank::write_input_carried(&report, Some(&carried)), said)
            }
            None if library.is_some() => (
                blank::write_input(&blank),
                format!("，没有找到该机关{}年度的报告，未预填", year - 1),
            ),
            None => (blank::write_input(&blank), String::new()),
        };
        let bytes = bytes.map_err(|e| anyhow::anyhow!("无法生成工作簿：{e}"))?;
        batch::write_atomic(&path, &bytes)?;
        say(format!("已生成 {}（{year}年度）{said}", path.display()));
    }
    let file = roster::path(dir);
    batch::write_atomic(&file, roster.to_text().as_bytes())?;
    say(format!(
        "名单 {} 共{}个机关（nianbao status 按名单查看交回情况）",
        file.display(),
        roster.agencies.len()
    ));
    Ok(code)
}

/// The agencies named, or without names every agency with a report of last year in `lib`.
fn agencies_from(
    named: Vec<String>,
    lib: &Library,
    year: i32,
    from: &[PathBuf],
) -> Result<Vec<String>> {
    if lib.is_empty() {
        let places: Vec<String> = from.iter().map(|p| p.display().to_string()).collect();
        bail!(
            "在 {} 中没有找到可读取的上年报告（nianbao 的记录 .json、工作簿、Word 文档、网页或 PDF）。请确认路径，或不加 --from 生成空白工作簿。",
            places.join("、")
        );
    }
    if !named.is_empty() {
        return Ok(named);
    }
    let mut all: Vec<String> = lib
        .reports()
        .filter(|p| p.report.info.year.is_none_or(|y| y == year - 1))
        .map(|p| p.report.info.agency.trim().to_string())
        .filter(|a| !a.is_empty())
        .collect();
    all.sort();
    all.dedup();
    if all.is_empty() {
        bail!(
            "上年报告中没有{}年度的报告，无法为{year}年度预填。请用 --year 指定报告年度。",
            year - 1
        );
    }
    Ok(all)
}
