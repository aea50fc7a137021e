//! Audit integrity fails closed (issue 14, "Audit integrity"): `verify`
//! never says "reproduced" for a review that was edited — its summary, its
//! reasons, a document deleted from it, packs weakened and relabelled
//! `builtin:` — and an extraction-cache entry is trusted only if its MAC
//! under the cache's own secret verifies.
//!
//! Each test scans real files through the binary, tampers with the result
//! (the JSON through serde_json, the cache entry on disk) and checks that
//! the next run names what was done.
#![cfg(unix)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(120);

const MARKED: &str = "关于做好防汛工作的通知\n机密★1年\n联系人手机13912345678\n";
const CLEAN: &str = "关于开展全民健身活动的通知\n各区县：\n";

fn prepub(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("prepub").expect("the prepub binary");
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .timeout(TIMEOUT);
    command
}

/// A batch folder: docs/a.txt (marked) and docs/b.txt (clean).
fn batch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    std::fs::write(dir.path().join("docs/a.txt"), MARKED).unwrap();
    std::fs::write(dir.path().join("docs/b.txt"), CLEAN).unwrap();
    dir
}

/// `scan docs -o review.json` (plus `extra`); returns the review.
fn save_review(dir: &Path, extra: &[&str]) -> Value {
    prepub(dir)
        .args(["scan", "docs", "--no-progress", "--fail-on", "never"])
        .args(["-o", "review.json"])
        .args(extra)
        .assert()
        .code(0);
    read_review(dir)
}

fn read_review(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("review.json")).unwrap()).unwrap()
}

fn write_review(dir: &Path, review: &Value) {
    std::fs::write(dir.join("review.json"), serde_json::to_vec(review).unwrap()).unwrap();
}

/// Runs `verify review.json` (plus `extra`); returns the exit code and
/// standard output.
fn verify(dir: &Path, extra: &[&str]) -> (i32, String) {
    verify_file(dir, "review.json", extra)
}

fn verify_file(dir: &Path, review: &str, extra: &[&str]) -> (i32, String) {
    let output = prepub(dir)
        .args(["verify", review])
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let code = output.status.code().unwrap_or_else(|| {
        panic!(
            "killed: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (code, stdout + &String::from_utf8_lossy(&output.stderr))
}

/// `verify` must fail (exit 1) and say `says`.
fn not_reproduced(dir: &Path, says: &str) -> String {
    let (code, text) = verify(dir, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains(says), "expected {says:?} in:\n{text}");
    assert!(text.contains("not reproduced"), "{text}");
    text
}

fn document<'a>(review: &'a mut Value, path: &str) -> &'a mut Value {
    review["documents"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|d| d["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in the review"))
}

/// The summary the review's documents add up to (as an honest editor
/// would leave it, so that only the rerun can tell).
fn recount(review: &mut Value) {
    let documents = review["documents"].as_array().unwrap().clone();
    let count = |verdict: &str| documents.iter().filter(|d| d["verdict"] == verdict).count();
    let findings: usize = documents
        .iter()
        .map(|d| d["findings"].as_array().unwrap().len())
        .sum();
    review["summary"] = serde_json::json!({
        "documents": documents.len(),
        "pass": count("pass"),
        "review": count("review"),
        "block": count("block"),
        "findings": findings,
    });
}

#[test]
fn an_untouched_review_is_reproduced() {
    let dir = batch();
    let review = save_review(dir.path(), &[]);
    assert_eq!(
        review["options"]["inputs"]["paths"],
        serde_json::json!(["docs"])
    );
    let (code, text) = verify(dir.path(), &[]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("reproduced: 2 documents, 2 findings identical"),
        "{text}"
    );
    assert!(
        text.contains("note: the recorded inputs, walked again: paths [docs]"),
        "{text}"
    );
}

#[test]
fn a_review_saved_among_its_inputs_is_not_taken_for_a_document() {
    // `scan . -o review.json`: the review lies in the folder it reviewed,
    // written after the walk.
    let dir = batch();
    prepub(dir.path())
        .args(["scan", "docs", "--no-progress", "--fail-on", "never"])
        .args(["-o", "docs/review.json"])
        .assert()
        .code(0);
    let (code, text) = verify_file(dir.path(), "docs/review.json", &[]);
    assert_eq!(code, 0, "{text}");
    // Any other new file there is one the review lacks.
    std::fs::write(dir.path().join("docs/c.txt"), CLEAN).unwrap();
    let (code, text) = verify_file(dir.path(), "docs/review.json", &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("docs/c.txt: missing from the review"),
        "{text}"
    );
}

#[test]
fn an_edited_summary_is_not_reproduced() {
    let dir = batch();
    let mut review = save_review(dir.path(), &[]);
    review["summary"]["block"] = 0.into();
    review["summary"]["pass"] = 2.into();
    write_review(dir.path(), &review);
    let text = not_reproduced(
        dir.path(),
        "(summary): block: the review says 0 but its documents count 1 (the summary was edited)",
    );
    assert!(
        text.contains("(summary): pass: the review says 2"),
        "{text}"
    );
}

#[test]
fn an_edited_verdict_and_its_reasons_are_not_reproduced() {
    let dir = batch();
    let mut review = save_review(dir.path(), &[]);
    let marked = document(&mut review, "docs/a.txt");
    marked["verdict"] = "pass".into();
    marked["reasons"] = serde_json::json!(["reviewed by the office: nothing to report"]);
    recount(&mut review);
    write_review(dir.path(), &review);
    let text = not_reproduced(dir.path(), "docs/a.txt: verdict pass → block");
    assert!(
        text.contains(
            "docs/a.txt: reasons [reviewed by the office: nothing to report] → [1 blocking finding(s): marking.cn.level-star"
        ),
        "{text}"
    );
    assert!(text.contains("(summary): block 0 → 1"), "{text}");
}

#[test]
fn edited_reasons_alone_are_not_reproduced() {
    let dir = batch();
    let mut review = save_review(dir.path(), &[]);
    document(&mut review, "docs/b.txt")["reasons"] = serde_json::json!(["cleared"]);
    write_review(dir.path(), &review);
    not_reproduced(dir.path(), "docs/b.txt: reasons [cleared] → [");
}

#[test]
fn a_document_deleted_from_the_review_is_not_reproduced() {
    let dir = batch();
    let mut review = save_review(dir.path(), &[]);
    review["documents"]
        .as_array_mut()
        .unwrap()
        .retain(|d| d["path"] != "docs/a.txt");
    recount(&mut review);
    write_review(dir.path(), &review);
    let text = not_reproduced(
        dir.path(),
        "docs/a.txt: missing from the review: the recorded inputs hold it now (2 findings, verdict block)",
    );
    assert!(text.contains("1 of 2 documents differ"), "{text}");
}

#[test]
fn a_file_deleted_since_the_review_is_not_reproduced() {
    let dir = batch();
    save_review(dir.path(), &[]);
    std::fs::remove_file(dir.path().join("docs/a.txt")).unwrap();
    not_reproduced(dir.path(), "docs/a.txt: missing: no such file");
}

#[test]
fn a_review_whose_inputs_were_removed_is_not_reproduced() {
    let dir = batch();
    let mut review = save_review(dir.path(), &[]);
    review["options"].as_object_mut().unwrap().remove("inputs");
    review["documents"]
        .as_array_mut()
        .unwrap()
        .retain(|d| d["path"] != "docs/a.txt");
    recount(&mut review);
    write_review(dir.path(), &review);
    not_reproduced(
        dir.path(),
        "(inputs): the review does not record its inputs",
    );
}

#[test]
fn a_list_read_from_standard_input_must_be_given_again() {
    let dir = batch();
    prepub(dir.path())
        .args([
            "scan",
            "--files-from",
            "-",
            "--no-progress",
            "--fail-on",
            "never",
        ])
        .args(["-o", "review.json"])
        .write_stdin("docs/a.txt\ndocs/b.txt\n")
        .assert()
        .code(0);
    let (code, text) = verify(dir.path(), &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("give the same list with --files-from FILE"),
        "{text}"
    );
    std::fs::write(dir.path().join("list.txt"), "docs/a.txt\ndocs/b.txt\n").unwrap();
    let (code, text) = verify(dir.path(), &["--files-from", "list.txt"]);
    assert_eq!(code, 0, "{text}");
    // A list that leaves one out is caught as the document the review has
    // and the inputs do not.
    std::fs::write(dir.path().join("short.txt"), "docs/b.txt\n").unwrap();
    let (code, text) = verify(dir.path(), &["--files-from", "short.txt"]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("docs/a.txt: not among the review's inputs"),
        "{text}"
    );
}

/// The built-in packs, copied to `pack/` with the level-star rule of
/// `cn-markings` (`机密★1年`) lowered from block to info.
fn weakened_packs(dir: &Path) -> PathBuf {
    let packs = dir.join("pack");
    std::fs::create_dir(&packs).unwrap();
    let builtin = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for entry in std::fs::read_dir(&builtin).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let mut text = std::fs::read_to_string(&path).unwrap();
            if path.ends_with("cn-markings.yaml") {
                let star = "  - id: marking.cn.level-star\n    severity: block\n";
                assert!(text.contains(star), "the level-star rule as expected");
                text = text.replacen(
                    star,
                    "  - id: marking.cn.level-star\n    severity: info\n",
                    1,
                );
            }
            std::fs::write(packs.join(path.file_name().unwrap()), text).unwrap();
        }
    }
    packs
}

#[test]
fn a_weakened_pack_relabelled_builtin_is_not_reproduced() {
    let dir = batch();
    weakened_packs(dir.path());
    let mut review = save_review(dir.path(), &["--rules", "pack", "--embed-rules"]);
    assert_ne!(
        document(&mut review, "docs/a.txt")["verdict"],
        "block",
        "the weakened pack lets 机密★1年 through"
    );
    // Honest so far: a custom pack, embedded and named. Now make it read
    // as if the built-in rules had been used.
    for pack in review["rules"]["packs"].as_array_mut().unwrap() {
        let origin = pack["origin"].as_str().unwrap().to_owned();
        let file = Path::new(&origin).file_name().unwrap().to_string_lossy();
        pack["origin"] = format!("builtin:{file}").into();
    }
    write_review(dir.path(), &review);
    let markings = review["rules"]["packs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "cn-markings")
        .unwrap()["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    // The digest this prepub ships, from an honest review.
    let honest = batch();
    let shipped = save_review(honest.path(), &[])["rules"]["packs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "cn-markings")
        .unwrap()["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(markings, shipped);
    let text = not_reproduced(
        dir.path(),
        &format!(
            "(rules): pack `cn-markings` is labelled builtin:cn-markings.yaml but is not a built-in pack of this prepub: its sha256 is {markings}; prepub {} ships builtin:cn-markings.yaml with sha256 {shipped}",
            env!("CARGO_PKG_VERSION")
        ),
    );
    // The other packs are the shipped ones: not reported.
    assert_eq!(text.matches("is labelled builtin:").count(), 1, "{text}");
}

#[test]
fn a_pack_digest_edited_to_the_shipped_one_is_not_reproduced() {
    let dir = batch();
    weakened_packs(dir.path());
    let mut review = save_review(dir.path(), &["--rules", "pack", "--embed-rules"]);
    let honest = batch();
    let shipped = save_review(honest.path(), &[])["rules"].clone();
    // Every recorded digest and label made the shipped one; only the
    // embedded text of cn-markings is still the weakened one.
    for pack in review["rules"]["packs"].as_array_mut().unwrap() {
        let ours = shipped["packs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|ours| ours["name"] == pack["name"])
            .unwrap();
        pack["origin"] = ours["origin"].clone();
        pack["sha256"] = ours["sha256"].clone();
    }
    review["rules"]["digest"] = shipped["digest"].clone();
    write_review(dir.path(), &review);
    let text = not_reproduced(
        dir.path(),
        "(rules): pack `cn-markings`: the review records cn-markings",
    );
    assert!(text.contains("but its embedded text is"), "{text}");
    assert!(
        text.contains("(rules): the embedded packs give digest"),
        "{text}"
    );
}

/// A review that names its packs without their text (the default) can
/// only be rerun with the very packs it names: relabelling a weakened pack
/// `builtin:` makes verify rerun with the shipped packs, whose digest is
/// not the recorded one — an error naming the pack, not a rerun with other
/// rules; the weakened pack given with `--rules` reruns it, and another
/// pack under its name is refused.
#[test]
fn a_review_without_embedded_packs_reruns_only_with_the_packs_it_names() {
    let dir = batch();
    let packs = weakened_packs(dir.path());
    let mut review = save_review(dir.path(), &["--rules", "pack"]);
    assert!(
        review["rules"]["packs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p.get("source").is_none() && p.get("terms_files").is_none()),
        "no pack text by default: {}",
        review["rules"]
    );
    let (code, text) = verify(dir.path(), &["--rules", "pack"]);
    assert_eq!(code, 0, "{text}");
    for pack in review["rules"]["packs"].as_array_mut().unwrap() {
        let origin = pack["origin"].as_str().unwrap().to_owned();
        let file = Path::new(&origin).file_name().unwrap().to_string_lossy();
        pack["origin"] = format!("builtin:{file}").into();
    }
    write_review(dir.path(), &review);
    let output = prepub(dir.path())
        .args(["verify", "review.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(
        error.contains("rule pack `cn-markings`") && error.contains("not the pack the review used"),
        "{error}"
    );
    // Another pack under the recorded name, given with --rules: refused.
    let markings = packs.join("cn-markings.yaml");
    let text = std::fs::read_to_string(&markings).unwrap();
    // Any change makes it another pack: a comment is enough.
    std::fs::write(&markings, format!("{text}\n# edited after the review\n")).unwrap();
    let output = prepub(dir.path())
        .args(["verify", "review.json", "--rules", "pack"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("rule pack `cn-markings`"), "{error}");
}

/// `scan docs --cache cache --format json` (plus `extra`): the review, the
/// exit code and standard error.
fn cached_scan(dir: &Path, cache: &str, extra: &[&str]) -> (Value, i32, String) {
    let output = prepub(dir)
        .args([
            "scan",
            "docs",
            "--format",
            "json",
            "--no-progress",
            "--cache",
            cache,
        ])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let review = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stderr}"));
    (review, output.status.code().unwrap_or(-1), stderr)
}

/// The cache's entries (not its secret).
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(entries(&path));
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The entry holding `text`: the marked document's.
fn entry_with(cache: &Path, text: &str) -> PathBuf {
    entries(cache)
        .into_iter()
        .find(|path| std::fs::read_to_string(path).unwrap().contains(text))
        .unwrap_or_else(|| panic!("no entry holds {text}"))
}

fn verdict(review: &mut Value, path: &str) -> String {
    document(review, path)["verdict"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn an_edited_cache_entry_is_read_again_and_the_document_still_blocks() {
    let dir = batch();
    let (mut review, code, _) = cached_scan(dir.path(), "cache", &[]);
    assert_eq!(
        (code, verdict(&mut review, "docs/a.txt").as_str()),
        (1, "block")
    );
    // The marking taken out of the stored text, the layout kept: what
    // made a marked document pass before entries were authenticated.
    let entry = entry_with(&dir.path().join("cache"), "机密★1年");
    let text = std::fs::read_to_string(&entry).unwrap();
    std::fs::write(&entry, text.replace("机密★1年", "公开发布")).unwrap();
    let (mut review, code, stderr) = cached_scan(dir.path(), "cache", &["--verbose"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(verdict(&mut review, "docs/a.txt"), "block");
    assert!(
        stderr.contains(
            "cache cache: 1 hit(s), 1 miss(es), 1 written, 1 unusable entr(ies) replaced"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "cache cache: entry for docs/a.txt rejected (integrity check failed (edited, or from another cache)); read again"
        ),
        "{stderr}"
    );
    // Rewritten: the next run hits again.
    let (_, _, stderr) = cached_scan(dir.path(), "cache", &[]);
    assert!(
        stderr.contains("2 hit(s), 0 miss(es), 0 written"),
        "{stderr}"
    );
}

#[test]
fn an_entry_copied_from_another_cache_is_a_miss() {
    let dir = batch();
    cached_scan(dir.path(), "theirs", &[]);
    cached_scan(dir.path(), "ours", &[]);
    let theirs = entry_with(&dir.path().join("theirs"), "机密★1年");
    let ours = entry_with(&dir.path().join("ours"), "机密★1年");
    // Another secret, another key: the file names differ too.
    assert_ne!(theirs.file_name(), ours.file_name());
    let copied = std::fs::read_to_string(&theirs)
        .unwrap()
        .replace("机密★1年", "公开发布");
    // As copied, and with the header made to name our key.
    let our_key = ours.file_stem().unwrap().to_string_lossy().into_owned();
    let their_key = theirs.file_stem().unwrap().to_string_lossy().into_owned();
    for forged in [copied.clone(), copied.replacen(&their_key, &our_key, 1)] {
        std::fs::write(&ours, forged).unwrap();
        let (mut review, code, stderr) = cached_scan(dir.path(), "ours", &["-v"]);
        assert_eq!(code, 1, "{stderr}");
        assert_eq!(verdict(&mut review, "docs/a.txt"), "block");
        assert!(stderr.contains("1 unusable entr(ies) replaced"), "{stderr}");
        assert!(stderr.contains("entry for docs/a.txt rejected"), "{stderr}");
    }
}

#[test]
fn the_cache_secret_is_private_and_a_loose_one_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = batch();
    cached_scan(dir.path(), "cache", &[]);
    let cache = dir.path().join("cache");
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&cache.join("secret")), 0o600);
    assert_eq!(mode(&cache), 0o700);
    let before: Vec<(PathBuf, Vec<u8>)> = entries(&cache)
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    std::fs::set_permissions(cache.join("secret"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let (mut review, code, stderr) = cached_scan(dir.path(), "cache", &[]);
    // Scanned without the cache, and said so: the marked document is read
    // from the file.
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(verdict(&mut review, "docs/a.txt"), "block");
    assert!(
        stderr.contains("prepub: warning: --cache cache: the cache's secret cache/secret may be read or written by others (mode 0644)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the scan goes on without the cache"),
        "{stderr}"
    );
    assert!(!stderr.contains("hit(s)"), "no cache was used: {stderr}");
    // Nothing in it was touched.
    for (path, bytes) in before {
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
    }
}

#[test]
fn a_shard_review_is_walked_as_its_shard() {
    let dir = batch();
    for n in 0..6 {
        std::fs::write(dir.path().join(format!("docs/n{n}.txt")), CLEAN).unwrap();
    }
    let mut review = save_review(dir.path(), &["--shard", "1/2"]);
    let held = review["documents"].as_array().unwrap().len();
    assert!(held > 0 && held < 8, "{held}");
    let (code, text) = verify(dir.path(), &[]);
    assert_eq!(code, 0, "the other shard's files are not missing: {text}");
    let gone = review["documents"][0]["path"].as_str().unwrap().to_owned();
    review["documents"].as_array_mut().unwrap().remove(0);
    recount(&mut review);
    write_review(dir.path(), &review);
    not_reproduced(
        dir.path(),
        &format!("{gone}: missing from the review: the recorded inputs hold it now"),
    );
}
