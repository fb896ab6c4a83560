//! The DOCX re-read (styles, merged cells, repeated header rows, footers) and opened by
//! LibreOffice as a reviewer would: every heading, paragraph and label, about as many pages as
//! nianbao's own PDF.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use nianbao::model::Report;
use nianbao::schema;

fn built() -> (tempfile::TempDir, Vec<Report>, PathBuf) {
    samples_built_with(&["--docx"])
}

fn part(docx: &Path, name: &str) -> String {
    let file = std::fs::File::open(docx).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("{} has no {name}", docx.display()))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The text of every `w:t` in a part, one string per run.
fn runs(xml: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut inside = false;
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) if e.name().0 == "w:t" => inside = true,
            quick_xml::events::Event::End(e) if e.name().0 == "w:t" => inside = false,
            quick_xml::events::Event::Text(t) if inside => out.push(t.xml10_content().to_string()),
            quick_xml::events::Event::GeneralRef(r) if inside => {
                let text = r.xml10_content().to_string();
                match out.last_mut() {
                    Some(last) => last.push_str(&text),
                    None => out.push(text),
                }
            }
            quick_xml::events::Event::Eof => return out,
            _ => {}
        }
    }
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn styles_merged_cells_header_rows_and_footers() {
    let (_ws, reports, dir) = built();
    let docx = dir.join(format!("{}.docx", reports[0].info.agency));
    let styles = part(&docx, "word/styles.xml");
    for (name, level) in [("标题", 0), ("一级标题", 1), ("二级标题", 2)] {
        let at = styles
            .find(&format!(r#"<w:name w:val="{name}"/>"#))
            .unwrap_or_else(|| panic!("no style {name}"));
        let style = &styles[at..at + styles[at..].find("</w:style>").unwrap()];
        assert!(
            style.contains(&format!(r#"<w:outlineLvl w:val="{level}"/>"#)),
            "{name}"
        );
    }
    // Body text in the default style (Word and WPS show it as 正文): 三号, 2 characters in.
    assert!(styles.contains(r#"w:default="1" w:styleId="Normal""#));
    assert!(
        styles.contains(r#"<w:sz w:val="32"/>"#) && styles.contains(r#"w:firstLineChars="200""#)
    );

    let document = part(&docx, "word/document.xml");
    // A4, GB/T 9704 margins (37 mm top, 28 mm left, in twips).
    assert!(document.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#));
    assert!(document.contains(r#"w:top="2098""#) && document.contains(r#"w:left="1587""#));
    let tables = schema::tables();
    let spans = |f: fn(&schema::GridCell) -> usize| -> usize {
        tables.iter().flat_map(|t| &t.grid).map(f).sum()
    };
    // A cell over several columns carries w:gridSpan in each row it covers.
    let wide = spans(|c| if c.cols > 1 { c.rows } else { 0 });
    assert_eq!(count(&document, "<w:gridSpan "), wide);
    let tall = spans(|c| (c.rows > 1) as usize);
    assert_eq!(count(&document, r#"<w:vMerge w:val="restart"/>"#), tall);
    let continued = spans(|c| c.rows.saturating_sub(1));
    assert_eq!(count(&document, "<w:vMerge/>"), continued);
    let header_rows: usize = tables.iter().map(|t| t.repeat_rows).sum();
    assert_eq!(count(&document, "<w:tblHeader/>"), header_rows);
    assert_eq!(count(&document, "<w:tbl>"), 3);

    // Every label, heading and paragraph as a run of its own.
    let text = runs(&document);
    for t in tables {
        for label in t.labels() {
            assert!(text.iter().any(|r| r == label), "label「{label}」");
        }
    }
    for (_, heading) in schema::SECTIONS {
        assert!(text.iter().any(|r| r == heading), "heading「{heading}」");
    }
    for p in reports[0].paragraphs() {
        assert!(
            text.iter().any(|r| r == p.text.trim()),
            "paragraph「{}」",
            p.text
        );
    }

    // "— N —": odd pages right, even pages left, told apart by the settings.
    for (footer, side) in [("word/footer1.xml", "right"), ("word/footer2.xml", "left")] {
        let xml = part(&docx, footer);
        assert!(xml.contains(" PAGE "), "{footer}");
        assert!(
            xml.contains(&format!(r#"<w:jc w:val="{side}"/>"#)),
            "{footer}"
        );
        assert_eq!(runs(&xml).concat(), "— 1 —", "{footer}");
    }
    assert!(part(&docx, "word/settings.xml").contains("<w:evenAndOddHeaders/>"));
    assert!(document.contains(r#"w:type="default""#) && document.contains(r#"w:type="even""#));
}

/// `needle` in `text` in at most `pieces` parts, in order (each part as long as it can be).
fn in_pieces(text: &str, needle: &str, pieces: usize) -> bool {
    let (mut from, mut rest, mut used) = (0, needle, 0);
    while !rest.is_empty() {
        let found = rest
            .char_indices()
            .map(|(i, c)| i + c.len_utf8())
            .rev()
            .find_map(|end| text[from..].find(&rest[..end]).map(|at| (at, end)));
        let Some((at, end)) = found else {
            return false;
        };
        from += at + end;
        rest = &rest[end..];
        used += 1;
    }
    used <= pieces
}

/// Squeezed PDF text without the "—N—" between pages (they split paragraphs).
fn without_page_numbers(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('—') {
        let after = &rest[at + '—'.len_utf8()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 && after[digits..].starts_with('—') {
            out.push_str(&rest[..at]);
            rest = &after[digits + '—'.len_utf8()..];
        } else {
            out.push_str(&rest[..at + '—'.len_utf8()]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The lines of a PDF's text (`pdftotext -raw`), white space removed, empty lines dropped.
fn pdf_lines(pdf: &Path) -> Vec<String> {
    pdftotext(pdf, "-raw")
        .lines()
        .map(squeeze)
        .filter(|l| !l.is_empty())
        .collect()
}

fn is_page_number(line: &str) -> bool {
    let digits = line.trim_matches(|c| c == '—' || c == '-');
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

fn pages(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap()
}

#[test]
fn libreoffice_opens_it_with_every_heading_paragraph_and_label() {
    let (ws, reports, dir) = built();
    let converted = ws.path().join("libreoffice");
    let profile = ws.path().join("lo-profile");
    let docs: Vec<PathBuf> = reports
        .iter()
        .map(|r| dir.join(format!("{}.docx", r.info.agency)))
        .collect();
    let pdfs = soffice_pdfs(&docs, &converted, &profile);
    for ((report, docx), pdf) in reports.iter().zip(&docs).zip(&pdfs) {
        let agency = &report.info.agency;
        let text = without_page_numbers(&pdf_text(pdf));
        assert!(text.contains(&format!("{agency}2025年政府信息公开工作年度报告")));
        for (_, heading) in schema::SECTIONS {
            assert!(text.contains(heading), "{agency}: heading「{heading}」");
        }
        for p in report.paragraphs() {
            let p: String = p.text.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(text.contains(&p), "{agency}: paragraph「{p}」");
        }
        for t in schema::tables() {
            for cell in &t.grid {
                let schema::Content::Label(label) = cell.content else {
                    continue;
                };
                let label: String = label.chars().filter(|c| !c.is_whitespace()).collect();
                // A cell over many rows that a page break cuts shows its text in two parts.
                let pieces = if cell.rows > 1 { 2 } else { 1 };
                assert!(
                    in_pieces(&text, &label, pieces),
                    "{agency}: label「{label}」"
                );
            }
        }
        // The title breaks where nianbao's PDF breaks it, and the 落款 closes the report.
        let own = pdf_lines(&dir.join(format!("{agency}.pdf")));
        let lo = pdf_lines(pdf);
        assert_eq!(lo[..2], own[..2], "{agency}: the title's lines");
        assert_eq!(
            own[..2],
            [
                format!("{agency}2025年"),
                "政府信息公开工作年度报告".to_string()
            ]
        );
        let date = report.info.published.unwrap().chinese();
        for lines in [&own, &lo] {
            let end: Vec<&String> = lines
                .iter()
                .filter(|l| !is_page_number(l))
                .rev()
                .take(2)
                .collect();
            assert_eq!(end, [&date, agency], "{agency}: the 落款");
        }
        let ours = pages(&dir.join(format!("{agency}.pdf")));
        let theirs = pages(pdf);
        assert!(
            ours.abs_diff(theirs) <= 1,
            "{}: LibreOffice sets {theirs} pages, nianbao's PDF has {ours}",
            docx.display()
        );
    }
}
