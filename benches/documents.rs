//! Reading documents: ms per document on one core, in this process, for each kind a county
//! office reads — the real 6-page PDF published by WPS (淮安市人民政府2024.pdf), the real WPS
//! template in circulation, and the sample report's own DOCX, web page and PDF as nianbao builds
//! them. Target: each under 20 ms.
//!
//!     cargo bench --bench documents
//!     NIANBAO_BENCH_ROUNDS=500 cargo bench --bench documents

#[path = "common/readers.rs"]
mod readers;

fn main() {
    let rounds: usize = std::env::var("NIANBAO_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    readers::run(rounds);
}
