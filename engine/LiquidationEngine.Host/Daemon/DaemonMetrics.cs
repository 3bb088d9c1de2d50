using System.Diagnostics;
using System.Diagnostics.Metrics;
using LiquidationEngine.Contracts;
using LiquidationEngine.Protocol;

namespace LiquidationEngine.Host.Daemon;

/// <summary>
/// The daemon's System.Diagnostics.Metrics instruments (meter <see cref="MeterName"/>), exported by
/// <see cref="PrometheusExporter"/> on /metrics. Fed from the journal thread (ticks, commands, bytes, fsync), the
/// output thread (rejects, orders, latency) and the gateway (connections) — never by reading writer state.
/// </summary>
public sealed class DaemonMetrics : IEngineEventSink, IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "LiquidationEngine.Daemon";

    private const int StampSlots = 1 << 16;
    private readonly Meter _meter = new(MeterName, "1.0");
    private readonly Counter<long> _ticks;
    private readonly Counter<long> _commands;
    private readonly Counter<long> _rejects;
    private readonly Counter<long> _orders;
    private readonly Counter<long> _journalBytes;
    private readonly Histogram<double> _fsync;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _disconnects;
    private readonly Counter<long> _frameRejects;
    private readonly Counter<long> _snapshots;

    /// <summary>Stopwatch timestamp at publish, by engine sequence modulo <see cref="StampSlots"/> (0 = none).</summary>
    private readonly long[] _published = new long[StampSlots];
    private long _lastTick;

    /// <summary>Creates the instruments; <paramref name="ringLag"/> and <paramref name="connections"/> are read at scrape time.</summary>
    public DaemonMetrics(Func<long> ringLag, Func<int> connections)
    {
        _ticks = _meter.CreateCounter<long>("liqengine_ticks", "{tick}", "Mark-price ticks that entered the ring (journaled).");
        _commands = _meter.CreateCounter<long>("liqengine_commands", "{command}", "Non-tick inputs that entered the ring (journaled).");
        _rejects = _meter.CreateCounter<long>("liqengine_rejects", "{reject}", "Rejected inputs, by reason.");
        _orders = _meter.CreateCounter<long>("liqengine_orders", "{order}", "Liquidation and ADL orders emitted, by kind.");
        _journalBytes = _meter.CreateCounter<long>("liqengine_journal_bytes", "By", "Bytes written to the journal.");
        _fsync = _meter.CreateHistogram<double>("liqengine_journal_fsync_seconds", "s", "Time spent in each journal fsync.");
        _latency = _meter.CreateHistogram<double>("liqengine_writer_latency_seconds", "s", "Gateway publish to the input's first output event (ring wait + writer + journal gate + output thread).");
        _disconnects = _meter.CreateCounter<long>("liqengine_gateway_disconnects", "{connection}", "Gateway connections closed, by reason.");
        _frameRejects = _meter.CreateCounter<long>("liqengine_gateway_frames_rejected", "{frame}", "Gateway frames rejected, by reason.");
        _snapshots = _meter.CreateCounter<long>("liqengine_snapshots", "{snapshot}", "Snapshots written.");
        _meter.CreateObservableGauge("liqengine_ring_lag", ringLag, "{input}", "Inputs published but not yet applied by the writer.");
        _meter.CreateObservableGauge("liqengine_gateway_connections", connections, "{connection}", "Gateway connections open.");
        _meter.CreateObservableGauge("liqengine_last_tick_age_seconds", () => LastTickAge?.TotalSeconds ?? -1, "s", "Seconds since the last tick entered the ring (-1 before the first).");
    }

    /// <summary>Time since the last tick entered the ring, or null before the first.</summary>
    public TimeSpan? LastTickAge
    {
        get
        {
            long t = Volatile.Read(ref _lastTick);
            return t == 0 ? null : Stopwatch.GetElapsedTime(t);
        }
    }

    /// <summary>Journal thread: one input appended.</summary>
    public void OnJournaled(CommandKind kind)
    {
        if (kind == CommandKind.MarkTick)
        {
            _ticks.Add(1);
            Volatile.Write(ref _lastTick, Stopwatch.GetTimestamp());
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
    public void OnSnapshot() => _snapshots.Add(1);

    /// <summary>Gateway: a command entered the ring at <paramref name="sequence"/>.</summary>
    public void OnPublished(long sequence) => Volatile.Write(ref _published[sequence & (StampSlots - 1)], Stopwatch.GetTimestamp());

    /// <summary>Gateway: a connection closed.</summary>
    public void OnDisconnect(ProtocolError reason) => _disconnects.Add(1, new KeyValuePair<string, object?>("reason", reason.Label()));

    /// <summary>Gateway: a frame was rejected.</summary>
    public void OnFrameRejected(ProtocolError reason) => _frameRejects.Add(1, new KeyValuePair<string, object?>("reason", reason.Label()));

    /// <summary>Output thread: counts rejects and orders, and the latency of the input's first event.</summary>
    public void Emit(in EngineEvent e)
    {
        switch (e.Kind)
        {
            case EventKind.Reject:
                _rejects.Add(1, new KeyValuePair<string, object?>("reason", ReasonLabel(e.Reason)));
                break;
            case EventKind.LiquidationOrder or EventKind.AdlOrder:
                _orders.Add(1, new KeyValuePair<string, object?>("kind", e.OrderKind.ToString().ToLowerInvariant()));
                break;
        }

        if (e.SourceId != 0)
        {
            ref long stamp = ref _published[e.InputSequence & (StampSlots - 1)];
            long t = Interlocked.Exchange(ref stamp, 0);
            if (t != 0)
            {
                _latency.Record(Stopwatch.GetElapsedTime(t).TotalSeconds);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private static string ReasonLabel(RejectReason reason) => reason.ToString();
}
