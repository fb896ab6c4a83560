//! Page geometry after GB/T 9704-2012: A4, top margin 37 mm, left 28 mm, text block
//! 156 mm × 225 mm, 22 lines of 3号 (16 pt) text per page. All values in pt, y upwards.

pub const PT_PER_MM: f32 = 72.0 / 25.4;

pub fn mm(v: f32) -> f32 {
    v * PT_PER_MM
}

pub const PAGE_WIDTH_MM: f32 = 210.0;
pub const PAGE_HEIGHT_MM: f32 = 297.0;

#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    pub width: f32,
    pub height: f32,
    /// Text block: left edge, top edge (y of its top), width and height.
    pub left: f32,
    pub top: f32,
    pub measure: f32,
    pub depth: f32,
    /// Body size and line pitch.
    pub body_size: f32,
    pub pitch: f32,
    pub title_size: f32,
    pub table_size: f32,
    pub page_number_size: f32,
}

impl Geometry {
    pub fn gbt9704() -> Self {
        let depth = mm(225.0);
        Geometry {
            width: mm(PAGE_WIDTH_MM),
            height: mm(PAGE_HEIGHT_MM),
            left: mm(28.0),
            top: mm(PAGE_HEIGHT_MM - 37.0),
            measure: mm(156.0),
            depth,
            body_size: 16.0,
            pitch: depth / 22.0,
            title_size: 22.0,
            table_size: 10.5,
            page_number_size: 14.0,
        }
    }

    /// The advance of one body character on the 28-character grid (156 mm / 28 ≈ 15.8 pt).
    pub fn grid_advance(&self) -> f32 {
        self.measure / 28.0
    }

    /// What each body character gives up so that 28 of them fill the measure exactly.
    pub fn grid_tracking(&self) -> f32 {
        self.grid_advance() - self.body_size
    }

    pub fn bottom(&self) -> f32 {
        self.top - self.depth
    }

    pub fn right(&self) -> f32 {
        self.left + self.measure
    }
}

/// The share of the em above the baseline for CJK faces (ideographic em box 0.88 / 0.12).
pub const ASCENT: f32 = 0.88;

/// The baseline of text of `size` centred in a line box whose top is `top` and height `height`.
pub fn baseline(top: f32, height: f32, size: f32) -> f32 {
    top - (height - size) / 2.0 - size * ASCENT
}
