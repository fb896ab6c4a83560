//! What is in each year's output folder, as cargo's fingerprints record what is in `target/`.
//! `<out>/<year>/.nianbao-manifest.json` holds, per report, one hash of everything its files were
//! made from (the workbook and, for an aggregate, the workbooks it sums; templates, `nianbao.toml`,
//! fonts, formats, `SOURCE_DATE_EPOCH`, draft or not, the nianbao version) and the name, size and
//! SHA-256 of every file written. A report is reused only when its inputs hash the same and every
//! file on disk hashes as recorded — never by size or time.
//!
//! The manifest never describes a file that is not what it says: before a report's files are
//! replaced, its entry is struck in an append-only journal (`.nianbao-journal`, synced), and the
//! new entry is journaled once all its files are in place. A run killed at any point leaves the
//! old entry, no entry, or the new one; the next build replays the journal and rebuilds what has
//! no entry. At the end of a build the journal is folded into the manifest.

use std::collections::BTreeMap;
use std::io::{BufRead as _, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::digest::hex;
use crate::finding::Finding;
use crate::limits;

use super::Checked;

const FILE: &str = ".nianbao-manifest.json";
const JOURNAL: &str = ".nianbao-journal";
/// Bumped when an entry's shape changes: an older manifest is not trusted (everything rebuilds).
const VERSION: u32 = 2;

/// One file of a report, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Output {
    /// Relative to the year's folder (`某局.pdf`, `草稿/某局.pdf`).
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

/// One report as last built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The hash of everything the files were made from.
    pub inputs: String,
    pub agency: String,
    /// The workbook it was built from.
    pub source: PathBuf,
    pub title: String,
    pub pages: usize,
    pub draft: bool,
    /// When it was built (Unix seconds; `SOURCE_DATE_EPOCH` when set).
    pub built_at: i64,
    /// The files in `Format` order (the PDF first), then the record.
    pub outputs: Vec<Output>,
    /// The workbook's findings when it was built, for the year's check report.
    pub findings: Vec<Finding>,
}

impl Entry {
    /// Whether every file is on disk as recorded (same bytes, by SHA-256).
    pub fn intact(&self, dir: &Path) -> bool {
        self.outputs
            .iter()
            .all(|o| file_sha256(&dir.join(&o.name), o.bytes).as_deref() == Some(&o.sha256))
    }

    /// Whether it describes files made from exactly `inputs` that are on disk as recorded:
    /// what `build` reuses and `status` calls 已生成.
    pub fn current(&self, dir: &Path, inputs: &str) -> bool {
        self.inputs == inputs && self.intact(dir)
    }

    pub fn paths(&self, dir: &Path) -> Vec<PathBuf> {
        self.outputs.iter().map(|o| dir.join(&o.name)).collect()
    }
}

/// Every report of one year's folder, by the PDF's name relative to it.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Manifest {
    #[serde(default)]
    pub version: u32,
    pub reports: BTreeMap<String, Entry>,
}

/// One journal line: `entry` is the report's new entry, `None` strikes it.
#[derive(Serialize, Deserialize)]
struct Line {
    name: String,
    entry: Option<Entry>,
}

impl Manifest {
    /// The manifest of `dir` with its journal replayed; empty if there is none, it cannot be
    /// read or it is of an older version. A torn last journal line (a kill while appending) is
    /// ignored: its report then has no entry and is built again.
    pub fn load(dir: &Path) -> Manifest {
        let mut m = read_bounded(&dir.join(FILE))
            .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
            .filter(|m| m.version == VERSION)
            .unwrap_or_default();
        m.version = VERSION;
        if let Some(bytes) = read_bounded(&dir.join(JOURNAL)) {
            for line in bytes.lines().map_while(Result::ok) {
                match serde_json::from_str::<Line>(&line) {
                    Ok(Line {
                        name,
                        entry: Some(e),
                    }) => {
                        m.reports.insert(name, e);
                    }
                    Ok(Line { name, entry: None }) => {
                        m.reports.remove(&name);
                    }
                    Err(_) => {}
                }
            }
        }
        m
    }
}

/// The manifests of the year folders a build writes to, changed as reports are written.
#[derive(Default)]
pub struct Ledger {
    years: Mutex<BTreeMap<PathBuf, Manifest>>,
}

impl Ledger {
    /// The manifests of `dirs` as they are on disk.
    pub fn load(dirs: &[PathBuf]) -> Ledger {
        let years = dirs
            .iter()
            .map(|d| (d.clone(), Manifest::load(d)))
            .collect();
        Ledger {
            years: Mutex::new(years),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut BTreeMap<PathBuf, Manifest>) -> T) -> T {
        let mut years = self.years.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut years)
    }

    /// The entry of `name` in `dir`'s manifest.
    pub fn get(&self, dir: &Path, name: &str) -> Option<Entry> {
        self.with(|y| y.get(dir).and_then(|m| m.reports.get(name)).cloned())
    }

    /// Records `entry` (or, with `None`, strikes the report) in the journal, on disk, before
    /// anything else is done: called with `None` before a report's files are replaced.
    pub fn record(&self, dir: &Path, name: &str, entry: Option<Entry>) -> std::io::Result<()> {
        self.with(|years| {
            let line = Line {
                name: name.to_string(),
                entry,
            };
            let mut text = serde_json::to_string(&line).map_err(std::io::Error::other)?;
            text.push('\n');
            std::fs::create_dir_all(dir)?;
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(dir.join(JOURNAL))?;
            f.write_all(text.as_bytes())?;
            f.sync_data()?;
            super::files::failpoint("journal");
            let m = years.entry(dir.to_path_buf()).or_default();
            m.version = VERSION;
            match line.entry {
                Some(e) => m.reports.insert(line.name, e),
                None => m.reports.remove(&line.name),
            };
            Ok(())
        })
    }

    /// The manifests as they now are.
    pub fn manifests(&self) -> BTreeMap<PathBuf, Manifest> {
        self.with(|y| y.clone())
    }

    /// Every journal folded into its manifest (written atomically, then the journal removed).
    pub fn compact(&self) -> Vec<(PathBuf, std::io::Error)> {
        super::files::failpoint("compact");
        let mut failed = Vec::new();
        for (dir, m) in self.manifests() {
            let journal = dir.join(JOURNAL);
            if !journal.exists() && dir.join(FILE).exists() {
                continue;
            }
            if m.reports.is_empty() && !journal.exists() {
                continue;
            }
            let saved = serde_json::to_vec_pretty(&m)
                .map_err(std::io::Error::other)
                .and_then(|b| super::write_atomic(&dir.join(FILE), &b).map_err(|e| e.error))
                .and_then(|()| match std::fs::remove_file(&journal) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                    _ => Ok(()),
                });
            if let Err(e) = saved {
                failed.push((dir, e));
            }
        }
        failed
    }
}

fn read_bounded(path: &Path) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(limits::FILE_BYTES * 4)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(bytes)
}

/// The SHA-256 of the file at `path`, read as a stream, if it is a regular file of `bytes`
/// bytes (a different size cannot be the same file, and is not worth reading).
pub fn file_sha256(path: &Path, bytes: u64) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() != bytes {
        return None;
    }
    let mut h = Sha256::new();
    let mut f = std::fs::File::open(path).ok()?;
    std::io::copy(&mut f, &mut h).ok()?;
    Some(hex(&h.finalize()))
}

/// What every report of a build shares: the hash of the templates, `nianbao.toml`, the fonts,
/// `SOURCE_DATE_EPOCH` and the nianbao version.
pub fn common_inputs(
    templates: &str,
    config: &[u8],
    fonts: &str,
    source_date: Option<i64>,
    formats: &[crate::format::Format],
) -> String {
    let mut h = Sha256::new();
    let formats: Vec<&str> = formats.iter().map(|f| f.key()).collect();
    for part in [
        env!("CARGO_PKG_VERSION").as_bytes(),
        templates.as_bytes(),
        config,
        fonts.as_bytes(),
        &source_date.unwrap_or(i64::MIN).to_le_bytes(),
        formats.join(",").as_bytes(),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    hex(&h.finalize())
}

/// The hash of one report's inputs: the common ones, its workbook and its members' workbooks
/// (bytes, not times: a copy or a touch changes nothing), and whether it is a draft. `None`
/// if a workbook cannot be read again (then it is built).
pub fn report_inputs(common: &str, c: &Checked, draft: bool) -> Option<String> {
    let mut h = Sha256::new();
    h.update(common.as_bytes());
    h.update([draft as u8]);
    for file in std::iter::once(&c.file).chain(&c.members) {
        let mut bytes = Vec::new();
        std::fs::File::open(file)
            .ok()?
            .take(limits::FILE_BYTES)
            .read_to_end(&mut bytes)
            .ok()?;
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    Some(hex(&h.finalize()))
}

/// The outputs of files just written, named relative to `dir`.
pub fn outputs(dir: &Path, files: &[(PathBuf, Vec<u8>)]) -> Vec<Output> {
    files
        .iter()
        .map(|(p, bytes)| Output {
            name: p
                .strip_prefix(dir)
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/"),
            bytes: bytes.len() as u64,
            sha256: crate::digest::sha256_hex(bytes),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_common_input_changes_the_hash() {
        use crate::format::Format;
        let pdf = [Format::Pdf];
        let base = common_inputs("t", b"c", "f", None, &pdf);
        assert_eq!(base, common_inputs("t", b"c", "f", None, &pdf));
        assert_ne!(base, common_inputs("t2", b"c", "f", None, &pdf));
        assert_ne!(base, common_inputs("t", b"c2", "f", None, &pdf));
        assert_ne!(base, common_inputs("t", b"c", "f2", None, &pdf));
        assert_ne!(base, common_inputs("t", b"c", "f", Some(0), &pdf));
        assert_ne!(
            base,
            common_inputs("t", b"c", "f", None, &[Format::Pdf, Format::Docx])
        );
    }

    fn entry(dir: &Path, name: &str, bytes: &[u8]) -> Entry {
        std::fs::write(dir.join(name), bytes).unwrap();
        Entry {
            inputs: "h".into(),
            agency: "某局".into(),
            source: PathBuf::from("input/某局.xlsx"),
            title: "t".into(),
            pages: 1,
            draft: false,
            built_at: 0,
            outputs: outputs(dir, &[(dir.join(name), bytes.to_vec())]),
            findings: Vec::new(),
        }
    }

    #[test]
    fn a_file_changed_in_place_is_not_reused() {
        let dir = tempfile::tempdir().unwrap();
        let e = entry(dir.path(), "a.pdf", b"0123456789");
        assert!(e.current(dir.path(), "h"));
        assert!(!e.current(dir.path(), "other"));
        // Same size, other bytes.
        std::fs::write(dir.path().join("a.pdf"), b"0123X56789").unwrap();
        assert!(!e.current(dir.path(), "h"));
    }

    #[test]
    fn the_journal_is_replayed_and_a_torn_line_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let e = entry(dir.path(), "a.pdf", b"x");
        let ledger = Ledger::load(&[dir.path().to_path_buf()]);
        ledger.record(dir.path(), "a.pdf", Some(e.clone())).unwrap();
        ledger.record(dir.path(), "b.pdf", Some(e.clone())).unwrap();
        ledger.record(dir.path(), "b.pdf", None).unwrap();
        let mut j = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join(JOURNAL))
            .unwrap();
        j.write_all(b"{\"name\":\"c.pdf\",\"ent").unwrap();
        let m = Manifest::load(dir.path());
        assert_eq!(m.reports.keys().collect::<Vec<_>>(), ["a.pdf"]);
        assert!(ledger.compact().is_empty());
        assert!(!dir.path().join(JOURNAL).exists());
        assert_eq!(Manifest::load(dir.path()).reports, m.reports);
    }
}
