//! The roster: the agencies an office handed workbooks to, kept beside them as `名单.txt`
//! (one name per line, `#` for comments) so that an office can also edit it by hand.
//! `new` adds to it; `status` reads it to say who has not returned a workbook.

use std::path::{Path, PathBuf};

use crate::workbook::labels::normalize;

pub const FILE: &str = "名单.txt";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Roster {
    /// Agency names in the order they were handed out.
    pub agencies: Vec<String>,
}

impl Roster {
    /// Parses the file's text: one name per line; blank lines and `#` comments ignored.
    pub fn parse(text: &str) -> Roster {
        let mut roster = Roster::default();
        for line in text.lines() {
            let name = line.split('#').next().unwrap_or("").trim();
            if !name.is_empty() {
                roster.add(name);
            }
        }
        roster
    }

    /// The roster of the workbooks in `dir`; none is an empty roster.
    pub fn load(dir: &Path) -> Roster {
        std::fs::read_to_string(path(dir))
            .map(|t| Roster::parse(t.trim_start_matches('\u{feff}')))
            .unwrap_or_default()
    }

    /// Adds `name` unless an agency of that name (after normalising) is already listed.
    pub fn add(&mut self, name: &str) -> bool {
        let name = name.trim();
        if name.is_empty() || self.contains(name) {
            return false;
        }
        self.agencies.push(name.to_string());
        true
    }

    pub fn contains(&self, name: &str) -> bool {
        let key = normalize(name);
        self.agencies.iter().any(|a| normalize(a) == key)
    }

    /// The file's text, with a header saying what it is.
    pub fn to_text(&self) -> String {
        let mut s = String::from(
            "# 下发填报工作簿的机关名单（nianbao new 自动添加；可手工编辑，每行一个机关，# 后为注释）\n",
        );
        for a in &self.agencies {
            s.push_str(a);
            s.push('\n');
        }
        s
    }
}

pub fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_comments_and_duplicates() {
        let r = Roster::parse("# 名单\n县交通运输局\n\n青石镇人民政府  # 第二批\n县交通运输局\n");
        assert_eq!(r.agencies, ["县交通运输局", "青石镇人民政府"]);
        assert!(r.contains("县交通运输局 "));
        assert_eq!(Roster::parse(&r.to_text()), r);
    }
}
