//! Defence in depth behind the pre-checks (`ingest/precheck.rs`): a counting allocator
//! that stops the run, with an error naming the workbook, when parsing one workbook would
//! hold more memory than `[limits] memory_mb`.
//!
//! The pre-checks refuse what a file *declares*; a parser can still be driven to allocate
//! by something they do not model (a format they do not read, such as `.xlsb`'s binary
//! parts, or a calamine path nobody has thought of). A failed allocation aborts the process
//! (status 134, no file named); this turns that into status 2 and a sentence. It cannot
//! unwind out of an allocation — Rust gives an allocator no way to fail gracefully — so it
//! writes its prepared message and ends the process at once. That is safe here because the
//! guard is armed only while a workbook is parsed, before anything has been written.
//!
//! Cost: one relaxed atomic add per allocation and one subtract per free, in the binary
//! only (the library's tests use the system allocator, so the guard is inert there).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

/// Bytes currently allocated through [`CountingAllocator`].
static LIVE: AtomicUsize = AtomicUsize::new(0);
/// While a workbook is parsed, the most [`LIVE`] may reach; `usize::MAX` otherwise.
static CEILING: AtomicUsize = AtomicUsize::new(usize::MAX);
/// The message to print when the ceiling is passed (prepared beforehand: nothing may be
/// allocated once memory has run out), and its length.
static MESSAGE: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());
static MESSAGE_LEN: AtomicUsize = AtomicUsize::new(0);

/// The system allocator, counting. The binary installs it as the global allocator.
pub struct CountingAllocator;

/// Set by the first thread past the ceiling: it alone prints and ends the process.
static FIRED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn over_ceiling() -> ! {
    // Two threads may pass the ceiling together: the first prints and exits, the others
    // wait for that (allocating nothing, and not printing the message twice).
    if FIRED.swap(true, Ordering::AcqRel) {
        loop {
            #[cfg(unix)]
            // SAFETY: pause(2) only waits; the exiting thread ends the process.
            unsafe {
                libc::pause();
            }
            #[cfg(not(unix))]
            std::thread::park();
        }
    }
    let message = MESSAGE.load(Ordering::Acquire);
    let len = MESSAGE_LEN.load(Ordering::Acquire);
    #[cfg(unix)]
    // SAFETY: the message is a leaked, never-freed buffer of `len` bytes (or null with
    // length 0); write(2) and _exit(2) allocate nothing.
    unsafe {
        if !message.is_null() {
            libc::write(2, message.cast(), len);
        }
        libc::_exit(2);
    }
    #[cfg(not(unix))]
    {
        let _ = (message, len);
        std::process::abort();
    }
}

/// Counts `size` more bytes; ends the run if that passes the ceiling.
fn take(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::Relaxed).saturating_add(size);
    if live > CEILING.load(Ordering::Relaxed) {
        over_ceiling();
    }
}

fn give_back(size: usize) {
    LIVE.fetch_sub(size, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; only the counters
// are updated around it.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        take(layout.size());
        let ptr = unsafe { System.alloc(layout) };
        if ptr.is_null() {
            give_back(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        take(layout.size());
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if ptr.is_null() {
            give_back(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        give_back(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = layout.size();
        if new_size > old {
            take(new_size - old);
        }
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if new.is_null() {
            if new_size > old {
                give_back(new_size - old);
            }
        } else if new_size < old {
            give_back(old - new_size);
        }
        new
    }
}

/// While alive, parsing may hold at most `budget_bytes` more than when it was made; past
/// that the run ends with status 2 and `message`.
pub struct Armed {
    previous: usize,
}

/// Whether the command that runs writes files, so that the guard's message says none were
/// (the guard fires while inputs are read, before anything is written). `check` writes
/// nothing and must not claim otherwise. Set once by the binary.
static WRITES_FILES: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Tells the guard whether the running command writes files (see [`WRITES_FILES`]).
pub fn command_writes_files(writes: bool) {
    WRITES_FILES.store(writes, Ordering::Relaxed);
}

/// Arms the guard for parsing one input (`shown`, as the user named it).
pub fn arm(shown: &str, budget_bytes: u64) -> Armed {
    let mut message = format!(
        "error: {}: reading it would take more than {} MB of memory, the most demarc gives one workbook (a hostile or damaged file, or a very large one: raise [limits] memory_mb in demarc.toml)\n",
        crate::inputs::names::inert(shown),
        budget_bytes >> 20
    );
    if WRITES_FILES.load(Ordering::Relaxed) {
        message.push_str("nothing was written\n");
    }
    let message: &'static mut [u8] = Box::leak(message.into_bytes().into_boxed_slice());
    MESSAGE_LEN.store(message.len(), Ordering::Release);
    MESSAGE.store(message.as_mut_ptr(), Ordering::Release);
    let budget = usize::try_from(budget_bytes).unwrap_or(usize::MAX);
    let ceiling = LIVE.load(Ordering::Relaxed).saturating_add(budget);
    Armed {
        previous: CEILING.swap(ceiling, Ordering::Relaxed),
    }
}

impl Drop for Armed {
    fn drop(&mut self) {
        CEILING.store(self.previous, Ordering::Relaxed);
    }
}

/// Limits glibc to two malloc arenas. Its default (eight per core) gives each worker
/// thread its own: what the auditor pack's layout frees on one thread is then not reused
/// by the next document's on another, and a million-row run peaked 0.4 GB higher (2.67
/// against 2.25 GB, measured 2026-12-04). Called first thing in `main`, before any thread.
pub fn share_freed_memory_between_threads() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tunable of the allocator; it is called before any other
    // thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Hands memory the allocator holds free back to the system (glibc keeps it otherwise):
/// called once the inputs are read and whenever Typst's memo cache is emptied, so that
/// the next phase of the run starts lower rather than stacking on what the last freed.
pub fn return_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free pages; it is safe from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}
