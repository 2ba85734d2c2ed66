//! DOCX, ODT and XLSX: ZIP archives of XML. Entries are inflated under a byte budget so a zip bomb is refused after
//! at most [`MAX_ENTRY_BYTES`] of work, and text nodes are read with quick-xml, which never expands DTD entities.

use super::{MAX_RAW_BYTES, Unreadable};
use calamine::{DataRef, Reader as _};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::io::{Cursor, Read};
use zip::result::ZipError;

/// The most one archive entry may inflate to. A long decision's `document.xml` is a few MiB; 64 MiB leaves room
/// for embedded-font-heavy oddities while bounding memory per document.
pub(super) const MAX_ENTRY_BYTES: u64 = 64 << 20;
/// The most all the entries read from one archive may inflate to together (many entries may share one bomb).
const MAX_ARCHIVE_BYTES: u64 = 256 << 20;

type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// The text of a Word document: the body, then the endnotes, footers, footnotes and headers (in name order;
/// identical headers of the first, odd and even pages once). Only the body must be readable: a damaged or
/// oversized header costs its own text, not the document's.
pub(super) fn docx(bytes: &[u8]) -> Result<String, Unreadable> {
    let mut archive = open(bytes, "DOCX")?;
    let mut budget = MAX_ARCHIVE_BYTES;
    let body = read_entry(&mut archive, "word/document.xml", &mut budget)?
        .ok_or_else(|| Unreadable::new("not a DOCX file (no word/document.xml)"))?;
    let mut parts = vec![xml_text(&body, &WORDPROCESSINGML, "word/document.xml")?];
    let mut extra: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .filter(|name| is_docx_side_part(name))
        .map(|name| name.into_owned())
        .collect();
    extra.sort();
    for name in extra {
        let Ok(Some(xml)) = read_entry(&mut archive, &name, &mut budget) else {
            continue;
        };
        if let Ok(text) = xml_text(&xml, &WORDPROCESSINGML, &name)
            && !parts.contains(&text)
        {
            parts.push(text);
        }
    }
    Ok(parts.join("\n\n"))
}

fn is_docx_side_part(name: &str) -> bool {
    let Some(file) = name.strip_prefix("word/") else {
        return false;
    };
    let numbered = |prefix: &str| {
        file.strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(".xml"))
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
    };
    matches!(file, "footnotes.xml" | "endnotes.xml") || numbered("header") || numbered("footer")
}

/// The text of an OpenDocument text: the body (`content.xml`), then the page headers and footers, which ODF keeps
/// with the master pages in `styles.xml` (best effort, like DOCX headers).
pub(super) fn odt(bytes: &[u8]) -> Result<String, Unreadable> {
    let mut archive = open(bytes, "ODT")?;
    let mut budget = MAX_ARCHIVE_BYTES;
    // An encrypted ODF package keeps its entries' names; only the manifest says their bytes are ciphertext.
    if let Some(manifest) = read_entry(&mut archive, "META-INF/manifest.xml", &mut budget)?
        && contains(&manifest, b"encryption-data")
    {
        return Err(Unreadable::new("encrypted document"));
    }
    let content = read_entry(&mut archive, "content.xml", &mut budget)?
        .ok_or_else(|| Unreadable::new("not an ODT file (no content.xml)"))?;
    let mut text = xml_text(&content, &OPENDOCUMENT_BODY, "content.xml")?;
    if let Ok(Some(styles)) = read_entry(&mut archive, "styles.xml", &mut budget)
        && let Ok(page_furniture) = xml_text(&styles, &OPENDOCUMENT_MASTER_PAGES, "styles.xml")
    {
        text.push_str("\n\n");
        text.push_str(&page_furniture);
    }
    Ok(text)
}

/// The values of every cell of every sheet, in sheet order: one line per row, cells apart by a space, a blank
/// line between sheets. Cells are streamed (calamine's cell reader), never laid out as a grid, so a sheet with one
/// cell in A1 and one in XFD1048576 costs two cells, not seventeen billion.
pub(super) fn xlsx(bytes: &[u8]) -> Result<String, Unreadable> {
    let mut archive = open(bytes, "XLSX")?;
    measure_xml_parts(&mut archive)?;
    let mut workbook = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsxError::Password => Unreadable::new("encrypted document"),
        _ => Unreadable::new("damaged XLSX"),
    })?;
    let mut out = String::new();
    let mut sheets_read = 0usize;
    for name in workbook.sheet_names() {
        // A chart sheet or one broken sheet should not cost the text of the others.
        let Ok(mut cells) = workbook.worksheet_cells_reader(&name) else {
            continue;
        };
        sheets_read += 1;
        let mut last_row = None;
        while let Ok(Some(cell)) = cells.next_cell() {
            let value = cell_text(cell.get_value());
            if value.is_empty() {
                continue;
            }
            let (row, _) = cell.get_position();
            match last_row {
                Some(last) if last == row => out.push(' '),
                Some(_) => out.push('\n'),
                None => {}
            }
            last_row = Some(row);
            out.push_str(&value);
            if out.len() > MAX_RAW_BYTES {
                return Ok(out);
            }
        }
        out.push_str("\n\n");
    }
    if sheets_read == 0 && !workbook.sheet_names().is_empty() {
        return Err(Unreadable::new("damaged XLSX (no sheet could be read)"));
    }
    Ok(out)
}

/// A cell as a reader would search for it: numbers as written (468000000, 298.5), dates as dd/mm/yyyy (the
/// Vietnamese order), text as is; booleans, errors and durations are not words anyone searches for.
fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(f) if f.is_finite() => f.to_string(),
        DataRef::String(s) | DataRef::DateTimeIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, _, _) = dt.to_ymd_hms_milli();
            if h == 0 && mi == 0 {
                format!("{d:02}/{mo:02}/{y:04}")
            } else {
                format!("{d:02}/{mo:02}/{y:04} {h:02}:{mi:02}")
            }
        }
        _ => String::new(),
    }
}

/// Inflates every XML part calamine may read (not the pictures) against the caps before calamine, which reads
/// entries whole, sees the archive.
fn measure_xml_parts(archive: &mut Archive<'_>) -> Result<(), Unreadable> {
    let mut budget = MAX_ARCHIVE_BYTES;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(entry_error)?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        if !(name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        let cap = MAX_ENTRY_BYTES.min(budget);
        if entry.size() > cap {
            return Err(too_large(&name));
        }
        let read = std::io::copy(&mut (&mut entry).take(cap + 1), &mut std::io::sink())
            .map_err(|_| damaged_entry(&name))?;
        if read > cap {
            return Err(too_large(&name));
        }
        budget -= read;
    }
    Ok(())
}

fn open<'a>(bytes: &'a [u8], what: &str) -> Result<Archive<'a>, Unreadable> {
    // Encrypted OOXML is not a ZIP at all but an OLE compound file (as are .doc and .xls).
    if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Err(Unreadable::new("encrypted document"));
    }
    zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| Unreadable::new(format!("damaged {what} (not a readable ZIP archive)")))
}

/// The inflated bytes of entry `name`, `None` if there is none; refused past [`MAX_ENTRY_BYTES`] or past what is
/// left of `budget`, whether the entry's header admits its size or lies about it.
fn read_entry(
    archive: &mut Archive<'_>,
    name: &str,
    budget: &mut u64,
) -> Result<Option<Vec<u8>>, Unreadable> {
    let mut entry = match archive.by_name(name) {
        Ok(entry) => entry,
        Err(ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(entry_error(e)),
    };
    let cap = MAX_ENTRY_BYTES.min(*budget);
    if entry.size() > cap {
        return Err(too_large(name));
    }
    let data = read_capped(&mut entry, cap)
        .map_err(|_| damaged_entry(name))?
        .ok_or_else(|| too_large(name))?;
    *budget -= data.len() as u64;
    Ok(Some(data))
}

/// Reads all of `reader` if it holds at most `cap` bytes (`None` if more), stopping one byte past the cap.
pub(super) fn read_capped(reader: impl Read, cap: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut data = Vec::new();
    reader.take(cap.saturating_add(1)).read_to_end(&mut data)?;
    Ok((data.len() as u64 <= cap).then_some(data))
}

fn entry_error(e: ZipError) -> Unreadable {
    match e {
        ZipError::UnsupportedArchive(msg) if msg == ZipError::PASSWORD_REQUIRED => {
            Unreadable::new("encrypted document")
        }
        ZipError::UnsupportedArchive(_) => Unreadable::new("unsupported compression in archive"),
        _ => Unreadable::new("damaged archive"),
    }
}

fn too_large(name: &str) -> Unreadable {
    Unreadable::new(format!(
        "{} is larger than {} MiB once decompressed",
        shown(name),
        MAX_ENTRY_BYTES >> 20
    ))
}

fn damaged_entry(name: &str) -> Unreadable {
    Unreadable::new(format!("damaged archive entry {}", shown(name)))
}

/// An entry name as it may appear in a detail: the name comes from the file, so control characters are dropped
/// and its length bounded.
fn shown(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).take(60).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// How a format marks its text up, by local element names (prefixes vary between writers; `w:p` and DrawingML's
/// `a:p` in a text box are both paragraphs).
struct Markup {
    /// Elements whose end ends a paragraph: a line break in the output.
    paragraphs: &'static [&'static str],
    /// Elements that stand for a space: tabs, line breaks, ODF's run of spaces `text:s`.
    spaces: &'static [&'static str],
    /// Text counts only inside these (WordprocessingML's `w:t`, so field codes and deleted text stay out); when
    /// empty, any text inside a paragraph counts (ODF).
    text_in: &'static [&'static str],
    /// Elements whose content is left out: the fallback copy of a text box, tracked deletions.
    skip: &'static [&'static str],
    /// Only text inside this element counts, when set.
    scope: Option<&'static str>,
}

const WORDPROCESSINGML: Markup = Markup {
    paragraphs: &["p"],
    spaces: &["tab", "br", "cr"],
    text_in: &["t"],
    skip: &["Fallback"],
    scope: None,
};

const OPENDOCUMENT_BODY: Markup = Markup {
    paragraphs: &["p", "h"],
    spaces: &["s", "tab", "line-break"],
    text_in: &[],
    skip: &["tracked-changes"],
    scope: Some("body"),
};

const OPENDOCUMENT_MASTER_PAGES: Markup = Markup {
    scope: Some("master-styles"),
    ..OPENDOCUMENT_BODY
};

/// The text of one XML part: text nodes as `markup` says, a newline after each paragraph, a space for each tab or
/// line break. Stops early once the text passes [`MAX_RAW_BYTES`]; what follows would be cut anyway.
fn xml_text(xml: &[u8], markup: &Markup, part: &str) -> Result<String, Unreadable> {
    let malformed = || Unreadable::new(format!("malformed XML in {part}"));
    let xml = xml.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(xml);
    let xml = std::str::from_utf8(xml).map_err(|_| malformed())?;
    let mut reader = Reader::from_str(xml);
    let mut out = String::new();
    let (mut scope, mut skip, mut paragraph, mut text) = (0usize, 0usize, 0usize, 0usize);
    let has = |list: &[&str], name: &str| list.contains(&name);
    loop {
        let in_scope = (markup.scope.is_none() || scope > 0) && skip == 0;
        let collecting = in_scope
            && if markup.text_in.is_empty() {
                paragraph > 0
            } else {
                text > 0
            };
        match reader.read_event().map_err(|_| malformed())? {
            Event::Start(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                scope += usize::from(markup.scope == Some(name));
                skip += usize::from(has(markup.skip, name));
                paragraph += usize::from(has(markup.paragraphs, name));
                text += usize::from(has(markup.text_in, name));
                if in_scope && has(markup.spaces, name) {
                    out.push(' ');
                }
            }
            Event::End(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if has(markup.paragraphs, name) {
                    paragraph = paragraph.saturating_sub(1);
                    if in_scope {
                        out.push('\n');
                    }
                }
                scope = scope.saturating_sub(usize::from(markup.scope == Some(name)));
                skip = skip.saturating_sub(usize::from(has(markup.skip, name)));
                text = text.saturating_sub(usize::from(has(markup.text_in, name)));
            }
            Event::Empty(e) if in_scope => {
                let name = e.local_name();
                let name = name.as_ref();
                if has(markup.spaces, name) {
                    out.push(' ');
                } else if has(markup.paragraphs, name) {
                    out.push('\n');
                }
            }
            Event::Text(t) if collecting => out.push_str(&t.xml10_content()),
            Event::CData(t) if collecting => out.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if collecting => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    out.push(c);
                } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                    out.push_str(s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if out.len() > MAX_RAW_BYTES {
            break;
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn wordprocessingml_keeps_text_runs_and_leaves_out_field_codes_deletions_and_fallbacks() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE w:document [<!ENTITY lol "lol lol lol lol">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">
 <w:body>
  <w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>
   <w:r><w:t>Tờ khai &amp; đơn&#160;số&#x20;1</w:t><w:tab/><w:t>&lol;x</w:t></w:r>
   <w:r><w:instrText> PAGE </w:instrText><w:delText>đã xóa</w:delText></w:r>
  </w:p>
  <mc:AlternateContent>
   <mc:Choice Requires="wps"><w:p><w:r><w:t>Hộp chữ</w:t></w:r></w:p></mc:Choice>
   <mc:Fallback><w:p><w:r><w:t>Hộp chữ</w:t></w:r></w:p></mc:Fallback>
  </mc:AlternateContent>
 </w:body>
</w:document>"#;
        let text = xml_text(xml.as_bytes(), &WORDPROCESSINGML, "test").unwrap();
        // The DTD's entity is never expanded: no billion laughs.
        assert_eq!(text, " Tờ khai & đơn\u{a0}số 1 x\nHộp chữ\n");
    }

    #[test]
    fn malformed_xml_is_refused_with_the_part_named() {
        let error =
            xml_text(b"<w:p><w:t>a</w:p>", &WORDPROCESSINGML, "word/document.xml").unwrap_err();
        assert_eq!(error.0, "malformed XML in word/document.xml");
    }

    #[test]
    fn a_sheet_with_cells_at_opposite_corners_costs_two_cells() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 0, "Đầu").unwrap();
        sheet.write_string(1_048_575, 16_383, "Cuối").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        let started = std::time::Instant::now();
        assert_eq!(xlsx(&bytes).unwrap(), "Đầu\nCuối\n\n");
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }
}
