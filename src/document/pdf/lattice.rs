//! Tables from the rules that draw them (tabula's lattice idea): the x of every vertical rule
//! and the y of every horizontal one cut a table into grid cells; two neighbouring cells with no
//! rule between them are one merged cell. A glyph belongs to the cell whose box holds its centre,
//! so a number is where it is printed, never where it happens to line up.

use super::content::{Glyph, Rule};
use crate::document::Grid;

/// Rules this close are one (anti-aliased doubles, borders drawn per cell).
const TOL: f32 = 1.6;
/// More grid cells than any official table has; beyond it a page of hatching is not a table.
const MAX_CELLS: usize = 20_000;

pub struct Table {
    xs: Vec<f32>,
    ys: Vec<f32>,
    /// Merged cells as grid rectangles `(r0, c0, r1, c1)`, and their glyphs.
    cells: Vec<(usize, usize, usize, usize)>,
    /// The cell each grid position belongs to (`usize::MAX` outside every cell).
    owner: Vec<usize>,
    glyphs: Vec<Vec<Glyph>>,
}

/// A word a column rule cuts: the grid row, the column left of the rule, the word.
pub type Crossing = (usize, usize, String);

impl Table {
    pub fn top(&self) -> f32 {
        self.ys[0]
    }

    /// One framed cell: a box around text, or the first row of a table the page break cut.
    pub fn is_box(&self) -> bool {
        self.cells.len() < 2
    }

    /// Whether `next` could continue this table: the same left and right edges.
    pub fn edges_match(&self, next: &Table) -> bool {
        let last = |t: &Table| *t.xs.last().unwrap_or(&0.0);
        (self.xs[0] - next.xs[0]).abs() <= 3.0 && (last(self) - last(next)).abs() <= 3.0
    }

    fn bottom(&self) -> f32 {
        *self.ys.last().unwrap_or(&0.0)
    }

    fn holds(&self, x: f32, y: f32) -> bool {
        x >= self.xs[0] - 1.0
            && x <= *self.xs.last().unwrap_or(&0.0) + 1.0
            && y >= self.top() - 1.0
            && y <= self.bottom() + 1.0
    }

    fn cols(&self) -> usize {
        self.xs.len() - 1
    }

    /// Puts each glyph into the cell that holds its centre, and returns every word a column rule
    /// cuts (a number set wider than its cell runs into the next one: read either way, a digit
    /// would change cells unseen).
    pub fn fill(&mut self, glyphs: Vec<Glyph>) -> Vec<Crossing> {
        let mut placed: Vec<(usize, usize, Glyph)> = Vec::new();
        for g in glyphs {
            let (cx, cy) = (g.x + g.width / 2.0, g.y - g.size * 0.35);
            let (Some(r), Some(c)) = (band(&self.ys, cy), band(&self.xs, cx)) else {
                continue;
            };
            if self.owner[r * self.cols() + c] < self.glyphs.len() {
                placed.push((r, c, g));
            }
        }
        let crossings = crossings(&mut placed, &self.owner, self.cols());
        for (r, c, g) in placed {
            let owner = self.owner[r * self.cols() + c];
            self.glyphs[owner].push(g);
        }
        crossings
    }

    /// Each cell's text at its top-left grid position: lines top to bottom, glyphs left to right.
    fn texts(&self) -> Vec<((usize, usize), String)> {
        self.cells
            .iter()
            .zip(&self.glyphs)
            .map(|(&(r0, c0, ..), glyphs)| ((r0, c0), cell_text(glyphs)))
            .collect()
    }
}

/// Runs of touching glyphs on one baseline whose glyphs fall into different cells of one row.
/// Cells keep their text off the rules by a padding, so neighbours across a rule never touch.
fn crossings(placed: &mut [(usize, usize, Glyph)], owner: &[usize], cols: usize) -> Vec<Crossing> {
    placed.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.2.y.total_cmp(&b.2.y))
            .then(a.2.x.total_cmp(&b.2.x))
    });
    let touching = |a: &Glyph, b: &Glyph| {
        (a.y - b.y).abs() <= a.size.max(b.size) * 0.1
            && b.x - (a.x + a.width) < a.size.min(b.size) * 0.12
            && b.x >= a.x
    };
    let mut out: Vec<Crossing> = Vec::new();
    let mut start = 0;
    for i in 1..=placed.len() {
        let run_ends = i == placed.len()
            || placed[i].0 != placed[i - 1].0
            || !touching(&placed[i - 1].2, &placed[i].2);
        if !run_ends {
            continue;
        }
        let run = &placed[start..i];
        let cell = |p: &(usize, usize, Glyph)| owner[p.0 * cols + p.1];
        if let Some(cut) = run.windows(2).find(|w| cell(&w[0]) != cell(&w[1])) {
            let word: String = run.iter().map(|p| p.2.text.as_str()).collect();
            out.push((cut[0].0, cut[0].1, word));
        }
        start = i;
    }
    out
}

fn band(bounds: &[f32], v: f32) -> Option<usize> {
    bounds.windows(2).position(|w| v >= w[0] && v < w[1])
}

/// Glyphs on one line (baselines within a third of the size), read left to right; a gap wider
/// than a quarter of the size is a space between words.
pub fn cell_text(glyphs: &[Glyph]) -> String {
    let mut sorted: Vec<&Glyph> = glyphs.iter().collect();
    sorted.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut lines: Vec<Vec<&Glyph>> = Vec::new();
    for g in sorted {
        match lines.last_mut() {
            Some(line) if (line[0].y - g.y).abs() <= line[0].size.max(g.size) * 0.35 => {
                line.push(g)
            }
            _ => lines.push(vec![g]),
        }
    }
    let mut out = String::new();
    for mut line in lines {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&join_line(&line));
    }
    out
}

/// The text of glyphs on one line, with spaces where they are set apart.
pub fn join_line(line: &[&Glyph]) -> String {
    let mut out = String::new();
    let mut end: Option<f32> = None;
    for g in line {
        if let Some(e) = end
            && g.x - e > g.size * 0.25
        {
            out.push(' ');
        }
        out.push_str(&g.text);
        end = Some(g.x + g.width);
    }
    out
}

/// Rules merged where they overlap, each kind by position.
fn merge(rules: &[Rule], horizontal: bool) -> Vec<Rule> {
    let mut list: Vec<Rule> = rules
        .iter()
        .filter(|r| r.horizontal == horizontal && r.to - r.from > 0.5)
        .copied()
        .collect();
    list.sort_by(|a, b| a.pos.total_cmp(&b.pos).then(a.from.total_cmp(&b.from)));
    let mut out: Vec<Rule> = Vec::new();
    for r in list {
        if let Some(last) = out
            .iter_mut()
            .rev()
            .take_while(|l| (l.pos - r.pos).abs() <= TOL)
            .find(|l| r.from <= l.to + TOL && r.to >= l.from - TOL)
        {
            last.from = last.from.min(r.from);
            last.to = last.to.max(r.to);
            continue;
        }
        out.push(r);
    }
    out
}

fn cluster(mut values: Vec<f32>) -> Vec<f32> {
    values.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::new();
    for v in values {
        match out.last() {
            Some(l) if v - l <= TOL => {}
            _ => out.push(v),
        }
    }
    out
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[rb.max(ra)] = rb.min(ra);
    }
}

/// Every table the rules of a page draw.
pub fn tables(rules: &[Rule]) -> Vec<Table> {
    let hs = merge(rules, true);
    let vs = merge(rules, false);
    if hs.len() < 2 || vs.len() < 2 || hs.len() * vs.len() > 4 * MAX_CELLS {
        return Vec::new();
    }
    // Rules that cross or touch belong to one table.
    let mut parent: Vec<usize> = (0..hs.len() + vs.len()).collect();
    for (i, h) in hs.iter().enumerate() {
        for (j, v) in vs.iter().enumerate() {
            if v.pos >= h.from - TOL
                && v.pos <= h.to + TOL
                && h.pos >= v.from - TOL
                && h.pos <= v.to + TOL
            {
                union(&mut parent, i, hs.len() + j);
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, (Vec<Rule>, Vec<Rule>)> = Default::default();
    for i in 0..hs.len() + vs.len() {
        let g = groups.entry(find(&mut parent, i)).or_default();
        if i < hs.len() {
            g.0.push(hs[i]);
        } else {
            g.1.push(vs[i - hs.len()]);
        }
    }
    let mut out: Vec<Table> = groups
        .into_values()
        .filter_map(|(h, v)| build(&h, &v))
        .collect();
    out.sort_by(|a, b| a.top().total_cmp(&b.top()));
    out
}

fn build(hs: &[Rule], vs: &[Rule]) -> Option<Table> {
    let xs = cluster(vs.iter().map(|r| r.pos).collect());
    let ys = cluster(hs.iter().map(|r| r.pos).collect());
    if xs.len() < 2 || ys.len() < 2 {
        return None;
    }
    let (nr, nc) = (ys.len() - 1, xs.len() - 1);
    if nr * nc > MAX_CELLS {
        return None;
    }
    let has_v = |x: f32, y: f32| {
        vs.iter()
            .any(|r| (r.pos - x).abs() <= TOL && y >= r.from - TOL && y <= r.to + TOL)
    };
    let has_h = |y: f32, x: f32| {
        hs.iter()
            .any(|r| (r.pos - y).abs() <= TOL && x >= r.from - TOL && x <= r.to + TOL)
    };
    let mut parent: Vec<usize> = (0..nr * nc).collect();
    let mut open = vec![false; nr * nc];
    for i in 0..nr {
        let my = (ys[i] + ys[i + 1]) / 2.0;
        for j in 0..nc {
            let mx = (xs[j] + xs[j + 1]) / 2.0;
            let k = i * nc + j;
            if j + 1 < nc && !has_v(xs[j + 1], my) {
                union(&mut parent, k, k + 1);
            }
            if i + 1 < nr && !has_h(ys[i + 1], mx) {
                union(&mut parent, k, k + nc);
            }
            // A cell without its border on the table's edge is outside the table.
            open[k] = (j == 0 && !has_v(xs[0], my))
                || (j + 1 == nc && !has_v(xs[nc], my))
                || (i == 0 && !has_h(ys[0], mx))
                || (i + 1 == nr && !has_h(ys[nr], mx));
        }
    }
    let mut region: std::collections::BTreeMap<usize, (usize, usize, usize, usize, bool)> =
        Default::default();
    for (k, is_open) in open.iter().enumerate() {
        let root = find(&mut parent, k);
        let (i, j) = (k / nc, k % nc);
        let e = region.entry(root).or_insert((i, j, i, j, false));
        e.0 = e.0.min(i);
        e.1 = e.1.min(j);
        e.2 = e.2.max(i);
        e.3 = e.3.max(j);
        e.4 |= *is_open;
    }
    let roots: Vec<usize> = (0..nr * nc).map(|k| find(&mut parent, k)).collect();
    let mut index = std::collections::HashMap::new();
    let mut cells = Vec::new();
    for (root, (r0, c0, r1, c1, is_open)) in region {
        if !is_open {
            index.insert(root, cells.len());
            cells.push((r0, c0, r1, c1));
        }
    }
    let owner: Vec<usize> = roots
        .iter()
        .map(|r| index.get(r).copied().unwrap_or(usize::MAX))
        .collect();
    if cells.is_empty() {
        return None;
    }
    let glyphs = vec![Vec::new(); cells.len()];
    Some(Table {
        xs,
        ys,
        cells,
        owner,
        glyphs,
    })
}

/// The glyphs inside each table, and the rest.
pub fn split_glyphs(glyphs: Vec<Glyph>, tables: &[Table]) -> (Vec<Vec<Glyph>>, Vec<Glyph>) {
    let mut inside = vec![Vec::new(); tables.len()];
    let mut outside = Vec::new();
    for g in glyphs {
        let (cx, cy) = (g.x + g.width / 2.0, g.y - g.size * 0.35);
        match tables.iter().position(|t| t.holds(cx, cy)) {
            Some(i) => inside[i].push(g),
            None => outside.push(g),
        }
    }
    (inside, outside)
}

/// Tables as grids, a table continued at the top of the next page (same left and right edges,
/// nothing between them but page furniture) joined to it. `paras` are the (page, top) of the
/// running text, which tells whether anything stands between two tables.
pub fn join_continued(
    tables: Vec<(usize, Table)>,
    paras: &[(usize, f32)],
) -> Vec<((usize, f32), Grid)> {
    let mut groups: Vec<Vec<(usize, Table)>> = Vec::new();
    for (page, t) in tables {
        let continues = groups
            .last()
            .and_then(|g| g.last())
            .is_some_and(|(p, prev)| {
                *p + 1 == page
                    && prev.edges_match(&t)
                    && !paras.iter().any(|(pp, y)| {
                        (*pp == *p && *y > prev.bottom()) || (*pp == page && *y < t.top())
                    })
            });
        match groups.last_mut() {
            Some(g) if continues => g.push((page, t)),
            _ => groups.push(vec![(page, t)]),
        }
    }
    groups.into_iter().map(|g| grid_of(&g)).collect()
}

/// The parts of one table as one grid over the union of their column edges.
fn grid_of(parts: &[(usize, Table)]) -> ((usize, f32), Grid) {
    let xs = cluster(
        parts
            .iter()
            .flat_map(|(_, t)| t.xs.iter().copied())
            .collect(),
    );
    let col = |x: f32| {
        xs.iter()
            .enumerate()
            .min_by(|a, b| (a.1 - x).abs().total_cmp(&(b.1 - x).abs()))
            .map(|(i, _)| i)
            .unwrap_or(0)
    };
    let width = xs.len().saturating_sub(1).max(1);
    let mut grid = Grid::default();
    for (n, (page, t)) in parts.iter().enumerate() {
        let mut part = Grid::default();
        let rows = t.ys.len() - 1;
        part.rows = vec![vec![String::new(); width]; rows];
        part.places = (0..rows)
            .map(|r| format!("第{}页表格第{}行", page + 1, r + 1))
            .collect();
        for ((r, c), text) in t.texts() {
            let c = col(t.xs[c]).min(width - 1);
            part.rows[r][c] = text;
        }
        if n > 0 {
            crate::document::drop_repeated_header(&grid, &mut part);
        }
        grid.rows.extend(part.rows);
        grid.places.extend(part.places);
    }
    let key = parts
        .first()
        .map(|(p, t)| (*p, t.top()))
        .unwrap_or_default();
    (key, grid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(horizontal: bool, pos: f32, from: f32, to: f32) -> Rule {
        Rule {
            horizontal,
            pos,
            from,
            to,
        }
    }

    /// A grid of `xs` by `ys`, every cell ruled.
    fn grid(xs: &[f32], ys: &[f32]) -> Vec<Rule> {
        let (x0, x1) = (xs[0], xs[xs.len() - 1]);
        let (y0, y1) = (ys[0], ys[ys.len() - 1]);
        let mut rules: Vec<Rule> = ys.iter().map(|y| rule(true, *y, x0, x1)).collect();
        rules.extend(xs.iter().map(|x| rule(false, *x, y0, y1)));
        rules
    }

    fn glyph(x: f32, text: &str) -> Glyph {
        Glyph {
            x,
            y: 115.0,
            width: 5.0,
            size: 10.0,
            text: text.into(),
            vertical: false,
        }
    }

    fn digits(x: f32, text: &str) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| glyph(x + 5.0 * i as f32, &c.to_string()))
            .collect()
    }

    #[test]
    fn a_number_run_across_a_rule_is_a_crossing() {
        let mut t = tables(&grid(&[100.0, 130.0, 160.0], &[100.0, 120.0])).remove(0);
        // 「32387」 from x 110 to 135 runs over the rule at 130 into 「98」 set at 135.
        let mut glyphs = digits(110.0, "32387");
        glyphs.extend(digits(135.0, "98"));
        assert_eq!(t.fill(glyphs), [(0, 0, "3238798".to_string())]);
    }

    #[test]
    fn numbers_kept_inside_their_cells_are_not_crossings() {
        let mut t = tables(&grid(&[100.0, 130.0, 160.0], &[100.0, 120.0])).remove(0);
        let mut glyphs = digits(105.0, "3238");
        glyphs.extend(digits(138.0, "98"));
        assert!(t.fill(glyphs).is_empty());
        assert_eq!(t.texts()[0].1, "3238");
        assert_eq!(t.texts()[1].1, "98");
    }

    #[test]
    fn a_framed_box_is_a_one_cell_table() {
        let t = tables(&grid(&[100.0, 400.0], &[700.0, 720.0])).remove(0);
        assert!(t.is_box());
        let next = tables(&grid(&[100.0, 250.0, 400.0], &[60.0, 80.0, 100.0])).remove(0);
        assert!(!next.is_box() && t.edges_match(&next));
    }
}
