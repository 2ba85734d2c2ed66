//! The file types motcua accepts (templates now, dossier papers later), identified by content, never by name.

/// A type accepted for templates and documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptedType {
    Pdf,
    Docx,
    Odt,
    Xlsx,
    Text,
    /// Scans and photos of papers at the counter.
    Jpeg,
    Png,
}

impl AcceptedType {
    pub const ALL: [AcceptedType; 7] = [
        Self::Pdf,
        Self::Docx,
        Self::Odt,
        Self::Xlsx,
        Self::Text,
        Self::Jpeg,
        Self::Png,
    ];

    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Text => "text/plain",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Odt => "odt",
            Self::Xlsx => "xlsx",
            Self::Text => "txt",
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }

    /// A text or office document (templates must be one); images are accepted only as dossier scans.
    /// Whether a file name agrees with this content: no extension, or one this type is known by. A PDF named
    /// `giay-to.exe`, or a text file named `.pdf`, is mislabelled and refused rather than stored under a
    /// misleading name.
    pub fn matches_name(self, file_name: &str) -> bool {
        let Some((_, ext)) = file_name.rsplit_once('.') else {
            return true;
        };
        let ext = ext.trim().to_ascii_lowercase();
        match self {
            Self::Jpeg => matches!(ext.as_str(), "jpg" | "jpeg" | "jpe" | "jfif"),
            Self::Text => matches!(ext.as_str(), "txt" | "text" | "csv" | "md"),
            other => ext == other.extension(),
        }
    }

    pub fn is_document(self) -> bool {
        !matches!(self, Self::Jpeg | Self::Png)
    }

    pub fn from_media_type(media_type: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.media_type() == media_type)
    }
}

/// What the bytes are, if they are one of the accepted types. Office formats are ZIP archives told apart by
/// their entries (a magic-number sniffer that only looks at the first entries misjudges files whose entries come in
/// another order, as python-docx and LibreOffice write them); text is valid UTF-8 without NUL bytes.
pub fn identify(bytes: &[u8]) -> Option<AcceptedType> {
    if bytes.starts_with(b"%PDF-") {
        return Some(AcceptedType::Pdf);
    }
    if bytes.starts_with(b"\xFF\xD8\xFF") {
        return Some(AcceptedType::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(AcceptedType::Png);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return office_document(bytes);
    }
    (!bytes.contains(&0) && std::str::from_utf8(bytes).is_ok()).then_some(AcceptedType::Text)
}

fn office_document(bytes: &[u8]) -> Option<AcceptedType> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let has = |archive: &zip::ZipArchive<_>, name: &str| archive.index_for_name(name).is_some();
    if has(&archive, "word/document.xml") {
        return Some(AcceptedType::Docx);
    }
    if has(&archive, "xl/workbook.xml") {
        return Some(AcceptedType::Xlsx);
    }
    // OpenDocument: a stored (uncompressed) `mimetype` entry naming the type.
    let mut mimetype = String::new();
    let mut entry = archive.by_name("mimetype").ok()?;
    std::io::Read::read_to_string(&mut entry, &mut mimetype).ok()?;
    (mimetype.trim() == AcceptedType::Odt.media_type()).then_some(AcceptedType::Odt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_the_type_not_the_name() {
        assert_eq!(identify(b"%PDF-1.7\n..."), Some(AcceptedType::Pdf));
        assert_eq!(identify("Tờ khai".as_bytes()), Some(AcceptedType::Text));
        assert_eq!(
            identify(b"\xFF\xD8\xFF\xE0..JFIF"),
            Some(AcceptedType::Jpeg)
        );
        assert_eq!(identify(b"\x89PNG\r\n\x1a\n...."), Some(AcceptedType::Png));
        assert_eq!(identify(b"MZ\x90\x00\x03\x00\x00\x00"), None);
        assert_eq!(identify(b"\x7fELF\x02\x01\x01\x00"), None);
        assert_eq!(identify(b"PK\x03\x04 not really a zip"), None);
    }

    #[test]
    fn a_name_whose_extension_names_another_type_is_mislabelled() {
        assert!(AcceptedType::Pdf.matches_name("to-khai.PDF"));
        assert!(AcceptedType::Pdf.matches_name("to khai"));
        assert!(AcceptedType::Jpeg.matches_name("anh.jpeg"));
        assert!(!AcceptedType::Png.matches_name("giay-to.pdf"));
        assert!(!AcceptedType::Pdf.matches_name("chuong-trinh.exe"));
        assert!(!AcceptedType::Text.matches_name("bao-cao.docx"));
    }
}
