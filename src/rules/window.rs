//! Large segments are matched window by window.
//!
//! A segment is matched on its normalised text, which comes with a map back
//! to the original. Held whole, a 200 MB text file was in memory as its
//! text, its normalised text and the map (2.4 times the file, 3.15 with the
//! rest of the run). Past [`WHOLE_UP_TO`] bytes a segment is instead cut
//! into windows of whole lines, each normalised and matched on its own and
//! then dropped, so only the original text is held whole.
//!
//! Normalisation is line-local — a line break ends every run it looks at
//! (spaces between CJK characters, look-alike letters in a word) — so a
//! window of whole lines normalises to exactly the lines the whole text
//! would give. Each window reports the matches that *start* in its own
//! stretch of lines, and reads past both ends of it by an overlap of whole
//! lines ([`Windowing::overlap_for`]: a few KiB, and as far as the widest
//! `within:` of a condition reads): a match that runs over the end of its
//! window's own stretch, a pattern that crosses lines, and the text a
//! condition reads around a match are all within the window, and a match's
//! own line always is (own stretches end at a line break). A match that
//! runs further past a window's edge than the overlap — several KiB of one
//! match — is the one thing a window can cut short.
//!
//! Windows only ever end at a line break: a line longer than a window makes
//! its window longer, and a text that is one line is held whole.

/// Where a segment is cut into windows, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Windowing {
    /// Segments up to this many bytes are normalised and matched whole.
    pub whole_up_to: usize,
    /// About how many bytes of its own a window has (whole lines, so more
    /// when a line runs past it).
    pub own_bytes: usize,
    /// The least a window reads past either end of its own lines.
    pub overlap_at_least: usize,
}

impl Windowing {
    /// What a review uses. Windows of 1 MiB: their normalised text and map
    /// are small beside any text that is cut, each is one window of the
    /// pattern pass (which cuts texts over 2 MiB), and the overlaps
    /// matched twice are about 1% of the text (64 KiB overlaps were 12%,
    /// and the scan 1.05 times as slow).
    pub const DEFAULT: Windowing = Windowing {
        whole_up_to: WHOLE_UP_TO,
        own_bytes: 1 << 20,
        overlap_at_least: 4 << 10,
    };

    /// Whether a segment text is matched window by window.
    pub fn is_large(&self, text: &str) -> bool {
        text.len() > self.whole_up_to
    }

    /// How far a window reads past its own lines for rules whose
    /// conditions read `widest_condition` characters either side of a
    /// match (up to four bytes each).
    pub fn overlap_for(&self, widest_condition: usize) -> usize {
        self.overlap_at_least
            .saturating_add(widest_condition.saturating_mul(4))
    }

    /// The windows `text` is matched in: one for the whole of a text up to
    /// [`Windowing::whole_up_to`] bytes, otherwise stretches of about
    /// [`Windowing::own_bytes`] of whole lines that together own every
    /// byte, each reading `overlap` bytes (rounded out to whole lines) past
    /// its own lines.
    pub fn windows(&self, text: &str, overlap: usize) -> Vec<Window> {
        if !self.is_large(text) {
            return vec![Window::whole(text)];
        }
        windows_of(text, self.own_bytes, overlap)
    }
}

/// Segments up to this many bytes are normalised and matched whole.
pub const WHOLE_UP_TO: usize = 16 << 20;

/// A stretch of whole lines of a segment's text, matched on its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    /// Byte range of the segment's text the window reads.
    pub start: usize,
    pub end: usize,
    /// The window's own lines: it reports the matches starting in them.
    own_start: usize,
    own_end: usize,
    /// Line breaks in the segment before `start`.
    pub lines_before: u32,
    /// Lines with more than white space on them before `start`.
    pub nonempty_lines_before: usize,
}

impl Window {
    /// The whole of `text`, for a segment matched in one go.
    fn whole(text: &str) -> Window {
        Window {
            start: 0,
            end: text.len(),
            own_start: 0,
            own_end: text.len(),
            lines_before: 0,
            nonempty_lines_before: 0,
        }
    }

    /// The window's text, given its segment's.
    pub fn text<'t>(&self, segment_text: &'t str) -> &'t str {
        &segment_text[self.start..self.end]
    }

    /// Whether a match starting at `offset` (in the segment's text) is this
    /// window's to report.
    pub fn owns(&self, offset: usize) -> bool {
        (self.own_start..self.own_end).contains(&offset)
    }
}

fn windows_of(text: &str, own_bytes: usize, overlap: usize) -> Vec<Window> {
    let bytes = text.as_bytes();
    let mut windows = Vec::new();
    let mut own_start = 0;
    // What is known about the text before `counted`: its line breaks and
    // non-empty lines (`counted` is always a line start).
    let mut counted = 0;
    let mut lines_before = 0u32;
    let mut nonempty_lines_before = 0usize;
    while own_start < text.len() || windows.is_empty() {
        let own_end = line_start_at_or_after(bytes, own_start.saturating_add(own_bytes));
        let start = line_start_at_or_before(bytes, own_start.saturating_sub(overlap));
        let end = line_start_at_or_after(bytes, own_end.saturating_add(overlap));
        // Window starts only move forward (own stretches do, and the line
        // start before a point moves with it), so counting goes on from
        // the last window's start.
        for line in text[counted..start].split_terminator('\n') {
            lines_before += 1;
            if !line.trim().is_empty() {
                nonempty_lines_before += 1;
            }
        }
        counted = start;
        windows.push(Window {
            start,
            end,
            own_start,
            own_end,
            lines_before,
            nonempty_lines_before,
        });
        own_start = own_end;
    }
    windows
}

/// The first line start at or after `at` (the text's end if none).
fn line_start_at_or_after(bytes: &[u8], at: usize) -> usize {
    if at == 0 {
        return 0;
    }
    if at >= bytes.len() {
        return bytes.len();
    }
    // `at` itself is a line start when a line break ends just before it.
    match bytes[at - 1..].iter().position(|&b| b == b'\n') {
        Some(i) => at + i,
        None => bytes.len(),
    }
}

/// The last line start at or before `at`.
fn line_start_at_or_before(bytes: &[u8], at: usize) -> usize {
    let at = at.min(bytes.len());
    bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(count: usize) -> String {
        (0..count)
            .map(|i| {
                if i % 3 == 0 {
                    "   \n".to_owned()
                } else {
                    format!("第{i}行文字\n")
                }
            })
            .collect()
    }

    #[test]
    fn a_small_text_is_one_window() {
        let windowing = Windowing::DEFAULT;
        assert_eq!(windowing.windows("一行", 10), vec![Window::whole("一行")]);
        assert_eq!(windowing.windows("", 10), vec![Window::whole("")]);
    }

    #[test]
    fn windows_own_every_byte_once_and_start_and_end_at_lines() {
        let text = lines(500);
        for (own, overlap) in [(100, 30), (100, 0), (37, 200), (1, 1), (10_000, 5)] {
            let windows = windows_of(&text, own, overlap);
            let mut owned = vec![0u8; text.len()];
            for window in &windows {
                for (offset, owned) in owned.iter_mut().enumerate() {
                    if window.owns(offset) {
                        *owned += 1;
                    }
                }
                for edge in [window.start, window.end, window.own_start, window.own_end] {
                    assert!(edge == 0 || edge == text.len() || text.as_bytes()[edge - 1] == b'\n');
                }
                assert!(window.start <= window.own_start && window.own_end <= window.end);
                assert!(window.own_start - window.start >= overlap.min(window.own_start));
                let before = &text[..window.start];
                assert_eq!(window.lines_before as usize, before.matches('\n').count());
                let nonempty = before
                    .split_terminator('\n')
                    .filter(|l| !l.trim().is_empty())
                    .count();
                assert_eq!(window.nonempty_lines_before, nonempty);
            }
            assert!(
                owned.iter().all(|&n| n == 1),
                "own {own}, overlap {overlap}"
            );
        }
    }

    #[test]
    fn a_line_longer_than_a_window_is_never_cut() {
        let text = format!("{}\n短行\n", "长".repeat(1000));
        let windows = windows_of(&text, 10, 5);
        assert_eq!(windows[0].own_end, "长".repeat(1000).len() + 1);
        let one_line = "长".repeat(1000);
        assert_eq!(windows_of(&one_line, 10, 5).len(), 1);
    }
}
