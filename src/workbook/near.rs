//! Near-miss label matching (spec §7.3): a label written with another numbering style (`1、`
//! for `1.`), with a prefix dropped or added (`规范性文件`, `现行有效件数（历史累计）`), or with a
//! small typo is still the official label — read with a V2 warning instead of an S2 error that
//! would switch off every check of the table.

use super::labels::{normalize, strip_outline_number};
use super::sheet::Sheet;

/// Beyond this many distinct texts a sheet is not a filled-in table, and is not searched.
const MAX_KEYS: usize = 5_000;

/// How far `found` is from `official` (both normalised), if it is close enough to be taken
/// for it: 0 for a numbering style, 1 for a dropped or added prefix or suffix, 2 + the edit
/// distance for a typo.
pub fn closeness(official: &str, found: &str) -> Option<usize> {
    if official == found {
        return Some(0);
    }
    let (o, f) = (strip_number(official), strip_number(found));
    if o == f && !o.is_empty() {
        return Some(0);
    }
    let (on, fnn) = (o.chars().count(), f.chars().count());
    let shorter = on.min(fnn);
    if shorter >= 4 && (o.ends_with(f) || f.starts_with(o) || o.starts_with(f) || f.ends_with(o)) {
        return Some(1);
    }
    let allowed = match on {
        0..=2 => 0,
        3..=4 => 1,
        5..=11 => 2,
        _ => 3,
    };
    if allowed == 0 || on.abs_diff(fnn) > allowed {
        return None;
    }
    let d = distance(o, f);
    (d <= allowed).then_some(2 + d)
}

/// The label without its outline number, folded: `1、属于国家秘密` → `属于国家秘密`.
fn strip_number(text: &str) -> &str {
    let t = strip_outline_number(text);
    t.strip_prefix(['.', '、']).unwrap_or(t)
}

/// Levenshtein distance over characters.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The cells of the one text in `sheet` closest to `official`, among texts that are not
/// themselves official labels; `None` when nothing is close enough or two are equally close.
pub fn best<'s>(sheet: &'s Sheet, official: &str, labels: &[String]) -> Option<&'s [(u32, u32)]> {
    let want = normalize(official);
    if sheet.keys().count() > MAX_KEYS {
        return None;
    }
    let mut scored: Vec<(usize, &[(u32, u32)])> = sheet
        .keys()
        .filter(|(k, _)| !labels.iter().any(|l| l == *k))
        .filter_map(|(k, cells)| closeness(&want, k).map(|s| (s, cells)))
        .collect();
    scored.sort_by_key(|(s, _)| *s);
    match scored.as_slice() {
        [(a, cells), (b, _), ..] if a < b => Some(cells),
        [(_, cells)] => Some(cells),
        _ => None,
    }
}

/// The text most like `official` in the sheet (for a message), if any is remotely like it.
pub fn nearest(sheet: &Sheet, official: &str, labels: &[String]) -> Option<(u32, u32)> {
    let want = strip_number(&normalize(official)).to_string();
    if sheet.keys().count() > MAX_KEYS || want.chars().count() < 3 {
        return None;
    }
    sheet
        .keys()
        .filter(|(k, _)| !labels.iter().any(|l| l == *k))
        .filter(|(k, _)| k.chars().count() < want.chars().count() * 3)
        .map(|(k, cells)| (distance(&want, strip_number(k)), cells))
        .filter(|(d, _)| *d * 2 <= want.chars().count())
        .min_by_key(|(d, cells)| (*d, cells.first().copied()))
        .and_then(|(_, cells)| cells.first().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(o: &str, f: &str) -> Option<usize> {
        closeness(&normalize(o), &normalize(f))
    }

    #[test]
    fn numbering_prefixes_and_typos() {
        assert_eq!(close("1.属于国家秘密", "1、属于国家秘密"), Some(0));
        assert_eq!(close("1.属于国家秘密", "１．属于国家秘密"), Some(0));
        assert_eq!(close("行政规范性文件", "规范性文件"), Some(1));
        assert_eq!(close("现行有效件数", "现行有效件数（历史累计）"), Some(1));
        assert_eq!(close("本年制发件数", "本年制发数量"), Some(4));
        assert_eq!(
            close("2.其他法律行政法规禁止公开", "2.其他法律行政止公开"),
            Some(5)
        );
        assert_eq!(close("总计", "合计"), None);
        assert_eq!(close("行政许可", "行政处罚"), None);
        assert_eq!(close("1.属于国家秘密", "2.重复申请"), None);
    }
}
