//! The formats of issue 6 against the shared corpus of real documents
//! (`../shared/corpus`, see its NOTES.md and MANIFEST.tsv).
//!
//! Expected text is computed here from the files themselves (the `TextCode`
//! elements of every OFD part), never copied from prepub's output, so a test
//! fails when prepub drops or mangles text. When the corpus is absent the
//! tests print why and pass without checking anything.

use prepub::extract::document::{Extraction, ExtractionStatus, Part};
use prepub::extract::limits::{Deadline, Limits};
use prepub::extract::{Format, Request, detect, extract};
use quick_xml::events::Event;
use std::io::Read;
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::var_os("PREPUB_CORPUS") {
        candidates.push(PathBuf::from(dir));
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    candidates.push(PathBuf::from("/work/shared/corpus"));
    let found = candidates
        .into_iter()
        .find(|dir| dir.join("MANIFEST.tsv").is_file());
    if found.is_none() {
        eprintln!("corpus not found (set PREPUB_CORPUS): skipping corpus checks");
    }
    found
}

fn files_with_extension(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus directory is readable")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case(extension))
        })
        .collect();
    files.sort();
    files
}

/// The `notable` column of MANIFEST.tsv for a file.
fn manifest_note(corpus: &Path, file_name: &str) -> String {
    let manifest = std::fs::read_to_string(corpus.join("MANIFEST.tsv")).expect("manifest");
    manifest
        .lines()
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .find(|columns| columns.first() == Some(&file_name))
        .and_then(|columns| columns.get(7).map(|note| note.to_string()))
        .unwrap_or_default()
}

fn run(path: &Path) -> (Format, Extraction) {
    let bytes = std::fs::read(path).expect("corpus file is readable");
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let limits = Limits::default();
    let request = Request {
        bytes: &bytes,
        name: &name,
        limits: &limits,
        deadline: Deadline::never(),
        passwords: &[],
    };
    let format = detect(&bytes, &name);
    (format, extract(format, &request))
}

fn all_text(extraction: &Extraction) -> String {
    extraction
        .segments
        .iter()
        .map(|segment| segment.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn without_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn is_private_use(c: char) -> bool {
    matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD)
}

/// Every `TextCode` text of every XML entry of an OFD package, read with
/// the zip and quick-xml crates directly.
fn text_codes(path: &Path) -> Vec<(String, String)> {
    let file = std::fs::File::open(path).expect("open");
    let mut archive = zip::ZipArchive::new(file).expect("OFD is a zip");
    let mut found = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).expect("entry");
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        if !name.to_lowercase().ends_with(".xml") {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("entry inflates");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let mut reader = quick_xml::Reader::from_str(&text);
        let mut inside = false;
        let mut current = String::new();
        loop {
            match reader.read_event() {
                Ok(Event::Start(start)) if start.local_name().as_ref() == "TextCode" => {
                    inside = true;
                    current.clear();
                }
                Ok(Event::End(end)) if end.local_name().as_ref() == "TextCode" => {
                    inside = false;
                    found.push((name.clone(), std::mem::take(&mut current)));
                }
                Ok(Event::Text(text)) if inside => current.push_str(&text.xml10_content()),
                Ok(Event::CData(data)) if inside => current.push_str(&data.xml10_content()),
                Ok(Event::GeneralRef(reference)) if inside => {
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => match &*reference {
                            "lt" => "<".into(),
                            "gt" => ">".into(),
                            "amp" => "&".into(),
                            "apos" => "'".into(),
                            "quot" => "\"".into(),
                            other => format!("&{other};"),
                        },
                    };
                    current.push_str(&resolved);
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
        }
    }
    found
}

/// 18-character resident ID numbers with a valid GB 11643 check character
/// and a real birth date, bounded by non-digits.
fn valid_id_numbers(text: &str) -> Vec<String> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let pattern = regex::Regex::new(r"(?-u:\b)?[0-9]{17}[0-9Xx]").unwrap();
    let bytes = text.as_bytes();
    pattern
        .find_iter(text)
        .filter(|m| {
            let before = m.start().checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(m.end()).copied();
            !before.is_some_and(|b| b.is_ascii_digit())
                && !after.is_some_and(|b| b.is_ascii_alphanumeric())
        })
        .map(|m| m.as_str().to_owned())
        .filter(|id| {
            let digits: Vec<u32> = id.chars().take(17).filter_map(|c| c.to_digit(10)).collect();
            let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
            let check_ok =
                CHECK[(sum % 11) as usize] == id.chars().last().unwrap().to_ascii_uppercase();
            let year: u32 = id[6..10].parse().unwrap();
            let month: u32 = id[10..12].parse().unwrap();
            let day: u32 = id[12..14].parse().unwrap();
            check_ok
                && (1880..=2030).contains(&year)
                && (1..=12).contains(&month)
                && (1..=31).contains(&day)
        })
        .collect()
}

fn digit_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut current = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            current.push(c);
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    runs
}

fn has_mobile(text: &str) -> bool {
    // A mobile number is 11 digits starting 1[3-9]; on invoices it is often
    // glued to a landline or address digits, so look inside digit runs too.
    digit_runs(text).iter().any(|run| {
        run.as_bytes()
            .windows(11)
            .any(|window| window[0] == b'1' && (b'3'..=b'9').contains(&window[1]))
            && run.len() >= 11
    })
}

#[test]
fn every_ofd_extracts_with_the_expected_status() {
    let Some(corpus) = corpus() else { return };
    let files = files_with_extension(&corpus, "ofd");
    assert_eq!(files.len(), 48, "the corpus has 48 OFD files");
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let note = manifest_note(&corpus, &name);
        let (format, extraction) = run(&path);
        assert_eq!(format, Format::Ofd, "{name} is detected as OFD");
        let expected = if note.contains("PRIVATE-USE") || note.contains("no TextCode") {
            ExtractionStatus::Partial
        } else {
            ExtractionStatus::Complete
        };
        assert_eq!(
            extraction.status(),
            expected,
            "{name}: problems {:?}",
            extraction.problems
        );
        assert!(extraction.pages.unwrap_or(0) >= 1, "{name} has pages");
    }
}

#[test]
fn ofd_text_contains_every_unicode_text_code() {
    let Some(corpus) = corpus() else { return };
    let mut checked = 0;
    for path in files_with_extension(&corpus, "ofd") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (_, extraction) = run(&path);
        let text = without_whitespace(&all_text(&extraction));
        for (part, code) in text_codes(&path) {
            if code.chars().any(is_private_use) {
                continue;
            }
            let code = without_whitespace(&code);
            if code.is_empty() {
                continue;
            }
            assert!(
                text.contains(&code),
                "{name}: text {code:?} of {part} is missing from the extraction"
            );
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} text codes were checked");
}

#[test]
fn ofd_personal_data_is_in_the_text() {
    let Some(corpus) = corpus() else { return };
    for path in files_with_extension(&corpus, "ofd") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let note = manifest_note(&corpus, &name);
        let (_, extraction) = run(&path);
        let text = all_text(&extraction);
        if note.contains("ID-number-like") || note.contains("18-digit PRC ID") {
            assert!(
                !valid_id_numbers(&text).is_empty(),
                "{name}: no valid ID number in the text"
            );
        }
        if note.contains("false-positive test") {
            assert!(
                valid_id_numbers(&text).is_empty(),
                "{name}: permit numbers must not pass as ID numbers: {:?}",
                valid_id_numbers(&text)
            );
        }
        if note.contains("mobile-like") {
            assert!(has_mobile(&text), "{name}: no mobile number in the text");
        }
        if note.contains("bank account") || note.contains("bank receipt") {
            assert!(
                digit_runs(&text)
                    .iter()
                    .any(|run| (16..=25).contains(&run.len())),
                "{name}: no bank account number in the text"
            );
        }
    }
}

#[test]
fn ofd_watermark_is_an_annotation() {
    let Some(corpus) = corpus() else { return };
    for file in [
        "ofdrw_tool__hello_watermark.ofd",
        "ofdrw_converter__ano.ofd",
    ] {
        let (_, extraction) = run(&corpus.join(file));
        assert!(
            extraction
                .segments
                .iter()
                .any(|s| s.part == Part::Annotation
                    && s.text.contains("保密资料")
                    && s.page.is_some()),
            "{file}: no annotation segment with 保密资料"
        );
        assert!(
            !extraction
                .segments
                .iter()
                .any(|s| s.part == Part::Body && s.text.contains("保密资料")),
            "{file}: the watermark is not body text"
        );
    }
}

#[test]
fn ofd_glyph_codes_make_the_extraction_partial() {
    let Some(corpus) = corpus() else { return };
    let (_, extraction) = run(&corpus.join("ofdrw_converter__ano.ofd"));
    assert!(
        extraction
            .problems
            .iter()
            .any(|p| p.message.contains("private-use")),
        "{:?}",
        extraction.problems
    );
}

#[test]
fn corpus_html_reads_its_svg_text_line_by_line() {
    let Some(corpus) = corpus() else { return };
    let path = corpus.join("ofdrw_converter__n_公文_svg.html");
    let source = std::fs::read_to_string(&path).expect("the page is UTF-8");
    let (format, extraction) = run(&path);
    assert_eq!(format, Format::Html);
    assert_eq!(extraction.status(), ExtractionStatus::Complete);
    let body: Vec<&str> = extraction
        .segments
        .iter()
        .filter(|s| s.part == Part::Body)
        .flat_map(|s| s.text.lines())
        .collect();
    // Each small <svg> of the page draws one line, one <text> per glyph.
    let glyph = regex::Regex::new(r"<text[^>]*>([^<]*)</text>").unwrap();
    let mut lines = 0;
    for svg in source.split("<svg").skip(1) {
        let svg = svg.split("</svg>").next().unwrap_or("");
        let line: String = glyph.captures_iter(svg).map(|c| c[1].to_string()).collect();
        if line.trim().is_empty() {
            continue;
        }
        assert!(
            body.contains(&line.trim()),
            "line {line:?} not found in {body:?}"
        );
        lines += 1;
    }
    assert!(lines >= 10, "only {lines} lines checked");
}

#[test]
fn legacy_word_is_read_and_its_macros_noted() {
    let Some(corpus) = corpus() else { return };
    let (format, extraction) = run(&corpus.join("clamavfuzz__Hello.Macro.Word97-2004.doc"));
    assert_eq!(format, Format::Doc);
    assert_ne!(
        extraction.status(),
        ExtractionStatus::Failed,
        "{:?}",
        extraction.problems
    );
    assert!(
        extraction.segments.iter().any(|s| s.part == Part::Body),
        "{:?}",
        extraction.segments
    );
    assert!(
        extraction
            .notices
            .iter()
            .any(|n| n.rule == "hidden.doc.macros"),
        "{:?}",
        extraction.notices
    );
}

#[test]
fn corpus_zip_archives_are_opened_or_refused_with_a_reason() {
    let Some(corpus) = corpus() else { return };
    let limits = Limits::default();
    for path in files_with_extension(&corpus, "zip") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let started = std::time::Instant::now();
        let result = prepub::extract::archive::members(&bytes, &limits);
        assert!(started.elapsed().as_secs() < 30, "{name} took too long");
        match &result {
            Ok(members) => {
                for member in members {
                    if let Err(why) = &member.content {
                        assert!(!why.is_empty(), "{name}: a member failed without a reason");
                    }
                }
            }
            Err(why) => assert!(!why.is_empty(), "{name}: failed without a reason"),
        }
        if name == "libzip__incons-eocd64.zip" {
            assert!(
                result.is_err(),
                "a damaged directory listing nothing is not an empty pass"
            );
        }
        if name == "libzip__broken.zip" {
            let members = result.as_ref().expect("the directory is intact");
            let failed = members.iter().filter(|m| m.content.is_err()).count();
            assert_eq!(
                failed, 4,
                "CRC errors, a corrupt stream and an encrypted entry"
            );
        }
        if name == "libzip__bigzero-zip.zip" {
            let members = result.expect("the outer archive opens");
            assert!(
                members
                    .iter()
                    .any(|m| m.content.as_ref().is_err_and(
                        |why| why.contains("zip bomb") || why.contains("--max-part-size")
                    )),
                "the bomb is refused"
            );
        }
    }
}

#[test]
fn hostile_zips_through_every_reader_of_these_formats() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("made-malformed");
    if !dir.is_dir() {
        eprintln!("no made-malformed directory: skipping");
        return;
    }
    let limits = Limits::default();
    for file in [
        "zipbomb-1GiB.docx",
        "truncated-half.docx",
        "corrupt-deflate.docx",
        "not-a-zip.docx",
    ] {
        let bytes = std::fs::read(dir.join(file)).expect("malformed sample");
        for format in [Format::Ofd, Format::Xlsx, Format::Pptx, Format::Odt] {
            let request = Request {
                bytes: &bytes,
                name: file,
                limits: &limits,
                deadline: Deadline::never(),
                passwords: &[],
            };
            let started = std::time::Instant::now();
            let extraction = extract(format, &request);
            // The bomb must be refused by a limit, which the extraction
            // names (below); how long reaching that limit takes (inflating
            // up to --max-part-size, 12 s in a debug build on a loaded
            // machine) is the machine's business, so the time bound is only
            // a hang guard.
            assert!(
                started.elapsed().as_secs() < 180,
                "{file} as {format} took {:?}",
                started.elapsed()
            );
            // XLSX and PPTX read every part, the bomb too; OFD and ODF stop
            // at their missing entry point before it.
            if file == "zipbomb-1GiB.docx" && matches!(format, Format::Xlsx | Format::Pptx) {
                let problems: Vec<&str> = extraction
                    .problems
                    .iter()
                    .map(|p| p.message.as_str())
                    .collect();
                assert!(
                    problems.iter().any(|p| p.contains("--max-part-size")
                        || p.contains("--max-inflated")
                        || p.contains("zip bomb")),
                    "{file} as {format}: refused by a limit that says so: {problems:?}"
                );
            }
            assert_ne!(
                extraction.status(),
                ExtractionStatus::Complete,
                "{file} read as {format} must not pass"
            );
            assert!(
                extraction.problems.iter().all(|p| !p.message.is_empty()),
                "{file} as {format}: a problem without a message"
            );
        }
    }
}

/// Through the whole pipeline (extract → rules → review): the corpus files
/// the manifest says carry personal data produce personal findings, and the
/// watermark-only marking is found in the annotation part.
#[test]
fn ofd_reviews_find_personal_data_and_the_watermark() {
    use prepub::batch::file::{ScanOptions, scan_bytes};
    use prepub::extract::document::Category;
    use prepub::rules::RuleSet;
    let Some(corpus) = corpus() else { return };
    let rules = RuleSet::builtin().expect("built-in rule packs");
    let options = ScanOptions::default();
    for path in files_with_extension(&corpus, "ofd") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let note = manifest_note(&corpus, &name);
        let carries_personal = note.contains("ID-number-like")
            || note.contains("18-digit PRC ID")
            || note.contains("mobile-like")
            || note.contains("bank account")
            || note.contains("bank receipt");
        let bytes = std::fs::read(&path).unwrap();
        let reviews = scan_bytes(&name, &bytes, &rules, &options);
        let findings: Vec<_> = reviews.iter().flat_map(|r| &r.findings).collect();
        if carries_personal {
            assert!(
                findings.iter().any(|f| f.category == Category::Personal),
                "{name}: no personal finding; rules fired: {:?}",
                findings.iter().map(|f| &f.rule).collect::<Vec<_>>()
            );
        }
        if name == "ofdrw_tool__hello_watermark.ofd" {
            assert!(
                findings
                    .iter()
                    .any(|f| f.location.part == Part::Annotation && f.text.contains("保密")),
                "{name}: the watermark is not a finding: {:?}",
                findings
                    .iter()
                    .map(|f| (&f.rule, &f.text, f.location.part))
                    .collect::<Vec<_>>()
            );
        }
    }
}
