//! `prepub merge`: joins the reviews of the shards of one batch
//! (`scan --shard K/N`, see `crate::batch::shard`) into one review.
//!
//! The parts are read one at a time and their documents go to a
//! [`Spill`] as they come, so merging 1,000 shards holds one shard's
//! review, the parts' heads (without their rule packs' texts) and a small
//! index entry per document — not every document of the batch.

use crate::batch::shard::Sum;
use crate::batch::spill::{Spill, Spilled};
use crate::review::{PartitionInfo, Review, ShardInfo};
use std::collections::BTreeMap;

/// A review to merge and the name it was read from (for error messages).
pub struct Part {
    pub name: String,
    pub review: Review,
}

/// A part once its documents are spilled: what the checks across parts
/// still need of it.
struct Head {
    name: String,
    /// The part's review, its documents taken out (and, but for the first
    /// part's, its rule packs' texts: the digest says they are the same).
    review: Review,
    /// Whether some decision applied in the part expires: the as-of days
    /// of the parts must then agree.
    expiring: bool,
}

/// A merged review: its head (no documents in it) and its documents,
/// spilled, in path order — for [`crate::report::json::write`].
pub struct Merged {
    pub head: Review,
    pub documents: Spilled,
}

/// Joins reviews of disjoint parts of one batch into the whole batch's
/// review: every shard of one partition must be there (see [`merge_some`]
/// to join only some).
pub fn merge(parts: Vec<Part>) -> Result<Review, String> {
    merge_some(parts, false)
}

/// [`merge_parts`] of reviews already in memory, into one in-memory
/// review.
pub fn merge_some(parts: Vec<Part>, partial: bool) -> Result<Review, String> {
    let count = parts.len();
    let mut parts = parts.into_iter();
    let merged = merge_parts(
        count,
        |_| parts.next().ok_or_else(|| "no part".into()),
        partial,
    )?;
    merged.documents.into_review(merged.head)
}

/// Joins reviews of disjoint parts of one batch; `read(i)` gives part `i`
/// of `count`, each read once and in turn.
///
/// Refuses — with a message naming the files and what differs — reviews
/// made by different prepub versions, with different rule sets, options
/// (the inputs and their root included) or decisions; shards of different
/// partitions (count, `--shard-by`, or walks that saw different input
/// lists); a shard given twice; a set of shards that is not every shard of
/// the partition, unless `partial`; a document present in two inputs (or
/// skipped in one and reviewed in another). A complete set must also add
/// up: the parts' recorded counts and digests sum to the whole list's.
///
/// The result keeps documents sorted by path, unites the lists of skipped
/// inputs (sorted by path), recomputes the summary, takes the earliest
/// start time, and records which shards it covers: none when every shard
/// is present (so a full merge equals the unsharded review); with
/// `partial`, the indexes and parts it holds, so it can be merged with the
/// rest later.
pub fn merge_parts(
    count: usize,
    mut read: impl FnMut(usize) -> Result<Part, String>,
    partial: bool,
) -> Result<Merged, String> {
    if count == 0 {
        return Err("nothing to merge: give two or more review files".into());
    }
    let mut spill = Spill::new()?;
    let mut heads: Vec<Head> = Vec::with_capacity(count);
    for index in 0..count {
        let Part { name, mut review } = read(index)?;
        let expiring = has_expiry(&review);
        let documents = std::mem::take(&mut review.documents);
        if let Some(first) = heads.first()
            && first.review.rules.digest == review.rules.digest
        {
            review.rules.packs.clear();
        }
        let head = Head {
            name,
            review,
            expiring,
        };
        if let Some(first) = heads.first() {
            same_batch(first, &head)?;
        }
        for (member, document) in documents.iter().enumerate() {
            // An empty display path: the index keeps every document's own.
            spill.push(document, &Spill::encode(document)?, index, member, "")?;
        }
        heads.push(head);
    }
    let shard = merge_partitions(&heads, partial)?;
    let documents = spill.finish(|_| "")?;
    let name = |index: usize| heads[index].name.as_str();
    // Skipped inputs are partitioned by path like documents: each is
    // listed by one part only.
    let mut skipped_by: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, head) in heads.iter().enumerate() {
        for input in &head.review.skipped {
            if let Some(previous) = skipped_by.insert(input.path.as_str(), index) {
                return Err(duplicate(&input.path, name(previous), name(index)));
            }
        }
    }
    let mut last: Option<(&str, usize)> = None;
    for (path, index) in documents.paths(|_| "") {
        if let Some((previous_path, previous)) = last
            && previous_path == path
        {
            return Err(duplicate(path, name(previous), name(index)));
        }
        if let Some(&part) = skipped_by.get(path) {
            return Err(format!(
                "{path} is skipped in {} but reviewed in {}: the inputs overlap",
                name(part),
                name(index)
            ));
        }
        last = Some((path, index));
    }
    let earliest = heads
        .iter()
        .map(|head| &head.review.started_at)
        .min()
        .cloned();
    let mut skipped = Vec::new();
    for head in &mut heads[1..] {
        skipped.append(&mut head.review.skipped);
    }
    let mut merged = heads.swap_remove(0).review;
    merged.skipped.append(&mut skipped);
    merged.skipped.sort();
    if let Some(earliest) = earliest {
        merged.started_at = earliest;
    }
    if let Some(options) = &mut merged.options {
        options.shard = shard;
    }
    merged.summary = documents.tally().summary.clone();
    Ok(Merged {
        head: merged,
        documents,
    })
}

/// Whether `part` is a review of the same batch as `first`: the same
/// prepub, rules, options (inputs included) and decisions.
fn same_batch(first: &Head, part: &Head) -> Result<(), String> {
    let (name, base_name) = (&part.name, &first.name);
    let (review, base) = (&part.review, &first.review);
    if review.tool.version != base.tool.version {
        return Err(format!(
            "{name} was made by prepub {} but {base_name} by prepub {}: rerun both with one version before merging",
            review.tool.version, base.tool.version
        ));
    }
    if review.rules.digest != base.rules.digest {
        return Err(format!(
            "{name} used rules {} but {base_name} used {}: a batch must be reviewed with one rule set",
            review.rules.digest, base.rules.digest
        ));
    }
    let differences = option_differences(&without_shard(base), &without_shard(review));
    if !differences.is_empty() {
        return Err(format!(
            "{base_name} and {name} were scanned with different options: {}; every shard of a \
             batch must be run with the same inputs (named the same way, from the same \
             directory) and options",
            differences.join("; ")
        ));
    }
    if !same_decisions(part, first) {
        return Err(format!(
            "{name} and {base_name} applied different decisions ({} vs {}); when the as-of dates differ, rerun with the same `scan --as-of DATE`",
            describe_decisions(review),
            describe_decisions(base)
        ));
    }
    Ok(())
}

/// The fields in which two recorded option sets differ, each with both
/// values (at most a few, so the message stays readable). Compared as
/// JSON, so an option recorded later is compared too.
fn option_differences(
    a: &Option<crate::review::RunOptions>,
    b: &Option<crate::review::RunOptions>,
) -> Vec<String> {
    let (Ok(a), Ok(b)) = (serde_json::to_value(a), serde_json::to_value(b)) else {
        return if a == b {
            Vec::new()
        } else {
            vec!["the options".into()]
        };
    };
    let mut out = Vec::new();
    diff_values("options", &a, &b, &mut out);
    if out.len() > 4 {
        let more = out.len() - 4;
        out.truncate(4);
        out.push(format!("and {more} more"));
    }
    out
}

fn diff_values(at: &str, a: &serde_json::Value, b: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for key in keys {
                let null = Value::Null;
                let (vx, vy) = (x.get(key).unwrap_or(&null), y.get(key).unwrap_or(&null));
                diff_values(&format!("{at}.{key}"), vx, vy, out);
            }
        }
        _ if a != b => out.push(format!("{at} is {a} in one and {b} in the other")),
        _ => {}
    }
}

/// Whether two reviews applied the same decisions. The as-of day only
/// matters when some decision has an `expires` date; otherwise reviews of
/// shards that ran either side of midnight still merge.
fn same_decisions(a: &Head, b: &Head) -> bool {
    match (&a.review.decisions, &b.review.decisions) {
        (None, None) => true,
        (Some(x), Some(y)) => {
            x.digest == y.digest && (x.as_of == y.as_of || (!a.expiring && !b.expiring))
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

fn shard_of(review: &Review) -> Option<&ShardInfo> {
    review.options.as_ref().and_then(|o| o.shard.as_ref())
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
/// shard of the partition is present; refuses shards of different
/// partitions, a shard given twice, and (unless `partial`) a set that
/// misses some.
fn merge_partitions(parts: &[Head], partial: bool) -> Result<Option<ShardInfo>, String> {
    let sharded: Vec<(&str, &ShardInfo)> = parts
        .iter()
        .filter_map(|part| shard_of(&part.review).map(|info| (part.name.as_str(), info)))
        .collect();
    if sharded.is_empty() {
        return Ok(None);
    }
    if sharded.len() != parts.len() {
        let whole = parts
            .iter()
            .find(|part| shard_of(&part.review).is_none())
            .map_or("", |part| part.name.as_str());
        return Err(format!(
            "cannot merge a shard (scan --shard) with a review of a whole batch ({whole})"
        ));
    }
    let (first_name, first) = sharded[0];
    let Some(first_partition) = &first.partition else {
        return Err(unrecorded(first_name));
    };
    let count = first.count;
    let mut owners: BTreeMap<u32, &str> = BTreeMap::new();
    let mut part_digests = Vec::new();
    for &(name, info) in &sharded {
        let Some(partition) = &info.partition else {
            return Err(unrecorded(name));
        };
        if info.count != count {
            return Err(format!(
                "shards of different partitions: {first_name} is one of {count} shards, {name} \
                 one of {}",
                info.count
            ));
        }
        if partition.key != first_partition.key {
            return Err(format!(
                "shards of different partitions: {first_name} was split by {}, {name} by {} \
                 (--shard-by)",
                first_partition.key.as_str(),
                partition.key.as_str()
            ));
        }
        if partition.inputs != first_partition.inputs {
            return Err(format!(
                "the shards walked different inputs: {first_name} partitioned {} paths ({}), \
                 {name} {} ({}) — a folder mounted elsewhere or missing, or files added, removed \
                 or (with --shard-by content) changed between the jobs; rerun every shard over \
                 the same inputs",
                first_partition.inputs.items,
                first_partition.inputs.digest,
                partition.inputs.items,
                partition.inputs.digest
            ));
        }
        let recorded: Vec<u32> = partition.parts.iter().map(|p| p.index).collect();
        if recorded != info.indexes {
            return Err(format!(
                "{name} says it covers shards {:?} but records the paths of {recorded:?}",
                info.indexes
            ));
        }
        for part in &partition.parts {
            if part.index == 0 || part.index > count {
                return Err(format!(
                    "{name} records shard {} of {count}, which does not exist",
                    part.index
                ));
            }
            if let Some(other) = owners.insert(part.index, name) {
                return Err(format!(
                    "shard {}/{count} is given twice: in {other} and in {name}",
                    part.index
                ));
            }
            part_digests.push(part.clone());
        }
    }
    let missing: Vec<String> = (1..=count)
        .filter(|index| !owners.contains_key(index))
        .map(|index| index.to_string())
        .collect();
    part_digests.sort_by_key(|part| part.index);
    let indexes: Vec<u32> = owners.keys().copied().collect();
    if !missing.is_empty() {
        if partial {
            return Ok(Some(ShardInfo {
                count,
                indexes,
                partition: Some(PartitionInfo {
                    key: first_partition.key,
                    inputs: first_partition.inputs.clone(),
                    parts: part_digests,
                }),
            }));
        }
        return Err(format!(
            "incomplete: shard{} {} of {count} {} missing (given: {}); merge every shard, or \
             use --partial to join some into a review that records which it covers",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" },
            indexes
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    // Every shard is here: their parts must add up to the whole list.
    let mut total = Sum::default();
    for part in &part_digests {
        let sum = Sum::of_info(&part.list).ok_or_else(|| {
            format!(
                "shard {}: its digest {} is not one prepub writes",
                part.index, part.list.digest
            )
        })?;
        total = total.plus(&sum);
    }
    let whole = Sum::of_info(&first_partition.inputs).ok_or_else(|| {
        format!(
            "{first_name}: the input list's digest {} is not one prepub writes",
            first_partition.inputs.digest
        )
    })?;
    if total != whole {
        return Err(format!(
            "the shards do not add up to their input list: their parts hold {} paths ({}), the \
             list {} ({}); a shard did not review what its partition gave it",
            total.items,
            total.info().digest,
            whole.items,
            whole.info().digest
        ));
    }
    Ok(None)
}

fn unrecorded(name: &str) -> String {
    format!(
        "{name} does not record the partition it ran (made by a prepub before 2026-12, or \
         edited): whether the shards cover every input once cannot be checked; rerun it"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::{ShardKey, SkipReason, SkippedInput};

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

    /// The three shards of a partition of `paths`, as three scans would
    /// record them.
    fn shards(paths: &[&str], count: u32) -> Vec<Part> {
        use crate::batch::shard::{Partition, Partitioner, Shard, info};
        (1..=count)
            .map(|index| {
                let shard = Shard { index, count };
                let partitioner = Partitioner::new(Partition::of(shard, ShardKey::Path));
                let mine: Vec<&str> = paths
                    .iter()
                    .copied()
                    .filter(|path| partitioner.takes(path, None))
                    .collect();
                let mut part = part(&format!("s{index}.json"), &[], &[]);
                part.review.documents = mine
                    .iter()
                    .map(|path| {
                        let mut document = crate::report::fixture::review().documents[0].clone();
                        document.path = (*path).into();
                        document
                    })
                    .collect();
                part.review.options = Some(crate::review::RunOptions {
                    show_match: false,
                    explain: false,
                    limits: crate::review::LimitsInfo::of(&Default::default()),
                    passwords: 0,
                    shard: Some(info(shard, ShardKey::Path, &partitioner.tally())),
                    inputs: None,
                    ocr: None,
                    config: None,
                    since: None,
                });
                part
            })
            .collect()
    }

    const PATHS: [&str; 12] = [
        "a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "f.txt", "g.txt", "h.txt", "i.txt", "j.txt",
        "k.txt", "l.txt",
    ];

    /// Parts are read one at a time, each once, and their documents come
    /// out sorted by path across parts; a document met twice is refused
    /// whether the two copies are in one part or two, and a part that
    /// cannot be read stops the merge with its own error.
    #[test]
    fn parts_are_read_in_turn_and_their_documents_sorted_across_them() {
        let parts = shards(&PATHS, 3);
        let expected: Vec<String> = PATHS.iter().map(|p| (*p).to_owned()).collect();
        let mut reads = Vec::new();
        let mut parts = parts.into_iter();
        let merged = merge_parts(
            3,
            |index| {
                reads.push(index);
                Ok(parts.next().unwrap())
            },
            false,
        )
        .unwrap();
        assert_eq!(reads, [0, 1, 2]);
        let paths: Vec<String> = merged
            .documents
            .paths(|_| "")
            .map(|(path, _)| path.to_owned())
            .collect();
        assert_eq!(paths, expected);
        assert_eq!(merged.head.summary.documents, PATHS.len());
        assert!(merged.head.documents.is_empty());

        let mut doubled = part("a.json", &[], &["notices/公告.txt"]);
        let copy = doubled.review.documents[0].clone();
        doubled.review.documents.push(copy);
        let error = merge(vec![doubled, part("b.json", &[], &[])]).unwrap_err();
        assert!(
            error.contains("notices/公告.txt appears twice in a.json"),
            "{error}"
        );

        let error = merge_parts(
            2,
            |index| match index {
                0 => Ok(part("a.json", &[], &[])),
                _ => Err("b.json: cannot read: gone".into()),
            },
            false,
        )
        .err()
        .unwrap();
        assert_eq!(error, "b.json: cannot read: gone");
    }

    #[test]
    fn every_shard_merges_to_the_whole_batch() {
        let merged = merge(shards(&PATHS, 3)).unwrap();
        assert_eq!(merged.documents.len(), PATHS.len());
        assert_eq!(merged.options.as_ref().unwrap().shard, None);
    }

    #[test]
    fn a_missing_shard_is_named_and_partial_merges_say_what_they_cover() {
        let mut parts = shards(&PATHS, 3);
        let third = parts.remove(2);
        let first = parts.remove(0);
        let error = merge(vec![first, third]).unwrap_err();
        assert!(
            error.contains("incomplete: shard 2 of 3 is missing (given: 1, 3)"),
            "{error}"
        );
        // Joined with --partial, the result merges with the rest.
        let mut parts = shards(&PATHS, 3);
        let second = parts.remove(1);
        let some = merge_some(parts, true).unwrap();
        let covered = some.options.as_ref().unwrap().shard.clone().unwrap();
        assert_eq!(covered.indexes, [1, 3]);
        let whole = merge(vec![
            Part {
                name: "some.json".into(),
                review: some,
            },
            second,
        ])
        .unwrap();
        assert_eq!(whole.documents.len(), PATHS.len());
    }

    #[test]
    fn a_shard_twice_or_of_other_inputs_or_partitions_is_refused() {
        let mut parts = shards(&PATHS, 3);
        let again = Part {
            name: "again.json".into(),
            review: parts[1].review.clone(),
        };
        parts.push(again);
        let error = merge(parts).unwrap_err();
        assert!(
            error.contains("shard 2/3 is given twice: in s2.json and in again.json"),
            "{error}"
        );
        // A job that saw one path fewer.
        let mut parts = shards(&PATHS, 3);
        parts[1] = shards(&PATHS[1..], 3).remove(1);
        let error = merge(parts).unwrap_err();
        assert!(
            error.contains("the shards walked different inputs"),
            "{error}"
        );
        assert!(
            error.contains("12 paths") && error.contains("11 ("),
            "{error}"
        );
        // Different N.
        let mut parts = shards(&PATHS, 3);
        parts[2] = shards(&PATHS, 4).remove(2);
        let error = merge(parts).unwrap_err();
        assert!(
            error.contains("one of 3 shards, s3.json one of 4"),
            "{error}"
        );
        // A shard without its partition record.
        let mut parts = shards(&PATHS, 3);
        if let Some(shard) = parts[1]
            .review
            .options
            .as_mut()
            .and_then(|o| o.shard.as_mut())
        {
            shard.partition = None;
        }
        let error = merge(parts).unwrap_err();
        assert!(
            error.contains("s2.json does not record the partition"),
            "{error}"
        );
        // Parts that do not add up (a shard that reviewed less than its part).
        let mut parts = shards(&PATHS, 3);
        if let Some(partition) = parts[0]
            .review
            .options
            .as_mut()
            .and_then(|o| o.shard.as_mut())
            .and_then(|s| s.partition.as_mut())
        {
            partition.parts[0].list = shards(&PATHS[..1], 3)[0]
                .review
                .options
                .as_ref()
                .and_then(|o| o.shard.as_ref())
                .and_then(|s| s.partition.as_ref())
                .map(|p| p.parts[0].list.clone())
                .unwrap();
        }
        let error = merge(parts).unwrap_err();
        assert!(error.contains("do not add up"), "{error}");
    }

    #[test]
    fn different_roots_or_options_are_named() {
        let mut parts = shards(&PATHS, 2);
        let recorded = |paths: &[&str]| {
            crate::batch::Selection {
                paths: paths.iter().map(std::path::PathBuf::from).collect(),
                ..Default::default()
            }
            .inputs_info(false)
        };
        parts[0].review.options.as_mut().unwrap().inputs = Some(recorded(&["in/pd"]));
        parts[1].review.options.as_mut().unwrap().inputs = Some(recorded(&["pd"]));
        parts[1].review.options.as_mut().unwrap().explain = true;
        let error = merge(parts).unwrap_err();
        assert!(
            error.contains(r#"options.inputs.paths is ["in/pd"] in one and ["pd"] in the other"#),
            "{error}"
        );
        assert!(
            error.contains("options.explain is false in one and true"),
            "{error}"
        );
    }
}
