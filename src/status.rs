//! Who has returned what: each agency of the roster (and each workbook not on it) in one state,
//! from the checked batch and the files a build wrote.

use std::path::PathBuf;

use crate::batch::Checked;
use crate::finding::{Code, Severity};
use crate::roster::Roster;
use crate::workbook::labels::normalize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    /// On the roster, no workbook.
    Missing,
    /// Returned as it was handed out (B3).
    Unfilled,
    /// Has errors: it will not be built.
    Errors,
    /// Has errors, and a draft (`build --force`) in `草稿/`: nothing publishable.
    Draft,
    /// Built, but the workbook changed since: build again.
    Stale,
    /// Can be built (warnings allowed), not built yet.
    Ready,
    /// Built from the workbook as it is.
    Built,
}

impl State {
    pub fn chinese(self) -> &'static str {
        match self {
            State::Missing => "未交回",
            State::Unfilled => "未填写",
            State::Errors => "有错误",
            State::Draft => "仅有草稿",
            State::Stale => "需重新生成",
            State::Ready => "可生成",
            State::Built => "已生成",
        }
    }

    pub const ALL: [State; 7] = [
        State::Missing,
        State::Unfilled,
        State::Errors,
        State::Draft,
        State::Stale,
        State::Ready,
        State::Built,
    ];
}

/// One agency's line.
#[derive(Debug, Clone)]
pub struct Row {
    pub agency: String,
    pub file: Option<PathBuf>,
    pub state: State,
    pub errors: usize,
    pub warnings: usize,
    pub on_roster: bool,
}

/// What the output folder holds of a workbook's report, decided as `build` decides reuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Files {
    /// The published files, made from the workbook (and everything else) as it is now.
    Current,
    /// Published files made from something else (the workbook changed, or a template, a font …).
    Stale,
    /// Only a draft.
    Draft,
    /// Nothing.
    None,
}

/// The rows: the roster's agencies in its order, then workbooks not on it. `files[i]` says
/// what the output folder holds of `checked[i]`.
pub fn rows(roster: &Roster, checked: &[Checked], files: &[Files]) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let mut used = vec![false; checked.len()];
    for agency in &roster.agencies {
        let key = normalize(agency);
        let found = checked
            .iter()
            .enumerate()
            .find(|(i, c)| !used[*i] && normalize(&c.agency()) == key);
        match found {
            Some((i, c)) => {
                used[i] = true;
                rows.push(row(c, files[i], true));
            }
            None => rows.push(Row {
                agency: agency.clone(),
                file: None,
                state: State::Missing,
                errors: 0,
                warnings: 0,
                on_roster: true,
            }),
        }
    }
    for (i, c) in checked.iter().enumerate() {
        if !used[i] {
            rows.push(row(c, files[i], roster.agencies.is_empty()));
        }
    }
    rows
}

fn row(c: &Checked, files: Files, on_roster: bool) -> Row {
    let count = |s: Severity| c.findings.iter().filter(|f| f.severity == s).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let state = if c.findings.iter().any(|f| f.code == Code::B3) {
        State::Unfilled
    } else if errors > 0 && files == Files::Draft {
        State::Draft
    } else if errors > 0 {
        State::Errors
    } else {
        match files {
            Files::Current => State::Built,
            Files::Stale => State::Stale,
            Files::Draft | Files::None => State::Ready,
        }
    };
    Row {
        agency: c.agency(),
        file: Some(c.file.clone()),
        state,
        errors,
        warnings,
        on_roster,
    }
}
