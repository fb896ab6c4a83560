//! Last year's reports, for the cross-year checks (X1–X3): the records nianbao keeps beside its
//! outputs (`output/<year>/<机关名称>.json`) first, then any workbook it can read by label — an
//! office's filled workbook or nianbao's output XLSX. Agencies are matched by name after
//! normalising, through `[renamed]` in `nianbao.toml` where a reorganisation changed the name.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::finding::{Code, Finding};
use crate::record::Record;
use crate::rules::history::Previous;
use crate::workbook::labels::normalize;

/// Folders below a `--previous` folder that are searched.
const DEPTH: usize = 3;

/// The previous reports found, by normalised agency name and year.
#[derive(Debug, Default)]
pub struct Library {
    reports: HashMap<(String, Option<i32>), Previous>,
    /// Where was looked, for the message when nothing was found.
    pub searched: Vec<PathBuf>,
    /// X5: records that cannot be read, and agencies with more than one report for a year
    /// (none of which is then used).
    pub problems: Vec<Finding>,
}

impl Library {
    /// Where `check` and `build` look: the files and folders of `--previous` if given (records
    /// and workbooks), else the records earlier builds left in `<out>/<year - 1>/` for each
    /// year of the batch — not this year's outputs, nor the office's workbooks.
    pub fn for_batch(given: &[PathBuf], out: &Path, years: &[i32]) -> Library {
        if !given.is_empty() {
            return Library::load(given, false);
        }
        let mut folders: Vec<PathBuf> = years
            .iter()
            .map(|y| out.join((y - 1).to_string()))
            .collect();
        folders.sort();
        folders.dedup();
        let mut lib = Library::load(&folders, true);
        // Say where was looked as the office knows it: the output folder.
        lib.searched = vec![out.to_path_buf()];
        lib
    }

    /// Reads every record (and unless `records_only`, every workbook) under `paths`;
    /// unreadable files are passed over.
    pub fn load(paths: &[PathBuf], records_only: bool) -> Library {
        let mut lib = Library {
            searched: paths.to_vec(),
            ..Library::default()
        };
        let mut files = Vec::new();
        for p in paths {
            list(p, DEPTH, &mut files);
        }
        if records_only {
            files.retain(|f| f.extension().is_some_and(|e| e == "json"));
        }
        files.sort();
        files.dedup();
        // Of the files of one name in one folder only the most exact is read: a record, else
        // a workbook, else a Word document, a web page, a PDF (nianbao's own outputs of a
        // report sit side by side, and are one report).
        let rank = |f: &PathBuf| {
            let ext = f
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            match ext.as_str() {
                "json" => 0,
                "xlsx" | "xlsm" | "xls" | "ods" => 1,
                "docx" => 2,
                "html" | "htm" => 3,
                _ => 4,
            }
        };
        let mut best: HashMap<PathBuf, usize> = HashMap::new();
        for f in &files {
            let e = best.entry(f.with_extension("")).or_insert(usize::MAX);
            *e = (*e).min(rank(f));
        }
        files.retain(|f| best.get(&f.with_extension("")) == Some(&rank(f)));
        let mut doubtful: HashMap<(String, Option<i32>), (String, Vec<PathBuf>)> = HashMap::new();
        for file in files {
            let Some(prev) = read(&file) else {
                if file.extension().is_some_and(|e| e == "json") {
                    lib.problems.push(unreadable(&file));
                }
                continue;
            };
            let year = prev.report.info.year;
            let key = (normalize(prev.report.info.agency.trim()), year);
            if let Some((_, files)) = doubtful.get_mut(&key) {
                files.push(file);
            } else if let Some(first) = lib.reports.remove(&key) {
                let agency = first.report.info.agency.trim().to_string();
                doubtful.insert(key, (agency, vec![first.file, file]));
            } else {
                lib.reports.insert(key, prev);
            }
        }
        let mut doubtful: Vec<_> = doubtful.into_iter().collect();
        doubtful.sort();
        for ((_, year), (agency, files)) in doubtful {
            lib.problems.push(two_reports(&agency, year, &files));
        }
        lib
    }

    /// Every report found, in no particular order.
    pub fn reports(&self) -> impl Iterator<Item = &Previous> {
        self.reports.values()
    }

    pub fn is_empty(&self) -> bool {
        self.reports.is_empty()
    }

    /// Last year's report of `agency` for `year - 1`, under its name or the name it had.
    pub fn find(
        &self,
        agency: &str,
        year: i32,
        renamed: &BTreeMap<String, String>,
    ) -> Option<&Previous> {
        let mut names = vec![normalize(agency.trim())];
        for (old, new) in renamed {
            if normalize(new) == names[0] {
                names.push(normalize(old));
            }
        }
        names.iter().find_map(|n| {
            self.reports
                .get(&(n.clone(), Some(year - 1)))
                .or_else(|| self.reports.get(&(n.clone(), None)))
        })
    }
}

/// X5: a record that cannot be read is not silently passed over.
fn unreadable(file: &Path) -> Finding {
    let mut f = Finding::new(
        Code::X5,
        format!(
            "上年的报告记录 {} 无法读取（文件不完整或已损坏），未用于跨年度核对。",
            file.display()
        ),
    )
    .hint("请用上年的工作簿重新生成，或用 --previous 指定上年的工作簿。");
    f.file = file.to_path_buf();
    f
}

/// X5: two reports claim one agency and year; which is right cannot be known.
fn two_reports(prev: &str, year: Option<i32>, files: &[PathBuf]) -> Finding {
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let year = year.map(|y| format!("{y}年度")).unwrap_or_default();
    let mut f = Finding::new(
        Code::X5,
        format!(
            "「{prev}」{year}的报告有{}份：{}，不知道哪一份是发布的，都未用于跨年度核对。",
            files.len(),
            names.join("、")
        ),
    )
    .hint("请删除或移走多余的一份。");
    f.file = files.first().cloned().unwrap_or_default();
    f.agency = prev.to_string();
    f
}

fn list(path: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    if meta.is_file() {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // Hidden files are nianbao's own (the manifest, its journal) or the system's.
        // nianbao's CMS fragment (`.片段.html`) repeats its page; its PDF and DOCX are read
        // only where no record or workbook of the same name stands beside them (`load`).
        if [
            "json", "xlsx", "xlsm", "xls", "ods", "docx", "html", "htm", "pdf",
        ]
        .contains(&ext.as_str())
            && !name.starts_with("~$")
            && !name.starts_with('.')
            && !name.ends_with(".片段.html")
        {
            out.push(path.to_path_buf());
        }
    } else if meta.is_dir() && depth > 0 {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        for e in entries.flatten() {
            list(&e.path(), depth - 1, out);
        }
    }
}

fn read(file: &Path) -> Option<Previous> {
    let is_record = file.extension().is_some_and(|e| e == "json");
    let mut report = if is_record {
        Record::load(file)?
    } else {
        let read = std::panic::catch_unwind(|| crate::input::read_file(file)).ok()?;
        if read.findings.iter().any(|f| f.refuses_file()) {
            return None;
        }
        // A workbook beside the reports that is not one (发布清单, 汇总, 检查报告): none of the
        // official tables was found in it.
        let r = &read.report;
        if r.t2.values.is_empty() && r.t3.values.is_empty() && r.t4.values.is_empty() {
            return None;
        }
        read.report
    };
    // nianbao's output XLSX has no 基本信息: its name and folder say whose and which year.
    if report.info.agency.trim().is_empty() {
        report.info.agency = file.file_stem()?.to_string_lossy().to_string();
    }
    if report.info.year.is_none() {
        report.info.year = file
            .parent()
            .and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .and_then(|n| n.parse().ok());
    }
    Some(Previous {
        report,
        file: file.to_path_buf(),
    })
}
