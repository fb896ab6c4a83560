//! Pages from `layout` → a PDF through printpdf: fonts embedded as subsets with ToUnicode,
//! document information, a fixed creation date, byte-identical output for identical input.

use std::collections::BTreeMap;

use printpdf::{
    FontId, Line, LinePoint, Mm, OffsetDateTime, Op, PdfDocument, PdfFont, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, TextItem, TextMatrix,
};

use crate::layout::fonts::FontSet;
use crate::layout::page::{PAGE_HEIGHT_MM, PAGE_WIDTH_MM};
use crate::layout::{Item, Laid};
use crate::model::Date;

/// Document information written into the PDF.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// Creation date: 发布日期, else `SOURCE_DATE_EPOCH`, else the epoch — never the clock.
    pub date: Option<Date>,
}

/// The PDF bytes of a typeset report.
pub fn write(laid: &Laid, fonts: &FontSet, meta: &Meta) -> Vec<u8> {
    let mut doc = PdfDocument::new(&meta.title);
    let info = &mut doc.metadata.info;
    info.author = meta.author.clone();
    info.subject = meta.subject.clone();
    info.keywords = meta.keywords.clone();
    info.creator = concat!("nianbao ", env!("CARGO_PKG_VERSION")).to_string();
    info.producer = info.creator.clone();
    let when = creation_time(
        meta.date,
        std::env::var("SOURCE_DATE_EPOCH").ok().as_deref(),
    );
    info.creation_date = when;
    info.modification_date = when;
    info.metadata_date = when;

    let ids = register_fonts(&mut doc, laid, fonts);
    let pages = laid
        .pages
        .iter()
        .map(|page| {
            PdfPage::new(
                Mm(PAGE_WIDTH_MM),
                Mm(PAGE_HEIGHT_MM),
                ops(&page.items, &ids),
            )
        })
        .collect();
    doc.with_pages(pages);
    let mut lo = doc.to_lopdf_document(&PdfSaveOptions::default(), &mut Vec::new());
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
    // /Lang and the outline's features need PDF 1.4; printpdf declares 1.3.
    lo.version = "1.7".to_string();
    if let Ok(catalog) = lo.catalog_mut() {
        catalog.set("Lang", lopdf::Object::string_literal("zh-CN"));
        catalog.set(
            "ViewerPreferences",
            lopdf::dictionary! { "DisplayDocTitle" => true },
        );
    }
    lo.compress();
    let mut bytes = Vec::new();
    // Writing into memory cannot fail.
    let _ = lo.save_to(&mut bytes);
    bytes
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

/// 32 hex digits that change whenever the pages or the metadata change.
fn document_id(laid: &Laid, meta: &Meta) -> String {
    let mut a = Fnv(0xcbf2_9ce4_8422_2325);
    let mut b = Fnv(0x8422_2325_cbf2_9ce4);
    let text = format!("{meta:?}{:?}", laid.pages);
    a.write(text.as_bytes());
    b.write(text.as_bytes());
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

/// Registers the faces the pages use under stable ids (printpdf's own ids come from a
/// process-wide counter, which would make parallel builds differ run to run). The id's first six
/// letters become the subset tag, so they are uppercase letters.
fn register_fonts(doc: &mut PdfDocument, laid: &Laid, fonts: &FontSet) -> BTreeMap<usize, FontId> {
    let mut ids = BTreeMap::new();
    for page in &laid.pages {
        for item in &page.items {
            if let Item::Text { face, .. } = item {
                ids.entry(*face)
                    .or_insert_with(|| FontId(subset_tag(*face)));
            }
        }
    }
    for (face, id) in &ids {
        let parsed = fonts.faces[*face].parsed.clone();
        doc.resources
            .fonts
            .map
            .insert(id.clone(), PdfFont::new(parsed));
    }
    ids
}

/// `NBAAAA`, `NBAAAB` …: six uppercase letters from a face index.
fn subset_tag(index: usize) -> String {
    let mut n = index;
    let mut tail = [b'A'; 4];
    for slot in tail.iter_mut().rev() {
        *slot = b'A' + (n % 26) as u8;
        n /= 26;
    }
    format!("NB{}", String::from_utf8_lossy(&tail))
}

/// 发布日期, else `SOURCE_DATE_EPOCH` (reproducible-builds.org), else the epoch.
fn creation_time(date: Option<Date>, source_date_epoch: Option<&str>) -> OffsetDateTime {
    let seconds = match date {
        Some(d) => d.to_unix_days() * 86_400,
        None => source_date_epoch
            .and_then(|s| s.trim().parse::<i64>().ok())
            .unwrap_or(0),
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

fn ops(items: &[Item], ids: &BTreeMap<usize, FontId>) -> Vec<Op> {
    let mut ops = Vec::new();
    let mut in_text = false;
    let mut font: Option<(usize, f32)> = None;
    let mut spacing = 0.0f32;
    ops.push(Op::SetOutlineThickness { pt: Pt(0.5) });
    for item in items {
        match item {
            Item::Text {
                face,
                size,
                x,
                y,
                text,
                spacing: tc,
                kerns,
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
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creation_time_never_reads_the_clock() {
        let published = Date::new(2026, 1, 20);
        assert_eq!(
            creation_time(published, Some("1")).unix_timestamp(),
            1_768_867_200
        );
        assert_eq!(
            creation_time(None, Some("1700000000")).unix_timestamp(),
            1_700_000_000
        );
        assert_eq!(creation_time(None, Some("garbage")).unix_timestamp(), 0);
        assert_eq!(creation_time(None, None).unix_timestamp(), 0);
    }

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
