//! Word field codes (.docx, .doc, RTF): which carry words worth reviewing.

/// Fields that only number, format or repeat what is elsewhere.
const PLAIN: &[&str] = &[
    "",
    "PAGE",
    "NUMPAGES",
    "SECTIONPAGES",
    "SECTION",
    "TOC",
    "TOA",
    "PAGEREF",
    "REF",
    "NOTEREF",
    "SEQ",
    "STYLEREF",
    "FORMTEXT",
    "FORMCHECKBOX",
    "FORMDROPDOWN",
    "DATE",
    "TIME",
    "CREATEDATE",
    "SAVEDATE",
    "PRINTDATE",
    "EDITTIME",
    "NUMWORDS",
    "NUMCHARS",
    "FILESIZE",
    "LISTNUM",
    "AUTONUM",
    "AUTONUMLGL",
    "AUTONUMOUT",
    "EQ",
    "SYMBOL",
    "ADVANCE",
    "MERGEFIELD",
    "MERGEREC",
    "MERGESEQ",
    "NEXT",
    "INDEX",
    "DOCPROPERTY",
    "AUTHOR",
    "TITLE",
    "SUBJECT",
    "KEYWORDS",
    "COMMENTS",
    "LASTSAVEDBY",
    "FILENAME",
    "USERNAME",
    "USERINITIALS",
    "USERADDRESS",
    "BIDIOUTLINE",
    "REVNUM",
    "TEMPLATE",
    "DOCVARIABLE",
    "INFO",
    "BIBLIOGRAPHY",
    "CITATION",
];

/// Field codes that only number or format (PAGE, TOC, REF …, and the
/// format's own `also_plain`) are left out; the others (HYPERLINK targets,
/// INCLUDETEXT paths, IF texts) are read as `hidden` with the label
/// "field code".
pub(crate) fn worth_reporting(code: &str, also_plain: &[&str]) -> bool {
    let keyword = code
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    !PLAIN.contains(&keyword.as_str()) && !also_plain.contains(&keyword.as_str())
}
