//! `nianbao status` on a folder where every state occurs: an agency that has not returned its
//! workbook, one returned blank, one with errors, one ready, one built, one built and then
//! changed, and a workbook from an agency not on the roster.

use crate::common::*;
use nianbao::model::Report;

fn sample(name: &str) -> Report {
    report_from_toml(&repo().join(format!("tests/fixtures/samples/{name}.toml")))
}

fn line<'a>(out: &'a str, agency: &str) -> &'a str {
    out.lines()
        .find(|l| l.starts_with(agency))
        .unwrap_or_else(|| panic!("no line for {agency}:\n{out}"))
}

#[test]
fn every_state_is_shown_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    let (code, _, err) = run(
        ws,
        &[
            "new",
            "江岚县民政局",
            "江岚县统计局",
            "江岚县交通运输局",
            "江岚县人民政府办公室",
            "江岚县水务局",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(ws.join("input/名单.txt").is_file());
    // 民政局 never returns its workbook; 统计局 returns it blank.
    std::fs::remove_file(ws.join("input/江岚县民政局.xlsx")).unwrap();
    let write = |r: &Report| {
        std::fs::write(
            ws.join(format!("input/{}.xlsx", r.info.agency)),
            workbook_bytes(r),
        )
        .unwrap()
    };
    write(&sample("江岚县交通运输局"));
    write(&sample("江岚县人民政府办公室"));
    let broken = wrongly_totalled(sample("江岚县交通运输局"), "江岚县水务局");
    write(&broken);
    let (code, _, err) = run(ws, &["build"]);
    assert_eq!(code, 1, "{err}");
    // After the build: the town's workbook arrives (not on the roster), the office's changes.
    write(&sample("江岚县青石镇人民政府"));
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut changed = sample("江岚县人民政府办公室");
    changed.info.phone = "0755-86123300".into();
    write(&changed);

    let (code, out, err) = run(ws, &["status"]);
    assert_eq!(code, 1, "{err}");
    let cases = [
        ("江岚县民政局", "未交回"),
        ("江岚县统计局", "未填写"),
        ("江岚县交通运输局", "已生成"),
        ("江岚县人民政府办公室", "需重新生成"),
        ("江岚县水务局", "有错误"),
        ("江岚县青石镇人民政府（不在名单中）", "可生成"),
    ];
    for (agency, state) in cases {
        let l = line(&out, agency);
        assert!(l.contains(state), "{agency}: {l}");
    }
    assert!(
        line(&out, "江岚县水务局").contains("有错误         1"),
        "{out}"
    );
    assert!(
        out.contains(
            "共6个机关：未交回 1，未填写 1，有错误 1，仅有草稿 0，需重新生成 1，可生成 1，已生成 1。"
        ),
        "{out}"
    );

    // Once everything is returned, filled, right and built, status says so with exit 0.
    std::fs::remove_file(ws.join("input/江岚县统计局.xlsx")).unwrap();
    std::fs::remove_file(ws.join("input/江岚县水务局.xlsx")).unwrap();
    std::fs::write(
        ws.join("input/名单.txt"),
        "江岚县交通运输局\n江岚县人民政府办公室\n江岚县青石镇人民政府\n",
    )
    .unwrap();
    let (code, _, err) = run(ws, &["build"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(ws, &["status"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "共3个机关：未交回 0，未填写 0，有错误 0，仅有草稿 0，需重新生成 0，可生成 0，已生成 3。"
        ),
        "{out}"
    );
}
