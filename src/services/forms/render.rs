//! Services layer: turning a stored template and a [`FormContext`] into HTML, and the receipt's QR code. Templates
//! are edited by administrators, so rendering is sandboxed the way MiniJinja allows: every value is HTML-escaped
//! unless the code marked it safe (only the QR code's SVG is), and a render has a fuel budget so a runaway loop
//! stops instead of holding a worker.

use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, UndefinedBehavior, context};
use qrcode::{EcLevel, QrCode};

use super::context::FormContext;

/// Enough for a register page of a few hundred lines; a template that needs more is looping out of control.
const FUEL: u64 = 5_000_000;

/// The largest template body accepted (the six official forms are a few kilobytes each).
pub const MAX_TEMPLATE_BYTES: usize = 64 * 1024;

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    // A form printed with an empty field is better than no form; an edited template that names a missing part is
    // caught by `check` against the full sample context.
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.set_fuel(Some(FUEL));
    env
}

/// Renders `body` with `ctx`; `qr_svg` is available to the template as `qr_svg`, unescaped.
pub fn render(body: &str, ctx: &FormContext, qr_svg: &str) -> Result<String, minijinja::Error> {
    let env = environment();
    let template = env.template_from_named_str("biểu mẫu", body)?;
    template.render(context! {
        qr_svg => Value::from_safe_string(qr_svg.to_owned()),
        ..Value::from(Serde(ctx))
    })
}

/// Whether an edited template can be saved: it compiles, and renders against a context with every part present.
/// The error names the line, in Vietnamese, for the editor page.
pub fn check(body: &str) -> Result<(), String> {
    if body.len() > MAX_TEMPLATE_BYTES {
        return Err(format!("Mẫu dài quá {} KB.", MAX_TEMPLATE_BYTES / 1024));
    }
    let sample = FormContext::sample();
    render(body, &sample, "<svg></svg>")
        .map(|_| ())
        .map_err(|e| {
            let detail = e.detail().unwrap_or_default();
            match e.line() {
                Some(line) => format!("Lỗi ở dòng {line}: {} {detail}", e.kind()),
                None => format!("Lỗi: {} {detail}", e.kind()),
            }
            .trim_end()
            .to_owned()
        })
}

/// The QR code of `url` as an inline SVG element (no XML prolog), sized by the print stylesheet. Medium error
/// correction survives a creased or smudged paper receipt.
pub fn qr_svg(url: &str) -> Result<String, qrcode::types::QrError> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .module_dimensions(4, 4)
        .quiet_zone(true)
        .build();
    let start = svg.find("<svg").unwrap_or(0);
    Ok(svg[start..].replacen(
        "<svg ",
        "<svg class=\"qr\" role=\"img\" aria-label=\"Mã QR tra cứu hồ sơ\" ",
        1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_and_only_the_qr_code_is_raw() {
        let mut ctx = FormContext::sample();
        if let Some(d) = ctx.dossier.as_mut() {
            d.applicant.name = "<b>Nguyễn</b>".into();
        }
        let html = render(
            "{{ dossier.applicant.name }}|{{ qr_svg }}",
            &ctx,
            "<svg></svg>",
        )
        .unwrap_or_default();
        assert_eq!(html, "&lt;b&gt;Nguyễn&lt;&#x2f;b&gt;|<svg></svg>");
    }

    #[test]
    fn a_template_that_does_not_compile_or_loops_forever_is_refused_with_its_line() {
        let broken = check("dòng một\n{% if %}");
        assert!(
            broken.as_ref().is_err_and(|e| e.contains("dòng 2")),
            "{broken:?}"
        );
        let runaway = check(
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        );
        assert!(runaway.is_err(), "{runaway:?}");
        assert_eq!(
            check("{{ dossier.code }} {{ supplement.items | join(', ') }}"),
            Ok(())
        );
    }

    #[test]
    fn the_qr_code_is_an_inline_svg_that_decodes_to_the_lookup_url() {
        let url = "https://dichvucong.example.gov.vn/tra-cuu/H40.12-261129-0001";
        let svg = qr_svg(url).unwrap_or_default();
        assert!(svg.starts_with("<svg class=\"qr\""), "{svg}");
        assert!(!svg.contains("<?xml") && !svg.contains("style="));
        let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
            .unwrap_or_else(|e| panic!("{e}"));
        let width = code.width();
        let colors = code.to_colors();
        // Four light modules of quiet zone, four pixels per module, as a scanner would see the printed code.
        let scale = 4;
        let side = (width + 8) * scale;
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
            let (mx, my) = ((x / scale).wrapping_sub(4), (y / scale).wrapping_sub(4));
            let dark =
                mx < width && my < width && colors[my * width + mx] == qrcode::types::Color::Dark;
            if dark { 0 } else { 255 }
        });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, content) = grids[0].decode().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(content, url);
    }
}
