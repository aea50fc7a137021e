//! The review every renderer's unit tests use: the same file as the golden
//! tests (`tests/golden/review.json`), so what the unit tests check is what
//! the golden files show.

use crate::review::Review;

pub const REVIEW_JSON: &str = include_str!("../../tests/golden/review.json");

pub fn review() -> Review {
    match serde_json::from_str(REVIEW_JSON) {
        Ok(review) => review,
        Err(error) => panic!("tests/golden/review.json does not parse: {error}"),
    }
}
