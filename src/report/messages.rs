//! The message catalogue: every sentence prepub itself writes into a review
//! — extraction problems, extractor notices, verdict reasons, skip reasons,
//! the labels of headers and comments — rendered in the report language.
//!
//! The JSON review keeps these sentences as the pipeline wrote them, in
//! English: they are machine-facing (CI logs grep them, `prepub verify`
//! compares them) and must not change with a flag. The human-readable
//! reports and the terminal show them through this module instead, so a
//! Chinese form never carries an English sentence.
//!
//! The catalogue is a table of English templates with their Chinese
//! wording. `{}` in a template stands for a value (a page number, a file
//! name, a cause); the value is itself looked up again, so a problem that
//! wraps another ("page 3: the stream is damaged …") is rendered whole. A
//! sentence the table does not know is shown as written — the test
//! `every_fixture_message_has_a_chinese_rendering` runs every fixture and
//! fails on any sentence prepub emits without a Chinese rendering.
//!
//! Rule messages are the packs' own words; a pack gives them in both
//! languages with `message_zh`/`message_en` (see [`finding`]).

use super::labels::Lang;
use crate::review::Finding;
use regex::{Regex, RegexSet};
use std::borrow::Cow;
use std::sync::LazyLock;

/// A finding's message in `lang`: the pack's `message_zh`/`message_en`
/// where it gives one, else a notice's sentence from the catalogue, else
/// the message as stored.
pub fn finding(lang: Lang, finding: &Finding) -> Cow<'_, str> {
    let given = match lang {
        Lang::Zh => finding.messages.zh.as_deref(),
        Lang::En => finding.messages.en.as_deref(),
    };
    match given {
        Some(message) => Cow::Borrowed(message),
        None => sentence(lang, &finding.message),
    }
}

/// One of prepub's own sentences (a problem, a notice, a reason, a skip
/// reason) in `lang`; as written when the catalogue does not know it.
pub fn sentence(lang: Lang, message: &str) -> Cow<'_, str> {
    match lang {
        Lang::En => Cow::Borrowed(message),
        Lang::Zh => match chinese(message) {
            Some(zh) => Cow::Owned(zh),
            None => Cow::Borrowed(message),
        },
    }
}

/// A piece of one of prepub's sentences (the part after "page 7: ", a
/// reason) in `lang`: a sentence or a word of the catalogue, as written
/// when it knows neither.
pub fn value(lang: Lang, text: &str) -> Cow<'_, str> {
    match lang {
        Lang::En => Cow::Borrowed(text),
        Lang::Zh => Cow::Owned(value_zh(text, 0)),
    }
}

/// The Chinese rendering of one of prepub's sentences, or `None` when the
/// catalogue has no template for it.
pub fn chinese(message: &str) -> Option<String> {
    translate(message, 0)
}

/// A finding's context in `lang`: its leading `[label]` (the header's
/// section and pages, "HTML comment", …) is translated when it is one of
/// prepub's own labels; document text is left alone.
pub fn context(lang: Lang, context: &str) -> Cow<'_, str> {
    if lang == Lang::En {
        return Cow::Borrowed(context);
    }
    let Some(rest) = context.strip_prefix('[') else {
        return Cow::Borrowed(context);
    };
    let Some(end) = rest.find("] ") else {
        return Cow::Borrowed(context);
    };
    let (label, tail) = (&rest[..end], &rest[end + 2..]);
    let pieces: Option<Vec<String>> = label.split("; ").map(label_zh).collect();
    match pieces {
        Some(pieces) => Cow::Owned(format!("[{}] {tail}", pieces.join("；"))),
        None => Cow::Borrowed(context),
    }
}

/// A context label in Chinese, when it is one of prepub's.
fn label_zh(label: &str) -> Option<String> {
    translate_with(&LABELS, label, 0)
}

/// A value inside a label: a label, else a sentence's value.
fn label_value_zh(value: &str, depth: usize) -> String {
    translate_with(&LABELS, value, depth).unwrap_or_else(|| value_zh(value, depth))
}

/// How deep a value inside a value is looked up (a problem about an
/// attachment about a page …); beyond, the value is shown as written.
const MAX_DEPTH: usize = 4;

fn translate(message: &str, depth: usize) -> Option<String> {
    if let Some(caps) = REPEATED.captures(message) {
        let inner = translate(caps.get(1)?.as_str(), depth)?;
        return Some(format!("{inner}（重复 {} 次）", caps.get(2)?.as_str()));
    }
    if let Some(caps) = MORE_LIKE_IT.captures(message) {
        let inner = translate(caps.get(1)?.as_str(), depth)?;
        return Some(format!(
            "{inner}（另有 {} 个同类问题）",
            caps.get(2)?.as_str()
        ));
    }
    translate_with(&SENTENCES, message, depth)
}

/// Renders `message` with the first template of `catalogue` it matches.
fn translate_with(catalogue: &Catalogue, message: &str, depth: usize) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    // The template with the most literal text among those that match: the
    // most specific one ("{}: not read by OCR: {}" over "{} cannot be
    // read: {}"), the earlier on a tie.
    let index = catalogue
        .set
        .matches(message)
        .into_iter()
        .max_by_key(|&i| (catalogue.templates[i].literal, std::cmp::Reverse(i)))?;
    let template = &catalogue.templates[index];
    let caps = template.regex.captures(message)?;
    let values: Vec<String> = (1..caps.len())
        .map(|i| {
            let value = caps.get(i).map_or("", |m| m.as_str());
            (catalogue.value)(value, depth + 1)
        })
        .collect();
    Some(fill(template.zh, &values))
}

/// A value inside a sentence: a sentence or word of the catalogue in
/// Chinese, sentences joined by "; " one by one, anything else (a number,
/// a file name, a library's error) as written.
fn value_zh(value: &str, depth: usize) -> String {
    if let Some(zh) = translate(value, depth) {
        return zh;
    }
    if value.contains("; ") {
        return joined_zh(value, depth);
    }
    translate_with(&WORDS, value, depth).unwrap_or_else(|| value.to_owned())
}

/// Sentences joined by "; " (a reason listing a document's problems), each
/// in Chinese. A sentence may itself hold "; ", so the longest run of
/// pieces that is one known sentence is taken each time.
fn joined_zh(value: &str, depth: usize) -> String {
    /// Past this many pieces the runs are not tried (quadratic): each piece
    /// is rendered alone.
    const MAX_PIECES: usize = 64;
    let pieces: Vec<&str> = value.split("; ").collect();
    let mut out = Vec::new();
    let mut start = 0;
    while start < pieces.len() {
        let longest = if pieces.len() <= MAX_PIECES {
            (start + 1..=pieces.len()).rev().find_map(|end| {
                translate(&pieces[start..end].join("; "), depth).map(|zh| (end, zh))
            })
        } else {
            translate(pieces[start], depth).map(|zh| (start + 1, zh))
        };
        match longest {
            Some((end, zh)) => {
                out.push(zh);
                start = end;
            }
            None => {
                out.push(pieces[start].to_owned());
                start += 1;
            }
        }
    }
    out.join("；")
}

/// Fills a Chinese template: `{}` takes the next value, `{N}` the N-th
/// (1-based), for sentences whose word order differs.
fn fill(template: &str, values: &[String]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut next = 0;
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let inside = &after[..end];
                let index = if inside.is_empty() {
                    next += 1;
                    Some(next - 1)
                } else {
                    inside.parse::<usize>().ok().map(|n| n.saturating_sub(1))
                };
                match index.and_then(|i| values.get(i)) {
                    Some(value) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(inside);
                        out.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// `Extraction::compact_problems`' suffix for a problem met many times.
static REPEATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)^(.+) \(repeated ([0-9,]+) times\)$").expect("a valid pattern")
});

/// Its suffix when it keeps only the first few of many similar problems.
static MORE_LIKE_IT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)^(.+) \(and ([0-9,]+) more problems like it\)$").expect("a valid pattern")
});

struct Template {
    regex: Regex,
    zh: &'static str,
    /// Bytes of literal text in the English template.
    literal: usize,
}

struct Catalogue {
    set: RegexSet,
    templates: Vec<Template>,
    /// How a template's values are rendered.
    value: fn(&str, usize) -> String,
}

impl Catalogue {
    fn new(
        entries: &[(&'static str, &'static str)],
        value: fn(&str, usize) -> String,
    ) -> Catalogue {
        let patterns: Vec<String> = entries.iter().map(|(en, _)| pattern(en)).collect();
        let set = RegexSet::new(&patterns).expect("catalogue templates are valid patterns");
        let templates = entries
            .iter()
            .zip(&patterns)
            .map(|((en, zh), pattern)| Template {
                regex: Regex::new(pattern).expect("catalogue templates are valid patterns"),
                zh,
                literal: en.len() - 2 * en.matches("{}").count(),
            })
            .collect();
        Catalogue {
            set,
            templates,
            value,
        }
    }
}

/// An English template as an anchored pattern: literal text, `{}` a value.
fn pattern(template: &str) -> String {
    let pieces: Vec<&str> = template.split("{}").collect();
    let mut out = String::from("(?s)^");
    for (i, piece) in pieces.iter().enumerate() {
        out.push_str(&regex::escape(piece));
        if i + 1 < pieces.len() {
            out.push_str("(.+?)");
        }
    }
    out.push('$');
    out
}

static SENTENCES: LazyLock<Catalogue> = LazyLock::new(|| Catalogue::new(SENTENCE_TABLE, value_zh));
static WORDS: LazyLock<Catalogue> = LazyLock::new(|| Catalogue::new(WORD_TABLE, value_zh));
static LABELS: LazyLock<Catalogue> = LazyLock::new(|| Catalogue::new(LABEL_TABLE, label_value_zh));

/// The labels extractors give segments (shown as `[label]` before a
/// context).
const LABEL_TABLE: &[(&str, &str)] = &[
    ("section {}, {}", "第 {} 节，{}"),
    ("first page", "首页"),
    (
        "first page, not shown (no titlePg)",
        "首页（未显示：未设 titlePg）",
    ),
    ("even pages", "偶数页"),
    (
        "even pages, not shown (no evenAndOddHeaders)",
        "偶数页（未显示：未设 evenAndOddHeaders）",
    ),
    ("odd pages", "奇数页"),
    ("all pages", "各页"),
    ("HTML comment", "HTML 注释"),
    ("title attribute", "title 属性"),
    ("title", "标题"),
    ("hidden slide", "隐藏的幻灯片"),
    ("hidden shape", "隐藏的形状"),
    ("unlisted slide {}", "未列入的幻灯片 {}"),
    ("custom property", "自定义属性"),
    ("custom data", "自定义数据"),
    ("custom tags", "自定义标签"),
    ("keywords", "关键词"),
    ("outline", "大纲"),
    ("attachment name", "附件名"),
    ("invisible object", "不可见对象"),
    ("unreferenced part {}", "未被引用的部件 {}"),
    (
        "{}: a part no relationship points to",
        "{}：无关系指向的部件",
    ),
    ("DTD entities declared in {}", "{} 中声明的 DTD 实体"),
    ("hidden section {}", "隐藏节 {}"),
    ("hidden section", "隐藏节"),
    ("text hidden by its style", "被样式隐藏的文字"),
    ("hidden text field", "隐藏文字域"),
    ("sheet name", "工作表名"),
    ("attachment {}", "附件 {}"),
    ("attached message {}", "附带的邮件 {}"),
    (
        "OCR confidence {}%: check by eye",
        "OCR 置信度 {}%：请目视核对",
    ),
    ("OCR, confidence {}%", "OCR，置信度 {}%"),
    ("{} (OCR, confidence {}%)", "{}（OCR，置信度 {}%）"),
    ("stamp: {}", "图章：{}"),
    ("tags {}", "标签 {}"),
    (
        "earlier revision {} (file cut at byte {})",
        "早期版本 {}（文件截至第 {} 字节）",
    ),
];

/// prepub's own sentences. Where several templates match, the one with the
/// most literal text is used.
const SENTENCE_TABLE: &[(&str, &str)] = &[
    // Names in document properties (extract/people.rs): the Chinese advice
    // leads, the English detail follows.
    (
        "文档属性含姓名，建议发布前清除 (document properties name a person: {})",
        "文档属性含姓名，建议发布前清除（{}）",
    ),
    (
        "文档属性含姓名及联系方式或内部地址，发布前须清除 (document properties name a person: {}; they also hold {})",
        "文档属性含姓名及联系方式或内部地址，发布前须清除（{}；另含{}）",
    ),
    ("{} blocking finding(s): {}", "{} 处阻断级命中：{}"),
    ("{} finding(s) to review: {}", "{} 处待复核命中：{}"),
    (
        "{} finding(s) decided remove/revise but still present",
        "{} 处命中已决定删除或修改，但仍在文件中",
    ),
    (
        "{} keep decision(s) expired: the finding(s) count again",
        "{} 项保留决定已过期：相应命中重新计入",
    ),
    (
        "{} finding(s) waived by a reviewer's keep decision",
        "{} 处命中经审查人决定保留，已豁免",
    ),
    (
        "not fully read ({}): {} — needs manual review",
        "未能完整读取（{}）：{}——须人工审查",
    ),
    (
        "no findings above info; document fully read",
        "没有高于提示级的命中；文件已完整读取",
    ),
    (
        "no open findings above info; document fully read",
        "没有未处理的高于提示级的命中；文件已完整读取",
    ),
    (
        "{}; it was named as an input, so the scan does not exit 0",
        "{}；它是指定的输入，因此扫描不以 0 退出",
    ),
    (
        "{} passage of hidden text: it is not printed but is published with the file; delete it or make it visible",
        "{} 处隐藏文字：不打印，但随文件发布；请删除或改为可见",
    ),
    (
        "{} passages of hidden text: it is not printed but is published with the file; delete it or make it visible",
        "{} 处隐藏文字：不打印，但随文件发布；请删除或改为可见",
    ),
    (
        "{} passage of hidden text (w:vanish): it is not printed but is published with the file; delete it or make it visible",
        "{} 处隐藏文字（w:vanish）：不打印，但随文件发布；请删除或改为可见",
    ),
    (
        "{} passages of hidden text (w:vanish): it is not printed but is published with the file; delete it or make it visible",
        "{} 处隐藏文字（w:vanish）：不打印，但随文件发布；请删除或改为可见",
    ),
    (
        "{} passage(s) of hidden text (\\v): not printed but published with the file",
        "{} 处隐藏文字（\\v）：不打印，但随文件发布",
    ),
    (
        "{} comment (by {}) must be resolved before publishing",
        "{} 条批注（{}）须在发布前处理",
    ),
    (
        "{} comments (by {}) must be resolved before publishing",
        "{} 条批注（{}）须在发布前处理",
    ),
    (
        "{} tracked change (by {}) must be resolved before publishing",
        "{} 处修订（{}）须在发布前处理",
    ),
    (
        "{} tracked changes (by {}) must be resolved before publishing",
        "{} 处修订（{}）须在发布前处理",
    ),
    (
        "{} comment(s) must be resolved before publishing",
        "{} 条批注须在发布前处理",
    ),
    (
        "{} tracked change(s) must be resolved before publishing",
        "{} 处修订须在发布前处理",
    ),
    (
        "{} comment must be resolved before publishing",
        "{} 条批注须在发布前处理",
    ),
    (
        "{} comments must be resolved before publishing",
        "{} 条批注须在发布前处理",
    ),
    (
        "{} tracked change must be resolved before publishing",
        "{} 处修订须在发布前处理",
    ),
    (
        "{} tracked changes must be resolved before publishing",
        "{} 处修订须在发布前处理",
    ),
    (
        "the document contains VBA macros ({}): macros are not reviewed and should be removed before publishing",
        "文件含有 VBA 宏（{}）：宏不在审查范围内，发布前应删除",
    ),
    (
        "the presentation carries VBA macros, which are not reviewed",
        "演示文稿含有 VBA 宏，宏不在审查范围内",
    ),
    (
        "the workbook carries VBA macros, which are not reviewed",
        "工作簿含有 VBA 宏，宏不在审查范围内",
    ),
    (
        "{} pieces of content are in the page source but not shown (comments, hidden elements, hidden inputs)",
        "网页源码中有 {} 处不显示的内容（注释、隐藏元素、隐藏输入框）",
    ),
    (
        "the page loads {} resource(s) from outside this file, which prepub never fetches and did not review: {}",
        "网页从文件之外加载 {} 个资源，prepub 不下载也未审查：{}",
    ),
    ("the document carries {} comments", "文件带有 {} 条批注"),
    ("content not shown to a reader: {}", "读者看不到的内容：{}"),
    ("tracked changes are recorded: {}", "文件记录了修订：{}"),
    ("{} annotations ({})", "{} 个注释（{}）"),
    (
        "page {} carries text in objects marked invisible",
        "第 {} 页有标为不可见的对象带有文字",
    ),
    (
        "package part {} holds text that no page displays; it is published with the file",
        "包内部件 {} 带有不在任何页面显示的文字；它随文件发布",
    ),
    (
        "watermark annotation on page {}: {}",
        "第 {} 页的水印注释：{}",
    ),
    ("watermark annotation: {}", "水印注释：{}"),
    (
        "page {} carries {} replacement or alternate text(s) (/ActualText, /Alt) that search and screen readers use but the page does not show",
        "第 {} 页带有 {} 处替换文字或替代文字（/ActualText、/Alt）：搜索和读屏软件会用到，但页面不显示",
    ),
    (
        "the structure tree (tags) carries {} alternate or replacement text(s) (/Alt, /ActualText, /E) that screen readers use but no page shows",
        "结构树（标签）带有 {} 处替代或替换文字（/Alt、/ActualText、/E）：读屏软件会用到，但任何页面都不显示",
    ),
    (
        "the file carries {} annotation(s) (notes, comments, stamps)",
        "文件带有 {} 个注释（附注、批注、图章）",
    ),
    (
        "the {} bytes appended after the PDF's end (%%EOF) hold {}: viewers do not show it, but it is published with the file (a polyglot)",
        "PDF 结尾（%%EOF）之后附加的 {} 字节是{}：阅读器不显示，但它随文件发布（多格式文件）",
    ),
    (
        "the {} bytes appended after the PDF's end (%%EOF) hold {}, which is not part of the PDF a viewer shows: it was read as far as it could be, but remove it before publication or review it separately",
        "PDF 结尾（%%EOF）之后附加的 {} 字节是{}，不属于阅读器显示的 PDF：已尽量读取，但请在发布前删除或另行审查",
    ),
    (
        "the {} bytes appended after the PDF's end (%%EOF) are {} and could not be read: review them separately",
        "PDF 结尾（%%EOF）之后附加的 {} 字节是{}，无法读取：请另行审查",
    ),
    ("the file carries {} attached file(s)", "文件带有 {} 个附件"),
    (
        "this file carries {} earlier revision(s) (incremental updates): text removed in a later save is still in the file",
        "文件带有 {} 个早期版本（增量更新）：后来保存时删去的文字仍在文件中",
    ),
    (
        "slide {} carries {} comments",
        "第 {} 张幻灯片带有 {} 条批注",
    ),
    (
        "slide {} has shapes marked hidden that hold text",
        "第 {} 张幻灯片有标为隐藏的形状带有文字",
    ),
    (
        "slide {} is hidden: not shown in the slide show, but published with the file",
        "第 {} 张幻灯片被隐藏：放映时不显示，但随文件发布",
    ),
    (
        "{} slide(s) hidden from the slide show: they are published with the file",
        "{} 张幻灯片在放映中隐藏：它们随文件发布",
    ),
    (
        "sheet {} has {} cell comments",
        "工作表 {} 有 {} 条单元格批注",
    ),
    (
        "sheet {} carries {} cell comments",
        "工作表 {} 有 {} 条单元格批注",
    ),
    (
        "sheet {} has {} values in hidden columns",
        "工作表 {} 的隐藏列中有 {} 个值",
    ),
    (
        "sheet {} has {} hidden rows with values",
        "工作表 {} 有 {} 个带值的隐藏行",
    ),
    (
        "sheet {} is very hidden (only visible to macros and XML editors)",
        "工作表 {} 被深度隐藏（只有宏和 XML 编辑器能看到）",
    ),
    (
        "sheet {} is very hidden (only visible to macros)",
        "工作表 {} 被深度隐藏（只有宏能看到）",
    ),
    ("sheet {} is hidden", "工作表 {} 被隐藏"),
    (
        "text under {} is still in the text layer (failed redaction: anyone can copy it)",
        "{}下的文字仍在文字层中（涂黑失败：任何人都能复制）",
    ),
    (
        "text under {} is still in the text layer: the redaction was not applied",
        "{}下的文字仍在文字层中：涂黑未生效",
    ),
    (
        "document properties name a person ({}): {}",
        "文档属性记有人名（{}）：{}",
    ),
    (
        "document properties name the author: {}",
        "文档属性记有作者：{}",
    ),
    (
        "{} — names in the document properties are published with the file",
        "{}——文档属性中的人名随文件发布",
    ),
    ("the page names its author: {}", "网页记有作者：{}"),
    ("the mail names its sender: {}", "邮件记有发件人：{}"),
    (
        "the file is encrypted with an owner password only (copy/print restrictions); it opens without a password and was read in full",
        "文件只设了所有者密码（限制复制、打印）；无须密码即可打开，已完整读取",
    ),
    (
        "the file keeps an earlier version of the document ({})",
        "文件保留了文档的早期版本（{}）",
    ),
    (
        "empty file ({} bytes): a {} document cannot be empty; it was cut short or never written, so nothing was reviewed",
        "空文件（{} 字节）：{} 文件不可能为空；文件被截断或从未写完，未审查任何内容",
    ),
    (
        "empty file ({} bytes, all blank or NUL): a {} document cannot be empty; it was cut short or never written, so nothing was reviewed",
        "空文件（{} 字节，全为空白或 NUL）：{} 文件不可能为空；文件被截断或从未写完，未审查任何内容",
    ),
    ("empty file", "空文件"),
    (
        "unrecognised file format: not reviewed, check it by hand",
        "无法识别的文件格式：未审查，请人工检查",
    ),
    (
        "archive format prepub cannot open (only .zip is read): unpack and rescan",
        "prepub 无法打开的压缩格式（只读取 .zip）：请解压后重新扫描",
    ),
    (
        "encrypted: cannot be reviewed without the password",
        "已加密：没有密码无法审查",
    ),
    (
        "encrypted: cannot be reviewed without the password (--password)",
        "已加密：没有密码无法审查（--password）",
    ),
    (
        "encrypted: cannot be reviewed without the password — none of the {} password(s) given opened it (--password)",
        "已加密：没有密码无法审查——给出的 {} 个密码都打不开（--password）",
    ),
    (
        "encrypted: the Word document is {} with a password; it cannot be reviewed without it — remove the password and rescan",
        "已加密：Word 文档设有密码（{}）；没有密码无法审查——请去除密码后重新扫描",
    ),
    (
        "encrypted: the presentation is protected with a password (CryptSession10Container); it cannot be reviewed without it — remove the password and rescan",
        "已加密：演示文稿设有密码（CryptSession10Container）；没有密码无法审查——请去除密码后重新扫描",
    ),
    (
        "encrypted: the presentation is protected with a password; it cannot be reviewed without it — remove the password and rescan",
        "已加密：演示文稿设有密码；没有密码无法审查——请去除密码后重新扫描",
    ),
    (
        "encrypted: the workbook is protected with a password (FILEPASS); it cannot be reviewed without it — remove the password and rescan",
        "已加密：工作簿设有密码（FILEPASS）；没有密码无法审查——请去除密码后重新扫描",
    ),
    (
        "file is {} bytes, over the limit of {} bytes (--max-file-size): not read",
        "文件有 {} 字节，超过 {} 字节的上限（--max-file-size）：未读取",
    ),
    (
        "file is {} bytes, over the limit of {} bytes (--max-file-size): not reviewed",
        "文件有 {} 字节，超过 {} 字节的上限（--max-file-size）：未审查",
    ),
    (
        "time budget of {} exceeded (--timeout): reading was abandoned and the document was not reviewed",
        "超过 {} 的时限（--timeout）：已放弃读取，文件未审查",
    ),
    (
        "time budget of {} s exceeded (--timeout) before it was read",
        "读取前已超过 {} 秒的时限（--timeout）",
    ),
    (
        "time budget of {} s exceeded (--timeout): the rest of the {} is not read",
        "超过 {} 秒的时限（--timeout）：{}的其余部分未读取",
    ),
    (
        "time budget of {} s exceeded (--timeout) while {}: the rest of the page is not read",
        "超过 {} 秒的时限（--timeout）（{}）：网页的其余部分未读取",
    ),
    (
        "time budget of {} s exceeded: pages {}–{} were not read (--timeout)",
        "超过 {} 秒的时限：第 {}–{} 页未读取（--timeout）",
    ),
    (
        "time budget of {} s exceeded (--timeout): {} from {} on are not read",
        "超过 {1} 秒的时限（--timeout）：从 {3} 起的{2}未读取",
    ),
    (
        "time budget of {} s exceeded (--timeout): sheet {} is read only in part",
        "超过 {} 秒的时限（--timeout）：工作表 {} 只读取了一部分",
    ),
    (
        "time budget of {} s exceeded before the earlier revisions were all read (--timeout)",
        "早期版本未读完时已超过 {} 秒的时限（--timeout）",
    ),
    (
        "time budget exceeded (--timeout) before OCR: {} not read; check them by hand",
        "OCR 前已超过时限（--timeout）：{}未读取；请人工检查",
    ),
    (
        "time budget of {} exceeded (--timeout) while opening the archive",
        "打开压缩包时超过 {} 的时限（--timeout）",
    ),
    (
        "internal error while reading this {} document ({}); it was not reviewed — please report this file",
        "读取这份 {} 文件时出现内部错误（{}）；文件未审查——请报告此文件",
    ),
    (
        "internal error while opening the archive ({})",
        "打开压缩包时出现内部错误（{}）",
    ),
    (
        "not a regular file: {} (replaced while it was being opened); not read",
        "不是普通文件：{}（打开时被替换）；未读取",
    ),
    (
        "not a regular file: {}; not read",
        "不是普通文件：{}；未读取",
    ),
    (
        "symbolic link not followed{}: it leads back into a folder it is in (a loop); not read",
        "未跟随符号链接{}：它指回所在的文件夹（循环）；未读取",
    ),
    (
        "symbolic link not followed{}: use --follow, or name the file it points to",
        "未跟随符号链接{}：请用 --follow，或直接给出它指向的文件",
    ),
    (
        "symbolic link{} cannot be followed: {}; not read",
        "符号链接{}无法跟随：{}；未读取",
    ),
    (
        "folder could not be read: {}; the files in it were not reviewed",
        "文件夹无法读取：{}；其中的文件未审查",
    ),
    ("cannot read: {}", "无法读取：{}"),
    (
        "not a readable zip container (truncated or corrupt): {}",
        "不是可读的 zip 容器（被截断或已损坏）：{}",
    ),
    ("zip archive: {}", "zip 压缩包：{}"),
    ("archive member not read: {}", "压缩包成员未读取：{}"),
    ("cannot be read: {}", "无法读取：{}"),
    ("{}: cannot be decompressed: {}", "{}：无法解压：{}"),
    (
        "not opened: archives nested more than {} deep; unpack it and review it separately",
        "未打开：压缩包嵌套超过 {} 层；请解压后另行审查",
    ),
    (
        "not opened: archives and mails nested more than {} deep; save it and review it separately",
        "未打开：压缩包和邮件嵌套超过 {} 层；请另存后另行审查",
    ),
    (
        "not read: the archive has more than {} members in all (--max-zip-entries)",
        "未读取：压缩包共有超过 {} 个成员（--max-zip-entries）",
    ),
    (
        "not read: the file holds more than {} members in all (--max-zip-entries)",
        "未读取：文件共有超过 {} 个成员（--max-zip-entries）",
    ),
    (
        "not read: the members of the file would hold more than {} bytes in all (--max-inflated)",
        "未读取：文件各成员解压后共超过 {} 字节（--max-inflated）",
    ),
    (
        "zip has {} entries, over the limit of {} (--max-zip-entries)",
        "zip 有 {} 个条目，超过 {} 的上限（--max-zip-entries）",
    ),
    (
        "{}: compression ratio {}:1 is over the limit of {}:1 (--max-zip-ratio): possible zip bomb",
        "{}：压缩比 {}:1 超过 {}:1 的上限（--max-zip-ratio）：可能是 zip 炸弹",
    ),
    ("{}: decompressed size is over {}", "{}：解压后的大小超过{}"),
    ("not read: {}", "未读取：{}"),
    ("skipped: {}", "已跳过：{}"),
    (
        "two entries named {} (one part name to most readers, which differ in which they open): both read; readers disagree about which one counts, so check the file by hand",
        "有两个名为 {} 的条目（多数阅读器视为同一部件，但打开的是不同的一个）：均已读取；阅读器对以哪个为准有分歧，请人工检查文件",
    ),
    (
        "two entries named {}: both read; readers disagree about which one counts, so check the file by hand",
        "有两个名为 {} 的条目：均已读取；阅读器对以哪个为准有分歧，请人工检查文件",
    ),
    (
        "{} entries named {}: {}; readers disagree about which one counts, so check the file by hand",
        "有 {} 个名为 {} 的条目：{}；阅读器对以哪个为准有分歧，请人工检查文件",
    ),
    (
        "{} (OLE object) was not read: open it and review it separately",
        "{}（OLE 对象）未读取：请打开后另行审查",
    ),
    (
        "{} is an OLE object prepub cannot read: open the document, extract the object and review it by hand",
        "{} 是 prepub 无法读取的 OLE 对象：请打开文件，取出该对象后人工审查",
    ),
    (
        "{} is a zip archive, which is not opened inside a document: extract it and review it separately",
        "{} 是 zip 压缩包，文件中的压缩包不会被打开：请取出后另行审查",
    ),
    (
        "{} is nested more than {} documents deep and is not opened: extract it and review it separately",
        "{} 嵌套超过 {} 层文件，未打开：请取出后另行审查",
    ),
    (
        "{} could not be read ({}): review it separately",
        "{} 无法读取（{}）：请另行审查",
    ),
    (
        "{} are {} and could not be read: review them separately",
        "{}是{}，无法读取：请另行审查",
    ),
    (
        "{} are a zip archive that could not be read ({}): review it separately",
        "{}是无法读取的 zip 压缩包（{}）：请另行审查",
    ),
    (
        "attachment {} was not read in full: {} is {}: {}",
        "附件 {} 未完整读取：{} {}：{}",
    ),
    ("attachment {} cannot be read: {}", "附件 {} 无法读取：{}"),
    (
        "attachment {} could not be read ({}): review it separately",
        "附件 {} 无法读取（{}）：请另行审查",
    ),
    (
        "attachment {} is damaged and was read only up to the damage ({}): review it separately",
        "附件 {} 已损坏，只读到损坏处（{}）：请另行审查",
    ),
    (
        "attachment {} is nested more than {} files deep: review it separately",
        "附件 {} 嵌套超过 {} 层文件：请另行审查",
    ),
    (
        "attachment {} is referred to but not embedded in the file: check it separately",
        "附件 {} 被引用但未嵌入文件：请另行检查",
    ),
    ("in attachment {}: {}", "附件 {} 中：{}"),
    ("attachment {}: {}", "附件 {}：{}"),
    (
        "its base64 (MIME part {}) is damaged: the file cannot be decoded",
        "其 base64 编码（MIME 部分 {}）已损坏：无法解码文件",
    ),
    (
        "MIME part {} ({}) is damaged (bad transfer encoding or structure): it was read as far as possible",
        "MIME 部分 {}（{}）已损坏（传输编码或结构错误）：已尽量读取",
    ),
    (
        "MIME part {} ({}) is damaged (bad transfer encoding or structure): its bytes cannot be trusted to be the file",
        "MIME 部分 {}（{}）已损坏（传输编码或结构错误）：其字节不能被当作该文件",
    ),
    (
        "MIME part {} has the transfer encoding “{}”, which prepub does not decode",
        "MIME 部分 {} 的传输编码为“{}”，prepub 不解码",
    ),
    (
        "MIME part {} is referred to but missing: the message structure is damaged",
        "MIME 部分 {} 被引用但不存在：邮件结构已损坏",
    ),
    (
        "MIME parts nest more than {} deep: the parts inside part {} are not read",
        "MIME 部分嵌套超过 {} 层：第 {} 部分内的部分未读取",
    ),
    (
        "not a readable MIME message: no headers or body were found",
        "不是可读的 MIME 邮件：找不到邮件头或正文",
    ),
    (
        "{} part (MIME part {}): its base64 is damaged; only what could be decoded is read",
        "{} 部分（MIME 部分 {}）：其 base64 编码已损坏；只读取了能解码的内容",
    ),
    (
        "{} declares the charset “{}” but its bytes are not valid in it: read {}, which may be wrong",
        "{} 声明的字符集为“{}”，但其字节在该字符集中无效：{}，可能有误",
    ),
    (
        "{} declares the charset “{}”, which prepub does not know: read as the detected {}, which may be wrong",
        "{} 声明的字符集“{}”prepub 不认识：按检测到的 {} 读取，可能有误",
    ),
    (
        "the {} header has characters that could not be decoded (an unknown or wrong charset): they were replaced with U+FFFD",
        "{} 邮件头中有无法解码的字符（字符集未知或有误）：已替换为 U+FFFD",
    ),
    ("{} part: {}", "{} 部分：{}"),
    (
        "some bytes are not valid {}: they were replaced with U+FFFD and the text around them may be misread",
        "部分字节不是有效的 {}：已替换为 U+FFFD，其附近的文字可能被误读",
    ),
    (
        "encoding uncertain: {}; the text may be misread, check it by hand",
        "编码不确定：{}；文字可能被误读，请人工检查",
    ),
    (
        "not a readable PDF (truncated or damaged beyond repair): {}",
        "不是可读的 PDF（被截断或损坏到无法修复）：{}",
    ),
    (
        "the PDF has no readable pages (damaged page tree)",
        "PDF 没有可读的页面（页面树已损坏）",
    ),
    (
        "the PDF has {} objects, over the limit of {} (--max-pdf-objects)",
        "PDF 有 {} 个对象，超过 {} 的上限（--max-pdf-objects）",
    ),
    (
        "page {} has {}: needs OCR or manual review",
        "第 {} 页{}：需要 OCR 或人工审阅",
    ),
    (
        "pages {}–{} have {}: needs OCR or manual review",
        "第 {}–{} 页{}：需要 OCR 或人工审阅",
    ),
    (
        "no text found on any of the {} pages: the content may be drawn as images or outlines; check it by eye",
        "{} 页中都没有找到文字：内容可能是图像或轮廓；请目视检查",
    ),
    (
        "no text: the document holds {} and no text; needs OCR or manual review (OCR is off: --no-ocr)",
        "没有文字：文件只有{}，没有文字；需要 OCR 或人工审阅（OCR 已关闭：--no-ocr）",
    ),
    (
        "{} characters ({}) are private-use glyph codes, not Unicode text: the words they draw cannot be read without OCR; check them by eye",
        "{} 个字符（{}）是私用区字形编码，不是 Unicode 文字：不经 OCR 无法读出它们画出的字；请目视检查",
    ),
    (
        "{} stream(s) have a missing or wrong /Length ({}): their data was read up to the endstream keyword, which may not be where the writer meant it to end — check the pages that use them",
        "{} 个流的 /Length 缺失或有误（{}）：数据读到 endstream 关键字为止，不一定是写入者的本意——请检查用到它们的页面",
    ),
    (
        "a content stream is damaged, the page was read only up to the damage: {}",
        "内容流已损坏，页面只读到损坏处：{}",
    ),
    ("a content stream was not read: {}", "一个内容流未读取：{}"),
    (
        "a form XObject is damaged and was read only up to the damage: {}",
        "一个表单 XObject 已损坏，只读到损坏处：{}",
    ),
    (
        "a form XObject was not read: {}",
        "一个表单 XObject 未读取：{}",
    ),
    (
        "its data is not /{} data ({}); it was read as it is",
        "其数据不是 /{} 数据（{}）；按原样读取",
    ),
    (
        "the stream is damaged after {} decoded bytes (/{}: {})",
        "流在解码 {} 字节后损坏（/{}：{}）",
    ),
    (
        "stream could not be decoded: /{} failed ({})",
        "流无法解码：/{} 失败（{}）",
    ),
    ("stream could not be decoded: {}", "流无法解码：{}"),
    (
        "form XObject {} draws itself (a cycle): the repeat was skipped",
        "表单 XObject {} 引用自身（循环）：已跳过重复部分",
    ),
    (
        "form XObjects nest deeper than {} levels (--max-depth): the deepest were not read",
        "表单 XObject 嵌套超过 {} 层（--max-depth）：最深的几层未读取",
    ),
    (
        "its content stream {} is missing from the file or could not be read: the page was not read",
        "其内容流 {} 不在文件中或无法读取：页面未读取",
    ),
    (
        "XObject /{} is missing from the file or could not be read: what it draws was not read",
        "XObject /{} 不在文件中或无法读取：它画出的内容未读取",
    ),
    (
        "XObject /{} is missing from the resources: what it draws was not read",
        "资源中没有 XObject /{}：它画出的内容未读取",
    ),
    (
        "font /{} is missing from the page resources: its text may be misread",
        "页面资源中没有字体 /{}：其文字可能被误读",
    ),
    (
        "a stream decodes to more than {} bytes (--max-part-size): it was not read",
        "一个流解码后超过 {} 字节（--max-part-size）：未读取",
    ),
    (
        "the document's streams decode to more than {} bytes in total (--max-inflated): the rest was not read",
        "文件的流解码后共超过 {} 字节（--max-inflated）：其余部分未读取",
    ),
    (
        "the page runs more than {} drawing operations (looping or hostile content): the rest was not read",
        "页面的绘制操作超过 {} 次（循环或恶意内容）：其余部分未读取",
    ),
    (
        "the page shows more than {} glyphs or {} bytes of text: the rest was not read",
        "页面显示的字形超过 {} 个或文字超过 {} 字节：其余部分未读取",
    ),
    (
        "the structure tree (tags) has more elements than are read: the alternate texts (/Alt, /ActualText) of the rest were not read",
        "结构树（标签）的元素超过读取上限：其余元素的替代文字（/Alt、/ActualText）未读取",
    ),
    ("the XMP metadata was not read: {}", "XMP 元数据未读取：{}"),
    (
        "the file has {} earlier sections; only the first {} were read for deleted text",
        "文件有 {} 个早期部分；只读取了前 {} 个以查找删去的文字",
    ),
    ("page {}: {}", "第 {} 页：{}"),
    ("page {} (rendered): {}", "第 {} 页（整页图像）：{}"),
    (
        "legacy binary Word format (.doc): not a readable OLE compound file (truncated or corrupt sector chains): {}",
        "旧版二进制 Word 格式（.doc）：不是可读的 OLE 复合文件（被截断或扇区链已损坏）：{}",
    ),
    (
        "WPS Office file (.wps/.et/.dps): not a readable OLE compound file (truncated or corrupt sector chains): {}",
        "WPS Office 文件（.wps/.et/.dps）：不是可读的 OLE 复合文件（被截断或扇区链已损坏）：{}",
    ),
    (
        "{}: not a readable OLE compound file (truncated or corrupt sector chains): {}",
        "{}：不是可读的 OLE 复合文件（被截断或扇区链已损坏）：{}",
    ),
    (
        "the OLE compound file ends inside a sector ({} bytes is not a whole number of {}-byte sectors): it was probably cut short, and what was in the lost part is not read",
        "OLE 复合文件在扇区中间结束（{} 字节不是 {} 字节扇区的整数倍）：文件可能被截断，丢失部分的内容未读取",
    ),
    (
        "unsupported WPS variant: not an OLE compound file (a DOS-era or WPS 97/2000 file?) — open it in WPS Office, save it as .docx/.xlsx/.pptx and rescan",
        "不支持的 WPS 版本：不是 OLE 复合文件（DOS 时代或 WPS 97/2000 的文件？）——请在 WPS Office 中打开，另存为 .docx/.xlsx/.pptx 后重新扫描",
    ),
    (
        "unsupported WPS variant: the OLE container holds no Word, Excel or PowerPoint stream (it has {}) — open it in WPS Office, save it as .docx/.xlsx/.pptx and rescan",
        "不支持的 WPS 版本：OLE 容器中没有 Word、Excel 或 PowerPoint 流（只有 {}）——请在 WPS Office 中打开，另存为 .docx/.xlsx/.pptx 后重新扫描",
    ),
    (
        "Word document: none of its {} characters could be read (the piece table points outside the text)",
        "Word 文档：{} 个字符一个也读不出（片段表指向正文之外）",
    ),
    (
        "Word document: the piece table (CLX) is malformed",
        "Word 文档：片段表（CLX）格式错误",
    ),
    (
        "Word document: stream {} declares {} bytes, more than the whole file ({} bytes): the file is damaged",
        "Word 文档：流 {} 声明有 {} 字节，比整个文件（{} 字节）还大：文件已损坏",
    ),
    (
        "Word document: stream {} cannot be read: {}",
        "Word 文档：流 {} 无法读取：{}",
    ),
    ("Word document: table stream {}", "Word 文档：表流{}"),
    ("Word document: {}", "Word 文档：{}"),
    (
        "the piece table points outside the WordDocument stream: {} characters are not read",
        "片段表指向 WordDocument 流之外：{} 个字符未读取",
    ),
    (
        "Excel 5.0/95 workbook (BIFF5): cell values are read, comments and text boxes of this old version are not",
        "Excel 5.0/95 工作簿（BIFF5）：已读取单元格的值，这一旧版本的批注和文本框未读取",
    ),
    (
        "Excel workbook: a BIFF record at offset {} declares {} bytes, more than is left in the Workbook stream",
        "Excel 工作簿：偏移 {} 处的 BIFF 记录声明有 {} 字节，超出 Workbook 流的剩余长度",
    ),
    (
        "Excel workbook cannot be read: {}",
        "Excel 工作簿无法读取：{}",
    ),
    ("Excel workbook: {}", "Excel 工作簿：{}"),
    (
        "a PowerPoint record (type {}) declares {} bytes, more than its container holds: the text after it is not read",
        "一条 PowerPoint 记录（类型 {}）声明有 {} 字节，超出其容器：其后的文字未读取",
    ),
    (
        "PowerPoint presentation: the PowerPoint Document stream holds no readable records",
        "PowerPoint 演示文稿：PowerPoint Document 流中没有可读的记录",
    ),
    ("PowerPoint presentation: {}", "PowerPoint 演示文稿：{}"),
    (
        "PowerPoint 4.0 presentation (PP40 stream): an older format prepub does not read — open it in PowerPoint, save as .pptx and rescan",
        "PowerPoint 4.0 演示文稿（PP40 流）：prepub 不读取这种旧格式——请在 PowerPoint 中打开，另存为 .pptx 后重新扫描",
    ),
    (
        "{} embedded OLE object(s) (ExOleObjStg) in the presentation are not opened: open the presentation and check them by hand",
        "演示文稿中 {} 个嵌入的 OLE 对象（ExOleObjStg）未打开：请打开演示文稿人工检查",
    ),
    (
        "main document part unreadable: {}",
        "主文档部件无法读取：{}",
    ),
    (
        "main document part {} is not readable XML: {}",
        "主文档部件 {} 不是可读的 XML：{}",
    ),
    (
        "{}: DTD entities expand to more than {} bytes (possible entity bomb): the rest is not expanded",
        "{}：DTD 实体展开后超过 {} 字节（可能是实体炸弹）：其余部分未展开",
    ),
    (
        "DTD entities expand to more than {} bytes (possible entity bomb): the rest is not expanded",
        "DTD 实体展开后超过 {} 字节（可能是实体炸弹）：其余部分未展开",
    ),
    (
        "{}: elements nested deeper than {} levels were skipped",
        "{}：嵌套超过 {} 层的元素已跳过",
    ),
    (
        "{}: its DOCTYPE is longer than {} bytes and is not read",
        "{}：其 DOCTYPE 超过 {} 字节，未读取",
    ),
    (
        "{} is malformed XML; part of it is not read",
        "{} 是格式错误的 XML；部分内容未读取",
    ),
    (
        "{}: Word will refuse or repair this file, so what it shows may differ from what was reviewed",
        "{}：Word 会拒绝打开或修复这个文件，它显示的内容可能与审查的不同",
    ),
    (
        "malformed XML at byte {}: {}",
        "第 {} 字节处 XML 格式错误：{}",
    ),
    ("invalid XML at byte {}: {}", "第 {} 字节处 XML 无效：{}"),
    (
        "XML nesting is deeper than {} levels (--max-depth)",
        "XML 嵌套超过 {} 层（--max-depth）",
    ),
    (
        "XML ends before its elements are closed (truncated?)",
        "XML 在元素闭合前结束（被截断？）",
    ),
    (
        "content.xml has no office:body: no text was found",
        "content.xml 没有 office:body：没有找到文字",
    ),
    (
        "OpenDocument: content.xml cannot be read ({}): not an OpenDocument file, or a damaged one",
        "OpenDocument：content.xml 无法读取（{}）：不是 OpenDocument 文件，或已损坏",
    ),
    ("OpenDocument: {}", "OpenDocument：{}"),
    (
        "flat OpenDocument XML: {}; text after that point is not read",
        "单文件 OpenDocument XML：{}；此后的文字未读取",
    ),
    (
        "flat OpenDocument of {} bytes is over the per-part limit of {} bytes (--max-part-size)",
        "单文件 OpenDocument 有 {} 字节，超过单个部件 {} 字节的上限（--max-part-size）",
    ),
    (
        "OFD page {}: its content {} is missing from the package",
        "OFD 第 {} 页：其内容 {} 不在包中",
    ),
    (
        "OFD page {}: its content {} is missing",
        "OFD 第 {} 页：其内容 {} 缺失",
    ),
    (
        "OFD page {}: template {} is not declared",
        "OFD 第 {} 页：模板 {} 未声明",
    ),
    (
        "OFD part {}: {}; text after that point is not read",
        "OFD 部件 {}：{}；此后的文字未读取",
    ),
    (
        "OFD attachment {}: its file {} is missing",
        "OFD 附件 {}：其文件 {} 缺失",
    ),
    (
        "OFD attachment {} cannot be read: {}",
        "OFD 附件 {} 无法读取：{}",
    ),
    ("OFD attachment {}: {}", "OFD 附件 {}：{}"),
    (
        "OFD: OFD.xml lists no DocBody, so there is no document to read",
        "OFD：OFD.xml 中没有 DocBody，没有可读的文档",
    ),
    (
        "OFD: a DocBody has no DocRoot, so its document is not read",
        "OFD：一个 DocBody 没有 DocRoot，其文档未读取",
    ),
    (
        "OFD: template page {} is missing from the package",
        "OFD：模板页 {} 不在包中",
    ),
    (
        "OFD: the attachment list {} is missing from the package",
        "OFD：附件列表 {} 不在包中",
    ),
    (
        "OFD: the document root {} named in OFD.xml is missing",
        "OFD：OFD.xml 指定的文档根 {} 缺失",
    ),
    (
        "OFD: the entry point {} cannot be read",
        "OFD：入口 {} 无法读取",
    ),
    (
        "OFD: the package has no OFD.xml entry point: not an OFD file, or a damaged one",
        "OFD：包中没有 OFD.xml 入口：不是 OFD 文件，或已损坏",
    ),
    ("OFD: {} lists no pages", "OFD：{} 中没有页面"),
    ("OFD: {}", "OFD：{}"),
    (
        "PPTX: no presentation part (ppt/presentation.xml) found: not a presentation, or a damaged one",
        "PPTX：没有找到演示文稿部件（ppt/presentation.xml）：不是演示文稿，或已损坏",
    ),
    (
        "PPTX: the presentation lists no slides",
        "PPTX：演示文稿中没有幻灯片",
    ),
    (
        "PPTX slide {} ({}): {}; text after that point is not read",
        "PPTX 第 {} 张幻灯片（{}）：{}；此后的文字未读取",
    ),
    (
        "PPTX {} ({}): {}; text after that point is not read",
        "PPTX {}（{}）：{}；此后的文字未读取",
    ),
    (
        "PPTX {} ({}) cannot be read: {}",
        "PPTX {}（{}）无法读取：{}",
    ),
    ("PPTX: {}", "PPTX：{}"),
    (
        "slide part {} is not in the presentation's slide list: not shown, but in the file",
        "幻灯片部件 {} 不在演示文稿的幻灯片列表中：不显示，但在文件中",
    ),
    (
        "XLSX: the workbook cannot be opened: {}",
        "XLSX：工作簿无法打开：{}",
    ),
    (
        "XLSX part {} cannot be read: {}",
        "XLSX 部件 {} 无法读取：{}",
    ),
    ("XLSX: {}", "XLSX：{}"),
    (
        "chart {}: {}; its text after that is not read",
        "图表 {}：{}；此后的文字未读取",
    ),
    (
        "content.xml: {}; text after that point is not read",
        "content.xml：{}；此后的文字未读取",
    ),
    ("document properties ({}): {}", "文档属性（{}）：{}"),
    ("document properties: {}", "文档属性：{}"),
    (
        "embedded object {} cannot be read: {}",
        "嵌入对象 {} 无法读取：{}",
    ),
    ("embedded object {} cannot be read", "嵌入对象 {} 无法读取"),
    (
        "stored version {} cannot be read: {}",
        "保存的版本 {} 无法读取：{}",
    ),
    ("picture {} not read: {}", "图片 {} 未读取：{}"),
    (
        "{} form field(s) (check boxes, drop-down lists): their chosen values are stored outside the text and are not read — check them by hand",
        "{} 个窗体域（复选框、下拉列表）：所选的值存放在正文之外，未读取——请人工检查",
    ),
    (
        "sheet {}: {} cell(s) (the first {}) refer to strings the workbook's shared-string table does not have: their text is not read",
        "工作表 {}：{} 个单元格（第一个为 {}）引用了工作簿共享字符串表中没有的字符串：其文字未读取",
    ),
    (
        "invalid cell reference {} in <c> (column past XFD, the last column of a worksheet) repaired; cell positions in this sheet may be approximate",
        "<c> 中无效的单元格引用 {}（超出工作表最后一列 XFD）已修复；此表中的单元格位置可能不准确",
    ),
    (
        "invalid dimension reference {} (reversed: it ends before it starts) ignored",
        "无效的范围引用 {}（首尾颠倒）已忽略",
    ),
    (
        "sheet {}: {}; cells after the last one read are lost",
        "工作表 {}：{}；最后读到的单元格之后的内容丢失",
    ),
    (
        "sheet {}: values beyond column {} of row {} are not read",
        "工作表 {1}：第 {3} 行第 {2} 列之后的值未读取",
    ),
    (
        "sheet {}: more than {} bytes of formulas without cached values; the rest are not read",
        "工作表 {}：超过 {} 字节的公式没有缓存值；其余部分未读取",
    ),
    ("sheet {} cannot be read: {}", "工作表 {} 无法读取：{}"),
    (
        "sheet {}: picture {} not read: {}",
        "工作表 {}：图片 {} 未读取：{}",
    ),
    ("sheet {}: {}", "工作表 {}：{}"),
    (
        "{} {} keeps {} values that appear in no cell",
        "{} {} 保存了 {} 个不在任何单元格中的值",
    ),
    ("Xml error: {}", "XML 错误：{}"),
    (
        "RTF groups are nested more than {} deep (--max-depth): the deeper groups are not read",
        "RTF 分组嵌套超过 {} 层（--max-depth）：更深的分组未读取",
    ),
    (
        "the RTF file ends inside {} open groups: it is probably cut short, and what followed is not read",
        "RTF 文件在 {} 个未闭合的分组中结束：文件可能被截断，其后的内容未读取",
    ),
    (
        "RTF: the file does not start with {\\rtf, so it is not a Rich Text file or is damaged",
        "RTF：文件不以 {\\rtf 开头，不是 RTF 文件或已损坏",
    ),
    (
        "{}: its object data (\\objdata) is damaged and is not read",
        "{}：其对象数据（\\objdata）已损坏，未读取",
    ),
    (
        "elements nest {} levels deep, over the limit of {} for HTML ({} × --max-depth): the page was read from its tags without building it, so hidden content is not told apart from visible content",
        "元素嵌套 {} 层，超过 HTML 的 {} 层上限（{} × --max-depth）：网页只按标签读取而未构建，隐藏内容与可见内容未能区分",
    ),
    (
        "the picture's edit history (XMP) says it was {} ({}): the original shows more than this picture",
        "图片的编辑记录（XMP）显示它经过{}（{}）：原图的内容比这张图片多",
    ),
    ("cropped", "裁剪"),
    ("derived from another picture", "由另一张图片派生"),
    (
        "{}: not read by OCR: {}; check it by hand",
        "{}：OCR 未读取：{}；请人工检查",
    ),
    (
        "a picture on the page claims {} × {} pixels, over the limit of {} megapixels (--max-image-pixels); not drawn",
        "页面上的一张图片声称有 {} × {} 像素，超过 {} 百万像素的上限（--max-image-pixels），未绘制",
    ),
    (
        "page {}: picture {} was not read: needs OCR or manual review",
        "第 {} 页：图片 {} 未读取：需要 OCR 或人工审查",
    ),
    (
        "page {}: {} more pictures than the {} read on one page were not read",
        "第 {} 页：另有 {} 张图片超出每页读取 {} 张的上限，未读取",
    ),
    (
        "{}: OCR confidence {}%: check by eye",
        "{}：OCR 置信度 {}%：请目视核对",
    ),
    (
        "not read by OCR: {}; check it by hand",
        "OCR 未读取：{}；请人工检查",
    ),
    (
        "OCR confidence {}%: check by eye",
        "OCR 置信度 {}%：请目视核对",
    ),
    ("{} cannot be decoded: {}", "{} 无法解码：{}"),
    ("{} header cannot be read: {}", "{} 文件头无法读取：{}"),
    ("{} cannot be read: {}", "{} 无法读取：{}"),
    (
        "{} not read: over the --ocr-max-pages limit of {} per document; check them by hand",
        "{}未读取：超过每份文件 {} 页的 --ocr-max-pages 上限；请人工检查",
    ),
    (
        "{} more pages or frames not read: over --ocr-max-pages",
        "另有 {} 页或帧未读取：超过 --ocr-max-pages",
    ),
    (
        "{} picture not read: prepub does not turn it into pixels for OCR; check it by hand",
        "{} 图片未读取：prepub 不把它转为像素做 OCR；请人工检查",
    ),
    (
        "the picture is {} × {} pixels ({} megapixels), over the limit of {} megapixels (--max-image-pixels); not decoded",
        "图片为 {} × {} 像素（{} 百万像素），超过 {} 百万像素的上限（--max-image-pixels）；未解码",
    ),
    (
        "OCR unavailable: Tesseract language data {} not found {}; install {} (apt-get install {})",
        "OCR 不可用：找不到 Tesseract 语言数据 {}（{}）；请安装 {}（apt-get install {}）",
    ),
    (
        "OCR unavailable: Tesseract could not load {} from {}; reinstall {}",
        "OCR 不可用：Tesseract 无法从 {2} 加载 {1}；请重新安装 {3}",
    ),
    (
        "Tesseract refused the image: {}",
        "Tesseract 拒绝了该图像：{}",
    ),
];

/// Words and joins that occur only inside sentences (a status, a kind of
/// hidden content, a list): looked up for a sentence's values, never as a
/// sentence of their own, so a value alone is not taken for a sentence the
/// catalogue knows.
const WORD_TABLE: &[(&str, &str)] = &[
    ("a UNC path", "UNC 路径"),
    ("an internal host name", "内部主机名"),
    ("a phone number", "电话号码"),
    ("an e-mail address", "电子邮件地址"),
    ("partial", "部分读取"),
    ("failed", "读取失败"),
    ("{}, {}", "{}，{}"),
    ("{} × {}", "{} × {}"),
    ("hidden slide", "隐藏的幻灯片"),
    ("hidden column value", "隐藏列中的值"),
    ("hidden row", "隐藏行"),
    ("hidden sheet", "隐藏工作表"),
    ("hidden paragraph", "隐藏段落"),
    ("hidden section", "隐藏节"),
    ("hidden text", "隐藏文字"),
    ("hidden text field", "隐藏文字域"),
    ("hidden shape", "隐藏的形状"),
    ("deletion", "删除"),
    ("insertion", "插入"),
    (
        "the {} bytes appended after the PDF's end (%%EOF)",
        "PDF 结尾（%%EOF）之后附加的 {} 字节",
    ),
    ("a zip archive", "一个 zip 压缩包"),
    ("text", "文字"),
    ("data of no known format", "格式不明的数据"),
    ("a filled dark box", "深色填充框"),
    ("a redaction annotation", "涂黑注释"),
    ("author: {}", "作者：{}"),
    ("last modified by: {}", "最后修改者：{}"),
    ("company: {}", "单位：{}"),
    ("manager: {}", "主管：{}"),
    ("author", "作者"),
    ("last modified by", "最后修改者"),
    ("company", "单位"),
    ("manager", "主管"),
    ("creator", "创建者"),
    ("document", "文件"),
    ("message", "邮件"),
    ("OFD", "OFD 文件"),
    ("RTF file", "RTF 文件"),
    ("page", "网页"),
    ("sheets", "工作表"),
    ("slides", "幻灯片"),
    ("parsing", "解析时"),
    ("reading", "读取时"),
    (
        "the per-part limit of {} bytes (--max-part-size)",
        "单个部件 {} 字节的上限（--max-part-size）",
    ),
    (
        "the per-document limit of {} decompressed bytes (--max-inflated)",
        "每份文件解压后 {} 字节的上限（--max-inflated）",
    ),
    ("both read", "均已读取"),
    ("as detected", "按检测结果读取"),
    (
        "by the page's own declaration or by detection",
        "按网页自身的声明或检测结果读取",
    ),
    ("{} part", "{} 部分"),
    (
        "decoded as {}, could be {} (both read as plausible Chinese)",
        "按 {} 解码，也可能是 {}（两者读出来都像中文）",
    ),
    ("decoded as {}, could be {}", "按 {} 解码，也可能是 {}"),
    ("no text layer (scanned image)", "没有文字层（扫描图像）"),
    (
        "no text layer (only drawn shapes: text converted to outlines?)",
        "没有文字层（只有绘制的图形：文字被转成了轮廓？）",
    ),
    ("no text layer", "没有文字层"),
    (
        "text layer could not be decoded reliably ({})",
        "文字层无法可靠解码（{}）",
    ),
    (
        "{} of {} glyphs have no Unicode mapping",
        "{} 个字形（共 {} 个）没有 Unicode 映射",
    ),
    (
        "{} of {} Chinese characters are rare ones, typical of a wrong /ToUnicode map",
        "{} 个汉字（共 {} 个）是生僻字，通常是 /ToUnicode 映射有误",
    ),
    (
        "one character {} times in a row ({}…), typical of a font that maps many glyphs to one character",
        "同一个字连续出现 {} 次（{}…），通常是字体把多个字形映射成了同一个字",
    ),
    (
        "{} characters look like Chinese bytes read as Latin text",
        "{} 个字符像是被当作拉丁文字读取的中文字节",
    ),
    ("sheet {}", "工作表 {}"),
    ("{} pictures", "{} 张图片"),
    ("a picture", "1 张图片"),
    ("image {}, {}", "图片 {}，{}"),
    ("page {}, {}", "第 {} 页，{}"),
    ("metadata, {}", "元数据，{}"),
    (
        "thumbnail of the first page as last saved, {}",
        "最后保存时的首页缩略图，{}",
    ),
    ("top of the page, 版头", "页面顶部，版头"),
    (
        "{}, red seal or stamp {}, turned {}°",
        "{}，红色印章 {}，已转正 {}°",
    ),
    ("{}, red seal or stamp {}", "{}，红色印章 {}"),
    (
        "red seal or stamp {}, turned {}°",
        "红色印章 {}，已转正 {}°",
    ),
    ("red seal or stamp {}", "红色印章 {}"),
    ("{}, turned {}°", "{}，已转正 {}°"),
    ("turned {}°", "已转正 {}°"),
    ("image {}", "图片 {}"),
    ("page {} (rendered)", "第 {} 页（整页图像）"),
    ("page {}", "第 {} 页"),
];

#[cfg(test)]
mod tests;
