//! The paragraph breaker measured on the prose reports really carry: the samples, the published
//! 淮安市人民政府2024 report (read from its PDF), the prose corpora, and paragraphs with the
//! addresses and numbers that used to leave lines loose. On every one: no line but a paragraph's
//! last is stretched more than a quarter em between two characters, no paragraph ends with one
//! character alone, 禁则 holds, and every line stays inside the text block.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use nianbao::doc::{Block, Document};
use nianbao::layout::block_style;
use nianbao::layout::fonts::FontSet;
use nianbao::layout::page::Geometry;
use nianbao::layout::text::{Line, break_lines, is_closing, is_opening};
use nianbao::model::Report;
use nianbao::render::Templates;

use crate::common;

fn fonts() -> &'static Arc<FontSet> {
    static FONTS: OnceLock<Arc<FontSet>> = OnceLock::new();
    FONTS.get_or_init(|| {
        FontSet::discover(&[], &nianbao::config::Config::default())
            .expect("Chinese fonts: apt-get install fonts-noto-cjk")
    })
}

/// The headings (level 1–4) and paragraphs (level 0) of a report as nianbao prints it.
fn blocks_of(report: &Report) -> Vec<(u8, String)> {
    let templates = Templates::load(None).expect("built-in templates");
    let markdown = templates.render(report).expect("render");
    let doc: Document = nianbao::doc::parse(&markdown, report).expect("parse");
    doc.blocks
        .into_iter()
        .filter_map(|b| match b {
            Block::Heading { level, text } => Some((level, text)),
            Block::Paragraph(text) => Some((0, text)),
            _ => None,
        })
        .collect()
}

/// How a set of paragraphs came out.
#[derive(Default)]
struct Measured {
    paragraphs: usize,
    lines: usize,
    /// The widest justification gap of a line that is not a paragraph's last, in em, and that line.
    loosest: (f32, String),
    lonely: Vec<String>,
    kinsoku: Vec<String>,
    outside: Vec<String>,
}

fn measure(paragraphs: &[(u8, String)]) -> Measured {
    let g = Geometry::gbt9704();
    let mut m = Measured::default();
    for (level, text) in paragraphs {
        let style = block_style(&g, *level);
        let (lines, _) = break_lines(fonts(), text, style, g.measure);
        m.paragraphs += 1;
        m.lines += lines.len();
        let texts: Vec<String> = lines.iter().map(Line::text).collect();
        for (i, line) in lines.iter().enumerate() {
            let room = g.measure - if i == 0 { style.indent } else { 0.0 };
            if line.width > room + 0.01 {
                m.outside.push(texts[i].clone());
            }
            if i + 1 < lines.len() {
                let gap = line.stretch / style.size;
                if gap > m.loosest.0 {
                    m.loosest = (gap, texts[i].clone());
                }
                if texts[i].chars().last().is_some_and(is_opening) {
                    m.kinsoku.push(texts[i].clone());
                }
            }
            if i > 0 && texts[i].chars().next().is_some_and(is_closing) {
                m.kinsoku.push(texts[i].clone());
            }
        }
        if lines.len() > 1 {
            let last = &texts[texts.len() - 1];
            let ink = last
                .chars()
                .filter(|c| !c.is_whitespace() && !is_closing(*c) && !is_opening(*c))
                .count();
            if ink <= 1 {
                m.lonely
                    .push(format!("…{} / {last}", texts[texts.len() - 2]));
            }
        }
    }
    m
}

fn assert_well_set(what: &str, m: &Measured) {
    eprintln!(
        "{what}: {} paragraphs, {} lines; loosest gap {:.3} em in 「{}」",
        m.paragraphs, m.lines, m.loosest.0, m.loosest.1
    );
    assert!(m.paragraphs > 0, "{what}: nothing measured");
    assert!(
        m.loosest.0 <= 0.25 + 1e-3,
        "{what}: a line is stretched {:.3} em between characters: 「{}」",
        m.loosest.0,
        m.loosest.1
    );
    assert!(
        m.lonely.is_empty(),
        "{what}: last lines of one character: {:?}",
        m.lonely
    );
    assert!(m.kinsoku.is_empty(), "{what}: 禁则 broken: {:?}", m.kinsoku);
    assert!(
        m.outside.is_empty(),
        "{what}: lines past the text block: {:?}",
        m.outside
    );
}

#[test]
fn the_samples_are_set_without_loose_lines() {
    for source in common::sample_sources() {
        let report = common::report_from_toml(&source);
        let name = source.file_stem().unwrap().to_string_lossy().to_string();
        assert_well_set(&name, &measure(&blocks_of(&report)));
    }
}

fn real(name: &str) -> PathBuf {
    common::repo().join("../shared/fixtures/real").join(name)
}

#[test]
fn published_prose_is_set_without_loose_lines() {
    let path = real("淮安市人民政府2024.pdf");
    let out = nianbao::document::read_file(&path, nianbao::document::Kind::Pdf);
    let blocks = blocks_of(&out.report);
    assert!(blocks.len() > 20, "the Huai'an report's prose is read");
    assert_well_set("淮安市人民政府2024", &measure(&blocks));
    let corpus: Vec<(u8, String)> = ["prose.txt", "contradictions.txt"]
        .iter()
        .flat_map(|f| common::corpus(f))
        .map(|t| (0, t))
        .collect();
    assert_well_set("corpus", &measure(&corpus));
}

/// The contact sentences of a report's preamble and 六、, with the numbers, addresses and
/// names agencies really write, at every position a line could fall.
fn contact_paragraphs() -> Vec<String> {
    let agencies = [
        "江岚县教育局",
        "淮安市人民政府办公室",
        "青石镇人民政府",
        "县住房和城乡建设局",
    ];
    let contacts = [
        "（电话：0517-83605210）",
        "（地址：江岚县人民路8号，邮编：223001，电话：0512-67771234，传真：0512-67775678）",
        "，电子邮箱：zwgk@jianglan.gov.cn",
        "，网址：http://www.jianglan.gov.cn/col/col12345/index.html",
        "，网址：https://www.huaian.gov.cn/zfxxgk/ndbg/202501/t20250125_123456.shtml",
        "（联系电话：13812345678）",
    ];
    let mut out = Vec::new();
    for (i, agency) in agencies.iter().enumerate() {
        for (j, contact) in contacts.iter().enumerate() {
            // A lead of varying length moves the address across the line.
            let lead = "本年度报告中使用数据统计期限为2025年1月1日至2025年12月31日"
                .chars()
                .take(3 + (i * 7 + j * 5) % 28)
                .collect::<String>();
            out.push(format!(
                "{lead}。本报告电子版可在本机关门户网站下载。如对本报告有疑问，请与{agency}联系{contact}。"
            ));
        }
    }
    out
}

#[test]
fn lines_before_addresses_and_numbers_are_not_loose() {
    let paragraphs: Vec<(u8, String)> = contact_paragraphs().into_iter().map(|t| (0, t)).collect();
    assert_well_set("contacts", &measure(&paragraphs));
}

#[test]
fn a_scheme_never_ends_a_line_and_addresses_break_only_after_their_marks() {
    let g = Geometry::gbt9704();
    let style = block_style(&g, 0);
    let mut split = 0;
    for text in contact_paragraphs() {
        // From 20 characters every part of an address between its marks fits on a line.
        for ems in 20..=28 {
            let measure = ems as f32 * g.grid_advance();
            let (lines, _) = break_lines(fonts(), &text, style, measure);
            let texts: Vec<String> = lines.iter().map(Line::text).collect();
            for pair in texts.windows(2) {
                let (end, next) = (
                    pair[0].chars().last().unwrap(),
                    pair[1].chars().next().unwrap(),
                );
                assert!(
                    !pair[0].ends_with("http://")
                        && !pair[0].ends_with("https://")
                        && !pair[0].ends_with("http:")
                        && !pair[0].ends_with("https"),
                    "a scheme ends a line at {ems} em: {texts:?}"
                );
                let inside_word = end.is_ascii_alphanumeric() && next.is_ascii_alphanumeric();
                assert!(
                    !inside_word,
                    "a word or number split at {ems} em: {texts:?}"
                );
                if "/.-@".contains(end) && next.is_ascii_alphanumeric() {
                    split += 1;
                }
            }
        }
    }
    assert!(split > 0, "addresses do break where a line would be loose");
}
