//! Dispatch of the legacy office formats by content.
//!
//! `.doc`, `.xls`, `.ppt` and WPS Office's `.wps`, `.et`, `.dps` are all OLE
//! compound files; which reader applies is decided by the streams inside
//! (`WordDocument`, `Workbook`/`Book`, `PowerPoint Document`), never by the
//! extension: a .doc saved by WPS and named .wps, a workbook named .doc, or
//! an RTF file named .doc are each read as what they are. A compound file
//! holding none of those (an Outlook message, a DOS-era or WPS 2000 file)
//! is `failed` with what it is, never `pass`.

use super::ole::{self, Ole, what};
use super::{Format, Request, doc};
use crate::extract::document::Extraction;

/// Reads a legacy office document whose format detection said `format`.
pub fn extract(format: Format, request: &Request<'_>) -> Extraction {
    let bytes = request.bytes;
    if bytes.starts_with(b"{\\rtf") {
        return super::rtf::extract(request);
    }
    if !bytes.starts_with(ole::MAGIC) {
        return Extraction::failed(if format == Format::Wps {
            "unsupported WPS variant: not an OLE compound file (a DOS-era or WPS 97/2000 file?) — open it in WPS Office, save it as .docx/.xlsx/.pptx and rescan".to_owned()
        } else {
            format!(
                "{}: the file is not an OLE compound file (no D0 CF 11 E0 signature), so it is damaged or not what its name says",
                what(format)
            )
        });
    }
    let ole = match Ole::open(bytes, request.limits) {
        Ok(ole) => ole,
        Err(error) => return Extraction::failed(format!("{}: {error}", what(format))),
    };
    let mut out = Extraction::default();
    if ole.has_stream("EncryptedPackage") {
        return Extraction::failed(Format::Encrypted.unsupported_reason());
    }
    let name = match format {
        Format::Wps => "wps",
        _ => "doc",
    };
    if ole.has_stream("WordDocument") {
        doc::read(&ole, request, name, &mut out);
        return out;
    }
    if ole.has_stream("Workbook") || ole.has_stream("Book") {
        let name = if format == Format::Wps { "et" } else { "xls" };
        super::xls::read(&ole, request, name, &mut out);
        return out;
    }
    if ole.has_stream("PowerPoint Document") {
        let name = if format == Format::Wps { "dps" } else { "ppt" };
        super::ppt::read(&ole, request, name, &mut out);
        return out;
    }
    if ole.has_stream("PP40") {
        return Extraction::failed(
            "PowerPoint 4.0 presentation (PP40 stream): an older format prepub does not read — open it in PowerPoint, save as .pptx and rescan",
        );
    }
    let streams: Vec<&str> = ole
        .children("")
        .into_iter()
        .take(8)
        .map(|e| e.path.as_str())
        .collect();
    Extraction::failed(if format == Format::Wps {
        format!(
            "unsupported WPS variant: the OLE container holds no Word, Excel or PowerPoint stream (it has {}) — open it in WPS Office, save it as .docx/.xlsx/.pptx and rescan",
            streams.join(", ")
        )
    } else {
        format!(
            "unsupported OLE document: the compound file holds no Word, Excel or PowerPoint stream (it has {}); check it by hand",
            streams.join(", ")
        )
    })
}
