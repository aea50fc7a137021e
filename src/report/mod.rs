//! Report renderers: one module per output format, each reading only the
//! review model (`crate::review`), so `prepub report REVIEW.json` renders a
//! saved review exactly as the scan did.
//!
//! (Temporary module file from the `reports` branch; the lead's `mod.rs`
//! with `json` and `text` replaces it and keeps these declarations.)

pub mod csv;
pub mod docx;
pub mod html;
pub mod junit;
pub mod labels;
pub mod markdown;
mod options;
pub mod present;
pub mod sarif;

#[cfg(test)]
pub(crate) mod fixture;

pub use labels::Lang;
pub use options::RenderOptions;
