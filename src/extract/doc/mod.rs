//! Word 97–2003 binary documents (`.doc`, `.dot`) and WPS Office `.wps`
//! files, which use the same stream layout ([MS-DOC]).
//!
//! The text of every story lives in the `WordDocument` stream, found
//! through the piece table (CLX) in the table stream; each piece is either
//! 8-bit (cp1252, "compressed") or UTF-16. The stories follow each other in
//! character positions, and each becomes its parts:
//!
//! | story | part |
//! |---|---|
//! | main text | `body`, with `deletion` (sprmCFRMarkDel), `insertion` (sprmCFRMarkIns, labelled with the author from the revision-author table), `hidden` (sprmCFVanish) and field codes that carry words or paths as `hidden` "field code" |
//! | footnotes, endnotes | `footnote`, `endnote` |
//! | headers and footers (PlcfHdd: per section, first/odd/even) | `header`, `footer` |
//! | comments (PlcfandTxt, authors from GrpXstAtnOwners) | `comment`, labelled with the author |
//! | text boxes, header text boxes | `textbox` |
//! | `\x05SummaryInformation`, `\x05DocumentSummaryInformation` | `metadata` |
//! | `ObjectPool` embedded objects | `attachment` |
//!
//! An encrypted or XOR-obfuscated document (`fEncrypted`) is `failed`; a
//! piece table or formatting page pointing outside its stream, a cut
//! stream, Word 6/95 layout (formatting not read) make it `partial`.

mod fib;
pub(crate) mod sink;
mod styles;

use super::Request;
use super::ole::{Ole, u16_at, u32_at};
#[cfg(test)]
use crate::extract::document::Segment;
use crate::extract::document::{Category, Extraction, Notice, Part, Problem, Severity};
use fib::Fib;
use sink::Sink;

/// Reads a .doc or .wps file.
pub fn extract(request: &Request<'_>) -> Extraction {
    let ole = match Ole::open(request.bytes, request.limits) {
        Ok(ole) => ole,
        Err(error) => {
            return Extraction::failed(format!(
                "{}: {error}",
                super::ole::what(super::Format::Doc)
            ));
        }
    };
    let mut out = Extraction::default();
    read(&ole, request, "doc", &mut out);
    out
}

/// Reads the Word document in an opened compound file.
pub(crate) fn read(ole: &Ole<'_>, request: &Request<'_>, format: &str, out: &mut Extraction) {
    ole.check_length(out);
    super::ole_properties::read(ole, format, out);
    let word = match ole.read("WordDocument") {
        Ok(word) => word,
        Err(error) => {
            out.problems
                .push(Problem::failed(format!("Word document: {error}")));
            return;
        }
    };
    let fib = match fib::parse(&word) {
        Ok(fib) => fib,
        Err(error) => {
            out.problems
                .push(Problem::failed(format!("Word document: {error}")));
            return;
        }
    };
    if fib.encrypted || fib.obfuscated {
        let how = if fib.obfuscated {
            "XOR-obfuscated"
        } else {
            "encrypted (RC4)"
        };
        out.problems.push(Problem::failed(format!(
            "encrypted: the Word document is {how} with a password; it cannot be reviewed without it — remove the password and rescan"
        )));
        return;
    }
    let table = if fib.is_word97() {
        let name = if fib.table_1 { "1Table" } else { "0Table" };
        match ole.read(name) {
            Ok(table) => table,
            Err(error) => {
                out.problems.push(Problem::failed(format!(
                    "Word document: table stream {error}"
                )));
                return;
            }
        }
    } else {
        Vec::new()
    };
    let mut reader = Reader {
        word: &word,
        table: if fib.is_word97() { &table } else { &word },
        fib: &fib,
        out,
        sink: Sink::default(),
    };
    reader.read(request);
    let facts = reader.finish();
    if facts.form_fields > 0 {
        out.problems.push(Problem::partial(
            Some(Part::Body.as_str().to_owned()),
            format!(
                "{} form field(s) (check boxes, drop-down lists): their chosen values are stored outside the text and are not read — check them by hand",
                facts.form_fields
            ),
        ));
    }
    super::ole::check_macros(ole, format, out);
    super::ole_objects::read(ole, request, out);
    notices(&facts, format, out);
}

struct Reader<'a> {
    word: &'a [u8],
    table: &'a [u8],
    fib: &'a Fib,
    out: &'a mut Extraction,
    sink: Sink,
}

/// One character of the text with where it is stored.
#[derive(Clone, Copy)]
struct Ch {
    c: char,
    /// Offset in the WordDocument stream (for the formatting runs).
    fc: u32,
    /// Index of the piece (for the piece's own formatting).
    piece: u32,
}

/// Character formatting that decides the part.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Chp {
    /// The run's own `sprmCFVanish` operand (a toggle: see
    /// [`styles::apply_vanish`]); the styles decide when it is absent.
    vanish: Option<u8>,
    /// The character style applied to the run (`sprmCIstd`).
    style: Option<u16>,
    deleted: bool,
    inserted: bool,
    author_ins: Option<u16>,
    author_del: Option<u16>,
    special: bool,
}

struct Run {
    start: u32,
    end: u32,
    chp: Chp,
}

impl Reader<'_> {
    fn partial(&mut self, part: Option<Part>, message: String) {
        self.out.problems.push(Problem::partial(
            part.map(|p| p.as_str().to_owned()),
            message,
        ));
    }

    fn read(&mut self, request: &Request<'_>) {
        let total: u64 = self.fib.ccp.iter().map(|&c| c as u64).sum();
        if total > self.word.len() as u64 {
            self.partial(
                None,
                format!(
                    "the file information block declares {total} characters, more than the WordDocument stream holds ({} bytes): the file is damaged, only what is there is read",
                    self.word.len()
                ),
            );
        }
        let (chars, piece_chp) = if self.fib.is_word97() {
            match self.pieces97() {
                Ok(found) => found,
                Err(error) => {
                    self.out
                        .problems
                        .push(Problem::failed(format!("Word document: {error}")));
                    return;
                }
            }
        } else {
            self.partial(
                None,
                format!(
                    "Word 6.0/95 document (nFib {}): its text is read, but hidden text, tracked changes and comment authors are not (that formatting is not decoded for this old version) — open it in Word and save as .docx to review those",
                    self.fib.nfib
                ),
            );
            match self.pieces6() {
                Ok(found) => (found, Vec::new()),
                Err(error) => {
                    self.out
                        .problems
                        .push(Problem::failed(format!("Word document: {error}")));
                    return;
                }
            }
        };
        if chars.is_empty() && total > 0 {
            self.out.problems.push(Problem::failed(format!(
                "Word document: none of its {total} characters could be read (the piece table points outside the text)"
            )));
            return;
        }
        let formatting = if self.fib.is_word97() {
            Formatting {
                runs: self.character_runs(),
                paragraphs: self.paragraph_runs(),
                styles: self.styles(),
                piece_chp,
            }
        } else {
            Formatting {
                runs: Vec::new(),
                paragraphs: Vec::new(),
                styles: styles::Styles::default(),
                piece_chp,
            }
        };
        let authors = self.revision_authors();
        let mut start = 0usize;
        let mut ranges = [(0usize, 0usize); fib::STORIES];
        for (index, ccp) in self.fib.ccp.iter().enumerate() {
            let end = start.saturating_add(*ccp as usize);
            ranges[index] = (start.min(chars.len()), end.min(chars.len()));
            start = end;
        }
        if start > chars.len() {
            let missing = start - chars.len();
            self.partial(
                None,
                format!(
                    "the piece table covers {} characters but the stories have {start}: {missing} characters at the end (headers, comments, text boxes or the end of the body) are not read",
                    chars.len()
                ),
            );
        }
        let mut story = StoryWriter {
            chars: &chars,
            formatting: &formatting,
            authors: &authors,
            sink: &mut self.sink,
        };
        let (main_start, main_end) = ranges[fib::MAIN];
        story.write(main_start, main_end, Part::Body, None);
        let (s, e) = ranges[fib::FOOTNOTES];
        story.write(s, e, Part::Footnote, None);
        let (s, e) = ranges[fib::ENDNOTES];
        story.write(s, e, Part::Endnote, None);
        let (s, e) = ranges[fib::TEXTBOXES];
        story.write(s, e, Part::Textbox, None);
        let (s, e) = ranges[fib::HEADER_TEXTBOXES];
        story.write(s, e, Part::Textbox, Some("header text box"));
        let (s, e) = ranges[fib::MACROS];
        story.write(s, e, Part::Hidden, Some("macro text"));
        let headers = ranges[fib::HEADERS];
        let comments = ranges[fib::COMMENTS];
        self.write_headers(&chars, &formatting, &authors, headers);
        self.write_comments(&chars, &formatting, &authors, comments);
        if request.deadline.passed() {
            self.partial(
                None,
                format!(
                    "time budget of {} s exceeded (--timeout) while reading the Word document",
                    request.limits.time_budget.as_secs()
                ),
            );
        }
    }

    fn finish(self) -> sink::Facts {
        let (segments, facts) = self.sink.into_segments();
        self.out.segments.extend(segments);
        facts
    }

    /// The piece table of a Word 97+ document: every character with its
    /// stream offset, and each piece's own formatting (its Prm).
    fn pieces97(&mut self) -> Result<(Vec<Ch>, Vec<Chp>), String> {
        let (fc, lcb) = self
            .fib
            .fc_lcb(fib::CLX)
            .ok_or("no piece table (fcClx) in the file information block")?;
        let clx = self.table.get(fc..fc.saturating_add(lcb)).ok_or_else(|| {
            format!(
                "the piece table (at {fc}, {lcb} bytes) points outside the table stream ({} bytes)",
                self.table.len()
            )
        })?;
        let mut prcs = Vec::new();
        let mut at = 0usize;
        let plc = loop {
            match clx.get(at) {
                Some(1) => {
                    let cb = u16_at(clx, at + 1).ok_or("the piece table is cut short")? as usize;
                    let grpprl = clx
                        .get(at + 3..at + 3 + cb)
                        .ok_or("the piece table is cut short")?;
                    prcs.push(grpprl.to_vec());
                    at += 3 + cb;
                }
                Some(2) => {
                    let lcb = u32_at(clx, at + 1).ok_or("the piece table is cut short")? as usize;
                    break clx
                        .get(at + 5..(at + 5).saturating_add(lcb))
                        .ok_or("the piece table is cut short")?;
                }
                _ => return Err("the piece table (CLX) is malformed".into()),
            }
        };
        if plc.len() < 4 {
            return Err("the piece table is empty".into());
        }
        let count = (plc.len() - 4) / 12;
        let mut chars = Vec::new();
        let mut piece_chp = Vec::with_capacity(count);
        let mut outside = 0u64;
        let mut last_cp = 0u32;
        for index in 0..count {
            let cp_start = u32_at(plc, index * 4).unwrap_or(0);
            let cp_end = u32_at(plc, (index + 1) * 4).unwrap_or(0);
            if cp_end < cp_start || cp_start < last_cp {
                return Err(format!(
                    "the piece table's character positions go backwards at piece {index}"
                ));
            }
            last_cp = cp_end;
            let pcd = (count + 1) * 4 + index * 8;
            let fc_raw = u32_at(plc, pcd + 2).unwrap_or(0);
            let compressed = fc_raw & 0x4000_0000 != 0;
            let prm = u16_at(plc, pcd + 6).unwrap_or(0);
            let mut chp = Chp::default();
            if prm & 1 == 1
                && let Some(grpprl) = prcs.get((prm >> 1) as usize)
            {
                apply_sprms(grpprl, &mut chp);
            }
            piece_chp.push(chp);
            let fc = fc_raw & 0x3FFF_FFFF;
            let len = (cp_end - cp_start) as usize;
            if chars.len().saturating_add(len) > self.word.len().saturating_mul(2) + 16 {
                return Err(format!(
                    "the piece table declares more characters ({}) than the WordDocument stream can hold",
                    chars.len().saturating_add(len)
                ));
            }
            if compressed {
                let start = (fc / 2) as usize;
                for i in 0..len {
                    match self.word.get(start + i) {
                        Some(&byte) => chars.push(Ch {
                            c: cp1252(byte),
                            fc: (start + i) as u32,
                            piece: index as u32,
                        }),
                        None => {
                            outside += (len - i) as u64;
                            break;
                        }
                    }
                }
            } else {
                let start = fc as usize;
                let mut units = Vec::with_capacity(len);
                for i in 0..len {
                    match u16_at(self.word, start + 2 * i) {
                        Some(unit) => units.push(unit),
                        None => {
                            outside += (len - i) as u64;
                            break;
                        }
                    }
                }
                let mut position = 0usize;
                for c in char::decode_utf16(units.iter().copied()) {
                    let c = c.unwrap_or('\u{FFFD}');
                    chars.push(Ch {
                        c,
                        fc: (start + 2 * position) as u32,
                        piece: index as u32,
                    });
                    position += 1;
                    // A surrogate pair is one char for two positions: keep
                    // positions aligned with a placeholder.
                    if c.len_utf16() == 2 {
                        chars.push(Ch {
                            c: '\0',
                            fc: (start + 2 * position) as u32,
                            piece: index as u32,
                        });
                        position += 1;
                    }
                }
            }
        }
        if outside > 0 {
            self.partial(
                None,
                format!(
                    "the piece table points outside the WordDocument stream: {outside} characters are not read"
                ),
            );
        }
        Ok((chars, piece_chp))
    }

    /// Word 6/95: 8-bit text in the code page of the document's language,
    /// either from fcMin on or through a piece table in the WordDocument
    /// stream.
    fn pieces6(&mut self) -> Result<Vec<Ch>, String> {
        let codepage = self.fib.codepage();
        let total: usize = self.fib.ccp.iter().map(|&c| c as usize).sum();
        let mut chars = Vec::new();
        let push_bytes = |bytes: &[u8], chars: &mut Vec<Ch>| {
            let text = super::ole_properties::decode_codepage(bytes, codepage);
            // Positions count bytes; a double-byte character takes two, so
            // pad to keep story boundaries where Word put them.
            for c in text.chars() {
                chars.push(Ch { c, fc: 0, piece: 0 });
                if (c as u32) > 0x7F && codepage_is_double_byte(codepage) {
                    chars.push(Ch {
                        c: '\0',
                        fc: 0,
                        piece: 0,
                    });
                }
            }
        };
        if self.fib.complex
            && let Some((fc, lcb)) = self.fib.fc_lcb(fib::CLX)
        {
            let clx = self
                .word
                .get(fc..fc.saturating_add(lcb))
                .ok_or("the piece table points outside the WordDocument stream")?;
            let mut at = 0usize;
            while clx.get(at) == Some(&1) {
                let cb = u16_at(clx, at + 1).ok_or("the piece table is cut short")? as usize;
                at += 3 + cb;
            }
            if clx.get(at) != Some(&2) {
                return Err("the piece table (CLX) is malformed".into());
            }
            let lcb = u32_at(clx, at + 1).ok_or("the piece table is cut short")? as usize;
            let plc = clx
                .get(at + 5..(at + 5).saturating_add(lcb))
                .ok_or("the piece table is cut short")?;
            let count = plc.len().saturating_sub(4) / 12;
            for index in 0..count {
                let cp_start = u32_at(plc, index * 4).unwrap_or(0) as usize;
                let cp_end = u32_at(plc, (index + 1) * 4).unwrap_or(0) as usize;
                let fc = u32_at(plc, (count + 1) * 4 + index * 8 + 2).unwrap_or(0) as usize;
                let len = cp_end.saturating_sub(cp_start);
                match self.word.get(fc..fc.saturating_add(len)) {
                    Some(bytes) => push_bytes(bytes, &mut chars),
                    None => {
                        return Err("the piece table points outside the WordDocument stream".into());
                    }
                }
            }
        } else {
            let start = self.fib.fc_min as usize;
            let end = start.saturating_add(total).min(self.word.len());
            let bytes = self
                .word
                .get(start..end)
                .ok_or("the text start (fcMin) is outside the WordDocument stream")?;
            push_bytes(bytes, &mut chars);
        }
        Ok(chars)
    }

    /// Character formatting runs from the CHPX pages (PlcBteChpx).
    fn character_runs(&mut self) -> Vec<Run> {
        let Some((fc, lcb)) = self.fib.fc_lcb(fib::PLCF_BTE_CHPX) else {
            return Vec::new();
        };
        let Some(plc) = self.table.get(fc..fc.saturating_add(lcb)) else {
            self.partial(
                Some(Part::Hidden),
                "the character formatting table points outside the table stream: hidden text and tracked changes may be read as body text".into(),
            );
            return Vec::new();
        };
        let count = plc.len().saturating_sub(4) / 8;
        let mut runs = Vec::new();
        let mut bad_pages = 0usize;
        for index in 0..count {
            let pn = u32_at(plc, (count + 1) * 4 + index * 4).unwrap_or(0) & 0x3F_FFFF;
            let at = pn as usize * 512;
            let Some(page) = self.word.get(at..at + 512) else {
                bad_pages += 1;
                continue;
            };
            let crun = page[511] as usize;
            if (crun + 1) * 4 + crun > 511 {
                bad_pages += 1;
                continue;
            }
            for run in 0..crun {
                let start = u32_at(page, run * 4).unwrap_or(0);
                let end = u32_at(page, (run + 1) * 4).unwrap_or(0);
                let offset = page[(crun + 1) * 4 + run] as usize * 2;
                let mut chp = Chp::default();
                if offset != 0 && offset < 511 {
                    let cb = page[offset] as usize;
                    if let Some(grpprl) = page.get(offset + 1..offset + 1 + cb) {
                        apply_sprms(grpprl, &mut chp);
                    }
                }
                if end > start {
                    runs.push(Run { start, end, chp });
                }
            }
        }
        if bad_pages > 0 {
            self.partial(
                Some(Part::Hidden),
                format!("{bad_pages} character formatting pages point outside the WordDocument stream: hidden text and tracked changes there may be read as body text"),
            );
        }
        runs.sort_by_key(|run| run.start);
        runs
    }

    /// The style sheet, for text hidden by its style.
    fn styles(&mut self) -> styles::Styles {
        let Some((fc, lcb)) = self.fib.fc_lcb(fib::STSHF) else {
            return styles::Styles::default();
        };
        let Some(bytes) = self.table.get(fc..fc.saturating_add(lcb)) else {
            self.partial(
                Some(Part::Hidden),
                "the style sheet points outside the table stream: text hidden by its style may be read as body text".into(),
            );
            return styles::Styles::default();
        };
        let (styles, error) = styles::Styles::read(bytes);
        if let Some(error) = error {
            self.partial(
                Some(Part::Hidden),
                format!("{error}: text hidden by its style may be read as body text"),
            );
        }
        styles
    }

    /// Each paragraph's style (PlcBtePapx), for text hidden by its style.
    fn paragraph_runs(&mut self) -> Vec<styles::ParagraphRun> {
        let Some((fc, lcb)) = self.fib.fc_lcb(fib::PLCF_BTE_PAPX) else {
            return Vec::new();
        };
        let Some(plc) = self.table.get(fc..fc.saturating_add(lcb)) else {
            self.partial(
                Some(Part::Hidden),
                "the paragraph formatting table points outside the table stream: text hidden by its paragraph style may be read as body text".into(),
            );
            return Vec::new();
        };
        let (runs, bad_pages) = styles::paragraph_runs(plc, self.word);
        if bad_pages > 0 {
            self.partial(
                Some(Part::Hidden),
                format!("{bad_pages} paragraph formatting pages point outside the WordDocument stream: text hidden by its paragraph style there may be read as body text"),
            );
        }
        runs
    }

    /// Authors of tracked changes (SttbfRMark).
    fn revision_authors(&self) -> Vec<String> {
        self.fib
            .fc_lcb(fib::STTBF_RMARK)
            .and_then(|(fc, lcb)| self.table.get(fc..fc.saturating_add(lcb)))
            .map(sttb)
            .unwrap_or_default()
            .into_iter()
            .map(|a| a.trim().to_owned())
            .collect()
    }

    /// Comment authors (GrpXstAtnOwners).
    fn comment_authors(&self) -> Vec<String> {
        let Some(bytes) = self
            .fib
            .fc_lcb(fib::GRP_XST_ATN_OWNERS)
            .and_then(|(fc, lcb)| self.table.get(fc..fc.saturating_add(lcb)))
        else {
            return Vec::new();
        };
        let mut authors = Vec::new();
        let mut at = 0;
        while let Some(cch) = u16_at(bytes, at) {
            let cch = cch as usize;
            let Some(data) = bytes.get(at + 2..at + 2 + cch * 2) else {
                break;
            };
            authors.push(utf16(data));
            at += 2 + cch * 2;
        }
        authors
    }

    fn plc_cps(&self, index: usize, data_size: usize) -> Option<(Vec<u32>, &[u8])> {
        let (fc, lcb) = self.fib.fc_lcb(index)?;
        let plc = self.table.get(fc..fc.saturating_add(lcb))?;
        let count = plc.len().checked_sub(4)? / (4 + data_size);
        let cps = (0..=count).filter_map(|i| u32_at(plc, i * 4)).collect();
        Some((cps, plc.get((count + 1) * 4..)?))
    }

    fn write_headers(
        &mut self,
        chars: &[Ch],
        formatting: &Formatting,
        authors: &[String],
        (start, end): (usize, usize),
    ) {
        if start >= end {
            return;
        }
        let cps = self
            .plc_cps(fib::PLCF_HDD, 0)
            .map(|(cps, _)| cps)
            .unwrap_or_default();
        let mut story = StoryWriter {
            chars,
            formatting,
            authors,
            sink: &mut self.sink,
        };
        if cps.len() < 8 {
            // No usable header table: the whole story, as header.
            story.write(start, end, Part::Header, None);
            return;
        }
        let sections = (cps.len() - 1).saturating_sub(6).div_ceil(6);
        for index in 6..cps.len() - 1 {
            let (a, b) = (cps[index] as usize, cps[index + 1] as usize);
            if b <= a {
                continue;
            }
            let kind = (index - 6) % 6;
            let section = (index - 6) / 6 + 1;
            let (part, which) = match kind {
                0 => (Part::Header, "even pages"),
                1 => (Part::Header, "odd pages"),
                2 => (Part::Footer, "even pages"),
                3 => (Part::Footer, "odd pages"),
                4 => (Part::Header, "first page"),
                _ => (Part::Footer, "first page"),
            };
            let label = if sections > 1 {
                format!("section {section}, {which}")
            } else {
                which.to_owned()
            };
            let (a, b) = ((start + a).min(end), (start + b).min(end));
            story.write(a, b, part, Some(&label));
        }
    }

    fn write_comments(
        &mut self,
        chars: &[Ch],
        formatting: &Formatting,
        authors: &[String],
        (start, end): (usize, usize),
    ) {
        if start >= end {
            return;
        }
        let owners = self.comment_authors();
        let texts = self
            .plc_cps(fib::PLCF_AND_TXT, 0)
            .map(|(cps, _)| cps)
            .unwrap_or_default();
        let refs: Vec<Option<String>> = self
            .plc_cps(fib::PLCF_AND_REF, 30)
            .map(|(cps, data)| {
                (0..cps.len().saturating_sub(1))
                    .map(|i| {
                        u16_at(data, i * 30 + 20)
                            .and_then(|ibst| owners.get(ibst as usize))
                            .map(|a| a.trim().to_owned())
                            .filter(|a| !a.is_empty())
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut story = StoryWriter {
            chars,
            formatting,
            authors,
            sink: &mut self.sink,
        };
        // PlcfandTxt ends with a guard position past the last comment.
        let mut count = texts.len().saturating_sub(1);
        if !refs.is_empty() {
            count = count.min(refs.len());
        }
        if count == 0 {
            story.write(start, end, Part::Comment, None);
            story.sink.facts.comments += 1;
            return;
        }
        for index in 0..count {
            let (a, b) = (texts[index] as usize, texts[index + 1] as usize);
            let (a, b) = ((start + a).min(end), (start + b).min(end));
            let label = refs.get(index).cloned().flatten();
            story.write(a, b, Part::Comment, label.as_deref());
            story.sink.facts.comments += 1;
            if let Some(author) = label
                && !story.sink.facts.authors.contains(&author)
            {
                story.sink.facts.authors.push(author);
            }
        }
    }
}

struct Formatting {
    runs: Vec<Run>,
    /// Each paragraph's style, by WordDocument offset.
    paragraphs: Vec<styles::ParagraphRun>,
    styles: styles::Styles,
    /// Formatting applied by each piece's Prm (a Prc of the CLX), by piece
    /// index.
    piece_chp: Vec<Chp>,
}

impl Formatting {
    fn chp(&self, ch: &Ch) -> Chp {
        let index = self.runs.partition_point(|run| run.start <= ch.fc);
        let mut chp = if index > 0 && self.runs[index - 1].end > ch.fc {
            self.runs[index - 1].chp
        } else {
            Chp::default()
        };
        if let Some(piece) = self.piece_chp.get(ch.piece as usize) {
            merge(&mut chp, piece);
        }
        chp
    }

    /// Whether a character is hidden: by its own formatting, or else by its
    /// character style or its paragraph's style.
    fn hidden(&self, ch: &Ch, chp: &Chp) -> bool {
        let index = self.paragraphs.partition_point(|run| run.start <= ch.fc);
        let paragraph_style = (index > 0 && self.paragraphs[index - 1].end > ch.fc)
            .then(|| self.paragraphs[index - 1].style);
        let by_style = paragraph_style.is_some_and(|istd| self.styles.hides(istd))
            || chp.style.is_some_and(|istd| self.styles.hides(istd));
        styles::apply_vanish(chp.vanish, by_style)
    }
}

fn merge(into: &mut Chp, from: &Chp) {
    // The piece's formatting is applied last; a piece that says "hidden"
    // wins over a run that says nothing.
    if from.vanish.is_some() {
        into.vanish = from.vanish;
    }
    into.style = from.style.or(into.style);
    into.deleted |= from.deleted;
    into.inserted |= from.inserted;
    into.author_del = into.author_del.or(from.author_del);
    into.author_ins = into.author_ins.or(from.author_ins);
}

struct StoryWriter<'a, 'b> {
    chars: &'a [Ch],
    formatting: &'a Formatting,
    authors: &'a [String],
    sink: &'b mut Sink,
}

struct Field {
    code: String,
    in_result: bool,
}

impl StoryWriter<'_, '_> {
    fn write(&mut self, start: usize, end: usize, part: Part, label: Option<&str>) {
        let Some(chars) = self.chars.get(start..end) else {
            return;
        };
        let mut fields: Vec<Field> = Vec::new();
        let mut previous = '\0';
        for ch in chars {
            let c = ch.c;
            let chp = self.formatting.chp(ch);
            match c {
                '\u{13}' => {
                    fields.push(Field {
                        code: String::new(),
                        in_result: false,
                    });
                    previous = c;
                    continue;
                }
                '\u{14}' => {
                    if let Some(field) = fields.last_mut() {
                        field.in_result = true;
                    }
                    previous = c;
                    continue;
                }
                '\u{15}' => {
                    if let Some(field) = fields.pop() {
                        let code = field.code.split_whitespace().collect::<Vec<_>>().join(" ");
                        if code.starts_with("FORMCHECKBOX") || code.starts_with("FORMDROPDOWN") {
                            self.sink.facts.form_fields += 1;
                        }
                        if sink::field_code_worth_reporting(&code) {
                            self.sink.field_code(code);
                        }
                    }
                    previous = c;
                    continue;
                }
                _ => {}
            }
            if let Some(field) = fields.last_mut()
                && !field.in_result
            {
                if !c.is_control() {
                    field.code.push(c);
                } else if c == '\r' || c == '\u{b}' || c == '\t' {
                    field.code.push(' ');
                }
                continue;
            }
            let (target, target_label) = if chp.deleted {
                (
                    Part::Deletion,
                    chp.author_del
                        .or(chp.author_ins)
                        .and_then(|i| self.authors.get(i as usize))
                        .map(String::as_str)
                        .filter(|a| !a.is_empty()),
                )
            } else if self.formatting.hidden(ch, &chp) {
                (Part::Hidden, None)
            } else if chp.inserted {
                (
                    Part::Insertion,
                    chp.author_ins
                        .and_then(|i| self.authors.get(i as usize))
                        .map(String::as_str)
                        .filter(|a| !a.is_empty()),
                )
            } else {
                (part, label)
            };
            match c {
                '\r' | '\u{c}' => self.sink.end_paragraph(),
                '\u{b}' => self.sink.end_paragraph(),
                '\u{7}' => {
                    if previous == '\u{7}' {
                        self.sink.end_paragraph();
                    } else {
                        self.sink.push_char(target, target_label, '\t');
                    }
                }
                '\t' => self.sink.push_char(target, target_label, '\t'),
                '\u{1e}' | '\u{2011}' => self.sink.push_char(target, target_label, '-'),
                '\u{a0}' => self.sink.push_char(target, target_label, ' '),
                c if c.is_control() || c == '\u{FFFD}' && chp.special => {}
                c => self.sink.push_char(target, target_label, c),
            }
            previous = c;
        }
        self.sink.end_paragraph();
    }
}

/// Reads the sprms that decide the part of a run.
fn apply_sprms(grpprl: &[u8], chp: &mut Chp) {
    let toggle = |operand: &[u8]| matches!(operand.first(), Some(1) | Some(0x81));
    each_sprm(grpprl, |sprm, operand| match sprm {
        0x0800 => chp.deleted = toggle(operand),
        0x0801 => chp.inserted = toggle(operand),
        0x083C => chp.vanish = operand.first().copied(),
        0x0855 => chp.special = toggle(operand),
        0x4804 => chp.author_ins = u16_at(operand, 0),
        0x4863 => chp.author_del = u16_at(operand, 0),
        0x4A30 => chp.style = u16_at(operand, 0),
        _ => {}
    });
}

/// Calls `each` with every sprm of a grpprl and its operand bytes (cut
/// short at the end of the grpprl).
fn each_sprm(grpprl: &[u8], mut each: impl FnMut(u16, &[u8])) {
    let mut at = 0usize;
    while at + 2 <= grpprl.len() {
        let sprm = u16::from_le_bytes([grpprl[at], grpprl[at + 1]]);
        let operand = at + 2;
        let size = match sprm >> 13 {
            0 | 1 => 1,
            2 | 4 | 5 => 2,
            3 => 4,
            7 => 3,
            _ => {
                if sprm == 0xD608 {
                    u16_at(grpprl, operand).map_or(usize::MAX, |n| n as usize + 1)
                } else {
                    grpprl.get(operand).map_or(usize::MAX, |&n| n as usize + 1)
                }
            }
        };
        if size == usize::MAX {
            break;
        }
        let end = operand.saturating_add(size).min(grpprl.len());
        each(sprm, grpprl.get(operand..end).unwrap_or(&[]));
        at = operand.saturating_add(size);
    }
}

/// An STTB of UTF-16 strings (extended form, as every Word 97+ writer uses).
fn sttb(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    if u16_at(bytes, 0) != Some(0xFFFF) {
        return out;
    }
    let count = u16_at(bytes, 2).unwrap_or(0) as usize;
    let extra = u16_at(bytes, 4).unwrap_or(0) as usize;
    let mut at = 6;
    for _ in 0..count {
        let Some(cch) = u16_at(bytes, at) else { break };
        let cch = cch as usize;
        let Some(data) = bytes.get(at + 2..at + 2 + cch * 2) else {
            break;
        };
        out.push(utf16(data));
        at += 2 + cch * 2 + extra;
    }
    out
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    String::from_utf16_lossy(&units)
}

fn cp1252(byte: u8) -> char {
    if byte < 0x80 {
        return byte as char;
    }
    let bytes = [byte];
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
    text.chars().next().unwrap_or('\u{FFFD}')
}

fn codepage_is_double_byte(codepage: u16) -> bool {
    matches!(codepage, 932 | 936 | 949 | 950)
}

fn notices(facts: &sink::Facts, format: &str, out: &mut Extraction) {
    let mut pending = Vec::new();
    if facts.comments > 0 {
        pending.push(plural(facts.comments, "comment", "comments"));
    }
    if facts.revisions > 0 {
        pending.push(plural(facts.revisions, "tracked change", "tracked changes"));
    }
    if !pending.is_empty() {
        let by = if facts.authors.is_empty() {
            String::new()
        } else {
            format!(" (by {})", facts.authors.join(", "))
        };
        out.notices.push(Notice {
            rule: format!("hidden.{format}.revisions"),
            category: Category::Hidden,
            severity: Severity::Review,
            message: format!(
                "{}{by} must be resolved before publishing",
                pending.join(" and ")
            ),
            part: if facts.comments > 0 {
                Part::Comment
            } else {
                Part::Deletion
            },
            page: None,
            text: facts.authors.join(", "),
        });
    }
    if facts.hidden_passages > 0 {
        let text: String = facts
            .first_hidden
            .clone()
            .unwrap_or_default()
            .chars()
            .take(80)
            .collect();
        out.notices.push(Notice {
            rule: format!("hidden.{format}.hidden-text"),
            category: Category::Hidden,
            severity: Severity::Review,
            message: format!(
                "{} hidden text: it is not printed but is published with the file; delete it or make it visible",
                plural(facts.hidden_passages, "passage of", "passages of")
            ),
            part: Part::Hidden,
            page: None,
            text,
        });
    }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

/// Segment helper used by the tests.
#[cfg(test)]
fn texts(out: &Extraction, part: Part) -> Vec<String> {
    out.segments
        .iter()
        .filter(|s: &&Segment| s.part == part)
        .map(|s| s.text.clone())
        .collect()
}

#[cfg(test)]
mod tests;
