//! The vocabulary of the human-readable reports in Chinese and English.
//!
//! Every word a reviewer reads on the sign-off form comes from here, so the
//! HTML, DOCX and Markdown renderers say the same thing in the same words,
//! and a translation fix is made once. The machine formats (SARIF, JUnit,
//! CSV) use the model's stable English identifiers and only borrow the few
//! sentences they show to people.

use crate::extract::document::{Category, ExtractionStatus, Part, Severity};
use crate::review::{DecisionKind, SkipReason, Verdict};

/// The language of a report's fixed text. Document text is printed as found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Simplified Chinese, the language of the forms this report replaces.
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Parses the value of `--lang`.
    pub fn parse(name: &str) -> Option<Lang> {
        match name.to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh_cn" | "cn" => Some(Lang::Zh),
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    /// The BCP 47 tag for `lang` attributes and document properties.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn labels(self) -> &'static Labels {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }
}

/// The fixed strings of the sign-off form.
///
/// Field names follow the 信息公开保密审查表 seen in real offices (see
/// `domain.md` §5.10), so a clerk recognises the form.
#[derive(Debug)]
pub struct Labels {
    pub title: &'static str,
    /// The other language's title, printed small under the main one so a
    /// form filed in one language is recognisable to readers of the other.
    pub subtitle: &'static str,
    /// 自动扫描仅为辅助，不替代人工保密审查: the law puts the responsibility
    /// on the reviewing officials, and the form must say so.
    pub statement: &'static str,

    // Cover page.
    pub batch: &'static str,
    pub date: &'static str,
    pub reviewer: &'static str,
    pub department: &'static str,
    pub tool: &'static str,
    pub rules_digest: &'static str,
    pub rule_packs: &'static str,
    pub summary: &'static str,
    pub contents: &'static str,
    pub documents_count: &'static str,
    pub findings_count: &'static str,
    pub no_documents: &'static str,
    /// The cover's table of inputs that were not reviewed.
    pub skipped_section: &'static str,
    /// Under that heading: why the table matters.
    pub skipped_note: &'static str,
    pub skipped_path: &'static str,
    pub skipped_reason: &'static str,
    pub skipped_details: &'static str,

    // Per-document facts.
    pub number: &'static str,
    pub document: &'static str,
    pub file_name: &'static str,
    pub sha256: &'static str,
    pub format: &'static str,
    pub pages: &'static str,
    pub size: &'static str,
    pub bytes: &'static str,
    pub encoding: &'static str,
    pub extraction: &'static str,
    pub problems: &'static str,
    pub whole_file: &'static str,
    pub verdict: &'static str,
    pub tool_verdict: &'static str,
    pub reasons: &'static str,
    pub findings: &'static str,
    pub no_findings: &'static str,
    pub not_recorded: &'static str,
    pub back_to_summary: &'static str,

    // Findings table.
    pub location: &'static str,
    pub rule: &'static str,
    pub severity: &'static str,
    pub matched_text: &'static str,
    pub match_label: &'static str,
    /// Caption of the picture of an OCR finding's line.
    pub crop: &'static str,
    /// Caption of that picture when it was pixelated (personal data).
    pub crop_obscured: &'static str,
    pub decision: &'static str,
    pub decision_remove: &'static str,
    pub decision_revise: &'static str,
    pub decision_keep: &'static str,
    pub decision_reason: &'static str,
    /// Marks a finding a reviewer's current `keep` decision waives.
    pub waived: &'static str,
    /// Why a waived finding is still printed: it is shown, not counted.
    pub waived_note: &'static str,
    /// A `remove`/`revise` decision whose text is still in the document.
    pub still_present: &'static str,
    /// Before the last day a `keep` waives.
    pub expires: &'static str,
    /// Before the previous decision of a finding whose `keep` has expired.
    pub earlier_decision: &'static str,
    /// The table of decisions whose finding no longer appears.
    pub past_decisions: &'static str,
    pub status: &'static str,
    pub resolved: &'static str,
    pub stale: &'static str,
    /// A stale decision of a document that was not fully read: an absent
    /// finding proves nothing there.
    pub stale_unread: &'static str,
    /// The cover's row naming the decisions file applied.
    pub decisions_file: &'static str,
    pub as_of: &'static str,

    // The §5.10 review fields.
    pub review_section: &'static str,
    /// Column headings of the review form where a format needs them
    /// (Markdown tables must have a header row).
    pub form_item: &'static str,
    pub form_entry: &'static str,
    pub disclosure: &'static str,
    pub disclosure_active: &'static str,
    pub disclosure_on_request: &'static str,
    pub disclosure_withheld: &'static str,
    pub disclosure_basis: &'static str,
    pub channel: &'static str,
    pub channels: [&'static str; 6],
    pub clerk_opinion: &'static str,
    pub head_opinion: &'static str,
    pub secrecy_opinion: &'static str,
    pub secrecy_agree: &'static str,
    pub secrecy_after_revision: &'static str,
    pub secrecy_withhold: &'static str,
    /// 需报上级保密工作机构审查: the fourth opinion of a 保密审查意见.
    pub secrecy_refer: &'static str,
    pub approval: &'static str,
    pub signature: &'static str,
    pub signed_date: &'static str,

    // The item fields of the 审查单 (domain.md §5.10), above the findings.
    pub item_section: &'static str,
    pub form_number: &'static str,
    pub doc_title: &'static str,
    pub doc_number: &'static str,
    pub doc_date: &'static str,
    pub index_number: &'static str,
    pub carrier: &'static str,
    pub carriers: [&'static str; 2],
    pub scope: &'static str,
    pub publish_time: &'static str,
    pub abstract_: &'static str,
    /// Under a value read from the document: check it against the original.
    pub read_from_document: &'static str,
    /// The 发布记录 at the foot of the form, and its three lines.
    pub record: &'static str,
    pub record_fields: [&'static str; 3],
    /// The findings waived by a keep decision, listed with both names.
    pub waived_section: &'static str,
    pub approver: &'static str,
    /// Info findings, listed apart without decision boxes.
    pub info_section: &'static str,
    pub info_note: &'static str,
    /// The tool's part of the form: what was read and what it found.
    pub tool_section: &'static str,
    /// A keep of a blocking finding that no second person approved.
    pub unapproved: &'static str,
}

/// A check box to tick by hand. U+25A1 is in every CJK body font (宋体,
/// 仿宋, Noto CJK), unlike the ballot-box U+2610.
pub const BOX: &str = "□";

/// A box ticked by a recorded decision. U+2611 is not in the CJK body fonts
/// (nor in GB2312): browsers, Word, WPS and LibreOffice take it from a
/// symbol font (Segoe UI Symbol, DejaVu, OpenSymbol), which the DOCX names
/// for it explicitly.
pub const TICKED: &str = "☑";

pub static ZH: Labels = Labels {
    title: "信息公开保密审查单",
    subtitle: "Pre-publication confidentiality review",
    statement: "自动扫描仅为辅助，不替代人工保密审查和密级判定；审查责任由审查人员承担。",

    batch: "批次",
    date: "审查日期",
    reviewer: "审查人",
    department: "承办部门",
    tool: "审查工具",
    rules_digest: "规则集摘要",
    rule_packs: "规则包",
    summary: "审查结果汇总",
    contents: "文件清单",
    documents_count: "文件数",
    findings_count: "发现数",
    no_documents: "本批次没有文件。",
    skipped_section: "未纳入审查的文件",
    skipped_note: "以下文件和文件夹未经审查：请确认其中没有要公开的文件，或另行审查。",
    skipped_path: "路径",
    skipped_reason: "原因",
    skipped_details: "说明",

    number: "序号",
    document: "文件",
    file_name: "文件名称",
    sha256: "SHA-256",
    format: "格式",
    pages: "页数",
    size: "大小",
    bytes: "字节",
    encoding: "文字编码",
    extraction: "读取情况",
    problems: "未能读取的内容",
    whole_file: "整个文件",
    verdict: "结论",
    tool_verdict: "工具初判",
    reasons: "理由",
    findings: "发现事项",
    no_findings: "未发现需要处理的内容。",
    not_recorded: "—",
    back_to_summary: "返回汇总",

    location: "位置",
    rule: "规则",
    severity: "级别",
    matched_text: "命中内容（上下文）",
    match_label: "命中",
    crop: "原图（OCR 识别处）",
    crop_obscured: "原图（含个人信息，已打码）",
    decision: "处理意见",
    decision_remove: "删除",
    decision_revise: "修改",
    decision_keep: "保留",
    decision_reason: "理由：",
    waived: "已豁免",
    waived_note: "审查人决定保留，不计入工具初判",
    still_present: "原文仍在，尚未处理",
    expires: "有效期至",
    earlier_decision: "原决定",
    past_decisions: "已处理和失效的决定",
    status: "状态",
    resolved: "已处理：原文已不再出现",
    stale: "失效：对应的发现已不再出现（文件在此处有改动），此决定不再适用",
    stale_unread: "失效：文件未完整读取，无法确认是否已处理，须人工核对",
    decisions_file: "决定记录",
    as_of: "截至",

    review_section: "审查意见",
    form_item: "事项",
    form_entry: "意见及签名",
    disclosure: "公开属性",
    disclosure_active: "主动公开",
    disclosure_on_request: "依申请公开",
    disclosure_withheld: "不予公开",
    disclosure_basis: "理由和依据：",
    channel: "公开方式",
    channels: ["政府网站", "报刊", "广播", "电视", "政府公开栏", "其他："],
    clerk_opinion: "承办人初审意见",
    head_opinion: "部门负责人审核意见",
    secrecy_opinion: "保密审查意见",
    secrecy_agree: "同意公开",
    secrecy_after_revision: "修改后公开",
    secrecy_withhold: "不同意公开",
    secrecy_refer: "需报上级保密工作机构审查",
    approval: "保密审查负责人/分管领导签发",
    signature: "签名：",
    signed_date: "日期：",

    item_section: "拟公开信息",
    form_number: "编号",
    doc_title: "文件标题",
    doc_number: "文号",
    doc_date: "成文日期",
    index_number: "索引号",
    carrier: "载体形式",
    carriers: ["公文类", "非公文类"],
    scope: "公开范围",
    publish_time: "拟公开时间",
    abstract_: "内容摘要",
    read_from_document: "（取自文件，请核对）",
    record: "发布记录",
    record_fields: ["发布日期：", "发布渠道/网址：", "发布人："],
    waived_section: "已豁免的发现",
    approver: "批准人",
    info_section: "提示事项（无需作出处理决定）",
    info_note: "以下内容一般可以公开，列出供审查人知悉。",
    tool_section: "工具审查情况",
    unapproved: "未豁免：保留阻止公开的发现须经审查人以外的第二人批准（--approver），此项仍计入工具初判",
};

pub static EN: Labels = Labels {
    title: "Pre-publication confidentiality review",
    subtitle: "信息公开保密审查单",
    statement: "Automatic scanning only assists the reviewers; it does not replace the human \
                confidentiality review or the classification decision, which remain the \
                responsibility of the reviewing officials.",

    batch: "Batch",
    date: "Review date",
    reviewer: "Reviewer",
    department: "Department",
    tool: "Tool",
    rules_digest: "Rule-set digest",
    rule_packs: "Rule packs",
    summary: "Summary",
    contents: "Documents",
    documents_count: "Documents",
    findings_count: "Findings",
    no_documents: "This batch has no documents.",
    skipped_section: "Not reviewed",
    skipped_note: "These files and folders were not reviewed: make sure none of them is to be published, or review them separately.",
    skipped_path: "Path",
    skipped_reason: "Reason",
    skipped_details: "Details",

    number: "No.",
    document: "Document",
    file_name: "File name",
    sha256: "SHA-256",
    format: "Format",
    pages: "Pages",
    size: "Size",
    bytes: "bytes",
    encoding: "Text encoding",
    extraction: "Extraction",
    problems: "Not read",
    whole_file: "whole file",
    verdict: "Verdict",
    tool_verdict: "Tool's verdict",
    reasons: "Reasons",
    findings: "Findings",
    no_findings: "Nothing to act on was found.",
    not_recorded: "—",
    back_to_summary: "Back to summary",

    location: "Location",
    rule: "Rule",
    severity: "Severity",
    matched_text: "Match in context",
    match_label: "Match",
    crop: "The picture (where OCR read it)",
    crop_obscured: "The picture (personal data: pixelated)",
    decision: "Decision",
    decision_remove: "remove",
    decision_revise: "revise",
    decision_keep: "keep",
    decision_reason: "reason:",
    waived: "Waived",
    waived_note: "kept by the reviewer's decision; not counted in the tool's verdict",
    still_present: "still in the document",
    expires: "valid until",
    earlier_decision: "Earlier decision",
    past_decisions: "Resolved and stale decisions",
    status: "Status",
    resolved: "resolved: the text is gone",
    stale: "stale: the finding no longer appears (the document changed there); the decision no longer applies",
    stale_unread: "stale: the document was not fully read, so whether it was dealt with cannot be told; check by hand",
    decisions_file: "Decisions file",
    as_of: "as of",

    review_section: "Review",
    form_item: "Item",
    form_entry: "Opinion and signature",
    disclosure: "Disclosure type",
    disclosure_active: "proactive",
    disclosure_on_request: "on request",
    disclosure_withheld: "withheld",
    disclosure_basis: "Grounds:",
    channel: "Channel of publication",
    channels: [
        "government website",
        "press",
        "radio",
        "television",
        "public notice board",
        "other:",
    ],
    clerk_opinion: "Case officer's opinion",
    head_opinion: "Head of department's opinion",
    secrecy_opinion: "Confidentiality review opinion",
    secrecy_agree: "publish",
    secrecy_after_revision: "publish after revision",
    secrecy_withhold: "do not publish",
    secrecy_refer: "refer to the higher-level confidentiality authority",
    approval: "Release signed off by the head of confidentiality review / leader in charge",
    signature: "Signature:",
    signed_date: "Date:",

    item_section: "Item to be published",
    form_number: "Form no.",
    doc_title: "Title",
    doc_number: "Reference no.",
    doc_date: "Date of issue",
    index_number: "Index no.",
    carrier: "Kind of record",
    carriers: ["official document", "other"],
    scope: "Scope of publication",
    publish_time: "Planned publication date",
    abstract_: "Summary of content",
    read_from_document: "(read from the document; check it)",
    record: "Publication record",
    record_fields: ["Published on:", "Channel / URL:", "Published by:"],
    waived_section: "Waived findings",
    approver: "Approved by",
    info_section: "For information (no decision needed)",
    info_note: "Normally publishable; listed for the reviewer's information.",
    tool_section: "What the tool read and found",
    unapproved: "not waived: keeping a blocking finding needs the approval of a second person (--approver); it still counts",
};

/// The running header of a document's printed pages, which ties every
/// page — the signature page too — to its document: "第 3 份 · 通知.docx".
pub fn running_header(lang: Lang, index: usize, file_name: &str) -> String {
    match lang {
        Lang::Zh => format!("第 {index} 份 · {file_name}"),
        Lang::En => format!("Document {index} · {file_name}"),
    }
}

/// "第 2–13 页" / "pages 2–13": a run of pages a problem repeats on.
pub fn page_range(lang: Lang, first: u32, last: u32) -> String {
    match (lang, first == last) {
        (Lang::Zh, true) => format!("第 {first} 页"),
        (Lang::Zh, false) => format!("第 {first}–{last} 页"),
        (Lang::En, true) => format!("page {first}"),
        (Lang::En, false) => format!("pages {first}–{last}"),
    }
}

/// 可公开 / 需复核 / 须修改后方可公开. The tool's verdict never reuses the
/// disclosure categories of the law (不予公开 is a 公开属性, decided by
/// people, not a scan result).
pub fn verdict(lang: Lang, verdict: Verdict) -> &'static str {
    match (lang, verdict) {
        (Lang::Zh, Verdict::Pass) => "可公开",
        (Lang::Zh, Verdict::Review) => "需复核",
        (Lang::Zh, Verdict::Block) => "须修改后方可公开",
        (Lang::En, Verdict::Pass) => "publishable",
        (Lang::En, Verdict::Review) => "needs review",
        (Lang::En, Verdict::Block) => "must be revised before publication",
    }
}

/// The verdict with the findings waived beside it — "可公开（3 项已豁免）",
/// "publishable (3 waived)" — so a pass that rests on waivers never reads
/// as a bare pass.
pub fn verdict_waived(lang: Lang, verdict_of: Verdict, waived: usize) -> String {
    let word = verdict(lang, verdict_of);
    match (lang, waived) {
        (_, 0) => word.to_owned(),
        (Lang::Zh, n) => format!("{word}（{n} 项已豁免）"),
        (Lang::En, n) => format!("{word} ({n} waived)"),
    }
}

pub fn severity(lang: Lang, severity: Severity) -> &'static str {
    match (lang, severity) {
        (Lang::Zh, Severity::Info) => "提示",
        (Lang::Zh, Severity::Review) => "复核",
        (Lang::Zh, Severity::Block) => "阻止公开",
        (Lang::En, Severity::Info) => "info",
        (Lang::En, Severity::Review) => "review",
        (Lang::En, Severity::Block) => "block",
    }
}

pub fn part(lang: Lang, part: Part) -> &'static str {
    match lang {
        Lang::Zh => match part {
            Part::Body => "正文",
            Part::Header => "页眉",
            Part::Footer => "页脚",
            Part::Footnote => "脚注",
            Part::Endnote => "尾注",
            Part::Comment => "批注",
            Part::Insertion => "修订（插入）",
            Part::Deletion => "修订（删除）",
            Part::Hidden => "隐藏文字",
            Part::Textbox => "文本框",
            Part::Notes => "演讲者备注",
            Part::Metadata => "文档属性",
            Part::Annotation => "注释",
            Part::Attachment => "附件/嵌入对象",
            Part::Filename => "文件名",
            Part::Image => "图片（OCR 识别）",
        },
        Lang::En => match part {
            Part::Body => "body",
            Part::Header => "header",
            Part::Footer => "footer",
            Part::Footnote => "footnote",
            Part::Endnote => "endnote",
            Part::Comment => "comment",
            Part::Insertion => "tracked insertion",
            Part::Deletion => "tracked deletion",
            Part::Hidden => "hidden text",
            Part::Textbox => "text box",
            Part::Notes => "speaker notes",
            Part::Metadata => "document properties",
            Part::Annotation => "annotation",
            Part::Attachment => "attachment",
            Part::Filename => "file name",
            Part::Image => "picture (read by OCR)",
        },
    }
}

pub fn category(lang: Lang, category: Category) -> &'static str {
    match lang {
        Lang::Zh => match category {
            Category::Marking => "密级标志",
            Category::Personal => "个人信息",
            Category::Term => "敏感词",
            Category::Disclosure => "公开属性",
            Category::Hidden => "隐藏内容",
            Category::Metadata => "文档属性",
            Category::Redaction => "遮盖处理",
        },
        Lang::En => match category {
            Category::Marking => "marking",
            Category::Personal => "personal data",
            Category::Term => "sensitive term",
            Category::Disclosure => "disclosure",
            Category::Hidden => "hidden content",
            Category::Metadata => "metadata",
            Category::Redaction => "redaction",
        },
    }
}

pub fn extraction_status(lang: Lang, status: ExtractionStatus) -> &'static str {
    match (lang, status) {
        (Lang::Zh, ExtractionStatus::Complete) => "已完整读取",
        (Lang::Zh, ExtractionStatus::Partial) => "部分内容未能读取",
        (Lang::Zh, ExtractionStatus::Failed) => "无法读取，须人工审查全文",
        (Lang::En, ExtractionStatus::Complete) => "fully read",
        (Lang::En, ExtractionStatus::Partial) => "partly read",
        (Lang::En, ExtractionStatus::Failed) => "could not be read — review the whole file by hand",
    }
}

/// "第 3 页" / "page 3".
pub fn page(lang: Lang, page: u32) -> String {
    match lang {
        Lang::Zh => format!("第{page}页"),
        Lang::En => format!("p. {page}"),
    }
}

/// "第 12 行" / "line 12".
pub fn line(lang: Lang, line: u32) -> String {
    match lang {
        Lang::Zh => format!("第{line}行"),
        Lang::En => format!("line {line}"),
    }
}

/// "共 3 份" / "3 documents" for the summary line.
pub fn counts(lang: Lang, documents: usize, findings: usize) -> String {
    match lang {
        Lang::Zh => format!("共 {documents} 份文件，发现 {findings} 处。"),
        Lang::En => format!(
            "{documents} document{}, {findings} finding{}.",
            plural(documents),
            plural(findings)
        ),
    }
}

/// "可公开 1 份，需复核 3 份，须修改后方可公开 1 份。" — the verdict line of
/// the summary, counts in the order pass, review, block.
pub fn verdict_counts(lang: Lang, pass: usize, review: usize, block: usize) -> String {
    let [pass_name, review_name, block_name] =
        [Verdict::Pass, Verdict::Review, Verdict::Block].map(|v| verdict(lang, v));
    match lang {
        Lang::Zh => {
            format!("{pass_name} {pass} 份，{review_name} {review} 份，{block_name} {block} 份。")
        }
        Lang::En => format!("{pass_name}: {pass}; {review_name}: {review}; {block_name}: {block}."),
    }
}

/// The cover's line on inputs that were not reviewed, after the counts:
/// "另有 2 项未纳入审查（见下表）。"
pub fn skipped_count(lang: Lang, skipped: usize) -> String {
    match lang {
        Lang::Zh => format!("另有 {skipped} 项未纳入审查（见下表）。"),
        Lang::En => format!(
            "{skipped} input{} not reviewed (listed below).",
            plural(skipped)
        ),
    }
}

/// Why an input was not reviewed, in a few words.
pub fn skip_reason(lang: Lang, reason: SkipReason) -> &'static str {
    match (lang, reason) {
        (Lang::Zh, SkipReason::Hidden) => "隐藏文件或文件夹",
        (Lang::Zh, SkipReason::VersionControl) => "版本库文件夹",
        (Lang::Zh, SkipReason::ExcludedByFilter) => "被 --exclude 排除",
        (Lang::Zh, SkipReason::NotIncludedByFilter) => "不符合 --include",
        (Lang::Zh, SkipReason::EmptyFolder) => "空文件夹",
        (Lang::Zh, SkipReason::PrepubReport) => "prepub 生成的报告",
        (Lang::Zh, SkipReason::PrepubDecisions) => "prepub 决定记录文件",
        (Lang::En, SkipReason::Hidden) => "hidden",
        (Lang::En, SkipReason::VersionControl) => "version-control folder",
        (Lang::En, SkipReason::ExcludedByFilter) => "excluded by --exclude",
        (Lang::En, SkipReason::NotIncludedByFilter) => "not matched by --include",
        (Lang::En, SkipReason::EmptyFolder) => "empty folder",
        (Lang::En, SkipReason::PrepubReport) => "a report prepub wrote",
        (Lang::En, SkipReason::PrepubDecisions) => "prepub's decisions file",
    }
}

/// 删除 / 修改 / 保留 — the word beside a decision's box.
pub fn decision(lang: Lang, kind: DecisionKind) -> &'static str {
    let l = lang.labels();
    match kind {
        DecisionKind::Remove => l.decision_remove,
        DecisionKind::Revise => l.decision_revise,
        DecisionKind::Keep => l.decision_keep,
    }
}

/// "保留决定已于2024年2月29日到期，须重新决定" for a `keep` whose last day
/// has passed (the date already formatted).
pub fn expired(lang: Lang, expires: &str) -> String {
    match lang {
        Lang::Zh => format!("保留决定已于{expires}到期，须重新决定"),
        Lang::En => format!("the keep decision expired on {expires}: decide again"),
    }
}

/// The decision line of the cover, after the counts of open findings:
/// "另有已豁免的发现 1 处；已处理的决定 1 项，失效的决定 2 项。"
pub fn decision_counts(lang: Lang, waived: usize, resolved: usize, stale: usize) -> String {
    match lang {
        Lang::Zh => format!(
            "另有已豁免的发现 {waived} 处；已处理的决定 {resolved} 项，失效的决定 {stale} 项。"
        ),
        Lang::En => format!(
            "{waived} finding{} waived (not counted above); {resolved} decision{} resolved; \
             {stale} stale decision{}.",
            plural(waived),
            plural(resolved),
            plural(stale)
        ),
    }
}

/// A document's findings in the summary table: the open ones, and the
/// waived ones beside them — "2（另豁免 1）" / "2 (+1 waived)".
pub fn findings_cell(lang: Lang, open: usize, waived: usize) -> String {
    match (lang, waived) {
        (_, 0) => open.to_string(),
        (Lang::Zh, _) => format!("{open}（{}）", waived_count(lang, waived)),
        (Lang::En, _) => format!("{open} ({})", waived_count(lang, waived)),
    }
}

/// "另豁免 1" / "+1 waived": the waived findings beside the open ones.
pub fn waived_count(lang: Lang, waived: usize) -> String {
    match lang {
        Lang::Zh => format!("另豁免 {waived}"),
        Lang::En => format!("+{waived} waived"),
    }
}

/// "文件 2 / 5" in each document's heading, so a loose printed page can be
/// put back in order.
pub fn document_of(lang: Lang, index: usize, total: usize) -> String {
    match lang {
        Lang::Zh => format!("第 {index} 份，共 {total} 份"),
        Lang::En => format!("document {index} of {total}"),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_parses_the_cli_values() {
        assert_eq!(Lang::parse("zh"), Some(Lang::Zh));
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::default(), Lang::Zh);
    }

    #[test]
    fn verdict_names_match_the_form() {
        assert_eq!(verdict(Lang::Zh, Verdict::Pass), "可公开");
        assert_eq!(verdict(Lang::Zh, Verdict::Review), "需复核");
        assert_eq!(verdict(Lang::Zh, Verdict::Block), "须修改后方可公开");
        assert_eq!(
            verdict_waived(Lang::Zh, Verdict::Pass, 3),
            "可公开（3 项已豁免）"
        );
        assert_eq!(
            verdict_waived(Lang::En, Verdict::Pass, 3),
            "publishable (3 waived)"
        );
        assert_eq!(verdict_waived(Lang::En, Verdict::Pass, 0), "publishable");
        assert_eq!(verdict(Lang::En, Verdict::Pass), "publishable");
    }

    #[test]
    fn every_part_has_a_distinct_name_in_each_language() {
        for lang in [Lang::Zh, Lang::En] {
            let mut names: Vec<&str> = Part::ALL.iter().map(|&p| part(lang, p)).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), Part::ALL.len(), "{lang:?}");
        }
    }

    #[test]
    fn the_statement_says_scanning_does_not_replace_review() {
        assert!(
            ZH.statement
                .starts_with("自动扫描仅为辅助，不替代人工保密审查")
        );
        assert!(EN.statement.contains("does not replace"));
    }

    #[test]
    fn english_counts_are_pluralised() {
        assert_eq!(counts(Lang::En, 1, 2), "1 document, 2 findings.");
        assert_eq!(counts(Lang::Zh, 3, 0), "共 3 份文件，发现 0 处。");
        assert_eq!(
            verdict_counts(Lang::Zh, 1, 3, 1),
            "可公开 1 份，需复核 3 份，须修改后方可公开 1 份。"
        );
        assert_eq!(
            decision_counts(Lang::En, 1, 0, 2),
            "1 finding waived (not counted above); 0 decisions resolved; 2 stale decisions."
        );
        assert_eq!(findings_cell(Lang::Zh, 2, 1), "2（另豁免 1）");
        assert_eq!(findings_cell(Lang::En, 3, 0), "3");
    }

    #[test]
    fn decisions_use_the_words_of_the_boxes() {
        for lang in [Lang::Zh, Lang::En] {
            let l = lang.labels();
            assert_eq!(decision(lang, DecisionKind::Remove), l.decision_remove);
            assert_eq!(decision(lang, DecisionKind::Revise), l.decision_revise);
            assert_eq!(decision(lang, DecisionKind::Keep), l.decision_keep);
        }
        assert_eq!(
            expired(Lang::Zh, "2024年2月29日"),
            "保留决定已于2024年2月29日到期，须重新决定"
        );
    }
}
