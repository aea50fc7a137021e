//! Pictures met while reading a document, handed to the OCR stage.
//!
//! Readers know *where* a picture sits (the body, a header, slide 3, sheet
//! 名单, an attachment) but not what it says: that takes OCR, and OCR lives
//! in one place ([`crate::extract::ocr`]) for every format. So a reader
//! only hands each picture over, located, with its bytes and what kind of
//! picture they are; the stage decodes it, judges whether it can hold text,
//! recognises it and turns it into `image` segments, or says why it could
//! not.

use crate::extract::Request;
use crate::extract::document::{Extraction, Part};
use std::fmt;
use std::sync::Arc;

/// Reads a picture file (PNG, JPEG, TIFF, BMP, GIF, WebP …): the whole
/// file is one picture, handed to the OCR stage; its frames are the
/// document's pages.
pub fn extract(request: &Request<'_>) -> Extraction {
    let mut out = Extraction::default();
    out.push_picture(Picture::new(
        PicturePlace::whole_document(),
        request.bytes.to_vec(),
    ));
    out
}

/// Where a picture sits in its document: enough for a clerk to find it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PicturePlace {
    /// The part the picture belongs to (`body`, `header`, `notes`,
    /// `attachment`, `metadata` for a thumbnail …). The recognised text is
    /// always part `image`; this says where the image was.
    pub part: Part,
    /// 1-based page or slide, where the format records one.
    pub page: Option<u32>,
    /// Spreadsheet sheet name.
    pub sheet: Option<String>,
    /// The name the document gives the picture: a package entry
    /// (`word/media/image1.png`), `data: URI`, an attachment's file name.
    pub name: String,
    /// What the picture is, when that matters to the reader of a finding
    /// ("thumbnail of the first page as last saved").
    pub role: Option<String>,
    /// The picture is the document itself (a scanned page saved as a PNG,
    /// a multi-page TIFF): its frames are the document's pages.
    pub whole_document: bool,
    /// The picture is a whole page drawn by a renderer (a scanned PDF
    /// page): it is "page 3 (rendered)", not one image among the page's.
    pub whole_page: bool,
}

impl PicturePlace {
    pub fn new(part: Part, name: impl Into<String>) -> PicturePlace {
        PicturePlace {
            part,
            name: name.into(),
            ..PicturePlace::default()
        }
    }

    /// The place of a picture that is the whole document.
    pub fn whole_document() -> PicturePlace {
        PicturePlace {
            whole_document: true,
            ..PicturePlace::default()
        }
    }

    /// The place of page `page` drawn whole by a renderer.
    pub fn rendered_page(page: u32) -> PicturePlace {
        PicturePlace {
            part: Part::Body,
            page: Some(page),
            name: format!("page {page} (rendered)"),
            whole_page: true,
            ..PicturePlace::default()
        }
    }

    pub fn on_page(mut self, page: u32) -> PicturePlace {
        self.page = Some(page);
        self
    }

    pub fn on_page_opt(mut self, page: Option<u32>) -> PicturePlace {
        self.page = page;
        self
    }

    pub fn in_sheet(mut self, sheet: impl Into<String>) -> PicturePlace {
        self.sheet = Some(sheet.into());
        self
    }

    pub fn with_role(mut self, role: impl Into<String>) -> PicturePlace {
        self.role = Some(role.into());
        self
    }
}

/// The encodings a picture's bytes can be in, from their first bytes.
///
/// The decodable ones are read by the OCR stage; the others (vector
/// drawings, JPEG 2000, JBIG2 …) are named, so the document is `partial`
/// saying which picture was not read and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PictureFormat {
    Png,
    Jpeg,
    /// Possibly several pages.
    Tiff,
    Bmp,
    /// Possibly several frames.
    Gif,
    WebP,
    /// Windows metafiles (`.emf`, `.wmf`): drawings with text records,
    /// not pixels.
    Metafile,
    Svg,
    Jpeg2000,
    Jbig2,
    Ico,
    Heic,
    /// Already pixels: one byte of grey per pixel, rows without padding —
    /// what a reader that renders (a PDF page drawn by a renderer) hands
    /// over, so nothing is encoded only to be decoded again. Made with
    /// [`Picture::gray`].
    Gray {
        width: u32,
        height: u32,
    },
    /// Already pixels, in colour: three bytes (red, green, blue) per pixel
    /// over white, rows without padding — what a renderer hands over so
    /// that red seals and stamps can be read apart. Made with
    /// [`Picture::rgb`].
    Rgb {
        width: u32,
        height: u32,
    },
    /// Not pixels yet: drawn by its [`Draw`] when the OCR stage reaches it
    /// (a PDF page rendered whole). Made with [`Picture::drawn`].
    Drawn,
    /// Nothing prepub recognises.
    Unknown,
}

impl PictureFormat {
    /// The format of a picture from its first bytes; the name (extension)
    /// only tells formats without a signature (SVG).
    pub fn sniff(bytes: &[u8], name: &str) -> PictureFormat {
        let lower = name.to_ascii_lowercase();
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            PictureFormat::Png
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            PictureFormat::Jpeg
        } else if bytes.starts_with(b"II*\0")
            || bytes.starts_with(b"MM\0*")
            || bytes.starts_with(b"II+\0")
            || bytes.starts_with(b"MM\0+")
        {
            PictureFormat::Tiff
        } else if bytes.starts_with(b"BM") && bytes.len() > 14 {
            PictureFormat::Bmp
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            PictureFormat::Gif
        } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            PictureFormat::WebP
        } else if bytes.starts_with(&[0x01, 0, 0, 0]) && bytes.get(40..44) == Some(b" EMF")
            || bytes.starts_with(&[0xD7, 0xCD, 0xC6, 0x9A])
            || lower.ends_with(".wmf")
            || lower.ends_with(".emf")
            || lower.ends_with(".emz")
            || lower.ends_with(".wmz")
        {
            PictureFormat::Metafile
        } else if bytes.starts_with(&[0, 0, 0, 0x0C, b'j', b'P', b' ', b' '])
            || bytes.starts_with(&[0xFF, 0x4F, 0xFF, 0x51])
        {
            PictureFormat::Jpeg2000
        } else if bytes.starts_with(&[0x97, b'J', b'B', b'2', 0x0D, 0x0A, 0x1A, 0x0A]) {
            PictureFormat::Jbig2
        } else if bytes.starts_with(&[0, 0, 1, 0]) && lower.ends_with(".ico") {
            PictureFormat::Ico
        } else if bytes.get(4..12).is_some_and(|b| {
            b == b"ftypheic" || b == b"ftypheix" || b == b"ftypmif1" || b == b"ftypavif"
        }) {
            PictureFormat::Heic
        } else if lower.ends_with(".svg") || lower.ends_with(".svgz") || starts_like_svg(bytes) {
            PictureFormat::Svg
        } else {
            PictureFormat::Unknown
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PictureFormat::Png => "PNG",
            PictureFormat::Jpeg => "JPEG",
            PictureFormat::Tiff => "TIFF",
            PictureFormat::Bmp => "BMP",
            PictureFormat::Gif => "GIF",
            PictureFormat::WebP => "WebP",
            PictureFormat::Metafile => "Windows metafile (EMF/WMF)",
            PictureFormat::Svg => "SVG",
            PictureFormat::Jpeg2000 => "JPEG 2000",
            PictureFormat::Jbig2 => "JBIG2",
            PictureFormat::Ico => "icon (ICO)",
            PictureFormat::Heic => "HEIF/AVIF",
            PictureFormat::Gray { .. } => "grey pixels",
            PictureFormat::Rgb { .. } => "colour pixels",
            PictureFormat::Drawn => "page to render",
            PictureFormat::Unknown => "unrecognised picture format",
        }
    }

    /// Whether the OCR stage decodes this format to pixels.
    pub fn is_decodable(self) -> bool {
        matches!(
            self,
            PictureFormat::Png
                | PictureFormat::Jpeg
                | PictureFormat::Tiff
                | PictureFormat::Bmp
                | PictureFormat::Gif
                | PictureFormat::WebP
                | PictureFormat::Gray { .. }
                | PictureFormat::Rgb { .. }
                | PictureFormat::Drawn
        )
    }
}

impl fmt::Display for PictureFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn starts_like_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    (head.starts_with("<?xml") || head.starts_with("<svg") || head.starts_with("<!DOCTYPE svg"))
        && head.contains("<svg")
}

/// Draws a picture that is not pixels yet, when the OCR stage reaches it.
///
/// A scanned PDF of 100 pages is 100 pages of 9 MB of grey each at 300
/// dpi: drawn as the reader meets them they would all sit in memory until
/// the stage runs. Drawn late, one page is held at a time, and a page is
/// never drawn at all when OCR is off (`--no-ocr`), past `--ocr-max-pages`
/// or past the deadline — the stage decides, in one place.
pub trait Draw: Send + Sync {
    /// The picture as grey pixels ([`Picture::gray`]) of at most
    /// `max_pixels` pixels; `Err` says why it could not be drawn (naming
    /// the cause). Must not panic: a renderer's panic is caught inside.
    fn draw(&self, max_pixels: u64) -> Result<Picture, String>;
}

/// A picture handed over by a reader: where it is, and its encoded bytes.
#[derive(Clone)]
pub struct Picture {
    pub place: PicturePlace,
    pub format: PictureFormat,
    pub bytes: Vec<u8>,
    /// What draws the picture, for [`PictureFormat::Drawn`].
    pub drawing: Option<Arc<dyn Draw>>,
    /// What the reader reports about the place when the picture is not
    /// read ("page 3 has no text layer (scanned image): needs OCR or manual
    /// review"): the OCR stage reports it, with its own reason, only then —
    /// a scanned page whose OCR succeeded was read.
    pub if_not_read: Option<String>,
}

impl PartialEq for Picture {
    fn eq(&self, other: &Picture) -> bool {
        self.place == other.place
            && self.format == other.format
            && self.bytes == other.bytes
            && self.if_not_read == other.if_not_read
            && match (&self.drawing, &other.drawing) {
                (None, None) => true,
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                _ => false,
            }
    }
}

impl Eq for Picture {}

impl Picture {
    /// A picture at `place`, its format sniffed from its bytes.
    pub fn new(place: PicturePlace, bytes: Vec<u8>) -> Picture {
        let format = PictureFormat::sniff(&bytes, &place.name);
        Picture {
            place,
            format,
            bytes,
            drawing: None,
            if_not_read: None,
        }
    }

    /// A picture drawn by `drawing` when the OCR stage reaches it.
    pub fn drawn(place: PicturePlace, drawing: Arc<dyn Draw>) -> Picture {
        Picture {
            place,
            format: PictureFormat::Drawn,
            bytes: Vec::new(),
            drawing: Some(drawing),
            if_not_read: None,
        }
    }

    /// The problem the reader reports about the picture's place if the
    /// picture is not read.
    pub fn if_not_read(mut self, message: impl Into<String>) -> Picture {
        self.if_not_read = Some(message.into());
        self
    }

    /// Whether there is anything to read: bytes, or something to draw.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty() && self.drawing.is_none()
    }
}

impl Picture {
    /// A picture that is already grey pixels (`width × height` bytes, one
    /// per pixel, rows without padding), such as a rendered page.
    pub fn gray(place: PicturePlace, width: u32, height: u32, pixels: Vec<u8>) -> Picture {
        Picture {
            place,
            format: PictureFormat::Gray { width, height },
            bytes: pixels,
            drawing: None,
            if_not_read: None,
        }
    }
}

impl Picture {
    /// A picture that is already colour pixels (`width × height × 3`
    /// bytes, red, green, blue).
    pub fn rgb(place: PicturePlace, width: u32, height: u32, pixels: Vec<u8>) -> Picture {
        Picture {
            place,
            format: PictureFormat::Rgb { width, height },
            bytes: pixels,
            drawing: None,
            if_not_read: None,
        }
    }
}

impl fmt::Debug for Picture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Picture")
            .field("place", &self.place)
            .field("format", &self.format)
            .field("bytes", &self.bytes.len())
            .field("drawn", &self.drawing.is_some())
            .field("if_not_read", &self.if_not_read)
            .finish()
    }
}

/// File name endings of pictures inside packages and mail.
pub const PICTURE_ENDINGS: &[&str] = &[
    ".png", ".jpg", ".jpeg", ".jpe", ".gif", ".bmp", ".dib", ".tif", ".tiff", ".emf", ".wmf",
    ".emz", ".wmz", ".webp", ".svg", ".jp2", ".jpx", ".jb2", ".jbig2", ".pcx", ".ico", ".heic",
];

/// Whether a (lower-case) entry name is a picture's.
pub fn has_picture_name(lower: &str) -> bool {
    PICTURE_ENDINGS.iter().any(|end| lower.ends_with(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_the_bytes_not_the_name() {
        let sniff = PictureFormat::sniff;
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....", "a.jpg"), PictureFormat::Png);
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0], "a.png"),
            PictureFormat::Jpeg
        );
        assert_eq!(sniff(b"II*\0\x08\0\0\0", "x"), PictureFormat::Tiff);
        assert_eq!(sniff(b"GIF89a....", "x"), PictureFormat::Gif);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ", "x"), PictureFormat::WebP);
        assert_eq!(sniff(b"<svg xmlns='x'/>", "x"), PictureFormat::Svg);
        assert_eq!(sniff(b"\0\0\0\0", "image1.wmf"), PictureFormat::Metafile);
        assert_eq!(sniff(b"junk", "a.png"), PictureFormat::Unknown);
        assert!(PictureFormat::Tiff.is_decodable());
        assert!(!PictureFormat::Metafile.is_decodable());
    }
}
