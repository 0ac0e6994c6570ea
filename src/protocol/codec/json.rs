//! A small validating JSON reader (RFC 8259) for the few typed documents we read: JWT header
//! and payload, JWKS, OIDC discovery, options. It builds no tree: callers walk objects member by
//! member and read only what they need; every other value is checked and skipped. Strings are
//! borrowed unless they contain escapes. (serde_json cost ~40 KB of wasm for the same job.)

use super::heap_sort;
use crate::protocol::error::{ParseError, Part};
use std::borrow::Cow;

/// Deepest nesting the reader follows (its recursion bound). `maxJsonDepth` is capped to it.
pub const MAX_NESTING: usize = 256;

/// Why a document was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonError {
    /// Not JSON.
    Syntax,
    /// Valid JSON with a value of the wrong type where we read one.
    Type,
    /// Nested deeper than the document's limit (at most [`MAX_NESTING`]): refused on the way
    /// down, so the recursion never goes deeper.
    TooDeep,
    /// An object read with [`Reader::unique_object`] has a member name twice (compared
    /// unescaped).
    Duplicate,
}

/// A member name with its fingerprint (FNV-1a), so that most comparisons are one integer's.
struct Name<'a>(u64, Cow<'a, str>);

impl<'a> Name<'a> {
    fn new(name: Cow<'a, str>) -> Self {
        let print = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        Name(print, name)
    }
}

/// Counts a member-name comparison (in tests).
#[inline(always)]
fn compared() {
    #[cfg(test)]
    tests::NAME_COMPARISONS.with(|n| n.set(n.get() + 1));
}

/// The part of a fingerprint [`sort_prints`] orders by.
fn high(print: u64) -> u32 {
    (print >> 32) as u32
}

/// Orders fingerprints by their [`high`] half: many by a least-significant-digit radix sort (four
/// passes of one byte: O(n) and no comparisons, whatever values a document produces), a few by
/// [`heap_sort`].
fn sort_prints(prints: &mut Vec<u64>) {
    const RADIX_FROM: usize = 256;
    if prints.len() < RADIX_FROM {
        heap_sort(prints, |a, b| {
            compared();
            a < b
        });
        return;
    }
    let mut sorted = vec![0u64; prints.len()];
    for shift in (32..u64::BITS).step_by(8) {
        let digit = |x: u64| (x >> shift) as usize & 0xff;
        let mut at = [0usize; 256];
        for &x in prints.iter() {
            at[digit(x)] += 1;
        }
        let mut start = 0;
        for slot in at.iter_mut() {
            (*slot, start) = (start, start + *slot);
        }
        for &x in prints.iter() {
            let d = digit(x);
            sorted[at[d]] = x;
            at[d] += 1;
        }
        std::mem::swap(prints, &mut sorted);
    }
}

/// Whether `names` holds one name twice. Their fingerprints are ordered first (by half of each,
/// with no comparison when there are many); only names whose halves collide are then sorted by
/// whole fingerprint and text. O(n log n) comparisons at most, whatever names a document picks,
/// names made to collide included.
fn has_duplicate(names: &[Name<'_>]) -> bool {
    let mut prints: Vec<u64> = names.iter().map(|n| n.0).collect();
    sort_prints(&mut prints);
    let mut collide: Vec<u32> = prints
        .windows(2)
        .filter(|w| high(w[0]) == high(w[1]))
        .map(|w| high(w[0]))
        .collect();
    if collide.is_empty() {
        return false;
    }
    collide.dedup();
    let mut suspects: Vec<&Name<'_>> = names
        .iter()
        .filter(|n| collide.binary_search(&high(n.0)).is_ok())
        .collect();
    heap_sort(&mut suspects, |a, b| {
        compared();
        (a.0, &a.1) < (b.0, &b.1)
    });
    suspects
        .windows(2)
        .any(|w| w[0].0 == w[1].0 && w[0].1 == w[1].1)
}

/// Result of a reader step.
pub type Res<T> = Result<T, JsonError>;

/// A cursor over one JSON document.
pub struct Reader<'a> {
    src: &'a str,
    pos: usize,
    depth: usize,
    max_depth: usize,
}

impl<'a> Reader<'a> {
    /// Reads a whole document with `value`, which must consume exactly one value.
    pub fn document<T>(src: &'a str, value: impl FnOnce(&mut Reader<'a>) -> Res<T>) -> Res<T> {
        Self::bounded(src, MAX_NESTING, value)
    }

    /// [`Reader::document`] with containers nested at most `max_depth` deep (`{}` is depth 1;
    /// capped at [`MAX_NESTING`]).
    pub fn bounded<T>(
        src: &'a str,
        max_depth: usize,
        value: impl FnOnce(&mut Reader<'a>) -> Res<T>,
    ) -> Res<T> {
        let mut r = Reader {
            src,
            pos: 0,
            depth: 0,
            max_depth: max_depth.min(MAX_NESTING),
        };
        let out = value(&mut r)?;
        match r.peek() {
            None => Ok(out),
            Some(_) => Err(JsonError::Syntax),
        }
    }

    /// `src[from..to]`; the reader only cuts at ASCII bytes, so this never misses (and links no
    /// slicing panic, whose message formatting costs ~4 KB of gzipped wasm).
    #[inline(always)]
    fn text(&self, from: usize, to: usize) -> &'a str {
        self.src.get(from..to).unwrap_or_default()
    }

    #[inline(always)]
    fn bytes(&self) -> &'a [u8] {
        self.src.as_bytes()
    }

    /// The next non-whitespace byte, not consumed.
    #[inline(always)]
    pub fn peek(&mut self) -> Option<u8> {
        while let Some(&b) = self.bytes().get(self.pos) {
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    #[inline(always)]
    fn eat(&mut self, b: u8) -> bool {
        let hit = matches!(self.peek(), Some(c) if c == b);
        self.pos += usize::from(hit);
        hit
    }

    /// Checks the next value starts with `open` (else a type error, after checking the value is
    /// valid JSON at all) and enters it.
    fn open(&mut self, open: u8) -> Res<()> {
        if !matches!(self.peek(), Some(c) if c == open) {
            self.skip()?;
            return Err(JsonError::Type);
        }
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(JsonError::TooDeep);
        }
        self.pos += 1;
        Ok(())
    }

    /// Walks an object; `member` gets each key and must consume its value.
    pub fn object(
        &mut self,
        mut member: impl FnMut(&mut Self, Cow<'a, str>) -> Res<()>,
    ) -> Res<()> {
        self.open(b'{')?;
        if !self.eat(b'}') {
            loop {
                if !matches!(self.peek(), Some(b'"')) {
                    return Err(JsonError::Syntax);
                }
                let key = self.string()?;
                if !self.eat(b':') {
                    return Err(JsonError::Syntax);
                }
                member(self, key)?;
                if self.eat(b'}') {
                    break;
                }
                if !self.eat(b',') {
                    return Err(JsonError::Syntax);
                }
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// [`Reader::unique_object`] for the whole document, which must be an object (anything else
    /// is [`JsonError::Syntax`], not a type error).
    pub fn top_object(
        src: &'a str,
        max_depth: usize,
        member: impl FnMut(&mut Self, Cow<'a, str>) -> Res<()>,
    ) -> Res<()> {
        Self::bounded(src, max_depth, |r| {
            if r.peek() != Some(b'{') {
                return Err(JsonError::Syntax);
            }
            r.unique_object(member)
        })
    }

    /// [`Reader::object`] that refuses a member name seen before ([`JsonError::Duplicate`]):
    /// `JSON.parse` keeps the last of two, other parsers the first, and they must never disagree
    /// about a token.
    pub fn unique_object(
        &mut self,
        mut member: impl FnMut(&mut Self, Cow<'a, str>) -> Res<()>,
    ) -> Res<()> {
        // checked once the object is read, in one allocation
        let mut names = Vec::new();
        self.object(|r, key| {
            names.push(Name::new(key.clone()));
            member(r, key)
        })?;
        match has_duplicate(&names) {
            true => Err(JsonError::Duplicate),
            false => Ok(()),
        }
    }

    /// Walks an array; `item` must consume each element.
    pub fn array(&mut self, mut item: impl FnMut(&mut Self) -> Res<()>) -> Res<()> {
        self.open(b'[')?;
        if !self.eat(b']') {
            loop {
                item(self)?;
                if self.eat(b']') {
                    break;
                }
                if !self.eat(b',') {
                    return Err(JsonError::Syntax);
                }
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// Consumes `null` if it is next.
    pub fn null(&mut self) -> Res<bool> {
        if self.peek() != Some(b'n') {
            return Ok(false);
        }
        self.literal("null").map(|_| true)
    }

    fn literal(&mut self, word: &str) -> Res<()> {
        if self.text(self.pos, self.src.len()).starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(JsonError::Syntax)
        }
    }

    /// A string.
    pub fn str(&mut self) -> Res<Cow<'a, str>> {
        if self.peek() != Some(b'"') {
            self.skip()?;
            return Err(JsonError::Type);
        }
        self.string()
    }

    /// A boolean.
    pub fn bool(&mut self) -> Res<bool> {
        match self.peek() {
            Some(b't') => self.literal("true").map(|_| true),
            Some(b'f') => self.literal("false").map(|_| false),
            _ => self.skip().and(Err(JsonError::Type)),
        }
    }

    /// A number.
    pub fn num(&mut self) -> Res<f64> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => self.skip().and(Err(JsonError::Type)),
        }
    }

    /// A number as its source text (e.g. to write it back unchanged), with its value.
    pub fn num_text(&mut self) -> Res<(&'a str, f64)> {
        let text = self.raw()?;
        let v = Reader::document(text, Reader::num)?;
        Ok((text, v))
    }

    /// Any value, validated, as its source text.
    pub fn raw(&mut self) -> Res<&'a str> {
        self.peek();
        let start = self.pos;
        self.skip()?;
        Ok(self.text(start, self.pos))
    }

    /// Any value, validated and discarded. One loop over the value, containers tracked in a bit
    /// stack rather than by recursion, and nothing allocated: this is the path hostile input
    /// takes, so its cost per byte stays small.
    pub fn skip(&mut self) -> Res<()> {
        const WORD: usize = u64::BITS as usize;
        // bit `level` set: the container open at that level (inside this value) is an object
        let mut objects = [0u64; MAX_NESTING / WORD];
        let base = self.depth;
        loop {
            match self.peek().ok_or(JsonError::Syntax)? {
                open @ (b'{' | b'[') => {
                    let is_object = open == b'{';
                    self.depth += 1;
                    if self.depth > self.max_depth {
                        return Err(JsonError::TooDeep);
                    }
                    self.pos += 1;
                    let level = self.depth - base - 1;
                    let bit = 1u64 << (level % WORD);
                    match is_object {
                        true => objects[level / WORD] |= bit,
                        false => objects[level / WORD] &= !bit,
                    }
                    if !self.eat(if is_object { b'}' } else { b']' }) {
                        if is_object {
                            self.member_name()?;
                        }
                        continue;
                    }
                    self.depth -= 1;
                }
                b'"' => self.skip_string()?,
                b't' => self.literal("true")?,
                b'f' => self.literal("false")?,
                b'n' => self.literal("null")?,
                b'-' | b'0'..=b'9' => {
                    self.scan_number()?;
                }
                _ => return Err(JsonError::Syntax),
            }
            // after a value: close what it ends, or go on to the next element or member
            loop {
                if self.depth == base {
                    return Ok(());
                }
                let level = self.depth - base - 1;
                let is_object = objects[level / WORD] >> (level % WORD) & 1 == 1;
                if self.eat(b',') {
                    if is_object {
                        self.member_name()?;
                    }
                    break;
                }
                if !self.eat(if is_object { b'}' } else { b']' }) {
                    return Err(JsonError::Syntax);
                }
                self.depth -= 1;
            }
        }
    }

    /// A skipped member's `"name":`.
    fn member_name(&mut self) -> Res<()> {
        if !matches!(self.peek(), Some(b'"')) {
            return Err(JsonError::Syntax);
        }
        self.skip_string()?;
        match self.eat(b':') {
            true => Ok(()),
            false => Err(JsonError::Syntax),
        }
    }

    /// Checks the number at `self.pos` without converting it (a value nobody reads): valid
    /// syntax and finite once rounded, as [`Reader::number`] would find. Linear in its length:
    /// only a number of 309 integer digits is compared with the overflow threshold.
    fn scan_number(&mut self) -> Res<&'a str> {
        let b = self.bytes();
        let start = self.pos;
        let mut i = start + usize::from(matches!(b.get(start), Some(b'-')));
        let after = digits_end(b, i);
        if after == i || (after - i > 1 && b[i] == b'0') {
            return Err(JsonError::Syntax);
        }
        // an integer of at most 308 digits is finite: nothing more to check
        if after - i <= 308 && !matches!(b.get(after), Some(b'.' | b'e' | b'E')) {
            self.pos = after;
            return Ok(self.text(start, after));
        }
        let int = (i, after);
        i = after;
        let mut frac = (i, i);
        if matches!(b.get(i), Some(b'.')) {
            let after = digits_end(b, i + 1);
            if after == i + 1 {
                return Err(JsonError::Syntax);
            }
            frac = (i + 1, after);
            i = after;
        }
        let mut exp = 0i64;
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            let neg = matches!(b.get(i), Some(b'-'));
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let after = digits_end(b, i);
            if after == i {
                return Err(JsonError::Syntax);
            }
            exp = b[i..after]
                .iter()
                .fold(0i64, |v, d| (v * 10 + i64::from(d - b'0')).min(1 << 40));
            if neg {
                exp = -exp;
            }
            i = after;
        }
        self.pos = i;
        let part = |(from, to): (usize, usize)| b.get(from..to).unwrap_or_default();
        if !rounds_finite(part(int), part(frac), exp) {
            return Err(JsonError::Syntax);
        }
        Ok(self.text(start, i))
    }

    /// The number at `self.pos`, converted.
    fn number(&mut self) -> Res<f64> {
        let text = self.scan_number()?;
        let (neg, digits) = match text.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, text),
        };
        // Integers up to 15 digits are exact in f64: skip the general float parser.
        if digits.len() <= 15 && digits.bytes().all(|d| d.is_ascii_digit()) {
            let v = digits
                .bytes()
                .fold(0u64, |v, d| v * 10 + u64::from(d - b'0')) as f64;
            return Ok(if neg { -v } else { v });
        }
        decimal_to_f64(text).ok_or(JsonError::Syntax)
    }

    /// The string at `self.pos` (which is `"`), unescaped.
    fn string(&mut self) -> Res<Cow<'a, str>> {
        let b = self.bytes();
        let start = self.pos + 1;
        let i = run_end(b, start);
        match b.get(i) {
            Some(b'"') => {
                self.pos = i + 1;
                Ok(Cow::Borrowed(self.text(start, i)))
            }
            Some(b'\\') => {
                let mut out = String::from(self.text(start, i));
                self.escaped(i, Some(&mut out))?;
                Ok(Cow::Owned(out))
            }
            _ => Err(JsonError::Syntax),
        }
    }

    /// [`Reader::string`], validated and discarded (nothing allocated).
    fn skip_string(&mut self) -> Res<()> {
        let b = self.bytes();
        let i = run_end(b, self.pos + 1);
        match b.get(i) {
            Some(b'"') => {
                self.pos = i + 1;
                Ok(())
            }
            Some(b'\\') => self.escaped(i, None),
            _ => Err(JsonError::Syntax),
        }
    }

    /// The rest of a string from `i` (at a backslash) to its closing quote, after which the
    /// reader moves; the unescaped text is appended to `out` when given.
    fn escaped(&mut self, mut i: usize, mut out: Option<&mut String>) -> Res<()> {
        let b = self.bytes();
        loop {
            match *b.get(i).ok_or(JsonError::Syntax)? {
                b'"' => {
                    self.pos = i + 1;
                    return Ok(());
                }
                b'\\' => {
                    let esc = *b.get(i + 1).ok_or(JsonError::Syntax)?;
                    i += 2;
                    let c = match esc {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4(i)?;
                            i += 4;
                            let code = if (0xd800..0xdc00).contains(&hi) {
                                if b.get(i..i + 2) != Some(b"\\u") {
                                    return Err(JsonError::Syntax);
                                }
                                let lo = self.hex4(i + 2)?;
                                if !(0xdc00..0xe000).contains(&lo) {
                                    return Err(JsonError::Syntax);
                                }
                                i += 6;
                                0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                            } else {
                                hi
                            };
                            char::from_u32(code).ok_or(JsonError::Syntax)?
                        }
                        _ => return Err(JsonError::Syntax),
                    };
                    if let Some(out) = out.as_deref_mut() {
                        out.push(c);
                    }
                }
                c if c < 0x20 => return Err(JsonError::Syntax),
                _ => {
                    // the run up to the next quote or backslash (UTF-8 stays intact)
                    let end = run_end(b, i);
                    if let Some(out) = out.as_deref_mut() {
                        out.push_str(self.text(i, end));
                    }
                    i = end;
                }
            }
        }
    }

    fn hex4(&self, at: usize) -> Res<u32> {
        let hex = self.src.get(at..at + 4).ok_or(JsonError::Syntax)?;
        if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(JsonError::Syntax);
        }
        u32::from_str_radix(hex, 16).map_err(|_| JsonError::Syntax)
    }

    /// A string or `null` (`None`).
    pub fn opt_str(&mut self) -> Res<Option<String>> {
        if self.null()? {
            return Ok(None);
        }
        self.str().map(|s| Some(s.into_owned()))
    }

    /// A number or `null` (`None`).
    pub fn opt_num(&mut self) -> Res<Option<f64>> {
        if self.null()? {
            return Ok(None);
        }
        self.num().map(Some)
    }

    /// A boolean or `null` (`None`).
    pub fn opt_bool(&mut self) -> Res<Option<bool>> {
        if self.null()? {
            return Ok(None);
        }
        self.bool().map(Some)
    }

    /// A string, an array of strings, or `null` (`None`).
    pub fn opt_strings(&mut self) -> Res<Option<Vec<String>>> {
        if self.null()? {
            return Ok(None);
        }
        self.strings().map(Some)
    }

    /// A string or an array of strings.
    pub fn strings(&mut self) -> Res<Vec<String>> {
        if self.peek() != Some(b'[') {
            return self.str().map(|s| vec![s.into_owned()]);
        }
        let mut out = Vec::new();
        self.array(|r| r.str().map(|s| out.push(s.into_owned())))?;
        Ok(out)
    }
}

/// The index of the first byte at or after `i` that is not an ASCII digit, or `b.len()`.
#[inline(always)]
fn digits_end(b: &[u8], mut i: usize) -> usize {
    while let Some(b'0'..=b'9') = b.get(i) {
        i += 1;
    }
    i
}

/// The index of the first byte at or after `i` that ends a plain run of string content (`"`,
/// `\\` or a control character), or `b.len()`. Eight bytes at a time (SWAR: a byte's high bit
/// marks a match), then byte by byte for the last few.
fn run_end(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x;
    while let Some(chunk) = b.get(i..i.saturating_add(8)) {
        let v = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let stop = (zero_byte(v ^ (ONES * u64::from(b'"')))
            | zero_byte(v ^ (ONES * u64::from(b'\\')))
            | v.wrapping_sub(ONES * 0x20) & !v)
            & HIGH;
        if stop != 0 {
            // the lowest marked byte is exact (a borrow only marks bytes above a match)
            return i + (stop.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

/// A valid JSON number as its sign, its significant digits (values 0-9, leading zeros dropped)
/// and `e`, so that its value is digits × 10^e (`e` saturates far beyond any `f64`).
fn decimal_parts(text: &str) -> (bool, impl Iterator<Item = u8> + Clone + '_, i64) {
    let (neg, text) = match text.strip_prefix('-') {
        Some(t) => (true, t),
        None => (false, text),
    };
    let (mantissa, exp) = text.split_once(['e', 'E']).unwrap_or((text, "0"));
    let exp_neg = exp.starts_with('-');
    let exp = exp
        .trim_start_matches(['+', '-'])
        .bytes()
        .fold(0i64, |v, d| (v * 10 + i64::from(d - b'0')).min(1 << 40));
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let e = if exp_neg { -exp } else { exp } - frac.len() as i64;
    let digits = int
        .bytes()
        .chain(frac.bytes())
        .skip_while(|&d| d == b'0')
        .map(|d| d - b'0');
    (neg, digits, e)
}

/// 2^1024 − 2^970, halfway between `f64::MAX` and 2^1024: the least value that rounds to
/// infinity (the tie goes to the even 2^1024).
const OVERFLOW_THRESHOLD: &str = "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";

/// Whether a valid JSON number with integer digits `int`, fraction digits `frac` and exponent
/// `exp` rounds to a finite `f64`, decided on its digits alone (no conversion, no allocation):
/// only a number with as many integer digits as the overflow threshold is compared with it.
fn rounds_finite(int: &[u8], frac: &[u8], exp: i64) -> bool {
    let lead = int.iter().take_while(|&&d| d == b'0').count();
    let magnitude = if lead < int.len() {
        int.len() as i64 + exp // value < 10^magnitude
    } else {
        match frac.iter().position(|&d| d != b'0') {
            None => return true, // zero
            Some(zeros) => exp - zeros as i64,
        }
    };
    match magnitude {
        ..=308 => true,
        309 => {
            // same number of integer digits as the threshold: compare digit by digit
            let mut digits = int.iter().chain(frac).skip_while(|&&d| d == b'0');
            for &t in OVERFLOW_THRESHOLD.as_bytes() {
                match digits.next() {
                    // shorter, equal so far: below (the threshold's last digit is not 0)
                    None => return true,
                    Some(&d) if d != t => return d < t,
                    Some(_) => {}
                }
            }
            false
        }
        _ => false,
    }
}

/// The nearest `f64` to a valid JSON number (ties to even), `None` when it rounds to infinity.
///
/// Short numbers take the exact fast path (at most 15 digits and a power of ten up to 22, one
/// correctly rounded operation); the rest a binary search over the `f64` bit patterns with exact
/// big-integer comparisons. This replaces `str::parse::<f64>`, whose Eisel-Lemire tables cost
/// ~15 KB of gzipped wasm. Digits past the 800th count only as "something non-zero follows":
/// 768 significant digits decide any rounding of an `f64`.
fn decimal_to_f64(text: &str) -> Option<f64> {
    const MAX_DIGITS: usize = 800;
    let (neg, significant, mut e) = decimal_parts(text);
    let mut digits: Vec<u8> = significant.collect();
    if digits.len() > MAX_DIGITS {
        let sticky = digits[MAX_DIGITS..].iter().any(|&d| d != 0);
        e += (digits.len() - MAX_DIGITS) as i64;
        digits.truncate(MAX_DIGITS);
        if sticky {
            digits.push(1);
            e -= 1;
        }
    }
    while digits.last() == Some(&0) {
        digits.pop();
        e += 1;
    }
    let magnitude = digits.len() as i64 + e; // value < 10^magnitude
    let v = if digits.is_empty() || magnitude < -330 {
        0.0
    } else if magnitude > 310 {
        return None;
    } else if digits.len() <= 15 && (-22..=22).contains(&e) {
        let d = digits.iter().fold(0u64, |v, &d| v * 10 + u64::from(d)) as f64;
        let p = (0..e.unsigned_abs()).fold(1.0, |p, _| p * 10.0);
        if e < 0 {
            d / p
        } else {
            d * p
        }
    } else {
        nearest_f64(&digits, e)?
    };
    Some(if neg { -v } else { v })
}

/// A little-endian big unsigned integer (32-bit limbs).
type Big = Vec<u32>;

fn big_mul_add(x: &mut Big, m: u64, add: u64) {
    let mut carry = u128::from(add);
    for limb in x.iter_mut() {
        let t = u128::from(*limb) * u128::from(m) + carry;
        *limb = t as u32;
        carry = t >> 32;
    }
    while carry > 0 {
        x.push(carry as u32);
        carry >>= 32;
    }
}

fn big_pow5(n: i64) -> Big {
    let mut x = vec![1];
    for _ in 0..n {
        big_mul_add(&mut x, 5, 0);
    }
    x
}

/// Compares `a × 2^sa` with `b × 2^sb`.
fn big_cmp_shifted(a: &Big, sa: i64, b: &Big, sb: i64) -> std::cmp::Ordering {
    let shl = |x: &Big, bits: i64| -> Big {
        let (words, bits) = ((bits / 32) as usize, (bits % 32) as u32);
        let mut out = vec![0; words];
        out.extend_from_slice(x);
        if bits > 0 {
            big_mul_add(&mut out, 1 << bits, 0);
        }
        while out.last() == Some(&0) {
            out.pop();
        }
        out
    };
    let low = sa.min(sb);
    let (a, b) = (shl(a, sa - low), shl(b, sb - low));
    a.len()
        .cmp(&b.len())
        .then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

/// The nearest `f64` to `digits × 10^e` (ties to even), `None` for infinity.
fn nearest_f64(digits: &[u8], e: i64) -> Option<f64> {
    #[cfg(test)]
    tests::BIG_CONVERSIONS.with(|n| n.set(n.get() + 1));
    const INF_BITS: u64 = 0x7ff0_0000_0000_0000;
    // value = num × 2^e / den, with num = digits × 5^max(e,0) and den = 5^max(-e,0)
    let mut num = Big::new();
    for &d in digits {
        big_mul_add(&mut num, 10, u64::from(d));
    }
    if e > 0 {
        let p = big_pow5(e);
        let mut prod = vec![0; num.len() + p.len()];
        for (i, &a) in num.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &b) in p.iter().enumerate() {
                let t = u64::from(a) * u64::from(b) + u64::from(prod[i + j]) + carry;
                prod[i + j] = t as u32;
                carry = t >> 32;
            }
            prod[i + p.len()] = carry as u32;
        }
        num = prod;
    }
    let den = big_pow5(-e.min(0));
    // value against m × 2^k: num × 2^e against m × den × 2^k
    let cmp = |m: u64, k: i64| {
        let mut rhs = den.clone();
        big_mul_add(&mut rhs, m, 0);
        big_cmp_shifted(&num, e, &rhs, k)
    };
    // the f64 with bits `u` as m × 2^k (INF_BITS gives 2^1024)
    let parts = |u: u64| {
        let (exp, frac) = ((u >> 52) as i64, u & ((1 << 52) - 1));
        match exp {
            0 => (frac, -1074),
            _ => (frac | 1 << 52, exp - 1075),
        }
    };
    // largest `lo` whose f64 is <= value; `hi` = lo + 1
    let (mut lo, mut hi) = (0u64, INF_BITS);
    if cmp(parts(hi).0, parts(hi).1).is_ge() {
        return None;
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        let (m, k) = parts(mid);
        if cmp(m, k).is_ge() {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let (m, k) = parts(lo);
    let bits = match cmp(2 * m + 1, k - 1) {
        std::cmp::Ordering::Less => lo,
        std::cmp::Ordering::Greater => hi,
        std::cmp::Ordering::Equal if lo % 2 == 0 => lo,
        std::cmp::Ordering::Equal => hi,
    };
    (bits != INF_BITS).then(|| f64::from_bits(bits))
}

/// Appends `value` as a JSON string (only `"`, `\` and control characters are escaped).
pub fn push_str(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes one JSON object, member by member, in the order given.
pub struct ObjectWriter {
    out: String,
}

impl Default for ObjectWriter {
    fn default() -> Self {
        ObjectWriter {
            out: String::from("{"),
        }
    }
}

impl ObjectWriter {
    fn key(&mut self, key: &str) -> &mut String {
        if self.out.len() > 1 {
            self.out.push(',');
        }
        push_str(&mut self.out, key);
        self.out.push(':');
        &mut self.out
    }

    /// A member whose value is already JSON text (a number, `true`, ...).
    pub fn raw(&mut self, key: &str, json: &str) {
        self.key(key).push_str(json);
    }

    /// A string member.
    pub fn str(&mut self, key: &str, value: &str) {
        push_str(self.key(key), value);
    }

    /// A member that is an array of strings.
    pub fn strs(&mut self, key: &str, values: &[String]) {
        let out = self.key(key);
        out.push('[');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_str(out, v);
        }
        out.push(']');
    }

    /// The object's JSON text.
    pub fn finish(mut self) -> String {
        self.out.push('}');
        self.out
    }
}

/// Walks the members of the JSON object `json`; `member` gets each key and must consume its
/// value (unknown keys: `r.skip()`, or a type error to refuse them).
pub fn read_object<'a>(
    json: &'a str,
    mut member: impl FnMut(&mut Reader<'a>, &str) -> Res<()>,
) -> Res<()> {
    Reader::document(json, |r| r.object(|r, key| member(r, &key)))
}

/// Where [`read_fields`] puts a member's value (`null` counts as absent).
pub enum Field<'f> {
    Str(&'f mut Option<String>),
    Num(&'f mut Option<f64>),
}

/// Reads the named members of the JSON object `json` into `fields`; other members are
/// validated and skipped. A member of the wrong type is [`JsonError::Type`].
pub fn read_fields(json: &str, fields: &mut [(&str, Field<'_>)]) -> Res<()> {
    read_object(json, |r, key| {
        match fields.iter_mut().find(|(name, _)| *name == key) {
            Some((_, Field::Str(slot))) => **slot = r.opt_str()?,
            Some((_, Field::Num(slot))) => **slot = r.opt_num()?,
            None => r.skip()?,
        }
        Ok(())
    })
}

/// Maps reader errors of `part`, read with depth limit `max_depth`: syntax →
/// [`ParseError::Json`], type → [`ParseError::ClaimType`], and the limits to theirs.
pub fn parse_error(part: Part, max_depth: usize) -> impl Fn(JsonError) -> ParseError {
    move |e| match e {
        JsonError::Syntax => ParseError::Json { part },
        JsonError::Type => ParseError::ClaimType { part },
        JsonError::TooDeep => ParseError::TooDeep { max: max_depth },
        JsonError::Duplicate => ParseError::DuplicateKey { part },
    }
}

/// [`parse_error`] for documents read with [`Reader::document`].
pub fn document_error(part: Part) -> impl Fn(JsonError) -> ParseError {
    parse_error(part, MAX_NESTING)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    use std::cell::Cell;
    use std::thread::LocalKey;

    thread_local! {
        /// Big-integer conversions ([`nearest_f64`]) made by this thread.
        pub(super) static BIG_CONVERSIONS: Cell<usize> = const { Cell::new(0) };
        /// Member-name comparisons ([`Name`]) made by this thread.
        pub(super) static NAME_COMPARISONS: Cell<usize> = const { Cell::new(0) };
    }

    /// `f`'s result and how much `counter` grew while it ran.
    fn counted<T>(counter: &'static LocalKey<Cell<usize>>, f: impl FnOnce() -> T) -> (T, usize) {
        let before = counter.with(Cell::get);
        let out = f();
        (out, counter.with(Cell::get) - before)
    }

    /// `f`'s result and the number of big-integer conversions it made.
    pub(crate) fn conversions<T>(f: impl FnOnce() -> T) -> (T, usize) {
        counted(&BIG_CONVERSIONS, f)
    }

    #[test]
    fn duplicate_names_cost_n_log_n_comparisons() {
        let n = 6000;
        let members: Vec<String> = (0..n).map(|i| format!("\"k{i}\":0")).collect();
        let doc = format!("{{{}}}", members.join(","));
        let unique = |doc: &str| Reader::document(doc, |r| r.unique_object(|r, _| r.skip()));
        let (ok, comparisons) = counted(&NAME_COMPARISONS, || unique(&doc));
        assert_eq!(ok, Ok(()));
        // many names are radix-sorted (no comparison); comparing each with every earlier name
        // made ~18,000,000
        assert_eq!(comparisons, 0);
        // a few are compared, O(n log n) times
        let few: Vec<String> = (0..200).map(|i| format!("\"k{i}\":0")).collect();
        let (ok, comparisons) = counted(&NAME_COMPARISONS, || {
            unique(&format!("{{{}}}", few.join(",")))
        });
        assert_eq!(ok, Ok(()));
        assert!((200..8 * 200 * 8).contains(&comparisons), "{comparisons}");
        let dup = format!("{{{},\"k17\":1}}", members.join(","));
        assert_eq!(unique(&dup), Err(JsonError::Duplicate));
        // escaped and plain spellings are one name
        assert_eq!(unique(r#"{"ab":1,"\u0061b":2}"#), Err(JsonError::Duplicate));
    }

    #[test]
    fn fingerprints_sort_alike_by_radix_and_by_comparison() {
        for n in [0, 1, 255, 256, 1000] {
            let mut x = 0x9e37_79b9_7f4a_7c15_u64;
            let mut prints: Vec<u64> = (0..n)
                .map(|i| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    if i % 5 == 0 {
                        42
                    } else {
                        x
                    } // repeats too
                })
                .collect();
            let mut want: Vec<u32> = prints.iter().map(|&p| high(p)).collect();
            want.sort_unstable();
            sort_prints(&mut prints);
            assert_eq!(
                prints.iter().map(|&p| high(p)).collect::<Vec<_>>(),
                want,
                "{n}"
            );
        }
    }

    #[test]
    fn names_whose_fingerprints_collide_are_told_apart_by_their_text() {
        let names = |texts: &[&'static str]| -> Vec<Name<'static>> {
            texts.iter().map(|t| Name(7, Cow::Borrowed(*t))).collect()
        };
        assert!(!has_duplicate(&names(&["b", "a", "c"])));
        assert!(has_duplicate(&names(&["b", "a", "c", "a"])));
        let mut mixed = names(&["x", "y"]);
        mixed.push(Name(3, Cow::Borrowed("x")));
        assert!(!has_duplicate(&mixed));
    }

    #[test]
    fn skipped_numbers_are_not_converted() {
        let junk = format!(
            "[{}1]",
            "1e308,1.7976931348623157e308,0.1e-300,".repeat(1000)
        );
        assert_eq!(conversions(|| skip(&junk)), (Ok(()), 0));
        // a number that is read is converted (the big-integer path), once
        let (v, n) = conversions(|| Reader::document("1e308", Reader::num));
        assert_eq!((v, n), (Ok(1e308), 1));
    }

    #[test]
    fn overflow_threshold_without_conversion() {
        // the constant is the least value std rounds to infinity
        let below = format!("{}1", &OVERFLOW_THRESHOLD[..308]);
        assert_eq!(OVERFLOW_THRESHOLD.parse::<f64>(), Ok(f64::INFINITY));
        assert_eq!(below.parse::<f64>(), Ok(f64::MAX));
        let cases = [
            (OVERFLOW_THRESHOLD.to_owned(), false),
            (format!("{OVERFLOW_THRESHOLD}.0"), false),
            (format!("{OVERFLOW_THRESHOLD}.0000001"), false),
            (below.clone(), true),
            (format!("{below}.999999"), true),
            (format!("0.{OVERFLOW_THRESHOLD}e309"), false),
            (format!("{}e1", &OVERFLOW_THRESHOLD[..308]), true),
            (format!("-{}", &OVERFLOW_THRESHOLD[..300]), true),
            ("1.7976931348623158e308".to_owned(), true),
            ("1.7976931348623159e308".to_owned(), false),
            ("9e308".to_owned(), false),
            ("1e308".to_owned(), true),
            ("0e999999".to_owned(), true),
            ("1e-999999".to_owned(), true),
        ];
        for (text, finite) in cases {
            assert_eq!(skip(&text).is_ok(), finite, "{text}");
            assert_eq!(text.parse::<f64>().unwrap().is_finite(), finite, "{text}");
        }
    }

    fn skip(s: &str) -> Res<()> {
        Reader::document(s, Reader::skip)
    }

    #[test]
    fn accepts_valid_json() {
        for ok in [
            "{}",
            "[]",
            r#"{"a":[1,-2.5e3,0,true,false,null,"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"],"b":{"c":{}}}"#,
            " \n[ 1 , 2 ]\t",
            "-0",
            "0.5E+2",
            r#""é ü""#,
        ] {
            assert_eq!(skip(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn rejects_invalid_json() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{,}",
            "[1 2]",
            r#"{"a" 1}"#,
            r#"{"a":1,}"#,
            "01",
            "1.",
            ".5",
            "1e",
            "+1",
            "tru",
            "nul",
            r#""\x""#,
            r#""\u12""#,
            r#""\ud800""#,
            r#""\ud800\u0041""#,
            "\"a\nb\"",
            "\"abc",
            "{} {}",
            "1e400",
            "'a'",
        ] {
            assert_eq!(skip(bad), Err(JsonError::Syntax), "{bad}");
        }
        let deep = format!(
            "{}{}",
            "[".repeat(MAX_NESTING + 1),
            "]".repeat(MAX_NESTING + 1)
        );
        assert_eq!(skip(&deep), Err(JsonError::TooDeep));
        let ok = format!("{}{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
        assert_eq!(skip(&ok), Ok(()));
    }

    #[test]
    fn numbers_round_like_std() {
        let long = format!("0.{}1e-300", "0".repeat(900));
        let many = format!("{}e-900", "9".repeat(1000));
        let cases = [
            "0",
            "-0",
            "1.5",
            "1e22",
            "1e23",
            "123456789012345678",
            "9007199254740993",
            "9007199254740995",
            "18014398509481989",
            "2.2250738585072011e-308",
            "2.2250738585072014e-308",
            "4.9406564584124654e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "1e-400",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "0.1",
            "3.141592653589793238462643383279",
            "7.038531e-26",
            "1e-22",
            "123.456e-7",
            "0.000000000000000000000000000001234",
            "1797693134862315708145274237317043567981e269",
            &long,
            &many,
        ];
        for text in cases {
            let want: f64 = text.parse().unwrap();
            let got = Reader::document(text, Reader::num).unwrap();
            assert_eq!(got.to_bits(), want.to_bits(), "{text}");
        }
        // pseudo-random digits and exponents around every binade, subnormals and overflow
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..20_000 {
            let int: String = (0..1 + next(25))
                .map(|_| char::from(b'0' + next(10) as u8))
                .collect();
            let int = int.trim_start_matches('0');
            let frac: String = (0..next(20))
                .map(|_| char::from(b'0' + next(10) as u8))
                .collect();
            let text = format!(
                "{}{}{}e{}",
                if int.is_empty() { "0" } else { int },
                if frac.is_empty() { "" } else { "." },
                frac,
                next(700) as i64 - 350
            );
            let want: f64 = text.parse().unwrap();
            let got = Reader::document(&text, Reader::num);
            if want.is_finite() {
                assert_eq!(got.map(f64::to_bits), Ok(want.to_bits()), "{text}");
            } else {
                assert_eq!(got, Err(JsonError::Syntax), "{text}");
            }
        }
        for inf in ["1e309", "1.7976931348623159e308", "1e99999999999999999999"] {
            assert_eq!(skip(inf), Err(JsonError::Syntax), "{inf}");
        }
    }

    #[test]
    fn typed_reads() {
        let doc =
            r#"{"s":"a\/b","n":1700000000,"f":-1.25,"l":["x","y"],"one":"z","t":true,"nil":null}"#;
        let mut seen = Vec::new();
        Reader::document(doc, |r| {
            r.object(|r, key| {
                let v = match &*key {
                    "s" => r.str()?.into_owned(),
                    "n" | "f" => r.num()?.to_string(),
                    "l" | "one" => r.strings()?.join("+"),
                    "t" => r.bool()?.to_string(),
                    _ => format!("{:?}", r.opt_str()?),
                };
                seen.push(format!("{key}={v}"));
                Ok(())
            })
        })
        .unwrap();
        assert_eq!(
            seen,
            [
                "s=a/b",
                "n=1700000000",
                "f=-1.25",
                "l=x+y",
                "one=z",
                "t=true",
                "nil=None"
            ]
        );
        // a wrong type is a type error, but only for valid JSON
        assert_eq!(
            Reader::document(r#"{"a":1}"#, Reader::str),
            Err(JsonError::Type)
        );
        assert_eq!(
            Reader::document("[1]", |r| r.object(|r, _| r.skip())),
            Err(JsonError::Type)
        );
        assert_eq!(
            Reader::document("[1,]", Reader::str),
            Err(JsonError::Syntax)
        );
        assert_eq!(Reader::document("5", Reader::strings), Err(JsonError::Type));
        assert_eq!(
            Reader::document("[5]", Reader::strings),
            Err(JsonError::Type)
        );
        assert_eq!(
            Reader::document(r#""x""#, Reader::num),
            Err(JsonError::Type)
        );
        assert_eq!(
            Reader::document("123456789012345678", Reader::num),
            Ok(123456789012345678.0)
        );
    }
}
