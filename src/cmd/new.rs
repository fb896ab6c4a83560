//! `nianbao new`: a blank input workbook per agency.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use crate::batch;
use crate::roster::{self, Roster};
use crate::workbook::blank;

use super::{say, today};

pub fn run(agencies: &[String], year: Option<i32>, dir: &Path, force: bool) -> Result<ExitCode> {
    let year = year.unwrap_or(today().year - 1);
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建文件夹 {}", dir.display()))?;
    let mut code = ExitCode::SUCCESS;
    let mut roster = Roster::load(dir);
    for agency in agencies {
        roster.add(agency);
        let path = dir.join(format!("{}.xlsx", batch::file_stem(agency)));
        if path.exists() && !force {
            say(format!(
                "跳过：{} 已存在，未覆盖。如需重新生成请加 --force。",
                path.display()
            ));
            code = ExitCode::from(1);
            continue;
        }
        let bytes = blank::write_input(&blank::blank_report(agency.trim(), year))
            .map_err(|e| anyhow::anyhow!("无法生成工作簿：{e}"))?;
        batch::write_atomic(&path, &bytes)?;
        say(format!("已生成 {}（{year}年度）", path.display()));
    }
    let file = roster::path(dir);
    batch::write_atomic(&file, roster.to_text().as_bytes())?;
    say(format!(
        "名单 {} 共{}个机关（nianbao status 按名单查看交回情况）",
        file.display(),
        roster.agencies.len()
    ));
    Ok(code)
}
