//! Format detection by content.
//!
//! A legacy `.doc` renamed `.docx`, a PDF saved as `.txt`, a zip with a
//! `.pdf` extension: the extension lies often enough that the content
//! decides, and the extension only breaks ties (a truncated zip whose
//! central directory is gone, plain text vs. Markdown).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::Cursor;

/// Document formats prepub knows about, read or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Txt,
    Md,
    Csv,
    Log,
    /// Any other file whose content is text.
    Text,
    Html,
    /// A MIME message: `.eml` mail, `.mht`/`.mhtml` saved web pages.
    Mail,
    Docx,
    Xlsx,
    Pptx,
    Odt,
    Ods,
    Odp,
    Pdf,
    Ofd,
    Zip,
    /// Legacy binary Word (OLE2).
    Doc,
    Xls,
    Ppt,
    /// WPS Office binary formats (.wps/.et/.dps).
    Wps,
    /// An OOXML document encrypted with a password (OLE2 `EncryptedPackage`).
    Encrypted,
    Rtf,
    Image,
    /// An archive format other than zip (7z, rar, tar, gz).
    Archive,
    Unknown,
}

impl Format {
    /// Every format, so a test can ask that each has its guard.
    pub const ALL: [Format; 25] = [
        Format::Txt,
        Format::Md,
        Format::Csv,
        Format::Log,
        Format::Text,
        Format::Html,
        Format::Mail,
        Format::Docx,
        Format::Xlsx,
        Format::Pptx,
        Format::Odt,
        Format::Ods,
        Format::Odp,
        Format::Pdf,
        Format::Ofd,
        Format::Zip,
        Format::Doc,
        Format::Xls,
        Format::Ppt,
        Format::Wps,
        Format::Encrypted,
        Format::Rtf,
        Format::Image,
        Format::Archive,
        Format::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Md => "md",
            Format::Csv => "csv",
            Format::Log => "log",
            Format::Text => "text",
            Format::Html => "html",
            Format::Mail => "mail",
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
            Format::Pptx => "pptx",
            Format::Odt => "odt",
            Format::Ods => "ods",
            Format::Odp => "odp",
            Format::Pdf => "pdf",
            Format::Ofd => "ofd",
            Format::Zip => "zip",
            Format::Doc => "doc",
            Format::Xls => "xls",
            Format::Ppt => "ppt",
            Format::Wps => "wps",
            Format::Encrypted => "encrypted",
            Format::Rtf => "rtf",
            Format::Image => "image",
            Format::Archive => "archive",
            Format::Unknown => "unknown",
        }
    }

    /// Why a document of this format is not reviewed automatically, in words
    /// that tell the clerk what to do.
    pub fn unsupported_reason(self) -> String {
        match self {
            Format::Doc => {
                "legacy binary Word document (.doc) prepub could not read: open it in Word, save as .docx and rescan".into()
            }
            Format::Xls => {
                "legacy binary Excel workbook (.xls) prepub could not read: open it in Excel, save as .xlsx and rescan".into()
            }
            Format::Ppt => {
                "legacy binary PowerPoint presentation (.ppt) prepub could not read: open it in PowerPoint, save as .pptx and rescan".into()
            }
            Format::Wps => {
                "unsupported WPS variant: open it in WPS Office, save as .docx/.xlsx/.pptx and rescan".into()
            }
            Format::Encrypted => "encrypted: cannot be reviewed without the password".into(),
            Format::Rtf => {
                "RTF file prepub could not read: open it in Word, save as .docx and rescan".into()
            }
            Format::Image => "image: needs OCR or manual review".into(),
            Format::Archive => {
                "archive format prepub cannot open (only .zip is read): unpack and rescan".into()
            }
            Format::Zip => {
                "zip archive: its members are reviewed as separate documents (name.zip!/member)"
                    .into()
            }
            Format::Unknown => "unrecognised file format: not reviewed, check it by hand".into(),
            other => format!(
                "{} documents are not read by this version of prepub",
                other.as_str()
            ),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

const OLE2_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Decides the format of a file from its bytes, using the file name only
/// where the content cannot tell.
pub fn detect(bytes: &[u8], name: &str) -> Format {
    let extension = extension_of(name);
    let head = &bytes[..bytes.len().min(8192)];
    // A file cut to nothing (0 bytes, or only blanks or NULs) is not text:
    // its name says what it should have been, and that reader's empty-file
    // check reports it failed.
    if super::package::is_blank(bytes)
        && let Some(claimed) = binary_by_extension(&extension)
    {
        return claimed;
    }
    if find(&head[..head.len().min(1024)], b"%PDF-").is_some() {
        return Format::Pdf;
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return detect_zip(bytes, &extension);
    }
    if head.starts_with(OLE2_MAGIC) {
        return detect_ole2(bytes, &extension);
    }
    if head.starts_with(b"{\\rtf") {
        return Format::Rtf;
    }
    if is_image(head) {
        return Format::Image;
    }
    // WPS Office files that are not OLE (DOS-era WPS, WPS 97/2000) are
    // not read; as text they would seem to pass.
    if matches!(
        extension.as_str(),
        "wps" | "et" | "dps" | "wpt" | "ett" | "dpt"
    ) {
        return Format::Wps;
    }
    if head.starts_with(&[0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C])
        || head.starts_with(b"Rar!")
        || head.starts_with(&[0x1F, 0x8B])
        || (head.len() > 262 && &head[257..262] == b"ustar")
    {
        return Format::Archive;
    }
    if !looks_like_text(head) {
        // A truncated zip with a known Office extension is still that format,
        // so its own reader can say what is wrong with it.
        return match extension.as_str() {
            "docx" | "docm" | "dotx" | "dotm" => Format::Docx,
            "xlsx" | "xlsm" => Format::Xlsx,
            "pptx" | "pptm" => Format::Pptx,
            "ofd" => Format::Ofd,
            "odt" => Format::Odt,
            "ods" => Format::Ods,
            "odp" => Format::Odp,
            _ => Format::Unknown,
        };
    }
    if let Some(format) = flat_odf(head) {
        return format;
    }
    // Before HTML: a saved page (.mht) has `<html` in its first bytes too.
    if matches!(extension.as_str(), "eml" | "mht" | "mhtml" | "mime") || looks_like_mail(head) {
        return Format::Mail;
    }
    if matches!(extension.as_str(), "html" | "htm" | "xhtml" | "shtml") || looks_like_html(head) {
        return Format::Html;
    }
    match extension.as_str() {
        "txt" => Format::Txt,
        "md" | "markdown" => Format::Md,
        "csv" | "tsv" => Format::Csv,
        "log" => Format::Log,
        _ => Format::Text,
    }
}

/// The binary format a file name claims, for files with no content to go
/// by.
fn binary_by_extension(extension: &str) -> Option<Format> {
    let format = match extension {
        "pdf" => Format::Pdf,
        "ofd" => Format::Ofd,
        "zip" => Format::Zip,
        "doc" | "dot" => Format::Doc,
        "xls" | "xlt" => Format::Xls,
        "ppt" | "pps" | "pot" => Format::Ppt,
        "wps" | "et" | "dps" => Format::Wps,
        other => match detect_zip_extension(other) {
            Format::Zip => return None,
            format => format,
        },
    };
    Some(format)
}

fn detect_zip_extension(extension: &str) -> Format {
    match extension {
        "docx" | "docm" | "dotx" | "dotm" => Format::Docx,
        "xlsx" | "xlsm" | "xltx" | "xltm" => Format::Xlsx,
        "pptx" | "pptm" | "potx" | "ppsx" => Format::Pptx,
        "odt" | "ott" => Format::Odt,
        "ods" | "ots" => Format::Ods,
        "odp" | "otp" => Format::Odp,
        "ofd" => Format::Ofd,
        _ => Format::Zip,
    }
}

/// A flat OpenDocument (`.fodt`, `.fods`, `.fodp`): one XML file whose
/// root `office:document` names its kind in `office:mimetype`.
fn flat_odf(head: &[u8]) -> Option<Format> {
    let start = &head[..head.len().min(4096)];
    find(start, b"<office:document ")?;
    let mime = b"office:mimetype=\"application/vnd.oasis.opendocument.";
    let at = find(start, mime)? + mime.len();
    let rest = &start[at..];
    if rest.starts_with(b"text") {
        Some(Format::Odt)
    } else if rest.starts_with(b"spreadsheet") {
        Some(Format::Ods)
    } else if rest.starts_with(b"presentation") || rest.starts_with(b"graphics") {
        Some(Format::Odp)
    } else {
        None
    }
}

fn extension_of(name: &str) -> String {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match file.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

fn detect_zip(bytes: &[u8], extension: &str) -> Format {
    let by_extension = detect_zip_extension(extension);
    let Ok(archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return by_extension;
    };
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|name| name.ok().map(|name| name.into_owned()))
        .collect();
    let has = |wanted: &str| names.iter().any(|n| n.eq_ignore_ascii_case(wanted));
    let has_prefix = |prefix: &str| {
        names
            .iter()
            .any(|n| n.to_ascii_lowercase().starts_with(prefix))
    };
    if has("mimetype")
        && let Some(mime) = odf_mimetype(bytes)
    {
        if mime.starts_with("application/vnd.oasis.opendocument.text") {
            return Format::Odt;
        }
        if mime.starts_with("application/vnd.oasis.opendocument.spreadsheet") {
            return Format::Ods;
        }
        if mime.starts_with("application/vnd.oasis.opendocument.presentation") {
            return Format::Odp;
        }
    }
    if names.iter().any(|n| {
        let lower = n.trim_start_matches('/').to_ascii_lowercase();
        lower == "ofd.xml"
    }) {
        return Format::Ofd;
    }
    if has("[Content_Types].xml") {
        if has_prefix("word/") {
            return Format::Docx;
        }
        if has_prefix("xl/") {
            return Format::Xlsx;
        }
        if has_prefix("ppt/") {
            return Format::Pptx;
        }
        // An OOXML package whose main part lives elsewhere: trust the
        // extension, the reader follows the relationships.
        if by_extension != Format::Zip {
            return by_extension;
        }
    }
    Format::Zip
}

fn odf_mimetype(bytes: &[u8]) -> Option<String> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let entry = archive.by_name("mimetype").ok()?;
    let mut text = String::new();
    entry.take(200).read_to_string(&mut text).ok()?;
    Some(text.trim().to_owned())
}

fn detect_ole2(bytes: &[u8], extension: &str) -> Format {
    let wps = matches!(extension, "wps" | "et" | "dps" | "wpt" | "ett" | "dpt");
    // The streams at the root of the compound file decide; a stream of the
    // same name inside an embedded object does not.
    if let Some(names) = super::ole::root_names(bytes) {
        let has = |wanted: &str| names.iter().any(|n| n.eq_ignore_ascii_case(wanted));
        if has("EncryptedPackage") {
            return Format::Encrypted;
        }
        if wps {
            return Format::Wps;
        }
        if has("WordDocument") {
            return Format::Doc;
        }
        if has("Workbook") || has("Book") {
            return Format::Xls;
        }
        if has("PowerPoint Document") || has("PP40") {
            return Format::Ppt;
        }
        return ole2_by_extension(extension);
    }
    // A directory prepub cannot walk (a damaged file): look for the names.
    let utf16 =
        |name: &str| -> Vec<u8> { name.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    if find(bytes, &utf16("EncryptedPackage")).is_some() {
        return Format::Encrypted;
    }
    if wps {
        return Format::Wps;
    }
    if find(bytes, &utf16("WordDocument")).is_some() {
        return Format::Doc;
    }
    if find(bytes, &utf16("Workbook")).is_some() || find(bytes, &utf16("Book")).is_some() {
        return Format::Xls;
    }
    if find(bytes, &utf16("PowerPoint Document")).is_some() {
        return Format::Ppt;
    }
    ole2_by_extension(extension)
}

/// Other OLE2 files (Outlook .msg, Visio, old installers…) are not office
/// documents: only the extension of one says what it claims to be.
fn ole2_by_extension(extension: &str) -> Format {
    match extension {
        "doc" | "dot" => Format::Doc,
        "xls" | "xlt" => Format::Xls,
        "ppt" | "pps" | "pot" => Format::Ppt,
        _ => Format::Unknown,
    }
}

fn is_image(head: &[u8]) -> bool {
    head.starts_with(b"\x89PNG")
        || head.starts_with(&[0xFF, 0xD8, 0xFF])
        || head.starts_with(b"II*\0")
        || head.starts_with(b"MM\0*")
        || head.starts_with(b"GIF8")
        || head.starts_with(b"BM")
        || (head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP")
}

/// Text has no NUL bytes (unless it is UTF-16 or UTF-32, with a BOM or with
/// the zero bytes where those put them) and few control characters.
fn looks_like_text(head: &[u8]) -> bool {
    if head.starts_with(&[0xFF, 0xFE])
        || head.starts_with(&[0xFE, 0xFF])
        || head.starts_with(&[0, 0, 0xFE, 0xFF])
        || super::text::looks_wide(head)
    {
        return true;
    }
    if head.is_empty() {
        return true;
    }
    if head.contains(&0) {
        return false;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C | 0x1B))
        .count();
    controls * 100 <= head.len()
}

/// An RFC 822 message: the file opens with a block of header fields
/// (`Name: value`, continuation lines indented) and those fields are mail
/// fields — `MIME-Version`, or a `Content-Type` with a mail field beside it,
/// or three of the fields every mail has. A text that merely starts with
/// `Subject:` is not mail.
fn looks_like_mail(head: &[u8]) -> bool {
    let mut names: Vec<String> = Vec::new();
    let mut lines = head.split(|&b| b == b'\n').peekable();
    // An mbox file starts with a `From ` separator line.
    if lines.peek().is_some_and(|line| line.starts_with(b"From ")) {
        lines.next();
    }
    let mut ended = false;
    for line in lines {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            ended = true;
            break;
        }
        if matches!(line[0], b' ' | b'\t') {
            if names.is_empty() {
                return false;
            }
            continue;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return false;
        };
        let name = &line[..colon];
        if name.is_empty()
            || !name
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return false;
        }
        names.push(String::from_utf8_lossy(name).to_ascii_lowercase());
    }
    if !ended && head.len() < 8192 {
        // The whole file is a header block with nothing after it.
        return false;
    }
    let has = |name: &str| names.iter().any(|n| n == name);
    const MAIL: [&str; 8] = [
        "from",
        "to",
        "cc",
        "subject",
        "date",
        "message-id",
        "received",
        "return-path",
    ];
    let mail_fields = MAIL.iter().filter(|name| has(name)).count();
    has("mime-version") || (has("content-type") && mail_fields >= 1) || mail_fields >= 3
}

fn looks_like_html(head: &[u8]) -> bool {
    let start: Vec<u8> = head
        .iter()
        .skip_while(|b| b.is_ascii_whitespace() || **b == 0xEF || **b == 0xBB || **b == 0xBF)
        .take(512)
        .map(u8::to_ascii_lowercase)
        .collect();
    start.starts_with(b"<!doctype html")
        || start.starts_with(b"<html")
        || find(&start, b"<html").is_some()
}

pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Format::ALL` lists every variant once: the match below stops
    /// compiling when a variant is added, until it is numbered here (and
    /// then the assertion asks for it in `ALL`).
    #[test]
    fn all_lists_every_format_once() {
        fn number(format: Format) -> usize {
            match format {
                Format::Txt => 0,
                Format::Md => 1,
                Format::Csv => 2,
                Format::Log => 3,
                Format::Text => 4,
                Format::Html => 5,
                Format::Mail => 6,
                Format::Docx => 7,
                Format::Xlsx => 8,
                Format::Pptx => 9,
                Format::Odt => 10,
                Format::Ods => 11,
                Format::Odp => 12,
                Format::Pdf => 13,
                Format::Ofd => 14,
                Format::Zip => 15,
                Format::Doc => 16,
                Format::Xls => 17,
                Format::Ppt => 18,
                Format::Wps => 19,
                Format::Encrypted => 20,
                Format::Rtf => 21,
                Format::Image => 22,
                Format::Archive => 23,
                Format::Unknown => 24,
            }
        }
        for (index, format) in Format::ALL.into_iter().enumerate() {
            assert_eq!(number(format), index, "{format}");
        }
    }

    #[test]
    fn pdf_wins_over_extension() {
        assert_eq!(detect(b"%PDF-1.7\n...", "a.txt"), Format::Pdf);
    }

    #[test]
    fn text_by_extension() {
        assert_eq!(detect("机密★1年".as_bytes(), "a.txt"), Format::Txt);
        assert_eq!(detect(b"# title", "a.md"), Format::Md);
        assert_eq!(detect(b"plain", "README"), Format::Text);
    }

    #[test]
    fn ole2_is_legacy_or_encrypted() {
        let mut doc = OLE2_MAGIC.to_vec();
        doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(detect(&doc, "renamed.docx"), Format::Doc);
        let mut enc = OLE2_MAGIC.to_vec();
        enc.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(detect(&enc, "secret.docx"), Format::Encrypted);
    }

    #[test]
    fn unknown_ole2_is_not_called_word() {
        let mut msg = OLE2_MAGIC.to_vec();
        msg.extend(
            "__substg1.0_0037001F"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        assert_eq!(detect(&msg, "mail.msg"), Format::Unknown);
        assert_eq!(detect(&msg, "old.doc"), Format::Doc);
        let mut wps = OLE2_MAGIC.to_vec();
        wps.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(detect(&wps, "公文.wps"), Format::Wps);
    }

    #[test]
    fn images_and_binary() {
        assert_eq!(detect(b"\x89PNG\r\n\x1a\n\0\0", "scan.png"), Format::Image);
        assert_eq!(detect(&[0, 1, 2, 3, 0, 0], "blob.bin"), Format::Unknown);
    }

    #[test]
    fn truncated_zip_keeps_office_extension() {
        assert_eq!(detect(b"PK\x03\x04\x14\0\0\0", "cut.docx"), Format::Docx);
        assert_eq!(detect(b"PK\x03\x04\x14\0\0\0", "cut.zip"), Format::Zip);
    }

    #[test]
    fn empty_files_keep_the_format_their_name_claims() {
        assert_eq!(detect(b"", "公文.docx"), Format::Docx);
        assert_eq!(detect(b"", "scan.pdf"), Format::Pdf);
        assert_eq!(detect(b"\0\0\0\0", "cut.xlsx"), Format::Xlsx);
        assert_eq!(detect(b"  \n", "slides.pptx"), Format::Pptx);
        assert_eq!(detect(b"", "a.ofd"), Format::Ofd);
        assert_eq!(detect(b"", "a.odt"), Format::Odt);
        assert_eq!(detect(b"", "notes.txt"), Format::Txt);
        assert_eq!(detect(b"", "README"), Format::Text);
    }

    #[test]
    fn utf32_and_wide_text_are_text() {
        let utf32: Vec<u8> = "机密★1年 notice"
            .chars()
            .flat_map(|c| (c as u32).to_be_bytes())
            .collect();
        assert_eq!(
            detect(&[&[0, 0, 0xFE, 0xFF][..], &utf32].concat(), "a.txt"),
            Format::Txt
        );
        assert_eq!(detect(&utf32, "a.txt"), Format::Txt);
        let utf16: Vec<u8> = "机密★1年 notice for all"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(detect(&utf16, "a.csv"), Format::Csv);
    }

    #[test]
    fn mail_by_content_and_extension() {
        let mail = b"Received: from x\r\nFrom: a@b\r\nTo: c@d\r\nSubject: hi\r\n\r\nbody";
        assert_eq!(detect(mail, "message.txt"), Format::Mail);
        let mht = b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n\r\n--x\r\nContent-Type: text/html\r\n\r\n<html><body>page</body></html>";
        assert_eq!(detect(mht, "page.mht"), Format::Mail);
        assert_eq!(detect(mht, "page"), Format::Mail);
        assert_eq!(detect(b"<html>x</html>", "a.eml"), Format::Mail);
        // A note that starts like a mail is still text.
        assert_eq!(
            detect("Subject: 通知\n\n正文".as_bytes(), "note.txt"),
            Format::Txt
        );
        assert_eq!(
            detect("注意: 机密\n正文".as_bytes(), "note.txt"),
            Format::Txt
        );
        assert_eq!(
            detect(b"From: a\nTo: b\nSubject: c", "note.txt"),
            Format::Txt
        );
    }

    #[test]
    fn legacy_formats_by_content() {
        let doc = crate::extract::ole::tests::build(&[("WordDocument", b"x")]);
        assert_eq!(detect(&doc, "renamed.docx"), Format::Doc);
        assert_eq!(detect(&doc, "公文.wps"), Format::Wps);
        let xls = crate::extract::ole::tests::build(&[("Workbook", b"x")]);
        assert_eq!(detect(&xls, "book.doc"), Format::Xls);
        // A Word document embedded in a workbook does not make it Word.
        let host = crate::extract::ole::tests::build(&[
            ("MBD0001/WordDocument", b"x"),
            ("Workbook", b"x"),
        ]);
        assert_eq!(detect(&host, "book.xls"), Format::Xls);
        assert_eq!(detect(b"{\\rtf1\\ansi hello}", "export.doc"), Format::Rtf);
        assert_eq!(detect("WPS 文字".as_bytes(), "old.wps"), Format::Wps);
        let flat = br#"<?xml version="1.0"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:mimetype="application/vnd.oasis.opendocument.text">"#;
        assert_eq!(detect(flat, "a.fodt"), Format::Odt);
        let flat_ods = String::from_utf8_lossy(flat).replace(".text", ".spreadsheet");
        assert_eq!(detect(flat_ods.as_bytes(), "a.fods"), Format::Ods);
    }

    #[test]
    fn html_by_content() {
        assert_eq!(detect(b"<!DOCTYPE html><html>", "page"), Format::Html);
    }
}
