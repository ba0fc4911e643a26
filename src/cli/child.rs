//! Running the child of `exec-env` / `exec-file`: signals sent to veil reach the child, and the
//! child's exit status becomes veil's; or how the child is started otherwise: as another user
//! (`--user`), in the background without waiting (`--background`), or in place of veil
//! (`--same-process`).
//!
//! veil catches SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGALRM while the child
//! runs, passes each one sent by a process (`kill`, a CI runner cancelling the job, `timeout`)
//! on to the child, and keeps waiting, so that it can clean up after the child. Signals the
//! kernel sends (Ctrl-C, Ctrl-\ and hang-ups of the terminal) already went to the whole
//! foreground process group, the child included: they are not sent a second time.

use std::os::unix::process::CommandExt;
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

/// Runs the command as `user` (a name or a numeric id): its uid, its primary group, and no
/// supplementary groups of veil's. Needs the privilege to switch users.
pub fn as_user(cmd: &mut Command, user: Option<&str>) -> Result<()> {
    let Some(name) = user else {
        return Ok(());
    };
    let found = match name.parse::<u32>() {
        Ok(uid) => nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid)),
        Err(_) => nix::unistd::User::from_name(name),
    };
    let u = found
        .map_err(|e| Failure::new(Code::Generic, format!("--user {name}: {e}")))?
        .ok_or_else(|| Failure::new(Code::Generic, format!("--user {name}: no such user")))?;
    if !nix::unistd::geteuid().is_root() && nix::unistd::geteuid() != u.uid {
        return Err(Failure::new(
            Code::Generic,
            format!("--user {name}: only root can run a command as another user"),
        ));
    }
    // std drops the supplementary groups (setgroups) before setuid when veil runs as root.
    cmd.uid(u.uid.as_raw()).gid(u.gid.as_raw());
    Ok(())
}

/// Replaces veil with the command (`--same-process`); returns only on failure.
pub fn exec_in_place(mut cmd: Command) -> Failure {
    let e = cmd.exec();
    Failure::new(Code::Generic, format!("cannot run {}: {e}", program(&cmd)))
}

/// Starts the command and returns at once (`--background`): veil does not wait for it.
pub fn spawn_detached(mut cmd: Command) -> Result<std::process::Child> {
    cmd.stdin(std::process::Stdio::null());
    cmd.spawn()
        .map_err(|e| Failure::new(Code::Generic, format!("cannot run {}: {e}", program(&cmd))))
}

/// The command of a background `exec-file`: runs `cmd`, then removes `dir` (the decrypted
/// file's private directory) once it has ended, keeping its exit status.
pub fn cleanup_after(cmd: &Command, dir: &std::path::Path) -> Command {
    let mut wrapped = Command::new("/bin/sh");
    wrapped
        .arg("-c")
        .arg(r#"d=$1; shift; "$@"; s=$?; rm -rf -- "$d"; exit $s"#)
        .arg("sh")
        .arg(dir)
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => wrapped.env(k, v),
            None => wrapped.env_remove(k),
        };
    }
    wrapped
}

fn program(cmd: &Command) -> String {
    crate::fsio::sanitize(&cmd.get_program().to_string_lossy())
}
