//! `prepub verify` for the inputs a review skipped: would they still be
//! skipped today?
//!
//! A review lists what it did not read (hidden files, filtered-out files,
//! empty folders, prepub's own reports). A skip is only as good as its
//! reason: an "empty" folder that now holds files, or a "prepub report"
//! whose content is now a draft, would be read by a scan today, so the
//! review no longer says what a scan would. (The other way round — a file
//! reviewed then that a scan would now skip as prepub's own — is found
//! where documents are rerun, in [`crate::audit::verify`].)
//!
//! Reasons that hang on the name alone (hidden, version control, a
//! filter) hold as long as the path exists; the filters are not recorded,
//! so they are not applied again.

use crate::audit::verify::{Difference, resolve};
use crate::extract::limits::Limits;
use crate::review::signature;
use crate::review::{SkipReason, SkippedInput};
use std::path::Path;

/// Every recorded skip whose reason no longer holds, as a difference on its
/// path.
pub fn compare(recorded: &[SkippedInput], root: &Path, limits: &Limits) -> Vec<Difference> {
    recorded
        .iter()
        .filter_map(|skipped| {
            let what = still_skipped(skipped, root, limits).err()?;
            Some(Difference {
                path: skipped.path.clone(),
                finding: None,
                what: format!(
                    "skipped then ({}), {what}",
                    skipped.reason.as_str().replace('_', " ")
                ),
            })
        })
        .collect()
}

/// Whether a scan today would skip this path for the same reason; if not,
/// what it would find instead.
fn still_skipped(skipped: &SkippedInput, root: &Path, limits: &Limits) -> Result<(), String> {
    let path = resolve(root, &skipped.path);
    let metadata = std::fs::symlink_metadata(&path).map_err(|error| {
        if error.kind() == std::io::ErrorKind::NotFound {
            format!("missing now ({})", path.display())
        } else {
            format!("cannot be looked at now: {error}")
        }
    })?;
    match skipped.reason {
        SkipReason::EmptyFolder => {
            if !metadata.is_dir() {
                return Err("now it is not a folder: a scan would read it".into());
            }
            let entries = std::fs::read_dir(&path)
                .map_err(|error| format!("the folder cannot be listed now: {error}"))?
                .count();
            if entries > 0 {
                return Err(format!(
                    "now the folder holds {entries} entr(ies), which a scan would read"
                ));
            }
            Ok(())
        }
        SkipReason::PrepubReport | SkipReason::PrepubDecisions => {
            let bytes = crate::batch::read_input(&path, limits.max_file_bytes)
                .map_err(|why| format!("cannot be read now: {why}"))?;
            match signature::recognise(&bytes) {
                Some(own) if own.reason() == skipped.reason => Ok(()),
                Some(own) => Err(format!("now it is {}", own.describe())),
                None => {
                    Err("its content is no longer prepub's own: a scan would now review it".into())
                }
            }
        }
        SkipReason::Hidden
        | SkipReason::VersionControl
        | SkipReason::ExcludedByFilter
        | SkipReason::NotIncludedByFilter => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skipped(path: &str, reason: SkipReason) -> SkippedInput {
        SkippedInput::new(path.into(), reason, "why".into(), false)
    }

    #[test]
    fn a_skip_whose_reason_no_longer_holds_is_a_difference() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("empty")).unwrap();
        std::fs::create_dir(root.join("filled")).unwrap();
        std::fs::write(root.join("filled/new.txt"), "机密★1年").unwrap();
        std::fs::write(
            root.join("decisions.yaml"),
            "schema: prepub.decisions/1\ndecisions: []\n",
        )
        .unwrap();
        std::fs::write(root.join("report.json"), "机密★1年 — no longer a review").unwrap();
        std::fs::write(root.join(".hidden"), "h").unwrap();
        let recorded = [
            skipped("empty", SkipReason::EmptyFolder),
            skipped("filled", SkipReason::EmptyFolder),
            skipped("decisions.yaml", SkipReason::PrepubDecisions),
            skipped("report.json", SkipReason::PrepubReport),
            skipped(".hidden", SkipReason::Hidden),
            skipped("gone.txt", SkipReason::ExcludedByFilter),
        ];
        let differences = compare(&recorded, root, &Limits::default());
        let lines: Vec<String> = differences
            .iter()
            .map(|d| format!("{}: {}", d.path, d.what))
            .collect();
        assert_eq!(lines.len(), 3, "{lines:#?}");
        assert!(
            lines[0].starts_with("filled: skipped then (empty folder), now the folder holds 1")
        );
        assert!(lines[1].contains(
            "report.json: skipped then (prepub report), its content is no longer prepub's"
        ));
        assert!(lines[2].starts_with("gone.txt: skipped then (excluded by filter), missing now"));
    }
}
