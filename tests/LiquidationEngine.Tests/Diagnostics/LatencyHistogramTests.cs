using Xunit;
using LiquidationEngine.Replay;

namespace LiquidationEngine.Tests.Diagnostics;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void An_empty_histogram_reports_zero_for_every_percentile()
    {
        var h = new LatencyHistogram();
        Assert.Equal(0, h.Count);
        Assert.Equal(0, h.ValueAtPercentile(50));
        Assert.Equal(0, h.ValueAtPercentile(100));
        Assert.Equal(0, h.Mean);
    }

    [Fact]
    public void Values_below_the_linear_range_are_recorded_exactly()
    {
        var h = new LatencyHistogram(precisionBits: 7);
        for (long v = 0; v < 128; v++)
        {
            h.Record(v);
        }

        // Rank ceil(p/100 × 128) of 0..127 is exactly value rank−1.
        Assert.Equal(63, h.ValueAtPercentile(50));
        Assert.Equal(126, h.ValueAtPercentile(99));
        Assert.Equal(127, h.ValueAtPercentile(100));
        Assert.Equal(0, h.Min);
        Assert.Equal(127, h.Max);
        Assert.Equal(127 * 128 / 2, h.Sum);
    }

    [Fact]
    public void Every_bucket_boundary_maps_to_adjacent_buckets_without_gaps()
    {
        var h = new LatencyHistogram(precisionBits: 4);
        int previous = -1;
        long[] probes = [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 1L << 40, (1L << 40) + 1, long.MaxValue - 1, long.MaxValue];
        foreach (long v in probes)
        {
            int bucket = h.BucketOf(v);
            Assert.True(bucket >= previous, $"bucket of {v} went backwards");
            Assert.InRange(v, h.LowestEquivalentValue(bucket), h.HighestEquivalentValue(bucket));
            previous = bucket;
        }

        // Consecutive buckets tile the number line: each one starts right after the previous one ends.
        for (int bucket = 1; bucket < h.BucketOf(long.MaxValue); bucket++)
        {
            Assert.Equal(h.HighestEquivalentValue(bucket - 1) + 1, h.LowestEquivalentValue(bucket));
        }
    }

    [Fact]
    public void Percentiles_of_a_seeded_sample_are_within_the_stated_precision_of_the_exact_ones()
    {
        var random = new DeterministicRandom(7);
        var h = new LatencyHistogram(precisionBits: 7);
        var values = new long[50_000];
        for (int i = 0; i < values.Length; i++)
        {
            // Log-spread latencies from 100 ns to ~100 ms.
            values[i] = random.NextLong(100, 1_000) << (int)random.NextLong(0, 17);
            h.Record(values[i]);
        }

        Array.Sort(values);
        foreach (double p in new[] { 1.0, 50, 90, 99, 99.9, 99.99, 100 })
        {
            long rank = Math.Max(1, (long)Math.Ceiling(p / 100 * values.Length));
            long exact = values[rank - 1];
            long reported = h.ValueAtPercentile(p);
            Assert.True(reported >= exact, $"p{p}: {reported} < exact {exact}");
            Assert.True(reported <= exact + (exact >> 7), $"p{p}: {reported} more than 1/128 above exact {exact}");
        }

        Assert.Equal(values[^1], h.ValueAtPercentile(100));
        Assert.Equal(values[0], h.Min);
    }

    [Fact]
    public void Adding_two_histograms_equals_recording_everything_in_one()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        var all = new LatencyHistogram();
        for (long v = 1; v < 200_000; v += 37)
        {
            (v % 3 == 0 ? a : b).Record(v * 11);
            all.Record(v * 11);
        }

        a.Add(b);
        Assert.Equal(all.Count, a.Count);
        Assert.Equal(all.Sum, a.Sum);
        Assert.Equal(all.Min, a.Min);
        Assert.Equal(all.Max, a.Max);
        foreach (double p in new[] { 10.0, 50, 75, 99, 99.9 })
        {
            Assert.Equal(all.ValueAtPercentile(p), a.ValueAtPercentile(p));
        }
    }

    [Fact]
    public void Negative_values_are_recorded_as_zero_and_reset_forgets_everything()
    {
        var h = new LatencyHistogram();
        h.Record(-5);
        h.RecordMany(1_000_000, 3);
        Assert.Equal(4, h.Count);
        Assert.Equal(0, h.Min);
        Assert.Equal(0, h.ValueAtPercentile(25));
        Assert.Equal(1_000_000, h.ValueAtPercentile(100));
        h.Reset();
        Assert.Equal(0, h.Count);
        Assert.Equal(0, h.ValueAtPercentile(99));
    }

    [Fact]
    public void Histograms_of_different_precision_cannot_be_added()
        => Assert.Throws<ArgumentException>(() => new LatencyHistogram(7).Add(new LatencyHistogram(8)));
}
