fn main() -> std::process::ExitCode {
    nianbao::cli::run()
}
