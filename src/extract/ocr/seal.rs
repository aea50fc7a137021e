//! Red seals and stamps, read apart from the black text.
//!
//! Chinese official pages carry red: the seal (公章) over the issuing
//! office and date, a rubber stamp (`内部资料`, `机密`) pressed at an angle,
//! the red 版头 of a 红头文件. Read together with the black text, a seal
//! turns the words under it into noise, and a stamp at 15° is not read at
//! all (measured with `tesseract`, chi_sim+eng: the date under a seal and a
//! 15° `内部资料` stamp were both lost). So, before recognition, red ink is
//! separated from the rest ([`separate`]): the black layer is recognised
//! without it, and each patch of red ([`patches`]) is cut out, turned
//! upright ([`upright`], by the angle at which its rows of ink line up
//! best) and recognised on its own as a block.
//!
//! Red is a hue, not a grey level: a pixel is red ink when its red channel
//! is bright and well above both others ([`is_red`]); dark red and
//! orange-red seals qualify, pink paper and brown photographs do not.

use crate::extract::ocr::engine::Gray;

/// Fewest red pixels for a picture to have a red layer: under it (a red
/// bullet, a hyperlink underline) the red stays in the picture as grey.
pub const MIN_RED_PIXELS: usize = 400;
/// Most red patches read per picture, largest first.
pub const MAX_PATCHES: usize = 8;
/// Side of the cells red patches are found on, in pixels; cells with red
/// this close together (two cells) belong to one patch.
const CELL: u32 = 8;
/// Smallest side of a patch worth reading, in pixels.
const MIN_PATCH_SIDE: u32 = 24;
/// The angles a patch is tried at to stand it upright: stamps are pressed
/// at any angle up to 45° either way.
const MAX_TILT_DEGREES: i32 = 45;

/// Whether a pixel is red ink.
pub fn is_red(r: u8, g: u8, b: u8) -> bool {
    let (r, g, b) = (i32::from(r), i32::from(g), i32::from(b));
    r >= 110 && r - g.max(b) >= 60
}

/// A picture split into its black layer and its red one.
#[derive(Debug)]
pub struct Separated {
    /// The picture in grey; with the red ink taken out (as paper) when
    /// there is a red layer.
    pub ink: Gray,
    /// The red ink alone, black on white, when the picture has at least
    /// [`MIN_RED_PIXELS`] of it.
    pub red: Option<Gray>,
}

/// Splits `width × height` RGB pixels (already over white) into grey and
/// red layers.
pub fn separate(width: u32, height: u32, rgb: impl Iterator<Item = [u8; 3]>) -> Separated {
    let count = width as usize * height as usize;
    let mut ink = Vec::with_capacity(count);
    let mut red_at = Vec::new();
    for (index, [r, g, b]) in rgb.take(count).enumerate() {
        if is_red(r, g, b) {
            red_at.push(index);
        }
        ink.push(luma(r, g, b));
    }
    ink.resize(count, 255);
    if red_at.len() < MIN_RED_PIXELS {
        return Separated {
            ink: Gray {
                width,
                height,
                pixels: ink,
            },
            red: None,
        };
    }
    let mut red = vec![255u8; count];
    for &index in &red_at {
        ink[index] = 255;
        red[index] = 0;
    }
    Separated {
        ink: Gray {
            width,
            height,
            pixels: ink,
        },
        red: Some(Gray {
            width,
            height,
            pixels: red,
        }),
    }
}

pub fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114 + 500) / 1000) as u8
}

/// Characters of the marking words a red stamp may carry (密级, 内部资料,
/// 限……阅, 不予公开, 严禁外传 …), traditional forms included.
/// Common words of seals (有限公司, 公章, 人民政府, 专用章) are left out.
const MARKING_CHARS: &str = "密秘機机绝絕内內资資料阅閱禁传傳翻";

/// Whether a doubtful reading of red ink holds a character of a marking
/// word, so that it must be checked rather than set aside as a seal's
/// unreadable ring.
pub fn may_be_marking(text: &str) -> bool {
    text.chars().any(|ch| MARKING_CHARS.contains(ch))
}

/// A patch of red, in pixels of its layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Patch {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// The separate patches of red ink in a red layer (a seal, a stamp, a red
/// heading), largest first, at most [`MAX_PATCHES`].
pub fn patches(red: &Gray) -> Vec<Patch> {
    let (cols, rows) = (red.width.div_ceil(CELL), red.height.div_ceil(CELL));
    let (cols_us, rows_us) = (cols as usize, rows as usize);
    let mut filled = vec![false; cols_us * rows_us];
    for y in 0..red.height {
        let row = &red.pixels[(y * red.width) as usize..((y + 1) * red.width) as usize];
        for (x, &value) in row.iter().enumerate() {
            if value < 128 {
                filled[(y / CELL) as usize * cols_us + x / CELL as usize] = true;
            }
        }
    }
    // Cells two apart join: the strokes of one stamp's characters.
    let reach = 2i64;
    let mut seen = vec![false; filled.len()];
    let mut found = Vec::new();
    for start in 0..filled.len() {
        if !filled[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        let mut stack = vec![start];
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        let mut cells = 0usize;
        while let Some(cell) = stack.pop() {
            let (cx, cy) = (cell % cols_us, cell / cols_us);
            cells += 1;
            x0 = x0.min(cx);
            y0 = y0.min(cy);
            x1 = x1.max(cx);
            y1 = y1.max(cy);
            for dy in -reach..=reach {
                for dx in -reach..=reach {
                    let (nx, ny) = (cx as i64 + dx, cy as i64 + dy);
                    if nx < 0 || ny < 0 || nx >= cols as i64 || ny >= rows as i64 {
                        continue;
                    }
                    let next = ny as usize * cols_us + nx as usize;
                    if filled[next] && !seen[next] {
                        seen[next] = true;
                        stack.push(next);
                    }
                }
            }
        }
        let margin = CELL;
        let x = (x0 as u32 * CELL).saturating_sub(margin);
        let y = (y0 as u32 * CELL).saturating_sub(margin);
        let right = ((x1 as u32 + 1) * CELL + margin).min(red.width);
        let bottom = ((y1 as u32 + 1) * CELL + margin).min(red.height);
        let patch = Patch {
            x,
            y,
            width: right - x,
            height: bottom - y,
        };
        if patch.width >= MIN_PATCH_SIDE && patch.height >= MIN_PATCH_SIDE {
            found.push((cells, patch));
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then((a.1.y, a.1.x).cmp(&(b.1.y, b.1.x))));
    found
        .into_iter()
        .take(MAX_PATCHES)
        .map(|(_, patch)| patch)
        .collect()
}

/// The pixels of `patch` in `layer`.
pub fn cut(layer: &Gray, patch: Patch) -> Gray {
    let mut pixels = Vec::with_capacity(patch.width as usize * patch.height as usize);
    for y in patch.y..patch.y + patch.height {
        let start = (y * layer.width + patch.x) as usize;
        pixels.extend_from_slice(&layer.pixels[start..start + patch.width as usize]);
    }
    Gray {
        width: patch.width,
        height: patch.height,
        pixels,
    }
}

/// `patch` turned upright: rotated by the angle, within
/// ±[`MAX_TILT_DEGREES`], at which its rows of ink line up best (the
/// projection profile is sharpest), with that angle in degrees.
pub fn upright(patch: &Gray) -> (Gray, i32) {
    // Scored on a copy of at most ~250,000 pixels: the angle does not need
    // every pixel.
    let step = ((u64::from(patch.width) * u64::from(patch.height)) as f64 / 250_000.0)
        .sqrt()
        .ceil()
        .max(1.0) as u32;
    let small = if step > 1 {
        shrink(patch, step)
    } else {
        patch.clone()
    };
    let mut best = (0i32, f64::MIN);
    for degrees in -MAX_TILT_DEGREES..=MAX_TILT_DEGREES {
        let score = profile_sharpness(&rotate(&small, f64::from(degrees)));
        // Ties keep the smaller tilt.
        if score > best.1 + 1e-9 || (score >= best.1 - 1e-9 && degrees.abs() < best.0.abs()) {
            best = (degrees, score);
        }
    }
    if best.0 == 0 {
        return (patch.clone(), 0);
    }
    (rotate(patch, f64::from(best.0)), best.0)
}

/// The sum of squared differences between neighbouring rows' ink: high
/// when lines of text run along the rows.
fn profile_sharpness(image: &Gray) -> f64 {
    let rows: Vec<f64> = image
        .pixels
        .chunks_exact(image.width.max(1) as usize)
        .map(|row| row.iter().filter(|&&v| v < 128).count() as f64)
        .collect();
    rows.windows(2)
        .map(|pair| (pair[1] - pair[0]).powi(2))
        .sum()
}

fn shrink(image: &Gray, step: u32) -> Gray {
    let (width, height) = (image.width / step, image.height / step);
    let mut pixels = Vec::with_capacity(width as usize * height as usize);
    for y in 0..height {
        for x in 0..width {
            // Dark wins: thin strokes survive the shrinking.
            let mut darkest = 255u8;
            for dy in 0..step {
                for dx in 0..step {
                    let index = ((y * step + dy) * image.width + x * step + dx) as usize;
                    darkest = darkest.min(image.pixels[index]);
                }
            }
            pixels.push(darkest);
        }
    }
    Gray {
        width: width.max(1),
        height: height.max(1),
        pixels: if pixels.is_empty() { vec![255] } else { pixels },
    }
}

/// `image` rotated counter-clockwise by `degrees` about its centre, into a
/// canvas large enough to hold all of it, the rest white (nearest pixel).
pub fn rotate(image: &Gray, degrees: f64) -> Gray {
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (w, h) = (f64::from(image.width), f64::from(image.height));
    let out_w = (w * cos.abs() + h * sin.abs()).ceil().max(1.0) as u32;
    let out_h = (w * sin.abs() + h * cos.abs()).ceil().max(1.0) as u32;
    let (cx, cy) = (w / 2.0, h / 2.0);
    let (ox, oy) = (f64::from(out_w) / 2.0, f64::from(out_h) / 2.0);
    let mut pixels = vec![255u8; out_w as usize * out_h as usize];
    for y in 0..out_h {
        let dy = f64::from(y) + 0.5 - oy;
        for x in 0..out_w {
            let dx = f64::from(x) + 0.5 - ox;
            // The source of an output pixel: the inverse rotation (image
            // rows run down, so counter-clockwise on screen is this sign).
            let sx = cos * dx - sin * dy + cx;
            let sy = sin * dx + cos * dy + cy;
            if sx >= 0.0 && sy >= 0.0 && sx < w && sy < h {
                let index = (sy as u32 * image.width + sx as u32) as usize;
                pixels[(y * out_w + x) as usize] = image.pixels[index];
            }
        }
    }
    Gray {
        width: out_w,
        height: out_h,
        pixels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canvas(width: u32, height: u32) -> Gray {
        Gray {
            width,
            height,
            pixels: vec![255; (width * height) as usize],
        }
    }

    fn fill(image: &mut Gray, x0: u32, y0: u32, x1: u32, y1: u32) {
        for y in y0..y1 {
            for x in x0..x1 {
                image.pixels[(y * image.width + x) as usize] = 0;
            }
        }
    }

    #[test]
    fn red_is_a_hue_not_a_grey() {
        assert!(is_red(215, 30, 35));
        assert!(is_red(150, 20, 40), "dark seal red");
        assert!(is_red(230, 90, 40), "orange-red");
        assert!(!is_red(0, 0, 0));
        assert!(!is_red(255, 200, 200), "pink paper");
        assert!(!is_red(140, 100, 70), "brown");
        assert!(!is_red(255, 255, 255));
    }

    #[test]
    fn enough_red_is_taken_out_of_the_black_layer() {
        let (w, h) = (100u32, 100u32);
        let pixels = |red_rows: u32| {
            (0..w * h).map(move |i| {
                if i / w < red_rows {
                    [215, 30, 35]
                } else if i % 7 == 0 {
                    [0, 0, 0]
                } else {
                    [255, 255, 255]
                }
            })
        };
        let split = separate(w, h, pixels(10));
        let red = split.red.expect("1,000 red pixels make a red layer");
        assert_eq!(red.pixels.iter().filter(|&&v| v == 0).count(), 1000);
        assert!(split.ink.pixels[..1000].iter().all(|&v| v == 255));
        assert_eq!(split.ink.pixels[1001], 0, "black text stays");
        // A few red pixels stay in the picture, as grey.
        let little = separate(w, h, pixels(2));
        assert!(little.red.is_none());
        assert_eq!(little.ink.pixels[0], luma(215, 30, 35));
    }

    #[test]
    fn a_doubtful_reading_is_kept_only_with_a_marking_character() {
        assert!(may_be_marking("机窑"));
        assert!(may_be_marking("内部贤料"));
        assert!(!may_be_marking("XV. are a."));
        assert!(!may_be_marking("有限公司合同专用章"));
        assert!(!may_be_marking("市人民政府办"));
    }

    #[test]
    fn patches_apart_are_found_apart_largest_first() {
        let mut red = canvas(400, 300);
        fill(&mut red, 20, 20, 120, 60);
        // Strokes 10 px apart belong to one patch.
        fill(&mut red, 200, 150, 220, 250);
        fill(&mut red, 230, 150, 250, 250);
        // A speck is not a patch.
        fill(&mut red, 390, 5, 392, 7);
        let found = patches(&red);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].x <= 200 && found[0].x + found[0].width >= 250);
        assert!(found[1].x <= 20 && found[1].y <= 20);
        let piece = cut(&red, found[1]);
        assert_eq!(
            (piece.width, piece.height),
            (found[1].width, found[1].height)
        );
    }

    #[test]
    fn a_tilted_stamp_is_turned_upright() {
        // Three lines of "text" (bars with gaps), tilted by 15°.
        let mut lines = canvas(300, 160);
        for row in 0..3 {
            let y = 30 + row * 40;
            for x in (20..280).step_by(14) {
                fill(&mut lines, x, y, x + 10, y + 14);
            }
        }
        let (_, flat) = upright(&lines);
        assert_eq!(flat, 0);
        let tilted = rotate(&lines, 15.0);
        let (turned, degrees) = upright(&tilted);
        assert!((-16..=-14).contains(&degrees), "{degrees}");
        assert!(turned.width >= tilted.width);
    }
}
