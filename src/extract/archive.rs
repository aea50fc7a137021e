//! Zip archives in a batch: their members are documents to review.
//!
//! A publication batch often arrives as `材料.zip`. prepub opens it and
//! reviews every member as a document of its own, named
//! `材料.zip!/附件1.docx`; an archive inside the archive is opened too, up
//! to a depth, its members named `材料.zip!/旧稿.zip!/正文.docx`. Nothing
//! is written to disk.
//!
//! Everything read counts against one budget for the whole archive, nested
//! levels included (`--max-inflated`), and every member passes the
//! per-part and compression-ratio caps of
//! [`Container`](super::container::Container): a zip bomb
//! (`shared/corpus/libzip__bigzero-zip.zip`, 4 GiB of zeros two levels
//! down) is refused with a message naming the limit, never inflated.
//!
//! Member names are shown as the archiver meant them: names written by
//! Chinese Windows tools are GBK without the zip UTF-8 flag, which the zip
//! format would read as code page 437 (`╗·├▄`); such names are decoded as
//! GB18030 instead.
//!
//! Other archive formats (7z, rar, tar, gz) are not opened: `detect` maps
//! them to [`Format::Archive`](super::Format::Archive), reported unread.

use super::container::{Container, PartError};
use super::members::Budget;
use super::{Format, detect};
use crate::extract::limits::Limits;
use std::io::Cursor;

pub use super::members::{MAX_NESTING, Member};

/// Reads the members of a `.zip` archive, opening nested zip archives.
///
/// Returns `Err` only when the archive itself cannot be read (not a zip,
/// truncated, too many entries); problems with single members come back in
/// [`Member::content`]. Directories are not members. Nested archives are
/// replaced by their members; an archive that cannot be opened stays a
/// member with an error.
///
/// ```no_run
/// # use prepub::extract::archive::members;
/// # use prepub::extract::limits::Limits;
/// let bytes = std::fs::read("材料.zip").unwrap();
/// for member in members(&bytes, &Limits::default()).unwrap() {
///     let name = format!("材料.zip!/{}", member.name);
///     match member.content {
///         Ok(bytes) => { /* detect + extract `bytes` as document `name` */ }
///         Err(why) => { /* report `name` as failed: `why` */ }
///     }
/// }
/// ```
pub fn members(bytes: &[u8], limits: &Limits) -> Result<Vec<Member>, String> {
    members_within(bytes, limits, 0, &mut Budget::new(limits))
}

/// [`members`] of an archive found `depth` containers deep (0: the file
/// given), spending `budget`, which the containers around it share.
pub fn members_within(
    bytes: &[u8],
    limits: &Limits,
    depth: usize,
    budget: &mut Budget,
) -> Result<Vec<Member>, String> {
    let mut out = Vec::new();
    read_level(bytes, "", limits, depth, budget, &mut out)?;
    if out.is_empty() {
        // Nothing to review is suspicious in a publication batch, and a
        // damaged directory can list nothing while the data is there.
        return Err("the archive lists no files (empty, or its directory is damaged)".to_owned());
    }
    Ok(out)
}

fn read_level(
    bytes: &[u8],
    prefix: &str,
    limits: &Limits,
    depth: usize,
    budget: &mut Budget,
    out: &mut Vec<Member>,
) -> Result<(), String> {
    let level_limits = Limits {
        max_document_bytes: budget.inflated_left,
        ..limits.clone()
    };
    let container = Container::open(bytes, &level_limits)?;
    let display = display_names(bytes, &container);
    for (name, shown) in container.names().iter().zip(display) {
        if name.ends_with('/') {
            continue;
        }
        // Entries sharing a name are different files: each is a member.
        let copies = container.copies(name);
        for copy in 0..copies {
            let member_name = if copies > 1 {
                format!(
                    "{prefix}{shown} (entry {} of {copies} with this name)",
                    copy + 1
                )
            } else {
                format!("{prefix}{shown}")
            };
            if budget.members_left == 0 {
                out.push(Member {
                    name: member_name,
                    depth: depth + 1,
                    content: Err(format!(
                        "not read: the archive has more than {} members in all (--max-zip-entries)",
                        limits.max_zip_entries
                    )),
                });
                return Ok(());
            }
            budget.members_left -= 1;
            let content = match container.read_copy(name, copy) {
                Ok(content) => content,
                Err(error) => {
                    let reason = match error {
                        PartError::Limit(message) => format!("refused: {message}"),
                        PartError::Corrupt(message) => format!("cannot be read: {message}"),
                        PartError::Missing => "cannot be read: the entry is missing".to_owned(),
                    };
                    out.push(Member {
                        name: member_name,
                        depth: depth + 1,
                        content: Err(reason),
                    });
                    continue;
                }
            };
            budget.inflated_left = budget.inflated_left.saturating_sub(content.len() as u64);
            if detect(&content, name) != Format::Zip {
                out.push(Member {
                    name: member_name,
                    depth: depth + 1,
                    content: Ok(content),
                });
                continue;
            }
            if depth + 1 >= MAX_NESTING {
                out.push(Member {
                    name: member_name,
                    depth: depth + 1,
                    content: Err(format!(
                        "not opened: archives nested more than {MAX_NESTING} deep; unpack it and review it separately"
                    )),
                });
                continue;
            }
            let nested_prefix = format!("{member_name}!/");
            let before = out.len();
            if let Err(why) = read_level(&content, &nested_prefix, limits, depth + 1, budget, out) {
                out.truncate(before);
                out.push(Member {
                    name: member_name,
                    depth: depth + 1,
                    content: Err(format!("the archive inside cannot be opened: {why}")),
                });
            }
        }
    }
    Ok(())
}

/// Member names decoded from their raw bytes: UTF-8 when they are UTF-8,
/// else GB18030 (Chinese Windows archivers), else what the zip library made
/// of them.
fn display_names(bytes: &[u8], container: &Container<'_>) -> Vec<String> {
    let raw: Vec<Vec<u8>> = zip::ZipArchive::new(Cursor::new(bytes))
        .map(|archive| archive.file_names_raw().map(<[u8]>::to_vec).collect())
        .unwrap_or_default();
    container
        .names()
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let Some(raw) = raw.get(index) else {
                return name.clone();
            };
            if raw.is_ascii() || std::str::from_utf8(raw).is_ok() {
                return name.clone();
            }
            let (decoded, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(raw);
            if had_errors {
                name.clone()
            } else {
                decoded.into_owned()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut buffer = Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut buffer);
        for (name, data) in entries {
            if name.ends_with('/') {
                writer
                    .add_directory(*name, zip::write::SimpleFileOptions::default())
                    .unwrap();
                continue;
            }
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            writer.write_all(data).unwrap();
        }
        writer.finish().unwrap();
        buffer.into_inner()
    }

    fn names(members: &[Member]) -> Vec<&str> {
        members.iter().map(|m| m.name.as_str()).collect()
    }

    /// A zip whose two entries are both named `same.txt` (written under
    /// two names of one length, then renamed byte for byte).
    fn zip_with_a_shared_name(first: &[u8], second: &[u8]) -> Vec<u8> {
        let bytes = zip(&[("same.txt", first), ("SAME.txt", second)]);
        let mut patched = bytes.clone();
        let mut at = 0;
        while let Some(found) = patched[at..].windows(8).position(|w| w == b"SAME.txt") {
            patched[at + found..at + found + 8].copy_from_slice(b"same.txt");
            at += found + 8;
        }
        patched
    }

    #[test]
    fn entries_sharing_a_name_are_each_a_member() {
        let bytes = zip_with_a_shared_name("机密★1年".as_bytes(), "公开".as_bytes());
        let members = members(&bytes, &Limits::default()).unwrap();
        assert_eq!(
            names(&members),
            [
                "same.txt (entry 1 of 2 with this name)",
                "same.txt (entry 2 of 2 with this name)"
            ]
        );
        assert_eq!(
            members[0].content.as_deref().unwrap(),
            "机密★1年".as_bytes()
        );
        assert_eq!(members[1].content.as_deref().unwrap(), "公开".as_bytes());
    }

    #[test]
    fn a_package_with_a_shared_name_is_read_copy_by_copy() {
        let bytes = zip_with_a_shared_name(b"first", b"second");
        let limits = Limits::default();
        let shared = crate::extract::container::shared_names(&bytes, &limits);
        assert_eq!(shared.len(), 1);
        assert_eq!((shared[0].name.as_str(), shared[0].count), ("same.txt", 2));
        let read = |variant| {
            crate::extract::container::with_variant(variant, || {
                Container::open(&bytes, &limits).unwrap().read("same.txt")
            })
        };
        assert_eq!(read(0).unwrap(), b"first");
        assert_eq!(read(1).unwrap(), b"second");
        assert_eq!(read(7).unwrap(), b"second");
    }

    #[test]
    fn members_and_nested_archives() {
        let inner = zip(&[("正文.txt", "机密★1年".as_bytes())]);
        let outer = zip(&[
            ("附件/", b""),
            ("附件/名单.txt", "赵一".as_bytes()),
            ("旧稿.zip", &inner),
        ]);
        let members = members(&outer, &Limits::default()).unwrap();
        assert_eq!(names(&members), ["附件/名单.txt", "旧稿.zip!/正文.txt"]);
        assert_eq!(
            members[1].content.as_deref().unwrap(),
            "机密★1年".as_bytes()
        );
    }

    #[test]
    fn office_documents_are_members_not_archives() {
        let docx_like = zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w:document/>"),
        ]);
        let outer = zip(&[("报告.docx", &docx_like)]);
        let members = members(&outer, &Limits::default()).unwrap();
        assert_eq!(names(&members), ["报告.docx"]);
        assert!(members[0].content.is_ok());
    }

    #[test]
    fn nesting_is_bounded() {
        let mut archive = zip(&[("deep.txt", b"bottom")]);
        for level in 0..6 {
            archive = zip(&[(&format!("level{level}.zip"), &archive)]);
        }
        let members = members(&archive, &Limits::default()).unwrap();
        assert_eq!(members.len(), 1);
        assert!(members[0].content.as_ref().unwrap_err().contains("nested"));
        assert_eq!(members[0].name.matches("!/").count(), MAX_NESTING - 1);
    }

    #[test]
    fn bombs_and_budgets_are_refused_per_member() {
        let zeros = vec![0u8; 8 * 1024 * 1024];
        let archive = zip(&[("zeros.bin", &zeros), ("ok.txt", b"fine")]);
        let members = members(&archive, &Limits::default()).unwrap();
        let bomb = members[0].content.as_ref().unwrap_err();
        assert!(
            bomb.contains("ratio") && bomb.contains("zip bomb"),
            "{bomb}"
        );
        assert!(members[1].content.is_ok());

        let small = Limits {
            max_document_bytes: 10,
            ..Limits::default()
        };
        let archive = zip(&[("a.txt", b"0123456789"), ("b.txt", b"more")]);
        let members = super::members(&archive, &small).unwrap();
        assert!(members[0].content.is_ok());
        assert!(
            members[1]
                .content
                .as_ref()
                .unwrap_err()
                .contains("--max-inflated")
        );
    }

    #[test]
    fn member_count_is_capped_across_levels() {
        let limits = Limits {
            max_zip_entries: 2,
            ..Limits::default()
        };
        let flat = zip(&[("a", b"1"), ("b", b"2"), ("c", b"3")]);
        assert!(
            members(&flat, &limits)
                .unwrap_err()
                .contains("--max-zip-entries")
        );
        let inner = zip(&[("x", b"1"), ("y", b"2")]);
        let outer = zip(&[("a", b"1"), ("inner.zip", &inner)]);
        let members = members(&outer, &limits).unwrap();
        assert_eq!(names(&members), ["a", "inner.zip!/x"]);
        assert!(
            members[1]
                .content
                .as_ref()
                .unwrap_err()
                .contains("--max-zip-entries")
        );
    }

    #[test]
    fn gbk_names_are_decoded() {
        // A name written as GBK bytes without the UTF-8 flag, as Windows
        // archivers in Chinese locales do: build the zip by hand.
        let name = encoding_rs::GBK.encode("机密名单.txt").0.into_owned();
        let data = b"x";
        let crc = {
            let mut hasher = 0xFFFF_FFFFu32;
            for &byte in data {
                hasher ^= byte as u32;
                for _ in 0..8 {
                    hasher = if hasher & 1 != 0 {
                        (hasher >> 1) ^ 0xEDB8_8320
                    } else {
                        hasher >> 1
                    };
                }
            }
            !hasher
        };
        let mut bytes = Vec::new();
        let local = bytes.len() as u32;
        bytes.extend(b"PK\x03\x04\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00");
        bytes.extend(crc.to_le_bytes());
        bytes.extend(1u32.to_le_bytes());
        bytes.extend(1u32.to_le_bytes());
        bytes.extend((name.len() as u16).to_le_bytes());
        bytes.extend(0u16.to_le_bytes());
        bytes.extend(&name);
        bytes.extend(data);
        let central = bytes.len() as u32;
        bytes.extend(b"PK\x01\x02\x14\x00\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00");
        bytes.extend(crc.to_le_bytes());
        bytes.extend(1u32.to_le_bytes());
        bytes.extend(1u32.to_le_bytes());
        bytes.extend((name.len() as u16).to_le_bytes());
        bytes.extend([0u8; 12]);
        bytes.extend(local.to_le_bytes());
        bytes.extend(&name);
        let size = bytes.len() as u32 - central;
        bytes.extend(b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00");
        bytes.extend(size.to_le_bytes());
        bytes.extend(central.to_le_bytes());
        bytes.extend(0u16.to_le_bytes());
        let members = members(&bytes, &Limits::default()).unwrap();
        assert_eq!(names(&members), ["机密名单.txt"]);
        assert_eq!(members[0].content.as_deref().unwrap(), b"x");
    }

    #[test]
    fn not_a_zip_or_an_empty_one_is_an_error() {
        assert!(members(b"Rar!\x1a\x07", &Limits::default()).is_err());
        let empty = zip(&[("only/", b"")]);
        assert!(
            members(&empty, &Limits::default())
                .unwrap_err()
                .contains("no files")
        );
    }
}
