using System.Diagnostics;
using System.Numerics;

namespace LiquidationEngine.Replay;

/// <summary>
/// A log-linear histogram of non-negative integer values (typically latencies in nanoseconds), in the spirit of
/// HdrHistogram: exact below 2^<see cref="PrecisionBits"/>, and above that every power-of-two octave is split into
/// 2^<see cref="PrecisionBits"/> equal buckets, so a reported value is never more than 1/2^PrecisionBits above the
/// true one (0.8% at the default 7 bits).
/// </summary>
/// <remarks>
/// <para>Fixed memory (about 57 KB at 7 bits), no allocation when recording, covers the whole <see cref="long"/> range.
/// Not thread-safe: one thread records; merge per-thread histograms with <see cref="Add"/> to combine them.</para>
/// <para>Bucket layout: value <c>v &lt; m</c> (where <c>m = 2^p</c>) goes to bucket <c>v</c>. Otherwise, with
/// <c>e = floor(log2 v)</c>, the bucket is <c>m + (e − p)·m + ((v &gt;&gt; (e − p)) − m)</c>: the p bits that follow the
/// leading one select the sub-bucket. The bucket covers <c>[(m + k)·2^(e−p), (m + k + 1)·2^(e−p))</c>.</para>
/// <example>
/// <code>
/// var h = new LatencyHistogram();
/// long t0 = Stopwatch.GetTimestamp();
/// // ... work ...
/// h.RecordElapsed(t0, Stopwatch.GetTimestamp());
/// long p99 = h.ValueAtPercentile(99);   // nanoseconds
/// </code>
/// </example>
/// </remarks>
public sealed class LatencyHistogram
{
    /// <summary>Count per bucket; index by <see cref="BucketOf"/>.</summary>
    private readonly long[] _counts;

    /// <summary>Sub-buckets per octave, <c>2^PrecisionBits</c>.</summary>
    private readonly long _subBuckets;

    /// <summary>Creates an empty histogram.</summary>
    /// <param name="precisionBits">Sub-bucket bits per octave, 1 to 16: relative precision 2^-precisionBits.</param>
    public LatencyHistogram(int precisionBits = 7)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(precisionBits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(precisionBits, 16);
        PrecisionBits = precisionBits;
        _subBuckets = 1L << precisionBits;

        // Linear region m buckets, then (63 − p) octaves of m buckets each (the top octave is e = 62).
        _counts = new long[checked((int)(_subBuckets + ((63 - precisionBits) * _subBuckets)))];
        Min = long.MaxValue;
    }

    /// <summary>Sub-bucket bits per octave.</summary>
    public int PrecisionBits { get; }

    /// <summary>Values recorded.</summary>
    public long Count { get; private set; }

    /// <summary>Smallest value recorded (exact), or <see cref="long.MaxValue"/> when empty.</summary>
    public long Min { get; private set; }

    /// <summary>Largest value recorded (exact), or 0 when empty.</summary>
    public long Max { get; private set; }

    /// <summary>Sum of the values recorded (exact while it fits 64 bits; saturates otherwise).</summary>
    public long Sum { get; private set; }

    /// <summary>Mean of the values recorded, or 0 when empty. For display only.</summary>
    public double Mean => Count == 0 ? 0 : (double)Sum / Count;

    /// <summary>Records one value; negative values are recorded as 0.</summary>
    public void Record(long value) => RecordMany(value, 1);

    /// <summary>Records <paramref name="count"/> occurrences of a value; negative values are recorded as 0.</summary>
    public void RecordMany(long value, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            return;
        }

        if (value < 0)
        {
            value = 0;
        }

        _counts[BucketOf(value)] += count;
        Count += count;
        Sum = SaturatingAdd(Sum, value, count);
        if (value < Min)
        {
            Min = value;
        }

        if (value > Max)
        {
            Max = value;
        }
    }

    /// <summary>Records the time between two <see cref="Stopwatch.GetTimestamp"/> readings, in nanoseconds.</summary>
    public void RecordElapsed(long startTimestamp, long endTimestamp)
        => Record(StopwatchTicksToNanoseconds(endTimestamp - startTimestamp));

    /// <summary>Converts a <see cref="Stopwatch"/> tick count to nanoseconds (integer math, rounded down).</summary>
    public static long StopwatchTicksToNanoseconds(long ticks)
        => Stopwatch.Frequency == 1_000_000_000
            ? ticks
            : (long)(Math.BigMul(ticks, 1_000_000_000L) / Stopwatch.Frequency);

    /// <summary>
    /// The value below or at which <paramref name="percentile"/> percent of the recorded values fall: the highest value
    /// of the bucket holding the value of rank <c>ceil(percentile/100 × Count)</c>, capped at <see cref="Max"/>
    /// (so the 100th percentile is the exact maximum). 0 when empty.
    /// </summary>
    /// <param name="percentile">0 to 100.</param>
    public long ValueAtPercentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100.0);
        if (Count == 0)
        {
            return 0;
        }

        long rank = (long)Math.Ceiling(percentile / 100.0 * Count);
        rank = Math.Clamp(rank, 1, Count);
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(HighestEquivalentValue(i), Max);
            }
        }

        Debug.Fail("the counts add up to Count");
        return Max;
    }

    /// <summary>Adds every value recorded in <paramref name="other"/> (which must have the same precision).</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.PrecisionBits != PrecisionBits)
        {
            throw new ArgumentException($"precision {other.PrecisionBits} differs from {PrecisionBits}.", nameof(other));
        }

        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        Sum = SaturatingAdd(Sum, other.Sum, 1);
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>Forgets every value.</summary>
    public void Reset()
    {
        Array.Clear(_counts);
        Count = 0;
        Sum = 0;
        Min = long.MaxValue;
        Max = 0;
    }

    /// <summary>The bucket a value falls in (see the remarks for the layout).</summary>
    internal int BucketOf(long value)
    {
        Debug.Assert(value >= 0, "values are clamped to 0 first");
        if (value < _subBuckets)
        {
            return (int)value;
        }

        int e = 63 - BitOperations.LeadingZeroCount((ulong)value);
        int shift = e - PrecisionBits;
        long sub = (value >> shift) - _subBuckets;
        return (int)(_subBuckets + ((long)shift * _subBuckets) + sub);
    }

    /// <summary>The lowest value that falls in bucket <paramref name="bucket"/>.</summary>
    internal long LowestEquivalentValue(int bucket)
    {
        if (bucket < _subBuckets)
        {
            return bucket;
        }

        long shift = (bucket - _subBuckets) / _subBuckets;
        long sub = (bucket - _subBuckets) % _subBuckets;
        return (_subBuckets + sub) << (int)shift;
    }

    /// <summary>The highest value that falls in bucket <paramref name="bucket"/>.</summary>
    internal long HighestEquivalentValue(int bucket)
    {
        if (bucket < _subBuckets)
        {
            return bucket;
        }

        long shift = (bucket - _subBuckets) / _subBuckets;
        long low = LowestEquivalentValue(bucket);
        long width = 1L << (int)shift;

        // The very top bucket ends at long.MaxValue.
        return low > long.MaxValue - width ? long.MaxValue : low + width - 1;
    }

    private static long SaturatingAdd(long sum, long value, long count)
    {
        Int128 total = sum + ((Int128)value * count);
        return total > long.MaxValue ? long.MaxValue : (long)total;
    }
}
