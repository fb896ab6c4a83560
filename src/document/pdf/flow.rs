//! The running text of a PDF: glyphs into lines, page furniture out, lines into paragraphs.
//!
//! A paragraph of Chinese official text starts indented by two characters and its last line
//! ends short of the right edge; a heading or a title is a line of its own (indented or
//! centred, short, or in another size). Those are the only cues used, so the rules hold for any
//! producer; a paragraph that runs over a page break is joined, since the break is no cue.

use super::content::Glyph;
use super::lattice::join_line;
use crate::document::Para;

#[derive(Debug, Clone)]
pub struct Line {
    pub page: usize,
    pub y: f32,
    pub x0: f32,
    pub x1: f32,
    pub size: f32,
    pub text: String,
    /// How many tables on the page start above this line: text on two sides of a table is not
    /// one paragraph.
    zone: usize,
    /// How many tables the page has.
    zones: usize,
    height: f32,
}

pub struct Paragraph {
    pub page: usize,
    pub top: f32,
    pub para: Para,
}

/// A gap wider than this many sizes splits a line into two (a header's left and right parts).
const SPLIT_GAP: f32 = 3.0;

pub fn lines(
    mut glyphs: Vec<Glyph>,
    page: usize,
    _width: f32,
    height: f32,
    tops: &[f32],
) -> Vec<Line> {
    glyphs.retain(|g| g.size > 0.5 && g.text.chars().any(|c| !c.is_whitespace()));
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut rows: Vec<Vec<Glyph>> = Vec::new();
    for g in glyphs {
        match rows.last_mut() {
            Some(row) if (row[0].y - g.y).abs() <= row[0].size.max(g.size) * 0.3 => row.push(g),
            _ => rows.push(vec![g]),
        }
    }
    let mut out = Vec::new();
    for mut row in rows {
        row.sort_by(|a, b| a.x.total_cmp(&b.x));
        let mut start = 0;
        for i in 1..=row.len() {
            let split = i == row.len()
                || row[i].x - (row[i - 1].x + row[i - 1].width) > SPLIT_GAP * row[i].size.max(1.0);
            if !split {
                continue;
            }
            let part: Vec<&Glyph> = row[start..i].iter().collect();
            let size = part.iter().map(|g| g.size).fold(0.0, f32::max);
            let y = part[0].y;
            out.push(Line {
                page,
                y,
                x0: part[0].x,
                x1: part.last().map(|g| g.x + g.width).unwrap_or(part[0].x),
                size,
                text: join_line(&part),
                zone: tops.iter().filter(|t| **t < y).count(),
                zones: tops.len(),
                height,
            });
            start = i;
        }
    }
    out
}

/// Whether `text` is a page number as reports print them: `-4-`, `— 4 —`, `4`, `第4页`,
/// `第4页 共6页`, `4/6`.
fn page_number(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_matches(|c| "-—–－‒―_·•".contains(c));
    if !t.is_empty() && t.len() <= 3 && t.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    if let Some(rest) = t.strip_prefix('第') {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let after = &rest[digits.len()..];
        return !digits.is_empty() && (after == "页" || after.starts_with("页共"));
    }
    if let Some((a, b)) = t.split_once('/') {
        return !a.is_empty()
            && !b.is_empty()
            && a.chars().chain(b.chars()).all(|c| c.is_ascii_digit());
    }
    false
}

/// Without page numbers near the top or bottom of a page, and without the lines that repeat at
/// the same height on most pages (running headers and footers).
pub fn without_furniture(lines: Vec<Line>) -> Vec<Line> {
    let pages = lines.iter().map(|l| l.page).max().map_or(0, |p| p + 1);
    let margin = |l: &Line| l.y < l.height * 0.12 || l.y > l.height * 0.86;
    let repeated = |l: &Line| {
        pages >= 3
            && margin(l)
            && lines
                .iter()
                .filter(|o| o.page != l.page && (o.y - l.y).abs() < 2.0 && o.text == l.text)
                .count()
                + 1
                >= pages.div_ceil(2)
    };
    let keep: Vec<bool> = lines
        .iter()
        .map(|l| !((margin(l) && page_number(&l.text)) || repeated(l)))
        .collect();
    lines
        .into_iter()
        .zip(keep)
        .filter_map(|(l, k)| k.then_some(l))
        .collect()
}

pub fn paragraphs(lines: &[Line]) -> Vec<Paragraph> {
    let mut out: Vec<Paragraph> = Vec::new();
    let mut count_on_page = 0;
    let mut text = String::new();
    let mut prev: Option<&Line> = None;
    // The text block, from all pages (a page may hold one line): where most lines start, and
    // how far the longest reach.
    let (left, right) = text_block(lines);
    for line in lines {
        let new = match prev {
            None => true,
            Some(p) => {
                let size = line.size.max(1.0);
                let table_between = if p.page == line.page {
                    line.zone != p.zone
                } else {
                    p.zone < p.zones || line.zone > 0
                };
                line.x0 > left + size * 0.9
                    || p.x1 < right - size * 1.5
                    || (line.size - p.size).abs() > p.size * 0.15
                    || table_between
                    || (p.page == line.page && line.y - p.y > size * 2.6)
            }
        };
        if new {
            flush(&mut text, prev, &mut out, &mut count_on_page);
            if prev.is_none_or(|p| p.page != line.page) {
                count_on_page = 0;
            }
            out.push(Paragraph {
                page: line.page,
                top: line.y - line.size,
                para: Para {
                    text: String::new(),
                    place: String::new(),
                },
            });
            count_on_page += 1;
            if let Some(p) = out.last_mut() {
                p.para.place = format!("第{}页第{count_on_page}段", line.page + 1);
            }
        }
        append(&mut text, &line.text);
        prev = Some(line);
    }
    flush(&mut text, prev, &mut out, &mut count_on_page);
    out.retain(|p| !p.para.text.trim().is_empty());
    out
}

/// The left edge most lines start at and the right edge full lines reach (the 10th and 90th
/// percentiles, so a centred title or a stray mark does not move them).
fn text_block(lines: &[Line]) -> (f32, f32) {
    let mut x0: Vec<f32> = lines.iter().map(|l| l.x0).collect();
    let mut x1: Vec<f32> = lines.iter().map(|l| l.x1).collect();
    x0.sort_by(f32::total_cmp);
    x1.sort_by(f32::total_cmp);
    let at = |v: &[f32], q: f32| {
        v.get(((v.len() as f32 - 1.0) * q) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    (at(&x0, 0.1), at(&x1, 0.9))
}

/// Joins a line to its paragraph: nothing between Chinese, a space between Latin words (a word
/// broken by a hyphen at the line end is joined).
fn append(text: &mut String, line: &str) {
    let last = text.chars().last();
    let first = line.chars().next();
    if let (Some(a), Some(b)) = (last, first)
        && a.is_ascii_alphanumeric()
        && b.is_ascii_alphanumeric()
        && !(a.is_ascii_digit() && b.is_ascii_digit())
    {
        text.push(' ');
    }
    text.push_str(line.trim());
}

fn flush(text: &mut String, _prev: Option<&Line>, out: &mut [Paragraph], _count: &mut usize) {
    if let Some(p) = out.last_mut()
        && p.para.text.is_empty()
    {
        p.para.text = std::mem::take(text);
    } else {
        text.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_as_printed() {
        for t in [
            "-4-",
            "— 4 —",
            "4",
            "第4页",
            "第 4 页 共 6 页",
            "4/6",
            "- 12 -",
        ] {
            assert!(page_number(t), "{t}");
        }
        for t in ["2024年", "一、总体情况", "3119", "12345"] {
            assert!(!page_number(t), "{t}");
        }
    }
}
