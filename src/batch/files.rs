//! Writing into the output folder as a transaction (git's lock files are the model): each set
//! of files is staged in temporary files beside their targets, then renamed into place all
//! together or not at all; the old files are kept aside until every rename succeeded, so a
//! failure puts them back. Temporary and kept-aside files carry one recognisable prefix, and
//! the next build sweeps what a killed run left. Files get the mode the user's umask gives
//! (tempfile alone creates 0600, which a web server or a colleague on the share cannot read).

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Every temporary or kept-aside file nianbao makes starts with this.
const PREFIX: &str = ".nianbao-";
const STAGED: &str = ".tmp";
const KEPT: &str = ".old";

/// A write that failed, naming the file it was for.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub error: std::io::Error,
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "无法写入 {}：{}",
            self.path.display(),
            describe(&self.error)
        )
    }
}

impl std::error::Error for WriteError {}

/// An OS error in Chinese where the cause is a common one, with the system's words after it.
pub fn describe(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    let what = match e.kind() {
        PermissionDenied => "没有写入权限",
        NotFound => "文件夹不存在",
        IsADirectory => "同名的文件夹占用了这个位置，请移走该文件夹",
        _ => return crate::os::describe(e),
    };
    match e.raw_os_error() {
        Some(code) => format!("{what}（系统错误码 {code}）"),
        None => what.to_string(),
    }
}

fn failed(path: &Path, error: std::io::Error) -> WriteError {
    WriteError {
        path: path.to_path_buf(),
        error,
    }
}

/// Writes every file, replacing all of them or none: a reader never sees half a file, and a
/// report never gets a new PDF beside an old XLSX because one rename failed.
pub fn write_all(files: &[(&Path, &[u8])]) -> Result<(), WriteError> {
    let mut staged = Vec::new();
    for (path, bytes) in files {
        staged.push((stage(path, bytes)?, *path));
    }
    // A folder (or anything but a file) where a file goes: said before anything is replaced.
    for (_, path) in &staged {
        if let Ok(m) = std::fs::symlink_metadata(path)
            && !m.is_file()
        {
            let e = std::io::Error::from(std::io::ErrorKind::IsADirectory);
            return Err(failed(path, e));
        }
    }
    let mut kept: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    for (tmp, path) in staged {
        let old = match keep_aside(path) {
            Ok(old) => old,
            Err(e) => {
                restore(&kept);
                return Err(failed(path, e));
            }
        };
        if let Err(e) = tmp.persist(path) {
            if let Some(old) = &old {
                let _ = std::fs::remove_file(old);
            }
            restore(&kept);
            return Err(failed(path, e.error));
        }
        kept.push((path.to_path_buf(), old));
        failpoint("rename");
    }
    for (_, old) in &kept {
        if let Some(old) = old {
            let _ = std::fs::remove_file(old);
        }
    }
    if let Some(dir) = files.first().and_then(|(p, _)| p.parent()) {
        sync_dir(dir);
    }
    Ok(())
}

/// One file written atomically (see `write_all`).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_all(&[(path, bytes)])
}

/// The bytes in a temporary file beside `path`, on disk.
fn stage(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, WriteError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| failed(dir, e))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(PREFIX).suffix(STAGED);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Asked for 0666, created with the umask applied: what any file the user makes gets.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(|e| failed(path, e))?;
    tmp.write_all(bytes).map_err(|e| failed(path, e))?;
    tmp.as_file().sync_all().map_err(|e| failed(path, e))?;
    Ok(tmp)
}

/// A second name for the file at `path` (a hard link, or a copy where links are not
/// supported), so that it can be put back; `None` when there is no file yet.
fn keep_aside(path: &Path) -> std::io::Result<Option<PathBuf>> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(None);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    loop {
        let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let old = dir.join(format!("{PREFIX}{}-{n}{KEPT}", std::process::id()));
        match std::fs::hard_link(path, &old) {
            Ok(()) => return Ok(Some(old)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            // File systems without hard links (FAT, some shares): a copy serves.
            Err(_) => {
                if std::fs::symlink_metadata(&old).is_ok() {
                    continue;
                }
                std::fs::copy(path, &old)?;
                return Ok(Some(old));
            }
        }
    }
}

/// Puts back what `write_all` replaced before a later rename failed.
fn restore(kept: &[(PathBuf, Option<PathBuf>)]) {
    for (path, old) in kept.iter().rev() {
        let _ = match old {
            Some(old) => std::fs::rename(old, path),
            None => std::fs::remove_file(path),
        };
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(not(unix))]
fn sync_dir(_: &Path) {}

/// A crash on purpose, for the tests that kill a build at a chosen step: with
/// `NIANBAO_FAILPOINT=<step>=<n>` the process aborts (as `kill -9` would stop it: no clean-up,
/// no destructor) on the n-th time it reaches `step` (`rename`, `journal`, `compact`).
pub fn failpoint(step: &str) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static REACHED: AtomicUsize = AtomicUsize::new(0);
    let Ok(spec) = std::env::var("NIANBAO_FAILPOINT") else {
        return;
    };
    let Some((name, n)) = spec.split_once('=') else {
        return;
    };
    if name == step && n.parse() == Ok(REACHED.fetch_add(1, Ordering::SeqCst) + 1) {
        std::process::abort();
    }
}

/// Whether `name` is one of the temporary or kept-aside files a write makes.
pub fn is_leftover(name: &str) -> bool {
    name.starts_with(PREFIX) && (name.ends_with(STAGED) || name.ends_with(KEPT))
}

/// Removes what an interrupted run left in `dir` and its subfolders (one level: the year's
/// 草稿/). Only called while the output folder's lock is held, so no running build's files.
pub fn sweep(dir: &Path, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let Ok(kind) = e.file_type() else { continue };
        let name = e.file_name().to_string_lossy().to_string();
        if kind.is_file() && is_leftover(&name) {
            let _ = std::fs::remove_file(&path);
        } else if kind.is_dir() && depth > 0 {
            sweep(&path, depth - 1);
        }
    }
}

/// The output folder held by one command at a time (an advisory lock the OS releases when the
/// process ends, however it ends): two builds into one folder would sweep each other's files.
pub struct Lock {
    _file: std::fs::File,
}

impl Lock {
    pub fn take(out: &Path) -> anyhow::Result<Lock> {
        std::fs::create_dir_all(out).map_err(|e| {
            anyhow::anyhow!("无法创建输出文件夹 {}：{}", out.display(), describe(&e))
        })?;
        let path = out.join(".nianbao.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| anyhow::anyhow!("无法写入 {}：{}", path.display(), describe(&e)))?;
        match file.try_lock() {
            Ok(()) => Ok(Lock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
                "另一个 nianbao 正在向 {} 生成报告。请等它结束后再运行。",
                out.display()
            ),
            Err(std::fs::TryLockError::Error(e)) => {
                anyhow::bail!("无法锁定输出文件夹 {}：{}", out.display(), describe(&e))
            }
        }
    }
}

/// `path` made absolute with links resolved as far as it exists (the rest appended as given).
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = joined.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut p = real;
            for part in rest.iter().rev() {
                p.push(part);
            }
            return p;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return joined,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_rename_puts_every_file_back() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.pdf"), dir.path().join("b.xlsx"));
        std::fs::write(&a, b"old a").unwrap();
        std::fs::create_dir(&b).unwrap();
        let err = write_all(&[(&a, b"new a"), (&b, b"new b")]).unwrap_err();
        assert_eq!(err.path, b);
        assert_eq!(std::fs::read(&a).unwrap(), b"old a");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert!(!names.iter().any(|n| is_leftover(n)), "{names:?}");
    }

    #[test]
    fn replaced_files_leave_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.pdf");
        write_atomic(&a, b"one").unwrap();
        write_atomic(&a, b"two").unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn sweep_removes_only_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("草稿")).unwrap();
        for n in [
            ".nianbao-x1.tmp",
            "草稿/.nianbao-y.old",
            "a.pdf",
            ".nianbao-manifest.json",
        ] {
            std::fs::write(dir.path().join(n), b"").unwrap();
        }
        sweep(dir.path(), 1);
        assert!(dir.path().join("a.pdf").exists());
        assert!(dir.path().join(".nianbao-manifest.json").exists());
        assert!(!dir.path().join(".nianbao-x1.tmp").exists());
        assert!(!dir.path().join("草稿/.nianbao-y.old").exists());
    }

    #[test]
    fn a_second_lock_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let first = Lock::take(dir.path()).unwrap();
        assert!(Lock::take(dir.path()).is_err());
        drop(first);
        assert!(Lock::take(dir.path()).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn files_get_the_umask_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.pdf");
        write_atomic(&a, b"x").unwrap();
        let mode = std::fs::metadata(&a).unwrap().permissions().mode() & 0o777;
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let umask = status
            .lines()
            .find_map(|l| l.strip_prefix("Umask:"))
            .and_then(|m| u32::from_str_radix(m.trim(), 8).ok())
            .unwrap_or(0o022);
        assert_eq!(mode, 0o666 & !umask, "{mode:o}");
    }
}
