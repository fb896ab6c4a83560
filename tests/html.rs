//! The web page and the CMS fragment, parsed back: every official label once per table, the
//! schema's spans, every paragraph of the workbook, nothing fetched from elsewhere; and the page
//! printed by headless Chromium, its text and its tables within the page width.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::*;
use nianbao::doc::Grid;
use nianbao::model::Report;
use nianbao::schema;
use scraper::{ElementRef, Html, Selector};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn text(e: ElementRef) -> String {
    e.text().collect::<String>()
}

fn squeezed(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn built() -> (tempfile::TempDir, Vec<Report>, PathBuf) {
    samples_built_with(&["--html-fragment"])
}

/// Every official table of `html`: its labels, spans and figures as the schema and the
/// report have them, and every figure tied to header cells of its own table.
fn assert_tables(html: &Html, report: &Report, file: &str) {
    for t in schema::tables() {
        let table = html
            .select(&sel(&format!("table#nb-{}", t.key)))
            .next()
            .unwrap_or_else(|| panic!("{file}: no table {}", t.key));
        let caption = table.select(&sel("caption")).next().map(text);
        assert_eq!(caption.as_deref(), Some(t.heading()), "{file} {}", t.key);
        let mut expected: BTreeMap<&str, usize> = BTreeMap::new();
        for l in t.labels() {
            *expected.entry(l).or_default() += 1;
        }
        let mut got: BTreeMap<String, usize> = BTreeMap::new();
        for th in table.select(&sel("th")) {
            *got.entry(text(th)).or_default() += 1;
        }
        let expected: BTreeMap<String, usize> = expected
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        assert_eq!(got, expected, "{file}: the labels of {}", t.key);

        // The spans, cell by cell in reading order, and each figure's text.
        let mut grid = Grid::of(t, report).cells;
        grid.sort_by_key(|c| (c.row, c.col));
        let cells: Vec<ElementRef> = table.select(&sel("th, td")).collect();
        assert_eq!(cells.len(), grid.len(), "{file} {}", t.key);
        let span = |e: &ElementRef, a: &str| -> usize {
            e.value().attr(a).map_or(1, |v| v.parse().unwrap())
        };
        for (e, c) in cells.iter().zip(&grid) {
            let at = format!("{file} {} row {} col {}", t.key, c.row, c.col);
            assert_eq!(
                (span(e, "rowspan"), span(e, "colspan")),
                (c.rows, c.cols),
                "{at}"
            );
            assert_eq!(text(*e), c.text, "{at}");
            assert_eq!(e.value().name() == "th", c.label, "{at}");
            if c.label {
                let scope = e.value().attr("scope").unwrap_or("");
                assert!(
                    ["col", "colgroup", "row", "rowgroup"].contains(&scope),
                    "{at}"
                );
            } else {
                let headers = e.value().attr("headers").unwrap_or("");
                assert!(!headers.is_empty(), "{at}: a figure without headers");
                for id in headers.split(' ') {
                    let found = table.select(&sel(&format!("th#{id}"))).next();
                    assert!(found.is_some(), "{at}: header {id} is not in the table");
                }
            }
        }
        // The header rows repeat on a printed page.
        assert_eq!(
            table.select(&sel("thead tr")).count(),
            t.repeat_rows,
            "{file}"
        );
    }
}

/// Every paragraph the workbook wrote is in the page, as written.
fn assert_paragraphs(html: &Html, report: &Report, file: &str) {
    let body: String = html.select(&sel("p")).map(|p| squeezed(&text(p))).collect();
    for p in report.paragraphs() {
        assert!(
            body.contains(&squeezed(&p.text)),
            "{file}: missing「{}」",
            p.text
        );
    }
}

/// Nothing is loaded from elsewhere: no scripts, frames, images, style sheets or URLs.
fn assert_self_contained(source: &str, file: &str) {
    let html = Html::parse_document(source);
    for tag in ["script", "link", "img", "iframe", "object", "embed", "base"] {
        assert_eq!(html.select(&sel(tag)).count(), 0, "{file}: <{tag}>");
    }
    let references: Vec<_> = html
        .select(&sel("[src], [href]"))
        .map(|e| e.value())
        .collect();
    assert!(references.is_empty(), "{file}: {references:?}");
    for needle in ["url(", "@import", "http:", "https:"] {
        assert!(!source.contains(needle), "{file}: {needle}");
    }
}

#[test]
fn the_page_has_every_label_span_and_paragraph_and_nothing_external() {
    let (_ws, reports, dir) = built();
    for report in &reports {
        let agency = &report.info.agency;
        let file = format!("{agency}.html");
        let source = std::fs::read_to_string(dir.join(&file)).unwrap();
        assert_self_contained(&source, &file);
        let html = Html::parse_document(&source);
        let root = html.select(&sel("html")).next().unwrap();
        assert_eq!(root.value().attr("lang"), Some("zh-CN"));
        let title = html.select(&sel("title")).next().map(text).unwrap();
        assert_eq!(title, format!("{agency}2025年政府信息公开工作年度报告"));
        let h1: Vec<String> = html.select(&sel("h1")).map(text).collect();
        assert_eq!(
            h1,
            std::slice::from_ref(&title),
            "{file}: one h1, the title"
        );
        let h2: Vec<String> = html.select(&sel("h2")).map(text).collect();
        let sections: Vec<&str> = schema::SECTIONS.iter().map(|(_, h)| *h).collect();
        assert_eq!(h2, sections, "{file}: the six sections as h2");
        assert!(
            html.select(&sel("h3")).count() >= 3,
            "{file}: the topics as h3"
        );
        assert_eq!(html.select(&sel("style")).count(), 1, "{file}");
        assert!(
            source.contains("@page") && source.contains("37mm"),
            "{file}"
        );
        assert_tables(&html, report, &file);
        assert_paragraphs(&html, report, &file);
    }
}

#[test]
fn the_fragment_carries_its_styles_on_its_elements() {
    let (_ws, reports, dir) = built();
    for report in &reports {
        let file = format!("{}.片段.html", report.info.agency);
        let source = std::fs::read_to_string(dir.join(&file)).unwrap();
        assert_self_contained(&source, &file);
        for tag in ["<html", "<head", "<body", "<style", "<title"] {
            assert!(!source.contains(tag), "{file}: {tag}");
        }
        let html = Html::parse_fragment(&source);
        for e in html.select(&sel("article, h1, h2, h3, p, table, th, td")) {
            let style = e.value().attr("style").unwrap_or("");
            assert!(
                !style.is_empty(),
                "{file}: <{}> without a style",
                e.value().name()
            );
        }
        for cell in html.select(&sel("th, td")) {
            let style = cell.value().attr("style").unwrap();
            assert!(style.contains("border:1px solid #000"), "{file}: {style}");
        }
        assert_tables(&html, report, &file);
        assert_paragraphs(&html, report, &file);
    }
}

/// The horizontal extent of every word on every page, and the page width, by `pdftotext -bbox`.
fn word_boxes(pdf: &Path) -> (f32, Vec<(String, f32, f32)>) {
    let html = Html::parse_document(&pdftotext(pdf, "-bbox"));
    let num = |e: &ElementRef, a: &str| -> f32 { e.value().attr(a).unwrap().parse().unwrap() };
    let page = html.select(&sel("page")).next().unwrap();
    let words = html
        .select(&sel("word"))
        .map(|w| (text(w), num(&w, "xmin"), num(&w, "xmax")))
        .collect();
    (num(&page, "width"), words)
}

#[test]
fn the_page_prints_on_a4_with_its_text_and_tables_inside_the_margins() {
    let (_ws, reports, dir) = built();
    let report = &reports[0];
    let page = dir.join(format!("{}.html", report.info.agency));
    let pdf = dir.join("printed.pdf");
    chromium_print(&page, &pdf);
    let text = pdf_text(&pdf);
    for h in schema::SECTIONS.iter().map(|(_, h)| *h) {
        assert!(text.contains(h), "the printed page lacks「{h}」");
    }
    for p in report.paragraphs() {
        assert!(text.contains(&squeezed(&p.text)), "missing「{}」", p.text);
    }
    for t in schema::tables() {
        for label in t.labels() {
            assert!(text.contains(&squeezed(label)), "missing label「{label}」");
        }
    }
    // A4 with GB/T 9704's side margins (28 mm left, 26 mm right): nothing outside them.
    let (width, words) = word_boxes(&pdf);
    assert!((width - 595.3).abs() < 1.0, "A4 width, got {width}");
    assert!(
        words.len() > 300,
        "the printed page has {} words",
        words.len()
    );
    let mm = 72.0 / 25.4;
    for (w, x0, x1) in words {
        assert!(
            x0 >= 28.0 * mm - 2.0,
            "「{w}」 starts at {x0} pt, left of the margin"
        );
        assert!(
            x1 <= width - 26.0 * mm + 2.0,
            "「{w}」 ends at {x1} pt, right of the margin"
        );
    }
}

/// A run that cannot break (a pasted link, a line of digits) wraps inside the page instead of
/// widening it: 19,000 characters without a break opportunity, printed by Chromium.
#[test]
fn a_long_unbroken_run_wraps_inside_the_margins() {
    let mut report = sample_reports().remove(0);
    let link = format!("https://www.example.gov.cn/{}", "a1".repeat(9_500));
    let topic = report
        .text
        .get_mut("other")
        .and_then(|t| t.first_mut())
        .unwrap();
    topic.paragraphs[0].text = format!("附件下载地址：{link}。");
    let ws = workspace_of(&[report.clone()]);
    let (code, _, err) = run(ws.path(), &["build"]);
    assert_eq!(code, 0, "{err}");
    let page = ws
        .path()
        .join(format!("output/2025/{}.html", report.info.agency));
    let pdf = ws.path().join("printed.pdf");
    chromium_print(&page, &pdf);
    let (width, words) = word_boxes(&pdf);
    assert!((width - 595.3).abs() < 1.0, "A4 width, got {width}");
    let mm = 72.0 / 25.4;
    let mut printed = 0;
    for (w, _, x1) in &words {
        if w.contains("a1a1") {
            printed += w.len();
        }
        assert!(
            *x1 <= width - 26.0 * mm + 2.0,
            "「{w}」 ends at {x1} pt, right of the margin"
        );
    }
    assert!(
        printed >= 18_000,
        "the run is printed: {printed} characters"
    );
}
