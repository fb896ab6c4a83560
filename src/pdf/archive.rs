//! What makes the PDF archival (PDF/A-2b) and declares it accessible (PDF/UA-1): XMP metadata
//! equal to the document information, an sRGB output intent, and the catalog entries both
//! standards ask for. The structure itself is `tags`'s.

use lopdf::{Object, Stream, dictionary};

use super::Meta;

/// Adds the XMP packet, the output intent and `/MarkInfo` to the catalog, and makes the
/// document information exactly what the XMP says.
pub fn apply(lo: &mut lopdf::Document, meta: &Meta, when: &printpdf::OffsetDateTime) {
    let creator = concat!("nianbao ", env!("CARGO_PKG_VERSION"));
    set_info_dates(lo, when);
    let xmp = xmp(meta, creator, when);
    let mut metadata = Stream::new(
        dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
        xmp.into_bytes(),
    );
    // Left uncompressed, so that archive tools read it without decoding.
    metadata.allows_compression = false;
    let metadata_id = lo.add_object(metadata);
    let profile = Stream::new(dictionary! { "N" => 3 }, srgb_profile());
    let profile_id = lo.add_object(profile);
    let intent = dictionary! {
        "Type" => "OutputIntent",
        "S" => "GTS_PDFA1",
        "OutputConditionIdentifier" => Object::string_literal("sRGB IEC61966-2.1"),
        "Info" => Object::string_literal("sRGB IEC61966-2.1"),
        "DestOutputProfile" => Object::Reference(profile_id),
    };
    if let Ok(catalog) = lo.catalog_mut() {
        catalog.set("Metadata", Object::Reference(metadata_id));
        catalog.set(
            "OutputIntents",
            Object::Array(vec![Object::Dictionary(intent)]),
        );
        catalog.set("MarkInfo", dictionary! { "Marked" => true });
    }
}

/// `2026-01-20T00:00:00Z` in XMP and `D:20260120000000Z` in Info: the same instant.
fn xmp_date(t: &printpdf::OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn info_date(t: &printpdf::OffsetDateTime) -> String {
    let digits: String = xmp_date(t).chars().filter(char::is_ascii_digit).collect();
    format!("D:{digits}Z")
}

fn set_info_dates(lo: &mut lopdf::Document, when: &printpdf::OffsetDateTime) {
    let Ok(info_id) = lo.trailer.get(b"Info").and_then(Object::as_reference) else {
        return;
    };
    if let Ok(info) = lo.get_dictionary_mut(info_id) {
        for key in ["CreationDate", "ModDate"] {
            info.set(key, Object::string_literal(info_date(when)));
        }
        // /Trapped has no place in the XMP nianbao writes; PDF/A wants the two to agree.
        info.remove(b"Trapped");
    }
}

fn esc(text: &str) -> String {
    quick_xml::escape::escape(text).to_string()
}

/// The XMP packet: Dublin Core title, author and subject, the PDF and XMP properties the
/// document information carries, and the PDF/A-2b and PDF/UA-1 identifications, with the
/// extension schema PDF/A requires for `pdfuaid` (which it does not predefine).
fn xmp(meta: &Meta, creator: &str, when: &printpdf::OffsetDateTime) -> String {
    let date = xmp_date(when);
    let keywords = esc(&meta.keywords.join(","));
    format!(
        r#"<?xpacket begin="{bom}" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>zh-CN</rdf:li></rdf:Bag></dc:language>
<pdf:Keywords>{keywords}</pdf:Keywords>
<pdf:Producer>{creator}</pdf:Producer>
<xmp:CreatorTool>{creator}</xmp:CreatorTool>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
<pdfuaid:part>1</pdfuaid:part>
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>"#,
        bom = '\u{FEFF}',
        title = esc(&meta.title),
        author = esc(&meta.author),
        subject = esc(&meta.subject),
    )
}

/// An sRGB display profile (ICC v2.1), built here rather than shipped: the IEC 61966-2.1
/// primaries adapted to D50 (Bradford, as the ICC's own sRGB profiles give them), D65 media
/// white, and the sRGB tone curve sampled at `CURVE_POINTS` points. About 600 bytes.
pub fn srgb_profile() -> Vec<u8> {
    let xyz = |x: f64, y: f64, z: f64| -> Vec<u8> {
        let mut t = b"XYZ \0\0\0\0".to_vec();
        for v in [x, y, z] {
            t.extend(s15f16(v));
        }
        t
    };
    let curve = {
        let mut t = b"curv\0\0\0\0".to_vec();
        t.extend((CURVE_POINTS as u32).to_be_bytes());
        for i in 0..CURVE_POINTS {
            let v = i as f64 / (CURVE_POINTS - 1) as f64;
            let linear = if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            };
            t.extend(((linear * 65535.0).round() as u16).to_be_bytes());
        }
        t
    };
    let text = |s: &str| -> Vec<u8> {
        let mut t = b"text\0\0\0\0".to_vec();
        t.extend(s.as_bytes());
        t.push(0);
        t
    };
    let desc = |s: &str| -> Vec<u8> {
        // textDescriptionType: ASCII, no Unicode or ScriptCode description.
        let mut t = b"desc\0\0\0\0".to_vec();
        t.extend((s.len() as u32 + 1).to_be_bytes());
        t.extend(s.as_bytes());
        t.push(0);
        t.extend([0u8; 4 + 4 + 2 + 1 + 67]);
        t
    };
    let tags: Vec<(&[u8; 4], Vec<u8>)> = vec![
        (b"desc", desc("sRGB IEC61966-2.1")),
        (b"cprt", text("No copyright, use freely")),
        (b"wtpt", xyz(0.9505, 1.0, 1.0891)),
        (b"rXYZ", xyz(0.4361, 0.2225, 0.0139)),
        (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)),
        (b"rTRC", curve.clone()),
        (b"gTRC", curve.clone()),
        (b"bTRC", curve),
    ];
    let table_len = 4 + 12 * tags.len();
    let offset = 128 + table_len;
    let mut table = (tags.len() as u32).to_be_bytes().to_vec();
    let mut data: Vec<u8> = Vec::new();
    // Tags with the same bytes share them (the three tone curves), as ICC allows.
    let mut placed: Vec<(&Vec<u8>, usize)> = Vec::new();
    for (sig, bytes) in &tags {
        let at = match placed.iter().find(|(b, _)| *b == bytes) {
            Some((_, at)) => *at,
            None => {
                while !(offset + data.len()).is_multiple_of(4) {
                    data.push(0);
                }
                let at = offset + data.len();
                data.extend(bytes);
                placed.push((bytes, at));
                at
            }
        };
        table.extend(*sig);
        table.extend((at as u32).to_be_bytes());
        table.extend((bytes.len() as u32).to_be_bytes());
    }
    let size = 128 + table.len() + data.len();
    let mut header = Vec::with_capacity(128);
    header.extend((size as u32).to_be_bytes());
    header.extend(b"none");
    header.extend([2, 0x10, 0, 0]); // version 2.1
    header.extend(b"mntrRGB XYZ ");
    header.extend([0u8; 12]); // date and time: none, so the bytes never change
    header.extend(b"acsp");
    header.extend([0u8; 4]); // primary platform
    header.extend([0u8; 4]); // flags
    header.extend([0u8; 8]); // manufacturer, model
    header.extend([0u8; 8]); // attributes
    header.extend([0u8; 4]); // rendering intent: perceptual
    header.extend(xyz(0.9642, 1.0, 0.8249)[8..].iter());
    header.extend([0u8; 4]); // creator
    header.resize(128, 0);
    [header, table, data].concat()
}

/// Samples of the tone curve, interpolated linearly between: at 64 the curve is off by less
/// than a 10,000th anywhere (1e-4), which no print of black text and rules can show.
const CURVE_POINTS: usize = 64;

/// An ICC s15Fixed16Number.
fn s15f16(v: f64) -> [u8; 4] {
    ((v * 65536.0).round() as i32).to_be_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_is_a_well_formed_icc_rgb_display_profile() {
        let p = srgb_profile();
        assert_eq!(
            u32::from_be_bytes(p[0..4].try_into().unwrap()) as usize,
            p.len()
        );
        assert_eq!(&p[12..24], b"mntrRGB XYZ ");
        assert_eq!(&p[36..40], b"acsp");
        let count = u32::from_be_bytes(p[128..132].try_into().unwrap()) as usize;
        let mut sigs = Vec::new();
        for i in 0..count {
            let at = 132 + 12 * i;
            let sig = &p[at..at + 4];
            let offset = u32::from_be_bytes(p[at + 4..at + 8].try_into().unwrap()) as usize;
            let len = u32::from_be_bytes(p[at + 8..at + 12].try_into().unwrap()) as usize;
            assert!(offset.is_multiple_of(4) && offset + len <= p.len());
            sigs.push(String::from_utf8_lossy(sig).to_string());
        }
        for required in [
            "desc", "cprt", "wtpt", "rXYZ", "gXYZ", "bXYZ", "rTRC", "gTRC", "bTRC",
        ] {
            assert!(sigs.iter().any(|s| s == required), "{required}");
        }
    }
}
