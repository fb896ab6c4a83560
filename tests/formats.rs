//! Choosing what `build` makes: the default set, `--docx`, `formats = [...]` in nianbao.toml
//! (a wrong name is refused with the names that exist), a changed choice rebuilding, and the
//! draft mark on every format of a forced build.

use std::path::Path;

use crate::common::*;
use nianbao::model::Report;

fn reports() -> Vec<Report> {
    sample_reports()
}

/// The files of the first sample agency in the year folder, by extension-ish suffix.
fn files_of(dir: &Path, agency: &str) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir.join("output/2025"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().to_string();
            name.strip_prefix(agency).map(str::to_string)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_default_set_the_config_list_and_the_flags() {
    let reports = reports();
    let agency = reports[0].info.agency.clone();
    let ws = workspace_of(&reports);
    let dir = ws.path();

    let (code, _, err) = run(dir, &["build"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(files_of(dir, &agency), [".html", ".json", ".pdf", ".xlsx"]);
    assert!(err.contains("PDF、XLSX 和 HTML"), "{err}");

    // A different choice is a different build: nothing is reused.
    let (code, _, err) = run(dir, &["build", "--docx"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("沿用"), "{err}");
    assert!(files_of(dir, &agency).contains(&".docx".to_string()));

    std::fs::remove_dir_all(dir.join("output")).unwrap();
    std::fs::write(
        dir.join("nianbao.toml"),
        "formats = [\"docx\", \"html-fragment\"]\n",
    )
    .unwrap();
    let (code, _, err) = run(dir, &["build"]);
    assert_eq!(code, 0, "{err}");
    // The PDF is the published report: always made.
    assert_eq!(
        files_of(dir, &agency),
        [".docx", ".json", ".pdf", ".片段.html"]
    );

    std::fs::write(dir.join("nianbao.toml"), "formats = [\"pdf\", \"word\"]\n").unwrap();
    let (code, _, err) = run(dir, &["build"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("「word」") && err.contains("docx"), "{err}");
}

#[test]
fn a_forced_draft_says_so_in_every_format() {
    let mut reports = reports();
    reports.push(wrongly_totalled(reports[1].clone(), "江岚县水务局"));
    let ws = workspace_of(&reports);
    let dir = ws.path();
    let (code, _, err) = run(dir, &["build", "--force", "--docx", "--html-fragment"]);
    assert_eq!(code, 1, "{err}");
    let out = dir.join("output/2025/草稿");
    let mark = nianbao::batch::DRAFT_MARK;
    for file in ["江岚县水务局.html", "江岚县水务局.片段.html"] {
        let html = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(html.contains(mark), "{file}");
    }
    let docx = std::fs::read(out.join("江岚县水务局.docx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    assert!(xml.contains(mark));
    // A publishable report carries no mark.
    let published = dir.join("output/2025");
    let clean = std::fs::read_to_string(published.join(format!("{}.html", reports[0].info.agency)));
    assert!(!clean.unwrap().contains(mark));
}
