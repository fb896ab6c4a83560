//! The input workbook contract: what `new` writes, the reader reads back at the right keys,
//! also after an office re-saved or rearranged it.

use crate::common::*;
use calamine::{Data, Reader, open_workbook_auto};
use nianbao::model::{Decimal, Report, Value};
use nianbao::schema::{self, Content, TableId};
use nianbao::workbook::{self, blank, labels};
use rust_xlsxwriter::Workbook;

/// A report in which every input cell holds a different number (and the fee a decimal).
fn distinct_report() -> Report {
    let mut report = blank::blank_report("数值测试局", 2025);
    let mut n = 1;
    for table in schema::tables() {
        for f in table.fields.iter().filter(|f| !f.is_total) {
            let v = match f.kind {
                schema::Kind::Count => Decimal::from_int(n),
                schema::Kind::Money => Decimal::parse("4068.208").unwrap(),
            };
            set(
                report.table_mut(table.id),
                table.id,
                f.row,
                f.col,
                Value::Number(v),
            );
            n += 1;
        }
        compute_totals(report.table_mut(table.id), table.id);
    }
    report
}

#[test]
fn new_writes_a_blank_workbook_that_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(
        dir.path(),
        &["new", "某县统计局", "某县民政局", "--year", "2025"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("input/某县统计局.xlsx"), "{err}");
    let read = workbook::read_file(&dir.path().join("input/某县统计局.xlsx"));
    assert!(read.findings.is_empty(), "{:#?}", read.findings);
    assert_eq!(read.report.info.agency, "某县统计局");
    assert_eq!(read.report.info.year, Some(2025));
    for table in schema::tables() {
        let data = read.report.table(table.id);
        assert!(data.complete, "{}", table.sheet);
        // A total over blanks is blank, not its formula's 0 (a blank table prints no zeros).
        for f in &table.fields {
            let expected = Value::Blank;
            assert_eq!(
                data.get(f.row, f.col),
                &expected,
                "{} {}/{}",
                table.sheet,
                f.row,
                f.col
            );
        }
    }
    // Refuses to overwrite a workbook an agency may already have filled.
    let (code, _, err) = run(dir.path(), &["new", "某县统计局"]);
    assert_eq!(code, 1);
    assert!(err.contains("--force"), "{err}");
}

#[test]
fn every_number_reads_back_at_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let expected = distinct_report();
    let path = dir.path().join("a.xlsx");
    std::fs::write(&path, workbook_bytes(&expected)).unwrap();
    let read = workbook::read_file(&path);
    assert!(read.findings.is_empty(), "{:#?}", read.findings);
    assert_same_values(&read.report, &expected, "");
    // The fee keeps its decimals exactly as entered.
    assert_eq!(
        read.report.t2.get("fees", "amount"),
        &Value::Number(Decimal::parse("4068.208").unwrap())
    );
    // Spot checks against addresses counted by hand from the official layout (title row, blank
    // row, then the grid), independent of the schema code that wrote and read them.
    let mut wb = open_workbook_auto(&path).unwrap();
    let cell = |wb: &mut calamine::Sheets<_>, sheet: &str, a1: (u32, u32)| -> Data {
        wb.worksheet_range(sheet)
            .unwrap()
            .get_value(a1)
            .cloned()
            .unwrap_or(Data::Empty)
    };
    let t3 = read.report.table(TableId::T3);
    assert_eq!(t3.source("new", "natural").unwrap().a1(), "D6");
    assert_eq!(t3.source("carried_out", "total").unwrap().a1(), "J30");
    assert_eq!(
        cell(&mut wb, "表三", (5, 3)),
        Data::Float(t3.int("new", "natural") as f64)
    );
    assert_eq!(read.report.t2.source("fees", "amount").unwrap().a1(), "B16");
    assert_eq!(
        read.report.t4.source("cases", "after_total").unwrap().a1(),
        "O6"
    );
    assert_eq!(
        cell(&mut wb, "表四", (5, 14)),
        Data::Float(read.report.t4.int("cases", "after_total") as f64)
    );
    // Totals are formulas whose cached result is the sum.
    let formulas = wb.worksheet_formula("表三").unwrap();
    assert_eq!(formulas.get_value((5, 9)).unwrap(), "SUM(D6:I6)");
}

/// Writes the official tables the way a re-saved or hand-made workbook might look: moved down
/// and right, no merged cells, half-width brackets and stray spaces in the labels, the sheets in
/// another order, an extra sheet in front.
fn rearranged_workbook(
    report: &Report,
    drop_label: Option<&str>,
    repeat_label: Option<&str>,
) -> Vec<u8> {
    let mut wb = Workbook::new();
    wb.add_worksheet()
        .set_name("说明")
        .unwrap()
        .write_string(0, 0, "本单位自制表格")
        .unwrap();
    for table in schema::tables().iter().rev() {
        let ws = wb.add_worksheet().set_name(table.sheet).unwrap();
        let (dr, dc) = (4u32, 2u16);
        let data = report.table(table.id);
        for cell in &table.grid {
            let (r, c) = (dr + cell.row as u32, dc + cell.col as u16);
            match &cell.content {
                Content::Label(text) => {
                    if Some(*text) == drop_label {
                        continue;
                    }
                    let messy = text
                        .replace('（', "(")
                        .replace('）', ")")
                        .replace('：', ": ");
                    ws.write_string(r, c, format!(" {messy} ")).unwrap();
                    if Some(*text) == repeat_label {
                        ws.write_string(r + 40, c, *text).unwrap();
                    }
                }
                Content::Field(i) => {
                    let f = &table.fields[*i];
                    if let Value::Number(d) = data.get(f.row, f.col) {
                        ws.write_number(r, c, d.to_string().parse::<f64>().unwrap())
                            .unwrap();
                    }
                }
            }
        }
    }
    let info = wb.add_worksheet().set_name(" 基本信息 ").unwrap();
    info.write_string(1, 1, "机关名称：").unwrap();
    info.write_string(1, 3, &report.info.agency).unwrap();
    info.write_string(2, 1, "报告年度").unwrap();
    info.write_string(2, 2, "2025年").unwrap();
    let text = wb.add_worksheet().set_name("正文").unwrap();
    for (c, h) in ["章节", "小标题", "段落内容"].iter().enumerate() {
        text.write_string(2, c as u16, *h).unwrap();
    }
    text.write_string(3, 0, "一").unwrap();
    text.write_string(3, 1, "(一)主动公开").unwrap();
    text.write_string(3, 2, "第一段。\n第二段。").unwrap();
    text.write_string(4, 2, "第三段。").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn labels_are_found_wherever_they_are() {
    let expected = distinct_report();
    let out = workbook::read_bytes(&rearranged_workbook(&expected, None, None));
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
    assert_same_values(&out.report, &expected, "");
    assert_eq!(out.report.t3.source("new", "natural").unwrap().a1(), "F8");
    assert_eq!(out.report.info.year, Some(2025));
    assert_eq!(out.report.info.agency, "数值测试局");
    let overview = &out.report.text["overview"];
    assert_eq!(overview[0].title, "主动公开");
    let texts: Vec<&str> = overview[0]
        .paragraphs
        .iter()
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(texts, ["第一段。", "第二段。", "第三段。"]);
}

#[test]
fn a_missing_or_repeated_label_is_a_finding_that_names_it() {
    let report = distinct_report();
    let label = "3.补正后申请内容仍不明确";
    let out = workbook::read_bytes(&rearranged_workbook(&report, Some(label), None));
    let f: Vec<_> = out
        .findings
        .iter()
        .filter(|f| f.code.to_string() == "S2")
        .collect();
    assert_eq!(f.len(), 1, "{:#?}", out.findings);
    assert!(f[0].message.contains(label) && f[0].sheet.as_deref() == Some("表三"));
    assert!(!out.report.t3.complete);

    let out = workbook::read_bytes(&rearranged_workbook(&report, None, Some("2.重复申请")));
    let f: Vec<_> = out
        .findings
        .iter()
        .filter(|f| f.code.to_string() == "S3")
        .collect();
    assert_eq!(f.len(), 1, "{:#?}", out.findings);
    assert_eq!(f[0].cell.as_deref(), Some("E24"));
    pin(&serde_json::to_value(f[0]).unwrap());
}

#[test]
fn label_normalisation_is_width_and_space_blind() {
    assert_eq!(
        labels::normalize("（七） 总计"),
        labels::normalize("(七)总计")
    );
}

#[test]
fn corrupted_workbooks_become_findings_not_crashes() {
    let good = std::fs::read(repo().join("input/江岚县交通运输局.xlsx")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ctx = nianbao::rules::Context::new(nianbao::model::Date::new(2026, 2, 1).unwrap());
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for i in 0..120 {
        let mut bytes = good.clone();
        if i % 3 == 0 {
            bytes.truncate((next() as usize) % bytes.len());
        } else {
            for _ in 0..(1 + i % 7) {
                let at = (next() as usize) % bytes.len();
                bytes[at] = next() as u8;
            }
        }
        let path = dir.path().join(format!("{i}.xlsx"));
        std::fs::write(&path, &bytes).unwrap();
        let checked = nianbao::batch::check_file(&path, &ctx);
        for f in &checked.findings {
            assert!(!f.message.is_empty());
            assert_eq!(f.file, path);
        }
    }
}
