//! What the benchmark reads of the processes it starts: the cores each may
//! run on and the CPU time each has used.

/// The cores a process may run on, as the kernel lists them (`0`, `0-1`).
pub fn allowed_cores(pid: u32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
        .map(|v| v.trim().to_owned())
}

/// CPU time a process has used, user and system, in µs (from
/// `/proc/PID/stat`, in clock ticks of 1/100 s: Linux's USER_HZ).
pub fn cpu_us(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name, which may hold spaces, in brackets.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split_whitespace();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the state.
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime + stime) * 10_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_used_cpu_and_may_run_somewhere() {
        let pid = std::process::id();
        let spent = cpu_us(pid).expect("/proc/self/stat reads");
        // Work until the clock (in ticks of 10 ms) moves.
        let started = std::time::Instant::now();
        let mut x = 0u64;
        while cpu_us(pid).unwrap() == spent {
            for i in 0..1_000_000u64 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
            }
            assert!(started.elapsed().as_secs() < 5, "the CPU clock never moved");
        }
        assert!(cpu_us(pid).unwrap() - spent >= 10_000);
        assert!(!allowed_cores(pid).unwrap().is_empty());
    }
}
