//! The style sheet (STSH) and paragraph formatting (PAPX), read only as far
//! as they decide whether text is hidden.
//!
//! Word hides text in two ways: directly (`sprmCFVanish` on the run, which
//! the character runs already carry) and through a style — a character
//! style applied to the run (`sprmCIstd`) or the paragraph's style — whose
//! character properties say "hidden". A draft whose secret paragraph has a
//! hidden style shows nothing on screen or in print, and without reading
//! the styles it would come out as ordinary body text: the finding would
//! be right, but the clerk would look for it on the page and not find it.
//! So the styles are read to label it `hidden`, where the reader does not
//! see it.

use super::super::ole::{u16_at, u32_at};

/// `istdBase` of a style with no base.
const NO_BASE: u16 = 0x0FFF;

/// A style's own `sprmCFVanish` operand, and the style it is based on.
#[derive(Clone, Copy, Debug, Default)]
struct Declared {
    vanish: Option<u8>,
    base: Option<u16>,
}

/// Which styles hide their text, by style index (istd).
#[derive(Debug, Default)]
pub(super) struct Styles {
    hidden: Vec<bool>,
}

impl Styles {
    /// Reads the STSH at `bytes` (the table stream's `fcStshf`/`lcbStshf`
    /// range). A style sheet that is cut short keeps the styles read before
    /// the cut; the error says so and the caller reports the document
    /// partial for hidden text.
    pub(super) fn read(bytes: &[u8]) -> (Styles, Option<String>) {
        let mut declared = Vec::new();
        let error = read_declared(bytes, &mut declared).err();
        let hidden = (0..declared.len())
            .map(|istd| resolve(&declared, istd))
            .collect();
        (Styles { hidden }, error)
    }

    /// Whether text in style `istd` is hidden (an unknown index is not).
    pub(super) fn hides(&self, istd: u16) -> bool {
        self.hidden.get(istd as usize).copied().unwrap_or(false)
    }
}

/// Applies a `sprmCFVanish` operand over the value it would otherwise have:
/// 0 off, 1 on, 0x80 as the style says, 0x81 the opposite ([MS-DOC]
/// ToggleOperand). Any other value is taken as "hidden": a value Word never
/// writes is no reason to show text as body.
pub(super) fn apply_vanish(operand: Option<u8>, inherited: bool) -> bool {
    match operand {
        None | Some(0x80) => inherited,
        Some(0) => false,
        Some(0x81) => !inherited,
        Some(_) => true,
    }
}

/// Follows a style's `istdBase` chain (at most as long as the sheet, so a
/// loop ends).
fn resolve(declared: &[Declared], istd: usize) -> bool {
    let mut chain = Vec::new();
    let mut at = Some(istd as u16);
    while let Some(index) = at {
        let Some(style) = declared.get(index as usize) else {
            break;
        };
        if chain.len() > declared.len() {
            break;
        }
        chain.push(style.vanish);
        at = style.base;
    }
    chain
        .into_iter()
        .rev()
        .fold(false, |inherited, operand| apply_vanish(operand, inherited))
}

fn read_declared(bytes: &[u8], out: &mut Vec<Declared>) -> Result<(), String> {
    let cut = || "the style sheet is cut short".to_string();
    let cb_stshi = u16_at(bytes, 0).ok_or_else(cut)? as usize;
    let count = u16_at(bytes, 2).ok_or_else(cut)? as usize;
    let base_size = u16_at(bytes, 4).ok_or_else(cut)? as usize;
    let mut at = 2usize.saturating_add(cb_stshi);
    for _ in 0..count {
        let size = u16_at(bytes, at).ok_or_else(cut)? as usize;
        at += 2;
        let std = bytes.get(at..at.saturating_add(size)).ok_or_else(cut)?;
        at += size;
        out.push(if size == 0 {
            Declared::default()
        } else {
            declared(std, base_size)
        });
    }
    Ok(())
}

/// One STD: its kind and base from the StdfBase, then, after the name, the
/// UPXs — the character one is the last for paragraph and character styles.
fn declared(std: &[u8], base_size: usize) -> Declared {
    let kind_and_base = u16_at(std, 2).unwrap_or(0);
    let kind = kind_and_base & 0x000F;
    let base = kind_and_base >> 4;
    let base = (base != NO_BASE).then_some(base);
    let name_chars = u16_at(std, base_size).unwrap_or(0) as usize;
    let mut at = base_size + 2 + name_chars * 2 + 2;
    let upx_count = match kind {
        1 => 2, // paragraph style: UpxPapx, UpxChpx
        2 => 1, // character style: UpxChpx
        _ => return Declared { vanish: None, base },
    };
    let mut chpx: &[u8] = &[];
    for _ in 0..upx_count {
        let Some(size) = u16_at(std, at).map(usize::from) else {
            break;
        };
        at += 2;
        chpx = std.get(at..at.saturating_add(size)).unwrap_or(&[]);
        at += size + size % 2;
    }
    Declared {
        vanish: vanish_operand(chpx),
        base,
    }
}

/// The operand of the last `sprmCFVanish` in a grpprl, if any.
pub(super) fn vanish_operand(grpprl: &[u8]) -> Option<u8> {
    let mut found = None;
    super::each_sprm(grpprl, |sprm, operand| {
        if sprm == 0x083C {
            found = operand.first().copied();
        }
    });
    found
}

/// A paragraph's style, over a range of WordDocument stream offsets.
#[derive(Clone, Copy, Debug)]
pub(super) struct ParagraphRun {
    pub start: u32,
    pub end: u32,
    pub style: u16,
}

/// Reads the paragraph formatting pages (PlcBtePapx → PAPX FKPs) for each
/// paragraph's style index. Returns the runs sorted by start, and how many
/// pages could not be read.
pub(super) fn paragraph_runs(plc: &[u8], word: &[u8]) -> (Vec<ParagraphRun>, usize) {
    let count = plc.len().saturating_sub(4) / 8;
    let mut runs = Vec::new();
    let mut bad_pages = 0usize;
    for index in 0..count {
        let pn = u32_at(plc, (count + 1) * 4 + index * 4).unwrap_or(0) & 0x3F_FFFF;
        let at = pn as usize * 512;
        let Some(page) = word.get(at..at.saturating_add(512)) else {
            bad_pages += 1;
            continue;
        };
        let crun = page[511] as usize;
        // rgfc (crun + 1 offsets), then crun 13-byte BxPap entries.
        if (crun + 1) * 4 + crun * 13 > 511 {
            bad_pages += 1;
            continue;
        }
        for run in 0..crun {
            let start = u32_at(page, run * 4).unwrap_or(0);
            let end = u32_at(page, (run + 1) * 4).unwrap_or(0);
            let offset = page[(crun + 1) * 4 + run * 13] as usize * 2;
            let style = papx_style(page, offset).unwrap_or(0);
            if end > start {
                runs.push(ParagraphRun { start, end, style });
            }
        }
    }
    runs.sort_by_key(|run| run.start);
    (runs, bad_pages)
}

/// The istd at the head of a PapxInFkp's GrpPrlAndIstd.
fn papx_style(page: &[u8], offset: usize) -> Option<u16> {
    if offset == 0 || offset >= 511 {
        return None;
    }
    let cb = *page.get(offset)? as usize;
    let istd_at = if cb == 0 { offset + 2 } else { offset + 1 };
    u16_at(page, istd_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn std_entry(kind: u16, base: u16, chpx: &[u8]) -> Vec<u8> {
        let mut std = Vec::new();
        std.extend_from_slice(&0u16.to_le_bytes()); // sti, flags
        std.extend_from_slice(&(kind | (base << 4)).to_le_bytes());
        std.extend_from_slice(&[0; 6]); // cupx/istdNext, bchUpe, grfstd
        std.extend_from_slice(&1u16.to_le_bytes()); // name: 1 char
        std.extend_from_slice(&[b'S', 0, 0, 0]);
        if kind == 1 {
            std.extend_from_slice(&2u16.to_le_bytes()); // UpxPapx: istd only
            std.extend_from_slice(&[0, 0]);
        }
        std.extend_from_slice(&(chpx.len() as u16).to_le_bytes());
        std.extend_from_slice(chpx);
        if chpx.len() % 2 == 1 {
            std.push(0);
        }
        std
    }

    fn sheet(styles: &[Vec<u8>]) -> Vec<u8> {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&4u16.to_le_bytes()); // cbStshi
        bytes.extend_from_slice(&(styles.len() as u16).to_le_bytes());
        bytes.extend_from_slice(&10u16.to_le_bytes()); // cbSTDBaseInFile
        for style in styles {
            bytes.extend_from_slice(&(style.len() as u16).to_le_bytes());
            bytes.extend_from_slice(style);
        }
        bytes
    }

    const VANISH_ON: [u8; 3] = [0x3C, 0x08, 0x01];
    const VANISH_OFF: [u8; 3] = [0x3C, 0x08, 0x00];
    const VANISH_FLIP: [u8; 3] = [0x3C, 0x08, 0x81];

    #[test]
    fn hidden_styles_and_their_descendants_hide_text() {
        let bytes = sheet(&[
            std_entry(1, NO_BASE, &[]),        // 0 Normal
            std_entry(2, NO_BASE, &VANISH_ON), // 1 hidden character style
            std_entry(1, 0, &VANISH_ON),       // 2 hidden paragraph style
            std_entry(1, 2, &[]),              // 3 based on 2: hidden too
            std_entry(1, 2, &VANISH_OFF),      // 4 based on 2, shown again
            std_entry(1, 2, &VANISH_FLIP),     // 5 the opposite of 2
            Vec::new(),                        // 6 empty slot
        ]);
        let (styles, error) = Styles::read(&bytes);
        assert_eq!(error, None);
        let hidden: Vec<bool> = (0..8).map(|istd| styles.hides(istd)).collect();
        assert_eq!(
            hidden,
            [false, true, true, true, false, false, false, false]
        );
    }

    #[test]
    fn a_loop_of_bases_ends_and_a_cut_sheet_keeps_what_was_read() {
        let bytes = sheet(&[std_entry(1, 1, &VANISH_ON), std_entry(1, 0, &[])]);
        let (styles, _) = Styles::read(&bytes);
        assert!(styles.hides(0));
        let (styles, error) = Styles::read(&bytes[..bytes.len() - 3]);
        assert!(styles.hides(0));
        assert!(error.is_some_and(|e| e.contains("cut short")));
    }

    #[test]
    fn toggle_operands_follow_the_inherited_value() {
        assert!(apply_vanish(Some(1), false));
        assert!(!apply_vanish(Some(0), true));
        assert!(apply_vanish(Some(0x80), true));
        assert!(!apply_vanish(Some(0x81), true));
        assert!(apply_vanish(Some(0x81), false));
        assert!(apply_vanish(Some(0x42), false));
        assert!(!apply_vanish(None, false));
    }
}
