//! Many workbooks at once: discovery, parallel checking and building, atomic writes.
//!
//! One bad workbook never stops the others; every failure becomes a finding or a reason on
//! that agency's result. Results come back in input order whatever the thread schedule.

mod build;
pub mod check;
pub mod files;
pub mod manifest;
pub mod prepare;
mod sums;

pub use build::{
    Built, DRAFT_MARK, DRAFTS, Outcome, Toolkit, build_all, files_of, manifest_key, unbuildable,
    year_dir,
};
pub use check::{
    Trial, check_file, complete_all, cross_check, history_note, load, prepare_checked, read_all,
    readable,
};
pub use files::{WriteError, write_all, write_atomic};
pub use sums::unreturned;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::finding::{Code, Finding};
use crate::limits;
use crate::model::Report;

/// One workbook read and checked. Once its own rules have run, a report that is not an
/// aggregate keeps only its 基本信息 (`slim`): what the batch's checks need of it is its
/// fingerprints, and whatever needs the whole report again reads it again (`check::load`),
/// so that a batch's memory does not grow with its reports' text.
#[derive(Debug, Default)]
pub struct Checked {
    pub file: PathBuf,
    pub report: Report,
    pub findings: Vec<Finding>,
    /// For an aggregate report, the workbooks its tables were summed from: its output is
    /// out of date when any of them changes.
    pub members: Vec<PathBuf>,
    /// The prose sections' fingerprints, for the copy check (K2).
    pub sketch: crate::rules::sketch::Sketch,
    /// The file as it was read, to tell whether a second reading reads the same.
    pub stamp: Option<check::Stamp>,
    /// The report holds only its 基本信息: its text and tables are read again when needed.
    pub slim: bool,
    /// Where K1 (found once every agency's name is known) goes among the findings.
    pub k1_at: usize,
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

/// Workbooks, then the documents `document` reads (Word, web pages, PDF).
const EXTENSIONS: [&str; 8] = ["xlsx", "xlsm", "xls", "ods", "docx", "html", "htm", "pdf"];

/// Spreadsheet formats offices save by mistake, with what to say about each.
const FOREIGN: [(&str, &str); 7] = [
    ("et", "WPS表格格式（.et）"),
    ("ett", "WPS表格模板格式（.ett）"),
    ("xlsb", "Excel 二进制格式（.xlsb）"),
    ("csv", "CSV 文本格式（.csv），只有一张表、没有合并表头"),
    ("numbers", "Apple Numbers 格式（.numbers）"),
    ("wps", "WPS 文字格式（.wps）"),
    ("doc", "Word 97-2003 格式（.doc）"),
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
        let hint = if ext == "doc" || ext == "wps" {
            "请用 Word 或 WPS 打开后「另存为」Word 文档（*.docx），放回 input/ 后重新运行。"
        } else {
            "请用 Excel 或 WPS 打开后「另存为」Excel 工作簿（*.xlsx），放回 input/ 后重新运行。"
        };
        return Some(Finding::new(Code::F2, format!("这是{what}，nianbao 不能读取。")).hint(hint));
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
    Some(
        Finding::new(Code::F5, format!("这不是普通文件，而是{kind}，未读取。"))
            .hint("请把真正的工作簿文件（不是链接或快捷方式）放进 input/。"),
    )
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

/// A file name as case-insensitive, normalisation-insensitive file systems compare it.
pub(crate) fn fold_name(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfc().flat_map(char::to_lowercase).collect()
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
