using Microsoft.Extensions.Logging;
using LiquidationEngine.Persistence;
using LiquidationEngine.Protocol;

namespace LiquidationEngine.Host.Daemon;

/// <summary>The daemon's structured log messages (source-generated, no boxing on the frequent ones).</summary>
internal static partial class DaemonLog
{
    [LoggerMessage(1, LogLevel.Information, "Recovering from {DataDirectory} with {Instruments} instruments")]
    public static partial void Recovering(ILogger logger, string dataDirectory, int instruments);

    [LoggerMessage(2, LogLevel.Information, "Recovered at sequence {Sequence} from snapshot {Snapshot} + {Replayed} journal records in {ElapsedMs:F1} ms; state hash {StateHash:x16}; torn tail truncated {TruncatedBytes} bytes; orders known after event {OrdersCompleteAfter}")]
    public static partial void Recovered(ILogger logger, long sequence, string snapshot, long replayed, double elapsedMs, ulong stateHash, long truncatedBytes, long ordersCompleteAfter);

    [LoggerMessage(3, LogLevel.Warning, "Skipped an unusable snapshot: {Reason}")]
    public static partial void SnapshotRejected(ILogger logger, string reason);

    [LoggerMessage(4, LogLevel.Information, "Ready: gateway on {Gateway}, admin on {Admin}, wait strategy {WaitStrategy}, fsync {FsyncPolicy}")]
    public static partial void Ready(ILogger logger, string gateway, string admin, string waitStrategy, string fsyncPolicy);

    [LoggerMessage(5, LogLevel.Information, "Client {SourceId} ({Remote}) connected, resuming after event {ResumeFrom}: {Replayed} orders replayed, gap {Gap}")]
    public static partial void ClientConnected(ILogger logger, int sourceId, string remote, long resumeFrom, int replayed, bool gap);

    [LoggerMessage(6, LogLevel.Information, "Client {SourceId} ({Remote}) disconnected: {Reason}")]
    public static partial void ClientDisconnected(ILogger logger, int sourceId, string remote, string reason);

    [LoggerMessage(7, LogLevel.Warning, "Client {SourceId} ({Remote}) sent a rejected frame (type 0x{MessageType:x2}): {Reason}")]
    public static partial void FrameRejected(ILogger logger, int sourceId, string remote, byte messageType, string reason);

    [LoggerMessage(8, LogLevel.Information, "Snapshot at sequence {Sequence} written ({Bytes} bytes, {ElapsedMs:F1} ms)")]
    public static partial void SnapshotWritten(ILogger logger, long sequence, long bytes, double elapsedMs);

    [LoggerMessage(9, LogLevel.Error, "Snapshot at sequence {Sequence} failed")]
    public static partial void SnapshotFailed(ILogger logger, long sequence, Exception exception);

    [LoggerMessage(10, LogLevel.Information, "Stopping: intake stopped; draining the ring at sequence {Published}")]
    public static partial void Stopping(ILogger logger, long published);

    [LoggerMessage(11, LogLevel.Information, "Stopped at sequence {Sequence} (drained {Drained}, final snapshot {Snapshot}) in {ElapsedMs:F1} ms; state hash {StateHash:x16}")]
    public static partial void Stopped(ILogger logger, long sequence, bool drained, bool snapshot, double elapsedMs, ulong stateHash);

    [LoggerMessage(12, LogLevel.Critical, "Engine stage faulted")]
    public static partial void Faulted(ILogger logger, Exception exception);
}
