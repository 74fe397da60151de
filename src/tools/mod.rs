//! The command-line tools that drive an absim from outside, as a CI job, a
//! QA engineer or a demo does: `absim run` (the scenario suite), `absim
//! verify`, `group`, `open-run` and `shop` (CI verdicts on a team's own
//! system), `absim lint`, `absim buyer` and `absim demo`, `absim bench`, and
//! the JUnit writer they share. They reach absim through its HTTP API, or
//! start one in-process; the server's own modules never import them.

pub mod bench;
pub mod ci;
pub mod demo;
pub mod junit;
pub mod lint;
pub mod suite;

use std::future::Future;
use std::process::ExitCode;

use crate::cli::Command;

/// Runs a tool's command to its end; the exit code says whether it passed.
/// `shutdown` stops the tools that keep serving (`buyer`, `demo`).
pub async fn execute(
    command: Command,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<ExitCode> {
    let passed = match command {
        Command::Serve(_) => anyhow::bail!("`serve` starts the server; it is not a tool"),
        Command::Bench(args) => bench::run(args).await.map(|()| true)?,
        Command::BenchFloor => bench::floor().await.map(|()| true)?,
        Command::Run(args) => suite::run_command(args).await?,
        Command::Buyer(b) => demo::buyer_command(b, shutdown).await.map(|()| true)?,
        Command::Group { action } => ci::group(action).await.map(|()| true)?,
        Command::Scenarios(args) => ci::scenarios(args).await.map(|()| true)?,
        Command::OpenRun(args) => ci::open_run(args).await.map(|()| true)?,
        Command::Shop(args) => ci::shop(args).await.map(|()| true)?,
        Command::Verify(args) => ci::verify(args).await?,
        Command::Demo {
            addr,
            buyer_addr,
            marketplace,
        } => demo::demo_command(addr, buyer_addr, &marketplace, shutdown)
            .await
            .map(|()| true)?,
        Command::Lint { files } => {
            let (text, failed) = lint::lint_files(&files);
            print!("{text}");
            !failed
        }
    };
    Ok(if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
