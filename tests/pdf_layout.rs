//! Measures the PDFs themselves (pdftotext -bbox-layout, -raw), not the layout code: the text
//! block sits where GB/T 9704 puts it, no extracted line breaks a 禁则, table 三's header repeats
//! when it continues on another page, and the text comes back exactly.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::pdf::*;
use crate::common::*;
use nianbao::layout::text::{is_closing, is_opening};
use nianbao::model::{Paragraph, Topic};

fn is_page_number(line: &Line) -> bool {
    let t = squeeze(&line.text);
    t.starts_with('—') && t.ends_with('—') && t.chars().filter(char::is_ascii_digit).count() > 0
}

fn built_samples() -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&repo(), &["build", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let mut pdfs: Vec<PathBuf> = std::fs::read_dir(dir.path().join("2025"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    pdfs.sort();
    (dir, pdfs)
}

#[test]
fn text_block_is_where_gbt_9704_puts_it() {
    let (_dir, pdfs) = built_samples();
    assert_eq!(pdfs.len(), 3);
    for pdf in &pdfs {
        let all = lines(pdf);
        let (numbers, text): (Vec<&Line>, Vec<&Line>) = all.iter().partition(|l| is_page_number(l));
        for l in &text {
            assert!(
                l.x_min >= LEFT - TOLERANCE,
                "{}: left of the block: {l:?}",
                pdf.display()
            );
            assert!(
                l.x_max <= RIGHT + TOLERANCE,
                "{}: right of the block: {l:?}",
                pdf.display()
            );
            assert!(
                l.y_min >= TOP - TOLERANCE,
                "{}: above the block: {l:?}",
                pdf.display()
            );
            assert!(
                l.y_max <= BOTTOM + TOLERANCE,
                "{}: below the block: {l:?}",
                pdf.display()
            );
        }
        // Justified body lines run from edge to edge: the block is 156 mm wide at 28 mm.
        let full = text
            .iter()
            .filter(|l| (l.x_min - LEFT).abs() < TOLERANCE && (l.x_max - RIGHT).abs() < TOLERANCE)
            .count();
        assert!(
            full >= 10,
            "{}: only {full} full-measure lines",
            pdf.display()
        );
        // One page number per page, 7 mm below the block, odd right and even left.
        let pages = all.iter().map(|l| l.page).max().unwrap();
        assert_eq!(numbers.len(), pages, "{}", pdf.display());
        for n in numbers {
            assert!(
                n.y_min > BOTTOM + 5.0 * MM && n.y_min < BOTTOM + 9.0 * MM,
                "{n:?}"
            );
            if n.page % 2 == 1 {
                assert!(
                    (RIGHT - 14.0 - n.x_max).abs() < 1.5 * MM,
                    "odd page number: {n:?}"
                );
            } else {
                assert!(
                    (n.x_min - LEFT - 14.0).abs() < 1.5 * MM,
                    "even page number: {n:?}"
                );
            }
        }
    }
}

#[test]
fn no_extracted_line_breaks_the_line_breaking_rules() {
    let (_dir, pdfs) = built_samples();
    let mut checked = 0;
    for pdf in &pdfs {
        for l in lines(pdf).iter().filter(|l| !is_page_number(l)) {
            let t: Vec<char> = l.text.chars().filter(|c| !c.is_whitespace()).collect();
            let (Some(first), Some(last)) = (t.first(), t.last()) else {
                continue;
            };
            assert!(
                !is_closing(*first),
                "{}: line starts with {first}: {}",
                pdf.display(),
                l.text
            );
            assert!(
                !is_opening(*last),
                "{}: line ends with {last}: {}",
                pdf.display(),
                l.text
            );
            checked += 1;
        }
    }
    assert!(checked > 150, "{checked}");
}

/// Text of one page by pdftotext -raw, white space removed.
fn page_text(pdf: &Path, page: usize) -> String {
    let out = Command::new("pdftotext")
        .args(["-raw", "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    squeeze(&String::from_utf8_lossy(&out.stdout))
}

#[test]
fn table_three_repeats_its_header_on_every_page_it_spans() {
    // A long 总体情况 pushes table 三 down so that it starts low on a page and breaks.
    let mut report = report_from_toml(&repo().join("tests/fixtures/samples/江岚县交通运输局.toml"));
    let para = "县交通运输局坚持把政务公开作为转变政府职能、建设法治政府的重要抓手，持续完善信息发布、政策解读和回应关切工作机制，推动公开内容更加全面、公开方式更加便民。".to_string();
    for extra in 0..14 {
        let topics = report.text.get_mut("overview").unwrap();
        topics.push(Topic {
            title: format!("补充事项{extra}"),
            paragraphs: vec![Paragraph {
                text: para.clone(),
                source: None,
            }],
        });
    }
    let ws = tempfile::tempdir().unwrap();
    std::fs::create_dir(ws.path().join("input")).unwrap();
    std::fs::write(ws.path().join("input/long.xlsx"), workbook_bytes(&report)).unwrap();
    let (code, _, err) = run(ws.path(), &["build"]);
    assert_eq!(code, 0, "{err}");
    let pdf = ws.path().join("output/2025/江岚县交通运输局.pdf");
    let pages: Vec<String> = (1..=12)
        .map(|p| page_text(&pdf, p))
        .take_while(|t| !t.is_empty())
        .collect();
    let first = pages
        .iter()
        .position(|t| t.contains("一、本年新收政府信息公开申请数量"))
        .unwrap();
    let last = pages
        .iter()
        .position(|t| t.contains("四、结转下年度继续办理"))
        .unwrap();
    assert!(
        last > first,
        "this report must break table 三 across pages (pages {first} and {last})"
    );
    for (p, page) in pages.iter().enumerate().take(last + 1).skip(first) {
        for label in [
            "申请人情况",
            "法人或其他组织",
            "商业企业",
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        ] {
            assert!(page.contains(label), "page {} lacks header {label}", p + 1);
        }
    }
    // The table's heading stays with its first rows.
    assert!(pages[first].contains("三、收到和处理政府信息公开申请情况"));
}

#[test]
fn raw_text_returns_every_paragraph_exactly() {
    // Nothing may be lost, added or reordered: only line breaks, and spaces pdftotext sees in
    // the stretched gaps between Chinese characters, are taken out before comparing.
    let (_dir, pdfs) = built_samples();
    for src in sample_sources() {
        let report = report_from_toml(&src);
        let pdf = pdfs
            .iter()
            .find(|p| p.to_string_lossy().contains(&report.info.agency))
            .unwrap();
        let out = Command::new("pdftotext")
            .arg("-raw")
            .arg(pdf)
            .arg("-")
            .output()
            .unwrap();
        let raw = String::from_utf8(out.stdout).unwrap();
        // pdftotext ends each page with a form feed.
        let raw = raw.replace('\u{c}', "");
        let raw: String = raw.lines().filter(|l| !is_page_number_text(l)).collect();
        let text = drop_spaces_between_cjk(&raw);
        for p in report.paragraphs() {
            assert!(
                text.contains(&p.text),
                "{}: not exactly in the PDF: {}\n{text}",
                pdf.display(),
                p.text
            );
        }
    }
}

fn is_page_number_text(line: &str) -> bool {
    let t = squeeze(line);
    t.starts_with('—')
        && t.ends_with('—')
        && t.trim_matches('—').chars().all(|c| c.is_ascii_digit())
}

fn drop_spaces_between_cjk(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let wide = |c: char| !c.is_ascii();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if *c == ' ' {
            let prev = chars[..i].iter().rev().find(|c| **c != ' ');
            let next = chars[i + 1..].iter().find(|c| **c != ' ');
            if prev.is_some_and(|p| wide(*p)) || next.is_some_and(|n| wide(*n)) {
                continue;
            }
        }
        out.push(*c);
    }
    out
}
