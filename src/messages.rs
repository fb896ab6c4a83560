//! What the command line prints: findings and summaries, composed from data.

use std::path::Path;

use crate::batch::{Built, Checked};
use crate::finding::{Finding, Severity};

/// Related places printed under a finding; JSON lists them all.
const RELATED_SHOWN: usize = 3;

/// `错误[R3] input/a.xlsx [表三]!D5:D30`, the message indented below it, what to do
/// (`怎么改：…`), then the places it relates to (`参见 …`).
pub fn render_finding(f: &Finding) -> String {
    let mut s = format!(
        "{}[{}] {}\n    {}\n",
        f.severity.chinese(),
        f.code,
        f.location(),
        f.message
    );
    for h in &f.hints {
        match h.place() {
            Some(place) => s.push_str(&format!("    怎么改（{place}）：{}\n", h.text)),
            None => s.push_str(&format!("    怎么改：{}\n", h.text)),
        }
    }
    for r in f.related.iter().take(RELATED_SHOWN) {
        s.push_str(&format!("    参见 {}：{}\n", r.location(), r.message));
    }
    if f.related.len() > RELATED_SHOWN {
        s.push_str(&format!(
            "    ……另有{}处（--format json 可列出全部）\n",
            f.related.len() - RELATED_SHOWN
        ));
    }
    s
}

/// `3个工作簿`, `2份文档` or `3个工作簿和2份文档`: what was checked, named as the user filed it.
fn inputs(checked: &[Checked]) -> String {
    let documents = checked
        .iter()
        .filter(|c| crate::document::Kind::of(&c.file).is_some())
        .count();
    let workbooks = checked.len() - documents;
    match (workbooks, documents) {
        (w, 0) => format!("{w}个工作簿"),
        (0, d) => format!("{d}份文档"),
        (w, d) => format!("{w}个工作簿和{d}份文档"),
    }
}

fn count(findings: &[&Finding], severity: Severity) -> usize {
    findings.iter().filter(|f| f.severity == severity).count()
}

/// `检查了3个工作簿：…` over the inputs and every finding (theirs and the batch's).
pub fn check_summary(checked: &[Checked], findings: &[&Finding]) -> String {
    let failed = checked.iter().filter(|c| c.has_errors()).count();
    format!(
        "检查了{}：{}个可以生成报告，{}个有错误；共{}个错误、{}个警告、{}个提示。",
        inputs(checked),
        checked.len() - failed,
        failed,
        count(findings, Severity::Error),
        count(findings, Severity::Warning),
        count(findings, Severity::Info),
    )
}

/// Said once per build when the report's typography is not in the official fonts: which
/// were missing, what stands in, and how to use the official ones.
pub fn font_note(substitutes: &[&crate::layout::fonts::Choice]) -> Option<String> {
    if substitutes.is_empty() {
        return None;
    }
    let missing: Vec<String> = substitutes
        .iter()
        .map(|c| format!("{}（{}）", c.role.official()[0], c.role.chinese()))
        .collect();
    let used: Vec<String> = substitutes
        .iter()
        .map(|c| format!("{}用{}", c.role.chinese(), c.family))
        .collect();
    Some(format!(
        "提示：本机没有公文用字体{}，已改用免费字体（{}），版式不变，字形与公文字体略有不同。\n    \
         怎么改：如需公文字体，请把字体文件放进 fonts/ 文件夹，或在 nianbao.toml 的 [fonts] 中指定；\
         nianbao fonts 可查看各部分所用的字体。",
        missing.join("、"),
        used.join("，")
    ))
}

/// What a build wrote and where (the year's folders), and what it did not, with the reason for
/// each agency left out and the roster's agencies that never returned a workbook.
pub fn build_summary(results: &[Built], out: &Path, unreturned: &[String], seconds: f64) -> String {
    let written = results.iter().filter(|r| r.is_written()).count();
    let drafts: Vec<&Built> = results.iter().filter(|r| r.is_draft()).collect();
    // `normalise` always names the PDF, so a build that wrote nothing still reads naturally.
    let formats = crate::format::normalise(
        results
            .iter()
            .flat_map(|r| r.outputs())
            .filter_map(|p| crate::format::Format::of_file(&p.to_string_lossy())),
    );
    let mut folders: Vec<String> = results
        .iter()
        .filter(|r| !r.is_draft())
        .flat_map(|r| r.outputs())
        .filter_map(|p| p.parent())
        .map(|p| p.display().to_string())
        .collect();
    folders.sort();
    folders.dedup();
    let place = match folders.as_slice() {
        [] => out.display().to_string(),
        some => some.join("、"),
    };
    let mut s = format!(
        "已生成{written}个机关的 {}，在 {place} 中，用时{seconds:.1}秒。\n",
        crate::format::list(&formats),
    );
    let reused = results.iter().filter(|r| r.reused).count();
    if reused > 0 {
        s.push_str(&format!(
            "其中{reused}个机关的工作簿、模板、字体和设置都没有变化，沿用上次生成的文件（nianbao build --rebuild 全部重新生成）。\n"
        ));
    }
    if !drafts.is_empty() {
        s.push_str(&format!(
            "其中{}个是未通过校验的草稿（--force），放在各年度的草稿/文件夹中，每页标有「{}」：\n",
            drafts.len(),
            crate::batch::DRAFT_MARK
        ));
        for r in &drafts {
            s.push_str(&format!("  {}（{}）\n", r.agency, r.file.display()));
        }
    }
    let skipped: Vec<&Built> = results.iter().filter(|r| !r.is_written()).collect();
    if !skipped.is_empty() || !unreturned.is_empty() {
        s.push_str(&format!("未生成{}个：\n", skipped.len() + unreturned.len()));
        for r in skipped {
            s.push_str(&format!(
                "  {}（{}）：{}\n",
                r.agency,
                r.file.display(),
                r.reason().unwrap_or_default()
            ));
        }
        for agency in unreturned {
            s.push_str(&format!(
                "  {agency}：名单（input/名单.txt）上有，没有交回工作簿\n"
            ));
        }
    }
    s
}

/// Display width of a terminal column: CJK characters take two cells.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 })
        .sum()
}

fn pad(s: &str, to: usize) -> String {
    format!("{s}{}", " ".repeat(to.saturating_sub(width(s))))
}

/// `nianbao status`: one line per agency, then the count of each state.
pub fn status_table(rows: &[crate::status::Row], has_roster: bool) -> String {
    use crate::status::State;
    let name = |r: &crate::status::Row| {
        if has_roster && !r.on_roster {
            format!("{}（不在名单中）", r.agency)
        } else {
            r.agency.clone()
        }
    };
    let w = rows
        .iter()
        .map(|r| width(&name(r)))
        .max()
        .unwrap_or(4)
        .max(4);
    let mut s = format!(
        "{}  {}  错误  警告  工作簿\n",
        pad("机关", w),
        pad("状态", 10)
    );
    for r in rows {
        let (e, wn) = match r.state {
            State::Missing => (String::new(), String::new()),
            _ => (r.errors.to_string(), r.warnings.to_string()),
        };
        let line = format!(
            "{}  {}  {:>4}  {:>4}  {}",
            pad(&name(r), w),
            pad(r.state.chinese(), 10),
            e,
            wn,
            r.file
                .as_ref()
                .map(|f| f.display().to_string())
                .unwrap_or_default()
        );
        s.push_str(line.trim_end());
        s.push('\n');
    }
    let counts: Vec<String> = State::ALL
        .iter()
        .map(|st| {
            format!(
                "{} {}",
                st.chinese(),
                rows.iter().filter(|r| r.state == *st).count()
            )
        })
        .collect();
    s.push_str(&format!(
        "共{}个机关：{}。\n",
        rows.len(),
        counts.join("，")
    ));
    if !has_roster {
        s.push_str("提示：没有名单（input/名单.txt），未交回的机关无法列出。nianbao new 会自动记录名单，也可以手工编写。\n");
    }
    s
}
