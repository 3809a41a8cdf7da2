//! Running the interpreter as a child: its own process group, a private report pipe, capped
//! output, a wall-clock deadline, cancellation, and no process left behind afterwards.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;

use super::confine::{Limits, WriteConfinement};
use super::verdict::Captured;

/// The descriptor number the harness finds its report pipe on.
pub const REPORT_FD: RawFd = 3;
/// The descriptor number the harness reads its run token from.
pub const TOKEN_FD: RawFd = 4;
/// Output kept per stream; the rest is read and dropped so the child never blocks on a pipe.
pub const OUTPUT_CAP: usize = 1024 * 1024;
/// The report pipe carries at most this much (each record is capped by the harness too).
const REPORT_CAP: usize = 16 * 1024 * 1024;
/// How long to keep reading after the interpreter exited, for output still in the pipes.
const DRAIN_GRACE: Duration = Duration::from_millis(100);
const POLL_SLICE_MS: i32 = 10;
/// At the deadline the interpreter is asked (SIGUSR2) to write where it is to the report pipe,
/// and given this long to do it before the whole group is killed.
const DUMP_GRACE: Duration = Duration::from_millis(150);
/// The signal the harness answers with a traceback (faulthandler).
pub const DUMP_SIGNAL: i32 = libc::SIGUSR2;

/// Set by Ctrl-C / SIGTERM (see `interrupt`), checked by every run in flight.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Cancels a run in flight (watch mode: a newer save arrived).
#[derive(Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst) || INTERRUPTED.load(Ordering::SeqCst)
    }
}

/// How the child ended.
#[derive(Debug)]
pub struct ChildOutcome {
    pub pid: u32,
    pub status: Option<ExitStatus>,
    pub timed_out: bool,
    pub cancelled: bool,
    pub stdout: Captured,
    pub stderr: Captured,
    pub report: Vec<u8>,
    pub elapsed: Duration,
}

impl ChildOutcome {
    pub fn signal(&self) -> Option<i32> {
        self.status.and_then(|s| s.signal())
    }

    pub fn code(&self) -> Option<i32> {
        self.status.and_then(|s| s.code())
    }
}

/// Pids of the interpreters we started and have not reaped yet: every other child of ours is
/// an escapee re-parented to us as subreaper. The lock is held while spawning and while
/// hunting escapees, so a run starting on another thread is never mistaken for one.
static LIVE: Mutex<Option<HashSet<u32>>> = Mutex::new(None);

fn live() -> std::sync::MutexGuard<'static, Option<HashSet<u32>>> {
    LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn spawn_registered(command: &mut Command) -> io::Result<Child> {
    let mut live = live();
    let child = command.spawn()?;
    live.get_or_insert_with(HashSet::new).insert(child.id());
    Ok(child)
}

/// Run a helper program of our own (not exercise code) to completion, registered like an
/// interpreter so a parallel run's escapee hunt never mistakes it for one.
pub fn run_helper(command: &mut Command) -> io::Result<ExitStatus> {
    let mut child = spawn_registered(command)?;
    let status = child.wait();
    live_remove(child.id());
    status
}

fn live_remove(pid: u32) {
    live().get_or_insert_with(HashSet::new).remove(&pid);
}

/// What guards one child: resource limits and Landlock applied between fork and exec, and
/// whether to hunt its escaped descendants afterwards.
#[derive(Default)]
pub struct Guards {
    pub limits: Option<Limits>,
    pub confinement: Option<WriteConfinement>,
    pub hunt_escapees: bool,
}

/// Spawn `command` under `guards` and collect everything until it ends. `token` is handed to
/// the child on `TOKEN_FD`, a pipe it reads once: unlike the environment or the arguments, it
/// leaves no trace in /proc for exercise code to find.
pub fn run(
    command: Command,
    token: &[u8],
    guards: Guards,
    timeout: Duration,
    cancel: &Cancel,
) -> anyhow::Result<ChildOutcome> {
    let started = start(command, guards, Spawn::Here)?;
    let spawned_at = started.spawned_at;
    started.finish(token, timeout, cancel, spawned_at)
}

/// Which thread forks the child. PR_SET_PDEATHSIG fires when the *thread* that forked the
/// child ends, not the process: a child that must outlive the thread asking for it (a warm
/// interpreter waiting for the next save) is forked by a thread that lives as long as iolings.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Spawn {
    /// The calling thread, which then collects the child itself.
    Here,
    /// The process's long-lived spawner thread.
    Detached,
}

/// An interpreter started under its guards that has not been given its token yet. The harness
/// blocks reading the token pipe, so until `finish` it waits without using any CPU. Dropping
/// it kills the whole process group and reaps the child.
pub struct Started {
    child: Option<Child>,
    report_read: Option<OwnedFd>,
    token_write: Option<OwnedFd>,
    /// Kept open until the end so writing the token never fails, even to a child that died.
    _token_read: OwnedFd,
    hunt_escapees: bool,
    pub spawned_at: Instant,
}

/// Spawn `command` under `guards` with the report and token pipes in place; the token is
/// written later, by `Started::finish`.
pub fn start(mut command: Command, guards: Guards, spawn: Spawn) -> anyhow::Result<Started> {
    let (report_read, report_write) = pipe().context("could not create the report pipe")?;
    let write_fd = report_write.as_raw_fd();
    let (token_read, token_write) = pipe().context("could not create the token pipe")?;
    let token_fd = token_read.as_raw_fd();
    let hunt_escapees = guards.hunt_escapees;
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    // SAFETY: the closure only makes async-signal-safe syscalls (dup2, fcntl, prctl,
    // setrlimit, landlock) and allocates nothing.
    unsafe {
        command.pre_exec(move || {
            #[cfg(target_os = "linux")]
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                return Err(io::Error::last_os_error());
            }
            if let Some(limits) = &guards.limits {
                limits.apply_in_child()?;
            }
            // Before the fd shuffle: the ruleset's own descriptor may be the one (3) that
            // the report pipe is about to take.
            if let Some(confinement) = &guards.confinement {
                confinement.apply_in_child()?;
            }
            // The token pipe first: its fd may be 3, which the report pipe is about to take.
            let token_high = libc::fcntl(token_fd, libc::F_DUPFD_CLOEXEC, 10);
            if token_high < 0 {
                return Err(io::Error::last_os_error());
            }
            move_fd_to(write_fd, REPORT_FD)?;
            move_fd_to(token_high, TOKEN_FD)
        });
    }
    let child = match spawn {
        Spawn::Here => spawn_registered(&mut command),
        Spawn::Detached => spawner::spawn(command),
    }
    .context("could not start the Python interpreter")?;
    drop(report_write);
    Ok(Started {
        child: Some(child),
        report_read: Some(report_read),
        token_write: Some(token_write),
        _token_read: token_read,
        hunt_escapees,
        spawned_at: Instant::now(),
    })
}

impl Started {
    /// True when the interpreter has already ended (it should still be waiting).
    pub fn has_exited(&self) -> bool {
        self.child.as_ref().is_none_or(|c| has_exited(c.id()))
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Hand the child its token (the harness goes on from there) and collect everything until
    /// it ends. The wall-clock `timeout` counts from `clock_from`.
    pub fn finish(
        mut self,
        token: &[u8],
        timeout: Duration,
        cancel: &Cancel,
        clock_from: Instant,
    ) -> anyhow::Result<ChildOutcome> {
        let mut child = self
            .child
            .take()
            .context("the interpreter was already used")?;
        let report = self.report_read.take().context("report pipe missing")?;
        let mut guard = GroupGuard {
            pgid: child.id(),
            armed: true,
        };
        // A pipe holds at least 4 KiB, and the read end is still open: this cannot block.
        let result = self
            .token_write
            .take()
            .map(File::from)
            .context("token pipe missing")
            .and_then(|mut f| f.write_all(token).context("could not write the run token"))
            .and_then(|()| collect(&mut child, report, timeout, cancel, clock_from));
        guard.armed = result.is_err();
        drop(guard);
        if result.is_err() {
            let _ = child.wait();
        }
        live_remove(child.id());
        if self.hunt_escapees {
            reap_escapees();
        }
        result
    }
}

impl Drop for Started {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Unreaped, so the group id is still this child's own.
            kill_group(child.id());
            let _ = child.wait();
            live_remove(child.id());
        }
    }
}

/// The thread that forks detached children; it never ends, so their PDEATHSIG fires only
/// when iolings itself ends.
mod spawner {
    use std::io;
    use std::process::{Child, Command};
    use std::sync::mpsc::{self, Sender};
    use std::sync::{Mutex, OnceLock};

    type Job = Box<dyn FnOnce() + Send>;

    fn queue() -> Option<&'static Mutex<Sender<Job>>> {
        static QUEUE: OnceLock<Option<Mutex<Sender<Job>>>> = OnceLock::new();
        QUEUE
            .get_or_init(|| {
                let (tx, rx) = mpsc::channel::<Job>();
                std::thread::Builder::new()
                    .name("iolings-spawner".into())
                    .spawn(move || {
                        for job in rx {
                            job();
                        }
                    })
                    .ok()
                    .map(|_| Mutex::new(tx))
            })
            .as_ref()
    }

    pub fn spawn(mut command: Command) -> io::Result<Child> {
        let unavailable = || io::Error::other("the spawner thread is not running");
        let queue = queue().ok_or_else(unavailable)?;
        let (tx, rx) = mpsc::sync_channel(1);
        let job: Job = Box::new(move || {
            let _ = tx.send(super::spawn_registered(&mut command));
        });
        queue
            .lock()
            .map_err(|_| unavailable())?
            .send(job)
            .map_err(|_| unavailable())?;
        rx.recv().map_err(|_| unavailable())?
    }
}

/// Kills the whole process group when dropped, on the paths that did not (errors, panics).
/// A normal end has already killed the group while its leader was unreaped; killing again
/// after the reap could hit an unrelated group that reused the id, so it is disarmed then.
struct GroupGuard {
    pgid: u32,
    armed: bool,
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if self.armed {
            kill_group(self.pgid);
        }
    }
}

fn kill_group(pgid: u32) {
    // SAFETY: killpg with a pid we created as a group leader; ESRCH (already gone) is fine.
    unsafe {
        libc::killpg(pgid as libc::pid_t, libc::SIGKILL);
    }
}

struct Stream {
    file: File,
    buf: Vec<u8>,
    cap: usize,
    dropped: u64,
    open: bool,
}

impl Stream {
    fn new(file: File, cap: usize) -> Self {
        Stream {
            file,
            buf: Vec::new(),
            cap,
            dropped: 0,
            open: true,
        }
    }

    fn read_some(&mut self) {
        let mut chunk = [0u8; 64 * 1024];
        match self.file.read(&mut chunk) {
            Ok(0) => self.open = false,
            Ok(n) => {
                let room = self.cap.saturating_sub(self.buf.len());
                let keep = room.min(n);
                self.buf.extend_from_slice(&chunk[..keep]);
                self.dropped += (n - keep) as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => self.open = false,
        }
    }

    fn captured(self) -> Captured {
        Captured {
            text: String::from_utf8_lossy(&self.buf).into_owned(),
            dropped_bytes: self.dropped,
        }
    }
}

fn collect(
    child: &mut Child,
    report: OwnedFd,
    timeout: Duration,
    cancel: &Cancel,
    started: Instant,
) -> anyhow::Result<ChildOutcome> {
    let stdout = child.stdout.take().context("child stdout missing")?;
    let stderr = child.stderr.take().context("child stderr missing")?;
    let mut streams = [
        Stream::new(File::from(OwnedFd::from(stdout)), OUTPUT_CAP),
        Stream::new(File::from(OwnedFd::from(stderr)), OUTPUT_CAP),
        Stream::new(File::from(report), REPORT_CAP),
    ];
    let pid = child.id();
    // Polled with the pipes, so the loop wakes the moment the interpreter exits.
    let exit_fd = pidfd(pid);
    let deadline = started + timeout;
    let (mut timed_out, mut cancelled) = (false, false);
    let mut exited_at: Option<Instant> = None;
    loop {
        let now = Instant::now();
        if exited_at.is_none() && !timed_out && now >= deadline {
            timed_out = true;
            // SAFETY: signalling our own child, still unreaped, so the pid is its own.
            unsafe {
                libc::kill(pid as libc::pid_t, DUMP_SIGNAL);
            }
        }
        if exited_at.is_none() && timed_out && now >= deadline + DUMP_GRACE {
            kill_group(pid);
        }
        if exited_at.is_none() && !cancelled && cancel.is_cancelled() {
            cancelled = true;
            kill_group(pid);
        }
        if exited_at.is_none() && has_exited(pid) {
            // Kill the rest of the group while the zombie leader still holds the group id.
            kill_group(pid);
            exited_at = Some(now);
        }
        let all_closed = streams.iter().all(|s| !s.open);
        match exited_at {
            Some(at) if all_closed || now.duration_since(at) > DRAIN_GRACE => break,
            _ => {}
        }
        poll_streams(&mut streams, exit_fd.as_ref());
    }
    let status = child.wait().context("could not wait for the interpreter")?;
    let elapsed = started.elapsed();
    let [out, err, rep] = streams;
    Ok(ChildOutcome {
        pid,
        status: Some(status),
        timed_out,
        cancelled,
        stdout: out.captured(),
        stderr: err.captured(),
        report: rep.buf,
        elapsed,
    })
}

/// True once the child has exited; it stays a zombie (not reaped) until `wait`.
fn has_exited(pid: u32) -> bool {
    // SAFETY: waitid writes only into the siginfo we pass; WNOWAIT leaves the child unreaped.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let rc = libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        );
        rc == 0 && info.si_pid() != 0
    }
}

/// A descriptor that becomes readable when `pid` exits (Linux 5.3+), if the kernel has it.
#[cfg(target_os = "linux")]
fn pidfd(pid: u32) -> Option<OwnedFd> {
    // SAFETY: pidfd_open returns a new descriptor we then own, or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0) };
    (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

#[cfg(not(target_os = "linux"))]
fn pidfd(_pid: u32) -> Option<OwnedFd> {
    None
}

fn poll_streams(streams: &mut [Stream; 3], exit_fd: Option<&OwnedFd>) {
    let mut fds: Vec<libc::pollfd> = Vec::with_capacity(4);
    let mut which: Vec<usize> = Vec::with_capacity(3);
    for (i, s) in streams.iter().enumerate() {
        if s.open {
            fds.push(libc::pollfd {
                fd: s.file.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            });
            which.push(i);
        }
    }
    if let Some(fd) = exit_fd {
        fds.push(libc::pollfd {
            fd: fd.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        });
    }
    // SAFETY: fds points to `fds.len()` valid pollfd structs.
    let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, POLL_SLICE_MS) };
    if ready <= 0 {
        return;
    }
    for (pfd, &i) in fds.iter().zip(&which) {
        if pfd.revents & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0 {
            streams[i].read_some();
        }
    }
}

fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as RawFd; 2];
    // SAFETY: pipe2 fills the two-element array.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: both descriptors were just created and are owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// In the child: make `from` available as `to`, without close-on-exec.
fn move_fd_to(from: RawFd, to: RawFd) -> io::Result<()> {
    // SAFETY: async-signal-safe fd syscalls on descriptors valid in the child.
    unsafe {
        if from == to {
            let flags = libc::fcntl(to, libc::F_GETFD);
            if flags < 0 || libc::fcntl(to, libc::F_SETFD, flags & !libc::FD_CLOEXEC) < 0 {
                return Err(io::Error::last_os_error());
            }
        } else if libc::dup2(from, to) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Kill and reap processes re-parented to us (we are a subreaper) that are not one of our
/// live interpreters: daemons a learner's code started with setsid or a double fork.
#[cfg(target_os = "linux")]
pub fn reap_escapees() {
    let live = live();
    let known = live.clone().unwrap_or_default();
    for _ in 0..64 {
        let escapees = find_escapees(&known);
        if escapees.is_empty() {
            return;
        }
        for pid in escapees {
            // SAFETY: signal and reap a child of ours by pid; never waitpid(-1), which could
            // steal the status of a run in flight on another thread.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                let mut status = 0;
                libc::waitpid(pid, &mut status, 0);
            }
        }
    }
    drop(live);
}

#[cfg(not(target_os = "linux"))]
pub fn reap_escapees() {}

#[cfg(target_os = "linux")]
fn find_escapees(live: &HashSet<u32>) -> Vec<libc::pid_t> {
    let mut found = Vec::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return found;
    };
    for task in tasks.flatten() {
        let Ok(children) = std::fs::read_to_string(task.path().join("children")) else {
            continue;
        };
        for pid in children
            .split_whitespace()
            .filter_map(|p| p.parse::<u32>().ok())
        {
            if !live.contains(&pid) {
                found.push(pid as libc::pid_t);
            }
        }
    }
    found
}

/// Ctrl-C, SIGTERM, SIGHUP (the terminal closed) and SIGQUIT stop the runs in flight (their
/// process groups are killed and their sandboxes removed) instead of killing iolings on the
/// spot. Clean-up takes milliseconds; only a third signal gives up on it and exits at once.
pub fn install_interrupt_handler() {
    use std::sync::atomic::AtomicUsize;
    use std::sync::Once;
    static ONCE: Once = Once::new();
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    ONCE.call_once(|| {
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
            // SAFETY: the handler only touches atomics and calls _exit, both async-signal-safe.
            let _ = unsafe {
                signal_hook::low_level::register(signal, || {
                    INTERRUPTED.store(true, Ordering::SeqCst);
                    if COUNT.fetch_add(1, Ordering::SeqCst) >= 2 {
                        signal_hook::low_level::exit(130);
                    }
                })
            };
        }
    });
}

pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}
