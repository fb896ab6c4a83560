//! Fonts by role. Each role lists families in order of preference — the official fonts first
//! (方正小标宋, 仿宋_GB2312, 黑体, 楷体_GB2312, 宋体 where the machine has them), free CJK fonts
//! after. Discovery covers the system folders and a `fonts/` folder the user fills.
//!
//! A lazy font store (typst-kit's `FontStore` is the model): a face is the font file's memory
//! map (a CJK collection is 20–30 MB, never copied) and its index; glyph ids and advances are
//! read through ttf-parser (binary-searched `cmap`, `hmtx`) on first use and remembered. The
//! PDF writer subsets from the same bytes; nothing here knows the PDF library.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use anyhow::{Result, bail};

use crate::config::{Config, FontChoice};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Title,
    Body,
    Heading1,
    Heading2,
    Table,
    PageNumber,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Title,
        Role::Body,
        Role::Heading1,
        Role::Heading2,
        Role::Table,
        Role::PageNumber,
    ];

    /// The key of the role in `nianbao.toml`.
    pub fn key(self) -> &'static str {
        match self {
            Role::Title => "title",
            Role::Body => "body",
            Role::Heading1 => "heading1",
            Role::Heading2 => "heading2",
            Role::Table => "table",
            Role::PageNumber => "page_number",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Role::Title => "标题",
            Role::Body => "正文",
            Role::Heading1 => "一级标题",
            Role::Heading2 => "二级标题",
            Role::Table => "表格",
            Role::PageNumber => "页码",
        }
    }

    /// The families GB/T 9704 and the 2021 format name for the role (方正小标宋简体 titles,
    /// 仿宋_GB2312 text, 黑体 and 楷体_GB2312 headings), under the names systems give them.
    pub fn official(self) -> &'static [&'static str] {
        match self {
            Role::Title => &["方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S"],
            Role::Body => &["仿宋_GB2312", "仿宋", "FangSong", "方正仿宋_GBK"],
            Role::Heading1 => &["黑体", "SimHei"],
            Role::Heading2 => &["楷体_GB2312", "楷体", "KaiTi"],
            Role::Table | Role::PageNumber => &["宋体", "SimSun"],
        }
    }

    /// Families in order of preference; `:bold` asks for a bold face of the family.
    pub fn families(self) -> &'static [&'static str] {
        match self {
            Role::Title => &[
                "方正小标宋简体",
                "方正小标宋_GBK",
                "FZXiaoBiaoSong-B05S",
                "华文中宋",
                "STZhongsong",
                "Noto Serif CJK SC:bold",
                "Source Han Serif SC:bold",
                "Noto Serif CJK SC",
            ],
            Role::Body => &[
                "仿宋_GB2312",
                "仿宋",
                "FangSong",
                "STFangsong",
                "方正仿宋_GBK",
                "Noto Serif CJK SC",
                "Source Han Serif SC",
                "思源宋体",
            ],
            Role::Heading1 => &[
                "黑体",
                "SimHei",
                "STHeiti",
                "Noto Sans CJK SC",
                "Source Han Sans SC",
                "思源黑体",
            ],
            Role::Heading2 => &[
                "楷体_GB2312",
                "楷体",
                "KaiTi",
                "STKaiti",
                "LXGW WenKai",
                "AR PL UKai CN",
                "Noto Serif CJK SC",
            ],
            Role::Table | Role::PageNumber => &[
                "宋体",
                "SimSun",
                "Songti SC",
                "STSong",
                "Noto Serif CJK SC",
                "Source Han Serif SC",
                "思源宋体",
            ],
        }
    }
}

/// The bytes of a font file, shared by every face in it and every thread.
pub type FontData = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// A glyph as layout and the PDF need it: its id in the face and its advance in em.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    pub id: u16,
    pub advance: f32,
}

/// One face of a font file.
pub struct Face {
    pub family: String,
    pub path: PathBuf,
    pub index: u32,
    data: FontData,
    units_per_em: f32,
    /// Glyphs of the Basic Multilingual Plane, filled 256 characters at a time on first use
    /// (layout asks for the same characters many times). A memo of the font, not state: the
    /// same answers always.
    bmp: Vec<OnceLock<Box<[Option<Glyph>]>>>,
}

impl Face {
    /// The face at `index` of `data`, if ttf-parser can read it.
    fn new(family: String, path: PathBuf, data: FontData, index: u32) -> Option<Face> {
        let upem = ttf_parser::Face::parse((*data).as_ref(), index)
            .ok()?
            .units_per_em() as f32;
        Some(Face {
            family,
            path,
            index,
            data,
            units_per_em: if upem > 0.0 { upem } else { 1000.0 },
            bmp: (0..256).map(|_| OnceLock::new()).collect(),
        })
    }

    /// The whole font file (a collection holds several faces): what a subsetter reads.
    pub fn data(&self) -> &[u8] {
        (*self.data).as_ref()
    }

    /// The face's PostScript name (`NotoSerifCJKsc-Regular`), as a PDF names the font.
    pub fn postscript_name(&self) -> Option<String> {
        self.parsed()?
            .names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string())
    }

    fn parsed(&self) -> Option<ttf_parser::Face<'_>> {
        ttf_parser::Face::parse(self.data(), self.index).ok()
    }

    fn lookup(face: &ttf_parser::Face, upem: f32, c: char) -> Option<Glyph> {
        let id = face.glyph_index(c).filter(|g| g.0 != 0)?;
        let advance = face.glyph_hor_advance(id).unwrap_or(0) as f32 / upem;
        Some(Glyph { id: id.0, advance })
    }

    /// The glyph that prints `c`, `None` if the face has none.
    pub fn glyph(&self, c: char) -> Option<Glyph> {
        let cp = c as u32;
        let Some(block) = self.bmp.get((cp >> 8) as usize) else {
            let face = self.parsed()?;
            return Face::lookup(&face, self.units_per_em, c);
        };
        let table = block.get_or_init(|| {
            let face = self.parsed();
            (0..256)
                .map(|i| {
                    let c = char::from_u32((cp & !0xFF) | i)?;
                    Face::lookup(face.as_ref()?, self.units_per_em, c)
                })
                .collect()
        });
        table[(cp & 0xFF) as usize]
    }

    /// Advance of `c` in em, `None` if the face has no glyph for it.
    pub fn advance(&self, c: char) -> Option<f32> {
        self.glyph(c).map(|g| g.advance)
    }
}

/// Why a role got its face, for `nianbao fonts` and error messages.
#[derive(Debug, Clone)]
pub struct Choice {
    pub role: Role,
    pub family: String,
    pub path: PathBuf,
    pub index: u32,
    /// Why this face, in Chinese.
    pub reason: String,
}

/// Where a candidate face comes from.
enum Candidate {
    Family(String),
    /// A face named in nianbao.toml, already found in the database.
    Configured(fontdb::ID, String),
}

/// The faces of all roles, primary face first, then the role's other available families as
/// fallbacks for characters the primary lacks.
pub struct FontSet {
    pub faces: Vec<Face>,
    roles: HashMap<Role, Vec<usize>>,
    pub choices: Vec<Choice>,
}

impl FontSet {
    /// The roles of the report's typography (title, text, headings) set in another font than
    /// the official one, with the font used: what the office should hear once per build.
    pub fn substitutes(&self) -> Vec<&Choice> {
        let typographic = [Role::Title, Role::Body, Role::Heading1, Role::Heading2];
        self.choices
            .iter()
            .filter(|c| typographic.contains(&c.role))
            .filter(|c| !c.role.official().iter().any(|o| c.family == *o))
            .collect()
    }

    /// Discovers fonts on this machine plus `extra_dirs` (e.g. `fonts/` beside the input), with
    /// the choices of `nianbao.toml` tried first.
    pub fn discover(extra_dirs: &[&Path], config: &Config) -> Result<Arc<FontSet>> {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        for dir in extra_dirs {
            if dir.is_dir() {
                db.load_fonts_dir(dir);
            }
        }
        let mut configured = HashMap::new();
        for role in Role::ALL {
            if let Some(choice) = config.fonts.get(role.key()) {
                configured.insert(role, configured_face(&mut db, choice)?);
            }
        }
        FontSet::from_database(&mut db, &configured)
    }

    fn from_database(
        db: &mut fontdb::Database,
        configured: &HashMap<Role, (fontdb::ID, String)>,
    ) -> Result<Arc<FontSet>> {
        let mut faces: Vec<Face> = Vec::new();
        let mut loaded: HashMap<fontdb::ID, usize> = HashMap::new();
        let mut roles = HashMap::new();
        let mut choices = Vec::new();
        let mut missing = Vec::new();
        for role in Role::ALL {
            let mut candidates: Vec<Candidate> = Vec::new();
            if let Some((id, name)) = configured.get(&role) {
                candidates.push(Candidate::Configured(*id, name.clone()));
            }
            candidates.extend(
                role.families()
                    .iter()
                    .map(|f| Candidate::Family(f.to_string())),
            );
            let mut chain = Vec::new();
            let mut skipped: Vec<String> = Vec::new();
            for candidate in candidates {
                let (id, wanted, reason) = match candidate {
                    Candidate::Configured(id, name) => {
                        (id, name, format!("{} 指定", crate::config::FILE))
                    }
                    Candidate::Family(wanted) => {
                        let Some(id) = find_face(db, &wanted) else {
                            skipped.push(wanted.trim_end_matches(":bold").to_string());
                            continue;
                        };
                        let reason = if skipped.is_empty() {
                            "首选字体".to_string()
                        } else {
                            format!("未找到 {}，按顺序改用此字体", skipped.join("、"))
                        };
                        (id, wanted, reason)
                    }
                };
                let index = match loaded.get(&id) {
                    Some(i) => *i,
                    None => {
                        let Some(face) = load_face(db, id, &wanted) else {
                            continue;
                        };
                        faces.push(face);
                        loaded.insert(id, faces.len() - 1);
                        faces.len() - 1
                    }
                };
                if chain.is_empty() {
                    let f = &faces[index];
                    choices.push(Choice {
                        role,
                        family: f.family.clone(),
                        path: f.path.clone(),
                        index: f.index,
                        reason,
                    });
                }
                if !chain.contains(&index) {
                    chain.push(index);
                }
            }
            if chain.is_empty() {
                missing.push(role);
            }
            roles.insert(role, chain);
        }
        if !missing.is_empty() {
            let names: Vec<&str> = missing.iter().map(|r| r.chinese()).collect();
            bail!(
                "找不到可用的中文字体（{}）。Debian/Ubuntu 请运行 sudo apt-get install fonts-noto-cjk；Windows 和 macOS 自带中文字体。也可以把字体文件放进输入目录旁的 fonts/ 文件夹。",
                names.join("、")
            );
        }
        Ok(Arc::new(FontSet {
            faces,
            roles,
            choices,
        }))
    }

    /// What identifies the faces in use: each one's family, file, index, size and time of
    /// change. A font installed, removed or updated changes it, and every report is rebuilt.
    pub fn fingerprint(&self) -> String {
        let mut s = String::new();
        for f in &self.faces {
            let meta = std::fs::metadata(&f.path).ok();
            let modified = meta
                .as_ref()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            s.push_str(&format!(
                "{}\0{}\0{}\0{}\0{modified}\n",
                f.family,
                f.path.display(),
                f.index,
                meta.map_or(0, |m| m.len())
            ));
        }
        crate::digest::sha256_hex(s.as_bytes())
    }

    /// The family of the face that prints `role` first (what a DOCX names for it).
    pub fn primary_family(&self, role: Role) -> Option<&str> {
        let i = *self.chain(role).first()?;
        self.faces.get(i).map(|f| f.family.as_str())
    }

    /// The faces of `role`, primary first.
    pub fn chain(&self, role: Role) -> &[usize] {
        self.roles.get(&role).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The face that prints `c` in `role` (the first in the chain that has it) and the
    /// character's advance in em in that face.
    pub fn face_for(&self, role: Role, c: char) -> Option<(usize, f32)> {
        self.chain(role)
            .iter()
            .find_map(|i| self.faces[*i].advance(c).map(|em| (*i, em)))
    }
}

/// The face nianbao.toml names: a family that must exist, or a file (its face `index`, or else
/// its Simplified Chinese face — collections put the Japanese one first).
fn configured_face(db: &mut fontdb::Database, choice: &FontChoice) -> Result<(fontdb::ID, String)> {
    match choice {
        FontChoice::Family(name) => match find_face(db, name) {
            Some(id) => Ok((id, name.clone())),
            None => bail!(
                "{} 指定的字体「{name}」在本机和 fonts/ 文件夹中都找不到。请安装该字体，或改用 file = \"字体文件路径\"。",
                crate::config::FILE
            ),
        },
        FontChoice::File { file, index } => {
            let before: Vec<fontdb::ID> = db.faces().map(|f| f.id).collect();
            db.load_font_file(file).map_err(|e| {
                anyhow::anyhow!(
                    "{} 指定的字体文件 {} 无法读取：{}。请写字体文件（.ttf、.otf、.ttc）的路径。",
                    crate::config::FILE,
                    file.display(),
                    crate::os::describe(&e)
                )
            })?;
            let faces: Vec<&fontdb::FaceInfo> =
                db.faces().filter(|f| !before.contains(&f.id)).collect();
            let face = match index {
                Some(i) => faces.iter().find(|f| f.index == *i),
                None => faces
                    .iter()
                    .find(|f| {
                        f.families
                            .iter()
                            .any(|(n, _)| n.ends_with(" SC") || n.contains("GB"))
                    })
                    .or(faces.first()),
            };
            match face {
                Some(f) => Ok((
                    f.id,
                    f.families
                        .first()
                        .map(|(n, _)| n.clone())
                        .unwrap_or_default(),
                )),
                None => bail!(
                    "{} 指定的字体文件 {} 中没有 index = {} 的字体：该文件共有{}个字体，index 从 0 数起，可写 0 到 {}。",
                    crate::config::FILE,
                    file.display(),
                    index.unwrap_or(0),
                    faces.len(),
                    faces.len().saturating_sub(1)
                ),
            }
        }
    }
}

/// The face of `wanted` (`Family` or `Family:bold`): a Simplified Chinese face of a collection
/// and the weight asked for, or the nearest.
fn find_face(db: &fontdb::Database, wanted: &str) -> Option<fontdb::ID> {
    let (family, bold) = match wanted.strip_suffix(":bold") {
        Some(f) => (f, true),
        None => (wanted, false),
    };
    let target = if bold { 700 } else { 400 };
    db.faces()
        .filter(|f| {
            f.families
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case(family))
        })
        .filter(|f| f.style == fontdb::Style::Normal)
        .min_by_key(|f| ((f.weight.0 as i32 - target).abs(), f.index))
        .map(|f| f.id)
}

fn load_face(db: &mut fontdb::Database, id: fontdb::ID, wanted: &str) -> Option<Face> {
    let path = match &db.face(id)?.source {
        fontdb::Source::File(p) => p.clone(),
        fontdb::Source::SharedFile(p, _) => p.clone(),
        fontdb::Source::Binary(_) => PathBuf::new(),
    };
    let family = match wanted.strip_suffix(":bold") {
        Some(f) => format!("{f} Bold"),
        None => wanted.to_string(),
    };
    // SAFETY: the file is memory-mapped instead of copied (73 MB for the three Noto
    // collections). fontdb's contract is that the file is not modified while mapped; font
    // files are installed system files or the office's fonts/ folder, which nothing changes
    // during a run (typst-kit makes the same choice).
    #[allow(unsafe_code)]
    let (data, index) = unsafe { db.make_shared_face_data(id)? };
    Face::new(family, path, data, index)
}
