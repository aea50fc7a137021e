//! The JSON review (`prepub.review/1`): the source of truth other reports
//! can be rendered from again.
//!
//! Written as a stream: the documents are serialised one at a time from a
//! [`DocumentSource`], so a batch spilled to disk is never rebuilt in
//! memory to be written. The bytes are exactly those of serialising the
//! whole [`Review`] (the same serializer, the same fields in the same order,
//! the same omissions).

use crate::batch::spill::DocumentSource;
use crate::review::{
    DecisionsInfo, Review, RulesInfo, RunOptions, SkippedInput, Summary, ToolInfo,
};
use serde::Serialize;
use serde::ser::{Error as _, SerializeSeq, Serializer};
use std::io::Write;

pub fn render(review: &Review) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    write(review, &review.documents, &mut bytes)?;
    Ok(bytes)
}

/// Writes `head` (a review whose own `documents` are not read) with the
/// documents of `documents`, pretty-printed, and a final newline.
pub fn write(
    head: &Review,
    documents: &dyn DocumentSource,
    out: &mut dyn Write,
) -> Result<(), String> {
    let view = ReviewView {
        schema: &head.schema,
        tool: &head.tool,
        started_at: &head.started_at,
        rules: &head.rules,
        summary: &head.summary,
        skipped: &head.skipped,
        documents: Documents(documents),
        options: head.options.as_ref(),
        decisions: head.decisions.as_ref(),
    };
    let mut serializer = serde_json::Serializer::pretty(&mut *out);
    view.serialize(&mut serializer)
        .map_err(|e| format!("cannot write JSON: {e}"))?;
    out.write_all(b"\n")
        .map_err(|e| format!("cannot write JSON: {e}"))
}

/// [`Review`]'s fields, borrowed, in its order and with its omissions.
#[derive(Serialize)]
struct ReviewView<'a> {
    schema: &'a str,
    tool: &'a ToolInfo,
    started_at: &'a str,
    rules: &'a RulesInfo,
    summary: &'a Summary,
    #[serde(skip_serializing_if = "<[SkippedInput]>::is_empty")]
    skipped: &'a [SkippedInput],
    documents: Documents<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    options: Option<&'a RunOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decisions: Option<&'a DecisionsInfo>,
}

/// Serialises as the array of documents, reading them one at a time.
struct Documents<'a>(&'a dyn DocumentSource);

impl Serialize for Documents<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut sequence = serializer.serialize_seq(Some(self.0.count()))?;
        let mut failure = None;
        let read = self.0.try_for_each(&mut |document| {
            sequence.serialize_element(document).map_err(|e| {
                let message = e.to_string();
                failure = Some(e);
                message
            })
        });
        if let Some(error) = failure {
            return Err(error);
        }
        read.map_err(S::Error::custom)?;
        sequence.end()
    }
}

/// Reads a saved review back: JSON, or JSON Lines ([`super::jsonl`]).
pub fn parse(bytes: &[u8]) -> Result<Review, String> {
    // A review streamed as JSON Lines reads the same (`merge`, `report`).
    if super::jsonl::is_jsonl(bytes) {
        return super::jsonl::parse(bytes);
    }
    let review: Review =
        serde_json::from_slice(bytes).map_err(|e| format!("not a prepub review: {e}"))?;
    if review.schema != crate::review::SCHEMA {
        return Err(format!(
            "schema `{}` is not `{}`",
            review.schema,
            crate::review::SCHEMA
        ));
    }
    Ok(review)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_json_is_the_whole_review_serialised() {
        let review = crate::report::fixture::review();
        let mut expected = serde_json::to_vec_pretty(&review).unwrap();
        expected.push(b'\n');
        assert_eq!(render(&review).unwrap(), expected);
        let mut empty = review.clone();
        empty.documents.clear();
        empty.options = None;
        let mut expected = serde_json::to_vec_pretty(&empty).unwrap();
        expected.push(b'\n');
        assert_eq!(render(&empty).unwrap(), expected);
    }

    #[test]
    fn a_failing_source_fails_the_write() {
        struct Broken;
        impl DocumentSource for Broken {
            fn count(&self) -> usize {
                1
            }
            fn try_for_each(
                &self,
                _each: &mut dyn FnMut(&crate::review::DocumentReview) -> Result<(), String>,
            ) -> Result<(), String> {
                Err("disk gone".into())
            }
        }
        let review = crate::report::fixture::review();
        let error = write(&review, &Broken, &mut Vec::new()).unwrap_err();
        assert!(error.contains("disk gone"), "{error}");
    }
}
