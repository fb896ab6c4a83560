//! Numbers and dates the way people type them, beyond what a spreadsheet stores: `1,200` with a
//! thousands separator, `二〇二六年一月二十日` in Chinese numerals. Read with a note (V6) saying
//! how; what is really ambiguous (`1,20`, `一月下旬`) is still refused by the caller.

use crate::model::{Date, Decimal};

/// `1,200`, `12,345,678.5` (ASCII or full-width commas): groups of exactly three digits after
/// the first. The digits without the separators, when the text is such a number.
pub fn ungrouped(text: &str) -> Option<Decimal> {
    let t = text.trim().replace('，', ",");
    if !t.contains(',') {
        return None;
    }
    let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
    let mut groups = int.split(',');
    let first = groups.next()?;
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    if !digits(first) || first.len() > 3 || first.starts_with('0') {
        return None;
    }
    if !groups.all(|g| g.len() == 3 && digits(g)) {
        return None;
    }
    if !frac.is_empty() && !digits(frac) {
        return None;
    }
    Decimal::parse(&t.replace(',', ""))
}

/// `二〇二六年一月二十日` (also with ○ or 零 for zero): a date in Chinese numerals.
pub fn chinese_date(text: &str) -> Option<Date> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let (year, rest) = t.split_once('年')?;
    let (month, rest) = rest.split_once('月')?;
    let day = rest
        .strip_suffix('日')
        .or_else(|| rest.strip_suffix('号'))?;
    let year: String = year.chars().map(digit).collect::<Option<String>>()?;
    if year.chars().count() != 4 {
        return None;
    }
    Date::new(year.parse().ok()?, small(month)?, small(day)?)
}

fn digit(c: char) -> Option<char> {
    let n = match c {
        '〇' | '○' | '零' | 'О' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    };
    char::from_digit(n, 10)
}

/// `一` … `三十一`: a number below 100 in Chinese numerals (`十` alone is 10).
fn small(text: &str) -> Option<u32> {
    let value = |c: char| digit(c).and_then(|d| d.to_digit(10));
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => value(*c).filter(|n| *n > 0),
        ['十', ones] => Some(10 + value(*ones)?),
        [tens, '十'] => Some(10 * value(*tens)?),
        [tens, '十', ones] => Some(10 * value(*tens)? + value(*ones)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators_are_read_and_other_commas_are_not() {
        let n = |s: &str| ungrouped(s).map(|d| d.to_string());
        assert_eq!(n("1,200"), Some("1200".into()));
        assert_eq!(n("12,345,678"), Some("12345678".into()));
        assert_eq!(n("1，200"), Some("1200".into()));
        assert_eq!(n("4,068.25"), Some("4068.25".into()));
        for refused in [
            "1,20", "1200", "1,2000", ",200", "01,200", "1,200,", "1, 200", "3,4,5",
        ] {
            assert_eq!(n(refused), None, "{refused}");
        }
    }

    #[test]
    fn dates_in_chinese_numerals() {
        assert_eq!(chinese_date("二〇二六年一月二十日"), Date::new(2026, 1, 20));
        assert_eq!(
            chinese_date("二○二五年十二月三十一日"),
            Date::new(2025, 12, 31)
        );
        assert_eq!(chinese_date("二〇二六年二月十日"), Date::new(2026, 2, 10));
        assert_eq!(chinese_date("二〇二六年三月五号"), Date::new(2026, 3, 5));
        for refused in [
            "一月下旬",
            "二〇二六年一月",
            "二〇二六年十三月一日",
            "二六年一月一日",
            "二〇二六年二月三十日",
        ] {
            assert_eq!(chinese_date(refused), None, "{refused}");
        }
    }
}
