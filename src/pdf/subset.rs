//! The faces a report uses, cut down to its glyphs (Typst's `subsetter`) and handed to
//! printpdf as small, finished font programs under stable ids.
//!
//! printpdf 0.12 with `text_layout` would otherwise parse each whole collection (copying it),
//! look every character up by scanning the face's `cmap` linearly, subset with allsorts (which
//! keeps every font dict and stubs tens of thousands of subroutines) and decode every outline
//! of the subset again for `/W`. An upstream fix would subset through `subsetter` and take
//! widths from `hmtx`; until then printpdf (without `text_layout`) is given subsets, reads their
//! small `cmap` and `hmtx`, and embeds them as they are.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::RwLock;

use anyhow::{Context as _, Result};
use printpdf::{FontId, ParsedFont, PdfDocument, PdfFont};

use crate::layout::fonts::{Face, FontSet};
use crate::layout::{Item, Laid};

use super::programs::Programs;
use super::sfnt;

/// The faces a report's pages use, each cut down to the characters it prints and read back:
/// everything about embedding its fonts that can fail, done before the PDF is written.
pub struct Embedded {
    faces: Vec<(usize, PdfFont)>,
}

/// Each face the pages use, subset to the characters it prints (put together from `programs`
/// where earlier reports of the batch hold every glyph); an error names the face that cannot
/// be cut down or whose subset cannot be read.
pub fn embed(laid: &Laid, fonts: &FontSet, programs: &Programs) -> Result<Embedded> {
    let mut faces = Vec::new();
    for (index, glyphs) in used(laid, fonts) {
        let face = &fonts.faces[index];
        let mut parsed = cut(face, &glyphs, Some((programs, index)))?;
        // The subset tag (PDF 32000 §9.6.4): printpdf adds it only to subsets it made.
        let tag = subset_tag(index);
        let name = face.postscript_name().unwrap_or_else(|| tag.clone());
        parsed.font_name = Some(format!("{tag}+{name}"));
        faces.push((index, PdfFont::new(parsed)));
    }
    Ok(Embedded { faces })
}

/// The glyphs of each face that one run has shown can be embedded: what `check` keeps instead
/// of each report's subsets.
#[derive(Default)]
pub struct Proven {
    faces: RwLock<HashMap<usize, HashSet<u16>>>,
}

impl Proven {
    /// How many glyphs (of all faces) the run has shown embeddable.
    pub fn glyphs(&self) -> usize {
        self.faces
            .read()
            .map_or(0, |f| f.values().map(HashSet::len).sum())
    }
}

/// Whether `embed` would succeed for these pages, cutting down only the glyphs `proven` does
/// not hold yet (and adding them). A glyph that cannot be embedded never joins `proven`, so
/// every report that uses it is refused as `embed` would refuse it, whichever comes first:
/// subsetter and printpdf fail on a face's tables, which the first report meets, or on one
/// glyph's outline.
pub fn prove(laid: &Laid, fonts: &FontSet, proven: &Proven) -> Result<()> {
    for (index, mut glyphs) in used(laid, fonts) {
        if let Ok(known) = proven.faces.read()
            && let Some(known) = known.get(&index)
        {
            glyphs.retain(|_, g| !known.contains(g));
        }
        if glyphs.is_empty() {
            continue;
        }
        cut(&fonts.faces[index], &glyphs, None)?;
        if let Ok(mut known) = proven.faces.write() {
            known.entry(index).or_default().extend(glyphs.values());
        }
    }
    Ok(())
}

/// Each face the pages print with, and the characters it prints (character → glyph id).
fn used(laid: &Laid, fonts: &FontSet) -> BTreeMap<usize, BTreeMap<char, u16>> {
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
    used
}

/// `face` cut down to `glyphs` and read back as printpdf will embed it; `memo` is the batch's
/// programs and the face's index in its font set.
fn cut(
    face: &Face,
    glyphs: &BTreeMap<char, u16>,
    memo: Option<(&Programs, usize)>,
) -> Result<ParsedFont> {
    let program = program(face, glyphs, memo)
        .with_context(|| format!("无法嵌入字体 {}（{}）", face.family, face.path.display()))?;
    let mut warnings = Vec::new();
    ParsedFont::from_bytes(&program, 0, &mut warnings).with_context(|| {
        format!(
            "无法嵌入字体 {}（{}）：子集无法读取",
            face.family,
            face.path.display()
        )
    })
}

/// The embedded faces handed to printpdf, under ids that depend only on the face (printpdf's
/// own come from a process-wide counter).
pub fn register(doc: &mut PdfDocument, embedded: Embedded) -> BTreeMap<usize, FontId> {
    let mut ids = BTreeMap::new();
    for (index, font) in embedded.faces {
        let id = FontId(subset_tag(index));
        doc.resources.fonts.map.insert(id.clone(), font);
        ids.insert(index, id);
    }
    ids
}

/// The font program of `face` with only `glyphs` (character → glyph id in the face), renumbered
/// in character order, with a `cmap` for them: subsetter's, or the same bytes from `memo`.
fn program(
    face: &Face,
    glyphs: &BTreeMap<char, u16>,
    memo: Option<(&Programs, usize)>,
) -> Result<Vec<u8>> {
    let mut remapper = subsetter::GlyphRemapper::new();
    let pairs: Vec<(char, u16)> = glyphs
        .iter()
        .map(|(c, gid)| (*c, remapper.remap(*gid)))
        .collect();
    let made = |gids: &[u16]| {
        let remapper = subsetter::GlyphRemapper::new_from_glyphs(gids);
        subsetter::subset(face.data(), face.index, &remapper).map_err(|e| anyhow::anyhow!("{e}"))
    };
    let cmap = sfnt::cmap(&pairs);
    let gids: Vec<u16> = remapper.remapped_gids().collect();
    match memo {
        Some((programs, index)) => {
            let face_data = (face.data(), face.index);
            programs.program(index, face_data, &gids, (*b"cmap", &cmap), made)
        }
        None => sfnt::adding(&made(&gids)?, (*b"cmap", &cmap)),
    }
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
