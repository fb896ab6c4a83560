//! What a command works with, loaded once (zola's `Config` once, from `Cli`): `nianbao.toml`,
//! the rules' settings, the fonts, the templates, the formats to make. `check`, `build` and
//! `status` take the same setup, so a font or template `build` would refuse stops `check` with
//! the same words, and every report is prepared with the same kit.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;

use crate::batch::files::absolute;
use crate::batch::manifest;
use crate::batch::prepare::Kit;
use crate::config::{self, Config};
use crate::format::{self, Format};
use crate::layout::fonts::FontSet;
use crate::render::Templates;
use crate::rules::Context;

use super::{inputs, today};

pub struct Setup {
    pub config: Config,
    pub ctx: Context,
    pub fonts: Arc<FontSet>,
    pub templates: Templates,
    /// `nianbao.toml`'s `formats` (or the default set) with the command line's additions.
    pub formats: Vec<Format>,
    /// `SOURCE_DATE_EPOCH`, when set: the date of reports without a 发布日期, and the build time.
    pub source_date: Option<i64>,
    /// The subset font programs the batch's reports share.
    pub programs: crate::pdf::Programs,
}

impl Setup {
    /// Everything from the working folder, for a batch of `paths` (fonts beside them too).
    pub fn load(paths: &[PathBuf], extra: &[Format]) -> Result<Setup> {
        let config = Config::load(Path::new("."))?;
        let mut roster = crate::roster::Roster::default();
        for d in inputs(paths).iter().filter(|d| d.is_dir()) {
            for a in crate::roster::Roster::load(d).agencies {
                roster.add(&a);
            }
        }
        let ctx = Context {
            today: today(),
            settings: config.settings().map_err(anyhow::Error::msg)?,
            roster: roster.agencies,
        };
        let configured = match &config.formats {
            Some(keys) => format::parse_list(keys)
                .map_err(|e| anyhow::anyhow!("{} 有误：{e}", config::FILE))?,
            None => Format::DEFAULT.to_vec(),
        };
        let formats = format::normalise(configured.into_iter().chain(extra.iter().copied()));
        let font_dirs = font_dirs(paths);
        let dirs: Vec<&Path> = font_dirs.iter().map(PathBuf::as_path).collect();
        let fonts = FontSet::discover(&dirs, &config)?;
        let templates = Templates::load(Some(Path::new("templates")))?;
        let source_date = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.trim().parse().ok());
        Ok(Setup {
            config,
            ctx,
            fonts,
            templates,
            formats,
            source_date,
            programs: crate::pdf::Programs::default(),
        })
    }

    pub fn kit(&self) -> Kit<'_> {
        Kit {
            fonts: &self.fonts,
            templates: &self.templates,
            formats: &self.formats,
            source_date: self.source_date,
            programs: &self.programs,
        }
    }

    /// The hash of what every report's files are made from besides its workbook.
    pub fn common_inputs(&self) -> String {
        manifest::common_inputs(
            &self.templates.fingerprint,
            &self.config.bytes,
            &self.fonts.fingerprint(),
            self.source_date,
            &self.formats,
        )
    }
}

/// `fonts/` in the working folder and beside each input folder.
pub fn font_dirs(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs = vec![PathBuf::from("fonts")];
    for p in inputs(paths) {
        let parent = if p.is_dir() {
            p.parent()
        } else {
            p.parent().and_then(Path::parent)
        };
        if let Some(dir) = parent.map(|d| d.join("fonts"))
            && !dirs.contains(&dir)
            && dir != Path::new("fonts")
        {
            dirs.push(dir);
        }
    }
    dirs
}

/// Refuses an output folder inside an input folder or the reverse: the next build would read
/// its own outputs as workbooks, or write over the returned ones.
pub fn separate(inputs: &[PathBuf], out: &Path) -> Result<()> {
    let out_abs = absolute(out);
    for input in inputs {
        let dir = if input.is_dir() {
            input.clone()
        } else {
            input.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let dir_abs = absolute(&dir);
        if out_abs.starts_with(&dir_abs) || dir_abs.starts_with(&out_abs) {
            anyhow::bail!(
                "输出文件夹 {} 与工作簿所在的 {} 是同一个文件夹或互相包含：生成的文件会被当作工作簿读取，或写进收回的工作簿之间。请用 --out 指定另一个文件夹（默认 output）。",
                out.display(),
                dir.display()
            );
        }
    }
    Ok(())
}
