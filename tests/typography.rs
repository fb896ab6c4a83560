//! The line breaker on the real fonts: 禁则 at every measure, words and numbers never split,
//! the 28-character grid, justified lines exactly as wide as the measure.

use std::sync::{Arc, OnceLock};

use nianbao::layout::fonts::{FontSet, Role};
use nianbao::layout::page::Geometry;
use nianbao::layout::text::{Line, Style, break_lines, break_title, is_closing, is_opening};

fn fonts() -> &'static Arc<FontSet> {
    static FONTS: OnceLock<Arc<FontSet>> = OnceLock::new();
    FONTS.get_or_init(|| {
        FontSet::discover(&[], &nianbao::config::Config::default())
            .expect("Chinese fonts: apt-get install fonts-noto-cjk")
    })
}

fn body() -> (Style, f32) {
    let g = Geometry::gbt9704();
    let style = Style {
        indent: 2.0 * g.grid_advance(),
        justify: true,
        tracking: g.grid_tracking(),
        ..Style::new(Role::Body, g.body_size)
    };
    (style, g.measure)
}

const TRICKY: &str = "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）编制。统计期限自2024年1月1日至2024年12月31日，同比增长12.5%。电话：010-12345678；邮箱：zwgk@example.gov.cn；网址：https://www.example.gov.cn/xxgk/index.html。“三安全一稳定”……——其他。";

fn measure_text(text: &str) -> f32 {
    let (style, _) = body();
    nianbao::layout::text::measure(fonts(), text, Role::Body, style.size)
        + style.tracking * text.chars().count() as f32
}

fn texts(lines: &[Line]) -> Vec<String> {
    lines.iter().map(Line::text).collect()
}

#[test]
fn no_line_starts_with_closing_or_ends_with_opening_punctuation() {
    let (style, _) = body();
    for ems in 6..=28 {
        let measure = ems as f32 * 15.8;
        let (lines, missing) = break_lines(fonts(), TRICKY, style, measure);
        assert!(missing.is_empty());
        let texts = texts(&lines);
        assert_eq!(
            texts.concat(),
            TRICKY,
            "no character lost or added at {ems} em"
        );
        for t in &texts[1..] {
            let first = t.chars().next().unwrap();
            assert!(
                !is_closing(first),
                "line starts with {first} at {ems} em: {texts:?}"
            );
        }
        for t in &texts[..texts.len() - 1] {
            let last = t.chars().last().unwrap();
            assert!(
                !is_opening(last),
                "line ends with {last} at {ems} em: {texts:?}"
            );
        }
    }
}

#[test]
fn numbers_are_never_split_and_addresses_only_after_their_marks() {
    let (style, _) = body();
    let whole = ["2024年", "12.5%"];
    let addresses = [
        "010-12345678",
        "zwgk@example.gov.cn",
        "https://www.example.gov.cn/xxgk/index.html",
    ];
    let mut checked = 0;
    for ems in 8..=28 {
        let measure = ems as f32 * 15.8;
        let (lines, _) = break_lines(fonts(), TRICKY, style, measure);
        let texts = texts(&lines);
        for w in whole {
            assert!(
                texts.iter().any(|t| t.contains(w)),
                "{w} split at {ems} em: {texts:?}"
            );
            checked += 1;
        }
        // An address that fits on a line breaks, if at all, after one of its marks.
        for a in addresses
            .iter()
            .filter(|a| measure_text(a) <= measure - style.indent)
        {
            checked += 1;
            if texts.iter().any(|t| t.contains(a)) {
                continue;
            }
            let end = texts
                .iter()
                .find(|t| (1..a.len()).any(|k| a.is_char_boundary(k) && t.ends_with(&a[..k])))
                .unwrap_or_else(|| panic!("{a} lost at {ems} em: {texts:?}"));
            assert!(
                end.ends_with(['/', '.', '-', '@']),
                "{a} split inside a part at {ems} em: {texts:?}"
            );
        }
    }
    assert!(
        checked > 60,
        "the test must look at words that fit: {checked}"
    );
}

#[test]
fn body_text_sits_on_the_28_character_grid() {
    let (style, measure) = body();
    let text = "政".repeat(26 + 28 * 3 + 5);
    let (lines, _) = break_lines(fonts(), &text, style, measure);
    let counts: Vec<usize> = lines.iter().map(|l| l.text().chars().count()).collect();
    assert_eq!(counts, [26, 28, 28, 28, 5]);
}

#[test]
fn justified_lines_fill_the_measure_exactly() {
    let (style, measure) = body();
    let (lines, _) = break_lines(fonts(), &TRICKY.repeat(3), style, measure);
    for (i, line) in lines.iter().enumerate().take(lines.len() - 1) {
        let room = if i == 0 {
            measure - style.indent
        } else {
            measure
        };
        assert!(
            (line.width - room).abs() < 0.05,
            "line {i} is {} wide, not {room}: {}",
            line.width,
            line.text()
        );
        // The glyphs start where the previous run's characters end (no overlaps, no gaps).
        for pair in line.runs.windows(2) {
            assert!(pair[1].x > pair[0].x);
        }
    }
}

#[test]
fn adjacent_full_width_punctuation_is_squeezed() {
    let style = Style::new(Role::Body, 16.0);
    let (plain, _) = break_lines(fonts(), "甲乙", style, 1000.0);
    let (squeezed, _) = break_lines(fonts(), "》（", style, 1000.0);
    assert!((plain[0].width - 32.0).abs() < 0.5, "{}", plain[0].width);
    assert!(
        (squeezed[0].width - 24.0).abs() < 0.5,
        "》（ should take 1.5 em: {}",
        squeezed[0].width
    );
}

#[test]
fn long_titles_break_into_balanced_lines() {
    let style = Style::new(Role::Title, 22.0);
    let measure = Geometry::gbt9704().measure;
    for agency in [
        "江岚县人民政府办公室",
        "江岚县住房和城乡建设局",
        "江岚县青石镇人民政府",
        "某某省某某市某某区人力资源和社会保障局",
    ] {
        let title = format!("{agency}2025年政府信息公开工作年度报告");
        let (lines, _) = nianbao::layout::text::break_balanced(fonts(), &title, style, measure);
        let texts = texts(&lines);
        assert_eq!(texts.concat(), title);
        assert!(lines.len() >= 2, "{texts:?}");
        for t in &texts {
            assert!(
                t.chars().count() >= 3,
                "a line of one or two characters: {texts:?}"
            );
        }
        let widths: Vec<f32> = lines.iter().map(|l| l.width).collect();
        let (min, max) = widths
            .iter()
            .fold((f32::MAX, 0.0f32), |(a, b), w| (a.min(*w), b.max(*w)));
        assert!(max - min < 4.0 * 22.0, "unbalanced: {texts:?}");
    }
}

/// GB/T 9704: a title breaks where the meaning allows. The most common titles of all (a
/// seven-character government) used to break inside 政府.
#[test]
fn titles_break_after_the_agency_or_the_year_never_inside_a_word() {
    let g = Geometry::gbt9704();
    let style = Style::new(Role::Title, g.title_size);
    let words = ["政府", "信息", "公开", "工作", "年度", "报告", "人民"];
    for agency in [
        "淮安市人民政府",
        "南京市人民政府",
        "沭阳县人民政府",
        "洪泽区人民政府",
        "江苏省人民政府",
        "江岚县交通运输局",
        "江苏省南京市江宁区人民政府办公室",
        "江岚县乡村振兴和农业农村现代化建设领导小组办公室人民政府信息公开工作办公室",
    ] {
        let title = format!("{agency}2024年政府信息公开工作年度报告");
        let (lines, missing) = break_title(fonts(), &title, style, g.measure);
        assert!(missing.is_empty());
        let t = texts(&lines);
        assert_eq!(t.concat(), title);
        for pair in t.windows(2) {
            let (a, b) = (
                pair[0].chars().last().unwrap(),
                pair[1].chars().next().unwrap(),
            );
            let joint: String = [a, b].iter().collect();
            assert!(
                !words.contains(&joint.as_str()),
                "{agency}: broken inside {joint}: {t:?}"
            );
        }
        for line in &lines {
            assert!(line.width <= g.measure + 0.01, "{agency}: {t:?}");
        }
        if agency.chars().count() <= 8 {
            assert_eq!(
                t,
                [
                    format!("{agency}2024年"),
                    "政府信息公开工作年度报告".to_string()
                ],
                "{agency}"
            );
        }
    }
}

/// A run of punctuation that no rule allows to break still breaks rather than leave the box.
#[test]
fn punctuation_runs_break_inside_the_measure() {
    let (style, measure) = body();
    for run in ["—", "…", "～", "。", "）", "，"] {
        let text = format!("前文{}后文。", run.repeat(150));
        let (lines, _) = break_lines(fonts(), &text, style, measure);
        assert_eq!(texts(&lines).concat(), text);
        assert!(lines.len() >= 3, "{run}");
        for (i, line) in lines.iter().enumerate() {
            let room = if i == 0 {
                measure - style.indent
            } else {
                measure
            };
            assert!(
                line.width <= room + 0.01,
                "{run}: line {i} is {} of {room}",
                line.width
            );
        }
    }
}
