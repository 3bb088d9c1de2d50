using System.Net;
using Microsoft.Extensions.Options;
using LiquidationEngine.Gateway;
using LiquidationEngine.Persistence;
using LiquidationEngine.Protocol;
using LiquidationEngine.Ring;

namespace LiquidationEngine.Host.Daemon;

/// <summary>Section <c>Daemon</c>: where state lives and how long shutdown may take.</summary>
public sealed class DaemonSettings
{
    /// <summary>Data directory: <c>journal/</c>, <c>snapshots/</c> and <c>daemon.json</c> (relative paths are relative to the working directory).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>HostOptions.ShutdownTimeout: stop intake, drain, flush and snapshot within this.</summary>
    public int ShutdownTimeoutSeconds { get; set; } = 30;
}

/// <summary>Section <c>Engine</c>: catalog, ring sizes, capacities and the writer's wait strategy.</summary>
public sealed class EngineSettings
{
    /// <summary>The instrument catalog (relative paths are tried against the working directory, then the binaries).</summary>
    public string InstrumentsPath { get; set; } = "config/instruments.json";

    /// <summary>Writer and output threads' wait strategy: busy-spin, yielding, sleeping or blocking.</summary>
    public string WaitStrategy { get; set; } = "blocking";

    /// <summary>Input ring slots (power of two).</summary>
    public int RingSize { get; set; } = 1 << 16;

    /// <summary>Output ring slots (power of two).</summary>
    public int OutputRingSize { get; set; } = 1 << 18;

    /// <summary>Position slots allocated up front.</summary>
    public int PositionCapacity { get; set; } = 1 << 16;

    /// <summary>Accounts allocated up front.</summary>
    public int AccountCapacity { get; set; } = 1 << 14;

    /// <summary>Open liquidation orders allocated up front.</summary>
    public int OpenOrderCapacity { get; set; } = 1 << 14;

    /// <summary>The resolved catalog path.</summary>
    public string ResolvedInstrumentsPath()
    {
        if (Path.IsPathRooted(InstrumentsPath) || File.Exists(InstrumentsPath))
        {
            return Path.GetFullPath(InstrumentsPath);
        }

        return Path.Combine(AppContext.BaseDirectory, InstrumentsPath);
    }
}

/// <summary>Section <c>Snapshots</c>.</summary>
public sealed class SnapshotSettings
{
    /// <summary>Seconds between periodic snapshots (0 = only at shutdown).</summary>
    public int IntervalSeconds { get; set; } = 60;

    /// <summary>Snapshots kept on disk (≥ 1; 2 lets a restart rebuild the order log across the newest one).</summary>
    public int Retain { get; set; } = 2;
}

/// <summary>Section <c>Admin</c>: the loopback HTTP endpoint and the health thresholds.</summary>
public sealed class AdminSettings
{
    /// <summary>Listen address (loopback by default).</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>Port; 0 picks a free one (written to daemon.json).</summary>
    public int Port { get; set; } = 7401;

    /// <summary>/health is unhealthy while more inputs than this wait in the ring.</summary>
    public long MaxRingLag { get; set; } = 50_000;

    /// <summary>/health is unhealthy when no tick arrived for this many seconds since the first one (0 = off).</summary>
    public int MaxTickAgeSeconds { get; set; } = 30;
}

/// <summary>Validates every section at start (ValidateOnStart), naming the key and the reason.</summary>
internal sealed class DaemonOptionsValidator :
    IValidateOptions<DaemonSettings>, IValidateOptions<EngineSettings>, IValidateOptions<SnapshotSettings>,
    IValidateOptions<AdminSettings>, IValidateOptions<GatewayOptions>, IValidateOptions<JournalOptions>
{
    public ValidateOptionsResult Validate(string? name, DaemonSettings o)
    {
        var f = new List<string>();
        if (string.IsNullOrWhiteSpace(o.DataDirectory))
        {
            f.Add("Daemon:DataDirectory: must name a directory");
        }

        Range(f, "Daemon:ShutdownTimeoutSeconds", o.ShutdownTimeoutSeconds, 1, 3600);
        return Result(f);
    }

    public ValidateOptionsResult Validate(string? name, EngineSettings o)
    {
        var f = new List<string>();
        if (string.IsNullOrWhiteSpace(o.InstrumentsPath) || !File.Exists(o.ResolvedInstrumentsPath()))
        {
            f.Add($"Engine:InstrumentsPath = '{o.InstrumentsPath}': file not found");
        }

        if (!WaitStrategies.Names.Contains(o.WaitStrategy, StringComparer.OrdinalIgnoreCase))
        {
            f.Add($"Engine:WaitStrategy = '{o.WaitStrategy}': must be one of {string.Join(", ", WaitStrategies.Names)}");
        }

        PowerOfTwo(f, "Engine:RingSize", o.RingSize);
        PowerOfTwo(f, "Engine:OutputRingSize", o.OutputRingSize);
        Range(f, "Engine:PositionCapacity", o.PositionCapacity, 16, 1 << 26);
        Range(f, "Engine:AccountCapacity", o.AccountCapacity, 16, 1 << 26);
        Range(f, "Engine:OpenOrderCapacity", o.OpenOrderCapacity, 16, 1 << 26);
        return Result(f);
    }

    public ValidateOptionsResult Validate(string? name, SnapshotSettings o)
    {
        var f = new List<string>();
        Range(f, "Snapshots:IntervalSeconds", o.IntervalSeconds, 0, 86_400);
        Range(f, "Snapshots:Retain", o.Retain, 1, 100);
        return Result(f);
    }

    public ValidateOptionsResult Validate(string? name, AdminSettings o)
    {
        var f = new List<string>();
        Address(f, "Admin:Address", o.Address);
        Range(f, "Admin:Port", o.Port, 0, 65535);
        Range(f, "Admin:MaxRingLag", o.MaxRingLag, 1, long.MaxValue);
        Range(f, "Admin:MaxTickAgeSeconds", o.MaxTickAgeSeconds, 0, 86_400);
        return Result(f);
    }

    public ValidateOptionsResult Validate(string? name, GatewayOptions o)
    {
        var f = new List<string>();
        Address(f, "Gateway:Address", o.Address);
        Range(f, "Gateway:Port", o.Port, 0, 65535);
        Range(f, "Gateway:MaxBodyBytes", o.MaxBodyBytes, FrameCodec.LargestBody, 1 << 20);
        Range(f, "Gateway:MaxConnections", o.MaxConnections, 1, 10_000);
        Range(f, "Gateway:OutboundBufferBytes", o.OutboundBufferBytes, 4096, 1 << 30);
        Range(f, "Gateway:SocketSendBufferBytes", o.SocketSendBufferBytes, 0, 1 << 30);
        Range(f, "Gateway:OrderLogCapacity", o.OrderLogCapacity, 1, 1 << 24);
        if (o.SharedSecret is { Length: > HelloMessage.MaxSecretBytes })
        {
            f.Add($"Gateway:SharedSecret: at most {HelloMessage.MaxSecretBytes} bytes");
        }

        return Result(f);
    }

    public ValidateOptionsResult Validate(string? name, JournalOptions o)
    {
        var f = new List<string>();
        if (!Enum.IsDefined(o.FsyncPolicy))
        {
            f.Add($"Journal:FsyncPolicy = '{o.FsyncPolicy}': must be None, EveryBatch or Interval");
        }

        Range(f, "Journal:FsyncIntervalMs", o.FsyncIntervalMs, 1, 60_000);
        Range(f, "Journal:SegmentBytes", o.SegmentBytes, 1 << 16, 1L << 40);
        Range(f, "Journal:BufferBytes", o.BufferBytes, 4096, 1 << 28);
        return Result(f);
    }

    private static void Range(List<string> f, string key, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            f.Add($"{key} = {value}: must be between {min} and {max}");
        }
    }

    private static void PowerOfTwo(List<string> f, string key, int value)
    {
        if (value < 16 || (value & (value - 1)) != 0)
        {
            f.Add($"{key} = {value}: must be a power of two ≥ 16");
        }
    }

    private static void Address(List<string> f, string key, string value)
    {
        if (!IPAddress.TryParse(value, out _))
        {
            f.Add($"{key} = '{value}': not an IP address");
        }
    }

    private static ValidateOptionsResult Result(List<string> failures) => failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
