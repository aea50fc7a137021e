//! The sign-off form as a Word document, for offices that file paper and
//! edit in Word or WPS.
//!
//! Same content as the HTML form: the batch cover, then one section per
//! document on a new page (一事一审) with its facts, a findings table with
//! boxes to tick, and the §5.10 review fields with signature and date lines.
//! A4, 仿宋 body text with 宋体/黑体 titles, real tables whose header rows
//! repeat on every printed page, a page number in the footer.
//!
//! `docx-rs` builds the XML parts; this module writes the zip itself so that
//! the same review gives the same bytes (fixed entry times, fixed order),
//! the font table can declare the Chinese fonts with the alternative names
//! and GB2312 charset that let Word and WPS substitute a font that is
//! missing, and header rows can carry `w:tblHeader`, which `docx-rs` 0.4
//! cannot write.

use super::RenderOptions;
use super::labels::{self, BOX, Labels, Lang, TICKED};
use super::messages;
use super::present::{self, DecisionCell, FormRow, Highlight, PastDecision};
use crate::review::{DecisionKind, DocumentReview, Finding, Review, SkippedInput, ToolInfo};
use docx_rs::{
    AlignmentType, Docx, Footer, Header, Hyperlink, HyperlinkType, NumPages, PageMargin, PageNum,
    PageSize, Paragraph, Run, RunFonts, Section, Shading, Table, TableCell, TableLayoutType,
    TableRow, WidthType,
};
use std::io::{Cursor, Write as _};

/// A4 in twentieths of a point.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
const MARGIN_SIDE: i32 = 1247; // 22 mm
const MARGIN_TOP: i32 = 1304; // 23 mm
/// The width tables fill: the page less both side margins.
const TEXT_WIDTH: usize = (PAGE_WIDTH as usize) - 2 * (MARGIN_SIDE as usize);

/// Sizes in half-points.
const BODY_SIZE: usize = 24; // 小四 12 pt
const TABLE_SIZE: usize = 21; // 五号 10.5 pt
const SMALL_SIZE: usize = 18; // 小五 9 pt
const TITLE_SIZE: usize = 44; // 二号 22 pt
const HEADING_SIZE: usize = 30; // 三号 15 pt
const SUBHEADING_SIZE: usize = 28; // 四号 14 pt

const BODY_FONT: &str = "仿宋";
const TITLE_FONT: &str = "宋体";
const HEADING_FONT: &str = "黑体";
const LATIN_FONT: &str = "Times New Roman";

const HEADER_FILL: &str = "E7E6E6";
/// The shading of a waived finding's row: visibly set apart, still legible
/// on a grey-scale printer.
const WAIVED_FILL: &str = "F2F2F2";
/// The font of a ticked box: U+2611 is not in the CJK body fonts, and Word
/// picks a fallback for it less reliably than for text.
const SYMBOL_FONT: &str = "Segoe UI Symbol";
/// The minimum height of a header row, in twips. It doubles as the mark
/// [`mark_header_rows`] looks for: only header rows are built with exactly
/// this height, so the property block below identifies them.
const HEADER_ROW_HEIGHT: f32 = 397.0;
const HEADER_ROW_PROPERTIES: &str =
    r#"<w:trPr><w:cantSplit /><w:trHeight w:val="397" w:hRule="atLeast" /></w:trPr>"#;
const REPEATING_HEADER_ROW_PROPERTIES: &str = r#"<w:trPr><w:cantSplit /><w:trHeight w:val="397" w:hRule="atLeast" /><w:tblHeader /></w:trPr>"#;

/// A line to write on.
const BLANK: &str = "______________";
/// A shorter line, for the narrow decision column.
const SHORT_BLANK: &str = "________";

pub fn render(review: &Review, options: &RenderOptions) -> Result<Vec<u8>, String> {
    let lang = options.lang;
    let mut docx = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(page_margin())
        .default_fonts(fonts(BODY_FONT))
        .default_size(BODY_SIZE)
        // Document properties get the review's date, not the render time,
        // so re-rendering a saved review gives the same file.
        .created_at(&review.started_at)
        .updated_at(&review.started_at);

    // One Word section per document, each with its own header (its number
    // and file name), so a signature page always says which document it
    // signs; one footer, "第 7 页/共 10 页", for the whole file (Word and
    // WPS could count a section's own pages, SECTIONPAGES, but LibreOffice
    // prints that field's cached value, so the count would be wrong there).
    // The last part is the body's own section (its properties end the body).
    let mut parts: Vec<(Vec<Block>, Header)> = vec![(cover(review, options), Header::new())];
    let total = review.documents.len();
    for (i, document) in review.documents.iter().enumerate() {
        parts.push((
            section(lang, i + 1, total, document, options),
            running_header(lang, i + 1, document),
        ));
    }
    let last = parts.pop();
    for (blocks, header) in parts {
        let mut part = Section::new()
            .page_size(PageSize::new().size(PAGE_WIDTH, PAGE_HEIGHT))
            .page_margin(page_margin())
            .header(header);
        for block in blocks {
            part = block.add_to_section(part);
        }
        docx = docx.add_section(part);
    }
    docx = docx.footer(page_footer(lang));
    if let Some((blocks, header)) = last {
        docx = docx.header(header);
        for block in blocks {
            docx = block.add_to(docx);
        }
    }
    package(docx.build(), &review.tool)
}

/// A paragraph or a table, in document order.
enum Block {
    Paragraph(Box<Paragraph>),
    Table(Box<Table>),
}

impl Block {
    fn paragraph(p: Paragraph) -> Block {
        Block::Paragraph(Box::new(p))
    }

    fn table(t: Table) -> Block {
        Block::Table(Box::new(t))
    }

    fn add_to(self, docx: Docx) -> Docx {
        match self {
            Block::Paragraph(p) => docx.add_paragraph(*p),
            Block::Table(t) => docx.add_table(*t),
        }
    }

    fn add_to_section(self, section: Section) -> Section {
        match self {
            Block::Paragraph(p) => section.add_paragraph(*p),
            Block::Table(t) => section.add_table(*t),
        }
    }
}

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .ascii(LATIN_FONT)
        .hi_ansi(LATIN_FONT)
        .cs(LATIN_FONT)
        .east_asia(east_asia)
}

/// A run of document-derived text, cleaned of characters XML cannot carry.
/// (`docx-rs` escapes `<`, `&` and quotes itself.)
fn run(text: &str) -> Run {
    Run::new().add_text(present::clean(text))
}

/// A run of the tool's own text.
fn label_run(text: &str) -> Run {
    Run::new().add_text(text)
}

fn paragraph(text: &str) -> Paragraph {
    Paragraph::new().add_run(run(text))
}

fn heading(text: &str, size: usize) -> Paragraph {
    Paragraph::new()
        .add_run(run(text).bold().size(size).fonts(fonts(HEADING_FONT)))
        .keep_next(true)
}

fn page_margin() -> PageMargin {
    PageMargin::new()
        .top(MARGIN_TOP)
        .bottom(MARGIN_TOP)
        .left(MARGIN_SIDE)
        .right(MARGIN_SIDE)
        .header(720)
        .footer(720)
}

/// The header of a document's pages: "第 3 份 · 通知.docx".
fn running_header(lang: Lang, index: usize, document: &DocumentReview) -> Header {
    let text = labels::running_header(
        lang,
        index,
        &present::clean(&present::file_name(&document.path)),
    );
    Header::new().add_paragraph(
        Paragraph::new()
            .add_run(label_run(&text).size(SMALL_SIZE))
            .size(SMALL_SIZE),
    )
}

/// The footer of every page: "第 7 页/共 10 页" (PAGE and NUMPAGES fields),
/// given to every section by [`share_footer`].
fn page_footer(lang: Lang) -> Footer {
    let (before, middle, after) = match lang {
        Lang::Zh => ("第 ", " 页/共 ", " 页"),
        Lang::En => ("page ", " of ", ""),
    };
    Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(label_run(before).size(SMALL_SIZE))
            .add_page_num(PageNum::new())
            .add_run(label_run(middle).size(SMALL_SIZE))
            .add_num_pages(NumPages::new())
            .add_run(label_run(after).size(SMALL_SIZE))
            .size(SMALL_SIZE),
    )
}

/// Gives every section the body's footer: `docx-rs` 0.4 drops the footer
/// of a [`Section`] (headers it keeps), and a section without a footer
/// reference has no footer in Word, so the sections before the last would
/// print no page number.
fn share_footer(document: &[u8]) -> Vec<u8> {
    let Ok(xml) = std::str::from_utf8(document) else {
        return document.to_vec();
    };
    let Some(footer) = xml
        .find("<w:footerReference ")
        .and_then(|at| xml[at..].find("/>").map(|end| &xml[at..at + end + 2]))
    else {
        return document.to_vec();
    };
    let mut out = String::with_capacity(xml.len() + 4096);
    let mut rest = xml;
    while let Some(at) = rest.find("<w:headerReference ") {
        let Some(end) = rest[at..].find("/>").map(|end| at + end + 2) else {
            break;
        };
        out.push_str(&rest[..end]);
        rest = &rest[end..];
        if !rest.trim_start().starts_with("<w:footerReference") {
            out.push_str(footer);
        }
    }
    out.push_str(rest);
    out.into_bytes()
}

/// A table cell of the given width holding these paragraphs.
fn cell(width: usize, paragraphs: Vec<Paragraph>) -> TableCell {
    let mut cell = TableCell::new().width(width, WidthType::Dxa);
    for p in paragraphs {
        cell = cell.add_paragraph(p.size(TABLE_SIZE));
    }
    cell
}

fn text_cell(width: usize, text: &str) -> TableCell {
    cell(width, vec![paragraph(text).size(TABLE_SIZE)])
}

/// A header row: bold, shaded, repeated at the top of every page the table
/// runs onto, never split.
fn header_row(widths: &[usize], headers: &[&str]) -> TableRow {
    let cells = widths
        .iter()
        .zip(headers)
        .map(|(&width, header)| {
            cell(
                width,
                vec![
                    Paragraph::new().add_run(
                        label_run(header)
                            .bold()
                            .size(TABLE_SIZE)
                            .fonts(fonts(HEADING_FONT)),
                    ),
                ],
            )
            .shading(Shading::new().fill(HEADER_FILL))
        })
        .collect();
    TableRow::new(cells)
        .cant_split()
        .row_height(HEADER_ROW_HEIGHT)
        .height_rule(docx_rs::HeightRule::AtLeast)
}

fn table(widths: &[usize], rows: Vec<TableRow>) -> Table {
    Table::new(rows)
        .set_grid(widths.to_vec())
        .width(widths.iter().sum(), WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

const LABEL_WIDTH: usize = 2300;
const FIELD_WIDTHS: [usize; 2] = [LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH];

/// A two-column label/value table row; the value a line to write on when
/// absent.
fn field_row(label: &str, value: Vec<Paragraph>) -> TableRow {
    TableRow::new(vec![label_cell(label, false), cell(FIELD_WIDTHS[1], value)])
}

fn label_cell(label: &str, keep_next: bool) -> TableCell {
    cell(
        FIELD_WIDTHS[0],
        vec![
            Paragraph::new()
                .add_run(label_run(label).bold())
                .keep_next(keep_next),
        ],
    )
    .shading(Shading::new().fill(HEADER_FILL))
}

fn value(text: Option<String>) -> Vec<Paragraph> {
    vec![paragraph(text.as_deref().unwrap_or(BLANK))]
}

fn cover(review: &Review, options: &RenderOptions) -> Vec<Block> {
    let lang = options.lang;
    let l = lang.labels();
    let mut blocks = vec![
        Block::paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(
                    label_run(l.title)
                        .bold()
                        .size(TITLE_SIZE)
                        .fonts(fonts(TITLE_FONT)),
                )
                .outline_lvl(0),
        ),
        Block::paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(label_run(l.subtitle)),
        ),
    ];

    let mut digest = vec![paragraph(&review.rules.digest)];
    if !review.rules.packs.is_empty() {
        let packs: Vec<String> = review
            .rules
            .packs
            .iter()
            .map(|pack| format!("{} {}", pack.name, pack.version))
            .collect();
        digest.push(paragraph(&present::labelled(
            lang,
            l.rule_packs,
            &packs.join(", "),
        )));
    }
    blocks.push(Block::table(table(
        &FIELD_WIDTHS,
        vec![
            field_row(l.batch, value(present::field(&options.batch))),
            field_row(l.date, value(Some(present::date(lang, &review.started_at)))),
            field_row(l.reviewer, value(present::field(&options.reviewer))),
            field_row(l.department, value(present::field(&options.department))),
            field_row(
                l.tool,
                value(Some(format!(
                    "{} {}",
                    review.tool.name, review.tool.version
                ))),
            ),
            field_row(l.rules_digest, digest),
        ]
        .into_iter()
        .chain(review.decisions.as_ref().map(|info| {
            field_row(
                l.decisions_file,
                present::decisions_file(lang, info)
                    .iter()
                    .map(|line| paragraph(line))
                    .collect(),
            )
        }))
        .collect(),
    )));

    blocks.push(Block::paragraph(heading(l.summary, SUBHEADING_SIZE)));
    let mut counts = format!(
        "{} {}",
        present::counts(lang, &review.documents),
        present::verdict_counts(lang, &review.documents)
    );
    if let Some(line) = present::decision_counts(lang, review.decisions.as_ref(), &review.documents)
    {
        counts.push(' ');
        counts.push_str(&line);
    }
    if !review.skipped.is_empty() {
        counts.push(' ');
        counts.push_str(&labels::skipped_count(lang, review.skipped.len()));
    }
    blocks.push(Block::paragraph(paragraph(&counts)));

    if review.documents.is_empty() {
        blocks.push(Block::paragraph(paragraph(l.no_documents)));
    } else {
        let [number, format, extraction, count, verdict] = [640, 850, 1750, 1050, 1900];
        let document = TEXT_WIDTH - number - format - extraction - count - verdict;
        let widths = [number, document, format, extraction, count, verdict];
        let mut rows = vec![header_row(
            &widths,
            &[
                l.number,
                l.document,
                l.format,
                l.extraction,
                l.findings_count,
                l.tool_verdict,
            ],
        )];
        for (i, document) in review.documents.iter().enumerate() {
            let link = Paragraph::new().add_hyperlink(
                Hyperlink::new(present::anchor(i + 1), HyperlinkType::Anchor)
                    .add_run(run(&document.path).size(TABLE_SIZE)),
            );
            rows.push(TableRow::new(vec![
                text_cell(widths[0], &(i + 1).to_string()),
                cell(widths[1], vec![link]),
                text_cell(widths[2], &document.format),
                text_cell(
                    widths[3],
                    labels::extraction_status(lang, document.extraction.status),
                ),
                // The waived count on a line of its own: the column is narrow.
                cell(
                    widths[4],
                    std::iter::once(present::open_findings(document).to_string())
                        .chain(
                            Some(present::waived_findings(document))
                                .filter(|&waived| waived > 0)
                                .map(|waived| labels::waived_count(lang, waived)),
                        )
                        .map(|line| paragraph(&line))
                        .collect(),
                ),
                cell(
                    widths[5],
                    vec![
                        Paragraph::new()
                            .add_run(label_run(&present::verdict(lang, document)).bold()),
                    ],
                ),
            ]));
        }
        blocks.push(Block::table(table(&widths, rows)));
    }

    blocks.extend(skipped(lang, &review.skipped));

    // The statement in a box of its own so it cannot be missed.
    blocks.push(Block::paragraph(Paragraph::new()));
    blocks.push(Block::table(table(
        &[TEXT_WIDTH],
        vec![TableRow::new(vec![cell(
            TEXT_WIDTH,
            vec![Paragraph::new().add_run(label_run(l.statement).bold())],
        )])],
    )));
    blocks
}

/// The cover's table of what was not reviewed, and why.
fn skipped(lang: Lang, skipped: &[SkippedInput]) -> Vec<Block> {
    if skipped.is_empty() {
        return Vec::new();
    }
    let l = lang.labels();
    let [number, reason] = [640, 1900];
    let rest = TEXT_WIDTH - number - reason;
    let widths = [number, rest / 2, reason, rest - rest / 2];
    let mut rows = vec![header_row(
        &widths,
        &[
            l.number,
            l.skipped_path,
            l.skipped_reason,
            l.skipped_details,
        ],
    )];
    for (i, input) in skipped.iter().enumerate() {
        rows.push(TableRow::new(vec![
            text_cell(widths[0], &(i + 1).to_string()),
            text_cell(widths[1], &input.path),
            text_cell(widths[2], labels::skip_reason(lang, input.reason)),
            text_cell(widths[3], &messages::sentence(lang, &input.message)),
        ]));
    }
    vec![
        Block::paragraph(heading(l.skipped_section, SUBHEADING_SIZE)),
        Block::paragraph(paragraph(l.skipped_note)),
        Block::table(table(&widths, rows)),
    ]
}

fn section(
    lang: Lang,
    index: usize,
    total: usize,
    document: &DocumentReview,
    options: &RenderOptions,
) -> Vec<Block> {
    let l = lang.labels();
    let mut running = format!("{} · {}", l.title, labels::document_of(lang, index, total));
    if let Some(batch) = present::field(&options.batch) {
        running = format!("{running} · {} {batch}", l.batch);
    }
    let mut blocks = vec![
        Block::paragraph(Paragraph::new().add_run(run(&running).size(SMALL_SIZE))),
        Block::paragraph(
            Paragraph::new()
                .add_bookmark_start(index, present::anchor(index))
                .add_run(
                    run(&format!("{index}. {}", present::file_name(&document.path)))
                        .bold()
                        .size(HEADING_SIZE)
                        .fonts(fonts(HEADING_FONT)),
                )
                .add_bookmark_end(index)
                .outline_lvl(0)
                .keep_next(true),
        ),
    ];

    blocks.push(Block::paragraph(heading(l.item_section, SUBHEADING_SIZE)));
    blocks.push(Block::table(form_table(
        l,
        &present::item_rows(lang, options, index, document),
    )));
    blocks.push(Block::paragraph(heading(l.tool_section, SUBHEADING_SIZE)));
    let mut rows = vec![
        field_row(l.file_name, value(Some(document.path.clone()))),
        field_row(l.sha256, value(Some(document.sha256.clone()))),
        field_row(l.format, value(Some(document.format.clone()))),
        field_row(
            l.pages,
            value(Some(document.pages.map_or_else(
                || l.not_recorded.to_string(),
                |p| p.to_string(),
            ))),
        ),
        field_row(l.size, value(Some(present::size(lang, document.bytes)))),
    ];
    if let Some(encoding) = &document.extraction.encoding {
        rows.push(field_row(l.encoding, value(Some(encoding.clone()))));
    }
    if let Some(department) = present::field(&options.department) {
        rows.push(field_row(l.department, value(Some(department))));
    }
    let mut extraction = vec![paragraph(labels::extraction_status(
        lang,
        document.extraction.status,
    ))];
    for problem in present::problem_lines(lang, &document.extraction.problems) {
        extraction.push(paragraph(&format!("• {problem}")));
    }
    rows.push(field_row(l.extraction, extraction));
    let mut verdict =
        vec![Paragraph::new().add_run(label_run(&present::verdict(lang, document)).bold())];
    for reason in &document.reasons {
        verdict.push(paragraph(&format!(
            "• {}",
            messages::sentence(lang, reason)
        )));
    }
    rows.push(field_row(l.tool_verdict, verdict));
    blocks.push(Block::table(table(&FIELD_WIDTHS, rows)));

    blocks.push(Block::paragraph(heading(l.findings, SUBHEADING_SIZE)));
    let (decide, info) = present::split_findings(document);
    if decide.is_empty() {
        blocks.push(Block::paragraph(paragraph(l.no_findings)));
    } else {
        blocks.push(Block::table(findings(lang, &decide)));
    }
    if !info.is_empty() {
        blocks.push(Block::paragraph(heading(l.info_section, SUBHEADING_SIZE)));
        blocks.push(Block::paragraph(
            Paragraph::new().add_run(run(l.info_note).size(SMALL_SIZE)),
        ));
        blocks.push(Block::table(info_findings(lang, &info)));
    }
    let waived = present::waived_rows(lang, document);
    if !waived.is_empty() {
        blocks.push(Block::paragraph(heading(l.waived_section, SUBHEADING_SIZE)));
        blocks.push(Block::table(waived_table(l, &waived)));
    }
    let past = present::past_decisions(lang, document);
    if !past.is_empty() {
        blocks.push(Block::paragraph(heading(l.past_decisions, SUBHEADING_SIZE)));
        blocks.push(Block::table(past_decisions(lang, &past)));
    }

    blocks.push(Block::paragraph(heading(l.review_section, SUBHEADING_SIZE)));
    blocks.push(Block::table(form_table(
        l,
        &present::form_rows(lang, options),
    )));
    blocks
}

/// Rows of the §5.10 form as a table kept on one page: every row
/// unsplittable and every paragraph but the last row's kept with the next,
/// so a page break can only fall before the form, never between two
/// signature blocks.
fn form_table(l: &Labels, form: &[FormRow]) -> Table {
    let last = form.len().saturating_sub(1);
    let rows = form
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let keep = i < last;
            let entry = form_entry(l, row)
                .into_iter()
                .map(|p| p.keep_next(keep))
                .collect();
            TableRow::new(vec![
                label_cell(row.label, keep),
                cell(FIELD_WIDTHS[1], entry),
            ])
            .cant_split()
        })
        .collect();
    table(&FIELD_WIDTHS, rows)
}

/// Info findings: number, location, rule, the match — no decision boxes.
fn info_findings(lang: Lang, findings: &[(usize, &Finding)]) -> Table {
    let l = lang.labels();
    let widths = [680, 1500, 2100, 0];
    let content = TEXT_WIDTH - widths.iter().sum::<usize>();
    let widths = [widths[0], widths[1], widths[2], content];
    let mut rows = vec![header_row(
        &widths,
        &[l.number, l.location, l.rule, l.matched_text],
    )];
    for (number, finding) in findings {
        rows.push(
            TableRow::new(vec![
                text_cell(widths[0], &number.to_string()),
                text_cell(widths[1], &present::location(lang, &finding.location)),
                cell(widths[2], vec![rule_paragraph(&finding.rule)]),
                cell(
                    widths[3],
                    vec![
                        highlight(
                            lang,
                            &present::highlight(
                                &messages::context(lang, &finding.context),
                                &finding.text,
                            ),
                        ),
                        Paragraph::new()
                            .add_run(run(&messages::finding(lang, finding)).size(SMALL_SIZE)),
                    ],
                ),
            ])
            .cant_split(),
        );
    }
    table(&widths, rows)
}

/// The waived findings with who kept each, who approved it and why.
fn waived_table(l: &Labels, waived: &[present::WaivedRow]) -> Table {
    let widths = [680, 2000, 1700, 1300, 1300, 0];
    let content = TEXT_WIDTH - widths.iter().sum::<usize>();
    let widths = [
        widths[0], widths[1], widths[2], widths[3], widths[4], content,
    ];
    let mut rows = vec![header_row(
        &widths,
        &[
            l.number,
            l.rule,
            l.match_label,
            l.reviewer,
            l.approver,
            l.reasons,
        ],
    )];
    for row in waived {
        rows.push(
            TableRow::new(vec![
                text_cell(widths[0], &row.number.to_string()),
                cell(widths[1], vec![rule_paragraph(&row.rule)]),
                text_cell(widths[2], &row.text),
                text_cell(widths[3], &row.reviewer),
                text_cell(widths[4], &row.approver),
                text_cell(widths[5], &row.reason),
            ])
            .cant_split(),
        );
    }
    table(&widths, rows)
}

/// A rule id that wraps only after its dots and hyphens: a zero-width
/// space after each, so Word never breaks `resident-id` inside a word.
fn rule_paragraph(rule: &str) -> Paragraph {
    let mut text = String::new();
    for c in present::clean(rule).chars() {
        text.push(c);
        if c == '.' || c == '-' || c == '_' {
            text.push('\u{200B}');
        }
    }
    paragraph(&text)
}

fn findings(lang: Lang, findings: &[(usize, &Finding)]) -> Table {
    let l = lang.labels();
    // The severity column fits 阻止公开 and 已豁免; the decision column a
    // reason line, and a recorded decision with its reviewer and date.
    let widths = [680, 1150, 1500, 960, 0, 1950];
    let content = TEXT_WIDTH - widths.iter().sum::<usize>();
    let widths = [
        widths[0], widths[1], widths[2], widths[3], content, widths[5],
    ];
    let mut rows = vec![header_row(
        &widths,
        &[
            l.number,
            l.location,
            l.rule,
            l.severity,
            l.matched_text,
            l.decision,
        ],
    )];
    for (number, finding) in findings {
        let mut content = vec![highlight(
            lang,
            &present::highlight(&messages::context(lang, &finding.context), &finding.text),
        )];
        content.push(
            Paragraph::new().add_run(run(&messages::finding(lang, finding)).size(SMALL_SIZE)),
        );
        for step in &finding.explain {
            content.push(Paragraph::new().add_run(run(&format!("· {step}")).size(SMALL_SIZE)));
        }
        let decision = present::decision_cell(lang, finding);
        let mut severity = vec![paragraph(labels::severity(lang, finding.severity))];
        if decision.waived {
            severity.push(Paragraph::new().add_run(label_run(l.waived).bold().size(TABLE_SIZE)));
        }
        let mut cells = vec![
            text_cell(widths[0], &number.to_string()),
            text_cell(widths[1], &present::location(lang, &finding.location)),
            cell(
                widths[2],
                vec![
                    rule_paragraph(&finding.rule),
                    paragraph(labels::category(lang, finding.category)),
                ],
            ),
            cell(widths[3], severity),
            cell(widths[4], content),
            cell(widths[5], decision_paragraphs(lang, &decision)),
        ];
        if decision.waived {
            cells = cells
                .into_iter()
                .map(|c| c.shading(Shading::new().fill(WAIVED_FILL)))
                .collect();
        }
        rows.push(TableRow::new(cells).cant_split());
    }
    table(&widths, rows)
}

/// A box and its word, one choice a line: the column is narrow, and a box
/// wrapped away from its word would be ambiguous. A ticked box is bold, in
/// a font that has the glyph.
fn choice(lang: Lang, kind: DecisionKind, ticked: bool) -> Paragraph {
    let word = labels::decision(lang, kind);
    if ticked {
        Paragraph::new()
            .add_run(
                label_run(TICKED).bold().fonts(
                    RunFonts::new()
                        .ascii(SYMBOL_FONT)
                        .hi_ansi(SYMBOL_FONT)
                        .east_asia(SYMBOL_FONT)
                        .cs(SYMBOL_FONT),
                ),
            )
            .add_run(label_run(&format!(" {word}")).bold())
    } else {
        Paragraph::new().add_run(label_run(&format!("{BOX} {word}")))
    }
}

/// The decision column: □ 删除 □ 修改 □ 保留 and 理由：____, or the recorded
/// decision ticked with its reason, reviewer, date and status.
fn decision_paragraphs(lang: Lang, cell: &DecisionCell) -> Vec<Paragraph> {
    let l = lang.labels();
    let mut paragraphs: Vec<Paragraph> = [
        DecisionKind::Remove,
        DecisionKind::Revise,
        DecisionKind::Keep,
    ]
    .into_iter()
    .map(|kind| choice(lang, kind, cell.ticked == Some(kind)))
    .collect();
    if cell.blank_reason {
        paragraphs.push(
            Paragraph::new().add_run(label_run(&format!("{}{SHORT_BLANK}", l.decision_reason))),
        );
    }
    for line in &cell.lines {
        paragraphs.push(Paragraph::new().add_run(label_run(line).size(SMALL_SIZE)));
    }
    if let Some(status) = &cell.status {
        paragraphs.push(Paragraph::new().add_run(label_run(status).bold().size(SMALL_SIZE)));
    }
    paragraphs
}

/// Decisions whose finding no longer appears: resolved and stale.
fn past_decisions(lang: Lang, past: &[PastDecision]) -> Table {
    let l = lang.labels();
    let status = 2400;
    let decision = 2300;
    let rule = 2300;
    let widths = [
        status,
        decision,
        rule,
        TEXT_WIDTH - status - decision - rule,
    ];
    let mut rows = vec![header_row(
        &widths,
        &[l.status, l.decision, l.rule, l.match_label],
    )];
    for entry in past {
        let mut decided = vec![choice(lang, entry.decision, true)];
        decided.extend(
            entry
                .lines
                .iter()
                .map(|line| Paragraph::new().add_run(label_run(line).size(SMALL_SIZE))),
        );
        rows.push(
            TableRow::new(vec![
                cell(
                    widths[0],
                    vec![Paragraph::new().add_run(label_run(entry.status).bold())],
                ),
                cell(widths[1], decided),
                cell(
                    widths[2],
                    vec![
                        paragraph(&entry.rule),
                        Paragraph::new().add_run(run(&entry.id).size(SMALL_SIZE)),
                    ],
                ),
                cell(
                    widths[3],
                    vec![
                        Paragraph::new().add_run(
                            run(&entry.text)
                                .bold()
                                .underline("single")
                                .highlight("yellow"),
                        ),
                    ],
                ),
            ])
            .cant_split(),
        );
    }
    table(&widths, rows)
}

/// The context with its match bold, underlined and highlighted (the
/// highlight may not print; bold and underline do).
fn highlight(lang: Lang, highlight: &Highlight) -> Paragraph {
    let matched = Run::new()
        .add_text(highlight.matched.clone())
        .bold()
        .underline("single")
        .highlight("yellow");
    if highlight.found {
        Paragraph::new()
            .add_run(Run::new().add_text(highlight.before.clone()))
            .add_run(matched)
            .add_run(Run::new().add_text(highlight.after.clone()))
    } else {
        Paragraph::new()
            .add_run(Run::new().add_text(highlight.before.clone()))
            .add_run(Run::new().add_break(docx_rs::BreakType::TextWrapping))
            .add_run(label_run(&present::labelled(
                lang,
                lang.labels().match_label,
                "",
            )))
            .add_run(matched)
    }
}

fn form_entry(l: &Labels, row: &FormRow) -> Vec<Paragraph> {
    let mut paragraphs = Vec::new();
    if let Some(value) = &row.value {
        let mut p = Paragraph::new().add_run(run(value));
        if let Some(note) = row.note {
            p = p.add_run(run(&format!(" {note}")).size(SMALL_SIZE));
        }
        paragraphs.push(p);
    }
    for caption in &row.blanks {
        paragraphs.push(Paragraph::new().add_run(label_run(&format!("{caption}{BLANK}{BLANK}"))));
    }
    if row.is_blank() {
        paragraphs.push(paragraph(BLANK));
    }
    if row.tall {
        // Room to write a summary by hand.
        paragraphs.extend((0..4).map(|_| Paragraph::new()));
    }
    let mut choices: Vec<String> = row
        .choices
        .iter()
        .map(|choice| format!("{BOX} {choice}"))
        .collect();
    match row.written {
        Some("") => {
            // The line belongs to the last choice ("其他：____").
            if let Some(last) = choices.last_mut() {
                last.push_str(SHORT_BLANK);
            }
        }
        Some(caption) => {
            if !choices.is_empty() {
                paragraphs.push(Paragraph::new().add_run(label_run(&choices.join("  "))));
                choices.clear();
            }
            paragraphs
                .push(Paragraph::new().add_run(label_run(&format!("{caption}{BLANK}{BLANK}"))));
        }
        None => {}
    }
    if !choices.is_empty() {
        paragraphs.insert(0, Paragraph::new().add_run(label_run(&choices.join("  "))));
    }
    if row.signed {
        // Room for the written opinion: tall enough to write in.
        paragraphs.extend((0..4).map(|_| Paragraph::new()));
        let mut sign = String::new();
        if let Some(name) = &row.name {
            sign.push_str(name);
            sign.push_str("    ");
        }
        sign.push_str(&format!(
            "{}{BLANK}    {}{BLANK}",
            l.signature, l.signed_date
        ));
        paragraphs.push(
            Paragraph::new()
                .align(AlignmentType::Right)
                .add_run(run(&sign)),
        );
    }
    paragraphs
}

/// The font table: the Chinese fonts with their English alternative names,
/// GB2312 charset and PANOSE class, which is what lets Word, WPS and
/// LibreOffice substitute a similar installed font when one is missing.
const FONT_TABLE: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
    r#"<w:font w:name="仿宋"><w:altName w:val="FangSong"/><w:panose1 w:val="02010609060101010101"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>"#,
    r#"<w:font w:name="宋体"><w:altName w:val="SimSun"/><w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>"#,
    r#"<w:font w:name="黑体"><w:altName w:val="SimHei"/><w:panose1 w:val="02010609060101010101"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>"#,
    r#"<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>"#,
    r#"<w:font w:name="Segoe UI Symbol"><w:panose1 w:val="020B0502040204020203"/><w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>"#,
    r#"<w:font w:name="Symbol"><w:charset w:val="02"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>"#,
    r#"<w:font w:name="Arial"><w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>"#,
    r#"</w:fonts>"#
);

/// Numbers the `w14:paraId` of every paragraph in document order.
/// `docx-rs` draws them from a per-thread counter, and the paragraph that
/// closes each Word section gets one only when the file is built — so two
/// renderings of one review would differ in them; renumbered, the same
/// review gives the same bytes.
fn renumber_paragraph_ids(document: &[u8]) -> Vec<u8> {
    const ATTRIBUTE: &[u8] = b"w14:paraId=\"";
    let mut out = Vec::with_capacity(document.len());
    let mut rest = document;
    let mut next: u32 = 1;
    while let Some(at) = rest
        .windows(ATTRIBUTE.len())
        .position(|window| window == ATTRIBUTE)
    {
        let start = at + ATTRIBUTE.len();
        out.extend_from_slice(&rest[..start]);
        let value_end = rest[start..]
            .iter()
            .position(|&b| b == b'"')
            .map_or(rest.len(), |end| start + end);
        out.extend_from_slice(format!("{next:08X}").as_bytes());
        next += 1;
        rest = &rest[value_end..];
    }
    out.extend_from_slice(rest);
    out
}

/// Adds `w:tblHeader` to the header rows (see [`HEADER_ROW_PROPERTIES`]).
fn mark_header_rows(document: &[u8]) -> Result<Vec<u8>, String> {
    let xml =
        std::str::from_utf8(document).map_err(|e| format!("document.xml is not UTF-8: {e}"))?;
    Ok(xml
        .replace(HEADER_ROW_PROPERTIES, REPEATING_HEADER_ROW_PROPERTIES)
        .into_bytes())
}

/// Writes the package: the parts `docx-rs` rendered, in a fixed order, with
/// a fixed timestamp, deflated.
///
/// `docProps/app.xml` is prepub's own: it names prepub as the application
/// that wrote the file, where Word and WPS name themselves — the mark that
/// keeps a later scan from reviewing the form as a draft.
fn package(xml: docx_rs::XMLDocx, tool: &ToolInfo) -> Result<Vec<u8>, String> {
    let document = renumber_paragraph_ids(&share_footer(&mark_header_rows(&xml.document)?));
    let app = crate::review::signature::docx_app_xml(tool);
    let mut parts: Vec<(String, &[u8])> = vec![
        ("[Content_Types].xml".into(), &xml.content_type),
        ("_rels/.rels".into(), &xml.rels),
        ("docProps/app.xml".into(), app.as_bytes()),
        ("docProps/core.xml".into(), &xml.doc_props.core),
        ("docProps/custom.xml".into(), &xml.doc_props.custom),
        ("word/_rels/document.xml.rels".into(), &xml.document_rels),
        ("word/document.xml".into(), &document),
        ("word/styles.xml".into(), &xml.styles),
        ("word/settings.xml".into(), &xml.settings),
        ("word/fontTable.xml".into(), FONT_TABLE.as_bytes()),
        ("word/comments.xml".into(), &xml.comments),
        ("word/numbering.xml".into(), &xml.numberings),
        ("word/commentsExtended.xml".into(), &xml.comments_extended),
        ("word/footnotes.xml".into(), &xml.footnotes),
    ];
    let headers: Vec<Vec<u8>> = xml
        .headers
        .iter()
        .map(|h| renumber_paragraph_ids(h))
        .collect();
    for (i, header) in headers.iter().enumerate() {
        parts.push((format!("word/header{}.xml", i + 1), header));
        if let Some(rels) = xml.header_rels.get(i) {
            parts.push((format!("word/_rels/header{}.xml.rels", i + 1), rels));
        }
    }
    let footers: Vec<Vec<u8>> = xml
        .footers
        .iter()
        .map(|f| renumber_paragraph_ids(f))
        .collect();
    for (i, footer) in footers.iter().enumerate() {
        parts.push((format!("word/footer{}.xml", i + 1), footer));
        if let Some(rels) = xml.footer_rels.get(i) {
            parts.push((format!("word/_rels/footer{}.xml.rels", i + 1), rels));
        }
    }

    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in parts {
        zip.start_file(name.as_str(), options)
            .map_err(|e| format!("writing {name} into the .docx: {e}"))?;
        zip.write_all(bytes)
            .map_err(|e| format!("writing {name} into the .docx: {e}"))?;
    }
    let cursor = zip
        .finish()
        .map_err(|e| format!("finishing the .docx: {e}"))?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests;
