//! nianbao: 政府信息公开工作年度报告 from filled workbooks — checked, typeset, tabulated.
//!
//! The pipeline: `workbook::read` → `Report` → `rules::check` → `render` (tera → Markdown) →
//! `doc::parse` → `layout` → `pdf`; `html` and `docx` from the same `Document`, `xlsx` beside
//! them; `batch` runs it over many workbooks.

pub mod aggregate;
pub mod batch;
pub mod cmd;
pub mod config;
pub mod digest;
pub mod doc;
pub mod document;
pub mod docx;
pub mod export;
pub mod finding;
pub mod format;
pub mod html;
pub mod input;
pub mod layout;
pub mod limits;
pub mod messages;
pub mod model;
pub mod os;
pub mod pdf;
pub mod previous;
pub mod record;
pub mod render;
pub mod roster;
pub mod rules;
pub mod schema;
pub mod status;
pub mod workbook;
pub mod xlsx;
