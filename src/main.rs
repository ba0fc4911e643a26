// Encryption allocates and frees one string per value; mimalloc handles that pattern far
// better than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(veil::cli::main());
}
