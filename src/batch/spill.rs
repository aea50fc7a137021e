//! Finished document reviews kept in a temporary file instead of memory.
//!
//! A batch of 100,000 files used to hold every [`DocumentReview`] until the
//! end, to sort them by path and render the reports: memory grew with the
//! number of files. Here each finished review is written at once, as one
//! line of compact JSON, to an anonymous temporary file (deleted by the
//! operating system when prepub exits, even on a crash); memory keeps only
//! a small index entry per document — where its line is and how to sort it
//! — and the running [`Tally`]. Reports then read the reviews back one at a
//! time, in path order.
//!
//! JSON is the review's own format (`prepub report REVIEW.json` relies on
//! it reading back exactly what was written), so the round trip through the
//! spill cannot change a report.

use crate::extract::document::{ExtractionStatus, Severity};
use crate::review::{DocumentReview, Review, Summary};
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};

/// What the reports and the exit code need to know about a whole batch,
/// counted as documents go by so nobody has to look at them all again.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub summary: Summary,
    /// The highest severity of an open (not waived) finding.
    pub worst_open: Option<Severity>,
    /// Whether some document was not fully read.
    pub unread: bool,
}

impl Tally {
    pub fn add(&mut self, document: &DocumentReview) {
        self.summary.add(document);
        for finding in document.findings.iter().filter(|f| f.waived.is_none()) {
            self.worst_open = self.worst_open.max(Some(finding.severity));
        }
        self.unread |= document.extraction.status != ExtractionStatus::Complete;
    }

    pub fn of(documents: &[DocumentReview]) -> Tally {
        let mut tally = Tally::default();
        for document in documents {
            tally.add(document);
        }
        tally
    }
}

/// Documents that can be read more than once, in path order: the reviews
/// of a saved or in-memory [`Review`], or a [`Spilled`] batch. Streaming
/// renderers read only through this.
pub trait DocumentSource {
    /// How many documents [`DocumentSource::try_for_each`] will visit.
    fn count(&self) -> usize;

    /// Calls `each` with every document in order; stops at the first error.
    fn try_for_each(
        &self,
        each: &mut dyn FnMut(&DocumentReview) -> Result<(), String>,
    ) -> Result<(), String>;
}

impl DocumentSource for Vec<DocumentReview> {
    fn count(&self) -> usize {
        self.len()
    }

    fn try_for_each(
        &self,
        each: &mut dyn FnMut(&DocumentReview) -> Result<(), String>,
    ) -> Result<(), String> {
        self.iter().try_for_each(each)
    }
}

/// Where one document's line is, and what it sorts by.
#[derive(Debug)]
struct Entry {
    /// The document's path when it differs from its input file's display
    /// path (archive members); `None` in the usual case, so the index does
    /// not keep a second copy of every path.
    path: Option<Box<str>>,
    /// Index of the input file in the (sorted) input list.
    file: u32,
    /// Order among the documents of one input file.
    member: u32,
    offset: u64,
    len: u64,
}

/// Collects finished reviews (from any number of threads, behind a lock).
pub struct Spill {
    writer: BufWriter<File>,
    offset: u64,
    entries: Vec<Entry>,
    tally: Tally,
}

fn storage_error(error: std::io::Error) -> String {
    format!("cannot keep finished reviews in a temporary file: {error}")
}

impl Spill {
    /// An empty spill in the system's temporary directory (`TMPDIR`).
    pub fn new() -> Result<Spill, String> {
        Spill::with_capacity(0)
    }

    /// An empty spill with index room for `documents` reviews: a batch
    /// knows how many files it has, and an index allocated once does not
    /// leave the freed buffers of its doublings behind in the heap.
    pub fn with_capacity(documents: usize) -> Result<Spill, String> {
        let file = tempfile::tempfile().map_err(storage_error)?;
        Ok(Spill {
            writer: BufWriter::with_capacity(1 << 16, file),
            offset: 0,
            entries: Vec::with_capacity(documents),
            tally: Tally::default(),
        })
    }

    /// Encodes a review as one spill line, outside any lock.
    pub fn encode(document: &DocumentReview) -> Result<Vec<u8>, String> {
        let mut line =
            serde_json::to_vec(document).map_err(|e| format!("cannot encode a review: {e}"))?;
        line.push(b'\n');
        Ok(line)
    }

    /// Appends a review encoded by [`Spill::encode`]. `file` and `member`
    /// say where it came from; `file_display` is that input file's display
    /// path, so the usual document (whose path is exactly that) costs no
    /// copy of its path in the index.
    pub fn push(
        &mut self,
        document: &DocumentReview,
        line: &[u8],
        file: usize,
        member: usize,
        file_display: &str,
    ) -> Result<(), String> {
        self.writer.write_all(line).map_err(storage_error)?;
        let path = (document.path != file_display).then(|| document.path.as_str().into());
        self.entries.push(Entry {
            path,
            file: u32::try_from(file).map_err(|_| "more than 4 billion files".to_owned())?,
            member: u32::try_from(member).unwrap_or(u32::MAX),
            offset: self.offset,
            len: line.len() as u64,
        });
        self.offset += line.len() as u64;
        self.tally.add(document);
        Ok(())
    }

    /// Sorts the index by document path (ties in input order, as a stable
    /// sort of the reviews would leave them) and makes the spill readable.
    /// `display` gives an input file's display path by its index. The key
    /// (path, file, member) is unique, so an unstable sort, which needs no
    /// scratch copy of the index, gives that same order.
    pub fn finish<'a>(self, display: impl Fn(usize) -> &'a str) -> Result<Spilled, String> {
        let Spill {
            writer,
            entries: mut index,
            tally,
            ..
        } = self;
        let file = writer
            .into_inner()
            .map_err(|e| storage_error(e.into_error()))?;
        index.sort_unstable_by(|a, b| {
            let path_a = a
                .path
                .as_deref()
                .unwrap_or_else(|| display(a.file as usize));
            let path_b = b
                .path
                .as_deref()
                .unwrap_or_else(|| display(b.file as usize));
            path_a
                .cmp(path_b)
                .then(a.file.cmp(&b.file))
                .then(a.member.cmp(&b.member))
        });
        Ok(Spilled { file, index, tally })
    }
}

/// A finished spill: reviews readable in path order, and their tally.
#[derive(Debug)]
pub struct Spilled {
    file: File,
    index: Vec<Entry>,
    tally: Tally,
}

impl Spilled {
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    /// Reads every review back into memory, in order: for the reports that
    /// can only be built whole (see `docs/README-hardening.md`).
    pub fn load(&self) -> Result<Vec<DocumentReview>, String> {
        let mut documents = Vec::with_capacity(self.index.len());
        self.try_for_each(&mut |document| {
            documents.push(document.clone());
            Ok(())
        })?;
        Ok(documents)
    }

    /// Each review's path and the input file it came from, in order,
    /// without reading the reviews back: `display` is the function given
    /// to [`Spill::finish`]. A merge finds a document in two shards as two
    /// equal paths side by side.
    pub fn paths<'s, 'a: 's>(
        &'s self,
        display: impl Fn(usize) -> &'a str + 's,
    ) -> impl Iterator<Item = (&'s str, usize)> + 's {
        self.index.iter().map(move |entry| {
            let file = entry.file as usize;
            (entry.path.as_deref().unwrap_or_else(|| display(file)), file)
        })
    }

    /// A whole in-memory review: `head` (a review without documents) with
    /// the documents read back.
    pub fn into_review(self, mut head: Review) -> Result<Review, String> {
        head.documents = self.load()?;
        Ok(head)
    }
}

impl DocumentSource for Spilled {
    fn count(&self) -> usize {
        self.index.len()
    }

    fn try_for_each(
        &self,
        each: &mut dyn FnMut(&DocumentReview) -> Result<(), String>,
    ) -> Result<(), String> {
        let mut file = &self.file;
        let mut line = Vec::new();
        for entry in &self.index {
            let len = usize::try_from(entry.len).map_err(|_| "a review too long to read back")?;
            line.resize(len, 0);
            file.seek(SeekFrom::Start(entry.offset))
                .and_then(|_| file.read_exact(&mut line))
                .map_err(|e| format!("cannot read back a finished review: {e}"))?;
            let document: DocumentReview = serde_json::from_slice(&line)
                .map_err(|e| format!("cannot read back a finished review: {e}"))?;
            each(&document)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reviews() -> Vec<DocumentReview> {
        crate::report::fixture::review().documents
    }

    #[test]
    fn round_trip_gives_back_the_same_reviews_sorted_by_path() {
        let originals = reviews();
        assert!(
            originals.len() >= 3,
            "the fixture should have a few documents"
        );
        let mut spill = Spill::new().unwrap();
        // Pushed in reverse, as parallel workers might finish them.
        let displays: Vec<String> = originals.iter().map(|d| d.path.clone()).collect();
        for (file, document) in originals.iter().enumerate().rev() {
            let line = Spill::encode(document).unwrap();
            spill
                .push(document, &line, file, 0, &displays[file])
                .unwrap();
        }
        let spilled = spill.finish(|file| displays[file].as_str()).unwrap();
        let mut expected = originals.clone();
        expected.sort_by(|a, b| a.path.cmp(&b.path));
        assert_eq!(spilled.count(), expected.len());
        assert_eq!(spilled.load().unwrap(), expected);
        // Readable more than once.
        assert_eq!(spilled.load().unwrap(), expected);
        assert_eq!(spilled.tally(), &Tally::of(&expected));
    }

    #[test]
    fn members_sort_by_their_own_path_not_their_files() {
        let template = reviews().remove(0);
        let named = |path: &str| DocumentReview {
            path: path.into(),
            ..template.clone()
        };
        // File 0 is "a.zip", whose member sorts after file 1, "a.zip x.txt"
        // (a space sorts before '!').
        let displays = ["a.zip", "a.zip x.txt"];
        let documents = [
            (named("a.zip"), 0, 0),
            (named("a.zip!/inner.txt"), 0, 1),
            (named("a.zip x.txt"), 1, 0),
        ];
        let mut spill = Spill::new().unwrap();
        for (document, file, member) in &documents {
            let line = Spill::encode(document).unwrap();
            spill
                .push(document, &line, *file, *member, displays[*file])
                .unwrap();
        }
        let spilled = spill.finish(|file| displays[file]).unwrap();
        let paths: Vec<String> = spilled
            .load()
            .unwrap()
            .into_iter()
            .map(|d| d.path)
            .collect();
        assert_eq!(paths, ["a.zip", "a.zip x.txt", "a.zip!/inner.txt"]);
    }

    #[test]
    fn many_documents_come_back_in_order() {
        let template = reviews().remove(0);
        let displays: Vec<String> = (0..2000).map(|i| format!("dir/f{i:05}.txt")).collect();
        let mut spill = Spill::new().unwrap();
        // Interleaved halves, the way two workers would finish them.
        let order = (0..1000).flat_map(|i| [i, i + 1000]);
        for file in order {
            let document = DocumentReview {
                path: displays[file].clone(),
                ..template.clone()
            };
            let line = Spill::encode(&document).unwrap();
            spill
                .push(&document, &line, file, 0, &displays[file])
                .unwrap();
        }
        let spilled = spill.finish(|file| displays[file].as_str()).unwrap();
        let paths: Vec<String> = spilled
            .load()
            .unwrap()
            .into_iter()
            .map(|d| d.path)
            .collect();
        assert_eq!(paths, displays);
        assert_eq!(spilled.tally().summary.documents, 2000);
    }
}
