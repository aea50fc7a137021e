//! Scaling out: `scan --shard K/N` reviews a stable part of the inputs
//! (`crate::audit::merge` joins the parts into one review).
//!
//! # The partition key
//!
//! Every path the walk meets (a file to read, or a path it lists as
//! skipped) has a *name key*: its path relative to the input it was found
//! under, `/`-separated and escaped as reports show names (`\xNN` for bytes
//! that are not UTF-8) —
//!
//! - met in the walk of a folder named `in/pd`: the path below that folder
//!   (`in/pd/a/b.txt` → `a/b.txt`; the folder itself → its own name, `pd`);
//! - a file named itself (on the command line or in `--files-from`): its
//!   file name (`in/pd/a/b.txt` → `b.txt`).
//!
//! So the same archive mounted at `in/pd` on one machine and at `pd` on
//! another splits identically. With `--shard-by path` (the default) a path's
//! shard is the first 8 bytes of SHA-256(name key), big-endian, modulo N.
//! With `--shard-by content` it is the same of SHA-256(the file's bytes):
//! every job then reads and hashes every file of the whole archive (N jobs
//! read it N times), in exchange for a split no renaming changes. What the
//! walk cannot open as a regular file (links not followed, devices,
//! unreadable entries) and every skipped path is partitioned by name key.
//!
//! SHA-256, never Rust's per-process randomised hasher: every machine, run
//! and build puts a path in the same shard.
//!
//! # What a shard records
//!
//! The walk tallies every path it partitions ([`Tally`]): how many there
//! are in the whole input list and in this shard, and a digest of each.
//! The digest of a list is the sum modulo 2^256 of SHA-256 of each entry
//! (name key and partition key), so it does not depend on the walk's order
//! and the digests of the N parts add up to the digest of the whole list:
//! `prepub merge` checks that they do. It guards against jobs that saw
//! different inputs (a mount that was not there, a file changed between two
//! jobs' walks), not against forgery — `prepub verify` is for that.

use crate::review::{ListDigest, PartDigest, PartitionInfo, ShardInfo, ShardKey};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// One shard of N: `index` is 1-based, as written on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// The shard of a 0-based index, as engines number their tasks.
    pub fn from_zero_based(index: u64, count: u64) -> Result<Shard, String> {
        if count == 0 {
            return Err("the shard count must be at least 1".into());
        }
        if index >= count {
            return Err(format!(
                "shard index {index} is out of range: 0-based indexes of {count} shards are 0 to {}",
                count - 1
            ));
        }
        let count = u32::try_from(count).map_err(|_| format!("{count} shards are too many"))?;
        Ok(Shard {
            index: index as u32 + 1,
            count,
        })
    }

    /// Whether the path with this name key is in the shard (path keying).
    pub fn contains(&self, name_key: &str) -> bool {
        bucket(name_key, self.count) == self.index - 1
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let usage = || format!("`{text}` is not a shard: write K/N with 1 ≤ K ≤ N, e.g. 2/8");
        let (index, count) = text.split_once('/').ok_or_else(usage)?;
        let index: u32 = index.trim().parse().map_err(|_| usage())?;
        let count: u32 = count.trim().parse().map_err(|_| usage())?;
        if count == 0 || index == 0 || index > count {
            return Err(usage());
        }
        Ok(Shard { index, count })
    }
}

/// `--shard auto`: the shard an engine's environment names.
///
/// - Kubernetes Indexed Job: `JOB_COMPLETION_INDEX` (0-based); the count is
///   not in the environment, so `count` (`--shard-count`) must be given.
/// - GitLab `parallel`: `CI_NODE_INDEX` (1-based) of `CI_NODE_TOTAL`.
/// - Slurm array job: `SLURM_ARRAY_TASK_ID` of `SLURM_ARRAY_TASK_COUNT`,
///   counted from `SLURM_ARRAY_TASK_MIN` (`--array=1-8` is shards 1 to 8
///   as well as `--array=0-7`); an array with a step (`0-15:2`) or with
///   holes is refused, since its tasks are not N consecutive shards.
///
/// `env` looks a variable up (the process environment, or a test's). A
/// value missing or not a number, two engines' variables at once, or a
/// `count` that contradicts the engine's is an error naming the variables.
/// Returns the shard and where it was read from, in words.
pub fn from_engine(
    env: &dyn Fn(&str) -> Option<String>,
    count: Option<u32>,
) -> Result<(Shard, String), String> {
    let engines: Vec<&str> = [
        "JOB_COMPLETION_INDEX",
        "CI_NODE_INDEX",
        "SLURM_ARRAY_TASK_ID",
    ]
    .into_iter()
    .filter(|name| env(name).is_some())
    .collect();
    let number = |name: &str| -> Result<u64, String> {
        let value = env(name).ok_or_else(|| format!("--shard auto: {name} is not set"))?;
        value
            .trim()
            .parse::<u64>()
            .map_err(|_| format!("--shard auto: {name}={value:?} is not a whole number ≥ 0"))
    };
    let agree = |engine_count: u64, from: &str| -> Result<u64, String> {
        match count {
            Some(given) if u64::from(given) != engine_count => Err(format!(
                "--shard auto: --shard-count {given} contradicts {from}={engine_count}"
            )),
            _ => Ok(engine_count),
        }
    };
    match engines.as_slice() {
        [] => Err(
            "--shard auto: no engine's task index is set: none of JOB_COMPLETION_INDEX \
             (Kubernetes Indexed Job), CI_NODE_INDEX (GitLab parallel), SLURM_ARRAY_TASK_ID \
             (Slurm array job); elsewhere (a GitHub Actions matrix) give --shard-index I \
             --shard-count N"
                .into(),
        ),
        ["JOB_COMPLETION_INDEX"] => {
            let index = number("JOB_COMPLETION_INDEX")?;
            let Some(count) = count else {
                return Err(format!(
                    "--shard auto: JOB_COMPLETION_INDEX={index} is set (a Kubernetes Indexed \
                     Job) but the Job's completions are not in the environment: give \
                     --shard-count N (the Job's spec.completions)"
                ));
            };
            let shard = Shard::from_zero_based(index, u64::from(count))
                .map_err(|e| format!("--shard auto: JOB_COMPLETION_INDEX: {e}"))?;
            Ok((
                shard,
                format!("JOB_COMPLETION_INDEX={index}, --shard-count {count}"),
            ))
        }
        ["CI_NODE_INDEX"] => {
            let index = number("CI_NODE_INDEX")?;
            let total = agree(number("CI_NODE_TOTAL")?, "CI_NODE_TOTAL")?;
            if index == 0 || index > total {
                return Err(format!(
                    "--shard auto: CI_NODE_INDEX={index} is out of range: GitLab numbers the \
                     {total} jobs of `parallel` 1 to {total} (CI_NODE_TOTAL={total})"
                ));
            }
            let shard = Shard::from_zero_based(index - 1, total)
                .map_err(|e| format!("--shard auto: CI_NODE_INDEX: {e}"))?;
            Ok((
                shard,
                format!("CI_NODE_INDEX={index}, CI_NODE_TOTAL={total}"),
            ))
        }
        ["SLURM_ARRAY_TASK_ID"] => {
            let id = number("SLURM_ARRAY_TASK_ID")?;
            let total = agree(number("SLURM_ARRAY_TASK_COUNT")?, "SLURM_ARRAY_TASK_COUNT")?;
            let min = number("SLURM_ARRAY_TASK_MIN")?;
            if let Some(step) = env("SLURM_ARRAY_TASK_STEP")
                && step.trim() != "1"
            {
                return Err(format!(
                    "--shard auto: SLURM_ARRAY_TASK_STEP={step:?}: an array with a step does not \
                     number its tasks as consecutive shards; submit --array=0-{} (or give \
                     --shard-index/--shard-count)",
                    total.saturating_sub(1)
                ));
            }
            if let Ok(max) = number("SLURM_ARRAY_TASK_MAX")
                && max.checked_sub(min).map(|span| span + 1) != Some(total)
            {
                return Err(format!(
                    "--shard auto: SLURM_ARRAY_TASK_MIN={min}, SLURM_ARRAY_TASK_MAX={max} and \
                     SLURM_ARRAY_TASK_COUNT={total} do not describe consecutive tasks (an array \
                     with holes, e.g. --array=1,3,7): give --shard-index/--shard-count"
                ));
            }
            let index = id.checked_sub(min).ok_or_else(|| {
                format!(
                    "--shard auto: SLURM_ARRAY_TASK_ID={id} is below SLURM_ARRAY_TASK_MIN={min}"
                )
            })?;
            let shard = Shard::from_zero_based(index, total).map_err(|e| {
                format!(
                    "--shard auto: SLURM_ARRAY_TASK_ID={id} (from SLURM_ARRAY_TASK_MIN={min}) \
                     with SLURM_ARRAY_TASK_COUNT={total}: {e}"
                )
            })?;
            Ok((
                shard,
                format!(
                    "SLURM_ARRAY_TASK_ID={id}, SLURM_ARRAY_TASK_MIN={min}, \
                     SLURM_ARRAY_TASK_COUNT={total}"
                ),
            ))
        }
        several => Err(format!(
            "--shard auto: the task indexes of several engines are set ({}): say which \
             shard this is with --shard-index I --shard-count N",
            several.join(", ")
        )),
    }
}

/// Which shards of a partition a walk keeps: one for a scan, several when
/// `prepub verify` walks a partial merge again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partition {
    pub count: u32,
    /// 1-based, sorted.
    pub indexes: Vec<u32>,
    pub key: ShardKey,
}

impl Partition {
    pub fn of(shard: Shard, key: ShardKey) -> Partition {
        Partition {
            count: shard.count,
            indexes: vec![shard.index],
            key,
        }
    }

    /// The partition a review records, if it records one a walk can redo.
    pub fn of_info(info: &ShardInfo) -> Option<Partition> {
        (info.count > 0).then(|| Partition {
            count: info.count,
            indexes: info.indexes.clone(),
            key: info.partition.as_ref().map_or(ShardKey::Path, |p| p.key),
        })
    }

    fn keeps(&self, bucket: u32) -> bool {
        self.indexes.contains(&(bucket + 1))
    }
}

/// The 0-based bucket of a name key among `count`.
pub fn bucket(name_key: &str, count: u32) -> u32 {
    bucket_of_digest(&Sha256::digest(name_key.as_bytes()), count)
}

fn bucket_of_digest(digest: &[u8], count: u32) -> u32 {
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) % u64::from(count.max(1))) as u32
}

/// The name key of `path`, met under the input `root` (named as `given`):
/// see the module documentation.
pub fn name_key(given: &Path, root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rest) if !rest.as_os_str().is_empty() => crate::batch::display_of(rest),
        _ => match given.file_name() {
            Some(name) => crate::batch::display_of(Path::new(name)),
            None => crate::batch::display_of(given),
        },
    }
}

/// A list's count and additive digest, as it is built.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sum {
    pub items: u64,
    total: [u8; 32],
}

impl Sum {
    fn add(&mut self, entry: &[u8; 32]) {
        self.items += 1;
        add_mod_2_256(&mut self.total, entry);
    }

    /// Adds two sums (the parts of one list).
    pub fn plus(mut self, other: &Sum) -> Sum {
        self.items += other.items;
        add_mod_2_256(&mut self.total, &other.total);
        self
    }

    pub fn info(&self) -> ListDigest {
        ListDigest {
            items: self.items,
            digest: format!("sum256:{}", hex::encode(self.total)),
        }
    }

    /// The sum a review records, if it is well formed.
    pub fn of_info(info: &ListDigest) -> Option<Sum> {
        let hex_part = info.digest.strip_prefix("sum256:")?;
        let bytes = hex::decode(hex_part).ok()?;
        let total: [u8; 32] = bytes.try_into().ok()?;
        Some(Sum {
            items: info.items,
            total,
        })
    }
}

/// `total += entry` modulo 2^256, both big-endian.
fn add_mod_2_256(total: &mut [u8; 32], entry: &[u8; 32]) {
    let mut carry = 0u16;
    for i in (0..32).rev() {
        let sum = u16::from(total[i]) + u16::from(entry[i]) + carry;
        total[i] = sum as u8;
        carry = sum >> 8;
    }
}

/// The partition of one walk: which paths it keeps, and the tally of all
/// it met. Interior mutability because the walk hands it around by shared
/// reference; a walk is sequential.
#[derive(Debug)]
pub struct Partitioner {
    partition: Partition,
    tally: RefCell<Tally>,
}

/// What a walk partitioned: the whole list and the shard's part.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub whole: Sum,
    pub part: Sum,
}

impl Partitioner {
    pub fn new(partition: Partition) -> Partitioner {
        Partitioner {
            partition,
            tally: RefCell::new(Tally::default()),
        }
    }

    /// Whether the path with `name_key` is in the partition, tallying it.
    /// `file` is the file to hash with `--shard-by content` (`None` for a
    /// skipped path); one that cannot be opened as a regular file is keyed
    /// by name.
    pub fn takes(&self, name_key: &str, file: Option<&Path>) -> bool {
        let content = match (self.partition.key, file) {
            (ShardKey::Content, Some(path)) => content_digest(path),
            _ => None,
        };
        let mut entry = Sha256::new();
        entry.update(b"prepub-shard-entry\0");
        entry.update(name_key.as_bytes());
        let bucket = match &content {
            Some(digest) => {
                entry.update(b"\0content\0");
                entry.update(digest);
                bucket_of_digest(digest, self.partition.count)
            }
            None => {
                entry.update(b"\0name");
                bucket(name_key, self.partition.count)
            }
        };
        let entry: [u8; 32] = entry.finalize().into();
        let kept = self.partition.keeps(bucket);
        let mut tally = self.tally.borrow_mut();
        tally.whole.add(&entry);
        if kept {
            tally.part.add(&entry);
        }
        kept
    }

    pub fn tally(&self) -> Tally {
        self.tally.borrow().clone()
    }
}

/// SHA-256 of a regular file's bytes, read as a stream; `None` when it
/// cannot be opened or read as one.
fn content_digest(path: &Path) -> Option<[u8; 32]> {
    use std::io::Read;
    let (mut file, _) = crate::batch::open_regular(path).ok()?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => hasher.update(&buffer[..read]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(hasher.finalize().into())
}

/// What a shard records of the partition it ran.
pub fn info(shard: Shard, key: ShardKey, tally: &Tally) -> ShardInfo {
    ShardInfo {
        count: shard.count,
        indexes: vec![shard.index],
        partition: Some(PartitionInfo {
            key,
            inputs: tally.whole.info(),
            parts: vec![PartDigest {
                index: shard.index,
                list: tally.part.info(),
            }],
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects_shard_specs() {
        assert_eq!(
            "2/8".parse::<Shard>().unwrap(),
            Shard { index: 2, count: 8 }
        );
        for bad in ["0/3", "4/3", "1/0", "1", "a/b", "1/3/4", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        assert_eq!(
            Shard::from_zero_based(0, 3).unwrap(),
            Shard { index: 1, count: 3 }
        );
        assert!(Shard::from_zero_based(3, 3).unwrap_err().contains("0 to 2"));
        assert!(Shard::from_zero_based(0, 0).is_err());
    }

    #[test]
    fn every_path_is_in_exactly_one_shard_and_the_split_is_stable() {
        let count = 5;
        let mut sizes = [0usize; 5];
        for n in 0..1000 {
            let path = format!("drafts/文件{n}.txt");
            let owners: Vec<u32> = (1..=count)
                .filter(|&index| Shard { index, count }.contains(&path))
                .collect();
            assert_eq!(owners.len(), 1, "{path}");
            sizes[(owners[0] - 1) as usize] += 1;
        }
        // Golden values, computed independently (Python's hashlib): the
        // partition must never change between builds or platforms.
        assert_eq!(bucket("drafts/notice.txt", 3), 1);
        assert_eq!(bucket("a.txt", 1000), 629);
        assert_eq!(bucket("公文/通知.docx", 7), 6);
        // Roughly even: no shard gets less than half its share.
        assert!(sizes.iter().all(|&size| size > 100), "{sizes:?}");
    }

    #[test]
    fn name_keys_do_not_depend_on_where_the_folder_is() {
        let key =
            |given: &str, path: &str| name_key(Path::new(given), Path::new(given), Path::new(path));
        assert_eq!(key("in/pd", "in/pd/a/b.txt"), "a/b.txt");
        assert_eq!(key("pd", "pd/a/b.txt"), "a/b.txt");
        assert_eq!(key("/mnt/x/pd/", "/mnt/x/pd/a/b.txt"), "a/b.txt");
        assert_eq!(key("in/pd", "in/pd"), "pd");
        assert_eq!(key("in/pd/a/b.txt", "in/pd/a/b.txt"), "b.txt");
        // Under a base directory (verify --root) the key is the same.
        let under = name_key(
            Path::new("pd"),
            Path::new("/root/pd"),
            Path::new("/root/pd/a/b.txt"),
        );
        assert_eq!(under, "a/b.txt");
    }

    #[test]
    fn the_parts_of_a_list_add_up_to_the_whole() {
        let names: Vec<String> = (0..200).map(|n| format!("f{n}.txt")).collect();
        let mut parts = Vec::new();
        let mut wholes = Vec::new();
        for index in 1..=3 {
            let partitioner =
                Partitioner::new(Partition::of(Shard { index, count: 3 }, ShardKey::Path));
            // Each job meets the paths in its own order.
            let mut order = names.clone();
            order.rotate_left(index as usize * 17);
            for name in &order {
                partitioner.takes(name, None);
            }
            let tally = partitioner.tally();
            parts.push(tally.part);
            wholes.push(tally.whole);
        }
        assert!(wholes.iter().all(|w| *w == wholes[0]));
        assert_eq!(wholes[0].items, 200);
        let sum = parts[0].plus(&parts[1]).plus(&parts[2]);
        assert_eq!(sum, wholes[0]);
        // Two of three do not.
        assert_ne!(parts[0].plus(&parts[1]), wholes[0]);
        let info = wholes[0].info();
        assert_eq!(Sum::of_info(&info), Some(wholes[0]));
        assert!(
            Sum::of_info(&ListDigest {
                items: 1,
                digest: "sum256:zz".into()
            })
            .is_none()
        );
    }

    #[test]
    fn content_keys_follow_the_bytes_not_the_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "same bytes").unwrap();
        std::fs::write(dir.path().join("b.txt"), "same bytes").unwrap();
        for index in 1..=4 {
            let partitioner =
                Partitioner::new(Partition::of(Shard { index, count: 4 }, ShardKey::Content));
            let a = partitioner.takes("a.txt", Some(&dir.path().join("a.txt")));
            let b = partitioner.takes("renamed/b.txt", Some(&dir.path().join("b.txt")));
            assert_eq!(a, b, "shard {index}");
        }
        // The content digest is the file's SHA-256.
        let digest = content_digest(&dir.path().join("a.txt")).unwrap();
        assert_eq!(digest, <[u8; 32]>::from(Sha256::digest(b"same bytes")));
        assert!(content_digest(&dir.path().join("gone")).is_none());
    }

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn engines_name_their_shard_in_their_own_numbering() {
        let shard = |pairs: &[(&str, &str)], count: Option<u32>| {
            from_engine(&env_of(pairs), count).map(|(shard, _)| shard)
        };
        let s = |index, count| Ok(Shard { index, count });
        assert_eq!(shard(&[("JOB_COMPLETION_INDEX", "0")], Some(4)), s(1, 4));
        assert_eq!(shard(&[("JOB_COMPLETION_INDEX", "3")], Some(4)), s(4, 4));
        assert_eq!(
            shard(&[("CI_NODE_INDEX", "1"), ("CI_NODE_TOTAL", "3")], None),
            s(1, 3)
        );
        let slurm = |id: &str, min: &str| {
            vec![
                ("SLURM_ARRAY_TASK_ID", id.to_owned()),
                ("SLURM_ARRAY_TASK_MIN", min.to_owned()),
                ("SLURM_ARRAY_TASK_COUNT", "3".to_owned()),
            ]
        };
        for (id, min, index) in [("0", "0", 1), ("2", "0", 3), ("1", "1", 1), ("3", "1", 3)] {
            let pairs = slurm(id, min);
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            assert_eq!(shard(&pairs, None), s(index, 3), "{id} from {min}");
        }
    }

    #[test]
    fn engine_values_missing_or_wrong_are_errors_naming_the_variable() {
        let error = |pairs: &[(&str, &str)], count: Option<u32>| {
            from_engine(&env_of(pairs), count).unwrap_err()
        };
        type Case<'a> = (Vec<(&'a str, &'a str)>, Option<u32>, &'a str);
        let cases: Vec<Case> = vec![
            (vec![], None, "none of JOB_COMPLETION_INDEX"),
            (vec![("JOB_COMPLETION_INDEX", "1")], None, "--shard-count N"),
            (vec![("JOB_COMPLETION_INDEX", "4")], Some(4), "0 to 3"),
            (
                vec![("JOB_COMPLETION_INDEX", "x")],
                Some(4),
                "JOB_COMPLETION_INDEX=\"x\"",
            ),
            (
                vec![("CI_NODE_INDEX", "1")],
                None,
                "CI_NODE_TOTAL is not set",
            ),
            (
                vec![("CI_NODE_INDEX", "0"), ("CI_NODE_TOTAL", "3")],
                None,
                "CI_NODE_INDEX=0 is out of range",
            ),
            (
                vec![("CI_NODE_INDEX", "1"), ("CI_NODE_TOTAL", "3")],
                Some(4),
                "--shard-count 4 contradicts CI_NODE_TOTAL=3",
            ),
            (
                vec![
                    ("SLURM_ARRAY_TASK_ID", "1"),
                    ("SLURM_ARRAY_TASK_COUNT", "3"),
                ],
                None,
                "SLURM_ARRAY_TASK_MIN is not set",
            ),
            (
                vec![
                    ("SLURM_ARRAY_TASK_ID", "2"),
                    ("SLURM_ARRAY_TASK_MIN", "0"),
                    ("SLURM_ARRAY_TASK_COUNT", "3"),
                    ("SLURM_ARRAY_TASK_STEP", "2"),
                ],
                None,
                "SLURM_ARRAY_TASK_STEP",
            ),
            (
                vec![
                    ("SLURM_ARRAY_TASK_ID", "7"),
                    ("SLURM_ARRAY_TASK_MIN", "1"),
                    ("SLURM_ARRAY_TASK_MAX", "7"),
                    ("SLURM_ARRAY_TASK_COUNT", "3"),
                ],
                None,
                "with holes",
            ),
            (
                vec![("JOB_COMPLETION_INDEX", "1"), ("SLURM_ARRAY_TASK_ID", "1")],
                Some(2),
                "JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID",
            ),
        ];
        for (pairs, count, says) in cases {
            let message = error(&pairs, count);
            assert!(message.contains(says), "{pairs:?}: {message}");
        }
    }
}
