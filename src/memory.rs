//! How the process keeps the memory it frees (glibc's allocator).
//!
//! A gap report over 100 000 answer grids allocates some 50 MB of short-lived vectors, and the
//! leadership dashboard builds one per request. By default glibc serves every allocation from
//! 128 KiB up with a fresh `mmap` and unmaps it when freed (and trims its heaps once 128 KiB
//! are free at their top), so each report faulted the same amount of memory in afresh: about
//! a tenth of a PostgreSQL gap report went to page faults (perf, 2026-12-07; 137–142 → 120 ms
//! with freed memory kept, same data). Raising both thresholds keeps freed memory for the next
//! request. The price: the process keeps its peak heap (about 150 MB after a million-answer
//! import) instead of handing it back.

use std::sync::OnceLock;

/// Allocations this large or larger still get an `mmap` of their own: the most glibc
/// documents for this setting on 64-bit (`DEFAULT_MMAP_THRESHOLD_MAX`).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 32 << 20;
/// Free memory at the top of a heap is returned to the system past this much.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TRIM_THRESHOLD: libc::c_int = 512 << 20;

/// Keeps freed memory in the process (see the module's comment), once per process, before
/// the work starts; true when the allocator took the settings (false elsewhere than glibc).
pub fn keep_freed_memory() -> bool {
    static KEPT: OnceLock<bool> = OnceLock::new();
    *KEPT.get_or_init(|| {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        {
            // SAFETY: mallopt only changes two of the allocator's parameters; glibc takes its
            // own lock for it, so it is safe with other threads allocating.
            unsafe {
                libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                    && libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
            }
        }
        #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
        {
            false
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn a_large_block_comes_from_the_heap_not_an_mmap_of_its_own() {
        assert!(super::keep_freed_memory());
        // glibc's default gives a 4 MiB block an mmap of its own, unmapped when freed.
        // SAFETY: mallinfo2 only reads the allocator's statistics.
        let mmaps = || unsafe { libc::mallinfo2() }.hblks;
        let before = mmaps();
        let block = std::hint::black_box(vec![1u8; 4 << 20]);
        let during = mmaps();
        drop(block);
        assert_eq!(during, before);
    }
}
