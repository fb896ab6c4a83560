//! A page's content stream interpreted for what a reader needs: every glyph with its Unicode
//! text, position and size, and every straight horizontal or vertical rule (stroked lines and
//! rectangles, and the thin filled rectangles Chromium and LibreOffice draw borders with).
//! Coordinates are page points with y growing downwards, as one reads.
//!
//! Fonts: CID fonts (Type0, Identity-H/V as WPS and Word write them) through their ToUnicode
//! map and `/W` widths; simple fonts through their encoding and `/Widths`. A glyph no map
//! covers is counted (D4 when most are), never guessed.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::document::pdf::Budget;

#[derive(Debug, Clone)]
pub struct Glyph {
    pub x: f32,
    /// Baseline, downwards from the top of the page.
    pub y: f32,
    pub width: f32,
    pub size: f32,
    pub text: String,
    /// Set in a vertical font (Identity-V …): a stamp's legend or a side note, read in cells
    /// but kept out of the running text, whose lines it would cross.
    pub vertical: bool,
}

/// An axis-aligned rule: `horizontal` at `pos` (y) from `from` to `to` (x), else vertical.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub horizontal: bool,
    pub pos: f32,
    pub from: f32,
    pub to: f32,
}

#[derive(Default)]
pub struct Page {
    pub glyphs: Vec<Glyph>,
    pub rules: Vec<Rule>,
    /// Glyphs drawn with a font whose codes map to no text.
    pub unmapped: usize,
    pub images: usize,
}

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

struct Font<'a> {
    two_bytes: bool,
    vertical: bool,
    widths: HashMap<u32, f32>,
    default_width: f32,
    map: Option<lopdf::Encoding<'a>>,
    /// Simple fonts: the code's text through the font's encoding.
    simple: Option<HashMap<u8, String>>,
}

#[derive(Clone)]
struct State<'a> {
    ctm: Matrix,
    font: Option<std::rc::Rc<Font<'a>>>,
    size: f32,
    char_space: f32,
    word_space: f32,
    scale: f32,
    leading: f32,
    rise: f32,
}

pub struct Interpreter<'a> {
    doc: &'a Document,
    height: f32,
    fonts: HashMap<ObjectId, std::rc::Rc<Font<'a>>>,
    pub page: Page,
    budget: &'a mut Budget,
}

/// Form XObjects inside form XObjects deeper than this are not followed (a loop would be endless).
const FORM_DEPTH: usize = 8;

impl<'a> Interpreter<'a> {
    pub fn new(doc: &'a Document, height: f32, budget: &'a mut Budget) -> Self {
        Interpreter {
            doc,
            height,
            fonts: HashMap::new(),
            page: Page::default(),
            budget,
        }
    }

    /// Runs `content` with `resources`; `base` maps its space to the page's (PDF, y up).
    pub fn run(
        &mut self,
        content: &[u8],
        resources: Option<&'a Dictionary>,
        base: Matrix,
        depth: usize,
    ) {
        let mut state = State {
            ctm: base,
            font: None,
            size: 0.0,
            char_space: 0.0,
            word_space: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        };
        let mut stack: Vec<State<'a>> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        let mut path: Vec<Vec<(f32, f32)>> = Vec::new();
        let mut curved = false;
        for op in operations(content).flatten() {
            let op = &op;
            if !self.budget.op() {
                return;
            }
            let n = |i: usize| {
                op.operands
                    .get(i)
                    .and_then(|o| o.as_float().ok())
                    .unwrap_or(0.0)
            };
            match op.operator.as_str() {
                "q" if stack.len() < 64 => stack.push(state.clone()),
                "Q" => {
                    if let Some(s) = stack.pop() {
                        state = s;
                    }
                }
                "cm" => state.ctm = mul(&[n(0), n(1), n(2), n(3), n(4), n(5)], &state.ctm),
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    state.size = n(1);
                    state.font = op
                        .operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .and_then(|name| self.font(resources, name));
                }
                "Tc" => state.char_space = n(0),
                "Tw" => state.word_space = n(0),
                "Tz" => state.scale = n(0) / 100.0,
                "TL" => state.leading = n(0),
                "Ts" => state.rise = n(0),
                "Td" | "TD" => {
                    if op.operator == "TD" {
                        state.leading = -n(1);
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm);
                    tm = tlm;
                }
                "Tm" => {
                    tlm = [n(0), n(1), n(2), n(3), n(4), n(5)];
                    tm = tlm;
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" => {
                    if op.operator != "Tj" {
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                        tm = tlm;
                    }
                    if let Some(Ok(bytes)) = op.operands.last().map(Object::as_str) {
                        self.show(bytes, &state, &mut tm);
                    }
                }
                "TJ" => {
                    let Some(Ok(items)) = op.operands.first().map(Object::as_array) else {
                        continue;
                    };
                    for item in items {
                        match item {
                            Object::String(bytes, _) => self.show(bytes, &state, &mut tm),
                            other => {
                                let adjust = other.as_float().unwrap_or(0.0);
                                let vertical = state.font.as_ref().is_some_and(|f| f.vertical);
                                let d = -adjust / 1000.0 * state.size;
                                let shift = if vertical {
                                    [1.0, 0.0, 0.0, 1.0, 0.0, d]
                                } else {
                                    [1.0, 0.0, 0.0, 1.0, d * state.scale, 0.0]
                                };
                                tm = mul(&shift, &tm);
                            }
                        }
                    }
                }
                "m" => {
                    path.push(vec![apply(&state.ctm, n(0), n(1))]);
                }
                "l" => {
                    let p = apply(&state.ctm, n(0), n(1));
                    match path.last_mut() {
                        Some(sub) => sub.push(p),
                        None => path.push(vec![p]),
                    }
                }
                "c" | "v" | "y" => {
                    curved = true;
                    let k = op.operands.len();
                    let p = apply(&state.ctm, n(k.saturating_sub(2)), n(k.saturating_sub(1)));
                    if let Some(sub) = path.last_mut() {
                        sub.push(p);
                    }
                }
                "h" => {
                    if let Some(sub) = path.last_mut()
                        && let Some(&first) = sub.first()
                    {
                        sub.push(first);
                    }
                }
                "re" => {
                    let (x, y, w, h) = (n(0), n(1), n(2), n(3));
                    let pts = [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)];
                    path.push(pts.iter().map(|(a, b)| apply(&state.ctm, *a, *b)).collect());
                }
                "S" | "s" => {
                    self.stroke(&path);
                    path.clear();
                    curved = false;
                }
                "f" | "F" | "f*" => {
                    if !curved {
                        self.fill(&path);
                    }
                    path.clear();
                    curved = false;
                }
                "B" | "B*" | "b" | "b*" => {
                    self.stroke(&path);
                    path.clear();
                    curved = false;
                }
                "n" => {
                    path.clear();
                    curved = false;
                }
                "Do" => {
                    let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) else {
                        continue;
                    };
                    self.xobject(resources, name, &state.ctm, depth);
                }
                "BI" => self.page.images += 1,
                _ => {}
            }
        }
    }

    fn show(&mut self, bytes: &[u8], state: &State<'a>, tm: &mut Matrix) {
        let Some(font) = state.font.clone() else {
            return;
        };
        let step = if font.two_bytes { 2 } else { 1 };
        for chunk in bytes.chunks(step) {
            if !self.budget.glyph() {
                return;
            }
            let code = chunk.iter().fold(0u32, |a, b| a * 256 + *b as u32);
            let w0 = font
                .widths
                .get(&code)
                .copied()
                .unwrap_or(font.default_width)
                / 1000.0;
            let trm = mul(
                &[
                    state.size * state.scale,
                    0.0,
                    0.0,
                    state.size,
                    0.0,
                    state.rise,
                ],
                &mul(tm, &state.ctm),
            );
            let (x, y) = (trm[4], trm[5]);
            let size = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
            let text = decode(&font, code, chunk);
            let space = if step == 1 && code == 32 {
                state.word_space
            } else {
                0.0
            };
            if font.vertical {
                let ty = -(1.0 * state.size) + state.char_space + space;
                *tm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, ty], tm);
            } else {
                let tx = (w0 * state.size + state.char_space + space) * state.scale;
                *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
            }
            let width = (trm[0] * trm[0] + trm[1] * trm[1]).sqrt() * w0;
            match text {
                Some(t) if !t.chars().all(char::is_control) => self.page.glyphs.push(Glyph {
                    x,
                    y: self.height - y,
                    width,
                    size,
                    text: t,
                    vertical: font.vertical,
                }),
                Some(_) => {}
                None => self.page.unmapped += 1,
            }
        }
    }

    fn stroke(&mut self, path: &[Vec<(f32, f32)>]) {
        for sub in path {
            for pair in sub.windows(2) {
                let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
                if (y0 - y1).abs() < 0.5 && (x0 - x1).abs() > 0.5 {
                    self.rule(true, self.height - y0, x0.min(x1), x0.max(x1));
                } else if (x0 - x1).abs() < 0.5 && (y0 - y1).abs() > 0.5 {
                    let (a, b) = (self.height - y0, self.height - y1);
                    self.rule(false, x0, a.min(b), a.max(b));
                }
            }
        }
    }

    /// A thin filled rectangle is a rule (Chromium, LibreOffice); anything wider is a fill.
    fn fill(&mut self, path: &[Vec<(f32, f32)>]) {
        for sub in path {
            let xs = sub.iter().map(|p| p.0);
            let ys = sub.iter().map(|p| p.1);
            let (x0, x1) = (
                xs.clone().fold(f32::MAX, f32::min),
                xs.fold(f32::MIN, f32::max),
            );
            let (y0, y1) = (
                ys.clone().fold(f32::MAX, f32::min),
                ys.fold(f32::MIN, f32::max),
            );
            let (w, h) = (x1 - x0, y1 - y0);
            if h <= 2.5 && w > 2.0 {
                self.rule(true, self.height - (y0 + y1) / 2.0, x0, x1);
            } else if w <= 2.5 && h > 2.0 {
                self.rule(false, (x0 + x1) / 2.0, self.height - y1, self.height - y0);
            }
        }
    }

    fn rule(&mut self, horizontal: bool, pos: f32, from: f32, to: f32) {
        if self.budget.glyph() && pos.is_finite() && from.is_finite() && to.is_finite() {
            self.page.rules.push(Rule {
                horizontal,
                pos,
                from,
                to,
            });
        }
    }

    fn xobject(
        &mut self,
        resources: Option<&'a Dictionary>,
        name: &[u8],
        ctm: &Matrix,
        depth: usize,
    ) {
        let Some(res) = resources else { return };
        let Ok(xobjects) = res
            .get_deref(b"XObject", self.doc)
            .and_then(Object::as_dict)
        else {
            return;
        };
        let Ok(stream) = xobjects
            .get_deref(name, self.doc)
            .and_then(Object::as_stream)
        else {
            return;
        };
        match stream.dict.get(b"Subtype").and_then(Object::as_name) {
            Ok(b"Image") => self.page.images += 1,
            Ok(b"Form") if depth < FORM_DEPTH => {
                let m = stream
                    .dict
                    .get(b"Matrix")
                    .and_then(Object::as_array)
                    .ok()
                    .filter(|a| a.len() == 6)
                    .map(|a| {
                        let v: Vec<f32> = a.iter().map(|o| o.as_float().unwrap_or(0.0)).collect();
                        [v[0], v[1], v[2], v[3], v[4], v[5]]
                    })
                    .unwrap_or(IDENTITY);
                let Some(content) = self.budget.content(stream) else {
                    return;
                };
                let own = stream
                    .dict
                    .get_deref(b"Resources", self.doc)
                    .and_then(Object::as_dict)
                    .ok();
                self.run(&content, own.or(resources), mul(&m, ctm), depth + 1);
            }
            _ => {}
        }
    }

    fn font(
        &mut self,
        resources: Option<&'a Dictionary>,
        name: &[u8],
    ) -> Option<std::rc::Rc<Font<'a>>> {
        let fonts = resources?
            .get_deref(b"Font", self.doc)
            .and_then(Object::as_dict)
            .ok()?;
        let (id, dict) = match fonts.get(name).ok()? {
            Object::Reference(id) => (*id, self.doc.get_object(*id).ok()?.as_dict().ok()?),
            Object::Dictionary(d) => ((u32::MAX, 0), d),
            _ => return None,
        };
        if let Some(f) = self.fonts.get(&id) {
            return Some(f.clone());
        }
        let font = std::rc::Rc::new(load_font(self.doc, dict, self.budget));
        if id.0 != u32::MAX {
            self.fonts.insert(id, font.clone());
        }
        Some(font)
    }
}

fn decode(font: &Font, code: u32, bytes: &[u8]) -> Option<String> {
    if let Some(map) = &font.map
        && let Ok(text) = map.bytes_to_string(bytes)
        && !text.is_empty()
        && !text.contains('\u{FFFD}')
    {
        return Some(unradical(text));
    }
    if let Some(simple) = &font.simple {
        return simple.get(&(code as u8)).cloned();
    }
    None
}

/// Bytes of content decoded at a time: lopdf holds every operation of what it decodes, several
/// hundred bytes each, so a 16 MB stream decoded whole would take gigabytes.
const CHUNK: usize = 128 * 1024;

/// The operations of `content`, decoded a chunk at a time so memory stays flat whatever the
/// stream's size. A chunk ends after an operator; one that does not parse whole (the cut fell
/// in a string or an inline image) is retried twice as long, and the last is decoded leniently.
fn operations(content: &[u8]) -> impl Iterator<Item = Vec<lopdf::content::Operation>> + '_ {
    let mut rest = content;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut size = CHUNK;
        loop {
            let Some(cut) = operator_end(rest, size) else {
                let ops = lopdf::content::Content::decode(rest).map(|c| c.operations);
                rest = &[];
                return Some(ops.unwrap_or_default());
            };
            if let Ok(c) = lopdf::content::Content::decode_strict(&rest[..cut]) {
                rest = &rest[cut..];
                return Some(c.operations);
            }
            size = size.saturating_mul(2);
        }
    })
}

/// The first place at or after `from` that follows an operator (a short run of letters between
/// whitespace), or `None` when the stream ends first.
fn operator_end(bytes: &[u8], from: usize) -> Option<usize> {
    let space = |b: u8| b" \t\r\n".contains(&b);
    let operator = |b: u8| b.is_ascii_alphabetic() || b"*'\"".contains(&b);
    let mut p = from;
    while p < bytes.len() {
        if space(bytes[p]) {
            let start = bytes[..p]
                .iter()
                .rposition(|b| !operator(*b))
                .map_or(0, |i| i + 1);
            let len = p - start;
            if (1..=3).contains(&len) && start > 0 && space(bytes[start - 1]) {
                return Some(p + 1);
            }
        }
        p += 1;
    }
    None
}

/// Radicals supplement forms that simplified text shows as the ideograph they look like
/// (Unicode's EquivalentUnifiedIdeograph, the entries simplified Chinese meets).
const RADICALS: [(char, char); 26] = [
    ('⺠', '民'),
    ('⻔', '门'),
    ('⻓', '长'),
    ('⻢', '马'),
    ('⻅', '见'),
    ('⻆', '角'),
    ('⻉', '贝'),
    ('⻋', '车'),
    ('⻚', '页'),
    ('⻛', '风'),
    ('⻜', '飞'),
    ('⻣', '骨'),
    ('⻥', '鱼'),
    ('⻦', '鸟'),
    ('⻩', '黄'),
    ('⻬', '齐'),
    ('⻮', '齿'),
    ('⻰', '龙'),
    ('⻳', '龟'),
    ('⻙', '韦'),
    ('⻄', '西'),
    ('⻘', '青'),
    ('⻝', '食'),
    ('⻤', '鬼'),
    ('⻨', '麦'),
    ('⺼', '月'),
];

/// Kangxi radicals (U+2F00…) and radicals supplement forms as the ideographs they look like:
/// fonts share one glyph between `⼀` and `一`, and some producers' maps (Chromium's) name the
/// radical. NFKC maps the Kangxi block; other text is left as printed (full-width punctuation).
fn unradical(text: String) -> String {
    use unicode_normalization::UnicodeNormalization;
    if !text.chars().any(|c| ('\u{2E80}'..='\u{2FDF}').contains(&c)) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if let Some((_, u)) = RADICALS.iter().find(|(r, _)| *r == c) {
            out.push(*u);
        } else if ('\u{2F00}'..='\u{2FDF}').contains(&c) {
            out.extend(std::iter::once(c).nfkc());
        } else {
            out.push(c);
        }
    }
    out
}

fn load_font<'a>(doc: &'a Document, dict: &'a Dictionary, budget: &mut Budget) -> Font<'a> {
    let subtype = dict
        .get(b"Subtype")
        .and_then(Object::as_name)
        .unwrap_or(b"");
    let encoding_name = dict
        .get_deref(b"Encoding", doc)
        .and_then(Object::as_name)
        .unwrap_or(b"");
    let limit = budget.stream_limit();
    // lopdf prefers /Encoding to /ToUnicode; the map says what the text is, so it comes first
    // (Chromium's Type 3 fonts have both, and only the map is text).
    let map = if dict.has(b"ToUnicode") {
        let mut only_map = dict.clone();
        only_map.remove(b"Encoding");
        only_map.set("Encoding", Object::Name(b"Identity-H".to_vec()));
        match only_map.get_font_encoding_with_limit(doc, limit) {
            // The map is owned: moved out, it no longer borrows the copied dictionary.
            Ok(lopdf::Encoding::UnicodeMapEncoding(m)) => {
                Some(lopdf::Encoding::UnicodeMapEncoding(m))
            }
            _ => None,
        }
    } else {
        None
    };
    if subtype == b"Type0" {
        let descendant = dict
            .get_deref(b"DescendantFonts", doc)
            .and_then(Object::as_array)
            .ok()
            .and_then(|a| a.first())
            .and_then(|o| doc.dereference(o).ok())
            .and_then(|(_, o)| o.as_dict().ok());
        let mut widths = HashMap::new();
        let mut default_width = 1000.0;
        if let Some(d) = descendant {
            default_width = d.get(b"DW").and_then(Object::as_float).unwrap_or(1000.0);
            if let Ok(w) = d.get_deref(b"W", doc).and_then(Object::as_array) {
                cid_widths(doc, w, &mut widths);
            }
        }
        return Font {
            two_bytes: true,
            vertical: encoding_name.ends_with(b"-V"),
            widths,
            default_width,
            map,
            simple: None,
        };
    }
    let first = dict.get(b"FirstChar").and_then(Object::as_i64).unwrap_or(0);
    // Type 3 glyph space is its /FontMatrix; widths are kept in thousandths of text space.
    let unit = match subtype {
        b"Type3" => dict
            .get(b"FontMatrix")
            .and_then(Object::as_array)
            .ok()
            .and_then(|m| m.first())
            .and_then(|v| v.as_float().ok())
            .map_or(1.0, |a| a * 1000.0),
        _ => 1.0,
    };
    let mut widths = HashMap::new();
    if let Ok(w) = dict.get_deref(b"Widths", doc).and_then(Object::as_array) {
        for (i, o) in w.iter().enumerate().take(256) {
            if let Ok(v) = doc.dereference(o).and_then(|(_, o)| o.as_float()) {
                widths.insert((first + i as i64) as u32, v * unit);
            }
        }
    }
    let simple = dict.get_font_encoding(doc).ok().map(|enc| {
        (0u8..=255)
            .filter_map(|b| {
                let t = enc.bytes_to_string(&[b]).ok()?;
                (!t.is_empty() && t != "\u{FFFD}").then_some((b, t))
            })
            .collect()
    });
    Font {
        two_bytes: false,
        vertical: false,
        widths,
        default_width: 500.0,
        map,
        simple,
    }
}

/// `/W [c [w1 w2 …] c_first c_last w …]`, bounded to the 65,536 codes two bytes can hold.
fn cid_widths(doc: &Document, w: &[Object], out: &mut HashMap<u32, f32>) {
    let num = |o: &Object| doc.dereference(o).ok().and_then(|(_, o)| o.as_float().ok());
    let mut i = 0;
    while i < w.len() && out.len() < 65_536 {
        let Some(start) = num(&w[i]) else { break };
        let start = start.max(0.0) as u32;
        match w.get(i + 1).map(|o| doc.dereference(o).map(|(_, o)| o)) {
            Some(Ok(Object::Array(list))) => {
                for (k, v) in list.iter().enumerate().take(65_536) {
                    if let Some(v) = num(v) {
                        out.insert(start + k as u32, v);
                    }
                }
                i += 2;
            }
            Some(Ok(_)) => {
                let (Some(end), Some(v)) = (w.get(i + 1).and_then(num), w.get(i + 2).and_then(num))
                else {
                    break;
                };
                let end = (end.max(0.0) as u32).min(start + 65_536);
                for c in start..=end {
                    out.insert(c, v);
                }
                i += 3;
            }
            _ => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(content: &[u8]) -> Vec<String> {
        let ops = lopdf::content::Content::decode(content).unwrap().operations;
        ops.iter().map(|o| format!("{o:?}")).collect()
    }

    fn chunked(content: &[u8]) -> Vec<String> {
        operations(content)
            .flatten()
            .map(|o| format!("{o:?}"))
            .collect()
    }

    #[test]
    fn chunked_decoding_gives_the_operations_of_the_whole_stream() {
        // Strings and hex strings that hold what looks like an operator between spaces, so
        // some cuts fall inside them and are retried longer.
        let mut content = Vec::new();
        for i in 0..40_000 {
            content.extend_from_slice(
                format!("BT /F1 12 Tf {i} 700 Td (a Tj\nb ) Tj <4e2d Tj\n56fd> Tj ET\n").as_bytes(),
            );
        }
        assert!(content.len() > 4 * CHUNK);
        assert_eq!(chunked(&content), whole(&content));
    }

    #[test]
    fn a_cut_never_splits_operands_from_their_operator() {
        let content = b"1 0 0 1 50 60 cm 0 0 m\n100 0 l S".repeat(20_000);
        assert_eq!(chunked(&content), whole(&content));
    }

    #[test]
    fn kangxi_and_supplement_radicals_read_as_ideographs() {
        assert_eq!(unradical("⼀⼈⻘⽯镇".to_string()), "一人青石镇");
        assert_eq!(unradical("（一）".to_string()), "（一）");
    }
}
