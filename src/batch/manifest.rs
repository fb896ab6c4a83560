//! Incremental builds. `<out>/<year>/.nianbao-manifest.json` records, per report, one hash of
//! everything its files were made from — the workbook (and for an aggregate, the workbooks it
//! sums), the templates, `nianbao.toml`, the fonts, `SOURCE_DATE_EPOCH`, whether it was a
//! draft, and the nianbao version — with the title, pages and sizes of the files. `build`
//! reuses a report whose hash and files are unchanged; `build --rebuild` makes every one anew.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::digest::hex;

use super::Checked;
use crate::limits;

const FILE: &str = ".nianbao-manifest.json";

/// One report as last built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The hash of everything the files were made from.
    pub inputs: String,
    pub title: String,
    pub pages: usize,
    pub draft: bool,
    /// File names in the year's folder, with their sizes.
    pub outputs: Vec<(String, u64)>,
}

/// Every report of one year's folder, by PDF file name.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub reports: BTreeMap<String, Entry>,
}

impl Manifest {
    /// The manifest of `dir`; empty if there is none or it cannot be read.
    pub fn load(dir: &Path) -> Manifest {
        let mut bytes = Vec::new();
        let read = std::fs::File::open(dir.join(FILE))
            .and_then(|f| f.take(limits::FILE_BYTES).read_to_end(&mut bytes));
        match read {
            Ok(_) => serde_json::from_slice(&bytes).unwrap_or_default(),
            Err(_) => Manifest::default(),
        }
    }

    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        super::write_atomic(&dir.join(FILE), &bytes)
    }

    /// The entry recorded for these inputs, if its files are all still there as written.
    pub fn reusable(&self, dir: &Path, pdf_name: &str, inputs: &str) -> Option<&Entry> {
        let entry = self.reports.get(pdf_name)?;
        let intact = entry.inputs == inputs
            && entry.outputs.iter().all(|(name, size)| {
                std::fs::metadata(dir.join(name)).is_ok_and(|m| m.is_file() && m.len() == *size)
            });
        intact.then_some(entry)
    }
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

/// The entry for files just written.
pub fn entry(inputs: String, title: &str, pages: usize, draft: bool, files: &[PathBuf]) -> Entry {
    let outputs = files
        .iter()
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let size = std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
            (name, size)
        })
        .collect();
    Entry {
        inputs,
        title: title.to_string(),
        pages,
        draft,
        outputs,
    }
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
}
