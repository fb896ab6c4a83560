//! What a hostile or careless office can send, one class of input per test, each generated here:
//! every one ends in a finding naming file, sheet and cell — never a crash, a hang, silence, a
//! report overwritten by another, or text outside the page — and the valid workbooks beside it
//! still build. Regression tests for the classes of issue 6.

use crate::harness;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::pdf::{LEFT, RIGHT, TOLERANCE, lines, words};
use crate::common::*;
use crate::harness::{patch, sheet_part};
use nianbao::model::{Decimal, Paragraph, Report, Topic, Value};
use nianbao::schema::TableId;
use serde_json::Value as Json;

fn sample(i: usize) -> Report {
    report_from_toml(&sample_sources()[i])
}

fn named(i: usize, agency: &str) -> Report {
    let mut r = sample(i);
    r.info.agency = agency.to_string();
    r
}

fn with_paragraph(mut r: Report, text: &str) -> Report {
    r.text.insert(
        "other".into(),
        vec![Topic {
            title: String::new(),
            paragraphs: vec![Paragraph {
                text: text.into(),
                source: None,
            }],
        }],
    );
    r
}

/// A scratch folder with the three samples and `books` in input/: every hostile input shares
/// its batch with valid workbooks, which must still build.
fn workspace<N: AsRef<str>>(books: &[(N, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("input")).unwrap();
    for (name, bytes) in samples().iter().map(|(n, b)| (n.as_str(), b)) {
        std::fs::write(dir.path().join("input").join(name), bytes).unwrap();
    }
    for (name, bytes) in books {
        std::fs::write(dir.path().join("input").join(name.as_ref()), bytes).unwrap();
    }
    dir
}

/// Builds the workspace: exits with `code`, and writes the samples' outputs plus those of
/// `agencies` — nothing else, nowhere else.
fn build_expecting(ws: &Path, code: i32, agencies: &[&str]) -> String {
    let (got, _, err) = run_within(ws, &["build"], Duration::from_secs(180));
    assert_eq!(got, code, "{err}");
    let mut expected = sample_outputs();
    for a in agencies {
        for ext in ["pdf", "xlsx", "html", "json"] {
            expected.push(format!("output/2025/{a}.{ext}"));
        }
    }
    expected.sort();
    assert_eq!(written(ws), expected, "{err}");
    err
}

fn samples() -> Vec<(String, Vec<u8>)> {
    (0..3)
        .map(|i| {
            let r = sample(i);
            (format!("{}.xlsx", r.info.agency), workbook_bytes(&r))
        })
        .collect()
}

/// Runs the binary with a deadline: a hang fails the test instead of stalling the suite.
fn run_within(dir: &Path, args: &[&str], limit: Duration) -> (i32, String, String) {
    let mut child = bin()
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("nianbao {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn check_json(dir: &Path) -> (i32, Vec<Json>) {
    let (code, out, err) = run_within(
        dir,
        &["check", "--format", "json"],
        Duration::from_secs(120),
    );
    let findings: Json = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    (code, findings.as_array().unwrap().clone())
}

/// The finding of `code` for `file` (its name), if any.
fn finding<'a>(findings: &'a [Json], code: &str, file: &str) -> Option<&'a Json> {
    findings
        .iter()
        .find(|f| f["code"] == code && f["file"].as_str().unwrap_or("").ends_with(file))
}

fn expect<'a>(findings: &'a [Json], code: &str, file: &str) -> &'a Json {
    finding(findings, code, file).unwrap_or_else(|| panic!("no {code} for {file}: {findings:#?}"))
}

/// Everything in the workspace outside input/, relative to it.
fn written(ws: &Path) -> Vec<String> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, root, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().to_string_lossy().to_string());
            }
        }
    }
    let mut out = Vec::new();
    for e in std::fs::read_dir(ws).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap() != "input" {
            if p.is_dir() {
                walk(&p, ws, &mut out);
            } else {
                out.push(p.strip_prefix(ws).unwrap().to_string_lossy().to_string());
            }
        }
    }
    out.sort();
    out
}

fn sample_outputs() -> Vec<String> {
    let mut out: Vec<String> = (0..3)
        .flat_map(|i| {
            let a = sample(i).info.agency;
            ["pdf", "xlsx", "html", "json"].map(|ext| format!("output/2025/{a}.{ext}"))
        })
        .collect();
    // The office's files of the batch, and the build manifest.
    out.extend(
        [
            "检查报告.xlsx",
            "汇总.xlsx",
            "发布清单.xlsx",
            "index.html",
            ".nianbao-manifest.json",
        ]
        .map(|f| format!("output/2025/{f}")),
    );
    // The output folder's lock, outside the year folder an office copies.
    out.push("output/.nianbao.lock".into());
    out.sort();
    out
}

fn far_cell_workbook() -> Vec<u8> {
    let bytes = workbook_bytes(&named(1, "江岚县远端单元格局"));
    patch(&bytes, &sheet_part("表三"), |xml| {
        xml.replace(
            "</sheetData>",
            r#"<row r="1048576"><c r="XFD1048576"><v>7</v></c></row></sheetData>"#,
        )
    })
}

/// Class 1: one value at XFD1048576 used to make calamine allocate 512 GiB and abort.
#[test]
fn a_far_cell_is_ignored_with_a_finding() {
    let ws = workspace(&[("far.xlsx", far_cell_workbook())]);
    let (code, findings) = check_json(ws.path());
    assert_eq!(code, 0, "{findings:#?}");
    let f = expect(&findings, "S4", "far.xlsx");
    pin(f);
    assert_eq!(f["sheet"], "表三");
    assert_eq!(f["cell"], "XFD1048576");
    assert_eq!(f["severity"], "warning");
    assert!(f["message"].as_str().unwrap().contains("已忽略"));
    build_expecting(ws.path(), 0, &["江岚县远端单元格局"]);
}

fn resaved(name: &str) -> PathBuf {
    repo().join("tests/fixtures/resaved").join(name)
}

/// .ods and .xls are read whole by calamine, so their extent is measured first: the far cell
/// that the xlsx reader ignores makes an .ods refused, with its cell named.
#[test]
fn a_far_cell_in_an_ods_is_refused_before_it_is_expanded() {
    let ws = workspace(&[("far.ods", std::fs::read(resaved("far-cell.ods")).unwrap())]);
    let (code, findings) = check_json(ws.path());
    assert_eq!(code, 1);
    let f = expect(&findings, "F4", "far.ods");
    pin(f);
    assert_eq!(f["sheet"], "表三");
    assert_eq!(f["cell"], "XFD1048576");
    build_expecting(ws.path(), 1, &[]);
}

/// The sheet bounds and the streaming reader leave re-saved workbooks as they were read before.
#[test]
fn workbooks_resaved_by_libreoffice_read_the_same_numbers() {
    let expected = report_from_toml(&repo().join("tests/fixtures/samples/江岚县交通运输局.toml"));
    let ctx = nianbao::rules::Context::new(nianbao::model::Date::new(2026, 2, 1).unwrap());
    for name in ["江岚县交通运输局.ods", "江岚县交通运输局.xls"] {
        let read = nianbao::workbook::read_file(&resaved(name));
        assert!(read.findings.is_empty(), "{name}: {:#?}", read.findings);
        assert!(
            nianbao::rules::check(&read.report, &ctx).is_empty(),
            "{name}"
        );
        assert_same_values(&read.report, &expected, name);
        assert_eq!(read.report.info.agency, "江岚县交通运输局");
    }
}

/// Class 2: parts that expand past the caps, too many shared strings, a lying string count.
fn bombs() -> Vec<(&'static str, Vec<u8>)> {
    let seed = workbook_bytes(&named(0, "江岚县炸弹局"));
    let strings = patch(&seed, "xl/sharedStrings.xml", |xml| {
        xml.replace(
            "</sst>",
            &format!("{}</sst>", "<si><t>x</t></si>".repeat(120_000)),
        )
    });
    let declared = patch(&seed, "xl/sharedStrings.xml", |xml| {
        xml.replacen("uniqueCount=\"", "uniqueCount=\"99999999999\" x=\"", 1)
    });
    vec![
        ("expands.xlsx", harness::bomb(&seed)),
        ("strings.xlsx", strings),
        ("declared.xlsx", declared),
    ]
}

#[test]
fn bombs_are_refused_without_being_expanded() {
    let books = bombs();
    for (_, bytes) in &books {
        assert!(
            bytes.len() < 1 << 20,
            "a bomb is a small file: {}",
            bytes.len()
        );
    }
    let ws = workspace(&books);
    let (code, findings) = check_json(ws.path());
    assert_eq!(code, 1);
    for (name, _) in &books {
        let f = expect(&findings, "F4", name);
        assert_eq!(f["severity"], "error");
        assert_eq!(
            findings
                .iter()
                .filter(|f| f["file"].as_str().unwrap().ends_with(name))
                .count(),
            1,
            "one finding for a refused workbook: {findings:#?}"
        );
    }
    assert!(
        expect(&findings, "F4", "expands.xlsx")["message"]
            .as_str()
            .unwrap()
            .contains("解压后超过")
    );
    assert!(
        expect(&findings, "F4", "strings.xlsx")["message"]
            .as_str()
            .unwrap()
            .contains("共享字符串")
    );
    build_expecting(ws.path(), 1, &[]);
}

/// The evidence the issue asks for: hostile files beside the samples; the samples build, the
/// hostile ones get findings, the process exits 1 (not 134, not 2), nothing lands elsewhere.
#[test]
fn a_far_cell_and_a_bomb_beside_the_samples() {
    let ws = workspace(&[
        ("far.xlsx", far_cell_workbook()),
        ("bomb.xlsx", bombs().remove(0).1),
    ]);
    let err = build_expecting(ws.path(), 1, &["江岚县远端单元格局"]);
    assert!(
        err.contains("警告[S4] input/far.xlsx [表三]!XFD1048576"),
        "{err}"
    );
    assert!(err.contains("错误[F4] input/bomb.xlsx"), "{err}");
}

/// Class 3: names that differ only in what a file name cannot hold or in case end in one file.
#[test]
fn agencies_that_would_share_a_file_are_refused_not_overwritten() {
    let long = format!(
        "江岚县{}办公室",
        "乡村振兴和农业农村现代化建设领导小组".repeat(5)
    );
    assert!(long.chars().count() > 80);
    let books = [
        ("1.xlsx", named(0, "江岚县测试交通局")),
        ("2.xlsx", named(1, "江岚县测试交通局.")),
        ("3.xlsx", named(0, "江岚县A/B局")),
        ("4.xlsx", named(1, "江岚县A:B局")),
        ("5.xlsx", named(0, "Bureau of Jiang")),
        ("6.xlsx", named(1, "BUREAU OF JIANG")),
        ("7.xlsx", named(2, "CON")),
        ("8.xlsx", named(2, &long)),
    ];
    let ws = workspace(
        &books
            .iter()
            .map(|(n, r)| (*n, workbook_bytes(r)))
            .collect::<Vec<_>>(),
    );
    let (code, findings) = check_json(ws.path());
    assert_eq!(code, 1);
    for name in ["2.xlsx", "4.xlsx", "6.xlsx"] {
        let f = expect(&findings, "N1", name);
        assert_eq!(f["sheet"], "基本信息");
    }
    pin(expect(&findings, "N1", "2.xlsx"));
    for name in ["1.xlsx", "3.xlsx", "5.xlsx", "7.xlsx", "8.xlsx"] {
        assert!(finding(&findings, "N1", name).is_none(), "{findings:#?}");
    }
    let long_stem: String = long
        .chars()
        .scan(0, |bytes, c| {
            *bytes += c.len_utf8();
            (*bytes <= 180).then_some(c)
        })
        .collect();
    let err = build_expecting(
        ws.path(),
        1,
        &[
            "江岚县测试交通局",
            "江岚县A_B局",
            "Bureau of Jiang",
            "CON_",
            &long_stem,
        ],
    );
    assert!(err.contains("已生成8个"), "{err}");
    for f in written(ws.path()) {
        let name = Path::new(&f)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(name.len() <= 200, "{name} is {} bytes", name.len());
    }
    // The surviving reports are the first of each pair, whole.
    let text = pdf_text(&ws.path().join("output/2025/江岚县测试交通局.pdf"));
    let opening: String = sample(0).text["overview"][0].paragraphs[0]
        .text
        .chars()
        .take(12)
        .collect();
    assert!(text.contains(&squeeze(&opening)), "{opening} not in {text}");
}

/// Every word pdftotext finds lies inside the text block, horizontally.
fn assert_inside_the_block(pdf: &Path) {
    for l in lines(pdf) {
        assert!(
            l.x_min >= LEFT - TOLERANCE && l.x_max <= RIGHT + TOLERANCE,
            "page {} line runs outside the block ({:.1}–{:.1} pt): {}",
            l.page,
            l.x_min,
            l.x_max,
            l.text
        );
    }
}

fn build_one(report: &Report) -> (tempfile::TempDir, PathBuf) {
    let ws = workspace(&[("a.xlsx", workbook_bytes(report))]);
    build_expecting(ws.path(), 0, &[&report.info.agency]);
    let pdf = ws
        .path()
        .join(format!("output/2025/{}.pdf", report.info.agency));
    (ws, pdf)
}

/// Class 4: runs of punctuation that no rule may break used to be set as one line past the margin.
#[test]
fn runs_of_punctuation_stay_inside_the_page() {
    let text = format!(
        "破折号{}省略号{}波浪号{}句号{}结束。",
        "—".repeat(40),
        "…".repeat(60),
        "～".repeat(50),
        "。".repeat(80)
    );
    let (_ws, pdf) = build_one(&with_paragraph(named(2, "江岚县标点局"), &text));
    assert_inside_the_block(&pdf);
    assert!(pdf_text(&pdf).contains(&"—".repeat(40)));
}

/// Class 6: a count of seven digits in a narrow column of 表三 is set whole, inside its cell.
#[test]
fn wide_numbers_are_never_broken() {
    let mut r = named(1, "江岚县大数局");
    // The same number added to 新收 and to 予以公开 keeps every sum right.
    let grow = |r: &mut Report, row: &'static str| {
        let v = r.t3.int(row, "natural") + 1_234_000;
        set(
            &mut r.t3,
            TableId::T3,
            row,
            "natural",
            Value::Number(Decimal::from_int(v)),
        );
        v
    };
    grow(&mut r, "new");
    let open = grow(&mut r, "open");
    compute_totals(&mut r.t3, TableId::T3);
    let total = r.t3.int("new", "total");
    let (_ws, pdf) = build_one(&r);
    let w: Vec<String> = words(&pdf).into_iter().map(|w| w.text).collect();
    assert!(w.contains(&open.to_string()), "{w:?}");
    assert!(w.contains(&total.to_string()), "{w:?}");
    assert_inside_the_block(&pdf);
}

/// Class 7: what build refuses, check reports first, with the same code.
#[test]
fn check_reports_everything_build_refuses() {
    let books = [
        (
            "glyph.xlsx",
            workbook_bytes(&with_paragraph(named(0, "江岚县缺字局"), "收费\u{E000}。")),
        ),
        (
            "long.xlsx",
            workbook_bytes(&with_paragraph(
                named(1, "江岚县长文局"),
                &"政府信息公开工作".repeat(3000),
            )),
        ),
        ("dup1.xlsx", workbook_bytes(&named(2, "江岚县同名局"))),
        ("dup2.xlsx", workbook_bytes(&named(2, "江岚县同名局 ."))),
    ];
    let ws = workspace(&books);
    let (code, findings) = check_json(ws.path());
    assert_eq!(code, 1);
    let g1 = expect(&findings, "G1", "glyph.xlsx");
    assert_eq!(g1["sheet"], "正文");
    assert!(g1["cell"].as_str().unwrap().starts_with('C'));
    let c4 = expect(&findings, "C4", "long.xlsx");
    pin(c4);
    assert!(c4["cell"].as_str().unwrap().starts_with('C'));
    expect(&findings, "N1", "dup2.xlsx");
    let err = build_expecting(ws.path(), 1, &["江岚县同名局"]);
    for (code, file) in [("G1", "glyph"), ("C4", "long"), ("N1", "dup2")] {
        assert!(
            err.contains(&format!("错误[{code}] input/{file}.xlsx")),
            "{err}"
        );
    }
    assert!(err.contains("已生成4个"), "{err}");
}

/// Class 8: zero-width and other invisible characters are removed on reading, with a note.
#[test]
fn invisible_characters_are_removed_with_a_note() {
    let text = "本年度\u{200B}未收取\u{FEFF}信息处理费\u{00AD}，也\u{2060}没有\u{200D}其他事项。";
    let r = with_paragraph(named(2, "江岚县零宽局"), text);
    let ws = workspace(&[("a.xlsx", workbook_bytes(&r))]);
    let (code, findings) = check_json(ws.path());
    assert_eq!(code, 0, "{findings:#?}");
    let c2 = expect(&findings, "C2", "a.xlsx");
    pin(c2);
    assert_eq!(c2["severity"], "info");
    assert_eq!(c2["sheet"], "正文");
    assert!(finding(&findings, "G1", "a.xlsx").is_none());
    let (_ws, pdf) = build_one(&r);
    assert!(pdf_text(&pdf).contains("本年度未收取信息处理费，也没有其他事项。"));
}

/// Removes the cell `at` (e.g. `A2`) from a worksheet's XML.
fn remove_cell(xml: &str, at: &str) -> String {
    let start = xml.find(&format!("<c r=\"{at}\"")).unwrap();
    let end = start + xml[start..].find("</c>").unwrap() + 4;
    format!("{}{}", &xml[..start], &xml[end..])
}

/// Adds a text cell `at` to row `row` (1-based) of a worksheet's XML.
fn add_cell(xml: &str, row: u32, at: &str, text: &str) -> String {
    let start = xml.find(&format!("<row r=\"{row}\"")).unwrap();
    let end = start + xml[start..].find("</row>").unwrap();
    let cell = format!("<c r=\"{at}\" t=\"inlineStr\"><is><t>{text}</t></is></c>");
    format!("{}{cell}{}", &xml[..end], &xml[end..])
}

/// Class 9: text before the first 章节 and text beside 段落内容 used to vanish without a word.
#[test]
fn prose_that_would_be_dropped_is_reported() {
    let bytes = workbook_bytes(&named(0, "江岚县漏文局"));
    let bytes = patch(&bytes, &sheet_part("正文"), |xml| {
        add_cell(&remove_cell(&xml, "A2"), 3, "E3", "这句写在了备注列")
    });
    let ws = workspace(&[("a.xlsx", bytes)]);
    let (code, findings) = check_json(ws.path());
    assert_eq!(code, 1);
    let before = expect(&findings, "C3", "a.xlsx");
    pin(findings
        .iter()
        .find(|f| f["code"] == "C3" && f["cell"] == "E3")
        .unwrap());
    let all: Vec<&Json> = findings.iter().filter(|f| f["code"] == "C3").collect();
    assert_eq!(all.len(), 2, "{all:#?}");
    assert_eq!(before["sheet"], "正文");
    assert!(
        all.iter()
            .any(|f| f["cell"] == "C2" && f["severity"] == "error")
    );
    assert!(
        all.iter()
            .any(|f| f["cell"] == "E3" && f["severity"] == "warning")
    );
    build_expecting(ws.path(), 1, &[]);
}

/// Class 10: 总计 formulas saved without results (openpyxl) used to give 19 false R errors.
#[test]
fn totals_without_cached_results_are_computed_not_reported() {
    let r = named(0, "江岚县公式局");
    let mut bytes = workbook_bytes(&r);
    for sheet in ["表三", "表四"] {
        bytes = patch(&bytes, &sheet_part(sheet), |xml| {
            let mut out = String::new();
            let mut rest = xml.as_str();
            while let Some(i) = rest.find("</f><v>") {
                let j = i + rest[i..].find("</v>").unwrap() + 4;
                out.push_str(&rest[..i + 4]);
                rest = &rest[j..];
            }
            out.push_str(rest);
            out
        });
    }
    let ws = workspace(&[("a.xlsx", bytes)]);
    let (code, findings) = check_json(ws.path());
    assert_eq!(code, 0, "{findings:#?}");
    for code in ["R1", "R2", "R3", "R4", "V1"] {
        assert!(
            finding(&findings, code, "a.xlsx").is_none(),
            "{findings:#?}"
        );
    }
    let v5: Vec<&Json> = findings.iter().filter(|f| f["code"] == "V5").collect();
    pin(v5[0]);
    assert_eq!(v5.len(), 2, "{v5:#?}");
    assert!(v5.iter().all(|f| f["severity"] == "info"));
    build_expecting(ws.path(), 0, &[&r.info.agency]);
    let pdf = ws.path().join(format!("output/2025/{}.pdf", r.info.agency));
    let w: Vec<String> = words(&pdf).into_iter().map(|w| w.text).collect();
    assert!(w.contains(&r.t3.int("total", "total").to_string()));
}

/// Class 11: a password, and formats saved by mistake, each named with what to do.
#[test]
fn passwords_and_foreign_formats_get_messages_that_say_what_to_do() {
    let mut cfb = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    cfb.create_stream("EncryptionInfo").unwrap();
    cfb.create_stream("EncryptedPackage").unwrap();
    cfb.flush().unwrap();
    let encrypted = cfb.into_inner().into_inner();
    let sample = workbook_bytes(&named(0, "江岚县格式局"));
    let ws = workspace(&[
        ("locked.xlsx", encrypted),
        ("wps.et", sample.clone()),
        ("binary.xlsb", sample.clone()),
        ("table.csv", "机关名称,报告年度\n".as_bytes().to_vec()),
        ("mac.numbers", sample),
    ]);
    let (code, findings) = check_json(ws.path());
    assert_eq!(code, 1);
    let f3 = expect(&findings, "F3", "locked.xlsx");
    pin(f3);
    pin(expect(&findings, "F2", "wps.et"));
    assert!(f3["message"].as_str().unwrap().contains("密码"));
    for (file, what) in [
        ("wps.et", "WPS"),
        ("binary.xlsb", ".xlsb"),
        ("table.csv", "CSV"),
        ("mac.numbers", "Numbers"),
    ] {
        let f2 = expect(&findings, "F2", file);
        let m = f2["message"].as_str().unwrap();
        let hint = f2["hints"][0]["text"].as_str().unwrap();
        assert!(m.contains(what) && hint.contains("另存为"), "{m} {hint}");
    }
    build_expecting(ws.path(), 1, &[]);
}

/// Class 12: a pipe, a device and links in circles are findings; nothing waits or runs away.
#[cfg(unix)]
#[test]
fn pipes_devices_and_link_loops_neither_hang_nor_eat_memory() {
    use std::os::unix::fs::symlink;
    let ws = workspace(&[("ok.xlsx", workbook_bytes(&named(0, "江岚县正常局")))]);
    let input = ws.path().join("input");
    assert!(
        Command::new("mkfifo")
            .arg(input.join("pipe.xlsx"))
            .status()
            .unwrap()
            .success()
    );
    symlink("/dev/zero", input.join("zero.xlsx")).unwrap();
    symlink(input.join("loop2.xlsx"), input.join("loop1.xlsx")).unwrap();
    symlink(input.join("loop1.xlsx"), input.join("loop2.xlsx")).unwrap();
    std::fs::create_dir(input.join("sub")).unwrap();
    symlink(&input, input.join("sub/up")).unwrap();
    let (code, findings) = check_json(ws.path());
    assert_eq!(code, 1);
    for file in ["pipe.xlsx", "zero.xlsx", "loop1.xlsx", "loop2.xlsx"] {
        expect(&findings, "F5", file);
    }
    pin(expect(&findings, "F5", "pipe.xlsx"));
    assert!(
        expect(&findings, "F5", "pipe.xlsx")["message"]
            .as_str()
            .unwrap()
            .contains("管道")
    );
    assert!(
        findings
            .iter()
            .all(|f| !f["file"].as_str().unwrap().ends_with("ok.xlsx") || f["code"] != "F5"),
        "{findings:#?}"
    );
    let err = build_expecting(ws.path(), 1, &["江岚县正常局"]);
    assert!(err.contains("已生成4个"), "{err}");
}
