//! How `exec-env` and `exec-file` start their command: as another user (`--user`), in the
//! background without waiting (`--background`), or in place of veil (`--same-process`).

use std::os::unix::process::CommandExt;
use std::process::Command;

use crate::error::{Code, Failure, Result};

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
    Failure::new(Code::Generic, format!("cannot run /bin/sh: {e}"))
}

/// Starts the command and returns at once (`--background`): veil does not wait for it.
pub fn spawn_detached(mut cmd: Command) -> Result<std::process::Child> {
    cmd.stdin(std::process::Stdio::null());
    cmd.spawn()
        .map_err(|e| Failure::new(Code::Generic, format!("cannot run /bin/sh: {e}")))
}

/// The shell command of a background `exec-file`: runs `command`, then removes `dir` (the
/// decrypted file's private directory) once it has ended, keeping its exit status.
pub fn cleanup_after(command: &str, dir: &std::path::Path) -> Command {
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c")
        .arg(r#"/bin/sh -c "$0"; s=$?; rm -rf -- "$1"; exit $s"#)
        .arg(command)
        .arg(dir);
    cmd
}

/// Releases the thread writing the FIFO at `path` when its reader ended without reading: the
/// read end is held open (and drained) until the writer is done, whether or not the writer had
/// opened the FIFO yet.
pub fn release_fifo(path: &std::path::Path, writer: &std::thread::JoinHandle<()>) {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    if writer.is_finished() {
        return;
    }
    let Ok(mut r) = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits())
        .open(path)
    else {
        return;
    };
    let mut buf = zeroize::Zeroizing::new([0u8; 8192]);
    while !writer.is_finished() {
        match r.read(&mut buf[..]) {
            Ok(n) if n > 0 => {}
            _ => std::thread::sleep(std::time::Duration::from_millis(2)),
        }
    }
}
