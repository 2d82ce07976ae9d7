//! The compressions buf reads archives and images in (`compression=none|gzip|zstd`, or from the
//! name), and the one decompression both go through.

use std::io::Read as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    /// The value of a `compression=` option, as buf spells it.
    pub fn from_option(value: &str) -> Option<Compression> {
        match value {
            "none" => Some(Compression::None),
            "gzip" => Some(Compression::Gzip),
            "zstd" => Some(Compression::Zstd),
            _ => None,
        }
    }

    /// The name messages use: `gzip`, `zstd` or `none`.
    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }

    /// `bytes` decompressed: every gzip member, every zstd frame in turn (a stream may hold
    /// several).
    pub fn decompress(self, bytes: Vec<u8>) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        match self {
            Compression::None => return Ok(bytes),
            Compression::Gzip => {
                flate2::read::MultiGzDecoder::new(bytes.as_slice()).read_to_end(&mut out)?;
            }
            Compression::Zstd => {
                let mut input = bytes.as_slice();
                while !input.is_empty() {
                    let mut decoder = ruzstd::decoding::StreamingDecoder::new(&mut input)
                        .map_err(|e| std::io::Error::other(e.to_string()))?;
                    decoder.read_to_end(&mut out)?;
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::Compression;

    #[test]
    fn gzip_members_and_zstd_frames_are_all_read() {
        use std::io::Write as _;
        let mut gz = Vec::new();
        for part in [&b"ab"[..], b"cd"] {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(part).unwrap();
            gz.extend(e.finish().unwrap());
        }
        assert_eq!(Compression::Gzip.decompress(gz).unwrap(), b"abcd");
        let mut zst = Vec::new();
        for part in [&b"ab"[..], b"cd"] {
            zst.extend(ruzstd::encoding::compress_to_vec(
                part,
                ruzstd::encoding::CompressionLevel::Fastest,
            ));
        }
        assert_eq!(Compression::Zstd.decompress(zst).unwrap(), b"abcd");
        assert!(Compression::Gzip.decompress(b"not gzip".to_vec()).is_err());
        assert_eq!(Compression::from_option("zstd"), Some(Compression::Zstd));
        assert_eq!(Compression::from_option("xz"), None);
    }
}
