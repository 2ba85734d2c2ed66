//! Reading order for a PDF's text layer: glyphs from pdf-extract, put back into lines by where they sit on the page.
//!
//! pdf-extract's own plain-text output writes glyphs in content-stream order, and LibreOffice draws a line's
//! fallback-font glyphs after all the others: with a font lacking Vietnamese letters ("Ủ", "ư", "ộ" come from
//! DejaVu), "Ủy ban" came out as "y ban … Ủ". Sorting each page's glyphs by baseline and then along the line, as
//! poppler's pdftotext does, gives the words back whatever order they were drawn in. Text turned a quarter (a
//! landscape table on a portrait page, a vertical column heading) is laid out in its own frame, so it reads along
//! its lines rather than one letter per line.

use super::MAX_RAW_BYTES;
use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

/// One glyph (or ligature) as drawn, in the reading frame of its orientation: `x` along the line, `y` growing
/// from one line to the next; where its advance ends along the line; its size in page units; its text from the
/// font's ToUnicode map.
#[derive(Debug, Clone)]
struct Glyph {
    /// Quarter turns of the text counter-clockwise from upright, 0 to 3.
    turn: u8,
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
        // Lines: glyphs of one orientation whose baselines are within half a glyph's size of the line's first one.
        // Sorting by orientation and y first makes each line a run; within a line, by x (stable, so glyphs at one
        // x keep their drawing order, as a base letter and its combining mark must).
        glyphs.sort_by(|a, b| a.turn.cmp(&b.turn).then(a.y.total_cmp(&b.y)));
        let mut lines: Vec<Vec<Glyph>> = Vec::new();
        for glyph in glyphs {
            match lines.last_mut() {
                Some(line) if line.first().is_some_and(|first| same_line(first, &glyph)) => {
                    line.push(glyph);
                }
                _ => lines.push(vec![glyph]),
            }
        }
        let mut previous_line: Option<(u8, f64, f64)> = None;
        for mut line in lines {
            line.sort_by(|a, b| a.x.total_cmp(&b.x));
            let Some(first) = line.first() else {
                continue;
            };
            let (turn, y, size) = (first.turn, first.y, first.size);
            if let Some((last_turn, last_y, last_size)) = previous_line {
                // Baselines further apart than one and a half times the type size (single spacing is about 1.15)
                // mean paragraph spacing, or a gap in the page: a new paragraph. So does a change of orientation.
                let gap = y - last_y;
                self.text
                    .push_str(if turn != last_turn || gap > 1.5 * last_size.max(size) {
                        "\n\n"
                    } else {
                        "\n"
                    });
            }
            previous_line = Some((turn, y, size));
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
    first.turn == glyph.turn && (glyph.y - first.y).abs() <= 0.5 * first.size.max(glyph.size)
}

/// The quarter turns of a text rendering matrix (its x axis is the direction the text runs), and its origin in
/// the reading frame of that orientation: x along the line, y from one line to the next.
fn reading_frame(trm: &Transform) -> (u8, f64, f64) {
    let (px, py) = (trm.m31, trm.m32);
    let angle = trm.m12.atan2(trm.m11);
    match (angle / std::f64::consts::FRAC_PI_2).round() as i64 {
        1 => (1, py, px),
        2 | -2 => (2, -px, py),
        -1 => (3, -py, -px),
        _ => (0, px, -py),
    }
}

impl OutputDev for LayoutText {
    fn begin_page(
        &mut self,
        _page_num: u32,
        _media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
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
        let (turn, x, y) = reading_frame(trm);
        if !(x.is_finite() && y.is_finite() && size.is_finite()) {
            return Ok(());
        }
        self.taken += char.len();
        self.page.push(Glyph {
            turn,
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Feeds glyphs (text, x, y, quarter turns) of width 0.5 em at 10 pt, in the order given, as one page.
    fn lay_out(glyphs: &[(&str, f64, f64, u8)]) -> String {
        let mut layout = LayoutText::default();
        let media_box = MediaBox {
            llx: 0.0,
            lly: 0.0,
            urx: 595.0,
            ury: 842.0,
        };
        layout.begin_page(1, &media_box, None).unwrap();
        for &(text, x, y, turn) in glyphs {
            let (cos, sin) = match turn {
                1 => (0.0, 1.0),
                2 => (-1.0, 0.0),
                3 => (0.0, -1.0),
                _ => (1.0, 0.0),
            };
            let trm = Transform::from_row_major_array([cos, sin, -sin, cos, x, y]);
            layout.output_character(&trm, 0.5, 0.0, 10.0, text).unwrap();
        }
        layout.end_page().unwrap();
        layout.into_text()
    }

    #[test]
    fn glyphs_drawn_out_of_order_come_back_in_reading_order() {
        // LibreOffice draws "y ban" in one font, then "Ủ" in the fallback font; then the next line.
        let text = lay_out(&[
            ("y", 105.0, 700.0, 0),
            (" ", 110.0, 700.0, 0),
            ("b", 115.0, 700.0, 0),
            ("Ủ", 100.0, 700.0, 0),
            ("x", 100.0, 688.0, 0),
            ("ã", 105.0, 688.0, 0),
            ("T", 100.0, 650.0, 0),
        ]);
        assert_eq!(text, "Ủy b\nxã\n\nT");
    }

    #[test]
    fn a_gap_wider_than_kerning_is_a_space() {
        assert_eq!(
            lay_out(&[
                ("a", 100.0, 700.0, 0),
                ("b", 106.0, 700.0, 0),
                ("c", 111.2, 700.0, 0)
            ]),
            "a bc"
        );
    }

    #[test]
    fn text_turned_a_quarter_reads_along_its_lines() {
        // A heading running up the page at x = 50, and two lines running down it at x = 500 and 488.
        let text = lay_out(&[
            ("S", 50.0, 100.0, 1),
            ("T", 50.0, 105.0, 1),
            ("T", 500.0, 700.0, 3),
            ("ê", 500.0, 695.0, 3),
            ("n", 488.0, 700.0, 3),
        ]);
        assert_eq!(text, "ST\n\nTê\nn");
    }
}
