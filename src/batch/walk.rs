//! The walk: which paths a batch reads, and which it leaves out and why.
//!
//! Nothing leaves a batch in silence. Every path the walk meets is either
//! an input (a file to read — or a link, pipe, device or unreadable entry,
//! which becomes a `failed` document saying why) or a [`SkippedInput`] with
//! its reason: a hidden file or folder, a version-control folder, a file an
//! `--include`/`--exclude` filter leaves out, an empty folder. Only a path
//! outside this run's `--shard` is left unlisted: it is another shard's.
//!
//! A path the user *named* (on the command line or in `--files-from`) is
//! read even if it is hidden; named and filtered out, or an empty folder
//! named, it is skipped with `named` set, and the scan does not exit 0.

use crate::batch::shard::{Partitioner, Tally, name_key};
use crate::batch::{InputFile, Selection, describe_io, display_of};
use crate::review::{InputsInfo, SkipReason, SkippedInput};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// What a batch will read, and what it leaves out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inputs {
    /// Sorted by display path.
    pub files: Vec<InputFile>,
    /// Sorted by path; never a path that is also in `files`.
    pub skipped: Vec<SkippedInput>,
    /// With a shard: what the walk partitioned (see [`crate::batch::shard`]).
    pub tally: Option<Tally>,
}

/// Names of version-control folders (and of git's `.git` file in a
/// worktree): their content is the history of a repository, not drafts.
const VERSION_CONTROL: [&str; 8] = [
    ".git", ".hg", ".svn", ".bzr", ".jj", ".pijul", "_darcs", "CVS",
];

/// Why a name met in a walk is not walked into or read, if it is not.
fn hidden_or_vcs(name: &std::ffi::OsStr, hidden_wanted: bool) -> Option<SkipReason> {
    let name = name.to_string_lossy();
    if VERSION_CONTROL.contains(&name.as_ref()) {
        return Some(SkipReason::VersionControl);
    }
    (name.starts_with('.') && !hidden_wanted).then_some(SkipReason::Hidden)
}

fn hidden_message(reason: SkipReason, folder: bool) -> String {
    match (reason, folder) {
        (SkipReason::VersionControl, _) => "version-control folder: the files in it were not \
             reviewed (name it on the command line to review it)"
            .into(),
        (_, true) => "hidden folder (its name starts with '.'): the files in it were not \
             reviewed; use --hidden, or name it on the command line"
            .into(),
        (_, false) => "hidden file (its name starts with '.'): not reviewed; use --hidden, or \
             name it on the command line"
            .into(),
    }
}

/// `--include` and `--exclude`, with their patterns for the messages.
struct Filter {
    include: Option<(GlobSet, Vec<String>)>,
    exclude: Option<(GlobSet, Vec<String>)>,
}

fn glob_set(patterns: &[String], flag: &str) -> Result<Option<(GlobSet, Vec<String>)>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern).map_err(|e| format!("{flag} {pattern}: {e}"))?;
        builder.add(glob);
    }
    let set = builder.build().map_err(|e| format!("{flag}: {e}"))?;
    Ok(Some((set, patterns.to_vec())))
}

impl Filter {
    fn new(selection: &Selection) -> Result<Filter, String> {
        Ok(Filter {
            include: glob_set(&selection.include, "--include")?,
            exclude: glob_set(&selection.exclude, "--exclude")?,
        })
    }

    /// The first `--exclude` pattern matching the path shown or the name.
    fn excluded_by(&self, display: &str, path: &Path) -> Option<&str> {
        let (set, patterns) = self.exclude.as_ref()?;
        let name = file_name(path);
        let mut matched = set.matches(display);
        matched.extend(set.matches(&name));
        matched
            .into_iter()
            .min()
            .and_then(|i| patterns.get(i))
            .map(String::as_str)
    }

    /// Why a file is filtered out, if it is.
    fn judge(&self, display: &str, path: &Path) -> Option<(SkipReason, String)> {
        if let Some(pattern) = self.excluded_by(display, path) {
            return Some((
                SkipReason::ExcludedByFilter,
                format!("excluded by --exclude {pattern}"),
            ));
        }
        let (set, patterns) = self.include.as_ref()?;
        let included = set.is_match(display) || set.is_match(file_name(path));
        (!included).then(|| {
            (
                SkipReason::NotIncludedByFilter,
                format!("matched no --include ({})", patterns.join(", ")),
            )
        })
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Expands directories, applies `--hidden`, include/exclude and the shard,
/// and sorts by display path. A path that does not exist is an error naming
/// it.
///
/// `--files-from` is read as a stream, one path at a time: each listed path
/// is checked, walked and filtered as it is read, so a list of millions of
/// paths never sits in memory as a whole — only the files this run (this
/// shard) will review or list as skipped are kept, as their path strings.
/// Sorting at the end keeps the review's order independent of the list's
/// order.
pub fn collect_files(selection: &Selection) -> Result<Inputs, String> {
    collect_files_following(selection, false)
}

/// [`collect_files`], choosing whether symbolic links met in a walk are
/// followed (`--follow`, as ripgrep's `-L`). Followed, a link to a file is
/// read as that file (shown under the link's name) and a link to a folder
/// is walked; a link that leads back into a folder it is in (a loop) or
/// points nowhere is listed as a document that was not read. Not followed
/// (the default), every link met is listed so; a link named on the command
/// line is followed either way.
pub fn collect_files_following(selection: &Selection, follow: bool) -> Result<Inputs, String> {
    collect_files_under(selection, follow, Path::new(""))
}

/// [`collect_files_following`] for paths given relative to `base` rather
/// than to the current directory: what `prepub verify --root DIR` walks
/// again. Files are read under `base`; each is shown as the scan that named
/// the path as given showed it, so the two lists compare name for name. A
/// `--files-from` list is opened as given (the caller places it); the
/// paths in it are relative to `base`.
pub fn collect_files_under(
    selection: &Selection,
    follow: bool,
    base: &Path,
) -> Result<Inputs, String> {
    let filter = Filter::new(selection)?;
    let partitioner = selection.shard.clone().map(Partitioner::new);
    let mut inputs = Inputs::default();
    let mut add_root = |given: PathBuf| -> Result<(), String> {
        let root = base.join(&given);
        let shown = |path: &Path| display_under(&given, &root, path);
        let in_shard = |path: &Path, file: Option<&Path>| {
            partitioner
                .as_ref()
                .is_none_or(|p| p.takes(&name_key(&given, &root, path), file))
        };
        let metadata = std::fs::metadata(&root)
            .map_err(|e| format!("{}: {}", root.display(), describe_io(&e)))?;
        if metadata.is_dir() {
            let walk = Walk {
                follow,
                hidden: selection.hidden,
                filter: &filter,
                in_shard: &in_shard,
                shown: &shown,
            };
            walk.run(&root, &mut inputs);
            return Ok(());
        }
        let display = shown(&root);
        // A named link is read as the file it points to; the path kept is
        // the target's, so `scan_file` (which never follows a link) opens
        // it.
        let is_link = std::fs::symlink_metadata(&root).is_ok_and(|m| m.file_type().is_symlink());
        let path = if is_link {
            std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone())
        } else {
            root.clone()
        };
        let judged = filter.judge(&display, &root);
        let file = judged.is_none().then_some(path.as_path());
        if !in_shard(&root, file) {
            return Ok(());
        }
        if let Some((reason, message)) = judged {
            inputs
                .skipped
                .push(SkippedInput::new(display, reason, message, true));
            return Ok(());
        }
        inputs.files.push(InputFile {
            display,
            path,
            named: true,
        });
        Ok(())
    };
    for root in &selection.paths {
        add_root(root.clone())?;
    }
    if let Some(list) = &selection.files_from {
        for_each_listed_path(list, &mut add_root)?;
    }
    inputs.tally = partitioner.map(|p| p.tally());
    Ok(inputs.settled())
}

/// How a file met under `walked` — the input `given`, placed under a base
/// directory — is shown: as a scan that named `given` itself shows it.
fn display_under(given: &Path, walked: &Path, path: &Path) -> String {
    if given == walked {
        return display_of(path);
    }
    match path.strip_prefix(walked) {
        Ok(rest) if rest.as_os_str().is_empty() => display_of(given),
        Ok(rest) => display_of(&given.join(rest)),
        Err(_) => display_of(path),
    }
}

impl Selection {
    /// The selection as a review records it (`options.inputs`), so that
    /// `prepub verify` can walk the same inputs again. The shard is
    /// recorded apart (`options.shard`).
    pub fn inputs_info(&self, follow: bool) -> InputsInfo {
        InputsInfo {
            paths: self.paths.iter().map(|path| recorded_path(path)).collect(),
            files_from: self.files_from.as_deref().map(recorded_path),
            include: self.include.clone(),
            exclude: self.exclude.clone(),
            follow,
            hidden: self.hidden,
        }
    }

    /// The selection a review records, without its shard and its
    /// `--files-from` list (which the caller places: it may have been
    /// standard input).
    pub fn of_inputs(inputs: &InputsInfo) -> Selection {
        Selection {
            paths: inputs
                .paths
                .iter()
                .map(|path| crate::batch::path_of_display(path))
                .collect(),
            files_from: None,
            include: inputs.include.clone(),
            exclude: inputs.exclude.clone(),
            shard: None,
            hidden: inputs.hidden,
        }
    }
}

/// A path as given, written so that [`crate::batch::path_of_display`] gives
/// back the very same path: unlike [`display_of`] nothing is dropped (`./`)
/// or turned into `/` (a `\` is written `\x5C`, bytes that are not UTF-8
/// `\xNN`).
#[cfg(unix)]
pub fn recorded_path(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for chunk in path.as_os_str().as_bytes().utf8_chunks() {
        out.push_str(&chunk.valid().replace('\\', "\\x5C"));
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02X}"));
        }
    }
    out
}

#[cfg(not(unix))]
pub fn recorded_path(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

impl Inputs {
    /// Sorted, each path once (a named path met again in a walk keeps being
    /// named), and a path read is not also listed as skipped (a hidden file
    /// named and met in the walk of its folder).
    fn settled(mut self) -> Inputs {
        let first_named = |a_named: bool, b_named: bool| b_named.cmp(&a_named);
        self.files.sort_by(|a, b| {
            a.display
                .cmp(&b.display)
                .then(first_named(a.named, b.named))
        });
        self.files.dedup_by(|a, b| a.display == b.display);
        self.skipped
            .sort_by(|a, b| a.path.cmp(&b.path).then(first_named(a.named, b.named)));
        self.skipped.dedup_by(|a, b| a.path == b.path);
        let files = &self.files;
        self.skipped.retain(|skipped| {
            files
                .binary_search_by(|file| file.display.as_str().cmp(&skipped.path))
                .is_err()
        });
        // The lists live as long as the batch: give back the room their
        // growth left over.
        self.files.shrink_to_fit();
        self.skipped.shrink_to_fit();
        self
    }
}

/// How one folder given as a root is walked.
struct Walk<'a> {
    follow: bool,
    hidden: bool,
    filter: &'a Filter,
    /// Whether a path met (and the file to hash for `--shard-by content`,
    /// if it is one to read) is in this run's shard.
    in_shard: &'a dyn Fn(&Path, Option<&Path>) -> bool,
    /// How a path met in the walk is shown (see [`display_under`]).
    shown: &'a dyn Fn(&Path) -> String,
}

/// A folder the walk is in, and whether anything was met in it yet.
struct OpenFolder {
    depth: usize,
    path: PathBuf,
    met_something: bool,
}

impl Walk<'_> {
    fn run(&self, root: &Path, inputs: &mut Inputs) {
        // A symbolic link named as the root is followed (as find -H and
        // ripgrep do); links met inside are followed only with --follow,
        // and otherwise listed as documents that were not read (see
        // `scan_file`).
        let mut entries = walkdir::WalkDir::new(root)
            .follow_links(self.follow)
            .sort_by_file_name()
            .into_iter();
        let mut open: Vec<OpenFolder> = Vec::new();
        while let Some(entry) = entries.next() {
            let depth = match &entry {
                Ok(entry) => entry.depth(),
                Err(error) => {
                    // A folder that cannot be listed is not empty: it is a
                    // failed document of its own.
                    if let Some(path) = error.path() {
                        for folder in open.iter_mut().filter(|f| f.path == path) {
                            folder.met_something = true;
                        }
                    }
                    error.depth()
                }
            };
            self.close_folders(&mut open, depth, inputs);
            if let Some(parent) = open.last_mut() {
                parent.met_something = true;
            }
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    self.unreadable(&error, root, inputs);
                    continue;
                }
            };
            let is_dir = entry.file_type().is_dir();
            if entry.depth() > 0
                && let Some(reason) = hidden_or_vcs(entry.file_name(), self.hidden)
            {
                let display = (self.shown)(entry.path());
                if (self.in_shard)(entry.path(), None) {
                    let message = hidden_message(reason, is_dir);
                    inputs
                        .skipped
                        .push(SkippedInput::new(display, reason, message, false));
                }
                if is_dir {
                    entries.skip_current_dir();
                }
                continue;
            }
            // Folders are walked; everything else (files, links, pipes,
            // devices, sockets) is listed, and only regular files are ever
            // opened.
            if is_dir {
                open.push(OpenFolder {
                    depth: entry.depth(),
                    path: entry.path().to_path_buf(),
                    met_something: false,
                });
                continue;
            }
            let display = (self.shown)(entry.path());
            let judged = self.filter.judge(&display, entry.path());
            // A followed link is kept as its target's path: `scan_file`
            // never opens through a link.
            let path = if self.follow && entry.path_is_symlink() {
                std::fs::canonicalize(entry.path()).unwrap_or_else(|_| entry.path().to_path_buf())
            } else {
                entry.path().to_path_buf()
            };
            let file = judged.is_none().then_some(path.as_path());
            if !(self.in_shard)(entry.path(), file) {
                continue;
            }
            if let Some((reason, message)) = judged {
                inputs
                    .skipped
                    .push(SkippedInput::new(display, reason, message, false));
                continue;
            }
            inputs.files.push(InputFile {
                display,
                path,
                named: false,
            });
        }
        self.close_folders(&mut open, 0, inputs);
    }

    /// Leaves the folders at `depth` or deeper: those nothing was met in
    /// are listed as empty (the root too, as a named input).
    fn close_folders(&self, open: &mut Vec<OpenFolder>, depth: usize, inputs: &mut Inputs) {
        while open.last().is_some_and(|folder| folder.depth >= depth) {
            let Some(folder) = open.pop() else { break };
            if folder.met_something {
                continue;
            }
            let display = (self.shown)(&folder.path);
            if (self.in_shard)(&folder.path, None) {
                inputs.skipped.push(SkippedInput::new(
                    display,
                    SkipReason::EmptyFolder,
                    "empty folder: nothing in it to review".into(),
                    folder.depth == 0,
                ));
            }
        }
    }

    /// An unreadable entry is never a reason to stop: it goes on the list
    /// like a file, and `scan_file` finds again why it cannot be read and
    /// makes it a failed document saying so. Only the shard and `--exclude`
    /// apply to it: an unreadable folder may hold files `--include` wants.
    fn unreadable(&self, error: &walkdir::Error, root: &Path, inputs: &mut Inputs) {
        let path = error.path().unwrap_or(root).to_path_buf();
        let display = (self.shown)(&path);
        if !(self.in_shard)(&path, None) {
            return;
        }
        if let Some(pattern) = self.filter.excluded_by(&display, &path) {
            inputs.skipped.push(SkippedInput::new(
                display,
                SkipReason::ExcludedByFilter,
                format!("excluded by --exclude {pattern} (and could not be read)"),
                false,
            ));
            return;
        }
        inputs.files.push(InputFile {
            display,
            path,
            named: false,
        });
    }
}

/// Calls `each` for every non-empty line of a `--files-from` list, reading
/// the list as a stream.
pub fn for_each_listed_path(
    list: &Path,
    each: &mut dyn FnMut(PathBuf) -> Result<(), String>,
) -> Result<(), String> {
    let reader: Box<dyn BufRead> = if list.as_os_str() == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        let file = std::fs::File::open(list)
            .map_err(|e| format!("--files-from {}: {}", list.display(), describe_io(&e)))?;
        Box::new(std::io::BufReader::new(file))
    };
    for line in reader.lines() {
        let line = line.map_err(|e| format!("--files-from {}: {e}", list.display()))?;
        let line = line.trim_end_matches('\r');
        if !line.trim().is_empty() {
            each(PathBuf::from(line))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::shard::{Partition, Shard};
    use crate::review::ShardKey;

    fn write(root: &Path, path: &str, text: &str) {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn names(inputs: &Inputs, root: &Path) -> Vec<String> {
        let prefix = format!("{}/", display_of(root));
        inputs
            .files
            .iter()
            .map(|f| {
                f.display
                    .strip_prefix(&prefix)
                    .unwrap_or(&f.display)
                    .to_owned()
            })
            .collect()
    }

    fn skipped(inputs: &Inputs, root: &Path) -> Vec<(String, SkipReason, bool)> {
        let prefix = format!("{}/", display_of(root));
        inputs
            .skipped
            .iter()
            .map(|s| {
                let path = s.path.strip_prefix(&prefix).unwrap_or(&s.path).to_owned();
                (path, s.reason, s.named)
            })
            .collect()
    }

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "a.md", "a");
        write(root, "b/z.txt", "z");
        write(root, ".hidden.txt", "机密★1年");
        write(root, ".cache/inner.txt", "i");
        write(root, ".git/config", "c");
        write(root, "only-hidden/.x", "x");
        std::fs::create_dir_all(root.join("empty/deeper")).unwrap();
        dir
    }

    #[test]
    fn every_path_met_is_read_or_listed_with_its_reason() {
        let dir = tree();
        let root = dir.path();
        let selection = Selection {
            paths: vec![root.to_path_buf()],
            ..Selection::default()
        };
        let inputs = collect_files(&selection).unwrap();
        assert_eq!(names(&inputs, root), ["a.md", "b/z.txt"]);
        assert_eq!(
            skipped(&inputs, root),
            [
                (".cache".into(), SkipReason::Hidden, false),
                (".git".into(), SkipReason::VersionControl, false),
                (".hidden.txt".into(), SkipReason::Hidden, false),
                ("empty/deeper".into(), SkipReason::EmptyFolder, false),
                ("only-hidden/.x".into(), SkipReason::Hidden, false),
            ]
        );
        let folder = &inputs.skipped[0].message;
        assert!(folder.starts_with("hidden folder"), "{folder}");
        assert!(folder.contains("--hidden"), "{folder}");
    }

    #[test]
    fn hidden_walks_into_hidden_names_but_not_version_control() {
        let dir = tree();
        let root = dir.path();
        let selection = Selection {
            paths: vec![root.to_path_buf()],
            hidden: true,
            ..Selection::default()
        };
        let inputs = collect_files(&selection).unwrap();
        assert_eq!(
            names(&inputs, root),
            [
                ".cache/inner.txt",
                ".hidden.txt",
                "a.md",
                "b/z.txt",
                "only-hidden/.x"
            ]
        );
        assert_eq!(
            skipped(&inputs, root),
            [
                (".git".into(), SkipReason::VersionControl, false),
                ("empty/deeper".into(), SkipReason::EmptyFolder, false),
            ]
        );
    }

    #[test]
    fn filters_list_what_they_leave_out_and_name_the_glob() {
        let dir = tree();
        let root = dir.path();
        let mut selection = Selection {
            paths: vec![root.to_path_buf()],
            exclude: vec!["*.md".into()],
            ..Selection::default()
        };
        let inputs = collect_files(&selection).unwrap();
        assert_eq!(names(&inputs, root), ["b/z.txt"]);
        let excluded = inputs
            .skipped
            .iter()
            .find(|s| s.reason == SkipReason::ExcludedByFilter)
            .unwrap();
        assert!(excluded.path.ends_with("/a.md"));
        assert_eq!(excluded.message, "excluded by --exclude *.md");
        selection.exclude.clear();
        selection.include = vec!["*.md".into(), "*.docx".into()];
        let inputs = collect_files(&selection).unwrap();
        assert_eq!(names(&inputs, root), ["a.md"]);
        let left_out = inputs
            .skipped
            .iter()
            .find(|s| s.reason == SkipReason::NotIncludedByFilter)
            .unwrap();
        assert!(left_out.path.ends_with("/b/z.txt"));
        assert_eq!(left_out.message, "matched no --include (*.md, *.docx)");
    }

    #[test]
    fn a_named_input_is_read_even_if_hidden_and_skipping_one_says_so() {
        let dir = tree();
        let root = dir.path();
        let selection = Selection {
            paths: vec![
                root.to_path_buf(),
                root.join(".hidden.txt"),
                root.join("a.md"),
                root.join("empty/deeper"),
            ],
            exclude: vec!["a.*".into()],
            ..Selection::default()
        };
        let inputs = collect_files(&selection).unwrap();
        // Named, the hidden file is read (and not also listed as skipped by
        // the walk of its folder).
        assert_eq!(names(&inputs, root), [".hidden.txt", "b/z.txt"]);
        assert!(inputs.files[0].named && !inputs.files[1].named);
        let listed = skipped(&inputs, root);
        assert!(
            listed.contains(&("a.md".into(), SkipReason::ExcludedByFilter, true)),
            "{listed:?}"
        );
        assert!(
            listed.contains(&("empty/deeper".into(), SkipReason::EmptyFolder, true)),
            "{listed:?}"
        );
        assert!(!listed.iter().any(|(path, ..)| path == ".hidden.txt"));
        let named = inputs
            .skipped
            .iter()
            .find(|s| s.path.ends_with("a.md"))
            .unwrap();
        assert!(
            named.message.ends_with("so the scan does not exit 0"),
            "{}",
            named.message
        );
        // An empty folder named on its own is an empty folder named.
        let empty = Selection {
            paths: vec![root.join("empty/deeper")],
            ..Selection::default()
        };
        let inputs = collect_files(&empty).unwrap();
        assert!(inputs.files.is_empty());
        assert_eq!(inputs.skipped.len(), 1);
        assert!(inputs.skipped[0].named);
    }

    #[test]
    fn shards_list_only_their_own_skips_and_together_list_them_all() {
        let dir = tree();
        let root = dir.path();
        let whole = Selection {
            paths: vec![root.to_path_buf()],
            exclude: vec!["z.txt".into()],
            ..Selection::default()
        };
        let all = collect_files(&whole).unwrap();
        let mut union: Vec<SkippedInput> = Vec::new();
        for index in 1..=3 {
            let part = Selection {
                shard: Some(Partition::of(Shard { index, count: 3 }, ShardKey::Path)),
                ..whole.clone()
            };
            let inputs = collect_files(&part).unwrap();
            let prefix = format!("{}/", display_of(root));
            for skipped in &inputs.skipped {
                let key = skipped.path.strip_prefix(&prefix).unwrap();
                assert!(Shard { index, count: 3 }.contains(key), "{key}");
            }
            union.extend(inputs.skipped);
        }
        union.sort();
        assert_eq!(union, all.skipped);
    }
}
