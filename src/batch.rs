//! Many workbooks at once: discovery, parallel checking and building, atomic writes.
//!
//! One bad workbook never stops the others; every failure becomes a finding or a reason on
//! that agency's result. Results come back in input order whatever the thread schedule.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use std::io::Write as _;

use anyhow::{Context as _, Result, bail};
use rayon::prelude::*;

use crate::doc;
use crate::finding::{Code, Finding, attribute};
use crate::layout::{self, fonts::FontSet};
use crate::limits;
use crate::model::Report;
use crate::pdf;
use crate::previous::Library;
use crate::record::Record;
use crate::render::Templates;
use crate::rules::{self, Context, copies};
use crate::workbook;
use crate::xlsx;

const EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

/// Spreadsheet formats offices save by mistake, with what to say about each.
const FOREIGN: [(&str, &str); 6] = [
    ("et", "WPS 表格格式（.et）"),
    ("ett", "WPS 表格模板格式（.ett）"),
    ("xlsb", "Excel 二进制格式（.xlsb）"),
    ("csv", "CSV 文本格式（.csv），只有一张表、没有合并表头"),
    ("numbers", "Apple Numbers 格式（.numbers）"),
    ("wps", "WPS 文字格式（.wps），不是表格"),
];

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Every input under `paths` (files as given, folders searched recursively, links followed
/// once), sorted, without Office lock files (`~$…`) and hidden files. Besides workbooks this
/// lists files in formats nianbao does not read and workbook names that are not regular files,
/// so that `check_file` can say what is wrong with each instead of passing over it.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut visited = HashSet::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut found, &mut visited)
                .with_context(|| format!("无法读取文件夹 {}", path.display()))?;
        } else if path.symlink_metadata().is_ok() {
            found.push(path.clone());
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

fn walk(
    dir: &Path,
    found: &mut Vec<PathBuf>,
    visited: &mut HashSet<PathBuf>,
) -> std::io::Result<()> {
    // A folder reached twice (a link to a parent, a loop of links) is read once.
    if !visited.insert(dir.canonicalize()?) {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name.starts_with("~$") {
            continue;
        }
        let ext = extension(&path);
        let listed = EXTENSIONS.contains(&ext.as_str()) || FOREIGN.iter().any(|(e, _)| *e == ext);
        // `is_dir` follows links; a link that leads nowhere or in a circle is not a folder.
        if path.is_dir() && !listed {
            // A subfolder that cannot be read is reported like a file (F5), not the batch's end.
            if walk(&path, found, visited).is_err() {
                found.push(path);
            }
        } else if listed {
            found.push(path);
        }
    }
    Ok(())
}

/// F2/F5: why `file` cannot be read as a workbook before anything opens it — a format nianbao
/// does not read, or not a regular file (opening a pipe would wait forever, a device never ends).
fn unopenable(file: &Path) -> Option<Finding> {
    let ext = extension(file);
    if let Some((_, what)) = FOREIGN.iter().find(|(e, _)| *e == ext) {
        return Some(Finding::new(
            Code::F2,
            format!(
                "这是{what}，nianbao 不能读取。请用 Excel 或 WPS 打开后「另存为」Excel 工作簿（*.xlsx），放回 input/ 后重新运行。"
            ),
        ));
    }
    let kind = match std::fs::metadata(file) {
        Ok(m) if m.is_file() => return None,
        Ok(m) if m.is_dir() && std::fs::read_dir(file).is_err() => {
            "一个无法读取的文件夹（没有权限？）"
        }
        Ok(m) if m.is_dir() => "一个文件夹",
        Ok(m) => special_kind(&m),
        Err(e) if e.raw_os_error() == Some(40) => "一个指向自身的循环链接",
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "一个指向不存在文件的链接",
        Err(_) => "一个无法访问的文件",
    };
    Some(Finding::new(
        Code::F5,
        format!(
            "这不是普通文件，而是{kind}，未读取。请把真正的工作簿文件（不是链接或快捷方式）放进 input/。"
        ),
    ))
}

#[cfg(unix)]
fn special_kind(m: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = m.file_type();
    if t.is_fifo() {
        "一个命名管道（FIFO）"
    } else if t.is_char_device() || t.is_block_device() {
        "一个设备文件"
    } else if t.is_socket() {
        "一个套接字"
    } else {
        "一个特殊文件"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::Metadata) -> &'static str {
    "一个特殊文件"
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

/// What `check` needs beyond the rules to find every reason `build` would refuse an agency:
/// the fonts (G1) and the templates (P1) the build will use.
pub struct Preview<'a> {
    pub fonts: &'a FontSet,
    pub templates: &'a Templates,
}

/// Reads and checks every file in parallel, then runs the checks across files (B2, N1, K1,
/// K2) and against last year's reports (X1–X3), and applies the office's severities.
pub fn check_all(
    files: &[PathBuf],
    ctx: &Context,
    preview: Option<&Preview>,
    previous: &Library,
) -> Vec<Checked> {
    let mut checked: Vec<Checked> = files
        .par_iter()
        .map(|f| check_file(f, ctx, preview))
        .collect();
    clashes(&mut checked);
    across(&mut checked);
    history(&mut checked, previous, ctx);
    for c in &mut checked {
        ctx.settings.apply(&mut c.findings);
    }
    checked
}

/// Whether a workbook was read at all (the batch and history checks need its report).
fn readable(c: &Checked) -> bool {
    !c.findings.iter().any(Finding::refuses_file)
}

/// K1, K2: the batch's reports compared with one another.
fn across(checked: &mut [Checked]) {
    let readable: Vec<usize> = (0..checked.len())
        .filter(|i| readable(&checked[*i]))
        .collect();
    let entries: Vec<copies::Entry> = readable
        .iter()
        .map(|i| copies::Entry {
            report: &checked[*i].report,
            file: &checked[*i].file,
        })
        .collect();
    let found = copies::check_batch(&entries);
    for (k, mut f) in found {
        let c = &mut checked[readable[k]];
        attribute(std::slice::from_mut(&mut f), &c.file, &c.agency());
        c.findings.push(f);
    }
}

/// X1–X3: each report against its agency's report of the year before, where there is one.
fn history(checked: &mut [Checked], previous: &Library, ctx: &Context) {
    for c in checked.iter_mut().filter(|c| readable(c)) {
        let Some(year) = c.report.info.year else {
            continue;
        };
        let Some(prev) = previous.find(&c.report.info.agency, year, &ctx.settings.renamed) else {
            continue;
        };
        let mut found = Vec::new();
        rules::history::check(&c.report, prev, &mut found);
        attribute(&mut found, &c.file, &c.agency());
        c.findings.extend(found);
    }
}

/// X4, once for the batch: no agency's report of the year before was found.
pub fn history_note(checked: &[Checked], previous: &Library, ctx: &Context) -> Option<Finding> {
    let years: Vec<i32> = checked.iter().filter_map(|c| c.report.info.year).collect();
    let year = *years.iter().max()?;
    let any = checked.iter().any(|c| {
        c.report.info.year.is_some_and(|y| {
            previous
                .find(&c.report.info.agency, y, &ctx.settings.renamed)
                .is_some()
        })
    });
    if any {
        return None;
    }
    let searched: Vec<&Path> = previous.searched.iter().map(PathBuf::as_path).collect();
    let mut note = rules::history::none_found(year - 1, &searched);
    note.file = searched
        .first()
        .map(|p| p.to_path_buf())
        .unwrap_or_default();
    let mut notes = vec![note];
    ctx.settings.apply(&mut notes);
    notes.pop()
}

/// Where last year's reports are looked for: `--previous` if given, else the output folder
/// (whose `<year>/` folders hold the records of earlier builds).
pub fn previous_places(given: &[PathBuf], out: &Path) -> Vec<PathBuf> {
    if given.is_empty() {
        vec![out.to_path_buf()]
    } else {
        given.to_vec()
    }
}

/// Reads and checks one file. A panic inside a dependency on a malformed file is caught and
/// becomes finding F1 for that file, so one bad workbook cannot stop a batch.
pub fn check_file(file: &Path, ctx: &Context, preview: Option<&Preview>) -> Checked {
    let read = match unopenable(file) {
        Some(f) => workbook::ReadOutcome {
            report: Report::default(),
            findings: vec![f],
        },
        None => std::panic::catch_unwind(|| workbook::read_file(file)).unwrap_or_else(|_| {
            workbook::ReadOutcome {
                report: Report::default(),
                findings: vec![Finding::new(
                    Code::F1,
                    "读取此文件时发生内部错误，文件可能已损坏。请用 Excel 或 WPS 打开后另存为 .xlsx 再试。",
                )],
            }
        }),
    };
    let mut findings = read.findings;
    let unreadable = findings.iter().any(|f| f.refuses_file());
    if !unreadable {
        findings.extend(rules::check(&read.report, ctx));
        if let Some(p) = preview {
            findings.extend(preview_findings(&read.report, p));
        }
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

/// P1 and G1: the report rendered through the templates, and every character of it looked up
/// in the fonts of the role that will print it — what layout would otherwise find at build.
fn preview_findings(report: &Report, p: &Preview) -> Vec<Finding> {
    let document = match p.templates.render(report).and_then(|md| doc::parse(&md)) {
        Ok(d) => d,
        Err(e) => {
            return vec![Finding::new(
                Code::P1,
                format!("无法用报告模板生成这份报告：{e:#}。请检查 templates/ 中的自定义模板。"),
            )];
        }
    };
    missing_glyphs(report, &layout::uncovered(&document, report, p.fonts))
}

/// B2 and N1: two workbooks whose reports would land in one file. The same agency and year
/// twice is B2; different names that a file system cannot tell apart — they differ only in
/// characters a file name cannot hold, in case, or in Unicode composition (Windows and macOS
/// fold both) — is N1. The later workbook is refused, naming the earlier.
fn clashes(checked: &mut [Checked]) {
    let mut seen: HashMap<(i32, String), (String, PathBuf)> = HashMap::new();
    for c in checked.iter_mut() {
        let agency = c.report.info.agency.trim().to_string();
        let Some(year) = c.report.info.year else {
            continue;
        };
        if agency.is_empty() {
            continue;
        }
        let stem = file_stem(&agency);
        let Some((first, file)) = seen.get(&(year, fold_name(&stem))) else {
            seen.insert((year, fold_name(&stem)), (agency, c.file.clone()));
            continue;
        };
        let mut f = if *first == agency {
            Finding::new(
                Code::B2,
                format!(
                    "「{agency}」{year} 年度的报告已由 {} 提供，本工作簿重复。请核对机关名称是否复制自其他单位，或删除重复的工作簿。",
                    file.display()
                ),
            )
        } else {
            Finding::new(
                Code::N1,
                format!(
                    "机关名称「{agency}」与 {} 中的「{first}」生成的文件名相同（{stem}.pdf：文件名不能含有 / \\ : * ? \" < > | 等字符，且不区分大小写），两份报告会互相覆盖。请核对两个工作簿的机关名称，使用规范全称。",
                    file.display()
                ),
            )
        }
        .at(crate::schema::input::SHEET_INFO, None);
        f.file = c.file.clone();
        f.agency = agency;
        c.findings.push(f);
    }
}

/// A file name as case-insensitive, normalisation-insensitive file systems compare it.
fn fold_name(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfc().flat_map(char::to_lowercase).collect()
}

/// What building one agency gave.
#[derive(Debug)]
pub struct Built {
    pub file: PathBuf,
    pub agency: String,
    pub outcome: Outcome,
    /// Findings made while building (characters no font has).
    pub findings: Vec<Finding>,
}

/// How building one agency ended.
#[derive(Debug)]
pub enum Outcome {
    /// Files written. `draft`: built with `--force` despite errors, every page marked so.
    Written {
        outputs: Vec<PathBuf>,
        /// The report's title line, as printed.
        title: String,
        pages: usize,
        draft: bool,
    },
    /// Not built: the workbook has errors (or could not be read at all).
    Rejected { errors: usize },
    /// Not built: the report cannot be typeset (characters no font has, a template error).
    Failed(String),
    /// Not built: the machine failed (disk full, permission, an internal error).
    SystemError(String),
}

/// The mark every page of a report built despite errors carries.
pub const DRAFT_MARK: &str = "草稿——未通过校验，不得发布";

impl Built {
    fn of(c: &Checked, outcome: Outcome) -> Built {
        Built {
            file: c.file.clone(),
            agency: c.agency(),
            outcome,
            findings: Vec::new(),
        }
    }

    pub fn is_written(&self) -> bool {
        matches!(self.outcome, Outcome::Written { .. })
    }

    pub fn is_draft(&self) -> bool {
        matches!(self.outcome, Outcome::Written { draft: true, .. })
    }

    /// Files written, in the order PDF, XLSX (and the record for a publishable report).
    pub fn outputs(&self) -> &[PathBuf] {
        match &self.outcome {
            Outcome::Written { outputs, .. } => outputs,
            _ => &[],
        }
    }

    /// Why the agency was not built, in words for the office.
    pub fn reason(&self) -> Option<String> {
        match &self.outcome {
            Outcome::Written { .. } => None,
            Outcome::Rejected { errors } => {
                Some(format!("有 {errors} 个错误，请修改工作簿后重新生成"))
            }
            Outcome::Failed(why) | Outcome::SystemError(why) => Some(why.clone()),
        }
    }
}

/// Shared, read-only inputs of a build.
pub struct Toolkit<'a> {
    pub fonts: &'a FontSet,
    pub templates: &'a Templates,
    pub out: &'a Path,
    /// Build agencies with errors too, as marked drafts (`build --force`).
    pub force: bool,
}

/// Builds every workbook without errors (with `force`, every readable one, marked as a draft);
/// the others are listed with the reason.
pub fn build_all(checked: &[Checked], kit: &Toolkit) -> Vec<Built> {
    checked
        .par_iter()
        .map(|c| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build_one(c, kit)))
                .unwrap_or_else(|_| {
                    Built::of(
                        c,
                        Outcome::SystemError("排版时发生内部错误，请把该工作簿发给技术支持".into()),
                    )
                })
        })
        .collect()
}

fn build_one(c: &Checked, kit: &Toolkit) -> Built {
    let errors = c.findings.iter().filter(|f| f.is_error()).count();
    // Never forced: nothing to typeset, or a report that would overwrite another's (B2, N1).
    let unbuildable = c.findings.iter().any(|f| {
        f.refuses_file() || (f.is_error() && matches!(f.code, Code::B1 | Code::B2 | Code::N1))
    });
    let draft = errors > 0;
    if draft && (!kit.force || unbuildable) {
        return Built::of(c, Outcome::Rejected { errors });
    }
    match render_one(c, kit, draft) {
        Ok(Rendered::Files {
            pdf,
            xlsx,
            pages,
            title,
        }) => {
            let [pdf_path, xlsx_path, record_path] = output_paths(kit.out, &c.report);
            let record = serde_json::to_vec_pretty(&Record::of(&c.report)).unwrap_or_default();
            let mut files: Vec<(&Path, &[u8])> = vec![(&pdf_path, &pdf), (&xlsx_path, &xlsx)];
            // A draft is no record of what was published: next year's checks must not use it.
            if !draft {
                files.push((&record_path, &record));
            }
            match write_all(&files) {
                Ok(()) => Built::of(
                    c,
                    Outcome::Written {
                        outputs: files.iter().map(|(p, _)| p.to_path_buf()).collect(),
                        title,
                        pages,
                        draft,
                    },
                ),
                Err(e) => Built::of(
                    c,
                    Outcome::SystemError(format!("无法写入 {}：{e}", pdf_path.display())),
                ),
            }
        }
        Ok(Rendered::Missing(findings)) => Built {
            findings,
            ..Built::of(c, Outcome::Failed("有字体无法显示的字符".into()))
        },
        Err(e) => Built::of(c, Outcome::Failed(format!("{e:#}"))),
    }
}

/// Where a report's PDF, XLSX and record go: `<out>/<year>/<agency>.pdf|.xlsx|.json`.
pub fn output_paths(out: &Path, report: &Report) -> [PathBuf; 3] {
    let dir = out.join(report.info.year.unwrap_or_default().to_string());
    let stem = file_stem(&report.info.agency);
    ["pdf", "xlsx", "json"].map(|ext| dir.join(format!("{stem}.{ext}")))
}

enum Rendered {
    Files {
        pdf: Vec<u8>,
        xlsx: Vec<u8>,
        pages: usize,
        title: String,
    },
    Missing(Vec<Finding>),
}

fn render_one(c: &Checked, kit: &Toolkit, draft: bool) -> Result<Rendered> {
    let report = &c.report;
    let markdown = kit.templates.render(report)?;
    let document = doc::parse(&markdown)?;
    let mut laid = layout::layout(&document, report, kit.fonts);
    if draft {
        layout::stamp(&mut laid, kit.fonts, DRAFT_MARK);
    }
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
    let pdf = pdf::write(&laid, kit.fonts, &meta);
    let mark = draft.then_some(DRAFT_MARK);
    let xlsx = xlsx::write_report(report, &title, report.info.published, mark)
        .map_err(|e| anyhow::anyhow!("无法生成 XLSX：{e}"))?;
    Ok(Rendered::Files {
        pdf,
        xlsx,
        pages: laid.pages.len(),
        title,
    })
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

/// A file name from an agency name that every common file system takes: characters Windows
/// forbids become `_`, leading and trailing dots and spaces go, a name Windows reserves for a
/// device (CON, NUL, COM1 …) gets a `_`, and the name is cut to `limits::FILE_NAME_BYTES`.
pub fn file_stem(agency: &str) -> String {
    let safe: String = agency
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
    let mut stem = String::new();
    for c in safe.trim_matches(['.', ' ']).chars() {
        if stem.len() + c.len_utf8() > limits::FILE_NAME_BYTES {
            break;
        }
        stem.push(c);
    }
    let mut stem = stem.trim_end_matches(['.', ' ']).to_string();
    let base = stem.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = matches!(base.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((base.starts_with("COM") || base.starts_with("LPT"))
            && base.len() == 4
            && base.as_bytes()[3].is_ascii_digit());
    if reserved {
        stem.insert(base.len(), '_');
    }
    if stem.is_empty() {
        "未命名".into()
    } else {
        stem
    }
}

/// Writes every file through a temporary file of its own in the same folder, flushed to disk,
/// then renames them all into place: a reader never sees half a file, an interrupted run leaves
/// the old files intact, and a report never gets its PDF without its XLSX because the second
/// write failed.
pub fn write_all(files: &[(&Path, &[u8])]) -> std::io::Result<()> {
    let mut staged = Vec::new();
    for (path, bytes) in files {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".nianbao-")
            .suffix(".tmp")
            .tempfile_in(dir)?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        staged.push((tmp, *path));
    }
    for (tmp, path) in staged {
        tmp.persist(path).map_err(|e| e.error)?;
    }
    Ok(())
}

/// One file written atomically (see `write_all`).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_all(&[(path, bytes)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_safe() {
        assert_eq!(file_stem("某县交通运输局"), "某县交通运输局");
        assert_eq!(file_stem("a/b:c"), "a_b_c");
        assert_eq!(file_stem("  "), "未命名");
        assert_eq!(file_stem("江岚县交通运输局."), "江岚县交通运输局");
        assert_eq!(file_stem("con"), "con_");
        assert_eq!(file_stem("COM1.局"), "COM1_.局");
        assert_eq!(file_stem("COM10"), "COM10");
        let long = "很".repeat(100);
        assert!(file_stem(&long).len() <= limits::FILE_NAME_BYTES);
        assert!(file_stem(&long).chars().all(|c| c == '很'));
    }

    #[test]
    fn names_fold_like_file_systems() {
        assert_eq!(fold_name("Bureau"), fold_name("BUREAU"));
        assert_eq!(fold_name("e\u{301}"), fold_name("\u{e9}"));
        assert_ne!(fold_name("交通局"), fold_name("交通运输局"));
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

    /// A folder named like a workbook is an input with a finding, not something to open.
    #[test]
    fn a_folder_named_like_a_workbook_is_a_finding() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("报表.xlsx");
        std::fs::create_dir(&folder).unwrap();
        let found = discover(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(found, std::slice::from_ref(&folder));
        let f = unopenable(&folder).unwrap();
        assert_eq!(f.code, Code::F5);
        assert!(f.message.contains("文件夹"), "{}", f.message);
    }
}
