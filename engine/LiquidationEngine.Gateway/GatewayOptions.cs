using System.ComponentModel.DataAnnotations;
using LiquidationEngine.Protocol;

namespace LiquidationEngine.Gateway;

/// <summary>Limits and endpoint of the matching-engine gateway (config section <c>Gateway</c>, docs/OPERATIONS.md).</summary>
/// <remarks>The DataAnnotations bounds are checked by the daemon's source-generated validator at start.</remarks>
public sealed class GatewayOptions
{
    /// <summary>IP address to listen on. Loopback by default: expose it only behind a deliberate choice.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (the bound port is logged and written to the endpoints file).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 7400;

    /// <summary>Largest frame body accepted, in bytes; a larger declared length closes the connection.</summary>
    [Range(FrameCodec.LargestBody, 1 << 20)]
    public int MaxBodyBytes { get; set; } = 1024;

    /// <summary>Connections served at once; one more is told <see cref="ProtocolError.TooManyConnections"/> and closed.</summary>
    [Range(1, 10_000)]
    public int MaxConnections { get; set; } = 64;

    /// <summary>Connections that have not said Hello yet, held apart from <see cref="MaxConnections"/>: when one more
    /// arrives, the oldest of them is closed (<see cref="ProtocolError.TooManyConnections"/>), so silent peers can never
    /// keep a real client out.</summary>
    [Range(1, 10_000)]
    public int MaxPendingConnections { get; set; } = 32;

    /// <summary>Seconds a new connection has to send a valid Hello; then it is closed (<see cref="ProtocolError.HelloTimeout"/>).</summary>
    [Range(0.1, 300)]
    public double HelloTimeoutSeconds { get; set; } = 5;

    /// <summary>Seconds an authenticated connection may go without sending a frame (a command or a Heartbeat) before it
    /// is closed (<see cref="ProtocolError.IdleTimeout"/>); 0 = never.</summary>
    [Range(0, 86_400)]
    public double IdleTimeoutSeconds { get; set; } = 30;

    /// <summary>Per-connection outbound buffer, in bytes, rented from a pool at Hello and returned at close. A client
    /// that lets it fill is disconnected.</summary>
    [Range(4096, 1 << 30)]
    public int OutboundBufferBytes { get; set; } = 1 << 20;

    /// <summary>Kernel send buffer of each accepted socket, in bytes (0 = the OS default).</summary>
    [Range(0, 1 << 30)]
    public int SocketSendBufferBytes { get; set; }

    /// <summary>Optional shared secret every Hello must carry (empty = none).</summary>
    public string? SharedSecret { get; set; }

    /// <summary>Orders and settlements kept in memory for clients that resume after a reconnect.</summary>
    [Range(1, 1 << 24)]
    public int OrderLogCapacity { get; set; } = 1 << 16;
}
