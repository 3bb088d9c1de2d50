using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Pipeline;
using LiquidationEngine.Protocol;

namespace LiquidationEngine.Host.Daemon;

/// <summary>
/// The daemon's System.Diagnostics.Metrics instruments (meter <see cref="MeterName"/>), exported on /metrics by
/// OpenTelemetry's Prometheus exporter (docs/OPERATIONS.md lists them). Fed by the journal thread (ticks, commands,
/// bytes, fsync), the output thread (rejects, orders, reply latency), the gateway (connections) and the snapshot task;
/// gauges of engine state read <see cref="EngineStateGauges"/>, which the writer publishes. Nothing here reads
/// writer state.
/// </summary>
/// <remarks>Every counter is created with a zero sample for each label value it can take, so a rate or an alert over
/// it has a series from the first scrape, not from the first event.</remarks>
public sealed class DaemonMetrics : IEngineEventSink, IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "LiquidationEngine.Daemon";

    /// <summary>Bucket bounds of the latency histograms, in seconds: 1 µs to 10 s.</summary>
    private static readonly IReadOnlyList<double> LatencyBuckets =
        [1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private const int StampSlots = 1 << 16;

    /// <summary>Raw money per unit of an asset (money is fixed point, 10^-8).</summary>
    private const double MoneyUnit = 100_000_000.0;
    private readonly Meter _meter = new(MeterName, BuildInfo.Version);
    private readonly Counter<long> _ticks;
    private readonly Counter<long> _commands;
    private readonly Counter<long> _rejects;
    private readonly Counter<long> _orders;
    private readonly Counter<long> _journalBytes;
    private readonly Histogram<double> _fsync;
    private readonly Histogram<double> _replyLatency;
    private readonly Counter<long> _disconnects;
    private readonly Counter<long> _frameRejects;
    private readonly Counter<long> _snapshots;
    private readonly Counter<long> _snapshotFailures;

    /// <summary>Reject reason labels by reason value, made once (no string per reject).</summary>
    private readonly KeyValuePair<string, object?>[] _rejectTags;

    /// <summary>Stopwatch timestamp at publish, by engine sequence modulo <see cref="StampSlots"/> (0 = none).</summary>
    private readonly long[] _published = new long[StampSlots];

    /// <summary>Unix time and Stopwatch timestamp at construction: tick times are kept as cheap Stopwatch stamps.</summary>
    private readonly long _startUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    private readonly long _startStamp = Stopwatch.GetTimestamp();

    /// <summary>Stopwatch timestamp of the last tick journaled (0 = none).</summary>
    private long _lastTickStamp;

    /// <summary>Unix time in milliseconds of the newest snapshot on disk (0 = none).</summary>
    private long _lastSnapshotUnixMs;

    /// <summary>Set once the pipeline runs; null before (the gauges that need it report no sample).</summary>
    private volatile Engine? _engine;

    /// <summary>Faulted stages, as a bit set: 1 writer, 2 journal, 4 output.</summary>
    private int _faulted;

    /// <summary>Creates the instruments and their zero samples.</summary>
    /// <param name="exporter">The OpenTelemetry meter provider, taken here only so it is built (and listening) before
    /// the instruments exist: measurements made before a listener enables an instrument are dropped, zeros included.</param>
    public DaemonMetrics(MeterProvider exporter)
    {
        ArgumentNullException.ThrowIfNull(exporter);
        _ticks = _meter.CreateCounter<long>("liqengine_ticks", "{tick}", "Mark-price ticks that entered the ring (journaled).");
        _commands = _meter.CreateCounter<long>("liqengine_commands", "{command}", "Non-tick inputs that entered the ring (journaled).");
        _rejects = _meter.CreateCounter<long>("liqengine_rejects", "{reject}", "Rejected inputs, by reason.");
        _orders = _meter.CreateCounter<long>("liqengine_orders", "{order}", "Liquidation and ADL orders emitted, by kind.");
        _journalBytes = _meter.CreateCounter<long>("liqengine_journal_written", "By", "Bytes written to the journal.");
        _fsync = _meter.CreateHistogram("liqengine_journal_fsync", "s", "Time spent in each journal fsync.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _replyLatency = _meter.CreateHistogram(
            "liqengine_gateway_reply_latency", "s", "Gateway publish to the command's first reply on the output thread: ring wait, writer, journal gate, output thread.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _disconnects = _meter.CreateCounter<long>("liqengine_gateway_disconnects", "{connection}", "Gateway connections closed, by reason (none = the client closed).");
        _frameRejects = _meter.CreateCounter<long>("liqengine_gateway_frames_rejected", "{frame}", "Gateway frames rejected, by reason.");
        _snapshots = _meter.CreateCounter<long>("liqengine_snapshots", "{snapshot}", "Snapshots written.");
        _snapshotFailures = _meter.CreateCounter<long>("liqengine_snapshot_failures", "{snapshot}", "Snapshots that failed to write.");

        _rejectTags = new KeyValuePair<string, object?>[256];
        for (int r = 0; r < _rejectTags.Length; r++)
        {
            _rejectTags[r] = new("reason", ((RejectReason)r).ToString());
        }

        _ticks.Add(0);
        _commands.Add(0);
        _journalBytes.Add(0);
        _snapshots.Add(0);
        _snapshotFailures.Add(0);
        foreach (RejectReason reason in Enum.GetValues<RejectReason>())
        {
            _rejects.Add(0, _rejectTags[(byte)reason]);
        }

        foreach (OrderKind kind in new[] { OrderKind.Full, OrderKind.Partial, OrderKind.Adl })
        {
            _orders.Add(0, KindTag(kind));
        }

        foreach (ProtocolError error in Enum.GetValues<ProtocolError>())
        {
            _disconnects.Add(0, new KeyValuePair<string, object?>("reason", error.Label()));
            if (error != ProtocolError.None)
            {
                _frameRejects.Add(0, new KeyValuePair<string, object?>("reason", error.Label()));
            }
        }

        _meter.CreateObservableGauge("liqengine_build_info", () => new Measurement<int>(1, BuildInfo.Tags), description: "Always 1; the labels say which build runs.");
        _meter.CreateObservableGauge("liqengine_process_start_time_seconds", () => BuildInfo.ProcessStartUnixSeconds, "s", "Unix time the process started.");
        _meter.CreateObservableGauge("liqengine_process_open_fds", OpenFileDescriptors, "{descriptor}", "Open file descriptors (sockets, journal and snapshot files).");
        _meter.CreateObservableGauge("liqengine_stage_faulted", StageFaults, description: "1 once a pipeline stage (writer, journal, output) has faulted; the daemon then exits (code 3).");
        _meter.CreateObservableGauge("liqengine_last_tick_timestamp_seconds", LastTickTimestamp, "s", "Unix time the last mark tick entered the ring (no sample before the first).");
        _meter.CreateObservableGauge("liqengine_last_snapshot_timestamp_seconds", () => Timestamp(ref _lastSnapshotUnixMs), "s", "Unix time of the newest snapshot on disk (no sample before the first).");
        _meter.CreateObservableGauge("liqengine_ring_lag", () => With(e => e.Pipeline.RingLag), "{input}", "Inputs published but not yet applied by the writer.");
        _meter.CreateObservableGauge("liqengine_journal_lag", () => With(e => Math.Max(0, e.Pipeline.PublishedSequence - e.Pipeline.JournalSequence)), "{input}", "Inputs published but not yet flushed to the journal.");
        _meter.CreateObservableGauge("liqengine_applied_sequence", () => With(e => e.Pipeline.WriterSequence), "{input}", "Engine sequence of the last input the writer applied.");
        _meter.CreateObservableGauge("liqengine_open_positions", () => With(e => e.Pipeline.StateGauges.OpenPositions), "{position}", "Open or liquidating isolated positions.");
        _meter.CreateObservableGauge("liqengine_open_orders", () => With(e => e.Pipeline.StateGauges.OpenOrders), "{order}", "Liquidation and ADL orders sent and not yet settled.");
        _meter.CreateObservableGauge("liqengine_insurance_fund_balance", InsuranceFunds, description: "Insurance fund balance per settlement asset, in units of the asset (negative: the fund owes).");
        _meter.CreateObservableGauge("liqengine_gateway_connections", () => With(e => e.Connections()), "{connection}", "Gateway connections open.");
        _meter.CreateObservableGauge("liqengine_gateway_pending_connections", () => With(e => e.Pending()), "{connection}", "Gateway connections that have not said Hello yet (bounded by Gateway:MaxPendingConnections).");
    }

    /// <summary>Time since the last tick entered the ring, or null before the first.</summary>
    public TimeSpan? LastTickAge
    {
        get
        {
            long t = Volatile.Read(ref _lastTickStamp);
            return t == 0 ? null : Stopwatch.GetElapsedTime(t);
        }
    }

    /// <summary>Starts the gauges over a running pipeline.</summary>
    public void Attach(EnginePipeline pipeline, InstrumentCatalog catalog, Func<int> connections, Func<int> pending, DateTimeOffset? newestSnapshot)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(pending);
        if (newestSnapshot is { } written)
        {
            Volatile.Write(ref _lastSnapshotUnixMs, written.ToUnixTimeMilliseconds());
        }

        _engine = new Engine(pipeline, [.. catalog.Assets.Select(a => new KeyValuePair<string, object?>("asset", a))], connections, pending);
    }

    /// <summary>Journal thread: one input appended.</summary>
    public void OnJournaled(CommandKind kind)
    {
        if (kind == CommandKind.MarkTick)
        {
            _ticks.Add(1);
            Volatile.Write(ref _lastTickStamp, Stopwatch.GetTimestamp());
        }
        else
        {
            _commands.Add(1);
        }
    }

    /// <summary>Journal thread: bytes written by a flush.</summary>
    public void OnJournalBytes(long bytes) => _journalBytes.Add(bytes);

    /// <summary>Journal thread: one fsync took this long.</summary>
    public void OnFsync(double seconds) => _fsync.Record(seconds);

    /// <summary>A snapshot was written.</summary>
    public void OnSnapshot()
    {
        _snapshots.Add(1);
        Volatile.Write(ref _lastSnapshotUnixMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    /// <summary>A snapshot failed to write.</summary>
    public void OnSnapshotFailed() => _snapshotFailures.Add(1);

    /// <summary>A pipeline stage faulted.</summary>
    public void OnStageFaulted(string stage)
    {
        int bit = stage switch { "writer" => 1, "journal" => 2, _ => 4 };
        int seen;
        do
        {
            seen = Volatile.Read(ref _faulted);
        }
        while (Interlocked.CompareExchange(ref _faulted, seen | bit, seen) != seen);
    }

    /// <summary>Gateway: a command entered the ring at <paramref name="sequence"/>.</summary>
    public void OnPublished(long sequence) => Volatile.Write(ref _published[sequence & (StampSlots - 1)], Stopwatch.GetTimestamp());

    /// <summary>Gateway: a connection closed.</summary>
    public void OnDisconnect(ProtocolError reason) => _disconnects.Add(1, new KeyValuePair<string, object?>("reason", reason.Label()));

    /// <summary>Gateway: a frame was rejected.</summary>
    public void OnFrameRejected(ProtocolError reason) => _frameRejects.Add(1, new KeyValuePair<string, object?>("reason", reason.Label()));

    /// <summary>Output thread: counts rejects and orders, and the reply latency of gateway commands.</summary>
    public void Emit(in EngineEvent e)
    {
        switch (e.Kind)
        {
            case EventKind.Reject:
                _rejects.Add(1, _rejectTags[(byte)e.Reason]);
                break;
            case EventKind.LiquidationOrder or EventKind.AdlOrder:
                _orders.Add(1, KindTag(e.OrderKind));
                break;
        }

        if (e.SourceId != 0)
        {
            ref long stamp = ref _published[e.InputSequence & (StampSlots - 1)];
            long t = Interlocked.Exchange(ref stamp, 0);
            if (t != 0)
            {
                _replyLatency.Record(Stopwatch.GetElapsedTime(t).TotalSeconds);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private static KeyValuePair<string, object?> KindTag(OrderKind kind) => new("kind", kind switch
    {
        OrderKind.Full => "full",
        OrderKind.Partial => "partial",
        OrderKind.Adl => "adl",
        _ => "none",
    });

    private IEnumerable<Measurement<double>> LastTickTimestamp()
    {
        long t = Volatile.Read(ref _lastTickStamp);
        return t == 0 ? [] : [new Measurement<double>((_startUnixMs / 1000.0) + ((t - _startStamp) / (double)Stopwatch.Frequency))];
    }

    private static IEnumerable<Measurement<double>> Timestamp(ref long unixMs)
    {
        long t = Volatile.Read(ref unixMs);
        return t == 0 ? [] : [new Measurement<double>(t / 1000.0)];
    }

    private static IEnumerable<Measurement<long>> OpenFileDescriptors()
    {
        try
        {
            return [new Measurement<long>(Directory.EnumerateFileSystemEntries("/proc/self/fd").LongCount())];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private IEnumerable<Measurement<long>> With(Func<Engine, long> read) => _engine is { } e ? [new Measurement<long>(read(e))] : [];

    private IEnumerable<Measurement<int>> StageFaults()
    {
        int f = Volatile.Read(ref _faulted);
        return
        [
            new Measurement<int>(f & 1, new KeyValuePair<string, object?>("stage", "writer")),
            new Measurement<int>((f >> 1) & 1, new KeyValuePair<string, object?>("stage", "journal")),
            new Measurement<int>((f >> 2) & 1, new KeyValuePair<string, object?>("stage", "output")),
        ];
    }

    private IEnumerable<Measurement<double>> InsuranceFunds()
    {
        if (_engine is not { } e)
        {
            return [];
        }

        var values = new Measurement<double>[e.AssetTags.Length];
        for (int a = 0; a < values.Length; a++)
        {
            // Money is exact in the engine; a gauge is a float by nature (and exact to the cent up to 2^53 / 10^8 units).
            values[a] = new Measurement<double>(e.Pipeline.StateGauges.InsuranceFund(a) / MoneyUnit, e.AssetTags[a]);
        }

        return values;
    }

    private sealed record Engine(EnginePipeline Pipeline, KeyValuePair<string, object?>[] AssetTags, Func<int> Connections, Func<int> Pending);
}
