//! People named in a document's properties: one policy for every format.
//!
//! Word, WPS, Excel, PowerPoint, OFD, PDF and HTML all record who wrote and
//! last saved a file. That name is usually the drafter's: it should be
//! cleared before publishing ("文档属性含姓名，建议发布前清除"), but it is not a
//! reason to hold the document, or every Word file would be `review`. So a
//! person named in the author, last-saved-by, manager or printed-by property
//! is one `metadata.<format>.author` notice at **info**, whatever the format.
//! The same name next to an internal host name, a UNC path, an e-mail address
//! or a phone number in the properties tells an outsider who to call and
//! where the office's network is: that is **review**. Property values that
//! look like classifications are markings, found by the rules
//! (`marking.cn.property-level`), not here.
//!
//! The readers only record the properties as `metadata` segments — labelled
//! with the property's name, or as `key: value` lines (DOCX, PDF) — and this
//! module reads them once, after extraction, so no format decides alone.

use crate::extract::Format;
use crate::extract::document::{Category, Extraction, Notice, Part, Severity};

/// Labels of properties that name a person, as the readers write them.
const PERSON_LABELS: &[&str] = &["author", "last modified by", "manager", "printed by"];

/// Keys of `key: value` metadata lines that name a person, per format: in
/// DOCX `creator` is the author, in PDF `Creator` is the application.
fn person_keys(format: Format) -> &'static [&'static str] {
    match format {
        Format::Docx => &["creator", "lastModifiedBy", "manager"],
        Format::Pdf => &["Author", "dc:creator", "pdf:Author"],
        _ => &[],
    }
}

/// The people the properties name, as (role, name) pairs in reading order.
fn people(format: Format, extraction: &Extraction) -> Vec<(String, String)> {
    let keys = person_keys(format);
    let mut found: Vec<(String, String)> = Vec::new();
    for segment in extraction
        .segments
        .iter()
        .filter(|s| s.part == Part::Metadata)
    {
        match segment.label.as_deref() {
            Some(label) if PERSON_LABELS.contains(&label) => {
                found.push((label.to_owned(), segment.text.trim().to_owned()));
            }
            Some(_) => {}
            None => {
                for line in segment.text.lines() {
                    if let Some((key, value)) = line.split_once(": ")
                        && keys.contains(&key.trim())
                    {
                        found.push((role_of(key.trim()).to_owned(), value.trim().to_owned()));
                    }
                }
            }
        }
    }
    found.retain(|(_, name)| !name.is_empty());
    let mut seen = std::collections::BTreeSet::new();
    found.retain(|pair| seen.insert(pair.clone()));
    found
}

fn role_of(key: &str) -> &'static str {
    match key {
        "lastModifiedBy" => "last modified by",
        "manager" => "manager",
        _ => "author",
    }
}

/// What in the properties, beside a name, points into the office: a UNC
/// path, an intranet host, an e-mail address, a phone number.
fn contact_detail(extraction: &Extraction) -> Option<&'static str> {
    let metadata = extraction
        .segments
        .iter()
        .filter(|s| s.part == Part::Metadata);
    for segment in metadata {
        let text = segment.text.as_str();
        if text.contains("\\\\") && text.split("\\\\").skip(1).any(starts_with_host) {
            return Some("a UNC path");
        }
        if internal_url(text) {
            return Some("an internal host name");
        }
        if has_email(text) {
            return Some("an e-mail address");
        }
        // Only the phone check trusts the label: a producer's version
        // digits are not a phone, but a UNC path, host or e-mail address is
        // a contact detail whatever field holds it (a template path).
        if segment.label.as_deref().is_some_and(not_contact_field) {
            continue;
        }
        let contact_lines: String = text
            .lines()
            .filter(|line| {
                !line
                    .split_once(": ")
                    .is_some_and(|(key, _)| not_contact_field(key.trim()))
            })
            .collect::<Vec<_>>()
            .join("\n");
        if has_phone(&contact_lines) {
            return Some("a phone number");
        }
    }
    None
}

/// Properties that name the producing application, its version, an
/// identifier or a date: their digit runs (`Suwell OFD 7.2.20230815`,
/// `DocID 0123456789`) are not phone numbers, so they are never read as
/// contact details.
fn not_contact_field(label: &str) -> bool {
    const WORDS: &[&str] = &[
        "creator",
        "producer",
        "application",
        "app",
        "version",
        "generator",
        "tool",
        "date",
        "created",
        "modified",
        "id",
        "docid",
        "documentid",
        "revision",
        "template",
    ];
    label
        .to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| WORDS.contains(&word) || word.ends_with("version") || word.ends_with("date"))
}

fn starts_with_host(rest: &str) -> bool {
    rest.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
}

/// `http://oa/`, `http://10.1.2.3/`, `https://intranet.corp.local/`: a host
/// without a dot, with a private address, or in an internal domain.
fn internal_url(text: &str) -> bool {
    text.match_indices("://").any(|(at, _)| {
        let host: String = text[at + 3..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            .collect();
        let host = host.to_ascii_lowercase();
        !host.is_empty()
            && (!host.contains('.')
                || host.starts_with("10.")
                || host.starts_with("192.168.")
                || (host.starts_with("172.")
                    && host
                        .split('.')
                        .nth(1)
                        .and_then(|n| n.parse::<u8>().ok())
                        .is_some_and(|n| (16..=31).contains(&n)))
                || [
                    ".local",
                    ".lan",
                    ".intranet",
                    ".internal",
                    ".corp",
                    ".gov.intra",
                ]
                .iter()
                .any(|suffix| host.ends_with(suffix)))
    })
}

fn has_email(text: &str) -> bool {
    text.char_indices().any(|(at, c)| {
        c == '@'
            && text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric())
            && text[at + 1..]
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
                .next()
                .is_some_and(|domain| domain.contains('.') && !domain.ends_with('.'))
    })
}

/// A run of 7 to 12 digits (a landline with or without area code, a
/// mobile), with at most one hyphen, not touching letters: dates, UUIDs and
/// version numbers have more separators or letters around them.
fn has_phone(text: &str) -> bool {
    text.lines().any(line_has_phone)
}

/// Words that say a number beside them is a phone or fax number.
const PHONE_WORDS: &[&str] = &[
    "电话", "手机", "座机", "传真", "联系", "热线", "tel", "phone", "mobile", "fax", "cell",
];

/// A run of digits shaped like a phone number: a mainland mobile
/// (1[3-9] and 9 digits), a number with its area code (0 and 9 to 11
/// digits, one hyphen at most), or a local number of 7 or 8 digits on a
/// line that says it is a phone. Other digit runs — a date (20230815), a
/// version, a serial number — are not a contact detail.
fn line_has_phone(line: &str) -> bool {
    let lower = line.to_lowercase();
    let says_phone = PHONE_WORDS.iter().any(|word| lower.contains(word));
    let bytes = line.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if !bytes[at].is_ascii_digit() {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len() && (bytes[at].is_ascii_digit() || bytes[at] == b'-') {
            at += 1;
        }
        let run = line[start..at].trim_end_matches('-');
        let digits: Vec<u8> = run.bytes().filter(u8::is_ascii_digit).collect();
        let hyphens = run.len() - digits.len();
        let touches = |i: Option<&u8>| i.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'.');
        if hyphens > 1
            || touches(start.checked_sub(1).and_then(|i| bytes.get(i)))
            || touches(bytes.get(at))
        {
            continue;
        }
        let mobile = digits.len() == 11 && digits[0] == b'1' && (b'3'..=b'9').contains(&digits[1]);
        let with_area_code = digits[0] == b'0' && (10..=12).contains(&digits.len());
        let local = (7..=8).contains(&digits.len()) && says_phone;
        if mobile || with_area_code || local {
            return true;
        }
    }
    false
}

/// Adds the one people notice of the document, if its properties name
/// anyone.
pub fn note_people(format: Format, extraction: &mut Extraction) {
    let people = people(format, extraction);
    if people.is_empty() {
        return;
    }
    let detail = contact_detail(extraction);
    let listed: Vec<String> = people
        .iter()
        .map(|(role, name)| format!("{role}: {name}"))
        .collect();
    let mut names: Vec<&str> = people.iter().map(|(_, name)| name.as_str()).collect();
    names.dedup();
    let (severity, message) = match detail {
        None => (
            Severity::Info,
            format!(
                "文档属性含姓名，建议发布前清除 (document properties name a person: {})",
                listed.join(", ")
            ),
        ),
        Some(detail) => (
            Severity::Review,
            format!(
                "文档属性含姓名及联系方式或内部地址，发布前须清除 (document properties name a person: {}; they also hold {detail})",
                listed.join(", ")
            ),
        ),
    };
    extraction.notices.push(Notice {
        rule: format!("metadata.{}.author", format.as_str()),
        category: Category::Metadata,
        severity,
        message,
        part: Part::Metadata,
        page: None,
        text: names.join(", "),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::document::Segment;

    fn with(segments: Vec<Segment>) -> Extraction {
        Extraction {
            segments,
            ..Extraction::default()
        }
    }

    #[test]
    fn a_name_alone_is_info_in_every_format() {
        let labelled = vec![Segment::new(Part::Metadata, "张三").with_label("author")];
        for format in [
            Format::Xlsx,
            Format::Pptx,
            Format::Odt,
            Format::Ofd,
            Format::Html,
            Format::Doc,
        ] {
            let mut extraction = with(labelled.clone());
            note_people(format, &mut extraction);
            assert_eq!(extraction.notices.len(), 1, "{format:?}");
            assert_eq!(extraction.notices[0].severity, Severity::Info);
            assert_eq!(extraction.notices[0].text, "张三");
        }
        let mut docx = with(vec![Segment::new(
            Part::Metadata,
            "title: 通知\ncreator: 张三\nlastModifiedBy: 李四\ncompany: 某局",
        )]);
        note_people(Format::Docx, &mut docx);
        assert_eq!(docx.notices[0].severity, Severity::Info);
        assert_eq!(docx.notices[0].rule, "metadata.docx.author");
        assert_eq!(docx.notices[0].text, "张三, 李四");
        let mut pdf = with(vec![Segment::new(
            Part::Metadata,
            "Author: 王五\nCreator: Microsoft® Word 2016\nProducer: Microsoft® Word 2016",
        )]);
        note_people(Format::Pdf, &mut pdf);
        assert_eq!(pdf.notices[0].text, "王五");
        assert_eq!(pdf.notices[0].severity, Severity::Info);
    }

    #[test]
    fn the_application_is_not_a_person() {
        let mut pdf = with(vec![Segment::new(
            Part::Metadata,
            "Creator: WPS 文字\nProducer: x",
        )]);
        note_people(Format::Pdf, &mut pdf);
        assert!(pdf.notices.is_empty());
    }

    #[test]
    fn a_name_with_contact_details_is_review() {
        for detail in [
            "template: \\\\fileserver\\模板\\normal.dotm",
            "hyperlink base: http://oa/docs/",
            "hyperlink base: http://192.168.1.5/",
            "hyperlink base: https://portal.corp.local/",
            "custom property\t联系人邮箱\tzhangsan@example.cn",
            "custom property\t电话\t010-12345678",
        ] {
            let mut extraction = with(vec![
                Segment::new(Part::Metadata, "张三").with_label("author"),
                Segment::new(Part::Metadata, detail),
            ]);
            note_people(Format::Xlsx, &mut extraction);
            assert_eq!(extraction.notices[0].severity, Severity::Review, "{detail}");
        }
        let mut public = with(vec![
            Segment::new(Part::Metadata, "张三").with_label("author"),
            Segment::new(Part::Metadata, "https://www.gov.cn/zhengce/")
                .with_label("hyperlink base"),
            Segment::new(Part::Metadata, "2024-03-01T08:00:00Z").with_label("created"),
            Segment::new(
                Part::Metadata,
                "xmpMM:DocumentID: uuid:12345678-1234-5678-9abc-def012345678",
            ),
        ]);
        note_people(Format::Xlsx, &mut public);
        assert_eq!(public.notices[0].severity, Severity::Info);
    }

    /// Issue 17: the digit runs of an OFD's producer and version fields
    /// are not a phone number beside the author's name.
    #[test]
    fn producer_and_version_digits_are_not_a_phone() {
        let mut ofd = with(vec![
            Segment::new(Part::Metadata, "张三").with_label("author"),
            Segment::new(Part::Metadata, "Suwell OFD Writer 20230815").with_label("creator"),
            Segment::new(Part::Metadata, "7.2.20230815").with_label("creator version"),
            Segment::new(Part::Metadata, "Producer: Foxit 1234567890"),
        ]);
        note_people(Format::Ofd, &mut ofd);
        assert_eq!(ofd.notices[0].severity, Severity::Info);
        let mut with_phone = with(vec![
            Segment::new(Part::Metadata, "张三").with_label("author"),
            Segment::new(Part::Metadata, "7.2.20230815").with_label("creator version"),
            Segment::new(Part::Metadata, "电话\t010-12345678").with_label("custom data"),
        ]);
        note_people(Format::Ofd, &mut with_phone);
        assert_eq!(with_phone.notices[0].severity, Severity::Review);
    }

    #[test]
    fn only_phone_shaped_numbers_are_phones() {
        for phone in [
            "13912345678",
            "010-12345678",
            "0755-83456789",
            "电话 6543210",
            "Tel: 88886666",
            "传真：0571-87654321",
        ] {
            assert!(has_phone(phone), "{phone}");
        }
        for not_phone in [
            "20230815",
            "编号 12345678",
            "7.2.20230815",
            "1234567890",
            "版本 3.1234567",
            "ISBN 9787111213826",
            "13912345678901",
        ] {
            assert!(!has_phone(not_phone), "{not_phone}");
        }
    }

    /// A labelled producer or template field is exempt from the phone
    /// check only: a UNC path, host or address in it still points into the
    /// office.
    #[test]
    fn paths_and_addresses_in_exempt_fields_still_count() {
        for (label, value) in [
            ("template", "\\\\fileserver\\模板\\normal.dotm"),
            ("creator", "zhangsan@example.cn"),
            ("producer", "http://oa/print"),
        ] {
            let mut extraction = with(vec![
                Segment::new(Part::Metadata, "张三").with_label("author"),
                Segment::new(Part::Metadata, value).with_label(label),
            ]);
            note_people(Format::Docx, &mut extraction);
            assert_eq!(extraction.notices[0].severity, Severity::Review, "{label}");
        }
    }
}
