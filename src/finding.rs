//! Findings: what the reader and the rules report about a workbook, as data.
//!
//! A finding names the file, the sheet and the cell, carries a stable code (`R3`, `S2` …) and a
//! Chinese message that says what is wrong and what to do. Printing is the CLI's business.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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

/// Stable codes; the letter says the family (F file, S structure, B basic info, N output names, R
/// arithmetic and types, V completeness and consistency, C content, G glyphs, T templates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Code {
    /// The file cannot be opened as a workbook.
    F1,
    /// A spreadsheet format the reader does not take (.et, .xlsb, .csv, .numbers).
    F2,
    /// The workbook is encrypted with a password.
    F3,
    /// The workbook is over a size limit and was not parsed.
    F4,
    /// Not a regular file (a pipe, a device, a link that leads nowhere or in a circle).
    F5,
    /// A required sheet is missing.
    S1,
    /// An official label was not found in its sheet.
    S2,
    /// An official label occurs more than once.
    S3,
    /// Content outside the part of a sheet the reader reads.
    S4,
    /// 机关名称 is missing.
    B1,
    /// Two workbooks report the same agency and year.
    B2,
    /// Two agencies' reports would be written to the same file.
    N1,
    /// A character no available font can print.
    G1,
    R1,
    R2,
    R3,
    R4,
    R5,
    V1,
    V3,
    /// A number stored as text (read, but worth fixing).
    V4,
    /// A 总计 formula saved without its result: the total was computed from its addends.
    V5,
    /// A prose section the format requires is empty.
    C1,
    /// Invisible characters (zero-width spaces, soft hyphens …) removed from a cell.
    C2,
    /// Text in 正文 that has no place in the report (another column, or before any 章节).
    C3,
    /// A paragraph or the whole prose is longer than a report can be.
    C4,
    /// The report template could not be rendered for this report.
    T1,
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl Code {
    pub fn severity(self) -> Severity {
        match self {
            Code::V1 | Code::V4 | Code::C1 | Code::S4 | Code::C3 => Severity::Warning,
            Code::V5 | Code::C2 => Severity::Info,
            _ => Severity::Error,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
        }
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
        let mut s = self.file.display().to_string();
        if let Some(sheet) = &self.sheet {
            s.push_str(&format!(" [{sheet}]"));
            if let Some(cell) = &self.cell {
                s.push_str(&format!("!{cell}"));
            }
        }
        s
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

/// Stamps file and agency on findings made without them.
pub fn attribute(findings: &mut [Finding], file: &Path, agency: &str) {
    for f in findings {
        f.file = file.to_path_buf();
        f.agency = agency.to_string();
    }
}
