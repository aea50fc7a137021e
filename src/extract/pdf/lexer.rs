//! A tolerant tokenizer for PDF content streams and CMap programs.
//!
//! lopdf's content parser stops at the first syntax error and drops the rest
//! of the stream silently, and it cannot skip inline images with filters. A
//! reviewer's extractor must keep going: a stray byte is skipped, a broken
//! inline image is stepped over, and everything after it is still read.
//!
//! The lexer hands out one operation at a time (operands, then the operator),
//! reusing the caller's operand vector so the hot loop does not allocate for
//! numbers and names.

/// One operand of a content-stream operator.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    Number(f64),
    Name(Vec<u8>),
    /// A literal or hex string, already unescaped.
    String(Vec<u8>),
    Array(Vec<Operand>),
    Dict(Vec<(Vec<u8>, Operand)>),
    Bool(bool),
    Null,
}

impl Operand {
    pub fn number(&self) -> Option<f64> {
        match self {
            Operand::Number(value) => Some(*value),
            _ => None,
        }
    }

    pub fn name(&self) -> Option<&[u8]> {
        match self {
            Operand::Name(name) => Some(name),
            _ => None,
        }
    }

    pub fn string(&self) -> Option<&[u8]> {
        match self {
            Operand::String(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// A value from a dictionary operand (inline image or marked-content
    /// properties).
    pub fn get(&self, key: &[u8]) -> Option<&Operand> {
        match self {
            Operand::Dict(entries) => entries
                .iter()
                .find(|(name, _)| name == key)
                .map(|(_, value)| value),
            _ => None,
        }
    }
}

/// Arrays and dictionaries nested deeper than this are skipped: real content
/// never nests more than two levels, and a deep nest is an attack on the stack.
const MAX_NESTING: usize = 32;

/// Operands kept for one content-stream operator; more is garbage.
const MAX_OPERANDS: usize = 64;
/// Operands kept for one CMap keyword: a `bfchar` section has up to 200.
const MAX_CMAP_OPERANDS: usize = 1 << 20;

/// Elements kept in one array or dictionary operand.
const MAX_ARRAY_LENGTH: usize = 1 << 20;

pub struct Lexer<'a> {
    bytes: &'a [u8],
    position: usize,
    max_operands: usize,
}

/// What the lexer produced next.
enum Token<'a> {
    Operand(Operand),
    Operator(&'a [u8]),
    ArrayEnd,
    DictEnd,
    /// A byte that fits nothing; skipped.
    Junk,
}

fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn is_delimiter(byte: u8) -> bool {
    matches!(
        byte,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(byte: u8) -> bool {
    !is_whitespace(byte) && !is_delimiter(byte)
}

impl<'a> Lexer<'a> {
    pub fn new(bytes: &'a [u8]) -> Lexer<'a> {
        Lexer {
            bytes,
            position: 0,
            max_operands: MAX_OPERANDS,
        }
    }

    /// A lexer for CMap programs, whose sections pass hundreds of operands
    /// to one keyword.
    pub fn for_cmap(bytes: &'a [u8]) -> Lexer<'a> {
        Lexer {
            max_operands: MAX_CMAP_OPERANDS,
            ..Lexer::new(bytes)
        }
    }

    /// Reads operands into `operands` (cleared first) up to the next
    /// operator and returns the operator, or `None` at the end of the stream.
    ///
    /// An inline image (`BI … ID data EI`) comes back as operator `BI` with
    /// its dictionary as the only operand; the image data is skipped.
    pub fn next_operation(&mut self, operands: &mut Vec<Operand>) -> Option<&'a [u8]> {
        operands.clear();
        loop {
            let token = self.token(0)?;
            match token {
                Token::Operand(operand) => {
                    if operands.len() < self.max_operands {
                        operands.push(operand);
                    }
                }
                Token::Operator(b"BI") => {
                    operands.clear();
                    let dict = self.inline_image();
                    operands.push(dict);
                    return Some(b"BI");
                }
                Token::Operator(operator) => return Some(operator),
                Token::ArrayEnd | Token::DictEnd | Token::Junk => {}
            }
        }
    }

    fn skip_whitespace_and_comments(&mut self) {
        while let Some(&byte) = self.bytes.get(self.position) {
            if is_whitespace(byte) {
                self.position += 1;
            } else if byte == b'%' {
                while let Some(&byte) = self.bytes.get(self.position) {
                    if byte == b'\r' || byte == b'\n' {
                        break;
                    }
                    self.position += 1;
                }
            } else {
                break;
            }
        }
    }

    fn token(&mut self, depth: usize) -> Option<Token<'a>> {
        self.skip_whitespace_and_comments();
        let byte = *self.bytes.get(self.position)?;
        let token = match byte {
            b'/' => {
                self.position += 1;
                Token::Operand(Operand::Name(self.name()))
            }
            b'(' => {
                self.position += 1;
                Token::Operand(Operand::String(self.literal_string()))
            }
            b'<' => {
                if self.bytes.get(self.position + 1) == Some(&b'<') {
                    self.position += 2;
                    if depth >= MAX_NESTING {
                        return Some(Token::Junk);
                    }
                    Token::Operand(self.dict(depth + 1))
                } else {
                    self.position += 1;
                    Token::Operand(Operand::String(self.hex_string()))
                }
            }
            b'>' => {
                if self.bytes.get(self.position + 1) == Some(&b'>') {
                    self.position += 2;
                    Token::DictEnd
                } else {
                    self.position += 1;
                    Token::Junk
                }
            }
            b'[' => {
                self.position += 1;
                if depth >= MAX_NESTING {
                    return Some(Token::Junk);
                }
                Token::Operand(self.array(depth + 1))
            }
            b']' => {
                self.position += 1;
                Token::ArrayEnd
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => match self.number() {
                Some(value) => Token::Operand(Operand::Number(value)),
                None => Token::Junk,
            },
            _ if is_regular(byte) => {
                let start = self.position;
                while self
                    .bytes
                    .get(self.position)
                    .is_some_and(|&byte| is_regular(byte))
                {
                    self.position += 1;
                }
                let word = &self.bytes[start..self.position];
                match word {
                    b"true" => Token::Operand(Operand::Bool(true)),
                    b"false" => Token::Operand(Operand::Bool(false)),
                    b"null" => Token::Operand(Operand::Null),
                    _ => Token::Operator(word),
                }
            }
            _ => {
                // `)`, `{`, `}` and other delimiters out of place.
                self.position += 1;
                Token::Junk
            }
        };
        Some(token)
    }

    fn name(&mut self) -> Vec<u8> {
        let mut name = Vec::new();
        while let Some(&byte) = self.bytes.get(self.position) {
            if !is_regular(byte) {
                break;
            }
            self.position += 1;
            if byte == b'#'
                && let Some(value) = self
                    .bytes
                    .get(self.position..self.position + 2)
                    .and_then(|hex| Some(hex_value(hex[0])? * 16 + hex_value(hex[1])?))
            {
                name.push(value);
                self.position += 2;
                continue;
            }
            name.push(byte);
        }
        name
    }

    fn number(&mut self) -> Option<f64> {
        let start = self.position;
        let mut end = start;
        while self
            .bytes
            .get(end)
            .is_some_and(|&byte| matches!(byte, b'+' | b'-' | b'.' | b'0'..=b'9'))
        {
            end += 1;
        }
        self.position = end.max(start + 1);
        parse_number(&self.bytes[start..end])
    }

    fn literal_string(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut depth = 1usize;
        while let Some(&byte) = self.bytes.get(self.position) {
            self.position += 1;
            match byte {
                b'(' => {
                    depth += 1;
                    out.push(byte);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(byte);
                }
                b'\\' => {
                    let Some(&escaped) = self.bytes.get(self.position) else {
                        break;
                    };
                    self.position += 1;
                    match escaped {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0c),
                        b'\r' => {
                            if self.bytes.get(self.position) == Some(&b'\n') {
                                self.position += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut value = u32::from(escaped - b'0');
                            for _ in 0..2 {
                                match self.bytes.get(self.position) {
                                    Some(&digit @ b'0'..=b'7') => {
                                        value = value * 8 + u32::from(digit - b'0');
                                        self.position += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((value & 0xff) as u8);
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(byte),
            }
        }
        out
    }

    fn hex_string(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        while let Some(&byte) = self.bytes.get(self.position) {
            self.position += 1;
            if byte == b'>' {
                break;
            }
            let Some(value) = hex_value(byte) else {
                continue;
            };
            match high.take() {
                Some(high) => out.push(high * 16 + value),
                None => high = Some(value),
            }
        }
        if let Some(high) = high {
            out.push(high * 16);
        }
        out
    }

    fn array(&mut self, depth: usize) -> Operand {
        let mut items = Vec::new();
        while let Some(token) = self.token(depth) {
            match token {
                Token::ArrayEnd => break,
                Token::Operand(operand) => {
                    if items.len() < MAX_ARRAY_LENGTH {
                        items.push(operand);
                    }
                }
                // An operator inside an array means the `]` is missing:
                // step back so the operator is seen by the caller.
                Token::Operator(word) => {
                    self.position -= word.len();
                    break;
                }
                Token::DictEnd | Token::Junk => {}
            }
        }
        Operand::Array(items)
    }

    fn dict(&mut self, depth: usize) -> Operand {
        let mut entries = Vec::new();
        let mut key: Option<Vec<u8>> = None;
        while let Some(token) = self.token(depth) {
            match token {
                Token::DictEnd => break,
                Token::Operand(operand) => match key.take() {
                    Some(name) => {
                        if entries.len() < MAX_ARRAY_LENGTH {
                            entries.push((name, operand));
                        }
                    }
                    None => {
                        if let Operand::Name(name) = operand {
                            key = Some(name);
                        }
                    }
                },
                // `ID` ends an inline image dictionary; other operators mean
                // the `>>` is missing.
                Token::Operator(word) => {
                    self.position -= word.len();
                    break;
                }
                Token::ArrayEnd | Token::Junk => {}
            }
        }
        Operand::Dict(entries)
    }

    /// Reads an inline image dictionary after `BI`, then skips `ID`, the
    /// image data and `EI`.
    fn inline_image(&mut self) -> Operand {
        let mut entries = Vec::new();
        let mut key: Option<Vec<u8>> = None;
        loop {
            let Some(token) = self.token(1) else {
                return Operand::Dict(entries);
            };
            match token {
                Token::Operator(b"ID") => break,
                Token::Operator(b"EI") => return Operand::Dict(entries),
                Token::Operand(operand) => match key.take() {
                    Some(name) => entries.push((name, operand)),
                    None => {
                        if let Operand::Name(name) = operand {
                            key = Some(name);
                        }
                    }
                },
                _ => {}
            }
        }
        let dict = Operand::Dict(entries);
        // One white-space byte separates ID from the data.
        if self
            .bytes
            .get(self.position)
            .is_some_and(|&byte| is_whitespace(byte))
        {
            self.position += 1;
        }
        let data_start = self.position;
        // An unfiltered image has a known length: skip it exactly, so image
        // bytes that happen to spell "EI" do not end it early.
        if let Some(length) = unfiltered_inline_length(&dict) {
            let end = data_start.saturating_add(length);
            if end <= self.bytes.len() && ends_inline_image(self.bytes, end) {
                self.position = end;
                self.skip_whitespace_and_comments();
                self.position += 2;
                return dict;
            }
        }
        // Otherwise look for "EI" between white space (or at the end).
        let mut index = data_start;
        while index + 1 < self.bytes.len() {
            if self.bytes[index] == b'E'
                && self.bytes[index + 1] == b'I'
                && (index == data_start
                    || is_whitespace(self.bytes[index - 1])
                    || self.bytes[index - 1] == b'>')
                && self
                    .bytes
                    .get(index + 2)
                    .is_none_or(|&byte| is_whitespace(byte))
            {
                self.position = index + 2;
                return dict;
            }
            index += 1;
        }
        self.position = self.bytes.len();
        dict
    }
}

/// Whether white space and then `EI` follow `at`.
fn ends_inline_image(bytes: &[u8], at: usize) -> bool {
    let mut index = at;
    while bytes.get(index).is_some_and(|&byte| is_whitespace(byte)) {
        index += 1;
    }
    bytes.get(index..index + 2) == Some(b"EI")
        && bytes
            .get(index + 2)
            .is_none_or(|&byte| is_whitespace(byte) || is_delimiter(byte))
}

/// The byte length of an unfiltered inline image, when the dictionary says
/// enough to compute it.
fn unfiltered_inline_length(dict: &Operand) -> Option<usize> {
    let get = |short: &[u8], long: &[u8]| dict.get(short).or_else(|| dict.get(long));
    if get(b"F", b"Filter").is_some() {
        return None;
    }
    let width = get(b"W", b"Width")?.number()?;
    let height = get(b"H", b"Height")?.number()?;
    if !(0.0..=100_000.0).contains(&width) || !(0.0..=100_000.0).contains(&height) {
        return None;
    }
    let mask = matches!(get(b"IM", b"ImageMask"), Some(Operand::Bool(true)));
    let bits = if mask {
        1.0
    } else {
        get(b"BPC", b"BitsPerComponent")?.number()?
    };
    let components = if mask {
        1.0
    } else {
        match get(b"CS", b"ColorSpace")? {
            Operand::Name(name) => match name.as_slice() {
                b"G" | b"DeviceGray" | b"CalGray" | b"I" | b"Indexed" => 1.0,
                b"RGB" | b"DeviceRGB" | b"CalRGB" => 3.0,
                b"CMYK" | b"DeviceCMYK" => 4.0,
                _ => return None,
            },
            Operand::Array(items) => match items.first().and_then(Operand::name) {
                Some(b"I" | b"Indexed") => 1.0,
                _ => return None,
            },
            _ => return None,
        }
    };
    let row_bytes = (width * bits * components / 8.0).ceil();
    Some((row_bytes * height) as usize)
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Parses a PDF number leniently: `-.5`, `3.`, `+2`, and the malformed
/// `--5` or `1.2.3` some producers write (read as far as it makes sense).
pub fn parse_number(text: &[u8]) -> Option<f64> {
    let mut negative = false;
    let mut index = 0;
    while let Some(&sign) = text.get(index) {
        match sign {
            b'-' => negative = !negative,
            b'+' => {}
            _ => break,
        }
        index += 1;
    }
    let mut value = 0f64;
    let mut digits = 0usize;
    while let Some(&digit @ b'0'..=b'9') = text.get(index) {
        value = value * 10.0 + f64::from(digit - b'0');
        digits += 1;
        index += 1;
    }
    if text.get(index) == Some(&b'.') {
        index += 1;
        let mut scale = 0.1;
        while let Some(&digit @ b'0'..=b'9') = text.get(index) {
            value += f64::from(digit - b'0') * scale;
            scale /= 10.0;
            digits += 1;
            index += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operations(bytes: &[u8]) -> Vec<(String, Vec<Operand>)> {
        let mut lexer = Lexer::new(bytes);
        let mut operands = Vec::new();
        let mut out = Vec::new();
        while let Some(operator) = lexer.next_operation(&mut operands) {
            out.push((
                String::from_utf8_lossy(operator).into_owned(),
                operands.clone(),
            ));
        }
        out
    }

    #[test]
    fn reads_text_operators() {
        let ops = operations(
            b"BT /F1 12 Tf 1 0 0 1 72.5 -.5 Tm (a\\(b\\)\\101) Tj [<0041> -250 (c)] TJ ET",
        );
        let names: Vec<&str> = ops.iter().map(|(op, _)| op.as_str()).collect();
        assert_eq!(names, ["BT", "Tf", "Tm", "Tj", "TJ", "ET"]);
        assert_eq!(ops[1].1[0], Operand::Name(b"F1".to_vec()));
        assert_eq!(ops[2].1[5], Operand::Number(-0.5));
        assert_eq!(ops[3].1[0], Operand::String(b"a(b)A".to_vec()));
        assert_eq!(
            ops[4].1[0],
            Operand::Array(vec![
                Operand::String(vec![0, 0x41]),
                Operand::Number(-250.0),
                Operand::String(b"c".to_vec()),
            ])
        );
    }

    #[test]
    fn skips_junk_and_keeps_going() {
        let ops = operations(b"1 0 0 RG ) } 0.5 g % comment ( not a string\n q Q");
        let names: Vec<&str> = ops.iter().map(|(op, _)| op.as_str()).collect();
        assert_eq!(names, ["RG", "g", "q", "Q"]);
        assert_eq!(ops[1].1, vec![Operand::Number(0.5)]);
    }

    #[test]
    fn skips_inline_images_with_and_without_filters() {
        let ops = operations(
            b"BI /W 2 /H 1 /BPC 8 /CS /G ID EI\nEI Q BI /W 4 /H 4 /F /AHx ID 00ff>EI (x) Tj",
        );
        let names: Vec<&str> = ops.iter().map(|(op, _)| op.as_str()).collect();
        assert_eq!(names, ["BI", "Q", "BI", "Tj"]);
        assert_eq!(ops[0].1[0].get(b"W"), Some(&Operand::Number(2.0)));
        assert_eq!(ops[3].1[0], Operand::String(b"x".to_vec()));
    }

    #[test]
    fn unterminated_structures_end_cleanly() {
        let ops = operations(b"[(a) 3 Tj (b");
        assert_eq!(ops.len(), 1);
        assert_eq!(ops[0].0, "Tj");
        let deep = vec![b'['; 10_000];
        assert!(operations(&deep).is_empty());
    }

    #[test]
    fn numbers_are_lenient() {
        assert_eq!(parse_number(b"--5"), Some(5.0));
        assert_eq!(parse_number(b"3."), Some(3.0));
        assert_eq!(parse_number(b"-"), None);
        assert_eq!(parse_number(b"1.5.2"), Some(1.5));
    }

    #[test]
    fn hex_strings_pad_odd_digits() {
        let ops = operations(b"<4 1 4> Tj");
        assert_eq!(ops[0].1[0], Operand::String(vec![0x41, 0x40]));
    }
}
