//! Files that hold documents reviewed as documents of their own: the
//! members of a zip archive, the attachments of a mail.
//!
//! Their members are named after the container, `材料.zip!/附件1.docx`,
//! `mail.eml!/附件.docx`, and may be containers in turn (a zip attached to
//! a mail, a mail saved into a zip). However they nest, one [`Budget`]
//! covers everything read out of one file on the command line, and
//! containers are opened at most [`MAX_NESTING`] deep: a chain of zips in
//! mails in zips spends the same `--max-inflated` and `--max-zip-entries`
//! as a chain of zips alone.

use crate::extract::limits::Limits;

/// Deepest container inside containers that is opened: the file given is
/// at depth 0; a container found at depth `MAX_NESTING` or deeper is a
/// member that could not be read.
pub const MAX_NESTING: usize = 4;

/// One member of a container, ready to be reviewed as a document.
#[derive(Debug)]
pub struct Member {
    /// Path inside the container, nested archives joined by `!/`
    /// (`旧稿.zip!/正文.docx`). The caller prefixes the container's own
    /// name.
    pub name: String,
    /// How many containers hold it, the file given included: 1 for a
    /// member of the file given.
    pub depth: usize,
    /// The member's bytes, or why it could not be read (encrypted, corrupt,
    /// over a limit, nested too deep). A member that could not be read must
    /// be reported as a document that failed, never dropped.
    pub content: Result<Vec<u8>, String>,
}

/// What is left to spend on the members of one file, across all nesting
/// levels and kinds of container.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// Bytes of members still allowed (`--max-inflated`).
    pub inflated_left: u64,
    /// Members still allowed (`--max-zip-entries`).
    pub members_left: usize,
}

impl Budget {
    pub fn new(limits: &Limits) -> Budget {
        Budget {
            inflated_left: limits.max_document_bytes,
            members_left: limits.max_zip_entries,
        }
    }

    /// Spends one member of `size` bytes, already read: `Err` names the
    /// limit it would go over, and then nothing is spent.
    pub fn admit(&mut self, size: usize, limits: &Limits) -> Result<(), String> {
        if self.members_left == 0 {
            return Err(format!(
                "not read: the file holds more than {} members in all (--max-zip-entries)",
                limits.max_zip_entries
            ));
        }
        let size = size as u64;
        if size > self.inflated_left {
            return Err(format!(
                "not read: the members of the file would hold more than {} bytes in all (--max-inflated)",
                limits.max_document_bytes
            ));
        }
        self.members_left -= 1;
        self.inflated_left -= size;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admitting_spends_and_refusing_spends_nothing() {
        let limits = Limits {
            max_document_bytes: 10,
            max_zip_entries: 2,
            ..Limits::default()
        };
        let mut budget = Budget::new(&limits);
        budget.admit(6, &limits).unwrap();
        let over = budget.admit(5, &limits).unwrap_err();
        assert!(over.contains("--max-inflated"), "{over}");
        assert_eq!((budget.inflated_left, budget.members_left), (4, 1));
        budget.admit(4, &limits).unwrap();
        let many = budget.admit(0, &limits).unwrap_err();
        assert!(many.contains("--max-zip-entries"), "{many}");
    }
}
