using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace LiquidationEngine.Host.Daemon;

/// <summary>What build runs: <c>liqengine_build_info</c>'s labels and the OpenTelemetry service version.</summary>
internal static class BuildInfo
{
    /// <summary>The informational version without the commit (e.g. <c>1.0.0</c>).</summary>
    public static readonly string Version;

    /// <summary>The source commit the SDK stamped into the informational version, or <c>unknown</c>.</summary>
    public static readonly string Commit;

    /// <summary>Labels: version, commit, runtime.</summary>
    public static readonly KeyValuePair<string, object?>[] Tags;

    /// <summary>Unix time the process started, in seconds.</summary>
    public static readonly double ProcessStartUnixSeconds;

    static BuildInfo()
    {
        string informational = typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        int plus = informational.IndexOf('+', StringComparison.Ordinal);
        Version = plus < 0 ? informational : informational[..plus];
        Commit = plus < 0 ? "unknown" : informational[(plus + 1)..];
        Tags =
        [
            new("version", Version),
            new("commit", Commit),
            new("runtime", RuntimeInformation.FrameworkDescription),
        ];
        using Process self = Process.GetCurrentProcess();
        ProcessStartUnixSeconds = new DateTimeOffset(self.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0;
    }
}
