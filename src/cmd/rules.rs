//! `nianbao rules`: every code with its severity and meaning, or docs/rules.md.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use crate::finding::codes;

/// `nianbao rules`: every code with its severity and meaning (or docs/rules.md).
pub fn run(markdown: bool) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if markdown {
        write!(out, "{}", codes::markdown())?;
        return Ok(ExitCode::SUCCESS);
    }
    for r in codes::RULES {
        writeln!(out, "{}  {}  {}", r.code, r.severity.chinese(), r.doc)?;
    }
    Ok(ExitCode::SUCCESS)
}
