using LiquidationEngine.Contracts;
using LiquidationEngine.Protocol;

namespace LiquidationEngine.Gateway;

/// <summary>Where the gateway puts decoded commands: the engine's input ring.</summary>
public interface ICommandPublisher
{
    /// <summary>Publishes one command; blocks while the ring is full; returns its ring sequence. Thread-safe.</summary>
    long Publish(in EngineCommand command);
}

/// <summary>Hooks for logs and metrics; called from connection threads (never from the writer). Must not block.</summary>
public interface IGatewayObserver
{
    /// <summary>A client connected and said Hello.</summary>
    void ConnectionOpened(int sourceId, string remote, long resumeFrom, int replayed, bool gap);

    /// <summary>A connection ended; <paramref name="reason"/> is <see cref="ProtocolError.None"/> for a clean close by the client.</summary>
    void ConnectionClosed(int sourceId, string remote, ProtocolError reason);

    /// <summary>A frame was rejected with a reason (the connection may stay open, see <see cref="ProtocolErrors.ClosesConnection"/>).</summary>
    void FrameRejected(int sourceId, string remote, ProtocolError reason, byte messageType);

    /// <summary>A decoded command entered the ring at <paramref name="sequence"/>.</summary>
    void CommandPublished(in Contracts.EngineCommand command, long sequence);

    /// <summary>A connection's loop failed with an unexpected exception; only that connection was closed.</summary>
    void ConnectionFaulted(int sourceId, string remote, Exception exception);

    /// <summary>Accepting one connection failed; the accept loop goes on.</summary>
    void AcceptFailed(Exception exception);
}
