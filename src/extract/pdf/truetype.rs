//! The `cmap` table of an embedded TrueType font, read backwards.
//!
//! A CID font shown with `Identity-H` and no `/ToUnicode` still says what
//! its glyphs are if the embedded TrueType program kept its `cmap` table:
//! inverting it gives glyph id → character, the same fallback poppler and
//! pdf.js use. Only the table directory and `cmap` formats 4 and 12 are
//! read; every offset is bounds-checked.

/// Glyph id → character, from a TrueType font program.
#[derive(Debug, Default)]
pub struct GlyphMap {
    chars: Vec<Option<char>>,
}

impl GlyphMap {
    pub fn get(&self, glyph: u32) -> Option<char> {
        self.chars.get(glyph as usize).copied().flatten()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.iter().all(Option::is_none)
    }
}

fn u16_at(data: &[u8], offset: usize) -> Option<u16> {
    Some(u16::from_be_bytes([
        *data.get(offset)?,
        *data.get(offset + 1)?,
    ]))
}

fn u32_at(data: &[u8], offset: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *data.get(offset)?,
        *data.get(offset + 1)?,
        *data.get(offset + 2)?,
        *data.get(offset + 3)?,
    ]))
}

/// Reads the inverted `cmap` of a TrueType (or OpenType with `glyf`) font.
pub fn glyph_map(font: &[u8]) -> Option<GlyphMap> {
    let tables = u16_at(font, 4)? as usize;
    let mut cmap = None;
    for index in 0..tables.min(64) {
        let record = 12 + index * 16;
        if font.get(record..record + 4)? == b"cmap" {
            let offset = u32_at(font, record + 8)? as usize;
            cmap = Some(font.get(offset..)?);
            break;
        }
    }
    let cmap = cmap?;
    let count = u16_at(cmap, 2)? as usize;
    // Prefer full Unicode (3,10)/(0,4+), then BMP (3,1)/(0,*).
    let mut best: Option<(u8, usize)> = None;
    for index in 0..count.min(64) {
        let record = 4 + index * 8;
        let platform = u16_at(cmap, record)?;
        let encoding = u16_at(cmap, record + 2)?;
        let offset = u32_at(cmap, record + 4)? as usize;
        let rank = match (platform, encoding) {
            (3, 10) | (0, 4) | (0, 6) => 3,
            (3, 1) | (0, 3) | (0, 0) | (0, 1) | (0, 2) => 2,
            _ => continue,
        };
        if best.is_none_or(|(best_rank, _)| rank > best_rank) {
            best = Some((rank, offset));
        }
    }
    let (_, offset) = best?;
    let table = cmap.get(offset..)?;
    let mut map = GlyphMap::default();
    match u16_at(table, 0)? {
        4 => read_format_4(table, &mut map)?,
        12 => read_format_12(table, &mut map)?,
        _ => return None,
    }
    (!map.is_empty()).then_some(map)
}

fn set(map: &mut GlyphMap, glyph: u32, code: u32) {
    if glyph == 0 || glyph > 0xFFFF {
        return;
    }
    let Some(ch) = char::from_u32(code) else {
        return;
    };
    let index = glyph as usize;
    if map.chars.len() <= index {
        map.chars.resize(index + 1, None);
    }
    // The first (lowest) code point wins: a glyph mapped from both a
    // compatibility and a unified ideograph is the unified one.
    if map.chars[index].is_none() {
        map.chars[index] = Some(ch);
    }
}

fn read_format_4(table: &[u8], map: &mut GlyphMap) -> Option<()> {
    let segments = u16_at(table, 6)? as usize / 2;
    let ends = 14;
    let starts = ends + segments * 2 + 2;
    let deltas = starts + segments * 2;
    let range_offsets = deltas + segments * 2;
    for segment in 0..segments {
        let end = u32::from(u16_at(table, ends + segment * 2)?);
        let start = u32::from(u16_at(table, starts + segment * 2)?);
        let delta = u16_at(table, deltas + segment * 2)?;
        let range_offset_at = range_offsets + segment * 2;
        let range_offset = u16_at(table, range_offset_at)? as usize;
        if start > end || start == 0xFFFF {
            continue;
        }
        for code in start..=end {
            let glyph = if range_offset == 0 {
                (code as u16).wrapping_add(delta)
            } else {
                let at = range_offset_at + range_offset + (code - start) as usize * 2;
                match u16_at(table, at) {
                    Some(0) | None => continue,
                    Some(glyph) => glyph.wrapping_add(delta),
                }
            };
            set(map, u32::from(glyph), code);
        }
    }
    Some(())
}

fn read_format_12(table: &[u8], map: &mut GlyphMap) -> Option<()> {
    let groups = u32_at(table, 12)? as usize;
    for group in 0..groups.min(100_000) {
        let record = 16 + group * 12;
        let start = u32_at(table, record)?;
        let end = u32_at(table, record + 4)?;
        let glyph = u32_at(table, record + 8)?;
        if end < start || end - start > 0x10000 {
            continue;
        }
        for offset in 0..=(end - start) {
            set(map, glyph.saturating_add(offset), start + offset);
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal font: a table directory with one `cmap` table holding a
    /// format-4 subtable that maps U+673A..U+673B to glyphs 5..6 (delta) and
    /// U+5BC6 to glyph 9 (glyph array).
    fn font() -> Vec<u8> {
        let mut sub = Vec::new();
        let segments: u16 = 3;
        sub.extend_from_slice(&4u16.to_be_bytes()); // format
        sub.extend_from_slice(&0u16.to_be_bytes()); // length (unused)
        sub.extend_from_slice(&0u16.to_be_bytes()); // language
        sub.extend_from_slice(&(segments * 2).to_be_bytes());
        sub.extend_from_slice(&[0; 6]); // search fields
        for end in [0x5BC6u16, 0x673B, 0xFFFF] {
            sub.extend_from_slice(&end.to_be_bytes());
        }
        sub.extend_from_slice(&0u16.to_be_bytes()); // reserved pad
        for start in [0x5BC6u16, 0x673A, 0xFFFF] {
            sub.extend_from_slice(&start.to_be_bytes());
        }
        for delta in [0u16, 5u16.wrapping_sub(0x673A), 1] {
            sub.extend_from_slice(&delta.to_be_bytes());
        }
        // Range offsets: the first segment points at the glyph array right
        // after the range-offset array (2 entries later = 6 bytes from it).
        for offset in [6u16, 0, 0] {
            sub.extend_from_slice(&offset.to_be_bytes());
        }
        sub.extend_from_slice(&9u16.to_be_bytes()); // glyph array

        let mut cmap = Vec::new();
        cmap.extend_from_slice(&0u16.to_be_bytes());
        cmap.extend_from_slice(&1u16.to_be_bytes());
        cmap.extend_from_slice(&3u16.to_be_bytes());
        cmap.extend_from_slice(&1u16.to_be_bytes());
        cmap.extend_from_slice(&12u32.to_be_bytes());
        cmap.extend_from_slice(&sub);

        let mut font = Vec::new();
        font.extend_from_slice(&0x0001_0000u32.to_be_bytes());
        font.extend_from_slice(&1u16.to_be_bytes());
        font.extend_from_slice(&[0; 6]);
        font.extend_from_slice(b"cmap");
        font.extend_from_slice(&0u32.to_be_bytes());
        font.extend_from_slice(&28u32.to_be_bytes());
        font.extend_from_slice(&(cmap.len() as u32).to_be_bytes());
        font.extend_from_slice(&cmap);
        font
    }

    #[test]
    fn inverts_format_4() {
        let map = glyph_map(&font()).unwrap();
        assert_eq!(map.get(5), Some('机'));
        assert_eq!(map.get(6), Some('\u{673B}'));
        assert_eq!(map.get(9), Some('密'));
        assert_eq!(map.get(7), None);
    }

    #[test]
    fn truncated_fonts_are_refused() {
        let font = font();
        for length in 0..font.len() {
            let _ = glyph_map(&font[..length]);
        }
        assert!(glyph_map(b"").is_none());
    }
}
