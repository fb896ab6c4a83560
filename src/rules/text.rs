//! T1: figures the prose quotes against the table cells they describe (spec §4, §7.5).
//!
//! Precision first: a sentence is compared only where a known phrase (新收…申请 N 件, 上年结转
//! N 件, 办结 N 件, 予以公开 N 件, 结转下年度 N 件, 行政复议/行政诉讼 N 件, 行政事业性收费 N 万元,
//! 规章/行政规范性文件 制发、废止、现行有效 N 件) clearly names a table figure of this agency.
//! Sub-totals (其中…, by channel or applicant), comparisons (同比, 较上年), approximations (约,
//! 余), figures of other bodies (全县, 各部门) and other kinds of business (信访, 咨询, 建议提案)
//! are never compared; nor is 信息处理费, which no table holds.

use crate::finding::{Code, Finding};
use crate::model::{Decimal, Report, TableData, Value};
use crate::schema::{self, TableId, input};

use super::dates::{excerpt, sentences};

pub fn check(report: &Report, out: &mut Vec<Finding>) {
    for p in report.paragraphs() {
        for sentence in sentences(&p.text) {
            if skip_sentence(sentence) {
                continue;
            }
            for clause in clauses(sentence) {
                let Some(claim) = claim(sentence, clause) else {
                    continue;
                };
                let Some((table_value, cells)) = table_value(report, &claim.target) else {
                    continue;
                };
                if claim.value.same_number(table_value) {
                    continue;
                }
                let (table, label) = describe(&claim.target);
                let mut f = Finding::new(
                    Code::T1,
                    format!(
                        "正文写「{}」，{table}{label}为 {table_value}{}。",
                        excerpt(clause, 40),
                        claim.unit_text
                    ),
                )
                .hint("请核对正文或表格。");
                f = match &p.source {
                    Some(src) => f.at(&src.sheet, Some(src.a1())),
                    None => f.at(input::SHEET_TEXT, None),
                };
                if let Some((sheet, cell)) = cells {
                    f = f.related(
                        None,
                        &sheet,
                        Some(cell),
                        format!("表格中填写的是 {table_value}{}", claim.unit_text),
                    );
                }
                out.push(f);
            }
        }
    }
}

/// Sentences about other bodies or other business: their figures are not this agency's table.
fn skip_sentence(s: &str) -> bool {
    const OTHER: [&str; 14] = [
        "全县",
        "全市",
        "全区",
        "全省",
        "各部门",
        "各乡镇",
        "各单位",
        "系统内",
        "信息处理费",
        "处理费",
        "信访",
        "咨询",
        "建议",
        "提案",
    ];
    OTHER.iter().any(|w| s.contains(w))
}

/// Clauses: a figure and its phrase sit between these marks.
fn clauses(sentence: &str) -> impl Iterator<Item = &str> {
    sentence
        .split([
            '，', '、', '；', '。', '：', '（', '）', '(', ')', ',', ';', '！', '？',
        ])
        .map(str::trim)
        .filter(|c| !c.is_empty())
}

/// What a clause says about the tables: which figure, and the value it gives.
struct Claim {
    target: Target,
    value: Decimal,
    unit_text: &'static str,
}

/// A table figure the prose can quote.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    /// A cell of 表三's 总计 column.
    T3(&'static str),
    /// 予以公开 and 部分公开 together.
    OpenAndPartial,
    /// 表四: the 总计 of these blocks, added.
    T4(&'static [&'static str]),
    /// 表四: an outcome, added over these blocks.
    T4Outcome(&'static [&'static str], &'static str),
    /// 表二: a column of 规章 or 行政规范性文件.
    T2(&'static str, &'static str),
    /// 表二: 行政事业性收费, in 万元.
    Fees,
}

/// Words that make a clause a part, a comparison or an estimate, never a table figure.
const PARTIAL: [&str; 29] = [
    "转办",
    "转来",
    "其中",
    "同比",
    "较上年",
    "比上年",
    "增长",
    "增加",
    "减少",
    "下降",
    "上升",
    "去年",
    "网上",
    "信函",
    "当面",
    "现场",
    "传真",
    "邮件",
    "电话",
    "自然人",
    "法人",
    "企业",
    "机构",
    "组织",
    "约",
    "近",
    "超过",
    "逾",
    "平均",
];

fn claim(sentence: &str, clause: &str) -> Option<Claim> {
    if PARTIAL.iter().any(|w| clause.contains(w)) {
        return None;
    }
    let has = |w: &str| clause.contains(w);
    let about_requests = sentence.contains("申请");
    let about_disclosure = sentence.contains("公开");
    let target = if has("行政事业性收费") {
        Target::Fees
    } else if about_requests && (has("上年结转") || has("上年度结转")) {
        Target::T3(schema::T3_CARRIED_IN.0)
    } else if (about_requests || has("继续办理"))
        && (has("结转下年") || has("结转至下年") || has("转入下年") || has("结转到下年"))
    {
        Target::T3(schema::T3_CARRIED_OUT.0)
    } else if has("结转") || has("上年") {
        return None;
    } else if about_requests
        && (has("新收") || has("收到") || has("受理") || has("接收"))
        && has("申请")
    {
        Target::T3(schema::T3_NEW.0)
    } else if about_requests && (has("办结") || has("答复")) && !has("予以公开") {
        Target::T3("total")
    } else if has("予以公开") && !has("不予") {
        if has("部分公开") {
            Target::OpenAndPartial
        } else {
            Target::T3("open")
        }
    } else if about_disclosure && (has("行政复议") || has("行政诉讼") || has("起诉")) {
        appeals(sentence, clause)?
    } else if let Some(col) = document_column(clause) {
        Target::T2(document_row(sentence, clause)?, col)
    } else {
        return None;
    };
    let (value, unit) = quantity(clause)?;
    let (value, unit_text) = match (target, unit) {
        (Target::Fees, Unit::Wanyuan) => (value, " 万元"),
        (Target::Fees, Unit::Yuan) => (
            Decimal {
                mantissa: value.mantissa,
                scale: value.scale + 4,
            },
            " 万元",
        ),
        (Target::Fees, Unit::Jian) => return None,
        (_, Unit::Jian) => (value, " 件"),
        _ => return None,
    };
    Some(Claim {
        target,
        value,
        unit_text,
    })
}

/// 行政复议 N 件, 行政诉讼 N 件 and their outcomes, where the sentence is about one of them.
fn appeals(sentence: &str, clause: &str) -> Option<Target> {
    const REVIEW: &[&str] = &["review"];
    const SUITS: &[&str] = &["direct", "after"];
    let review = sentence.contains("复议");
    let suit = sentence.contains("诉讼") || sentence.contains("起诉");
    let blocks = if clause.contains("行政复议") && !clause.contains("诉讼") {
        REVIEW
    } else if (clause.contains("行政诉讼") || clause.contains("起诉")) && !clause.contains("复议")
    {
        SUITS
    } else {
        return None;
    };
    let outcome = [
        ("维持", "upheld"),
        ("纠正", "corrected"),
        ("尚未审结", "pending"),
        ("未审结", "pending"),
    ]
    .iter()
    .find(|(w, _)| clause.contains(w))
    .map(|(_, k)| *k);
    match outcome {
        // An outcome is only attributed where the sentence speaks of one kind of case.
        Some(o) if review != suit => Some(Target::T4Outcome(blocks, o)),
        Some(_) => None,
        None => Some(Target::T4(blocks)),
    }
}

/// 制发 / 废止 / 现行有效 → the 表二 column.
fn document_column(clause: &str) -> Option<&'static str> {
    if clause.contains("现行有效") {
        Some("in_force")
    } else if clause.contains("废止") {
        Some("repealed")
    } else if clause.contains("制发") {
        Some("issued")
    } else {
        None
    }
}

/// Which row a document figure is about: the last of 规章 / 规范性文件 named up to the clause.
fn document_row(sentence: &str, clause: &str) -> Option<&'static str> {
    let end = sentence
        .find(clause)
        .map_or(sentence.len(), |i| i + clause.len());
    let before = &sentence[..end];
    let rules = before.rfind("规章");
    let normative = before.rfind("规范性文件");
    match (rules, normative) {
        (Some(a), Some(b)) if a > b => Some("rules"),
        (Some(_), None) => Some("rules"),
        (_, Some(_)) => Some("normative"),
        (None, None) => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    Jian,
    Wanyuan,
    Yuan,
}

/// The one figure of a clause, with its unit: `27件`, `十二件`, `36.85万元`, `3940元`.
/// A clause with two figures, or an estimate (`300余件`, `20多件`), gives nothing.
fn quantity(clause: &str) -> Option<(Decimal, Unit)> {
    let chars: Vec<(usize, char)> = clause.char_indices().collect();
    let mut found = None;
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if !(c.is_ascii_digit() || is_cn_digit(c)) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len()
            && (chars[j].1.is_ascii_digit() || chars[j].1 == '.' || is_cn_digit(chars[j].1))
            && !(chars[j].1 == '万' && chars.get(j + 1).is_some_and(|(_, c)| *c == '元'))
        {
            j += 1;
        }
        let end = chars.get(j).map_or(clause.len(), |(k, _)| *k);
        let number = &clause[start..end];
        let rest = &clause[end..];
        let unit = if rest.starts_with("件") {
            Some((Unit::Jian, 1))
        } else if rest.starts_with("万元") {
            Some((Unit::Wanyuan, 2))
        } else if rest.starts_with('元') {
            Some((Unit::Yuan, 1))
        } else {
            None
        };
        if let Some((unit, len)) = unit {
            if found.is_some() {
                return None;
            }
            found = Some((parse_number(number)?, unit));
            i = j + len;
            continue;
        } else if rest.starts_with(['余', '多']) {
            return None;
        }
        i = j.max(i + 1);
    }
    found
}

fn is_cn_digit(c: char) -> bool {
    "〇零一二两三四五六七八九十百千万".contains(c)
}

fn parse_number(text: &str) -> Option<Decimal> {
    if text.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Decimal::parse(text);
    }
    if text.chars().any(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    chinese_number(text).map(Decimal::from_int)
}

/// 十二 → 12, 一百零五 → 105, 两千三百 → 2300, 一万二千 → 12000.
pub fn chinese_number(text: &str) -> Option<i64> {
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .find(c)
            .map(|i| (i / 3) as i64)
            .or(match c {
                '零' => Some(0),
                '两' => Some(2),
                _ => None,
            })
    };
    let (mut total, mut section, mut pending): (i64, i64, Option<i64>) = (0, 0, None);
    for c in text.chars() {
        if let Some(d) = digit(c) {
            pending = Some(d);
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '万' => {
                total = (total + section + pending.take().unwrap_or(0)).checked_mul(10_000)?;
                section = 0;
                continue;
            }
            _ => return None,
        };
        section += pending.take().unwrap_or(1) * unit;
    }
    Some(total + section + pending.unwrap_or(0))
}

/// The table's value for `target`, and the cell to point at (None where several are added).
fn table_value(report: &Report, target: &Target) -> Option<(Decimal, Option<(String, String)>)> {
    let cell = |data: &TableData, row: &'static str, col: &'static str| -> Option<Decimal> {
        match data.get(row, col) {
            Value::Number(d) => Some(*d),
            _ => None,
        }
    };
    let at = |data: &TableData, row: &'static str, col: &'static str| {
        data.source(row, col).map(|s| (s.sheet.clone(), s.a1()))
    };
    let ints = |data: &TableData, cells: &[(&'static str, &'static str)]| -> Option<Decimal> {
        let mut sum = 0;
        for (r, c) in cells {
            sum += cell(data, r, c)?.as_integer()?;
        }
        Some(Decimal::from_int(sum))
    };
    let (t2, t3, t4) = (&report.t2, &report.t3, &report.t4);
    if !(t2.complete && t3.complete && t4.complete) {
        return None;
    }
    match *target {
        Target::T3(row) => Some((cell(t3, row, "total")?, at(t3, row, "total"))),
        Target::OpenAndPartial => {
            Some((ints(t3, &[("open", "total"), ("partial", "total")])?, None))
        }
        Target::T4(blocks) => {
            let cells: Vec<_> = blocks
                .iter()
                .map(|b| (schema::T4_ROW, schema::t4_col(b, "total")))
                .collect();
            let place = (blocks.len() == 1)
                .then(|| at(t4, cells[0].0, cells[0].1))
                .flatten();
            Some((ints(t4, &cells)?, place))
        }
        Target::T4Outcome(blocks, outcome) => {
            let cells: Vec<_> = blocks
                .iter()
                .map(|b| (schema::T4_ROW, schema::t4_col(b, outcome)))
                .collect();
            let place = (blocks.len() == 1)
                .then(|| at(t4, cells[0].0, cells[0].1))
                .flatten();
            Some((ints(t4, &cells)?, place))
        }
        Target::T2(row, col) => Some((cell(t2, row, col)?, at(t2, row, col))),
        Target::Fees => Some((cell(t2, "fees", "amount")?, at(t2, "fees", "amount"))),
    }
}

/// How a message names the figure: (`表三`, `「一、本年新收政府信息公开申请数量」的总计`).
fn describe(target: &Target) -> (&'static str, String) {
    let t3 = schema::table(TableId::T3);
    match *target {
        Target::T3(row) => ("表三", format!("「{}」的总计", t3.row_label(row))),
        Target::OpenAndPartial => (
            "表三",
            "「（一）予以公开」与「（二）部分公开」的总计之和".into(),
        ),
        Target::T4(blocks) => ("表四", format!("「{}」的总计", block_names(blocks))),
        Target::T4Outcome(blocks, outcome) => {
            let label = schema::T4_OUTCOMES
                .iter()
                .find(|(k, _)| *k == outcome)
                .map_or("", |(_, l)| l);
            ("表四", format!("「{}」的「{label}」", block_names(blocks)))
        }
        Target::T2(row, col) => {
            let t2 = schema::table(TableId::T2);
            (
                "表二",
                format!("「{}」的「{}」", t2.row_label(row), t2.col_label(col)),
            )
        }
        Target::Fees => ("表二", "「行政事业性收费」的本年收费金额".into()),
    }
}

fn block_names(blocks: &[&str]) -> &'static str {
    if blocks.len() == 1 {
        schema::T4_REVIEW
    } else {
        schema::T4_SUIT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals() {
        assert_eq!(chinese_number("十二"), Some(12));
        assert_eq!(chinese_number("一百零五"), Some(105));
        assert_eq!(chinese_number("两千三百"), Some(2300));
        assert_eq!(chinese_number("一万二千"), Some(12000));
        assert_eq!(chinese_number("三"), Some(3));
        assert_eq!(chinese_number("十"), Some(10));
        assert_eq!(chinese_number("二十"), Some(20));
        assert_eq!(chinese_number("三千零五十"), Some(3050));
    }

    #[test]
    fn quantities_with_units() {
        let d = |s| Decimal::parse(s).unwrap();
        assert_eq!(
            quantity("新收政府信息公开申请27件"),
            Some((d("27"), Unit::Jian))
        );
        assert_eq!(quantity("办结十二件"), Some((d("12"), Unit::Jian)));
        assert_eq!(quantity("收费36.85万元"), Some((d("36.85"), Unit::Wanyuan)));
        assert_eq!(quantity("收到300余件"), None);
        assert_eq!(quantity("27件和3件"), None);
        assert_eq!(quantity("开展培训2次"), None);
    }

    #[test]
    fn phrases_name_their_figures() {
        let t = |s: &str| {
            clauses(s)
                .filter_map(|c| claim(s, c))
                .map(|c| c.target)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            t("全年新收政府信息公开申请27件，上年结转1件，办结27件，结转下年度继续办理1件。"),
            [
                Target::T3("new"),
                Target::T3("carried_in"),
                Target::T3("total"),
                Target::T3("carried_out")
            ]
        );
        assert!(t("其中网上申请20件，信函申请7件。").is_empty());
        assert!(t("收到申请数量较上年增加5件。").is_empty());
        assert_eq!(t("予以公开及部分公开258件。"), [Target::OpenAndPartial]);
        assert_eq!(
            t("对本部门制发的行政规范性文件开展全面清理，废止1件，现行有效9件。"),
            [
                Target::T2("normative", "repealed"),
                Target::T2("normative", "in_force")
            ]
        );
        assert_eq!(
            t("全年发生政府信息公开行政复议2件，均维持原行政行为。"),
            [Target::T4(&["review"])]
        );
        assert!(t("本年度收取信息处理费3940元。").is_empty());
    }
}
