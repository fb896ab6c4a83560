//! `check` shows a report's faces embeddable without keeping subsets: each glyph is cut down
//! once per run (`pdf::prove`), and what it accepts is exactly what `build` embeds. `build`'s
//! subsets put together from earlier ones are subsetter's bytes exactly.

use nianbao::layout::fonts::FontSet;
use nianbao::pdf::{Programs, Proven, embed, prove};
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
        assert!(
            embed(&pages, &fonts, &Programs::default()).is_ok(),
            "{}",
            report.info.agency
        );
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

/// Glyph ids of `face` for `count` characters drawn (xorshift, from `seed`) from the common
/// CJK block, and the Latin and punctuation a report prints.
fn drawn(face: &nianbao::layout::fonts::Face, seed: u64, count: usize) -> Vec<u16> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut gids = vec![0u16];
    let fixed = "0123456789，。、；：（）《》年月日ABCxyz%";
    let drawn = (0..count).map(|_| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        char::from_u32(0x4E00 + (state % 0x1800) as u32).unwrap_or('一')
    });
    for c in fixed.chars().chain(drawn) {
        if let Some(g) = face.glyph(c)
            && !gids.contains(&g.id)
        {
            gids.push(g.id);
        }
    }
    gids
}

/// `font` with `table` added: the table directory rewritten in tag order (OpenType's layout).
fn with_table(font: &[u8], tag: [u8; 4], table: &[u8]) -> Vec<u8> {
    let u32_at = |o: usize| u32::from_be_bytes(font[o..o + 4].try_into().unwrap()) as usize;
    let count = u16::from_be_bytes([font[4], font[5]]) as usize;
    let mut tables: Vec<([u8; 4], &[u8])> = (0..count)
        .map(|i| {
            let r = 12 + 16 * i;
            let tag: [u8; 4] = font[r..r + 4].try_into().unwrap();
            (tag, &font[u32_at(r + 8)..u32_at(r + 8) + u32_at(r + 12)])
        })
        .collect();
    tables.push((tag, table));
    tables.sort_by_key(|t| t.0);
    let mut head: Vec<u8> = Vec::new();
    let mut body: Vec<u8> = Vec::new();
    let n = tables.len();
    let selector = (usize::BITS - 1 - n.leading_zeros()) as u16;
    head.extend(&font[..4]);
    for half in [
        n as u16,
        16 << selector,
        selector,
        (n as u16) * 16 - (16 << selector),
    ] {
        head.extend(half.to_be_bytes());
    }
    let mut adjust = None;
    for (tag, data) in &tables {
        let offset = 12 + 16 * n + body.len();
        let mut padded = data.to_vec();
        padded.resize(data.len().next_multiple_of(4), 0);
        if tag == b"head" {
            padded[8..12].fill(0);
            adjust = Some(offset + 8);
        }
        let sum = padded.chunks(4).fold(0u32, |s, w| {
            s.wrapping_add(u32::from_be_bytes(w.try_into().unwrap()))
        });
        head.extend(tag);
        head.extend(sum.to_be_bytes());
        head.extend((offset as u32).to_be_bytes());
        head.extend((data.len() as u32).to_be_bytes());
        body.extend(&padded);
    }
    head.extend(body);
    if let Some(at) = adjust {
        let sum = head.chunks(4).fold(0u32, |s, w| {
            s.wrapping_add(u32::from_be_bytes(w.try_into().unwrap()))
        });
        head[at..at + 4].copy_from_slice(&0xB1B0_AFBAu32.wrapping_sub(sum).to_be_bytes());
    }
    head
}

#[test]
fn subsets_put_together_from_earlier_ones_are_subsetters_bytes() {
    let fonts = FontSet::discover(&[], &nianbao::config::Config::default())
        .expect("Chinese fonts: apt-get install fonts-noto-cjk");
    let programs = Programs::default();
    let subsetter = |face: &nianbao::layout::fonts::Face, gids: &[u16]| {
        let remapper = subsetter::GlyphRemapper::new_from_glyphs(gids);
        subsetter::subset(face.data(), face.index, &remapper).map_err(|e| anyhow::anyhow!("{e}"))
    };
    let (mut made, mut put_together) = (0, 0);
    for (index, face) in fonts.faces.iter().enumerate().take(6) {
        // Sets that overlap more and more, as a batch's reports do; the last ones all known.
        for round in 0..12u64 {
            let gids = drawn(face, round % 8, 40 + 30 * (round as usize % 5));
            if gids.len() < 2 {
                continue;
            }
            let calls = std::cell::Cell::new(0);
            let ours = programs
                .program(
                    index,
                    (face.data(), face.index),
                    &gids,
                    (*b"cmap", b"test"),
                    |g| {
                        calls.set(calls.get() + 1);
                        subsetter(face, g)
                    },
                )
                .expect("the face subsets");
            let theirs = subsetter(face, &gids).expect("the face subsets");
            let theirs = with_table(&theirs, *b"cmap", b"test");
            assert!(
                ours == theirs,
                "{} round {round}: not subsetter's bytes",
                face.family
            );
            if calls.get() == 0 {
                put_together += 1;
            }
            made += 1;
        }
    }
    assert!(made > 0, "no face to subset");
    assert!(
        put_together > 0,
        "no subset was put together from the memo ({made} made)"
    );
}
