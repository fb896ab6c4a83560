fn main() -> std::process::ExitCode {
    nianbao::cmd::run()
}
