//! Where a paragraph's lines end: total-fit line breaking (Knuth & Plass, "Breaking paragraphs
//! into lines", 1981) over Chinese text.
//!
//! A line may end only where 禁则 allows (the atoms of `opportunities`); among all ways of
//! breaking the paragraph there, the one with the least total demerits wins: each line's badness
//! grows with the cube of how far its inter-character spacing departs from the natural, so one
//! loose line costs more than several slightly adjusted ones. Inside URLs, e-mail addresses and
//! phone numbers a line may end after `/ . - @` at a penalty, taken only when the line would
//! otherwise be loose; a run wider than the line breaks anywhere at a larger one.

use icu_segmenter::LineSegmenter;
use icu_segmenter::LineSegmenterBorrowed;
use icu_segmenter::options::LineBreakOptions;

use super::{Glyph, SQUEEZE, is_closing, is_ideograph, is_opening, is_word};

/// A place a line may end: before glyph `at`, at a cost (TeX's penalty).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Break {
    pub at: usize,
    pub penalty: f64,
}

/// The box the lines go into.
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    pub width: f32,
    /// The first line is shorter by this much.
    pub indent: f32,
    pub size: f32,
    pub justify: bool,
}

/// The spacing change between two characters, in em, at which a line counts as loose
/// (badness 100, TeX's "adjustment ratio" 1).
pub(super) const LOOSE_EM: f64 = 0.25;
/// Every line costs this much: fewer lines are better, other things equal (TeX's \linepenalty).
const LINE_PENALTY: f64 = 10.0;
/// Ending a line inside an address: chosen over a line stretched to about the loose limit.
const ADDRESS_PENALTY: f64 = 100.0;
/// Ending a line inside a run that is wider than the line, where 禁则 allows it.
const EMERGENCY_PENALTY: f64 = 1_000.0;
/// Ending a line inside such a run where 禁则 forbids it (a run of 150 dashes): the box wins.
const FORBIDDEN_PENALTY: f64 = 3_000.0;
/// A last line of one character (「一。」 alone), taken only if no other break exists.
const LONELY_LAST_LINE: f64 = 1e9;
/// Adjacent lines two fitness classes apart (a loose line after a tight one): TeX's \adjdemerits.
const FITNESS_DEMERITS: f64 = 10_000.0;
/// Badness of a justified line that has nothing to stretch and is not full.
const RIGID_BADNESS: f64 = 1e5;
const MAX_BADNESS: f64 = 1e7;

/// Unicode line breaking (UAX #14) with CSS `line-break: strict`, the rules for Chinese text:
/// no break before closing punctuation, after opening punctuation, inside numbers.
const SEGMENTER: LineSegmenterBorrowed<'static> =
    LineSegmenter::new_for_non_complex_scripts(LineBreakOptions::default());

/// Where lines may end in a text, whatever the measure: the atoms' edges and the address breaks.
pub(super) struct Candidates {
    /// Atom edges, 0 and the text's end included.
    cuts: Vec<usize>,
    address: Vec<Break>,
    /// Inside or right after a URL's scheme.
    scheme: Vec<bool>,
}

impl Candidates {
    /// The break opportunities of UAX #14 less those inside a Latin/number run, between a number
    /// and its unit and next to punctuation GB practice keeps at a line's start or end; and the
    /// address breaks.
    pub(super) fn new(glyphs: &[Glyph], title_words: bool) -> Self {
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
        if cuts.first() != Some(&0) {
            cuts.insert(0, 0);
        }
        if cuts.last() != Some(&glyphs.len()) {
            cuts.push(glyphs.len());
        }
        cuts.dedup();
        let scheme = schemes(glyphs);
        Candidates {
            cuts,
            address: address_breaks(glyphs, &scheme),
            scheme,
        }
    }

    /// Every place a line may end in frame `f`, the text's end excluded: inside any atom that
    /// cannot fit on a line (wider than the measure, or than the first line at the start) a
    /// break between every two characters is added.
    pub(super) fn in_frame(&self, glyphs: &[Glyph], f: &Frame) -> Vec<Break> {
        let cuts = &self.cuts;
        let mut out: Vec<Break> = cuts[1..cuts.len().saturating_sub(1).max(1)]
            .iter()
            .map(|&at| Break { at, penalty: 0.0 })
            .collect();
        out.extend(&self.address);
        let mut emergency = false;
        for w in cuts.windows(2) {
            let atom = &glyphs[w[0]..w[1]];
            let widest = f.width - if w[0] == 0 { f.indent } else { 0.0 };
            if atom.iter().map(|g| g.width).sum::<f32>() - hang(atom, f.size) <= widest + 0.01 {
                continue;
            }
            emergency = true;
            for at in w[0] + 1..w[1] {
                let (a, b) = (glyphs[at - 1].c, glyphs[at].c);
                let forbidden = is_closing(b) || is_opening(a);
                if is_word(a) && is_word(b) {
                    // Inside a long URL or number: anywhere but in its scheme or before a mark.
                    if !forbidden && !self.scheme[at] {
                        out.push(Break {
                            at,
                            penalty: EMERGENCY_PENALTY,
                        });
                    }
                } else {
                    out.push(Break {
                        at,
                        penalty: if forbidden {
                            FORBIDDEN_PENALTY
                        } else {
                            EMERGENCY_PENALTY
                        },
                    });
                }
            }
        }
        if emergency || !self.address.is_empty() {
            out.sort_by(|a, b| a.at.cmp(&b.at).then(a.penalty.total_cmp(&b.penalty)));
            out.dedup_by_key(|b| b.at);
        }
        out
    }
}

/// How far an atom may reach past the measure: closing punctuation at its end hangs by up to
/// half an em (its ink sits in the first half of its box), and justification takes it back.
fn hang(atom: &[Glyph], size: f32) -> f32 {
    atom.last()
        .map_or(0.0, |g| line_hang(g, atom.len(), 0.0, size as f64) as f32)
}

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

/// The maximal runs of Latin letters, digits and their marks, as (start, end) glyph ranges.
fn word_runs(glyphs: &[Glyph]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < glyphs.len() {
        if !is_word(glyphs[start].c) {
            start += 1;
            continue;
        }
        let end = start + glyphs[start..].iter().take_while(|g| is_word(g.c)).count();
        out.push((start, end));
        start = end;
    }
    out
}

/// For each glyph position, whether it lies inside or right after a URL's scheme
/// (`https|:|/|/|www`): no line ends there, so `http://` never ends a line alone.
fn schemes(glyphs: &[Glyph]) -> Vec<bool> {
    let mut out = vec![false; glyphs.len() + 1];
    for (start, end) in word_runs(glyphs) {
        let run: String = glyphs[start..end].iter().map(|g| g.c).collect();
        if let Some(p) = run.find("://") {
            for flag in &mut out[start + 1..=(start + p + 3).min(end)] {
                *flag = true;
            }
        }
    }
    out
}

/// Breaks after `/ . - @` inside URLs, e-mail addresses and phone numbers, never inside or right
/// after a scheme's `://` and never at a run's edge; a run of marks (`//`) breaks after its last.
fn address_breaks(glyphs: &[Glyph], scheme: &[bool]) -> Vec<Break> {
    let mut out = Vec::new();
    for (start, end) in word_runs(glyphs) {
        let run: String = glyphs[start..end].iter().map(|g| g.c).collect();
        if !is_address(&run) {
            continue;
        }
        for at in start + 1..end {
            let (a, b) = (glyphs[at - 1].c, glyphs[at].c);
            if "/.-@".contains(a) && !"/.-@".contains(b) && !scheme[at] {
                out.push(Break {
                    at,
                    penalty: ADDRESS_PENALTY,
                });
            }
        }
    }
    out
}

/// A URL (`https://…`, `www.…`, `host/path`), an e-mail address or a phone number
/// (`0517-83601234`); not a figure like `12.5%` or a date like `2025-01-31`.
fn is_address(run: &str) -> bool {
    let lower = run.to_ascii_lowercase();
    let url = lower.contains("://")
        || lower.starts_with("www.")
        || (lower.contains('/')
            && lower.contains('.')
            && lower.chars().any(|c| c.is_ascii_alphabetic()));
    let email = run.contains('@') && run.contains('.');
    let digits = run.chars().filter(char::is_ascii_digit).count();
    let phone = run.contains('-')
        && run.chars().all(|c| c.is_ascii_digit() || c == '-')
        && digits >= 10
        && !looks_like_date(run);
    url || email || phone
}

fn looks_like_date(run: &str) -> bool {
    let parts: Vec<&str> = run.split('-').collect();
    parts.len() == 3 && parts[0].len() == 4 && parts[1].len() <= 2 && parts[2].len() <= 2
}

/// Per-glyph sums the line measurements read in constant time.
struct Prefix {
    /// Width of glyphs `..i`.
    width: Vec<f64>,
    /// Stretchable gaps between glyphs `..i` (a gap follows glyph `k` for `k + 1 < i`).
    gaps: Vec<u32>,
    /// First non-space glyph at or after `i`.
    next_ink: Vec<usize>,
    /// One past the last non-space glyph before `i`.
    ink_end: Vec<usize>,
}

impl Prefix {
    fn new(glyphs: &[Glyph], stretchable: impl Fn(usize) -> bool) -> Self {
        let n = glyphs.len();
        let mut width = Vec::with_capacity(n + 1);
        let mut gaps = Vec::with_capacity(n + 1);
        width.push(0.0);
        gaps.push(0);
        for (i, g) in glyphs.iter().enumerate() {
            width.push(width[i] + g.width as f64);
            let gap = i >= 1 && stretchable(i - 1);
            gaps.push(gaps[i] + gap as u32);
        }
        let mut next_ink = vec![n; n + 1];
        for i in (0..n).rev() {
            next_ink[i] = if glyphs[i].c == ' ' {
                next_ink[i + 1]
            } else {
                i
            };
        }
        let mut ink_end = vec![0; n + 1];
        for i in 1..=n {
            ink_end[i] = if glyphs[i - 1].c == ' ' {
                ink_end[i - 1]
            } else {
                i
            };
        }
        Prefix {
            width,
            gaps,
            next_ink,
            ink_end,
        }
    }
}

/// What a line from glyph `s` to `e` would look like.
struct Fit {
    /// Spacing change per stretchable gap, in em (negative: squeezed).
    ratio: f64,
    badness: f64,
    /// Beyond what hanging punctuation allows.
    overfull: bool,
}

/// How a line's slack is judged.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Spread between characters to fill the measure.
    Justified,
    /// Left as it falls, fuller being better (table cells, centred text).
    Ragged,
    /// A paragraph's last line: any slack is fine (TeX's \parfillskip).
    Last,
}

fn fit(glyphs: &[Glyph], p: &Prefix, f: &Frame, s: usize, e: usize, mode: Mode) -> Fit {
    let size = f.size as f64;
    let from = p.next_ink[s].min(e);
    let to = p.ink_end[e].max(from);
    if to == from {
        return Fit {
            ratio: 0.0,
            badness: 0.0,
            overfull: false,
        };
    }
    let last = &glyphs[to - 1];
    let unsqueeze = if last.squeezed {
        size * SQUEEZE as f64
    } else {
        0.0
    };
    // With the last character's tracking: on the body grid 28 characters fill the measure.
    let natural = p.width[to] - p.width[from] + unsqueeze;
    let room = f.width as f64 - if s == 0 { f.indent as f64 } else { 0.0 };
    // Closing punctuation may reach half an em past the measure: justification takes it back.
    let hang = line_hang(last, to - from, unsqueeze, size);
    let slack = room - natural;
    let overfull = slack < -hang - 0.01;
    let gaps = (p.gaps[to] - p.gaps[from + 1]) as f64;
    let (ratio, badness) = if slack >= 0.0 && mode == Mode::Last {
        (0.0, 0.0)
    } else if slack >= 0.0 && mode == Mode::Ragged {
        let r = slack / room.max(1.0);
        (0.0, 100.0 * r * r * r)
    } else if gaps == 0.0 {
        let rigid = slack > 0.01 && mode == Mode::Justified;
        (
            if rigid { 10.0 } else { 0.0 },
            if rigid { RIGID_BADNESS } else { 0.0 },
        )
    } else {
        let r = slack / gaps / (LOOSE_EM * size);
        (r, (100.0 * r.abs().powi(3)).min(MAX_BADNESS))
    };
    Fit {
        ratio,
        badness,
        overfull,
    }
}

/// Whether the whole text fits on its first line, as the only line: then it is the best break.
pub(super) fn fits_one_line(glyphs: &[Glyph], f: &Frame) -> bool {
    let Some(from) = glyphs.iter().position(|g| g.c != ' ') else {
        return true;
    };
    let to = glyphs
        .iter()
        .rposition(|g| g.c != ' ')
        .map_or(from, |p| p + 1);
    let size = f.size as f64;
    let last = &glyphs[to - 1];
    let unsqueeze = if last.squeezed {
        size * SQUEEZE as f64
    } else {
        0.0
    };
    let natural: f64 = glyphs[from..to].iter().map(|g| g.width as f64).sum::<f64>() + unsqueeze;
    natural - line_hang(last, to - from, unsqueeze, size) <= (f.width - f.indent) as f64 + 0.01
}

/// How far a line's last glyph may reach past the measure: closing punctuation by half an em
/// (justification takes it back), unless it is the line's only glyph.
fn line_hang(last: &Glyph, glyphs: usize, unsqueeze: f64, size: f64) -> f64 {
    if glyphs > 1 && is_closing(last.c) {
        (last.width as f64 + unsqueeze).min(size * 0.5)
    } else {
        0.0
    }
}

/// TeX's fitness classes: very loose, loose, decent, tight.
fn class(ratio: f64) -> usize {
    if ratio > 1.0 {
        0
    } else if ratio > 0.5 {
        1
    } else if ratio >= -0.5 {
        2
    } else {
        3
    }
}

/// A last line whose only ink is one character and its punctuation.
fn lonely(glyphs: &[Glyph]) -> bool {
    glyphs
        .iter()
        .filter(|g| g.c != ' ' && !is_closing(g.c) && !is_opening(g.c))
        .count()
        <= 1
}

/// The glyph index each line ends before, the last being `glyphs.len()`: the breaks of least
/// total demerits. `stretchable(i)`: whether justification may widen the gap after glyph `i`.
pub(super) fn total_fit(
    glyphs: &[Glyph],
    breaks: &[Break],
    f: &Frame,
    stretchable: impl Fn(usize) -> bool,
) -> Vec<usize> {
    if glyphs.is_empty() {
        return Vec::new();
    }
    let p = Prefix::new(glyphs, stretchable);
    // Node 0 is the paragraph's start, node k > 0 the break before `ats[k]`.
    let ats: Vec<usize> = std::iter::once(0)
        .chain(breaks.iter().map(|b| b.at))
        .chain(std::iter::once(glyphs.len()))
        .collect();
    let penalty = |k: usize| breaks.get(k.wrapping_sub(1)).map_or(0.0, |b| b.penalty);
    let last = ats.len() - 1;
    // best[k][class]: least demerits of a paragraph start ending a line at node k, and where
    // that line began.
    let mut best: Vec<[Option<(f64, usize, usize)>; 4]> = vec![[None; 4]; ats.len()];
    best[0][2] = Some((0.0, 0, 2));
    for k in 1..ats.len() {
        let e = ats[k];
        let is_last = k == last;
        let mode = match (is_last, f.justify) {
            (true, _) => Mode::Last,
            (false, true) => Mode::Justified,
            (false, false) => Mode::Ragged,
        };
        let pen = penalty(k);
        for j in (0..k).rev() {
            let s = ats[j];
            let line = fit(glyphs, &p, f, s, e, mode);
            if line.overfull && j + 1 < k {
                // Only wider from here on.
                break;
            }
            let c = class(line.ratio);
            let mut d = (LINE_PENALTY + line.badness).powi(2) + pen * pen;
            if line.overfull {
                d += MAX_BADNESS * MAX_BADNESS;
            }
            if is_last && j > 0 {
                let from = p.next_ink[s].min(e);
                if lonely(&glyphs[from..e]) {
                    d += LONELY_LAST_LINE;
                }
            }
            for prev in 0..4 {
                let Some((total, _, _)) = best[j][prev] else {
                    continue;
                };
                let adjacent = if c.abs_diff(prev) > 1 && !is_last {
                    FITNESS_DEMERITS
                } else {
                    0.0
                };
                let candidate = total + d + adjacent;
                if best[k][c].is_none_or(|(b, _, _)| candidate < b) {
                    best[k][c] = Some((candidate, j, prev));
                }
            }
        }
    }
    let Some((mut class_at, _)) = best[last]
        .iter()
        .enumerate()
        .filter_map(|(c, b)| b.map(|(d, _, _)| (c, d)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
    else {
        return vec![glyphs.len()];
    };
    let mut ends = Vec::new();
    let mut k = last;
    while k > 0 {
        ends.push(ats[k]);
        let Some((_, j, prev)) = best[k][class_at] else {
            break;
        };
        k = j;
        class_at = prev;
    }
    ends.reverse();
    ends
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(text: &str) -> Vec<Glyph> {
        text.chars()
            .map(|c| Glyph {
                c,
                face: None,
                width: if c.is_ascii() { 8.0 } else { 16.0 },
                squeezed: false,
            })
            .collect()
    }

    fn ends(text: &str) -> Vec<String> {
        let g = glyphs(text);
        let f = Frame {
            width: 1000.0,
            indent: 0.0,
            size: 16.0,
            justify: true,
        };
        Candidates::new(&g, false)
            .in_frame(&g, &f)
            .iter()
            .filter(|b| b.penalty == ADDRESS_PENALTY)
            .map(|b| g[..b.at].iter().map(|g| g.c).collect())
            .collect()
    }

    #[test]
    fn addresses_break_after_their_marks_never_in_the_scheme() {
        assert_eq!(
            ends("网址https://www.gov.cn/a"),
            [
                "网址https://www.",
                "网址https://www.gov.",
                "网址https://www.gov.cn/"
            ]
        );
        assert_eq!(
            ends("zwgk@jl.gov.cn"),
            ["zwgk@", "zwgk@jl.", "zwgk@jl.gov."]
        );
        assert_eq!(ends("电话0517-83601234"), ["电话0517-"]);
    }

    #[test]
    fn empty_and_one_character_text_has_no_breaks() {
        assert!(ends("").is_empty() && ends("一").is_empty());
        let f = Frame {
            width: 1.0,
            indent: 0.0,
            size: 16.0,
            justify: true,
        };
        for text in ["", "一", "一二"] {
            let g = glyphs(text);
            assert!(Candidates::new(&g, false).in_frame(&g, &f).len() < 2);
        }
    }

    #[test]
    fn figures_and_dates_are_not_addresses() {
        for text in [
            "12.5%",
            "2025-01-31",
            "1,234.56",
            "3.2万",
            "a.b",
            "010-1234",
        ] {
            assert!(ends(text).is_empty(), "{text}");
        }
    }
}
