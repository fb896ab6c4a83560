//! Every input by its format: workbooks (`workbook`) and documents — Word, web pages, PDF
//! (`document`) — all read into a `Report` with findings, so nothing downstream asks which.

use std::path::Path;

use crate::document::{self, Kind};
use crate::workbook::{self, ReadOutcome};

/// File extensions of the documents nianbao reads besides workbooks.
pub const DOCUMENTS: [&str; 4] = Kind::EXTENSIONS;

/// Reads the report in `path`; never panics on a file and never fails: problems are findings.
pub fn read_file(path: &Path) -> ReadOutcome {
    match Kind::of(path) {
        Some(kind) => document::read_file(path, kind),
        None => workbook::read_file(path),
    }
}
