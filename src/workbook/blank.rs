//! The input workbook an office hands to each agency (`nianbao new`).
//!
//! Written from a `Report`: a blank one for `new`, a filled one for samples and test fixtures,
//! so the layout the reader expects and the layout we hand out cannot drift apart.

use std::collections::BTreeMap;

use rust_xlsxwriter::{
    DataValidation, Format, FormatAlign, FormatBorder, Note, ProtectionOptions, Workbook,
    Worksheet, XlsxError,
};

use super::carry::{self, Carried};

use crate::model::{Info, Paragraph, Report, Topic};
use crate::schema::{self, input};
use crate::xlsx::document_properties;
use crate::xlsx::grid::{Mode, Styles, write_table};

/// A report with only 机关名称 and 报告年度 filled in, and the topics of 一 laid out.
pub fn blank_report(agency: &str, year: i32) -> Report {
    let mut report = Report {
        info: Info {
            agency: agency.to_string(),
            year: Some(year),
            ..Info::default()
        },
        ..Report::default()
    };
    let empty = |title: &str| Topic {
        title: title.to_string(),
        paragraphs: vec![Paragraph {
            text: String::new(),
            source: None,
        }],
    };
    report.text.insert(
        "overview".into(),
        schema::OVERVIEW_TOPICS.iter().map(|t| empty(t)).collect(),
    );
    for key in ["problems", "other"] {
        report.text.insert(key.into(), vec![empty("")]);
    }
    report
}

/// The input workbook for `report` as xlsx bytes.
pub fn write_input(report: &Report) -> Result<Vec<u8>, XlsxError> {
    write_input_carried(report, None)
}

/// The input workbook for `report`, with what `new --from` carried from last year: a note on
/// each 上年结转 it filled in, last year's text beside the input column.
pub fn write_input_carried(
    report: &Report,
    carried: Option<&Carried>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&document_properties(
        &format!("{} 政府信息公开工作年度报告填报表", report.info.agency),
        &report.info.agency,
        None,
    ));
    let styles = Styles::new();
    write_guide(wb.add_worksheet().set_name(input::SHEET_GUIDE)?)?;
    write_info(
        wb.add_worksheet().set_name(input::SHEET_INFO)?,
        &report.info,
    )?;
    write_text(
        wb.add_worksheet().set_name(input::SHEET_TEXT)?,
        report,
        carried,
    )?;
    for table in schema::tables() {
        let ws = wb.add_worksheet().set_name(table.sheet)?;
        ws.merge_range(
            0,
            0,
            0,
            table.columns as u16 - 1,
            table.heading(),
            &styles.title,
        )?;
        ws.set_row_height(0, 30)?;
        write_table(
            ws,
            table,
            Some(report.table(table.id)),
            TABLE_TOP,
            Mode::Input,
            &styles,
        )?;
        if let Some(carried) = carried {
            notes(ws, table, report, carried)?;
        }
        ws.protect_with_options(&editable());
        print_setup(ws, table.columns > 4);
    }
    wb.worksheet_from_index(1)?.set_active(true);
    wb.save_to_buffer()
}

/// Protection that keeps labels and formulas safe but lets people resize and format.
fn editable() -> ProtectionOptions {
    ProtectionOptions {
        format_columns: true,
        format_rows: true,
        format_cells: true,
        ..ProtectionOptions::default()
    }
}

fn print_setup(ws: &mut Worksheet, landscape: bool) {
    ws.set_paper_size(9);
    if landscape {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
}

const GUIDE: &[&str] = &[
    "政府信息公开工作年度报告填报说明",
    "",
    "1. 本工作簿由 nianbao 生成，用于填报《政府信息公开工作年度报告》（国办公开办函〔2021〕30号格式）。",
    "2. 「基本信息」：填写机关名称、报告年度；发布日期可选填，填写后印在报告末尾的落款（机关名称下一行，靠右），联系方式可选填，写入报告开头。汇总报告（如县人民政府汇总全县的数据）在「汇总范围」填写「全部」或所汇总机关的名称（用顿号分隔），表二至表四无需填写，由 nianbao 把这些机关的报告相加得出。",
    "3. 「正文」：每行一段文字。「章节」选择所属部分，「小标题」填写一、总体情况下的分项（如主动公开），「段落内容」填写正文。需要更多段落时插入新行即可。",
    "4. 「表二」「表三」「表四」：只在浅黄色单元格中填写数字。没有发生的情形请填 0，不要留空。",
    "5. 灰色的「总计」单元格由公式自动计算，无需填写。",
    "6. 表三须满足：第一项加第二项之和，等于第三项加第四项之和（每一列都要满足）。",
    "7. 请勿删除、重命名工作表，也不要修改表格中的标签文字。",
    "8. 填好后将工作簿交回政务公开办公室，由其统一校验并生成报告。",
];

fn write_guide(ws: &mut Worksheet) -> Result<(), XlsxError> {
    let title = Format::new().set_bold().set_font_size(14);
    let body = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    // A portrait A4 page across at full size, each row as tall as its wrapped text.
    const WIDTH: f64 = 72.0;
    ws.set_column_width(0, WIDTH)?;
    for (i, line) in GUIDE.iter().enumerate() {
        let (format, size) = if i == 0 {
            (&title, 14.0)
        } else {
            (&body, 11.0)
        };
        ws.write_string_with_format(i as u32, 0, *line, format)?;
        let height = crate::xlsx::width::row_height([(*line, WIDTH * 11.0 / size)], size);
        ws.set_row_height(i as u32, height)?;
    }
    ws.set_paper_size(9);
    Ok(())
}

fn write_info(ws: &mut Worksheet, info: &Info) -> Result<(), XlsxError> {
    let label = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    let value = Format::new()
        .set_border(FormatBorder::Thin)
        .set_unlocked()
        .set_background_color(rust_xlsxwriter::Color::RGB(0xFFF2CC))
        .set_align(FormatAlign::Left)
        .set_align(FormatAlign::VerticalCenter);
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 48)?;
    for (i, (key, name, required)) in input::INFO_FIELDS.iter().enumerate() {
        let r = i as u32;
        ws.set_row_height(r, 22)?;
        ws.write_string_with_format(r, 0, *name, &label)?;
        let text = match *key {
            "agency" => info.agency.clone(),
            "year" => info.year_text.clone(),
            "kind" => info.kind.clone(),
            "scope" => info.scope.clone(),
            "published" => info.published_text.clone(),
            "address" => info.address.clone(),
            "postcode" => info.postcode.clone(),
            "phone" => info.phone.clone(),
            "email" => info.email.clone(),
            "website" => info.website.clone(),
            _ => String::new(),
        };
        match (*key, info.year) {
            ("year", Some(y)) => ws.write_number_with_format(r, 1, y as f64, &value)?,
            _ => ws.write_string_with_format(r, 1, &text, &value)?,
        };
        // Hints live in the cell's input message, not in a cell the reader could take for data.
        let hint = match (*key, *required) {
            ("year", _) => "必填：四位数字年份，例如 2025",
            ("published", _) => {
                "可选：如2026年1月20日；填写后印在报告末尾的落款（机关名称下一行，靠右），PDF、网页和 Word 文档相同；不填则报告末尾不写落款"
            }
            ("kind", _) => {
                "可选：不填则按机关名称判断（…人民政府、…镇人民政府、…局）；决定发布期限"
            }
            ("scope", _) => {
                "仅汇总报告填写：「全部」或用顿号分隔的机关名称；表格将由这些机关的报告相加得出"
            }
            (_, true) => "必填",
            _ => "可选：填写后写入报告开头的联系方式",
        };
        let dv = match *key {
            "year" => DataValidation::new()
                .allow_whole_number(rust_xlsxwriter::DataValidationRule::Between(2021, 2100))
                .set_error_message("请填写四位数字年份，例如 2025。")?,
            "kind" => DataValidation::new()
                .allow_list_strings(&input::AGENCY_KINDS)?
                .set_error_message("请从下拉列表中选择机关类别，或留空。")?,
            _ => DataValidation::new().allow_any_value(),
        };
        ws.add_data_validation(r, 1, r, 1, &dv.set_input_message(hint)?)?;
    }
    print_setup(ws, false);
    ws.protect_with_options(&editable());
    Ok(())
}

/// A note on each cell of 表三 that `new --from` filled in, saying from where.
fn notes(
    ws: &mut Worksheet,
    table: &schema::Table,
    report: &Report,
    carried: &Carried,
) -> Result<(), XlsxError> {
    if table.id != schema::TableId::T3 {
        return Ok(());
    }
    for col in &carried.columns {
        let Some((index, f)) = table.field("carried_in", col) else {
            continue;
        };
        if let Some(cell) = table.field_cell(index) {
            let text = carry::note(carried, report.t3.get(f.row, f.col));
            let note = Note::new(text).add_author_prefix(false).set_width(240);
            ws.insert_note(TABLE_TOP + cell.row as u32, cell.col as u16, &note)?;
        }
    }
    Ok(())
}

/// The row the official tables start at on their sheets (title above, a blank row between).
const TABLE_TOP: u32 = 2;

/// Last year's text for the reference column, by the first row of each of this year's topics;
/// a topic this year's template does not have goes to its section's last row, titled.
fn reference_texts(report: &Report, carried: &Carried) -> BTreeMap<(String, String), String> {
    let mut out: BTreeMap<(String, String), String> = BTreeMap::new();
    for ((key, title), paragraphs) in &carried.prose {
        let topics = report.text.get(key).map(Vec::as_slice).unwrap_or(&[]);
        let target = if topics.iter().any(|t| &t.title == title) {
            title.clone()
        } else {
            topics.last().map(|t| t.title.clone()).unwrap_or_default()
        };
        let mut text = paragraphs.join("\n");
        if &target != title && !title.is_empty() {
            text = format!("【{title}】{text}");
        }
        let entry = out.entry((key.clone(), target)).or_default();
        if !entry.is_empty() {
            entry.push('\n');
        }
        entry.push_str(&text);
    }
    out
}

fn write_text(
    ws: &mut Worksheet,
    report: &Report,
    carried: Option<&Carried>,
) -> Result<(), XlsxError> {
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    ws.set_column_width(0, 28)?;
    ws.set_column_width(1, 22)?;
    ws.set_column_width(2, 90)?;
    for (c, label) in [input::TEXT_SECTION, input::TEXT_TOPIC, input::TEXT_BODY]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, c as u16, *label, &head)?;
    }
    let reference = carried.map(|c| reference_texts(report, c));
    let reference_format = cell.clone().set_font_color(0x595959);
    if reference.is_some() {
        ws.set_column_width(3, 60)?;
        ws.write_string_with_format(0, 3, input::TEXT_REFERENCE, &head)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let mut r = 1u32;
    for (key, heading) in schema::SECTIONS {
        for topic in report.text.get(key).into_iter().flatten() {
            let mut last_year = reference
                .as_ref()
                .and_then(|m| m.get(&(key.to_string(), topic.title.clone())))
                .map(String::as_str);
            for p in &topic.paragraphs {
                ws.write_string_with_format(r, 0, heading, &cell)?;
                ws.write_string_with_format(r, 1, &topic.title, &cell)?;
                ws.write_string_with_format(r, 2, &p.text, &cell)?;
                // Last year's text of the topic beside its first row, the row as tall as it.
                let beside = last_year.take().unwrap_or("");
                if !beside.is_empty() {
                    ws.write_string_with_format(r, 3, beside, &reference_format)?;
                }
                let cells = [
                    (heading, 28.0),
                    (topic.title.as_str(), 22.0),
                    (&p.text, 90.0),
                    // Narrower than the column: its grey text must not be cut at the foot.
                    (beside, 52.0),
                ];
                ws.set_row_height(r, crate::xlsx::width::row_height(cells, 11.0))?;
                r += 1;
            }
        }
    }
    let headings: Vec<&str> = schema::SECTIONS.iter().map(|(_, h)| *h).collect();
    let dv = DataValidation::new()
        .allow_list_strings(&headings)?
        .set_error_message("请从下拉列表中选择章节。")?;
    ws.add_data_validation(1, 0, 999, 0, &dv)?;
    // Printed as filled in: one page wide (段落内容 beside its 章节, not on a page of its own),
    // the header row on every page.
    print_setup(ws, true);
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}
