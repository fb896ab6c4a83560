//! The one change nianbao makes to a subset font program: a Unicode `cmap`. The subsetter
//! drops it (a PDF maps codes to glyphs itself), but printpdf reads a face's `cmap` to map
//! the text it is given to glyphs, for `/W` and for `/ToUnicode`.

/// A `cmap` with one format-12 subtable (platform 3, encoding 10: full Unicode) mapping each
/// character to its glyph id; runs of consecutive characters and glyphs share one group.
pub fn cmap(pairs: &[(char, u16)]) -> Vec<u8> {
    let mut pairs: Vec<(u32, u32)> = pairs.iter().map(|(c, g)| (*c as u32, *g as u32)).collect();
    pairs.sort_unstable();
    pairs.dedup_by_key(|p| p.0);
    let mut groups: Vec<(u32, u32, u32)> = Vec::new();
    for (c, g) in pairs {
        match groups.last_mut() {
            Some((start, end, gid)) if *end + 1 == c && *gid + (c - *start) == g => *end = c,
            _ => groups.push((c, c, g)),
        }
    }
    let subtable_len = 16 + 12 * groups.len() as u32;
    let mut t = Vec::with_capacity(12 + subtable_len as usize);
    for half in [0u16, 1, 3, 10] {
        t.extend(half.to_be_bytes()); // version, subtable count, platform, encoding
    }
    t.extend(12u32.to_be_bytes()); // subtable offset
    t.extend(12u16.to_be_bytes()); // format
    t.extend(0u16.to_be_bytes()); // reserved
    t.extend(subtable_len.to_be_bytes());
    t.extend(0u32.to_be_bytes()); // language
    t.extend((groups.len() as u32).to_be_bytes());
    for (start, end, gid) in groups {
        t.extend(start.to_be_bytes());
        t.extend(end.to_be_bytes());
        t.extend(gid.to_be_bytes());
    }
    t
}

/// The sfnt table checksum: the sum of big-endian 32-bit words, the last one zero-padded.
fn checksum(data: &[u8]) -> u32 {
    let words = data.chunks_exact(4);
    let mut last = [0u8; 4];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    words
        .map(|w| u32::from_be_bytes([w[0], w[1], w[2], w[3]]))
        .fold(u32::from_be_bytes(last), u32::wrapping_add)
}

/// A table of a font: its tag and its bytes.
pub type Table<'a> = ([u8; 4], &'a [u8]);

/// The tables of `font` (a single-face sfnt, as the subsetter writes) by tag, with its
/// version tag; `None` if its table directory is malformed.
pub fn tables(font: &[u8]) -> Option<([u8; 4], Vec<Table<'_>>)> {
    let u16_at = |o: usize| Some(u16::from_be_bytes(font.get(o..o + 2)?.try_into().ok()?));
    let u32_at = |o: usize| Some(u32::from_be_bytes(font.get(o..o + 4)?.try_into().ok()?));
    let version: [u8; 4] = font.get(0..4)?.try_into().ok()?;
    let count = u16_at(4)? as usize;
    let mut tables = Vec::with_capacity(count + 1);
    for i in 0..count {
        let record = 12 + 16 * i;
        let tag: [u8; 4] = font.get(record..record + 4)?.try_into().ok()?;
        let offset = u32_at(record + 8)? as usize;
        let len = u32_at(record + 12)? as usize;
        tables.push((tag, font.get(offset..offset.checked_add(len)?)?));
    }
    Some((version, tables))
}

/// A font of `tables` (any order) under `version`: the directory in tag order, each table
/// 4-byte aligned, and `head`'s checksum adjustment set as the OpenType spec computes it.
pub fn assemble(version: [u8; 4], tables: &mut [Table]) -> Vec<u8> {
    tables.sort_by_key(|t| t.0);
    let n = tables.len() as u16;
    // searchRange etc.: the largest power of two ≤ n, as the directory's binary search wants.
    let entry_selector = 15u16.saturating_sub(n.leading_zeros() as u16);
    let search_range = (1u16 << entry_selector) * 16;
    let size = 12
        + 16 * tables.len()
        + tables
            .iter()
            .map(|t| t.1.len().next_multiple_of(4))
            .sum::<usize>();
    let mut out = Vec::with_capacity(size);
    out.extend(version);
    for half in [
        n,
        search_range,
        entry_selector,
        (n * 16).saturating_sub(search_range),
    ] {
        out.extend(half.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut adjustment_at = None;
    for (tag, data) in tables.iter() {
        let mut sum = checksum(data);
        if tag == b"head" && data.len() >= 12 {
            // The table's checksum is taken with checksumAdjustment as zero.
            sum = sum.wrapping_sub(checksum(&data[8..12]));
            adjustment_at = Some(offset + 8);
        }
        out.extend(tag);
        out.extend(sum.to_be_bytes());
        out.extend((offset as u32).to_be_bytes());
        out.extend((data.len() as u32).to_be_bytes());
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in tables.iter() {
        out.extend(*data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = adjustment_at {
        out[at..at + 4].fill(0);
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at..at + 4].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

/// `font` with `table` added under `tag`, or in place of the table of that tag. `None` if
/// `font`'s table directory is malformed.
pub fn with_table(font: &[u8], tag: [u8; 4], table: &[u8]) -> Option<Vec<u8>> {
    let (version, mut tables) = tables(font)?;
    tables.retain(|t| t.0 != tag);
    tables.push((tag, table));
    Some(assemble(version, &mut tables))
}

/// `font` with `table` added (`with_table`), or an error for a table directory that cannot be read.
pub fn adding(font: &[u8], (tag, table): Table) -> anyhow::Result<Vec<u8>> {
    with_table(font, tag, table).ok_or_else(|| anyhow::anyhow!("子集的表目录无法读取"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_characters_and_glyphs_share_a_group() {
        let t = cmap(&[('a', 3), ('b', 4), ('c', 5), ('中', 1), ('a', 3)]);
        let groups = u32::from_be_bytes(t[24..28].try_into().unwrap());
        assert_eq!(groups, 2);
    }

    #[test]
    fn a_table_is_added_in_tag_order_and_the_others_are_kept() {
        // A font of two tables, `head` and `maxp`.
        let font = with_table(&[0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], *b"maxp", b"mm").unwrap();
        let font = with_table(&font, *b"head", b"hhhh").unwrap();
        let font = with_table(&font, *b"cmap", b"cc").unwrap();
        let face_tags: Vec<&[u8]> = (0..3).map(|i| &font[12 + 16 * i..16 + 16 * i]).collect();
        assert_eq!(face_tags, vec![b"cmap".as_slice(), b"head", b"maxp"]);
        assert_eq!(u16::from_be_bytes([font[4], font[5]]), 3);
        assert_eq!(u16::from_be_bytes([font[6], font[7]]), 32);
        let maxp_offset = u32::from_be_bytes(font[12 + 32 + 8..12 + 32 + 12].try_into().unwrap());
        assert_eq!(&font[maxp_offset as usize..maxp_offset as usize + 2], b"mm");
        assert!(with_table(&[0, 1], *b"cmap", b"").is_none());
    }
}
