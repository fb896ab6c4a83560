//! The faces a report uses, cut down to its glyphs (Typst's `subsetter`) and handed to
//! printpdf as small, finished font programs under stable ids.
//!
//! printpdf 0.12 with `text_layout` would otherwise parse each whole collection (copying it),
//! look every character up by scanning the face's `cmap` linearly, subset with allsorts (which
//! keeps every font dict and stubs tens of thousands of subroutines) and decode every outline
//! of the subset again for `/W`. An upstream fix would subset through `subsetter` and take
//! widths from `hmtx`; until then printpdf (without `text_layout`) is given subsets, reads their
//! small `cmap` and `hmtx`, and embeds them as they are.

use std::collections::BTreeMap;

use anyhow::{Context as _, Result};
use printpdf::{FontId, ParsedFont, PdfDocument, PdfFont};

use crate::layout::fonts::{Face, FontSet};
use crate::layout::{Item, Laid};

use super::sfnt;

/// Registers every face the pages use, each subset to the characters it prints, under ids
/// that depend only on the face (printpdf's own come from a process-wide counter).
pub fn register(
    doc: &mut PdfDocument,
    laid: &Laid,
    fonts: &FontSet,
) -> Result<BTreeMap<usize, FontId>> {
    let mut used: BTreeMap<usize, BTreeMap<char, u16>> = BTreeMap::new();
    for item in laid.pages.iter().flat_map(|p| &p.items) {
        if let Item::Text { face, text, .. } = item {
            let glyphs = used.entry(*face).or_default();
            for c in text.chars() {
                if let Some(g) = fonts.faces[*face].glyph(c) {
                    glyphs.insert(c, g.id);
                }
            }
        }
    }
    let mut ids = BTreeMap::new();
    for (index, glyphs) in used {
        let face = &fonts.faces[index];
        let program = program(face, &glyphs)
            .with_context(|| format!("无法嵌入字体 {}（{}）", face.family, face.path.display()))?;
        let mut warnings = Vec::new();
        let mut parsed = ParsedFont::from_bytes(&program, 0, &mut warnings).with_context(|| {
            format!(
                "无法嵌入字体 {}（{}）：子集无法读取",
                face.family,
                face.path.display()
            )
        })?;
        let id = FontId(subset_tag(index));
        // The subset tag (PDF 32000 §9.6.4): printpdf adds it only to subsets it made.
        let name = face.postscript_name().unwrap_or_else(|| id.0.clone());
        parsed.font_name = Some(format!("{}+{name}", id.0));
        doc.resources
            .fonts
            .map
            .insert(id.clone(), PdfFont::new(parsed));
        ids.insert(index, id);
    }
    Ok(ids)
}

/// The font program of `face` with only `glyphs` (character → glyph id in the face), renumbered
/// in character order, with a `cmap` for them.
fn program(face: &Face, glyphs: &BTreeMap<char, u16>) -> Result<Vec<u8>> {
    let mut remapper = subsetter::GlyphRemapper::new();
    let pairs: Vec<(char, u16)> = glyphs
        .iter()
        .map(|(c, gid)| (*c, remapper.remap(*gid)))
        .collect();
    let subset = subsetter::subset(face.data(), face.index, &remapper)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    sfnt::with_table(&subset, *b"cmap", &sfnt::cmap(&pairs)).context("子集的表目录无法读取")
}

/// `NBAAAA`, `NBAAAB` …: six uppercase letters from a face index, the subset tag.
fn subset_tag(index: usize) -> String {
    let mut n = index;
    let mut tail = [b'A'; 4];
    for slot in tail.iter_mut().rev() {
        *slot = b'A' + (n % 26) as u8;
        n /= 26;
    }
    format!("NB{}", String::from_utf8_lossy(&tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_tags_are_six_uppercase_letters() {
        for i in [0, 1, 25, 26, 500] {
            let t = subset_tag(i);
            assert_eq!(t.len(), 6);
            assert!(t.chars().all(|c| c.is_ascii_uppercase()));
        }
        assert_ne!(subset_tag(1), subset_tag(26));
    }
}
