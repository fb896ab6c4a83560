//! What the user reads, snapshotted (mdBook's model): a change to any message shows up as a
//! snapshot diff. Review with `cargo insta review` or `INSTA_UPDATE=always cargo test`.

use crate::common::*;
use nianbao::model::{Decimal, Value};
use nianbao::schema::TableId;

fn broken_workspace() -> tempfile::TempDir {
    let mut report = report_from_toml(&repo().join("tests/fixtures/samples/江岚县交通运输局.toml"));
    set(
        &mut report.t3,
        TableId::T3,
        "carried_in",
        "business",
        Value::Number(Decimal::from_int(2)),
    );
    compute_totals(&mut report.t3, TableId::T3);
    report.t4.values.remove(&("cases", "direct_upheld"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("input")).unwrap();
    std::fs::write(
        dir.path().join("input/交通运输局.xlsx"),
        workbook_bytes(&report),
    )
    .unwrap();
    std::fs::write(dir.path().join("input/~$交通运输局.xlsx"), b"lock").unwrap();
    std::fs::write(dir.path().join("input/损坏.xlsx"), b"PK\x03\x04 truncated").unwrap();
    dir
}

/// Replaces what changes from run to run (elapsed time) with a fixed token.
fn redact(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("，用时") {
            Some(i) => format!("{}，用时[秒]。", &l[..i]),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn check_output() {
    let ws = broken_workspace();
    let (code, out, err) = run(ws.path(), &["check"]);
    assert_eq!(code, 1);
    assert_eq!(err, "");
    insta::assert_snapshot!(out);
}

#[test]
fn build_output() {
    let ws = broken_workspace();
    let (code, out, err) = run(ws.path(), &["build"]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    insta::assert_snapshot!(redact(&err));
}

#[test]
fn help_is_in_chinese() {
    let (code, out, _) = run(&repo(), &["--help"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
}

#[test]
fn rules_lists_every_code_and_prints_the_docs() {
    let (code, out, _) = run(&repo(), &["rules"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), nianbao::finding::codes::RULES.len());
    assert!(
        out.contains("X1  警告  表三「二、上年结转」与上年报告"),
        "{out}"
    );
    let (_, markdown, _) = run(&repo(), &["rules", "--markdown"]);
    assert_eq!(
        markdown,
        std::fs::read_to_string(repo().join("docs/rules.md")).unwrap()
    );
}

#[test]
fn a_bad_rule_setting_is_a_usage_error_that_names_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("nianbao.toml"),
        "[severity]\nX9 = \"error\"\n",
    )
    .unwrap();
    let (code, _, err) = run(dir.path(), &["check"]);
    assert_eq!(code, 2);
    assert!(err.contains("没有「X9」这个规则代码"), "{err}");
}

#[test]
fn fonts_explains_each_role_and_honours_nianbao_toml() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run(dir.path(), &["fonts"]);
    assert_eq!(code, 0, "{err}");
    for role in ["标题", "正文", "一级标题", "二级标题", "表格", "页码"] {
        assert!(out.contains(&format!("{role}：")), "{out}");
    }
    // The body's font file, as found on this machine, named in nianbao.toml for 二级标题.
    let file = out
        .lines()
        .skip_while(|l| !l.starts_with("正文："))
        .find_map(|l| l.trim().strip_prefix("文件："))
        .and_then(|l| l.rsplit_once('（'))
        .map(|(path, _)| path.to_string())
        .unwrap();
    let toml = format!("[fonts]\nheading2 = {{ file = \"{file}\" }}\n");
    std::fs::write(dir.path().join("nianbao.toml"), toml).unwrap();
    let (code, out, err) = run(dir.path(), &["fonts"]);
    assert_eq!(code, 0, "{err}");
    let heading2: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("二级标题："))
        .take(3)
        .collect();
    assert!(heading2[2].contains("nianbao.toml 指定"), "{heading2:?}");
    if file.ends_with(".ttc") {
        // A collection without an index: its Simplified Chinese face, not the first (Japanese).
        assert!(heading2[0].ends_with(" SC"), "{heading2:?}");
    }
    std::fs::write(
        dir.path().join("nianbao.toml"),
        "[fonts]\ntitle = \"不存在的字体\"\n",
    )
    .unwrap();
    let (code, _, err) = run(dir.path(), &["fonts"]);
    assert_eq!(code, 2);
    assert!(err.contains("指定的字体「不存在的字体」"), "{err}");
}

/// `--jobs 1` and all cores write the same bytes, and progress lines appear in a log only for
/// batches big enough to need them.
#[test]
fn one_job_or_many_give_the_same_files() {
    let reports: Vec<_> = sample_sources()
        .iter()
        .map(|p| report_from_toml(p))
        .collect();
    let ws = workspace_of(&reports);
    let (code, _, err) = run(ws.path(), &["build", "--jobs", "1", "--out", "one"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("生成：3/3"), "{err}");
    let (code, _, err) = run(ws.path(), &["build", "--out", "all"]);
    assert_eq!(code, 0, "{err}");
    for r in &reports {
        for ext in ["pdf", "xlsx"] {
            let name = format!("2025/{}.{ext}", r.info.agency);
            let one = std::fs::read(ws.path().join("one").join(&name)).unwrap();
            let all = std::fs::read(ws.path().join("all").join(&name)).unwrap();
            assert!(one == all, "{name} differs between --jobs 1 and all cores");
        }
    }
    let (code, _, err) = run(ws.path(), &["check", "-j", "0"]);
    assert_eq!(code, 2);
    assert!(err.contains("--jobs 至少为 1"), "{err}");
}
