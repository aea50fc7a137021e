use super::*;
use crate::extract::document::ExtractionStatus;
use crate::extract::limits::{Deadline, Limits};

fn read(bytes: &[u8]) -> Extraction {
    let limits = Limits::default();
    let request = Request {
        bytes,
        name: "mail.eml",
        limits: &limits,
        deadline: Deadline::never(),
        passwords: &[],
    };
    extract(&request)
}

fn find<'e>(extraction: &'e Extraction, part: Part, text: &str) -> &'e Segment {
    extraction
        .segments
        .iter()
        .find(|s| s.part == part && s.text.contains(text))
        .unwrap_or_else(|| panic!("no {text} in {part}: {:#?}", extraction.segments))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn headers_and_a_base64_gbk_body() {
    let (body, _, _) =
        encoding_rs::GBK.encode("关于加强保密工作的通知：本文件为机密★1年，内部资料。");
    let mail = format!(
        "From: =?gb2312?B?{from}?= <zhang@example.cn>\r\nTo: li@example.cn\r\nCc: wang@example.cn\r\nSubject: =?GBK?B?{subject}?=\r\nDate: Tue, 1 Dec 2026 10:00:00 +0800\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: base64\r\n\r\n{body}\r\n",
        from = base64(&encoding_rs::GBK.encode("张三").0),
        subject = base64(&encoding_rs::GBK.encode("绝密会议通知").0),
        body = base64(&body),
    );
    let extraction = read(mail.as_bytes());
    assert_eq!(
        extraction.status(),
        ExtractionStatus::Complete,
        "{:?}",
        extraction.problems
    );
    assert_eq!(
        find(&extraction, Part::Metadata, "张三").label.as_deref(),
        Some("from")
    );
    assert_eq!(
        find(&extraction, Part::Metadata, "绝密会议通知")
            .label
            .as_deref(),
        Some("subject")
    );
    assert_eq!(
        find(&extraction, Part::Metadata, "li@example.cn")
            .label
            .as_deref(),
        Some("to")
    );
    assert_eq!(
        find(&extraction, Part::Metadata, "wang@example.cn")
            .label
            .as_deref(),
        Some("cc")
    );
    assert_eq!(
        find(&extraction, Part::Metadata, "2026-12-01")
            .label
            .as_deref(),
        Some("date")
    );
    assert_eq!(
        find(&extraction, Part::Body, "机密★1年").label.as_deref(),
        Some("text/plain part")
    );
}

#[test]
fn alternative_html_quoted_printable_and_attachments() {
    let (big5, _, _) = encoding_rs::BIG5.encode("附件：秘密★5年");
    let mail = format!(
        "From: a@b\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"OUT\"\r\n\r\n\
         --OUT\r\nContent-Type: multipart/alternative; boundary=\"ALT\"\r\n\r\n\
         --ALT\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
         =E6=AD=A3=E6=96=87=\r\n=E7=BA=AF=E6=96=87=E6=9C=AC a=b\r\n\
         --ALT\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>网页正文</p><!-- 内部意见 -->\r\n\
         --ALT--\r\n\
         --OUT\r\nContent-Type: text/plain; charset=big5; name=\"note.txt\"\r\nContent-Disposition: attachment; filename=\"note.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{note}\r\n\
         --OUT\r\nContent-Type: application/octet-stream; name=\"blob.bin\"\r\nContent-Disposition: attachment; filename=\"blob.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAwQFBgcICQ==\r\n\
         --OUT--\r\n",
        note = base64(&big5),
    );
    let extraction = read(mail.as_bytes());
    assert_eq!(
        find(&extraction, Part::Body, "正文纯文本 a=b")
            .label
            .as_deref(),
        Some("text/plain part")
    );
    assert_eq!(
        find(&extraction, Part::Body, "网页正文").label.as_deref(),
        Some("text/html part")
    );
    assert_eq!(
        find(&extraction, Part::Hidden, "内部意见").label.as_deref(),
        Some("text/html part: HTML comment")
    );
    assert_eq!(
        find(&extraction, Part::Attachment, "秘密★5年")
            .label
            .as_deref(),
        Some("attachment note.txt: body")
    );
    // The unknown binary attachment cannot be read: partial, named.
    assert_eq!(extraction.status(), ExtractionStatus::Partial);
    assert!(
        extraction
            .problems
            .iter()
            .any(|p| p.message.starts_with("attachment blob.bin")),
        "{:?}",
        extraction.problems
    );
}

#[test]
fn undecodable_parts_are_partial() {
    let bad_charset = "Content-Type: text/plain; charset=gbk\r\n\r\n\u{0}abc";
    let mut bytes = bad_charset.as_bytes().to_vec();
    bytes.extend([0xB0, 0xFF, 0xFF, b'\r', b'\n']);
    let extraction = read(&bytes);
    assert_eq!(extraction.status(), ExtractionStatus::Partial);
    assert!(
        extraction.problems[0]
            .message
            .contains("declares the charset “gbk” but its bytes are not valid in it"),
        "{:?}",
        extraction.problems
    );

    let unknown = "Content-Type: text/plain; charset=x-made-up\r\n\r\n".as_bytes();
    let extraction = read(
        &[
            unknown,
            &encoding_rs::GBK.encode("机密★1年 关于加强保密工作的通知").0,
        ]
        .concat(),
    );
    assert_eq!(extraction.status(), ExtractionStatus::Partial);
    assert!(
        extraction.problems[0].message.contains("x-made-up"),
        "{:?}",
        extraction.problems
    );
    find(&extraction, Part::Body, "机密★1年");

    let damaged = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n5py65a+G!!!\r\n";
    let extraction = read(damaged.as_bytes());
    assert_eq!(
        extraction.status(),
        ExtractionStatus::Partial,
        "{:?}",
        extraction.segments
    );
}

#[test]
fn raw_8bit_headers_and_attached_messages() {
    let (subject, _, _) = encoding_rs::BIG5.encode("養樂多線上訂購");
    let mut mail = b"Subject: ".to_vec();
    mail.extend(&*subject);
    mail.extend(b"\r\nContent-Type: text/html; charset=big5\r\n\r\n<p>body</p>\r\n");
    let extraction = read(&mail);
    assert_eq!(
        find(&extraction, Part::Metadata, "養樂多線上訂購")
            .label
            .as_deref(),
        Some("subject")
    );

    let attached = "From: a@b\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n\
        --B\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n\
        --B\r\nContent-Type: message/rfc822\r\n\r\nFrom: inner@x\r\nSubject: inner\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n内层：机密★1年\r\n\
        --B--\r\n";
    let extraction = read(attached.as_bytes());
    let inner = find(&extraction, Part::Attachment, "机密★1年");
    assert!(
        inner
            .label
            .as_deref()
            .unwrap()
            .starts_with("attached message inner.eml"),
        "{:?}",
        inner.label
    );
    find(&extraction, Part::Attachment, "inner@x");
    // Opened, the attached message is an attachment of its own, its bytes
    // those of the message alone (it was parsed in place, not encoded).
    let opened = open_mail(attached.as_bytes());
    assert_eq!(names(&opened), ["inner.eml"]);
    let bytes = opened.attachments[0].content.as_deref().unwrap();
    assert!(
        bytes.starts_with(b"From: inner@x\r\n") && bytes.ends_with("机密★1年".as_bytes()),
        "{}",
        String::from_utf8_lossy(bytes)
    );
    assert!(
        opened
            .extraction
            .segments
            .iter()
            .all(|s| !s.text.contains("机密★1年"))
    );
}

fn open_mail(bytes: &[u8]) -> Opened {
    let limits = Limits::default();
    let request = Request {
        bytes,
        name: "mail.eml",
        limits: &limits,
        deadline: Deadline::never(),
        passwords: &[],
    };
    open(&request)
}

fn names(opened: &Opened) -> Vec<&str> {
    opened.attachments.iter().map(|a| a.name.as_str()).collect()
}

fn multipart(parts: &[String]) -> Vec<u8> {
    let mut mail = "From: a@b\r\nSubject: files\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n正文：见附件。\r\n".to_owned();
    for part in parts {
        mail.push_str("--B\r\n");
        mail.push_str(part);
        mail.push_str("\r\n");
    }
    mail.push_str("--B--\r\n");
    mail.into_bytes()
}

#[test]
fn attachments_are_handed_back_decoded_and_named() {
    let docx = b"PK\x03\x04 pretend docx".to_vec();
    let gbk = |text: &str| encoding_rs::GBK.encode(text).0.into_owned();
    let percent: String = gbk("附件一.docx")
        .iter()
        .map(|b| format!("%{b:02X}"))
        .collect();
    let (first, second) = percent.split_at(15);
    let mail = multipart(&[
        format!(
            "Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document; name=\"=?GBK?B?{}?=\"\r\nContent-Disposition: attachment; filename=\"=?GBK?B?{}?=\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}",
            base64(&gbk("附件.docx")),
            base64(&gbk("附件.docx")),
            base64(&docx)
        ),
        format!(
            "Content-Type: application/octet-stream\r\nContent-Disposition: attachment;\r\n filename*0*=gbk''{first};\r\n filename*1*={second}\r\nContent-Transfer-Encoding: base64\r\n\r\n{}",
            base64(b"second")
        ),
        // A named text part is an attachment too, its bytes undecoded by
        // charset (the reader of its own format decides).
        format!(
            "Content-Type: text/plain; charset=gbk; name=\"名单.txt\"\r\nContent-Disposition: attachment\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n{}",
            gbk("赵一")
                .iter()
                .map(|b| format!("={b:02X}"))
                .collect::<String>()
        ),
        // Two attachments of one name stay two.
        "Content-Type: text/csv; name=\"a.csv\"\r\n\r\n1,2".to_owned(),
        "Content-Type: text/csv; name=\"a.csv\"\r\n\r\n3,4".to_owned(),
        // No name at all: the part number and type.
        "Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0="
            .to_owned(),
    ]);
    let opened = open_mail(&mail);
    assert_eq!(
        names(&opened),
        [
            "附件.docx",
            "附件一.docx",
            "名单.txt",
            "a.csv (attachment 1 of 2 with this name)",
            "a.csv (attachment 2 of 2 with this name)",
            "part 7 (application-pdf)",
        ]
    );
    let content = |i: usize| opened.attachments[i].content.as_deref().unwrap();
    assert_eq!(content(0), docx.as_slice());
    assert_eq!(content(1), b"second");
    assert_eq!(content(2), gbk("赵一").as_slice());
    assert_eq!(content(3), b"1,2");
    assert_eq!(content(4), b"3,4");
    assert_eq!(content(5), b"%PDF-");
    assert_eq!(opened.attachments[0].what, "attachment 附件.docx");
    assert_eq!(
        opened.attachments[4].what,
        "attachment a.csv (attachment 2 of 2 with this name)"
    );
    // The mail's own text is only its own.
    assert_eq!(
        opened.extraction.status(),
        ExtractionStatus::Complete,
        "{:?}",
        opened.extraction.problems
    );
    assert!(
        opened
            .extraction
            .segments
            .iter()
            .all(|s| s.part != Part::Attachment)
    );
    find(&opened.extraction, Part::Body, "正文：见附件。");
}

#[test]
fn attachments_that_cannot_be_decoded_say_why() {
    let mail = multipart(&[
        "Content-Type: application/msword; name=\"a.doc\"\r\nContent-Transfer-Encoding: base64\r\n\r\n0M8R4KGx!!!*".to_owned(),
        "Content-Type: application/msword; name=\"b.doc\"\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 b.doc".to_owned(),
    ]);
    let opened = open_mail(&mail);
    assert_eq!(names(&opened), ["a.doc", "b.doc"]);
    let error = |i: usize| opened.attachments[i].content.as_ref().unwrap_err();
    assert!(error(0).contains("base64"), "{}", error(0));
    assert!(error(1).contains("x-uuencode"), "{}", error(1));
    // Read inline, each is a problem naming it.
    let extraction = read(&mail);
    assert_eq!(extraction.status(), ExtractionStatus::Partial);
    for name in [
        "attachment a.doc cannot be read",
        "attachment b.doc cannot be read",
    ] {
        assert!(
            extraction
                .problems
                .iter()
                .any(|p| p.message.starts_with(name)),
            "{name}: {:?}",
            extraction.problems
        );
    }
    // A text part in an unknown transfer encoding is not read as if it
    // were decoded.
    let body = b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: x-gzip64\r\n\r\nH4sIAAAA\r\n";
    let extraction = read(body);
    assert_eq!(extraction.status(), ExtractionStatus::Partial);
    assert!(
        extraction.problems[0].message.contains("x-gzip64"),
        "{:?}",
        extraction.problems
    );
}

#[test]
fn a_saved_page_keeps_its_pictures_and_hands_back_other_resources() {
    let page = "MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"P\"\r\n\r\n\
        --P\r\nContent-Type: text/html; charset=utf-8\r\nContent-Location: file:///C:/page.htm\r\n\r\n<p>正文</p><img src=\"page_files/image001.png\">\r\n\
        --P\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\nContent-Location: file:///C:/page_files/image001.png\r\n\r\niVBORw0KGgo=\r\n\
        --P\r\nContent-Type: application/x-shockwave-flash\r\nContent-Location: file:///C:/page_files/movie.swf\r\n\r\nFWS\r\n\
        --P--\r\n";
    let opened = open_mail(page.as_bytes());
    assert_eq!(names(&opened), ["movie.swf"]);
    let pictures = &opened.extraction.pictures;
    assert_eq!(pictures.len(), 1, "{pictures:?}");
    assert_eq!(pictures[0].place.name, "file:///C:/page_files/image001.png");
}

#[test]
fn quoted_encoded_words() {
    assert_eq!(
        encoded_words("'=?gb2312?B?wdaRY8PA?=' <a@b>"),
        "'林慧美' <a@b>".replace(
            "林慧美",
            &encoding_rs::GB18030
                .decode(&[0xC1, 0xD6, 0x91, 0x63, 0xC3, 0xC0])
                .0
        )
    );
    assert_eq!(encoded_words("=?utf-8?Q?=E6=9C=BA=E5=AF=86_x?="), "机密 x");
    assert_eq!(
        encoded_words("=?x-unknown?B?AAAA?="),
        "=?x-unknown?B?AAAA?="
    );
}

#[test]
fn pictures_of_a_saved_page_go_to_ocr() {
    let page = |html: &str| {
        format!(
            "MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"P\"\r\n\r\n--P\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n--P\r\nContent-Type: image/png\r\nContent-ID: <i1>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--P--\r\n"
        )
    };
    let only_picture = read(page("<img src=\"cid:i1\">").as_bytes());
    assert_eq!(
        only_picture.pictures.len(),
        1,
        "{:?}",
        only_picture.pictures
    );
    let picture = &only_picture.pictures[0];
    assert_eq!(picture.place.part, Part::Body);
    assert_eq!(picture.place.name, "cid:i1");
    assert_eq!(picture.bytes, b"\x89PNG\r\n\x1a\n");
    let with_text = read(page("<p>正文</p><img src=\"cid:i1\">").as_bytes());
    assert_eq!(with_text.pictures.len(), 1);
}

#[test]
fn lenient_quoted_printable() {
    assert_eq!(
        quoted_printable(b"a=3Db=\r\nc = d=\n=E6=9C=BA=ZZ"),
        "a=bc = d\u{e6}\u{9c}\u{ba}=ZZ"
            .chars()
            .map(|c| c as u8)
            .collect::<Vec<u8>>()
    );
}
