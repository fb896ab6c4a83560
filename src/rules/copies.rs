//! Copies (内容雷同, spec §1.5 and §7): another agency of the batch named as this one (K1), two
//! agencies' sections nearly the same (K2), a self-reference of another kind of agency (K3).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::finding::{Code, Finding};
use crate::model::Report;
use crate::schema::{self, input};

use super::agency::{self, AgencyKind};
use super::dates::{excerpt, sentences};
use super::sketch::{self, Sketch};

/// Share of a section's 5-grams found in another agency's same section that makes it a copy.
/// On our corpus, independently written sections share under 20%; a copied section with the
/// names and figures changed shares over 90%.
pub const COPY_SHARE: f64 = 0.8;
/// A fingerprint value found in more sections than this is the county's common wording, not a
/// copy.
const COMMON: usize = 50;

/// The self-references of one kind of agency that another kind would never use of itself.
const SELF_NAMES: [&str; 7] = ["我局", "我镇", "我乡", "我街道", "我委", "我厅", "我中心"];

/// K3: `我镇` in a 局's report, `我局` in a 镇's.
pub fn self_reference(report: &Report, out: &mut Vec<Finding>) {
    let own = agency::self_names(&report.info.agency);
    if own.is_empty() {
        return;
    }
    let mut seen = HashSet::new();
    for p in report.paragraphs() {
        for wrong in SELF_NAMES.iter().filter(|w| !own.contains(w)) {
            if !p.text.contains(wrong) || !seen.insert(*wrong) {
                continue;
            }
            let mut f = Finding::new(
                Code::K3,
                format!(
                    "正文写「{wrong}」，但本机关是「{}」，可能照搬了其他单位的报告。",
                    report.info.agency.trim(),
                ),
            )
            .hint(format!("请改为「{}」。", own[0]));
            f = match &p.source {
                Some(s) => f.at(&s.sheet, Some(s.a1())),
                None => f.at(input::SHEET_TEXT, None),
            };
            out.push(f);
        }
    }
}

/// One workbook of the batch as the batch checks see it: what K1 and K2 need of every report
/// while one report at a time is compared with them.
pub struct Entry<'a> {
    /// The agency's name from 基本信息, trimmed.
    pub agency: &'a str,
    pub kind: AgencyKind,
    pub file: &'a Path,
    pub sketch: &'a Sketch,
}

/// The names of the batch's agencies as prose names them, for K1: built once, then each
/// report's prose is looked up in it on its own (no report needs another's text).
pub struct Names<'a> {
    entries: &'a [Entry<'a>],
    names: HashMap<&'a str, Vec<usize>>,
    lengths: Vec<usize>,
}

impl<'a> Names<'a> {
    pub fn of(entries: &'a [Entry<'a>]) -> Names<'a> {
        let mut names: HashMap<&str, Vec<usize>> = HashMap::new();
        for (j, e) in entries.iter().enumerate() {
            for n in forms(e.agency) {
                names.entry(n).or_default().push(j);
            }
        }
        let mut lengths: Vec<usize> = names.keys().map(|n| n.chars().count()).collect();
        lengths.sort_unstable();
        lengths.dedup();
        Names {
            entries,
            names,
            lengths,
        }
    }

    /// K1: `report` (entry `i`) speaks of another agency of the batch as its subject.
    /// Governments' reports name their departments and towns as a matter of course and are not
    /// checked. Names are looked up from the start of each sentence, where a subject stands.
    pub fn named_in(&self, i: usize, report: &Report) -> Vec<Finding> {
        let mut out = Vec::new();
        let Some(e) = self.entries.get(i) else {
            return out;
        };
        let own = e.agency;
        if e.kind == AgencyKind::Government || own.is_empty() {
            return out;
        }
        let mut reported = HashSet::new();
        for p in report.paragraphs() {
            for s in sentences(&p.text) {
                for (j, name) in subjects(s, &self.names, &self.lengths) {
                    let other = &self.entries[j];
                    let full = other.agency;
                    if j == i
                        || other.kind != e.kind
                        || full == own
                        || own.contains(name)
                        || !reported.insert(j)
                    {
                        continue;
                    }
                    let mut f = Finding::new(
                        Code::K1,
                        format!(
                            "正文提到「{full}」（本批另一个机关）：「{}」。",
                            excerpt(s, 30)
                        ),
                    )
                    .hint("如果是照搬其他单位的报告，请改为本机关的情况。")
                    .related(
                        Some(other.file),
                        input::SHEET_INFO,
                        None,
                        format!("「{full}」的工作簿"),
                    );
                    f = match &p.source {
                        Some(src) => f.at(&src.sheet, Some(src.a1())),
                        None => f.at(input::SHEET_TEXT, None),
                    };
                    out.push(f);
                }
            }
        }
        out
    }
}

/// How prose names an agency: `江岚县青石镇人民政府`, `青石镇人民政府`, `青石镇`.
fn forms(name: &str) -> Vec<&str> {
    let mut out = vec![name];
    for (at, c) in name
        .char_indices()
        .filter(|(_, c)| matches!(c, '县' | '市' | '区'))
    {
        out.push(&name[at + c.len_utf8()..]);
    }
    let places: Vec<&str> = out.iter().filter_map(|n| place(n)).collect();
    out.extend(places);
    out.retain(|n| n.chars().count() >= 3);
    out.sort_unstable();
    out.dedup();
    out
}

/// Agencies named as the subject of `sentence`: a name starting within its first ten
/// characters, not after 会同/配合/向 … as a partner.
fn subjects<'a>(
    sentence: &str,
    names: &HashMap<&'a str, Vec<usize>>,
    lengths: &[usize],
) -> Vec<(usize, &'a str)> {
    let starts: Vec<usize> = sentence
        .char_indices()
        .map(|(i, _)| i)
        .chain([sentence.len()])
        .collect();
    let mut out = Vec::new();
    for k in 0..starts.len().min(11) {
        if PARTNER.iter().any(|w| sentence[..starts[k]].contains(w)) {
            break;
        }
        for len in lengths {
            let Some(end) = starts.get(k + len) else {
                break;
            };
            if let Some((name, js)) = names.get_key_value(&sentence[starts[k]..*end]) {
                out.extend(js.iter().map(|j| (*j, *name)));
            }
        }
    }
    out
}

const PARTNER: [&str; 8] = ["会同", "联合", "配合", "与", "和", "向", "协调", "指导"];

/// `青石镇` of `青石镇人民政府`: how a town's prose names itself.
fn place(name: &str) -> Option<&str> {
    let bare = name
        .strip_suffix("人民政府")
        .or_else(|| name.strip_suffix("办事处"))?;
    bare.ends_with(['镇', '乡', '道']).then_some(bare)
}

/// K2: the same prose section of two agencies nearly identical, found from the sections'
/// fingerprints (`sketch`): each section is compared with the earlier sections that share one of
/// its values outside the batch's common wording, and named with the most similar of them.
pub fn similar_sections(entries: &[Entry]) -> Vec<(usize, Finding)> {
    let mut out = Vec::new();
    for (k, key) in schema::PROSE_SECTIONS.iter().enumerate() {
        let sections: Vec<Option<&sketch::Section>> =
            entries.iter().map(|e| e.sketch.section(k)).collect();
        let postings = Postings::of(&sections);
        let found: Vec<(usize, Finding)> = (0..sections.len())
            .into_par_iter()
            .filter_map(|i| {
                let (j, share) = postings.most_similar(&sections, i)?;
                Some((i, copied(entries, &sections, i, j, key, share)))
            })
            .collect();
        out.extend(found);
    }
    out
}

/// Every section's non-empty bins, sorted by (bin, value): the sections that share a value are
/// a run. Packed in one u64 each, the section's index in the low `INDEX_BITS`, so that a
/// province's 10^5 reports take 8 bytes a value.
struct Postings {
    sorted: Vec<u64>,
    /// Per section, its bins whose value is common wording.
    common: Vec<sketch::Common>,
}

/// Sections beyond 2^25 (33 million) are not compared.
const INDEX_BITS: u32 = 25;

impl Postings {
    fn of(sections: &[Option<&sketch::Section>]) -> Postings {
        let mut sorted: Vec<u64> = sections
            .par_iter()
            .enumerate()
            .take(1 << INDEX_BITS)
            .flat_map_iter(|(i, s)| {
                s.iter().flat_map(move |s| {
                    (0..sketch::BINS).filter_map(move |b| s.value(b).map(|v| pack(b, v) | i as u64))
                })
            })
            .collect();
        sorted.par_sort_unstable();
        let mut common = vec![0; sections.len()];
        for run in sorted.chunk_by(|a, b| a >> INDEX_BITS == b >> INDEX_BITS) {
            if run.len() > COMMON {
                let bin = run[0] >> INDEX_BITS >> 32;
                for p in run {
                    common[index(*p)] |= 1 << bin;
                }
            }
        }
        Postings { sorted, common }
    }

    /// The sections whose bin `b` holds `v`.
    fn run(&self, b: usize, v: u32) -> &[u64] {
        let key = pack(b, v) >> INDEX_BITS;
        let start = self.sorted.partition_point(|p| p >> INDEX_BITS < key);
        let len = self.sorted[start..].partition_point(|p| p >> INDEX_BITS == key);
        &self.sorted[start..start + len]
    }

    /// The earlier section most like section `i`, if one is a copy (share ≥ `COPY_SHARE`).
    fn most_similar(
        &self,
        sections: &[Option<&sketch::Section>],
        i: usize,
    ) -> Option<(usize, f64)> {
        let s = sections.get(i).copied().flatten()?;
        let mine = *self.common.get(i)?;
        let mut agree: FxHashMap<usize, u32> = FxHashMap::default();
        for b in (0..sketch::BINS).filter(|b| mine >> b & 1 == 0) {
            let Some(v) = s.value(b) else { continue };
            for j in self.run(b, v).iter().map(|p| index(*p)).filter(|j| *j < i) {
                *agree.entry(j).or_default() += 1;
            }
        }
        agree
            .into_iter()
            .filter(|(_, n)| *n >= MIN_AGREE)
            .filter_map(|(j, _)| {
                let other = sections[j]?;
                let share = sketch::share(s, mine, other, self.common[j])?;
                (share >= COPY_SHARE).then_some((j, share))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
    }
}

/// Bins two sections must agree in before their fingerprints are compared in full: a copy
/// agrees in well over half of its 128, independent prose in a few by chance.
const MIN_AGREE: u32 = 8;

/// Bin and value above the index bits.
fn pack(b: usize, v: u32) -> u64 {
    ((b as u64) << 32 | v as u64) << INDEX_BITS
}

fn index(p: u64) -> usize {
    (p & ((1 << INDEX_BITS) - 1)) as usize
}

fn copied(
    entries: &[Entry],
    sections: &[Option<&sketch::Section>],
    i: usize,
    j: usize,
    key: &str,
    share: f64,
) -> Finding {
    let heading = schema::section_heading(key).unwrap_or_default();
    let other = &entries[j];
    let first = |k: usize| sections[k].and_then(|s| s.first.as_ref());
    let mut f = Finding::new(
        Code::K2,
        format!(
            "「{heading}」与 {}（{}）的同一部分有 {:.0}% 相同，内容雷同是问责情形之一。",
            other.file.display(),
            other.agency,
            share.min(1.0) * 100.0
        ),
    )
    .hint("请按本机关的实际情况撰写。");
    f = match first(i) {
        Some(s) => f.at(&s.sheet, Some(s.a1())),
        None => f.at(input::SHEET_TEXT, None),
    };
    let (sheet, cell) = first(j).map_or((input::SHEET_TEXT.to_string(), None), |s| {
        (s.sheet.clone(), Some(s.a1()))
    });
    f.related(
        Some(other.file),
        &sheet,
        cell,
        format!("{}的「{heading}」", other.agency),
    )
}

/// The share of 5-grams two reports' sections have in common (of the smaller), `None` when
/// either is too short to judge: exactly what K2 estimates from fingerprints, without the
/// batch's common wording (the tests hold the estimate to it).
pub fn section_share(a: &Report, b: &Report, key: &str) -> Option<f64> {
    let (x, y) = (section_grams(a, key), section_grams(b, key));
    if x.is_empty() || y.is_empty() {
        return None;
    }
    let shared = x.intersection(&y).count();
    Some(shared as f64 / x.len().min(y.len()) as f64)
}

/// The distinct 5-gram hashes of a section; empty for a section too short to judge.
fn section_grams(report: &Report, key: &str) -> FxHashSet<u64> {
    let text = report
        .text
        .get(key)
        .into_iter()
        .flatten()
        .flat_map(|t| &t.paragraphs)
        .flat_map(|p| p.text.chars());
    sketch::gram_hashes(text)
        .map(|h| h.into_iter().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_of_a_name() {
        assert_eq!(
            forms("江岚县青石镇人民政府"),
            [
                "江岚县青石镇",
                "江岚县青石镇人民政府",
                "青石镇",
                "青石镇人民政府"
            ]
        );
        assert_eq!(
            forms("江岚县交通运输局"),
            ["交通运输局", "江岚县交通运输局"]
        );
    }

    #[test]
    fn subjects_not_partners() {
        let mut names = HashMap::new();
        names.insert("青石镇人民政府", vec![0]);
        names.insert("青石镇", vec![0]);
        let lengths = [3, 7];
        let found = |s: &str| subjects(s, &names, &lengths).len();
        assert_eq!(found("2025年，青石镇人民政府坚持…"), 2);
        assert_eq!(found("我镇会同青石镇人民政府开展…"), 0);
        assert_eq!(
            found("全年围绕重点工作，多次组织召开专题会议研究部署，青石镇人民政府…"),
            0
        );
    }
}
