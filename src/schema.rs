//! The official format (国办公开办函〔2021〕30号) as data.
//!
//! Every official label, row order and merged header cell lives here and nowhere else. The blank
//! input workbook, the reader, the rules, the templates, the PDF and the XLSX writers all walk
//! these values. A revised national format is a new value here, not edits across the crate.

use std::sync::LazyLock;

/// The six section headings, in order, with the key the model and templates use.
pub const SECTIONS: [(&str, &str); 6] = [
    ("overview", "一、总体情况"),
    ("proactive", "二、主动公开政府信息情况"),
    ("requests", "三、收到和处理政府信息公开申请情况"),
    ("appeals", "四、政府信息公开行政复议、行政诉讼情况"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other", "六、其他需要报告的事项"),
];

/// The five topics 一、总体情况 must cover (spec §2.1), as the workbook offers them.
pub const OVERVIEW_TOPICS: [&str; 5] = [
    "主动公开",
    "依申请公开",
    "政府信息管理",
    "政府信息公开平台建设",
    "监督保障",
];

/// Sections whose body is prose written by the agency (the others are tables).
pub const PROSE_SECTIONS: [&str; 3] = ["overview", "problems", "other"];

/// The heading of a section by key.
pub fn section_heading(key: &str) -> Option<&'static str> {
    SECTIONS.iter().find(|(k, _)| *k == key).map(|(_, h)| *h)
}

/// The per-agency output workbook's sheet of the published text (title, preamble, headings,
/// paragraphs, one per row); read back as a document when a workbook has no input sheets.
pub const SHEET_PUBLISHED: &str = "报告正文";

/// The line of the published text sheet that stands where a table is printed, pointing to the
/// table's own sheet; read back, the table is put in its place.
pub fn published_pointer(sheet: &str) -> String {
    format!("（见工作表「{sheet}」）")
}

/// Sheet names and the labels of the input workbook's 基本信息 sheet (our contract with offices).
pub mod input {
    pub const SHEET_INFO: &str = "基本信息";
    pub const SHEET_TEXT: &str = "正文";
    pub const SHEET_GUIDE: &str = "填表说明";

    /// (key, label, required)
    pub const INFO_FIELDS: [(&str, &str, bool); 10] = [
        ("agency", "机关名称", true),
        ("year", "报告年度", true),
        ("kind", "机关类别", false),
        ("scope", "汇总范围", false),
        ("published", "发布日期", false),
        ("address", "联系地址", false),
        ("postcode", "邮政编码", false),
        ("phone", "联系电话", false),
        ("email", "电子邮箱", false),
        ("website", "网址", false),
    ];

    /// What 机关类别 may say (spec §1.1: the kind sets the publication deadline). Blank means
    /// the kind is read from the agency's name.
    pub const AGENCY_KINDS: [&str; 3] = [
        "人民政府部门",
        "县级以上人民政府",
        "乡镇人民政府、街道办事处",
    ];

    /// Column headings of the 正文 sheet.
    pub const TEXT_SECTION: &str = "章节";
    pub const TEXT_TOPIC: &str = "小标题";
    pub const TEXT_BODY: &str = "段落内容";
    /// The column `new --from` fills with last year's text, beside 段落内容; not read.
    pub const TEXT_REFERENCE: &str = "上年报告原文（仅供参考，请勿照抄）";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum TableId {
    T2,
    T3,
    T4,
}

/// What a numeric cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number ≥ 0.
    Count,
    /// An amount in 万元, a decimal ≥ 0 kept as entered.
    Money,
}

/// One numeric cell of an official table and how to find it in a workbook.
#[derive(Debug, Clone)]
pub struct Field {
    pub row: &'static str,
    pub col: &'static str,
    pub kind: Kind,
    /// Label that identifies the row; `None` for table 四 (its one data row has no label).
    pub row_label: Option<&'static str>,
    /// Column header labels from the outermost group to the column itself.
    pub col_path: Vec<&'static str>,
    /// Caption that opens the field's block (table 二): column headers are searched below it.
    pub block: Option<&'static str>,
    /// A 总计 the blank workbook computes with a formula.
    pub is_total: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Caption,
    Header,
    Data,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Label(&'static str),
    /// Index into `Table::fields`.
    Field(usize),
}

/// A cell of the printed grid, spans included.
#[derive(Debug, Clone)]
pub struct GridCell {
    pub row: usize,
    pub col: usize,
    pub rows: usize,
    pub cols: usize,
    pub content: Content,
}

#[derive(Debug)]
pub struct Table {
    pub id: TableId,
    /// Key in the model and templates: `t2`, `t3`, `t4`.
    pub key: &'static str,
    /// Key of the section the table belongs to.
    pub section: &'static str,
    /// Sheet name in the input and output workbooks.
    pub sheet: &'static str,
    pub columns: usize,
    pub row_kinds: Vec<RowKind>,
    pub grid: Vec<GridCell>,
    pub fields: Vec<Field>,
    /// Relative printed widths of the columns.
    pub col_weights: Vec<f32>,
    /// Leading rows repeated when the table continues on another page.
    pub repeat_rows: usize,
}

impl Table {
    pub fn rows(&self) -> usize {
        self.row_kinds.len()
    }

    pub fn field(&self, row: &str, col: &str) -> Option<(usize, &Field)> {
        self.fields
            .iter()
            .enumerate()
            .find(|(_, f)| f.row == row && f.col == col)
    }

    pub fn field_cell(&self, index: usize) -> Option<&GridCell> {
        self.grid
            .iter()
            .find(|c| c.content == Content::Field(index))
    }

    /// Keys of the data rows in printed order (without repeats).
    pub fn row_keys(&self) -> Vec<&'static str> {
        let mut keys: Vec<&'static str> = Vec::new();
        for f in &self.fields {
            if !keys.contains(&f.row) {
                keys.push(f.row);
            }
        }
        keys
    }

    /// The printed label of a data row (its label cell), for messages.
    pub fn row_label(&self, row: &str) -> &'static str {
        self.fields
            .iter()
            .find(|f| f.row == row)
            .and_then(|f| f.row_label)
            .unwrap_or("")
    }

    /// The printed label of a column (innermost header), for messages.
    pub fn col_label(&self, col: &str) -> &'static str {
        self.fields
            .iter()
            .find(|f| f.col == col)
            .and_then(|f| f.col_path.last().copied())
            .unwrap_or("")
    }

    /// The full header path of a column joined for messages (`行政诉讼/复议后起诉/总计`).
    pub fn col_title(&self, col: &str) -> String {
        self.fields
            .iter()
            .find(|f| f.col == col)
            .map(|f| f.col_path.join("/"))
            .unwrap_or_default()
    }

    /// A field named in full: `一、本年新收政府信息公开申请数量 / 自然人` (the row label, then the
    /// column path), as per-agency sheets head their columns and messages name cells.
    pub fn field_title(&self, row: &str, col: &str) -> String {
        match self.row_label(row) {
            "" => self.col_title(col),
            label => format!("{label} / {}", self.col_title(col)),
        }
    }

    /// The fields a 总计 field adds up (indices into `fields`), `None` for an ordinary field.
    /// Table 三: the 总计 column adds the six applicant columns, the （七）总计 row the 21
    /// outcome leaves; table 四: each block's 总计 adds its four outcomes.
    pub fn addends(&self, index: usize) -> Option<Vec<usize>> {
        let f = self.fields.get(index)?;
        if !f.is_total {
            return None;
        }
        let pick = |keep: &dyn Fn(&Field) -> bool| -> Vec<usize> {
            (0..self.fields.len())
                .filter(|i| keep(&self.fields[*i]))
                .collect()
        };
        match self.id {
            TableId::T3 if f.col == "total" => {
                let cols = t3_applicants();
                Some(pick(&|g| g.row == f.row && cols.contains(&g.col)))
            }
            TableId::T3 => {
                let leaves = t3_leaves();
                Some(pick(&|g| g.col == f.col && leaves.contains(&g.row)))
            }
            TableId::T4 => {
                let block = f.col.split('_').next().unwrap_or_default();
                Some(pick(&|g| {
                    g.col.split('_').next() == Some(block) && !g.is_total
                }))
            }
            TableId::T2 => None,
        }
    }

    /// Every sum the official table implies, as field indices: in table 三 each row's 总计 adds
    /// its six applicant columns and each column's （七）总计 its 21 outcome leaves (the corner
    /// cell is both); in table 四 each block's 总计 adds its four outcomes.
    pub fn identities(&self) -> Vec<Identity> {
        let pick = |keep: &dyn Fn(&Field) -> bool| -> Vec<usize> {
            (0..self.fields.len())
                .filter(|i| keep(&self.fields[*i]))
                .collect()
        };
        let mut out = Vec::new();
        for (total, f) in self.fields.iter().enumerate() {
            match self.id {
                TableId::T3 => {
                    if f.col == "total" {
                        let cols = t3_applicants();
                        let addends = pick(&|g| g.row == f.row && cols.contains(&g.col));
                        out.push(Identity {
                            total,
                            addends,
                            along: Along::Row,
                        });
                    }
                    if f.row == "total" {
                        let leaves = t3_leaves();
                        let addends = pick(&|g| g.col == f.col && leaves.contains(&g.row));
                        out.push(Identity {
                            total,
                            addends,
                            along: Along::Column,
                        });
                    }
                }
                TableId::T4 if f.is_total => {
                    if let Some(addends) = self.addends(total) {
                        out.push(Identity {
                            total,
                            addends,
                            along: Along::Row,
                        });
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Every label printed in the table's grid (headers, captions, row labels).
    pub fn labels(&self) -> Vec<&'static str> {
        self.grid
            .iter()
            .filter_map(|c| match c.content {
                Content::Label(text) => Some(text),
                Content::Field(_) => None,
            })
            .collect()
    }

    pub fn heading(&self) -> &'static str {
        section_heading(self.section).unwrap_or("")
    }
}

/// Which way a sum of the official format runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Along {
    Row,
    Column,
}

/// One sum the format implies: `fields[total]` = Σ `fields[addends]`.
#[derive(Debug, Clone)]
pub struct Identity {
    pub total: usize,
    pub addends: Vec<usize>,
    pub along: Along,
}

/// Builds a grid row by row; keeps the declarations below close to the printed tables.
struct Builder {
    table: Table,
}

impl Builder {
    fn new(id: TableId, key: &'static str, section: &'static str, sheet: &'static str) -> Self {
        let columns = 0;
        Builder {
            table: Table {
                id,
                key,
                section,
                sheet,
                columns,
                row_kinds: Vec::new(),
                grid: Vec::new(),
                fields: Vec::new(),
                col_weights: Vec::new(),
                repeat_rows: 0,
            },
        }
    }

    fn row(&mut self, kind: RowKind) -> usize {
        self.table.row_kinds.push(kind);
        self.table.row_kinds.len() - 1
    }

    fn label(&mut self, row: usize, col: usize, rows: usize, cols: usize, text: &'static str) {
        self.table.grid.push(GridCell {
            row,
            col,
            rows,
            cols,
            content: Content::Label(text),
        });
    }

    fn field(&mut self, at: (usize, usize), cols: usize, field: Field) {
        self.table.fields.push(field);
        let index = self.table.fields.len() - 1;
        self.table.grid.push(GridCell {
            row: at.0,
            col: at.1,
            rows: 1,
            cols,
            content: Content::Field(index),
        });
    }

    fn finish(mut self, columns: usize, col_weights: Vec<f32>, repeat_rows: usize) -> Table {
        self.table.columns = columns;
        self.table.col_weights = col_weights;
        self.table.repeat_rows = repeat_rows;
        self.table
    }
}

type T2Block = (
    &'static str,
    &'static [(&'static str, &'static str)],
    Kind,
    &'static [(&'static str, &'static str)],
);
/// Table 二's blocks: (caption, [(column key, header)], kind, [(row key, row label)]).
const T2_BLOCKS: [T2Block; 4] = [
    (
        "第二十条第（一）项",
        &[
            ("issued", "本年制发件数"),
            ("repealed", "本年废止件数"),
            ("in_force", "现行有效件数"),
        ],
        Kind::Count,
        &[("rules", "规章"), ("normative", "行政规范性文件")],
    ),
    (
        "第二十条第（五）项",
        &[("decisions", "本年处理决定数量")],
        Kind::Count,
        &[("licensing", "行政许可")],
    ),
    (
        "第二十条第（六）项",
        &[("decisions", "本年处理决定数量")],
        Kind::Count,
        &[("penalty", "行政处罚"), ("coercion", "行政强制")],
    ),
    (
        "第二十条第（八）项",
        &[("amount", "本年收费金额（单位：万元）")],
        Kind::Money,
        &[("fees", "行政事业性收费")],
    ),
];

pub const T2_CONTENT_HEADER: &str = "信息内容";

fn table2() -> Table {
    let mut b = Builder::new(TableId::T2, "t2", "proactive", "表二");
    for (caption, cols, kind, rows) in T2_BLOCKS {
        let r = b.row(RowKind::Caption);
        b.label(r, 0, 1, 4, caption);
        let h = b.row(RowKind::Header);
        b.label(h, 0, 1, 1, T2_CONTENT_HEADER);
        let span = 3 / cols.len();
        for (i, (_, label)) in cols.iter().enumerate() {
            b.label(h, 1 + i * span, 1, span, label);
        }
        for (row_key, row_label) in rows {
            let d = b.row(RowKind::Data);
            b.label(d, 0, 1, 1, row_label);
            for (i, (col_key, col_label)) in cols.iter().enumerate() {
                let field = Field {
                    row: row_key,
                    col: col_key,
                    kind,
                    row_label: Some(row_label),
                    col_path: vec![col_label],
                    block: Some(caption),
                    is_total: false,
                };
                b.field((d, 1 + i * span), span, field);
            }
        }
    }
    b.finish(4, vec![1.6, 1.0, 1.0, 1.0], 0)
}

pub const T3_NOTE: &str = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
pub const T3_APPLICANT: &str = "申请人情况";
pub const T3_LEGAL_PERSON: &str = "法人或其他组织";
pub const T3_RESULTS: &str = "三、本年度办理结果";

/// The six applicant columns and 总计 of table 三; the first and last are not under 法人.
pub const T3_COLS: [(&str, &str); 7] = [
    ("natural", "自然人"),
    ("business", "商业企业"),
    ("research", "科研机构"),
    ("nonprofit", "社会公益组织"),
    ("legal", "法律服务机构"),
    ("other", "其他"),
    ("total", "总计"),
];

/// Table 三's outcome groups: (group label, [(row key, row label)]). A group label of `None`
/// is a single row that spans both label columns.
type T3Group = (
    Option<&'static str>,
    &'static [(&'static str, &'static str)],
);
const T3_OUTCOMES: [T3Group; 7] = [
    (None, &[("open", "（一）予以公开")]),
    (
        None,
        &[(
            "partial",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        )],
    ),
    (
        Some("（三）不予公开"),
        &[
            ("secret", "1.属于国家秘密"),
            ("prohibited", "2.其他法律行政法规禁止公开"),
            ("security", "3.危及“三安全一稳定”"),
            ("third_party", "4.保护第三方合法权益"),
            ("internal", "5.属于三类内部事务信息"),
            ("process", "6.属于四类过程性信息"),
            ("enforcement", "7.属于行政执法案卷"),
            ("query", "8.属于行政查询事项"),
        ],
    ),
    (
        Some("（四）无法提供"),
        &[
            ("not_held", "1.本机关不掌握相关政府信息"),
            ("needs_creation", "2.没有现成信息需要另行制作"),
            ("unclear", "3.补正后申请内容仍不明确"),
        ],
    ),
    (
        Some("（五）不予处理"),
        &[
            ("petition", "1.信访举报投诉类申请"),
            ("repeated", "2.重复申请"),
            ("publication", "3.要求提供公开出版物"),
            ("vexatious", "4.无正当理由大量反复申请"),
            ("confirm", "5.要求行政机关确认或重新出具已获取信息"),
        ],
    ),
    (
        Some("（六）其他处理"),
        &[
            (
                "no_correction",
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            ),
            (
                "unpaid",
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            ),
            ("misc", "3.其他"),
        ],
    ),
    (None, &[("total", "（七）总计")]),
];

/// 表三's （六）其他处理 group: the 2019 format had it as one row without these items.
pub fn t3_other_group() -> (&'static str, &'static [(&'static str, &'static str)]) {
    let (group, rows) = T3_OUTCOMES[5];
    (group.unwrap_or_default(), rows)
}

/// The labels of older formats (spec §6), to name an outdated template instead of reporting
/// every official label it lacks.
pub mod old {
    /// Table 二 of the 2019 trial format (国办公开办函〔2019〕60号).
    pub const T2_2019: [&str; 7] = [
        "本年新制作数量",
        "本年新公开数量",
        "对外公开总数量",
        "上一年项目数量",
        "本年增/减",
        "其他对外管理服务事项",
        "政府集中采购",
    ];
    /// The indicator tables of reports before 2019 (2008 条例).
    pub const PRE_2019: [&str; 5] = [
        "计量单位",
        "指标名称",
        "同意公开答复数",
        "否决公开答复总数",
        "否决公开答复数",
    ];
}

pub const T3_NEW: (&str, &str) = ("new", "一、本年新收政府信息公开申请数量");
pub const T3_CARRIED_IN: (&str, &str) = ("carried_in", "二、上年结转政府信息公开申请数量");
pub const T3_CARRIED_OUT: (&str, &str) = ("carried_out", "四、结转下年度继续办理");

/// Keys of the 21 outcome leaves of table 三 (the rows （七）总计 adds up).
pub fn t3_leaves() -> Vec<&'static str> {
    T3_OUTCOMES
        .iter()
        .flat_map(|(_, rows)| rows.iter().map(|(k, _)| *k))
        .filter(|k| *k != "total")
        .collect()
}

/// Keys of table 三's six applicant columns (the columns 总计 adds up).
pub fn t3_applicants() -> Vec<&'static str> {
    T3_COLS[..6].iter().map(|(k, _)| *k).collect()
}

fn t3_path(col: usize) -> Vec<&'static str> {
    let (_, label) = T3_COLS[col];
    if (1..6).contains(&col) {
        vec![T3_APPLICANT, T3_LEGAL_PERSON, label]
    } else {
        vec![T3_APPLICANT, label]
    }
}

fn t3_data_row(b: &mut Builder, d: usize, key: &'static str, label: &'static str) {
    for (c, (col_key, _)) in T3_COLS.iter().enumerate() {
        let field = Field {
            row: key,
            col: col_key,
            kind: Kind::Count,
            row_label: Some(label),
            col_path: t3_path(c),
            block: None,
            is_total: *col_key == "total" || key == "total",
        };
        b.field((d, 3 + c), 1, field);
    }
}

fn table3() -> Table {
    let mut b = Builder::new(TableId::T3, "t3", "requests", "表三");
    let (h1, h2, h3) = (
        b.row(RowKind::Header),
        b.row(RowKind::Header),
        b.row(RowKind::Header),
    );
    b.label(h1, 0, 3, 3, T3_NOTE);
    b.label(h1, 3, 1, 7, T3_APPLICANT);
    b.label(h2, 3, 2, 1, T3_COLS[0].1);
    b.label(h2, 4, 1, 5, T3_LEGAL_PERSON);
    b.label(h2, 9, 2, 1, T3_COLS[6].1);
    for (i, (_, label)) in T3_COLS[1..6].iter().enumerate() {
        b.label(h3, 4 + i, 1, 1, label);
    }
    for (key, label) in [T3_NEW, T3_CARRIED_IN] {
        let d = b.row(RowKind::Data);
        b.label(d, 0, 1, 3, label);
        t3_data_row(&mut b, d, key, label);
    }
    let results_rows: usize = T3_OUTCOMES.iter().map(|(_, rows)| rows.len()).sum();
    let first = b.table.row_kinds.len();
    b.label(first, 0, results_rows, 1, T3_RESULTS);
    for (group, rows) in T3_OUTCOMES {
        let top = b.table.row_kinds.len();
        if let Some(group) = group {
            b.label(top, 1, rows.len(), 1, group);
        }
        for (key, label) in rows {
            let d = b.row(RowKind::Data);
            match group {
                Some(_) => b.label(d, 2, 1, 1, label),
                None => b.label(d, 1, 1, 2, label),
            }
            t3_data_row(&mut b, d, key, label);
        }
    }
    let d = b.row(RowKind::Data);
    b.label(d, 0, 1, 3, T3_CARRIED_OUT.1);
    t3_data_row(&mut b, d, T3_CARRIED_OUT.0, T3_CARRIED_OUT.1);
    let mut weights = vec![0.65, 1.3, 2.75];
    weights.extend([1.0; 7]);
    b.finish(10, weights, 3)
}

pub const T4_REVIEW: &str = "行政复议";
pub const T4_SUIT: &str = "行政诉讼";
pub const T4_DIRECT: &str = "未经复议直接起诉";
pub const T4_AFTER: &str = "复议后起诉";

/// The five outcome columns each block of table 四 has; the last is the block's 总计.
pub const T4_OUTCOMES: [(&str, &str); 5] = [
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
];

/// Table 四's blocks: (key prefix, header path above the five outcome columns).
pub const T4_BLOCKS: [(&str, &[&str]); 3] = [
    ("review", &[T4_REVIEW]),
    ("direct", &[T4_SUIT, T4_DIRECT]),
    ("after", &[T4_SUIT, T4_AFTER]),
];

pub const T4_ROW: &str = "cases";

/// Column key of a table 四 cell: `review_upheld`, `after_total` …
pub fn t4_col(block: &str, outcome: &str) -> &'static str {
    T4_KEYS
        .iter()
        .find(|k| k.strip_prefix(block).and_then(|r| r.strip_prefix('_')) == Some(outcome))
        .copied()
        .unwrap_or("")
}

const T4_KEYS: [&str; 15] = [
    "review_upheld",
    "review_corrected",
    "review_other",
    "review_pending",
    "review_total",
    "direct_upheld",
    "direct_corrected",
    "direct_other",
    "direct_pending",
    "direct_total",
    "after_upheld",
    "after_corrected",
    "after_other",
    "after_pending",
    "after_total",
];

fn table4() -> Table {
    let mut b = Builder::new(TableId::T4, "t4", "appeals", "表四");
    let (h1, h2, h3) = (
        b.row(RowKind::Header),
        b.row(RowKind::Header),
        b.row(RowKind::Header),
    );
    b.label(h1, 0, 1, 5, T4_REVIEW);
    b.label(h1, 5, 1, 10, T4_SUIT);
    b.label(h2, 5, 1, 5, T4_DIRECT);
    b.label(h2, 10, 1, 5, T4_AFTER);
    let d = b.row(RowKind::Data);
    for (bi, (block, path)) in T4_BLOCKS.iter().enumerate() {
        for (oi, (outcome, label)) in T4_OUTCOMES.iter().enumerate() {
            let col = bi * 5 + oi;
            if bi == 0 {
                b.label(h2, col, 2, 1, label);
            } else {
                b.label(h3, col, 1, 1, label);
            }
            let mut col_path = path.to_vec();
            col_path.push(label);
            let field = Field {
                row: T4_ROW,
                col: t4_col(block, outcome),
                kind: Kind::Count,
                row_label: None,
                col_path,
                block: None,
                is_total: *outcome == "total",
            };
            b.field((d, col), 1, field);
        }
    }
    b.finish(15, vec![1.0; 15], 3)
}

static TABLES: LazyLock<[Table; 3]> = LazyLock::new(|| [table2(), table3(), table4()]);

/// The three official tables in printed order.
pub fn tables() -> &'static [Table; 3] {
    &TABLES
}

pub fn table(id: TableId) -> &'static Table {
    let [t2, t3, t4] = tables();
    match id {
        TableId::T2 => t2,
        TableId::T3 => t3,
        TableId::T4 => t4,
    }
}

pub fn table_by_key(key: &str) -> Option<&'static Table> {
    tables().iter().find(|t| t.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every grid position is covered by exactly one cell, inside the table.
    fn assert_tiled(t: &Table) {
        let mut seen = vec![vec![0u8; t.columns]; t.rows()];
        for c in &t.grid {
            for row in &mut seen[c.row..c.row + c.rows] {
                for n in &mut row[c.col..c.col + c.cols] {
                    *n += 1;
                }
            }
        }
        for (r, row) in seen.iter().enumerate() {
            for (k, n) in row.iter().enumerate() {
                assert_eq!(*n, 1, "{} cell ({r},{k}) covered {n} times", t.key);
            }
        }
    }

    #[test]
    fn grids_tile_exactly() {
        for t in tables() {
            assert_tiled(t);
            assert_eq!(t.col_weights.len(), t.columns);
        }
    }

    #[test]
    fn table_three_has_25_data_rows_and_21_leaves() {
        let t = table(TableId::T3);
        assert_eq!(t.row_keys().len(), 25);
        assert_eq!(t.fields.len(), 25 * 7);
        assert_eq!(t3_leaves().len(), 21);
        assert_eq!(t.rows(), 28);
    }

    #[test]
    fn field_counts_match_the_format() {
        assert_eq!(table(TableId::T2).fields.len(), 10);
        assert_eq!(table(TableId::T4).fields.len(), 15);
        assert!(T4_KEYS.iter().all(|k| !k.is_empty()));
        assert_eq!(t4_col("after", "total"), "after_total");
    }

    #[test]
    fn totals_add_the_right_fields() {
        let t3 = table(TableId::T3);
        let (i, _) = t3.field("new", "total").unwrap();
        assert_eq!(t3.addends(i).unwrap().len(), 6);
        let (i, _) = t3.field("total", "natural").unwrap();
        assert_eq!(t3.addends(i).unwrap().len(), 21);
        let (i, _) = t3.field("total", "total").unwrap();
        assert_eq!(t3.addends(i).unwrap().len(), 6);
        let (i, _) = t3.field("new", "natural").unwrap();
        assert!(t3.addends(i).is_none());
        let t4 = table(TableId::T4);
        let (i, _) = t4.field(T4_ROW, "direct_total").unwrap();
        let cols: Vec<_> = t4
            .addends(i)
            .unwrap()
            .iter()
            .map(|j| t4.fields[*j].col)
            .collect();
        assert_eq!(
            cols,
            [
                "direct_upheld",
                "direct_corrected",
                "direct_other",
                "direct_pending"
            ]
        );
    }

    #[test]
    fn labels_are_exact() {
        let t = table(TableId::T3);
        assert_eq!(t.row_label("security"), "3.危及“三安全一稳定”");
        assert_eq!(
            t.row_label("unpaid"),
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
        );
        let t2 = table(TableId::T2);
        assert_eq!(t2.col_label("amount"), "本年收费金额（单位：万元）");
    }

    #[test]
    fn row_labels_are_unique_within_each_table() {
        for t in tables() {
            let keys = t.row_keys();
            let labels: std::collections::BTreeSet<_> =
                keys.iter().map(|k| t.row_label(k)).collect();
            assert_eq!(labels.len(), keys.len(), "{}", t.key);
        }
    }
}
