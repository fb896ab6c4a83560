//! Breaking Chinese text into lines.
//!
//! Text is cut into atoms that never break inside, at the break opportunities of the Unicode line
//! breaking algorithm (icu_segmenter, strict): closing punctuation stays with what it closes and
//! opening punctuation with what it opens, so no line starts with `，。）》” …` or ends with
//! `（《“ …` (禁则). On top of that a run of Latin letters and digits (`12.5%`, `010-12345678`, an
//! e-mail address or URL) and a number with its unit (`2025年`) are never split. Lines are filled
//! greedily and justified by spreading the slack between characters, never inside a word.

use icu_segmenter::LineSegmenter;
use icu_segmenter::LineSegmenterBorrowed;
use icu_segmenter::options::LineBreakOptions;

use super::fonts::{FontSet, Role};

/// Characters that must not start a line.
pub fn is_closing(c: char) -> bool {
    "，。、；：？！）》」』】〕〉〗〙〛”’…—%‰·．,.;:?!)]}>、～°℃".contains(c)
}

/// Characters that must not end a line.
pub fn is_opening(c: char) -> bool {
    "（《「『【〔〈〖〘〚“‘([{<".contains(c)
}

/// Characters that keep a Latin/number run together (`12.5`, `010-1234`, `a@b.cn`, `https://`).
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._-@/:%+#&=?~".contains(c)
}

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
    let glyphs = squeeze_punctuation(glyphs, style.size);
    let mut lines: Vec<Vec<Glyph>> = Vec::new();
    let mut current: Vec<Glyph> = Vec::new();
    // Width of the glyphs on the current line; the first line is shorter by the indent.
    let mut used = 0.0;
    let room =
        |lines: &Vec<Vec<Glyph>>| measure - if lines.is_empty() { style.indent } else { 0.0 };
    for atom in atoms(&glyphs, style.title_words) {
        if current.is_empty() && atom.iter().all(|g| g.c == ' ') {
            continue;
        }
        let w: f32 = atom.iter().map(|g| g.width).sum();
        let fits = |used: f32, lines: &Vec<Vec<Glyph>>| {
            used + w + unsqueeze(atom.last(), style.size) - hang(atom, style.size)
                <= room(lines) + 0.01
        };
        if w - hang(atom, style.size) > measure + 0.01 {
            // Wider than any line (a long URL): it has to be split, so it fills this line first.
            split_long_atom(atom, &mut lines, &mut current, &mut used, &room, style.size);
            continue;
        }
        if !fits(used, &lines) && !current.is_empty() {
            lines.push(std::mem::take(&mut current));
            used = 0.0;
        }
        if !fits(used, &lines) {
            // Only the indented first line is too short for it.
            split_long_atom(atom, &mut lines, &mut current, &mut used, &room, style.size);
            continue;
        }
        current.extend_from_slice(atom);
        used += w;
    }
    if !current.is_empty() {
        lines.push(current);
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
    let out = lines
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
        .collect();
    (out, missing)
}

/// Full-width punctuation whose ink sits in the left half of its box (GB style).
fn blank_after(c: char) -> bool {
    "，。、；：）》」』】〕〉〗”’".contains(c)
}

/// Full-width punctuation whose ink sits in the right half of its box.
fn blank_before(c: char) -> bool {
    "（《「『【〔〈〖“‘".contains(c)
}

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
    let (lines, missing) = break_lines(fonts, text, style, measure);
    if lines.len() < 2 {
        return (lines, missing);
    }
    let (mut lo, mut hi) = (measure / lines.len() as f32 * 0.5, measure);
    for _ in 0..16 {
        let mid = (lo + hi) / 2.0;
        if break_lines(fonts, text, style, mid).0.len() == lines.len() {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    (break_lines(fonts, text, style, hi).0, missing)
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

/// Sets an atom that cannot fit on one line across lines: character by character, each line
/// ending preferably after a URL separator (`/`, `.`, `-`, `@` …), never before closing
/// punctuation nor after opening punctuation.
/// Whether no line may break between `a` and `b` beyond what UAX #14 already forbids.
fn keeps_together(a: char, b: char, title_words: bool) -> bool {
    let word = is_word(a) && is_word(b);
    let number_and_unit = a.is_ascii_digit() && is_ideograph(b);
    let title_word = title_words && TITLE_WORDS.iter().any(|w| w == &[a, b]);
    word || number_and_unit || title_word || is_closing(b) || is_opening(a)
}

/// Two-character words of report titles that a title line never splits (GB/T 9704 7.3.3:
/// a title breaks where its meaning allows).
const TITLE_WORDS: [[char; 2]; 9] = [
    ['政', '府'],
    ['信', '息'],
    ['公', '开'],
    ['工', '作'],
    ['年', '度'],
    ['报', '告'],
    ['人', '民'],
    ['机', '关'],
    ['办', '公'],
];

fn split_long_atom(
    atom: &[Glyph],
    lines: &mut Vec<Vec<Glyph>>,
    current: &mut Vec<Glyph>,
    used: &mut f32,
    room: &dyn Fn(&Vec<Vec<Glyph>>) -> f32,
    size: f32,
) {
    let start = current.len();
    for g in atom {
        let room_now = room(lines);
        // Closing punctuation may hang past the measure by the half em that justification
        // takes back, and only one of it: a run of dashes or full stops breaks like any text
        // rather than leave the text block (禁则 yields to the box).
        let full = g.width + unsqueeze(Some(g), size);
        let over = *used + full - room_now;
        let may_hang =
            is_closing(g.c) && *used <= room_now + 0.01 && over <= full.min(size * 0.5) + 0.01;
        if over > 0.01 && !current.is_empty() && !may_hang {
            // Back up to the last separator of this atom on the line, if there is one; before
            // closing punctuation, take the character it closes down with it (禁则) unless the
            // line holds nothing else.
            let mut cut = current[start.min(current.len())..]
                .iter()
                .rposition(|x| "/.-@?&=_".contains(x.c))
                .map(|p| start + p + 1)
                .filter(|&p| p < current.len())
                .unwrap_or(current.len());
            if cut == current.len()
                && is_closing(g.c)
                && let Some(p) = current.iter().rposition(|x| !is_closing(x.c))
                && p > 0
                && current.len() - p <= MAX_CARRIED_CLOSING
            {
                cut = p;
            }
            let mut carried = current.split_off(cut);
            while current.len() > 1 && current.last().is_some_and(|l| is_opening(l.c)) {
                carried.insert(0, current.pop().expect("checked non-empty"));
            }
            lines.push(std::mem::take(current));
            *used = carried.iter().map(|c| c.width).sum();
            *current = carried;
        }
        current.push(*g);
        *used += g.width;
    }
}

/// A closing mark that does not fit takes the character it closes down with it only if at most
/// this many marks stand between them (`好。”`); a longer run breaks inside itself instead of
/// leaving a line of two characters spread across the measure.
const MAX_CARRIED_CLOSING: usize = 3;

/// What a glyph gains if a line ends after it: the half em its squeeze took.
fn unsqueeze(g: Option<&Glyph>, size: f32) -> f32 {
    match g {
        Some(g) if g.squeezed => size * SQUEEZE,
        _ => 0.0,
    }
}

/// How far an atom may stick out past the measure: closing punctuation at its end hangs by up
/// to half an em (its ink sits in the first half of its box), and justification takes it back.
fn hang(atom: &[Glyph], size: f32) -> f32 {
    match atom.last() {
        Some(g) if is_closing(g.c) && atom.len() > 1 => g.width.min(size * 0.5),
        _ => 0.0,
    }
}

/// Unicode line breaking (UAX #14) with CSS `line-break: strict`, the rules for Chinese text:
/// no break before closing punctuation, after opening punctuation, inside numbers.
const SEGMENTER: LineSegmenterBorrowed<'static> =
    LineSegmenter::new_for_non_complex_scripts(LineBreakOptions::default());

/// Splits glyphs into unbreakable atoms at the break opportunities UAX #14 gives, less these:
/// none inside a run of Latin letters and digits (UAX #14 would break a URL after `/`), none
/// between a number and the character after it (its unit: 2025年), and none before or after the
/// punctuation GB practice forbids at a line's start or end, dashes and ellipses included.
fn atoms(glyphs: &[Glyph], title_words: bool) -> Vec<&[Glyph]> {
    let text: String = glyphs.iter().map(|g| g.c).collect();
    let mut char_index = vec![0usize; text.len() + 1];
    for (i, (byte, _)) in text.char_indices().enumerate() {
        char_index[byte] = i;
    }
    char_index[text.len()] = glyphs.len();
    let mut cuts: Vec<usize> = SEGMENTER
        .segment_str(&text)
        .map(|byte| char_index[byte])
        .filter(|&i| {
            i == 0
                || i == glyphs.len()
                || !keeps_together(glyphs[i - 1].c, glyphs[i].c, title_words)
        })
        .collect();
    cuts.dedup();
    cuts.windows(2)
        .map(|w| &glyphs[w[0]..w[1]])
        .filter(|a| !a.is_empty())
        .collect()
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
