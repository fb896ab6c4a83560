//! Just enough of the Compact Font Format (Adobe TN 5176) to take a subset apart and put one
//! together again: INDEX structures, the operators of a DICT with where their operands sit,
//! and which font dict (FDSelect) each glyph of a face belongs to. Every read is bounded: a
//! malformed table gives `None`, never a panic.

use std::ops::Range;

/// A CFF INDEX at some offset: its items' ranges in the table, and where it ends.
pub struct Index {
    pub items: Vec<Range<usize>>,
    pub end: usize,
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

/// An offset of `size` (1–4) bytes, big-endian.
fn offset_at(data: &[u8], at: usize, size: usize) -> Option<usize> {
    let bytes = data.get(at..at.checked_add(size)?)?;
    Some(bytes.iter().fold(0usize, |n, b| (n << 8) | *b as usize))
}

/// The INDEX that starts at `at` (count, offSize, offsets from 1, then the data).
pub fn index(data: &[u8], at: usize) -> Option<Index> {
    let count = u16_at(data, at)? as usize;
    if count == 0 {
        return Some(Index {
            items: Vec::new(),
            end: at + 2,
        });
    }
    let size = *data.get(at + 2)? as usize;
    if !(1..=4).contains(&size) {
        return None;
    }
    let offsets = at + 3;
    // The data starts after the count + 1 offsets; offsets count from the byte before it.
    let base = offsets.checked_add((count + 1).checked_mul(size)?)? - 1;
    let mut items = Vec::with_capacity(count);
    let mut start = offset_at(data, offsets, size)?;
    for i in 1..=count {
        let end = offset_at(data, offsets + i * size, size)?;
        if end < start {
            return None;
        }
        items.push(base.checked_add(start)?..base.checked_add(end)?);
        start = end;
    }
    let end = items.last().map_or(base + 1, |r| r.end);
    (end <= data.len()).then_some(Index { items, end })
}

/// `items` as an INDEX, with the smallest offset size that holds them.
pub fn write_index<'a>(out: &mut Vec<u8>, items: impl Iterator<Item = &'a [u8]> + Clone) {
    let count = items.clone().count();
    out.extend((count as u16).to_be_bytes());
    if count == 0 {
        return;
    }
    let last = 1 + items.clone().map(<[u8]>::len).sum::<usize>();
    let size = match last {
        0..=0xFF => 1,
        0x100..=0xFFFF => 2,
        0x1_0000..=0xFF_FFFF => 3,
        _ => 4,
    };
    out.push(size as u8);
    let mut offset = 1usize;
    out.extend_from_slice(&offset.to_be_bytes()[8 - size..]);
    for item in items.clone() {
        offset += item.len();
        out.extend_from_slice(&offset.to_be_bytes()[8 - size..]);
    }
    for item in items {
        out.extend_from_slice(item);
    }
}

/// One operator of a DICT: its code (two-byte operators as `1200 + b1`), its last operand's
/// value if that is an integer, and where that operand starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry {
    pub op: u16,
    pub value: Option<i32>,
    /// The position (in the DICT) of the last operand, if it was written as 29 + 4 bytes.
    pub wide_at: Option<usize>,
}

/// The operators of a DICT, in order; `None` if an operand or operator runs past its end.
pub fn dict(data: &[u8]) -> Option<Vec<Entry>> {
    let mut entries = Vec::new();
    let (mut value, mut wide_at) = (None, None);
    let mut i = 0;
    while let Some(&b0) = data.get(i) {
        match b0 {
            0..=21 => {
                let op = if b0 == 12 {
                    i += 1;
                    1200 + *data.get(i)? as u16
                } else {
                    b0 as u16
                };
                entries.push(Entry { op, value, wide_at });
                (value, wide_at) = (None, None);
                i += 1;
            }
            28 => {
                value = Some(i16::from_be_bytes(data.get(i + 1..i + 3)?.try_into().ok()?) as i32);
                wide_at = None;
                i += 3;
            }
            29 => {
                value = Some(i32::from_be_bytes(data.get(i + 1..i + 5)?.try_into().ok()?));
                wide_at = Some(i);
                i += 5;
            }
            30 => {
                // A real: nibbles up to and including an 0xf nibble.
                i += 1;
                loop {
                    let b = *data.get(i)?;
                    i += 1;
                    if b & 0x0F == 0x0F || b >> 4 == 0x0F {
                        break;
                    }
                }
                (value, wide_at) = (None, None);
            }
            32..=246 => {
                value = Some(b0 as i32 - 139);
                wide_at = None;
                i += 1;
            }
            247..=254 => {
                let b1 = *data.get(i + 1)? as i32;
                value = Some(if b0 < 251 {
                    (b0 as i32 - 247) * 256 + b1 + 108
                } else {
                    -(b0 as i32 - 251) * 256 - b1 - 108
                });
                wide_at = None;
                i += 2;
            }
            _ => return None,
        }
    }
    Some(entries)
}

pub const CHARSET: u16 = 15;
pub const CHAR_STRINGS: u16 = 17;
pub const ROS: u16 = 1230;
pub const FD_ARRAY: u16 = 1236;
pub const FD_SELECT: u16 = 1237;

/// The start of the Top DICT of a CFF table and the operators in it.
pub struct Top {
    /// The Top DICT's first byte in the table.
    pub at: usize,
    pub entries: Vec<Entry>,
}

impl Top {
    pub fn get(&self, op: u16) -> Option<&Entry> {
        self.entries.iter().find(|e| e.op == op)
    }

    /// The integer operand of `op` as an offset into the table.
    pub fn offset(&self, op: u16) -> Option<usize> {
        usize::try_from(self.get(op)?.value?).ok()
    }
}

/// The Top DICT of the (single) font of a CFF table.
pub fn top(cff: &[u8]) -> Option<Top> {
    if *cff.first()? != 1 {
        return None;
    }
    let names = index(cff, *cff.get(2)? as usize)?;
    let tops = index(cff, names.end)?;
    let first = tops.items.first()?.clone();
    Some(Top {
        at: first.start,
        entries: dict(cff.get(first)?)?,
    })
}

/// The font dict of each glyph of a face's CFF table, by glyph id; every glyph in the one
/// font dict of a name-keyed font.
pub fn font_dicts(cff: &[u8]) -> Option<Vec<u8>> {
    let top = top(cff)?;
    // The CharStrings INDEX's count (its items are not needed).
    let glyphs = u16_at(cff, top.offset(CHAR_STRINGS)?)? as usize;
    if top.get(ROS).is_none() {
        return Some(vec![0; glyphs]);
    }
    let at = top.offset(FD_SELECT)?;
    match *cff.get(at)? {
        0 => Some(cff.get(at + 1..at + 1 + glyphs)?.to_vec()),
        3 => {
            let ranges = u16_at(cff, at + 1)? as usize;
            let mut fds = Vec::with_capacity(glyphs);
            for r in 0..ranges {
                let record = at + 3 + 3 * r;
                let first = u16_at(cff, record)? as usize;
                let fd = *cff.get(record + 2)?;
                // The next range's first glyph, or the sentinel after the last range.
                let next = u16_at(cff, record + 3)? as usize;
                if first != fds.len() || next < first {
                    return None;
                }
                fds.resize(next, fd);
            }
            (fds.len() == glyphs).then_some(fds)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_reads_back_what_was_written() {
        let items: [&[u8]; 3] = [b"ab", b"", b"cde"];
        let mut out = vec![9];
        write_index(&mut out, items.iter().copied());
        let read = index(&out, 1).unwrap();
        let back: Vec<&[u8]> = read.items.iter().map(|r| &out[r.clone()]).collect();
        assert_eq!(back, items);
        assert_eq!(read.end, out.len());
        let mut empty = Vec::new();
        write_index(&mut empty, std::iter::empty());
        assert_eq!(empty, [0, 0]);
        let big = vec![7u8; 300];
        let mut out = Vec::new();
        write_index(&mut out, [big.as_slice()].into_iter());
        assert_eq!(out[2], 2, "300 bytes need two-byte offsets");
        assert_eq!(index(&out, 0).unwrap().items, vec![7..307]);
    }

    #[test]
    fn a_dict_gives_operators_values_and_wide_operands() {
        // 100 (1 byte) 15; 29+4 bytes 17; 1000 (2 bytes) 12 36; real 1.5 12 7.
        let data = [
            239, 15, 29, 0, 0, 1, 0, 17, 250, 124, 12, 36, 30, 0x1a, 0x5f, 12, 7,
        ];
        let entries = dict(&data).unwrap();
        assert_eq!(
            entries[0],
            Entry {
                op: 15,
                value: Some(100),
                wide_at: None
            }
        );
        assert_eq!(
            entries[1],
            Entry {
                op: 17,
                value: Some(256),
                wide_at: Some(2)
            }
        );
        assert_eq!(entries[2].value, Some(1000));
        assert_eq!(entries[2].op, FD_ARRAY);
        assert_eq!(
            entries[3],
            Entry {
                op: 1207,
                value: None,
                wide_at: None
            }
        );
        assert!(dict(&[29, 0, 0]).is_none());
        assert!(dict(&[12]).is_none());
        assert!(index(&[0, 1, 1, 1, 9], 0).is_none(), "an item past the end");
        assert!(
            index(&[0, 2, 1, 1, 3, 2, 0, 0], 0).is_none(),
            "offsets going back"
        );
    }
}
