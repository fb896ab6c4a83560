//! Many workbooks at once: discovery, parallel checking and building, atomic writes.
//!
//! One bad workbook never stops the others; every failure becomes a finding or a reason on
//! that agency's result. Results come back in input order whatever the thread schedule.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use rayon::prelude::*;

use crate::doc;
use crate::finding::{Code, Finding, attribute};
use crate::layout::{self, fonts::FontSet};
use crate::model::Report;
use crate::pdf;
use crate::render::Templates;
use crate::rules::{self, Context};
use crate::workbook;
use crate::xlsx;

const EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

/// Every workbook under `paths` (files as given, folders searched recursively), sorted, without
/// Office lock files (`~$…`) and hidden files.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_file() {
            found.push(path.clone());
        } else if path.is_dir() {
            walk(path, &mut found).with_context(|| format!("无法读取文件夹 {}", path.display()))?;
        } else {
            bail!(
                "找不到 {}。请确认路径，或先用 nianbao new 生成工作簿。",
                path.display()
            );
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name.starts_with("~$") {
            continue;
        }
        if path.is_dir() {
            walk(&path, found)?;
        } else if is_workbook(&path) {
            found.push(path);
        }
    }
    Ok(())
}

fn is_workbook(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// One workbook read and checked.
#[derive(Debug)]
pub struct Checked {
    pub file: PathBuf,
    pub report: Report,
    pub findings: Vec<Finding>,
}

impl Checked {
    /// The agency's name, or the file name where 基本信息 has none.
    pub fn agency(&self) -> String {
        let name = self.report.info.agency.trim();
        if name.is_empty() {
            self.file
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default()
        } else {
            name.to_string()
        }
    }

    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(Finding::is_error)
    }
}

/// Reads and checks every file in parallel, then runs the checks across files.
pub fn check_all(files: &[PathBuf], ctx: &Context) -> Vec<Checked> {
    let mut checked: Vec<Checked> = files.par_iter().map(|f| check_file(f, ctx)).collect();
    duplicates(&mut checked);
    checked
}

/// Reads and checks one file. A panic inside a dependency on a malformed file is caught and
/// becomes finding F1 for that file, so one bad workbook cannot stop a batch.
pub fn check_file(file: &Path, ctx: &Context) -> Checked {
    let read = std::panic::catch_unwind(|| workbook::read_file(file)).unwrap_or_else(|_| {
        workbook::ReadOutcome {
            report: Report::default(),
            findings: vec![Finding::new(
                Code::F1,
                "读取此文件时发生内部错误，文件可能已损坏。请用 Excel 或 WPS 打开后另存为 .xlsx 再试。",
            )],
        }
    });
    let mut findings = read.findings;
    let unreadable = findings
        .iter()
        .any(|f| f.code == Code::F1 && f.sheet.is_none());
    if !unreadable {
        findings.extend(rules::check(&read.report, ctx));
    }
    let mut checked = Checked {
        file: file.to_path_buf(),
        report: read.report,
        findings,
    };
    let agency = checked.agency();
    attribute(&mut checked.findings, file, &agency);
    checked
}

/// B2: the same agency and year in two workbooks would overwrite one report with the other.
fn duplicates(checked: &mut [Checked]) {
    let mut seen: BTreeMap<(String, i32), PathBuf> = BTreeMap::new();
    for c in checked.iter_mut() {
        let (agency, Some(year)) = (c.report.info.agency.trim().to_string(), c.report.info.year)
        else {
            continue;
        };
        if agency.is_empty() {
            continue;
        }
        match seen.get(&(agency.clone(), year)) {
            Some(first) => {
                let mut f = Finding::new(
                    Code::B2,
                    format!(
                        "「{agency}」{year} 年度的报告已由 {} 提供，本工作簿重复。请核对机关名称是否复制自其他单位，或删除重复的工作簿。",
                        first.display()
                    ),
                )
                .at(crate::schema::input::SHEET_INFO, None);
                f.file = c.file.clone();
                f.agency = agency;
                c.findings.push(f);
            }
            None => {
                seen.insert((agency, year), c.file.clone());
            }
        }
    }
}

/// What building one agency gave.
#[derive(Debug)]
pub struct Built {
    pub file: PathBuf,
    pub agency: String,
    /// Files written (PDF, XLSX); empty when the agency was not built.
    pub outputs: Vec<PathBuf>,
    /// Why it was not built, when it was not.
    pub skipped: Option<String>,
    /// Findings made while building (characters no font has).
    pub findings: Vec<Finding>,
    /// A failure of the machine rather than the workbook (disk full, permission).
    pub system_error: bool,
}

impl Built {
    /// An agency not built (yet): nothing written, no reason given.
    fn new(c: &Checked) -> Built {
        Built {
            file: c.file.clone(),
            agency: c.agency(),
            outputs: Vec::new(),
            skipped: None,
            findings: Vec::new(),
            system_error: false,
        }
    }

    /// An agency that was not built, and why.
    pub fn skipped(c: &Checked, reason: impl Into<String>) -> Built {
        Built {
            skipped: Some(reason.into()),
            ..Built::new(c)
        }
    }

    /// An agency not built because its workbook has errors.
    pub fn rejected(c: &Checked) -> Built {
        let n = c.findings.iter().filter(|f| f.is_error()).count();
        Built::skipped(c, format!("有 {n} 个错误，请修改工作簿后重新生成"))
    }
}

/// Shared, read-only inputs of a build.
pub struct Toolkit<'a> {
    pub fonts: &'a FontSet,
    pub templates: &'a Templates,
    pub out: &'a Path,
}

/// Builds every workbook without errors; the others are listed with the reason.
pub fn build_all(checked: &[Checked], kit: &Toolkit) -> Vec<Built> {
    checked
        .par_iter()
        .map(|c| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build_one(c, kit)))
                .unwrap_or_else(|_| Built {
                    system_error: true,
                    ..Built::skipped(c, "排版时发生内部错误，请把该工作簿发给技术支持")
                })
        })
        .collect()
}

fn build_one(c: &Checked, kit: &Toolkit) -> Built {
    if c.has_errors() {
        return Built::rejected(c);
    }
    let mut built = Built::new(c);
    match render_one(c, kit) {
        Ok(Rendered::Files(pdf, xlsx)) => {
            let year = c.report.info.year.unwrap_or_default();
            let dir = kit.out.join(year.to_string());
            let stem = file_stem(&built.agency);
            let targets = [
                (dir.join(format!("{stem}.pdf")), pdf),
                (dir.join(format!("{stem}.xlsx")), xlsx),
            ];
            for (path, bytes) in targets {
                if let Err(e) = write_atomic(&path, &bytes) {
                    built.skipped = Some(format!("无法写入 {}：{e}", path.display()));
                    built.system_error = true;
                    return built;
                }
                built.outputs.push(path);
            }
        }
        Ok(Rendered::Missing(findings)) => {
            built.skipped = Some("有字体无法显示的字符".into());
            built.findings = findings;
        }
        Err(e) => built.skipped = Some(format!("{e:#}")),
    }
    built
}

enum Rendered {
    Files(Vec<u8>, Vec<u8>),
    Missing(Vec<Finding>),
}

fn render_one(c: &Checked, kit: &Toolkit) -> Result<Rendered> {
    let report = &c.report;
    let markdown = kit.templates.render(report)?;
    let document = doc::parse(&markdown)?;
    let laid = layout::layout(&document, report, kit.fonts);
    if !laid.missing.is_empty() {
        let mut findings = missing_glyphs(report, &laid.missing);
        attribute(&mut findings, &c.file, &c.agency());
        return Ok(Rendered::Missing(findings));
    }
    let title = document.title().to_string();
    let meta = pdf::Meta {
        title: title.clone(),
        author: report.info.agency.clone(),
        subject: "政府信息公开工作年度报告".into(),
        keywords: vec![
            "政府信息公开".into(),
            "年度报告".into(),
            format!("{}年", report.info.year.unwrap_or_default()),
        ],
        date: report.info.published,
    };
    let pdf_bytes = pdf::write(&laid, kit.fonts, &meta);
    let xlsx_bytes = xlsx::write_report(report, &title, report.info.published)
        .map_err(|e| anyhow::anyhow!("无法生成 XLSX：{e}"))?;
    Ok(Rendered::Files(pdf_bytes, xlsx_bytes))
}

/// G1: one finding per character, naming the paragraph's cell when the text is the agency's.
fn missing_glyphs(report: &Report, missing: &[layout::MissingChar]) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for m in missing {
        let para = report.paragraphs().find(|p| p.text.contains(m.c));
        let excerpt: String = m.context.chars().take(20).collect();
        let message = format!(
            "字符「{}」（U+{:04X}）在所有可用字体中都没有，无法显示。出现在「{excerpt}…」。请改用常用字，或把含有该字的字体放进 fonts/ 文件夹。",
            m.c, m.c as u32
        );
        let mut f = Finding::new(Code::G1, message);
        if let Some(src) = para.and_then(|p| p.source.as_ref()) {
            f = f.at(&src.sheet, Some(src.a1()));
        }
        if !out.iter().any(|o| o.message == f.message) {
            out.push(f);
        }
    }
    out
}

/// A file name from an agency name: characters Windows forbids become `_`.
pub fn file_stem(agency: &str) -> String {
    let stem: String = agency
        .trim()
        .chars()
        .map(|c| {
            if "/\\:*?\"<>|".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let stem = stem.trim_matches(['.', ' ']).to_string();
    if stem.is_empty() {
        "未命名".into()
    } else {
        stem
    }
}

/// Writes through a temporary file in the same folder and renames it into place, so a reader
/// never sees half a file and an interrupted run leaves the old file intact.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_safe() {
        assert_eq!(file_stem("某县交通运输局"), "某县交通运输局");
        assert_eq!(file_stem("a/b:c"), "a_b_c");
        assert_eq!(file_stem("  "), "未命名");
    }

    #[test]
    fn discovery_skips_lock_and_hidden_files() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.xlsx", "~$a.xlsx", ".b.xlsx", "c.txt", "d.ODS"] {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/e.xls"), b"").unwrap();
        let found = discover(&[dir.path().to_path_buf()]).unwrap();
        let names: Vec<_> = found
            .iter()
            .map(|p| {
                p.strip_prefix(dir.path())
                    .unwrap()
                    .to_string_lossy()
                    .to_string()
            })
            .collect();
        assert_eq!(names, ["a.xlsx", "d.ODS", "sub/e.xls"]);
        assert!(discover(&[dir.path().join("nope")]).is_err());
    }
}
