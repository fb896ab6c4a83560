//! Every integration test in one binary (as ripgrep and mdBook do): the release test build
//! links the crate once instead of once per file. Each module runs the `nianbao` binary on
//! workbooks it generates and asserts on what it prints and writes.

mod common;
#[path = "fuzz/harness.rs"]
mod harness;

mod aggregate;
mod build;
mod cli;
mod copies;
mod documents;
mod docx;
mod embedding;
mod folder;
mod formats;
mod fuzz;
mod history;
mod hostile;
mod html;
mod incremental;
mod labels;
mod office;
mod paragraphs;
mod pdf_layout;
mod prints;
mod readback;
mod rules;
mod samples;
mod signature;
mod status;
mod streaming;
mod tagged;
mod typography;
mod workbook;
