use super::*;
use crate::extract::document::ExtractionStatus;
use crate::extract::limits::{Deadline, Limits};
use crate::extract::ole::tests::build;
use crate::extract::testing::{assert_damage_never_passes, run, segment_with};

/// A run of formatting: stream offsets and its sprms.
struct TestRun {
    start: u32,
    end: u32,
    grpprl: Vec<u8>,
}

/// A Word 97 document: the stories' text (UTF-16 piece for text with
/// non-Latin-1 characters, else a compressed piece), formatting runs over
/// character positions, and extra table-stream structures by FibRgFcLcb
/// index.
struct TestDoc {
    stories: [String; 8],
    /// (first char, end char, grpprl) in character positions.
    runs: Vec<(usize, usize, Vec<u8>)>,
    extra: Vec<(usize, Vec<u8>)>,
    flags: u16,
    compressed: bool,
}

impl TestDoc {
    fn new(body: &str) -> TestDoc {
        let mut stories: [String; 8] = Default::default();
        stories[0] = body.to_owned();
        TestDoc {
            stories,
            runs: Vec::new(),
            extra: Vec::new(),
            flags: 0,
            compressed: false,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let text: String = self.stories.concat();
        let chars: Vec<u16> = text.encode_utf16().collect();
        let text_at = 1024usize;
        let mut word = vec![0u8; text_at];
        if self.compressed {
            word.extend(chars.iter().map(|&u| u as u8));
        } else {
            word.extend(chars.iter().flat_map(|u| u.to_le_bytes()));
        }
        let fc_of = |cp: usize| -> u32 {
            if self.compressed {
                (text_at + cp) as u32
            } else {
                (text_at + 2 * cp) as u32
            }
        };
        while !word.len().is_multiple_of(512) {
            word.push(0);
        }
        let page_number = word.len() / 512;
        let runs: Vec<TestRun> = self
            .runs
            .iter()
            .map(|(a, b, g)| TestRun {
                start: fc_of(*a),
                end: fc_of(*b),
                grpprl: g.clone(),
            })
            .collect();
        let mut page = vec![0u8; 512];
        let crun = runs.len();
        let mut chpx_at = 510usize;
        for (i, run) in runs.iter().enumerate() {
            page[i * 4..i * 4 + 4].copy_from_slice(&run.start.to_le_bytes());
            let size = 1 + run.grpprl.len();
            chpx_at = (chpx_at - size) & !1;
            page[chpx_at] = run.grpprl.len() as u8;
            page[chpx_at + 1..chpx_at + size].copy_from_slice(&run.grpprl);
            page[(crun + 1) * 4 + i] = (chpx_at / 2) as u8;
        }
        if let Some(last) = runs.last() {
            page[crun * 4..crun * 4 + 4].copy_from_slice(&last.end.to_le_bytes());
        }
        page[511] = crun as u8;
        word.extend(&page);

        // Table stream: CLX, PlcBteChpx, extras.
        let mut table = Vec::new();
        let mut fc_lcb = vec![(0u32, 0u32); 93];
        let clx_at = table.len();
        table.push(2u8);
        let mut plc = Vec::new();
        plc.extend(0u32.to_le_bytes());
        plc.extend((chars.len() as u32).to_le_bytes());
        plc.extend([0u8, 0]);
        let fc = if self.compressed {
            ((text_at * 2) as u32) | 0x4000_0000
        } else {
            text_at as u32
        };
        plc.extend(fc.to_le_bytes());
        plc.extend([0u8, 0]);
        table.extend((plc.len() as u32).to_le_bytes());
        table.extend(&plc);
        fc_lcb[fib::CLX] = (clx_at as u32, (table.len() - clx_at) as u32);
        if !runs.is_empty() {
            let at = table.len();
            table.extend(runs[0].start.to_le_bytes());
            table.extend(runs.last().unwrap().end.to_le_bytes());
            table.extend((page_number as u32).to_le_bytes());
            fc_lcb[fib::PLCF_BTE_CHPX] = (at as u32, 12);
        }
        for (index, data) in &self.extra {
            fc_lcb[*index] = (table.len() as u32, data.len() as u32);
            table.extend(data);
        }

        // FIB.
        word[0..2].copy_from_slice(&0xA5ECu16.to_le_bytes());
        word[2..4].copy_from_slice(&0x00C1u16.to_le_bytes());
        word[6..8].copy_from_slice(&0x0804u16.to_le_bytes());
        word[10..12].copy_from_slice(&(self.flags | 0x0200).to_le_bytes());
        word[32..34].copy_from_slice(&14u16.to_le_bytes());
        word[62..64].copy_from_slice(&22u16.to_le_bytes());
        for (i, story) in self.stories.iter().enumerate() {
            let ccp = story.encode_utf16().count() as u32;
            let at = 64 + (3 + i) * 4;
            word[at..at + 4].copy_from_slice(&ccp.to_le_bytes());
        }
        word[152..154].copy_from_slice(&93u16.to_le_bytes());
        for (i, (fc, lcb)) in fc_lcb.iter().enumerate() {
            let at = 154 + i * 8;
            word[at..at + 4].copy_from_slice(&fc.to_le_bytes());
            word[at + 4..at + 8].copy_from_slice(&lcb.to_le_bytes());
        }
        build(&[("WordDocument", &word), ("1Table", &table)])
    }
}

fn read(bytes: &[u8]) -> Extraction {
    run(
        extract,
        "a.doc",
        bytes,
        &Limits::default(),
        Deadline::never(),
    )
}

fn xst(text: &str) -> Vec<u8> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut out = (units.len() as u16).to_le_bytes().to_vec();
    out.extend(units.iter().flat_map(|u| u.to_le_bytes()));
    out
}

#[test]
fn body_text_utf16_and_compressed() {
    let out = read(&TestDoc::new("关于机密文件的通知\r第二段\r").bytes());
    assert_eq!(texts(&out, Part::Body), ["关于机密文件的通知\n第二段"]);
    assert_eq!(
        out.status(),
        ExtractionStatus::Complete,
        "{:?}",
        out.problems
    );
    let mut latin = TestDoc::new("Caf\u{e9} internal only\r");
    latin.compressed = true;
    let out = read(&latin.bytes());
    assert_eq!(texts(&out, Part::Body), ["Café internal only"]);
}

#[test]
fn stories_become_their_parts() {
    let mut doc = TestDoc::new("正文\r");
    doc.stories[fib::FOOTNOTES] = "脚注内容\r".into();
    doc.stories[fib::HEADERS] = "页眉机密\r".into();
    doc.stories[fib::COMMENTS] = "批注意见\r".into();
    doc.stories[fib::ENDNOTES] = "尾注内容\r".into();
    doc.stories[fib::TEXTBOXES] = "文本框\r".into();
    let mut owners = xst("张三");
    owners.extend(xst("李四"));
    let mut atrd = vec![0u8; 30];
    atrd[20] = 1; // ibst: 李四
    let mut and_ref = Vec::new();
    and_ref.extend(0u32.to_le_bytes());
    and_ref.extend(3u32.to_le_bytes());
    and_ref.extend(&atrd);
    let mut and_txt = Vec::new();
    for cp in [0u32, 5, 6] {
        and_txt.extend(cp.to_le_bytes());
    }
    doc.extra = vec![
        (fib::GRP_XST_ATN_OWNERS, owners),
        (fib::PLCF_AND_REF, and_ref),
        (fib::PLCF_AND_TXT, and_txt),
    ];
    let out = read(&doc.bytes());
    assert_eq!(texts(&out, Part::Body), ["正文"]);
    assert_eq!(texts(&out, Part::Footnote), ["脚注内容"]);
    assert_eq!(texts(&out, Part::Header), ["页眉机密"]);
    assert_eq!(texts(&out, Part::Endnote), ["尾注内容"]);
    assert_eq!(texts(&out, Part::Textbox), ["文本框"]);
    let comment = segment_with(&out, Part::Comment, "批注意见");
    assert_eq!(comment.label.as_deref(), Some("李四"));
    assert!(out.notices.iter().any(|n| n.rule == "hidden.doc.revisions"));
}

#[test]
fn revisions_hidden_text_and_field_codes() {
    let body =
        "保留删除内容插入内容隐藏内容\u{13} HYPERLINK \"http://intranet/机密\" \u{14}链接\u{15}\r";
    let mut doc = TestDoc::new(body);
    let mut authors = vec![0xFF, 0xFF, 2, 0, 0, 0];
    authors.extend(xst("Unknown"));
    authors.extend(xst("王五"));
    doc.extra = vec![(fib::STTBF_RMARK, authors)];
    doc.runs = vec![
        (0, 2, vec![]),
        (2, 6, vec![0x00, 0x08, 1, 0x63, 0x48, 1, 0]),
        (6, 10, vec![0x01, 0x08, 1, 0x04, 0x48, 1, 0]),
        (10, 14, vec![0x3C, 0x08, 1]),
        (14, body.encode_utf16().count(), vec![]),
    ];
    let out = read(&doc.bytes());
    assert_eq!(texts(&out, Part::Body), ["保留链接"]);
    let deleted = segment_with(&out, Part::Deletion, "删除内容");
    assert_eq!(deleted.label.as_deref(), Some("王五"));
    let inserted = segment_with(&out, Part::Insertion, "插入内容");
    assert_eq!(inserted.label.as_deref(), Some("王五"));
    segment_with(&out, Part::Hidden, "隐藏内容");
    segment_with(&out, Part::Hidden, "http://intranet/机密");
    assert!(
        out.notices
            .iter()
            .any(|n| n.rule == "hidden.doc.hidden-text")
    );
}

#[test]
fn encrypted_documents_fail() {
    let mut doc = TestDoc::new("secret\r");
    doc.flags = 0x0100;
    let out = read(&doc.bytes());
    assert_eq!(out.status(), ExtractionStatus::Failed);
    assert!(out.problems[0].message.starts_with("encrypted"));
    assert!(out.segments.iter().all(|s| s.part == Part::Metadata));
}

#[test]
fn piece_table_outside_the_stream_is_partial() {
    let bytes = TestDoc::new("正文内容\r").bytes();
    // Point the piece at the end of the stream: find the CLX's fc (1024).
    let limits = Limits::default();
    let ole = Ole::open(&bytes, &limits).unwrap();
    let word = ole.read("WordDocument").unwrap();
    let mut table = ole.read("1Table").unwrap();
    let at = 1 + 4 + 8 + 2;
    table[at..at + 4].copy_from_slice(&(word.len() as u32 - 4).to_le_bytes());
    let damaged = build(&[("WordDocument", &word), ("1Table", &table)]);
    let out = read(&damaged);
    assert_eq!(
        out.status(),
        ExtractionStatus::Partial,
        "{:?}",
        out.problems
    );
    assert!(out.problems[0].message.contains("outside"));
}

#[test]
fn word6_text_in_the_languages_code_page() {
    let (gbk, _, _) = encoding_rs::GBK.encode("内部资料\r");
    let mut word = vec![0u8; 0x200];
    word[0..2].copy_from_slice(&0xA5DCu16.to_le_bytes());
    word[2..4].copy_from_slice(&101u16.to_le_bytes());
    word[6..8].copy_from_slice(&0x0804u16.to_le_bytes());
    word[0x18..0x1C].copy_from_slice(&0x200u32.to_le_bytes());
    word[0x34..0x38].copy_from_slice(&(gbk.len() as u32).to_le_bytes());
    word.extend(gbk.iter());
    let out = read(&build(&[("WordDocument", &word)]));
    assert_eq!(texts(&out, Part::Body), ["内部资料"]);
    assert_eq!(out.status(), ExtractionStatus::Partial);
}

#[test]
fn damage_never_passes_or_panics() {
    let mut doc = TestDoc::new("机密文件\r第二段\r");
    doc.runs = vec![(0, 4, vec![0x3C, 0x08, 1])];
    let bytes = doc.bytes();
    assert_damage_never_passes(read, &bytes, 211, 37);
}
