//! Review: one document's findings and verdict.

mod model;
pub mod scan;

pub use model::*;
