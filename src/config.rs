//! `nianbao.toml` in the working folder: optional settings. Today: which font each role uses.
//!
//! ```toml
//! [fonts]
//! title = "方正小标宋简体"                         # a family name, tried first
//! body = { file = "fonts/仿宋_GB2312.ttf" }         # a font file
//! heading2 = { file = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", index = 2 }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::Deserialize;

pub const FILE: &str = "nianbao.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Role (`title`, `body`, `heading1`, `heading2`, `table`, `page_number`) → font.
    #[serde(default)]
    pub fonts: BTreeMap<String, FontChoice>,
}

/// A family name, or a file with an optional face index (for .ttc/.otc collections).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum FontChoice {
    Family(String),
    File {
        file: PathBuf,
        #[serde(default)]
        index: Option<u32>,
    },
}

impl Config {
    /// Reads `dir/nianbao.toml`; no file means defaults.
    pub fn load(dir: &Path) -> Result<Config> {
        let path = dir.join(FILE);
        if !path.is_file() {
            return Ok(Config::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("无法读取 {}", path.display()))?;
        let mut config: Config = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{} 格式有误：{}", path.display(), e.message().trim()))?;
        for (role, choice) in config.fonts.iter_mut() {
            if !ROLES.contains(&role.as_str()) {
                anyhow::bail!(
                    "{} 的 [fonts] 中没有「{role}」这个角色，可用的角色是 {}",
                    path.display(),
                    ROLES.join("、")
                );
            }
            // Relative font paths are relative to the file that names them.
            if let FontChoice::File { file, .. } = choice
                && file.is_relative()
            {
                *file = dir.join(&*file);
            }
        }
        Ok(config)
    }
}

pub const ROLES: [&str; 6] = [
    "title",
    "body",
    "heading1",
    "heading2",
    "table",
    "page_number",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_families_files_and_indices() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE),
            "[fonts]\ntitle = \"方正小标宋简体\"\nbody = { file = \"fonts/fs.ttf\" }\nheading2 = { file = \"/x.ttc\", index = 2 }\n",
        )
        .unwrap();
        let c = Config::load(dir.path()).unwrap();
        assert_eq!(
            c.fonts["title"],
            FontChoice::Family("方正小标宋简体".into())
        );
        assert_eq!(
            c.fonts["body"],
            FontChoice::File {
                file: dir.path().join("fonts/fs.ttf"),
                index: None
            }
        );
        assert_eq!(
            c.fonts["heading2"],
            FontChoice::File {
                file: "/x.ttc".into(),
                index: Some(2)
            }
        );
    }

    #[test]
    fn unknown_roles_and_bad_syntax_are_errors_in_chinese() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), "[fonts]\nfooter = \"黑体\"\n").unwrap();
        let e = Config::load(dir.path()).unwrap_err().to_string();
        assert!(e.contains("没有「footer」这个角色"), "{e}");
        std::fs::write(dir.path().join(FILE), "[fonts\n").unwrap();
        let e = Config::load(dir.path()).unwrap_err().to_string();
        assert!(e.contains("格式有误"), "{e}");
        assert!(
            Config::load(&dir.path().join("none"))
                .unwrap()
                .fonts
                .is_empty()
        );
    }
}
