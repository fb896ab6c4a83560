//! Input workbooks: the blank one offices hand out (`blank`) and reading filled ones (`read`).

pub mod blank;
mod guard;
pub mod labels;
mod locate;
pub mod near;
pub mod read;
mod sheet;
mod typed;

pub use read::{ReadOutcome, read_bytes, read_file};
