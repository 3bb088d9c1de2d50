using System.Diagnostics;
using HdrHistogram;

namespace LiquidationEngine.Replay;

/// <summary>How replay and the perf harness record latencies: HdrHistogram <see cref="LongHistogram"/>s of
/// nanoseconds, 3 significant digits (a reported value is at most 0.1% above the true one), 0 ns to one hour.</summary>
/// <remarks>Recording allocates nothing. A histogram is not thread-safe: one thread records. Values outside the
/// trackable range are clamped to it (a negative interval to 0, a stall above an hour to an hour) instead of throwing
/// on the output thread.</remarks>
public static class Latencies
{
    /// <summary>The largest latency a histogram tells apart: one hour, in nanoseconds.</summary>
    public const long HighestTrackableNanoseconds = 3_600_000_000_000;

    /// <summary>Significant decimal digits kept for every value.</summary>
    public const int SignificantDigits = 3;

    /// <summary>An empty histogram of nanoseconds.</summary>
    public static LongHistogram Create() => new(1, HighestTrackableNanoseconds, SignificantDigits);

    /// <summary>Records one latency in nanoseconds, clamped to the trackable range.</summary>
    public static void RecordNanoseconds(this HistogramBase histogram, long nanoseconds)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        histogram.RecordValue(Math.Clamp(nanoseconds, 0, histogram.HighestTrackableValue));
    }

    /// <summary>Records one latency with HdrHistogram's coordinated-omission correction: a value longer than the
    /// interval at which samples were due also records the samples that waited behind it
    /// (<see cref="HistogramBase.RecordValueWithExpectedInterval"/>).</summary>
    public static void RecordNanoseconds(this HistogramBase histogram, long nanoseconds, long expectedIntervalNanoseconds)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        histogram.RecordValueWithExpectedInterval(Math.Clamp(nanoseconds, 0, histogram.HighestTrackableValue), expectedIntervalNanoseconds);
    }

    /// <summary>Records the time between two <see cref="Stopwatch.GetTimestamp"/> readings, in nanoseconds.</summary>
    public static void RecordElapsed(this HistogramBase histogram, long startTimestamp, long endTimestamp)
        => histogram.RecordNanoseconds(StopwatchTicksToNanoseconds(endTimestamp - startTimestamp));

    /// <summary>Writes histograms in HdrHistogram's standard log format ("#[Histogram log format version 1.3]"),
    /// as ASCII text: HdrHistogram.NET's <see cref="HistogramLogWriter"/> writes UTF-16, which the other HdrHistogram
    /// tools (HistogramLogProcessor, the plotter) do not read.</summary>
    public static void WriteLog(Stream destination, DateTime startTime, params HistogramBase[] histograms)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var utf16 = new MemoryStream();
        using (var writer = new HistogramLogWriter(utf16))
        {
            writer.Write(startTime, histograms);
        }

        utf16.Position = 0;
        using var reader = new StreamReader(utf16, detectEncodingFromByteOrderMarks: true);
        byte[] ascii = System.Text.Encoding.ASCII.GetBytes(reader.ReadToEnd());
        destination.Write(ascii);
    }

    /// <summary>Converts a <see cref="Stopwatch"/> tick count to nanoseconds (integer math, rounded down).</summary>
    public static long StopwatchTicksToNanoseconds(long ticks)
        => Stopwatch.Frequency == 1_000_000_000
            ? ticks
            : (long)(Math.BigMul(ticks, 1_000_000_000L) / Stopwatch.Frequency);
}
