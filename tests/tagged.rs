//! PDF/A-2b and PDF/UA-1, checked rule by rule with lopdf (no validator is installable here):
//! XMP that parses and agrees with the document information, an sRGB output intent, `/Lang`,
//! `/MarkInfo`, `/DisplayDocTitle`; every text-showing operator inside a marked-content sequence
//! that is an artifact or the content of exactly one structure element; each page's MCIDs once;
//! every TH and TD of every official table with the schema's spans; nothing PDF/A forbids.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use lopdf::{Document, Object, ObjectId};

use crate::common::*;
use nianbao::schema;

fn text_of(o: &Object) -> String {
    match o {
        Object::String(b, _) if b.starts_with(&[0xFE, 0xFF]) => String::from_utf16(
            &b[2..]
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect::<Vec<_>>(),
        )
        .unwrap(),
        Object::String(b, _) => String::from_utf8_lossy(b).to_string(),
        _ => panic!("not a string: {o:?}"),
    }
}

fn name(o: &Object) -> String {
    String::from_utf8_lossy(o.as_name().unwrap()).to_string()
}

fn xml_value<'a>(xmp: &'a str, tag: &str) -> &'a str {
    let open = format!("<{tag}>");
    let start = xmp
        .find(&open)
        .unwrap_or_else(|| panic!("XMP has no {tag}"))
        + open.len();
    let end = start + xmp[start..].find(&format!("</{tag}>")).unwrap();
    &xmp[start..end]
}

/// Every rule above, on one PDF; the number of structure elements of each type.
fn check(pdf: &Path) -> BTreeMap<String, usize> {
    let doc = Document::load(pdf).unwrap();
    assert!(doc.trailer.get(b"Encrypt").is_err(), "encrypted");
    assert!(doc.trailer.get(b"ID").is_ok(), "no file identifier");
    let catalog = doc.catalog().unwrap();
    assert_eq!(text_of(catalog.get(b"Lang").unwrap()), "zh-CN");
    let mark = doc
        .dereference(catalog.get(b"MarkInfo").unwrap())
        .unwrap()
        .1;
    assert!(
        mark.as_dict()
            .unwrap()
            .get(b"Marked")
            .unwrap()
            .as_bool()
            .unwrap()
    );
    let prefs = catalog
        .get(b"ViewerPreferences")
        .unwrap()
        .as_dict()
        .unwrap();
    assert!(prefs.get(b"DisplayDocTitle").unwrap().as_bool().unwrap());

    // XMP: parses, identifies PDF/A-2b and PDF/UA-1, and says what Info says.
    let meta_id = catalog.get(b"Metadata").unwrap().as_reference().unwrap();
    let meta = doc.get_object(meta_id).unwrap().as_stream().unwrap();
    assert!(
        meta.dict.get(b"Filter").is_err(),
        "the XMP is stored uncompressed"
    );
    let xmp = String::from_utf8(meta.content.clone()).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xmp);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("XMP does not parse: {e}"),
        }
    }
    assert_eq!(xml_value(&xmp, "pdfaid:part"), "2");
    assert_eq!(xml_value(&xmp, "pdfaid:conformance"), "B");
    assert_eq!(xml_value(&xmp, "pdfuaid:part"), "1");
    let info_id = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let info = doc.get_dictionary(info_id).unwrap();
    let title = text_of(info.get(b"Title").unwrap());
    assert!(xml_value(&xmp, "dc:title").contains(&format!(">{title}</rdf:li>")));
    assert!(xml_value(&xmp, "dc:creator").contains(&text_of(info.get(b"Author").unwrap())));
    assert_eq!(
        xml_value(&xmp, "pdf:Producer"),
        text_of(info.get(b"Producer").unwrap())
    );
    assert_eq!(
        xml_value(&xmp, "xmp:CreatorTool"),
        text_of(info.get(b"Creator").unwrap())
    );
    for (key, tag) in [
        ("CreationDate", "xmp:CreateDate"),
        ("ModDate", "xmp:ModifyDate"),
    ] {
        let d = text_of(info.get(key.as_bytes()).unwrap());
        let x = xml_value(&xmp, tag);
        let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        assert_eq!(digits(&d), digits(x), "{key} and {tag}");
    }
    assert!(info.get(b"Trapped").is_err());

    // The output intent: GTS_PDFA1 with an RGB display profile.
    let intents = catalog.get(b"OutputIntents").unwrap().as_array().unwrap();
    let intent = intents[0].as_dict().unwrap();
    assert_eq!(name(intent.get(b"S").unwrap()), "GTS_PDFA1");
    let profile_id = intent
        .get(b"DestOutputProfile")
        .unwrap()
        .as_reference()
        .unwrap();
    let profile = doc.get_object(profile_id).unwrap().as_stream().unwrap();
    let icc = profile
        .decompressed_content()
        .unwrap_or(profile.content.clone());
    assert_eq!(&icc[36..40], b"acsp");
    assert_eq!(&icc[12..24], b"mntrRGB XYZ ");
    assert_eq!(
        u32::from_be_bytes(icc[0..4].try_into().unwrap()) as usize,
        icc.len()
    );

    // Nothing PDF/A-2 forbids, anywhere.
    for (_, object) in doc.objects.iter() {
        let dict = match object {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        for key in [
            &b"JS"[..],
            b"JavaScript",
            b"AA",
            b"OpenAction",
            b"EmbeddedFiles",
        ] {
            assert!(
                dict.get(key).is_err(),
                "forbidden key {}",
                String::from_utf8_lossy(key)
            );
        }
        if let Ok(f) = dict.get(b"Filter") {
            let f = format!("{f:?}");
            assert!(!f.contains("LZW") && !f.contains("Crypt"), "filter {f}");
        }
        if let Ok(Object::Name(t)) = dict.get(b"Subtype")
            && (t == b"Type1" || t == b"TrueType" || t == b"Type3")
        {
            panic!("a simple font: nianbao embeds CID fonts only");
        }
        assert!(dict.get(b"FontFile3").is_err() || dict.get(b"FontName").is_ok());
    }

    // Marked content: every text operator inside an artifact or an MCID, each MCID once.
    let root_id = catalog
        .get(b"StructTreeRoot")
        .unwrap()
        .as_reference()
        .unwrap();
    let root = doc.get_dictionary(root_id).unwrap();
    let parent_tree = doc
        .dereference(root.get(b"ParentTree").unwrap())
        .unwrap()
        .1
        .as_dict()
        .unwrap()
        .clone();
    let nums = parent_tree.get(b"Nums").unwrap().as_array().unwrap();
    let mut used: BTreeMap<ObjectId, usize> = BTreeMap::new();
    for (index, (_, page_id)) in doc.get_pages().into_iter().enumerate() {
        let page = doc.get_dictionary(page_id).unwrap();
        assert_eq!(
            page.get(b"StructParents").unwrap().as_i64().unwrap(),
            index as i64
        );
        assert_eq!(name(page.get(b"Tabs").unwrap()), "S");
        let content = lopdf::content::Content::decode(&doc.get_page_content(page_id)).unwrap();
        let mut stack: Vec<Option<i64>> = Vec::new();
        let mut mcids = Vec::new();
        for op in &content.operations {
            match op.operator.as_str() {
                "BMC" => stack.push(None),
                "BDC" => {
                    let props = op.operands[1].as_dict().unwrap();
                    let mcid = props.get(b"MCID").unwrap().as_i64().unwrap();
                    mcids.push(mcid);
                    stack.push(Some(mcid));
                }
                "EMC" => {
                    stack.pop().expect("EMC without BMC/BDC");
                }
                "Tj" | "TJ" | "'" | "\"" | "re" | "l" | "S" | "s" => {
                    assert!(
                        !stack.is_empty(),
                        "page {}: {} outside marked content",
                        index + 1,
                        op.operator
                    )
                }
                _ => {}
            }
        }
        assert!(stack.is_empty(), "unbalanced marked content");
        let unique: BTreeSet<i64> = mcids.iter().copied().collect();
        assert_eq!(
            unique.len(),
            mcids.len(),
            "page {}: an MCID twice",
            index + 1
        );
        assert_eq!(mcids, (0..mcids.len() as i64).collect::<Vec<_>>());
        assert_eq!(nums[2 * index].as_i64().unwrap(), index as i64);
        let owners = nums[2 * index + 1].as_array().unwrap();
        assert_eq!(
            owners.len(),
            mcids.len(),
            "page {}: every MCID has its element",
            index + 1
        );
        for owner in owners {
            *used.entry(owner.as_reference().unwrap()).or_default() += 1;
        }
    }

    // The structure: walk it from the root, count element types, check cells against the schema.
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut tables = Vec::new();
    let mut stack = vec![root.get(b"K").unwrap().as_reference().unwrap()];
    let mut referenced = 0;
    while let Some(id) = stack.pop() {
        let elem = doc.get_dictionary(id).unwrap();
        let kind = name(elem.get(b"S").unwrap());
        *counts.entry(kind.clone()).or_default() += 1;
        if kind == "Table" {
            tables.push(id);
        }
        let kids = match elem.get(b"K") {
            Ok(Object::Array(a)) => a.clone(),
            Ok(o) => vec![o.clone()],
            Err(_) => Vec::new(),
        };
        for kid in kids {
            match kid {
                Object::Reference(r) => {
                    let child = doc.get_dictionary(r).unwrap();
                    assert_eq!(child.get(b"P").unwrap().as_reference().unwrap(), id);
                    stack.push(r);
                }
                Object::Integer(_) | Object::Dictionary(_) => referenced += 1,
                other => panic!("unexpected kid {other:?}"),
            }
        }
    }
    assert_eq!(
        referenced,
        used.values().sum::<usize>(),
        "each MCID is one element's content"
    );
    assert_eq!(counts.get("H1"), Some(&1));
    assert_eq!(counts.get("Table"), Some(&3));
    for (table_id, t) in tables.iter().rev().zip(schema::tables()) {
        let mut cells = Vec::new();
        let mut stack = vec![*table_id];
        while let Some(id) = stack.pop() {
            let elem = doc.get_dictionary(id).unwrap();
            let kind = name(elem.get(b"S").unwrap());
            if kind == "TH" || kind == "TD" {
                let attr = |k: &[u8]| {
                    elem.get(b"A")
                        .ok()
                        .and_then(|a| a.as_dict().ok())
                        .and_then(|a| a.get(k).ok())
                        .and_then(|v| v.as_i64().ok())
                        .unwrap_or(1) as usize
                };
                let scope = elem
                    .get(b"A")
                    .ok()
                    .and_then(|a| a.as_dict().ok())
                    .and_then(|a| a.get(b"Scope").ok())
                    .map(name);
                assert_eq!(
                    kind == "TH",
                    scope.is_some(),
                    "every TH has a Scope, no TD has one"
                );
                cells.push((attr(b"RowSpan"), attr(b"ColSpan")));
                continue;
            }
            if let Ok(Object::Array(kids)) = elem.get(b"K") {
                stack.extend(kids.iter().rev().filter_map(|k| k.as_reference().ok()));
            } else if let Ok(Object::Reference(r)) = elem.get(b"K") {
                stack.push(*r);
            }
        }
        let mut expected: Vec<(usize, usize, usize, usize)> = t
            .grid
            .iter()
            .map(|c| (c.row, c.col, c.rows, c.cols))
            .collect();
        expected.sort();
        let spans: Vec<(usize, usize)> = expected.iter().map(|c| (c.2, c.3)).collect();
        assert_eq!(
            cells, spans,
            "{}: every cell with the schema's spans, in reading order",
            t.key
        );
    }
    counts
}

#[test]
fn every_sample_pdf_is_archival_and_tagged() {
    let (_ws, reports, dir) = samples_built_with(&[]);
    for report in &reports {
        let counts = check(&dir.join(format!("{}.pdf", report.info.agency)));
        assert!(counts.get("P").copied().unwrap_or(0) >= report.paragraphs().count());
        assert!(counts.get("H2").copied().unwrap_or(0) >= 6, "{counts:?}");
    }
}

#[test]
fn a_forced_draft_is_archival_and_tagged_with_its_mark_an_artifact() {
    let report = wrongly_totalled(sample_reports().remove(0), "江岚县交通运输局");
    let ws = workspace_of(std::slice::from_ref(&report));
    let (_, _, err) = run(ws.path(), &["build", "--force"]);
    let pdf = ws.path().join("output/2025/草稿/江岚县交通运输局.pdf");
    assert!(pdf.is_file(), "{err}");
    check(&pdf);
    assert!(pdf_text(&pdf).contains("草稿"));
}
