using HdrHistogram;
using LiquidationEngine.Replay;
using Xunit;

namespace LiquidationEngine.Tests.Diagnostics;

/// <summary>
/// The latency histograms replay and the perf harness report from (HdrHistogram, through <see cref="Latencies"/>),
/// against the exact answer: the same random values sorted. HdrHistogram reports the highest value equivalent to the
/// one at the percentile's rank, so a reported value is never below the exact one and at most 10^-digits above it.
/// </summary>
public sealed class LatencyHistogramPrecisionTests
{
    private static readonly double[] Percentiles = [0.1, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 99.999, 100];

    public static TheoryData<string, int> Shapes() => new()
    {
        { "uniform", 2 }, { "uniform", 3 }, { "uniform", 4 },
        { "log-uniform", 2 }, { "log-uniform", 3 }, { "log-uniform", 4 },
        { "latency-with-stalls", 3 }, { "small-integers", 3 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_percentile_is_at_or_above_the_exact_one_by_at_most_the_stated_precision(string shape, int digits)
    {
        var random = new Random(HashCode.Combine(shape.Length, digits, 20_261_122));
        long[] values = new long[200_000];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Draw(random, shape);
        }

        var h = new LongHistogram(1, Latencies.HighestTrackableNanoseconds, digits);
        foreach (long v in values)
        {
            h.RecordNanoseconds(v);
        }

        Array.Sort(values);
        Assert.Equal(values.Length, h.TotalCount);
        double precision = Math.Pow(10, -digits);
        AssertWithin(values[^1], h.GetMaxValue(), precision, $"{shape}/{digits} digits max");
        foreach (double p in Percentiles)
        {
            // HdrHistogram's rank: the count at the percentile rounded to the nearest whole value, at least 1.
            long rank = Math.Max(1, (long)((p / 100 * values.Length) + 0.5));
            AssertWithin(values[rank - 1], h.GetValueAtPercentile(p), precision, $"{shape}/{digits} digits p{p}");
        }
    }

    [Fact]
    public void A_lone_maximum_in_a_wide_bucket_is_reported_within_a_thousandth()
    {
        LongHistogram h = Latencies.Create();
        for (int i = 0; i < 10_000; i++)
        {
            h.RecordNanoseconds(250);
        }

        h.RecordNanoseconds(12_345_678_901);
        AssertWithin(12_345_678_901, h.GetMaxValue(), 1e-3, "max");
        AssertWithin(12_345_678_901, h.GetValueAtPercentile(100), 1e-3, "p100");
        Assert.Equal(250, h.GetValueAtPercentile(99.99));
    }

    [Fact]
    public void Values_outside_the_trackable_range_are_clamped_not_thrown()
    {
        LongHistogram h = Latencies.Create();
        h.RecordNanoseconds(-5);
        h.RecordNanoseconds(long.MaxValue);
        Assert.Equal(2, h.TotalCount);
        Assert.Equal(0, h.GetValueAtPercentile(50));

        // At the very top of its range HdrHistogram reports a bucket edge slightly below the value (0.2% here).
        Assert.InRange(h.GetMaxValue(), Latencies.HighestTrackableNanoseconds * 99 / 100, Latencies.HighestTrackableNanoseconds * 101 / 100);
    }

    [Fact]
    public void Coordinated_omission_correction_fills_in_the_samples_a_stall_held_back()
    {
        // 1 µs apart, one sample stalled for 100 µs: the 99 samples due during the stall would each have waited
        // 99, 98, ... 1 µs. The corrected histogram holds them; the naive one holds only the stall.
        LongHistogram naive = Latencies.Create(), corrected = Latencies.Create();
        for (int i = 0; i < 1_000; i++)
        {
            long v = i == 500 ? 100_000 : 200;
            naive.RecordNanoseconds(v);
            corrected.RecordNanoseconds(v, expectedIntervalNanoseconds: 1_000);
        }

        Assert.Equal(1_000, naive.TotalCount);
        Assert.Equal(1_000 + 99, corrected.TotalCount);
        var expected = new List<long>(Enumerable.Repeat(200L, 999)) { 100_000 };
        for (long missed = 100_000 - 1_000; missed >= 1_000; missed -= 1_000)
        {
            expected.Add(missed);
        }

        expected.Sort();
        foreach (double p in new[] { 50.0, 90, 95, 99, 100 })
        {
            long rank = Math.Max(1, (long)((p / 100 * expected.Count) + 0.5));
            AssertWithin(expected[(int)rank - 1], corrected.GetValueAtPercentile(p), 1e-3, $"corrected p{p}");
        }

        Assert.Equal(200, naive.GetValueAtPercentile(99));
    }

    [Fact]
    public void Elapsed_stopwatch_ticks_are_recorded_in_nanoseconds()
    {
        LongHistogram h = Latencies.Create();
        long oneMillisecond = System.Diagnostics.Stopwatch.Frequency / 1_000;
        h.RecordElapsed(1_000, 1_000 + oneMillisecond);
        AssertWithin(1_000_000, h.GetMaxValue(), 1e-3, "1 ms");
    }

    [Fact]
    public void Recording_allocates_nothing()
    {
        LongHistogram h = Latencies.Create();
        h.RecordNanoseconds(1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (long v = 0; v < 1_000_000; v++)
        {
            h.RecordNanoseconds(v * 977);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void The_standard_log_format_reads_back_the_same_histogram()
    {
        LongHistogram h = Latencies.Create();
        var random = new Random(11);
        for (int i = 0; i < 20_000; i++)
        {
            h.RecordNanoseconds(random.NextInt64(100, 5_000_000));
        }

        h.Tag = "busy-spin/1000000";
        using var stream = new MemoryStream();
        Latencies.WriteLog(stream, DateTime.UtcNow, h);
        string text = System.Text.Encoding.ASCII.GetString(stream.ToArray());
        Assert.StartsWith("#[Histogram log format version 1.3]", text, StringComparison.Ordinal);
        Assert.Contains("Tag=busy-spin/1000000,", text, StringComparison.Ordinal);

        using var reader = new HistogramLogReader(new MemoryStream(stream.ToArray()));
        HistogramBase back = Assert.Single(reader.ReadHistograms());
        Assert.Equal(h.TotalCount, back.TotalCount);
        Assert.Equal("busy-spin/1000000", back.Tag);
        foreach (double p in new[] { 1.0, 50, 99, 99.99, 100 })
        {
            Assert.Equal(h.GetValueAtPercentile(p), back.GetValueAtPercentile(p));
        }
    }

    private static void AssertWithin(long exact, long reported, double precision, string what)
    {
        Assert.True(reported >= exact, $"{what}: {reported} below exact {exact}");
        double relative = exact == 0 ? reported : (double)(reported - exact) / exact;
        Assert.True(relative <= precision, $"{what}: {reported} vs exact {exact}, relative error {relative:E3} above {precision:E3}");
    }

    private static long Draw(Random random, string shape) => shape switch
    {
        "uniform" => random.NextInt64(0, 1_000_000_000),

        // 1 ns to ~17 s, evenly spread over orders of magnitude.
        "log-uniform" => (long)Math.Exp(random.NextDouble() * Math.Log(17e9)),

        // Mostly 150-400 ns, 1 % at 1-50 µs, 0.01 % at 1-20 ms: a ring under a noisy neighbour.
        "latency-with-stalls" => random.NextDouble() switch
        {
            < 0.0001 => random.NextInt64(1_000_000, 20_000_000),
            < 0.0101 => random.NextInt64(1_000, 50_000),
            _ => random.NextInt64(150, 400),
        },
        "small-integers" => random.Next(0, 300),
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };
}
