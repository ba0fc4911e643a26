// Encryption allocates and frees one string per value; mimalloc handles that pattern far
// better than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Keeps keys and plaintext out of core dumps and away from other processes of the same user,
/// from the start to the exit: the process is not dumpable (no core file, no ptrace attach, its
/// /proc files owned by root) and its core size limit is 0. Children start dumpable again (the
/// kernel resets the flag on exec) but inherit the soft limit of 0.
fn harden() {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if let Err(e) = nix::sys::prctl::set_dumpable(false) {
        eprintln!("veil: warning: cannot make the process non-dumpable: {e}");
    }
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let hard = getrlimit(Resource::RLIMIT_CORE)
        .map(|(_, hard)| hard)
        .unwrap_or(0);
    if let Err(e) = setrlimit(Resource::RLIMIT_CORE, 0, hard) {
        eprintln!("veil: warning: cannot disable core dumps: {e}");
    }
}

fn main() {
    harden();
    std::process::exit(veil::cli::main());
}
