//! Copies across the batch (K1, K2): a town's report made from another town's, with the names
//! changed but one left behind. The three samples, written independently, stay silent.

use crate::common::*;
use nianbao::model::Report;
use serde_json::Value as Json;

fn sample(name: &str) -> Report {
    report_from_toml(&repo().join(format!("tests/fixtures/samples/{name}.toml")))
}

fn check(reports: &[Report]) -> Vec<Json> {
    let dir = workspace_of(reports);
    let (_, out, err) = run(dir.path(), &["check", "--format", "json"]);
    let all: Json = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    all.as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with('K'))
        .cloned()
        .collect()
}

fn samples() -> Vec<Report> {
    sample_sources()
        .iter()
        .map(|p| report_from_toml(p))
        .collect()
}

#[test]
fn independently_written_reports_are_not_copies() {
    assert_eq!(check(&samples()), Vec::<Json>::new());
}

#[test]
fn a_copied_town_report_is_found() {
    let mut copy = sample("江岚县青石镇人民政府");
    copy.info.agency = "江岚县白沙镇人民政府".into();
    let mut first = true;
    for topic in copy.text.values_mut().flatten() {
        for p in &mut topic.paragraphs {
            // One mention of the town it was copied from is left behind.
            if first && p.text.starts_with("2025年，青石镇") {
                first = false;
                continue;
            }
            p.text = p.text.replace("青石镇", "白沙镇").replace("286", "312");
        }
    }
    assert!(!first, "the sample's opening sentence names 青石镇");
    let mut reports = samples();
    reports.push(copy);
    let found = check(&reports);
    let k1: Vec<&Json> = found.iter().filter(|f| f["code"] == "K1").collect();
    pin(k1[0]);
    assert_eq!(k1.len(), 1, "{found:#?}");
    assert_eq!(k1[0]["agency"], "江岚县白沙镇人民政府");
    assert_eq!(
        (k1[0]["sheet"].as_str(), k1[0]["cell"].as_str()),
        (Some("正文"), Some("C2"))
    );
    assert!(
        k1[0]["message"]
            .as_str()
            .unwrap()
            .contains("「江岚县青石镇人民政府」")
    );
    let k2: Vec<&Json> = found.iter().filter(|f| f["code"] == "K2").collect();
    pin(k2[0]);
    assert!(!k2.is_empty(), "{found:#?}");
    for f in &k2 {
        let m = f["message"].as_str().unwrap();
        assert!(
            m.contains("江岚县白沙镇人民政府") || m.contains("江岚县青石镇人民政府"),
            "{m}"
        );
        assert_eq!(f["related"].as_array().unwrap().len(), 1);
    }
}

/// The threshold (80 %) against our corpus: independently written sections of the samples share
/// well under it, a copy with its names and figures changed well over it.
#[test]
fn the_copy_threshold_separates_copies_from_independent_prose() {
    use nianbao::rules::copies::{COPY_SHARE, section_share};
    let reports = samples();
    let mut most: f64 = 0.0;
    for (i, a) in reports.iter().enumerate() {
        for b in &reports[i + 1..] {
            for key in nianbao::schema::PROSE_SECTIONS {
                if let Some(s) = section_share(a, b, key) {
                    most = most.max(s);
                }
            }
        }
    }
    let original = sample("江岚县青石镇人民政府");
    let mut copy = original.clone();
    for topic in copy.text.values_mut().flatten() {
        for p in &mut topic.paragraphs {
            p.text = p.text.replace("青石镇", "白沙镇").replace("286", "312");
        }
    }
    let copied = section_share(&original, &copy, "overview").unwrap();
    eprintln!("independent sections share at most {most:.2}; the copy {copied:.2}");
    assert!(most < COPY_SHARE / 2.0, "{most}");
    assert!(copied > COPY_SHARE + 0.1, "{copied}");
}

/// K2 estimates from fingerprints what `section_share` measures exactly. On a batch of copies
/// rewritten to every degree — from word for word to one paragraph kept — the pairs found are the
/// pairs whose exact share is over the threshold, with at most the ones within 0.1 of it (where
/// an estimate may fall either side) differing.
#[test]
fn fingerprints_find_the_pairs_the_exact_share_finds() {
    use nianbao::rules::copies::{COPY_SHARE, section_share};
    let corpus: Vec<String> =
        std::fs::read_to_string(repo().join("tests/fixtures/corpus/prose.txt"))
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(str::to_string)
            .collect();
    let mut reports = samples();
    let originals = reports.clone();
    for (n, original) in originals.iter().enumerate() {
        let paragraphs: usize = original
            .text
            .values()
            .flatten()
            .map(|t| t.paragraphs.len())
            .sum();
        for kept in 0..=paragraphs {
            let mut copy = original.clone();
            copy.info.agency = format!("江岚县抄写{n}号{kept}镇人民政府");
            let mut k = 0;
            for topic in copy.text.values_mut().flatten() {
                for p in &mut topic.paragraphs {
                    // The first `kept` paragraphs copied, the rest written anew from the corpus.
                    if k >= kept {
                        p.text = corpus[(n * 7 + k * 3 + kept) % corpus.len()].clone();
                    }
                    k += 1;
                }
            }
            reports.push(copy);
        }
    }
    // The batch is read in file-name order; K2 names the later workbook of a pair.
    reports.sort_by(|a, b| a.info.agency.cmp(&b.info.agency));
    let found: Vec<(String, String)> = check(&reports)
        .iter()
        .filter(|f| f["code"] == "K2")
        .map(|f| {
            let section = f["message"]
                .as_str()
                .unwrap()
                .split('」')
                .next()
                .unwrap()
                .to_string();
            (f["agency"].as_str().unwrap().to_string(), section)
        })
        .collect();
    let (mut expected, mut unsure) = (0, 0);
    for (i, later) in reports.iter().enumerate() {
        for key in nianbao::schema::PROSE_SECTIONS {
            let heading = format!("「{}", nianbao::schema::section_heading(key).unwrap());
            let best = reports[..i]
                .iter()
                .filter_map(|earlier| section_share(earlier, later, key))
                .fold(0.0f64, f64::max);
            let was_found = found.contains(&(later.info.agency.clone(), heading));
            if (best - COPY_SHARE).abs() < 0.1 {
                unsure += 1;
                continue;
            }
            expected += (best >= COPY_SHARE) as usize;
            assert_eq!(
                was_found,
                best >= COPY_SHARE,
                "{} {key}: exact share {best:.2}",
                later.info.agency
            );
        }
    }
    eprintln!(
        "{expected} copied sections found as the exact share finds them, {unsure} near the threshold"
    );
    assert!(expected >= 6, "{expected}");
}
