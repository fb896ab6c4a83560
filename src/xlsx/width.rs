//! Column widths for Chinese text: rust_xlsxwriter's autofit counts a CJK character as one
//! narrow character, so widths are computed here (Excel width units).

/// Display width of `text` in Excel column units: wide characters ~2.1, narrow ~1.1.
pub fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if is_wide(c) { 2.1 } else { 1.1 })
        .sum()
}

/// East Asian wide and full-width characters (CJK ideographs, kana, full-width forms and
/// punctuation), the ones that take two columns.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
        || c == '“'
        || c == '”'
        || c == '—'
        || c == '…'
}

/// How many lines `text` takes wrapped in a column `width` units wide (its own line breaks
/// counted), as Excel and LibreOffice wrap it: at least one.
pub fn wrapped_lines(text: &str, width: f64) -> usize {
    let room = (width - 1.0).max(2.2);
    text.split('\n')
        .map(|line| (text_width(line) / room).ceil().max(1.0) as usize)
        .sum()
}

/// The height in points of a row whose cells hold `cells` (text, column width), in a font of
/// `size` points: every line of the tallest cell, with the font's line spacing (CJK faces run
/// to about 1.45 em) and a little padding, so that printed rows never overlap their text.
pub fn row_height<'a>(cells: impl IntoIterator<Item = (&'a str, f64)>, size: f64) -> f64 {
    let lines = cells
        .into_iter()
        .map(|(text, width)| wrapped_lines(text, width))
        .max()
        .unwrap_or(1);
    (lines as f64 * size * 1.45 + 4.0).min(409.0)
}

/// Width for a column holding `texts`, clamped to a readable range.
pub fn column_width<'a>(texts: impl IntoIterator<Item = &'a str>, min: f64, max: f64) -> f64 {
    let widest = texts.into_iter().map(text_width).fold(0.0, f64::max);
    (widest + 2.0).clamp(min, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_wider_than_autofit_thinks() {
        assert!(text_width("行政规范性文件") > 14.0);
        assert!((text_width("2025") - 4.4).abs() < 1e-9);
        assert!(is_wide('（') && is_wide('，') && !is_wide('('));
    }

    #[test]
    fn wrapped_text_makes_the_row_taller() {
        assert_eq!(wrapped_lines("", 10.0), 1);
        assert_eq!(wrapped_lines("一二三四", 10.0), 1);
        assert_eq!(wrapped_lines(&"一".repeat(20), 10.0), 5);
        assert_eq!(wrapped_lines("甲\n乙", 10.0), 2);
        assert!(row_height([(&*"一".repeat(40), 20.0), ("短", 5.0)], 10.0) > 60.0);
    }
}
