//! What kind of agency a report is from, which sets its publication deadline (spec §1.1) and
//! how its prose refers to itself (我局, 我镇 …).

use crate::model::Info;
use crate::schema::input::AGENCY_KINDS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgencyKind {
    /// 县级以上人民政府部门: publishes by 31 January (条例 第四十九条).
    Department,
    /// 县级以上人民政府 (its report is published by its 办公厅/办公室): by 31 March.
    Government,
    /// 乡镇人民政府、街道办事处: no statutory date; the office sets one in `nianbao.toml`.
    Township,
}

impl AgencyKind {
    pub fn chinese(self) -> &'static str {
        match self {
            AgencyKind::Department => AGENCY_KINDS[0],
            AgencyKind::Government => AGENCY_KINDS[1],
            AgencyKind::Township => AGENCY_KINDS[2],
        }
    }
}

/// The kind 基本信息 states, else the kind the name says.
pub fn kind(info: &Info) -> AgencyKind {
    let stated = AGENCY_KINDS.iter().position(|k| {
        crate::workbook::labels::normalize(k) == crate::workbook::labels::normalize(&info.kind)
    });
    match stated {
        Some(0) => AgencyKind::Department,
        Some(1) => AgencyKind::Government,
        Some(_) => AgencyKind::Township,
        None => kind_from_name(&info.agency),
    }
}

/// `…镇人民政府`, `…乡人民政府`, `…街道办事处` are townships; `…人民政府` and its 办公室/办公厅
/// (which publishes the government's report) are governments; anything else is a department.
pub fn kind_from_name(name: &str) -> AgencyKind {
    let name = name.trim();
    let township = [
        "镇人民政府",
        "乡人民政府",
        "苏木人民政府",
        "街道办事处",
        "街道工作委员会",
    ];
    if township.iter().any(|s| name.ends_with(s)) {
        return AgencyKind::Township;
    }
    let government = ["人民政府", "人民政府办公室", "人民政府办公厅"];
    if government.iter().any(|s| name.ends_with(s)) {
        return AgencyKind::Government;
    }
    AgencyKind::Department
}

/// How the prose of an agency of this name may call itself: 我局 for a 局, 我镇 for a 镇 …
/// Empty when the name does not say (such an agency is never warned about).
pub fn self_names(name: &str) -> Vec<&'static str> {
    let name = name.trim();
    let mut out = Vec::new();
    let by_suffix: [(&str, &[&str]); 12] = [
        ("镇人民政府", &["我镇", "本镇"]),
        ("乡人民政府", &["我乡", "本乡"]),
        ("街道办事处", &["我街道", "本街道", "我办", "本办"]),
        ("县人民政府", &["我县", "本县", "县政府"]),
        ("市人民政府", &["我市", "本市", "市政府"]),
        ("区人民政府", &["我区", "本区", "区政府"]),
        (
            "人民政府办公室",
            &["我办", "本办", "县政府办", "市政府办", "区政府办"],
        ),
        ("局", &["我局", "本局"]),
        ("委员会", &["我委", "本委"]),
        ("办公室", &["我办", "本办"]),
        ("中心", &["我中心", "本中心"]),
        ("厅", &["我厅", "本厅"]),
    ];
    for (suffix, names) in by_suffix {
        if name.ends_with(suffix) {
            out.extend_from_slice(names);
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_names() {
        use AgencyKind::*;
        assert_eq!(kind_from_name("江岚县交通运输局"), Department);
        assert_eq!(kind_from_name("江岚县人民政府办公室"), Government);
        assert_eq!(kind_from_name("江岚县人民政府"), Government);
        assert_eq!(kind_from_name("江岚县青石镇人民政府"), Township);
        assert_eq!(kind_from_name("城关街道办事处"), Township);
        assert_eq!(kind_from_name("江岚县发展和改革委员会"), Department);
    }

    #[test]
    fn stated_kind_wins() {
        let info = Info {
            agency: "江岚县青石镇人民政府".into(),
            kind: "人民政府部门".into(),
            ..Info::default()
        };
        assert_eq!(kind(&info), AgencyKind::Department);
    }

    #[test]
    fn self_names_follow_the_suffix() {
        assert_eq!(self_names("江岚县交通运输局"), ["我局", "本局"]);
        assert!(self_names("江岚县青石镇人民政府").contains(&"我镇"));
        assert!(self_names("某某公司").is_empty());
    }
}
