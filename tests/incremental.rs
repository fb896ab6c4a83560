//! Incremental builds: a report whose workbook, templates, fonts and settings are unchanged
//! is not typeset again; anything it is made from changing, or `--rebuild`, makes it anew.

use std::path::Path;
use std::time::SystemTime;

use crate::common::*;
use nianbao::model::Report;

fn reports() -> Vec<Report> {
    sample_reports()
}

/// When each agency's PDF was last written.
fn written(dir: &Path, reports: &[Report]) -> Vec<SystemTime> {
    reports
        .iter()
        .map(|r| {
            std::fs::metadata(dir.join(format!("output/2025/{}.pdf", r.info.agency)))
                .and_then(|m| m.modified())
                .unwrap()
        })
        .collect()
}

fn build(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["build"];
    all.extend(args);
    let (code, _, err) = run(dir, &all);
    assert_eq!(code, 0, "{err}");
    // File times must be able to tell one build from the next.
    std::thread::sleep(std::time::Duration::from_millis(20));
    err
}

#[test]
fn only_what_changed_is_built_again() {
    let reports = reports();
    let ws = workspace_of(&reports);
    let dir = ws.path();
    let err = build(dir, &[]);
    assert!(!err.contains("沿用"), "{err}");
    let first = written(dir, &reports);

    // Nothing changed: every report is reused, and the office's files still list them all.
    let err = build(dir, &[]);
    assert!(
        err.contains("其中3个机关的工作簿、模板、字体和设置都没有变化"),
        "{err}"
    );
    assert_eq!(written(dir, &reports), first);
    let list = std::fs::read_to_string(dir.join("output/2025/index.html")).unwrap();
    for r in &reports {
        assert!(list.contains(&r.info.agency), "{list}");
    }

    // One workbook changed: only its report is built again.
    let mut changed = reports[1].clone();
    changed.info.phone = "0755-86120099".into();
    std::fs::write(
        dir.join(format!("input/{}.xlsx", changed.info.agency)),
        workbook_bytes(&changed),
    )
    .unwrap();
    let err = build(dir, &[]);
    assert!(err.contains("其中2个机关"), "{err}");
    let second = written(dir, &reports);
    assert_eq!(second[0], first[0]);
    assert_ne!(second[1], first[1]);
    assert!(
        pdf_text(&dir.join(format!("output/2025/{}.pdf", changed.info.agency)))
            .contains("0755-86120099")
    );

    // A file of a report removed: that report is built again.
    std::fs::remove_file(dir.join(format!("output/2025/{}.xlsx", reports[2].info.agency))).unwrap();
    let err = build(dir, &[]);
    assert!(err.contains("其中2个机关"), "{err}");
    assert!(
        dir.join(format!("output/2025/{}.xlsx", reports[2].info.agency))
            .exists()
    );

    // A template changed: everything is built again.
    std::fs::create_dir(dir.join("templates")).unwrap();
    let topics = std::fs::read_to_string(repo().join("templates/topics.md.tera")).unwrap();
    std::fs::write(dir.join("templates/topics.md.tera"), format!("{topics}\n")).unwrap();
    let err = build(dir, &[]);
    assert!(!err.contains("沿用"), "{err}");
    let third = written(dir, &reports);
    assert!(third.iter().zip(&second).all(|(a, b)| a != b));

    // --rebuild: everything, though nothing changed.
    let err = build(dir, &["--rebuild"]);
    assert!(!err.contains("沿用"), "{err}");
    assert!(
        written(dir, &reports)
            .iter()
            .zip(&third)
            .all(|(a, b)| a != b)
    );
}
