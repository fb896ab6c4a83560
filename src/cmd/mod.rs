//! The command line: one file per command (`new`, `check`, `build`, `fonts`, `rules`), the
//! arguments here. Exit codes: 0 all good (warnings allowed), 1 an error finding or an agency not
//! built, 2 a usage or system failure. What is printed is composed in `messages`.

mod build;
mod check;
mod fonts;
mod new;
mod office;
mod progress;
mod rules;
mod setup;
mod status;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};

use crate::model::Date;

const HELP_TEMPLATE: &str = "{about}\n\n用法：{usage}\n\n{all-args}";

#[derive(Parser)]
#[command(
    name = "nianbao",
    version,
    about = "政府信息公开工作年度报告：生成填报工作簿、校验数据、排版生成 PDF、XLSX、网页和 Word 文档",
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
        override_usage = "nianbao new <机关名称>... [--year 年度] [--dir 文件夹] [--from 上年报告]... [--force]"
    )]
    New {
        /// 机关名称，可以写多个（用 --from 时可省略：为上年报告中的每个机关生成）
        #[arg(
            required_unless_present = "from",
            value_name = "机关名称",
            help_heading = "参数"
        )]
        agencies: Vec<String>,
        /// 上年的报告（记录、工作簿、Word 文档、网页或 PDF，文件或文件夹）：预填机关信息、
        /// 表三「二、上年结转」（取上年「四、结转下年度继续办理」），正文旁附上年原文供参考
        #[arg(long, value_name = "上年报告")]
        from: Vec<PathBuf>,
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
    /// 按名单列出每个机关的交回和生成情况：未交回、未填写、有错误、需重新生成、可生成、已生成
    #[command(
        help_template = HELP_TEMPLATE,
        next_help_heading = "选项",
        override_usage = "nianbao status [路径]... [--out 文件夹] [--previous 路径]... [--jobs 数量]"
    )]
    Status {
        #[command(flatten)]
        batch: Batch,
    },
    /// 校验工作簿并列出问题（默认检查 input/）
    #[command(
        help_template = HELP_TEMPLATE,
        next_help_heading = "选项",
        override_usage = "nianbao check [路径]... [--format text|json] [--out 文件夹] [--previous 路径]... [--report 文件] [--jobs 数量]"
    )]
    Check {
        #[command(flatten)]
        batch: Batch,
        /// 输出格式：text 为便于阅读的文字（默认），json 为 JSON 数组（每条问题一个对象）
        #[arg(long, value_enum, default_value_t = Format::Text, hide_possible_values = true, hide_default_value = true, value_name = "格式")]
        format: Format,
        /// 同时把问题清单写入检查报告工作簿（.xlsx），便于按机关筛选、转发
        #[arg(long, value_name = "文件")]
        report: Option<PathBuf>,
    },
    /// 校验后为每个没有错误的机关生成 PDF、XLSX 和网页（默认 input/ → output/）
    #[command(
        help_template = HELP_TEMPLATE,
        next_help_heading = "选项",
        override_usage = "nianbao build [路径]... [--out 文件夹] [--previous 路径]... [--docx] [--html-fragment] [--force] [--rebuild] [--jobs 数量]"
    )]
    Build {
        #[command(flatten)]
        batch: Batch,
        /// 有错误的机关也生成（每页标注「草稿——未通过校验」，供退回修改时参考，不得发布）
        #[arg(long)]
        force: bool,
        /// 全部重新生成（默认跳过工作簿、模板、字体和设置都没有变化的机关）
        #[arg(long)]
        rebuild: bool,
        /// 同时生成供审核修改的 Word 文档（.docx）
        #[arg(long)]
        docx: bool,
        /// 同时生成粘贴到网站编辑器用的正文片段（.片段.html）
        #[arg(long)]
        html_fragment: bool,
    },
    /// 列出全部校验规则：代码、级别、含义
    #[command(
        help_template = HELP_TEMPLATE,
        next_help_heading = "选项",
        override_usage = "nianbao rules [--markdown]"
    )]
    Rules {
        /// 输出 Markdown（即 docs/rules.md）
        #[arg(long)]
        markdown: bool,
    },
    /// 列出每种用途（标题、正文、各级标题、表格、页码）选用的字体及原因
    #[command(
        help_template = HELP_TEMPLATE,
        next_help_heading = "选项",
        override_usage = "nianbao fonts"
    )]
    Fonts,
}

/// What `status`, `check` and `build` work on, declared once: the workbooks, the output
/// folder, last year's reports, the threads.
#[derive(clap::Args)]
struct Batch {
    /// 工作簿文件或文件夹（默认 input，名单为其中的 名单.txt）
    #[arg(value_name = "路径", help_heading = "参数")]
    paths: Vec<PathBuf>,
    /// 输出文件夹（默认 output）
    #[arg(
        long,
        default_value = "output",
        value_name = "文件夹",
        hide_default_value = true
    )]
    out: PathBuf,
    /// 上年报告所在的文件或文件夹（默认输出文件夹中上年生成的报告），用于跨年度核对
    #[arg(long, value_name = "路径")]
    previous: Vec<PathBuf>,
    /// 同时处理的工作簿数（默认：全部处理器核心）
    #[arg(long, short = 'j', value_name = "数量")]
    jobs: Option<usize>,
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
            from,
            force,
        } => new::run(&agencies, year, &dir, &from, force),
        Command::Check {
            batch,
            format,
            report,
        } => with_jobs(batch.jobs, || {
            check::run(
                &batch.paths,
                format,
                &batch.out,
                &batch.previous,
                report.as_deref(),
            )
        }),
        Command::Build {
            batch,
            force,
            rebuild,
            docx,
            html_fragment,
        } => with_jobs(batch.jobs, || {
            let extra = [
                docx.then_some(crate::format::Format::Docx),
                html_fragment.then_some(crate::format::Format::HtmlFragment),
            ];
            let options = build::Options {
                force,
                rebuild,
                extra: extra.into_iter().flatten().collect(),
            };
            build::run(&batch.paths, &batch.out, &batch.previous, &options)
        }),
        Command::Fonts => fonts::run(),
        Command::Rules { markdown } => rules::run(markdown),
        Command::Status { batch } => with_jobs(batch.jobs, || {
            status::run(&batch.paths, &batch.out, &batch.previous)
        }),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let mut text = format!("错误：{e}");
            for cause in e.chain().skip(1) {
                // The system's own words are English: say them in Chinese.
                let said = match cause.downcast_ref::<std::io::Error>() {
                    Some(io) => crate::os::describe(io),
                    None => cause.to_string(),
                };
                text.push_str(&format!("\n  原因：{said}"));
            }
            say(text);
            ExitCode::from(2)
        }
    }
}

/// Runs `command` on a thread pool of `jobs` threads (all cores when not given): a pool of
/// its own, not rayon's global one, so nothing outlives the command.
fn with_jobs(
    jobs: Option<usize>,
    command: impl FnOnce() -> Result<ExitCode> + Send,
) -> Result<ExitCode> {
    let Some(jobs) = jobs else {
        return command();
    };
    if jobs == 0 {
        anyhow::bail!("--jobs 至少为 1。");
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| anyhow::anyhow!("无法启动{jobs}个工作线程：{e}"))?;
    pool.install(command)
}

/// clap's messages are English; users get them in Chinese. Help and version print as usual.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ErrorKind};
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        say_out(e.render().to_string());
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
            "请指定命令：new、status、check、build、rules 或 fonts".to_string()
        }
        _ => "命令行参数有误".to_string(),
    };
    say(format!("错误：{what}。运行 nianbao --help 查看用法。"));
    ExitCode::from(2)
}

/// Today, from the clock — or from `NIANBAO_TODAY` (`2026-02-01`), so that a check can be
/// repeated as of a given day (the tests do; an office re-checking last January's batch can).
pub(crate) fn today() -> Date {
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

/// Prints `text` and a line break to standard error. Printing can fail (a closed pipe, as in
/// `nianbao build | head -1`, or a full disk): the text is lost, never the work or the exit code.
pub(crate) fn say(text: impl AsRef<str>) {
    use std::io::Write as _;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", text.as_ref());
}

/// `say` for standard output (what `check` and `status` print for a pipe or a file).
pub(crate) fn say_out(text: impl AsRef<str>) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let text = text.as_ref();
    let _ = write!(out, "{text}");
    if !text.ends_with('\n') {
        let _ = writeln!(out);
    }
    let _ = out.flush();
}
