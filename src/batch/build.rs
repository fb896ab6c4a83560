//! Building a batch: every agency without errors typeset to PDF, XLSX and record in parallel.

use std::path::{Path, PathBuf};

use anyhow::Result;
use rayon::prelude::*;

use crate::doc::{self, Document};
use crate::finding::{Code, Finding, attribute};
use crate::format::Format;
use crate::layout::{self, fonts::FontSet};
use crate::model::Report;
use crate::record::Record;
use crate::render::Templates;
use crate::{docx, html, pdf, xlsx};

use super::manifest::{self, Manifest};
use super::{Checked, file_stem, write_all};

/// What building one agency gave.
#[derive(Debug)]
pub struct Built {
    pub file: PathBuf,
    pub agency: String,
    pub outcome: Outcome,
    /// Findings made while building (characters no font has).
    pub findings: Vec<Finding>,
    /// The hash of what the files were made from (`manifest`), when they were written.
    pub inputs: Option<String>,
    /// The files of an earlier build were kept: nothing they are made from changed.
    pub reused: bool,
}

/// How building one agency ended.
#[derive(Debug)]
pub enum Outcome {
    /// Files written. `draft`: built with `--force` despite errors, every page marked so.
    Written {
        outputs: Vec<PathBuf>,
        /// The report's title line, as printed.
        title: String,
        pages: usize,
        draft: bool,
    },
    /// Not built: the workbook has errors (or could not be read at all).
    Rejected { errors: usize },
    /// Not built: the report cannot be typeset (characters no font has, a template error).
    Failed(String),
    /// Not built: the machine failed (disk full, permission, an internal error).
    SystemError(String),
}

/// The mark every page of a report built despite errors carries.
pub const DRAFT_MARK: &str = "草稿——未通过校验，不得发布";

impl Built {
    fn of(c: &Checked, outcome: Outcome) -> Built {
        Built {
            file: c.file.clone(),
            agency: c.agency(),
            outcome,
            findings: Vec::new(),
            inputs: None,
            reused: false,
        }
    }

    pub fn is_written(&self) -> bool {
        matches!(self.outcome, Outcome::Written { .. })
    }

    pub fn is_draft(&self) -> bool {
        matches!(self.outcome, Outcome::Written { draft: true, .. })
    }

    /// Files written, in `Format` order (the PDF first), then the record of a publishable report.
    pub fn outputs(&self) -> &[PathBuf] {
        match &self.outcome {
            Outcome::Written { outputs, .. } => outputs,
            _ => &[],
        }
    }

    /// Why the agency was not built, in words for the office.
    pub fn reason(&self) -> Option<String> {
        match &self.outcome {
            Outcome::Written { .. } => None,
            Outcome::Rejected { errors } => {
                Some(format!("有 {errors} 个错误，请修改工作簿后重新生成"))
            }
            Outcome::Failed(why) | Outcome::SystemError(why) => Some(why.clone()),
        }
    }
}

/// Shared, read-only inputs of a build.
pub struct Toolkit<'a> {
    pub fonts: &'a FontSet,
    pub templates: &'a Templates,
    pub out: &'a Path,
    /// What each report is built into (`format::normalise`: the PDF first).
    pub formats: &'a [Format],
    /// Build agencies with errors too, as marked drafts (`build --force`).
    pub force: bool,
    /// `SOURCE_DATE_EPOCH`: the PDF date of reports without a 发布日期.
    pub source_date: Option<i64>,
    /// Called once per agency built or refused (for progress; from worker threads).
    pub tick: &'a (dyn Fn() + Sync),
    /// The hash of what all reports share (`manifest::common_inputs`).
    pub common_inputs: &'a str,
    /// The manifests of earlier builds by year folder; empty with `build --rebuild`.
    pub manifests: &'a std::collections::BTreeMap<PathBuf, Manifest>,
}

/// Builds every workbook without errors (with `force`, every readable one, marked as a draft);
/// the others are listed with the reason.
pub fn build_all(checked: &[Checked], kit: &Toolkit) -> Vec<Built> {
    checked
        .par_iter()
        .map(|c| {
            let built =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build_one(c, kit)))
                    .unwrap_or_else(|_| {
                        Built::of(
                            c,
                            Outcome::SystemError(
                                "排版时发生内部错误，请把该工作簿发给技术支持".into(),
                            ),
                        )
                    });
            (kit.tick)();
            built
        })
        .collect()
}

fn build_one(c: &Checked, kit: &Toolkit) -> Built {
    let errors = c.findings.iter().filter(|f| f.is_error()).count();
    // Never forced: nothing to typeset, or a report that would overwrite another's (B2, N1).
    let unbuildable = c.findings.iter().any(|f| {
        f.refuses_file() || (f.is_error() && matches!(f.code, Code::B1 | Code::B2 | Code::N1))
    });
    let draft = errors > 0;
    if draft && (!kit.force || unbuildable) {
        return Built::of(c, Outcome::Rejected { errors });
    }
    let inputs = manifest::report_inputs(kit.common_inputs, c, draft);
    if let Some(built) = inputs.as_deref().and_then(|i| reuse(c, kit, i)) {
        return built;
    }
    let mut built = write_one(c, kit, draft);
    built.inputs = inputs;
    built
}

/// The files of an earlier build of exactly these inputs, if they are all still there.
fn reuse(c: &Checked, kit: &Toolkit, inputs: &str) -> Option<Built> {
    let pdf = output_path(kit.out, &c.report, Format::Pdf);
    let dir = pdf.parent()?;
    let name = pdf.file_name()?.to_str()?;
    let entry = kit.manifests.get(dir)?.reusable(dir, name, inputs)?;
    let outcome = Outcome::Written {
        outputs: entry.outputs.iter().map(|(n, _)| dir.join(n)).collect(),
        title: entry.title.clone(),
        pages: entry.pages,
        draft: entry.draft,
    };
    Some(Built {
        inputs: Some(inputs.to_string()),
        reused: true,
        ..Built::of(c, outcome)
    })
}

/// Typesets one report and writes its files.
fn write_one(c: &Checked, kit: &Toolkit, draft: bool) -> Built {
    match render_one(c, kit, draft) {
        Ok(Rendered::Files {
            outputs,
            pages,
            title,
        }) => {
            let mut files: Vec<(PathBuf, Vec<u8>)> = outputs
                .into_iter()
                .map(|(format, bytes)| (output_path(kit.out, &c.report, format), bytes))
                .collect();
            // A draft is no record of what was published: next year's checks must not use it.
            if !draft {
                let record = serde_json::to_vec_pretty(&Record::of(&c.report)).unwrap_or_default();
                files.push((record_path(kit.out, &c.report), record));
            }
            // Formats are normalised with the PDF first.
            let pdf_path = files.first().map(|(p, _)| p.clone()).unwrap_or_default();
            let refs: Vec<(&Path, &[u8])> = files
                .iter()
                .map(|(p, b)| (p.as_path(), b.as_slice()))
                .collect();
            match write_all(&refs) {
                Ok(()) => Built::of(
                    c,
                    Outcome::Written {
                        outputs: files.iter().map(|(p, _)| p.to_path_buf()).collect(),
                        title,
                        pages,
                        draft,
                    },
                ),
                Err(e) => Built::of(
                    c,
                    Outcome::SystemError(format!("无法写入 {}：{e}", pdf_path.display())),
                ),
            }
        }
        Ok(Rendered::Missing(findings)) => Built {
            findings,
            ..Built::of(c, Outcome::Failed("有字体无法显示的字符".into()))
        },
        Err(e) => Built::of(c, Outcome::Failed(format!("{e:#}"))),
    }
}

/// The manifests updated with what was just built or reused. An entry of a report not built
/// this time stays: it is reused only for the same inputs, and a refused report is refused
/// before its entry is looked at.
pub fn updated_manifests(
    mut manifests: std::collections::BTreeMap<PathBuf, Manifest>,
    results: &[Built],
) -> std::collections::BTreeMap<PathBuf, Manifest> {
    for b in results {
        let Outcome::Written {
            outputs,
            title,
            pages,
            draft,
        } = &b.outcome
        else {
            continue;
        };
        let (Some(pdf), Some(inputs)) = (outputs.first(), &b.inputs) else {
            continue;
        };
        let (Some(dir), Some(name)) = (pdf.parent(), pdf.file_name()) else {
            continue;
        };
        let entry = manifest::entry(inputs.clone(), title, *pages, *draft, outputs);
        manifests
            .entry(dir.to_path_buf())
            .or_default()
            .reports
            .insert(name.to_string_lossy().to_string(), entry);
    }
    manifests
}

/// Where a report's file of `format` goes: `<out>/<year>/<agency>.pdf` and so on.
pub fn output_path(out: &Path, report: &Report, format: Format) -> PathBuf {
    year_dir(out, report).join(format.file_name(&file_stem(&report.info.agency)))
}

/// Where a report's JSON record goes (what next year's checks read).
pub fn record_path(out: &Path, report: &Report) -> PathBuf {
    year_dir(out, report).join(format!("{}.json", file_stem(&report.info.agency)))
}

fn year_dir(out: &Path, report: &Report) -> PathBuf {
    out.join(report.info.year.unwrap_or_default().to_string())
}

enum Rendered {
    Files {
        outputs: Vec<(Format, Vec<u8>)>,
        pages: usize,
        title: String,
    },
    Missing(Vec<Finding>),
}

fn render_one(c: &Checked, kit: &Toolkit, draft: bool) -> Result<Rendered> {
    let report = &c.report;
    let markdown = kit.templates.render(report)?;
    let mut document = doc::parse(&markdown, report)?;
    let mut laid = layout::layout(&document, kit.fonts);
    if draft {
        layout::stamp(&mut laid, kit.fonts, DRAFT_MARK);
        // The HTML and DOCX of a draft say so at the top, as the PDF does on every page.
        let mark = doc::Block::Paragraph(format!("【{DRAFT_MARK}】"));
        document.blocks.insert(0, mark);
    }
    if !laid.missing.is_empty() {
        let mut findings = missing_glyphs(report, &laid.missing);
        attribute(&mut findings, &c.file, &c.agency());
        return Ok(Rendered::Missing(findings));
    }
    let made = Made {
        report,
        document: &document,
        laid: &laid,
        draft,
    };
    let outputs = kit
        .formats
        .iter()
        .map(|f| Ok((*f, made.export(*f, kit)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(Rendered::Files {
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
    fn export(&self, format: Format, kit: &Toolkit) -> Result<Vec<u8>> {
        let (report, title) = (self.report, self.document.title());
        Ok(match format {
            Format::Pdf => pdf::write(self.laid, kit.fonts, &self.pdf_meta(kit))?,
            Format::Xlsx => xlsx::write_report(
                report,
                title,
                report.info.published,
                self.draft.then_some(DRAFT_MARK),
            )
            .map_err(|e| anyhow::anyhow!("无法生成 XLSX：{e}"))?,
            Format::Html | Format::HtmlFragment => {
                let view = html::View::of(self.document, &report.info.agency, report.info.year);
                let entry = match format {
                    Format::Html => html::PAGE,
                    _ => html::FRAGMENT,
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

    fn pdf_meta(&self, kit: &Toolkit) -> pdf::Meta {
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
pub(super) fn missing_glyphs(report: &Report, missing: &[layout::MissingChar]) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for m in missing {
        let para = report.paragraphs().find(|p| p.text.contains(m.c));
        let excerpt: String = m.context.chars().take(20).collect();
        let message = format!(
            "字符「{}」（U+{:04X}）在所有可用字体中都没有，无法显示。出现在「{excerpt}…」。请改用常用字，或把含有该字的字体放进 fonts/ 文件夹。",
            m.c, m.c as u32
        );
        let mut f = Finding::new(Code::G1, message);
        if let Some(src) = para.and_then(|p| p.source.as_ref()) {
            f = f.at(&src.sheet, Some(src.a1()));
        }
        if !out.iter().any(|o| o.message == f.message) {
            out.push(f);
        }
    }
    out
}
