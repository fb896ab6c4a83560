//! `nianbao build` end to end on the samples and on broken workbooks: what the PDF says (by
//! pdftotext), how its fonts are embedded (pdffonts), what the XLSX holds (re-read with
//! calamine), and that rebuilding gives the same bytes.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use calamine::{Data, Reader, open_workbook_auto};
use nianbao::model::{Decimal, Paragraph, Topic, Value, display_value};
use nianbao::schema::{self, Content, TableId};

/// A scratch folder with the given workbooks in input/.
fn workspace(books: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("input")).unwrap();
    for (name, bytes) in books {
        std::fs::write(dir.path().join("input").join(name), bytes).unwrap();
    }
    dir
}

fn samples() -> Vec<(String, Vec<u8>)> {
    sample_sources()
        .iter()
        .map(|src| {
            let agency = report_from_toml(src).info.agency;
            let name = format!("{agency}.xlsx");
            (
                name.clone(),
                std::fs::read(repo().join("input").join(&name)).unwrap(),
            )
        })
        .collect()
}

fn sample_workspace() -> tempfile::TempDir {
    let books = samples();
    let refs: Vec<(&str, Vec<u8>)> = books.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    workspace(&refs)
}

/// PDF text without white space and without the page numbers "— N —" between pages.
fn report_text(pdf: &Path) -> String {
    let text = pdf_text(pdf);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '—' {
            let digits = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if digits > 0 && chars.get(i + 1 + digits) == Some(&'—') {
                i += digits + 2;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[test]
fn samples_build_into_pdfs_that_carry_every_word() {
    let ws = sample_workspace();
    let (code, _, err) = run(ws.path(), &["build"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("共0个错误"), "{err}");
    for src in sample_sources() {
        let report = report_from_toml(&src);
        let pdf = ws
            .path()
            .join(format!("output/2025/{}.pdf", report.info.agency));
        let text = report_text(&pdf);
        for (_, heading) in schema::SECTIONS {
            assert!(
                text.contains(heading),
                "{}: heading {heading}",
                pdf.display()
            );
        }
        for table in schema::tables() {
            for cell in &table.grid {
                if let Content::Label(label) = cell.content {
                    assert!(
                        text.contains(&squeeze(label)),
                        "{}: label {label}",
                        pdf.display()
                    );
                }
            }
        }
        for p in report.paragraphs() {
            assert!(
                text.contains(&squeeze(&p.text)),
                "{}: paragraph {}",
                pdf.display(),
                p.text
            );
        }
        let title = format!("{}2025年政府信息公开工作年度报告", report.info.agency);
        assert!(text.starts_with(&title), "{}", &text[..60.min(text.len())]);
        assert!(text.contains("统计期限自2025年1月1日起至2025年12月31日止"));
        assert!(text.contains(&squeeze(&report.info.phone)));
        let t3 = report.table(TableId::T3);
        let row = format!("{}{}", squeeze(schema::T3_NEW.1), t3.int("new", "natural"));
        assert!(text.contains(&row), "{}: {row}", pdf.display());
        assert_fonts_embedded(&pdf);
    }
}

fn assert_fonts_embedded(pdf: &Path) {
    let out = Command::new("pdffonts")
        .arg(pdf)
        .output()
        .expect("pdffonts (poppler-utils)");
    let listing = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = listing.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{listing}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "{row}");
    }
}

#[test]
fn output_xlsx_has_the_official_labels_and_the_input_numbers() {
    let ws = sample_workspace();
    let (code, _, err) = run(ws.path(), &["build"]);
    assert_eq!(code, 0, "{err}");
    for src in sample_sources() {
        let report = report_from_toml(&src);
        let path = ws
            .path()
            .join(format!("output/2025/{}.xlsx", report.info.agency));
        let mut wb = open_workbook_auto(&path).unwrap();
        for table in schema::tables() {
            let range = wb.worksheet_range(table.sheet).unwrap();
            let at = |r: usize, c: usize| {
                range
                    .get_value(((r + 3) as u32, c as u32))
                    .cloned()
                    .unwrap_or(Data::Empty)
            };
            for cell in &table.grid {
                match &cell.content {
                    Content::Label(label) => {
                        assert_eq!(
                            at(cell.row, cell.col),
                            Data::String(label.to_string()),
                            "{}",
                            table.sheet
                        )
                    }
                    Content::Field(i) => {
                        let f = &table.fields[*i];
                        let want = display_value(report.table(table.id).get(f.row, f.col), f.kind);
                        let got = match at(cell.row, cell.col) {
                            Data::Float(x) => Decimal::from_f64(x).unwrap().to_string(),
                            other => panic!("{} {}/{}: {other:?}", table.sheet, f.row, f.col),
                        };
                        assert_eq!(got, want, "{} {}/{}", table.sheet, f.row, f.col);
                    }
                }
            }
        }
        let text = wb.worksheet_range("报告正文").unwrap();
        let cells: Vec<String> = text.rows().flatten().map(|d| d.to_string()).collect();
        for p in report.paragraphs() {
            assert!(cells.contains(&p.text), "{}", p.text);
        }
    }
}

#[test]
fn rebuilding_gives_identical_bytes() {
    let ws = sample_workspace();
    let (a, b) = (ws.path().join("a"), ws.path().join("b"));
    for out in [&a, &b] {
        let out = out.to_str().unwrap();
        let (code, _, err) = run(
            ws.path(),
            &["build", "--out", out, "--docx", "--html-fragment"],
        );
        assert_eq!(code, 0, "{err}");
    }
    // The agencies' files; the office's (检查报告, 发布清单, index.html) say when they were built.
    let files = |dir: &Path| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join("2025"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_stem()
                    .is_some_and(|s| s.to_string_lossy().starts_with("江岚县"))
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        files(&a).len(),
        18,
        "PDF, XLSX, HTML, fragment, DOCX and record of three agencies"
    );
    for (x, y) in files(&a).iter().zip(files(&b)) {
        let same = std::fs::read(x).unwrap() == std::fs::read(&y).unwrap();
        assert!(same, "{} differs between two builds", x.display());
    }
}

#[test]
fn a_workbook_that_does_not_add_up_gets_findings_and_no_pdf() {
    let mut broken = report_from_toml(&repo().join("tests/fixtures/samples/江岚县交通运输局.toml"));
    broken.info.agency = "江岚县错误示例局".into();
    set(
        &mut broken.t3,
        TableId::T3,
        "new",
        "natural",
        Value::Number(Decimal::from_int(30)),
    );
    compute_totals(&mut broken.t3, TableId::T3);
    let good = std::fs::read(repo().join("input/江岚县青石镇人民政府.xlsx")).unwrap();
    let ws = workspace(&[
        ("broken.xlsx", workbook_bytes(&broken)),
        ("good.xlsx", good),
    ]);
    let (code, _, err) = run(ws.path(), &["build"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("错误[R3] input/broken.xlsx [表三]!D6:D30"),
        "{err}"
    );
    assert!(
        err.contains("「自然人」列：第一项加第二项之和为 30 + 1 = 31"),
        "{err}"
    );
    assert!(
        err.contains("江岚县错误示例局（input/broken.xlsx）：有1个错误"),
        "{err}"
    );
    assert!(!ws.path().join("output/2025/江岚县错误示例局.pdf").exists());
    assert!(
        ws.path()
            .join("output/2025/江岚县青石镇人民政府.pdf")
            .exists()
    );

    let (code, out, _) = run(ws.path(), &["check", "input/broken.xlsx"]);
    assert_eq!(code, 1);
    // The formula column 总计 (J) balances if the other six do: no second R3 on it.
    assert!(out.contains("[表三]!D6:D30"), "{out}");
    assert!(!out.contains("[表三]!J6:J30"), "{out}");
}

#[test]
fn a_character_no_font_has_is_a_finding_not_a_blank_box() {
    let mut report =
        report_from_toml(&repo().join("tests/fixtures/samples/江岚县青石镇人民政府.toml"));
    report.text.insert(
        "other".into(),
        vec![Topic {
            title: String::new(),
            paragraphs: vec![Paragraph {
                text: "本年度未收取信息处理费\u{E000}。".into(),
                source: None,
            }],
        }],
    );
    let ws = workspace(&[("pua.xlsx", workbook_bytes(&report))]);
    let (code, _, err) = run(ws.path(), &["build"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("错误[G1] input/pua.xlsx [正文]!C"), "{err}");
    assert!(err.contains("U+E000"), "{err}");
    pin(first_of(&findings_of(ws.path(), &[]), "G1"));
    assert!(
        !ws.path()
            .join("output/2025/江岚县青石镇人民政府.pdf")
            .exists()
    );
}

#[test]
fn check_on_the_samples_is_clean() {
    let ws = sample_workspace();
    let (code, out, err) = run(ws.path(), &["check"]);
    assert_eq!(code, 0, "{out}{err}");
    // The only note: no report of 2024 to compare with (the samples have no history).
    assert!(
        out.contains("检查了3个工作簿：3个可以生成报告，0个有错误；共0个错误、0个警告、1个提示。"),
        "{out}"
    );
    assert!(out.starts_with("提示[X4] output\n"), "{out}");
}

#[test]
fn an_empty_input_folder_says_what_to_do() {
    let ws = workspace(&[]);
    let (code, _, err) = run(ws.path(), &["build"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("没有找到工作簿"), "{err}");
    assert!(err.contains("nianbao new"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let ws = workspace(&[]);
    let (code, _, err) = run(ws.path(), &["check", "nowhere"]);
    assert_eq!(code, 2);
    assert!(err.contains("找不到 nowhere"), "{err}");
    let (code, _, _) = run(ws.path(), &["frobnicate"]);
    assert_eq!(code, 2);
}

#[test]
fn blank_cells_stay_blank_and_the_fee_prints_as_entered() {
    // V1 warns about the blank, the build goes on, and the blank is not printed as 0.
    let mut report =
        report_from_toml(&repo().join("tests/fixtures/samples/江岚县青石镇人民政府.toml"));
    set(
        &mut report.t2,
        TableId::T2,
        "fees",
        "amount",
        Value::Number(Decimal::parse("4068.208").unwrap()),
    );
    report.t2.values.remove(&("coercion", "decisions"));
    let ws = workspace(&[("a.xlsx", workbook_bytes(&report))]);
    let (code, _, err) = run(ws.path(), &["build"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("警告[V1] input/a.xlsx [表二]!B13"), "{err}");
    let out = ws.path().join("output/2025");
    let mut wb = open_workbook_auto(out.join("江岚县青石镇人民政府.xlsx")).unwrap();
    let range = wb.worksheet_range("表二").unwrap();
    assert!(matches!(range.get_value((13, 1)), None | Some(Data::Empty)));
    assert_eq!(range.get_value((16, 1)), Some(&Data::Float(4068.208)));
    let text = report_text(&out.join("江岚县青石镇人民政府.pdf"));
    assert!(
        text.contains("行政强制第二十条第（八）项"),
        "the blank printed as something: {text}"
    );
    assert!(
        text.contains("本年收费金额（单位：万元）行政事业性收费4068.208"),
        "{text}"
    );
}

#[test]
fn pdf_has_outline_metadata_language_and_passes_qpdf() {
    let ws = sample_workspace();
    let (code, _, err) = run(ws.path(), &["build"]);
    assert_eq!(code, 0, "{err}");
    let path = ws.path().join("output/2025/江岚县交通运输局.pdf");
    let check = Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
        .expect("qpdf must be installed");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    let doc = lopdf::Document::load(&path).unwrap();
    let text = |o: &lopdf::Object| -> String {
        let bytes = o.as_str().unwrap();
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16(&units).unwrap()
    };
    let info = doc
        .get_dictionary(doc.trailer.get(b"Info").unwrap().as_reference().unwrap())
        .unwrap();
    assert_eq!(
        text(info.get(b"Title").unwrap()),
        "江岚县交通运输局2025年政府信息公开工作年度报告"
    );
    assert_eq!(text(info.get(b"Author").unwrap()), "江岚县交通运输局");
    assert_eq!(
        text(info.get(b"Subject").unwrap()),
        "政府信息公开工作年度报告"
    );
    assert!(text(info.get(b"Keywords").unwrap()).contains("2025年"));
    assert!(text(info.get(b"Creator").unwrap()).starts_with("nianbao "));
    assert!(
        info.get(b"GTS_PDFXVersion").is_err(),
        "must not claim PDF/X"
    );
    // Created on 发布日期, not on the build machine's clock.
    let created = info.get(b"CreationDate").unwrap().as_str().unwrap();
    assert!(
        created.starts_with(b"D:20260120"),
        "{}",
        String::from_utf8_lossy(created)
    );

    let catalog = doc.catalog().unwrap();
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"zh-CN");
    let outlines = doc
        .get_dictionary(catalog.get(b"Outlines").unwrap().as_reference().unwrap())
        .unwrap();
    let root = doc
        .get_dictionary(outlines.get(b"First").unwrap().as_reference().unwrap())
        .unwrap();
    assert_eq!(
        text(root.get(b"Title").unwrap()),
        "江岚县交通运输局2025年政府信息公开工作年度报告"
    );
    let mut titles = Vec::new();
    let mut next = root.get(b"First").ok().map(|o| o.as_reference().unwrap());
    while let Some(id) = next {
        let item = doc.get_dictionary(id).unwrap();
        titles.push(text(item.get(b"Title").unwrap()));
        next = item.get(b"Next").ok().map(|o| o.as_reference().unwrap());
    }
    let headings: Vec<&str> = schema::SECTIONS.iter().map(|(_, h)| *h).collect();
    assert_eq!(titles, headings);
}

/// A custom template that cannot render a report is P1 in `check` for every agency, and
/// `build` writes nothing for them.
#[test]
fn a_broken_custom_template_is_p1_for_every_agency() {
    let ws = sample_workspace();
    std::fs::create_dir(ws.path().join("templates")).unwrap();
    std::fs::write(
        ws.path().join("templates/preamble.md.tera"),
        "{{ info.agncy }}\n",
    )
    .unwrap();
    let (code, out, err) = run(ws.path(), &["check"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(out.matches("错误[P1]").count(), 3, "{out}{err}");
    assert!(out.contains("请检查 templates/ 中的自定义模板"), "{out}");
    pin(first_of(&findings_of(ws.path(), &[]), "P1"));
    let (code, _, err) = run(ws.path(), &["build"]);
    assert_eq!(code, 1, "{err}");
    let pdfs = std::fs::read_dir(ws.path().join("output/2025"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "pdf")
        })
        .count();
    assert_eq!(pdfs, 0, "{err}");
    assert!(ws.path().join("output/2025/检查报告.xlsx").is_file());
}

/// The gate: an agency with errors gets no report, unless `--force`, which builds it with every
/// page marked as a draft (and keeps no record of it for next year's checks).
#[test]
fn the_gate_builds_drafts_only_when_forced_and_marks_every_page() {
    let ws = sample_workspace();
    let broken = wrongly_totalled(
        report_from_toml(&repo().join("tests/fixtures/samples/江岚县交通运输局.toml")),
        "江岚县水务局",
    );
    std::fs::write(
        ws.path().join("input/江岚县水务局.xlsx"),
        workbook_bytes(&broken),
    )
    .unwrap();
    let draft = ws.path().join("output/2025/草稿/江岚县水务局.pdf");

    let (code, _, err) = run(ws.path(), &["build"]);
    assert_eq!(code, 1, "{err}");
    assert!(!draft.exists());
    assert!(
        err.contains("江岚县水务局（input/江岚县水务局.xlsx）：有"),
        "{err}"
    );

    let (code, _, err) = run(ws.path(), &["build", "--force"]);
    assert_eq!(code, 1, "a forced build is still not a clean one: {err}");
    assert!(err.contains("其中1个是未通过校验的草稿"), "{err}");
    let mark: String = nianbao::batch::DRAFT_MARK.split_whitespace().collect();
    let pages = pdf_pages(&draft);
    assert!(pages >= 3);
    assert_eq!(
        pdf_text(&draft).matches(&mark).count(),
        pages,
        "every page marked"
    );
    assert!(!ws.path().join("output/2025/江岚县水务局.json").exists());
    for sample in [
        "江岚县交通运输局",
        "江岚县人民政府办公室",
        "江岚县青石镇人民政府",
    ] {
        let pdf = ws.path().join(format!("output/2025/{sample}.pdf"));
        assert!(!pdf_text(&pdf).contains("草稿"), "{sample}");
    }
}

fn pdf_pages(pdf: &Path) -> usize {
    let out = std::process::Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap()
}
