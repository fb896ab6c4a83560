//! A published workbook's sheets as a document: the text sheet's rows as paragraphs and each
//! table sheet where the text points to it, so `document::assemble` finds headings, topics and
//! the official tables by their labels as it does in a PDF or a web page.

use super::labels::normalize;
use super::sheet::Sheet;
use crate::document::{Block, Doc, Grid, Para};
use crate::schema;

pub fn document(sheets: &[Sheet]) -> Doc {
    let mut doc = Doc::default();
    let is_text = |s: &Sheet| normalize(&s.name) == normalize(schema::SHEET_PUBLISHED);
    let tables: Vec<&Sheet> = sheets.iter().filter(|s| !is_text(s)).collect();
    let mut placed = vec![false; tables.len()];
    for sheet in sheets.iter().filter(|s| is_text(s)) {
        let (rows, cols) = sheet.end();
        for r in 0..rows {
            for c in 0..cols {
                let text = sheet.text(r, c);
                if text.is_empty() {
                    continue;
                }
                let pointed = tables
                    .iter()
                    .position(|t| text.trim() == schema::published_pointer(&t.name));
                match pointed {
                    Some(i) if !placed[i] => {
                        placed[i] = true;
                        doc.blocks.push(Block::Table(grid(tables[i])));
                    }
                    _ => doc.blocks.push(Block::Para(Para {
                        text,
                        place: format!("{}!{}", sheet.name, crate::model::a1(r, c)),
                    })),
                }
            }
        }
    }
    // Tables the text does not point to (a workbook edited by hand) come after the text.
    for (table, _) in tables.iter().zip(&placed).filter(|(_, p)| !**p) {
        doc.blocks.push(Block::Table(grid(table)));
    }
    doc
}

/// Every cell of the sheet as text; rows are placed by sheet and number (`表三!第12行`).
fn grid(sheet: &Sheet) -> Grid {
    let (rows, cols) = sheet.end();
    Grid {
        rows: (0..rows)
            .map(|r| (0..cols).map(|c| sheet.text(r, c)).collect())
            .collect(),
        places: (0..rows)
            .map(|r| format!("{}!第{}行", sheet.name, r + 1))
            .collect(),
    }
}
