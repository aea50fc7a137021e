//! Named checks that turn a pattern match into a real finding.
//!
//! A regex can say "18 digits that look like a date"; only arithmetic can
//! say "this is a resident ID number": region, calendar date, check digit.
//! Rules name a validator (`validator: cn-resident-id`); the names are the
//! public interface of this module.

use std::net::{Ipv4Addr, Ipv6Addr};

/// A named check applied to the matched (normalised) text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validator {
    /// GB 11643-1999: region, real date, ISO 7064 MOD 11-2 check character.
    CnResidentId,
    /// GB 11643-1989 15-digit number: region and real date (no check digit).
    CnResidentId15,
    /// The Luhn checksum used by bank cards.
    Luhn,
    /// GB 32100-2015 unified social credit code, mod-31 check character.
    CnUscc,
    /// An IPv4 address in a private range (10/8, 172.16/12, 192.168/16).
    Ipv4Private,
    /// An IPv4 address outside private, loopback and documentation ranges.
    Ipv4Public,
    /// Any valid IPv6 address.
    Ipv6,
    /// An e-mail address at a personal webmail domain.
    EmailPersonal,
    /// An e-mail address at an institutional domain (gov, edu, org …).
    EmailInstitutional,
    /// A de-identified number: the length of a mobile, ID or card number
    /// with one run of mask characters (`*`, `★`, `×`) and some digits
    /// left visible (`110101********0014`, `138****1234`).
    MaskedNumber,
    /// A table header that names a person and an identifier or contact
    /// column (姓名 + 身份证号/联系电话/银行账号/住址 …).
    RosterHeader,
    /// A run of personnel-file fields about one person (性别, 民族, 出生年月,
    /// 籍贯 …) of at least three kinds, one of them health, a 处分 or a
    /// 考核 result: a 人事批复 or 政审 record, not a 任前公示 (which publishes
    /// sex, ethnicity, birth and native place by design).
    PersonnelProfile,
    /// Three different kinds of one person's particulars (sex, ethnicity,
    /// birth, native place, residence), not one kind repeated down a table
    /// (张三,男 … 李四,女 …).
    PersonalParticulars,
}

impl Validator {
    pub const ALL: [(&'static str, Validator); 13] = [
        ("cn-resident-id", Validator::CnResidentId),
        ("cn-resident-id-15", Validator::CnResidentId15),
        ("luhn", Validator::Luhn),
        ("cn-uscc", Validator::CnUscc),
        ("ipv4-private", Validator::Ipv4Private),
        ("ipv4-public", Validator::Ipv4Public),
        ("ipv6", Validator::Ipv6),
        ("email-personal", Validator::EmailPersonal),
        ("email-institutional", Validator::EmailInstitutional),
        ("masked-number", Validator::MaskedNumber),
        ("cn-roster-header", Validator::RosterHeader),
        ("cn-personnel-profile", Validator::PersonnelProfile),
        ("cn-personal-particulars", Validator::PersonalParticulars),
    ];

    pub fn parse(name: &str) -> Option<Validator> {
        Validator::ALL
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, validator)| *validator)
    }

    pub fn name(self) -> &'static str {
        Validator::ALL
            .iter()
            .find(|(_, validator)| *validator == self)
            .map(|(name, _)| *name)
            .unwrap_or("unknown")
    }

    pub fn names() -> Vec<&'static str> {
        Validator::ALL.iter().map(|(name, _)| *name).collect()
    }

    /// Checks the matched text. Separators (spaces, hyphens) are ignored for
    /// the numeric checks, so grouped card numbers validate.
    pub fn check(self, matched: &str) -> bool {
        let compact: String = matched
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{00A0}'))
            .collect();
        match self {
            Validator::CnResidentId => cn_resident_id(&compact),
            Validator::CnResidentId15 => cn_resident_id_15(&compact),
            Validator::Luhn => luhn(&compact),
            Validator::CnUscc => cn_uscc(&compact),
            Validator::Ipv4Private => matched.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_private()),
            Validator::Ipv4Public => matched.parse::<Ipv4Addr>().is_ok_and(is_public_ipv4),
            Validator::Ipv6 => matched.parse::<Ipv6Addr>().is_ok(),
            Validator::EmailPersonal => email_domain(matched).is_some_and(is_personal_mail_domain),
            Validator::EmailInstitutional => {
                email_domain(matched).is_some_and(|domain| !is_personal_mail_domain(domain))
            }
            Validator::MaskedNumber => masked_number(&compact),
            Validator::RosterHeader => roster_header(matched),
            Validator::PersonnelProfile => personnel_profile(matched),
            Validator::PersonalParticulars => personal_particulars(matched),
        }
    }
}

/// Province-level prefixes of GB/T 2260 region codes, plus 81/82/83 used on
/// residence permits of Hong Kong, Macau and Taiwan residents.
const PROVINCES: [u8; 37] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91, 0,
];

fn valid_region(digits: &[u8]) -> bool {
    let province = digits[0] * 10 + digits[1];
    province != 0 && PROVINCES.contains(&province)
}

fn digits_of(text: &str) -> Option<Vec<u8>> {
    text.bytes()
        .map(|b| b.is_ascii_digit().then(|| b - b'0'))
        .collect()
}

fn is_real_date(year: u32, month: u32, day: u32) -> bool {
    if !(1..=12).contains(&month) || day == 0 {
        return false;
    }
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if leap => 29,
        _ => 28,
    };
    day <= days
}

fn current_year() -> u32 {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Good enough for "not born in the future": 365.2425-day years.
    1970 + (seconds / 31_556_952) as u32
}

fn number(digits: &[u8]) -> u32 {
    digits.iter().fold(0, |acc, d| acc * 10 + u32::from(*d))
}

/// GB 11643-1999 18-character resident identity number.
pub fn cn_resident_id(text: &str) -> bool {
    if text.len() != 18 {
        return false;
    }
    let Some(body) = digits_of(&text[..17]) else {
        return false;
    };
    let check = text.as_bytes()[17].to_ascii_uppercase();
    if !(check.is_ascii_digit() || check == b'X') || !valid_region(&body) {
        return false;
    }
    let year = number(&body[6..10]);
    if !(1880..=current_year()).contains(&year)
        || !is_real_date(year, number(&body[10..12]), number(&body[12..14]))
    {
        return false;
    }
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(*d) * w)
        .sum();
    const CHECKS: &[u8; 11] = b"10X98765432";
    CHECKS[(sum % 11) as usize] == check
}

/// GB 11643-1989 15-digit number: region and a real 19YY date.
pub fn cn_resident_id_15(text: &str) -> bool {
    let Some(digits) = digits_of(text) else {
        return false;
    };
    digits.len() == 15
        && valid_region(&digits)
        && is_real_date(
            1900 + number(&digits[6..8]),
            number(&digits[8..10]),
            number(&digits[10..12]),
        )
}

/// The Luhn (mod 10) checksum.
pub fn luhn(text: &str) -> bool {
    let Some(digits) = digits_of(text) else {
        return false;
    };
    if digits.len() < 2 {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(index, &digit)| {
            let digit = u32::from(digit);
            if index % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                digit
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// GB 32100-2015 unified social credit code: 18 characters from
/// `0-9A-Z` without I, O, Z, S, V; check character = 31 − (Σ vᵢ·wᵢ mod 31).
pub fn cn_uscc(text: &str) -> bool {
    const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [usize; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    if text.len() != 18 {
        return false;
    }
    let values: Option<Vec<usize>> = text
        .chars()
        .map(|c| ALPHABET.find(c.to_ascii_uppercase()))
        .collect();
    let Some(values) = values else {
        return false;
    };
    let sum: usize = values[..17].iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    values[17] == check
}

/// A number de-identified per the usual notices: 11 characters (mobile) or
/// 15–19 (resident ID, bank card), one run of at least two mask characters,
/// at least three visible digits.
pub fn masked_number(text: &str) -> bool {
    let is_mask = |c: char| matches!(c, '*' | '★' | '×');
    let length = text.chars().count();
    if !(length == 11 || (15..=19).contains(&length)) {
        return false;
    }
    if !text
        .chars()
        .all(|c| c.is_ascii_digit() || is_mask(c) || c == 'X' || c == 'x')
    {
        return false;
    }
    let masks = text.chars().filter(|&c| is_mask(c)).count();
    let digits = text.chars().filter(char::is_ascii_digit).count();
    // One contiguous run: masks start exactly once.
    let mut runs = 0;
    let mut previous_was_mask = false;
    for c in text.chars() {
        if is_mask(c) && !previous_was_mask {
            runs += 1;
        }
        previous_was_mask = is_mask(c);
    }
    masks >= 2 && digits >= 3 && runs == 1
}

/// A header row that names a person and something that identifies or
/// reaches them: the shape of a personal-data roster.
pub fn roster_header(text: &str) -> bool {
    const PERSON: [&str; 6] = ["姓名", "户主", "申请人", "名字", "联系人", "Name"];
    const IDENTIFIER: [&str; 12] = [
        "身份证",
        "身份号码",
        "证件号",
        "电话",
        "手机",
        "银行",
        "账号",
        "卡号",
        "住址",
        "联系方式",
        "出生日期",
        "家庭地址",
    ];
    PERSON.iter().any(|word| text.contains(word))
        && IDENTIFIER.iter().any(|word| text.contains(word))
}

/// See [`Validator::PersonalParticulars`].
pub fn personal_particulars(text: &str) -> bool {
    let has = |words: &[&str]| words.iter().any(|word| text.contains(word));
    let birth = text.contains("生")
        && text.char_indices().any(|(i, c)| {
            c == '年' && text[..i].trim_end().ends_with(|d: char| d.is_ascii_digit())
        });
    let kinds = [
        has(&["性别", ",男,", ",女,"]),
        has(&["民族", "族,"]),
        birth || has(&["出生日期", "出生年月"]),
        has(&["籍贯", "人,"]),
        has(&["户籍", "住"]),
    ];
    kinds.iter().filter(|&&kind| kind).count() >= 3
}

/// See [`Validator::PersonnelProfile`].
pub fn personnel_profile(text: &str) -> bool {
    let has = |words: &[&str]| words.iter().any(|word| text.contains(word));
    let kinds = [
        has(&["性别", ",男", ",女", "男,", "女,"]),
        has(&["民族", "族,"]),
        has(&["出生", "月生"]),
        has(&["籍贯"]),
    ];
    let sensitive = [
        has(&["健康", "患有", "身体状况"]),
        has(&["处分", "警告", "记过", "降级", "撤职", "开除"]),
        has(&["考核"]),
    ];
    let count = kinds.iter().chain(&sensitive).filter(|&&k| k).count();
    count >= 3 && sensitive.iter().any(|&k| k)
}

fn is_public_ipv4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let documentation =
        (a, b, c) == (192, 0, 2) || (a, b, c) == (198, 51, 100) || (a, b, c) == (203, 0, 113);
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_link_local()
        || ip.is_broadcast()
        || documentation
        || a == 0
        || a >= 224)
}

fn email_domain(address: &str) -> Option<&str> {
    address.rsplit_once('@').map(|(_, domain)| domain)
}

fn is_personal_mail_domain(domain: &str) -> bool {
    const WEBMAIL: [&str; 18] = [
        "qq.com",
        "foxmail.com",
        "163.com",
        "126.com",
        "yeah.net",
        "sina.com",
        "sina.cn",
        "sohu.com",
        "139.com",
        "189.cn",
        "aliyun.com",
        "gmail.com",
        "outlook.com",
        "hotmail.com",
        "yahoo.com",
        "icloud.com",
        "live.com",
        "wo.cn",
    ];
    let domain = domain.to_ascii_lowercase();
    WEBMAIL.contains(&domain.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_ids_from_the_standard() {
        for valid in [
            "11010519491231002X",
            "440524188001010014",
            "110101190001010014",
            "310101190002020027",
            "830000190007070074",
            "11010519491231002x",
        ] {
            assert!(cn_resident_id(valid), "{valid}");
        }
        for invalid in [
            "110101190001010010",
            "11010119990230001X",
            "000000190001010017",
            "110101209901010017",
            "202401150000123456",
            "1101051949123100",
        ] {
            assert!(!cn_resident_id(invalid), "{invalid}");
        }
    }

    #[test]
    fn fifteen_digit_ids() {
        for valid in [
            "110101490101001",
            "310101500202002",
            "440305000303003",
            "650102491231005",
        ] {
            assert!(cn_resident_id_15(valid), "{valid}");
        }
        for invalid in [
            "110101491301001",
            "000000490101001",
            "123456789012345",
            "110101490230001",
        ] {
            assert!(!cn_resident_id_15(invalid), "{invalid}");
        }
    }

    #[test]
    fn luhn_cards() {
        assert!(luhn("6200000000000005"));
        assert!(luhn("6220000000000000008"));
        assert!(luhn("4111 1111 1111 1111".replace(' ', "").as_str()));
        assert!(!luhn("6200000000000006"));
        assert!(Validator::Luhn.check("6200 0000 0000 0005"));
    }

    #[test]
    fn credit_codes() {
        assert!(cn_uscc("91350100M000100Y43"));
        assert!(!cn_uscc("91350100M000100Y44"));
        assert!(!cn_uscc("91350100M000100Y4"));
    }

    #[test]
    fn ip_ranges() {
        assert!(Validator::Ipv4Private.check("10.0.0.1"));
        assert!(Validator::Ipv4Private.check("192.168.1.20"));
        assert!(!Validator::Ipv4Private.check("8.8.8.8"));
        assert!(Validator::Ipv4Public.check("8.8.8.8"));
        assert!(!Validator::Ipv4Public.check("192.0.2.1"));
        assert!(Validator::Ipv6.check("2001:db8::1"));
        assert!(!Validator::Ipv6.check("12:30:45"));
    }

    #[test]
    fn mail_domains() {
        assert!(Validator::EmailPersonal.check("zhangsan@qq.com"));
        assert!(!Validator::EmailPersonal.check("office@example.gov.cn"));
        assert!(Validator::EmailInstitutional.check("office@example.gov.cn"));
    }

    #[test]
    fn masked_numbers() {
        for masked in [
            "110101********0014",
            "1101**********002X",
            "138****1234",
            "6200********0005",
            "110101★★★★★★★★0014",
            "35*************123",
        ] {
            assert!(Validator::MaskedNumber.check(masked), "{masked}");
        }
        for plain in [
            "13812341234",
            "**********",
            "1*2*3*4*5*6",
            "138****12345678901234",
            "ab****1234c",
            "1*********1",
        ] {
            assert!(!Validator::MaskedNumber.check(plain), "{plain}");
        }
    }

    #[test]
    fn roster_headers() {
        assert!(roster_header("序号\t姓名\t身份证号\t联系电话"));
        assert!(roster_header("户主姓名,家庭住址"));
        assert!(!roster_header("序号\t姓名\t职务"));
        assert!(!roster_header("单位\t联系电话"));
    }

    #[test]
    fn personnel_profiles() {
        assert!(personnel_profile(
            "男,汉族,1985年3月生,籍贯河北,健康状况良好"
        ));
        assert!(personnel_profile(
            "性别:女 1979年2月生,2022年受到警告处分,考核为基本称职"
        ));
        // A 任前公示 publishes these on purpose.
        assert!(!personnel_profile("男,汉族,1975年3月生,籍贯河北保定"));
        assert!(!personnel_profile("健康状况良好,考核为称职"));
    }

    #[test]
    fn names_round_trip() {
        for (name, validator) in Validator::ALL {
            assert_eq!(Validator::parse(name), Some(validator));
            assert_eq!(validator.name(), name);
        }
        assert_eq!(Validator::parse("nope"), None);
    }
}
