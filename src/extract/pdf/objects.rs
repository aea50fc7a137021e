//! Small, forgiving accessors over lopdf's object model.
//!
//! Every lookup in a hostile file may meet a dangling reference, a wrong
//! type or a reference chain that loops; these helpers turn all of that into
//! `None` so the extractor reads what is there and reports what is not,
//! instead of unwrapping.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

/// Reference chains longer than this are treated as broken (lopdf has its
/// own limit; this keeps the helpers safe whatever it does).
const MAX_REFERENCE_CHAIN: usize = 32;

/// Follows references to the object they name.
pub fn resolve<'a>(doc: &'a Document, mut object: &'a Object) -> Option<&'a Object> {
    for _ in 0..MAX_REFERENCE_CHAIN {
        match object {
            Object::Reference(id) => object = doc.objects.get(id)?,
            _ => return Some(object),
        }
    }
    None
}

/// The id an object refers to, if it is a reference.
pub fn reference_id(object: &Object) -> Option<ObjectId> {
    match object {
        Object::Reference(id) => Some(*id),
        _ => None,
    }
}

pub fn get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    resolve(doc, dict.get(key).ok()?)
}

/// A dictionary value, also accepting a stream's dictionary.
pub fn get_dict<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    as_dict(get(doc, dict, key)?)
}

pub fn as_dict(object: &Object) -> Option<&Dictionary> {
    match object {
        Object::Dictionary(dict) => Some(dict),
        Object::Stream(stream) => Some(&stream.dict),
        _ => None,
    }
}

pub fn get_stream<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Stream> {
    match get(doc, dict, key)? {
        Object::Stream(stream) => Some(stream),
        _ => None,
    }
}

pub fn get_array<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [Object]> {
    match get(doc, dict, key)? {
        Object::Array(items) => Some(items),
        _ => None,
    }
}

pub fn get_name<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match get(doc, dict, key)? {
        Object::Name(name) => Some(name),
        _ => None,
    }
}

pub fn get_number(doc: &Document, dict: &Dictionary, key: &[u8]) -> Option<f64> {
    number(resolve(doc, dict.get(key).ok()?)?)
}

pub fn number(object: &Object) -> Option<f64> {
    match object {
        Object::Integer(value) => Some(*value as f64),
        Object::Real(value) => Some(f64::from(*value)).filter(|value| value.is_finite()),
        _ => None,
    }
}

/// Numbers of an array (references resolved), `None` if any is not a number.
pub fn numbers(doc: &Document, items: &[Object]) -> Option<Vec<f64>> {
    items
        .iter()
        .map(|item| resolve(doc, item).and_then(number))
        .collect()
}
