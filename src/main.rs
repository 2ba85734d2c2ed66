//! Binary entry point: a shim that hands the command line to the library.

fn main() -> std::process::ExitCode {
    motcua::cli::main()
}
