//! A `Doc` of any format into a `Report`: the title before the first heading gives agency and
//! year (else the file name), the preamble the contact details, each heading of the six sections
//! (by its numeral, as the workbook's 章节 column is read) opens its section, short numbered
//! paragraphs (`（一）主动公开`) open topics, and each official table is the document's tables that
//! carry its labels, stacked in order (an author may split one table in two, a PDF splits it at
//! a page break) and located by label exactly as in a worksheet.

use std::collections::HashSet;

use calamine::Data;

use super::{Block, Doc, Grid, Para, clean_text};
use crate::finding::{Code, Finding};
use crate::limits;
use crate::model::{CellRef, Paragraph, Report, Topic};
use crate::schema::{self, Table};
use crate::workbook::ReadOutcome;
use crate::workbook::labels::{normalize, strip_outline_number};
use crate::workbook::read::{match_section, read_table};
use crate::workbook::sheet::{RawCell, Sheet};

/// The title of every such report ends so (spec §1).
const TITLE_END: &str = "政府信息公开工作年度报告";

/// The sheet name paragraphs are placed in, as in the input workbook.
const TEXT: &str = schema::input::SHEET_TEXT;

pub fn assemble(doc: Doc, stem: &str) -> ReadOutcome {
    let mut findings = doc.findings;
    let mut report = Report::default();
    let mut front: Vec<&Para> = Vec::new();
    let mut section: Option<usize> = None;
    let mut grids: Vec<&Grid> = Vec::new();
    let mut headings = 0;
    let mut chars = 0usize;
    let (signed, date) = signature(&doc.blocks);
    for (i, block) in doc.blocks.iter().enumerate() {
        match block {
            Block::Table(g) => grids.push(g),
            Block::Para(_) if i >= signed => {}
            Block::Para(p) => {
                let text = clean_text(&p.text);
                if text.is_empty() {
                    continue;
                }
                if let Some((index, exact)) = heading(&text, section) {
                    headings += 1;
                    section = Some(index);
                    if !exact {
                        findings.push(renamed_heading(&text, index, p));
                    }
                    continue;
                }
                chars += text.chars().count();
                if chars > limits::PROSE_CHARS {
                    continue;
                }
                match section {
                    None => front.push(p),
                    Some(i) => add_prose(&mut report, schema::SECTIONS[i].0, &text, p),
                }
            }
        }
    }
    let found_tables = tables(&grids, &mut report, &mut findings);
    if headings == 0 && found_tables == 0 {
        return ReadOutcome {
            report: Report::default(),
            findings: vec![not_a_report(&doc.blocks)],
        };
    }
    read_front(&front, stem, &mut report, &mut findings);
    if let Some((date, text, place)) = date
        && report.info.published.is_none()
    {
        report.info.published = Some(date);
        report.info.published_text = text;
        report.info.cells.insert("published".into(), place);
    }
    ReadOutcome { report, findings }
}

/// The 落款 a report ends with, as nianbao and most agencies print it: the agency's name (short,
/// no sentence punctuation) above the date, or the date alone, or both on one line as a PDF may
/// join them. Returns the index of its first block (the blocks' length if there is none) and
/// its date with the text and place it was read from: the 发布日期.
fn signature(blocks: &[Block]) -> (usize, Option<(crate::model::Date, String, String)>) {
    let paras: Vec<(usize, &Para)> = blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b {
            Block::Para(p) if !clean_text(&p.text).is_empty() => Some((i, p)),
            _ => None,
        })
        .collect();
    let none = (blocks.len(), None);
    let Some(&(last, p)) = paras.last() else {
        return none;
    };
    if blocks[last + 1..]
        .iter()
        .any(|b| matches!(b, Block::Table(_)))
    {
        return none;
    }
    let text = clean_text(&p.text);
    let name_like = |t: &str| {
        let n = t.chars().count();
        (2..=40).contains(&n) && !t.contains(['。', '，', '；', '：', '、'])
    };
    let Some((name, date, date_text)) = trailing_date(&text) else {
        return none;
    };
    let found = Some((date, date_text, p.place.clone()));
    if !name.is_empty() {
        return if name_like(name) { (last, found) } else { none };
    }
    match paras.len().checked_sub(2).map(|k| paras[k]) {
        Some((above, q))
            if name_like(&clean_text(&q.text)) && heading(&clean_text(&q.text), None).is_none() =>
        {
            (above, found)
        }
        _ => (last, found),
    }
}

/// `…2026年1月20日` (Arabic numerals, or Chinese as some agencies write it) at the end of a line:
/// what stands before it, the date, and the date as written.
fn trailing_date(text: &str) -> Option<(&str, crate::model::Date, String)> {
    let t = text.trim_end();
    let start = t
        .rfind(|c: char| !(c.is_ascii_digit() || "年月日〇○零一二三四五六七八九十".contains(c)))
        .map_or(0, |i| i + t[i..].chars().next().map_or(1, char::len_utf8));
    // The year's four digits start the date: `江岚县2026年` is no date.
    let tail = &t[start..];
    let date = crate::workbook::typed::chinese_date(tail).or_else(|| arabic_date(tail))?;
    Some((t[..start].trim_end(), date, tail.to_string()))
}

/// `2026年1月20日` exactly.
fn arabic_date(text: &str) -> Option<crate::model::Date> {
    let (y, rest) = text.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let d = rest.strip_suffix('日')?;
    let number = |s: &str| {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    if y.len() != 4 {
        return None;
    }
    crate::model::Date::new(number(y)? as i32, number(m)?, number(d)?)
}

/// The section a paragraph heads, if it is a heading: short, numbered `一、`…`六、`, and after the
/// section before it (so a numbered line inside the prose is not taken for one).
fn heading(text: &str, after: Option<usize>) -> Option<(usize, bool)> {
    let t = normalize(text);
    if t.chars().count() > 40 {
        return None;
    }
    let numeral = t.chars().next()?;
    let index = "一二三四五六".chars().position(|c| c == numeral)?;
    let sep = t.chars().nth(1)?;
    if !"、.，,".contains(sep) || after.is_some_and(|a| index <= a) {
        return None;
    }
    let (key, exact) = match_section(&t)?;
    (schema::SECTIONS[index].0 == key).then_some((index, exact))
}

fn renamed_heading(text: &str, index: usize, p: &Para) -> Finding {
    let official = schema::SECTIONS[index].1;
    Finding::new(
        Code::V2,
        format!("标题写的是「{text}」，官方标题是「{official}」，已按编号归入该部分，报告中使用官方标题。"),
    )
    .hint(format!("请把标题改为「{official}」。"))
    .at(TEXT, Some(p.place.clone()))
}

/// A paragraph into its section: a short numbered line (`（一）主动公开`) opens a topic, as does
/// a run-in one (`（一）主动公开情况。2024年，…`), whose rest is the topic's first paragraph.
fn add_prose(report: &mut Report, key: &str, text: &str, p: &Para) {
    let topics = report.text.entry(key.to_string()).or_default();
    let mut body = text;
    if let Some(title) = topic_title(text) {
        let (title, rest) = title;
        topics.push(Topic {
            title: title.to_string(),
            paragraphs: Vec::new(),
        });
        body = rest;
    }
    if body.is_empty() {
        return;
    }
    if topics.is_empty() {
        topics.push(Topic {
            title: String::new(),
            paragraphs: Vec::new(),
        });
    }
    if let Some(t) = topics.last_mut() {
        t.paragraphs.push(Paragraph {
            text: body.to_string(),
            source: Some(CellRef::placed(TEXT, &p.place)),
        });
    }
}

/// `（一）主动公开` → (`主动公开`, ``); `（一）主动公开情况。2024年…` → (`主动公开情况`, `2024年…`).
fn topic_title(text: &str) -> Option<(&str, &str)> {
    if !text.starts_with(['（', '(']) {
        return None;
    }
    let rest = strip_outline_number(text);
    if rest.len() == text.len() || rest.is_empty() {
        return None;
    }
    let short = |s: &str| s.chars().count() <= 20;
    let whole = rest.trim_end_matches(['。', '：', ':']);
    if short(whole) && !whole.contains(['。', '，', '；']) {
        return Some((whole, ""));
    }
    let (head, tail) = rest.split_once('。')?;
    (short(head) && !head.contains(['，', '；']) && !head.is_empty()).then_some((head, tail.trim()))
}

/// The title gives agency and year; the paragraphs after it (the preamble) the contact details.
fn read_front(front: &[&Para], stem: &str, report: &mut Report, findings: &mut Vec<Finding>) {
    let texts: Vec<String> = front.iter().map(|p| clean_text(&p.text)).collect();
    // The title may take two or three lines (`淮安市人民政府` / `2024年政府信息公开工作年度报告`,
    // `××局2025年` / `政府信息公开工作年度报告`): the shortest run of lines ending at the first
    // that completes it, preferring one that names the year.
    let window = (0..texts.len()).find_map(|e| {
        let runs: Vec<usize> = (e.saturating_sub(2)..=e).rev().collect();
        let holds = |s: &usize| texts[*s..=e].concat().contains(TITLE_END);
        let dated =
            |s: &&usize| parse_title(&texts[**s..=e].concat()).is_some_and(|(_, y)| y.is_some());
        let first = runs.iter().find(|s| holds(s))?;
        Some((
            *runs
                .iter()
                .filter(|s| holds(s))
                .find(dated)
                .unwrap_or(first),
            e,
        ))
    });
    let (title, preamble) = match window {
        Some((s, e)) => (texts[s..=e].concat(), &texts[e + 1..]),
        None => (String::new(), &texts[..]),
    };
    let (agency, year) = parse_title(&title)
        .or_else(|| parse_title(&format!("{stem}{TITLE_END}")))
        .unwrap_or_default();
    let info = &mut report.info;
    info.agency = agency;
    info.year = year;
    info.year_text = year.map(|y| y.to_string()).unwrap_or_default();
    if let Some(p) = front.first() {
        info.cells.insert("agency".into(), p.place.clone());
        info.cells.insert("year".into(), p.place.clone());
    }
    let preamble = preamble.concat();
    for (key, label) in [
        ("address", "地址"),
        ("postcode", "邮编"),
        ("phone", "电话"),
        ("email", "电子邮箱"),
    ] {
        if let Some(v) = labelled(&preamble, label) {
            let slot = match key {
                "address" => &mut info.address,
                "postcode" => &mut info.postcode,
                "phone" => &mut info.phone,
                _ => &mut info.email,
            };
            *slot = v;
        }
    }
    if let Some(site) = between(&preamble, "本报告电子版可在", "查阅") {
        info.website = site.to_string();
    }
    if info.agency.is_empty() {
        findings.push(
            Finding::new(
                Code::S2,
                format!("找不到报告标题「××{TITLE_END}」，不知道是哪个机关的报告。"),
            )
            .hint(format!(
                "请在文档开头写标题，例如「××县交通运输局2025年度{TITLE_END}」，或把文件名改为机关名称加年份（如「××县交通运输局2025」）。"
            ))
            .at(TEXT, None),
        );
    }
}

/// `淮安市人民政府2024年政府信息公开工作年度报告` → (`淮安市人民政府`, 2024); also `2024年度`.
fn parse_title(title: &str) -> Option<(String, Option<i32>)> {
    let t = normalize(title);
    let head = &t[..t.find(TITLE_END)?];
    let head = head.trim_end_matches('度').trim_end_matches('年');
    let digits = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit())
        .last()
        .map(|(i, _)| i);
    let (agency, year) = match digits {
        Some(i) if head.len() - i == 4 => (&head[..i], head[i..].parse().ok()),
        _ => (head, None),
    };
    let agency = agency.trim_matches(['《', '》']).to_string();
    (!agency.is_empty()).then_some((agency, year))
}

/// The value after `label：` up to the next separator.
fn labelled(text: &str, label: &str) -> Option<String> {
    let start = text
        .find(&format!("{label}："))
        .map(|i| i + label.len() + '：'.len_utf8())?;
    let rest = &text[start..];
    let end = rest
        .find(['，', '；', '）', '。', ';'])
        .unwrap_or(rest.len());
    let v = rest[..end].trim();
    (!v.is_empty()).then(|| v.to_string())
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let len = text[start..].find(close)?;
    Some(text[start..start + len].trim())
}

/// Each official table from the grids that carry its labels; returns how many were found.
fn tables(grids: &[&Grid], report: &mut Report, findings: &mut Vec<Finding>) -> usize {
    let labels: Vec<HashSet<String>> = schema::tables()
        .iter()
        .map(|t| t.labels().iter().map(|l| normalize(l)).collect())
        .collect();
    // A label two tables share (总计) says nothing about which one a grid is.
    let own: Vec<HashSet<&String>> = labels
        .iter()
        .enumerate()
        .map(|(i, set)| {
            set.iter()
                .filter(|l| {
                    labels
                        .iter()
                        .enumerate()
                        .all(|(j, o)| j == i || !o.contains(*l))
                })
                .collect()
        })
        .collect();
    let mut parts: Vec<Vec<&Grid>> = vec![Vec::new(); labels.len()];
    // The table the previous grid belongs to, and its width.
    let mut previous: Option<(usize, usize)> = None;
    for g in grids {
        let texts: HashSet<String> = g.texts().map(normalize).collect();
        let scores: Vec<usize> = own
            .iter()
            .map(|set| set.iter().filter(|l| texts.contains(**l)).count())
            .collect();
        let best = (0..scores.len()).max_by_key(|i| scores[*i]);
        let table = match (best, previous) {
            (Some(b), _) if scores[b] >= 2 => Some(b),
            // Too few labels to say by itself (a table the author split, or a page break left a
            // row or two): the rest of the table before it, if it is as wide.
            (_, Some((p, width))) if width == g.width() => Some(p),
            _ => None,
        };
        previous = table.map(|b| (b, g.width()));
        if let Some(b) = table {
            parts[b].push(g);
        }
    }
    let mut found = 0;
    for (table, parts) in schema::tables().iter().zip(&parts) {
        if parts.is_empty() {
            findings.push(missing_table(table));
            continue;
        }
        found += 1;
        let sheet = stack(table, parts);
        let data = read_table(&sheet, table, findings);
        *report.table_mut(table.id) = data;
    }
    found
}

/// The grids of one table one under the other, as one sheet whose rows are named as printed.
fn stack(table: &Table, parts: &[&Grid]) -> Sheet {
    let mut sheet = Sheet::new(table.sheet, limits::TABLE_RECT);
    sheet.untyped = true;
    let mut row = 0u32;
    let mut places = Vec::new();
    for g in parts {
        for (r, cells) in g.rows.iter().enumerate() {
            for (c, text) in cells.iter().enumerate() {
                let text = clean_text(text);
                if !text.is_empty() {
                    sheet.add(RawCell {
                        pos: (row, c as u32),
                        value: Data::String(text),
                        unvalued: false,
                    });
                }
            }
            places.push(
                g.places
                    .get(r)
                    .cloned()
                    .unwrap_or_else(|| format!("第{}行", r + 1)),
            );
            row += 1;
        }
    }
    let mut sheet = sheet.finish();
    sheet.row_places = places;
    sheet
}

fn missing_table(table: &Table) -> Finding {
    Finding::new(
        Code::D2,
        format!(
            "文档中找不到{}（「{}」下的统计表），其中的数字都未读取。",
            table.sheet,
            table.heading()
        ),
    )
    .hint(format!(
        "请在「{}」下插入国办公开办函〔2021〕30号规定的表格（可从 nianbao new 生成的工作簿或上年报告中复制），表头文字不要改动。",
        table.heading()
    ))
    .at(table.sheet, None)
}

/// D1: nothing of the format was found; say what the document holds instead.
fn not_a_report(blocks: &[Block]) -> Finding {
    let paras: Vec<&Para> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Para(p) if !clean_text(&p.text).is_empty() => Some(p),
            _ => None,
        })
        .collect();
    let tables = blocks
        .iter()
        .filter(|b| matches!(b, Block::Table(_)))
        .count();
    let what = match paras.first() {
        Some(p) => {
            let first: String = clean_text(&p.text).chars().take(30).collect();
            format!(
                "文档有{}段文字、{tables}个表格，开头是「{first}」",
                paras.len()
            )
        }
        None if tables > 0 => format!("文档只有{tables}个表格，没有文字"),
        None => "文档中没有可读取的文字".to_string(),
    };
    Finding::new(
        Code::D1,
        format!("{what}，找不到年度报告的六个部分标题和三张统计表，不是政府信息公开工作年度报告。"),
    )
    .hint("请确认放入的是年度报告本身；扫描件请向发布单位索取原文件。")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_give_agency_and_year() {
        assert_eq!(
            parse_title("淮安市人民政府2024年政府信息公开工作年度报告"),
            Some(("淮安市人民政府".into(), Some(2024)))
        );
        assert_eq!(
            parse_title("江岚县交通运输局2025年度政府信息公开工作年度报告"),
            Some(("江岚县交通运输局".into(), Some(2025)))
        );
        assert_eq!(parse_title("政府信息公开工作年度报告格式模板"), None);
        assert_eq!(parse_title("总结"), None);
    }

    #[test]
    fn topics_alone_or_run_in() {
        assert_eq!(topic_title("（一）主动公开"), Some(("主动公开", "")));
        assert_eq!(
            topic_title("（一）主动公开情况。2024年，市政府网站主动公开。"),
            Some(("主动公开情况", "2024年，市政府网站主动公开。"))
        );
        assert_eq!(
            topic_title("（一）我们在本年度做了很多工作，取得了很好的效果。"),
            None
        );
        assert_eq!(topic_title("2024年，共公开"), None);
    }

    #[test]
    fn headings_advance() {
        assert_eq!(heading("一、总体情况", None), Some((0, true)));
        assert_eq!(
            heading("五、存在的主要问题及整改措施", Some(3)),
            Some((4, false))
        );
        assert_eq!(heading("一、总体情况", Some(2)), None);
        assert_eq!(heading("一是政策解读质量仍需提升", None), None);
    }

    #[test]
    fn contact_from_the_preamble() {
        let p = "如对本报告有疑问，请与淮安市人民政府办公室联系（地址：淮安市翔宇南道1号，邮编：223001，电话：0517-83605210，电子邮箱：hazwgkc@163.com）。";
        assert_eq!(labelled(p, "地址").as_deref(), Some("淮安市翔宇南道1号"));
        assert_eq!(labelled(p, "电子邮箱").as_deref(), Some("hazwgkc@163.com"));
    }
}
