//! Running the child of `exec-env` / `exec-file`: signals sent to veil reach the child, and the
//! child's exit status becomes veil's.
//!
//! veil catches SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGALRM while the child
//! runs, passes each one sent by a process (`kill`, a CI runner cancelling the job, `timeout`)
//! on to the child, and keeps waiting, so that it can clean up after the child. Signals the
//! kernel sends (Ctrl-C, Ctrl-\ and hang-ups of the terminal) already went to the whole
//! foreground process group, the child included: they are not sent a second time.

use std::process::{Child, Command, ExitStatus};

use signal_hook::consts::{SIGALRM, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
use signal_hook::iterator::SignalsInfo;
use signal_hook::iterator::exfiltrator::WithOrigin;
use signal_hook::low_level::siginfo::Cause;

use crate::error::{Code, Failure, Result};

const FORWARDED: [i32; 7] = [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM];

/// Starts `cmd`, forwards signals to it until it ends, and returns how it ended. `started` runs
/// right after the start (e.g. to feed a FIFO) and its result is returned with the status.
pub fn run<T>(
    cmd: &mut Command,
    what: &str,
    started: impl FnOnce(&mut Child) -> T,
) -> Result<(ExitStatus, T)> {
    let fail = |e: std::io::Error| Failure::new(Code::Generic, format!("cannot run {what}: {e}"));
    // Handlers first: a signal that comes while the child starts is held, then passed on.
    let mut signals = SignalsInfo::<WithOrigin>::new(FORWARDED).map_err(fail)?;
    let handle = signals.handle();
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            handle.close();
            return Err(fail(e));
        }
    };
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    let forwarder = std::thread::spawn(move || {
        for origin in signals.forever() {
            if origin.cause == Cause::Kernel {
                continue;
            }
            if let Ok(sig) = nix::sys::signal::Signal::try_from(origin.signal) {
                let _ = nix::sys::signal::kill(pid, sig);
            }
        }
    });
    let extra = started(&mut child);
    let status = child.wait();
    handle.close();
    let _ = forwarder.join();
    Ok((status.map_err(fail)?, extra))
}

/// The exit code that passes the child's status on: its own code, or 128+N when signal N ended
/// it (as shells report it).
pub fn exit_code(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => code,
        (None, Some(sig)) => 128 + sig,
        (None, None) => 1,
    }
}
