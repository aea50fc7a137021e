//! What a renderer is told besides the review itself.

use super::labels::Lang;

/// Options shared by every report format.
///
/// None of these change the review: they only fill in the form (the
/// reviewer's name, the batch) and pick the language of its fixed text. The
/// same review rendered with the same options gives the same bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// `--lang`: Chinese unless asked otherwise.
    pub lang: Lang,
    /// `--reviewer`: printed in the reviewer field; a blank line when absent.
    pub reviewer: Option<String>,
    /// `--department`: the 承办部门 field.
    pub department: Option<String>,
    /// `--batch`: the batch name on the cover.
    pub batch: Option<String>,
    /// Text report only: one line per document counting its info findings
    /// instead of a line each (the terminal and `.txt` reports, unless
    /// `--verbose`), so the findings that need a decision stand out.
    pub summarise_info: bool,
}
