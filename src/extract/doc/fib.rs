//! The File Information Block at the start of the `WordDocument` stream
//! ([MS-DOC] 2.5): where every other structure is.

use super::super::ole::{u16_at, u32_at};

/// Index of a story in [`Fib::ccp`], in the order stories follow each
/// other in the character positions.
pub(super) const STORIES: usize = 8;
pub(super) const MAIN: usize = 0;
pub(super) const FOOTNOTES: usize = 1;
pub(super) const HEADERS: usize = 2;
pub(super) const MACROS: usize = 3;
pub(super) const COMMENTS: usize = 4;
pub(super) const ENDNOTES: usize = 5;
pub(super) const TEXTBOXES: usize = 6;
pub(super) const HEADER_TEXTBOXES: usize = 7;

/// Indexes into FibRgFcLcb97.
pub(super) const STSHF: usize = 1;
pub(super) const PLCF_AND_REF: usize = 4;
pub(super) const PLCF_AND_TXT: usize = 5;
pub(super) const PLCF_HDD: usize = 11;
pub(super) const PLCF_BTE_CHPX: usize = 12;
pub(super) const PLCF_BTE_PAPX: usize = 13;
pub(super) const CLX: usize = 33;
pub(super) const GRP_XST_ATN_OWNERS: usize = 36;
pub(super) const STTBF_RMARK: usize = 51;

#[derive(Clone, Debug, Default)]
pub(super) struct Fib {
    pub nfib: u16,
    pub lid: u16,
    pub lid_fe: u16,
    pub complex: bool,
    pub encrypted: bool,
    pub obfuscated: bool,
    pub table_1: bool,
    pub far_east: bool,
    /// Character counts of the stories, in [`STORIES`] order.
    pub ccp: [u32; STORIES],
    /// (fc, lcb) pairs of FibRgFcLcb, offsets into the table stream.
    pub fc_lcb: Vec<(u32, u32)>,
    /// Word 6/95: where the text starts in the WordDocument stream.
    pub fc_min: u32,
}

impl Fib {
    /// Word 97 and later (nFib 0x00C1 and up; some writers put 0xC0).
    pub fn is_word97(&self) -> bool {
        self.nfib >= 0xC0
    }

    pub fn fc_lcb(&self, index: usize) -> Option<(usize, usize)> {
        self.fc_lcb
            .get(index)
            .filter(|(_, lcb)| *lcb > 0)
            .map(|&(fc, lcb)| (fc as usize, lcb as usize))
    }

    /// The code page of 8-bit text in Word 6/95 files, from the language.
    pub fn codepage(&self) -> u16 {
        let lid = if self.far_east && self.lid_fe != 0 {
            self.lid_fe
        } else {
            self.lid
        };
        codepage_of_lid(lid)
    }
}

/// Windows code page used for a language id.
pub(crate) fn codepage_of_lid(lid: u16) -> u16 {
    match lid {
        0x0804 | 0x1004 => 936,
        0x0404 | 0x0C04 | 0x1404 => 950,
        0x0411 => 932,
        0x0412 => 949,
        0x0419 | 0x0422 | 0x0423 | 0x0402 | 0x0C1A | 0x042F => 1251,
        0x0405 | 0x0415 | 0x040E | 0x041B | 0x0424 | 0x041A | 0x0418 => 1250,
        0x0408 => 1253,
        0x041F => 1254,
        0x040D => 1255,
        0x0401 => 1256,
        0x0425..=0x0427 => 1257,
        0x041E => 874,
        0x042A => 1258,
        _ => 1252,
    }
}

/// Parses the FIB; the error says why the stream is not a Word document.
pub(super) fn parse(stream: &[u8]) -> Result<Fib, String> {
    let ident = u16_at(stream, 0).ok_or("the WordDocument stream is empty")?;
    match ident {
        0xA5EC | 0xA5DC => {}
        0xA5DB => {
            return Err(
                "a Word 2.0 (WinWord 2) document, an older format prepub does not read".into(),
            );
        }
        other => {
            return Err(format!(
                "the WordDocument stream does not start with a Word file information block (signature {other:04X})"
            ));
        }
    }
    let cut = || "the file information block is cut short".to_owned();
    let nfib = u16_at(stream, 2).ok_or_else(cut)?;
    let lid = u16_at(stream, 6).ok_or_else(cut)?;
    let flags = u16_at(stream, 10).ok_or_else(cut)?;
    let mut fib = Fib {
        nfib,
        lid,
        complex: flags & 0x0004 != 0,
        encrypted: flags & 0x0100 != 0,
        table_1: flags & 0x0200 != 0,
        far_east: flags & 0x4000 != 0,
        obfuscated: flags & 0x8000 != 0,
        ..Fib::default()
    };
    if !fib.is_word97() {
        // Word 6/95 ([MS-DOC] does not cover it; the layout is Word 6's).
        fib.fc_min = u32_at(stream, 0x18).ok_or_else(cut)?;
        for (index, at) in [
            (MAIN, 0x34),
            (FOOTNOTES, 0x38),
            (HEADERS, 0x3C),
            (MACROS, 0x40),
            (COMMENTS, 0x44),
            (ENDNOTES, 0x48),
            (TEXTBOXES, 0x4C),
            (HEADER_TEXTBOXES, 0x50),
        ] {
            fib.ccp[index] = u32_at(stream, at).ok_or_else(cut)?;
        }
        // fcClx / lcbClx of the Word 6 FIB, in the WordDocument stream.
        let clx = (
            u32_at(stream, 0x160).unwrap_or(0),
            u32_at(stream, 0x164).unwrap_or(0),
        );
        fib.fc_lcb = vec![(0, 0); CLX + 1];
        fib.fc_lcb[CLX] = clx;
        return Ok(fib);
    }
    let csw = u16_at(stream, 32).ok_or_else(cut)? as usize;
    let rgw = 34;
    if csw >= 14 {
        fib.lid_fe = u16_at(stream, rgw + 13 * 2).ok_or_else(cut)?;
    }
    let cslw_at = rgw + csw * 2;
    let cslw = u16_at(stream, cslw_at).ok_or_else(cut)? as usize;
    let rglw = cslw_at + 2;
    for (index, slot) in (3..=10).enumerate() {
        if slot < cslw {
            fib.ccp[index] = u32_at(stream, rglw + slot * 4).ok_or_else(cut)?;
        }
    }
    let cb_at = rglw + cslw * 4;
    let pairs = u16_at(stream, cb_at).ok_or_else(cut)? as usize;
    let blob = cb_at + 2;
    for index in 0..pairs {
        let fc = u32_at(stream, blob + index * 8).ok_or_else(cut)?;
        let lcb = u32_at(stream, blob + index * 8 + 4).ok_or_else(cut)?;
        fib.fc_lcb.push((fc, lcb));
    }
    Ok(fib)
}
