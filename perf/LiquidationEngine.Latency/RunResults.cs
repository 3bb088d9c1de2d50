using System.Text.Json.Serialization;
using HdrHistogram;

namespace LiquidationEngine.Latency;

/// <summary>Collections, allocation and time of one measured run.</summary>
/// <param name="Gen0">Gen-0 collections during the run.</param>
/// <param name="Gen1">Gen-1 collections.</param>
/// <param name="Gen2">Gen-2 collections.</param>
/// <param name="AllocatedBytes">Bytes allocated by every thread of the process during the run (harness included).</param>
/// <param name="WriterAllocatedBytes">Bytes the writer thread allocated during the run.</param>
public sealed record GcDelta(int Gen0, int Gen1, int Gen2, long AllocatedBytes, long WriterAllocatedBytes);

/// <summary>One paced run: every input published at its scheduled time, latency measured from that time.</summary>
/// <param name="WaitStrategy">The pipeline's wait strategy.</param>
/// <param name="TargetRate">Scheduled inputs per second.</param>
/// <param name="Events">Inputs published.</param>
/// <param name="ScheduledSeconds">Events / rate.</param>
/// <param name="AchievedSendRate">Inputs per second actually published (first scheduled time to last publish).</param>
/// <param name="AchievedCompletionRate">Inputs per second through the sinks (first scheduled time to last ack).</param>
/// <param name="OrderTicks">Ticks that caused at least one liquidation order.</param>
/// <param name="Orders">Liquidation orders emitted.</param>
/// <param name="QuietTicks">Ticks that caused no order.</param>
/// <param name="Missing">Inputs with neither an order nor an ack (must be 0).</param>
/// <param name="ToOrder">Scheduled time → first order at the sink, for ticks that liquidate.</param>
/// <param name="ToApplied">Scheduled time → ack at the sink (applied by the writer, through the output ring), for ticks that do not.</param>
/// <param name="All">Both kinds together: scheduled time → first output of the tick.</param>
/// <param name="AllFromActualSend">The same, measured from the actual publish time instead: what a coordinated-omission harness would report.</param>
/// <param name="AllFromActualSendCorrected">The same again, corrected by HdrHistogram for coordinated omission with the
/// intended interval (1/rate): should come close to <paramref name="All"/>, which needs no correction.</param>
/// <param name="SendLag">Actual publish time − scheduled time: how late the producer itself was (a starved producer, or a full ring).</param>
/// <param name="Gc">Collections and allocation during the run.</param>
public sealed record PacedResult(
    string WaitStrategy, long TargetRate, int Events, double ScheduledSeconds, double AchievedSendRate, double AchievedCompletionRate,
    long OrderTicks, long Orders, long QuietTicks, long Missing,
    LatencySummary ToOrder, LatencySummary ToApplied, LatencySummary All, LatencySummary AllFromActualSend, LatencySummary AllFromActualSendCorrected, LatencySummary SendLag, GcDelta Gc)
{
    /// <summary>The histogram behind <see cref="All"/>, written to the HdrHistogram log next to the JSON.</summary>
    [JsonIgnore]
    public HistogramBase? AllHistogram { get; init; }
}

/// <summary>The whole pipeline run flat out: one producer publishes as fast as the ring takes ticks.</summary>
/// <param name="WaitStrategy">The pipeline's wait strategy.</param>
/// <param name="Events">Ticks published.</param>
/// <param name="Seconds">First publish to the writer applying the last tick.</param>
/// <param name="TicksPerSecond">Events / Seconds.</param>
/// <param name="Orders">Liquidation orders the crossing ticks caused.</param>
/// <param name="Gc">Collections and allocation during the run.</param>
public sealed record ThroughputResult(string WaitStrategy, int Events, double Seconds, double TicksPerSecond, long Orders, GcDelta Gc);

/// <summary>One crash tick through the pipeline.</summary>
/// <param name="Positions">Open positions in the book.</param>
/// <param name="Orders">Orders that reached the sink.</param>
/// <param name="ExpectedOrders">Positions the crash puts in breach.</param>
/// <param name="FirstOrderNs">Publish → first order at the sink.</param>
/// <param name="LastOrderNs">Publish → last order at the sink: "every order out".</param>
/// <param name="OrdersPerSecond">Orders / LastOrderNs.</param>
/// <param name="BuildSeconds">Time to build the book (not measured in the figures).</param>
/// <param name="Gc">Collections and allocation during the tick.</param>
public sealed record CascadeResult(int Positions, long Orders, long ExpectedOrders, long FirstOrderNs, long LastOrderNs, double OrdersPerSecond, double BuildSeconds, GcDelta Gc);

/// <summary>Heap bytes per open position of a 1M-position book (5 positions per account), measured with the GC.</summary>
/// <param name="Positions">Positions built (capacity = positions).</param>
/// <param name="Accounts">Accounts holding them.</param>
/// <param name="TotalBytesPerPosition">Heap growth of building the whole engine (state, index, writer scratch, accounts) / positions.</param>
/// <param name="StateAndIndexBytesPerPosition">The same without the writer's scratch arrays (EngineCore/LiquidationProcessor): EngineState only.</param>
/// <param name="EmptyStateBytesPerSlot">An empty EngineState of that capacity / capacity (pre-allocated slots, index, accounts).</param>
/// <param name="WriterScratchBytesPerSlot">EngineCore's allocation / capacity (the liquidation processor's candidate and breach buffers).</param>
/// <param name="PositionStoreBytesPerSlot">The PositionStore arrays' lengths × element sizes / capacity.</param>
/// <param name="PositionStoreDeclaredBytesPerSlot">PositionStore.BytesPerSlot as declared in the engine.</param>
/// <param name="GcHeapBytesPerPosition">The same total measured with GC.GetGCMemoryInfo().HeapSizeBytes.</param>
public sealed record MemoryResult(
    int Positions, int Accounts, double TotalBytesPerPosition, double StateAndIndexBytesPerPosition, double EmptyStateBytesPerSlot,
    double WriterScratchBytesPerSlot, double PositionStoreBytesPerSlot, int PositionStoreDeclaredBytesPerSlot, double GcHeapBytesPerPosition);

/// <summary>Everything one harness run measured; written as JSON for run-perf.sh.</summary>
/// <param name="Machine">Where.</param>
/// <param name="Mode">"quick" or "full".</param>
/// <param name="WaitStrategies">The pipeline's wait strategies during the timed runs; the first is the one the targets are judged on.</param>
/// <param name="BookPositions">Positions in the latency book.</param>
/// <param name="Memory">Bytes per position.</param>
/// <param name="Paced">The paced runs, by rate.</param>
/// <param name="Throughput">The flat-out runs.</param>
/// <param name="Cascade">The crash ticks.</param>
/// <param name="LoadAverageAtEnd">/proc/loadavg at the end.</param>
/// <param name="TotalSeconds">Wall time of the harness.</param>
public sealed record HarnessResults(
    MachineInfo Machine, string Mode, IReadOnlyList<string> WaitStrategies, int BookPositions, MemoryResult? Memory,
    IReadOnlyList<PacedResult> Paced, IReadOnlyList<ThroughputResult> Throughput, IReadOnlyList<CascadeResult> Cascade,
    string LoadAverageAtEnd, double TotalSeconds);
