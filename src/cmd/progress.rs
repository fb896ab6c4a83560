//! Progress over many workbooks: a bar on a terminal (indicatif), a line at every tenth when
//! stderr is a file or a pipe (a log an office keeps), nothing for a handful of workbooks.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressStyle};

/// Below this many workbooks a batch is done before progress would help.
const QUIET_BELOW: usize = 20;

pub struct Progress {
    what: &'static str,
    total: usize,
    done: AtomicUsize,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Progress of `what` (`校验`, `生成`) over `total` workbooks.
    pub fn new(what: &'static str, total: usize) -> Progress {
        let bar = (total >= QUIET_BELOW && std::io::stderr().is_terminal()).then(|| {
            let style = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}  剩余 {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            ProgressBar::new(total as u64)
                .with_style(style)
                .with_message(what)
        });
        Progress {
            what,
            total,
            done: AtomicUsize::new(0),
            bar,
        }
    }

    /// One workbook done (called from worker threads).
    pub fn tick(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(bar) = &self.bar {
            bar.inc(1);
        } else if self.total >= QUIET_BELOW
            && tenth(done, self.total) != tenth(done - 1, self.total)
        {
            super::say(format!("{}：{done}/{}", self.what, self.total));
        }
    }

    /// Removes the bar, so that what follows prints on a clean line.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn tenth(done: usize, total: usize) -> usize {
    done * 10 / total.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_at_every_tenth() {
        let lines = (1..=100)
            .filter(|d| tenth(*d, 100) != tenth(d - 1, 100))
            .count();
        assert_eq!(lines, 10);
        let lines = (1..=25)
            .filter(|d| tenth(*d, 25) != tenth(d - 1, 25))
            .count();
        assert_eq!(lines, 10);
    }
}
