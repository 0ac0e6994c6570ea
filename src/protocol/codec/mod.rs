//! Encodings the capabilities share: base64url ([`b64`]), the strict JSON reader and writer
//! ([`json`]), form and percent-encoding ([`form`]), `Basic` client credentials ([`basic`]), a
//! constant-time comparison and a small in-place sort. Depends on nothing but
//! the shared [`error`](super::error) types.

pub mod b64;
pub mod basic;
pub mod form;
pub mod json;

/// Sorts `v` by `less` in place: O(n log n) comparisons in the worst case and no allocation, in a
/// fraction of the code `sort_unstable` brings into the wasm per element type (its quicksort and
/// small-sort paths were 5.9 KB of the verify-only module, 3.5 KB more in the full one).
pub(crate) fn heap_sort<T>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    // moves v[root] down the heap v[..end]
    let sift = |v: &mut [T], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && less(&v[child], &v[child + 1]) {
            child += 1;
        }
        if !less(&v[root], &v[child]) {
            return;
        }
        v.swap(root, child);
        root = child;
    };
    for root in (0..v.len() / 2).rev() {
        sift(v, root, v.len());
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift(v, 0, end);
    }
}

/// Compares two strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heap_sort_orders_any_input() {
        for n in 0..40u64 {
            let mut v: Vec<u64> = (0..n).map(|i| (i * 7919) % 13).collect();
            let mut want = v.clone();
            want.sort();
            heap_sort(&mut v, |a, b| a < b);
            assert_eq!(v, want, "n = {n}");
        }
        let mut words = vec!["b", "a", "c", "a"];
        heap_sort(&mut words, |a, b| a > b);
        assert_eq!(words, ["c", "b", "a", "a"]);
    }

    #[test]
    fn constant_time_eq_compares_content_and_length() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
        assert!(!constant_time_eq("", "a"));
    }
}
