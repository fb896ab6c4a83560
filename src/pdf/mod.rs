//! Pages from `layout` → a PDF through printpdf: fonts embedded as subsets with ToUnicode,
//! document information, a fixed creation date, byte-identical output for identical input.
//!
//! printpdf writes the document; what it is fed is ours. Each face a report uses is cut down to
//! the report's glyphs by `subset` before printpdf sees it, so printpdf embeds a few kilobytes
//! per face as they are instead of parsing and subsetting whole CJK collections itself.

mod archive;
mod cff;
mod programs;
mod sfnt;
mod subset;
mod tags;

use std::collections::BTreeMap;

use anyhow::Result;
use printpdf::{
    DictItem, FontId, Line, LinePoint, Mm, OffsetDateTime, Op, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, TextItem, TextMatrix,
};

use crate::layout::fonts::FontSet;
use crate::layout::page::{PAGE_HEIGHT_MM, PAGE_WIDTH_MM};
use crate::layout::structure::{Structure, Tag};
use crate::layout::{Item, Laid};
use crate::model::Date;

/// Document information written into the PDF.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// Creation date: 发布日期, else `source_date`, else the epoch — never the clock.
    pub date: Option<Date>,
    /// Seconds since the epoch from `SOURCE_DATE_EPOCH`, which the command line reads.
    pub source_date: Option<i64>,
}

/// How hard streams are compressed. On a report's streams (its faces' CFF outlines most of it),
/// libdeflate's level 1 gives 171.8 KB in 1.7 ms where zlib-rs's level 2 gave 173.4 KB in
/// 3.3 ms; libdeflate's level 6, 166.4 KB in 3.1 ms. lopdf's object streams keep lopdf's
/// own deflate, at `OBJECT_STREAMS`.
const COMPRESSION: i32 = 1;
const OBJECT_STREAMS: u32 = 2;

/// `data` deflated in the zlib format (PDF's FlateDecode) at `COMPRESSION`.
fn deflate(compressor: &mut libdeflater::Compressor, data: &[u8]) -> Option<Vec<u8>> {
    let mut out = vec![0; compressor.zlib_compress_bound(data.len())];
    let len = compressor.zlib_compress(data, &mut out).ok()?;
    out.truncate(len);
    Some(out)
}

fn compressor() -> libdeflater::Compressor {
    libdeflater::Compressor::new(libdeflater::CompressionLvl::new(COMPRESSION).unwrap_or_default())
}

pub use programs::Programs;
pub use subset::{Embedded, Proven, embed, prove};

/// The PDF bytes of a typeset report; an error only if a face cannot be subset.
pub fn write(laid: &Laid, fonts: &FontSet, meta: &Meta) -> Result<Vec<u8>> {
    write_embedded(laid, embed(laid, fonts, &Programs::default())?, meta)
}

/// The PDF bytes of a typeset report whose faces are embedded already. What is left can fail
/// only inside lopdf (writing into memory), never because of what the report says.
pub fn write_embedded(laid: &Laid, embedded: Embedded, meta: &Meta) -> Result<Vec<u8>> {
    let mut doc = PdfDocument::new(&meta.title);
    let info = &mut doc.metadata.info;
    info.author = meta.author.clone();
    info.subject = meta.subject.clone();
    info.keywords = meta.keywords.clone();
    info.creator = concat!("nianbao ", env!("CARGO_PKG_VERSION")).to_string();
    info.producer = info.creator.clone();
    let when = creation_time(meta.date, meta.source_date);
    info.creation_date = when;
    info.modification_date = when;
    info.metadata_date = when;

    let ids = subset::register(&mut doc, embedded);
    let mut mcids = Vec::with_capacity(laid.pages.len());
    let pages = laid
        .pages
        .iter()
        .map(|page| {
            let (ops, marked) = ops(&page.items, &ids, &laid.structure);
            mcids.push(marked);
            PdfPage::new(Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM), ops)
        })
        .collect();
    doc.with_pages(pages);
    let options = PdfSaveOptions {
        // The faces are subsets already; printpdf embeds them as they are.
        subset_fonts: false,
        // Compression is ours, at COMPRESSION (printpdf's is lopdf's level 9).
        optimize: false,
        ..PdfSaveOptions::default()
    };
    let mut lo = doc.to_lopdf_document(&options, &mut Vec::new());
    // printpdf draws the file identifier from a process-wide counter; derive it from the content.
    let id = document_id(laid, meta);
    lo.trailer.set(
        "ID",
        lopdf::Object::Array(vec![
            lopdf::Object::string_literal(id.clone()),
            lopdf::Object::string_literal(id),
        ]),
    );
    add_outline(&mut lo, &laid.outline);
    tidy_info(&mut lo);
    tags::add(&mut lo, &laid.structure, &mcids);
    archive::apply(&mut lo, meta, &when);
    // /Lang and the outline's features need PDF 1.4; printpdf declares 1.3.
    lo.version = "1.7".to_string();
    if let Ok(catalog) = lo.catalog_mut() {
        catalog.set("Lang", lopdf::Object::string_literal("zh-CN"));
        catalog.set(
            "ViewerPreferences",
            lopdf::dictionary! { "DisplayDocTitle" => true },
        );
    }
    let mut compressor = compressor();
    compress(&mut lo, &mut compressor);
    let mut bytes = Vec::new();
    // Dictionaries (fonts' /W arrays, pages, the outline) packed into compressed object
    // streams with a cross-reference stream: PDF 1.5, about 5% of a report.
    let options = lopdf::SaveOptions::builder()
        .use_object_streams(true)
        .use_xref_streams(true)
        .compression_level(OBJECT_STREAMS)
        .build();
    lo.save_with_options(&mut bytes, options)?;
    Ok(deflate_xref_stream(bytes, &mut compressor))
}

/// lopdf writes the cross-reference stream uncompressed: 7 bytes for each of the several
/// hundred objects a tagged report has (its structure elements). Deflated, the table takes a
/// fifth of that. The stream is the file's last object, so no offset moves; anything not as
/// lopdf writes it is left alone.
fn deflate_xref_stream(bytes: Vec<u8>, compressor: &mut libdeflater::Compressor) -> Vec<u8> {
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let Some(tail) = bytes
        .len()
        .checked_sub(64)
        .and_then(|from| find(&bytes[from..], b"startxref\n").map(|p| from + p))
    else {
        return bytes;
    };
    let Some(start) = std::str::from_utf8(&bytes[tail + 10..])
        .ok()
        .and_then(|t| t.lines().next())
        .and_then(|n| n.trim().parse::<usize>().ok())
        .filter(|s| *s < tail)
    else {
        return bytes;
    };
    let object = &bytes[start..tail];
    let (Some(dict_end), Some(data_end)) =
        (find(object, b"stream\n"), find(object, b"\nendstream"))
    else {
        return bytes;
    };
    let dict = &object[..dict_end];
    let data = &object[dict_end + 7..data_end];
    let length = format!("/Length {}", data.len());
    let Some(at) = find(dict, length.as_bytes()).filter(|_| find(dict, b"/Filter").is_none())
    else {
        return bytes;
    };
    let Some(packed) = deflate(compressor, data) else {
        return bytes;
    };
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..start]);
    out.extend_from_slice(&dict[..at]);
    out.extend_from_slice(format!("/Length {}/Filter/FlateDecode", packed.len()).as_bytes());
    out.extend_from_slice(&dict[at + length.len()..]);
    out.extend_from_slice(b"stream\n");
    out.extend_from_slice(&packed);
    out.extend_from_slice(&object[data_end..]);
    out.extend_from_slice(&bytes[tail..]);
    out
}

/// Every stream not yet filtered, deflated at `COMPRESSION` where that makes it smaller.
fn compress(lo: &mut lopdf::Document, compressor: &mut libdeflater::Compressor) {
    for object in lo.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        if stream.dict.get(b"Filter").is_ok() || !stream.allows_compression {
            continue;
        }
        if let Some(packed) = deflate(compressor, &stream.content)
            && packed.len() + 19 < stream.content.len()
        {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(packed);
        }
    }
}

/// Bookmarks: the title, with the section headings under it, each opening its page at the
/// heading. (printpdf's own bookmarks are sorted by name within a page, which puts 三 before 二.)
fn add_outline(lo: &mut lopdf::Document, outline: &[crate::layout::Mark]) {
    use lopdf::{Object, dictionary};
    let pages = lo.get_pages();
    let Some((root, children)) = outline.split_first() else {
        return;
    };
    let outlines_id = lo.new_object_id();
    let title_id = lo.new_object_id();
    let child_ids: Vec<_> = children.iter().map(|_| lo.new_object_id()).collect();
    let dest = |mark: &crate::layout::Mark| -> Object {
        match pages.get(&(mark.page as u32 + 1)) {
            Some(page) => Object::Array(vec![
                Object::Reference(*page),
                "XYZ".into(),
                Object::Null,
                Object::Real(mark.y),
                Object::Null,
            ]),
            None => Object::Null,
        }
    };
    for (i, (mark, id)) in children.iter().zip(&child_ids).enumerate() {
        let mut item = dictionary! {
            "Title" => text_string(&mark.title),
            "Parent" => Object::Reference(title_id),
            "Dest" => dest(mark),
        };
        if i > 0 {
            item.set("Prev", Object::Reference(child_ids[i - 1]));
        }
        if let Some(next) = child_ids.get(i + 1) {
            item.set("Next", Object::Reference(*next));
        }
        lo.objects.insert(*id, Object::Dictionary(item));
    }
    let mut title = dictionary! {
        "Title" => text_string(&root.title),
        "Parent" => Object::Reference(outlines_id),
        "Dest" => dest(root),
    };
    if let (Some(first), Some(last)) = (child_ids.first(), child_ids.last()) {
        title.set("First", Object::Reference(*first));
        title.set("Last", Object::Reference(*last));
        title.set("Count", Object::Integer(child_ids.len() as i64));
    }
    lo.objects.insert(title_id, Object::Dictionary(title));
    lo.objects.insert(
        outlines_id,
        Object::Dictionary(dictionary! {
            "Type" => "Outlines",
            "First" => Object::Reference(title_id),
            "Last" => Object::Reference(title_id),
            "Count" => Object::Integer(1 + child_ids.len() as i64),
        }),
    );
    if let Ok(catalog) = lo.catalog_mut() {
        catalog.set("Outlines", Object::Reference(outlines_id));
        catalog.set("PageMode", "UseOutlines");
    }
}

/// printpdf writes empty /GTS_PDFXVersion and /Identifier entries; the first makes readers
/// believe the file claims PDF/X conformance, which it does not.
fn tidy_info(lo: &mut lopdf::Document) {
    let Ok(info_id) = lo
        .trailer
        .get(b"Info")
        .and_then(lopdf::Object::as_reference)
    else {
        return;
    };
    if let Ok(info) = lo.get_dictionary_mut(info_id) {
        info.remove(b"GTS_PDFXVersion");
        info.remove(b"Identifier");
    }
}

/// A PDF text string: UTF-16BE with a byte-order mark, as outline titles need for Chinese.
fn text_string(text: &str) -> lopdf::Object {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        bytes.extend(unit.to_be_bytes());
    }
    lopdf::Object::String(bytes, lopdf::StringFormat::Hexadecimal)
}

/// 32 hex digits that change whenever the pages or the metadata change: two FNV-1a hashes of
/// a fixed serialisation (text, positions as bits, sizes), not of `Debug` output.
fn document_id(laid: &Laid, meta: &Meta) -> String {
    let mut a = Fnv(0xcbf2_9ce4_8422_2325);
    let mut b = Fnv(0x8422_2325_cbf2_9ce4);
    let mut feed = |bytes: &[u8]| {
        a.write(bytes);
        b.write(bytes);
        // A separator, so that ("ab", "c") and ("a", "bc") differ.
        a.write(&[0xFF]);
        b.write(&[0xFE]);
    };
    for text in [&meta.title, &meta.author, &meta.subject]
        .into_iter()
        .chain(&meta.keywords)
    {
        feed(text.as_bytes());
    }
    feed(&meta.date.map_or(-1, |d| d.to_unix_days()).to_le_bytes());
    feed(&meta.source_date.unwrap_or(-1).to_le_bytes());
    for page in &laid.pages {
        feed(b"page");
        for item in &page.items {
            match item {
                Item::Text {
                    face,
                    size,
                    x,
                    y,
                    text,
                    spacing,
                    kerns,
                    tag,
                } => {
                    feed(text.as_bytes());
                    feed(
                        &match tag {
                            Tag::Artifact => u64::MAX,
                            Tag::Node(n) => *n as u64,
                        }
                        .to_le_bytes(),
                    );
                    feed(&(*face as u64).to_le_bytes());
                    for n in [size, x, y, spacing] {
                        feed(&n.to_bits().to_le_bytes());
                    }
                    for (at, pt) in kerns {
                        feed(&(*at as u64).to_le_bytes());
                        feed(&pt.to_bits().to_le_bytes());
                    }
                }
                Item::Rect {
                    x,
                    y,
                    width,
                    height,
                } => {
                    for n in [x, y, width, height] {
                        feed(&n.to_bits().to_le_bytes());
                    }
                }
            }
        }
    }
    b.write(&a.0.to_le_bytes());
    format!("{:016x}{:016x}", a.0, b.0)
}

/// FNV-1a: a stable hash (std's hasher may change between Rust releases).
struct Fnv(u64);

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= *byte as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// 发布日期, else `SOURCE_DATE_EPOCH` (reproducible-builds.org), else the epoch.
fn creation_time(date: Option<Date>, source_date: Option<i64>) -> OffsetDateTime {
    let seconds = match date {
        Some(d) => d.to_unix_days() * 86_400,
        None => source_date.unwrap_or(0),
    };
    OffsetDateTime::from_unix_timestamp(seconds)
        .or_else(|_| OffsetDateTime::from_unix_timestamp(0))
        .expect("the epoch is a valid timestamp")
}

/// The text with its kerning: `TJ` numbers are thousandths of an em, positive moves left.
fn show_items(text: &str, kerns: &[(usize, f32)], size: f32) -> Vec<TextItem> {
    if kerns.is_empty() {
        return vec![TextItem::Text(text.to_string())];
    }
    let chars: Vec<char> = text.chars().collect();
    let mut items = Vec::new();
    let mut from = 0;
    for (at, pt) in kerns {
        let at = (*at).clamp(from, chars.len());
        items.push(TextItem::Text(chars[from..at].iter().collect()));
        items.push(TextItem::Offset(pt / size * 1000.0));
        from = at;
    }
    items.push(TextItem::Text(chars[from..].iter().collect()));
    items
}

/// A page's drawing operators, every piece of it in a marked-content sequence: text as the
/// content of its structure node (`/P <</MCID 3>> BDC … EMC`) or as an artifact, rules always
/// artifacts. Returns the node of each MCID, in order.
fn ops(
    items: &[Item],
    ids: &BTreeMap<usize, FontId>,
    structure: &Structure,
) -> (Vec<Op>, Vec<usize>) {
    let mut ops = Vec::new();
    let mut in_text = false;
    let mut marked: Option<Tag> = None;
    let mut mcids = Vec::new();
    let mut font: Option<(usize, f32)> = None;
    let mut spacing = 0.0f32;
    ops.push(Op::SetOutlineThickness { pt: Pt(0.5) });
    for item in items {
        let tag = match item {
            Item::Text { tag, face, .. } if ids.contains_key(face) => *tag,
            Item::Text { .. } => continue,
            Item::Rect { .. } => Tag::Artifact,
        };
        if marked != Some(tag) {
            if in_text {
                ops.push(Op::EndTextSection);
                in_text = false;
            }
            if marked.is_some() {
                ops.push(Op::EndMarkedContent);
            }
            ops.push(match tag {
                Tag::Artifact => Op::BeginMarkedContent {
                    tag: "Artifact".to_string(),
                },
                Tag::Node(n) => {
                    mcids.push(n);
                    let kind = structure
                        .nodes
                        .get(n)
                        .map_or("Span", |node| node.kind.name());
                    Op::BeginMarkedContentWithProperties {
                        tag: kind.to_string(),
                        properties: DictItem::Dict {
                            map: BTreeMap::from([(
                                "MCID".to_string(),
                                DictItem::Int(mcids.len() as i64 - 1),
                            )]),
                        },
                    }
                }
            });
            marked = Some(tag);
        }
        match item {
            Item::Text {
                face,
                size,
                x,
                y,
                text,
                spacing: tc,
                kerns,
                ..
            } => {
                let Some(id) = ids.get(face) else { continue };
                if !in_text {
                    ops.push(Op::StartTextSection);
                    in_text = true;
                    font = None;
                    spacing = 0.0;
                }
                if font != Some((*face, *size)) {
                    ops.push(Op::SetFont {
                        font: PdfFontHandle::External(id.clone()),
                        size: Pt(*size),
                    });
                    font = Some((*face, *size));
                }
                if (spacing - tc).abs() > 1e-4 {
                    ops.push(Op::SetCharacterSpacing { multiplier: *tc });
                    spacing = *tc;
                }
                ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(Pt(*x), Pt(*y)),
                });
                ops.push(Op::ShowText {
                    items: show_items(text, kerns, *size),
                });
            }
            Item::Rect {
                x,
                y,
                width,
                height,
            } => {
                if in_text {
                    ops.push(Op::EndTextSection);
                    in_text = false;
                }
                let corners = [
                    (*x, *y),
                    (x + width, *y),
                    (x + width, y + height),
                    (*x, y + height),
                ];
                ops.push(Op::DrawLine {
                    line: Line {
                        points: corners
                            .iter()
                            .map(|(px, py)| LinePoint {
                                p: Point {
                                    x: Pt(*px),
                                    y: Pt(*py),
                                },
                                bezier: false,
                            })
                            .collect(),
                        is_closed: true,
                    },
                });
            }
        }
    }
    if in_text {
        ops.push(Op::EndTextSection);
    }
    if marked.is_some() {
        ops.push(Op::EndMarkedContent);
    }
    (ops, mcids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creation_time_never_reads_the_clock() {
        let published = Date::new(2026, 1, 20);
        assert_eq!(
            creation_time(published, Some(1)).unix_timestamp(),
            1_768_867_200
        );
        assert_eq!(
            creation_time(None, Some(1_700_000_000)).unix_timestamp(),
            1_700_000_000
        );
        assert_eq!(creation_time(None, None).unix_timestamp(), 0);
    }
}
