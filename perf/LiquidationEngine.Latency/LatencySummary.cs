using HdrHistogram;

namespace LiquidationEngine.Latency;

/// <summary>The percentiles a run reports, in nanoseconds.</summary>
/// <param name="Count">Values recorded.</param>
/// <param name="P50">Median.</param>
/// <param name="P90">90th percentile.</param>
/// <param name="P99">99th percentile.</param>
/// <param name="P999">99.9th percentile.</param>
/// <param name="P9999">99.99th percentile.</param>
/// <param name="Max">Worst (to the histogram's precision, 0.1%).</param>
public sealed record LatencySummary(long Count, long P50, long P90, long P99, long P999, long P9999, long Max)
{
    /// <summary>Reads the percentiles out of a histogram of nanoseconds.</summary>
    public static LatencySummary Of(HistogramBase h)
    {
        ArgumentNullException.ThrowIfNull(h);
        return h.TotalCount == 0
            ? new(0, 0, 0, 0, 0, 0, 0)
            : new(h.TotalCount, h.GetValueAtPercentile(50), h.GetValueAtPercentile(90), h.GetValueAtPercentile(99),
                h.GetValueAtPercentile(99.9), h.GetValueAtPercentile(99.99), h.GetMaxValue());
    }

    /// <summary>One line: count, p50 … max with units.</summary>
    public override string ToString()
        => Count == 0
            ? "n=0"
            : $"n={Count,10:N0}  p50 {Format(P50),9}  p90 {Format(P90),9}  p99 {Format(P99),9}  p99.9 {Format(P999),9}  p99.99 {Format(P9999),9}  max {Format(Max),9}";

    /// <summary>Nanoseconds as ns, µs or ms with three significant figures.</summary>
    public static string Format(long ns) => ns switch
    {
        < 1_000 => $"{ns} ns",
        < 1_000_000 => $"{ns / 1e3:0.##} µs",
        < 1_000_000_000 => $"{ns / 1e6:0.##} ms",
        _ => $"{ns / 1e9:0.##} s",
    };
}
