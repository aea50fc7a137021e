use super::*;

fn source(yaml: &str) -> Vec<PackSource> {
    vec![PackSource {
        origin: "test.yaml".into(),
        yaml: yaml.into(),
        ..PackSource::default()
    }]
}

fn errors(yaml: &str) -> Vec<String> {
    match load_sources(&source(yaml)) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.into_iter().map(|e| e.to_string()).collect(),
    }
}

const HEAD: &str = "name: t\nversion: '1'\nrules:\n";

#[test]
fn yaml_errors_have_line_and_column() {
    let found = errors("name: t\nversion: '1'\nrules:\n  - id: [unclosed\n");
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("test.yaml:4:"), "{found:?}");
}

#[test]
fn invalid_regex_names_pattern_and_position() {
    let found = errors(&format!(
        "{HEAD}  - id: term.x\n    severity: review\n    message: m\n    pattern: 'a(b'\n    examples: {{match: [ab]}}\n"
    ));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("a(b") && found[0].contains("unclosed"),
        "{found:?}"
    );
}

#[test]
fn duplicate_ids_unknown_validator_category_and_typos() {
    let rule = "    severity: review\n    message: m\n    terms: [x]\n    examples: {match: [x]}\n";
    let found = errors(&format!(
        "{HEAD}  - id: term.a\n{rule}  - id: term.a\n{rule}"
    ));
    assert!(
        found.iter().any(|e| e.contains("duplicate rule id")),
        "{found:?}"
    );
    let found = errors(&format!(
        "{HEAD}  - id: term.a\n{rule}    validator: nope\n"
    ));
    assert!(
        found.iter().any(|e| e.contains("unknown validator `nope`")),
        "{found:?}"
    );
    let found = errors(&format!("{HEAD}  - id: weird.a\n{rule}"));
    assert!(
        found.iter().any(|e| e.contains("unknown category `weird`")),
        "{found:?}"
    );
    let found = errors(&format!(
        "{HEAD}  - id: term.a\n{rule}    not_whithin: [y]\n"
    ));
    assert!(found.iter().any(|e| e.contains("not_whithin")), "{found:?}");
}

#[test]
fn unicode_word_boundary_is_refused() {
    let found = errors(&format!(
        "{HEAD}  - id: personal.x\n    severity: review\n    message: m\n    pattern: '\\b1\\d{{10}}\\b'\n    examples: {{match: ['13800000000']}}\n"
    ));
    assert!(
        found.iter().any(|e| e.contains("Unicode-aware")),
        "{found:?}"
    );
    assert!(!contains_unicode_word_boundary("(?-u:\\b)x"));
}

#[test]
fn missing_examples_and_matcher() {
    let found = errors(&format!(
        "{HEAD}  - id: term.a\n    severity: review\n    message: m\n"
    ));
    assert!(
        found.iter().any(|e| e.contains("exactly one of")),
        "{found:?}"
    );
    assert!(found.iter().any(|e| e.contains("examples")), "{found:?}");
}

#[test]
fn new_options_are_checked() {
    let rule = "    severity: review\n    message: m\n    terms: [x]\n    examples: {match: [x]}\n";
    let found = errors(&format!(
        "{HEAD}  - id: term.a\n{rule}    escalate:\n      - {{to: block, when_document_has: [term.nope], reason: r}}\n"
    ));
    assert!(found.iter().any(|e| e.contains("`term.nope`")), "{found:?}");
    let found = errors(&format!(
        "{HEAD}  - id: term.a\n{rule}    escalate:\n      - {{to: info, when_document_has: [term.a], reason: r}}\n"
    ));
    assert!(
        found.iter().any(|e| e.contains("must be above")),
        "{found:?}"
    );
    let found = errors(&format!(
        "{HEAD}  - id: term.a\n{rule}    near: {{terms: [y], side: left}}\n"
    ));
    assert!(
        found.iter().any(|e| e.contains("`side: left`")),
        "{found:?}"
    );
    let found = errors(&format!(
        "{HEAD}  - id: term.a\n{rule}    downgrade:\n      - {{to: info, when: not_near, reason: r}}\n"
    ));
    assert!(
        found.iter().any(|e| e.contains("needs `terms`")),
        "{found:?}"
    );
    let found = errors(&format!("{HEAD}  - id: term.a\n{rule}    line: whole\n"));
    assert!(found.iter().any(|e| e.contains("own-line")), "{found:?}");
    let found = errors(&format!(
        "{HEAD}  - id: term.a\n    severity: review\n    message: m\n    terms: [x]\n    examples: {{high: [x]}}\n"
    ));
    assert!(found.iter().any(|e| e.contains("high")), "{found:?}");
    let ok = errors(&format!(
        "{HEAD}  - id: term.a\n{rule}    line: own-line\n    near: {{terms: [y], side: before}}\n    escalate:\n      - {{to: block, when_document_has: [term.a], reason: r}}\n"
    ));
    assert!(ok.is_empty(), "{ok:?}");
}

/// An organisation lexicon of 50,000 terms with per-term severities
/// loads and matches. The time is printed for the record (`cargo test
/// -- --nocapture`); the target (well under a second in a release build)
/// belongs to benchmarks, not to a test that would flake on a busy machine.
#[test]
fn large_lexicon_loads_with_per_term_severity() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut lexicon = String::from("# generated\n");
    for i in 0..50_000 {
        let severity = match i % 3 {
            0 => "\tblock",
            1 => "\treview",
            _ => "",
        };
        lexicon.push_str(&format!("项目代号{i:05}工程{severity}\n"));
    }
    std::fs::write(dir.path().join("terms.txt"), lexicon).expect("write lexicon");
    let yaml = format!(
        "{HEAD}  - id: term.org.lexicon\n    severity: info\n    message: m\n    terms_file: terms.txt\n"
    );
    let started = std::time::Instant::now();
    let set = load_sources(&[PackSource {
        origin: "org.yaml".into(),
        yaml,
        base_dir: Some(dir.path().to_path_buf()),
        embedded_terms_files: Default::default(),
    }])
    .expect("lexicon pack loads");
    println!(
        "50,000-term lexicon: loaded and automaton built in {:?}",
        started.elapsed()
    );
    let Matcher::Terms { count, .. } = &set.rules()[0].matcher else {
        panic!("a terms rule");
    };
    assert_eq!(*count, 50_000);
    let severity_of = |text: &str| {
        crate::rules::examples::matches_in_text(text, &set)
            .into_iter()
            .map(|m| m.severity)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        severity_of("关于项目代号12345工程的报告"),
        [Severity::Block]
    );
    assert_eq!(severity_of("项目代号12346工程"), [Severity::Review]);
    assert_eq!(severity_of("项目代号12347工程"), [Severity::Info]);
    assert!(severity_of("项目代号99999号工程").is_empty());
}

#[test]
fn lexicon_severity_typos_are_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("terms.txt"), "甲工程\tblok\n").expect("write");
    let result = load_sources(&[PackSource {
        origin: "org.yaml".into(),
        yaml: format!(
            "{HEAD}  - id: term.org.lexicon\n    severity: info\n    message: m\n    terms_file: terms.txt\n"
        ),
        base_dir: Some(dir.path().to_path_buf()),
        embedded_terms_files: Default::default(),
    }]);
    let errors = result.expect_err("an unknown severity is an error");
    assert!(errors[0].message.contains("`blok`"), "{errors:?}");
}

/// No downgrade of a marking rule applies to a match that is the whole
/// of its line in the header position; below it, and inside running
/// text, the downgrades still apply; `on_header_line` lifts the guard.
#[test]
fn downgrades_never_apply_to_a_header_line() {
    let yaml = format!(
        "{HEAD}  - id: marking.x\n    severity: block\n    message: m\n    terms: [绝密]\n    downgrade:\n      - {{to: info, when: quoted, reason: q}}\n      - {{to: review, when: near, terms: [说明], within: 0, reason: n}}\n    examples: {{match: [绝密]}}\n  - id: marking.y\n    severity: block\n    message: m\n    terms: [机密]\n    downgrade:\n      - {{to: info, when: near, terms: [PUBLIC], within: 0, on_header_line: true, reason: p}}\n    examples: {{match: [机密]}}\n"
    );
    let set = load_sources(&source(&yaml)).expect("pack loads");
    let severity = |text: &str| {
        crate::rules::examples::matches_in_text(text, &set)
            .into_iter()
            .map(|m| (set.rules()[m.rule].id.clone(), m.severity))
            .collect::<Vec<_>>()
    };
    let x = |s| vec![("marking.x".to_owned(), s)];
    assert_eq!(severity("“绝密”\n说明"), x(Severity::Block));
    assert_eq!(severity("★ 绝密 ★\n说明"), x(Severity::Block));
    let deep = "正文\n".repeat(9);
    assert_eq!(
        severity(&format!("{deep}“绝密”\n说明")),
        x(Severity::Review)
    );
    assert_eq!(severity("文件印有“绝密”字样"), x(Severity::Info));
    assert_eq!(
        severity("机密\nPUBLIC"),
        vec![("marking.y".to_owned(), Severity::Info)]
    );
}

#[test]
fn patterns_with_traditional_characters_meet_folded_text() {
    let yaml = format!(
        "{HEAD}  - id: term.x\n    severity: review\n    message: m\n    pattern: '機密文件'\n    examples: {{match: [機密文件, 机密文件]}}\n"
    );
    let set = load_sources(&source(&yaml)).expect("pack loads");
    assert_eq!(
        crate::rules::examples::matches_in_text("機密文件", &set).len(),
        1
    );
    assert_eq!(
        crate::rules::examples::matches_in_text("机密文件", &set).len(),
        1
    );
}

#[test]
fn builtin_packs_compile() {
    let set = RuleSet::builtin().expect("built-in packs compile");
    assert!(set.rules().len() > 10);
    assert!(set.info().digest.starts_with("sha256:"));
}

/// A watch-list term is found however it is written: traditional or
/// simplified, full or half width, any case for its pinyin, one or two noise
/// characters between its characters; pinyin and initials only for the term
/// that asks. Each finding carries the term's severity, category and reason.
#[test]
fn watch_list_terms_are_found_through_their_variants() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("terms.txt"),
        "法轮功\treview\t邪教组织名称\tpinyin,initials\n蓝鲸工程\tblock\t本单位涉密项目代号\n三号库区\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("terms.yaml"),
        "terms:\n  - term: 天河项目\n    severity: review\n    category: marking\n    reason: 项目代号\n",
    )
    .expect("write");
    let yaml = format!(
        "{HEAD}  - id: term.org.lexicon\n    severity: info\n    message: 本单位保密事项\n    terms_file: terms.txt\n  - id: term.org.yaml\n    severity: info\n    message: 项目\n    terms_file: terms.yaml\n  - id: term.org.inline\n    severity: review\n    message: 内联\n    terms: [白塔计划]\n    examples: {{match: [白塔计划], no_match: [白塔]}}\n"
    );
    let set = load_sources(&[PackSource {
        origin: "org.yaml".into(),
        yaml,
        base_dir: Some(dir.path().to_path_buf()),
        embedded_terms_files: Default::default(),
    }])
    .expect("pack loads");
    let found = |text: &str| {
        crate::review::findings_in_text(text, &set)
            .into_iter()
            .map(|f| (f.rule, f.severity, f.text))
            .collect::<Vec<_>>()
    };
    let lexicon =
        |severity, text: &str| vec![("term.org.lexicon".to_owned(), severity, text.to_owned())];
    for written in [
        "法轮功",
        "法輪功",
        "法*轮*功",
        "法.轮.功",
        "法_轮_功",
        "法＊轮＊功",
        "法·轮·功",
        "法 * 轮 * 功",
        "法--轮功",
        "falungong",
        "FaLunGong",
        "ＦＡＬＵＮＧＯＮＧ",
        "flg",
        "FLG",
    ] {
        assert_eq!(
            found(&format!("关于{written}的材料")),
            lexicon(Severity::Review, written),
            "{written}"
        );
    }
    // Three noise characters, sentence punctuation, a line break, letters
    // touching the spelling: not the term.
    for other in [
        "法***轮功",
        "法、轮、功",
        "法\n轮功",
        "flgx",
        "falungongs",
        "法轮",
    ] {
        assert!(found(other).is_empty(), "{other}: {:?}", found(other));
    }
    assert_eq!(
        found("蓝*鲸*工*程"),
        lexicon(Severity::Block, "蓝*鲸*工*程")
    );
    // No pinyin unless the term asks for it.
    assert!(found("lanjinggongcheng").is_empty());
    assert!(found("sanhaokuqu").is_empty());
    assert_eq!(found("三號庫區"), lexicon(Severity::Info, "三號庫區"));
    // Inline `terms:` rules do not look through noise unless they say so.
    assert!(found("白*塔*计*划").is_empty());
    let findings = crate::review::findings_in_text("蓝鲸工程；天河項目", &set);
    assert!(
        findings[0].message.contains("本单位涉密项目代号"),
        "{:?}",
        findings[0]
    );
    assert_eq!(findings[1].rule, "term.org.yaml");
    assert_eq!(findings[1].category, Category::Marking);
    assert_eq!(findings[1].severity, Severity::Review);
    assert!(findings[1].message.contains("项目代号"));
}

#[test]
fn lexicon_errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("terms.txt"),
        "甲\n乙\tblock\t理由\tpinyim\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("bad.txt"), [0xff, 0xfe, 0x00]).expect("write");
    let result = load_sources(&[PackSource {
        origin: "org.yaml".into(),
        yaml: format!(
            "{HEAD}  - id: term.org.a\n    severity: info\n    message: m\n    terms_file: terms.txt\n  - id: term.org.b\n    severity: info\n    message: m\n    terms_file: bad.txt\n"
        ),
        base_dir: Some(dir.path().to_path_buf()),
        embedded_terms_files: Default::default(),
    }]);
    let errors: Vec<String> = result
        .expect_err("errors")
        .into_iter()
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("terms.txt:2:") && e.contains("pinyim")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("bad.txt") && e.contains("UTF-8")),
        "{errors:?}"
    );
}

#[test]
fn each_term_keeps_its_own_owners_in_rule_order() {
    let owner = |rule| TermOwner {
        rule,
        severity: None,
        category: None,
        reason: None,
    };
    let slotted = vec![(1, owner(0)), (0, owner(1)), (2, owner(2)), (1, owner(3))];
    let owners = TermOwners::from_slots(slotted, 3);
    let rules = |pattern| -> Vec<usize> { owners.of(pattern).iter().map(|o| o.rule).collect() };
    assert_eq!(rules(0), [1]);
    assert_eq!(rules(1), [0, 3]);
    assert_eq!(rules(2), [2]);
}

#[test]
fn a_term_two_rules_share_is_found_for_both() {
    let yaml = format!(
        "{HEAD}  - id: term.a\n    severity: review\n    message: a\n    terms: [内部资料]\n    examples: {{match: [内部资料]}}\n  - id: term.b\n    severity: block\n    message: b\n    terms: [工作秘密, 内部资料]\n    examples: {{match: [工作秘密]}}\n"
    );
    let rules = load_sources(&source(&yaml)).unwrap();
    let found: Vec<String> = crate::review::findings_in_text("这是内部资料和工作秘密", &rules)
        .into_iter()
        .map(|f| format!("{}:{}", f.rule, f.text))
        .collect();
    assert_eq!(
        found,
        ["term.a:内部资料", "term.b:内部资料", "term.b:工作秘密"]
    );
}

#[test]
fn a_pack_digest_is_of_its_text_then_its_terms_files_built_in_or_not() {
    let builtin = super::super::builtin::BUILTIN_PACKS[0].1;
    for text in [builtin, "name: t\n"] {
        let whole = |extra: &[u8]| {
            let mut hasher = Sha256::new();
            hasher.update(text.as_bytes());
            hasher.update(extra);
            hex::encode(hasher.finalize())
        };
        assert_eq!(PackDigest::new(text).finish(), whole(b""));
        let mut digest = PackDigest::new(text);
        digest.update(b"term\n");
        digest.update(b"other\n");
        assert_eq!(digest.finish(), whole(b"term\nother\n"));
    }
}

/// The built-in packs' pattern set is built on first need, not at load: it
/// must still compile, and over every example text (each alone and all of
/// them together) each pattern the set reports is a candidate of the gates
/// that choose patterns for short texts.
#[test]
fn built_in_gates_pass_every_pattern_the_set_reports() {
    let set = RuleSet::builtin().unwrap();
    assert!(set.pattern_set.set.get().is_none(), "built at load");
    let all = set.pattern_set.get();
    assert_eq!(all.len(), set.pattern_rules.len());
    let mut texts: Vec<String> = Vec::new();
    for rule in &set.rules {
        texts.extend(rule.examples_match.iter().map(|e| e.text.clone()));
        texts.extend(rule.examples_no_match.iter().cloned());
    }
    let together = texts.join("\n");
    texts.push(together);
    let mut reported = 0;
    for text in &texts {
        let text = crate::rules::normalize::normalize(text).text;
        let candidates = set.gates.candidates(&text);
        for index in all.matches(&text) {
            reported += 1;
            assert!(
                candidates.contains(&index),
                "{} matches {text:?} but its gate says it cannot",
                set.rules[set.pattern_rules[index]].id
            );
        }
    }
    assert!(reported > 100, "{reported}");
}

/// A pack not built in has its whole pattern set compiled at load, so that
/// a pattern too big to compile is the pack's error, with the rule named.
#[test]
fn another_pack_builds_its_pattern_set_at_load() {
    let yaml = format!(
        "{HEAD}  - id: term.a\n    severity: review\n    message: a\n    pattern: '机密[0-9]'\n    examples: {{match: [机密1]}}\n"
    );
    let rules = load_sources(&source(&yaml)).unwrap();
    assert!(rules.pattern_set.set.get().is_some());
}

/// A large lexicon beside a pack whose terms do not see through noise is
/// built into both automata at once, on two threads: each finds what it
/// should (the lexicon's terms plainly and through noise, the other
/// pack's plainly only).
#[test]
fn a_large_lexicon_is_in_both_automata() {
    let lexicon: Vec<String> = (0..PARALLEL_BUILD_TERMS + 10)
        .map(|i| {
            let a = char::from_u32(0x4E00 + (i % 2000) as u32).unwrap();
            let b = char::from_u32(0x5E00 + (i / 2000) as u32).unwrap();
            format!("{a}{b}审查词")
        })
        .collect();
    let yaml = format!(
        "{HEAD}  - id: term.lexicon\n    severity: review\n    message: l\n    noise: true\n    terms: [{}]\n    examples: {{match: [{}]}}\n  - id: term.plain\n    severity: review\n    message: p\n    noise: false\n    terms: [保密字样]\n    examples: {{match: [保密字样]}}\n",
        lexicon.join(", "),
        lexicon[0]
    );
    let rules = load_sources(&source(&yaml)).unwrap();
    assert!(rules.noise_literal.is_some());
    let last = &lexicon[PARALLEL_BUILD_TERMS + 7];
    let spaced: String = last.chars().map(|c| format!("{c}*")).collect();
    let text = format!("{}，{spaced}，保密字样，保*密*字*样", lexicon[3]);
    let index = crate::rules::DocumentIndex::new(vec![&text]);
    let view = crate::rules::SegmentView {
        part: Part::Body,
        kind: crate::extract::document::TextKind::Prose,
        text: &text,
        body_lines_before: 0,
        page_picture: false,
        document: &index,
        top_lines: Default::default(),
    };
    // Raw matches, before overlaps of one rule are dropped: a term is
    // found once for each skeleton window that holds it.
    let found: std::collections::BTreeSet<(&str, &str)> = rules
        .find(&view)
        .iter()
        .map(|m| (rules.rules[m.rule].id.as_str(), &text[m.start..m.end]))
        .collect();
    let lexicon_hits = found.iter().filter(|(id, _)| *id == "term.lexicon").count();
    assert_eq!(lexicon_hits, 2, "{found:?}");
    assert_eq!(
        found.iter().filter(|(id, _)| *id == "term.plain").count(),
        1,
        "{found:?}"
    );
}

/// Every built-in pattern was read when prepub was built, and what was
/// worked out then is what reading it now works out.
#[test]
fn built_in_patterns_are_analysed_at_build_time() {
    let set = RuleSet::builtin().unwrap();
    assert!(!set.pattern_rules.is_empty());
    for &rule_index in &set.pattern_rules {
        let rule = &set.rules[rule_index];
        let Matcher::Pattern(pattern) = &rule.matcher else {
            unreachable!("pattern_rules holds pattern rules");
        };
        let prebuilt = prebuilt_analysis(pattern.as_str()).unwrap_or_else(|| {
            panic!(
                "{}: not analysed at build time: {}",
                rule.id,
                pattern.as_str()
            )
        });
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(pattern.as_str())
            .unwrap();
        let now = (
            literals::required_literals(&hir),
            !literals::can_hold_a_line_break(&hir),
        );
        assert_eq!(prebuilt, now, "{}", rule.id);
        assert_eq!(pattern.within_a_line, now.1, "{}", rule.id);
    }
    assert!(prebuilt_analysis("not a built-in pattern [0-9]").is_none());
    // The folds build.rs wrote are the folds of the patterns as written.
    assert!(!PREBUILT_FOLDS.is_empty());
    for (pattern, folded) in PREBUILT_FOLDS {
        assert_eq!(fold_pattern(pattern), *folded, "{pattern}");
        assert!(matches!(super::folded(pattern), Cow::Borrowed(_)));
    }
    assert!(PREBUILT_FOLDS.windows(2).all(|w| w[0].0 < w[1].0));
    assert!(matches!(super::folded("機密[0-9]"), Cow::Owned(_)));
    assert_eq!(super::folded("機密[0-9]"), fold_pattern("機密[0-9]"));
}

/// A pattern's light build finds what its full build finds, on every
/// built-in pattern's examples run together and one by one.
#[test]
fn light_and_full_builds_find_the_same_matches() {
    let set = RuleSet::builtin().unwrap();
    let mut texts: Vec<String> = Vec::new();
    for rule in set.rules() {
        texts.extend(rule.examples_match.iter().map(|e| e.text.clone()));
        texts.extend(rule.examples_no_match.iter().cloned());
    }
    let all = texts.join("\n");
    texts.push(all);
    for &rule_index in &set.pattern_rules {
        let Matcher::Pattern(pattern) = &set.rules[rule_index].matcher else {
            unreachable!("pattern_rules holds pattern rules");
        };
        let full = build_meta(pattern.as_str(), Build::Full).unwrap();
        let light = build_meta(pattern.as_str(), Build::Light).unwrap();
        for text in &texts {
            let spans = |regex: &regex_automata::meta::Regex| -> Vec<(usize, usize)> {
                regex
                    .find_iter(text)
                    .map(|m| (m.start(), m.end()))
                    .collect()
            };
            assert_eq!(spans(&full), spans(&light), "{}", pattern.as_str());
        }
    }
}
