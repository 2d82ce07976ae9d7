//! A fast hash for descriptor paths (`[4, 0, 2, 1]`), the keys of every file's index of
//! locations. The standard library's SipHash resists collision attacks that a path read from
//! one's own files cannot mount, and costs several times more: building the indexes of a
//! googleapis lint spent more time hashing than inserting.

use std::hash::{BuildHasherDefault, Hasher};

/// The hasher of [`PathMap`]: FxHash's multiply-rotate over 8 bytes at a time.
#[derive(Default, Clone, Copy)]
pub struct PathHasher(u64);

/// rustc's FxHash constant.
const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl PathHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for PathHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    #[inline]
    fn write_i32(&mut self, n: i32) {
        self.add(n as u32 as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // The table picks buckets from the high bits and its tags from the top 7: fold the low
        // bits, where the multiply leaves the most entropy unmixed, into them.
        self.0.rotate_left(26)
    }
}

/// A map keyed by descriptor paths (or anything else that hashes as a few integers).
pub type PathMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<PathHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hash};

    fn hash(path: &[i32]) -> u64 {
        BuildHasherDefault::<PathHasher>::default().hash_one(path)
    }

    #[test]
    fn paths_that_differ_hash_apart() {
        // Length, order, and a trailing zero all count.
        let paths: [&[i32]; 8] = [
            &[],
            &[0],
            &[4, 0],
            &[4, 0, 0],
            &[0, 4],
            &[4, 0, 2, 1],
            &[4, 0, 2, 1, 0],
            &[4, 1, 2, 0],
        ];
        let hashes: std::collections::HashSet<u64> = paths.iter().map(|p| hash(p)).collect();
        assert_eq!(hashes.len(), paths.len());
        // A path hashes the same however it is held.
        let owned: Vec<i32> = vec![4, 0, 2, 1];
        assert_eq!(hash(&[4, 0, 2, 1]), hash(owned.as_slice()));
    }

    #[test]
    fn a_map_of_many_paths_finds_each() {
        let paths: Vec<Vec<i32>> = (0..200)
            .flat_map(|i| (0..50).map(move |j| vec![4, i, 2, j, 8]))
            .collect();
        let map: PathMap<&[i32], usize> = paths
            .iter()
            .enumerate()
            .map(|(n, p)| (p.as_slice(), n))
            .collect();
        assert_eq!(map.len(), paths.len());
        for (n, p) in paths.iter().enumerate() {
            assert_eq!(map[p.as_slice()], n);
        }
        let mut h = PathHasher::default();
        [1i32, 2].hash(&mut h);
        assert_ne!(h.finish(), 0);
    }
}
