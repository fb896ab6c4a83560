//! The 落款: a report with its 发布日期 ends with the agency and the date, set right as GB/T 9704
//! 7.3.5.2 places them, in the PDF, the page and the Word document alike; a report without one
//! has none; and reading any of them back gives the date as 发布日期, not a paragraph of 六、.

use std::io::Read as _;
use std::path::Path;

use crate::common::*;
use nianbao::document::{Kind, read_file};
use nianbao::layout::page::Geometry;

/// (xMin, xMax, text) of each word `pdftotext -bbox` finds on the PDF's last page.
fn last_page_words(pdf: &Path) -> Vec<(f32, f32, String)> {
    let html = pdftotext(pdf, "-bbox");
    let last = html.rfind("<page").unwrap();
    html[last..]
        .lines()
        .filter_map(|l| {
            let l = l.trim().strip_prefix("<word ")?;
            let attr = |name: &str| -> Option<f32> {
                let at = l.find(&format!("{name}=\""))? + name.len() + 2;
                l[at..].split('"').next()?.parse().ok()
            };
            let text = l.split_once('>')?.1.strip_suffix("</word>")?.to_string();
            Some((attr("xMin")?, attr("xMax")?, text))
        })
        .collect()
}

fn docx_xml(docx: &Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

#[test]
fn a_dated_report_ends_with_its_signature_in_every_output() {
    let (_ws, reports, dir) = samples_built_with(&["--docx"]);
    let g = Geometry::gbt9704();
    let two = 2.0 * g.grid_advance();
    let right = g.left + g.measure - two;
    for report in &reports {
        let agency = &report.info.agency;
        let date = report
            .info
            .published
            .expect("the samples are dated")
            .chinese();

        let words = last_page_words(&dir.join(format!("{agency}.pdf")));
        let find = |t: &str| {
            words
                .iter()
                .find(|w| w.2 == *t)
                .unwrap_or_else(|| panic!("{agency}: 「{t}」 on the last page: {words:?}"))
                .clone()
        };
        let (a, d) = (find(agency), find(&date));
        // The longer of the two keeps two characters from the right; the date starts two
        // characters right of the agency.
        let widest = a.1.max(d.1);
        assert!(
            (widest - right).abs() < 1.0,
            "{agency}: right edge {widest} vs {right}"
        );
        assert!(
            (d.0 - a.0 - two).abs() < 1.0,
            "{agency}: date at {} agency at {}",
            d.0,
            a.0
        );

        let html = std::fs::read_to_string(dir.join(format!("{agency}.html"))).unwrap();
        let tail = &html[html
            .rfind("</p>\n<div")
            .expect("the signature follows the text")..];
        assert!(tail.contains(&format!(">{agency}</p>")) && tail.contains(&format!(">{date}</p>")));
        assert!(tail.contains("text-align:right") && tail.contains("padding-left:2em"));

        let xml = docx_xml(&dir.join(format!("{agency}.docx")));
        let at = xml.rfind(agency.as_str()).unwrap();
        assert!(
            xml[at..].contains(&date),
            "{agency}: the DOCX date follows the agency"
        );
        assert!(xml[..at].rfind("<w:ind w:left=\"").unwrap() > xml[..at].rfind("<w:p>").unwrap());
    }
}

#[test]
fn an_undated_report_has_none() {
    let mut report = sample_reports().remove(0);
    report.info.published = None;
    report.info.published_text.clear();
    let ws = workspace_of(&[report.clone()]);
    let (code, _, err) = run(ws.path(), &["build", "--docx"]);
    assert_eq!(code, 0, "{err}");
    let dir = ws.path().join("output/2025");
    let agency = &report.info.agency;
    let words = last_page_words(&dir.join(format!("{agency}.pdf")));
    assert!(!words.iter().any(|w| w.2 == *agency), "{words:?}");
    let html = std::fs::read_to_string(dir.join(format!("{agency}.html"))).unwrap();
    assert!(!html.contains("display:inline-block"));
    let xml = docx_xml(&dir.join(format!("{agency}.docx")));
    assert!(!xml.contains("<w:ind w:left=\""));
}

#[test]
fn the_signature_reads_back_as_the_date_and_not_as_prose() {
    let (_ws, reports, dir) = samples_built_with(&["--docx"]);
    for report in &reports {
        let agency = &report.info.agency;
        for (ext, kind) in [
            ("pdf", Kind::Pdf),
            ("html", Kind::Html),
            ("docx", Kind::Docx),
        ] {
            let back = read_file(&dir.join(format!("{agency}.{ext}")), kind).report;
            assert_eq!(back.info.published, report.info.published, "{agency}.{ext}");
            let last = back.paragraphs().last().map(|p| p.text.clone());
            assert_eq!(
                last,
                report.paragraphs().last().map(|p| p.text.clone()),
                "{agency}.{ext}: the last paragraph is the report's own"
            );
        }
    }
}
