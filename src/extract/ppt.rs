//! PowerPoint 97–2003 presentations (`.ppt`) and WPS Office `.dps` files.

use super::Request;
use super::ole::Ole;
use crate::document::{Extraction, Problem};

pub(crate) fn read(ole: &Ole<'_>, request: &Request<'_>, format: &str, out: &mut Extraction) {
    let _ = request;
    ole.check_length(out);
    super::ole_properties::read(ole, format, out);
    out.problems.push(Problem::failed(
        "legacy binary PowerPoint format (.ppt): the slide text is not read by this version — save as .pptx and rescan",
    ));
}
