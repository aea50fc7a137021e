//! Page geometry shared by the annotation reader and the failed-redaction
//! check: the areas annotations cover, and what counts as dark.

use super::content::Rect;

/// Fills at or below this luminance (x-ray's 100 of 255) are dark.
pub const DARK: f64 = 100.0 / 255.0;

/// An area an annotation covers that may hide text (an unapplied Redact
/// annotation, a filled black box or highlight).
#[derive(Debug, Clone)]
pub struct CoverArea {
    pub rect: Rect,
    /// What kind of annotation, for the notice.
    pub kind: &'static str,
}

/// A dark colour given as 1 (gray), 3 (RGB) or 4 (CMYK) components.
pub fn is_dark(color: &[f64]) -> bool {
    let luminance = match color {
        [gray] => *gray,
        [r, g, b] => 0.299 * r + 0.587 * g + 0.114 * b,
        [c, m, y, k] => {
            let (r, g, b) = (
                (1.0 - c) * (1.0 - k),
                (1.0 - m) * (1.0 - k),
                (1.0 - y) * (1.0 - k),
            );
            0.299 * r + 0.587 * g + 0.114 * b
        }
        _ => return false,
    };
    luminance <= DARK
}
