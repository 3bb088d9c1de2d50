using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LiquidationEngine.Host.Daemon;

/// <summary>The figures behind a health verdict (all read without touching writer state).</summary>
/// <param name="Status"><c>ready</c>, <c>starting</c>, <c>stopping</c>, <c>faulted</c>, <c>ring_lag</c> or <c>stale_ticks</c>.</param>
/// <param name="RingLag">Inputs published but not yet applied.</param>
/// <param name="LastTickAgeSeconds">Seconds since the last tick entered the ring; null before the first.</param>
/// <param name="RecoveredSequence">The engine sequence recovery ended at (fixed for the life of the process); null before recovery.</param>
/// <param name="Sequence">The engine sequence the writer has applied now; null before the pipeline runs.</param>
/// <param name="FaultedStage">The stage that faulted, if any.</param>
public sealed record DaemonHealthReport(string Status, long RingLag, double? LastTickAgeSeconds, long? RecoveredSequence, long? Sequence, string? FaultedStage)
{
    /// <summary>True when the daemon is up and serving (status <c>ready</c>).</summary>
    public bool Ready => Status == "ready";
}

/// <summary>The health endpoints, on ASP.NET Core HealthChecks: <c>/health/live</c> (the process is serving: no stage
/// has faulted), <c>/health/ready</c> (recovered, the gateway listens, no lag, ticks fresh) and <c>/health</c>, an alias of
/// ready. All answer GET and HEAD with 200 or 503 and a JSON body.</summary>
public static class DaemonHealth
{
    /// <summary>Tag of the liveness check.</summary>
    public const string LiveTag = "live";

    /// <summary>Tag of the readiness check.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Writes <see cref="DaemonHealthReport"/> as JSON: the same body for all three endpoints, so a probe and an
    /// operator see the same figures.</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report, DaemonService daemon)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(daemon);
        DaemonHealthReport h = daemon.Health();
        bool liveOnly = !report.Entries.ContainsKey("engine");
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = liveOnly ? (report.Status == HealthStatus.Healthy ? "live" : "faulted") : h.Status,
            ringLag = h.RingLag,
            lastTickAgeSeconds = h.LastTickAgeSeconds,
            recoveredSequence = h.RecoveredSequence,
            sequence = h.Sequence,
            faultedStage = h.FaultedStage,
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }));
    }
}

/// <summary>Liveness: unhealthy once a stage has faulted (the daemon is then exiting).</summary>
internal sealed class DaemonLiveCheck(DaemonService daemon) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        DaemonHealthReport h = daemon.Health();
        return Task.FromResult(h.FaultedStage is { } stage
            ? HealthCheckResult.Unhealthy($"the {stage} stage faulted")
            : HealthCheckResult.Healthy("the pipeline runs"));
    }
}

/// <summary>Readiness: recovered and serving, ring lag and tick age within the Admin thresholds.</summary>
internal sealed class DaemonReadyCheck(DaemonService daemon) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        DaemonHealthReport h = daemon.Health();
        return Task.FromResult(h.Ready ? HealthCheckResult.Healthy("ready") : HealthCheckResult.Unhealthy(h.Status));
    }
}
