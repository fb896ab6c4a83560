//! One report made ready for publication, in memory: rendered through the templates, laid out,
//! every chosen format exported — or the findings that say why it cannot be (P1, G1). `build`
//! and the fuzz harness call `prepare`; `check` and `status` call `trial`, the `compose` that
//! `prepare` starts with, as every typst export starts from one `compile`, so that they find
//! every reason `build` would refuse, with the same words, without packing the files they do
//! not write.

use anyhow::Result;

use crate::doc::{self, Document};
use crate::finding::{Code, Finding};
use crate::format::Format;
use crate::layout::{self, fonts::FontSet};
use crate::model::Report;
use crate::render::Templates;
use crate::{docx, html, pdf, xlsx};

/// The mark every page of a report built despite errors carries.
pub const DRAFT_MARK: &str = "草稿——未通过校验，不得发布";

/// What a report is made with: the same for every report of a command.
pub struct Kit<'a> {
    pub fonts: &'a FontSet,
    pub templates: &'a Templates,
    /// What each report is made into (`format::normalise`: the PDF first).
    pub formats: &'a [Format],
    /// `SOURCE_DATE_EPOCH`: the PDF date of reports without a 发布日期.
    pub source_date: Option<i64>,
    /// The batch's subset font programs, which later reports are put together from.
    pub programs: &'a pdf::Programs,
}

/// A report's files, in memory, in `Format` order.
pub struct Prepared {
    pub outputs: Vec<(Format, Vec<u8>)>,
    pub pages: usize,
    /// The report's title line, as printed.
    pub title: String,
}

/// The report in every format of the kit, or why it cannot be made. `draft` marks every page
/// (and the top of the HTML and DOCX) as not for publication.
pub fn prepare(report: &Report, kit: &Kit, draft: bool) -> Result<Prepared, Vec<Finding>> {
    compose(report, kit, draft, None)?.finish(kit)
}

/// What `prepare` would find making `report` (not a draft): `compose` run without keeping its
/// parts, the faces' glyphs cut down only where `proven` does not show them embeddable yet.
pub fn trial(report: &Report, kit: &Kit, proven: &pdf::Proven) -> Vec<Finding> {
    compose(report, kit, false, Some(proven))
        .err()
        .unwrap_or_default()
}

/// Whatever can refuse a report, run: rendered through the templates, laid out, its glyphs
/// found, its faces cut down, its HTML rendered and its workbook filled — all but packing each
/// format into bytes, which no report can make fail (as `cargo check` stops before code
/// generation). `check` stops here (`trial`, with `proven`); `build` goes on to `finish`.
fn compose<'a>(
    report: &'a Report,
    kit: &Kit,
    draft: bool,
    proven: Option<&pdf::Proven>,
) -> Result<Composed<'a>, Vec<Finding>> {
    let template_error = |e: anyhow::Error| {
        vec![
            Finding::new(Code::P1, format!("无法用报告模板生成这份报告：{e:#}。"))
                .hint("请检查 templates/ 中的自定义模板。"),
        ]
    };
    let markdown = kit.templates.render(report).map_err(template_error)?;
    let mut document = doc::parse(&markdown, report).map_err(template_error)?;
    let mut laid = layout::layout(&document, kit.fonts);
    if !laid.missing.is_empty() {
        return Err(missing_glyphs(report, &laid.missing));
    }
    if draft {
        layout::stamp(&mut laid, kit.fonts, DRAFT_MARK);
        // The HTML and DOCX of a draft say so at the top, as the PDF does on every page.
        let mark = doc::Block::Paragraph(format!("【{DRAFT_MARK}】"));
        document.blocks.insert(0, mark);
    }
    let mut composed = Composed {
        report,
        document,
        laid,
        draft,
        parts: Vec::with_capacity(kit.formats.len()),
    };
    for format in kit.formats {
        let part = composed
            .part(*format, kit, proven)
            .map_err(|e| unmade(*format, e))?;
        composed.parts.push((*format, part));
    }
    Ok(composed)
}

/// P1: a format of a report that cannot be made.
fn unmade(format: Format, e: anyhow::Error) -> Vec<Finding> {
    vec![
        Finding::new(
            Code::P1,
            format!("无法生成这份报告的{}：{e:#}。", format.label()),
        )
        .hint("如使用了 templates/ 中的自定义模板，请检查该模板。"),
    ]
}

/// A report composed (`compose`): the document every format is made from, its pages, and each format as
/// far as anything about the report can stop it.
struct Composed<'a> {
    report: &'a Report,
    document: Document,
    laid: layout::Laid,
    draft: bool,
    parts: Vec<(Format, Part)>,
}

/// One format of a composed report, short of its bytes.
enum Part {
    Pdf(pdf::Embedded),
    /// A trial's PDF: its faces shown embeddable, no subset kept.
    Proven,
    Xlsx(Box<rust_xlsxwriter::Workbook>),
    /// HTML and DOCX: made whole while composing (the HTML's templates may refuse it; the
    /// DOCX is cheap and can fail only inside zip).
    Done(Vec<u8>),
}

impl Composed<'_> {
    /// The part of `format` that can fail.
    fn part(&self, format: Format, kit: &Kit, proven: Option<&pdf::Proven>) -> Result<Part> {
        let (report, title) = (self.report, self.document.title());
        Ok(match format {
            Format::Pdf => match proven {
                Some(proven) => {
                    pdf::prove(&self.laid, kit.fonts, proven)?;
                    Part::Proven
                }
                None => Part::Pdf(pdf::embed(&self.laid, kit.fonts, kit.programs)?),
            },
            Format::Xlsx => Part::Xlsx(Box::new(
                xlsx::book(
                    report,
                    &self.document,
                    report.info.published,
                    self.draft.then_some(DRAFT_MARK),
                )
                .map_err(|e| anyhow::anyhow!("无法生成 XLSX：{e}"))?,
            )),
            Format::Html | Format::HtmlFragment => {
                let view = html::View::of(&self.document, &report.info.agency, report.info.year);
                let entry = match format {
                    Format::Html => crate::render::PAGE,
                    _ => crate::render::FRAGMENT,
                };
                Part::Done(html::render(kit.templates, &view, entry)?)
            }
            Format::Docx => {
                let meta = docx::Meta {
                    title,
                    author: report.info.agency.trim(),
                };
                Part::Done(docx::write(&self.document, kit.fonts, &meta)?)
            }
        })
    }

    /// Every format packed into its bytes. An error here is nianbao's, not the report's.
    fn finish(self, kit: &Kit) -> Result<Prepared, Vec<Finding>> {
        let meta = self.pdf_meta(kit);
        let mut outputs = Vec::with_capacity(self.parts.len());
        for (format, part) in self.parts {
            let bytes = match part {
                Part::Pdf(embedded) => pdf::write_embedded(&self.laid, embedded, &meta),
                Part::Xlsx(mut book) => book
                    .save_to_buffer()
                    .map_err(|e| anyhow::anyhow!("无法生成 XLSX：{e}")),
                Part::Done(bytes) => Ok(bytes),
                Part::Proven => Err(anyhow::anyhow!("内部错误：试排的报告不能写出")),
            };
            outputs.push((format, bytes.map_err(|e| unmade(format, e))?));
        }
        Ok(Prepared {
            outputs,
            pages: self.laid.pages.len(),
            title: self.document.title().to_string(),
        })
    }

    fn pdf_meta(&self, kit: &Kit) -> pdf::Meta {
        let info = &self.report.info;
        pdf::Meta {
            title: self.document.title().to_string(),
            author: info.agency.clone(),
            subject: "政府信息公开工作年度报告".into(),
            keywords: vec![
                "政府信息公开".into(),
                "年度报告".into(),
                format!("{}年", info.year.unwrap_or_default()),
            ],
            date: info.published,
            source_date: kit.source_date,
        }
    }
}

/// G1: one finding per character, naming the paragraph's cell when the text is the agency's.
fn missing_glyphs(report: &Report, missing: &[layout::MissingChar]) -> Vec<Finding> {
    let chars: Vec<(char, &str)> = missing.iter().map(|m| (m.c, m.context.as_str())).collect();
    crate::rules::glyphs::missing(report, &chars)
}
