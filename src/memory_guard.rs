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
//! Cost: a thread-local add per allocation and subtract per free, in the binary only (the
//! library's tests use the system allocator, so the guard is inert there). Each thread
//! settles its balance with the shared count once it has moved by [`SETTLE_BYTES`]. One
//! shared atomic touched on every allocation, by every thread, took 3.7% of a report's
//! CPU samples (the two cores hand that counter's cache line back and forth); settled in
//! batches, the counting takes 0.7% (perf, enterprise scale 1, 2-core machine,
//! 2026-12-05).

use mimalloc::MiMalloc;
use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, AtomicPtr, AtomicUsize, Ordering};

/// Bytes currently allocated through [`CountingAllocator`], as far as the threads have
/// settled ([`SETTLE_BYTES`]). Signed: one thread may free what another allocated, and
/// settle first.
static LIVE: AtomicIsize = AtomicIsize::new(0);
/// While a workbook is parsed, the most [`LIVE`] may reach; `isize::MAX` otherwise.
static CEILING: AtomicIsize = AtomicIsize::new(isize::MAX);

/// How far a thread's unsettled balance may move before it is added to [`LIVE`]. The
/// count can therefore be off by this much per thread (a few hundred KiB in all, against
/// a budget of hundreds of MB); an allocation larger than this settles at once, so one
/// huge allocation is still refused before it is made.
const SETTLE_BYTES: isize = 64 * 1024;

thread_local! {
    /// This thread's allocations less its frees since it last settled with [`LIVE`].
    /// Const-initialised and without a destructor, so reading it never allocates and
    /// works while the thread is being torn down; what a thread leaves unsettled when it
    /// ends (less than [`SETTLE_BYTES`]) is never counted.
    static UNSETTLED: Cell<isize> = const { Cell::new(0) };
}
/// The message to print when the ceiling is passed (prepared beforehand: nothing may be
/// allocated once memory has run out), and its length.
static MESSAGE: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());
static MESSAGE_LEN: AtomicUsize = AtomicUsize::new(0);

/// mimalloc, counting. The binary installs it as the global allocator.
///
/// Why mimalloc rather than the system's: under glibc's malloc a report spent about a
/// tenth of its CPU in the allocator — its arenas' locks contended between the workers
/// and the threads Typst lays pages out on, and freed memory faulted back in — and
/// limiting glibc to two arenas, to keep one thread's frees for the next, made the
/// contention worse. Measured on the 2-core machine, 2026-12-04: the enterprise report
/// at scale 1 took 5.6–6.3 s instead of 6.4–7.1 s (five runs each, alternated), and at
/// scale 10 50 s instead of 68 s, for 80–170 MB more at its peak.
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

/// Counts `size` more bytes; ends the run if, once settled, that passes the ceiling.
fn take(size: usize) {
    let size = isize::try_from(size).unwrap_or(isize::MAX);
    let unsettled = UNSETTLED.with(|u| {
        let now = u.get().saturating_add(size);
        if now < SETTLE_BYTES {
            u.set(now);
            return 0;
        }
        u.set(0);
        now
    });
    if unsettled != 0 {
        let live = LIVE
            .fetch_add(unsettled, Ordering::Relaxed)
            .saturating_add(unsettled);
        if live > CEILING.load(Ordering::Relaxed) {
            over_ceiling();
        }
    }
}

fn give_back(size: usize) {
    let size = isize::try_from(size).unwrap_or(isize::MAX);
    UNSETTLED.with(|u| {
        let now = u.get().saturating_sub(size);
        if now > -SETTLE_BYTES {
            u.set(now);
        } else {
            u.set(0);
            LIVE.fetch_add(now, Ordering::Relaxed);
        }
    });
}

// SAFETY: every call is forwarded to mimalloc unchanged; only the counters are updated
// around it.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        take(layout.size());
        let ptr = unsafe { MiMalloc.alloc(layout) };
        if ptr.is_null() {
            give_back(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        take(layout.size());
        let ptr = unsafe { MiMalloc.alloc_zeroed(layout) };
        if ptr.is_null() {
            give_back(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { MiMalloc.dealloc(ptr, layout) };
        give_back(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = layout.size();
        if new_size > old {
            take(new_size - old);
        }
        let new = unsafe { MiMalloc.realloc(ptr, layout, new_size) };
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
    previous: isize,
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
    let budget = isize::try_from(budget_bytes).unwrap_or(isize::MAX);
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

/// Hands memory the allocator holds free back to the system: called once the inputs are
/// read and whenever Typst's memo cache is emptied, so that the next phase of the run
/// starts lower rather than stacking on what the last freed. mimalloc returns freed pages
/// on its own after a short delay; this does it at once, where the run knows a great deal
/// has just been freed.
pub fn return_free_memory() {
    // SAFETY: mi_collect only frees and purges mimalloc's own unused memory; it may be
    // called from any thread, and does nothing to memory another allocator holds (the
    // library's tests run on the system allocator).
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}

/// mimalloc's `mi_option_purge_delay`: its index in the option enum of both the v2 and v3
/// headers (`mimalloc.h`); libmimalloc-sys names no constant for it (a unit test checks
/// the index against the option's default).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Has the allocator hand freed memory back to the system at once instead of after its
/// usual second (mimalloc 3's default purge delay), for a command whose peak matters more than a few page faults: `check`,
/// which streams its findings and compiles no document. At a million evidence rows its
/// peak went from 1,000–1,070 MiB to 906–925 MiB, in the same time within noise (measured
/// 2026-12-04). Not for `report`: there Typst frees and reallocates constantly, and it
/// cost 6 s of a 37 s run.
pub fn return_freed_memory_at_once() {
    // SAFETY: mi_option_set only stores an option's value; any thread may call it.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
    }
}

/// Asks Linux not to back this process with transparent huge pages. mimalloc asks for them
/// by default (where the system's setting is `madvise`, as here), and a 2 MiB page is
/// zeroed whole on its first touch and again after every purge: zeroing pages became a
/// tenth of a report's CPU. Measured 2026-12-04 on the enterprise shape, five alternated
/// runs: at scale 1 3.71–3.84 s and 546 MiB instead of 3.93–4.12 s and 626 MiB; at
/// scale 10 1,197 MiB instead of 1,260 MiB, in the same time. Called first thing in
/// `main`.
pub fn without_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE only sets a flag of this process; its failure (an old
    // kernel) changes nothing but speed, so its result is ignored.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counting in batches must not let one large allocation through uncounted: a hostile
    /// file's parser asking for a gigabyte at once is refused before it gets it.
    #[test]
    fn an_allocation_larger_than_the_settling_step_is_counted_at_once() {
        // Its own thread, so that nothing else has left a balance unsettled on it (the
        // library's tests run on the system allocator: only these calls move the count).
        std::thread::spawn(|| {
            let before = LIVE.load(Ordering::Relaxed);
            take(100);
            assert_eq!(
                LIVE.load(Ordering::Relaxed),
                before,
                "small: kept on the thread"
            );
            take(10 << 20);
            assert_eq!(LIVE.load(Ordering::Relaxed), before + (10 << 20) + 100);
            give_back((10 << 20) + 100);
            assert_eq!(LIVE.load(Ordering::Relaxed), before);
        })
        .join()
        .unwrap();
    }

    /// The purge-delay option is named by its index alone: were a mimalloc update to
    /// renumber its options, `check` would silently set another one. Its default in
    /// mimalloc 3 (the version libmimalloc-sys builds), 1,000 ms, tells it from every
    /// option near it (0, 1, -1, 100 or 32).
    #[test]
    fn the_purge_delay_index_names_mimallocs_purge_delay() {
        // SAFETY: mi_option_get only reads an option's value.
        let delay = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(
            delay, 1000,
            "option {MI_OPTION_PURGE_DELAY} is not the purge delay"
        );
    }
}
