//! The terminal's words in Chinese and English: the text report, the
//! progress line, `prepub review` and the command line's messages.
//!
//! The sign-off form's vocabulary is [`super::labels`]; this is the other
//! half, kept apart because the terminal has its own default language (the
//! user's locale, where the form defaults to Chinese) and its own short
//! words (a verdict in a terminal column, not on a printed form).

use super::labels::Lang;
use crate::review::Verdict;

impl Lang {
    /// The language of the user's locale: the first of `LC_ALL`,
    /// `LC_MESSAGES` and `LANG` that is set and not empty decides, as the C
    /// library does; Chinese for `zh_*`, English otherwise (and when none
    /// is set).
    pub fn from_locale() -> Lang {
        let lookup = |name: &str| std::env::var(name).ok();
        Lang::from_locale_vars(lookup)
    }

    /// [`Lang::from_locale`] with the environment given, for tests.
    pub fn from_locale_vars(lookup: impl Fn(&str) -> Option<String>) -> Lang {
        let value = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(lookup)
            .find(|value| !value.is_empty());
        match value {
            Some(value) if value.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
            _ => Lang::En,
        }
    }
}

/// A verdict in a terminal line: a word a script can also match.
pub fn verdict(lang: Lang, verdict: Verdict) -> &'static str {
    match (lang, verdict) {
        (Lang::En, Verdict::Pass) => "PASS",
        (Lang::En, Verdict::Review) => "REVIEW",
        (Lang::En, Verdict::Block) => "BLOCK",
        (Lang::Zh, Verdict::Pass) => "可公开",
        (Lang::Zh, Verdict::Review) => "需复核",
        (Lang::Zh, Verdict::Block) => "须修改",
    }
}

/// "1 document" / "2 documents" / "3 份文件".
pub fn documents(lang: Lang, count: usize) -> String {
    match lang {
        Lang::En if count == 1 => "1 document".to_owned(),
        Lang::En => format!("{count} documents"),
        Lang::Zh => format!("{count} 份文件"),
    }
}

/// "1 finding" / "2 findings" / "命中 3 处".
pub fn findings(lang: Lang, count: usize) -> String {
    match lang {
        Lang::En if count == 1 => "1 finding".to_owned(),
        Lang::En => format!("{count} findings"),
        Lang::Zh => format!("命中 {count} 处"),
    }
}

/// The text report's last line, before the skipped and decisions parts.
pub fn summary(lang: Lang, documents_: usize, pass: usize, review: usize, block: usize) -> String {
    match lang {
        Lang::En => format!(
            "{}: {pass} pass, {review} review, {block} block",
            documents(lang, documents_)
        ),
        Lang::Zh => format!(
            "共 {}：可公开 {pass} 份，需复核 {review} 份，须修改 {block} 份",
            documents(lang, documents_)
        ),
    }
}

/// "; 2 skipped" / "；跳过 2 项".
pub fn skipped(lang: Lang, count: usize) -> String {
    match lang {
        Lang::En => format!("; {count} skipped"),
        Lang::Zh => format!("；跳过 {count} 项"),
    }
}

/// "; decisions FILE: 1 waived, 0 resolved, 2 stale".
pub fn decisions(lang: Lang, file: &str, waived: usize, resolved: usize, stale: usize) -> String {
    match lang {
        Lang::En => {
            format!("; decisions {file}: {waived} waived, {resolved} resolved, {stale} stale")
        }
        Lang::Zh => {
            format!("；决定文件 {file}：豁免 {waived} 处，已解决 {resolved} 项，过时 {stale} 项")
        }
    }
}

/// The fixed words of the text report's lines.
pub struct Words {
    pub skipped: &'static str,
    pub resolved: &'static str,
    pub stale_decision: &'static str,
    pub text_gone: &'static str,
    pub no_longer_appears: &'static str,
    pub not_fully_read: &'static str,
    pub waived: &'static str,
    pub by: &'static str,
    pub on: &'static str,
    pub until: &'static str,
    pub expired: &'static str,
    pub open_again: &'static str,
    pub still_present: &'static str,
    /// The progress line after every document is read.
    pub writing_reports: &'static str,
    /// The progress line's word for archive members found so far.
    pub members: &'static str,
    /// Before the files being read and the longest-running one's time.
    pub reading: &'static str,
    pub longest: &'static str,
}

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

static EN: Words = Words {
    skipped: "SKIPPED",
    resolved: "resolved",
    stale_decision: "stale decision",
    text_gone: "the text is gone",
    no_longer_appears: "the finding no longer appears",
    not_fully_read: "the document was not fully read; check by hand",
    waived: "waived",
    by: "by",
    on: "on",
    until: "until",
    expired: "expired",
    open_again: "open again",
    still_present: "still present",
    writing_reports: "writing reports…",
    members: "archive members",
    reading: "reading",
    longest: "longest",
};

static ZH: Words = Words {
    skipped: "已跳过",
    resolved: "已解决",
    stale_decision: "过时的决定",
    text_gone: "文字已不在",
    no_longer_appears: "命中已不再出现",
    not_fully_read: "文件未完整读取；请人工核对",
    waived: "已豁免",
    by: "决定人",
    on: "日期",
    until: "有效至",
    expired: "已过期",
    open_again: "重新计入",
    still_present: "仍在文件中",
    writing_reports: "正在写报告…",
    members: "压缩包成员",
    reading: "正在读",
    longest: "最久",
};

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    #[test]
    fn the_locale_decides_as_the_c_library_does() {
        assert_eq!(Lang::from_locale_vars(env(&[])), Lang::En);
        assert_eq!(
            Lang::from_locale_vars(env(&[("LANG", "zh_CN.UTF-8")])),
            Lang::Zh
        );
        assert_eq!(
            Lang::from_locale_vars(env(&[("LANG", "zh_TW.UTF-8")])),
            Lang::Zh
        );
        assert_eq!(
            Lang::from_locale_vars(env(&[("LANG", "C.UTF-8")])),
            Lang::En
        );
        // LC_ALL overrides LC_MESSAGES, which overrides LANG; empty is unset.
        let all = &[("LC_ALL", "en_US.UTF-8"), ("LANG", "zh_CN.UTF-8")];
        assert_eq!(Lang::from_locale_vars(env(all)), Lang::En);
        let messages = &[("LC_ALL", ""), ("LC_MESSAGES", "zh_CN"), ("LANG", "en_GB")];
        assert_eq!(Lang::from_locale_vars(env(messages)), Lang::Zh);
    }

    #[test]
    fn one_document_is_singular_and_chinese_counts_in_fen() {
        assert_eq!(documents(Lang::En, 1), "1 document");
        assert_eq!(documents(Lang::En, 2), "2 documents");
        assert_eq!(documents(Lang::Zh, 1), "1 份文件");
        assert_eq!(findings(Lang::En, 1), "1 finding");
        assert_eq!(findings(Lang::En, 0), "0 findings");
        assert_eq!(
            summary(Lang::Zh, 3, 1, 1, 1),
            "共 3 份文件：可公开 1 份，需复核 1 份，须修改 1 份"
        );
    }
}
