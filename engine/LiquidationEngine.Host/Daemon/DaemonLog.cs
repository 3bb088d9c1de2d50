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

    [LoggerMessage(13, LogLevel.Critical, "The {Stage} stage faulted: intake stopped; exiting with code {ExitCode} within {TimeoutSeconds} s so the daemon is restarted and recovers from the journal")]
    public static partial void StageFaulted(ILogger logger, string stage, int exitCode, int timeoutSeconds, Exception exception);

    [LoggerMessage(14, LogLevel.Critical, "The daemon did not stop within {TimeoutSeconds} s after a fault; exiting with code {ExitCode} now")]
    public static partial void FaultExitForced(ILogger logger, int timeoutSeconds, int exitCode);

    [LoggerMessage(15, LogLevel.Warning, "Auto-deleveraging fired: {Orders} ADL orders since the last report (latest: order {OrderId} on {Symbol}, caused by liquidation order {CauseOrderId})")]
    public static partial void AdlFired(ILogger logger, long orders, string symbol, long orderId, long causeOrderId);

    [LoggerMessage(16, LogLevel.Warning, "The {Asset} insurance fund is below zero: {Balance}")]
    public static partial void FundBelowZero(ILogger logger, string asset, string balance);

    [LoggerMessage(17, LogLevel.Information, "The {Asset} insurance fund is back at or above zero: {Balance}")]
    public static partial void FundRecovered(ILogger logger, string asset, string balance);

    [LoggerMessage(18, LogLevel.Warning, "{Endpoint} listens on {Address}, off loopback, without a shared secret: anyone who reaches it can use it; set {SecretKey} or bind to 127.0.0.1")]
    public static partial void ExposedWithoutSecret(ILogger logger, string endpoint, string address, string secretKey);

    [LoggerMessage(19, LogLevel.Warning, "Stopped without a clean drain (drained {Drained}, final snapshot {Snapshot}): exit code {ExitCode}; the restart replays the journal")]
    public static partial void StopIncomplete(ILogger logger, bool drained, bool snapshot, int exitCode);

    [LoggerMessage(40, LogLevel.Error, "Journal repaired on request (Journal:Repair): {Action}")]
    public static partial void JournalRepaired(ILogger logger, string action);

    [LoggerMessage(41, LogLevel.Error, "Client {SourceId} ({Remote}) failed unexpectedly and was closed; other clients are unaffected")]
    public static partial void ClientFaulted(ILogger logger, int sourceId, string remote, Exception exception);

    [LoggerMessage(42, LogLevel.Error, "Accepting a gateway connection failed ({Failures} times since the last report); accepting goes on")]
    public static partial void AcceptFailed(ILogger logger, long failures, Exception exception);
}
