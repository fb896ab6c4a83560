//! Findings: what the reader and the rules report about a workbook, as data.
//!
//! A finding names the file, the sheet and the cell, carries a stable code (`R3`, `S2` …), a
//! Chinese message that says what is wrong and hints that say what to do (as typst's
//! diagnostics keep `message` and `hints` apart). Printing is the CLI's business: the text
//! output, the JSON, the check report and docs/rules.md all read the fields.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn chinese(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }
}

pub mod codes;

pub use codes::Code;

/// What to do about a finding, one step; `sheet`/`cell` when the step is in another place of
/// the same file than the finding (the cell to choose a category in, say).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hint {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

impl Hint {
    /// `[基本信息]!B7` when the hint has a place of its own.
    pub fn place(&self) -> Option<String> {
        let sheet = self.sheet.as_deref()?;
        Some(match &self.cell {
            Some(cell) => format!("[{sheet}]!{cell}"),
            None => format!("[{sheet}]"),
        })
    }
}

/// Whether `text` tells the reader what to do (a sentence that starts with 请), which belongs
/// in a hint rather than in the message; the tests hold every message to it.
pub fn mixes_advice(text: &str) -> bool {
    text.starts_with('请')
        || ["。请", "，请", "；请", "：请"]
            .iter()
            .any(|p| text.contains(p))
}

/// Another place a finding points at: the table cell a sentence contradicts, last year's cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    pub file: PathBuf,
    pub sheet: Option<String>,
    pub cell: Option<String>,
    /// What is there, or what to do there.
    pub message: String,
}

impl Related {
    pub fn location(&self) -> String {
        location(&self.file, self.sheet.as_deref(), self.cell.as_deref())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub file: PathBuf,
    /// The agency's name when known (from 基本信息, else the file stem).
    pub agency: String,
    pub sheet: Option<String>,
    /// A1 notation, a range such as `D5:I5`, or `None` for whole-file findings.
    pub cell: Option<String>,
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// What to do, step by step; empty when there is nothing to do (an info).
    #[serde(default)]
    pub hints: Vec<Hint>,
    /// Other places the finding concerns, each with a note; empty for most findings.
    pub related: Vec<Related>,
}

impl Finding {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Finding {
            file: PathBuf::new(),
            agency: String::new(),
            sheet: None,
            cell: None,
            code,
            severity: code.severity(),
            message: message.into(),
            hints: Vec::new(),
            related: Vec::new(),
        }
    }

    /// Adds what to do.
    pub fn hint(mut self, text: impl Into<String>) -> Self {
        self.hints.push(Hint {
            text: text.into(),
            sheet: None,
            cell: None,
        });
        self
    }

    /// Adds what to do in another place of the same file.
    pub fn hint_at(mut self, text: impl Into<String>, sheet: &str, cell: Option<String>) -> Self {
        self.hints.push(Hint {
            text: text.into(),
            sheet: Some(sheet.to_string()),
            cell,
        });
        self
    }

    /// The hints as one line, for a table cell.
    pub fn advice(&self) -> String {
        let texts: Vec<String> = self
            .hints
            .iter()
            .map(|h| match h.place() {
                Some(p) => format!("{}（{p}）", h.text),
                None => h.text.clone(),
            })
            .collect();
        texts.join("")
    }

    /// Adds a related place: `file` empty means this finding's own file (stamped later).
    pub fn related(
        mut self,
        file: Option<&Path>,
        sheet: &str,
        cell: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        self.related.push(Related {
            file: file.map(Path::to_path_buf).unwrap_or_default(),
            sheet: Some(sheet.to_string()),
            cell,
            message: message.into(),
        });
        self
    }

    pub fn at(mut self, sheet: &str, cell: Option<String>) -> Self {
        self.sheet = Some(sheet.to_string());
        self.cell = cell;
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// `input/交通运输局.xlsx [表三]!D12`, the location line users read.
    pub fn location(&self) -> String {
        location(&self.file, self.sheet.as_deref(), self.cell.as_deref())
    }

    /// Whether the file as a whole could not be read (nothing in it was checked).
    pub fn refuses_file(&self) -> bool {
        match self.code {
            Code::F2 | Code::F3 | Code::F4 | Code::F5 | Code::D1 | Code::D4 => true,
            Code::F1 => self.sheet.is_none(),
            _ => false,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

fn location(file: &Path, sheet: Option<&str>, cell: Option<&str>) -> String {
    let mut s = file.display().to_string();
    if let Some(sheet) = sheet {
        s.push_str(&format!(" [{sheet}]"));
        if let Some(cell) = cell {
            s.push_str(&format!("!{cell}"));
        }
    }
    s
}

/// Stamps file and agency on findings made without them (and on their related places in the
/// same file).
pub fn attribute(findings: &mut [Finding], file: &Path, agency: &str) {
    for f in findings {
        f.file = file.to_path_buf();
        f.agency = agency.to_string();
        for r in &mut f.related {
            if r.file.as_os_str().is_empty() {
                r.file = file.to_path_buf();
            }
        }
    }
}
