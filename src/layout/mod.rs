//! Typesetting: `Document` → pages of positioned text runs and rules.
//!
//! Knows fonts, Chinese line breaking, page geometry, tables and pagination; knows nothing of
//! templates, workbooks or the PDF format (the `pdf` module draws what this produces).

pub mod fonts;
pub mod page;
pub mod structure;
pub mod table;
pub mod text;

use crate::doc::{Block, Document, Grid};
use crate::schema::RowKind;

use fonts::{FontSet, Role};
use page::{Geometry, baseline};
use structure::{Kind, Structure, Tag};
use table::TableLayout;
use text::{Line, Style, break_lines, measure};

/// When a table breaks, at least this many of its rows go on to the next page.
const MIN_CARRIED_ROWS: usize = 3;

/// Merged row groups up to this many rows are never split by a page break.
const MAX_KEPT_GROUP: usize = 8;

/// Something drawn on a page; coordinates in pt from the bottom-left corner.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text {
        face: usize,
        size: f32,
        x: f32,
        /// Baseline.
        y: f32,
        text: String,
        /// Extra space after each character (PDF `Tc`).
        spacing: f32,
        /// (characters before it, pt to move back), from squeezed punctuation.
        kerns: Vec<(usize, f32)>,
        /// What the text is, for the tagged PDF.
        tag: Tag,
    },
    /// A stroked rectangle (always an artifact) (0.5 pt), used for table cells.
    Rect {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
    },
}

#[derive(Debug, Clone, Default)]
pub struct Page {
    pub items: Vec<Item>,
}

/// A character that no font of its role has, with the text it occurs in.
#[derive(Debug, Clone, PartialEq)]
pub struct MissingChar {
    pub c: char,
    pub context: String,
}

/// Where a bookmark points: the title or a level-1 heading.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub title: String,
    /// 0-based page.
    pub page: usize,
    /// Top of the heading's line, in pt from the bottom.
    pub y: f32,
}

/// The typeset report.
pub struct Laid {
    pub geometry: Geometry,
    pub pages: Vec<Page>,
    /// The title first, then the level-1 headings.
    pub outline: Vec<Mark>,
    pub missing: Vec<MissingChar>,
    /// What the text items are, in reading order.
    pub structure: Structure,
}

/// Lays out `doc` on GB/T 9704 pages with page numbers.
pub fn layout(doc: &Document, fonts: &FontSet) -> Laid {
    let g = Geometry::gbt9704();
    // Each table is measured once: keep-with-next needs its first rows before it is placed.
    let mut missing = Vec::new();
    let tables: Vec<Option<TableLayout>> = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Table(grid) => Some(TableLayout::new(
                fonts,
                grid,
                g.measure,
                g.table_size,
                &mut missing,
            )),
            _ => None,
        })
        .collect();
    let mut w = Writer {
        g,
        fonts,
        tables: &tables,
        pages: vec![Page::default()],
        y: g.top,
        outline: Vec::new(),
        missing,
        structure: Structure::default(),
        tag: Tag::Artifact,
    };
    for (i, block) in doc.blocks.iter().enumerate() {
        let next = doc.blocks.get(i + 1);
        match block {
            Block::Title(t) => w.title(t),
            Block::Heading { level, text } => w.heading(*level, text, next.map(|b| (i + 1, b))),
            Block::Paragraph(t) => w.paragraph(t),
            Block::Table(grid) => w.table(grid, i),
            Block::PageBreak => {
                if w.y < g.top {
                    w.new_page();
                }
            }
            Block::Signature { agency, date } => w.signature(agency, date),
        }
    }
    w.page_numbers();
    Laid {
        geometry: g,
        pages: w.pages,
        outline: w.outline,
        missing: w.missing,
        structure: w.structure,
    }
}

/// Prints `text` centred in the top margin of every page, in the first-level heading's face:
/// the mark of a report built despite errors, which must never pass for the published one.
pub fn stamp(laid: &mut Laid, fonts: &FontSet, text: &str) {
    let g = laid.geometry;
    let size = g.page_number_size;
    let role = Role::Heading1;
    let primary = fonts.chain(role).first().copied().unwrap_or(0);
    let width = measure(fonts, text, role, size);
    // y grows upward: the baseline 15 mm above the text block, in the top margin.
    let y = g.top + page::mm(15.0);
    for page in &mut laid.pages {
        let mut x = (g.left + g.right() - width) / 2.0;
        for (face, chunk) in split_by_face(fonts, text, role, primary) {
            let w = measure(fonts, &chunk, role, size);
            page.items.push(Item::Text {
                face,
                size,
                x,
                y,
                text: chunk,
                spacing: 0.0,
                kerns: Vec::new(),
                tag: Tag::Artifact,
            });
            x += w;
        }
    }
}

/// Every character of `doc` and of the official tables that no face of the role printing it
/// has — what `layout` would report, found without setting a line, so `check` can say it.
pub fn uncovered(doc: &Document, fonts: &FontSet) -> Vec<MissingChar> {
    let mut out: Vec<MissingChar> = Vec::new();
    let mut look = |text: &str, role: Role| {
        for c in text
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
        {
            if fonts.face_for(role, c).is_none() && !out.iter().any(|m| m.c == c) {
                out.push(MissingChar {
                    c,
                    context: text.to_string(),
                });
            }
        }
    };
    for block in &doc.blocks {
        match block {
            Block::Title(t) => look(t, Role::Title),
            Block::Heading { level, text } => look(text, heading_role(*level)),
            Block::Paragraph(t) => look(t, Role::Body),
            Block::Table(grid) => {
                for cell in &grid.cells {
                    look(&cell.text, Role::Table);
                }
            }
            Block::Signature { agency, date } => {
                look(agency, Role::Body);
                look(date, Role::Body);
            }
            Block::PageBreak => {}
        }
    }
    look("— 0123456789 —", Role::PageNumber);
    out
}

/// The face role of a heading of `level` (1 hei, 2 kai, deeper and body text fangsong).
fn heading_role(level: u8) -> Role {
    match level {
        1 => Role::Heading1,
        2 => Role::Heading2,
        _ => Role::Body,
    }
}

/// How a heading of `level` (1 and 2 in their faces) or body text (0; 3 and 4 in the body face)
/// is set: on the 28-character grid, justified, its first line indented two characters.
pub fn block_style(g: &Geometry, level: u8) -> Style {
    Style {
        indent: 2.0 * g.grid_advance(),
        justify: true,
        tracking: g.grid_tracking(),
        ..Style::new(heading_role(level), g.body_size)
    }
}

/// Where the two lines of a 落款 start, in pt from the text block's left edge: the agency
/// two characters in from the right, the date on the next line starting two characters right
/// of the agency's first; a date longer than that keeps two characters from the right and
/// pushes the agency left (GB/T 9704-2012 7.3.5.2).
pub fn signature_offsets(fonts: &FontSet, g: &Geometry, agency: &str, date: &str) -> [f32; 2] {
    let style = block_style(g, 0);
    let width = |t: &str| {
        measure(fonts, t, style.role, style.size) + style.tracking * t.chars().count() as f32
    };
    let two = 2.0 * g.grid_advance();
    let right = g.measure - two;
    let mut agency_x = right - width(agency);
    let mut date_x = agency_x + two;
    if date_x + width(date) > right {
        date_x = right - width(date);
        agency_x = date_x - two;
    }
    [agency_x.max(0.0), date_x.max(0.0)]
}

struct Writer<'a> {
    g: Geometry,
    fonts: &'a FontSet,
    /// The measured table of each block that is one.
    tables: &'a [Option<TableLayout>],
    pages: Vec<Page>,
    /// Top of the next line box.
    y: f32,
    outline: Vec<Mark>,
    missing: Vec<MissingChar>,
    structure: Structure,
    /// What the lines placed now are.
    tag: Tag,
}

impl<'a> Writer<'a> {
    /// Starts a structure node under the Document: what is placed next belongs to it.
    fn open(&mut self, kind: Kind) -> usize {
        let node = self.structure.add(kind, 0);
        self.tag = Tag::Node(node);
        node
    }

    fn room(&self) -> f32 {
        self.y - self.g.bottom()
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = self.g.top;
    }

    fn items(&mut self) -> &mut Vec<Item> {
        let last = self.pages.len() - 1;
        &mut self.pages[last].items
    }

    fn lines(&mut self, text: &str, style: Style) -> Vec<Line> {
        let (lines, missing) = break_lines(self.fonts, text, style, self.g.measure);
        self.note_missing(missing, text);
        lines
    }

    fn note_missing(&mut self, missing: Vec<char>, text: &str) {
        self.missing
            .extend(missing.into_iter().map(|c| MissingChar {
                c,
                context: text.to_string(),
            }));
    }

    /// Places one line box of `pitch` at the cursor, `x_offset` in from the left edge.
    fn place(&mut self, line: &Line, style: Style, pitch: f32, x_offset: f32) {
        if self.room() < pitch - 0.01 {
            self.new_page();
        }
        let y = baseline(self.y, pitch, style.size);
        let x = self.g.left + x_offset;
        let items: Vec<Item> = line
            .runs
            .iter()
            .map(|run| Item::Text {
                face: run.face,
                size: style.size,
                x: x + run.x,
                y,
                text: run.text.clone(),
                spacing: run.spacing,
                kerns: run.kerns.clone(),
                tag: self.tag,
            })
            .collect();
        self.items().extend(items);
        self.y -= pitch;
    }

    fn mark(&mut self, title: &str) {
        self.outline.push(Mark {
            title: title.to_string(),
            page: self.pages.len() - 1,
            y: self.y,
        });
    }

    /// Lines of a paragraph or heading on the body grid, the first one indented. A paragraph's
    /// first line never stands alone at the foot of a page (orphan), nor its last line alone at
    /// the head of the next (widow).
    fn place_paragraph(&mut self, lines: &[Line], style: Style) {
        let mut i = 0;
        while i < lines.len() {
            let left = lines.len() - i;
            let fit = ((self.room() + 0.01) / self.g.pitch).floor() as usize;
            let take = lines_on_this_page(i, left, fit);
            if take == 0 {
                self.new_page();
                continue;
            }
            for (k, line) in lines[i..i + take].iter().enumerate() {
                let offset = if i + k == 0 { style.indent } else { 0.0 };
                self.place(line, style, self.g.pitch, offset);
            }
            i += take;
            if i < lines.len() {
                self.new_page();
            }
        }
    }

    fn title(&mut self, text: &str) {
        let style = Style::new(Role::Title, self.g.title_size);
        self.open(Kind::H(1));
        self.mark(text);
        let pitch = self.g.title_size * 1.6;
        let (lines, missing) = text::break_title(self.fonts, text, style, self.g.measure);
        self.note_missing(missing, text);
        for line in lines {
            let offset = (self.g.measure - line.width) / 2.0;
            self.place(&line, style, pitch, offset);
        }
        // A blank line between the title and the text (GB/T 9704 7.3.1).
        self.y -= self.g.pitch;
    }

    fn heading_style(&self, level: u8) -> Style {
        block_style(&self.g, level)
    }

    fn heading(&mut self, level: u8, text: &str, next: Option<(usize, &Block)>) {
        let style = self.heading_style(level);
        let lines = self.lines(text, style);
        // Keep with next: the heading moves to a new page unless what follows can start below it.
        let need = lines.len() as f32 * self.g.pitch + self.next_start_height(next);
        if self.room() < need && self.y < self.g.top {
            self.new_page();
        }
        if level == 1 {
            self.mark(text);
        }
        self.open(Kind::H(level.saturating_add(1).min(6)));
        self.place_paragraph(&lines, style);
    }

    /// The height the block after a heading needs on the same page: two lines of a paragraph,
    /// the header and first data row of a table.
    fn next_start_height(&self, next: Option<(usize, &Block)>) -> f32 {
        match next {
            Some((_, Block::Paragraph(_) | Block::Heading { .. })) => 2.0 * self.g.pitch,
            Some((i, Block::Table(grid))) => {
                let t = grid.table();
                self.table_layout(i)
                    .height(0..(t.repeat_rows + 1).min(t.rows()))
            }
            _ => 0.0,
        }
    }

    fn table_layout(&self, block: usize) -> &'a TableLayout {
        let tables = self.tables;
        tables
            .get(block)
            .and_then(Option::as_ref)
            .expect("every table block is measured before pagination")
    }

    fn paragraph(&mut self, text: &str) {
        let style = self.heading_style(0);
        let lines = self.lines(text, style);
        self.open(Kind::P);
        self.place_paragraph(&lines, style);
    }

    /// The 落款 one blank line below the text, its two lines kept on one page.
    fn signature(&mut self, agency: &str, date: &str) {
        let style = Style {
            indent: 0.0,
            justify: false,
            ..self.heading_style(0)
        };
        if self.room() < 3.0 * self.g.pitch - 0.01 {
            self.new_page();
        } else {
            self.y -= self.g.pitch;
        }
        self.open(Kind::P);
        let offsets = signature_offsets(self.fonts, &self.g, agency, date);
        for (text, x) in [agency, date].into_iter().zip(offsets) {
            let (lines, missing) = break_lines(self.fonts, text, style, self.g.measure - x);
            self.note_missing(missing, text);
            for line in &lines {
                self.place(line, style, self.g.pitch, x);
            }
        }
    }

    fn table(&mut self, grid: &Grid, block: usize) {
        let t = grid.table();
        let layout = self.table_layout(block);
        let header = 0..t.repeat_rows;
        let first_block = layout.height(0..(t.repeat_rows + 1).min(t.rows()));
        if self.room() < first_block && self.y < self.g.top {
            self.new_page();
        }
        let cells = self.table_structure(grid);
        // A cell's text is content where it is first shown; header rows repeated on a new
        // page and a merged cell shown again below a break are artifacts.
        let mut shown = vec![false; cells.len()];
        let mut start = 0;
        while start < t.rows() {
            let mut end = self.rows_that_fit(t, layout, start);
            if end == start {
                // A row taller than a whole page cannot be kept whole; draw it anyway.
                end = start + 1;
            }
            self.draw_rows(layout, start..end, &mut |i| {
                if std::mem::replace(&mut shown[i], true) {
                    Tag::Artifact
                } else {
                    Tag::Node(cells[i])
                }
            });
            start = end;
            if start < t.rows() {
                // The table goes on: a new page, its header rows repeated first.
                self.new_page();
                self.draw_rows(layout, header.clone(), &mut |_| Tag::Artifact);
            }
        }
        self.y -= self.g.pitch / 2.0;
    }

    /// The structure of a table: Table → THead (the repeated header rows) and TBody → TR →
    /// TH/TD with the schema's spans, scopes and headers. The node of each cell, by cell index.
    fn table_structure(&mut self, grid: &Grid) -> Vec<usize> {
        let t = grid.table();
        let table = self.open(Kind::Table);
        self.tag = Tag::Artifact;
        let head = (t.repeat_rows > 0).then(|| self.structure.add(Kind::THead, table));
        let body = self.structure.add(Kind::TBody, table);
        let mut order: Vec<usize> = (0..grid.cells.len()).collect();
        order.sort_by_key(|i| (grid.cells[*i].row, grid.cells[*i].col));
        let mut nodes = vec![0; grid.cells.len()];
        let mut next = 0;
        for row in 0..t.rows() {
            let group = match head {
                Some(h) if row < t.repeat_rows => h,
                _ => body,
            };
            let tr = self.structure.add(Kind::TR, group);
            while let Some(&i) = order.get(next).filter(|i| grid.cells[**i].row == row) {
                next += 1;
                let c = &grid.cells[i];
                let kind = if c.label { Kind::TH } else { Kind::TD };
                nodes[i] = self.structure.add(kind, tr);
            }
        }
        for (i, c) in grid.cells.iter().enumerate() {
            // Headers are named only where a reader would not find them by the scopes alone
            // (表二's bands of column labels): the size of a cell's attributes adds up.
            let mut named = grid.headers_of(i);
            named.sort_unstable();
            let headers = if c.label || named == implied_headers(grid, i) {
                Vec::new()
            } else {
                named.into_iter().map(|h| nodes[h]).collect()
            };
            self.structure.nodes[nodes[i]].cell = Some(structure::Cell {
                rows: c.rows,
                cols: c.cols,
                scope: grid.scope(i),
                headers,
            });
        }
        nodes
    }

    /// Draws `rows` of a table at the cursor and moves the cursor below them; `tag` says what
    /// the text of the cell at an index is where it is drawn.
    fn draw_rows(
        &mut self,
        layout: &TableLayout,
        rows: std::ops::Range<usize>,
        tag: &mut dyn FnMut(usize) -> Tag,
    ) {
        let mut items = Vec::new();
        layout.draw_band(rows.clone(), self.g.left, self.y, &mut items, tag);
        self.items().extend(items);
        self.y -= layout.height(rows);
    }

    /// The end of the rows from `start` that go on this page: as many as fit, but a caption or
    /// header row never ends a page and a break never leaves fewer than `MIN_CARRIED_ROWS` rows
    /// for the next page.
    fn rows_that_fit(&self, t: &crate::schema::Table, layout: &TableLayout, start: usize) -> usize {
        let mut end = start;
        let mut used = 0.0;
        while end < t.rows() && used + layout.row_heights[end] <= self.room() + 0.01 {
            used += layout.row_heights[end];
            end += 1;
        }
        loop {
            let before = end;
            while end > start + 1 && end < t.rows() && t.row_kinds[end - 1] != RowKind::Data {
                end -= 1;
            }
            while end < t.rows()
                && t.rows() - end < MIN_CARRIED_ROWS
                && end > start + MIN_CARRIED_ROWS
            {
                end -= 1;
            }
            // A small merged group (（三）不予公开 and its eight items) moves whole.
            for c in t
                .grid
                .iter()
                .filter(|c| c.rows > 1 && c.rows <= MAX_KEPT_GROUP)
            {
                if c.row < end && end < c.row + c.rows && c.row > start {
                    end = c.row;
                }
            }
            if end == before {
                return end;
            }
        }
    }

    /// "— N —" 7 mm below the text block: odd pages right, even pages left, one character in.
    fn page_numbers(&mut self) {
        let g = self.g;
        let size = g.page_number_size;
        let primary = self
            .fonts
            .chain(Role::PageNumber)
            .first()
            .copied()
            .unwrap_or(0);
        for (i, page) in self.pages.iter_mut().enumerate() {
            let n = i + 1;
            let text = format!("— {n} —");
            let width = measure(self.fonts, &text, Role::PageNumber, size);
            let x = if n % 2 == 1 {
                g.right() - size - width
            } else {
                g.left + size
            };
            let y = g.bottom() - page::mm(7.0) - size * page::ASCENT;
            let mut x_run = x;
            // The dash and the digits may come from different faces.
            for (face, chunk) in split_by_face(self.fonts, &text, Role::PageNumber, primary) {
                let w = measure(self.fonts, &chunk, Role::PageNumber, size);
                page.items.push(Item::Text {
                    face,
                    size,
                    x: x_run,
                    y,
                    text: chunk,
                    spacing: 0.0,
                    kerns: Vec::new(),
                    tag: Tag::Artifact,
                });
                x_run += w;
            }
        }
    }
}

/// The header cells a reader finds for a figure by the scopes alone (ISO 32000-1 14.8.5.7): the
/// column labels above it in its columns and the row labels left of it in its rows, in order.
fn implied_headers(grid: &Grid, figure: usize) -> Vec<usize> {
    let f = &grid.cells[figure];
    let mut out: Vec<usize> = (0..grid.cells.len())
        .filter(|&h| {
            let c = &grid.cells[h];
            let cols = c.col < f.col + f.cols && f.col < c.col + c.cols;
            let rows = c.row < f.row + f.rows && f.row < c.row + c.rows;
            match grid.scope(h) {
                Some(crate::doc::Scope::Column) => cols && c.row + c.rows <= f.row,
                Some(crate::doc::Scope::Row) => rows && c.col + c.cols <= f.col,
                None => false,
            }
        })
        .collect();
    out.sort_unstable();
    out
}

/// How many of a paragraph's `left` remaining lines (starting at line `first`) go on a page
/// with room for `fit` lines: all if they fit, otherwise as many as fit without leaving an
/// orphan or a widow; 0 means start on the next page. A fresh page always takes something.
fn lines_on_this_page(first: usize, left: usize, fit: usize) -> usize {
    if left <= fit {
        return left;
    }
    let mut take = fit;
    if left - take == 1 {
        take = take.saturating_sub(1);
    }
    if first == 0 && take == 1 {
        take = 0;
    }
    take
}

fn split_by_face(fonts: &FontSet, text: &str, role: Role, primary: usize) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for c in text.chars() {
        let face = fonts.face_for(role, c).map_or(primary, |(f, _)| f);
        match out.last_mut() {
            Some((f, s)) if *f == face => s.push(c),
            _ => out.push((face, c.to_string())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::lines_on_this_page;

    #[test]
    fn no_orphans_and_no_widows() {
        assert_eq!(lines_on_this_page(0, 3, 5), 3);
        // One line of room: the first line would be an orphan.
        assert_eq!(lines_on_this_page(0, 3, 1), 0);
        // Two of three fit: the last would be a widow, so one goes down with it — and that one
        // would be an orphan, so the whole paragraph moves.
        assert_eq!(lines_on_this_page(0, 3, 2), 0);
        assert_eq!(lines_on_this_page(0, 5, 4), 3);
        assert_eq!(lines_on_this_page(4, 10, 22), 10);
        assert_eq!(lines_on_this_page(4, 30, 22), 22);
        assert_eq!(lines_on_this_page(4, 23, 22), 21);
    }
}
