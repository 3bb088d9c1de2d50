using System.Diagnostics;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Perf;
using LiquidationEngine.Pipeline;
using LiquidationEngine.Replay;

namespace LiquidationEngine.Latency;

/// <summary>
/// One tick that crashes BTC's mark 30 % over a 1M-position book whose BTC longs (10 % of it) all go into breach,
/// published through the running pipeline: the figure is publish → the last of the 100,000 orders at the sink.
/// </summary>
public static class CascadeRun
{
    /// <summary>Builds the crash book, runs the pipeline over it, warms it with quiet ticks, then publishes the crash.</summary>
    public static CascadeResult Run(InstrumentCatalog catalog, int positions, string waitStrategy)
    {
        var layout = new CrashLayout(catalog);
        Book book = Book.Build(layout, positions, new BookOptions { OpenOrderCapacity = 1 << 18 });
        int expected = CrashLayout.Liquidated(positions);
        var sink = new TimestampSink(capacity: 1, orderCapacity: expected + 16);
        var options = new EngineOptions
        {
            RingSize = 1 << 16, OutputRingSize = 1 << 18, PositionCapacity = positions, AccountCapacity = book.Accounts,
            OpenOrderCapacity = 1 << 18, WaitStrategy = waitStrategy, MultiProducer = false,
        };
        using var pipeline = new EnginePipeline(catalog, options, book.State);
        pipeline.AddSink(sink);
        pipeline.Start();
        try
        {
            // Warm the threads and the tick path: quiet ticks on every instrument.
            var tick = default(EngineCommand);
            for (int i = 0; i < 200_000; i++)
            {
                int instrument = i % catalog.Count;
                tick = new EngineCommand { Kind = CommandKind.MarkTick, Instrument = instrument, Price = catalog[instrument].ReferencePrice.Raw };
                pipeline.Publish(in tick);
            }

            if (!pipeline.WaitUntilApplied(pipeline.PublishedSequence, TimeSpan.FromMinutes(1)))
            {
                throw new InvalidOperationException($"warm-up did not drain: {pipeline.Fault}");
            }

            GC.Collect();
            sink.Arm(pipeline.PublishedSequence + 1, 1);
            GcProbe gc = GcProbe.Start(pipeline);
            var crash = new EngineCommand { Kind = CommandKind.MarkTick, Instrument = CrashLayout.CrashInstrument, Price = layout.CrashMark, SourceId = 1 };
            long t0 = Stopwatch.GetTimestamp();
            long sequence = pipeline.Publish(in crash);
            if (!pipeline.WaitUntilApplied(sequence, TimeSpan.FromMinutes(1)))
            {
                throw new InvalidOperationException($"the crash did not drain: {pipeline.Fault}");
            }

            GcDelta gcDelta = gc.Stop(pipeline);
            ReadOnlySpan<long> times = sink.OrderTimes;
            long first = times.Length > 0 ? Latencies.StopwatchTicksToNanoseconds(times[0] - t0) : 0;
            long last = times.Length > 0 ? Latencies.StopwatchTicksToNanoseconds(times[^1] - t0) : 0;
            return new CascadeResult(positions, sink.OrderCount, expected, first, last, last > 0 ? sink.OrderCount / (last / 1e9) : 0, book.BuildTime.TotalSeconds, gcDelta);
        }
        finally
        {
            pipeline.Stop(TimeSpan.FromSeconds(30));
        }
    }
}
