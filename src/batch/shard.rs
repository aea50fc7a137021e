//! Scaling out: `scan --shard K/N` reviews a stable part of the inputs
//! (`crate::audit::merge` joins the parts into one review).
//!
//! The partition hashes each file's display path with SHA-256 — never
//! Rust's per-process randomised hasher — so every machine, every run and
//! every prepub build puts a file in the same shard, and N jobs given the
//! same inputs cover each file exactly once.

use crate::review::ShardInfo;
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// One shard of N: `index` is 1-based, as written on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Whether the file shown as `display` belongs to this shard.
    pub fn contains(&self, display: &str) -> bool {
        bucket(display, self.count) == self.index - 1
    }

    pub fn info(&self) -> ShardInfo {
        ShardInfo {
            count: self.count,
            indexes: vec![self.index],
        }
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

/// The 0-based bucket of a display path among `count`.
pub fn bucket(display: &str, count: u32) -> u32 {
    let digest = Sha256::digest(display.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) % u64::from(count.max(1))) as u32
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
}
