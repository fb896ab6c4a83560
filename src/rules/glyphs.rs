//! G1: characters that no available font can show. Which characters those are, layout finds
//! (only it knows the fonts); what to say about them, and where, is a rule like the others.

use crate::finding::{Code, Finding};
use crate::model::Report;

/// One finding per character (`missing`: the character and the text around it where layout met
/// it), naming the paragraph's cell when the text is the agency's.
pub fn missing(report: &Report, missing: &[(char, &str)]) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for (c, context) in missing {
        let para = report.paragraphs().find(|p| p.text.contains(*c));
        let excerpt: String = context.chars().take(20).collect();
        let message = format!(
            "字符「{c}」（U+{:04X}）在所有可用字体中都没有，无法显示。出现在「{excerpt}…」。",
            *c as u32
        );
        let mut f = Finding::new(Code::G1, message)
            .hint("请改用常用字，或把含有该字的字体放进 fonts/ 文件夹。");
        if let Some(src) = para.and_then(|p| p.source.as_ref()) {
            f = f.at(&src.sheet, Some(src.a1()));
        }
        if !out.iter().any(|o| o.message == f.message) {
            out.push(f);
        }
    }
    out
}
