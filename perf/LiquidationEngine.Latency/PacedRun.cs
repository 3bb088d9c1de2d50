using System.Diagnostics;
using HdrHistogram;
using LiquidationEngine.Contracts;
using LiquidationEngine.Pipeline;
using LiquidationEngine.Replay;

namespace LiquidationEngine.Latency;

/// <summary>
/// Publishes ticks at a fixed rate and measures each one from the time it was scheduled to be sent, so a stall delays
/// the measurement of every tick queued behind it (no coordinated omission): input i is due at start + i / rate, the
/// producer publishes it then or, if it is late, at once; its latency runs from the due time to its first order (or,
/// for a tick that liquidates nothing, its ack) reaching the sink on the output thread.
/// </summary>
public sealed class PacedRun(EnginePipeline pipeline, TimestampSink sink, TickSource ticks, long[] sent)
{
    /// <summary>Runs <paramref name="events"/> ticks at <paramref name="rate"/> per second.</summary>
    public PacedResult Run(long rate, int events)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(events, sent.Length);
        sink.Arm(pipeline.PublishedSequence + 1, events);
        GcProbe gc = GcProbe.Start(pipeline);
        double period = (double)Stopwatch.Frequency / rate;
        var command = default(EngineCommand);

        // Start 1 ms ahead so the first due time is not already past.
        long start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 1000);
        for (int i = 0; i < events; i++)
        {
            ticks.Next(ref command, sourceId: 1);
            long due = start + (long)(i * period);
            long now = Stopwatch.GetTimestamp();
            while (now < due)
            {
                now = Stopwatch.GetTimestamp();
            }

            sent[i] = now;
            pipeline.Publish(in command);
        }

        long last = pipeline.PublishedSequence;
        if (!pipeline.WaitUntilApplied(last, TimeSpan.FromMinutes(2)))
        {
            throw new InvalidOperationException($"the pipeline did not drain: {pipeline.Fault}");
        }

        sink.Disarm();
        GcDelta gcDelta = gc.Stop(pipeline);
        LongHistogram toOrder = Latencies.Create(), toApplied = Latencies.Create(), all = Latencies.Create();
        LongHistogram fromSend = Latencies.Create(), fromSendCorrected = Latencies.Create(), sendLag = Latencies.Create();
        long periodNanoseconds = Math.Max(1, 1_000_000_000 / rate);
        long orderTicks = 0, orders = 0, missing = 0, lastOut = start;
        ReadOnlySpan<long> firstOrder = sink.FirstOrder;
        ReadOnlySpan<long> ack = sink.Ack;
        ReadOnlySpan<int> ordersOf = sink.OrdersOf;
        for (int i = 0; i < events; i++)
        {
            long due = start + (long)(i * period);
            sendLag.RecordElapsed(due, sent[i]);
            long done;
            if (ordersOf[i] > 0)
            {
                done = firstOrder[i];
                orderTicks++;
                orders += ordersOf[i];
                toOrder.RecordElapsed(due, done);
            }
            else if (ack[i] != 0)
            {
                done = ack[i];
                toApplied.RecordElapsed(due, done);
            }
            else
            {
                missing++;
                continue;
            }

            all.RecordElapsed(due, done);
            long sendToDone = Latencies.StopwatchTicksToNanoseconds(done - sent[i]);
            fromSend.RecordNanoseconds(sendToDone);

            // HdrHistogram's coordinated-omission correction of the naive figure, as a cross-check of the paced one.
            fromSendCorrected.RecordNanoseconds(sendToDone, periodNanoseconds);
            lastOut = Math.Max(lastOut, Math.Max(done, ack[i]));
        }

        double f = Stopwatch.Frequency;
        return new PacedResult(
            pipeline.Options.WaitStrategy, rate, events, events / (double)rate,
            events / ((sent[events - 1] - start) / f),
            events / ((lastOut - start) / f),
            orderTicks, orders, events - orderTicks - missing, missing,
            LatencySummary.Of(toOrder), LatencySummary.Of(toApplied), LatencySummary.Of(all), LatencySummary.Of(fromSend),
            LatencySummary.Of(fromSendCorrected), LatencySummary.Of(sendLag), gcDelta) { AllHistogram = all };
    }

    /// <summary>Publishes <paramref name="events"/> feed ticks (no acks) as fast as the ring takes them.</summary>
    public ThroughputResult Flat(int events)
    {
        sink.Disarm();
        GcProbe gc = GcProbe.Start(pipeline);
        long ordersBefore = pipeline.Core.Liquidations.OrdersByKind.Sum();
        var command = default(EngineCommand);
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < events; i++)
        {
            ticks.Next(ref command, sourceId: 0);
            pipeline.Publish(in command);
        }

        long last = pipeline.PublishedSequence;
        while (pipeline.WriterSequence < last)
        {
            if (pipeline.Fault is { } fault)
            {
                throw new InvalidOperationException("the writer faulted", fault);
            }

            Thread.SpinWait(20);
        }

        long t1 = Stopwatch.GetTimestamp();
        if (!pipeline.WaitUntilApplied(last, TimeSpan.FromMinutes(2)))
        {
            throw new InvalidOperationException($"the pipeline did not drain: {pipeline.Fault}");
        }

        double seconds = (t1 - t0) / (double)Stopwatch.Frequency;
        return new ThroughputResult(pipeline.Options.WaitStrategy, events, seconds, events / seconds, pipeline.Core.Liquidations.OrdersByKind.Sum() - ordersBefore, gc.Stop(pipeline));
    }
}
