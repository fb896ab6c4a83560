//! What the report must say: 机关名称 (B1), the prose sections (C1), prose no report can hold
//! (C4), the fee statement of 六 (C5), problems and measures in 五 (C6), the topics of 一 (C7).

use crate::finding::{Code, Finding};
use crate::limits;
use crate::model::Report;
use crate::schema::{self, TableId, input};

use super::agency::{self, AgencyKind};

pub fn basic_info(report: &Report, out: &mut Vec<Finding>) {
    if report.info.agency.trim().is_empty() {
        out.push(
            Finding::new(
                Code::B1,
                "机关名称未填写，报告标题和输出文件名都需要机关名称。",
            )
            .at(input::SHEET_INFO, None)
            .hint("请在「基本信息」中填写机关名称（规范全称）。"),
        );
    }
}

/// B3: nothing filled in — no number in any table and no prose. True when so. 表三's
/// 二、上年结转 does not count: `new --from` fills it in before the workbook is handed out.
pub fn unfilled(report: &Report, out: &mut Vec<Finding>) -> bool {
    let filled = |carried: bool| {
        schema::tables().iter().any(|t| {
            let data = report.table(t.id);
            t.fields.iter().any(|f| {
                !f.is_total
                    && (f.row == "carried_in" && t.id == TableId::T3) == carried
                    && !data.get(f.row, f.col).is_blank()
            })
        })
    };
    let prose = report.paragraphs().any(|p| !p.text.trim().is_empty());
    if filled(false) || prose {
        return false;
    }
    let message = if filled(true) {
        "工作簿没有填写：除预填的表三「二、上年结转」外，表二、表三、表四没有任何数字，正文没有任何内容。"
    } else {
        "工作簿没有填写：表二、表三、表四没有任何数字，正文没有任何内容。"
    };
    out.push(
        Finding::new(Code::B3, message)
            .at(input::SHEET_INFO, None)
            .hint("请填写后重新交回。"),
    );
    true
}

pub fn check(report: &Report, out: &mut Vec<Finding>) {
    prose(report, out);
    prose_length(report, out);
    fee_statement(report, out);
    problems_and_measures(report, out);
    overview_topics(report, out);
}

/// All the prose of a section, one string.
fn section_text(report: &Report, key: &str) -> String {
    report
        .text
        .get(key)
        .into_iter()
        .flatten()
        .flat_map(|t| {
            std::iter::once(t.title.as_str()).chain(t.paragraphs.iter().map(|p| p.text.as_str()))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn heading(key: &str) -> &'static str {
    schema::section_heading(key).unwrap_or_default()
}

fn at_text(f: Finding) -> Finding {
    f.at(input::SHEET_TEXT, None)
}

/// C1: the prose sections the format requires must say something.
fn prose(report: &Report, out: &mut Vec<Finding>) {
    for key in schema::PROSE_SECTIONS {
        if section_text(report, key).trim().is_empty() {
            out.push(at_text(
                Finding::new(
                    Code::C1,
                    format!(
                        "「{}」没有内容，条例第五十条要求报告这一部分。",
                        heading(key)
                    ),
                )
                .hint("请在「正文」中补写。"),
            ));
        }
    }
}

/// C4: prose no report can hold — one paragraph longer than `limits::PARAGRAPH_CHARS` (text
/// pasted twice, a whole document in one cell) or more than `limits::PROSE_CHARS` in all.
fn prose_length(report: &Report, out: &mut Vec<Finding>) {
    let mut total = 0;
    for p in report.paragraphs() {
        let n = p.text.chars().count();
        total += n;
        if n > limits::PARAGRAPH_CHARS {
            let start: String = p.text.chars().take(15).collect();
            let mut f = Finding::new(
                Code::C4,
                format!(
                    "段落「{start}…」有{n}个字，超过一段的上限{}字（报告一页约600字）。",
                    limits::PARAGRAPH_CHARS
                ),
            )
            .hint("请检查是否重复粘贴，或把它分成多段、每段一行。");
            if let Some(src) = &p.source {
                f = f.at(&src.sheet, Some(src.a1()));
            }
            out.push(f);
        }
    }
    if total > limits::PROSE_CHARS {
        out.push(at_text(
            Finding::new(
                Code::C4,
                format!(
                    "正文共{total}个字，超过一份年度报告的上限{}字。",
                    limits::PROSE_CHARS
                ),
            )
            .hint("请检查是否误粘贴了其他文件的内容。"),
        ));
    }
}

/// C5: 六 says whether 信息处理费 was charged (国办函〔2020〕109号): an amount or 未收取.
fn fee_statement(report: &Report, out: &mut Vec<Finding>) {
    let text = section_text(report, "other");
    if text.trim().is_empty() || text.contains("处理费") {
        return;
    }
    out.push(at_text(
        Finding::new(
            Code::C5,
            format!("「{}」没有说明信息处理费的收取情况。", heading("other")),
        )
        .hint("请写明收费金额和件数，或写明「本年度未收取信息处理费」。"),
    ));
}

const PROBLEM_WORDS: [&str; 11] = [
    "问题",
    "不足",
    "差距",
    "短板",
    "薄弱",
    "有待",
    "不够",
    "不高",
    "欠缺",
    "滞后",
    "不到位",
];
const MEASURE_WORDS: [&str; 10] = [
    "改进",
    "整改",
    "下一步",
    "措施",
    "加强",
    "推进",
    "提升",
    "完善",
    "将",
    "强化",
];

/// C6: 五 reports both the problems and what is done about them (spec §2.3: a warning).
fn problems_and_measures(report: &Report, out: &mut Vec<Finding>) {
    let text = section_text(report, "problems");
    if text.trim().is_empty() {
        return;
    }
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    let (missing, hint) = match (has(&PROBLEM_WORDS), has(&MEASURE_WORDS)) {
        (false, _) => (
            "只写了改进措施，没有写存在的问题",
            "请写明本年度存在的主要问题。",
        ),
        (true, false) => (
            "只写了存在的问题，没有写改进措施",
            "请写明针对这些问题的改进情况和下一步措施。",
        ),
        _ => return,
    };
    out.push(at_text(
        Finding::new(Code::C6, format!("「{}」{missing}。", heading("problems"))).hint(hint),
    ));
}

/// The words that show a paragraph of 一 covers each official topic (its wording is free).
const TOPIC_WORDS: [(&str, &[&str]); 5] = [
    ("主动公开", &["主动公开"]),
    ("依申请公开", &["依申请", "公开申请"]),
    (
        "政府信息管理",
        &["信息管理", "公开属性", "清理", "审查", "管理"],
    ),
    (
        "政府信息公开平台建设",
        &[
            "平台",
            "网站",
            "门户",
            "新媒体",
            "公报",
            "专栏",
            "载体",
            "渠道",
        ],
    ),
    (
        "监督保障",
        &["监督", "保障", "考核", "培训", "责任", "组织领导"],
    ),
];

/// C7: 一 covers the five topics of the format (spec §2.1); a government's report also its
/// 工作考核、社会评议和责任追究 (条例 第五十条).
fn overview_topics(report: &Report, out: &mut Vec<Finding>) {
    let text = section_text(report, "overview");
    if text.trim().is_empty() {
        return;
    }
    debug_assert!(
        TOPIC_WORDS
            .iter()
            .map(|(t, _)| *t)
            .eq(schema::OVERVIEW_TOPICS)
    );
    // With sub-headings, the sub-headings say what is covered; without, the words of the text.
    let titles: Vec<&str> = report
        .text
        .get("overview")
        .into_iter()
        .flatten()
        .map(|t| t.title.as_str())
        .filter(|t| !t.trim().is_empty())
        .collect();
    let covers = |words: &[&str]| {
        if titles.is_empty() {
            words.iter().any(|w| text.contains(w))
        } else {
            titles.iter().any(|t| words.iter().any(|w| t.contains(w)))
        }
    };
    let mut missing: Vec<&str> = TOPIC_WORDS
        .iter()
        .filter(|(_, words)| !covers(words))
        .map(|(topic, _)| *topic)
        .collect();
    let government = agency::kind(&report.info) == AgencyKind::Government;
    if government
        && !["考核", "评议", "责任追究"]
            .iter()
            .any(|w| text.contains(w))
    {
        missing.push("工作考核、社会评议和责任追究结果情况");
    }
    if missing.is_empty() {
        return;
    }
    out.push(at_text(Finding::new(
        Code::C7,
        format!(
            "「{}」没有写到「{}」。按格式要求，总体情况应涵盖{}五个方面{}。",
            heading("overview"),
            missing.join("」「"),
            schema::OVERVIEW_TOPICS.join("、"),
            if government {
                "，人民政府的报告还应写明工作考核、社会评议和责任追究结果情况"
            } else {
                ""
            }
        ),
    )));
}
