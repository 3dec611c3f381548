//! Size analyses: per-layer sizes and largest files, dive's efficiency and wasted bytes, our
//! corrected wasted figure, and package-manager caches left in the final filesystem.

use crate::layer::EntryKind;
use crate::merge::{FileRef, MergedView};
use crate::model::Layer;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LargestFile {
    pub path: String,
    pub size: u64,
}

#[derive(Clone, Debug)]
pub struct LayerStats {
    pub index: usize,
    /// Sum of regular file sizes (dive's layer size).
    pub content_size: u64,
    pub tar_size: u64,
    pub blob_size: u64,
    pub entries: u64,
    /// Bytes this layer added that the final filesystem does not show (replaced or deleted
    /// by a later layer).
    pub hidden_bytes: u64,
    /// Largest regular files of the layer, largest first (at most 5).
    pub largest: Vec<LargestFile>,
}

/// A package manager's cache found in the final filesystem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheLeftover {
    pub manager: &'static str,
    /// The cache directory, e.g. `/var/lib/apt/lists`.
    pub dir: &'static str,
    pub files: u64,
    pub bytes: u64,
    /// The layer that added most of its bytes.
    pub layer: u32,
}

#[derive(Clone, Debug)]
pub struct Analysis {
    pub layers: Vec<LayerStats>,
    /// All regular-file bytes in all layers.
    pub total_content: u64,
    /// Regular-file bytes visible in the final filesystem.
    pub visible_content: u64,
    /// dive: Σ min / Σ cumulative per path.
    pub dive_efficiency: f64,
    /// dive: Σ cumulative over paths in ≥ 2 layers (double counts the kept copy).
    pub dive_wasted_bytes: u64,
    /// dive: Σ content size of layers 1..
    pub dive_user_size: u64,
    /// dive: wasted / user size.
    pub dive_user_wasted_ratio: f64,
    /// hullscan: bytes in layers that the final filesystem does not show, each counted once
    /// (total_content − visible_content). Includes what directory whiteouts delete.
    pub wasted_bytes: u64,
    /// hullscan: visible_content / total_content (1.0 for an empty image).
    pub efficiency: f64,
    pub caches: Vec<CacheLeftover>,
}

/// Cache directories: (manager, dir without leading `/`).
const CACHE_DIRS: &[(&str, &str)] = &[
    ("apt", "var/lib/apt/lists"),
    ("apt", "var/cache/apt/archives"),
    ("apk", "var/cache/apk"),
    ("yum", "var/cache/yum"),
    ("dnf", "var/cache/dnf"),
    ("zypper", "var/cache/zypp"),
    ("pip", "root/.cache/pip"),
    ("npm", "root/.npm/_cacache"),
    ("yarn", "usr/local/share/.cache/yarn"),
    ("go", "root/.cache/go-build"),
    ("cargo", "usr/local/cargo/registry/cache"),
    ("gem", "root/.gem/specs"),
];

impl Analysis {
    pub fn compute(layers: &[Layer], fs: &MergedView) -> Analysis {
        let mut stats: Vec<LayerStats> = layers
            .iter()
            .map(|layer| {
                let files = &layer.files;
                let mut largest: Vec<LargestFile> = Vec::new();
                for entry in &files.entries {
                    if entry.kind != EntryKind::File || entry.size == 0 {
                        continue;
                    }
                    if largest.len() < 5 || entry.size > largest[largest.len() - 1].size {
                        let file = LargestFile {
                            path: format!("/{}", files.path(entry)),
                            size: entry.size,
                        };
                        let at = largest.partition_point(|f| f.size >= entry.size);
                        largest.insert(at, file);
                        largest.truncate(5);
                    }
                }
                LayerStats {
                    index: layer.index,
                    content_size: files.content_size,
                    tar_size: files.tar_size,
                    blob_size: layer.blob_size,
                    entries: files.entries.len() as u64,
                    hidden_bytes: 0,
                    largest,
                }
            })
            .collect();
        for (number, layer) in layers.iter().enumerate() {
            let hidden: u64 = layer
                .files
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| e.kind == EntryKind::File)
                .filter(|(i, _)| {
                    fs.hidden_by(FileRef {
                        layer: number as u32,
                        entry: *i as u32,
                    })
                    .is_some()
                })
                .map(|(_, e)| e.size)
                .sum();
            stats[number].hidden_bytes = hidden;
        }
        let total_content: u64 = stats.iter().map(|s| s.content_size).sum();
        let mut visible_content = 0u64;
        let mut caches: Vec<CacheLeftover> = Vec::new();
        let mut cache_layer_bytes: Vec<Vec<u64>> = Vec::new();
        for file in fs.visible() {
            let files = &layers[file.layer as usize].files;
            let entry = &files.entries[file.entry as usize];
            if entry.kind != EntryKind::File {
                continue;
            }
            visible_content += entry.size;
            let path = files.path(entry);
            for (manager, dir) in CACHE_DIRS {
                let Some(rest) = path.strip_prefix(dir).and_then(|r| r.strip_prefix('/')) else {
                    continue;
                };
                // Empty lock files and directory markers are what a clean image keeps.
                if entry.size == 0 || rest == "lock" || rest.starts_with("partial/") {
                    continue;
                }
                let slot = match caches.iter().position(|c| c.dir == *dir) {
                    Some(slot) => slot,
                    None => {
                        caches.push(CacheLeftover {
                            manager,
                            dir,
                            files: 0,
                            bytes: 0,
                            layer: file.layer,
                        });
                        cache_layer_bytes.push(vec![0; layers.len()]);
                        caches.len() - 1
                    }
                };
                caches[slot].files += 1;
                caches[slot].bytes += entry.size;
                cache_layer_bytes[slot][file.layer as usize] += entry.size;
            }
        }
        for (cache, per_layer) in caches.iter_mut().zip(&cache_layer_bytes) {
            cache.layer = per_layer
                .iter()
                .enumerate()
                .max_by_key(|(_, bytes)| **bytes)
                .map_or(0, |(layer, _)| layer as u32);
        }
        let dive_user_size: u64 = stats.iter().skip(1).map(|s| s.content_size).sum();
        let dive_wasted_bytes = fs.dive.wasted_bytes;
        Analysis {
            layers: stats,
            total_content,
            visible_content,
            dive_efficiency: fs.dive.efficiency,
            dive_wasted_bytes,
            dive_user_size,
            dive_user_wasted_ratio: if dive_user_size == 0 {
                0.0
            } else {
                dive_wasted_bytes as f64 / dive_user_size as f64
            },
            wasted_bytes: total_content - visible_content.min(total_content),
            efficiency: if total_content == 0 {
                1.0
            } else {
                visible_content as f64 / total_content as f64
            },
            caches,
        }
    }
}

/// `1.5 MB`-style sizes (decimal units, like docker and dive).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Parses `20MB`, `1.5GiB`, `300k`, `1000` into bytes.
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    let multiplier: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "t" | "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0_f64.powi(4),
        _ => return None,
    };
    (value >= 0.0).then_some((value * multiplier) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_round_trip() {
        assert_eq!(parse_size("20MB"), Some(20_000_000));
        assert_eq!(parse_size("1.5 GiB"), Some(1_610_612_736));
        assert_eq!(parse_size("300"), Some(300));
        assert_eq!(parse_size("abc"), None);
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(1_500_000), "1.5 MB");
    }
}
