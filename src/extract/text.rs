//! Plain text: `.txt`, `.md`, `.csv`, `.log` and anything that sniffs as text.
//!
//! Encoding, decided in this order:
//!
//! 1. A byte-order mark: UTF-8, UTF-16LE/BE, UTF-32LE/BE (`FF FE 00 00` is
//!    UTF-32LE only when the rest reads as UTF-32; otherwise it is UTF-16LE
//!    starting with U+0000).
//! 2. Valid UTF-8 is UTF-8.
//! 3. UTF-32 and UTF-16 without a BOM, told by where their zero bytes are
//!    (every fourth byte, or every other byte, of ASCII-heavy text).
//! 4. UTF-8 with a few damaged bytes (most non-ASCII bytes form valid UTF-8
//!    sequences) is UTF-8, its bad bytes reported: a single-byte encoding
//!    such as windows-1252 reads every byte "cleanly", so a UTF-8 notice with
//!    one bad byte was read as mojibake, reported complete, and passed.
//! 5. Otherwise a legacy encoding. chardetng gives one guess and no
//!    confidence, and its guess follows the top-level-domain hint it is
//!    given (with `.cn` Big5 text comes back GBK, with `.tw` GBK comes back
//!    Big5, and with none a short GBK `秘密` is EUC-KR). So the guesses with
//!    no hint, `.cn` and `.tw` are all taken, together with GB18030 and
//!    Big5 themselves; candidates whose decoding hits malformed bytes are
//!    dropped, and each Chinese candidate is scored by the share of its
//!    ideographs that are among the ~700 most common Chinese characters (in
//!    simplified and traditional forms). A GBK text read as Big5, or Big5 as
//!    GBK, is a string of rare characters, kana and private-use code points,
//!    so the right reading scores several times the wrong one.
//!
//! A guess that is not clearly the right one — two readings that both decode
//! and neither of which is plausibly Chinese, or two plausible ones close
//! together — makes the extraction `partial` ("encoding uncertain: decoded as
//! X, could be Y"). Bytes that do not decode make it `partial` too: the text
//! around them is still reviewed, but the document is never `pass`.

use super::Request;
use crate::extract::document::{Extraction, Part, Problem, Segment};
use encoding_rs::{BIG5, Encoding, GB18030, GBK, UTF_8, UTF_16BE, UTF_16LE};

pub fn extract(request: &Request<'_>) -> Extraction {
    extraction_of(decode_text(request.bytes))
}

/// [`extract`] for bytes the caller gives up, so that a large text file is
/// not in memory twice while it is read: valid UTF-8 becomes the text as it
/// is, without a copy.
pub fn extract_owned(bytes: Vec<u8>) -> Extraction {
    extraction_of(decode_owned(bytes))
}

fn extraction_of(decoded: Decoded) -> Extraction {
    let mut extraction = Extraction {
        encoding: Some(decoded.name.to_owned()),
        ..Extraction::default()
    };
    for problem in decoded.problems(Part::Body.as_str()) {
        extraction.problems.push(problem);
    }
    extraction.push(Segment::new(Part::Body, decoded.text));
    extraction
}

/// Text bytes decoded, with what is known about how well.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// The encoding used, as encoding_rs names it ("UTF-8", "gb18030",
    /// "Big5") or "UTF-32LE"/"UTF-32BE".
    pub name: &'static str,
    /// The encoding_rs encoding used; `None` for UTF-32, which encoding_rs
    /// does not have.
    pub encoding: Option<&'static Encoding>,
    /// Some bytes were malformed and replaced with U+FFFD.
    pub had_errors: bool,
    /// Why the encoding is a guess that may be wrong ("decoded as X, could
    /// be Y"), when it is.
    pub uncertain: Option<String>,
}

impl Decoded {
    /// The problems this decoding makes for `part`: malformed bytes, an
    /// uncertain guess.
    pub fn problems(&self, part: &str) -> Vec<Problem> {
        let mut problems = Vec::new();
        if self.had_errors {
            problems.push(Problem::partial(
                Some(part.to_owned()),
                format!(
                    "some bytes are not valid {}: they were replaced with U+FFFD and the text around them may be misread",
                    self.name
                ),
            ));
        }
        if let Some(why) = &self.uncertain {
            problems.push(Problem::partial(
                Some(part.to_owned()),
                format!("encoding uncertain: {why}; the text may be misread, check it by hand"),
            ));
        }
        problems
    }

    fn of(text: String, encoding: &'static Encoding, had_errors: bool) -> Decoded {
        Decoded {
            text,
            name: encoding.name(),
            encoding: Some(encoding),
            had_errors,
            uncertain: None,
        }
    }
}

/// Decodes text bytes, returning the text, the encoding used and whether any
/// bytes were malformed or the encoding is an uncertain guess.
///
/// For UTF-32, which encoding_rs does not have, the encoding returned is
/// UTF-8 (that of the text returned); [`decode_text`] names it.
pub fn decode(bytes: &[u8]) -> (String, &'static Encoding, bool) {
    let decoded = decode_text(bytes);
    let flagged = decoded.had_errors || decoded.uncertain.is_some();
    (decoded.text, decoded.encoding.unwrap_or(UTF_8), flagged)
}

/// Decodes text bytes of unknown encoding (see the module documentation).
pub fn decode_text(bytes: &[u8]) -> Decoded {
    if let Some(decoded) = utf32_with_bom(bytes) {
        return decoded;
    }
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_length..]);
        return Decoded::of(text.into_owned(), encoding, had_errors);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded::of(text.to_owned(), UTF_8, false);
    }
    if let Some(decoded) = wide_without_bom(bytes) {
        return decoded;
    }
    if let Some(decoded) = damaged_utf8(bytes) {
        return decoded;
    }
    legacy(bytes)
}

/// [`decode_text`] of bytes the caller gives up: valid UTF-8 without a byte
/// order mark (read the same way by [`decode_text`]: no other mark is
/// valid UTF-8) is the text itself.
pub fn decode_owned(bytes: Vec<u8>) -> Decoded {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return decode_text(&bytes);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Decoded::of(text, UTF_8, false),
        Err(error) => decode_text(error.as_bytes()),
    }
}

/// Valid UTF-8 sequences needed (non-ASCII bytes in them), and how many
/// times the damaged bytes they must outnumber, to read bytes as damaged
/// UTF-8. Text in GBK or Big5 forms a valid multi-byte UTF-8 sequence only
/// by chance, and rarely twice in a row; three CJK characters are nine.
const UTF8_BYTES_NEEDED: usize = 9;
const UTF8_AHEAD: usize = 4;

/// Bytes that are UTF-8 apart from a few malformed sequences, decoded as
/// UTF-8 with the errors flagged (so the extraction is partial).
fn damaged_utf8(bytes: &[u8]) -> Option<Decoded> {
    let mut valid = 0usize;
    let mut invalid = 0usize;
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(good) => {
                valid += good.bytes().filter(|b| !b.is_ascii()).count();
                break;
            }
            Err(error) => {
                let (good, after) = rest.split_at(error.valid_up_to());
                valid += good.iter().filter(|b| !b.is_ascii()).count();
                let bad = error.error_len().unwrap_or(after.len());
                invalid += bad;
                rest = &after[bad..];
            }
        }
    }
    if valid < UTF8_BYTES_NEEDED || valid < invalid.saturating_mul(UTF8_AHEAD) {
        return None;
    }
    let text = String::from_utf8_lossy(bytes).into_owned();
    Some(Decoded::of(text, UTF_8, true))
}

/// Whether the bytes look like UTF-32 or UTF-16 without a BOM: a pattern of
/// zero bytes that 8-bit text never has. Format detection uses it to read
/// such files as text at all.
pub fn looks_wide(head: &[u8]) -> bool {
    utf32_pattern(head).is_some() || utf16_pattern(head).is_some()
}

/// Byte order of UTF-32 text without a BOM: every code point is below
/// U+110000, so one byte of each four is always zero and the next is at
/// most 0x10 — and the code points are those of text, mostly in the basic
/// plane (a binary blob can have the zero bytes too).
fn utf32_pattern(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(4096) / 4 * 4];
    let units = sample.len() / 4;
    if units < 4 {
        return None;
    }
    let textual = |little: bool| {
        let mut basic = 0;
        for chunk in sample.chunks_exact(4) {
            let array = [chunk[0], chunk[1], chunk[2], chunk[3]];
            let value = if little {
                u32::from_le_bytes(array)
            } else {
                u32::from_be_bytes(array)
            };
            match char::from_u32(value) {
                Some(c) if plausible_in_text(c) => basic += usize::from(value < 0x1_0000),
                _ => return false,
            }
        }
        basic * 10 >= units * 9
    };
    match (textual(true), textual(false)) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// Byte order of UTF-16 text without a BOM: text with ASCII in it has a
/// zero high byte in many code units, all on one side, and its code units
/// are those of text.
fn utf16_pattern(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(4096) / 2 * 2];
    let units = sample.len() / 2;
    if units < 8 {
        return None;
    }
    let even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    let little = if odd * 4 >= units && even * 8 <= odd {
        true
    } else if even * 4 >= units && odd * 8 <= even {
        false
    } else {
        return None;
    };
    let units = sample.chunks_exact(2).map(|pair| {
        if little {
            u16::from_le_bytes([pair[0], pair[1]])
        } else {
            u16::from_be_bytes([pair[0], pair[1]])
        }
    });
    // A unit cut at the end of the sample is not an error.
    let textual = char::decode_utf16(units)
        .take(sample.len() / 2 - 1)
        .all(|c| c.is_ok_and(plausible_in_text));
    textual.then_some(little)
}

/// Not a control character other than white space, not a noncharacter.
fn plausible_in_text(c: char) -> bool {
    let code = c as u32;
    let control = c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}');
    let noncharacter = (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE;
    !control && !noncharacter
}

fn utf32_with_bom(bytes: &[u8]) -> Option<Decoded> {
    let little = if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) {
        true
    } else if bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        false
    } else {
        return None;
    };
    let body = &bytes[4..];
    // FF FE 00 00 is also UTF-16LE text that starts with U+0000: UTF-32
    // unless its whole units are not UTF-32 (a cut last unit is truncation).
    if little
        && body
            .chunks_exact(4)
            .any(|c| char::from_u32(u32::from_le_bytes([c[0], c[1], c[2], c[3]])).is_none())
    {
        return None;
    }
    Some(utf32(body, little))
}

fn utf32(bytes: &[u8], little: bool) -> Decoded {
    let mut text = String::with_capacity(bytes.len());
    let mut had_errors = !bytes.len().is_multiple_of(4);
    for chunk in bytes.chunks_exact(4) {
        let array = [chunk[0], chunk[1], chunk[2], chunk[3]];
        let value = if little {
            u32::from_le_bytes(array)
        } else {
            u32::from_be_bytes(array)
        };
        match char::from_u32(value) {
            Some(c) => text.push(c),
            None => {
                had_errors = true;
                text.push('\u{FFFD}');
            }
        }
    }
    if !bytes.len().is_multiple_of(4) {
        text.push('\u{FFFD}');
    }
    Decoded {
        text,
        name: if little { "UTF-32LE" } else { "UTF-32BE" },
        encoding: None,
        had_errors,
        uncertain: None,
    }
}

fn wide_without_bom(bytes: &[u8]) -> Option<Decoded> {
    if let Some(little) = utf32_pattern(bytes) {
        let decoded = utf32(bytes, little);
        if !decoded.had_errors {
            return Some(decoded);
        }
    }
    if let Some(little) = utf16_pattern(bytes) {
        let encoding = if little { UTF_16LE } else { UTF_16BE };
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
        if !had_errors {
            return Some(Decoded::of(text.into_owned(), encoding, false));
        }
    }
    None
}

/// A candidate reading of legacy-encoded bytes.
struct Reading {
    encoding: &'static Encoding,
    text: String,
    had_errors: bool,
    /// Share of CJK ideographs (and private-use, kana and Hangul, which a
    /// Chinese text read in the wrong encoding is full of) that are common
    /// Chinese characters; `None` with no such characters at all.
    plausibility: Option<f64>,
}

impl Reading {
    /// Reads the sample; `last` when it is the whole file (otherwise a
    /// character cut at its end is not an error).
    fn of(encoding: &'static Encoding, sample: &[u8], last: bool) -> Reading {
        let mut decoder = encoding.new_decoder_without_bom_handling();
        let mut text = String::with_capacity(
            decoder
                .max_utf8_buffer_length(sample.len())
                .unwrap_or(sample.len() * 3),
        );
        let (_, _, had_errors) = decoder.decode_to_string(sample, &mut text, last);
        let plausibility = chinese_plausibility(&text);
        Reading {
            encoding,
            text,
            had_errors,
            plausibility,
        }
    }

    fn chinese(&self) -> bool {
        self.encoding == GB18030 || self.encoding == BIG5
    }
}

/// A Chinese reading at least this plausible, and this many times as
/// plausible as any other, is taken as certain. Measured: real text scores
/// 0.5–1.0; GBK read as Big5 or Big5 as GBK 0–0.2.
const PLAUSIBLE: f64 = 0.35;
const CLEARLY_AHEAD: f64 = 2.0;

fn legacy(bytes: &[u8]) -> Decoded {
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(sample, sample.len() == bytes.len());
    let guess = |tld: Option<&[u8]>| widen(detector.guess(tld, chardetng::Utf8Detection::Allow));
    let generic = guess(None);
    let simplified = guess(Some(b"cn"));
    let traditional = guess(Some(b"tw"));
    let mut encodings = vec![generic, simplified, traditional, GB18030, BIG5];
    let mut seen = Vec::new();
    encodings.retain(|e| {
        let new = !seen.contains(e);
        seen.push(*e);
        new
    });
    // Candidates are judged on the sample; the one chosen reads the whole.
    let last = sample.len() == bytes.len();
    let readings: Vec<Reading> = encodings
        .iter()
        .map(|e| Reading::of(e, sample, last))
        .collect();
    let whole = |encoding: &'static Encoding| {
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
        Decoded::of(text.into_owned(), encoding, had_errors)
    };
    let clean: Vec<&Reading> = readings.iter().filter(|r| !r.had_errors).collect();
    if clean.is_empty() {
        // Nothing reads cleanly: the hinted guess, as before, with its
        // errors reported.
        return Decoded {
            had_errors: true,
            ..whole(simplified)
        };
    }
    let score = |r: &Reading| r.plausibility.unwrap_or(0.0);
    // The most plausible clean Chinese reading.
    let best_chinese = clean
        .iter()
        .filter(|r| r.chinese())
        .max_by(|a, b| score(a).total_cmp(&score(b)))
        .copied();
    if let Some(best) = best_chinese
        && score(best) >= PLAUSIBLE
    {
        let rival = clean
            .iter()
            .filter(|r| r.chinese() && r.encoding != best.encoding)
            .find(|r| score(r) * CLEARLY_AHEAD > score(best));
        let uncertain = rival.map(|r| {
            format!(
                "decoded as {}, could be {} (both read as plausible Chinese)",
                best.encoding.name(),
                r.encoding.name()
            )
        });
        return Decoded {
            uncertain,
            ..whole(best.encoding)
        };
    }
    // No plausible Chinese reading: chardetng's own guess if it reads
    // cleanly, else the first that does — uncertain whenever another
    // encoding reads the same bytes cleanly and differently.
    let chosen = clean
        .iter()
        .find(|r| r.encoding == generic)
        .or_else(|| clean.iter().find(|r| r.encoding == simplified))
        .copied()
        .unwrap_or(clean[0]);
    let others: Vec<&str> = clean
        .iter()
        .filter(|r| r.encoding != chosen.encoding && r.text != chosen.text)
        .map(|r| r.encoding.name())
        .collect();
    let uncertain = (!others.is_empty()).then(|| {
        format!(
            "decoded as {}, could be {}",
            chosen.encoding.name(),
            others.join(" or ")
        )
    });
    Decoded {
        uncertain,
        ..whole(chosen.encoding)
    }
}

/// GBK is read as GB18030, its superset; chardetng cannot tell UTF-16
/// without a BOM (handled before this) and never returns it for legacy
/// bytes, but if it did GB18030 stands in as before.
fn widen(encoding: &'static Encoding) -> &'static Encoding {
    if encoding == GBK || encoding == UTF_16LE || encoding == UTF_16BE {
        GB18030
    } else {
        encoding
    }
}

/// The share of "Chinese-looking" characters that are common Chinese
/// characters, or `None` when there are none.
fn chinese_plausibility(text: &str) -> Option<f64> {
    let mut total = 0usize;
    let mut common = 0usize;
    for c in text.chars() {
        let code = c as u32;
        let counts = matches!(code,
            0x3040..=0x30FF      // kana
            | 0x3400..=0x4DBF    // CJK extension A
            | 0x4E00..=0x9FFF    // CJK unified ideographs
            | 0xAC00..=0xD7A3    // Hangul syllables
            | 0xE000..=0xF8FF    // private use
            | 0xF900..=0xFAFF    // compatibility ideographs
            | 0xFF61..=0xFF9F    // half-width katakana
            | 0x20000..=0x3FFFF) // supplementary ideographs
            || c == '\u{FFFD}';
        if counts {
            total += 1;
            if common_chinese().binary_search(&c).is_ok() {
                common += 1;
            }
        }
    }
    (total > 0).then(|| common as f64 / total as f64)
}

/// [`COMMON_CHINESE`] as a sorted list, for binary search.
fn common_chinese() -> &'static [char] {
    static SORTED: std::sync::LazyLock<Vec<char>> = std::sync::LazyLock::new(|| {
        let mut chars: Vec<char> = COMMON_CHINESE
            .iter()
            .flat_map(|line| line.chars())
            .collect();
        chars.sort_unstable();
        chars.dedup();
        chars
    });
    &SORTED
}

/// About 700 of the most frequent characters of Chinese prose and official
/// documents, simplified and traditional forms both, in code point order.
const COMMON_CHINESE: &[&str] = &[
    "一七万三上下不与专且世业东两並个中为主么义之乐九也乡书了争事二于五些交产京亲人什",
    "今从他代令以们件任众会传似但位住体何作你使來便保信個們倒候做健傳像儿元先光克兒党",
    "入內全兩八公六共关兵其内再写军农决冷准几出分切则別利别到制則前力办功加务动動務包",
    "化北区區十千半华单南卫印即却卻厅历原去县又及友双反发取受变口只叫可台史司吃各合同",
    "名后向听告员呢周命和品員商問喜單四回因团国國團在地场坐城域基報場境士声处外多大天",
    "太夫失头女她好如始委子字存学孩學它安完官定宝实室家容密實寫寶对导将將專對導小少就",
    "尽局展山工己已市布师带師帶常干平年并幾广应府度康廣廳建开式弟张張強强当形影往很後",
    "得從微德心必志快怎怕思性总息情想意愛感應成我或战戰房所手才打找技把护报拉拿持指据",
    "接提據收改放政教数數文料斯新方於无日早时明是時更書曾最會月有服望期未本术机杀权李",
    "村条来東极林果校样根格條業極樂樣機權次正此步武歷死段殺母每比毛民气氣水求江決沒没",
    "治法注活派流济海深清準满滿濟灣火点為無然爭爱父片版物特王环现現理環甚生產用由申电",
    "界留當發白百的盡目直相省看真眼眾着知石研示社祕神离种科秘程種究空立站笑第等算管精",
    "系紀紅級終組結絕給統經網編縣總繫红级纪组终经结给绝统编网美義老者而联聯聲聽育能脸",
    "臉自至臺與色花若英華萬落著處虽行術街衛表被裡西要見規視親覺觀见观规视觉解言計記設",
    "許話該認語說誰調談請論講識議護讀變讓计认让议记讲许论设识话该语说请读谁调谈象財資",
    "财资走起越跟路身車軍輕輸轉车转轻输辦農边达过运近还这进远连這通造連進運過道達遠還",
    "邊那部都鄉里重量金錢鎮钱镇長长門開間關门问间队附际院隊随際隨难集雖雙離難電青非面",
    "革音項領頭題项领题風风飛飞首香馬马體高麼黃黄黑點黨",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let (text, encoding, errors) = decode("机密★1年".as_bytes());
        assert_eq!(
            (text.as_str(), encoding.name(), errors),
            ("机密★1年", "UTF-8", false)
        );
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend("内部资料".as_bytes());
        assert_eq!(decode(&with_bom).0, "内部资料");
    }

    #[test]
    fn gbk_is_detected() {
        let (bytes, _, _) =
            GB18030.encode("关于加强保密工作的通知：本文件为秘密★5年，内部资料注意保存。");
        let (text, encoding, errors) = decode(&bytes);
        assert_eq!(encoding.name(), "gb18030");
        assert!(!errors);
        assert!(text.contains("秘密★5年"));
    }

    #[test]
    fn short_gbk_and_big5_are_told_apart() {
        for text in [
            "秘密",
            "秘密★5年",
            "機密文件",
            "本文件為秘密★5年，請各單位注意保存，不得外傳。",
        ] {
            for encoding in [GBK, BIG5] {
                let (bytes, _, unmappable) = encoding.encode(text);
                assert!(!unmappable);
                let decoded = decode_text(&bytes);
                assert_eq!(decoded.text, text, "{text} in {}", encoding.name());
                assert_eq!(decoded.uncertain, None, "{text} in {}", encoding.name());
                assert!(!decoded.had_errors);
            }
        }
    }

    #[test]
    fn big5_is_decoded_as_big5() {
        let text = "臺灣省政府關於加強保密工作的通知：本文件屬於秘密★5年，請各單位注意保存。";
        let (bytes, _, _) = BIG5.encode(text);
        let decoded = decode_text(&bytes);
        assert_eq!(decoded.name, "Big5");
        assert_eq!(decoded.text, text);
        assert_eq!(decoded.problems("body"), []);
    }

    #[test]
    fn a_guess_that_is_not_chinese_and_not_alone_is_uncertain() {
        // Korean: no plausible Chinese reading, and GBK also decodes it.
        let (bytes, _, _) = encoding_rs::EUC_KR.encode("비밀 문서입니다 이 문서는 내부 자료입니다");
        let decoded = decode_text(&bytes);
        let why = decoded.uncertain.clone().expect("uncertain");
        assert!(why.starts_with("decoded as EUC-KR, could be"), "{why}");
        let problems = decoded.problems("body");
        assert!(
            problems[0]
                .message
                .starts_with("encoding uncertain: decoded as EUC-KR")
        );
        // Latin-1 prose is read alone: no other encoding reads it the same
        // way cleanly except the Chinese ones, which fail on its bytes.
        let latin = encoding_rs::WINDOWS_1252
            .encode("Café crème, déjà vu à la française.")
            .0;
        assert_eq!(
            decode_text(&latin).text,
            "Café crème, déjà vu à la française."
        );
    }

    #[test]
    fn bytes_past_the_detection_sample_are_still_checked() {
        let line = "关于加强保密工作的通知：本文件为秘密★5年，内部资料注意保存。\n";
        let mut bytes = GB18030.encode(&line.repeat(3_000)).0.into_owned();
        assert!(bytes.len() > 64 * 1024);
        bytes.extend([0x81, 0x20]);
        let decoded = decode_text(&bytes);
        assert_eq!(decoded.name, "gb18030");
        assert!(decoded.had_errors, "the malformed tail is seen");
        assert!(decoded.text.starts_with(line));
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("秘密".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&bytes).0, "秘密");
    }

    #[test]
    fn utf32_with_and_without_bom() {
        let text = "机密★1年 TOP SECRET";
        let le: Vec<u8> = text
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        let be: Vec<u8> = text
            .chars()
            .flat_map(|c| (c as u32).to_be_bytes())
            .collect();
        for (bom, body, name) in [
            (&[0xFF, 0xFE, 0, 0][..], &le, "UTF-32LE"),
            (&[0, 0, 0xFE, 0xFF][..], &be, "UTF-32BE"),
            (&[][..], &le, "UTF-32LE"),
            (&[][..], &be, "UTF-32BE"),
        ] {
            let bytes = [bom, body.as_slice()].concat();
            let decoded = decode_text(&bytes);
            assert_eq!((decoded.text.as_str(), decoded.name), (text, name));
            assert_eq!(decoded.problems("body"), []);
        }
        // UTF-16LE that begins with U+0000 is not UTF-32.
        let mut utf16 = vec![0xFF, 0xFE, 0, 0];
        utf16.extend("秘密文".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode_text(&utf16).text, "\0秘密文");
        // A truncated UTF-32 file is partial.
        let mut cut = vec![0xFF, 0xFE, 0, 0];
        cut.extend(&le[..le.len() - 2]);
        let decoded = decode_text(&cut);
        assert_eq!(decoded.name, "UTF-32LE");
        assert!(decoded.had_errors);
    }

    #[test]
    fn utf16_without_bom() {
        let text = "Notice 通知: SECRET 机密 level 1";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode_text(&le).text, text);
        assert_eq!(decode_text(&le).name, "UTF-16LE");
        assert_eq!(decode_text(&be).text, text);
        assert!(looks_wide(&le) && looks_wide(&be));
        assert!(!looks_wide(b"plain ascii text here"));
    }

    #[test]
    fn utf8_with_a_damaged_byte_is_utf8_with_errors() {
        // windows-1252 reads every byte: this was mojibake, complete.
        let mut bytes = "关于做好防汛工作的通知\n机密★1年\n".as_bytes().to_vec();
        bytes.splice(6..6, [0xFF, 0xFE]);
        let decoded = decode_text(&bytes);
        assert_eq!(decoded.name, "UTF-8");
        assert!(decoded.had_errors);
        assert!(decoded.text.contains("机密★1年"), "{}", decoded.text);
        // GBK text is not taken for damaged UTF-8.
        let (gbk, _, _) =
            GB18030.encode("关于加强保密工作的通知：本文件为秘密★5年，内部资料注意保存。");
        assert_eq!(decode_text(&gbk).name, "gb18030");
    }

    #[test]
    fn malformed_bytes_make_extraction_partial() {
        let limits = crate::extract::limits::Limits::default();
        let request = Request {
            bytes: &[0xEF, 0xBB, 0xBF, b'a', 0xFF, b'b'],
            name: "x.txt",
            limits: &limits,
            deadline: crate::extract::limits::Deadline::never(),
            passwords: &[],
        };
        let extraction = extract(&request);
        assert_eq!(
            extraction.status(),
            crate::extract::document::ExtractionStatus::Partial
        );
    }
}
