using Xunit;
using LiquidationEngine.Replay;

namespace LiquidationEngine.Tests.Diagnostics;

/// <summary>
/// The histogram against the exact answer: the same random values sorted, percentile p taken as the value of rank
/// ceil(p/100 × n). The documented precision is "never more than 1/2^PrecisionBits above the true value", and never below it.
/// </summary>
public sealed class LatencyHistogramPrecisionTests
{
    private static readonly double[] Percentiles = [0.1, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 99.999, 100];

    public static TheoryData<string, int> Shapes() => new()
    {
        { "uniform", 4 }, { "uniform", 7 }, { "uniform", 10 },
        { "log-uniform", 4 }, { "log-uniform", 7 }, { "log-uniform", 12 },
        { "latency-with-stalls", 7 }, { "small-integers", 7 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_percentile_is_at_or_above_the_exact_one_by_at_most_the_documented_precision(string shape, int precisionBits)
    {
        var random = new Random(HashCode.Combine(shape.Length, precisionBits, 20_261_122));
        long[] values = new long[200_000];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Draw(random, shape);
        }

        var h = new LatencyHistogram(precisionBits);
        foreach (long v in values)
        {
            h.Record(v);
        }

        Array.Sort(values);
        Assert.Equal(values.Length, h.Count);
        Assert.Equal(values[^1], h.Max);
        double precision = 1.0 / (1L << precisionBits);
        foreach (double p in Percentiles)
        {
            long exact = values[Math.Max(1, (long)Math.Ceiling(p / 100 * values.Length)) - 1];
            long reported = h.ValueAtPercentile(p);
            Assert.True(reported >= exact, $"{shape}/{precisionBits} bits p{p}: {reported} below exact {exact}");
            double relative = exact == 0 ? reported : (double)(reported - exact) / exact;
            Assert.True(relative <= precision, $"{shape}/{precisionBits} bits p{p}: {reported} vs exact {exact}, relative error {relative:E3} above {precision:E3}");
        }
    }

    [Fact]
    public void The_maximum_is_exact_even_when_it_sits_alone_in_a_wide_bucket()
    {
        var h = new LatencyHistogram(precisionBits: 7);
        for (int i = 0; i < 10_000; i++)
        {
            h.Record(250);
        }

        h.Record(12_345_678_901);
        Assert.Equal(12_345_678_901, h.Max);
        Assert.Equal(12_345_678_901, h.ValueAtPercentile(100));
        Assert.Equal(250, h.ValueAtPercentile(99.99));
    }

    [Fact]
    public void Recording_allocates_nothing()
    {
        var h = new LatencyHistogram();
        h.Record(1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (long v = 0; v < 1_000_000; v++)
        {
            h.Record(v * 977);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
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
