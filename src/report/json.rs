//! The JSON review (`prepub.review/1`): the source of truth other reports
//! can be rendered from again.

use crate::review::Review;

pub fn render(review: &Review) -> Result<Vec<u8>, String> {
    let mut bytes =
        serde_json::to_vec_pretty(review).map_err(|e| format!("cannot write JSON: {e}"))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Reads a saved review back.
pub fn parse(bytes: &[u8]) -> Result<Review, String> {
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
