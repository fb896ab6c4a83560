//! Label matching that survives re-saving in Excel, WPS or LibreOffice and hand edits:
//! full-width and half-width forms compare equal, white space is ignored.

/// The comparable form of a label: full-width ASCII variants folded to ASCII (（）→(), ：→:,
/// １→1), ideographic and other white space removed, a trailing colon dropped.
pub fn normalize(text: &str) -> String {
    let mut out: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect();
    while out.ends_with(':') {
        out.pop();
    }
    out
}

/// Strips a leading outline number (`（一）`, `(1)`, `一、`, `1.`, `1、`) from a sub-heading.
pub fn strip_outline_number(text: &str) -> &str {
    let t = text.trim();
    const NUMERALS: &str = "一二三四五六七八九十";
    let is_num = |c: char| c.is_ascii_digit() || NUMERALS.contains(c) || ('０'..='９').contains(&c);
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(rest) = t.strip_prefix(open)
            && let Some(end) = rest.find(close)
            && !rest[..end].is_empty()
            && rest[..end].chars().all(is_num)
        {
            return rest[end + close.len_utf8()..].trim_start();
        }
    }
    let digits: usize = t
        .char_indices()
        .take_while(|(_, c)| is_num(*c))
        .map(|(i, c)| i + c.len_utf8())
        .last()
        .unwrap_or(0);
    if digits > 0 {
        let rest = &t[digits..];
        for sep in ['、', '.', '．'] {
            if let Some(r) = rest.strip_prefix(sep) {
                return r.trim_start();
            }
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_widths_and_spaces() {
        assert_eq!(
            normalize("第二十条第（一）项"),
            normalize("第二十条 第(一)项")
        );
        assert_eq!(normalize("机关名称："), "机关名称");
        assert_eq!(
            normalize("  本年收费金额（单位：万元）\n"),
            "本年收费金额(单位:万元)"
        );
        assert_eq!(normalize("１.属于国家秘密"), "1.属于国家秘密");
        assert_ne!(normalize("规范性文件"), normalize("行政规范性文件"));
    }

    #[test]
    fn strips_outline_numbers() {
        assert_eq!(strip_outline_number("（一）主动公开"), "主动公开");
        assert_eq!(strip_outline_number("(3) 政府信息管理"), "政府信息管理");
        assert_eq!(strip_outline_number("二、依申请公开"), "依申请公开");
        assert_eq!(strip_outline_number("1.监督保障"), "监督保障");
        assert_eq!(strip_outline_number("主动公开"), "主动公开");
        assert_eq!(strip_outline_number("2024年工作"), "2024年工作");
    }
}
