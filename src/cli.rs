//! Command line: `new`, `check`, `build`. Exit codes: 0 all good (warnings allowed), 1 an error
//! finding or an agency not built, 2 a usage or system failure.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand, ValueEnum};

use crate::batch::{self, Checked, Preview, Toolkit};
use crate::config::Config;
use crate::finding::{Finding, Severity};
use crate::layout::fonts::FontSet;
use crate::model::Date;
use crate::previous::Library;
use crate::render::Templates;
use crate::rules::{Context, registry};
use crate::workbook::blank;

const HELP_TEMPLATE: &str = "{about}\n\n用法：{usage}\n\n{all-args}";

#[derive(Parser)]
#[command(
    name = "nianbao",
    version,
    about = "政府信息公开工作年度报告：生成填报工作簿、校验数据、排版生成 PDF 和 XLSX",
    help_template = HELP_TEMPLATE,
    subcommand_help_heading = "命令",
    subcommand_value_name = "命令",
    disable_help_subcommand = true,
    disable_help_flag = true,
    disable_version_flag = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// 显示帮助
    #[arg(short, long, action = clap::ArgAction::Help, global = true, help_heading = "选项")]
    help: Option<bool>,
    /// 显示版本
    #[arg(short = 'V', long, action = clap::ArgAction::Version, help_heading = "选项")]
    version: Option<bool>,
}

#[derive(Subcommand)]
enum Command {
    /// 为每个机关生成空白填报工作簿（input/<机关名称>.xlsx）
    #[command(
        help_template = HELP_TEMPLATE,
        next_help_heading = "选项",
        override_usage = "nianbao new <机关名称>... [--year 年度] [--dir 文件夹] [--force]"
    )]
    New {
        /// 机关名称，可以写多个
        #[arg(required = true, value_name = "机关名称", help_heading = "参数")]
        agencies: Vec<String>,
        /// 报告年度（默认：上一年）
        #[arg(long, value_name = "年度")]
        year: Option<i32>,
        /// 工作簿存放的文件夹（默认 input）
        #[arg(
            long,
            default_value = "input",
            value_name = "文件夹",
            hide_default_value = true
        )]
        dir: PathBuf,
        /// 覆盖已存在的同名工作簿
        #[arg(long)]
        force: bool,
    },
    /// 校验工作簿并列出问题（默认检查 input/）
    #[command(
        help_template = HELP_TEMPLATE,
        next_help_heading = "选项",
        override_usage = "nianbao check [路径]... [--format text|json] [--previous 路径]..."
    )]
    Check {
        /// 工作簿文件或文件夹
        #[arg(value_name = "路径", help_heading = "参数")]
        paths: Vec<PathBuf>,
        /// 输出格式：text 为便于阅读的文字（默认），json 为 JSON 数组（每条问题一个对象）
        #[arg(long, value_enum, default_value_t = Format::Text, hide_possible_values = true, hide_default_value = true, value_name = "格式")]
        format: Format,
        /// 上年报告所在的文件或文件夹（默认 output/ 中上年生成的报告），用于跨年度核对
        #[arg(long, value_name = "路径")]
        previous: Vec<PathBuf>,
    },
    /// 列出全部校验规则：代码、级别、含义
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Rules {
        /// 输出 Markdown（即 docs/rules.md）
        #[arg(long)]
        markdown: bool,
    },
    /// 列出每种用途（标题、正文、各级标题、表格、页码）选用的字体及原因
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Fonts,
    /// 校验后为每个没有错误的机关生成 PDF 和 XLSX（默认 input/ → output/）
    #[command(
        help_template = HELP_TEMPLATE,
        next_help_heading = "选项",
        override_usage = "nianbao build [路径]... [--out 文件夹] [--previous 路径]..."
    )]
    Build {
        /// 工作簿文件或文件夹
        #[arg(value_name = "路径", help_heading = "参数")]
        paths: Vec<PathBuf>,
        /// 上年报告所在的文件或文件夹（默认输出文件夹中上年生成的报告），用于跨年度核对
        #[arg(long, value_name = "路径")]
        previous: Vec<PathBuf>,
        /// 输出文件夹（默认 output）
        #[arg(
            long,
            default_value = "output",
            value_name = "文件夹",
            hide_default_value = true
        )]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// 便于阅读的文字
    Text,
    /// JSON 数组，每条问题一个对象
    Json,
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let result = match cli.command {
        Command::New {
            agencies,
            year,
            dir,
            force,
        } => new(&agencies, year, &dir, force),
        Command::Check {
            paths,
            format,
            previous,
        } => check(&paths, format, &previous),
        Command::Build {
            paths,
            out,
            previous,
        } => build(&paths, &out, &previous),
        Command::Fonts => fonts(),
        Command::Rules { markdown } => rules_list(markdown),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e}");
            for cause in e.chain().skip(1) {
                eprintln!("  原因：{cause}");
            }
            ExitCode::from(2)
        }
    }
}

/// clap's messages are English; users get them in Chinese. Help and version print as usual.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ErrorKind};
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let context = |kind| e.get(kind).map(|v| v.to_string()).unwrap_or_default();
    let what = match e.kind() {
        ErrorKind::MissingRequiredArgument => {
            format!("缺少参数 {}", context(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidSubcommand => format!(
            "没有「{}」这个命令",
            context(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::UnknownArgument => {
            format!("无法识别的参数 {}", context(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => format!(
            "参数 {} 的值「{}」无效",
            context(ContextKind::InvalidArg),
            context(ContextKind::InvalidValue)
        ),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "请指定命令：new、check 或 build".to_string()
        }
        _ => "命令行参数有误".to_string(),
    };
    eprintln!("错误：{what}。运行 nianbao --help 查看用法。");
    ExitCode::from(2)
}

/// Today, from the clock — or from `NIANBAO_TODAY` (`2026-02-01`), so that a check can be
/// repeated as of a given day (the tests do; an office re-checking last January's batch can).
fn today() -> Date {
    if let Some(d) = std::env::var("NIANBAO_TODAY")
        .ok()
        .and_then(|t| crate::workbook::read::parse_date_text(&t))
    {
        return d;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    Date::from_unix_days(secs / 86_400).unwrap_or(Date {
        year: 1970,
        month: 1,
        day: 1,
    })
}

fn inputs(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from("input")]
    } else {
        paths.to_vec()
    }
}

fn new(agencies: &[String], year: Option<i32>, dir: &Path, force: bool) -> Result<ExitCode> {
    let year = year.unwrap_or(today().year - 1);
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建文件夹 {}", dir.display()))?;
    let mut code = ExitCode::SUCCESS;
    for agency in agencies {
        let path = dir.join(format!("{}.xlsx", batch::file_stem(agency)));
        if path.exists() && !force {
            eprintln!(
                "跳过：{} 已存在，未覆盖。如需重新生成请加 --force。",
                path.display()
            );
            code = ExitCode::from(1);
            continue;
        }
        let bytes = blank::write_input(&blank::blank_report(agency.trim(), year))
            .map_err(|e| anyhow::anyhow!("无法生成工作簿：{e}"))?;
        batch::write_atomic(&path, &bytes)
            .with_context(|| format!("无法写入 {}", path.display()))?;
        eprintln!("已生成 {}（{year} 年度）", path.display());
    }
    Ok(code)
}

/// What checking a batch gave: each workbook's findings, and notes about the batch as a whole.
struct Checks {
    checked: Vec<Checked>,
    notes: Vec<Finding>,
}

impl Checks {
    fn findings(&self) -> Vec<&Finding> {
        self.checked
            .iter()
            .flat_map(|c| &c.findings)
            .chain(&self.notes)
            .collect()
    }
}

fn check_files(
    paths: &[PathBuf],
    preview: Option<&Preview>,
    previous: &[PathBuf],
    out: &Path,
) -> Result<Checks> {
    let files = batch::discover(&inputs(paths))?;
    if files.is_empty() {
        eprintln!(
            "提示：没有找到工作簿（.xlsx、.xlsm、.xls、.ods）。请先用 nianbao new 生成，或把收回的工作簿放进 input/。"
        );
    }
    let config = Config::load(Path::new("."))?;
    let ctx = Context {
        today: today(),
        settings: config.settings().map_err(anyhow::Error::msg)?,
    };
    for p in previous {
        if p.symlink_metadata().is_err() {
            anyhow::bail!("找不到上年报告 {}。请确认 --previous 的路径。", p.display());
        }
    }
    let library = Library::load(&batch::previous_places(previous, out));
    let checked = batch::check_all(&files, &ctx, preview, &library);
    let notes = batch::history_note(&checked, &library, &ctx)
        .into_iter()
        .collect();
    Ok(Checks { checked, notes })
}

/// The fonts and templates a build of `paths` uses.
fn toolkit(paths: &[PathBuf]) -> Result<(Arc<FontSet>, Templates)> {
    let font_dirs = font_dirs(paths);
    let dirs: Vec<&Path> = font_dirs.iter().map(PathBuf::as_path).collect();
    let fonts = FontSet::discover(&dirs, &Config::load(Path::new("."))?)?;
    let templates = Templates::load(Some(Path::new("templates")))?;
    Ok((fonts, templates))
}

fn check(paths: &[PathBuf], format: Format, previous: &[PathBuf]) -> Result<ExitCode> {
    // Without fonts or templates the arithmetic is still worth checking; build stops anyway.
    let kit = toolkit(paths)
        .inspect_err(|e| eprintln!("警告：未检查字符能否显示、模板能否生成（{e:#}）。"))
        .ok();
    let preview = kit
        .as_ref()
        .map(|(fonts, templates)| Preview { fonts, templates });
    let checks = check_files(paths, preview.as_ref(), previous, Path::new("output"))?;
    let findings = checks.findings();
    let mut stdout = std::io::stdout().lock();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut stdout, &findings)?;
            writeln!(stdout)?;
        }
        Format::Text => {
            for f in &findings {
                write!(stdout, "{}", render_finding(f))?;
            }
            writeln!(stdout, "{}", check_summary(&checks))?;
        }
    }
    let failed = findings.iter().any(|f| f.is_error());
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Related places printed under a finding; JSON lists them all.
const RELATED_SHOWN: usize = 3;

/// `错误[R3] input/a.xlsx [表三]!D5:D30`, the message indented below it, then the places it
/// relates to (`参见 …`).
pub fn render_finding(f: &Finding) -> String {
    let mut s = format!(
        "{}[{}] {}\n    {}\n",
        f.severity.chinese(),
        f.code,
        f.location(),
        f.message
    );
    for r in f.related.iter().take(RELATED_SHOWN) {
        s.push_str(&format!("    参见 {}：{}\n", r.location(), r.message));
    }
    if f.related.len() > RELATED_SHOWN {
        s.push_str(&format!(
            "    ……另有 {} 处（--format json 可列出全部）\n",
            f.related.len() - RELATED_SHOWN
        ));
    }
    s
}

fn count(findings: &[&Finding], severity: Severity) -> usize {
    findings.iter().filter(|f| f.severity == severity).count()
}

fn check_summary(checks: &Checks) -> String {
    let checked = &checks.checked;
    let findings = checks.findings();
    let failed = checked.iter().filter(|c| c.has_errors()).count();
    format!(
        "检查了 {} 个工作簿：{} 个可以生成报告，{} 个有错误；共 {} 个错误、{} 个警告、{} 个提示。",
        checked.len(),
        checked.len() - failed,
        failed,
        count(&findings, Severity::Error),
        count(&findings, Severity::Warning),
        count(&findings, Severity::Info),
    )
}

fn build(paths: &[PathBuf], out: &Path, previous: &[PathBuf]) -> Result<ExitCode> {
    let started = Instant::now();
    let (fonts, templates) = toolkit(paths)?;
    let checks = check_files(
        paths,
        Some(&Preview {
            fonts: &fonts,
            templates: &templates,
        }),
        previous,
        out,
    )?;
    let mut stderr = std::io::stderr().lock();
    for f in checks.findings() {
        write!(stderr, "{}", render_finding(f))?;
    }
    let checked = &checks.checked;
    for t in &templates.overridden {
        writeln!(stderr, "使用自定义模板 {t}")?;
    }
    let kit = Toolkit {
        fonts: &fonts,
        templates: &templates,
        out,
    };
    let results = batch::build_all(checked, &kit);
    for f in results.iter().flat_map(|r| &r.findings) {
        write!(stderr, "{}", render_finding(f))?;
    }
    let built: Vec<_> = results.iter().filter(|r| r.skipped.is_none()).collect();
    let skipped: Vec<_> = results.iter().filter(|r| r.skipped.is_some()).collect();
    writeln!(stderr, "{}", check_summary(&checks))?;
    writeln!(
        stderr,
        "已生成 {} 个机关的 PDF 和 XLSX（{}），用时 {:.1} 秒。",
        built.len(),
        out.display(),
        started.elapsed().as_secs_f64()
    )?;
    if !skipped.is_empty() {
        writeln!(stderr, "未生成 {} 个：", skipped.len())?;
        for r in &skipped {
            writeln!(
                stderr,
                "  {}（{}）：{}",
                r.agency,
                r.file.display(),
                r.skipped.as_deref().unwrap_or_default()
            )?;
        }
    }
    let code = if results.iter().any(|r| r.system_error) {
        2
    } else if skipped.is_empty() && checked.iter().all(|c| !c.has_errors()) {
        0
    } else {
        1
    };
    Ok(ExitCode::from(code))
}

/// `nianbao rules`: every code with its severity and meaning (or docs/rules.md).
fn rules_list(markdown: bool) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if markdown {
        write!(out, "{}", registry::markdown())?;
        return Ok(ExitCode::SUCCESS);
    }
    for r in registry::RULES {
        writeln!(out, "{}  {}  {}", r.code, r.severity.chinese(), r.doc)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn fonts() -> Result<ExitCode> {
    let dirs = font_dirs(&[]);
    let dirs: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
    let set = FontSet::discover(&dirs, &Config::load(Path::new("."))?)?;
    let mut out = std::io::stdout().lock();
    for choice in &set.choices {
        writeln!(out, "{}：{}", choice.role.chinese(), choice.family)?;
        writeln!(
            out,
            "    文件：{}（第 {} 个字面）",
            choice.path.display(),
            choice.index
        )?;
        writeln!(out, "    原因：{}", choice.reason)?;
        let fallbacks: Vec<&str> = set
            .chain(choice.role)
            .iter()
            .skip(1)
            .map(|i| set.faces[*i].family.as_str())
            .collect();
        if !fallbacks.is_empty() {
            writeln!(out, "    缺字时依次改用：{}", fallbacks.join("、"))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `fonts/` in the working folder and beside each input folder.
fn font_dirs(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs = vec![PathBuf::from("fonts")];
    for p in inputs(paths) {
        let parent = if p.is_dir() {
            p.parent()
        } else {
            p.parent().and_then(Path::parent)
        };
        if let Some(dir) = parent.map(|d| d.join("fonts"))
            && !dirs.contains(&dir)
            && dir != Path::new("fonts")
        {
            dirs.push(dir);
        }
    }
    dirs
}
