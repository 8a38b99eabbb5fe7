//! A poll's bar chart as a PNG: one bar per option, its height the option's share of the
//! largest count, its label under it and its count above. Drawn with plotters on a bitmap in
//! memory, with the embedded DejaVu Sans (`assets/`), so it renders the same everywhere.

use plotters::prelude::*;
use plotters::style::FontStyle;
use std::sync::Once;

/// The chart's size in pixels.
pub const WIDTH: u32 = 800;
pub const HEIGHT: u32 = 480;
/// The bars' colour, exactly: tests find the bars by it.
pub const BAR: RGBColor = RGBColor(52, 101, 164);

const FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
const FAMILY: &str = "tandem-sans";
static REGISTER: Once = Once::new();

/// The PNG bytes of a bar chart of `counts`, one bar per `labels`, under `title`.
pub fn bar_chart(title: &str, labels: &[String], counts: &[i64]) -> anyhow::Result<Vec<u8>> {
    REGISTER.call_once(|| {
        if plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_err() {
            tracing::error!("the embedded chart font cannot be read");
        }
    });
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    draw(&mut rgb, title, labels, counts).map_err(|e| anyhow::anyhow!("drawing a chart: {e:?}"))?;
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&rgb)?;
    }
    Ok(png)
}

fn draw(
    rgb: &mut [u8],
    title: &str,
    labels: &[String],
    counts: &[i64],
) -> Result<(), DrawingAreaErrorKind<<BitMapBackend<'static> as DrawingBackend>::ErrorType>> {
    let root = BitMapBackend::with_buffer(rgb, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let font = |size: u32| (FAMILY, size).into_font().color(&BLACK);
    let title: String = title.chars().take(70).collect();
    root.draw(&Text::new(title, (20, 16), font(22)))?;
    let (top, bottom) = (90i32, HEIGHT as i32 - 70);
    let n = labels.len().max(1) as i32;
    let slot = (WIDTH as i32 - 40) / n;
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    root.draw(&PathElement::new(vec![(20, bottom), (WIDTH as i32 - 20, bottom)], BLACK))?;
    for (i, label) in labels.iter().enumerate() {
        let count = counts.get(i).copied().unwrap_or(0);
        let x0 = 20 + slot * i as i32 + slot / 6;
        let x1 = 20 + slot * (i as i32 + 1) - slot / 6;
        let height = ((bottom - top) as i64 * count / max) as i32;
        if height > 0 {
            root.draw(&Rectangle::new([(x0, bottom - height), (x1, bottom - 1)], BAR.filled()))?;
        }
        root.draw(&Text::new(count.to_string(), (x0, bottom - height - 24), font(18)))?;
        let short: String = label.chars().take(12).collect();
        root.draw(&Text::new(short, (x0, bottom + 10), font(16)))?;
    }
    root.present()?;
    Ok(())
}
