use super::*;

#[test]
fn templates_take_their_values_in_order() {
    assert_eq!(
        chinese("sheet 名单 has 2 values in hidden columns").as_deref(),
        Some("工作表 名单 的隐藏列中有 2 个值")
    );
    assert_eq!(
        chinese("page 3 has no text layer (scanned image): needs OCR or manual review").as_deref(),
        Some("第 3 页没有文字层（扫描图像）：需要 OCR 或人工审阅")
    );
}

#[test]
fn numbered_placeholders_reorder_the_values() {
    assert_eq!(
        chinese("sheet S: values beyond column 16384 of row 7 are not read").as_deref(),
        Some("工作表 S：第 7 行第 16384 列之后的值未读取")
    );
}

#[test]
fn a_sentence_inside_a_sentence_is_rendered_too() {
    assert_eq!(
        chinese("page 1: a content stream was not read: stream could not be decoded: /FlateDecode failed (corrupt deflate stream)").as_deref(),
        Some("第 1 页：一个内容流未读取：流无法解码：/FlateDecode 失败（corrupt deflate stream）")
    );
}

#[test]
fn reasons_list_each_problem_in_chinese() {
    let reason = "not fully read (partial): content.xml: malformed XML at byte 9: x; text after that point is not read; page 2 has no text layer (scanned image): needs OCR or manual review — needs manual review";
    assert_eq!(
        chinese(reason).as_deref(),
        Some(
            "未能完整读取（部分读取）：content.xml：第 9 字节处 XML 格式错误：x；此后的文字未读取；第 2 页没有文字层（扫描图像）：需要 OCR 或人工审阅——须人工审查"
        )
    );
    assert_eq!(
        chinese("1 blocking finding(s): marking.cn.level-star").as_deref(),
        Some("1 处阻断级命中：marking.cn.level-star")
    );
}

#[test]
fn repeated_problems_keep_their_count() {
    assert_eq!(
        chinese("page 1 is missing (repeated 99,727 times)"),
        None,
        "not a known sentence, so not claimed"
    );
    assert_eq!(
        chinese(
            "OFD page 11: its content Pages/P.xml is missing (and 99,989 more problems like it)"
        )
        .as_deref(),
        Some("OFD 第 11 页：其内容 Pages/P.xml 缺失（另有 99,989 个同类问题）")
    );
}

#[test]
fn unknown_sentences_are_shown_as_written_and_words_are_not_sentences() {
    assert_eq!(chinese("something prepub never says"), None);
    assert_eq!(
        sentence(Lang::Zh, "something prepub never says"),
        "something prepub never says"
    );
    // A word of the catalogue alone is not one of its sentences.
    assert_eq!(chinese("partial"), None);
    assert_eq!(chinese("a, b"), None);
    // English reports print the stored sentence.
    assert_eq!(
        sentence(Lang::En, "sheet 名单 has 2 values in hidden columns"),
        "sheet 名单 has 2 values in hidden columns"
    );
}

#[test]
fn pictures_read_apart_are_named_in_chinese() {
    assert_eq!(
        context(
            Lang::Zh,
            "[red seal or stamp 1, turned 15° (OCR, confidence 96%)] 内部资料"
        ),
        "[红色印章 1，已转正 15°（OCR，置信度 96%）] 内部资料"
    );
    assert_eq!(
        context(Lang::Zh, "[turned 270° (OCR, confidence 88%)] 张三"),
        "[已转正 270°（OCR，置信度 88%）] 张三"
    );
    assert_eq!(
        context(
            Lang::Zh,
            "[page 1, image 1, /Im1 (OCR, confidence 86%)] 张三"
        ),
        "[第 1 页，图片 1，/Im1（OCR，置信度 86%）] 张三"
    );
    // A page drawn whole for OCR (a scanned PDF page): no English is
    // left in the Chinese form.
    assert_eq!(
        context(Lang::Zh, "[page 2 (rendered) (OCR, confidence 89%)] 000123"),
        "[第 2 页（整页图像）（OCR，置信度 89%）] 000123"
    );
    let reason = chinese(
        "not fully read (partial): page 1 (rendered): OCR confidence 49%: check by eye — needs manual review",
    )
    .unwrap_or_default();
    assert!(
        reason.contains("第 1 页（整页图像）：OCR 置信度 49%：请目视核对"),
        "{reason}"
    );
    for sentence in [
        "page 3: picture 2 was not read: needs OCR or manual review",
        "page 3: 12 more pictures than the 200 read on one page were not read",
        "page 1, image 1, /Im1, red seal or stamp 2: OCR confidence 41%: check by eye",
    ] {
        let zh = chinese(sentence).unwrap_or_default();
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{sentence}: {zh}"
        );
    }
}

#[test]
fn context_labels_are_translated_and_people_are_not() {
    assert_eq!(
        context(Lang::Zh, "[section 1, first page] 机密★1年"),
        "[第 1 节，首页] 机密★1年"
    );
    assert_eq!(
        context(Lang::Zh, "[王五, 2024-03-01] 机密"),
        "[王五, 2024-03-01] 机密"
    );
    assert_eq!(
        context(Lang::En, "[section 1, first page] x"),
        "[section 1, first page] x"
    );
}

#[test]
fn every_template_has_chinese_words_and_as_many_values() {
    for (en, zh) in SENTENCE_TABLE.iter().chain(WORD_TABLE).chain(LABEL_TABLE) {
        let values = en.matches("{}").count();
        let plain = zh.matches("{}").count();
        let numbered = (1..=9).filter(|n| zh.contains(&format!("{{{n}}}"))).count();
        assert_eq!(plain + numbered, values, "{en} → {zh}");
        let words = zh.chars().any(is_cjk) || en.chars().any(is_cjk);
        let only_a_join = !en.chars().any(|c| c.is_ascii_alphabetic());
        assert!(words || only_a_join, "{en} → {zh}");
    }
}

#[test]
fn fill_leaves_an_unknown_placeholder_as_written() {
    assert_eq!(fill("{} {x} {3}", &["a".into()]), "a {x} {3}");
}

pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// Every rule of the built-in packs has its message in both languages:
/// Chinese (with Chinese characters) and English (without them apart from
/// the quoted terms, and not the Chinese one).
#[test]
fn every_built_in_rule_has_its_message_in_chinese_and_english() {
    let rules = crate::rules::RuleSet::builtin().expect("built-in packs");
    assert!(rules.rules().len() >= 70, "{} rules", rules.rules().len());
    let mut missing = Vec::new();
    for rule in rules.rules() {
        let own_is_chinese = rule.message.chars().any(is_cjk);
        let zh = rule
            .messages
            .zh
            .as_deref()
            .or(own_is_chinese.then_some(rule.message.as_str()));
        let en = rule
            .messages
            .en
            .as_deref()
            .or((!own_is_chinese).then_some(rule.message.as_str()));
        let zh_ok = zh.is_some_and(|m| m.chars().any(is_cjk));
        let en_ok = en.is_some_and(|m| {
            let letters = m.chars().filter(char::is_ascii_alphabetic).count();
            let han = m.chars().filter(|c| is_cjk(*c)).count();
            letters > 2 * han && Some(m) != zh
        });
        if !zh_ok || !en_ok {
            missing.push(format!("{} (zh: {zh:?}, en: {en:?})", rule.id));
        }
    }
    assert!(
        missing.is_empty(),
        "rules without both languages:\n{}",
        missing.join("\n")
    );
}

#[test]
fn a_finding_shows_the_packs_message_in_the_report_language() {
    let rules = crate::rules::RuleSet::builtin().expect("built-in packs");
    let rule = rules.rule("marking.cn.level-star").expect("the rule");
    let finding = Finding {
        id: "x".into(),
        rule: rule.id.clone(),
        category: rule.category,
        severity: rule.severity,
        message: rule.message.clone(),
        messages: crate::review::Messages {
            zh: rule.messages.zh.clone(),
            en: rule.messages.en.clone(),
        },
        text: String::new(),
        context: String::new(),
        location: crate::review::Location {
            part: crate::extract::document::Part::Body,
            page: None,
            line: 1,
            column: 1,
            sheet: None,
            cell: None,
            bbox: None,
        },
        crop: None,
        explain: Vec::new(),
        decision: None,
        waived: None,
    };
    assert_eq!(super::finding(Lang::Zh, &finding), rule.message);
    assert!(super::finding(Lang::En, &finding).starts_with("State-secret marking"));
    // A notice (no pack messages) goes through the catalogue.
    let notice = Finding {
        message: "sheet 名单 has 2 values in hidden columns".into(),
        messages: crate::review::Messages::default(),
        ..finding
    };
    assert_eq!(
        super::finding(Lang::Zh, &notice),
        "工作表 名单 的隐藏列中有 2 个值"
    );
    assert_eq!(super::finding(Lang::En, &notice), notice.message);
}
