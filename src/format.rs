//! The files a report is built into. One list says which; each output is a `(Format, bytes)`
//! pair, so adding a format touches this enum and one writer, not every caller.

/// One kind of file made from a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// The published report (GB/T 9704).
    Pdf,
    /// The official tables with their merged headers.
    Xlsx,
    /// A self-contained web page for the portal.
    Html,
    /// The body only, styles on the elements, for pasting into a CMS editor.
    HtmlFragment,
    /// A Word file for review (领导审核).
    Docx,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Pdf,
        Format::Xlsx,
        Format::Html,
        Format::HtmlFragment,
        Format::Docx,
    ];

    /// What `build` writes unless told otherwise.
    pub const DEFAULT: [Format; 3] = [Format::Pdf, Format::Xlsx, Format::Html];

    /// The name in `nianbao.toml`'s `formats = [...]`.
    pub fn key(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
            Format::Html => "html",
            Format::HtmlFragment => "html-fragment",
            Format::Docx => "docx",
        }
    }

    pub fn from_key(key: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.key() == key)
    }

    /// The file name of a report's output of this format.
    pub fn file_name(self, stem: &str) -> String {
        match self {
            Format::Pdf => format!("{stem}.pdf"),
            Format::Xlsx => format!("{stem}.xlsx"),
            Format::Html => format!("{stem}.html"),
            Format::HtmlFragment => format!("{stem}.片段.html"),
            Format::Docx => format!("{stem}.docx"),
        }
    }

    /// The short name in messages and column headings.
    pub fn label(self) -> &'static str {
        match self {
            Format::Pdf => "PDF",
            Format::Xlsx => "XLSX",
            Format::Html => "HTML",
            Format::HtmlFragment => "HTML片段",
            Format::Docx => "DOCX",
        }
    }

    /// The format of an output file, by its name's ending (the longest that fits).
    pub fn of_file(name: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .map(|f| (f, f.file_name("")))
            .filter(|(_, suffix)| name.ends_with(suffix.as_str()))
            .max_by_key(|(_, suffix)| suffix.len())
            .map(|(f, _)| f)
    }
}

/// The formats to build, in `Format` order, without repeats; the PDF always among them (it is
/// the published report, and what `status` and incremental builds look at).
pub fn normalise(formats: impl IntoIterator<Item = Format>) -> Vec<Format> {
    let mut out: Vec<Format> = formats.into_iter().chain([Format::Pdf]).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// `PDF、XLSX 和 HTML`: formats named in a sentence.
pub fn list(formats: &[Format]) -> String {
    let labels: Vec<&str> = formats.iter().map(|f| f.label()).collect();
    match labels.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} 和 {last}", rest.join("、")),
        Some((last, _)) => last.to_string(),
        None => String::new(),
    }
}

/// `formats = [...]` of `nianbao.toml`, or a message naming what is wrong.
pub fn parse_list(keys: &[String]) -> Result<Vec<Format>, String> {
    let mut out = Vec::new();
    for key in keys {
        match Format::from_key(key.trim()) {
            Some(f) => out.push(f),
            None => {
                let known: Vec<&str> = Format::ALL.iter().map(|f| f.key()).collect();
                return Err(format!(
                    "formats 中的「{key}」不是可生成的格式，可用的格式是 {}",
                    known.join("、")
                ));
            }
        }
    }
    Ok(normalise(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pdf_is_always_built() {
        assert_eq!(
            parse_list(&["docx".into(), "html".into(), "docx".into()]).unwrap(),
            [Format::Pdf, Format::Html, Format::Docx]
        );
        assert!(parse_list(&["doc".into()]).unwrap_err().contains("「doc」"));
    }

    #[test]
    fn a_file_name_says_its_format() {
        assert_eq!(
            Format::of_file("江岚县交通运输局.片段.html"),
            Some(Format::HtmlFragment)
        );
        assert_eq!(Format::of_file("江岚县交通运输局.html"), Some(Format::Html));
        assert_eq!(Format::of_file("江岚县交通运输局.json"), None);
    }

    #[test]
    fn keys_round_trip() {
        for f in Format::ALL {
            assert_eq!(Format::from_key(f.key()), Some(f));
        }
    }
}
