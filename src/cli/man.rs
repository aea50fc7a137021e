//! `prepub man`: the manual pages (roff), one per command and subcommand.
//!
//! prepub(1) lists its subcommands as prepub-scan(1), prepub-rules-list(1)
//! and so on; `prepub man --dir DIR` writes every one of those pages, so
//! each name it refers to exists (`make man` writes them to `man/`).

use crate::cli::args::write_stdout;
use crate::cli::{Cli, Failure};
use clap::{Args, CommandFactory};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write every page (prepub.1, prepub-scan.1, prepub-rules-list.1, …)
    /// into DIR instead of printing prepub(1).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Print the page of this subcommand (e.g. `scan`, or `rules list`).
    #[arg(value_name = "COMMAND", conflicts_with = "dir")]
    pub command: Vec<String>,
}

pub fn run(args: ManArgs) -> Result<i32, Failure> {
    let pages = pages().map_err(|e| Failure::usage(format!("rendering the man pages: {e}")))?;
    if let Some(dir) = &args.dir {
        for page in &pages {
            write_page(dir, page)?;
        }
        return Ok(0);
    }
    let wanted = std::iter::once("prepub")
        .chain(args.command.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join("-");
    match pages.iter().find(|page| page.name == wanted) {
        Some(page) => {
            write_stdout(&page.roff)?;
            Ok(0)
        }
        None => Err(Failure::usage(format!(
            "no man page {wanted}(1); there are: {}",
            pages
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// One manual page: its name (`prepub-rules-list`) and its roff text.
pub struct Page {
    pub name: String,
    pub roff: Vec<u8>,
}

impl Page {
    pub fn file_name(&self) -> String {
        format!("{}.1", self.name)
    }
}

/// Every page, prepub(1) first, then each subcommand's, depth first — what
/// clap_mangen's `generate_to` would write, but kept in memory so the files
/// can be written atomically.
pub fn pages() -> Result<Vec<Page>, std::io::Error> {
    let mut command = Cli::command().disable_help_subcommand(true);
    // Building gives each subcommand its display name (`prepub-scan`),
    // which the pages are named and cross-referenced by.
    command.build();
    let mut pages = Vec::new();
    collect(&command, &mut pages)?;
    Ok(pages)
}

fn collect(command: &clap::Command, pages: &mut Vec<Page>) -> Result<(), std::io::Error> {
    let man = clap_mangen::Man::new(command.clone());
    let mut roff = Vec::new();
    man.render(&mut roff)?;
    let file_name = man.get_filename();
    let name = file_name
        .strip_suffix(".1")
        .unwrap_or(&file_name)
        .to_owned();
    pages.push(Page { name, roff });
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub, pages)?;
    }
    Ok(())
}

/// Writes a page atomically (a temporary file in `dir`, then a rename), so
/// a `man` reader never sees half a page.
fn write_page(dir: &Path, page: &Page) -> Result<(), Failure> {
    let target = dir.join(page.file_name());
    let failure = |what: &str, e: &dyn std::fmt::Display| {
        Failure::usage(format!("{}: cannot {what}: {e}", target.display()))
    };
    if !dir.is_dir() {
        return Err(Failure::usage(format!(
            "{}: no such directory (create it first)",
            dir.display()
        )));
    }
    let mut temp =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| failure("create a temporary file", &e))?;
    temp.write_all(&page.roff)
        .and_then(|_| temp.flush())
        .map_err(|e| failure("write", &e))?;
    temp.persist(&target)
        .map_err(|e| failure("rename into place", &e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every subcommand, at every depth, by its page name.
    fn subcommand_names(command: &clap::Command, prefix: &str, out: &mut Vec<String>) {
        for sub in command.get_subcommands() {
            if sub.get_name() == "help" || sub.is_hide_set() {
                continue;
            }
            let name = format!("{prefix}-{}", sub.get_name());
            out.push(name.clone());
            subcommand_names(sub, &name, out);
        }
    }

    #[test]
    fn every_subcommand_has_a_page() {
        let pages = pages().expect("pages render");
        let names: Vec<&str> = pages.iter().map(|p| p.name.as_str()).collect();
        let mut expected = vec!["prepub".to_owned()];
        subcommand_names(&Cli::command(), "prepub", &mut expected);
        assert!(expected.len() > 10, "{expected:?}");
        for name in &expected {
            assert!(
                names.contains(&name.as_str()),
                "no page {name}(1) in {names:?}"
            );
        }
        assert_eq!(names.len(), expected.len(), "{names:?}");
        for page in &pages {
            let text = String::from_utf8_lossy(&page.roff);
            // The page's title is its own name.
            assert!(
                text.contains(&format!(".TH {} 1", page.name)),
                "{}: {}",
                page.name,
                &text[..text.len().min(200)]
            );
        }
        // Each page documents its own options, and the top page refers to
        // the subcommands' pages by name.
        let scan = pages.iter().find(|p| p.name == "prepub-scan").unwrap();
        let scan = String::from_utf8_lossy(&scan.roff);
        assert!(
            scan.contains("fail\\-on") && scan.contains("no\\-config"),
            "{scan}"
        );
        let top = String::from_utf8_lossy(&pages[0].roff);
        assert!(top.contains("prepub\\-scan(1)"), "{top}");
    }

    #[test]
    fn pages_are_written_into_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let code = run(ManArgs {
            dir: Some(dir.path().to_path_buf()),
            command: Vec::new(),
        })
        .ok()
        .expect("written");
        assert_eq!(code, 0);
        let mut written: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        written.sort();
        let mut expected: Vec<String> = pages().unwrap().iter().map(Page::file_name).collect();
        expected.sort();
        assert_eq!(written, expected);
        let missing = dir.path().join("absent");
        let error = run(ManArgs {
            dir: Some(missing),
            command: Vec::new(),
        })
        .expect_err("a missing directory is an error");
        assert!(
            error.message.contains("no such directory"),
            "{}",
            error.message
        );
    }
}
