//! Findings: what the reader and the rules report about a workbook, as data.
//!
//! A finding names the file, the sheet and the cell, carries a stable code (`R3`, `S2` …) and a
//! Chinese message that says what is wrong and what to do. Printing is the CLI's business.

use std::fmt;
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

/// Stable codes; the letter says the family (F file, S structure, B basic info, N output names,
/// G glyphs, P report template, R arithmetic and types, V completeness and labels, Y years and
/// dates, X last year's report, T text against tables, K copies, C content, A aggregate reports). What each means,
/// its severity and scope live in the rule registry (`rules::registry`), not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Code {
    F1,
    F2,
    F3,
    F4,
    F5,
    S1,
    S2,
    S3,
    S4,
    S5,
    B1,
    B2,
    B3,
    N1,
    G1,
    P1,
    R1,
    R2,
    R3,
    R4,
    R5,
    V1,
    V2,
    V3,
    V4,
    V5,
    Y1,
    Y2,
    Y3,
    Y4,
    Y5,
    Y6,
    Y7,
    Y8,
    Y9,
    X1,
    X2,
    X3,
    X4,
    X5,
    T1,
    K1,
    K2,
    K3,
    C1,
    C2,
    C3,
    C4,
    C5,
    C6,
    C7,
    A1,
    A2,
    A3,
    A4,
    A5,
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl Code {
    /// The severity the rule gives this code (before `nianbao.toml` overrides).
    pub fn severity(self) -> Severity {
        crate::rules::registry::rule(self).severity
    }

    /// Parses `X1` (as written in `nianbao.toml`).
    pub fn parse(text: &str) -> Option<Code> {
        crate::rules::registry::RULES
            .iter()
            .map(|r| r.code)
            .find(|c| c.to_string().eq_ignore_ascii_case(text.trim()))
    }
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
            related: Vec::new(),
        }
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
            Code::F2 | Code::F3 | Code::F4 | Code::F5 => true,
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
