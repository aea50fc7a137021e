//! Text in the structure tree of a tagged PDF that no page shows.
//!
//! A structure element can carry `/Alt` (the description of a figure,
//! which screen readers speak), `/ActualText` (replacement text for its
//! content) and `/E` (the expansion of an abbreviation). None is painted,
//! and a marking put there is published with the file all the same, so
//! they are read as hidden text, on the element's page where it names one.

use super::encodings::decode_text_string;
use super::objects::{as_dict, reference_id, resolve};
use lopdf::{Document, Object, ObjectId};
use std::collections::{HashMap, HashSet};

/// Structure elements visited at most: a tree is as large as the document's
/// content, and a hostile one is cut here.
const MAX_ELEMENTS: usize = 200_000;

/// One text: its key, the page number it belongs to, the text.
pub struct AlternateText {
    pub key: &'static str,
    pub page: Option<u32>,
    pub text: String,
}

/// The texts, and whether the walk stopped at [`MAX_ELEMENTS`].
pub fn alternate_texts(doc: &Document) -> (Vec<AlternateText>, bool) {
    let mut out = Vec::new();
    let Some(root) = doc
        .catalog()
        .ok()
        .and_then(|catalog| catalog.get(b"StructTreeRoot").ok())
    else {
        return (out, false);
    };
    let pages: HashMap<ObjectId, u32> = doc
        .get_pages()
        .into_iter()
        .map(|(number, id)| (id, number))
        .collect();
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut stack: Vec<&Object> = vec![root];
    let mut visited = 0usize;
    while let Some(object) = stack.pop() {
        if let Some(id) = reference_id(object)
            && !seen.insert(id)
        {
            continue;
        }
        visited += 1;
        if visited > MAX_ELEMENTS {
            return (out, true);
        }
        let Some(resolved) = resolve(doc, object) else {
            continue;
        };
        match resolved {
            Object::Array(items) => stack.extend(items.iter().rev()),
            Object::Dictionary(_) | Object::Stream(_) => {
                let Some(dict) = as_dict(resolved) else {
                    continue;
                };
                let page = dict
                    .get(b"Pg")
                    .ok()
                    .and_then(reference_id)
                    .and_then(|id| pages.get(&id).copied());
                for (key, label) in [
                    (&b"Alt"[..], "/Alt"),
                    (b"ActualText", "/ActualText"),
                    (b"E", "/E"),
                ] {
                    if let Some(Object::String(bytes, _)) =
                        dict.get(key).ok().and_then(|value| resolve(doc, value))
                    {
                        let text = decode_text_string(bytes);
                        if !text.trim().is_empty() {
                            out.push(AlternateText {
                                key: label,
                                page,
                                text,
                            });
                        }
                    }
                }
                // Children; marked-content and object references (/Type
                // /MCR, /OBJR) have no /K of structure and are left.
                if let Ok(kids) = dict.get(b"K") {
                    stack.push(kids);
                }
            }
            _ => {}
        }
    }
    (out, false)
}
