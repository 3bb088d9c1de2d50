using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using LiquidationEngine.Gateway;
using LiquidationEngine.Persistence;

namespace LiquidationEngine.Host.Daemon;

/// <summary>Section <c>Daemon</c>: where state lives and how long shutdown may take.</summary>
public sealed class DaemonSettings
{
    /// <summary>Data directory: <c>journal/</c>, <c>snapshots/</c> and <c>daemon.json</c> (relative paths are relative to the working directory).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "must name a directory")]
    public string DataDirectory { get; set; } = "data";

    /// <summary>HostOptions.ShutdownTimeout: stop intake, drain, flush and snapshot within this; a faulted daemon
    /// exits within it too.</summary>
    [Range(1, 3600)]
    public int ShutdownTimeoutSeconds { get; set; } = 30;
}

/// <summary>Section <c>Engine</c>: catalog, ring sizes, capacities and the writer's wait strategy.</summary>
/// <remarks>The upper bounds are what one process can sensibly hold; <see cref="DaemonConfiguration"/> also checks
/// that the sizes together fit the machine's memory.</remarks>
public sealed class EngineSettings
{
    /// <summary>Largest ring (input or output): 16M slots, about 1.4 GiB of commands or 3 GiB of events.</summary>
    public const int MaxRingSize = 1 << 24;

    /// <summary>Largest pre-sized capacity: 128M positions would take about 16 GiB with the writer's scratch.</summary>
    public const int MaxCapacity = 1 << 27;

    /// <summary>The instrument catalog (relative paths are tried against the working directory, then the binaries).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "must name the instrument catalog")]
    public string InstrumentsPath { get; set; } = "config/instruments.json";

    /// <summary>Writer and output threads' wait strategy: busy-spin, yielding, sleeping or blocking.</summary>
    [AllowedValues("busy-spin", "yielding", "sleeping", "blocking", ErrorMessage = "must be one of busy-spin, yielding, sleeping, blocking")]
    public string WaitStrategy { get; set; } = "blocking";

    /// <summary>Input ring slots (power of two).</summary>
    [PowerOfTwo(16, MaxRingSize)]
    public int RingSize { get; set; } = 1 << 16;

    /// <summary>Output ring slots (power of two).</summary>
    [PowerOfTwo(16, MaxRingSize)]
    public int OutputRingSize { get; set; } = 1 << 18;

    /// <summary>Position slots allocated up front.</summary>
    [Range(16, MaxCapacity)]
    public int PositionCapacity { get; set; } = 1 << 16;

    /// <summary>Accounts allocated up front.</summary>
    [Range(16, MaxCapacity)]
    public int AccountCapacity { get; set; } = 1 << 14;

    /// <summary>Open liquidation orders allocated up front.</summary>
    [Range(16, MaxCapacity)]
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
    [Range(0, 86_400)]
    public int IntervalSeconds { get; set; } = 60;

    /// <summary>Snapshots kept on disk (≥ 1; 2 lets a restart rebuild the order log across the newest one).</summary>
    [Range(1, 100)]
    public int Retain { get; set; } = 2;
}

/// <summary>Section <c>Admin</c>: the HTTP endpoint (health, metrics, queries) and the health thresholds.</summary>
public sealed class AdminSettings
{
    /// <summary>Listen address (loopback by default).</summary>
    [IPAddressText]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>Port; 0 picks a free one (written to daemon.json).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 7401;

    /// <summary>When set, <c>/positions</c> and <c>/accounts</c> need <c>Authorization: Bearer</c> with it (health
    /// and metrics stay open for probes and scrapers).</summary>
    [MaxLength(256, ErrorMessage = "at most 256 characters")]
    public string? SharedSecret { get; set; }

    /// <summary>/health/ready is unhealthy while more inputs than this wait in the ring.</summary>
    [Range(typeof(long), "1", "9223372036854775807")]
    public long MaxRingLag { get; set; } = 50_000;

    /// <summary>/health/ready is unhealthy when no tick arrived for this many seconds since the first one (0 = off).</summary>
    [Range(0, 86_400)]
    public int MaxTickAgeSeconds { get; set; } = 30;
}

/// <summary>A power of two between a lower and an upper bound.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class PowerOfTwoAttribute(int minimum, int maximum) : ValidationAttribute($"must be a power of two between {minimum} and {maximum}")
{
    public override bool IsValid(object? value) => value is int v && v >= minimum && v <= maximum && (v & (v - 1)) == 0;
}

/// <summary>A literal IPv4 or IPv6 address (no host names: the daemon binds exactly where it is told).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class IPAddressTextAttribute() : ValidationAttribute("not an IP address")
{
    public override bool IsValid(object? value) => value is string s && System.Net.IPAddress.TryParse(s, out _);
}

/// <summary>Source-generated DataAnnotations validators, one per section (<see cref="DaemonConfiguration"/> runs them all).</summary>
[OptionsValidator]
internal sealed partial class DaemonSettingsValidator : IValidateOptions<DaemonSettings>;

/// <inheritdoc cref="DaemonSettingsValidator"/>
[OptionsValidator]
internal sealed partial class EngineSettingsValidator : IValidateOptions<EngineSettings>;

/// <inheritdoc cref="DaemonSettingsValidator"/>
[OptionsValidator]
internal sealed partial class SnapshotSettingsValidator : IValidateOptions<SnapshotSettings>;

/// <inheritdoc cref="DaemonSettingsValidator"/>
[OptionsValidator]
internal sealed partial class AdminSettingsValidator : IValidateOptions<AdminSettings>;

/// <inheritdoc cref="DaemonSettingsValidator"/>
[OptionsValidator]
internal sealed partial class GatewayOptionsValidator : IValidateOptions<GatewayOptions>;

/// <inheritdoc cref="DaemonSettingsValidator"/>
[OptionsValidator]
internal sealed partial class JournalOptionsValidator : IValidateOptions<JournalOptions>;
