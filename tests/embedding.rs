//! `check` shows a report's faces embeddable without keeping subsets: each glyph is cut down
//! once per run (`pdf::prove`), and what it accepts is exactly what `build` embeds.

use nianbao::layout::fonts::FontSet;
use nianbao::pdf::{Proven, embed, prove};
use nianbao::render::Templates;

use crate::common;

fn laid(report: &nianbao::model::Report, fonts: &FontSet) -> nianbao::layout::Laid {
    let templates = Templates::load(None).expect("built-in templates");
    let markdown = templates.render(report).expect("render");
    let doc = nianbao::doc::parse(&markdown, report).expect("parse");
    nianbao::layout::layout(&doc, fonts)
}

#[test]
fn a_trial_cuts_each_glyph_once_and_accepts_what_build_embeds() {
    let fonts = FontSet::discover(&[], &nianbao::config::Config::default())
        .expect("Chinese fonts: apt-get install fonts-noto-cjk");
    let reports: Vec<_> = common::sample_sources()
        .iter()
        .map(|p| common::report_from_toml(p))
        .collect();
    let proven = Proven::default();
    let mut seen = 0;
    for report in &reports {
        let pages = laid(report, &fonts);
        assert!(embed(&pages, &fonts).is_ok(), "{}", report.info.agency);
        prove(&pages, &fonts, &proven).expect("the sample's faces embed");
        let after = proven.glyphs();
        assert!(after > seen, "a new sample brings glyphs of its own");
        seen = after;
        // The same pages again: nothing left to cut down, nothing added.
        prove(&pages, &fonts, &proven).expect("proven already");
        assert_eq!(proven.glyphs(), seen);
    }
    // Every character the samples print, shown once per face: no more than the sum of them.
    let total: usize = reports
        .iter()
        .map(|r| {
            let fresh = Proven::default();
            prove(&laid(r, &fonts), &fonts, &fresh).expect("embeds");
            fresh.glyphs()
        })
        .sum();
    assert!(
        seen < total,
        "the samples share glyphs: {seen} proven of {total}"
    );
}
