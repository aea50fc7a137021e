//! The inputs a review records, walked again (`prepub verify`).
//!
//! A review lists the documents it reviewed; nothing in it proves that the
//! list is whole — a document deleted from the JSON leaves no trace. What
//! can be recomputed is what the recorded inputs (paths, `--files-from`,
//! `--include`/`--exclude`, `--follow`, the shard) hold *now*: a file they
//! hold that the review lacks, or a document the review has that they no
//! longer reach, is a difference. The walk is the scan's own
//! ([`crate::batch::collect_files_under`]), so both list files the same
//! way and show them under the same names.

use crate::batch::shard::Partition;
use crate::batch::{InputFile, Selection, collect_files_under, for_each_listed_path};
use crate::review::{InputsInfo, Review, ShardInfo};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What the recorded inputs hold now.
#[derive(Debug, Default)]
pub struct Walked {
    /// The files, by the path the review shows them under.
    pub files: BTreeMap<String, InputFile>,
    /// Whether `files` is all the inputs hold: false when the review does
    /// not record its inputs, or read its list of paths from standard input
    /// and the same list was not given again.
    pub complete: bool,
    /// What could not be walked, or why the walk is not complete: each is a
    /// difference (the review cannot be shown whole).
    pub problems: Vec<String>,
    /// The recorded selection in words, for the auditor to judge (a review
    /// whose `--exclude` was edited walks to what the edit says).
    pub described: Option<String>,
}

/// Walks the inputs `recorded` records, under `root` (where the scan ran).
/// `list` is the `--files-from` list to use for a review that read its list
/// from standard input; giving one for any other review is an error (it
/// would replace the inputs being checked).
pub fn walk(recorded: &Review, root: &Path, list: Option<&Path>) -> Result<Walked, String> {
    let options = recorded.options.as_ref();
    let Some(inputs) = options.and_then(|o| o.inputs.as_ref()) else {
        if list.is_some() {
            return Err("--files-from: the review does not record its inputs".into());
        }
        return Ok(Walked {
            problems: vec![
                "the review does not record its inputs (written by an older prepub, or the field \
                 was removed): whether documents were left out of it cannot be checked"
                    .into(),
            ],
            ..Walked::default()
        });
    };
    let shard = options.and_then(|o| o.shard.as_ref());
    let mut walked = Walked {
        complete: true,
        described: Some(describe(inputs, shard)),
        ..Walked::default()
    };
    let selection = Selection::of_inputs(inputs);
    for path in &selection.paths {
        walk_one(path, &selection, inputs.follow, root, shard, &mut walked);
    }
    match (inputs.files_from.as_deref(), list) {
        (None, None) => {}
        (None, Some(_)) => {
            return Err("--files-from: the review did not read a list of paths".into());
        }
        (Some(recorded_list), Some(_)) if recorded_list != "-" => {
            return Err(format!(
                "--files-from: the review read its paths from {recorded_list}, which is walked \
                 again; the option is for reviews that read them from standard input"
            ));
        }
        (Some("-"), None) => {
            walked.complete = false;
            walked.problems.push(
                "the review read its list of paths from standard input: give the same list with \
                 --files-from FILE to check that no document was left out"
                    .into(),
            );
        }
        (Some(recorded_list), given) => {
            let file = match given {
                Some(given) => given.to_path_buf(),
                None => root.join(crate::batch::path_of_display(recorded_list)),
            };
            let mut listed: Vec<PathBuf> = Vec::new();
            let read = for_each_listed_path(&file, &mut |path| {
                listed.push(path);
                Ok(())
            });
            if let Err(error) = read {
                walked.complete = false;
                walked
                    .problems
                    .push(format!("the list of paths cannot be read again: {error}"));
            }
            for path in &listed {
                walk_one(path, &selection, inputs.follow, root, shard, &mut walked);
            }
        }
    }
    Ok(walked)
}

/// Walks one named path as the scan did, keeping the files of the shard.
fn walk_one(
    path: &Path,
    selection: &Selection,
    follow: bool,
    root: &Path,
    shard: Option<&ShardInfo>,
    walked: &mut Walked,
) {
    // The shard's own walk keeps its paths, by the key it recorded.
    let one = Selection {
        paths: vec![path.to_path_buf()],
        shard: shard.and_then(Partition::of_info),
        ..selection.clone()
    };
    match collect_files_under(&one, follow, root) {
        Ok(inputs) => {
            for file in inputs.files {
                walked.files.entry(file.display.clone()).or_insert(file);
            }
        }
        // The documents it held are each reported missing as well.
        Err(error) => walked
            .problems
            .push(format!("a recorded input cannot be walked: {error}")),
    }
}

fn describe(inputs: &InputsInfo, shard: Option<&ShardInfo>) -> String {
    let mut parts = vec![format!("paths [{}]", inputs.paths.join(", "))];
    if let Some(list) = &inputs.files_from {
        parts.push(format!("--files-from {list}"));
    }
    for glob in &inputs.include {
        parts.push(format!("--include {glob}"));
    }
    for glob in &inputs.exclude {
        parts.push(format!("--exclude {glob}"));
    }
    if inputs.follow {
        parts.push("--follow".into());
    }
    if let Some(shard) = shard {
        let indexes: Vec<String> = shard.indexes.iter().map(u32::to_string).collect();
        let key = shard.partition.as_ref().map_or("path", |p| p.key.as_str());
        parts.push(format!(
            "shard {} of {} by {key}",
            indexes.join("+"),
            shard.count
        ));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::{LimitsInfo, RunOptions, SCHEMA, ToolInfo};

    fn review_of(inputs: Option<InputsInfo>, shard: Option<ShardInfo>) -> Review {
        Review {
            schema: SCHEMA.into(),
            tool: ToolInfo::current(),
            started_at: String::new(),
            rules: crate::rules::RuleSet::builtin().unwrap().info(),
            summary: Default::default(),
            skipped: Vec::new(),
            documents: Vec::new(),
            options: Some(RunOptions {
                show_match: false,
                explain: false,
                limits: LimitsInfo::of(&Default::default()),
                passwords: 0,
                shard,
                inputs,
                ocr: None,
                config: None,
                since: None,
            }),
            decisions: None,
        }
    }

    fn inputs(paths: &[&str]) -> InputsInfo {
        Selection {
            paths: paths.iter().map(PathBuf::from).collect(),
            ..Selection::default()
        }
        .inputs_info(false)
    }

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("docs/sub")).unwrap();
        std::fs::write(dir.path().join("docs/a.txt"), "a").unwrap();
        std::fs::write(dir.path().join("docs/sub/b.md"), "b").unwrap();
        std::fs::write(dir.path().join("one.txt"), "c").unwrap();
        dir
    }

    #[test]
    fn walks_the_recorded_paths_under_the_root_showing_them_as_given() {
        let dir = tree();
        let review = review_of(Some(inputs(&["./docs", "one.txt"])), None);
        let walked = walk(&review, dir.path(), None).unwrap();
        assert!(walked.complete && walked.problems.is_empty(), "{walked:?}");
        let shown: Vec<&str> = walked.files.keys().map(String::as_str).collect();
        assert_eq!(shown, ["docs/a.txt", "docs/sub/b.md", "one.txt"]);
        assert_eq!(
            walked.files["docs/a.txt"].path,
            dir.path().join("./docs/a.txt")
        );
    }

    #[test]
    fn applies_the_recorded_filters_and_shard() {
        let dir = tree();
        let mut recorded = inputs(&["docs"]);
        recorded.exclude = vec!["*.md".into()];
        let walked = walk(&review_of(Some(recorded), None), dir.path(), None).unwrap();
        assert_eq!(walked.files.keys().collect::<Vec<_>>(), ["docs/a.txt"]);
        assert!(walked.described.unwrap().contains("--exclude *.md"));
        // Two shards: each file is in exactly one.
        let mut seen = 0;
        for index in 1..=2 {
            let shard = ShardInfo {
                count: 2,
                indexes: vec![index],
                partition: None,
            };
            let review = review_of(Some(inputs(&["docs"])), Some(shard));
            seen += walk(&review, dir.path(), None).unwrap().files.len();
        }
        assert_eq!(seen, 2);
    }

    #[test]
    fn a_missing_input_or_unrecorded_inputs_are_problems() {
        let dir = tree();
        let review = review_of(Some(inputs(&["docs", "gone"])), None);
        let walked = walk(&review, dir.path(), None).unwrap();
        assert_eq!(walked.files.len(), 2);
        assert_eq!(walked.problems.len(), 1);
        assert!(walked.problems[0].contains("gone"), "{:?}", walked.problems);
        let old = review_of(None, None);
        let walked = walk(&old, dir.path(), None).unwrap();
        assert!(!walked.complete);
        assert!(walked.problems[0].contains("does not record its inputs"));
    }

    #[test]
    fn a_list_from_standard_input_must_be_given_again() {
        let dir = tree();
        let mut recorded = inputs(&[]);
        recorded.files_from = Some("-".into());
        let review = review_of(Some(recorded), None);
        let walked = walk(&review, dir.path(), None).unwrap();
        assert!(!walked.complete);
        assert!(walked.problems[0].contains("--files-from FILE"));
        let list = dir.path().join("list.txt");
        std::fs::write(&list, "docs/a.txt\none.txt\n").unwrap();
        let walked = walk(&review, dir.path(), Some(&list)).unwrap();
        assert!(walked.complete && walked.problems.is_empty());
        assert_eq!(
            walked.files.keys().collect::<Vec<_>>(),
            ["docs/a.txt", "one.txt"]
        );
        // Not for a review whose list was a file: that list is walked.
        let mut recorded = inputs(&[]);
        recorded.files_from = Some("list.txt".into());
        let review = review_of(Some(recorded), None);
        assert!(walk(&review, dir.path(), Some(&list)).is_err());
        let walked = walk(&review, dir.path(), None).unwrap();
        assert_eq!(walked.files.len(), 2);
    }

    #[cfg(unix)]
    #[test]
    fn recorded_paths_come_back_byte_for_byte() {
        use std::os::unix::ffi::OsStrExt;
        for bytes in [&b"a\\x41/b"[..], b"\xBE\xF8/./c", b"./x\\"] {
            let path = Path::new(std::ffi::OsStr::from_bytes(bytes));
            let recorded = crate::batch::recorded_path(path);
            assert_eq!(crate::batch::path_of_display(&recorded), path, "{recorded}");
        }
    }
}
