//! Setting Chinese text in lines.
//!
//! Each character gets its face and width; adjacent full-width punctuation is squeezed by half
//! an em (CLREQ 3.1.6); `breaks` chooses where the lines end, over the whole paragraph at once
//! (total fit, 禁则 as hard constraints); each line but the last is then justified by spreading
//! its slack between characters, never inside a word or number, and closing punctuation at a
//! line's end may hang half an em that justification takes back.

mod breaks;

use super::fonts::{FontSet, Role};
use breaks::{Candidates, Frame, fits_one_line, total_fit};

/// Characters that must not start a line.
pub fn is_closing(c: char) -> bool {
    CLOSING.contains(&c)
}

const CLOSING: &[char] = &[
    '，', '。', '、', '；', '：', '？', '！', '）', '》', '」', '』', '】', '〕', '〉', '〗', '〙',
    '〛', '”', '’', '…', '—', '%', '‰', '·', '．', ',', '.', ';', ':', '?', '!', ')', ']', '}',
    '>', '～', '°', '℃',
];

/// Characters that must not end a line.
pub fn is_opening(c: char) -> bool {
    OPENING.contains(&c)
}

const OPENING: &[char] = &[
    '（', '《', '「', '『', '【', '〔', '〈', '〖', '〘', '〚', '“', '‘', '(', '[', '{', '<',
];

/// Characters that keep a Latin/number run together (`12.5`, `010-1234`, `a@b.cn`, `https://`).
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || WORD_MARKS.contains(&c)
}

const WORD_MARKS: &[char] = &[
    '.', '_', '-', '@', '/', ':', '%', '+', '#', '&', '=', '?', '~',
];

fn is_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFD)
}

/// A run of text in one face at a horizontal offset within its line.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub face: usize,
    pub text: String,
    /// Offset from the start of the line, in pt.
    pub x: f32,
    /// Extra space after every character (PDF `Tc`), in pt: the tracking.
    pub spacing: f32,
    /// (characters before it, pt to move back; negative moves on) — PDF `TJ` adjustments for
    /// squeezed punctuation and justification.
    pub kerns: Vec<(usize, f32)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub runs: Vec<Run>,
    /// Natural width plus justification, in pt.
    pub width: f32,
    /// Space added to each gap between characters by justification, in pt (negative: taken).
    pub stretch: f32,
}

impl Line {
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

/// How to set one block of text.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub role: Role,
    pub size: f32,
    /// First-line indent in pt.
    pub indent: f32,
    /// Justify every line except the last.
    pub justify: bool,
    /// Added to every character's advance, in pt: puts the body on the 28-character grid.
    pub tracking: f32,
    /// Never break inside the words of a report title (政府, 信息, 公开 …; see `TITLE_WORDS`).
    pub title_words: bool,
}

impl Style {
    pub fn new(role: Role, size: f32) -> Self {
        Style {
            role,
            size,
            indent: 0.0,
            justify: false,
            tracking: 0.0,
            title_words: false,
        }
    }
}

/// A character with its face and width.
#[derive(Debug, Clone, Copy)]
struct Glyph {
    c: char,
    face: Option<usize>,
    /// Advance including tracking and any squeeze.
    width: f32,
    /// Half its em was taken away (adjacent full-width punctuation): the pen moves back after it.
    squeezed: bool,
}

/// Lines of `text` set in `measure` pt. Characters no face of the role has are returned in
/// `missing` (and set with the primary face's width so layout still completes).
pub fn break_lines(
    fonts: &FontSet,
    text: &str,
    style: Style,
    measure: f32,
) -> (Vec<Line>, Vec<char>) {
    let (glyphs, missing) = shape(fonts, text, style);
    let candidates = Lazy::new(&glyphs, style);
    let ends = line_ends(&glyphs, &candidates, style, measure);
    (set_lines(fonts, &glyphs, &ends, style, measure), missing)
}

/// Each character with its face and width, adjacent punctuation squeezed; and the characters
/// no face of the role has.
fn shape(fonts: &FontSet, text: &str, style: Style) -> (Vec<Glyph>, Vec<char>) {
    let mut missing = Vec::new();
    let glyphs: Vec<Glyph> = text
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            let found = fonts.face_for(style.role, c);
            let face = found.map(|(f, _)| f);
            let em = found.map(|(_, em)| em).unwrap_or_else(|| {
                if !missing.contains(&c) {
                    missing.push(c);
                }
                1.0
            });
            Glyph {
                c,
                face,
                width: em * style.size + style.tracking,
                squeezed: false,
            }
        })
        .collect();
    (squeeze_punctuation(glyphs, style.size), missing)
}

/// A text's break candidates, found the first time a text needs more than one line: most table
/// cells fit on one, and segmenting them would be most of their cost.
struct Lazy<'a> {
    glyphs: &'a [Glyph],
    title_words: bool,
    found: std::cell::OnceCell<Candidates>,
}

impl<'a> Lazy<'a> {
    fn new(glyphs: &'a [Glyph], style: Style) -> Self {
        Lazy {
            glyphs,
            title_words: style.title_words,
            found: std::cell::OnceCell::new(),
        }
    }

    fn get(&self) -> &Candidates {
        self.found
            .get_or_init(|| Candidates::new(self.glyphs, self.title_words))
    }
}

/// Where each line ends (glyph indices, the last being the text's end).
fn line_ends(glyphs: &[Glyph], candidates: &Lazy, style: Style, measure: f32) -> Vec<usize> {
    let frame = Frame {
        width: measure,
        indent: style.indent,
        size: style.size,
        justify: style.justify,
    };
    if fits_one_line(glyphs, &frame) {
        return vec![glyphs.len()];
    }
    let breaks = candidates.get().in_frame(glyphs, &frame);
    let stretchable = |i: usize| !(is_word(glyphs[i].c) && is_word(glyphs[i + 1].c));
    total_fit(glyphs, &breaks, &frame, stretchable)
}

/// The lines ending at `ends`, each but the last justified if the style says so.
fn set_lines(
    fonts: &FontSet,
    glyphs: &[Glyph],
    ends: &[usize],
    style: Style,
    measure: f32,
) -> Vec<Line> {
    let mut lines: Vec<Vec<Glyph>> = Vec::with_capacity(ends.len());
    let mut from = 0;
    for &end in ends {
        // Spaces at a line's start fall away, as at its end.
        let ink = glyphs[from..end]
            .iter()
            .position(|g| g.c != ' ')
            .map_or(end, |p| from + p);
        if ink < end {
            lines.push(glyphs[ink..end].to_vec());
        }
        from = end;
    }
    // Punctuation squeezed against a partner that went to the next line takes its full width
    // back: its glyph box would otherwise reach past the measure.
    for line in &mut lines {
        if let Some(g) = line.iter_mut().rev().find(|g| g.c != ' ')
            && g.squeezed
        {
            g.width += style.size * SQUEEZE;
            g.squeezed = false;
        }
    }
    let count = lines.len();
    lines
        .into_iter()
        .enumerate()
        .map(|(i, glyphs)| {
            let indent = if i == 0 { style.indent } else { 0.0 };
            let last = i + 1 == count;
            set_line(
                fonts,
                &glyphs,
                style,
                measure - indent,
                style.justify && !last,
            )
        })
        .collect()
}

/// Full-width punctuation whose ink sits in the left half of its box (GB style).
fn blank_after(c: char) -> bool {
    BLANK_AFTER.contains(&c)
}

const BLANK_AFTER: &[char] = &[
    '，', '。', '、', '；', '：', '）', '》', '」', '』', '】', '〕', '〉', '〗', '”', '’',
];

/// Full-width punctuation whose ink sits in the right half of its box.
fn blank_before(c: char) -> bool {
    BLANK_BEFORE.contains(&c)
}

const BLANK_BEFORE: &[char] = &['（', '《', '「', '『', '【', '〔', '〈', '〖', '“', '‘'];

/// The share of an em taken from squeezed punctuation.
const SQUEEZE: f32 = 0.5;

/// Two full-width punctuation marks side by side (`》（`, `。”`, `“《`) would leave a full em of
/// blank between their inks; take half an em away (GB/T 15834 practice, CLREQ 3.1.6).
fn squeeze_punctuation(mut glyphs: Vec<Glyph>, size: f32) -> Vec<Glyph> {
    for i in 1..glyphs.len() {
        let (a, b) = (glyphs[i - 1].c, glyphs[i].c);
        if blank_after(a) && (blank_after(b) || blank_before(b)) {
            glyphs[i - 1].width -= size * SQUEEZE;
            glyphs[i - 1].squeezed = true;
        } else if blank_before(a) && blank_before(b) {
            // The second one's leading blank goes: it starts half an em to the left.
            glyphs[i - 1].width -= size * SQUEEZE;
            glyphs[i - 1].squeezed = true;
        }
    }
    glyphs
}

/// Like `break_lines`, but with lines of even length: the narrowest measure that still gives
/// the same number of lines. Used for centred text (titles, table headers), where a last line
/// of one or two characters looks like a mistake.
pub fn break_balanced(
    fonts: &FontSet,
    text: &str,
    style: Style,
    measure: f32,
) -> (Vec<Line>, Vec<char>) {
    let (glyphs, missing) = shape(fonts, text, style);
    let candidates = Lazy::new(&glyphs, style);
    let count = line_ends(&glyphs, &candidates, style, measure).len();
    let mut best = measure;
    if count >= 2 {
        let (mut lo, mut hi) = (measure / count as f32 * 0.5, measure);
        for _ in 0..16 {
            let mid = (lo + hi) / 2.0;
            if line_ends(&glyphs, &candidates, style, mid).len() == count {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        best = hi;
    }
    let ends = line_ends(&glyphs, &candidates, style, best);
    (set_lines(fonts, &glyphs, &ends, style, best), missing)
}

/// A report title in as few lines as it takes, broken where its meaning allows: after the
/// agency's name or after the year (`淮安市人民政府2024年 / 政府信息公开工作年度报告`),
/// whichever gives the more even lines; never inside 政府, 信息, 公开, 工作, 年度, 报告.
pub fn break_title(
    fonts: &FontSet,
    text: &str,
    style: Style,
    measure: f32,
) -> (Vec<Line>, Vec<char>) {
    let style = Style {
        title_words: true,
        ..style
    };
    let (lines, missing) = break_lines(fonts, text, style, measure);
    if lines.len() < 2 {
        return (lines, missing);
    }
    let chars: Vec<char> = text.chars().collect();
    let two_lines = title_breaks(&chars)
        .into_iter()
        .filter_map(|at| {
            let head: String = chars[..at].iter().collect();
            let tail: String = chars[at..].iter().collect();
            let (mut a, _) = break_lines(fonts, &head, style, measure);
            let (b, _) = break_lines(fonts, &tail, style, measure);
            (a.len() == 1 && b.len() == 1).then(|| {
                a.extend(b);
                a
            })
        })
        .min_by(|x, y| imbalance(x).total_cmp(&imbalance(y)));
    match two_lines {
        Some(lines) => (lines, missing),
        None => break_balanced(fonts, text, style, measure),
    }
}

/// Where a title reads best broken: before the year's digits and after its 年.
fn title_breaks(chars: &[char]) -> Vec<usize> {
    let Some(start) = chars.iter().position(|c| c.is_ascii_digit()) else {
        return Vec::new();
    };
    let end = start
        + chars[start..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
    let mut at = vec![start];
    if chars.get(end) == Some(&'年') {
        at.push(end + 1);
    }
    at.retain(|&i| i > 0 && i < chars.len());
    at
}

fn imbalance(lines: &[Line]) -> f32 {
    let widths = lines.iter().map(|l| l.width);
    widths.clone().fold(0.0, f32::max) - widths.fold(f32::MAX, f32::min)
}

fn set_line(fonts: &FontSet, glyphs: &[Glyph], style: Style, measure: f32, justify: bool) -> Line {
    let trimmed: &[Glyph] = {
        let end = glyphs.iter().rposition(|g| g.c != ' ').map_or(0, |p| p + 1);
        &glyphs[..end]
    };
    // The last character's tracking falls outside the line.
    let natural: f32 = trimmed.iter().map(|g| g.width).sum::<f32>() - style.tracking;
    // Justification goes between characters, never inside a word or number.
    let stretchable = |i: usize| !(is_word(trimmed[i].c) && is_word(trimmed[i + 1].c));
    let gaps = (0..trimmed.len().saturating_sub(1))
        .filter(|i| stretchable(*i))
        .count() as f32;
    let stretch = if gaps > 0.0 && (justify || natural > measure) {
        // Overfull lines (hanging punctuation) are squeezed back by at most the half em they
        // hang; short lines (a long word pushed down) are spread to the full measure.
        ((measure - natural) / gaps).max(-style.size * 0.5 / gaps)
    } else {
        0.0
    };
    // One run per face; PDF `Tc` carries the tracking, and each character's own deviation from
    // its font advance (justification stretch, squeezed punctuation) is a `TJ` adjustment after
    // it, so a line stays one piece of text for extraction.
    let mut runs: Vec<Run> = Vec::new();
    let mut x = 0.0;
    let primary = fonts.chain(style.role).first().copied().unwrap_or(0);
    for (i, g) in trimmed.iter().enumerate() {
        let face = g.face.unwrap_or(primary);
        let extra = if i + 1 < trimmed.len() && stretchable(i) {
            stretch
        } else {
            0.0
        };
        match runs.last_mut() {
            Some(run) if run.face == face => run.text.push(g.c),
            _ => runs.push(Run {
                face,
                text: g.c.to_string(),
                x,
                spacing: style.tracking,
                kerns: Vec::new(),
            }),
        }
        let back = if g.squeezed {
            SQUEEZE * style.size
        } else {
            0.0
        } - extra;
        if back.abs() > 1e-4
            && let Some(run) = runs.last_mut()
        {
            run.kerns.push((run.text.chars().count(), back));
        }
        x += g.width + extra;
    }
    // An adjustment after a run's last character moves nothing the run draws.
    for run in &mut runs {
        let n = run.text.chars().count();
        run.kerns.retain(|(at, _)| *at < n);
    }
    Line {
        runs,
        width: natural + stretch * gaps,
        stretch,
    }
}

/// The natural width of `text` in `role` at `size`, in pt.
pub fn measure(fonts: &FontSet, text: &str, role: Role, size: f32) -> f32 {
    text.chars()
        .map(|c| fonts.face_for(role, c).map_or(1.0, |(_, em)| em) * size)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_classes() {
        assert!(is_closing('。') && is_closing('”') && is_closing('）'));
        assert!(is_opening('（') && is_opening('“') && is_opening('《'));
        assert!(!is_closing('中') && !is_opening('中'));
    }
}
