//! The logical structure of a typeset report, for the tagged PDF: what each piece of text on
//! the pages is (the title, a heading, a paragraph, a table cell), in reading order. Built by the
//! paginator as it places blocks, so the PDF's structure comes from layout's boxes and is never
//! re-derived from the text.

use crate::doc::Scope;

/// What a text item on a page is part of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// Not content: page numbers, the draft mark, header rows repeated on a new page, a merged
    /// cell's text shown again below a page break.
    Artifact,
    /// Content of the structure node at this index.
    Node(usize),
}

/// PDF standard structure types (ISO 32000-1 14.8.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Document,
    /// Heading level 1–6: the title is H1, `一、` H2, `（一）` H3, `1.` H4, `（1）` H5.
    H(u8),
    P,
    Table,
    THead,
    TBody,
    TR,
    TH,
    TD,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Document => "Document",
            Kind::H(1) => "H1",
            Kind::H(2) => "H2",
            Kind::H(3) => "H3",
            Kind::H(4) => "H4",
            Kind::H(5) => "H5",
            Kind::H(_) => "H6",
            Kind::P => "P",
            Kind::Table => "Table",
            Kind::THead => "THead",
            Kind::TBody => "TBody",
            Kind::TR => "TR",
            Kind::TH => "TH",
            Kind::TD => "TD",
        }
    }
}

/// A table cell's attributes (ISO 32000-1 14.8.5.7).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cell {
    pub rows: usize,
    pub cols: usize,
    pub scope: Option<Scope>,
    /// For a TD: the TH nodes that head it.
    pub headers: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub parent: Option<usize>,
    pub cell: Option<Cell>,
}

/// The nodes in document order; node 0 is the Document.
#[derive(Debug, Clone, PartialEq)]
pub struct Structure {
    pub nodes: Vec<Node>,
}

impl Default for Structure {
    fn default() -> Self {
        Structure {
            nodes: vec![Node {
                kind: Kind::Document,
                parent: None,
                cell: None,
            }],
        }
    }
}

impl Structure {
    /// A new node under `parent`, after its other children.
    pub fn add(&mut self, kind: Kind, parent: usize) -> usize {
        self.nodes.push(Node {
            kind,
            parent: Some(parent),
            cell: None,
        });
        self.nodes.len() - 1
    }

    /// The children of each node, in document order.
    pub fn children(&self) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); self.nodes.len()];
        for (i, n) in self.nodes.iter().enumerate() {
            if let Some(p) = n.parent {
                out[p].push(i);
            }
        }
        out
    }
}
