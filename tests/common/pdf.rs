//! Reading PDFs back as a reader would: visual lines with their boxes (pdftotext -bbox).

use std::path::Path;
use std::process::Command;

pub const MM: f64 = 72.0 / 25.4;
pub const LEFT: f64 = 28.0 * MM;
pub const RIGHT: f64 = (28.0 + 156.0) * MM;
pub const TOP: f64 = 37.0 * MM;
pub const BOTTOM: f64 = (37.0 + 225.0) * MM;
pub const TOLERANCE: f64 = 0.5 * MM;

#[derive(Debug)]
pub struct Line {
    pub page: usize,
    pub x_min: f64,
    pub y_min: f64,
    pub x_max: f64,
    pub y_max: f64,
    pub text: String,
}

fn attr(tag: &str, name: &str) -> f64 {
    let key = format!("{name}=\"");
    let start = tag.find(&key).unwrap() + key.len();
    let end = start + tag[start..].find('"').unwrap();
    tag[start..end].parse().unwrap()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// Every visual line of the PDF: the words pdftotext finds, grouped by page and baseline and
/// read left to right, with the box around them in pt from the page's top-left corner.
/// (pdftotext's own line grouping splits a line where squeezed punctuation steps back.)
pub fn lines(pdf: &Path) -> Vec<Line> {
    let mut result: Vec<Line> = Vec::new();
    for w in words(pdf) {
        match result.last_mut() {
            Some(l) if l.page == w.page && (l.y_max - w.y_max).abs() < 1.0 => {
                l.x_min = l.x_min.min(w.x_min);
                l.x_max = l.x_max.max(w.x_max);
                l.y_min = l.y_min.min(w.y_min);
                l.text.push_str(&w.text);
            }
            _ => result.push(w),
        }
    }
    result
}

/// Every word pdftotext finds, in reading order (page, baseline, x), on A4 portrait pages.
pub fn words(pdf: &Path) -> Vec<Line> {
    let mut words = Vec::new();
    for (n, page) in pages(pdf).into_iter().enumerate() {
        let (w, h) = (page.width, page.height);
        assert!(
            (w - 595.28).abs() < 0.5 && (h - 841.89).abs() < 0.5,
            "not A4: {w}×{h}"
        );
        words.extend(page.words.into_iter().map(|l| Line { page: n + 1, ..l }));
    }
    words.sort_by(|a, b| {
        (a.page, a.y_max, a.x_min)
            .partial_cmp(&(b.page, b.y_max, b.x_min))
            .unwrap()
    });
    words
}

/// One printed page: its size and the boxes of its words (pt, from the top-left corner).
#[derive(Debug)]
pub struct Page {
    pub width: f64,
    pub height: f64,
    pub words: Vec<Line>,
}

/// Every page of any size with its words (pdftotext -bbox), for measuring prints.
pub fn pages(pdf: &Path) -> Vec<Page> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    let mut pages: Vec<Page> = Vec::new();
    for chunk in html.split('<').skip(1) {
        if chunk.starts_with("page ") {
            pages.push(Page {
                width: attr(chunk, "width"),
                height: attr(chunk, "height"),
                words: Vec::new(),
            });
        } else if chunk.starts_with("word ")
            && let Some(page) = pages.last_mut()
        {
            page.words.push(Line {
                page: 0,
                x_min: attr(chunk, "xMin"),
                y_min: attr(chunk, "yMin"),
                x_max: attr(chunk, "xMax"),
                y_max: attr(chunk, "yMax"),
                text: unescape(chunk.split_once('>').unwrap().1),
            });
        }
    }
    pages
}
