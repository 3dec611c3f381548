//! The image readers on arbitrary bytes: as a layer blob (tar, gzip or zstd), and as a
//! `docker save` / OCI archive stream that is then resolved, loaded, merged and checked.
//! Nothing may panic, and the small limits keep every run short.
#![no_main]

use hullscan_image::layer::{ContentPlan, Limits, index_layer};
use hullscan_image::model::{self, ReadOptions, SourceKind};
use hullscan_image::resolve::{self, Selection};
use hullscan_image_rules::{ImageRuleSettings, check_image};
use hullscan_image::store::StreamedStore;
use libfuzzer_sys::fuzz_target;

fn limits() -> Limits {
    Limits {
        max_layer_bytes: 16 << 20,
        max_layer_entries: 10_000,
        max_json_bytes: 1 << 20,
        max_captured_file_bytes: 64 << 10,
        ..Limits::default()
    }
}

fuzz_target!(|data: &[u8]| {
    let limits = limits();
    let capture_all = |_: &str, _: u64| true;
    let _ = index_layer(
        "fuzz",
        "layer",
        data,
        &limits,
        &ContentPlan::capture_only(&capture_all),
        None,
    );
    let content = ContentPlan::capture_only(&model::wants_content);
    let Ok(store) = StreamedStore::consume("fuzz", data, &limits, &content, None)
    else {
        return;
    };
    let Ok(plan) = resolve::plan(&store, &Selection::default(), limits.max_json_bytes) else {
        return;
    };
    let options = ReadOptions {
        limits,
        ..ReadOptions::default()
    };
    if let Ok(image) = model::load(&store, plan, "fuzz", SourceKind::Archive, &options) {
        let _ = check_image(&image, &ImageRuleSettings::default());
    }
});
