//! The streaming batch: past `limits::RESIDENT_REPORTS_BYTES` a checked report keeps only its
//! 基本信息 and is read again when needed (`NIANBAO_RESIDENT_BYTES=0` makes that every report).
//! Whole or streamed, a batch with an aggregate, a copy and last year's reports gives the same
//! findings and the same files, byte for byte; and a workbook changed between the two readings
//! is refused, not built from the other version.

use std::path::Path;

use crate::common::*;
use nianbao::model::Report;

fn batch() -> Vec<Report> {
    let mut reports: Vec<Report> = sample_sources()
        .iter()
        .map(|p| report_from_toml(p))
        .collect();
    let mut copy = reports[2].clone();
    copy.info.agency = "江岚县白沙镇人民政府".into();
    reports.push(copy);
    let mut county = reports[0].clone();
    county.info.agency = "江岚县人民政府".into();
    county.info.scope = "全部".into();
    reports.push(county);
    reports
}

fn run_with(dir: &Path, args: &[&str], resident: &str) -> (i32, String) {
    let out = bin()
        .current_dir(dir)
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .env("NIANBAO_RESIDENT_BYTES", resident)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

#[test]
fn streamed_and_whole_batches_agree_byte_for_byte() {
    let reports = batch();
    let whole = workspace_of(&reports);
    let streamed = workspace_of(&reports);
    for dir in [whole.path(), streamed.path()] {
        // Last year's reports beside this year's, for X1–X3.
        let mut last: Vec<Report> = reports.clone();
        for r in &mut last {
            r.info.year = Some(2024);
        }
        let old = workspace_of(&last);
        std::fs::rename(old.path().join("input"), dir.join("上年")).unwrap();
    }
    let args = ["check", "--format", "json", "--previous", "上年"];
    let (code, found) = run_with(whole.path(), &args, "1000000000");
    let (code2, found2) = run_with(streamed.path(), &args, "0");
    assert_eq!((code, &found), (code2, &found2));
    for code in ["K1", "K2", "A1"] {
        assert!(found.contains(&format!("\"{code}\"")), "{code}: {found}");
    }
    let (code, _) = run_with(whole.path(), &["build", "--previous", "上年"], "1000000000");
    let (code2, _) = run_with(streamed.path(), &["build", "--previous", "上年"], "0");
    assert_eq!(code, code2);
    let (a, b) = (
        tree(&whole.path().join("output")),
        tree(&streamed.path().join("output")),
    );
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    assert!(
        a.keys().filter(|k| k.ends_with(".pdf")).count() >= 3,
        "{:?}",
        a.keys()
    );
    for (name, bytes) in &a {
        // The manifest names the folder each run read its workbooks from.
        if name.ends_with("manifest.json") {
            continue;
        }
        assert!(bytes == &b[name], "{name} differs");
    }
}

/// The second reading finds another file than the first: refused with F1, nothing built from it.
#[test]
fn a_workbook_changed_between_readings_is_refused() {
    let reports = batch();
    let dir = workspace_of(&reports[..1]);
    let file = dir
        .path()
        .join(format!("input/{}.xlsx", reports[0].info.agency));
    let c = nianbao::batch::check_file(
        &file,
        &nianbao::rules::Context::new(nianbao::model::Date::new(2026, 2, 1).unwrap()),
    );
    let mut slim = c;
    slim.slim = true;
    let mut other = reports[0].clone();
    other.text.clear();
    std::fs::write(&file, workbook_bytes(&other)).unwrap();
    let refused = nianbao::batch::load(&slim).expect_err("the file changed");
    assert_eq!(refused.code, nianbao::finding::Code::F1);
    assert!(refused.message.contains("改动"), "{}", refused.message);
}
