//! Operating-system errors in Chinese: `No such device (os error 19)` means nothing to a clerk.
//! What went wrong in words, and the system's code for the support desk, never its English.

use std::io::{Error, ErrorKind};

/// `是文件夹，不是文件（系统错误码 21）`.
pub fn describe(e: &Error) -> String {
    let what = match (e.kind(), e.raw_os_error()) {
        (_, Some(19)) | (_, Some(21)) | (ErrorKind::IsADirectory, _) => "是文件夹或设备，不是文件",
        (_, Some(20)) | (ErrorKind::NotADirectory, _) => "路径中有一段不是文件夹",
        (ErrorKind::NotFound, _) => "不存在",
        (ErrorKind::PermissionDenied, _) => "没有访问权限",
        (ErrorKind::StorageFull, _) => "磁盘已满",
        (ErrorKind::ReadOnlyFilesystem, _) => "所在磁盘是只读的",
        (ErrorKind::AlreadyExists, _) => "已经存在",
        (ErrorKind::DirectoryNotEmpty, _) => "文件夹不是空的",
        (ErrorKind::FileTooLarge, _) => "文件太大",
        (ErrorKind::ResourceBusy, _) | (ErrorKind::ExecutableFileBusy, _) => "正被其他程序占用",
        (ErrorKind::InvalidFilename, _) => "文件名不合规定（太长或含有不允许的字符）",
        (ErrorKind::UnexpectedEof, _) => "文件不完整（读到一半就结束了）",
        (ErrorKind::InvalidData, _) => "内容不是预期的格式",
        (ErrorKind::Interrupted, _) => "读写被中断",
        (ErrorKind::OutOfMemory, _) => "内存不足",
        (ErrorKind::BrokenPipe, _) => "输出已被关闭",
        _ => "无法访问",
    };
    match e.raw_os_error() {
        Some(code) => format!("{what}（系统错误码 {code}）"),
        None => what.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_english_reaches_the_clerk() {
        let dir = std::env::temp_dir();
        let e = std::fs::read(&dir).expect_err("a folder is not a file");
        let said = describe(&e);
        assert!(said.contains("文件夹"), "{said}");
        assert!(!said.chars().any(|c| c.is_ascii_alphabetic()), "{said}");
        let e = std::fs::read(dir.join("没有这个文件")).expect_err("missing");
        assert_eq!(describe(&e), "不存在（系统错误码 2）");
    }
}
