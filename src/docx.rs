//! `Document` → DOCX for review (领导审核): A4 with the GB/T 9704 margins, the fonts named by
//! role as the PDF chose them (a DOCX names fonts, it does not embed them), named paragraph
//! styles with outline levels (标题, 一级标题, 二级标题; body text in the default style, which
//! Word and WPS show as 正文) so the navigation pane shows the outline, the official tables with
//! their merged cells and repeated header rows, and "— N —" page numbers, odd pages right and
//! even pages left.
//!
//! WordprocessingML is written directly (quick-xml escapes, zip packs): docx-rs cannot mark a
//! row as a repeated header (`w:tblHeader`), which a table running over a page needs.

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::Result;
use quick_xml::escape::escape;

use crate::doc::{Block, Document, Grid};
use crate::layout::fonts::{FontSet, Role};
use crate::layout::page::Geometry;
use crate::layout::signature_offsets;
use crate::layout::text::{Style, break_title};

/// Twips (1/20 pt) per millimetre.
const TWIPS_PER_MM: f32 = 1440.0 / 25.4;
/// GB/T 9704: A4, top 37 mm, left 28 mm, text block 156 × 225 mm.
const MARGIN_TOP: u32 = 2098;
const MARGIN_BOTTOM: u32 = 1984;
const MARGIN_LEFT: u32 = 1587;
const MARGIN_RIGHT: u32 = 1474;
/// 22 lines on 225 mm: the exact line pitch of body text, in twips.
const LINE_PITCH: u32 = 580;

/// What the DOCX says about itself.
pub struct Meta<'a> {
    pub title: &'a str,
    pub author: &'a str,
}

/// The DOCX bytes of `doc`, its fonts named after the faces `fonts` chose for each role.
pub fn write(doc: &Document, fonts: &FontSet, meta: &Meta) -> Result<Vec<u8>> {
    let parts = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/document.xml", document(doc, fonts)),
        ("word/styles.xml", styles(fonts)),
        ("word/settings.xml", SETTINGS.to_string()),
        ("word/footer1.xml", footer("right", fonts)),
        ("word/footer2.xml", footer("left", fonts)),
        ("docProps/core.xml", core(meta)),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // A fixed time: the same report gives the same bytes.
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, text) in parts {
        zip.start_file(name, options)?;
        zip.write_all(text.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

fn document(doc: &Document, fonts: &FontSet) -> String {
    let g = Geometry::gbt9704();
    let mut body = String::new();
    for block in &doc.blocks {
        match block {
            Block::Title(t) => title(&mut body, t, fonts, &g),
            Block::Heading { level, text } => {
                let style = match level {
                    1 => "nbHeading1",
                    2 => "nbHeading2",
                    _ => "nbHeading3",
                };
                paragraph(&mut body, style, text);
            }
            Block::Paragraph(t) => paragraph(&mut body, "Normal", t),
            Block::Table(grid) => {
                table(&mut body, grid);
                // A paragraph after each table: Word needs one before the section's end, and
                // it gives the half line the PDF leaves below a table.
                body.push_str(r#"<w:p><w:pPr><w:pStyle w:val="nbTableAfter"/></w:pPr></w:p>"#);
            }
            Block::PageBreak => body.push_str(r#"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#),
            Block::Signature { agency, date } => signature(&mut body, agency, date, fonts, &g),
        }
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{body}<w:sectPr><w:footerReference w:type="default" r:id="rIdFooterOdd"/><w:footerReference w:type="even" r:id="rIdFooterEven"/><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_RIGHT}" w:bottom="{MARGIN_BOTTOM}" w:left="{MARGIN_LEFT}" w:header="851" w:footer="1304" w:gutter="0"/><w:docGrid w:type="lines" w:linePitch="{LINE_PITCH}"/></w:sectPr></w:body></w:document>"#
    )
}

fn paragraph(out: &mut String, style: &str, text: &str) {
    let _ = write!(
        out,
        r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
        escape(text)
    );
}

/// The title broken where the PDF breaks it (`××局2025年` / `政府信息公开工作年度报告`), by
/// explicit line breaks: Word and LibreOffice would otherwise fill the first line greedily.
fn title(out: &mut String, text: &str, fonts: &FontSet, g: &Geometry) {
    let style = Style::new(Role::Title, g.title_size);
    let (lines, _) = break_title(fonts, text, style, g.measure);
    let runs: Vec<String> = lines
        .iter()
        .map(|l| format!(r#"<w:t xml:space="preserve">{}</w:t>"#, escape(l.text())))
        .collect();
    let _ = write!(
        out,
        r#"<w:p><w:pPr><w:pStyle w:val="nbTitle"/></w:pPr><w:r>{}</w:r></w:p>"#,
        runs.join("<w:br/>")
    );
}

/// The 落款 below a blank line, each line indented from the left as the PDF places it.
fn signature(out: &mut String, agency: &str, date: &str, fonts: &FontSet, g: &Geometry) {
    out.push_str(r#"<w:p><w:pPr><w:keepNext/></w:pPr></w:p>"#);
    let offsets = signature_offsets(fonts, g, agency, date);
    for (i, (text, x)) in [agency, date].into_iter().zip(offsets).enumerate() {
        let keep = if i == 0 { "<w:keepNext/>" } else { "" };
        let _ = write!(
            out,
            r#"<w:p><w:pPr>{keep}<w:jc w:val="left"/><w:ind w:left="{}" w:firstLineChars="0" w:firstLine="0"/></w:pPr><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
            (x * 20.0).round() as u32,
            escape(text)
        );
    }
}

/// An official table: the schema's grid as `w:gridSpan` and `w:vMerge`, header rows repeated.
fn table(out: &mut String, grid: &Grid) {
    let t = grid.table();
    let total: f32 = t.col_weights.iter().sum();
    let measure = 156.0 * TWIPS_PER_MM;
    let widths: Vec<u32> = t
        .col_weights
        .iter()
        .map(|w| (measure * w / total).round() as u32)
        .collect();
    out.push_str(r#"<w:tbl><w:tblPr><w:tblStyle w:val="nbTableGrid"/><w:tblW w:w="5000" w:type="pct"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>"#);
    for w in &widths {
        let _ = write!(out, r#"<w:gridCol w:w="{w}"/>"#);
    }
    out.push_str("</w:tblGrid>");
    for row in 0..grid.rows() {
        out.push_str("<w:tr><w:trPr><w:cantSplit/>");
        if row < t.repeat_rows {
            out.push_str("<w:tblHeader/>");
        }
        out.push_str("</w:trPr>");
        let mut col = 0;
        while col < t.columns {
            let Some(cell) = grid
                .cells
                .iter()
                .find(|c| c.col == col && c.row <= row && row < c.row + c.rows)
            else {
                // The grid covers every position; an empty cell keeps the row whole if not.
                let _ = write!(
                    out,
                    r#"<w:tc><w:tcPr><w:tcW w:w="{}" w:type="dxa"/></w:tcPr><w:p/></w:tc>"#,
                    widths[col]
                );
                col += 1;
                continue;
            };
            let width: u32 = widths[col..(col + cell.cols).min(widths.len())]
                .iter()
                .sum();
            let _ = write!(out, r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>"#);
            if cell.cols > 1 {
                let _ = write!(out, r#"<w:gridSpan w:val="{}"/>"#, cell.cols);
            }
            let first = cell.row == row;
            if cell.rows > 1 {
                out.push_str(if first {
                    r#"<w:vMerge w:val="restart"/>"#
                } else {
                    "<w:vMerge/>"
                });
            }
            out.push_str(r#"<w:vAlign w:val="center"/></w:tcPr>"#);
            let jc = if grid.is_row_label(cell) {
                "left"
            } else {
                "center"
            };
            if first {
                let _ = write!(
                    out,
                    r#"<w:p><w:pPr><w:pStyle w:val="nbTable"/><w:jc w:val="{jc}"/></w:pPr><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
                    escape(&cell.text)
                );
            } else {
                out.push_str(r#"<w:p><w:pPr><w:pStyle w:val="nbTable"/></w:pPr></w:p>"#);
            }
            out.push_str("</w:tc>");
            col += cell.cols;
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

/// `w:rFonts` naming the family `fonts` chose for `role` (the PDF's), for every script. A
/// face known by its legacy name (`Noto Serif CJK SC Bold`) is named by its family and set
/// bold: that name is no family to LibreOffice, and Word finds the face either way.
fn run_fonts(fonts: &FontSet, role: Role) -> String {
    let Some(family) = fonts.primary_family(role) else {
        return String::new();
    };
    let (family, bold) = match family.strip_suffix(" Bold") {
        Some(base) => (base, "<w:b/><w:bCs/>"),
        None => (family, ""),
    };
    let f = escape(family);
    format!(
        r#"<w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}" w:cs="{f}" w:hint="eastAsia"/>{bold}"#
    )
}

fn styles(fonts: &FontSet) -> String {
    let body = run_fonts(fonts, Role::Body);
    let title = run_fonts(fonts, Role::Title);
    let h1 = run_fonts(fonts, Role::Heading1);
    let h2 = run_fonts(fonts, Role::Heading2);
    let table = run_fonts(fonts, Role::Table);
    // Sizes in half-points: 二号 22 pt (title), 三号 16 pt (text), 五号 10.5 pt (tables).
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr>{body}<w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="{LINE_PITCH}" w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:jc w:val="both"/><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="nbTitle"><w:name w:val="标题"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="{LINE_PITCH}" w:line="{title_line}" w:lineRule="exact"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr>{title}<w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="nbHeading1"><w:name w:val="一级标题"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="1"/></w:pPr><w:rPr>{h1}</w:rPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="nbHeading2"><w:name w:val="二级标题"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="2"/></w:pPr><w:rPr>{h2}</w:rPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="nbHeading3"><w:name w:val="三级标题"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="3"/></w:pPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="nbTable"><w:name w:val="表格文字"/><w:basedOn w:val="Normal"/><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="273" w:lineRule="exact"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr><w:rPr>{table}<w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="nbTableAfter"><w:name w:val="表后空行"/><w:basedOn w:val="Normal"/><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="290" w:lineRule="exact"/></w:pPr></w:style><w:style w:type="table" w:customStyle="1" w:styleId="nbTableGrid"><w:name w:val="年报表格"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders><w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="50" w:type="dxa"/><w:bottom w:w="40" w:type="dxa"/><w:right w:w="50" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"#,
        title_line = LINE_PITCH * 3 / 2,
    )
}

/// "— N —" in 四号 (14 pt), one character in from the text block's `side`.
fn footer(side: &str, fonts: &FontSet) -> String {
    let font = run_fonts(fonts, Role::PageNumber);
    let rpr = format!(r#"<w:rPr>{font}<w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>"#);
    let run = |text: &str| format!(r#"<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>"#);
    let field = format!(
        r#"<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r><w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>{}<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>"#,
        run("1")
    );
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="{W}" xmlns:r="{R}"><w:p><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/><w:ind w:firstLine="0" w:{side}="280"/><w:jc w:val="{side}"/></w:pPr>{}{field}{}</w:p></w:ftr>"#,
        run("— "),
        run(" —")
    )
}

fn core(meta: &Meta) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><dc:subject>政府信息公开工作年度报告</dc:subject><dc:language>zh-CN</dc:language></cp:coreProperties>"#,
        escape(meta.title),
        escape(meta.author)
    )
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rIdFooterOdd" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rIdFooterEven" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/></Relationships>"#;

/// Odd and even pages have their own footers; punctuation is compressed as in 公文.
const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:evenAndOddHeaders/><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/></w:settings>"#;
