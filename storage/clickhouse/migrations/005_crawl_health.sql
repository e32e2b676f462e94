-- Crawl health per source, one row per source and crawl commit (yuqing crawl writes it at the end
-- of a pass and every few minutes while it runs), so a silent or broken source shows up in a
-- query: no recent last_success, or failures growing while documents do not. Counters are
-- cumulative within one crawler process (run_id); compare rows of the same run_id.
-- failed_reasons[i] failed failed_counts[i] times (ClickHouse 18.16 has no Map type).
CREATE TABLE IF NOT EXISTS crawl_health
(
    time DateTime('UTC'),
    run_id String,
    source String,
    fetched UInt64,
    not_modified UInt64,
    documents UInt64,
    dated UInt64,
    lists UInt64,
    robots_disallowed UInt64,
    retries UInt64,
    failed UInt64,
    failed_reasons Array(String),
    failed_counts Array(UInt64),
    last_success Nullable(DateTime('UTC'))
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (source, time)
