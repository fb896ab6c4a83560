//! The structure tree of a tagged PDF (ISO 32000-1 14.7–14.8, PDF/UA-1): one structure element
//! per node of layout's `Structure`, each leaf holding the marked-content sequences its text was
//! drawn in, a parent tree from each page's MCIDs back to their elements, table attributes
//! (`Scope`, `RowSpan`, `ColSpan`, `Headers` with the header cells' `ID`s) and the pages'
//! `/StructParents` and `/Tabs /S`.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Object, ObjectId, dictionary};

use crate::doc::Scope;
use crate::layout::structure::{Kind, Structure};

/// `mcids[page][k]`: the node whose text marked-content sequence `k` of that page holds.
pub fn add(lo: &mut lopdf::Document, structure: &Structure, mcids: &[Vec<usize>]) {
    let pages: Vec<ObjectId> = lo.get_pages().values().copied().collect();
    let nodes = &structure.nodes;
    let ids: Vec<ObjectId> = nodes.iter().map(|_| lo.new_object_id()).collect();
    let root_id = lo.new_object_id();
    // Each node's content, in drawing order: (page, MCID).
    let mut content: Vec<Vec<(usize, usize)>> = vec![Vec::new(); nodes.len()];
    for (page, list) in mcids.iter().enumerate() {
        for (mcid, node) in list.iter().enumerate() {
            content[*node].push((page, mcid));
        }
    }
    // Header cells some figure names get an ID.
    let mut named: BTreeMap<usize, String> = BTreeMap::new();
    for n in nodes {
        for h in n.cell.iter().flat_map(|c| &c.headers) {
            named.insert(*h, format!("h{h}"));
        }
    }
    let children = structure.children();
    for (i, node) in nodes.iter().enumerate() {
        // `/Type /StructElem` is optional and left out: hundreds of cells per report.
        let mut elem = dictionary! {
            "S" => kind_name(node.kind),
            "P" => Object::Reference(node.parent.map_or(root_id, |p| ids[p])),
        };
        let on_pages: Vec<usize> = content[i].iter().map(|(p, _)| *p).collect();
        let one_page = on_pages
            .first()
            .filter(|p| on_pages.iter().all(|q| q == *p));
        if let Some(page) = one_page.and_then(|p| pages.get(*p)) {
            elem.set("Pg", Object::Reference(*page));
        }
        let mut kids: Vec<Object> = children[i]
            .iter()
            .map(|c| Object::Reference(ids[*c]))
            .collect();
        for (page, mcid) in &content[i] {
            kids.push(match (one_page, pages.get(*page)) {
                (Some(_), _) | (_, None) => Object::Integer(*mcid as i64),
                (None, Some(pg)) => Object::Dictionary(dictionary! {
                    "Type" => "MCR",
                    "Pg" => Object::Reference(*pg),
                    "MCID" => *mcid as i64,
                }),
            });
        }
        match kids.len() {
            0 => {}
            1 => elem.set("K", kids.remove(0)),
            _ => elem.set("K", Object::Array(kids)),
        }
        if node.kind == Kind::Document {
            elem.set("Lang", Object::string_literal("zh-CN"));
        }
        if let Some(cell) = &node.cell {
            let a = table_attributes(cell, &named);
            // `/O /Table` alone says nothing the defaults do not.
            if a.len() > 1 {
                elem.set("A", Object::Dictionary(a));
            }
        }
        if let Some(id) = named.get(&i) {
            elem.set("ID", Object::string_literal(id.as_str()));
        }
        lo.objects.insert(ids[i], Object::Dictionary(elem));
    }
    let mut nums = Vec::new();
    for (page, list) in mcids.iter().enumerate() {
        nums.push(Object::Integer(page as i64));
        nums.push(Object::Array(
            list.iter().map(|n| Object::Reference(ids[*n])).collect(),
        ));
    }
    let parent_tree = lo.add_object(dictionary! { "Nums" => nums });
    let mut root = dictionary! {
        "Type" => "StructTreeRoot",
        "K" => Object::Reference(ids[0]),
        "ParentTree" => Object::Reference(parent_tree),
        "ParentTreeNextKey" => mcids.len() as i64,
    };
    if !named.is_empty() {
        // A name tree's keys in byte order.
        let mut names: Vec<(&String, usize)> = named.iter().map(|(n, id)| (id, *n)).collect();
        names.sort();
        let flat: Vec<Object> = names
            .into_iter()
            .flat_map(|(id, n)| {
                [
                    Object::string_literal(id.as_str()),
                    Object::Reference(ids[n]),
                ]
            })
            .collect();
        root.set(
            "IDTree",
            Object::Dictionary(dictionary! { "Names" => flat }),
        );
    }
    lo.objects.insert(root_id, Object::Dictionary(root));
    for (i, page) in pages.iter().enumerate() {
        if let Ok(dict) = lo.get_dictionary_mut(*page) {
            dict.set("StructParents", i as i64);
            dict.set("Tabs", "S");
        }
    }
    if let Ok(catalog) = lo.catalog_mut() {
        catalog.set("StructTreeRoot", Object::Reference(root_id));
    }
}

fn kind_name(kind: Kind) -> Object {
    Object::Name(kind.name().as_bytes().to_vec())
}

fn table_attributes(
    cell: &crate::layout::structure::Cell,
    named: &BTreeMap<usize, String>,
) -> Dictionary {
    let mut a = dictionary! { "O" => "Table" };
    if let Some(scope) = cell.scope {
        a.set(
            "Scope",
            match scope {
                Scope::Column => "Column",
                Scope::Row => "Row",
            },
        );
    }
    if cell.rows > 1 {
        a.set("RowSpan", cell.rows as i64);
    }
    if cell.cols > 1 {
        a.set("ColSpan", cell.cols as i64);
    }
    if !cell.headers.is_empty() {
        a.set(
            "Headers",
            Object::Array(
                cell.headers
                    .iter()
                    .filter_map(|h| named.get(h))
                    .map(|id| Object::string_literal(id.as_str()))
                    .collect(),
            ),
        );
    }
    a
}
