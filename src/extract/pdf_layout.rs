//! Reading order for a PDF's text layer: glyphs from pdf-extract, put back into lines by where they sit on the page.
//!
//! pdf-extract's own plain-text output writes glyphs in content-stream order, and LibreOffice draws a line's
//! fallback-font glyphs after all the others: with a font lacking Vietnamese letters ("Ủ", "ư", "ộ" come from
//! DejaVu), "Ủy ban" came out as "y ban … Ủ". Sorting each page's glyphs by baseline and then by x, as poppler's
//! pdftotext does, gives the words back whatever order they were drawn in.

use super::MAX_RAW_BYTES;
use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

/// One glyph (or ligature) as drawn: its origin in page space with y growing downwards, where its advance ends,
/// its size in page units, and its text from the font's ToUnicode map.
#[derive(Debug, Clone)]
struct Glyph {
    x: f64,
    y: f64,
    end: f64,
    size: f64,
    text: String,
}

/// An [`OutputDev`] that gathers each page's glyphs and writes them out by line at the end of the page.
#[derive(Debug, Default)]
pub(super) struct LayoutText {
    text: String,
    page: Vec<Glyph>,
    page_height: f64,
    /// Bytes of glyph text taken so far; past [`MAX_RAW_BYTES`] the rest is ignored (it would be cut anyway).
    taken: usize,
}

impl LayoutText {
    pub(super) fn into_text(self) -> String {
        self.text
    }

    fn write_page(&mut self) {
        let mut glyphs = std::mem::take(&mut self.page);
        if glyphs.is_empty() {
            return;
        }
        if !self.text.is_empty() {
            self.text.push_str("\n\n");
        }
        // Lines: glyphs whose baselines are within half a glyph's size of the line's first one. Sorting by y first
        // makes each line a run; within a line, by x (stable, so glyphs at one x keep their drawing order, as a
        // base letter and its combining mark must).
        glyphs.sort_by(|a, b| a.y.total_cmp(&b.y));
        let mut lines: Vec<Vec<Glyph>> = Vec::new();
        for glyph in glyphs {
            match lines.last_mut() {
                Some(line) if line.first().is_some_and(|first| same_line(first, &glyph)) => {
                    line.push(glyph);
                }
                _ => lines.push(vec![glyph]),
            }
        }
        let mut previous_line: Option<(f64, f64)> = None;
        for mut line in lines {
            line.sort_by(|a, b| a.x.total_cmp(&b.x));
            let Some(first) = line.first() else {
                continue;
            };
            let (y, size) = (first.y, first.size);
            if let Some((last_y, last_size)) = previous_line {
                // Baselines further apart than one and a half times the type size (single spacing is about 1.15)
                // mean paragraph spacing, or a gap in the page: a new paragraph.
                let gap = y - last_y;
                self.text.push_str(if gap > 1.5 * last_size.max(size) {
                    "\n\n"
                } else {
                    "\n"
                });
            }
            previous_line = Some((y, size));
            let mut last_end: Option<f64> = None;
            for glyph in &line {
                // A gap wider than 8% of the type size is a word break: kerning inside a word stays within 2%, and
                // a tab stop may land barely past the last letter (LibreOffice's 1.25 cm stops left 10% here).
                if let Some(end) = last_end
                    && glyph.x > end + 0.08 * glyph.size
                    && !self.text.ends_with(' ')
                    && !glyph.text.starts_with(' ')
                {
                    self.text.push(' ');
                }
                self.text.push_str(&glyph.text);
                last_end = Some(last_end.map_or(glyph.end, |end: f64| end.max(glyph.end)));
            }
        }
    }
}

fn same_line(first: &Glyph, glyph: &Glyph) -> bool {
    (glyph.y - first.y).abs() <= 0.5 * first.size.max(glyph.size)
}

impl OutputDev for LayoutText {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.page_height = media_box.ury - media_box.lly;
        self.page.clear();
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.write_page();
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        if char.is_empty() || self.taken > MAX_RAW_BYTES {
            return Ok(());
        }
        // The text rendering matrix's scale (rotation-proof: the square root of its determinant) times the font
        // size is the glyph's size on the page.
        let scale = (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs().sqrt();
        let size = font_size * scale;
        let x = trm.m31;
        let y = self.page_height - trm.m32;
        if !(x.is_finite() && y.is_finite() && size.is_finite()) {
            return Ok(());
        }
        self.taken += char.len();
        self.page.push(Glyph {
            x,
            y,
            end: x + width * size,
            size,
            text: char.to_owned(),
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}
