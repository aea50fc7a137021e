//! `prepub merge`: joins the reviews of the shards of one batch
//! (`scan --shard K/N`, see `crate::batch::shard`) into one review.

use crate::review::{Review, ShardInfo, Summary};
use std::collections::BTreeMap;

/// A review to merge and the name it was read from (for error messages).
pub struct Part {
    pub name: String,
    pub review: Review,
}

/// Joins reviews of disjoint parts of one batch.
///
/// Refuses — with a message naming the files — reviews made by different
/// prepub versions, with different rule sets, with different options or
/// decisions, shards of different partitions, and a document present in
/// two inputs (or skipped in one and reviewed in another). The result keeps
/// documents sorted by path, unites the lists of skipped inputs (sorted by
/// path), recomputes the summary, takes the earliest start time, and records which shards it
/// covers (none when every shard of the partition is present, so a full
/// merge equals the unsharded review).
pub fn merge(parts: Vec<Part>) -> Result<Review, String> {
    let mut parts = parts.into_iter();
    let Some(first) = parts.next() else {
        return Err("nothing to merge: give two or more review files".into());
    };
    let base_name = first.name;
    let mut merged = first.review;
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    for document in &merged.documents {
        if let Some(previous) = owner.insert(document.path.clone(), base_name.clone()) {
            return Err(duplicate(&document.path, &previous, &base_name));
        }
    }
    // Skipped inputs are partitioned by path like documents: each is
    // listed by one part only.
    let mut skipped_by: BTreeMap<String, String> = BTreeMap::new();
    for input in &merged.skipped {
        if let Some(previous) = skipped_by.insert(input.path.clone(), base_name.clone()) {
            return Err(duplicate(&input.path, &previous, &base_name));
        }
    }
    let mut shards: Vec<Option<ShardInfo>> = vec![shard_of(&merged)];
    for part in parts {
        let review = part.review;
        let name = part.name;
        if review.tool.version != merged.tool.version {
            return Err(format!(
                "{name} was made by prepub {} but {base_name} by prepub {}: rerun both with one version before merging",
                review.tool.version, merged.tool.version
            ));
        }
        if review.rules.digest != merged.rules.digest {
            return Err(format!(
                "{name} used rules {} but {base_name} used {}: a batch must be reviewed with one rule set",
                review.rules.digest, merged.rules.digest
            ));
        }
        if without_shard(&review) != without_shard(&merged) {
            return Err(format!(
                "{name} and {base_name} were scanned with different options (inputs, --include/--exclude, --follow, --show-match, --explain, limits or passwords)"
            ));
        }
        if !same_decisions(&review, &merged) {
            return Err(format!(
                "{name} and {base_name} applied different decisions ({} vs {}); when the as-of dates differ, rerun with the same `scan --as-of DATE`",
                describe_decisions(&review),
                describe_decisions(&merged)
            ));
        }
        shards.push(shard_of(&review));
        for document in review.documents {
            if let Some(previous) = owner.insert(document.path.clone(), name.clone()) {
                return Err(duplicate(&document.path, &previous, &name));
            }
            merged.documents.push(document);
        }
        for input in review.skipped {
            if let Some(previous) = skipped_by.insert(input.path.clone(), name.clone()) {
                return Err(duplicate(&input.path, &previous, &name));
            }
            merged.skipped.push(input);
        }
        if review.started_at < merged.started_at {
            merged.started_at = review.started_at;
        }
    }
    let shard = merge_shards(&shards)?;
    if let Some(options) = &mut merged.options {
        options.shard = shard;
    }
    for (path, part) in &skipped_by {
        if let Some(other) = owner.get(path) {
            return Err(format!(
                "{path} is skipped in {part} but reviewed in {other}: the inputs overlap"
            ));
        }
    }
    merged.documents.sort_by(|a, b| a.path.cmp(&b.path));
    merged.skipped.sort();
    merged.summary = Summary::of(&merged.documents);
    Ok(merged)
}

/// Whether two reviews applied the same decisions. The as-of day only
/// matters when some decision has an `expires` date; otherwise reviews of
/// shards that ran either side of midnight still merge.
fn same_decisions(a: &Review, b: &Review) -> bool {
    match (&a.decisions, &b.decisions) {
        (None, None) => true,
        (Some(x), Some(y)) => {
            x.digest == y.digest && (x.as_of == y.as_of || (!has_expiry(a) && !has_expiry(b)))
        }
        _ => false,
    }
}

fn has_expiry(review: &Review) -> bool {
    review.documents.iter().any(|document| {
        document
            .findings
            .iter()
            .filter_map(|f| f.decision.as_ref())
            .any(|d| d.expires.is_some())
            || document
                .resolved
                .iter()
                .chain(&document.stale_decisions)
                .any(|d| d.expires.is_some())
    })
}

fn duplicate(path: &str, first: &str, second: &str) -> String {
    if first == second {
        format!("{path} appears twice in {first}")
    } else {
        format!("{path} is in both {first} and {second}: the inputs overlap")
    }
}

fn shard_of(review: &Review) -> Option<ShardInfo> {
    review.options.as_ref().and_then(|o| o.shard.clone())
}

fn without_shard(review: &Review) -> Option<crate::review::RunOptions> {
    review.options.clone().map(|mut options| {
        options.shard = None;
        options
    })
}

fn describe_decisions(review: &Review) -> String {
    match &review.decisions {
        Some(info) => format!("{} as of {}", info.digest, info.as_of),
        None => "none".into(),
    }
}

/// The shards a merge covers: none when no input was sharded or every
/// shard of the partition is present.
fn merge_shards(shards: &[Option<ShardInfo>]) -> Result<Option<ShardInfo>, String> {
    let sharded: Vec<&ShardInfo> = shards.iter().flatten().collect();
    if sharded.is_empty() {
        return Ok(None);
    }
    if sharded.len() != shards.len() {
        return Err("cannot merge a shard (scan --shard) with a review of a whole batch".into());
    }
    let count = sharded[0].count;
    let mut indexes = Vec::new();
    for info in &sharded {
        if info.count != count {
            return Err(format!(
                "shards of different partitions: /{} and /{}",
                count, info.count
            ));
        }
        for &index in &info.indexes {
            if indexes.contains(&index) {
                return Err(format!("shard {index}/{count} is given twice"));
            }
            indexes.push(index);
        }
    }
    indexes.sort_unstable();
    if indexes.len() == count as usize {
        Ok(None)
    } else {
        Ok(Some(ShardInfo { count, indexes }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::{SkipReason, SkippedInput};

    fn part(name: &str, skipped: &[&str], documents: &[&str]) -> Part {
        let mut review = crate::report::fixture::review();
        review
            .documents
            .retain(|d| documents.contains(&d.path.as_str()));
        review.skipped = skipped
            .iter()
            .map(|path| SkippedInput::new((*path).into(), SkipReason::Hidden, "h".into(), false))
            .collect();
        review.decisions = None;
        for document in &mut review.documents {
            for finding in &mut document.findings {
                finding.decision = None;
                finding.waived = None;
            }
            document.resolved.clear();
            document.stale_decisions.clear();
        }
        Part {
            name: name.into(),
            review,
        }
    }

    #[test]
    fn merging_unites_the_skipped_inputs_and_refuses_overlaps() {
        let merged = merge(vec![
            part("a.json", &["z/.b", "m/.a"], &["notices/公告.txt"]),
            part("b.json", &["c/.c"], &["data/名单 (final).xlsx"]),
        ])
        .unwrap();
        let paths: Vec<&str> = merged.skipped.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(paths, ["c/.c", "m/.a", "z/.b"]);
        let twice = merge(vec![
            part("a.json", &["x/.a"], &[]),
            part("b.json", &["x/.a"], &[]),
        ])
        .unwrap_err();
        assert!(
            twice.contains("x/.a is in both a.json and b.json"),
            "{twice}"
        );
        let read_and_skipped = merge(vec![
            part("a.json", &["notices/公告.txt"], &[]),
            part("b.json", &[], &["notices/公告.txt"]),
        ])
        .unwrap_err();
        assert!(
            read_and_skipped
                .contains("notices/公告.txt is skipped in a.json but reviewed in b.json"),
            "{read_and_skipped}"
        );
    }

    #[test]
    fn shard_sets_merge_to_none_when_complete() {
        let info = |indexes: Vec<u32>| Some(ShardInfo { count: 3, indexes });
        assert_eq!(
            merge_shards(&[info(vec![1]), info(vec![3]), info(vec![2])]).unwrap(),
            None
        );
        assert_eq!(
            merge_shards(&[info(vec![1]), info(vec![3])]).unwrap(),
            info(vec![1, 3])
        );
        assert!(merge_shards(&[info(vec![1]), info(vec![1])]).is_err());
        assert!(merge_shards(&[info(vec![1]), None]).is_err());
        assert_eq!(merge_shards(&[None, None]).unwrap(), None);
    }
}
