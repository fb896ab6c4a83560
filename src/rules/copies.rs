//! Copies (内容雷同, spec §1.5 and §7): another agency of the batch named as this one (K1), two
//! agencies' sections nearly the same (K2), a self-reference of another kind of agency (K3).

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::Path;

use rayon::prelude::*;
// The 5-gram sets of a batch are millions of u64 keys: SipHash was a tenth of a `check`.
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use crate::finding::{Code, Finding};
use crate::model::Report;
use crate::schema::{self, input};

use super::agency::{self, AgencyKind};
use super::dates::{excerpt, sentences};

/// Share of a section's 5-grams found in another agency's same section that makes it a copy.
/// On our corpus, independently written sections share under 20%; a copied section with the
/// names and figures changed shares over 90%.
pub const COPY_SHARE: f64 = 0.8;
/// Sections shorter than this (in characters) are stock phrases, not copies.
const MIN_CHARS: usize = 80;
/// A 5-gram found in more sections than this is the county's common wording, not a copy.
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

/// One workbook of the batch as the batch checks see it.
pub struct Entry<'a> {
    pub report: &'a Report,
    pub file: &'a Path,
}

/// K1 and K2 over the whole batch: findings by index of the entry they belong to.
pub fn check_batch(entries: &[Entry]) -> Vec<(usize, Finding)> {
    let mut out = named_elsewhere(entries);
    out.extend(similar_sections(entries));
    out
}

/// K1: a report that speaks of another agency of the batch as its subject. Governments' reports
/// name their departments and towns as a matter of course and are not checked.
/// Names are looked up from the start of each sentence (where a subject stands) in one map of
/// every agency's names, so the batch costs one pass over its prose, not one per pair.
fn named_elsewhere(entries: &[Entry]) -> Vec<(usize, Finding)> {
    let kinds: Vec<AgencyKind> = entries
        .iter()
        .map(|e| agency::kind(&e.report.info))
        .collect();
    let mut names: HashMap<&str, Vec<usize>> = HashMap::new();
    for (j, e) in entries.iter().enumerate() {
        for n in forms(e.report.info.agency.trim()) {
            names.entry(n).or_default().push(j);
        }
    }
    let mut lengths: Vec<usize> = names.keys().map(|n| n.chars().count()).collect();
    lengths.sort_unstable();
    lengths.dedup();
    // One report's prose at a time, in parallel: a batch of a thousand is mostly this.
    entries
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, e)| named_in(entries, &kinds, &names, &lengths, i, e))
        .collect()
}

/// K1 for one report of the batch.
fn named_in(
    entries: &[Entry],
    kinds: &[AgencyKind],
    names: &HashMap<&str, Vec<usize>>,
    lengths: &[usize],
    i: usize,
    e: &Entry,
) -> Vec<(usize, Finding)> {
    let mut out = Vec::new();
    let own = e.report.info.agency.trim();
    if kinds[i] == AgencyKind::Government || own.is_empty() {
        return out;
    }
    let mut reported = HashSet::new();
    for p in e.report.paragraphs() {
        for s in sentences(&p.text) {
            for (j, name) in subjects(s, names, lengths) {
                let other = &entries[j];
                let full = other.report.info.agency.trim();
                if j == i
                    || kinds[j] != kinds[i]
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
                out.push((i, f));
            }
        }
    }
    out
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

/// K2: the same prose section of two agencies nearly identical.
fn similar_sections(entries: &[Entry]) -> Vec<(usize, Finding)> {
    let mut out = Vec::new();
    for key in schema::PROSE_SECTIONS {
        let grams: Vec<FxHashSet<u64>> = entries
            .par_iter()
            .map(|e| section_grams(e.report, key))
            .collect();
        let mut index: FxHashMap<u64, Vec<usize>> = FxHashMap::default();
        for (i, g) in grams.iter().enumerate() {
            for h in g {
                index.entry(*h).or_default().push(i);
            }
        }
        let distinctive: Vec<usize> = grams
            .iter()
            .map(|g| g.iter().filter(|h| index[h].len() <= COMMON).count())
            .collect();
        let found: Vec<(usize, Finding)> = grams
            .par_iter()
            .enumerate()
            .filter_map(|(i, section)| {
                let own = distinctive[i];
                if own == 0 {
                    return None;
                }
                let mut shared: FxHashMap<usize, usize> = FxHashMap::default();
                for h in section {
                    let posting = &index[h];
                    if posting.len() > COMMON {
                        continue;
                    }
                    for &j in posting.iter().filter(|j| **j < i) {
                        *shared.entry(j).or_default() += 1;
                    }
                }
                let (j, share) = shared
                    .into_iter()
                    .map(|(j, n)| (j, n as f64 / own.min(distinctive[j]).max(1) as f64))
                    .filter(|(_, share)| *share >= COPY_SHARE)
                    .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))?;
                Some((i, copied(entries, i, j, key, share)))
            })
            .collect();
        out.extend(found);
    }
    out
}

fn copied(entries: &[Entry], i: usize, j: usize, key: &str, share: f64) -> Finding {
    let heading = schema::section_heading(key).unwrap_or_default();
    let other = &entries[j];
    let first = |r: &Report| {
        r.text
            .get(key)
            .into_iter()
            .flatten()
            .flat_map(|t| &t.paragraphs)
            .find_map(|p| p.source.clone())
    };
    let mut f = Finding::new(
        Code::K2,
        format!(
            "「{heading}」与 {}（{}）的同一部分有 {:.0}% 相同，内容雷同是问责情形之一。",
            other.file.display(),
            other.report.info.agency.trim(),
            share.min(1.0) * 100.0
        ),
    )
    .hint("请按本机关的实际情况撰写。");
    f = match first(entries[i].report) {
        Some(s) => f.at(&s.sheet, Some(s.a1())),
        None => f.at(input::SHEET_TEXT, None),
    };
    let (sheet, cell) = first(other.report).map_or((input::SHEET_TEXT.to_string(), None), |s| {
        (s.sheet.clone(), Some(s.a1()))
    });
    f.related(
        Some(other.file),
        &sheet,
        cell,
        format!("{}的「{heading}」", other.report.info.agency.trim()),
    )
}

/// The share of 5-grams two reports' sections have in common (of the smaller), `None` when
/// either is too short to judge — what K2 measures, without the batch's common wording.
pub fn section_share(a: &Report, b: &Report, key: &str) -> Option<f64> {
    let (x, y) = (section_grams(a, key), section_grams(b, key));
    if x.is_empty() || y.is_empty() {
        return None;
    }
    let shared = x.intersection(&y).count();
    Some(shared as f64 / x.len().min(y.len()) as f64)
}

/// Hashes of the character 5-grams of a section, punctuation and digits left out so that
/// changed figures do not hide a copy; empty for a section too short to judge.
fn section_grams(report: &Report, key: &str) -> FxHashSet<u64> {
    let chars: Vec<char> = report
        .text
        .get(key)
        .into_iter()
        .flatten()
        .flat_map(|t| &t.paragraphs)
        .flat_map(|p| p.text.chars())
        .filter(|c| c.is_alphabetic() && !c.is_ascii_digit())
        .collect();
    if chars.len() < MIN_CHARS {
        return FxHashSet::default();
    }
    chars
        .windows(5)
        .map(|w| {
            let mut h = FxHasher::default();
            w.hash(&mut h);
            h.finish()
        })
        .collect()
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
