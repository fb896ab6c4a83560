//! `nianbao.toml` in the working folder: optional settings — which font each role uses, the
//! severity of a rule, the township deadline, agencies renamed since last year.
//!
//! ```toml
//! [fonts]
//! title = "方正小标宋简体"                         # a family name, tried first
//! body = { file = "fonts/仿宋_GB2312.ttf" }         # a font file
//! heading2 = { file = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", index = 2 }
//!
//! [severity]
//! X1 = "error"      # error / warning / info / off
//!
//! [deadline]
//! township = "2-28" # 乡镇、街道的发布期限（月-日），默认 1-31
//!
//! [renamed]
//! "江岚县农业局" = "江岚县农业农村局"   # 上年的机关名称 = 今年的机关名称
//! ```
//!
//! `formats = ["pdf", "xlsx", "html", "docx"]` (top level, before any `[section]`) says which
//! files `build` makes of each report; the default is PDF, XLSX and HTML.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::Deserialize;

use crate::finding::{Code, Severity};
use crate::rules::Settings;

pub const FILE: &str = "nianbao.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// What `build` makes of each report (`format::Format` keys); `None`: the default set.
    #[serde(default)]
    pub formats: Option<Vec<String>>,
    /// Role (`title`, `body`, `heading1`, `heading2`, `table`, `page_number`) → font.
    #[serde(default)]
    pub fonts: BTreeMap<String, FontChoice>,
    /// Code → `error`, `warning`, `info` or `off`.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    #[serde(default)]
    pub deadline: Deadlines,
    /// Last year's agency name → this year's.
    #[serde(default)]
    pub renamed: BTreeMap<String, String>,
    /// The file's bytes as read (a changed `nianbao.toml` rebuilds every report).
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadlines {
    /// `月-日` by which 乡镇人民政府、街道办事处 publish.
    pub township: Option<String>,
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

/// The sections of the file and the keys each takes (`*`: any key, e.g. a code or a name).
const SECTIONS: [(&str, &[&str]); 4] = [
    ("fonts", &["*"]),
    ("severity", &["*"]),
    ("deadline", &["township"]),
    ("renamed", &["*"]),
];

/// The file read as TOML and checked key by key, with messages in Chinese that name the line
/// (toml's and serde's own are English and speak of types and enums).
fn parse(text: &str) -> std::result::Result<Config, String> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| syntax(text, &e))?;
    for (key, value) in &table {
        if key == "formats" {
            let list = value.as_array().filter(|a| a.iter().all(|v| v.is_str()));
            if list.is_none() {
                return Err(format!(
                    "formats 应为格式的列表，例如 formats = [\"pdf\", \"xlsx\", \"html\"]，现在是 {value}。"
                ));
            }
            continue;
        }
        let Some((_, keys)) = SECTIONS.iter().find(|(s, _)| s == key) else {
            return Err(format!(
                "没有 [{key}] 这一节（或 {key} 这一项）。可以写的是 formats（文件开头）和 [fonts]、[severity]、[deadline]、[renamed] 四节。"
            ));
        };
        let Some(section) = value.as_table() else {
            return Err(format!("{key} 应是一节，写作 [{key}]，其下每行一项。"));
        };
        for (k, v) in section {
            if k == "formats" {
                return Err(format!(
                    "formats 写在了 [{key}] 这一节之下：TOML 中 [{key}] 之后的各行都属于这一节。请把 formats 一行移到文件开头、第一个 [节] 之前。"
                ));
            }
            if !keys.contains(&"*") && !keys.contains(&k.as_str()) {
                return Err(format!(
                    "[{key}] 中没有「{k}」这一项，可用的是 {}。",
                    keys.join("、")
                ));
            }
            check_value(key, k, v)?;
        }
    }
    Config::deserialize(table).map_err(|e| format!("内容不符合要求（{}）。", e.message().trim()))
}

/// One `key = value` of a section, by what the section takes.
fn check_value(section: &str, key: &str, value: &toml::Value) -> std::result::Result<(), String> {
    let ok = match (section, value) {
        (_, toml::Value::String(_)) => true,
        ("fonts", toml::Value::Table(t)) => {
            t.get("file").is_some_and(toml::Value::is_str)
                && t.keys().all(|k| k == "file" || k == "index")
                && t.get("index")
                    .is_none_or(|i| i.as_integer().is_some_and(|n| n >= 0))
        }
        _ => false,
    };
    if ok {
        return Ok(());
    }
    Err(match section {
        "fonts" => format!(
            "[fonts] 中「{key}」应为字体名称（如 {key} = \"仿宋_GB2312\"），或字体文件（如 {key} = {{ file = \"fonts/仿宋_GB2312.ttf\" }}，字体集合加 index = 0、1、2 …），现在是 {value}。"
        ),
        "severity" => format!(
            "[severity] 中「{key}」应为 \"error\"、\"warning\"、\"info\" 或 \"off\"（带引号），现在是 {value}。"
        ),
        "deadline" => format!(
            "[deadline] 中「{key}」应为带引号的月-日，例如 township = \"2-28\"，现在是 {value}。"
        ),
        _ => format!("[{section}] 中「{key}」应为带引号的机关名称，现在是 {value}。"),
    })
}

/// Where the TOML cannot be read, as a line number and the line.
fn syntax(text: &str, e: &toml::de::Error) -> String {
    let at = e.span().map_or(0, |s| s.start);
    let line = text[..at.min(text.len())].matches('\n').count() + 1;
    let shown = text.lines().nth(line - 1).unwrap_or("").trim();
    let what = if shown.starts_with('[') && !shown.ends_with(']') {
        "节名缺少右方括号 ]"
    } else if shown.contains('[') && !shown.contains(']') {
        "列表缺少右方括号 ]（或列表跨行时没有写完）"
    } else if shown.matches('"').count() % 2 == 1 {
        "引号没有配对"
    } else if !shown.is_empty() && !shown.contains('=') && !shown.starts_with('[') {
        "这一行应写作 名称 = 值"
    } else {
        "写法不合 TOML 格式（值是文字时要加英文双引号，例如 X1 = \"error\"）"
    };
    format!("第{line}行「{shown}」：{what}。")
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
        let mut config =
            parse(&text).map_err(|e| anyhow::anyhow!("{} 有误：{e}", path.display()))?;
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
        config
            .settings()
            .map_err(|e| anyhow::anyhow!("{}格式有误：{e}", path.display()))?;
        config.bytes = text.into_bytes();
        Ok(config)
    }

    /// What the rules take from the file; an unknown code or a bad date is an error here, so
    /// a typo cannot silently leave a rule at its default.
    pub fn settings(&self) -> std::result::Result<Settings, String> {
        let mut settings = Settings::default();
        for (code, level) in &self.severity {
            let c = Code::parse(code).ok_or_else(|| {
                format!("[severity] 中没有「{code}」这个规则代码（见 docs/rules.md）")
            })?;
            let s = match level.trim() {
                "error" | "错误" => Some(Severity::Error),
                "warning" | "警告" => Some(Severity::Warning),
                "info" | "提示" => Some(Severity::Info),
                "off" | "关闭" => None,
                other => {
                    return Err(format!(
                        "[severity] {code} = \"{other}\" 无法识别，可用 error、warning、info、off"
                    ));
                }
            };
            if let Some(why) = crate::finding::codes::guards(c)
                && s != Some(Severity::Error)
            {
                return Err(format!(
                    "[severity] 中的 {c} 不能改为「{}」：{why}。请删除这一行（{c} 只能是 error）",
                    level.trim()
                ));
            }
            settings.severity.insert(c, s);
        }
        if let Some(text) = &self.deadline.township {
            settings.township_deadline = month_day(text).ok_or_else(|| {
                format!("[deadline] township = \"{text}\" 不是「月-日」，例如 \"2-28\"")
            })?;
        }
        for (old, new) in &self.renamed {
            settings
                .renamed
                .insert(old.trim().to_string(), new.trim().to_string());
        }
        Ok(settings)
    }
}

/// `2-28`, `02-28`, `2月28日` → (2, 28), a day that exists in every year.
fn month_day(text: &str) -> Option<(u32, u32)> {
    let parts: Vec<u32> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    match parts.as_slice() {
        [m, d] if crate::model::Date::new(2023, *m, *d).is_some() => Some((*m, *d)),
        _ => None,
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
    fn rule_settings() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE),
            "[severity]\nX1 = \"error\"\nV1 = \"off\"\n[deadline]\ntownship = \"2-28\"\n[renamed]\n\"县农业局\" = \"县农业农村局\"\n",
        )
        .unwrap();
        let s = Config::load(dir.path()).unwrap().settings().unwrap();
        assert_eq!(s.severity[&Code::X1], Some(Severity::Error));
        assert_eq!(s.severity[&Code::V1], None);
        assert_eq!(s.township_deadline, (2, 28));
        assert_eq!(s.renamed["县农业局"], "县农业农村局");
        for bad in [
            "[severity]\nN1 = \"off\"\n",
            "[severity]\nG1 = \"warning\"\n",
            "[severity]\nY1 = \"info\"\n",
            "[severity]\nZ9 = \"error\"\n",
            "[severity]\nX1 = \"red\"\n",
            "[deadline]\ntownship = \"2-30\"\n",
        ] {
            std::fs::write(dir.path().join(FILE), bad).unwrap();
            let e = Config::load(dir.path()).unwrap_err().to_string();
            assert!(e.contains("格式有误"), "{e}");
        }
    }

    #[test]
    fn unknown_roles_and_bad_syntax_are_errors_in_chinese() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), "[fonts]\nfooter = \"黑体\"\n").unwrap();
        let e = Config::load(dir.path()).unwrap_err().to_string();
        assert!(e.contains("没有「footer」这个角色"), "{e}");
        // toml's and serde's English never reaches the office: each slip named in Chinese.
        for (text, said) in [
            ("[fonts\n", "第1行「[fonts」：节名缺少右方括号"),
            ("formats = [\"pdf\"\n", "列表缺少右方括号"),
            ("[severity]\nX1 = error\n", "第2行「X1 = error」"),
            (
                "[deadline]\nformats = [\"pdf\"]\n",
                "formats 写在了 [deadline] 这一节之下",
            ),
            (
                "[deadline]\ntownship = \"2-28\"\nsunday = 1\n",
                "[deadline] 中没有「sunday」这一项",
            ),
            ("[fonts]\nbody = 3\n", "[fonts] 中「body」应为字体名称"),
            ("[colours]\n", "没有 [colours] 这一节"),
        ] {
            std::fs::write(dir.path().join(FILE), text).unwrap();
            let e = Config::load(dir.path()).unwrap_err().to_string();
            assert!(e.contains(said), "{text}: {e}");
            assert!(
                !["expected", "unknown", "variant", "invalid"]
                    .iter()
                    .any(|w| e.contains(w)),
                "{e}"
            );
        }
        assert!(
            Config::load(&dir.path().join("none"))
                .unwrap()
                .fonts
                .is_empty()
        );
    }
}
