//! Years and dates: 报告年度 (Y1, Y3–Y5), 发布日期 against the period (Y7) and the deadline of
//! the agency's kind (V3), and years in the prose that are not the report's (Y8).
//! Y2 and Y6 (a year or date that cannot be read) are the reader's.

use crate::finding::{Code, Finding};
use crate::model::{Date, Report};
use crate::schema::input;

use super::agency::{self, AgencyKind};
use super::{Context, FIRST_YEAR};

pub fn check(report: &Report, ctx: &Context, out: &mut Vec<Finding>) {
    let info = &report.info;
    let at_info = |f: Finding| f.at(input::SHEET_INFO, info.cells.get("year").cloned());
    let this_year = ctx.today.year;
    match info.year {
        None if info.year_text.is_empty() => out.push(at_info(
            Finding::new(Code::Y1, "报告年度未填写。")
                .hint("请在「基本信息」中填写四位数字年份，例如 2025。"),
        )),
        None => {}
        Some(y) if y < FIRST_YEAR => out.push(at_info(Finding::new(
            Code::Y3,
            format!("报告年度 {y} 早于{FIRST_YEAR}年。本工具按国办公开办函〔2021〕30号格式编制{FIRST_YEAR}年度及以后的报告。"),
        ).hint("请核对报告年度。"))),
        Some(y) if y > this_year => out.push(at_info(Finding::new(
            Code::Y4,
            format!("报告年度 {y} 晚于今年（{this_year}年），统计期尚未开始。"),
        ).hint("请核对报告年度。"))),
        Some(y) if y == this_year => out.push(at_info(Finding::new(
            Code::Y5,
            format!("报告年度为今年（{y}年），统计期到12月31日才结束。年度报告通常在次年1月编制上一年度的情况。"),
        ).hint("请确认报告年度。"))),
        Some(_) => {}
    }
    if let (Some(y), Some(d)) = (info.year, info.published) {
        published(report, ctx, y, d, out);
    }
    if let Some(y) = info.year {
        prose_years(report, y, out);
    }
}

/// The last day an agency of `kind` may publish its report for `year`.
pub fn deadline(kind: AgencyKind, year: i32, ctx: &Context) -> Date {
    let (month, day) = match kind {
        AgencyKind::Department => (1, 31),
        AgencyKind::Government => (3, 31),
        AgencyKind::Township => ctx.settings.township_deadline,
    };
    Date::new(year + 1, month, day).unwrap_or(Date {
        year: year + 1,
        month: 1,
        day: 31,
    })
}

/// Y7 (published inside the period) and V3 (after the deadline of the agency's kind).
fn published(report: &Report, ctx: &Context, year: i32, date: Date, out: &mut Vec<Finding>) {
    let end = Date {
        year,
        month: 12,
        day: 31,
    };
    if date <= end {
        out.push(
            Finding::new(
                Code::Y7,
                format!(
                    "发布日期 {} 不晚于统计期结束（{}），年度报告应在统计期结束后发布。",
                    date.chinese(),
                    end.chinese()
                ),
            )
            .at(
                input::SHEET_INFO,
                report.info.cells.get("published").cloned(),
            )
            .hint("请核对发布日期或报告年度。"),
        );
        return;
    }
    let kind = agency::kind(&report.info);
    let last = deadline(kind, year, ctx);
    if date <= last {
        return;
    }
    let why = match kind {
        AgencyKind::Department => {
            "条例第四十九条要求县级以上人民政府部门于每年1月31日前公布上一年度报告".to_string()
        }
        AgencyKind::Government => {
            "条例第四十九条要求县级以上人民政府于每年3月31日前公布上一年度报告".to_string()
        }
        AgencyKind::Township => format!(
            "乡镇人民政府、街道办事处的期限按本地规定（nianbao.toml 中 [deadline] township，当前为{}月{}日）",
            last.month, last.day
        ),
    };
    let mut f = Finding::new(
        Code::V3,
        format!(
            "发布日期 {} 晚于 {}。{why}。",
            date.chinese(),
            last.chinese()
        ),
    )
    .at(
        input::SHEET_INFO,
        report.info.cells.get("published").cloned(),
    );
    if report.info.kind.trim().is_empty() {
        f = f.hint_at(
            format!(
                "本机关按名称判断为{}；如不是，请在「基本信息」的「机关类别」中选择。",
                kind.chinese()
            ),
            input::SHEET_INFO,
            report.info.cells.get("kind").cloned(),
        );
    }
    out.push(f.hint("如报告确已按期发布，请改正发布日期。"));
}

/// Y8: the statistics period of another year, a year missing its 年 (`20231月1日`), or a
/// paragraph of 一、总体情况 that opens with another year (`2023年，我局…` in a 2024 report) —
/// the marks of last year's report copied forward. Other years in the prose (plans for next
/// year, last year's problems, the dates of laws) are normal and not reported.
fn prose_years(report: &Report, year: i32, out: &mut Vec<Finding>) {
    for (key, topics) in &report.text {
        for p in topics.iter().flat_map(|t| &t.paragraphs) {
            for sentence in sentences(&p.text) {
                let problem = period_problem(sentence, year).or_else(|| {
                    (key == "overview" && sentence == first_sentence(&p.text))
                        .then(|| opening_year(sentence, year))
                        .flatten()
                });
                if let Some((what, hint)) = problem {
                    let mut f =
                        Finding::new(Code::Y8, format!("「{}」：{what}", excerpt(sentence, 30)))
                            .hint(hint);
                    if let Some(src) = &p.source {
                        f = f.at(&src.sheet, Some(src.a1()));
                    } else {
                        f = f.at(input::SHEET_TEXT, None);
                    }
                    out.push(f);
                }
            }
        }
    }
}

/// What is wrong in `sentence` and what to do, if anything.
type Problem = Option<(String, String)>;

fn period_problem(sentence: &str, year: i32) -> Problem {
    if let Some(glued) = glued_year(sentence) {
        return Some((
            format!("「{glued}」中年份后面缺少「年」字。"),
            format!("请改为「{}年{}」。", &glued[..4], &glued[4..]),
        ));
    }
    let is_period = sentence.contains("1月1日") && sentence.contains("12月31日");
    if !is_period {
        return None;
    }
    let other: Vec<i32> = years(sentence).into_iter().filter(|y| *y != year).collect();
    let y = *other.first()?;
    Some((
        format!("本报告是{year}年度报告，统计期写的是{y}年。"),
        format!("统计期应为{year}年1月1日至{year}年12月31日，请核对。"),
    ))
}

fn opening_year(sentence: &str, year: i32) -> Problem {
    let (y, rest) = leading_year(sentence)?;
    let opens = ["，", "度，", "全年", "度，"];
    if y == year || !opens.iter().any(|o| rest.starts_with(o)) {
        return None;
    }
    Some((
        format!("本报告是{year}年度报告，这里写的是{y}年，可能照搬了上年报告。"),
        format!("请改为{year}年；如确指{y}年的情况，请写明。"),
    ))
}

/// `2024` and the text after `2024年` when the sentence opens with a year.
fn leading_year(s: &str) -> Option<(i32, &str)> {
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.len() != 4 {
        return None;
    }
    let rest = s[4..].strip_prefix('年')?;
    Some((digits.parse().ok()?, rest))
}

/// Every `YYYY年` in `s` (four ASCII digits not part of a longer number).
pub fn years(s: &str) -> Vec<i32> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    for (i, _) in s.match_indices('年') {
        if i < 4 || (i >= 5 && b[i - 5].is_ascii_digit()) {
            continue;
        }
        let digits = &b[i - 4..i];
        if digits.iter().all(u8::is_ascii_digit)
            && let Ok(y) = std::str::from_utf8(digits).unwrap_or("").parse::<i32>()
            && (1949..=2100).contains(&y)
        {
            out.push(y);
        }
    }
    out
}

/// `20231月1日`: a year run into the month (a real glitch, spec §7).
fn glued_year(s: &str) -> Option<&str> {
    for (i, _) in s.match_indices('月') {
        let start = s[..i]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_digit())
            .last()
            .map(|(j, _)| j)?;
        let digits = &s[start..i];
        if (5..=6).contains(&digits.len()) && digits.starts_with("20") {
            let month: u32 = digits[4..].parse().ok()?;
            if (1..=12).contains(&month) {
                return Some(&s[start..i + '月'.len_utf8()]);
            }
        }
    }
    None
}

pub fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive(['。', '；', '！', '？'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn first_sentence(text: &str) -> &str {
    sentences(text).next().unwrap_or("")
}

/// The first `n` characters of `s`, with … when cut.
pub fn excerpt(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_in_text() {
        assert_eq!(years("2024年1月1日至2024年12月31日"), [2024, 2024]);
        assert_eq!(years("共12024年"), Vec::<i32>::new());
        assert_eq!(years("2019年修订的条例"), [2019]);
    }

    #[test]
    fn the_period_of_another_year() {
        let s = "本报告所列数据统计期限自2024年1月1日至2024年12月31日。";
        assert!(period_problem(s, 2025).is_some());
        assert!(period_problem(s, 2024).is_none());
        assert!(period_problem("统计时限为20231月1日至202312月31日。", 2023).is_some());
        assert!(period_problem("2026年将进一步加强公开。", 2025).is_none());
    }

    #[test]
    fn an_opening_year_of_last_year() {
        assert!(opening_year("2024年，县交通运输局坚持…", 2025).is_some());
        assert!(opening_year("2025年，县交通运输局坚持…", 2025).is_none());
        assert!(opening_year("2026年将进一步…", 2025).is_none());
        assert!(opening_year("2019年修订的条例施行以来…", 2025).is_none());
    }
}
