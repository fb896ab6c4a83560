//! Building a batch: every agency without errors prepared and written in parallel, each report's
//! files replaced together and recorded in the year's manifest as soon as they are in place.
//! Drafts (`build --force`) go to `<year>/草稿/`, apart from what is published, and are removed
//! once their agency is built properly.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::finding::{Code, Finding, attribute};
use crate::format::Format;
use crate::model::Report;
use crate::record::Record;

use super::manifest::{self, Entry, Ledger};
use super::prepare::{Kit, prepare};
use super::{Checked, file_stem, write_all};

pub use super::prepare::DRAFT_MARK;

/// The folder of a year's drafts, inside the year's folder.
pub const DRAFTS: &str = "草稿";

/// What building one agency gave.
#[derive(Debug)]
pub struct Built {
    pub file: PathBuf,
    pub agency: String,
    pub outcome: Outcome,
    /// Findings made while building (characters no font has, a template that fails).
    pub findings: Vec<Finding>,
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

impl Built {
    fn of(c: &Checked, outcome: Outcome) -> Built {
        Built {
            file: c.file.clone(),
            agency: c.agency(),
            outcome,
            findings: Vec::new(),
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
                Some(format!("有{errors}个错误，请修改工作簿后重新生成"))
            }
            Outcome::Failed(why) | Outcome::SystemError(why) => Some(why.clone()),
        }
    }
}

/// Shared, read-only inputs of a build.
pub struct Toolkit<'a> {
    pub kit: Kit<'a>,
    pub out: &'a Path,
    /// Build agencies with errors too, as marked drafts (`build --force`).
    pub force: bool,
    /// Make every report anew (`build --rebuild`), whatever the manifests say.
    pub rebuild: bool,
    /// Called once per agency built or refused (for progress; from worker threads).
    pub tick: &'a (dyn Fn() + Sync),
    /// The hash of what all reports share (`manifest::common_inputs`).
    pub common_inputs: &'a str,
    /// The year folders' manifests, updated as each report is written.
    pub ledger: &'a Ledger,
    /// When this build happened (Unix seconds), for the manifest and the publication list.
    pub built_at: i64,
}

/// Builds every workbook without errors (with `force`, every readable one, marked as a draft);
/// the others are listed with the reason. Reports are made on the pool's threads and written
/// by one thread of their own, so that no core waits while the disk takes a report's files
/// (creating and syncing them is a sixth of a report's time); at most one report per worker
/// waits for it, the memory of a few reports' files.
pub fn build_all(checked: &[Checked], kit: &Toolkit) -> Vec<Built> {
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Made)>(rayon::current_num_threads());
        let writer = scope.spawn(move || {
            let mut written = Vec::new();
            for (i, made) in rx {
                let c = made.c;
                written.push((i, guarded(c, || finish(made, kit))));
                (kit.tick)();
            }
            written
        });
        let mut results: Vec<Option<Built>> = checked
            .par_iter()
            .enumerate()
            .map_with(tx, |tx, (i, c)| {
                let step =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build_one(c, kit)))
                        .unwrap_or_else(|_| Step::Done(internal_error(c)));
                let built = match step {
                    Step::Done(built) => built,
                    Step::Write(made) => match tx.send((i, made)) {
                        Ok(()) => return None,
                        // The writer is gone (it cannot be, short of a bug): written here.
                        Err(std::sync::mpsc::SendError((_, made))) => {
                            guarded(c, || finish(made, kit))
                        }
                    },
                };
                (kit.tick)();
                Some(built)
            })
            .collect();
        for (i, built) in writer.join().unwrap_or_default() {
            results[i] = Some(built);
        }
        results
            .into_iter()
            .zip(checked)
            .map(|(built, c)| built.unwrap_or_else(|| internal_error(c)))
            .collect()
    })
}

/// `f`'s outcome for `c`, or an internal error if it panicked.
fn guarded(c: &Checked, f: impl FnOnce() -> Built) -> Built {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| internal_error(c))
}

fn internal_error(c: &Checked) -> Built {
    Built::of(
        c,
        Outcome::SystemError("排版时发生内部错误，请把该工作簿发给技术支持".into()),
    )
}

/// Where building one agency has got to on a worker: done (refused, failed, reused), or made
/// and waiting to be written.
enum Step<'c> {
    Done(Built),
    Write(Made<'c>),
}

/// A report made, its files in memory, waiting for the disk.
struct Made<'c> {
    c: &'c Checked,
    place: Place,
    files: Vec<(PathBuf, Vec<u8>)>,
    title: String,
    pages: usize,
    inputs: String,
}

/// Whether `c` can never be built, not even as a draft: nothing to typeset, nothing filled in,
/// no year to file it under, or a report that would overwrite another's (B1–B3, N1, Y1, Y2).
pub fn unbuildable(c: &Checked) -> bool {
    c.findings.iter().any(|f| {
        f.refuses_file()
            || (f.is_error()
                && matches!(
                    f.code,
                    Code::B1 | Code::B2 | Code::B3 | Code::N1 | Code::Y1 | Code::Y2
                ))
    })
}

fn build_one<'c>(c: &'c Checked, kit: &Toolkit) -> Step<'c> {
    let errors = c.findings.iter().filter(|f| f.is_error()).count();
    let draft = errors > 0;
    if draft && (!kit.force || unbuildable(c)) {
        return Step::Done(Built::of(c, Outcome::Rejected { errors }));
    }
    let place = Place::of(kit.out, &c.report, draft);
    let inputs = manifest::report_inputs(kit.common_inputs, c, draft);
    let reused = match &inputs {
        Some(i) if !kit.rebuild => reuse(c, kit, &place, i),
        _ => None,
    };
    match reused {
        Some(built) => Step::Done(without_draft(c, kit, built, draft)),
        None => make(c, kit, place, draft, inputs),
    }
}

/// `built`, its agency's draft removed if it is written and not a draft itself.
fn without_draft(c: &Checked, kit: &Toolkit, built: Built, draft: bool) -> Built {
    if built.is_written() && !draft {
        let drafts = Place::of(kit.out, &c.report, true);
        if let Err(e) = remove_draft(kit.ledger, &drafts) {
            return Built::of(c, Outcome::SystemError(e));
        }
    }
    built
}

/// Prepares `c`'s report (its file read again if its report was slimmed) and its files.
fn make<'c>(
    c: &'c Checked,
    kit: &Toolkit,
    place: Place,
    draft: bool,
    inputs: Option<String>,
) -> Step<'c> {
    let report = match super::check::load(c) {
        Ok(r) => r,
        Err(f) => {
            return Step::Done(Built {
                findings: vec![*f],
                ..Built::of(c, Outcome::Failed("检查之后工作簿被改动了".into()))
            });
        }
    };
    match prepare(&report, &kit.kit, draft) {
        Ok(prepared) => Step::Write(files_of_report(c, &report, place, prepared, inputs)),
        Err(mut findings) => {
            attribute(&mut findings, &c.file, &c.agency());
            let why = if findings.iter().any(|f| f.code == Code::G1) {
                "有字体无法显示的字符"
            } else {
                "报告模板无法生成这份报告"
            };
            Step::Done(Built {
                findings,
                ..Built::of(c, Outcome::Failed(why.into()))
            })
        }
    }
}

/// A prepared report's files where they go, with the record of a publishable report.
fn files_of_report<'c>(
    c: &'c Checked,
    report: &Report,
    place: Place,
    prepared: super::prepare::Prepared,
    inputs: Option<String>,
) -> Made<'c> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = prepared
        .outputs
        .into_iter()
        .map(|(format, bytes)| (place.path(format), bytes))
        .collect();
    // A draft is no record of what was published: next year's checks must not use it.
    if !place.draft {
        let record = serde_json::to_vec_pretty(&Record::of(report)).unwrap_or_default();
        files.push((place.record(), record));
    }
    Made {
        c,
        place,
        files,
        title: prepared.title,
        pages: prepared.pages,
        inputs: inputs.unwrap_or_default(),
    }
}

/// A made report written (`write_one`), its agency's draft removed once it is published.
fn finish(made: Made, kit: &Toolkit) -> Built {
    let (c, draft) = (made.c, made.place.draft);
    let built = write_one(made, kit);
    without_draft(c, kit, built, draft)
}

/// Where a report's files go and its manifest key.
struct Place {
    /// The year's folder (the manifest's).
    dir: PathBuf,
    stem: String,
    draft: bool,
}

impl Place {
    fn of(out: &Path, report: &Report, draft: bool) -> Place {
        Place {
            dir: year_dir(out, report),
            stem: file_stem(&report.info.agency),
            draft,
        }
    }

    /// The file of `format`: `<year>/<stem>.pdf`, or `<year>/草稿/<stem>.pdf` for a draft.
    fn path(&self, format: Format) -> PathBuf {
        self.folder().join(format.file_name(&self.stem))
    }

    fn folder(&self) -> PathBuf {
        if self.draft {
            self.dir.join(DRAFTS)
        } else {
            self.dir.clone()
        }
    }

    /// The JSON record of a published report (what next year's checks read).
    fn record(&self) -> PathBuf {
        self.dir.join(format!("{}.json", self.stem))
    }

    /// The manifest's key: the PDF's name relative to the year's folder.
    fn key(&self) -> String {
        let pdf = Format::Pdf.file_name(&self.stem);
        if self.draft {
            format!("{DRAFTS}/{pdf}")
        } else {
            pdf
        }
    }
}

/// What `dir` (the year's folder, with manifest `m`) holds of `c`'s report, as `build` would
/// judge it with these common inputs.
pub fn files_of(
    c: &Checked,
    m: &manifest::Manifest,
    dir: &Path,
    common: &str,
) -> crate::status::Files {
    use crate::status::Files;
    let published = m.reports.get(&manifest_key(&c.report, false));
    let inputs = manifest::report_inputs(common, c, false);
    match (published, inputs) {
        (Some(e), Some(i)) if e.current(dir, &i) => Files::Current,
        (Some(_), _) => Files::Stale,
        (None, _) if m.reports.contains_key(&manifest_key(&c.report, true)) => Files::Draft,
        (None, _) => Files::None,
    }
}

/// The files of an earlier build of exactly these inputs, if every one hashes as recorded.
fn reuse(c: &Checked, kit: &Toolkit, place: &Place, inputs: &str) -> Option<Built> {
    let entry = kit.ledger.get(&place.dir, &place.key())?;
    if !entry.current(&place.dir, inputs) {
        return None;
    }
    let outcome = Outcome::Written {
        outputs: entry.paths(&place.dir),
        title: entry.title.clone(),
        pages: entry.pages,
        draft: entry.draft,
    };
    Some(Built {
        reused: true,
        ..Built::of(c, outcome)
    })
}

/// Writes a made report's files all together, its entry struck from the manifest before and
/// recorded after, so the manifest never describes files that are not on disk as written.
fn write_one(made: Made, kit: &Toolkit) -> Built {
    let Made {
        c,
        place,
        files,
        title,
        pages,
        inputs,
    } = made;
    let key = place.key();
    let old = kit.ledger.get(&place.dir, &key);
    let system = |e: String| Built::of(c, Outcome::SystemError(e));
    if let Err(e) = kit.ledger.record(&place.dir, &key, None) {
        return system(journal_error(&place.dir, &e));
    }
    let refs: Vec<(&Path, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_path(), b.as_slice()))
        .collect();
    if let Err(e) = write_all(&refs) {
        // The old files were put back: their entry describes them again.
        if let Some(old) = old.filter(|o| o.intact(&place.dir)) {
            let _ = kit.ledger.record(&place.dir, &key, Some(old));
        }
        return system(e.to_string());
    }
    let entry = Entry {
        inputs,
        agency: c.agency(),
        source: c.file.clone(),
        title: title.clone(),
        pages,
        draft: place.draft,
        built_at: kit.built_at,
        outputs: manifest::outputs(&place.dir, &files),
        findings: c.findings.clone(),
    };
    if let Err(e) = kit.ledger.record(&place.dir, &key, Some(entry)) {
        return system(journal_error(&place.dir, &e));
    }
    Built::of(
        c,
        Outcome::Written {
            outputs: files.into_iter().map(|(p, _)| p).collect(),
            title,
            pages,
            draft: place.draft,
        },
    )
}

fn journal_error(dir: &Path, e: &std::io::Error) -> String {
    format!(
        "无法写入 {} 中的生成记录：{}",
        dir.display(),
        super::files::describe(e)
    )
}

/// An agency's draft, gone once it is built properly: its files and its manifest entry.
fn remove_draft(ledger: &Ledger, drafts: &Place) -> Result<(), String> {
    let key = drafts.key();
    let files: Vec<PathBuf> = Format::ALL
        .iter()
        .map(|f| drafts.path(*f))
        .filter(|p| p.symlink_metadata().is_ok_and(|m| m.is_file()))
        .collect();
    if ledger.get(&drafts.dir, &key).is_none() && files.is_empty() {
        return Ok(());
    }
    ledger
        .record(&drafts.dir, &key, None)
        .map_err(|e| journal_error(&drafts.dir, &e))?;
    for f in &files {
        std::fs::remove_file(f).map_err(|e| {
            format!(
                "无法删除草稿 {}：{}",
                f.display(),
                super::files::describe(&e)
            )
        })?;
    }
    // An empty 草稿/ goes too (it fails, harmlessly, while other drafts are in it).
    let _ = std::fs::remove_dir(drafts.folder());
    Ok(())
}

/// The manifest key of a report's published files (`某局.pdf`) or its draft (`草稿/某局.pdf`).
pub fn manifest_key(report: &Report, draft: bool) -> String {
    Place::of(Path::new(""), report, draft).key()
}

pub fn year_dir(out: &Path, report: &Report) -> PathBuf {
    out.join(report.info.year.unwrap_or_default().to_string())
}
