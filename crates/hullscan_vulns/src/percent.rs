//! Percent-decoding, for the parts of package URLs that the SBOM and VEX readers take apart.

/// `text` with its `%XX` escapes decoded (a `%` not followed by two hex digits stays as it is;
/// bytes that do not form UTF-8 become U+FFFD).
pub(crate) fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
