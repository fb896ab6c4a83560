//! Report → Markdown through tera templates.
//!
//! The built-in templates are compiled into the binary; a file of the same name in a user's
//! `templates/` folder replaces the built-in one (zola's override order). Templates are loaded
//! once and shared by every report of a batch.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context as _, Result};
use serde::Serialize;
use tera::{Context, Kwargs, State, Tera};

use crate::model::{Info, Paragraph, Report, TableData, Topic};
use crate::schema;

/// The templates' names, owned here (the HTML export and the loader both use them).
pub const ENTRY: &str = "report.md.tera";
/// The standalone web page.
pub const PAGE: &str = "report.html.tera";
/// The body only, to paste into a portal's editor.
pub const FRAGMENT: &str = "fragment.html.tera";

/// The built-in templates, by file name.
pub const BUILTIN: [(&str, &str); 6] = [
    (ENTRY, include_str!("../templates/report.md.tera")),
    (
        "preamble.md.tera",
        include_str!("../templates/preamble.md.tera"),
    ),
    (
        "topics.md.tera",
        include_str!("../templates/topics.md.tera"),
    ),
    (PAGE, include_str!("../templates/report.html.tera")),
    (FRAGMENT, include_str!("../templates/fragment.html.tera")),
    (
        "body.html.tera",
        include_str!("../templates/body.html.tera"),
    ),
];

pub struct Templates {
    tera: Tera,
    /// Which templates came from the user's folder, for messages.
    pub overridden: Vec<String>,
    /// A hash of every template's text: a changed template rebuilds every report.
    pub fingerprint: String,
}

impl Templates {
    /// Built-ins, each replaced by `dir/<name>` when that file exists.
    pub fn load(dir: Option<&Path>) -> Result<Templates> {
        let mut tera = Tera::new();
        // Everything printed into the HTML templates is escaped (tera goes by the name's end).
        tera.autoescape_on([".html.tera"]);
        tera.register_filter("md", md_filter);
        tera.register_filter("cn_num", cn_num_filter);
        tera.register_function("range", bounded::range);
        let mut overridden = Vec::new();
        let mut sources: Vec<(String, String)> = Vec::new();
        for (name, builtin) in BUILTIN {
            let user = dir.map(|d| d.join(name)).filter(|p| p.is_file());
            let source = match &user {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("无法读取模板 {}", path.display()))?;
                    // A copy of the built-in (the repository's own templates/) is no override.
                    if text != builtin {
                        overridden.push(path.display().to_string());
                    }
                    text
                }
                None => builtin.to_string(),
            };
            sources.push((name.to_string(), source));
        }
        let all: String = sources
            .iter()
            .map(|(name, text)| format!("{name}\0{text}\0"))
            .collect();
        let fingerprint = crate::digest::sha256_hex(all.as_bytes());
        tera.add_raw_templates(sources)
            .map_err(|e| anyhow::anyhow!("模板有错误：{}", describe(&e)))?;
        Ok(Templates {
            tera,
            overridden,
            fingerprint,
        })
    }

    /// The report as Markdown.
    pub fn render(&self, report: &Report) -> Result<String> {
        self.render_view(ENTRY, &View::new(report))
    }

    /// `entry` rendered with `view` as its context, within the bounds of `limits.rs` (output
    /// size, time, numbers made by `range`): a user's template cannot hang or exhaust memory.
    pub fn render_view(&self, entry: &str, view: &impl Serialize) -> Result<String> {
        let context = Context::from_serialize(view)
            .map_err(|e| anyhow::anyhow!("无法准备模板数据：{}", describe(&e)))?;
        let mut out = bounded::Output::new();
        let rendered = bounded::scope(|| self.tera.render_to(entry, &context, &mut out));
        if let Some(why) = out.exceeded() {
            anyhow::bail!("模板 {entry} {why}");
        }
        rendered.map_err(|e| anyhow::anyhow!("渲染模板 {entry} 出错：{}", describe(&e)))?;
        String::from_utf8(out.into_bytes())
            .map_err(|_| anyhow::anyhow!("模板 {entry} 生成的文字不是有效的 UTF-8"))
    }
}

/// The bounds a template renders within.
mod bounded {
    use std::cell::Cell;
    use std::time::{Duration, Instant};

    use tera::{Kwargs, State, TeraResult};

    use crate::limits;

    thread_local! {
        /// Numbers `range` may still produce in the render running on this thread.
        static RANGE_LEFT: Cell<usize> = const { Cell::new(limits::TEMPLATE_RANGE) };
    }

    /// Runs one render with a fresh `range` budget.
    pub fn scope<T>(f: impl FnOnce() -> T) -> T {
        RANGE_LEFT.with(|left| left.set(limits::TEMPLATE_RANGE));
        f()
    }

    /// tera's `range`, counting what it makes against the render's budget.
    pub fn range(kwargs: Kwargs, _: &State) -> TeraResult<Vec<i64>> {
        let start = kwargs.get::<i64>("start")?.unwrap_or_default();
        let end = kwargs.must_get::<i64>("end")?;
        let step = kwargs.get::<i64>("step_by")?.unwrap_or(1);
        if step == 0 {
            return Err(tera::Error::message("range 的 step_by 不能为 0"));
        }
        let span = if step > 0 {
            end.saturating_sub(start)
        } else {
            start.saturating_sub(end)
        };
        let len = usize::try_from(span.max(0)).unwrap_or(usize::MAX) / step.unsigned_abs() as usize
            + usize::from(span % step != 0 && span > 0);
        let left = RANGE_LEFT.with(Cell::get);
        if len > left {
            return Err(tera::Error::message(format!(
                "range 一共要生成的数字超过上限 {}（是否有嵌套的循环？）",
                limits::TEMPLATE_RANGE
            )));
        }
        RANGE_LEFT.with(|l| l.set(left - len));
        Ok((0..len as i64).map(|i| start + i * step).collect())
    }

    /// Where a render writes: stops it once the output or the time is over its bound.
    pub struct Output {
        bytes: Vec<u8>,
        deadline: Instant,
        exceeded: Option<String>,
        /// Writes since the clock was last read: tera writes a few bytes at a time, and reading
        /// the clock on each was a twentieth of a build.
        writes: u32,
    }

    impl Output {
        pub fn new() -> Output {
            Output {
                bytes: Vec::new(),
                deadline: Instant::now() + Duration::from_secs(limits::TEMPLATE_SECONDS),
                exceeded: None,
                writes: 0,
            }
        }

        pub fn exceeded(&self) -> Option<&str> {
            self.exceeded.as_deref()
        }

        pub fn into_bytes(self) -> Vec<u8> {
            self.bytes
        }
    }

    impl Output {
        /// Whether to read the clock on this write: every 256th.
        fn clock_due(&mut self) -> bool {
            self.writes = self.writes.wrapping_add(1);
            self.writes.is_multiple_of(256)
        }
    }

    impl std::io::Write for Output {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.bytes.len() + buf.len() > limits::TEMPLATE_OUTPUT_BYTES {
                self.exceeded = Some(format!(
                    "生成的内容超过上限 {}（是否有嵌套的循环？）",
                    limits::mb(limits::TEMPLATE_OUTPUT_BYTES as u64)
                ));
            } else if self.clock_due() && Instant::now() > self.deadline {
                self.exceeded = Some(format!(
                    "生成一份报告超过{}秒（是否有嵌套的循环？）",
                    limits::TEMPLATE_SECONDS
                ));
            }
            if self.exceeded.is_some() {
                return Err(std::io::Error::other("template bound exceeded"));
            }
            self.bytes.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
}

fn describe(e: &tera::Error) -> String {
    use std::error::Error as _;
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(&format!("；{s}"));
        source = s.source();
    }
    text
}

/// A topic with its outline number: titled topics count 1, 2, 3 … in their section, untitled
/// ones (an opening paragraph before （一）) get 0 and do not shift the numbering.
#[derive(Serialize)]
struct NumberedTopic<'a> {
    title: &'a str,
    number: usize,
    paragraphs: &'a [Paragraph],
}

fn numbered(topics: &[Topic]) -> Vec<NumberedTopic<'_>> {
    let mut n = 0;
    topics
        .iter()
        .map(|t| {
            let titled = !t.title.trim().is_empty();
            n += titled as usize;
            NumberedTopic {
                title: &t.title,
                number: if titled { n } else { 0 },
                paragraphs: &t.paragraphs,
            }
        })
        .collect()
}

/// The template context: the report plus what templates should not have to compute.
#[derive(Serialize)]
struct View<'a> {
    info: &'a Info,
    t2: &'a TableData,
    t3: &'a TableData,
    t4: &'a TableData,
    /// Every section key present, so templates can index `text.problems` without guards.
    text: BTreeMap<&'static str, Vec<NumberedTopic<'a>>>,
    headings: BTreeMap<&'static str, &'static str>,
    /// `地址：…；邮编：…；电话：…；电子邮箱：…`, only the parts given.
    contact: String,
    /// For an aggregate report: `3个机关（甲、乙、丙）`, the agencies its tables add up.
    aggregate_of: String,
}

impl<'a> View<'a> {
    fn new(report: &'a Report) -> Self {
        let text = schema::SECTIONS
            .iter()
            .map(|(key, _)| {
                (
                    *key,
                    numbered(report.text.get(*key).map(Vec::as_slice).unwrap_or(&[])),
                )
            })
            .collect();
        let info = &report.info;
        let contact = [
            ("地址", &info.address),
            ("邮编", &info.postcode),
            ("电话", &info.phone),
            ("电子邮箱", &info.email),
        ]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}：{}", v.trim()))
        .collect::<Vec<_>>()
        .join("；");
        View {
            info,
            t2: &report.t2,
            t3: &report.t3,
            t4: &report.t4,
            text,
            headings: schema::SECTIONS.iter().copied().collect(),
            contact,
            aggregate_of: match report.members.len() {
                0 => String::new(),
                n => format!("{n}个机关（{}）", report.members.join("、")),
            },
        }
    }
}

/// Escapes text so Markdown prints it verbatim: every ASCII punctuation character gets a
/// backslash (CommonMark allows that for all of them), and line breaks become spaces.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn md_filter(value: &str, _: Kwargs, _: &State) -> String {
    escape_markdown(value)
}

/// 1 → 一, 12 → 十二, 20 → 二十: outline numbers up to 99.
pub fn chinese_number(n: i64) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10..=19 => format!(
            "十{}",
            if n == 10 {
                ""
            } else {
                DIGITS[(n - 10) as usize]
            }
        ),
        20..=99 => {
            let ones = if n % 10 == 0 {
                ""
            } else {
                DIGITS[(n % 10) as usize]
            };
            format!("{}十{ones}", DIGITS[(n / 10) as usize])
        }
        _ => n.to_string(),
    }
}

fn cn_num_filter(value: i64, _: Kwargs, _: &State) -> String {
    chinese_number(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_chinese() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(14), "十四");
        assert_eq!(chinese_number(30), "三十");
        assert_eq!(chinese_number(42), "四十二");
    }

    #[test]
    fn markdown_escape_keeps_text_literal() {
        assert_eq!(escape_markdown("1. *a* <b>"), "1\\. \\*a\\* \\<b\\>");
    }

    #[test]
    fn renders_headings_topics_and_tables() {
        let mut report = crate::workbook::blank::blank_report("测试局", 2025);
        report.text.insert(
            "problems".into(),
            vec![Topic {
                title: String::new(),
                paragraphs: vec![Paragraph {
                    text: "# 不是标题".into(),
                    source: None,
                }],
            }],
        );
        let md = Templates::load(None).unwrap().render(&report).unwrap();
        assert!(md.contains("# 测试局2025年政府信息公开工作年度报告"));
        assert!(md.contains("### （五）监督保障"));
        assert!(md.contains("<!-- table:t3 -->"));
        assert!(md.contains("\\# 不是标题"));
        for (_, h) in schema::SECTIONS {
            assert!(md.contains(&format!("## {h}")), "{h}");
        }
    }

    /// Many real reports open 一、总体情况 with a paragraph before （一）主动公开.
    #[test]
    fn untitled_opening_paragraph_does_not_shift_the_numbering() {
        let mut report = crate::workbook::blank::blank_report("测试局", 2025);
        let para = |t: &str| Paragraph {
            text: t.into(),
            source: None,
        };
        let topics = report.text.get_mut("overview").unwrap();
        topics.insert(
            0,
            Topic {
                title: String::new(),
                paragraphs: vec![para("本年度，我局认真贯彻落实条例。")],
            },
        );
        let md = Templates::load(None).unwrap().render(&report).unwrap();
        assert!(md.contains("本年度，我局认真贯彻落实条例。"));
        assert!(md.contains("### （一）主动公开"), "{md}");
        assert!(md.contains("### （五）监督保障"), "{md}");
        assert!(!md.contains("（六）"), "{md}");
    }

    fn user_template(text: &str) -> Templates {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("preamble.md.tera"), text).unwrap();
        Templates::load(Some(dir.path())).unwrap()
    }

    #[test]
    fn nested_ranges_are_stopped() {
        let t = user_template(
            "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
        );
        let e = t
            .render(&crate::workbook::blank::blank_report("局", 2025))
            .unwrap_err();
        assert!(format!("{e:#}").contains("range"), "{e:#}");
        // The built-in range still works within the budget.
        let t = user_template("{% for i in range(start=1, end=4) %}{{ i }}{% endfor %}");
        let md = t
            .render(&crate::workbook::blank::blank_report("局", 2025))
            .unwrap();
        assert!(md.contains("123"), "{md}");
    }

    #[test]
    fn output_beyond_the_bound_is_stopped() {
        let t = user_template(
            "{% for i in range(end=100000) %}{{ info.agency }}{{ info.agency }}{{ info.agency }}{{ info.agency }}{{ info.agency }}{{ info.agency }}{{ info.agency }}{{ info.agency }}{% for j in range(end=0) %}{% endfor %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}",
        );
        let report = crate::workbook::blank::blank_report(&"很长的名字".repeat(200), 2025);
        let e = t.render(&report).unwrap_err();
        assert!(format!("{e:#}").contains("上限"), "{e:#}");
    }

    #[test]
    fn a_user_template_overrides_the_builtin() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("preamble.md.tera"),
            "自定义开头{{ info.year }}",
        )
        .unwrap();
        let t = Templates::load(Some(dir.path())).unwrap();
        assert_eq!(t.overridden.len(), 1);
        let md = t
            .render(&crate::workbook::blank::blank_report("局", 2025))
            .unwrap();
        assert!(md.contains("自定义开头2025"));
    }
}
