using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using LiquidationEngine.Contracts;
using LiquidationEngine.Gateway;
using LiquidationEngine.Instruments;
using LiquidationEngine.Persistence;
using LiquidationEngine.Pipeline;
using LiquidationEngine.Protocol;
using LiquidationEngine.State;

namespace LiquidationEngine.Host.Daemon;

/// <summary>
/// The daemon's lifecycle. <see cref="StartingAsync"/> recovers (snapshot + journal tail) and starts the pipeline;
/// <see cref="StartAsync"/> opens the gateway; <see cref="StartedAsync"/> reports ready. Stopping: stop intake, take a
/// final snapshot through the ring, drain it, flush the journal, close the clients — all within the shutdown timeout.
/// A stage that faults (<see cref="OnStageFaulted"/>) is logged at Critical at once, stops intake and makes the process
/// exit with <see cref="DaemonExitCodes.StageFaulted"/> within the shutdown timeout.
/// </summary>
public sealed class DaemonService : IHostedLifecycleService, IGatewayObserver, IDisposable
{
    private readonly DaemonSettings _daemon;
    private readonly EngineSettings _engine;
    private readonly JournalOptions _journalOptions;
    private readonly SnapshotSettings _snapshotSettings;
    private readonly GatewayOptions _gatewayOptions;
    private readonly AdminSettings _admin;
    private readonly ILogger<DaemonService> _log;
    private readonly IServer _server;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly CancellationTokenSource _stopping = new();
    private EnginePipeline? _pipeline;
    private JournalWriter? _journal;
    private SnapshotManager? _snapshots;
    private GatewayServer? _gateway;
    private Task _snapshotLoop = Task.CompletedTask;
    private RiskWarnings? _riskWarnings;
    private DataDirectoryLock? _dataLock;
    private volatile bool _ready;

    /// <summary>The engine sequence recovery ended at, kept as a value (the recovered state is the writer's from then on).</summary>
    private long? _recoveredSequence;

    /// <summary>The first stage that faulted, or null.</summary>
    private string? _faultedStage;

    /// <summary>One of <see cref="DaemonExitCodes"/>: what the process returns once the host has stopped.</summary>
    private volatile int _exitCode = DaemonExitCodes.Clean;

    /// <summary>Created by DI with validated options.</summary>
    public DaemonService(
        IOptions<DaemonSettings> daemon, IOptions<EngineSettings> engine, IOptions<JournalOptions> journal, IOptions<SnapshotSettings> snapshots,
        IOptions<GatewayOptions> gateway, IOptions<AdminSettings> admin, ILogger<DaemonService> log, IServer server,
        IHostApplicationLifetime lifetime, DaemonMetrics metrics)
    {
        _daemon = daemon.Value;
        _engine = engine.Value;
        _journalOptions = journal.Value;
        _snapshotSettings = snapshots.Value;
        _gatewayOptions = gateway.Value;
        _admin = admin.Value;
        _log = log;
        _server = server;
        _lifetime = lifetime;
        Metrics = metrics;
        Queries = new QueryBroker(c => Pipeline.Publish(c));
    }

    /// <summary>The metrics instruments.</summary>
    public DaemonMetrics Metrics { get; }

    /// <summary>Admin queries through the ring.</summary>
    public QueryBroker Queries { get; }

    /// <summary>The instrument catalog (after start).</summary>
    public InstrumentCatalog? Catalog { get; private set; }

    /// <summary>True once recovery finished and the gateway listens; false again while stopping.</summary>
    public bool IsReady => _ready;

    /// <summary>The running pipeline.</summary>
    public EnginePipeline Pipeline => _pipeline ?? throw new InvalidOperationException("the engine is not running");

    /// <summary>What recovery did at start.</summary>
    public RecoveryResult? Recovery { get; private set; }

    /// <summary>The first stage that faulted (<c>writer</c>, <c>journal</c>, <c>output</c>), or null.</summary>
    public string? FaultedStage => Volatile.Read(ref _faultedStage);

    /// <summary>The process exit code once the host has stopped (<see cref="DaemonExitCodes"/>).</summary>
    public int ExitCode => _exitCode;

    /// <summary>The health verdict and the figures behind it (sequences and lag from the rings, never writer state).</summary>
    public DaemonHealthReport Health()
    {
        EnginePipeline? pipeline = _pipeline;
        long lag = pipeline?.RingLag ?? 0;
        double? age = Metrics.LastTickAge?.TotalSeconds;
        long? sequence = pipeline?.WriterSequence;
        string? faulted = FaultedStage ?? (pipeline?.Fault is null ? null : "pipeline");
        string status = faulted is not null ? "faulted"
            : pipeline is null || (!_ready && !_stopping.IsCancellationRequested) ? "starting"
            : !_ready ? "stopping"
            : lag > _admin.MaxRingLag ? "ring_lag"
            : _admin.MaxTickAgeSeconds > 0 && age > _admin.MaxTickAgeSeconds ? "stale_ticks"
            : "ready";
        return new DaemonHealthReport(status, lag, age, _recoveredSequence, sequence, faulted);
    }

    /// <summary>Recovers the state and starts the pipeline (before anything reports ready).</summary>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        string data = Path.GetFullPath(_daemon.DataDirectory);
        string journalDir = Path.Combine(data, "journal");
        string snapshotDir = Path.Combine(data, "snapshots");

        // Before anything is read or written: a second daemon on this directory would ack inputs into the same journal.
        _dataLock = DataDirectoryLock.Acquire(data);
        InstrumentCatalog catalog = InstrumentCatalog.Load(_engine.ResolvedInstrumentsPath());
        Catalog = catalog;
        var options = new EngineOptions
        {
            RingSize = _engine.RingSize,
            OutputRingSize = _engine.OutputRingSize,
            PositionCapacity = _engine.PositionCapacity,
            AccountCapacity = _engine.AccountCapacity,
            OpenOrderCapacity = _engine.OpenOrderCapacity,
            WaitStrategy = _engine.WaitStrategy,
            MultiProducer = true,
            OrderWindowCapacity = _gatewayOptions.OrderLogCapacity,
        };

        DaemonLog.Recovering(_log, data, catalog.Count);
        _gateway = new GatewayServer(_gatewayOptions, new PipelinePublisher(this), this);
        RecoveryResult recovery = EngineRecovery.Recover(catalog, snapshotDir, journalDir, options, _gateway, repairJournal: _journalOptions.Repair);
        foreach (string repair in recovery.Repairs)
        {
            DaemonLog.JournalRepaired(_log, repair);
        }

        Recovery = recovery;
        _recoveredSequence = recovery.LastSequence;
        _gateway.MarkOrderLogCompleteAfter(recovery.OrdersCompleteAfter);
        foreach (string rejected in recovery.RejectedSnapshots)
        {
            DaemonLog.SnapshotRejected(_log, rejected);
        }

        DaemonLog.Recovered(_log, recovery.LastSequence, recovery.Snapshot?.Path ?? "(none)", recovery.Replayed, recovery.Elapsed.TotalMilliseconds, recovery.StateHash, recovery.TruncatedBytes, recovery.OrdersCompleteAfter);

        JournalSegmentHeader header = EngineRecovery.SegmentHeader(catalog, options);
        _journal = new JournalWriter(journalDir, _journalOptions, header, recovery.LastSequence + 1)
        {
            Appended = Metrics.OnJournaled,
            Fsynced = Metrics.OnFsync,
            Wrote = Metrics.OnJournalBytes,
        };
        _snapshots = new SnapshotManager(new SnapshotStore(snapshotDir), _journal, journalDir, _snapshotSettings.Retain)
        {
            Written = (seq, bytes, seconds) =>
            {
                Metrics.OnSnapshot();
                DaemonLog.SnapshotWritten(_log, seq, bytes, seconds * 1000);
            },
            Failed = (seq, ex) =>
            {
                Metrics.OnSnapshotFailed();
                DaemonLog.SnapshotFailed(_log, seq, ex);
            },
        };

        var pipeline = new EnginePipeline(catalog, options, recovery.State)
        {
            Journal = _journal,
            SnapshotRequested = _snapshots.OnSnapshotRequested,
            StageFaulted = OnStageFaulted,
        };
        _riskWarnings = new RiskWarnings(_log, catalog, [.. Enumerable.Range(0, catalog.Assets.Count).Select(pipeline.StateGauges.InsuranceFund)], TimeSpan.FromSeconds(1));
        pipeline.AddSink(_gateway);
        pipeline.AddSink(Queries);
        pipeline.AddSink(Metrics);
        pipeline.AddSink(_riskWarnings);
        Metrics.Attach(pipeline, catalog, () => _gateway?.ConnectionCount ?? 0, () => _gateway?.PendingCount ?? 0, recovery.Snapshot is { } loaded ? File.GetLastWriteTimeUtc(loaded.Path) : null);
        pipeline.Start();
        _pipeline = pipeline;
        return Task.CompletedTask;
    }

    /// <summary>Opens the gateway and starts the snapshot timer.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _gateway!.Start();
        if (_snapshotSettings.IntervalSeconds > 0)
        {
            _snapshotLoop = Task.Run(() => SnapshotLoopAsync(TimeSpan.FromSeconds(_snapshotSettings.IntervalSeconds), _stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>Reports ready and writes <c>daemon.json</c> (pid and bound endpoints).</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        string gateway = _gateway!.LocalEndPoint?.ToString() ?? "?";
        string admin = _server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "?";
        string path = Path.Combine(Path.GetFullPath(_daemon.DataDirectory), "daemon.json");
        string json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["pid"] = Environment.ProcessId,
            ["gateway"] = gateway,
            ["admin"] = admin,
            ["recoveredSequence"] = Recovery?.LastSequence ?? -1,
            ["recoveredStateHash"] = (Recovery?.StateHash ?? 0).ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
        });
        File.WriteAllText(path + ".tmp", json);
        File.Move(path + ".tmp", path, overwrite: true);
        _ready = true;
        DaemonLog.Ready(_log, gateway, admin, _engine.WaitStrategy, _journalOptions.FsyncPolicy.ToString());
        return Task.CompletedTask;
    }

    /// <summary>Stops intake: no new connections or commands; the health endpoint turns unready.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _ready = false;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_gateway is not null)
        {
            await _gateway.StopIntakeAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }

        await _snapshotLoop.ConfigureAwait(false);
        if (_pipeline is not null)
        {
            DaemonLog.Stopping(_log, _pipeline.PublishedSequence);
        }
    }

    /// <summary>Final snapshot through the ring, drain, flush the journal, close the clients — within the shutdown timeout.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_pipeline is null)
        {
            return;
        }

        long start = Stopwatch.GetTimestamp();
        TimeSpan budget = TimeSpan.FromSeconds(_daemon.ShutdownTimeoutSeconds) * 0.9;

        // After a fault nothing more is drained or snapshotted: the state may hold inputs the journal never got.
        bool faulted = FaultedStage is not null;
        long snapshotSequence = -1;
        bool snapshotPublished = !faulted && _pipeline.TryPublish(new EngineCommand { Kind = CommandKind.Snapshot }, out snapshotSequence);
        bool drained = _pipeline.Stop(faulted ? TimeSpan.FromSeconds(1) : budget * 0.5);
        bool snapshot = snapshotPublished && _snapshots is not null
            && await _snapshots.WaitWrittenAsync(snapshotSequence, Remaining(start, budget)).ConfigureAwait(false);
        if (_snapshots is not null)
        {
            await _snapshots.DisposeAsync().ConfigureAwait(false);
        }

        if (_gateway is not null)
        {
            await _gateway.CloseAllAsync(Remaining(start, budget)).ConfigureAwait(false);
        }

        if (FaultedStage != "journal")
        {
            // A faulted journal is left as it is: flushing its buffer again could append a second partial record.
            _journal?.Dispose();
        }

        if (_riskWarnings is not null)
        {
            await _riskWarnings.DisposeAsync().ConfigureAwait(false);
        }

        if (_pipeline.Fault is { } fault && FaultedStage is null)
        {
            DaemonLog.Faulted(_log, fault);
            _exitCode = DaemonExitCodes.StageFaulted;
        }

        if (_exitCode == DaemonExitCodes.Clean && !(drained && snapshot))
        {
            _exitCode = DaemonExitCodes.StopIncomplete;
            DaemonLog.StopIncomplete(_log, drained, snapshot, _exitCode);
        }

        DaemonLog.Stopped(_log, _pipeline.Core.State.LastSequence, drained, snapshot, Stopwatch.GetElapsedTime(start).TotalMilliseconds, StateHasher.Compute(_pipeline.Core.State));
    }

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose()
    {
        _dataLock?.Dispose();
        _stopping.Dispose();
        Metrics.Dispose();
    }

    /// <summary>A stage faulted (raised once per stage, on its own thread): say so at Critical now, stop intake, and
    /// stop the host; if it has not stopped within the shutdown timeout, exit anyway.</summary>
    private void OnStageFaulted(string stage, Exception exception)
    {
        Metrics.OnStageFaulted(stage);
        if (Interlocked.CompareExchange(ref _faultedStage, stage, null) is not null)
        {
            DaemonLog.Faulted(_log, exception);
            return;
        }

        _ready = false;
        _exitCode = DaemonExitCodes.StageFaulted;
        int timeout = _daemon.ShutdownTimeoutSeconds;
        DaemonLog.StageFaulted(_log, stage, DaemonExitCodes.StageFaulted, timeout, exception);
        ThreadPool.QueueUserWorkItem(_ =>
        {
            _ = _gateway?.StopIntakeAsync(TimeSpan.FromSeconds(1));
            _lifetime.StopApplication();
        });
        var watchdog = new Thread(() =>
        {
            Thread.Sleep(TimeSpan.FromSeconds(timeout));
            DaemonLog.FaultExitForced(_log, timeout, DaemonExitCodes.StageFaulted);
            Environment.Exit(DaemonExitCodes.StageFaulted);
        })
        { IsBackground = true, Name = "liq-fault-exit" };
        watchdog.Start();
    }

    /// <inheritdoc />
    void IGatewayObserver.ConnectionOpened(int sourceId, string remote, long resumeFrom, int replayed, bool gap)
        => DaemonLog.ClientConnected(_log, sourceId, remote, resumeFrom, replayed, gap);

    /// <inheritdoc />
    void IGatewayObserver.ConnectionClosed(int sourceId, string remote, ProtocolError reason)
    {
        Metrics.OnDisconnect(reason);
        DaemonLog.ClientDisconnected(_log, sourceId, remote, reason.Label());
    }

    /// <inheritdoc />
    void IGatewayObserver.FrameRejected(int sourceId, string remote, ProtocolError reason, byte messageType)
    {
        Metrics.OnFrameRejected(reason);
        DaemonLog.FrameRejected(_log, sourceId, remote, messageType, reason.Label());
    }

    /// <inheritdoc />
    void IGatewayObserver.CommandPublished(in EngineCommand command, long sequence) => Metrics.OnPublished(sequence);

    /// <inheritdoc />
    void IGatewayObserver.ConnectionFaulted(int sourceId, string remote, Exception exception) => DaemonLog.ClientFaulted(_log, sourceId, remote, exception);

    /// <inheritdoc />
    void IGatewayObserver.AcceptFailed(Exception exception)
    {
        // The accept loop retries every 50 ms: a lasting cause (no descriptors left) logs once a second with the count.
        long now = Environment.TickCount64;
        _acceptFailures++;
        if (now - _lastAcceptFailureLog >= 1000)
        {
            _lastAcceptFailureLog = now;
            DaemonLog.AcceptFailed(_log, _acceptFailures, exception);
            _acceptFailures = 0;
        }
    }

    /// <summary>Accept failures since the last log line; the accept loop is one task, so no lock is needed.</summary>
    private long _acceptFailures;
    private long _lastAcceptFailureLog = long.MinValue / 2;

    private static TimeSpan Remaining(long start, TimeSpan budget)
    {
        TimeSpan left = budget - Stopwatch.GetElapsedTime(start);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private async Task SnapshotLoopAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                _pipeline?.TryPublish(new EngineCommand { Kind = CommandKind.Snapshot }, out _);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class PipelinePublisher(DaemonService owner) : ICommandPublisher
    {
        public long Publish(in EngineCommand command) => owner.Pipeline.Publish(command);
    }
}
