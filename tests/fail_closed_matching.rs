//! Markings hidden from the matcher (issue 14, "Matching"): invisible and
//! look-alike characters inside a marking, tabs, variant Han forms, star
//! look-alikes, confusable Latin in English banners, and the decorations or
//! neighbouring words that once lowered a document's own marking to info.
//!
//! Each case is a small .txt document written into a temporary directory
//! and scanned through the binary, as a user would: the document must be
//! `block`, by the expected rule, and the finding must show the marking as
//! the document has it (with the invisible characters), not the normalised
//! text. Controls check that explanations and genuine Cyrillic text stay
//! publishable, so the cases cannot pass by blocking everything.

use serde_json::Value;
use std::path::Path;

struct Case {
    name: &'static str,
    text: &'static str,
    rule: &'static str,
    /// The finding's text: the original characters of the marking.
    shown: &'static str,
}

const BODY: &str = "关于做好年度检查工作的通知\n各单位：\n现将有关事项通知如下。\n";

fn cases() -> Vec<Case> {
    let star = "marking.cn.level-star";
    let mut cases = vec![
        Case {
            name: "lrm",
            text: "机\u{200E}密★1年",
            rule: star,
            shown: "机\u{200E}密★1年",
        },
        Case {
            name: "rlm",
            text: "机\u{200F}密★1年",
            rule: star,
            shown: "机\u{200F}密★1年",
        },
        Case {
            name: "rlo",
            text: "机\u{202E}密\u{202C}★1年",
            rule: star,
            shown: "机\u{202E}密\u{202C}★1年",
        },
        Case {
            name: "isolate",
            text: "机\u{2066}密\u{2069}★1年",
            rule: star,
            shown: "机\u{2066}密\u{2069}★1年",
        },
        Case {
            name: "invisible-times",
            text: "机\u{2062}密★1年",
            rule: star,
            shown: "机\u{2062}密★1年",
        },
        Case {
            name: "inhibit-swapping",
            text: "机\u{206A}密★1年",
            rule: star,
            shown: "机\u{206A}密★1年",
        },
        Case {
            name: "arabic-letter-mark",
            text: "机\u{061C}密★1年",
            rule: star,
            shown: "机\u{061C}密★1年",
        },
        Case {
            name: "grapheme-joiner",
            text: "机\u{034F}密★1年",
            rule: star,
            shown: "机\u{034F}密★1年",
        },
        Case {
            name: "variation-selector",
            text: "机\u{FE0F}密★1年",
            rule: star,
            shown: "机\u{FE0F}密★1年",
        },
        Case {
            name: "variation-selector-supplement",
            text: "机\u{E0100}密★1年",
            rule: star,
            shown: "机\u{E0100}密★1年",
        },
        Case {
            name: "tag-characters",
            text: "机\u{E0041}\u{E007F}密★1年",
            rule: star,
            shown: "机\u{E0041}\u{E007F}密★1年",
        },
        Case {
            name: "hangul-choseong-filler",
            text: "机\u{115F}密★1年",
            rule: star,
            shown: "机\u{115F}密★1年",
        },
        Case {
            name: "hangul-jungseong-filler",
            text: "机\u{1160}密★1年",
            rule: star,
            shown: "机\u{1160}密★1年",
        },
        Case {
            name: "hangul-filler",
            text: "机\u{3164}密★1年",
            rule: star,
            shown: "机\u{3164}密★1年",
        },
        Case {
            name: "halfwidth-hangul-filler",
            text: "机\u{FFA0}密★1年",
            rule: star,
            shown: "机\u{FFA0}密★1年",
        },
        Case {
            name: "khmer-inherent-vowel",
            text: "机\u{17B4}\u{17B5}密★1年",
            rule: star,
            shown: "机\u{17B4}\u{17B5}密★1年",
        },
        Case {
            name: "braille-blank",
            text: "机\u{2800}密★1年",
            rule: star,
            shown: "机\u{2800}密★1年",
        },
        Case {
            name: "soft-hyphen",
            text: "机\u{00AD}密★1年",
            rule: star,
            shown: "机\u{00AD}密★1年",
        },
        Case {
            name: "zero-width",
            text: "机\u{200B}\u{200C}\u{200D}密\u{2060}★\u{FEFF}1年",
            rule: star,
            shown: "机\u{200B}\u{200C}\u{200D}密\u{2060}★\u{FEFF}1年",
        },
        Case {
            name: "tab",
            text: "机\t密★1年",
            rule: star,
            shown: "机\t密★1年",
        },
        Case {
            name: "tabs-around-star",
            text: "机密\t★\t1年",
            rule: star,
            shown: "机密\t★\t1年",
        },
        Case {
            name: "space",
            text: "机 密★1年",
            rule: star,
            shown: "机 密★1年",
        },
        Case {
            name: "traditional",
            text: "絕密★長期",
            rule: star,
            shown: "絕密★長期",
        },
        Case {
            name: "shinjitai",
            text: "絶密★長期",
            rule: star,
            shown: "絶密★長期",
        },
        Case {
            name: "bi-traditional",
            text: "祕密★1年",
            rule: star,
            shown: "祕密★1年",
        },
        Case {
            name: "radical-long",
            text: "绝密★\u{2ED3}期",
            rule: star,
            shown: "绝密★\u{2ED3}期",
        },
        Case {
            name: "star-in-brackets",
            text: "机密(★5年)",
            rule: star,
            shown: "机密(★5年",
        },
        Case {
            name: "star-in-full-width-brackets",
            text: "机密（★5年）",
            rule: star,
            shown: "机密（★5年",
        },
        Case {
            name: "quoted-header",
            text: "“绝密★长期”",
            rule: star,
            shown: "绝密★长期",
        },
        Case {
            name: "corner-quoted-header",
            text: "『机密★1年』",
            rule: star,
            shown: "机密★1年",
        },
        Case {
            name: "star-before",
            text: "★机密★1年",
            rule: star,
            shown: "机密★1年",
        },
        Case {
            name: "star-after",
            text: "机密★1年 ★",
            rule: star,
            shown: "机密★1年",
        },
        Case {
            name: "stars-around",
            text: "★★★ 机密★1年 ★★★",
            rule: star,
            shown: "机密★1年",
        },
        Case {
            name: "compat-ideograph",
            text: "\u{2F814}部资料 注意保存",
            rule: "marking.cn.internal-material",
            shown: "\u{2F814}部资料 注意保存",
        },
        Case {
            name: "compat-ideograph-2",
            text: "内部资\u{F9BE}，注意保管",
            rule: "marking.cn.internal-material",
            shown: "内部资\u{F9BE}，注意保管",
        },
        Case {
            name: "quoted-level-line",
            text: "“机密”",
            rule: "marking.cn.level-line",
            shown: "机密",
        },
        Case {
            name: "cyrillic-e",
            text: "SЕCRET",
            rule: "marking.us.banner",
            shown: "SЕCRET",
        },
        Case {
            name: "greek-omicron",
            text: "TΟP SECRET",
            rule: "marking.us.banner",
            shown: "TΟP SECRET",
        },
        Case {
            name: "all-cyrillic-top",
            text: "ТОР SECRET",
            rule: "marking.us.banner",
            shown: "ТОР SECRET",
        },
        Case {
            name: "full-width-latin",
            text: "ＣＯＮＦＩＤＥＮＴＩＡＬ",
            rule: "marking.us.banner",
            shown: "ＣＯＮＦＩＤＥＮＴＩＡＬ",
        },
        Case {
            name: "cyrillic-noforn",
            text: "//NОFORN",
            rule: "marking.us.dissemination",
            shown: "NОFORN",
        },
        Case {
            name: "cyrillic-cui",
            text: "СUI",
            rule: "marking.us.cui",
            shown: "СUI",
        },
        Case {
            name: "greek-nato",
            text: "ΝΑΤΟ SECRET",
            rule: "marking.nato.level",
            shown: "ΝΑΤΟ SECRET",
        },
    ];
    for (name, star) in [
        ("heavy-asterisk", "✱"),
        ("six-pointed", "✶"),
        ("eight-pointed", "✴"),
        ("star-operator", "⋆"),
        ("asterisk-operator", "∗"),
        ("circled-white-star", "✪"),
        ("black-small-star", "⭑"),
        ("light-five-pointed", "🟉"),
        ("white-star", "☆"),
        ("stress-outlined", "✩"),
        ("outlined-black", "✭"),
        ("heavy-outlined", "✮"),
        ("pinwheel", "✯"),
        ("shadowed", "✰"),
        ("full-width-asterisk", "＊"),
        ("medium-star", "⭐"),
        ("small-asterisk", "﹡"),
    ] {
        let text: &'static str = Box::leak(format!("秘密{star}5年").into_boxed_str());
        let name: &'static str = Box::leak(format!("star-{name}").into_boxed_str());
        cases.push(Case {
            name,
            text,
            rule: "marking.cn.level-star",
            shown: text,
        });
    }
    cases
}

fn scan(dir: &Path) -> Value {
    let output = assert_cmd::Command::cargo_bin("prepub")
        .unwrap()
        .current_dir(dir)
        .args([
            "scan",
            "docs",
            "--format",
            "json",
            "--no-progress",
            "--fail-on",
            "never",
        ])
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn documents(review: &Value) -> &Vec<Value> {
    review["documents"].as_array().expect("documents")
}

fn document<'a>(review: &'a Value, path: &str) -> &'a Value {
    documents(review)
        .iter()
        .find(|d| d["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in the review"))
}

/// Every evasion blocks, at the top of a 通知 and as a paragraph mark deep
/// in its body, and the finding shows the document's own characters.
#[test]
fn every_evasion_blocks_and_shows_the_original_characters() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let cases = cases();
    for case in &cases {
        std::fs::write(
            docs.join(format!("{}.txt", case.name)),
            format!("{}\n{BODY}", case.text),
        )
        .unwrap();
    }
    let review = scan(dir.path());
    let mut failures = Vec::new();
    for case in &cases {
        let path = format!("docs/{}.txt", case.name);
        let document = document(&review, &path);
        if document["verdict"] != "block" {
            failures.push(format!(
                "{path}: verdict {} (findings {})",
                document["verdict"], document["findings"]
            ));
            continue;
        }
        let findings = document["findings"].as_array().unwrap();
        let found = findings
            .iter()
            .find(|f| f["rule"] == case.rule && f["severity"] == "block");
        let Some(found) = found else {
            failures.push(format!(
                "{path}: no block finding of {} in {}",
                case.rule, document["findings"]
            ));
            continue;
        };
        if found["text"] != case.shown {
            failures.push(format!(
                "{path}: finding text {:?}, expected {:?}",
                found["text"], case.shown
            ));
        }
        let context = found["context"].as_str().unwrap_or("");
        if !context.contains(case.shown.replace('\t', " ").as_str()) {
            failures.push(format!(
                "{path}: context {context:?} does not show {:?}",
                case.shown
            ));
        }
        if found["location"]["line"] != 1 || found["location"]["column"].as_u64().unwrap_or(0) > 6 {
            failures.push(format!("{path}: located at {}", found["location"]));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} evasions:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The downgrade evasions, one by one, including the ones outside the header
/// position: `通知如下：` before a paragraph mark and an extra ★ next to it
/// do not make it an example.
#[test]
fn downgrade_evasions_block_and_real_explanations_stay_info() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let deep = "正文。\n".repeat(12);
    let files = [
        ("rulu-xia-top.txt", "各单位：\n现将有关事项通知如下：\n机密★1年\n一、检查范围。\n".to_owned(), "block"),
        ("rulu-xia-deep.txt", format!("关于检查的通知\n{deep}现将有关事项通知如下：\n机密★1年\n一、检查范围。\n"), "block"),
        ("rulu-xia-quoted-deep.txt", format!("关于检查的通知\n{deep}现通知如下：\n“秘密★6个月”\n"), "block"),
        ("extra-star-deep.txt", format!("关于检查的通知\n{deep}★机密★1年\n以下段落涉密。\n"), "block"),
        ("quoted-top.txt", "“绝密★长期”\n关于……的通知\n".to_owned(), "block"),
        (
            "explanation.txt",
            "关于国家秘密标志的说明\n国家秘密标志的写法，例如：秘密★1年、机密★5年、绝密★长期。\n标志应标注为“秘密★1年”。\n".to_owned(),
            "pass",
        ),
        (
            "explanation-list.txt",
            "关于保密期限的说明\n各级的最长期限分为：绝密★30年，机密★20年，秘密★10年。\n".to_owned(),
            "pass",
        ),
        ("rulu-xia-no-marking.txt", "各单位：\n现将有关事项通知如下：\n一、检查范围。\n".to_owned(), "pass"),
        ("russian.txt", "Секретные материалы\nТОР — торговый отдел\n".to_owned(), "pass"),
        ("secretary.txt", "The Secretary of State\nConfidentiality of personal data is protected.\n".to_owned(), "pass"),
    ];
    for (name, text, _) in &files {
        std::fs::write(docs.join(name), text).unwrap();
    }
    let review = scan(dir.path());
    let mut failures = Vec::new();
    for (name, _, verdict) in &files {
        let document = document(&review, &format!("docs/{name}"));
        if document["verdict"] != *verdict {
            failures.push(format!(
                "{name}: {} instead of {verdict}: {}",
                document["verdict"], document["findings"]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The committed fixtures (`fixtures/malformed/make_matching.py`) all block.
#[test]
fn committed_matching_fixtures_block() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/malformed");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with("matching-") && n.ends_with(".txt"))
        .collect();
    names.sort();
    assert!(names.len() >= 15, "{names:?}");
    let output = assert_cmd::Command::cargo_bin("prepub")
        .unwrap()
        .current_dir(&dir)
        .args([
            "scan",
            "--format",
            "json",
            "--no-progress",
            "--fail-on",
            "never",
        ])
        .args(&names)
        .output()
        .unwrap();
    let review: Value = serde_json::from_slice(&output.stdout).expect("JSON review");
    for document in documents(&review) {
        assert_eq!(document["verdict"], "block", "{}", document);
    }
    assert_eq!(documents(&review).len(), names.len());
}
