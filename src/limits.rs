//! The bounds every input must keep, in one place: workbook sizes, sheet rectangles, prose
//! length, output file names.
//!
//! A filled annual-report workbook is about 30 KB and its sheets a few dozen rows; these limits
//! are one to three orders of magnitude above anything an office sends, and low enough that a
//! hostile file is answered in well under 2 s and 200 MB. The README lists them with reasons.

/// Bytes of the file as stored. The largest real workbook seen is under 1 MB.
pub const FILE_BYTES: u64 = 20 * 1024 * 1024;

/// Parts (zip entries) of an xlsx/ods; ours have 15, Excel's rarely 50.
pub const PARTS: usize = 1_000;

/// Uncompressed bytes of one part. A 10,000-row 正文 of long paragraphs is about 8 MB of XML.
pub const PART_BYTES: u64 = 32 * 1024 * 1024;

/// Uncompressed bytes of all parts together.
pub const TOTAL_BYTES: u64 = 64 * 1024 * 1024;

/// Distinct strings in the shared-string table; a full report has a few hundred.
pub const SHARED_STRINGS: u64 = 100_000;

/// Cells a whole-sheet reader (.xls, .ods) may build in memory for one sheet: 2 M cells of
/// 32 bytes is 64 MB. The xlsx reader streams and keeps only the rectangles below.
pub const SHEET_CELLS: u64 = 2_000_000;

/// Rows × columns of each sheet that can hold what the reader looks for; content beyond is
/// reported and ignored. The official tables fit in 40 × 12 cells of the input workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub rows: u32,
    pub cols: u32,
}

pub const TABLE_RECT: Rect = Rect {
    rows: 500,
    cols: 100,
};

pub const INFO_RECT: Rect = Rect {
    rows: 200,
    cols: 20,
};

/// 正文: one paragraph a row.
pub const TEXT_RECT: Rect = Rect {
    rows: 10_000,
    cols: 20,
};

/// Characters of one paragraph (one 正文 cell holds at most 32,767 in Excel); a page of the
/// report holds about 600.
pub const PARAGRAPH_CHARS: usize = 20_000;

/// Characters of all prose of one report (about 330 pages); real reports have 3,000–15,000.
pub const PROSE_CHARS: usize = 200_000;

/// Bytes of an output file name (most file systems allow 255, leaving room for the temporary
/// name's prefix and suffix).
pub const FILE_NAME_BYTES: usize = 180;

/// Bytes one template may produce for one report. The built-in templates give about 60 KB of
/// Markdown or 150 KB of HTML for a long report; the whole prose allowed is 600 KB of UTF-8.
pub const TEMPLATE_OUTPUT_BYTES: usize = 16 * 1024 * 1024;

/// Seconds one template may take for one report; the built-ins take a few milliseconds.
pub const TEMPLATE_SECONDS: u64 = 5;

/// Numbers all `range()` calls of one template may produce together for one report (tera caps
/// one call at 100,000, which nested loops multiply).
pub const TEMPLATE_RANGE: usize = 100_000;

/// `N MB` for messages.
pub fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
}

/// Bytes of whole reports a batch keeps in memory after checking them (estimated): a county's
/// batch stays whole and is never read twice; beyond this, reports keep only their 基本信息 and
/// are read again when needed, so a province's batch takes no more memory than a county's.
pub const RESIDENT_REPORTS_BYTES: usize = 128 * 1024 * 1024;

/// `RESIDENT_REPORTS_BYTES`, or `NIANBAO_RESIDENT_BYTES` where set: `0` reads every report
/// again when needed, which is how the tests run the streaming path on small batches.
pub fn resident_reports_bytes() -> usize {
    std::env::var("NIANBAO_RESIDENT_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(RESIDENT_REPORTS_BYTES)
}
