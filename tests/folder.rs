//! The output folder an office copies to its portal: readable by others, complete, current and
//! of one year after every kind of run — a stray workbook, a build of one agency, a file
//! changed in place, a build killed at any step, a failed rename, a closed pipe, drafts.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::common::*;
use nianbao::model::Report;
use serde_json::Value as Json;

fn env_run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut c = bin();
    c.current_dir(dir)
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1767225600");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn build(dir: &Path, args: &[&str]) -> (i32, String) {
    let args: Vec<&str> = std::iter::once("build")
        .chain(args.iter().copied())
        .collect();
    let (code, _, err) = env_run(dir, &args, &[]);
    (code, err)
}

fn names(dir: &Path) -> Vec<String> {
    tree(dir).into_keys().collect()
}

fn write_report(ws: &Path, r: &Report) {
    std::fs::write(
        ws.join(format!("input/{}.xlsx", r.info.agency)),
        workbook_bytes(r),
    )
    .unwrap();
}

fn findings(out: &str) -> Vec<Json> {
    serde_json::from_str::<Json>(out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn codes(out: &str) -> Vec<String> {
    findings(out)
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// Item 1: with a umask of 022, every file nianbao writes is readable by others.
#[cfg(unix)]
#[test]
fn files_get_the_mode_the_umask_gives() {
    use std::os::unix::fs::PermissionsExt;
    // Children inherit it; no other test depends on the umask.
    unsafe { libc::umask(0o022) };
    let ws = workspace_of(&sample_reports());
    let (code, err) = build(ws.path(), &["--docx", "--html-fragment"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = env_run(ws.path(), &["check", "--report", "检查报告.xlsx"], &[]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = env_run(ws.path(), &["new", "江岚县民政局"], &[]);
    assert_eq!(code, 0, "{err}");
    let mut files: Vec<PathBuf> = names(&ws.path().join("output/2025"))
        .iter()
        .map(|n| ws.path().join("output/2025").join(n))
        .collect();
    files.push(ws.path().join("input/江岚县民政局.xlsx"));
    files.push(ws.path().join("input/名单.txt"));
    files.push(ws.path().join("检查报告.xlsx"));
    for f in files {
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "{}", f.display());
    }
}

/// The three samples as 2024 reports, built into `output/2024/`.
fn last_year_built() -> tempfile::TempDir {
    let last_year: Vec<Report> = sample_reports()
        .into_iter()
        .map(|mut r| {
            r.info.year = Some(2024);
            r
        })
        .collect();
    let ws = workspace_of(&last_year);
    let (code, err) = build(ws.path(), &[]);
    assert_eq!(code, 0, "{err}");
    ws
}

/// Item 2: a stray workbook of last year, and a build of one workbook, leave every year's
/// office files describing every report of that year in the folder.
#[test]
fn office_files_describe_every_report_of_their_year() {
    let ws = last_year_built();
    let index = ws.path().join("output/2024/index.html");
    assert!(
        std::fs::read_to_string(&index)
            .unwrap()
            .contains("共3份报告")
    );
    // This year's workbooks come in; one of last year's is left behind in input/.
    let stray = ws.path().join("input/旧-江岚县交通运输局.xlsx");
    std::fs::rename(ws.path().join("input/江岚县交通运输局.xlsx"), &stray).unwrap();
    for r in sample_reports() {
        write_report(ws.path(), &r);
    }
    let (code, out, _) = env_run(ws.path(), &["check", "--format", "json"], &[]);
    assert_eq!(code, 0);
    let y9: Vec<Json> = findings(&out)
        .into_iter()
        .filter(|f| f["code"] == "Y9")
        .collect();
    assert_eq!(y9.len(), 1, "{out}");
    pin(&y9[0]);
    assert!(
        y9[0]["file"]
            .as_str()
            .unwrap()
            .ends_with("旧-江岚县交通运输局.xlsx")
    );
    assert!(y9[0]["message"].as_str().unwrap().contains("output/2024/"));
    let (code, err) = build(ws.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("警告[Y9]"), "{err}");
    assert!(
        std::fs::read_to_string(&index)
            .unwrap()
            .contains("共3份报告")
    );
    // One agency built on its own: the year's lists still have all three.
    let one = ws.path().join("input/江岚县交通运输局.xlsx");
    let (code, err) = build(ws.path(), &[one.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(ws.path().join("output/2025/index.html")).unwrap();
    assert!(html.contains("共3份报告"), "{html}");
    for r in sample_reports() {
        assert!(html.contains(&r.info.agency));
    }
    let rows = sheet_rows(&ws.path().join("output/2025/检查报告.xlsx"), "机关汇总");
    assert_eq!(rows.len(), 4, "{rows:?}");
}

fn sheet_rows(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    use calamine::{Reader, open_workbook_auto};
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// Item 3a: a file changed in place, same size, is made again, and the list's hash is the file's.
#[test]
fn a_file_changed_in_place_is_rebuilt() {
    let ws = workspace_of(&sample_reports());
    let (code, err) = build(ws.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let dir = ws.path().join("output/2025");
    let clean = tree(&dir);
    let pdf = dir.join("江岚县交通运输局.pdf");
    let mut bytes = std::fs::read(&pdf).unwrap();
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 1000] {
        *b = b'x';
    }
    std::fs::write(&pdf, &bytes).unwrap();
    let (code, err) = build(ws.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("沿用") || err.contains("已生成"), "{err}");
    assert_eq!(tree(&dir), clean, "the folder is as a clean build left it");
}

/// Items 3b and 4: a build killed at any step (after some renames, between a report's files,
/// before the manifest is folded) leaves a folder the next build repairs: byte for byte what a
/// clean build of the same workbooks gives, with no temporary files.
#[test]
fn a_build_killed_at_any_step_is_repaired_by_the_next() {
    let reports = sample_reports();
    let reference = workspace_of(&reports);
    let (code, err) = build(reference.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let expected = tree(&reference.path().join("output/2025"));
    for point in [
        "rename=1",
        "rename=2",
        "rename=5",
        "rename=9",
        "journal=1",
        "journal=2",
        "compact=1",
    ] {
        let ws = workspace_of(&reports);
        let (code, err) = build(ws.path(), &[]);
        assert_eq!(code, 0, "{err}");
        // A changed figure, a build killed part way, the change taken back.
        let mut changed = reports[0].clone();
        changed.info.phone = "0000-1234567".into();
        set(
            &mut changed.t2,
            nianbao::schema::TableId::T2,
            nianbao::schema::table(nianbao::schema::TableId::T2).fields[0].row,
            nianbao::schema::table(nianbao::schema::TableId::T2).fields[0].col,
            nianbao::model::Value::Number(nianbao::model::Decimal::from_int(77)),
        );
        write_report(ws.path(), &changed);
        let (code, _, _) = env_run(ws.path(), &["build"], &[("NIANBAO_FAILPOINT", point)]);
        assert_ne!(code, 0, "{point}: the build was meant to be killed");
        write_report(ws.path(), &reports[0]);
        let (code, err) = build(ws.path(), &[]);
        assert_eq!(code, 0, "{point}: {err}");
        let got = tree(&ws.path().join("output/2025"));
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "{point}"
        );
        for (name, bytes) in &expected {
            assert!(
                got[name] == *bytes,
                "{point}: {name} differs from a clean build"
            );
        }
    }
}

/// Item 4: when one file of a report cannot be replaced, none is, and the message names it.
#[test]
fn a_report_is_replaced_whole_or_not_at_all() {
    let ws = workspace_of(&sample_reports());
    let (code, err) = build(ws.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let dir = ws.path().join("output/2025");
    let before = tree(&dir);
    let xlsx = dir.join("江岚县交通运输局.xlsx");
    std::fs::remove_file(&xlsx).unwrap();
    std::fs::create_dir(&xlsx).unwrap();
    let mut changed = sample_reports()[0].clone();
    changed.info.phone = "0000-7654321".into();
    write_report(ws.path(), &changed);
    let (code, err) = build(ws.path(), &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("江岚县交通运输局.xlsx"), "{err}");
    let after = tree(&dir);
    for ext in ["pdf", "html", "json"] {
        let name = format!("江岚县交通运输局.{ext}");
        assert!(after[&name] == before[&name], "{name} was replaced alone");
    }
    assert!(
        !names(&dir)
            .iter()
            .any(|n| n.contains(".nianbao-") && !n.contains("manifest"))
    );
}

/// Item 5: check --report never overwrites an input or a file nianbao did not write, and an
/// output folder inside the input folder is refused.
#[test]
fn nothing_but_nianbao_files_is_overwritten() {
    let ws = workspace_of(&sample_reports());
    let input = ws.path().join("input/江岚县交通运输局.xlsx");
    let bytes = std::fs::read(&input).unwrap();
    let (code, _, err) = env_run(
        ws.path(),
        &["check", "--report", "input/江岚县交通运输局.xlsx"],
        &[],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("工作簿文件夹"), "{err}");
    assert_eq!(std::fs::read(&input).unwrap(), bytes);
    std::fs::write(ws.path().join("别人的.xlsx"), b"not ours").unwrap();
    let (code, _, err) = env_run(ws.path(), &["check", "--report", "别人的.xlsx"], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("不会覆盖"), "{err}");
    assert_eq!(
        std::fs::read(ws.path().join("别人的.xlsx")).unwrap(),
        b"not ours"
    );
    let (code, _, err) = env_run(ws.path(), &["check", "--report", "报告.pdf"], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(!ws.path().join("报告.pdf").exists());
    // Its own check report it may write again.
    for _ in 0..2 {
        let (code, _, err) = env_run(ws.path(), &["check", "--report", "检查报告.xlsx"], &[]);
        assert_eq!(code, 0, "{err}");
    }
    for out in ["input", "input/out", "."] {
        let (code, err) = build(ws.path(), &["--out", out]);
        assert_eq!(code, 2, "{out}: {err}");
        assert!(err.contains("互相包含"), "{err}");
    }
    assert_eq!(names(&ws.path().join("input")).len(), 3);
}

/// Item 6: a closed pipe loses the text, not the work: every file is written, no panic.
#[test]
fn a_closed_pipe_loses_nothing_but_text() {
    let ws = workspace_of(&sample_reports());
    let closed = |args: &[&str]| {
        let mut child = bin()
            .current_dir(ws.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        drop(child.stderr.take());
        child.wait().unwrap().code().unwrap_or(-1)
    };
    assert_eq!(closed(&["build", "--rebuild"]), 0);
    let dir = ws.path().join("output/2025");
    assert!(dir.join(".nianbao-manifest.json").is_file());
    for r in sample_reports() {
        for ext in ["pdf", "xlsx", "html", "json"] {
            assert!(dir.join(format!("{}.{ext}", r.info.agency)).is_file());
        }
    }
    assert!(dir.join("index.html").is_file());
    assert_eq!(closed(&["check"]), 0);
    assert_eq!(closed(&["status"]), 0, "every workbook built and current");
}

/// Item 7: codes that protect files and years cannot be lowered; others behave as set, in
/// check and build alike.
#[test]
fn guarding_codes_cannot_be_switched_off() {
    let ws = workspace_of(&sample_reports());
    for code in ["N1", "B2", "F1", "Y1", "Y2", "G1"] {
        std::fs::write(
            ws.path().join("nianbao.toml"),
            format!("[severity]\n{code} = \"off\"\n"),
        )
        .unwrap();
        for cmd in ["check", "build"] {
            let (got, _, err) = env_run(ws.path(), &[cmd], &[]);
            assert_eq!(got, 2, "{code} {cmd}: {err}");
            assert!(err.contains(&format!("{code} 不能改为「off」")), "{err}");
        }
    }
    let mut blank = sample_reports()[0].clone();
    blank.info.agency = "江岚县空白局".into();
    blank.t2.values.clear();
    write_report(ws.path(), &blank);
    std::fs::write(ws.path().join("nianbao.toml"), "[severity]\nV1 = \"off\"\n").unwrap();
    let (_, out, _) = env_run(ws.path(), &["check", "--format", "json"], &[]);
    assert!(!codes(&out).contains(&"V1".to_string()), "{out}");
    let (code, err) = build(ws.path(), &[]);
    assert!(!err.contains("[V1]"), "{err}");
    assert_eq!(code, 0, "{err}");
}

/// Item 8: what build refuses, check reports with the same code and text.
#[test]
fn check_refuses_what_build_refuses() {
    let ws = workspace_of(&sample_reports());
    std::fs::create_dir(ws.path().join("templates")).unwrap();
    let cases: [(&str, &str, &str); 4] = [
        ("templates/report.html.tera", "{% if x %}未闭合", ""),
        (
            "nianbao.toml",
            "[fonts]\nbody = { file = \"/etc/passwd\" }\n",
            "",
        ),
        ("nianbao.toml", "[fonts]\nbody = { file = \"fonts\" }\n", ""),
        ("nianbao.toml", "formats = [\"exe\"]\n", ""),
    ];
    for (file, text, _) in cases {
        std::fs::write(ws.path().join(file), text).unwrap();
        let (check, _, check_err) = env_run(ws.path(), &["check"], &[]);
        let (build_code, build_err) = build(ws.path(), &[]);
        assert_eq!(check, 2, "{file}: {check_err}");
        assert_eq!(build_code, 2, "{file}: {build_err}");
        assert_eq!(check_err, build_err, "{file}");
        std::fs::remove_file(ws.path().join(file)).unwrap();
    }
    // A variable no report has: found per report, P1 in both.
    std::fs::write(
        ws.path().join("templates/fragment.html.tera"),
        "{{ nothing.here }}",
    )
    .unwrap();
    let (code, out, _) = env_run(ws.path(), &["check", "--format", "json"], &[]);
    assert_eq!(code, 0, "the fragment is not made by default: {out}");
    std::fs::write(
        ws.path().join("nianbao.toml"),
        "formats = [\"pdf\", \"html-fragment\"]\n",
    )
    .unwrap();
    let (code, out, _) = env_run(ws.path(), &["check", "--format", "json"], &[]);
    assert_eq!(code, 1);
    let p1: Vec<String> = findings(&out)
        .iter()
        .filter(|f| f["code"] == "P1")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(p1.len(), 3, "{out}");
    let (code, err) = build(ws.path(), &[]);
    assert_eq!(code, 1, "{err}");
    for m in &p1 {
        assert!(err.contains(m.as_str()), "{m}\n{err}");
    }
    // A template that would never end is stopped, for that report only.
    std::fs::write(ws.path().join("nianbao.toml"), "").unwrap();
    std::fs::write(ws.path().join("templates/fragment.html.tera"), "").unwrap();
    std::fs::write(
        ws.path().join("templates/preamble.md.tera"),
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
    )
    .unwrap();
    let (code, out, _) = env_run(ws.path(), &["check", "--format", "json"], &[]);
    assert_eq!(code, 1);
    assert_eq!(
        codes(&out).iter().filter(|c| *c == "P1").count(),
        3,
        "{out}"
    );
}

/// Item 11: a record that cannot be read, or two for one agency and year, is said (X5).
#[test]
fn doubtful_records_of_last_year_are_findings() {
    let ws = last_year_built();
    let dir = ws.path().join("output/2024");
    let record = dir.join("江岚县交通运输局.json");
    let text = std::fs::read(&record).unwrap();
    std::fs::write(dir.join("0000-decoy.json"), &text).unwrap();
    std::fs::write(
        dir.join("江岚县青石镇人民政府.json"),
        &std::fs::read(dir.join("江岚县青石镇人民政府.json")).unwrap()[..200],
    )
    .unwrap();
    for r in sample_reports() {
        write_report(ws.path(), &r);
    }
    let (_, out, _) = env_run(ws.path(), &["check", "--format", "json"], &[]);
    pin(findings(&out)
        .iter()
        .find(|f| f["code"] == "X5" && f["message"].as_str().unwrap().contains("无法读取"))
        .unwrap());
    let x5: Vec<String> = findings(&out)
        .iter()
        .filter(|f| f["code"] == "X5")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(x5.len(), 2, "{out}");
    assert!(
        x5.iter()
            .any(|m| m.contains("0000-decoy.json") && m.contains("江岚县交通运输局.json"))
    );
    assert!(
        x5.iter()
            .any(|m| m.contains("江岚县青石镇人民政府.json") && m.contains("无法读取"))
    );
}

/// Item 12: drafts live in 草稿/, not beside what is published, and go once the agency is
/// built properly; an unfilled workbook is not drafted; status calls a draft a draft.
#[test]
fn drafts_are_kept_apart_and_removed_when_built_properly() {
    let mut reports = sample_reports();
    reports.push(wrongly_totalled(reports[1].clone(), "江岚县水务局"));
    let ws = workspace_of(&reports);
    let (code, _, _) = env_run(ws.path(), &["new", "江岚县统计局", "--year", "2025"], &[]);
    assert_eq!(code, 0);
    let (code, err) = build(ws.path(), &["--force"]);
    assert_eq!(code, 1, "{err}");
    let dir = ws.path().join("output/2025");
    let all = names(&dir);
    assert!(
        all.contains(&"草稿/江岚县水务局.pdf".to_string()),
        "{all:?}"
    );
    assert!(
        !all.iter().any(|n| n.starts_with("江岚县水务局")),
        "{all:?}"
    );
    assert!(
        !all.iter().any(|n| n.contains("统计局")),
        "unfilled, not drafted: {all:?}"
    );
    let (_, out, _) = env_run(ws.path(), &["status"], &[]);
    let line = out.lines().find(|l| l.contains("江岚县水务局")).unwrap();
    assert!(line.contains("仅有草稿"), "{out}");
    let mut fixed = reports[1].clone();
    fixed.info.agency = "江岚县水务局".into();
    write_report(ws.path(), &fixed);
    let (code, err) = build(ws.path(), &[]);
    assert_eq!(code, 1, "the unfilled workbook: {err}");
    let all = names(&dir);
    assert!(!all.iter().any(|n| n.starts_with("草稿")), "{all:?}");
    assert!(all.contains(&"江岚县水务局.pdf".to_string()));
}

/// Item 13: status and build agree on what is current: by content, not by time.
#[test]
fn status_judges_currency_as_build_does() {
    let ws = workspace_of(&sample_reports());
    let (code, err) = build(ws.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let file = ws.path().join("input/江岚县交通运输局.xlsx");
    let state = |ws: &Path| {
        let (_, out, _) = env_run(ws, &["status"], &[]);
        out.lines()
            .find(|l| l.contains("江岚县交通运输局"))
            .unwrap()
            .to_string()
    };
    // Touched: nothing changed.
    let f = std::fs::File::options().append(true).open(&file).unwrap();
    f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(60))
        .unwrap();
    assert!(state(ws.path()).contains("已生成"), "{}", state(ws.path()));
    // Edited, with an old time: changed.
    let old = std::fs::metadata(&file).unwrap().modified().unwrap();
    let mut changed = sample_reports()[0].clone();
    changed.info.phone = "0000-1111111".into();
    write_report(ws.path(), &changed);
    let f = std::fs::File::options().append(true).open(&file).unwrap();
    f.set_modified(old - std::time::Duration::from_secs(86_400))
        .unwrap();
    assert!(
        state(ws.path()).contains("需重新生成"),
        "{}",
        state(ws.path())
    );
    let (code, err) = build(ws.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("其中2个机关"), "{err}");
    assert!(state(ws.path()).contains("已生成"));
}

/// Item 14: a table left blank has blank totals in the PDF, the XLSX and the county sums.
#[test]
fn a_total_over_blanks_is_blank() {
    let mut blank = sample_reports()[0].clone();
    blank.info.agency = "江岚县空表局".into();
    blank.t4.values.clear();
    let ws = workspace_of(&[blank.clone(), sample_reports()[1].clone()]);
    let (_, err) = build(ws.path(), &[]);
    let dir = ws.path().join("output/2025");
    assert!(dir.join("江岚县空表局.pdf").is_file(), "{err}");
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(dir.join("江岚县空表局.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let t4 = &text[text.find("四、政府信息公开行政复议").unwrap()..];
    let t4 = &t4[..t4.find("五、").unwrap_or(t4.len())];
    assert!(!t4.chars().any(|c| c.is_ascii_digit()), "{t4}");
    let record: Json =
        serde_json::from_slice(&std::fs::read(dir.join("江岚县空表局.json")).unwrap()).unwrap();
    let t4_values: Vec<&Json> = record["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["table"] == "t4")
        .map(|c| &c["value"])
        .collect();
    assert!(t4_values.iter().all(|v| v.is_null()), "{t4_values:?}");
    let rows = sheet_rows(&dir.join("汇总.xlsx"), "汇总表二");
    let note = rows.iter().flatten().find(|c| c.contains("合计不完整"));
    assert!(note.is_some_and(|n| n.contains("江岚县空表局")), "{rows:?}");
}

fn aggregate(name: &str, scope: &str) -> Report {
    let mut r = sample_reports()[1].clone();
    r.info.agency = name.into();
    r.info.scope = scope.into();
    for table in nianbao::schema::tables() {
        r.table_mut(table.id).values.clear();
    }
    r
}

/// Item 10: an agency summed twice is an error naming both ways; a name with 、 matches whole;
/// 「全部」 with roster agencies missing is A5 (overridable), and the report names its members.
#[test]
fn aggregates_count_every_agency_once_and_say_whom() {
    let mut reports = sample_reports();
    let mut petitions = reports[0].clone();
    petitions.info.agency = "县委、县政府信访局".into();
    reports.push(petitions);
    reports.push(aggregate(
        "江岚县汇总甲",
        "江岚县交通运输局、江岚县人民政府办公室",
    ));
    reports.push(aggregate("江岚县汇总乙", "江岚县汇总甲、江岚县交通运输局"));
    reports.push(aggregate(
        "江岚县汇总丙",
        "县委、县政府信访局、江岚县青石镇人民政府",
    ));
    let ws = workspace_of(&reports);
    let (_, out, _) = env_run(ws.path(), &["check", "--format", "json"], &[]);
    let all = findings(&out);
    let of = |agency: &str, code: &str| -> Vec<String> {
        all.iter()
            .filter(|f| f["agency"] == agency && f["code"] == code)
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect()
    };
    let twice = of("江岚县汇总乙", "A3");
    assert_eq!(twice.len(), 1, "{out}");
    for part in [
        "「江岚县交通运输局」被汇总了两次",
        "直接列入汇总范围",
        "通过「江岚县汇总甲」计入",
    ] {
        assert!(twice[0].contains(part), "{}", twice[0]);
    }
    assert!(of("江岚县汇总甲", "A3").is_empty(), "{out}");
    assert!(of("江岚县汇总丙", "A3").is_empty(), "{out}");
    assert!(
        of("江岚县汇总丙", "A1")[0].contains("县委、县政府信访局"),
        "{out}"
    );

    // 「全部」 while the roster names an agency that never returned its workbook.
    let mut reports = sample_reports();
    reports.push(aggregate("江岚县人民政府", "全部"));
    let ws = workspace_of(&reports);
    std::fs::write(
        ws.path().join("input/名单.txt"),
        "江岚县交通运输局\n江岚县人民政府办公室\n江岚县青石镇人民政府\n江岚县人民政府\n江岚县民政局\n",
    )
    .unwrap();
    let (code, out, _) = env_run(ws.path(), &["check", "--format", "json"], &[]);
    assert_eq!(code, 1);
    let a5: Vec<Json> = findings(&out)
        .into_iter()
        .filter(|f| f["code"] == "A5")
        .collect();
    assert_eq!(a5.len(), 1, "{out}");
    pin(&a5[0]);
    assert_eq!(a5[0]["severity"], "error");
    assert!(
        a5[0]["message"]
            .as_str()
            .unwrap()
            .contains("：江岚县民政局。")
    );
    std::fs::write(
        ws.path().join("nianbao.toml"),
        "[severity]\nA5 = \"warning\"\n",
    )
    .unwrap();
    let (code, err) = build(ws.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let text = pdf_text(&ws.path().join("output/2025/江岚县人民政府.pdf"));
    assert!(
        text.contains("本报告为汇总报告，表格中的数据由3个机关（江岚县交通运输局、江岚县人民政府办公室、江岚县青石镇人民政府）的报告相加得出。"),
        "{text}"
    );
}
