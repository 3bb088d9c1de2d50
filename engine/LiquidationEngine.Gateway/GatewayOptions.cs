using LiquidationEngine.Protocol;

namespace LiquidationEngine.Gateway;

/// <summary>Limits and endpoint of the matching-engine gateway (config section <c>Gateway</c>, docs/OPERATIONS.md).</summary>
public sealed class GatewayOptions
{
    /// <summary>IP address to listen on. Loopback by default: expose it only behind a deliberate choice.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (the bound port is logged and written to the endpoints file).</summary>
    public int Port { get; set; } = 7400;

    /// <summary>Largest frame body accepted, in bytes; a larger declared length closes the connection.</summary>
    public int MaxBodyBytes { get; set; } = 1024;

    /// <summary>Connections served at once; one more is told <see cref="ProtocolError.TooManyConnections"/> and closed.</summary>
    public int MaxConnections { get; set; } = 64;

    /// <summary>Per-connection outbound buffer, in bytes. A client that lets it fill is disconnected.</summary>
    public int OutboundBufferBytes { get; set; } = 1 << 20;

    /// <summary>Kernel send buffer of each accepted socket, in bytes (0 = the OS default).</summary>
    public int SocketSendBufferBytes { get; set; }

    /// <summary>Optional shared secret every Hello must carry (empty = none).</summary>
    public string? SharedSecret { get; set; }

    /// <summary>Orders and settlements kept in memory for clients that resume after a reconnect.</summary>
    public int OrderLogCapacity { get; set; } = 1 << 16;
}
