//! Fingerprints of prose sections for the copy check (K2): a fixed 128 values per section, made
//! when a workbook is read, so that a batch of any size compares sections without holding their
//! text or their 5-gram sets (which were ~90 KB per report).
//!
//! One-permutation MinHash: each 5-gram of a section is hashed once; the top bits choose one of
//! `BINS` bins and the section keeps the smallest value per bin. Two sections agree in a bin with
//! probability equal to the Jaccard similarity of their 5-gram sets. Wording common to the batch
//! (a value shared by more than `COMMON` sections) is left out of the comparison, as the exact
//! rule left out 5-grams common to more than fifty sections.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

use crate::model::{CellRef, Report};
use crate::schema;

/// Values kept per section.
pub const BINS: usize = 128;
/// A bin no 5-gram of the section fell into.
const EMPTY: u32 = u32::MAX;
/// Sections shorter than this (in characters) are stock phrases, not copies.
pub const MIN_CHARS: usize = 80;

/// One report's prose sections (`schema::PROSE_SECTIONS`, in order) as K2 compares them.
#[derive(Debug, Clone, Default)]
pub struct Sketch {
    sections: Vec<Option<Section>>,
}

/// A section long enough to judge.
#[derive(Debug, Clone)]
pub struct Section {
    /// Distinct 5-grams in the section.
    pub grams: u32,
    mins: Box<[u32; BINS]>,
    /// Where the section starts, for the finding.
    pub first: Option<CellRef>,
}

impl Sketch {
    pub fn of(report: &Report) -> Sketch {
        Sketch {
            sections: schema::PROSE_SECTIONS
                .iter()
                .map(|key| Section::of(report, key))
                .collect(),
        }
    }

    /// The section of `schema::PROSE_SECTIONS[k]`, if long enough to judge.
    pub fn section(&self, k: usize) -> Option<&Section> {
        self.sections.get(k).and_then(Option::as_ref)
    }
}

impl Section {
    fn of(report: &Report, key: &str) -> Option<Section> {
        let paragraphs = || {
            report
                .text
                .get(key)
                .into_iter()
                .flatten()
                .flat_map(|t| &t.paragraphs)
        };
        let hashes = gram_hashes(paragraphs().flat_map(|p| p.text.chars()))?;
        let mut mins = Box::new([EMPTY; BINS]);
        let mut distinct = hashes;
        distinct.sort_unstable();
        distinct.dedup();
        for h in &distinct {
            let (bin, value) = split(*h);
            mins[bin] = mins[bin].min(value);
        }
        Some(Section {
            grams: distinct.len() as u32,
            mins,
            first: paragraphs().find_map(|p| p.source.clone()),
        })
    }

    /// The value of bin `b`, `None` when empty.
    pub fn value(&self, b: usize) -> Option<u32> {
        Some(self.mins[b]).filter(|v| *v != EMPTY)
    }

    /// Non-empty bins.
    pub fn filled(&self) -> usize {
        self.mins.iter().filter(|v| **v != EMPTY).count()
    }
}

/// The hashes of a text's character 5-grams, punctuation and digits left out so that changed
/// figures do not hide a copy; `None` for a text too short to judge.
pub fn gram_hashes(text: impl Iterator<Item = char>) -> Option<Vec<u64>> {
    let chars: Vec<char> = text
        .filter(|c| c.is_alphabetic() && !c.is_ascii_digit())
        .collect();
    if chars.len() < MIN_CHARS {
        return None;
    }
    Some(
        chars
            .windows(5)
            .map(|w| {
                let mut h = FxHasher::default();
                w.hash(&mut h);
                h.finish()
            })
            .collect(),
    )
}

/// A 5-gram's bin (the hash's top bits) and value (its low bits, never `EMPTY`).
fn split(h: u64) -> (usize, u32) {
    let bin = (h >> (64 - BINS.trailing_zeros())) as usize;
    (bin, (h as u32).min(EMPTY - 1))
}

/// Which bins of a section hold wording common to the batch: bit `b` set for bin `b`.
pub type Common = u128;

/// How two sections compare, their common bins left out: the share of the smaller section's own
/// wording found in the other, estimated from the bins (`None` when either has no wording of its
/// own). With `own` the estimated count of a section's 5-grams outside the common wording and
/// J the share of agreeing bins, the shared count is J·(own_a + own_b)/(1 + J).
pub fn share(a: &Section, ca: Common, b: &Section, cb: Common) -> Option<f64> {
    let (own_a, own_b) = (own(a, ca)?, own(b, cb)?);
    let (mut comparable, mut agree) = (0u32, 0u32);
    for bin in 0..BINS {
        let (x, y) = (a.mins[bin], b.mins[bin]);
        if x == EMPTY && y == EMPTY {
            continue;
        }
        // The bin's smallest 5-gram of the two sections together decides it; common wording
        // does not count either way.
        let common = if x <= y { ca } else { cb };
        if common >> bin & 1 == 1 {
            continue;
        }
        comparable += 1;
        agree += (x == y) as u32;
    }
    if comparable == 0 {
        return None;
    }
    let j = agree as f64 / comparable as f64;
    let shared = j * (own_a + own_b) / (1.0 + j);
    Some(shared / own_a.min(own_b))
}

/// A section's 5-grams outside the common wording, estimated from its bins.
fn own(s: &Section, common: Common) -> Option<f64> {
    let filled = s.filled();
    let kept = (0..BINS)
        .filter(|b| s.mins[*b] != EMPTY && common >> b & 1 == 0)
        .count();
    (kept > 0).then(|| s.grams as f64 * kept as f64 / filled as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Paragraph, Topic};

    fn report(text: &str) -> Report {
        let mut r = Report::default();
        r.text.insert(
            "overview".into(),
            vec![Topic {
                title: String::new(),
                paragraphs: vec![Paragraph {
                    text: text.into(),
                    source: None,
                }],
            }],
        );
        r
    }

    fn prose(seed: u64, n: usize) -> String {
        let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                char::from_u32(0x4E00 + (s % 3000) as u32).unwrap_or('一')
            })
            .collect()
    }

    fn overview(r: &Report) -> Section {
        Sketch::of(r).section(0).cloned().expect("long enough")
    }

    #[test]
    fn a_copy_agrees_and_independent_prose_does_not() {
        let a = overview(&report(&prose(1, 600)));
        let b = overview(&report(&prose(2, 600)));
        let copy = overview(&report(&format!("{}{}", prose(1, 600), prose(3, 30))));
        let same = share(&a, 0, &copy, 0).unwrap();
        let other = share(&a, 0, &b, 0).unwrap();
        assert!(same > 0.9, "{same}");
        assert!(other < 0.1, "{other}");
    }

    #[test]
    fn a_short_section_is_not_judged() {
        assert!(Sketch::of(&report("很短的一段话。")).section(0).is_none());
    }

    /// A section that is all common wording has nothing of its own to compare.
    #[test]
    fn common_wording_is_left_out() {
        let a = overview(&report(&prose(1, 600)));
        assert_eq!(share(&a, u128::MAX, &a, u128::MAX), None);
        assert!(share(&a, 0, &a, 0).unwrap() > 0.99);
    }
}
