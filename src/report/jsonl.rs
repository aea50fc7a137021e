//! The review as JSON Lines (`--format jsonl`): one line per document as it
//! finishes, so an engine can stream results to storage and a killed job can
//! resume (`scan --resume FILE.jsonl`).
//!
//! Four kinds of line, each one JSON object with a `type`:
//! - `header`, first: the review as it starts — schema, tool, time, rule
//!   packs, options — with no documents (what `--resume` checks a rerun
//!   against);
//! - `document`: one document's review, with `file`, the input it came from
//!   (a zip archive's members and a mail's attachments share their file);
//! - `file`: the input `file` is done, with how many documents it gave.
//!   A document line counts only once its `file` line is in: a job killed
//!   half-way through writing an archive's members leaves that archive to
//!   be read again;
//! - `end`, last: the review's head as finished — summary, skipped inputs,
//!   options, decisions — with no documents.
//!
//! Documents come in the order they finish, not sorted: [`parse`] sorts
//! them by path, as the JSON review is, so `prepub merge`, `report` and
//! `verify` read a JSONL review like a JSON one.

use crate::review::{DocumentReview, Review};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// One line of a JSONL review, as written.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum LineOut<'a> {
    Header {
        review: &'a Review,
    },
    Document {
        file: &'a str,
        document: &'a DocumentReview,
    },
    File {
        file: &'a str,
        documents: usize,
    },
    End {
        review: &'a Review,
    },
}

/// One line of a JSONL review, as read.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum LineIn {
    Header {
        review: Box<Review>,
    },
    Document {
        file: String,
        document: Box<DocumentReview>,
    },
    File {
        file: String,
        documents: usize,
    },
    End {
        review: Box<Review>,
    },
}

fn line(value: &LineOut<'_>) -> Result<Vec<u8>, String> {
    let mut bytes = serde_json::to_vec(value).map_err(|e| format!("cannot write JSONL: {e}"))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// `head` without its documents.
fn bare(head: &Review) -> Review {
    Review {
        documents: Vec::new(),
        ..head.clone()
    }
}

/// The `header` line of a review starting as `head`.
pub fn header(head: &Review) -> Result<Vec<u8>, String> {
    line(&LineOut::Header {
        review: &bare(head),
    })
}

/// The lines of one finished input `file`: its documents, then the line
/// that says it is done — written together, so they land together.
pub fn file(file: &str, documents: &[DocumentReview]) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    for document in documents {
        bytes.extend(line(&LineOut::Document { file, document })?);
    }
    bytes.extend(line(&LineOut::File {
        file,
        documents: documents.len(),
    })?);
    Ok(bytes)
}

/// The `end` line of a review that finished as `head`.
pub fn end(head: &Review) -> Result<Vec<u8>, String> {
    line(&LineOut::End {
        review: &bare(head),
    })
}

/// A whole review as JSONL, sorted (`prepub report --format jsonl`): the
/// header, each input's documents and `file` line, the end.
pub fn render(review: &Review) -> Result<Vec<u8>, String> {
    let mut out = header(review)?;
    let mut by_file: Vec<(&str, Vec<DocumentReview>)> = Vec::new();
    for document in &review.documents {
        let top = crate::review::input_of(&document.path);
        match by_file.iter_mut().find(|(file, _)| *file == top) {
            Some((_, documents)) => documents.push(document.clone()),
            None => by_file.push((top, vec![document.clone()])),
        }
    }
    for (top, documents) in &by_file {
        out.extend(file(top, documents)?);
    }
    out.extend(end(review)?);
    Ok(out)
}

/// A JSONL review as read back, with each document kept as `D`: the
/// review itself, or where its line is ([`LineSpan`]).
#[derive(Debug)]
pub struct Lines<D = DocumentReview> {
    /// The `header` line's review (no documents).
    pub header: Review,
    /// The documents of every finished input, by input.
    pub files: HashMap<String, Vec<D>>,
    /// The `end` line's review, when the run finished.
    pub end: Option<Review>,
    /// Bytes up to the end of the last `file` line: what a resumed run
    /// keeps (a partial line, documents of an unfinished input and the end
    /// line after it are dropped).
    pub kept_bytes: usize,
}

/// Where one `document` line is in a JSONL file: the place a resumed
/// batch reads a finished review back from.
pub use crate::batch::file::ResumedAt as LineSpan;

/// Whether `bytes` look like a JSONL review (its first line is a header).
pub fn is_jsonl(bytes: &[u8]) -> bool {
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let first = String::from_utf8_lossy(first);
    let first = first.trim_start();
    first.starts_with("{\"type\":\"header\"")
}

/// Reads a JSONL review, partial or finished. A line cut short (a killed
/// job) is dropped only at the end; anywhere else a line that is not one of
/// the four kinds is an error naming its number.
pub fn parse_lines(bytes: &[u8]) -> Result<Lines, String> {
    read_lines(bytes, |document, _| document)
}

/// [`parse_lines`] from a reader, one line at a time, keeping of each
/// document only where its line is: `scan --resume` of a run of a million
/// documents holds an index, not the reviews ([`read_document`] reads one
/// back).
pub fn index_lines(reader: impl std::io::BufRead) -> Result<Lines<LineSpan>, String> {
    read_lines(reader, |_, span| span)
}

/// The document of the `document` line at `span` of `file`.
pub fn read_document(file: &std::fs::File, span: LineSpan) -> Result<DocumentReview, String> {
    use std::io::{Read, Seek, SeekFrom};
    let len = usize::try_from(span.len).map_err(|_| "a line too long to read back")?;
    let mut line = vec![0; len];
    let mut file = file;
    file.seek(SeekFrom::Start(span.offset))
        .and_then(|_| file.read_exact(&mut line))
        .map_err(|e| format!("cannot read back a finished review: {e}"))?;
    match serde_json::from_slice(&line) {
        Ok(LineIn::Document { document, .. }) => Ok(*document),
        Ok(_) => Err("the line of a finished review is not a document line".into()),
        Err(e) => Err(format!("cannot read back a finished review: {e}")),
    }
}

fn read_lines<D>(
    mut reader: impl std::io::BufRead,
    mut keep: impl FnMut(DocumentReview, LineSpan) -> D,
) -> Result<Lines<D>, String> {
    let mut header: Option<Review> = None;
    let mut files: HashMap<String, Vec<D>> = HashMap::new();
    let mut pending: HashMap<String, Vec<D>> = HashMap::new();
    let mut end = None;
    let mut kept_bytes = 0;
    let mut offset = 0;
    let mut raw = Vec::new();
    for number in 1.. {
        raw.clear();
        let read = reader
            .read_until(b'\n', &mut raw)
            .map_err(|e| format!("line {number}: cannot read: {e}"))?;
        if read == 0 {
            break;
        }
        let span = LineSpan {
            offset: offset as u64,
            len: raw.len() as u64,
        };
        offset += raw.len();
        let complete = raw.ends_with(b"\n");
        let text = String::from_utf8_lossy(&raw);
        if text.trim().is_empty() {
            continue;
        }
        let parsed: LineIn = match serde_json::from_str(text.trim_end()) {
            Ok(parsed) => parsed,
            // The last line of a killed job, cut short: a line without its
            // newline can only be the last.
            Err(_) if !complete => break,
            Err(e) => return Err(format!("line {number}: not a JSONL review line: {e}")),
        };
        match parsed {
            LineIn::Header { review } => {
                if header.is_some() {
                    return Err(format!("line {number}: a second header"));
                }
                if review.schema != crate::review::SCHEMA {
                    return Err(format!(
                        "line {number}: schema `{}` is not `{}`",
                        review.schema,
                        crate::review::SCHEMA
                    ));
                }
                header = Some(*review);
                kept_bytes = offset;
            }
            _ if header.is_none() => {
                return Err(format!("line {number}: the first line must be the header"));
            }
            LineIn::Document { file, document } => {
                pending.entry(file).or_default().push(keep(*document, span));
            }
            LineIn::File { file, documents } => {
                let done = pending.remove(&file).unwrap_or_default();
                if done.len() != documents {
                    return Err(format!(
                        "line {number}: {file} is said to have {documents} documents, but {} came before it",
                        done.len()
                    ));
                }
                if files.insert(file.clone(), done).is_some() {
                    return Err(format!("line {number}: {file} is given twice"));
                }
                kept_bytes = offset;
            }
            LineIn::End { review } => end = Some(*review),
        }
    }
    let header = header.ok_or("not a JSONL review: no header line")?;
    Ok(Lines {
        header,
        files,
        end,
        kept_bytes,
    })
}

/// A finished JSONL review as one [`Review`], its documents sorted by path.
/// An unfinished one (no `end` line: the job was killed) is refused, naming
/// how far it got.
pub fn parse(bytes: &[u8]) -> Result<Review, String> {
    let lines = parse_lines(bytes)?;
    let Some(mut review) = lines.end else {
        return Err(format!(
            "the JSONL review is unfinished (no end line; {} inputs done): resume the scan with --resume",
            lines.files.len()
        ));
    };
    let mut documents: Vec<DocumentReview> = lines.files.into_values().flatten().collect();
    documents.sort_by(|a, b| a.path.cmp(&b.path));
    let paths: HashSet<&str> = documents.iter().map(|d| d.path.as_str()).collect();
    if paths.len() != documents.len() {
        return Err("a document is given twice".to_owned());
    }
    if documents.len() != review.summary.documents {
        return Err(format!(
            "the end line counts {} documents, the lines hold {}",
            review.summary.documents,
            documents.len()
        ));
    }
    review.documents = documents;
    Ok(review)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_review_comes_back_whole_from_its_lines() {
        let review = crate::report::fixture::review();
        let bytes = render(&review).unwrap();
        assert!(is_jsonl(&bytes));
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            text.lines()
                .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok())
        );
        assert_eq!(
            text.lines().count(),
            2 + review.documents.len() * 2,
            "header, a document and a file line each, end"
        );
        // Read back sorted by path, as a batch's review is.
        let mut sorted = review.clone();
        sorted.documents.sort_by(|a, b| a.path.cmp(&b.path));
        assert_eq!(parse(&bytes).unwrap(), sorted);
    }

    #[test]
    fn a_killed_job_keeps_only_finished_inputs() {
        let review = crate::report::fixture::review();
        let mut bytes = header(&review).unwrap();
        bytes.extend(file("a.txt", &review.documents[..1]).unwrap());
        let kept = bytes.len();
        // The next input's document line, cut short by the kill.
        let next = file("b.txt", &review.documents[..1]).unwrap();
        bytes.extend(&next[..next.len() / 2]);
        let lines = parse_lines(&bytes).unwrap();
        assert_eq!(lines.kept_bytes, kept);
        assert_eq!(lines.files.len(), 1);
        assert!(lines.end.is_none());
        let refused = parse(&bytes).unwrap_err();
        assert!(
            refused.contains("unfinished") && refused.contains("--resume"),
            "{refused}"
        );
    }

    /// Read line by line, a JSONL review gives the same inputs and cut
    /// point as read whole, and each document read back from where its
    /// line is equals the one read whole.
    #[test]
    fn an_index_of_the_lines_reads_back_the_same_documents() {
        let review = crate::report::fixture::review();
        let mut bytes = header(&review).unwrap();
        bytes.extend(file("a.txt", &review.documents[..1]).unwrap());
        bytes.extend(file("b.zip", &review.documents[1..]).unwrap());
        let next = file("c.txt", &review.documents[..1]).unwrap();
        bytes.extend(&next[..next.len() / 2]);
        let whole = parse_lines(&bytes).unwrap();
        let index = index_lines(std::io::Cursor::new(&bytes)).unwrap();
        assert_eq!(index.kept_bytes, whole.kept_bytes);
        assert_eq!(index.header, whole.header);
        let mut saved = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut saved, &bytes).unwrap();
        let mut inputs: Vec<&String> = index.files.keys().collect();
        inputs.sort();
        assert_eq!(inputs, ["a.txt", "b.zip"]);
        for (input, spans) in &index.files {
            let read: Vec<DocumentReview> = spans
                .iter()
                .map(|&span| read_document(&saved, span).unwrap())
                .collect();
            assert_eq!(&read, &whole.files[input], "{input}");
        }
        // A span that is not a document line is an error, not a review.
        let header_line = LineSpan {
            offset: 0,
            len: bytes.iter().position(|&b| b == b'\n').unwrap() as u64 + 1,
        };
        assert!(read_document(&saved, header_line).is_err());
    }

    #[test]
    fn a_document_without_its_file_line_does_not_count() {
        let review = crate::report::fixture::review();
        let mut bytes = header(&review).unwrap();
        let whole = file("a.zip", &review.documents[..1]).unwrap();
        // The document line in full, the file line never written.
        let first_line = whole.iter().position(|&b| b == b'\n').unwrap() + 1;
        bytes.extend(&whole[..first_line]);
        let lines = parse_lines(&bytes).unwrap();
        assert!(lines.files.is_empty());
        assert!(lines.kept_bytes < bytes.len());
    }

    #[test]
    fn a_broken_line_in_the_middle_is_an_error_naming_it() {
        let review = crate::report::fixture::review();
        let mut bytes = header(&review).unwrap();
        bytes.extend(b"{\"type\":\"nonsense\"}\n");
        bytes.extend(end(&review).unwrap());
        let error = parse_lines(&bytes).unwrap_err();
        assert!(error.starts_with("line 2:"), "{error}");
    }
}
