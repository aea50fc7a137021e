//! The conditions a compiled rule carries: boundaries, line shapes, near
//! terms and downgrades. Compiling builds them from a pack; matching checks
//! them — both import them from here, one way.

use crate::extract::document::Severity;
use crate::rules::normalize::normalize_term;

/// What must not touch a match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Boundary {
    /// A match that starts (ends) with an ASCII letter or digit must not be
    /// preceded (followed) by one: `SECRET` is not in `SECRETARY`, an
    /// 11-digit mobile is not inside an 18-digit ID.
    Auto,
    /// Digits must not touch the match on either side.
    Digit,
    None,
}

/// How a match must sit on its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineShape {
    Any,
    /// Alone on its line or in its table cell.
    Standalone,
    /// Alone on a whole line; a table cell does not count.
    OwnLine,
    /// A form's ticked option: a tick box in the match must be the ticked
    /// box of the word it matched, and a value without a box must not be an
    /// unticked option (see [`crate::rules::checkbox`]).
    Checkbox,
    /// The whole value of a property: a whole segment, line or cell, or what
    /// follows `key:` on a `key: value` line.
    FieldValue,
}

/// Which side of a match a near term may be on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Both,
    Before,
    After,
}

impl Side {
    pub fn parse(name: Option<&str>) -> Option<Side> {
        match name {
            None | Some("both") => Some(Side::Both),
            Some("before") => Some(Side::Before),
            Some("after") => Some(Side::After),
            Some(_) => None,
        }
    }
}

/// Terms near a match.
#[derive(Clone, Debug)]
pub struct Near {
    pub terms: Vec<String>,
    /// Characters either side; 0 = anywhere in the document.
    pub within: usize,
    pub side: Side,
}

impl Near {
    pub fn new(terms: &[String], within: usize, side: Side) -> Near {
        Near {
            terms: terms
                .iter()
                .map(|t| normalize_term(t))
                .filter(|t| !t.is_empty())
                .collect(),
            within,
            side,
        }
    }
}

#[derive(Clone, Debug)]
pub enum DowngradeCondition {
    /// Inside quotes or after 如/例如/标注为 …: an example, not a marking.
    Quoted,
    /// One of the terms is near.
    Near(Near),
    /// None of the terms is near: context that would confirm the match is
    /// missing (a 62… number with no 卡号/账户 anywhere).
    NotNear(Near),
    /// One of the terms (例如, 标注为, 分为 …) introduces the match: it stands
    /// before it, within the distance, and only separators or other
    /// markings of a list lie between (`例如：秘密★1年、机密★5年`). A cue
    /// that is only nearby does not count: `通知如下：` ends in 如 and is
    /// followed by the document's own marking on the next line.
    Introduced(Near),
}

#[derive(Clone, Debug)]
pub struct Downgrade {
    pub to: Severity,
    pub condition: DowngradeCondition,
    pub reason: String,
    /// Applies to a marking that is the whole of its line in the header
    /// position (see `matcher::is_header_line`), or in source code, too;
    /// only for document-wide stamps such as NATO's PUBLICLY DISCLOSED.
    pub on_header_line: bool,
}
