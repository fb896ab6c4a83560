//! Subset font programs for a whole batch, put together from what earlier subsets of the same
//! face already hold, instead of desubroutinizing every glyph of every report again.
//!
//! A CFF subset from `subsetter` is, for a given set of font dicts, the same bytes up to its
//! FDSelect (header, names, Top DICT, strings, the empty global subroutines, charset, private
//! dicts), then the FDSelect, the FDArray (fixed again), and the glyphs' charstrings; around it
//! sit `head`, `hhea`, `hmtx`, `maxp`, `name` and `post`, of which only `hhea`, `hmtx` and
//! `maxp` depend on the glyphs. So each subset subsetter makes is taken apart once: its glyphs'
//! charstrings and metrics are kept by glyph id, the parts that depend only on the font dicts
//! as a template. A later report whose glyphs are all known is assembled from them; a template
//! is kept only if assembling the very subset it came from gives subsetter's bytes exactly,
//! so what is assembled is what subsetter would have written.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use super::{cff, sfnt};

/// What a batch's memo may hold in charstrings: a province's reports use a few thousand
/// glyphs per face, a few hundred bytes each.
const BYTE_CAP: usize = 64 << 20;
/// Templates per face: one for each set of font dicts the batch's reports use.
const TEMPLATE_CAP: usize = 64;

/// The memo of one batch, shared by its threads.
#[derive(Default)]
pub struct Programs {
    faces: RwLock<HashMap<usize, Arc<FaceMemo>>>,
    bytes: AtomicUsize,
}

#[derive(Default)]
struct FaceMemo {
    /// The font dict of each glyph of the face; `None` if the face is not CFF or not readable.
    fds: OnceLock<Option<Vec<u8>>>,
    glyphs: RwLock<HashMap<u16, Glyph>>,
    templates: RwLock<Vec<Arc<Template>>>,
    /// Set when a subset could not be taken apart and put together again: subsetter only.
    off: AtomicBool,
}

/// One glyph as a subset holds it.
struct Glyph {
    charstring: Box<[u8]>,
    advance: u16,
    lsb: i16,
}

/// The parts of a subset that depend only on the set of font dicts its glyphs use.
struct Template {
    /// The sorted font dicts (of the face) it is for.
    fds: Vec<u8>,
    version: [u8; 4],
    /// The CFF table up to its FDSelect.
    cff_head: Vec<u8>,
    /// Where in `cff_head` the charset's glyph count, and the 5-byte operands of the Top
    /// DICT's FDArray and CharStrings offsets, are.
    charset_count_at: usize,
    fd_array_at: usize,
    char_strings_at: usize,
    fd_array: Vec<u8>,
    /// `hhea`, `maxp` and the tables that do not change (`head`, `name`, `post` …).
    hhea: Vec<u8>,
    maxp: Vec<u8>,
    fixed: Vec<([u8; 4], Vec<u8>)>,
}

impl Programs {
    fn face(&self, index: usize) -> Arc<FaceMemo> {
        if let Ok(faces) = self.faces.read()
            && let Some(memo) = faces.get(&index)
        {
            return memo.clone();
        }
        match self.faces.write() {
            Ok(mut faces) => faces.entry(index).or_default().clone(),
            Err(_) => Arc::new(FaceMemo::default()),
        }
    }

    /// The subset of face `index` (whose file is `data`, face `face_index`) with `gids` (new
    /// order, .notdef first) and the table `extra` added (its `cmap`), as `subset`
    /// (subsetter) makes it for any glyph ids: put together
    /// from the memo, after `subset` has made the glyphs it does not hold yet; or `subset`'s
    /// own, kept for later reports, where the memo has no template for these font dicts.
    pub fn program(
        &self,
        index: usize,
        (data, face_index): (&[u8], u32),
        gids: &[u16],
        extra: sfnt::Table,
        subset: impl Fn(&[u16]) -> anyhow::Result<Vec<u8>>,
    ) -> anyhow::Result<Vec<u8>> {
        let with_extra = |font: Vec<u8>| sfnt::adding(&font, extra);
        let memo = self.face(index);
        let fds = match memo.fds.get_or_init(|| face_fds(data, face_index)) {
            Some(fds) if !memo.off.load(Ordering::Relaxed) && gids.len() >= 2 => fds,
            _ => return with_extra(subset(gids)?),
        };
        let Some(used) = used_fds(fds, gids) else {
            return with_extra(subset(gids)?);
        };
        let room = self.bytes.load(Ordering::Relaxed) < BYTE_CAP;
        if let Some(template) = memo.template(&used).filter(|_| room) {
            let missing: Vec<u16> = match memo.glyphs.read() {
                Ok(known) => gids
                    .iter()
                    .filter(|g| !known.contains_key(g))
                    .copied()
                    .collect(),
                Err(_) => return with_extra(subset(gids)?),
            };
            // The glyphs not held yet, made on their own (.notdef is in every subset).
            let fresh: Vec<u16> = std::iter::once(0)
                .chain(missing.into_iter().filter(|g| *g != 0))
                .collect();
            if fresh.len() >= 2 {
                self.learn(&memo, fds, &fresh, &subset(&fresh)?);
            }
            if let Ok(known) = memo.glyphs.read()
                && let Some(glyphs) = gids
                    .iter()
                    .map(|g| known.get(g))
                    .collect::<Option<Vec<_>>>()
            {
                return Ok(template.assemble(fds, gids, &glyphs, Some(extra)));
            }
        }
        let whole = subset(gids)?;
        self.learn(&memo, fds, gids, &whole);
        with_extra(whole)
    }

    /// Take apart `subset`, which subsetter made of the face of `memo` with `gids`, for later
    /// reports: its glyphs always, a template only where the memo has none for its font dicts.
    fn learn(&self, memo: &FaceMemo, fds: &[u8], gids: &[u16], subset: &[u8]) {
        let Some(used) = used_fds(fds, gids) else {
            return;
        };
        let Some(parts) = take_apart(subset, gids) else {
            memo.off.store(true, Ordering::Relaxed);
            return;
        };
        let needs_template = memo
            .templates
            .read()
            .is_ok_and(|t| t.len() < TEMPLATE_CAP && !t.iter().any(|t| t.fds == used));
        if needs_template {
            let glyphs: Vec<&Glyph> = parts.glyphs.iter().map(|(_, g)| g).collect();
            let template = parts.template(used);
            if template
                .as_ref()
                .is_none_or(|t| t.assemble(fds, gids, &glyphs, None) != subset)
            {
                memo.off.store(true, Ordering::Relaxed);
                return;
            }
            if let (Some(template), Ok(mut templates)) = (template, memo.templates.write())
                && !templates.iter().any(|t| t.fds == template.fds)
            {
                templates.push(Arc::new(template));
            }
        }
        let Ok(mut known) = memo.glyphs.write() else {
            return;
        };
        for (gid, glyph) in parts.glyphs {
            if known.contains_key(&gid) {
                continue;
            }
            let size = glyph.charstring.len() + 16;
            if self.bytes.fetch_add(size, Ordering::Relaxed) + size > BYTE_CAP {
                self.bytes.fetch_sub(size, Ordering::Relaxed);
                return;
            }
            known.insert(gid, glyph);
        }
    }
}

impl FaceMemo {
    fn template(&self, fds: &[u8]) -> Option<Arc<Template>> {
        let templates = self.templates.read().ok()?;
        templates.iter().find(|t| t.fds == fds).cloned()
    }
}

/// The font dict of each glyph of a CFF face; `None` for TrueType outlines or an unreadable face.
fn face_fds(data: &[u8], face_index: u32) -> Option<Vec<u8>> {
    let face = ttf_parser::Face::parse(data, face_index).ok()?;
    let raw = face.raw_face();
    if raw.table(ttf_parser::Tag::from_bytes(b"glyf")).is_some() {
        return None;
    }
    cff::font_dicts(raw.table(ttf_parser::Tag::from_bytes(b"CFF "))?)
}

/// The sorted font dicts that `gids` use.
fn used_fds(fds: &[u8], gids: &[u16]) -> Option<Vec<u8>> {
    let mut used: Vec<u8> = gids
        .iter()
        .map(|g| fds.get(*g as usize).copied())
        .collect::<Option<_>>()?;
    used.sort_unstable();
    used.dedup();
    Some(used)
}

/// A subset subsetter made, read: where its parts are, and its glyphs.
struct Parts<'a> {
    version: [u8; 4],
    tables: Vec<sfnt::Table<'a>>,
    cff: &'a [u8],
    hhea: &'a [u8],
    maxp: &'a [u8],
    /// Offsets in `cff`: the charset, FDSelect, FDArray and CharStrings, and where the Top
    /// DICT's 5-byte operands for the last two are.
    charset: usize,
    fd_select: usize,
    fd_array: usize,
    fd_array_at: usize,
    char_strings: usize,
    char_strings_at: usize,
    glyphs: Vec<(u16, Glyph)>,
}

/// The parts and the glyphs of a subset subsetter made with `gids`; `None` if it is not laid
/// out as expected (then the face is left to subsetter).
fn take_apart<'a>(subset: &'a [u8], gids: &[u16]) -> Option<Parts<'a>> {
    let (version, tables) = sfnt::tables(subset)?;
    let table = |tag: &[u8; 4]| tables.iter().find(|t| &t.0 == tag).map(|t| t.1);
    let cff = table(b"CFF ")?;
    let (hhea, hmtx, maxp) = (table(b"hhea")?, table(b"hmtx")?, table(b"maxp")?);
    // A version 2 `post` names each glyph: it would change with them.
    if table(b"post").is_some_and(|p| p.starts_with(&[0, 2, 0, 0])) || table(b"glyf").is_some() {
        return None;
    }
    let top = cff::top(cff)?;
    let wide = |op| {
        let e = top.get(op)?;
        Some((top.at + e.wide_at?, usize::try_from(e.value?).ok()?))
    };
    let (_, charset) = wide(cff::CHARSET)?;
    let (_, fd_select) = wide(cff::FD_SELECT)?;
    let (fd_array_at, fd_array) = wide(cff::FD_ARRAY)?;
    let (char_strings_at, char_strings) = wide(cff::CHAR_STRINGS)?;
    let n = gids.len();
    // charset format 2, one range after .notdef; FDSelect format 0; charstrings last.
    let laid_out = n >= 2
        && charset + 5 <= fd_select
        && cff.get(charset..charset + 3) == Some(&[2, 0, 1])
        && cff.get(fd_select) == Some(&0)
        && fd_select + 1 + n == fd_array
        && fd_array < char_strings
        && char_strings_at < fd_select;
    if !laid_out {
        return None;
    }
    let strings = cff::index(cff, char_strings)?;
    if strings.items.len() != n || strings.end != cff.len() {
        return None;
    }
    let long = u16::from_be_bytes(hhea.get(34..36)?.try_into().ok()?) as usize;
    let metric = |i: usize| -> Option<(u16, i16)> {
        let be = |at: usize| hmtx.get(at..at + 2).map(|b| [b[0], b[1]]);
        if i < long {
            Some((
                u16::from_be_bytes(be(4 * i)?),
                i16::from_be_bytes(be(4 * i + 2)?),
            ))
        } else {
            let last = u16::from_be_bytes(be(4 * long.checked_sub(1)?)?);
            Some((last, i16::from_be_bytes(be(4 * long + 2 * (i - long))?)))
        }
    };
    let mut glyphs = Vec::with_capacity(n);
    for (i, (gid, range)) in gids.iter().zip(&strings.items).enumerate() {
        let (advance, lsb) = metric(i)?;
        let charstring = cff.get(range.clone())?.into();
        glyphs.push((
            *gid,
            Glyph {
                charstring,
                advance,
                lsb,
            },
        ));
    }
    Some(Parts {
        version,
        tables,
        cff,
        hhea,
        maxp,
        charset,
        fd_select,
        fd_array,
        fd_array_at,
        char_strings,
        char_strings_at,
        glyphs,
    })
}

impl Parts<'_> {
    /// The template of these parts, for the font dicts `fds` (sorted) their glyphs use.
    fn template(&self, fds: Vec<u8>) -> Option<Template> {
        let fixed = self
            .tables
            .iter()
            .filter(|t| !matches!(&t.0, b"CFF " | b"hhea" | b"hmtx" | b"maxp"))
            .map(|(tag, data)| (*tag, data.to_vec()))
            .collect();
        Some(Template {
            fds,
            version: self.version,
            cff_head: self.cff.get(..self.fd_select)?.to_vec(),
            charset_count_at: self.charset + 3,
            fd_array_at: self.fd_array_at,
            char_strings_at: self.char_strings_at,
            fd_array: self.cff.get(self.fd_array..self.char_strings)?.to_vec(),
            hhea: self.hhea.get(..self.hhea.len().checked_sub(2)?)?.to_vec(),
            maxp: self.maxp.to_vec(),
            fixed,
        })
    }
}

impl Template {
    /// The subset of `glyphs` (ids `gids`, whose font dicts `fds` gives), as subsetter writes
    /// it, and `extra` added.
    fn assemble(
        &self,
        fds: &[u8],
        gids: &[u16],
        glyphs: &[&Glyph],
        extra: Option<sfnt::Table>,
    ) -> Vec<u8> {
        let n = gids.len();
        let strings: usize = glyphs.iter().map(|g| g.charstring.len()).sum();
        let mut cff =
            Vec::with_capacity(self.cff_head.len() + n + self.fd_array.len() + strings + 4 * n + 8);
        cff.extend_from_slice(&self.cff_head);
        put(
            &mut cff,
            self.charset_count_at,
            &((n - 2) as u16).to_be_bytes(),
        );
        cff.push(0);
        for gid in gids {
            let fd = fds.get(*gid as usize).copied().unwrap_or(0);
            cff.push(self.fds.iter().position(|f| *f == fd).unwrap_or(0) as u8);
        }
        let fd_array = cff.len();
        cff.extend_from_slice(&self.fd_array);
        let char_strings = cff.len();
        cff::write_index(&mut cff, glyphs.iter().map(|g| &*g.charstring));
        put(
            &mut cff,
            self.fd_array_at + 1,
            &(fd_array as i32).to_be_bytes(),
        );
        put(
            &mut cff,
            self.char_strings_at + 1,
            &(char_strings as i32).to_be_bytes(),
        );

        // Advances repeated at the end are written once (hhea's numberOfHMetrics).
        let last = glyphs.last().map_or(0, |g| g.advance);
        let long = n - glyphs
            .iter()
            .rev()
            .skip(1)
            .take_while(|g| g.advance == last)
            .count();
        let mut hmtx = Vec::with_capacity(4 * n);
        for (i, g) in glyphs.iter().enumerate() {
            if i < long {
                hmtx.extend(g.advance.to_be_bytes());
            }
            hmtx.extend(g.lsb.to_be_bytes());
        }
        let mut hhea = self.hhea.clone();
        hhea.extend((long as u16).to_be_bytes());
        let mut maxp = self.maxp.clone();
        put(&mut maxp, 4, &(n as u16).to_be_bytes());

        let mut tables: Vec<([u8; 4], &[u8])> = vec![
            (*b"CFF ", &cff),
            (*b"hhea", &hhea),
            (*b"hmtx", &hmtx),
            (*b"maxp", &maxp),
        ];
        tables.extend(self.fixed.iter().map(|(tag, data)| (*tag, data.as_slice())));
        tables.extend(extra);
        sfnt::assemble(self.version, &mut tables)
    }
}

/// `bytes` written over `out` at `at`, where it fits.
fn put(out: &mut [u8], at: usize, bytes: &[u8]) {
    if let Some(slot) = out.get_mut(at..at + bytes.len()) {
        slot.copy_from_slice(bytes);
    }
}
