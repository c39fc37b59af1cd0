//! Zip archives and deflate streams written byte by byte, for containers no library would
//! write: entries that lie about their size, decompression bombs, thousands of empty
//! entries. Shared by the bad-input tests (`bad.rs`, at sizes that run in milliseconds) and
//! `examples/hostile.rs` (at full size, through `#[path]`), so both build the same shapes.
//!
//! Only what the two need: stored entries, fixed-Huffman deflate made of one long run, and
//! a zip without zip64 (every size fits 32 bits).

/// CRC-32 (IEEE) by table, incrementally: the example checksums gigabytes of repeated
/// blocks, the tests a few bytes.
pub struct Crc {
    table: [u32; 256],
    value: u32,
}

impl Crc {
    pub fn new() -> Crc {
        let mut table = [0u32; 256];
        for (i, slot) in table.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *slot = c;
        }
        Crc { table, value: !0 }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.value =
                self.table[((self.value ^ u32::from(b)) & 0xFF) as usize] ^ (self.value >> 8);
        }
    }

    pub fn finish(&self) -> u32 {
        !self.value
    }
}

/// The CRC-32 of `bytes` at once.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = Crc::new();
    crc.update(bytes);
    crc.finish()
}

/// One entry: name, method (0 stored, 8 deflate), CRC, declared size, data as stored.
/// The fields are public so that a test can declare a size or CRC the data does not have.
pub struct Entry {
    pub name: String,
    pub method: u16,
    pub crc: u32,
    pub size: u32,
    pub data: Vec<u8>,
}

impl Entry {
    pub fn stored(name: &str, data: Vec<u8>) -> Entry {
        Entry {
            name: name.to_string(),
            method: 0,
            crc: crc32(&data),
            size: data.len() as u32,
            data,
        }
    }

    /// `prefix`, then `unit` `count` times, then `suffix`, deflated with fixed codes:
    /// the unit once as literals, then copies of 258 bytes at distance `unit.len()`
    /// (5, the one distance written here). The count is rounded so the copies end on
    /// a whole unit. The CRC and size are the true ones.
    pub fn repeated(name: &str, prefix: &[u8], unit: &[u8], count: u64, suffix: &[u8]) -> Entry {
        assert_eq!(unit.len(), 5, "distance code 4 + 1 extra bit = 5");
        // 258 × k bytes of copies is a whole number of units when k is a multiple of 5.
        let copies = ((count - 1) * 5).div_ceil(258 * 5) * 5;
        let mut bits = Bits::default();
        bits.put(1, 1); // final block
        bits.put(1, 2); // fixed Huffman codes
        let mut crc = Crc::new();
        for &b in prefix.iter().chain(unit) {
            bits.literal(b);
        }
        crc.update(prefix);
        crc.update(unit);
        let block: Vec<u8> = unit.iter().copied().cycle().take(258 * 5).collect();
        for i in 0..copies {
            bits.code(0xC5, 8); // length 258
            bits.code(4, 5); // distance 5–6
            bits.put(0, 1); // … 5
            if i % 5 == 4 {
                crc.update(&block);
            }
        }
        for &b in suffix {
            bits.literal(b);
        }
        crc.update(suffix);
        bits.code(0, 7); // end of block
        bits.put(0, 7); // flush
        let size = prefix.len() as u64 + 5 + 258 * copies + suffix.len() as u64;
        Entry {
            name: name.into(),
            method: 8,
            crc: crc.finish(),
            size: u32::try_from(size).expect("under 4 GB"),
            data: bits.out,
        }
    }
}

/// A zip archive of the entries (no zip64: every size fits 32 bits).
pub fn zip(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend(sig.to_le_bytes());
            if central {
                h.extend(20u16.to_le_bytes()); // made by
            }
            h.extend(20u16.to_le_bytes()); // needed
            h.extend(0u16.to_le_bytes()); // flags
            h.extend(e.method.to_le_bytes());
            h.extend(0u16.to_le_bytes()); // time
            h.extend(0x21u16.to_le_bytes()); // date: 1980-01-01
            h.extend(e.crc.to_le_bytes());
            h.extend((e.data.len() as u32).to_le_bytes());
            h.extend(e.size.to_le_bytes());
            h.extend((e.name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes()); // extra
            if central {
                h.extend(0u16.to_le_bytes()); // comment
                h.extend(0u16.to_le_bytes()); // disk
                h.extend(0u16.to_le_bytes()); // internal attributes
                h.extend(0u32.to_le_bytes()); // external attributes
                h.extend(offset.to_le_bytes());
            }
            h.extend(e.name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend(&e.data);
        central.extend(header(0x0201_4b50, true));
    }
    let cd_offset = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]); // disk numbers
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// A bit writer for deflate (bits go in least-significant first).
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u32, bits: u32) {
        self.acc |= u64::from(value) << self.n;
        self.n += bits;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code, which deflate writes most-significant bit first.
    fn code(&mut self, code: u32, len: u32) {
        self.put(code.reverse_bits() >> (32 - len), len);
    }

    fn literal(&mut self, byte: u8) {
        if byte < 144 {
            self.code(0x30 + u32::from(byte), 8);
        } else {
            self.code(0x190 + u32::from(byte - 144), 9);
        }
    }
}

/// A real deflate stream (fixed Huffman codes) of `prefix`, then `fill` repeated
/// `1 + 258 × repeats` times, then `suffix`: a few bytes per kilobyte inflated.
/// Returns the stream and the inflated length; the CRC is left to the caller, who may
/// want it wrong.
pub fn deflate_run(prefix: &[u8], fill: u8, repeats: u64, suffix: &[u8]) -> (Vec<u8>, u64) {
    let mut bits = Bits::default();
    bits.put(1, 1); // final block
    bits.put(1, 2); // fixed Huffman codes
    for &b in prefix {
        bits.literal(b);
    }
    bits.literal(fill);
    for _ in 0..repeats {
        bits.code(0xC5, 8); // length 258 (symbol 285)
        bits.code(0, 5); // distance 1
    }
    for &b in suffix {
        bits.literal(b);
    }
    bits.code(0, 7); // end of block
    bits.put(0, 7); // flush
    let inflated = prefix.len() as u64 + 1 + 258 * repeats + suffix.len() as u64;
    (bits.out, inflated)
}
