//! Pictures' bytes → grey pixels, within the pixel limit.
//!
//! A picture's header says how many pixels it holds before any of them is
//! decoded, so a decompression bomb (a few KB claiming 100,000 × 100,000
//! pixels) is refused by the limit, never allocated. Decoding then runs
//! with the decoders' own allocation caps as a second fence.
//!
//! PNG, JPEG, BMP and WebP go through the `image` crate; TIFF through the
//! `tiff` crate, page by page (a scanner's multi-page TIFF is a whole
//! document, including CCITT G4 fax pages); GIF frame by frame (frames that
//! repeat an earlier one are not read twice).

use crate::extract::ocr::engine::Gray;
use crate::extract::ocr::seal::{self, Separated};
use crate::extract::picture::{Picture, PictureFormat};
use image::{AnimationDecoder, ImageDecoder, ImageFormat, ImageReader};
use sha2::Digest;
use std::collections::HashSet;
use std::io::Cursor;

/// The frames (pages) decoded from one picture.
#[derive(Debug, Default)]
pub struct Decoded {
    pub frames: Vec<Gray>,
    /// Frames of the picture past `max_frames`, not decoded.
    pub frames_left: usize,
    /// Frames that could not be decoded, with the reason (a damaged page of
    /// a multi-page TIFF), while others were.
    pub failures: Vec<String>,
    /// The red layer of a colour frame that has red ink (seals, stamps),
    /// by the frame's index in `frames`; that frame has the red taken out.
    pub red: Vec<(usize, Gray)>,
}

impl Decoded {
    fn push(&mut self, frame: Separated) {
        if let Some(red) = frame.red {
            self.red.push((self.frames.len(), red));
        }
        self.frames.push(frame.ink);
    }
}

/// Decodes up to `max_frames` frames of `picture`, refusing any frame of
/// more than `max_pixels` pixels. `Err` says why nothing was decoded.
pub fn decode(picture: &Picture, max_pixels: u64, max_frames: usize) -> Result<Decoded, String> {
    match picture.format {
        PictureFormat::Tiff => tiff_pages(&picture.bytes, max_pixels, max_frames),
        PictureFormat::Gif => gif_frames(&picture.bytes, max_pixels, max_frames),
        PictureFormat::Png => single(&picture.bytes, ImageFormat::Png, max_pixels),
        PictureFormat::Jpeg => single(&picture.bytes, ImageFormat::Jpeg, max_pixels),
        PictureFormat::Bmp => single(&picture.bytes, ImageFormat::Bmp, max_pixels),
        PictureFormat::WebP => single(&picture.bytes, ImageFormat::WebP, max_pixels),
        PictureFormat::Rgb { width, height } => {
            let pixels = check_size(width, height, max_pixels)?;
            if (picture.bytes.len() as u64) < pixels.saturating_mul(3) {
                return Err(format!(
                    "{width} × {height} RGB pixels claimed, {} bytes given",
                    picture.bytes.len()
                ));
            }
            let rgb = picture.bytes.chunks_exact(3).map(|p| [p[0], p[1], p[2]]);
            let mut out = Decoded::default();
            out.push(seal::separate(width, height, rgb));
            Ok(out)
        }
        PictureFormat::Gray { width, height } => {
            let pixels = check_size(width, height, max_pixels)?;
            if (picture.bytes.len() as u64) < pixels {
                return Err(format!(
                    "{width} × {height} grey pixels claimed, {} bytes given",
                    picture.bytes.len()
                ));
            }
            Ok(Decoded {
                frames: vec![Gray {
                    width,
                    height,
                    pixels: picture.bytes[..pixels as usize].to_vec(),
                }],
                ..Decoded::default()
            })
        }
        PictureFormat::Drawn => {
            let Some(drawing) = &picture.drawing else {
                return Err("nothing to draw the page with".into());
            };
            let drawn = drawing.draw(max_pixels)?;
            match drawn.format {
                PictureFormat::Gray { .. } | PictureFormat::Rgb { .. } => {
                    decode(&drawn, max_pixels, max_frames)
                }
                other => Err(format!("the renderer gave {other}, not pixels")),
            }
        }
        other => Err(format!("{other} pictures are not decoded for OCR")),
    }
}

/// Bytes the decoder may allocate for a frame of `pixels` pixels: RGBA at
/// 16 bits per channel plus room for its working buffers.
fn alloc_cap(pixels: u64) -> u64 {
    pixels.saturating_mul(8).saturating_add(64 * 1024 * 1024)
}

fn check_size(width: u32, height: u32, max_pixels: u64) -> Result<u64, String> {
    let pixels = u64::from(width) * u64::from(height);
    if width == 0 || height == 0 {
        return Err(format!("the picture claims {width} × {height} pixels"));
    }
    if pixels > max_pixels {
        return Err(format!(
            "the picture is {width} × {height} pixels ({} megapixels), over the limit of {} megapixels (--max-image-pixels); not decoded",
            megapixels(pixels),
            megapixels(max_pixels)
        ));
    }
    Ok(pixels)
}

fn megapixels(pixels: u64) -> String {
    let mp = pixels as f64 / 1_000_000.0;
    if mp >= 10.0 {
        format!("{mp:.0}")
    } else {
        format!("{mp:.1}")
    }
}

fn limits_for(pixels: u64) -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(alloc_cap(pixels));
    limits
}

fn single(bytes: &[u8], format: ImageFormat, max_pixels: u64) -> Result<Decoded, String> {
    let name = format!("{format:?}").to_uppercase();
    let reader = ImageReader::with_format(Cursor::new(bytes), format);
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| format!("{name} header cannot be read: {e}"))?;
    let pixels = check_size(width, height, max_pixels)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits_for(pixels));
    let image = reader
        .decode()
        .map_err(|e| format!("{name} cannot be decoded: {e}"))?;
    let mut out = Decoded::default();
    out.push(separated(image));
    Ok(out)
}

/// Grey pixels of a decoded image, with its red ink apart
/// ([`seal::separate`]); transparent pixels count as white paper (a
/// screenshot or logo with a transparent background is black text on
/// nothing, which would otherwise turn black).
fn separated(image: image::DynamicImage) -> Separated {
    let (width, height) = (image.width(), image.height());
    if !image.color().has_color() {
        let pixels = if image.color().has_alpha() {
            image
                .into_luma_alpha8()
                .pixels()
                .map(|p| over_white(p[0], p[1]))
                .collect()
        } else {
            image.into_luma8().into_raw()
        };
        return Separated {
            ink: Gray {
                width,
                height,
                pixels,
            },
            red: None,
        };
    }
    if image.color().has_alpha() {
        let rgba = image.into_rgba8();
        let rgb = rgba.pixels().map(|p| {
            let a = p[3];
            [
                over_white(p[0], a),
                over_white(p[1], a),
                over_white(p[2], a),
            ]
        });
        seal::separate(width, height, rgb)
    } else {
        let rgb = image.into_rgb8();
        seal::separate(width, height, rgb.pixels().map(|p| p.0))
    }
}

fn over_white(value: u8, alpha: u8) -> u8 {
    let a = u32::from(alpha);
    ((u32::from(value) * a + 255 * (255 - a) + 127) / 255) as u8
}

fn gif_frames(bytes: &[u8], max_pixels: u64, max_frames: usize) -> Result<Decoded, String> {
    let mut decoder = image::codecs::gif::GifDecoder::new(Cursor::new(bytes))
        .map_err(|e| format!("GIF cannot be decoded: {e}"))?;
    let (width, height) = decoder.dimensions();
    let pixels = check_size(width, height, max_pixels)?;
    decoder
        .set_limits(limits_for(pixels))
        .map_err(|e| format!("GIF over the limits: {e}"))?;
    let mut out = Decoded::default();
    let mut seen: HashSet<[u8; 32]> = HashSet::new();
    for frame in decoder.into_frames() {
        let frame = match frame {
            Ok(frame) => frame,
            Err(e) => {
                if out.frames.is_empty() {
                    return Err(format!("GIF cannot be decoded: {e}"));
                }
                out.failures.push(format!(
                    "GIF frame {} cannot be decoded: {e}",
                    out.frames.len() + 1
                ));
                break;
            }
        };
        let frame = separated(image::DynamicImage::ImageRgba8(frame.into_buffer()));
        let mut digest = sha2::Sha256::new();
        digest.update(&frame.ink.pixels);
        if let Some(red) = &frame.red {
            digest.update(&red.pixels);
        }
        let digest: [u8; 32] = digest.finalize().into();
        if !seen.insert(digest) {
            continue;
        }
        if out.frames.len() >= max_frames {
            out.frames_left += 1;
            continue;
        }
        out.push(frame);
    }
    Ok(out)
}

fn tiff_pages(bytes: &[u8], max_pixels: u64, max_frames: usize) -> Result<Decoded, String> {
    use tiff::decoder::{Decoder, Limits};
    let mut limits = Limits::default();
    let cap = usize::try_from(alloc_cap(max_pixels)).unwrap_or(usize::MAX);
    limits.decoding_buffer_size = cap;
    limits.intermediate_buffer_size = cap;
    let mut decoder = Decoder::new(Cursor::new(bytes))
        .map_err(|e| format!("TIFF cannot be decoded: {e}"))?
        .with_limits(limits);
    let mut out = Decoded::default();
    let mut page = 1usize;
    loop {
        if out.frames.len() >= max_frames {
            out.frames_left += 1;
        } else {
            match tiff_page(&mut decoder, max_pixels) {
                Ok(frame) => out.push(frame),
                Err(why) => {
                    let why = format!("TIFF page {page}: {why}");
                    if page == 1 && !decoder.more_images() {
                        return Err(why);
                    }
                    out.failures.push(why);
                }
            }
        }
        if !decoder.more_images() {
            break;
        }
        if let Err(e) = decoder.next_image() {
            out.failures
                .push(format!("TIFF pages after page {page} cannot be found: {e}"));
            break;
        }
        page += 1;
        // A TIFF whose page list loops or runs on forever: the count of
        // pages is bounded like any other list a file claims.
        if page > 100_000 {
            out.failures
                .push("TIFF claims more than 100,000 pages; the rest are not read".into());
            break;
        }
    }
    if out.frames.is_empty() && out.frames_left == 0 {
        return Err(out
            .failures
            .first()
            .cloned()
            .unwrap_or_else(|| "TIFF holds no page".into()));
    }
    Ok(out)
}

fn tiff_page(
    decoder: &mut tiff::decoder::Decoder<Cursor<&[u8]>>,
    max_pixels: u64,
) -> Result<Separated, String> {
    use tiff::ColorType;
    use tiff::decoder::DecodingResult;
    let (width, height) = decoder.dimensions().map_err(|e| e.to_string())?;
    let pixels = check_size(width, height, max_pixels)?;
    let color = decoder.colortype().map_err(|e| e.to_string())?;
    let data = decoder.read_image().map_err(|e| e.to_string())?;
    let count = usize::try_from(pixels).map_err(|_| "too many pixels".to_owned())?;
    let samples: Vec<u16> = match data {
        DecodingResult::U8(values) => values.into_iter().map(|v| u16::from(v) << 8).collect(),
        DecodingResult::U16(values) => values,
        _ => {
            return Err(format!(
                "samples of type other than 8 or 16 bits ({color:?}) are not read"
            ));
        }
    };
    let top = |v: u16| (v >> 8) as u8;
    let channels = |n: usize| -> Result<(), String> {
        if samples.len() < count * n {
            Err(format!("{color:?} page holds fewer samples than its size"))
        } else {
            Ok(())
        }
    };
    let gray: Vec<u8> = match color {
        ColorType::Gray(8) | ColorType::Gray(16) => {
            channels(1)?;
            samples[..count].iter().map(|&v| top(v)).collect()
        }
        ColorType::Gray(bits @ (1 | 2 | 4)) => {
            // Packed rows, each padded to a whole byte.
            let bits = usize::from(bits);
            let row_bytes = (width as usize * bits).div_ceil(8);
            if samples.len() < row_bytes * height as usize {
                return Err("bilevel page holds fewer bytes than its size".into());
            }
            let levels = (1u16 << bits) - 1;
            let mut out = Vec::with_capacity(count);
            for row in 0..height as usize {
                for x in 0..width as usize {
                    let bit = x * bits;
                    let byte = top(samples[row * row_bytes + bit / 8]);
                    let shift = 8 - bits - (bit % 8);
                    let value = (u16::from(byte) >> shift) & levels;
                    out.push((value * 255 / levels) as u8);
                }
            }
            out
        }
        ColorType::GrayA(8) | ColorType::GrayA(16) => {
            channels(2)?;
            samples
                .chunks_exact(2)
                .take(count)
                .map(|p| over_white(top(p[0]), top(p[1])))
                .collect()
        }
        ColorType::RGB(8) | ColorType::RGB(16) => {
            channels(3)?;
            let rgb = samples
                .chunks_exact(3)
                .map(|p| [top(p[0]), top(p[1]), top(p[2])]);
            return Ok(seal::separate(width, height, rgb));
        }
        ColorType::RGBA(8) | ColorType::RGBA(16) => {
            channels(4)?;
            let rgb = samples.chunks_exact(4).map(|p| {
                let a = top(p[3]);
                [
                    over_white(top(p[0]), a),
                    over_white(top(p[1]), a),
                    over_white(top(p[2]), a),
                ]
            });
            return Ok(seal::separate(width, height, rgb));
        }
        ColorType::CMYK(8) | ColorType::CMYK(16) => {
            channels(4)?;
            let rgb = samples.chunks_exact(4).map(|p| {
                let k = 255 - u16::from(top(p[3]));
                let rgb = |c: u16| ((255 - c) * k / 255) as u8;
                [
                    rgb(u16::from(top(p[0]))),
                    rgb(u16::from(top(p[1]))),
                    rgb(u16::from(top(p[2]))),
                ]
            });
            return Ok(seal::separate(width, height, rgb));
        }
        other => return Err(format!("colour type {other:?} is not read")),
    };
    Ok(Separated {
        ink: Gray {
            width,
            height,
            pixels: gray,
        },
        red: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::document::Part;
    use crate::extract::picture::PicturePlace;

    fn picture(bytes: Vec<u8>) -> Picture {
        Picture::new(PicturePlace::new(Part::Body, "x"), bytes)
    }

    fn png(width: u32, height: u32, color: image::ColorType, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        image::ImageEncoder::write_image(
            image::codecs::png::PngEncoder::new(&mut out),
            data,
            width,
            height,
            color.into(),
        )
        .unwrap();
        out
    }

    #[test]
    fn transparent_pixels_are_white_paper() {
        // Two pixels: black ink, and "black" that is fully transparent.
        let bytes = png(2, 1, image::ColorType::Rgba8, &[0, 0, 0, 255, 0, 0, 0, 0]);
        let decoded = decode(&picture(bytes), 1_000, 10).unwrap();
        assert_eq!(decoded.frames[0].pixels, vec![0, 255]);
    }

    #[test]
    fn a_bomb_is_refused_from_its_header() {
        // A PNG header claiming 60,000 × 60,000 pixels and no data.
        let mut bytes = png(1, 1, image::ColorType::L8, &[0]);
        bytes[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&60_000u32.to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.sum().to_be_bytes());
        let why = decode(&picture(bytes), 50_000_000, 10).unwrap_err();
        assert!(why.contains("over the limit of 50 megapixels"), "{why}");
    }

    #[test]
    fn every_page_of_a_tiff_is_decoded_up_to_the_cap() {
        let mut bytes = Vec::new();
        {
            let mut encoder = tiff::encoder::TiffEncoder::new(Cursor::new(&mut bytes)).unwrap();
            for shade in [0u8, 128, 255] {
                encoder
                    .write_image::<tiff::encoder::colortype::Gray8>(2, 2, &[shade; 4])
                    .unwrap();
            }
        }
        let decoded = decode(&picture(bytes.clone()), 1_000, 10).unwrap();
        assert_eq!(decoded.frames.len(), 3);
        assert_eq!(decoded.frames[1].pixels, vec![128; 4]);
        let capped = decode(&picture(bytes), 1_000, 2).unwrap();
        assert_eq!((capped.frames.len(), capped.frames_left), (2, 1));
    }

    #[test]
    fn grey_pixels_pass_through_within_the_limit() {
        let place = PicturePlace::new(Part::Body, "page 1 (rendered)");
        let decoded = decode(&Picture::gray(place.clone(), 2, 2, vec![0, 1, 2, 3]), 10, 1).unwrap();
        assert_eq!(decoded.frames[0].pixels, vec![0, 1, 2, 3]);
        assert!(decode(&Picture::gray(place.clone(), 2, 2, vec![0; 3]), 10, 1).is_err());
        assert!(decode(&Picture::gray(place, 20, 20, vec![0; 400]), 10, 1).is_err());
    }

    #[test]
    fn damaged_bytes_say_why() {
        let why = decode(&picture(b"\x89PNG\r\n\x1a\n\0\0\0".to_vec()), 1_000, 1).unwrap_err();
        assert!(why.starts_with("PNG"), "{why}");
    }
}
