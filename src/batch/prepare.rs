//! One report made ready for publication, in memory: rendered through the templates, laid out,
//! every chosen format exported — or the findings that say why it cannot be (P1, G1). `check`,
//! `build`, `status` and the fuzz harness all call `prepare`, as every typst export starts from
//! one `compile`, so that `check` finds every reason `build` would refuse, with the same words.

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
    let made = Made {
        report,
        document: &document,
        laid: &laid,
        draft,
    };
    let mut outputs = Vec::new();
    for format in kit.formats {
        let bytes = made.export(*format, kit).map_err(|e| {
            vec![
                Finding::new(
                    Code::P1,
                    format!("无法生成这份报告的{}：{e:#}。", format.label()),
                )
                .hint("如使用了 templates/ 中的自定义模板，请检查该模板。"),
            ]
        })?;
        outputs.push((*format, bytes));
    }
    Ok(Prepared {
        outputs,
        pages: laid.pages.len(),
        title: document.title().to_string(),
    })
}

/// One report ready for export: the document every format is made from, and its pages.
struct Made<'a> {
    report: &'a Report,
    document: &'a Document,
    laid: &'a layout::Laid,
    draft: bool,
}

impl Made<'_> {
    /// The file of `format`. The PDF draws the pages; HTML and DOCX reflow the document.
    fn export(&self, format: Format, kit: &Kit) -> Result<Vec<u8>> {
        let (report, title) = (self.report, self.document.title());
        Ok(match format {
            Format::Pdf => pdf::write(self.laid, kit.fonts, &self.pdf_meta(kit))?,
            Format::Xlsx => xlsx::write_report(
                report,
                self.document,
                report.info.published,
                self.draft.then_some(DRAFT_MARK),
            )
            .map_err(|e| anyhow::anyhow!("无法生成 XLSX：{e}"))?,
            Format::Html | Format::HtmlFragment => {
                let view = html::View::of(self.document, &report.info.agency, report.info.year);
                let entry = match format {
                    Format::Html => crate::render::PAGE,
                    _ => crate::render::FRAGMENT,
                };
                html::render(kit.templates, &view, entry)?
            }
            Format::Docx => {
                let meta = docx::Meta {
                    title,
                    author: report.info.agency.trim(),
                };
                docx::write(self.document, kit.fonts, &meta)?
            }
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
