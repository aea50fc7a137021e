//! The particulars of a 公文 that the sign-off form asks for — 文件标题,
//! 文号 (发文字号) and 成文日期 — read from the document's own text where
//! it is laid out as GB/T 9704 lays it out, so the clerk does not copy them
//! by hand (and cannot copy them wrong).
//!
//! GB/T 9704-2012 puts the 发文字号 in the 版头, on a line of its own
//! (`X政发〔2024〕12号`, a 上行文 adding `签发人：…` on the same line), the
//! title under it, and the 成文日期 at the end of the body, on its own line
//! under the 发文机关署名 (`2024年3月5日`, older documents
//! `二〇二四年三月五日`); the 版记 at the very end carries the 印发日期
//! (`2024年3月6日印发`), which is not the 成文日期.
//!
//! Only what is laid out that way is taken: a 文号 quoted in the body
//! (`根据《…》（国发〔2023〕5号）`) is not this document's, and a date inside
//! a sentence is not its 成文日期. Whatever cannot be read this way is left
//! blank for the clerk to fill in — a wrong value printed on a form to be
//! signed is worse than a blank one.

use crate::extract::document::{Part, Segment};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// What the form's item fields can be filled with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Particulars {
    /// 文件标题.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// 文号 (发文字号), e.g. `X政发〔2024〕12号`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// 成文日期 as written, e.g. `2024年3月5日`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

impl Particulars {
    pub fn is_empty(&self) -> bool {
        self.title.is_none() && self.number.is_none() && self.date.is_none()
    }
}

/// How many non-empty lines from the top make the 版头 and the title.
const HEAD_LINES: usize = 12;

/// The longest line taken for a title (a title wraps to two or three lines
/// at most; a whole paragraph is not one).
const TITLE_MAX_CHARS: usize = 80;

/// A 发文字号 at the start of a line: 机关代字 + 〔年份〕 + 序号 + 号.
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[\p{Han}A-Za-z]{1,16}[〔［\[（(]\s*(?:19|20)\d{2}\s*[〕］\]）)]\s*第?\s*\d{1,5}\s*号",
    )
    .expect("the 文号 pattern compiles")
});

/// A date line: the whole line is a date, in Arabic or Chinese numerals.
static DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?:19|20)\d{2}\s*年\s*(?:1[0-2]|0?[1-9])\s*月\s*(?:3[01]|[12]\d|0?[1-9])\s*日|[〇○零一二三四五六七八九]{4}年(?:十[一二]?|[一二三四五六七八九])月(?:三十[一]?|二?十[一二三四五六七八九]?|[一二三四五六七八九])日)$",
    )
    .expect("the date pattern compiles")
});

/// The whole line is a date; every date has a 年, so a line without one is
/// answered without the pattern (see [`number_of`]).
fn is_date_line(line: &str) -> bool {
    line.contains('年') && DATE_LINE.is_match(line)
}

/// The words a 公文 title ends with (its 文种), or starts with.
const KINDS: &[&str] = &[
    "通知", "通报", "决定", "决议", "命令", "公报", "公告", "通告", "意见", "报告", "请示", "批复",
    "议案", "函", "纪要", "办法", "规定", "方案", "规划", "计划", "细则", "条例", "要点", "预案",
];

/// Reads the particulars from a document's body text.
///
/// One pass over the body's lines, without a copy of them: a line is
/// compacted (its spaces taken out) only where it can matter — the first
/// [`HEAD_LINES`], and lines that end like a date (`…日`) or a 印发 line
/// (`…发`). Collecting every compacted line held the whole body again and
/// was 4% of the matching benchmark.
pub fn read(segments: &[Segment]) -> Particulars {
    let mut head: Vec<String> = Vec::new();
    let mut dates = DateLines::default();
    let lines = segments
        .iter()
        .filter(|s| s.part == Part::Body)
        .flat_map(|s| s.text.lines())
        .filter(|line| !line.trim().is_empty());
    for line in lines {
        if head.len() < HEAD_LINES {
            head.push(compact(line));
        }
        dates.see(line);
    }
    let number_at = head.iter().position(|line| number_of(line).is_some());
    let number = number_at
        .and_then(|at| number_of(&head[at]))
        .map(str::to_owned);
    Particulars {
        title: title(&head, number_at),
        number,
        date: dates.answer(),
    }
}

/// A line with its whitespace taken out (`2024 年 3 月 1 日` is a date).
fn compact(line: &str) -> String {
    line.split_whitespace().collect()
}

/// The 文号 a line holds when the line is the 文号: nothing after it but,
/// in a 上行文, the 签发人 (a 文号 quoted in a sentence is another
/// document's).
fn number_of(line: &str) -> Option<&str> {
    // Every 文号 holds a 号: most lines are turned away without the pattern,
    // which is then never compiled for a document with none (it was 5% of
    // the start-up of a one-line scan).
    if !line.contains('号') {
        return None;
    }
    let found = NUMBER.find(line)?;
    let rest = &line[found.end()..];
    (rest.is_empty() || rest.starts_with("签发人")).then_some(found.as_str())
}

/// The title: the first line in the 版头 area (after the 文号 when there is
/// one) that reads as a 公文 title — starting with 关于 or ending with a 文种
/// — joined with the line before it when the title wraps (`关于…` / `…的通知`).
fn title(head: &[String], number_at: Option<usize>) -> Option<String> {
    let from = number_at.map_or(0, |at| at + 1);
    // A title is not a sentence: it ends with its 文种, not with 。 (so
    // `特此通知。` is not one).
    let looks_like = |line: &str| {
        line.chars().count() <= TITLE_MAX_CHARS
            && number_of(line).is_none()
            && !is_date_line(line)
            && KINDS.iter().any(|kind| line.ends_with(kind))
    };
    for at in from..head.len() {
        let line = &head[at];
        if looks_like(line) {
            // A wrapped title: `关于做好…` on the line above, not itself a
            // sentence or the 文号.
            if at > from {
                let above = &head[at - 1];
                let joined = format!("{above}{line}");
                if above.starts_with("关于")
                    && !above.ends_with(['。', '：', ':'])
                    && joined.chars().count() <= TITLE_MAX_CHARS
                {
                    return Some(joined);
                }
            }
            return Some(line.clone());
        }
    }
    None
}

/// The 成文日期: the last line of the body that is nothing but a date and
/// comes before the 版记's last 印发 line (whose date is the 印发日期).
#[derive(Default)]
struct DateLines {
    /// The last date line seen so far.
    last: Option<String>,
    /// The last date line before the last 印发 line seen so far, once one
    /// has been seen.
    before_printing: Option<Option<String>>,
}

impl DateLines {
    fn see(&mut self, line: &str) {
        let end = line.trim_end();
        if end.ends_with('发') {
            let line = compact(line);
            if line.ends_with("印发") {
                self.before_printing = Some(self.last.clone());
                return;
            }
        }
        if end.ends_with('日') {
            let line = compact(line);
            if is_date_line(&line) {
                self.last = Some(line);
            }
        }
    }

    fn answer(self) -> Option<String> {
        self.before_printing.unwrap_or(self.last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> Vec<Segment> {
        vec![Segment::new(Part::Body, text)]
    }

    /// A 公文 laid out as GB/T 9704 lays it out: 份号, 密级, 发文机关标志,
    /// 文号, title over two lines, 主送, body quoting another 文号 and a
    /// date, 署名, 成文日期, then the 版记 with its 印发 line.
    const NOTICE: &str = "000123\n\
        X市人民政府文件\n\
        X政发〔2024〕12号\n\
        关于做好2024年防汛\n\
        工作的通知\n\
        各区县人民政府，市政府各部门：\n\
        根据《国务院关于加强防汛工作的意见》（国发〔2023〕5号），2024年1月1日起施行。\n\
        现将有关事项通知如下。\n\
        X市人民政府\n\
        2024年3月5日\n\
        （此件公开发布）\n\
        抄送：市委办公室。\n\
        X市人民政府办公室          2024年3月6日印发\n";

    #[test]
    fn reads_the_number_the_title_and_the_date_of_a_notice() {
        let particulars = read(&body(NOTICE));
        assert_eq!(particulars.number.as_deref(), Some("X政发〔2024〕12号"));
        assert_eq!(
            particulars.title.as_deref(),
            Some("关于做好2024年防汛工作的通知")
        );
        assert_eq!(particulars.date.as_deref(), Some("2024年3月5日"));
    }

    #[test]
    fn an_upward_document_has_the_signer_beside_the_number() {
        let text = "X政办〔2024〕7号      签发人：王五\n关于申请防汛资金的请示\n市政府：\n……\n二〇二四年三月五日\n";
        let particulars = read(&body(text));
        assert_eq!(particulars.number.as_deref(), Some("X政办〔2024〕7号"));
        assert_eq!(particulars.title.as_deref(), Some("关于申请防汛资金的请示"));
        assert_eq!(particulars.date.as_deref(), Some("二〇二四年三月五日"));
    }

    #[test]
    fn what_is_not_laid_out_as_a_particular_stays_blank() {
        // A 文号 quoted in a sentence, a date inside one, no title line.
        let text = "各单位：\n根据国发〔2023〕5号文件，自2024年1月1日起执行。\n请遵照执行。\n";
        assert_eq!(read(&body(text)), Particulars::default());
        // The 印发 date of the 版记 is not the 成文日期.
        let text = "关于调整办公时间的通知\n……\nX市人民政府办公室 2024年3月6日印发\n";
        let particulars = read(&body(text));
        assert_eq!(particulars.title.as_deref(), Some("关于调整办公时间的通知"));
        assert_eq!(particulars.date, None);
        // Only the body is read: a header's line is not the title.
        let segments = vec![Segment::new(Part::Header, "关于泄露的通知")];
        assert!(read(&segments).is_empty());
    }

    #[test]
    fn impossible_dates_and_long_lines_are_not_taken() {
        let text = format!(
            "关于{}的通知\n2024年13月5日\n2024年2月31日\n",
            "很".repeat(100)
        );
        let particulars = read(&body(&text));
        assert_eq!(particulars.title, None);
        // 13 is no month; day 31 of February passes the pattern, as any
        // day 1–31 does: the form prints what the document says.
        assert_eq!(particulars.date.as_deref(), Some("2024年2月31日"));
    }

    #[test]
    fn the_date_is_the_last_before_the_last_printing_line_however_spaced() {
        let text = "关于调整办公时间的通知\n2024 年 3 月 1 日\n2024年3月4日\n\
                    X市人民政府办公室 2024年3月6日印  发\n2024年3月9日\n";
        assert_eq!(read(&body(text)).date.as_deref(), Some("2024年3月4日"));
        // With no 印发 line, the last date line of the body.
        let text = "通知\n2024年3月4日\n附件\n2024 年 3 月 9 日\n";
        assert_eq!(read(&body(text)).date.as_deref(), Some("2024年3月9日"));
    }
}
