//! The child's protections: resource limits, Landlock write confinement, and the subreaper
//! that catches processes escaping the run's process group. `doctor` reports each of them.
//!
//! Everything the child itself executes (between fork and exec) is a plain syscall: no
//! allocation, no locks, no path lookups, as async-signal-safety requires.

use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::Path;

/// Resource limits applied to the child with setrlimit.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub cpu_secs: u64,
    pub file_size_bytes: u64,
    pub address_space_bytes: Option<u64>,
}

pub const FILE_SIZE_LIMIT: u64 = 128 * 1024 * 1024;
pub const ADDRESS_SPACE_LIMIT: u64 = 2 * 1024 * 1024 * 1024;

impl Limits {
    pub fn for_timeout(timeout_secs: u64) -> Self {
        Limits {
            // A backstop for code burning several cores at once: a little past the wall clock,
            // so a plain endless loop meets the deadline first and can say where it was.
            cpu_secs: timeout_secs + 2,
            file_size_bytes: FILE_SIZE_LIMIT,
            address_space_bytes: Some(ADDRESS_SPACE_LIMIT),
        }
    }

    /// Called in the child between fork and exec.
    pub fn apply_in_child(&self) -> io::Result<()> {
        set_rlimit(libc::RLIMIT_CORE, 0, 0)?;
        // The soft CPU limit sends SIGXCPU; the hard one a second later SIGKILL.
        set_rlimit(libc::RLIMIT_CPU, self.cpu_secs, self.cpu_secs + 1)?;
        set_rlimit(
            libc::RLIMIT_FSIZE,
            self.file_size_bytes,
            self.file_size_bytes,
        )?;
        // iolings raised its own open-file limit; the exercise gets the usual one back.
        set_rlimit(libc::RLIMIT_NOFILE, 1024, 4096)?;
        if let Some(bytes) = self.address_space_bytes {
            set_rlimit(libc::RLIMIT_AS, bytes, bytes)?;
        }
        Ok(())
    }
}

fn set_rlimit(resource: RlimitResource, soft: u64, hard: u64) -> io::Result<()> {
    // Never raise a limit the parent already has lower (an unprivileged process may not).
    let mut current = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read/write the struct we pass.
    unsafe {
        if libc::getrlimit(resource, &mut current) != 0 {
            return Err(io::Error::last_os_error());
        }
        let hard = hard.min(current.rlim_max);
        let limit = libc::rlimit {
            rlim_cur: soft.min(hard) as libc::rlim_t,
            rlim_max: hard as libc::rlim_t,
        };
        if libc::setrlimit(resource, &limit) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
type RlimitResource = libc::__rlimit_resource_t;
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
type RlimitResource = libc::c_int;

/// A Landlock ruleset, built in the parent, that lets the child write only beneath the given
/// directories (and to /dev/null). Reads stay open so Python and its stdlib load.
pub struct WriteConfinement {
    fd: OwnedFd,
}

impl WriteConfinement {
    /// `Ok(None)` when the kernel has no Landlock: the run goes on without it.
    #[cfg(target_os = "linux")]
    pub fn new(writable: &[&Path]) -> anyhow::Result<Option<Self>> {
        use landlock::{
            AccessFs, CompatLevel, Compatible, PathBeneath, PathFd, Ruleset, RulesetAttr,
            RulesetCreatedAttr, Scope, ABI,
        };
        // Best effort: on a kernel without Landlock the crate yields no ruleset fd (None).
        let abi = ABI::V3;
        let write = AccessFs::from_write(abi);
        let mut ruleset = Ruleset::default()
            .set_compatibility(CompatLevel::BestEffort)
            .handle_access(write)?
            // ABI 6+: no signals to processes outside the sandbox (iolings itself included).
            .scope(Scope::Signal)?
            .create()?;
        for dir in writable {
            ruleset = ruleset.add_rule(PathBeneath::new(PathFd::new(dir)?, write))?;
        }
        let dev_null = AccessFs::WriteFile | AccessFs::Truncate;
        ruleset = ruleset.add_rule(PathBeneath::new(PathFd::new("/dev/null")?, dev_null))?;
        let fd: Option<OwnedFd> = ruleset.into();
        Ok(fd.map(|fd| WriteConfinement { fd }))
    }

    #[cfg(not(target_os = "linux"))]
    pub fn new(_writable: &[&Path]) -> anyhow::Result<Option<Self>> {
        Ok(None)
    }

    /// Called in the child between fork and exec: two syscalls, nothing else.
    #[cfg(target_os = "linux")]
    pub fn apply_in_child(&self) -> io::Result<()> {
        // SAFETY: plain syscalls on an fd we own; no memory is shared with the kernel.
        unsafe {
            if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
                return Err(io::Error::last_os_error());
            }
            if libc::syscall(libc::SYS_landlock_restrict_self, self.fd.as_raw_fd(), 0) != 0 {
                return Err(io::Error::last_os_error());
            }
        }
        Ok(())
    }

    #[cfg(not(target_os = "linux"))]
    pub fn apply_in_child(&self) -> io::Result<()> {
        let _ = self.fd.as_raw_fd();
        Ok(())
    }
}

/// The kernel's Landlock ABI version, or None where Landlock is missing or disabled.
#[cfg(target_os = "linux")]
pub fn landlock_abi() -> Option<i64> {
    const LANDLOCK_CREATE_RULESET_VERSION: libc::c_long = 1;
    // SAFETY: with a null attr and size 0 this call only returns the ABI version.
    let version = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<u8>(),
            0usize,
            LANDLOCK_CREATE_RULESET_VERSION,
        )
    };
    (version > 0).then_some(version)
}

#[cfg(not(target_os = "linux"))]
pub fn landlock_abi() -> Option<i64> {
    None
}

/// Become a child subreaper once, so a learner's process that double-forks or calls setsid
/// is re-parented to us when its parent dies, and can be found and killed after the run.
#[cfg(target_os = "linux")]
pub fn become_subreaper() -> bool {
    use std::sync::OnceLock;
    static DONE: OnceLock<bool> = OnceLock::new();
    // SAFETY: prctl with integer arguments only.
    *DONE.get_or_init(|| unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 })
}

#[cfg(not(target_os = "linux"))]
pub fn become_subreaper() -> bool {
    false
}
