//! Prints the report nianbao reads from a file as JSON, and its findings: for looking at what a
//! reader made of a document. `cargo run --release --example dump -- FILE`
fn main() {
    for arg in std::env::args().skip(1) {
        let out = nianbao::input::read_file(std::path::Path::new(&arg));
        let json = serde_json::to_string_pretty(&out.report).unwrap_or_default();
        println!("{json}");
        for f in &out.findings {
            println!("{:?} {:?} {:?} {}", f.code, f.sheet, f.cell, f.message);
        }
    }
}
