//! Labels as offices really write them (spec §6, §7.3): near misses read with a V2 warning and
//! every check going on; labels that cannot be found named with the nearest text, the rest of
//! the table still checked; older templates named once, not as a cascade of missing labels.
//! Each fixture is the sample workbook with its shared strings edited, as Excel would save it.

use crate::harness;

use crate::common::*;
use nianbao::model::{Decimal, Report, Value};
use nianbao::schema::TableId;
use serde_json::Value as Json;

fn base() -> Report {
    report_from_toml(&repo().join("tests/fixtures/samples/江岚县交通运输局.toml"))
}

/// The workbook of `report` with each text `from` replaced by `to` wherever a cell shows it.
fn relabel(report: &Report, edits: &[(&str, &str)]) -> Vec<u8> {
    harness::patch(
        &workbook_bytes(report),
        "xl/sharedStrings.xml",
        |mut xml| {
            for (from, to) in edits {
                let (a, b) = (format!(">{from}<"), format!(">{to}<"));
                assert!(xml.contains(&a), "no shared string 「{from}」");
                xml = xml.replace(&a, &b);
            }
            xml
        },
    )
}

/// `nianbao check --format json` on one workbook: exit code and (code, sheet, cell) sorted,
/// without the batch's X4 note.
fn check(bytes: Vec<u8>) -> (i32, Vec<(String, String, String)>, Vec<Json>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.xlsx"), bytes).unwrap();
    let (code, out, err) = run(dir.path(), &["check", "--format", "json", "a.xlsx"]);
    let all: Json = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let findings: Vec<Json> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] != "X4")
        .cloned()
        .collect();
    let mut keys: Vec<(String, String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().into(),
                f["sheet"].as_str().unwrap_or("").into(),
                f["cell"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    keys.sort();
    (code, keys, findings)
}

fn k(code: &str, sheet: &str, cell: &str) -> (String, String, String) {
    (code.into(), sheet.into(), cell.into())
}

fn message<'a>(findings: &'a [Json], code: &str) -> &'a str {
    findings
        .iter()
        .find(|f| f["code"] == code)
        .and_then(|f| f["message"].as_str())
        .unwrap_or_else(|| panic!("no {code} in {findings:#?}"))
}

#[test]
fn near_misses_are_read_with_v2_and_the_arithmetic_goes_on() {
    let mut report = base();
    // A planted error beside the drift: the V2 labels must not switch it off.
    set(
        &mut report.t3,
        TableId::T3,
        "prohibited",
        "natural",
        Value::Number(Decimal::from_int(9999)),
    );
    let bytes = relabel(
        &report,
        &[
            ("行政规范性文件", "规范性文件"),
            ("1.属于国家秘密", "1、属于国家秘密"),
            ("现行有效件数", "现行有效件数（历史累计）"),
            ("本年制发件数", "本年制发数量"),
            ("2.其他法律行政法规禁止公开", "2.其他法律行政止公开"),
        ],
    );
    let (code, keys, findings) = check(bytes);
    assert_eq!(
        keys,
        [
            k("R1", "表三", "J11"),
            k("R2", "表三", "D29"),
            k("V2", "表三", "C10"),
            k("V2", "表三", "C11"),
            k("V2", "表二", "A6"),
            k("V2", "表二", "B4"),
            k("V2", "表二", "D4"),
        ],
        "{findings:#?}"
    );
    assert_eq!(code, 1);
    pin(findings
        .iter()
        .find(|f| f["code"] == "V2" && f["cell"] == "A6")
        .unwrap());
    let v2: Vec<&str> = findings
        .iter()
        .filter(|f| f["code"] == "V2")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        v2.contains(
            &"表二!A6 写的是「规范性文件」，官方写法是「行政规范性文件」，已按官方标签读取。"
        ),
        "{v2:#?}"
    );
}

#[test]
fn a_label_not_found_names_the_nearest_and_the_rest_is_checked() {
    let mut report = base();
    set(
        &mut report.t3,
        TableId::T3,
        "new",
        "natural",
        Value::Number(Decimal::from_int(9999)),
    );
    let bytes = relabel(&report, &[("4.保护第三方合法权益", "4.保护第三人利益")]);
    let (code, keys, findings) = check(bytes);
    assert_eq!(code, 1);
    // S2 at the nearest text; R1 on the row and R3 on the column still found; R2 over the
    // outcome rows (one of which is lost) not judged.
    assert_eq!(
        keys,
        [
            k("R1", "表三", "J6"),
            k("R3", "表三", "D6:D30"),
            k("S2", "表三", "C13"),
        ],
        "{findings:#?}"
    );
    assert!(
        message(&findings, "S2").contains("最接近的是 C13「4.保护第三人利益」"),
        "{findings:#?}"
    );
    pin(findings.iter().find(|f| f["code"] == "S2").unwrap());
}

#[test]
fn the_2019_table_three_is_one_finding_and_builds_in_the_2021_format() {
    // The 2019 format has （六）其他处理 as one row: here its three items are gone and the
    // group's row holds the one figure.
    let bytes = relabel(
        &base(),
        &[
            (
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                "",
            ),
            (
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                "",
            ),
            ("3.其他", ""),
        ],
    );
    let (code, keys, findings) = check(bytes.clone());
    assert_eq!(keys, [k("V2", "表三", "B26")], "{findings:#?}");
    assert_eq!(code, 0);
    assert!(message(&findings, "V2").contains("2019年试行格式"));
    let read = nianbao::workbook::read_bytes(&bytes);
    assert_eq!(read.report.t3.int("misc", "natural"), 1);
    assert_eq!(read.report.t3.int("no_correction", "natural"), 0);
    assert!(read.report.t3.complete);
}

#[test]
fn older_templates_are_named_once() {
    let (code, keys, findings) = check(relabel(&base(), &[("本年制发件数", "本年新制作数量")]));
    assert_eq!(code, 1);
    assert_eq!(keys, [k("S2", "表二", "B4")], "{findings:#?}");
    assert!(message(&findings, "S2").contains("2019年试行格式"));

    let (code, keys, findings) = check(relabel(&base(), &[("申请人情况", "计量单位")]));
    assert_eq!(code, 1);
    assert_eq!(keys, [k("S5", "表三", "D3")], "{findings:#?}");
    pin(&findings[0]);
}

#[test]
fn a_reworded_section_heading_keeps_its_paragraphs() {
    let bytes = relabel(
        &base(),
        &[(
            "五、存在的主要问题及改进情况",
            "五、存在的主要问题及整改措施",
        )],
    );
    let (code, keys, findings) = check(bytes.clone());
    assert_eq!(code, 0);
    assert_eq!(keys, [k("V2", "正文", "A8")], "{findings:#?}");
    let read = nianbao::workbook::read_bytes(&bytes);
    assert_eq!(read.report.text["problems"][0].paragraphs.len(), 2);
}
