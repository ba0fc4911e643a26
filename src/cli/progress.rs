//! Progress bars for commands that go over many files (`check`, `rotate --all`,
//! `updatekeys --all`): drawn on stderr when it is a terminal, silent otherwise (CI logs, pipes).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Below this many files a bar is more noise than help.
const MIN_FILES: usize = 20;

/// A bar over `len` files, labelled `what`; hidden when stderr is not a terminal or the work is small.
pub fn files(len: usize, what: &str) -> ProgressBar {
    if len < MIN_FILES || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} files ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}
