//! Input workbooks: the blank one offices hand out (`blank`) and reading filled ones (`read`).

pub mod blank;
pub mod carry;
pub(crate) mod guard;
pub mod labels;
mod locate;
pub mod near;
mod published;
pub mod read;
pub(crate) mod sheet;
pub(crate) mod typed;

pub use read::{ReadOutcome, read_bytes, read_file, read_named};
