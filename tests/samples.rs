//! The sample workbooks in input/ are generated from tests/fixtures/samples/*.toml.
//! `NIANBAO_WRITE_SAMPLES=1 cargo test --test integration samples::` rewrites them; otherwise this checks
//! that what is committed still reads back as its source says, and passes every rule.

use crate::common::*;
use nianbao::model::Date;
use nianbao::rules::{self, Context};
use nianbao::workbook;

fn ctx() -> Context {
    Context::new(Date::new(2026, 2, 1).unwrap())
}

#[test]
fn samples_match_their_sources_and_pass_every_rule() {
    let write = std::env::var("NIANBAO_WRITE_SAMPLES").is_ok();
    let sources = sample_sources();
    assert_eq!(sources.len(), 3, "three sample agencies");
    for source in sources {
        let expected = report_from_toml(&source);
        let path = repo()
            .join("input")
            .join(format!("{}.xlsx", expected.info.agency));
        if write {
            std::fs::write(&path, workbook_bytes(&expected)).unwrap();
        }
        let read = workbook::read_file(&path);
        assert!(
            read.findings.is_empty(),
            "{}: {:#?}",
            path.display(),
            read.findings
        );
        let got = read.report;
        assert_eq!(got.info.agency, expected.info.agency);
        assert_eq!(got.info.year, expected.info.year);
        assert_eq!(got.info.published, expected.info.published);
        assert_eq!(got.info.website, expected.info.website);
        assert_same_values(&got, &expected, &path.display().to_string());
        let texts = |r: &nianbao::model::Report| -> Vec<String> {
            r.paragraphs().map(|p| p.text.clone()).collect()
        };
        assert_eq!(texts(&got), texts(&expected));
        let findings = rules::check(&got, &ctx());
        assert!(findings.is_empty(), "{}: {:#?}", path.display(), findings);
    }
}
