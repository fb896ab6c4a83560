//! Every finding code in one list: its severity, what it looks at, one line saying what it means
//! and a real message (with its hints) it gives. The `Code` enum is generated from the same list,
//! so a code cannot exist without its entry. `nianbao rules` and `docs/rules.md` read this list;
//! a test pins every example to the message its fixture really gives.

use super::Severity;

/// What a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The file itself, while it is read (format, size, sheets, labels).
    File,
    /// One agency's report.
    Report,
    /// All workbooks of the batch together.
    Batch,
    /// This year's report against last year's.
    History,
    /// What building the report needs (templates, fonts).
    Build,
}

impl Scope {
    pub fn chinese(self) -> &'static str {
        match self {
            Scope::File => "读取文件",
            Scope::Report => "单份报告",
            Scope::Batch => "整批工作簿",
            Scope::History => "与上年报告对照",
            Scope::Build => "生成报告",
        }
    }
}

pub struct Rule {
    pub code: Code,
    pub severity: Severity,
    pub scope: Scope,
    /// What the finding means, in one line.
    pub doc: &'static str,
    /// A message the rule really gives (from its fixture), and its hints.
    pub example: &'static str,
    pub hints: &'static [&'static str],
}

macro_rules! codes {
    ($($code:ident $severity:ident $scope:ident $doc:literal $example:literal [$($hint:literal),*];)*) => {
        /// Stable codes; the letter says the family (F file, D documents, S structure, B basic info, N output
        /// names, G glyphs, P report template, R arithmetic and types, V completeness and labels,
        /// Y years and dates, X last year's report, T text against tables, K copies, C content,
        /// A aggregate reports).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        pub enum Code { $($code),* }

        pub const RULES: &[Rule] = &[$(Rule {
            code: Code::$code,
            severity: Severity::$severity,
            scope: Scope::$scope,
            doc: $doc,
            example: $example,
            hints: &[$($hint),*],
        }),*];
    };
}

codes! {
    F1 Error File
        "文件无法作为工作簿打开（损坏、不是表格文件）。"
        "这是文本文件（可能是 CSV 或网页另存的表格），不是工作簿。"
        ["请用 nianbao new 生成的模板填写，用 Excel 或 WPS 打开后另存为 .xlsx 再试。"];
    F2 Error File
        "不支持的表格格式（.et、.xlsb、.csv、.numbers 等）。"
        "这是WPS表格格式（.et），nianbao 不能读取。"
        ["请用 Excel 或 WPS 打开后「另存为」Excel 工作簿（*.xlsx），放回 input/ 后重新运行。"];
    F3 Error File
        "工作簿设置了打开密码。"
        "工作簿设置了打开密码，无法读取。"
        ["请在 Excel 中依次点「文件 → 信息 → 保护工作簿 → 用密码进行加密」，清空密码后保存（WPS：「文件 → 文档加密 → 密码加密」）；或另存一份不加密的 .xlsx 再提交。"];
    F4 Error File
        "工作簿超过读取上限（文件大小、部件数、单元格数），未解析。"
        "工作表「表三」的内容一直延伸到 XFD1048576，读取需要展开约17179869184个单元格（上限 2000000），未读取。"
        ["请删除表格范围之外的内容（选中多余的行和列后删除，不只是清除内容），另存为 .xlsx 再试。"];
    F5 Error File
        "不是普通文件（管道、设备、无效或循环的链接）。"
        "这不是普通文件，而是一个命名管道（FIFO），未读取。"
        ["请把真正的工作簿文件（不是链接或快捷方式）放进 input/。"];
    S1 Error File
        "缺少必需的工作表。"
        "缺少工作表「表三」。"
        ["请使用 nianbao new 生成的模板填写，不要删除或重命名工作表。"];
    S2 Error File
        "找不到官方标签（也没有足够接近的写法）；该表能定位的行列照常检查。"
        "找不到标签「4.保护第三方合法权益」（最接近的是 C13「4.保护第三人利益」，但差别太大，无法确定）。表三必须保留官方表格的全部标签；能找到的行和列仍已校验。"
        ["请从 nianbao new 生成的空白工作簿复制该表，或按官方格式补回该标签。"];
    S3 Error File
        "同一个官方标签出现多次，无法确定数据所在的行。"
        "标签「2.重复申请」出现了2次（E24、E64），无法确定数据所在的行。"
        ["请删除多余的行，每个标签只保留一处。"];
    S4 Warning File
        "内容在读取范围之外，已忽略（在「正文」中为错误：文字会丢失）。"
        "表三!XFD1048576 在读取范围 A1:CV500 之外，已忽略。"
        ["请删除表格之外的内容，或确认其中没有需要填报的数字。"];
    S5 Error File
        "工作簿是2019年以前的统计表（指标名称、计量单位式），不是2021年格式。"
        "表三是2019年以前的统计表格式（D3 有「计量单位」），不是国办公开办函〔2021〕30号规定的格式，未做数字校验。"
        ["请用 nianbao new 生成的新模板重新填写。"];
    D1 Error File
        "文档（Word、网页、PDF）不是政府信息公开工作年度报告：找不到六个部分的标题，也找不到统计表。"
        "文档有3段文字、0个表格，开头是「关于召开2025年度工作总结会的通知」，找不到年度报告的六个部分标题和三张统计表，不是政府信息公开工作年度报告。"
        ["请确认放入的是年度报告本身；扫描件请向发布单位索取原文件。"];
    D2 Error File
        "文档中找不到某一张官方统计表（按表头文字查找）。"
        "文档中找不到表四（「四、政府信息公开行政复议、行政诉讼情况」下的统计表），其中的数字都未读取。"
        ["请在「四、政府信息公开行政复议、行政诉讼情况」下插入国办公开办函〔2021〕30号规定的表格（可从 nianbao new 生成的工作簿或上年报告中复制），表头文字不要改动。"];
    D3 Warning File
        "Word 文档中有未接受或拒绝的修订，已按接受全部修订后的文字读取。"
        "文档中有2处未处理的修订（插入或删除），已按接受全部修订读取，第一处在第1个表格第3行第2列。"
        ["请在 Word 或 WPS 中点「审阅 → 接受所有修订」（或逐条处理）后保存，再发布。"];
    D4 Error File
        "PDF 没有可提取的文字（扫描件，或字体缺少文字映射），无法读取。"
        "PDF 共2页，没有可提取的文字（可能是扫描件或图片），无法读取其中的数字。"
        ["请向发布单位索取 Word 原文件或有文字层的 PDF（WPS、Word 中「另存为 PDF」），不要用扫描件。"];
    D5 Error File
        "PDF 表格中有数字越过单元格边线、印到了相邻的格里，这两格读出的数字不可靠。"
        "第6页表格第4行，「32387」越过第7列与第8列之间的边线，印到了相邻的格里，这两格的数字无法确定，读出的数字不可靠。"
        ["请加宽该列或缩小表格字号，让每个数字都在自己的格内，重新生成 PDF 后再发布；核对时以原始数据为准。"];
    D6 Error File
        "PDF 中部分字符的字体缺少文字映射，这些字符无法提取，读出的内容可能不全。"
        "第1页有25个字符的字体缺少文字映射（ToUnicode），无法提取；这些字符所在的数字和文字没有读出，读出的内容可能不全。"
        ["请向发布单位索取 Word 原文件，或用 WPS、Word「另存为 PDF」重新生成（嵌入字体时保留文字信息）后再核对。"];
    B1 Error Report
        "机关名称未填写。"
        "机关名称未填写，报告标题和输出文件名都需要机关名称。"
        ["请在「基本信息」中填写机关名称（规范全称）。"];
    B2 Error Batch
        "同一机关同一年度有两个工作簿。"
        "「江岚县交通运输局」2025年度的报告已由 dup/a.xlsx 提供，本工作簿重复。"
        ["请核对机关名称是否复制自其他单位，或删除重复的工作簿。"];
    B3 Error Report
        "工作簿交回了，但三张表没有任何数字、正文没有任何内容（未填写）。"
        "工作簿没有填写：表二、表三、表四没有任何数字，正文没有任何内容。"
        ["请填写后重新交回。"];
    N1 Error Batch
        "两个机关名称会生成同名文件（只差大小写或文件名不能含有的字符）。"
        "机关名称「江岚县测试交通局.」与 input/1.xlsx 中的「江岚县测试交通局」生成的文件名相同（江岚县测试交通局.pdf：文件名不能含有 / \\ : * ? \" < > | 等字符，且不区分大小写），两份报告会互相覆盖。"
        ["请核对两个工作簿的机关名称，使用规范全称。"];
    G1 Error Build
        "有字符没有任何可用字体能显示。"
        "字符「」（U+E000）在所有可用字体中都没有，无法显示。出现在「本年度未收取信息处理费。…」。"
        ["请改用常用字，或把含有该字的字体放进 fonts/ 文件夹。"];
    P1 Error Build
        "报告模板无法生成这份报告（templates/ 中的自定义模板有误）。"
        "无法用报告模板生成这份报告：渲染模板 report.md.tera 出错：error: Field `agncy` is not defined. Available fields: address, agency, email, kind, phone, postcode, published, published_text, scope, website, year\n --> preamble.md.tera:1:9\n  |\n1 | {{ info.agncy }}\n  |         ^^^^^\n\nnote: called from report.md.tera:5:12\n  |\n5 | {% include \"preamble.md.tera\" %}\n  |            ^^^^^^^^^^^^^^^^^^。"
        ["请检查 templates/ 中的自定义模板。"];
    R1 Error Report
        "表三每一行：总计 = 自然人至其他六列之和（派生勾稽关系）。"
        "「一、本年新收政府信息公开申请数量」行：总计应为自然人至其他六列之和 27，实际填写 28（派生勾稽关系）。"
        ["请核对各列数字和总计。"];
    R2 Error Report
        "表三每一列：（七）总计 = （一）至（六）各项办理结果之和（派生勾稽关系）。"
        "「商业企业」列：（七）总计应为（一）至（六）各项办理结果之和 5，实际填写 6（派生勾稽关系）。"
        ["请核对各项办理结果和总计。"];
    R3 Error Report
        "表三每一列：第一项加第二项之和等于第三项加第四项之和（官方表头写明的勾稽关系）。"
        "「自然人」列：第一项加第二项之和为 21 + 2 = 23，第三项（七）总计加第四项之和为 21 + 1 = 22，两者应相等。"
        ["请核对这一列新收、上年结转、办理结果和结转下年度的数字。"];
    R4 Error Report
        "表四每个栏目：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结。"
        "「行政复议」的总计应为结果维持、结果纠正、其他结果、尚未审结之和 1，实际填写 0（派生勾稽关系）。"
        ["请核对该栏目各项结果和总计。"];
    R5 Error Report
        "数字格式不对：件数须为不小于 0 的整数，金额须为不小于 0 的数。"
        "「一、本年新收政府信息公开申请数量」行「自然人」列：12345678901 数字过大。"
        ["请核对是否多输入了数字。"];
    V1 Warning Report
        "表格中有空白单元格：空白不等于 0，没有发生的情形应填 0。"
        "表三 共9格空白，分布在3行：D10:F12。空白不等于 0。"
        ["没有发生的情形请填 0。"];
    V2 Warning File
        "标签、章节名称与官方写法略有不同（编号样式、增减字、错别字、2019年旧模板），已按官方写法识别。"
        "表二!A6 写的是「规范性文件」，官方写法是「行政规范性文件」，已按官方标签读取。"
        ["请改为官方写法。"];
    V3 Warning Report
        "发布日期晚于条例规定的期限（部门1月31日，县级以上人民政府3月31日，乡镇街道可在 nianbao.toml 设定）。"
        "发布日期 2026年5月6日 晚于 2026年1月31日。条例第四十九条要求县级以上人民政府部门于每年1月31日前公布上一年度报告。"
        ["本机关按名称判断为人民政府部门；如不是，请在「基本信息」的「机关类别」中选择。", "如报告确已按期发布，请改正发布日期。"];
    V4 Warning File
        "以文本形式存储的数字，已按数值读取。"
        "「1268」是以文本形式存储的数字，已按数值读取。"
        ["请把单元格改为数值格式（选中后点单元格旁的感叹号，选「转换为数字」）。"];
    V5 Info File
        "总计单元格有公式但没有保存结果，已按官方口径计算。"
        "31个「总计」单元格（D29 等）有公式但没有保存计算结果（由程序生成、未在 Excel 或 WPS 中打开保存过的工作簿常见），已按官方口径用各项之和计算。"
        ["在 Excel 或 WPS 中打开并保存一次即可消除本提示。"];
    V6 Info File
        "按通常写法填写的数字或日期（千位分隔符、中文数字的日期），已按其值读取。"
        "「1,268」中的逗号是千位分隔符，已按 1268 读取。"
        ["请直接填写 1268，不加逗号。"];
    Y1 Error Report
        "报告年度未填写。"
        "报告年度未填写。"
        ["请在「基本信息」中填写四位数字年份，例如 2025。"];
    Y2 Error File
        "报告年度不是年份。"
        "报告年度「去年」不是年份。"
        ["请填写四位数字年份，例如 2025。"];
    Y3 Error Report
        "报告年度早于2021年（本格式从2021年度起适用）。"
        "报告年度 2019 早于2021年。本工具按国办公开办函〔2021〕30号格式编制2021年度及以后的报告。"
        ["请核对报告年度。"];
    Y4 Error Report
        "报告年度晚于今年，统计期尚未开始。"
        "报告年度 2099 晚于今年（2026年），统计期尚未开始。"
        ["请核对报告年度。"];
    Y5 Warning Report
        "报告年度是今年，统计期尚未结束。"
        "报告年度为今年（2026年），统计期到12月31日才结束。年度报告通常在次年1月编制上一年度的情况。"
        ["请确认报告年度。"];
    Y6 Warning File
        "发布日期无法识别为日期。"
        "发布日期「一月下旬」无法识别为日期。"
        ["请填写如「2026年1月20日」或「2026-01-20」。"];
    Y7 Warning Report
        "发布日期不晚于统计期结束。"
        "发布日期 2025年12月1日 不晚于统计期结束（2025年12月31日），年度报告应在统计期结束后发布。"
        ["请核对发布日期或报告年度。"];
    Y8 Warning Report
        "正文把其他年份写成本年度（常见于照搬上年报告），或统计期写错。"
        "「2024年，县交通运输局通过县政府门户网站部门专栏主动公开政…」：本报告是2025年度报告，这里写的是2024年，可能照搬了上年报告。"
        ["请改为2025年；如确指2024年的情况，请写明。"];
    Y9 Warning Batch
        "工作簿的报告年度与本批其他工作簿不同（如上年的工作簿误放进 input/），报告将生成到它自己年度的文件夹。"
        "报告年度是2024年，本批其他工作簿是2025年度。这份报告将生成到2024年度的文件夹（output/2024/），该年度的发布清单、汇总和检查报告也会随之更新。"
        ["如果是上年的工作簿误放进来，请把它移出 input/；如果年度填错了，请改正「基本信息」中的报告年度。"];
    X1 Warning History
        "表三「二、上年结转」与上年报告「四、结转下年度继续办理」不一致（可在 nianbao.toml 设为错误）。"
        "「自然人」列：上年结转1件，与2024年度报告的结转下年度继续办理0件不一致，两者应相等。"
        ["请核对本年或上年的数字。"];
    X2 Warning History
        "现行有效件数 ≠ 上年现行有效件数 + 本年制发 − 本年废止（修订、自然失效时可能合理）。"
        "「行政规范性文件」：上年现行有效5件 + 本年制发2件 − 本年废止1件 = 6件，本年填写现行有效9件。"
        ["如有修订或自然失效，请在正文中说明；否则请核对这几个数字。"];
    X3 Warning History
        "本年废止件数多于上年现行有效件数与本年制发件数之和。"
        "「规章」：本年废止3件，多于上年现行有效0件与本年制发0件之和 0，废止的文件不可能比现有的多。"
        ["请核对本年废止件数和上年现行有效件数。"];
    X4 Info History
        "没有找到上年报告的数据，跨年度核对（X1–X3）未进行。"
        "没有找到2024年度的报告数据（已查找 output），跨年度核对（X1–X3）未进行。"
        ["如有上年报告，请用 --previous 指定其文件或文件夹。"];
    X5 Warning History
        "上年的报告记录无法读取（损坏、不完整），或同一机关同一年度有两份，未用于跨年度核对。"
        "上年的报告记录 output/2024/江岚县青石镇人民政府.json 无法读取（文件不完整或已损坏），未用于跨年度核对。"
        ["请用上年的工作簿重新生成，或用 --previous 指定上年的工作簿。"];
    T1 Warning Report
        "正文引用的数字与表格不一致。"
        "正文写「本年度收取行政事业性收费365800元」，表二「行政事业性收费」的本年收费金额为 36.85 万元。"
        ["请核对正文或表格。"];
    K1 Warning Batch
        "正文提到本批另一个机关的名称，可能照搬了其他单位的报告。"
        "正文提到「江岚县青石镇人民政府」（本批另一个机关）：「2025年，青石镇通过县政府门户网站镇级专栏主动公开政府信息…」。"
        ["如果是照搬其他单位的报告，请改为本机关的情况。"];
    K2 Warning Batch
        "两个机关的同一部分几乎相同（内容雷同）。"
        "「一、总体情况」与 input/江岚县白沙镇人民政府.xlsx（江岚县白沙镇人民政府）的同一部分有 100% 相同，内容雷同是问责情形之一。"
        ["请按本机关的实际情况撰写。"];
    K3 Warning Report
        "正文的自称（我局、我镇、我办…）与机关类别不符。"
        "正文写「我镇」，但本机关是「江岚县交通运输局」，可能照搬了其他单位的报告。"
        ["请改为「我局」。"];
    C1 Warning Report
        "条例要求的正文部分没有内容。"
        "「六、其他需要报告的事项」没有内容，条例第五十条要求报告这一部分。"
        ["请在「正文」中补写。"];
    C2 Info File
        "单元格中看不见的字符（零宽空格等）已删除。"
        "单元格中有看不见的字符（零宽空格、软连字符、字节顺序标记等，多见于从网页或聊天软件复制的文字），已删除。"
        [];
    C3 Warning File
        "「正文」中有文字不在报告的三列里，或写在第一个章节之前，不会进入报告。"
        "「这句写在了备注列」写在「章节」「小标题」「段落内容」三列之外，不会进入报告。"
        ["请把正文写在「段落内容」列（每段一行），小标题写在「小标题」列。"];
    C4 Error Report
        "一段或整篇正文超过一份报告可能的长度（重复粘贴）。"
        "段落「政府信息公开工作政府信息公开工…」有24000个字，超过一段的上限20000字（报告一页约600字）。"
        ["请检查是否重复粘贴，或把它分成多段、每段一行。"];
    C5 Warning Report
        "「六、其他需要报告的事项」没有说明是否收取信息处理费。"
        "「六、其他需要报告的事项」没有说明信息处理费的收取情况。"
        ["请写明收费金额和件数，或写明「本年度未收取信息处理费」。"];
    C6 Warning Report
        "「五、存在的主要问题及改进情况」只写了问题或只写了措施。"
        "「五、存在的主要问题及改进情况」只写了改进措施，没有写存在的问题。"
        ["请写明本年度存在的主要问题。"];
    C7 Info Report
        "「一、总体情况」没有涵盖五个方面（主动公开、依申请公开、政府信息管理、平台建设、监督保障）。"
        "「一、总体情况」没有写到「监督保障」。按格式要求，总体情况应涵盖主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障五个方面。"
        [];
    A1 Info Batch
        "汇总报告的表格由「汇总范围」所列机关的报告相加得出。"
        "本报告是汇总报告，表二至表四由3个机关的报告相加得出：江岚县交通运输局、江岚县人民政府办公室、江岚县青石镇人民政府。"
        [];
    A2 Warning Batch
        "汇总报告中填写的数字与所汇总机关的合计不符（报告按合计生成）。"
        "本报告是汇总报告，表三的数字由所汇总机关相加得出；「一、本年新收政府信息公开申请数量 / 申请人情况/自然人」填写 5，所汇总机关合计 72，已按合计生成，填写的数字不会使用。"
        ["可以清空汇总报告中填写的数字，或核对各机关的工作簿。"];
    A3 Error Batch
        "「汇总范围」中的机关在本批找不到、年度不同、是本机关自己，汇总范围互相包含，或同一机关被汇总两次。"
        "汇总范围中的「江岚县交通局」在本批工作簿中没有找到。是否指「江岚县交通运输局」？"
        ["请按该机关工作簿「基本信息」中的机关名称填写。"];
    A4 Error Batch
        "所汇总的机关的工作簿有错误或无法读取，汇总结果不可靠。"
        "所汇总的「江岚县人民政府办公室」（input/江岚县人民政府办公室.xlsx）有1个错误，汇总结果在其更正之前不可靠。"
        ["请先更正该机关的工作簿。"];
    A5 Error Batch
        "「汇总范围」为「全部」，但名单上有机关没有交回工作簿或不能生成，汇总不完整。"
        "汇总范围为「全部」，但名单（input/名单.txt）上的1个机关没有交回工作簿，不在汇总之内：江岚县民政局。"
        ["请等这些机关交回后再生成；确需先发布的，可在 nianbao.toml 的 [severity] 中写 A5 = \"warning\"，报告会写明汇总了哪些机关。"];
}

/// What a code protects, for the codes that cannot be lowered below error in `nianbao.toml`:
/// without them a report would overwrite another's, be filed under no year, be built from a
/// file that is not a workbook, or be published with characters that cannot be shown.
pub fn guards(code: Code) -> Option<&'static str> {
    Some(match code {
        Code::F1 | Code::F2 | Code::F3 | Code::F4 | Code::F5 => "它说明文件不能作为工作簿读取",
        Code::B1 => "没有机关名称就没有报告标题和文件名",
        Code::B2 | Code::N1 => "它防止两份报告写进同一组文件、互相覆盖",
        Code::Y1 | Code::Y2 => "没有报告年度就不知道报告应放进哪一年的文件夹",
        Code::G1 => "缺字的报告无法正确显示",
        Code::P1 => "模板无法生成的报告没有内容可以发布",
        Code::C4 => "超长的正文超出了排版能处理的范围",
        _ => return None,
    })
}

/// The registry entry of `code` (the enum is generated in the list's order).
pub fn rule(code: Code) -> &'static Rule {
    &RULES[code as usize]
}

impl Code {
    /// The severity the rule gives this code (before `nianbao.toml` overrides).
    pub fn severity(self) -> Severity {
        rule(self).severity
    }

    /// Parses `X1` (as written in `nianbao.toml`).
    pub fn parse(text: &str) -> Option<Code> {
        RULES
            .iter()
            .map(|r| r.code)
            .find(|c| c.to_string().eq_ignore_ascii_case(text.trim()))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

/// `docs/rules.md`, composed from the registry.
pub fn markdown() -> String {
    let mut s = String::from(
        "# 校验规则\n\n\
         <!-- 本文件由 `nianbao rules --markdown` 生成，请勿手工修改；测试会比对它与程序中的规则表。 -->\n\n\
         每条问题都有一个代码。字母表示类别：F 文件，S 表格结构，B 基本信息，N 输出文件名，G 字体，\
         P 报告模板，R 数字与勾稽关系，V 完整性与标签，Y 年度与日期，X 与上年报告对照，\
         T 正文与表格对照，K 雷同与照搬，C 正文内容，A 汇总报告。\n\n\
         级别：**错误**的机关不生成报告；**警告**和**提示**不影响生成。\
         每个代码的级别可以在 `nianbao.toml` 的 `[severity]` 中改变，例如 `X1 = \"error\"`。\n\n\
         | 代码 | 级别 | 范围 | 含义 |\n|---|---|---|---|\n",
    );
    for rule in RULES {
        s.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            rule.code,
            rule.severity.chinese(),
            rule.scope.chinese(),
            rule.doc
        ));
    }
    s.push_str("\n## 示例\n");
    for rule in RULES {
        s.push_str(&format!(
            "\n### {} {}\n\n> {}\n",
            rule.code,
            rule.doc.trim_end_matches('。'),
            rule.example
        ));
        for hint in rule.hints {
            s.push_str(&format!(">\n> 怎么改：{hint}\n"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_where_its_code_points() {
        for (i, rule) in RULES.iter().enumerate() {
            assert_eq!(rule.code as usize, i);
            assert_eq!(Code::parse(&rule.code.to_string()), Some(rule.code));
            assert!(!rule.doc.is_empty() && !rule.example.is_empty());
        }
    }

    /// What is wrong goes in the message, what to do in the hints: no example mixes them.
    #[test]
    fn examples_keep_what_to_do_in_hints() {
        for rule in RULES {
            assert!(
                !super::super::mixes_advice(rule.example),
                "{}: {}",
                rule.code,
                rule.example
            );
        }
    }

    #[test]
    fn docs_rules_md_is_generated_from_this_list() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");
        if std::env::var("NIANBAO_WRITE_DOCS").is_ok() {
            std::fs::write(path, markdown()).expect("docs/rules.md written");
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == markdown(),
            "docs/rules.md differs from the rule registry: run NIANBAO_WRITE_DOCS=1 cargo test --lib docs_rules_md"
        );
    }
}
